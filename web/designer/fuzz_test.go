package designerweb

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/procedo/procedo/designer/workspace"
	"github.com/procedo/procedo/internal/testenv"
)

// FuzzImport feeds the importer's parsers (zip archives and BPMN through
// LintFiles) arbitrary bytes: they must answer an error or files, never
// panic. Seeds: the corpus's broken BPMN files and a bundle zip.
func FuzzImport(f *testing.F) {
	f.Add(zipOf(&testing.T{}, map[string]string{"b/process.bpmn": StarterBPMN, "b/forms/a.schema.json": `{"type":"object"}`}), false)
	f.Add([]byte(StarterBPMN), true)
	paths, _ := filepath.Glob(filepath.Join(testenv.CorpusDir(f, "bpmn"), "moddle", "*.bpmn"))
	if len(paths) == 0 {
		f.Fatal("no BPMN files in the corpus")
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, asBPMN bool) {
		if asBPMN {
			res := LintFiles(workspace.Files{"process.bpmn": string(data)})
			if res.Unreadable && len(res.Diagnostics) == 0 {
				t.Fatal("unreadable without a diagnostic")
			}
			return
		}
		files, err := unzipBundle(data)
		if err == nil {
			for p := range files {
				if !workspace.ValidPath(p) {
					t.Fatalf("unzip kept %q", p)
				}
			}
		}
	})
}
