package codegen_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/procedo/procedo/codegen"
	"github.com/procedo/procedo/codegen/internal/reference/istruttoria"
	"github.com/procedo/procedo/codegen/internal/reference/ztlaccess"
	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/runtime/store/storemem"
)

const (
	referenceBundle   = "testdata/reference/bundle"
	istruttoriaBundle = "testdata/istruttoria/bundle"
	codecBundle       = "testdata/codec/bundle" // every kind of generated type
	suapBundle        = "testdata/suap/bundle"  // enums, raw fallbacks, call activity
)

// TestReferencePackage keeps codegen/internal/reference, the generated
// packages that the benchmarks and the codec test link, up to date
// (go test ./codegen -update rewrites it).
func TestReferencePackage(t *testing.T) {
	var bundles []*codegen.Bundle
	for _, dir := range []string{referenceBundle, istruttoriaBundle, codecBundle, suapBundle} {
		b, err := codegen.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		bundles = append(bundles, b)
	}
	files, err := codegen.Generate(bundles...)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if _, _, err := codegen.Write("internal/reference", files); err != nil {
			t.Fatal(err)
		}
		return
	}
	diff, err := codegen.Diff("internal/reference", files)
	if err != nil {
		t.Fatal(err)
	}
	if diff != "" {
		t.Errorf("codegen/internal/reference is stale (go test ./codegen -update):\n%s", diff)
	}
}

// bigBundle writes a bundle with a chain of n/2 exclusive gateways and
// n/2 tasks (user, service, script in turn), each gateway with a CEL
// condition: a process of about n elements.
func bigBundle(tb testing.TB, n int) string {
	dir := tb.TempDir()
	var x strings.Builder
	x.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:procedo="https://procedo.dev/bpmn/1.0" id="D" targetNamespace="https://procedo.dev/bench">
<bpmn:process id="grande" name="Processo grande" isExecutable="true" procedo:legalTerm="P30D">
<bpmn:startEvent id="Start" name="Inizio" procedo:form="domanda" />
`)
	prev := "Start"
	for i := 0; i < n/2; i++ {
		task := fmt.Sprintf("T%d", i)
		switch i % 3 {
		case 0:
			fmt.Fprintf(&x, "<bpmn:userTask id=%q name=\"Compito %d\" procedo:offices=\"Ufficio\" procedo:form=\"domanda\" />\n", task, i)
		case 1:
			fmt.Fprintf(&x, "<bpmn:serviceTask id=%q name=\"Servizio %d\" procedo:type=\"svc.s%d\" />\n", task, i, i)
		case 2:
			fmt.Fprintf(&x, "<bpmn:scriptTask id=%q name=\"Calcolo %d\" scriptFormat=\"cel\" procedo:resultVariable=\"r%d\"><bpmn:script>importo * 2.0 + double(size(nome))</bpmn:script></bpmn:scriptTask>\n", task, i, i)
		}
		gw := fmt.Sprintf("G%d", i)
		fmt.Fprintf(&x, "<bpmn:sequenceFlow id=\"F%d_a\" sourceRef=%q targetRef=%q />\n", i, prev, task)
		fmt.Fprintf(&x, "<bpmn:exclusiveGateway id=%q name=\"Scelta %d\" default=\"F%d_d\" />\n", gw, i, i)
		fmt.Fprintf(&x, "<bpmn:sequenceFlow id=\"F%d_b\" sourceRef=%q targetRef=%q />\n", i, task, gw)
		fmt.Fprintf(&x, "<bpmn:sequenceFlow id=\"F%d_c\" sourceRef=%q targetRef=\"End\"><bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\" language=\"cel\">importo &gt; %d.0 &amp;&amp; nome.startsWith(\"x\")</bpmn:conditionExpression></bpmn:sequenceFlow>\n", i, gw, i)
		next := fmt.Sprintf("J%d", i)
		fmt.Fprintf(&x, "<bpmn:exclusiveGateway id=%q />\n<bpmn:sequenceFlow id=\"F%d_d\" sourceRef=%q targetRef=%q />\n", next, i, gw, next)
		prev = next
	}
	fmt.Fprintf(&x, "<bpmn:sequenceFlow id=\"F_end\" sourceRef=%q targetRef=\"End\" />\n<bpmn:endEvent id=\"End\" name=\"Fine\" />\n</bpmn:process>\n</bpmn:definitions>\n", prev)
	if err := os.MkdirAll(filepath.Join(dir, "forms"), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "process.bpmn"), []byte(x.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	schema := `{"type":"object","required":["nome","importo"],"properties":{"nome":{"type":"string"},"importo":{"type":"number"}}}`
	if err := os.WriteFile(filepath.Join(dir, "forms", "domanda.schema.json"), []byte(schema), 0o644); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// BenchmarkGenerate generates a process of about 1,000 elements: load,
// lint, check and translate every expression, render and gofmt the files
// (target: under a second).
func BenchmarkGenerate(b *testing.B) {
	dir := bigBundle(b, 1000)
	b.ReportAllocs()
	var size int
	for b.Loop() {
		bd, err := codegen.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		files, err := codegen.Generate(bd)
		if err != nil {
			b.Fatal(err)
		}
		size = 0
		for _, f := range files {
			size += len(f)
		}
	}
	b.ReportMetric(float64(size), "bytes-of-Go")
}

// BenchmarkLoad is the in-memory path of the same 1,000-element process.
func BenchmarkLoad(b *testing.B) {
	dir := bigBundle(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := codegen.Load(dir); err != nil {
			b.Fatal(err)
		}
	}
}

type refServices struct{}

func (refServices) VerificaTarga(_ context.Context, _ *runtime.ServiceCall, v *ztlaccess.Variables) error {
	ok := v.Targa != nil && len(*v.Targa) == 7
	v.Valida = &ok
	return nil
}

var _ ztlaccess.Services = refServices{}

// runReference starts n instances of the reference process on a fresh
// in-memory engine and runs them to the end; it returns the elapsed time.
func runReference(b *testing.B, def *runtime.Definition, handlers map[string]runtime.Handler, n int) time.Duration {
	ctx := context.Background()
	st := storemem.New()
	e, err := runtime.New(runtime.Options{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Handlers: handlers, BatchSize: 64})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.Deploy(ctx, &runtime.DeployParams{Body: "c_bench", Definition: def}); err != nil {
		b.Fatal(err)
	}
	vars := []byte(`{"targa":"AB123CD"}`)
	begin := time.Now()
	for done := 0; done < n; {
		k := min(64, n-done)
		ps := make([]*runtime.StartParams, k)
		for i := range ps {
			ps[i] = &runtime.StartParams{Body: "c_bench", ProcessKey: ztlaccess.ProcessKey, Vars: vars}
		}
		if _, err := e.StartMany(ctx, ps); err != nil {
			b.Fatal(err)
		}
		if _, err := e.ProcessJobs(ctx); err != nil {
			b.Fatal(err)
		}
		done += k
	}
	elapsed := time.Since(begin)
	list, err := st.ListInstances(ctx, &store.ListInstancesParams{Body: "c_bench", Status: store.InstanceCompleted})
	if err != nil || len(list) != n {
		b.Fatalf("%d of %d instances completed (%v)", len(list), n, err)
	}
	return elapsed
}

// BenchmarkReferencePaths runs the reference process through the
// generated definition (typed variables, the condition in Go) and through
// codegen.Load's (JSON variables, the condition on cel-go), the same
// number of instances each in the same run, and reports both rates and
// their ratio.
func BenchmarkReferencePaths(b *testing.B) {
	gen, err := ztlaccess.Definition()
	if err != nil {
		b.Fatal(err)
	}
	mem, err := codegen.Load(referenceBundle)
	if err != nil {
		b.Fatal(err)
	}
	genHandlers := ztlaccess.Handlers(refServices{})
	memHandlers := map[string]runtime.Handler{"ztl.verifica-targa": runtime.Service(func(_ context.Context, _ *runtime.ServiceCall, v *runtime.JSON) error {
		t, _ := (*v)["targa"].(string)
		(*v)["valida"] = len(t) == 7
		return nil
	})}
	const chunk = 1024
	var tg, tm time.Duration
	n := 0
	for b.Loop() {
		// Alternate the paths so that both see the same machine state.
		tg += runReference(b, gen, genHandlers, chunk)
		tm += runReference(b, mem[0], memHandlers, chunk)
		n += chunk
	}
	b.ReportMetric(float64(n)/tg.Seconds(), "generated-inst/s")
	b.ReportMetric(float64(n)/tm.Seconds(), "inmemory-inst/s")
	b.ReportMetric(tm.Seconds()/tg.Seconds(), "speedup")
}

// BenchmarkAssignee evaluates the assignee expression of the istruttoria
// bundle, eta >= 18 && size(allegati) > 0 ? (importo > 1000.0 ?
// "dirigente" : "istruttore-" + comune) : "ufficio-" + comune, as the
// engine does when it creates the task: the generated Go function over
// the typed variables, and the cel-go program over the JSON variables
// (with the conversion of their values), in the same run.
func BenchmarkAssignee(b *testing.B) {
	gen, err := istruttoria.Definition()
	if err != nil {
		b.Fatal(err)
	}
	mem, err := codegen.Load(istruttoriaBundle)
	if err != nil {
		b.Fatal(err)
	}
	data := []byte(`{"eta":34,"importo":850.5,"comune":"monza","allegati":["contratto.pdf","isee.pdf"]}`)
	prepare := func(d *runtime.Definition) (func(runtime.Vars) (string, error), runtime.Vars) {
		v, err := d.Codec.Decode(data)
		if err != nil {
			b.Fatal(err)
		}
		f := d.Node("Istruttoria").Assignee
		if got, err := f(v); err != nil || got != "istruttore-monza" {
			b.Fatalf("assignee = %q, %v", got, err)
		}
		return f, v
	}
	fg, vg := prepare(gen)
	fm, vm := prepare(mem[0])
	const chunk = 1000
	var tg, tm time.Duration
	n := 0
	for b.Loop() {
		t0 := time.Now()
		for range chunk {
			_, _ = fg(vg)
		}
		t1 := time.Now()
		for range chunk {
			_, _ = fm(vm)
		}
		tm += time.Since(t1)
		tg += t1.Sub(t0)
		n += chunk
	}
	b.ReportMetric(float64(tg.Nanoseconds())/float64(n), "generated-ns/eval")
	b.ReportMetric(float64(tm.Nanoseconds())/float64(n), "inmemory-ns/eval")
	b.ReportMetric(tm.Seconds()/tg.Seconds(), "speedup")
}
