package bpmn_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/procedo/procedo/designer/bpmn"
	"github.com/procedo/procedo/internal/testenv"
)

// FuzzParse checks that no input makes the parser panic, and that what
// parses is written stably: write(parse(write(x))) == write(x).
func FuzzParse(f *testing.F) {
	for _, path := range corpusFiles(f) {
		// Seeds above 32 KB make the fuzzing engine spend its time
		// minimising huge inputs; TestCorpusRoundTrip covers them.
		if data, err := os.ReadFile(path); err == nil && len(data) <= 32<<10 {
			f.Add(data)
		}
	}
	errDir := filepath.Join(testenv.CorpusDir(f, "bpmn"), "moddle", "error")
	entries, _ := os.ReadDir(errDir)
	for _, e := range entries {
		if data, err := os.ReadFile(filepath.Join(errDir, e.Name())); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, fragment := range []bool{false, true} {
			var el bpmn.Element
			var err error
			if fragment {
				el, err = bpmn.ParseFragment("fuzz", data)
			} else {
				var defs *bpmn.Definitions
				defs, err = bpmn.ParseBytes("fuzz", data)
				if defs != nil {
					el = defs
				}
			}
			if el == nil {
				if err == nil {
					t.Fatal("no element and no error")
				}
				if len(bpmn.Errors(err)) == 0 {
					t.Fatalf("error is not a ParseError: %T %v", err, err)
				}
				continue
			}
			out1, err := bpmn.Marshal(el)
			if err != nil {
				t.Fatalf("write: %v", err)
			}
			again, err := bpmn.ParseFragment("fuzz", out1)
			if err != nil {
				t.Fatalf("written XML does not parse: %v\n%s", err, out1)
			}
			if !bpmn.Equal(el, again) {
				t.Fatalf("model changed by write+parse\n%s", out1)
			}
			out2, err := bpmn.Marshal(again)
			if err != nil {
				t.Fatalf("second write: %v", err)
			}
			if !bytes.Equal(out1, out2) {
				t.Fatalf("unstable writing:\n%s\n----\n%s", out1, out2)
			}
		}
	})
}
