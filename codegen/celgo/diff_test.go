package celgo_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/procedo/procedo/codegen/celgo/internal/celtest"
)

// mainSource evaluates every expression of the generated package on every
// input and prints one canonical result per line (celtest.Canon's format).
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
		for _, e := range Exprs {
			v, err := e.Eval(&in)
			if err != nil {
				fmt.Println("error")
				continue
			}
			fmt.Println(canon(v))
		}
	}
}
`

// TestDifferential evaluates the corpus of internal/celtest/exprs.txt over
// random inputs through the Go translation (one generated package, built
// once with the go tool) and through cel-go, and requires the same result
// or an error on both sides.
func TestDifferential(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program with the go tool")
	}
	_, input, _ := celtest.Fixture(t)
	exprs := celtest.Corpus(t)
	if len(exprs) < 100 {
		t.Fatalf("the corpus has %d expressions, want at least 100", len(exprs))
	}
	types, gen, helpers, programs := celtest.GenerateCorpus(t, "main")
	r := rand.New(rand.NewPCG(4, 2026))
	var inputs []map[string]any
	for range 100 {
		inputs = append(inputs, celtest.RandomInput(r))
	}
	inputJSON, err := json.Marshal(inputs)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, content := range map[string][]byte{
		"go.mod": []byte("module difftest\n\ngo 1.26\n"), "types.go": types, "exprs.go": gen, "cel.go": helpers,
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
		act := celtest.Activation(input, in)
		for j, prg := range programs {
			if !sc.Scan() {
				t.Fatalf("the generated program printed too few results")
			}
			got := sc.Text()
			want := "error"
			if v, _, err := prg.Eval(act); err == nil {
				want = celtest.CanonCEL(v)
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
	if sc.Scan() {
		t.Errorf("the generated program printed more results than expected: %q", sc.Text())
	}
	t.Logf("%d expressions × %d inputs: %d equal values, %d errors on both sides, %d mismatches",
		len(exprs), len(inputs), values, errorsBoth, mismatches)
}
