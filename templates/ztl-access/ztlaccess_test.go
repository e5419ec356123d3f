package ztlaccess_test

import (
	"context"
	"errors"
	"io/fs"
	"testing"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/processtest"
	ztlaccess "github.com/procedo/procedo/templates/ztl-access"
)

// TestScenarios runs every scenario of the bundle with the real services
// (the simulated registry) on a fake clock.
func TestScenarios(t *testing.T) {
	def, err := ztlaccess.Definition()
	if err != nil {
		t.Fatal(err)
	}
	paths, err := fs.Glob(ztlaccess.Bundle, "scenarios/*.json")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, p := range paths {
		t.Run(p, func(t *testing.T) {
			data, err := ztlaccess.Bundle.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			sc, err := processtest.ParseScenario(data)
			if err != nil {
				t.Fatal(err)
			}
			env := processtest.New(t)
			var docs []string
			svc := &ztlaccess.Services{Registry: ztlaccess.DemoRegistry(), Now: env.Clock.Now,
				AddDoc: func(_ context.Context, _, _, name, _ string, content []byte) error {
					if len(content) < 100 {
						return errors.New("empty permit")
					}
					docs = append(docs, name)
					return nil
				}}
			for typ, h := range svc.Handlers() {
				env.Stub(typ, h)
			}
			env.Deploy(def)
			id := env.Run(sc)
			var vars map[string]any
			env.Vars(id, &vars)
			if _, ok := vars["verifica"]; !ok {
				t.Errorf("verifica not set: %v", vars)
			}
			switch sc.ExpectPath[len(sc.ExpectPath)-1] {
			case "Rilasciato":
				if len(docs) != 1 || docs[0] != "permesso" || vars["permesso"] == nil {
					t.Errorf("permit: docs %v, vars %v", docs, vars["permesso"])
				}
			case "Respinta":
				if len(docs) != 1 || docs[0] != "diniego" {
					t.Errorf("notice of rejection: docs %v", docs)
				}
			}
		})
	}
}

// TestTermSuspended checks that the days waiting for the citizen's
// integration do not count against the 30-day term.
func TestTermSuspended(t *testing.T) {
	def, err := ztlaccess.Definition()
	if err != nil {
		t.Fatal(err)
	}
	env := processtest.New(t)
	svc := &ztlaccess.Services{Registry: ztlaccess.DemoRegistry()}
	for typ, h := range svc.Handlers() {
		env.Stub(typ, h)
	}
	env.Deploy(def)
	id := env.Start(ztlaccess.ProcessKey, map[string]any{
		"richiedente": map[string]any{"nome": "Mario", "cognome": "Rossi", "codice_fiscale": "RSSMRA85T10A562S", "email": "m@example.it"},
		"veicolo":     map[string]any{"targa": "AB123CD", "alimentazione": "benzina"}, "motivo": "residente", "veridicita": true,
	})
	before := env.Inspect(id).Term.Remaining
	env.CompleteTask(id, "Istruttoria", "monza.laura.verdi", map[string]any{
		"esito":     map[string]any{"decisione": "integrazione", "motivazione": "Manca la carta di circolazione"},
		"checklist": map[string]any{"identita_verificata": true, "requisiti_verificati": false, "nessun_conflitto": true}})
	env.AdvanceDays(10)
	v := env.Inspect(id)
	if !v.Term.Suspended || v.Term.Remaining != before {
		t.Fatalf("term while waiting for integration: %+v, want suspended with %d days left", v.Term, before)
	}
	task := env.Task(id, "Integrazione")
	if task.Assignee != "RSSMRA85T10A562S" {
		t.Errorf("integration assigned to %q", task.Assignee)
	}
	err = env.TryCompleteTask(id, "Integrazione", "RSSMRA85T10A562S", map[string]any{"integrazione": map[string]any{}})
	var ve *runtime.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("empty answer: %v, want a validation error", err)
	}
}
