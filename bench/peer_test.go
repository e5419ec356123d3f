package bench

import (
	"context"
	"io"
	"log/slog"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/nitram509/lib-bpmn-engine/pkg/bpmn_engine"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/runtime/store/storemem"
)

// freshEvery is how many instances lib-bpmn-engine runs before it gets a
// new engine: its best case, since it keeps every finished instance and
// scans its jobs linearly.
const freshEvery = 1000

// procedoBatch is how many instances Procedo starts per commit, as the
// engine's own in-memory benchmark does.
const procedoBatch = 64

func reportLatency(b *testing.B, n int, elapsed time.Duration, lat []time.Duration) {
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(n)/elapsed.Seconds(), "instances/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

func BenchmarkPeer(b *testing.B) {
	b.Run("lib-bpmn-engine", benchLibBPMNEngine)
	b.Run("procedo-mem", benchProcedoMem)
}

func benchLibBPMNEngine(b *testing.B) {
	xml, err := os.ReadFile("testdata/reference.bpmn")
	if err != nil {
		b.Fatal(err)
	}
	var engine bpmn_engine.BpmnEngineState
	var processKey int64
	released := 0
	fresh := func() {
		engine = bpmn_engine.New("bench")
		p, err := engine.LoadFromBytes(xml)
		if err != nil {
			b.Fatal(err)
		}
		processKey = p.ProcessKey
		engine.AddTaskHandler("Verifica", func(job bpmn_engine.ActivatedJob) {
			targa, _ := job.GetVariable("targa").(string)
			job.SetVariable("valida", len(targa) == 7)
			released++
			job.Complete()
		})
	}
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	begin := time.Now()
	for i := range b.N {
		if i%freshEvery == 0 {
			fresh()
		}
		t0 := time.Now()
		inst, err := engine.CreateAndRunInstance(processKey, map[string]interface{}{"targa": "AB123CD"})
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
		if inst.GetState() != "COMPLETED" {
			b.Fatalf("instance %d is %s, want COMPLETED", i, inst.GetState())
		}
	}
	elapsed := time.Since(begin)
	b.StopTimer()
	if released != b.N {
		b.Fatalf("service task ran %d times for %d instances", released, b.N)
	}
	reportLatency(b, b.N, elapsed, lat)
}

type ztlVars struct {
	Targa  string `json:"targa,omitempty"`
	Valida bool   `json:"valida,omitempty"`
}

func benchProcedoMem(b *testing.B) {
	def := runtime.NewBuilder[ztlVars]("ztl-access", "Accesso ZTL")
	def.StartEvent("Start")
	def.ServiceTask("Verifica", "ztl.verifica-targa").Named("Verifica targa")
	def.ExclusiveGateway("Esito").Default("F_no")
	def.EndEvent("Rilasciato")
	def.EndEvent("Respinto")
	def.Flow("F1", "Start", "Verifica").Flow("F2", "Verifica", "Esito")
	def.FlowIf("F_si", "Esito", "Rilasciato", "valida", func(v *ztlVars) (bool, error) { return v.Valida, nil })
	def.Flow("F_no", "Esito", "Respinto")
	d, err := def.Build()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var st *storemem.Store
	var e *runtime.Engine
	completed := 0
	// fresh gives Procedo what lib-bpmn-engine gets: a new store (and
	// engine) every freshEvery instances, so that neither measures a heap
	// of finished instances. Finished instances are counted first.
	var paused time.Duration // counting what completed is not the engine's work
	fresh := func() {
		if st != nil {
			t := time.Now()
			done, err := st.ListInstances(ctx, &store.ListInstancesParams{Body: "c_bench", Status: store.InstanceCompleted})
			if err != nil {
				b.Fatal(err)
			}
			completed += len(done)
			paused += time.Since(t)
		}
		st = storemem.New()
		var err error
		// One worker: the handler only computes, so it runs inline, as
		// lib-bpmn-engine runs its handlers.
		e, err = runtime.New(runtime.Options{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), BatchSize: procedoBatch, Workers: 1,
			Handlers: map[string]runtime.Handler{"ztl.verifica-targa": runtime.Service(func(_ context.Context, _ *runtime.ServiceCall, v *ztlVars) error {
				v.Valida = len(v.Targa) == 7
				return nil
			})}})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.Deploy(ctx, &runtime.DeployParams{Body: "c_bench", Definition: d}); err != nil {
			b.Fatal(err)
		}
	}
	fresh()
	vars := []byte(`{"targa":"AB123CD"}`)
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	begin := time.Now()
	since := 0
	for done := 0; done < b.N; {
		if since >= freshEvery {
			fresh()
			since = 0
		}
		n := min(procedoBatch, b.N-done, freshEvery-since)
		ps := make([]*runtime.StartParams, n)
		for i := range ps {
			ps[i] = &runtime.StartParams{Body: "c_bench", ProcessKey: "ztl-access", Vars: vars}
		}
		t0 := time.Now()
		if _, err := e.StartMany(ctx, ps); err != nil {
			b.Fatal(err)
		}
		if _, err := e.ProcessJobs(ctx); err != nil {
			b.Fatal(err)
		}
		d := time.Since(t0)
		for range n {
			lat = append(lat, d)
		}
		done += n
		since += n
	}
	elapsed := time.Since(begin) - paused
	b.StopTimer()
	fresh()
	if completed != b.N {
		b.Fatalf("%d of %d instances completed", completed, b.N)
	}
	reportLatency(b, b.N, elapsed, lat)
}
