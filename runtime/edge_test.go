package runtime_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/processtest"
	"github.com/procedo/procedo/runtime/store"
)

func TestNonInterruptingMessageBoundaryFiresEachTime(t *testing.T) {
	b := runtime.NewBuilder[runtime.JSON]("sol", "")
	b.StartEvent("S")
	b.UserTask("Istruttoria")
	b.BoundaryMessage("Sollecito", "Istruttoria", "sollecito", func(v *runtime.JSON) (string, error) { return (*v)["pratica"].(string), nil }, false)
	b.ScriptTask("Conta", func(v *runtime.JSON) error {
		n, _ := (*v)["solleciti"].(float64)
		(*v)["solleciti"] = n + 1
		return nil
	})
	b.EndEvent("E")
	b.EndEvent("E2")
	b.Flow("f0", "S", "Istruttoria").Flow("f1", "Istruttoria", "E").Flow("f2", "Sollecito", "Conta").Flow("f3", "Conta", "E2")
	env := processtest.New(t)
	env.Deploy(mustBuild(t, b))
	id := env.Start("sol", map[string]any{"pratica": "2026/8"})
	for range 3 {
		if res := env.Correlate("sollecito", "2026/8", nil); res.InstanceID != id {
			t.Fatalf("reminder went to %q", res.InstanceID)
		}
	}
	env.AssertWaitingAt(id, "Istruttoria")
	var v map[string]any
	env.Vars(id, &v)
	if v["solleciti"] != float64(3) {
		t.Fatalf("solleciti = %v, want 3", v["solleciti"])
	}
	env.CompleteTask(id, "Istruttoria", "anna", nil)
	env.AssertStatus(id, store.InstanceCompleted)
	if subs, _ := env.Store.FindSubscriptions(context.Background(), &store.FindSubscriptionsParams{Body: env.Body, Name: "sollecito", CorrelationKey: "2026/8"}); len(subs) != 0 {
		t.Fatal("the boundary subscription outlived its activity")
	}
}

func TestInterruptingTimerOnSubProcessCancelsEverythingInside(t *testing.T) {
	b := runtime.NewBuilder[runtime.JSON]("sub", "")
	b.StartEvent("S")
	b.SubProcess("Istruttoria")
	b.StartEvent("IS").In("Istruttoria")
	b.ParallelGateway("IF").In("Istruttoria")
	b.UserTask("Verifica").In("Istruttoria")
	b.ServiceTask("Richiesta", "pareri").In("Istruttoria")
	b.TimerCatchEvent("Attesa", runtime.TimerSpec{Duration: "P60D"}).In("Istruttoria")
	b.EndEvent("IE").In("Istruttoria")
	b.BoundaryTimer("Scadenza", "Istruttoria", runtime.TimerSpec{Duration: "P30D"}, true)
	b.EndEvent("E")
	b.EndEvent("Silenzio")
	b.Flow("f0", "S", "Istruttoria").Flow("f1", "Istruttoria", "E").Flow("f2", "Scadenza", "Silenzio")
	b.Flow("i0", "IS", "IF").Flow("i1", "IF", "Verifica").Flow("i2", "IF", "Richiesta").Flow("i3", "IF", "Attesa").
		Flow("i4", "Verifica", "IE").Flow("i5", "Richiesta", "IE").Flow("i6", "Attesa", "IE")
	env := processtest.New(t)
	env.Stub("pareri", func(context.Context, *runtime.ServiceCall) error { return context.DeadlineExceeded })
	env.Deploy(mustBuild(t, b))
	id := env.Start("sub", nil)
	env.AssertWaitingAt(id, "Verifica", "Richiesta", "Attesa")
	env.AdvanceDays(30)
	env.AssertStatus(id, store.InstanceCompleted)
	env.AssertVisited(id, "Scadenza", "Silenzio")
	env.AssertNotVisited(id, "IE", "E")
	jobs, _ := env.Store.ListJobs(context.Background(), &store.ListJobsParams{Body: env.Body})
	for _, j := range jobs {
		if j.Status == store.JobPending {
			t.Fatalf("job %s (%s) still pending after the sub-process was interrupted", j.ID, j.ElementID)
		}
	}
	env.AdvanceDays(60)
	env.AssertNotVisited(id, "IE")
}

func TestEventGatewayWithReceiveTask(t *testing.T) {
	b := runtime.NewBuilder[runtime.JSON]("eg", "")
	b.StartEvent("S")
	b.EventBasedGateway("G")
	b.ReceiveTask("Pagamento", "pagato", func(v *runtime.JSON) (string, error) { return (*v)["iuv"].(string), nil })
	b.MessageCatchEvent("Rinuncia", "rinuncia", func(v *runtime.JSON) (string, error) { return (*v)["iuv"].(string), nil })
	b.TimerCatchEvent("Scaduto", runtime.TimerSpec{Date: "2026-06-30T23:59:59+02:00"})
	b.EndEvent("E1")
	b.EndEvent("E2")
	b.EndEvent("E3")
	b.Flow("f0", "S", "G").Flow("a", "G", "Pagamento").Flow("b", "G", "Rinuncia").Flow("c", "G", "Scaduto").
		Flow("a1", "Pagamento", "E1").Flow("b1", "Rinuncia", "E2").Flow("c1", "Scaduto", "E3")
	env := processtest.New(t)
	env.Deploy(mustBuild(t, b))
	paid := env.Start("eg", map[string]any{"iuv": "001"})
	env.Correlate("pagato", "001", map[string]any{"importo": 50})
	env.AssertPath(paid, "S", "G", "Pagamento", "E1")
	late := env.Start("eg", map[string]any{"iuv": "002"})
	env.AdvanceTo(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC))
	env.AssertPath(late, "S", "G", "Scaduto", "E3")
	if res := env.Correlate("rinuncia", "002", nil); res.InstanceID != "" {
		t.Fatal("a message reached a gateway that was already decided")
	}
}

func TestInclusiveJoinAfterLoopAndParallelInside(t *testing.T) {
	// Split → A (user task, may loop back on itself) and B; join waits for
	// the loop to finish.
	b := runtime.NewBuilder[runtime.JSON]("orl", "")
	b.StartEvent("S")
	b.InclusiveGateway("Split")
	b.UserTask("A")
	b.ExclusiveGateway("Again").Default("done")
	b.UserTask("B")
	b.InclusiveGateway("Join")
	b.EndEvent("E")
	b.Flow("f0", "S", "Split").Flow("fa", "Split", "A").Flow("fb", "Split", "B").Flow("a1", "A", "Again").
		Flow("done", "Again", "Join").Flow("b1", "B", "Join").Flow("fe", "Join", "E")
	b.FlowIf("loop", "Again", "A", "ancora", func(v *runtime.JSON) (bool, error) { return (*v)["ancora"] == true, nil })
	env := processtest.New(t)
	env.Deploy(mustBuild(t, b))
	id := env.Start("orl", nil)
	env.CompleteTask(id, "B", "anna", nil)
	env.AssertWaitingAt(id, "A", "Join")
	env.CompleteTask(id, "A", "anna", map[string]any{"ancora": true})
	env.AssertWaitingAt(id, "A", "Join")
	env.CompleteTask(id, "A", "anna", map[string]any{"ancora": false})
	env.AssertStatus(id, store.InstanceCompleted)
	if env.Visits(id, "E") != 1 || env.Visits(id, "A") != 2 {
		t.Fatalf("path %v", env.Path(id))
	}
}

func TestConditionErrorInAJobBecomesAnIncident(t *testing.T) {
	b := runtime.NewBuilder[runtime.JSON]("cerr", "")
	b.StartEvent("S")
	b.ServiceTask("Calcolo", "calcolo")
	b.ExclusiveGateway("G").Default("no")
	b.EndEvent("E1")
	b.EndEvent("E2")
	b.Flow("f0", "S", "Calcolo").Flow("f1", "Calcolo", "G").Flow("no", "G", "E2")
	b.FlowIf("si", "G", "E1", "importo > 100", func(v *runtime.JSON) (bool, error) {
		n, ok := (*v)["importo"].(float64)
		if !ok {
			return false, context.Canceled // stands for a CEL type error
		}
		return n > 100, nil
	})
	env := processtest.New(t)
	env.Stub("calcolo", func(_ context.Context, c *runtime.ServiceCall) error {
		(*c.Vars.(*runtime.JSON))["importo"] = "molto"
		return nil
	})
	env.Deploy(mustBuild(t, b))
	id := env.Start("cerr", nil)
	env.Advance(time.Minute)
	inc, err := env.Engine.Incidents(context.Background(), env.Body)
	ok(t, err)
	if len(inc) != 1 || inc[0].ElementID != "Calcolo" {
		t.Fatalf("incidents %+v", inc)
	}
	env.AssertWaitingAt(id, "Calcolo")
	if len(env.Calls("calcolo")) != 3 {
		t.Fatalf("%d calls", len(env.Calls("calcolo")))
	}
}

func TestPanickingScriptIsAnErrorNotACrash(t *testing.T) {
	b := runtime.NewBuilder[runtime.JSON]("panic", "")
	b.StartEvent("S")
	b.ScriptTask("Boom", func(v *runtime.JSON) error {
		items := (*v)["items"].([]any) // absent: the type assertion panics
		_ = items
		return nil
	})
	b.EndEvent("E")
	b.Flow("f0", "S", "Boom").Flow("f1", "Boom", "E")
	env := processtest.New(t)
	env.Deploy(mustBuild(t, b))
	_, err := env.TryStart("panic", nil)
	var se *runtime.StepError
	if !errors.As(err, &se) || se.Element != "Boom" {
		t.Fatalf("got %v, want a StepError at Boom", err)
	}
}

func TestTimerStartEvent(t *testing.T) {
	build := func(cycle string) *runtime.Definition {
		b := runtime.NewBuilder[runtime.JSON]("report", "")
		b.TimerStartEvent("Ogni", runtime.TimerSpec{Cycle: cycle})
		b.UserTask("Controllo")
		b.EndEvent("E")
		b.Flow("f0", "Ogni", "Controllo").Flow("f1", "Controllo", "E")
		return mustBuild(t, b)
	}
	env := processtest.New(t)
	v1 := build("R3/P7D")
	env.Deploy(v1)
	env.Deploy(v1) // the same version again arms nothing more
	count := func() int {
		ins, _ := env.Store.ListInstances(context.Background(), &store.ListInstancesParams{Body: env.Body, ProcessKey: "report"})
		n := 0
		for _, in := range ins {
			if in.BusinessKey != "timer-start" {
				n++
			}
		}
		return n
	}
	env.AdvanceDays(6)
	if n := count(); n != 0 {
		t.Fatalf("%d instances before the first firing", n)
	}
	env.AdvanceDays(1)
	if n := count(); n != 1 {
		t.Fatalf("%d instances after a week, want 1", n)
	}
	// A new version replaces the timer of the old one, which had two
	// firings left.
	env.Deploy(build("R/P1D"))
	env.AdvanceDays(14)
	if n := count(); n != 1+14 {
		t.Fatalf("%d instances two weeks after v2, want 15 (v1's timer must stop)", n)
	}
	ins, _ := env.Store.ListInstances(context.Background(), &store.ListInstancesParams{Body: env.Body, ProcessKey: "report", Status: store.InstanceActive})
	keepers := 0
	for _, in := range ins {
		if in.BusinessKey == "timer-start" {
			keepers++
		}
	}
	if keepers != 1 {
		t.Fatalf("%d active timer keepers, want the new version's only", keepers)
	}
}
