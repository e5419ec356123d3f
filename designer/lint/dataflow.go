package lint

import (
	"sort"
	"strings"

	"github.com/procedo/procedo/designer/model"
)

// varset is a set of variable names; all means every variable (the top
// of the must-analysis lattice, for nodes not yet visited).
type varset struct {
	all bool
	m   map[string]bool
}

func (s varset) has(v string) bool { return s.all || s.m[v] }

func (s varset) equal(t varset) bool {
	if s.all || t.all {
		return s.all == t.all
	}
	if len(s.m) != len(t.m) {
		return false
	}
	for k := range s.m {
		if !t.m[k] {
			return false
		}
	}
	return true
}

func intersect(a, b varset) varset {
	switch {
	case a.all:
		return b
	case b.all:
		return a
	}
	out := varset{m: map[string]bool{}}
	for k := range a.m {
		if b.m[k] {
			out.m[k] = true
		}
	}
	return out
}

func union(a varset, names []string) varset {
	if a.all {
		return a
	}
	out := varset{m: make(map[string]bool, len(a.m)+len(names))}
	for k := range a.m {
		out.m[k] = true
	}
	for _, n := range names {
		out.m[n] = true
	}
	return out
}

// availability computes, for each node of an executable process, which
// case variables are set on every path that reaches it (a forward
// must-analysis over the sequence flows, BPMN 2.0 §13 token semantics):
// in[n] when the node starts, out[n] when it completes.
type availability struct {
	in, out map[*model.Node]varset
}

// sets returns the variables a node sets when it completes: the fields of
// the form filled at a start event or user task (and of the checklist),
// the result of a script task, the outputs of a call activity.
func sets(m *model.Model, n *model.Node) []string {
	var out []string
	addForm := func(name string) {
		for _, f := range m.Forms {
			if f.Name == name {
				for _, p := range f.Properties {
					out = append(out, p.Name)
				}
			}
		}
	}
	if n.Kind == "startEvent" || n.Kind == "userTask" {
		addForm(n.Form)
		addForm(n.Checklist)
	}
	if n.ResultVariable != "" {
		out = append(out, n.ResultVariable)
	}
	if n.Call != nil {
		for _, o := range n.Call.Outputs {
			out = append(out, o.Target)
		}
	}
	return out
}

func computeAvailability(m *model.Model, p *model.Process, entry []string) *availability {
	a := &availability{in: map[*model.Node]varset{}, out: map[*model.Node]varset{}}
	for _, n := range p.Nodes {
		a.in[n] = varset{all: true}
		a.out[n] = varset{all: true}
	}
	gen := map[*model.Node][]string{}
	for _, n := range p.Nodes {
		gen[n] = sets(m, n)
	}
	// Iterate to the fixed point; the lattice is finite and every step
	// only removes names, so this ends.
	for changed := true; changed; {
		changed = false
		for _, n := range p.Nodes {
			var in varset
			switch {
			case n.AttachedTo != nil:
				in = a.in[n.AttachedTo] // fires while its activity runs
			case len(n.Incoming) > 0:
				in = varset{all: true}
				for _, f := range n.Incoming {
					if f.Source != nil {
						in = intersect(in, a.out[f.Source])
					}
				}
			case n.Parent != nil:
				in = a.in[n.Parent] // a sub-process start sees what its sub-process sees
			default:
				in = union(varset{m: map[string]bool{}}, entry)
			}
			out := union(in, gen[n])
			if n.IsSubProcess() && !n.TriggeredByEvent {
				// Completing a sub-process means reaching its end events.
				inner := varset{all: true}
				ends := 0
				for _, c := range n.Children {
					if c.Kind == "endEvent" {
						inner = intersect(inner, a.out[c])
						ends++
					}
				}
				if ends > 0 && !inner.all {
					out = union(out, keys(inner))
				}
			}
			if !in.equal(a.in[n]) || !out.equal(a.out[n]) {
				a.in[n], a.out[n] = in, out
				changed = true
			}
		}
	}
	return a
}

func keys(s varset) []string {
	out := make([]string, 0, len(s.m))
	for k := range s.m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkVariableNotSet warns when an expression reads a case variable that
// not every path to it has set: the form that declares it is filled later,
// or only on some branches. At run time such a read fails ("no such
// attribute") and the case stops with an incident.
func checkVariableNotSet(c *context) {
	if !c.m.HasForms {
		return
	}
	env, err := c.m.Env()
	if err != nil {
		return
	}
	caseVars := map[string]bool{}
	for _, v := range c.m.Variables {
		caseVars[v.Name] = true
	}
	for _, v := range c.m.ProcessVariables() {
		caseVars[v] = true
	}
	// Inputs of call activities are what a called process starts with.
	entry := map[*model.Process][]string{}
	for _, p := range c.m.Processes {
		for _, n := range p.Nodes {
			if n.Call != nil && n.Call.Process != nil {
				for _, in := range n.Call.Inputs {
					entry[n.Call.Process] = append(entry[n.Call.Process], in.Target)
				}
			}
		}
	}
	for _, p := range c.executable() {
		a := computeAvailability(c.m, p, entry[p])
		check := func(e *model.Expr, at varset) {
			if e == nil || !e.IsCEL() || at.all {
				return
			}
			ast, errs := e.Check(env, nil)
			if len(errs) > 0 || ast == nil {
				return // reported by cel
			}
			seen := map[string]bool{}
			var missing []string
			for _, ref := range ast.NativeRep().ReferenceMap() {
				if ref.Name == "" || ref.Value != nil || !caseVars[ref.Name] || seen[ref.Name] || at.has(ref.Name) {
					continue
				}
				seen[ref.Name] = true
				missing = append(missing, ref.Name)
			}
			if len(missing) == 0 {
				return
			}
			sort.Strings(missing)
			c.add("variable-not-set", e.Pos, e.ElementID, p, "%s of %q reads %s, which not every path to here sets: %s; make sure the step that sets it comes first on every path",
				e.Field, e.ElementID, quoteList(missing), origin(c.m, missing[0]))
		}
		for _, f := range p.Flows {
			if f.Source != nil {
				check(f.Condition, a.out[f.Source])
			}
		}
		for _, n := range p.Nodes {
			in := a.in[n]
			check(n.Assignee, in)
			check(n.CorrelationKey, in)
			check(n.Script, in)
			if n.Loop != nil {
				check(n.Loop.Collection, in)
				check(n.Loop.Cardinality, in)
			}
			if n.Call != nil {
				for _, m := range n.Call.Inputs {
					check(m.Source, in)
				}
			}
		}
	}
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "'" + n + "'"
	}
	return strings.Join(q, ", ")
}

// origin says where a variable comes from, for the message.
func origin(m *model.Model, name string) string {
	for _, v := range m.Variables {
		if v.Name == name {
			return "'" + name + "' comes from form " + strings.Join(v.Forms, ", ")
		}
	}
	return "'" + name + "' is set by a script task or a call activity"
}
