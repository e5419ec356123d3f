package forms

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/procedo/procedo/internal/testenv"
)

type suiteGroup struct {
	Description string          `json:"description"`
	Schema      json.RawMessage `json:"schema"`
	Tests       []struct {
		Description string          `json:"description"`
		Data        json.RawMessage `json:"data"`
		Valid       bool            `json:"valid"`
	} `json:"tests"`
}

func loadSuite(t testing.TB, dir string) map[string][]suiteGroup {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]suiteGroup{}
	for _, file := range files {
		var groups []suiteGroup
		if err := json.Unmarshal(readFile(t, file), &groups); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		out[filepath.Base(file)] = groups
	}
	return out
}

// canonical makes two JSON values comparable: numbers as float64, maps and
// slices as encoding/json builds them.
func canonical(t testing.TB, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCorpusRoundTrip is the property of the issue: for every schema of
// the JSON-Schema-Test-Suite (draft 2020-12) the form either has a layout
// or says clearly which construct it does not support, never panicking;
// and for every schema with a layout, every valid instance of the suite
// goes JSON → form fields → JSON unchanged.
func TestCorpusRoundTrip(t *testing.T) {
	dir := testenv.CorpusDir(t, "jsonschema/draft2020-12")
	suite := loadSuite(t, dir)
	var rendered, unsupported, uncompilable, instances int
	reasons := map[string]int{}
	for _, file := range sortedKeys(suite) {
		for gi, g := range suite[file] {
			name := fmt.Sprintf("%s#%d %s", file, gi, g.Description)
			f, err := func() (f *Form, err error) {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("%s: Compile panicked: %v", name, r)
					}
				}()
				return Compile(Source{Name: file, Data: g.Schema}, Source{}, Options{})
			}()
			if err != nil {
				if !errors.Is(err, ErrSchema) {
					t.Errorf("%s: compile error is not a *SchemaError: %v", name, err)
				}
				uncompilable++
				continue
			}
			layout, lerr := f.Layout()
			if lerr != nil {
				var ue *UnsupportedError
				if !errors.As(lerr, &ue) || ue.Construct == "" {
					t.Errorf("%s: layout error is not an UnsupportedError: %v", name, lerr)
				}
				unsupported++
				reasons[firstWords(ue.Construct)]++
				continue
			}
			if layout == nil {
				t.Fatalf("%s: no layout and no error", name)
			}
			rendered++
			for _, tc := range g.Tests {
				if !tc.Valid {
					continue
				}
				var inst any
				if err := json.Unmarshal(tc.Data, &inst); err != nil {
					t.Fatal(err)
				}
				if errs := f.Validate(inst); errs != nil {
					// Formats are asserted by Procedo (the suite treats
					// them as annotations): such instances are not valid
					// here and are not part of the property.
					continue
				}
				instances++
				fields := f.Encode(inst, AllSteps)
				base := stripControls(f, inst)
				got := f.Decode(base, fields, nil, AllSteps)
				if len(got.Errors) > 0 {
					t.Errorf("%s / %s: decoding %v: %v", name, tc.Description, fields, got.Errors)
					continue
				}
				if !reflect.DeepEqual(canonical(t, got.Data), canonical(t, inst)) {
					t.Errorf("%s / %s:\n   instance %s\n     fields %v\n    decoded %s", name, tc.Description, tc.Data, fields, mustJSON(got.Data))
				}
			}
		}
	}
	t.Logf("schemas: %d with a layout, %d unsupported by the renderer, %d not compilable; %d valid instances round-tripped", rendered, unsupported, uncompilable, instances)
	keys := sortedKeys(reasons)
	sort.Slice(keys, func(i, j int) bool { return reasons[keys[i]] > reasons[keys[j]] })
	for _, k := range keys {
		t.Logf("  unsupported %3d × %s", reasons[k], k)
	}
	if rendered == 0 || instances == 0 {
		t.Fatal("no schema of the suite could be rendered: the property was not exercised")
	}
}

func firstWords(s string) string {
	w := strings.Fields(s)
	if len(w) > 4 {
		w = w[:4]
	}
	return strings.Join(w, " ")
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// stripControls removes from inst the data of every control: what is left
// is the data the form does not show, which the draft carries.
func stripControls(f *Form, inst any) any {
	var ptrs []string
	for _, c := range f.Controls() {
		if c.Pointer == "" {
			return nil
		}
		ptrs = append(ptrs, c.Pointer)
	}
	return prune(inst, ptrs)
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
