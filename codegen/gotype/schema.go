package gotype

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// object is a JSON object that remembers the order of its keys.
type object struct {
	keys []string
	vals map[string]any
}

func (o *object) get(k string) (any, bool) {
	v, ok := o.vals[k]
	return v, ok
}

// decode reads one JSON document keeping the order of object keys. Numbers
// stay json.Number so that integers are not rounded through float64.
func decode(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	v, err := decodeValue(d)
	if err != nil {
		return nil, err
	}
	if _, err := d.Token(); err == nil {
		return nil, fmt.Errorf("offset %d: data after the JSON document", d.InputOffset())
	}
	return v, nil
}

func decodeValue(d *json.Decoder) (any, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, fmt.Errorf("offset %d: %w", d.InputOffset(), err)
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &object{vals: map[string]any{}}
			for d.More() {
				kt, err := d.Token()
				if err != nil {
					return nil, fmt.Errorf("offset %d: %w", d.InputOffset(), err)
				}
				k := kt.(string)
				v, err := decodeValue(d)
				if err != nil {
					return nil, err
				}
				if _, dup := o.vals[k]; dup {
					return nil, fmt.Errorf("offset %d: duplicate key %q", d.InputOffset(), k)
				}
				o.keys = append(o.keys, k)
				o.vals[k] = v
			}
			if _, err := d.Token(); err != nil {
				return nil, fmt.Errorf("offset %d: %w", d.InputOffset(), err)
			}
			return o, nil
		case '[':
			a := []any{}
			for d.More() {
				v, err := decodeValue(d)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			if _, err := d.Token(); err != nil {
				return nil, fmt.Errorf("offset %d: %w", d.InputOffset(), err)
			}
			return a, nil
		}
	}
	return tok, nil
}

// pointer is a JSON pointer (RFC 6901) under construction.
type pointer []string

func (p pointer) add(tokens ...string) pointer {
	q := make(pointer, 0, len(p)+len(tokens))
	return append(append(q, p...), tokens...)
}

func (p pointer) String() string {
	var b strings.Builder
	for _, t := range p {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(t))
	}
	return b.String()
}

// parsePointer reads the fragment of a local $ref ("#/$defs/a~1b").
func parsePointer(frag string) (pointer, bool) {
	if frag == "" {
		return pointer{}, true
	}
	if !strings.HasPrefix(frag, "/") {
		return nil, false
	}
	var p pointer
	for _, t := range strings.Split(frag[1:], "/") {
		p = append(p, strings.NewReplacer("~1", "/", "~0", "~").Replace(t))
	}
	return p, true
}

// resolve walks p from root.
func resolve(root any, p pointer) (any, bool) {
	cur := root
	for _, t := range p {
		switch c := cur.(type) {
		case *object:
			v, ok := c.vals[t]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			var i int
			if _, err := fmt.Sscanf(t, "%d", &i); err != nil || i < 0 || i >= len(c) || fmt.Sprint(i) != t {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}
