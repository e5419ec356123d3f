package insight

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
)

// Options configure an Index. The zero value of every field means a
// default.
type Options struct {
	Procedures []Procedure
	Thresholds Thresholds
	Calendar   *runtime.Calendar // default: Europe/Rome, national holidays
	// Margin is how far before its watermark a refresh reads the history
	// again (default 5 minutes): steps committed late by a slow node, or
	// by a node whose clock lags, are still seen. Events already applied
	// are skipped by their sequence number.
	Margin time.Duration
	Now    func() time.Time // default: time.Now
	// CacheFor is how long a report is reused for the same filter while
	// no new event arrived (default 15 s; negative: never). Only the
	// figures that depend on the clock alone (at risk, overdue, SLA of
	// open tasks) can lag by that much: any new event recomputes. The
	// dashboard's live refresh asks every few seconds per client.
	CacheFor time.Duration
}

// Index keeps the facts of every case of the bodies it was asked about,
// folded from the history, and refreshes them incrementally: a refresh
// reads only the events written since the previous one (store.EventScanner
// with Since), so a report over a million events costs the aggregation of
// the facts, not the reading of the history. It is safe for concurrent
// use; any number of nodes may keep their own Index over a shared store.
type Index struct {
	st    store.Store
	opts  Options
	procs map[string]*Procedure

	mu     sync.Mutex // the facts: refresh and compute
	bodies map[string]*bodyIndex

	cmu   sync.Mutex // the cache, apart, so that Latest never waits for a computation
	cache map[Filter]*cachedReport
}

type cachedReport struct {
	gen      uint64
	at       time.Time
	report   *Report
	inflight bool // a background recomputation runs (Latest)
}

func cacheKey(f Filter) Filter {
	f.From, f.To = f.From.UTC(), f.To.UTC() // one key per instant
	return f
}

type bodyIndex struct {
	gen       uint64 // incremented by every refresh that applied events
	cases     map[string]*Case
	watermark time.Time
	versions  map[string]int // definition hash → version
	loaded    bool
}

// New returns an Index over st.
func New(st store.Store, opts Options) *Index {
	if opts.Calendar == nil {
		opts.Calendar = &runtime.Calendar{Location: rome}
	}
	if opts.Margin <= 0 {
		opts.Margin = 5 * time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.CacheFor == 0 {
		opts.CacheFor = 15 * time.Second
	}
	x := &Index{st: st, opts: opts, procs: map[string]*Procedure{}, bodies: map[string]*bodyIndex{}, cache: map[Filter]*cachedReport{}}
	for i := range opts.Procedures {
		x.procs[opts.Procedures[i].Key] = &opts.Procedures[i]
	}
	return x
}

// Procedures returns the configured procedures.
func (x *Index) Procedures() []Procedure { return x.opts.Procedures }

// Now returns the index's current time.
func (x *Index) Now() time.Time { return x.opts.Now() }

// Refresh applies the history written since the last refresh of body.
func (x *Index) Refresh(ctx context.Context, body string) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	_, err := x.refresh(ctx, body)
	return err
}

func (x *Index) refresh(ctx context.Context, body string) (*bodyIndex, error) {
	if body == "" {
		return nil, fmt.Errorf("insight: empty body: %w", store.ErrInvalid)
	}
	b := x.bodies[body]
	if b == nil {
		b = &bodyIndex{cases: map[string]*Case{}, versions: map[string]int{}}
	}
	var since time.Time
	if b.loaded {
		since = b.watermark.Add(-x.opts.Margin)
	}
	changed := map[*Case]bool{}
	var gaps []*Case
	watermark := b.watermark
	err := store.ScanEvents(ctx, x.st, &store.ScanEventsParams{Body: body, Since: since}, func(e *store.Event) error {
		c := b.cases[e.InstanceID]
		if c == nil {
			c = newCase(body, e.InstanceID)
			b.cases[e.InstanceID] = c
		}
		if e.Time.After(watermark) {
			watermark = e.Time
		}
		switch {
		case e.Seq <= c.Seq:
			return nil // applied already
		case e.Seq != c.Seq+1:
			// An event older than the margin is missing: read the case
			// again from the start.
			if !contains2(gaps, c) {
				gaps = append(gaps, c)
			}
			changed[c] = true
			return nil
		}
		c.Apply(e)
		changed[c] = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("insight: reading the history of %s: %w", body, err)
	}
	for _, c := range gaps {
		evs, err := x.st.ListEvents(ctx, &store.ListEventsParams{Body: body, InstanceID: c.ID})
		if err != nil {
			return nil, fmt.Errorf("insight: reading the history of %s/%s: %w", body, c.ID, err)
		}
		fresh := newCase(body, c.ID)
		for _, e := range evs {
			fresh.Apply(e)
		}
		*c = *fresh
	}
	if err := x.readVariables(ctx, b, body, changed); err != nil {
		return nil, err
	}
	deps, err := x.st.ListDeployments(ctx, &store.ListDeploymentsParams{Body: body})
	if err != nil {
		return nil, fmt.Errorf("insight: deployments of %s: %w", body, err)
	}
	for _, d := range deps {
		b.versions[d.Hash] = d.Version
	}
	if len(changed) > 0 || !b.loaded {
		b.gen++
	}
	b.watermark, b.loaded = watermark, true
	x.bodies[body] = b
	return b, nil
}

func contains2(list []*Case, c *Case) bool {
	for _, v := range list {
		if v == c {
			return true
		}
	}
	return false
}

// needsVariables reports whether the facts of c include values read from
// its variables (an outcome or a checklist).
func (x *Index) needsVariables(c *Case) bool {
	p := x.procs[c.Process]
	return p != nil && (p.Outcome != "" || len(p.Checklists) > 0)
}

func (x *Index) readVariables(ctx context.Context, b *bodyIndex, body string, changed map[*Case]bool) error {
	var need []*Case
	for c := range changed {
		if x.needsVariables(c) {
			need = append(need, c)
		}
	}
	if len(need) == 0 {
		return nil
	}
	apply := func(in *store.Instance) {
		c := b.cases[in.ID]
		if c == nil || !changed[c] || !x.needsVariables(c) {
			return
		}
		vars, err := runtime.StateVariables(in.State)
		if err != nil {
			return // a state this version cannot read: no answers, counted as not applicable
		}
		x.procs[c.Process].readVariables(c, vars)
	}
	if sc, ok := x.st.(store.InstanceScanner); ok && len(need) > 64 {
		return sc.ScanInstances(ctx, &store.ScanInstancesParams{Body: body}, func(in *store.Instance) error {
			apply(in)
			return nil
		})
	}
	sort.Slice(need, func(i, j int) bool { return need[i].ID < need[j].ID })
	for _, c := range need {
		in, err := x.st.GetInstance(ctx, &store.GetInstanceParams{Body: body, ID: c.ID})
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("insight: instance %s/%s: %w", body, c.ID, err)
		}
		apply(in)
	}
	return nil
}

// selected reports whether c passes f.
func (b *bodyIndex) selected(c *Case, f *Filter) bool {
	if c.Process == "" {
		return false // no started event: not a case of a procedure
	}
	if f.Procedure != "" && c.Process != f.Procedure {
		return false
	}
	if f.Version != 0 && b.versions[c.Hash] != f.Version {
		return false
	}
	if !f.From.IsZero() && c.Started.Before(f.From) {
		return false
	}
	if !f.To.IsZero() && !c.Started.Before(f.To) {
		return false
	}
	if f.Office != "" {
		for _, t := range c.Tasks {
			if contains(t.Offices, f.Office) {
				return true
			}
		}
		return false
	}
	return true
}

// Report refreshes the index and computes the report of f, or returns the
// one computed for the same filter within Options.CacheFor when no event
// arrived since. Callers must not change the returned report.
func (x *Index) Report(ctx context.Context, f Filter) (*Report, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	b, err := x.refresh(ctx, f.Body)
	if err != nil {
		return nil, err
	}
	now := x.opts.Now()
	key := cacheKey(f)
	x.cmu.Lock()
	c := x.cache[key]
	x.cmu.Unlock()
	if c != nil && c.gen == b.gen && x.opts.CacheFor > 0 && now.Sub(c.at) < x.opts.CacheFor && !now.Before(c.at) {
		return c.report, nil
	}
	var cases []*Case
	for _, c := range b.cases {
		if b.selected(c, &f) {
			cases = append(cases, c)
		}
	}
	r := Compute(cases, f, now, x.opts.Procedures, x.opts.Thresholds, x.opts.Calendar)
	if x.opts.CacheFor > 0 {
		x.cmu.Lock()
		if len(x.cache) >= 64 {
			clear(x.cache) // filters are few; a crude bound is enough
		}
		x.cache[key] = &cachedReport{gen: b.gen, at: now, report: r}
		x.cmu.Unlock()
	}
	return r, nil
}

// Latest returns at once the report of f last computed, when there is one
// younger than maxAge, and recomputes it in the background (one
// recomputation per filter at a time) for the next caller; otherwise it
// is Report. A page served from it never waits for the aggregation of a
// large history (the dashboard's live refresh then pushes the new
// figures); its figures are those of the previous request at worst.
func (x *Index) Latest(ctx context.Context, f Filter, maxAge time.Duration) (*Report, error) {
	key := cacheKey(f)
	now := x.opts.Now()
	x.cmu.Lock()
	c := x.cache[key]
	if c == nil || x.opts.CacheFor <= 0 || now.Sub(c.at) >= maxAge || now.Before(c.at) {
		x.cmu.Unlock()
		return x.Report(ctx, f)
	}
	if !c.inflight {
		c.inflight = true
		go func() {
			// Detached from the request: the result is for the next one.
			_, _ = x.Report(context.WithoutCancel(ctx), f)
			x.cmu.Lock()
			c.inflight = false
			x.cmu.Unlock()
		}()
	}
	r := c.report
	x.cmu.Unlock()
	return r, nil
}

// Case returns a shallow copy of the facts of one case, refreshed: its
// slices and maps are shared with the index and must not be changed.
func (x *Index) Case(ctx context.Context, body, id string) (*Case, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	b, err := x.refresh(ctx, body)
	if err != nil {
		return nil, err
	}
	c := b.cases[id]
	if c == nil {
		return nil, &store.NotFoundError{Kind: "case", Body: body, ID: id}
	}
	cp := *c
	return &cp, nil
}

// Versions returns the version numbers of the deployments of a process.
func (x *Index) Versions(ctx context.Context, body, process string) ([]int, error) {
	deps, err := x.st.ListDeployments(ctx, &store.ListDeploymentsParams{Body: body, ProcessKey: process})
	if err != nil {
		return nil, err
	}
	var out []int
	for _, d := range deps {
		out = append(out, d.Version)
	}
	return out, nil
}

// ElementFigures is the heatmap of one element: how many times it ran and
// its mean duration, in seconds.
type ElementFigures struct {
	Element string  `json:"element"`
	Runs    int     `json:"runs"`
	Mean    float64 `json:"mean"`
}

// Heatmap returns per-element frequency and mean duration from a report.
func (r *Report) Heatmap() []ElementFigures {
	out := make([]ElementFigures, 0, len(r.Activities))
	for _, a := range r.Activities {
		out = append(out, ElementFigures{Element: a.Element, Runs: a.Runs, Mean: a.Duration.Mean})
	}
	return out
}

// CaseSummary is a case behind a figure, for a drill-down list.
type CaseSummary struct {
	ID          string               `json:"id"`
	BusinessKey string               `json:"businessKey,omitempty"`
	Procedure   string               `json:"procedure"`
	Version     int                  `json:"version"`
	Status      store.InstanceStatus `json:"status"`
	Started     time.Time            `json:"started"`
	Ended       time.Time            `json:"ended,omitzero"`
}

// Summaries returns the summaries of the cases ids of body (unknown ids
// are left out), in the order given.
func (x *Index) Summaries(body string, ids []string) []CaseSummary {
	x.mu.Lock()
	defer x.mu.Unlock()
	b := x.bodies[body]
	if b == nil {
		return nil
	}
	out := make([]CaseSummary, 0, len(ids))
	for _, id := range ids {
		if c := b.cases[id]; c != nil {
			out = append(out, CaseSummary{ID: c.ID, BusinessKey: c.BusinessKey, Procedure: c.Process, Version: b.versions[c.Hash],
				Status: c.Status, Started: c.Started, Ended: c.Ended})
		}
	}
	return out
}
