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
