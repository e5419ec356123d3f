package runtime

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Kind is the BPMN element type of a node.
type Kind int

// Node kinds: the BPMN 2.0 elements the engine executes (ARCHITECTURE.md,
// "Runtime semantics"). An element that maps to none of them must not be
// turned into a Definition: the model layer reports it, and Build refuses
// combinations the engine cannot run.
const (
	StartEvent Kind = iota + 1
	EndEvent
	IntermediateCatchEvent
	IntermediateThrowEvent
	BoundaryEvent
	UserTask
	ServiceTask
	SendTask
	ReceiveTask
	ScriptTask
	ExclusiveGateway
	ParallelGateway
	InclusiveGateway
	EventBasedGateway
	SubProcess
	CallActivity
)

var kindNames = map[Kind]string{
	StartEvent: "startEvent", EndEvent: "endEvent", IntermediateCatchEvent: "intermediateCatchEvent",
	IntermediateThrowEvent: "intermediateThrowEvent", BoundaryEvent: "boundaryEvent", UserTask: "userTask",
	ServiceTask: "serviceTask", SendTask: "sendTask", ReceiveTask: "receiveTask", ScriptTask: "scriptTask",
	ExclusiveGateway: "exclusiveGateway", ParallelGateway: "parallelGateway", InclusiveGateway: "inclusiveGateway",
	EventBasedGateway: "eventBasedGateway", SubProcess: "subProcess", CallActivity: "callActivity",
}

// kindList is kindNames by index: String runs twice per element an
// instance passes.
var kindList = func() (l [CallActivity + 1]string) {
	for k, s := range kindNames {
		l[k] = s
	}
	return l
}()

// String returns the BPMN XML element name.
func (k Kind) String() string {
	if k > 0 && int(k) < len(kindList) {
		return kindList[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

func (k Kind) isActivity() bool {
	switch k {
	case UserTask, ServiceTask, SendTask, ReceiveTask, ScriptTask, SubProcess, CallActivity:
		return true
	}
	return false
}

func (k Kind) isGateway() bool {
	switch k {
	case ExclusiveGateway, ParallelGateway, InclusiveGateway, EventBasedGateway:
		return true
	}
	return false
}

// Vars is the variables of an instance as handed to the functions of a
// definition: a pointer to the definition's variables type (*V of
// Builder[V]), decoded by its Codec. For definitions built without
// generated code it is a *JSON (a pointer to map[string]any, never nil),
// which is what CEL programs of codegen.Load receive.
type Vars = any

// Codec turns the variables of an instance into bytes and back. Decode of
// nil or empty data returns the zero variables. Merge overlays a JSON
// object (a form payload, a message, a service output) onto vars.
type Codec interface {
	Decode(data []byte) (Vars, error)
	Encode(v Vars) ([]byte, error)
	Merge(v Vars, patch json.RawMessage) error
}

// TimerSpec is the timer definition of a timer event (BPMN §10.5.4,
// timerEventDefinition): exactly one of Duration (ISO 8601 "PT1H",
// "P30D"), Date (RFC 3339 / ISO 8601 date-time) or Cycle ("R3/PT1H",
// "R/2026-01-01T00:00:00Z/P1D").
type TimerSpec struct {
	Duration string
	Date     string
	Cycle    string
}

func (t *TimerSpec) String() string {
	switch {
	case t.Duration != "":
		return "duration " + t.Duration
	case t.Date != "":
		return "date " + t.Date
	default:
		return "cycle " + t.Cycle
	}
}

// MessageSpec is the message of a message event or receive task: its name
// and the correlation key computed from the variables (BPMN §8.4.4 calls it
// the correlation property; Zeebe's "correlation key").
type MessageSpec struct {
	Name string
	Key  func(v Vars) (string, error) // nil: the empty key
}

// MultiInstance makes an activity run several times (BPMN §10.2.8,
// multiInstanceLoopCharacteristics). Count returns the number of
// instances (the size of the input collection); every instance sees its
// index as ServiceCall.LoopCounter / Task.LoopCounter. Completion, when
// set, is evaluated each time an instance completes: true cancels the
// instances still running and the activity completes.
type MultiInstance struct {
	Sequential bool
	Count      func(v Vars) (int, error)
	Completion func(v Vars, s MIStatus) (bool, error)
}

// MIStatus carries the multi-instance counters named by BPMN §10.2.8.
type MIStatus struct {
	NrOfInstances          int
	NrOfActiveInstances    int
	NrOfCompletedInstances int
}

// FieldError is one problem of a form payload, at a JSON pointer.
type FieldError struct {
	Pointer string // e.g. "/targa"
	Message string // in Italian, for the person who filled the form
}

// FormValidator validates a form payload; the forms package provides it.
type FormValidator interface {
	Validate(payload json.RawMessage) []FieldError
}

// Node is one element of a process. Functions receive the instance
// variables as Vars (a *V).
type Node struct {
	ID   string
	Name string
	Kind Kind
	// In is the id of the embedded sub-process that contains the node, ""
	// at process level.
	In string

	// Events.
	Timer     *TimerSpec
	Message   *MessageSpec
	ErrorCode string // error end event: the code thrown; error boundary: the code caught ("" catches every error)
	IsError   bool   // error end event or error boundary event
	Terminate bool   // terminate end event (BPMN §10.5.3: ends every token of its scope)
	// Boundary events.
	AttachedTo     string
	CancelActivity bool // interrupting boundary event

	// Tasks.
	Type             string // procedo:type of a service or send task, bound in the handler registry
	Script           func(v Vars) error
	Form             string
	Validator        FormValidator // nil: any payload is accepted
	CandidateOffices func(v Vars) ([]string, error)
	// InstanceOffices, for a multi-instance user task, gives the offices
	// of the instance with loopCounter loop (one opinion per office, as
	// in a conferenza di servizi); it wins over CandidateOffices.
	InstanceOffices func(v Vars, loop int) ([]string, error)
	Assignee        func(v Vars) (string, error)
	SLA             string // ISO 8601 duration of a user task, from creation
	// Suspends stops the legal term while a token waits here (request for
	// integration, law 241/1990 art. 2 c. 7).
	Suspends bool

	// Gateways and activities with conditional outgoing flows.
	Default string // id of the default flow

	// Call activity.
	Called  string                                    // process key of the called process
	CallIn  func(v Vars) (json.RawMessage, error)     // variables of the child; nil: a copy of the parent's
	CallOut func(v Vars, child json.RawMessage) error // merge the child's result; nil: merge every child variable
	MI      *MultiInstance
}

// Flow is a sequence flow. Cond nil means unconditional.
type Flow struct {
	ID     string
	From   string
	To     string
	Cond   func(v Vars) (bool, error)
	Source string // the condition's source (CEL or Go), for diagnostics and the hash
}

// Definition is an executable process, built and validated by Build.
// Instances refer to it by Hash.
type Definition struct {
	Key   string
	Name  string
	Hash  string
	Term  string // legal term of the procedure (ISO 8601 duration, e.g. "P30D"), "" for none
	Codec Codec

	nodes      map[string]*Node
	order      []string
	flows      map[string]*Flow
	out        map[string][]*Flow
	in         map[string][]*Flow
	boundaries map[string][]*Node // by attached activity
	starts     map[string][]*Node // none/timer/message start events by scope ("" = process)
	upstream   map[string]map[string]bool
	forms      map[string]FormValidator // by node id
}

// Node returns the node with that id, or nil.
func (d *Definition) Node(id string) *Node { return d.nodes[id] }

// Nodes returns the nodes in the order they were added.
func (d *Definition) Nodes() []*Node {
	out := make([]*Node, len(d.order))
	for i, id := range d.order {
		out[i] = d.nodes[id]
	}
	return out
}

// DefinitionError is a problem of a definition, at an element.
type DefinitionError struct {
	Process string
	Element string // BPMN element id
	Msg     string
}

func (e *DefinitionError) Error() string {
	if e.Element == "" {
		return fmt.Sprintf("process %s: %s", e.Process, e.Msg)
	}
	return fmt.Sprintf("process %s: element %s: %s", e.Process, e.Element, e.Msg)
}

// DefinitionErrors is every problem Build found.
type DefinitionErrors []*DefinitionError

func (es DefinitionErrors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// NewDefinition assembles a definition from nodes and flows and checks
// that the engine can execute it. codec may be nil: JSON variables
// (map[string]any). hash may be "": a hash of the structure is computed.
func NewDefinition(key, name, hash, term string, codec Codec, nodes []*Node, flows []*Flow) (*Definition, error) {
	if codec == nil {
		codec = jsonCodec[JSON]{}
	}
	d := &Definition{
		Key: key, Name: name, Hash: hash, Term: term, Codec: codec,
		nodes: map[string]*Node{}, flows: map[string]*Flow{}, out: map[string][]*Flow{}, in: map[string][]*Flow{},
		boundaries: map[string][]*Node{}, starts: map[string][]*Node{}, forms: map[string]FormValidator{},
	}
	var errs DefinitionErrors
	bad := func(id, format string, args ...any) {
		errs = append(errs, &DefinitionError{Process: key, Element: id, Msg: fmt.Sprintf(format, args...)})
	}
	if key == "" {
		bad("", "the process has no id")
	}
	if term != "" {
		if _, err := ParseDuration(term); err != nil {
			bad("", "legal term %q: %v", term, err)
		}
	}
	for _, n := range nodes {
		if n.ID == "" {
			bad("", "a %s has no id", n.Kind)
			continue
		}
		if _, dup := d.nodes[n.ID]; dup {
			bad(n.ID, "duplicate element id")
			continue
		}
		d.nodes[n.ID] = n
		d.order = append(d.order, n.ID)
	}
	for _, f := range flows {
		if f.ID == "" {
			bad("", "a sequence flow from %s to %s has no id", f.From, f.To)
			continue
		}
		if _, dup := d.flows[f.ID]; dup || d.nodes[f.ID] != nil {
			bad(f.ID, "duplicate element id")
			continue
		}
		from, to := d.nodes[f.From], d.nodes[f.To]
		switch {
		case from == nil:
			bad(f.ID, "sequence flow source %q does not exist", f.From)
			continue
		case to == nil:
			bad(f.ID, "sequence flow target %q does not exist", f.To)
			continue
		case from.In != to.In:
			bad(f.ID, "sequence flow crosses a sub-process boundary (%s in %q, %s in %q)", f.From, from.In, f.To, to.In)
			continue
		}
		d.flows[f.ID] = f
		d.out[f.From] = append(d.out[f.From], f)
		d.in[f.To] = append(d.in[f.To], f)
	}
	for _, id := range d.order {
		d.checkNode(d.nodes[id], bad)
	}
	if len(d.starts[""]) == 0 {
		bad("", "the process has no start event")
	}
	if len(errs) > 0 {
		return nil, errs
	}
	d.computeUpstream()
	if d.Hash == "" {
		d.Hash = d.structureHash()
	}
	return d, nil
}

func (d *Definition) checkNode(n *Node, bad func(id, format string, args ...any)) {
	if n.In != "" {
		if p := d.nodes[n.In]; p == nil || p.Kind != SubProcess {
			bad(n.ID, "is inside %q, which is not a sub-process of this process", n.In)
		}
	}
	if n.Kind == 0 || kindNames[n.Kind] == "" {
		bad(n.ID, "unknown element kind %d", int(n.Kind))
		return
	}
	if n.Timer != nil {
		if err := n.Timer.check(); err != nil {
			bad(n.ID, "timer %s: %v", n.Timer, err)
		}
	}
	if n.Message != nil && n.Message.Name == "" {
		bad(n.ID, "message without a name")
	}
	if n.SLA != "" {
		if _, err := ParseDuration(n.SLA); err != nil {
			bad(n.ID, "SLA %q: %v", n.SLA, err)
		}
	}
	if n.Default != "" {
		if f := d.flows[n.Default]; f == nil || f.From != n.ID {
			bad(n.ID, "default flow %q is not an outgoing flow of the element", n.Default)
		}
	}
	if n.MI != nil {
		if !n.Kind.isActivity() {
			bad(n.ID, "multi-instance on a %s: only activities can repeat", n.Kind)
		} else if n.MI.Count == nil {
			bad(n.ID, "multi-instance without a collection (Count)")
		}
	}
	if n.Validator != nil {
		d.forms[n.ID] = n.Validator
	}
	outs, ins := d.out[n.ID], d.in[n.ID]
	switch n.Kind {
	case StartEvent:
		if len(ins) > 0 {
			bad(n.ID, "a start event cannot have incoming sequence flows")
		}
		if n.IsError || n.Terminate {
			bad(n.ID, "error start events (event sub-processes) are not supported")
		}
		if n.In != "" && (n.Timer != nil || n.Message != nil) {
			bad(n.ID, "a start event of an embedded sub-process must be a none start event")
		}
		d.starts[n.In] = append(d.starts[n.In], n)
	case EndEvent:
		if len(outs) > 0 {
			bad(n.ID, "an end event cannot have outgoing sequence flows")
		}
		if n.Timer != nil || n.Message != nil {
			bad(n.ID, "message and timer end events are not supported: use a send task before a none end event")
		}
	case IntermediateCatchEvent:
		if (n.Timer == nil) == (n.Message == nil) {
			bad(n.ID, "an intermediate catch event needs exactly one timer or message definition")
		}
	case IntermediateThrowEvent:
		if n.Timer != nil || n.Message != nil && n.Type == "" {
			bad(n.ID, "an intermediate throw event is none, or sends a message through a handler type (procedo:type)")
		}
	case BoundaryEvent:
		host := d.nodes[n.AttachedTo]
		switch {
		case host == nil:
			bad(n.ID, "attached to %q, which does not exist", n.AttachedTo)
		case !host.Kind.isActivity():
			bad(n.ID, "attached to %s, a %s: boundary events attach to activities", n.AttachedTo, host.Kind)
		case host.In != n.In:
			bad(n.ID, "is not in the same sub-process as its activity %s", n.AttachedTo)
		case !n.IsError && n.Timer == nil && n.Message == nil:
			bad(n.ID, "a boundary event must be a timer, message or error event")
		case n.IsError && !n.CancelActivity:
			bad(n.ID, "an error boundary event is always interrupting (BPMN §10.5.6)")
		default:
			d.boundaries[n.AttachedTo] = append(d.boundaries[n.AttachedTo], n)
		}
		if len(ins) > 0 {
			bad(n.ID, "a boundary event cannot have incoming sequence flows")
		}
		if len(outs) == 0 {
			bad(n.ID, "a boundary event needs an outgoing sequence flow")
		}
	case ServiceTask, SendTask:
		if n.Type == "" {
			bad(n.ID, "a %s needs a handler type (procedo:type)", n.Kind)
		}
	case ScriptTask:
		if n.Script == nil {
			bad(n.ID, "a script task needs a script")
		}
	case ReceiveTask:
		if n.Message == nil {
			bad(n.ID, "a receive task needs a message")
		}
	case CallActivity:
		if n.Called == "" {
			bad(n.ID, "a call activity needs the key of the called process")
		}
	case SubProcess:
		// Its start event is checked after every node is known.
	case ExclusiveGateway, InclusiveGateway:
		for _, f := range outs {
			if f.Cond == nil && f.ID != n.Default && len(outs) > 1 && n.Kind == ExclusiveGateway {
				bad(f.ID, "an outgoing flow of exclusive gateway %s without condition must be its default flow", n.ID)
			}
		}
	case ParallelGateway:
		for _, f := range outs {
			if f.Cond != nil {
				bad(f.ID, "a parallel gateway ignores conditions (BPMN §13.3.2): remove it or use an inclusive gateway")
			}
		}
	case EventBasedGateway:
		if len(outs) < 2 {
			bad(n.ID, "an event-based gateway needs at least two outgoing flows")
		}
		for _, f := range outs {
			t := d.nodes[f.To]
			if t == nil || !(t.Kind == IntermediateCatchEvent || t.Kind == ReceiveTask) || len(d.in[t.ID]) != 1 {
				bad(f.ID, "an event-based gateway must lead to intermediate catch events or receive tasks with no other incoming flow (BPMN §10.6.6)")
			}
		}
	}
	if n.Kind == SubProcess {
		has := false
		for _, id := range d.order {
			if c := d.nodes[id]; c.In == n.ID && c.Kind == StartEvent {
				has = true
			}
		}
		if !has {
			bad(n.ID, "an embedded sub-process needs a none start event")
		}
	}
	if n.Kind != EndEvent && n.Kind != BoundaryEvent && len(outs) == 0 && n.Kind.isGateway() {
		bad(n.ID, "a gateway needs outgoing sequence flows")
	}
	if n.Kind != StartEvent && n.Kind != BoundaryEvent && len(ins) == 0 {
		bad(n.ID, "unreachable: the %s has no incoming sequence flow", n.Kind)
	}
}

// computeUpstream records, for every inclusive gateway, the nodes from
// which a token can still reach it: an inclusive join waits while a token
// sits on one of them (BPMN §13.4.3).
func (d *Definition) computeUpstream() {
	d.upstream = map[string]map[string]bool{}
	for _, id := range d.order {
		g := d.nodes[id]
		if g.Kind != InclusiveGateway || len(d.in[g.ID]) < 2 {
			continue
		}
		seen := map[string]bool{}
		stack := []string{g.ID}
		for len(stack) > 0 {
			cur := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			var preds []string
			for _, f := range d.in[cur] {
				preds = append(preds, f.From)
			}
			if n := d.nodes[cur]; n.Kind == BoundaryEvent {
				preds = append(preds, n.AttachedTo)
			}
			for _, p := range preds {
				if !seen[p] && p != g.ID {
					seen[p] = true
					stack = append(stack, p)
				}
			}
		}
		d.upstream[g.ID] = seen
	}
}

// structureHash hashes what the engine executes: ids, kinds and
// attributes of nodes and flows, condition sources.
func (d *Definition) structureHash() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", d.Key, d.Term)
	for _, id := range d.order {
		n := d.nodes[id]
		b, _ := json.Marshal(struct {
			ID, Name, In, Type, Form, SLA, Default, Called, AttachedTo, ErrorCode string
			Kind                                                                  Kind
			Timer                                                                 *TimerSpec
			Msg                                                                   string
			IsError, Terminate, Cancel, Suspends, MI, Seq                         bool
		}{n.ID, n.Name, n.In, n.Type, n.Form, n.SLA, n.Default, n.Called, n.AttachedTo, n.ErrorCode, n.Kind, n.Timer,
			msgName(n), n.IsError, n.Terminate, n.CancelActivity, n.Suspends, n.MI != nil, n.MI != nil && n.MI.Sequential})
		h.Write(b)
	}
	ids := make([]string, 0, len(d.flows))
	for id := range d.flows {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		f := d.flows[id]
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00", f.ID, f.From, f.To, f.Source)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func msgName(n *Node) string {
	if n.Message == nil {
		return ""
	}
	return n.Message.Name
}
