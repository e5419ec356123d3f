package insight_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/procedo/procedo/internal/testenv"
	"github.com/procedo/procedo/runtime/insight"
	"github.com/procedo/procedo/runtime/insight/synth"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/runtime/store/storemem"
	"github.com/procedo/procedo/runtime/store/storepg"
)

// benchSchema keeps the million-event history between benchmark runs: it
// takes about a minute to generate. Drop the schema to regenerate it.
const benchSchema = "insight_bench_1m_v1"

// benchCases gives about 1,000,000 history events (36.6 per case).
const benchCases = 27400

// millionEvents opens the PostgreSQL store holding the benchmark history,
// generating it on the first run.
func millionEvents(b *testing.B) (store.Store, *synth.Options) {
	b.Helper()
	url := testenv.PostgresURL(b)
	ctx := context.Background()
	o := &synth.Options{Body: "c_bench", Cases: benchCases, Seed: 1, Days: 365, Overrun: 0.08}
	o.Start = time.Date(2025, 6, 2, 8, 0, 0, 0, time.UTC)
	o.End = o.Start.AddDate(0, 0, 380)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int64
	err = conn.QueryRow(ctx, "SELECT count(*) FROM "+benchSchema+".events").Scan(&n)
	if err != nil {
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+benchSchema+" CASCADE; CREATE SCHEMA "+benchSchema); err != nil {
			b.Fatal(err)
		}
	}
	st, err := storepg.Open(ctx, url, &storepg.Options{Schema: benchSchema})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if n == 0 {
		mem := storemem.New()
		if _, err := synth.Generate(ctx, mem, *o); err != nil {
			b.Fatal(err)
		}
		if err := synth.Copy(ctx, mem, st, o.Body, 300); err != nil {
			b.Fatal(err)
		}
		if _, err := conn.Exec(ctx, "ANALYZE "+benchSchema+".events"); err != nil {
			b.Fatal(err)
		}
	}
	return st, o
}

func countEvents(b *testing.B, st store.Store, body string) int {
	n := 0
	if err := store.ScanEvents(context.Background(), st, &store.ScanEventsParams{Body: body}, func(*store.Event) error { n++; return nil }); err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkReportMillionEvents measures a report over a million history
// events on PostgreSQL: cold (a new Index reads the whole history) and
// warm (the Index refreshes from its watermark, then aggregates), the
// latter being what the dashboard pays per request.
func BenchmarkReportMillionEvents(b *testing.B) {
	st, o := millionEvents(b)
	events := countEvents(b, st, o.Body)
	f := insight.Filter{Body: o.Body, Procedure: synth.ProcessKey}
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			x := newIndex(st, o.End)
			if _, err := x.Report(context.Background(), f); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(events), "events")
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/report")
	})
	// warm: the index is loaded; each report refreshes from the watermark
	// (no new events) and aggregates again (no report cache).
	b.Run("warm", func(b *testing.B) {
		x := insight.New(st, insight.Options{Procedures: []insight.Procedure{synth.Procedure()}, CacheFor: -1,
			Now: func() time.Time { return o.End }})
		if _, err := x.Report(context.Background(), f); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for b.Loop() {
			r, err := x.Report(context.Background(), f)
			if err != nil {
				b.Fatal(err)
			}
			if r.Cases.Total == 0 {
				b.Fatal("empty report")
			}
		}
		b.ReportMetric(float64(events), "events")
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/report")
	})
	// cached: the same filter again with no new event (the dashboard's
	// live refresh): the refresh query, then the cached report.
	b.Run("cached", func(b *testing.B) {
		x := newIndex(st, o.End)
		if _, err := x.Report(context.Background(), f); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for b.Loop() {
			if _, err := x.Report(context.Background(), f); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(events), "events")
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/report")
	})
}
