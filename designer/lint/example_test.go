package lint_test

import (
	"fmt"

	"github.com/procedo/procedo/designer/lint"
)

func ExamplePath() {
	res := lint.Path("testdata/conditional-flows/bad.bpmn")
	for _, d := range res.Diagnostics {
		if d.Severity == lint.Error {
			fmt.Println(d)
		}
	}
	fmt.Println("errors:", res.Errors())
	// Output:
	// testdata/conditional-flows/bad.bpmn:10:5: error: flow "No" leaving exclusiveGateway "Esito?" has no condition: add a conditionExpression, or make it the gateway's default flow [conditional-flows] (No)
	// errors: 1
}
