package forms

import (
	"encoding/json"
	"strconv"
)

// lookup returns the value at the data pointer ptr.
func lookup(v any, ptr string) (any, bool) {
	for _, t := range pointerTokens(ptr) {
		switch c := v.(type) {
		case map[string]any:
			next, ok := c[t]
			if !ok {
				return nil, false
			}
			v = next
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
	return v, true
}

// holds evaluates the condition of a rule on data. A condition on absent
// data does not hold: "show the vehicle section when has_vehicle is true"
// keeps it hidden until the citizen answers.
func (r *Rule) holds(data any) bool {
	v, ok := lookup(data, r.Pointer)
	if !ok {
		return false
	}
	return r.Schema.Validate(v) == nil
}

// visible reports whether the rule lets its element show.
func (r *Rule) visible(data any) bool {
	switch r.Effect {
	case EffectShow:
		return r.holds(data)
	case EffectHide:
		return !r.holds(data)
	}
	return true
}

// enabled reports whether the rule lets its element be edited.
func (r *Rule) enabled(data any) bool {
	switch r.Effect {
	case EffectEnable:
		return r.holds(data)
	case EffectDisable:
		return !r.holds(data)
	}
	return true
}

// State is what the rules say about one element for some data.
type State struct {
	Visible bool
	Enabled bool
}

// StateOf evaluates the rules of e and of its ancestors in the layout
// (pass the ancestors' state as parent; the root's parent is
// State{true, true}).
func (e *Element) StateOf(data any, parent State) State {
	s := parent
	if e.Rule != nil {
		s.Visible = s.Visible && e.Rule.visible(data)
		s.Enabled = s.Enabled && e.Rule.enabled(data)
	}
	return s
}

// Hidden returns the data pointers of the controls that the rules hide
// for data. Their data is dropped and their constraints do not apply.
func (f *Form) Hidden(data any) []string {
	if !f.hasRules || f.layout == nil {
		return nil
	}
	var out []string
	var walk func(e *Element, visible bool)
	walk = func(e *Element, visible bool) {
		if e.Rule != nil && visible {
			visible = e.Rule.visible(data)
		}
		if e.Type == TypeControl {
			if !visible {
				out = append(out, e.Pointer)
			}
			return
		}
		for _, c := range e.Elements {
			walk(c, visible)
		}
	}
	walk(f.layout, true)
	return out
}

// disabled returns the data pointers of the controls that the rules
// disable for data.
func (f *Form) disabled(data any) []string {
	if !f.hasRules || f.layout == nil {
		return nil
	}
	var out []string
	var walk func(e *Element, enabled bool)
	walk = func(e *Element, enabled bool) {
		if e.Rule != nil && enabled {
			enabled = e.Rule.enabled(data)
		}
		if e.Type == TypeControl {
			if !enabled {
				out = append(out, e.Pointer)
			}
			return
		}
		for _, c := range e.Elements {
			walk(c, enabled)
		}
	}
	walk(f.layout, true)
	return out
}

// Prune returns data without the values of hidden controls. It does not
// modify data: the objects on the way to a removed value are copied.
func (f *Form) Prune(data any) any {
	hidden := f.Hidden(data)
	if len(hidden) == 0 {
		return data
	}
	return prune(data, hidden)
}

func prune(data any, ptrs []string) any {
	for _, p := range ptrs {
		data = without(data, pointerTokens(p))
	}
	return data
}

// without returns v without the value at toks (copy on write).
func without(v any, toks []string) any {
	if len(toks) == 0 {
		return nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return v
	}
	cur, ok := obj[toks[0]]
	if !ok {
		return v
	}
	cp := make(map[string]any, len(obj))
	for k, x := range obj {
		cp[k] = x
	}
	if len(toks) == 1 {
		delete(cp, toks[0])
	} else {
		cp[toks[0]] = without(cur, toks[1:])
	}
	return cp
}

// RulesJSON is the rules of the form for the client-side script: for each
// element id, the effect, the data pointer and the condition schema.
type ruleJSON struct {
	Effect  string          `json:"effect"`
	Pointer string          `json:"pointer"`
	Schema  json.RawMessage `json:"schema"`
}
