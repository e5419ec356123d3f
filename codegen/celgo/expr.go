package celgo

import (
	"fmt"

	celast "cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"

	"github.com/dave/jennifer/jen"

	"github.com/procedo/procedo/codegen/gotype"
)

func sameGo(a, b jen.Code) bool { return fmt.Sprintf("%#v", a) == fmt.Sprintf("%#v", b) }

func (t *translator) expr(e celast.Expr, sc *scope) (jen.Code, *val, error) {
	switch e.Kind() {
	case celast.LiteralKind:
		switch l := e.AsLiteral().(type) {
		case types.Bool:
			return jen.Lit(bool(l)), vBool, nil
		case types.Int:
			return jen.Lit(int64(l)), vInt, nil // renders int64(n)
		case types.Double:
			return jen.Lit(float64(l)), vDouble, nil // renders n.0: an untyped float
		case types.String:
			return jen.Lit(string(l)), vString, nil
		}
		return nil, nil, t.fail(e, "literal %v", e.AsLiteral())
	case celast.IdentKind:
		b, ok := sc.lookup(e.AsIdent())
		if !ok {
			return nil, nil, t.fail(e, "identifier %s", e.AsIdent())
		}
		code := b.code
		if b.opt != "" {
			// An absent variable is an error when read (CEL "no such
			// attribute"); the generated struct keeps it nil until set.
			t.emit(jen.If(jen.Add(code).Op("==").Nil()).Block(jen.Return(t.res, helper("NoSuchKey").Call(jen.Lit(b.opt)))))
			if b.pointer {
				code = jen.Parens(jen.Op("*").Add(code))
			}
		}
		c, v := b.v.normalize(code)
		return c, v, nil
	case celast.SelectKind:
		return t.selectExpr(e, sc)
	case celast.CallKind:
		return t.callExpr(e, sc)
	case celast.ListKind:
		return t.listExpr(e, sc)
	case celast.MapKind:
		return t.mapExpr(e, sc)
	case celast.ComprehensionKind:
		return t.comprehension(e, sc)
	}
	return nil, nil, t.fail(e, "expression kind %v", e.Kind())
}

func (t *translator) field(e celast.Expr, st *gotype.Type, name string) (*gotype.Field, error) {
	for _, f := range st.Fields {
		if f.JSONName == name {
			return f, nil
		}
	}
	return nil, t.fail(e, "no field %q in %s", name, st.Name)
}

// selectExpr translates x.f and has(x.f). CEL reports an absent field as
// an error ("no such key"), so an optional field that is nil fails the
// expression instead of reading as a zero value.
func (t *translator) selectExpr(e celast.Expr, sc *scope) (jen.Code, *val, error) {
	s := e.AsSelect()
	op, ov, err := t.expr(s.Operand(), sc)
	if err != nil {
		return nil, nil, err
	}
	switch ov.kind {
	case kStruct:
		f, err := t.field(e, ov.str, s.FieldName())
		if err != nil {
			return nil, nil, err
		}
		ref := jen.Add(op).Dot(f.GoName)
		nilable := !f.Required || f.Indirect
		if s.IsTestOnly() {
			if !nilable {
				return jen.True(), vBool, nil
			}
			return t.assign(jen.Add(ref).Op("!=").Nil()), vBool, nil
		}
		fv, err := fromGo(f.Type, t.env.opts)
		if err != nil {
			return nil, nil, t.fail(e, "field %s: %v", f.JSONName, err)
		}
		if nilable {
			t.emit(jen.If(jen.Add(ref).Op("==").Nil()).Block(jen.Return(t.res, helper("NoSuchKey").Call(jen.Lit(f.JSONName)))))
			if f.Pointer() {
				ref = jen.Parens(jen.Op("*").Add(ref))
			}
		}
		c, v := fv.normalize(ref)
		return c, v, nil
	case kMap:
		if s.IsTestOnly() {
			n := t.fresh("t")
			t.emit(jen.List(jen.Id("_"), jen.Id(n)).Op(":=").Add(op).Index(jen.Lit(s.FieldName())))
			return jen.Id(n), vBool, nil
		}
		c := t.call(helper("MapGet"), op, jen.Lit(s.FieldName()))
		c, v := ov.elem.normalize(c)
		return c, v, nil
	}
	return nil, nil, t.fail(e, "field selection on %v", ov.kind)
}

func (t *translator) listExpr(e celast.Expr, sc *scope) (jen.Code, *val, error) {
	l := e.AsList()
	if len(l.OptionalIndices()) > 0 {
		return nil, nil, t.fail(e, "optional list elements")
	}
	rt, err := t.resultType(e)
	if err != nil {
		return nil, nil, err
	}
	var elems []jen.Code
	for _, x := range l.Elements() {
		c, v, err := t.expr(x, sc)
		if err != nil {
			return nil, nil, err
		}
		if !sameGo(v.goType, rt.elem.goType) {
			return nil, nil, t.fail(x, "list element of a different Go type")
		}
		elems = append(elems, c)
	}
	return jen.Index().Add(rt.elem.goType).Values(elems...), rt, nil
}

func (t *translator) mapExpr(e celast.Expr, sc *scope) (jen.Code, *val, error) {
	m := e.AsMap()
	rt, err := t.resultType(e)
	if err != nil {
		return nil, nil, err
	}
	var keys, vals []jen.Code
	for _, ent := range m.Entries() {
		me := ent.AsMapEntry()
		if me.IsOptional() {
			return nil, nil, t.fail(e, "optional map entries")
		}
		k, kv, err := t.expr(me.Key(), sc)
		if err != nil {
			return nil, nil, err
		}
		if kv.kind != kString {
			return nil, nil, t.fail(me.Key(), "map keys that are not strings")
		}
		v, vv, err := t.expr(me.Value(), sc)
		if err != nil {
			return nil, nil, err
		}
		if !sameGo(vv.goType, rt.elem.goType) {
			return nil, nil, t.fail(me.Value(), "map value of a different Go type")
		}
		keys = append(keys, k)
		vals = append(vals, v)
	}
	c := helper("NewMap").Call(jen.Index().String().Values(keys...), jen.Index().Add(rt.elem.goType).Values(vals...))
	return t.assign(c), rt, nil
}

var compareOps = map[string]string{"_==_": "==", "_!=_": "!=", "_<_": "<", "_<=_": "<=", "_>_": ">", "_>=_": ">="}

var timestampGetters = map[string]bool{
	"getFullYear": true, "getMonth": true, "getDayOfMonth": true, "getDate": true, "getDayOfYear": true,
	"getDayOfWeek": true, "getHours": true, "getMinutes": true, "getSeconds": true, "getMilliseconds": true,
}

func (t *translator) args(e celast.Expr, sc *scope) ([]jen.Code, []*val, error) {
	c := e.AsCall()
	all := c.Args()
	if c.IsMemberFunction() {
		all = append([]celast.Expr{c.Target()}, all...)
	}
	var codes []jen.Code
	var vals []*val
	for _, a := range all {
		x, v, err := t.expr(a, sc)
		if err != nil {
			return nil, nil, err
		}
		// x is a temporary or an expression that needs no statement, so
		// cannot fail and has no effect: using it in place keeps CEL's
		// left-to-right error order.
		codes = append(codes, x)
		vals = append(vals, v)
	}
	return codes, vals, nil
}

func (t *translator) callExpr(e celast.Expr, sc *scope) (jen.Code, *val, error) {
	c := e.AsCall()
	fn := c.FunctionName()
	switch fn {
	case "_&&_", "_||_":
		return t.logical(e, sc, fn == "_&&_")
	case "_?_:_":
		return t.conditional(e, sc)
	}
	a, v, err := t.args(e, sc)
	if err != nil {
		return nil, nil, err
	}
	kinds := func(ks ...vkind) bool {
		if len(ks) != len(v) {
			return false
		}
		for i, k := range ks {
			if v[i].kind != k {
				return false
			}
		}
		return true
	}
	switch fn {
	case "_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_":
		op := compareOps[fn]
		if v[0].kind != v[1].kind {
			break
		}
		switch v[0].kind {
		case kInt, kDouble, kString, kDuration:
			return jen.Parens(jen.Add(a[0]).Op(op).Add(a[1])), vBool, nil
		case kBool:
			if op == "==" || op == "!=" {
				return jen.Parens(jen.Add(a[0]).Op(op).Add(a[1])), vBool, nil
			}
		case kTimestamp:
			return jen.Parens(jen.Add(a[0]).Dot("Compare").Call(a[1]).Op(op).Lit(0)), vBool, nil
		}
	case "!_":
		return jen.Op("!").Add(a[0]), vBool, nil
	case "-_":
		switch v[0].kind {
		case kInt:
			return t.call(helper("NegInt"), a[0]), vInt, nil
		case kDouble:
			return jen.Parens(jen.Op("-").Add(a[0])), vDouble, nil
		case kDuration:
			return t.call(helper("NegDuration"), a[0]), vDuration, nil
		}
	case "_+_", "_-_", "_*_", "_/_", "_%_":
		return t.arith(e, fn, a, v)
	case "_[_]":
		switch v[0].kind {
		case kList:
			if v[1].kind != kInt {
				break
			}
			x, ev := v[0].elem.normalize(t.call(helper("Index"), a[0], a[1]))
			return x, ev, nil
		case kMap:
			if v[1].kind != kString {
				break
			}
			x, ev := v[0].elem.normalize(t.call(helper("MapGet"), a[0], a[1]))
			return x, ev, nil
		}
	case "@in":
		switch v[1].kind {
		case kMap:
			if v[0].kind != kString {
				break
			}
			n := t.fresh("t")
			t.emit(jen.List(jen.Id("_"), jen.Id(n)).Op(":=").Add(a[1]).Index(a[0]))
			return jen.Id(n), vBool, nil
		case kList:
			el := v[1].elem
			if el.kind != v[0].kind {
				break
			}
			switch el.kind {
			case kInt, kDouble, kString, kBool, kDuration:
			default:
				return nil, nil, t.fail(e, "in on lists of %v", el.kind)
			}
			n, x := t.fresh("t"), t.fresh("x")
			elem, _ := el.normalize(jen.Id(x))
			t.emit(jen.Id(n).Op(":=").False())
			t.emit(jen.For(jen.List(jen.Id("_"), jen.Id(x)).Op(":=").Range().Add(a[1])).Block(
				jen.If(jen.Add(elem).Op("==").Add(a[0])).Block(jen.Id(n).Op("=").True(), jen.Break()),
			))
			return jen.Id(n), vBool, nil
		}
	case "size":
		switch v[0].kind {
		case kString:
			return jen.Int64().Call(jen.Qual("unicode/utf8", "RuneCountInString").Call(a[0])), vInt, nil
		case kList, kMap:
			return jen.Int64().Call(jen.Len(a[0])), vInt, nil
		}
	case "contains", "startsWith", "endsWith":
		if kinds(kString, kString) {
			goFn := map[string]string{"contains": "Contains", "startsWith": "HasPrefix", "endsWith": "HasSuffix"}[fn]
			return jen.Qual("strings", goFn).Call(a[0], a[1]), vBool, nil
		}
	case "matches":
		if kinds(kString, kString) {
			return t.call(helper("Matches"), a[0], a[1]), vBool, nil
		}
	case "timestamp":
		switch {
		case kinds(kString):
			return t.call(helper("Timestamp"), a[0]), vTimestamp, nil
		case kinds(kTimestamp):
			return a[0], vTimestamp, nil
		}
	case "duration":
		switch {
		case kinds(kString):
			return t.call(helper("Duration"), a[0]), vDuration, nil
		case kinds(kDuration):
			return a[0], vDuration, nil
		}
	case "int":
		switch {
		case kinds(kInt):
			return a[0], vInt, nil
		case kinds(kDouble):
			return t.call(helper("DoubleToInt"), a[0]), vInt, nil
		case kinds(kString):
			return t.call(helper("StringToInt"), a[0]), vInt, nil
		case kinds(kTimestamp):
			return jen.Add(a[0]).Dot("Unix").Call(), vInt, nil
		}
	case "double":
		switch {
		case kinds(kDouble):
			return a[0], vDouble, nil
		case kinds(kInt):
			return jen.Float64().Call(a[0]), vDouble, nil
		case kinds(kString):
			return t.call(helper("StringToDouble"), a[0]), vDouble, nil
		}
	case "string":
		switch {
		case kinds(kString):
			return a[0], vString, nil
		case kinds(kInt):
			return jen.Qual("strconv", "FormatInt").Call(a[0], jen.Lit(10)), vString, nil
		case kinds(kBool):
			return jen.Qual("strconv", "FormatBool").Call(a[0]), vString, nil
		}
	}
	if timestampGetters[fn] && c.IsMemberFunction() {
		switch {
		case kinds(kTimestamp):
			// Without a time zone, CEL reads the fields in UTC.
			return jen.Int64().Call(helper(fn).Call(jen.Add(a[0]).Dot("UTC").Call())), vInt, nil
		case kinds(kTimestamp, kString):
			tz := t.call(helper("InZone"), a[0], a[1])
			return jen.Int64().Call(helper(fn).Call(tz)), vInt, nil
		case kinds(kDuration):
			switch fn {
			case "getHours", "getMinutes", "getSeconds", "getMilliseconds":
				return jen.Int64().Call(helper("Duration" + fn[3:]).Call(a[0])), vInt, nil
			}
		}
	}
	return nil, nil, t.fail(e, "function %s on these argument types", fn)
}

func (t *translator) arith(e celast.Expr, fn string, a []jen.Code, v []*val) (jen.Code, *val, error) {
	k0, k1 := v[0].kind, v[1].kind
	switch {
	case k0 == kInt && k1 == kInt:
		name := map[string]string{"_+_": "AddInt", "_-_": "SubInt", "_*_": "MulInt", "_/_": "DivInt", "_%_": "ModInt"}[fn]
		return t.call(helper(name), a[0], a[1]), vInt, nil
	case k0 == kDouble && k1 == kDouble && fn != "_%_":
		// IEEE 754: division by zero gives ±Inf or NaN, as in CEL.
		op := map[string]string{"_+_": "+", "_-_": "-", "_*_": "*", "_/_": "/"}[fn]
		return jen.Parens(jen.Add(a[0]).Op(op).Add(a[1])), vDouble, nil
	case k0 == kString && k1 == kString && fn == "_+_":
		return jen.Parens(jen.Add(a[0]).Op("+").Add(a[1])), vString, nil
	case k0 == kList && k1 == kList && fn == "_+_":
		if !sameGo(v[0].goType, v[1].goType) {
			break
		}
		return jen.Qual("slices", "Concat").Call(a[0], a[1]), v[0], nil
	case k0 == kTimestamp && k1 == kDuration && (fn == "_+_" || fn == "_-_"):
		name := map[string]string{"_+_": "AddTimestamp", "_-_": "SubTimestamp"}[fn]
		return t.call(helper(name), a[0], a[1]), vTimestamp, nil
	case k0 == kDuration && k1 == kTimestamp && fn == "_+_":
		return t.call(helper("AddTimestamp"), a[1], a[0]), vTimestamp, nil
	case k0 == kTimestamp && k1 == kTimestamp && fn == "_-_":
		return t.call(helper("Between"), a[0], a[1]), vDuration, nil
	case k0 == kDuration && k1 == kDuration && (fn == "_+_" || fn == "_-_"):
		name := map[string]string{"_+_": "AddDuration", "_-_": "SubDuration"}[fn]
		return t.call(helper(name), a[0], a[1]), vDuration, nil
	}
	return nil, nil, t.fail(e, "operator %s on these argument types", fn)
}

// sub translates e for a caller that decides how an error combines
// (CEL's && and || absorb an error when the other side decides the
// result; all and exists likewise). When e needs no statement it cannot
// fail: sub returns its Go expression and a nil error code. Otherwise it
// emits "v, e := func() (res T, err error) { … }()" and returns v and e.
func (t *translator) sub(e celast.Expr, sc *scope, want vkind) (jen.Code, jen.Code, *val, error) {
	var body []jen.Code
	outer, outerRes := t.body, t.res
	t.body, t.res = &body, jen.Id("res")
	c, v, err := t.expr(e, sc)
	t.body, t.res = outer, outerRes
	if err != nil {
		return nil, nil, nil, err
	}
	if want != 0 && v.kind != want {
		return nil, nil, nil, t.fail(e, "operand of kind %v", v.kind)
	}
	if len(body) == 0 {
		return c, nil, v, nil
	}
	body = append(body, jen.Return(c, jen.Nil()))
	vn, en := t.fresh("v"), t.fresh("e")
	t.emit(jen.List(jen.Id(vn), jen.Id(en)).Op(":=").Func().Params().Params(jen.Id("res").Add(v.goType), jen.Err().Error()).Block(body...).Call())
	return jen.Id(vn), jen.Id(en), v, nil
}

// logical translates && and || with CEL's commutative semantics (CEL spec,
// "Logical operators"): false && error is false, true || error is true,
// whichever side the error is on; otherwise an error is the result.
func (t *translator) logical(e celast.Expr, sc *scope, and bool) (jen.Code, *val, error) {
	args := e.AsCall().Args()
	op, result := "&&", jen.True()
	if !and {
		op, result = "||", jen.False()
	}
	// decisive(v) is true when v alone decides the result.
	decisive := func(v jen.Code) jen.Code {
		if and {
			return jen.Op("!").Add(v)
		}
		return v
	}
	lv, le, _, err := t.sub(args[0], sc, kBool)
	if err != nil {
		return nil, nil, err
	}
	var rest []jen.Code
	outer := t.body
	t.body = &rest
	rv, re, _, err := t.sub(args[1], sc, kBool)
	t.body = outer
	if err != nil {
		return nil, nil, err
	}
	if le == nil && re == nil {
		// Neither side can fail: Go's operator gives the same result.
		return jen.Parens(jen.Add(lv).Op(op).Add(rv)), vBool, nil
	}
	n := t.fresh("t")
	t.emit(jen.Var().Id(n).Bool())
	var decide jen.Code
	switch {
	case le == nil: // only the right side can fail
		decide = jen.If(jen.Add(re).Op("!=").Nil()).Block(jen.Return(t.res, re)).Else().Block(jen.Id(n).Op("=").Add(rv))
	case re == nil: // only the left side can fail
		decide = jen.If(decisive(rv)).Block(jen.Id(n).Op("=").Add(rv)).
			Else().If(jen.Add(le).Op("!=").Nil()).Block(jen.Return(t.res, le)).
			Else().Block(jen.Id(n).Op("=").Add(result))
	default:
		decide = jen.If(jen.Add(re).Op("==").Nil().Op("&&").Add(decisive(rv))).Block(jen.Id(n).Op("=").Add(rv)).
			Else().If(jen.Add(le).Op("!=").Nil()).Block(jen.Return(t.res, le)).
			Else().If(jen.Add(re).Op("!=").Nil()).Block(jen.Return(t.res, re)).
			Else().Block(jen.Id(n).Op("=").Add(result))
	}
	rest = append(rest, decide)
	leftDecides := decisive(lv)
	if le != nil {
		leftDecides = jen.Add(le).Op("==").Nil().Op("&&").Add(decisive(lv))
	}
	t.emit(jen.If(leftDecides).Block(jen.Id(n).Op("=").Add(lv)).Else().Block(rest...))
	return jen.Id(n), vBool, nil
}

// conditional translates c ? a : b, evaluating only the chosen branch.
func (t *translator) conditional(e celast.Expr, sc *scope) (jen.Code, *val, error) {
	args := e.AsCall().Args()
	cond, cv, err := t.expr(args[0], sc)
	if err != nil {
		return nil, nil, err
	}
	if cv.kind != kBool {
		return nil, nil, t.fail(args[0], "condition of kind %v", cv.kind)
	}
	rt, err := t.resultType(e)
	if err != nil {
		return nil, nil, err
	}
	n := t.fresh("t")
	t.emit(jen.Var().Id(n).Add(rt.goType))
	branch := func(x celast.Expr) ([]jen.Code, error) {
		var body []jen.Code
		outer := t.body
		t.body = &body
		defer func() { t.body = outer }()
		c, v, err := t.expr(x, sc)
		if err != nil {
			return nil, err
		}
		if !sameGo(v.goType, rt.goType) {
			return nil, t.fail(x, "branch of a different Go type")
		}
		return append(body, jen.Id(n).Op("=").Add(c)), nil
	}
	yes, err := branch(args[1])
	if err != nil {
		return nil, nil, err
	}
	no, err := branch(args[2])
	if err != nil {
		return nil, nil, err
	}
	t.emit(jen.If(cond).Block(yes...).Else().Block(no...))
	return jen.Id(n), rt, nil
}
