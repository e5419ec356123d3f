package model

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// JSONType is a JSON Schema type name ("string", "integer", "number",
// "boolean", "object", "array", "null"); "" means any value.
type JSONType string

// The JSON Schema types (JSON Schema 2020-12 validation §6.1.1).
const (
	TypeAny     JSONType = ""
	TypeString  JSONType = "string"
	TypeInteger JSONType = "integer"
	TypeNumber  JSONType = "number"
	TypeBoolean JSONType = "boolean"
	TypeObject  JSONType = "object"
	TypeArray   JSONType = "array"
	TypeNull    JSONType = "null"
)

// Form is a form of the bundle: forms/<Name>.schema.json and, when
// present, forms/<Name>.ui.json. The model reads only what it needs from
// the schema: the declared properties and their types. Validation and
// rendering belong to the forms package.
type Form struct {
	Name       string
	SchemaPath string
	UIPath     string // "" when there is no UI schema
	// Properties are the top-level properties, sorted by name.
	Properties []*Property
}

// Property is a property declared by a form schema.
type Property struct {
	Name string
	// Pointer is the JSON pointer of the property's schema in its file
	// ("/properties/richiedente/properties/codiceFiscale").
	Pointer  string
	Type     JSONType
	Required bool
	// Properties are the sub-properties of an object, sorted by name.
	Properties []*Property
	// Items is the schema of the elements of an array, nil when unknown.
	Items *Property
}

// Variable is a case variable that CEL expressions may use.
type Variable struct {
	Name string
	// Type is the declared type; nil means any value (the variable is
	// declared by several forms with different types, or not typed).
	Type *Property
	// Forms are the names of the forms that declare it, sorted.
	Forms []string
}

// ParseFormSchema reads the declared properties of a JSON Schema. Local
// references ("#/$defs/indirizzo") are followed; others make the property
// untyped.
func ParseFormSchema(name, path string, data []byte) (*Form, error) {
	var root any
	if err := json.Unmarshal(data, &root); err != nil {
		line, col := jsonErrorPlace(data, err)
		return nil, &SchemaError{Path: path, Line: line, Col: col, Msg: "not valid JSON: " + err.Error(), NotJSON: true}
	}
	obj, ok := root.(map[string]any)
	if !ok {
		return nil, &SchemaError{Path: path, Line: 1, Col: 1, Msg: "a form schema must be a JSON object"}
	}
	r := &schemaReader{root: obj}
	top := r.property("", "", obj, 0)
	if top.Type != TypeObject && top.Type != TypeAny {
		return nil, &SchemaError{Path: path, Line: 1, Col: 1, Msg: fmt.Sprintf("a form schema must describe an object (\"type\": \"object\"), not %s", top.Type)}
	}
	return &Form{Name: name, SchemaPath: path, Properties: top.Properties}, nil
}

// SchemaError is a form schema that cannot be read.
type SchemaError struct {
	Path      string
	Line, Col int // 0 when unknown
	Msg       string
	// NotJSON is true when the file is not JSON at all, as opposed to
	// JSON that is not a form schema.
	NotJSON bool
}

func (e *SchemaError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Line, e.Col, e.Msg)
	}
	return e.Path + ": " + e.Msg
}

// jsonErrorPlace returns the line and column of a JSON syntax error.
func jsonErrorPlace(data []byte, err error) (line, col int) {
	var off int
	switch e := err.(type) {
	case *json.SyntaxError:
		off = int(e.Offset)
	case *json.UnmarshalTypeError:
		off = int(e.Offset)
	default:
		return 0, 0
	}
	line, col = 1, 1
	for _, b := range data[:min(off, len(data))] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

type schemaReader struct{ root map[string]any }

const maxSchemaDepth = 32

func (r *schemaReader) property(name, ptr string, s map[string]any, depth int) *Property {
	p := &Property{Name: name, Pointer: ptr}
	if depth > maxSchemaDepth {
		return p
	}
	if ref, ok := s["$ref"].(string); ok {
		if target := r.lookup(ref); target != nil {
			q := r.property(name, ptr, target, depth+1)
			q.Pointer = ptr
			return q
		}
		return p
	}
	p.Type = schemaType(s)
	if p.Type == TypeAny && s["properties"] != nil {
		p.Type = TypeObject
	}
	if p.Type == TypeAny && s["items"] != nil {
		p.Type = TypeArray
	}
	required := map[string]bool{}
	if req, ok := s["required"].([]any); ok {
		for _, v := range req {
			if n, ok := v.(string); ok {
				required[n] = true
			}
		}
	}
	if props, ok := s["properties"].(map[string]any); ok {
		names := make([]string, 0, len(props))
		for n := range props {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			sub, _ := props[n].(map[string]any)
			c := r.property(n, ptr+"/properties/"+escapePointer(n), sub, depth+1)
			c.Required = required[n]
			p.Properties = append(p.Properties, c)
		}
	}
	if items, ok := s["items"].(map[string]any); ok {
		p.Items = r.property("", ptr+"/items", items, depth+1)
	}
	return p
}

// lookup resolves a local JSON pointer reference.
func (r *schemaReader) lookup(ref string) map[string]any {
	if !strings.HasPrefix(ref, "#") {
		return nil
	}
	var cur any = r.root
	for _, tok := range strings.Split(strings.TrimPrefix(ref, "#"), "/")[1:] {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			cur = c[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	m, _ := cur.(map[string]any)
	return m
}

// schemaType reads "type" (a name or a list of names; "null" next to one
// other type means an optional value of that type), else infers it from
// "const" or "enum".
func schemaType(s map[string]any) JSONType {
	switch t := s["type"].(type) {
	case string:
		return JSONType(t)
	case []any:
		var types []JSONType
		for _, v := range t {
			if n, _ := v.(string); n != "null" && n != "" {
				types = append(types, JSONType(n))
			}
		}
		switch {
		case len(types) == 1:
			return types[0]
		case len(types) == 2 && (types[0] == TypeInteger && types[1] == TypeNumber || types[0] == TypeNumber && types[1] == TypeInteger):
			return TypeNumber
		}
		return TypeAny
	}
	var values []any
	if c, ok := s["const"]; ok {
		values = []any{c}
	} else if e, ok := s["enum"].([]any); ok {
		values = e
	}
	var t JSONType
	for _, v := range values {
		var vt JSONType
		switch x := v.(type) {
		case string:
			vt = TypeString
		case bool:
			vt = TypeBoolean
		case float64:
			vt = TypeNumber
			if x == float64(int64(x)) {
				vt = TypeInteger
			}
		default:
			return TypeAny
		}
		if t != "" && t != vt {
			if (t == TypeInteger || t == TypeNumber) && (vt == TypeInteger || vt == TypeNumber) {
				t = TypeNumber
				continue
			}
			return TypeAny
		}
		t = vt
	}
	return t
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// variables merges the top-level properties of the forms into the case
// variables. A name declared by two forms with different types is kept
// untyped (Type nil).
func variables(forms []*Form) []*Variable {
	byName := map[string]*Variable{}
	for _, f := range forms {
		for _, p := range f.Properties {
			v := byName[p.Name]
			if v == nil {
				byName[p.Name] = &Variable{Name: p.Name, Type: p, Forms: []string{f.Name}}
				continue
			}
			v.Forms = append(v.Forms, f.Name)
			if v.Type != nil && !sameType(v.Type, p) {
				v.Type = nil
			}
		}
	}
	out := make([]*Variable, 0, len(byName))
	for _, v := range byName {
		sort.Strings(v.Forms)
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func sameType(a, b *Property) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Type != b.Type || len(a.Properties) != len(b.Properties) || !sameType(a.Items, b.Items) {
		return false
	}
	for i := range a.Properties {
		if a.Properties[i].Name != b.Properties[i].Name || !sameType(a.Properties[i], b.Properties[i]) {
			return false
		}
	}
	return true
}
