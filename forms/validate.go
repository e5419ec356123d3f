package forms

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/procedo/procedo/forms/format"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

var defaultPrinter = message.NewPrinter(language.English)

// FieldError is one problem with the data, on one field.
type FieldError struct {
	// Pointer is the JSON pointer of the field in the instance ("" for the
	// whole form). For a missing required field it points at the field,
	// not at its parent object.
	Pointer string `json:"pointer"`
	// Message is the text for the citizen, in the form's language, naming
	// the field by its label.
	Message string `json:"message"`
	// Keyword is the JSON Schema keyword that failed (for programs).
	Keyword string `json:"keyword"`
}

func (e FieldError) Error() string { return e.Pointer + ": " + e.Message }

// ValidateJSON parses data (JSON) and validates it. The error is for data
// that is not JSON; problems with the values are the FieldErrors.
func (f *Form) ValidateJSON(data []byte) ([]FieldError, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		if pos, ok := jsonSyntaxPosition(data, err); ok {
			return nil, fmt.Errorf("%d:%d: not valid JSON: %w", pos.line, pos.col, err)
		}
		return nil, fmt.Errorf("not valid JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("not valid JSON: data after the top-level value")
	}
	return f.Validate(v), nil
}

// Validate checks an instance (as decoded by encoding/json, numbers as
// float64 or json.Number) and returns its errors in layout order; nil when
// it is valid. The data of controls hidden by a rule is ignored: it is
// neither checked nor required (see Prune).
func (f *Form) Validate(instance any) []FieldError {
	var hidden []string
	schema := f.schema
	if f.hasRules {
		hidden, schema = f.hiddenVariant(instance)
		if len(hidden) > 0 {
			instance = f.prune(instance, hidden)
		}
	}
	err := schema.Validate(instance)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []FieldError{{Pointer: "", Message: Text(f.lang, "invalid", f.Label("")), Keyword: ""}}
	}
	c := collector{f: f, seen: map[string]bool{}, hidden: hidden}
	c.walk(ve)
	if len(c.out) == 0 {
		return nil
	}
	// The layout position of each error is found once, not at every
	// comparison of the sort.
	ranked := make([]rankedError, len(c.out))
	for i, e := range c.out {
		ranked[i] = rankedError{pos: f.position(e.Pointer), err: e}
	}
	sort.SliceStable(ranked, func(i, j int) bool {
		if ranked[i].pos != ranked[j].pos {
			return ranked[i].pos < ranked[j].pos
		}
		return ranked[i].err.Pointer < ranked[j].err.Pointer
	})
	out := c.out
	for i := range ranked {
		out[i] = ranked[i].err
	}
	return out
}

type rankedError struct {
	pos int
	err FieldError
}

// position is the order of a data pointer in the layout (unknown last).
func (f *Form) position(ptr string) int {
	if p, ok := f.order[f.pattern(ptr)]; ok {
		return p
	}
	return len(f.order)
}

func underAny(ptr string, prefixes []string) bool {
	for _, p := range prefixes {
		if ptr == p || strings.HasPrefix(ptr, p+"/") {
			return true
		}
	}
	return false
}

type collector struct {
	f      *Form
	out    []FieldError
	seen   map[string]bool
	hidden []string
}

// skip tells whether an error at ptr is about hidden data (a required
// field the rules hide): it is dropped before its message is built.
func (c *collector) skip(ptr string) bool { return underAny(ptr, c.hidden) }

func (c *collector) add(ptr, keyword, msg string) {
	k := ptr + "\x00" + msg
	if c.seen[k] {
		return
	}
	c.seen[k] = true
	c.out = append(c.out, FieldError{Pointer: ptr, Message: msg, Keyword: keyword})
}

func (c *collector) walk(ve *jsonschema.ValidationError) {
	ptr := joinPointer(ve.InstanceLocation)
	switch k := ve.ErrorKind.(type) {
	case *kind.Schema, *kind.Group, *kind.AllOf, *kind.Reference:
		for _, cause := range ve.Causes {
			c.walk(cause)
		}
		return
	case *kind.AnyOf:
		if c.skip(ptr) {
			return
		}
		c.add(ptr, "anyOf", c.text("alternatives", ptr))
		return
	case *kind.OneOf:
		if c.skip(ptr) {
			return
		}
		if len(k.Subschemas) > 1 {
			c.add(ptr, "oneOf", c.text("oneOf.many", ptr))
		} else {
			c.add(ptr, "oneOf", c.text("alternatives", ptr))
		}
		return
	}
	if len(ve.Causes) > 0 {
		for _, cause := range ve.Causes {
			c.walk(cause)
		}
		return
	}
	c.leaf(ve, ptr)
}

func (c *collector) text(key, ptr string, args ...any) string {
	return Text(c.f.lang, key, append([]any{c.f.Label(ptr)}, args...)...)
}

func ratString(lang Lang, r *big.Rat) string {
	if r == nil {
		return ""
	}
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64()
	return formatNumberIT(lang, fmt.Sprint(f))
}

func child(ptr, name string) string { return ptr + "/" + escapeToken(name) }

func (c *collector) leaf(ve *jsonschema.ValidationError, ptr string) {
	lang := c.f.lang
	if _, req := ve.ErrorKind.(*kind.Required); !req && c.skip(ptr) {
		return
	}
	switch k := ve.ErrorKind.(type) {
	case *kind.Required:
		for _, m := range k.Missing {
			if p := child(ptr, m); !c.skip(p) {
				c.add(p, "required", c.text("required", p))
			}
		}
	case *kind.DependentRequired:
		for _, m := range k.Missing {
			p := child(ptr, m)
			c.add(p, "dependentRequired", c.text("dependentRequired", p, c.f.Label(child(ptr, k.Prop))))
		}
	case *kind.Dependency:
		for _, m := range k.Missing {
			p := child(ptr, m)
			c.add(p, "dependencies", c.text("dependentRequired", p, c.f.Label(child(ptr, k.Prop))))
		}
	case *kind.Type:
		key := "type"
		if len(k.Want) == 1 && hasText(lang, "type."+k.Want[0]) {
			key = "type." + k.Want[0]
		}
		c.add(ptr, "type", c.text(key, ptr))
	case *kind.Enum:
		c.add(ptr, "enum", c.text("enum", ptr))
	case *kind.Const:
		c.add(ptr, "const", c.text("const", ptr))
	case *kind.MinLength:
		c.add(ptr, "minLength", c.text("minLength", ptr, k.Want))
	case *kind.MaxLength:
		c.add(ptr, "maxLength", c.text("maxLength", ptr, k.Want))
	case *kind.Pattern:
		c.add(ptr, "pattern", c.text("pattern", ptr))
	case *kind.Minimum:
		c.add(ptr, "minimum", c.text("minimum", ptr, ratString(lang, k.Want)))
	case *kind.Maximum:
		c.add(ptr, "maximum", c.text("maximum", ptr, ratString(lang, k.Want)))
	case *kind.ExclusiveMinimum:
		c.add(ptr, "exclusiveMinimum", c.text("exclusiveMinimum", ptr, ratString(lang, k.Want)))
	case *kind.ExclusiveMaximum:
		c.add(ptr, "exclusiveMaximum", c.text("exclusiveMaximum", ptr, ratString(lang, k.Want)))
	case *kind.MultipleOf:
		c.add(ptr, "multipleOf", c.text("multipleOf", ptr, ratString(lang, k.Want)))
	case *kind.MinItems:
		c.add(ptr, "minItems", c.text("minItems", ptr, k.Want))
	case *kind.MaxItems:
		c.add(ptr, "maxItems", c.text("maxItems", ptr, k.Want))
	case *kind.UniqueItems:
		c.add(ptr, "uniqueItems", c.text("uniqueItems", ptr))
	case *kind.MinProperties:
		c.add(ptr, "minProperties", c.text("minProperties", ptr, k.Want))
	case *kind.MaxProperties:
		c.add(ptr, "maxProperties", c.text("maxProperties", ptr, k.Want))
	case *kind.AdditionalProperties:
		c.add(ptr, "additionalProperties", c.text("additionalProperties", ptr, strings.Join(k.Properties, ", ")))
	case *kind.Contains, *kind.MinContains, *kind.MaxContains:
		c.add(ptr, "contains", c.text("contains", ptr))
	case *kind.Not, *kind.FalseSchema:
		c.add(ptr, "not", c.text("not", ptr))
	case *kind.Format:
		c.add(ptr, "format", c.formatText(ptr, k))
	case *dateBoundKind:
		key := k.keyword
		if k.bound.expr == "today" {
			key += ".today"
		}
		c.add(ptr, k.keyword, c.text(key, ptr, italianDate(k.limit)))
	default:
		kw := ""
		if p := ve.ErrorKind.KeywordPath(); len(p) > 0 {
			kw = p[0]
		}
		c.add(ptr, kw, c.text("invalid", ptr))
	}
}

func (c *collector) formatText(ptr string, k *kind.Format) string {
	lang := c.f.lang
	var fe *format.Error
	if errors.As(k.Err, &fe) {
		if key := "format." + k.Want + "." + fe.Reason; hasText(lang, key) {
			return c.text(key, ptr)
		}
	}
	if key := "format." + k.Want; hasText(lang, key) {
		return c.text(key, ptr)
	}
	return c.text("format", ptr, k.Want)
}

// italianDate writes YYYY-MM-DD as DD/MM/YYYY.
func italianDate(s string) string {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		return s[8:10] + "/" + s[5:7] + "/" + s[0:4]
	}
	return s
}
