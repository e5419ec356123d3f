package model

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/procedo/procedo/designer/bpmn"
)

// Resolve turns a parsed document into a Model: it links every sequence
// flow to its nodes, attaches boundary events, nests sub-processes,
// resolves messages, errors and shared event definitions, and decodes the
// procedo attributes (docs/bpmn-extensions.md). src gives exact positions
// of attribute values and expressions; it may be nil.
//
// Resolve never fails: what it cannot decode it reports as a Problem and
// leaves unset in the model, so that a linter can list every problem at
// once. Code generation must refuse a model with problems.
func Resolve(defs *bpmn.Definitions, src *Source, forms []*Form, hasForms bool) (*Model, []*Problem) {
	r := &resolver{
		m:        &Model{Source: src, Definitions: defs, Forms: forms, HasForms: hasForms},
		src:      src,
		nodes:    map[string]*Node{},
		flows:    map[string]*Flow{},
		messages: map[string]*Message{},
		errors:   map[string]*Error{},
		procs:    map[string]*Process{},
	}
	if src != nil {
		r.file = src.Name
	}
	r.m.Variables = variables(forms)
	r.roots(defs)
	// Nodes of every process first, so that a flow pointing into another
	// process is recognised as such whatever the order of the processes.
	flows := make([][]*bpmn.SequenceFlow, len(r.m.Processes))
	for i, p := range r.m.Processes {
		flows[i] = r.process(p)
	}
	for i, p := range r.m.Processes {
		r.link(p, flows[i])
	}
	for _, c := range r.calls {
		if p := r.procs[bpmn.LocalID(c.Call.CalledElement)]; p != nil {
			c.Call.Process = p
		}
	}
	return r.m, r.problems
}

type resolver struct {
	m        *Model
	src      *Source
	file     string
	nodes    map[string]*Node
	flows    map[string]*Flow
	messages map[string]*Message
	errors   map[string]*Error
	procs    map[string]*Process
	calls    []*Node
	problems []*Problem
	cur      *Process // the process being resolved
}

func (r *resolver) problem(code string, el bpmn.Element, format string, args ...any) {
	p := &Problem{Code: code, File: r.file, Msg: fmt.Sprintf(format, args...)}
	if r.cur != nil {
		p.Process = r.cur.ID
	}
	if el != nil {
		p.Pos = el.Position()
		p.ElementID = el.ElementID()
	}
	r.problems = append(r.problems, p)
}

// attrProblem reports a problem with the value of an attribute (an
// unprefixed BPMN attribute, or a qualified name such as "procedo:sla"),
// pointing at the value itself when the source is known.
func (r *resolver) attrProblem(code string, el bpmn.Element, qname string, format string, args ...any) {
	r.problem(code, el, format, args...)
	p := r.problems[len(r.problems)-1]
	if r.src != nil {
		if off := r.src.attrValue(el.Position(), qname); off >= 0 {
			p.Pos = r.src.Pos(off)
		}
	}
}

// procedoProblem reports a problem with a procedo attribute.
func (r *resolver) procedoProblem(code string, el bpmn.Element, local string, format string, args ...any) {
	r.attrProblem(code, el, procedoQName(el, local), format, args...)
}

// procedoQName returns the name of a procedo attribute as written in the
// document ("procedo:sla", or with whatever prefix the document uses).
func procedoQName(el bpmn.Element, local string) string {
	for _, a := range extAttrs(el) {
		if a.Space == bpmn.ProcedoNS && a.Local == local && a.Prefix != "" {
			return a.Prefix + ":" + local
		}
	}
	return "procedo:" + local
}

// extAttrs returns the foreign attributes of an element.
func extAttrs(el bpmn.Element) []bpmn.Attr {
	if n, ok := el.(*bpmn.Node); ok {
		return n.Attrs
	}
	v := reflect.ValueOf(el)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return nil
	}
	f := v.Elem().FieldByName("ExtAttrs")
	if !f.IsValid() {
		return nil
	}
	attrs, _ := f.Interface().([]bpmn.Attr)
	return attrs
}

func (r *resolver) roots(defs *bpmn.Definitions) {
	participants := map[string]*bpmn.Participant{}
	for _, re := range defs.RootElements {
		switch e := re.(type) {
		case *bpmn.Message:
			msg := &Message{ID: e.ID, Name: e.Name, Pos: e.Pos}
			r.m.Messages = append(r.m.Messages, msg)
			r.messages[e.ID] = msg
		case *bpmn.Error:
			er := &Error{ID: e.ID, Name: e.Name, Code: e.ErrorCode, Pos: e.Pos}
			r.m.Errors = append(r.m.Errors, er)
			r.errors[e.ID] = er
		case *bpmn.Collaboration:
			for _, pt := range e.Participants {
				if pt.ProcessRef != "" {
					participants[bpmn.LocalID(pt.ProcessRef)] = pt
				}
			}
		}
	}
	for _, re := range defs.RootElements {
		e, ok := re.(*bpmn.Process)
		if !ok {
			continue
		}
		p := &Process{ID: e.ID, Name: e.Name, Pos: e.Pos, Element: e,
			Executable: e.IsExecutable != nil && *e.IsExecutable, Participant: participants[e.ID]}
		if p.Name == "" && p.Participant != nil {
			p.Name = p.Participant.Name
		}
		r.m.Processes = append(r.m.Processes, p)
		if e.ID != "" {
			r.procs[e.ID] = p
		}
	}
}

// process decodes the attributes of a process and creates its nodes; it
// returns its sequence flows, linked later by link.
func (r *resolver) process(p *Process) []*bpmn.SequenceFlow {
	r.cur = p
	defer func() { r.cur = nil }()
	e := p.Element
	for _, a := range e.ExtAttrs {
		if a.Space != bpmn.ProcedoNS {
			continue
		}
		switch a.Local {
		case "legalTerm":
			d, err := ParseDuration(a.Value)
			switch {
			case err != nil:
				r.procedoProblem("iso8601", e, a.Local, "procedo:legalTerm: %v", err)
			case d.HasTime():
				r.procedoProblem("iso8601", e, a.Local, "procedo:legalTerm %q has a time part: a legal term counts calendar days, months or years (law 241/1990 art. 2), e.g. P30D", a.Value)
			case d.IsZero():
				r.procedoProblem("iso8601", e, a.Local, "procedo:legalTerm %q is zero: give the term of the procedure, e.g. P30D", a.Value)
			default:
				p.LegalTerm = &d
			}
		default:
			r.unknownAttr(e, a.Local)
		}
	}
	var flows []*bpmn.SequenceFlow
	r.scope(p, nil, e.FlowElements, &flows)
	return flows
}

// link resolves the sequence flows, defaults, boundary attachments and
// lanes of a process whose nodes exist.
func (r *resolver) link(p *Process, flows []*bpmn.SequenceFlow) {
	r.cur = p
	defer func() { r.cur = nil }()
	for _, sf := range flows {
		r.flow(p, sf)
	}
	for _, n := range p.Nodes {
		r.links(n)
	}
	r.lanes(p, nil, p.Element.LaneSets)
	for _, n := range p.Nodes {
		if sp, ok := n.Element.(bpmn.SubProcessLike); ok {
			r.lanes(p, nil, sp.SubProcess().LaneSets)
		}
	}
}

// scope creates the nodes of a process or sub-process, recursively, and
// collects its sequence flows.
func (r *resolver) scope(p *Process, parent *Node, elems []bpmn.FlowElement, flows *[]*bpmn.SequenceFlow) {
	for _, fe := range elems {
		switch e := fe.(type) {
		case *bpmn.SequenceFlow:
			*flows = append(*flows, e)
		case bpmn.FlowNode:
			n := r.node(p, parent, e)
			if parent != nil {
				parent.Children = append(parent.Children, n)
			}
			if sp, ok := e.(bpmn.SubProcessLike); ok {
				r.scope(p, n, sp.SubProcess().FlowElements, flows)
			}
		}
	}
}

func (r *resolver) node(p *Process, parent *Node, e bpmn.FlowNode) *Node {
	n := &Node{ID: e.ElementID(), Name: e.Flow().Name, Kind: e.Kind(), Pos: e.Position(), Element: e,
		Process: p, Parent: parent, Interrupting: true, Retries: 3}
	p.Nodes = append(p.Nodes, n)
	if n.ID != "" {
		r.nodes[n.ID] = n
	}
	switch x := e.(type) {
	case *bpmn.StartEvent:
		if x.IsInterrupting != nil {
			n.Interrupting = *x.IsInterrupting
		}
	case *bpmn.BoundaryEvent:
		if x.CancelActivity != nil {
			n.Interrupting = *x.CancelActivity
		}
	case *bpmn.SubProcess:
		n.TriggeredByEvent = x.TriggeredByEvent != nil && *x.TriggeredByEvent
	case *bpmn.AdHocSubProcess:
		n.TriggeredByEvent = x.TriggeredByEvent != nil && *x.TriggeredByEvent
	case *bpmn.Transaction:
		n.TriggeredByEvent = x.TriggeredByEvent != nil && *x.TriggeredByEvent
	case *bpmn.ScriptTask:
		n.ScriptFormat = x.ScriptFormat
		if x.Script != nil {
			n.Script = r.textExpr(x.Script.Pos, x.Script.Text, x.ScriptFormat, n.ID, "script")
		}
	case *bpmn.SendTask:
		n.Message = r.message(x.MessageRef)
	case *bpmn.ReceiveTask:
		n.Message = r.message(x.MessageRef)
	case *bpmn.CallActivity:
		n.Call = &Call{CalledElement: x.CalledElement}
		r.calls = append(r.calls, n)
		r.mappings(n, x)
	}
	if ev, ok := e.(bpmn.Event); ok {
		r.events(n, ev)
	}
	if a, ok := e.(bpmn.Activity); ok {
		switch lc := a.Activity().LoopCharacteristics.(type) {
		case *bpmn.MultiInstanceLoopCharacteristics:
			n.Loop = r.multiInstance(n, lc)
		case *bpmn.StandardLoopCharacteristics:
			n.StandardLoop = true
		}
	}
	r.procedoAttrs(n)
	if n.Phase == "" {
		n.Phase = n.Name
	}
	return n
}

func (r *resolver) message(ref string) *Message {
	if ref == "" {
		return nil
	}
	// A dangling reference is reported by the parser already.
	return r.messages[bpmn.LocalID(ref)]
}

// events resolves the event definitions of an event: its own and the
// shared ones it points at with eventDefinitionRef (BPMN §10.5.1).
func (r *resolver) events(n *Node, ev bpmn.Event) {
	defs := ev.Definitions()
	var refs []string
	switch x := ev.(type) {
	case bpmn.CatchEvent:
		refs = x.Catch().EventDefinitionRefs
	case bpmn.ThrowEvent:
		refs = x.Throw().EventDefinitionRefs
	}
	for _, ref := range refs {
		if d, ok := r.m.Definitions.ElementByID(ref).(bpmn.EventDefinition); ok {
			defs = append(defs, d)
		}
	}
	for _, d := range defs {
		ed := &EventDef{Kind: strings.TrimSuffix(d.Kind(), "EventDefinition"), ID: d.ElementID(), Pos: d.Position(), Element: d}
		switch x := d.(type) {
		case *bpmn.MessageEventDefinition:
			ed.Message = r.message(x.MessageRef)
		case *bpmn.ErrorEventDefinition:
			if x.ErrorRef != "" {
				ed.Error = r.errors[bpmn.LocalID(x.ErrorRef)]
			}
		case *bpmn.TimerEventDefinition:
			ed.Timer = r.timer(n, x)
		}
		n.Events = append(n.Events, ed)
	}
}

// timer decodes a timer definition (BPMN §10.5.5: timeDate, timeDuration
// or timeCycle, ISO 8601 text).
func (r *resolver) timer(n *Node, x *bpmn.TimerEventDefinition) *Timer {
	t := &Timer{}
	var ex *bpmn.Expression
	set := 0
	for _, c := range []struct {
		typ string
		e   *bpmn.Expression
	}{{"timeDate", x.TimeDate}, {"timeDuration", x.TimeDuration}, {"timeCycle", x.TimeCycle}} {
		if c.e != nil {
			set++
			if ex == nil {
				t.Type, ex = c.typ, c.e
			}
		}
	}
	if set == 0 {
		r.problem("timer", x, "timer of %q has no timeDate, timeDuration or timeCycle: add one with an ISO 8601 value, e.g. <timeDuration>P5D</timeDuration>", n.ID)
		return t
	}
	if set > 1 {
		r.problem("timer", x, "timer of %q has more than one of timeDate, timeDuration, timeCycle: keep one (BPMN 2.0 §10.5.5)", n.ID)
	}
	t.Expr = r.textExpr(ex.Pos, ex.Text, ex.Language, n.ID, t.Type)
	text := strings.TrimSpace(ex.Text)
	var err error
	switch t.Type {
	case "timeDate":
		d, perr := ParseDate(text)
		if err = perr; err == nil {
			t.Date = &d
		}
	case "timeDuration":
		d, perr := ParseDuration(text)
		if err = perr; err == nil {
			t.Duration = &d
		}
	case "timeCycle":
		c, perr := ParseCycle(text)
		if err = perr; err == nil {
			t.Cycle = &c
		}
	}
	if err != nil {
		p := &Problem{Code: "iso8601", File: r.file, Pos: ex.Pos, ElementID: n.ID, Process: n.Process.ID,
			Msg: fmt.Sprintf("%s of %q: %v", t.Type, n.ID, err)}
		if t.Expr != nil {
			p.Pos = t.Expr.PosAt(strings.Index(ex.Text, text))
		}
		r.problems = append(r.problems, p)
	}
	return t
}

func (r *resolver) multiInstance(n *Node, lc *bpmn.MultiInstanceLoopCharacteristics) *MultiInstance {
	mi := &MultiInstance{Sequential: lc.IsSequential != nil && *lc.IsSequential, ElementVariable: "item", Pos: lc.Pos}
	if lc.LoopCardinality != nil {
		mi.Cardinality = r.textExpr(lc.LoopCardinality.Pos, lc.LoopCardinality.Text, lc.LoopCardinality.Language, n.ID, "loopCardinality")
	}
	if lc.CompletionCondition != nil {
		mi.Completion = r.textExpr(lc.CompletionCondition.Pos, lc.CompletionCondition.Text, lc.CompletionCondition.Language, n.ID, "completionCondition")
	}
	for _, a := range lc.ExtAttrs {
		if a.Space != bpmn.ProcedoNS {
			continue
		}
		switch a.Local {
		case "collection":
			mi.Collection = r.attrExpr(lc, a, n.ID)
		case "elementVariable":
			if !isIdent(a.Value) {
				r.procedoProblem("procedo-attribute", lc, a.Local, "procedo:elementVariable %q of %q is not a variable name: use letters, digits and _", a.Value, n.ID)
			} else {
				mi.ElementVariable = a.Value
			}
		default:
			r.unknownAttr(lc, a.Local)
		}
	}
	return mi
}

// mappings reads procedo:input and procedo:output of a call activity.
func (r *resolver) mappings(n *Node, x *bpmn.CallActivity) {
	if x.ExtensionElements == nil {
		return
	}
	for _, item := range x.ExtensionElements.Items {
		if item.Space != bpmn.ProcedoNS {
			continue
		}
		if item.Local != "input" && item.Local != "output" {
			r.problem("procedo-attribute", item, "unknown extension element procedo:%s in %q: call activities take procedo:input and procedo:output", item.Local, n.ID)
			continue
		}
		source, _ := item.Attr("", "source")
		target, _ := item.Attr("", "target")
		if source == "" || !isIdent(target) {
			r.problem("procedo-attribute", item, "procedo:%s of %q needs source (a CEL expression) and target (a variable name), got source=%q target=%q", item.Local, n.ID, source, target)
			continue
		}
		mp := &Mapping{Target: target, Pos: item.Pos,
			Source: r.attrExpr(item, bpmn.Attr{Local: "source", Value: source}, n.ID)}
		mp.Source.Field = "procedo:" + item.Local + "/@source"
		if item.Local == "input" {
			n.Call.Inputs = append(n.Call.Inputs, mp)
		} else {
			n.Call.Outputs = append(n.Call.Outputs, mp)
		}
	}
}

// attrsOn says which elements each procedo attribute belongs to
// (docs/bpmn-extensions.md); "" means any flow node.
var attrsOn = map[string][]string{
	"form":           {"startEvent", "userTask"},
	"offices":        {"userTask"},
	"assignee":       {"userTask"},
	"sla":            {"userTask"},
	"checklist":      {"userTask"},
	"suspendsTerm":   {"userTask", "receiveTask", "intermediateCatchEvent"},
	"phase":          nil,
	"type":           {"serviceTask", "sendTask"},
	"retries":        {"serviceTask", "sendTask"},
	"correlationKey": {"receiveTask", "intermediateCatchEvent", "boundaryEvent"},
	"resultVariable": {"scriptTask"},
}

func (r *resolver) unknownAttr(el bpmn.Element, local string) {
	if on, ok := attrsOn[local]; ok && on != nil {
		r.procedoProblem("procedo-attribute", el, local, "procedo:%s does not apply to <%s>: it belongs on <%s>", local, el.Kind(), strings.Join(on, ">, <"))
		return
	}
	if local == "legalTerm" {
		r.procedoProblem("procedo-attribute", el, local, "procedo:legalTerm does not apply to <%s>: it belongs on <process>", el.Kind())
		return
	}
	if local == "collection" || local == "elementVariable" {
		r.procedoProblem("procedo-attribute", el, local, "procedo:%s does not apply to <%s>: it belongs on <multiInstanceLoopCharacteristics>", local, el.Kind())
		return
	}
	r.procedoProblem("procedo-attribute", el, local, "unknown attribute procedo:%s on <%s>: see docs/bpmn-extensions.md for the procedo attributes", local, el.Kind())
}

func (r *resolver) procedoAttrs(n *Node) {
	el := n.Element
	for _, a := range commonAttrs(el) {
		if a.Space != bpmn.ProcedoNS {
			continue
		}
		if on, ok := attrsOn[a.Local]; !ok || (on != nil && !contains(on, n.Kind)) {
			r.unknownAttr(el, a.Local)
			continue
		}
		switch a.Local {
		case "form":
			n.Form = strings.TrimSpace(a.Value)
			if n.Form == "" {
				r.procedoProblem("procedo-attribute", el, a.Local, "procedo:form of %q is empty: name a form of the bundle's forms folder", n.ID)
			}
		case "checklist":
			n.Checklist = strings.TrimSpace(a.Value)
		case "offices":
			for _, o := range strings.Split(a.Value, ",") {
				if o = strings.TrimSpace(o); o != "" {
					n.Offices = append(n.Offices, o)
				}
			}
		case "assignee":
			n.Assignee = r.attrExpr(el, a, n.ID)
		case "sla":
			d, err := ParseDuration(a.Value)
			if err != nil {
				r.procedoProblem("iso8601", el, a.Local, "procedo:sla of %q: %v", n.ID, err)
			} else if d.IsZero() {
				r.procedoProblem("iso8601", el, a.Local, "procedo:sla of %q is zero: give the time the office has for the task, e.g. P5D", n.ID)
			} else {
				n.SLA = &d
			}
		case "suspendsTerm":
			switch a.Value {
			case "true":
				n.SuspendsTerm = true
			case "false":
			default:
				r.procedoProblem("procedo-attribute", el, a.Local, "procedo:suspendsTerm of %q is %q: write true or false", n.ID, a.Value)
			}
		case "phase":
			n.Phase = a.Value
		case "type":
			n.ServiceType = strings.TrimSpace(a.Value)
			if !isServiceType(n.ServiceType) {
				r.procedoProblem("procedo-attribute", el, a.Local, "procedo:type %q of %q is not a service type name: use dotted lower-case words, e.g. ztl.verifica-targa", a.Value, n.ID)
			}
		case "retries":
			v, err := strconv.Atoi(a.Value)
			if err != nil || v < 0 {
				r.procedoProblem("procedo-attribute", el, a.Local, "procedo:retries of %q is %q: write an integer ≥ 0", n.ID, a.Value)
			} else {
				n.Retries = v
			}
		case "correlationKey":
			if n.Kind != "receiveTask" && n.Event("message") == nil {
				r.procedoProblem("procedo-attribute", el, a.Local, "procedo:correlationKey on %q, which waits for no message: it belongs on message catch events and receive tasks", n.ID)
				continue
			}
			n.CorrelationKey = r.attrExpr(el, a, n.ID)
		case "resultVariable":
			if !isIdent(a.Value) {
				r.procedoProblem("procedo-attribute", el, a.Local, "procedo:resultVariable %q of %q is not a variable name: use letters, digits and _", a.Value, n.ID)
			} else {
				n.ResultVariable = a.Value
			}
		}
	}
}

func commonAttrs(el bpmn.Element) []bpmn.Attr {
	if x, ok := el.(bpmn.FlowElement); ok {
		return x.Flow().ExtAttrs
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func isServiceType(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// attrExpr makes an expression of an attribute value.
func (r *resolver) attrExpr(el bpmn.Element, a bpmn.Attr, id string) *Expr {
	e := &Expr{Text: a.Value, ElementID: id, Field: "procedo:" + a.Local, Pos: el.Position(), src: r.src, start: -1}
	if r.src != nil {
		qname := a.Local
		if a.Prefix != "" {
			qname = a.Prefix + ":" + a.Local
		}
		if off := r.src.attrValue(el.Position(), qname); off >= 0 {
			e.start = off
			e.Pos = r.src.Pos(off)
		}
	}
	return e
}

// textExpr makes an expression of an element's text.
func (r *resolver) textExpr(pos bpmn.Pos, text, lang, id, field string) *Expr {
	e := &Expr{Text: text, Language: lang, ElementID: id, Field: field, Pos: pos, src: r.src, start: -1}
	if r.src != nil {
		if off := r.src.textStart(pos); off >= 0 {
			e.start = off
			e.Pos = r.src.Pos(off)
		}
	}
	return e
}

func (r *resolver) flow(p *Process, sf *bpmn.SequenceFlow) {
	f := &Flow{ID: sf.ID, Name: sf.Name, Pos: sf.Pos, Element: sf,
		Source: r.nodes[bpmn.LocalID(sf.SourceRef)], Target: r.nodes[bpmn.LocalID(sf.TargetRef)]}
	if sf.ConditionExpression != nil {
		c := sf.ConditionExpression
		f.Condition = r.textExpr(c.Pos, c.Text, c.Language, sf.ID, "conditionExpression")
		if c.Language == "" && r.m.Definitions.ExpressionLanguage != "" {
			f.Condition.Language = r.m.Definitions.ExpressionLanguage
		}
	}
	p.Flows = append(p.Flows, f)
	if sf.ID != "" {
		r.flows[sf.ID] = f
	}
	for _, end := range []struct {
		attr, ref string
		node      **Node
	}{{"sourceRef", sf.SourceRef, &f.Source}, {"targetRef", sf.TargetRef, &f.Target}} {
		switch {
		case end.ref == "":
			r.problem("bpmn-invalid", sf, "sequence flow %q has no %s: connect both ends", sf.ID, end.attr)
		case *end.node != nil && (*end.node).Process != p:
			// Sequence flows stay inside a process; between pools,
			// messages flow (BPMN 2.0 §9.3).
			r.attrProblem("bpmn-invalid", sf, end.attr, "sequence flow %q: %s %q is in process %q, not in %q: connect pools with a message flow", sf.ID, end.attr, end.ref, (*end.node).Process.ID, p.ID)
			*end.node = nil
		case *end.node == nil && r.m.Definitions.ElementByID(end.ref) != nil:
			r.attrProblem("bpmn-invalid", sf, end.attr, "sequence flow %q: %s %q is not a flow node of process %q", sf.ID, end.attr, end.ref, p.ID)
		}
	}
	if f.Source != nil {
		f.Source.Outgoing = append(f.Source.Outgoing, f)
	}
	if f.Target != nil {
		f.Target.Incoming = append(f.Target.Incoming, f)
	}
	if f.Source != nil && f.Target != nil && f.Source.Parent != f.Target.Parent {
		r.problem("bpmn-invalid", sf, "sequence flow %q crosses a sub-process boundary (%q to %q): a sequence flow connects nodes of the same (sub-)process (BPMN 2.0 §10.3.1)", sf.ID, f.Source.ID, f.Target.ID)
	}
}

// links resolves the default flow and the attachment of boundary events.
func (r *resolver) links(n *Node) {
	var def string
	switch x := n.Element.(type) {
	case *bpmn.ExclusiveGateway:
		def = x.Default
	case *bpmn.InclusiveGateway:
		def = x.Default
	case *bpmn.ComplexGateway:
		def = x.Default
	case bpmn.Activity:
		def = x.Activity().Default
	}
	if def != "" {
		f := r.flows[bpmn.LocalID(def)]
		switch {
		case f == nil:
			// dangling: reported by the parser.
		case f.Source != n:
			r.attrProblem("bpmn-invalid", n.Element, "default", "default flow %q of %q does not leave %q: pick one of its outgoing flows", def, n.ID, n.ID)
		default:
			n.Default = f
			f.IsDefault = true
		}
	}
	if be, ok := n.Element.(*bpmn.BoundaryEvent); ok && be.AttachedToRef != "" {
		a := r.nodes[bpmn.LocalID(be.AttachedToRef)]
		switch {
		case a == nil:
		case a.Process != n.Process || a.Parent != n.Parent:
			r.attrProblem("bpmn-invalid", be, "attachedToRef", "boundary event %q is attached to %q, which is in another process or sub-process: put the event next to its activity", n.ID, a.ID)
		case !a.IsActivity():
			r.attrProblem("bpmn-invalid", be, "attachedToRef", "boundary event %q is attached to %q, a <%s>: boundary events attach to activities (BPMN 2.0 §10.5.4)", n.ID, a.ID, a.Kind)
		default:
			n.AttachedTo = a
			a.Boundary = append(a.Boundary, n)
		}
	}
}

func (r *resolver) lanes(p *Process, parent *Lane, sets []*bpmn.LaneSet) {
	for _, ls := range sets {
		for _, l := range ls.Lanes {
			lane := &Lane{ID: l.ID, Name: l.Name, Pos: l.Pos, Parent: parent}
			for _, ref := range l.FlowNodeRefs {
				if n := r.nodes[bpmn.LocalID(ref)]; n != nil {
					lane.Nodes = append(lane.Nodes, n)
					n.Lane = lane // inner lanes come later and win
				}
			}
			if parent == nil {
				p.Lanes = append(p.Lanes, lane)
			} else {
				parent.Children = append(parent.Children, lane)
			}
			if l.ChildLaneSet != nil {
				r.lanes(p, lane, []*bpmn.LaneSet{l.ChildLaneSet})
			}
		}
	}
}
