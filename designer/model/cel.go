package model

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"

	"github.com/procedo/procedo/designer/bpmn"
)

// CELType returns the CEL type of a form property, following JSON Schema:
// string → string, integer → int, number → double, boolean → bool, array →
// list of its items, object → map(string, dyn); anything else is dyn.
// Model.CELEnv types objects with declared properties more precisely.
func CELType(p *Property) *cel.Type {
	return celType(p, "", nil)
}

// celType maps a property to CEL. When objects is not nil, an object with
// declared properties becomes an object type named name, registered in
// objects, so that the checker knows its fields and their types.
func celType(p *Property, name string, objects map[string]*Property) *cel.Type {
	if p == nil {
		return cel.DynType
	}
	switch p.Type {
	case TypeString:
		return cel.StringType
	case TypeInteger:
		return cel.IntType
	case TypeNumber:
		return cel.DoubleType
	case TypeBoolean:
		return cel.BoolType
	case TypeArray:
		return cel.ListType(celType(p.Items, name+"[]", objects))
	case TypeObject:
		if objects != nil && len(p.Properties) > 0 {
			objects[name] = p
			return cel.ObjectType(name)
		}
		return cel.MapType(cel.StringType, cel.DynType)
	}
	return cel.DynType
}

// formTypes tells the CEL checker the fields of the form objects. Only
// checking uses it: at run time an object is a JSON map, from which CEL
// selects fields just the same.
type formTypes struct {
	types.Provider
	objects map[string]*Property
}

func (f *formTypes) FindStructType(name string) (*types.Type, bool) {
	if _, ok := f.objects[name]; ok {
		return types.NewTypeTypeWithParam(types.NewObjectType(name)), true
	}
	return f.Provider.FindStructType(name)
}

func (f *formTypes) FindStructFieldNames(name string) ([]string, bool) {
	if p, ok := f.objects[name]; ok {
		names := make([]string, len(p.Properties))
		for i, c := range p.Properties {
			names[i] = c.Name
		}
		return names, true
	}
	return f.Provider.FindStructFieldNames(name)
}

func (f *formTypes) FindStructFieldType(name, field string) (*types.FieldType, bool) {
	if p, ok := f.objects[name]; ok {
		for _, c := range p.Properties {
			if c.Name == field {
				return &types.FieldType{Type: celType(c, name+"."+field, f.objects)}, true
			}
		}
		return nil, false
	}
	return f.Provider.FindStructFieldType(name, field)
}

// CELEnv returns the CEL environment in which the model's expressions are
// checked: one variable per case variable (see Model.Variables), plus
// extra ones (result variables, call outputs) declared dyn. An object
// with declared properties gets an object type named
// "procedo.<variable>.<field>...", so that a misspelt field is an error
// ("undefined field"); an object without declared properties is a
// map(string, dyn).
func (m *Model) CELEnv(extra ...string) (*cel.Env, error) {
	reg, err := types.NewRegistry()
	if err != nil {
		return nil, err
	}
	provider := &formTypes{Provider: reg, objects: map[string]*Property{}}
	opts := make([]cel.EnvOption, 0, len(m.Variables)+len(extra)+1)
	declared := map[string]bool{}
	for _, v := range m.Variables {
		opts = append(opts, cel.Variable(v.Name, celType(v.Type, "procedo."+v.Name, provider.objects)))
		declared[v.Name] = true
	}
	for _, name := range extra {
		if !declared[name] {
			opts = append(opts, cel.Variable(name, cel.DynType))
			declared[name] = true
		}
	}
	// The provider goes first: variables are declared against it.
	// Cross-type numeric comparisons let an analyst write importo > 10 for
	// a number (double) property; arithmetic still needs matching types.
	base := []cel.EnvOption{cel.CustomTypeProvider(provider), cel.CrossTypeNumericComparisons(true)}
	return cel.NewEnv(append(base, opts...)...)
}

// Env returns the environment of every expression of the model: the form
// variables and the variables processes define (ProcessVariables). Use
// NodeEnv for the expressions of a node.
func (m *Model) Env() (*cel.Env, error) {
	return m.CELEnv(m.ProcessVariables()...)
}

// NodeEnv extends env with what is visible only at n: the element
// variable of every multi-instance activity that is or encloses n (dyn).
// The collection and cardinality of a multi-instance are evaluated
// outside it: check them in env itself.
func NodeEnv(env *cel.Env, n *Node) (*cel.Env, error) {
	var opts []cel.EnvOption
	for x := n; x != nil; x = x.Parent {
		if x.Loop != nil {
			opts = append(opts, cel.Variable(x.Loop.ElementVariable, cel.DynType))
		}
	}
	if env == nil || len(opts) == 0 {
		return env, nil
	}
	return env.Extend(opts...)
}

// ProcessVariables returns the variables that processes of the model
// define beyond the forms: script-task result variables, and the targets
// of call-activity inputs (set in the called process) and outputs (set in
// the caller), sorted, without duplicates.
func (m *Model) ProcessVariables() []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, p := range m.Processes {
		for _, n := range p.Nodes {
			add(n.ResultVariable)
			if n.Call != nil {
				for _, in := range n.Call.Inputs {
					add(in.Target)
				}
				for _, o := range n.Call.Outputs {
					add(o.Target)
				}
			}
		}
	}
	sortStrings(out)
	return out
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// ExprError is a CEL error in an expression of the model.
type ExprError struct {
	Expr *Expr
	// Line and Column are 1-based, inside the expression text (columns
	// count characters).
	Line, Column int
	// Pos is the place in the document.
	Pos bpmn.Pos
	Msg string
}

func (e *ExprError) Error() string {
	return fmt.Sprintf("%s of %q, column %d: %s", e.Expr.Field, e.Expr.ElementID, e.Column, e.Msg)
}

// Check parses and type-checks e in env. When want is not nil the result
// must have that type (a condition must be bool, an assignee a string);
// dyn is accepted everywhere, since its type is only known at run time.
// With env nil only the syntax is checked.
func (e *Expr) Check(env *cel.Env, want *cel.Type) (*cel.Ast, []*ExprError) {
	if env == nil {
		var err error
		if env, err = cel.NewEnv(); err != nil {
			return nil, []*ExprError{{Expr: e, Line: 1, Column: 1, Pos: e.Pos, Msg: err.Error()}}
		}
		ast, iss := env.Parse(e.Text)
		return ast, e.issues(iss)
	}
	if strings.TrimSpace(e.Text) == "" {
		return nil, []*ExprError{{Expr: e, Line: 1, Column: 1, Pos: e.Pos, Msg: "the expression is empty"}}
	}
	ast, iss := env.Compile(e.Text)
	if iss != nil && iss.Err() != nil {
		return nil, e.issues(iss)
	}
	if want != nil {
		got := ast.OutputType()
		if !want.IsAssignableType(got) && got.Kind() != cel.DynKind && !isDynWrapper(got) {
			line, col := 1, 1
			if loc, ok := ast.NativeRep().SourceInfo().GetStartLocation(ast.NativeRep().Expr().ID()).(interface {
				Line() int
				Column() int
			}); ok && loc.Line() > 0 {
				line, col = loc.Line(), loc.Column()+1
			}
			return ast, []*ExprError{{Expr: e, Line: line, Column: col, Pos: e.PosAt(e.offset(line, col-1)),
				Msg: fmt.Sprintf("the expression yields %s, want %s", typeName(got), typeName(want))}}
		}
	}
	return ast, nil
}

func isDynWrapper(t *cel.Type) bool { return t.Kind() == cel.AnyKind }

func typeName(t *cel.Type) string {
	if t == nil {
		return "nothing"
	}
	return t.String()
}

// issues converts CEL issues into errors with positions.
func (e *Expr) issues(iss *cel.Issues) []*ExprError {
	if iss == nil || iss.Err() == nil {
		return nil
	}
	var out []*ExprError
	for _, ce := range iss.Errors() {
		line, col := ce.Location.Line(), ce.Location.Column()
		if line < 1 {
			line, col = 1, 0
		}
		out = append(out, &ExprError{Expr: e, Line: line, Column: col + 1,
			Pos: e.PosAt(e.offset(line, col)), Msg: firstLine(ce.Message)})
	}
	return out
}

// offset converts a 1-based line and 0-based character column of the
// text into a character offset.
func (e *Expr) offset(line, col int) int {
	off := 0
	rest := e.Text
	for l := 1; l < line; l++ {
		i := strings.IndexByte(rest, '\n')
		if i < 0 {
			break
		}
		off += utf8.RuneCountInString(rest[:i]) + 1
		rest = rest[i+1:]
	}
	return off + col
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
