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

// TestTwoEngines runs two engines, each on its own store (its own pool,
// like two nodes) over one database, with their job runners: 1,000
// instances of a process with a parallel fork and join, started half by
// each engine. Every instance completes exactly once and, with no crash,
// every job runs exactly once (side effects counted by idempotency key).
func TestTwoEngines(t *testing.T) {
	for _, kind := range backends {
		t.Run(kind, func(t *testing.T) {
			loc := newLocation(t, kind)
			const n = 1000
			var mu sync.Mutex
			effects := map[string]int{}
			perEngine := map[string]int{}
			def := forkJoin(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var engines []*runtime.Engine
			var stores []store.Store
			for i := range 2 {
				st := openStore(t, loc)
				owner := fmt.Sprintf("node-%d", i)
				e, err := runtime.New(runtime.Options{Store: st, Owner: owner, BatchSize: 32, Logger: quiet(),
					Handlers: map[string]runtime.Handler{"side-effect": func(_ context.Context, c *runtime.ServiceCall) error {
						mu.Lock()
						effects[c.IdempotencyKey]++
						perEngine[owner]++
						mu.Unlock()
						return nil
					}}})
				if err != nil {
					t.Fatal(err)
				}
				engines, stores = append(engines, e), append(stores, st)
			}
			if _, err := engines[0].Deploy(ctx, &runtime.DeployParams{Body: body, Definition: def}); err != nil {
				t.Fatal(err)
			}
			engines[1].Register(def)
			var wg sync.WaitGroup
			for _, e := range engines {
				wg.Add(1)
				go func() { defer wg.Done(); _ = e.RunJobs(ctx) }()
			}
			// Both engines start instances concurrently, in batches.
			var starters sync.WaitGroup
			for i, e := range engines {
				starters.Add(1)
				go func() {
					defer starters.Done()
					for b := 0; b < n/2; b += 25 {
						ps := make([]*runtime.StartParams, 25)
						for k := range ps {
							ps[k] = &runtime.StartParams{Body: body, ProcessKey: "fork-join", ID: fmt.Sprintf("i%d-%04d", i, b+k)}
						}
						if _, err := e.StartMany(ctx, ps); err != nil {
							t.Error(err)
							return
						}
					}
				}()
			}
			starters.Wait()
			if t.Failed() {
				t.FailNow()
			}
			waitFor(t, 120*time.Second, fmt.Sprintf("%d instances completed", n), func() (bool, error) {
				c, err := countInstances(ctx, stores[0], store.InstanceCompleted)
				return c == n, err
			})
			cancel()
			wg.Wait()

			total, err := countInstances(context.Background(), stores[1], "")
			if err != nil {
				t.Fatal(err)
			}
			if total != n {
				t.Fatalf("%d instances stored, want %d", total, n)
			}
			done, err := completedEvents(context.Background(), stores[1])
			if err != nil {
				t.Fatal(err)
			}
			if len(done) != n {
				t.Fatalf("%d instances have a completed event, want %d", len(done), n)
			}
			for id, c := range done {
				if c != 1 {
					t.Fatalf("instance %s completed %d times", id, c)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if len(effects) != 2*n {
				t.Fatalf("%d distinct side effects, want %d (two per instance)", len(effects), 2*n)
			}
			for k, c := range effects {
				if c != 1 {
					t.Fatalf("side effect %s ran %d times, want once", k, c)
				}
			}
			left, err := stores[0].ListJobs(context.Background(), &store.ListJobsParams{Body: body})
			if err != nil {
				t.Fatal(err)
			}
			if len(left) != 0 {
				t.Fatalf("%d jobs left (first: %+v)", len(left), left[0])
			}
			t.Logf("jobs run per engine: %v", perEngine)
		})
	}
}
