package jsonrt

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

const hex = "0123456789abcdef"

// AppendString appends s as a JSON string exactly as encoding/json writes
// it: HTML-safe (<, >, & as \u003c…), U+2028 and U+2029 escaped, invalid
// UTF-8 as \ufffd, \b \f \n \r \t short escapes.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// ErrUnsupportedFloat is returned for NaN and ±Inf, which JSON cannot hold
// (encoding/json refuses them too).
var ErrUnsupportedFloat = errors.New("jsonrt: unsupported float value (NaN or Inf)")

// AppendFloat appends f as encoding/json formats a float64: 'f' format,
// or 'e' below 1e-6 and from 1e21 on, with a two-digit exponent shortened
// (1e-07 → 1e-7), as ES6 Number.prototype.toString does.
func AppendFloat(dst []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return dst, ErrUnsupportedFloat
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		n := len(dst)
		if n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst, nil
}

// AppendInt appends an integer.
func AppendInt(dst []byte, i int64) []byte { return strconv.AppendInt(dst, i, 10) }

// AppendBool appends true or false.
func AppendBool(dst []byte, b bool) []byte { return strconv.AppendBool(dst, b) }

// AppendTime appends t as its MarshalJSON does (RFC 3339 with nanoseconds).
func AppendTime(dst []byte, t time.Time) ([]byte, error) {
	b, err := t.MarshalJSON()
	if err != nil {
		return dst, err
	}
	return append(dst, b...), nil
}

// AppendMarshaler appends the output of a MarshalJSON method, compacted
// and HTML-escaped as encoding/json does with it.
func AppendMarshaler(dst []byte, m json.Marshaler) ([]byte, error) {
	b, err := m.MarshalJSON()
	if err != nil {
		return dst, err
	}
	return AppendRaw(dst, b)
}

// AppendRaw appends a json.RawMessage as encoding/json writes it: nil as
// null, otherwise validated, compacted and HTML-escaped.
func AppendRaw(dst []byte, raw []byte) ([]byte, error) {
	if raw == nil {
		return append(dst, "null"...), nil
	}
	if !json.Valid(raw) {
		return dst, errors.New("jsonrt: invalid JSON in raw message")
	}
	inString, escaped := false, false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if !inString {
			switch c {
			case ' ', '\t', '\n', '\r':
				continue
			case '"':
				inString = true
			}
			dst = append(dst, c)
			continue
		}
		switch {
		case escaped:
			escaped = false
		case c == '\\':
			escaped = true
		case c == '"':
			inString = false
		case c == '<' || c == '>' || c == '&':
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			continue
		case c == 0xE2 && i+2 < len(raw) && raw[i+1] == 0x80 && raw[i+2]&^1 == 0xA8:
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[raw[i+2]&0xF])
			i += 2
			continue
		}
		dst = append(dst, c)
	}
	return dst, nil
}

// bufPool holds encoding buffers, as encoding/json pools its encodeState:
// without it every Encode would allocate (and zero) a generous buffer.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// Encode runs appendTo on a pooled buffer and returns a copy of what it
// wrote, sized to fit: one allocation per value, as json.Marshal makes.
func Encode(appendTo func([]byte) ([]byte, error)) ([]byte, error) {
	bp := bufPool.Get().(*[]byte)
	b, err := appendTo((*bp)[:0])
	var out []byte
	if err == nil {
		out = append([]byte(nil), b...)
	}
	if cap(b) <= 64<<10 { // very large buffers are left to the collector
		*bp = b
		bufPool.Put(bp)
	}
	return out, err
}
