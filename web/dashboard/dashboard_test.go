package dashboard_test

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/procedo/procedo/runtime/insight"
	"github.com/procedo/procedo/runtime/insight/synth"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/runtime/store/storesqlite"
	"github.com/procedo/procedo/web/dashboard"
)

type fixture struct {
	st    store.Store
	idx   *insight.Index
	truth *synth.Truth
	srv   *httptest.Server
}

// seed generates a small history on SQLite and serves the dashboard over
// it. Requests with the header X-Role: guest are refused.
func seed(t *testing.T, cases int) *fixture {
	t.Helper()
	st, err := storesqlite.Open(t.Context(), t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	o := synth.Options{Cases: cases, Seed: 11, Days: 30, SamePerson: 0.2}
	o.Start = time.Date(2026, 1, 12, 8, 0, 0, 0, time.UTC)
	o.End = o.Start.AddDate(0, 0, 40)
	tr, err := synth.Generate(t.Context(), st, o)
	if err != nil {
		t.Fatal(err)
	}
	idx := insight.New(st, insight.Options{Procedures: []insight.Procedure{synth.Procedure()}, Now: func() time.Time { return o.End }})
	h, err := dashboard.New(dashboard.Options{Index: idx, Store: st, Live: 50 * time.Millisecond,
		Body:      func(*http.Request) (string, error) { return tr.Body, nil },
		Authorize: func(r *http.Request) bool { return r.Header.Get("X-Role") != "guest" }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &fixture{st: st, idx: idx, truth: tr, srv: srv}
}

func get(t *testing.T, url string, header ...string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header
}

func TestPageAndAPI(t *testing.T) {
	f := seed(t, 40)
	want, err := f.idx.Report(t.Context(), insight.Filter{Body: f.truth.Body, Procedure: synth.ProcessKey})
	if err != nil {
		t.Fatal(err)
	}
	base := f.srv.URL + "/dashboard"
	q := "?procedure=" + synth.ProcessKey

	code, page, hdr := get(t, base+"/"+q)
	if code != 200 {
		t.Fatalf("page: %d %s", code, page)
	}
	if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
	for _, frag := range []string{
		`data-figure="cases.total">` + strconv.Itoa(want.Cases.Total) + `<`,
		`data-figure="cases.active">` + strconv.Itoa(want.Cases.Active) + `<`,
		`data-figure="term.late">` + strconv.Itoa(want.Term.Late) + `<`,
		`Cruscotto indicatori`,
		`href="/dashboard/export.csv?procedure=contributo"`,
	} {
		if !strings.Contains(page, frag) {
			t.Errorf("the page lacks %s", frag)
		}
	}

	code, body, _ := get(t, base+"/api/report"+q)
	var rep struct {
		Cases   insight.CaseFigures      `json:"cases"`
		Heatmap []insight.ElementFigures `json:"heatmap"`
		Rules   []insight.Rule           `json:"rules"`
	}
	if code != 200 || json.Unmarshal([]byte(body), &rep) != nil {
		t.Fatalf("report: %d %s", code, body)
	}
	if rep.Cases != want.Cases || len(rep.Heatmap) != len(want.Activities) || len(rep.Rules) != 7 {
		t.Errorf("report: %+v, %d heatmap elements, %d rules; want %+v", rep.Cases, len(rep.Heatmap), len(rep.Rules), want.Cases)
	}

	code, body, _ = get(t, base+"/api/cases"+q+"&key=status:active")
	var drill struct {
		Total int                   `json:"total"`
		Cases []insight.CaseSummary `json:"cases"`
	}
	if code != 200 || json.Unmarshal([]byte(body), &drill) != nil {
		t.Fatalf("cases: %d %s", code, body)
	}
	if drill.Total != want.Cases.Active || len(drill.Cases) != want.Cases.Active {
		t.Errorf("drill status:active: %d cases, want %d", drill.Total, want.Cases.Active)
	}
	for _, c := range drill.Cases {
		if c.Status != store.InstanceActive {
			t.Errorf("drill status:active lists %s, %s", c.ID, c.Status)
		}
	}

	code, body, _ = get(t, base+"/api/diagram"+q)
	if code != 200 || !strings.Contains(body, `id="Integrazione"`) {
		t.Errorf("diagram: %d %.200s", code, body)
	}
	code, body, hdr = get(t, base+"/export.xes"+q)
	var log struct {
		Traces []struct{} `xml:"trace"`
	}
	if code != 200 || xml.Unmarshal([]byte(body), &log) != nil || len(log.Traces) != want.Cases.Total {
		t.Errorf("xes: %d, %d traces, want %d", code, len(log.Traces), want.Cases.Total)
	}
	if !strings.Contains(hdr.Get("Content-Disposition"), "contributo.xes") {
		t.Errorf("xes disposition %q", hdr.Get("Content-Disposition"))
	}
	code, body, _ = get(t, base+"/export.csv"+q)
	if code != 200 || !strings.Contains(body, "cases,,total,"+strconv.Itoa(want.Cases.Total)) {
		t.Errorf("csv: %d %.300s", code, body)
	}
	code, _, _ = get(t, base+"/assets/dashboard.js")
	if code != 200 {
		t.Errorf("assets: %d", code)
	}
}

func TestBadRequests(t *testing.T) {
	f := seed(t, 5)
	base := f.srv.URL + "/dashboard"
	tests := []struct {
		name     string
		path     string
		header   []string
		wantCode int
		wantBody string
	}{
		{name: "bad version", path: "/api/report?version=x", wantCode: 400, wantBody: `version="x"`},
		{name: "bad date", path: "/?from=31/12/2026", wantCode: 400, wantBody: `from="31/12/2026": not a date`},
		{name: "drill without key", path: "/api/cases", wantCode: 400, wantBody: "key"},
		{name: "diagram without procedure", path: "/api/diagram", wantCode: 400, wantBody: "procedure"},
		{name: "diagram of unknown procedure", path: "/api/diagram?procedure=nope", wantCode: 404},
		{name: "guest", path: "/", header: []string{"X-Role", "guest"}, wantCode: 403, wantBody: "Accesso non consentito"},
		{name: "unknown path", path: "/nope", wantCode: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := get(t, base+tt.path, tt.header...)
			if code != tt.wantCode || !strings.Contains(body, tt.wantBody) {
				t.Errorf("GET %s: %d %q, want %d containing %q", tt.path, code, body, tt.wantCode, tt.wantBody)
			}
		})
	}
}

// TestLive checks that the websocket pushes the report at once and again
// when the history changes.
func TestLive(t *testing.T) {
	f := seed(t, 10)
	url := "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/dashboard/ws?procedure=" + synth.ProcessKey
	conn, _, err := websocket.DefaultDialer.Dial(url, http.Header{"Origin": {f.srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	read := func() insight.CaseFigures {
		t.Helper()
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		var r struct {
			Cases insight.CaseFigures `json:"cases"`
		}
		if err := conn.ReadJSON(&r); err != nil {
			t.Fatal(err)
		}
		return r.Cases
	}
	first := read()
	if first.Total != len(f.truth.Cases) {
		t.Fatalf("first push: %d cases, want %d", first.Total, len(f.truth.Cases))
	}
	// More cases arrive: the next push has them.
	o := synth.Options{Body: f.truth.Body, Cases: 3, Seed: 99, Prefix: "new-", Days: 1}
	o.Start = f.truth.End
	o.End = o.Start.AddDate(0, 0, 2)
	if _, err := synth.Generate(t.Context(), f.st, o); err != nil {
		t.Fatal(err)
	}
	// Pushes may show the cases as they arrive; the last one has the three.
	for got := read(); got.Total != first.Total+3; got = read() {
		if got.Total < first.Total || got.Total > first.Total+3 {
			t.Fatalf("after 3 new cases: %d, want up to %d", got.Total, first.Total+3)
		}
	}
}
