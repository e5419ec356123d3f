package bpmn

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Parse reads a BPMN 2.0 document whose root is <definitions>. name is
// used in error messages (usually the file name).
//
// When the document is well formed and every element is in its place but
// the model is inconsistent (duplicate ids, dangling references, a
// BPMNShape without bpmnElement), Parse returns the model and an
// ErrorList together; otherwise a non-nil error comes with a nil model.
func Parse(name string, r io.Reader) (*Definitions, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, &ParseError{File: name, Code: CodeNotXML, Msg: "cannot read: " + err.Error(), Err: err}
	}
	return ParseBytes(name, data)
}

// ParseFile reads the BPMN 2.0 document at path (see Parse).
func ParseFile(path string) (*Definitions, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &ParseError{File: path, Code: CodeNotXML, Msg: "cannot read: " + err.Error(), Err: err}
	}
	return ParseBytes(path, data)
}

// ParseBytes reads a BPMN 2.0 document from memory (see Parse).
func ParseBytes(name string, data []byte) (*Definitions, error) {
	p := newParser(name, data)
	root, err := p.document(true)
	if err != nil {
		return nil, err
	}
	defs := root.(*Definitions)
	if errs := defs.check(name); len(errs) > 0 {
		return defs, errs
	}
	return defs, nil
}

// ParseFragment reads a document whose root is any single element: a BPMN
// or DI element gives its typed value (*Process, *UserTask, *Shape, ...),
// a foreign element a *Node. References are not checked, since they may
// point outside the fragment.
func ParseFragment(name string, data []byte) (Element, error) {
	p := newParser(name, data)
	return p.document(false)
}

// maxDepth bounds the nesting of elements, so that a hostile document
// cannot exhaust the stack of the recursive decoder. Real models nest a
// few dozen levels.
const maxDepth = 5000

type nsDecl struct{ prefix, uri string }

type parser struct {
	file     string
	data     []byte
	d        *xml.Decoder
	pos      Pos
	off      int64 // byte offset of the token at pos
	recoded  bool  // the input was converted from a single-byte encoding
	utf16    bool  // the input was UTF-16 and is converted to UTF-8
	ns       []nsDecl
	depth    int // open elements
	errs     ErrorList
	prefixes map[string]string // namespace URI → document-wide prefix
	taken    map[string]bool   // prefixes in use
	order    []string          // namespace URIs in order of registration
}

// charsetReader decodes the single-byte encodings whose code points are
// Unicode's first 256 (ISO-8859-1, declared by several MIWG reference
// files) and rejects every other: windows-1252 differs from ISO-8859-1 in
// 0x80–0x9F, and guessing would corrupt names.
func charsetReader(charset string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(charset) {
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso_8859-1", "us-ascii", "ascii":
		return &latin1Reader{r: r}, nil
	}
	return nil, &encodingError{charset}
}

type latin1Reader struct {
	r   io.Reader
	buf []byte
	out []byte
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	for len(l.out) == 0 {
		if cap(l.buf) == 0 {
			l.buf = make([]byte, 4096)
		}
		n, err := l.r.Read(l.buf[:cap(l.buf)])
		for _, c := range l.buf[:n] {
			l.out = utf8.AppendRune(l.out, rune(c))
		}
		if n == 0 && err != nil {
			return 0, err
		}
	}
	n := copy(p, l.out)
	l.out = l.out[n:]
	return n, nil
}

type encodingError struct{ charset string }

func (e *encodingError) Error() string {
	return fmt.Sprintf("encoding %q is not supported: BPMN files must be UTF-8", e.charset)
}

func newParser(name string, data []byte) *parser {
	p := &parser{
		file:     name,
		data:     data,
		prefixes: map[string]string{},
		taken:    map[string]bool{"bpmn": true, "bpmndi": true, "dc": true, "di": true, "xsi": true, "xml": true, "xmlns": true},
	}
	// A byte order mark is not content (XML 1.0 §4.3.3). UTF-16 input,
	// which some Windows tools write, is converted to UTF-8 up front.
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		data = data[3:]
	case bytes.HasPrefix(data, []byte("\xff\xfe")), bytes.HasPrefix(data, []byte("\xfe\xff")):
		data = utf16ToUTF8(data)
		p.utf16 = true
	}
	p.data = data
	p.d = xml.NewDecoder(bytes.NewReader(data))
	p.d.Strict = true
	p.d.CharsetReader = func(charset string, r io.Reader) (io.Reader, error) {
		if p.utf16 && strings.HasPrefix(strings.ToLower(charset), "utf-16") {
			return r, nil // already converted
		}
		p.recoded = true
		return charsetReader(charset, r)
	}

	return p
}

func (p *parser) errAt(pos Pos, code, msg string) *ParseError {
	return &ParseError{File: p.file, Line: pos.Line, Col: pos.Col, Code: code, Msg: msg}
}

// report records a problem that does not stop parsing.
func (p *parser) report(pos Pos, code, format string, args ...any) {
	p.errs = append(p.errs, p.errAt(pos, code, fmt.Sprintf(format, args...)))
}

// next returns the next token and records in p.pos where it starts.
func (p *parser) next() (xml.Token, error) {
	line, col := p.d.InputPos()
	p.pos = Pos{line, col}
	p.off = p.d.InputOffset()
	tok, err := p.d.RawToken()
	if err != nil {
		return nil, p.syntaxError(err)
	}
	switch tok.(type) {
	case xml.StartElement:
		if p.depth++; p.depth > maxDepth {
			return nil, p.errAt(p.pos, CodeSyntax, fmt.Sprintf("elements nested more than %d deep", maxDepth))
		}
	case xml.EndElement:
		p.depth--
	}
	return tok, nil
}

func (p *parser) syntaxError(err error) error {
	if err == io.EOF {
		return err
	}
	line, col := p.d.InputPos()
	var ee *encodingError
	if errors.As(err, &ee) {
		return &ParseError{File: p.file, Line: line, Col: col, Code: CodeEncoding, Msg: ee.Error(), Err: err}
	}
	msg := err.Error()
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		msg = se.Msg
	}
	msg = strings.TrimPrefix(msg, "xml: ")
	return &ParseError{File: p.file, Line: line, Col: col, Code: CodeSyntax, Msg: "XML syntax error: " + msg, Err: err}
}

// sniff rejects data that cannot be XML before the decoder tries, so that
// a PNG or a text file gets a clear message at 1:1.
func (p *parser) sniff() error {
	data := p.data
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '<' {
		return nil
	}
	line := 1 + bytes.Count(data[:len(data)-len(trimmed)], []byte("\n"))
	if len(trimmed) == 0 {
		return p.errAt(Pos{line, 1}, CodeNotXML, "not an XML document: the file is empty")
	}
	head := trimmed[:min(len(trimmed), 16)]
	if !utf8.Valid(head) || bytes.ContainsAny(head, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x1a\x1b") {
		return p.errAt(Pos{line, 1}, CodeNotXML, fmt.Sprintf("not an XML document: binary data (starts with bytes % x)", head[:min(len(head), 8)]))
	}
	return p.errAt(Pos{line, 1}, CodeNotXML, fmt.Sprintf("not an XML document: expected '<', found %q", firstLine(trimmed)))
}

func firstLine(b []byte) string {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	if len(b) > 40 {
		b = b[:40]
	}
	return strings.TrimSpace(string(b))
}

// document reads the prolog, the root element and the epilog.
func (p *parser) document(full bool) (Element, error) {
	if err := p.sniff(); err != nil {
		return nil, err
	}
	var root Element
	for {
		tok, err := p.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, p.errAt(p.pos, CodeNotXML, fmt.Sprintf("text %q outside the root element", firstLine(bytes.TrimSpace(t))))
			}
		case xml.StartElement:
			if root != nil {
				return nil, p.errAt(p.pos, CodeSyntax, fmt.Sprintf("second root element <%s>: a document has one root", rawName(t.Name)))
			}
			root, err = p.root(t, full)
			if err != nil {
				return nil, err
			}
		case xml.EndElement:
			return nil, p.errAt(p.pos, CodeSyntax, fmt.Sprintf("unexpected end tag </%s>", rawName(t.Name)))
		}
	}
	if root == nil {
		return nil, p.errAt(p.pos, CodeNotXML, "not an XML document: no root element")
	}
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	if d, ok := root.(*Definitions); ok {
		d.Namespaces = p.namespaces()
	}
	return root, nil
}

func (p *parser) root(start xml.StartElement, full bool) (Element, error) {
	pos := p.pos
	mark, err := p.pushNS(start, pos)
	if err != nil {
		return nil, err
	}
	defer func() { p.ns = p.ns[:mark] }()
	// Register the root's vendor declarations first, in document order:
	// they keep their prefixes, later ones give way on a clash.
	for _, d := range p.ns {
		if canonicalPrefix(d.uri) == "" {
			p.prefixFor(d.uri, d.prefix)
		}
	}
	space, ok := p.resolve(start.Name.Space, true)
	if !ok {
		return nil, p.errAt(pos, CodeNamespace, fmt.Sprintf("undeclared namespace prefix %q in <%s>", start.Name.Space, rawName(start.Name)))
	}
	if full {
		if space != ModelNS {
			what := fmt.Sprintf("namespace %q", space)
			if space == "" {
				what = "no namespace"
			}
			return nil, p.errAt(pos, CodeNamespace, fmt.Sprintf("not a BPMN 2.0 document: root element <%s> is in %s, want %s", rawName(start.Name), what, ModelNS))
		}
		if start.Name.Local != "definitions" {
			return nil, p.errAt(pos, CodeMisplaced, fmt.Sprintf("root element is <%s>, want <definitions> (a fragment needs ParseFragment)", rawName(start.Name)))
		}
	}
	var t reflect.Type
	if isStandard(space) {
		t = registryType(space, start.Name.Local)
		if t == nil {
			if space == ModelNS && unmodelled[start.Name.Local] {
				return p.node(start, pos, space)
			}
			return nil, p.errAt(pos, CodeUnknown, fmt.Sprintf("unknown element <%s> in namespace %s", rawName(start.Name), space))
		}
	} else {
		if space == "" {
			return nil, p.errAt(pos, CodeNamespace, fmt.Sprintf("root element <%s> is in no namespace", rawName(start.Name)))
		}
		return p.node(start, pos, space)
	}
	v := reflect.New(t)
	if err := p.decodeStruct(start, pos, v.Elem(), getTypeInfo(t)); err != nil {
		return nil, err
	}
	el := v.Interface().(Element)
	if g, ok := el.(*GlobalTask); ok {
		g.kind = start.Name.Local
	}
	return el, nil
}

func registryType(space, local string) reflect.Type {
	initRegistry()
	return registry[nameKey{space, local}]
}

func isStandard(space string) bool {
	return space == ModelNS || space == BPMNDINS || space == DCNS || space == DINS
}

func rawName(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// pushNS records the namespace declarations of an element and checks its
// attributes for repetitions. It returns the stack mark to restore.
func (p *parser) pushNS(start xml.StartElement, pos Pos) (int, error) {
	mark := len(p.ns)
	for i, a := range start.Attr {
		for _, b := range start.Attr[:i] {
			if a.Name == b.Name {
				return 0, p.errAt(p.attrPos(pos, a.Name, 2), CodeSyntax, fmt.Sprintf("attribute %q repeated in <%s>", rawName(a.Name), rawName(start.Name)))
			}
		}
		switch {
		case a.Name.Space == "xmlns":
			if a.Value == "" {
				return 0, p.errAt(pos, CodeNamespace, fmt.Sprintf("namespace prefix %q declared with an empty URI in <%s>", a.Name.Local, rawName(start.Name)))
			}
			p.ns = append(p.ns, nsDecl{a.Name.Local, a.Value})
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			p.ns = append(p.ns, nsDecl{"", a.Value})
		}
	}
	return mark, nil
}

// resolve maps a prefix to its namespace URI. For elements the empty
// prefix means the default namespace; for attributes, no namespace.
func (p *parser) resolve(prefix string, element bool) (string, bool) {
	if prefix == "" && !element {
		return "", true
	}
	if prefix == "xml" {
		return XMLNS, true
	}
	for i := len(p.ns) - 1; i >= 0; i-- {
		if p.ns[i].prefix == prefix {
			return p.ns[i].uri, true
		}
	}
	if prefix == "" {
		return "", true
	}
	return "", false
}

// prefixFor returns the document-wide prefix of a namespace: canonical for
// the standard ones, else the first prefix it was declared with, made
// unique.
func (p *parser) prefixFor(uri, declared string) string {
	if c := canonicalPrefix(uri); c != "" {
		return c
	}
	if pr, ok := p.prefixes[uri]; ok {
		return pr
	}
	want := declared
	if want == "" || strings.HasPrefix(strings.ToLower(want), "xml") {
		want = suggestPrefix(uri)
	}
	pr := want
	for i := 1; p.taken[pr]; i++ {
		pr = want + strconv.Itoa(i)
	}
	p.prefixes[uri] = pr
	p.taken[pr] = true
	p.order = append(p.order, uri)
	return pr
}

// namespaces lists the vendor namespaces of the document, sorted by prefix.
func (p *parser) namespaces() []Namespace {
	out := make([]Namespace, 0, len(p.order))
	for _, uri := range p.order {
		out = append(out, Namespace{Prefix: p.prefixes[uri], URI: uri})
	}
	sortNamespaces(out)
	return out
}

func sortNamespaces(ns []Namespace) {
	for i := 1; i < len(ns); i++ {
		for j := i; j > 0 && ns[j].Prefix < ns[j-1].Prefix; j-- {
			ns[j], ns[j-1] = ns[j-1], ns[j]
		}
	}
}

// qnameValue normalises the prefix of a QName-valued attribute (xsi:type).
func (p *parser) qnameValue(v string) string {
	prefix, local, ok := strings.Cut(v, ":")
	if !ok {
		prefix, local = "", v
	}
	uri, found := p.resolve(prefix, true)
	if !found || uri == "" {
		return v
	}
	return p.prefixFor(uri, prefix) + ":" + local
}

// foreignAttr builds the Attr of an attribute that is not a field.
func (p *parser) foreignAttr(a xml.Attr, pos Pos, elem xml.Name) (Attr, bool) {
	space, ok := p.resolve(a.Name.Space, false)
	if !ok {
		p.report(p.attrPos(pos, a.Name, 1), CodeNamespace, "undeclared namespace prefix %q in attribute %s of <%s>", a.Name.Space, rawName(a.Name), rawName(elem))
		return Attr{}, false
	}
	if space == "" {
		return Attr{Local: a.Name.Local, Value: a.Value}, true
	}
	value := a.Value
	if space == XSINS && a.Name.Local == "type" {
		value = p.qnameValue(value)
	}
	return Attr{Space: space, Local: a.Name.Local, Prefix: p.prefixFor(space, a.Name.Space), Value: value}, true
}

func isDecl(a xml.Attr) bool {
	return a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns")
}

// decodeStruct fills v (a struct of type ti.typ) from the element start.
func (p *parser) decodeStruct(start xml.StartElement, pos Pos, v reflect.Value, ti *typeInfo) error {
	c := commonOf(v, ti)
	c.Pos = pos
	for _, a := range start.Attr {
		if isDecl(a) {
			continue
		}
		var f *fieldInfo
		switch a.Name.Space {
		case "":
			f = ti.attrMap[a.Name.Local]
		default:
			if a.Name.Local == "type" && ti.attrMap["xsi:type"] != nil {
				if uri, _ := p.resolve(a.Name.Space, false); uri == XSINS {
					f = ti.attrMap["xsi:type"]
				}
			}
		}
		if f == nil {
			if attr, ok := p.foreignAttr(a, pos, start.Name); ok {
				c.ExtAttrs = append(c.ExtAttrs, attr)
			}
			continue
		}
		value := a.Value
		if f.xsi {
			value = p.qnameValue(value)
		}
		if value == "" && f.atype == attrString {
			c.empty = append(c.empty, f.local)
		}
		if err := setAttrField(v.FieldByIndex(f.index), f, value); err != nil {
			p.report(p.attrPos(pos, a.Name, 1), CodeValue, "attribute %s of <%s>: %v", rawName(a.Name), rawName(start.Name), err)
		}
	}
	var text []byte
	for {
		tok, err := p.next()
		if err == io.EOF {
			return p.errAt(pos, CodeSyntax, fmt.Sprintf("unexpected end of file: <%s> is not closed", rawName(start.Name)))
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if ti.chardata != nil {
				text = append(text, t...)
			} else if len(bytes.TrimSpace(t)) > 0 {
				p.report(p.pos, CodeMisplaced, "text %q is not allowed in <%s>", firstLine(bytes.TrimSpace(t)), rawName(start.Name))
			}
		case xml.StartElement:
			if err := p.child(t, v, ti, start, c); err != nil {
				return err
			}
		case xml.EndElement:
			if t.Name != start.Name {
				return p.errAt(p.pos, CodeSyntax, fmt.Sprintf("element <%s> closed by </%s>", rawName(start.Name), rawName(t.Name)))
			}
			if ti.chardata != nil {
				v.FieldByIndex(ti.chardata.index).SetString(string(text))
			}
			return nil
		}
	}
}

// child reads one child element of a struct element.
func (p *parser) child(t xml.StartElement, v reflect.Value, ti *typeInfo, parent xml.StartElement, c *Common) error {
	pos := p.pos
	mark, err := p.pushNS(t, pos)
	if err != nil {
		return err
	}
	defer func() { p.ns = p.ns[:mark] }()
	space, ok := p.resolve(t.Name.Space, true)
	if !ok {
		p.report(pos, CodeNamespace, "undeclared namespace prefix %q in <%s>", t.Name.Space, rawName(t.Name))
		return p.skip(t)
	}
	if ti.any != nil {
		n, err := p.node(t, pos, space)
		if err != nil {
			return err
		}
		f := v.FieldByIndex(ti.any.index)
		f.Set(reflect.Append(f, reflect.ValueOf(n)))
		return nil
	}
	if space == "" {
		p.report(pos, CodeNamespace, "element <%s> in <%s> is in no namespace: declare the BPMN namespace or a vendor namespace for it", rawName(t.Name), rawName(parent.Name))
		return p.skip(t)
	}
	if !isStandard(space) {
		n, err := p.node(t, pos, space)
		if err != nil {
			return err
		}
		c.Foreign = append(c.Foreign, n)
		return nil
	}
	m, ok := ti.childMap[nameKey{space, t.Name.Local}]
	if !ok && space == ModelNS && abstractHeads[t.Name.Local] {
		// <eventDefinition xsi:type="bpmn:tTimerEventDefinition"/>: the
		// head of a substitution group typed with xsi:type (XML Schema
		// §2.6.1) stands for the concrete element.
		if concrete, rest, found := p.xsiConcrete(t); found {
			if cm, ok2 := ti.childMap[nameKey{ModelNS, concrete}]; ok2 {
				m, ok = cm, true
				t = xml.StartElement{Name: t.Name, Attr: rest}
			}
		}
	}
	if !ok {
		switch {
		case space == ModelNS && unmodelled[t.Name.Local]:
			n, err := p.node(t, pos, space)
			if err != nil {
				return err
			}
			c.Foreign = append(c.Foreign, n)
			return nil
		case space == ModelNS && abstractHeads[t.Name.Local]:
			p.report(pos, CodeUnknown, "abstract element <%s> in <%s> needs an xsi:type naming a concrete element allowed there", rawName(t.Name), rawName(parent.Name))
		case isKnownName(space, t.Name.Local):
			p.report(pos, CodeMisplaced, "element <%s> is not allowed in <%s>%s", rawName(t.Name), rawName(parent.Name), allowedIn(space, t.Name.Local))
		default:
			p.report(pos, CodeUnknown, "unknown element <%s> in <%s>: %s has no element %q", rawName(t.Name), rawName(parent.Name), space, t.Name.Local)
		}
		return p.skip(t)
	}
	f := v.FieldByIndex(m.field.index)
	switch m.field.kind {
	case fieldText:
		s, err := p.textOnly(t, pos)
		if err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if m.field.multi {
			f.Set(reflect.Append(f, reflect.ValueOf(s)))
		} else if f.String() != "" {
			p.report(pos, CodeValue, "more than one <%s> in <%s>", rawName(t.Name), rawName(parent.Name))
		} else {
			f.SetString(s)
		}
		return nil
	}
	if !m.field.multi && !f.IsNil() {
		p.report(pos, CodeValue, "more than one <%s> in <%s>", rawName(t.Name), rawName(parent.Name))
		return p.skip(t)
	}
	nv := reflect.New(m.typ)
	if err := p.decodeStruct(t, pos, nv.Elem(), getTypeInfo(m.typ)); err != nil {
		return err
	}
	if g, ok := nv.Interface().(*GlobalTask); ok {
		g.kind = t.Name.Local
	}
	if m.field.multi {
		f.Set(reflect.Append(f, nv))
	} else {
		f.Set(nv)
	}
	return nil
}

// textOnly reads the text content of an element that may hold no
// children (incoming, flowNodeRef, sourceRef ...).
func (p *parser) textOnly(start xml.StartElement, pos Pos) (string, error) {
	var b []byte
	for {
		tok, err := p.next()
		if err == io.EOF {
			return "", p.errAt(pos, CodeSyntax, fmt.Sprintf("unexpected end of file: <%s> is not closed", rawName(start.Name)))
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			b = append(b, t...)
		case xml.StartElement:
			p.report(p.pos, CodeMisplaced, "element <%s> is not allowed in <%s>, which holds text only", rawName(t.Name), rawName(start.Name))
			if err := p.skip(t); err != nil {
				return "", err
			}
		case xml.EndElement:
			if t.Name != start.Name {
				return "", p.errAt(p.pos, CodeSyntax, fmt.Sprintf("element <%s> closed by </%s>", rawName(start.Name), rawName(t.Name)))
			}
			return string(b), nil
		}
	}
}

// skip consumes the rest of an element already reported as a problem.
func (p *parser) skip(start xml.StartElement) error {
	pos := p.pos
	depth := 1
	stack := []xml.Name{start.Name}
	for depth > 0 {
		tok, err := p.next()
		if err == io.EOF {
			return p.errAt(pos, CodeSyntax, fmt.Sprintf("unexpected end of file: <%s> is not closed", rawName(start.Name)))
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			stack = append(stack, t.Name)
		case xml.EndElement:
			if t.Name != stack[len(stack)-1] {
				return p.errAt(p.pos, CodeSyntax, fmt.Sprintf("element <%s> closed by </%s>", rawName(stack[len(stack)-1]), rawName(t.Name)))
			}
			stack = stack[:len(stack)-1]
			depth--
		}
	}
	return nil
}

// node reads an element verbatim. The namespace declarations of start are
// already pushed by the caller (or by root).
func (p *parser) node(start xml.StartElement, pos Pos, space string) (*Node, error) {
	n := &Node{Space: space, Local: start.Name.Local, Pos: pos}
	if space != "" {
		n.Prefix = p.prefixFor(space, start.Name.Space)
	}
	for _, a := range start.Attr {
		if isDecl(a) {
			continue
		}
		if attr, ok := p.foreignAttr(a, pos, start.Name); ok {
			n.Attrs = append(n.Attrs, attr)
		}
	}
	var text []byte
	hasText, hasElem := false, false
	flush := func() {
		if len(text) > 0 {
			n.Children = append(n.Children, &Node{Text: string(text)})
			text = text[:0]
		}
	}
	for {
		tok, err := p.next()
		if err == io.EOF {
			return nil, p.errAt(pos, CodeSyntax, fmt.Sprintf("unexpected end of file: <%s> is not closed", rawName(start.Name)))
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			text = append(text, t...)
			if len(bytes.TrimSpace(t)) > 0 {
				hasText = true
			}
		case xml.StartElement:
			flush()
			hasElem = true
			cpos := p.pos
			mark, err := p.pushNS(t, cpos)
			if err != nil {
				return nil, err
			}
			cspace, ok := p.resolve(t.Name.Space, true)
			if !ok {
				p.report(cpos, CodeNamespace, "undeclared namespace prefix %q in <%s>", t.Name.Space, rawName(t.Name))
				if err := p.skip(t); err != nil {
					return nil, err
				}
				p.ns = p.ns[:mark]
				continue
			}
			child, err := p.node(t, cpos, cspace)
			p.ns = p.ns[:mark]
			if err != nil {
				return nil, err
			}
			n.Children = append(n.Children, child)
		case xml.EndElement:
			if t.Name != start.Name {
				return nil, p.errAt(p.pos, CodeSyntax, fmt.Sprintf("element <%s> closed by </%s>", rawName(start.Name), rawName(t.Name)))
			}
			flush()
			if hasElem && !hasText {
				// Indentation between child elements is not content.
				kept := n.Children[:0]
				for _, c := range n.Children {
					if !c.IsText() {
						kept = append(kept, c)
					}
				}
				n.Children = kept
			}
			return n, nil
		}
	}
}

func setAttrField(f reflect.Value, fi *fieldInfo, value string) error {
	switch fi.atype {
	case attrString:
		f.SetString(value)
	case attrBoolPtr:
		b, err := parseBool(value)
		if err != nil {
			return err
		}
		f.Set(reflect.ValueOf(&b))
	case attrIntPtr:
		i, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil {
			return fmt.Errorf("%q is not an integer", value)
		}
		f.Set(reflect.ValueOf(&i))
	case attrFloat, attrFloatPtr:
		x, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", value)
		}
		if fi.atype == attrFloat {
			f.SetFloat(x)
		} else {
			f.Set(reflect.ValueOf(&x))
		}
	}
	return nil
}

// parseBool accepts the lexical forms of xsd:boolean.
func parseBool(s string) (bool, error) {
	switch strings.TrimSpace(s) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean (true or false)", s)
}

// abstractHeads are the abstract elements of Semantic.xsd that heads a
// substitution group.
var abstractHeads = map[string]bool{
	"rootElement": true, "flowElement": true, "flowNode": true, "eventDefinition": true,
	"artifact": true, "loopCharacteristics": true, "resourceRole": true, "activity": true,
	"event": true, "gateway": true, "baseElement": true, "callableElement": true,
}

// xsiConcrete returns the element name an xsi:type designates
// ("bpmn:tTimerEventDefinition" → "timerEventDefinition") and the
// attributes without xsi:type.
func (p *parser) xsiConcrete(t xml.StartElement) (string, []xml.Attr, bool) {
	for i, a := range t.Attr {
		if a.Name.Local != "type" || a.Name.Space == "" {
			continue
		}
		if uri, _ := p.resolve(a.Name.Space, false); uri != XSINS {
			continue
		}
		prefix, local, ok := strings.Cut(a.Value, ":")
		if !ok {
			prefix, local = "", a.Value
		}
		if uri, found := p.resolve(prefix, true); !found || uri != ModelNS || len(local) < 2 || local[0] != 't' {
			return "", nil, false
		}
		rest := append(append([]xml.Attr(nil), t.Attr[:i]...), t.Attr[i+1:]...)
		return strings.ToLower(local[1:2]) + local[2:], rest, true
	}
	return "", nil, false
}

// attrPos finds the nth occurrence of an attribute in the start tag that
// begins at p.off (the current token), for a precise error position. It
// falls back to the element's position when the input was recoded (the
// offsets then refer to the converted text) or the name is not found.
func (p *parser) attrPos(elem Pos, name xml.Name, nth int) Pos {
	if p.recoded || p.off < 0 || p.off >= int64(len(p.data)) {
		return elem
	}
	raw := []byte(rawName(name))
	data := p.data[p.off:]
	var quote byte
	for i := 1; i < len(data); i++ {
		c := data[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
			continue
		case c == '"' || c == '\'':
			quote = c
			continue
		case c == '>':
			return elem
		}
		if !isSpace(data[i-1]) || !bytes.HasPrefix(data[i:], raw) {
			continue
		}
		j := i + len(raw)
		for j < len(data) && isSpace(data[j]) {
			j++
		}
		if j >= len(data) || data[j] != '=' {
			continue
		}
		if nth--; nth > 0 {
			continue
		}
		before := data[:i]
		if nl := bytes.LastIndexByte(before, '\n'); nl >= 0 {
			return Pos{elem.Line + bytes.Count(before, []byte("\n")), i - nl}
		}
		return Pos{elem.Line, elem.Col + i}
	}
	return elem
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// utf16ToUTF8 converts UTF-16 text with a byte order mark to UTF-8. An odd
// trailing byte or an unpaired surrogate becomes U+FFFD.
func utf16ToUTF8(data []byte) []byte {
	be := data[0] == 0xfe
	data = data[2:]
	units := make([]uint16, 0, len(data)/2)
	for i := 0; i+1 < len(data); i += 2 {
		if be {
			units = append(units, uint16(data[i])<<8|uint16(data[i+1]))
		} else {
			units = append(units, uint16(data[i+1])<<8|uint16(data[i]))
		}
	}
	out := make([]byte, 0, len(data))
	for _, r := range utf16.Decode(units) {
		out = utf8.AppendRune(out, r)
	}
	if len(data)%2 == 1 {
		out = utf8.AppendRune(out, utf8.RuneError)
	}
	return out
}
