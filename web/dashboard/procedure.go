package dashboard

import (
	"github.com/procedo/procedo/designer/model"
	"github.com/procedo/procedo/runtime/insight"
)

// ProcedureOf derives from a resolved model what the indicators can know
// of a process without asking anyone: its key and name, its legal term
// (procedo:legalTerm) and its checklists (procedo:checklist on user tasks,
// with the items of the checklist form: the properties of its single
// object property, as in {"checklist": {"rotazione": true, ...}}, or its
// top-level properties). Which tasks instruct and which decide, and the
// outcome, are not in the model: the caller sets Instruction, Decision,
// Outcome and Approved (without them RF01, RF02, RF06 and RF07 stay off).
func ProcedureOf(m *model.Model, p *model.Process) insight.Procedure {
	proc := insight.Procedure{Key: p.ID, Name: p.Name}
	if p.LegalTerm != nil {
		proc.Term = p.LegalTerm.String()
	}
	for _, n := range p.Nodes {
		if n.Kind != "userTask" || n.Checklist == "" {
			continue
		}
		cl := insight.Checklist{Element: n.ID}
		var form *model.Form
		for _, f := range m.Forms {
			if f.Name == n.Checklist {
				form = f
			}
		}
		if form != nil {
			props := form.Properties
			if len(props) == 1 && props[0].Type == model.TypeObject {
				cl.Field, props = props[0].Name, props[0].Properties
			}
			for _, it := range props {
				cl.Items = append(cl.Items, it.Name)
			}
		}
		proc.Checklists = append(proc.Checklists, cl)
	}
	return proc
}
