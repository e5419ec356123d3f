package processtest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/processtest"
)

// TestThirtyDayProcedure shows a scenario test: a month passes in a
// millisecond, a reminder goes out, the legal term is overrun.
func TestThirtyDayProcedure(t *testing.T) {
	b := runtime.NewBuilder[runtime.JSON]("scia", "SCIA").Term("P30D")
	b.StartEvent("Start")
	b.UserTask("Istruttoria").Offices("suap")
	b.BoundaryTimer("Promemoria", "Istruttoria", runtime.TimerSpec{Duration: "P20D"}, false)
	b.SendTask("Sollecito", "notifica.pec")
	b.EndEvent("FineSollecito")
	b.EndEvent("Fine")
	b.Flow("f0", "Start", "Istruttoria").Flow("f1", "Istruttoria", "Fine").
		Flow("f2", "Promemoria", "Sollecito").Flow("f3", "Sollecito", "FineSollecito")
	def, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}

	env := processtest.New(t)
	env.StubVars("notifica.pec", map[string]any{"sollecitato": true})
	env.Deploy(def)
	id := env.Start("scia", map[string]any{"richiedente": "Mario Rossi"})
	env.AdvanceDays(31) // the last day of the term was 1 April
	if n := len(env.Calls("notifica.pec")); n != 1 {
		t.Fatalf("reminder sent %d times", n)
	}
	env.CompleteTask(id, "Istruttoria", "anna", map[string]any{"esito": "accolta"})
	env.AssertPath(id, "Start", "Istruttoria", "Promemoria", "Sollecito", "FineSollecito", "Fine")
	term, err := env.Engine.Term(context.Background(), env.Body, id)
	if err != nil || !term.Breached {
		t.Fatalf("term %+v, %v: completed after 31 days, the term is overrun", term, err)
	}
}

func ExampleEnv() {
	t := &testing.T{} // in a real test, the *testing.T of the test
	b := runtime.NewBuilder[runtime.JSON]("hello", "")
	b.StartEvent("S")
	b.UserTask("Review")
	b.EndEvent("E")
	b.Flow("f0", "S", "Review").Flow("f1", "Review", "E")
	def, _ := b.Build()

	env := processtest.New(t)
	env.Deploy(def)
	id := env.Start("hello", nil)
	fmt.Println(env.WaitingAt(id))
	env.CompleteTask(id, "Review", "anna", map[string]any{"ok": true})
	fmt.Println(env.Path(id), env.Instance(id).Status)
	// Output:
	// [Review]
	// [S Review E] completed
}
