package format

// Codice fiscale of natural persons, DM 23 dicembre 1976 (and DPR 605/1973):
// 6 letters (surname, name), 2 digits (year), 1 letter (month), 2 digits
// (day, +40 for women), 4 characters (Belfiore code of the town or foreign
// country), 1 check letter. When two people would get the same code, the
// Agenzia delle Entrate replaces digits from the right with letters
// ("omocodia", DM 23 dicembre 1976 art. 5): 0–9 become L M N P Q R S T U V.
// Legal persons and temporary codes use 11 digits with the check digit of
// the partita IVA.

// omocodiaPositions are the indexes of the digits that omocodia may turn
// into letters.
var omocodiaPositions = [...]int{6, 7, 9, 10, 12, 13, 14}

const omocodiaLetters = "LMNPQRSTUV"

// monthLetters maps the month letter to the month (A=January … T=December).
const monthLetters = "ABCDEHLMPRST"

// oddValues is the value of the character in an odd (1-based) position,
// digits and letters sharing the table (0 and A, 1 and B, …).
var oddValues = [26]int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23}

// CodiceFiscale checks an Italian tax code: the 16-character code of a
// natural person, omocodic variants included, or the 11-digit code of a
// legal person. Spaces are ignored and letters may be lower case.
func CodiceFiscale(s string) error {
	cf := normalize(s, false)
	switch len(cf) {
	case 11:
		if err := PartitaIVA(cf); err != nil {
			e := err.(*Error)
			return fail("codice-fiscale", e.Reason, "%s", e.Detail)
		}
		return nil
	case 16:
	default:
		return fail("codice-fiscale", ReasonLength, "a codice fiscale has 16 characters (11 digits for legal persons), got %d", len(cf))
	}
	// Shape: letters where letters must be, digits (or omocodia letters)
	// where digits must be.
	for i := 0; i < 16; i++ {
		c := cf[i]
		switch {
		case i < 6 || i == 8 || i == 11 || i == 15:
			if !isLetter(c) {
				return fail("codice-fiscale", ReasonChars, "character %d must be a letter", i+1)
			}
		default:
			if !isDigit(c) && !(isLetter(c) && indexByte(omocodiaLetters, c) >= 0) {
				return fail("codice-fiscale", ReasonChars, "character %d must be a digit", i+1)
			}
		}
	}
	// Decode omocodia to read the date.
	plain := []byte(cf)
	for _, p := range omocodiaPositions {
		if k := indexByte(omocodiaLetters, plain[p]); k >= 0 && isLetter(plain[p]) {
			plain[p] = byte('0' + k)
		}
	}
	month := indexByte(monthLetters, plain[8])
	if month < 0 {
		return fail("codice-fiscale", ReasonDate, "%q is not a month letter", plain[8])
	}
	day := int(plain[9]-'0')*10 + int(plain[10]-'0')
	if day > 40 {
		day -= 40
	}
	if day < 1 || day > daysIn[month] {
		return fail("codice-fiscale", ReasonDate, "day %d does not exist in month %d", day, month+1)
	}
	if want := checkChar(cf[:15]); cf[15] != want {
		return fail("codice-fiscale", ReasonChecksum, "the check character is %c, expected %c", cf[15], want)
	}
	return nil
}

// daysIn allows 29 February: the two-digit year does not tell the century.
var daysIn = [12]int{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// checkChar computes the check letter of the first 15 characters.
func checkChar(s string) byte {
	sum := 0
	for i := 0; i < 15; i++ {
		c := s[i]
		var v int
		if isDigit(c) {
			v = int(c - '0')
		} else {
			v = int(c - 'A')
		}
		if i%2 == 0 { // odd position, 1-based
			sum += oddValues[v]
		} else {
			sum += v
		}
	}
	return byte('A' + sum%26)
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// PartitaIVA checks an Italian VAT number (DPR 633/1972 art. 35): 11
// digits, the last a Luhn check digit over the first ten. Spaces are
// ignored; an "IT" prefix is accepted.
func PartitaIVA(s string) error {
	p := normalize(s, false)
	if len(p) == 13 && p[:2] == "IT" {
		p = p[2:]
	}
	if len(p) != 11 {
		return fail("partita-iva", ReasonLength, "a partita IVA has 11 digits, got %d characters", len(p))
	}
	sum := 0
	for i := 0; i < 11; i++ {
		c := p[i]
		if !isDigit(c) {
			return fail("partita-iva", ReasonChars, "character %d is not a digit", i+1)
		}
		d := int(c - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	if p == "00000000000" {
		return fail("partita-iva", ReasonSyntax, "all zeros is not a partita IVA")
	}
	if sum%10 != 0 {
		return fail("partita-iva", ReasonChecksum, "the check digit does not match")
	}
	return nil
}
