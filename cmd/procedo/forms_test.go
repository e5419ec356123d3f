package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procedo/procedo/forms"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFormsValidate(t *testing.T) {
	dir := t.TempDir()
	schema := writeFile(t, dir, "s.json", `{"type":"object","properties":{"cf":{"type":"string","title":"Codice fiscale","format":"codice-fiscale"}},"required":["cf"]}`)
	broken := writeFile(t, dir, "broken.json", "{\n  \"type\": \"object\",\n  \"properties\": {\"cf\": {\"type\": 12}}\n}")
	good := writeFile(t, dir, "good.json", `{"cf":"RSSMRA85T10A562S"}`)
	bad := writeFile(t, dir, "bad.json", `{"cf":"RSSMRA85T10A562T"}`)
	empty := writeFile(t, dir, "empty.json", `{}`)
	notJSON := writeFile(t, dir, "nj.json", `{"cf":`)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  []map[string]string
		wantErr  string
	}{
		{name: "valid", args: []string{"--schema", schema, good}, wantCode: 0},
		{name: "invalid", args: []string{"--schema", schema, bad}, wantCode: 1, wantOut: []map[string]string{{"pointer": "/cf", "message": "Il campo «Codice fiscale» non è un codice fiscale valido: il carattere di controllo non corrisponde. Controlla di averlo scritto correttamente."}}},
		{name: "required", args: []string{"--schema", schema, empty}, wantCode: 1, wantOut: []map[string]string{{"pointer": "/cf", "message": "Il campo «Codice fiscale» è obbligatorio."}}},
		{name: "english", args: []string{"--schema", schema, "--lang", "en", empty}, wantCode: 1, wantOut: []map[string]string{{"pointer": "/cf", "message": "The field “Codice fiscale” is required."}}},
		{name: "data not json", args: []string{"--schema", schema, notJSON}, wantCode: 1},
		{name: "broken schema", args: []string{"--schema", broken, good}, wantCode: 2, wantErr: "broken.json:3:33 (at /properties/cf/type): not a valid JSON Schema"},
		{name: "missing schema file", args: []string{"--schema", filepath.Join(dir, "nope.json"), good}, wantCode: 2, wantErr: "nope.json"},
		{name: "no data", args: []string{"--schema", schema}, wantCode: 2, wantErr: "exactly one DATA.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"forms", "validate"}, tc.args...), &stdout, &stderr)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d; stderr %s", code, tc.wantCode, stderr.String())
			}
			if tc.wantErr != "" && !strings.Contains(stderr.String(), tc.wantErr) {
				t.Fatalf("stderr %q lacks %q", stderr.String(), tc.wantErr)
			}
			if code == 1 {
				var got []map[string]string
				if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
					t.Fatalf("stdout is not the JSON list of errors: %v\n%s", err, stdout.String())
				}
				if len(got) == 0 || got[0]["pointer"] == "" && tc.wantOut != nil {
					t.Fatalf("got %v", got)
				}
				for i, w := range tc.wantOut {
					if got[i]["pointer"] != w["pointer"] || got[i]["message"] != w["message"] {
						t.Fatalf("error %d: got %v, want %v", i, got[i], w)
					}
				}
			}
		})
	}
}

func TestFormsRender(t *testing.T) {
	td := filepath.Join("..", "..", "forms", "testdata")
	var stdout, stderr bytes.Buffer
	code := run([]string{"forms", "render", "--schema", filepath.Join(td, "ztl.schema.json"), "--ui", filepath.Join(td, "ztl.ui.json"),
		"--data", filepath.Join(td, "ztl.valid.json"), "--step", "2", "--css", "/static/forms"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	html := stdout.String()
	for _, want := range []string{`<link rel="stylesheet" href="/static/forms/forms.css">`, `<h2 class="h3 mb-3">Veicolo</h2>`, `value="AB123CD"`} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	stdout.Reset()
	stderr.Reset()
	if code := run([]string{"forms", "render", "--schema", filepath.Join(td, "ztl.schema.json"), "--ui", filepath.Join(td, "ztl.ui.json"), "--step", "9"}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "the form has 4 steps") {
		t.Fatalf("exit %d, stderr %s", code, stderr.String())
	}
}

func TestFormsPreviewServesFlowAndAssets(t *testing.T) {
	td := filepath.Join("..", "..", "forms", "testdata")
	schema, _ := os.ReadFile(filepath.Join(td, "ztl.schema.json"))
	ui, _ := os.ReadFile(filepath.Join(td, "ztl.ui.json"))
	f, err := forms.Compile(forms.Source{Data: schema}, forms.Source{Data: ui}, forms.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h, err := previewHandler(f, "Comune di prova")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for path, want := range map[string]string{"/": "Informativa sul trattamento dei dati personali", "/assets/forms/forms.css": "Titillium Web", "/assets/forms/forms.js": "procedo-form"} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("%s: %d, lacks %q", path, res.StatusCode, want)
		}
		if path == "/" && res.Header.Get("Content-Security-Policy") == "" {
			t.Error("no Content-Security-Policy on the page")
		}
	}
}
