package bpmn_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/procedo/procedo/designer/bpmn"
	"github.com/procedo/procedo/internal/testenv"
)

// TestErrorFixtures parses every file of moddle/error and checks the
// first problem: position, code and what the message says.
func TestErrorFixtures(t *testing.T) {
	dir := filepath.Join(testenv.CorpusDir(t, "bpmn"), "moddle", "error")
	tests := []struct {
		file      string
		line, col int
		code      string
		msg       string // substring of the message
		wantModel bool   // the model comes back with the error
	}{
		{file: "no-xml.txt", line: 1, col: 1, code: bpmn.CodeNotXML, msg: `not an XML document: expected '<', found "this is no xml"`},
		{file: "binary.png", line: 1, col: 1, code: bpmn.CodeNotXML, msg: "not an XML document: binary data (starts with bytes 89 50 4e 47"},
		{file: "bad-encoding.bpmn", line: 1, col: 46, code: bpmn.CodeEncoding, msg: `encoding "windows-1252" is not supported`},
		{file: "duplicate-ids.bpmn", line: 7, col: 3, code: bpmn.CodeDuplicateID, msg: `duplicate id "test": <process> has the same id as <definitions> at 2:1`, wantModel: true},
		{file: "xmlns-redeclaration.bpmn", line: 2, col: 66, code: bpmn.CodeSyntax, msg: `attribute "xmlns" repeated in <definitions>`},
		{file: "invalid-attributes.bpmn", line: 3, col: 12, code: bpmn.CodeSyntax, msg: "XML syntax error: expected attribute name in element"},
		{file: "not-bpmn.bpmn", line: 2, col: 1, code: bpmn.CodeNamespace, msg: `root element <definitions> is in namespace "http://not-bpmn"`},
		{file: "undeclared-ns-child.bpmn", line: 4, col: 3, code: bpmn.CodeNamespace, msg: "element <someElement> in <bpmn2:definitions> is in no namespace"},
		{file: "unrecognized-child.bpmn", line: 4, col: 3, code: bpmn.CodeUnknown, msg: `unknown element <bpmn2:unrecognized> in <bpmn2:definitions>`},
		{file: "categoryValue.bpmn", line: 3, col: 3, code: bpmn.CodeMisplaced, msg: "element <categoryValue> is not allowed in <definitions> (it belongs in <category>)"},
		{file: "di-no-bpmn-element.bpmn", line: 8, col: 7, code: bpmn.CodeMissing, msg: "BPMNShape without bpmnElement", wantModel: true},
		{file: "extension-definition-missing.bpmn", line: 5, col: 4, code: bpmn.CodeDanglingRef, msg: `<extension>: definition "ino:tInnovator" does not match the id of any element`, wantModel: true},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join(dir, tt.file)
			defs, err := bpmn.ParseFile(path)
			if err == nil {
				t.Fatal("no error")
			}
			errs := bpmn.Errors(err)
			if len(errs) == 0 {
				t.Fatalf("error %T is not a *ParseError or ErrorList: %v", err, err)
			}
			got := errs[0]
			if got.Line != tt.line || got.Col != tt.col || got.Code != tt.code || !strings.Contains(got.Msg, tt.msg) {
				t.Errorf("got %d:%d [%s] %q\nwant %d:%d [%s] containing %q", got.Line, got.Col, got.Code, got.Msg, tt.line, tt.col, tt.code, tt.msg)
			}
			wantPrefix := path + ":" + strconv.Itoa(tt.line) + ":" + strconv.Itoa(tt.col) + ": "
			if !strings.HasPrefix(got.Error(), wantPrefix) {
				t.Errorf("Error() = %q, want prefix %q", got.Error(), wantPrefix)
			}
			if (defs != nil) != tt.wantModel {
				t.Errorf("model returned = %v, want %v", defs != nil, tt.wantModel)
			}
			var pe *bpmn.ParseError
			if !errors.As(err, &pe) {
				t.Errorf("errors.As(*ParseError) failed on %T", err)
			}
		})
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !seen[e.Name()] {
			t.Errorf("fixture %s has no expectation in the table", e.Name())
		}
	}
}

// doc wraps body in a <definitions> with the usual namespaces; body starts
// on line 3.
func doc(body string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="D" targetNamespace="http://example.com">
` + body + "\n</bpmn:definitions>\n"
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // "line:col: [code] message substring", in order
	}{
		{
			name: "dangling sequence flow ends",
			src:  doc(`<bpmn:process id="P"><bpmn:startEvent id="S"/>` + "\n" + `<bpmn:sequenceFlow id="F" sourceRef="S" targetRef="Nowhere"/></bpmn:process>`),
			want: []string{`4:1: [dangling-ref] <sequenceFlow id="F">: targetRef "Nowhere" does not match the id of any element`},
		},
		{
			name: "dangling attachedToRef, default, messageRef, errorRef, signalRef",
			src: doc(`<bpmn:process id="P">
<bpmn:exclusiveGateway id="G" default="F9"/>
<bpmn:boundaryEvent id="B" attachedToRef="T9"><bpmn:errorEventDefinition id="E" errorRef="Err9"/></bpmn:boundaryEvent>
<bpmn:intermediateCatchEvent id="C"><bpmn:messageEventDefinition id="M" messageRef="Msg9"/><bpmn:signalEventDefinition id="Sg" signalRef="Sig9"/></bpmn:intermediateCatchEvent>
</bpmn:process>`),
			want: []string{
				`4:1: [dangling-ref] <exclusiveGateway id="G">: default "F9"`,
				`5:1: [dangling-ref] <boundaryEvent id="B">: attachedToRef "T9"`,
				`5:47: [dangling-ref] <errorEventDefinition id="E">: errorRef "Err9"`,
				`6:37: [dangling-ref] <messageEventDefinition id="M">: messageRef "Msg9"`,
				`6:92: [dangling-ref] <signalEventDefinition id="Sg">: signalRef "Sig9"`,
			},
		},
		{
			name: "dangling bpmnElement and incoming",
			src: doc(`<bpmn:process id="P"><bpmn:task id="T"><bpmn:incoming>F1</bpmn:incoming></bpmn:task></bpmn:process>
<bpmndi:BPMNDiagram id="Di"><bpmndi:BPMNPlane id="Pl" bpmnElement="P"><bpmndi:BPMNShape id="Sh" bpmnElement="Gone"><dc:Bounds x="1" y="2" width="3" height="4"/></bpmndi:BPMNShape></bpmndi:BPMNPlane></bpmndi:BPMNDiagram>`),
			want: []string{
				`3:22: [dangling-ref] <task id="T">: incoming "F1"`,
				`4:71: [dangling-ref] <BPMNShape id="Sh">: bpmnElement "Gone"`,
			},
		},
		{
			name: "calledElement may point outside the document",
			src:  doc(`<bpmn:process id="P"><bpmn:callActivity id="CA" calledElement="OtherProcess"/></bpmn:process>`),
			want: nil,
		},
		{
			name: "prefixed reference into another namespace is not checked",
			src:  strings.Replace(doc(`<bpmn:message id="M" itemRef="ext:Item"/>`), `id="D"`, `xmlns:ext="http://other" id="D"`, 1),
			want: nil,
		},
		{
			name: "abstract element typed with xsi:type",
			src:  strings.Replace(doc(`<bpmn:process id="P"><bpmn:flowElement xsi:type="bpmn:tTask" id="T"/><bpmn:flowElement xsi:type="bpmn:tNothing" id="N"/></bpmn:process>`), `id="D"`, `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D"`, 1),
			want: []string{`3:70: [unknown] abstract element <bpmn:flowElement> in <bpmn:process> needs an xsi:type naming a concrete element allowed there`},
		},
		{
			name: "undeclared prefix",
			src:  doc(`<bpmn:process id="P"><foo:bar/></bpmn:process>`),
			want: []string{`3:22: [namespace] undeclared namespace prefix "foo" in <foo:bar>`},
		},
		{
			name: "attribute on a later line of its start tag",
			src:  doc("<bpmn:process id=\"P\"\n    isClosed=\"nope\"/>"),
			want: []string{`4:5: [value] attribute isClosed of <bpmn:process>: "nope" is not a boolean`},
		},
		{
			name: "undeclared attribute prefix",
			src:  doc(`<bpmn:process id="P" foo:x="1"/>`),
			want: []string{`3:22: [namespace] undeclared namespace prefix "foo" in attribute foo:x of <bpmn:process>`},
		},
		{
			name: "bad boolean and integer",
			src:  doc(`<bpmn:process id="P" isExecutable="yes"><bpmn:task id="T" startQuantity="many"/></bpmn:process>`),
			want: []string{
				`3:22: [value] attribute isExecutable of <bpmn:process>: "yes" is not a boolean`,
				`3:59: [value] attribute startQuantity of <bpmn:task>: "many" is not an integer`,
			},
		},
		{
			name: "repeated single child",
			src:  doc(`<bpmn:process id="P"><bpmn:sequenceFlow id="F"><bpmn:conditionExpression>a</bpmn:conditionExpression><bpmn:conditionExpression>b</bpmn:conditionExpression></bpmn:sequenceFlow></bpmn:process>`),
			want: []string{`3:102: [value] more than one <bpmn:conditionExpression> in <bpmn:sequenceFlow>`},
		},
		{
			name: "text where elements are expected",
			src:  doc(`<bpmn:process id="P">hello</bpmn:process>`),
			want: []string{`3:22: [misplaced] text "hello" is not allowed in <bpmn:process>`},
		},
		{
			name: "element inside a reference",
			src:  doc(`<bpmn:process id="P"><bpmn:task id="T"><bpmn:incoming><bpmn:task/></bpmn:incoming></bpmn:task></bpmn:process>`),
			want: []string{`3:55: [misplaced] element <bpmn:task> is not allowed in <bpmn:incoming>, which holds text only`},
		},
		{
			name: "mismatched end tag",
			src:  doc(`<bpmn:process id="P"><bpmn:task id="T"></bpmn:process>`),
			want: []string{`3:40: [syntax] element <bpmn:task> closed by </bpmn:process>`},
		},
		{
			name: "unclosed root",
			src:  `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">`,
			want: []string{`1:1: [syntax] unexpected end of file: <bpmn:definitions> is not closed`},
		},
		{
			name: "nesting too deep",
			src:  doc(`<bpmn:extensionElements>` + strings.Repeat("<x:a xmlns:x=\"http://x\">", 6000) + `</bpmn:extensionElements>`),
			want: []string{`3:119977: [syntax] elements nested more than 5000 deep`},
		},
		{
			name: "root is not definitions",
			src:  `<bpmn:process xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"/>`,
			want: []string{`1:1: [misplaced] root element is <bpmn:process>, want <definitions>`},
		},
		{
			name: "empty file",
			src:  "  \n",
			want: []string{`2:1: [not-xml] not an XML document: the file is empty`},
		},
		{
			name: "several problems at once",
			src:  doc(`<bpmn:process id="P"><bpmn:bogus/><bpmn:categoryValue/></bpmn:process>`),
			want: []string{
				`3:22: [unknown] unknown element <bpmn:bogus> in <bpmn:process>`,
				`3:35: [misplaced] element <bpmn:categoryValue> is not allowed in <bpmn:process> (it belongs in <category>)`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bpmn.ParseBytes("x.bpmn", []byte(tt.src))
			errs := bpmn.Errors(err)
			if err != nil && len(errs) == 0 {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if len(errs) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(errs), len(tt.want), err)
			}
			for i, e := range errs {
				got := strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Col) + ": [" + e.Code + "] " + e.Msg
				if !strings.HasPrefix(got, tt.want[i]) {
					t.Errorf("problem %d:\n got  %s\n want %s...", i, got, tt.want[i])
				}
			}
		})
	}
}

func TestParseEncodings(t *testing.T) {
	const body = `<?xml version="1.0" encoding="%s"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D"><process id="P" name="Città"/></definitions>`
	utf16le := func(s string) []byte {
		out := []byte{0xff, 0xfe}
		for _, u := range utf16.Encode([]rune(s)) {
			out = append(out, byte(u), byte(u>>8))
		}
		return out
	}
	utf16be := func(s string) []byte {
		out := []byte{0xfe, 0xff}
		for _, u := range utf16.Encode([]rune(s)) {
			out = append(out, byte(u>>8), byte(u))
		}
		return out
	}
	tests := []struct {
		name string
		data []byte
	}{
		{name: "UTF-8", data: []byte(fmt.Sprintf(body, "UTF-8"))},
		{name: "UTF-8 with BOM", data: append([]byte("\xef\xbb\xbf"), fmt.Sprintf(body, "UTF-8")...)},
		{name: "ISO-8859-1", data: []byte(strings.Replace(fmt.Sprintf(body, "ISO-8859-1"), "Città", "Citt\xe0", 1))},
		{name: "UTF-16LE with BOM", data: utf16le(fmt.Sprintf(body, "UTF-16"))},
		{name: "UTF-16BE with BOM", data: utf16be(fmt.Sprintf(body, "UTF-16"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defs, err := bpmn.ParseBytes("enc.bpmn", tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if got := defs.ElementByID("P").(*bpmn.Process).Name; got != "Città" {
				t.Errorf("name = %q, want Città", got)
			}
		})
	}
}
