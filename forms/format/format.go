package format

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
)

// Error is the reason a value does not have its format. Reason is a short,
// stable code (for example "checksum" or "length") that message catalogues
// translate; Error() gives an English sentence for developers.
type Error struct {
	Format string // the format name, e.g. "codice-fiscale"
	Reason string // stable reason code
	Detail string // English detail for logs and developer tools
}

func (e *Error) Error() string {
	if e.Detail != "" {
		return fmt.Sprintf("not a valid %s: %s", e.Format, e.Detail)
	}
	return fmt.Sprintf("not a valid %s (%s)", e.Format, e.Reason)
}

// ErrFormat matches every *Error with errors.Is.
var ErrFormat = errors.New("invalid format")

// Is makes errors.Is(err, ErrFormat) hold for every *Error.
func (e *Error) Is(target error) bool { return target == ErrFormat }

// Reason codes shared by several formats.
const (
	ReasonLength   = "length"   // wrong number of characters
	ReasonChars    = "chars"    // a character not allowed at its place
	ReasonChecksum = "checksum" // the check digit or character does not match
	ReasonDate     = "date"     // an impossible date encoded in the identifier
	ReasonSyntax   = "syntax"   // the overall shape is wrong
	ReasonCountry  = "country"  // unknown or unsupported country code
)

func fail(format, reason, detail string, args ...any) *Error {
	return &Error{Format: format, Reason: reason, Detail: fmt.Sprintf(detail, args...)}
}

// normalize removes the spaces (and optionally dashes) people type inside
// identifiers and upper-cases the rest.
func normalize(s string, dropDashes bool) string {
	// Most values arrive already normalised (the portal upper-cases them):
	// return them as they are, without building a copy. Non-ASCII input
	// takes the long way, which also turns invalid UTF-8 into U+FFFD.
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || c == ' ' || c == '\t' || (dropDashes && c == '-') || (c >= 'a' && c <= 'z') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t':
		case dropDashes && r == '-':
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' }

// CAP checks a codice di avviamento postale: five digits. Poste Italiane
// assigns codes from 00010 (Roma area) to 98168 (Messina area); "00000"
// and codes above 98xxx are never issued.
func CAP(s string) error {
	if len(s) != 5 {
		return fail("cap", ReasonLength, "a CAP has 5 digits, got %d characters", len(s))
	}
	for i := 0; i < 5; i++ {
		if !isDigit(s[i]) {
			return fail("cap", ReasonChars, "character %d is not a digit", i+1)
		}
	}
	if s < "00010" || s > "98168" {
		return fail("cap", ReasonSyntax, "%s is outside the range of issued codes 00010–98168", s)
	}
	return nil
}

// Email checks an e-mail address as a bare addr-spec (RFC 5322 §3.4.1):
// no display name, a domain with at least one dot, no spaces.
func Email(s string) error { return emailCheck("email", s) }

// PEC checks the address of a posta elettronica certificata mailbox
// (DPR 68/2005). A PEC address has the syntax of an e-mail address; whether
// the mailbox is certified can only be known from the INI-PEC / IPA
// registries, which this offline check does not consult.
func PEC(s string) error { return emailCheck("pec", s) }

// plainAddress recognises the common addresses that net/mail parses as
// an addr-spec (RFC 5322 §3.4.1) equal to the input: a dot-atom local part
// of letters, digits and . _ % + - (no dot first, last or doubled), "@",
// and a domain of labels of letters, digits and - separated by single
// dots. Parsing those with net/mail was most of the cost of the check;
// every other input still goes through it. FuzzPlainAddress checks that
// net/mail accepts each address plainAddress takes.
func plainAddress(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return false
	}
	return dotAtom(s[:at], "._%+-") && dotAtom(s[at+1:], "-.")
}

// dotAtom reports whether s is non-empty, made of ASCII letters, digits
// and the bytes in extra, with no '.' first, last or next to another.
func dotAtom(s, extra string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isDigit(c) || (c|0x20) >= 'a' && (c|0x20) <= 'z' || strings.IndexByte(extra, c) >= 0) {
			return false
		}
	}
	return true
}

func emailCheck(name, s string) error {
	if s == "" || strings.ContainsAny(s, " \t\r\n<>") {
		return fail(name, ReasonSyntax, "spaces or angle brackets are not allowed")
	}
	if !plainAddress(s) {
		addr, err := mail.ParseAddress(s)
		if err != nil || addr.Name != "" || addr.Address != s {
			return fail(name, ReasonSyntax, "not an address of the form nome@dominio.it")
		}
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return fail(name, ReasonSyntax, "the domain %q is not a full domain name", domain)
	}
	for _, label := range strings.Split(domain, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return fail(name, ReasonSyntax, "the domain %q has an invalid label", domain)
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(isDigit(c) || (c|0x20) >= 'a' && (c|0x20) <= 'z' || c == '-') {
				return fail(name, ReasonSyntax, "the domain %q has an invalid character", domain)
			}
		}
	}
	return nil
}
