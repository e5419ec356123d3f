package lint

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/procedo/procedo/designer/bpmn"
	"github.com/procedo/procedo/designer/model"
)

// Severity is how bad a diagnostic is: an error blocks deployment, a
// warning does not.
type Severity string

// The severities.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Diagnostic is one finding. Every diagnostic has a position (Line > 0) or
// an element id, usually both.
type Diagnostic struct {
	Rule      string   `json:"rule"`
	Severity  Severity `json:"severity"`
	File      string   `json:"file"`
	Line      int      `json:"line,omitempty"`
	Col       int      `json:"col,omitempty"`
	ElementID string   `json:"element,omitempty"`
	// Process is the id of the process the element belongs to, when any.
	Process string `json:"process,omitempty"`
	Message string `json:"message"`
}

// String formats d as "file:line:col: severity: message [rule] (element id)".
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", d.Line, d.Col)
	}
	fmt.Fprintf(&b, ": %s: %s [%s]", d.Severity, d.Message, d.Rule)
	if d.ElementID != "" {
		fmt.Fprintf(&b, " (%s)", d.ElementID)
	}
	return b.String()
}

// Result is the outcome of linting one path.
type Result struct {
	Path string `json:"path"`
	// Unreadable is true when a file could not be read or parsed: the
	// BPMN document (rule bpmn-parse; nothing else was checked then) or a
	// form schema (rule form-parse; the rest was checked without it).
	Unreadable  bool         `json:"unreadable"`
	Diagnostics []Diagnostic `json:"diagnostics"`
}

// Errors counts the diagnostics of severity error.
func (r *Result) Errors() int { return count(r.Diagnostics, Error) }

// Warnings counts the diagnostics of severity warning.
func (r *Result) Warnings() int { return count(r.Diagnostics, Warning) }

func count(ds []Diagnostic, s Severity) int {
	n := 0
	for _, d := range ds {
		if d.Severity == s {
			n++
		}
	}
	return n
}

// Path loads and lints a bundle folder or a .bpmn file (see model.Load).
func Path(path string) *Result {
	res := &Result{Path: path}
	m, problems, err := model.Load(path)
	if err != nil {
		res.Unreadable = true
		res.Diagnostics = parseDiagnostics(path, err)
		return res
	}
	res.Diagnostics = Model(m, problems)
	for _, d := range res.Diagnostics {
		if d.Rule == "form-parse" {
			res.Unreadable = true
		}
	}
	return res
}

// parseDiagnostics turns a fatal load error into diagnostics.
func parseDiagnostics(path string, err error) []Diagnostic {
	var out []Diagnostic
	for _, pe := range bpmn.Errors(err) {
		file := pe.File
		if file == "" {
			file = path
		}
		out = append(out, Diagnostic{Rule: "bpmn-parse", Severity: Error, File: file, Line: pe.Line, Col: pe.Col,
			ElementID: pe.ElementID, Message: pe.Msg})
	}
	if len(out) == 0 {
		msg := err.Error()
		msg = strings.TrimPrefix(msg, model.ErrUnreadable.Error()+": ")
		out = append(out, Diagnostic{Rule: "bpmn-parse", Severity: Error, File: path, Line: 1, Col: 1, Message: msg})
	}
	for i := range out {
		if out[i].Line == 0 && out[i].ElementID == "" {
			out[i].Line, out[i].Col = 1, 1
		}
	}
	return out
}

// Model lints a resolved model; problems are those that resolving
// reported. The diagnostics are sorted by file, position and rule.
func Model(m *model.Model, problems []*model.Problem) []Diagnostic {
	c := newContext(m)
	for _, p := range problems {
		c.problem(p)
	}
	for _, r := range rules {
		if r.check != nil {
			r.check(c)
		}
	}
	sortDiagnostics(c.out)
	return c.out
}

func sortDiagnostics(ds []Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Message < b.Message
	})
}

// WriteText writes one line per diagnostic.
func WriteText(w io.Writer, results []*Result) error {
	for _, r := range results {
		for _, d := range r.Diagnostics {
			if _, err := fmt.Fprintln(w, d.String()); err != nil {
				return err
			}
		}
	}
	return nil
}

// Report is the JSON document of `procedo lint --format json`.
type Report struct {
	// Version is the version of this shape; it changes only when a field
	// changes meaning or disappears.
	Version  int       `json:"version"`
	Results  []*Result `json:"results"`
	Errors   int       `json:"errors"`
	Warnings int       `json:"warnings"`
}

// WriteJSON writes the results as a Report, indented.
func WriteJSON(w io.Writer, results []*Result) error {
	rep := Report{Version: 1, Results: results}
	for _, r := range results {
		if r.Diagnostics == nil {
			r.Diagnostics = []Diagnostic{}
		}
		rep.Errors += r.Errors()
		rep.Warnings += r.Warnings()
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// ErrUnknownFormat is returned by Write for a format other than text or json.
var ErrUnknownFormat = errors.New("unknown format: want text or json")

// Write writes the results in the given format ("text" or "json").
func Write(w io.Writer, format string, results []*Result) error {
	switch format {
	case "text", "":
		return WriteText(w, results)
	case "json":
		return WriteJSON(w, results)
	}
	return fmt.Errorf("%w, got %q", ErrUnknownFormat, format)
}
