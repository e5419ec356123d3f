package runtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/processtest"
	"github.com/procedo/procedo/runtime/store"
)

var rome, _ = time.LoadLocation("Europe/Rome")

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, rome) }

// integrazione is a procedure with a 30-day legal term and a request for
// integration that suspends it.
func integrazione(t testing.TB) *runtime.Definition {
	b := runtime.NewBuilder[runtime.JSON]("scia", "SCIA").Term("P30D")
	b.StartEvent("S")
	b.UserTask("Istruttoria")
	b.ExclusiveGateway("Completa").Default("no")
	b.ReceiveTask("Integrazione", "integrazione", func(v *runtime.JSON) (string, error) { return (*v)["pratica"].(string), nil }).Suspends()
	b.UserTask("Decisione")
	b.EndEvent("E")
	b.Flow("f0", "S", "Istruttoria").Flow("f1", "Istruttoria", "Completa").Flow("no", "Completa", "Integrazione").
		Flow("f3", "Integrazione", "Decisione").Flow("f4", "Decisione", "E")
	b.FlowIf("si", "Completa", "Decisione", "completa", func(v *runtime.JSON) (bool, error) { return (*v)["completa"] == true, nil })
	return mustBuild(t, b)
}

func term(t *testing.T, env *processtest.Env, id string) *runtime.TermStatus {
	t.Helper()
	s, err := env.Engine.Term(context.Background(), env.Body, id)
	ok(t, err)
	if s == nil {
		t.Fatal("no term")
	}
	return s
}

func TestLegalTermStopsWhileSuspendedAndResumes(t *testing.T) {
	env := processtest.New(t) // Monday 2 March 2026, 09:00 in Rome
	env.Deploy(integrazione(t))
	id := env.Start("scia", map[string]any{"pratica": "2026/77"})
	s := term(t, env, id)
	if s.Days != 30 || !s.Due.Equal(day(2026, 4, 1)) || s.Remaining != 30 || s.Suspended {
		t.Fatalf("at start: %+v, want 30 days due 1 April 2026", s)
	}
	env.AdvanceDays(10) // 12 March
	env.CompleteTask(id, "Istruttoria", "anna", map[string]any{"completa": false})
	s = term(t, env, id)
	if !s.Suspended || s.Remaining != 20 {
		t.Fatalf("suspended: %+v, want 20 days left, frozen", s)
	}
	env.AdvanceDays(15) // 27 March: the citizen answers
	if s := term(t, env, id); s.Remaining != 20 {
		t.Fatalf("remaining moved while suspended: %d", s.Remaining)
	}
	env.Correlate("integrazione", "2026/77", map[string]any{"allegato": "planimetria.pdf"})
	s = term(t, env, id)
	if s.Suspended || s.Remaining != 20 || !s.Due.Equal(day(2026, 4, 16)) {
		t.Fatalf("resumed: %+v, want 20 days left, due 16 April 2026", s)
	}
	sus, res := env.EventsOf(id, runtime.EventSuspended), env.EventsOf(id, runtime.EventResumed)
	if len(sus) != 1 || len(res) != 1 || !strings.Contains(string(res[0].Data), "2026-04-16") {
		t.Fatalf("suspension events %v %v", sus, res)
	}
	if got := res[0].Time.Sub(sus[0].Time); got != 15*24*time.Hour {
		t.Fatalf("suspension lasted %v, want 15 days", got)
	}
	// The term has not passed on its last day, and has the day after.
	env.AdvanceTo(day(2026, 4, 16).Add(23 * time.Hour))
	if n := len(env.EventsOf(id, runtime.EventTermBreached)); n != 0 {
		t.Fatal("breach recorded on the last day of the term")
	}
	env.AdvanceTo(day(2026, 4, 17).Add(time.Hour))
	if n := len(env.EventsOf(id, runtime.EventTermBreached)); n != 1 {
		t.Fatalf("%d breach events the day after the term, want 1", n)
	}
	if s := term(t, env, id); !s.Breached || s.Remaining != -1 {
		t.Fatalf("after the term: %+v", s)
	}
	env.CompleteTask(id, "Decisione", "capo", nil)
	env.AssertStatus(id, store.InstanceCompleted)
}

func TestLegalTermCompletedInTimeLeavesNoJob(t *testing.T) {
	env := processtest.New(t)
	env.Deploy(integrazione(t))
	id := env.Start("scia", map[string]any{"pratica": "2026/78", "completa": true})
	env.CompleteTask(id, "Istruttoria", "anna", nil)
	env.CompleteTask(id, "Decisione", "capo", nil)
	env.AssertStatus(id, store.InstanceCompleted)
	jobs, _ := env.Store.ListJobs(context.Background(), &store.ListJobsParams{Body: env.Body})
	if len(jobs) != 0 {
		t.Fatalf("%d jobs left: the breach timer must go with the instance", len(jobs))
	}
	env.AdvanceDays(60)
	if n := len(env.EventsOf(id, runtime.EventTermBreached)); n != 0 {
		t.Fatal("a completed case was recorded as late")
	}
}

func TestLegalTermMovesOffSundaysAndHolidays(t *testing.T) {
	tests := []struct {
		name  string
		start time.Time
		due   time.Time
	}{
		{name: "ordinary weekday", start: day(2026, 3, 2).Add(9 * time.Hour), due: day(2026, 4, 1)},
		{name: "falls on Easter Monday", start: day(2026, 3, 7).Add(9 * time.Hour), due: day(2026, 4, 7)},
		{name: "falls on Easter Sunday, then Monday", start: day(2026, 3, 6).Add(9 * time.Hour), due: day(2026, 4, 7)},
		{name: "falls on a Sunday", start: day(2026, 4, 17).Add(9 * time.Hour), due: day(2026, 5, 18)},
		{name: "falls on 2 June", start: day(2026, 5, 3).Add(9 * time.Hour), due: day(2026, 6, 3)},
		{name: "falls on Christmas then St Stephen", start: day(2026, 11, 25).Add(9 * time.Hour), due: day(2026, 12, 28)},
		{name: "started late evening counts from the Rome date", start: day(2026, 3, 2).Add(23*time.Hour + 30*time.Minute), due: day(2026, 4, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := processtest.New(t, processtest.Options{Start: tt.start})
			env.Deploy(integrazione(t))
			id := env.Start("scia", map[string]any{"pratica": "x"})
			if s := term(t, env, id); !s.Due.Equal(tt.due) {
				t.Fatalf("due %s, want %s", s.Due.Format(time.DateOnly), tt.due.Format(time.DateOnly))
			}
		})
	}
}

func TestCalendar(t *testing.T) {
	cal := &runtime.Calendar{Location: rome, Extra: []runtime.MonthDay{{Month: time.June, Day: 29}}}
	tests := []struct {
		date    time.Time
		holiday bool
	}{
		{day(2026, 4, 6), true},    // Easter Monday 2026
		{day(2027, 3, 29), true},   // Easter Monday 2027
		{day(2026, 4, 7), false},   // Tuesday after
		{day(2026, 6, 29), true},   // patron saint (extra)
		{day(2026, 10, 4), true},   // St Francis, national holiday from 2026 (a Sunday anyway)
		{day(2027, 10, 4), true},   // St Francis on a Monday
		{day(2025, 10, 4), false},  // not yet in 2025 (a Saturday)
		{day(2026, 3, 8), true},    // Sunday
		{day(2026, 3, 7), false},   // Saturday is a working day for terms
		{day(2026, 8, 15), true},   // Ferragosto
		{day(2026, 12, 26), true},  // St Stephen
		{day(2026, 12, 24), false}, // Christmas Eve
	}
	for _, tt := range tests {
		if got := cal.IsHoliday(tt.date); got != tt.holiday {
			t.Errorf("IsHoliday(%s) = %v, want %v", tt.date.Format("Mon 2006-01-02"), got, tt.holiday)
		}
	}
	// Across the change to summer time (29 March 2026) a day is a day.
	if n := cal.DaysBetween(day(2026, 3, 28).Add(10*time.Hour), day(2026, 3, 30)); n != 2 {
		t.Fatalf("DaysBetween across DST = %d, want 2", n)
	}
}

func twoVersions(t testing.TB) (*runtime.Definition, *runtime.Definition) {
	v1 := runtime.NewBuilder[runtime.JSON]("permesso", "")
	v1.StartEvent("S")
	v1.UserTask("Esame")
	v1.EndEvent("E")
	v1.Flow("f0", "S", "Esame").Flow("f1", "Esame", "E")
	v2 := runtime.NewBuilder[runtime.JSON]("permesso", "")
	v2.StartEvent("S")
	v2.UserTask("EsameTecnico")
	v2.UserTask("Firma")
	v2.ServiceTask("Protocollo", "protocollo")
	v2.EndEvent("E")
	v2.Flow("f0", "S", "EsameTecnico").Flow("f1", "EsameTecnico", "Firma").Flow("f2", "Firma", "Protocollo").Flow("f3", "Protocollo", "E")
	return mustBuild(t, v1), mustBuild(t, v2)
}

func TestVersionsAndMigration(t *testing.T) {
	env := processtest.New(t)
	env.Stub("protocollo", func(context.Context, *runtime.ServiceCall) error { return nil })
	v1, v2 := twoVersions(t)
	env.Deploy(v1)
	old := env.Start("permesso", nil)
	env.Deploy(v2)
	deps, _ := env.Store.ListDeployments(context.Background(), &store.ListDeploymentsParams{Body: env.Body, ProcessKey: "permesso"})
	if len(deps) != 2 || deps[0].Hash != v1.Hash || deps[1].Version != 2 {
		t.Fatalf("deployments %+v", deps)
	}
	fresh := env.Start("permesso", nil)
	if env.Instance(old).DefinitionHash != v1.Hash || env.Instance(fresh).DefinitionHash != v2.Hash {
		t.Fatal("a running instance changed version, or a new one did not get the latest")
	}
	env.AssertWaitingAt(old, "Esame")

	ctx := context.Background()
	err := env.Engine.Migrate(ctx, &runtime.MigrateParams{Body: env.Body, InstanceID: old, ToHash: v2.Hash, Actor: "admin"})
	var me *runtime.MigrationError
	if !errors.As(err, &me) || me.Element != "Esame" || !strings.Contains(me.Reason, "no element") {
		t.Fatalf("migration without mapping: %v", err)
	}
	err = env.Engine.Migrate(ctx, &runtime.MigrateParams{Body: env.Body, InstanceID: old, ToHash: v2.Hash, Mapping: map[string]string{"Esame": "Protocollo"}})
	if !errors.As(err, &me) || !strings.Contains(me.Reason, "serviceTask") {
		t.Fatalf("migration onto another kind: %v", err)
	}
	if env.Instance(old).DefinitionHash != v1.Hash {
		t.Fatal("a refused migration changed the instance")
	}
	ok(t, env.Engine.Migrate(ctx, &runtime.MigrateParams{Body: env.Body, InstanceID: old, ToHash: v2.Hash, Mapping: map[string]string{"Esame": "EsameTecnico"}, Actor: "admin"}))
	if env.Instance(old).DefinitionHash != v2.Hash {
		t.Fatal("migration did not move the instance")
	}
	env.CompleteTask(old, "EsameTecnico", "anna", nil)
	env.CompleteTask(old, "Firma", "capo", nil)
	env.AssertStatus(old, store.InstanceCompleted)
	mig := env.EventsOf(old, runtime.EventMigrated)
	var m runtime.Migrated
	if len(mig) != 1 || json.Unmarshal(mig[0].Data, &m) != nil || m.From != v1.Hash || m.To != v2.Hash || m.Mapping["Esame"] != "EsameTecnico" {
		t.Fatalf("migration event %v", mig)
	}
}

func TestResolverRebuildsVersionsTheBinaryNoLongerCarries(t *testing.T) {
	st := processtest.New(t).Store
	first := processtest.New(t, processtest.Options{Store: st})
	v1, _ := twoVersions(t)
	first.Deploy(v1)
	id := first.Start("permesso", nil)

	resolved := 0
	second := processtest.New(t, processtest.Options{Store: st, Resolver: func(_ context.Context, d *store.Deployment) (*runtime.Definition, error) {
		resolved++
		if d.Hash != v1.Hash {
			return nil, errors.New("unknown bundle")
		}
		v, _ := twoVersions(t)
		return v, nil
	}})
	second.CompleteTask(id, "Esame", "anna", nil)
	second.AssertStatus(id, store.InstanceCompleted)
	if resolved != 1 {
		t.Fatalf("resolver called %d times, want once (then cached)", resolved)
	}
}

func TestInspect(t *testing.T) {
	env := processtest.New(t)
	env.Deploy(integrazione(t))
	id := env.Start("scia", map[string]any{"pratica": "2026/90"})
	v := env.Inspect(id)
	if len(v.Waiting) != 1 || v.Waiting[0].Element != "Istruttoria" || v.Waiting[0].Kind != "task" || v.Waiting[0].TaskID == "" {
		t.Fatalf("waiting %+v", v.Waiting)
	}
	if v.Term == nil || v.Term.Remaining != 30 || v.Visits["Istruttoria"] != 1 || v.Status != store.InstanceActive {
		t.Fatalf("view %+v", v)
	}
	env.CompleteTask(id, "Istruttoria", "anna", map[string]any{"completa": false})
	v = env.Inspect(id)
	if len(v.Waiting) != 1 || v.Waiting[0].Kind != "message" || !v.Term.Suspended {
		t.Fatalf("after the request for integration %+v, term %+v", v.Waiting, v.Term)
	}
	var vars map[string]any
	ok(t, json.Unmarshal(v.Vars, &vars))
	if vars["pratica"] != "2026/90" || vars["completa"] != false {
		t.Fatalf("vars %v", vars)
	}
}
