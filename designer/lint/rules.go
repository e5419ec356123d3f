package lint

import (
	"sort"
	"strings"

	"github.com/procedo/procedo/designer/bpmn"
	"github.com/procedo/procedo/designer/model"
)

// Rule is a lint rule. docs/lint.md lists every rule of Rules.
type Rule struct {
	ID       string
	Severity Severity
	// Execution rules check what the runtime needs; they run only on
	// executable processes (isExecutable="true"). The others are
	// structural and run on every process.
	Execution bool
	// Summary says what the rule checks.
	Summary string
	check   func(*context)
}

// Rules returns every rule, sorted by id.
func Rules() []Rule {
	out := make([]Rule, len(rules))
	copy(out, rules)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// rules lists the rules; rules without check are reported from problems
// of the parser and the resolver.
var rules = []Rule{
	{ID: "ad-hoc-sub-process", Severity: Error, Summary: "an ad-hoc sub-process contains no start or end events", check: checkAdHoc},
	{ID: "bpmn-invalid", Severity: Error, Summary: "the document breaks a rule of BPMN 2.0 that the parser or the resolver checks (a sequence flow to a non-node, across a sub-process boundary, a default flow that does not leave its gateway, a boundary event on a non-activity)"},
	{ID: "bpmn-parse", Severity: Error, Summary: "the file cannot be read or is not well-formed BPMN 2.0 XML (procedo lint exits with 2)"},
	{ID: "call-activity", Severity: Error, Execution: true, Summary: "a call activity names the process it calls (calledElement)", check: checkCallActivity},
	{ID: "cel", Severity: Error, Execution: true, Summary: "every CEL expression parses and type-checks against the form variables, with the right result type (conditions bool, assignee and correlation key string, collection list, cardinality int)", check: checkCEL},
	{ID: "condition-language", Severity: Error, Execution: true, Summary: "conditions are written in CEL (language=\"cel\")", check: checkConditionLanguage},
	{ID: "condition-outside-gateway", Severity: Error, Execution: true, Summary: "only flows leaving an exclusive or inclusive gateway carry a condition", check: checkConditionOutsideGateway},
	{ID: "conditional-flows", Severity: Error, Summary: "every flow leaving a forking exclusive or inclusive gateway has a condition or is the gateway's default", check: checkConditionalFlows},
	{ID: "dangling-reference", Severity: Error, Summary: "every reference (sourceRef, attachedToRef, messageRef, default, ...) names an element of the document"},
	{ID: "dead-end", Severity: Error, Summary: "from every node some end of its (sub-)process can be reached: no loop without an exit", check: checkDeadEnd},
	{ID: "duplicate-id", Severity: Error, Summary: "every id is unique in the document"},
	{ID: "end-event-required", Severity: Error, Summary: "every process and sub-process has an end event", check: checkEndEventRequired},
	{ID: "error-code", Severity: Error, Execution: true, Summary: "an error end event throws an error with an errorCode", check: checkErrorCode},
	{ID: "event-based-gateway", Severity: Error, Summary: "an event-based gateway has at least two outgoing flows, each leading to an intermediate catch event or a receive task (BPMN 2.0 §10.6.6)", check: checkEventGatewayTargets},
	{ID: "event-sub-process-typed-start-event", Severity: Error, Summary: "the start event of an event sub-process has a trigger (message, timer, error, ...)", check: checkEventSubProcessStart},
	{ID: "fake-join", Severity: Warning, Summary: "an activity or intermediate event has at most one incoming flow; join with a gateway", check: checkFakeJoin},
	{ID: "form-invalid", Severity: Error, Summary: "every forms/*.schema.json is a JSON Schema describing an object"},
	{ID: "form-parse", Severity: Error, Summary: "every forms/*.schema.json can be read and is JSON (procedo lint exits with 2)"},
	{ID: "form-missing", Severity: Error, Execution: true, Summary: "every form named by procedo:form or procedo:checklist exists in the bundle's forms folder", check: checkFormMissing},
	{ID: "form-required", Severity: Warning, Execution: true, Summary: "the none start event of an executable process and every user task have a procedo:form", check: checkFormRequired},
	{ID: "iso8601", Severity: Error, Execution: true, Summary: "timers (timeDate, timeDuration, timeCycle), procedo:legalTerm and procedo:sla are valid ISO 8601"},
	{ID: "label-required", Severity: Warning, Summary: "flow nodes have a name (except parallel and joining gateways)", check: checkLabelRequired},
	{ID: "link-event", Severity: Error, Summary: "every link throw event has exactly one link catch event with its name in the same (sub-)process, and every catch has a throw", check: checkLinkEvents},
	{ID: "legal-term", Severity: Warning, Execution: true, Summary: "an executable process declares its legal term (procedo:legalTerm)", check: checkLegalTerm},
	{ID: "message-correlation", Severity: Error, Execution: true, Summary: "every message catch of a running instance (receive task, message intermediate or boundary event) has a procedo:correlationKey", check: checkCorrelation},
	{ID: "message-required", Severity: Error, Execution: true, Summary: "message events and receive tasks name their message (messageRef)", check: checkMessageRequired},
	{ID: "multi-instance", Severity: Error, Execution: true, Summary: "a multi-instance activity has exactly one of procedo:collection and loopCardinality", check: checkMultiInstance},
	{ID: "no-bpmndi", Severity: Warning, Summary: "every flow node and sequence flow is drawn in the diagram", check: checkNoBPMNDI},
	{ID: "no-disconnected", Severity: Error, Summary: "every flow node is connected by sequence flows", check: checkConnections},
	{ID: "no-duplicate-sequence-flows", Severity: Error, Summary: "no two sequence flows join the same nodes with the same condition", check: checkDuplicateFlows},
	{ID: "no-executable-process", Severity: Warning, Summary: "a document with processes has at least one executable process; otherwise execution rules are skipped", check: checkNoExecutable},
	{ID: "no-gateway-join-fork", Severity: Warning, Summary: "a gateway either joins or forks, not both", check: checkGatewayJoinFork},
	{ID: "no-implicit-end", Severity: Error, Summary: "a path ends only at an end event (a node without outgoing flow must be an end event)"},
	{ID: "no-implicit-split", Severity: Warning, Summary: "a parallel split is explicit: an activity or event with several unconditional outgoing flows should be followed by a parallel gateway", check: checkImplicitSplit},
	{ID: "no-implicit-start", Severity: Error, Summary: "a path starts only at a start event (a node without incoming flow must be a start or boundary event)"},
	{ID: "procedo-attribute", Severity: Error, Summary: "procedo attributes are known, on the right element and well-formed (see docs/bpmn-extensions.md)"},
	{ID: "script-task", Severity: Error, Execution: true, Summary: "a script task has a CEL script (scriptFormat=\"cel\")", check: checkScriptTask},
	{ID: "service-type", Severity: Error, Execution: true, Summary: "service and send tasks name their implementation with procedo:type", check: checkServiceType},
	{ID: "single-blank-start-event", Severity: Error, Summary: "a process or sub-process has at most one none start event", check: checkSingleBlankStart},
	{ID: "single-event-definition", Severity: Error, Summary: "an event has at most one event definition", check: checkSingleEventDefinition},
	{ID: "start-event-required", Severity: Error, Summary: "every process and sub-process has a start event", check: checkStartEventRequired},
	{ID: "sub-process-blank-start-event", Severity: Error, Summary: "the start event of an embedded sub-process is a none start event", check: checkSubProcessStart},
	{ID: "superfluous-termination", Severity: Warning, Summary: "a terminate end event is used only where other paths may still be active", check: checkSuperfluousTermination},
	{ID: "superfluous-gateway", Severity: Warning, Summary: "a gateway has more than one incoming or outgoing flow", check: checkSuperfluousGateway},
	{ID: "timer", Severity: Error, Execution: true, Summary: "a timer has exactly one of timeDate, timeDuration, timeCycle"},
	{ID: "unreachable", Severity: Error, Summary: "every flow node can be reached from a start event of its (sub-)process", check: checkUnreachable},
	{ID: "unsupported-element", Severity: Error, Execution: true, Summary: "the process uses only elements the runtime executes (see the table in docs/lint.md)", check: checkUnsupported},
	{ID: "variable-not-set", Severity: Warning, Execution: true, Summary: "an expression reads only case variables that every path to it has set (the form declaring them was filled before)", check: checkVariableNotSet},
	{ID: "user-task-assignment", Severity: Error, Execution: true, Summary: "a user task has procedo:offices, procedo:assignee or both", check: checkUserTaskAssignment},
}

// ruleByID indexes rules; filled by init because the checks refer to it.
var ruleByID = map[string]Rule{}

func init() {
	for _, r := range rules {
		ruleByID[r.ID] = r
	}
}

// scope is a process or a sub-process: the nodes that sequence flows
// connect with each other.
type scope struct {
	p     *model.Process
	owner *model.Node // nil for the process itself
	nodes []*model.Node
}

func scopes(p *model.Process) []scope {
	out := []scope{{p: p}}
	idx := map[*model.Node]int{}
	for _, n := range p.Nodes {
		if n.IsSubProcess() {
			idx[n] = len(out)
			out = append(out, scope{p: p, owner: n})
		}
	}
	for _, n := range p.Nodes {
		i := 0
		if n.Parent != nil {
			i = idx[n.Parent]
		}
		out[i].nodes = append(out[i].nodes, n)
	}
	return out
}

// freeOfFlows reports whether sequence flows are not expected at n:
// content of ad-hoc sub-processes, event sub-processes, compensation
// handlers, link events (BPMN 2.0 §10.3.5, §10.5.5).
func freeOfFlows(n *model.Node) bool {
	if n.Parent != nil && n.Parent.Kind == "adHocSubProcess" {
		return true
	}
	if n.TriggeredByEvent {
		return true
	}
	if a, ok := n.Element.(bpmn.Activity); ok {
		if c := a.Activity().IsForCompensation; c != nil && *c {
			return true
		}
	}
	if n.Event("link") != nil || n.Kind == "boundaryEvent" && n.Event("compensate") != nil {
		return true
	}
	return false
}

func isStart(n *model.Node) bool { return n.Kind == "startEvent" }
func isEnd(n *model.Node) bool   { return n.Kind == "endEvent" }

func checkConnections(c *context) {
	for _, p := range c.m.Processes {
		for _, n := range p.Nodes {
			if freeOfFlows(n) {
				continue
			}
			in, out := len(n.Incoming) > 0, len(n.Outgoing) > 0
			if n.Kind == "boundaryEvent" {
				in = true // attached to its activity
			}
			switch {
			case !in && !out && !isStart(n) && !isEnd(n):
				c.node("no-disconnected", n, "%s is not connected: connect it with sequence flows or remove it", label(n))
			case !in && !out && isStart(n):
				c.node("no-disconnected", n, "%s has no outgoing flow: connect it to the first step", label(n))
			case !in && !out && isEnd(n):
				c.node("no-disconnected", n, "%s has no incoming flow: connect the last step to it", label(n))
			case !in && !isStart(n):
				c.node("no-implicit-start", n, "%s has no incoming flow: connect it, or start the path with a start event", label(n))
			case !out && !isEnd(n):
				c.node("no-implicit-end", n, "%s has no outgoing flow: end the path with an end event", label(n))
			}
		}
	}
}

func checkStartEventRequired(c *context) {
	for _, p := range c.m.Processes {
		for _, s := range scopes(p) {
			if len(s.nodes) == 0 || s.owner != nil && s.owner.Kind == "adHocSubProcess" || has(s.nodes, isStart) {
				continue
			}
			if s.owner == nil {
				c.add("start-event-required", p.Pos, p.ID, p, "process %q has no start event: add one where the procedure begins", p.ID)
			} else {
				c.node("start-event-required", s.owner, "%s has no start event: add a none start event inside it", label(s.owner))
			}
		}
	}
}

func checkEndEventRequired(c *context) {
	for _, p := range c.m.Processes {
		for _, s := range scopes(p) {
			if len(s.nodes) == 0 || s.owner != nil && s.owner.Kind == "adHocSubProcess" || has(s.nodes, isEnd) {
				continue
			}
			if s.owner == nil {
				c.add("end-event-required", p.Pos, p.ID, p, "process %q has no end event: add one where the procedure ends", p.ID)
			} else {
				c.node("end-event-required", s.owner, "%s has no end event: add an end event inside it", label(s.owner))
			}
		}
	}
}

func has(nodes []*model.Node, f func(*model.Node) bool) bool {
	for _, n := range nodes {
		if f(n) {
			return true
		}
	}
	return false
}

// checkUnreachable walks forward from the start events of each scope:
// along sequence flows and from an activity to its boundary events.
func checkUnreachable(c *context) {
	for _, p := range c.m.Processes {
		for _, s := range scopes(p) {
			seen := map[*model.Node]bool{}
			var stack []*model.Node
			for _, n := range s.nodes {
				if isStart(n) || freeOfFlows(n) || len(n.Incoming) == 0 && n.Kind != "boundaryEvent" {
					// Nodes without incoming flow are entry points; they
					// are reported by no-implicit-start or no-disconnected.
					seen[n] = true
					stack = append(stack, n)
				}
			}
			if !has(s.nodes, isStart) {
				continue
			}
			for len(stack) > 0 {
				n := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				next := append([]*model.Node(nil), n.Boundary...)
				for _, f := range n.Outgoing {
					if f.Target != nil {
						next = append(next, f.Target)
					}
				}
				for _, m := range next {
					if !seen[m] {
						seen[m] = true
						stack = append(stack, m)
					}
				}
			}
			for _, n := range s.nodes {
				if !seen[n] && n.Kind != "boundaryEvent" {
					c.node("unreachable", n, "%s cannot be reached from the start event: its incoming flows come only from a cycle with no entry; connect it to the flow that starts at the start event", label(n))
				}
			}
		}
	}
}

// checkDeadEnd walks backward from every node without outgoing flow (end
// events, and implicit ends reported elsewhere): a node not reached has
// outgoing flows that only lead round in a cycle.
func checkDeadEnd(c *context) {
	for _, p := range c.m.Processes {
		for _, s := range scopes(p) {
			seen := map[*model.Node]bool{}
			var stack []*model.Node
			for _, n := range s.nodes {
				if len(n.Outgoing) == 0 || freeOfFlows(n) {
					seen[n] = true
					stack = append(stack, n)
				}
			}
			for len(stack) > 0 {
				n := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				var prev []*model.Node
				for _, f := range n.Incoming {
					if f.Source != nil {
						prev = append(prev, f.Source)
					}
				}
				if n.AttachedTo != nil {
					prev = append(prev, n.AttachedTo)
				}
				for _, m := range prev {
					if !seen[m] {
						seen[m] = true
						stack = append(stack, m)
					}
				}
			}
			for _, n := range s.nodes {
				if !seen[n] {
					c.node("dead-end", n, "from %s no end event can be reached: the path loops for ever; add a way out of the cycle (a gateway with a condition, a boundary event)", label(n))
				}
			}
		}
	}
}

func isForkingDecision(n *model.Node) bool {
	return (n.Kind == "exclusiveGateway" || n.Kind == "inclusiveGateway") && len(n.Outgoing) > 1
}

func checkConditionalFlows(c *context) {
	for _, p := range c.m.Processes {
		for _, n := range p.Nodes {
			if !isForkingDecision(n) {
				continue
			}
			for _, f := range n.Outgoing {
				if f.Condition == nil && !f.IsDefault {
					c.flow("conditional-flows", f, p, "flow %q leaving %s has no condition: add a conditionExpression, or make it the gateway's default flow", f.ID, label(n))
				}
			}
		}
	}
}

func checkGatewayJoinFork(c *context) {
	for _, p := range c.m.Processes {
		for _, n := range p.Nodes {
			if n.IsGateway() && len(n.Incoming) > 1 && len(n.Outgoing) > 1 {
				c.node("no-gateway-join-fork", n, "%s both joins and forks: split it into a joining and a forking gateway", label(n))
			}
		}
	}
}

func checkSuperfluousGateway(c *context) {
	for _, p := range c.m.Processes {
		for _, n := range p.Nodes {
			if n.IsGateway() && n.Kind != "eventBasedGateway" && len(n.Incoming) == 1 && len(n.Outgoing) == 1 {
				c.node("superfluous-gateway", n, "%s has one incoming and one outgoing flow: remove it and connect the flow directly", label(n))
			}
		}
	}
}

func checkFakeJoin(c *context) {
	for _, p := range c.m.Processes {
		for _, n := range p.Nodes {
			if n.IsGateway() || isEnd(n) || len(n.Incoming) < 2 {
				continue
			}
			c.node("fake-join", n, "%s has %d incoming flows: it runs once per arriving token; join them with a gateway before it", label(n), len(n.Incoming))
		}
	}
}

func checkImplicitSplit(c *context) {
	for _, p := range c.m.Processes {
		for _, n := range p.Nodes {
			if n.IsGateway() {
				continue
			}
			plain := 0
			for _, f := range n.Outgoing {
				if f.Condition == nil && !f.IsDefault {
					plain++
				}
			}
			if plain > 1 {
				c.node("no-implicit-split", n, "%s has %d unconditional outgoing flows, an implicit parallel split: make it explicit with a parallel gateway", label(n), plain)
			}
		}
	}
}

func checkSingleBlankStart(c *context) {
	for _, p := range c.m.Processes {
		for _, s := range scopes(p) {
			count := 0
			for _, n := range s.nodes {
				if isStart(n) && len(n.Events) == 0 {
					count++
					if count > 1 {
						c.node("single-blank-start-event", n, "%s is a second none start event in the same process: keep one, or give the others a trigger (message, timer)", label(n))
					}
				}
			}
		}
	}
}

func checkSingleEventDefinition(c *context) {
	for _, p := range c.m.Processes {
		for _, n := range p.Nodes {
			if len(n.Events) > 1 {
				c.node("single-event-definition", n, "%s has %d event definitions (a multiple event): keep one, or model the alternatives with an event-based gateway", label(n), len(n.Events))
			}
		}
	}
}

func checkSubProcessStart(c *context) {
	for _, p := range c.m.Processes {
		for _, n := range p.Nodes {
			if isStart(n) && n.Parent != nil && !n.Parent.TriggeredByEvent && len(n.Events) > 0 {
				c.node("sub-process-blank-start-event", n, "%s in sub-process %q has a %s trigger: the start event of an embedded sub-process must be a none start event (BPMN 2.0 §10.5.2)", label(n), n.Parent.ID, n.Events[0].Kind)
			}
		}
	}
}

func checkDuplicateFlows(c *context) {
	for _, p := range c.m.Processes {
		seen := map[[3]string]*model.Flow{}
		for _, f := range p.Flows {
			if f.Source == nil || f.Target == nil {
				continue
			}
			cond := ""
			if f.Condition != nil {
				cond = f.Condition.Text
			}
			k := [3]string{f.Source.ID, f.Target.ID, cond}
			if first, dup := seen[k]; dup {
				c.flow("no-duplicate-sequence-flows", f, p, "flow %q duplicates flow %q (%s to %s): remove one", f.ID, first.ID, f.Source.ID, f.Target.ID)
				continue
			}
			seen[k] = f
		}
	}
}

func checkEventGatewayTargets(c *context) {
	for _, p := range c.m.Processes {
		for _, n := range p.Nodes {
			if n.Kind != "eventBasedGateway" {
				continue
			}
			if len(n.Outgoing) < 2 {
				c.node("event-based-gateway", n, "%s has %d outgoing flow(s): an event-based gateway chooses among at least two events; add the alternatives or remove it", label(n), len(n.Outgoing))
			}
			for _, f := range n.Outgoing {
				t := f.Target
				if t == nil || t.Kind == "receiveTask" || t.Kind == "intermediateCatchEvent" {
					continue
				}
				c.flow("event-based-gateway", f, p, "flow %q leads from event-based gateway %q to %s: an event-based gateway is followed by intermediate catch events (message, timer) or receive tasks", f.ID, n.ID, label(t))
			}
		}
	}
}

func checkLabelRequired(c *context) {
	for _, p := range c.m.Processes {
		for _, n := range p.Nodes {
			if n.Name != "" || n.Kind == "parallelGateway" || n.IsGateway() && len(n.Outgoing) <= 1 {
				continue
			}
			c.node("label-required", n, "%s has no name: name it so that analysts and citizens can read the diagram", label(n))
		}
	}
}

func checkNoBPMNDI(c *context) {
	defs := c.m.Definitions
	if len(c.m.Processes) == 0 {
		return
	}
	if len(defs.Diagrams) == 0 {
		c.add("no-bpmndi", defs.Pos, defs.ID, nil, "the document has no diagram (bpmndi:BPMNDiagram): open and save it in the designer to lay it out")
		return
	}
	drawn := map[string]bool{}
	for _, d := range defs.Diagrams {
		if d.Plane == nil {
			continue
		}
		for _, el := range d.Plane.Elements {
			drawn[bpmn.LocalID(el.Target())] = true
		}
	}
	for _, p := range c.m.Processes {
		for _, n := range p.Nodes {
			if n.ID != "" && !drawn[n.ID] {
				c.node("no-bpmndi", n, "%s is not drawn in the diagram: add a BPMNShape for it (the designer does when you place it)", label(n))
			}
		}
		for _, f := range p.Flows {
			if f.ID != "" && !drawn[f.ID] {
				c.flow("no-bpmndi", f, p, "sequence flow %q is not drawn in the diagram: add a BPMNEdge for it", f.ID)
			}
		}
	}
}

func checkNoExecutable(c *context) {
	if len(c.m.Processes) == 0 || len(c.executable()) > 0 {
		return
	}
	p := c.m.Processes[0]
	c.add("no-executable-process", p.Pos, p.ID, p, "no process is executable: execution checks were skipped; set isExecutable=\"true\" on the process Procedo should run")
}

func checkEventSubProcessStart(c *context) {
	for _, p := range c.m.Processes {
		for _, n := range p.Nodes {
			if isStart(n) && n.Parent != nil && n.Parent.TriggeredByEvent && len(n.Events) == 0 {
				c.node("event-sub-process-typed-start-event", n, "%s of event sub-process %q has no trigger: give it the event that starts the sub-process (message, timer, error, ...)", label(n), n.Parent.ID)
			}
		}
	}
}

func checkAdHoc(c *context) {
	for _, p := range c.m.Processes {
		for _, n := range p.Nodes {
			if n.Parent != nil && n.Parent.Kind == "adHocSubProcess" && (isStart(n) || isEnd(n)) {
				c.node("ad-hoc-sub-process", n, "%s is inside ad-hoc sub-process %q, whose activities run in any order: remove the %s", label(n), n.Parent.ID, n.Kind)
			}
		}
	}
}

// checkLinkEvents pairs link events within each scope (BPMN 2.0
// §10.5.5: a link is a "go to" inside one process level): by the target
// and source references of their definitions when given, else by name
// (white space collapsed, the event's name when the definition has none).
func checkLinkEvents(c *context) {
	for _, p := range c.m.Processes {
		for _, s := range scopes(p) {
			var throws, catches []*model.Node
			catchByDef := map[string]*model.Node{}
			for _, n := range s.nodes {
				e := n.Event("link")
				if e == nil {
					continue
				}
				switch n.Kind {
				case "intermediateThrowEvent":
					throws = append(throws, n)
				case "intermediateCatchEvent":
					catches = append(catches, n)
					if e.ID != "" {
						catchByDef[e.ID] = n
					}
				}
			}
			if len(throws)+len(catches) == 0 {
				continue
			}
			paired := map[*model.Node]bool{}
			byName := map[string][]*model.Node{}
			for _, n := range catches {
				name := linkName(n)
				byName[name] = append(byName[name], n)
				if len(byName[name]) == 2 {
					c.node("link-event", n, "link catch event %q repeats the link name %q: a link has one target", n.ID, name)
				}
			}
			for _, n := range throws {
				def := n.Event("link").Element.(*bpmn.LinkEventDefinition)
				if t := catchByDef[bpmn.LocalID(def.Target)]; t != nil {
					paired[t] = true
					continue
				}
				name := linkName(n)
				if targets := byName[name]; len(targets) > 0 {
					paired[targets[0]] = true
					continue
				}
				c.node("link-event", n, "link throw event %q goes to link %q, which has no catch event in this process level: add one with the same name", n.ID, name)
			}
			for _, n := range catches {
				if !paired[n] && len(n.Event("link").Element.(*bpmn.LinkEventDefinition).Sources) == 0 {
					c.node("link-event", n, "link catch event %q is the target of link %q, which no throw event uses: add a throw event with the same name", n.ID, linkName(n))
				}
			}
		}
	}
}

func linkName(n *model.Node) string {
	name := n.Event("link").Element.(*bpmn.LinkEventDefinition).Name
	if name == "" {
		name = n.Name
	}
	return strings.Join(strings.Fields(name), " ")
}

// checkSuperfluousTermination flags terminate end events in a scope where
// only one path can be active: no parallel or inclusive gateway, no
// implicit split, no non-interrupting boundary event.
func checkSuperfluousTermination(c *context) {
	for _, p := range c.m.Processes {
		for _, s := range scopes(p) {
			parallel := false
			for _, n := range s.nodes {
				plain := 0
				for _, f := range n.Outgoing {
					if f.Condition == nil && !f.IsDefault {
						plain++
					}
				}
				if n.Kind == "parallelGateway" || n.Kind == "inclusiveGateway" || n.Kind == "complexGateway" ||
					n.Kind == "boundaryEvent" && !n.Interrupting || !n.IsGateway() && plain > 1 || n.TriggeredByEvent && !startsInterrupting(n) {
					parallel = true
				}
			}
			if parallel {
				continue
			}
			for _, n := range s.nodes {
				if isEnd(n) && n.Event("terminate") != nil {
					c.node("superfluous-termination", n, "%s terminates, but no other path can be active here: make it a none end event", label(n))
				}
			}
		}
	}
}

func startsInterrupting(sub *model.Node) bool {
	for _, n := range sub.Children {
		if isStart(n) && !n.Interrupting {
			return false
		}
	}
	return true
}
