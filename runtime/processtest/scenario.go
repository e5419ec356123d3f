package processtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
)

// Scenario is a scenario test of a bundle (scenarios/*.json): the inputs
// of a case and the path it must take. Example:
//
//	{
//	  "name": "domanda accolta dopo integrazione",
//	  "process": "scia",
//	  "start": {"pratica": "2026/1"},
//	  "services": {"notifica.pec": {"set": {"inviata": true}}},
//	  "steps": [
//	    {"complete": "Istruttoria", "actor": "anna", "payload": {"completa": false}},
//	    {"advance": "P10D"},
//	    {"message": "integrazione", "key": "2026/1", "payload": {"allegato": "x.pdf"}},
//	    {"expectWaiting": ["Decisione"]},
//	    {"complete": "Decisione", "actor": "capo"}
//	  ],
//	  "expectPath": ["Start", "Istruttoria", "…"],
//	  "expectStatus": "completed"
//	}
//
// A service stub either sets variables ("set"), throws a BPMN error
// ("error": code) or fails ("fail": message, retried then an incident).
// Service types the scenario does not list must be stubbed by the test.
type Scenario struct {
	Name     string                 `json:"name"`
	Process  string                 `json:"process"`
	Start    json.RawMessage        `json:"start,omitempty"`
	Services map[string]ServiceStub `json:"services,omitempty"`
	Steps    []ScenarioStep         `json:"steps,omitempty"`
	// ExpectPath is the exact sequence of elements entered; ExpectVisited
	// and ExpectNotVisited check elements in any order.
	ExpectPath       []string                   `json:"expectPath,omitempty"`
	ExpectVisited    []string                   `json:"expectVisited,omitempty"`
	ExpectNotVisited []string                   `json:"expectNotVisited,omitempty"`
	ExpectStatus     store.InstanceStatus       `json:"expectStatus,omitempty"`
	ExpectVars       map[string]json.RawMessage `json:"expectVars,omitempty"`
}

// ServiceStub is the canned behaviour of a service type.
type ServiceStub struct {
	Set   json.RawMessage `json:"set,omitempty"`
	Error string          `json:"error,omitempty"`
	Fail  string          `json:"fail,omitempty"`
}

// ScenarioStep is one action or check; exactly one of its fields is set
// (actor and payload go with complete, key and payload with message).
type ScenarioStep struct {
	Complete      string          `json:"complete,omitempty"`
	Actor         string          `json:"actor,omitempty"`
	Payload       json.RawMessage `json:"payload,omitempty"`
	Message       string          `json:"message,omitempty"`
	Key           string          `json:"key,omitempty"`
	Advance       string          `json:"advance,omitempty"` // ISO 8601 duration
	ExpectWaiting []string        `json:"expectWaiting,omitempty"`
}

// ParseScenario reads a scenario. Unknown fields, steps that do several
// things or nothing, and bad durations are errors naming the step.
func ParseScenario(data []byte) (*Scenario, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Scenario
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	if dec.More() {
		return nil, errors.New("scenario: trailing data after the JSON object")
	}
	if s.Process == "" {
		return nil, errors.New("scenario: \"process\" is required")
	}
	for typ, st := range s.Services {
		n := 0
		for _, set := range []bool{len(st.Set) > 0, st.Error != "", st.Fail != ""} {
			if set {
				n++
			}
		}
		if n > 1 {
			return nil, fmt.Errorf("scenario: services[%q]: set only one of set, error, fail", typ)
		}
	}
	for i, st := range s.Steps {
		n := 0
		for _, set := range []bool{st.Complete != "", st.Message != "", st.Advance != "", st.ExpectWaiting != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			return nil, fmt.Errorf("scenario: steps[%d]: set exactly one of complete, message, advance, expectWaiting", i)
		}
		if st.Advance != "" {
			if _, err := runtime.ParseDuration(st.Advance); err != nil {
				return nil, fmt.Errorf("scenario: steps[%d].advance: %w", i, err)
			}
		}
	}
	return &s, nil
}

// LoadScenario reads a scenario file.
func LoadScenario(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := ParseScenario(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if s.Name == "" {
		s.Name = path
	}
	return s, nil
}

// Run plays a scenario on the env and fails the test at the first step
// or expectation that does not hold. It returns the instance id. The
// process must be deployed; deploy it after UseStubs, since deploying
// checks that every service type has a handler.
func (e *Env) Run(s *Scenario) string {
	e.T.Helper()
	e.UseStubs(s)
	return e.run(s)
}

// UseStubs installs the service stubs of a scenario.
func (e *Env) UseStubs(s *Scenario) {
	for typ, stub := range s.Services {
		stub := stub
		e.Stub(typ, func(_ context.Context, c *runtime.ServiceCall) error {
			switch {
			case stub.Error != "":
				return &runtime.BPMNError{Code: stub.Error, Message: "scenario " + s.Name}
			case stub.Fail != "":
				return errors.New(stub.Fail)
			case len(stub.Set) > 0:
				return json.Unmarshal(stub.Set, c.Vars)
			}
			return nil
		})
	}
}

func (e *Env) run(s *Scenario) string {
	e.T.Helper()
	id := e.Start(s.Process, s.Start)
	for i, st := range s.Steps {
		at := fmt.Sprintf("scenario %q step %d", s.Name, i)
		switch {
		case st.Complete != "":
			actor := st.Actor
			if actor == "" {
				actor = "scenario"
			}
			if err := e.TryCompleteTask(id, st.Complete, actor, st.Payload); err != nil {
				e.T.Fatalf("%s: completing %s: %v", at, st.Complete, err)
			}
		case st.Message != "":
			e.Correlate(st.Message, st.Key, st.Payload)
		case st.Advance != "":
			d, _ := runtime.ParseDuration(st.Advance)
			now := e.Clock.Now()
			e.AdvanceTo(d.AddTo(now, romeLocation))
		case st.ExpectWaiting != nil:
			got := e.WaitingAt(id)
			slices.Sort(got)
			want := slices.Clone(st.ExpectWaiting)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				e.T.Fatalf("%s: waiting at %v, want %v (path %v)", at, got, want, e.Path(id))
			}
		}
	}
	if s.ExpectPath != nil {
		if got := e.Path(id); !slices.Equal(got, s.ExpectPath) {
			e.T.Fatalf("scenario %q path:\n got %v\nwant %v", s.Name, got, s.ExpectPath)
		}
	}
	e.AssertVisited(id, s.ExpectVisited...)
	e.AssertNotVisited(id, s.ExpectNotVisited...)
	if s.ExpectStatus != "" {
		e.AssertStatus(id, s.ExpectStatus)
	}
	if len(s.ExpectVars) > 0 {
		var vars map[string]json.RawMessage
		e.Vars(id, &vars)
		for k, want := range s.ExpectVars {
			if !jsonEqual(vars[k], want) {
				e.T.Fatalf("scenario %q: variable %s = %s, want %s", s.Name, k, vars[k], want)
			}
		}
	}
	return id
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

// romeLocation is where scenario durations are added (P1D is a calendar
// day in Rome).
var romeLocation = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// String describes the scenario in one line.
func (s *Scenario) String() string {
	return fmt.Sprintf("%s (%s, %d steps)", s.Name, s.Process, len(s.Steps))
}
