package celgo

import (
	celast "cel.dev/cel-go/common/ast"

	"github.com/dave/jennifer/jen"
)

// comprehension translates the macros all, exists, exists_one, filter and
// map (CEL spec, "Macros") from the comprehension cel-go expands them to.
func (t *translator) comprehension(e celast.Expr, sc *scope) (jen.Code, *val, error) {
	cmp := e.AsComprehension()
	mc, ok := t.ast.SourceInfo().GetMacroCall(e.ID())
	if !ok || mc.Kind() != celast.CallKind || cmp.HasIterVar2() {
		return nil, nil, t.fail(e, "comprehension that is not a standard macro")
	}
	macro := mc.AsCall().FunctionName()
	rng, rv, err := t.expr(cmp.IterRange(), sc)
	if err != nil {
		return nil, nil, err
	}
	if cmp.IterRange().Kind() != celast.IdentKind {
		rng = t.assign(rng)
	}
	var elem *val
	switch rv.kind {
	case kList:
		elem = rv.elem
	case kMap:
		if macro == "map" || macro == "filter" {
			// The order of the result would follow Go's random map order.
			return nil, nil, t.fail(e, "%s over a map", macro)
		}
		elem = vString
	default:
		return nil, nil, t.fail(e, "%s over %v", macro, rv.kind)
	}
	step := cmp.LoopStep()
	if step.Kind() != celast.CallKind {
		return nil, nil, t.fail(e, "unexpected expansion of %s", macro)
	}
	sargs := step.AsCall().Args()
	raw := t.fresh("x")
	loopVar := t.fresh("x")
	iv, ivv := elem.normalize(jen.Id(raw))
	inner := &scope{parent: sc, names: map[string]binding{cmp.IterVar(): {code: jen.Id(loopVar), v: ivv}}}
	rangeClause := jen.List(jen.Id("_"), jen.Id(raw)).Op(":=").Range().Add(rng)
	if rv.kind == kMap {
		rangeClause = jen.Id(raw).Op(":=").Range().Add(rng)
	}
	// translate the predicate or transform into the loop body.
	loopBody := func(x celast.Expr, want vkind) ([]jen.Code, jen.Code, jen.Code, *val, error) {
		var body []jen.Code
		outer := t.body
		t.body = &body
		defer func() { t.body = outer }()
		body = append(body, jen.Id(loopVar).Op(":=").Add(iv), jen.Id("_").Op("=").Id(loopVar))
		vc, ec, v, err := t.sub(x, inner, want)
		return body, vc, ec, v, err
	}
	n := t.fresh("t")
	switch macro {
	case "all", "exists":
		// all: false wins over errors; exists: true wins over errors.
		body, pv, pe, _, err := loopBody(sargs[1], kBool)
		if err != nil {
			return nil, nil, err
		}
		all := macro == "all"
		en := t.fresh("e")
		var decisive jen.Code = jen.Op("!").Add(pv)
		if !all {
			decisive = pv
		}
		t.emit(jen.Id(n).Op(":=").Lit(all))
		if pe == nil {
			body = append(body, jen.If(decisive).Block(jen.Id(n).Op("=").Lit(!all), jen.Break()))
			t.emit(jen.For(rangeClause).Block(body...))
			return jen.Id(n), vBool, nil
		}
		body = append(body,
			jen.If(jen.Add(pe).Op("!=").Nil()).Block(
				jen.If(jen.Id(en).Op("==").Nil()).Block(jen.Id(en).Op("=").Add(pe)),
				jen.Continue(),
			),
			jen.If(decisive).Block(jen.Id(n).Op("=").Lit(!all), jen.Id(en).Op("=").Nil(), jen.Break()),
		)
		t.emit(jen.Var().Id(en).Error())
		t.emit(jen.For(rangeClause).Block(body...))
		t.emit(jen.If(jen.Id(en).Op("!=").Nil()).Block(jen.Return(t.res, jen.Id(en))))
		return jen.Id(n), vBool, nil
	case "exists_one":
		body, pv, pe, _, err := loopBody(sargs[0], kBool)
		if err != nil {
			return nil, nil, err
		}
		body = append(body, returnIfErr(pe, t.res), jen.If(pv).Block(jen.Id(n).Op("++")))
		t.emit(jen.Id(n).Op(":=").Lit(0))
		t.emit(jen.For(rangeClause).Block(body...))
		return jen.Parens(jen.Id(n).Op("==").Lit(1)), vBool, nil
	case "filter":
		body, pv, pe, _, err := loopBody(sargs[0], kBool)
		if err != nil {
			return nil, nil, err
		}
		body = append(body, returnIfErr(pe, t.res), jen.If(pv).Block(jen.Id(n).Op("=").Append(jen.Id(n), jen.Id(raw))))
		t.emit(jen.Id(n).Op(":=").Add(rv.goType).Values())
		t.emit(jen.For(rangeClause).Block(body...))
		return jen.Id(n), rv, nil
	case "map":
		var filter, transform celast.Expr
		switch {
		case len(sargs) == 3: // filter ? accu + [transform] : accu
			filter = sargs[0]
			add := sargs[1].AsCall().Args()
			transform = add[1].AsList().Elements()[0]
		case len(sargs) == 2:
			transform = sargs[1].AsList().Elements()[0]
		default:
			return nil, nil, t.fail(e, "unexpected expansion of map")
		}
		var body []jen.Code
		if filter != nil {
			b, fv, fe, _, err := loopBody(filter, kBool)
			if err != nil {
				return nil, nil, err
			}
			body = append(b, returnIfErr(fe, t.res), jen.If(jen.Op("!").Add(fv)).Block(jen.Continue()))
		}
		outer := t.body
		t.body = &body
		if filter == nil {
			body = append(body, jen.Id(loopVar).Op(":=").Add(iv), jen.Id("_").Op("=").Id(loopVar))
		}
		tv, te, tval, err := t.sub(transform, inner, 0)
		t.body = outer
		if err != nil {
			return nil, nil, err
		}
		body = append(body, returnIfErr(te, t.res), jen.Id(n).Op("=").Append(jen.Id(n), tv))
		lt := canonicalList(tval)
		t.emit(jen.Id(n).Op(":=").Add(lt.goType).Values())
		t.emit(jen.For(rangeClause).Block(body...))
		return jen.Id(n), lt, nil
	}
	return nil, nil, t.fail(e, "macro %s", macro)
}

// returnIfErr returns "if e != nil { return res, e }", or nothing when the
// value cannot fail (e is nil).
func returnIfErr(e, res jen.Code) jen.Code {
	if e == nil {
		return jen.Null()
	}
	return jen.If(jen.Add(e).Op("!=").Nil()).Block(jen.Return(res, e))
}
