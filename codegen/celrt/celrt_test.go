package celrt_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/procedo/procedo/codegen/celrt"
)

func TestEval(t *testing.T) {
	vars := map[string]*celrt.Type{
		"n":       {Kind: celrt.Int},
		"d":       {Kind: celrt.Double},
		"giorno":  {Kind: celrt.Timestamp},
		"domanda": {Kind: celrt.Object, Fields: map[string]*celrt.Type{"figli": {Kind: celrt.Int}, "nati": {Kind: celrt.List, Elem: &celrt.Type{Kind: celrt.Timestamp}}}},
	}
	tests := []struct {
		name    string
		src     string
		vars    string
		want    any
		wantErr string
	}{
		{name: "int from a JSON number", src: "n + 1", vars: `{"n": 41}`, want: int64(42)},
		{name: "int beyond 2^53 keeps its value", src: "n - 1", vars: `{"n": 9223372036854775807}`, want: int64(9223372036854775806)},
		{name: "int overflow is an error", src: "n + 1", vars: `{"n": 9223372036854775807}`, wantErr: "overflow"},
		{name: "double stays double", src: "d * 2.0", vars: `{"d": 1.25}`, want: 2.5},
		{name: "mixed comparison", src: "d > 1", vars: `{"d": 1.5}`, want: true},
		{name: "absent variable is an error", src: "n > 1", vars: `{}`, wantErr: "no such attribute"},
		{name: "date is a timestamp at midnight UTC", src: "giorno.getDayOfWeek()", vars: `{"giorno": "2026-03-02"}`, want: int64(1)},
		{name: "date-time", src: "giorno + duration('1h')", vars: `{"giorno": "2026-03-02T08:00:00+01:00"}`, want: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)},
		{name: "nested fields are converted", src: "domanda.figli * 2", vars: `{"domanda": {"figli": 3}}`, want: int64(6)},
		{name: "list of dates", src: "domanda.nati[0] < timestamp('2000-01-01T00:00:00Z')", vars: `{"domanda": {"nati": ["1999-12-31"]}}`, want: true},
		{name: "undeclared number is a double", src: "x + 0.5", vars: `{"x": 1}`, want: 1.5},
		{name: "a fraction is not an int", src: "n", vars: `{"n": 1.5}`, wantErr: "not an integer"},
		{name: "lists and maps come back as Go values", src: "{'a': [n, 2]}", vars: `{"n": 1}`, want: map[string]any{"a": []any{int64(1), int64(2)}}},
		{name: "cost limit", src: "[1,2,3,4,5,6,7,8,9,10].map(a, [1,2,3,4,5,6,7,8,9,10].map(b, [1,2,3,4,5,6,7,8,9,10].map(c, [1,2,3,4,5,6,7,8,9,10].map(d, [1,2,3,4,5,6,7,8,9,10].map(e, [1,2,3,4,5,6,7,8,9,10].map(f, a+b+c+d+e+f))))))", vars: `{}`, wantErr: "cost limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := celrt.Compile(tt.src, vars)
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.EvalJSON([]byte(tt.vars))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, celrt.ErrEval) {
					t.Fatalf("got %v, %v; want an error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if wt, ok := tt.want.(time.Time); ok {
				// The offset of the input is kept, as time.Time does in a
				// Variables struct.
				if gt, ok := got.(time.Time); !ok || !wt.Equal(gt) {
					t.Errorf("got %v, want %v", got, wt)
				}
				return
			}
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(tt.want)
			if string(g) != string(w) {
				t.Errorf("got %s (%T), want %s", g, got, w)
			}
		})
	}
}

func TestAs(t *testing.T) {
	if k, err := celrt.AsKey(int64(12), nil); err != nil || k != "12" {
		t.Errorf("AsKey(12) = %q, %v", k, err)
	}
	if _, err := celrt.AsKey(1.5, nil); err == nil {
		t.Error("AsKey(1.5) succeeded")
	}
	if _, err := celrt.AsBool("x", nil); err == nil {
		t.Error("AsBool(string) succeeded")
	}
	if n, err := celrt.AsSize([]any{1, 2}, nil); err != nil || n != 2 {
		t.Errorf("AsSize = %d, %v", n, err)
	}
	if s, err := celrt.AsStrings([]any{"a", "b"}, nil); err != nil || len(s) != 2 {
		t.Errorf("AsStrings = %v, %v", s, err)
	}
	m := celrt.WithCounters(map[string]any{"x": 1}, 3, 1, 2)
	if m["nrOfCompletedInstances"] != int64(2) || m["x"] != 1 {
		t.Errorf("WithCounters = %v", m)
	}
	if _, err := celrt.Compile("1 +", nil); err == nil {
		t.Error("a syntax error compiled")
	}
}

func TestCanonical(t *testing.T) {
	obj := &celrt.Type{Kind: celrt.Object, Fields: map[string]*celrt.Type{
		"n": {Kind: celrt.Int}, "d": {Kind: celrt.Double}, "quando": {Kind: celrt.TimestampText},
		"lista": {Kind: celrt.List, Elem: &celrt.Type{Kind: celrt.Int}},
	}}
	tests := []struct {
		name string
		in   string
		t    *celrt.Type
		want string
	}{
		{name: "int written with a fraction", in: `{"v": 3.0}`, t: &celrt.Type{Kind: celrt.Int}, want: `3`},
		{name: "int beyond 2^53", in: `{"v": 9007199254740993}`, t: &celrt.Type{Kind: celrt.Int}, want: `9007199254740993`},
		{name: "double as float64 prints it", in: `{"v": 30000.0}`, t: &celrt.Type{Kind: celrt.Double}, want: `30000`},
		{name: "date-time as time.Time prints it", in: `{"v": "2026-03-02T09:00:00.000+01:00"}`, t: &celrt.Type{Kind: celrt.TimestampText}, want: `"2026-03-02T09:00:00+01:00"`},
		{name: "object keeps declared properties", in: `{"v": {"n": 1.0, "x": true, "lista": [2.0], "quando": "2026-01-01T00:00:00Z"}}`, t: obj, want: `{"lista":[2],"n":1,"quando":"2026-01-01T00:00:00Z"}`},
		{name: "a value that does not fit stays", in: `{"v": "tre"}`, t: &celrt.Type{Kind: celrt.Int}, want: `"tre"`},
		{name: "dyn stays", in: `{"v": {"a": 1.50}}`, t: &celrt.Type{Kind: celrt.Dyn}, want: `{"a":1.50}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := celrt.DecodeObject([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(celrt.Canonical(m["v"], tt.t))
			if err != nil || string(got) != tt.want {
				t.Errorf("got %s (%v), want %s", got, err, tt.want)
			}
		})
	}
}
