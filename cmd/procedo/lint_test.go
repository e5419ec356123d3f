package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestLintExitCodes(t *testing.T) {
	const td = "../../designer/lint/testdata/"
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{name: "clean bundle", args: []string{td + "clean"}, wantCode: 0},
		{name: "warnings only", args: []string{td + "label-required/bad.bpmn"}, wantCode: 0, wantOut: "warning: userTask \"Task\" has no name"},
		{name: "errors", args: []string{td + "service-type/bad.bpmn"}, wantCode: 1, wantOut: "[service-type] (Svc)"},
		{name: "not BPMN", args: []string{td + "bpmn-parse/bad.bpmn"}, wantCode: 2, wantOut: "bad.bpmn:1:1: error: not an XML document"},
		{name: "form not JSON", args: []string{td + "form-parse/bad"}, wantCode: 2, wantOut: "domanda.schema.json:2:1: error: form domanda: not valid JSON"},
		{name: "form not an object schema", args: []string{td + "form-invalid/bad"}, wantCode: 1, wantOut: "[form-invalid]"},
		{name: "missing file", args: []string{td + "nope.bpmn"}, wantCode: 2, wantOut: "[bpmn-parse]"},
		{name: "unreadable wins over errors", args: []string{td + "service-type/bad.bpmn", td + "bpmn-parse/bad.bpmn"}, wantCode: 2},
		{name: "errors in second path", args: []string{td + "clean", td + "cel/bad"}, wantCode: 1, wantOut: "[cel] (Yes)"},
		{name: "no path", args: nil, wantCode: 2, wantErr: "Usage: procedo lint"},
		{name: "bad format", args: []string{"--format", "xml", td + "clean"}, wantCode: 2, wantErr: `unknown format "xml"`},
		{name: "help", args: []string{"-h"}, wantCode: 0, wantErr: "Exit status"},
		{name: "list rules", args: []string{"--rules"}, wantCode: 0, wantOut: "user-task-assignment                 error   execution  a user task has procedo:offices"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errw bytes.Buffer
			code := run(append([]string{"lint"}, tt.args...), &out, &errw)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, out.String(), errw.String())
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("stdout = %q, want it to contain %q", out.String(), tt.wantOut)
			}
			if !strings.Contains(errw.String(), tt.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", errw.String(), tt.wantErr)
			}
		})
	}
}

func TestLintJSON(t *testing.T) {
	var out, errw bytes.Buffer
	code := run([]string{"lint", "--format", "json", "../../designer/lint/testdata/service-type/bad.bpmn"}, &out, &errw)
	if code != 1 {
		t.Fatalf("exit code %d, want 1; stderr: %s", code, errw.String())
	}
	var rep struct {
		Version int
		Errors  int
		Results []struct {
			Path        string
			Diagnostics []struct {
				Rule, Severity, File, Element, Message string
				Line, Col                              int
			}
		}
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	if rep.Version != 1 || rep.Errors != 1 || len(rep.Results) != 1 {
		t.Fatalf("report: %s", out.String())
	}
	found := false
	for _, d := range rep.Results[0].Diagnostics {
		if d.Rule == "service-type" && d.Element == "Svc" && d.Severity == "error" && d.Line == 6 && d.Col == 5 {
			found = true
		}
	}
	if !found {
		t.Errorf("no service-type diagnostic at 6:5 in %s", out.String())
	}
}
