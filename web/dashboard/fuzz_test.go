package dashboard_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/procedo/procedo/runtime/insight"
	"github.com/procedo/procedo/runtime/insight/synth"
	"github.com/procedo/procedo/runtime/store/storemem"
	"github.com/procedo/procedo/web/dashboard"
)

// FuzzQuery sends arbitrary query strings to every endpoint: a bad filter
// is a 400 that names the parameter, never a 500 or a panic.
func FuzzQuery(f *testing.F) {
	st := storemem.New()
	o := synth.Options{Cases: 5, Seed: 2, Days: 3}
	o.Start = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	o.End = o.Start.AddDate(0, 0, 10)
	tr, err := synth.Generate(f.Context(), st, o)
	if err != nil {
		f.Fatal(err)
	}
	idx := insight.New(st, insight.Options{Procedures: []insight.Procedure{synth.Procedure()}, Now: func() time.Time { return o.End }})
	h, err := dashboard.New(dashboard.Options{Index: idx, Store: st, Body: func(*http.Request) (string, error) { return tr.Body, nil }})
	if err != nil {
		f.Fatal(err)
	}
	for _, q := range []string{"", "procedure=contributo", "version=1&from=2026-03-01&to=2026-03-31", "version=-1", "from=2026-02-30",
		"office=dirigenza&key=flag:RF01", "key=activity:Istruttoria&procedure=contributo", "procedure=%00&version=99999999999999999999"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if _, err := url.ParseQuery(q); err != nil {
			return
		}
		for _, path := range []string{"/dashboard/", "/dashboard/api/report", "/dashboard/api/cases", "/dashboard/api/diagram", "/dashboard/export.csv"} {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest("GET", path, nil)
			req.URL.RawQuery = q
			h.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("GET %s?%s: %d %s", path, q, rec.Code, rec.Body)
			}
		}
	})
}
