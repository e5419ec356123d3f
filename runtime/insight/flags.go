package insight

import (
	"sort"
	"strings"
	"time"

	"github.com/procedo/procedo/runtime/store"
)

// Rule is an anti-corruption red flag rule.
type Rule struct {
	ID    string `json:"id"`
	Title string `json:"title"` // Italian, from the catalogue
	Why   string `json:"why"`
}

// Rule ids. They are stable: reports, exports and audits refer to them.
const (
	RuleSamePerson    = "RF01" // the same person instructs and decides a case
	RuleOutOfOrder    = "RF02" // a case decided before earlier cases still waiting
	RuleReassignments = "RF03" // frequent reassignment
	RuleSuspensions   = "RF04" // repeated suspensions of the term
	RuleTermOverrun   = "RF05" // the term is overrun
	RuleLastDay       = "RF06" // decided on the last day of the term
	RuleChecklistNo   = "RF07" // a checklist item answered no and the case approved
)

var ruleIDs = []string{RuleSamePerson, RuleOutOfOrder, RuleReassignments, RuleSuspensions, RuleTermOverrun, RuleLastDay, RuleChecklistNo}

// Rules returns every red-flag rule with its title and reason in lang.
func Rules(lang string) []Rule {
	out := make([]Rule, len(ruleIDs))
	for i, id := range ruleIDs {
		out[i] = Rule{ID: id, Title: Text(lang, id+".title"), Why: Text(lang, id+".why")}
	}
	return out
}

// Flag is a red flag raised on a case.
type Flag struct {
	Rule        string    `json:"rule"`
	Case        string    `json:"case"`
	BusinessKey string    `json:"businessKey,omitempty"`
	Element     string    `json:"element,omitempty"`
	At          time.Time `json:"at,omitzero"`
	Reason      string    `json:"reason"` // Italian, from the catalogue
}

func (k *computer) flag(c *Case, rule, element string, at time.Time, args ...any) {
	k.r.Flags = append(k.r.Flags, Flag{Rule: rule, Case: c.ID, BusinessKey: c.BusinessKey, Element: element, At: at,
		Reason: Text("it", rule+".reason", args...)})
	k.add(DrillFlag(rule), c.ID)
}

// decision returns the first completed decision task of c.
func (k *computer) decision(c *Case) *TaskFact {
	p := k.procs[c.Process]
	if p == nil {
		return nil
	}
	var first *TaskFact
	for _, t := range c.Tasks {
		if t.Status == store.TaskCompleted && p.decides(t.Element) && (first == nil || t.Ended.Before(first.Ended)) {
			first = t
		}
	}
	return first
}

func (k *computer) day(t time.Time) string { return t.In(k.cal.Location).Format("02/01/2006") }

func (k *computer) flags(cases []*Case) {
	for _, c := range cases {
		p := k.procs[c.Process]
		dec := k.decision(c)
		// RF01: an instruction task and a decision task completed by the
		// same person.
		if p != nil && dec != nil {
			for _, t := range c.Tasks {
				if t.Status == store.TaskCompleted && p.instructs(t.Element) && t.CompletedBy != "" && t.CompletedBy == dec.CompletedBy {
					k.flag(c, RuleSamePerson, dec.Element, dec.Ended, t.CompletedBy, t.Element, dec.Element)
					break
				}
			}
		}
		// RF03, RF04: counts over thresholds.
		if c.Reassignments >= k.th.Reassignments {
			k.flag(c, RuleReassignments, "", time.Time{}, c.Reassignments, k.th.Reassignments)
		}
		if n := len(c.Suspensions); n >= k.th.Suspensions {
			k.flag(c, RuleSuspensions, "", c.Suspensions[n-1].Start, n, k.th.Suspensions)
		}
		// RF05: concluded after the last day, or active past it.
		due, late, ok := k.late(c)
		if ok && late {
			k.flag(c, RuleTermOverrun, "", due, k.day(due))
		}
		// RF06: the decision on the last day of the term.
		if ok && dec != nil && dateIn(dec.Ended, k.cal.Location).Equal(due) {
			k.flag(c, RuleLastDay, dec.Element, dec.Ended, k.day(dec.Ended))
		}
		// RF07: a checklist answered "no" on an item and the case approved.
		if p != nil && c.Approved {
		checklists:
			for _, cl := range p.Checklists {
				for _, it := range cl.Items {
					if c.Checklists[cl.Element][it] == AnswerNo {
						k.flag(c, RuleChecklistNo, cl.Element, time.Time{}, it, cl.Element)
						break checklists
					}
				}
			}
		}
	}
	k.outOfOrder(cases)
	sort.SliceStable(k.r.Flags, func(i, j int) bool {
		a, b := k.r.Flags[i], k.r.Flags[j]
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Case < b.Case
	})
}

// outOfOrder raises RF02: a case decided while cases of the same procedure
// that arrived before it were still waiting for a decision and not
// suspended (a suspended case waits for the citizen, not for the office).
// A sweep over arrivals and decisions in time order keeps the set of
// waiting cases, so the cost is cases × backlog, not cases².
func (k *computer) outOfOrder(cases []*Case) {
	type point struct {
		at     time.Time
		arrive bool
		c      *Case
	}
	var pts []point
	decided := map[*Case]time.Time{}
	for _, c := range cases {
		if k.procs[c.Process] == nil || len(k.procs[c.Process].Decision) == 0 {
			continue
		}
		pts = append(pts, point{c.Started, true, c})
		if d := k.decision(c); d != nil {
			decided[c] = d.Ended
			pts = append(pts, point{d.Ended, false, c})
		} else if !c.Ended.IsZero() {
			pts = append(pts, point{c.Ended, false, c})
		}
	}
	sort.SliceStable(pts, func(i, j int) bool {
		if !pts[i].at.Equal(pts[j].at) {
			return pts[i].at.Before(pts[j].at)
		}
		return pts[i].arrive && !pts[j].arrive
	})
	waiting := map[*Case]bool{}
	for _, pt := range pts {
		if pt.arrive {
			waiting[pt.c] = true
			continue
		}
		delete(waiting, pt.c)
		if _, ok := decided[pt.c]; !ok {
			continue
		}
		var before []string
		for y := range waiting {
			if y.Process == pt.c.Process && y.Started.Before(pt.c.Started) && !y.SuspendedAt(pt.at) {
				before = append(before, label(y))
			}
		}
		if len(before) >= k.th.Overtaken {
			sort.Strings(before)
			list := before
			if len(list) > 5 {
				list = append(list[:5:5], "…")
			}
			k.flag(pt.c, RuleOutOfOrder, "", pt.at, k.day(pt.at), len(before), strings.Join(list, ", "))
		}
	}
}

func label(c *Case) string {
	if c.BusinessKey != "" {
		return c.BusinessKey
	}
	return c.ID
}
