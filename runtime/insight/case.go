package insight

import (
	"encoding/json"
	"time"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
)

// Case is what the history says about one instance, folded event by event
// (Apply): the facts every indicator is computed from.
type Case struct {
	Body        string
	ID          string
	Process     string // process key, from the started event
	Hash        string // definition hash (the deployment)
	BusinessKey string
	Status      store.InstanceStatus // active until a completed, terminated or failed event
	Started     time.Time
	Ended       time.Time // zero while active
	Runs        []Run     // activity runs, in the order they were entered
	Tasks       []*TaskFact
	// Documents maps a document name to its highest version.
	Documents map[string]int
	// Suspensions are the periods the legal term stood still (law
	// 241/1990 art. 2 c. 7); the last one is open while End is zero.
	Suspensions []Period
	// Due is the last day of the legal term as last recorded by the
	// engine (a suspension-ended or term-breached event), zero when not
	// recorded; Index fills it from the procedure's term otherwise.
	Due           time.Time
	dueRecorded   bool
	Breached      bool
	Reassignments int
	// Checklists holds the answers of checklist tasks (element → item →
	// answer), read from the variables when the task was completed.
	Checklists map[string]map[string]Answer
	// Approved is the outcome read from the variables (Procedure.Outcome).
	Approved bool
	Seq      int64 // last event applied

	open map[string]int // element + token → index in Runs of the open run
}

// Run is one execution of an activity: entered, then left.
type Run struct {
	Element string
	Kind    string // BPMN element name, e.g. userTask
	Visit   int    // 2 and more: rework
	Entered time.Time
	Left    time.Time // zero while running
	Outcome string
}

// Period is an interval of time; End is zero while it lasts.
type Period struct{ Start, End time.Time }

// TaskFact is one user task of the case.
type TaskFact struct {
	ID          string
	Element     string
	Offices     []string
	Created     time.Time
	Claimed     time.Time // first claim; the completion time when completed unclaimed
	Ended       time.Time
	Due         time.Time // SLA, zero when none
	Assignee    string
	CompletedBy string
	Status      store.TaskStatus
	Reassigned  int
}

// Answer is one answer of a checklist item.
type Answer int

// Answers: a "no" is what the anti-corruption officer looks for.
const (
	AnswerNA Answer = iota
	AnswerYes
	AnswerNo
)

func newCase(body, id string) *Case {
	return &Case{Body: body, ID: id, Status: store.InstanceActive, Documents: map[string]int{}, open: map[string]int{}}
}

// NewCase returns an empty case to Apply events to.
func NewCase(body, id string) *Case { return newCase(body, id) }

// Apply folds one event (the next of the instance by Seq) into the case.
// An event whose data does not decode is applied with what it carries
// (type, element, actor, time): history written by an older engine is
// still counted.
func (c *Case) Apply(e *store.Event) {
	c.Seq = e.Seq
	switch e.Type {
	case runtime.EventStarted:
		var d runtime.Started
		_ = json.Unmarshal(e.Data, &d)
		c.Process, c.Hash, c.BusinessKey, c.Started = d.ProcessKey, d.DefinitionHash, d.BusinessKey, e.Time
	case runtime.EventElementEntered:
		d := decodeActivity(e.Data)
		if !isActivity(d.Kind) {
			return
		}
		c.open[e.ElementID+"\x00"+d.Token] = len(c.Runs)
		c.Runs = append(c.Runs, Run{Element: e.ElementID, Kind: d.Kind, Visit: d.Visit, Entered: e.Time})
	case runtime.EventElementLeft:
		d := decodeActivity(e.Data)
		k := e.ElementID + "\x00" + d.Token
		if i, ok := c.open[k]; ok {
			c.Runs[i].Left, c.Runs[i].Outcome = e.Time, d.Outcome
			delete(c.open, k)
		}
	case runtime.EventTaskCreated:
		var d runtime.TaskChanged
		_ = json.Unmarshal(e.Data, &d)
		t := &TaskFact{ID: d.TaskID, Element: e.ElementID, Offices: d.Offices, Created: e.Time, Assignee: d.Assignee, Status: store.TaskOpen}
		if d.DueAt != "" {
			t.Due, _ = time.Parse(time.RFC3339, d.DueAt)
		}
		c.Tasks = append(c.Tasks, t)
	case runtime.EventTaskClaimed, runtime.EventTaskReleased, runtime.EventTaskReassigned, runtime.EventTaskCompleted, runtime.EventTaskCancelled:
		var d runtime.TaskChanged
		_ = json.Unmarshal(e.Data, &d)
		t := c.task(d.TaskID)
		if t == nil {
			return
		}
		switch e.Type {
		case runtime.EventTaskClaimed:
			t.Assignee = d.Assignee
			if t.Claimed.IsZero() {
				t.Claimed = e.Time
			}
		case runtime.EventTaskReleased:
			t.Assignee = ""
		case runtime.EventTaskReassigned:
			t.Assignee = d.Assignee
			if d.Offices != nil {
				t.Offices = d.Offices
			}
			t.Reassigned++
			c.Reassignments++
		case runtime.EventTaskCompleted:
			t.Status, t.Ended, t.CompletedBy, t.Assignee = store.TaskCompleted, e.Time, d.Assignee, d.Assignee
			if t.CompletedBy == "" {
				t.CompletedBy = e.Actor
			}
			if t.Claimed.IsZero() {
				t.Claimed = e.Time
			}
		case runtime.EventTaskCancelled:
			t.Status, t.Ended = store.TaskCancelled, e.Time
		}
	case runtime.EventDocumentAdded:
		var d runtime.DocumentAdded
		_ = json.Unmarshal(e.Data, &d)
		if d.Version > c.Documents[d.Name] {
			c.Documents[d.Name] = d.Version
		}
	case runtime.EventSuspended:
		c.Suspensions = append(c.Suspensions, Period{Start: e.Time})
	case runtime.EventResumed:
		if n := len(c.Suspensions); n > 0 && c.Suspensions[n-1].End.IsZero() {
			c.Suspensions[n-1].End = e.Time
		}
		c.recordDue(e.Data)
	case runtime.EventTermBreached:
		c.Breached = true
		c.recordDue(e.Data)
	case runtime.EventCompleted:
		c.end(store.InstanceCompleted, e.Time)
	case runtime.EventTerminated:
		c.end(store.InstanceTerminated, e.Time)
	case runtime.EventFailed:
		c.end(store.InstanceFailed, e.Time)
	}
}

func (c *Case) recordDue(data json.RawMessage) {
	var d runtime.Term
	if json.Unmarshal(data, &d) != nil || d.Due == "" {
		return
	}
	if t, err := time.ParseInLocation(time.DateOnly, d.Due, rome); err == nil {
		c.Due, c.dueRecorded = t, true
	}
}

func (c *Case) end(s store.InstanceStatus, at time.Time) {
	c.Status, c.Ended = s, at
	if n := len(c.Suspensions); n > 0 && c.Suspensions[n-1].End.IsZero() {
		c.Suspensions[n-1].End = at
	}
}

func (c *Case) task(id string) *TaskFact {
	for i := len(c.Tasks) - 1; i >= 0; i-- {
		if c.Tasks[i].ID == id {
			return c.Tasks[i]
		}
	}
	return nil
}

// SuspendedAt reports whether the term stood still at t.
func (c *Case) SuspendedAt(t time.Time) bool {
	for _, p := range c.Suspensions {
		if !t.Before(p.Start) && (p.End.IsZero() || t.Before(p.End)) {
			return true
		}
	}
	return false
}

// Suspended reports whether a suspension is open.
func (c *Case) Suspended() bool {
	n := len(c.Suspensions)
	return n > 0 && c.Suspensions[n-1].End.IsZero()
}

// isActivity reports whether an element kind is an activity (BPMN §10.3):
// the elements whose execution time is measured.
func isActivity(kind string) bool {
	switch kind {
	case "userTask", "serviceTask", "sendTask", "receiveTask", "scriptTask", "subProcess", "callActivity":
		return true
	}
	return false
}
