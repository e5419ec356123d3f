package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseAndPrint(t *testing.T) {
	in := `goos: linux
pkg: github.com/procedo/procedo/designer/bpmn
BenchmarkParse/C.8.0-2   	     100	  10000000 ns/op	  45.00 MB/s	  123 B/op	  4 allocs/op
BenchmarkReference/sqlite-2 	 5	 2000 ns/op	 4100 instances/s
PASS
ok  	github.com/procedo/procedo/designer/bpmn	1.2s
`
	var pass bytes.Buffer
	rows, units, err := parse(strings.NewReader(in), &pass)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("got %d rows, want 2", len(rows))
	}
	if got, want := strings.Join(units, ","), "ns/op,MB/s,B/op,allocs/op,instances/s"; got != want {
		t.Errorf("units = %s, want %s", got, want)
	}
	if !strings.Contains(pass.String(), "PASS") {
		t.Errorf("non-result lines not passed through: %q", pass.String())
	}
	var out bytes.Buffer
	print(&out, rows, units)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("table has %d lines, want 4:\n%s", len(lines), out.String())
	}
	if !strings.Contains(lines[3], "4100") || !strings.Contains(lines[3], "designer/bpmn") || !strings.HasSuffix(lines[2], "-") {
		t.Errorf("unexpected table:\n%s", out.String())
	}
}
