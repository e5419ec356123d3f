package dashboard_test

import (
	"reflect"
	"testing"

	"github.com/procedo/procedo/designer/model"
	"github.com/procedo/procedo/runtime/insight"
	"github.com/procedo/procedo/runtime/insight/synth"
	"github.com/procedo/procedo/web/dashboard"
)

func TestProcedureOf(t *testing.T) {
	form, err := model.ParseFormSchema("checklist", "forms/checklist.schema.json", []byte(`{
		"type": "object",
		"properties": {"checklist": {"type": "object", "properties": {
			"rotazione": {"type": "string"}, "conflittoInteressi": {"type": "string"}, "documentazione": {"type": "string"}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	m, problems, err := model.ResolveBytes("contributo.bpmn", synth.BPMN, []*model.Form{form}, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Logf("problem: %v", p)
	}
	got := dashboard.ProcedureOf(m, m.Processes[0])
	want := insight.Procedure{Key: "contributo", Name: "Contributo economico", Term: "P30D",
		Checklists: []insight.Checklist{{Element: "Checklist", Field: "checklist", Items: []string{"conflittoInteressi", "documentazione", "rotazione"}}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
