package insight

import (
	"encoding/csv"
	"io"
	"strconv"
)

// WriteCSV writes the figures of a report as CSV, one figure per row:
// section, subject (activity, document, week, office, item, rule), metric,
// value. Durations are in seconds. Spreadsheets read it as is.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	row := func(section, subject, metric string, v float64) {
		_ = cw.Write([]string{section, subject, metric, strconv.FormatFloat(v, 'f', -1, 64)})
	}
	stats := func(section, subject, prefix string, s Stats) {
		row(section, subject, prefix+"n", float64(s.N))
		row(section, subject, prefix+"mean_s", s.Mean)
		row(section, subject, prefix+"p50_s", s.P50)
		row(section, subject, prefix+"p90_s", s.P90)
	}
	_ = cw.Write([]string{"section", "subject", "metric", "value"})
	c := r.Cases
	row("cases", "", "total", float64(c.Total))
	row("cases", "", "active", float64(c.Active))
	row("cases", "", "completed", float64(c.Completed))
	row("cases", "", "terminated", float64(c.Terminated))
	row("cases", "", "failed", float64(c.Failed))
	stats("cases", "", "duration_", c.Duration)
	for _, a := range r.Activities {
		row("activity", a.Element, "runs", float64(a.Runs))
		row("activity", a.Element, "cases", float64(a.Cases))
		row("activity", a.Element, "rework_runs", float64(a.ReworkRuns))
		row("activity", a.Element, "rework_cases", float64(a.ReworkCases))
		stats("activity", a.Element, "duration_", a.Duration)
		stats("activity", a.Element, "waiting_", a.Waiting)
		stats("activity", a.Element, "working_", a.Working)
		row("activity", a.Element, "sla_total", float64(a.SLA.Total))
		row("activity", a.Element, "sla_met", float64(a.SLA.Met))
		row("activity", a.Element, "sla_breached", float64(a.SLA.Breached))
	}
	for _, d := range r.Documents {
		row("document", d.Name, "cases", float64(d.Cases))
		row("document", d.Name, "versions_mean", d.Mean)
		row("document", d.Name, "versions_max", float64(d.Max))
	}
	t := r.Term
	row("term", "", "with_term", float64(t.WithTerm))
	row("term", "", "on_time", float64(t.OnTime))
	row("term", "", "late", float64(t.Late))
	row("term", "", "at_risk", float64(t.AtRisk))
	row("term", "", "overdue", float64(t.Overdue))
	row("term", "", "suspended", float64(t.Suspended))
	row("term", "", "suspension_days", float64(t.SuspensionDays))
	for _, wk := range r.Weeks {
		row("week", wk.Week, "started", float64(wk.Started))
		row("week", wk.Week, "completed", float64(wk.Completed))
		row("week", wk.Week, "backlog", float64(wk.Backlog))
	}
	for _, o := range r.Offices {
		row("office", o.Name, "open", float64(o.Open))
		row("office", o.Name, "completed", float64(o.Completed))
	}
	for _, o := range r.Officials {
		row("official", o.Name, "open", float64(o.Open))
		row("official", o.Name, "completed", float64(o.Completed))
	}
	for _, ch := range r.Checklists {
		row("checklist", ch.Element+"/"+ch.Item, "yes", float64(ch.Yes))
		row("checklist", ch.Element+"/"+ch.Item, "no", float64(ch.No))
		row("checklist", ch.Element+"/"+ch.Item, "compliance", ch.Compliance)
	}
	counts := map[string]int{}
	for _, f := range r.Flags {
		counts[f.Rule]++
	}
	for _, rule := range ruleIDs {
		row("flag", rule, "cases", float64(counts[rule]))
	}
	cw.Flush()
	return cw.Error()
}
