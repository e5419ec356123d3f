package runtime

import (
	"encoding/json"
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
	b = appendString(b, e.Kind)
	b = append(b, `,"token":`...)
	b = appendString(b, e.Token)
	if e.Flow != "" {
		b = append(b, `,"flow":`...)
		b = appendString(b, e.Flow)
	}
	b = append(b, `,"visit":`...)
	b = strconv.AppendInt(b, int64(e.Visit), 10)
	return append(b, '}')
}

// appendJSON encodes e like encoding/json does, without reflection.
func (e ElementLeft) appendJSON(b []byte) []byte {
	b = append(b, `{"kind":`...)
	b = appendString(b, e.Kind)
	b = append(b, `,"token":`...)
	b = appendString(b, e.Token)
	if e.Outcome != "" {
		b = append(b, `,"outcome":`...)
		b = appendString(b, e.Outcome)
	}
	if e.Boundary != "" {
		b = append(b, `,"boundary":`...)
		b = appendString(b, e.Boundary)
	}
	return append(b, '}')
}

// appendString appends s as a JSON string exactly as encoding/json writes
// it (HTML characters escaped, invalid UTF-8 replaced): the plain ASCII
// of ids and names directly, anything else through encoding/json.
func appendString[S string | []byte](b []byte, s S) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(string(s))
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendJSON encodes e like encoding/json does, without reflection: one
// per instance.
func (e Started) appendJSON(b []byte) []byte {
	b = append(b, `{"processKey":`...)
	b = appendString(b, e.ProcessKey)
	b = append(b, `,"definitionHash":`...)
	b = appendString(b, e.DefinitionHash)
	b = append(b, `,"startEvent":`...)
	b = appendString(b, e.StartEvent)
	if e.BusinessKey != "" {
		b = append(b, `,"businessKey":`...)
		b = appendString(b, e.BusinessKey)
	}
	if e.Parent != "" {
		b = append(b, `,"parent":`...)
		b = appendString(b, e.Parent)
	}
	return append(b, '}')
}

// appendFields encodes VariablesChanged{Fields: keys} like encoding/json
// does, from the names as bytes.
func appendFields(b []byte, keys [][]byte) []byte {
	b = append(b, `{"fields":[`...)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
	}
	return append(b, ']', '}')
}
