package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/procedo/procedo/runtime/store"
)

// run is one step of one instance: the loaded state, the tokens to
// advance, and the store.Step being assembled.
type run struct {
	e        *Engine
	ctx      context.Context
	def      *Definition
	in       *store.Instance
	expected int64
	st       *instanceState
	vars     Vars
	now      time.Time
	actor    string
	step     *store.Step
	queue    []*token
	extra    []*run // instances started by call activities in this step
	newSubs  []*store.Subscription
	slab     []store.Event // events of the step, allocated together
	arena    []byte        // event data of the step, allocated together
	at       string        // element being executed, for panics
	dirty    bool          // variables changed
	dirtyAt  string        // element that changed them last
	encoded  []byte        // the variables encoded since their last change, or nil
	shared   bool          // vars were handed to a service handler
	flowBuf  [4]*Flow      // the flows choose returns
	jobBufs  *jobBufs      // room for the job a loaded run's step runs, or nil
	doneBuf  [2]store.JobLease
	queueBuf [4]*token
	jobSlot  *store.Job // room for the first job of a new instance, or nil
	tokSlot  *token     // room for its first token, or nil
	jobsBuf  [2]*store.Job
	oldVars  json.RawMessage
	finished bool
}

// StepError is a failure of the process logic during a step (a condition
// that fails, a gateway with no flow to take), at an element.
type StepError struct {
	InstanceID string
	Element    string
	Err        error
}

func (e *StepError) Error() string {
	return fmt.Sprintf("instance %s: element %s: %v", e.InstanceID, e.Element, e.Err)
}

func (e *StepError) Unwrap() error { return e.Err }

func (r *run) fail(element string, format string, args ...any) error {
	return &StepError{InstanceID: r.in.ID, Element: element, Err: fmt.Errorf(format, args...)}
}

// newRun prepares the first step of a new instance.
func (e *Engine) newRun(ctx context.Context, def *Definition, body, id string, vars json.RawMessage, actor string) (*run, error) {
	now := e.Now().UTC()
	v, err := def.Codec.Decode(vars)
	if err != nil {
		return nil, err
	}
	if id == "" {
		id = newID()
	}
	// One allocation for the run, its instance, state and step.
	r := &newRunAlloc{}
	r.inst = store.Instance{
		Body: body, ID: id, ProcessKey: def.Key, DefinitionHash: def.Hash,
		Status: store.InstanceActive, StartedAt: now,
	}
	r.stp.Instance = &r.inst
	r.stp.Jobs = r.jobsBuf[:0]
	r.state.Tokens = r.tokBuf[:0]
	// A new instance usually creates a token and a job (the start event's
	// token, a service task's job): room for them comes with the run.
	r.run = run{e: e, ctx: ctx, def: def, in: &r.inst, st: &r.state, vars: v, now: now, actor: actor, step: &r.stp,
		jobSlot: &r.job0, tokSlot: &r.tok0}
	r.dirty = len(vars) > 0
	return &r.run, nil
}

// newRunAlloc holds a new instance's run with what it points to.
type newRunAlloc struct {
	run
	inst   store.Instance
	state  instanceState
	stp    store.Step
	tokBuf [2]*token
	tok0   token
	job0   store.Job
}

// load prepares a step of an existing instance.
func (e *Engine) load(ctx context.Context, body, id, actor string) (*run, error) {
	in, err := e.st.GetInstance(ctx, &store.GetInstanceParams{Body: body, ID: id})
	if err != nil {
		return nil, err
	}
	return e.loadFrom(ctx, in, actor)
}

func (e *Engine) loadFrom(ctx context.Context, in *store.Instance, actor string) (*run, error) {
	def, err := e.definition(ctx, in.Body, in.DefinitionHash)
	if err != nil {
		return nil, err
	}
	a := &loadAlloc{}
	st := &a.state
	var v Vars
	if p, ok := e.unpark(in); ok {
		st, v = p.st, p.vars
		if v == nil {
			if v, err = def.Codec.Decode(st.Vars); err != nil {
				return nil, fmt.Errorf("instance %s: %w", in.ID, err)
			}
		}
	} else {
		if err := decodeState(in.State, st); err != nil {
			return nil, fmt.Errorf("instance %s: %w", in.ID, err)
		}
		if tm := st.Term; tm != nil {
			// Term days are dates in the calendar's zone (the state keeps
			// instants).
			loc := e.cal.Location
			tm.Nominal, tm.Due = tm.Nominal.In(loc), tm.Due.In(loc)
		}
		if v, err = def.Codec.Decode(st.Vars); err != nil {
			return nil, fmt.Errorf("instance %s: %w", in.ID, err)
		}
	}
	a.stp = store.Step{Instance: in, ExpectedVersion: in.Version, DoneJobs: a.doneBuf[:0], Jobs: a.jobsBuf[:0]}
	a.run = run{e: e, ctx: ctx, def: def, in: in, expected: in.Version, st: st, vars: v,
		now: e.Now().UTC(), actor: actor, step: &a.stp, oldVars: st.Vars, jobBufs: &a.bufs}
	return &a.run, nil
}

// loadAlloc holds a loaded instance's run with what it points to.
type loadAlloc struct {
	run
	state instanceState
	stp   store.Step
	bufs  jobBufs
}

// jobBufs is what a job's step needs (loaded runs only: a new instance's
// run stays smaller without it).
type jobBufs struct {
	payload jobPayload  // of the job the step runs
	call    ServiceCall // handed to the service handler
}

// jobs returns the run's job buffers, allocating them for a run that
// has none.
func (r *run) jobs() *jobBufs {
	if r.jobBufs == nil {
		r.jobBufs = new(jobBufs)
	}
	return r.jobBufs
}

func (r *run) active() bool { return r.in.Status == store.InstanceActive }

func (r *run) nextID(prefix string) string {
	r.st.Next++
	return r.in.ID + "-" + prefix + strconv.Itoa(r.st.Next)
}

func (r *run) event(typ store.EventType, element string, data any) {
	ev := r.newEvent(typ, element)
	if data != nil {
		if b, err := json.Marshal(data); err == nil {
			ev.Data = b
		}
	}
}

// The events written at every element have typed helpers: passing their
// data as an any would allocate a copy of it.

func (r *run) entered(element string, d ElementEntered) {
	ev := r.newEvent(EventElementEntered, element) // first: it may bring the step's arena
	ev.Data = r.data(d.appendJSON(r.scratch()))
}

func (r *run) left(element string, d ElementLeft) {
	ev := r.newEvent(EventElementLeft, element)
	ev.Data = r.data(d.appendJSON(r.scratch()))
}

func (r *run) started(d Started) {
	ev := r.newEvent(EventStarted, "")
	ev.Data = r.data(d.appendJSON(r.scratch()))
}

// newEvent appends an event without data to the step.
func (r *run) newEvent(typ store.EventType, element string) *store.Event {
	r.st.Seq++
	if r.step.Events == nil {
		// One allocation for the usual step: its events, the slice the
		// step lists them in, and their data.
		b := new(stepBuf)
		r.slab, r.step.Events = b.events[:0], b.ptrs[:0]
		if len(r.arena) == 0 {
			r.arena = b.arena[:0]
		}
	}
	if len(r.slab) == cap(r.slab) {
		r.slab = make([]store.Event, 0, 8)
	}
	// Fill the zeroed slot field by field: copying a whole Event in
	// costs a bulk write barrier while the collector runs.
	r.slab = r.slab[:len(r.slab)+1]
	ev := &r.slab[len(r.slab)-1]
	ev.Body, ev.InstanceID, ev.Seq, ev.Type, ev.ElementID, ev.Actor, ev.Time = r.in.Body, r.in.ID, r.st.Seq, typ, element, r.actor, r.now
	r.step.Events = append(r.step.Events, ev)
	return ev
}

// stepBuf holds the events of a step of up to eight events (the usual
// step writes five to seven).
type stepBuf struct {
	events [8]store.Event
	ptrs   [8]*store.Event
	arena  [arenaChunk]byte
}

// arenaChunk is the size of the blocks the event data of a step is
// written into: one allocation for the data of a few events instead of
// one per event.
const arenaChunk = 384

// scratch returns the free tail of the step's data arena, empty, to
// append an event's JSON to.
func (r *run) scratch() []byte {
	// A nearly full arena is still offered: an event that does not fit
	// gets an allocation of its own from append, and the arena stays for
	// the next, smaller one.
	if cap(r.arena)-len(r.arena) < 16 {
		r.arena = make([]byte, 0, arenaChunk)
	}
	return r.arena[len(r.arena):]
}

// data keeps b, just appended to scratch(), in the arena and returns it
// with its capacity clipped, so that later appends never write over it.
// When b outgrew the arena (append moved it), b is already a fresh
// allocation of its own and the arena is left as it was.
func (r *run) data(b []byte) json.RawMessage {
	n := len(r.arena)
	if len(b) > 0 && cap(r.arena)-n >= len(b) && &r.arena[:n+1][n] == &b[0] {
		r.arena = r.arena[:n+len(b)]
	}
	return b[:len(b):len(b)]
}

func (r *run) token(id string) *token {
	for _, t := range r.st.Tokens {
		if t.ID == id {
			return t
		}
	}
	return nil
}

func (r *run) newToken(scope string) *token {
	r.st.Next++
	t := r.tokSlot
	if t != nil {
		r.tokSlot = nil
	} else {
		t = new(token)
	}
	*t = token{ID: tokenID(r.st.Next), Scope: scope}
	r.st.Tokens = append(r.st.Tokens, t)
	return t
}

// tokenIDs are the ids of the first tokens of an instance, made once.
var tokenIDs = func() (ids [64]string) {
	for i := range ids {
		ids[i] = "t" + strconv.Itoa(i)
	}
	return ids
}()

func tokenID(n int) string {
	if n >= 0 && n < len(tokenIDs) {
		return tokenIDs[n]
	}
	return "t" + strconv.Itoa(n)
}

func (r *run) removeToken(t *token) {
	r.st.Tokens = slices.DeleteFunc(r.st.Tokens, func(x *token) bool { return x == t })
	r.queue = slices.DeleteFunc(r.queue, func(x *token) bool { return x == t })
}

// arrive moves t onto node by flow via and schedules its execution.
func (r *run) arrive(t *token, node, via string) {
	t.Node, t.Via, t.Wait = node, via, waitNone
	visit := r.st.Visits.inc(node)
	n := r.def.nodes[node]
	r.entered(node, ElementEntered{Kind: n.Kind.String(), Token: t.ID, Flow: via, Visit: visit})
	if r.queue == nil {
		r.queue = r.queueBuf[:0]
	}
	r.queue = append(r.queue, t)
}

// advance executes tokens until every token waits. A panic in a function
// of the definition (a condition, a script) becomes a StepError: the step
// is not committed.
func (r *run) advance() (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = r.fail(r.at, "panic: %v", p)
		}
	}()
	for {
		for len(r.queue) > 0 {
			// Pop by shifting: the queue is a few tokens long, and
			// reslicing from the front would make every later append
			// reallocate.
			t := r.queue[0]
			copy(r.queue, r.queue[1:])
			r.queue = r.queue[:len(r.queue)-1]
			r.at = t.Node
			if err := r.exec(t); err != nil {
				return err
			}
			if !r.active() {
				r.queue = nil
				return nil
			}
		}
		fired, err := r.inclusiveJoins()
		if err != nil || !fired {
			return err
		}
	}
}

func (r *run) exec(t *token) error {
	n := r.def.nodes[t.Node]
	if n.Kind.isActivity() && !t.Inner && n.Kind != ScriptTask {
		if err := r.arm(t, n); err != nil {
			return err
		}
	}
	if n.MI != nil && !t.Inner {
		return r.startMI(t, n)
	}
	switch n.Kind {
	case StartEvent:
		return r.leave(t, "completed")
	case IntermediateThrowEvent:
		if n.Type != "" {
			r.waitJob(t, n)
			return nil
		}
		return r.leave(t, "completed")
	case EndEvent:
		return r.end(t, n)
	case UserTask:
		return r.createTask(t, n)
	case ServiceTask, SendTask:
		r.waitJob(t, n)
		return nil
	case ScriptTask:
		err := n.Script(r.vars)
		var be *BPMNError
		if errors.As(err, &be) {
			return r.throw(t, be.Code, be.Message)
		}
		if err != nil {
			return r.fail(n.ID, "script: %w", err)
		}
		r.dirty, r.dirtyAt = true, n.ID
		r.encoded = nil
		return r.leave(t, "completed")
	case ReceiveTask:
		return r.waitMessage(t, n)
	case IntermediateCatchEvent:
		if n.Message != nil {
			return r.waitMessage(t, n)
		}
		return r.waitTimer(t, n)
	case SubProcess:
		t.Wait = waitScope
		start := r.def.starts[n.ID][0]
		c := r.newToken(t.ID)
		r.arrive(c, start.ID, "")
		return nil
	case CallActivity:
		return r.call(t, n)
	case ExclusiveGateway:
		flows, err := r.choose(n, true)
		if err != nil {
			return err
		}
		return r.take(t, n, flows)
	case ParallelGateway:
		return r.parallel(t, n)
	case InclusiveGateway:
		if len(r.def.in[n.ID]) > 1 {
			t.Wait = waitJoin // fired by inclusiveJoins when nothing else can arrive
			return nil
		}
		flows, err := r.choose(n, false)
		if err != nil {
			return err
		}
		return r.take(t, n, flows)
	case EventBasedGateway:
		return r.eventGateway(t, n)
	}
	return r.fail(n.ID, "the engine cannot execute a %s", n.Kind)
}

// choose evaluates the conditions of the outgoing flows of n in order:
// the first true one (exclusive) or all true ones (inclusive, activities);
// the default flow when none is true (BPMN §13.3.2, §13.3.3).
func (r *run) choose(n *Node, first bool) ([]*Flow, error) {
	// The result is consumed by take before the next choose.
	out := r.flowBuf[:0]
	for _, f := range r.def.out[n.ID] {
		if f.ID == n.Default {
			continue
		}
		ok := true
		if f.Cond != nil {
			var err error
			ok, err = f.Cond(r.vars)
			if err != nil {
				return nil, r.fail(f.ID, "condition %q: %w", f.Source, err)
			}
		}
		if ok {
			out = append(out, f)
			if first {
				break
			}
		}
	}
	if len(out) == 0 && n.Default != "" {
		out = append(out, r.def.flows[n.Default])
	}
	if len(out) == 0 && len(r.def.out[n.ID]) > 0 {
		return nil, r.fail(n.ID, "no outgoing sequence flow can be taken: every condition is false and there is no default flow")
	}
	return out, nil
}

// take emits the leaving of n and sends t (and copies of it) down flows.
func (r *run) take(t *token, n *Node, flows []*Flow) error {
	r.left(n.ID, ElementLeft{Kind: n.Kind.String(), Token: t.ID, Outcome: "completed"})
	if len(flows) == 0 {
		return r.consume(t)
	}
	for i, f := range flows {
		tt := t
		if i > 0 {
			tt = r.newToken(t.Scope)
		}
		r.arrive(tt, f.To, f.ID)
	}
	return nil
}

// leave completes the element t sits on and moves on.
func (r *run) leave(t *token, outcome string) error {
	n := r.def.nodes[t.Node]
	r.disarm(t)
	t.Wait, t.Task, t.Job, t.Sub, t.Child = waitNone, "", "", "", ""
	if t.Inner {
		r.left(n.ID, ElementLeft{Kind: n.Kind.String(), Token: t.ID, Outcome: outcome})
		return r.innerDone(t)
	}
	t.MI = nil
	flows, err := r.choose(n, false)
	if err != nil {
		return err
	}
	return r.take(t, n, flows)
}

// passThrough moves t onto an event node that has already happened (a
// boundary event that fired, the event after an event-based gateway) and
// out of it.
func (r *run) passThrough(t *token, node, via string) error {
	t.Node, t.Via, t.Wait = node, via, waitNone
	visit := r.st.Visits.inc(node)
	n := r.def.nodes[node]
	r.entered(node, ElementEntered{Kind: n.Kind.String(), Token: t.ID, Flow: via, Visit: visit})
	return r.leave(t, "completed")
}

// consume removes a token that reached its end and completes its scope
// when it was the last one.
func (r *run) consume(t *token) error {
	r.removeToken(t)
	if t.Scope != "" {
		for _, o := range r.st.Tokens {
			if o.Scope == t.Scope {
				return nil
			}
		}
		host := r.token(t.Scope)
		if host != nil && host.Wait == waitScope {
			return r.leave(host, "completed")
		}
		return nil
	}
	if len(r.st.Tokens) == 0 {
		r.complete(store.InstanceCompleted, EventCompleted, nil)
	}
	return nil
}

func (r *run) end(t *token, n *Node) error {
	r.left(n.ID, ElementLeft{Kind: n.Kind.String(), Token: t.ID, Outcome: "completed"})
	switch {
	case n.IsError:
		return r.throw(t, n.ErrorCode, "")
	case n.Terminate && t.Scope == "":
		// BPMN §10.5.3: a terminate end event ends every activity of the
		// process instance at once.
		for _, o := range slices.Clone(r.st.Tokens) {
			if o != t && r.token(o.ID) != nil {
				r.kill(o, "terminated")
			}
		}
		r.removeToken(t)
		r.complete(store.InstanceTerminated, EventTerminated, Terminated{By: n.ID})
		return nil
	case n.Terminate:
		// In an embedded sub-process it ends every token of the
		// sub-process, which then completes normally.
		for _, o := range slices.Clone(r.st.Tokens) {
			if o != t && o.Scope == t.Scope && r.token(o.ID) != nil {
				r.kill(o, "terminated")
			}
		}
	}
	return r.consume(t)
}

// complete ends the instance.
func (r *run) complete(status store.InstanceStatus, typ store.EventType, data any) {
	if !r.active() {
		return
	}
	r.in.Status = status
	r.in.EndedAt = r.now
	if tm := r.st.Term; tm != nil && tm.Job != "" {
		r.step.DoneJobs = append(r.step.DoneJobs, store.JobLease{ID: tm.Job})
		tm.Job = ""
	}
	r.event(typ, "", data)
	if r.in.ParentID != "" {
		p := &jobPayload{Target: r.in.ParentID, Child: r.in.ID}
		if status == store.InstanceFailed {
			p.Err = true
			if d, ok := data.(ErrorThrown); ok {
				p.Error = d.Code
			}
		}
		r.newJob(jobCallReturn, &token{ID: r.st.ParentToken}, "", r.now, p)
	}
}

// kill ends t without completing it: its task is cancelled, its jobs
// dropped, its subscriptions removed, its inner tokens killed.
func (r *run) kill(t *token, outcome string) {
	n := r.def.nodes[t.Node]
	for _, c := range slices.Clone(r.st.Tokens) {
		if c.Scope == t.ID && r.token(c.ID) != nil {
			r.kill(c, outcome)
		}
	}
	switch t.Wait {
	case waitTask:
		r.cancelTask(t.Task)
	case waitJob:
		r.step.DoneJobs = append(r.step.DoneJobs, store.JobLease{ID: t.Job})
	case waitMsg:
		r.step.DropSubscriptions = append(r.step.DropSubscriptions, t.Sub)
	case waitCall:
		r.newJob(jobTerminate, t, n.ID, r.now, &jobPayload{Target: t.Child, Child: t.Child})
	}
	r.disarm(t)
	r.left(n.ID, ElementLeft{Kind: n.Kind.String(), Token: t.ID, Outcome: outcome})
	r.removeToken(t)
}

func (r *run) cancelTask(id string) {
	for _, task := range r.step.Tasks {
		if task.ID == id { // created or changed in this very step
			task.Status, task.EndedAt = store.TaskCancelled, r.now
			r.event(EventTaskCancelled, task.ElementID, TaskChanged{TaskID: id, Assignee: task.Assignee})
			return
		}
	}
	task, err := r.e.st.GetTask(r.ctx, &store.GetTaskParams{Body: r.in.Body, ID: id})
	if err != nil {
		r.e.log.Error("cancelling a task", "body", r.in.Body, "instance", r.in.ID, "task", id, "err", err)
		return
	}
	task.Status, task.EndedAt = store.TaskCancelled, r.now
	r.step.Tasks = append(r.step.Tasks, task)
	r.event(EventTaskCancelled, task.ElementID, TaskChanged{TaskID: id, Assignee: task.Assignee})
}

func (r *run) newJob(kind string, t *token, node string, due time.Time, p *jobPayload) *store.Job {
	id := r.nextID("j")
	j := r.jobSlot
	if j != nil {
		r.jobSlot = nil
	} else {
		j = new(store.Job)
	}
	*j = store.Job{Body: r.in.Body, ID: id, InstanceID: r.in.ID, Kind: kind, ElementID: node, TokenID: t.ID,
		IdempotencyKey: id, Status: store.JobPending, DueAt: due, MaxAttempts: r.e.opts.MaxAttempts, CreatedAt: r.now}
	if p != nil {
		j.Payload, _ = json.Marshal(p)
	}
	r.step.Jobs = append(r.step.Jobs, j)
	return j
}

func (r *run) waitJob(t *token, n *Node) {
	j := r.newJob(jobService, t, n.ID, r.now, nil)
	t.Wait, t.Job = waitJob, j.ID
}

func (r *run) timerJob(t *token, n *Node, at time.Time, left int) *store.Job {
	return r.newJob(jobTimer, t, n.ID, at, &jobPayload{Node: n.ID, Left: left})
}

func (r *run) waitTimer(t *token, n *Node) error {
	at, left, err := n.Timer.first(r.now, r.e.cal.Location)
	if err != nil {
		return r.fail(n.ID, "timer: %w", err)
	}
	j := r.timerJob(t, n, at, left)
	t.Wait, t.Job = waitJob, j.ID
	return nil
}

func (r *run) subscribe(t *token, n *Node) (string, error) {
	key := ""
	if n.Message.Key != nil {
		var err error
		if key, err = n.Message.Key(r.vars); err != nil {
			return "", r.fail(n.ID, "correlation key of message %s: %w", n.Message.Name, err)
		}
	}
	sub := &store.Subscription{Body: r.in.Body, ID: r.nextID("s"), InstanceID: r.in.ID, Name: n.Message.Name,
		CorrelationKey: key, ElementID: n.ID, TokenID: t.ID, CreatedAt: r.now}
	r.step.Subscriptions = append(r.step.Subscriptions, sub)
	r.newSubs = append(r.newSubs, sub)
	return sub.ID, nil
}

func (r *run) waitMessage(t *token, n *Node) error {
	id, err := r.subscribe(t, n)
	if err != nil {
		return err
	}
	t.Wait, t.Sub = waitMsg, id
	return nil
}

// arm sets up the timer and message boundary events of an activity.
func (r *run) arm(t *token, n *Node) error {
	for _, b := range r.def.boundaries[n.ID] {
		switch {
		case b.Timer != nil:
			at, left, err := b.Timer.first(r.now, r.e.cal.Location)
			if err != nil {
				return r.fail(b.ID, "timer: %w", err)
			}
			j := r.timerJob(t, b, at, left)
			t.Listeners = append(t.Listeners, &listener{Node: b.ID, Job: j.ID})
		case b.Message != nil:
			id, err := r.subscribe(t, b)
			if err != nil {
				return err
			}
			t.Listeners = append(t.Listeners, &listener{Node: b.ID, Sub: id})
		}
	}
	return nil
}

// disarm drops the listeners of t.
func (r *run) disarm(t *token) {
	for _, l := range t.Listeners {
		if l.Job != "" {
			r.step.DoneJobs = append(r.step.DoneJobs, store.JobLease{ID: l.Job})
		}
		if l.Sub != "" {
			r.step.DropSubscriptions = append(r.step.DropSubscriptions, l.Sub)
		}
	}
	t.Listeners = nil
}

func (r *run) createTask(t *token, n *Node) error {
	var offices []string
	if n.InstanceOffices != nil && t.Inner {
		var err error
		if offices, err = n.InstanceOffices(r.vars, t.Loop); err != nil {
			return r.fail(n.ID, "candidate offices of instance %d: %w", t.Loop, err)
		}
	} else if n.CandidateOffices != nil {
		var err error
		if offices, err = n.CandidateOffices(r.vars); err != nil {
			return r.fail(n.ID, "candidate offices: %w", err)
		}
	}
	assignee := ""
	if n.Assignee != nil {
		var err error
		if assignee, err = n.Assignee(r.vars); err != nil {
			return r.fail(n.ID, "assignee: %w", err)
		}
	}
	task := &store.Task{Body: r.in.Body, ID: r.nextID("t"), InstanceID: r.in.ID, ProcessKey: r.in.ProcessKey,
		ElementID: n.ID, Name: n.Name, Form: n.Form, CandidateOffices: offices, Assignee: assignee,
		Status: store.TaskOpen, CreatedAt: r.now}
	ch := TaskChanged{TaskID: task.ID, Assignee: assignee, Offices: offices}
	if t.Inner {
		ch.Loop = &t.Loop
	}
	if n.SLA != "" {
		d, _ := ParseDuration(n.SLA)
		task.DueAt = d.AddTo(r.now, r.e.cal.Location).UTC()
		ch.DueAt = task.DueAt.Format(time.RFC3339)
	}
	r.step.Tasks = append(r.step.Tasks, task)
	r.event(EventTaskCreated, n.ID, ch)
	t.Wait, t.Task = waitTask, task.ID
	return nil
}

func (r *run) parallel(t *token, n *Node) error {
	ins := r.def.in[n.ID]
	if len(ins) > 1 {
		// BPMN §13.3.4: the join waits for a token on every incoming flow;
		// extra tokens on one flow wait for the next activation.
		t.Wait = waitJoin
		arrived := map[string]*token{}
		var order []*token
		for _, o := range r.st.Tokens {
			if o.Node == n.ID && o.Wait == waitJoin && o.Scope == t.Scope && arrived[o.Via] == nil {
				arrived[o.Via] = o
				order = append(order, o)
			}
		}
		if len(arrived) < len(ins) {
			return nil
		}
		survivor := order[0]
		for _, o := range order[1:] {
			r.left(n.ID, ElementLeft{Kind: n.Kind.String(), Token: o.ID, Outcome: "joined"})
			r.removeToken(o)
		}
		survivor.Wait = waitNone
		t = survivor
	}
	return r.take(t, n, r.def.out[n.ID])
}

// inclusiveJoins fires the inclusive joins that no other token can still
// reach (BPMN §13.4.3).
func (r *run) inclusiveJoins() (bool, error) {
	for _, t := range r.st.Tokens {
		n := r.def.nodes[t.Node]
		if t.Wait != waitJoin || n.Kind != InclusiveGateway {
			continue
		}
		up := r.def.upstream[n.ID]
		blocked := false
		for _, o := range r.st.Tokens {
			if o.Scope == t.Scope && !(o.Node == n.ID && o.Wait == waitJoin) && up[o.Node] {
				blocked = true
				break
			}
		}
		if blocked {
			continue
		}
		seen := map[string]bool{}
		var merged []*token
		for _, o := range r.st.Tokens {
			if o.Node == n.ID && o.Wait == waitJoin && o.Scope == t.Scope && !seen[o.Via] {
				seen[o.Via] = true
				merged = append(merged, o)
			}
		}
		survivor := merged[0]
		for _, o := range merged[1:] {
			r.left(n.ID, ElementLeft{Kind: n.Kind.String(), Token: o.ID, Outcome: "joined"})
			r.removeToken(o)
		}
		survivor.Wait = waitNone
		flows, err := r.choose(n, false)
		if err != nil {
			return false, err
		}
		return true, r.take(survivor, n, flows)
	}
	return false, nil
}

func (r *run) eventGateway(t *token, n *Node) error {
	t.Wait = waitEvents
	for _, f := range r.def.out[n.ID] {
		target := r.def.nodes[f.To]
		switch {
		case target.Timer != nil:
			at, left, err := target.Timer.first(r.now, r.e.cal.Location)
			if err != nil {
				return r.fail(target.ID, "timer: %w", err)
			}
			j := r.timerJob(t, target, at, left)
			t.Listeners = append(t.Listeners, &listener{Node: target.ID, Job: j.ID})
		case target.Message != nil:
			id, err := r.subscribe(t, target)
			if err != nil {
				return err
			}
			t.Listeners = append(t.Listeners, &listener{Node: target.ID, Sub: id})
		}
	}
	return nil
}

// fire handles a listener of t (a boundary event or an event-gateway
// target) that fired.
func (r *run) fire(t *token, l *listener) error {
	target := r.def.nodes[l.Node]
	if t.Wait == waitEvents {
		// The first event wins the race; the others are disarmed
		// (BPMN §10.6.6).
		gw := r.def.nodes[t.Node]
		r.disarm(t) // the winner's subscription too: it is consumed
		r.left(gw.ID, ElementLeft{Kind: gw.Kind.String(), Token: t.ID, Outcome: "completed"})
		var via string
		for _, f := range r.def.out[gw.ID] {
			if f.To == target.ID {
				via = f.ID
			}
		}
		return r.passThrough(t, target.ID, via)
	}
	// A boundary event.
	if target.CancelActivity {
		scope := t.Scope // kill disarms every listener, this one included
		r.kill(t, "interrupted")
		return r.passThrough(r.newToken(scope), target.ID, "")
	}
	if target.Timer != nil {
		t.Listeners = slices.DeleteFunc(t.Listeners, func(x *listener) bool { return x == l })
	}
	return r.passThrough(r.newToken(t.Scope), target.ID, "")
}

// rearm schedules the next firing of a cycle timer listener.
func (r *run) rearm(t *token, node *Node, prev time.Time, left int) error {
	if left == 0 {
		return nil
	}
	at, err := node.Timer.next(prev, r.e.cal.Location)
	if err != nil {
		return r.fail(node.ID, "timer: %w", err)
	}
	if left > 0 {
		left--
	}
	j := r.timerJob(t, node, at, left)
	t.Listeners = append(t.Listeners, &listener{Node: node.ID, Job: j.ID})
	return nil
}

// throw raises a BPMN error from t and hands it to the nearest error
// boundary event of t's activity or of an enclosing sub-process
// (BPMN §10.5.6); uncaught, it fails the instance.
func (r *run) throw(t *token, code, msg string) error {
	r.event(EventErrorThrown, t.Node, ErrorThrown{Code: code, Message: msg})
	cur := t
	for cur != nil {
		target := cur
		if cur.Inner {
			target = r.token(cur.Scope)
		}
		n := r.def.nodes[target.Node]
		if n.Kind.isActivity() {
			if b := r.errorBoundary(n, code); b != nil {
				scope := target.Scope
				r.kill(target, "interrupted")
				return r.passThrough(r.newToken(scope), b.ID, "")
			}
		}
		if target.Scope == "" {
			break
		}
		cur = r.token(target.Scope)
	}
	for _, o := range slices.Clone(r.st.Tokens) {
		if r.token(o.ID) != nil {
			r.kill(o, "failed")
		}
	}
	r.complete(store.InstanceFailed, EventFailed, ErrorThrown{Code: code, Message: msg})
	return nil
}

func (r *run) errorBoundary(n *Node, code string) *Node {
	var any *Node
	for _, b := range r.def.boundaries[n.ID] {
		if !b.IsError {
			continue
		}
		if b.ErrorCode == code {
			return b
		}
		if b.ErrorCode == "" && any == nil {
			any = b
		}
	}
	return any
}

func (r *run) startMI(host *token, n *Node) error {
	count, err := n.MI.Count(r.vars)
	if err != nil {
		return r.fail(n.ID, "multi-instance collection: %w", err)
	}
	if count < 0 {
		return r.fail(n.ID, "multi-instance collection has %d items", count)
	}
	host.Wait = waitMI
	host.MI = &miState{Total: count}
	if count == 0 {
		return r.leave(host, "completed")
	}
	if n.MI.Sequential {
		r.spawnInner(host, n)
		return nil
	}
	for range count {
		r.spawnInner(host, n)
	}
	return nil
}

func (r *run) spawnInner(host *token, n *Node) {
	it := r.newToken(host.ID)
	it.Node, it.Inner, it.Loop = n.ID, true, host.MI.Next
	host.MI.Next++
	r.entered(n.ID, ElementEntered{Kind: n.Kind.String(), Token: it.ID, Visit: r.st.Visits.get(n.ID)})
	r.queue = append(r.queue, it)
}

func (r *run) innerDone(it *token) error {
	host := r.token(it.Scope)
	r.removeToken(it)
	n := r.def.nodes[host.Node]
	host.MI.Done++
	activeN := 0
	for _, o := range r.st.Tokens {
		if o.Scope == host.ID && o.Inner {
			activeN++
		}
	}
	done := host.MI.Done == host.MI.Total
	if !done && n.MI.Completion != nil {
		ok, err := n.MI.Completion(r.vars, MIStatus{NrOfInstances: host.MI.Total, NrOfActiveInstances: activeN, NrOfCompletedInstances: host.MI.Done})
		if err != nil {
			return r.fail(n.ID, "multi-instance completion condition: %w", err)
		}
		done = ok
	}
	if done {
		for _, o := range slices.Clone(r.st.Tokens) {
			if o.Scope == host.ID && r.token(o.ID) != nil {
				r.kill(o, "cancelled")
			}
		}
		return r.leave(host, "completed")
	}
	if n.MI.Sequential && host.MI.Next < host.MI.Total {
		r.spawnInner(host, n)
	}
	return nil
}

func (r *run) call(t *token, n *Node) error {
	def, err := r.e.latest(r.ctx, r.in.Body, n.Called)
	if err != nil {
		return r.fail(n.ID, "called process: %w", err)
	}
	var vars json.RawMessage
	if n.CallIn != nil {
		if vars, err = n.CallIn(r.vars); err != nil {
			return r.fail(n.ID, "input mapping: %w", err)
		}
	} else if vars, err = r.def.Codec.Encode(r.vars); err != nil {
		return r.fail(n.ID, "input mapping: %w", err)
	}
	child, err := r.e.newRun(r.ctx, def, r.in.Body, "", vars, r.actor)
	if err != nil {
		return r.fail(n.ID, "called process %s: %w", n.Called, err)
	}
	child.in.ParentID = r.in.ID
	child.in.BusinessKey = r.in.BusinessKey
	child.st.ParentToken = t.ID
	if err := child.begin(""); err != nil {
		return err
	}
	r.extra = append(r.extra, child)
	t.Wait, t.Child = waitCall, child.in.ID
	return nil
}

// begin starts a new instance from start event id ("" for the none start
// event of the process).
func (r *run) begin(startID string) error {
	start, err := r.def.startEvent(startID)
	if err != nil {
		return err
	}
	r.st.StartEvent = start.ID
	r.started(Started{ProcessKey: r.def.Key, DefinitionHash: r.def.Hash, StartEvent: start.ID,
		BusinessKey: r.in.BusinessKey, Parent: r.in.ParentID})
	if err := r.startTerm(); err != nil {
		return err
	}
	r.dirtyAt = start.ID
	r.arrive(r.newToken(""), start.ID, "")
	if err := r.advance(); err != nil {
		return err
	}
	_, err = r.finish()
	return err
}

func (d *Definition) startEvent(id string) (*Node, error) {
	if id != "" {
		n := d.nodes[id]
		if n == nil || n.Kind != StartEvent || n.In != "" {
			return nil, &DefinitionError{Process: d.Key, Element: id, Msg: "is not a start event of the process"}
		}
		return n, nil
	}
	for _, n := range d.starts[""] {
		if n.Timer == nil && n.Message == nil {
			return n, nil
		}
	}
	return nil, &DefinitionError{Process: d.Key, Msg: "the process has no none start event: name the start event to use"}
}

// finish closes the step: variables, suspension, state. It may be called
// more than once (a call activity's child is finished before its parent).
func (r *run) finish() (*store.Step, error) {
	if r.dirty {
		enc := r.encoded
		if enc == nil {
			var err error
			if enc, err = r.def.Codec.Encode(r.vars); err != nil {
				return nil, fmt.Errorf("instance %s: encoding variables: %w", r.in.ID, err)
			}
		}
		if bytes.Equal(r.oldVars, enc) {
			// Nothing changed after all.
		} else {
			var buf [16][]byte
			if keys := changedKeys(r.oldVars, enc, buf[:0]); len(keys) > 0 {
				ev := r.newEvent(EventVariablesChanged, r.dirtyAt)
				ev.Data = r.data(appendFields(r.scratch(), keys))
			}
		}
		r.st.Vars, r.oldVars, r.dirty, r.encoded = enc, enc, false, nil
	}
	r.suspension()
	r.prune()
	r.in.State = encodeState(r.st)
	r.in.Version = r.expected + 1
	r.in.UpdatedAt = r.now
	r.finished = true
	return r.step, nil
}

// prune drops jobs and subscriptions created and cancelled within the
// step: the store never sees them.
func (r *run) prune() {
	// Most steps cancel nothing: skip the work. The lists are short, so
	// nested loops beat building sets.
	if len(r.step.DoneJobs) > 0 {
		created := slices.Clone(r.step.Jobs)
		r.step.Jobs = slices.DeleteFunc(r.step.Jobs, func(j *store.Job) bool {
			return slices.ContainsFunc(r.step.DoneJobs, func(l store.JobLease) bool { return l.ID == j.ID })
		})
		r.step.DoneJobs = slices.DeleteFunc(r.step.DoneJobs, func(l store.JobLease) bool {
			return l.ID == "" || slices.ContainsFunc(created, func(j *store.Job) bool { return j.ID == l.ID })
		})
	}
	if len(r.step.DropSubscriptions) > 0 {
		dropped := func(id string) bool { return slices.Contains(r.step.DropSubscriptions, id) }
		subs := slices.Clone(r.step.Subscriptions)
		r.step.Subscriptions = slices.DeleteFunc(r.step.Subscriptions, func(s *store.Subscription) bool { return dropped(s.ID) })
		r.newSubs = slices.DeleteFunc(r.newSubs, func(s *store.Subscription) bool { return dropped(s.ID) })
		r.step.DropSubscriptions = slices.DeleteFunc(r.step.DropSubscriptions, func(id string) bool {
			return id == "" || slices.ContainsFunc(subs, func(s *store.Subscription) bool { return s.ID == id })
		})
	}
}

// changedFields lists the top-level fields of two JSON objects that
// differ.
func changedFields(before, after []byte) []string {
	keys := changedKeys(before, after, nil)
	if keys == nil {
		return nil
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = string(k)
	}
	return out
}

// changedKeys is changedFields appending the names, sorted and unescaped,
// to out: the bytes alias before and after (or a decoded copy of an
// escaped name).
func changedKeys(before, after []byte, out [][]byte) [][]byte {
	var bufA, bufB [16]member
	a, okA := topLevel(before, bufA[:0])
	b, okB := topLevel(after, bufB[:0])
	if !okB {
		return nil
	}
	if !okA {
		a = nil
	}
	for _, m := range b {
		v, _ := lookup(b, m.key) // the last of duplicate keys counts
		if old, ok := lookup(a, m.key); !ok || !bytes.Equal(old, v) {
			out = append(out, m.key)
		}
	}
	for _, m := range a {
		if _, ok := lookup(b, m.key); !ok {
			out = append(out, m.key)
		}
	}
	slices.SortFunc(out, bytes.Compare)
	return slices.CompactFunc(out, bytes.Equal)
}

// member is one member of a JSON object: its key and the raw bytes of its
// value.
type member struct {
	key   []byte // unescaped
	value []byte
}

// lookup returns the value of the last member named key (encoding/json
// keeps the last of duplicate keys).
func lookup(ms []member, key []byte) ([]byte, bool) {
	for i := len(ms) - 1; i >= 0; i-- {
		if bytes.Equal(ms[i].key, key) {
			return ms[i].value, true
		}
	}
	return nil, false
}

// topLevel splits a JSON object into its members without decoding the
// values, appending them to out: the variables are compared at every
// step, and a full json.Unmarshal into a map cost a tenth of a step.
// Values are compared byte for byte, which is exact for what one encoder
// writes. It reports false for anything but a well-formed object.
func topLevel(data []byte, out []member) ([]member, bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return out, skipSpace(data, i+1) == len(data)
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return nil, false
		}
		end, ok := skipString(data, i)
		if !ok {
			return nil, false
		}
		key := data[i+1 : end-1]
		if bytes.IndexByte(data[i:end], '\\') >= 0 || !utf8.Valid(data[i:end]) {
			var k string
			if json.Unmarshal(data[i:end], &k) != nil {
				return nil, false
			}
			key = []byte(k)
		}
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return nil, false
		}
		i = skipSpace(data, i+1)
		vend, ok := skipValue(data, i)
		if !ok {
			return nil, false
		}
		out = append(out, member{key, data[i:vend]})
		i = skipSpace(data, vend)
		if i >= len(data) {
			return nil, false
		}
		if data[i] == '}' {
			return out, skipSpace(data, i+1) == len(data)
		}
		if data[i] != ',' {
			return nil, false
		}
		i = skipSpace(data, i+1)
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at data[i].
func skipString(data []byte, i int) (int, bool) {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return 0, false
}

// skipValue returns the index after the JSON value starting at data[i].
func skipValue(data []byte, i int) (int, bool) {
	if i >= len(data) {
		return 0, false
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				end, ok := skipString(data, j)
				if !ok {
					return 0, false
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	default: // number, true, false, null
		j := i
		for j < len(data) && data[j] != ',' && data[j] != '}' && data[j] != ']' && data[j] != ' ' && data[j] != '\n' && data[j] != '\t' && data[j] != '\r' {
			j++
		}
		return j, j > i
	}
}

// suspension records the start and end of waits at suspending elements
// and moves the legal term accordingly.
func (r *run) suspension() {
	now := false
	if r.active() {
		for _, t := range r.st.Tokens {
			if t.Wait != waitNone && r.def.nodes[t.Node].Suspends {
				now = true
				break
			}
		}
	}
	if now == r.st.Suspended {
		return
	}
	r.st.Suspended = now
	tm := r.st.Term
	data := Term{}
	if now {
		if tm != nil {
			if tm.Job != "" {
				r.step.DoneJobs = append(r.step.DoneJobs, store.JobLease{ID: tm.Job})
				tm.Job = ""
			}
			tm.Remaining = max(0, r.e.cal.DaysBetween(r.now, tm.Nominal))
			tm.Suspended = r.now
			data = Term{Due: tm.Due.Format(time.DateOnly), Remaining: tm.Remaining}
		}
		r.event(EventSuspended, "", data)
		return
	}
	if tm != nil {
		// Law 241/1990 art. 2 c. 7: the term resumes where it stopped.
		tm.Nominal = r.e.cal.date(r.now).AddDate(0, 0, tm.Remaining)
		tm.Due = r.e.cal.Deadline(r.now, tm.Remaining)
		tm.Suspended = time.Time{}
		r.armTerm()
		data = Term{Due: tm.Due.Format(time.DateOnly), Remaining: tm.Remaining}
	}
	r.event(EventResumed, "", data)
}

func (r *run) startTerm() error {
	if r.def.Term == "" {
		return nil
	}
	d, err := ParseDuration(r.def.Term)
	if err != nil {
		return err
	}
	nominal := d.AddTo(r.e.cal.date(r.now), r.e.cal.Location)
	days := r.e.cal.DaysBetween(r.now, nominal)
	r.st.Term = &termState{Days: days, Nominal: nominal, Due: r.e.cal.Deadline(r.now, days), Remaining: days}
	r.armTerm()
	return nil
}

// armTerm schedules the breach of the term: the start of the day after
// its last day.
func (r *run) armTerm() {
	tm := r.st.Term
	if tm.Breached {
		return
	}
	j := r.newJob(jobTerm, &token{}, "", tm.Due.AddDate(0, 0, 1).UTC(), nil)
	tm.Job = j.ID
}
