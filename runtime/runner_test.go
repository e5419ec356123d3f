package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/processtest"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/runtime/store/storemem"
)

// forkJoin is start → parallel fork of two service tasks → join → end.
func forkJoin(t testing.TB) *runtime.Definition {
	b := runtime.NewBuilder[runtime.JSON]("fj", "")
	b.StartEvent("S")
	b.ParallelGateway("F")
	b.ServiceTask("A", "side-effect")
	b.ServiceTask("B", "side-effect")
	b.ParallelGateway("J")
	b.EndEvent("E")
	b.Flow("f0", "S", "F").Flow("fa", "F", "A").Flow("fb", "F", "B").Flow("ga", "A", "J").Flow("gb", "B", "J").Flow("fe", "J", "E")
	return mustBuild(t, b)
}

// TestTwoEnginesShareAStore runs two engines with their job runners on
// one store: every instance completes exactly once and every job runs
// exactly once (side effects counted by idempotency key).
func TestTwoEnginesShareAStore(t *testing.T) {
	st := storemem.New()
	var mu sync.Mutex
	effects := map[string]int{}
	handler := func(_ context.Context, c *runtime.ServiceCall) error {
		mu.Lock()
		effects[c.IdempotencyKey]++
		mu.Unlock()
		return nil
	}
	def := forkJoin(t)
	var engines []*runtime.Engine
	for i := range 2 {
		e, err := runtime.New(runtime.Options{Store: st, Owner: fmt.Sprintf("node-%d", i), BatchSize: 16,
			Handlers: map[string]runtime.Handler{"side-effect": handler}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		ok(t, err)
		engines = append(engines, e)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := engines[0].Deploy(ctx, &runtime.DeployParams{Body: "c_a", Definition: def})
	ok(t, err)
	engines[1].Register(def)
	var wg sync.WaitGroup
	for _, e := range engines {
		wg.Add(1)
		go func() { defer wg.Done(); _ = e.RunJobs(ctx) }()
	}
	const n = 300
	for i := range n {
		_, err := engines[i%2].Start(ctx, &runtime.StartParams{Body: "c_a", ProcessKey: "fj"})
		ok(t, err)
	}
	waitFor(t, 30*time.Second, func() bool {
		done, _ := st.ListInstances(ctx, &store.ListInstancesParams{Body: "c_a", Status: store.InstanceCompleted})
		return len(done) == n
	})
	cancel()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(effects) != 2*n {
		t.Fatalf("%d distinct side effects, want %d", len(effects), 2*n)
	}
	for k, c := range effects {
		if c != 1 {
			t.Fatalf("side effect %s ran %d times", k, c)
		}
	}
	evs, err := st.ListEvents(context.Background(), &store.ListEventsParams{Body: "c_a"})
	ok(t, err)
	completed := 0
	for _, ev := range evs {
		if ev.Type == runtime.EventCompleted {
			completed++
		}
	}
	if completed != n {
		t.Fatalf("%d completed events, want %d", completed, n)
	}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", within)
		}
		time.Sleep(5 * time.Millisecond) // polling interval, not a wait for an outcome
	}
}

// TestDeadNodesJobIsTakenOverWithTheSameKey simulates a node that leased
// a job and died: once the lease expires another engine runs it, with the
// same idempotency key.
func TestDeadNodesJobIsTakenOverWithTheSameKey(t *testing.T) {
	env := processtest.New(t)
	var keys []string
	env.Stub("ztl.verifica-targa", func(_ context.Context, c *runtime.ServiceCall) error {
		keys = append(keys, c.IdempotencyKey)
		return nil
	})
	env.Deploy(reference(t))
	in, err := env.Engine.Start(context.Background(), &runtime.StartParams{Body: env.Body, ProcessKey: "ztl-access", Vars: []byte(`{"targa":"AB123CD"}`)})
	ok(t, err)
	dead, err := env.Store.AcquireJobs(context.Background(), &store.AcquireJobsParams{Owner: "dead-node", Now: env.Clock.Now(), LeaseFor: time.Minute, Limit: 10})
	ok(t, err)
	if len(dead) != 1 {
		t.Fatalf("dead node acquired %d jobs", len(dead))
	}
	env.Settle()
	if len(keys) != 0 {
		t.Fatal("a leased job ran before its lease expired")
	}
	env.Advance(61 * time.Second)
	env.AssertStatus(in.ID, store.InstanceCompleted)
	if len(keys) != 1 || keys[0] != dead[0].IdempotencyKey {
		t.Fatalf("takeover keys %v, want [%s]", keys, dead[0].IdempotencyKey)
	}
}

// TestConcurrentOperationsOnOneInstance completes two parallel tasks and
// posts documents at the same time: optimistic locking retries, nothing is
// lost.
func TestConcurrentOperationsOnOneInstance(t *testing.T) {
	b := runtime.NewBuilder[runtime.JSON]("cc", "")
	b.StartEvent("S")
	b.ParallelGateway("F")
	b.ParallelGateway("J")
	b.EndEvent("E")
	b.Flow("f0", "S", "F").Flow("fe", "J", "E")
	const branches = 6
	for i := range branches {
		id := fmt.Sprintf("T%d", i)
		b.UserTask(id)
		b.Flow("a"+id, "F", id).Flow("b"+id, id, "J")
	}
	env := processtest.New(t)
	env.Deploy(mustBuild(t, b))
	id := env.Start("cc", nil)
	tasks := env.Tasks(id)
	var wg sync.WaitGroup
	errs := make(chan error, 2*branches)
	for i, task := range tasks {
		wg.Add(2)
		go func() {
			defer wg.Done()
			errs <- env.Engine.CompleteTask(context.Background(), &runtime.CompleteTaskParams{Body: env.Body, TaskID: task.ID, Actor: "anna",
				Payload: []byte(fmt.Sprintf(`{"campo%d":%d}`, i, i))})
		}()
		go func() {
			defer wg.Done()
			_, err := env.Engine.AddDocument(context.Background(), &runtime.AddDocumentParams{Body: env.Body, InstanceID: id, Name: "verbale.pdf", Content: []byte{byte(i)}})
			if errors.Is(err, runtime.ErrNotActive) {
				err = nil // the last task completed the case first
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		ok(t, err)
	}
	env.AssertStatus(id, store.InstanceCompleted)
	var v map[string]any
	env.Vars(id, &v)
	if len(v) != branches {
		t.Fatalf("variables %v: a concurrent completion was lost", v)
	}
	docs, _ := env.Store.ListDocuments(context.Background(), &store.ListDocumentsParams{Body: env.Body, InstanceID: id})
	if got := len(env.EventsOf(id, runtime.EventDocumentAdded)); got != len(docs) {
		t.Fatalf("%d document events for %d versions", got, len(docs))
	}
}

// TestBodiesCannotReachEachOther drives the engine with the wrong body.
func TestBodiesCannotReachEachOther(t *testing.T) {
	st := storemem.New()
	roma := processtest.New(t, processtest.Options{Store: st, Body: "c_h501"})
	milano := processtest.New(t, processtest.Options{Store: st, Body: "c_f205"})
	roma.Deploy(receiver(t))
	id := roma.Start("recv", map[string]any{"pratica": "2026/1"})
	ctx := context.Background()
	if _, err := milano.Engine.Start(ctx, &runtime.StartParams{Body: "c_f205", ProcessKey: "recv"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Milano started Roma's process: %v", err)
	}
	if res := milano.Correlate("integrazione", "2026/1", nil); res.InstanceID != "" {
		t.Fatal("Milano's message reached Roma's instance")
	}
	if err := milano.Engine.Cancel(ctx, "c_f205", id, "x", "y"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Milano cancelled Roma's instance: %v", err)
	}
	if _, err := milano.Engine.AddDocument(ctx, &runtime.AddDocumentParams{Body: "c_f205", InstanceID: id, Name: "x", Content: []byte("x")}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Milano added a document to Roma's instance: %v", err)
	}
	roma.AssertWaitingAt(id, "Attesa")
}

// TestJobCancelledWhileRunning: a boundary timer cancels a service task
// while its handler runs; the handler's late result is dropped and the
// job does not come back.
func TestJobCancelledWhileRunning(t *testing.T) {
	b := runtime.NewBuilder[runtime.JSON]("late", "")
	b.StartEvent("S")
	b.ServiceTask("Lento", "lento")
	b.BoundaryMessage("Annulla", "Lento", "annulla", nil, true)
	b.EndEvent("E")
	b.EndEvent("Annullato")
	b.Flow("f0", "S", "Lento").Flow("f1", "Lento", "E").Flow("f2", "Annulla", "Annullato")
	env := processtest.New(t)
	started, release := make(chan struct{}), make(chan struct{})
	env.Stub("lento", func(_ context.Context, c *runtime.ServiceCall) error {
		close(started)
		<-release
		(*c.Vars.(*runtime.JSON))["esito"] = "tardivo"
		return nil
	})
	env.Deploy(mustBuild(t, b))
	in, err := env.Engine.Start(context.Background(), &runtime.StartParams{Body: env.Body, ProcessKey: "late"})
	ok(t, err)
	done := make(chan error)
	go func() { _, err := env.Engine.ProcessJobs(context.Background()); done <- err }()
	<-started
	res, err := env.Engine.Correlate(context.Background(), &runtime.CorrelateParams{Body: env.Body, Name: "annulla"})
	ok(t, err)
	if res.InstanceID != in.ID {
		t.Fatalf("cancellation went to %q", res.InstanceID)
	}
	close(release)
	ok(t, <-done)
	env.AssertStatus(in.ID, store.InstanceCompleted)
	env.AssertPath(in.ID, "S", "Lento", "Annulla", "Annullato")
	var v map[string]any
	env.Vars(in.ID, &v)
	if v["esito"] != nil {
		t.Fatalf("the cancelled handler's result reached the instance: %v", v)
	}
	if jobs, _ := env.Store.ListJobs(context.Background(), &store.ListJobsParams{Body: env.Body}); len(jobs) != 0 {
		t.Fatalf("%d jobs left", len(jobs))
	}
	env.AdvanceDays(1)
	if n := len(env.Calls("lento")); n != 1 {
		t.Fatalf("handler ran %d times", n)
	}
}

func TestStartIsIdempotentByID(t *testing.T) {
	env := processtest.New(t)
	env.Deploy(receiver(t))
	ctx := context.Background()
	p := &runtime.StartParams{Body: env.Body, ProcessKey: "recv", ID: "domanda-42", Vars: []byte(`{"pratica":"2026/42"}`)}
	a, err := env.Engine.Start(ctx, p)
	ok(t, err)
	b, err := env.Engine.Start(ctx, p) // the double click
	ok(t, err)
	if a.ID != "domanda-42" || b.ID != a.ID {
		t.Fatalf("ids %q %q", a.ID, b.ID)
	}
	ins, _ := env.Store.ListInstances(ctx, &store.ListInstancesParams{Body: env.Body})
	if len(ins) != 1 || len(env.EventsOf(a.ID, runtime.EventStarted)) != 1 {
		t.Fatalf("%d instances: a repeated start filed twice", len(ins))
	}
}

// TestSeveralRunnersInOneEngine runs RunJobs in four goroutines of one
// engine: every job runs once.
func TestSeveralRunnersInOneEngine(t *testing.T) {
	st := storemem.New()
	var mu sync.Mutex
	effects := map[string]int{}
	e, err := runtime.New(runtime.Options{Store: st, BatchSize: 8, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Handlers: map[string]runtime.Handler{"side-effect": func(_ context.Context, c *runtime.ServiceCall) error {
			mu.Lock()
			defer mu.Unlock()
			effects[c.IdempotencyKey]++
			return nil
		}}})
	ok(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err = e.Deploy(ctx, &runtime.DeployParams{Body: "c_a", Definition: forkJoin(t)})
	ok(t, err)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() { defer wg.Done(); _ = e.RunJobs(ctx) }()
	}
	const n = 200
	ps := make([]*runtime.StartParams, n)
	for i := range ps {
		ps[i] = &runtime.StartParams{Body: "c_a", ProcessKey: "fj"}
	}
	_, err = e.StartMany(ctx, ps)
	ok(t, err)
	waitFor(t, 30*time.Second, func() bool {
		done, _ := st.ListInstances(ctx, &store.ListInstancesParams{Body: "c_a", Status: store.InstanceCompleted})
		return len(done) == n
	})
	cancel()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(effects) != 2*n {
		t.Fatalf("%d side effects, want %d", len(effects), 2*n)
	}
	for k, c := range effects {
		if c != 1 {
			t.Fatalf("%s ran %d times", k, c)
		}
	}
}

// TestRunnerFindsTimersWithoutWakeUp: a commit wakes the runners only for
// jobs due within store.WakeHorizon, so a timer due later must be found
// by the runners' own polling of NextJobDue, on time.
func TestRunnerFindsTimersWithoutWakeUp(t *testing.T) {
	b := runtime.NewBuilder[runtime.JSON]("wait", "")
	b.StartEvent("S")
	b.TimerCatchEvent("T", runtime.TimerSpec{Duration: "PT2S"})
	b.EndEvent("E")
	b.Flow("f1", "S", "T").Flow("f2", "T", "E")
	def := mustBuild(t, b)
	st := storemem.New()
	e, err := runtime.New(runtime.Options{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ok(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err = e.Deploy(ctx, &runtime.DeployParams{Body: "c_a", Definition: def})
	ok(t, err)
	done := make(chan struct{})
	go func() { defer close(done); _ = e.RunJobs(ctx) }()
	t0 := time.Now()
	in, err := e.Start(ctx, &runtime.StartParams{Body: "c_a", ProcessKey: "wait"})
	ok(t, err)
	waitFor(t, 2*time.Second+2*store.WakeHorizon, func() bool {
		got, err := st.GetInstance(ctx, &store.GetInstanceParams{Body: "c_a", ID: in.ID})
		return err == nil && got.Status == store.InstanceCompleted
	})
	if d := time.Since(t0); d < 2*time.Second {
		t.Fatalf("the timer fired after %v, before its 2 s", d)
	}
	cancel()
	<-done
}
