package lint

import (
	"fmt"
	"strings"

	"cel.dev/cel-go/cel"

	"github.com/procedo/procedo/designer/bpmn"
	"github.com/procedo/procedo/designer/model"
)

// unsupportedKinds are the flow nodes the runtime does not execute, with
// why and what to use instead (ARCHITECTURE.md, "Runtime semantics").
var unsupportedKinds = map[string]string{
	"task":                   "an abstract task has no behaviour the engine can run: make it a user task (an official does it), a service task or a script task",
	"manualTask":             "a manual task happens outside the system: make it a user task so that the official confirms it is done",
	"businessRuleTask":       "business rule tasks (DMN decision tables) are not supported: use a script task (CEL) or a service task",
	"complexGateway":         "complex gateways (BPMN 2.0 §10.6.5) are not executed: use exclusive, inclusive or parallel gateways",
	"transaction":            "transactions need cancellation and compensation, which the runtime does not do: use an embedded sub-process with error boundary events",
	"adHocSubProcess":        "ad-hoc sub-processes are not executed: model the order of the activities with sequence flows",
	"intermediateThrowEvent": "intermediate throw events are not executed: use a send task to send a message, or remove the event",
	"implicitThrowEvent":     "implicit throw events are not executed",
}

// supportedEvents says which event definitions each event kind may have
// in an executable process ("" is the none event).
var supportedEvents = map[string][]string{
	"startEvent":             {"", "message", "timer"},
	"endEvent":               {"", "terminate", "error"},
	"intermediateCatchEvent": {"message", "timer"},
	"boundaryEvent":          {"message", "timer", "error"},
}

// eventWhy explains unsupported event definitions.
var eventWhy = map[string]string{
	"signal":      "signals (broadcast to every instance) are not supported: use a message with a correlation key",
	"escalation":  "escalations are not supported: use an error end event and an error boundary event, or a non-interrupting timer",
	"compensate":  "compensation is not supported: model the undo steps explicitly",
	"conditional": "conditional events are not supported: use an exclusive gateway, or a timer that checks again",
	"link":        "link events are not supported: connect the nodes with a sequence flow",
	"cancel":      "cancel events belong to transactions, which are not supported",
}

func checkUnsupported(c *context) {
	for _, p := range c.executable() {
		for _, n := range p.Nodes {
			if why, ok := unsupportedKinds[n.Kind]; ok {
				c.node("unsupported-element", n, "%s cannot be executed: %s", label(n), why)
				continue
			}
			if n.TriggeredByEvent {
				c.node("unsupported-element", n, "%s is an event sub-process, which cannot be executed: model the handler with a boundary event on the activity it watches", label(n))
				continue
			}
			if n.StandardLoop {
				c.node("unsupported-element", n, "%s has a standard loop, which cannot be executed: use a multi-instance marker, or a loop back through an exclusive gateway", label(n))
			}
			if a, ok := n.Element.(bpmn.Activity); ok {
				if comp := a.Activity().IsForCompensation; comp != nil && *comp {
					c.node("unsupported-element", n, "%s is a compensation handler: compensation is not supported", label(n))
				}
			}
			switch x := n.Element.(type) {
			case *bpmn.ReceiveTask:
				if x.Instantiate != nil && *x.Instantiate {
					c.node("unsupported-element", n, "%s instantiates the process (instantiate=\"true\"): start the process with a message start event instead", label(n))
				}
			case *bpmn.EventBasedGateway:
				if x.Instantiate != nil && *x.Instantiate {
					c.node("unsupported-element", n, "%s instantiates the process: start the process with a start event instead", label(n))
				}
			}
			allowed, isEvent := supportedEvents[n.Kind]
			if !isEvent || len(n.Events) > 1 {
				continue // multiple events: single-event-definition
			}
			kind := ""
			if len(n.Events) == 1 {
				kind = n.Events[0].Kind
			}
			if contains(allowed, kind) {
				if n.Parent != nil && isStart(n) && kind != "" {
					continue // sub-process-blank-start-event
				}
				continue
			}
			if n.Parent != nil && n.Parent.TriggeredByEvent {
				continue // the event sub-process is reported
			}
			if kind == "" {
				kind = "none"
			}
			why := eventWhy[kind]
			if why == "" {
				why = fmt.Sprintf("a %s may be %s", n.Kind, describeAllowed(allowed))
			}
			c.node("unsupported-element", n, "%s (%s trigger) cannot be executed: %s", label(n), kind, why)
		}
	}
}

func describeAllowed(allowed []string) string {
	var parts []string
	for _, a := range allowed {
		if a == "" {
			a = "none"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, ", ")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func checkConditionLanguage(c *context) {
	for _, p := range c.executable() {
		for _, f := range p.Flows {
			if f.Condition != nil && !f.Condition.IsCEL() {
				c.add("condition-language", f.Condition.Pos, f.ID, p, "the condition of flow %q is in %q: Procedo evaluates CEL, set language=\"cel\" and write it in CEL", f.ID, f.Condition.Language)
			}
		}
	}
}

func checkConditionOutsideGateway(c *context) {
	for _, p := range c.executable() {
		for _, f := range p.Flows {
			if f.Condition == nil || f.Source == nil {
				continue
			}
			if f.Source.Kind != "exclusiveGateway" && f.Source.Kind != "inclusiveGateway" {
				c.flow("condition-outside-gateway", f, p, "flow %q leaving %s has a condition: only flows leaving an exclusive or inclusive gateway are conditional; put a gateway after %q", f.ID, label(f.Source), f.Source.ID)
			}
		}
	}
}

// checkCEL compiles every CEL expression of the executable processes
// against the case variables. Without forms (a bare .bpmn file) only the
// syntax can be checked.
func checkCEL(c *context) {
	ex := c.executable()
	if len(ex) == 0 {
		return
	}
	var base *cel.Env
	if c.m.HasForms {
		var err error
		base, err = c.m.Env()
		if err != nil {
			c.add("cel", bpmn.Pos{Line: 1, Col: 1}, "", nil, "cannot declare the form variables to CEL: %v", err)
			return
		}
	}
	check := func(p *model.Process, env *cel.Env, e *model.Expr, want *cel.Type) {
		if e == nil || !e.IsCEL() {
			return
		}
		_, errs := e.Check(env, want)
		// The first error is the one to fix; the parser's later ones are
		// mostly its consequences.
		for i, err := range errs[:min(len(errs), 1)] {
			hint := ""
			if more := len(errs) - 1 - i; more > 0 {
				hint = fmt.Sprintf(" (and %d more after it)", more)
			}
			switch t := strings.TrimSpace(e.Text); {
			case strings.HasPrefix(t, "${") || strings.HasPrefix(t, "#{"):
				hint += " (this looks like a JUEL expression: Procedo expressions are CEL, write e.g. decisione == \"accolta\")"
			case strings.HasPrefix(t, "="):
				hint += " (this looks like a FEEL expression: Procedo expressions are CEL, drop the leading = and write e.g. decisione == \"accolta\")"
			}
			c.add("cel", err.Pos, e.ElementID, p, "%s of %q, column %d: %s%s", e.Field, e.ElementID, err.Column, err.Msg, hint)
		}
	}
	for _, p := range ex {
		for _, f := range p.Flows {
			check(p, base, f.Condition, cel.BoolType)
		}
		for _, n := range p.Nodes {
			env, err := model.NodeEnv(base, n)
			if err != nil {
				env = base
			}
			if n.Loop != nil {
				check(p, base, n.Loop.Collection, cel.ListType(cel.DynType))
				check(p, base, n.Loop.Cardinality, cel.IntType)
				check(p, env, n.Loop.Completion, cel.BoolType)
			}
			check(p, env, n.Assignee, cel.StringType)
			check(p, env, n.CorrelationKey, cel.StringType)
			if n.Kind == "scriptTask" {
				check(p, env, n.Script, nil)
			}
			if n.Call != nil {
				for _, in := range n.Call.Inputs {
					check(p, env, in.Source, nil)
				}
			}
		}
	}
}

func checkFormMissing(c *context) {
	if !c.m.HasForms {
		return
	}
	have := map[string]bool{}
	for _, f := range c.m.Forms {
		have[f.Name] = true
	}
	var names []string
	for _, f := range c.m.Forms {
		names = append(names, f.Name)
	}
	list := strings.Join(names, ", ")
	if list == "" {
		list = "none"
	}
	for _, p := range c.executable() {
		for _, n := range p.Nodes {
			for _, ref := range []struct{ attr, name string }{{"procedo:form", n.Form}, {"procedo:checklist", n.Checklist}} {
				if ref.name != "" && !have[ref.name] {
					c.node("form-missing", n, "%s of %s names form %q, which is not in the bundle: add forms/%s.schema.json (forms present: %s)", ref.attr, label(n), ref.name, ref.name, list)
				}
			}
		}
	}
}

func checkFormRequired(c *context) {
	// A process started by a call activity gets its data from the caller.
	called := map[*model.Process]bool{}
	for _, p := range c.m.Processes {
		for _, n := range p.Nodes {
			if n.Call != nil && n.Call.Process != nil {
				called[n.Call.Process] = true
			}
		}
	}
	for _, p := range c.executable() {
		for _, n := range p.Nodes {
			if n.Form != "" {
				continue
			}
			switch {
			case n.Kind == "userTask":
				c.node("form-required", n, "%s has no procedo:form: the official will only be able to mark it done; name the form they fill", label(n))
			case isStart(n) && n.Parent == nil && len(n.Events) == 0 && !called[p]:
				c.node("form-required", n, "%s has no procedo:form: the citizen will start the procedure without filling in an application; name the application form", label(n))
			}
		}
	}
}

func checkUserTaskAssignment(c *context) {
	for _, p := range c.executable() {
		for _, n := range p.Nodes {
			if n.Kind == "userTask" && len(n.Offices) == 0 && n.Assignee == nil {
				c.node("user-task-assignment", n, "%s has neither procedo:offices nor procedo:assignee: nobody would see it; name the candidate offices or the assignee", label(n))
			}
		}
	}
}

func checkCorrelation(c *context) {
	for _, p := range c.executable() {
		for _, n := range p.Nodes {
			catches := n.Kind == "receiveTask" ||
				(n.Kind == "intermediateCatchEvent" || n.Kind == "boundaryEvent") && n.Event("message") != nil
			if catches && n.CorrelationKey == nil {
				c.node("message-correlation", n, "%s waits for a message but has no procedo:correlationKey: add a CEL expression that tells this case's messages apart, e.g. richiedente.codiceFiscale", label(n))
			}
		}
	}
}

func checkMessageRequired(c *context) {
	for _, p := range c.executable() {
		for _, n := range p.Nodes {
			if n.Kind == "receiveTask" && n.Message == nil {
				c.node("message-required", n, "%s names no message: set messageRef to a <message> of the document", label(n))
			}
			if n.Kind == "endEvent" || n.Kind == "intermediateThrowEvent" {
				continue // message throw events: unsupported-element
			}
			if e := n.Event("message"); e != nil && e.Message == nil {
				c.node("message-required", n, "%s names no message: set messageRef on its messageEventDefinition to a <message> of the document", label(n))
			}
		}
	}
}

func checkServiceType(c *context) {
	for _, p := range c.executable() {
		for _, n := range p.Nodes {
			if (n.Kind == "serviceTask" || n.Kind == "sendTask") && n.ServiceType == "" {
				if _, set := n.Element.Attr(bpmn.ProcedoNS, "type"); set {
					continue // malformed: procedo-attribute
				}
				c.node("service-type", n, "%s has no procedo:type: name the implementation that runs it, e.g. procedo:type=\"ztl.verifica-targa\"", label(n))
			}
		}
	}
}

func checkErrorCode(c *context) {
	for _, p := range c.executable() {
		for _, n := range p.Nodes {
			e := n.Event("error")
			if e == nil || !isEnd(n) {
				continue
			}
			switch {
			case e.Error == nil:
				c.node("error-code", n, "%s throws no error: set errorRef to an <error> with an errorCode", label(n))
			case e.Error.Code == "":
				c.node("error-code", n, "%s throws error %q, which has no errorCode: give the error a code that boundary events can catch", label(n), e.Error.ID)
			}
		}
	}
}

func checkScriptTask(c *context) {
	for _, p := range c.executable() {
		for _, n := range p.Nodes {
			if n.Kind != "scriptTask" {
				continue
			}
			switch {
			case n.ScriptFormat != "" && !equalFoldCEL(n.ScriptFormat):
				c.node("script-task", n, "%s has scriptFormat %q: Procedo runs CEL scripts, set scriptFormat=\"cel\"", label(n), n.ScriptFormat)
			case n.Script == nil || strings.TrimSpace(n.Script.Text) == "":
				c.node("script-task", n, "%s has no script: write a CEL expression in <script> and name its result with procedo:resultVariable", label(n))
			case n.ResultVariable == "":
				if _, set := n.Element.Attr(bpmn.ProcedoNS, "resultVariable"); !set {
					c.node("script-task", n, "%s has no procedo:resultVariable: a CEL script has no side effects, so its value must be stored; name the variable", label(n))
				}
			}
		}
	}
}

func equalFoldCEL(s string) bool { return strings.EqualFold(s, "cel") }

func checkMultiInstance(c *context) {
	for _, p := range c.executable() {
		for _, n := range p.Nodes {
			l := n.Loop
			if l == nil {
				continue
			}
			switch {
			case l.Collection == nil && l.Cardinality == nil:
				c.add("multi-instance", l.Pos, n.ID, p, "multi-instance %s has neither procedo:collection nor loopCardinality: say how many instances to run", label(n))
			case l.Collection != nil && l.Cardinality != nil:
				c.add("multi-instance", l.Pos, n.ID, p, "multi-instance %s has both procedo:collection and loopCardinality: keep one", label(n))
			}
		}
	}
}

func checkCallActivity(c *context) {
	for _, p := range c.executable() {
		for _, n := range p.Nodes {
			if n.Call != nil && strings.TrimSpace(n.Call.CalledElement) == "" {
				c.node("call-activity", n, "%s has no calledElement: name the id of the process it calls", label(n))
			}
		}
	}
}

func checkLegalTerm(c *context) {
	for _, p := range c.executable() {
		if _, set := p.Element.Attr(bpmn.ProcedoNS, "legalTerm"); !set {
			c.add("legal-term", p.Pos, p.ID, p, "process %q has no procedo:legalTerm: without one the law sets 30 days (law 241/1990 art. 2 c. 2); declare the term, e.g. procedo:legalTerm=\"P30D\"", p.ID)
		}
	}
}
