package insight

import (
	"slices"
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

// decisionReady returns when the first decision task of c was created,
// zero when none was.
func (k *computer) decisionReady(c *Case) time.Time {
	p := k.procs[c.Process]
	for _, t := range c.Tasks {
		if p.decides(t.Element) {
			return t.Created
		}
	}
	return time.Time{}
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
	// (rule, case) is unique: one flag per rule and case.
	slices.SortFunc(k.r.Flags, func(a, b Flag) int {
		if c := strings.Compare(a.Rule, b.Rule); c != 0 {
			return c
		}
		return strings.Compare(a.Case, b.Case)
	})
}

// outOfOrder raises RF02: a case decided while cases of the same procedure
// that arrived before it were waiting for a decision (their decision task
// open) and not suspended. Counting only the cases at the decision stage
// keeps the ordinary variance of instruction times out: what the rule
// looks for is a decision that jumps the queue of decisions.
//
// A sweep over time keeps, per procedure, a Fenwick tree over the order of
// arrival: +1 when a case's first decision task is created or its
// suspension ends, -1 when it is suspended or leaves (decided, or ended
// undecided). At a decision the prefix sum below the decided case's rank
// counts the earlier cases waiting: O(n log n) for n cases, where
// comparing every pair would be O(n²).
func (k *computer) outOfOrder(cases []*Case) {
	const (
		arrive  = iota // ordered so that, at the same instant, a case counts as arrived,
		resume         // a suspension that ends stops excluding it (SuspendedAt: [Start, End)),
		suspend        // one that starts excludes it,
		leave          // and departures come last, earliest arrival first.
	)
	type point struct {
		at   time.Time
		kind int
		c    int // index in byProc order
	}
	byProc := map[string][]*Case{}
	for _, c := range cases {
		if p := k.procs[c.Process]; p != nil && len(p.Decision) > 0 {
			byProc[c.Process] = append(byProc[c.Process], c)
		}
	}
	for _, list := range byProc {
		// Rank by arrival (ties by id, as the cases are sorted by id).
		sort.SliceStable(list, func(i, j int) bool { return list[i].Started.Before(list[j].Started) })
		n := len(list)
		// lo[i] is the first rank that arrived at the same instant as i:
		// only cases that arrived strictly before count as overtaken.
		lo := make([]int, n)
		for i := range list {
			if i > 0 && list[i].Started.Equal(list[i-1].Started) {
				lo[i] = lo[i-1]
			} else {
				lo[i] = i
			}
		}
		decided := make([]bool, n)
		var pts []point
		for i, c := range list {
			ready := k.decisionReady(c)
			if ready.IsZero() {
				continue // never at the decision stage
			}
			pts = append(pts, point{ready, arrive, i})
			end := c.Ended
			if d := k.decision(c); d != nil {
				decided[i], end = true, d.Ended
			}
			for _, s := range c.Suspensions {
				// Only the part of a suspension after the case became
				// ready and before it left takes it out of the queue.
				from := s.Start
				if from.Before(ready) {
					from = ready
				}
				if !s.End.IsZero() && !s.End.After(from) || !end.IsZero() && !from.Before(end) {
					continue
				}
				pts = append(pts, point{from, suspend, i})
				if !s.End.IsZero() && (end.IsZero() || s.End.Before(end)) {
					pts = append(pts, point{s.End, resume, i})
				}
			}
			if !end.IsZero() {
				pts = append(pts, point{end, leave, i})
			}
		}
		sort.Slice(pts, func(i, j int) bool {
			a, b := pts[i], pts[j]
			if !a.at.Equal(b.at) {
				return a.at.Before(b.at)
			}
			if a.kind != b.kind {
				return a.kind < b.kind
			}
			return a.c < b.c
		})
		tree := make([]int, n+1) // Fenwick tree over ranks 1..n
		addAt := func(i, d int) {
			for i++; i <= n; i += i & -i {
				tree[i] += d
			}
		}
		prefix := func(i int) int { // sum over ranks [0, i)
			s := 0
			for ; i > 0; i -= i & -i {
				s += tree[i]
			}
			return s
		}
		// kth returns the rank of the k-th (1-based) waiting case.
		kth := func(kk int) int {
			pos := 0
			for step := 1 << bitsLen(n); step > 0; step >>= 1 {
				if pos+step <= n && tree[pos+step] < kk {
					pos += step
					kk -= tree[pos]
				}
			}
			return pos
		}
		for _, pt := range pts {
			switch pt.kind {
			case arrive, resume:
				addAt(pt.c, 1)
				continue
			case suspend:
				addAt(pt.c, -1)
				continue
			}
			addAt(pt.c, -1)
			if !decided[pt.c] {
				continue
			}
			waiting := prefix(lo[pt.c])
			if waiting < k.th.Overtaken {
				continue
			}
			labels := make([]string, 0, 6)
			for j := 1; j <= min(5, waiting); j++ {
				labels = append(labels, label(list[kth(j)]))
			}
			if waiting > 5 {
				labels = append(labels, "…")
			}
			c := list[pt.c]
			k.flag(c, RuleOutOfOrder, "", pt.at, k.day(pt.at), waiting, strings.Join(labels, ", "))
		}
	}
}

// bitsLen is the number of bits of n.
func bitsLen(n int) int {
	b := 0
	for ; n > 0; n >>= 1 {
		b++
	}
	return b
}

func label(c *Case) string {
	if c.BusinessKey != "" {
		return c.BusinessKey
	}
	return c.ID
}
