package codegen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/procedo/procedo/designer/model"
)

func (p *Process) processFile(pkg string) *jen.File {
	m := p.Model
	f := jen.NewFile(pkg)
	header(f, p.b.Source)
	f.Add(comment(fmt.Sprintf("ProcessKey is the id of the process in %s.", p.b.Source)))
	f.Const().Id("ProcessKey").Op("=").Lit(m.ID)
	f.Line()
	f.Comment("Hash identifies this version of the bundle (its BPMN document and forms) and this process: instances refer to their definition by it.")
	f.Const().Id("Hash").Op("=").Lit(p.Hash)
	f.Line()

	// Fallbacks: listed in a comment, compiled once at init.
	var fallbacks []*expr
	for _, x := range p.exprs {
		if x.fallback() {
			fallbacks = append(fallbacks, x)
		}
	}
	fallbacks = append(fallbacks, p.outputs...)
	needSet := len(p.outputs) > 0
	if len(fallbacks) > 0 {
		var lines []string
		lines = append(lines, "The expressions below are not translated into Go: each runs on a cel-go program compiled once at init, with a cost limit (package celrt).")
		for _, x := range fallbacks {
			lines = append(lines, fmt.Sprintf("  - %s (%s:%d:%d): %s — %s", x.label, p.b.Source, x.m.Pos.Line, x.m.Pos.Col, oneLine(x.m.Text), x.why))
		}
		f.Add(comment(strings.Join(lines, "\n")))
		f.Var().DefsFunc(func(g *jen.Group) {
			for _, x := range fallbacks {
				vars := jen.Id("celVars")
				if x.role == "" {
					vars = jen.Nil()
				}
				g.Id(x.prgNm).Op("=").Qual(celrtPkg, "MustCompile").Call(jen.Lit(x.m.Text), vars)
			}
		})
		f.Line()
		f.Comment("celVars are the types of the variables, for the cel-go programs: JSON numbers become CEL ints or doubles, date-times the text a time.Time prints.")
		f.Var().Id("celVars").Op("=").Map(jen.String()).Op("*").Qual(celrtPkg, "Type").Values(jen.DictFunc(func(d jen.Dict) {
			for _, k := range sortedKeys(p.celVars) {
				d[jen.Lit(k)] = celrtTypeCode(p.celVars[k])
			}
		}))
		f.Line()
	}

	// Definition.
	var body []jen.Code
	for _, s := range steps(m) {
		if key, _ := formsOf(s); key != "" {
			body = append(body,
				jen.List(jen.Id("fs"), jen.Err()).Op(":=").Id("compiledForms").Call(),
				jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())))
			break
		}
	}
	builder := jen.Id("b").Op(":=").Qual(runtimePkg, "NewBuilder").Types(jen.Id("Variables")).Call(jen.Id("ProcessKey"), jen.Lit(m.Name)).Dot("Hash").Call(jen.Id("Hash")).Dot("Codec").Call(jen.Id("variablesCodec").Values())
	if m.LegalTerm != nil {
		builder = builder.Dot("Term").Call(jen.Lit(m.LegalTerm.String()))
	}
	body = append(body, builder)
	fn := func(e *model.Expr) jen.Code {
		if x := p.byExpr[e]; x != nil && x.role != "" {
			return jen.Id(x.name)
		}
		return jen.Nil()
	}
	for _, s := range steps(m) {
		n := s.n
		desc := fmt.Sprintf("%s %s", n.Kind, n.ID)
		if n.Name != "" {
			desc += fmt.Sprintf(" %q", n.Name)
		}
		body = append(body, jen.Line(), comment(fmt.Sprintf("%s (%s).", desc, p.where(n))))
		if doc := documentation(n); doc != "" && s.kind != sServiceTask && s.kind != sSendTask {
			body = append(body, comment(doc))
		}
		id := jen.Lit(n.ID)
		var st *jen.Statement
		b := jen.Id("b")
		switch s.kind {
		case sStart:
			st = b.Dot("StartEvent").Call(id)
		case sTimerStart:
			st = b.Dot("TimerStartEvent").Call(id, timerCode(s))
		case sMessageStart:
			st = b.Dot("MessageStartEvent").Call(id, jen.Lit(s.message))
		case sEnd:
			st = b.Dot("EndEvent").Call(id)
		case sTerminateEnd:
			st = b.Dot("TerminateEndEvent").Call(id)
		case sErrorEnd:
			st = b.Dot("ErrorEndEvent").Call(id, jen.Lit(s.code))
		case sUserTask:
			st = b.Dot("UserTask").Call(id)
		case sServiceTask:
			st = b.Dot("ServiceTask").Call(id, jen.Lit(s.typ))
		case sSendTask:
			st = b.Dot("SendTask").Call(id, jen.Lit(s.typ))
		case sReceiveTask:
			st = b.Dot("ReceiveTask").Call(id, jen.Lit(s.message), fn(n.CorrelationKey))
		case sScriptTask:
			if x := p.byExpr[n.Script]; x != nil {
				st = b.Dot("ScriptTask").Call(id, jen.Id(x.name))
				if n.ResultVariable != "" {
					needSet = true
				}
			} else {
				st = b.Dot("ScriptTask").Call(id, jen.Func().Params(jen.Op("*").Id("Variables")).Error().Block(jen.Return(jen.Nil())))
			}
		case sExclusive:
			st = b.Dot("ExclusiveGateway").Call(id)
		case sParallel:
			st = b.Dot("ParallelGateway").Call(id)
		case sInclusive:
			st = b.Dot("InclusiveGateway").Call(id)
		case sEventBased:
			st = b.Dot("EventBasedGateway").Call(id)
		case sTimerCatch:
			st = b.Dot("TimerCatchEvent").Call(id, timerCode(s))
		case sMessageCatch:
			st = b.Dot("MessageCatchEvent").Call(id, jen.Lit(s.message), fn(n.CorrelationKey))
		case sThrow:
			st = b.Dot("ThrowEvent").Call(id)
		case sBoundaryTimer:
			st = b.Dot("BoundaryTimer").Call(id, jen.Lit(s.attachedTo), timerCode(s), jen.Lit(s.interrupting))
		case sBoundaryMessage:
			st = b.Dot("BoundaryMessage").Call(id, jen.Lit(s.attachedTo), jen.Lit(s.message), fn(n.CorrelationKey), jen.Lit(s.interrupting))
		case sBoundaryError:
			st = b.Dot("BoundaryError").Call(id, jen.Lit(s.attachedTo), jen.Lit(s.code))
		case sSubProcess:
			st = b.Dot("SubProcess").Call(id)
		case sCallActivity:
			st = b.Dot("CallActivity").Call(id, jen.Lit(s.called))
			if n.Call != nil && len(n.Call.Inputs) > 0 {
				var in []jen.Code
				in = append(in, jen.Id("out").Op(":=").Map(jen.String()).Any().Values())
				for _, mp := range n.Call.Inputs {
					in = append(in,
						jen.List(jen.Id("x"), jen.Err()).Op(":=").Add(fn(mp.Source)).Call(jen.Id("vars")),
						jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
						jen.Id("out").Index(jen.Lit(mp.Target)).Op("=").Id("x"))
				}
				in = append(in, jen.Return(jen.Qual("encoding/json", "Marshal").Call(jen.Id("out"))))
				st = st.Dot("CallIn").Call(jen.Func().Params(jen.Id("vars").Op("*").Id("Variables")).Params(jen.Qual("encoding/json", "RawMessage"), jen.Error()).Block(in...))
			}
			if n.Call != nil && len(n.Call.Outputs) > 0 {
				var out []jen.Code
				out = append(out,
					jen.List(jen.Id("cv"), jen.Err()).Op(":=").Qual(celrtPkg, "DecodeObject").Call(jen.Id("child")),
					jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
				for _, mp := range n.Call.Outputs {
					x := p.byExpr[mp.Source]
					out = append(out,
						jen.List(jen.Id("x"), jen.Err()).Op(":=").Id(x.prgNm).Dot("Eval").Call(jen.Id("cv")),
						jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
						jen.If(jen.Err().Op(":=").Id("setVariable").Call(jen.Id("vars"), jen.Lit(mp.Target), jen.Id("x")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
				}
				out = append(out, jen.Return(jen.Nil()))
				st = st.Dot("CallOut").Call(jen.Func().Params(jen.Id("vars").Op("*").Id("Variables"), jen.Id("child").Qual("encoding/json", "RawMessage")).Error().Block(out...))
			}
		}
		if n.Name != "" {
			st = st.Dot("Named").Call(jen.Lit(n.Name))
		}
		if n.Parent != nil {
			st = st.Dot("In").Call(jen.Lit(n.Parent.ID))
		}
		if n.Default != nil {
			st = st.Dot("Default").Call(jen.Lit(n.Default.ID))
		}
		if key, names := formsOf(s); key != "" {
			var fs, keys []jen.Code
			for _, name := range names {
				fs = append(fs, jen.Id("fs").Index(jen.Lit(name)))
				var ks []jen.Code
				for _, k := range p.formKeys(name) {
					ks = append(ks, jen.Lit(k))
				}
				keys = append(keys, jen.Values(ks...))
			}
			st = st.Dot("Form").Call(jen.Lit(key), jen.Id("formValidator").Values(jen.Dict{
				jen.Id("forms"): jen.Index().Op("*").Qual(formsPkg, "Form").Values(fs...),
				jen.Id("keys"):  jen.Index().Index().String().Values(keys...),
			}))
		}
		if len(n.Offices) > 0 {
			var os []jen.Code
			for _, o := range n.Offices {
				os = append(os, jen.Lit(o))
			}
			st = st.Dot("Offices").Call(os...)
		}
		if n.SLA != nil {
			st = st.Dot("SLA").Call(jen.Lit(n.SLA.String()))
		}
		if n.SuspendsTerm {
			st = st.Dot("Suspends").Call()
		}
		if n.Assignee != nil {
			st = st.Dot("Assignee").Call(fn(n.Assignee))
		}
		if l := n.Loop; l != nil {
			var count jen.Code = jen.Nil()
			switch {
			case l.Collection != nil:
				count = fn(l.Collection)
			case l.Cardinality != nil:
				count = fn(l.Cardinality)
			}
			var completion jen.Code = jen.Nil()
			if l.Completion != nil {
				completion = fn(l.Completion)
			}
			st = st.Dot("MultiInstance").Call(jen.Lit(l.Sequential), count, completion)
		}
		body = append(body, st)
	}
	body = append(body, jen.Line(), jen.Comment("Sequence flows."))
	for _, fl := range m.Flows {
		if fl.Source == nil || fl.Target == nil {
			continue
		}
		x := p.byExpr[fl.Condition]
		if fl.Condition == nil || fl.IsDefault || x == nil {
			body = append(body, jen.Id("b").Dot("Flow").Call(jen.Lit(fl.ID), jen.Lit(fl.Source.ID), jen.Lit(fl.Target.ID)))
			continue
		}
		body = append(body, jen.Id("b").Dot("FlowIf").Call(jen.Lit(fl.ID), jen.Lit(fl.Source.ID), jen.Lit(fl.Target.ID), jen.Lit(fl.Condition.Text), jen.Id(x.name)))
	}
	body = append(body, jen.Return(jen.Id("b").Dot("Build").Call()))
	f.Add(comment(fmt.Sprintf("Definition returns the runtime definition of process %q (%s), built from %s. Deploy it with Engine.Deploy, or carry it with Engine.Register; bind the service tasks with Handlers.", m.ID, m.Name, p.b.Source)))
	f.Func().Id("Definition").Params().Params(jen.Op("*").Qual(runtimePkg, "Definition"), jen.Error()).Block(body...)
	f.Line()

	// Expression functions.
	for _, x := range p.exprs {
		p.exprFuncs(f, x)
	}
	if needSet {
		f.Comment("setVariable stores value into variable name by a JSON round trip (the value of a script or a call mapping), as codegen.Load does.")
		f.Func().Id("setVariable").Params(jen.Id("vars").Op("*").Id("Variables"), jen.Id("name").String(), jen.Id("value").Any()).Error().Block(
			jen.List(jen.Id("data"), jen.Err()).Op(":=").Qual("encoding/json", "Marshal").Call(jen.Map(jen.String()).Any().Values(jen.Dict{jen.Id("name"): jen.Id("value")})),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("variable %s: %w"), jen.Id("name"), jen.Err()))),
			jen.If(jen.Err().Op(":=").Qual("encoding/json", "Unmarshal").Call(jen.Id("data"), jen.Id("vars")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("variable %s: %w"), jen.Id("name"), jen.Err()))),
			jen.Return(jen.Nil()),
		)
	}
	return f
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func timerCode(s *step) jen.Code {
	d := jen.Dict{}
	switch {
	case s.timer.Date != "":
		d[jen.Id("Date")] = jen.Lit(s.timer.Date)
	case s.timer.Cycle != "":
		d[jen.Id("Cycle")] = jen.Lit(s.timer.Cycle)
	default:
		d[jen.Id("Duration")] = jen.Lit(s.timer.Duration)
	}
	return jen.Qual(runtimePkg, "TimerSpec").Values(d)
}

// exprFuncs emits the function of one expression with the signature its
// role needs: the translation (and a wrapper when the role adapts its
// value), or the call into its cel-go program.
func (p *Process) exprFuncs(f *jen.File, x *expr) {
	vars := jen.Id("vars").Op("*").Id("Variables")
	src := fmt.Sprintf("%s (%s:%d:%d): %s", x.label, p.b.Source, x.m.Pos.Line, x.m.Pos.Col, x.m.Text)
	if x.fn != nil {
		f.Add(comment(fmt.Sprintf("%s translates %s", funcName(x), src)))
		f.Add(x.fn.Decl)
		f.Line()
	}
	prg := jen.Id(x.prgNm)
	evalValue := func() *jen.Statement { return prg.Clone().Dot("EvalValue").Call(jen.Id("vars")) }
	switch x.role {
	case "cond", "assignee", "key":
		if x.fn != nil {
			return
		}
		conv := map[string]string{"cond": "AsBool", "assignee": "AsString", "key": "AsKey"}[x.role]
		res := map[string]jen.Code{"cond": jen.Bool(), "assignee": jen.String(), "key": jen.String()}[x.role]
		f.Add(comment(fmt.Sprintf("%s evaluates with cel-go %s", x.name, src)))
		f.Func().Id(x.name).Params(vars).Params(res, jen.Error()).Block(jen.Return(jen.Qual(celrtPkg, conv).Call(evalValue())))
	case "completion":
		if x.fn != nil {
			return
		}
		f.Add(comment(fmt.Sprintf("%s evaluates with cel-go %s", x.name, src)))
		f.Func().Id(x.name).Params(vars, jen.Id("s").Qual(runtimePkg, "MIStatus")).Params(jen.Bool(), jen.Error()).Block(
			jen.List(jen.Id("m"), jen.Err()).Op(":=").Qual(celrtPkg, "Vars").Call(jen.Id("vars")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.False(), jen.Err())),
			jen.Return(jen.Qual(celrtPkg, "AsBool").Call(prg.Clone().Dot("Eval").Call(jen.Qual(celrtPkg, "WithCounters").Call(jen.Id("m"), jen.Id("s").Dot("NrOfInstances"), jen.Id("s").Dot("NrOfActiveInstances"), jen.Id("s").Dot("NrOfCompletedInstances"))))),
		)
	case "script":
		value := jen.Id(x.inner).Call(jen.Id("vars"))
		if x.fn == nil {
			value = evalValue()
		}
		result := p.scriptResult(x)
		f.Add(comment(fmt.Sprintf("%s runs %s", x.name, src)))
		if result == "" {
			f.Func().Id(x.name).Params(vars).Error().Block(jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(value), jen.Return(jen.Err()))
		} else {
			f.Func().Id(x.name).Params(vars).Error().Block(
				jen.List(jen.Id("x"), jen.Err()).Op(":=").Add(value),
				jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
				jen.Return(jen.Id("setVariable").Call(jen.Id("vars"), jen.Lit(result), jen.Id("x"))))
		}
	case "collection":
		f.Add(comment(fmt.Sprintf("%s counts the instances of %s", x.name, src)))
		if x.fn == nil {
			f.Func().Id(x.name).Params(vars).Params(jen.Int(), jen.Error()).Block(jen.Return(jen.Qual(celrtPkg, "AsSize").Call(evalValue())))
		} else {
			f.Func().Id(x.name).Params(vars).Params(jen.Int(), jen.Error()).Block(
				jen.List(jen.Id("l"), jen.Err()).Op(":=").Id(x.inner).Call(jen.Id("vars")),
				jen.Return(jen.Len(jen.Id("l")), jen.Err()))
		}
	case "cardinality":
		value := jen.Id(x.inner).Call(jen.Id("vars"))
		if x.fn == nil {
			value = jen.Qual(celrtPkg, "AsInt").Call(evalValue())
		}
		f.Add(comment(fmt.Sprintf("%s counts the instances of %s", x.name, src)))
		f.Func().Id(x.name).Params(vars).Params(jen.Int(), jen.Error()).Block(
			jen.List(jen.Id("n"), jen.Err()).Op(":=").Add(value),
			jen.Return(jen.Int().Call(jen.Id("n")), jen.Err()))
	case "input":
		value := jen.Id(x.inner).Call(jen.Id("vars"))
		if x.fn == nil {
			value = evalValue()
		}
		f.Add(comment(fmt.Sprintf("%s evaluates %s", x.name, src)))
		f.Func().Id(x.name).Params(vars).Params(jen.Any(), jen.Error()).Block(jen.Return(value))
	}
	f.Line()
}

func funcName(x *expr) string {
	switch x.role {
	case "script", "collection", "cardinality", "input":
		return x.inner
	}
	return x.name
}

func (p *Process) scriptResult(x *expr) string {
	for _, n := range p.Model.Nodes {
		if n.Script == x.m {
			return n.ResultVariable
		}
	}
	return ""
}
