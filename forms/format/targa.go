package format

// plateLetters are the letters used on Italian plates since 1994: I, O, Q
// and U are excluded because they read like 1, 0 and V (DM 30 gennaio
// 1993 on the new plates).
const plateLetters = "ABCDEFGHJKLMNPRSTVWXYZ"

func plateLetter(c byte) bool { return indexByte(plateLetters, c) >= 0 }

// Targa checks an Italian vehicle plate of the current series, as printed
// since 1994 (cars and trailers, "AA 000 AA") and since 1999 (motorcycles,
// "AA 00000"). Spaces and dashes are ignored, letters may be lower case.
// Older provincial plates ("MI 123456") and special series (EI, CD, CC)
// are not accepted: a municipality needing them should add its own
// pattern.
func Targa(s string) error {
	p := normalize(s, true)
	switch len(p) {
	case 7:
		if !plateLetter(p[0]) || !plateLetter(p[1]) {
			return fail("targa", ReasonChars, "a plate starts with two letters (no I, O, Q, U)")
		}
		if isDigit(p[2]) && isDigit(p[3]) && isDigit(p[4]) {
			if plateLetter(p[5]) && plateLetter(p[6]) {
				return nil // car or trailer: AA 000 AA
			}
			if isDigit(p[5]) && isDigit(p[6]) {
				return nil // motorcycle: AA 00000
			}
		}
		return fail("targa", ReasonSyntax, "expected AA 000 AA (car) or AA 00000 (motorcycle)")
	default:
		return fail("targa", ReasonLength, "a plate has 7 characters, got %d", len(p))
	}
}

// Telefono checks a telephone number as Italians write it: an Italian
// number (landline starting with 0, 6 to 11 digits; mobile starting with 3,
// 9 or 10 digits; optionally after +39 or 0039), or any international
// number in E.164 form (+ and 8 to 15 digits). Spaces, dots, dashes and
// slashes between digits are allowed (Piano di numerazione nazionale,
// AGCOM delibera 8/15/CIR).
func Telefono(s string) error {
	digits := make([]byte, 0, 16)
	plus := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			digits = append(digits, c)
		case c == '+' && i == 0:
			plus = true
		case c == ' ' || c == '.' || c == '-' || c == '/':
			if len(digits) == 0 && !plus {
				return fail("telefono", ReasonSyntax, "a number starts with a digit or +")
			}
		default:
			return fail("telefono", ReasonChars, "character %d is not a digit", i+1)
		}
	}
	d := string(digits)
	switch {
	case plus && len(d) > 2 && d[:2] == "39":
		d = d[2:]
	case !plus && len(d) > 4 && d[:4] == "0039":
		d = d[4:]
	case plus:
		if len(d) < 8 || len(d) > 15 || d[0] == '0' {
			return fail("telefono", ReasonLength, "an international number has 8 to 15 digits")
		}
		return nil
	}
	switch {
	case d == "":
		return fail("telefono", ReasonLength, "no digits")
	case d[0] == '0':
		if len(d) < 6 || len(d) > 11 {
			return fail("telefono", ReasonLength, "a landline number has 6 to 11 digits")
		}
	case d[0] == '3':
		if len(d) < 9 || len(d) > 10 {
			return fail("telefono", ReasonLength, "a mobile number has 9 or 10 digits")
		}
	default:
		return fail("telefono", ReasonSyntax, "an Italian number starts with 0 (landline) or 3 (mobile)")
	}
	return nil
}
