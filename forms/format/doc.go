// Package format checks the identifiers and values that Italian public
// administration forms ask for: codice fiscale, partita IVA, IBAN, CAP,
// vehicle plates, telephone numbers, e-mail and PEC addresses.
//
// Each check is a plain function returning a *Error that names the reason
// (a stable code the message catalogue of package forms translates), and
// the whole set is also offered as JSON Schema formats by [Formats], so a
// schema can say "format": "codice-fiscale".
//
// The checks are offline and syntactic plus the check digits the law
// defines; they do not ask the Agenzia delle Entrate or INI-PEC whether an
// identifier or address has been issued.
package format
