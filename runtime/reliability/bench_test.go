package reliability_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	goruntime "runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
)

// startBatch is how many instances a starter commits at once, starters
// how many start concurrently (the portal's request handlers), and
// inFlight how many instances may be started and not yet past their
// service task: an open loop would only measure the length of its own
// queue as latency.
const (
	startBatch = 64
	starters   = 4
	inFlight   = 256
)

// cpuTime is the CPU time (user + system) this process used so far.
// Divided by the instances it is a figure that varies far less than the
// throughput with the load of a shared machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportLatency reports instances/s and start-to-end percentiles in ms.
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

// BenchmarkReference runs the reference process (start → service task →
// exclusive gateway → end, full history) on the durable stores: starters
// commit instances in batches while the engine's job runners call the
// service and finish them. Start-to-end latency is read back from the
// history (started → completed event times).
//
// sqlite-normal is SQLite with synchronous=NORMAL: a commit survives a
// crash of the process but not a power cut, and needs no fsync.
func BenchmarkReference(b *testing.B) {
	for _, kind := range []string{"sqlite", "sqlite-normal", "postgres"} {
		b.Run(kind, func(b *testing.B) { benchReference(b, kind) })
	}
}

func benchReference(b *testing.B, kind string) {
	var loc location
	if kind == "sqlite-normal" {
		loc = newLocation(b, "sqlite")
		loc.sync = "NORMAL"
	} else {
		loc = newLocation(b, kind)
	}
	st := openStore(b, loc)
	slots := make(chan struct{}, inFlight)
	// Four batches in flight (the engine's default Runners): the store's
	// group commit writes their steps with one fsync (SQLite) or in one
	// round trip (PostgreSQL). On PostgreSQL the handler workers mostly
	// wait on round trips: more of them keep the database busy.
	runners, workers := 4, 4
	if kind == "postgres" {
		workers = 8
	}
	if v := os.Getenv("PROCEDO_BENCH_RUNNERS"); v != "" {
		// For experiments: "RUNNERS WORKERS".
		if _, err := fmt.Sscan(v, &runners, &workers); err != nil {
			b.Fatalf("PROCEDO_BENCH_RUNNERS=%q: %v", v, err)
		}
	}
	e, err := runtime.New(runtime.Options{Store: st, BatchSize: 64, Workers: workers, Runners: runners, Logger: quiet(),
		Handlers: map[string]runtime.Handler{"ztl.verifica-targa": runtime.Service(func(_ context.Context, _ *runtime.ServiceCall, v *ztlVars) error {
			v.Valida = len(v.Targa) == 7
			select {
			case <-slots:
			default: // a repeated call frees nothing
			}
			return nil
		})}})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The portal starts the version whose form it served: by hash, with
	// no lookup of the latest version per start.
	dep, err := e.Deploy(ctx, &runtime.DeployParams{Body: body, Definition: reference(b)})
	if err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = e.RunJobs(ctx) }()
	vars := []byte(`{"targa":"AB123CD"}`)
	b.ResetTimer()
	begin, cpuBegin := time.Now(), cpuTime()
	var next atomic.Int64
	var sw sync.WaitGroup
	for range starters {
		sw.Add(1)
		go func() {
			defer sw.Done()
			for {
				from := int(next.Add(startBatch)) - startBatch
				if from >= b.N {
					return
				}
				n := min(startBatch, b.N-from)
				for range n {
					slots <- struct{}{}
				}
				ps := make([]*runtime.StartParams, n)
				for i := range ps {
					ps[i] = &runtime.StartParams{Body: body, Hash: dep.Hash, Vars: vars}
				}
				if _, err := e.StartMany(ctx, ps); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	sw.Wait()
	// Every instance is done when no job is left: a job leaves the store
	// in the step that completes its instance.
	waitFor(b, 10*time.Minute, "every job to run", func() (bool, error) {
		left, err := st.ListJobs(ctx, &store.ListJobsParams{Body: body, Limit: 1})
		return len(left) == 0, err
	})
	elapsed, cpu := time.Since(begin), cpuTime()-cpuBegin
	b.StopTimer()
	cancel()
	wg.Wait()
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-us/instance")
	lat, err := historyLatencies(st)
	if err != nil {
		b.Fatal(err)
	}
	if len(lat) != b.N {
		b.Fatalf("%d of %d instances completed", len(lat), b.N)
	}
	reportLatency(b, b.N, elapsed, lat)
}

// historyLatencies returns, per completed instance, the time from its
// started event to its completed event.
func historyLatencies(st store.Store) ([]time.Duration, error) {
	evs, err := st.ListEvents(context.Background(), &store.ListEventsParams{Body: body})
	if err != nil {
		return nil, err
	}
	started := map[string]time.Time{}
	var lat []time.Duration
	for _, ev := range evs {
		switch ev.Type {
		case runtime.EventStarted:
			started[ev.InstanceID] = ev.Time
		case runtime.EventCompleted:
			lat = append(lat, ev.Time.Sub(started[ev.InstanceID]))
		}
	}
	return lat, nil
}

// BenchmarkReferenceUserTask runs start → user task → end, the task
// completed right away by the official, from concurrent clients: three
// operations and two commits per instance.
func BenchmarkReferenceUserTask(b *testing.B) {
	for _, kind := range backends {
		b.Run(kind, func(b *testing.B) {
			loc := newLocation(b, kind)
			st := openStore(b, loc)
			e, err := runtime.New(runtime.Options{Store: st, Logger: quiet()})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			dep, err := e.Deploy(ctx, &runtime.DeployParams{Body: body, Definition: userTask(b)})
			if err != nil {
				b.Fatal(err)
			}
			const clients = 8
			lats := make([][]time.Duration, clients)
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			begin := time.Now()
			for c := range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for next.Add(1) <= int64(b.N) {
						t0 := time.Now()
						in, err := e.Start(ctx, &runtime.StartParams{Body: body, Hash: dep.Hash, Actor: "citizen"})
						if err != nil {
							b.Error(err)
							return
						}
						tasks, err := st.ListTasks(ctx, &store.ListTasksParams{Body: body, InstanceID: in.ID, Status: store.TaskOpen})
						if err != nil || len(tasks) != 1 {
							b.Errorf("open tasks of %s: %d, %v", in.ID, len(tasks), err)
							return
						}
						if err := e.CompleteTask(ctx, &runtime.CompleteTaskParams{Body: body, TaskID: tasks[0].ID, Actor: "anna", Payload: []byte(`{"esito":"ok"}`)}); err != nil {
							b.Error(err)
							return
						}
						lats[c] = append(lats[c], time.Since(t0))
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(begin)
			b.StopTimer()
			done, err := countInstances(ctx, st, store.InstanceCompleted)
			if err != nil {
				b.Fatal(err)
			}
			if done != b.N {
				b.Fatalf("%d of %d instances completed", done, b.N)
			}
			reportLatency(b, b.N, elapsed, slices.Concat(lats...))
		})
	}
}

// BenchmarkParkedUserTasks parks PROCEDO_BENCH_PARKED (default 100,000)
// instances at a user task in PostgreSQL and reports the resident memory
// of the process afterwards: the engine must not hold waiting instances
// in memory. Run it with -benchtime 1x; it is not part of go test.
func BenchmarkParkedUserTasks(b *testing.B) {
	b.Run("postgres", func(b *testing.B) {
		parked := 100_000
		if v := os.Getenv("PROCEDO_BENCH_PARKED"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				b.Fatalf("PROCEDO_BENCH_PARKED=%q: want a positive number", v)
			}
			parked = n
		}
		for range b.N {
			loc := newLocation(b, "postgres")
			st := openStore(b, loc)
			e, err := runtime.New(runtime.Options{Store: st, Logger: quiet()})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			dep, err := e.Deploy(ctx, &runtime.DeployParams{Body: body, Definition: userTask(b)})
			if err != nil {
				b.Fatal(err)
			}
			begin := time.Now()
			var next atomic.Int64
			var wg sync.WaitGroup
			const batch = 500
			for range starters {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						from := int(next.Add(batch)) - batch
						if from >= parked {
							return
						}
						ps := make([]*runtime.StartParams, min(batch, parked-from))
						for i := range ps {
							ps[i] = &runtime.StartParams{Body: body, Hash: dep.Hash, Actor: "citizen"}
						}
						if _, err := e.StartMany(ctx, ps); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(begin)
			active, err := countInstances(ctx, st, store.InstanceActive)
			if err != nil {
				b.Fatal(err)
			}
			if active != parked {
				b.Fatalf("%d instances waiting, want %d", active, parked)
			}
			goruntime.GC()
			rss, peak := residentMB(b)
			var ms goruntime.MemStats
			goruntime.ReadMemStats(&ms)
			b.ReportMetric(float64(parked), "parked")
			b.ReportMetric(float64(parked)/elapsed.Seconds(), "instances/s")
			b.ReportMetric(rss, "RSS-MB")
			b.ReportMetric(peak, "peak-RSS-MB")
			b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
		}
	})
}

// residentMB reads the current and peak resident set size of this process
// from /proc/self/status.
func residentMB(b *testing.B) (rss, peak float64) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		b.Skipf("no /proc/self/status: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		var kb float64
		if _, err := fmt.Sscanf(strings.TrimSpace(v), "%f kB", &kb); err != nil {
			b.Fatal(err)
		}
		if k == "VmRSS" {
			rss = kb / 1024
		} else {
			peak = kb / 1024
		}
	}
	return rss, peak
}
