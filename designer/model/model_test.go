package model_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cel.dev/cel-go/cel"

	"github.com/procedo/procedo/designer/bpmn"
	"github.com/procedo/procedo/designer/model"
	"github.com/procedo/procedo/internal/testenv"
)

func loadZTL(t *testing.T) *model.Model {
	t.Helper()
	m, problems, err := model.Load("testdata/ztl")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("unexpected problem: %v [%s]", p, p.Code)
	}
	return m
}

func node(t *testing.T, p *model.Process, id string) *model.Node {
	t.Helper()
	for _, n := range p.Nodes {
		if n.ID == id {
			return n
		}
	}
	t.Fatalf("no node %q", id)
	return nil
}

func flowIDs(fs []*model.Flow) string {
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.ID)
	}
	return strings.Join(ids, ",")
}

func TestResolveBundle(t *testing.T) {
	m := loadZTL(t)
	if len(m.Processes) != 2 {
		t.Fatalf("got %d processes", len(m.Processes))
	}
	p := m.Process("ztl")
	if !p.Executable || p.LegalTerm == nil || p.LegalTerm.String() != "P30D" {
		t.Errorf("process: executable=%v legalTerm=%v", p.Executable, p.LegalTerm)
	}
	if got := len(m.Forms); got != 4 {
		t.Errorf("forms: got %d, want 4", got)
	}
	if m.Forms[1].Name != "domanda" || !strings.HasSuffix(m.Forms[1].UIPath, "domanda.ui.json") {
		t.Errorf("form domanda: %+v", m.Forms[1])
	}

	tests := []struct {
		name  string
		check func() (got, want any)
	}{
		{"outgoing in document order", func() (any, any) { return flowIDs(node(t, p, "Esito").Outgoing), "F_Accolta,F_Integrazione,F_Rigetto" }},
		{"incoming joins", func() (any, any) { return flowIDs(node(t, p, "Istruttoria").Incoming), "F2b,F_Integrata" }},
		{"default flow", func() (any, any) { return node(t, p, "Esito").Default.ID, "F_Rigetto" }},
		{"default flag", func() (any, any) { return node(t, p, "Esito").Default.IsDefault, true }},
		{"boundary attached", func() (any, any) { return node(t, p, "Sollecito").AttachedTo.ID, "Istruttoria" }},
		{"activity boundary list", func() (any, any) { return len(node(t, p, "Istruttoria").Boundary), 1 }},
		{"non-interrupting", func() (any, any) { return node(t, p, "Sollecito").Interrupting, false }},
		{"timer decoded", func() (any, any) { return node(t, p, "Sollecito").Event("timer").Timer.Duration.String(), "P7D" }},
		{"error resolved", func() (any, any) { return node(t, p, "TargaErrata").Event("error").Error.Code, "TARGA_NON_VALIDA" }},
		{"offices split", func() (any, any) {
			return strings.Join(node(t, p, "Istruttoria").Offices, "|"), "Polizia Locale|Ambiente"
		}},
		{"sla", func() (any, any) { return node(t, p, "Istruttoria").SLA.String(), "P10D" }},
		{"checklist", func() (any, any) { return node(t, p, "Istruttoria").Checklist, "anticorruzione" }},
		{"lane", func() (any, any) { return node(t, p, "Istruttoria").Lane.Name, "Polizia Locale" }},
		{"service type", func() (any, any) { return node(t, p, "VerificaTarga").ServiceType, "ztl.verifica-targa" }},
		{"retries", func() (any, any) { return node(t, p, "VerificaTarga").Retries, 5 }},
		{"default retries", func() (any, any) { return node(t, p, "Avviso").Retries, 3 }},
		{"receive message", func() (any, any) { return node(t, p, "Integrazione").Message.Name, "integrazione-ricevuta" }},
		{"suspends term", func() (any, any) { return node(t, p, "Integrazione").SuspendsTerm, true }},
		{"correlation key", func() (any, any) { return node(t, p, "Integrazione").CorrelationKey.Text, "richiedente.codiceFiscale" }},
		{"sub-process nesting", func() (any, any) { return node(t, p, "Firma").Parent.ID, "Rilascio" }},
		{"sub-process children", func() (any, any) { return len(node(t, p, "Rilascio").Children), 3 }},
		{"sub-process parent of children", func() (any, any) { return node(t, p, "Rilascio").Children[1].Parent.ID, "Rilascio" }},
		{"multi-instance", func() (any, any) {
			l := node(t, p, "Firma").Loop
			return fmt.Sprintf("%v %s %s", l.Sequential, l.Collection.Text, l.ElementVariable), "true targhe targa"
		}},
		{"call resolved", func() (any, any) { return node(t, p, "Veicolo").Call.Process.ID, "verifica-veicolo" }},
		{"call input", func() (any, any) {
			in := node(t, p, "Veicolo").Call.Inputs[0]
			return in.Source.Text + " -> " + in.Target, "targhe[0] -> targa"
		}},
		{"call output", func() (any, any) {
			out := node(t, p, "Veicolo").Call.Outputs[0]
			return out.Source.Text + " -> " + out.Target, "esito -> esitoVerifica"
		}},
		{"process variables", func() (any, any) { return strings.Join(m.ProcessVariables(), ","), "esito,esitoVerifica,targa" }},
		{"same type in two forms", func() (any, any) {
			v := m.Variables[6]
			return fmt.Sprintf("%s %v %s", v.Name, v.Type != nil, strings.Join(v.Forms, "+")), "responsabile true esito+firma"
		}},
		{"different types in two forms", func() (any, any) {
			v := m.Variables[5]
			return fmt.Sprintf("%s %v", v.Name, v.Type == nil), "protocollo true"
		}},
		{"phase defaults to name", func() (any, any) { return node(t, p, "Istruttoria").Phase, "Istruttoria" }},
		{"flow ends", func() (any, any) {
			f := node(t, p, "Esito").Outgoing[0]
			return f.Source.ID + ">" + f.Target.ID, "Esito>Rilascio"
		}},
		{"condition text with entities decoded", func() (any, any) {
			return node(t, p, "Esito").Outgoing[0].Condition.Text, `decisione == "accolta" && importo > 0.0`
		}},
		{"variables from every form", func() (any, any) {
			var names []string
			for _, v := range m.Variables {
				names = append(names, v.Name)
			}
			return strings.Join(names, ","), "conflittoInteressi,decisione,firmato,importo,note,protocollo,responsabile,richiedente,targhe"
		}},
		{"$ref followed", func() (any, any) { return m.Variables[7].Type.Properties[0].Name, "codiceFiscale" }},
		{"enum typed", func() (any, any) { return string(m.Variables[1].Type.Type), "string" }},
		{"nullable typed", func() (any, any) { return string(m.Variables[4].Type.Type), "string" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := tt.check()
			if got != want {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

// TestExprPositions checks that positions of expressions point into the
// document, past entity references.
func TestExprPositions(t *testing.T) {
	m := loadZTL(t)
	p := m.Process("ztl")
	data, err := os.ReadFile("testdata/ztl/process.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	at := func(pos bpmn.Pos) string { return lines[pos.Line-1][pos.Col-1:] }

	cond := node(t, p, "Esito").Outgoing[0].Condition
	if got := at(cond.Pos); !strings.HasPrefix(got, `decisione == "accolta"`) {
		t.Errorf("condition starts at %v: %q", cond.Pos, got)
	}
	// "importo" is character 26 of the decoded text, after "&&" written
	// as "&amp;&amp;".
	off := strings.Index(cond.Text, "importo")
	if got := at(cond.PosAt(off)); !strings.HasPrefix(got, "importo &gt;") {
		t.Errorf("PosAt(%d) = %v: %q", off, cond.PosAt(off), got)
	}
	key := node(t, p, "Integrazione").CorrelationKey
	if got := at(key.Pos); !strings.HasPrefix(got, `richiedente.codiceFiscale"`) {
		t.Errorf("attribute expression at %v: %q", key.Pos, got)
	}
}

func TestCheckTypes(t *testing.T) {
	m := loadZTL(t)
	env, err := m.CELEnv()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		text    string
		want    *cel.Type
		wantCol int // 0: no error
		wantMsg string
	}{
		{name: "bool condition", text: `decisione == "accolta"`, want: cel.BoolType},
		{name: "nested field of object", text: `richiedente.codiceFiscale`, want: cel.StringType},
		{name: "number is double", text: `importo > 10.0`, want: cel.BoolType},
		{name: "list size", text: `size(targhe) > 1`, want: cel.BoolType},
		{name: "unknown variable", text: `decisione == "x" && esitto`, want: cel.BoolType, wantCol: 21, wantMsg: "undeclared reference to 'esitto'"},
		{name: "int vs double comparison", text: `importo > 10`, want: cel.BoolType},
		{name: "int vs double arithmetic", text: `importo + 1 > 10.0`, want: cel.BoolType, wantCol: 9, wantMsg: "no matching overload"},
		{name: "not bool", text: `importo + 1.0`, want: cel.BoolType, wantCol: 9, wantMsg: "yields double, want bool"},
		{name: "syntax", text: `decisione ==`, want: cel.BoolType, wantCol: 13, wantMsg: "Syntax error"},
		{name: "assignee string", text: `responsabile`, want: cel.StringType},
		{name: "misspelt field", text: `richiedente.codiceFiscal == "X"`, want: cel.BoolType, wantCol: 12, wantMsg: "undefined field 'codiceFiscal'"},
		{name: "field typed", text: `richiedente.codiceFiscale == 1`, want: cel.BoolType, wantCol: 27, wantMsg: "no matching overload"},
		{name: "has on field", text: `has(richiedente.nome)`, want: cel.BoolType},
		{name: "assignee bool", text: `conflittoInteressi`, want: cel.StringType, wantCol: 1, wantMsg: "yields bool, want string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &model.Expr{Text: tt.text, ElementID: "X", Field: "conditionExpression"}
			_, errs := e.Check(env, tt.want)
			if tt.wantCol == 0 {
				if len(errs) > 0 {
					t.Fatalf("unexpected error: %v", errs[0])
				}
				return
			}
			if len(errs) == 0 {
				t.Fatalf("no error, want %q at column %d", tt.wantMsg, tt.wantCol)
			}
			if errs[0].Column != tt.wantCol || !strings.Contains(errs[0].Msg, tt.wantMsg) {
				t.Errorf("got column %d %q, want column %d %q", errs[0].Column, errs[0].Msg, tt.wantCol, tt.wantMsg)
			}
		})
	}
}

// TestCELEnvEvaluatesJSON checks the contract with the in-memory path:
// expressions checked in CELEnv evaluate over plain JSON values.
func TestCELEnvEvaluatesJSON(t *testing.T) {
	m := loadZTL(t)
	env, err := m.CELEnv()
	if err != nil {
		t.Fatal(err)
	}
	var vars map[string]any
	if err := json.Unmarshal([]byte(`{"richiedente": {"codiceFiscale": "RSSMRA80A01H501U"}, "importo": 12.5, "targhe": ["AB123CD"], "decisione": "accolta"}`), &vars); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want any
	}{
		{`richiedente.codiceFiscale`, "RSSMRA80A01H501U"},
		{`decisione == "accolta" && importo > 10.0`, true},
		{`importo > 10 && importo < 13`, true},
		{`size(targhe) == 1 && has(richiedente.codiceFiscale) && !has(richiedente.nome)`, true},
	}
	for _, tt := range tests {
		ast, iss := env.Compile(tt.text)
		if iss.Err() != nil {
			t.Fatalf("%s: %v", tt.text, iss.Err())
		}
		prg, err := env.Program(ast)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := prg.Eval(vars)
		if err != nil {
			t.Fatalf("%s: %v", tt.text, err)
		}
		if got.Value() != tt.want {
			t.Errorf("%s = %v, want %v", tt.text, got.Value(), tt.want)
		}
	}
}

func TestDurationAddTo(t *testing.T) {
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Skip("no time zone data")
	}
	start := time.Date(2026, 3, 20, 9, 0, 0, 0, rome)
	tests := []struct {
		d    string
		want time.Time
	}{
		// Calendar days keep the wall clock across the switch to summer time (29 March 2026).
		{"P30D", time.Date(2026, 4, 19, 9, 0, 0, 0, rome)},
		{"PT48H", time.Date(2026, 3, 22, 9, 0, 0, 0, rome)},
		{"P1M", time.Date(2026, 4, 20, 9, 0, 0, 0, rome)},
		{"P1W", time.Date(2026, 3, 27, 9, 0, 0, 0, rome)},
	}
	for _, tt := range tests {
		d, err := model.ParseDuration(tt.d)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.AddTo(start); !got.Equal(tt.want) {
			t.Errorf("%s after %v = %v, want %v", tt.d, start, got, tt.want)
		}
	}
}

func TestDurations(t *testing.T) {
	tests := []struct {
		in, want string // want "" means an error
	}{
		{"P30D", "P30D"}, {"PT48H", "PT48H"}, {"P1Y2M10DT2H30M", "P1Y2M10DT2H30M"}, {"P2W", "P2W"},
		{"PT1.5S", "PT1.5S"}, {"PT0,5S", "PT0.5S"},
		{"30D", ""}, {"P", ""}, {"PT", ""}, {"P1H", ""}, {"PT1D", ""}, {"P1.5D", ""}, {"P1D1D", ""},
		{"P1DT", ""}, {"P1M1Y", ""}, {"p30d", ""}, {"P-1D", ""}, {"", ""},
	}
	for _, tt := range tests {
		d, err := model.ParseDuration(tt.in)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("ParseDuration(%q) = %v, want an error", tt.in, d)
		case tt.want != "" && err != nil:
			t.Errorf("ParseDuration(%q): %v", tt.in, err)
		case tt.want != "" && d.String() != tt.want:
			t.Errorf("ParseDuration(%q) = %v, want %v", tt.in, d, tt.want)
		}
	}
	for _, tt := range []struct {
		in string
		ok bool
	}{{"R3/PT10H", true}, {"R/P1D", true}, {"R5/2026-01-01T09:00:00Z/P1W", true}, {"R/PT0S", false}, {"PT10H", false}, {"Rx/P1D", false}, {"R2/yesterday/P1D", false}} {
		if _, err := model.ParseCycle(tt.in); (err == nil) != tt.ok {
			t.Errorf("ParseCycle(%q): err=%v, want ok=%v", tt.in, err, tt.ok)
		}
	}
	for _, tt := range []struct {
		in string
		ok bool
	}{{"2026-03-01T09:00:00Z", true}, {"2026-03-01T09:00:00+01:00", true}, {"2026-03-01", true}, {"01/03/2026", false}, {"2026-03-01T09:00:00", false}} {
		if _, err := model.ParseDate(tt.in); (err == nil) != tt.ok {
			t.Errorf("ParseDate(%q): err=%v, want ok=%v", tt.in, err, tt.ok)
		}
	}
}

// TestResolveCorpus resolves every corpus document that parses: no panic,
// every node and flow of a process is in the model, every flow with both
// ends in the process is linked both ways.
func TestResolveCorpus(t *testing.T) {
	dir := testenv.CorpusDir(t, "bpmn")
	n := 0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".bpmn") || strings.HasSuffix(path, ".part.bpmn") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		m, _, err := model.ResolveBytes(path, data, nil, false)
		if err != nil {
			return nil // unparsable fixtures are the parser's business
		}
		n++
		for _, p := range m.Processes {
			for _, f := range p.Flows {
				if f.Source != nil && !containsFlow(f.Source.Outgoing, f) || f.Target != nil && !containsFlow(f.Target.Incoming, f) {
					t.Errorf("%s: flow %q not linked to its ends", path, f.ID)
				}
			}
			for _, nd := range p.Nodes {
				if nd.Process != p || nd.Element == nil {
					t.Errorf("%s: node %q badly resolved", path, nd.ID)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Errorf("resolved only %d corpus documents", n)
	}
}

func containsFlow(fs []*model.Flow, f *model.Flow) bool {
	for _, g := range fs {
		if g == f {
			return true
		}
	}
	return false
}

// BenchmarkParseResolve parses and resolves the largest corpus document.
func BenchmarkParseResolve(b *testing.B) {
	path := filepath.Join(testenv.CorpusDir(b, "bpmn"), "miwg", "Trisotech-Workflow-Modeler-12.6.3", "C.8.1-export.bpmn")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := model.ResolveBytes(path, data, nil, false); err != nil {
			b.Fatal(err)
		}
	}
}
