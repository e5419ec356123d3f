package insight_test

// An independent computation of every indicator from what the generator
// did (synth.Truth), not from the history: if the history, its folding or
// the aggregation is wrong, the two disagree.

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/insight"
	"github.com/procedo/procedo/runtime/insight/synth"
)

var rome, _ = time.LoadLocation("Europe/Rome")

var cal = &runtime.Calendar{Location: rome}

func day(t time.Time) time.Time {
	t = t.In(rome)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, rome)
}

// nearestRank is the p-th percentile: the ⌈p·n⌉-th smallest value.
func nearestRank(sorted []float64, p float64) float64 {
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[i]
}

func stats(ds []time.Duration) insight.Stats {
	if len(ds) == 0 {
		return insight.Stats{}
	}
	v := make([]float64, len(ds))
	var sum float64
	for i, d := range ds {
		v[i] = d.Seconds()
		sum += v[i]
	}
	sort.Float64s(v)
	return insight.Stats{N: len(v), Mean: sum / float64(len(v)), P50: nearestRank(v, .5), P90: nearestRank(v, .9), Max: v[len(v)-1]}
}

type expected struct {
	cases      insight.CaseFigures
	activities map[string]insight.ActivityFigures
	documents  map[string]insight.DocumentFigures
	term       insight.TermFigures
	weeks      map[string]insight.WeekFigures
	offices    map[string]insight.Workload
	officials  map[string]insight.Workload
	checklist  map[string]insight.ChecklistFigures
	flags      map[string][]string // rule → case ids
	drill      map[string][]string
}

func decided(c *synth.CaseTruth) time.Time {
	for _, t := range c.Tasks {
		if t.Element == synth.Decisione && !t.Completed.IsZero() {
			return t.Completed
		}
	}
	return time.Time{}
}

func decisionCreated(c *synth.CaseTruth) time.Time {
	for _, t := range c.Tasks {
		if t.Element == synth.Decisione {
			return t.Created
		}
	}
	return time.Time{}
}

func suspendedAt(c *synth.CaseTruth, t time.Time) bool {
	for _, p := range c.Suspensions {
		if !t.Before(p.Start) && (p.End.IsZero() || t.Before(p.End)) {
			return true
		}
	}
	return false
}

func suspendedNow(c *synth.CaseTruth) bool {
	n := len(c.Suspensions)
	return n > 0 && c.Suspensions[n-1].End.IsZero()
}

func addID(m map[string][]string, key, id string) {
	for _, v := range m[key] {
		if v == id {
			return
		}
	}
	m[key] = append(m[key], id)
}

func expect(tr *synth.Truth, cases []*synth.CaseTruth) *expected {
	return expectUntil(tr, cases, time.Time{})
}

// expectUntil is expect for a report whose period ends at until (zero:
// open), where the weekly series stops.
func expectUntil(tr *synth.Truth, cases []*synth.CaseTruth, until time.Time) *expected {
	now := tr.End
	lastWeek := now
	if !until.IsZero() && until.Before(now) {
		lastWeek = until.Add(-time.Nanosecond)
	}
	e := &expected{activities: map[string]insight.ActivityFigures{}, documents: map[string]insight.DocumentFigures{},
		weeks: map[string]insight.WeekFigures{}, offices: map[string]insight.Workload{}, officials: map[string]insight.Workload{},
		checklist: map[string]insight.ChecklistFigures{}, flags: map[string][]string{}, drill: map[string][]string{}}
	var caseDur []time.Duration
	dur, wait, work := map[string][]time.Duration{}, map[string][]time.Duration{}, map[string][]time.Duration{}
	for _, c := range cases {
		e.cases.Total++
		if c.Ended.IsZero() {
			e.cases.Active++
		} else {
			e.cases.Completed++
			caseDur = append(caseDur, c.Ended.Sub(c.Arrived))
		}
		perCase := map[string]int{}
		for _, r := range c.Runs {
			a := e.activities[r.Element]
			a.Element = r.Element
			a.Runs++
			perCase[r.Element]++
			if !r.Left.IsZero() {
				dur[r.Element] = append(dur[r.Element], r.Left.Sub(r.Entered))
			}
			e.activities[r.Element] = a
		}
		for el, n := range perCase {
			a := e.activities[el]
			a.Cases++
			if n > 1 {
				a.ReworkCases++
				a.ReworkRuns += n - 1
				addID(e.drill, insight.DrillRework(el), c.ID)
			}
			e.activities[el] = a
		}
		for _, t := range c.Tasks {
			a := e.activities[t.Element]
			done := !t.Completed.IsZero()
			if done {
				claimed := t.Claimed
				wait[t.Element] = append(wait[t.Element], claimed.Sub(t.Created))
				work[t.Element] = append(work[t.Element], t.Completed.Sub(claimed))
			}
			if !t.Due.IsZero() {
				a.SLA.Total++
				switch {
				case done && !t.Completed.After(t.Due):
					a.SLA.Met++
				case done || now.After(t.Due):
					a.SLA.Breached++
				default:
					a.SLA.Pending++
				}
			}
			e.activities[t.Element] = a
			o := e.offices[t.Office]
			o.Name = t.Office
			if done {
				o.Completed++
				w := e.officials[t.By]
				w.Name = t.By
				w.Completed++
				e.officials[t.By] = w
			} else {
				o.Open++
				if !t.Claimed.IsZero() {
					// Claimed, maybe reassigned since: the last holder.
					holder := holderOf(c, t)
					w := e.officials[holder]
					w.Name = holder
					w.Open++
					e.officials[holder] = w
				}
			}
			e.offices[t.Office] = o
		}
		for name, v := range c.Documents {
			d := e.documents[name]
			d.Name = name
			d.Cases++
			d.Versions += v
			d.Max = max(d.Max, v)
			e.documents[name] = d
		}
		// Legal term.
		e.term.WithTerm++
		if len(c.Suspensions) > 0 {
			e.term.Suspended++
			for _, p := range c.Suspensions {
				end := p.End
				if end.IsZero() {
					end = now
				}
				e.term.SuspensionDays += cal.DaysBetween(p.Start, end)
			}
		}
		late := false
		if !c.Ended.IsZero() {
			e.term.Concluded++
			late = day(c.Ended).After(c.Due)
			if late {
				e.term.Late++
			} else {
				e.term.OnTime++
			}
		} else if !suspendedNow(c) {
			late = day(now).After(c.Due)
			if late {
				e.term.Overdue++
			} else if cal.DaysBetween(now, c.Due) <= 5 {
				e.term.AtRisk++
			}
		}
		// Checklist.
		for _, it := range synth.ChecklistItems {
			if c.Checklist == nil {
				continue
			}
			f := e.checklist[it]
			f.Element, f.Item = synth.Checklist, it
			switch c.Checklist[it] {
			case "si":
				f.Yes++
			case "no":
				f.No++
			default:
				f.NA++
			}
			e.checklist[it] = f
		}
		// Red flags.
		dec := decided(c)
		var decider string
		if !dec.IsZero() {
			decider = c.Tasks[len(c.Tasks)-1].By
			for _, t := range c.Tasks {
				if t.Element == synth.Istruttoria && t.By == decider {
					addID(e.flags, insight.RuleSamePerson, c.ID)
				}
			}
			if day(dec).Equal(c.Due) {
				addID(e.flags, insight.RuleLastDay, c.ID)
			}
		}
		if c.Reassigned >= 2 {
			addID(e.flags, insight.RuleReassignments, c.ID)
		}
		if len(c.Suspensions) >= 2 {
			addID(e.flags, insight.RuleSuspensions, c.ID)
		}
		if late {
			addID(e.flags, insight.RuleTermOverrun, c.ID)
		}
		if c.Outcome == "accolta" {
			for _, v := range c.Checklist {
				if v == "no" {
					addID(e.flags, insight.RuleChecklistNo, c.ID)
				}
			}
		}
	}
	// RF02, the naive way: every pair. y counts when it arrived before x
	// and, when x was decided, its decision task was open (created, not
	// yet completed) and it was not suspended.
	for _, x := range cases {
		tx := decided(x)
		if tx.IsZero() {
			continue
		}
		n := 0
		for _, y := range cases {
			ty, ready := decided(y), decisionCreated(y)
			if y == x || !y.Arrived.Before(x.Arrived) || ready.IsZero() || ready.After(tx) || (!ty.IsZero() && !ty.After(tx)) || suspendedAt(y, tx) {
				continue
			}
			n++
		}
		if n >= 3 {
			addID(e.flags, insight.RuleOutOfOrder, x.ID)
		}
	}
	for k := range e.flags {
		sort.Strings(e.flags[k])
		e.drill[insight.DrillFlag(k)] = e.flags[k]
	}
	for k := range e.drill {
		sort.Strings(e.drill[k])
	}
	for el, a := range e.activities {
		a.Duration, a.Waiting, a.Working = stats(dur[el]), stats(wait[el]), stats(work[el])
		e.activities[el] = a
	}
	for n, d := range e.documents {
		d.Mean = float64(d.Versions) / float64(d.Cases)
		e.documents[n] = d
	}
	for it, f := range e.checklist {
		if f.Yes+f.No > 0 {
			f.Compliance = float64(f.Yes) / float64(f.Yes+f.No)
		}
		e.checklist[it] = f
	}
	if e.term.Suspended > 0 {
		e.term.MeanSuspension = float64(e.term.SuspensionDays) / float64(e.term.Suspended)
	}
	e.cases.Duration = stats(caseDur)
	// Weeks: Monday 00:00 in Rome.
	monday := func(t time.Time) time.Time {
		d := day(t)
		for d.Weekday() != time.Monday {
			d = d.AddDate(0, 0, -1)
		}
		return d
	}
	wk := func(t time.Time) string { y, n := monday(t).ISOWeek(); return fmt.Sprintf("%d-W%02d", y, n) }
	for m := monday(firstArrival(cases)); !m.After(lastWeek); m = m.AddDate(0, 0, 7) {
		key := wk(m)
		w := insight.WeekFigures{Week: key}
		end := m.AddDate(0, 0, 7)
		for _, c := range cases {
			if wk(c.Arrived) == key {
				w.Started++
			}
			if !c.Ended.IsZero() && wk(c.Ended) == key {
				w.Completed++
			}
			if c.Arrived.Before(end) && (c.Ended.IsZero() || !c.Ended.Before(end)) {
				w.Backlog++
			}
		}
		e.weeks[key] = w
	}
	return e
}

func firstArrival(cases []*synth.CaseTruth) time.Time {
	first := cases[0].Arrived
	for _, c := range cases {
		if c.Arrived.Before(first) {
			first = c.Arrived
		}
	}
	return first
}

// holderOf is the official holding an open claimed task: the generator
// reassigns only decision tasks, and records who each one went to.
func holderOf(c *synth.CaseTruth, t *synth.TaskTruth) string { return t.Holder }
