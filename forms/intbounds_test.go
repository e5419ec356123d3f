package forms

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestIntBoundsSameAsValidator checks that the rewritten integer schemas
// give the validator's own verdicts and errors, word for word, and that
// only the plain integer schemas are rewritten.
func TestIntBoundsSameAsValidator(t *testing.T) {
	schemas := []struct {
		name      string
		schema    string
		rewritten bool
	}{
		{name: "bounds", schema: `{"type": "integer", "minimum": 0, "maximum": 10, "title": "N"}`, rewritten: true},
		{name: "type only", schema: `{"type": "integer"}`, rewritten: true},
		{name: "negative minimum", schema: `{"type": "integer", "minimum": -3, "x-ui": 1}`, rewritten: true},
		{name: "type as array", schema: `{"type": ["integer"], "maximum": 5}`, rewritten: true},
		{name: "fractional bound", schema: `{"type": "integer", "minimum": 0.5}`},
		{name: "huge bound", schema: `{"type": "integer", "maximum": 1e20}`},
		{name: "with enum", schema: `{"type": "integer", "minimum": 1, "enum": [1, 2, 20]}`},
		{name: "with multipleOf", schema: `{"type": "integer", "multipleOf": 2, "maximum": 9}`},
		{name: "with string keyword", schema: `{"type": "integer", "minLength": 2}`},
		{name: "number", schema: `{"type": "number", "minimum": 0}`},
	}
	values := []any{
		nil, true, "5", []any{}, map[string]any{},
		0.0, 5.0, 10.0, 11.0, -1.0, -4.0, 5.5, 1e300, -1e300, math.MaxFloat64,
		json.Number("7"), json.Number("7.0"), json.Number("1e1"), json.Number("1e2"),
		json.Number("-9"), json.Number("2.5"), json.Number("99999999999999999999"),
		int(3), int64(-5), int32(12), uint8(7), uint64(math.MaxUint64), float32(4),
	}
	now := func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	compile := func(t *testing.T, doc any, optimize bool) *jsonschema.Schema {
		t.Helper()
		c, err := newCompiler(Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource(schemaURL, doc); err != nil {
			t.Fatal(err)
		}
		s, err := c.Compile(schemaURL)
		if err != nil {
			t.Fatal(err)
		}
		if optimize {
			optimizeIntegers(s, doc)
		}
		return s
	}
	for _, tc := range schemas {
		t.Run(tc.name, func(t *testing.T) {
			raw := `{"type": "object", "properties": {"n": ` + tc.schema + `}, "$defs": {"d": ` + tc.schema + `}, "anyOf": [{"properties": {"m": {"$ref": "#/$defs/d"}}}]}`
			var doc any
			if err := json.Unmarshal([]byte(raw), &doc); err != nil {
				t.Fatal(err)
			}
			plain, fast := compile(t, doc, false), compile(t, doc, true)
			if got := len(fast.Properties["n"].Extensions) == 1; got != tc.rewritten {
				t.Fatalf("rewritten = %v, want %v", got, tc.rewritten)
			}
			for _, v := range values {
				for _, key := range []string{"n", "m"} {
					inst := map[string]any{key: v}
					want, got := plain.Validate(inst), fast.Validate(inst)
					if fmt.Sprint(want) != fmt.Sprint(got) {
						t.Errorf("%s = %#v:\nvalidator: %v\nrewritten: %v", key, v, want, got)
					}
				}
			}
		})
	}
}
