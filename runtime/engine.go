package runtime

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/procedo/procedo/runtime/store"
)

// Clock gives the engine its time; tests inject a fake one.
type Clock interface{ Now() time.Time }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// SystemClock is the wall clock.
var SystemClock Clock = systemClock{}

// Resolver rebuilds the definition of a deployment whose code this binary
// does not carry, from the stored bundle (the server wires codegen.Load).
type Resolver func(ctx context.Context, d *store.Deployment) (*Definition, error)

// Options configure an Engine. The zero value of every field but Store
// means a default.
type Options struct {
	Store    store.Store
	Clock    Clock        // default: SystemClock
	Logger   *slog.Logger // default: slog.Default()
	Handlers map[string]Handler
	Resolver Resolver
	// Owner names this engine in job leases (default: a random id).
	Owner string
	// LeaseFor is how long an acquired job is reserved (default 1 min):
	// after that another engine takes it over.
	LeaseFor time.Duration
	// MaxAttempts of a job before it becomes an incident (default 5).
	MaxAttempts int
	// Backoff is the wait after the first failure, doubled at each further
	// one (default 1 s), capped at MaxBackoff (default 1 h).
	Backoff, MaxBackoff time.Duration
	// BatchSize is how many jobs a runner acquires and commits at once
	// (default 64).
	BatchSize int
	// Workers run the job handlers of one batch concurrently (default 4).
	Workers int
	// Runners is how many batches one RunJobs call keeps in flight
	// (default 4): while one batch waits for its commit another is
	// acquired and run, and the stores' group commit writes their steps
	// in one transaction, so an fsync (SQLite) or a round trip
	// (PostgreSQL) serves several batches. Up to Runners × Workers
	// handlers run at once.
	Runners int
	// Calendar of legal terms (default Europe/Rome, national holidays).
	Calendar *Calendar
	// Observer, when set, is told about every committed step (metrics).
	Observer Observer
}

// Engine executes process instances stored in a store.Store. It holds no
// instance in memory between steps: every operation loads what it needs
// and commits one step, so any number of engines may share a store.
type Engine struct {
	st   store.Store
	opts Options
	log  *slog.Logger
	cal  *Calendar

	mu          sync.RWMutex
	defs        map[string]*Definition // by hash
	latestCache map[[2]string]latestEntry
	// more wakes idle loops of RunJobs when one of them acquired a full
	// batch.
	more chan struct{}

	// The last answer of the store's NextJobDue, shared by the loops of
	// RunJobs (see nextJobDue): when it was asked (wall clock) and what
	// it said.
	dueMu    sync.Mutex
	dueAsked time.Time
	dueNext  time.Time

	parkMu sync.Mutex
	parked map[store.InstanceKey]parkedRun

	push *pusher // the service jobs this engine runs without acquiring them (push.go)
}

// parkedRun is the decoded state of an instance as a step of this engine
// committed it, kept until the step of the service job that step created
// loads the instance: that step then skips decoding the state and the
// variables. (Body, ID, Version) names one content for ever (a version is
// written once, under optimistic locking), so a parked state is used only
// when the stored version is still the parked one.
type parkedRun struct {
	version int64
	hash    string
	st      *instanceState
	vars    Vars // nil: decode them from st.Vars
}

// maxParked bounds the parked states: jobs taken over by another engine
// leave theirs behind until the map is cleared.
const maxParked = 4096

// park keeps the state of a committed run whose step created a service
// job due at once. The run must not be used after.
func (e *Engine) park(r *run) {
	due := false
	for _, j := range r.step.Jobs {
		if j.Kind == jobService && !j.DueAt.After(r.now) {
			due = true
			break
		}
	}
	if !due || !r.active() {
		return
	}
	e.parkMu.Lock()
	if e.parked == nil || len(e.parked) >= maxParked {
		e.parked = make(map[store.InstanceKey]parkedRun, 256)
	}
	p := parkedRun{version: r.in.Version, hash: r.def.Hash, st: r.st, vars: r.vars}
	if r.shared {
		p.vars = nil // a handler saw them and may hold on to them: decode afresh
	}
	e.parked[store.InstanceKey{Body: r.in.Body, ID: r.in.ID}] = p
	e.parkMu.Unlock()
}

// unpark takes the parked state of in, if it is the state in holds.
func (e *Engine) unpark(in *store.Instance) (parkedRun, bool) {
	e.parkMu.Lock()
	defer e.parkMu.Unlock()
	k := store.InstanceKey{Body: in.Body, ID: in.ID}
	p, ok := e.parked[k]
	if !ok {
		return p, false
	}
	delete(e.parked, k)
	return p, p.version == in.Version && p.hash == in.DefinitionHash
}

// latestEntry caches the latest version of a process of a body, so that
// starting an instance costs one round trip (the commit), not two.
type latestEntry struct {
	def *Definition
	at  time.Time // wall clock
}

// latestTTL bounds how long another node's deployment may go unseen.
const latestTTL = time.Second

// New returns an engine on opts.Store.
func New(opts Options) (*Engine, error) {
	if opts.Store == nil {
		return nil, errors.New("runtime.New: Options.Store is nil")
	}
	if opts.Clock == nil {
		opts.Clock = SystemClock
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Owner == "" {
		opts.Owner = "engine-" + newID()[:12]
	}
	if opts.LeaseFor <= 0 {
		opts.LeaseFor = time.Minute
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 5
	}
	if opts.Backoff <= 0 {
		opts.Backoff = time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = time.Hour
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 64
	}
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	if opts.Runners <= 0 {
		opts.Runners = 4
	}
	if opts.Calendar == nil {
		opts.Calendar = &Calendar{Location: loadRome()}
	}
	handlers := make(map[string]Handler, len(opts.Handlers))
	for k, h := range opts.Handlers {
		handlers[k] = h
	}
	opts.Handlers = handlers // SetHandler must not write into the caller's map
	return &Engine{st: opts.Store, opts: opts, log: opts.Logger, cal: opts.Calendar, defs: map[string]*Definition{},
		latestCache: map[[2]string]latestEntry{}, more: make(chan struct{}, opts.Runners), push: newPusher(opts.BatchSize * opts.Runners)}, nil
}

// Store returns the engine's store.
func (e *Engine) Store() store.Store { return e.st }

// Now returns the engine clock's time.
func (e *Engine) Now() time.Time { return e.opts.Clock.Now() }

// Register makes definitions carried by this binary (generated code)
// available by hash, without deploying them.
func (e *Engine) Register(defs ...*Definition) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, d := range defs {
		e.defs[d.Hash] = d
	}
}

// SetHandler binds a service type to a handler. Call it before Start.
func (e *Engine) SetHandler(typ string, h Handler) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.opts.Handlers[typ] = h
}

func (e *Engine) handler(typ string) Handler {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.opts.Handlers[typ]
}

// DeployParams are the params of Deploy.
type DeployParams struct {
	Body       string
	Definition *Definition
	Bundle     []byte // the model folder it was built from, kept to rebuild it later
	Actor      string
}

// UnsupportedError reports an element the engine cannot execute, found at
// deploy.
type UnsupportedError struct {
	Process, Element, Reason string
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("process %s: element %s cannot be executed: %s", e.Process, e.Element, e.Reason)
}

// Deploy checks that the engine can execute def — every service type has
// a handler — and stores it as a new version of its process in the body
// (or returns the existing one for the same hash).
func (e *Engine) Deploy(ctx context.Context, p *DeployParams) (*store.Deployment, error) {
	d := p.Definition
	if d == nil {
		return nil, errors.New("deploy: no definition")
	}
	var errs []error
	for _, n := range d.Nodes() {
		switch {
		case (n.Kind == ServiceTask || n.Kind == SendTask || n.Kind == IntermediateThrowEvent && n.Type != "") && e.handler(n.Type) == nil:
			errs = append(errs, &UnsupportedError{d.Key, n.ID, fmt.Sprintf("no handler is registered for service type %q", n.Type)})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	e.Register(d)
	dep, err := e.st.PutDeployment(ctx, &store.PutDeploymentParams{Deployment: &store.Deployment{
		Body: p.Body, ProcessKey: d.Key, Hash: d.Hash, Bundle: p.Bundle, DeployedAt: e.Now().UTC(), DeployedBy: p.Actor,
	}})
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	delete(e.latestCache, [2]string{p.Body, d.Key}) // this engine sees its own deployment at once
	e.mu.Unlock()
	if err := e.scheduleTimerStarts(ctx, p.Body, d, dep); err != nil {
		return dep, fmt.Errorf("deployed %s v%d, but its timer start events: %w", d.Key, dep.Version, err)
	}
	return dep, nil
}

// definition returns the definition of hash, from the registry or through
// the resolver.
func (e *Engine) definition(ctx context.Context, body, hash string) (*Definition, error) {
	e.mu.RLock()
	d := e.defs[hash]
	e.mu.RUnlock()
	if d != nil {
		return d, nil
	}
	dep, err := e.st.GetDeployment(ctx, &store.GetDeploymentParams{Body: body, Hash: hash})
	if err != nil {
		return nil, fmt.Errorf("definition %s: %w", hash, err)
	}
	if e.opts.Resolver == nil {
		return nil, fmt.Errorf("definition %s of process %s v%d is not carried by this binary and no resolver is configured", hash, dep.ProcessKey, dep.Version)
	}
	d, err = e.opts.Resolver(ctx, dep)
	if err != nil {
		return nil, fmt.Errorf("resolving %s v%d from its bundle: %w", dep.ProcessKey, dep.Version, err)
	}
	e.Register(d)
	return d, nil
}

// latest returns the latest deployed definition of a process in a body. A
// version deployed through another engine is seen within latestTTL.
func (e *Engine) latest(ctx context.Context, body, key string) (*Definition, error) {
	k := [2]string{body, key}
	e.mu.RLock()
	c, ok := e.latestCache[k]
	e.mu.RUnlock()
	if ok && time.Since(c.at) < latestTTL {
		return c.def, nil
	}
	dep, err := e.st.GetDeployment(ctx, &store.GetDeploymentParams{Body: body, ProcessKey: key})
	if err != nil {
		return nil, fmt.Errorf("process %s: %w", key, err)
	}
	d, err := e.definition(ctx, body, dep.Hash)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	e.latestCache[k] = latestEntry{def: d, at: time.Now()}
	e.mu.Unlock()
	return d, nil
}

// newID returns a 32-hex-digit id that sorts by creation time (48 bits of
// milliseconds, then randomness), like a UUIDv7.
func newID() string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(time.Now().UnixMilli())<<16)
	_, _ = rand.Read(b[6:])
	return hex.EncodeToString(b[:])
}

// ValidationError reports a form payload that does not fit its form: one
// FieldError per problem. Nothing was changed.
type ValidationError struct {
	Element string
	Form    string
	Fields  []FieldError
}

func (e *ValidationError) Error() string {
	msg := fmt.Sprintf("form %s of %s: %d invalid fields", e.Form, e.Element, len(e.Fields))
	for _, f := range e.Fields {
		msg += fmt.Sprintf("; %s: %s", f.Pointer, f.Message)
	}
	return msg
}

// Engine errors.
var (
	ErrTaskNotOpen   = errors.New("the task is not open")
	ErrTaskAssigned  = errors.New("the task is assigned to someone else")
	ErrNotActive     = errors.New("the instance is not active")
	ErrNoSuchElement = errors.New("no such element")
)

// retry runs a load-modify-commit function until it does not conflict.
func retry(ctx context.Context, f func() error) error {
	var err error
	for attempt := 0; attempt < 20; attempt++ {
		err = f()
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return err
}
