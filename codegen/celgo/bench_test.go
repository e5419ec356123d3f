package celgo_test

import (
	"fmt"
	"testing"

	"github.com/dave/jennifer/jen"

	"github.com/procedo/procedo/codegen/celgo/internal/celtest"
)

// BenchmarkTranslate compiles and translates every expression of the
// corpus; it reports the cost per expression.
func BenchmarkTranslate(b *testing.B) {
	_, input, env := celtest.Fixture(b)
	exprs := celtest.Corpus(b)
	for b.Loop() {
		for i, src := range exprs {
			ast, err := env.Compile(src)
			if err != nil {
				b.Fatal(err)
			}
			fn, err := env.Translate(ast, fmt.Sprintf("expr%d", i), jen.Id("in").Op("*").Id(input.Name))
			if err != nil {
				b.Fatal(err)
			}
			_ = fmt.Sprintf("%#v", fn.Decl)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(exprs)), "ns/expr")
}
