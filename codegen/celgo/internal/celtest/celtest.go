// Package celtest holds what the tests of codegen/celgo share: the typed
// input of the expression corpus, the corpus itself, random inputs with
// edge values, and the conversion of inputs and results for cel-go.
package celtest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"github.com/dave/jennifer/jen"

	"github.com/procedo/procedo/codegen/celgo"
	"github.com/procedo/procedo/codegen/gotype"
	"github.com/procedo/procedo/codegen/ident"
)

// inputSchema declares the variables of the corpus: the fields of Input.
//
//go:embed input.schema.json
var inputSchema string

// exprsText is the corpus: one CEL expression per line, # comments.
//
//go:embed exprs.txt
var exprsText string

// Fixture generates the Input type of testdata/input.schema.json and an
// Env whose variables are the fields of Input, read in Go as in.<Field>.
func Fixture(t testing.TB) (*gotype.Generator, *gotype.Type, *celgo.Env) {
	t.Helper()
	schema := []byte(inputSchema)
	names := ident.NewNamer(celgo.HelperNames()...)
	g := gotype.NewGenerator(names)
	input, err := g.Schema("input.schema.json", schema, "Input")
	if err != nil {
		t.Fatal(err)
	}
	var vars []celgo.Var
	for _, f := range input.Fields {
		vars = append(vars, celgo.Var{Name: f.JSONName, Type: f.Type, Go: jen.Id("in").Dot(f.GoName)})
	}
	env, err := celgo.NewEnv(vars...)
	if err != nil {
		t.Fatal(err)
	}
	return g, input, env
}

// Corpus returns the expressions of exprs.txt.
func Corpus(t testing.TB) []string {
	t.Helper()
	var exprs []string
	for _, line := range strings.Split(exprsText, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			exprs = append(exprs, line)
		}
	}
	return exprs
}

// RandomInput returns a JSON instance of Input with edge values.
func RandomInput(r *rand.Rand) map[string]any {
	pick := func(xs ...any) any { return xs[r.IntN(len(xs))] }
	intv := func() any {
		return pick(int64(0), int64(1), int64(-1), int64(2), int64(3), int64(5), int64(7), int64(10), int64(-100),
			int64(math.MaxInt64), int64(math.MinInt64), int64(r.IntN(50)-25))
	}
	smallInt := func() any {
		return pick(int64(0), int64(1), int64(2), int64(3), int64(4), int64(6), int64(11), int64(-2))
	}
	dbl := func() any { return pick(0.0, 1.5, -2.25, 3.0, 1e308, -1e-3, r.Float64()*100-50) }
	str := func() any {
		return pick("", "a", "ab", "abc", "zz", "k", "k1", "città", "perché", "123", "-7", "1.5", "[",
			"2026-01-01T00:00:00Z", "1h", "aaa", "ABC")
	}
	ts := func() any {
		t := time.Date(1990+r.IntN(40), time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1000)*1e6, time.UTC)
		if r.IntN(3) == 0 {
			t = t.In(time.FixedZone("", 3600*(r.IntN(5)-2)))
		}
		return t.Format(time.RFC3339Nano)
	}
	date := func() any { return fmt.Sprintf("%04d-%02d-%02d", 1950+r.IntN(70), 1+r.IntN(12), 1+r.IntN(28)) }
	list := func(f func() any) []any {
		out := []any{}
		for range r.IntN(5) {
			out = append(out, f())
		}
		return out
	}
	mapv := func() map[string]any {
		out := map[string]any{}
		for _, k := range []string{"k1", "k2", "k3"} {
			if r.IntN(2) == 0 {
				out[k] = smallInt()
			}
		}
		return out
	}
	stato := func() any { return pick("bozza", "inviata", "accolta", "respinta") }
	p := map[string]any{
		"nome": str(), "eta": intv(), "importo": dbl(), "attivo": r.IntN(2) == 0, "tags": list(str),
		"stato": stato(), "nascita": date(), "inviata": ts(), "allegati": []any{},
	}
	for range r.IntN(4) {
		p["allegati"] = append(p["allegati"].([]any), map[string]any{"nome": str(), "pagine": smallInt()})
	}
	opt := func(k string, f func() any) {
		if r.IntN(3) != 0 {
			p[k] = f()
		}
	}
	opt("nota", str)
	opt("luogo di nascita", str)
	opt("punti", intv)
	opt("voti", func() any { return list(smallInt) })
	opt("scadenza", ts)
	opt("indirizzo", func() any {
		a := map[string]any{"via": str()}
		if r.IntN(2) == 0 {
			a["civico"] = smallInt()
		}
		return a
	})
	opt("extra", func() any { return mapv() })
	opt("storico", func() any { return list(stato) })
	return map[string]any{"p": p, "x": intv(), "y": intv(), "f": dbl(), "g": dbl(), "s": str(),
		"l": list(smallInt), "m": mapv(), "ts": ts()}
}

// CELValue converts a JSON value into the value cel-go receives for a
// variable of Go type t: integers as int64, dates and date-times as
// time.Time, objects as maps.
func CELValue(t *gotype.Type, v any) any {
	b := t.Base()
	switch {
	case b.IsEnum() && b.Kind == gotype.String:
		return v.(string)
	case b.Kind == gotype.Int:
		i, err := v.(json.Number).Int64()
		if err != nil {
			panic(err)
		}
		return i
	case b.Kind == gotype.Float:
		f, _ := v.(json.Number).Float64()
		return f
	case b.Kind == gotype.Date:
		d, err := time.Parse(time.DateOnly, v.(string))
		if err != nil {
			panic(err)
		}
		return d
	case b.Kind == gotype.DateTime:
		d, err := time.Parse(time.RFC3339, v.(string))
		if err != nil {
			panic(err)
		}
		return d
	case b.Kind == gotype.Slice:
		out := []any{}
		for _, x := range v.([]any) {
			out = append(out, CELValue(b.Elem, x))
		}
		return out
	case b.Kind == gotype.Map:
		out := map[string]any{}
		for k, x := range v.(map[string]any) {
			out[k] = CELValue(b.Elem, x)
		}
		return out
	case b.Kind == gotype.Struct:
		obj := v.(map[string]any)
		out := map[string]any{}
		for _, f := range b.Fields {
			if x, ok := obj[f.JSONName]; ok {
				out[f.JSONName] = CELValue(f.Type, x)
			}
		}
		return out
	}
	return v
}

// CanonCEL renders a cel-go result as the canonical text the generated
// test programs print for the Go result.
func CanonCEL(v ref.Val) string {
	switch x := v.(type) {
	case types.Bool:
		return "b:" + strconv.FormatBool(bool(x))
	case types.Int:
		return "i:" + strconv.FormatInt(int64(x), 10)
	case types.Double:
		return "d:" + strconv.FormatFloat(float64(x), 'g', -1, 64)
	case types.String:
		return "s:" + strconv.Quote(string(x))
	case types.Timestamp:
		return "t:" + x.Time.UTC().Format(time.RFC3339Nano)
	case types.Duration:
		return "dur:" + strconv.FormatInt(int64(x.Duration), 10)
	case traits.Lister:
		var parts []string
		for i := types.Int(0); i < x.Size().(types.Int); i++ {
			parts = append(parts, CanonCEL(x.Get(i)))
		}
		return "[" + strings.Join(parts, ",") + "]"
	case traits.Mapper:
		var parts []string
		it := x.Iterator()
		for it.HasNext() == types.True {
			k := it.Next()
			parts = append(parts, CanonCEL(k)+"="+CanonCEL(x.Get(k)))
		}
		sort.Strings(parts)
		return "{" + strings.Join(parts, ",") + "}"
	}
	return fmt.Sprintf("?%T", v)
}

// Canon renders a result of a translated expression as canonical text:
// the same text [CanonCEL] gives for the cel-go result of the same value.
func Canon(v any) string {
	switch x := v.(type) {
	case time.Time:
		return "t:" + x.UTC().Format(time.RFC3339Nano)
	case time.Duration:
		return "dur:" + strconv.FormatInt(int64(x), 10)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Bool:
		return "b:" + strconv.FormatBool(rv.Bool())
	case reflect.Int64:
		return "i:" + strconv.FormatInt(rv.Int(), 10)
	case reflect.Float64:
		return "d:" + strconv.FormatFloat(rv.Float(), 'g', -1, 64)
	case reflect.String:
		return "s:" + strconv.Quote(rv.String())
	case reflect.Slice:
		var parts []string
		for i := 0; i < rv.Len(); i++ {
			parts = append(parts, Canon(rv.Index(i).Interface()))
		}
		return "[" + strings.Join(parts, ",") + "]"
	case reflect.Map:
		var parts []string
		for _, k := range rv.MapKeys() {
			parts = append(parts, Canon(k.Interface())+"="+Canon(rv.MapIndex(k).Interface()))
		}
		sort.Strings(parts)
		return "{" + strings.Join(parts, ",") + "}"
	}
	return fmt.Sprintf("?%T", v)
}

// Activation converts one JSON instance of Input (decoded with UseNumber)
// into the variables cel-go evaluates the corpus with.
func Activation(input *gotype.Type, in map[string]any) map[string]any {
	act := map[string]any{}
	for _, f := range input.Fields {
		act[f.JSONName] = CELValue(f.Type, in[f.JSONName])
	}
	return act
}

// GenerateCorpus translates the whole corpus into one Go file of package
// pkg: the types of Input, one function per expression (its CEL source in
// the doc comment), and the table Exprs in corpus order.
func GenerateCorpus(t testing.TB, pkg string) (types, exprs, helpers []byte, programs []cel.Program) {
	t.Helper()
	g, input, env := Fixture(t)
	var tbuf bytes.Buffer
	if err := g.File(pkg, "codegen/celgo/internal/celtest/input.schema.json").Render(&tbuf); err != nil {
		t.Fatal(err)
	}
	f := jen.NewFile(pkg)
	f.HeaderComment("Code generated by procedo from codegen/celgo/internal/celtest/exprs.txt. DO NOT EDIT.")
	var table []jen.Code
	for i, src := range Corpus(t) {
		ast, err := env.Compile(src)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		prg, err := env.CEL().Program(ast)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		programs = append(programs, prg)
		name := fmt.Sprintf("expr%d", i)
		fn, err := env.Translate(ast, name, jen.Id("in").Op("*").Id(input.Name))
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		f.Add(ident.Comment(name + " is the CEL expression\n\n\t" + src))
		f.Add(fn.Decl)
		f.Line()
		table = append(table, jen.Values(jen.Dict{
			jen.Id("Source"): jen.Lit(src),
			jen.Id("Eval"): jen.Func().Params(jen.Id("in").Op("*").Id(input.Name)).Params(jen.Any(), jen.Error()).Block(
				jen.Return(jen.Id(name).Call(jen.Id("in"))),
			),
		}))
	}
	f.Comment("Expr is one translated expression of the corpus.")
	f.Type().Id("Expr").Struct(
		jen.Id("Source").String(),
		jen.Id("Eval").Func().Params(jen.Op("*").Id(input.Name)).Params(jen.Any(), jen.Error()),
	)
	f.Comment("Exprs lists the corpus in the order of exprs.txt.")
	f.Var().Id("Exprs").Op("=").Index().Id("Expr").Values(table...)
	var ebuf bytes.Buffer
	if err := f.Render(&ebuf); err != nil {
		t.Fatalf("render: %v", err)
	}
	h, err := celgo.HelperFile(pkg)
	if err != nil {
		t.Fatal(err)
	}
	return tbuf.Bytes(), ebuf.Bytes(), h, programs
}
