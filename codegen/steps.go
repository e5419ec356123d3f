package codegen

import (
	"strings"

	"github.com/procedo/procedo/designer/model"
	"github.com/procedo/procedo/runtime"
)

// step is one node of a process as both paths build it: the same
// runtime.Builder call, with typed functions (generated Go) or cel-go
// programs over JSON (Load). Lint has refused every element the runtime
// cannot execute (rule unsupported-element), so every node of an
// executable process maps to one step.
type step struct {
	n    *model.Node
	kind stepKind
	// Builder arguments.
	timer        runtime.TimerSpec
	message      string // message name
	code         string // error code
	typ          string // procedo:type
	attachedTo   string
	interrupting bool
	called       string
}

type stepKind int

const (
	sStart stepKind = iota + 1
	sTimerStart
	sMessageStart
	sEnd
	sTerminateEnd
	sErrorEnd
	sUserTask
	sServiceTask
	sSendTask
	sReceiveTask
	sScriptTask
	sExclusive
	sParallel
	sInclusive
	sEventBased
	sTimerCatch
	sMessageCatch
	sThrow
	sBoundaryTimer
	sBoundaryMessage
	sBoundaryError
	sSubProcess
	sCallActivity
)

func timerSpec(t *model.Timer) runtime.TimerSpec {
	if t == nil || t.Expr == nil {
		return runtime.TimerSpec{}
	}
	text := strings.TrimSpace(t.Expr.Text)
	switch t.Type {
	case "timeDate":
		return runtime.TimerSpec{Date: text}
	case "timeCycle":
		return runtime.TimerSpec{Cycle: text}
	}
	return runtime.TimerSpec{Duration: text}
}

func messageName(ev *model.EventDef) string {
	if ev == nil || ev.Message == nil {
		return ""
	}
	if ev.Message.Name != "" {
		return ev.Message.Name
	}
	return ev.Message.ID
}

func errorCode(ev *model.EventDef) string {
	if ev == nil || ev.Error == nil {
		return ""
	}
	return ev.Error.Code
}

// steps lists the nodes of p in document order, with their kind.
func steps(p *model.Process) []*step {
	var out []*step
	for _, n := range p.Nodes {
		s := &step{n: n}
		var ev *model.EventDef
		if len(n.Events) == 1 {
			ev = n.Events[0]
		}
		evKind := ""
		if ev != nil {
			evKind = ev.Kind
		}
		switch n.Kind {
		case "startEvent":
			switch evKind {
			case "timer":
				s.kind, s.timer = sTimerStart, timerSpec(ev.Timer)
			case "message":
				s.kind, s.message = sMessageStart, messageName(ev)
			default:
				s.kind = sStart
			}
		case "endEvent":
			switch evKind {
			case "terminate":
				s.kind = sTerminateEnd
			case "error":
				s.kind, s.code = sErrorEnd, errorCode(ev)
			default:
				s.kind = sEnd
			}
		case "userTask":
			s.kind = sUserTask
		case "serviceTask":
			s.kind, s.typ = sServiceTask, n.ServiceType
		case "sendTask":
			s.kind, s.typ = sSendTask, n.ServiceType
		case "receiveTask":
			s.kind = sReceiveTask
			if n.Message != nil {
				s.message = n.Message.Name
				if s.message == "" {
					s.message = n.Message.ID
				}
			}
		case "scriptTask":
			s.kind = sScriptTask
		case "exclusiveGateway":
			s.kind = sExclusive
		case "parallelGateway":
			s.kind = sParallel
		case "inclusiveGateway":
			s.kind = sInclusive
		case "eventBasedGateway":
			s.kind = sEventBased
		case "intermediateCatchEvent":
			if evKind == "timer" {
				s.kind, s.timer = sTimerCatch, timerSpec(ev.Timer)
			} else {
				s.kind, s.message = sMessageCatch, messageName(ev)
			}
		case "intermediateThrowEvent":
			s.kind = sThrow
		case "boundaryEvent":
			if n.AttachedTo != nil {
				s.attachedTo = n.AttachedTo.ID
			}
			s.interrupting = n.Interrupting
			switch evKind {
			case "timer":
				s.kind, s.timer = sBoundaryTimer, timerSpec(ev.Timer)
			case "message":
				s.kind, s.message = sBoundaryMessage, messageName(ev)
			default:
				s.kind, s.code = sBoundaryError, errorCode(ev)
			}
		case "subProcess":
			s.kind = sSubProcess
		case "callActivity":
			s.kind = sCallActivity
			if n.Call != nil {
				s.called = n.Call.CalledElement
			}
		default:
			continue
		}
		out = append(out, s)
	}
	return out
}
