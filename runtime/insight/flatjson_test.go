package insight

import (
	"encoding/json"
	"testing"
)

// FuzzDecodeActivity: the fast path agrees with encoding/json on every
// input json accepts as an activityData (seeds: the compact JSON the
// engine writes and the spaced JSON PostgreSQL's jsonb returns).
func FuzzDecodeActivity(f *testing.F) {
	for _, s := range []string{
		`{"kind":"userTask","token":"t1","flow":"F2","visit":2}`,
		`{"flow": "F2", "kind": "userTask", "token": "t1", "visit": 2}`,
		`{"kind":"serviceTask","token":"t3","outcome":"completed"}`,
		`{"kind": "userTask", "token": "t\"1", "visit": 1}`,
		`{"kind":"x","visit":1.5}`, `{}`, `null`, `{"kind":"a","kind":"b"}`, `{"visit":-3}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var want activityData
		if json.Unmarshal(b, &want) != nil {
			decodeActivity(b) // must not panic
			return
		}
		if got := decodeActivity(b); got != want {
			t.Fatalf("%s: fast %+v, encoding/json %+v", b, got, want)
		}
	})
}

func TestDecodeActivity(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want activityData
	}{
		{name: "engine", in: `{"kind":"userTask","token":"t1","flow":"F2","visit":2}`, want: activityData{Kind: "userTask", Token: "t1", Visit: 2}},
		{name: "jsonb", in: `{"flow": "F2", "kind": "userTask", "token": "t1", "visit": 2}`, want: activityData{Kind: "userTask", Token: "t1", Visit: 2}},
		{name: "left", in: `{"kind":"receiveTask","token":"t9","outcome":"interrupted","boundary":"B1"}`, want: activityData{Kind: "receiveTask", Token: "t9", Outcome: "interrupted"}},
		{name: "escape falls back", in: `{"kind":"user\u0054ask","token":"t1"}`, want: activityData{Kind: "userTask", Token: "t1"}},
		{name: "garbage", in: `{"kind":`, want: activityData{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := decodeActivity([]byte(tt.in)); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
