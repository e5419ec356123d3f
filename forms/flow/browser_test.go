package flow

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/procedo/procedo/forms"
	"github.com/procedo/procedo/internal/testenv"
)

// plan tells the browser script what to type on each step.
type plan struct {
	Steps []planStep `json:"steps"`
}

type planStep struct {
	Page   string      `json:"page"`
	Adds   []string    `json:"adds"`
	Fields []planField `json:"fields"`
}

type planField struct {
	Name   string `json:"name"`
	Widget string `json:"widget"`
	Value  string `json:"value"`
	File   string `json:"file,omitempty"`
}

// nodeModules returns the repository's node_modules, or skips (fails in
// CI) when npm ci has not run.
func nodeModules(t *testing.T) string {
	root := testenv.RepoRoot()
	dir := filepath.Join(root, "node_modules")
	for _, pkg := range []string{"playwright-core", "@axe-core/playwright"} {
		if _, err := os.Stat(filepath.Join(dir, pkg)); err != nil {
			testenv.Missing(t, "node_modules/"+pkg+" is missing: run npm ci at the repository root")
		}
	}
	return dir
}

// TestAccessibilityInChromium serves the realistic form and has real
// Chromium (driven by playwright-core) check every page with axe-core
// against WCAG 2.1 A and AA, and complete the application with the
// keyboard only, once with JavaScript and once without.
func TestAccessibilityInChromium(t *testing.T) {
	chromium := testenv.ChromiumPath(t)
	nodeModules(t)
	node, err := exec.LookPath("node")
	if err != nil {
		testenv.Missing(t, "node is not installed")
	}
	srv, f, data, store := newServer(t)
	dir := t.TempDir()
	pdfPath := filepath.Join(dir, "carta-identità.pdf")
	if err := os.WriteFile(pdfPath, []byte(pdf), 0o644); err != nil {
		t.Fatal(err)
	}
	var p plan
	for step := range f.Steps() {
		ps := planStep{Page: "step-" + strconv.Itoa(step+1), Adds: []string{}, Fields: []planField{}}
		fields := f.Encode(data, step)
		names := make([]string, 0, len(fields))
		for name := range fields {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			ptr, _ := forms.PointerOf(name)
			c := f.Control(ptr)
			if c == nil || c.Widget == forms.WidgetArray {
				if c != nil {
					n, _ := strconv.Atoi(fields.Get(name))
					for i := 0; i < n; i++ {
						ps.Adds = append(ps.Adds, "add:"+ptr)
					}
				}
				continue
			}
			if c.Widget == forms.WidgetCheckbox && fields.Get(name) != "true" {
				continue
			}
			ps.Fields = append(ps.Fields, planField{Name: name, Widget: c.Widget, Value: fields.Get(name)})
		}
		for _, c := range f.Controls() {
			if c.Widget == forms.WidgetFile && strings.HasPrefix(planStepOf(f, c), ps.Page) {
				ps.Fields = append(ps.Fields, planField{Name: forms.FieldName(c.Pointer), Widget: c.Widget, File: pdfPath})
			}
		}
		p.Steps = append(p.Steps, ps)
	}
	planPath := filepath.Join(dir, "plan.json")
	js, _ := json.MarshalIndent(p, "", "  ")
	if err := os.WriteFile(planPath, js, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("..", "testdata", "a11y.mjs"), srv.URL+"/domanda", planPath)
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if os.Getenv("A11Y_DEBUG") != "" {
		cmd.Stderr = io.MultiWriter(&stderr, os.Stderr)
	}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("browser script: %v\nstderr:\n%s\nstdout:\n%s", err, stderr.String(), out)
	}
	var report struct {
		Runs []struct {
			JS    bool `json:"js"`
			Pages []struct {
				Label      string            `json:"label"`
				Passes     int               `json:"passes"`
				Violations []json.RawMessage `json:"violations"`
			} `json:"pages"`
			Receipt string   `json:"receipt"`
			Errors  []string `json:"errors"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("report: %v\n%s", err, out)
	}
	if len(report.Runs) != 2 {
		t.Fatalf("want a run with and one without JavaScript, got %d", len(report.Runs))
	}
	for _, run := range report.Runs {
		mode := map[bool]string{true: "JavaScript on", false: "JavaScript off"}[run.JS]
		if len(run.Pages) < 7 {
			t.Errorf("%s: only %d pages audited", mode, len(run.Pages))
		}
		for _, pg := range run.Pages {
			if pg.Passes == 0 {
				t.Errorf("%s, %s: axe checked nothing", mode, pg.Label)
			}
			for _, v := range pg.Violations {
				t.Errorf("%s, %s: axe violation %s", mode, pg.Label, v)
			}
		}
		if !strings.HasPrefix(run.Receipt, "2026/") {
			t.Errorf("%s: the keyboard-only run did not reach the receipt (got %q)", mode, run.Receipt)
		}
		for _, e := range run.Errors {
			t.Errorf("%s: browser console error: %s", mode, e)
		}
		passes := 0
		for _, pg := range run.Pages {
			passes += pg.Passes
		}
		t.Logf("%s: %d pages audited (%d axe rules passed in all), receipt %s", mode, len(run.Pages), passes, run.Receipt)
	}
	if _, err := store.Lookup(context.Background(), "roccasecca", "x"); err == nil {
		t.Fatal("lookup of an unknown key succeeded")
	}
}

// planStepOf is the page id of the step holding control c.
func planStepOf(f *forms.Form, c *forms.Element) string {
	for i, s := range f.Steps() {
		found := false
		var walk func(e *forms.Element)
		walk = func(e *forms.Element) {
			if e == c {
				found = true
			}
			for _, k := range e.Elements {
				walk(k)
			}
		}
		walk(s)
		if found {
			return "step-" + strconv.Itoa(i+1)
		}
	}
	return ""
}
