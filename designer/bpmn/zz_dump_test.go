package bpmn_test

import (
	"os"
	"testing"

	"github.com/procedo/procedo/designer/bpmn"
)

func TestDump(t *testing.T) {
	p := os.Getenv("DUMP")
	if p == "" {
		t.Skip()
	}
	data, _ := os.ReadFile(p)
	d, err := bpmn.ParseFragment(p, data)
	if err != nil {
		t.Log(err)
	}
	out, err := bpmn.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.Write(out)
}
