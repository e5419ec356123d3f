package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
)

// Validate checks the contract of a batch before any write: every record
// has a Body and an ID, and every record of a step belongs to the body and
// instance of that step. Stores call it first so that they all refuse the
// same bad input the same way.
func (p *CommitParams) Validate() error {
	bad := func(field, reason string) error {
		return &InvalidError{Method: "Commit", Field: field, Reason: reason}
	}
	for i, s := range p.Steps {
		if s == nil || s.Instance == nil {
			return bad("Steps["+strconv.Itoa(i)+"].Instance", "missing")
		}
		if err := validateStep(i, s); err != nil {
			return err
		}
	}
	return nil
}

// validateStep checks one step. Field names are formatted only on error
// (in a function of their own, so that the checks that pass allocate
// nothing): Validate runs on every commit.
func validateStep(i int, s *Step) error {
	bad := func(field, reason string) error {
		return &InvalidError{Method: "Commit", Field: field, Reason: reason}
	}
	at := func() string { return "Steps[" + strconv.Itoa(i) + "]" }
	in := s.Instance
	if in.Body == "" {
		return bad(at()+".Instance.Body", "empty")
	}
	if in.ID == "" {
		return bad(at()+".Instance.ID", "empty")
	}
	if in.Version != s.ExpectedVersion+1 {
		return bad(at()+".Instance.Version", fmt.Sprintf("is %d, want ExpectedVersion+1 = %d", in.Version, s.ExpectedVersion+1))
	}
	own := func(kind string, j int, body, instanceID string) error {
		if body != in.Body {
			return bad(fmt.Sprintf("%s.%s[%d].Body", at(), kind, j), fmt.Sprintf("%q differs from the instance body %q", body, in.Body))
		}
		if instanceID != in.ID {
			return bad(fmt.Sprintf("%s.%s[%d].InstanceID", at(), kind, j), fmt.Sprintf("%q differs from the instance %q", instanceID, in.ID))
		}
		return nil
	}
	for j, e := range s.Events {
		if err := own("Events", j, e.Body, e.InstanceID); err != nil {
			return err
		}
	}
	if n := s.Number; n != nil {
		switch {
		case s.ExpectedVersion != 0:
			return bad(at()+".Number", "set on a step that does not create its instance")
		case n.Name == "":
			return bad(at()+".Number.Name", "empty")
		case n.Event != nil && !slices.Contains(s.Events, n.Event):
			return bad(at()+".Number.Event", "not one of the step's events")
		}
	}
	for j, jb := range s.Jobs {
		if err := own("Jobs", j, jb.Body, jb.InstanceID); err != nil {
			return err
		}
		if jb.ID == "" {
			return bad(fmt.Sprintf("%s.Jobs[%d].ID", at(), j), "empty")
		}
	}
	for j, t := range s.Tasks {
		if err := own("Tasks", j, t.Body, t.InstanceID); err != nil {
			return err
		}
		if t.ID == "" {
			return bad(fmt.Sprintf("%s.Tasks[%d].ID", at(), j), "empty")
		}
	}
	for j, sub := range s.Subscriptions {
		if err := own("Subscriptions", j, sub.Body, sub.InstanceID); err != nil {
			return err
		}
		if sub.ID == "" {
			return bad(fmt.Sprintf("%s.Subscriptions[%d].ID", at(), j), "empty")
		}
	}
	for j, d := range s.Documents {
		if err := own("Documents", j, d.Body, d.InstanceID); err != nil {
			return err
		}
		if d.Name == "" || d.Version < 1 {
			return bad(fmt.Sprintf("%s.Documents[%d]", at(), j), "needs a name and a version >= 1")
		}
	}
	return nil
}

// Digest returns the hex SHA-256 of content: stores fill Document.SHA256
// with it.
func Digest(content []byte) string {
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}

// CheckBody returns an *InvalidError when body is empty.
func CheckBody(method, body string) error {
	if body == "" {
		return &InvalidError{Method: method, Field: "Body", Reason: "empty"}
	}
	return nil
}

// Validate checks the params of PutMessage, the same for every store: a
// message with its body, id and name.
func (p *PutMessageParams) Validate() error {
	m := p.Message
	if m == nil {
		return &InvalidError{Method: "PutMessage", Field: "Message", Reason: "missing"}
	}
	if err := CheckBody("PutMessage", m.Body); err != nil {
		return err
	}
	if m.ID == "" || m.Name == "" {
		return &InvalidError{Method: "PutMessage", Field: "Message.ID/Name", Reason: "empty"}
	}
	return nil
}
