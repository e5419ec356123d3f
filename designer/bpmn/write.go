package bpmn

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Marshal returns the canonical XML of el: a whole document for
// *Definitions, a fragment for any other element.
func Marshal(el Element) ([]byte, error) {
	var b bytes.Buffer
	if err := Write(&b, el); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Write writes the canonical XML of el to out (see the package
// documentation for what canonical means).
func Write(out io.Writer, el Element) error {
	if el == nil || (reflect.ValueOf(el).Kind() == reflect.Pointer && reflect.ValueOf(el).IsNil()) {
		return fmt.Errorf("bpmn: Write of a nil element")
	}
	w := &writer{prefix: map[string]string{}, taken: map[string]bool{}}
	for _, p := range []string{"bpmn", "bpmndi", "dc", "di", "xsi", "xml", "xmlns"} {
		w.taken[p] = true
	}
	if d, ok := el.(*Definitions); ok {
		for _, ns := range d.Namespaces {
			w.declare(ns.URI, ns.Prefix)
		}
	}
	w.collect(el)
	w.b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	if n, ok := el.(*Node); ok {
		w.node(n, 0, true)
	} else {
		v := reflect.ValueOf(el).Elem()
		ti := getTypeInfo(v.Type())
		w.element(canonicalPrefix(ti.space)+":"+el.Kind(), v, ti, 0, true)
	}
	if w.err != nil {
		return w.err
	}
	_, err := out.Write(w.b.Bytes())
	return err
}

type writer struct {
	b      bytes.Buffer
	prefix map[string]string // vendor namespace URI → prefix
	taken  map[string]bool
	order  []Namespace
	err    error
}

// declare assigns a prefix to a vendor namespace, renaming on a clash.
func (w *writer) declare(uri, want string) {
	if uri == "" || canonicalPrefix(uri) != "" {
		return
	}
	if _, ok := w.prefix[uri]; ok {
		return
	}
	if want == "" {
		want = suggestPrefix(uri)
	}
	p := want
	for i := 1; w.taken[p]; i++ {
		p = want + strconv.Itoa(i)
	}
	w.prefix[uri] = p
	w.taken[p] = true
	w.order = append(w.order, Namespace{Prefix: p, URI: uri})
}

// collect declares every vendor namespace used in the tree.
func (w *writer) collect(root Element) {
	var node func(n *Node)
	node = func(n *Node) {
		if n.IsText() {
			return
		}
		w.declare(n.Space, n.Prefix)
		for _, a := range n.Attrs {
			w.declare(a.Space, a.Prefix)
		}
		for _, c := range n.Children {
			node(c)
		}
	}
	if n, ok := root.(*Node); ok {
		node(n)
		return
	}
	Walk(root, func(el, _ Element) bool {
		c := commonPtr(el)
		for _, a := range c.ExtAttrs {
			w.declare(a.Space, a.Prefix)
		}
		for _, n := range c.Foreign {
			node(n)
		}
		v := reflect.ValueOf(el).Elem()
		if ti := getTypeInfo(v.Type()); ti.any != nil {
			for _, n := range v.FieldByIndex(ti.any.index).Interface().([]*Node) {
				node(n)
			}
		}
		return true
	})
	sortNamespaces(w.order)
}

func (w *writer) qname(space, local string) string {
	if space == "" {
		return local
	}
	if p := canonicalPrefix(space); p != "" {
		return p + ":" + local
	}
	return w.prefix[space] + ":" + local
}

func (w *writer) indent(depth int) {
	if depth < 0 {
		return
	}
	for i := 0; i < depth; i++ {
		w.b.WriteString("  ")
	}
}

func (w *writer) newline(depth int) {
	if depth >= 0 {
		w.b.WriteByte('\n')
	}
}

func (w *writer) decls() {
	for _, s := range []string{XSINS, ModelNS, BPMNDINS, DCNS, DINS} {
		w.attr("xmlns:"+canonicalPrefix(s), s)
	}
	for _, ns := range w.order {
		w.attr("xmlns:"+ns.Prefix, ns.URI)
	}
}

func (w *writer) attr(name, value string) {
	w.b.WriteByte(' ')
	w.b.WriteString(name)
	w.b.WriteString(`="`)
	w.escape(value, true)
	w.b.WriteByte('"')
}

func (w *writer) extAttrs(attrs []Attr) {
	for _, a := range attrs {
		w.attr(w.qname(a.Space, a.Local), a.Value)
	}
}

// element writes a typed element. depth < 0 writes inline (inside mixed
// content, where added whitespace would change the text).
func (w *writer) element(name string, v reflect.Value, ti *typeInfo, depth int, root bool) {
	w.indent(depth)
	w.b.WriteByte('<')
	w.b.WriteString(name)
	if root {
		w.decls()
	}
	c := commonOf(v, ti)
	for _, f := range ti.attrs {
		fv := v.FieldByIndex(f.index)
		var s string
		switch f.atype {
		case attrString:
			s = fv.String()
			if s == "" && !slices.Contains(c.empty, f.local) {
				continue
			}
		case attrBoolPtr:
			if fv.IsNil() {
				continue
			}
			s = strconv.FormatBool(fv.Elem().Bool())
		case attrIntPtr:
			if fv.IsNil() {
				continue
			}
			s = strconv.FormatInt(fv.Elem().Int(), 10)
		case attrFloat:
			s = formatFloat(fv.Float())
		case attrFloatPtr:
			if fv.IsNil() {
				continue
			}
			s = formatFloat(fv.Elem().Float())
		}
		if f.xsi {
			w.attr("xsi:type", s)
		} else {
			w.attr(f.local, s)
		}
	}
	for _, a := range c.ExtAttrs {
		key := a.Local
		if a.Space == XSINS && a.Local == "type" {
			key = "xsi:type"
		} else if a.Space != "" {
			continue
		}
		if ti.attrMap[key] != nil && w.err == nil {
			w.err = fmt.Errorf("bpmn: <%s id=%q>: foreign attribute %q shadows a field of the element; set the field instead", name, c.ID, key)
		}
	}
	w.extAttrs(c.ExtAttrs)

	text := ""
	if ti.chardata != nil {
		text = v.FieldByIndex(ti.chardata.index).String()
	}
	if !w.hasContent(v, ti, c) && text == "" {
		w.b.WriteString("/>")
		w.newline(depth)
		return
	}
	w.b.WriteByte('>')
	inner := depth + 1
	if text != "" || depth < 0 {
		inner = -1
	} else {
		w.b.WriteByte('\n')
	}
	for _, f := range ti.children {
		fv := v.FieldByIndex(f.index)
		switch f.kind {
		case fieldText:
			qn := w.qname(f.space, f.local)
			if f.multi {
				for i := 0; i < fv.Len(); i++ {
					w.textElement(qn, fv.Index(i).String(), inner)
				}
			} else if s := fv.String(); s != "" {
				w.textElement(qn, s, inner)
			}
		case fieldChild:
			qn := w.qname(f.space, f.local)
			if f.multi {
				for i := 0; i < fv.Len(); i++ {
					w.child(qn, fv.Index(i), inner)
				}
			} else if !fv.IsNil() {
				w.child(qn, fv, inner)
			}
		case fieldGroup:
			if f.multi {
				for i := 0; i < fv.Len(); i++ {
					w.groupChild(fv.Index(i), inner)
				}
			} else if !fv.IsNil() {
				w.groupChild(fv, inner)
			}
		}
	}
	for _, n := range c.Foreign {
		w.node(n, inner, false)
	}
	if ti.any != nil {
		for _, n := range v.FieldByIndex(ti.any.index).Interface().([]*Node) {
			w.node(n, inner, false)
		}
	}
	if text != "" {
		w.escape(text, false)
	}
	if inner >= 0 {
		w.indent(depth)
	}
	w.b.WriteString("</")
	w.b.WriteString(name)
	w.b.WriteByte('>')
	w.newline(depth)
}

func (w *writer) hasContent(v reflect.Value, ti *typeInfo, c *Common) bool {
	if len(c.Foreign) > 0 {
		return true
	}
	if ti.any != nil && v.FieldByIndex(ti.any.index).Len() > 0 {
		return true
	}
	for _, f := range ti.children {
		fv := v.FieldByIndex(f.index)
		if f.multi {
			if fv.Len() > 0 {
				return true
			}
		} else if f.kind == fieldText {
			if fv.String() != "" {
				return true
			}
		} else if !fv.IsNil() {
			return true
		}
	}
	return false
}

func (w *writer) child(qn string, pv reflect.Value, depth int) {
	if pv.IsNil() {
		return
	}
	v := pv.Elem()
	w.element(qn, v, getTypeInfo(v.Type()), depth, false)
}

func (w *writer) groupChild(iv reflect.Value, depth int) {
	pv := elemPtr(iv)
	if !pv.IsValid() || pv.IsNil() {
		return
	}
	el := pv.Interface().(Element)
	v := pv.Elem()
	ti := getTypeInfo(v.Type())
	w.element(canonicalPrefix(ti.space)+":"+el.Kind(), v, ti, depth, false)
}

func (w *writer) textElement(qn, s string, depth int) {
	w.indent(depth)
	w.b.WriteByte('<')
	w.b.WriteString(qn)
	if s == "" {
		w.b.WriteString("/>")
	} else {
		w.b.WriteByte('>')
		w.escape(s, false)
		w.b.WriteString("</")
		w.b.WriteString(qn)
		w.b.WriteByte('>')
	}
	w.newline(depth)
}

// node writes a verbatim element. Elements with text children are written
// inline so that no whitespace is added to their content.
func (w *writer) node(n *Node, depth int, root bool) {
	if n.IsText() {
		w.escape(n.Text, false)
		return
	}
	qn := w.qname(n.Space, n.Local)
	w.indent(depth)
	w.b.WriteByte('<')
	w.b.WriteString(qn)
	if root {
		w.decls()
	}
	w.extAttrs(n.Attrs)
	if len(n.Children) == 0 {
		w.b.WriteString("/>")
		w.newline(depth)
		return
	}
	w.b.WriteByte('>')
	inner := depth + 1
	if depth < 0 {
		inner = -1
	}
	for _, c := range n.Children {
		if c.IsText() {
			inner = -1
			break
		}
	}
	if inner >= 0 {
		w.b.WriteByte('\n')
	}
	for _, c := range n.Children {
		w.node(c, inner, false)
	}
	if inner >= 0 {
		w.indent(depth)
	}
	w.b.WriteString("</")
	w.b.WriteString(qn)
	w.b.WriteByte('>')
	w.newline(depth)
}

func formatFloat(x float64) string {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// escape writes s as XML text or attribute content, so that a parser reads
// back exactly s.
func (w *writer) escape(s string, attr bool) {
	last := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		var esc string
		switch r {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\r':
			esc = "&#xD;"
		case '"':
			if attr {
				esc = "&quot;"
			}
		case '\n':
			if attr {
				esc = "&#xA;"
			}
		case '\t':
			if attr {
				esc = "&#x9;"
			}
		default:
			if (r == utf8.RuneError && size == 1) || !isXMLChar(r) {
				if w.err == nil {
					w.err = fmt.Errorf("bpmn: cannot write %q: character %U is not allowed in XML", s, r)
				}
			}
		}
		if esc != "" {
			w.b.WriteString(s[last:i])
			w.b.WriteString(esc)
			last = i + size
		}
		i += size
	}
	w.b.WriteString(s[last:])
}

// isXMLChar is the Char production of XML 1.0 §2.2.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
