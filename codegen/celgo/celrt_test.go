package celgo_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/procedo/procedo/codegen/celgo/internal/celtest"
	"github.com/procedo/procedo/codegen/celrt"
	"github.com/procedo/procedo/codegen/gotype"
)

// rtType describes a generated type to celrt as codegen does (its
// celrtType); kept here because celrt must not import gotype.
func rtType(t *gotype.Type, seen map[*gotype.Type]bool) *celrt.Type {
	if seen[t] {
		return &celrt.Type{Kind: celrt.Dyn}
	}
	t = t.Base()
	if t.IsEnum() {
		if t.Kind == gotype.Int {
			return &celrt.Type{Kind: celrt.Int}
		}
		return &celrt.Type{Kind: celrt.String}
	}
	switch t.Kind {
	case gotype.Bool:
		return &celrt.Type{Kind: celrt.Bool}
	case gotype.Int:
		return &celrt.Type{Kind: celrt.Int}
	case gotype.Float:
		return &celrt.Type{Kind: celrt.Double}
	case gotype.String:
		return &celrt.Type{Kind: celrt.String}
	case gotype.Date, gotype.DateTime:
		return &celrt.Type{Kind: celrt.Timestamp}
	case gotype.Slice:
		return &celrt.Type{Kind: celrt.List, Elem: rtType(t.Elem, seen)}
	case gotype.Map:
		return &celrt.Type{Kind: celrt.Map, Elem: rtType(t.Elem, seen)}
	case gotype.Struct:
		seen[t] = true
		defer delete(seen, t)
		fs := map[string]*celrt.Type{}
		for _, f := range t.Fields {
			fs[f.JSONName] = rtType(f.Type, seen)
		}
		return &celrt.Type{Kind: celrt.Object, Fields: fs}
	}
	return &celrt.Type{Kind: celrt.Dyn}
}

// TestCELRuntimeDifferential evaluates the corpus over random inputs with
// cel-go on the typed values (what the Go translation is compared with in
// TestDifferential) and with celrt on the same inputs as plain JSON, as
// codegen.Load and the fallbacks of generated code hold them: same result
// or an error on both sides.
func TestCELRuntimeDifferential(t *testing.T) {
	_, input, env := celtest.Fixture(t)
	vars := map[string]*celrt.Type{}
	for _, f := range input.Fields {
		vars[f.JSONName] = rtType(f.Type, map[*gotype.Type]bool{})
	}
	r := rand.New(rand.NewPCG(7, 2026))
	type pair struct {
		typed map[string]any
		plain map[string]any
	}
	var inputs []pair
	for range 60 {
		data, err := json.Marshal(celtest.RandomInput(r))
		if err != nil {
			t.Fatal(err)
		}
		var num, plain map[string]any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&num); err != nil {
			t.Fatal(err)
		}
		// As codegen.Load's codec decodes the variables.
		if plain, err = celrt.DecodeObject(data); err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, pair{celtest.Activation(input, num), plain})
	}
	compared, errs := 0, 0
	for _, src := range celtest.Corpus(t) {
		ast, err := env.Compile(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		typed, err := env.CEL().Program(ast)
		if err != nil {
			t.Fatal(err)
		}
		rt, err := celrt.Compile(src, vars)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		for i, in := range inputs {
			want, _, werr := typed.Eval(in.typed)
			got, gerr := rt.Eval(in.plain)
			switch {
			case werr != nil && gerr != nil:
				errs++
			case werr != nil:
				t.Errorf("%s, input %d: cel-go on typed values fails (%v), celrt gives %s", src, i, werr, celtest.Canon(got))
			case gerr != nil:
				t.Errorf("%s, input %d: celrt fails (%v), cel-go gives %s", src, i, gerr, celtest.CanonCEL(want))
			default:
				if w, g := celtest.CanonCEL(want), celtest.Canon(got); w != g {
					t.Errorf("%s, input %d: celrt gives %s, cel-go on typed values %s", src, i, g, w)
				}
			}
			compared++
		}
	}
	t.Logf("%d evaluations compared, %d errors on both sides", compared, errs)
}
