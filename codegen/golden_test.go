package codegen_test

import (
	"bytes"
	"errors"
	"flag"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/procedo/procedo/codegen"
)

var update = flag.Bool("update", false, "rewrite the golden trees of codegen/testdata")

// goldenCases lists the cases of the golden corpus: every folder of
// testdata with a bundle/ in it.
func goldenCases(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join("testdata", e.Name(), "bundle")); err == nil {
			out = append(out, e.Name())
		}
	}
	if len(out) == 0 {
		t.Fatal("no golden cases in testdata")
	}
	return out
}

// generateCase generates one case: its files, or the text of its error
// with the bundle path made relative.
func generateCase(t *testing.T, c string) (map[string][]byte, string) {
	t.Helper()
	bundle := filepath.Join("testdata", c, "bundle")
	b, err := codegen.Open(bundle)
	var files map[string][]byte
	if err == nil {
		files, err = codegen.Generate(b)
	}
	if err != nil {
		var de *codegen.DiagnosticsError
		if !errors.As(err, &de) {
			t.Fatalf("%s: want diagnostics, got %v", c, err)
		}
		var lines []string
		for _, d := range de.Diagnostics {
			lines = append(lines, strings.ReplaceAll(d.String(), filepath.ToSlash(bundle)+"/", ""))
		}
		return nil, strings.Join(lines, "\n") + "\n"
	}
	return files, ""
}

// allowedImports are the packages generated code may import besides the
// standard library (ARCHITECTURE.md: generated code → runtime and forms;
// celrt for the cel-go fallbacks; jsonrt for the variables codec).
var allowedImports = map[string]bool{
	"github.com/procedo/procedo/runtime":        true,
	"github.com/procedo/procedo/forms":          true,
	"github.com/procedo/procedo/codegen/celrt":  true,
	"github.com/procedo/procedo/codegen/jsonrt": true,
}

// checkImports fails when a generated file imports anything else.
func checkImports(t *testing.T, files map[string][]byte) {
	t.Helper()
	for name, src := range files {
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") && !allowedImports[path] {
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
}

// TestGolden compares the generated tree of every case with
// testdata/<case>/out (or its diagnostics with error.golden). Regenerate
// with go test ./codegen -update.
func TestGolden(t *testing.T) {
	for _, c := range goldenCases(t) {
		t.Run(c, func(t *testing.T) {
			files, errText := generateCase(t, c)
			out := filepath.Join("testdata", c, "out")
			errGolden := filepath.Join("testdata", c, "error.golden")
			if *update {
				if errText != "" {
					_ = os.RemoveAll(out)
					if err := os.WriteFile(errGolden, []byte(errText), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				_ = os.Remove(errGolden)
				if _, _, err := codegen.Write(out, files); err != nil {
					t.Fatal(err)
				}
				return
			}
			if errText != "" {
				want, err := os.ReadFile(errGolden)
				if err != nil {
					t.Fatalf("generation failed (run with -update to accept):\n%s", errText)
				}
				if string(want) != errText {
					t.Errorf("diagnostics differ from %s (run with -update to accept)\ngot:\n%s\nwant:\n%s", errGolden, errText, want)
				}
				return
			}
			if _, err := os.Stat(errGolden); err == nil {
				t.Fatalf("want the error of %s, but generation succeeded", errGolden)
			}
			checkImports(t, files)
			// The whole tree: every file of out/ is generated, and equal.
			var onDisk []string
			_ = filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					rel, _ := filepath.Rel(out, p)
					onDisk = append(onDisk, filepath.ToSlash(rel))
				}
				return nil
			})
			for _, f := range onDisk {
				if _, ok := files[f]; !ok {
					t.Errorf("%s/%s is not generated any more (run with -update)", out, f)
				}
			}
			diff, err := codegen.Diff(out, files)
			if err != nil {
				t.Fatal(err)
			}
			if diff != "" {
				t.Errorf("generated code differs from %s (run with -update to accept):\n%s", out, diff)
			}
			// Deterministic: a second run gives the same bytes.
			again, _ := generateCase(t, c)
			for name, src := range files {
				if !bytes.Equal(again[name], src) {
					t.Errorf("%s: a second generation differs", name)
				}
			}
		})
	}
}
