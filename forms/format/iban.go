package format

// ibanLengths is the length of the IBAN of each SEPA country (ISO 13616 /
// SWIFT IBAN registry). Italian citizens mostly give Italian or San Marino
// accounts, but a SEPA transfer may come from any of these.
var ibanLengths = map[string]int{
	"AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22,
	"DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27,
	"HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20,
	"LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24,
	"SE": 24, "SI": 19, "SK": 24, "SM": 27, "VA": 22,
}

// IBAN checks an International Bank Account Number of a SEPA country: the
// country's length, and the ISO 7064 mod 97-10 check (ISO 13616). For
// Italy and San Marino it also checks the BBAN shape: CIN letter, 5-digit
// ABI, 5-digit CAB, 12-character account. Spaces are ignored.
func IBAN(s string) error {
	iban := normalize(s, false)
	if len(iban) < 4 {
		return fail("iban", ReasonLength, "too short")
	}
	cc := iban[:2]
	want, ok := ibanLengths[cc]
	if !ok {
		if !isLetter(cc[0]) || !isLetter(cc[1]) {
			return fail("iban", ReasonSyntax, "an IBAN starts with a country code")
		}
		return fail("iban", ReasonCountry, "country %s is not in SEPA", cc)
	}
	if len(iban) != want {
		return fail("iban", ReasonLength, "an IBAN of %s has %d characters, got %d", cc, want, len(iban))
	}
	if !isDigit(iban[2]) || !isDigit(iban[3]) {
		return fail("iban", ReasonChars, "characters 3 and 4 must be digits")
	}
	for i := 4; i < len(iban); i++ {
		if !isDigit(iban[i]) && !isLetter(iban[i]) {
			return fail("iban", ReasonChars, "character %d is not a letter or digit", i+1)
		}
	}
	if cc == "IT" || cc == "SM" {
		if !isLetter(iban[4]) {
			return fail("iban", ReasonChars, "the CIN (character 5) must be a letter")
		}
		for i := 5; i < 15; i++ {
			if !isDigit(iban[i]) {
				return fail("iban", ReasonChars, "ABI and CAB (characters 6–15) must be digits")
			}
		}
	}
	// Move the first four characters to the end, letters become 10..35,
	// the number mod 97 must be 1. Computed digit by digit to stay in int.
	rem := 0
	for i := 0; i < len(iban); i++ {
		c := iban[(i+4)%len(iban)]
		if isDigit(c) {
			rem = (rem*10 + int(c-'0')) % 97
		} else {
			v := int(c-'A') + 10
			rem = (rem*100 + v) % 97
		}
	}
	if rem != 1 {
		return fail("iban", ReasonChecksum, "the check digits do not match (mod 97)")
	}
	return nil
}
