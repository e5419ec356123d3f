// Package storemem is an in-memory store.Store for tests, the process test
// environment and benchmarks of the engine itself. It passes the
// conformance suite of storetest except durability: its content is gone
// when the process ends.
//
// One mutex guards everything, which makes Commit trivially atomic; records
// are copied in and out so that callers never share memory with the store,
// except through CommitOwned (store.OwnedCommitter), with which the engine
// hands over the records of its steps instead of having them copied.
package storemem

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/procedo/procedo/runtime/store"
)

type key struct{ body, id string }

type docKey struct {
	body, instance, name string
}

type counterKey struct {
	body, name string
	year       int
}

// Store is the in-memory store. The zero value is not usable: call New.
type Store struct {
	mu          sync.Mutex
	deployments []*store.Deployment
	instances   map[key]*record
	tasks       map[key]*store.Task
	taskIndex   map[key][]string // task ids by (body, instance id)
	jobs        map[key]*store.Job
	subs        map[key]*store.Subscription
	messages    []*store.Message
	docs        map[docKey][]*store.Document
	counters    map[counterKey]int64
	wake        chan struct{}
	seen        map[key]bool // scratch of commit
}

// record is an instance with its history: one map entry per instance.
type record struct {
	in     store.Instance
	events []*store.Event // in Seq order
}

var (
	_ store.Store          = (*Store)(nil)
	_ store.OwnedCommitter = (*Store)(nil)
)

// New returns an empty store.
func New() *Store {
	return &Store{
		instances: map[key]*record{},
		tasks:     map[key]*store.Task{},
		taskIndex: map[key][]string{},
		jobs:      map[key]*store.Job{},
		subs:      map[key]*store.Subscription{},
		docs:      map[docKey][]*store.Document{},
		counters:  map[counterKey]int64{},
		wake:      make(chan struct{}, 1),
	}
}

func (s *Store) notify() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func notFound(kind, body, id string) error {
	return &store.NotFoundError{Kind: kind, Body: body, ID: id}
}

// PutDeployment implements store.Store.
func (s *Store) PutDeployment(_ context.Context, p *store.PutDeploymentParams) (*store.Deployment, error) {
	d := p.Deployment
	if d == nil {
		return nil, &store.InvalidError{Method: "PutDeployment", Field: "Deployment", Reason: "missing"}
	}
	if err := store.CheckBody("PutDeployment", d.Body); err != nil {
		return nil, err
	}
	if d.ProcessKey == "" || d.Hash == "" {
		return nil, &store.InvalidError{Method: "PutDeployment", Field: "ProcessKey/Hash", Reason: "empty"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	max := 0
	for _, x := range s.deployments {
		if x.Body != d.Body || x.ProcessKey != d.ProcessKey {
			continue
		}
		if x.Hash == d.Hash {
			return cloneDeployment(x), nil
		}
		if x.Version > max {
			max = x.Version
		}
	}
	c := cloneDeployment(d)
	c.Version = max + 1
	s.deployments = append(s.deployments, c)
	return cloneDeployment(c), nil
}

func cloneDeployment(d *store.Deployment) *store.Deployment {
	c := *d
	c.Bundle = slices.Clone(d.Bundle)
	return &c
}

// GetDeployment implements store.Store.
func (s *Store) GetDeployment(_ context.Context, p *store.GetDeploymentParams) (*store.Deployment, error) {
	if err := store.CheckBody("GetDeployment", p.Body); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var best *store.Deployment
	for _, x := range s.deployments {
		if x.Body != p.Body {
			continue
		}
		switch {
		case p.Hash != "":
			if x.Hash == p.Hash && (p.ProcessKey == "" || p.ProcessKey == x.ProcessKey) {
				best = x
			}
		case x.ProcessKey == p.ProcessKey:
			if p.Version == 0 && (best == nil || x.Version > best.Version) || p.Version == x.Version {
				best = x
			}
		}
	}
	if best == nil {
		id := p.Hash
		if id == "" {
			id = fmt.Sprintf("%s v%d", p.ProcessKey, p.Version)
		}
		return nil, notFound("deployment", p.Body, id)
	}
	return cloneDeployment(best), nil
}

// ListDeployments implements store.Store.
func (s *Store) ListDeployments(_ context.Context, p *store.ListDeploymentsParams) ([]*store.Deployment, error) {
	if err := store.CheckBody("ListDeployments", p.Body); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*store.Deployment
	for _, x := range s.deployments {
		if x.Body == p.Body && (p.ProcessKey == "" || p.ProcessKey == x.ProcessKey) {
			out = append(out, cloneDeployment(x))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ProcessKey != out[j].ProcessKey {
			return out[i].ProcessKey < out[j].ProcessKey
		}
		return out[i].Version < out[j].Version
	})
	return out, nil
}

// Commit implements store.Store.
func (s *Store) Commit(_ context.Context, p *store.CommitParams) error {
	return s.commit(p, false)
}

// CommitOwned implements store.OwnedCommitter: the store keeps the
// records it is given (the instance's State, the events and their Data,
// jobs, tasks, subscriptions, documents) instead of copying them. Only
// the Instance struct itself is copied, since the engine hands it back
// to its own callers.
func (s *Store) CommitOwned(_ context.Context, p *store.CommitParams) error {
	return s.commit(p, true)
}

func (s *Store) commit(p *store.CommitParams, owned bool) error {
	if err := p.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Check everything first, then write: all or nothing.
	var conflicts []string
	var seen map[key]bool
	if len(p.Steps) > 8 {
		if s.seen == nil {
			s.seen = map[key]bool{}
		}
		seen = s.seen // kept between commits (under the mutex): no allocation per batch
		clear(seen)
	}
	for i, st := range p.Steps {
		k := key{st.Instance.Body, st.Instance.ID}
		twice := false
		if seen != nil {
			twice = seen[k]
			seen[k] = true
		} else {
			for _, o := range p.Steps[:i] {
				if o.Instance.ID == k.id && o.Instance.Body == k.body {
					twice = true
				}
			}
		}
		if twice {
			return &store.InvalidError{Method: "Commit", Field: "Steps", Reason: "instance " + st.Instance.ID + " appears twice in one batch"}
		}
		cur, ok := s.instances[k]
		switch {
		case st.ExpectedVersion == 0 && ok,
			st.ExpectedVersion != 0 && (!ok || cur.in.Version != st.ExpectedVersion):
			conflicts = append(conflicts, st.Instance.ID)
			continue
		}
		var last int64
		if ok && len(cur.events) > 0 {
			last = cur.events[len(cur.events)-1].Seq
		}
		prev := last
		for _, e := range st.Events {
			if e.Seq <= prev {
				conflicts = append(conflicts, st.Instance.ID)
				break
			}
			prev = e.Seq
		}
		for _, d := range st.Documents {
			versions := s.docs[docKey{d.Body, d.InstanceID, d.Name}]
			if d.Version != len(versions)+1 {
				conflicts = append(conflicts, st.Instance.ID)
				break
			}
		}
		for _, l := range st.DoneJobs {
			j, ok := s.jobs[key{st.Instance.Body, l.ID}]
			if l.Owner != "" && (!ok || j.LeaseOwner != l.Owner) {
				conflicts = append(conflicts, st.Instance.ID)
				break
			}
		}
		for _, j := range st.Jobs {
			if _, ok := s.jobs[key{j.Body, j.ID}]; ok {
				conflicts = append(conflicts, st.Instance.ID)
				break
			}
		}
	}
	if len(conflicts) > 0 {
		return &store.ConflictError{Kind: "instance", IDs: slices.Compact(conflicts)}
	}
	newJobs := false
	var recs []record // the records of new instances, in one allocation
	for _, st := range p.Steps {
		if st.ExpectedVersion == 0 {
			recs = make([]record, 0, len(p.Steps))
			break
		}
	}
	for _, st := range p.Steps {
		k := key{st.Instance.Body, st.Instance.ID}
		rec := s.instances[k]
		if rec == nil {
			recs = append(recs, record{})
			rec = &recs[len(recs)-1]
			s.instances[k] = rec
		}
		if n := st.Number; n != nil {
			// Committed now: the step gets its number.
			ck := counterKey{k.body, n.Name, n.Year}
			s.counters[ck]++
			st.Numbered(store.FormatNumber(n.Year, s.counters[ck]))
		}
		rec.in = *st.Instance
		if !owned {
			rec.in.State = slices.Clone(rec.in.State)
		}
		rec.events = s.appendEvents(rec.events, st.Events, owned)
		for _, l := range st.DoneJobs {
			delete(s.jobs, key{k.body, l.ID})
		}
		for _, j := range st.Jobs {
			c := j
			if !owned {
				c = cloneJob(j)
			}
			if c.Status == "" {
				c.Status = store.JobPending
			}
			if c.LeaseOwner == "" {
				c.LeaseUntil = time.Time{}
			}
			s.jobs[key{c.Body, c.ID}] = c
			newJobs = newJobs || store.WakesRunners(c)
		}
		for _, t := range st.Tasks {
			c := t
			if !owned {
				c = cloneTask(t)
			}
			if _, ok := s.tasks[key{c.Body, c.ID}]; !ok {
				ik := key{c.Body, c.InstanceID}
				s.taskIndex[ik] = append(s.taskIndex[ik], c.ID)
			}
			s.tasks[key{c.Body, c.ID}] = c
		}
		for _, id := range st.DropSubscriptions {
			if sub, ok := s.subs[key{k.body, id}]; ok && sub.InstanceID == k.id {
				delete(s.subs, key{k.body, id})
			}
		}
		for _, sub := range st.Subscriptions {
			c := sub
			if !owned {
				cp := *sub
				c = &cp
			}
			s.subs[key{c.Body, c.ID}] = c
		}
		for _, d := range st.Documents {
			c := *d
			if !owned {
				c.Content = slices.Clone(d.Content)
			}
			c.SHA256 = store.Digest(c.Content)
			c.Size = int64(len(c.Content))
			dk := docKey{c.Body, c.InstanceID, c.Name}
			s.docs[dk] = append(s.docs[dk], &c)
		}
	}
	if newJobs {
		s.notify()
	}
	return nil
}

// appendEvents adds the events of a step to the history of an instance.
// Owned, it keeps the caller's slice and events; otherwise it copies
// them into one allocation for the events and one for their data: a
// step writes about ten of them.
func (s *Store) appendEvents(to, evs []*store.Event, owned bool) []*store.Event {
	if len(evs) == 0 {
		return to
	}
	if owned {
		if to == nil {
			return evs
		}
		return append(to, evs...)
	}
	size := 0
	for _, e := range evs {
		size += len(e.Data)
	}
	slab, data := make([]store.Event, len(evs)), make([]byte, 0, size)
	for i, e := range evs {
		slab[i] = *e
		if e.Data != nil {
			start := len(data)
			data = append(data, e.Data...)
			slab[i].Data = data[start:len(data):len(data)]
		}
		to = append(to, &slab[i])
	}
	return to
}

func cloneTask(t *store.Task) *store.Task {
	c := *t
	c.CandidateOffices = slices.Clone(t.CandidateOffices)
	return &c
}

// GetInstance implements store.Store.
func (s *Store) GetInstance(_ context.Context, p *store.GetInstanceParams) (*store.Instance, error) {
	if err := store.CheckBody("GetInstance", p.Body); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.instances[key{p.Body, p.ID}]
	if !ok {
		return nil, notFound("instance", p.Body, p.ID)
	}
	c := rec.in
	c.State = slices.Clone(rec.in.State)
	return &c, nil
}

// ListInstances implements store.Store.
func (s *Store) ListInstances(_ context.Context, p *store.ListInstancesParams) ([]*store.Instance, error) {
	if err := store.CheckBody("ListInstances", p.Body); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*store.Instance
	for k, rec := range s.instances {
		in := &rec.in
		if k.body != p.Body ||
			p.ProcessKey != "" && in.ProcessKey != p.ProcessKey ||
			p.Status != "" && in.Status != p.Status ||
			p.ParentID != "" && in.ParentID != p.ParentID ||
			p.AfterID != "" && in.ID <= p.AfterID {
			continue
		}
		c := *in
		c.State = nil
		out = append(out, &c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	if p.Limit > 0 && len(out) > p.Limit {
		out = out[:p.Limit]
	}
	return out, nil
}

// GetTask implements store.Store.
func (s *Store) GetTask(_ context.Context, p *store.GetTaskParams) (*store.Task, error) {
	if err := store.CheckBody("GetTask", p.Body); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tasks[key{p.Body, p.ID}]
	if !ok {
		return nil, notFound("task", p.Body, p.ID)
	}
	c := *t
	c.CandidateOffices = slices.Clone(t.CandidateOffices)
	return &c, nil
}

// ListTasks implements store.Store.
func (s *Store) ListTasks(_ context.Context, p *store.ListTasksParams) ([]*store.Task, error) {
	if err := store.CheckBody("ListTasks", p.Body); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*store.Task
	match := func(body string, t *store.Task) {
		if body != p.Body ||
			p.InstanceID != "" && t.InstanceID != p.InstanceID ||
			p.Office != "" && !slices.Contains(t.CandidateOffices, p.Office) ||
			p.Assignee != "" && t.Assignee != p.Assignee ||
			p.Status != "" && t.Status != p.Status {
			return
		}
		out = append(out, cloneTask(t))
	}
	if p.InstanceID != "" {
		// Use the index: the desk and the engine list the tasks of one
		// case far more often than everything.
		for _, id := range s.taskIndex[key{p.Body, p.InstanceID}] {
			match(p.Body, s.tasks[key{p.Body, id}])
		}
	} else {
		for k, t := range s.tasks {
			match(k.body, t)
		}
	}
	slices.SortFunc(out, func(a, b *store.Task) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if p.Limit > 0 && len(out) > p.Limit {
		out = out[:p.Limit]
	}
	return out, nil
}

// ListEvents implements store.Store.
func (s *Store) ListEvents(_ context.Context, p *store.ListEventsParams) ([]*store.Event, error) {
	if err := store.CheckBody("ListEvents", p.Body); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var keys []key
	if p.InstanceID != "" {
		keys = []key{{p.Body, p.InstanceID}}
	} else {
		for k, rec := range s.instances {
			if k.body == p.Body && len(rec.events) > 0 {
				keys = append(keys, k)
			}
		}
		sort.Slice(keys, func(i, j int) bool { return keys[i].id < keys[j].id })
	}
	var out []*store.Event
	for _, k := range keys {
		rec := s.instances[k]
		if rec == nil {
			continue
		}
		for _, e := range rec.events {
			if e.Seq <= p.AfterSeq {
				continue
			}
			c := *e
			c.Data = slices.Clone(e.Data)
			out = append(out, &c)
			if p.Limit > 0 && len(out) == p.Limit {
				return out, nil
			}
		}
	}
	return out, nil
}

// AcquireJobs implements store.Store.
func (s *Store) AcquireJobs(_ context.Context, p *store.AcquireJobsParams) ([]*store.Job, error) {
	if p.Owner == "" {
		return nil, &store.InvalidError{Method: "AcquireJobs", Field: "Owner", Reason: "empty"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var due []*store.Job
	for k, j := range s.jobs {
		if p.Body != "" && k.body != p.Body {
			continue
		}
		if j.Status != store.JobPending || j.DueAt.After(p.Now) {
			continue
		}
		if j.LeaseOwner != "" && j.LeaseUntil.After(p.Now) {
			continue
		}
		due = append(due, j)
	}
	slices.SortFunc(due, func(a, b *store.Job) int {
		if c := a.DueAt.Compare(b.DueAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if p.Limit > 0 && len(due) > p.Limit {
		due = due[:p.Limit]
	}
	out := make([]*store.Job, len(due))
	vals := make([]store.Job, len(due)) // the copies in one allocation
	for i, j := range due {
		j.LeaseOwner = p.Owner
		j.LeaseUntil = p.Now.Add(p.LeaseFor)
		vals[i] = *j
		vals[i].Payload = slices.Clone(j.Payload)
		out[i] = &vals[i]
	}
	return out, nil
}

func cloneJob(j *store.Job) *store.Job {
	c := *j
	c.Payload = slices.Clone(j.Payload)
	return &c
}

// FailJob implements store.Store.
func (s *Store) FailJob(_ context.Context, p *store.FailJobParams) error {
	if err := store.CheckBody("FailJob", p.Body); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.jobs[key{p.Body, p.ID}]
	if !ok {
		return notFound("job", p.Body, p.ID)
	}
	if j.LeaseOwner != p.Owner {
		return &store.ConflictError{Kind: "job", IDs: []string{p.ID}}
	}
	j.Attempts++
	j.LastError = p.Error
	j.LeaseOwner, j.LeaseUntil = "", time.Time{}
	if p.RetryAt.IsZero() {
		j.Status = store.JobIncident
	} else {
		j.DueAt = p.RetryAt
		s.notify()
	}
	return nil
}

// RetryJob implements store.Store.
func (s *Store) RetryJob(_ context.Context, p *store.RetryJobParams) error {
	if err := store.CheckBody("RetryJob", p.Body); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.jobs[key{p.Body, p.ID}]
	if !ok {
		return notFound("job", p.Body, p.ID)
	}
	if j.Status != store.JobIncident {
		return &store.ConflictError{Kind: "job", IDs: []string{p.ID}, Err: fmt.Errorf("job is %s, not an incident", j.Status)}
	}
	j.Status = store.JobPending
	j.DueAt = p.Now
	j.Attempts = 0
	s.notify()
	return nil
}

// ListJobs implements store.Store.
func (s *Store) ListJobs(_ context.Context, p *store.ListJobsParams) ([]*store.Job, error) {
	if err := store.CheckBody("ListJobs", p.Body); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*store.Job
	for k, j := range s.jobs {
		if k.body != p.Body ||
			p.InstanceID != "" && j.InstanceID != p.InstanceID ||
			p.Status != "" && j.Status != p.Status {
			continue
		}
		out = append(out, cloneJob(j))
	}
	sort.Slice(out, func(a, b int) bool {
		if !out[a].DueAt.Equal(out[b].DueAt) {
			return out[a].DueAt.Before(out[b].DueAt)
		}
		return out[a].ID < out[b].ID
	})
	if p.Limit > 0 && len(out) > p.Limit {
		out = out[:p.Limit]
	}
	return out, nil
}

// NextJobDue implements store.Store.
func (s *Store) NextJobDue(context.Context) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var next time.Time
	for _, j := range s.jobs {
		if j.Status != store.JobPending {
			continue
		}
		at := j.DueAt
		if j.LeaseOwner != "" && j.LeaseUntil.After(at) {
			at = j.LeaseUntil
		}
		if next.IsZero() || at.Before(next) {
			next = at
		}
	}
	return next, nil
}

// WakeUp implements store.Store.
func (s *Store) WakeUp() <-chan struct{} { return s.wake }

// FindSubscriptions implements store.Store.
func (s *Store) FindSubscriptions(_ context.Context, p *store.FindSubscriptionsParams) ([]*store.Subscription, error) {
	if err := store.CheckBody("FindSubscriptions", p.Body); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*store.Subscription
	for k, sub := range s.subs {
		if k.body == p.Body && sub.Name == p.Name && sub.CorrelationKey == p.CorrelationKey {
			c := *sub
			out = append(out, &c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// PutMessage implements store.Store.
func (s *Store) PutMessage(_ context.Context, p *store.PutMessageParams) error {
	if err := p.Validate(); err != nil {
		return err
	}
	m := p.Message
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.messages {
		if x.Body == m.Body && x.ID == m.ID {
			return &store.ConflictError{Kind: "message", IDs: []string{m.ID}}
		}
	}
	c := *m
	c.Payload = slices.Clone(m.Payload)
	s.messages = append(s.messages, &c)
	return nil
}

// TakeMessage implements store.Store.
func (s *Store) TakeMessage(_ context.Context, p *store.TakeMessageParams) (*store.Message, error) {
	if err := store.CheckBody("TakeMessage", p.Body); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	best := -1
	for i, m := range s.messages {
		if m.Body != p.Body || m.Name != p.Name || m.CorrelationKey != p.CorrelationKey || !m.ExpiresAt.After(p.Now) {
			continue
		}
		if best < 0 || m.CreatedAt.Before(s.messages[best].CreatedAt) {
			best = i
		}
	}
	if best < 0 {
		return nil, notFound("message", p.Body, p.Name+"/"+p.CorrelationKey)
	}
	m := s.messages[best]
	s.messages = slices.Delete(s.messages, best, best+1)
	return m, nil
}

// DeleteExpiredMessages implements store.Store.
func (s *Store) DeleteExpiredMessages(_ context.Context, p *store.DeleteExpiredMessagesParams) (int, error) {
	if err := store.CheckBody("DeleteExpiredMessages", p.Body); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.messages)
	s.messages = slices.DeleteFunc(s.messages, func(m *store.Message) bool {
		return m.Body == p.Body && !m.ExpiresAt.After(p.Now)
	})
	return n - len(s.messages), nil
}

// GetDocument implements store.Store.
func (s *Store) GetDocument(_ context.Context, p *store.GetDocumentParams) (*store.Document, error) {
	if err := store.CheckBody("GetDocument", p.Body); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	versions := s.docs[docKey{p.Body, p.InstanceID, p.Name}]
	v := p.Version
	if v == 0 {
		v = len(versions)
	}
	if v < 1 || v > len(versions) {
		return nil, notFound("document", p.Body, fmt.Sprintf("%s/%s v%d", p.InstanceID, p.Name, p.Version))
	}
	c := *versions[v-1]
	c.Content = slices.Clone(c.Content)
	return &c, nil
}

// ListDocuments implements store.Store.
func (s *Store) ListDocuments(_ context.Context, p *store.ListDocumentsParams) ([]*store.Document, error) {
	if err := store.CheckBody("ListDocuments", p.Body); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*store.Document
	for k, versions := range s.docs {
		if k.body != p.Body || k.instance != p.InstanceID {
			continue
		}
		for _, d := range versions {
			c := *d
			c.Content = nil
			out = append(out, &c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if c := strings.Compare(out[i].Name, out[j].Name); c != 0 {
			return c < 0
		}
		return out[i].Version < out[j].Version
	})
	return out, nil
}

// NextNumber implements store.Store.
func (s *Store) NextNumber(ctx context.Context, p *store.NextNumberParams) (int64, error) {
	if err := store.CheckBody("NextNumber", p.Body); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := counterKey{p.Body, p.Name, p.Year}
	s.counters[k]++
	return s.counters[k], nil
}

// Close implements store.Store.
func (s *Store) Close() error { return nil }

var _ store.BatchReader = (*Store)(nil)

// GetInstances implements store.BatchReader.
func (s *Store) GetInstances(_ context.Context, p *store.GetInstancesParams) ([]*store.Instance, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*store.Instance, 0, len(p.Keys))
	// The copies and their states in one allocation each.
	vals := make([]store.Instance, 0, len(p.Keys))
	size := 0
	for _, k := range p.Keys {
		if rec, ok := s.instances[key{k.Body, k.ID}]; ok {
			size += len(rec.in.State)
		}
	}
	states := make([]byte, 0, size)
	for _, k := range p.Keys {
		if k.Body == "" {
			return nil, &store.InvalidError{Method: "GetInstances", Field: "Keys.Body", Reason: "empty"}
		}
		if rec, ok := s.instances[key{k.Body, k.ID}]; ok {
			vals = append(vals, rec.in)
			c := &vals[len(vals)-1]
			if rec.in.State != nil {
				start := len(states)
				states = append(states, rec.in.State...)
				c.State = states[start:len(states):len(states)]
			}
			out = append(out, c)
		}
	}
	return out, nil
}

var _ store.JobReleaser = (*Store)(nil)

// ReleaseJobs implements store.JobReleaser.
func (s *Store) ReleaseJobs(_ context.Context, p *store.ReleaseJobsParams) (int, error) {
	if p.Owner == "" {
		return 0, &store.InvalidError{Method: "ReleaseJobs", Field: "Owner", Reason: "empty"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	release := func(j *store.Job) {
		if j.Status != store.JobPending || j.LeaseOwner != p.Owner {
			return
		}
		j.LeaseOwner, j.LeaseUntil = "", time.Time{}
		if j.DueAt.After(p.Now) {
			j.DueAt = p.Now
		}
		n++
	}
	if p.Body != "" {
		for _, id := range p.IDs {
			if j, ok := s.jobs[key{p.Body, id}]; ok {
				release(j)
			}
		}
	} else {
		ids := make(map[string]bool, len(p.IDs))
		for _, id := range p.IDs {
			ids[id] = true
		}
		for k, j := range s.jobs {
			if ids[k.id] {
				release(j)
			}
		}
	}
	if n > 0 {
		s.notify()
	}
	return n, nil
}
