package dashboard

import "github.com/procedo/procedo/runtime/insight"

// The catalogue of the page's texts (ARCHITECTURE.md: Italian first,
// English second). Red-flag titles and reasons come from insight's
// catalogue.
var catalogue = map[string]map[string]string{
	"it": {
		"title":              "Cruscotto indicatori",
		"subtitle":           "Monitoraggio dei procedimenti e prevenzione della corruzione",
		"filters":            "Filtri",
		"procedure":          "Procedimento",
		"all":                "Tutti",
		"version":            "Versione",
		"from":               "Dal",
		"to":                 "Al",
		"office":             "Ufficio",
		"apply":              "Applica",
		"cases.total":        "Pratiche",
		"cases.active":       "In corso",
		"cases.completed":    "Concluse",
		"cases.duration":     "Durata media",
		"cases.p90":          "Durata p90",
		"term.onTime":        "Nei termini",
		"term.late":          "Oltre il termine",
		"term.atRisk":        "A rischio",
		"term.overdue":       "Scadute in corso",
		"term.suspended":     "Sospese",
		"term.suspension":    "Giorni di sospensione",
		"flags":              "Segnali di rischio",
		"flags.rule":         "Regola",
		"flags.cases":        "Pratiche",
		"activities":         "Attività",
		"activity":           "Attività",
		"runs":               "Esecuzioni",
		"rework":             "Rilavorazioni",
		"mean":               "Media",
		"p50":                "p50",
		"p90":                "p90",
		"waiting":            "Attesa media",
		"working":            "Lavorazione media",
		"sla":                "SLA rispettato",
		"documents":          "Documenti",
		"document":           "Documento",
		"versions.mean":      "Versioni per pratica",
		"versions.max":       "Versioni max",
		"weeks":              "Andamento settimanale",
		"week.started":       "Avviate",
		"week.completed":     "Concluse",
		"week.backlog":       "Arretrato",
		"workload":           "Carico di lavoro",
		"offices":            "Uffici",
		"officials":          "Funzionari",
		"open":               "Aperte",
		"done":               "Completate",
		"checklists":         "Checklist anticorruzione",
		"item":               "Voce",
		"yes":                "Sì",
		"no":                 "No",
		"na":                 "N/A",
		"compliance":         "Conformità",
		"diagram":            "Mappa di calore sul processo",
		"diagram.help":       "Etichetta: esecuzioni · durata media. Selezionare un elemento per le pratiche.",
		"heat.by":            "Colore per",
		"heat.mean":          "durata media",
		"heat.runs":          "frequenza",
		"drill":              "Pratiche",
		"drill.none":         "Nessuna pratica.",
		"drill.all":          "Tutte le pratiche",
		"drill.status":       "Stato",
		"drill.activity":     "Esecuzioni dell'attività",
		"drill.rework":       "Rilavorazioni dell'attività",
		"drill.sla-breached": "SLA non rispettato",
		"drill.document":     "Documento",
		"drill.term":         "Termine",
		"drill.flag":         "Segnale",
		"drill.office":       "Attività aperte dell'ufficio",
		"drill.official":     "Attività aperte del funzionario",
		"drill.checklist-no": "Risposte «no» alla voce",
		"drill.week":         "Concluse nella settimana",
		"term.on-time":       "Nei termini",
		"term.at-risk":       "A rischio",
		"case":               "Pratica",
		"number":             "Numero",
		"status":             "Stato",
		"started":            "Avvio",
		"ended":              "Conclusione",
		"export.csv":         "Scarica indicatori (CSV)",
		"export.xes":         "Scarica registro eventi (XES)",
		"live":               "Aggiornamento automatico attivo",
		"updated":            "Aggiornato alle",
		"days":               "gg",
		"hours":              "h",
		"status.active":      "In corso",
		"status.completed":   "Conclusa",
		"status.terminated":  "Annullata",
		"status.failed":      "In errore",
		"error.filter":       "Filtro non valido",
		"forbidden":          "Accesso non consentito",
	},
	"en": {
		"title":    "Indicators dashboard",
		"subtitle": "Monitoring of procedures and prevention of corruption",
	},
}

// text returns key in lang, Italian when missing.
func text(lang, key string) string {
	if s, ok := catalogue[lang][key]; ok {
		return s
	}
	if s, ok := catalogue["it"][key]; ok {
		return s
	}
	return key
}

// messages returns the whole catalogue of lang (Italian filling the gaps),
// with the red-flag titles, for the page script.
func messages(lang string) map[string]string {
	out := map[string]string{}
	for k, v := range catalogue["it"] {
		out[k] = v
	}
	for k, v := range catalogue[lang] {
		out[k] = v
	}
	for _, r := range insight.Rules(lang) {
		out["rule."+r.ID] = r.Title
		out["why."+r.ID] = r.Why
	}
	return out
}
