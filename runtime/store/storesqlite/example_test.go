package storesqlite_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/runtime/store/storesqlite"
)

// Open a data folder, commit the first step of an instance with its
// history, and read it back. A second writer of the same version loses.
func Example() {
	dir, err := os.MkdirTemp("", "procedo-data")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	st, err := storesqlite.Open(ctx, dir, nil)
	if err != nil {
		panic(err)
	}
	defer st.Close()

	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	in := &store.Instance{Body: "c_h501", ID: "ztl-1", ProcessKey: "ztl-access", Status: store.InstanceActive,
		Version: 1, State: []byte(`{}`), StartedAt: now, UpdatedAt: now}
	err = st.Commit(ctx, &store.CommitParams{Steps: []*store.Step{{
		Instance: in,
		Events:   []*store.Event{{Body: "c_h501", InstanceID: "ztl-1", Seq: 1, Type: "started", Actor: "citizen", Time: now}},
	}}})
	fmt.Println("first commit:", err)
	err = st.Commit(ctx, &store.CommitParams{Steps: []*store.Step{{Instance: in}}})
	fmt.Println("creating it again is a conflict:", err != nil)

	got, err := st.GetInstance(ctx, &store.GetInstanceParams{Body: "c_h501", ID: "ztl-1"})
	if err != nil {
		panic(err)
	}
	fmt.Println(got.ProcessKey, got.Status, got.Version)
	_, err = st.GetInstance(ctx, &store.GetInstanceParams{Body: "c_f205", ID: "ztl-1"})
	fmt.Println("another body:", err)
	// Output:
	// first commit: <nil>
	// creating it again is a conflict: true
	// ztl-access active 1
	// another body: store: instance "ztl-1" not found in body "c_f205"
}

// A runner shutting down gives back the job it leased and did not run:
// another runner acquires it at once, within the first one's lease, with
// its attempts unchanged.
func ExampleStore_ReleaseJobs() {
	dir, err := os.MkdirTemp("", "procedo-data")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	st, err := storesqlite.Open(ctx, dir, nil)
	if err != nil {
		panic(err)
	}
	defer st.Close()

	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	err = st.Commit(ctx, &store.CommitParams{Steps: []*store.Step{{
		Instance: &store.Instance{Body: "c_h501", ID: "ztl-1", ProcessKey: "ztl-access", Status: store.InstanceActive,
			Version: 1, State: []byte(`{}`), StartedAt: now, UpdatedAt: now},
		Jobs: []*store.Job{{Body: "c_h501", ID: "j1", InstanceID: "ztl-1", Kind: "service", IdempotencyKey: "ztl-1/j1",
			DueAt: now, MaxAttempts: 3, CreatedAt: now}},
	}}})
	if err != nil {
		panic(err)
	}
	acquire := func(owner string, at time.Time) []*store.Job {
		jobs, err := st.AcquireJobs(ctx, &store.AcquireJobsParams{Owner: owner, Now: at, LeaseFor: time.Minute, Limit: 10})
		if err != nil {
			panic(err)
		}
		return jobs
	}
	fmt.Println("node-1 leases:", len(acquire("node-1", now)))
	fmt.Println("node-2 during the lease:", len(acquire("node-2", now.Add(time.Second))))
	n, err := st.ReleaseJobs(ctx, &store.ReleaseJobsParams{Body: "c_h501", Owner: "node-1", IDs: []string{"j1"}, Now: now.Add(2 * time.Second)})
	fmt.Println("released:", n, err)
	jobs := acquire("node-2", now.Add(3*time.Second))
	fmt.Println("node-2 after the release:", len(jobs), jobs[0].IdempotencyKey, "attempts", jobs[0].Attempts)
	// Output:
	// node-1 leases: 1
	// node-2 during the lease: 0
	// released: 1 <nil>
	// node-2 after the release: 1 ztl-1/j1 attempts 0
}
