package model_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/procedo/procedo/designer/model"
)

// TestProblemPositions checks that a problem with an attribute points at
// its value, whatever the prefix and whatever other vendor attributes
// share its local name.
func TestProblemPositions(t *testing.T) {
	const head = `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:p="https://procedo.dev/bpmn/1.0" id="D" targetNamespace="t">
<process id="P" isExecutable="true">
`
	tests := []struct {
		name      string
		body      string
		wantCode  string
		wantAt    string // the document text at the reported position
		wantInMsg string
	}{
		{name: "other prefix for procedo", body: `<userTask id="T" p:sla="10 giorni" />`, wantCode: "iso8601", wantAt: `10 giorni"`},
		{name: "same local name in another vendor namespace", body: `<serviceTask id="S" camunda:retries="x" p:retries="molti" />`, wantCode: "procedo-attribute", wantAt: `molti"`},
		{name: "unknown procedo attribute", body: `<serviceTask id="S"
  p:typo="1" />`, wantCode: "procedo-attribute", wantAt: `1"`},
		{name: "misplaced attribute", body: `<serviceTask id="S" p:form="domanda" />`, wantCode: "procedo-attribute", wantAt: `domanda"`},
		{name: "correlation key on a timer", body: `<intermediateCatchEvent id="E" p:correlationKey="x"><timerEventDefinition><timeDuration>P1D</timeDuration></timerEventDefinition></intermediateCatchEvent>`, wantCode: "procedo-attribute", wantAt: `x"`},
		{name: "flow into another process", body: `<task id="A" /><sequenceFlow id="F" sourceRef="A" targetRef="B" /></process><process id="Q"><task id="B" />`, wantCode: "bpmn-invalid", wantAt: `B"`, wantInMsg: `is in process "Q", not in "P"`},
		{name: "default flow not leaving", body: `<exclusiveGateway id="G" default="F" /><task id="A" /><task id="B" /><sequenceFlow id="F" sourceRef="A" targetRef="B" />`, wantCode: "bpmn-invalid", wantAt: `F"`},
		{name: "timer text", body: `<intermediateCatchEvent id="E"><timerEventDefinition><timeDuration>
   five days</timeDuration></timerEventDefinition></intermediateCatchEvent>`, wantCode: "iso8601", wantAt: `five days<`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := head + tt.body + "\n</process>\n</definitions>\n"
			_, problems, err := model.ResolveBytes("t.bpmn", []byte(doc), nil, false)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(doc, "\n")
			for _, p := range problems {
				if p.Code != tt.wantCode {
					continue
				}
				if p.Process != "P" {
					t.Errorf("problem process %q, want P", p.Process)
				}
				if !p.Pos.IsValid() {
					t.Fatalf("no position: %v", p)
				}
				if at := lines[p.Pos.Line-1][p.Pos.Col-1:]; !strings.HasPrefix(at, tt.wantAt) {
					t.Errorf("%v points at %q, want %q", p, at, tt.wantAt)
				}
				if !strings.Contains(p.Msg, tt.wantInMsg) {
					t.Errorf("message %q does not contain %q", p.Msg, tt.wantInMsg)
				}
				return
			}
			t.Errorf("no %s problem in %v", tt.wantCode, problems)
		})
	}
}

// TestResolveDeterministic resolves the same document twice and compares
// the models.
func TestResolveDeterministic(t *testing.T) {
	a, _, err := model.Load("testdata/ztl")
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := model.Load("testdata/ztl")
	if err != nil {
		t.Fatal(err)
	}
	a.Definitions, b.Definitions = nil, nil // parsed trees hold a lazily built index
	for _, p := range append(a.Processes, b.Processes...) {
		p.Element = nil
		for _, n := range p.Nodes {
			n.Element = nil
			for _, e := range n.Events {
				e.Element = nil
			}
		}
		for _, f := range p.Flows {
			f.Element = nil
		}
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("two resolutions of the same bundle differ")
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, path, want string
	}{
		{name: "missing", path: "testdata/nope.bpmn", want: "no such file"},
		{name: "folder without process.bpmn", path: "testdata/ztl/forms", want: "is a folder without process.bpmn"},
		{name: "not BPMN", path: "testdata/ztl/forms/esito.schema.json", want: "not an XML document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := model.Load(tt.path)
			if !errors.Is(err, model.ErrUnreadable) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load(%q) = %v, want ErrUnreadable containing %q", tt.path, err, tt.want)
			}
		})
	}
}

// TestPositionsInOtherEncodings checks that positions stay exact for a
// byte order mark, UTF-16 and ISO-8859-1 input, which the parser counts in
// UTF-8.
func TestPositionsInOtherEncodings(t *testing.T) {
	const doc = `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:p="https://procedo.dev/bpmn/1.0" id="D" targetNamespace="t"><process id="P" isExecutable="true"><userTask id="T" name="Attività" p:sla="dieci giorni" /></process></definitions>`
	utf16le := func(s string) []byte {
		out := []byte{0xff, 0xfe}
		for _, u := range utf16.Encode([]rune(s)) {
			out = append(out, byte(u), byte(u>>8))
		}
		return out
	}
	latin1 := func(s string) []byte {
		var out []byte
		for _, r := range s {
			out = append(out, byte(r))
		}
		return out
	}
	tests := []struct {
		name string
		data []byte
	}{
		{name: "utf-8", data: []byte(doc)},
		{name: "utf-8 with BOM", data: append([]byte("\xef\xbb\xbf"), doc...)},
		{name: "utf-16", data: utf16le(doc)},
		{name: "iso-8859-1", data: latin1(`<?xml version="1.0" encoding="ISO-8859-1"?>` + doc)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problems, err := model.ResolveBytes("t.bpmn", tt.data, nil, false)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range problems {
				if p.Code != "iso8601" {
					continue
				}
				line := strings.Split(doc, "\n")[0]
				if tt.name == "iso-8859-1" {
					line = `<?xml version="1.0" encoding="ISO-8859-1"?>` + line
				}
				if at := line[p.Pos.Col-1:]; !strings.HasPrefix(at, "dieci giorni") {
					t.Errorf("position %v holds %q", p.Pos, at[:min(len(at), 20)])
				}
				return
			}
			t.Errorf("no iso8601 problem: %v", problems)
		})
	}
}
