package store

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Test with errors.Is: stores return them wrapped in the
// typed errors below or with context.
var (
	// ErrNotFound reports a record that does not exist in the body asked
	// for (it may exist in another body: that is not revealed).
	ErrNotFound = errors.New("store: not found")
	// ErrConflict reports a write that lost a race: an instance version
	// that changed since it was read, a record that already exists, or a
	// job lease held by another owner.
	ErrConflict = errors.New("store: conflict")
	// ErrInvalid reports params that break the store contract (an empty
	// body, a missing id): a bug in the caller.
	ErrInvalid = errors.New("store: invalid params")
)

// NotFoundError names the record that was not found.
type NotFoundError struct {
	Kind string // "instance", "task", "job", "deployment", "document", "message"
	Body string
	ID   string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("store: %s %q not found in body %q", e.Kind, e.ID, e.Body)
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// ConflictError names the records whose write lost a race. For a Commit
// the whole batch was rolled back: nothing of it was written.
type ConflictError struct {
	Kind string   // "instance", "event", "job", "document", "deployment", "task"
	IDs  []string // the instance ids (or record ids) in conflict
	Err  error    // the driver error, if any
}

func (e *ConflictError) Error() string {
	msg := fmt.Sprintf("store: conflict on %s %s", e.Kind, strings.Join(e.IDs, ", "))
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Unwrap returns the driver error.
func (e *ConflictError) Unwrap() error { return e.Err }

// InvalidError names the parameter that breaks the contract.
type InvalidError struct {
	Method string // e.g. "Commit"
	Field  string // e.g. "Steps[2].Instance.Body"
	Reason string
}

func (e *InvalidError) Error() string {
	return fmt.Sprintf("store: %s: %s: %s", e.Method, e.Field, e.Reason)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }
