package runtime

import (
	"encoding/json"
	"testing"
)

// The hand-written encoders must produce what encoding/json produces
// (ids are BPMN NCNames: strconv.AppendQuote and encoding/json agree on
// them).
func TestEventDataEncoders(t *testing.T) {
	for _, e := range []ElementEntered{
		{Kind: "userTask", Token: "t1", Flow: "Flow_1", Visit: 2},
		{Kind: "startEvent", Token: "t12", Visit: 1},
	} {
		want, _ := json.Marshal(e)
		if got := e.appendJSON(nil); string(got) != string(want) {
			t.Errorf("ElementEntered %+v: got %s, want %s", e, got, want)
		}
	}
	for _, e := range []ElementLeft{
		{Kind: "serviceTask", Token: "t3", Outcome: "completed"},
		{Kind: "userTask", Token: "t4", Outcome: "interrupted", Boundary: "Timer_1"},
		{Kind: "endEvent", Token: "t5"},
	} {
		want, _ := json.Marshal(e)
		if got := e.appendJSON(nil); string(got) != string(want) {
			t.Errorf("ElementLeft %+v: got %s, want %s", e, got, want)
		}
	}
}

// Business keys and field names are free text: the encoders must escape
// them as encoding/json does (HTML characters, control characters,
// invalid UTF-8, U+2028).
func TestEventDataEncodersFreeText(t *testing.T) {
	odd := []string{"", "2026/000123", "Attività", "a<b>&c", "quote\"back\\slash", "nul\x00tab\t", "bad\xffutf8", "line\u2028sep"}
	for _, s := range odd {
		for _, e := range []Started{
			{ProcessKey: "ztl-access", DefinitionHash: "abc", StartEvent: "Start", BusinessKey: s},
			{ProcessKey: s, DefinitionHash: s, StartEvent: s, Parent: s},
		} {
			want, _ := json.Marshal(e)
			if got := e.appendJSON(nil); string(got) != string(want) {
				t.Errorf("Started %+v: got %s, want %s", e, got, want)
			}
		}
		for _, e := range []VariablesChanged{{Fields: []string{s}}, {Fields: []string{"targa", s, "valida"}}} {
			want, _ := json.Marshal(e)
			if len(e.Fields) == 0 {
				continue
			}
			keys := make([][]byte, len(e.Fields))
			for i, f := range e.Fields {
				keys[i] = []byte(f)
			}
			if got := appendFields(nil, keys); string(got) != string(want) {
				t.Errorf("appendFields %q: got %s, want %s", e.Fields, got, want)
			}
		}
		e := ElementEntered{Kind: "userTask", Token: s, Flow: s, Visit: 1}
		want, _ := json.Marshal(e)
		if got := e.appendJSON(nil); string(got) != string(want) {
			t.Errorf("ElementEntered %+v: got %s, want %s", e, got, want)
		}
	}
}
