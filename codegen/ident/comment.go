package ident

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dave/jennifer/jen"
)

// CommentLines turns arbitrary model text into the bodies of "//" comment
// lines: the text is split at line breaks (\n, \r\n, \r, U+0085, U+2028,
// U+2029), trailing blank lines are dropped, and on every line
//
//   - invalid UTF-8, NUL, U+FEFF and other control characters become
//     U+FFFD or a space, because the Go compiler rejects NUL and a BOM
//     inside the source (Go spec, "Source code representation");
//   - bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E,
//     U+200F, U+061C) are shown as <U+XXXX>, so no text can make the code
//     read differently from how it compiles (CVE-2021-42574);
//   - a line starting with "//", "/*", "go:", "line " or "export " is
//     prefixed with a space, so that neither jennifer (which writes a
//     comment starting with "//" or "/*" verbatim) nor the Go tool
//     (directives) gives it a meaning; a line starting with "+build" is
//     prefixed with "· ", as old-style build constraints allow spaces.
//
// "*/" inside a line comment is harmless, so it is kept as written.
func CommentLines(text string) []string {
	text = strings.ToValidUTF8(text, "\uFFFD")
	r := strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u0085", "\n", "\u2028", "\n", "\u2029", "\n")
	raw := strings.Split(r.Replace(text), "\n")
	lines := make([]string, 0, len(raw))
	for _, l := range raw {
		lines = append(lines, cleanLine(l))
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	return lines
}

func cleanLine(l string) string {
	var b strings.Builder
	for _, r := range l {
		switch {
		case r == '\t':
			b.WriteRune(' ')
		case isBidi(r):
			b.WriteString("<U+" + hex4(r) + ">")
		case r == utf8.RuneError, r == '\uFEFF', unicode.IsControl(r):
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	s := strings.TrimRight(b.String(), " ")
	if strings.HasPrefix(strings.TrimLeft(s, " "), "+build") {
		// go/build reads "// +build" (any spacing) as a build constraint
		// when it precedes the package clause: break the prefix visibly.
		return "· " + s
	}
	for _, p := range []string{"//", "/*", "go:", "line ", "export "} {
		if strings.HasPrefix(s, p) {
			return " " + s
		}
	}
	return s
}

func hex4(r rune) string {
	const digits = "0123456789ABCDEF"
	return string([]byte{digits[r>>12&0xF], digits[r>>8&0xF], digits[r>>4&0xF], digits[r&0xF]})
}

func isBidi(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200E, r == 0x200F, r == 0x061C:
		return true
	}
	return false
}

// Comment renders text as consecutive "//" comment lines with jennifer, one
// jen.Comment per line (a single jen.Comment with a newline would become a
// /* */ block, which "*/" in the text could end). An empty text renders
// nothing.
func Comment(text string) *jen.Statement {
	s := jen.Null()
	for i, l := range CommentLines(text) {
		if i > 0 {
			s.Line()
		}
		if l == "" {
			s.Comment("")
			continue
		}
		s.Comment(l)
	}
	return s
}

// Quote is the one-line form of model text for use inside a comment, e.g.
// `element "Verifica identità" (Task_1)`: line breaks become spaces and the
// text is cleaned as by [CommentLines].
func Quote(text string) string {
	return `"` + strings.Join(CommentLines(text), " ") + `"`
}
