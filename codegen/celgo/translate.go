package celgo

import (
	"fmt"

	"cel.dev/cel-go/cel"
	celast "cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"

	"github.com/dave/jennifer/jen"

	"github.com/procedo/procedo/codegen/gotype"
)

// vkind is the CEL kind of a translated value.
type vkind int

const (
	kBool vkind = iota + 1
	kInt
	kDouble
	kString
	kTimestamp
	kDuration
	kList
	kMap
	kStruct
)

// val describes how a translated value is held in Go. Scalars are always
// held canonically (bool, int64, float64, string, time.Time,
// time.Duration); lists and maps keep the Go type of the field they come
// from, so their elements may need a conversion (norm) when read: an enum
// element to string, a Date to time.Time.
type val struct {
	kind   vkind
	elem   *val         // list element, map value
	goType jen.Code     // Go type of the held value
	str    *gotype.Type // struct type
	norm   func(jen.Code) jen.Code
}

var (
	vBool      = &val{kind: kBool, goType: jen.Bool()}
	vInt       = &val{kind: kInt, goType: jen.Int64()}
	vDouble    = &val{kind: kDouble, goType: jen.Float64()}
	vString    = &val{kind: kString, goType: jen.String()}
	vTimestamp = &val{kind: kTimestamp, goType: jen.Qual("time", "Time")}
	vDuration  = &val{kind: kDuration, goType: jen.Qual("time", "Duration")}
)

func canonicalList(elem *val) *val {
	return &val{kind: kList, elem: elem, goType: jen.Index().Add(elem.goType)}
}

// fromGo describes a value held with the generated Go type t; norm
// converts it to its canonical scalar form.
func fromGo(t *gotype.Type, o Options) (*val, error) {
	b := t.Base()
	if b.IsEnum() {
		base := vString
		conv := jen.String()
		if b.Kind == gotype.Int {
			base, conv = vInt, jen.Int64()
		}
		return &val{kind: base.kind, goType: t.Expr(), norm: func(c jen.Code) jen.Code { return conv.Clone().Call(c) }}, nil
	}
	switch b.Kind {
	case gotype.Bool:
		return vBool, nil
	case gotype.Int:
		return vInt, nil
	case gotype.Float:
		return vDouble, nil
	case gotype.String:
		return vString, nil
	case gotype.DateTime:
		if o.DatesAsStrings {
			return &val{kind: kString, goType: t.Expr(), norm: func(c jen.Code) jen.Code {
				return jen.Add(c).Dot("Format").Call(jen.Qual("time", "RFC3339Nano"))
			}}, nil
		}
		return vTimestamp, nil
	case gotype.Date:
		if o.DatesAsStrings {
			return &val{kind: kString, goType: t.Expr(), norm: func(c jen.Code) jen.Code { return jen.Add(c).Dot("String").Call() }}, nil
		}
		return &val{kind: kTimestamp, goType: t.Expr(), norm: func(c jen.Code) jen.Code { return jen.Add(c).Dot("Time").Call() }}, nil
	case gotype.Slice, gotype.Map:
		el, err := fromGo(b.Elem, o)
		if err != nil {
			return nil, err
		}
		k := kList
		if b.Kind == gotype.Map {
			k = kMap
		}
		return &val{kind: k, elem: el, goType: t.Expr()}, nil
	case gotype.Struct:
		return &val{kind: kStruct, goType: t.Expr(), str: b}, nil
	}
	return nil, fmt.Errorf("%w: values of kind %v (%s)", ErrNotTranslatable, b.Kind, t.Source)
}

// normalize returns the canonical form of a held scalar.
func (v *val) normalize(c jen.Code) (jen.Code, *val) {
	if v.norm == nil {
		return c, v
	}
	switch v.kind {
	case kString:
		return v.norm(c), vString
	case kInt:
		return v.norm(c), vInt
	case kTimestamp:
		return v.norm(c), vTimestamp
	}
	return c, v
}

// scope maps CEL identifiers to Go expressions.
type scope struct {
	parent *scope
	names  map[string]binding
}

type binding struct {
	code jen.Code
	v    *val
	// opt is set on an optional variable (Var.Optional): the name it is
	// reported with when absent, and whether Go holds it behind a pointer.
	opt     string
	pointer bool
}

func (s *scope) lookup(name string) (binding, bool) {
	for ; s != nil; s = s.parent {
		if b, ok := s.names[name]; ok {
			return b, true
		}
	}
	return binding{}, false
}

// translator holds the state of one expression.
type translator struct {
	env  *Env
	ast  *celast.AST
	src  string
	tmp  int
	body *[]jen.Code // statements of the current block
	res  jen.Code    // zero value returned with an error in the current function
}

func (t *translator) emit(c ...jen.Code) { *t.body = append(*t.body, c...) }

func (t *translator) fresh(prefix string) string {
	t.tmp++
	return fmt.Sprintf("%s%d", prefix, t.tmp)
}

func (t *translator) fail(e celast.Expr, format string, args ...any) error {
	loc := t.ast.SourceInfo().GetStartLocation(e.ID())
	return fmt.Errorf("%w: %d:%d: %s", ErrNotTranslatable, loc.Line(), loc.Column()+1, fmt.Sprintf(format, args...))
}

// call emits "name, err := fn(args); if err != nil { return zero, err }"
// and returns name.
func (t *translator) call(fn jen.Code, args ...jen.Code) jen.Code {
	n := t.fresh("t")
	t.emit(jen.List(jen.Id(n), jen.Err()).Op(":=").Add(fn).Call(args...))
	t.emit(jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(t.res, jen.Err())))
	return jen.Id(n)
}

// assign emits "name := c" and returns name, so that c is evaluated once.
func (t *translator) assign(c jen.Code) jen.Code {
	n := t.fresh("t")
	t.emit(jen.Id(n).Op(":=").Add(c))
	return jen.Id(n)
}

// Func is the Go translation of one expression.
type Func struct {
	// Decl is the function declaration: func Name(params) (T, error).
	Decl jen.Code
	// Result is the Go type of the result.
	Result jen.Code
}

// Translate translates a checked expression into a Go function called
// name, with the given parameters (through which the Go expressions of the
// variables are reachable). The error matches [ErrNotTranslatable] for
// constructs outside the translated subset.
//
// The function declares the named results res and err and locals made of
// one letter among t, v, e, x followed by digits: parameters and the
// Go expressions of the variables must use other names (for example v0 is
// taken, vars is not).
func (e *Env) Translate(ast *cel.Ast, name string, params ...jen.Code) (*Func, error) {
	if !ast.IsChecked() {
		return nil, fmt.Errorf("celgo: the expression is not type-checked")
	}
	var body []jen.Code
	t := &translator{env: e, ast: ast.NativeRep(), src: ast.Source().Content(), body: &body}
	if _, err := t.resultType(t.ast.Expr()); err != nil {
		return nil, err
	}
	t.res = jen.Id("res")
	sc := &scope{names: map[string]binding{}}
	for n, v := range e.vars {
		vv, err := fromGo(v.Type, e.opts)
		if err != nil {
			continue // unusable in Go; an expression reading it fails below
		}
		b := binding{code: v.Go, v: vv}
		if v.Optional {
			b.opt = n
			b.pointer = (&gotype.Field{Type: v.Type}).Pointer()
		}
		sc.names[n] = b
	}
	c, v, err := t.expr(t.ast.Expr(), sc)
	if err != nil {
		return nil, err
	}
	c, v = v.normalize(c)
	body = append(body, jen.Return(c, jen.Nil()))
	decl := jen.Func().Id(name).Params(params...).Params(jen.Id("res").Add(v.goType), jen.Err().Error()).Block(body...)
	return &Func{Decl: decl, Result: v.goType}, nil
}

// resultType gives the Go type of the value of e from its checked type.
func (t *translator) resultType(e celast.Expr) (*val, error) {
	return t.valOf(e, t.ast.GetType(e.ID()))
}

func (t *translator) valOf(e celast.Expr, ct *types.Type) (*val, error) {
	switch ct.Kind() {
	case types.BoolKind:
		return vBool, nil
	case types.IntKind:
		return vInt, nil
	case types.DoubleKind:
		return vDouble, nil
	case types.StringKind:
		return vString, nil
	case types.TimestampKind:
		return vTimestamp, nil
	case types.DurationKind:
		return vDuration, nil
	case types.ListKind:
		el, err := t.valOf(e, ct.Parameters()[0])
		if err != nil {
			return nil, err
		}
		return canonicalList(el), nil
	case types.MapKind:
		if ct.Parameters()[0].Kind() != types.StringKind {
			break
		}
		el, err := t.valOf(e, ct.Parameters()[1])
		if err != nil {
			return nil, err
		}
		return &val{kind: kMap, elem: el, goType: jen.Map(jen.String()).Add(el.goType)}, nil
	case types.StructKind:
		if st, ok := t.env.structs[ct.TypeName()]; ok {
			return &val{kind: kStruct, goType: jen.Id(st.Name), str: st}, nil
		}
	}
	return nil, t.fail(e, "values of type %s", ct)
}
