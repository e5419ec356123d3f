package insight_test

import (
	"context"
	"fmt"
	"time"

	"github.com/procedo/procedo/runtime/insight"
	"github.com/procedo/procedo/runtime/insight/synth"
	"github.com/procedo/procedo/runtime/store/storemem"
)

// An Index over a store, and a report of one procedure.
func ExampleIndex_Report() {
	ctx := context.Background()
	st := storemem.New()
	o := synth.Options{Body: "c_h501", Cases: 60, Seed: 3, SamePerson: 0.3}
	o.Start = time.Date(2026, 1, 12, 8, 0, 0, 0, time.UTC)
	o.End = o.Start.AddDate(0, 0, 70)
	if _, err := synth.Generate(ctx, st, o); err != nil {
		panic(err)
	}
	idx := insight.New(st, insight.Options{
		Procedures: []insight.Procedure{synth.Procedure()},
		Now:        func() time.Time { return o.End },
	})
	r, err := idx.Report(ctx, insight.Filter{Body: "c_h501", Procedure: "contributo"})
	if err != nil {
		panic(err)
	}
	fmt.Printf("cases %d: %d active, %d completed, %d late\n", r.Cases.Total, r.Cases.Active, r.Cases.Completed, r.Term.Late)
	for _, a := range r.Activities {
		if a.Element == "Istruttoria" {
			fmt.Printf("Istruttoria: %d runs in %d cases, %d reworked\n", a.Runs, a.Cases, a.ReworkCases)
		}
	}
	fmt.Println(r.Flags[0].Rule, r.Flags[0].Reason)
	// Output:
	// cases 60: 7 active, 53 completed, 0 late
	// Istruttoria: 88 runs in 60 cases, 20 reworked
	// RF01 anna.rossi ha istruito (Istruttoria) e deciso (Decisione) la pratica
}

// StatsOf summarises durations with percentiles by nearest rank.
func ExampleStatsOf() {
	s := insight.StatsOf([]time.Duration{time.Hour, 2 * time.Hour, 3 * time.Hour, 10 * time.Hour})
	fmt.Printf("n=%d mean=%.0fs p50=%.0fs p90=%.0fs\n", s.N, s.Mean, s.P50, s.P90)
	// Output:
	// n=4 mean=14400s p50=7200s p90=36000s
}
