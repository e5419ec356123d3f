package bpmn_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/procedo/procedo/designer/bpmn"
	"github.com/procedo/procedo/internal/testenv"
)

// largestCorpusFile is the largest file of the corpus (~450 KB).
const largestCorpusFile = "miwg/Trisotech-Workflow-Modeler-12.6.3/C.8.1-export.bpmn"

func readLargest(b *testing.B) []byte {
	b.Helper()
	data, err := os.ReadFile(filepath.Join(testenv.CorpusDir(b, "bpmn"), largestCorpusFile))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkParse measures ParseBytes (tokenizing, decoding, id and
// reference checks) on the largest corpus file; MB/s comes from SetBytes.
func BenchmarkParse(b *testing.B) {
	data := readLargest(b)
	b.SetBytes(int64(len(data)))
	var elements int
	for b.Loop() {
		defs, err := bpmn.ParseBytes(largestCorpusFile, data)
		if defs == nil {
			b.Fatal(err)
		}
		elements = 0
		for range bpmn.Elements(defs) {
			elements++
		}
	}
	b.ReportMetric(float64(elements), "elements")
}

// BenchmarkWrite measures Marshal of the parsed largest corpus file; MB/s
// is of the canonical output.
func BenchmarkWrite(b *testing.B) {
	defs, err := bpmn.ParseBytes(largestCorpusFile, readLargest(b))
	if defs == nil {
		b.Fatal(err)
	}
	out, err := bpmn.Marshal(defs)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(out)))
	for b.Loop() {
		if _, err := bpmn.Marshal(defs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTokenize is the floor under BenchmarkParse: encoding/xml
// RawToken over the same file, building nothing.
func BenchmarkTokenize(b *testing.B) {
	data := readLargest(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		d := xml.NewDecoder(bytes.NewReader(data))
		for {
			_, err := d.RawToken()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}
