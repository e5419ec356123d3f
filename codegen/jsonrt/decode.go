package jsonrt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Decoder reads one JSON value from a byte slice, token by token, for the
// generated decoders. Its errors carry the byte offset.
type Decoder struct {
	data []byte
	pos  int
}

// NewDecoder returns a decoder over data.
func NewDecoder(data []byte) *Decoder { return &Decoder{data: data} }

func (d *Decoder) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *Decoder) errorf(format string, args ...any) error {
	return fmt.Errorf("offset %d: %s", d.pos, fmt.Sprintf(format, args...))
}

// End checks that only white space follows the value.
func (d *Decoder) End() error {
	d.ws()
	if d.pos != len(d.data) {
		return d.errorf("invalid character %q after top-level value", d.data[d.pos])
	}
	return nil
}

// Null consumes a null literal if one comes next.
func (d *Decoder) Null() bool {
	d.ws()
	if bytes.HasPrefix(d.data[d.pos:], []byte("null")) {
		d.pos += 4
		return true
	}
	return false
}

// Object reads an object, calling field for each member with the key (valid
// until the next call); field must consume the member's value.
func (d *Decoder) Object(field func(key []byte) error) error {
	d.ws()
	if d.pos >= len(d.data) || d.data[d.pos] != '{' {
		return d.typeError("object")
	}
	d.pos++
	d.ws()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return nil
	}
	var buf []byte
	for {
		d.ws()
		key, err := d.str(buf[:0])
		if err != nil {
			return err
		}
		buf = key
		d.ws()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return d.errorf("expected ':' after object key")
		}
		d.pos++
		if err := field(key); err != nil {
			return err
		}
		d.ws()
		if d.pos >= len(d.data) {
			return d.errorf("unexpected end of JSON input")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case '}':
			d.pos++
			return nil
		default:
			return d.errorf("invalid character %q after object member", d.data[d.pos])
		}
	}
}

// Array reads an array, calling elem for each element with its index;
// elem must consume the element.
func (d *Decoder) Array(elem func(i int) error) error {
	d.ws()
	if d.pos >= len(d.data) || d.data[d.pos] != '[' {
		return d.typeError("array")
	}
	d.pos++
	d.ws()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return nil
	}
	for i := 0; ; i++ {
		if err := elem(i); err != nil {
			return err
		}
		d.ws()
		if d.pos >= len(d.data) {
			return d.errorf("unexpected end of JSON input")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case ']':
			d.pos++
			return nil
		default:
			return d.errorf("invalid character %q after array element", d.data[d.pos])
		}
	}
}

func (d *Decoder) typeError(want string) error {
	if d.pos >= len(d.data) {
		return d.errorf("unexpected end of JSON input")
	}
	return d.errorf("cannot unmarshal %s into a Go value of type %s", kindAt(d.data[d.pos]), want)
}

func kindAt(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}

// String reads a string.
func (d *Decoder) String() (string, error) {
	d.ws()
	if d.pos >= len(d.data) || d.data[d.pos] != '"' {
		return "", d.typeError("string")
	}
	// Fast path: no escapes and valid UTF-8.
	for i := d.pos + 1; i < len(d.data); i++ {
		c := d.data[i]
		if c == '"' {
			s := d.data[d.pos+1 : i]
			if utf8.Valid(s) {
				d.pos = i + 1
				return string(s), nil
			}
			break
		}
		if c == '\\' || c < 0x20 {
			break
		}
	}
	b, err := d.str(nil)
	return string(b), err
}

// str reads a string token into dst, unescaped as encoding/json does
// (invalid UTF-8 and lone surrogates become U+FFFD).
func (d *Decoder) str(dst []byte) ([]byte, error) {
	if d.pos >= len(d.data) || d.data[d.pos] != '"' {
		return nil, d.errorf("expected string")
	}
	i := d.pos + 1
	for i < len(d.data) {
		c := d.data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			return dst, nil
		case c < 0x20:
			d.pos = i
			return nil, d.errorf("invalid control character in string")
		case c == '\\':
			if i+1 >= len(d.data) {
				d.pos = i
				return nil, d.errorf("unexpected end of JSON input")
			}
			e := d.data[i+1]
			i += 2
			switch e {
			case '"', '\\', '/':
				dst = append(dst, e)
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				r, ok := hex4(d.data[i:])
				if !ok {
					d.pos = i
					return nil, d.errorf("invalid \\u escape")
				}
				i += 4
				if utf16.IsSurrogate(r) {
					r2, ok := rune(-1), false
					if i+6 <= len(d.data) && d.data[i] == '\\' && d.data[i+1] == 'u' {
						r2, ok = hex4(d.data[i+2:])
					}
					if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
						i += 6
						r = dec
					} else {
						r = utf8.RuneError
					}
				}
				dst = utf8.AppendRune(dst, r)
			default:
				d.pos = i - 1
				return nil, d.errorf("invalid escape character %q", e)
			}
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, size := utf8.DecodeRune(d.data[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, "\uFFFD"...)
			} else {
				dst = append(dst, d.data[i:i+size]...)
			}
			i += size
		}
	}
	d.pos = i
	return nil, d.errorf("unexpected end of JSON input")
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r*16 + rune(c)
	}
	return r, true
}

// Bool reads true or false.
func (d *Decoder) Bool() (bool, error) {
	d.ws()
	switch {
	case bytes.HasPrefix(d.data[d.pos:], []byte("true")):
		d.pos += 4
		return true, nil
	case bytes.HasPrefix(d.data[d.pos:], []byte("false")):
		d.pos += 5
		return false, nil
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 't' || d.data[d.pos] == 'f') {
		return false, d.errorf("invalid literal")
	}
	return false, d.typeError("bool")
}

// number scans a number literal by the JSON grammar (RFC 8259 §6).
func (d *Decoder) number() ([]byte, error) {
	d.ws()
	start, i := d.pos, d.pos
	n := len(d.data)
	if i < n && d.data[i] == '-' {
		i++
	}
	digits := func() int {
		j := i
		for i < n && d.data[i] >= '0' && d.data[i] <= '9' {
			i++
		}
		return i - j
	}
	switch {
	case i < n && d.data[i] == '0':
		i++
	case digits() == 0:
		return nil, d.typeError("number")
	}
	if i < n && d.data[i] == '.' {
		i++
		if digits() == 0 {
			d.pos = i
			return nil, d.errorf("invalid number")
		}
	}
	if i < n && (d.data[i] == 'e' || d.data[i] == 'E') {
		i++
		if i < n && (d.data[i] == '+' || d.data[i] == '-') {
			i++
		}
		if digits() == 0 {
			d.pos = i
			return nil, d.errorf("invalid number")
		}
	}
	d.pos = i
	return d.data[start:i], nil
}

// Float reads a number as a float64.
func (d *Decoder) Float() (float64, error) {
	lit, err := d.number()
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseFloat(string(lit), 64)
	if err != nil {
		return 0, d.errorf("cannot unmarshal number %s into a Go value of type float64", lit)
	}
	return f, nil
}

// Int reads a number as an int64; like encoding/json it refuses 1.0 and 1e3.
func (d *Decoder) Int() (int64, error) {
	lit, err := d.number()
	if err != nil {
		return 0, err
	}
	i, err := strconv.ParseInt(string(lit), 10, 64)
	if err != nil {
		return 0, d.errorf("cannot unmarshal number %s into a Go value of type int64", lit)
	}
	return i, nil
}

// Raw reads any value and returns its bytes, a copy as json.RawMessage's
// UnmarshalJSON makes.
func (d *Decoder) Raw() ([]byte, error) {
	d.ws()
	start := d.pos
	if err := d.Skip(); err != nil {
		return nil, err
	}
	return bytes.Clone(d.data[start:d.pos]), nil
}

// Unmarshal reads any value and hands its bytes to u, as encoding/json
// does with a json.Unmarshaler (time.Time, the generated Date).
func (d *Decoder) Unmarshal(u json.Unmarshaler) error {
	d.ws()
	start := d.pos
	if err := d.Skip(); err != nil {
		return err
	}
	return u.UnmarshalJSON(d.data[start:d.pos])
}

// Skip consumes one value of any kind.
func (d *Decoder) Skip() error {
	d.ws()
	if d.pos >= len(d.data) {
		return d.errorf("unexpected end of JSON input")
	}
	switch d.data[d.pos] {
	case '{':
		return d.Object(func([]byte) error { return d.Skip() })
	case '[':
		return d.Array(func(int) error { return d.Skip() })
	case '"':
		_, err := d.str(nil)
		return err
	case 't', 'f':
		_, err := d.Bool()
		return err
	case 'n':
		if d.Null() {
			return nil
		}
		return d.errorf("invalid literal")
	}
	_, err := d.number()
	return err
}

// Fold reports whether key matches name as encoding/json matches object
// keys to fields when no key is equal: bytes.EqualFold, which its
// foldName is documented to be identical to.
func Fold(key []byte, name string) bool { return bytes.EqualFold(key, []byte(name)) }
