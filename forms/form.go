package forms

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/procedo/procedo/forms/format"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Source is a named JSON document: a schema or a UI schema. Name appears in
// error messages (a file name, or a bundle path such as
// "forms/domanda.schema.json").
type Source struct {
	Name string
	Data []byte
}

// Options tune Compile. The zero value means: Italian messages, the real
// clock, a default layout when there is no UI schema.
type Options struct {
	// Lang is the language of messages and labels; default Italian.
	Lang Lang
	// Now is the clock for dates relative to today; default time.Now.
	Now func() time.Time
}

// Form is a compiled form: the validator of its JSON Schema and the layout
// of its UI schema (or the default layout). A Form is safe for concurrent
// use.
type Form struct {
	lang     Lang
	schema   *jsonschema.Schema
	root     *node
	layout   *Element
	steps    []*Element
	controls []*Element // every control, in layout order
	rules    []*Rule
	// layoutErr is set when the schema has constructs the renderer does
	// not support and no UI schema was given; validation still works.
	layoutErr error
	labels    map[string]string // data pointer pattern ("*" for indexes) → label
	order     map[string]int    // data pointer pattern → position in the layout
	title     string
	now       func() time.Time
	hasRules  bool
	// visRules and visibility precompute which SHOW/HIDE rules sit above
	// which controls, so Hidden evaluates each rule once.
	visRules   []*Rule
	visibility []controlRules
	ptrTokens  map[string][]string // control pointer → tokens, for prune
	// variants are the schema compiled without the "required" of the
	// controls a set of rules hides, keyed by that set (see variant.go).
	rawSchema any
	opts      Options
	variants  variantCache
	// hiddenSets maps rule outcomes to hidden controls and variant.
	hiddenSets hiddenCache
}

// SchemaError is a broken schema or UI schema: it says which document,
// where in it (line and column, and the JSON pointer) and what is wrong.
type SchemaError struct {
	Source  string // document name
	Line    int    // 1-based; 0 when unknown
	Column  int    // 1-based; 0 when unknown
	Pointer string // JSON pointer inside the document, "" for the root
	Message string
	Err     error // underlying error, if any
}

func (e *SchemaError) Error() string {
	var b strings.Builder
	b.WriteString(e.Source)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
	}
	if e.Pointer != "" {
		fmt.Fprintf(&b, " (at %s)", e.Pointer)
	}
	b.WriteString(": ")
	b.WriteString(e.Message)
	return b.String()
}

func (e *SchemaError) Unwrap() error { return e.Err }

// ErrSchema matches every *SchemaError with errors.Is.
var ErrSchema = errors.New("broken schema")

// Is makes errors.Is(err, ErrSchema) hold.
func (e *SchemaError) Is(target error) bool { return target == ErrSchema }

type parsedDoc struct {
	src   Source
	value any
	index *jsonIndex
}

func parseDoc(src Source) (*parsedDoc, error) {
	if src.Name == "" {
		src.Name = "schema"
	}
	dec := json.NewDecoder(bytes.NewReader(src.Data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		se := &SchemaError{Source: src.Name, Message: "not valid JSON: " + err.Error(), Err: err}
		if pos, ok := jsonSyntaxPosition(src.Data, err); ok {
			se.Line, se.Column = pos.line, pos.col
		}
		return nil, se
	}
	idx, err := indexJSON(src.Data)
	if err != nil {
		pos, _ := jsonSyntaxPosition(src.Data, err)
		return nil, &SchemaError{Source: src.Name, Line: pos.line, Column: pos.col, Message: "not valid JSON: " + err.Error(), Err: err}
	}
	return &parsedDoc{src: src, value: v, index: idx}, nil
}

func (d *parsedDoc) errorAt(ptr, msg string, err error) *SchemaError {
	pos := d.index.position(d.src.Data, ptr)
	return &SchemaError{Source: d.src.Name, Line: pos.line, Column: pos.col, Pointer: ptr, Message: msg, Err: err}
}

// schemaURL is the base URL of the compiled schema: a fixed, non-file URL
// so that no $ref can make the compiler read the local disk.
const schemaURL = "https://procedo.dev/forms/schema.json"

type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("%s: remote references are not allowed; a form schema must be self-contained", url)
}

// Compile compiles a JSON Schema (2020-12 unless its $schema says
// otherwise) and an optional UI schema (ui.Data nil: default layout).
// Errors are *SchemaError.
func Compile(schema Source, ui Source, opts Options) (*Form, error) {
	if opts.Lang == "" {
		opts.Lang = Italian
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	sd, err := parseDoc(schema)
	if err != nil {
		return nil, err
	}
	c, err := newCompiler(opts)
	if err != nil {
		return nil, err
	}
	if err := c.AddResource(schemaURL, sd.value); err != nil {
		return nil, sd.errorAt("", err.Error(), err)
	}
	compiled, err := c.Compile(schemaURL)
	if err != nil {
		return nil, compileError(sd, err)
	}
	optimizeIntegers(compiled, sd.value)
	f := &Form{lang: opts.Lang, schema: compiled, now: opts.Now, rawSchema: sd.value, opts: opts}
	m := &schemaModel{doc: sd.value, index: sd.index}
	f.root = m.build(sd.value, "", map[string]bool{})
	if obj, ok := sd.value.(map[string]any); ok {
		f.title, _ = obj["title"].(string)
	}
	if ui.Data == nil {
		f.layout, f.layoutErr = defaultLayout(f.root)
	} else {
		if ui.Name == "" {
			ui.Name = "ui schema"
		}
		ud, err := parseDoc(ui)
		if err != nil {
			return nil, err
		}
		b := &uiBuilder{doc: ud, root: f.root, compiler: c, lang: opts.Lang}
		f.layout, err = b.element(ud.value, "", true)
		if err != nil {
			return nil, err
		}
		if len(b.ruleSchemas) > 0 {
			if err := b.compileRules(); err != nil {
				return nil, err
			}
		}
	}
	if f.layout != nil {
		f.index()
	}
	return f, nil
}

// newCompiler returns a compiler set up as every form needs: 2020-12 by
// default, no remote references, formats asserted (Italian ones
// included), the dates vocabulary.
func newCompiler(opts Options) (*jsonschema.Compiler, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseLoader(noLoader{})
	c.UseRegexpEngine(compileRegexp)
	c.AssertFormat()
	c.AssertVocabs()
	for _, f := range format.Formats() {
		c.RegisterFormat(f)
	}
	vocab, err := datesVocabulary(opts.Now)
	if err != nil {
		return nil, err
	}
	c.RegisterVocabulary(vocab)
	return c, nil
}

// compileError turns a compiler error into a *SchemaError with a place.
func compileError(sd *parsedDoc, err error) error {
	var sve *jsonschema.SchemaValidationError
	if errors.As(err, &sve) {
		var ve *jsonschema.ValidationError
		if errors.As(sve.Err, &ve) {
			leaf := deepestCause(ve)
			ptr := joinPointer(leaf.InstanceLocation)
			return sd.errorAt(ptr, "not a valid JSON Schema: "+leaf.ErrorKind.LocalizedString(defaultPrinter), err)
		}
	}
	msg := err.Error()
	msg = strings.ReplaceAll(msg, schemaURL, "")
	// Errors such as an invalid regex name the keyword location in a URL
	// fragment: recover the pointer when possible.
	ptr := ""
	if i := strings.Index(err.Error(), schemaURL+"#"); i >= 0 {
		rest := err.Error()[i+len(schemaURL)+1:]
		if j := strings.IndexAny(rest, "\" "); j >= 0 {
			rest = rest[:j]
		}
		ptr = rest
	}
	return sd.errorAt(ptr, msg, err)
}

func deepestCause(ve *jsonschema.ValidationError) *jsonschema.ValidationError {
	for len(ve.Causes) > 0 {
		ve = ve.Causes[0]
	}
	return ve
}

// Title is the schema's title ("" when absent).
func (f *Form) Title() string { return f.title }

// Lang is the language of the form's messages.
func (f *Form) Lang() Lang { return f.lang }

// Layout is the root element of the layout, or nil with the error saying
// why the schema cannot be rendered.
func (f *Form) Layout() (*Element, error) { return f.layout, f.layoutErr }

// Steps are the pages of the data part of the form: the categories of a
// Categorization, or the whole layout as one step.
func (f *Form) Steps() []*Element { return f.steps }

// Controls lists every control of the layout in order.
func (f *Form) Controls() []*Element { return f.controls }

// Now is the form's clock.
func (f *Form) Now() time.Time { return f.now() }

// index fills steps, controls, labels and order from the layout.
func (f *Form) index() {
	if f.layout.Type == TypeCategorization {
		f.steps = f.layout.Elements
	} else {
		f.steps = []*Element{f.layout}
	}
	f.labels = map[string]string{}
	f.order = map[string]int{}
	var walk func(e *Element, prefix string)
	walk = func(e *Element, prefix string) {
		if e.Rule != nil {
			f.rules = append(f.rules, e.Rule)
			f.hasRules = true
		}
		if e.Type == TypeControl {
			pat := prefix + e.Pointer
			if prefix == "" {
				f.controls = append(f.controls, e)
			}
			if _, ok := f.labels[pat]; !ok {
				f.labels[pat] = e.Label
				f.order[pat] = len(f.order)
			}
			for _, d := range e.Detail {
				walk(d, pat+"/*")
			}
			return
		}
		for _, c := range e.Elements {
			walk(c, prefix)
		}
	}
	walk(f.layout, "")
	f.indexVisibility()
	// Schema titles label the data the layout does not show.
	var titles func(n *node, pat string)
	titles = func(n *node, pat string) {
		if n == nil {
			return
		}
		if _, ok := f.labels[pat]; !ok && pat != "" {
			f.labels[pat] = labelOf(n, pat)
		}
		for _, k := range n.props {
			titles(n.properties[k], pat+"/"+escapeToken(k))
		}
		if n.items != nil {
			titles(n.items, pat+"/*")
		}
	}
	titles(f.root, "")
}

// labelOf is the label of a field without a UI label: the schema title,
// or the property name made readable ("data_nascita" → "Data nascita").
func labelOf(n *node, ptr string) string {
	if n != nil && n.title != "" {
		return n.title
	}
	toks := pointerTokens(ptr)
	if len(toks) == 0 {
		return ""
	}
	name := toks[len(toks)-1]
	name = strings.NewReplacer("_", " ", "-", " ").Replace(name)
	// split camelCase
	var b strings.Builder
	for i, r := range name {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte(' ')
			r = r - 'A' + 'a'
		}
		b.WriteRune(r)
	}
	s := strings.TrimSpace(b.String())
	if s == "" {
		return name
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// pattern replaces the array indexes of a data pointer with "*", using
// the schema to know which tokens are indexes.
func (f *Form) pattern(ptr string) string {
	toks := pointerTokens(ptr)
	cur := f.root
	for i, t := range toks {
		if cur == nil {
			break
		}
		if cur.typ == "array" {
			toks[i] = "*"
			cur = cur.items
			continue
		}
		if cur.properties != nil {
			cur = cur.properties[t]
		} else {
			cur = nil
		}
	}
	var b strings.Builder
	for _, t := range toks {
		b.WriteByte('/')
		if t == "*" {
			b.WriteByte('*')
		} else {
			b.WriteString(escapeToken(t))
		}
	}
	return b.String()
}

// Label is the label of the field at the data pointer ptr.
func (f *Form) Label(ptr string) string {
	if ptr == "" {
		if f.title != "" {
			return f.title
		}
		return Text(f.lang, "root")
	}
	pat := f.pattern(ptr)
	if l, ok := f.labels[pat]; ok && l != "" {
		return l
	}
	return labelOf(f.root.at(pointerTokens(ptr)), ptr)
}
