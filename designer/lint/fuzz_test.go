package lint_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/procedo/procedo/designer/lint"
	"github.com/procedo/procedo/designer/model"
	"github.com/procedo/procedo/internal/testenv"
)

// FuzzLint resolves and lints arbitrary documents, seeded with the corpus
// (files up to 32 KB) and every lint fixture: it must never panic, and
// every diagnostic must have a position or an element id.
func FuzzLint(f *testing.F) {
	var seeds []string
	_ = filepath.WalkDir(testenv.CorpusDir(f, "bpmn"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".bpmn") {
			seeds = append(seeds, path)
		}
		return nil
	})
	_ = filepath.WalkDir("testdata", func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".bpmn") {
			seeds = append(seeds, path)
		}
		return nil
	})
	for _, path := range seeds {
		if data, err := os.ReadFile(path); err == nil && len(data) <= 32<<10 {
			f.Add(data)
		}
	}
	forms, _, _ := model.LoadForms("testdata/clean/forms")
	f.Fuzz(func(t *testing.T, data []byte) {
		m, problems, err := model.ResolveBytes("fuzz.bpmn", data, forms, true)
		if err != nil {
			if m != nil {
				t.Fatal("model and error")
			}
			return
		}
		for _, d := range lint.Model(m, problems) {
			if d.Line == 0 && d.ElementID == "" {
				t.Fatalf("diagnostic without position or element id: %v", d)
			}
		}
	})
}
