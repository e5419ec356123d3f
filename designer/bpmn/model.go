package bpmn

// This file holds the semantic model of BPMN 2.0 (OMG formal/13-12-09,
// chapters 8–13). Field order is the order of the XSD sequences
// (Semantic.xsd): the writer emits attributes and children in this order.
//
// Tags: `bpmn:"name,attr"` is an attribute, `bpmn:"name"` a child element
// (a prefix selects a DI namespace: "bpmndi:", "dc:", "di:"), `,group` a
// child of any element type implementing the field's interface (an XSD
// substitution group), `,chardata` the text content, `,any` every child
// kept as *Node; the option `ref` marks a reference to an id of the same
// document, checked after parsing.

// Definitions is the root <definitions> (§8.3.4).
type Definitions struct {
	Base
	Name               string `bpmn:"name,attr"`
	TargetNamespace    string `bpmn:"targetNamespace,attr"`
	ExpressionLanguage string `bpmn:"expressionLanguage,attr"`
	TypeLanguage       string `bpmn:"typeLanguage,attr"`
	Exporter           string `bpmn:"exporter,attr"`
	ExporterVersion    string `bpmn:"exporterVersion,attr"`

	Imports       []*Import       `bpmn:"import"`
	Extensions    []*Extension    `bpmn:"extension"`
	RootElements  []RootElement   `bpmn:",group"`
	Diagrams      []*Diagram      `bpmn:"bpmndi:BPMNDiagram"`
	Relationships []*Relationship `bpmn:"relationship"`

	// Namespaces are the vendor namespace declarations of the root
	// element, kept so that QName values using them (tns:Message_1)
	// stay resolvable. Declarations of the standard BPMN namespaces are
	// not kept: the writer declares them with canonical prefixes.
	Namespaces []Namespace `bpmn:"-"`

	index map[string]Element
}

// Namespace is a namespace declaration.
type Namespace struct {
	Prefix string // "" for a default namespace declaration
	URI    string
}

// Import is <import> (§8.3.5).
type Import struct {
	Base
	Namespace  string `bpmn:"namespace,attr"`
	Location   string `bpmn:"location,attr"`
	ImportType string `bpmn:"importType,attr"`
}

// Extension is <extension> (§8.3.3): declares an extension definition.
type Extension struct {
	Base
	Definition     string `bpmn:"definition,attr,ref"`
	MustUnderstand *bool  `bpmn:"mustUnderstand,attr"`
}

// Relationship is <relationship> (§8.3.13).
type Relationship struct {
	Base
	Type      string   `bpmn:"type,attr"`
	Direction string   `bpmn:"direction,attr"`
	Sources   []string `bpmn:"source"`
	Targets   []string `bpmn:"target"`
}

// RootElement is an element allowed directly under <definitions>.
type RootElement interface {
	Element
	rootElement()
}

// ---- Process, collaboration, lanes (§9, §10.2) ----

// Process is <process> (§10.2).
type Process struct {
	Base
	Name                         string           `bpmn:"name,attr"`
	ProcessType                  string           `bpmn:"processType,attr"`
	IsClosed                     *bool            `bpmn:"isClosed,attr"`
	IsExecutable                 *bool            `bpmn:"isExecutable,attr"`
	DefinitionalCollaborationRef string           `bpmn:"definitionalCollaborationRef,attr,ref"`
	SupportedInterfaceRefs       []string         `bpmn:"supportedInterfaceRef"`
	IOSpecification              *IOSpecification `bpmn:"ioSpecification"`
	IOBindings                   []*IOBinding     `bpmn:"ioBinding"`
	Auditing                     *Auditing        `bpmn:"auditing"`
	Monitoring                   *Monitoring      `bpmn:"monitoring"`
	Properties                   []*Property      `bpmn:"property"`
	LaneSets                     []*LaneSet       `bpmn:"laneSet"`
	FlowElements                 []FlowElement    `bpmn:",group"`
	Artifacts                    []Artifact       `bpmn:",group"`
	ResourceRoles                []ResourceRole   `bpmn:",group"`
	Supports                     []string         `bpmn:"supports"`
}

// Auditing is <auditing>.
type Auditing struct{ Base }

// Monitoring is <monitoring>.
type Monitoring struct{ Base }

// IOBinding is <ioBinding> (§10.4.1).
type IOBinding struct {
	Base
	OperationRef  string `bpmn:"operationRef,attr"`
	InputDataRef  string `bpmn:"inputDataRef,attr,ref"`
	OutputDataRef string `bpmn:"outputDataRef,attr,ref"`
}

// Collaboration is <collaboration> (§9.2).
type Collaboration struct {
	Base
	Name         string         `bpmn:"name,attr"`
	IsClosed     *bool          `bpmn:"isClosed,attr"`
	Participants []*Participant `bpmn:"participant"`
	MessageFlows []*MessageFlow `bpmn:"messageFlow"`
	Artifacts    []Artifact     `bpmn:",group"`
}

// Participant is <participant> (§9.3): a pool.
type Participant struct {
	Base
	Name                    string                   `bpmn:"name,attr"`
	ProcessRef              string                   `bpmn:"processRef,attr,ref"`
	InterfaceRefs           []string                 `bpmn:"interfaceRef,ref"`
	EndPointRefs            []string                 `bpmn:"endPointRef"`
	ParticipantMultiplicity *ParticipantMultiplicity `bpmn:"participantMultiplicity"`
}

// ParticipantMultiplicity is <participantMultiplicity>.
type ParticipantMultiplicity struct {
	Base
	Minimum *int `bpmn:"minimum,attr"`
	Maximum *int `bpmn:"maximum,attr"`
}

// MessageFlow is <messageFlow> (§9.4).
type MessageFlow struct {
	Base
	Name       string `bpmn:"name,attr"`
	SourceRef  string `bpmn:"sourceRef,attr,ref"`
	TargetRef  string `bpmn:"targetRef,attr,ref"`
	MessageRef string `bpmn:"messageRef,attr,ref"`
}

// LaneSet is <laneSet> or <childLaneSet> (§10.8).
type LaneSet struct {
	Base
	Name  string  `bpmn:"name,attr"`
	Lanes []*Lane `bpmn:"lane"`
}

// Lane is <lane> (§10.8).
type Lane struct {
	Base
	Name                string            `bpmn:"name,attr"`
	PartitionElementRef string            `bpmn:"partitionElementRef,attr"`
	PartitionElement    *PartitionElement `bpmn:"partitionElement"`
	FlowNodeRefs        []string          `bpmn:"flowNodeRef,ref"`
	ChildLaneSet        *LaneSet          `bpmn:"childLaneSet"`
}

// PartitionElement is the <partitionElement> of a lane.
type PartitionElement struct{ Base }

// ---- Flow elements (§10.3 – §10.6) ----

// FlowElement is a child of a process or sub-process: flow nodes, sequence
// flows, data objects and their references.
type FlowElement interface {
	Element
	Flow() *FlowElementBase
}

// FlowElementBase is tFlowElement.
type FlowElementBase struct {
	Base
	Name              string      `bpmn:"name,attr"`
	Auditing          *Auditing   `bpmn:"auditing"`
	Monitoring        *Monitoring `bpmn:"monitoring"`
	CategoryValueRefs []string    `bpmn:"categoryValueRef,ref"`
}

// Flow returns the tFlowElement part.
func (f *FlowElementBase) Flow() *FlowElementBase { return f }

// FlowNode is an event, an activity or a gateway.
type FlowNode interface {
	FlowElement
	Node() *FlowNodeBase
}

// FlowNodeBase is tFlowNode: incoming and outgoing sequence flow ids.
type FlowNodeBase struct {
	FlowElementBase
	Incoming []string `bpmn:"incoming,ref"`
	Outgoing []string `bpmn:"outgoing,ref"`
}

// Node returns the tFlowNode part.
func (f *FlowNodeBase) Node() *FlowNodeBase { return f }

// SequenceFlow is <sequenceFlow> (§10.3.1).
type SequenceFlow struct {
	FlowElementBase
	SourceRef           string      `bpmn:"sourceRef,attr,ref"`
	TargetRef           string      `bpmn:"targetRef,attr,ref"`
	IsImmediate         *bool       `bpmn:"isImmediate,attr"`
	ConditionExpression *Expression `bpmn:"conditionExpression"`
}

// Expression is tExpression / tFormalExpression (§8.3.6): a condition,
// a timer value, a loop cardinality. The text is kept verbatim.
type Expression struct {
	Common
	// XSIType is the xsi:type attribute with its prefix normalised
	// ("bpmn:tFormalExpression"); "" when absent.
	XSIType            string             `bpmn:"xsi:type,attr"`
	Language           string             `bpmn:"language,attr"`
	EvaluatesToTypeRef string             `bpmn:"evaluatesToTypeRef,attr"`
	Documentation      []*Documentation   `bpmn:"documentation"`
	ExtensionElements  *ExtensionElements `bpmn:"extensionElements"`
	Text               string             `bpmn:",chardata"`
}

// ---- Activities (§10.3) ----

// Activity is a task, a sub-process or a call activity.
type Activity interface {
	FlowNode
	Activity() *ActivityBase
}

// ActivityBase is tActivity.
type ActivityBase struct {
	FlowNodeBase
	IsForCompensation      *bool                    `bpmn:"isForCompensation,attr"`
	StartQuantity          *int                     `bpmn:"startQuantity,attr"`
	CompletionQuantity     *int                     `bpmn:"completionQuantity,attr"`
	Default                string                   `bpmn:"default,attr,ref"`
	IOSpecification        *IOSpecification         `bpmn:"ioSpecification"`
	Properties             []*Property              `bpmn:"property"`
	DataInputAssociations  []*DataInputAssociation  `bpmn:"dataInputAssociation"`
	DataOutputAssociations []*DataOutputAssociation `bpmn:"dataOutputAssociation"`
	ResourceRoles          []ResourceRole           `bpmn:",group"`
	LoopCharacteristics    LoopCharacteristics      `bpmn:",group"`
}

// Activity returns the tActivity part.
func (a *ActivityBase) Activity() *ActivityBase { return a }

// Task is <task> (§10.3.3): an abstract task.
type Task struct{ ActivityBase }

// UserTask is <userTask>.
type UserTask struct {
	ActivityBase
	Implementation string       `bpmn:"implementation,attr"`
	Renderings     []*Rendering `bpmn:"rendering"`
}

// Rendering is <rendering> of a user task.
type Rendering struct{ Base }

// ManualTask is <manualTask>.
type ManualTask struct{ ActivityBase }

// ServiceTask is <serviceTask>.
type ServiceTask struct {
	ActivityBase
	Implementation string `bpmn:"implementation,attr"`
	OperationRef   string `bpmn:"operationRef,attr,ref"`
}

// SendTask is <sendTask>.
type SendTask struct {
	ActivityBase
	Implementation string `bpmn:"implementation,attr"`
	MessageRef     string `bpmn:"messageRef,attr,ref"`
	OperationRef   string `bpmn:"operationRef,attr,ref"`
}

// ReceiveTask is <receiveTask>.
type ReceiveTask struct {
	ActivityBase
	Implementation string `bpmn:"implementation,attr"`
	Instantiate    *bool  `bpmn:"instantiate,attr"`
	MessageRef     string `bpmn:"messageRef,attr,ref"`
	OperationRef   string `bpmn:"operationRef,attr,ref"`
}

// ScriptTask is <scriptTask>.
type ScriptTask struct {
	ActivityBase
	ScriptFormat string  `bpmn:"scriptFormat,attr"`
	Script       *Script `bpmn:"script"`
}

// Script is the <script> of a script task; Text is verbatim.
type Script struct {
	Common
	Text string `bpmn:",chardata"`
}

// BusinessRuleTask is <businessRuleTask>.
type BusinessRuleTask struct {
	ActivityBase
	Implementation string `bpmn:"implementation,attr"`
}

// SubProcessBase is tSubProcess: the content of a sub-process.
type SubProcessBase struct {
	ActivityBase
	TriggeredByEvent *bool         `bpmn:"triggeredByEvent,attr"`
	LaneSets         []*LaneSet    `bpmn:"laneSet"`
	FlowElements     []FlowElement `bpmn:",group"`
	Artifacts        []Artifact    `bpmn:",group"`
}

// SubProcess returns the tSubProcess part.
func (s *SubProcessBase) SubProcess() *SubProcessBase { return s }

// SubProcessLike is implemented by *SubProcess, *Transaction and
// *AdHocSubProcess: activities that contain flow elements.
type SubProcessLike interface {
	Activity
	SubProcess() *SubProcessBase
}

// SubProcess is <subProcess> (§10.3.5).
type SubProcess struct{ SubProcessBase }

// Transaction is <transaction>.
type Transaction struct {
	SubProcessBase
	Method string `bpmn:"method,attr"`
}

// AdHocSubProcess is <adHocSubProcess>.
type AdHocSubProcess struct {
	SubProcessBase
	CancelRemainingInstances *bool       `bpmn:"cancelRemainingInstances,attr"`
	Ordering                 string      `bpmn:"ordering,attr"`
	CompletionCondition      *Expression `bpmn:"completionCondition"`
}

// CallActivity is <callActivity> (§10.3.6). CalledElement may name a
// process outside the document and is not checked.
type CallActivity struct {
	ActivityBase
	CalledElement string `bpmn:"calledElement,attr"`
}

// ---- Loops (§10.3.8) ----

// LoopCharacteristics is *StandardLoopCharacteristics or
// *MultiInstanceLoopCharacteristics.
type LoopCharacteristics interface {
	Element
	loopCharacteristics()
}

// StandardLoopCharacteristics is <standardLoopCharacteristics>.
type StandardLoopCharacteristics struct {
	Base
	TestBefore    *bool       `bpmn:"testBefore,attr"`
	LoopMaximum   *int        `bpmn:"loopMaximum,attr"`
	LoopCondition *Expression `bpmn:"loopCondition"`
}

// MultiInstanceLoopCharacteristics is <multiInstanceLoopCharacteristics>.
type MultiInstanceLoopCharacteristics struct {
	Base
	IsSequential               *bool                        `bpmn:"isSequential,attr"`
	Behavior                   string                       `bpmn:"behavior,attr"`
	OneBehaviorEventRef        string                       `bpmn:"oneBehaviorEventRef,attr"`
	NoneBehaviorEventRef       string                       `bpmn:"noneBehaviorEventRef,attr"`
	LoopCardinality            *Expression                  `bpmn:"loopCardinality"`
	LoopDataInputRef           string                       `bpmn:"loopDataInputRef"`
	LoopDataOutputRef          string                       `bpmn:"loopDataOutputRef"`
	InputDataItem              *DataInput                   `bpmn:"inputDataItem"`
	OutputDataItem             *DataOutput                  `bpmn:"outputDataItem"`
	ComplexBehaviorDefinitions []*ComplexBehaviorDefinition `bpmn:"complexBehaviorDefinition"`
	CompletionCondition        *Expression                  `bpmn:"completionCondition"`
}

// ComplexBehaviorDefinition is <complexBehaviorDefinition>.
type ComplexBehaviorDefinition struct {
	Base
	Condition *Expression         `bpmn:"condition"`
	Event     *ImplicitThrowEvent `bpmn:"event"`
}

// ---- Resources (§10.3.2) ----

// ResourceRole is <performer>, <humanPerformer>, <potentialOwner> or
// <resourceRole>.
type ResourceRole interface {
	Element
	Role() *ResourceRoleBase
}

// ResourceRoleBase is tResourceRole.
type ResourceRoleBase struct {
	Base
	Name                         string                        `bpmn:"name,attr"`
	ResourceRef                  string                        `bpmn:"resourceRef,ref"`
	ResourceParameterBindings    []*ResourceParameterBinding   `bpmn:"resourceParameterBinding"`
	ResourceAssignmentExpression *ResourceAssignmentExpression `bpmn:"resourceAssignmentExpression"`
}

// Role returns the tResourceRole part.
func (r *ResourceRoleBase) Role() *ResourceRoleBase { return r }

// GenericResourceRole is <resourceRole>.
type GenericResourceRole struct{ ResourceRoleBase }

// Performer is <performer>.
type Performer struct{ ResourceRoleBase }

// HumanPerformer is <humanPerformer>.
type HumanPerformer struct{ ResourceRoleBase }

// PotentialOwner is <potentialOwner>.
type PotentialOwner struct{ ResourceRoleBase }

// ResourceParameterBinding is <resourceParameterBinding>.
type ResourceParameterBinding struct {
	Base
	ParameterRef     string      `bpmn:"parameterRef,attr,ref"`
	Expression       *Expression `bpmn:"expression"`
	FormalExpression *Expression `bpmn:"formalExpression"`
}

// ResourceAssignmentExpression is <resourceAssignmentExpression>: one of
// <expression> or <formalExpression>.
type ResourceAssignmentExpression struct {
	Base
	Expression       *Expression `bpmn:"expression"`
	FormalExpression *Expression `bpmn:"formalExpression"`
}

// Resource is <resource> (§10.3.2).
type Resource struct {
	Base
	Name               string               `bpmn:"name,attr"`
	ResourceParameters []*ResourceParameter `bpmn:"resourceParameter"`
}

// ResourceParameter is <resourceParameter>.
type ResourceParameter struct {
	Base
	Name       string `bpmn:"name,attr"`
	Type       string `bpmn:"type,attr"`
	IsRequired *bool  `bpmn:"isRequired,attr"`
}

// ---- Gateways (§10.6) ----

// Gateway is an exclusive, inclusive, parallel, complex or event-based
// gateway.
type Gateway interface {
	FlowNode
	Gateway() *GatewayBase
}

// GatewayBase is tGateway.
type GatewayBase struct {
	FlowNodeBase
	GatewayDirection string `bpmn:"gatewayDirection,attr"`
}

// Gateway returns the tGateway part.
func (g *GatewayBase) Gateway() *GatewayBase { return g }

// ExclusiveGateway is <exclusiveGateway>.
type ExclusiveGateway struct {
	GatewayBase
	Default string `bpmn:"default,attr,ref"`
}

// InclusiveGateway is <inclusiveGateway>.
type InclusiveGateway struct {
	GatewayBase
	Default string `bpmn:"default,attr,ref"`
}

// ParallelGateway is <parallelGateway>.
type ParallelGateway struct{ GatewayBase }

// ComplexGateway is <complexGateway>.
type ComplexGateway struct {
	GatewayBase
	Default             string      `bpmn:"default,attr,ref"`
	ActivationCondition *Expression `bpmn:"activationCondition"`
}

// EventBasedGateway is <eventBasedGateway>.
type EventBasedGateway struct {
	GatewayBase
	Instantiate      *bool  `bpmn:"instantiate,attr"`
	EventGatewayType string `bpmn:"eventGatewayType,attr"`
}

// ---- Events (§10.5) ----

// Event is a start, end, intermediate or boundary event.
type Event interface {
	FlowNode
	Event() *EventBase
	// Definitions returns the event definitions (nil for a none event).
	Definitions() []EventDefinition
}

// EventBase is tEvent.
type EventBase struct {
	FlowNodeBase
	Properties []*Property `bpmn:"property"`
}

// Event returns the tEvent part.
func (e *EventBase) Event() *EventBase { return e }

// CatchEvent is a start, intermediate catch or boundary event.
type CatchEvent interface {
	Event
	Catch() *CatchEventBase
}

// CatchEventBase is tCatchEvent.
type CatchEventBase struct {
	EventBase
	ParallelMultiple       *bool                    `bpmn:"parallelMultiple,attr"`
	DataOutputs            []*DataOutput            `bpmn:"dataOutput"`
	DataOutputAssociations []*DataOutputAssociation `bpmn:"dataOutputAssociation"`
	OutputSet              *OutputSet               `bpmn:"outputSet"`
	EventDefinitions       []EventDefinition        `bpmn:",group"`
	EventDefinitionRefs    []string                 `bpmn:"eventDefinitionRef,ref"`
}

// Catch returns the tCatchEvent part.
func (c *CatchEventBase) Catch() *CatchEventBase { return c }

// Definitions returns the event definitions.
func (c *CatchEventBase) Definitions() []EventDefinition { return c.EventDefinitions }

// ThrowEvent is an end or intermediate throw event.
type ThrowEvent interface {
	Event
	Throw() *ThrowEventBase
}

// ThrowEventBase is tThrowEvent.
type ThrowEventBase struct {
	EventBase
	DataInputs            []*DataInput            `bpmn:"dataInput"`
	DataInputAssociations []*DataInputAssociation `bpmn:"dataInputAssociation"`
	InputSet              *InputSet               `bpmn:"inputSet"`
	EventDefinitions      []EventDefinition       `bpmn:",group"`
	EventDefinitionRefs   []string                `bpmn:"eventDefinitionRef,ref"`
}

// Throw returns the tThrowEvent part.
func (t *ThrowEventBase) Throw() *ThrowEventBase { return t }

// Definitions returns the event definitions.
func (t *ThrowEventBase) Definitions() []EventDefinition { return t.EventDefinitions }

// StartEvent is <startEvent>.
type StartEvent struct {
	CatchEventBase
	IsInterrupting *bool `bpmn:"isInterrupting,attr"`
}

// EndEvent is <endEvent>.
type EndEvent struct{ ThrowEventBase }

// IntermediateCatchEvent is <intermediateCatchEvent>.
type IntermediateCatchEvent struct{ CatchEventBase }

// IntermediateThrowEvent is <intermediateThrowEvent>.
type IntermediateThrowEvent struct{ ThrowEventBase }

// BoundaryEvent is <boundaryEvent>.
type BoundaryEvent struct {
	CatchEventBase
	CancelActivity *bool  `bpmn:"cancelActivity,attr"`
	AttachedToRef  string `bpmn:"attachedToRef,attr,ref"`
}

// ImplicitThrowEvent is <implicitThrowEvent>.
type ImplicitThrowEvent struct{ ThrowEventBase }

// EventDefinition is one of the *XxxEventDefinition types (§10.5.5). Event
// definitions may also stand alone under <definitions>.
type EventDefinition interface {
	RootElement
	eventDefinition()
}

// MessageEventDefinition is <messageEventDefinition>.
type MessageEventDefinition struct {
	Base
	MessageRef   string `bpmn:"messageRef,attr,ref"`
	OperationRef string `bpmn:"operationRef,ref"`
}

// TimerEventDefinition is <timerEventDefinition>: at most one of TimeDate,
// TimeDuration, TimeCycle (ISO 8601 text, verbatim).
type TimerEventDefinition struct {
	Base
	TimeDate     *Expression `bpmn:"timeDate"`
	TimeDuration *Expression `bpmn:"timeDuration"`
	TimeCycle    *Expression `bpmn:"timeCycle"`
}

// ErrorEventDefinition is <errorEventDefinition>.
type ErrorEventDefinition struct {
	Base
	ErrorRef string `bpmn:"errorRef,attr,ref"`
}

// EscalationEventDefinition is <escalationEventDefinition>.
type EscalationEventDefinition struct {
	Base
	EscalationRef string `bpmn:"escalationRef,attr,ref"`
}

// SignalEventDefinition is <signalEventDefinition>.
type SignalEventDefinition struct {
	Base
	SignalRef string `bpmn:"signalRef,attr,ref"`
}

// ConditionalEventDefinition is <conditionalEventDefinition>.
type ConditionalEventDefinition struct {
	Base
	Condition *Expression `bpmn:"condition"`
}

// CompensateEventDefinition is <compensateEventDefinition>.
type CompensateEventDefinition struct {
	Base
	WaitForCompletion *bool  `bpmn:"waitForCompletion,attr"`
	ActivityRef       string `bpmn:"activityRef,attr,ref"`
}

// CancelEventDefinition is <cancelEventDefinition>.
type CancelEventDefinition struct{ Base }

// LinkEventDefinition is <linkEventDefinition>.
type LinkEventDefinition struct {
	Base
	Name    string   `bpmn:"name,attr"`
	Sources []string `bpmn:"source,ref"`
	Target  string   `bpmn:"target,ref"`
}

// TerminateEventDefinition is <terminateEventDefinition>.
type TerminateEventDefinition struct{ Base }

// ---- Shared root elements (§8.4) ----

// Message is <message>.
type Message struct {
	Base
	Name    string `bpmn:"name,attr"`
	ItemRef string `bpmn:"itemRef,attr,ref"`
}

// Error is <error>.
type Error struct {
	Base
	Name         string `bpmn:"name,attr"`
	ErrorCode    string `bpmn:"errorCode,attr"`
	StructureRef string `bpmn:"structureRef,attr,ref"`
}

// Escalation is <escalation>.
type Escalation struct {
	Base
	Name           string `bpmn:"name,attr"`
	EscalationCode string `bpmn:"escalationCode,attr"`
	StructureRef   string `bpmn:"structureRef,attr,ref"`
}

// Signal is <signal>.
type Signal struct {
	Base
	Name         string `bpmn:"name,attr"`
	StructureRef string `bpmn:"structureRef,attr,ref"`
}

// ItemDefinition is <itemDefinition> (§8.4.9). StructureRef is a type
// name (often a QName of an imported schema) and is not checked.
type ItemDefinition struct {
	Base
	StructureRef string `bpmn:"structureRef,attr"`
	IsCollection *bool  `bpmn:"isCollection,attr"`
	ItemKind     string `bpmn:"itemKind,attr"`
}

// Category is <category> (§8.4.4).
type Category struct {
	Base
	Name           string           `bpmn:"name,attr"`
	CategoryValues []*CategoryValue `bpmn:"categoryValue"`
}

// CategoryValue is <categoryValue>.
type CategoryValue struct {
	Base
	Value string `bpmn:"value,attr"`
}

// Interface is <interface> (§8.4.8).
type Interface struct {
	Base
	Name              string       `bpmn:"name,attr"`
	ImplementationRef string       `bpmn:"implementationRef,attr"`
	Operations        []*Operation `bpmn:"operation"`
}

// Operation is <operation>.
type Operation struct {
	Base
	Name              string   `bpmn:"name,attr"`
	ImplementationRef string   `bpmn:"implementationRef,attr"`
	InMessageRef      string   `bpmn:"inMessageRef,ref"`
	OutMessageRef     string   `bpmn:"outMessageRef,ref"`
	ErrorRefs         []string `bpmn:"errorRef,ref"`
}

// EndPoint is <endPoint>.
type EndPoint struct{ Base }

// PartnerEntity is <partnerEntity>.
type PartnerEntity struct {
	Base
	Name            string   `bpmn:"name,attr"`
	ParticipantRefs []string `bpmn:"participantRef,ref"`
}

// PartnerRole is <partnerRole>.
type PartnerRole struct {
	Base
	Name            string   `bpmn:"name,attr"`
	ParticipantRefs []string `bpmn:"participantRef,ref"`
}

// CorrelationProperty is <correlationProperty> (§8.4.3).
type CorrelationProperty struct {
	Base
	Name                                    string                                    `bpmn:"name,attr"`
	Type                                    string                                    `bpmn:"type,attr"`
	CorrelationPropertyRetrievalExpressions []*CorrelationPropertyRetrievalExpression `bpmn:"correlationPropertyRetrievalExpression"`
}

// CorrelationPropertyRetrievalExpression is
// <correlationPropertyRetrievalExpression>.
type CorrelationPropertyRetrievalExpression struct {
	Base
	MessageRef  string      `bpmn:"messageRef,attr,ref"`
	MessagePath *Expression `bpmn:"messagePath"`
}

// ---- Data (§10.4) ----

// ItemAware is implemented by the data elements that carry an
// itemSubjectRef.
type ItemAware interface {
	Element
	ItemSubject() string
}

// DataState is <dataState>.
type DataState struct {
	Base
	Name string `bpmn:"name,attr"`
}

// DataObject is <dataObject>.
type DataObject struct {
	FlowElementBase
	ItemSubjectRef string     `bpmn:"itemSubjectRef,attr"`
	IsCollection   *bool      `bpmn:"isCollection,attr"`
	DataState      *DataState `bpmn:"dataState"`
}

// DataObjectReference is <dataObjectReference>.
type DataObjectReference struct {
	FlowElementBase
	ItemSubjectRef string     `bpmn:"itemSubjectRef,attr"`
	DataObjectRef  string     `bpmn:"dataObjectRef,attr,ref"`
	DataState      *DataState `bpmn:"dataState"`
}

// DataStore is <dataStore>.
type DataStore struct {
	Base
	Name           string     `bpmn:"name,attr"`
	Capacity       *int       `bpmn:"capacity,attr"`
	IsUnlimited    *bool      `bpmn:"isUnlimited,attr"`
	ItemSubjectRef string     `bpmn:"itemSubjectRef,attr"`
	DataState      *DataState `bpmn:"dataState"`
}

// DataStoreReference is <dataStoreReference>.
type DataStoreReference struct {
	FlowElementBase
	ItemSubjectRef string     `bpmn:"itemSubjectRef,attr"`
	DataStoreRef   string     `bpmn:"dataStoreRef,attr,ref"`
	DataState      *DataState `bpmn:"dataState"`
}

// Property is <property>.
type Property struct {
	Base
	Name           string     `bpmn:"name,attr"`
	ItemSubjectRef string     `bpmn:"itemSubjectRef,attr"`
	DataState      *DataState `bpmn:"dataState"`
}

// DataInput is <dataInput> (also <inputDataItem>).
type DataInput struct {
	Base
	Name           string     `bpmn:"name,attr"`
	ItemSubjectRef string     `bpmn:"itemSubjectRef,attr"`
	IsCollection   *bool      `bpmn:"isCollection,attr"`
	DataState      *DataState `bpmn:"dataState"`
}

// DataOutput is <dataOutput> (also <outputDataItem>).
type DataOutput struct {
	Base
	Name           string     `bpmn:"name,attr"`
	ItemSubjectRef string     `bpmn:"itemSubjectRef,attr"`
	IsCollection   *bool      `bpmn:"isCollection,attr"`
	DataState      *DataState `bpmn:"dataState"`
}

// IOSpecification is <ioSpecification> (§10.4.3).
type IOSpecification struct {
	Base
	DataInputs  []*DataInput  `bpmn:"dataInput"`
	DataOutputs []*DataOutput `bpmn:"dataOutput"`
	InputSets   []*InputSet   `bpmn:"inputSet"`
	OutputSets  []*OutputSet  `bpmn:"outputSet"`
}

// InputSet is <inputSet>.
type InputSet struct {
	Base
	Name                    string   `bpmn:"name,attr"`
	DataInputRefs           []string `bpmn:"dataInputRefs,ref"`
	OptionalInputRefs       []string `bpmn:"optionalInputRefs,ref"`
	WhileExecutingInputRefs []string `bpmn:"whileExecutingInputRefs,ref"`
	OutputSetRefs           []string `bpmn:"outputSetRefs,ref"`
}

// OutputSet is <outputSet>.
type OutputSet struct {
	Base
	Name                     string   `bpmn:"name,attr"`
	DataOutputRefs           []string `bpmn:"dataOutputRefs,ref"`
	OptionalOutputRefs       []string `bpmn:"optionalOutputRefs,ref"`
	WhileExecutingOutputRefs []string `bpmn:"whileExecutingOutputRefs,ref"`
	InputSetRefs             []string `bpmn:"inputSetRefs,ref"`
}

// DataAssociationBase is tDataAssociation (§10.4.1).
type DataAssociationBase struct {
	Base
	SourceRefs     []string      `bpmn:"sourceRef,ref"`
	TargetRef      string        `bpmn:"targetRef,ref"`
	Transformation *Expression   `bpmn:"transformation"`
	Assignments    []*Assignment `bpmn:"assignment"`
}

// DataInputAssociation is <dataInputAssociation>.
type DataInputAssociation struct{ DataAssociationBase }

// DataOutputAssociation is <dataOutputAssociation>.
type DataOutputAssociation struct{ DataAssociationBase }

// Assignment is <assignment>.
type Assignment struct {
	Base
	From *Expression `bpmn:"from"`
	To   *Expression `bpmn:"to"`
}

// ---- Artifacts (§8.4.1 – §8.4.3, §10.7) ----

// Artifact is *TextAnnotation, *Association or *Group.
type Artifact interface {
	Element
	artifact()
}

// TextAnnotation is <textAnnotation>.
type TextAnnotation struct {
	Base
	TextFormat string `bpmn:"textFormat,attr"`
	Text       *Text  `bpmn:"text"`
}

// Text is the <text> of a text annotation, verbatim.
type Text struct {
	Common
	Text string `bpmn:",chardata"`
}

// Association is <association>.
type Association struct {
	Base
	SourceRef            string `bpmn:"sourceRef,attr,ref"`
	TargetRef            string `bpmn:"targetRef,attr,ref"`
	AssociationDirection string `bpmn:"associationDirection,attr"`
}

// Group is <group>.
type Group struct {
	Base
	CategoryValueRef string `bpmn:"categoryValueRef,attr,ref"`
}

// ---- Global tasks (§10.3.7) ----

// GlobalTask is <globalTask>, <globalUserTask>, <globalScriptTask>,
// <globalManualTask>, <globalBusinessRuleTask>: callable tasks. They are
// kept with their common content; Kind tells which one.
type GlobalTask struct {
	Base
	Name                   string           `bpmn:"name,attr"`
	Implementation         string           `bpmn:"implementation,attr"`
	ScriptLanguage         string           `bpmn:"scriptLanguage,attr"`
	SupportedInterfaceRefs []string         `bpmn:"supportedInterfaceRef"`
	IOSpecification        *IOSpecification `bpmn:"ioSpecification"`
	IOBindings             []*IOBinding     `bpmn:"ioBinding"`
	ResourceRoles          []ResourceRole   `bpmn:",group"`
	Renderings             []*Rendering     `bpmn:"rendering"`
	Script                 *Script          `bpmn:"script"`
	kind                   string
}
