package runtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/processtest"
	"github.com/procedo/procedo/runtime/store"
)

// ztlVars are typed variables, as generated code would declare them.
type ztlVars struct {
	Targa   string `json:"targa,omitempty"`
	Valida  bool   `json:"valida,omitempty"`
	Esito   string `json:"esito,omitempty"`
	Importo int    `json:"importo,omitempty"`
}

func ok(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func mustBuild(t testing.TB, b interface {
	Build() (*runtime.Definition, error)
}) *runtime.Definition {
	t.Helper()
	d, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// reference is the benchmark process: start → service task → exclusive
// gateway → end.
func reference(t testing.TB) *runtime.Definition {
	b := runtime.NewBuilder[ztlVars]("ztl-access", "Accesso ZTL")
	b.StartEvent("Start")
	b.ServiceTask("Verifica", "ztl.verifica-targa").Named("Verifica targa")
	b.ExclusiveGateway("Esito").Default("F_no")
	b.EndEvent("Rilasciato")
	b.EndEvent("Respinto")
	b.Flow("F1", "Start", "Verifica").Flow("F2", "Verifica", "Esito")
	b.FlowIf("F_si", "Esito", "Rilasciato", "valida", func(v *ztlVars) (bool, error) { return v.Valida, nil })
	b.Flow("F_no", "Esito", "Respinto")
	return mustBuild(t, b)
}

func TestReferenceProcess(t *testing.T) {
	tests := []struct {
		name  string
		targa string
		want  []string
	}{
		{name: "valid plate", targa: "AB123CD", want: []string{"Start", "Verifica", "Esito", "Rilasciato"}},
		{name: "invalid plate", targa: "XX", want: []string{"Start", "Verifica", "Esito", "Respinto"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := processtest.New(t)
			env.Stub("ztl.verifica-targa", runtime.Service(func(_ context.Context, c *runtime.ServiceCall, v *ztlVars) error {
				v.Valida = len(v.Targa) == 7
				return nil
			}))
			env.Deploy(reference(t))
			id := env.Start("ztl-access", ztlVars{Targa: tt.targa})
			env.AssertStatus(id, store.InstanceCompleted)
			env.AssertPath(id, tt.want...)
			calls := env.Calls("ztl.verifica-targa")
			if len(calls) != 1 || calls[0].IdempotencyKey == "" || calls[0].Attempt != 1 || calls[0].ElementID != "Verifica" {
				t.Fatalf("calls = %+v", calls)
			}
			var v ztlVars
			env.Vars(id, &v)
			if v.Valida != (len(tt.targa) == 7) {
				t.Fatalf("vars after the service: %+v", v)
			}
			// History is complete: started, variables, completed.
			types := map[store.EventType]int{}
			for _, ev := range env.Events(id) {
				types[ev.Type]++
				if ev.Actor == "" || ev.Time.IsZero() {
					t.Fatalf("event %d %s has no actor or time", ev.Seq, ev.Type)
				}
			}
			if types[runtime.EventStarted] != 1 || types[runtime.EventCompleted] != 1 || types[runtime.EventElementLeft] != 4 {
				t.Fatalf("history types %v", types)
			}
			if tt.targa == "AB123CD" {
				ch := env.EventsOf(id, runtime.EventVariablesChanged)
				if len(ch) != 2 || !strings.Contains(string(ch[1].Data), `"valida"`) || ch[1].ElementID != "Verifica" {
					t.Fatalf("variables-changed events %v", ch)
				}
			}
			if jobs, _ := env.Store.ListJobs(context.Background(), &store.ListJobsParams{Body: env.Body}); len(jobs) != 0 {
				t.Fatalf("%d jobs left after completion", len(jobs))
			}
		})
	}
}

func TestParallelJoinReachedAtTheSameMoment(t *testing.T) {
	b := runtime.NewBuilder[runtime.JSON]("par", "")
	b.StartEvent("S")
	b.ParallelGateway("Fork")
	b.ParallelGateway("Join")
	b.EndEvent("E")
	b.Flow("f0", "S", "Fork").Flow("fj", "Join", "E")
	for _, br := range []string{"A", "B", "C"} {
		b.ScriptTask(br, func(v *runtime.JSON) error { (*v)[br] = true; return nil })
		b.Flow("f"+br, "Fork", br).Flow("g"+br, br, "Join")
	}
	env := processtest.New(t)
	env.Deploy(mustBuild(t, b))
	id := env.Start("par", nil)
	env.AssertStatus(id, store.InstanceCompleted)
	if n := env.Visits(id, "E"); n != 1 {
		t.Fatalf("end reached %d times, want once: the join fires once for 3 tokens", n)
	}
	if n := env.Visits(id, "Join"); n != 3 {
		t.Fatalf("join entered %d times, want 3 (one per branch)", n)
	}
}

func TestParallelJoinWaitsForEveryBranch(t *testing.T) {
	b := runtime.NewBuilder[runtime.JSON]("par2", "")
	b.StartEvent("S")
	b.ParallelGateway("Fork")
	b.UserTask("A")
	b.UserTask("B")
	b.ParallelGateway("Join")
	b.EndEvent("E")
	b.Flow("f0", "S", "Fork").Flow("fa", "Fork", "A").Flow("fb", "Fork", "B").
		Flow("ga", "A", "Join").Flow("gb", "B", "Join").Flow("fe", "Join", "E")
	env := processtest.New(t)
	env.Deploy(mustBuild(t, b))
	id := env.Start("par2", nil)
	env.AssertWaitingAt(id, "A", "B")
	env.CompleteTask(id, "A", "anna", nil)
	env.AssertWaitingAt(id, "Join", "B")
	env.AssertStatus(id, store.InstanceActive)
	env.CompleteTask(id, "B", "anna", nil)
	env.AssertStatus(id, store.InstanceCompleted)
}

func TestInclusiveJoinWaitsOnlyForBranchesThatCanArrive(t *testing.T) {
	build := func() *runtime.Definition {
		b := runtime.NewBuilder[runtime.JSON]("or", "")
		b.StartEvent("S")
		b.InclusiveGateway("Split")
		b.InclusiveGateway("Join")
		b.EndEvent("E")
		b.Flow("f0", "S", "Split").Flow("fe", "Join", "E")
		for _, br := range []string{"A", "B", "C"} {
			b.UserTask(br)
			b.FlowIf("f"+br, "Split", br, br+" in rami", func(v *runtime.JSON) (bool, error) {
				rami, _ := (*v)["rami"].(string)
				return strings.Contains(rami, br), nil
			})
			b.Flow("g"+br, br, "Join")
		}
		return mustBuild(t, b)
	}
	tests := []struct {
		name     string
		rami     string
		complete []string
	}{
		{name: "two of three", rami: "AC", complete: []string{"A", "C"}},
		{name: "two of three, other order", rami: "AC", complete: []string{"C", "A"}},
		{name: "one", rami: "B", complete: []string{"B"}},
		{name: "all", rami: "ABC", complete: []string{"B", "A", "C"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := processtest.New(t)
			env.Deploy(build())
			id := env.Start("or", map[string]any{"rami": tt.rami})
			want := strings.Split(tt.rami, "")
			env.AssertWaitingAt(id, want...)
			for i, el := range tt.complete {
				env.CompleteTask(id, el, "anna", nil)
				if i < len(tt.complete)-1 {
					env.AssertStatus(id, store.InstanceActive)
				}
			}
			env.AssertStatus(id, store.InstanceCompleted)
			if n := env.Visits(id, "E"); n != 1 {
				t.Fatalf("end reached %d times", n)
			}
		})
	}
}

func TestInclusiveSplitWithoutTrueConditionUsesDefaultOrFails(t *testing.T) {
	b := runtime.NewBuilder[runtime.JSON]("or2", "")
	b.StartEvent("S")
	b.InclusiveGateway("Split")
	b.EndEvent("E")
	b.Flow("f0", "S", "Split")
	b.FlowIf("f1", "Split", "E", "false", func(*runtime.JSON) (bool, error) { return false, nil })
	env := processtest.New(t)
	env.Deploy(mustBuild(t, b))
	_, err := env.TryStart("or2", nil)
	var se *runtime.StepError
	if !errors.As(err, &se) || se.Element != "Split" {
		t.Fatalf("got %v, want a StepError at Split", err)
	}
	if ins, _ := env.Store.ListInstances(context.Background(), &store.ListInstancesParams{Body: env.Body}); len(ins) != 0 {
		t.Fatalf("a failed start left %d instances", len(ins))
	}
}

func eventRace(t testing.TB) *runtime.Definition {
	b := runtime.NewBuilder[runtime.JSON]("race", "")
	b.StartEvent("S")
	b.EventBasedGateway("G")
	b.MessageCatchEvent("Risposta", "risposta", func(v *runtime.JSON) (string, error) { return (*v)["pratica"].(string), nil })
	b.TimerCatchEvent("Scadenza", runtime.TimerSpec{Duration: "P10D"})
	b.EndEvent("Risposto")
	b.EndEvent("Scaduto")
	b.Flow("f0", "S", "G").Flow("f1", "G", "Risposta").Flow("f2", "G", "Scadenza").
		Flow("f3", "Risposta", "Risposto").Flow("f4", "Scadenza", "Scaduto")
	return mustBuild(t, b)
}

func TestEventBasedGatewayRace(t *testing.T) {
	t.Run("message first", func(t *testing.T) {
		env := processtest.New(t)
		env.Deploy(eventRace(t))
		id := env.Start("race", map[string]any{"pratica": "2026/1"})
		env.AdvanceDays(3)
		res := env.Correlate("risposta", "2026/1", map[string]any{"testo": "ok"})
		if res.InstanceID != id {
			t.Fatalf("message went to %q", res.InstanceID)
		}
		env.AdvanceDays(30)
		env.AssertStatus(id, store.InstanceCompleted)
		env.AssertPath(id, "S", "G", "Risposta", "Risposto")
		subs, _ := env.Store.FindSubscriptions(context.Background(), &store.FindSubscriptionsParams{Body: env.Body, Name: "risposta", CorrelationKey: "2026/1"})
		if len(subs) != 0 {
			t.Fatal("the winning message's subscription is still there")
		}
		if n := len(env.EventsOf(id, runtime.EventTimerFired)); n != 0 {
			t.Fatalf("the losing timer fired %d times", n)
		}
	})
	t.Run("timer first", func(t *testing.T) {
		env := processtest.New(t)
		env.Deploy(eventRace(t))
		id := env.Start("race", map[string]any{"pratica": "2026/2"})
		env.AdvanceDays(10)
		env.AssertStatus(id, store.InstanceCompleted)
		env.AssertPath(id, "S", "G", "Scadenza", "Scaduto")
		subs, _ := env.Store.FindSubscriptions(context.Background(), &store.FindSubscriptionsParams{Body: env.Body, Name: "risposta", CorrelationKey: "2026/2"})
		if len(subs) != 0 {
			t.Fatal("the losing message subscription is still there")
		}
		res := env.Correlate("risposta", "2026/2", nil)
		if res.InstanceID != "" {
			t.Fatal("a late message reached a finished race")
		}
	})
}

func boundaryTimer(t testing.TB, interrupting bool, timer runtime.TimerSpec) *runtime.Definition {
	b := runtime.NewBuilder[runtime.JSON]("bt", "")
	b.StartEvent("S")
	b.UserTask("Istruttoria").Offices("suap")
	b.BoundaryTimer("Timer", "Istruttoria", timer, interrupting)
	b.ServiceTask("Sollecito", "notifica.sollecito")
	b.EndEvent("E")
	b.EndEvent("E2")
	b.Flow("f0", "S", "Istruttoria").Flow("f1", "Istruttoria", "E").Flow("f2", "Timer", "Sollecito").Flow("f3", "Sollecito", "E2")
	return mustBuild(t, b)
}

func TestInterruptingBoundaryTimerCancelsTaskAndJobs(t *testing.T) {
	env := processtest.New(t)
	env.StubVars("notifica.sollecito", map[string]any{"sollecitato": true})
	env.Deploy(boundaryTimer(t, true, runtime.TimerSpec{Duration: "P5D"}))
	id := env.Start("bt", nil)
	task := env.Task(id, "Istruttoria")
	env.AdvanceDays(4)
	env.AssertWaitingAt(id, "Istruttoria")
	env.AdvanceDays(1)
	env.AssertStatus(id, store.InstanceCompleted)
	env.AssertPath(id, "S", "Istruttoria", "Timer", "Sollecito", "E2")
	got, err := env.Store.GetTask(context.Background(), &store.GetTaskParams{Body: env.Body, ID: task.ID})
	if err != nil || got.Status != store.TaskCancelled {
		t.Fatalf("task after the interrupting timer: %+v %v", got, err)
	}
	if err := env.Engine.CompleteTask(context.Background(), &runtime.CompleteTaskParams{Body: env.Body, TaskID: task.ID, Actor: "anna"}); err == nil {
		t.Fatal("completing a cancelled task succeeded")
	}
	if n := len(env.Calls("notifica.sollecito")); n != 1 {
		t.Fatalf("reminder ran %d times", n)
	}
}

func TestInterruptingBoundaryCancelsTheServiceJob(t *testing.T) {
	b := runtime.NewBuilder[runtime.JSON]("btj", "")
	b.StartEvent("S")
	b.ServiceTask("Lento", "lento")
	b.BoundaryTimer("T", "Lento", runtime.TimerSpec{Duration: "PT1H"}, true)
	b.EndEvent("E")
	b.EndEvent("Timeout")
	b.Flow("f0", "S", "Lento").Flow("f1", "Lento", "E").Flow("f2", "T", "Timeout")
	env := processtest.New(t)
	env.Stub("lento", func(context.Context, *runtime.ServiceCall) error { return errors.New("non disponibile") })
	env.Deploy(mustBuild(t, b))
	id := env.Start("btj", nil)
	// The service fails and waits for its retry (1 s, 2 s): the boundary
	// timer fires first after an hour and cancels the job.
	env.Advance(2 * time.Hour)
	env.AssertStatus(id, store.InstanceCompleted)
	env.AssertPath(id, "S", "Lento", "T", "Timeout")
	jobs, _ := env.Store.ListJobs(context.Background(), &store.ListJobsParams{Body: env.Body})
	if len(jobs) != 0 {
		t.Fatalf("%d jobs left: the interrupted task's job must be cancelled (%+v)", len(jobs), jobs[0])
	}
}

func TestNonInterruptingBoundaryTimerIsAReminder(t *testing.T) {
	env := processtest.New(t)
	env.StubVars("notifica.sollecito", map[string]any{"sollecitato": true})
	env.Deploy(boundaryTimer(t, false, runtime.TimerSpec{Cycle: "R2/P7D"}))
	id := env.Start("bt", nil)
	env.AdvanceDays(7)
	env.AssertWaitingAt(id, "Istruttoria")
	env.AdvanceDays(7)
	env.AdvanceDays(7)
	if n := len(env.Calls("notifica.sollecito")); n != 2 {
		t.Fatalf("R2 reminder ran %d times, want 2", n)
	}
	env.AssertWaitingAt(id, "Istruttoria")
	env.CompleteTask(id, "Istruttoria", "anna", nil)
	env.AssertStatus(id, store.InstanceCompleted)
	if env.Visits(id, "E2") != 2 || env.Visits(id, "E") != 1 {
		t.Fatalf("path %v", env.Path(id))
	}
}

func TestErrorEndInSubProcessCaughtByBoundary(t *testing.T) {
	b := runtime.NewBuilder[runtime.JSON]("err", "")
	b.StartEvent("S")
	b.SubProcess("Verifiche")
	b.StartEvent("VS").In("Verifiche")
	b.ParallelGateway("VF").In("Verifiche")
	b.UserTask("Altro").In("Verifiche")
	b.BoundaryTimer("Promemoria", "Altro", runtime.TimerSpec{Duration: "P1D"}, false).In("Verifiche")
	b.EndEvent("PE").In("Verifiche")
	b.Flow("p0", "Promemoria", "PE")
	b.ExclusiveGateway("Ok").In("Verifiche").Default("bad")
	b.EndEvent("VE").In("Verifiche")
	b.ErrorEndEvent("VErr", "DOC_MANCANTE").In("Verifiche")
	b.BoundaryError("Catch", "Verifiche", "DOC_MANCANTE")
	b.UserTask("Integrazione")
	b.EndEvent("E")
	b.EndEvent("E2")
	b.Flow("f0", "S", "Verifiche").Flow("f1", "Verifiche", "E").Flow("f2", "Catch", "Integrazione").Flow("f3", "Integrazione", "E2")
	b.Flow("v0", "VS", "VF").Flow("v1", "VF", "Altro").Flow("v2", "VF", "Ok").Flow("v3", "Altro", "VE")
	b.FlowIf("good", "Ok", "VE", "doc", func(v *runtime.JSON) (bool, error) { return (*v)["doc"] == true, nil })
	b.Flow("bad", "Ok", "VErr")
	env := processtest.New(t)
	env.Deploy(mustBuild(t, b))

	id := env.Start("err", map[string]any{"doc": false})
	env.AssertWaitingAt(id, "Integrazione")
	if ts := env.Tasks(id); len(ts) != 1 {
		t.Fatalf("open tasks %v: the task inside the sub-process must be cancelled", ts)
	}
	thrown := env.EventsOf(id, runtime.EventErrorThrown)
	if len(thrown) != 1 || !strings.Contains(string(thrown[0].Data), "DOC_MANCANTE") {
		t.Fatalf("error events %v", thrown)
	}
	if jobs, _ := env.Store.ListJobs(context.Background(), &store.ListJobsParams{Body: env.Body, InstanceID: id}); len(jobs) != 0 {
		t.Fatalf("the boundary timer of the cancelled task is still scheduled: %+v", jobs[0])
	}
	env.CompleteTask(id, "Integrazione", "anna", nil)
	env.AssertStatus(id, store.InstanceCompleted)
	env.AssertNotVisited(id, "E")

	ok := env.Start("err", map[string]any{"doc": true})
	env.AssertWaitingAt(ok, "Altro")
	env.CompleteTask(ok, "Altro", "anna", nil)
	env.AssertStatus(ok, store.InstanceCompleted)
	env.AssertVisited(ok, "E")
	env.AssertNotVisited(ok, "Catch")
}

func TestUncaughtErrorFailsTheInstance(t *testing.T) {
	b := runtime.NewBuilder[runtime.JSON]("unc", "")
	b.StartEvent("S")
	b.ErrorEndEvent("Err", "BOOM")
	b.Flow("f", "S", "Err")
	env := processtest.New(t)
	env.Deploy(mustBuild(t, b))
	id := env.Start("unc", nil)
	env.AssertStatus(id, store.InstanceFailed)
}

func TestTerminateEndKillsEveryToken(t *testing.T) {
	b := runtime.NewBuilder[runtime.JSON]("term", "")
	b.StartEvent("S")
	b.ParallelGateway("F")
	b.UserTask("A")
	b.ServiceTask("B", "lento")
	b.TimerCatchEvent("C", runtime.TimerSpec{Duration: "P1D"})
	b.TerminateEndEvent("Stop")
	b.EndEvent("E")
	b.Flow("f0", "S", "F").Flow("fa", "F", "A").Flow("fb", "F", "B").Flow("fc", "F", "C").
		Flow("ga", "A", "Stop").Flow("gb", "B", "E").Flow("gc", "C", "E")
	env := processtest.New(t)
	env.Stub("lento", func(context.Context, *runtime.ServiceCall) error { return errors.New("giù") })
	env.Deploy(mustBuild(t, b))
	id := env.Start("term", nil)
	env.CompleteTask(id, "A", "anna", nil)
	env.AssertStatus(id, store.InstanceTerminated)
	if w := env.WaitingAt(id); len(w) != 0 {
		t.Fatalf("tokens left at %v", w)
	}
	jobs, _ := env.Store.ListJobs(context.Background(), &store.ListJobsParams{Body: env.Body})
	if len(jobs) != 0 {
		t.Fatalf("%d jobs left after terminate", len(jobs))
	}
	env.AdvanceDays(2)
	env.AssertNotVisited(id, "E")
}

func TestMultiInstance(t *testing.T) {
	build := func(sequential bool, completion func(v *runtime.JSON, s runtime.MIStatus) (bool, error)) *runtime.Definition {
		b := runtime.NewBuilder[runtime.JSON]("mi", "")
		b.StartEvent("S")
		b.UserTask("Parere").Offices("tecnico").MultiInstance(sequential, func(v *runtime.JSON) (int, error) {
			uffici, _ := (*v)["uffici"].([]any)
			return len(uffici), nil
		}, completion)
		b.EndEvent("E")
		b.Flow("f0", "S", "Parere").Flow("f1", "Parere", "E")
		return mustBuild(t, b)
	}
	uffici := map[string]any{"uffici": []string{"urbanistica", "ambiente", "traffico"}}
	t.Run("parallel, all", func(t *testing.T) {
		env := processtest.New(t)
		env.Deploy(build(false, nil))
		id := env.Start("mi", uffici)
		if n := len(env.Tasks(id)); n != 3 {
			t.Fatalf("%d parallel tasks, want 3", n)
		}
		for range 3 {
			env.AssertStatus(id, store.InstanceActive)
			tasks := env.Tasks(id)
			ok(t, env.Engine.CompleteTask(context.Background(), &runtime.CompleteTaskParams{Body: env.Body, TaskID: tasks[0].ID, Actor: "anna"}))
		}
		env.AssertStatus(id, store.InstanceCompleted)
	})
	t.Run("parallel, completion condition after 2 of 3", func(t *testing.T) {
		env := processtest.New(t)
		env.Deploy(build(false, func(_ *runtime.JSON, s runtime.MIStatus) (bool, error) {
			return s.NrOfCompletedInstances*3 >= s.NrOfInstances*2, nil
		}))
		id := env.Start("mi", uffici)
		for range 2 {
			tasks := env.Tasks(id)
			ok(t, env.Engine.CompleteTask(context.Background(), &runtime.CompleteTaskParams{Body: env.Body, TaskID: tasks[0].ID, Actor: "anna"}))
		}
		env.AssertStatus(id, store.InstanceCompleted)
		if n := len(env.EventsOf(id, runtime.EventTaskCancelled)); n != 1 {
			t.Fatalf("%d tasks cancelled by the completion condition, want 1", n)
		}
	})
	t.Run("sequential", func(t *testing.T) {
		env := processtest.New(t)
		env.Deploy(build(true, nil))
		id := env.Start("mi", uffici)
		for i := range 3 {
			tasks := env.Tasks(id)
			if len(tasks) != 1 {
				t.Fatalf("round %d: %d open tasks, want 1 at a time", i, len(tasks))
			}
			ok(t, env.Engine.CompleteTask(context.Background(), &runtime.CompleteTaskParams{Body: env.Body, TaskID: tasks[0].ID, Actor: "anna"}))
		}
		env.AssertStatus(id, store.InstanceCompleted)
	})
	t.Run("one task per office", func(t *testing.T) {
		b := runtime.NewBuilder[runtime.JSON]("cds", "Conferenza di servizi")
		b.StartEvent("S")
		b.UserTask("Parere").MultiInstance(false, func(v *runtime.JSON) (int, error) { return len((*v)["uffici"].([]any)), nil }, nil).
			OfficesPerInstance(func(v *runtime.JSON, loop int) ([]string, error) {
				return []string{(*v)["uffici"].([]any)[loop].(string)}, nil
			})
		b.EndEvent("E")
		b.Flow("f0", "S", "Parere").Flow("f1", "Parere", "E")
		env := processtest.New(t)
		env.Deploy(mustBuild(t, b))
		id := env.Start("cds", uffici)
		var got []string
		for _, task := range env.Tasks(id) {
			got = append(got, task.CandidateOffices...)
		}
		slices.Sort(got)
		if !slices.Equal(got, []string{"ambiente", "traffico", "urbanistica"}) {
			t.Fatalf("offices of the instances %v", got)
		}
	})
	t.Run("empty collection", func(t *testing.T) {
		env := processtest.New(t)
		env.Deploy(build(false, nil))
		id := env.Start("mi", map[string]any{"uffici": []string{}})
		env.AssertStatus(id, store.InstanceCompleted)
	})
	t.Run("service with loop counter", func(t *testing.T) {
		b := runtime.NewBuilder[runtime.JSON]("mis", "")
		b.StartEvent("S")
		b.ServiceTask("Notifica", "notifica").MultiInstance(false, func(*runtime.JSON) (int, error) { return 4, nil }, nil)
		b.EndEvent("E")
		b.Flow("f0", "S", "Notifica").Flow("f1", "Notifica", "E")
		env := processtest.New(t)
		env.Stub("notifica", func(context.Context, *runtime.ServiceCall) error { return nil })
		env.Deploy(mustBuild(t, b))
		id := env.Start("mis", nil)
		env.AssertStatus(id, store.InstanceCompleted)
		var loops []int
		keys := map[string]bool{}
		for _, c := range env.Calls("notifica") {
			loops = append(loops, c.LoopCounter)
			keys[c.IdempotencyKey] = true
		}
		slices.Sort(loops)
		if !slices.Equal(loops, []int{0, 1, 2, 3}) || len(keys) != 4 {
			t.Fatalf("loop counters %v, %d distinct idempotency keys", loops, len(keys))
		}
	})
}

func TestCallActivityWithMapping(t *testing.T) {
	child := runtime.NewBuilder[runtime.JSON]("pagamento", "")
	child.StartEvent("CS")
	child.ServiceTask("Paga", "pagopa.avvisa")
	child.EndEvent("CE")
	child.Flow("c0", "CS", "Paga").Flow("c1", "Paga", "CE")

	parent := runtime.NewBuilder[ztlVars]("ztl", "")
	parent.StartEvent("S")
	parent.CallActivity("Pagamento", "pagamento").
		CallIn(func(v *ztlVars) (json.RawMessage, error) {
			return json.Marshal(map[string]any{"importo": v.Importo, "causale": "ZTL " + v.Targa})
		}).
		CallOut(func(v *ztlVars, child json.RawMessage) error {
			var out struct {
				Pagato bool `json:"pagato"`
			}
			if err := json.Unmarshal(child, &out); err != nil {
				return err
			}
			if out.Pagato {
				v.Esito = "pagato"
			}
			return nil
		})
	parent.EndEvent("E")
	parent.Flow("f0", "S", "Pagamento").Flow("f1", "Pagamento", "E")

	env := processtest.New(t)
	env.Stub("pagopa.avvisa", func(_ context.Context, c *runtime.ServiceCall) error {
		v := c.Vars.(*runtime.JSON)
		if (*v)["causale"] != "ZTL AB123CD" || (*v)["importo"] != float64(50) {
			return &runtime.BPMNError{Code: "MAPPING", Message: "input mapping not applied"}
		}
		(*v)["pagato"] = true
		return nil
	})
	env.Deploy(mustBuild(t, child), mustBuild(t, parent))
	id := env.Start("ztl", ztlVars{Targa: "AB123CD", Importo: 50})
	env.AssertStatus(id, store.InstanceCompleted)
	kids := env.Children(id)
	if len(kids) != 1 || kids[0].Status != store.InstanceCompleted || kids[0].ProcessKey != "pagamento" {
		t.Fatalf("children %+v", kids)
	}
	var v ztlVars
	env.Vars(id, &v)
	if v.Esito != "pagato" {
		t.Fatalf("output mapping not applied: %+v", v)
	}
}

func TestReworkLoopIsAllowedAndCounted(t *testing.T) {
	b := runtime.NewBuilder[runtime.JSON]("loop", "")
	b.StartEvent("S")
	b.UserTask("Redazione")
	b.UserTask("Revisione")
	b.ExclusiveGateway("Ok").Default("no")
	b.EndEvent("E")
	b.Flow("f0", "S", "Redazione").Flow("f1", "Redazione", "Revisione").Flow("f2", "Revisione", "Ok").Flow("no", "Ok", "Redazione")
	b.FlowIf("si", "Ok", "E", "approvato", func(v *runtime.JSON) (bool, error) { return (*v)["approvato"] == true, nil })
	env := processtest.New(t)
	env.Deploy(mustBuild(t, b))
	id := env.Start("loop", nil)
	for round := range 3 {
		env.CompleteTask(id, "Redazione", "mario", nil)
		env.CompleteTask(id, "Revisione", "anna", map[string]any{"approvato": round == 2})
	}
	env.AssertStatus(id, store.InstanceCompleted)
	if n := env.Visits(id, "Redazione"); n != 3 {
		t.Fatalf("Redazione entered %d times, want 3", n)
	}
	var last runtime.ElementEntered
	for _, ev := range env.EventsOf(id, runtime.EventElementEntered) {
		if ev.ElementID == "Redazione" {
			ok(t, json.Unmarshal(ev.Data, &last))
		}
	}
	if last.Visit != 3 {
		t.Fatalf("the third entry carries visit %d, want 3", last.Visit)
	}
}

// form is a FormValidator requiring fields.
type form struct{ required []string }

func (f form) Validate(payload json.RawMessage) []runtime.FieldError {
	var m map[string]any
	if err := json.Unmarshal(payload, &m); err != nil {
		return []runtime.FieldError{{Pointer: "", Message: "il contenuto non è un oggetto JSON"}}
	}
	var out []runtime.FieldError
	for _, r := range f.required {
		if _, ok := m[r]; !ok {
			out = append(out, runtime.FieldError{Pointer: "/" + r, Message: "campo obbligatorio"})
		}
	}
	return out
}

func TestUserTaskLifecycle(t *testing.T) {
	b := runtime.NewBuilder[runtime.JSON]("ut", "")
	b.StartEvent("S").Form("domanda", form{required: []string{"nome"}})
	b.UserTask("Istruttoria").Named("Istruttoria").Form("istruttoria", form{required: []string{"esito", "motivazione"}}).
		OfficesFunc(func(v *runtime.JSON) ([]string, error) { return []string{"suap", (*v)["ufficio"].(string)}, nil }).SLA("P3D")
	b.EndEvent("E")
	b.Flow("f0", "S", "Istruttoria").Flow("f1", "Istruttoria", "E")
	env := processtest.New(t)
	env.Deploy(mustBuild(t, b))
	ctx := context.Background()

	_, err := env.TryStart("ut", map[string]any{"ufficio": "edilizia"})
	if fe := processtest.FieldErrors(t, err); len(fe) != 1 || fe[0].Pointer != "/nome" {
		t.Fatalf("start form errors %v", fe)
	}
	id := env.Start("ut", map[string]any{"nome": "Mario", "ufficio": "edilizia"})
	task := env.Task(id, "Istruttoria")
	if !slices.Equal(task.CandidateOffices, []string{"suap", "edilizia"}) || task.Name != "Istruttoria" || task.Form != "istruttoria" ||
		!task.DueAt.Equal(processtest.Start.Add(72*time.Hour)) {
		t.Fatalf("task %+v", task)
	}
	byOffice, _ := env.Store.ListTasks(ctx, &store.ListTasksParams{Body: env.Body, Office: "edilizia"})
	if len(byOffice) != 1 {
		t.Fatal("the task is not listed for its office")
	}

	if err := env.Engine.ClaimTask(ctx, "c_altro", task.ID, "anna"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("claiming the task from another body: %v", err)
	}
	if err := env.Engine.ClaimTask(ctx, env.Body, "nessuna-t1", "anna"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("claiming a task that does not exist: %v", err)
	}
	ok(t, env.Engine.ClaimTask(ctx, env.Body, task.ID, "anna"))
	if err := env.Engine.ClaimTask(ctx, env.Body, task.ID, "luca"); !errors.Is(err, runtime.ErrTaskAssigned) {
		t.Fatalf("claiming anna's task as luca: %v", err)
	}
	if err := env.Engine.CompleteTask(ctx, &runtime.CompleteTaskParams{Body: env.Body, TaskID: task.ID, Actor: "luca", Payload: json.RawMessage(`{"esito":"ok","motivazione":"x"}`)}); !errors.Is(err, runtime.ErrTaskAssigned) {
		t.Fatalf("completing anna's task as luca: %v", err)
	}
	ok(t, env.Engine.ReleaseTask(ctx, env.Body, task.ID, "anna"))
	ok(t, env.Engine.ClaimTask(ctx, env.Body, task.ID, "luca"))
	if err := env.Engine.ReassignTask(ctx, &runtime.ReassignTaskParams{Body: env.Body, TaskID: task.ID, Actor: "capo", To: "anna"}); err == nil {
		t.Fatal("reassignment without a reason accepted")
	}
	ok(t, env.Engine.ReassignTask(ctx, &runtime.ReassignTaskParams{Body: env.Body, TaskID: task.ID, Actor: "capo", To: "anna", Reason: "ferie"}))

	before := env.Instance(id)
	err = env.Engine.CompleteTask(ctx, &runtime.CompleteTaskParams{Body: env.Body, TaskID: task.ID, Actor: "anna", Payload: json.RawMessage(`{"esito":"ok"}`)})
	if fe := processtest.FieldErrors(t, err); len(fe) != 1 || fe[0].Pointer != "/motivazione" {
		t.Fatalf("field errors %v", fe)
	}
	if after := env.Instance(id); after.Version != before.Version {
		t.Fatal("a rejected payload changed the instance")
	}
	env.CompleteTask(id, "Istruttoria", "anna", map[string]any{"esito": "ok", "motivazione": "conforme"})
	env.AssertStatus(id, store.InstanceCompleted)

	var got []string
	for _, ev := range env.Events(id) {
		if strings.HasPrefix(string(ev.Type), "task-") {
			got = append(got, string(ev.Type)+":"+ev.Actor)
		}
	}
	want := []string{"task-created:citizen", "task-claimed:anna", "task-released:anna", "task-claimed:luca", "task-reassigned:capo", "task-completed:anna"}
	if !slices.Equal(got, want) {
		t.Fatalf("task history\n got %v\nwant %v", got, want)
	}
	re := env.EventsOf(id, runtime.EventTaskReassigned)[0]
	var rd runtime.TaskChanged
	ok(t, json.Unmarshal(re.Data, &rd))
	if rd.From != "luca" || rd.Assignee != "anna" || rd.Reason != "ferie" {
		t.Fatalf("reassignment data %+v", rd)
	}
	done, err := env.Store.GetTask(ctx, &store.GetTaskParams{Body: env.Body, ID: task.ID})
	ok(t, err)
	if done.Status != store.TaskCompleted || done.CompletedBy != "anna" {
		t.Fatalf("completed task %+v", done)
	}
}

func receiver(t testing.TB) *runtime.Definition {
	b := runtime.NewBuilder[runtime.JSON]("recv", "")
	b.StartEvent("S")
	b.ReceiveTask("Attesa", "integrazione", func(v *runtime.JSON) (string, error) { return (*v)["pratica"].(string), nil }).Suspends()
	b.EndEvent("E")
	b.Flow("f0", "S", "Attesa").Flow("f1", "Attesa", "E")
	return mustBuild(t, b)
}

func TestMessageBufferedBeforeAnyoneWaits(t *testing.T) {
	env := processtest.New(t)
	env.Deploy(receiver(t))
	res := env.Correlate("integrazione", "2026/9", map[string]any{"allegato": "planimetria.pdf"})
	if !res.Buffered {
		t.Fatalf("result %+v, want buffered", res)
	}
	id := env.Start("recv", map[string]any{"pratica": "2026/9"})
	env.AssertStatus(id, store.InstanceCompleted)
	var v map[string]any
	env.Vars(id, &v)
	if v["allegato"] != "planimetria.pdf" {
		t.Fatalf("the buffered payload was not merged: %v", v)
	}
	// A second instance with the same key does not get the same message.
	id2 := env.Start("recv", map[string]any{"pratica": "2026/9"})
	env.AssertWaitingAt(id2, "Attesa")
}

func TestBufferedMessageExpires(t *testing.T) {
	env := processtest.New(t)
	env.Deploy(receiver(t))
	env.Correlate("integrazione", "2026/10", nil) // TTL one hour
	env.Advance(2 * time.Hour)
	id := env.Start("recv", map[string]any{"pratica": "2026/10"})
	env.AssertWaitingAt(id, "Attesa")
	res := env.Correlate("integrazione", "2026/10", nil)
	if res.InstanceID != id {
		t.Fatalf("fresh message went to %q", res.InstanceID)
	}
	env.AssertStatus(id, store.InstanceCompleted)
}

func TestMessageStartEvent(t *testing.T) {
	b := runtime.NewBuilder[runtime.JSON]("pec", "")
	b.MessageStartEvent("Arrivo", "pec-in-arrivo")
	b.UserTask("Protocolla")
	b.EndEvent("E")
	b.Flow("f0", "Arrivo", "Protocolla").Flow("f1", "Protocolla", "E")
	env := processtest.New(t)
	env.Deploy(mustBuild(t, b))
	res := env.Correlate("pec-in-arrivo", "msg-1", map[string]any{"oggetto": "istanza"})
	if !res.Started || res.InstanceID == "" {
		t.Fatalf("result %+v", res)
	}
	env.AssertWaitingAt(res.InstanceID, "Protocolla")
}

func TestServiceRetriesThenIncident(t *testing.T) {
	env := processtest.New(t) // 3 attempts, backoff 1 s doubling
	fail := true
	env.Stub("ztl.verifica-targa", func(context.Context, *runtime.ServiceCall) error {
		if fail {
			return errors.New("ANPR non risponde")
		}
		return nil
	})
	env.Deploy(reference(t))
	id := env.Start("ztl-access", ztlVars{Targa: "AB123CD"})
	env.Advance(time.Second)
	env.Advance(2 * time.Second)
	calls := env.Calls("ztl.verifica-targa")
	if len(calls) != 3 {
		t.Fatalf("%d attempts, want 3", len(calls))
	}
	for i, c := range calls {
		if c.IdempotencyKey != calls[0].IdempotencyKey || c.Attempt != i+1 {
			t.Fatalf("attempt %d: key %q attempt %d; the key must be stable", i, c.IdempotencyKey, c.Attempt)
		}
	}
	inc, err := env.Engine.Incidents(context.Background(), env.Body)
	ok(t, err)
	if len(inc) != 1 || !strings.Contains(inc[0].LastError, "ANPR") || inc[0].ElementID != "Verifica" {
		t.Fatalf("incidents %+v", inc)
	}
	if n := len(env.EventsOf(id, runtime.EventIncident)); n != 1 {
		t.Fatalf("%d incident events", n)
	}
	env.AdvanceDays(1)
	if n := len(env.Calls("ztl.verifica-targa")); n != 3 {
		t.Fatalf("an incident was retried by itself (%d calls)", n)
	}
	fail = false
	ok(t, env.Engine.RetryIncident(context.Background(), env.Body, inc[0].ID, "operatore"))
	env.Settle()
	env.AssertStatus(id, store.InstanceCompleted)
	calls = env.Calls("ztl.verifica-targa")
	if last := calls[len(calls)-1]; last.IdempotencyKey != calls[0].IdempotencyKey {
		t.Fatal("the retried incident changed its idempotency key")
	}
}

func TestServiceBPMNErrorCaughtByBoundary(t *testing.T) {
	b := runtime.NewBuilder[runtime.JSON]("berr", "")
	b.StartEvent("S")
	b.ServiceTask("Verifica", "verifica")
	b.BoundaryError("NonValida", "Verifica", "TARGA_NON_VALIDA")
	b.EndEvent("E")
	b.EndEvent("Rifiuto")
	b.Flow("f0", "S", "Verifica").Flow("f1", "Verifica", "E").Flow("f2", "NonValida", "Rifiuto")
	env := processtest.New(t)
	env.Stub("verifica", func(context.Context, *runtime.ServiceCall) error {
		return &runtime.BPMNError{Code: "TARGA_NON_VALIDA", Message: "targa straniera"}
	})
	env.Deploy(mustBuild(t, b))
	id := env.Start("berr", nil)
	env.AssertStatus(id, store.InstanceCompleted)
	env.AssertPath(id, "S", "Verifica", "NonValida", "Rifiuto")
	if n := len(env.Calls("verifica")); n != 1 {
		t.Fatalf("a BPMN error was retried: %d calls", n)
	}
}

func TestDeployRefusesWhatCannotRun(t *testing.T) {
	env := processtest.New(t)
	_, err := env.Engine.Deploy(context.Background(), &runtime.DeployParams{Body: env.Body, Definition: reference(t)})
	var ue *runtime.UnsupportedError
	if !errors.As(err, &ue) || ue.Element != "Verifica" || !strings.Contains(err.Error(), "ztl.verifica-targa") {
		t.Fatalf("deploying without a handler: %v", err)
	}
}

func TestDefinitionErrorsNameTheElement(t *testing.T) {
	tests := []struct {
		name    string
		build   func(b *runtime.Builder[runtime.JSON])
		element string
		msg     string
	}{
		{"flow to nowhere", func(b *runtime.Builder[runtime.JSON]) { b.Flow("F9", "S", "Nope") }, "F9", "does not exist"},
		{"duplicate id", func(b *runtime.Builder[runtime.JSON]) { b.EndEvent("E") }, "E", "duplicate"},
		{"bad timer", func(b *runtime.Builder[runtime.JSON]) {
			b.TimerCatchEvent("T", runtime.TimerSpec{Duration: "30 giorni"})
			b.Flow("ft", "S", "T")
		}, "T", "ISO 8601"},
		{"boundary on a gateway", func(b *runtime.Builder[runtime.JSON]) {
			b.ExclusiveGateway("G")
			b.BoundaryTimer("BT", "G", runtime.TimerSpec{Duration: "P1D"}, true)
			b.Flow("fg", "S", "G").Flow("fg2", "G", "E").Flow("fbt", "BT", "E")
		}, "BT", "attach to activities"},
		{"unconditional flow from xor", func(b *runtime.Builder[runtime.JSON]) {
			b.ExclusiveGateway("X")
			b.Flow("x0", "S", "X").Flow("x1", "X", "E").Flow("x2", "X", "E")
		}, "x1", "default flow"},
		{"service without type", func(b *runtime.Builder[runtime.JSON]) {
			b.ServiceTask("Svc", "")
			b.Flow("s0", "S", "Svc")
		}, "Svc", "procedo:type"},
		{"error boundary not interrupting", func(b *runtime.Builder[runtime.JSON]) {
			b.UserTask("U")
			b.Node(&runtime.Node{ID: "EB", Kind: runtime.BoundaryEvent, AttachedTo: "U", IsError: true})
			b.Flow("u0", "S", "U").Flow("u1", "EB", "E")
		}, "EB", "always interrupting"},
		{"event gateway to a task", func(b *runtime.Builder[runtime.JSON]) {
			b.EventBasedGateway("EG")
			b.UserTask("U2")
			b.TimerCatchEvent("T2", runtime.TimerSpec{Duration: "P1D"})
			b.Flow("e0", "S", "EG").Flow("e1", "EG", "U2").Flow("e2", "EG", "T2")
		}, "e1", "event-based gateway"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := runtime.NewBuilder[runtime.JSON]("p", "")
			b.StartEvent("S")
			b.EndEvent("E")
			b.Flow("f0", "S", "E")
			tt.build(b)
			_, err := b.Build()
			var des runtime.DefinitionErrors
			if !errors.As(err, &des) {
				t.Fatalf("got %v, want DefinitionErrors", err)
			}
			for _, de := range des {
				if de.Element == tt.element && strings.Contains(de.Msg, tt.msg) {
					return
				}
			}
			t.Fatalf("no error at %s containing %q in:\n%v", tt.element, tt.msg, err)
		})
	}
}

func TestDocumentsAreVersionedInHistory(t *testing.T) {
	env := processtest.New(t)
	env.Deploy(receiver(t))
	id := env.Start("recv", map[string]any{"pratica": "2026/3"})
	ctx := context.Background()
	for i, content := range []string{"v1", "v2 integrata"} {
		d, err := env.Engine.AddDocument(ctx, &runtime.AddDocumentParams{Body: env.Body, InstanceID: id, Name: "domanda.pdf", MediaType: "application/pdf", Content: []byte(content), Actor: "citizen"})
		ok(t, err)
		if d.Version != i+1 || d.SHA256 != store.Digest([]byte(content)) {
			t.Fatalf("document %+v", d)
		}
	}
	evs := env.EventsOf(id, runtime.EventDocumentAdded)
	if len(evs) != 2 || !strings.Contains(string(evs[1].Data), `"version":2`) || evs[1].Actor != "citizen" {
		t.Fatalf("document events %v", evs)
	}
}

func TestCancelByOperator(t *testing.T) {
	env := processtest.New(t)
	env.Deploy(receiver(t))
	id := env.Start("recv", map[string]any{"pratica": "2026/4"})
	ok(t, env.Engine.Cancel(context.Background(), env.Body, id, "admin", "domanda ritirata"))
	env.AssertStatus(id, store.InstanceTerminated)
	if res := env.Correlate("integrazione", "2026/4", nil); res.InstanceID != "" {
		t.Fatal("a cancelled instance received a message")
	}
}

func TestApplicationNumbers(t *testing.T) {
	env := processtest.New(t, processtest.Options{Start: time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)})
	ctx := context.Background()
	var got []string
	for range 2 {
		n, err := env.Engine.ApplicationNumber(ctx, env.Body, "ztl")
		ok(t, err)
		got = append(got, n)
	}
	// 23:30 UTC on 31 December is already 2027 in Rome.
	if !slices.Equal(got, []string{"2027/000001", "2027/000002"}) {
		t.Fatalf("numbers %v", got)
	}
}

func TestInterruptingMessageBoundaryAndCallActivityCancellation(t *testing.T) {
	child := runtime.NewBuilder[runtime.JSON]("verifica", "")
	child.StartEvent("CS")
	child.UserTask("Sopralluogo")
	child.EndEvent("CE")
	child.Flow("c0", "CS", "Sopralluogo").Flow("c1", "Sopralluogo", "CE")

	b := runtime.NewBuilder[runtime.JSON]("domanda", "")
	b.StartEvent("S")
	b.CallActivity("Verifica", "verifica")
	b.BoundaryMessage("Ritiro", "Verifica", "ritiro", func(v *runtime.JSON) (string, error) { return (*v)["pratica"].(string), nil }, true)
	b.EndEvent("E")
	b.EndEvent("Ritirata")
	b.Flow("f0", "S", "Verifica").Flow("f1", "Verifica", "E").Flow("f2", "Ritiro", "Ritirata")
	env := processtest.New(t)
	env.Deploy(mustBuild(t, child), mustBuild(t, b))
	id := env.Start("domanda", map[string]any{"pratica": "2026/5"})
	kids := env.Children(id)
	if len(kids) != 1 {
		t.Fatalf("%d children", len(kids))
	}
	env.AssertWaitingAt(kids[0].ID, "Sopralluogo")
	res := env.Correlate("ritiro", "2026/5", nil)
	if res.InstanceID != id {
		t.Fatalf("withdrawal went to %q", res.InstanceID)
	}
	env.AssertStatus(id, store.InstanceCompleted)
	env.AssertPath(id, "S", "Verifica", "Ritiro", "Ritirata")
	env.AssertStatus(kids[0].ID, store.InstanceTerminated)
	if ts := env.Tasks(kids[0].ID); len(ts) != 0 {
		t.Fatal("the called instance's task is still open")
	}
	subs, _ := env.Store.FindSubscriptions(context.Background(), &store.FindSubscriptionsParams{Body: env.Body, Name: "ritiro", CorrelationKey: "2026/5"})
	if len(subs) != 0 {
		t.Fatal("the consumed subscription of an interrupting boundary is still there")
	}
}

func TestErrorFromCalledProcessReachesTheCallActivity(t *testing.T) {
	child := runtime.NewBuilder[runtime.JSON]("pagamento", "")
	child.StartEvent("CS")
	child.ErrorEndEvent("CErr", "PAGAMENTO_RIFIUTATO")
	child.Flow("c0", "CS", "CErr")
	b := runtime.NewBuilder[runtime.JSON]("domanda", "")
	b.StartEvent("S")
	b.CallActivity("Paga", "pagamento")
	b.BoundaryError("Rifiutato", "Paga", "PAGAMENTO_RIFIUTATO")
	b.EndEvent("E")
	b.EndEvent("Annullata")
	b.Flow("f0", "S", "Paga").Flow("f1", "Paga", "E").Flow("f2", "Rifiutato", "Annullata")
	env := processtest.New(t)
	env.Deploy(mustBuild(t, child), mustBuild(t, b))
	id := env.Start("domanda", nil)
	env.AssertStatus(id, store.InstanceCompleted)
	env.AssertPath(id, "S", "Paga", "Rifiutato", "Annullata")
	env.AssertStatus(env.Children(id)[0].ID, store.InstanceFailed)
}

// countingCodec is a hand-written codec, as generated code may provide.
type countingCodec struct{ decodes *int }

func (c countingCodec) Decode(data []byte) (runtime.Vars, error) {
	*c.decodes++
	v := &ztlVars{}
	if len(data) > 0 {
		if err := json.Unmarshal(data, v); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (countingCodec) Encode(v runtime.Vars) ([]byte, error) { return json.Marshal(v) }

func (countingCodec) Merge(v runtime.Vars, patch json.RawMessage) error {
	if len(patch) == 0 {
		return nil
	}
	return json.Unmarshal(patch, v)
}

func TestBuilderWithCustomCodec(t *testing.T) {
	decodes := 0
	b := runtime.NewBuilder[ztlVars]("codec", "").Codec(countingCodec{&decodes})
	b.StartEvent("S")
	b.UserTask("U")
	b.EndEvent("E")
	b.Flow("f0", "S", "U").Flow("f1", "U", "E")
	env := processtest.New(t)
	env.Deploy(mustBuild(t, b))
	id := env.Start("codec", ztlVars{Targa: "AB123CD"})
	env.CompleteTask(id, "U", "anna", map[string]any{"esito": "ok"})
	env.AssertStatus(id, store.InstanceCompleted)
	var v ztlVars
	env.Vars(id, &v)
	if decodes < 2 || v.Targa != "AB123CD" || v.Esito != "ok" {
		t.Fatalf("decodes %d, vars %+v", decodes, v)
	}
}
