package celgo_test

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/procedo/procedo/codegen/celgo"
	"github.com/procedo/procedo/codegen/gotype"
	"github.com/procedo/procedo/codegen/ident"
)

func ExampleEnv_Translate() {
	schema := []byte(`{
	  "type": "object",
	  "required": ["eta"],
	  "properties": {
	    "eta": {"type": "integer"},
	    "isee": {"type": "number"}
	  }
	}`)
	g := gotype.NewGenerator(ident.NewNamer(celgo.HelperNames()...))
	domanda, err := g.Schema("forms/domanda.schema.json", schema, "Domanda")
	if err != nil {
		panic(err)
	}
	env, err := celgo.NewEnv(celgo.Var{Name: "domanda", Type: domanda, Go: jen.Id("d")})
	if err != nil {
		panic(err)
	}
	ast, err := env.Compile(`domanda.eta >= 18 && domanda.isee < 20000.0`)
	if err != nil {
		panic(err)
	}
	fn, err := env.Translate(ast, "agevolazione", jen.Id("d").Op("*").Id(domanda.Name))
	if err != nil {
		panic(err)
	}
	fmt.Printf("%#v\n", fn.Decl)
	// Output:
	// func agevolazione(d *Domanda) (res bool, err error) {
	// 	var t3 bool
	// 	if !(d.Eta >= int64(18)) {
	// 		t3 = (d.Eta >= int64(18))
	// 	} else {
	// 		v1, e2 := func() (res bool, err error) {
	// 			if d.Isee == nil {
	// 				return res, celNoSuchKey("isee")
	// 			}
	// 			return ((*d.Isee) < 20000.0), nil
	// 		}()
	// 		if e2 != nil {
	// 			return res, e2
	// 		} else {
	// 			t3 = v1
	// 		}
	// 	}
	// 	return t3, nil
	// }
}
