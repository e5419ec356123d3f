package forms

import (
	"regexp"
	"regexp/syntax"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Fast "pattern" for one repeated character class.
//
// Form patterns are often one ASCII class repeated over the whole value:
// "^[A-Z]{2}$" (provincia), "^[0-9a-f]{64}$" (an attachment's SHA-256).
// Go's regexp runs them one rune at a time through its one-pass machine,
// ~4% of validating the ZTL application. The compiler's regexp engine
// below still compiles every pattern with regexp (same syntax, same
// errors) and, when the parsed pattern is exactly
// begin-of-text, [class]{min,max}, end-of-text with an ASCII-only class,
// matches it with a byte table instead: each byte of the value must be in
// the class (a non-ASCII rune starts with a byte ≥ 0x80, never in it) and
// the length within the bounds. Any other pattern is Go's regexp.

// compileRegexp is the compiler's regexp engine.
func compileRegexp(s string) (jsonschema.Regexp, error) {
	re, err := regexp.Compile(s)
	if err != nil {
		return nil, err
	}
	if m := classRepeatOf(s); m != nil {
		return m, nil
	}
	return re, nil
}

// classRepeat matches ^[class]{min,max}$ with an ASCII class.
type classRepeat struct {
	src      string
	set      [2]uint64 // bit c: byte c is in the class
	min, max int       // max -1: unbounded
}

func (m *classRepeat) String() string { return m.src }

func (m *classRepeat) MatchString(s string) bool {
	if len(s) < m.min || (m.max >= 0 && len(s) > m.max) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 128 || m.set[c>>6]&(1<<(c&63)) == 0 {
			return false
		}
	}
	return true
}

// classRepeatOf recognises the patterns classRepeat matches (nil: not one).
func classRepeatOf(src string) *classRepeat {
	re, err := syntax.Parse(src, syntax.Perl) // as regexp.Compile parses
	if err != nil || re.Op != syntax.OpConcat || len(re.Sub) != 3 {
		return nil
	}
	begin, rep, end := re.Sub[0], re.Sub[1], re.Sub[2]
	if begin.Op != syntax.OpBeginText || end.Op != syntax.OpEndText {
		return nil
	}
	m := &classRepeat{src: src}
	switch rep.Op {
	case syntax.OpRepeat:
		m.min, m.max = rep.Min, rep.Max
	case syntax.OpPlus:
		m.min, m.max = 1, -1
	case syntax.OpStar:
		m.min, m.max = 0, -1
	case syntax.OpQuest:
		m.min, m.max = 0, 1
	default:
		return nil
	}
	if len(rep.Sub) != 1 || rep.Sub[0].Op != syntax.OpCharClass {
		return nil
	}
	r := rep.Sub[0].Rune
	if len(r) == 0 || len(r)%2 != 0 {
		return nil
	}
	for i := 0; i < len(r); i += 2 {
		lo, hi := r[i], r[i+1]
		if lo < 0 || hi >= 128 || lo > hi {
			return nil
		}
		for c := lo; c <= hi; c++ {
			m.set[c>>6] |= 1 << (c & 63)
		}
	}
	return m
}
