package forms

import (
	"fmt"
	"strings"
)

// Lang is a language of the message catalogue.
type Lang string

// The languages of the catalogue. Italian is the language of the portal;
// English is the fallback for a key or language the catalogue lacks.
const (
	Italian Lang = "it"
	English Lang = "en"
)

// catalogue holds every text a citizen or official reads, keyed by a
// stable identifier. Placeholders are fmt verbs; %[1]s is always the label
// of the field when the text is about one.
var catalogue = map[Lang]map[string]string{
	Italian: {
		"required":                       "Il campo «%[1]s» è obbligatorio.",
		"type.string":                    "Il campo «%[1]s» deve essere un testo.",
		"type.number":                    "Il campo «%[1]s» deve essere un numero.",
		"type.integer":                   "Il campo «%[1]s» deve essere un numero intero.",
		"type.boolean":                   "Il campo «%[1]s» deve essere sì o no.",
		"type.object":                    "La sezione «%[1]s» non è compilata correttamente.",
		"type.array":                     "Il campo «%[1]s» deve essere un elenco.",
		"type.null":                      "Il campo «%[1]s» deve essere vuoto.",
		"type":                           "Il campo «%[1]s» non ha il tipo di valore atteso.",
		"enum":                           "Il campo «%[1]s» deve essere una delle scelte proposte.",
		"const":                          "Il campo «%[1]s» non ha il valore richiesto.",
		"minLength":                      "Il campo «%[1]s» deve avere almeno %[2]d caratteri.",
		"maxLength":                      "Il campo «%[1]s» può avere al massimo %[2]d caratteri.",
		"pattern":                        "Il campo «%[1]s» non è nel formato richiesto.",
		"minimum":                        "Il campo «%[1]s» deve essere almeno %[2]s.",
		"maximum":                        "Il campo «%[1]s» può essere al massimo %[2]s.",
		"exclusiveMinimum":               "Il campo «%[1]s» deve essere maggiore di %[2]s.",
		"exclusiveMaximum":               "Il campo «%[1]s» deve essere minore di %[2]s.",
		"multipleOf":                     "Il campo «%[1]s» deve essere un multiplo di %[2]s.",
		"minItems":                       "Il campo «%[1]s» deve avere almeno %[2]d elementi.",
		"maxItems":                       "Il campo «%[1]s» può avere al massimo %[2]d elementi.",
		"uniqueItems":                    "Il campo «%[1]s» contiene elementi ripetuti.",
		"minProperties":                  "La sezione «%[1]s» deve avere almeno %[2]d campi compilati.",
		"maxProperties":                  "La sezione «%[1]s» può avere al massimo %[2]d campi compilati.",
		"additionalProperties":           "La sezione «%[1]s» contiene campi non previsti: %[2]s.",
		"dependentRequired":              "Il campo «%[1]s» è obbligatorio quando è compilato «%[2]s».",
		"contains":                       "Il campo «%[1]s» non contiene gli elementi richiesti.",
		"alternatives":                   "Il campo «%[1]s» non corrisponde a nessuna delle possibilità previste.",
		"oneOf.many":                     "Il campo «%[1]s» corrisponde a più di una delle possibilità previste.",
		"not":                            "Il campo «%[1]s» ha un valore non ammesso.",
		"invalid":                        "Il campo «%[1]s» non è valido.",
		"format":                         "Il campo «%[1]s» non è nel formato richiesto (%[2]s).",
		"format.date":                    "Il campo «%[1]s» deve essere una data valida (gg/mm/aaaa).",
		"format.date-time":               "Il campo «%[1]s» deve essere una data e ora valide.",
		"format.time":                    "Il campo «%[1]s» deve essere un orario valido.",
		"format.email":                   "Il campo «%[1]s» deve essere un indirizzo email valido, per esempio nome@dominio.it.",
		"format.pec":                     "Il campo «%[1]s» deve essere un indirizzo PEC valido, per esempio nome@pec.dominio.it.",
		"format.uri":                     "Il campo «%[1]s» deve essere un indirizzo web valido.",
		"format.codice-fiscale":          "Il campo «%[1]s» non è un codice fiscale valido.",
		"format.codice-fiscale.checksum": "Il campo «%[1]s» non è un codice fiscale valido: il carattere di controllo non corrisponde. Controlla di averlo scritto correttamente.",
		"format.codice-fiscale.length":   "Il campo «%[1]s» deve avere 16 caratteri (11 cifre per le persone giuridiche).",
		"format.codice-fiscale.date":     "Il campo «%[1]s» non è un codice fiscale valido: la data di nascita indicata non esiste.",
		"format.partita-iva":             "Il campo «%[1]s» non è una partita IVA valida.",
		"format.partita-iva.length":      "Il campo «%[1]s» deve avere 11 cifre.",
		"format.partita-iva.checksum":    "Il campo «%[1]s» non è una partita IVA valida: la cifra di controllo non corrisponde.",
		"format.iban":                    "Il campo «%[1]s» non è un IBAN valido.",
		"format.iban.checksum":           "Il campo «%[1]s» non è un IBAN valido: i caratteri di controllo non corrispondono.",
		"format.iban.country":            "Il campo «%[1]s» deve essere un IBAN di un paese dell'area SEPA.",
		"format.iban.length":             "Il campo «%[1]s» non ha la lunghezza di un IBAN del paese indicato.",
		"format.cap":                     "Il campo «%[1]s» deve essere un CAP di 5 cifre.",
		"format.targa":                   "Il campo «%[1]s» deve essere una targa italiana, per esempio AB 123 CD.",
		"format.telefono":                "Il campo «%[1]s» deve essere un numero di telefono valido.",
		"dateMinimum":                    "Il campo «%[1]s» non può essere precedente al %[2]s.",
		"dateMaximum":                    "Il campo «%[1]s» non può essere successivo al %[2]s.",
		"dateMaximum.today":              "Il campo «%[1]s» non può essere una data futura.",
		"dateMinimum.today":              "Il campo «%[1]s» non può essere una data passata.",
		"number.parse":                   "Il campo «%[1]s» deve essere un numero, per esempio 12 o 12,5.",
		"integer.parse":                  "Il campo «%[1]s» deve essere un numero intero.",
		"choice.unknown":                 "Il campo «%[1]s» deve essere una delle scelte proposte.",
		"file.tooLarge":                  "Il file «%[2]s» del campo «%[1]s» supera la dimensione massima di %[3]s.",
		"file.type":                      "Il file «%[2]s» del campo «%[1]s» non è di un tipo ammesso (%[3]s).",
		"file.mismatch":                  "Il contenuto del file «%[2]s» del campo «%[1]s» non corrisponde al tipo dichiarato.",
		"field.tooLong":                  "Il campo «%[1]s» è troppo lungo.",

		"root":               "Modulo",
		"yes":                "Sì",
		"no":                 "No",
		"choose":             "Seleziona un'opzione",
		"optional":           "(facoltativo)",
		"required.mark":      "(obbligatorio)",
		"step.privacy":       "Informativa sulla privacy",
		"step.summary":       "Riepilogo",
		"step.receipt":       "Ricevuta",
		"step.of":            "Passo %[1]d di %[2]d",
		"steps.label":        "Passi della domanda",
		"step.current":       "passo corrente",
		"step.done":          "completato",
		"button.next":        "Avanti",
		"button.back":        "Indietro",
		"button.save":        "Salva bozza",
		"button.submit":      "Invia la domanda",
		"button.edit":        "Modifica",
		"button.add":         "Aggiungi",
		"button.remove":      "Rimuovi",
		"button.accept":      "Accetta e prosegui",
		"privacy.title":      "Informativa sul trattamento dei dati personali",
		"privacy.text":       "I dati personali inseriti sono trattati dall'ente esclusivamente per istruire la domanda, ai sensi del Regolamento (UE) 2016/679 (GDPR) e del D.lgs. 196/2003. Il titolare del trattamento è l'ente che riceve la domanda.",
		"privacy.accept":     "Ho letto e compreso l'informativa sulla privacy",
		"privacy.required":   "Per proseguire devi accettare l'informativa sulla privacy.",
		"errors.title":       "Ci sono %[1]d errori da correggere",
		"errors.title.one":   "C'è un errore da correggere",
		"summary.intro":      "Controlla i dati inseriti prima di inviare la domanda.",
		"summary.empty":      "Non compilato",
		"receipt.title":      "Domanda inviata",
		"receipt.number":     "Numero di pratica",
		"receipt.text":       "La domanda è stata inviata correttamente. Conserva il numero di pratica per seguirne lo stato.",
		"receipt.date":       "Data di invio",
		"receipt.download":   "Scarica la ricevuta (PDF)",
		"receipt.pdf.title":  "Ricevuta di presentazione della domanda",
		"receipt.pdf.footer": "Documento generato automaticamente. Numero di pratica %[1]s.",
		"file.current":       "File caricato: %[1]s",
		"file.keep":          "Per sostituirlo scegli un nuovo file.",
		"item":               "Elemento %[1]d",
		"help":               "Aiuto",
		"required.legend":    "I campi contrassegnati con * sono obbligatori.",
		"skip":               "Vai al contenuto principale",
		"problem.title":      "Non è stato possibile proseguire",
		"problem.400":        "La richiesta non è valida. Torna all'inizio del modulo e riprova.",
		"problem.403":        "La sessione è scaduta o la pagina non è più valida. Torna all'inizio del modulo e riprova.",
		"problem.404":        "La pagina richiesta non esiste.",
		"problem.409":        "La bozza appartiene a una versione precedente del modulo e non può essere ripresa.",
		"problem.413":        "I dati o i file inviati superano la dimensione massima consentita.",
		"problem.500":        "Si è verificato un errore del servizio. Riprova più tardi.",
		"problem.back":       "Torna all'inizio del modulo",
		"draft.saved":        "Bozza salvata. Per riprendere la compilazione più tardi, conserva questo collegamento:",
		"draft.resume":       "Riprendi la domanda",
	},
	English: {
		"required":          "The field “%[1]s” is required.",
		"type":              "The field “%[1]s” has the wrong type.",
		"enum":              "The field “%[1]s” must be one of the offered choices.",
		"const":             "The field “%[1]s” does not have the required value.",
		"minLength":         "The field “%[1]s” must have at least %[2]d characters.",
		"maxLength":         "The field “%[1]s” can have at most %[2]d characters.",
		"pattern":           "The field “%[1]s” is not in the required format.",
		"minimum":           "The field “%[1]s” must be at least %[2]s.",
		"maximum":           "The field “%[1]s” must be at most %[2]s.",
		"exclusiveMinimum":  "The field “%[1]s” must be greater than %[2]s.",
		"exclusiveMaximum":  "The field “%[1]s” must be less than %[2]s.",
		"multipleOf":        "The field “%[1]s” must be a multiple of %[2]s.",
		"minItems":          "The field “%[1]s” must have at least %[2]d items.",
		"maxItems":          "The field “%[1]s” can have at most %[2]d items.",
		"format":            "The field “%[1]s” is not a valid %[2]s.",
		"dateMaximum.today": "The field “%[1]s” cannot be in the future.",
		"dateMinimum.today": "The field “%[1]s” cannot be in the past.",
		"dateMinimum":       "The field “%[1]s” cannot be before %[2]s.",
		"dateMaximum":       "The field “%[1]s” cannot be after %[2]s.",
		"invalid":           "The field “%[1]s” is not valid.",
		"root":              "Form",
		"button.next":       "Next",
		"button.back":       "Back",
		"button.submit":     "Submit",
	},
}

// Text returns the text of key in lang, formatted with args. A key missing
// in lang falls back to English, then to Italian, then to the key itself,
// so a gap in a translation never shows an empty string.
func Text(lang Lang, key string, args ...any) string {
	for _, l := range []Lang{lang, English, Italian} {
		if t, ok := catalogue[l][key]; ok {
			if len(args) == 0 {
				return t
			}
			return fmt.Sprintf(t, args...)
		}
	}
	return key
}

// hasText reports whether lang has key (English for a language the
// catalogue lacks). The validator uses it to prefer a specific message
// ("format.iban.checksum") only when the language has it, and fall back to
// the general one of the same language.
func hasText(lang Lang, key string) bool {
	m, ok := catalogue[lang]
	if !ok {
		m = catalogue[English]
	}
	_, ok = m[key]
	return ok
}

// formatNumberIT writes a number the Italian way (decimal comma).
func formatNumberIT(lang Lang, s string) string {
	if lang == Italian {
		return strings.Replace(s, ".", ",", 1)
	}
	return s
}
