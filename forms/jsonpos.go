package forms

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
)

// position is a line and column (1-based, columns in bytes) in a source.
type position struct{ line, col int }

func offsetToPosition(data []byte, off int64) position {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return position{line, col}
}

// jsonSyntaxPosition gives the place of a syntax error of encoding/json.
func jsonSyntaxPosition(data []byte, err error) (position, bool) {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Offset is just after the offending byte.
		return offsetToPosition(data, max(se.Offset-1, 0)), true
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return offsetToPosition(data, te.Offset), true
	}
	return position{}, false
}

// scanJSON walks a JSON document once and records, for every value, the
// offset where it starts (keyed by JSON pointer) and, for every object,
// the order of its keys. encoding/json maps forget both; error messages
// need the first and default layouts need the second.
type jsonIndex struct {
	offsets map[string]int64
	keys    map[string][]string
}

func indexJSON(data []byte) (*jsonIndex, error) {
	idx := &jsonIndex{offsets: map[string]int64{}, keys: map[string][]string{}}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var walk func(ptr string) error
	walk = func(ptr string) error {
		// InputOffset is the end of the previous token; skip the
		// separators to reach the start of this value.
		start := dec.InputOffset()
		for start < int64(len(data)) && strings.IndexByte(" \t\r\n,:", data[start]) >= 0 {
			start++
		}
		idx.offsets[ptr] = start
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			var keys []string
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				k := kt.(string)
				keys = append(keys, k)
				if err := walk(ptr + "/" + escapeToken(k)); err != nil {
					return err
				}
			}
			idx.keys[ptr] = keys
			_, err = dec.Token()
			return err
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if err := walk(ptr + "/" + strconv.Itoa(i)); err != nil {
					return err
				}
			}
			_, err = dec.Token()
			return err
		}
		return nil
	}
	if err := walk(""); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid data after the top-level value")
	}
	return idx, nil
}

// position returns the place of the value at ptr, or of its nearest
// ancestor present in the document.
func (idx *jsonIndex) position(data []byte, ptr string) position {
	for {
		if off, ok := idx.offsets[ptr]; ok {
			return offsetToPosition(data, off)
		}
		i := strings.LastIndexByte(ptr, '/')
		if i < 0 {
			return position{1, 1}
		}
		ptr = ptr[:i]
	}
}

// escapeToken escapes a reference token of a JSON pointer (RFC 6901 §3).
func escapeToken(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// unescapeToken reverses escapeToken.
func unescapeToken(s string) string {
	if !strings.Contains(s, "~") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

// pointerTokens splits a JSON pointer into unescaped tokens.
func pointerTokens(ptr string) []string {
	if ptr == "" {
		return nil
	}
	parts := strings.Split(ptr[1:], "/")
	for i, p := range parts {
		parts[i] = unescapeToken(p)
	}
	return parts
}

// joinPointer builds a JSON pointer from unescaped tokens.
func joinPointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(escapeToken(t))
	}
	return b.String()
}
