package store

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"time"
)

// Store persists the runtime's state. Every method is safe for concurrent
// use. Every method whose params carry a Body requires it non-empty
// (ErrInvalid otherwise) and only ever sees records of that body; the
// exceptions, which serve the job runner of the whole deployment, are
// AcquireJobs with an empty Body, NextJobDue and WakeUp.
type Store interface {
	// PutDeployment stores a version of a process. It is idempotent on
	// (Body, ProcessKey, Hash): deploying the same content again returns
	// the existing deployment. Otherwise the store assigns Version as one
	// more than the highest version of that process key in the body.
	PutDeployment(ctx context.Context, p *PutDeploymentParams) (*Deployment, error)
	// GetDeployment returns a deployment by hash, or by process key and
	// version (0: the latest).
	GetDeployment(ctx context.Context, p *GetDeploymentParams) (*Deployment, error)
	// ListDeployments returns the deployments of a body, by process key
	// then version.
	ListDeployments(ctx context.Context, p *ListDeploymentsParams) ([]*Deployment, error)

	// Commit writes a batch of steps atomically: all or nothing. When an
	// instance version does not match, an event or a document version
	// already exists, or a finished job is not leased by the given owner,
	// it returns a *ConflictError and writes nothing.
	Commit(ctx context.Context, p *CommitParams) error

	// GetInstance returns one instance with its state.
	GetInstance(ctx context.Context, p *GetInstanceParams) (*Instance, error)
	// ListInstances returns instances without their State, ordered by ID.
	ListInstances(ctx context.Context, p *ListInstancesParams) ([]*Instance, error)

	// GetTask returns one user task.
	GetTask(ctx context.Context, p *GetTaskParams) (*Task, error)
	// ListTasks returns user tasks ordered by CreatedAt then ID.
	ListTasks(ctx context.Context, p *ListTasksParams) ([]*Task, error)

	// ListEvents returns the history of an instance (or of the body when
	// InstanceID is empty) ordered by instance then Seq.
	ListEvents(ctx context.Context, p *ListEventsParams) ([]*Event, error)

	// AcquireJobs leases up to Limit jobs that are due (DueAt <= Now) and
	// pending, or whose lease expired, ordered by DueAt. Each acquired job
	// gets LeaseOwner = Owner and LeaseUntil = Now + LeaseFor. Two
	// concurrent callers never acquire the same job while its lease runs.
	// An empty Body acquires jobs of every body (the job runner).
	AcquireJobs(ctx context.Context, p *AcquireJobsParams) ([]*Job, error)
	// FailJob records a failed attempt of a job leased by Owner:
	// Attempts+1, LastError, and either DueAt = RetryAt (pending again) or,
	// when RetryAt is zero, Status = JobIncident. The lease is released.
	FailJob(ctx context.Context, p *FailJobParams) error
	// RetryJob puts an incident back to work: Status = JobPending, DueAt =
	// Now, Attempts = 0, the idempotency key unchanged.
	RetryJob(ctx context.Context, p *RetryJobParams) error
	// ListJobs returns jobs (pending and incidents) of a body, ordered by
	// DueAt then ID.
	ListJobs(ctx context.Context, p *ListJobsParams) ([]*Job, error)
	// NextJobDue returns the earliest DueAt of the pending jobs of every
	// body (for a leased job, the end of its lease if later), or the zero
	// time when there is none: the runner sleeps until then, for at most
	// WakeHorizon, or until WakeUp fires.
	NextJobDue(ctx context.Context) (time.Time, error)
	// WakeUp returns a channel that receives (coalesced, non-blocking) a
	// value when a commit creates a job due within WakeHorizon of its
	// CreatedAt, or a job is retried or released, in this process or — for
	// shared stores — in another one (LISTEN/NOTIFY on PostgreSQL). A job
	// due later (a timer, a legal term) wakes nobody: the runners find it
	// with NextJobDue, which they ask at least every WakeHorizon.
	WakeUp() <-chan struct{}

	// FindSubscriptions returns the subscriptions waiting for a message
	// name and correlation key, oldest first.
	FindSubscriptions(ctx context.Context, p *FindSubscriptionsParams) ([]*Subscription, error)
	// PutMessage buffers a message no one waited for, until ExpiresAt.
	PutMessage(ctx context.Context, p *PutMessageParams) error
	// TakeMessage deletes and returns the oldest unexpired buffered message
	// with that name and key (ErrNotFound when none). A message is taken
	// at most once, even by concurrent callers.
	TakeMessage(ctx context.Context, p *TakeMessageParams) (*Message, error)
	// DeleteExpiredMessages drops buffered messages expired at Now and
	// returns how many.
	DeleteExpiredMessages(ctx context.Context, p *DeleteExpiredMessagesParams) (int, error)

	// GetDocument returns a document version with its content (Version 0:
	// the latest).
	GetDocument(ctx context.Context, p *GetDocumentParams) (*Document, error)
	// ListDocuments returns every version of every document of an instance
	// without Content, ordered by name then version.
	ListDocuments(ctx context.Context, p *ListDocumentsParams) ([]*Document, error)

	// NextNumber increments and returns a counter per body, name and year
	// (first value 1): application numbers like 2026/000123. Numbers are
	// never handed out twice, even by concurrent callers, and a call whose
	// context has ended takes none.
	NextNumber(ctx context.Context, p *NextNumberParams) (int64, error)

	// Close releases the store's resources.
	Close() error
}

// Deployment is one version of a process of a body.
type Deployment struct {
	Body       string
	ProcessKey string // the BPMN process id
	Version    int    // 1, 2, … per (Body, ProcessKey), assigned by the store
	Hash       string // content hash of the bundle, hex
	Bundle     []byte // the bundle (e.g. a zip of the model folder), kept to rebuild the definition
	DeployedAt time.Time
	DeployedBy string
}

// InstanceStatus is the life-cycle state of an instance.
type InstanceStatus string

// Instance statuses.
const (
	InstanceActive     InstanceStatus = "active"
	InstanceCompleted  InstanceStatus = "completed"
	InstanceTerminated InstanceStatus = "terminated" // terminate end event or cancelled by an operator
	InstanceFailed     InstanceStatus = "failed"     // an unhandled BPMN error reached the top
)

// Instance is one running or finished case. The engine keeps tokens,
// variables and clocks in State; the other fields are there to be queried.
type Instance struct {
	Body           string
	ID             string
	ProcessKey     string
	DefinitionHash string // the deployment it runs
	BusinessKey    string // e.g. the application number
	ParentID       string // the calling instance of a call activity, or ""
	Status         InstanceStatus
	Version        int64 // optimistic lock: 1 on creation, +1 per step
	State          []byte
	StartedAt      time.Time
	UpdatedAt      time.Time
	EndedAt        time.Time // zero while active
}

// TaskStatus is the life-cycle state of a user task.
type TaskStatus string

// Task statuses.
const (
	TaskOpen      TaskStatus = "open"
	TaskCompleted TaskStatus = "completed"
	TaskCancelled TaskStatus = "cancelled" // by a boundary event, a terminate end or a migration
)

// Task is a user task: the work item an official sees on the desk.
type Task struct {
	Body             string
	ID               string
	InstanceID       string
	ProcessKey       string
	ElementID        string
	Name             string
	Form             string   // form key of the task
	CandidateOffices []string // offices whose officials may claim it
	Assignee         string   // "" when unclaimed
	Status           TaskStatus
	CreatedAt        time.Time
	DueAt            time.Time // SLA, zero when none
	EndedAt          time.Time
	CompletedBy      string
}

// EventType names a history event. The engine defines the values; the
// store keeps them opaque.
type EventType string

// Event is one append-only history record of an instance. (Body,
// InstanceID, Seq) is unique: the engine numbers the events of an
// instance.
type Event struct {
	Body       string
	InstanceID string
	Seq        int64
	Type       EventType
	ElementID  string
	Actor      string // user id, or "system"
	Time       time.Time
	Data       json.RawMessage // type-specific payload, JSON; nil when none
}

// JobStatus is the state of a job.
type JobStatus string

// Job statuses.
const (
	JobPending  JobStatus = "pending"
	JobIncident JobStatus = "incident" // retries exhausted: waits for an operator
)

// Job is a unit of work run after commit, at least once.
type Job struct {
	Body           string
	ID             string
	InstanceID     string
	Kind           string // engine-defined: "service", "timer", "term", …
	ElementID      string
	TokenID        string
	IdempotencyKey string // stable across attempts and takeovers; handed to the handler
	Payload        json.RawMessage
	Status         JobStatus
	DueAt          time.Time
	Attempts       int
	MaxAttempts    int
	LastError      string
	LeaseOwner     string
	LeaseUntil     time.Time
	CreatedAt      time.Time
}

// JobLease identifies a job leased by an owner.
type JobLease struct {
	ID    string
	Owner string // "" finishes a job whatever its lease (e.g. cancelled by the step)
}

// Subscription is an instance waiting for a message.
type Subscription struct {
	Body           string
	ID             string
	InstanceID     string
	Name           string
	CorrelationKey string
	ElementID      string
	TokenID        string
	CreatedAt      time.Time
}

// Message is a buffered message that arrived before anyone waited for it.
type Message struct {
	Body           string
	ID             string
	Name           string
	CorrelationKey string
	Payload        json.RawMessage
	CreatedAt      time.Time
	ExpiresAt      time.Time
}

// Document is one version of a document of a case (an attachment, a
// decision). The store computes SHA256 and Size from Content.
type Document struct {
	Body       string
	InstanceID string
	Name       string
	Version    int // 1, 2, … per (Body, InstanceID, Name)
	MediaType  string
	SHA256     string // hex
	Size       int64
	Content    []byte // nil in listings
	CreatedAt  time.Time
	CreatedBy  string
}

// Step is what one step of one instance writes.
type Step struct {
	// Instance is the new row. ExpectedVersion 0 creates it (conflict if
	// it exists); otherwise the stored version must equal ExpectedVersion
	// and Instance.Version must be ExpectedVersion+1.
	Instance        *Instance
	ExpectedVersion int64
	Events          []*Event
	// Jobs are new jobs (Status pending). A job may come leased
	// (LeaseOwner, LeaseUntil): the engine committing it runs it itself,
	// and it is acquired by nobody, nor wakes anybody, before the lease
	// ends.
	Jobs []*Job
	// DoneJobs are deleted: the job that ran, the jobs cancelled. They are
	// jobs of the same body, not necessarily of this instance (the return
	// of a call activity is a job of the child finished by the parent).
	DoneJobs          []JobLease
	Tasks             []*Task // user tasks to insert or replace, by ID
	Subscriptions     []*Subscription
	DropSubscriptions []string    // subscription ids
	Documents         []*Document // new versions; a duplicate (name, version) is a conflict
	// Number, on a step that creates its instance, takes the next number
	// of a register (the counter of NextNumber) in the step's own
	// transaction: a creation that fails, or finds its instance there
	// already, takes none, so that a register has no gaps. Once the step
	// is committed, and only then, the store has written the number,
	// formatted by FormatNumber, into Instance.BusinessKey and in place
	// of NumberPlaceholder into the Data of Number.Event.
	Number *Number
}

// Number names the register a creating step takes its number from.
type Number struct {
	Name  string // as NextNumberParams.Name
	Year  int
	Event *Event // one of the step's events, whose Data names the number as NumberPlaceholder; or nil
}

// NumberPlaceholder stands for a step's number in the Data of its
// Number.Event until the store has taken the number.
const NumberPlaceholder = "{{procedo:number}}"

// FormatNumber formats the n-th number of a year's register: 2026/000123.
func FormatNumber(year int, n int64) string {
	s := strconv.FormatInt(n, 10)
	if len(s) < 6 {
		s = "000000"[len(s):] + s
	}
	return strconv.Itoa(year) + "/" + s
}

// Numbered writes number, the one a committed step took, where
// Step.Number promises it: into Instance.BusinessKey and in place of
// NumberPlaceholder into the Data of Number.Event. Stores call it once
// the step is committed.
func (s *Step) Numbered(number string) {
	s.Instance.BusinessKey = number
	if e := s.Number.Event; e != nil {
		e.Data = ReplaceNumber(e.Data, number)
	}
}

// ReplaceNumber returns data with NumberPlaceholder replaced by number,
// a new slice (data is not changed).
func ReplaceNumber(data []byte, number string) []byte {
	return bytes.ReplaceAll(data, []byte(NumberPlaceholder), []byte(number))
}

// PutDeploymentParams are the params of Store.PutDeployment.
type PutDeploymentParams struct{ Deployment *Deployment }

// GetDeploymentParams are the params of Store.GetDeployment: by Hash, or by
// ProcessKey and Version (0: the latest).
type GetDeploymentParams struct {
	Body       string
	Hash       string
	ProcessKey string
	Version    int
}

// ListDeploymentsParams are the params of Store.ListDeployments.
type ListDeploymentsParams struct {
	Body       string
	ProcessKey string // "" for all
}

// CommitParams are the params of Store.Commit. Steps may belong to
// different bodies: each record's own Body scopes it.
type CommitParams struct{ Steps []*Step }

// GetInstanceParams are the params of Store.GetInstance.
type GetInstanceParams struct{ Body, ID string }

// ListInstancesParams are the params of Store.ListInstances.
type ListInstancesParams struct {
	Body       string
	ProcessKey string         // "" for all
	Status     InstanceStatus // "" for all
	ParentID   string         // "" for all
	AfterID    string         // keyset pagination
	Limit      int            // 0: no limit
}

// GetTaskParams are the params of Store.GetTask.
type GetTaskParams struct{ Body, ID string }

// ListTasksParams are the params of Store.ListTasks. Empty fields do not
// filter.
type ListTasksParams struct {
	Body       string
	InstanceID string
	Office     string // tasks whose CandidateOffices contain it
	Assignee   string
	Status     TaskStatus
	Limit      int
}

// ListEventsParams are the params of Store.ListEvents.
type ListEventsParams struct {
	Body       string
	InstanceID string // "" for every instance of the body
	AfterSeq   int64  // only events with Seq > AfterSeq (with InstanceID)
	Limit      int
}

// AcquireJobsParams are the params of Store.AcquireJobs.
type AcquireJobsParams struct {
	Body     string // "" for every body
	Owner    string
	Now      time.Time
	LeaseFor time.Duration
	Limit    int
}

// FailJobParams are the params of Store.FailJob.
type FailJobParams struct {
	Body    string
	ID      string
	Owner   string
	Error   string
	RetryAt time.Time // zero: no more retries, the job becomes an incident
}

// RetryJobParams are the params of Store.RetryJob.
type RetryJobParams struct {
	Body string
	ID   string
	Now  time.Time
}

// ListJobsParams are the params of Store.ListJobs.
type ListJobsParams struct {
	Body       string
	InstanceID string    // "" for all
	Status     JobStatus // "" for all
	Limit      int
}

// FindSubscriptionsParams are the params of Store.FindSubscriptions.
type FindSubscriptionsParams struct {
	Body           string
	Name           string
	CorrelationKey string
}

// PutMessageParams are the params of Store.PutMessage.
type PutMessageParams struct{ Message *Message }

// TakeMessageParams are the params of Store.TakeMessage.
type TakeMessageParams struct {
	Body           string
	Name           string
	CorrelationKey string
	Now            time.Time
}

// DeleteExpiredMessagesParams are the params of Store.DeleteExpiredMessages.
type DeleteExpiredMessagesParams struct {
	Body string
	Now  time.Time
}

// GetDocumentParams are the params of Store.GetDocument.
type GetDocumentParams struct {
	Body       string
	InstanceID string
	Name       string
	Version    int // 0: the latest
}

// ListDocumentsParams are the params of Store.ListDocuments.
type ListDocumentsParams struct{ Body, InstanceID string }

// NextNumberParams are the params of Store.NextNumber.
type NextNumberParams struct {
	Body string
	Name string // e.g. the process key, or "protocollo"
	Year int
}

// InstanceKey names an instance of a body.
type InstanceKey struct{ Body, ID string }

// GetInstancesParams are the params of BatchReader.GetInstances.
type GetInstancesParams struct{ Keys []InstanceKey }

// BatchReader is an optional interface of a Store: it reads many
// instances (of one or several bodies, each key scoped by its own body) in
// one round trip. The engine's job runner uses it, when the store offers
// it, to load the instances of a batch of jobs at once.
type BatchReader interface {
	// GetInstances returns the instances found, with their State, in no
	// particular order; missing keys are left out (no error).
	GetInstances(ctx context.Context, p *GetInstancesParams) ([]*Instance, error)
}

// InstanceAcquirer is an optional interface of a Store: AcquireJobs that
// also reads, in the same round trip, the instances of the jobs it
// leased. The engine's job runner uses it, when the store offers it,
// instead of AcquireJobs followed by BatchReader.GetInstances: one round
// trip (on PostgreSQL one transaction) less per batch.
type InstanceAcquirer interface {
	// AcquireJobsWithInstances is AcquireJobs; it also returns, once each
	// and in no particular order, the instances of the leased jobs that
	// exist, with their State.
	AcquireJobsWithInstances(ctx context.Context, p *AcquireJobsParams) ([]*Job, []*Instance, error)
}

// OwnedCommitter is an optional interface of a Store that can keep the
// records of a commit instead of copying them: the in-memory store, for
// which the copies were a quarter of the cost of a step. The engine uses
// it, when the store offers it, for the steps it builds and never reads
// or changes afterwards.
type OwnedCommitter interface {
	// CommitOwned is Commit for a caller that hands the records over: it
	// must not change them, nor what they point to (State, Data,
	// Payload, Content, slices), after the call, whatever its result.
	// The Instance struct itself stays the caller's.
	CommitOwned(ctx context.Context, p *CommitParams) error
}

// ReleaseJobsParams are the params of JobReleaser.ReleaseJobs.
type ReleaseJobsParams struct {
	Body  string   // "" for every body (the job runner of the deployment)
	Owner string   // the lease owner; jobs leased by another owner are left alone
	IDs   []string // the jobs to release
	Now   time.Time
}

// JobReleaser is an optional interface of a Store: it gives back jobs a
// runner leased but will not run (it is shutting down), so that another
// runner takes them at once instead of waiting out the lease.
type JobReleaser interface {
	// ReleaseJobs clears the lease of the listed pending jobs leased by
	// Owner and makes them due at Now (at the latest: a job due earlier
	// keeps its DueAt); Attempts is unchanged, since the job did not run.
	// Jobs not found, or leased by someone else, are skipped. It returns
	// how many it released and wakes the runners (NOTIFY on PostgreSQL).
	ReleaseJobs(ctx context.Context, p *ReleaseJobsParams) (int, error)
}

// WakeHorizon is the longest a job runner sleeps without asking
// NextJobDue. A commit wakes the runners only for the jobs it creates due
// within WakeHorizon (a service task, a retry): a timer due in thirty
// days is found by the runners' next NextJobDue, without a wake-up (on
// PostgreSQL a NOTIFY) per case and a poll by every runner after it.
const WakeHorizon = time.Second

// WakesRunners reports whether committing j must wake the job runners:
// it is due within WakeHorizon of its creation (or has no creation time).
func WakesRunners(j *Job) bool {
	if j.LeaseOwner != "" {
		return false // the engine that committed it runs it
	}
	return j.CreatedAt.IsZero() || j.DueAt.Sub(j.CreatedAt) < WakeHorizon
}
