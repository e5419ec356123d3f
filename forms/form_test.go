package forms

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// testNow is the fixed "today" of the tests: 23 November 2026, 10:00 in Rome.
func testNow() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ztlForm(t testing.TB) *Form {
	t.Helper()
	f, err := Compile(
		Source{Name: "ztl.schema.json", Data: readFile(t, "testdata/ztl.schema.json")},
		Source{Name: "ztl.ui.json", Data: readFile(t, "testdata/ztl.ui.json")},
		Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func ztlData(t testing.TB) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(readFile(t, "testdata/ztl.valid.json"), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// set changes the value at a data pointer (nil deletes it).
func set(v map[string]any, ptr string, val any) map[string]any {
	toks := pointerTokens(ptr)
	cur := v
	for _, t := range toks[:len(toks)-1] {
		next, ok := cur[t].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[t] = next
		}
		cur = next
	}
	if val == nil {
		delete(cur, toks[len(toks)-1])
	} else {
		cur[toks[len(toks)-1]] = val
	}
	return v
}

func TestValidateRealisticForm(t *testing.T) {
	f := ztlForm(t)
	if n := len(f.Controls()); n < 30 || n > 40 {
		t.Fatalf("the realistic form has %d controls, want 30–40", n)
	}
	tests := []struct {
		name    string
		change  func(map[string]any)
		want    []FieldError // pointer + message; nil: valid
		wantKey string
	}{
		{name: "valid", change: func(map[string]any) {}},
		{
			name:   "missing codice fiscale",
			change: func(v map[string]any) { set(v, "/richiedente/codice_fiscale", nil) },
			want:   []FieldError{{Pointer: "/richiedente/codice_fiscale", Message: "Il campo «Codice fiscale» è obbligatorio."}},
		},
		{
			name:   "codice fiscale with wrong check letter",
			change: func(v map[string]any) { set(v, "/richiedente/codice_fiscale", "RSSMRA85T10A562T") },
			want:   []FieldError{{Pointer: "/richiedente/codice_fiscale", Message: "Il campo «Codice fiscale» non è un codice fiscale valido: il carattere di controllo non corrisponde. Controlla di averlo scritto correttamente."}},
		},
		{
			name:   "applicant under 18",
			change: func(v map[string]any) { set(v, "/richiedente/data_nascita", "2010-01-01") },
			want:   []FieldError{{Pointer: "/richiedente/data_nascita", Message: "Il campo «Data di nascita» non può essere successivo al 23/11/2008."}},
		},
		{
			name:   "start date in the past",
			change: func(v map[string]any) { set(v, "/permesso/data_inizio", "2026-11-22") },
			want:   []FieldError{{Pointer: "/permesso/data_inizio", Message: "Il campo «Data di inizio validità» non può essere una data passata."}},
		},
		{
			name:   "start date today is fine",
			change: func(v map[string]any) { set(v, "/permesso/data_inizio", "2026-11-23") },
		},
		{
			name:   "bad CAP and plate, in layout order",
			change: func(v map[string]any) { set(v, "/veicolo/targa", "AO123CD"); set(v, "/residenza/cap", "99999") },
			want: []FieldError{
				{Pointer: "/residenza/cap", Message: "Il campo «CAP» deve essere un CAP di 5 cifre."},
				{Pointer: "/veicolo/targa", Message: "Il campo «Targa» deve essere una targa italiana, per esempio AB 123 CD."},
			},
		},
		{
			name: "owner section shown: its fields become required",
			change: func(v map[string]any) {
				set(v, "/veicolo/intestatario_diverso", true)
			},
			want: []FieldError{
				{Pointer: "/veicolo/intestatario_nome", Message: "Il campo «Nome e cognome dell'intestatario» è obbligatorio."},
				{Pointer: "/veicolo/intestatario_cf", Message: "Il campo «Codice fiscale dell'intestatario» è obbligatorio."},
			},
		},
		{
			name: "hidden data is neither checked nor required",
			change: func(v map[string]any) {
				// The disability badge section is hidden for a worker:
				// a wrong value there does not count.
				set(v, "/permesso/contrassegno_numero", "x")
			},
		},
		{
			name:   "declaration not accepted",
			change: func(v map[string]any) { set(v, "/veridicita", false) },
			want:   []FieldError{{Pointer: "/veridicita", Message: "Il campo «Dichiaro che i dati inseriti sono veritieri (art. 76 DPR 445/2000)» non ha il valore richiesto."}},
		},
		{
			name:   "label from the UI schema",
			change: func(v map[string]any) { set(v, "/richiedente/pec", "not a pec") },
			want:   []FieldError{{Pointer: "/richiedente/pec", Message: "Il campo «PEC (facoltativa)» deve essere un indirizzo PEC valido, per esempio nome@pec.dominio.it."}},
		},
		{
			name:   "number bounds",
			change: func(v map[string]any) { set(v, "/permesso/durata_mesi", 13.0) },
			want:   []FieldError{{Pointer: "/permesso/durata_mesi", Message: "Il campo «Durata (mesi)» può essere al massimo 12."}},
		},
		{
			name:   "array item",
			change: func(v map[string]any) { v["altri_allegati"] = []any{map[string]any{"descrizione": ""}} },
			want:   []FieldError{{Pointer: "/altri_allegati/0/descrizione", Message: "Il campo «Descrizione» deve avere almeno 1 caratteri."}},
		},
		{
			name:   "enum",
			change: func(v map[string]any) { set(v, "/veicolo/alimentazione", "carbone") },
			want:   []FieldError{{Pointer: "/veicolo/alimentazione", Message: "Il campo «Alimentazione» deve essere una delle scelte proposte."}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := ztlData(t)
			tc.change(data)
			got := f.Validate(data)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d errors %+v, want %+v", len(got), got, tc.want)
			}
			for i := range got {
				if got[i].Pointer != tc.want[i].Pointer || got[i].Message != tc.want[i].Message {
					t.Errorf("error %d:\n got %s %q\nwant %s %q", i, got[i].Pointer, got[i].Message, tc.want[i].Pointer, tc.want[i].Message)
				}
			}
		})
	}
}

func TestValidateEnglish(t *testing.T) {
	f, err := Compile(Source{Data: []byte(`{"type":"object","properties":{"tax_code":{"type":"string","format":"codice-fiscale"}},"required":["tax_code"]}`)}, Source{}, Options{Lang: English})
	if err != nil {
		t.Fatal(err)
	}
	got := f.Validate(map[string]any{})
	if len(got) != 1 || got[0].Message != "The field “Tax code” is required." || got[0].Pointer != "/tax_code" {
		t.Fatalf("got %+v", got)
	}
	got = f.Validate(map[string]any{"tax_code": "X"})
	if len(got) != 1 || got[0].Message != "The field “Tax code” is not a valid codice-fiscale." {
		t.Fatalf("got %+v", got)
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name   string
		schema string
		ui     string
		want   string // substring of the error
	}{
		{name: "not json", schema: "{\n  \"type\": \"object\",\n  \"properties\": {,}\n}", want: "schema.json:3:18: not valid JSON"},
		{name: "bad keyword value", schema: "{\n  \"type\": \"object\",\n  \"properties\": {\n    \"a\": {\"type\": \"strin\"}\n  }\n}", want: "schema.json:4:19 (at /properties/a/type): not a valid JSON Schema"},
		{name: "bad regex", schema: `{"properties": {"a": {"type": "string", "pattern": "(["}}}`, want: "/properties/a/pattern"},
		{name: "remote ref", schema: `{"$ref": "https://example.com/x.json"}`, want: "remote references are not allowed"},
		{name: "bad date bound", schema: `{"type": "string", "format": "date", "dateMaximum": "tomorrow"}`, want: "dateMaximum"},
		{name: "ui unknown type", schema: `{"type":"object","properties":{"a":{"type":"string"}}}`, ui: "{\n \"type\": \"Verticale\", \"elements\": []}", want: "ui.json:2:10 (at /type): unknown element type \"Verticale\""},
		{name: "ui bad scope", schema: `{"type":"object","properties":{"a":{"type":"string"}}}`, ui: `{"type":"VerticalLayout","elements":[{"type":"Control","scope":"#/properties/b"}]}`, want: "(at /elements/0/scope): scope \"#/properties/b\": the schema has no property \"b\" there"},
		{name: "ui widget mismatch", schema: `{"type":"object","properties":{"a":{"type":"string"}}}`, ui: `{"type":"VerticalLayout","elements":[{"type":"Control","scope":"#/properties/a","widget":"checkbox"}]}`, want: "the widget \"checkbox\" does not fit"},
		{name: "ui bad effect", schema: `{"type":"object","properties":{"a":{"type":"string"}}}`, ui: `{"type":"VerticalLayout","elements":[{"type":"Control","scope":"#/properties/a","rule":{"effect":"BLINK","condition":{"scope":"#","schema":{}}}}]}`, want: "(at /elements/0/rule/effect): unknown effect \"BLINK\""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ui := Source{Name: "ui.json"}
			if tc.ui != "" {
				ui.Data = []byte(tc.ui)
			}
			_, err := Compile(Source{Name: "schema.json", Data: []byte(tc.schema)}, ui, Options{})
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrSchema) {
				t.Fatalf("not a schema error: %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestDefaultLayout(t *testing.T) {
	schema := `{"title":"Segnalazione","type":"object","properties":{
		"zeta":{"type":"string","title":"Oggetto"},
		"luogo":{"type":"object","title":"Luogo","properties":{"via":{"type":"string"},"civico":{"type":"integer"}},"required":["via"]},
		"urgente":{"type":"boolean"},
		"tipo":{"enum":["buca","lampione","rifiuti","alberi","altro"]},
		"foto":{"type":"array","items":{"type":"object","properties":{"didascalia":{"type":"string"}}}},
		"dataSegnalazione":{"type":"string","format":"date"}
	}}`
	f, err := Compile(Source{Data: []byte(schema)}, Source{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	layout, err := f.Layout()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var walk func(e *Element, depth int)
	walk = func(e *Element, depth int) {
		line := strings.Repeat("  ", depth) + e.Type
		if e.Type == TypeControl {
			line += " " + e.Pointer + " " + e.Widget + " «" + e.Label + "»"
			if e.Required {
				line += " required"
			}
		} else if e.Label != "" {
			line += " «" + e.Label + "»"
		}
		got = append(got, line)
		for _, c := range e.Elements {
			walk(c, depth+1)
		}
		for _, d := range e.Detail {
			walk(d, depth+2)
		}
	}
	walk(layout, 0)
	want := []string{
		"VerticalLayout",
		"  Control /zeta text «Oggetto»",
		"  Group «Luogo»",
		"    Control /luogo/via text «Via» required",
		"    Control /luogo/civico number «Civico»",
		"  Control /urgente checkbox «Urgente»",
		"  Control /tipo select «Tipo»",
		"  Control /foto array «Foto»",
		"      Control /didascalia text «Didascalia»",
		"  Control /dataSegnalazione date «Data segnalazione»",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("layout:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(f.Steps()) != 1 {
		t.Fatalf("a form without Categorization has one step, got %d", len(f.Steps()))
	}
}

// TestHiddenVariantSameAsHidden checks that the cache keyed by rule
// outcomes gives, for every combination of the ZTL rules, the controls
// Hidden computes and the variant of those controls.
func TestHiddenVariantSameAsHidden(t *testing.T) {
	f := ztlForm(t)
	for _, titolo := range []any{"residente", "dimorante", "lavoratore", "assistenza", nil} {
		for _, diverso := range []any{true, false, nil} {
			for range 2 { // the second round is served by the cache
				data := set(set(ztlData(t), "/titolo", titolo), "/veicolo/intestatario_diverso", diverso)
				want := f.Hidden(data)
				got, schema := f.hiddenVariant(data)
				if strings.Join(got, ",") != strings.Join(want, ",") {
					t.Errorf("titolo=%v diverso=%v: hidden %v, want %v", titolo, diverso, got, want)
				}
				if schema != f.variant(want) {
					t.Errorf("titolo=%v diverso=%v: not the variant of %v", titolo, diverso, want)
				}
			}
		}
	}
	if len(f.hiddenSets.m) < 2 {
		t.Errorf("%d rule outcomes cached", len(f.hiddenSets.m))
	}
}
