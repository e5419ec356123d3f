package runtime

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// instanceState is what the engine keeps in store.Instance.State: one blob,
// so that a step writes one instance row.
type instanceState struct {
	Vars   json.RawMessage `json:"vars,omitempty"`
	Tokens []*token        `json:"tokens,omitempty"`
	Next   int             `json:"next"` // counter for token, job, task and subscription ids
	Seq    int64           `json:"seq"`  // last history event number
	Visits visits          `json:"visits,omitempty"`
	Term   *termState      `json:"term,omitempty"`
	// Suspended is true while a token waits at a suspending element.
	Suspended bool `json:"suspended,omitempty"`
	// Parent is the token of the calling instance waiting at a call
	// activity, for call activity children.
	ParentToken string `json:"parentToken,omitempty"`
	// StartEvent is the start event the instance was started from.
	StartEvent string `json:"start,omitempty"`
}

// wait kinds of a token.
const (
	waitNone   = ""
	waitTask   = "task"   // user task
	waitJob    = "job"    // service/send task or timer catch
	waitMsg    = "msg"    // message catch or receive task
	waitJoin   = "join"   // parallel or inclusive join
	waitScope  = "scope"  // embedded sub-process running
	waitMI     = "mi"     // multi-instance host
	waitCall   = "call"   // call activity child running
	waitEvents = "events" // event-based gateway
)

type token struct {
	ID    string `json:"id"`
	Node  string `json:"node"`
	Scope string `json:"scope,omitempty"` // id of the token of the enclosing sub-process or multi-instance host
	Wait  string `json:"wait,omitempty"`
	Via   string `json:"via,omitempty"`  // flow it arrived by (joins)
	Task  string `json:"task,omitempty"` // user task id
	Job   string `json:"job,omitempty"`
	Sub   string `json:"sub,omitempty"`
	Child string `json:"child,omitempty"` // called instance
	// Listeners are the boundary events of the activity (or the targets
	// of an event-based gateway) armed for this token.
	Listeners []*listener `json:"listeners,omitempty"`
	MI        *miState    `json:"mi,omitempty"`
	// Inner marks one instance of a multi-instance activity; Loop is its
	// loopCounter.
	Inner bool `json:"inner,omitempty"`
	Loop  int  `json:"loop,omitempty"`
}

type listener struct {
	Node string `json:"node"`
	Job  string `json:"job,omitempty"`
	Sub  string `json:"sub,omitempty"`
}

type miState struct {
	Total int `json:"total"`
	Done  int `json:"done"`
	Next  int `json:"next"` // next loopCounter to start
}

type termState struct {
	Days      int       `json:"days"`
	Nominal   time.Time `json:"nominal"`       // start + days, before moving off holidays
	Due       time.Time `json:"due"`           // the last day of the term (midnight, Europe/Rome)
	Remaining int       `json:"remaining"`     // days left, frozen while suspended
	Job       string    `json:"job,omitempty"` // the breach job
	Breached  bool      `json:"breached,omitempty"`
	Suspended time.Time `json:"suspended,omitzero"`
}

// jobPayload is the Payload of the engine's jobs.
type jobPayload struct {
	Node   string          `json:"node,omitempty"`   // timer: the event node
	Left   int             `json:"left,omitempty"`   // cycle: firings left after this one (-1 unbounded)
	Target string          `json:"target,omitempty"` // call return: the parent; terminate: the child
	Child  string          `json:"child,omitempty"`  // the child instance
	Vars   json.RawMessage `json:"vars,omitempty"`   // call return: the child's variables
	Error  string          `json:"error,omitempty"`  // call return: BPMN error code thrown by the child
	Err    bool            `json:"err,omitempty"`
}

// Job kinds.
const (
	jobService    = "service"
	jobTimer      = "timer"
	jobTerm       = "term"
	jobCallReturn = "call-return"
	jobTerminate  = "terminate"
)

// visits counts how many times each element was entered, sorted by
// element id: a short list (the elements an instance has passed) read
// and bumped at every element and written in every state, for which a
// map cost a hash per access and a sort per encoding. In JSON it is an
// object, as the map of earlier versions was.
type visits []visit

type visit struct {
	Node string
	N    int
}

func (v visits) find(node string) (int, bool) {
	return slices.BinarySearchFunc(v, node, func(x visit, node string) int { return strings.Compare(x.Node, node) })
}

// get returns the visits of node.
func (v visits) get(node string) int {
	if i, ok := v.find(node); ok {
		return v[i].N
	}
	return 0
}

// inc counts one more visit of node and returns the count.
func (v *visits) inc(node string) int {
	i, ok := v.find(node)
	if !ok {
		if *v == nil {
			*v = make(visits, 0, 8) // room for a usual process: one allocation
		}
		*v = slices.Insert(*v, i, visit{Node: node})
	}
	(*v)[i].N++
	return (*v)[i].N
}

// asMap returns the visits as a map, for InstanceView.
func (v visits) asMap() map[string]int {
	if v == nil {
		return nil
	}
	m := make(map[string]int, len(v))
	for _, x := range v {
		m[x.Node] = x.N
	}
	return m
}

// MarshalJSON writes the visits as an object.
func (v visits) MarshalJSON() ([]byte, error) { return json.Marshal(v.asMap()) }

// UnmarshalJSON reads the object of earlier versions.
func (v *visits) UnmarshalJSON(data []byte) error {
	var m map[string]int
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	*v = nil
	if m == nil {
		return nil
	}
	for k, n := range m {
		*v = append(*v, visit{Node: k, N: n})
	}
	slices.SortFunc(*v, func(a, b visit) int { return strings.Compare(a.Node, b.Node) })
	return nil
}
