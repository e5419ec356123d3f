package synth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
)

// Options of a generation. The zero value of every field means a default.
type Options struct {
	Body string // default "c_synth"
	// Prefix of the case ids and business keys (default "case-" and
	// "2026/"), to add a second batch of cases to a body.
	Prefix string
	Cases  int       // default 100
	Seed   uint64    // the same seed gives the same history
	Start  time.Time // arrival of the first day (default 2026-01-12 08:00 UTC)
	Days   int       // cases arrive over this many days (default 60)
	// End is when the generation stops: later actions are not executed and
	// their cases stay active (default Start + Days + 45 days).
	End time.Time
	// Rates of the seeded anomalies, in [0, 1] (defaults in brackets).
	Loops       float64 // a case needs an integration [0.3]; a third of them need two
	SamePerson  float64 // the instructor also decides [0.05]
	Reassign    float64 // the decision is reassigned 1–3 times [0.15]
	Overrun     float64 // the decision is delayed by 40 days [0.03]
	LastDay     float64 // the decision falls on the last day of the term [0.06]
	ChecklistNo float64 // an item of the checklist is answered "no" [0.1]
	Rejected    float64 // the case is rejected [0.2]
	// Observer is handed to the engine (metrics tests).
	Observer runtime.Observer
}

func (o *Options) defaults() {
	if o.Body == "" {
		o.Body = "c_synth"
	}
	if o.Cases <= 0 {
		o.Cases = 100
	}
	if o.Start.IsZero() {
		o.Start = time.Date(2026, 1, 12, 8, 0, 0, 0, time.UTC)
	}
	if o.Days <= 0 {
		o.Days = 60
	}
	if o.End.IsZero() {
		o.End = o.Start.AddDate(0, 0, o.Days+45)
	}
	def := func(p *float64, v float64) {
		if *p == 0 {
			*p = v
		}
	}
	def(&o.Loops, 0.3)
	def(&o.SamePerson, 0.05)
	def(&o.Reassign, 0.15)
	def(&o.Overrun, 0.03)
	def(&o.LastDay, 0.06)
	def(&o.ChecklistNo, 0.1)
	def(&o.Rejected, 0.2)
}

// Truth is what the generator did, recorded as it did it, independently
// of the history the engine wrote: the tests compute every indicator from
// it and compare.
type Truth struct {
	Body  string
	End   time.Time
	Cases []*CaseTruth
}

// CaseTruth is what happened to one case.
type CaseTruth struct {
	ID          string
	BusinessKey string
	Arrived     time.Time
	Ended       time.Time // zero when still active at End
	Tasks       []*TaskTruth
	// Runs are the activity executions: element, entered, left (zero when
	// running at End).
	Runs        []RunTruth
	Suspensions []Period
	Documents   map[string]int
	Checklist   map[string]string // item → "si", "no", "n/a"
	Outcome     string            // "accolta", "respinta", "" while undecided
	Due         time.Time         // last day of the term as of End (Europe/Rome date)
	Reassigned  int
}

// TaskTruth is a user task.
type TaskTruth struct {
	Element    string
	Office     string
	Created    time.Time
	Claimed    time.Time
	Completed  time.Time
	By         string
	Holder     string    // who holds it now: claimed by, or reassigned to
	Due        time.Time // SLA
	Reassigned int
}

// RunTruth is an activity execution.
type RunTruth struct {
	Element       string
	Entered, Left time.Time
}

// Period is an interval of time.
type Period struct{ Start, End time.Time }

// Clock is the generator's clock.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now implements runtime.Clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *Clock) set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

type action struct {
	at   time.Time
	c    *plan
	seq  int
	kind string // start, claim, complete, reassign, document, message
	el   string
	who  string
	vars map[string]any
	due  time.Time // start, message: the last day of the term from now on
}

type plan struct {
	truth   *CaseTruth
	actions []*action
	n       int
}

func (p *plan) add(at time.Time, kind, el, who string, vars map[string]any) {
	p.actions = append(p.actions, &action{at: at, c: p, seq: len(p.actions), kind: kind, el: el, who: who, vars: vars})
}

var (
	instructors = []string{"anna.rossi", "bruno.verdi", "carla.bianchi"}
	deciders    = []string{"dario.neri", "elena.galli"}
)

// Generate deploys the process on st and plays the planned cases through a
// real engine with a fake clock, so that the history is exactly what the
// engine writes. It returns what it did.
func Generate(ctx context.Context, st store.Store, o Options) (*Truth, error) {
	o.defaults()
	clock := &Clock{now: o.Start}
	eng, err := runtime.New(runtime.Options{Store: st, Clock: clock, Workers: 1, MaxAttempts: 3,
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Handlers: map[string]runtime.Handler{"protocollo": protocollo}, Observer: o.Observer})
	if err != nil {
		return nil, err
	}
	def, err := Definition()
	if err != nil {
		return nil, err
	}
	if _, err := eng.Deploy(ctx, &runtime.DeployParams{Body: o.Body, Definition: def, Bundle: BPMN, Actor: "analista"}); err != nil {
		return nil, err
	}
	cal := &runtime.Calendar{Location: rome}
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	truth := &Truth{Body: o.Body, End: o.End}
	var all []*action
	for i := range o.Cases {
		p := planCase(rng, cal, &o, i)
		truth.Cases = append(truth.Cases, p.truth)
		all = append(all, p.actions...)
	}
	sort.SliceStable(all, func(i, j int) bool {
		if !all[i].at.Equal(all[j].at) {
			return all[i].at.Before(all[j].at)
		}
		return false
	})
	g := &player{eng: eng, st: st, body: o.Body, clock: clock, cal: cal}
	for _, a := range all {
		if a.at.After(o.End) {
			continue
		}
		if a.seq != a.c.n {
			continue // an earlier action of the case was not played
		}
		if err := g.play(ctx, a); err != nil {
			return nil, fmt.Errorf("synth: case %s, %s %s at %s: %w", a.c.truth.ID, a.kind, a.el, a.at, err)
		}
		a.c.n++
	}
	clock.set(o.End)
	if _, err := eng.ProcessJobs(ctx); err != nil {
		return nil, err
	}
	// Cases that would arrive after End never started.
	played := truth.Cases[:0]
	for _, ct := range truth.Cases {
		if !ct.Arrived.After(o.End) {
			played = append(played, ct)
		}
	}
	truth.Cases = played
	return truth, nil
}

var rome = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return time.UTC
	}
	return loc
}()

func hours(rng *rand.Rand, lo, hi int) time.Duration {
	return time.Duration(lo+rng.IntN(hi-lo+1))*time.Hour + time.Duration(rng.IntN(60))*time.Minute
}

func dateOf(t time.Time) time.Time {
	t = t.In(rome)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, rome)
}

// planCase plans the actions of case i. The term arithmetic mirrors law
// 241/1990 as the engine applies it (art. 2: 30 days from the day after
// arrival, moved off holidays; c. 7: suspended while waiting for the
// citizen, resumed with the days that were left), to place a decision on
// the last day on purpose.
func planCase(rng *rand.Rand, cal *runtime.Calendar, o *Options, i int) *plan {
	bk := fmt.Sprintf("%s2026/%06d", o.Prefix, i+1)
	t := o.Start.AddDate(0, 0, rng.IntN(o.Days)).Add(time.Duration(rng.IntN(240)) * time.Minute)
	ct := &CaseTruth{ID: fmt.Sprintf("%scase-%05d", o.Prefix, i+1), BusinessKey: bk, Arrived: t, Documents: map[string]int{}}
	p := &plan{truth: ct}
	d, _ := runtime.ParseDuration(Term)
	nominal := d.AddTo(dateOf(ct.Arrived), rome)
	due := cal.Deadline(ct.Arrived, cal.DaysBetween(ct.Arrived, nominal))
	p.add(t, "start", "", "cittadino", map[string]any{"pratica": bk})
	p.actions[0].due = due
	t = t.Add(time.Minute)
	p.add(t, "document", "domanda.pdf", "cittadino", nil)

	loops := 0
	if rng.Float64() < o.Loops {
		loops = 1
		if rng.IntN(3) == 0 {
			loops = 2
		}
	}
	instructor := instructors[rng.IntN(len(instructors))]
	for v := 0; v <= loops; v++ {
		t = t.Add(hours(rng, 1, 48))
		p.add(t, "claim", Istruttoria, instructor, nil)
		t = t.Add(hours(rng, 1, 72))
		p.add(t, "complete", Istruttoria, instructor, map[string]any{"completa": v == loops})
		if v < loops {
			// Suspended from the completion of the instruction to the
			// integration (the engine stops the term in the same step).
			remaining := max(0, cal.DaysBetween(t, nominal))
			t = t.Add(time.Duration(2+rng.IntN(14)) * 24 * time.Hour)
			p.add(t, "document", "domanda.pdf", "cittadino", nil)
			t = t.Add(time.Minute)
			p.add(t, "message", Integrazione, "cittadino", map[string]any{"integrata": true})
			nominal = dateOf(t).AddDate(0, 0, remaining)
			due = cal.Deadline(t, remaining)
			p.actions[len(p.actions)-1].due = due
		}
	}
	t = t.Add(hours(rng, 1, 24))
	p.add(t, "claim", Checklist, "rpct", nil)
	answers := map[string]any{}
	for _, it := range ChecklistItems {
		answers[it] = "si"
	}
	answers["documentazione"] = []string{"si", "si", "n/a"}[rng.IntN(3)]
	if rng.Float64() < o.ChecklistNo {
		answers[ChecklistItems[rng.IntN(len(ChecklistItems))]] = "no"
	}
	t = t.Add(hours(rng, 1, 8))
	p.add(t, "complete", Checklist, "rpct", map[string]any{"checklist": answers})

	decider := deciders[rng.IntN(len(deciders))]
	if rng.Float64() < o.SamePerson {
		decider = instructor
	}
	t = t.Add(hours(rng, 1, 48))
	p.add(t, "claim", Decisione, decider, nil)
	if rng.Float64() < o.Reassign {
		for range 1 + rng.IntN(3) {
			t = t.Add(hours(rng, 1, 6))
			next := deciders[0]
			if decider == next {
				next = deciders[1]
			}
			decider = next
			p.add(t, "reassign", Decisione, decider, nil)
		}
	}
	t = t.Add(hours(rng, 1, 24))
	switch r := rng.Float64(); {
	case r < o.Overrun:
		t = t.AddDate(0, 0, 40)
	case r < o.Overrun+o.LastDay:
		if last := due.Add(10 * time.Hour); last.After(t) {
			t = last
		}
	}
	esito := "accolta"
	if rng.Float64() < o.Rejected {
		esito = "respinta"
	}
	p.add(t, "complete", Decisione, decider, map[string]any{"esito": esito})
	return p
}

type player struct {
	eng   *runtime.Engine
	st    store.Store
	body  string
	clock *Clock
	cal   *runtime.Calendar
}

func (g *player) openTask(ctx context.Context, id, el string) (*store.Task, error) {
	ts, err := g.st.ListTasks(ctx, &store.ListTasksParams{Body: g.body, InstanceID: id, Status: store.TaskOpen})
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		if t.ElementID == el {
			return t, nil
		}
	}
	return nil, fmt.Errorf("no open task at %s", el)
}

func (ct *CaseTruth) task(el string) *TaskTruth {
	for i := len(ct.Tasks) - 1; i >= 0; i-- {
		if ct.Tasks[i].Element == el {
			return ct.Tasks[i]
		}
	}
	return nil
}

func (ct *CaseTruth) enter(el string, at time.Time) {
	ct.Runs = append(ct.Runs, RunTruth{Element: el, Entered: at})
}

func (ct *CaseTruth) leave(el string, at time.Time) {
	for i := len(ct.Runs) - 1; i >= 0; i-- {
		if ct.Runs[i].Element == el && ct.Runs[i].Left.IsZero() {
			ct.Runs[i].Left = at
			return
		}
	}
}

func (ct *CaseTruth) createTask(el, office string, at time.Time, sla bool) {
	tt := &TaskTruth{Element: el, Office: office, Created: at}
	if sla {
		d, _ := runtime.ParseDuration(SLA)
		tt.Due = d.AddTo(at, rome).UTC()
	}
	ct.Tasks = append(ct.Tasks, tt)
	ct.enter(el, at)
}

func (g *player) play(ctx context.Context, a *action) error {
	g.clock.set(a.at)
	if _, err := g.eng.ProcessJobs(ctx); err != nil { // timers and terms due by now
		return err
	}
	ct := a.c.truth
	switch a.kind {
	case "start":
		vars, _ := json.Marshal(a.vars)
		if _, err := g.eng.Start(ctx, &runtime.StartParams{Body: g.body, ProcessKey: ProcessKey, ID: ct.ID, BusinessKey: ct.BusinessKey, Vars: vars, Actor: a.who}); err != nil {
			return err
		}
		if _, err := g.eng.ProcessJobs(ctx); err != nil { // the protocol service task
			return err
		}
		ct.Due = a.due
		ct.enter(Protocollo, a.at)
		ct.leave(Protocollo, a.at)
		ct.createTask(Istruttoria, OfficeIstruttoria, a.at, true)
	case "document":
		if _, err := g.eng.AddDocument(ctx, &runtime.AddDocumentParams{Body: g.body, InstanceID: ct.ID, Name: a.el, MediaType: "application/pdf",
			Content: fmt.Appendf(nil, "%s v%d", a.el, ct.Documents[a.el]+1), Actor: a.who}); err != nil {
			return err
		}
		ct.Documents[a.el]++
	case "claim":
		t, err := g.openTask(ctx, ct.ID, a.el)
		if err != nil {
			return err
		}
		if err := g.eng.ClaimTask(ctx, g.body, t.ID, a.who); err != nil {
			return err
		}
		ct.task(a.el).Claimed = a.at
		ct.task(a.el).Holder = a.who
	case "reassign":
		t, err := g.openTask(ctx, ct.ID, a.el)
		if err != nil {
			return err
		}
		if err := g.eng.ReassignTask(ctx, &runtime.ReassignTaskParams{Body: g.body, TaskID: t.ID, Actor: "capo.ufficio", To: a.who, Reason: "carico di lavoro"}); err != nil {
			return err
		}
		ct.task(a.el).Reassigned++
		ct.task(a.el).Holder = a.who
		ct.Reassigned++
	case "complete":
		t, err := g.openTask(ctx, ct.ID, a.el)
		if err != nil {
			return err
		}
		payload, _ := json.Marshal(a.vars)
		if err := g.eng.CompleteTask(ctx, &runtime.CompleteTaskParams{Body: g.body, TaskID: t.ID, Actor: a.who, Payload: payload}); err != nil {
			return err
		}
		tt := ct.task(a.el)
		tt.Completed, tt.By = a.at, a.who
		ct.leave(a.el, a.at)
		switch a.el {
		case Istruttoria:
			if a.vars["completa"] == true {
				ct.createTask(Checklist, OfficeChecklist, a.at, false)
			} else {
				ct.enter(Integrazione, a.at)
				ct.Suspensions = append(ct.Suspensions, Period{Start: a.at})
			}
		case Checklist:
			ct.Checklist = map[string]string{}
			for k, v := range a.vars["checklist"].(map[string]any) {
				ct.Checklist[k] = v.(string)
			}
			ct.createTask(Decisione, OfficeDecisione, a.at, false)
		case Decisione:
			ct.Outcome = a.vars["esito"].(string)
			ct.Ended = a.at
		}
	case "message":
		payload, _ := json.Marshal(a.vars)
		res, err := g.eng.Correlate(ctx, &runtime.CorrelateParams{Body: g.body, Name: "integrazione", Key: ct.BusinessKey, Payload: payload, Actor: a.who})
		if err != nil {
			return err
		}
		if res.InstanceID != ct.ID {
			return fmt.Errorf("the integration reached %q", res.InstanceID)
		}
		ct.leave(Integrazione, a.at)
		ct.Suspensions[len(ct.Suspensions)-1].End = a.at
		ct.Due = a.due
		ct.createTask(Istruttoria, OfficeIstruttoria, a.at, true)
	}
	return nil
}
