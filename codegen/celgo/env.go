package celgo

import (
	"errors"
	"fmt"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"

	"github.com/dave/jennifer/jen"

	"github.com/procedo/procedo/codegen/gotype"
)

// Var is a variable that expressions may read: its CEL name, the Go type
// generated for it by codegen/gotype, and the Go expression that reads it
// in the generated function (for example v.Domanda, or a parameter name).
type Var struct {
	Name string
	Type *gotype.Type
	Go   jen.Code
	// Optional marks a variable that may be absent, as a case variable
	// is until the form that sets it is filled: Go reads as an optional
	// struct field would be declared (a pointer, or a nil slice, map or
	// json.RawMessage), and reading it while absent is an error, as in
	// CEL.
	Optional bool
}

// Env declares the typed variables of a set of expressions, for checking
// with cel-go and for translation.
type Env struct {
	env     *cel.Env
	vars    map[string]Var
	structs map[string]*gotype.Type // by Go type name, the CEL object type name
	opts    Options
}

// Options change how an Env types the generated Go types. The zero value
// is the default of NewEnv.
type Options struct {
	// DatesAsStrings types "date" and "date-time" properties as CEL
	// strings, as designer/model's environment does (JSON Schema: a
	// string with a format), so that an expression that lints clean also
	// translates: a Date reads as its "YYYY-MM-DD" text, a time.Time as
	// RFC 3339 text (time.RFC3339Nano). By default they are timestamps.
	DatesAsStrings bool
}

// NewEnv returns an Env declaring vars. Struct types reachable from the
// variables become CEL object types named after their Go type, with one
// field per JSON property, so that cel-go checks field names and types.
func NewEnv(vars ...Var) (*Env, error) { return NewEnvWith(Options{}, vars...) }

// NewEnvWith is NewEnv with options.
func NewEnvWith(o Options, vars ...Var) (*Env, error) {
	e := &Env{vars: map[string]Var{}, structs: map[string]*gotype.Type{}, opts: o}
	var opts []cel.EnvOption
	for _, v := range vars {
		if _, dup := e.vars[v.Name]; dup {
			return nil, fmt.Errorf("celgo: variable %q declared twice", v.Name)
		}
		t, err := e.celType(v.Type)
		if err != nil {
			return nil, fmt.Errorf("celgo: variable %q: %w", v.Name, err)
		}
		e.vars[v.Name] = v
		opts = append(opts, cel.Variable(v.Name, t))
	}
	reg, err := types.NewRegistry()
	if err != nil {
		return nil, err
	}
	opts = append(opts, cel.CustomTypeProvider(&provider{Registry: reg, env: e}),
		// Macro calls let Translate recognise the comprehensions.
		cel.EnableMacroCallTracking(),
		// As in the model's environment (designer/model, Model.CELEnv):
		// an analyst writes importo > 10 for a number. Translate leaves
		// mixed comparisons to cel-go.
		cel.CrossTypeNumericComparisons(true),
		// Property names are form keys, not CEL identifiers: the escape
		// syntax reads them as p.`luogo di nascita` (ASCII letters, digits,
		// space and _ . - / only: the CEL grammar).
		cel.EnableIdentifierEscapeSyntax())
	env, err := cel.NewEnv(opts...)
	if err != nil {
		return nil, err
	}
	e.env = env
	return e, nil
}

// CEL returns the cel-go environment, to build programs that evaluate the
// same expressions (the in-memory path, and the fallback for expressions
// that are not translatable).
func (e *Env) CEL() *cel.Env { return e.env }

// CheckError reports the syntax and type errors of an expression. The
// assembly turns each [Issue] into a lint diagnostic on the BPMN element
// that holds the expression.
type CheckError struct {
	Source string
	Issues []Issue
	report string // cel-go's text: "ERROR: <input>:1:5: message" and a caret line
}

// Issue is one error in an expression, at a 1-based line and column
// (counted in code points, as cel-go does).
type Issue struct {
	Line, Column int
	Message      string
}

func (e *CheckError) Error() string { return e.report }

// Compile parses and type-checks src.
func (e *Env) Compile(src string) (*cel.Ast, error) {
	ast, iss := e.env.Compile(src)
	if iss != nil && iss.Err() != nil {
		ce := &CheckError{Source: src, report: iss.Err().Error()}
		for _, x := range iss.Errors() {
			ce.Issues = append(ce.Issues, Issue{Line: x.Location.Line(), Column: x.Location.Column() + 1, Message: x.Message})
		}
		return nil, ce
	}
	return ast, nil
}

// celType maps a generated Go type to its CEL type: enums are strings,
// dates are timestamps (midnight UTC), structs are object types.
func (e *Env) celType(t *gotype.Type) (*cel.Type, error) {
	t = t.Base()
	if t.IsEnum() {
		if t.Kind == gotype.Int {
			return cel.IntType, nil
		}
		return cel.StringType, nil
	}
	switch t.Kind {
	case gotype.Bool:
		return cel.BoolType, nil
	case gotype.Int:
		return cel.IntType, nil
	case gotype.Float:
		return cel.DoubleType, nil
	case gotype.String:
		return cel.StringType, nil
	case gotype.Date, gotype.DateTime:
		if e.opts.DatesAsStrings {
			return cel.StringType, nil
		}
		return cel.TimestampType, nil
	case gotype.Slice:
		el, err := e.celType(t.Elem)
		if err != nil {
			return nil, err
		}
		return cel.ListType(el), nil
	case gotype.Map:
		el, err := e.celType(t.Elem)
		if err != nil {
			return nil, err
		}
		return cel.MapType(cel.StringType, el), nil
	case gotype.Struct:
		if _, ok := e.structs[t.Name]; !ok {
			e.structs[t.Name] = t
			for _, f := range t.Fields {
				if _, err := e.celType(f.Type); err != nil {
					return nil, err
				}
			}
		}
		return cel.ObjectType(t.Name), nil
	case gotype.Raw:
		return cel.DynType, nil
	}
	return nil, fmt.Errorf("no CEL type for %v", t.Kind)
}

// provider describes the generated structs to the cel-go checker.
type provider struct {
	*types.Registry
	env *Env
}

func (p *provider) FindStructType(name string) (*types.Type, bool) {
	if _, ok := p.env.structs[name]; ok {
		return types.NewTypeTypeWithParam(types.NewObjectType(name)), true
	}
	return p.Registry.FindStructType(name)
}

func (p *provider) FindStructFieldNames(name string) ([]string, bool) {
	t, ok := p.env.structs[name]
	if !ok {
		return p.Registry.FindStructFieldNames(name)
	}
	var names []string
	for _, f := range t.Fields {
		names = append(names, f.JSONName)
	}
	return names, true
}

func (p *provider) FindStructFieldType(name, field string) (*types.FieldType, bool) {
	t, ok := p.env.structs[name]
	if !ok {
		return p.Registry.FindStructFieldType(name, field)
	}
	for _, f := range t.Fields {
		if f.JSONName == field {
			ct, err := p.env.celType(f.Type)
			if err != nil {
				return nil, false
			}
			return &types.FieldType{Type: ct}, true
		}
	}
	return nil, false
}

// ErrNotTranslatable is matched by the error of [Env.Translate] for an
// expression outside the translated subset: embed a cel-go program for it.
var ErrNotTranslatable = errors.New("not translatable to Go")
