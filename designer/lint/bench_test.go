package lint_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/procedo/procedo/designer/lint"
	"github.com/procedo/procedo/designer/model"
	"github.com/procedo/procedo/internal/testenv"
)

// BenchmarkLint resolves and lints the largest corpus document, every
// rule included.
func BenchmarkLint(b *testing.B) {
	path := filepath.Join(testenv.CorpusDir(b, "bpmn"), "miwg", "Trisotech-Workflow-Modeler-12.6.3", "C.8.1-export.bpmn")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var n int
	for b.Loop() {
		m, problems, err := model.ResolveBytes(path, data, nil, false)
		if err != nil {
			b.Fatal(err)
		}
		n = len(lint.Model(m, problems))
	}
	b.ReportMetric(float64(n), "diagnostics")
}

// BenchmarkLintBundle loads and lints a realistic bundle with forms: CEL
// environments and type checks included.
func BenchmarkLintBundle(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		res := lint.Path("testdata/realistic")
		if res.Errors() > 0 {
			b.Fatal(res.Diagnostics)
		}
	}
}
