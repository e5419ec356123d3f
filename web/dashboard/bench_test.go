package dashboard_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/procedo/procedo/runtime/insight"
	"github.com/procedo/procedo/runtime/insight/synth"
	"github.com/procedo/procedo/runtime/store/storemem"
	"github.com/procedo/procedo/web/dashboard"
)

// BenchmarkPage measures GET /dashboard/ over 3,000 cases (about 110,000
// history events): "cached" when no event arrived since the last request
// of the same filter, "recomputed" when every request aggregates again.
func BenchmarkPage(b *testing.B) {
	st := storemem.New()
	o := synth.Options{Cases: 3000, Seed: 1, Days: 120}
	o.Start = time.Date(2026, 1, 12, 8, 0, 0, 0, time.UTC)
	o.End = o.Start.AddDate(0, 0, 130)
	tr, err := synth.Generate(context.Background(), st, o)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name     string
		cacheFor time.Duration
	}{{"cached", 0}, {"recomputed", -1}} {
		b.Run(bc.name, func(b *testing.B) {
			idx := insight.New(st, insight.Options{Procedures: []insight.Procedure{synth.Procedure()}, CacheFor: bc.cacheFor,
				Now: func() time.Time { return o.End }})
			h, err := dashboard.New(dashboard.Options{Index: idx, Store: st, Body: func(*http.Request) (string, error) { return tr.Body, nil }})
			if err != nil {
				b.Fatal(err)
			}
			get := func() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", "/dashboard/?procedure="+synth.ProcessKey, nil))
				if rec.Code != 200 {
					b.Fatalf("GET: %d", rec.Code)
				}
			}
			get() // loads the index
			b.ResetTimer()
			for b.Loop() {
				get()
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/page")
		})
	}
}
