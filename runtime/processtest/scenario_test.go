package processtest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/processtest"
)

func scia(t testing.TB) *runtime.Definition {
	b := runtime.NewBuilder[runtime.JSON]("scia", "SCIA").Term("P30D")
	b.StartEvent("Start")
	b.ServiceTask("Protocollo", "protocollo")
	b.UserTask("Istruttoria")
	b.ExclusiveGateway("Completa").Default("no")
	b.ReceiveTask("Integrazione", "integrazione", func(v *runtime.JSON) (string, error) { return (*v)["pratica"].(string), nil }).Suspends()
	b.UserTask("Decisione")
	b.EndEvent("Fine")
	b.Flow("f0", "Start", "Protocollo").Flow("f1", "Protocollo", "Istruttoria").Flow("f2", "Istruttoria", "Completa").
		Flow("no", "Completa", "Integrazione").Flow("f3", "Integrazione", "Decisione").Flow("f4", "Decisione", "Fine")
	b.FlowIf("si", "Completa", "Decisione", "completa", func(v *runtime.JSON) (bool, error) { return (*v)["completa"] == true, nil })
	d, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

const accolta = `{
  "name": "accolta dopo integrazione",
  "process": "scia",
  "start": {"pratica": "2026/1"},
  "services": {"protocollo": {"set": {"protocollo": "P-42"}}},
  "steps": [
    {"complete": "Istruttoria", "actor": "anna", "payload": {"completa": false}},
    {"expectWaiting": ["Integrazione"]},
    {"advance": "P10D"},
    {"message": "integrazione", "key": "2026/1", "payload": {"allegato": "planimetria.pdf"}},
    {"complete": "Decisione", "actor": "capo", "payload": {"esito": "accolta"}}
  ],
  "expectPath": ["Start", "Protocollo", "Istruttoria", "Completa", "Integrazione", "Decisione", "Fine"],
  "expectNotVisited": [],
  "expectStatus": "completed",
  "expectVars": {"protocollo": "P-42", "esito": "accolta", "allegato": "planimetria.pdf"}
}`

func TestScenarioFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "accolta.json")
	if err := os.WriteFile(path, []byte(accolta), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := processtest.LoadScenario(path)
	if err != nil {
		t.Fatal(err)
	}
	env := processtest.New(t)
	env.UseStubs(s)
	env.Deploy(scia(t))
	id := env.Run(s)
	if n := len(env.EventsOf(id, runtime.EventSuspended)); n != 1 {
		t.Fatalf("%d suspensions", n)
	}
}

func TestParseScenarioErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "not JSON", in: `{`, want: "scenario:"},
		{name: "no process", in: `{"name":"x"}`, want: `"process" is required`},
		{name: "unknown field", in: `{"process":"p","stpes":[]}`, want: `unknown field "stpes"`},
		{name: "empty step", in: `{"process":"p","steps":[{}]}`, want: "steps[0]: set exactly one"},
		{name: "two actions", in: `{"process":"p","steps":[{"complete":"A","message":"m"}]}`, want: "steps[0]: set exactly one"},
		{name: "bad duration", in: `{"process":"p","steps":[{"advance":"10 giorni"}]}`, want: "steps[0].advance"},
		{name: "stub does two things", in: `{"process":"p","services":{"x":{"error":"E","fail":"f"}}}`, want: `services["x"]`},
		{name: "trailing data", in: `{"process":"p"} {}`, want: "trailing data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := processtest.ParseScenario([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func FuzzParseScenario(f *testing.F) {
	f.Add([]byte(accolta))
	f.Add([]byte(`{"process":"p","steps":[{"advance":"P1D"},{"expectWaiting":[]}]}`))
	f.Add([]byte(`{"process":"p","services":{"x":{"set":{"a":1}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := processtest.ParseScenario(data)
		if err == nil && s.Process == "" {
			t.Fatal("accepted a scenario without process")
		}
	})
}
