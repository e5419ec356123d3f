package model_test

import (
	"fmt"

	"cel.dev/cel-go/cel"

	"github.com/procedo/procedo/designer/model"
)

func ExampleLoad() {
	m, problems, err := model.Load("testdata/ztl")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("problems:", len(problems))
	p := m.Processes[0]
	fmt.Println(p.ID, p.LegalTerm)
	for _, n := range p.Nodes {
		if n.Kind == "exclusiveGateway" {
			for _, f := range n.Outgoing {
				cond := "default"
				if f.Condition != nil {
					cond = f.Condition.Text
				}
				fmt.Printf("%s -> %s: %s\n", n.ID, f.Target.ID, cond)
			}
		}
	}
	// Output:
	// problems: 0
	// ztl P30D
	// Esito -> Rilascio: decisione == "accolta" && importo > 0.0
	// Esito -> Integrazione: decisione == "integrazione"
	// Esito -> Respinta: default
}

// Check type-checks an expression against the forms of the bundle; errors
// carry the column in the expression and the position in the file.
func ExampleExpr_Check() {
	m, _, err := model.Load("testdata/ztl")
	if err != nil {
		fmt.Println(err)
		return
	}
	env, err := m.Env()
	if err != nil {
		fmt.Println(err)
		return
	}
	key := m.Process("ztl").Node("Integrazione").CorrelationKey
	ast, errs := key.Check(env, cel.StringType)
	fmt.Println(key.Text, "→", ast.OutputType(), len(errs), "errors")

	typo := &model.Expr{Text: `richiedente.codiceFiscal != ""`, ElementID: "Esempio", Field: "procedo:assignee"}
	_, errs = typo.Check(env, cel.BoolType)
	for _, e := range errs {
		fmt.Println(e)
	}
	// Output:
	// richiedente.codiceFiscale → string 0 errors
	// procedo:assignee of "Esempio", column 12: undefined field 'codiceFiscal'
}
