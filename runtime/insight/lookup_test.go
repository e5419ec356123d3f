package insight

import (
	"encoding/json"
	"testing"
)

func TestLookupPath(t *testing.T) {
	var vars map[string]json.RawMessage
	if err := json.Unmarshal([]byte(`{"esito":{"decisione":"accolta","note":{"x":1}},"esito.flat":"y","n":2}`), &vars); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
		ok               bool
	}{
		{name: "top level", path: "n", want: "2", ok: true},
		{name: "nested field", path: "esito.decisione", want: `"accolta"`, ok: true},
		{name: "deeper", path: "esito.note.x", want: "1", ok: true},
		{name: "a top-level name with a dot wins", path: "esito.flat", want: `"y"`, ok: true},
		{name: "missing field", path: "esito.motivo", ok: false},
		{name: "through a non-object", path: "n.x", ok: false},
		{name: "missing variable", path: "domanda", ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := lookupPath(vars, tt.path)
			if ok != tt.ok || (ok && string(got) != tt.want) {
				t.Errorf("lookupPath(%q) = %s, %v; want %s, %v", tt.path, got, ok, tt.want, tt.ok)
			}
		})
	}
}
