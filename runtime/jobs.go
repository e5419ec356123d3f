package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/procedo/procedo/runtime/store"
)

// ProcessJobs runs every job that is due now, in batches, until none is
// left, and returns how many it ran. Tests and processtest call it
// directly; RunJobs calls it in a loop.
func (e *Engine) ProcessJobs(ctx context.Context) (int, error) {
	return e.processJobs(ctx, false)
}

// processJobs is ProcessJobs; with partial it also returns after a batch
// that was not full. RunJobs' loops use that: a store wakes them for the
// jobs committed since (store.WakeUp), so acquiring again right after a
// partial batch would nearly always come back empty.
func (e *Engine) processJobs(ctx context.Context, partial bool) (int, error) {
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		// The acquisition is not cancelled with ctx: a statement cancelled
		// on the client may still commit on the server (PostgreSQL runs
		// it to the end), leasing jobs that nobody would then release.
		// Once it has answered, runBatch releases what it cannot start.
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
		params := &store.AcquireJobsParams{Owner: e.opts.Owner, Now: e.Now().UTC(), LeaseFor: e.opts.LeaseFor, Limit: e.opts.BatchSize}
		var (
			jobs []*store.Job
			ins  []*store.Instance
			err  error
		)
		if ia, ok := e.st.(store.InstanceAcquirer); ok {
			jobs, ins, err = ia.AcquireJobsWithInstances(actx, params)
		} else {
			jobs, err = e.st.AcquireJobs(actx, params)
		}
		cancel()
		if err != nil {
			return total, err
		}
		if len(jobs) == 0 {
			return total, nil
		}
		total += len(jobs)
		if len(jobs) == e.opts.BatchSize {
			// A full batch: there may be more, wake an idle loop of
			// RunJobs (the store's wake-up reaches only one).
			select {
			case e.more <- struct{}{}:
			default:
			}
		}
		if err := e.runBatch(ctx, jobs, ins); err != nil {
			return total, err
		}
		if partial && len(jobs) < e.opts.BatchSize {
			return total, nil
		}
	}
}

// RunJobs runs jobs until ctx is done, sleeping until the next job is due
// or the store signals new work. It keeps Options.Runners batches in
// flight, each loop acquiring its own (leases keep them apart), which
// overlaps the commit of one batch with the work of another. It may also
// be called from several goroutines. When ctx is cancelled it returns
// after the handlers it started have finished and their steps are
// committed, and it releases the jobs it leased but did not start.
func (e *Engine) RunJobs(ctx context.Context) error {
	e.startPushing()
	defer e.stopPushing(ctx)
	var wg sync.WaitGroup
	for range e.opts.Runners - 1 {
		wg.Add(1)
		go func() { defer wg.Done(); _ = e.runLoop(ctx) }()
	}
	err := e.runLoop(ctx)
	wg.Wait()
	return err
}

// runLoop is one of RunJobs' loops: it runs the jobs this engine's
// commits hand over (push.go) as they come, and acquires from the store
// when the store signals work, when the next job is due, and at least
// every store.WakeHorizon.
func (e *Engine) runLoop(ctx context.Context) error {
	wake := e.st.WakeUp()
	var storeAt time.Time // when to acquire from the store next (wall clock)
	for {
		if !time.Now().Before(storeAt) {
			if _, err := e.processJobs(ctx, true); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				e.log.Error("processing jobs", "owner", e.opts.Owner, "err", err)
			}
			wait := store.WakeHorizon
			if next, fresh, ok := e.nextJobDue(ctx); ok {
				// Wake when the answer expires, so that the store is
				// asked at least every WakeHorizon.
				wait = max(min(wait, time.Until(fresh)), time.Millisecond)
				if !next.IsZero() {
					if d := next.Sub(e.Now()); d < wait {
						wait = max(d, time.Millisecond)
					}
				}
			}
			storeAt = time.Now().Add(wait)
		}
		if err := e.runPushed(ctx, storeAt); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			e.log.Error("processing jobs", "owner", e.opts.Owner, "err", err)
		}
		timer := time.NewTimer(time.Until(storeAt))
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-wake:
			storeAt = time.Time{}
		case <-e.more:
			storeAt = time.Time{}
		case <-timer.C:
		case <-e.push.ready:
		}
		timer.Stop()
	}
}

// nextJobDue is the store's NextJobDue, asked at most once per
// store.WakeHorizon by the loops of this engine together. An answer stays
// good that long: a job committed since is either due within the horizon
// of its creation, and then its commit woke the loops, or due after the
// answer expires. An answer already due is asked again, since the job it
// named has likely been run. fresh is when the answer expires (wall
// clock).
func (e *Engine) nextJobDue(ctx context.Context) (next, fresh time.Time, ok bool) {
	e.dueMu.Lock()
	defer e.dueMu.Unlock()
	if !e.dueAsked.IsZero() && time.Since(e.dueAsked) < store.WakeHorizon && (e.dueNext.IsZero() || e.dueNext.After(e.Now())) {
		return e.dueNext, e.dueAsked.Add(store.WakeHorizon), true
	}
	asked := time.Now()
	next, err := e.st.NextJobDue(ctx)
	if err != nil {
		e.dueAsked = time.Time{}
		return time.Time{}, time.Time{}, false
	}
	e.dueAsked, e.dueNext = asked, next
	return next, asked.Add(store.WakeHorizon), true
}

// outcome is what running one job produced before its step is built.
type outcome struct {
	job    *store.Job
	target string // instance the step changes
	// before and after are the variables as the handler got and left
	// them, when it changed them: a step rebuilt after a conflict applies
	// the difference to the reloaded instance.
	before, after json.RawMessage
	bpmnErr       *BPMNError
	err           error // the handler failed
	// loaded is the instance as the handler saw it, with the handler's
	// changes applied: the first attempt at the step starts from it
	// instead of loading the instance again.
	loaded *run
	// started: the handler was called (a service job whose runner was
	// not cancelled before).
	started bool
}

// shutdownGrace bounds the work a runner still does after its context
// is cancelled: recording the outcome of the handlers that ran and
// releasing the jobs it did not start.
const shutdownGrace = 10 * time.Second

// runBatch runs the handlers of a batch of jobs concurrently, then builds
// one step per job and commits them together. Jobs of the same instance
// go in successive commits.
//
// When ctx is cancelled meanwhile (the server shuts down), no further
// handler starts; the steps of the handlers that ran are still committed,
// under a detached context bounded by shutdownGrace, so that their side
// effects are not repeated; every other job of the batch is released
// (store.JobReleaser) so that another engine takes it at once instead of
// waiting out the lease.
func (e *Engine) runBatch(ctx context.Context, jobs []*store.Job, ins []*store.Instance) error {
	outs := make([]*outcome, len(jobs))
	vals := make([]outcome, len(jobs)) // one allocation for the batch
	sem := make(chan struct{}, e.opts.Workers)
	var wg sync.WaitGroup
	preloaded := e.preload(ctx, jobs, ins)
	for i, j := range jobs {
		vals[i] = outcome{job: j, target: j.InstanceID}
		outs[i] = &vals[i]
		if j.Kind == jobCallReturn || j.Kind == jobTerminate {
			var p jobPayload
			_ = json.Unmarshal(j.Payload, &p)
			outs[i].target = p.Target
		}
		if j.Kind != jobService || ctx.Err() != nil {
			continue
		}
		if e.opts.Workers == 1 {
			// One worker: no goroutine to hand the job to.
			outs[i].started = true
			e.runHandler(ctx, outs[i], preloaded[store.InstanceKey{Body: j.Body, ID: j.InstanceID}])
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			continue
		}
		if ctx.Err() != nil {
			// Both cases were ready and select picked the slot: no
			// handler starts after the cancellation.
			<-sem
			continue
		}
		outs[i].started = true
		wg.Add(1)
		go func(o *outcome) {
			defer wg.Done()
			defer func() { <-sem }()
			e.runHandler(ctx, o, preloaded[store.InstanceKey{Body: o.job.Body, ID: o.job.InstanceID}])
		}(outs[i])
	}
	wg.Wait()

	pending := outs
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
		defer cancel()
		var release []*store.Job
		pending = pending[:0:0]
		for _, o := range outs {
			// A handler that failed because of the cancellation did not
			// fail for its own reasons: no attempt is counted.
			if o.started && (o.err == nil || !errors.Is(o.err, context.Canceled)) {
				pending = append(pending, o)
			} else {
				release = append(release, o.job)
			}
		}
		e.release(ctx, release)
	}
	for len(pending) > 0 {
		var round, later []*outcome
		seen := map[[2]string]bool{}
		for _, o := range pending {
			k := [2]string{o.job.Body, o.target}
			if seen[k] {
				later = append(later, o)
				continue
			}
			seen[k] = true
			round = append(round, o)
		}
		e.commitRound(ctx, round)
		pending = later
	}
	return ctx.Err()
}

// release gives back jobs this engine leased but will not run, when the
// store can (store.JobReleaser); otherwise they wait out their lease. One
// call per body, so that the store addresses the jobs by primary key.
func (e *Engine) release(ctx context.Context, jobs []*store.Job) {
	if len(jobs) == 0 {
		return
	}
	rl, ok := e.st.(store.JobReleaser)
	if !ok {
		return
	}
	byBody := map[string][]string{}
	var bodies []string
	for _, j := range jobs {
		if byBody[j.Body] == nil {
			bodies = append(bodies, j.Body)
		}
		byBody[j.Body] = append(byBody[j.Body], j.ID)
	}
	released := 0
	for _, b := range bodies {
		n, err := rl.ReleaseJobs(ctx, &store.ReleaseJobsParams{Body: b, Owner: e.opts.Owner, IDs: byBody[b], Now: e.Now().UTC()})
		if err != nil {
			e.log.Warn("releasing jobs on shutdown", "owner", e.opts.Owner, "body", b, "jobs", len(byBody[b]), "err", err)
		}
		released += n
	}
	e.log.Info("jobs released on shutdown", "owner", e.opts.Owner, "released", released)
}

// preload gives the service jobs of a batch their instances: those that
// came with the jobs (store.InstanceAcquirer), or else read in one round
// trip when the store is a store.BatchReader. Each instance is handed to
// one job only: a second job of the same instance loads it again after
// the first one's step.
func (e *Engine) preload(ctx context.Context, jobs []*store.Job, acquired []*store.Instance) map[store.InstanceKey]*store.Instance {
	br, ok := e.st.(store.BatchReader)
	if !ok && acquired == nil {
		return nil
	}
	// How many service jobs each instance has: only an instance with one
	// may be preloaded (a second job of the same instance loads it again
	// after the first one's step).
	count := make(map[store.InstanceKey]int, len(jobs))
	keys := make([]store.InstanceKey, 0, len(jobs))
	for _, j := range jobs {
		k := store.InstanceKey{Body: j.Body, ID: j.InstanceID}
		if j.Kind != jobService {
			continue
		}
		if count[k]++; count[k] == 1 {
			keys = append(keys, k)
		}
	}
	ins := acquired
	if ins == nil {
		// Read here only when it saves round trips: a single job loads
		// its instance itself.
		if !ok || len(keys) < 2 {
			return nil
		}
		var err error
		if ins, err = br.GetInstances(ctx, &store.GetInstancesParams{Keys: keys}); err != nil {
			e.log.Warn("batch read of instances failed, reading one by one", "err", err)
			return nil
		}
	}
	out := make(map[store.InstanceKey]*store.Instance, len(ins))
	for _, in := range ins {
		if k := (store.InstanceKey{Body: in.Body, ID: in.ID}); count[k] == 1 {
			out[k] = in
		}
	}
	return out
}

// runHandler calls the service handler with a fresh copy of the
// variables and records what it changed.
func (e *Engine) runHandler(ctx context.Context, o *outcome, in *store.Instance) {
	j := o.job
	defer func() {
		if p := recover(); p != nil {
			o.err = fmt.Errorf("service handler panicked: %v", p)
		}
	}()
	var r *run
	var err error
	if in != nil {
		r, err = e.loadFrom(ctx, in, "system")
	} else {
		r, err = e.load(ctx, j.Body, j.InstanceID, "system")
	}
	if err != nil {
		o.err = err
		return
	}
	t := r.token(j.TokenID)
	if t == nil || t.Job != j.ID {
		return // cancelled meanwhile: the step will just drop the job
	}
	n := r.def.nodes[t.Node]
	h := e.handler(n.Type)
	if h == nil {
		o.err = fmt.Errorf("no handler for service type %q of element %s", n.Type, n.ID)
		return
	}
	call := &r.jobs().call // in the run: one allocation less per job
	*call = ServiceCall{Body: j.Body, InstanceID: j.InstanceID, BusinessKey: r.in.BusinessKey, ProcessKey: r.in.ProcessKey,
		ElementID: n.ID, Type: n.Type, IdempotencyKey: j.IdempotencyKey, Attempt: j.Attempts + 1, LoopCounter: t.Loop, Vars: r.vars}
	r.shared = true
	err = h(ctx, call)
	switch {
	case err != nil:
		var be *BPMNError
		if errors.As(err, &be) {
			o.bpmnErr = be
		} else {
			o.err = err
		}
	default:
		after, err := r.def.Codec.Encode(r.vars)
		if err != nil {
			o.err = err
			return
		}
		if !bytes.Equal(r.st.Vars, after) {
			o.before, o.after = r.st.Vars, after
			// The step's finish reuses this encoding: nothing but pure
			// conditions runs on the variables in between.
			r.dirty, r.dirtyAt, r.encoded = true, n.ID, after
		}
	}
	if o.err == nil && o.bpmnErr == nil {
		o.loaded = r
	}
}

// patchOf returns the top-level fields of after that differ from before,
// as a JSON object, or nil.
func patchOf(before, after []byte) json.RawMessage {
	fields := changedFields(before, after)
	if len(fields) == 0 {
		return nil
	}
	var b map[string]json.RawMessage
	_ = json.Unmarshal(after, &b)
	p := map[string]json.RawMessage{}
	for _, f := range fields {
		if v, ok := b[f]; ok {
			p[f] = v
		} else {
			p[f] = json.RawMessage("null")
		}
	}
	out, _ := json.Marshal(p)
	return out
}

// commitRound builds the steps of a round (one job per instance) and
// commits them in one transaction; on a conflict it retries each job
// alone.
func (e *Engine) commitRound(ctx context.Context, round []*outcome) {
	var runs []*run
	var ok []*outcome
	for _, o := range round {
		if o.err != nil {
			e.failJob(ctx, o)
			continue
		}
		r, err := e.jobStep(ctx, o)
		if err != nil {
			o.err = err
			e.failJob(ctx, o)
			continue
		}
		runs = append(runs, r)
		ok = append(ok, o)
	}
	if len(runs) == 0 {
		return
	}
	err := e.commit(ctx, runs...)
	if err == nil {
		return
	}
	if !errors.Is(err, store.ErrConflict) && len(runs) == 1 {
		ok[0].err = err
		e.failJob(ctx, ok[0])
		return
	}
	// Retry one by one, reloading each instance.
	for _, o := range ok {
		err := retry(ctx, func() error {
			r, err := e.jobStep(ctx, o)
			if err != nil {
				return err
			}
			return e.commit(ctx, r)
		})
		if err != nil {
			if errors.Is(err, store.ErrConflict) && !e.jobExists(ctx, o.job) {
				continue // another engine finished it after our lease expired
			}
			o.err = err
			e.failJob(ctx, o)
		}
	}
}

func (e *Engine) jobExists(ctx context.Context, j *store.Job) bool {
	jobs, err := e.st.ListJobs(ctx, &store.ListJobsParams{Body: j.Body, InstanceID: j.InstanceID})
	if err != nil {
		return true
	}
	for _, x := range jobs {
		if x.ID == j.ID && x.LeaseOwner == e.opts.Owner {
			return true
		}
	}
	return false
}

// jobStep loads the target instance and applies the job's outcome.
func (e *Engine) jobStep(ctx context.Context, o *outcome) (*run, error) {
	j := o.job
	r := o.loaded
	o.loaded = nil // a retry after a conflict reloads
	if r == nil || r.in.ID != o.target {
		var err error
		if r, err = e.load(ctx, j.Body, o.target, "system"); err != nil {
			return nil, err
		}
	} else {
		r.now = e.Now().UTC()
	}
	var err error
	r.step.DoneJobs = append(r.step.DoneJobs, store.JobLease{ID: j.ID, Owner: e.opts.Owner})
	// orphan finishes a job that no longer has anything to do (its token
	// moved on, its instance ended): whoever holds it, it goes, so that a
	// job cancelled while it ran does not conflict for ever.
	orphan := func() (*run, error) {
		r.step.DoneJobs = []store.JobLease{{ID: j.ID}}
		return r, nil
	}
	if !r.active() {
		return orphan()
	}
	p := &r.jobs().payload // in the run: a local would escape to the heap
	*p = jobPayload{}
	if len(j.Payload) > 0 {
		if err := json.Unmarshal(j.Payload, p); err != nil {
			return nil, fmt.Errorf("job %s: payload: %w", j.ID, err)
		}
	}
	switch j.Kind {
	case jobService:
		t := r.token(j.TokenID)
		if t == nil || t.Wait != waitJob || t.Job != j.ID {
			return orphan()
		}
		if o.bpmnErr != nil {
			t.Job = ""
			err = r.throw(t, o.bpmnErr.Code, o.bpmnErr.Message)
			break
		}
		if o.after != nil && !r.dirty {
			// Reloaded after a conflict: apply what the handler changed.
			if err := r.def.Codec.Merge(r.vars, patchOf(o.before, o.after)); err != nil {
				return nil, err
			}
			r.dirty, r.dirtyAt = true, t.Node
			r.encoded = nil
		}
		t.Job = ""
		err = r.leave(t, "completed")
	case jobTimer:
		err = r.timerFired(j, p)
	case jobTerm:
		tm := r.st.Term
		if tm != nil && tm.Job == j.ID {
			tm.Job, tm.Breached = "", true
			r.event(EventTermBreached, "", Term{Due: tm.Due.Format(time.DateOnly), Remaining: r.e.cal.DaysBetween(r.now, tm.Due)})
		}
	case jobCallReturn:
		t := r.token(j.TokenID)
		if t == nil || t.Wait != waitCall || t.Child != p.Child {
			return orphan()
		}
		if p.Err {
			err = r.throw(t, p.Error, "thrown by called instance "+p.Child)
			break
		}
		child, gerr := e.st.GetInstance(ctx, &store.GetInstanceParams{Body: j.Body, ID: p.Child})
		if gerr != nil {
			return nil, gerr
		}
		var cst instanceState
		if err := decodeState(child.State, &cst); err != nil {
			return nil, fmt.Errorf("called instance %s: %w", child.ID, err)
		}
		n := r.def.nodes[t.Node]
		if n.CallOut != nil {
			err = n.CallOut(r.vars, cst.Vars)
		} else {
			err = r.def.Codec.Merge(r.vars, cst.Vars)
		}
		if err != nil {
			return nil, r.fail(n.ID, "output mapping: %w", err)
		}
		r.dirty, r.dirtyAt = true, n.ID
		r.encoded = nil
		err = r.leave(t, "completed")
	case jobTerminate:
		for _, t := range slices.Clone(r.st.Tokens) {
			if r.token(t.ID) != nil {
				r.kill(t, "cancelled")
			}
		}
		r.complete(store.InstanceTerminated, EventTerminated, Terminated{Reason: "the calling activity was cancelled"})
	default:
		return nil, fmt.Errorf("job %s: unknown kind %q", j.ID, j.Kind)
	}
	if err != nil {
		return nil, err
	}
	if err := r.advance(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *run) timerFired(j *store.Job, p *jobPayload) error {
	t := r.token(j.TokenID)
	if t == nil {
		return nil
	}
	node := r.def.nodes[p.Node]
	if t.Wait == waitJob && t.Job == j.ID && node != nil && node.Kind == StartEvent {
		return r.timerStart(t, node, j, p)
	}
	if t.Wait == waitJob && t.Job == j.ID {
		r.event(EventTimerFired, t.Node, nil)
		t.Job = ""
		return r.leave(t, "completed")
	}
	for _, l := range t.Listeners {
		if l.Job != j.ID {
			continue
		}
		r.event(EventTimerFired, l.Node, nil)
		l.Job = "" // it ran: do not cancel it
		if node != nil && !node.CancelActivity && t.Wait != waitEvents && node.Timer.Cycle != "" {
			if err := r.rearm(t, node, j.DueAt, p.Left); err != nil {
				return err
			}
		}
		return r.fire(t, l)
	}
	return nil
}

// failJob records a failed attempt: a retry after an exponential backoff,
// or an incident after the last attempt.
func (e *Engine) failJob(ctx context.Context, o *outcome) {
	j := o.job
	attempts := j.Attempts + 1
	log := e.log.With("body", j.Body, "instance", j.InstanceID, "job", j.ID, "element", j.ElementID, "attempt", attempts)
	p := &store.FailJobParams{Body: j.Body, ID: j.ID, Owner: e.opts.Owner, Error: o.err.Error()}
	if attempts < max(j.MaxAttempts, 1) {
		backoff := e.opts.Backoff << (attempts - 1)
		if backoff > e.opts.MaxBackoff || backoff <= 0 {
			backoff = e.opts.MaxBackoff
		}
		p.RetryAt = e.Now().UTC().Add(backoff)
		log.Warn("job failed, will retry", "err", o.err, "retryAt", p.RetryAt)
	} else {
		log.Error("job failed, incident raised", "err", o.err)
		// The incident is part of the history: record it on the instance.
		_ = e.update(ctx, j.Body, j.InstanceID, "system", func(r *run) error {
			r.event(EventIncident, j.ElementID, Incident{JobID: j.ID, Error: o.err.Error(), Attempts: attempts})
			return nil
		})
	}
	if err := e.st.FailJob(ctx, p); err != nil {
		log.Error("recording a job failure", "err", err)
	}
}

// Incidents lists the jobs of a body that exhausted their retries.
func (e *Engine) Incidents(ctx context.Context, body string) ([]*store.Job, error) {
	return e.st.ListJobs(ctx, &store.ListJobsParams{Body: body, Status: store.JobIncident})
}

// RetryIncident puts an incident back to work, keeping its idempotency
// key, and records it in the history.
func (e *Engine) RetryIncident(ctx context.Context, body, jobID, actor string) error {
	jobs, err := e.st.ListJobs(ctx, &store.ListJobsParams{Body: body, Status: store.JobIncident})
	if err != nil {
		return err
	}
	var job *store.Job
	for _, j := range jobs {
		if j.ID == jobID {
			job = j
		}
	}
	if job == nil {
		return &store.NotFoundError{Kind: "incident", Body: body, ID: jobID}
	}
	if err := e.st.RetryJob(ctx, &store.RetryJobParams{Body: body, ID: jobID, Now: e.Now().UTC()}); err != nil {
		return err
	}
	err = e.update(ctx, body, job.InstanceID, actor, func(r *run) error {
		r.event(EventIncidentRetried, job.ElementID, Incident{JobID: jobID})
		return nil
	})
	if errors.Is(err, ErrNotActive) {
		return nil
	}
	return err
}

// timerStart starts an instance from a timer start event kept by r, and
// arms the next firing of a cycle.
func (r *run) timerStart(t *token, n *Node, j *store.Job, p *jobPayload) error {
	r.event(EventTimerFired, n.ID, nil)
	child, err := r.e.newRun(r.ctx, r.def, r.in.Body, "", nil, "system")
	if err != nil {
		return err
	}
	if err := child.begin(n.ID); err != nil {
		return err
	}
	r.extra = append(r.extra, child)
	t.Job = ""
	if n.Timer.Cycle != "" && p.Left != 0 {
		at, err := n.Timer.next(j.DueAt, r.e.cal.Location)
		if err != nil {
			return r.fail(n.ID, "timer: %w", err)
		}
		left := p.Left
		if left > 0 {
			left--
		}
		t.Job = r.timerJob(t, n, at, left).ID
		return nil
	}
	return r.consume(t)
}
