package codegen

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/procedo/procedo/codegen/celrt"
	"github.com/procedo/procedo/designer/model"
	"github.com/procedo/procedo/forms"
	"github.com/procedo/procedo/runtime"
)

// Load turns the bundle at path into runtime definitions without compiling
// Go, one per executable process: variables are JSON validated by the
// forms package, expressions are evaluated by cel-go with a cost limit
// (package codegen/celrt). The designer simulates with it; deploying a
// procedure that needs no custom Go code uses it too, and so does the
// server when a binary no longer carries the generated code of a version
// that still has running instances (runtime.Resolver).
//
// A model with errors returns a *DiagnosticsError (errors.Is
// ErrDiagnostics).
func Load(path string) ([]*runtime.Definition, error) {
	b, err := Open(path)
	if err != nil {
		return nil, err
	}
	return b.Definitions()
}

// Definitions builds the in-memory definitions of the bundle's processes.
func (b *Bundle) Definitions() ([]*runtime.Definition, error) {
	var defs []*runtime.Definition
	for _, p := range b.Processes {
		d, err := p.Definition()
		if err != nil {
			return nil, err
		}
		defs = append(defs, d)
	}
	return defs, nil
}

// FormValidator adapts compiled forms to the runtime: the same adapter
// generated code declares. A user task with a checklist (procedo:checklist)
// takes one payload holding the fields of both forms: each top-level field
// is validated by the form that declares it (Keys), and a field no form
// declares is an error.
type FormValidator struct {
	Forms []*forms.Form
	Keys  [][]string
}

// Validate implements runtime.FormValidator.
func (f FormValidator) Validate(payload json.RawMessage) []runtime.FieldError {
	if len(f.Forms) == 1 {
		return fieldErrors(f.Forms[0].ValidateJSON(payload))
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(payload, &obj); err != nil {
		return []runtime.FieldError{{Message: err.Error()}}
	}
	var out []runtime.FieldError
	claimed := map[string]bool{}
	for i, form := range f.Forms {
		part := map[string]json.RawMessage{}
		for _, k := range f.Keys[i] {
			claimed[k] = true
			if raw, ok := obj[k]; ok {
				part[k] = raw
			}
		}
		data, err := json.Marshal(part)
		if err != nil {
			return []runtime.FieldError{{Message: err.Error()}}
		}
		out = append(out, fieldErrors(form.ValidateJSON(data))...)
	}
	var extra []string
	for k := range obj {
		if !claimed[k] {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		out = append(out, runtime.FieldError{Message: forms.Text(f.Forms[0].Lang(), "additionalProperties", f.Forms[0].Title(), strings.Join(extra, ", "))})
	}
	return out
}

func fieldErrors(errs []forms.FieldError, err error) []runtime.FieldError {
	if err != nil {
		return []runtime.FieldError{{Message: err.Error()}}
	}
	out := make([]runtime.FieldError, len(errs))
	for i, e := range errs {
		out[i] = runtime.FieldError{Pointer: e.Pointer, Message: e.Message}
	}
	return out
}

// declaredCodec holds the variables of an in-memory instance: a JSON
// object whose numbers stay json.Number (an integer beyond 2^53 keeps its
// value, as an int64 field of generated code does), restricted to the
// declared variables as the Variables struct of generated code is (a
// service that returns an undeclared field changes nothing on either
// path). Handlers of in-memory definitions therefore read numbers as
// json.Number.
type declaredCodec struct {
	types map[string]*celrt.Type // the declared variables
}

func (c declaredCodec) Decode(data []byte) (runtime.Vars, error) {
	m := runtime.JSON{}
	if len(data) > 0 {
		d, err := celrt.DecodeObject(data)
		if err != nil {
			return nil, fmt.Errorf("decoding variables: %w", err)
		}
		if d != nil {
			m = d
		}
	}
	c.filter(m)
	return &m, nil
}

func (c declaredCodec) Encode(v runtime.Vars) ([]byte, error) { return json.Marshal(v) }

func (c declaredCodec) Merge(v runtime.Vars, patch json.RawMessage) error {
	if len(patch) == 0 {
		return nil
	}
	m, ok := v.(*runtime.JSON)
	if !ok {
		return fmt.Errorf("variables are %T, want *runtime.JSON", v)
	}
	p, err := celrt.DecodeObject(patch)
	if err != nil {
		return err
	}
	if *m == nil {
		*m = runtime.JSON{}
	}
	for k, x := range p {
		(*m)[k] = x
	}
	c.filter(*m)
	return nil
}

func (c declaredCodec) filter(m runtime.JSON) {
	for k, x := range m {
		t, declared := c.types[k]
		if !declared || x == nil {
			// null is absent: a nil pointer in a Variables struct.
			delete(m, k)
			continue
		}
		m[k] = celrt.Canonical(x, t)
	}
}

// setJSON stores x into variable name of v (a *runtime.JSON) by a JSON
// round trip, as generated code does into its Variables struct.
func (p *Process) setJSON(v *runtime.JSON, name string, x any) error {
	data, err := json.Marshal(map[string]any{name: x})
	if err != nil {
		return fmt.Errorf("variable %s: %w", name, err)
	}
	out, err := celrt.DecodeObject(data)
	if err != nil {
		return fmt.Errorf("variable %s: %w", name, err)
	}
	t, declared := p.celVars[name]
	if out[name] == nil || !declared {
		delete(*v, name)
		return nil
	}
	(*v)[name] = celrt.Canonical(out[name], t)
	return nil
}

func (p *Process) prg(e *model.Expr) *celrt.Program {
	if x := p.byExpr[e]; x != nil {
		prg, _ := x.program() // compiled without error by Definition
		return prg
	}
	return nil
}

// Definition builds the in-memory definition of the process.
func (p *Process) Definition() (*runtime.Definition, error) {
	type V = runtime.JSON
	m := p.Model
	for _, x := range append(append([]*expr{}, p.exprs...), p.outputs...) {
		if _, err := x.program(); err != nil {
			return nil, fmt.Errorf("%s of %s: %w", x.m.Field, x.m.ElementID, err)
		}
	}
	b := runtime.NewBuilder[V](m.ID, m.Name).Hash(p.Hash)
	if m.LegalTerm != nil {
		b.Term(m.LegalTerm.String())
	}
	compiled := map[string]*forms.Form{}
	for _, f := range p.forms {
		var ui forms.Source
		if f.UI != nil {
			ui = forms.Source{Name: f.UIPath, Data: f.UI}
		}
		cf, err := forms.Compile(forms.Source{Name: f.SchemaPath, Data: f.Schema}, ui, forms.Options{})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.SchemaPath, err)
		}
		compiled[f.Name] = cf
	}
	validator := func(names []string) runtime.FormValidator {
		v := FormValidator{}
		for _, n := range names {
			v.Forms = append(v.Forms, compiled[n])
			v.Keys = append(v.Keys, p.formKeys(n))
		}
		return v
	}
	key := func(e *model.Expr) func(v *V) (string, error) {
		prg := p.prg(e)
		if prg == nil {
			return nil
		}
		return func(v *V) (string, error) { return celrt.AsKey(prg.Eval(*v)) }
	}
	for _, s := range steps(m) {
		n := s.n
		var r *runtime.NodeRef[V]
		switch s.kind {
		case sStart:
			r = b.StartEvent(n.ID)
		case sTimerStart:
			r = b.TimerStartEvent(n.ID, s.timer)
		case sMessageStart:
			r = b.MessageStartEvent(n.ID, s.message)
		case sEnd:
			r = b.EndEvent(n.ID)
		case sTerminateEnd:
			r = b.TerminateEndEvent(n.ID)
		case sErrorEnd:
			r = b.ErrorEndEvent(n.ID, s.code)
		case sUserTask:
			r = b.UserTask(n.ID)
		case sServiceTask:
			r = b.ServiceTask(n.ID, s.typ)
		case sSendTask:
			r = b.SendTask(n.ID, s.typ)
		case sReceiveTask:
			r = b.ReceiveTask(n.ID, s.message, key(n.CorrelationKey))
		case sScriptTask:
			prg, result := p.prg(n.Script), n.ResultVariable
			r = b.ScriptTask(n.ID, func(v *V) error {
				if prg == nil {
					return nil
				}
				x, err := prg.Eval(*v)
				if err != nil || result == "" {
					return err
				}
				return p.setJSON(v, result, x)
			})
		case sExclusive:
			r = b.ExclusiveGateway(n.ID)
		case sParallel:
			r = b.ParallelGateway(n.ID)
		case sInclusive:
			r = b.InclusiveGateway(n.ID)
		case sEventBased:
			r = b.EventBasedGateway(n.ID)
		case sTimerCatch:
			r = b.TimerCatchEvent(n.ID, s.timer)
		case sMessageCatch:
			r = b.MessageCatchEvent(n.ID, s.message, key(n.CorrelationKey))
		case sThrow:
			r = b.ThrowEvent(n.ID)
		case sBoundaryTimer:
			r = b.BoundaryTimer(n.ID, s.attachedTo, s.timer, s.interrupting)
		case sBoundaryMessage:
			r = b.BoundaryMessage(n.ID, s.attachedTo, s.message, key(n.CorrelationKey), s.interrupting)
		case sBoundaryError:
			r = b.BoundaryError(n.ID, s.attachedTo, s.code)
		case sSubProcess:
			r = b.SubProcess(n.ID)
		case sCallActivity:
			r = b.CallActivity(n.ID, s.called)
			if n.Call != nil && len(n.Call.Inputs) > 0 {
				ins := n.Call.Inputs
				r.CallIn(func(v *V) (json.RawMessage, error) {
					out := map[string]any{}
					for _, in := range ins {
						x, err := p.prg(in.Source).Eval(*v)
						if err != nil {
							return nil, err
						}
						out[in.Target] = x
					}
					return json.Marshal(out)
				})
			}
			if n.Call != nil && len(n.Call.Outputs) > 0 {
				outs := n.Call.Outputs
				r.CallOut(func(v *V, child json.RawMessage) error {
					cv, err := celrt.DecodeObject(child)
					if err != nil {
						return err
					}
					for _, o := range outs {
						x, err := p.prg(o.Source).Eval(cv)
						if err != nil {
							return err
						}
						if err := p.setJSON(v, o.Target, x); err != nil {
							return err
						}
					}
					return nil
				})
			}
		}
		p.common(r, s, validator)
		if n.Assignee != nil {
			prg := p.prg(n.Assignee)
			r.Assignee(func(v *V) (string, error) { return celrt.AsString(prg.Eval(*v)) })
		}
		if l := n.Loop; l != nil {
			var count func(v *V) (int, error)
			switch {
			case l.Collection != nil:
				prg := p.prg(l.Collection)
				count = func(v *V) (int, error) { return celrt.AsSize(prg.Eval(*v)) }
			case l.Cardinality != nil:
				prg := p.prg(l.Cardinality)
				count = func(v *V) (int, error) {
					n, err := celrt.AsInt(prg.Eval(*v))
					return int(n), err
				}
			}
			var completion func(v *V, s runtime.MIStatus) (bool, error)
			if l.Completion != nil {
				prg := p.prg(l.Completion)
				completion = func(v *V, s runtime.MIStatus) (bool, error) {
					return celrt.AsBool(prg.Eval(celrt.WithCounters(*v, s.NrOfInstances, s.NrOfActiveInstances, s.NrOfCompletedInstances)))
				}
			}
			r.MultiInstance(l.Sequential, count, completion)
		}
	}
	for _, f := range m.Flows {
		if f.Source == nil || f.Target == nil {
			continue
		}
		if f.Condition == nil || f.IsDefault || p.prg(f.Condition) == nil {
			b.Flow(f.ID, f.Source.ID, f.Target.ID)
			continue
		}
		prg := p.prg(f.Condition)
		b.FlowIf(f.ID, f.Source.ID, f.Target.ID, f.Condition.Text, func(v *V) (bool, error) { return celrt.AsBool(prg.Eval(*v)) })
	}
	def, err := b.Build()
	if err != nil {
		return nil, err
	}
	def.Codec = declaredCodec{types: p.celVars}
	return def, nil
}

// common sets what every kind of node may carry, in the order generated
// code sets it.
func (p *Process) common(r *runtime.NodeRef[runtime.JSON], s *step, validator func([]string) runtime.FormValidator) {
	n := s.n
	if n.Name != "" {
		r.Named(n.Name)
	}
	if n.Parent != nil {
		r.In(n.Parent.ID)
	}
	if n.Default != nil {
		r.Default(n.Default.ID)
	}
	if key, names := formsOf(s); key != "" {
		r.Form(key, validator(names))
	}
	if len(n.Offices) > 0 {
		r.Offices(n.Offices...)
	}
	if n.SLA != nil {
		r.SLA(n.SLA.String())
	}
	if n.SuspendsTerm {
		r.Suspends()
	}
}

// formsOf returns the form key of a start event or user task and the forms
// its payload is validated by: the form, then the checklist of a user task.
func formsOf(s *step) (string, []string) {
	n := s.n
	var names []string
	switch s.kind {
	case sStart, sMessageStart, sTimerStart:
		if n.Form != "" {
			names = append(names, n.Form)
		}
	case sUserTask:
		if n.Form != "" {
			names = append(names, n.Form)
		}
		if n.Checklist != "" && n.Checklist != n.Form {
			names = append(names, n.Checklist)
		}
	}
	if len(names) == 0 {
		return "", nil
	}
	return names[0], names
}

// formKeys returns the top-level properties form declares.
func (p *Process) formKeys(name string) []string {
	for _, f := range p.b.Model.Forms {
		if f.Name == name {
			var keys []string
			for _, pr := range f.Properties {
				keys = append(keys, pr.Name)
			}
			return keys
		}
	}
	return nil
}

// sortedKeys returns the keys of m in order.
func sortedKeys[T any](m map[string]T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
