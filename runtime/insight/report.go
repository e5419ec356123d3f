package insight

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
)

var rome = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// Filter selects the cases of a report: by procedure (process key),
// version (of the deployment; 0 for all), period (cases started in
// [From, To); zero bounds are open) and office (cases with a task offered
// to it; workload then counts that office only).
type Filter struct {
	Body      string    `json:"body"`
	Procedure string    `json:"procedure,omitempty"`
	Version   int       `json:"version,omitempty"`
	From      time.Time `json:"from,omitzero"`
	To        time.Time `json:"to,omitzero"`
	Office    string    `json:"office,omitempty"`
}

// Thresholds of the red flags and of the risk of a term.
type Thresholds struct {
	Reassignments int // RF03 fires at this many reassignments in a case (default 2)
	Suspensions   int // RF04 fires at this many suspensions (default 2)
	RiskDays      int // an active case is at risk with this many days left or fewer (default 5)
	// Overtaken: RF02 fires when a decision overtakes at least this many
	// earlier cases still waiting (default 3): one overtaken case is the
	// ordinary variance of instruction times.
	Overtaken int
}

func (t Thresholds) withDefaults() Thresholds {
	if t.Reassignments <= 0 {
		t.Reassignments = 2
	}
	if t.Suspensions <= 0 {
		t.Suspensions = 2
	}
	if t.Overtaken <= 0 {
		t.Overtaken = 3
	}
	if t.RiskDays <= 0 {
		t.RiskDays = 5
	}
	return t
}

// Stats summarises durations, in seconds: count, mean, and the 50th and
// 90th percentiles by nearest rank (the ⌈p·N⌉-th smallest value: always a
// duration that occurred, as process-mining tools report).
type Stats struct {
	N    int     `json:"n"`
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	Max  float64 `json:"max"`
}

// StatsOf computes Stats of durations.
func StatsOf(ds []time.Duration) Stats {
	if len(ds) == 0 {
		return Stats{}
	}
	s := make([]time.Duration, len(ds))
	copy(s, ds)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	var sum float64
	for _, d := range s {
		sum += d.Seconds()
	}
	rank := func(p float64) float64 { return s[int(math.Ceil(p*float64(len(s))))-1].Seconds() }
	return Stats{N: len(s), Mean: sum / float64(len(s)), P50: rank(0.5), P90: rank(0.9), Max: s[len(s)-1].Seconds()}
}

// Report is every indicator over the cases of a Filter at a time Now.
type Report struct {
	Filter     Filter             `json:"filter"`
	Now        time.Time          `json:"now"`
	Cases      CaseFigures        `json:"cases"`
	Activities []ActivityFigures  `json:"activities"`
	Documents  []DocumentFigures  `json:"documents"`
	Term       TermFigures        `json:"term"`
	Weeks      []WeekFigures      `json:"weeks"`
	Offices    []Workload         `json:"offices"`
	Officials  []Workload         `json:"officials"`
	Flags      []Flag             `json:"flags"`
	Checklists []ChecklistFigures `json:"checklists"`
	// Drill maps a figure's drill key (see the Drill* functions) to the
	// ids of the cases behind it, sorted.
	Drill map[string][]string `json:"-"`
}

// CaseFigures count the cases and time the concluded ones.
type CaseFigures struct {
	Total      int   `json:"total"`
	Active     int   `json:"active"`
	Completed  int   `json:"completed"`
	Terminated int   `json:"terminated"`
	Failed     int   `json:"failed"`
	Duration   Stats `json:"duration"` // of completed cases, start to end
}

// ActivityFigures are the figures of one activity (BPMN element).
type ActivityFigures struct {
	Element     string `json:"element"`
	Kind        string `json:"kind"`
	Runs        int    `json:"runs"`        // executions entered
	Cases       int    `json:"cases"`       // cases that entered it
	ReworkRuns  int    `json:"reworkRuns"`  // executions after the first in a case
	ReworkCases int    `json:"reworkCases"` // cases that ran it more than once
	Duration    Stats  `json:"duration"`    // of the runs that completed
	Waiting     Stats  `json:"waiting"`     // user tasks: created → claimed
	Working     Stats  `json:"working"`     // user tasks: claimed → completed
	SLA         SLA    `json:"sla"`
}

// SLA counts the tasks that had a due time.
type SLA struct {
	Total    int `json:"total"`
	Met      int `json:"met"`
	Breached int `json:"breached"` // completed late, or open past due
	Pending  int `json:"pending"`
}

// DocumentFigures count the versions of a document across cases.
type DocumentFigures struct {
	Name     string  `json:"name"`
	Cases    int     `json:"cases"`
	Versions int     `json:"versions"` // sum over cases of the highest version
	Mean     float64 `json:"mean"`     // versions per case
	Max      int     `json:"max"`
}

// TermFigures are the legal-term figures (law 241/1990 art. 2).
type TermFigures struct {
	WithTerm       int     `json:"withTerm"`
	Concluded      int     `json:"concluded"`
	OnTime         int     `json:"onTime"`
	Late           int     `json:"late"`
	AtRisk         int     `json:"atRisk"`  // active, not suspended, 0…RiskDays days left
	Overdue        int     `json:"overdue"` // active and past the last day
	Suspended      int     `json:"suspended"`
	SuspensionDays int     `json:"suspensionDays"`
	MeanSuspension float64 `json:"meanSuspensionDays"` // per suspended case
}

// WeekFigures are throughput and backlog of an ISO week (Europe/Rome).
type WeekFigures struct {
	Week      string    `json:"week"` // 2026-W10
	Start     time.Time `json:"start"`
	Started   int       `json:"started"`
	Completed int       `json:"completed"` // cases concluded in the week
	Backlog   int       `json:"backlog"`   // cases open at the end of the week
}

// Workload of an office or an official.
type Workload struct {
	Name      string `json:"name"`
	Open      int    `json:"open"`
	Completed int    `json:"completed"`
}

// ChecklistFigures aggregate one checklist item.
type ChecklistFigures struct {
	Element    string  `json:"element"`
	Item       string  `json:"item"`
	Yes        int     `json:"yes"`
	No         int     `json:"no"`
	NA         int     `json:"na"`
	Compliance float64 `json:"compliance"` // Yes / (Yes + No); 0 without answers
}

// Drill keys: the dashboard asks for the cases behind a figure.
func DrillStatus(s store.InstanceStatus) string { return "status:" + string(s) }
func DrillActivity(element string) string       { return "activity:" + element }
func DrillRework(element string) string         { return "rework:" + element }
func DrillSLA(element string) string            { return "sla-breached:" + element }
func DrillDocument(name string) string          { return "document:" + name }
func DrillTerm(what string) string              { return "term:" + what } // on-time, late, at-risk, overdue, suspended
func DrillFlag(rule string) string              { return "flag:" + rule }
func DrillOffice(name string) string            { return "office:" + name }
func DrillOfficial(name string) string          { return "official:" + name }
func DrillChecklistNo(element, item string) string {
	return "checklist-no:" + element + "/" + item
}
func DrillWeek(week string) string { return "week:" + week }

// DrillAll is the key of every case of the report.
const DrillAll = "all"

type computer struct {
	r     *Report
	cal   *runtime.Calendar
	th    Thresholds
	procs map[string]*Procedure
	drill map[string][]string
}

// add records that case id is behind the figure key. Cases are mostly
// visited in id order, so a repeat is the last id; the lists are sorted
// and deduplicated at the end.
func (k *computer) add(key, id string) {
	l := k.drill[key]
	if n := len(l); n > 0 && l[n-1] == id {
		return
	}
	k.drill[key] = append(l, id)
}

// Compute computes the report of cases (already selected by the filter)
// at now, with the procedures' roles, the thresholds and the calendar (nil:
// Europe/Rome). It sorts cases by id.
func Compute(cases []*Case, f Filter, now time.Time, procs []Procedure, th Thresholds, cal *runtime.Calendar) *Report {
	if cal == nil {
		cal = &runtime.Calendar{Location: rome}
	}
	k := &computer{r: &Report{Filter: f, Now: now}, cal: cal, th: th.withDefaults(), procs: map[string]*Procedure{}, drill: map[string][]string{}}
	for i := range procs {
		k.procs[procs[i].Key] = &procs[i]
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].ID < cases[j].ID })
	k.cases(cases)
	k.activities(cases)
	k.documents(cases)
	k.term(cases)
	k.weeks(cases)
	k.workload(cases)
	k.checklists(cases)
	k.flags(cases)
	for key, ids := range k.drill {
		if !slices.IsSorted(ids) {
			slices.Sort(ids)
			k.drill[key] = slices.Compact(ids)
		}
	}
	k.r.Drill = k.drill
	return k.r
}

func (k *computer) cases(cases []*Case) {
	f := &k.r.Cases
	var ds []time.Duration
	for _, c := range cases {
		f.Total++
		k.add(DrillAll, c.ID)
		k.add(DrillStatus(c.Status), c.ID)
		switch c.Status {
		case store.InstanceActive:
			f.Active++
		case store.InstanceCompleted:
			f.Completed++
			ds = append(ds, c.Ended.Sub(c.Started))
		case store.InstanceTerminated:
			f.Terminated++
		case store.InstanceFailed:
			f.Failed++
		}
	}
	f.Duration = StatsOf(ds)
}

type activityAcc struct {
	fig                   ActivityFigures
	drillRuns, drillSLA   string
	dur, waiting, working []time.Duration
	cases                 map[string]int // runs per case
}

func (k *computer) activities(cases []*Case) {
	acc := map[string]*activityAcc{}
	get := func(el, kind string) *activityAcc {
		a := acc[el]
		if a == nil {
			a = &activityAcc{fig: ActivityFigures{Element: el, Kind: kind}, cases: map[string]int{},
				drillRuns: DrillActivity(el), drillSLA: DrillSLA(el)}
			acc[el] = a
		}
		return a
	}
	for _, c := range cases {
		for _, run := range c.Runs {
			a := get(run.Element, run.Kind)
			a.fig.Runs++
			a.cases[c.ID]++
			k.add(a.drillRuns, c.ID)
			if !run.Left.IsZero() && run.Outcome == "completed" {
				a.dur = append(a.dur, run.Left.Sub(run.Entered))
			}
		}
		for _, t := range c.Tasks {
			a := get(t.Element, "userTask")
			if t.Status == store.TaskCompleted {
				a.waiting = append(a.waiting, t.Claimed.Sub(t.Created))
				a.working = append(a.working, t.Ended.Sub(t.Claimed))
			}
			if t.Due.IsZero() {
				continue
			}
			a.fig.SLA.Total++
			switch {
			case t.Status == store.TaskCompleted && !t.Ended.After(t.Due):
				a.fig.SLA.Met++
			case t.Status == store.TaskCompleted, t.Status == store.TaskOpen && k.r.Now.After(t.Due):
				a.fig.SLA.Breached++
				k.add(a.drillSLA, c.ID)
			default:
				a.fig.SLA.Pending++
			}
		}
	}
	for _, a := range acc {
		a.fig.Cases = len(a.cases)
		for id, n := range a.cases {
			if n > 1 {
				a.fig.ReworkCases++
				a.fig.ReworkRuns += n - 1
				k.add(DrillRework(a.fig.Element), id)
			}
		}
		a.fig.Duration, a.fig.Waiting, a.fig.Working = StatsOf(a.dur), StatsOf(a.waiting), StatsOf(a.working)
		k.r.Activities = append(k.r.Activities, a.fig)
	}
	sort.Slice(k.r.Activities, func(i, j int) bool { return k.r.Activities[i].Element < k.r.Activities[j].Element })
}

func (k *computer) documents(cases []*Case) {
	acc := map[string]*DocumentFigures{}
	for _, c := range cases {
		for name, v := range c.Documents {
			d := acc[name]
			if d == nil {
				d = &DocumentFigures{Name: name}
				acc[name] = d
			}
			d.Cases++
			d.Versions += v
			d.Max = max(d.Max, v)
			k.add(DrillDocument(name), c.ID)
		}
	}
	for _, d := range acc {
		d.Mean = float64(d.Versions) / float64(d.Cases)
		k.r.Documents = append(k.r.Documents, *d)
	}
	sort.Slice(k.r.Documents, func(i, j int) bool { return k.r.Documents[i].Name < k.r.Documents[j].Name })
}

// due is the last day of the term of c, or false when c has none.
func (k *computer) due(c *Case) (time.Time, bool) {
	if c.dueRecorded {
		return c.Due, true
	}
	if p := k.procs[c.Process]; p != nil {
		return initialDue(k.cal, p.Term, c.Started)
	}
	return time.Time{}, false
}

// late reports whether a concluded case ended after the last day of its
// term, or an active one is past it.
func (k *computer) late(c *Case) (due time.Time, late, ok bool) {
	due, ok = k.due(c)
	if !ok {
		return due, false, false
	}
	if c.Status != store.InstanceActive {
		return due, c.Breached || dateIn(c.Ended, k.cal.Location).After(due), true
	}
	return due, !c.Suspended() && (c.Breached || dateIn(k.r.Now, k.cal.Location).After(due)), true
}

func (k *computer) term(cases []*Case) {
	f := &k.r.Term
	for _, c := range cases {
		if len(c.Suspensions) > 0 {
			f.Suspended++
			k.add(DrillTerm("suspended"), c.ID)
			for _, p := range c.Suspensions {
				end := p.End
				if end.IsZero() {
					end = k.r.Now
				}
				f.SuspensionDays += k.cal.DaysBetween(p.Start, end)
			}
		}
		due, late, ok := k.late(c)
		if !ok {
			continue
		}
		f.WithTerm++
		if c.Status != store.InstanceActive {
			f.Concluded++
			if late {
				f.Late++
				k.add(DrillTerm("late"), c.ID)
			} else {
				f.OnTime++
				k.add(DrillTerm("on-time"), c.ID)
			}
			continue
		}
		if c.Suspended() {
			continue
		}
		if late {
			f.Overdue++
			k.add(DrillTerm("overdue"), c.ID)
		} else if k.cal.DaysBetween(k.r.Now, due) <= k.th.RiskDays {
			f.AtRisk++
			k.add(DrillTerm("at-risk"), c.ID)
		}
	}
	if f.Suspended > 0 {
		f.MeanSuspension = float64(f.SuspensionDays) / float64(f.Suspended)
	}
}

// weekStart returns Monday 00:00 (Europe/Rome) of t's ISO week.
func weekStart(t time.Time, loc *time.Location) time.Time {
	d := dateIn(t, loc)
	off := (int(d.Weekday()) + 6) % 7
	return d.AddDate(0, 0, -off)
}

// maxWeeks bounds the weekly series to the most recent two years.
const maxWeeks = 104

func (k *computer) weeks(cases []*Case) {
	if len(cases) == 0 {
		return
	}
	loc := k.cal.Location
	first := k.r.Now
	for _, c := range cases {
		if c.Started.Before(first) {
			first = c.Started
		}
	}
	last := k.r.Now
	if !k.r.Filter.To.IsZero() && k.r.Filter.To.Before(last) {
		last = k.r.Filter.To.Add(-time.Nanosecond)
	}
	var starts []time.Time
	for w := weekStart(first, loc); !w.After(last); w = w.AddDate(0, 0, 7) {
		starts = append(starts, w)
	}
	if len(starts) > maxWeeks {
		starts = starts[len(starts)-maxWeeks:]
	}
	if len(starts) == 0 {
		return
	}
	n := len(starts)
	// index returns the week of t, -1 before the first, n after the last.
	index := func(t time.Time) int {
		w := weekStart(t, loc)
		if w.Before(starts[0]) {
			return -1
		}
		i := int(math.Round(w.Sub(starts[0]).Hours() / (24 * 7))) // DST: round the hour away
		return min(i, n)
	}
	for _, w := range starts {
		y, wk := w.ISOWeek()
		k.r.Weeks = append(k.r.Weeks, WeekFigures{Week: fmt.Sprintf("%d-W%02d", y, wk), Start: w.UTC()})
	}
	// A case is in the backlog at the end of weeks [started, ended): a
	// difference array over the weeks.
	diff := make([]int, n+1)
	for _, c := range cases {
		s := index(c.Started)
		if s >= 0 && s < n {
			k.r.Weeks[s].Started++
		}
		e := n
		if !c.Ended.IsZero() {
			e = index(c.Ended)
			if e >= 0 && e < n {
				k.r.Weeks[e].Completed++
				k.add(DrillWeek(k.r.Weeks[e].Week), c.ID)
			}
		}
		s, e = max(s, 0), max(e, 0)
		if s < e {
			diff[s]++
			diff[e]--
		}
	}
	backlog := 0
	for i := range n {
		backlog += diff[i]
		k.r.Weeks[i].Backlog = backlog
	}
}

func (k *computer) workload(cases []*Case) {
	offices, officials := map[string]*Workload{}, map[string]*Workload{}
	get := func(m map[string]*Workload, name string) *Workload {
		w := m[name]
		if w == nil {
			w = &Workload{Name: name}
			m[name] = w
		}
		return w
	}
	for _, c := range cases {
		for _, t := range c.Tasks {
			for _, o := range t.Offices {
				if k.r.Filter.Office != "" && o != k.r.Filter.Office {
					continue
				}
				switch t.Status {
				case store.TaskOpen:
					get(offices, o).Open++
					k.add(DrillOffice(o), c.ID)
				case store.TaskCompleted:
					get(offices, o).Completed++
				}
			}
			if k.r.Filter.Office != "" && !contains(t.Offices, k.r.Filter.Office) {
				continue
			}
			switch {
			case t.Status == store.TaskOpen && t.Assignee != "":
				get(officials, t.Assignee).Open++
				k.add(DrillOfficial(t.Assignee), c.ID)
			case t.Status == store.TaskCompleted && t.CompletedBy != "":
				get(officials, t.CompletedBy).Completed++
			}
		}
	}
	for _, w := range offices {
		k.r.Offices = append(k.r.Offices, *w)
	}
	for _, w := range officials {
		k.r.Officials = append(k.r.Officials, *w)
	}
	sort.Slice(k.r.Offices, func(i, j int) bool { return k.r.Offices[i].Name < k.r.Offices[j].Name })
	sort.Slice(k.r.Officials, func(i, j int) bool { return k.r.Officials[i].Name < k.r.Officials[j].Name })
}

func (k *computer) checklists(cases []*Case) {
	keys := map[string]bool{}
	for _, c := range cases {
		if p := k.procs[c.Process]; p != nil && (k.r.Filter.Procedure == "" || p.Key == k.r.Filter.Procedure) {
			for _, cl := range p.Checklists {
				for _, it := range cl.Items {
					if !keys[cl.Element+"\x00"+it] {
						keys[cl.Element+"\x00"+it] = true
						k.r.Checklists = append(k.r.Checklists, ChecklistFigures{Element: cl.Element, Item: it})
					}
				}
			}
		}
	}
	for i := range k.r.Checklists {
		f := &k.r.Checklists[i]
		for _, c := range cases {
			ans, ok := c.Checklists[f.Element]
			if !ok {
				continue
			}
			switch ans[f.Item] {
			case AnswerYes:
				f.Yes++
			case AnswerNo:
				f.No++
				k.add(DrillChecklistNo(f.Element, f.Item), c.ID)
			default:
				f.NA++
			}
		}
		if f.Yes+f.No > 0 {
			f.Compliance = float64(f.Yes) / float64(f.Yes+f.No)
		}
	}
}
