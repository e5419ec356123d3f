package model

import (
	"time"

	"github.com/procedo/procedo/designer/bpmn"
)

// Model is a resolved BPMN document: every process with its graph, the
// shared messages and errors, and the forms of its bundle. Slices are in
// document order (forms and variables by name), so that everything built
// from a Model is deterministic.
type Model struct {
	Source      *Source
	Definitions *bpmn.Definitions
	Processes   []*Process
	Messages    []*Message
	Errors      []*Error
	// Forms are the forms of the bundle, by name. HasForms is false for a
	// bare .bpmn file that has no forms folder: form references and
	// variables cannot be checked then.
	Forms    []*Form
	HasForms bool
	// Variables are the case variables CEL expressions see: the top-level
	// properties of every form (by JSON name), sorted by name.
	Variables []*Variable
}

// Process is a <process> with its flow nodes and sequence flows resolved.
type Process struct {
	ID, Name string
	Pos      bpmn.Pos
	Element  *bpmn.Process
	// Executable is isExecutable="true" (BPMN 2.0 §10.2.1): only such
	// processes are deployed, and only they get the execution checks.
	Executable bool
	// LegalTerm is procedo:legalTerm (law 241/1990 art. 2), nil when absent.
	LegalTerm *Duration
	// Nodes are every flow node of the process, those inside sub-processes
	// included, in document order; Node.Parent tells the nesting.
	Nodes []*Node
	// Flows are every sequence flow, nested ones included, in document order.
	Flows []*Flow
	Lanes []*Lane
	// Participant is the pool that shows the process, if any.
	Participant *bpmn.Participant
}

// Process returns the process with the given id, or nil.
func (m *Model) Process(id string) *Process {
	for _, p := range m.Processes {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// Node returns the flow node with the given id, or nil.
func (p *Process) Node(id string) *Node {
	for _, n := range p.Nodes {
		if n.ID == id {
			return n
		}
	}
	return nil
}

// Kind is the BPMN element name of a flow node ("userTask",
// "exclusiveGateway", "boundaryEvent", ...).
type Kind = string

// Node is a flow node: an event, an activity or a gateway.
type Node struct {
	ID, Name string
	Kind     Kind
	Pos      bpmn.Pos
	Element  bpmn.FlowNode
	Process  *Process
	// Parent is the enclosing sub-process, nil at the top of the process.
	Parent *Node
	// Children are the direct flow nodes of a sub-process.
	Children []*Node
	// Incoming and Outgoing are the sequence flows, in document order of
	// the flows.
	Incoming, Outgoing []*Flow
	// Default is the default flow of a gateway or activity (BPMN §10.6.2).
	Default *Flow
	// Boundary are the boundary events attached to an activity;
	// AttachedTo is the activity of a boundary event.
	Boundary   []*Node
	AttachedTo *Node
	// Interrupting is cancelActivity of a boundary event and isInterrupting
	// of a start event (both true by default, BPMN §10.5.2, §10.5.4).
	Interrupting bool
	// Events are the event definitions of an event; none for a none event.
	Events []*EventDef
	// Lane is the innermost lane holding the node, nil when none does.
	Lane *Lane

	// TriggeredByEvent marks an event sub-process (BPMN §10.3.5).
	TriggeredByEvent bool
	// Loop is the multi-instance marker of an activity, nil when absent.
	Loop *MultiInstance
	// StandardLoop is true when the activity has standardLoopCharacteristics.
	StandardLoop bool
	// Call is set on a call activity.
	Call *Call
	// Message is the message of a send or receive task.
	Message *Message

	// The procedo attributes (docs/bpmn-extensions.md).
	Form           string   // procedo:form
	Checklist      string   // procedo:checklist
	Offices        []string // procedo:offices, split at commas and trimmed
	Assignee       *Expr    // procedo:assignee
	SLA            *Duration
	SuspendsTerm   bool
	Phase          string // procedo:phase, else the name
	ServiceType    string // procedo:type
	Retries        int    // procedo:retries (default 3)
	CorrelationKey *Expr  // procedo:correlationKey
	Script         *Expr  // the CEL script of a script task
	ScriptFormat   string
	ResultVariable string // procedo:resultVariable
}

// IsActivity reports whether n is a task, a sub-process or a call activity.
func (n *Node) IsActivity() bool { _, ok := n.Element.(bpmn.Activity); return ok }

// IsGateway reports whether n is a gateway.
func (n *Node) IsGateway() bool { _, ok := n.Element.(bpmn.Gateway); return ok }

// IsEvent reports whether n is an event.
func (n *Node) IsEvent() bool { _, ok := n.Element.(bpmn.Event); return ok }

// IsSubProcess reports whether n contains flow elements (sub-process,
// transaction, ad-hoc sub-process).
func (n *Node) IsSubProcess() bool { _, ok := n.Element.(bpmn.SubProcessLike); return ok }

// Event returns the definition of a single-definition event with the given
// kind ("message", "timer", ...), or nil.
func (n *Node) Event(kind string) *EventDef {
	for _, e := range n.Events {
		if e.Kind == kind {
			return e
		}
	}
	return nil
}

// Flow is a sequence flow.
type Flow struct {
	ID, Name string
	Pos      bpmn.Pos
	Element  *bpmn.SequenceFlow
	Source   *Node
	Target   *Node
	// Condition is the conditionExpression, nil when absent.
	Condition *Expr
	// IsDefault is true when the source names this flow as its default.
	IsDefault bool
}

// Expr is an expression of the model (CEL unless Language says
// otherwise), kept with where it was written.
type Expr struct {
	Text string
	// Language is the language attribute ("" when absent: the document's
	// expressionLanguage applies, CEL for Procedo).
	Language string
	// ElementID and Field name the element and the attribute or child
	// ("procedo:assignee", "conditionExpression") the text comes from.
	ElementID, Field string
	// Pos is where the text starts in the document (the element's start
	// when the exact place is not known).
	Pos bpmn.Pos

	src   *Source
	start int // byte offset of the text in src, -1 when unknown
}

// PosAt returns the position in the document of the character at the
// given 0-based character offset in Text (entity references such as &lt;
// count as one character). Without a source it returns Pos.
func (e *Expr) PosAt(offset int) bpmn.Pos {
	if e.src == nil || e.start < 0 {
		return e.Pos
	}
	return e.src.Pos(e.src.advance(e.start, offset))
}

// IsCEL reports whether the expression is CEL: language "cel" (any case)
// or no language at all.
func (e *Expr) IsCEL() bool {
	return e.Language == "" || equalFold(e.Language, "cel") || e.Language == "https://cel.dev"
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		x, y := a[i]|0x20, b[i]|0x20
		if x != y {
			return false
		}
	}
	return true
}

// EventDef is an event definition, with its references resolved.
type EventDef struct {
	// Kind is the definition without the suffix: "message", "timer",
	// "error", "escalation", "signal", "conditional", "compensate",
	// "cancel", "link", "terminate".
	Kind    string
	ID      string
	Pos     bpmn.Pos
	Element bpmn.EventDefinition
	Message *Message // message events
	Error   *Error   // error events; nil catches every error
	Timer   *Timer   // timer events
}

// Timer is the value of a timer event definition (BPMN §10.5.5, ISO 8601).
type Timer struct {
	// Type is "timeDate", "timeDuration" or "timeCycle"; "" when the
	// definition has none.
	Type string
	Expr *Expr
	// Exactly one of the following is set when the text is valid.
	Date     *time.Time
	Duration *Duration
	Cycle    *Cycle
}

// Message is a <message>.
type Message struct {
	ID, Name string
	Pos      bpmn.Pos
}

// Error is an <error>: ErrorCode is what a service task raises and an
// error boundary event catches.
type Error struct {
	ID, Name, Code string
	Pos            bpmn.Pos
}

// MultiInstance is multiInstanceLoopCharacteristics (BPMN §10.3.8):
// either Collection (procedo:collection, one instance per element, seen
// as ElementVariable) or Cardinality (loopCardinality).
type MultiInstance struct {
	Sequential      bool
	Collection      *Expr
	ElementVariable string // default "item"
	Cardinality     *Expr
	Completion      *Expr
	Pos             bpmn.Pos
}

// Call is what a call activity calls and how it maps variables.
type Call struct {
	CalledElement string
	// Process is the called process when it is in the same document.
	Process *Process
	Inputs  []*Mapping
	Outputs []*Mapping
}

// Mapping is a procedo:input or procedo:output of a call activity.
type Mapping struct {
	Source *Expr
	Target string
	Pos    bpmn.Pos
}

// Lane is a lane of a process, with the nodes it contains.
type Lane struct {
	ID, Name string
	Pos      bpmn.Pos
	Nodes    []*Node
	Parent   *Lane
	Children []*Lane
}
