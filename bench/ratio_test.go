package bench

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/nitram509/lib-bpmn-engine/pkg/bpmn_engine"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/runtime/store/storemem"
)

// BenchmarkPeerRatio runs both engines in alternating rounds of
// freshEvery instances (each round on a fresh engine and store, the order
// swapped every round) and reports Procedo's instances/s as a multiple of
// lib-bpmn-engine's. On a shared machine whose load changes from one
// second to the next, BenchmarkPeer measures the two engines at
// different moments; alternating rounds put both under the same load.
// One iteration is one round of each; run it with -benchtime 20x or so.
func BenchmarkPeerRatio(b *testing.B) {
	lib := libRound(b)
	ours := procedoRound(b)
	var libTime, oursTime time.Duration
	b.ResetTimer()
	for i := range b.N {
		if i%2 == 0 {
			libTime += lib()
			oursTime += ours()
		} else {
			oursTime += ours()
			libTime += lib()
		}
	}
	b.StopTimer()
	n := float64(b.N * freshEvery)
	libRate, oursRate := n/libTime.Seconds(), n/oursTime.Seconds()
	b.ReportMetric(libRate, "lib-instances/s")
	b.ReportMetric(oursRate, "procedo-instances/s")
	b.ReportMetric(oursRate/libRate, "ratio")
}

// libRound returns a function that runs freshEvery instances of the
// reference process on a new lib-bpmn-engine and returns the time taken.
func libRound(b *testing.B) func() time.Duration {
	xml, err := os.ReadFile("testdata/reference.bpmn")
	if err != nil {
		b.Fatal(err)
	}
	return func() time.Duration {
		released := 0
		t0 := time.Now()
		engine := bpmn_engine.New("bench")
		p, err := engine.LoadFromBytes(xml)
		if err != nil {
			b.Fatal(err)
		}
		engine.AddTaskHandler("Verifica", func(job bpmn_engine.ActivatedJob) {
			targa, _ := job.GetVariable("targa").(string)
			job.SetVariable("valida", len(targa) == 7)
			released++
			job.Complete()
		})
		for i := range freshEvery {
			inst, err := engine.CreateAndRunInstance(p.ProcessKey, map[string]interface{}{"targa": "AB123CD"})
			if err != nil {
				b.Fatal(err)
			}
			if inst.GetState() != "COMPLETED" {
				b.Fatalf("instance %d is %s, want COMPLETED", i, inst.GetState())
			}
		}
		d := time.Since(t0)
		if released != freshEvery {
			b.Fatalf("service task ran %d times for %d instances", released, freshEvery)
		}
		return d
	}
}

// procedoRound returns a function that runs freshEvery instances of the
// reference process on a new engine and in-memory store, in batches of
// procedoBatch, and returns the time taken (checking the result is not
// counted).
func procedoRound(b *testing.B) func() time.Duration {
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
	vars := []byte(`{"targa":"AB123CD"}`)
	return func() time.Duration {
		t0 := time.Now()
		st := storemem.New()
		e, err := runtime.New(runtime.Options{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), BatchSize: procedoBatch, Workers: 1,
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
		for done := 0; done < freshEvery; {
			n := min(procedoBatch, freshEvery-done)
			ps := make([]*runtime.StartParams, n)
			for i := range ps {
				ps[i] = &runtime.StartParams{Body: "c_bench", ProcessKey: "ztl-access", Vars: vars}
			}
			if _, err := e.StartMany(ctx, ps); err != nil {
				b.Fatal(err)
			}
			if _, err := e.ProcessJobs(ctx); err != nil {
				b.Fatal(err)
			}
			done += n
		}
		elapsed := time.Since(t0)
		completed, err := st.ListInstances(ctx, &store.ListInstancesParams{Body: "c_bench", Status: store.InstanceCompleted})
		if err != nil {
			b.Fatal(err)
		}
		if len(completed) != freshEvery {
			b.Fatalf("%d of %d instances completed", len(completed), freshEvery)
		}
		return elapsed
	}
}
