package dashboard_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/procedo/procedo/internal/testenv"
	"github.com/procedo/procedo/runtime/insight"
	"github.com/procedo/procedo/runtime/insight/synth"
)

// durationText is the page's formatting of a duration (days and hours),
// written again here so that the test does not trust the code under test.
func durationText(seconds float64) string {
	if seconds <= 0 {
		return "0 h"
	}
	d := time.Duration(seconds * float64(time.Second))
	days := int(d / (24 * time.Hour))
	hours := int((d%(24*time.Hour) + 30*time.Minute) / time.Hour)
	if hours == 24 {
		days, hours = days+1, 0
	}
	if days == 0 {
		return fmt.Sprintf("%d h", hours)
	}
	return fmt.Sprintf("%d gg %d h", days, hours)
}

// TestDashboardInChromium serves the dashboard over a seeded history and
// has real Chromium show it: every figure on the page must be the seeded
// one, the slowest element of the diagram painted hottest, a drill-down
// must list the flagged cases, and new cases must appear without a
// reload.
func TestDashboardInChromium(t *testing.T) {
	chromium := testenv.ChromiumPath(t)
	root := testenv.RepoRoot()
	if _, err := os.Stat(filepath.Join(root, "node_modules", "playwright-core")); err != nil {
		testenv.Missing(t, "node_modules/playwright-core is missing: run npm ci at the repository root")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		testenv.Missing(t, "node is not installed")
	}
	f := seed(t, 40)
	want, err := f.idx.Report(t.Context(), insight.Filter{Body: f.truth.Body, Procedure: synth.ProcessKey})
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("testdata", "e2e.mjs"), f.srv.URL+"/dashboard/?procedure="+synth.ProcessKey)
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Wait() }()
	lines := bufio.NewScanner(stdout)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
	next := func(v any) {
		t.Helper()
		if !lines.Scan() {
			_ = cmd.Wait()
			t.Fatalf("browser script ended early: %v\nstderr:\n%s", lines.Err(), stderr.String())
		}
		if err := json.Unmarshal(lines.Bytes(), v); err != nil {
			t.Fatalf("browser script output %q: %v", lines.Text(), err)
		}
	}

	var shown struct {
		Figures map[string]string `json:"figures"`
		Heat    map[string]struct {
			Level string `json:"level"`
			Fill  string `json:"fill"`
		} `json:"heat"`
		Badges    map[string]string `json:"badges"`
		Watermark bool              `json:"watermark"`
		Charts    []bool            `json:"charts"`
		Drill     struct {
			Label   string   `json:"label"`
			Total   string   `json:"total"`
			Rows    []string `json:"rows"`
			Reasons []string `json:"reasons"`
		} `json:"drill"`
		HotByRuns []string          `json:"hotByRuns"`
		Errors    []string          `json:"errors"`
		Axe       []json.RawMessage `json:"axe"`
	}
	next(&shown)
	for _, v := range shown.Axe {
		t.Errorf("accessibility (axe, WCAG 2.1 AA): %s", v)
	}

	// Every figure, as seeded.
	wantFig := map[string]string{
		"cases.total": strconv.Itoa(want.Cases.Total), "cases.active": strconv.Itoa(want.Cases.Active),
		"cases.completed": strconv.Itoa(want.Cases.Completed), "cases.duration": durationText(want.Cases.Duration.Mean),
		"term.late": strconv.Itoa(want.Term.Late), "term.atRisk": strconv.Itoa(want.Term.AtRisk),
		"term.onTime": strconv.Itoa(want.Term.OnTime), "term.overdue": strconv.Itoa(want.Term.Overdue),
		"term.suspended": strconv.Itoa(want.Term.Suspended), "term.suspensionDays": strconv.Itoa(want.Term.SuspensionDays),
	}
	flagCases := map[string][]string{}
	for _, fl := range want.Flags {
		flagCases[fl.Rule] = append(flagCases[fl.Rule], fl.Case)
	}
	for _, r := range insight.Rules("it") {
		wantFig["flag."+r.ID] = strconv.Itoa(len(flagCases[r.ID]))
	}
	hot, hotMean := "", -1.0
	for _, a := range want.Activities {
		wantFig["activity."+a.Element+".runs"] = strconv.Itoa(a.Runs)
		wantFig["activity."+a.Element+".rework"] = strconv.Itoa(a.ReworkRuns)
		wantFig["activity."+a.Element+".mean"] = durationText(a.Duration.Mean)
		if a.Duration.Mean > hotMean {
			hot, hotMean = a.Element, a.Duration.Mean
		}
	}
	for _, o := range want.Offices {
		wantFig["office."+o.Name+".open"] = strconv.Itoa(o.Open)
	}
	for _, c := range want.Checklists {
		wantFig["checklist."+c.Item+".no"] = strconv.Itoa(c.No)
	}
	for _, d := range want.Documents {
		wantFig["document."+d.Name+".mean"] = fmt.Sprintf("%.2f", d.Mean)
	}
	for k, v := range wantFig {
		if shown.Figures[k] != v {
			t.Errorf("figure %s: the page shows %q, want %q", k, shown.Figures[k], v)
		}
	}
	if len(shown.Figures) != len(wantFig) {
		t.Errorf("the page shows %d figures, the test knows %d: %v", len(shown.Figures), len(wantFig), shown.Figures)
	}

	// The heatmap: the slowest element is the hottest, and only it.
	if hot != synth.Integrazione {
		t.Errorf("the seeded hot element is %s, want %s (waiting days for the citizen)", hot, synth.Integrazione)
	}
	if h := shown.Heat[hot]; h.Level != "heat-4" || h.Fill != "rgb(217, 54, 79)" {
		t.Errorf("hot element %s: %+v, want heat-4 painted rgb(217, 54, 79)", hot, h)
	}
	for el, h := range shown.Heat {
		if el != hot && h.Level == "heat-4" {
			t.Errorf("%s is painted as hot as %s", el, hot)
		}
	}
	if len(shown.Heat) != len(want.Activities) {
		t.Errorf("%d elements painted, want %d", len(shown.Heat), len(want.Activities))
	}
	for _, a := range want.Activities {
		if b, want := shown.Badges[a.Element], fmt.Sprintf("%d× · %s", a.Runs, durationText(a.Duration.Mean)); b != want {
			t.Errorf("badge of %s: %q, want %q", a.Element, b, want)
		}
	}
	busiest, busiestRuns := "", 0
	for _, a := range want.Activities {
		if a.Runs > busiestRuns {
			busiest, busiestRuns = a.Element, a.Runs
		}
	}
	if !slices.Equal(shown.HotByRuns, []string{busiest}) {
		t.Errorf("heatmap by frequency: hottest %v, want [%s] (%d runs)", shown.HotByRuns, busiest, busiestRuns)
	}
	if !shown.Watermark {
		t.Error("the bpmn.io watermark is not visible")
	}
	if len(shown.Charts) != 2 || !shown.Charts[0] || !shown.Charts[1] {
		t.Errorf("charts drawn: %v", shown.Charts)
	}

	// Drill-down on RF01.
	wantRows := flagCases[insight.RuleSamePerson]
	slices.Sort(wantRows)
	if len(wantRows) == 0 {
		t.Error("the seeded history has no RF01 case to drill into")
	}
	if want := "Segnale: Stessa persona istruisce e decide (RF01)"; shown.Drill.Label != want {
		t.Errorf("drill label %q, want %q", shown.Drill.Label, want)
	}
	if shown.Drill.Total != strconv.Itoa(len(wantRows)) || !slices.Equal(shown.Drill.Rows, wantRows) || len(shown.Drill.Reasons) != len(wantRows) {
		t.Errorf("drill flag:RF01: total %s rows %v reasons %v, want %v", shown.Drill.Total, shown.Drill.Rows, shown.Drill.Reasons, wantRows)
	}

	// Live refresh: three more cases, no reload.
	o := synth.Options{Body: f.truth.Body, Cases: 3, Seed: 77, Prefix: "live-", Days: 1}
	o.Start = f.truth.End
	o.End = o.Start.AddDate(0, 0, 2)
	if _, err := synth.Generate(t.Context(), f.st, o); err != nil {
		t.Fatal(err)
	}
	total := strconv.Itoa(want.Cases.Total + 3)
	_, _ = io.WriteString(stdin, total+"\n")
	var live struct {
		LiveTotal string   `json:"liveTotal"`
		Errors    []string `json:"errors"`
	}
	next(&live)
	if live.LiveTotal != total {
		t.Errorf("after live refresh the page shows %s cases, want %s", live.LiveTotal, total)
	}
	if len(live.Errors) > 0 {
		t.Errorf("browser errors: %v", live.Errors)
	}
}
