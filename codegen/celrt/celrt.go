// Package celrt evaluates CEL expressions over case variables held as JSON,
// with cel-go and a cost limit. It is the evaluator of the in-memory path
// (codegen.Load) and of the expressions that generated code cannot
// translate into Go (its cel-go fallbacks), so that both paths give the
// same values for the same JSON.
//
// Variables are declared dyn: their static types were checked at
// generation or load time (codegen/celgo), and at run time the values carry
// their CEL types. JSON does not: a JSON number is a float64, a date a
// string. Type describes each variable so that Convert gives every value
// the type the checker assumed: integer properties become int64, numbers
// float64, "date" and "date-time" strings timestamps (a date is midnight
// UTC, as in codegen/celgo).
//
// Generated code imports this package only when a process has fallbacks or
// call-activity mappings; it depends on cel-go and the standard library.
package celrt

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
)

// CostLimit bounds the work of one evaluation (cel-go cost units): an
// expression written by an analyst must not hang a step (ARCHITECTURE.md,
// "Security baseline").
const CostLimit = 1_000_000

// Kind is the CEL type of a value.
type Kind int

// The kinds of Type.
const (
	Dyn Kind = iota // any JSON value, as decoded
	Bool
	Int
	Double
	String
	Timestamp // RFC 3339 date-time, or a date (midnight UTC)
	List
	Map
	Object
	// TimestampText is a date-time kept as text, normalised to RFC 3339
	// as time.RFC3339Nano prints it: the text a time.Time field of
	// generated code gives when expressions see dates as strings.
	TimestampText
)

// Type describes the CEL type of a variable.
type Type struct {
	Kind   Kind
	Elem   *Type            // List and Map
	Fields map[string]*Type // Object: declared properties
}

// ErrEval is matched by every evaluation error.
var ErrEval = errors.New("CEL evaluation")

// Program is a compiled expression.
type Program struct {
	src  string
	vars map[string]*Type
	prg  cel.Program
}

// Compile compiles src; vars describes the variables whose JSON values
// need a conversion (others are used as decoded). The expression has been
// type-checked against the variables' static types before (package
// codegen/celgo): Compile only parses it, and identifiers are resolved at
// evaluation, so that an expression over variables no model declares (the
// output mapping of a call activity, read in the called process) compiles
// too.
func Compile(src string, vars map[string]*Type) (*Program, error) {
	env, err := parseEnv()
	if err != nil {
		return nil, err
	}
	ast, iss := env.Parse(src)
	if iss != nil && iss.Err() != nil {
		return nil, fmt.Errorf("celrt: %q: %w", src, iss.Err())
	}
	prg, err := env.Program(ast, cel.CostLimit(CostLimit), cel.InterruptCheckFrequency(100))
	if err != nil {
		return nil, fmt.Errorf("celrt: %q: %w", src, err)
	}
	return &Program{src: src, vars: vars, prg: prg}, nil
}

var (
	envOnce sync.Once
	env     *cel.Env
	envErr  error
)

func parseEnv() (*cel.Env, error) {
	envOnce.Do(func() { env, envErr = cel.NewEnv(cel.EnableIdentifierEscapeSyntax()) })
	return env, envErr
}

// MustCompile is Compile for generated code, which compiles at init the
// expressions that were checked when it was generated.
func MustCompile(src string, vars map[string]*Type) *Program {
	p, err := Compile(src, vars)
	if err != nil {
		panic(err)
	}
	return p
}

// Source returns the CEL text of the program.
func (p *Program) Source() string { return p.src }

// Eval evaluates the program over vars, a JSON object as decoded by
// encoding/json (map[string]any). Absent variables are absent, as in CEL:
// reading one is an error. The result is a plain Go value: bool, int64,
// float64, string, time.Time, time.Duration, []any, map[string]any or nil.
func (p *Program) Eval(vars map[string]any) (any, error) {
	act := make(map[string]any, len(vars))
	for n, v := range vars {
		cv, err := Convert(v, p.vars[n])
		if err != nil {
			return nil, fmt.Errorf("%w: %s: variable %s: %v", ErrEval, p.src, n, err)
		}
		act[n] = cv
	}
	out, _, err := p.prg.Eval(act)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrEval, p.src, err)
	}
	return Native(out)
}

// EvalJSON is Eval over the JSON encoding of the variables (generated code
// marshals its Variables struct).
func (p *Program) EvalJSON(data []byte) (any, error) {
	m, err := decodeObject(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: variables: %v", ErrEval, p.src, err)
	}
	return p.Eval(m)
}

// EvalValue marshals v (a Variables struct) and evaluates the program over
// it.
func (p *Program) EvalValue(v any) (any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: variables: %v", ErrEval, p.src, err)
	}
	return p.EvalJSON(data)
}

// AsBool evaluates a condition.
func AsBool(x any, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	b, ok := x.(bool)
	if !ok {
		return false, fmt.Errorf("%w: want a bool, got %T", ErrEval, x)
	}
	return b, nil
}

// AsString evaluates an expression that gives a string (an assignee, a
// correlation key).
func AsString(x any, err error) (string, error) {
	if err != nil {
		return "", err
	}
	s, ok := x.(string)
	if !ok {
		return "", fmt.Errorf("%w: want a string, got %T", ErrEval, x)
	}
	return s, nil
}

// AsKey evaluates a correlation key: a string, or an int written in
// decimal.
func AsKey(x any, err error) (string, error) {
	if err != nil {
		return "", err
	}
	switch k := x.(type) {
	case string:
		return k, nil
	case int64:
		return strconv.FormatInt(k, 10), nil
	}
	return "", fmt.Errorf("%w: a correlation key must be a string or an int, got %T", ErrEval, x)
}

// WithCounters returns vars with the multi-instance counters of BPMN
// §10.3.8 (nrOfInstances, nrOfActiveInstances, nrOfCompletedInstances),
// which a completion condition reads.
func WithCounters(vars map[string]any, instances, active, completed int) map[string]any {
	m := make(map[string]any, len(vars)+3)
	for k, v := range vars {
		m[k] = v
	}
	m["nrOfInstances"] = int64(instances)
	m["nrOfActiveInstances"] = int64(active)
	m["nrOfCompletedInstances"] = int64(completed)
	return m
}

// AsInt evaluates an expression that gives an int (a loop cardinality).
func AsInt(x any, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	i, ok := x.(int64)
	if !ok {
		return 0, fmt.Errorf("%w: want an int, got %T", ErrEval, x)
	}
	return i, nil
}

// AsSize evaluates an expression that gives a list (a multi-instance
// collection) and returns its length.
func AsSize(x any, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	l, ok := x.([]any)
	if !ok {
		return 0, fmt.Errorf("%w: want a list, got %T", ErrEval, x)
	}
	return len(l), nil
}

// AsStrings evaluates an expression that gives a list of strings (offices).
func AsStrings(x any, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	l, ok := x.([]any)
	if !ok {
		return nil, fmt.Errorf("%w: want a list, got %T", ErrEval, x)
	}
	out := make([]string, len(l))
	for i, e := range l {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("%w: want a list of strings, element %d is %T", ErrEval, i, e)
		}
		out[i] = s
	}
	return out, nil
}

// Convert gives a JSON value the CEL type t expects. Numbers may be
// float64 or json.Number; a number of unknown type (dyn) becomes a double,
// as JSON numbers are.
func Convert(v any, t *Type) (any, error) {
	if v == nil {
		return v, nil
	}
	if t == nil {
		t = &Type{Kind: Dyn}
	}
	switch t.Kind {
	case Dyn:
		return dynValue(v)
	case Int:
		switch n := v.(type) {
		case float64:
			if n != math.Trunc(n) || n < -(1<<63) || n >= 1<<63 {
				return nil, fmt.Errorf("%v is not an integer", n)
			}
			return int64(n), nil
		case json.Number:
			if i, err := n.Int64(); err == nil {
				return i, nil
			}
			f, err := n.Float64()
			if err != nil || f != math.Trunc(f) || f < -(1<<63) || f >= 1<<63 {
				return nil, fmt.Errorf("%s is not an integer", n)
			}
			return int64(f), nil
		}
	case Double:
		if n, ok := v.(json.Number); ok {
			return n.Float64()
		}
	case TimestampText:
		s, ok := v.(string)
		if !ok {
			break
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return s, nil // not a date-time: the form did not check it
		}
		return t.Format(time.RFC3339Nano), nil
	case Timestamp:
		s, ok := v.(string)
		if !ok {
			break
		}
		if len(s) == len("2006-01-02") {
			return time.Parse("2006-01-02", s)
		}
		return time.Parse(time.RFC3339Nano, s)
	case List:
		l, ok := v.([]any)
		if !ok {
			break
		}
		out := make([]any, len(l))
		for i, e := range l {
			c, err := Convert(e, t.Elem)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %v", i, err)
			}
			out[i] = c
		}
		return out, nil
	case Map, Object:
		m, ok := v.(map[string]any)
		if !ok {
			break
		}
		out := make(map[string]any, len(m))
		for k, e := range m {
			et := t.Elem
			if t.Kind == Object {
				et = t.Fields[k]
			}
			c, err := Convert(e, et)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", k, err)
			}
			out[k] = c
		}
		return out, nil
	}
	return v, nil
}

// dynValue turns the json.Numbers of a value of unknown type into doubles.
func dynValue(v any) (any, error) {
	switch x := v.(type) {
	case json.Number:
		return x.Float64()
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			c, err := dynValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			c, err := dynValue(e)
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	}
	return v, nil
}

// Native turns a CEL value into a plain Go value.
func Native(v ref.Val) (any, error) {
	switch x := v.(type) {
	case types.Bool:
		return bool(x), nil
	case types.Int:
		return int64(x), nil
	case types.Uint:
		return uint64(x), nil
	case types.Double:
		return float64(x), nil
	case types.String:
		return string(x), nil
	case types.Timestamp:
		return x.Time, nil
	case types.Duration:
		return x.Duration, nil
	case types.Null:
		return nil, nil
	case types.Bytes:
		return []byte(x), nil
	}
	switch v.Type() {
	case types.ListType:
		l := v.(traits.Lister)
		var out []any
		for it := l.Iterator(); it.HasNext() == types.True; {
			e, err := Native(it.Next())
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
		if out == nil {
			out = []any{}
		}
		return out, nil
	case types.MapType:
		m := v.(traits.Mapper)
		out := map[string]any{}
		for it := m.Iterator(); it.HasNext() == types.True; {
			k := it.Next()
			ks, ok := k.(types.String)
			if !ok {
				return nil, fmt.Errorf("%w: map key of type %s", ErrEval, k.Type())
			}
			e, err := Native(m.Get(k))
			if err != nil {
				return nil, err
			}
			out[string(ks)] = e
		}
		return out, nil
	}
	if v.Value() == nil {
		return nil, nil
	}
	// Other values (a message, an opaque type) have no JSON meaning.
	return nil, fmt.Errorf("%w: a value of type %s", ErrEval, strings.TrimSpace(v.Type().TypeName()))
}

// Vars returns the JSON object of v (a Variables struct) as the evaluator
// expects it (see DecodeObject).
func Vars(v any) (map[string]any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%w: variables: %v", ErrEval, err)
	}
	m, err := decodeObject(data)
	if err != nil {
		return nil, fmt.Errorf("%w: variables: %v", ErrEval, err)
	}
	return m, nil
}

// DecodeObject decodes a JSON object as the evaluator expects it: numbers
// as json.Number, so that an integer beyond 2^53 keeps its value.
func DecodeObject(data []byte) (map[string]any, error) { return decodeObject(data) }

func decodeObject(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("data after the JSON object")
	}
	return m, nil
}

// Canonical returns the JSON value v as the Go type described by t holds
// and prints it: an integer or a number in the text encoding/json writes
// for an int64 or a float64, a date-time as time.RFC3339Nano text, an
// object without the properties its type does not declare. The in-memory
// path stores its variables this way, so that both paths hold the same
// case. A value that does not fit t is returned as it is (the form
// validator has reported it).
func Canonical(v any, t *Type) any {
	if v == nil || t == nil {
		return v
	}
	switch t.Kind {
	case Int:
		if n, ok := v.(json.Number); ok {
			if i, err := Convert(n, t); err == nil {
				return json.Number(strconv.FormatInt(i.(int64), 10))
			}
		}
	case Double:
		if n, ok := v.(json.Number); ok {
			if f, err := n.Float64(); err == nil {
				if b, err := json.Marshal(f); err == nil {
					return json.Number(b)
				}
			}
		}
	case TimestampText:
		if s, ok := v.(string); ok {
			if ts, err := time.Parse(time.RFC3339Nano, s); err == nil {
				return ts.Format(time.RFC3339Nano)
			}
		}
	case List:
		if l, ok := v.([]any); ok {
			out := make([]any, len(l))
			for i, e := range l {
				out[i] = Canonical(e, t.Elem)
			}
			return out
		}
	case Map:
		if m, ok := v.(map[string]any); ok {
			out := make(map[string]any, len(m))
			for k, e := range m {
				out[k] = Canonical(e, t.Elem)
			}
			return out
		}
	case Object:
		if m, ok := v.(map[string]any); ok {
			out := make(map[string]any, len(m))
			for k, e := range m {
				if ft, declared := t.Fields[k]; declared {
					out[k] = Canonical(e, ft)
				}
			}
			return out
		}
	}
	return v
}
