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

// TestShutdownReleasesPushedJobs starts instances while the job runner
// runs, so that their service jobs are committed leased to the engine and
// handed to its runner in memory (runtime/push.go). The runner is held by
// the first handler and cancelled with the other jobs still queued: they
// are released, and a second engine runs them at once although the first
// one's lease (an hour) is still running. Every job runs exactly once.
func TestShutdownReleasesPushedJobs(t *testing.T) {
	for _, kind := range backends {
		t.Run(kind, func(t *testing.T) { testShutdownPushed(t, kind) })
	}
}

func testShutdownPushed(t *testing.T, kind string) {
	loc := newLocation(t, kind)
	const n = 20
	var mu sync.Mutex
	effects := map[string]int{}
	byOwner := map[string]int{}
	started := make(chan struct{})
	var once sync.Once
	def := reference(t)
	handler := func(owner string) runtime.Handler {
		return func(ctx context.Context, c *runtime.ServiceCall) error {
			if owner == "node-a" {
				// The first job holds the runner until it is cancelled.
				once.Do(func() { close(started) })
				<-ctx.Done()
			}
			mu.Lock()
			effects[c.IdempotencyKey]++
			byOwner[owner]++
			mu.Unlock()
			return nil
		}
	}
	newEngine := func(owner string) (*runtime.Engine, store.Store) {
		st := openStore(t, loc)
		e, err := runtime.New(runtime.Options{Store: st, Owner: owner, LeaseFor: time.Hour, BatchSize: 64, Workers: 1, Runners: 1, Logger: quiet(),
			Handlers: map[string]runtime.Handler{"ztl.verifica-targa": handler(owner)}})
		if err != nil {
			t.Fatal(err)
		}
		return e, st
	}
	a, stA := newEngine("node-a")
	ctx := context.Background()
	if _, err := a.Deploy(ctx, &runtime.DeployParams{Body: body, Definition: def}); err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.RunJobs(runCtx) }()
	startOne := func(i int) {
		t.Helper()
		if _, err := a.Start(ctx, &runtime.StartParams{Body: body, ProcessKey: "ztl-access", ID: fmt.Sprintf("s%02d", i), Vars: []byte(`{"targa":"AB123CD"}`)}); err != nil {
			t.Fatal(err)
		}
	}
	// RunJobs may not have begun yet: until it has, jobs are committed
	// free; start the first instance until its job is running.
	deadline := time.Now().Add(30 * time.Second)
	for i := 0; ; i++ {
		if i == n {
			t.Fatal("no job reached node-a's runner")
		}
		startOne(i)
		select {
		case <-started:
		case <-time.After(100 * time.Millisecond):
			if time.Now().Before(deadline) {
				continue
			}
		}
		for j := i + 1; j < n; j++ {
			startOne(j)
		}
		break
	}
	jobs, err := stA.ListJobs(ctx, &store.ListJobsParams{Body: body})
	if err != nil {
		t.Fatal(err)
	}
	held := 0
	for _, j := range jobs {
		if j.LeaseOwner == "node-a" {
			held++
		}
	}
	if held != n {
		t.Fatalf("node-a holds %d leases, want all %d jobs (leased at commit or acquired)", held, n)
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
	if len(left) != n-1 {
		t.Fatalf("%d jobs left after shutdown, want %d (the running one committed)", len(left), n-1)
	}
	b, stB := newEngine("node-b")
	b.Register(def)
	ran, err := b.ProcessJobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ran != n-1 {
		t.Fatalf("node-b ran %d jobs at once, want the %d released ones", ran, n-1)
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
	if len(effects) != n || byOwner["node-a"] != 1 || byOwner["node-b"] != n-1 {
		t.Fatalf("side effects: %d keys, node-a %d, node-b %d; want %d, 1, %d", len(effects), byOwner["node-a"], byOwner["node-b"], n, n-1)
	}
	for k, c := range effects {
		if c != 1 {
			t.Fatalf("job %s ran %d times", k, c)
		}
	}
}
