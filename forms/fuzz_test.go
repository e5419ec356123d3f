package forms

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/procedo/procedo/internal/testenv"
)

// FuzzCompile feeds schemas (seeded with every schema of the
// JSON-Schema-Test-Suite and the realistic form) and UI schemas to
// Compile: it must return a Form or a *SchemaError, never panic, and a
// compiled form must validate and encode its own empty instance.
func FuzzCompile(f *testing.F) {
	dir := testenv.CorpusDir(f, "jsonschema/draft2020-12")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var groups []struct {
			Schema json.RawMessage `json:"schema"`
		}
		if err := json.Unmarshal(raw, &groups); err != nil {
			f.Fatal(err)
		}
		for _, g := range groups {
			f.Add(string(g.Schema), "")
		}
	}
	f.Add(string(readFile(f, "testdata/ztl.schema.json")), string(readFile(f, "testdata/ztl.ui.json")))
	f.Add(`{"type":"object","properties":{"a":{"type":"string"}}}`, `{"type":"Categorization","elements":[{"type":"Category","elements":[{"type":"Control","scope":"#/properties/a","rule":{"effect":"HIDE","condition":{"scope":"#/properties/a","schema":{"const":"x"}}}}]}]}`)
	f.Fuzz(func(t *testing.T, schema, ui string) {
		uiSrc := Source{Name: "ui.json"}
		if ui != "" {
			uiSrc.Data = []byte(ui)
		}
		form, err := Compile(Source{Name: "schema.json", Data: []byte(schema)}, uiSrc, Options{Now: testNow})
		if err != nil {
			if !errors.Is(err, ErrSchema) {
				t.Fatalf("not a SchemaError: %v", err)
			}
			return
		}
		_ = form.Validate(map[string]any{})
		_ = form.Validate(nil)
		if _, lerr := form.Layout(); lerr == nil {
			_ = form.Encode(map[string]any{}, AllSteps)
		}
	})
}
