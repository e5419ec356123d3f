package insight_test

import (
	"slices"
	"testing"
	"time"

	"github.com/procedo/procedo/runtime/insight"
	"github.com/procedo/procedo/runtime/insight/synth"
)

func TestFilters(t *testing.T) {
	st := sqliteStore(t)
	tr, err := synth.Generate(t.Context(), st, seeded())
	if err != nil {
		t.Fatal(err)
	}
	x := newIndex(st, tr.End)
	from, to := tr.Cases[0].Arrived.AddDate(0, 0, -20), tr.Cases[0].Arrived.AddDate(0, 0, 10)
	var inPeriod, decisione []*synth.CaseTruth
	for _, c := range tr.Cases {
		if !c.Arrived.Before(from) && c.Arrived.Before(to) {
			inPeriod = append(inPeriod, c)
		}
		for _, tk := range c.Tasks {
			if tk.Element == synth.Decisione {
				decisione = append(decisione, c)
				break
			}
		}
	}
	tests := []struct {
		name      string
		filter    insight.Filter
		wantCases int
		check     func(t *testing.T, r *insight.Report)
	}{
		{name: "period", filter: insight.Filter{From: from, To: to}, wantCases: len(inPeriod),
			check: func(t *testing.T, r *insight.Report) { compare(t, r, expectUntil(tr, inPeriod, to)) }},
		{name: "procedure", filter: insight.Filter{Procedure: synth.ProcessKey}, wantCases: len(tr.Cases)},
		{name: "other procedure", filter: insight.Filter{Procedure: "scia"}, wantCases: 0},
		{name: "version 1", filter: insight.Filter{Version: 1}, wantCases: len(tr.Cases)},
		{name: "version 2", filter: insight.Filter{Version: 2}, wantCases: 0},
		{name: "office", filter: insight.Filter{Office: synth.OfficeDecisione}, wantCases: len(decisione),
			check: func(t *testing.T, r *insight.Report) {
				if len(r.Offices) != 1 || r.Offices[0].Name != synth.OfficeDecisione {
					t.Errorf("workload of office filter: got %+v, want only %s", r.Offices, synth.OfficeDecisione)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.filter
			f.Body = tr.Body
			r, err := x.Report(t.Context(), f)
			if err != nil {
				t.Fatal(err)
			}
			if r.Cases.Total != tt.wantCases || len(r.Drill[insight.DrillAll]) != tt.wantCases {
				t.Errorf("got %d cases (drill %d), want %d", r.Cases.Total, len(r.Drill[insight.DrillAll]), tt.wantCases)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
	if _, err := x.Report(t.Context(), insight.Filter{}); err == nil {
		t.Error("a report without body: no error")
	}
}

// TestIncrementalRefresh adds a second batch of cases to a body after a
// first report: the refreshed index must equal a fresh one and the
// independent computation over both batches.
func TestIncrementalRefresh(t *testing.T) {
	for _, s := range stores[1:] {
		t.Run(s.name, func(t *testing.T) {
			st := s.open(t)
			a := seeded()
			a.Cases, a.Prefix = 60, "a-"
			trA, err := synth.Generate(t.Context(), st, a)
			if err != nil {
				t.Fatal(err)
			}
			now := trA.End
			x := insight.New(st, insight.Options{Procedures: []insight.Procedure{synth.Procedure()}, Now: func() time.Time { return now }})
			first, err := x.Report(t.Context(), insight.Filter{Body: trA.Body})
			if err != nil {
				t.Fatal(err)
			}
			if first.Cases.Total != 60 {
				t.Fatalf("first report: %d cases, want 60", first.Cases.Total)
			}
			b := seeded()
			b.Cases, b.Prefix, b.Seed = 60, "b-", 7
			b.Start, b.End = a.End, a.End.AddDate(0, 0, 50)
			trB, err := synth.Generate(t.Context(), st, b)
			if err != nil {
				t.Fatal(err)
			}
			now = trB.End
			got, err := x.Report(t.Context(), insight.Filter{Body: trA.Body})
			if err != nil {
				t.Fatal(err)
			}
			fresh, err := newIndex(st, now).Report(t.Context(), insight.Filter{Body: trA.Body})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Drill[insight.DrillAll], fresh.Drill[insight.DrillAll]) || got.Cases != fresh.Cases || got.Term != fresh.Term {
				t.Errorf("refreshed %+v %+v, fresh %+v %+v", got.Cases, got.Term, fresh.Cases, fresh.Term)
			}
			all := &synth.Truth{Body: trA.Body, End: now, Cases: append(append([]*synth.CaseTruth{}, trA.Cases...), trB.Cases...)}
			compare(t, got, expect(all, all.Cases))
		})
	}
}
