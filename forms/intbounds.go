package forms

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// Integer fields without big.Rat.
//
// The validator checks "type": "integer" and "minimum"/"maximum" by
// printing the number and parsing it into a big.Rat, twice per value
// (about a tenth of the time spent validating the ZTL application, which
// has four such fields). A form field such as "euro" or "durata_mesi" is
// the plain schema {"type": "integer", "minimum": a, "maximum": b} with
// integer bounds; for those schemas, once compiled, the type and bounds
// move into a schema extension that compares machine integers and reports
// the very error kinds the validator would (kind.Type, kind.Minimum,
// kind.Maximum), so messages and pointers do not change. The validator
// still walks the instance, calls the extension and builds the errors.
//
// Only schemas whose keywords are exactly these (plus annotations) are
// rewritten: with any other keyword, an instance of the wrong type would
// reach keywords the "type" check used to stop.

// intBounds is the extension replacing type/minimum/maximum.
type intBounds struct {
	min, max       *big.Rat // nil when absent
	minInt, maxInt int64
}

// maxExact is the largest integer every float64 up to it holds exactly.
const maxExact = 1 << 53

// annotationKeys are keywords that never make an instance invalid.
var annotationKeys = map[string]bool{
	"title": true, "description": true, "default": true, "examples": true,
	"$comment": true, "readOnly": true, "writeOnly": true, "deprecated": true,
}

// optimizeIntegers rewrites the plain integer schemas reachable from sch.
// doc is the raw schema document compiled at schemaURL: a schema is
// rewritten only when its raw object can be found there and checked.
func optimizeIntegers(sch *jsonschema.Schema, doc any) {
	seen := map[*jsonschema.Schema]bool{}
	var walk func(s *jsonschema.Schema)
	walk = func(s *jsonschema.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		rewriteInteger(s, doc)
		for _, c := range subschemas(s) {
			walk(c)
		}
	}
	walk(sch)
}

// subschemas lists the schemas s applies to its instance or its parts.
// One left out is only left unoptimised.
func subschemas(s *jsonschema.Schema) []*jsonschema.Schema {
	out := []*jsonschema.Schema{s.Ref, s.RecursiveRef, s.Not, s.If, s.Then, s.Else,
		s.PropertyNames, s.UnevaluatedProperties, s.Contains, s.Items2020,
		s.UnevaluatedItems, s.ContentSchema}
	if s.DynamicRef != nil {
		out = append(out, s.DynamicRef.Ref)
	}
	out = append(out, s.AllOf...)
	out = append(out, s.AnyOf...)
	out = append(out, s.OneOf...)
	out = append(out, s.PrefixItems...)
	for _, c := range s.Properties {
		out = append(out, c)
	}
	for _, c := range s.PatternProperties {
		out = append(out, c)
	}
	for _, c := range s.DependentSchemas {
		out = append(out, c)
	}
	for _, d := range s.Dependencies {
		if c, ok := d.(*jsonschema.Schema); ok {
			out = append(out, c)
		}
	}
	for _, x := range []any{s.AdditionalProperties, s.Items, s.AdditionalItems} {
		switch c := x.(type) {
		case *jsonschema.Schema:
			out = append(out, c)
		case []*jsonschema.Schema:
			out = append(out, c...)
		}
	}
	return out
}

// rewriteInteger moves the type and bounds of a plain integer schema into
// an intBounds extension.
func rewriteInteger(s *jsonschema.Schema, doc any) {
	if s.Types == nil || len(s.Extensions) > 0 || s.Bool != nil {
		return
	}
	if t := s.Types.ToStrings(); len(t) != 1 || t[0] != "integer" {
		return
	}
	frag, ok := strings.CutPrefix(s.Location, schemaURL+"#")
	if !ok {
		return
	}
	raw, ok := lookupSchema(doc, frag)
	if !ok {
		return
	}
	for k := range raw {
		if k != "type" && k != "minimum" && k != "maximum" && !annotationKeys[k] && !strings.HasPrefix(k, "x-") {
			return
		}
	}
	ib := &intBounds{}
	for _, b := range []struct {
		r *big.Rat
		p **big.Rat
		i *int64
	}{{s.Minimum, &ib.min, &ib.minInt}, {s.Maximum, &ib.max, &ib.maxInt}} {
		if b.r == nil {
			continue
		}
		if !b.r.IsInt() || !b.r.Num().IsInt64() {
			return
		}
		n := b.r.Num().Int64()
		if n > maxExact || n < -maxExact {
			return
		}
		*b.p, *b.i = b.r, n
	}
	s.Types, s.Minimum, s.Maximum = nil, nil, nil
	s.Extensions = []jsonschema.SchemaExt{ib}
}

// lookupSchema finds the object at a JSON pointer fragment of doc.
func lookupSchema(doc any, frag string) (map[string]any, bool) {
	v := doc
	for _, t := range pointerTokens(frag) {
		switch c := v.(type) {
		case map[string]any:
			v = c[t]
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			v = c[i]
		default:
			return nil, false
		}
	}
	obj, ok := v.(map[string]any)
	return obj, ok
}

// Validate checks what "type": "integer", "minimum" and "maximum" check,
// in that order: a value of the wrong type gets only the type error.
func (ib *intBounds) Validate(ctx *jsonschema.ValidatorContext, v any) {
	n, exact, isInt := integerOf(v)
	if !isInt {
		ctx.AddError(&kind.Type{Got: jsonTypeName(v), Want: []string{"integer"}})
		return
	}
	var r *big.Rat
	got := func() *big.Rat {
		if r == nil {
			r, _ = new(big.Rat).SetString(fmt.Sprint(v))
		}
		return r
	}
	if exact {
		if ib.min != nil && n < ib.minInt {
			ctx.AddError(&kind.Minimum{Got: got(), Want: ib.min})
		}
		if ib.max != nil && n > ib.maxInt {
			ctx.AddError(&kind.Maximum{Got: got(), Want: ib.max})
		}
		return
	}
	if ib.min != nil && got().Cmp(ib.min) < 0 {
		ctx.AddError(&kind.Minimum{Got: got(), Want: ib.min})
	}
	if ib.max != nil && got().Cmp(ib.max) > 0 {
		ctx.AddError(&kind.Maximum{Got: got(), Want: ib.max})
	}
}

// integerOf tells whether v is a number with an integer value; exact says
// that n is that value (otherwise compare as big.Rat).
func integerOf(v any) (n int64, exact, isInt bool) {
	switch x := v.(type) {
	case float64:
		if x != math.Trunc(x) || math.IsInf(x, 0) {
			return 0, false, false
		}
		if x >= -maxExact && x <= maxExact {
			return int64(x), true, true
		}
		return 0, false, true
	case float32:
		return integerOf(float64(x))
	case int:
		return int64(x), true, true
	case int8:
		return int64(x), true, true
	case int16:
		return int64(x), true, true
	case int32:
		return int64(x), true, true
	case int64:
		return x, true, true
	case uint:
		return integerOf(uint64(x))
	case uint8:
		return int64(x), true, true
	case uint16:
		return int64(x), true, true
	case uint32:
		return int64(x), true, true
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x), true, true
		}
		return 0, false, true
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return i, true, true
		}
		r, ok := new(big.Rat).SetString(string(x))
		return 0, false, ok && r.IsInt()
	}
	return 0, false, false
}

// jsonTypeName names the JSON type of v as the validator does.
func jsonTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "number"
}
