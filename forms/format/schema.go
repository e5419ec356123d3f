package format

import "github.com/santhosh-tekuri/jsonschema/v6"

// Names of the formats, as written in a schema's "format".
const (
	NameCodiceFiscale = "codice-fiscale"
	NamePartitaIVA    = "partita-iva"
	NameIBAN          = "iban"
	NameCAP           = "cap"
	NameTarga         = "targa"
	NameTelefono      = "telefono"
	NameEmail         = "email"
	NamePEC           = "pec"
)

// Checks maps each format name to its check.
var Checks = map[string]func(string) error{
	NameCodiceFiscale: CodiceFiscale,
	NamePartitaIVA:    PartitaIVA,
	NameIBAN:          IBAN,
	NameCAP:           CAP,
	NameTarga:         Targa,
	NameTelefono:      Telefono,
	NameEmail:         Email,
	NamePEC:           PEC,
}

// Formats returns the checks as JSON Schema formats for
// jsonschema.Compiler.RegisterFormat. Like every format, they apply to
// strings only and let other types pass (JSON Schema 2020-12 §7.1).
func Formats() []*jsonschema.Format {
	names := []string{NameCodiceFiscale, NamePartitaIVA, NameIBAN, NameCAP, NameTarga, NameTelefono, NameEmail, NamePEC}
	out := make([]*jsonschema.Format, 0, len(names))
	for _, n := range names {
		check := Checks[n]
		out = append(out, &jsonschema.Format{Name: n, Validate: func(v any) error {
			s, ok := v.(string)
			if !ok {
				return nil
			}
			return check(s)
		}})
	}
	return out
}
