package celgo_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
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

// fixture generates the Input type of testdata/input.schema.json and an
// Env whose variables are the fields of Input, read in Go as in.<Field>.
func fixture(t testing.TB) (*gotype.Generator, *gotype.Type, *celgo.Env) {
	t.Helper()
	schema, err := os.ReadFile("testdata/input.schema.json")
	if err != nil {
		t.Fatal(err)
	}
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

func corpus(t testing.TB) []string {
	t.Helper()
	data, err := os.ReadFile("testdata/exprs.txt")
	if err != nil {
		t.Fatal(err)
	}
	var exprs []string
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			exprs = append(exprs, line)
		}
	}
	return exprs
}

// randomInput returns a JSON instance of Input with edge values.
func randomInput(r *rand.Rand) map[string]any {
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

// celValue converts a JSON value into the value cel-go receives for a
// variable of Go type t: integers as int64, dates and date-times as
// time.Time, objects as maps.
func celValue(t *gotype.Type, v any) any {
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
			out = append(out, celValue(b.Elem, x))
		}
		return out
	case b.Kind == gotype.Map:
		out := map[string]any{}
		for k, x := range v.(map[string]any) {
			out[k] = celValue(b.Elem, x)
		}
		return out
	case b.Kind == gotype.Struct:
		obj := v.(map[string]any)
		out := map[string]any{}
		for _, f := range b.Fields {
			if x, ok := obj[f.JSONName]; ok {
				out[f.JSONName] = celValue(f.Type, x)
			}
		}
		return out
	}
	return v
}

// canonCEL renders a cel-go result like canon in the generated program.
func canonCEL(v ref.Val) string {
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
			parts = append(parts, canonCEL(x.Get(i)))
		}
		return "[" + strings.Join(parts, ",") + "]"
	case traits.Mapper:
		var parts []string
		it := x.Iterator()
		for it.HasNext() == types.True {
			k := it.Next()
			parts = append(parts, canonCEL(k)+"="+canonCEL(x.Get(k)))
		}
		sort.Strings(parts)
		return "{" + strings.Join(parts, ",") + "}"
	}
	return fmt.Sprintf("?%T", v)
}

const mainSource = `package main

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

func canon(v any) string {
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
			parts = append(parts, canon(rv.Index(i).Interface()))
		}
		return "[" + strings.Join(parts, ",") + "]"
	case reflect.Map:
		var parts []string
		for _, k := range rv.MapKeys() {
			parts = append(parts, canon(k.Interface())+"="+canon(rv.MapIndex(k).Interface()))
		}
		sort.Strings(parts)
		return "{" + strings.Join(parts, ",") + "}"
	}
	return fmt.Sprintf("?%T", v)
}

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	var inputs []json.RawMessage
	if err := json.Unmarshal(data, &inputs); err != nil {
		panic(err)
	}
	for _, raw := range inputs {
		var in Input
		if err := json.Unmarshal(raw, &in); err != nil {
			panic(err)
		}
		for _, f := range exprs {
			v, err := f(&in)
			if err != nil {
				fmt.Println("error")
				continue
			}
			fmt.Println(canon(v))
		}
	}
}
`

// TestDifferential evaluates the corpus of testdata/exprs.txt over random
// inputs through the Go translation (one generated package, built once)
// and through cel-go, and requires the same result or an error on both
// sides.
func TestDifferential(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program with the go tool")
	}
	g, input, env := fixture(t)
	exprs := corpus(t)
	if len(exprs) < 100 {
		t.Fatalf("the corpus has %d expressions, want at least 100", len(exprs))
	}
	f := g.File("main", "input.schema.json")
	var table []jen.Code
	var programs []cel.Program
	for i, src := range exprs {
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
		f.Add(ident.Comment(src))
		f.Add(fn.Decl)
		table = append(table, jen.Func().Params(jen.Id("in").Op("*").Id(input.Name)).Params(jen.Any(), jen.Error()).Block(
			jen.Return(jen.Id(name).Call(jen.Id("in"))),
		))
	}
	f.Var().Id("exprs").Op("=").Index().Func().Params(jen.Op("*").Id(input.Name)).Params(jen.Any(), jen.Error()).Values(table...)

	dir := t.TempDir()
	var gen bytes.Buffer
	if err := f.Render(&gen); err != nil {
		t.Fatalf("render: %v", err)
	}
	helpers, err := celgo.HelperFile("main")
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(4, 2026))
	var inputs []map[string]any
	for range 60 {
		inputs = append(inputs, randomInput(r))
	}
	inputJSON, err := json.Marshal(inputs)
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string][]byte{
		"go.mod": []byte("module difftest\n\ngo 1.26\n"), "exprs.go": gen.Bytes(), "cel.go": helpers,
		"main.go": []byte(mainSource), "inputs.json": inputJSON,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	vet := exec.Command("go", "vet", ".")
	vet.Dir = dir
	if out, err := vet.CombinedOutput(); err != nil {
		t.Fatalf("go vet of the generated package: %v\n%s", err, out)
	}
	run := exec.Command("go", "run", ".", "inputs.json")
	run.Dir = dir
	out, err := run.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go run: %v\n%s", err, ee.Stderr)
		}
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	var decoded []map[string]any
	dec := json.NewDecoder(bytes.NewReader(inputJSON))
	dec.UseNumber()
	if err := dec.Decode(&decoded); err != nil {
		t.Fatal(err)
	}
	mismatches, errorsBoth, values := 0, 0, 0
	for i, in := range decoded {
		act := map[string]any{}
		for _, fld := range input.Fields {
			act[fld.JSONName] = celValue(fld.Type, in[fld.JSONName])
		}
		for j, prg := range programs {
			if !sc.Scan() {
				t.Fatalf("the generated program printed too few results")
			}
			got := sc.Text()
			want := "error"
			if v, _, err := prg.Eval(act); err == nil {
				want = canonCEL(v)
			}
			switch {
			case got != want:
				mismatches++
				if mismatches <= 20 {
					raw, _ := json.Marshal(inputs[i])
					t.Errorf("%q on input %d: Go %s, cel-go %s\ninput: %s", exprs[j], i, got, want, raw)
				}
			case got == "error":
				errorsBoth++
			default:
				values++
			}
		}
	}
	t.Logf("%d expressions × %d inputs: %d equal values, %d errors on both sides, %d mismatches",
		len(exprs), len(inputs), values, errorsBoth, mismatches)
}
