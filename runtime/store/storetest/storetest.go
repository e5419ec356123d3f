// Package storetest is the conformance suite of store.Store: every
// implementation runs it from its own tests,
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { return newIsolatedStore(t) })
//	}
//
// newStore must return an empty store isolated from every other test (its
// own schema, database or folder) and register its cleanup with t.Cleanup.
// The suite covers the contract written on the store.Store methods:
// optimistic locking, all-or-nothing batches, job leases and takeover,
// incidents, buffered messages, document versions, counters, and the
// isolation of bodies (tenants).
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/procedo/procedo/runtime/store"
)

// Bodies used by the suite.
const (
	BodyA = "c_h501" // Roma
	BodyB = "c_f205" // Milano
)

// T0 is the suite's fixed "now": stores must keep times to the microsecond
// at least (PostgreSQL's precision) and return them in UTC or any zone.
var T0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// Run runs the whole suite as subtests of t.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		run  func(t *testing.T, s store.Store)
	}{
		{"Deployments", testDeployments},
		{"CommitCreateAndUpdate", testCommitCreateAndUpdate},
		{"CommitConflictIsAllOrNothing", testCommitAllOrNothing},
		{"CommitConcurrentWriters", testCommitConcurrent},
		{"CommitInvalid", testCommitInvalid},
		{"Events", testEvents},
		{"Tasks", testTasks},
		{"JobsLeaseAndTakeover", testJobsLease},
		{"JobsConcurrentAcquire", testJobsConcurrentAcquire},
		{"NextJobDue", testNextJobDue},
		{"JobsLeasedAtCommit", testJobsLeasedAtCommit},
		{"JobsDoneNeedsLease", testJobsDoneNeedsLease},
		{"JobsFailRetryIncident", testJobsFail},
		{"WakeUp", testWakeUp},
		{"Messages", testMessages},
		{"Documents", testDocuments},
		{"Numbers", testNumbers},
		{"NumbersInCommit", testNumbersInCommit},
		{"BodiesAreIsolated", testBodies},
		{"EmptyBodyRefused", testEmptyBody},
		{"BatchReader", testBatchReader},
		{"InstanceAcquirer", testInstanceAcquirer},
		{"JobsRelease", testJobsRelease},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run(t, newStore(t))
		})
	}
}

// NewInstance returns an instance row ready for a creating step.
func NewInstance(body, id string) *store.Instance {
	return &store.Instance{
		Body: body, ID: id, ProcessKey: "ztl-access", DefinitionHash: "h1",
		BusinessKey: "2026/000001", Status: store.InstanceActive, Version: 1,
		State: []byte(`{"tokens":["t1"]}`), StartedAt: T0, UpdatedAt: T0,
	}
}

func ctx(t *testing.T) context.Context { return t.Context() }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func commit(t *testing.T, s store.Store, steps ...*store.Step) {
	t.Helper()
	must(t, s.Commit(ctx(t), &store.CommitParams{Steps: steps}))
}

func wantErr(t *testing.T, err, target error, what string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want %v", what, err, target)
	}
}

// next returns the row of the step after in: version+1.
func next(in *store.Instance, state string) (*store.Instance, int64) {
	c := *in
	c.Version = in.Version + 1
	c.State = []byte(state)
	c.UpdatedAt = in.UpdatedAt.Add(time.Second)
	return &c, in.Version
}

func sameTime(a, b time.Time) bool { return a.Sub(b).Abs() < time.Microsecond }

func testDeployments(t *testing.T, s store.Store) {
	d1, err := s.PutDeployment(ctx(t), &store.PutDeploymentParams{Deployment: &store.Deployment{
		Body: BodyA, ProcessKey: "ztl", Hash: "aaa", Bundle: []byte("v1"), DeployedAt: T0, DeployedBy: "analyst",
	}})
	must(t, err)
	if d1.Version != 1 {
		t.Fatalf("first version = %d, want 1", d1.Version)
	}
	again, err := s.PutDeployment(ctx(t), &store.PutDeploymentParams{Deployment: &store.Deployment{
		Body: BodyA, ProcessKey: "ztl", Hash: "aaa", Bundle: []byte("v1"), DeployedAt: T0.Add(time.Hour),
	}})
	must(t, err)
	if again.Version != 1 {
		t.Fatalf("same content deployed again got version %d, want the existing 1", again.Version)
	}
	d2, err := s.PutDeployment(ctx(t), &store.PutDeploymentParams{Deployment: &store.Deployment{
		Body: BodyA, ProcessKey: "ztl", Hash: "bbb", Bundle: []byte("v2"), DeployedAt: T0.Add(time.Hour),
	}})
	must(t, err)
	if d2.Version != 2 {
		t.Fatalf("second version = %d, want 2", d2.Version)
	}
	// Another body has its own numbering.
	db, err := s.PutDeployment(ctx(t), &store.PutDeploymentParams{Deployment: &store.Deployment{
		Body: BodyB, ProcessKey: "ztl", Hash: "bbb", Bundle: []byte("v2"), DeployedAt: T0,
	}})
	must(t, err)
	if db.Version != 1 {
		t.Fatalf("other body's first version = %d, want 1", db.Version)
	}
	latest, err := s.GetDeployment(ctx(t), &store.GetDeploymentParams{Body: BodyA, ProcessKey: "ztl"})
	must(t, err)
	if latest.Hash != "bbb" || string(latest.Bundle) != "v2" {
		t.Fatalf("latest = %+v, want hash bbb with bundle v2", latest)
	}
	byHash, err := s.GetDeployment(ctx(t), &store.GetDeploymentParams{Body: BodyA, Hash: "aaa"})
	must(t, err)
	if byHash.Version != 1 || byHash.DeployedBy != "analyst" || !sameTime(byHash.DeployedAt, T0) {
		t.Fatalf("by hash = %+v", byHash)
	}
	v1, err := s.GetDeployment(ctx(t), &store.GetDeploymentParams{Body: BodyA, ProcessKey: "ztl", Version: 1})
	must(t, err)
	if v1.Hash != "aaa" {
		t.Fatalf("version 1 hash = %q", v1.Hash)
	}
	_, err = s.GetDeployment(ctx(t), &store.GetDeploymentParams{Body: BodyA, ProcessKey: "ztl", Version: 9})
	wantErr(t, err, store.ErrNotFound, "missing version")
	list, err := s.ListDeployments(ctx(t), &store.ListDeploymentsParams{Body: BodyA})
	must(t, err)
	if len(list) != 2 || list[0].Version != 1 || list[1].Version != 2 {
		t.Fatalf("list = %d deployments, want v1, v2", len(list))
	}
}

func testCommitCreateAndUpdate(t *testing.T, s store.Store) {
	in := NewInstance(BodyA, "i1")
	commit(t, s, &store.Step{Instance: in})
	got, err := s.GetInstance(ctx(t), &store.GetInstanceParams{Body: BodyA, ID: "i1"})
	must(t, err)
	if got.Version != 1 || string(got.State) != string(in.State) || got.ProcessKey != "ztl-access" ||
		got.BusinessKey != "2026/000001" || got.Status != store.InstanceActive || !sameTime(got.StartedAt, T0) ||
		got.DefinitionHash != "h1" || !got.EndedAt.IsZero() {
		t.Fatalf("read back %+v", got)
	}
	// Creating it again is a conflict.
	err = s.Commit(ctx(t), &store.CommitParams{Steps: []*store.Step{{Instance: NewInstance(BodyA, "i1")}}})
	wantErr(t, err, store.ErrConflict, "creating an existing instance")
	var ce *store.ConflictError
	if !errors.As(err, &ce) || !slices.Contains(ce.IDs, "i1") {
		t.Fatalf("conflict error %v does not name i1", err)
	}
	n, exp := next(got, `{"tokens":[]}`)
	n.Status = store.InstanceCompleted
	n.EndedAt = T0.Add(time.Minute)
	commit(t, s, &store.Step{Instance: n, ExpectedVersion: exp})
	got, err = s.GetInstance(ctx(t), &store.GetInstanceParams{Body: BodyA, ID: "i1"})
	must(t, err)
	if got.Version != 2 || got.Status != store.InstanceCompleted || string(got.State) != `{"tokens":[]}` || !sameTime(got.EndedAt, T0.Add(time.Minute)) {
		t.Fatalf("after update %+v", got)
	}
	// A stale writer loses.
	stale, _ := next(got, `{}`)
	stale.Version = 2
	err = s.Commit(ctx(t), &store.CommitParams{Steps: []*store.Step{{Instance: stale, ExpectedVersion: 1}}})
	wantErr(t, err, store.ErrConflict, "stale version")
	_, err = s.GetInstance(ctx(t), &store.GetInstanceParams{Body: BodyA, ID: "nope"})
	wantErr(t, err, store.ErrNotFound, "missing instance")

	// Listing, filtered and paginated, without state.
	for i := 2; i <= 5; i++ {
		in := NewInstance(BodyA, fmt.Sprintf("i%d", i))
		if i == 5 {
			in.ParentID = "i4"
		}
		commit(t, s, &store.Step{Instance: in})
	}
	all, err := s.ListInstances(ctx(t), &store.ListInstancesParams{Body: BodyA})
	must(t, err)
	if len(all) != 5 || all[0].ID != "i1" || all[4].ID != "i5" {
		t.Fatalf("list = %d instances", len(all))
	}
	active, err := s.ListInstances(ctx(t), &store.ListInstancesParams{Body: BodyA, Status: store.InstanceActive, AfterID: "i2", Limit: 2})
	must(t, err)
	if len(active) != 2 || active[0].ID != "i3" || active[1].ID != "i4" {
		t.Fatalf("page after i2 = %v", ids(active))
	}
	children, err := s.ListInstances(ctx(t), &store.ListInstancesParams{Body: BodyA, ParentID: "i4"})
	must(t, err)
	if len(children) != 1 || children[0].ID != "i5" {
		t.Fatalf("children of i4 = %v", ids(children))
	}
}

func ids(ins []*store.Instance) []string {
	var out []string
	for _, in := range ins {
		out = append(out, in.ID)
	}
	return out
}

func testCommitAllOrNothing(t *testing.T, s store.Store) {
	commit(t, s, &store.Step{Instance: NewInstance(BodyA, "old")})
	old, err := s.GetInstance(ctx(t), &store.GetInstanceParams{Body: BodyA, ID: "old"})
	must(t, err)
	bad, _ := next(old, `{"x":1}`)
	bad.Version = 5
	good := NewInstance(BodyA, "new")
	err = s.Commit(ctx(t), &store.CommitParams{Steps: []*store.Step{
		{
			Instance: good,
			Events:   []*store.Event{{Body: BodyA, InstanceID: "new", Seq: 1, Type: "started", Time: T0}},
			Jobs:     []*store.Job{{Body: BodyA, ID: "j-new", InstanceID: "new", Kind: "service", DueAt: T0}},
			Tasks:    []*store.Task{{Body: BodyA, ID: "t-new", InstanceID: "new", Status: store.TaskOpen, CreatedAt: T0}},
		},
		{Instance: bad, ExpectedVersion: 4},
	}})
	wantErr(t, err, store.ErrConflict, "batch with a stale step")
	var ce *store.ConflictError
	if !errors.As(err, &ce) || !slices.Contains(ce.IDs, "old") {
		t.Fatalf("conflict %v does not name instance old", err)
	}
	_, err = s.GetInstance(ctx(t), &store.GetInstanceParams{Body: BodyA, ID: "new"})
	wantErr(t, err, store.ErrNotFound, "instance of a rolled-back batch")
	evs, err := s.ListEvents(ctx(t), &store.ListEventsParams{Body: BodyA, InstanceID: "new"})
	must(t, err)
	jobs, err := s.ListJobs(ctx(t), &store.ListJobsParams{Body: BodyA})
	must(t, err)
	_, terr := s.GetTask(ctx(t), &store.GetTaskParams{Body: BodyA, ID: "t-new"})
	if len(evs) != 0 || len(jobs) != 0 || !errors.Is(terr, store.ErrNotFound) {
		t.Fatalf("rolled-back batch left %d events, %d jobs, task err %v", len(evs), len(jobs), terr)
	}
	// The same batch without the stale step goes through, several
	// instances in one commit.
	commit(t, s, &store.Step{Instance: good}, &store.Step{Instance: NewInstance(BodyB, "other-body")})
	if _, err := s.GetInstance(ctx(t), &store.GetInstanceParams{Body: BodyB, ID: "other-body"}); err != nil {
		t.Fatal(err)
	}
}

func testCommitConcurrent(t *testing.T, s store.Store) {
	commit(t, s, &store.Step{Instance: NewInstance(BodyA, "hot")})
	const writers = 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, conflicts := 0, 0
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := NewInstance(BodyA, "hot")
			in.Version = 2
			in.State = fmt.Appendf(nil, `{"writer":%d}`, w)
			err := s.Commit(context.Background(), &store.CommitParams{Steps: []*store.Step{{
				Instance: in, ExpectedVersion: 1,
				Events: []*store.Event{{Body: BodyA, InstanceID: "hot", Seq: 1, Type: "x", Time: T0}},
			}}})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, store.ErrConflict):
				conflicts++
			default:
				t.Errorf("writer %d: %v", w, err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || conflicts != writers-1 {
		t.Fatalf("%d writers of version 1: %d won, %d conflicts; want exactly one winner", writers, wins, conflicts)
	}
	evs, err := s.ListEvents(ctx(t), &store.ListEventsParams{Body: BodyA, InstanceID: "hot"})
	must(t, err)
	if len(evs) != 1 {
		t.Fatalf("%d events, want the winner's 1", len(evs))
	}
}

func testCommitInvalid(t *testing.T, s store.Store) {
	tests := []struct {
		name string
		step *store.Step
	}{
		{name: "no instance", step: &store.Step{}},
		{name: "empty body", step: &store.Step{Instance: NewInstance("", "x")}},
		{name: "empty id", step: &store.Step{Instance: NewInstance(BodyA, "")}},
		{name: "version not expected+1", step: func() *store.Step {
			in := NewInstance(BodyA, "x")
			in.Version = 3
			return &store.Step{Instance: in}
		}()},
		{name: "event of another body", step: &store.Step{Instance: NewInstance(BodyA, "x"),
			Events: []*store.Event{{Body: BodyB, InstanceID: "x", Seq: 1}}}},
		{name: "job of another instance", step: &store.Step{Instance: NewInstance(BodyA, "x"),
			Jobs: []*store.Job{{Body: BodyA, InstanceID: "y", ID: "j"}}}},
		{name: "task of another body", step: &store.Step{Instance: NewInstance(BodyA, "x"),
			Tasks: []*store.Task{{Body: BodyB, InstanceID: "x", ID: "t"}}}},
		{name: "document without version", step: &store.Step{Instance: NewInstance(BodyA, "x"),
			Documents: []*store.Document{{Body: BodyA, InstanceID: "x", Name: "domanda.pdf"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Commit(ctx(t), &store.CommitParams{Steps: []*store.Step{tt.step}})
			wantErr(t, err, store.ErrInvalid, tt.name)
		})
	}
	if _, err := s.GetInstance(ctx(t), &store.GetInstanceParams{Body: BodyA, ID: "x"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an invalid commit wrote instance x: %v", err)
	}
}

func testEvents(t *testing.T, s store.Store) {
	in := NewInstance(BodyA, "e1")
	data := json.RawMessage(`{"fields":["targa"]}`)
	commit(t, s, &store.Step{Instance: in, Events: []*store.Event{
		{Body: BodyA, InstanceID: "e1", Seq: 1, Type: "started", Actor: "citizen:RSSMRA", Time: T0},
		{Body: BodyA, InstanceID: "e1", Seq: 2, Type: "variables-changed", ElementID: "Task_1", Actor: "system", Time: T0, Data: data},
	}})
	n, exp := next(in, `{}`)
	commit(t, s, &store.Step{Instance: n, ExpectedVersion: exp, Events: []*store.Event{
		{Body: BodyA, InstanceID: "e1", Seq: 3, Type: "completed", Actor: "system", Time: T0.Add(time.Hour)},
	}})
	evs, err := s.ListEvents(ctx(t), &store.ListEventsParams{Body: BodyA, InstanceID: "e1"})
	must(t, err)
	if len(evs) != 3 {
		t.Fatalf("%d events, want 3", len(evs))
	}
	for i, e := range evs {
		if e.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d", i, e.Seq)
		}
	}
	e := evs[1]
	if e.Type != "variables-changed" || e.ElementID != "Task_1" || e.Actor != "system" || !sameTime(e.Time, T0) || !jsonEqual(e.Data, data) {
		t.Fatalf("event read back as %+v (data %s)", e, e.Data)
	}
	if len(evs[0].Data) != 0 && string(evs[0].Data) != "null" {
		t.Fatalf("event without data read back with %s", evs[0].Data)
	}
	after, err := s.ListEvents(ctx(t), &store.ListEventsParams{Body: BodyA, InstanceID: "e1", AfterSeq: 1, Limit: 1})
	must(t, err)
	if len(after) != 1 || after[0].Seq != 2 {
		t.Fatalf("after seq 1 limit 1 = %d events", len(after))
	}
	// Appending a seq that exists is a conflict: history is append-only.
	n2, exp2 := next(n, `{}`)
	err = s.Commit(ctx(t), &store.CommitParams{Steps: []*store.Step{{Instance: n2, ExpectedVersion: exp2, Events: []*store.Event{
		{Body: BodyA, InstanceID: "e1", Seq: 2, Type: "forged", Time: T0},
	}}}})
	wantErr(t, err, store.ErrConflict, "rewriting event 2")
	commit(t, s, &store.Step{Instance: NewInstance(BodyA, "e2"), Events: []*store.Event{{Body: BodyA, InstanceID: "e2", Seq: 1, Type: "started", Time: T0}}})
	body, err := s.ListEvents(ctx(t), &store.ListEventsParams{Body: BodyA})
	must(t, err)
	if len(body) != 4 || body[3].InstanceID != "e2" {
		t.Fatalf("body history has %d events, want 4 ending with e2", len(body))
	}
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

func testTasks(t *testing.T, s store.Store) {
	in := NewInstance(BodyA, "ti")
	t1 := &store.Task{Body: BodyA, ID: "t1", InstanceID: "ti", ProcessKey: "ztl-access", ElementID: "Istruttoria", Name: "Istruttoria",
		Form: "istruttoria", CandidateOffices: []string{"polizia-locale", "mobilita"}, Status: store.TaskOpen, CreatedAt: T0, DueAt: T0.Add(72 * time.Hour)}
	t2 := &store.Task{Body: BodyA, ID: "t2", InstanceID: "ti", ElementID: "Firma", CandidateOffices: []string{"segreteria"},
		Assignee: "mario", Status: store.TaskOpen, CreatedAt: T0.Add(time.Second)}
	commit(t, s, &store.Step{Instance: in, Tasks: []*store.Task{t1, t2}})
	got, err := s.GetTask(ctx(t), &store.GetTaskParams{Body: BodyA, ID: "t1"})
	must(t, err)
	if got.Name != "Istruttoria" || got.Form != "istruttoria" || !slices.Equal(got.CandidateOffices, t1.CandidateOffices) ||
		!sameTime(got.DueAt, t1.DueAt) || got.Status != store.TaskOpen || got.Assignee != "" || got.ProcessKey != "ztl-access" {
		t.Fatalf("task read back %+v", got)
	}
	byOffice, err := s.ListTasks(ctx(t), &store.ListTasksParams{Body: BodyA, Office: "mobilita"})
	must(t, err)
	if len(byOffice) != 1 || byOffice[0].ID != "t1" {
		t.Fatalf("tasks of office mobilita = %d", len(byOffice))
	}
	mine, err := s.ListTasks(ctx(t), &store.ListTasksParams{Body: BodyA, Assignee: "mario"})
	must(t, err)
	if len(mine) != 1 || mine[0].ID != "t2" {
		t.Fatalf("tasks of mario = %d", len(mine))
	}
	// Upsert: claim and complete t1.
	done := *got
	done.Assignee, done.Status, done.EndedAt, done.CompletedBy = "anna", store.TaskCompleted, T0.Add(time.Hour), "anna"
	n, exp := next(in, `{}`)
	commit(t, s, &store.Step{Instance: n, ExpectedVersion: exp, Tasks: []*store.Task{&done}})
	open, err := s.ListTasks(ctx(t), &store.ListTasksParams{Body: BodyA, InstanceID: "ti", Status: store.TaskOpen})
	must(t, err)
	if len(open) != 1 || open[0].ID != "t2" {
		t.Fatalf("open tasks after completing t1 = %d", len(open))
	}
	got, err = s.GetTask(ctx(t), &store.GetTaskParams{Body: BodyA, ID: "t1"})
	must(t, err)
	if got.Status != store.TaskCompleted || got.CompletedBy != "anna" || !sameTime(got.EndedAt, T0.Add(time.Hour)) {
		t.Fatalf("completed task read back %+v", got)
	}
	all, err := s.ListTasks(ctx(t), &store.ListTasksParams{Body: BodyA, Limit: 1})
	must(t, err)
	if len(all) != 1 || all[0].ID != "t1" {
		t.Fatalf("first task by creation = %v", all)
	}
}

func job(body, instance, id string, due time.Time) *store.Job {
	return &store.Job{Body: body, ID: id, InstanceID: instance, Kind: "service", ElementID: "Verifica", TokenID: "tok1",
		IdempotencyKey: instance + "/" + id, Payload: json.RawMessage(`{"type":"ztl.verifica-targa"}`), DueAt: due, MaxAttempts: 3, CreatedAt: T0}
}

func testJobsLease(t *testing.T, s store.Store) {
	commit(t, s, &store.Step{Instance: NewInstance(BodyA, "ji"), Jobs: []*store.Job{
		job(BodyA, "ji", "j1", T0), job(BodyA, "ji", "j2", T0.Add(time.Minute)), job(BodyA, "ji", "j3", T0.Add(time.Hour)),
	}})
	got, err := s.AcquireJobs(ctx(t), &store.AcquireJobsParams{Owner: "node-1", Now: T0.Add(time.Minute), LeaseFor: 30 * time.Second, Limit: 10})
	must(t, err)
	if len(got) != 2 || got[0].ID != "j1" || got[1].ID != "j2" {
		t.Fatalf("acquired %d jobs, want j1, j2 (due), not j3", len(got))
	}
	j := got[0]
	if j.LeaseOwner != "node-1" || !sameTime(j.LeaseUntil, T0.Add(time.Minute+30*time.Second)) || j.IdempotencyKey != "ji/j1" ||
		j.Kind != "service" || j.ElementID != "Verifica" || j.TokenID != "tok1" || !jsonEqual(j.Payload, []byte(`{"type":"ztl.verifica-targa"}`)) ||
		j.Status != store.JobPending || j.MaxAttempts != 3 || j.Body != BodyA {
		t.Fatalf("acquired job %+v", j)
	}
	// While leased nobody else gets them.
	other, err := s.AcquireJobs(ctx(t), &store.AcquireJobsParams{Owner: "node-2", Now: T0.Add(time.Minute + 10*time.Second), LeaseFor: time.Minute, Limit: 10})
	must(t, err)
	if len(other) != 0 {
		t.Fatalf("node-2 acquired %d leased jobs", len(other))
	}
	// node-1 dies: after the lease expires node-2 takes them over, same key.
	other, err = s.AcquireJobs(ctx(t), &store.AcquireJobsParams{Owner: "node-2", Now: T0.Add(2 * time.Minute), LeaseFor: time.Minute, Limit: 1})
	must(t, err)
	if len(other) != 1 || other[0].ID != "j1" || other[0].IdempotencyKey != "ji/j1" || other[0].LeaseOwner != "node-2" {
		t.Fatalf("takeover got %+v", other)
	}
	next, err := s.NextJobDue(ctx(t))
	must(t, err)
	if next.IsZero() || next.After(T0.Add(time.Hour)) {
		t.Fatalf("next due = %v, want at the latest j3's %v", next, T0.Add(time.Hour))
	}
}

// testJobsLeasedAtCommit commits jobs that come leased, as an engine
// that runs the jobs it creates does: nobody acquires them, nor is woken
// for them, while the lease runs; the owner finishes them with its lease;
// after the lease another node takes over a job with the same key.
func testJobsLeasedAtCommit(t *testing.T, s store.Store) {
	ch := s.WakeUp()
	select {
	case <-ch: // a store may signal once when it starts listening
	case <-time.After(100 * time.Millisecond):
	}
	leased := func(id string) *store.Job {
		j := job(BodyA, "lc", id, T0)
		j.LeaseOwner, j.LeaseUntil = "node-1", T0.Add(time.Minute)
		return j
	}
	commit(t, s, &store.Step{Instance: NewInstance(BodyA, "lc"), Jobs: []*store.Job{leased("j1"), leased("j2")}})
	listed, err := s.ListJobs(ctx(t), &store.ListJobsParams{Body: BodyA, InstanceID: "lc"})
	must(t, err)
	if len(listed) != 2 || listed[0].LeaseOwner != "node-1" || !sameTime(listed[0].LeaseUntil, T0.Add(time.Minute)) {
		t.Fatalf("listed %+v, want j1 and j2 leased by node-1 until %v", listed, T0.Add(time.Minute))
	}
	for _, owner := range []string{"node-2", "node-1"} {
		got, err := s.AcquireJobs(ctx(t), &store.AcquireJobsParams{Owner: owner, Now: T0.Add(10 * time.Second), LeaseFor: time.Minute, Limit: 10})
		must(t, err)
		if len(got) != 0 {
			t.Fatalf("%s acquired %d jobs leased at commit", owner, len(got))
		}
	}
	if at, err := s.NextJobDue(ctx(t)); err != nil || !sameTime(at, T0.Add(time.Minute)) {
		t.Fatalf("next due = %v, %v; want the end of the lease %v", at, err, T0.Add(time.Minute))
	}
	// The owner finishes j1 with its lease.
	in, expected := next(NewInstance(BodyA, "lc"), `{"tokens":["t2"]}`)
	commit(t, s, &store.Step{Instance: in, ExpectedVersion: expected, DoneJobs: []store.JobLease{{ID: "j1", Owner: "node-1"}}})
	// node-1 died before running j2: node-2 takes it over after the lease.
	got, err := s.AcquireJobs(ctx(t), &store.AcquireJobsParams{Owner: "node-2", Now: T0.Add(2 * time.Minute), LeaseFor: time.Minute, Limit: 10})
	must(t, err)
	if len(got) != 1 || got[0].ID != "j2" || got[0].IdempotencyKey != "lc/j2" || got[0].LeaseOwner != "node-2" {
		t.Fatalf("takeover got %+v, want j2 alone", got)
	}
	select {
	case <-ch:
		t.Fatal("a commit that created only leased jobs woke the runners")
	case <-time.After(300 * time.Millisecond):
	}
}

// testNextJobDue checks the exact time NextJobDue gives: the earliest due
// time of a job nobody leases, or the end of a lease that comes first,
// across bodies. Stores answer it from an index (the runners ask after
// every batch, and every open case keeps a timer for its legal term), so
// the cases cover leases in front of the first free job and behind it.
func testNextJobDue(t *testing.T, s store.Store) {
	next := func() time.Time {
		t.Helper()
		at, err := s.NextJobDue(ctx(t))
		must(t, err)
		return at
	}
	if at := next(); !at.IsZero() {
		t.Fatalf("empty store: next due = %v, want zero", at)
	}
	commit(t, s, &store.Step{Instance: NewInstance(BodyA, "na"), Jobs: []*store.Job{
		job(BodyA, "na", "a1", T0.Add(10*time.Minute)), job(BodyA, "na", "a2", T0.Add(time.Hour)),
		job(BodyA, "na", "a3", T0.Add(30*24*time.Hour)), // a legal-term timer
	}})
	commit(t, s, &store.Step{Instance: NewInstance(BodyB, "nb"), Jobs: []*store.Job{
		job(BodyB, "nb", "b1", T0.Add(20*time.Minute)),
	}})
	if at := next(); !sameTime(at, T0.Add(10*time.Minute)) {
		t.Fatalf("next due = %v, want a1's %v", at, T0.Add(10*time.Minute))
	}
	// a1 leased until T0+15m: its lease ends before b1 is due.
	got, err := s.AcquireJobs(ctx(t), &store.AcquireJobsParams{Owner: "node-1", Now: T0.Add(10 * time.Minute), LeaseFor: 5 * time.Minute, Limit: 10})
	must(t, err)
	if len(got) != 1 || got[0].ID != "a1" {
		t.Fatalf("acquired %v, want a1", got)
	}
	if at := next(); !sameTime(at, T0.Add(15*time.Minute)) {
		t.Fatalf("next due = %v, want the end of a1's lease %v", at, T0.Add(15*time.Minute))
	}
	// a1 and b1 leased until T0+2h20m: a2 (free, due in an hour) is next.
	got, err = s.AcquireJobs(ctx(t), &store.AcquireJobsParams{Owner: "node-2", Now: T0.Add(20 * time.Minute), LeaseFor: 2 * time.Hour, Limit: 10})
	must(t, err)
	if len(got) != 2 || got[0].ID != "a1" || got[1].ID != "b1" {
		t.Fatalf("acquired %v, want a1, b1", got)
	}
	if at := next(); !sameTime(at, T0.Add(time.Hour)) {
		t.Fatalf("next due = %v, want a2's %v", at, T0.Add(time.Hour))
	}
	// Every job but the far timer leased for a day: the timer is next.
	got, err = s.AcquireJobs(ctx(t), &store.AcquireJobsParams{Owner: "node-3", Now: T0.Add(3 * time.Hour), LeaseFor: 24 * time.Hour, Limit: 10})
	must(t, err)
	if len(got) != 3 {
		t.Fatalf("acquired %d jobs, want a1, a2, b1", len(got))
	}
	if at := next(); !sameTime(at, T0.Add(27*time.Hour)) {
		t.Fatalf("next due = %v, want the end of the leases %v", at, T0.Add(27*time.Hour))
	}
	// Leases past the timer: the timer is next.
	got, err = s.AcquireJobs(ctx(t), &store.AcquireJobsParams{Owner: "node-4", Now: T0.Add(28 * time.Hour), LeaseFor: 60 * 24 * time.Hour, Limit: 10})
	must(t, err)
	if len(got) != 3 {
		t.Fatalf("acquired %d jobs, want a1, a2, b1", len(got))
	}
	if at := next(); !sameTime(at, T0.Add(30*24*time.Hour)) {
		t.Fatalf("next due = %v, want the timer's %v", at, T0.Add(30*24*time.Hour))
	}
}

func testJobsConcurrentAcquire(t *testing.T, s store.Store) {
	var jobs []*store.Job
	for i := range 40 {
		jobs = append(jobs, job(BodyA, "jc", fmt.Sprintf("j%02d", i), T0))
	}
	commit(t, s, &store.Step{Instance: NewInstance(BodyA, "jc"), Jobs: jobs})
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[string]string{}
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			owner := fmt.Sprintf("node-%d", w)
			for {
				got, err := s.AcquireJobs(context.Background(), &store.AcquireJobsParams{Owner: owner, Now: T0, LeaseFor: time.Hour, Limit: 3})
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, j := range got {
					if prev, dup := seen[j.ID]; dup {
						t.Errorf("job %s acquired by %s and %s", j.ID, prev, owner)
					}
					seen[j.ID] = owner
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != 40 {
		t.Fatalf("%d jobs acquired, want 40", len(seen))
	}
}

func testJobsDoneNeedsLease(t *testing.T, s store.Store) {
	in := NewInstance(BodyA, "jd")
	commit(t, s, &store.Step{Instance: in, Jobs: []*store.Job{job(BodyA, "jd", "j1", T0), job(BodyA, "jd", "j2", T0.Add(time.Hour))}})
	_, err := s.AcquireJobs(ctx(t), &store.AcquireJobsParams{Owner: "node-1", Now: T0, LeaseFor: time.Minute, Limit: 10})
	must(t, err)
	n, exp := next(in, `{}`)
	err = s.Commit(ctx(t), &store.CommitParams{Steps: []*store.Step{{Instance: n, ExpectedVersion: exp, DoneJobs: []store.JobLease{{ID: "j1", Owner: "node-2"}}}}})
	wantErr(t, err, store.ErrConflict, "finishing a job leased by someone else")
	// The owner finishes j1 and, in the same step, cancels the timer j2
	// (Owner "" : whatever its lease).
	commit(t, s, &store.Step{Instance: n, ExpectedVersion: exp, DoneJobs: []store.JobLease{{ID: "j1", Owner: "node-1"}, {ID: "j2"}}})
	left, err := s.ListJobs(ctx(t), &store.ListJobsParams{Body: BodyA, InstanceID: "jd"})
	must(t, err)
	if len(left) != 0 {
		t.Fatalf("%d jobs left after finishing and cancelling", len(left))
	}
}

func testJobsFail(t *testing.T, s store.Store) {
	commit(t, s, &store.Step{Instance: NewInstance(BodyA, "jf"), Jobs: []*store.Job{job(BodyA, "jf", "j1", T0)}})
	acquire := func(now time.Time) []*store.Job {
		got, err := s.AcquireJobs(ctx(t), &store.AcquireJobsParams{Owner: "node-1", Now: now, LeaseFor: time.Minute, Limit: 10})
		must(t, err)
		return got
	}
	if got := acquire(T0); len(got) != 1 {
		t.Fatalf("acquired %d", len(got))
	}
	err := s.FailJob(ctx(t), &store.FailJobParams{Body: BodyA, ID: "j1", Owner: "node-9", Error: "x", RetryAt: T0})
	wantErr(t, err, store.ErrConflict, "failing a job leased by someone else")
	must(t, s.FailJob(ctx(t), &store.FailJobParams{Body: BodyA, ID: "j1", Owner: "node-1", Error: "ANPR non risponde", RetryAt: T0.Add(10 * time.Second)}))
	if got := acquire(T0.Add(5 * time.Second)); len(got) != 0 {
		t.Fatalf("job acquired before its retry time")
	}
	got := acquire(T0.Add(10 * time.Second))
	if len(got) != 1 || got[0].Attempts != 1 || got[0].LastError != "ANPR non risponde" || got[0].IdempotencyKey != "jf/j1" {
		t.Fatalf("retried job %+v", got)
	}
	must(t, s.FailJob(ctx(t), &store.FailJobParams{Body: BodyA, ID: "j1", Owner: "node-1", Error: "ancora giù"}))
	if got := acquire(T0.Add(time.Hour)); len(got) != 0 {
		t.Fatalf("an incident was acquired")
	}
	inc, err := s.ListJobs(ctx(t), &store.ListJobsParams{Body: BodyA, Status: store.JobIncident})
	must(t, err)
	if len(inc) != 1 || inc[0].ID != "j1" || inc[0].Attempts != 2 || inc[0].LastError != "ancora giù" {
		t.Fatalf("incidents = %+v", inc)
	}
	err = s.RetryJob(ctx(t), &store.RetryJobParams{Body: BodyB, ID: "j1", Now: T0})
	wantErr(t, err, store.ErrNotFound, "retrying another body's incident")
	must(t, s.RetryJob(ctx(t), &store.RetryJobParams{Body: BodyA, ID: "j1", Now: T0.Add(2 * time.Hour)}))
	got = acquire(T0.Add(2 * time.Hour))
	if len(got) != 1 || got[0].Status != store.JobPending || got[0].Attempts != 0 || got[0].IdempotencyKey != "jf/j1" {
		t.Fatalf("job after retry %+v", got)
	}
	err = s.RetryJob(ctx(t), &store.RetryJobParams{Body: BodyA, ID: "j1", Now: T0})
	wantErr(t, err, store.ErrConflict, "retrying a job that is not an incident")
}

func testWakeUp(t *testing.T, s store.Store) {
	ch := s.WakeUp()
	commit(t, s, &store.Step{Instance: NewInstance(BodyA, "w"), Jobs: []*store.Job{job(BodyA, "w", "j1", T0)}})
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("no wake-up within 10s of a commit that created a job")
	}
	// A timer due beyond store.WakeHorizon wakes nobody: NextJobDue finds
	// it. (A wake-up sent anyway would arrive within the time a due job's
	// does; waiting longer could only hide it.)
	far := job(BodyA, "w2", "j2", T0.Add(30*24*time.Hour))
	commit(t, s, &store.Step{Instance: NewInstance(BodyA, "w2"), Jobs: []*store.Job{far}})
	select {
	case <-ch:
		t.Fatal("a commit that created only a job due in 30 days woke the runners")
	case <-time.After(300 * time.Millisecond):
	}
	if at, err := s.NextJobDue(ctx(t)); err != nil || !sameTime(at, T0) {
		t.Fatalf("next due = %v, %v; want j1's %v", at, err, T0)
	}
}

func testMessages(t *testing.T, s store.Store) {
	put := func(id, name, key string, created, expires time.Time) {
		t.Helper()
		must(t, s.PutMessage(ctx(t), &store.PutMessageParams{Message: &store.Message{
			Body: BodyA, ID: id, Name: name, CorrelationKey: key, Payload: json.RawMessage(`{"id":"` + id + `"}`), CreatedAt: created, ExpiresAt: expires,
		}}))
	}
	put("m1", "integrazione", "2026/1", T0, T0.Add(time.Hour))
	put("m2", "integrazione", "2026/1", T0.Add(time.Second), T0.Add(time.Hour))
	put("m3", "integrazione", "2026/2", T0, T0.Add(time.Minute))
	err := s.PutMessage(ctx(t), &store.PutMessageParams{Message: &store.Message{Body: BodyA, ID: "m1", Name: "x", ExpiresAt: T0}})
	wantErr(t, err, store.ErrConflict, "same message id twice")
	m, err := s.TakeMessage(ctx(t), &store.TakeMessageParams{Body: BodyA, Name: "integrazione", CorrelationKey: "2026/1", Now: T0})
	must(t, err)
	if m.ID != "m1" || !jsonEqual(m.Payload, []byte(`{"id":"m1"}`)) {
		t.Fatalf("took %+v, want the oldest m1", m)
	}
	_, err = s.TakeMessage(ctx(t), &store.TakeMessageParams{Body: BodyB, Name: "integrazione", CorrelationKey: "2026/1", Now: T0})
	wantErr(t, err, store.ErrNotFound, "another body's message")
	_, err = s.TakeMessage(ctx(t), &store.TakeMessageParams{Body: BodyA, Name: "integrazione", CorrelationKey: "2026/2", Now: T0.Add(2 * time.Minute)})
	wantErr(t, err, store.ErrNotFound, "an expired message")
	n, err := s.DeleteExpiredMessages(ctx(t), &store.DeleteExpiredMessagesParams{Body: BodyA, Now: T0.Add(2 * time.Minute)})
	must(t, err)
	if n != 1 {
		t.Fatalf("deleted %d expired messages, want 1", n)
	}
	// Concurrent takers: m2 is taken exactly once.
	var wg sync.WaitGroup
	var mu sync.Mutex
	taken := 0
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.TakeMessage(context.Background(), &store.TakeMessageParams{Body: BodyA, Name: "integrazione", CorrelationKey: "2026/1", Now: T0})
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				taken++
			} else if !errors.Is(err, store.ErrNotFound) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if taken != 1 {
		t.Fatalf("m2 taken %d times, want once", taken)
	}

	// Subscriptions are written by steps and found by name and key.
	in := NewInstance(BodyA, "sub")
	commit(t, s, &store.Step{Instance: in, Subscriptions: []*store.Subscription{
		{Body: BodyA, ID: "s1", InstanceID: "sub", Name: "integrazione", CorrelationKey: "2026/7", ElementID: "Attesa", TokenID: "tok", CreatedAt: T0},
	}})
	subs, err := s.FindSubscriptions(ctx(t), &store.FindSubscriptionsParams{Body: BodyA, Name: "integrazione", CorrelationKey: "2026/7"})
	must(t, err)
	if len(subs) != 1 || subs[0].InstanceID != "sub" || subs[0].ElementID != "Attesa" || subs[0].TokenID != "tok" {
		t.Fatalf("subscriptions = %+v", subs)
	}
	none, err := s.FindSubscriptions(ctx(t), &store.FindSubscriptionsParams{Body: BodyB, Name: "integrazione", CorrelationKey: "2026/7"})
	must(t, err)
	if len(none) != 0 {
		t.Fatal("another body sees the subscription")
	}
	nx, exp := next(in, `{}`)
	commit(t, s, &store.Step{Instance: nx, ExpectedVersion: exp, DropSubscriptions: []string{"s1"}})
	subs, err = s.FindSubscriptions(ctx(t), &store.FindSubscriptionsParams{Body: BodyA, Name: "integrazione", CorrelationKey: "2026/7"})
	must(t, err)
	if len(subs) != 0 {
		t.Fatal("dropped subscription still found")
	}
}

func testDocuments(t *testing.T, s store.Store) {
	in := NewInstance(BodyA, "d")
	v1 := []byte("%PDF-1.7 domanda")
	commit(t, s, &store.Step{Instance: in, Documents: []*store.Document{
		{Body: BodyA, InstanceID: "d", Name: "domanda.pdf", Version: 1, MediaType: "application/pdf", Content: v1, CreatedAt: T0, CreatedBy: "citizen"},
	}})
	v2 := []byte("%PDF-1.7 domanda integrata")
	n, exp := next(in, `{}`)
	commit(t, s, &store.Step{Instance: n, ExpectedVersion: exp, Documents: []*store.Document{
		{Body: BodyA, InstanceID: "d", Name: "domanda.pdf", Version: 2, MediaType: "application/pdf", Content: v2, CreatedAt: T0.Add(time.Hour), CreatedBy: "citizen"},
		{Body: BodyA, InstanceID: "d", Name: "atto.pdf", Version: 1, MediaType: "application/pdf", Content: []byte("atto"), CreatedAt: T0.Add(time.Hour)},
	}})
	latest, err := s.GetDocument(ctx(t), &store.GetDocumentParams{Body: BodyA, InstanceID: "d", Name: "domanda.pdf"})
	must(t, err)
	if latest.Version != 2 || string(latest.Content) != string(v2) || latest.SHA256 != store.Digest(v2) || latest.Size != int64(len(v2)) || latest.MediaType != "application/pdf" {
		t.Fatalf("latest = %+v", latest)
	}
	first, err := s.GetDocument(ctx(t), &store.GetDocumentParams{Body: BodyA, InstanceID: "d", Name: "domanda.pdf", Version: 1})
	must(t, err)
	if string(first.Content) != string(v1) || first.CreatedBy != "citizen" {
		t.Fatalf("v1 = %+v", first)
	}
	list, err := s.ListDocuments(ctx(t), &store.ListDocumentsParams{Body: BodyA, InstanceID: "d"})
	must(t, err)
	if len(list) != 3 || list[0].Name != "atto.pdf" || list[1].Version != 1 || list[2].Version != 2 || list[2].Content != nil || list[2].SHA256 != store.Digest(v2) {
		t.Fatalf("list = %+v", list)
	}
	// Writing version 2 again is a conflict.
	n2, exp2 := next(n, `{}`)
	err = s.Commit(ctx(t), &store.CommitParams{Steps: []*store.Step{{Instance: n2, ExpectedVersion: exp2, Documents: []*store.Document{
		{Body: BodyA, InstanceID: "d", Name: "domanda.pdf", Version: 2, Content: []byte("x"), CreatedAt: T0},
	}}}})
	wantErr(t, err, store.ErrConflict, "duplicate document version")
	_, err = s.GetDocument(ctx(t), &store.GetDocumentParams{Body: BodyA, InstanceID: "d", Name: "domanda.pdf", Version: 3})
	wantErr(t, err, store.ErrNotFound, "missing document version")
}

// testNumbersInCommit checks store.Step.Number: a creating step takes the
// next number of a register in its own transaction (shared with
// NextNumber), written into the instance's business key and its event
// once committed; a commit that fails takes none and leaves the steps as
// they were; concurrent commits never share a number nor leave a gap.
func testNumbersInCommit(t *testing.T, s store.Store) {
	numbered := func(body, id string) *store.Step {
		in := NewInstance(body, id)
		in.BusinessKey = ""
		ev := &store.Event{Body: body, InstanceID: id, Seq: 1, Type: "started", Actor: "system", Time: T0,
			Data: json.RawMessage(`{"processKey":"ztl-access","businessKey":"` + store.NumberPlaceholder + `"}`)}
		other := &store.Event{Body: body, InstanceID: id, Seq: 2, Type: "element-entered", ElementID: "Start", Actor: "system", Time: T0,
			Data: json.RawMessage(`{"note":"` + store.NumberPlaceholder + `"}`)}
		return &store.Step{Instance: in, Events: []*store.Event{ev, other}, Number: &store.Number{Name: "ztl", Year: 2026, Event: ev}}
	}
	check := func(st *store.Step, want string) {
		t.Helper()
		if st.Instance.BusinessKey != want {
			t.Fatalf("%s: business key %q, want %q", st.Instance.ID, st.Instance.BusinessKey, want)
		}
		if want := `{"processKey":"ztl-access","businessKey":"` + want + `"}`; string(st.Number.Event.Data) != want {
			t.Fatalf("%s: event data %s, want %s", st.Instance.ID, st.Number.Event.Data, want)
		}
		got, err := s.GetInstance(ctx(t), &store.GetInstanceParams{Body: st.Instance.Body, ID: st.Instance.ID})
		must(t, err)
		if got.BusinessKey != want {
			t.Fatalf("%s stored with business key %q, want %q", st.Instance.ID, got.BusinessKey, want)
		}
		evs, err := s.ListEvents(ctx(t), &store.ListEventsParams{Body: st.Instance.Body, InstanceID: st.Instance.ID})
		must(t, err)
		if len(evs) != 2 || !jsonEqual(evs[0].Data, []byte(`{"processKey":"ztl-access","businessKey":"`+want+`"}`)) ||
			!jsonEqual(evs[1].Data, []byte(`{"note":"`+store.NumberPlaceholder+`"}`)) {
			t.Fatalf("%s: stored events %s, %s; want the number in the started event only", st.Instance.ID, evs[0].Data, evs[1].Data)
		}
	}
	a, b := numbered(BodyA, "n1"), numbered(BodyA, "n2")
	commit(t, s, a, b)
	check(a, "2026/000001")
	check(b, "2026/000002")
	// The register is NextNumber's.
	n, err := s.NextNumber(ctx(t), &store.NextNumberParams{Body: BodyA, Name: "ztl", Year: 2026})
	must(t, err)
	if n != 3 {
		t.Fatalf("NextNumber after two numbered creations: %d, want 3", n)
	}
	// Another body has its own register.
	c := numbered(BodyB, "n1")
	commit(t, s, c)
	check(c, "2026/000001")
	// A creation that conflicts (the instance exists) takes no number and
	// leaves its step as it was; so does the batch it is part of.
	again, fresh := numbered(BodyA, "n1"), numbered(BodyA, "n3")
	err = s.Commit(ctx(t), &store.CommitParams{Steps: []*store.Step{fresh, again}})
	wantErr(t, err, store.ErrConflict, "a numbered creation of an existing instance")
	for _, st := range []*store.Step{again, fresh} {
		if st.Instance.BusinessKey != "" || !strings.Contains(string(st.Number.Event.Data), store.NumberPlaceholder) {
			t.Fatalf("%s after a failed commit: business key %q, event %s; want both untouched", st.Instance.ID, st.Instance.BusinessKey, st.Number.Event.Data)
		}
	}
	commit(t, s, fresh)
	check(fresh, "2026/000004")
	// The contract: a number only where an instance is created, and for
	// one of the step's own events.
	up, expected := next(NewInstance(BodyA, "n1"), `{}`)
	err = s.Commit(ctx(t), &store.CommitParams{Steps: []*store.Step{{Instance: up, ExpectedVersion: expected, Number: &store.Number{Name: "ztl", Year: 2026}}}})
	wantErr(t, err, store.ErrInvalid, "a number on a step that does not create its instance")
	stray := numbered(BodyA, "n9")
	stray.Number.Event = &store.Event{Body: BodyA, InstanceID: "n9", Seq: 9}
	err = s.Commit(ctx(t), &store.CommitParams{Steps: []*store.Step{stray}})
	wantErr(t, err, store.ErrInvalid, "a number event that is not the step's")
	// Concurrent creations: 1..n, each once.
	const workers, each = 8, 10
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := map[string]bool{}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				st := numbered(BodyA, fmt.Sprintf("c%d-%d", w, i))
				st.Number.Name = "conc"
				if err := s.Commit(context.Background(), &store.CommitParams{Steps: []*store.Step{st}}); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if got[st.Instance.BusinessKey] {
					t.Errorf("number %s given twice", st.Instance.BusinessKey)
				}
				got[st.Instance.BusinessKey] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for i := int64(1); i <= workers*each; i++ {
		if !got[store.FormatNumber(2026, i)] {
			t.Fatalf("number %s missing: numbers must be 1..%d without gaps", store.FormatNumber(2026, i), workers*each)
		}
	}
}

func testNumbers(t *testing.T, s store.Store) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := map[int64]bool{}
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 25 {
				n, err := s.NextNumber(context.Background(), &store.NextNumberParams{Body: BodyA, Name: "ztl", Year: 2026})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if got[n] {
					t.Errorf("number %d handed out twice", n)
				}
				got[n] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for i := int64(1); i <= 100; i++ {
		if !got[i] {
			t.Fatalf("number %d missing: numbers must be 1..100 without gaps", i)
		}
	}
	for _, tc := range []struct {
		name string
		p    store.NextNumberParams
	}{
		{"other year", store.NextNumberParams{Body: BodyA, Name: "ztl", Year: 2027}},
		{"other body", store.NextNumberParams{Body: BodyB, Name: "ztl", Year: 2026}},
		{"other name", store.NextNumberParams{Body: BodyA, Name: "suap", Year: 2026}},
	} {
		n, err := s.NextNumber(ctx(t), &tc.p)
		must(t, err)
		if n != 1 {
			t.Fatalf("%s: first number %d, want 1", tc.name, n)
		}
	}
	// Concurrent calls on several registers at once (a store may serve
	// them together): each register stays gapless on its own.
	regs := []store.NextNumberParams{
		{Body: BodyA, Name: "mix", Year: 2026}, {Body: BodyB, Name: "mix", Year: 2026},
		{Body: BodyA, Name: "mix2", Year: 2026}, {Body: BodyA, Name: "mix", Year: 2027},
	}
	seen := make([]map[int64]bool, len(regs))
	for i := range seen {
		seen[i] = map[int64]bool{}
	}
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				ri := (w + i) % len(regs)
				n, err := s.NextNumber(context.Background(), &regs[ri])
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if seen[ri][n] {
					t.Errorf("register %v: number %d handed out twice", regs[ri], n)
				}
				seen[ri][n] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for ri, got := range seen {
		for i := int64(1); i <= int64(len(got)); i++ {
			if !got[i] {
				t.Fatalf("register %v: number %d missing among %d", regs[ri], i, len(got))
			}
		}
	}
	// A call whose context has ended takes no number.
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.NextNumber(cancelled, &store.NextNumberParams{Body: BodyA, Name: "ztl", Year: 2026}); err == nil {
		t.Fatal("NextNumber with a cancelled context succeeded")
	}
	n, err := s.NextNumber(ctx(t), &store.NextNumberParams{Body: BodyA, Name: "ztl", Year: 2026})
	must(t, err)
	if n != 101 {
		t.Fatalf("number after a cancelled call = %d, want 101 (no gap)", n)
	}
}

// testBodies proves that body B can neither read nor change anything of
// body A: instances, tasks, history, jobs, documents, deployments.
func testBodies(t *testing.T, s store.Store) {
	in := NewInstance(BodyA, "shared-id")
	commit(t, s, &store.Step{
		Instance:  in,
		Events:    []*store.Event{{Body: BodyA, InstanceID: "shared-id", Seq: 1, Type: "started", Time: T0}},
		Jobs:      []*store.Job{job(BodyA, "shared-id", "job-a", T0)},
		Tasks:     []*store.Task{{Body: BodyA, ID: "task-a", InstanceID: "shared-id", CandidateOffices: []string{"anagrafe"}, Status: store.TaskOpen, CreatedAt: T0}},
		Documents: []*store.Document{{Body: BodyA, InstanceID: "shared-id", Name: "doc", Version: 1, Content: []byte("riservato"), CreatedAt: T0}},
	})
	_, err := s.PutDeployment(ctx(t), &store.PutDeploymentParams{Deployment: &store.Deployment{Body: BodyA, ProcessKey: "p", Hash: "h", DeployedAt: T0}})
	must(t, err)

	// Reads.
	_, err = s.GetInstance(ctx(t), &store.GetInstanceParams{Body: BodyB, ID: "shared-id"})
	wantErr(t, err, store.ErrNotFound, "B reads A's instance")
	_, err = s.GetTask(ctx(t), &store.GetTaskParams{Body: BodyB, ID: "task-a"})
	wantErr(t, err, store.ErrNotFound, "B reads A's task")
	_, err = s.GetDocument(ctx(t), &store.GetDocumentParams{Body: BodyB, InstanceID: "shared-id", Name: "doc"})
	wantErr(t, err, store.ErrNotFound, "B reads A's document")
	_, err = s.GetDeployment(ctx(t), &store.GetDeploymentParams{Body: BodyB, Hash: "h"})
	wantErr(t, err, store.ErrNotFound, "B reads A's deployment")
	insts, _ := s.ListInstances(ctx(t), &store.ListInstancesParams{Body: BodyB})
	tasks, _ := s.ListTasks(ctx(t), &store.ListTasksParams{Body: BodyB, Office: "anagrafe"})
	evs, _ := s.ListEvents(ctx(t), &store.ListEventsParams{Body: BodyB, InstanceID: "shared-id"})
	allEvs, _ := s.ListEvents(ctx(t), &store.ListEventsParams{Body: BodyB})
	jobs, _ := s.ListJobs(ctx(t), &store.ListJobsParams{Body: BodyB})
	docs, _ := s.ListDocuments(ctx(t), &store.ListDocumentsParams{Body: BodyB, InstanceID: "shared-id"})
	deps, _ := s.ListDeployments(ctx(t), &store.ListDeploymentsParams{Body: BodyB})
	acq, _ := s.AcquireJobs(ctx(t), &store.AcquireJobsParams{Body: BodyB, Owner: "b-node", Now: T0, LeaseFor: time.Minute, Limit: 10})
	if n := len(insts) + len(tasks) + len(evs) + len(allEvs) + len(jobs) + len(docs) + len(deps) + len(acq); n != 0 {
		t.Fatalf("body B listed %d records of body A (instances %d, tasks %d, events %d/%d, jobs %d, docs %d, deployments %d, acquired %d)",
			n, len(insts), len(tasks), len(evs), len(allEvs), len(jobs), len(docs), len(deps), len(acq))
	}

	// Writes: B's step on the same instance id creates B's own instance and
	// leaves A's untouched; B cannot update A's (version 1 does not exist
	// in B), finish A's job, or retry/fail it.
	forged := NewInstance(BodyB, "shared-id")
	forged.Version = 2
	err = s.Commit(ctx(t), &store.CommitParams{Steps: []*store.Step{{Instance: forged, ExpectedVersion: 1}}})
	wantErr(t, err, store.ErrConflict, "B updates A's instance")
	commit(t, s, &store.Step{Instance: NewInstance(BodyB, "shared-id"), DoneJobs: []store.JobLease{{ID: "job-a"}},
		Tasks:     []*store.Task{{Body: BodyB, ID: "task-a", InstanceID: "shared-id", Status: store.TaskCompleted, CreatedAt: T0}},
		Documents: []*store.Document{{Body: BodyB, InstanceID: "shared-id", Name: "doc", Version: 1, Content: []byte("B"), CreatedAt: T0}}})
	wantErr(t, s.FailJob(ctx(t), &store.FailJobParams{Body: BodyB, ID: "job-a", Owner: "", Error: "x"}), store.ErrNotFound, "B fails A's job")

	a, err := s.GetInstance(ctx(t), &store.GetInstanceParams{Body: BodyA, ID: "shared-id"})
	must(t, err)
	if a.Version != 1 {
		t.Fatalf("A's instance changed to version %d by B", a.Version)
	}
	ta, err := s.GetTask(ctx(t), &store.GetTaskParams{Body: BodyA, ID: "task-a"})
	must(t, err)
	if ta.Status != store.TaskOpen {
		t.Fatalf("A's task changed by B: %s", ta.Status)
	}
	ja, err := s.ListJobs(ctx(t), &store.ListJobsParams{Body: BodyA})
	must(t, err)
	if len(ja) != 1 {
		t.Fatalf("A's job removed by B's step")
	}
	da, err := s.GetDocument(ctx(t), &store.GetDocumentParams{Body: BodyA, InstanceID: "shared-id", Name: "doc"})
	must(t, err)
	if string(da.Content) != "riservato" || da.Version != 1 {
		t.Fatalf("A's document changed by B: %q v%d", da.Content, da.Version)
	}
}

func testEmptyBody(t *testing.T, s store.Store) {
	c := ctx(t)
	checks := []struct {
		name string
		err  error
	}{
		{"GetInstance", func() error { _, err := s.GetInstance(c, &store.GetInstanceParams{ID: "x"}); return err }()},
		{"ListInstances", func() error { _, err := s.ListInstances(c, &store.ListInstancesParams{}); return err }()},
		{"GetTask", func() error { _, err := s.GetTask(c, &store.GetTaskParams{ID: "x"}); return err }()},
		{"ListTasks", func() error { _, err := s.ListTasks(c, &store.ListTasksParams{}); return err }()},
		{"ListEvents", func() error { _, err := s.ListEvents(c, &store.ListEventsParams{}); return err }()},
		{"ListJobs", func() error { _, err := s.ListJobs(c, &store.ListJobsParams{}); return err }()},
		{"GetDocument", func() error {
			_, err := s.GetDocument(c, &store.GetDocumentParams{InstanceID: "x", Name: "y"})
			return err
		}()},
		{"ListDocuments", func() error { _, err := s.ListDocuments(c, &store.ListDocumentsParams{InstanceID: "x"}); return err }()},
		{"NextNumber", func() error { _, err := s.NextNumber(c, &store.NextNumberParams{Name: "x", Year: 2026}); return err }()},
		{"GetDeployment", func() error { _, err := s.GetDeployment(c, &store.GetDeploymentParams{Hash: "h"}); return err }()},
		{"FindSubscriptions", func() error {
			_, err := s.FindSubscriptions(c, &store.FindSubscriptionsParams{Name: "m"})
			return err
		}()},
	}
	for _, ch := range checks {
		if !errors.Is(ch.err, store.ErrInvalid) {
			t.Errorf("%s with an empty body: got %v, want ErrInvalid", ch.name, ch.err)
		}
	}
}

// testBatchReader checks the optional store.BatchReader, when offered.
func testBatchReader(t *testing.T, s store.Store) {
	br, ok := s.(store.BatchReader)
	if !ok {
		t.Skip("the store does not implement store.BatchReader (optional)")
	}
	commit(t, s, &store.Step{Instance: NewInstance(BodyA, "b1")}, &store.Step{Instance: NewInstance(BodyA, "b2")},
		&store.Step{Instance: NewInstance(BodyB, "b3")})
	got, err := br.GetInstances(ctx(t), &store.GetInstancesParams{Keys: []store.InstanceKey{
		{Body: BodyA, ID: "b1"}, {Body: BodyA, ID: "b2"}, {Body: BodyB, ID: "b3"}, {Body: BodyA, ID: "missing"}, {Body: BodyB, ID: "b1"},
	}})
	must(t, err)
	found := map[string]string{}
	for _, in := range got {
		found[in.Body+"/"+in.ID] = string(in.State)
	}
	want := []string{BodyA + "/b1", BodyA + "/b2", BodyB + "/b3"}
	if len(found) != len(want) || len(got) != len(want) {
		t.Fatalf("got %v, want exactly %v (a key of another body must not match)", found, want)
	}
	for _, k := range want {
		if found[k] != `{"tokens":["t1"]}` {
			t.Fatalf("instance %s missing or without state: %v", k, found)
		}
	}
	_, err = br.GetInstances(ctx(t), &store.GetInstancesParams{Keys: []store.InstanceKey{{ID: "b1"}}})
	wantErr(t, err, store.ErrInvalid, "a key without body")
}

// testInstanceAcquirer checks the optional store.InstanceAcquirer, when
// offered: the jobs leased as AcquireJobs leases them, and each of their
// instances once, with its state, of its own body.
func testInstanceAcquirer(t *testing.T, s store.Store) {
	ia, ok := s.(store.InstanceAcquirer)
	if !ok {
		t.Skip("the store does not implement store.InstanceAcquirer (optional)")
	}
	commit(t, s, &store.Step{Instance: NewInstance(BodyA, "ia"), Jobs: []*store.Job{job(BodyA, "ia", "j1", T0), job(BodyA, "ia", "j2", T0)}})
	commit(t, s, &store.Step{Instance: NewInstance(BodyB, "ia"), Jobs: []*store.Job{job(BodyB, "ia", "j3", T0)}})
	commit(t, s, &store.Step{Instance: NewInstance(BodyB, "later"), Jobs: []*store.Job{job(BodyB, "later", "j4", T0.Add(time.Hour))}})
	jobs, ins, err := ia.AcquireJobsWithInstances(ctx(t), &store.AcquireJobsParams{Owner: "node-1", Now: T0, LeaseFor: time.Minute, Limit: 10})
	must(t, err)
	var ids []string
	for _, j := range jobs {
		ids = append(ids, j.Body+"/"+j.ID)
		if j.LeaseOwner != "node-1" || j.IdempotencyKey != j.InstanceID+"/"+j.ID {
			t.Fatalf("leased job %+v", j)
		}
	}
	if want := []string{BodyA + "/j1", BodyA + "/j2", BodyB + "/j3"}; !slices.Equal(ids, want) {
		t.Fatalf("leased %v, want %v (due ones, by due time then id)", ids, want)
	}
	found := map[string]string{}
	for _, in := range ins {
		if _, dup := found[in.Body+"/"+in.ID]; dup {
			t.Fatalf("instance %s/%s returned twice", in.Body, in.ID)
		}
		found[in.Body+"/"+in.ID] = string(in.State)
		if in.Status != store.InstanceActive || in.Version != 1 || in.ProcessKey == "" {
			t.Fatalf("instance %+v", in)
		}
	}
	if len(found) != 2 || found[BodyA+"/ia"] != `{"tokens":["t1"]}` || found[BodyB+"/ia"] != `{"tokens":["t1"]}` {
		t.Fatalf("instances %v, want %s/ia and %s/ia with their state", found, BodyA, BodyB)
	}
	// Leased: nobody gets them again, by either method.
	again, ins, err := ia.AcquireJobsWithInstances(ctx(t), &store.AcquireJobsParams{Owner: "node-2", Now: T0.Add(time.Second), LeaseFor: time.Minute, Limit: 10})
	must(t, err)
	if len(again) != 0 || len(ins) != 0 {
		t.Fatalf("node-2 got %d jobs and %d instances while node-1 holds the leases", len(again), len(ins))
	}
	_, _, err = ia.AcquireJobsWithInstances(ctx(t), &store.AcquireJobsParams{Now: T0, LeaseFor: time.Minute})
	wantErr(t, err, store.ErrInvalid, "no owner")
}

// testJobsRelease checks the optional store.JobReleaser, when offered: a
// runner shutting down gives back what it leased and did not run.
func testJobsRelease(t *testing.T, s store.Store) {
	rl, ok := s.(store.JobReleaser)
	if !ok {
		t.Skip("the store does not implement store.JobReleaser (optional)")
	}
	commit(t, s, &store.Step{Instance: NewInstance(BodyA, "jr"), Jobs: []*store.Job{job(BodyA, "jr", "j1", T0), job(BodyA, "jr", "j2", T0)}})
	commit(t, s, &store.Step{Instance: NewInstance(BodyB, "jr"), Jobs: []*store.Job{job(BodyB, "jr", "j3", T0)}})
	got, err := s.AcquireJobs(ctx(t), &store.AcquireJobsParams{Owner: "node-1", Now: T0, LeaseFor: time.Hour, Limit: 10})
	must(t, err)
	if len(got) != 3 {
		t.Fatalf("node-1 acquired %d jobs, want 3", len(got))
	}
	tests := []struct {
		name   string
		params store.ReleaseJobsParams
		want   int
	}{
		{name: "another owner", params: store.ReleaseJobsParams{Owner: "node-2", IDs: []string{"j1", "j2", "j3"}, Now: T0}, want: 0},
		{name: "another body", params: store.ReleaseJobsParams{Body: BodyB, Owner: "node-1", IDs: []string{"j1"}, Now: T0}, want: 0},
		{name: "unknown id", params: store.ReleaseJobsParams{Owner: "node-1", IDs: []string{"nope"}, Now: T0}, want: 0},
		{name: "none", params: store.ReleaseJobsParams{Owner: "node-1", Now: T0}, want: 0},
	}
	for _, tt := range tests {
		n, err := rl.ReleaseJobs(ctx(t), &tt.params)
		must(t, err)
		if n != tt.want {
			t.Fatalf("%s: released %d, want %d", tt.name, n, tt.want)
		}
	}
	_, err = rl.ReleaseJobs(ctx(t), &store.ReleaseJobsParams{IDs: []string{"j1"}, Now: T0})
	wantErr(t, err, store.ErrInvalid, "releasing without an owner")
	if other, err := s.AcquireJobs(ctx(t), &store.AcquireJobsParams{Owner: "node-2", Now: T0.Add(time.Second), LeaseFor: time.Hour, Limit: 10}); err != nil || len(other) != 0 {
		t.Fatalf("node-2 acquired %d jobs still leased by node-1 (err %v)", len(other), err)
	}
	// Drain a wake-up left by the commits: the release must send its own.
	ch := s.WakeUp()
	select {
	case <-ch:
	default:
	}
	// node-1 shuts down having run none: j1 (body A) and j3 (body B) go
	// back in one call across bodies; j2 stays node-1's.
	n, err := rl.ReleaseJobs(ctx(t), &store.ReleaseJobsParams{Owner: "node-1", IDs: []string{"j1", "j3"}, Now: T0.Add(time.Second)})
	must(t, err)
	if n != 2 {
		t.Fatalf("released %d, want 2", n)
	}
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("no wake-up within 10s of releasing jobs")
	}
	// Within node-1's hour-long lease, node-2 gets them at once, not
	// counted as attempts, with the same idempotency keys.
	other, err := s.AcquireJobs(ctx(t), &store.AcquireJobsParams{Owner: "node-2", Now: T0.Add(2 * time.Second), LeaseFor: time.Minute, Limit: 10})
	must(t, err)
	if len(other) != 2 {
		t.Fatalf("node-2 acquired %d released jobs, want 2", len(other))
	}
	ids := map[string]*store.Job{}
	for _, j := range other {
		ids[j.Body+"/"+j.ID] = j
	}
	for _, k := range []string{BodyA + "/j1", BodyB + "/j3"} {
		j := ids[k]
		if j == nil || j.Attempts != 0 || j.LeaseOwner != "node-2" || j.IdempotencyKey != "jr/"+j.ID || j.DueAt.After(T0.Add(time.Second)) {
			t.Fatalf("job %s after release and takeover: %+v", k, j)
		}
	}
	// node-1 can no longer release what node-2 now holds.
	n, err = rl.ReleaseJobs(ctx(t), &store.ReleaseJobsParams{Owner: "node-1", IDs: []string{"j1", "j3"}, Now: T0.Add(3 * time.Second)})
	must(t, err)
	if n != 0 {
		t.Fatalf("node-1 released %d jobs leased by node-2", n)
	}
}
