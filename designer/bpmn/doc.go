// Package bpmn reads and writes BPMN 2.0 XML (OMG formal/13-12-09) into
// typed Go values, diagram interchange included, and keeps every vendor
// extension verbatim so that a model survives a round trip through
// Procedo unchanged.
//
// # Reading
//
//	defs, err := bpmn.ParseFile("process.bpmn")
//
// Parse, ParseBytes and ParseFile read a whole document whose root is
// <definitions>; ParseFragment reads any single element (the ".part.bpmn"
// fixtures of bpmn-moddle, a snippet pasted in the designer). Namespace
// prefixes do not matter: bpmn:, bpmn2:, semantic:, a default namespace or
// any other prefix resolve by namespace URI (BPMN 2.0 §15, XML Namespaces
// 1.0 §6). An abstract element typed with xsi:type
// (<eventDefinition xsi:type="bpmn:tTimerEventDefinition">) is read as the
// concrete element.
//
// Input may be UTF-8 (with or without a byte order mark), UTF-16 with a
// byte order mark, ISO-8859-1 or US-ASCII; other declared encodings are
// refused with a clear error rather than guessed.
//
// Errors are *ParseError values ("file:line:col: message", with a Code
// such as CodeSyntax or CodeDanglingRef and, when known, the element id).
// Several problems are returned at once as an ErrorList. When the XML is
// well formed and every element is in its place but the model is
// inconsistent (duplicate ids, dangling references, a BPMNShape without
// bpmnElement), Parse returns the model together with the ErrorList, so
// that a linter can report every problem; callers that only want valid
// models simply stop at err != nil.
//
// # The types
//
// Every element type embeds Common (id, source position, foreign
// attributes, foreign children) and, for the semantic elements, Base (plus
// documentation and extensionElements). The abstract classes of the
// specification are Go interfaces implemented by pointers to the concrete
// structs:
//
//	Element             every element: Kind, ElementID, Position, Attr, SetAttr
//	RootElement         children of <definitions>: *Process, *Collaboration, *Message, ...
//	FlowElement         children of a process or sub-process: Flow() *FlowElementBase
//	FlowNode            events, activities, gateways: Node() *FlowNodeBase (incoming, outgoing)
//	Activity            tasks, sub-processes, call activity: Activity() *ActivityBase
//	Event, CatchEvent, ThrowEvent, Gateway, EventDefinition,
//	LoopCharacteristics, Artifact, ResourceRole, DiagramElement
//
// A type switch on the concrete type (*UserTask, *ExclusiveGateway,
// *TimerEventDefinition, ...) gives the element's own fields. References
// to other elements are kept as the strings of the document (an id, or a
// QName such as "tns:Message_1"); LocalID strips the prefix.
//
// Walk and Elements visit every element of a tree in document order;
// (*Definitions).ElementByID finds one by id (call Reindex after adding
// elements); NameOf gives an element's name attribute for messages.
//
// # Extensions
//
// Attributes outside the BPMN namespaces (camunda:, signavio:, procedo:
// ...) are kept in Common.ExtAttrs in document order; read and set them
// with Attr and SetAttr by namespace URI and local name:
//
//	form, ok := task.Attr(bpmn.ProcedoNS, "form")
//	task.SetAttr(bpmn.ProcedoNS, "form", "domanda")
//
// Children of <extensionElements> (and of di:extension) are kept as *Node
// trees, verbatim and in order; ExtensionElements.Find and Node.Find
// select them by namespace URI and local name. Foreign elements found
// elsewhere, and BPMN elements this package does not model as types
// (choreographies, conversations, correlation keys), are kept as *Node in
// Common.Foreign and written back after the modelled children. XML
// comments and processing instructions are not kept.
//
// # Writing
//
// Write and Marshal produce canonical XML: the standard namespaces always
// use the prefixes bpmn, bpmndi, dc, di and xsi; vendor namespaces keep
// the prefix they were declared with (renamed deterministically only when
// two namespaces claim the same prefix) and are all declared on the root
// element; attributes and children follow the order of the BPMN XSD
// (the field order of the Go types), foreign attributes and children come
// after in document order; indentation is two spaces. Writing is a fixed
// point: Marshal(Parse(Marshal(x))) == Marshal(x) byte for byte, and
// Parse(Marshal(x)) equals x (Equal ignores source positions).
//
// Write refuses (with an error, never a panic) a tree it cannot write
// faithfully: a character XML does not allow, or a foreign attribute
// without namespace that shadows a field of the element.
//
// A parsed tree is plain data: reading it from several goroutines is safe;
// changing it while another goroutine reads it is not.
//
// Values of xsi:type are stored with their prefix normalised to the
// canonical one ("bpmn:tFormalExpression"), because the document's own
// prefix does not survive canonical writing.
package bpmn
