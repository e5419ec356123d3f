package forms

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
)

// Form posts.
//
// Every field of a page is named after the JSON pointer of its data with a
// "$" in front ("$/richiedente/nome"; "$" alone is the whole instance), so
// the mapping needs no table and nested objects and arrays come for free.
// Names starting with "_" are the form's own (CSRF token, idempotency key,
// action, draft). Values are written as people type them:
//
//   - strings as they are; an empty text field means "no answer" and
//     removes the property (an empty item of a list stays "");
//   - numbers in decimal, with a comma or a dot; integers without decimals;
//   - booleans as a checkbox with value "true" (absent: false) or a
//     yes/no radio;
//   - choices (enum, const) as the JSON text of the chosen value, so a
//     choice of any JSON type round-trips;
//   - arrays as their items ("$/allegati/0/descrizione") plus a length
//     field named after the array ("$/allegati" = "2"), so empty items and
//     removals survive;
//   - files as multipart parts, turned into a FileRef by the submission
//     layer before Decode sees them.

// FieldName is the name of the form field of the data at ptr.
func FieldName(ptr string) string { return "$" + ptr }

// PointerOf is the data pointer of a field name, and whether the name is
// a data field.
func PointerOf(name string) (string, bool) {
	if !strings.HasPrefix(name, "$") {
		return "", false
	}
	p := name[1:]
	if p != "" && p[0] != '/' {
		return "", false
	}
	return p, true
}

// FieldID is the HTML id of the field at ptr: letters and digits kept,
// "/" written "-", anything else as "_hex_", so ids are unique and valid
// in CSS selectors and URL fragments.
func FieldID(ptr string) string {
	var b strings.Builder
	b.WriteString("f")
	for _, c := range []byte(ptr) {
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			b.WriteByte(c)
		case c == '/':
			b.WriteByte('-')
		default:
			fmt.Fprintf(&b, "_%02x", c)
		}
	}
	return b.String()
}

// FileRef is the JSON value of a file field: a document stored by the
// submission layer, identified by its SHA-256.
type FileRef struct {
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// Map is the FileRef as a JSON object value.
func (r FileRef) Map() map[string]any {
	return map[string]any{"name": r.Name, "contentType": r.ContentType, "size": float64(r.Size), "sha256": r.SHA256}
}

// Lookup returns the value at the data pointer ptr of data.
func Lookup(data any, ptr string) (any, bool) { return lookup(data, ptr) }

// Page selects the controls of a post: a step index, or AllSteps.
const AllSteps = -1

// controlsOf lists the top-level controls of step (AllSteps: every step).
func (f *Form) controlsOf(step int) []*Element {
	if step == AllSteps {
		return f.controls
	}
	if step < 0 || step >= len(f.steps) {
		return nil
	}
	var out []*Element
	var walk func(e *Element)
	walk = func(e *Element) {
		if e.Type == TypeControl {
			out = append(out, e)
			return
		}
		for _, c := range e.Elements {
			walk(c)
		}
	}
	walk(f.steps[step])
	return out
}

// Encode writes the values of data for the controls of step as form
// fields: what the browser would post back unchanged.
func (f *Form) Encode(data any, step int) url.Values {
	vals := url.Values{}
	for _, c := range f.controlsOf(step) {
		encodeControl(vals, c, c.Pointer, data)
	}
	return vals
}

func encodeControl(vals url.Values, c *Element, ptr string, data any) {
	v, ok := lookup(data, ptr)
	if !ok {
		return
	}
	name := FieldName(ptr)
	switch c.Widget {
	case WidgetArray:
		arr, _ := v.([]any)
		vals.Set(name, strconv.Itoa(len(arr)))
		for i := range arr {
			ip := ptr + "/" + strconv.Itoa(i)
			for _, d := range c.Detail {
				encodeDetail(vals, d, ip, data)
			}
		}
	case WidgetFile:
		// A browser cannot prefill a file input; the reference stays in
		// the draft.
	default:
		if s, ok := FieldValue(c, v); ok {
			vals.Set(name, s)
		}
	}
}

func encodeDetail(vals url.Values, e *Element, item string, data any) {
	if e.Type == TypeControl {
		encodeControl(vals, e, item+e.Pointer, data)
		return
	}
	for _, c := range e.Elements {
		encodeDetail(vals, c, item, data)
	}
}

// FieldValue is the text of v in the control's field.
func FieldValue(c *Element, v any) (string, bool) {
	switch c.Widget {
	case WidgetSelect, WidgetRadio:
		for _, o := range c.Options {
			if jsonEqual(o.value, v) {
				return o.Value, true
			}
		}
		js, err := json.Marshal(v)
		if err != nil {
			return "", false
		}
		return string(js), true
	case WidgetCheckbox:
		if b, ok := v.(bool); ok && b {
			return "true", true
		}
		return "", false
	case WidgetNumber:
		switch x := v.(type) {
		case float64:
			return strconv.FormatFloat(x, 'f', -1, 64), true
		case json.Number:
			return x.String(), true
		}
		return "", false
	default:
		s, ok := v.(string)
		return s, ok
	}
}

// Decoded is the result of decoding a post.
type Decoded struct {
	// Data is the instance: base with the fields of the post applied.
	Data any
	// Errors are the fields whose text could not become a value (a
	// number field holding letters); their data is left out.
	Errors []FieldError
	// Raw keeps what the citizen typed in those fields, to show it again.
	Raw map[string]string
}

// Decode applies the fields of a post for the controls of step to base
// (the draft so far; nil for none) and returns the new instance. base is
// not modified. Fields of other steps, unknown fields and the form's own
// "_" fields are ignored. files holds the uploaded files by field name.
func (f *Form) Decode(base any, vals url.Values, files map[string]FileRef, step int) Decoded {
	d := &decoder{f: f, vals: vals, files: files, raw: map[string]string{}}
	data := deepCopy(base)
	// A control disabled by a rule was rendered disabled, and browsers do
	// not post disabled fields: it keeps its value from base.
	disabled := f.disabled(base)
	for _, c := range f.controlsOf(step) {
		if underAny(c.Pointer, disabled) {
			continue
		}
		data = d.control(data, c, c.Pointer)
	}
	return Decoded{Data: data, Errors: d.errs, Raw: d.raw}
}

type decoder struct {
	f     *Form
	vals  url.Values
	files map[string]FileRef
	errs  []FieldError
	raw   map[string]string
}

// maxArrayLength bounds the length field of an array, whatever the
// schema says, so a forged post cannot make the server allocate much.
const maxArrayLength = 1000

func (d *decoder) control(data any, c *Element, ptr string) any {
	name := FieldName(ptr)
	switch c.Widget {
	case WidgetArray:
		s, ok := d.vals[name]
		if !ok {
			return data // not on the page (disabled): keep
		}
		n, err := strconv.Atoi(strings.TrimSpace(first(s)))
		if err != nil || n < 0 || n > maxArrayLength || (c.node != nil && c.node.maxItems > 0 && n > c.node.maxItems+1) {
			d.fail(ptr, "invalid", first(s))
			return data
		}
		arr := make([]any, n)
		old, _ := lookup(data, ptr)
		oldArr, _ := old.([]any)
		for i := 0; i < n; i++ {
			var item any
			if i < len(oldArr) {
				item = oldArr[i]
			}
			if c.node != nil && c.node.items != nil && c.node.items.typ == "object" && !c.node.items.file && item == nil {
				item = map[string]any{}
			}
			ip := "/" + strconv.Itoa(i)
			for _, e := range c.Detail {
				item = d.detail(item, e, ip, ptr)
			}
			arr[i] = item
		}
		return setAt(data, ptr, arr, true)
	case WidgetFile:
		if ref, ok := d.files[name]; ok {
			return setAt(data, ptr, ref.Map(), true)
		}
		return data
	case WidgetCheckbox:
		// An unticked checkbox sends nothing: absent means false.
		_, ticked := d.vals[name]
		return setAt(data, ptr, ticked, true)
	}
	s, ok := d.vals[name]
	if !ok {
		if c.Widget == WidgetRadio || c.Widget == WidgetSelect {
			// No choice made: no answer.
			return setAt(data, ptr, nil, false)
		}
		return data
	}
	text := first(s)
	v, present, key := parseValue(c, text)
	if key != "" {
		d.fail(ptr, key, text)
		return setAt(data, ptr, nil, false)
	}
	return setAt(data, ptr, v, present)
}

// detail decodes the controls of one array item; item is the item value,
// ip its pointer relative to the array ("/0"), arr the array pointer.
func (d *decoder) detail(item any, e *Element, ip, arr string) any {
	if e.Type != TypeControl {
		for _, c := range e.Elements {
			item = d.detail(item, c, ip, arr)
		}
		return item
	}
	// Decode into a wrapper so the item itself can be the target
	// (primitive items have Pointer "").
	wrapper := map[string]any{}
	if item != nil {
		wrapper["i"] = item
	}
	var out any = wrapper
	sub := *e
	full := arr + ip + e.Pointer
	// Redirect field names: the decoder reads the field of the full
	// pointer but writes into the wrapper.
	saved := d.vals
	d.vals = remap(saved, FieldName(full), FieldName("/i"+e.Pointer))
	savedFiles := d.files
	if ref, ok := savedFiles[FieldName(full)]; ok {
		d.files = map[string]FileRef{FieldName("/i" + e.Pointer): ref}
	}
	errsBefore := len(d.errs)
	out = d.control(out, &sub, "/i"+e.Pointer)
	for i := errsBefore; i < len(d.errs); i++ {
		d.errs[i].Pointer = full
		if raw, ok := d.raw["/i"+e.Pointer]; ok {
			d.raw[full] = raw
			delete(d.raw, "/i"+e.Pointer)
		}
	}
	d.vals, d.files = saved, savedFiles
	v, ok := out.(map[string]any)["i"]
	if !ok {
		if e.Pointer == "" {
			return ""
		}
		return nil
	}
	return v
}

// remap returns vals where the fields named from (and "from/...") are
// also reachable under to.
func remap(vals url.Values, from, to string) url.Values {
	out := url.Values{}
	for k, v := range vals {
		if k == from {
			out[to] = v
		} else if strings.HasPrefix(k, from+"/") {
			out[to+k[len(from):]] = v
		} else if k == "_page" {
			out[k] = v
		}
	}
	return out
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func (d *decoder) fail(ptr, key, raw string) {
	label := d.f.Label(ptr)
	d.errs = append(d.errs, FieldError{Pointer: ptr, Message: Text(d.f.lang, key, label), Keyword: "type"})
	d.raw[ptr] = raw
}

// parseValue turns the text of a field into its JSON value. present is
// false for "no answer". key names the catalogue message of a parse error.
func parseValue(c *Element, text string) (v any, present bool, key string) {
	switch c.Widget {
	case WidgetSelect, WidgetRadio:
		if text == "" {
			return nil, false, ""
		}
		for _, o := range c.Options {
			if o.Value == text {
				return o.value, true, ""
			}
		}
		var posted any
		if err := json.Unmarshal([]byte(text), &posted); err == nil {
			for _, o := range c.Options {
				if jsonEqual(o.value, posted) {
					return o.value, true, ""
				}
			}
		}
		return nil, false, "choice.unknown"
	case WidgetNumber:
		t := strings.TrimSpace(text)
		if t == "" {
			return nil, false, ""
		}
		t = strings.Replace(t, ",", ".", 1)
		n, err := strconv.ParseFloat(t, 64)
		if err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
			if c.node != nil && c.node.typ == "integer" {
				return nil, false, "integer.parse"
			}
			return nil, false, "number.parse"
		}
		if c.node != nil && c.node.typ == "integer" && n != math.Trunc(n) {
			return nil, false, "integer.parse"
		}
		return n, true, ""
	default:
		if text == "" && c.Pointer != "" {
			return nil, false, ""
		}
		return text, true, ""
	}
}

// setAt returns data with the value at ptr set (present) or removed,
// creating the objects on the way. data must be owned by the caller.
func setAt(data any, ptr string, v any, present bool) any {
	toks := pointerTokens(ptr)
	if len(toks) == 0 {
		if !present {
			return nil
		}
		return v
	}
	root, ok := data.(map[string]any)
	if !ok {
		if !present {
			return data
		}
		root = map[string]any{}
	}
	cur := root
	for _, t := range toks[:len(toks)-1] {
		next, ok := cur[t].(map[string]any)
		if !ok {
			if !present {
				return root
			}
			next = map[string]any{}
			cur[t] = next
		}
		cur = next
	}
	last := toks[len(toks)-1]
	if present {
		cur[last] = v
	} else {
		delete(cur, last)
	}
	return root
}

// jsonEqual compares two JSON values as JSON Schema does: numbers by
// value (1 equals 1.0), objects by members, arrays by items.
func jsonEqual(a, b any) bool {
	if fa, ok := number(a); ok {
		fb, ok := number(b)
		return ok && fa == fb
	}
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !jsonEqual(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return a == b
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

// deepCopy copies the maps and slices of a JSON value.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

// AddItem returns data with an empty item appended to the array at ptr
// (the "Aggiungi" button of a list, which works without JavaScript).
func (f *Form) AddItem(data any, ptr string) any {
	n := f.root.at(pointerTokens(ptr))
	if n == nil || n.typ != "array" {
		return data
	}
	data = deepCopy(data)
	old, _ := lookup(data, ptr)
	arr, _ := old.([]any)
	if n.maxItems > 0 && len(arr) >= n.maxItems {
		return data
	}
	var item any
	switch {
	case n.items.typ == "object" && !n.items.file:
		item = map[string]any{}
	case n.items.typ == "string" && !n.items.hasEnum && !n.items.hasConst:
		item = ""
	case n.items.typ == "boolean":
		item = false
	default:
		item = nil
	}
	return setAt(data, ptr, append(append([]any(nil), arr...), item), true)
}

// RemoveItem returns data without the array item at ptr ("/a/2").
func (f *Form) RemoveItem(data any, ptr string) any {
	i := strings.LastIndexByte(ptr, '/')
	if i < 0 {
		return data
	}
	arrPtr := ptr[:i]
	idx, err := strconv.Atoi(ptr[i+1:])
	n := f.root.at(pointerTokens(arrPtr))
	if err != nil || n == nil || n.typ != "array" {
		return data
	}
	data = deepCopy(data)
	old, _ := lookup(data, arrPtr)
	arr, _ := old.([]any)
	if idx < 0 || idx >= len(arr) {
		return data
	}
	out := append(append([]any(nil), arr[:idx]...), arr[idx+1:]...)
	return setAt(data, arrPtr, out, true)
}

// Control returns the control showing the data at ptr (array indexes
// allowed: "/allegati/2/file"), or nil.
func (f *Form) Control(ptr string) *Element {
	pat := f.pattern(ptr)
	var found *Element
	var walk func(e *Element, prefix string)
	walk = func(e *Element, prefix string) {
		if found != nil {
			return
		}
		if e.Type == TypeControl {
			p := prefix + e.Pointer
			if p == pat {
				found = e
				return
			}
			for _, d := range e.Detail {
				walk(d, p+"/*")
			}
			return
		}
		for _, c := range e.Elements {
			walk(c, prefix)
		}
	}
	if f.layout != nil {
		walk(f.layout, "")
	}
	return found
}
