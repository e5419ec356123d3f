package lint_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/procedo/procedo/designer/lint"
	"github.com/procedo/procedo/internal/testenv"
)

// fixture returns testdata/<rule>/<kind>: a bundle folder when there is
// one, else the .bpmn file.
func fixture(t *testing.T, rule, kind string) string {
	t.Helper()
	dir := filepath.Join("testdata", rule, kind)
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return dir
	}
	file := dir + ".bpmn"
	if _, err := os.Stat(file); err != nil {
		t.Fatalf("rule %s has no fixture %s(.bpmn)", rule, dir)
	}
	return file
}

func withRule(ds []lint.Diagnostic, rule string) []lint.Diagnostic {
	var out []lint.Diagnostic
	for _, d := range ds {
		if d.Rule == rule {
			out = append(out, d)
		}
	}
	return out
}

// TestRules runs every rule on a model that triggers it (bad) and on one
// that does not (ok), both kept in testdata/<rule>/.
func TestRules(t *testing.T) {
	tests := []struct {
		rule      string
		wantID    string // element id of the first diagnostic ("" = not checked)
		wantLine  int    // line of the first diagnostic (0 = not checked)
		wantCol   int
		wantInMsg string
	}{
		{rule: "bpmn-invalid", wantID: "Task", wantInMsg: "does not leave"},
		{rule: "bpmn-parse", wantLine: 1, wantCol: 1, wantInMsg: "not an XML document"},
		{rule: "call-activity", wantID: "Call", wantInMsg: "calledElement"},
		{rule: "cel", wantID: "Yes", wantLine: 9, wantCol: 149, wantInMsg: "column 11: found no matching overload for '_==_' applied to '(string, int)'"},
		{rule: "condition-language", wantID: "Yes", wantInMsg: `"javascript"`},
		{rule: "condition-outside-gateway", wantID: "F2"},
		{rule: "conditional-flows", wantID: "No", wantInMsg: "default flow"},
		{rule: "dangling-reference", wantID: "F2", wantInMsg: `"Nowhere"`},
		{rule: "dead-end", wantID: "Start"},
		{rule: "duplicate-id", wantID: "Task"},
		{rule: "end-event-required", wantID: "Process_1"},
		{rule: "error-code", wantID: "Fail", wantInMsg: "no errorCode"},
		{rule: "event-based-gateway", wantID: "F2"},
		{rule: "event-sub-process-typed-start-event", wantID: "EvStart"},
		{rule: "ad-hoc-sub-process", wantID: "AdStart"},
		{rule: "link-event", wantID: "GoTo", wantInMsg: `"chiusura"`},
		{rule: "superfluous-termination", wantID: "Stop"},
		{rule: "fake-join", wantID: "Task"},
		{rule: "form-invalid", wantLine: 1, wantCol: 1, wantInMsg: "must describe an object"},
		{rule: "form-parse", wantLine: 2, wantCol: 1, wantInMsg: "not valid JSON"},
		{rule: "form-missing", wantID: "Task", wantInMsg: `"esitto"`},
		{rule: "form-required", wantID: "Task"},
		{rule: "iso8601", wantID: "Task", wantLine: 6, wantCol: 112, wantInMsg: `"10 giorni"`},
		{rule: "label-required", wantID: "Task"},
		{rule: "legal-term", wantID: "Process_1"},
		{rule: "message-correlation", wantID: "Wait"},
		{rule: "message-required", wantID: "Wait"},
		{rule: "multi-instance", wantID: "Task"},
		{rule: "no-bpmndi", wantID: "Definitions_1"},
		{rule: "no-disconnected", wantID: "Orphan"},
		{rule: "no-duplicate-sequence-flows", wantID: "F1bis"},
		{rule: "no-executable-process", wantID: "Process_1"},
		{rule: "no-gateway-join-fork", wantID: "Gw"},
		{rule: "no-implicit-end", wantID: "Task"},
		{rule: "no-implicit-split", wantID: "Task"},
		{rule: "no-implicit-start", wantID: "Extra"},
		{rule: "procedo-attribute", wantID: "Svc", wantLine: 6, wantCol: 102, wantInMsg: `"molti"`},
		{rule: "script-task", wantID: "Calc"},
		{rule: "service-type", wantID: "Svc"},
		{rule: "single-blank-start-event", wantID: "Start2"},
		{rule: "single-event-definition", wantID: "Start2"},
		{rule: "start-event-required", wantID: "Process_1"},
		{rule: "sub-process-blank-start-event", wantID: "SubStart"},
		{rule: "superfluous-gateway", wantID: "Gw"},
		{rule: "timer", wantID: "T"},
		{rule: "unreachable", wantID: "X"},
		{rule: "unsupported-element", wantID: "Rule", wantInMsg: "business rule tasks"},
		{rule: "user-task-assignment", wantID: "Task"},
		{rule: "variable-not-set", wantID: "Yes", wantInMsg: "reads 'decisione', which not every path to here sets: 'decisione' comes from form esito"},
	}
	tested := map[string]bool{}
	for _, tt := range tests {
		tested[tt.rule] = true
		t.Run(tt.rule, func(t *testing.T) {
			bad := withRule(lint.Path(fixture(t, tt.rule, "bad")).Diagnostics, tt.rule)
			if len(bad) == 0 {
				t.Fatalf("bad fixture: no %s diagnostic", tt.rule)
			}
			d := bad[0]
			if tt.wantID != "" && d.ElementID != tt.wantID {
				t.Errorf("element id %q, want %q (%v)", d.ElementID, tt.wantID, d)
			}
			if tt.wantLine != 0 && (d.Line != tt.wantLine || d.Col != tt.wantCol) {
				t.Errorf("position %d:%d, want %d:%d (%v)", d.Line, d.Col, tt.wantLine, tt.wantCol, d)
			}
			if !strings.Contains(d.Message, tt.wantInMsg) {
				t.Errorf("message %q does not contain %q", d.Message, tt.wantInMsg)
			}
			if want := ruleSeverity(t, tt.rule); d.Severity != want {
				t.Errorf("severity %s, want %s", d.Severity, want)
			}
			if ok := withRule(lint.Path(fixture(t, tt.rule, "ok")).Diagnostics, tt.rule); len(ok) > 0 {
				t.Errorf("ok fixture: unexpected %v", ok[0])
			}
		})
	}
	for _, r := range lint.Rules() {
		if !tested[r.ID] {
			t.Errorf("rule %s has no table test", r.ID)
		}
	}
}

func ruleSeverity(t *testing.T, id string) lint.Severity {
	for _, r := range lint.Rules() {
		if r.ID == id {
			return r.Severity
		}
	}
	t.Fatalf("no rule %s", id)
	return ""
}

// TestClean lints a bundle that follows every rule.
func TestClean(t *testing.T) {
	res := lint.Path("testdata/clean")
	for _, d := range res.Diagnostics {
		t.Errorf("unexpected: %v", d)
	}
	if res.Unreadable {
		t.Error("clean bundle unreadable")
	}
}

// TestCELColumns checks that errors inside expressions point at the
// column of the offending token, in the expression and in the file.
func TestCELColumns(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, "testdata/clean", dir)
	src := `<bpmn:sequenceFlow id="F2" sourceRef="Task" targetRef="Gw" />
    <bpmn:exclusiveGateway id="Gw" name="Esito?" default="No" />
    <bpmn:sequenceFlow id="Yes" sourceRef="Gw" targetRef="End"><bpmn:conditionExpression language="cel">decisione == "si" &amp;&amp; esitoo</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="No" sourceRef="Gw" targetRef="End"><bpmn:conditionExpression language="cel">
      importo + 1.0</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:userTask id="Task2" name="Firma" procedo:assignee="importo > 1.0" procedo:offices="Protocollo" procedo:form="esito" />`
	path := filepath.Join(dir, "process.bpmn")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.Replace(data, []byte(`<bpmn:sequenceFlow id="F2" sourceRef="Task" targetRef="End" />`), []byte(src), 1)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	tests := []struct {
		id       string
		wantMsg  string
		wantText string // what the file holds at the reported position
	}{
		{id: "Yes", wantMsg: "column 22: undeclared reference to 'esitoo'", wantText: "esitoo<"},
		{id: "No", wantMsg: "column 15: the expression yields double, want bool", wantText: "+ 1.0<"},
		{id: "Task2", wantMsg: "procedo:assignee of \"Task2\", column 9: the expression yields bool, want string", wantText: "> 1.0\""},
	}
	ds := withRule(lint.Path(dir).Diagnostics, "cel")
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			for _, d := range ds {
				if d.ElementID != tt.id {
					continue
				}
				if !strings.Contains(d.Message, tt.wantMsg) {
					t.Errorf("message %q, want %q", d.Message, tt.wantMsg)
				}
				at := strings.ReplaceAll(lines[d.Line-1][d.Col-1:], "&gt;", ">")
				if !strings.HasPrefix(at, tt.wantText) {
					t.Errorf("position %d:%d holds %q, want %q", d.Line, d.Col, at, tt.wantText)
				}
				return
			}
			t.Errorf("no cel diagnostic for %s in %v", tt.id, ds)
		})
	}
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCorpus lints every corpus file: no panic, and every diagnostic has
// a position or an element id.
func TestCorpus(t *testing.T) {
	dir := testenv.CorpusDir(t, "bpmn")
	files := 0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		res := lint.Path(path)
		for _, d := range res.Diagnostics {
			if d.Line == 0 && d.ElementID == "" {
				t.Errorf("%s: diagnostic without position or element id: %v", path, d)
			}
			if d.Rule == "" || d.Message == "" || (d.Severity != lint.Error && d.Severity != lint.Warning) {
				t.Errorf("%s: malformed diagnostic %+v", path, d)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 150 {
		t.Errorf("linted only %d corpus files", files)
	}
}

// TestTextFormat checks the line format file:line:col: severity: message [rule] (element id).
func TestTextFormat(t *testing.T) {
	var buf bytes.Buffer
	if err := lint.WriteText(&buf, []*lint.Result{lint.Path(fixture(t, "service-type", "bad"))}); err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^testdata/service-type/bad\.bpmn:6:5: error: serviceTask "Protocolla" has no procedo:type: .* \[service-type\] \(Svc\)$`)
	found := false
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if re.MatchString(line) {
			found = true
		}
	}
	if !found {
		t.Errorf("no line matching %v in:\n%s", re, buf.String())
	}
}

func TestJSONFormat(t *testing.T) {
	var buf bytes.Buffer
	results := []*lint.Result{lint.Path(fixture(t, "service-type", "bad")), lint.Path("testdata/clean")}
	if err := lint.WriteJSON(&buf, results); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Version int `json:"version"`
		Results []struct {
			Path        string            `json:"path"`
			Unreadable  bool              `json:"unreadable"`
			Diagnostics []lint.Diagnostic `json:"diagnostics"`
		} `json:"results"`
		Errors   int `json:"errors"`
		Warnings int `json:"warnings"`
	}
	if err := json.Unmarshal(buf.Bytes(), &rep); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if rep.Version != 1 || len(rep.Results) != 2 || rep.Errors != 1 || rep.Results[1].Diagnostics == nil {
		t.Errorf("unexpected report: %s", buf.String())
	}
	d := rep.Results[0].Diagnostics
	i := len(d) - 1
	if d[i].Rule != "service-type" || d[i].ElementID != "Svc" || d[i].Line != 6 || d[i].Process != "Process_1" {
		t.Errorf("diagnostic %+v", d[i])
	}
}

// TestDocsListEveryRule keeps docs/lint.md in step with the rules.
func TestDocsListEveryRule(t *testing.T) {
	data, err := os.ReadFile("../../docs/lint.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range lint.Rules() {
		if !strings.Contains(string(data), "### "+r.ID+"\n") {
			t.Errorf("docs/lint.md has no section \"### %s\"", r.ID)
		}
	}
}

// TestNonExecutable checks that execution rules are skipped, and
// structural ones kept, when the process is not executable.
func TestNonExecutable(t *testing.T) {
	tests := []struct {
		rule      string
		execution bool
	}{
		{rule: "service-type", execution: true},
		{rule: "iso8601", execution: true},
		{rule: "timer", execution: true},
		{rule: "unsupported-element", execution: true},
		{rule: "conditional-flows", execution: false},
		{rule: "no-disconnected", execution: false},
		{rule: "procedo-attribute", execution: false},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			data, err := os.ReadFile(fixture(t, tt.rule, "bad"))
			if err != nil {
				t.Fatal(err)
			}
			data = bytes.Replace(data, []byte(`isExecutable="true"`), []byte(`isExecutable="false"`), 1)
			path := filepath.Join(t.TempDir(), "process.bpmn")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			ds := lint.Path(path).Diagnostics
			if got := len(withRule(ds, tt.rule)) > 0; got == tt.execution {
				t.Errorf("%s reported=%v on a non-executable process, want %v", tt.rule, got, !tt.execution)
			}
			if len(withRule(ds, "no-executable-process")) != 1 {
				t.Errorf("want one no-executable-process warning, got %v", ds)
			}
		})
	}
}

// TestCELScopes checks that the element variable of a multi-instance
// sub-process is visible inside it and only there.
func TestCELScopes(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, "testdata/clean", dir)
	path := filepath.Join(dir, "process.bpmn")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sub := `<bpmn:sequenceFlow id="F2" sourceRef="Task" targetRef="Sub" />
    <bpmn:subProcess id="Sub" name="Pareri">
      <bpmn:multiInstanceLoopCharacteristics procedo:collection="[&quot;a&quot;, &quot;b&quot;]" procedo:elementVariable="ufficio" />
      <bpmn:startEvent id="SubStart" name="Inizio" />
      <bpmn:sequenceFlow id="S1" sourceRef="SubStart" targetRef="Parere" />
      <bpmn:userTask id="Parere" name="Parere" procedo:assignee="ufficio" procedo:form="esito" />
      <bpmn:sequenceFlow id="S2" sourceRef="Parere" targetRef="SubEnd" />
      <bpmn:endEvent id="SubEnd" name="Fine" />
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="F3" sourceRef="Sub" targetRef="Firma" />
    <bpmn:userTask id="Firma" name="Firma" procedo:assignee="ufficio" procedo:form="esito" />
    <bpmn:sequenceFlow id="F4" sourceRef="Firma" targetRef="End" />`
	data = bytes.Replace(data, []byte(`<bpmn:sequenceFlow id="F2" sourceRef="Task" targetRef="End" />`), []byte(sub), 1)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	ds := withRule(lint.Path(dir).Diagnostics, "cel")
	if len(ds) != 1 || ds[0].ElementID != "Firma" || !strings.Contains(ds[0].Message, "undeclared reference to 'ufficio'") {
		t.Errorf("want one undeclared 'ufficio' on Firma, got %v", ds)
	}
}

// TestRealistic lints a realistic procedure that uses every executable
// construct (parallel and inclusive gateways, event-based gateway with
// message and timer, boundary error and non-interrupting timer, loops
// through a joining gateway, a multi-instance sub-process, a script task,
// a call activity): no false positive, only the missing diagram.
func TestRealistic(t *testing.T) {
	for _, d := range lint.Path("testdata/realistic").Diagnostics {
		if d.Rule != "no-bpmndi" {
			t.Errorf("false positive: %v", d)
		}
	}
}

// TestVariableNotSetPaths checks the path analysis: a variable set on one
// branch only is not set after the branches merge; one set before a loop
// stays set inside it.
func TestVariableNotSetPaths(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, "testdata/clean", dir)
	path := filepath.Join(dir, "process.bpmn")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	body := `<bpmn:sequenceFlow id="F2" sourceRef="Task" targetRef="Split" />
    <bpmn:exclusiveGateway id="Split" name="Urgente?" default="Normal" />
    <bpmn:sequenceFlow id="Urgent" sourceRef="Split" targetRef="Fast"><bpmn:conditionExpression language="cel">decisione == "si"</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Normal" sourceRef="Split" targetRef="Merge" />
    <bpmn:userTask id="Fast" name="Firma rapida" procedo:offices="Protocollo" procedo:form="firma" />
    <bpmn:sequenceFlow id="F3" sourceRef="Fast" targetRef="Merge" />
    <bpmn:exclusiveGateway id="Merge" />
    <bpmn:sequenceFlow id="F4" sourceRef="Merge" targetRef="Check" />
    <bpmn:userTask id="Check" name="Controllo" procedo:assignee="firmatario" procedo:form="esito" />
    <bpmn:sequenceFlow id="F5" sourceRef="Check" targetRef="Again" />
    <bpmn:exclusiveGateway id="Again" name="Ancora?" default="Done" />
    <bpmn:sequenceFlow id="Loop" sourceRef="Again" targetRef="Merge"><bpmn:conditionExpression language="cel">decisione == "no" &amp;&amp; importo &gt; 1.0</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Done" sourceRef="Again" targetRef="End" />`
	data = bytes.Replace(data, []byte(`<bpmn:sequenceFlow id="F2" sourceRef="Task" targetRef="End" />`), []byte(body), 1)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "forms", "firma.schema.json"), []byte(`{"type": "object", "properties": {"firmatario": {"type": "string"}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ds := withRule(lint.Path(dir).Diagnostics, "variable-not-set")
	if len(ds) != 1 || ds[0].ElementID != "Check" || !strings.Contains(ds[0].Message, "reads 'firmatario'") {
		t.Errorf("want one warning on Check for 'firmatario', got %v", ds)
	}
}
