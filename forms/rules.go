package forms

import "strconv"

// lookup returns the value at the data pointer ptr.
func lookup(v any, ptr string) (any, bool) { return lookupTokens(v, pointerTokens(ptr)) }

// lookupTokens returns the value at the pointer split into toks.
func lookupTokens(v any, toks []string) (any, bool) {
	for _, t := range toks {
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
	toks := r.toks
	if toks == nil && r.Pointer != "" {
		toks = pointerTokens(r.Pointer) // a Rule built outside the ui builder
	}
	v, ok := lookupTokens(data, toks)
	if !ok {
		return false
	}
	// Most conditions are {"const": x} or {"enum": [...]}: compare
	// directly instead of running the validator.
	switch r.fast {
	case fastConst:
		return jsonEqual(r.values[0], v)
	case fastEnum:
		for _, x := range r.values {
			if jsonEqual(x, v) {
				return true
			}
		}
		return false
	}
	return r.Schema.Validate(v) == nil
}

const (
	fastNone = iota
	fastConst
	fastEnum
)

// setFast recognises the conditions holds can evaluate without the
// validator.
func (r *Rule) setFast(raw any) {
	obj, ok := raw.(map[string]any)
	if !ok || len(obj) != 1 {
		return
	}
	if c, ok := obj["const"]; ok {
		r.fast, r.values = fastConst, []any{c}
	}
	if e, ok := obj["enum"].([]any); ok {
		r.fast, r.values = fastEnum, e
	}
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
	// Each SHOW/HIDE rule is evaluated once; a control is hidden when one
	// of the rules above it hides it (see Form.visibility).
	var buf [32]int8 // 0 unknown, 1 visible, -1 hidden
	var state []int8
	if len(f.visRules) > len(buf) {
		state = make([]int8, len(f.visRules))
	} else {
		state = buf[:len(f.visRules)]
	}
	var out []string
	for i := range f.visibility {
		cv := &f.visibility[i]
		for _, ri := range cv.rules {
			if state[ri] == 0 {
				state[ri] = 1
				if !f.visRules[ri].visible(data) {
					state[ri] = -1
				}
			}
			if state[ri] < 0 {
				out = append(out, cv.pointer)
				break
			}
		}
	}
	return out
}

// controlRules lists the SHOW/HIDE rules above one control.
type controlRules struct {
	pointer string
	rules   []int // indexes in Form.visRules
}

// indexVisibility fills visRules and visibility from the layout.
func (f *Form) indexVisibility() {
	index := map[*Rule]int{}
	var walk func(e *Element, above []int)
	walk = func(e *Element, above []int) {
		if e.Rule != nil && (e.Rule.Effect == EffectShow || e.Rule.Effect == EffectHide) {
			i, ok := index[e.Rule]
			if !ok {
				i = len(f.visRules)
				index[e.Rule] = i
				f.visRules = append(f.visRules, e.Rule)
			}
			above = append(above[:len(above):len(above)], i)
		}
		if e.Type == TypeControl {
			if len(above) > 0 {
				f.visibility = append(f.visibility, controlRules{pointer: e.Pointer, rules: above})
				if f.ptrTokens == nil {
					f.ptrTokens = map[string][]string{}
				}
				f.ptrTokens[e.Pointer] = pointerTokens(e.Pointer)
			}
			return
		}
		for _, c := range e.Elements {
			walk(c, above)
		}
	}
	walk(f.layout, nil)
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
	return f.prune(data, hidden)
}

// prune drops the values at the hidden pointers ptrs, split once at
// Compile for the controls under a rule (as Hidden returns them).
func (f *Form) prune(data any, ptrs []string) any {
	return pruneWith(data, ptrs, func(p string) []string {
		if t, ok := f.ptrTokens[p]; ok {
			return t
		}
		return pointerTokens(p)
	})
}

func prune(data any, ptrs []string) any { return pruneWith(data, ptrs, pointerTokens) }

func pruneWith(data any, ptrs []string, tokens func(string) []string) any {
	for _, p := range ptrs {
		toks := tokens(p)
		if _, ok := lookupTokens(data, toks); !ok {
			continue // nothing to drop: no copy
		}
		data = without(data, toks)
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
