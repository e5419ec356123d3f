package designerweb

import (
	"errors"
	"sort"
	"strings"

	"github.com/procedo/procedo/designer/bpmn"
	"github.com/procedo/procedo/designer/lint"
	"github.com/procedo/procedo/designer/model"
	"github.com/procedo/procedo/designer/workspace"
	"github.com/procedo/procedo/forms"
)

// LintFiles lints a bundle held in memory exactly as `procedo lint` lints
// the same files on disk (model.ResolveBytes + lint.Model), and adds what
// only the form designer needs: a UI schema that forms.Compile refuses is
// a form-invalid diagnostic on the .ui.json file.
func LintFiles(files workspace.Files) *lint.Result {
	res := &lint.Result{Path: model.BundleFile, Diagnostics: []lint.Diagnostic{}}
	var fs []*model.Form
	var problems []*model.Problem
	for _, p := range files.Paths() {
		name, ok := strings.CutSuffix(strings.TrimPrefix(p, "forms/"), ".schema.json")
		if !ok || !strings.HasPrefix(p, "forms/") {
			continue
		}
		f, err := model.ParseFormSchema(name, p, []byte(files[p]))
		if err != nil {
			pr := &model.Problem{Code: "form-invalid", File: p, Pos: bpmn.Pos{Line: 1, Col: 1}, Msg: "form " + name + ": " + err.Error()}
			var se *model.SchemaError
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
		ui := "forms/" + name + ".ui.json"
		if _, ok := files[ui]; ok {
			f.UIPath = ui
			if d, bad := checkUI(p, files[p], ui, files[ui]); bad {
				res.Diagnostics = append(res.Diagnostics, d)
			}
		}
		fs = append(fs, f)
	}
	src, ok := files[model.BundleFile]
	if !ok {
		res.Unreadable = true
		res.Diagnostics = append(res.Diagnostics, lint.Diagnostic{Rule: "bpmn-parse", Severity: lint.Error, File: model.BundleFile, Line: 1, Col: 1, Message: "the bundle has no process.bpmn"})
		return res
	}
	m, more, err := model.ResolveBytes(model.BundleFile, []byte(src), fs, true)
	if err != nil {
		res.Unreadable = true
		res.Diagnostics = append(res.Diagnostics, parseDiagnostics(err)...)
		return res
	}
	res.Diagnostics = append(res.Diagnostics, lint.Model(m, append(problems, more...))...)
	for _, d := range res.Diagnostics {
		if d.Rule == "form-parse" {
			res.Unreadable = true
		}
	}
	sort.SliceStable(res.Diagnostics, func(i, j int) bool {
		a, b := res.Diagnostics[i], res.Diagnostics[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return res
}

// checkUI compiles the schema with its UI schema as the renderer will.
func checkUI(schemaPath, schema, uiPath, ui string) (lint.Diagnostic, bool) {
	_, err := forms.Compile(forms.Source{Name: schemaPath, Data: []byte(schema)}, forms.Source{Name: uiPath, Data: []byte(ui)}, forms.Options{})
	var se *forms.SchemaError
	if err == nil || !errors.As(err, &se) || se.Source != uiPath {
		// schema problems are reported by the model's own check
		return lint.Diagnostic{}, false
	}
	d := lint.Diagnostic{Rule: "form-invalid", Severity: lint.Error, File: uiPath, Line: max(se.Line, 1), Col: max(se.Column, 1), Message: se.Message}
	if se.Pointer != "" {
		d.Message += " (" + se.Pointer + ")"
	}
	return d, true
}

// parseDiagnostics turns an unreadable BPMN document into diagnostics
// with the parser's positions.
func parseDiagnostics(err error) []lint.Diagnostic {
	var out []lint.Diagnostic
	for _, pe := range bpmn.Errors(err) {
		out = append(out, lint.Diagnostic{Rule: "bpmn-parse", Severity: lint.Error, File: model.BundleFile,
			Line: max(pe.Line, 1), Col: max(pe.Col, 1), ElementID: pe.ElementID, Message: pe.Msg})
	}
	if len(out) == 0 {
		out = append(out, lint.Diagnostic{Rule: "bpmn-parse", Severity: lint.Error, File: model.BundleFile, Line: 1, Col: 1,
			Message: strings.TrimPrefix(err.Error(), model.ErrUnreadable.Error()+": ")})
	}
	return out
}
