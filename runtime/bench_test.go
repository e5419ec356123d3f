package runtime_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/runtime/store/storemem"
)

// benchBatch is how many instances a benchmark starts per store commit,
// the batching the engine offers SQL stores.
const benchBatch = 64

// benchWorkers is the handler concurrency of the benchmark engine: its
// handler only computes, so it runs inline, as the peer engine runs its
// handlers (Workers > 1 pays off when handlers wait on the network).
const benchWorkers = 1

func benchEngine(b *testing.B, st store.Store) *runtime.Engine {
	e, err := runtime.New(runtime.Options{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), BatchSize: benchBatch, Workers: benchWorkers})
	if err != nil {
		b.Fatal(err)
	}
	e.SetHandler("ztl.verifica-targa", runtime.Service(func(_ context.Context, _ *runtime.ServiceCall, v *ztlVars) error {
		v.Valida = len(v.Targa) == 7
		return nil
	}))
	return e
}

// reportLatency reports instances/s and the start-to-end percentiles.
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

// freshEvery is how many instances an in-memory store keeps before the
// benchmarks replace it: the store keeps the full history of every
// finished instance forever, and a heap that grows with b.N would measure
// the garbage collector, not the engine. The peer engine in bench/ gets
// the same treatment (a fresh engine every 1,000 instances).
const freshEvery = 1024

// BenchmarkReference runs the reference process (start → service task →
// exclusive gateway → end, full history) on the in-memory store: the
// engine's own cost, without a database.
func BenchmarkReference(b *testing.B) {
	b.Run("mem", func(b *testing.B) {
		ctx := context.Background()
		def := reference(b)
		var st *storemem.Store
		var e *runtime.Engine
		completed := 0
		fresh := func() {
			if st != nil {
				done, _ := st.ListInstances(ctx, &store.ListInstancesParams{Body: "c_bench", Status: store.InstanceCompleted})
				completed += len(done)
			}
			st = storemem.New()
			e = benchEngine(b, st)
			if _, err := e.Deploy(ctx, &runtime.DeployParams{Body: "c_bench", Definition: def}); err != nil {
				b.Fatal(err)
			}
		}
		fresh()
		vars := []byte(`{"targa":"AB123CD"}`)
		lat := make([]time.Duration, 0, b.N)
		b.ReportAllocs()
		b.ResetTimer()
		begin := time.Now()
		var paused time.Duration // replacing the store is not the engine's work
		since := 0
		for done := 0; done < b.N; {
			if since >= freshEvery {
				b.StopTimer()
				t := time.Now()
				fresh()
				paused += time.Since(t)
				since = 0
				b.StartTimer()
			}
			n := min(benchBatch, b.N-done)
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
		reportLatency(b, b.N, elapsed, lat)
		fresh()
		if completed != b.N {
			b.Fatalf("%d of %d instances completed", completed, b.N)
		}
	})
}

// BenchmarkReferenceUserTask runs start → user task → end, the task
// completed right away, on the in-memory store.
func BenchmarkReferenceUserTask(b *testing.B) {
	b.Run("mem", func(b *testing.B) {
		ctx := context.Background()
		def := runtime.NewBuilder[runtime.JSON]("ut", "")
		def.StartEvent("S")
		def.UserTask("Esame").Offices("suap")
		def.EndEvent("E")
		def.Flow("f0", "S", "Esame").Flow("f1", "Esame", "E")
		d := mustBuild(b, def)
		var st *storemem.Store
		var e *runtime.Engine
		fresh := func() {
			st = storemem.New()
			e = benchEngine(b, st)
			if _, err := e.Deploy(ctx, &runtime.DeployParams{Body: "c_bench", Definition: d}); err != nil {
				b.Fatal(err)
			}
		}
		fresh()
		lat := make([]time.Duration, 0, b.N)
		b.ReportAllocs()
		b.ResetTimer()
		begin := time.Now()
		var paused time.Duration
		for i := range b.N {
			if i > 0 && i%freshEvery == 0 {
				b.StopTimer()
				t := time.Now()
				fresh()
				paused += time.Since(t)
				b.StartTimer()
			}
			t0 := time.Now()
			in, err := e.Start(ctx, &runtime.StartParams{Body: "c_bench", ProcessKey: "ut", Actor: "citizen"})
			if err != nil {
				b.Fatal(err)
			}
			tasks, err := st.ListTasks(ctx, &store.ListTasksParams{Body: "c_bench", InstanceID: in.ID, Status: store.TaskOpen})
			if err != nil || len(tasks) != 1 {
				b.Fatalf("tasks %v %v", tasks, err)
			}
			if err := e.CompleteTask(ctx, &runtime.CompleteTaskParams{Body: "c_bench", TaskID: tasks[0].ID, Actor: "anna", Payload: []byte(`{"esito":"ok"}`)}); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t0))
		}
		elapsed := time.Since(begin) - paused
		b.StopTimer()
		reportLatency(b, b.N, elapsed, lat)
	})
}
