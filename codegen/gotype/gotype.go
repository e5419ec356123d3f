package gotype

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"

	"github.com/dave/jennifer/jen"

	"github.com/procedo/procedo/codegen/ident"
)

// Kind is the shape of a generated Go type.
type Kind int

// The kinds of [Type].
const (
	Bool     Kind = iota + 1 // bool
	Int                      // int64 (JSON Schema "integer")
	Float                    // float64 (JSON Schema "number")
	String                   // string
	Date                     // the generated Date type (format "date")
	DateTime                 // time.Time (format "date-time")
	Struct                   // a named struct
	Slice                    // []Elem
	Map                      // map[string]Elem
	Raw                      // json.RawMessage, a documented fallback
)

var kindNames = [...]string{Bool: "bool", Int: "int", Float: "float", String: "string", Date: "date",
	DateTime: "date-time", Struct: "struct", Slice: "slice", Map: "map", Raw: "raw"}

func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Type describes a generated Go type.
type Type struct {
	Kind Kind
	// Name is the Go name of a named type: every Struct, every enum, the
	// Date type, and the root type of a schema. Empty for the unnamed
	// types bool, int64, float64, string, time.Time, slices, maps and
	// json.RawMessage.
	Name string
	// Alias is true when Name is declared as an alias (type Name = T): the
	// root of a schema that is not an object or an enum.
	Alias bool
	// Elem is the element type of a Slice or a Map, and the aliased type of
	// an Alias.
	Elem *Type
	// Fields are the fields of a Struct, in the order of the schema.
	Fields []*Field
	// Enum lists the allowed values of an enum type (Kind String: string
	// values; Kind Int: int64 values), in the order of the schema.
	Enum []EnumValue
	// Source is where the type comes from: "file#/json/pointer".
	Source string
	// Reason says why a Raw fallback (or a Map fallback) was chosen.
	Reason string
	// Doc is the title and description of the schema, for the comment.
	Doc string
}

// EnumValue is one constant of an enum type.
type EnumValue struct {
	GoName string
	Value  any // string or int64
}

// Field is a field of a generated struct.
type Field struct {
	JSONName string // property name, as in the schema and the json tag
	GoName   string
	Type     *Type
	// Required properties are value fields; optional ones are pointers
	// unless nil already means absent (see [Field.Pointer]).
	Required bool
	Source   string // "file#/properties/name"
	Title    string
	// Indirect is set on a required field that must still be a pointer
	// because its struct contains itself through it (Go has no infinite
	// values: "invalid recursive type").
	Indirect bool
}

// Pointer reports whether the field is declared as *T: an optional field
// whose type has no nil value of its own.
func (f *Field) Pointer() bool {
	if f.Indirect {
		return true
	}
	if f.Required {
		return false
	}
	switch f.Type.base().Kind {
	case Slice, Map, Raw:
		return false
	}
	return true
}

// base follows aliases.
func (t *Type) base() *Type {
	for t.Alias {
		t = t.Elem
	}
	return t
}

// Base returns the type behind an alias (the type itself otherwise).
func (t *Type) Base() *Type { return t.base() }

// IsEnum reports whether t is a named enum type.
func (t *Type) IsEnum() bool { return len(t.Enum) > 0 }

// Expr returns the Go type expression of t.
func (t *Type) Expr() *jen.Statement {
	if t.Name != "" {
		return jen.Id(t.Name)
	}
	switch t.Kind {
	case Bool:
		return jen.Bool()
	case Int:
		return jen.Int64()
	case Float:
		return jen.Float64()
	case String:
		return jen.String()
	case DateTime:
		return jen.Qual("time", "Time")
	case Slice:
		return jen.Index().Add(t.Elem.Expr())
	case Map:
		return jen.Map(jen.String()).Add(t.Elem.Expr())
	case Raw:
		return jen.Qual("encoding/json", "RawMessage")
	}
	panic(fmt.Sprintf("gotype: no Go expression for %v", t.Kind))
}

// ErrUnsupported is matched by every [*UnsupportedError].
var ErrUnsupported = errors.New("unsupported construct")

// UnsupportedError reports a schema construct for which no Go type can be
// generated, with its place.
type UnsupportedError struct {
	File    string
	Pointer string // JSON pointer inside File
	What    string
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("%s#%s: unsupported construct at %s: %s", e.File, e.Pointer, pointerOrRoot(e.Pointer), e.What)
}

// Is makes errors.Is(err, ErrUnsupported) true.
func (e *UnsupportedError) Is(target error) bool { return target == ErrUnsupported }

func pointerOrRoot(p string) string {
	if p == "" {
		return "the root"
	}
	return p
}

// DateName is the name of the date type the generator declares when a
// schema uses format "date".
const DateName = "Date"

// Generator accumulates the Go declarations of one package. Use one
// Generator for all the schemas of a package: named types share the
// package namespace (see [ident.Namer]).
type Generator struct {
	names    *ident.Namer
	decls    []*Type // slots in output order; nil when unused
	types    []*Type
	needDate bool
	date     *Type
}

// NewGenerator returns a Generator handing out package-level names from
// names, which it also uses to reserve [DateName]. Pass the namer that the
// rest of the package's generators use.
func NewGenerator(names *ident.Namer) *Generator {
	names.Reserve(DateName)
	return &Generator{names: names, date: &Type{Kind: Date, Name: DateName}}
}

// schemaGen is the state of one schema document.
type schemaGen struct {
	g     *Generator
	file  string
	root  any
	named map[string]*Type // by JSON pointer of a $ref target
	types []*Type          // declared by this schema
}

// Schema generates the types of one JSON Schema document. file names the
// schema in comments and errors (give it relative to the bundle); the root
// type is called rootName (made unique in the package). It returns the root
// type. On error nothing is added to the Generator.
func (g *Generator) Schema(file string, data []byte, rootName string) (*Type, error) {
	root, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: invalid JSON: %w", file, err)
	}
	// Work on a copy of the state so a failure leaves g untouched.
	saved := *g
	savedNames := g.names.Snapshot()
	s := &schemaGen{g: g, file: file, root: root, named: map[string]*Type{}}
	t, err := s.namedType(pointer{}, rootName)
	if err == nil {
		err = s.checkCycles()
	}
	if err != nil {
		*g = saved
		g.names.Restore(savedNames)
		return nil, err
	}
	return t, nil
}

// checkCycles rejects aliases that refer to themselves ({"$ref": "#"} at
// the root) and turns into pointers the required fields through which a
// struct contains itself by value.
func (s *schemaGen) checkCycles() error {
	for _, t := range s.types {
		if !t.Alias {
			continue
		}
		seen := map[*Type]bool{}
		for u := t; u.Alias; u = u.Elem {
			if seen[u] || u.Elem.Kind == 0 {
				return &UnsupportedError{File: s.file, Pointer: strings.TrimPrefix(t.Source, s.file+"#"),
					What: "the schema is only a reference to itself"}
			}
			seen[u] = true
		}
	}
	const (
		white = iota
		grey
		black
	)
	color := map[*Type]int{}
	var visit func(t *Type)
	visit = func(t *Type) {
		color[t] = grey
		for _, f := range t.Fields {
			if f.Pointer() {
				continue
			}
			u := f.Type.base()
			if u.Kind != Struct {
				continue
			}
			switch color[u] {
			case grey:
				f.Indirect = true
			case white:
				visit(u)
			}
		}
		color[t] = black
	}
	for _, t := range s.types {
		if t.base().Kind == Struct && color[t.base()] == white {
			visit(t.base())
		}
	}
	return nil
}

func (s *schemaGen) source(p pointer) string { return s.file + "#" + p.String() }

func (s *schemaGen) unsupported(p pointer, format string, args ...any) error {
	return &UnsupportedError{File: s.file, Pointer: p.String(), What: fmt.Sprintf(format, args...)}
}

// named generates the schema at p as a named type called name (made
// unique), caching it by pointer so that $ref cycles terminate.
func (s *schemaGen) namedType(p pointer, name string) (*Type, error) {
	key := p.String()
	if t, ok := s.named[key]; ok {
		return t, nil
	}
	node, ok := resolve(s.root, p)
	if !ok {
		return nil, s.unsupported(p, "$ref target does not exist")
	}
	t := &Type{Name: s.g.names.Exported(name, "Type"), Source: s.source(p)}
	s.named[key] = t
	slot := s.g.reserve()
	inner, err := s.typeOf(node, p, t.Name)
	if err != nil {
		return nil, err
	}
	switch {
	case inner.Name == "" && (inner.Kind == Struct || inner.IsEnum()):
		t.Kind, t.Fields, t.Enum = inner.Kind, inner.Fields, inner.Enum
	default:
		// Aliases keep the methods of the aliased type (json.RawMessage's
		// MarshalJSON, Date's) that a defined type would lose.
		t.Kind, t.Alias, t.Elem, t.Reason = inner.Kind, true, inner, inner.Reason
	}
	s.declare(slot, t, node)
	return t, nil
}

// inline generates the schema node at p, naming and declaring it when it
// is an object or an enum: inline objects become named structs, readable
// and usable by the CEL translator and the services interface.
func (s *schemaGen) inline(node any, p pointer, nameHint string) (*Type, error) {
	slot := s.g.reserve()
	t, err := s.typeOf(node, p, nameHint)
	if err != nil {
		return nil, err
	}
	if t.Name == "" && (t.Kind == Struct || t.IsEnum()) {
		t.Name = s.g.names.Exported(nameHint, "Type")
		t.Source = s.source(p)
		s.declare(slot, t, node)
	}
	return t, nil
}

// typeOf maps the schema node at p to a Type. nameHint names the inline
// structs and enums it has to declare.
func (s *schemaGen) typeOf(node any, p pointer, nameHint string) (*Type, error) {
	switch n := node.(type) {
	case bool:
		if n {
			return raw("the schema is `true`: any JSON value is allowed"), nil
		}
		return raw("the schema is `false`: no value is allowed"), nil
	case *object:
		return s.objectType(n, p, nameHint)
	}
	return nil, s.unsupported(p, "a schema must be an object or a boolean")
}

func raw(reason string) *Type { return &Type{Kind: Raw, Reason: reason} }

func (s *schemaGen) objectType(n *object, p pointer, nameHint string) (*Type, error) {
	for _, k := range []string{"$dynamicRef", "$recursiveRef"} {
		if _, ok := n.get(k); ok {
			return nil, s.unsupported(p.add(k), "%s is not supported", k)
		}
	}
	if r, ok := n.get("$ref"); ok {
		ref, _ := r.(string)
		frag, ok := strings.CutPrefix(ref, "#")
		target, okp := parsePointer(frag)
		if !ok || !okp {
			return nil, s.unsupported(p.add("$ref"), "only local references (#/…) are supported, not %q", ref)
		}
		if len(target) == 0 {
			return s.named[""], nil // the root, declared first
		}
		return s.namedType(target, target[len(target)-1])
	}
	if v, ok := n.get("allOf"); ok {
		if a, ok := v.([]any); ok && len(a) == 1 && len(n.keys) == 1 {
			return s.typeOf(a[0], p.add("allOf", "0"), nameHint)
		}
		return raw("allOf combines several subschemas: no single Go type"), nil
	}
	for _, k := range []string{"oneOf", "anyOf"} {
		if _, ok := n.get(k); ok {
			return raw(k + " allows alternatives of different shape: no single Go type"), nil
		}
	}
	if v, ok := n.get("const"); ok {
		return s.enumType([]any{v}, p.add("const"), nameHint)
	}
	if v, ok := n.get("enum"); ok {
		a, ok := v.([]any)
		if !ok || len(a) == 0 {
			return nil, s.unsupported(p.add("enum"), "enum must be a non-empty array")
		}
		return s.enumType(a, p.add("enum"), nameHint)
	}
	typ, ok := n.get("type")
	if !ok {
		if _, ok := n.get("properties"); ok {
			typ = "object"
		} else {
			return raw("the schema does not restrict the type: any JSON value"), nil
		}
	}
	tname, ok := typ.(string)
	if !ok {
		return raw("the schema allows several types (\"type\" is a list): no single Go type"), nil
	}
	switch tname {
	case "boolean":
		return &Type{Kind: Bool}, nil
	case "integer":
		return &Type{Kind: Int}, nil
	case "number":
		return &Type{Kind: Float}, nil
	case "string":
		f, _ := n.get("format")
		switch f {
		case "date":
			s.g.needDate = true
			return s.g.date, nil
		case "date-time":
			return &Type{Kind: DateTime}, nil
		}
		return &Type{Kind: String}, nil
	case "null":
		return raw("the only allowed value is null"), nil
	case "array":
		if _, ok := n.get("prefixItems"); ok {
			return raw("prefixItems describes a tuple: no Go slice type"), nil
		}
		items, ok := n.get("items")
		if !ok {
			return &Type{Kind: Slice, Elem: raw("the array has no items schema")}, nil
		}
		elem, err := s.inline(items, p.add("items"), nameHint+"Item")
		if err != nil {
			return nil, err
		}
		return &Type{Kind: Slice, Elem: elem}, nil
	case "object":
		return s.structType(n, p, nameHint)
	}
	return nil, s.unsupported(p.add("type"), "unknown type %q", tname)
}

func (s *schemaGen) structType(n *object, p pointer, nameHint string) (*Type, error) {
	props, _ := n.get("properties")
	po, _ := props.(*object)
	addl, hasAddl := n.get("additionalProperties")
	if po == nil || len(po.keys) == 0 {
		if hasAddl && addl == false {
			return &Type{Kind: Struct}, nil
		}
		if !hasAddl || addl == true {
			return &Type{Kind: Map, Elem: raw("the values of the map are not described"),
				Reason: "the object declares no properties: any names are allowed"}, nil
		}
		elem, err := s.inline(addl, p.add("additionalProperties"), nameHint+"Value")
		if err != nil {
			return nil, err
		}
		return &Type{Kind: Map, Elem: elem, Reason: "the object declares only additionalProperties"}, nil
	}
	required := map[string]bool{}
	if r, ok := n.get("required"); ok {
		ra, _ := r.([]any)
		for _, x := range ra {
			if name, ok := x.(string); ok {
				required[name] = true
			}
		}
	}
	fields := ident.NewNamer()
	t := &Type{Kind: Struct}
	for _, name := range po.keys {
		fp := p.add("properties", name)
		if !validTag(name) {
			return nil, s.unsupported(fp, "property name %q cannot be carried by a Go json tag", name)
		}
		goName := fields.Exported(name, "Field")
		ft, err := s.inline(po.vals[name], fp, nameHint+goName)
		if err != nil {
			return nil, err
		}
		f := &Field{JSONName: name, GoName: goName, Type: ft, Required: required[name], Source: s.source(fp)}
		if o, ok := po.vals[name].(*object); ok {
			f.Title = docText(o)
		}
		t.Fields = append(t.Fields, f)
	}
	return t, nil
}

// validTag mirrors encoding/json's rule for names in a struct tag.
func validTag(s string) bool {
	if s == "" || s == "-" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

func (s *schemaGen) enumType(vals []any, p pointer, nameHint string) (*Type, error) {
	kind := Kind(0)
	var enum []EnumValue
	seen := map[any]bool{}
	for _, v := range vals {
		var val any
		k := Kind(0)
		switch x := v.(type) {
		case string:
			k, val = String, x
		case json.Number:
			i, err := x.Int64()
			if err != nil {
				return raw("the enum has non-integer numbers: no exact Go constant type"), nil
			}
			k, val = Int, i
		default:
			return raw("the enum has values that are not strings or integers"), nil
		}
		if kind != 0 && k != kind {
			return raw("the enum mixes strings and numbers: no single Go type"), nil
		}
		kind = k
		if !seen[val] {
			seen[val] = true
			enum = append(enum, EnumValue{Value: val})
		}
	}
	return &Type{Kind: kind, Enum: enum}, nil
}

func docText(o *object) string {
	title, _ := o.vals["title"].(string)
	desc, _ := o.vals["description"].(string)
	switch {
	case title != "" && desc != "":
		return title + ": " + desc
	case title != "":
		return title
	}
	return desc
}

// reserve keeps the place of a declaration in the output, so that a type
// is declared before the types it uses (the root first).
func (g *Generator) reserve() int {
	g.decls = append(g.decls, nil)
	return len(g.decls) - 1
}

// declare puts the named type t into slot; node is its schema.
func (s *schemaGen) declare(slot int, t *Type, node any) {
	s.g.types = append(s.g.types, t)
	s.types = append(s.types, t)
	if t.IsEnum() {
		for i := range t.Enum {
			text := fmt.Sprint(t.Enum[i].Value)
			if n, ok := t.Enum[i].Value.(int64); ok && n < 0 {
				text = fmt.Sprintf("minus %d", -n)
			}
			switch {
			case text == "":
				text = "empty"
			case ident.Exported(text) == "":
				text = "value"
			}
			// The type name and the value as one text: a leading digit
			// of the value needs no prefix (DomandaPriorita1).
			t.Enum[i].GoName = s.g.names.Exported(t.Name+" "+text, t.Name+"Value")
		}
	}
	if o, ok := node.(*object); ok {
		t.Doc = docText(o)
	}
	s.g.decls[slot] = t
}

// render returns the declaration of the named type t.
func render(t *Type) jen.Code {
	var c jen.Statement
	c.Add(ident.Comment(fmt.Sprintf("%s is generated from %s.", t.Name, t.Source)))
	if t.Doc != "" {
		c.Line().Comment("").Line().Add(ident.Comment(t.Doc))
	}
	if t.Reason != "" {
		c.Line().Comment("").Line().Add(ident.Comment("json.RawMessage or map fallback: " + t.Reason + "."))
	}
	c.Line()
	switch {
	case t.Alias:
		c.Type().Id(t.Name).Op("=").Add(t.Elem.Expr())
	case t.Kind == Struct:
		c.Type().Id(t.Name).StructFunc(func(g *jen.Group) {
			for i, f := range t.Fields {
				if i > 0 {
					g.Line()
				}
				g.Add(fieldDoc(f))
				typ := f.Type.Expr()
				tag := f.JSONName
				if f.Pointer() {
					typ = jen.Op("*").Add(typ)
				}
				if !f.Required {
					tag += ",omitzero"
				}
				g.Id(f.GoName).Add(typ).Tag(map[string]string{"json": tag})
			}
		})
	case t.IsEnum():
		base := jen.String()
		if t.Kind == Int {
			base = jen.Int64()
		}
		c.Type().Id(t.Name).Add(base)
		c.Line().Line().Comment(fmt.Sprintf("The values of %s.", t.Name)).Line()
		c.Const().DefsFunc(func(g *jen.Group) {
			for _, e := range t.Enum {
				g.Id(e.GoName).Id(t.Name).Op("=").Add(lit(e.Value))
			}
		})
		c.Line().Line().Comment(fmt.Sprintf("Valid reports whether v is one of the values of %s.", t.Name)).Line()
		c.Func().Params(jen.Id("v").Id(t.Name)).Id("Valid").Params().Bool().Block(
			jen.Switch(jen.Id("v")).Block(
				jen.CaseFunc(func(g *jen.Group) {
					for _, e := range t.Enum {
						g.Id(e.GoName)
					}
				}).Block(jen.Return(jen.True())),
			),
			jen.Return(jen.False()),
		)
	default:
		panic(fmt.Sprintf("gotype: cannot declare %v %s", t.Kind, t.Name))
	}
	return &c
}

func fieldDoc(f *Field) *jen.Statement {
	text := fmt.Sprintf("%s holds %q (%s)", f.GoName, f.JSONName, f.Source)
	if f.Title != "" {
		text += ": " + strings.TrimRight(f.Title, ". ")
	}
	if !f.Required {
		text += ". Optional: nil when absent"
	} else if f.Indirect {
		text += ". Required; a pointer only because the type contains itself through this field"
	}
	text += "."
	if r := f.Type.Reason; r != "" && f.Type.Name == "" {
		text += "\nFallback: " + r + "."
	}
	return ident.Comment(text)
}

func lit(v any) jen.Code {
	switch x := v.(type) {
	case int64:
		// Untyped constant: jen.Lit(int64(1)) would render int64(1),
		// which a named type cannot take.
		return jen.Lit(int(x))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			panic("gotype: non-finite constant")
		}
	}
	return jen.Lit(v)
}

// Types returns the named types declared so far, in declaration order.
func (g *Generator) Types() []*Type { return g.types }

// Decls returns the declarations generated so far, in order, followed by
// the Date type when a schema used format "date".
func (g *Generator) Decls() []jen.Code {
	var out []jen.Code
	for _, t := range g.decls {
		if t != nil {
			out = append(out, render(t))
		}
	}
	if g.needDate {
		out = append(out, dateDecl())
	}
	return out
}

// File renders the declarations into a new jennifer file of package pkg,
// with the header "Code generated by procedo from <source>. DO NOT EDIT.".
func (g *Generator) File(pkg, source string) *jen.File {
	f := jen.NewFile(pkg)
	f.HeaderComment(fmt.Sprintf("Code generated by procedo from %s. DO NOT EDIT.", strings.Join(ident.CommentLines(source), " ")))
	for _, d := range g.Decls() {
		f.Add(d)
		f.Line()
	}
	return f
}
