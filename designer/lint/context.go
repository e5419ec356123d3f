package lint

import (
	"fmt"

	"github.com/procedo/procedo/designer/bpmn"
	"github.com/procedo/procedo/designer/model"
)

// context carries a model through the rules and collects diagnostics.
type context struct {
	m    *model.Model
	file string
	// procOf maps element ids to their process, to tell which process a
	// problem of the resolver belongs to.
	procOf map[string]*model.Process
	out    []Diagnostic
}

func newContext(m *model.Model) *context {
	c := &context{m: m, procOf: map[string]*model.Process{}}
	if m.Source != nil {
		c.file = m.Source.Name
	}
	for _, p := range m.Processes {
		bpmn.Walk(p.Element, func(el, _ bpmn.Element) bool {
			if id := el.ElementID(); id != "" {
				c.procOf[id] = p
			}
			return true
		})
	}
	return c
}

// executable lists the processes the execution rules apply to.
func (c *context) executable() []*model.Process {
	var out []*model.Process
	for _, p := range c.m.Processes {
		if p.Executable {
			out = append(out, p)
		}
	}
	return out
}

func (c *context) add(rule string, pos bpmn.Pos, id string, p *model.Process, format string, args ...any) {
	r := ruleByID[rule]
	d := Diagnostic{Rule: rule, Severity: r.Severity, File: c.file, Line: pos.Line, Col: pos.Col, ElementID: id,
		Message: fmt.Sprintf(format, args...)}
	if p != nil {
		d.Process = p.ID
	}
	c.out = append(c.out, d)
}

// node reports at a flow node.
func (c *context) node(rule string, n *model.Node, format string, args ...any) {
	c.add(rule, n.Pos, n.ID, n.Process, format, args...)
}

// flow reports at a sequence flow.
func (c *context) flow(rule string, f *model.Flow, p *model.Process, format string, args ...any) {
	c.add(rule, f.Pos, f.ID, p, format, args...)
}

// problem turns a problem of the resolver into a diagnostic. Problems of
// execution rules are dropped for processes that are not executable.
func (c *context) problem(pr *model.Problem) {
	r, ok := ruleByID[pr.Code]
	if !ok {
		r = ruleByID["bpmn-invalid"]
	}
	p := c.procOf[pr.ElementID]
	if pr.Process != "" {
		p = c.m.Process(pr.Process)
	}
	if r.Execution && (p == nil || !p.Executable) {
		return
	}
	file := pr.File
	if file == "" {
		file = c.file
	}
	pos := pr.Pos
	if !pos.IsValid() && pr.ElementID == "" {
		pos = bpmn.Pos{Line: 1, Col: 1}
	}
	d := Diagnostic{Rule: r.ID, Severity: r.Severity, File: file, Line: pos.Line, Col: pos.Col,
		ElementID: pr.ElementID, Message: pr.Msg}
	if p != nil {
		d.Process = p.ID
	}
	c.out = append(c.out, d)
}

// label names an element for messages: "Istruttoria" (id) or its kind.
func label(n *model.Node) string {
	if n.Name != "" {
		return fmt.Sprintf("%s %q", n.Kind, n.Name)
	}
	if n.ID != "" {
		return fmt.Sprintf("%s %q", n.Kind, n.ID)
	}
	return n.Kind
}
