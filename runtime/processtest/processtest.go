// Package processtest runs process definitions in milliseconds: an engine
// on the in-memory store, a fake clock that jumps 30 days at once, service
// tasks stubbed per test, and helpers to complete tasks, send messages and
// assert the path an instance took. In the spirit of Temporal's test
// suite:
//
//	env := processtest.New(t)
//	env.Stub("ztl.verifica-targa", func(ctx context.Context, c *runtime.ServiceCall) error { ... })
//	env.Deploy(def)
//	id := env.Start("ztl-access", map[string]any{"targa": "AB123CD"})
//	env.CompleteTask(id, "Istruttoria", "anna", map[string]any{"esito": "ok"})
//	env.Advance(30 * 24 * time.Hour)
//	env.AssertPath(id, "Start", "Verifica", "Istruttoria", "End")
//
// Every helper fails the test with a message naming the instance and the
// element when something is not as expected. Jobs run synchronously:
// after each helper every job that is due on the fake clock has run.
package processtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/runtime/store/storemem"
)

// Clock is a fake clock: time moves only when the test says so.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now implements runtime.Clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Start is the default time of a new Env: Monday 2 March 2026, 09:00 in
// Rome.
var Start = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// Body is the default body (tenant) of an Env.
const Body = "c_test"

// Env is a process test environment.
type Env struct {
	T      testing.TB
	Engine *runtime.Engine
	Store  store.Store
	Clock  *Clock
	Body   string

	mu    sync.Mutex
	calls map[string][]*runtime.ServiceCall
}

// Options of New; the zero value is the default.
type Options struct {
	Store       store.Store // default: a new storemem store
	Start       time.Time   // default: Start
	Body        string      // default: Body
	MaxAttempts int         // default: 3
	Resolver    runtime.Resolver
}

// New returns an environment for t.
func New(t testing.TB, opts ...Options) *Env {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.Store == nil {
		o.Store = storemem.New()
	}
	if o.Start.IsZero() {
		o.Start = Start
	}
	if o.Body == "" {
		o.Body = Body
	}
	if o.MaxAttempts == 0 {
		o.MaxAttempts = 3
	}
	clock := NewClock(o.Start)
	eng, err := runtime.New(runtime.Options{
		Store: o.Store, Clock: clock, MaxAttempts: o.MaxAttempts, Resolver: o.Resolver,
		Backoff: time.Second, MaxBackoff: time.Minute, Workers: 1,
		Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		t.Fatal(err)
	}
	return &Env{T: t, Engine: eng, Store: o.Store, Clock: clock, Body: o.Body, calls: map[string][]*runtime.ServiceCall{}}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func (e *Env) ctx() context.Context { return context.Background() }

// Stub binds service type typ to h for this test and records every call.
func (e *Env) Stub(typ string, h runtime.Handler) {
	e.Engine.SetHandler(typ, func(ctx context.Context, c *runtime.ServiceCall) error {
		e.mu.Lock()
		cp := *c
		e.calls[typ] = append(e.calls[typ], &cp)
		e.mu.Unlock()
		return h(ctx, c)
	})
}

// StubVars binds service type typ to a function that sets variables: the
// fields of set (a JSON object) are merged into the instance.
func (e *Env) StubVars(typ string, set map[string]any) {
	b, err := json.Marshal(set)
	if err != nil {
		e.T.Fatal(err)
	}
	e.Stub(typ, func(_ context.Context, c *runtime.ServiceCall) error {
		return mergeJSON(c.Vars, b)
	})
}

func mergeJSON(v any, patch []byte) error { return json.Unmarshal(patch, v) }

// Calls returns the calls made to service type typ, in order.
func (e *Env) Calls(typ string) []*runtime.ServiceCall {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.calls[typ])
}

// Deploy deploys definitions in the env's body.
func (e *Env) Deploy(defs ...*runtime.Definition) {
	e.T.Helper()
	for _, d := range defs {
		if _, err := e.Engine.Deploy(e.ctx(), &runtime.DeployParams{Body: e.Body, Definition: d, Actor: "test"}); err != nil {
			e.T.Fatalf("deploying %s: %v", d.Key, err)
		}
	}
}

func marshal(t testing.TB, v any) json.RawMessage {
	t.Helper()
	if v == nil {
		return nil
	}
	if b, ok := v.(json.RawMessage); ok {
		return b
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Start starts the latest version of process key with vars (any value
// that marshals to a JSON object, or nil), runs due jobs, and returns the
// instance id.
func (e *Env) Start(key string, vars any) string {
	e.T.Helper()
	in, err := e.Engine.Start(e.ctx(), &runtime.StartParams{Body: e.Body, ProcessKey: key, Vars: marshal(e.T, vars), Actor: "citizen"})
	if err != nil {
		e.T.Fatalf("starting %s: %v", key, err)
	}
	e.Settle()
	return in.ID
}

// TryStart is Start returning the error instead of failing.
func (e *Env) TryStart(key string, vars any) (string, error) {
	in, err := e.Engine.Start(e.ctx(), &runtime.StartParams{Body: e.Body, ProcessKey: key, Vars: marshal(e.T, vars), Actor: "citizen"})
	if err != nil {
		return "", err
	}
	e.Settle()
	return in.ID, nil
}

// Settle runs every job due on the fake clock, until none is left.
func (e *Env) Settle() {
	e.T.Helper()
	if _, err := e.Engine.ProcessJobs(e.ctx()); err != nil {
		e.T.Fatalf("running jobs: %v", err)
	}
}

// Advance moves the fake clock by d, firing the timers and retries due
// meanwhile in time order.
func (e *Env) Advance(d time.Duration) { e.AdvanceTo(e.Clock.Now().Add(d)) }

// AdvanceDays moves the clock by n days.
func (e *Env) AdvanceDays(n int) { e.Advance(time.Duration(n) * 24 * time.Hour) }

// AdvanceTo moves the fake clock to t, stopping at every due job on the
// way so that timers fire at their time and in their order.
func (e *Env) AdvanceTo(t time.Time) {
	e.T.Helper()
	for {
		e.Settle()
		next, err := e.Store.NextJobDue(e.ctx())
		if err != nil {
			e.T.Fatal(err)
		}
		if next.IsZero() || next.After(t) {
			break
		}
		if next.After(e.Clock.Now()) {
			e.Clock.Set(next)
		}
	}
	e.Clock.Set(t)
	e.Settle()
}

// Instance returns the stored instance.
func (e *Env) Instance(id string) *store.Instance {
	e.T.Helper()
	in, err := e.Store.GetInstance(e.ctx(), &store.GetInstanceParams{Body: e.Body, ID: id})
	if err != nil {
		e.T.Fatalf("instance %s: %v", id, err)
	}
	return in
}

// Inspect returns the engine's view of an instance.
func (e *Env) Inspect(id string) *runtime.InstanceView {
	e.T.Helper()
	v, err := e.Engine.Inspect(e.ctx(), e.Body, id)
	if err != nil {
		e.T.Fatalf("instance %s: %v", id, err)
	}
	return v
}

// Vars decodes the variables of an instance into v.
func (e *Env) Vars(id string, v any) {
	e.T.Helper()
	if err := json.Unmarshal(e.Inspect(id).Vars, v); err != nil {
		e.T.Fatalf("instance %s: variables: %v", id, err)
	}
}

// Tasks returns the open tasks of an instance.
func (e *Env) Tasks(id string) []*store.Task {
	e.T.Helper()
	ts, err := e.Store.ListTasks(e.ctx(), &store.ListTasksParams{Body: e.Body, InstanceID: id, Status: store.TaskOpen})
	if err != nil {
		e.T.Fatal(err)
	}
	return ts
}

// Task returns the open task of an instance at element, failing when
// there is none or more than one.
func (e *Env) Task(id, element string) *store.Task {
	e.T.Helper()
	var found []*store.Task
	var at []string
	for _, t := range e.Tasks(id) {
		at = append(at, t.ElementID)
		if t.ElementID == element {
			found = append(found, t)
		}
	}
	if len(found) != 1 {
		e.T.Fatalf("instance %s: %d open tasks at %s, want 1 (open tasks at %v; path %v)", id, len(found), element, at, e.Path(id))
	}
	return found[0]
}

// CompleteTask completes the open task at element as actor with payload,
// then runs due jobs.
func (e *Env) CompleteTask(id, element, actor string, payload any) {
	e.T.Helper()
	if err := e.TryCompleteTask(id, element, actor, payload); err != nil {
		e.T.Fatalf("instance %s: completing %s: %v", id, element, err)
	}
}

// TryCompleteTask is CompleteTask returning the error.
func (e *Env) TryCompleteTask(id, element, actor string, payload any) error {
	e.T.Helper()
	t := e.Task(id, element)
	err := e.Engine.CompleteTask(e.ctx(), &runtime.CompleteTaskParams{Body: e.Body, TaskID: t.ID, Actor: actor, Payload: marshal(e.T, payload)})
	if err == nil {
		e.Settle()
	}
	return err
}

// Correlate sends a message, then runs due jobs.
func (e *Env) Correlate(name, key string, payload any) *runtime.CorrelateResult {
	e.T.Helper()
	res, err := e.Engine.Correlate(e.ctx(), &runtime.CorrelateParams{Body: e.Body, Name: name, Key: key, Payload: marshal(e.T, payload), TTL: time.Hour})
	if err != nil {
		e.T.Fatalf("correlating %s/%s: %v", name, key, err)
	}
	e.Settle()
	return res
}

// Events returns the history of an instance.
func (e *Env) Events(id string) []*store.Event {
	e.T.Helper()
	evs, err := e.Store.ListEvents(e.ctx(), &store.ListEventsParams{Body: e.Body, InstanceID: id})
	if err != nil {
		e.T.Fatal(err)
	}
	return evs
}

// EventsOf returns the events of one type.
func (e *Env) EventsOf(id string, typ store.EventType) []*store.Event {
	var out []*store.Event
	for _, ev := range e.Events(id) {
		if ev.Type == typ {
			out = append(out, ev)
		}
	}
	return out
}

// Path returns the elements the instance entered, in order.
func (e *Env) Path(id string) []string {
	var out []string
	for _, ev := range e.EventsOf(id, runtime.EventElementEntered) {
		out = append(out, ev.ElementID)
	}
	return out
}

// AssertPath fails unless the instance entered exactly these elements in
// this order.
func (e *Env) AssertPath(id string, want ...string) {
	e.T.Helper()
	if got := e.Path(id); !slices.Equal(got, want) {
		e.T.Fatalf("instance %s path:\n got %v\nwant %v", id, got, want)
	}
}

// AssertVisited fails unless the instance entered each element at least
// once.
func (e *Env) AssertVisited(id string, elements ...string) {
	e.T.Helper()
	path := e.Path(id)
	for _, el := range elements {
		if !slices.Contains(path, el) {
			e.T.Fatalf("instance %s never entered %s (path %v)", id, el, path)
		}
	}
}

// AssertNotVisited fails if the instance entered any of the elements.
func (e *Env) AssertNotVisited(id string, elements ...string) {
	e.T.Helper()
	path := e.Path(id)
	for _, el := range elements {
		if slices.Contains(path, el) {
			e.T.Fatalf("instance %s entered %s (path %v)", id, el, path)
		}
	}
}

// Visits counts how many times the instance entered element.
func (e *Env) Visits(id, element string) int {
	n := 0
	for _, el := range e.Path(id) {
		if el == element {
			n++
		}
	}
	return n
}

// AssertStatus fails unless the instance has that status.
func (e *Env) AssertStatus(id string, want store.InstanceStatus) {
	e.T.Helper()
	if got := e.Instance(id).Status; got != want {
		e.T.Fatalf("instance %s is %s, want %s (path %v)", id, got, want, e.Path(id))
	}
}

// AssertWaitingAt fails unless the instance has open tasks, pending jobs
// or subscriptions exactly at these elements (in any order).
func (e *Env) AssertWaitingAt(id string, elements ...string) {
	e.T.Helper()
	got := e.WaitingAt(id)
	slices.Sort(got)
	want := slices.Clone(elements)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		e.T.Fatalf("instance %s waits at %v, want %v (path %v)", id, got, want, e.Path(id))
	}
}

// WaitingAt returns the elements the tokens of an instance wait at.
func (e *Env) WaitingAt(id string) []string {
	e.T.Helper()
	var out []string
	for _, w := range e.Inspect(id).Waiting {
		out = append(out, w.Element)
	}
	return out
}

// Children returns the instances started by call activities of id.
func (e *Env) Children(id string) []*store.Instance {
	e.T.Helper()
	ins, err := e.Store.ListInstances(e.ctx(), &store.ListInstancesParams{Body: e.Body, ParentID: id})
	if err != nil {
		e.T.Fatal(err)
	}
	return ins
}

// FieldErrors returns the field errors of a validation error, or fails.
func FieldErrors(t testing.TB, err error) []runtime.FieldError {
	t.Helper()
	var ve *runtime.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got error %v, want a *runtime.ValidationError", err)
	}
	return ve.Fields
}

// Describe formats the history of an instance, one event per line, for
// failure messages and debugging.
func (e *Env) Describe(id string) string {
	var b strings.Builder
	for _, ev := range e.Events(id) {
		fmt.Fprintf(&b, "%3d %s %-20s %-16s %s\n", ev.Seq, ev.Time.Format(time.DateTime), ev.Type, ev.ElementID, ev.Data)
	}
	return b.String()
}
