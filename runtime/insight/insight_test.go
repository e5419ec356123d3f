package insight_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/procedo/procedo/internal/testenv"
	"github.com/procedo/procedo/runtime/insight"
	"github.com/procedo/procedo/runtime/insight/synth"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/runtime/store/storemem"
	"github.com/procedo/procedo/runtime/store/storepg"
	"github.com/procedo/procedo/runtime/store/storesqlite"
)

var schemaSeq atomic.Int64

// pgStore opens a PostgreSQL store in a fresh schema, dropped at cleanup.
func pgStore(t testing.TB) store.Store {
	t.Helper()
	url := testenv.PostgresURL(t)
	schema := fmt.Sprintf("insight_%d_%d", time.Now().UnixNano(), schemaSeq.Add(1))
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), url)
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Error(err)
		}
	})
	s, err := storepg.Open(context.Background(), url, &storepg.Options{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func sqliteStore(t testing.TB) store.Store {
	t.Helper()
	s, err := storesqlite.Open(context.Background(), t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var stores = []struct {
	name string
	open func(t testing.TB) store.Store
}{
	{"mem", func(testing.TB) store.Store { return storemem.New() }},
	{"sqlite", sqliteStore},
	{"pg", pgStore},
}

// seeded are the options of the tests' history: 150 cases arriving over
// 60 days, cut 10 days after the last arrival so that some are still
// active, suspended, at risk or overdue.
func seeded() synth.Options {
	o := synth.Options{Cases: 150, Seed: 42, Overrun: 0.08}
	o.Start = time.Date(2026, 1, 12, 8, 0, 0, 0, time.UTC)
	o.End = o.Start.AddDate(0, 0, 70)
	return o
}

func newIndex(st store.Store, now time.Time) *insight.Index {
	return insight.New(st, insight.Options{Procedures: []insight.Procedure{synth.Procedure()}, Now: func() time.Time { return now }})
}

func TestIndicatorsMatchTheGeneratedHistory(t *testing.T) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			st := s.open(t)
			tr, err := synth.Generate(t.Context(), st, seeded())
			if err != nil {
				t.Fatal(err)
			}
			x := newIndex(st, tr.End)
			r, err := x.Report(t.Context(), insight.Filter{Body: tr.Body})
			if err != nil {
				t.Fatal(err)
			}
			compare(t, r, expect(tr, tr.Cases))
			assertSeeded(t, r)
		})
	}
}

// assertSeeded checks that the history holds what the generator is meant
// to seed, so that a comparison is never of two empty sets.
func assertSeeded(t *testing.T, r *insight.Report) {
	t.Helper()
	if r.Cases.Active == 0 || r.Cases.Completed == 0 {
		t.Errorf("want active and completed cases, got %+v", r.Cases)
	}
	if r.Term.Late == 0 || r.Term.Suspended == 0 {
		t.Errorf("want late and suspended cases, got %+v", r.Term)
	}
	got := map[string]int{}
	for _, f := range r.Flags {
		got[f.Rule]++
	}
	for _, rule := range insight.Rules("it") {
		if got[rule.ID] == 0 {
			t.Errorf("rule %s (%s) fired on no case of the seeded history", rule.ID, rule.Title)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

func sameStats(t *testing.T, what string, got, want insight.Stats) {
	t.Helper()
	if got.N != want.N || !near(got.Mean, want.Mean) || got.P50 != want.P50 || got.P90 != want.P90 || got.Max != want.Max {
		t.Errorf("%s: got %+v, want %+v", what, got, want)
	}
}

func compare(t *testing.T, r *insight.Report, e *expected) {
	t.Helper()
	c := r.Cases
	c.Duration = insight.Stats{}
	ec := e.cases
	ec.Duration = insight.Stats{}
	if c != ec {
		t.Errorf("cases: got %+v, want %+v", c, ec)
	}
	sameStats(t, "case duration", r.Cases.Duration, e.cases.Duration)
	if len(r.Activities) != len(e.activities) {
		t.Errorf("activities: got %d, want %d", len(r.Activities), len(e.activities))
	}
	for _, a := range r.Activities {
		w, ok := e.activities[a.Element]
		if !ok {
			t.Errorf("unexpected activity %s", a.Element)
			continue
		}
		if a.Runs != w.Runs || a.Cases != w.Cases || a.ReworkRuns != w.ReworkRuns || a.ReworkCases != w.ReworkCases || a.SLA != w.SLA {
			t.Errorf("activity %s: got runs %d cases %d rework %d/%d sla %+v, want runs %d cases %d rework %d/%d sla %+v", a.Element,
				a.Runs, a.Cases, a.ReworkRuns, a.ReworkCases, a.SLA, w.Runs, w.Cases, w.ReworkRuns, w.ReworkCases, w.SLA)
		}
		sameStats(t, a.Element+" duration", a.Duration, w.Duration)
		sameStats(t, a.Element+" waiting", a.Waiting, w.Waiting)
		sameStats(t, a.Element+" working", a.Working, w.Working)
	}
	for _, d := range r.Documents {
		if w := e.documents[d.Name]; d != w {
			t.Errorf("document %s: got %+v, want %+v", d.Name, d, w)
		}
	}
	if len(r.Documents) != len(e.documents) {
		t.Errorf("documents: got %d, want %d", len(r.Documents), len(e.documents))
	}
	if !near(r.Term.MeanSuspension, e.term.MeanSuspension) {
		t.Errorf("mean suspension: got %v, want %v", r.Term.MeanSuspension, e.term.MeanSuspension)
	}
	gt, et := r.Term, e.term
	gt.MeanSuspension, et.MeanSuspension = 0, 0
	if gt != et {
		t.Errorf("term: got %+v, want %+v", gt, et)
	}
	for _, w := range r.Weeks {
		want := e.weeks[w.Week]
		if w.Started != want.Started || w.Completed != want.Completed || w.Backlog != want.Backlog {
			t.Errorf("week %s: got %+v, want %+v", w.Week, w, want)
		}
	}
	if len(r.Weeks) != len(e.weeks) {
		t.Errorf("weeks: got %d, want %d", len(r.Weeks), len(e.weeks))
	}
	for _, w := range r.Offices {
		if w != e.offices[w.Name] {
			t.Errorf("office %s: got %+v, want %+v", w.Name, w, e.offices[w.Name])
		}
	}
	for _, w := range r.Officials {
		if w != e.officials[w.Name] {
			t.Errorf("official %s: got %+v, want %+v", w.Name, w, e.officials[w.Name])
		}
	}
	if len(r.Offices) != len(e.offices) || len(r.Officials) != len(e.officials) {
		t.Errorf("workload: got %d offices %d officials, want %d and %d", len(r.Offices), len(r.Officials), len(e.offices), len(e.officials))
	}
	for _, f := range r.Checklists {
		if w := e.checklist[f.Item]; f != w {
			t.Errorf("checklist %s: got %+v, want %+v", f.Item, f, w)
		}
	}
	if len(r.Checklists) != len(e.checklist) {
		t.Errorf("checklist items: got %d, want %d", len(r.Checklists), len(e.checklist))
	}
	got := map[string][]string{}
	for _, f := range r.Flags {
		got[f.Rule] = append(got[f.Rule], f.Case)
	}
	for _, rule := range insight.Rules("it") {
		g, w := got[rule.ID], e.flags[rule.ID]
		slices.Sort(g)
		if !slices.Equal(g, w) {
			t.Errorf("flag %s (%s): got %d cases %v, want %d %v", rule.ID, rule.Title, len(g), g, len(w), w)
		}
	}
	for key, want := range e.drill {
		if g := r.Drill[key]; !slices.Equal(g, want) {
			t.Errorf("drill %s: got %v, want %v", key, g, want)
		}
	}
}
