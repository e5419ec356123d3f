package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procedo/procedo/designer/bpmn"
	"github.com/procedo/procedo/internal/testenv"
)

const fmtInput = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="http://x">
    <process id="P"><startEvent id="S"/></process>
</definitions>`

const fmtWant = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="D" targetNamespace="http://x">
  <bpmn:process id="P">
    <bpmn:startEvent id="S"/>
  </bpmn:process>
</bpmn:definitions>
`

func TestBPMNFmt(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := write("good.bpmn", fmtInput)
	bad := write("bad.bpmn", "<definitions")
	dangling := write("dangling.bpmn", strings.Replace(fmtInput, `<startEvent id="S"/>`, `<sequenceFlow id="F" sourceRef="S" targetRef="S"/>`, 1))
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string // exact stdout, when not empty
		wantErr  string // substring of stderr
	}{
		{name: "formats to stdout", args: []string{"bpmn", "fmt", good}, wantCode: 0, wantOut: fmtWant},
		{name: "unparsable file", args: []string{"bpmn", "fmt", bad}, wantCode: 2, wantErr: bad + ":1:13: XML syntax error: unexpected EOF"},
		{name: "missing file", args: []string{"bpmn", "fmt", filepath.Join(dir, "none.bpmn")}, wantCode: 2, wantErr: "cannot read"},
		{name: "model problems are warnings", args: []string{"bpmn", "fmt", dangling}, wantCode: 0, wantErr: `sourceRef "S" does not match the id of any element (warning)`},
		{name: "no file", args: []string{"bpmn", "fmt"}, wantCode: 2, wantErr: "Usage: procedo bpmn fmt"},
		{name: "unknown subcommand", args: []string{"bpmn", "lint"}, wantCode: 2, wantErr: `unknown subcommand "lint"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errw bytes.Buffer
			code := run(tt.args, &out, &errw)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d (stderr: %s)", code, tt.wantCode, errw.String())
			}
			if tt.wantOut != "" && out.String() != tt.wantOut {
				t.Errorf("stdout =\n%s\nwant\n%s", out.String(), tt.wantOut)
			}
			if !strings.Contains(errw.String(), tt.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", errw.String(), tt.wantErr)
			}
		})
	}
}

func TestBPMNFmtWriteInPlace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.bpmn")
	if err := os.WriteFile(path, []byte(fmtInput), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errw bytes.Buffer
	if code := run([]string{"bpmn", "fmt", "-w", path}, &out, &errw); code != 0 {
		t.Fatalf("exit code %d: %s", code, errw.String())
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != fmtWant || out.Len() != 0 {
		t.Errorf("file =\n%s\nstdout = %q", got, out.String())
	}
}

// The command is idempotent on a real export: formatting its output
// again gives the same bytes.
func TestBPMNFmtCorpusIdempotent(t *testing.T) {
	src := filepath.Join(testenv.CorpusDir(t, "bpmn"), "miwg", "bpmn.io-Camunda-Modeler-18.6.1", "C.1.0-roundtrip.bpmn")
	if _, err := os.Stat(src); err != nil {
		t.Fatal(err)
	}
	var first, errw bytes.Buffer
	if code := run([]string{"bpmn", "fmt", src}, &first, &errw); code != 0 {
		t.Fatalf("exit %d: %s", code, errw.String())
	}
	tmp := filepath.Join(t.TempDir(), "again.bpmn")
	if err := os.WriteFile(tmp, first.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var second bytes.Buffer
	if code := run([]string{"bpmn", "fmt", tmp}, &second, &errw); code != 0 {
		t.Fatalf("exit %d: %s", code, errw.String())
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Error("fmt is not idempotent")
	}
	if _, err := bpmn.ParseBytes("again", second.Bytes()); err != nil {
		t.Error(err)
	}
}
