// Kind methods and registry of the element types, written from the element
// table of Semantic.xsd and BPMNDI.xsd.

package bpmn

// Kind methods and substitution-group markers of every element type.

// Kind returns "definitions".
func (*Definitions) Kind() string { return "definitions" }

// Kind returns "import".
func (*Import) Kind() string { return "import" }

// Kind returns "extension".
func (*Extension) Kind() string { return "extension" }

// Kind returns "relationship".
func (*Relationship) Kind() string { return "relationship" }

// Kind returns "process".
func (*Process) Kind() string { return "process" }

func (*Process) rootElement() {}

// Kind returns "auditing".
func (*Auditing) Kind() string { return "auditing" }

// Kind returns "monitoring".
func (*Monitoring) Kind() string { return "monitoring" }

// Kind returns "ioBinding".
func (*IOBinding) Kind() string { return "ioBinding" }

// Kind returns "collaboration".
func (*Collaboration) Kind() string { return "collaboration" }

func (*Collaboration) rootElement() {}

// Kind returns "participant".
func (*Participant) Kind() string { return "participant" }

// Kind returns "participantMultiplicity".
func (*ParticipantMultiplicity) Kind() string { return "participantMultiplicity" }

// Kind returns "messageFlow".
func (*MessageFlow) Kind() string { return "messageFlow" }

// Kind returns "laneSet".
func (*LaneSet) Kind() string { return "laneSet" }

// Kind returns "lane".
func (*Lane) Kind() string { return "lane" }

// Kind returns "partitionElement".
func (*PartitionElement) Kind() string { return "partitionElement" }

// Kind returns "sequenceFlow".
func (*SequenceFlow) Kind() string { return "sequenceFlow" }

// Kind returns "task".
func (*Task) Kind() string { return "task" }

// Kind returns "userTask".
func (*UserTask) Kind() string { return "userTask" }

// Kind returns "rendering".
func (*Rendering) Kind() string { return "rendering" }

// Kind returns "manualTask".
func (*ManualTask) Kind() string { return "manualTask" }

// Kind returns "serviceTask".
func (*ServiceTask) Kind() string { return "serviceTask" }

// Kind returns "sendTask".
func (*SendTask) Kind() string { return "sendTask" }

// Kind returns "receiveTask".
func (*ReceiveTask) Kind() string { return "receiveTask" }

// Kind returns "scriptTask".
func (*ScriptTask) Kind() string { return "scriptTask" }

// Kind returns "script".
func (*Script) Kind() string { return "script" }

// Kind returns "businessRuleTask".
func (*BusinessRuleTask) Kind() string { return "businessRuleTask" }

// Kind returns "subProcess".
func (*SubProcess) Kind() string { return "subProcess" }

// Kind returns "transaction".
func (*Transaction) Kind() string { return "transaction" }

// Kind returns "adHocSubProcess".
func (*AdHocSubProcess) Kind() string { return "adHocSubProcess" }

// Kind returns "callActivity".
func (*CallActivity) Kind() string { return "callActivity" }

// Kind returns "standardLoopCharacteristics".
func (*StandardLoopCharacteristics) Kind() string { return "standardLoopCharacteristics" }

func (*StandardLoopCharacteristics) loopCharacteristics() {}

// Kind returns "multiInstanceLoopCharacteristics".
func (*MultiInstanceLoopCharacteristics) Kind() string { return "multiInstanceLoopCharacteristics" }

func (*MultiInstanceLoopCharacteristics) loopCharacteristics() {}

// Kind returns "complexBehaviorDefinition".
func (*ComplexBehaviorDefinition) Kind() string { return "complexBehaviorDefinition" }

// Kind returns "resourceRole".
func (*GenericResourceRole) Kind() string { return "resourceRole" }

// Kind returns "performer".
func (*Performer) Kind() string { return "performer" }

// Kind returns "humanPerformer".
func (*HumanPerformer) Kind() string { return "humanPerformer" }

// Kind returns "potentialOwner".
func (*PotentialOwner) Kind() string { return "potentialOwner" }

// Kind returns "resourceParameterBinding".
func (*ResourceParameterBinding) Kind() string { return "resourceParameterBinding" }

// Kind returns "resourceAssignmentExpression".
func (*ResourceAssignmentExpression) Kind() string { return "resourceAssignmentExpression" }

// Kind returns "resource".
func (*Resource) Kind() string { return "resource" }

func (*Resource) rootElement() {}

// Kind returns "resourceParameter".
func (*ResourceParameter) Kind() string { return "resourceParameter" }

// Kind returns "exclusiveGateway".
func (*ExclusiveGateway) Kind() string { return "exclusiveGateway" }

// Kind returns "inclusiveGateway".
func (*InclusiveGateway) Kind() string { return "inclusiveGateway" }

// Kind returns "parallelGateway".
func (*ParallelGateway) Kind() string { return "parallelGateway" }

// Kind returns "complexGateway".
func (*ComplexGateway) Kind() string { return "complexGateway" }

// Kind returns "eventBasedGateway".
func (*EventBasedGateway) Kind() string { return "eventBasedGateway" }

// Kind returns "startEvent".
func (*StartEvent) Kind() string { return "startEvent" }

// Kind returns "endEvent".
func (*EndEvent) Kind() string { return "endEvent" }

// Kind returns "intermediateCatchEvent".
func (*IntermediateCatchEvent) Kind() string { return "intermediateCatchEvent" }

// Kind returns "intermediateThrowEvent".
func (*IntermediateThrowEvent) Kind() string { return "intermediateThrowEvent" }

// Kind returns "boundaryEvent".
func (*BoundaryEvent) Kind() string { return "boundaryEvent" }

// Kind returns "implicitThrowEvent".
func (*ImplicitThrowEvent) Kind() string { return "implicitThrowEvent" }

// Kind returns "messageEventDefinition".
func (*MessageEventDefinition) Kind() string { return "messageEventDefinition" }

func (*MessageEventDefinition) rootElement() {}

func (*MessageEventDefinition) eventDefinition() {}

// Kind returns "timerEventDefinition".
func (*TimerEventDefinition) Kind() string { return "timerEventDefinition" }

func (*TimerEventDefinition) rootElement() {}

func (*TimerEventDefinition) eventDefinition() {}

// Kind returns "errorEventDefinition".
func (*ErrorEventDefinition) Kind() string { return "errorEventDefinition" }

func (*ErrorEventDefinition) rootElement() {}

func (*ErrorEventDefinition) eventDefinition() {}

// Kind returns "escalationEventDefinition".
func (*EscalationEventDefinition) Kind() string { return "escalationEventDefinition" }

func (*EscalationEventDefinition) rootElement() {}

func (*EscalationEventDefinition) eventDefinition() {}

// Kind returns "signalEventDefinition".
func (*SignalEventDefinition) Kind() string { return "signalEventDefinition" }

func (*SignalEventDefinition) rootElement() {}

func (*SignalEventDefinition) eventDefinition() {}

// Kind returns "conditionalEventDefinition".
func (*ConditionalEventDefinition) Kind() string { return "conditionalEventDefinition" }

func (*ConditionalEventDefinition) rootElement() {}

func (*ConditionalEventDefinition) eventDefinition() {}

// Kind returns "compensateEventDefinition".
func (*CompensateEventDefinition) Kind() string { return "compensateEventDefinition" }

func (*CompensateEventDefinition) rootElement() {}

func (*CompensateEventDefinition) eventDefinition() {}

// Kind returns "cancelEventDefinition".
func (*CancelEventDefinition) Kind() string { return "cancelEventDefinition" }

func (*CancelEventDefinition) rootElement() {}

func (*CancelEventDefinition) eventDefinition() {}

// Kind returns "linkEventDefinition".
func (*LinkEventDefinition) Kind() string { return "linkEventDefinition" }

func (*LinkEventDefinition) rootElement() {}

func (*LinkEventDefinition) eventDefinition() {}

// Kind returns "terminateEventDefinition".
func (*TerminateEventDefinition) Kind() string { return "terminateEventDefinition" }

func (*TerminateEventDefinition) rootElement() {}

func (*TerminateEventDefinition) eventDefinition() {}

// Kind returns "message".
func (*Message) Kind() string { return "message" }

func (*Message) rootElement() {}

// Kind returns "error".
func (*Error) Kind() string { return "error" }

func (*Error) rootElement() {}

// Kind returns "escalation".
func (*Escalation) Kind() string { return "escalation" }

func (*Escalation) rootElement() {}

// Kind returns "signal".
func (*Signal) Kind() string { return "signal" }

func (*Signal) rootElement() {}

// Kind returns "itemDefinition".
func (*ItemDefinition) Kind() string { return "itemDefinition" }

func (*ItemDefinition) rootElement() {}

// Kind returns "category".
func (*Category) Kind() string { return "category" }

func (*Category) rootElement() {}

// Kind returns "categoryValue".
func (*CategoryValue) Kind() string { return "categoryValue" }

// Kind returns "interface".
func (*Interface) Kind() string { return "interface" }

func (*Interface) rootElement() {}

// Kind returns "operation".
func (*Operation) Kind() string { return "operation" }

// Kind returns "endPoint".
func (*EndPoint) Kind() string { return "endPoint" }

func (*EndPoint) rootElement() {}

// Kind returns "partnerEntity".
func (*PartnerEntity) Kind() string { return "partnerEntity" }

func (*PartnerEntity) rootElement() {}

// Kind returns "partnerRole".
func (*PartnerRole) Kind() string { return "partnerRole" }

func (*PartnerRole) rootElement() {}

// Kind returns "correlationProperty".
func (*CorrelationProperty) Kind() string { return "correlationProperty" }

func (*CorrelationProperty) rootElement() {}

// Kind returns "correlationPropertyRetrievalExpression".
func (*CorrelationPropertyRetrievalExpression) Kind() string {
	return "correlationPropertyRetrievalExpression"
}

// Kind returns "dataState".
func (*DataState) Kind() string { return "dataState" }

// Kind returns "dataObject".
func (*DataObject) Kind() string { return "dataObject" }

// Kind returns "dataObjectReference".
func (*DataObjectReference) Kind() string { return "dataObjectReference" }

// Kind returns "dataStore".
func (*DataStore) Kind() string { return "dataStore" }

func (*DataStore) rootElement() {}

// Kind returns "dataStoreReference".
func (*DataStoreReference) Kind() string { return "dataStoreReference" }

// Kind returns "property".
func (*Property) Kind() string { return "property" }

// Kind returns "dataInput".
func (*DataInput) Kind() string { return "dataInput" }

// Kind returns "dataOutput".
func (*DataOutput) Kind() string { return "dataOutput" }

// Kind returns "ioSpecification".
func (*IOSpecification) Kind() string { return "ioSpecification" }

// Kind returns "inputSet".
func (*InputSet) Kind() string { return "inputSet" }

// Kind returns "outputSet".
func (*OutputSet) Kind() string { return "outputSet" }

// Kind returns "dataInputAssociation".
func (*DataInputAssociation) Kind() string { return "dataInputAssociation" }

// Kind returns "dataOutputAssociation".
func (*DataOutputAssociation) Kind() string { return "dataOutputAssociation" }

// Kind returns "assignment".
func (*Assignment) Kind() string { return "assignment" }

// Kind returns "textAnnotation".
func (*TextAnnotation) Kind() string { return "textAnnotation" }

func (*TextAnnotation) artifact() {}

// Kind returns "text".
func (*Text) Kind() string { return "text" }

// Kind returns "association".
func (*Association) Kind() string { return "association" }

func (*Association) artifact() {}

// Kind returns "group".
func (*Group) Kind() string { return "group" }

func (*Group) artifact() {}

// Kind returns "documentation".
func (*Documentation) Kind() string { return "documentation" }

// Kind returns "extensionElements".
func (*ExtensionElements) Kind() string { return "extensionElements" }

// Kind returns "expression".
func (*Expression) Kind() string { return "expression" }

// Kind returns the element name: "globalTask", "globalUserTask", ...
func (g *GlobalTask) Kind() string {
	if g.kind == "" {
		return "globalTask"
	}
	return g.kind
}

func (*GlobalTask) rootElement() {}

// Kind returns "BPMNDiagram".
func (*Diagram) Kind() string { return "BPMNDiagram" }

// Kind returns "BPMNPlane".
func (*Plane) Kind() string { return "BPMNPlane" }

// Kind returns "BPMNShape".
func (*Shape) Kind() string { return "BPMNShape" }

// Kind returns "BPMNEdge".
func (*Edge) Kind() string { return "BPMNEdge" }

// Kind returns "BPMNLabel".
func (*Label) Kind() string { return "BPMNLabel" }

// Kind returns "BPMNLabelStyle".
func (*LabelStyle) Kind() string { return "BPMNLabelStyle" }

// Kind returns "extension".
func (*DIExtension) Kind() string { return "extension" }

// Kind returns "waypoint".
func (*Point) Kind() string { return "waypoint" }

// Kind returns "Font".
func (*Font) Kind() string { return "Font" }

// Kind returns "Bounds".
func (*Bounds) Kind() string { return "Bounds" }

// registered lists the element types that may appear in a substitution
// group or as a fragment root, by namespace URI and local name.
var registered = []struct {
	space, local string
	proto        Element
}{
	{ModelNS, "definitions", (*Definitions)(nil)},
	{ModelNS, "import", (*Import)(nil)},
	{ModelNS, "extension", (*Extension)(nil)},
	{ModelNS, "relationship", (*Relationship)(nil)},
	{ModelNS, "process", (*Process)(nil)},
	{ModelNS, "auditing", (*Auditing)(nil)},
	{ModelNS, "monitoring", (*Monitoring)(nil)},
	{ModelNS, "ioBinding", (*IOBinding)(nil)},
	{ModelNS, "collaboration", (*Collaboration)(nil)},
	{ModelNS, "participant", (*Participant)(nil)},
	{ModelNS, "participantMultiplicity", (*ParticipantMultiplicity)(nil)},
	{ModelNS, "messageFlow", (*MessageFlow)(nil)},
	{ModelNS, "laneSet", (*LaneSet)(nil)},
	{ModelNS, "lane", (*Lane)(nil)},
	{ModelNS, "partitionElement", (*PartitionElement)(nil)},
	{ModelNS, "sequenceFlow", (*SequenceFlow)(nil)},
	{ModelNS, "task", (*Task)(nil)},
	{ModelNS, "userTask", (*UserTask)(nil)},
	{ModelNS, "rendering", (*Rendering)(nil)},
	{ModelNS, "manualTask", (*ManualTask)(nil)},
	{ModelNS, "serviceTask", (*ServiceTask)(nil)},
	{ModelNS, "sendTask", (*SendTask)(nil)},
	{ModelNS, "receiveTask", (*ReceiveTask)(nil)},
	{ModelNS, "scriptTask", (*ScriptTask)(nil)},
	{ModelNS, "script", (*Script)(nil)},
	{ModelNS, "businessRuleTask", (*BusinessRuleTask)(nil)},
	{ModelNS, "subProcess", (*SubProcess)(nil)},
	{ModelNS, "transaction", (*Transaction)(nil)},
	{ModelNS, "adHocSubProcess", (*AdHocSubProcess)(nil)},
	{ModelNS, "callActivity", (*CallActivity)(nil)},
	{ModelNS, "standardLoopCharacteristics", (*StandardLoopCharacteristics)(nil)},
	{ModelNS, "multiInstanceLoopCharacteristics", (*MultiInstanceLoopCharacteristics)(nil)},
	{ModelNS, "complexBehaviorDefinition", (*ComplexBehaviorDefinition)(nil)},
	{ModelNS, "resourceRole", (*GenericResourceRole)(nil)},
	{ModelNS, "performer", (*Performer)(nil)},
	{ModelNS, "humanPerformer", (*HumanPerformer)(nil)},
	{ModelNS, "potentialOwner", (*PotentialOwner)(nil)},
	{ModelNS, "resourceParameterBinding", (*ResourceParameterBinding)(nil)},
	{ModelNS, "resourceAssignmentExpression", (*ResourceAssignmentExpression)(nil)},
	{ModelNS, "resource", (*Resource)(nil)},
	{ModelNS, "resourceParameter", (*ResourceParameter)(nil)},
	{ModelNS, "exclusiveGateway", (*ExclusiveGateway)(nil)},
	{ModelNS, "inclusiveGateway", (*InclusiveGateway)(nil)},
	{ModelNS, "parallelGateway", (*ParallelGateway)(nil)},
	{ModelNS, "complexGateway", (*ComplexGateway)(nil)},
	{ModelNS, "eventBasedGateway", (*EventBasedGateway)(nil)},
	{ModelNS, "startEvent", (*StartEvent)(nil)},
	{ModelNS, "endEvent", (*EndEvent)(nil)},
	{ModelNS, "intermediateCatchEvent", (*IntermediateCatchEvent)(nil)},
	{ModelNS, "intermediateThrowEvent", (*IntermediateThrowEvent)(nil)},
	{ModelNS, "boundaryEvent", (*BoundaryEvent)(nil)},
	{ModelNS, "implicitThrowEvent", (*ImplicitThrowEvent)(nil)},
	{ModelNS, "messageEventDefinition", (*MessageEventDefinition)(nil)},
	{ModelNS, "timerEventDefinition", (*TimerEventDefinition)(nil)},
	{ModelNS, "errorEventDefinition", (*ErrorEventDefinition)(nil)},
	{ModelNS, "escalationEventDefinition", (*EscalationEventDefinition)(nil)},
	{ModelNS, "signalEventDefinition", (*SignalEventDefinition)(nil)},
	{ModelNS, "conditionalEventDefinition", (*ConditionalEventDefinition)(nil)},
	{ModelNS, "compensateEventDefinition", (*CompensateEventDefinition)(nil)},
	{ModelNS, "cancelEventDefinition", (*CancelEventDefinition)(nil)},
	{ModelNS, "linkEventDefinition", (*LinkEventDefinition)(nil)},
	{ModelNS, "terminateEventDefinition", (*TerminateEventDefinition)(nil)},
	{ModelNS, "message", (*Message)(nil)},
	{ModelNS, "error", (*Error)(nil)},
	{ModelNS, "escalation", (*Escalation)(nil)},
	{ModelNS, "signal", (*Signal)(nil)},
	{ModelNS, "itemDefinition", (*ItemDefinition)(nil)},
	{ModelNS, "category", (*Category)(nil)},
	{ModelNS, "categoryValue", (*CategoryValue)(nil)},
	{ModelNS, "interface", (*Interface)(nil)},
	{ModelNS, "operation", (*Operation)(nil)},
	{ModelNS, "endPoint", (*EndPoint)(nil)},
	{ModelNS, "partnerEntity", (*PartnerEntity)(nil)},
	{ModelNS, "partnerRole", (*PartnerRole)(nil)},
	{ModelNS, "correlationProperty", (*CorrelationProperty)(nil)},
	{ModelNS, "correlationPropertyRetrievalExpression", (*CorrelationPropertyRetrievalExpression)(nil)},
	{ModelNS, "dataState", (*DataState)(nil)},
	{ModelNS, "dataObject", (*DataObject)(nil)},
	{ModelNS, "dataObjectReference", (*DataObjectReference)(nil)},
	{ModelNS, "dataStore", (*DataStore)(nil)},
	{ModelNS, "dataStoreReference", (*DataStoreReference)(nil)},
	{ModelNS, "property", (*Property)(nil)},
	{ModelNS, "dataInput", (*DataInput)(nil)},
	{ModelNS, "dataOutput", (*DataOutput)(nil)},
	{ModelNS, "ioSpecification", (*IOSpecification)(nil)},
	{ModelNS, "inputSet", (*InputSet)(nil)},
	{ModelNS, "outputSet", (*OutputSet)(nil)},
	{ModelNS, "dataInputAssociation", (*DataInputAssociation)(nil)},
	{ModelNS, "dataOutputAssociation", (*DataOutputAssociation)(nil)},
	{ModelNS, "assignment", (*Assignment)(nil)},
	{ModelNS, "textAnnotation", (*TextAnnotation)(nil)},
	{ModelNS, "text", (*Text)(nil)},
	{ModelNS, "association", (*Association)(nil)},
	{ModelNS, "group", (*Group)(nil)},
	{ModelNS, "documentation", (*Documentation)(nil)},
	{ModelNS, "extensionElements", (*ExtensionElements)(nil)},
	{ModelNS, "expression", (*Expression)(nil)},
	{ModelNS, "globalTask", (*GlobalTask)(nil)},
	{ModelNS, "globalUserTask", (*GlobalTask)(nil)},
	{ModelNS, "globalScriptTask", (*GlobalTask)(nil)},
	{ModelNS, "globalManualTask", (*GlobalTask)(nil)},
	{ModelNS, "globalBusinessRuleTask", (*GlobalTask)(nil)},
	{BPMNDINS, "BPMNDiagram", (*Diagram)(nil)},
	{BPMNDINS, "BPMNPlane", (*Plane)(nil)},
	{BPMNDINS, "BPMNShape", (*Shape)(nil)},
	{BPMNDINS, "BPMNEdge", (*Edge)(nil)},
	{BPMNDINS, "BPMNLabel", (*Label)(nil)},
	{BPMNDINS, "BPMNLabelStyle", (*LabelStyle)(nil)},
	{DINS, "extension", (*DIExtension)(nil)},
	{DINS, "waypoint", (*Point)(nil)},
	{DCNS, "Font", (*Font)(nil)},
	{DCNS, "Bounds", (*Bounds)(nil)},
}
