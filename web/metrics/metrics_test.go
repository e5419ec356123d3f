package metrics_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/procedo/procedo/runtime/insight/synth"
	"github.com/procedo/procedo/runtime/store/storesqlite"
	"github.com/procedo/procedo/web/metrics"
)

// scrape returns the samples of the exposition, name{labels} → value.
func scrape(t *testing.T, h http.Handler) map[string]float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("GET /metrics: %d %s", rec.Code, rec.Body)
	}
	body, _ := io.ReadAll(rec.Body)
	out := map[string]float64{}
	for _, line := range strings.Split(string(body), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("bad sample %q", line)
		}
		out[line[:i]] = v
	}
	return out
}

func TestMetrics(t *testing.T) {
	st, err := storesqlite.Open(t.Context(), t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m := metrics.New(st, metrics.Options{Bodies: func() []string { return []string{"c_synth"} }})
	o := synth.Options{Cases: 30, Seed: 5, Observer: m}
	o.Start = time.Date(2026, 1, 12, 8, 0, 0, 0, time.UTC)
	o.Days = 30
	o.End = o.Start.AddDate(0, 0, 35)
	tr, err := synth.Generate(t.Context(), st, o)
	if err != nil {
		t.Fatal(err)
	}
	active, completed := 0, 0
	open := map[string]int{}
	for _, c := range tr.Cases {
		if c.Ended.IsZero() {
			active++
		} else {
			completed++
		}
		for _, tk := range c.Tasks {
			if tk.Completed.IsZero() {
				open[tk.Office]++
			}
		}
	}
	if active == 0 || completed == 0 {
		t.Fatalf("the history has %d active and %d completed cases: want both", active, completed)
	}
	got := scrape(t, m.Handler(nil))
	want := map[string]float64{
		`procedo_instances_started_total{body="c_synth",procedure="contributo"}`:                  float64(len(tr.Cases)),
		`procedo_instances_ended_total{body="c_synth",procedure="contributo",status="completed"}`: float64(completed),
		`procedo_instances_active{body="c_synth",procedure="contributo"}`:                         float64(active),
		`procedo_jobs{body="c_synth",status="incident"}`:                                          0,
		`procedo_incidents{body="c_synth"}`:                                                       0,
		`procedo_metrics_store_errors{body="c_synth"}`:                                            0,
	}
	for office, n := range open {
		want[`procedo_tasks_open{body="c_synth",office="`+office+`"}`] = float64(n)
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	if n := got[`procedo_step_commit_seconds_count{procedure="contributo"}`]; n < float64(len(tr.Cases)) {
		t.Errorf("step latency histogram counted %v commits, want at least %d", n, len(tr.Cases))
	}
	if got[`procedo_history_events_total{body="c_synth"}`] < float64(10*len(tr.Cases)) {
		t.Errorf("history events: %v", got[`procedo_history_events_total{body="c_synth"}`])
	}

	rec := httptest.NewRecorder()
	m.Handler(func(*http.Request) bool { return false }).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusForbidden {
		t.Errorf("unauthorised scrape: %d, want 403", rec.Code)
	}
}

func TestStoreErrorIsReported(t *testing.T) {
	st, err := storesqlite.Open(t.Context(), t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	st.Close() // every read fails from now on
	m := metrics.New(st, metrics.Options{Bodies: func() []string { return []string{"c_x"} }})
	if got := scrape(t, m.Handler(nil)); got[`procedo_metrics_store_errors{body="c_x"}`] != 1 {
		t.Errorf("a failing store: procedo_metrics_store_errors = %v, want 1", got[`procedo_metrics_store_errors{body="c_x"}`])
	}
}
