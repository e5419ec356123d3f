package bpmn

import (
	"fmt"
	"iter"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// unmodelled lists the elements of the BPMN namespace (Semantic.xsd) that
// have no Go type here: choreographies and conversations (BPMN 2.0 §9.4,
// §11) and correlation details that Procedo does not execute. They are
// kept verbatim as *Node in Common.Foreign wherever they appear.
var unmodelled = map[string]bool{
	"callChoreography": true, "callConversation": true, "choreography": true,
	"choreographyTask": true, "conversation": true, "conversationAssociation": true,
	"conversationLink": true, "correlationKey": true, "correlationPropertyBinding": true,
	"correlationSubscription": true, "globalChoreographyTask": true, "globalConversation": true,
	"messageFlowAssociation": true, "participantAssociation": true, "subChoreography": true,
	"subConversation": true,
}

var (
	knownOnce  sync.Once
	knownNames map[nameKey][]string // element name → kinds of the parents that allow it
)

// isKnownName reports whether an element name exists in the modelled
// schema, as a registered type or as a child of one.
func isKnownName(space, local string) bool {
	knownOnce.Do(func() {
		initRegistry()
		knownNames = map[nameKey][]string{}
		for _, r := range registered {
			k := nameKey{r.space, r.local}
			if knownNames[k] == nil {
				knownNames[k] = []string{}
			}
			ti := getTypeInfo(reflect.TypeOf(r.proto).Elem())
			for k := range ti.childMap {
				if !slices.Contains(knownNames[k], r.local) {
					knownNames[k] = append(knownNames[k], r.local)
				}
			}
		}
		for _, parents := range knownNames {
			slices.Sort(parents)
		}
	})
	_, ok := knownNames[nameKey{space, local}]
	return ok
}

// allowedIn names the elements that may contain an element, for messages.
func allowedIn(space, local string) string {
	if !isKnownName(space, local) {
		return ""
	}
	parents := knownNames[nameKey{space, local}]
	if len(parents) == 0 {
		return ""
	}
	if len(parents) > 4 {
		parents = append(parents[:4:4], "...")
	}
	return " (it belongs in <" + strings.Join(parents, ">, <") + ">)"
}

// Walk calls visit for root and every typed element below it, in document
// order, with its parent (nil for root). When visit returns false the
// children of that element are skipped. Foreign nodes are not visited.
func Walk(root Element, visit func(el, parent Element) bool) {
	if root == nil {
		return
	}
	if _, ok := root.(*Node); ok {
		visit(root, nil)
		return
	}
	walkValue(reflect.ValueOf(root), nil, visit)
}

func walkValue(pv reflect.Value, parent Element, visit func(el, parent Element) bool) bool {
	if !pv.IsValid() || pv.IsNil() {
		// A nil entry of a model built in Go: nothing to visit.
		return true
	}
	el := pv.Interface().(Element)
	if !visit(el, parent) {
		return true
	}
	v := pv.Elem()
	ti := getTypeInfo(v.Type())
	for _, f := range ti.children {
		if f.kind != fieldChild && f.kind != fieldGroup {
			continue
		}
		fv := v.FieldByIndex(f.index)
		if f.multi {
			for i := 0; i < fv.Len(); i++ {
				walkValue(elemPtr(fv.Index(i)), el, visit)
			}
		} else if !fv.IsNil() {
			walkValue(elemPtr(fv), el, visit)
		}
	}
	return true
}

// elemPtr unwraps an interface value to the pointer it holds.
func elemPtr(v reflect.Value) reflect.Value {
	if v.Kind() == reflect.Interface {
		return v.Elem()
	}
	return v
}

// Elements yields root and every typed element below it, in document order.
func Elements(root Element) iter.Seq[Element] {
	return func(yield func(Element) bool) {
		stop := false
		Walk(root, func(el, _ Element) bool {
			if stop {
				return false
			}
			if !yield(el) {
				stop = true
				return false
			}
			return true
		})
	}
}

// ElementByID returns the element with the given id (an unmodelled BPMN
// element comes as *Node), or nil. The index is built by the parser; call
// Reindex after changing the tree.
func (d *Definitions) ElementByID(id string) Element {
	if d.index == nil {
		d.Reindex()
	}
	return d.index[LocalID(id)]
}

// Reindex rebuilds the index of ElementByID. When ids repeat, the first
// element wins.
func (d *Definitions) Reindex() {
	d.index, _ = indexIDs(d, "")
}

// LocalID strips the namespace prefix of a QName reference
// ("tns:Task_1" → "Task_1").
func LocalID(ref string) string {
	if i := strings.LastIndexByte(ref, ':'); i >= 0 {
		return ref[i+1:]
	}
	return ref
}

// indexIDs collects the ids of every typed element and of unmodelled BPMN
// elements kept as nodes, and reports duplicates.
func indexIDs(root Element, file string) (map[string]Element, ErrorList) {
	index := map[string]Element{}
	var errs ErrorList
	add := func(id string, el Element) {
		if id == "" {
			return
		}
		if first, dup := index[id]; dup {
			p := el.Position()
			fp := first.Position()
			errs = append(errs, &ParseError{File: file, Line: p.Line, Col: p.Col, ElementID: id, Code: CodeDuplicateID,
				Msg: fmt.Sprintf("duplicate id %q: <%s> has the same id as <%s> at %s", id, el.Kind(), first.Kind(), fp)})
			return
		}
		index[id] = el
	}
	var addNode func(n *Node)
	addNode = func(n *Node) {
		if n.Space != ModelNS && !isStandard(n.Space) {
			return
		}
		add(n.ElementID(), n)
		for _, c := range n.Children {
			if !c.IsText() {
				addNode(c)
			}
		}
	}
	Walk(root, func(el, _ Element) bool {
		add(el.ElementID(), el)
		if c := commonPtr(el); c != nil {
			for _, n := range c.Foreign {
				addNode(n)
			}
		}
		return true
	})
	return index, errs
}

// commonPtr returns the Common of a typed element.
func commonPtr(el Element) *Common {
	if _, ok := el.(*Node); ok {
		return nil
	}
	v := reflect.ValueOf(el).Elem()
	return commonOf(v, getTypeInfo(v.Type()))
}

// check validates ids and references of a parsed document: BPMN ids are
// xsd:ID, unique in the document (§8.3.1), and every reference must
// resolve. calledElement and structureRef may point outside the document
// and are not checked.
func (d *Definitions) check(file string) ErrorList {
	index, errs := indexIDs(d, file)
	d.index = index
	external := map[string]bool{}
	for _, ns := range d.Namespaces {
		if ns.URI != d.TargetNamespace {
			external[ns.Prefix] = true
		}
	}
	Walk(d, func(el, _ Element) bool {
		v := reflect.ValueOf(el).Elem()
		ti := getTypeInfo(v.Type())
		pos := el.Position()
		for _, f := range ti.attrs {
			if !f.ref {
				continue
			}
			ref := v.FieldByIndex(f.index).String()
			if ref != "" {
				errs = checkRef(errs, index, external, file, el, pos, f.local, ref)
			}
		}
		for _, f := range ti.children {
			if f.kind != fieldText || !f.ref {
				continue
			}
			fv := v.FieldByIndex(f.index)
			if f.multi {
				for i := 0; i < fv.Len(); i++ {
					errs = checkRef(errs, index, external, file, el, pos, f.local, fv.Index(i).String())
				}
			} else if s := fv.String(); s != "" {
				errs = checkRef(errs, index, external, file, el, pos, f.local, s)
			}
		}
		switch e := el.(type) {
		case *Shape:
			if e.BPMNElement == "" {
				errs = append(errs, missing(file, el, "BPMNShape without bpmnElement: a shape must name the BPMN element it draws"))
			}
		case *Edge:
			if e.BPMNElement == "" {
				errs = append(errs, missing(file, el, "BPMNEdge without bpmnElement: an edge must name the BPMN element it draws"))
			}
		}
		return true
	})
	sortErrors(errs)
	return errs
}

func missing(file string, el Element, msg string) *ParseError {
	p := el.Position()
	return &ParseError{File: file, Line: p.Line, Col: p.Col, ElementID: el.ElementID(), Code: CodeMissing, Msg: msg}
}

func checkRef(errs ErrorList, index map[string]Element, external map[string]bool, file string, el Element, pos Pos, attr, ref string) ErrorList {
	if _, ok := index[LocalID(ref)]; ok {
		return errs
	}
	if prefix, _, ok := strings.Cut(ref, ":"); ok && external[prefix] {
		// A QName in another namespace than the document's target
		// namespace points outside the document (BPMN 2.0 §8.3.2).
		return errs
	}
	who := "<" + el.Kind() + ">"
	if id := el.ElementID(); id != "" {
		who = fmt.Sprintf("<%s id=%q>", el.Kind(), id)
	}
	return append(errs, &ParseError{File: file, Line: pos.Line, Col: pos.Col, ElementID: el.ElementID(), Code: CodeDanglingRef,
		Msg: fmt.Sprintf("%s: %s %q does not match the id of any element", who, attr, ref)})
}

func sortErrors(errs ErrorList) {
	slices.SortStableFunc(errs, func(a, b *ParseError) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Col - b.Col
	})
}

// Processes returns the processes of the document, in document order.
func (d *Definitions) Processes() []*Process {
	var out []*Process
	for _, r := range d.RootElements {
		if p, ok := r.(*Process); ok {
			out = append(out, p)
		}
	}
	return out
}

// NameOf returns the name attribute of an element ("" when its type has
// none or it is unset), for messages that name elements as analysts see
// them.
func NameOf(el Element) string {
	if el == nil {
		return ""
	}
	if n, ok := el.(*Node); ok {
		v, _ := n.Attr("", "name")
		return v
	}
	v := reflect.ValueOf(el)
	if v.IsNil() {
		return ""
	}
	ti := getTypeInfo(v.Elem().Type())
	if f := ti.attrMap["name"]; f != nil && f.atype == attrString {
		return v.Elem().FieldByIndex(f.index).String()
	}
	return ""
}
