package site_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/procedo/procedo/runtime/insight"
)

// TestMounts: the designer, the dashboard and /metrics are served by the
// site behind its identity, each to the roles it is for, and they see the
// cases the portal files.
func TestMounts(t *testing.T) {
	e := newEnv(t, false)
	mario := e.login("monza.mario.rossi")
	_, id := mario.apply("RSSMRA85T10A562S")

	// Anonymous browsers are sent to the login page first.
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range []string{"/designer/", "/dashboard/"} {
		req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
		req.Header.Set("Accept", "text/html")
		res, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login?next=") {
			t.Errorf("anonymous GET %s: %d %s, want 303 to /login", path, res.StatusCode, res.Header.Get("Location"))
		}
	}

	// The designer is for analysts, not citizens.
	mario.get("/designer/")
	if mario.code != http.StatusForbidden {
		t.Errorf("citizen GET /designer/: %d, want 403", mario.code)
	}
	sara := e.login("monza.sara.conti")
	sara.get("/designer/")
	if sara.code != http.StatusOK || !strings.Contains(sara.last, "/designer/") {
		t.Errorf("analyst GET /designer/: %d", sara.code)
	}
	// Each body's workspace starts with the catalogue's procedure.
	sara.get("/designer/api/bundles")
	if sara.code != http.StatusOK || strings.Count(sara.last, `"Permesso di accesso alla ZTL"`) != 1 {
		t.Errorf("analyst's bundles: %d\n%s", sara.code, sara.last)
	}

	// The dashboard is for the body's admin, and counts the case filed.
	mario.get("/dashboard/")
	if mario.code != http.StatusForbidden {
		t.Errorf("citizen GET /dashboard/: %d, want 403", mario.code)
	}
	admin := e.login("monza.admin")
	admin.get("/dashboard/")
	if admin.code != http.StatusOK {
		t.Fatalf("admin GET /dashboard/: %d\n%s", admin.code, admin.last)
	}
	admin.get("/dashboard/api/report?procedure=ztl-access")
	var rep insight.Report
	if err := json.Unmarshal([]byte(admin.last), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, admin.last)
	}
	if rep.Cases.Total != 1 || rep.Filter.Body != "monza" {
		t.Errorf("report of monza: %d cases in body %q, want the 1 case %s", rep.Cases.Total, rep.Filter.Body, id)
	}
	// Messina's admin sees none of Monza's cases.
	other := e.login("messina.admin")
	other.get("/dashboard/api/report?procedure=ztl-access")
	var rep2 insight.Report
	if err := json.Unmarshal([]byte(other.last), &rep2); err != nil {
		t.Fatalf("report: %v\n%s", err, other.last)
	}
	if rep2.Cases.Total != 0 {
		t.Errorf("messina sees %d cases of monza", rep2.Cases.Total)
	}

	// /metrics answers a scraper on the same host and counts the start.
	res, err := http.Get(e.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	if _, err := io.Copy(&b, res.Body); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || !strings.Contains(b.String(), `procedo_instances_started_total{body="monza",procedure="ztl-access"} 1`) {
		t.Errorf("/metrics: %d\n%s", res.StatusCode, b.String())
	}
}
