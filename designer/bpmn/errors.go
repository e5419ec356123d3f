package bpmn

import (
	"errors"
	"fmt"
	"strings"
)

// Codes classify a ParseError, so that tools (lint, the designer) can
// treat kinds of problems differently.
const (
	CodeNotXML      = "not-xml"      // not an XML document, or binary data
	CodeEncoding    = "encoding"     // an encoding other than UTF-8
	CodeSyntax      = "syntax"       // XML that is not well formed
	CodeNamespace   = "namespace"    // undeclared prefix, element in no namespace, root not BPMN
	CodeUnknown     = "unknown"      // element of the BPMN namespaces that does not exist
	CodeMisplaced   = "misplaced"    // element that exists but is not allowed here
	CodeValue       = "value"        // attribute value of the wrong type, repeated child
	CodeDuplicateID = "duplicate-id" // two elements with the same id
	CodeDanglingRef = "dangling-ref" // a reference to an id the document does not have
	CodeMissing     = "missing"      // a required attribute or child is absent
)

// ParseError is one problem found while reading a document.
type ParseError struct {
	File      string // as given to the parser; may be ""
	Line, Col int    // 1-based; 0 when unknown
	ElementID string // id of the element concerned, when known
	Code      string // one of the Code constants
	Msg       string
	Err       error // underlying error, if any
}

func (e *ParseError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteByte(':')
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "%d:%d:", e.Line, e.Col)
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the underlying error.
func (e *ParseError) Unwrap() error { return e.Err }

// Pos returns the position of the problem.
func (e *ParseError) Pos() Pos { return Pos{e.Line, e.Col} }

// ErrorList is several problems of one document, in document order.
type ErrorList []*ParseError

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap returns the problems, for errors.Is and errors.As.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// Errors returns the problems of err: the list of an ErrorList, the one
// *ParseError, or nil.
func Errors(err error) []*ParseError {
	var l ErrorList
	if errors.As(err, &l) {
		return l
	}
	var pe *ParseError
	if errors.As(err, &pe) {
		return []*ParseError{pe}
	}
	return nil
}
