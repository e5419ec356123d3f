// Package i18n is the message catalogue of the web pages: every text a
// citizen or an official reads comes from here, Italian first, English as
// the fallback (ARCHITECTURE.md, cross-cutting choices).
package i18n

import "fmt"

// Lang is a language of the catalogue.
type Lang string

// The languages.
const (
	IT Lang = "it"
	EN Lang = "en"
)

// T returns the text of key in lang, formatted with args (fmt verbs).
// A key missing in lang falls back to Italian; a key missing everywhere
// returns the key itself, so a gap is visible, never a blank.
func T(lang Lang, key string, args ...any) string {
	s, ok := catalogue[lang][key]
	if !ok {
		s, ok = catalogue[IT][key]
	}
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether key is in the Italian catalogue.
func Has(key string) bool { _, ok := catalogue[IT][key]; return ok }

var catalogue = map[Lang]map[string]string{
	IT: {
		"app.name":               "Procedo",
		"dev.banner":             "Modalità di sviluppo: accesso con utenti dimostrativi, senza SPID né CIE. Non usare in produzione.",
		"login.title":            "Accedi (utenti dimostrativi)",
		"login.intro":            "Scegli un utente dimostrativo. In produzione l'accesso avviene con SPID o CIE.",
		"login.button":           "Accedi come",
		"logout":                 "Esci",
		"login.required":         "Accedi per continuare.",
		"role.citizen":           "Cittadino",
		"role.official":          "Funzionario",
		"role.analyst":           "Analista",
		"role.developer":         "Sviluppatore",
		"role.admin":             "Amministratore",
		"nav.portal":             "Servizi",
		"nav.mycases":            "Le mie pratiche",
		"nav.desk":               "Scrivania",
		"portal.title":           "Servizi online",
		"portal.intro":           "I servizi che puoi richiedere online a %s.",
		"portal.choose.body":     "Scegli l'ente",
		"service.what":           "Che cos'è",
		"service.who":            "Chi può presentare la domanda",
		"service.documents":      "Documenti necessari",
		"service.term":           "Termine del procedimento",
		"service.term.days":      "%d giorni dalla presentazione della domanda (art. 2 L. 241/1990); il termine è sospeso mentre attendiamo una tua integrazione.",
		"service.office":         "Ufficio responsabile",
		"service.costs":          "Costi",
		"service.apply":          "Presenta la domanda",
		"service.notdeployed":    "Il servizio non è ancora attivo presso questo ente.",
		"cases.title":            "Le mie pratiche",
		"cases.none":             "Non hai ancora presentato domande.",
		"case.number":            "Numero",
		"case.status":            "Stato",
		"case.phase":             "Fase",
		"case.term":              "Termine",
		"case.term.left":         "%d giorni rimanenti (scadenza %s)",
		"case.term.overrun":      "Termine scaduto da %d giorni (scadenza %s)",
		"case.term.suspended":    "Sospeso: %d giorni rimanenti alla ripresa",
		"case.term.none":         "Nessun termine",
		"case.messages":          "Messaggi",
		"case.messages.none":     "Nessun messaggio.",
		"case.documents":         "Documenti",
		"case.documents.none":    "Nessun documento.",
		"case.version":           "versione %d",
		"case.filed":             "Presentata il %s",
		"case.integration":       "Integrazione richiesta",
		"case.integration.send":  "Invia l'integrazione",
		"case.integration.sent":  "Integrazione inviata.",
		"case.receipt":           "Ricevuta (PDF)",
		"status.active":          "In corso",
		"status.completed":       "Conclusa",
		"status.terminated":      "Chiusa",
		"status.failed":          "Interrotta per errore",
		"desk.title":             "Attività dei miei uffici",
		"desk.offices":           "Uffici: %s",
		"desk.none":              "Nessuna attività.",
		"desk.filter":            "Filtra",
		"desk.filter.text":       "Cerca per numero o attività",
		"desk.sort":              "Ordina per",
		"desk.view":              "Mostra",
		"desk.view.all":          "Tutte le attività",
		"desk.view.mine":         "Assegnate a me",
		"desk.view.free":         "Non assegnate",
		"desk.sort.due":          "Scadenza",
		"desk.sort.arrival":      "Arrivo",
		"desk.claim":             "Prendi in carico",
		"desk.release":           "Rilascia",
		"desk.open":              "Apri",
		"desk.assigned":          "Assegnata a %s",
		"desk.unassigned":        "Non assegnata",
		"desk.due":               "Scadenza %s",
		"desk.arrived":           "Arrivata il %s",
		"desk.live":              "L'elenco si aggiorna da solo quando arrivano nuove attività.",
		"desk.updated":           "Elenco aggiornato.",
		"case.data":              "Dati della domanda",
		"case.history":           "Cronologia",
		"case.diagram":           "Posizione nel procedimento",
		"case.notes":             "Note interne",
		"case.notes.add":         "Aggiungi nota",
		"case.notes.none":        "Nessuna nota.",
		"case.complete":          "Completa l'attività",
		"case.complete.button":   "Completa",
		"case.checklist":         "Lista di controllo",
		"case.reassign":          "Riassegna",
		"case.reassign.to":       "Assegna a",
		"case.reassign.offices":  "all'ufficio",
		"case.reassign.reason":   "Motivo della riassegnazione",
		"case.waiting":           "In attesa in: %s",
		"case.task.notyours":     "L'attività è assegnata a un collega.",
		"case.task.claimfirst":   "Prendi in carico l'attività per completarla.",
		"err.title":              "Si è verificato un problema",
		"err.400":                "La richiesta non è valida.",
		"err.401":                "Devi accedere per vedere questa pagina.",
		"err.403":                "Non hai i permessi per questa operazione.",
		"err.404":                "La pagina o la pratica non esiste.",
		"err.409":                "La pratica è cambiata nel frattempo: ricarica la pagina.",
		"err.413":                "Il contenuto inviato è troppo grande.",
		"err.422":                "Alcuni dati non sono validi.",
		"err.500":                "Errore interno: riprova tra poco.",
		"err.csrf":               "La pagina è scaduta o non proviene da questo sito: ricaricala e riprova.",
		"err.cf.mismatch":        "Il codice fiscale del richiedente deve essere il tuo (%s).",
		"err.reason.required":    "Indica il motivo.",
		"back":                   "Indietro",
		"save":                   "Salva",
		"event.started":          "Pratica avviata",
		"event.completed":        "Pratica conclusa",
		"event.terminated":       "Pratica chiusa",
		"event.element.entered":  "Entrata in «%s»",
		"event.task.created":     "Attività «%s» creata",
		"event.task.claimed":     "Presa in carico",
		"event.task.released":    "Rilasciata",
		"event.task.completed":   "Attività completata",
		"event.task.reassigned":  "Riassegnata",
		"event.document.added":   "Documento aggiunto",
		"event.term.suspended":   "Termine sospeso",
		"event.term.resumed":     "Termine ripreso",
		"event.other":            "%s",
		"bool.true":              "Sì",
		"bool.false":             "No",
		"message.integration":    "Richiesta di integrazione: %s",
		"message.outcome":        "Esito dell'istruttoria: %s",
		"message.integration.ok": "Hai inviato l'integrazione: %s",
	},
	EN: {
		"dev.banner":    "Development mode: demo users, no SPID or CIE. Do not use in production.",
		"login.title":   "Sign in (demo users)",
		"logout":        "Sign out",
		"nav.portal":    "Services",
		"nav.mycases":   "My applications",
		"nav.desk":      "Desk",
		"cases.title":   "My applications",
		"desk.title":    "Tasks of my offices",
		"err.404":       "The page or the case does not exist.",
		"err.403":       "You are not allowed to do this.",
		"status.active": "In progress",
	},
}
