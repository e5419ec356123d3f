package insight

import "fmt"

// The catalogue of the texts the dashboard shows (ARCHITECTURE.md: one
// message catalogue, Italian first, English second). Keys are stable;
// arguments are positional.
var catalogue = map[string]map[string]string{
	"it": {
		"RF01.title":  "Stessa persona istruisce e decide",
		"RF01.why":    "Segregazione dei compiti: chi istruisce non dovrebbe adottare il provvedimento finale (L. 241/1990 art. 6-bis; PNA).",
		"RF01.reason": "%s ha istruito (%s) e deciso (%s) la pratica",
		"RF02.title":  "Decisa fuori dall'ordine cronologico",
		"RF02.why":    "Le pratiche si trattano nell'ordine di arrivo (D.Lgs. 33/2013; PNA, misure sui tempi procedimentali).",
		"RF02.reason": "decisa il %s prima di %d pratiche arrivate prima e già in attesa di decisione: %s",
		"RF03.title":  "Riassegnazioni frequenti",
		"RF03.why":    "Spostare ripetutamente una pratica tra funzionari è un indice di rischio di pressione indebita.",
		"RF03.reason": "%d riassegnazioni (soglia %d)",
		"RF04.title":  "Sospensioni ripetute",
		"RF04.why":    "Il termine si sospende una sola volta per integrazione documentale (L. 241/1990 art. 2 c. 7).",
		"RF04.reason": "%d sospensioni del termine (soglia %d)",
		"RF05.title":  "Termine superato",
		"RF05.why":    "Il procedimento deve concludersi entro il termine (L. 241/1990 art. 2; art. 2-bis per il danno da ritardo).",
		"RF05.reason": "termine scaduto il %s",
		"RF06.title":  "Decisione nell'ultimo giorno utile",
		"RF06.why":    "Decisioni sistematicamente a ridosso della scadenza segnalano un uso distorto dei tempi.",
		"RF06.reason": "decisa il %s, ultimo giorno del termine",
		"RF07.title":  "Checklist con risposta «no» e pratica accolta",
		"RF07.why":    "Una verifica anticorruzione non superata dovrebbe impedire l'accoglimento o essere motivata.",
		"RF07.reason": "risposta «no» a %s (%s) e pratica accolta",
	},
	"en": {
		"RF01.title":  "Same person instructs and decides",
		"RF01.why":    "Segregation of duties (law 241/1990 art. 6-bis; national anti-corruption plan).",
		"RF01.reason": "%s instructed (%s) and decided (%s) the case",
		"RF02.title":  "Decided out of chronological order",
		"RF02.why":    "Cases are handled in order of arrival.",
		"RF02.reason": "decided on %s before %d earlier cases already waiting for a decision: %s",
		"RF03.title":  "Frequent reassignment",
		"RF03.why":    "Moving a case between officials again and again is a risk indicator.",
		"RF03.reason": "%d reassignments (threshold %d)",
		"RF04.title":  "Repeated suspensions",
		"RF04.why":    "The term is suspended once for a request for integration (law 241/1990 art. 2 c. 7).",
		"RF04.reason": "%d suspensions of the term (threshold %d)",
		"RF05.title":  "Term overrun",
		"RF05.why":    "The procedure must end within its term (law 241/1990 art. 2).",
		"RF05.reason": "term expired on %s",
		"RF06.title":  "Decision on the last day",
		"RF06.why":    "Decisions always at the deadline point at a distorted use of time.",
		"RF06.reason": "decided on %s, the last day of the term",
		"RF07.title":  "Checklist answered «no» and case approved",
		"RF07.why":    "A failed anti-corruption check should prevent approval or be justified.",
		"RF07.reason": "answered «no» to %s (%s) and approved",
	},
}

// Text returns the message key in lang ("it" or "en"; Italian when the
// language or the key is missing), formatted with args.
func Text(lang, key string, args ...any) string {
	m, ok := catalogue[lang][key]
	if !ok {
		m, ok = catalogue["it"][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return m
	}
	return fmt.Sprintf(m, args...)
}
