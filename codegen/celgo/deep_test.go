package celgo_test

import (
	"strings"
	"testing"

	"github.com/dave/jennifer/jen"

	"github.com/procedo/procedo/codegen/celgo/internal/celtest"
)

// TestDeepNesting guards against translation work that grows
// exponentially with nesting (each operand must be translated once).
func TestDeepNesting(t *testing.T) {
	_, input, env := celtest.Fixture(t)
	for _, part := range []string{"x / y > 0 && ", "(p.punti > 0 || ", "l.exists(v, "} {
		closing := map[string]string{"x / y > 0 && ": "", "(p.punti > 0 || ": ")", "l.exists(v, ": ")"}[part]
		src := strings.Repeat(part, 40) + "true" + strings.Repeat(closing, 40)
		ast, err := env.Compile(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if _, err := env.Translate(ast, "f", jen.Id("in").Op("*").Id(input.Name)); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
	}
}
