package render

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/procedo/procedo/forms"
	"github.com/procedo/procedo/internal/testenv"
)

func testNow() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }

func ztl(t testing.TB) (*forms.Form, *Renderer, map[string]any) {
	t.Helper()
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	f, err := forms.Compile(forms.Source{Name: "ztl.schema.json", Data: read("ztl.schema.json")},
		forms.Source{Name: "ztl.ui.json", Data: read("ztl.ui.json")}, forms.Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(f, Options{BodyName: "Comune di Roccasecca"})
	if err != nil {
		t.Fatal(err)
	}
	var data map[string]any
	if err := json.Unmarshal(read("ztl.valid.json"), &data); err != nil {
		t.Fatal(err)
	}
	return f, r, data
}

func renderString(t testing.TB, r *Renderer, p Page) string {
	t.Helper()
	var b bytes.Buffer
	if err := r.Render(&b, p); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// cspViolations finds what a strict CSP would block: inline scripts,
// inline styles, event handler attributes, javascript: URLs.
var cspViolations = regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]|<script>|<style|\sstyle=|\son[a-z]+=|javascript:`)

func TestEveryPageOfTheFlow(t *testing.T) {
	f, r, data := ztl(t)
	pages := []Page{{Kind: Privacy}}
	for i := range f.Steps() {
		pages = append(pages, Page{Kind: Data, Step: i, Data: data})
	}
	pages = append(pages, Page{Kind: Summary, Data: data},
		Page{Kind: Receipt, Data: data, Receipt: ReceiptInfo{Number: "2026/000123", SubmittedAt: testNow(), PDFURL: "/ricevuta.pdf"}})
	for _, p := range pages {
		html := renderString(t, r, p)
		if loc := cspViolations.FindStringIndex(html); loc != nil {
			t.Errorf("page %s is not CSP-friendly near %q", PageID(p.Kind, p.Step), html[loc[0]:min(loc[1]+40, len(html))])
		}
		if !strings.Contains(html, `<link rel="stylesheet" href="/assets/forms/forms.css">`) {
			t.Errorf("page %s does not link the CSS", PageID(p.Kind, p.Step))
		}
		if strings.Count(html, "<h1") != 1 || !strings.Contains(html, `<main id="main"`) {
			t.Errorf("page %s lacks its h1 or main landmark", PageID(p.Kind, p.Step))
		}
	}
	summary := renderString(t, r, Page{Kind: Summary, Data: data})
	for _, want := range []string{"Esposito D&#39;Angelò", "10/12/1985", "ibrida", "carta-identità.pdf", "<dd class=\"col-sm-7\">12</dd>", `value="goto:step-2"`} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	// Hidden sections do not appear in the summary.
	if strings.Contains(summary, "Numero del contrassegno disabili") {
		t.Error("summary lists a field of a hidden section")
	}
	receipt := renderString(t, r, pages[len(pages)-1])
	for _, want := range []string{"2026/000123", "23/11/2026 10:00", `href="/ricevuta.pdf"`} {
		if !strings.Contains(receipt, want) {
			t.Errorf("receipt lacks %q", want)
		}
	}
}

func TestErrorsInlineAndInSummary(t *testing.T) {
	f, r, data := ztl(t)
	data["richiedente"].(map[string]any)["codice_fiscale"] = "RSSMRA85T10A562T"
	delete(data["richiedente"].(map[string]any), "nome")
	errs := f.Validate(data)
	if len(errs) != 2 {
		t.Fatalf("want 2 errors, got %v", errs)
	}
	html := renderString(t, r, Page{Kind: Data, Step: 0, Data: data, Errors: errs})
	for _, want := range []string{
		`<title>Ci sono 2 errori da correggere – Richiedente`,
		`id="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title" autofocus`,
		`<li><a href="#f-richiedente-nome">Il campo «Nome» è obbligatorio.</a></li>`,
		`<li><a href="#f-richiedente-codice_5ffiscale">Il campo «Codice fiscale» non è un codice fiscale valido`,
		`id="f-richiedente-codice_5ffiscale" name="$/richiedente/codice_fiscale" value="RSSMRA85T10A562T"`,
		`aria-invalid="true" aria-describedby="f-richiedente-codice_5ffiscale-help f-richiedente-codice_5ffiscale-error"`,
		`<div class="invalid-feedback d-block procedo-error" id="f-richiedente-nome-error">Il campo «Nome» è obbligatorio.</div>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestLabelsAndValuesAreEscaped(t *testing.T) {
	schema := `{"title":"<script>alert(1)</script>","type":"object","properties":{
		"x":{"type":"string","title":"<script>alert('label')</script>","description":"<img src=x onerror=alert(2)>"},
		"c":{"enum":["<b>bold</b>","\" onmouseover=\"alert(3)"]}}}`
	f, err := forms.Compile(forms.Source{Data: []byte(schema)}, forms.Source{}, forms.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(f, Options{BodyName: "<i>Comune</i>"})
	if err != nil {
		t.Fatal(err)
	}
	data := map[string]any{"x": `"><script>alert(4)</script>`, "c": "<b>bold</b>"}
	for _, p := range []Page{{Kind: Data, Data: data, Errors: f.Validate(map[string]any{"x": 1.0})}, {Kind: Summary, Data: data}} {
		html := renderString(t, r, p)
		if strings.Contains(html, "<script>alert") || strings.Contains(html, "<img") || strings.Contains(html, "<b>bold") ||
			strings.Contains(html, `" onmouseover="`) || strings.Contains(html, "<i>Comune") {
			t.Fatalf("unescaped text in:\n%s", html)
		}
		if !strings.Contains(html, "&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;") {
			t.Fatalf("the label does not show as text:\n%s", html)
		}
	}
}

func TestRulesAndArraysMarkup(t *testing.T) {
	_, r, data := ztl(t)
	html := renderString(t, r, Page{Kind: Data, Step: 1, Data: data})
	if !strings.Contains(html, `data-rule="{&#34;effect&#34;:&#34;SHOW&#34;,&#34;pointer&#34;:&#34;/veicolo/intestatario_diverso&#34;,&#34;schema&#34;:{&#34;const&#34;:true}}" hidden>`) {
		t.Error("the owner group is not hidden with its rule")
	}
	data["veicolo"].(map[string]any)["intestatario_diverso"] = true
	html = renderString(t, r, Page{Kind: Data, Step: 1, Data: data})
	if strings.Contains(html, `}}" hidden>`) {
		t.Error("the owner group stays hidden when its condition holds")
	}
	html = renderString(t, r, Page{Kind: Data, Step: 3, Data: data})
	for _, want := range []string{
		`<input type="hidden" name="$/altri_allegati" value="1">`,
		`name="$/altri_allegati/0/descrizione" value="Dichiarazione del datore di lavoro"`,
		`value="remove:/altri_allegati/0"`, `value="add:/altri_allegati"`,
		`enctype="multipart/form-data"`, `accept="application/pdf,image/jpeg,image/png"`,
		`File caricato: carta-identità.pdf`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("step 4 lacks %q", want)
		}
	}
}

// TestCorpusRenders renders every schema of the JSON-Schema-Test-Suite
// that has a layout, with each valid instance: no error, no panic.
func TestCorpusRenders(t *testing.T) {
	dir := testenv.CorpusDir(t, "jsonschema/draft2020-12")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	pages := 0
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var groups []struct {
			Schema json.RawMessage `json:"schema"`
			Tests  []struct {
				Data  json.RawMessage `json:"data"`
				Valid bool            `json:"valid"`
			} `json:"tests"`
		}
		if err := json.Unmarshal(raw, &groups); err != nil {
			t.Fatal(err)
		}
		for _, g := range groups {
			f, err := forms.Compile(forms.Source{Data: g.Schema}, forms.Source{}, forms.Options{})
			if err != nil {
				continue
			}
			r, err := New(f, Options{})
			if err != nil {
				continue
			}
			for _, tc := range g.Tests {
				var v any
				_ = json.Unmarshal(tc.Data, &v)
				for _, p := range []Page{{Kind: Data, Data: v, Errors: f.Validate(v)}, {Kind: Summary, Data: v}} {
					var b bytes.Buffer
					if err := r.Render(&b, p); err != nil {
						t.Errorf("%s: %v", filepath.Base(file), err)
					}
					pages++
				}
			}
		}
	}
	if pages == 0 {
		t.Fatal("no page rendered")
	}
	t.Logf("%d pages rendered", pages)
}

func TestUnsupportedSchemaIsRefused(t *testing.T) {
	f, err := forms.Compile(forms.Source{Data: []byte(`{"type":"object","properties":{"a":{"anyOf":[{"type":"string"},{"type":"integer"}]}}}`)}, forms.Source{}, forms.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(f, Options{})
	if err == nil || !strings.Contains(err.Error(), "schema /properties/a: the form renderer does not support the keyword anyOf") {
		t.Fatalf("got %v", err)
	}
}

func TestDisableRule(t *testing.T) {
	schema := `{"type":"object","properties":{
		"confermato":{"type":"boolean","title":"Dati confermati"},
		"iban":{"type":"string","title":"IBAN","format":"iban"}}}`
	ui := `{"type":"VerticalLayout","elements":[
		{"type":"Control","scope":"#/properties/confermato"},
		{"type":"Control","scope":"#/properties/iban","rule":{"effect":"DISABLE","condition":{"scope":"#/properties/confermato","schema":{"const":true}}}}]}`
	f, err := forms.Compile(forms.Source{Data: []byte(schema)}, forms.Source{Data: []byte(ui)}, forms.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	locked := map[string]any{"confermato": true, "iban": "IT60X0542811101000000123456"}
	html := renderString(t, r, Page{Kind: Data, Data: locked})
	if !regexp.MustCompile(`<div class="procedo-control" id="el1" data-rule="[^"]*DISABLE[^"]*">`).MatchString(html) ||
		!regexp.MustCompile(`name="\$/iban"[^>]* disabled`).MatchString(html) {
		t.Fatalf("the disabled control is not rendered disabled:\n%s", html)
	}
	// A browser does not post a disabled field: the value stays.
	got := f.Decode(locked, map[string][]string{"$/confermato": {"true"}}, nil, forms.AllSteps)
	if got.Data.(map[string]any)["iban"] != "IT60X0542811101000000123456" {
		t.Fatalf("the disabled value was lost: %v", got.Data)
	}
	open := map[string]any{"confermato": false}
	html = renderString(t, r, Page{Kind: Data, Data: open})
	if regexp.MustCompile(`name="\$/iban"[^>]* disabled`).MatchString(html) {
		t.Fatal("the control is disabled while its condition does not hold")
	}
	got = f.Decode(open, map[string][]string{"$/iban": {"IT60X0542811101000000123456"}}, nil, forms.AllSteps)
	if got.Data.(map[string]any)["iban"] != "IT60X0542811101000000123456" || got.Data.(map[string]any)["confermato"] != false {
		t.Fatalf("enabled control not decoded: %v", got.Data)
	}
}

// TestEveryWidgetEscapes puts markup in every label, help, choice, value,
// file name and error of every widget: it must show as text.
func TestEveryWidgetEscapes(t *testing.T) {
	x := `<script>alert('x')</script>"'&`
	js, _ := json.Marshal(x)
	s := string(js)
	schema := `{"type":"object","properties":{
		"t":{"type":"string","title":` + s + `,"description":` + s + `},
		"ta":{"type":"string","title":` + s + `,"maxLength":500},
		"n":{"type":"number","title":` + s + `},
		"d":{"type":"string","format":"date","title":` + s + `},
		"sel":{"enum":[` + s + `,"b","c","d","e"],"title":` + s + `},
		"rad":{"enum":[` + s + `,"b"],"title":` + s + `},
		"cb":{"type":"boolean","title":` + s + `},
		"f":{"type":"object","x-procedo-file":{},"title":` + s + `,"properties":{"name":{"type":"string"}}},
		"l":{"type":"array","title":` + s + `,"items":{"type":"string","title":` + s + `}}
	},"required":["t","ta","n","d","sel","rad","cb","f","l"]}`
	f, err := forms.Compile(forms.Source{Data: []byte(schema)}, forms.Source{}, forms.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	data := map[string]any{"t": x, "ta": x, "sel": x, "rad": x, "cb": true, "f": map[string]any{"name": x}, "l": []any{x}}
	var errs []forms.FieldError
	for _, c := range f.Controls() {
		errs = append(errs, forms.FieldError{Pointer: c.Pointer, Message: x})
	}
	for _, p := range []Page{{Kind: Data, Data: data, Errors: errs, Raw: map[string]string{"/n": x}}, {Kind: Summary, Data: data}} {
		html := renderString(t, r, p)
		if strings.Contains(html, "<script>alert") || strings.Contains(html, `"'&`) {
			i := strings.Index(html, "<script>alert")
			if i < 0 {
				i = strings.Index(html, `"'&`)
			}
			t.Fatalf("unescaped text near %q", html[max(0, i-120):min(len(html), i+40)])
		}
		if n := strings.Count(html, "&lt;script&gt;"); n < 10 {
			t.Fatalf("the text shows only %d times", n)
		}
	}
}
