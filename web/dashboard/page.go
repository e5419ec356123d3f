package dashboard

import (
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"sort"
	"time"

	"github.com/procedo/procedo/runtime/insight"
)

// pageData is what the page template shows.
type pageData struct {
	Lang       string
	Prefix     string
	Filter     insight.Filter
	FromValue  string
	ToValue    string
	Procedures []option
	Versions   []int
	Offices    []string
	Report     *insight.Report
	FlagCounts []flagCount
	Messages   template.JS // JSON for the script, in a data block
	CSVURL     template.URL
	XESURL     template.URL
}

type option struct{ Value, Label string }

type flagCount struct {
	Rule  insight.Rule
	Cases int
}

func (h *Handler) funcs() template.FuncMap {
	return template.FuncMap{
		"t": func(key string) string { return text(h.opts.Lang, key) },
		"dur": func(seconds float64) string {
			return duration(h.opts.Lang, seconds)
		},
		"pct": func(v float64) string { return fmt.Sprintf("%.0f%%", math.Round(v*100)) },
		"slaPct": func(s insight.SLA) string {
			if s.Met+s.Breached == 0 {
				return "–"
			}
			return fmt.Sprintf("%.0f%%", math.Round(100*float64(s.Met)/float64(s.Met+s.Breached)))
		},
		"num":    func(v float64) string { return fmt.Sprintf("%.2f", v) },
		"drill":  func(kind, arg string) string { return kind + ":" + arg },
		"status": func(s string) string { return text(h.opts.Lang, "status."+s) },
	}
}

// duration formats seconds as days and hours for people.
func duration(lang string, seconds float64) string {
	if seconds <= 0 {
		return "0 " + text(lang, "hours")
	}
	d := time.Duration(seconds * float64(time.Second))
	days := int(d / (24 * time.Hour))
	hours := int(math.Round(float64(d%(24*time.Hour)) / float64(time.Hour)))
	if hours == 24 {
		days, hours = days+1, 0
	}
	if days == 0 {
		return fmt.Sprintf("%d %s", hours, text(lang, "hours"))
	}
	return fmt.Sprintf("%d %s %d %s", days, text(lang, "days"), hours, text(lang, "hours"))
}

func (h *Handler) servePage(w http.ResponseWriter, r *http.Request) {
	f, err := h.filter(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rep, err := h.opts.Index.Latest(r.Context(), f, h.opts.PageMaxAge)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := &pageData{Lang: h.opts.Lang, Prefix: h.opts.Prefix, Filter: f, Report: rep}
	// Query.Encode escapes every value: the URLs are safe as they are.
	q := "?" + r.URL.Query().Encode()
	d.CSVURL, d.XESURL = template.URL(h.opts.Prefix+"/export.csv"+q), template.URL(h.opts.Prefix+"/export.xes"+q)
	if !f.From.IsZero() {
		d.FromValue = f.From.In(rome).Format(time.DateOnly)
	}
	if !f.To.IsZero() {
		d.ToValue = f.To.In(rome).AddDate(0, 0, -1).Format(time.DateOnly)
	}
	for _, p := range h.opts.Index.Procedures() {
		label := p.Name
		if label == "" {
			label = p.Key
		}
		d.Procedures = append(d.Procedures, option{p.Key, label})
	}
	if f.Procedure != "" {
		d.Versions, _ = h.opts.Index.Versions(r.Context(), f.Body, f.Procedure)
	}
	offices := map[string]bool{}
	for _, o := range rep.Offices {
		offices[o.Name] = true
	}
	if f.Office != "" {
		offices[f.Office] = true
	}
	for o := range offices {
		d.Offices = append(d.Offices, o)
	}
	sort.Strings(d.Offices)
	counts := map[string]int{}
	for _, fl := range rep.Flags {
		counts[fl.Rule]++
	}
	for _, rule := range insight.Rules(h.opts.Lang) {
		d.FlagCounts = append(d.FlagCounts, flagCount{rule, counts[rule.ID]})
	}
	msgs, _ := json.Marshal(messages(h.opts.Lang))
	d.Messages = template.JS(msgs)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := h.page.Execute(w, d); err != nil {
		h.opts.Logger.ErrorContext(r.Context(), "dashboard: page", "err", err)
	}
}

const pageTemplate = `<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{t "title"}} – Procedo</title>
<link rel="stylesheet" href="{{.Prefix}}/assets/dashboard.css">
<script src="{{.Prefix}}/assets/dashboard.js" defer></script>
</head>
<body>
<header class="bg-primary text-white py-3"><div class="container">
<h1 class="h3 text-white mb-1">{{t "title"}}</h1><p class="mb-0 text-white">{{t "subtitle"}}</p>
</div></header>
<main id="dashboard" class="container my-4" data-prefix="{{.Prefix}}" data-procedure="{{.Filter.Procedure}}" data-version="{{.Filter.Version}}">
<script type="application/json" id="messages">{{.Messages}}</script>

<form class="row g-3 align-items-end mb-4" method="get" action="{{.Prefix}}/" id="filters" aria-label="{{t "filters"}}">
  <div class="col-md-3"><label for="f-procedure" class="form-label active">{{t "procedure"}}</label>
    <select id="f-procedure" name="procedure" class="form-select"><option value="">{{t "all"}}</option>
    {{range .Procedures}}<option value="{{.Value}}"{{if eq .Value $.Filter.Procedure}} selected{{end}}>{{.Label}}</option>{{end}}</select></div>
  <div class="col-md-2"><label for="f-version" class="form-label active">{{t "version"}}</label>
    <select id="f-version" name="version" class="form-select"><option value="">{{t "all"}}</option>
    {{range .Versions}}<option value="{{.}}"{{if eq . $.Filter.Version}} selected{{end}}>v{{.}}</option>{{end}}</select></div>
  <div class="col-md-2"><label for="f-from" class="form-label active">{{t "from"}}</label><input id="f-from" type="date" name="from" class="form-control" value="{{.FromValue}}"></div>
  <div class="col-md-2"><label for="f-to" class="form-label active">{{t "to"}}</label><input id="f-to" type="date" name="to" class="form-control" value="{{.ToValue}}"></div>
  <div class="col-md-2"><label for="f-office" class="form-label active">{{t "office"}}</label>
    <select id="f-office" name="office" class="form-select"><option value="">{{t "all"}}</option>
    {{range .Offices}}<option value="{{.}}"{{if eq . $.Filter.Office}} selected{{end}}>{{.}}</option>{{end}}</select></div>
  <div class="col-md-1"><button type="submit" class="btn btn-primary">{{t "apply"}}</button></div>
</form>

<p class="small text-muted" aria-live="polite"><span id="live-status"></span></p>

{{with .Report}}
<section aria-labelledby="h-cards" class="mb-4">
<h2 id="h-cards" class="visually-hidden">{{t "cases.total"}}</h2>
<div class="row g-3 cards">
  <div class="col-6 col-lg-2"><button type="button" class="card-figure" data-drill="all"><span class="figure" data-figure="cases.total">{{.Cases.Total}}</span><span class="label">{{t "cases.total"}}</span></button></div>
  <div class="col-6 col-lg-2"><button type="button" class="card-figure" data-drill="status:active"><span class="figure" data-figure="cases.active">{{.Cases.Active}}</span><span class="label">{{t "cases.active"}}</span></button></div>
  <div class="col-6 col-lg-2"><button type="button" class="card-figure" data-drill="status:completed"><span class="figure" data-figure="cases.completed">{{.Cases.Completed}}</span><span class="label">{{t "cases.completed"}}</span></button></div>
  <div class="col-6 col-lg-2"><div class="card-figure"><span class="figure" data-figure="cases.duration">{{dur .Cases.Duration.Mean}}</span><span class="label">{{t "cases.duration"}}</span></div></div>
  <div class="col-6 col-lg-2"><button type="button" class="card-figure" data-drill="term:late"><span class="figure" data-figure="term.late">{{.Term.Late}}</span><span class="label">{{t "term.late"}}</span></button></div>
  <div class="col-6 col-lg-2"><button type="button" class="card-figure" data-drill="term:at-risk"><span class="figure" data-figure="term.atRisk">{{.Term.AtRisk}}</span><span class="label">{{t "term.atRisk"}}</span></button></div>
  <div class="col-6 col-lg-2"><button type="button" class="card-figure" data-drill="term:on-time"><span class="figure" data-figure="term.onTime">{{.Term.OnTime}}</span><span class="label">{{t "term.onTime"}}</span></button></div>
  <div class="col-6 col-lg-2"><button type="button" class="card-figure" data-drill="term:overdue"><span class="figure" data-figure="term.overdue">{{.Term.Overdue}}</span><span class="label">{{t "term.overdue"}}</span></button></div>
  <div class="col-6 col-lg-2"><button type="button" class="card-figure" data-drill="term:suspended"><span class="figure" data-figure="term.suspended">{{.Term.Suspended}}</span><span class="label">{{t "term.suspended"}}</span></button></div>
  <div class="col-6 col-lg-2"><div class="card-figure"><span class="figure" data-figure="term.suspensionDays">{{.Term.SuspensionDays}}</span><span class="label">{{t "term.suspension"}}</span></div></div>
</div>
</section>

<section aria-labelledby="h-flags" class="mb-4">
<h2 id="h-flags" class="h4">{{t "flags"}}</h2>
<table class="table table-sm" id="flags-table"><thead><tr><th scope="col">{{t "flags.rule"}}</th><th scope="col"></th><th scope="col" class="text-end">{{t "flags.cases"}}</th></tr></thead><tbody>
{{range $.FlagCounts}}<tr><td>{{.Rule.ID}}</td><td><span title="{{.Rule.Why}}">{{.Rule.Title}}</span></td>
<td class="text-end"><button type="button" class="btn btn-link p-0" data-drill="flag:{{.Rule.ID}}" data-figure="flag.{{.Rule.ID}}">{{.Cases}}</button></td></tr>{{end}}
</tbody></table>
</section>

<section aria-labelledby="h-diagram" class="mb-4" id="diagram-section"{{if not $.Filter.Procedure}} hidden{{end}}>
<h2 id="h-diagram" class="h4">{{t "diagram"}}</h2>
<p class="small">{{t "diagram.help"}}</p>
<fieldset class="mb-2" id="heat-mode"><legend class="small fw-semibold">{{t "heat.by"}}</legend>
<div class="form-check form-check-inline"><input class="form-check-input" type="radio" name="heat" id="heat-mean" value="mean" checked><label class="form-check-label" for="heat-mean">{{t "heat.mean"}}</label></div>
<div class="form-check form-check-inline"><input class="form-check-input" type="radio" name="heat" id="heat-runs" value="runs"><label class="form-check-label" for="heat-runs">{{t "heat.runs"}}</label></div>
</fieldset>
<div id="diagram" class="diagram"></div>
</section>

<div class="row">
<section aria-labelledby="h-weeks" class="col-lg-6 mb-4"><h2 id="h-weeks" class="h4">{{t "weeks"}}</h2><div class="chart"><canvas id="chart-weeks" role="img" aria-label="{{t "weeks"}}: {{t "week.started"}}, {{t "week.completed"}}, {{t "week.backlog"}}"></canvas></div></section>
<section aria-labelledby="h-acts-chart" class="col-lg-6 mb-4"><h2 id="h-acts-chart" class="h4">{{t "activities"}}</h2><div class="chart"><canvas id="chart-activities" role="img" aria-label="{{t "activities"}}: {{t "mean"}}"></canvas></div></section>
</div>

<section aria-labelledby="h-acts" class="mb-4">
<h2 id="h-acts" class="h4">{{t "activities"}}</h2>
<div class="table-responsive"><table class="table table-sm" id="activities-table"><thead><tr>
<th scope="col">{{t "activity"}}</th><th scope="col" class="text-end">{{t "runs"}}</th><th scope="col" class="text-end">{{t "rework"}}</th>
<th scope="col" class="text-end">{{t "mean"}}</th><th scope="col" class="text-end">{{t "p50"}}</th><th scope="col" class="text-end">{{t "p90"}}</th>
<th scope="col" class="text-end">{{t "waiting"}}</th><th scope="col" class="text-end">{{t "working"}}</th><th scope="col" class="text-end">{{t "sla"}}</th></tr></thead><tbody>
{{range .Activities}}<tr data-element="{{.Element}}"><th scope="row">{{.Element}}</th>
<td class="text-end"><button type="button" class="btn btn-link p-0" data-drill="{{drill "activity" .Element}}" data-figure="activity.{{.Element}}.runs">{{.Runs}}</button></td>
<td class="text-end"><button type="button" class="btn btn-link p-0" data-drill="{{drill "rework" .Element}}" data-figure="activity.{{.Element}}.rework">{{.ReworkRuns}}</button></td>
<td class="text-end" data-figure="activity.{{.Element}}.mean">{{dur .Duration.Mean}}</td><td class="text-end">{{dur .Duration.P50}}</td><td class="text-end">{{dur .Duration.P90}}</td>
<td class="text-end">{{dur .Waiting.Mean}}</td><td class="text-end">{{dur .Working.Mean}}</td>
<td class="text-end"><button type="button" class="btn btn-link p-0" data-drill="{{drill "sla-breached" .Element}}">{{slaPct .SLA}}</button></td></tr>{{end}}
</tbody></table></div>
</section>

<div class="row">
<section aria-labelledby="h-docs" class="col-lg-4 mb-4"><h2 id="h-docs" class="h4">{{t "documents"}}</h2>
<table class="table table-sm"><thead><tr><th scope="col">{{t "document"}}</th><th scope="col" class="text-end">{{t "versions.mean"}}</th><th scope="col" class="text-end">{{t "versions.max"}}</th></tr></thead><tbody>
{{range .Documents}}<tr><th scope="row"><button type="button" class="btn btn-link p-0" data-drill="{{drill "document" .Name}}">{{.Name}}</button></th><td class="text-end" data-figure="document.{{.Name}}.mean">{{num .Mean}}</td><td class="text-end">{{.Max}}</td></tr>{{end}}
</tbody></table></section>
<section aria-labelledby="h-work" class="col-lg-4 mb-4"><h2 id="h-work" class="h4">{{t "workload"}}</h2>
<table class="table table-sm"><thead><tr><th scope="col">{{t "offices"}}</th><th scope="col" class="text-end">{{t "open"}}</th><th scope="col" class="text-end">{{t "done"}}</th></tr></thead><tbody>
{{range .Offices}}<tr><th scope="row">{{.Name}}</th><td class="text-end"><button type="button" class="btn btn-link p-0" data-drill="{{drill "office" .Name}}" data-figure="office.{{.Name}}.open">{{.Open}}</button></td><td class="text-end">{{.Completed}}</td></tr>{{end}}
</tbody></table>
<table class="table table-sm"><thead><tr><th scope="col">{{t "officials"}}</th><th scope="col" class="text-end">{{t "open"}}</th><th scope="col" class="text-end">{{t "done"}}</th></tr></thead><tbody>
{{range .Officials}}<tr><th scope="row">{{.Name}}</th><td class="text-end"><button type="button" class="btn btn-link p-0" data-drill="{{drill "official" .Name}}">{{.Open}}</button></td><td class="text-end">{{.Completed}}</td></tr>{{end}}
</tbody></table></section>
<section aria-labelledby="h-check" class="col-lg-4 mb-4"><h2 id="h-check" class="h4">{{t "checklists"}}</h2>
<table class="table table-sm"><thead><tr><th scope="col">{{t "item"}}</th><th scope="col" class="text-end">{{t "yes"}}</th><th scope="col" class="text-end">{{t "no"}}</th><th scope="col" class="text-end">{{t "na"}}</th><th scope="col" class="text-end">{{t "compliance"}}</th></tr></thead><tbody>
{{range .Checklists}}<tr><th scope="row">{{.Item}}</th><td class="text-end">{{.Yes}}</td><td class="text-end"><button type="button" class="btn btn-link p-0" data-drill="checklist-no:{{.Element}}/{{.Item}}" data-figure="checklist.{{.Item}}.no">{{.No}}</button></td><td class="text-end">{{.NA}}</td><td class="text-end">{{pct .Compliance}}</td></tr>{{end}}
</tbody></table></section>
</div>
{{end}}

<section aria-labelledby="h-drill" class="mb-4" id="drill" hidden>
<h2 id="h-drill" class="h4">{{t "drill"}}: <span id="drill-key"></span> (<span id="drill-total"></span>)</h2>
<div class="table-responsive"><table class="table table-sm"><thead><tr><th scope="col">{{t "case"}}</th><th scope="col">{{t "number"}}</th><th scope="col">{{t "status"}}</th><th scope="col">{{t "started"}}</th><th scope="col">{{t "ended"}}</th></tr></thead><tbody id="drill-rows"></tbody></table></div>
<ul id="drill-flags" class="small"></ul>
</section>

<p><a class="btn btn-outline-primary btn-sm" href="{{.CSVURL}}" download>{{t "export.csv"}}</a>
<a class="btn btn-outline-primary btn-sm" href="{{.XESURL}}" download>{{t "export.xes"}}</a></p>
</main>
</body>
</html>
`
