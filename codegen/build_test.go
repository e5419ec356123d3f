package codegen_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"text/template"

	"github.com/procedo/procedo/codegen"
	"github.com/procedo/procedo/internal/testenv"
)

// harnessBundle is a bundle generated into the temporary module.
type harnessBundle struct {
	Name, Dir string
	Imports   []string // generated packages, one per process
}

// TestGeneratedCode builds, in one temporary module and with one go test
// invocation, the generated code of every golden case, of every bundle of
// templates/, of every MIWG model and of every model of designer's lint
// and model tests that generation accepts, and runs in it:
//
//   - the differential test: every scenario of every bundle runs on the
//     generated definitions and on codegen.Load's, and both histories must
//     be identical (harness_diff_test.go.txt);
//   - the end-to-end test: the generated suap package linked with
//     hand-written services and the runtime, a case run to completion on
//     SQLite (harness_e2e_test.go.txt).
//
// Generation over MIWG must either succeed (and the code then compiles
// here) or stop with diagnostics: never panic; over designer's models it
// must not panic.
func TestGeneratedCode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds generated code with the go tool")
	}
	root := testenv.RepoRoot()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool")
	}
	mod := t.TempDir()
	write := func(name string, data []byte) {
		p := filepath.Join(mod, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", []byte("module procedo.test/gen\n\ngo 1.26.0\n\nrequire github.com/procedo/procedo v0.0.0\n\nreplace github.com/procedo/procedo => "+root+"\n"))
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write("go.sum", sum)

	var bundles []harnessBundle
	add := func(name, dir string) {
		b, err := codegen.Open(dir)
		if err != nil {
			if errors.Is(err, codegen.ErrDiagnostics) {
				return // error cases of the golden corpus
			}
			t.Fatalf("%s: %v", dir, err)
		}
		files, err := codegen.Generate(b)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		hb := harnessBundle{Name: name, Dir: dir}
		pkgs := map[string]bool{}
		for f, src := range files {
			write("gen/"+name+"/"+f, src)
			pkgs[strings.Split(f, "/")[0]] = true
		}
		for p := range pkgs {
			hb.Imports = append(hb.Imports, "procedo.test/gen/gen/"+name+"/"+p)
		}
		sort.Strings(hb.Imports)
		bundles = append(bundles, hb)
	}
	for _, c := range goldenCases(t) {
		abs, _ := filepath.Abs(filepath.Join("testdata", c, "bundle"))
		add(c, abs)
	}
	tpls, _ := filepath.Glob(filepath.Join(root, "templates", "*", "process.bpmn"))
	for _, p := range tpls {
		add("tpl-"+filepath.Base(filepath.Dir(p)), filepath.Dir(p))
	}

	// MIWG: generation succeeds or reports diagnostics, never panics.
	miwg := testenv.CorpusDir(t, "bpmn/miwg")
	var models []string
	_ = filepath.WalkDir(miwg, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".bpmn") {
			models = append(models, p)
		}
		return nil
	})
	generated, stopped := 0, 0
	for i, p := range models {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: generation panicked: %v", p, r)
				}
			}()
			b, err := codegen.Open(p)
			if err != nil {
				var de *codegen.DiagnosticsError
				if errors.As(err, &de) && len(de.Diagnostics) > 0 {
					stopped++
					return
				}
				// procedo gen exits 1 with diagnostics; anything else
				// (exit 2, an unreadable file) is not expected of MIWG.
				t.Errorf("%s: stopped without diagnostics: %v", p, err)
				return
			}
			files, err := codegen.Generate(b)
			if err != nil {
				if !errors.Is(err, codegen.ErrDiagnostics) {
					t.Errorf("%s: %v", p, err)
				}
				stopped++
				return
			}
			for f, src := range files {
				write(fmt.Sprintf("miwg/m%d/%s", i, f), src)
			}
			generated++
		}()
	}
	t.Logf("MIWG: %d models, %d generated, %d stopped with diagnostics", len(models), generated, stopped)

	// The models of designer's tests (every lint rule's good and bad
	// cases): those that generate must compile too.
	var lintModels []string
	for _, root := range []string{filepath.Join(root, "designer", "lint", "testdata"), filepath.Join(root, "designer", "model", "testdata")} {
		_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() {
				if _, err := os.Stat(filepath.Join(p, "process.bpmn")); err == nil {
					lintModels = append(lintModels, p)
				}
			} else if strings.HasSuffix(p, ".bpmn") && filepath.Base(p) != "process.bpmn" {
				lintModels = append(lintModels, p)
			}
			return nil
		})
	}
	lintGenerated := 0
	for i, p := range lintModels {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: generation panicked: %v", p, r)
				}
			}()
			b, err := codegen.Open(p)
			if err != nil {
				return // diagnostics, or a document the parser rejects (bpmn-parse cases)
			}
			files, err := codegen.Generate(b)
			if err != nil {
				return
			}
			for f, src := range files {
				write(fmt.Sprintf("lintcases/m%d/%s", i, f), src)
			}
			lintGenerated++
		}()
	}
	t.Logf("designer test models: %d, %d generated", len(lintModels), lintGenerated)

	// The harness tests.
	tmpl := template.Must(template.ParseFiles(filepath.Join("testdata", "harness_diff_test.go.txt")))
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, bundles); err != nil {
		t.Fatal(err)
	}
	write("harness/diff_test.go", buf.Bytes())
	e2e, err := os.ReadFile(filepath.Join("testdata", "harness_e2e_test.go.txt"))
	if err != nil {
		t.Fatal(err)
	}
	write("harness/e2e_test.go", e2e)

	cmd := exec.Command(goBin, "test", "-count=1", "-vet=off", "-v", "./...")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test in the generated module: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
