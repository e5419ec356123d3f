package runtime_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/runtime/store/storemem"
)

// acquireCounter counts the jobs acquired from the store it wraps.
type acquireCounter struct {
	store.Store
	acquired atomic.Int64
}

func (s *acquireCounter) AcquireJobs(ctx context.Context, p *store.AcquireJobsParams) ([]*store.Job, error) {
	jobs, err := s.Store.AcquireJobs(ctx, p)
	s.acquired.Add(int64(len(jobs)))
	return jobs, err
}

// TestRunJobsRunsTheJobsItCreates: while RunJobs runs, the service jobs
// the engine's own commits create are handed to its runner without being
// acquired from the store; when its queue (BatchSize × Runners) is full,
// the others are committed free and acquired as usual. Every job runs
// once.
func TestRunJobsRunsTheJobsItCreates(t *testing.T) {
	st := &acquireCounter{Store: storemem.New()}
	var mu sync.Mutex
	effects := map[string]int{}
	gate := make(chan struct{})
	close(gate)
	running := make(chan struct{}, 100)
	handler := func(ctx context.Context, c *runtime.ServiceCall) error {
		running <- struct{}{}
		mu.Lock()
		g := gate
		mu.Unlock()
		<-g
		mu.Lock()
		effects[c.IdempotencyKey]++
		mu.Unlock()
		return nil
	}
	b := runtime.NewBuilder[runtime.JSON]("svc", "")
	b.StartEvent("S")
	b.ServiceTask("A", "side-effect")
	b.EndEvent("E")
	b.Flow("f1", "S", "A").Flow("f2", "A", "E")
	def := mustBuild(t, b)
	e, err := runtime.New(runtime.Options{Store: st, BatchSize: 4, Runners: 1, Workers: 1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Handlers: map[string]runtime.Handler{"side-effect": handler}})
	ok(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err = e.Deploy(ctx, &runtime.DeployParams{Body: "c_a", Definition: def})
	ok(t, err)
	done := make(chan struct{})
	go func() { defer close(done); _ = e.RunJobs(ctx) }()
	completed := func() int {
		in, err := st.ListInstances(ctx, &store.ListInstancesParams{Body: "c_a", Status: store.InstanceCompleted})
		ok(t, err)
		return len(in)
	}
	start := func(i int) {
		t.Helper()
		_, err := e.Start(ctx, &runtime.StartParams{Body: "c_a", ProcessKey: "svc", ID: fmt.Sprintf("i%03d", i)})
		ok(t, err)
	}
	// The runner may not be running yet for the first instance.
	start(0)
	waitFor(t, 10*time.Second, func() bool { return completed() == 1 })
	<-running
	st.acquired.Store(0)
	// One at a time, so that the queue never fills.
	const n = 20
	for i := 1; i <= n; i++ {
		start(i)
		waitFor(t, 10*time.Second, func() bool { return completed() == 1+i })
	}
	if got := st.acquired.Load(); got != 0 {
		t.Errorf("%d jobs acquired from the store, want none: the engine created them", got)
	}
	for range n {
		<-running
	}

	// A full queue: one job runs (held), four wait in the queue, the
	// other six are committed free and acquired from the store.
	mu.Lock()
	gate = make(chan struct{})
	mu.Unlock()
	start(100)
	<-running
	for i := 101; i <= 110; i++ {
		start(i)
	}
	mu.Lock()
	close(gate)
	mu.Unlock()
	waitFor(t, 10*time.Second, func() bool { return completed() == 1+n+11 })
	if got := st.acquired.Load(); got != 6 {
		t.Errorf("%d jobs acquired from the store, want the 6 the full queue did not take", got)
	}
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if len(effects) != 1+n+11 {
		t.Fatalf("%d distinct side effects, want %d", len(effects), 1+n+11)
	}
	for k, c := range effects {
		if c != 1 {
			t.Fatalf("job %s ran %d times", k, c)
		}
	}
}
