package runtime_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/processtest"
	"github.com/procedo/procedo/runtime/store"
)

func TestStateVariables(t *testing.T) {
	env := processtest.New(t)
	b := runtime.NewBuilder[runtime.JSON]("p", "P")
	b.StartEvent("S")
	b.UserTask("T")
	b.EndEvent("E")
	b.Flow("f1", "S", "T").Flow("f2", "T", "E")
	def, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	env.Deploy(def)
	id := env.Start("p", map[string]any{"pratica": "2026/1", "checklist": map[string]any{"rotazione": "no"}})
	in, err := env.Store.GetInstance(context.Background(), &store.GetInstanceParams{Body: env.Body, ID: id})
	if err != nil {
		t.Fatal(err)
	}
	vars, err := runtime.StateVariables(in.State)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(vars, &got); err != nil || got["pratica"] != "2026/1" {
		t.Errorf("StateVariables: %s (%v)", vars, err)
	}
	for _, bad := range [][]byte{nil, {0xff, 1, 2}} {
		if _, err := runtime.StateVariables(bad); err == nil {
			t.Errorf("StateVariables(%x): no error", bad)
		}
	}
}
