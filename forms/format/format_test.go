package format

import (
	"errors"
	"net/mail"
	"testing"
)

type formatCase struct {
	name   string
	value  string
	reason string // "" when valid
}

func runCases(t *testing.T, check func(string) error, cases []formatCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := check(tc.value)
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("%q: unexpected error %v", tc.value, err)
				}
				return
			}
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("%q: want a *Error with reason %q, got %v", tc.value, tc.reason, err)
			}
			if fe.Reason != tc.reason {
				t.Fatalf("%q: reason %q, want %q (%v)", tc.value, fe.Reason, tc.reason, err)
			}
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("errors.Is(err, ErrFormat) is false")
			}
		})
	}
}

func TestCodiceFiscale(t *testing.T) {
	runCases(t, CodiceFiscale, []formatCase{
		{name: "mario rossi 1985", value: "RSSMRA85T10A562S"},
		{name: "mario rossi 1980 roma", value: "RSSMRA80A01H501U"},
		{name: "matteo moretti", value: "MRTMTT25D09F205Z"},
		{name: "lower case and spaces", value: "rssmra 85t10 a562s"},
		// Omocodia: the digits 2 and 6 of the Belfiore code become N and R
		// (2→N, 6→R), with their own check letters.
		{name: "omocodia one letter", value: "RSSMRA85T10A56NH"},
		{name: "omocodia two letters", value: "RSSMRA85T10A5RNS"},
		{name: "legal person (11 digits)", value: "01114601006"},
		{name: "wrong check letter", value: "RSSMRA85T10A562T", reason: ReasonChecksum},
		{name: "omocodia with the plain check letter", value: "RSSMRA85T10A56NS", reason: ReasonChecksum},
		{name: "too short", value: "RSSMRA85T10A562", reason: ReasonLength},
		{name: "digit in surname", value: "RS1MRA85T10A562S", reason: ReasonChars},
		{name: "letter outside omocodia set", value: "RSSMRA8AT10A562S", reason: ReasonChars},
		{name: "month letter Z", value: "RSSMRA85Z10A562S", reason: ReasonDate},
		{name: "day 32", value: "RSSMRA85T32A562S", reason: ReasonDate},
		{name: "legal person bad check", value: "01114601007", reason: ReasonChecksum},
	})
}

func TestPartitaIVA(t *testing.T) {
	runCases(t, PartitaIVA, []formatCase{
		{name: "valid", value: "01114601006"},
		{name: "valid 2", value: "00743110157"},
		{name: "with IT prefix", value: "IT02438750586"},
		{name: "with spaces", value: "024 387 505 86"},
		{name: "bad check digit", value: "02438750587", reason: ReasonChecksum},
		{name: "transposed digits", value: "00741310157", reason: ReasonChecksum},
		{name: "10 digits", value: "0243875058", reason: ReasonLength},
		{name: "letter", value: "0243875058A", reason: ReasonChars},
		{name: "all zeros", value: "00000000000", reason: ReasonSyntax},
	})
}

func TestIBAN(t *testing.T) {
	runCases(t, IBAN, []formatCase{
		{name: "italian", value: "IT60X0542811101000000123456"},
		{name: "italian grouped lower", value: "it60 x054 2811 1010 0000 0123 456"},
		{name: "german", value: "DE89370400440532013000"},
		{name: "british", value: "GB82WEST12345698765432"},
		{name: "wrong check digits", value: "IT61X0542811101000000123456", reason: ReasonChecksum},
		{name: "one digit changed", value: "IT60X0542811101000000123457", reason: ReasonChecksum},
		{name: "italian too short", value: "IT60X054281110100000012345", reason: ReasonLength},
		{name: "italian CIN digit", value: "IT6010542811101000000123456", reason: ReasonChars},
		{name: "not SEPA", value: "US64SVBKUS6S3300958879", reason: ReasonCountry},
		{name: "no country", value: "1234", reason: ReasonSyntax},
	})
}

func TestCAP(t *testing.T) {
	runCases(t, CAP, []formatCase{
		{name: "roma", value: "00184"},
		{name: "milano", value: "20121"},
		{name: "messina last", value: "98168"},
		{name: "four digits", value: "2012", reason: ReasonLength},
		{name: "letter", value: "2O121", reason: ReasonChars},
		{name: "zeros", value: "00000", reason: ReasonSyntax},
		{name: "above range", value: "99100", reason: ReasonSyntax},
	})
}

func TestTarga(t *testing.T) {
	runCases(t, Targa, []formatCase{
		{name: "car", value: "AB123CD"},
		{name: "car with spaces", value: "ab 123 cd"},
		{name: "car with dashes", value: "GF-456-XZ"},
		{name: "motorcycle", value: "AB12345"},
		{name: "letter O not used", value: "AO123CD", reason: ReasonChars},
		{name: "letter I at the end", value: "AB123CI", reason: ReasonSyntax},
		{name: "old provincial", value: "MI123456", reason: ReasonLength},
		{name: "mixed", value: "AB12C45", reason: ReasonSyntax},
	})
}

func TestTelefono(t *testing.T) {
	runCases(t, Telefono, []formatCase{
		{name: "mobile", value: "3331234567"},
		{name: "mobile spaced +39", value: "+39 333 123 4567"},
		{name: "landline roma", value: "06 6988 1234"},
		{name: "landline 0039", value: "0039 02 1234567"},
		{name: "international", value: "+33 1 23 45 67 89"},
		{name: "letters", value: "333-CALL-ME", reason: ReasonChars},
		{name: "mobile too short", value: "33312345", reason: ReasonLength},
		{name: "starts with 5", value: "5551234567", reason: ReasonSyntax},
		{name: "international too short", value: "+4412", reason: ReasonLength},
	})
}

func TestEmailAndPEC(t *testing.T) {
	cases := []formatCase{
		{name: "plain", value: "mario.rossi@comune.roma.it"},
		{name: "plus", value: "anna+pratiche@example.org"},
		{name: "display name", value: "Mario <mario@comune.it>", reason: ReasonSyntax},
		{name: "no domain dot", value: "mario@localhost", reason: ReasonSyntax},
		{name: "double dot", value: "mario@comune..it", reason: ReasonSyntax},
		{name: "no at", value: "mario.comune.it", reason: ReasonSyntax},
		{name: "space", value: "mario rossi@comune.it", reason: ReasonSyntax},
		{name: "label dash", value: "a@-comune.it", reason: ReasonSyntax},
	}
	runCases(t, Email, cases)
	runCases(t, PEC, append(cases, formatCase{name: "pec", value: "protocollo@pec.comune.milano.it"}))
}

func FuzzCodiceFiscale(f *testing.F) {
	for _, s := range []string{"RSSMRA85T10A562S", "RSSMRA85T10A56NH", "01114601006", "", "ZZZZZZ99Z99Z999Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := CodiceFiscale(s)
		if err != nil && !errors.Is(err, ErrFormat) {
			t.Fatalf("error is not a format error: %v", err)
		}
		_ = IBAN(s)
		_ = Targa(s)
		_ = Telefono(s)
		_ = Email(s)
	})
}

// TestNormalize covers both ways through normalize: values already
// normalised come back as they are; the others lose spaces (and dashes)
// and are upper-cased, with invalid UTF-8 turned into U+FFFD.
func TestNormalize(t *testing.T) {
	tests := []struct {
		in         string
		dropDashes bool
		want       string
	}{
		{in: "RSSMRA85T10A562S", want: "RSSMRA85T10A562S"},
		{in: "rssmra85t10a562s", want: "RSSMRA85T10A562S"},
		{in: "IT60 X054 2811", want: "IT60X0542811"},
		{in: "AB-123\tCD", dropDashes: true, want: "AB123CD"},
		{in: "AB-123", want: "AB-123"},
		{in: "", want: ""},
		{in: "AB\xff", want: "AB\uFFFD"},
		{in: "àb", want: "àB"},
	}
	for _, tc := range tests {
		if got := normalize(tc.in, tc.dropDashes); got != tc.want {
			t.Errorf("normalize(%q, %v) = %q, want %q", tc.in, tc.dropDashes, got, tc.want)
		}
	}
}

var addressSeeds = []struct {
	in    string
	plain bool
}{
	{in: "maria.esposito@example.it", plain: true},
	{in: "a+tag_1%x-y@sub-dom.example.it", plain: true},
	{in: "A@B", plain: true},
	{in: ".a@example.it"},
	{in: "a.@example.it"},
	{in: "a..b@example.it"},
	{in: "a@example..it"},
	{in: "a@.example.it"},
	{in: "@example.it"},
	{in: "a@"},
	{in: "a@b@c.it"},
	{in: "\"a b\"@example.it"},
	{in: "Maria <m@example.it>"},
	{in: "mà@example.it"},
	{in: "a!b@example.it"},
	{in: "a@[127.0.0.1]"},
}

// TestPlainAddress checks which addresses skip net/mail, and that the
// check gives the same verdict either way.
func TestPlainAddress(t *testing.T) {
	for _, tc := range addressSeeds {
		if got := plainAddress(tc.in); got != tc.plain {
			t.Errorf("plainAddress(%q) = %v, want %v", tc.in, got, tc.plain)
		}
		if tc.plain {
			if a, err := mail.ParseAddress(tc.in); err != nil || a.Address != tc.in || a.Name != "" {
				t.Errorf("net/mail does not take %q as it is: %v, %v", tc.in, a, err)
			}
		}
	}
}

// FuzzPlainAddress: every address plainAddress takes, net/mail parses as
// an address equal to the input and without a name.
func FuzzPlainAddress(f *testing.F) {
	for _, tc := range addressSeeds {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !plainAddress(s) {
			return
		}
		a, err := mail.ParseAddress(s)
		if err != nil || a.Address != s || a.Name != "" {
			t.Fatalf("plainAddress(%q) but net/mail gives %v, %v", s, a, err)
		}
	})
}
