package runtime_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/runtime/store/storemem"
)

// TestStartTakesItsNumber: a start with a Register numbers its instance
// in the transaction that creates it. The same id again takes no number
// and says so (StartOnce); a start refused by its form takes none; a
// first step that hands the business key on (here to a called process)
// has its number taken before the step, and the child gets it.
func TestStartTakesItsNumber(t *testing.T) {
	ctx := context.Background()
	st := storemem.New()
	e, err := runtime.New(runtime.Options{Store: st, Clock: fixedClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ok(t, err)
	b := runtime.NewBuilder[runtime.JSON]("domanda", "")
	b.StartEvent("S")
	b.UserTask("Istruttoria").Offices("Ambiente")
	b.EndEvent("E")
	b.Flow("f0", "S", "Istruttoria").Flow("f1", "Istruttoria", "E")
	child := runtime.NewBuilder[runtime.JSON]("figlio", "")
	child.StartEvent("CS")
	child.UserTask("Attesa").Offices("Ambiente")
	child.EndEvent("CE")
	child.Flow("c0", "CS", "Attesa").Flow("c1", "Attesa", "CE")
	parent := runtime.NewBuilder[runtime.JSON]("padre", "")
	parent.StartEvent("PS")
	parent.CallActivity("Chiama", "figlio")
	parent.EndEvent("PE")
	parent.Flow("p0", "PS", "Chiama").Flow("p1", "Chiama", "PE")
	for _, d := range []*runtime.Definition{mustBuild(t, b), mustBuild(t, child), mustBuild(t, parent)} {
		_, err := e.Deploy(ctx, &runtime.DeployParams{Body: "c_a", Definition: d})
		ok(t, err)
	}
	number := func(n int64) string { return store.FormatNumber(2026, n) }
	start := func(id string) (*store.Instance, bool) {
		t.Helper()
		in, created, err := e.StartOnce(ctx, &runtime.StartParams{Body: "c_a", ProcessKey: "domanda", ID: id, Register: "domanda", BusinessKey: "ignored"})
		ok(t, err)
		return in, created
	}
	startedKey := func(id string) string {
		t.Helper()
		evs, err := st.ListEvents(ctx, &store.ListEventsParams{Body: "c_a", InstanceID: id})
		ok(t, err)
		var s runtime.Started
		if len(evs) == 0 || evs[0].Type != runtime.EventStarted || json.Unmarshal(evs[0].Data, &s) != nil {
			t.Fatalf("%s: no started event", id)
		}
		return s.BusinessKey
	}
	a, created := start("a")
	if !created || a.BusinessKey != number(1) || startedKey("a") != number(1) {
		t.Fatalf("a: created %v, business key %q, started event %q; want %s", created, a.BusinessKey, startedKey("a"), number(1))
	}
	again, created := start("a")
	if created || again.BusinessKey != number(1) {
		t.Fatalf("a again: created %v, business key %q; want the existing %s", created, again.BusinessKey, number(1))
	}
	_, err = e.Start(ctx, &runtime.StartParams{Body: "c_a", ProcessKey: "domanda", ID: "bad", Register: "domanda", Vars: json.RawMessage(`[1]`)})
	if err == nil {
		t.Fatal("a start with an array for variables was accepted")
	}
	bIn, _ := start("b")
	if bIn.BusinessKey != number(2) {
		t.Fatalf("b: business key %q, want %s (no gap)", bIn.BusinessKey, number(2))
	}
	// The register is the one ApplicationNumber uses.
	if n, err := e.ApplicationNumber(ctx, "c_a", "domanda"); err != nil || n != number(3) {
		t.Fatalf("ApplicationNumber after two numbered starts: %q, %v; want %s", n, err, number(3))
	}
	// A first step that starts a child: the child has the number too.
	p, err := e.Start(ctx, &runtime.StartParams{Body: "c_a", ProcessKey: "padre", ID: "p", Register: "domanda"})
	ok(t, err)
	if p.BusinessKey != number(4) || startedKey("p") != number(4) {
		t.Fatalf("parent: business key %q, started %q; want %s", p.BusinessKey, startedKey("p"), number(4))
	}
	kids, err := st.ListInstances(ctx, &store.ListInstancesParams{Body: "c_a", ProcessKey: "figlio"})
	ok(t, err)
	if len(kids) != 1 || kids[0].BusinessKey != number(4) {
		t.Fatalf("children %+v, want one with business key %s", kids, number(4))
	}
	for _, in := range []*store.Instance{a, bIn, p, kids[0]} {
		if strings.Contains(in.BusinessKey, store.NumberPlaceholder) {
			t.Fatalf("%s kept the placeholder", in.ID)
		}
	}
}

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }
