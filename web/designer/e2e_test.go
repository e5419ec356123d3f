package designerweb

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/procedo/procedo/designer/workspace"
	"github.com/procedo/procedo/internal/testenv"
)

// recorder is a Deployer that keeps what it was given.
type recorder struct {
	mu  sync.Mutex
	got []*Deployment
}

func (d *recorder) deploy(_ context.Context, dep *Deployment) (*DeployResult, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.got = append(d.got, dep)
	return &DeployResult{Version: fmt.Sprintf("v%d", len(d.got))}, nil
}

func newTestServer(t *testing.T, deploy Deployer) (*httptest.Server, *Handler, *workspace.Store) {
	t.Helper()
	store, err := workspace.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "designer.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	h := New(Options{
		Store: store,
		Identify: func(r *http.Request) (Identity, error) {
			return Identity{Tenant: "comune-test", User: "anna", Name: "Anna Rossi", Deploy: true}, nil
		},
		Deploy: deploy,
	})
	mux := http.NewServeMux()
	mux.Handle("/designer/", h)
	mux.HandleFunc("/test/drop-sockets", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, h.dropSockets()) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, h, store
}

// TestDesignerInChromium walks the designer in real Chromium: import,
// a broken import, palette and drag-connect, lint markers, the form
// designer with the server preview, a websocket drop, save, a conflict,
// reload, compare, the watermark, deploy; and measures the lint round
// trip of C.8.0 over the websocket.
func TestDesignerInChromium(t *testing.T) {
	chromium := testenv.ChromiumPath(t)
	root := testenv.RepoRoot()
	if _, err := os.Stat(filepath.Join(root, "node_modules", "playwright-core")); err != nil {
		testenv.Missing(t, "node_modules/playwright-core is missing: run npm ci at the repository root")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		testenv.Missing(t, "node is not installed")
	}
	c80 := filepath.Join(testenv.CorpusDir(t, "bpmn"), "miwg", "Reference", "C.8.0.bpmn")
	rec := &recorder{}
	srv, _, store := newTestServer(t, rec.deploy)
	abs := func(p string) string { a, _ := filepath.Abs(p); return a }

	// PROCEDO_E2E_SCREENSHOT keeps the page of a failure for a look.
	shot := os.Getenv("PROCEDO_E2E_SCREENSHOT")
	if shot == "" {
		shot = filepath.Join(t.TempDir(), "failure.png")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, abs("testdata/e2e.mjs"))
	cmd.Env = append(os.Environ(),
		"DESIGNER_URL="+srv.URL, "CHROMIUM="+chromium,
		"START_BPMN="+abs("testdata/start.bpmn"), "BROKEN_BPMN="+abs("testdata/broken.bpmn"), "C80_BPMN="+c80,
		"SCREENSHOT="+shot)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("browser walk failed: %v\n%s", err, stderr.String())
	}
	t.Log(strings.TrimSpace(stderr.String()))

	// What the browser did is in the store and reached the deployer.
	list, err := store.List(context.Background(), "comune-test")
	if err != nil || len(list) != 1 || list[0].Head != 4 {
		t.Fatalf("stored bundles = %+v, %v; want one at revision 4", list, err)
	}
	head, err := store.Revision(context.Background(), "comune-test", list[0].ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res := LintFiles(head.Files); res.Errors() != 0 {
		t.Errorf("saved bundle has lint errors: %v", res.Diagnostics)
	}
	if len(rec.got) != 1 || rec.got[0].Rev != 4 || rec.got[0].Author != "anna" || !strings.Contains(rec.got[0].Files["process.bpmn"], `procedo:offices="Polizia Locale, Ambiente"`) {
		t.Fatalf("deployments = %+v", rec.got)
	}

	var out struct {
		C80Bytes int `json:"c80Bytes"`
		Trips    []struct {
			Ms           float64 `json:"ms"`
			ServerMicros int64   `json:"serverMicros"`
		} `json:"trips"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("measurements: %v\n%s", err, stdout.String())
	}
	ms := make([]float64, len(out.Trips))
	for i, tr := range out.Trips {
		ms[i] = tr.Ms
	}
	sort.Float64s(ms)
	// Reported, not asserted (speed is measured, never asserted in tests).
	t.Logf("lint round trip of C.8.0 (%d bytes) over the websocket from Chromium: median %.1f ms, min %.1f ms, max %.1f ms (n=%d)",
		out.C80Bytes, ms[len(ms)/2], ms[0], ms[len(ms)-1], len(ms))
}
