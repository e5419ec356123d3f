package model

import (
	"bytes"
	"sort"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/procedo/procedo/designer/bpmn"
)

// Source is the text of a BPMN document, kept so that a diagnostic about an
// attribute value or an expression can point at the exact line and column
// rather than at the start of its element.
type Source struct {
	Name string // file name as given to the parser
	Data []byte

	lines []int // byte offset of the start of each line
}

// NewSource indexes the lines of data. The text is first brought to the
// form the bpmn parser counts positions in: without a byte order mark,
// UTF-16 and ISO-8859-1 converted to UTF-8.
func NewSource(name string, data []byte) *Source {
	data = toUTF8(data)
	s := &Source{Name: name, Data: data, lines: make([]int, 1, 64)}
	for i, b := range data {
		if b == '\n' {
			s.lines = append(s.lines, i+1)
		}
	}
	return s
}

// Offset converts a position (1-based line, 1-based byte column) into a
// byte offset, or -1 when it lies outside the document.
func (s *Source) Offset(p bpmn.Pos) int {
	if s == nil || p.Line < 1 || p.Line > len(s.lines) {
		return -1
	}
	off := s.lines[p.Line-1] + p.Col - 1
	if off < 0 || off > len(s.Data) {
		return -1
	}
	return off
}

// Pos converts a byte offset into a position.
func (s *Source) Pos(off int) bpmn.Pos {
	if s == nil || off < 0 || off > len(s.Data) {
		return bpmn.Pos{}
	}
	i := sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > off }) - 1
	return bpmn.Pos{Line: i + 1, Col: off - s.lines[i] + 1}
}

// startTag returns the byte range [from, to) of the start tag that begins
// at p (to is the offset just after '>'), or ok=false.
func (s *Source) startTag(p bpmn.Pos) (from, to int, ok bool) {
	off := s.Offset(p)
	if off < 0 {
		return 0, 0, false
	}
	if i := bytes.IndexByte(s.Data[off:], '<'); i >= 0 {
		off += i
	} else {
		return 0, 0, false
	}
	var quote byte
	for i := off + 1; i < len(s.Data); i++ {
		c := s.Data[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return off, i + 1, true
		}
	}
	return 0, 0, false
}

// attrValue returns the byte offset of the first character of the value
// of the attribute with the given name as written ("default",
// "procedo:sla") in the start tag at p, or -1.
func (s *Source) attrValue(p bpmn.Pos, qname string) int {
	from, to, ok := s.startTag(p)
	if !ok {
		return -1
	}
	tag := s.Data[from:to]
	var quote byte
	for i := 0; i < len(tag); i++ {
		c := tag[i]
		if quote != 0 {
			if c == quote {
				quote = 0
			}
			continue
		}
		if c == '"' || c == '\'' {
			quote = c
			continue
		}
		if !isSpace(c) || i+1+len(qname) > len(tag) {
			continue
		}
		// An attribute name starts after white space.
		j := i + 1
		k := j
		for k < len(tag) && tag[k] != '=' && !isSpace(tag[k]) {
			k++
		}
		if string(tag[j:k]) != qname {
			continue
		}
		for k < len(tag) && (isSpace(tag[k]) || tag[k] == '=') {
			k++
		}
		if k < len(tag) && (tag[k] == '"' || tag[k] == '\'') {
			return from + k + 1
		}
	}
	return -1
}

// textStart returns the byte offset where the character data of the
// element at p begins (just after its start tag), or -1.
func (s *Source) textStart(p bpmn.Pos) int {
	_, to, ok := s.startTag(p)
	if !ok {
		return -1
	}
	return to
}

// advance maps n characters of decoded text (entity references count as
// one character, a CDATA section marker as none) onto the raw document,
// starting at byte offset off, and returns the raw offset reached.
func (s *Source) advance(off, n int) int {
	d := s.Data
	for n > 0 && off < len(d) {
		switch {
		case bytes.HasPrefix(d[off:], []byte("<![CDATA[")):
			off += len("<![CDATA[")
			continue
		case bytes.HasPrefix(d[off:], []byte("]]>")):
			off += len("]]>")
			continue
		case d[off] == '&':
			if i := bytes.IndexByte(d[off:min(len(d), off+12)], ';'); i > 0 {
				off += i + 1
				n--
				continue
			}
		}
		_, size := utf8.DecodeRune(d[off:])
		off += size
		n--
	}
	return off
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// toUTF8 mirrors the input handling of package bpmn (XML 1.0 §4.3.3, F.1).
func toUTF8(data []byte) []byte {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		return data[3:]
	case bytes.HasPrefix(data, []byte("\xff\xfe")), bytes.HasPrefix(data, []byte("\xfe\xff")):
		be := data[0] == 0xfe
		body := data[2:]
		units := make([]uint16, 0, len(body)/2)
		for i := 0; i+1 < len(body); i += 2 {
			if be {
				units = append(units, uint16(body[i])<<8|uint16(body[i+1]))
			} else {
				units = append(units, uint16(body[i+1])<<8|uint16(body[i]))
			}
		}
		out := make([]byte, 0, len(body))
		for _, r := range utf16.Decode(units) {
			out = utf8.AppendRune(out, r)
		}
		return out
	}
	if isLatin1(data) {
		out := make([]byte, 0, len(data)+len(data)/16)
		for _, c := range data {
			out = utf8.AppendRune(out, rune(c))
		}
		return out
	}
	return data
}

// isLatin1 reports whether the XML declaration names ISO-8859-1 and the
// text is not ASCII (for ASCII the conversion changes nothing).
func isLatin1(data []byte) bool {
	head := data[:min(len(data), 200)]
	if !bytes.HasPrefix(head, []byte("<?xml")) {
		return false
	}
	end := bytes.Index(head, []byte("?>"))
	if end < 0 {
		return false
	}
	decl := strings.ToLower(string(head[:end]))
	i := strings.Index(decl, "encoding")
	if i < 0 {
		return false
	}
	enc := strings.Trim(strings.TrimLeft(decl[i+len("encoding"):], " \t\r\n="), " \t\r\n")
	if enc == "" {
		return false
	}
	q := enc[0]
	if j := strings.IndexByte(enc[1:], q); (q == '"' || q == '\'') && j >= 0 {
		enc = enc[1 : j+1]
	}
	switch enc {
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso_8859-1":
	default:
		return false
	}
	for _, c := range data {
		if c >= 0x80 {
			return true
		}
	}
	return false
}
