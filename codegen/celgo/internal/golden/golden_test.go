package golden

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"cel.dev/cel-go/cel"

	"github.com/procedo/procedo/codegen/celgo/internal/celtest"
)

type sample struct {
	in  Input
	act map[string]any
}

// samples returns n random inputs, as the typed struct and as cel-go
// variables.
func samples(t testing.TB, n int) []sample {
	t.Helper()
	_, input, _ := celtest.Fixture(t)
	r := rand.New(rand.NewPCG(7, 2026))
	var out []sample
	for range n {
		raw, err := json.Marshal(celtest.RandomInput(r))
		if err != nil {
			t.Fatal(err)
		}
		var s sample
		if err := json.Unmarshal(raw, &s.in); err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		s.act = celtest.Activation(input, m)
		out = append(out, s)
	}
	return out
}

func programs(t testing.TB) []cel.Program {
	t.Helper()
	_, _, env := celtest.Fixture(t)
	var prgs []cel.Program
	for _, e := range Exprs {
		ast, err := env.Compile(e.Source)
		if err != nil {
			t.Fatal(err)
		}
		prg, err := env.CEL().Program(ast)
		if err != nil {
			t.Fatal(err)
		}
		prgs = append(prgs, prg)
	}
	return prgs
}

// TestAgainstCEL is the in-process twin of celgo's TestDifferential, over
// the committed translation and other random inputs.
func TestAgainstCEL(t *testing.T) {
	prgs := programs(t)
	for i, s := range samples(t, 100) {
		for j, e := range Exprs {
			got := "error"
			if v, err := e.Eval(&s.in); err == nil {
				got = celtest.Canon(v)
			}
			want := "error"
			if v, _, err := prgs[j].Eval(s.act); err == nil {
				want = celtest.CanonCEL(v)
			}
			if got != want {
				t.Errorf("%q on input %d: Go %s, cel-go %s", e.Source, i, got, want)
			}
		}
	}
}

// BenchmarkCorpus evaluates the whole corpus on one input per iteration,
// through the Go translation and through cel-go programs, and reports the
// time per expression of each and their ratio.
func BenchmarkCorpus(b *testing.B) {
	prgs := programs(b)
	ss := samples(b, 16)
	var goTime, celTime time.Duration
	i := 0
	for b.Loop() {
		s := &ss[i%len(ss)]
		i++
		start := time.Now()
		for _, e := range Exprs {
			_, _ = e.Eval(&s.in)
		}
		mid := time.Now()
		for _, p := range prgs {
			_, _, _ = p.Eval(s.act)
		}
		goTime += mid.Sub(start)
		celTime += time.Since(mid)
	}
	n := float64(i * len(Exprs))
	b.ReportMetric(float64(goTime.Nanoseconds())/n, "go-ns/expr")
	b.ReportMetric(float64(celTime.Nanoseconds())/n, "cel-ns/expr")
	if goTime > 0 {
		b.ReportMetric(float64(celTime)/float64(goTime), "cel/go")
	}
}

// BenchmarkCondition compares one typical sequence-flow condition.
func BenchmarkCondition(b *testing.B) {
	const src = `p.eta >= 18 ? p.importo * 1.1 : p.importo`
	prgs := programs(b)
	ss := samples(b, 1)
	for j, e := range Exprs {
		if e.Source != src {
			continue
		}
		b.Run("go", func(b *testing.B) {
			for b.Loop() {
				_, _ = e.Eval(&ss[0].in)
			}
		})
		b.Run("cel", func(b *testing.B) {
			for b.Loop() {
				_, _, _ = prgs[j].Eval(ss[0].act)
			}
		})
		return
	}
	b.Fatalf("%q is not in the corpus", src)
}
