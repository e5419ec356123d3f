package forms

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Element types of the UI schema (JSON Forms vocabulary).
const (
	TypeVerticalLayout   = "VerticalLayout"
	TypeHorizontalLayout = "HorizontalLayout"
	TypeGroup            = "Group"
	TypeCategorization   = "Categorization"
	TypeCategory         = "Category"
	TypeControl          = "Control"
	TypeLabel            = "Label"
)

// Widgets a control can use.
const (
	WidgetText     = "text"
	WidgetTextarea = "textarea"
	WidgetNumber   = "number"
	WidgetSelect   = "select"
	WidgetRadio    = "radio"
	WidgetCheckbox = "checkbox"
	WidgetDate     = "date"
	WidgetEmail    = "email"
	WidgetFile     = "file"
	WidgetArray    = "array" // a list of items with add and remove
)

// Effects of a rule.
const (
	EffectShow    = "SHOW"
	EffectHide    = "HIDE"
	EffectEnable  = "ENABLE"
	EffectDisable = "DISABLE"
)

// Element is one node of the layout.
type Element struct {
	Type     string
	Label    string // layouts: group/category title; Label: its text; Control: field label
	Elements []*Element
	Rule     *Rule
	Source   string // JSON pointer of the element in the UI schema ("" for defaults)

	// Control only.
	Scope     string     // "#/properties/a/properties/b"
	Pointer   string     // data pointer "/a/b" (relative to the item inside Detail)
	Help      string     // help text under the field
	Widget    string     // one of the Widget constants
	Required  bool       // required by the parent object's schema
	Detail    []*Element // array controls: the controls of one item
	Options   []Option   // select and radio choices
	Accept    []string   // file: accepted media types
	MaxSize   int64      // file: maximum size in bytes (0: the submission limit)
	Multiline bool

	node *node
}

// Constraints are the schema constraints of a control that the page
// states as HTML attributes, for assistive technologies and for the
// client-side checks (the server checks them again, always).
type Constraints struct {
	Type      string // string, number, integer, boolean, object, array
	Format    string
	MinLength int // 0: none
	MaxLength int // 0: none
	Minimum   *float64
	Maximum   *float64
	Pattern   string
	DateMin   string // dateMinimum expression
	DateMax   string // dateMaximum expression
	MaxItems  int
	ReadOnly  bool
}

// Constraints returns the constraints of a control's schema.
func (e *Element) Constraints() Constraints {
	n := e.node
	if n == nil {
		return Constraints{}
	}
	c := Constraints{Type: n.typ, Format: n.format, Minimum: n.minimum, Maximum: n.maximum,
		Pattern: n.pattern, DateMin: n.dateMin, DateMax: n.dateMax, MaxItems: n.maxItems, ReadOnly: n.readOnly}
	if n.minLength != nil {
		c.MinLength = *n.minLength
	}
	if n.maxLength != nil {
		c.MaxLength = *n.maxLength
	}
	return c
}

// Option is a choice of a select or radio control. Value is the JSON text
// of the choice, so any JSON value round-trips.
type Option struct {
	Value string
	Label string
	value any
}

// Rule shows, hides, enables or disables an element when the data at
// Scope is valid against a JSON Schema (JSON Forms rule semantics). A
// condition on data that is absent does not hold.
type Rule struct {
	Effect  string
	Scope   string
	Pointer string // data pointer of the scope
	Schema  *jsonschema.Schema
	// SchemaJSON is the condition as JSON, for the client-side script.
	SchemaJSON json.RawMessage

	fast   int
	values []any
	toks   []string // Pointer split once: holds runs on every validation
}

type uiBuilder struct {
	doc         *parsedDoc
	root        *node
	compiler    *jsonschema.Compiler
	lang        Lang
	ruleSchemas []*Rule
	ruleRaw     []any
	rulePtrs    []string
	inDetail    bool
}

func (b *uiBuilder) fail(ptr, format string, args ...any) error {
	return b.doc.errorAt(ptr, fmt.Sprintf(format, args...), nil)
}

var knownTypes = map[string]bool{
	TypeVerticalLayout: true, TypeHorizontalLayout: true, TypeGroup: true,
	TypeCategorization: true, TypeCategory: true, TypeControl: true, TypeLabel: true,
}

func (b *uiBuilder) element(raw any, ptr string, top bool) (*Element, error) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, b.fail(ptr, "a UI element must be an object")
	}
	typ, _ := obj["type"].(string)
	if !knownTypes[typ] {
		return nil, b.fail(ptr+"/type", "unknown element type %q (want one of VerticalLayout, HorizontalLayout, Group, Categorization, Category, Control, Label)", typ)
	}
	if typ == TypeCategorization && !top {
		return nil, b.fail(ptr+"/type", "a Categorization (the steps of the form) must be the root element")
	}
	e := &Element{Type: typ, Source: ptr}
	if l, ok := obj["label"].(string); ok {
		e.Label = l
	}
	if typ == TypeLabel {
		if t, ok := obj["text"].(string); ok {
			e.Label = t
		}
	}
	if r, ok := obj["rule"]; ok {
		rule, err := b.rule(r, ptr+"/rule")
		if err != nil {
			return nil, err
		}
		e.Rule = rule
	}
	if typ == TypeControl {
		if err := b.control(e, obj, ptr); err != nil {
			return nil, err
		}
		return e, nil
	}
	els, _ := obj["elements"].([]any)
	if typ != TypeLabel && len(els) == 0 {
		return nil, b.fail(ptr, "%s has no elements", typ)
	}
	for i, c := range els {
		cptr := ptr + "/elements/" + strconv.Itoa(i)
		if typ == TypeCategorization {
			if co, ok := c.(map[string]any); !ok || co["type"] != TypeCategory {
				return nil, b.fail(cptr, "the elements of a Categorization must be of type Category")
			}
		}
		child, err := b.element(c, cptr, false)
		if err != nil {
			return nil, err
		}
		if child.Type == TypeCategory && typ != TypeCategorization {
			return nil, b.fail(cptr, "a Category must be inside a Categorization")
		}
		e.Elements = append(e.Elements, child)
	}
	return e, nil
}

// scopePointer turns a scope "#/properties/a/properties/b" into the data
// pointer "/a/b" and the node it designates.
func scopePointer(scope string, root *node) (string, *node, error) {
	if scope == "#" || scope == "#/" {
		return "", root, nil
	}
	if !strings.HasPrefix(scope, "#/") {
		return "", nil, fmt.Errorf("scope %q must start with #/", scope)
	}
	toks := pointerTokens(scope[1:])
	var data []string
	cur := root
	for i := 0; i < len(toks); i++ {
		switch toks[i] {
		case "properties":
			if i+1 >= len(toks) {
				return "", nil, fmt.Errorf("scope %q ends after properties", scope)
			}
			name := toks[i+1]
			if cur == nil || cur.properties == nil || cur.properties[name] == nil {
				return "", nil, fmt.Errorf("scope %q: the schema has no property %q there", scope, name)
			}
			cur = cur.properties[name]
			data = append(data, name)
			i++
		case "items":
			return "", nil, fmt.Errorf("scope %q: controls of array items go in the options.detail of the array's control", scope)
		default:
			return "", nil, fmt.Errorf("scope %q: unexpected %q (a scope is a path of properties)", scope, toks[i])
		}
	}
	return joinPointer(data), cur, nil
}

func (b *uiBuilder) control(e *Element, obj map[string]any, ptr string) error {
	root := b.root
	scope, _ := obj["scope"].(string)
	if scope == "" {
		return b.fail(ptr, "a Control needs a scope")
	}
	dptr, n, err := scopePointer(scope, root)
	if err != nil {
		return b.fail(ptr+"/scope", "%v", err)
	}
	if n.unsupported != "" {
		return b.fail(ptr+"/scope", "%v", (&UnsupportedError{Pointer: n.where(), Construct: n.unsupported}).Error())
	}
	e.Scope, e.Pointer, e.node = scope, dptr, n
	e.Required = requiredAt(root, dptr)
	opts, _ := obj["options"].(map[string]any)
	help, _ := obj["help"].(string)
	if help == "" {
		help, _ = opts["help"].(string)
	}
	e.Help = help
	widget, _ := obj["widget"].(string)
	if widget == "" {
		widget, _ = opts["widget"].(string)
	}
	if _, ok := obj["label"].(string); !ok {
		e.Label = labelOf(n, dptr)
	}
	if err := fillControl(e, n, widget, b.lang); err != nil {
		return b.fail(ptr, "%v", err)
	}
	if acc, ok := opts["accept"].([]any); ok {
		e.Accept = e.Accept[:0]
		for _, a := range acc {
			if s, ok := a.(string); ok {
				e.Accept = append(e.Accept, s)
			}
		}
	}
	if e.Widget == WidgetArray {
		if detail, ok := opts["detail"]; ok {
			// Scopes inside detail are relative to the item schema.
			saved, savedIn := b.root, b.inDetail
			b.root, b.inDetail = n.items, true
			d, err := b.element(detail, ptr+"/options/detail", false)
			b.root, b.inDetail = saved, savedIn
			if err != nil {
				return err
			}
			e.Detail = []*Element{d}
		} else {
			d, err := defaultDetail(n.items, b.lang)
			if err != nil {
				return b.fail(ptr, "%v", err)
			}
			e.Detail = d
		}
	}
	return nil
}

// requiredAt tells whether the parent object's schema requires the
// property at ptr.
func requiredAt(root *node, ptr string) bool {
	toks := pointerTokens(ptr)
	if len(toks) == 0 {
		return false
	}
	parent := root.at(toks[:len(toks)-1])
	return parent != nil && parent.required[toks[len(toks)-1]]
}

// fillControl chooses and checks the widget of a control for its schema.
func fillControl(e *Element, n *node, widget string, lang Lang) error {
	choice := n.hasEnum || n.hasConst
	if widget == "" {
		switch {
		case n.file:
			widget = WidgetFile
		case n.typ == "boolean" && n.hasConst && !n.hasEnum:
			// A declaration to accept ("const": true) is a checkbox.
			widget = WidgetCheckbox
		case choice && (len(n.enum) <= 4 || n.hasConst):
			widget = WidgetRadio
		case choice:
			widget = WidgetSelect
		case n.typ == "boolean":
			widget = WidgetCheckbox
		case n.typ == "number" || n.typ == "integer":
			widget = WidgetNumber
		case n.typ == "array":
			widget = WidgetArray
		case n.typ == "object":
			return fmt.Errorf("a Control cannot show the object %s as one field: use a Group with a Control per property", n.ptr)
		case n.format == "date":
			widget = WidgetDate
		case n.format == "email" || n.format == "pec":
			widget = WidgetEmail
		case n.maxLength != nil && *n.maxLength > 200:
			widget = WidgetTextarea
		default:
			widget = WidgetText
		}
	}
	ok := false
	switch widget {
	case WidgetText, WidgetTextarea, WidgetEmail, WidgetDate:
		ok = n.typ == "string" && !choice
	case WidgetNumber:
		ok = (n.typ == "number" || n.typ == "integer") && !choice
	case WidgetSelect, WidgetRadio:
		ok = choice || n.typ == "boolean"
	case WidgetCheckbox:
		ok = n.typ == "boolean" && !n.hasEnum
	case WidgetFile:
		ok = n.file
	case WidgetArray:
		ok = n.typ == "array"
	default:
		return fmt.Errorf("unknown widget %q (want text, textarea, number, select, radio, checkbox, date, email or file)", widget)
	}
	if !ok {
		what := n.typ
		if choice {
			what = "a choice (enum/const)"
		}
		return fmt.Errorf("the widget %q does not fit the schema %s (%s)", widget, n.ptr, what)
	}
	e.Widget = widget
	e.Multiline = widget == WidgetTextarea
	if n.file {
		e.Accept, e.MaxSize = n.accept, n.maxFileSize
	}
	if widget == WidgetSelect || widget == WidgetRadio {
		choice = n.hasEnum || n.hasConst
		vals := n.enum
		if n.hasConst {
			vals = []any{n.constVal}
		}
		if !choice {
			vals = []any{true, false}
		}
		for _, v := range vals {
			js, err := json.Marshal(v)
			if err != nil {
				return err
			}
			e.Options = append(e.Options, Option{Value: string(js), Label: choiceLabel(v, lang), value: v})
		}
	}
	return nil
}

// choiceLabel is how a choice reads: strings as they are, booleans as
// Sì/No, other values as JSON.
func choiceLabel(v any, lang Lang) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		if x {
			return Text(lang, "yes")
		}
		return Text(lang, "no")
	case nil:
		return "—"
	}
	js, _ := json.Marshal(v)
	return string(js)
}

func (b *uiBuilder) rule(raw any, ptr string) (*Rule, error) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, b.fail(ptr, "a rule must be an object")
	}
	if b.inDetail {
		return nil, b.fail(ptr, "rules inside the detail of an array are not supported: put the rule on the array's control")
	}
	eff, _ := obj["effect"].(string)
	switch eff {
	case EffectShow, EffectHide, EffectEnable, EffectDisable:
	default:
		return nil, b.fail(ptr+"/effect", "unknown effect %q (want SHOW, HIDE, ENABLE or DISABLE)", eff)
	}
	cond, ok := obj["condition"].(map[string]any)
	if !ok {
		return nil, b.fail(ptr, "a rule needs a condition with scope and schema")
	}
	scope, _ := cond["scope"].(string)
	dptr, _, err := scopePointer(scope, b.root)
	if err != nil {
		return nil, b.fail(ptr+"/condition/scope", "%v", err)
	}
	sch, ok := cond["schema"]
	if !ok {
		return nil, b.fail(ptr+"/condition", "the condition has no schema")
	}
	js, err := json.Marshal(sch)
	if err != nil {
		return nil, b.fail(ptr+"/condition/schema", "%v", err)
	}
	r := &Rule{Effect: eff, Scope: scope, Pointer: dptr, SchemaJSON: js, toks: pointerTokens(dptr)}
	r.setFast(sch)
	b.ruleSchemas = append(b.ruleSchemas, r)
	b.ruleRaw = append(b.ruleRaw, sch)
	b.rulePtrs = append(b.rulePtrs, ptr+"/condition/schema")
	return r, nil
}

func (b *uiBuilder) compileRules() error {
	for i, r := range b.ruleSchemas {
		url := fmt.Sprintf("https://procedo.dev/forms/rule-%d.json", i)
		if err := b.compiler.AddResource(url, b.ruleRaw[i]); err != nil {
			return b.fail(b.rulePtrs[i], "%v", err)
		}
		s, err := b.compiler.Compile(url)
		if err != nil {
			return b.fail(b.rulePtrs[i], "the condition is not a valid JSON Schema: %v", err)
		}
		r.Schema = s
	}
	return nil
}

// defaultLayout derives a layout from the schema: a vertical layout with a
// control per property, a group per nested object, in declared order.
func defaultLayout(root *node) (*Element, error) {
	if root.unsupported != "" {
		return nil, &UnsupportedError{Pointer: root.where(), Construct: root.unsupported}
	}
	layout := &Element{Type: TypeVerticalLayout}
	if root.typ != "object" || root.hasEnum || root.hasConst {
		c := &Element{Type: TypeControl, Scope: "#", Pointer: "", node: root, Label: labelOf(root, "")}
		if c.Label == "" {
			c.Label = Text(Italian, "root")
		}
		if err := fillControl(c, root, "", Italian); err != nil {
			return nil, err
		}
		if c.Widget == WidgetArray {
			d, err := defaultDetail(root.items, Italian)
			if err != nil {
				return nil, err
			}
			c.Detail = d
		}
		layout.Elements = []*Element{c}
		return layout, nil
	}
	els, err := defaultElements(root, root, "")
	if err != nil {
		return nil, err
	}
	layout.Elements = els
	return layout, nil
}

func defaultElements(root, obj *node, base string) ([]*Element, error) {
	var out []*Element
	for _, k := range obj.props {
		n := obj.properties[k]
		ptr := base + "/" + escapeToken(k)
		if n.typ == "object" && !n.file && !n.hasEnum && !n.hasConst {
			kids, err := defaultElements(root, n, ptr)
			if err != nil {
				return nil, err
			}
			out = append(out, &Element{Type: TypeGroup, Label: labelOf(n, ptr), Elements: kids})
			continue
		}
		c := &Element{Type: TypeControl, Scope: scopeOf(ptr), Pointer: ptr, node: n, Label: labelOf(n, ptr)}
		c.Required = obj.required[k]
		c.Help = n.description
		if err := fillControl(c, n, "", Italian); err != nil {
			return nil, err
		}
		if c.Widget == WidgetArray {
			d, err := defaultDetail(n.items, Italian)
			if err != nil {
				return nil, err
			}
			c.Detail = d
		}
		out = append(out, c)
	}
	return out, nil
}

// defaultDetail is the controls of one array item, with pointers relative
// to the item.
func defaultDetail(item *node, lang Lang) ([]*Element, error) {
	if item.typ == "object" && !item.file && !item.hasEnum && !item.hasConst {
		return defaultElements(item, item, "")
	}
	c := &Element{Type: TypeControl, Scope: "#", Pointer: "", node: item, Label: labelOf(item, "")}
	if err := fillControl(c, item, "", lang); err != nil {
		return nil, err
	}
	return []*Element{c}, nil
}

// scopeOf is the scope of a data pointer.
func scopeOf(ptr string) string {
	var b strings.Builder
	b.WriteByte('#')
	for _, t := range pointerTokens(ptr) {
		b.WriteString("/properties/")
		b.WriteString(escapeToken(t))
	}
	return b.String()
}
