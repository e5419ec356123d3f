package model

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/procedo/procedo/designer/bpmn"
)

// BundleFile is the name of the BPMN document of a bundle folder.
const BundleFile = "process.bpmn"

// Problem is something wrong that resolving found: a value that does not
// decode, a reference that does not resolve, a form that cannot be read.
// Code names the lint rule that reports it (see docs/lint.md).
type Problem struct {
	Code      string
	File      string
	Pos       bpmn.Pos
	ElementID string
	// Process is the id of the process the element belongs to, "" when
	// the problem is not inside a process.
	Process string
	Msg     string
}

func (p *Problem) Error() string {
	loc := p.File
	if p.Pos.IsValid() {
		loc += ":" + p.Pos.String()
	}
	if loc != "" {
		loc += ": "
	}
	return loc + p.Msg
}

// ErrUnreadable is wrapped by the error of Load when a file cannot be read
// or the BPMN document cannot be parsed at all.
var ErrUnreadable = errors.New("cannot read model")

// Load reads a bundle — a folder with process.bpmn and forms/*.schema.json
// (+ *.ui.json) — or a bare .bpmn file (whose sibling forms/ folder, if
// any, is read too), and resolves it.
//
// The error is non-nil (and wraps ErrUnreadable) only when there is no
// model to show: a file that cannot be read, a document that is not
// well-formed BPMN. Everything else — dangling references, duplicate ids
// reported by the parser, forms that are not valid JSON, attribute values
// that do not decode — comes back as Problems next to the model.
func Load(path string) (*Model, []*Problem, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	bpmnPath, dir := path, filepath.Dir(path)
	if info.IsDir() {
		bpmnPath, dir = filepath.Join(path, BundleFile), path
	}
	data, err := os.ReadFile(bpmnPath)
	if err != nil {
		if info.IsDir() && errors.Is(err, os.ErrNotExist) {
			return nil, nil, fmt.Errorf("%w: %s is a folder without %s: a bundle holds %s and forms/*.schema.json", ErrUnreadable, path, BundleFile, BundleFile)
		}
		return nil, nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	forms, hasForms, problems := LoadForms(filepath.Join(dir, "forms"))
	m, more, err := ResolveBytes(bpmnPath, data, forms, hasForms)
	if err != nil {
		return nil, nil, err
	}
	return m, append(problems, more...), nil
}

// LoadForms reads every *.schema.json of a forms folder, sorted by name.
// hasForms is false when the folder does not exist.
func LoadForms(dir string) (forms []*Form, hasForms bool, problems []*Problem) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			problems = append(problems, &Problem{Code: "form-parse", File: dir, Pos: bpmn.Pos{Line: 1, Col: 1}, Msg: err.Error()})
		}
		return nil, false, problems
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".schema.json")
		if !ok || e.IsDir() {
			continue
		}
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			problems = append(problems, &Problem{Code: "form-parse", File: path, Pos: bpmn.Pos{Line: 1, Col: 1}, Msg: err.Error()})
			continue
		}
		f, err := ParseFormSchema(name, path, data)
		if err != nil {
			pr := &Problem{Code: "form-invalid", File: path, Pos: bpmn.Pos{Line: 1, Col: 1}, Msg: "form " + name + ": " + err.Error()}
			var se *SchemaError
			if errors.As(err, &se) {
				if se.NotJSON {
					pr.Code = "form-parse"
				}
				pr.Msg = "form " + name + ": " + se.Msg
				if se.Line > 0 {
					pr.Pos = bpmn.Pos{Line: se.Line, Col: se.Col}
				}
			}
			problems = append(problems, pr)
			continue
		}
		if ui := filepath.Join(dir, name+".ui.json"); fileExists(ui) {
			f.UIPath = ui
		}
		forms = append(forms, f)
	}
	sort.Slice(forms, func(i, j int) bool { return forms[i].Name < forms[j].Name })
	return forms, true, problems
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// ResolveBytes parses a BPMN document and resolves it with the given forms
// (hasForms false: the forms are unknown, as for a bare file). Parse
// problems that leave a usable model (duplicate ids, dangling references)
// become Problems with code "duplicate-id", "dangling-reference" or
// "bpmn-invalid"; any other parse error is returned as the error.
func ResolveBytes(name string, data []byte, forms []*Form, hasForms bool) (*Model, []*Problem, error) {
	defs, err := bpmn.ParseBytes(name, data)
	if defs == nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	var problems []*Problem
	for _, pe := range bpmn.Errors(err) {
		code := "bpmn-invalid"
		switch pe.Code {
		case bpmn.CodeDuplicateID:
			code = "duplicate-id"
		case bpmn.CodeDanglingRef:
			code = "dangling-reference"
		}
		problems = append(problems, &Problem{Code: code, File: name, Pos: pe.Pos(), ElementID: pe.ElementID, Msg: pe.Msg})
	}
	m, more := Resolve(defs, NewSource(name, data), forms, hasForms)
	return m, append(problems, more...), nil
}
