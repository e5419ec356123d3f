package site_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/procedo/procedo/internal/testenv"
)

// TestStoryInChromium runs the ZTL story in real Chromium (playwright-core
// with the Debian chromium): the desk's live updates over the websocket,
// the form flow, the integration with an attachment, the permit. The
// history and the legal term are then checked through the API.
func TestStoryInChromium(t *testing.T) { storyInChromium(t, false) }

// TestStoryInChromiumPostgres is the same story on PostgreSQL.
func TestStoryInChromiumPostgres(t *testing.T) { storyInChromium(t, true) }

func storyInChromium(t *testing.T, pg bool) {
	chromium := testenv.ChromiumPath(t)
	root := testenv.RepoRoot()
	if _, err := os.Stat(filepath.Join(root, "node_modules", "playwright-core")); err != nil {
		testenv.Missing(t, "node_modules/playwright-core is missing: run npm ci at the repository root")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		testenv.Missing(t, "node is not installed")
	}
	e := newEnv(t, pg)
	// The script moves the server's clock through a route of this test
	// server only (never of procedo serve).
	mux := http.NewServeMux()
	mux.HandleFunc("POST /_test/advance", func(w http.ResponseWriter, r *http.Request) {
		days, _ := strconv.Atoi(r.URL.Query().Get("days"))
		e.clock.Advance(time.Duration(days) * 24 * time.Hour)
	})
	mux.Handle("/", e.site.Handler())
	srv := httptest.NewServer(mux)
	defer srv.Close()
	e.srv = srv

	pdfPath := filepath.Join(t.TempDir(), "documento.pdf")
	if err := os.WriteFile(pdfPath, []byte(pdf), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("testdata", "story.mjs"), srv.URL, pdfPath)
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("browser script: %v\nstderr:\n%s\nstdout:\n%s", err, stderr.String(), out)
	}
	var report struct {
		Steps []struct {
			Name         string
			Current      string
			Number       string
			CaseID       string
			Refreshed    bool
			Status       any
			Request      string
			Term         string
			Flash        string
			Phase        string
			PermitStatus int
			PermitType   string
			PermitPDF    bool
		}
		Errors []string
		Axe    []struct {
			Label      string
			Passes     int
			Violations []json.RawMessage
		}
		CaseID string
		Number string
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("report: %v\n%s", err, out)
	}
	for _, e := range report.Errors {
		t.Errorf("browser: %s", e)
	}
	if len(report.Axe) < 4 {
		t.Errorf("only %d pages checked with axe-core", len(report.Axe))
	}
	for _, a := range report.Axe {
		t.Logf("axe-core %s: %d rules pass, %d violations", a.Label, a.Passes, len(a.Violations))
		for _, v := range a.Violations {
			t.Errorf("WCAG 2.1 AA, %s: %s", a.Label, v)
		}
	}
	steps := map[string]int{}
	for i, s := range report.Steps {
		steps[s.Name] = i
	}
	for _, want := range []string{"desk live", "filed", "task arrived live", "integration asked", "citizen sees the request", "integration sent", "approved", "concluded"} {
		if _, ok := steps[want]; !ok {
			t.Fatalf("step %q not reached: %+v", want, report.Steps)
		}
	}
	if s, ok := steps["diagram"]; !ok || report.Steps[s].Current != "Istruttoria" {
		t.Errorf("the diagram does not mark the current task: %+v", report.Steps)
	}
	if s := report.Steps[steps["task arrived live"]]; !s.Refreshed {
		t.Error("the task appeared without the live refresh")
	}
	if s := report.Steps[steps["citizen sees the request"]]; !strings.Contains(s.Request, "Allegare il contratto di locazione") || !strings.Contains(s.Term, "Sospeso") {
		t.Errorf("citizen's view of the request: %+v", s)
	}
	c := report.Steps[steps["concluded"]]
	if c.Status != "completed" || !strings.Contains(c.Phase, "permesso rilasciato") || c.PermitStatus != 200 || c.PermitType != "application/pdf" || !c.PermitPDF {
		t.Errorf("conclusion: %+v", c)
	}

	// History and legal term through the API.
	laura := e.login("monza.laura.verdi")
	var in instance
	laura.api("GET", "/api/v1/instances/"+report.CaseID, nil, &in)
	if in.Status != "completed" || in.Term == nil || in.Term.Suspended || in.Term.Remaining < in.Term.Days-1 {
		t.Errorf("instance: %+v (the 10 suspended days must not count)", in)
	}
	var hist struct{ Events []struct{ Type string } }
	laura.api("GET", "/api/v1/instances/"+report.CaseID+"/history", nil, &hist)
	var types []string
	for _, ev := range hist.Events {
		types = append(types, ev.Type)
	}
	for _, want := range []string{"suspension-started", "suspension-ended", "completed"} {
		if !strings.Contains(strings.Join(types, " "), want) {
			t.Errorf("history lacks %s: %v", want, types)
		}
	}
}
