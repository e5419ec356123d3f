package celgo_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/procedo/procedo/codegen/celgo/internal/celtest"
)

var update = flag.Bool("update", false, "rewrite the generated package internal/golden")

// TestGoldenPackage keeps internal/golden, the translation of the whole
// corpus, in step with the translator: a reviewable sample of the output
// that is compiled and vetted with the repository, and that the
// benchmarks comparing Go with cel-go run. Regenerate with -update.
func TestGoldenPackage(t *testing.T) {
	types, exprs, helpers, _ := celtest.GenerateCorpus(t, "golden")
	for name, got := range map[string][]byte{"types.go": types, "exprs.go": exprs, "cel.go": helpers} {
		path := filepath.Join("internal", "golden", name)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./codegen/celgo -run TestGoldenPackage -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go test ./codegen/celgo -run TestGoldenPackage -update and review the diff", path)
		}
	}
}
