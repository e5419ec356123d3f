package model_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procedo/procedo/designer/model"
	"github.com/procedo/procedo/internal/testenv"
)

// FuzzParseFormSchema reads arbitrary JSON as a form schema, seeded with
// every schema of the JSON-Schema-Test-Suite and the test bundle's forms.
func FuzzParseFormSchema(f *testing.F) {
	dir := filepath.Join(testenv.CorpusDir(f, "jsonschema"), "draft2020-12")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		var cases []struct {
			Schema json.RawMessage `json:"schema"`
		}
		if err := json.Unmarshal(data, &cases); err != nil {
			f.Fatalf("%s: %v", path, err)
		}
		for _, c := range cases {
			f.Add([]byte(c.Schema))
		}
	}
	forms, _ := filepath.Glob("testdata/ztl/forms/*.schema.json")
	for _, path := range forms {
		if data, err := os.ReadFile(path); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		form, err := model.ParseFormSchema("fuzz", "fuzz.schema.json", data)
		if err != nil {
			if form != nil {
				t.Fatal("form and error")
			}
			return
		}
		var check func(ps []*model.Property, prefix string)
		check = func(ps []*model.Property, prefix string) {
			for i, p := range ps {
				if !strings.HasPrefix(p.Pointer, prefix+"/properties/") {
					t.Fatalf("pointer %q outside %q", p.Pointer, prefix)
				}
				if i > 0 && ps[i-1].Name >= p.Name {
					t.Fatalf("properties not sorted: %q then %q", ps[i-1].Name, p.Name)
				}
				check(p.Properties, p.Pointer)
			}
		}
		check(form.Properties, "")
	})
}

// FuzzParseDuration checks that every accepted duration prints as a text
// that parses to the same value.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"P30D", "PT48H", "P1Y2M10DT2H30M", "P2W", "PT1.5S", "P0D", "PT0,5S", "P", "R3/PT10H", "P1M1Y", "-P1D"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := model.ParseDuration(s)
		if err != nil {
			return
		}
		again, err := model.ParseDuration(d.String())
		if err != nil || again != d {
			t.Fatalf("%q → %q → %v, %v", s, d.String(), again, err)
		}
		_, _ = model.ParseCycle(s)
		_, _ = model.ParseDate(s)
	})
}
