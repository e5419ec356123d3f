package forms

import (
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Schema variants for hidden controls.
//
// A control hidden by a rule is not required (JSON Forms semantics; a
// citizen cannot fill what the page does not show). Validate could check
// the full schema and drop the "required" errors of hidden controls, but
// building errors only to throw them away is most of the cost of
// validating a valid application. So the form compiles, once per set of
// hidden controls, a variant of the schema whose "required" lists leave
// those controls out, and validates against it. Rules give few distinct
// sets; the cache is bounded all the same, and a set it cannot take, or a
// schema where the parent of a hidden control is not a plain path of
// "properties" (a $ref shared with visible data, a combinator), falls back
// to filtering the errors.

const maxVariants = 64

type variantCache struct {
	mu sync.Mutex
	m  map[string]*jsonschema.Schema // nil value: no variant possible
}

// variant returns the schema to validate data with hidden controls.
func (f *Form) variant(hidden []string) *jsonschema.Schema {
	if len(hidden) == 0 {
		return f.schema
	}
	key := strings.Join(hidden, "\x00")
	f.variants.mu.Lock()
	defer f.variants.mu.Unlock()
	if s, ok := f.variants.m[key]; ok {
		if s == nil {
			return f.schema
		}
		return s
	}
	if f.variants.m == nil {
		f.variants.m = map[string]*jsonschema.Schema{}
	}
	if len(f.variants.m) >= maxVariants {
		return f.schema
	}
	s := f.compileVariant(hidden)
	f.variants.m[key] = s
	if s == nil {
		return f.schema
	}
	return s
}

func (f *Form) compileVariant(hidden []string) *jsonschema.Schema {
	doc := deepCopy(f.rawSchema)
	changed := false
	for _, h := range hidden {
		toks := pointerTokens(h)
		if len(toks) == 0 {
			return nil
		}
		parent, ok := doc.(map[string]any)
		for _, t := range toks[:len(toks)-1] {
			if !ok || parent["$ref"] != nil {
				return nil
			}
			props, _ := parent["properties"].(map[string]any)
			parent, ok = props[t].(map[string]any)
		}
		if !ok || parent["$ref"] != nil {
			return nil
		}
		req, _ := parent["required"].([]any)
		kept := req[:0:0]
		for _, r := range req {
			if r != toks[len(toks)-1] {
				kept = append(kept, r)
			}
		}
		if len(kept) != len(req) {
			parent["required"] = kept
			changed = true
		}
	}
	if !changed {
		return f.schema
	}
	c, err := newCompiler(f.opts)
	if err != nil {
		return nil
	}
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil
	}
	s, err := c.Compile(schemaURL)
	if err != nil {
		return nil
	}
	optimizeIntegers(s, doc)
	return s
}

// Rule outcomes → hidden controls and variant.
//
// Validate needs, for each instance, the hidden controls and the variant
// for them. Both depend only on which SHOW/HIDE rules hide, so with up to
// 64 such rules the outcomes make a bit mask that keys a cache of the two:
// a validation then builds neither the list of hidden controls nor the
// variant cache's string key.

const maxHiddenSets = 256

type hiddenSet struct {
	hidden []string // shared: read only
	schema *jsonschema.Schema
}

type hiddenCache struct {
	mu sync.RWMutex
	m  map[uint64]*hiddenSet
}

// hiddenVariant returns Hidden(data) and the schema to validate it with.
func (f *Form) hiddenVariant(data any) ([]string, *jsonschema.Schema) {
	if len(f.visRules) > 64 || f.layout == nil {
		h := f.Hidden(data)
		return h, f.variant(h)
	}
	var mask uint64
	for i, r := range f.visRules {
		if !r.visible(data) {
			mask |= 1 << i
		}
	}
	f.hiddenSets.mu.RLock()
	e := f.hiddenSets.m[mask]
	f.hiddenSets.mu.RUnlock()
	if e != nil {
		return e.hidden, e.schema
	}
	var hidden []string
	for _, cv := range f.visibility {
		for _, ri := range cv.rules {
			if mask&(1<<ri) != 0 {
				hidden = append(hidden, cv.pointer)
				break
			}
		}
	}
	e = &hiddenSet{hidden: hidden, schema: f.variant(hidden)}
	f.hiddenSets.mu.Lock()
	if f.hiddenSets.m == nil {
		f.hiddenSets.m = map[uint64]*hiddenSet{}
	}
	if len(f.hiddenSets.m) < maxHiddenSets {
		f.hiddenSets.m[mask] = e
	}
	f.hiddenSets.mu.Unlock()
	return e.hidden, e.schema
}
