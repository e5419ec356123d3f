package synth

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/insight"
)

// ProcessKey is the process of the synthetic history: a request for a
// municipal grant ("contributo"), with a legal term of 30 days.
const ProcessKey = "contributo"

// Elements of the process.
const (
	Start        = "Start"
	Protocollo   = "Protocollo"   // service task: registers the application
	Istruttoria  = "Istruttoria"  // user task, office "servizi-sociali", SLA P3D
	Completa     = "Completa"     // exclusive gateway: is the application complete?
	Integrazione = "Integrazione" // receive task: waits for the citizen; suspends the term
	Checklist    = "Checklist"    // user task, office "anticorruzione": the checklist
	Decisione    = "Decisione"    // user task, office "dirigenza"
	End          = "Fine"
)

// Offices of the tasks.
const (
	OfficeIstruttoria = "servizi-sociali"
	OfficeChecklist   = "anticorruzione"
	OfficeDecisione   = "dirigenza"
)

// Term is the legal term of the procedure; SLA the due time of the
// instruction task.
const (
	Term = "P30D"
	SLA  = "P3D"
)

// ChecklistItems are the items of the anti-corruption checklist, answered
// "si", "no" or "n/a" under the variable "checklist".
var ChecklistItems = []string{"conflittoInteressi", "rotazione", "documentazione"}

// BPMN is the diagram of the process (BPMN 2.0 XML with DI), stored as
// the bundle of its deployment so that the dashboard can draw it.
//
//go:embed contributo.bpmn
var BPMN []byte

// Definition builds the process on JSON variables.
func Definition() (*runtime.Definition, error) {
	b := runtime.NewBuilder[runtime.JSON](ProcessKey, "Contributo economico").Term(Term)
	b.StartEvent(Start).Named("Domanda presentata")
	b.ServiceTask(Protocollo, "protocollo").Named("Protocollazione")
	b.UserTask(Istruttoria).Named("Istruttoria").Offices(OfficeIstruttoria).SLA(SLA)
	b.ExclusiveGateway(Completa).Named("Domanda completa?").Default("F_no")
	b.ReceiveTask(Integrazione, "integrazione", func(v *runtime.JSON) (string, error) {
		return fmt.Sprint((*v)["pratica"]), nil
	}).Named("Attesa integrazione").Suspends()
	b.UserTask(Checklist).Named("Checklist anticorruzione").Offices(OfficeChecklist)
	b.UserTask(Decisione).Named("Provvedimento finale").Offices(OfficeDecisione)
	b.EndEvent(End).Named("Fine")
	b.Flow("F1", Start, Protocollo)
	b.Flow("F2", Protocollo, Istruttoria)
	b.Flow("F3", Istruttoria, Completa)
	b.FlowIf("F_si", Completa, Checklist, "completa", func(v *runtime.JSON) (bool, error) {
		c, _ := (*v)["completa"].(bool)
		return c, nil
	})
	b.Flow("F_no", Completa, Integrazione)
	b.Flow("F4", Integrazione, Istruttoria)
	b.Flow("F5", Checklist, Decisione)
	b.Flow("F6", Decisione, End)
	return b.Build()
}

// Procedure is what the indicators need to know of the process.
func Procedure() insight.Procedure {
	return insight.Procedure{
		Key: ProcessKey, Name: "Contributo economico", Term: Term,
		Instruction: []string{Istruttoria}, Decision: []string{Decisione},
		Outcome: "esito", Approved: []string{"accolta"},
		Checklists: []insight.Checklist{{Element: Checklist, Field: "checklist", Items: ChecklistItems}},
	}
}

// protocollo is the handler of the protocol service task.
func protocollo(_ context.Context, c *runtime.ServiceCall) error { return nil }
