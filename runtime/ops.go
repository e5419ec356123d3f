package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/procedo/procedo/runtime/store"
)

// StartParams are the params of Start.
type StartParams struct {
	Body string
	// ProcessKey starts the latest deployed version; Hash a given one.
	ProcessKey string
	Hash       string
	// StartEvent names the start event; "" is the none start event.
	StartEvent string
	// Vars is the start form payload (a JSON object), validated against
	// the form of the start event.
	Vars        json.RawMessage
	BusinessKey string
	// Register, when set, numbers the instance: its BusinessKey (and
	// the started event's) becomes the next number of this register for
	// the year, as ApplicationNumber gives, taken in the transaction
	// that creates the instance (store.Step.Number). A start that fails,
	// or that finds the instance there (ID), takes none: the register
	// has no gaps. BusinessKey is then ignored.
	Register string
	Actor    string
	// ID makes the start idempotent: starting the same ID again returns
	// the existing instance (a double click files one application). ""
	// generates an id.
	ID string
}

// Start starts an instance and runs it until every token waits.
func (e *Engine) Start(ctx context.Context, p *StartParams) (*store.Instance, error) {
	ins, _, err := e.startMany(ctx, []*StartParams{p})
	if err != nil {
		return nil, err
	}
	return ins[0], nil
}

// StartOnce is Start that also says whether this call created the
// instance: false when an instance with p.ID was there already, which
// it returns as it is.
func (e *Engine) StartOnce(ctx context.Context, p *StartParams) (*store.Instance, bool, error) {
	ins, created, err := e.startMany(ctx, []*StartParams{p})
	if err != nil {
		return nil, false, err
	}
	return ins[0], created[0], nil
}

// StartMany starts several instances and commits them in one store
// transaction: the batched write that lets a SQL store start thousands of
// instances per second. A start that cannot be prepared (a form error, an
// unknown process) refuses the whole batch and nothing is written.
func (e *Engine) StartMany(ctx context.Context, ps []*StartParams) ([]*store.Instance, error) {
	ins, _, err := e.startMany(ctx, ps)
	return ins, err
}

func (e *Engine) startMany(ctx context.Context, ps []*StartParams) ([]*store.Instance, []bool, error) {
	runs := make([]*run, len(ps))
	created := make([]bool, len(ps))
	latest := map[[2]string]*Definition{} // one deployment lookup per process and call
	for i, p := range ps {
		r, err := e.prepareStart(ctx, p, latest)
		if err != nil {
			return nil, nil, err
		}
		runs[i], created[i] = r, true
	}
	err := e.commit(ctx, runs...)
	if err != nil && errors.Is(err, store.ErrConflict) {
		// Some instance ids exist: commit one by one, returning the
		// existing instance for a repeated id.
		for i, r := range runs {
			if err := e.commit(ctx, r); err != nil {
				if !errors.Is(err, store.ErrConflict) || ps[i].ID == "" {
					return nil, nil, err
				}
				in, gerr := e.st.GetInstance(ctx, &store.GetInstanceParams{Body: r.in.Body, ID: r.in.ID})
				if gerr != nil {
					return nil, nil, err
				}
				runs[i], created[i] = &run{in: in}, false
			}
		}
	} else if err != nil {
		return nil, nil, err
	}
	out := make([]*store.Instance, len(runs))
	for i, r := range runs {
		out[i] = r.in
	}
	return out, created, nil
}

func (e *Engine) prepareStart(ctx context.Context, p *StartParams, latest map[[2]string]*Definition) (*run, error) {
	if p.Body == "" {
		return nil, errors.New("start: empty body")
	}
	var def *Definition
	var err error
	k := [2]string{p.Body, p.ProcessKey}
	switch {
	case p.Hash != "":
		def, err = e.definition(ctx, p.Body, p.Hash)
	case latest[k] != nil:
		def = latest[k]
	default:
		def, err = e.latest(ctx, p.Body, p.ProcessKey)
		latest[k] = def
	}
	if err != nil {
		return nil, err
	}
	start, err := def.startEvent(p.StartEvent)
	if err != nil {
		return nil, err
	}
	if v := def.forms[start.ID]; v != nil {
		if fe := v.Validate(orEmpty(p.Vars)); len(fe) > 0 {
			return nil, &ValidationError{Element: start.ID, Form: start.Form, Fields: fe}
		}
	}
	actor := p.Actor
	if actor == "" {
		actor = "system"
	}
	r, err := e.newRun(ctx, def, p.Body, p.ID, p.Vars, actor)
	if err != nil {
		return nil, err
	}
	r.in.BusinessKey = p.BusinessKey
	if p.Register != "" {
		r.in.BusinessKey = store.NumberPlaceholder
	}
	if err := r.begin(start.ID); err != nil {
		return nil, err
	}
	if p.Register != "" {
		year := r.now.In(e.cal.Location).Year()
		if r.mentionsNumber() {
			// The first step already hands the business key on (a call
			// activity, a correlation key): take the number first, and
			// a failed start leaves a gap.
			number, err := e.ApplicationNumber(ctx, p.Body, p.Register)
			if err != nil {
				return nil, err
			}
			q := *p
			q.Register, q.BusinessKey = "", number
			return e.prepareStart(ctx, &q, latest)
		}
		r.step.Number = &store.Number{Name: p.Register, Year: year, Event: r.step.Events[0]}
	}
	return r, nil
}

// mentionsNumber reports whether the first step of a numbered start uses
// its business key, still store.NumberPlaceholder, anywhere but in its
// started event (the first event of the step).
func (r *run) mentionsNumber() bool {
	if len(r.extra) > 0 || len(r.step.Events) == 0 || r.step.Events[0].Type != EventStarted {
		return true
	}
	has := func(b []byte) bool { return bytes.Contains(b, []byte(store.NumberPlaceholder)) }
	for _, ev := range r.step.Events[1:] {
		if has(ev.Data) {
			return true
		}
	}
	for _, s := range r.step.Subscriptions {
		if strings.Contains(s.CorrelationKey, store.NumberPlaceholder) {
			return true
		}
	}
	for _, j := range r.step.Jobs {
		if has(j.Payload) {
			return true
		}
	}
	return has(r.in.State)
}

func orEmpty(b json.RawMessage) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage(`{}`)
	}
	return b
}

// commit writes finished runs (and the instances their call activities
// started) in one transaction, then delivers buffered messages to the
// subscriptions they created.
func (e *Engine) commit(ctx context.Context, runs ...*run) error {
	began := time.Now()
	var steps []*store.Step
	var all []*run
	var collect func(r *run)
	collect = func(r *run) {
		all = append(all, r)
		steps = append(steps, r.step)
		for _, c := range r.extra {
			collect(c)
		}
	}
	for _, r := range runs {
		if !r.finished {
			if _, err := r.finish(); err != nil {
				return err
			}
		}
		collect(r)
	}
	// The steps are never touched again (a retry after a conflict builds
	// new ones): an in-memory store may keep them as they are.
	commit := e.st.Commit
	if oc, ok := e.st.(store.OwnedCommitter); ok {
		commit = oc.CommitOwned
	}
	leased := e.lease(all)
	if err := commit(ctx, &store.CommitParams{Steps: steps}); err != nil {
		if leased != nil {
			e.unlease(leased)
		}
		return err
	}
	for _, r := range all {
		e.park(r)
	}
	if leased != nil {
		e.handOver(ctx, all, leased)
	}
	if e.opts.Observer != nil {
		e.observe(all, time.Since(began))
	}
	if e.log.Enabled(ctx, slog.LevelDebug) {
		for _, r := range all {
			e.log.DebugContext(ctx, "step committed", "body", r.in.Body, "instance", r.in.ID, "process", r.in.ProcessKey,
				"version", r.in.Version, "status", r.in.Status, "events", len(r.step.Events), "jobs", len(r.step.Jobs))
		}
	}
	for _, r := range all {
		for _, sub := range r.newSubs {
			e.takeBuffered(ctx, sub)
		}
	}
	return nil
}

// update loads an instance, lets f change it, advances it and commits,
// again from the start when another step got there first.
func (e *Engine) update(ctx context.Context, body, id, actor string, f func(r *run) error) error {
	if actor == "" {
		actor = "system"
	}
	return retry(ctx, func() error {
		r, err := e.load(ctx, body, id, actor)
		if err != nil {
			return err
		}
		if !r.active() {
			return fmt.Errorf("instance %s is %s: %w", id, r.in.Status, ErrNotActive)
		}
		if err := f(r); err != nil {
			return err
		}
		if err := r.advance(); err != nil {
			return err
		}
		return e.commit(ctx, r)
	})
}

// CompleteTaskParams are the params of CompleteTask.
type CompleteTaskParams struct {
	Body    string
	TaskID  string
	Actor   string
	Payload json.RawMessage // the task form, a JSON object
}

// CompleteTask completes a user task with its form payload. A payload
// that does not fit the task's form returns a *ValidationError and
// changes nothing. A task assigned to someone else returns
// ErrTaskAssigned; an unassigned one is completed (and claimed) by Actor.
func (e *Engine) CompleteTask(ctx context.Context, p *CompleteTaskParams) error {
	return e.taskUpdate(ctx, p.Body, p.TaskID, p.Actor, func(r *run, t *token, task *store.Task) error {
		if task.Assignee != "" && task.Assignee != p.Actor {
			return fmt.Errorf("task %s: %w (%s)", task.ID, ErrTaskAssigned, task.Assignee)
		}
		n := r.def.nodes[t.Node]
		if v := r.def.forms[n.ID]; v != nil {
			if fe := v.Validate(orEmpty(p.Payload)); len(fe) > 0 {
				return &ValidationError{Element: n.ID, Form: n.Form, Fields: fe}
			}
		}
		if err := r.def.Codec.Merge(r.vars, p.Payload); err != nil {
			return fmt.Errorf("task %s: payload: %w", task.ID, err)
		}
		r.dirty, r.dirtyAt = len(p.Payload) > 0, n.ID
		r.encoded = nil
		task.Assignee, task.Status, task.EndedAt, task.CompletedBy = p.Actor, store.TaskCompleted, r.now, p.Actor
		r.step.Tasks = append(r.step.Tasks, task)
		r.event(EventTaskCompleted, n.ID, TaskChanged{TaskID: task.ID, Assignee: p.Actor})
		return r.leave(t, "completed")
	})
}

// ClaimTask assigns an open task to Actor. Claiming a task assigned to
// someone else returns ErrTaskAssigned; claiming one's own is a no-op.
func (e *Engine) ClaimTask(ctx context.Context, body, taskID, actor string) error {
	return e.taskUpdate(ctx, body, taskID, actor, func(r *run, t *token, task *store.Task) error {
		if task.Assignee == actor {
			return nil
		}
		if task.Assignee != "" {
			return fmt.Errorf("task %s: %w (%s)", task.ID, ErrTaskAssigned, task.Assignee)
		}
		task.Assignee = actor
		r.step.Tasks = append(r.step.Tasks, task)
		r.event(EventTaskClaimed, task.ElementID, TaskChanged{TaskID: task.ID, Assignee: actor})
		return nil
	})
}

// ReleaseTask puts a task claimed by Actor back to its offices.
func (e *Engine) ReleaseTask(ctx context.Context, body, taskID, actor string) error {
	return e.taskUpdate(ctx, body, taskID, actor, func(r *run, t *token, task *store.Task) error {
		if task.Assignee != actor {
			return fmt.Errorf("task %s: %w (%s)", task.ID, ErrTaskAssigned, task.Assignee)
		}
		task.Assignee = ""
		r.step.Tasks = append(r.step.Tasks, task)
		r.event(EventTaskReleased, task.ElementID, TaskChanged{TaskID: task.ID, From: actor})
		return nil
	})
}

// ReassignTaskParams are the params of ReassignTask.
type ReassignTaskParams struct {
	Body   string
	TaskID string
	Actor  string // who reassigns (a head of office)
	To     string // the new assignee; "" returns it to the offices
	// Offices, when not nil, replaces the candidate offices.
	Offices []string
	Reason  string // required: reassignments are an anti-corruption indicator
}

// ReassignTask gives a task to someone else, with a reason.
func (e *Engine) ReassignTask(ctx context.Context, p *ReassignTaskParams) error {
	if p.Reason == "" {
		return fmt.Errorf("reassigning task %s: a reason is required", p.TaskID)
	}
	return e.taskUpdate(ctx, p.Body, p.TaskID, p.Actor, func(r *run, t *token, task *store.Task) error {
		from := task.Assignee
		task.Assignee = p.To
		if p.Offices != nil {
			task.CandidateOffices = p.Offices
		}
		r.step.Tasks = append(r.step.Tasks, task)
		r.event(EventTaskReassigned, task.ElementID, TaskChanged{TaskID: task.ID, From: from, Assignee: p.To, Offices: p.Offices, Reason: p.Reason})
		return nil
	})
}

func (e *Engine) taskUpdate(ctx context.Context, body, taskID, actor string, f func(r *run, t *token, task *store.Task) error) error {
	// Task ids are <instance id>-t<n> (run.createTask): the instance is
	// known without reading the task first, which saves a round trip.
	instanceID, found := instanceOfTask(taskID)
	if !found {
		task, err := e.st.GetTask(ctx, &store.GetTaskParams{Body: body, ID: taskID})
		if err != nil {
			return err
		}
		instanceID = task.InstanceID
	}
	return e.update(ctx, body, instanceID, actor, func(r *run) error {
		// Read the task again inside the step: the instance version now
		// guards it.
		task, err := e.st.GetTask(ctx, &store.GetTaskParams{Body: body, ID: taskID})
		if err != nil {
			return err
		}
		if task.InstanceID != r.in.ID {
			return &store.NotFoundError{Kind: "task", Body: body, ID: taskID}
		}
		var tok *token
		for _, t := range r.st.Tokens {
			if t.Wait == waitTask && t.Task == taskID {
				tok = t
			}
		}
		if task.Status != store.TaskOpen || tok == nil {
			return fmt.Errorf("task %s is %s: %w", taskID, task.Status, ErrTaskNotOpen)
		}
		return f(r, tok, task)
	})
}

// CorrelateParams are the params of Correlate.
type CorrelateParams struct {
	Body    string
	Name    string
	Key     string
	Payload json.RawMessage // merged into the variables of the receiving instance
	// TTL buffers the message when no instance waits for it yet: the
	// first instance that subscribes to Name and Key within TTL receives
	// it (as Zeebe does). Zero drops an uncorrelated message.
	TTL   time.Duration
	ID    string // message id, for buffered messages ("" generates one)
	Actor string
}

// CorrelateResult says where a message went.
type CorrelateResult struct {
	InstanceID string // the instance that received it, "" when none
	Started    bool   // it started the instance (message start event)
	Buffered   bool   // it waits in the buffer until TTL
}

// Correlate delivers a message to the instance waiting for its name and
// key (the oldest subscription first: one message, one receiver). When
// no instance waits, a process of the body with a message start event of
// that name is started; otherwise the message is buffered for TTL.
func (e *Engine) Correlate(ctx context.Context, p *CorrelateParams) (*CorrelateResult, error) {
	if id, err := e.deliverToSubscriber(ctx, p.Body, p.Name, p.Key, p.Payload, p.Actor); err != nil || id != "" {
		return &CorrelateResult{InstanceID: id}, err
	}
	if in, err := e.startByMessage(ctx, p); err != nil || in != nil {
		if in != nil {
			return &CorrelateResult{InstanceID: in.ID, Started: true}, nil
		}
		return nil, err
	}
	if p.TTL <= 0 {
		return &CorrelateResult{}, nil
	}
	id := p.ID
	if id == "" {
		id = newID()
	}
	now := e.Now().UTC()
	if err := e.st.PutMessage(ctx, &store.PutMessageParams{Message: &store.Message{
		Body: p.Body, ID: id, Name: p.Name, CorrelationKey: p.Key, Payload: p.Payload, CreatedAt: now, ExpiresAt: now.Add(p.TTL),
	}}); err != nil {
		return nil, err
	}
	// An instance may have subscribed between the first look and the
	// buffering: look again, taking the message out of the buffer so that
	// it is delivered once.
	subs, err := e.st.FindSubscriptions(ctx, &store.FindSubscriptionsParams{Body: p.Body, Name: p.Name, CorrelationKey: p.Key})
	if err != nil {
		return nil, err
	}
	for _, sub := range subs {
		if id := e.takeBuffered(ctx, sub); id != "" {
			return &CorrelateResult{InstanceID: id}, nil
		}
	}
	return &CorrelateResult{Buffered: true}, nil
}

func (e *Engine) deliverToSubscriber(ctx context.Context, body, name, key string, payload json.RawMessage, actor string) (string, error) {
	subs, err := e.st.FindSubscriptions(ctx, &store.FindSubscriptionsParams{Body: body, Name: name, CorrelationKey: key})
	if err != nil {
		return "", err
	}
	for _, sub := range subs {
		ok, err := e.deliver(ctx, sub, payload, actor)
		if err != nil {
			return "", err
		}
		if ok {
			return sub.InstanceID, nil
		}
	}
	return "", nil
}

// takeBuffered delivers a buffered message to a new subscription.
func (e *Engine) takeBuffered(ctx context.Context, sub *store.Subscription) string {
	m, err := e.st.TakeMessage(ctx, &store.TakeMessageParams{Body: sub.Body, Name: sub.Name, CorrelationKey: sub.CorrelationKey, Now: e.Now().UTC()})
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			e.log.Error("taking a buffered message", "body", sub.Body, "instance", sub.InstanceID, "err", err)
		}
		return ""
	}
	ok, err := e.deliver(ctx, sub, m.Payload, "system")
	if err != nil || !ok {
		// Put it back for the next subscriber.
		if perr := e.st.PutMessage(ctx, &store.PutMessageParams{Message: m}); perr != nil {
			e.log.Error("re-buffering a message", "body", sub.Body, "message", m.ID, "err", perr)
		}
		return ""
	}
	return sub.InstanceID
}

// deliver hands a message to the token of a subscription. It reports
// false when the subscription is gone (its token moved on meanwhile).
func (e *Engine) deliver(ctx context.Context, sub *store.Subscription, payload json.RawMessage, actor string) (bool, error) {
	delivered := false
	err := e.update(ctx, sub.Body, sub.InstanceID, actor, func(r *run) error {
		delivered = false
		t := r.token(sub.TokenID)
		if t == nil {
			return nil
		}
		var l *listener
		if !(t.Wait == waitMsg && t.Sub == sub.ID) {
			for _, x := range t.Listeners {
				if x.Sub == sub.ID {
					l = x
				}
			}
			if l == nil {
				return nil
			}
		}
		delivered = true
		r.event(EventMessage, sub.ElementID, MessageCorrelated{Name: sub.Name, Key: sub.CorrelationKey})
		if len(payload) > 0 {
			if err := r.def.Codec.Merge(r.vars, payload); err != nil {
				return fmt.Errorf("message %s: payload: %w", sub.Name, err)
			}
			r.dirty, r.dirtyAt = true, sub.ElementID
			r.encoded = nil
		}
		if l == nil {
			r.step.DropSubscriptions = append(r.step.DropSubscriptions, sub.ID)
			t.Sub = ""
			return r.leave(t, "completed")
		}
		return r.fire(t, l)
	})
	if errors.Is(err, ErrNotActive) {
		return false, nil
	}
	return delivered, err
}

func (e *Engine) startByMessage(ctx context.Context, p *CorrelateParams) (*store.Instance, error) {
	deps, err := e.st.ListDeployments(ctx, &store.ListDeploymentsParams{Body: p.Body})
	if err != nil {
		return nil, err
	}
	latest := map[string]*store.Deployment{}
	for _, d := range deps {
		if cur := latest[d.ProcessKey]; cur == nil || d.Version > cur.Version {
			latest[d.ProcessKey] = d
		}
	}
	for _, dep := range latest {
		def, err := e.definition(ctx, p.Body, dep.Hash)
		if err != nil {
			return nil, err
		}
		for _, s := range def.starts[""] {
			if s.Message != nil && s.Message.Name == p.Name {
				return e.Start(ctx, &StartParams{Body: p.Body, Hash: def.Hash, StartEvent: s.ID, Vars: p.Payload, BusinessKey: p.Key, Actor: p.Actor})
			}
		}
	}
	return nil, nil
}

// AddDocumentParams are the params of AddDocument.
type AddDocumentParams struct {
	Body       string
	InstanceID string
	Name       string
	MediaType  string
	Content    []byte
	Actor      string
}

// AddDocument adds a new version of a document of the case and records it
// in the history.
func (e *Engine) AddDocument(ctx context.Context, p *AddDocumentParams) (*store.Document, error) {
	var doc *store.Document
	err := e.update(ctx, p.Body, p.InstanceID, p.Actor, func(r *run) error {
		version := 1
		last, err := e.st.GetDocument(ctx, &store.GetDocumentParams{Body: p.Body, InstanceID: p.InstanceID, Name: p.Name})
		switch {
		case err == nil:
			version = last.Version + 1
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		doc = &store.Document{Body: p.Body, InstanceID: p.InstanceID, Name: p.Name, Version: version, MediaType: p.MediaType,
			SHA256: store.Digest(p.Content), Size: int64(len(p.Content)), Content: p.Content, CreatedAt: r.now, CreatedBy: r.actor}
		r.step.Documents = append(r.step.Documents, doc)
		r.event(EventDocumentAdded, "", DocumentAdded{Name: p.Name, Version: version, MediaType: p.MediaType, SHA256: doc.SHA256, Size: doc.Size})
		return nil
	})
	return doc, err
}

// Cancel terminates an instance on an operator's request.
func (e *Engine) Cancel(ctx context.Context, body, id, actor, reason string) error {
	return e.update(ctx, body, id, actor, func(r *run) error {
		for _, t := range slices.Clone(r.st.Tokens) {
			if r.token(t.ID) != nil {
				r.kill(t, "cancelled")
			}
		}
		r.complete(store.InstanceTerminated, EventTerminated, Terminated{Reason: reason})
		return nil
	})
}

// TermStatus is the legal term of an instance.
type TermStatus struct {
	Days      int       // the term, in calendar days
	Due       time.Time // its last day (midnight, Europe/Rome), moved off holidays
	Remaining int       // days left (negative when overrun); frozen while suspended
	Suspended bool
	Breached  bool
}

// Term returns the legal term of an instance; nil when its process has
// none.
func (e *Engine) Term(ctx context.Context, body, id string) (*TermStatus, error) {
	r, err := e.load(ctx, body, id, "system")
	if err != nil {
		return nil, err
	}
	return r.termStatus(), nil
}

func (r *run) termStatus() *TermStatus {
	tm := r.st.Term
	if tm == nil {
		return nil
	}
	s := &TermStatus{Days: tm.Days, Due: tm.Due.In(r.e.cal.Location), Suspended: r.st.Suspended, Breached: tm.Breached, Remaining: tm.Remaining}
	if !r.st.Suspended {
		ref := r.now
		if !r.active() {
			ref = r.in.EndedAt
		}
		s.Remaining = r.e.cal.DaysBetween(ref, tm.Due)
	}
	return s
}

// MigrateParams are the params of Migrate.
type MigrateParams struct {
	Body       string
	InstanceID string
	ToHash     string
	// Mapping maps element ids of the old version to the new one; an id
	// not in it maps to itself.
	Mapping map[string]string
	Actor   string
}

// MigrationError explains why an instance cannot move to a version.
type MigrationError struct {
	InstanceID string
	Element    string
	Reason     string
}

func (e *MigrationError) Error() string {
	return fmt.Sprintf("instance %s cannot migrate: element %s: %s", e.InstanceID, e.Element, e.Reason)
}

// Migrate moves a running instance to another version of its process.
// Every token must land on an element of the same kind; otherwise nothing
// changes and a *MigrationError names the element.
func (e *Engine) Migrate(ctx context.Context, p *MigrateParams) error {
	to, err := e.definition(ctx, p.Body, p.ToHash)
	if err != nil {
		return err
	}
	return e.update(ctx, p.Body, p.InstanceID, p.Actor, func(r *run) error {
		mapID := func(id string) string {
			if m, ok := p.Mapping[id]; ok {
				return m
			}
			return id
		}
		check := func(old string) (string, error) {
			nid := mapID(old)
			on, nn := r.def.nodes[old], to.nodes[nid]
			if nn == nil {
				return "", &MigrationError{p.InstanceID, old, fmt.Sprintf("a token waits here and version %s has no element %q: map it", shortHash(to.Hash), nid)}
			}
			if on.Kind != nn.Kind {
				return "", &MigrationError{p.InstanceID, old, fmt.Sprintf("is a %s, its counterpart %s is a %s", on.Kind, nid, nn.Kind)}
			}
			return nid, nil
		}
		for _, t := range r.st.Tokens {
			nid, err := check(t.Node)
			if err != nil {
				return err
			}
			t.Node = nid
			for _, l := range t.Listeners {
				if l.Node, err = check(l.Node); err != nil {
					return err
				}
			}
			if t.Task != "" && t.Wait == waitTask {
				task, err := e.st.GetTask(ctx, &store.GetTaskParams{Body: p.Body, ID: t.Task})
				if err != nil {
					return err
				}
				task.ElementID = nid
				r.step.Tasks = append(r.step.Tasks, task)
			}
		}
		r.event(EventMigrated, "", Migrated{From: r.def.Hash, To: to.Hash, Mapping: p.Mapping})
		r.in.DefinitionHash, r.in.ProcessKey = to.Hash, to.Key
		r.def = to
		return nil
	})
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// ApplicationNumber returns the next application number of a body for a
// register (e.g. the process key) in the current year, formatted as
// "2026/000123". The year is the one in Rome; numbers restart at 1 each
// year and are never handed out twice.
func (e *Engine) ApplicationNumber(ctx context.Context, body, register string) (string, error) {
	year := e.Now().In(e.cal.Location).Year()
	n, err := e.st.NextNumber(ctx, &store.NextNumberParams{Body: body, Name: register, Year: year})
	if err != nil {
		return "", err
	}
	return store.FormatNumber(year, n), nil
}

// TimerStartPrefix begins the id of the instances that keep the timer
// start events of a deployed version: each waits for its timer and starts
// a new instance of the process every time it fires (BPMN §10.5.2). They
// have BusinessKey "timer-start" and end when the timer has no more
// firings or a newer version is deployed.
const TimerStartPrefix = "timer-start-"

func timerStartID(d *Definition, node string) string {
	return TimerStartPrefix + d.Key + "-" + shortHash(d.Hash) + "-" + node
}

// scheduleTimerStarts arms the timer start events of the latest version
// and disarms those of the previous versions.
func (e *Engine) scheduleTimerStarts(ctx context.Context, body string, d *Definition, dep *store.Deployment) error {
	latest, err := e.st.GetDeployment(ctx, &store.GetDeploymentParams{Body: body, ProcessKey: d.Key})
	if err != nil {
		return err
	}
	if latest.Hash != d.Hash {
		return nil // an older version deployed again: its timers stay off
	}
	active, err := e.st.ListInstances(ctx, &store.ListInstancesParams{Body: body, ProcessKey: d.Key, Status: store.InstanceActive})
	if err != nil {
		return err
	}
	for _, in := range active {
		if strings.HasPrefix(in.ID, TimerStartPrefix+d.Key+"-") && in.DefinitionHash != d.Hash {
			if err := e.Cancel(ctx, body, in.ID, "system", fmt.Sprintf("version %d deployed", dep.Version)); err != nil && !errors.Is(err, ErrNotActive) {
				return err
			}
		}
	}
	for _, n := range d.starts[""] {
		if n.Timer == nil {
			continue
		}
		r, err := e.newRun(ctx, d, body, timerStartID(d, n.ID), nil, "system")
		if err != nil {
			return err
		}
		r.in.BusinessKey = "timer-start"
		r.event(EventStarted, n.ID, Started{ProcessKey: d.Key, DefinitionHash: d.Hash, StartEvent: n.ID, BusinessKey: "timer-start"})
		t := r.newToken("")
		t.Node = n.ID
		if err := r.waitTimer(t, n); err != nil {
			return err
		}
		if err := e.commit(ctx, r); err != nil && !errors.Is(err, store.ErrConflict) {
			return err // a conflict: already armed by an earlier deploy
		}
	}
	return nil
}

func instanceOfTask(taskID string) (string, bool) {
	i := strings.LastIndex(taskID, "-t")
	if i <= 0 {
		return "", false
	}
	if _, err := strconv.Atoi(taskID[i+2:]); err != nil {
		return "", false
	}
	return taskID[:i], true
}

// Waiting is a place where an instance waits.
type Waiting struct {
	Element string // BPMN element id
	Kind    string // "task", "job" (service task or timer), "message", "join", "events" (event-based gateway), "call"
	TaskID  string `json:",omitempty"`
	Loop    int    // loopCounter inside a multi-instance activity
}

// InstanceView is what the portal, the desk and tests read of an
// instance: the row, the variables, where it waits and its legal term.
type InstanceView struct {
	*store.Instance
	Vars    json.RawMessage
	Waiting []Waiting
	// Visits counts how many times each element was entered (2 and more:
	// rework).
	Visits map[string]int
	Term   *TermStatus // nil when the process has no legal term
}

var waitKinds = map[string]string{
	waitTask: "task", waitJob: "job", waitMsg: "message", waitJoin: "join", waitEvents: "events", waitCall: "call",
}

// Inspect returns a view of an instance without changing it.
func (e *Engine) Inspect(ctx context.Context, body, id string) (*InstanceView, error) {
	r, err := e.load(ctx, body, id, "system")
	if err != nil {
		return nil, err
	}
	v := &InstanceView{Instance: r.in, Vars: r.st.Vars, Visits: r.st.Visits.asMap()}
	if len(v.Vars) == 0 {
		v.Vars = json.RawMessage(`{}`)
	}
	for _, t := range r.st.Tokens {
		if k, ok := waitKinds[t.Wait]; ok {
			v.Waiting = append(v.Waiting, Waiting{Element: t.Node, Kind: k, TaskID: t.Task, Loop: t.Loop})
		}
	}
	v.Term = r.termStatus()
	return v, nil
}
