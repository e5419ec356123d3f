package runtime

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
)

// JSON is the variables type of definitions built without generated code
// (codegen.Load): a JSON object.
type JSON = map[string]any

// jsonCodec encodes variables of type V as JSON. Decode returns a *V.
type jsonCodec[V any] struct{}

func (jsonCodec[V]) Decode(data []byte) (Vars, error) {
	v := new(V)
	if len(data) > 0 {
		if err := json.Unmarshal(data, v); err != nil {
			return nil, fmt.Errorf("decoding variables: %w", err)
		}
	}
	// Functions of a JSON definition write into the map: never hand them
	// a nil one.
	if rv := reflect.ValueOf(v).Elem(); rv.Kind() == reflect.Map && rv.IsNil() {
		rv.Set(reflect.MakeMap(rv.Type()))
	}
	return v, nil
}

func (jsonCodec[V]) Encode(v Vars) ([]byte, error) { return json.Marshal(v) }

func (jsonCodec[V]) Merge(v Vars, patch json.RawMessage) error {
	if len(patch) == 0 {
		return nil
	}
	p, ok := v.(*V)
	if !ok {
		return fmt.Errorf("variables are %T, want %T", v, p)
	}
	return json.Unmarshal(patch, p)
}

// Builder assembles a Definition whose variables have type V: generated
// code passes its Variables struct, the in-memory path JSON. Functions of
// the definition receive a *V. Errors are collected and returned by Build
// with the element id.
type Builder[V any] struct {
	key, name, hash, term string
	nodes                 []*Node
	flows                 []*Flow
	codec                 Codec
}

// Codec replaces the JSON codec of the variables, e.g. with one generated
// alongside the Variables struct that needs no reflection. Its Decode
// must return a *V.
func (b *Builder[V]) Codec(c Codec) *Builder[V] { b.codec = c; return b }

// NewBuilder starts the definition of process key (the BPMN process id).
func NewBuilder[V any](key, name string) *Builder[V] {
	return &Builder[V]{key: key, name: name}
}

// Hash sets the content hash of the bundle the definition comes from;
// without it Build hashes the structure.
func (b *Builder[V]) Hash(h string) *Builder[V] { b.hash = h; return b }

// Term sets the legal term of the procedure (ISO 8601 duration, "P30D").
func (b *Builder[V]) Term(iso string) *Builder[V] { b.term = iso; return b }

// Build validates and returns the definition.
func (b *Builder[V]) Build() (*Definition, error) {
	codec := b.codec
	if codec == nil {
		codec = jsonCodec[V]{}
	}
	return NewDefinition(b.key, b.name, b.hash, b.term, codec, b.nodes, b.flows)
}

// Node adds a node as is and returns it for further settings.
func (b *Builder[V]) Node(n *Node) *NodeRef[V] {
	b.nodes = append(b.nodes, n)
	return &NodeRef[V]{n: n}
}

func (b *Builder[V]) add(id string, k Kind) *NodeRef[V] { return b.Node(&Node{ID: id, Kind: k}) }

// StartEvent adds a none start event.
func (b *Builder[V]) StartEvent(id string) *NodeRef[V] { return b.add(id, StartEvent) }

// TimerStartEvent adds a timer start event: the engine starts an instance
// when it fires (see Engine.Deploy).
func (b *Builder[V]) TimerStartEvent(id string, t TimerSpec) *NodeRef[V] {
	r := b.add(id, StartEvent)
	r.n.Timer = &t
	return r
}

// MessageStartEvent adds a message start event: a correlated message with
// that name starts an instance when no instance waits for it.
func (b *Builder[V]) MessageStartEvent(id, name string) *NodeRef[V] {
	r := b.add(id, StartEvent)
	r.n.Message = &MessageSpec{Name: name}
	return r
}

// EndEvent adds a none end event.
func (b *Builder[V]) EndEvent(id string) *NodeRef[V] { return b.add(id, EndEvent) }

// TerminateEndEvent adds a terminate end event.
func (b *Builder[V]) TerminateEndEvent(id string) *NodeRef[V] {
	r := b.add(id, EndEvent)
	r.n.Terminate = true
	return r
}

// ErrorEndEvent adds an error end event throwing code.
func (b *Builder[V]) ErrorEndEvent(id, code string) *NodeRef[V] {
	r := b.add(id, EndEvent)
	r.n.IsError, r.n.ErrorCode = true, code
	return r
}

// UserTask adds a user task.
func (b *Builder[V]) UserTask(id string) *NodeRef[V] { return b.add(id, UserTask) }

// ServiceTask adds a service task bound to the handler registered for typ.
func (b *Builder[V]) ServiceTask(id, typ string) *NodeRef[V] {
	r := b.add(id, ServiceTask)
	r.n.Type = typ
	return r
}

// SendTask adds a send task run by the handler registered for typ.
func (b *Builder[V]) SendTask(id, typ string) *NodeRef[V] {
	r := b.add(id, SendTask)
	r.n.Type = typ
	return r
}

// ScriptTask adds a script task; script runs inside the step.
func (b *Builder[V]) ScriptTask(id string, script func(v *V) error) *NodeRef[V] {
	r := b.add(id, ScriptTask)
	r.n.Script = func(v Vars) error { return script(v.(*V)) }
	return r
}

// ReceiveTask adds a receive task waiting for message name with the key
// computed by key (nil: empty key).
func (b *Builder[V]) ReceiveTask(id, name string, key func(v *V) (string, error)) *NodeRef[V] {
	r := b.add(id, ReceiveTask)
	r.n.Message = messageSpec(name, key)
	return r
}

// TimerCatchEvent adds an intermediate timer catch event.
func (b *Builder[V]) TimerCatchEvent(id string, t TimerSpec) *NodeRef[V] {
	r := b.add(id, IntermediateCatchEvent)
	r.n.Timer = &t
	return r
}

// MessageCatchEvent adds an intermediate message catch event.
func (b *Builder[V]) MessageCatchEvent(id, name string, key func(v *V) (string, error)) *NodeRef[V] {
	r := b.add(id, IntermediateCatchEvent)
	r.n.Message = messageSpec(name, key)
	return r
}

// ThrowEvent adds a none intermediate throw event (a milestone).
func (b *Builder[V]) ThrowEvent(id string) *NodeRef[V] { return b.add(id, IntermediateThrowEvent) }

// ExclusiveGateway adds an exclusive (XOR) gateway.
func (b *Builder[V]) ExclusiveGateway(id string) *NodeRef[V] { return b.add(id, ExclusiveGateway) }

// ParallelGateway adds a parallel (AND) gateway.
func (b *Builder[V]) ParallelGateway(id string) *NodeRef[V] { return b.add(id, ParallelGateway) }

// InclusiveGateway adds an inclusive (OR) gateway.
func (b *Builder[V]) InclusiveGateway(id string) *NodeRef[V] { return b.add(id, InclusiveGateway) }

// EventBasedGateway adds an event-based gateway.
func (b *Builder[V]) EventBasedGateway(id string) *NodeRef[V] { return b.add(id, EventBasedGateway) }

// SubProcess adds an embedded sub-process; put nodes in it with In.
func (b *Builder[V]) SubProcess(id string) *NodeRef[V] { return b.add(id, SubProcess) }

// CallActivity adds a call activity starting the latest deployed version
// of process key in the same body.
func (b *Builder[V]) CallActivity(id, key string) *NodeRef[V] {
	r := b.add(id, CallActivity)
	r.n.Called = key
	return r
}

// BoundaryTimer attaches a timer to activity; interrupting cancels it.
func (b *Builder[V]) BoundaryTimer(id, activity string, t TimerSpec, interrupting bool) *NodeRef[V] {
	r := b.add(id, BoundaryEvent)
	r.n.AttachedTo, r.n.Timer, r.n.CancelActivity = activity, &t, interrupting
	return r
}

// BoundaryMessage attaches a message event to activity.
func (b *Builder[V]) BoundaryMessage(id, activity, name string, key func(v *V) (string, error), interrupting bool) *NodeRef[V] {
	r := b.add(id, BoundaryEvent)
	r.n.AttachedTo, r.n.Message, r.n.CancelActivity = activity, messageSpec(name, key), interrupting
	return r
}

// BoundaryError attaches an error catch to activity; code "" catches every
// error.
func (b *Builder[V]) BoundaryError(id, activity, code string) *NodeRef[V] {
	r := b.add(id, BoundaryEvent)
	r.n.AttachedTo, r.n.IsError, r.n.ErrorCode, r.n.CancelActivity = activity, true, code, true
	return r
}

// Flow adds an unconditional sequence flow.
func (b *Builder[V]) Flow(id, from, to string) *Builder[V] {
	b.flows = append(b.flows, &Flow{ID: id, From: from, To: to})
	return b
}

// FlowIf adds a conditional sequence flow; source is the condition's text
// (CEL or Go) for diagnostics.
func (b *Builder[V]) FlowIf(id, from, to, source string, cond func(v *V) (bool, error)) *Builder[V] {
	b.flows = append(b.flows, &Flow{ID: id, From: from, To: to, Source: source,
		Cond: func(v Vars) (bool, error) { return cond(v.(*V)) }})
	return b
}

func messageSpec[V any](name string, key func(v *V) (string, error)) *MessageSpec {
	m := &MessageSpec{Name: name}
	if key != nil {
		m.Key = func(v Vars) (string, error) { return key(v.(*V)) }
	}
	return m
}

// NodeRef sets the attributes of a node being built.
type NodeRef[V any] struct{ n *Node }

// Node returns the node.
func (r *NodeRef[V]) Node() *Node { return r.n }

// Named sets the name.
func (r *NodeRef[V]) Named(name string) *NodeRef[V] { r.n.Name = name; return r }

// In puts the node inside embedded sub-process id.
func (r *NodeRef[V]) In(id string) *NodeRef[V] { r.n.In = id; return r }

// Default sets the default flow of a gateway or activity.
func (r *NodeRef[V]) Default(flow string) *NodeRef[V] { r.n.Default = flow; return r }

// Form sets the form of a start event or user task and its validator.
func (r *NodeRef[V]) Form(key string, v FormValidator) *NodeRef[V] {
	r.n.Form, r.n.Validator = key, v
	return r
}

// Offices sets fixed candidate offices of a user task.
func (r *NodeRef[V]) Offices(offices ...string) *NodeRef[V] {
	r.n.CandidateOffices = func(Vars) ([]string, error) { return offices, nil }
	return r
}

// OfficesFunc computes the candidate offices of a user task.
func (r *NodeRef[V]) OfficesFunc(f func(v *V) ([]string, error)) *NodeRef[V] {
	r.n.CandidateOffices = func(v Vars) ([]string, error) { return f(v.(*V)) }
	return r
}

// OfficesPerInstance computes the candidate offices of each instance of a
// multi-instance user task from its loopCounter.
func (r *NodeRef[V]) OfficesPerInstance(f func(v *V, loop int) ([]string, error)) *NodeRef[V] {
	r.n.InstanceOffices = func(v Vars, loop int) ([]string, error) { return f(v.(*V), loop) }
	return r
}

// Assignee computes the assignee of a user task ("" for none).
func (r *NodeRef[V]) Assignee(f func(v *V) (string, error)) *NodeRef[V] {
	r.n.Assignee = func(v Vars) (string, error) { return f(v.(*V)) }
	return r
}

// SLA sets the due time of a user task (ISO 8601 duration from creation).
func (r *NodeRef[V]) SLA(iso string) *NodeRef[V] { r.n.SLA = iso; return r }

// Suspends marks the node as stopping the legal term while a token waits
// there (request for integration).
func (r *NodeRef[V]) Suspends() *NodeRef[V] { r.n.Suspends = true; return r }

// MultiInstance makes the activity run count(v) times, in parallel or in
// sequence; completion (optional) may end it early.
func (r *NodeRef[V]) MultiInstance(sequential bool, count func(v *V) (int, error), completion func(v *V, s MIStatus) (bool, error)) *NodeRef[V] {
	mi := &MultiInstance{Sequential: sequential, Count: func(v Vars) (int, error) { return count(v.(*V)) }}
	if completion != nil {
		mi.Completion = func(v Vars, s MIStatus) (bool, error) { return completion(v.(*V), s) }
	}
	r.n.MI = mi
	return r
}

// CallIn maps the variables of the parent to those of the called process.
func (r *NodeRef[V]) CallIn(f func(v *V) (json.RawMessage, error)) *NodeRef[V] {
	r.n.CallIn = func(v Vars) (json.RawMessage, error) { return f(v.(*V)) }
	return r
}

// CallOut merges the variables of the finished called process into the
// parent's.
func (r *NodeRef[V]) CallOut(f func(v *V, child json.RawMessage) error) *NodeRef[V] {
	r.n.CallOut = func(v Vars, child json.RawMessage) error { return f(v.(*V), child) }
	return r
}

// ServiceCall is what a service handler receives.
type ServiceCall struct {
	Body        string
	InstanceID  string
	BusinessKey string
	ProcessKey  string
	ElementID   string
	Type        string
	// IdempotencyKey is the same for every attempt of this job, also after
	// a crash and a takeover by another node: pass it to the remote
	// service so that a repeated call has no repeated effect.
	IdempotencyKey string
	Attempt        int // 1 for the first attempt
	LoopCounter    int // index of the multi-instance instance, 0 otherwise
	// Vars are the instance variables (a *V). Changes the handler makes
	// are merged into the instance when the job completes.
	Vars Vars
}

// Handler runs a service or send task. Returning a *BPMNError throws a
// BPMN error caught by an error boundary event; any other error is
// retried with backoff and becomes an incident after the last attempt.
type Handler func(ctx context.Context, call *ServiceCall) error

// Service adapts a typed function into a Handler.
func Service[V any](f func(ctx context.Context, call *ServiceCall, v *V) error) Handler {
	return func(ctx context.Context, call *ServiceCall) error {
		v, ok := call.Vars.(*V)
		if !ok {
			return fmt.Errorf("service %s: variables are %T, want *%T", call.Type, call.Vars, *new(V))
		}
		return f(ctx, call, v)
	}
}

// BPMNError is a business error (BPMN §10.5.5 errorEventDefinition).
type BPMNError struct {
	Code    string
	Message string
}

func (e *BPMNError) Error() string { return "BPMN error " + e.Code + ": " + e.Message }
