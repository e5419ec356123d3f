package forms

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// node is what the renderer and the form-post codec need to know about
// one schema: its type, constraints shown to the citizen, and children.
// It is read from the raw schema document (local $ref resolved) because
// the compiled validator does not expose property order or titles.
type node struct {
	ptr         string // JSON pointer of the schema in its document
	typ         string // string, number, integer, boolean, object, array; "" when only enum/const decide
	title       string
	description string
	format      string
	enum        []any
	hasEnum     bool
	constVal    any
	hasConst    bool
	minLength   *int
	maxLength   *int
	minimum     *float64
	maximum     *float64
	pattern     string
	dateMin     string
	dateMax     string
	readOnly    bool
	props       []string // declared order
	properties  map[string]*node
	required    map[string]bool
	items       *node
	minItems    int
	maxItems    int // 0: no limit
	file        bool
	accept      []string
	maxFileSize int64
	unsupported string // why the renderer cannot show this schema; "" when it can
	// unsupportedAt is the schema pointer of the construct (a descendant
	// of ptr when a child is the cause).
	unsupportedAt string
}

// where is the pointer to report for an unsupported node.
func (n *node) where() string {
	if n.unsupportedAt != "" {
		return n.unsupportedAt
	}
	return n.ptr
}

// UnsupportedError says that a schema uses a construct the form renderer
// cannot turn into fields. Validation is not affected: the validator
// supports all of JSON Schema 2020-12.
type UnsupportedError struct {
	Pointer   string // JSON pointer of the schema
	Construct string // what is not supported, in English
}

func (e *UnsupportedError) Error() string {
	p := e.Pointer
	if p == "" {
		p = "(root)"
	}
	return fmt.Sprintf("schema %s: the form renderer does not support %s", p, e.Construct)
}

// renderNeutral are keywords that do not change which fields a form shows
// or how their values are written: the validator enforces them.
var renderNeutral = map[string]bool{
	"$schema": true, "$id": true, "$comment": true, "$defs": true, "definitions": true, "$anchor": true,
	"title": true, "description": true, "default": true, "examples": true, "deprecated": true,
	"readOnly": true, "writeOnly": true, "format": true, "minLength": true, "maxLength": true,
	"pattern": true, "minimum": true, "maximum": true, "exclusiveMinimum": true, "exclusiveMaximum": true,
	"multipleOf": true, "minItems": true, "maxItems": true, "uniqueItems": true, "required": true,
	"minProperties": true, "maxProperties": true, "dependentRequired": true, "contentMediaType": true,
	"contentEncoding": true, "type": true, "enum": true, "const": true, "properties": true, "items": true,
	"$ref": true, "additionalProperties": true, "dateMinimum": true, "dateMaximum": true,
	"x-procedo-file": true,
}

// schemaModel builds nodes from a raw schema document.
type schemaModel struct {
	doc   any
	index *jsonIndex
	depth int
}

func (m *schemaModel) build(raw any, ptr string, seen map[string]bool) *node {
	n := &node{ptr: ptr}
	m.depth++
	defer func() { m.depth-- }()
	if m.depth > 64 {
		n.unsupported = "schemas nested deeper than 64 levels"
		return n
	}
	switch v := raw.(type) {
	case bool:
		if v {
			n.unsupported = "the schema true (any value): no field type can be chosen"
		} else {
			n.unsupported = "the schema false (no value is valid)"
		}
		return n
	case map[string]any:
		if ref, ok := v["$ref"].(string); ok {
			target, tptr, err := m.resolve(ref)
			if err != nil {
				n.unsupported = err.Error()
				return n
			}
			if seen[tptr] {
				n.unsupported = "recursive $ref " + ref
				return n
			}
			if len(v) > 1 {
				for k := range v {
					if k != "$ref" && k != "title" && k != "description" && k != "$comment" {
						n.unsupported = "$ref next to other keywords (" + k + ")"
						return n
					}
				}
			}
			seen2 := make(map[string]bool, len(seen)+1)
			for k := range seen {
				seen2[k] = true
			}
			seen2[tptr] = true
			inner := m.build(target, tptr, seen2)
			cp := *inner
			cp.ptr = ptr
			if t, ok := v["title"].(string); ok {
				cp.title = t
			}
			if d, ok := v["description"].(string); ok {
				cp.description = d
			}
			return &cp
		}
		m.fill(n, v, seen)
		return n
	default:
		n.unsupported = "a schema that is neither an object nor a boolean"
		return n
	}
}

func (m *schemaModel) resolve(ref string) (any, string, error) {
	if !strings.HasPrefix(ref, "#") {
		return nil, "", fmt.Errorf("the non-local $ref %q", ref)
	}
	frag := ref[1:]
	if frag != "" && !strings.HasPrefix(frag, "/") {
		return nil, "", fmt.Errorf("the anchor $ref %q", ref)
	}
	cur := m.doc
	for _, tok := range pointerTokens(frag) {
		switch c := cur.(type) {
		case map[string]any:
			next, ok := c[tok]
			if !ok {
				return nil, "", fmt.Errorf("the dangling $ref %q", ref)
			}
			cur = next
		case []any:
			var i int
			if _, err := fmt.Sscanf(tok, "%d", &i); err != nil || i < 0 || i >= len(c) {
				return nil, "", fmt.Errorf("the dangling $ref %q", ref)
			}
			cur = c[i]
		default:
			return nil, "", fmt.Errorf("the dangling $ref %q", ref)
		}
	}
	return cur, frag, nil
}

func (m *schemaModel) fill(n *node, v map[string]any, seen map[string]bool) {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !renderNeutral[k] {
			n.unsupported = "the keyword " + k
			return
		}
	}
	n.title, _ = v["title"].(string)
	n.description, _ = v["description"].(string)
	n.format, _ = v["format"].(string)
	n.pattern, _ = v["pattern"].(string)
	n.dateMin, _ = v["dateMinimum"].(string)
	n.dateMax, _ = v["dateMaximum"].(string)
	n.readOnly, _ = v["readOnly"].(bool)
	n.minLength = intKeyword(v, "minLength")
	n.maxLength = intKeyword(v, "maxLength")
	n.minimum = numKeyword(v, "minimum")
	n.maximum = numKeyword(v, "maximum")
	if mi := intKeyword(v, "minItems"); mi != nil {
		n.minItems = *mi
	}
	if mi := intKeyword(v, "maxItems"); mi != nil {
		n.maxItems = *mi
	}
	if e, ok := v["enum"].([]any); ok {
		n.enum, n.hasEnum = e, true
	}
	if c, ok := v["const"]; ok {
		n.constVal, n.hasConst = c, true
	}
	switch t := v["type"].(type) {
	case string:
		n.typ = t
	case nil:
	default:
		n.unsupported = "a list of types"
		return
	}
	if f, ok := v["x-procedo-file"].(map[string]any); ok {
		n.file = true
		if acc, ok := f["accept"].([]any); ok {
			for _, a := range acc {
				if s, ok := a.(string); ok {
					n.accept = append(n.accept, s)
				}
			}
		}
		if ms := numKeyword(f, "maxSize"); ms != nil {
			n.maxFileSize = int64(*ms)
		}
	}
	if n.hasEnum || n.hasConst {
		// A choice: any JSON value is carried as its JSON text.
		return
	}
	switch n.typ {
	case "string", "number", "integer", "boolean":
	case "null":
		n.unsupported = "the type null"
		return
	case "object":
		if ap, ok := v["additionalProperties"]; ok {
			if b, isBool := ap.(bool); !isBool || b {
				n.unsupported = "additionalProperties with a schema: free-form entries have no field"
				return
			}
		}
		props, _ := v["properties"].(map[string]any)
		if len(props) == 0 && !n.file {
			n.unsupported = "an object without properties"
			return
		}
		n.properties = map[string]*node{}
		n.required = map[string]bool{}
		if req, ok := v["required"].([]any); ok {
			for _, r := range req {
				if s, ok := r.(string); ok {
					n.required[s] = true
				}
			}
		}
		order := m.index.keys[n.ptr+"/properties"]
		if len(order) != len(props) {
			order = order[:0:0]
			for k := range props {
				order = append(order, k)
			}
			sort.Strings(order)
		}
		for _, k := range order {
			child := m.build(props[k], n.ptr+"/properties/"+escapeToken(k), seen)
			if child.unsupported != "" {
				n.unsupported = child.unsupported
				n.unsupportedAt = child.where()
				return
			}
			n.props = append(n.props, k)
			n.properties[k] = child
		}
	case "array":
		items, ok := v["items"]
		if !ok {
			n.unsupported = "an array without items"
			return
		}
		n.items = m.build(items, n.ptr+"/items", seen)
		if n.items.unsupported != "" {
			n.unsupported = n.items.unsupported
			n.unsupportedAt = n.items.where()
			return
		}
		if n.items.typ == "array" {
			n.unsupported = "arrays of arrays"
			return
		}
	case "":
		n.unsupported = "a schema without type, enum or const: no field type can be chosen"
	default:
		n.unsupported = "the type " + n.typ
	}
	if n.typ != "object" && n.unsupported == "" {
		if _, ok := v["properties"]; ok {
			n.unsupported = "properties on a schema of type " + n.typ
		}
	}
	if n.typ != "array" {
		if _, ok := v["items"]; ok && n.unsupported == "" {
			n.unsupported = "items on a schema of type " + n.typ
		}
	}
}

func intKeyword(v map[string]any, k string) *int {
	f := numKeyword(v, k)
	if f == nil {
		return nil
	}
	i := int(*f)
	return &i
}

func numKeyword(v map[string]any, k string) *float64 {
	switch x := v[k].(type) {
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return nil
		}
		return &f
	case float64:
		return &x
	}
	return nil
}

// at returns the node of the data at pointer ptr ("" is the root), or nil.
func (n *node) at(tokens []string) *node {
	cur := n
	for _, t := range tokens {
		switch {
		case cur == nil:
			return nil
		case cur.typ == "object" && cur.properties != nil:
			cur = cur.properties[t]
		case cur.typ == "array":
			cur = cur.items
		default:
			return nil
		}
	}
	return cur
}
