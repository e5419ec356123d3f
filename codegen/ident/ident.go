package ident

import (
	"fmt"
	"go/token"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// predeclared lists the identifiers of Go's universe block (Go spec,
// "Predeclared identifiers") plus names with a special meaning at package
// level. Generated code must not shadow them: a field is harmless, but a
// package-level type called "string" or a parameter called "len" breaks the
// code generated around it.
var predeclared = map[string]bool{
	"any": true, "bool": true, "byte": true, "comparable": true,
	"complex64": true, "complex128": true, "error": true, "float32": true, "float64": true,
	"int": true, "int8": true, "int16": true, "int32": true, "int64": true, "rune": true, "string": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true,
	"true": true, "false": true, "iota": true, "nil": true,
	"append": true, "cap": true, "clear": true, "close": true, "complex": true, "copy": true, "delete": true,
	"imag": true, "len": true, "make": true, "max": true, "min": true, "new": true, "panic": true,
	"print": true, "println": true, "real": true, "recover": true,
	// init and main are special at package level; "_" is the blank identifier.
	"init": true, "main": true, "_": true,
}

// letterFold maps letters that NFD does not decompose into an ASCII
// spelling readers expect.
var letterFold = map[rune]string{
	'ß': "ss", 'æ': "ae", 'Æ': "AE", 'œ': "oe", 'Œ': "OE", 'ø': "o", 'Ø': "O",
	'đ': "d", 'Đ': "D", 'ł': "l", 'Ł': "L", 'þ': "th", 'Þ': "TH", 'ı': "i",
}

// Words splits model text into the words of an identifier: runs of letters
// and digits, with accents removed. Separators are every other character
// (spaces, punctuation, symbols, "_"). A change from lower to upper case
// inside a run also starts a new word, so "codiceFiscale" gives
// ["codice", "Fiscale"].
func Words(text string) []string {
	text = strings.ToValidUTF8(text, " ")
	var b strings.Builder
	for _, r := range norm.NFD.String(text) {
		if unicode.Is(unicode.Mn, r) {
			continue // combining accent left by NFD
		}
		if s, ok := letterFold[r]; ok {
			b.WriteString(s)
			continue
		}
		b.WriteRune(r)
	}
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	for _, r := range norm.NFC.String(b.String()) {
		if !isIdentRune(r) || r == '_' {
			flush()
			continue
		}
		if len(cur) > 0 && unicode.IsUpper(r) && unicode.IsLower(cur[len(cur)-1]) {
			flush()
		}
		cur = append(cur, r)
	}
	flush()
	return words
}

// isIdentRune reports whether Go accepts r inside an identifier (Go spec,
// "Identifiers": letter = unicode_letter | "_", plus unicode_digit).
func isIdentRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'
}

// initialismMax is the longest all-capitals word kept as an initialism
// (IBAN, SPID, ISEE, PEC); longer capital words are shouting and are
// title-cased (CODICE_FISCALE → CodiceFiscale).
const initialismMax = 4

func capitalize(w string) string {
	r, n := utf8.DecodeRuneInString(w)
	rest := w[n:]
	if isAllUpper(w) && utf8.RuneCountInString(w) > initialismMax {
		rest = strings.ToLower(rest)
	}
	return string(unicode.ToUpper(r)) + rest
}

func isAllUpper(w string) bool {
	hasLetter := false
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			hasLetter = true
		}
	}
	return hasLetter
}

// Exported returns an exported Go identifier for text, or "" when text has
// no letter or digit. A first letter without an upper case (CJK) or a
// leading digit gets the prefix "X", since Go exports only names starting
// with an upper-case letter (Go spec, "Exported identifiers").
func Exported(text string) string {
	words := Words(text)
	if len(words) == 0 {
		return ""
	}
	var b strings.Builder
	for _, w := range words {
		b.WriteString(capitalize(w))
	}
	s := b.String()
	if r, _ := utf8.DecodeRuneInString(s); !unicode.IsUpper(r) {
		s = "X" + s
	}
	return s
}

// Unexported returns an unexported Go identifier for text, or "" when text
// has no letter or digit. Keywords and predeclared identifiers get a
// trailing underscore ("type" → type_, "len" → len_); a leading digit gets
// the prefix "x".
func Unexported(text string) string {
	words := Words(text)
	if len(words) == 0 {
		return ""
	}
	var b strings.Builder
	first := words[0]
	if isAllUpper(first) {
		first = strings.ToLower(first)
	} else {
		r, n := utf8.DecodeRuneInString(first)
		first = string(unicode.ToLower(r)) + first[n:]
	}
	b.WriteString(first)
	for _, w := range words[1:] {
		b.WriteString(capitalize(w))
	}
	s := b.String()
	r, _ := utf8.DecodeRuneInString(s)
	switch {
	case unicode.IsDigit(r):
		s = "x" + s
	case unicode.IsUpper(r):
		// A title-case letter (Dž) has no lower case form distinct from
		// its upper case: such a name would be exported.
		s = "x" + s
	}
	if token.IsKeyword(s) || predeclared[s] {
		s += "_"
	}
	return s
}

// Valid reports whether name is a Go identifier that generated code may
// declare: not a keyword, not predeclared, not blank.
func Valid(name string) bool {
	return token.IsIdentifier(name) && !predeclared[name]
}

// Namer hands out unique identifiers in one Go scope (a package, the
// fields of a struct, the parameters of a function). Names are unique by
// exact spelling. The zero value is not usable; call [NewNamer].
type Namer struct {
	used map[string]bool
}

// NewNamer returns a Namer in which reserved are already taken (for example
// the methods of a type whose fields are being named, or the helpers that
// the generator always emits).
func NewNamer(reserved ...string) *Namer {
	n := &Namer{used: make(map[string]bool)}
	n.Reserve(reserved...)
	return n
}

// Reserve marks names as taken.
func (n *Namer) Reserve(names ...string) {
	for _, s := range names {
		n.used[s] = true
	}
}

// Taken reports whether name has already been handed out or reserved.
func (n *Namer) Taken(name string) bool { return n.used[name] }

// Exported returns a unique exported identifier for text; fallback (which
// must itself be an exported identifier) is used when text has no letter
// or digit. Collisions get the suffixes 2, 3, … in call order.
func (n *Namer) Exported(text, fallback string) string {
	s := Exported(text)
	if s == "" {
		s = fallback
	}
	return n.unique(s)
}

// Unexported is like [Namer.Exported] for an unexported identifier.
func (n *Namer) Unexported(text, fallback string) string {
	s := Unexported(text)
	if s == "" {
		s = fallback
	}
	return n.unique(s)
}

func (n *Namer) unique(s string) string {
	if !token.IsIdentifier(s) {
		// Only a bad fallback from the caller can get here: fail loudly
		// in the generator rather than emit code that does not compile.
		panic(fmt.Sprintf("ident: fallback %q is not a Go identifier", s))
	}
	name := s
	// A base already ending in a digit would make "Foo1"+"2" look like
	// "Foo12": separate the counter with an underscore.
	sep := ""
	if r, _ := utf8.DecodeLastRuneInString(s); unicode.IsDigit(r) {
		sep = "_"
	}
	for i := 2; n.used[name]; i++ {
		name = fmt.Sprintf("%s%s%d", s, sep, i)
	}
	n.used[name] = true
	return name
}

// NamerState is a saved copy of the names a [Namer] has handed out.
type NamerState struct{ used map[string]bool }

// Snapshot saves the names handed out so far, so that a generator that
// fails half-way can give back the names it took ([Namer.Restore]).
func (n *Namer) Snapshot() NamerState {
	used := make(map[string]bool, len(n.used))
	for k := range n.used {
		used[k] = true
	}
	return NamerState{used: used}
}

// Restore goes back to a state saved by [Namer.Snapshot].
func (n *Namer) Restore(s NamerState) {
	n.used = make(map[string]bool, len(s.used))
	for k := range s.used {
		n.used[k] = true
	}
}
