package reliability_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
)

// TestShutdownReleasesJobs cancels a job runner while it holds a batch of
// leased jobs (issue 7: jobs released on SIGTERM): the handlers it had
// started (one, or four) finish and their steps are committed; the jobs it had not started
// are released, so that a second engine acquires them at once although
// the first one's lease (an hour) is still running. Every job runs
// exactly once, counted by idempotency key.
func TestShutdownReleasesJobs(t *testing.T) {
	for _, kind := range backends {
		for _, workers := range []int{1, 4} {
			t.Run(fmt.Sprintf("%s/workers=%d", kind, workers), func(t *testing.T) { testShutdown(t, kind, workers) })
		}
	}
}

// testShutdown runs TestShutdownReleasesJobs with a number of handler
// workers: that many handlers are running when the runner is cancelled.
func testShutdown(t *testing.T, kind string, workers int) {
	loc := newLocation(t, kind)
	const n = 20
	var mu sync.Mutex
	effects := map[string]int{}
	byOwner := map[string]int{}
	started := make(chan struct{})
	var running sync.WaitGroup
	running.Add(workers)
	def := reference(t)
	handler := func(owner string, block bool) runtime.Handler {
		return func(ctx context.Context, c *runtime.ServiceCall) error {
			if block {
				// The first jobs hold the runner until it is
				// cancelled, with the rest of the batch leased.
				running.Done()
				<-ctx.Done()
			}
			mu.Lock()
			effects[c.IdempotencyKey]++
			byOwner[owner]++
			mu.Unlock()
			return nil
		}
	}
	newEngine := func(owner string, block bool) (*runtime.Engine, store.Store) {
		st := openStore(t, loc)
		e, err := runtime.New(runtime.Options{Store: st, Owner: owner, LeaseFor: time.Hour, BatchSize: 64, Workers: workers, Logger: quiet(),
			Handlers: map[string]runtime.Handler{"ztl.verifica-targa": handler(owner, block)}})
		if err != nil {
			t.Fatal(err)
		}
		return e, st
	}
	a, stA := newEngine("node-a", true)
	ctx := context.Background()
	if _, err := a.Deploy(ctx, &runtime.DeployParams{Body: body, Definition: def}); err != nil {
		t.Fatal(err)
	}
	ps := make([]*runtime.StartParams, n)
	for i := range ps {
		ps[i] = &runtime.StartParams{Body: body, ProcessKey: "ztl-access", ID: fmt.Sprintf("s%02d", i), Vars: []byte(`{"targa":"AB123CD"}`)}
	}
	if _, err := a.StartMany(ctx, ps); err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.RunJobs(runCtx) }()
	go func() { running.Wait(); close(started) }()
	select {
	case <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("node-a started no job within 30s")
	}
	leased, err := stA.ListJobs(ctx, &store.ListJobsParams{Body: body})
	if err != nil {
		t.Fatal(err)
	}
	held := 0
	for _, j := range leased {
		if j.LeaseOwner == "node-a" {
			held++
		}
	}
	if held != n {
		t.Fatalf("node-a holds %d leases before shutdown, want all %d jobs", held, n)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("RunJobs: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("node-a's runner did not return within 30s of its cancellation")
	}
	left, err := stA.ListJobs(ctx, &store.ListJobsParams{Body: body})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range left {
		if j.LeaseOwner != "" || j.Attempts != 0 {
			t.Fatalf("job %s after shutdown: lease owner %q, attempts %d; want released, no attempt", j.ID, j.LeaseOwner, j.Attempts)
		}
	}
	if len(left) != n-workers {
		t.Fatalf("%d jobs left after shutdown, want %d (the started ones committed)", len(left), n-workers)
	}

	b, stB := newEngine("node-b", false)
	b.Register(def)
	ran, err := b.ProcessJobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ran != n-workers {
		t.Fatalf("node-b ran %d jobs at once, want the %d released ones", ran, n-workers)
	}
	completed, err := countInstances(ctx, stB, store.InstanceCompleted)
	if err != nil {
		t.Fatal(err)
	}
	if completed != n {
		t.Fatalf("%d instances completed, want %d", completed, n)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(effects) != n || byOwner["node-a"] != workers || byOwner["node-b"] != n-workers {
		t.Fatalf("side effects: %d keys, node-a %d, node-b %d; want %d, %d, %d", len(effects), byOwner["node-a"], byOwner["node-b"], n, workers, n-workers)
	}
	for k, c := range effects {
		if c != 1 {
			t.Errorf("job %s ran %d times", k, c)
		}
	}
}
