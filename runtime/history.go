package runtime

import (
	"strconv"

	"github.com/procedo/procedo/runtime/store"
)

// History event types. Every event carries the actor ("system" for the
// engine) and the time; Data is the JSON of the type named in the comment.
const (
	EventStarted          store.EventType = "started"            // Started
	EventElementEntered   store.EventType = "element-entered"    // ElementEntered
	EventElementLeft      store.EventType = "element-left"       // ElementLeft
	EventTaskCreated      store.EventType = "task-created"       // TaskChanged
	EventTaskClaimed      store.EventType = "task-claimed"       // TaskChanged
	EventTaskReleased     store.EventType = "task-released"      // TaskChanged
	EventTaskCompleted    store.EventType = "task-completed"     // TaskChanged
	EventTaskReassigned   store.EventType = "task-reassigned"    // TaskChanged
	EventTaskCancelled    store.EventType = "task-cancelled"     // TaskChanged
	EventVariablesChanged store.EventType = "variables-changed"  // VariablesChanged
	EventDocumentAdded    store.EventType = "document-added"     // DocumentAdded
	EventMessage          store.EventType = "message-correlated" // MessageCorrelated
	EventTimerFired       store.EventType = "timer-fired"        // none
	EventErrorThrown      store.EventType = "error-thrown"       // ErrorThrown
	EventIncident         store.EventType = "incident"           // Incident
	EventIncidentRetried  store.EventType = "incident-retried"   // Incident
	EventSuspended        store.EventType = "suspension-started" // Term
	EventResumed          store.EventType = "suspension-ended"   // Term
	EventTermBreached     store.EventType = "term-breached"      // Term
	EventMigrated         store.EventType = "migrated"           // Migrated
	EventCompleted        store.EventType = "completed"          // none
	EventTerminated       store.EventType = "terminated"         // Terminated
	EventFailed           store.EventType = "failed"             // ErrorThrown
)

// Started is the data of EventStarted.
type Started struct {
	ProcessKey     string `json:"processKey"`
	DefinitionHash string `json:"definitionHash"`
	StartEvent     string `json:"startEvent"`
	BusinessKey    string `json:"businessKey,omitempty"`
	Parent         string `json:"parent,omitempty"`
}

// ElementEntered is the data of EventElementEntered.
type ElementEntered struct {
	Kind  string `json:"kind"`
	Token string `json:"token"`
	Flow  string `json:"flow,omitempty"`
	Visit int    `json:"visit"` // 2 and more: rework (the element ran again in this case)
}

// ElementLeft is the data of EventElementLeft.
type ElementLeft struct {
	Kind     string `json:"kind"`
	Token    string `json:"token"`
	Outcome  string `json:"outcome,omitempty"` // "completed", "cancelled", "interrupted"
	Boundary string `json:"boundary,omitempty"`
}

// TaskChanged is the data of task events.
type TaskChanged struct {
	TaskID   string   `json:"taskId"`
	Assignee string   `json:"assignee,omitempty"`
	From     string   `json:"from,omitempty"`
	Offices  []string `json:"offices,omitempty"`
	Reason   string   `json:"reason,omitempty"`
	DueAt    string   `json:"dueAt,omitempty"`
	Loop     *int     `json:"loop,omitempty"` // loopCounter of a multi-instance task
}

// VariablesChanged is the data of EventVariablesChanged: the top-level
// fields whose value changed.
type VariablesChanged struct {
	Fields []string `json:"fields"`
}

// DocumentAdded is the data of EventDocumentAdded.
type DocumentAdded struct {
	Name      string `json:"name"`
	Version   int    `json:"version"`
	MediaType string `json:"mediaType"`
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
}

// MessageCorrelated is the data of EventMessage.
type MessageCorrelated struct {
	Name string `json:"name"`
	Key  string `json:"key"`
}

// ErrorThrown is the data of EventErrorThrown and EventFailed.
type ErrorThrown struct {
	Code     string `json:"code"`
	Message  string `json:"message,omitempty"`
	CaughtBy string `json:"caughtBy,omitempty"`
}

// Incident is the data of EventIncident and EventIncidentRetried.
type Incident struct {
	JobID    string `json:"jobId"`
	Error    string `json:"error,omitempty"`
	Attempts int    `json:"attempts,omitempty"`
}

// Term is the data of legal-term events.
type Term struct {
	Due       string `json:"due,omitempty"` // date (YYYY-MM-DD) of the last day
	Remaining int    `json:"remaining"`
}

// Migrated is the data of EventMigrated.
type Migrated struct {
	From    string            `json:"from"`
	To      string            `json:"to"`
	Mapping map[string]string `json:"mapping,omitempty"`
}

// Terminated is the data of EventTerminated.
type Terminated struct {
	Reason string `json:"reason,omitempty"`
	By     string `json:"by,omitempty"` // element id of a terminate end event
}

// appendJSON encodes e like encoding/json does, without reflection: two
// of these events are written per element an instance passes.
func (e ElementEntered) appendJSON(b []byte) []byte {
	b = append(b, `{"kind":`...)
	b = strconv.AppendQuote(b, e.Kind)
	b = append(b, `,"token":`...)
	b = strconv.AppendQuote(b, e.Token)
	if e.Flow != "" {
		b = append(b, `,"flow":`...)
		b = strconv.AppendQuote(b, e.Flow)
	}
	b = append(b, `,"visit":`...)
	b = strconv.AppendInt(b, int64(e.Visit), 10)
	return append(b, '}')
}

// appendJSON encodes e like encoding/json does, without reflection.
func (e ElementLeft) appendJSON(b []byte) []byte {
	b = append(b, `{"kind":`...)
	b = strconv.AppendQuote(b, e.Kind)
	b = append(b, `,"token":`...)
	b = strconv.AppendQuote(b, e.Token)
	if e.Outcome != "" {
		b = append(b, `,"outcome":`...)
		b = strconv.AppendQuote(b, e.Outcome)
	}
	if e.Boundary != "" {
		b = append(b, `,"boundary":`...)
		b = strconv.AppendQuote(b, e.Boundary)
	}
	return append(b, '}')
}
