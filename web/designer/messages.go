package designerweb

import (
	"fmt"
	"net/http"
	"strings"
)

// catalogue holds every text of this package that an analyst reads, in
// Italian and English. The front end has its own catalogue
// (web/designer/js/i18n.js) for the texts it shows.
var catalogue = map[string][2]string{
	"unauthorized":        {"Accesso non autorizzato: effettua di nuovo l'accesso.", "Not authorised: sign in again."},
	"forbidden":           {"Non hai i permessi per usare il designer.", "You may not use the designer."},
	"csrf":                {"Richiesta rifiutata: manca l'intestazione di sicurezza del designer.", "Request refused: the designer's security header is missing."},
	"not-found":           {"Procedura o revisione non trovata.", "Procedure or revision not found."},
	"bad-request":         {"Richiesta non valida: %s", "Bad request: %s"},
	"invalid":             {"Dati non validi (%s): %s", "Invalid data (%s): %s"},
	"conflict":            {"La procedura è stata salvata da %s alle %s (revisione %d) mentre la modificavi. Le tue modifiche non sono andate perse: sono ancora qui. Confronta le versioni e salva di nuovo.", "The procedure was saved by %s at %s (revision %d) while you were editing. Your changes are not lost: they are still here. Compare and save again."},
	"internal":            {"Errore interno del server. Riprova tra poco.", "Internal server error. Try again shortly."},
	"deploy-unavailable":  {"La pubblicazione non è configurata su questo server.", "Deployment is not configured on this server."},
	"deploy-lint":         {"La revisione %d ha %d errori: correggili prima di pubblicarla.", "Revision %d has %d errors: fix them before deploying it."},
	"deploy-failed":       {"Pubblicazione non riuscita: %s", "Deployment failed: %s"},
	"import-unreadable":   {"Il file %s non è leggibile: %s", "The file %s cannot be read: %s"},
	"import-empty":        {"Il file è vuoto.", "The file is empty."},
	"import-no-bpmn":      {"L'archivio non contiene process.bpmn.", "The archive has no process.bpmn."},
	"import-kind":         {"Importa un file .bpmn o un archivio .zip di una procedura.", "Import a .bpmn file or a procedure .zip archive."},
	"restore-message":     {"Ripristino della revisione %d", "Restore of revision %d"},
	"duplicate-message":   {"Copia di «%s» (revisione %d)", "Copy of “%s” (revision %d)"},
	"create-message":      {"Creazione", "Created"},
	"model-errors":        {"Il modello ha %d errori: correggili (vedi Controlli).", "The model has %d errors: fix them (see Checks)."},
	"codegen":             {"Generazione non riuscita: %s", "Generation failed: %s"},
	"simulate-nothing":    {"Nessun processo eseguibile da simulare: segna il processo come eseguibile.", "No executable process to simulate: mark the process executable."},
	"simulate-invalid":    {"Dati non validi per il modulo: %s", "Data does not fit the form: %s"},
	"simulate-failed":     {"Simulazione non riuscita: %s", "Simulation failed: %s"},
	"simulate-gone":       {"La simulazione è scaduta: avviane una nuova.", "The simulation expired: start a new one."},
	"preview-unsupported": {"Anteprima non disponibile: %s", "Preview unavailable: %s"},
}

// lang picks Italian unless the browser asks for English first.
func lang(r *http.Request) int {
	al := strings.ToLower(r.Header.Get("Accept-Language"))
	if strings.HasPrefix(al, "en") {
		return 1
	}
	return 0
}

// msg formats a catalogue text in the request's language.
func msg(r *http.Request, key string, args ...any) string {
	t, ok := catalogue[key]
	if !ok {
		panic("designerweb: no message " + key) // a programming error, caught by TestCatalogue
	}
	s := t[lang(r)]
	if len(args) > 0 {
		s = fmt.Sprintf(s, args...)
	}
	return s
}
