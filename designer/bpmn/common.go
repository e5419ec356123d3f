package bpmn

import (
	"fmt"
	"strings"
)

// Namespace URIs of BPMN 2.0 (§15 of the specification) and of the
// vendors Procedo knows about.
const (
	ModelNS  = "http://www.omg.org/spec/BPMN/20100524/MODEL"
	BPMNDINS = "http://www.omg.org/spec/BPMN/20100524/DI"
	DCNS     = "http://www.omg.org/spec/DD/20100524/DC"
	DINS     = "http://www.omg.org/spec/DD/20100524/DI"
	XSINS    = "http://www.w3.org/2001/XMLSchema-instance"
	XMLNS    = "http://www.w3.org/XML/1998/namespace"
	// ProcedoNS is the namespace of Procedo's execution attributes and
	// extension elements (see docs/bpmn-model.md).
	ProcedoNS = "https://procedo.dev/bpmn/1.0"
)

// Pos is a position in the source document: 1-based line and column (the
// column counts bytes). The zero Pos means "not from a document".
type Pos struct {
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// IsValid reports whether p comes from a document.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Attr is an attribute outside the BPMN namespaces (or an xsi: attribute
// other than xsi:type), kept verbatim.
type Attr struct {
	Space  string // namespace URI; "" for an attribute without prefix
	Local  string
	Prefix string // prefix of the source document, reused when writing
	Value  string
}

// Element is implemented by every element type of this package, *Node
// included.
type Element interface {
	// Kind is the element's local name in its namespace ("userTask",
	// "BPMNShape", "timerEventDefinition"). For a type that serves
	// several element names (Expression) it is the name of the type.
	Kind() string
	// ElementID is the id attribute, "" when absent.
	ElementID() string
	// Position is where the start tag begins in the source.
	Position() Pos
	// Attr returns the value of a foreign attribute by namespace URI and
	// local name.
	Attr(space, local string) (string, bool)
	// SetAttr sets (adds or replaces) a foreign attribute. A new
	// attribute gets the prefix already used for its namespace in this
	// element, else a prefix derived from the namespace (procedo for
	// ProcedoNS).
	SetAttr(space, local, value string)
}

// Common holds what every element has: its id, its source position and
// the foreign attributes and children kept verbatim.
type Common struct {
	ID       string `bpmn:"id,attr"`
	Pos      Pos    `bpmn:"-"`
	ExtAttrs []Attr `bpmn:"-"`
	// Foreign are child elements of other namespaces, and BPMN elements
	// that this package does not model as types, in document order.
	Foreign []*Node `bpmn:"-"`

	// empty lists the string attributes present in the source with an
	// empty value (name=""), so that writing keeps them.
	empty []string
}

// ElementID returns the id attribute.
func (c *Common) ElementID() string { return c.ID }

// Position returns where the element starts in the source.
func (c *Common) Position() Pos { return c.Pos }

// Attr returns a foreign attribute by namespace URI and local name.
func (c *Common) Attr(space, local string) (string, bool) { return findAttr(c.ExtAttrs, space, local) }

// SetAttr adds or replaces a foreign attribute.
func (c *Common) SetAttr(space, local, value string) {
	c.ExtAttrs = setAttr(c.ExtAttrs, space, local, value)
}

// RemoveAttr removes a foreign attribute; it reports whether it was there.
func (c *Common) RemoveAttr(space, local string) bool {
	for i, a := range c.ExtAttrs {
		if a.Space == space && a.Local == local {
			c.ExtAttrs = append(c.ExtAttrs[:i:i], c.ExtAttrs[i+1:]...)
			return true
		}
	}
	return false
}

func findAttr(attrs []Attr, space, local string) (string, bool) {
	for _, a := range attrs {
		if a.Space == space && a.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

func setAttr(attrs []Attr, space, local, value string) []Attr {
	for i, a := range attrs {
		if a.Space == space && a.Local == local {
			attrs[i].Value = value
			return attrs
		}
	}
	prefix := ""
	for _, a := range attrs {
		if a.Space == space && a.Prefix != "" {
			prefix = a.Prefix
			break
		}
	}
	if prefix == "" && space != "" {
		prefix = suggestPrefix(space)
	}
	return append(attrs, Attr{Space: space, Local: local, Prefix: prefix, Value: value})
}

// Base is embedded by every semantic (non-DI) element: tBaseElement of the
// XSD (BPMN 2.0 §8.3.1).
type Base struct {
	Common
	Documentation     []*Documentation   `bpmn:"documentation"`
	ExtensionElements *ExtensionElements `bpmn:"extensionElements"`
}

// Documentation is <documentation>; Text is kept verbatim.
type Documentation struct {
	Common
	TextFormat string `bpmn:"textFormat,attr"`
	Text       string `bpmn:",chardata"`
}

// ExtensionElements is <extensionElements>: vendor elements kept verbatim.
type ExtensionElements struct {
	Common
	Items []*Node `bpmn:",any"`
}

// Find returns the first item with the given namespace URI and local name.
func (e *ExtensionElements) Find(space, local string) *Node {
	if e == nil {
		return nil
	}
	for _, n := range e.Items {
		if n.Space == space && n.Local == local {
			return n
		}
	}
	return nil
}

// FindAll returns every item with the given namespace URI and local name.
func (e *ExtensionElements) FindAll(space, local string) []*Node {
	if e == nil {
		return nil
	}
	var out []*Node
	for _, n := range e.Items {
		if n.Space == space && n.Local == local {
			out = append(out, n)
		}
	}
	return out
}

// Node is an XML element kept verbatim: a vendor extension, a foreign
// element or a BPMN element this package does not model. A text node has
// an empty Local and its content in Text.
type Node struct {
	Space    string // namespace URI ("" for none)
	Local    string // local name; "" for a text node
	Prefix   string // prefix of the source document
	Pos      Pos
	Attrs    []Attr
	Children []*Node
	Text     string // content of a text node
}

// Kind returns the local name.
func (n *Node) Kind() string { return n.Local }

// ElementID returns the value of an id attribute without namespace.
func (n *Node) ElementID() string { v, _ := findAttr(n.Attrs, "", "id"); return v }

// Position returns where the element starts in the source.
func (n *Node) Position() Pos { return n.Pos }

// Attr returns an attribute by namespace URI ("" for none) and local name.
func (n *Node) Attr(space, local string) (string, bool) { return findAttr(n.Attrs, space, local) }

// SetAttr adds or replaces an attribute.
func (n *Node) SetAttr(space, local, value string) { n.Attrs = setAttr(n.Attrs, space, local, value) }

// IsText reports whether n is a text node.
func (n *Node) IsText() bool { return n.Local == "" }

// Find returns the first child element with the namespace URI and local
// name, or nil.
func (n *Node) Find(space, local string) *Node {
	for _, c := range n.Children {
		if c.Local == local && c.Space == space {
			return c
		}
	}
	return nil
}

// FindAll returns every child element with the namespace URI and local name.
func (n *Node) FindAll(space, local string) []*Node {
	var out []*Node
	for _, c := range n.Children {
		if c.Local == local && c.Space == space {
			out = append(out, c)
		}
	}
	return out
}

// TextContent returns the concatenated text of n and its descendants.
func (n *Node) TextContent() string {
	if n.IsText() {
		return n.Text
	}
	var b strings.Builder
	n.appendText(&b)
	return b.String()
}

func (n *Node) appendText(b *strings.Builder) {
	if n.IsText() {
		b.WriteString(n.Text)
		return
	}
	for _, c := range n.Children {
		c.appendText(b)
	}
}

// suggestPrefix derives a prefix for a namespace that has none yet.
func suggestPrefix(space string) string {
	switch space {
	case ProcedoNS:
		return "procedo"
	case ModelNS:
		return "bpmn"
	case BPMNDINS:
		return "bpmndi"
	case DCNS:
		return "dc"
	case DINS:
		return "di"
	case XSINS:
		return "xsi"
	case XMLNS:
		return "xml"
	}
	return "ns"
}
