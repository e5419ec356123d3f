package runtime

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func sampleState() *instanceState {
	rome, _ := time.LoadLocation("Europe/Rome")
	return &instanceState{
		Vars: json.RawMessage(`{"targa":"AB123CD","importo":50}`), Next: 17, Seq: 42, Suspended: true,
		ParentToken: "t3", StartEvent: "Start",
		Visits: visits{{"Integrazione", 2}, {"Istruttoria", 3}, {"Start", 1}},
		Term: &termState{Days: 30, Nominal: time.Date(2026, 4, 1, 0, 0, 0, 0, rome), Due: time.Date(2026, 4, 1, 0, 0, 0, 0, rome),
			Remaining: 20, Job: "i-j4", Suspended: time.Date(2026, 3, 12, 10, 0, 0, 0, time.UTC)},
		Tokens: []*token{
			{ID: "t1", Node: "Sub", Wait: waitScope, Listeners: []*listener{{Node: "Timer", Job: "i-j5"}, {Node: "Msg", Sub: "i-s6"}}},
			{ID: "t2", Node: "Parere", Scope: "t1", Wait: waitMI, MI: &miState{Total: 3, Done: 1, Next: 3}},
			{ID: "t4", Node: "Parere", Scope: "t2", Wait: waitTask, Task: "i-t7", Inner: true, Loop: 2},
			{ID: "t5", Node: "Join", Scope: "t1", Wait: waitJoin, Via: "f9"},
			{ID: "t6", Node: "Call", Wait: waitCall, Child: "c1"},
			{ID: "t8", Node: "Attesa", Wait: waitMsg, Sub: "i-s9"},
			{ID: "t9", Node: "Verifica", Wait: waitJob, Job: "i-j10", Loop: -1},
		},
	}
}

func equalStates(t *testing.T, got, want *instanceState) {
	t.Helper()
	// Times compare as instants.
	if want.Term != nil && got.Term != nil {
		for _, p := range [][2]time.Time{{got.Term.Nominal, want.Term.Nominal}, {got.Term.Due, want.Term.Due}, {got.Term.Suspended, want.Term.Suspended}} {
			if !p[0].Equal(p[1]) {
				t.Fatalf("term time %v, want %v", p[0], p[1])
			}
		}
		g, w := *got.Term, *want.Term
		g.Nominal, g.Due, g.Suspended, w.Nominal, w.Due, w.Suspended = time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}
		if g != w {
			t.Fatalf("term %+v, want %+v", g, w)
		}
		gc, wc := *got, *want
		gc.Term, wc.Term = nil, nil
		got, want = &gc, &wc
	}
	if !reflect.DeepEqual(got, want) {
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		t.Fatalf("decoded state\n got %s\nwant %s", gj, wj)
	}
}

func TestStateCodecRoundTrip(t *testing.T) {
	for _, st := range []*instanceState{sampleState(), {}, {Vars: json.RawMessage(`{}`), Tokens: []*token{{ID: "t1", Node: "S"}}}} {
		var back instanceState
		if err := decodeState(encodeState(st), &back); err != nil {
			t.Fatal(err)
		}
		equalStates(t, &back, st)
	}
	// Deterministic: the same state gives the same bytes.
	if a, b := encodeState(sampleState()), encodeState(sampleState()); string(a) != string(b) {
		t.Fatal("encoding is not deterministic")
	}
}

func TestStateCodecReadsJSONStates(t *testing.T) {
	st := sampleState()
	data, _ := json.Marshal(st)
	var back instanceState
	if err := decodeState(data, &back); err != nil {
		t.Fatal(err)
	}
	equalStates(t, &back, st)
}

func TestStateCodecRefusesCorruptBlobs(t *testing.T) {
	good := encodeState(sampleState())
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"unknown format", []byte{9, 1, 2}},
		{"truncated", good[:len(good)/2]},
		{"trailing bytes", append(append([]byte{}, good...), 0)},
		{"huge count", []byte{stateFormat1, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f}},
	} {
		var st instanceState
		if err := decodeState(tc.data, &st); err == nil {
			t.Errorf("%s: decoded without error", tc.name)
		}
	}
}

func FuzzDecodeState(f *testing.F) {
	f.Add(encodeState(sampleState()))
	f.Add(encodeState(&instanceState{}))
	j, _ := json.Marshal(sampleState())
	f.Add(j)
	f.Fuzz(func(t *testing.T, data []byte) {
		var st instanceState
		if err := decodeState(data, &st); err != nil || len(data) == 0 || data[0] != stateFormat1 {
			return
		}
		// What decodes re-encodes to the same bytes.
		if again := encodeState(&st); string(again) != string(data) {
			var back instanceState
			if err := decodeState(again, &back); err != nil {
				t.Fatalf("re-encoded state does not decode: %v", err)
			}
			equalStates(t, &back, &st)
		}
	})
}

func TestChangedFields(t *testing.T) {
	tests := []struct {
		name          string
		before, after string
		want          []string
	}{
		{name: "first variables", before: ``, after: `{"b":1,"a":"x"}`, want: []string{"a", "b"}},
		{name: "one changed", before: `{"a":1,"b":[1,2]}`, after: `{"a":1,"b":[1,3]}`, want: []string{"b"}},
		{name: "added and removed", before: `{"a":1,"old":{"x":"}"}}`, after: `{"a":1,"new":null}`, want: []string{"new", "old"}},
		{name: "nested strings with brackets", before: `{"s":"a,b}","o":{"k":"]"}}`, after: `{"s":"a,b}","o":{"k":"]"}}`, want: nil},
		{name: "escaped key", before: `{}`, after: `{"caf\u00e9":true,"q\"k":1}`, want: []string{"caf\u00e9", "q\"k"}},
		{name: "spaces", before: `{ "a" : 1 }`, after: "{\n\"a\": 2\n}", want: []string{"a"}},
		{name: "not an object", before: `{}`, after: `[1]`, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := changedFields([]byte(tt.before), []byte(tt.after)); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("changedFields = %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzTopLevel compares the member splitter with encoding/json on any
// input that encoding/json accepts as an object.
func FuzzTopLevel(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1}`, `{"a":{"b":[1,"]"]},"c":"\"}"}`, ` { "k" : null } `, `{"a":1,}`, `[]`, `{"a":tru}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var want map[string]json.RawMessage
		if json.Unmarshal(data, &want) != nil || want == nil {
			return
		}
		ms, ok := topLevel(data, nil)
		got := map[string][]byte{}
		for _, m := range ms {
			got[string(m.key)] = m.value // the last of duplicate keys, as encoding/json
		}
		if !ok {
			t.Fatalf("topLevel refused %q, which encoding/json reads", data)
		}
		if len(got) != len(want) {
			t.Fatalf("%q: %d members, encoding/json %d", data, len(got), len(want))
		}
		for k, v := range want {
			if string(got[k]) != string(v) {
				t.Fatalf("%q: member %q = %q, want %q", data, k, got[k], v)
			}
		}
	})
}
