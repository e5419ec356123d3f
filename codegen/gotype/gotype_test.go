package gotype_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/procedo/procedo/codegen/gotype"
	"github.com/procedo/procedo/codegen/ident"
	"github.com/procedo/procedo/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// generate renders the Go file for one schema, as the assembly does.
func generate(file string, schema []byte) ([]byte, error) {
	g := gotype.NewGenerator(ident.NewNamer())
	if _, err := g.Schema(file, schema, "Domanda"); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := g.File("moduli", file).Render(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

var (
	imp     types.Importer
	impOnce sync.Once
)

// typeCheck parses and type-checks one generated file.
func typeCheck(src []byte) error {
	impOnce.Do(func() { imp = importer.Default() })
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "types.go", src, parser.ParseComments)
	if err != nil {
		return err
	}
	_, err = (&types.Config{Importer: imp}).Check("moduli", fset, []*ast.File{f}, nil)
	return err
}

func cases(t *testing.T) []string {
	t.Helper()
	dirs, err := filepath.Glob("testdata/*/schema.json")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases in testdata: %v", err)
	}
	for i, d := range dirs {
		dirs[i] = filepath.Dir(d)
	}
	sort.Strings(dirs)
	return dirs
}

func TestGolden(t *testing.T) {
	for _, dir := range cases(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			schema, err := os.ReadFile(filepath.Join(dir, "schema.json"))
			if err != nil {
				t.Fatal(err)
			}
			src, err := generate("schema.json", schema)
			got, golden := src, filepath.Join(dir, "types.go.golden")
			if err != nil {
				if !errors.Is(err, gotype.ErrUnsupported) {
					t.Errorf("error %v does not match ErrUnsupported", err)
				}
				got, golden = []byte(err.Error()+"\n"), filepath.Join(dir, "error.golden")
			} else if err := typeCheck(src); err != nil {
				t.Errorf("generated code does not compile: %v\n%s", err, src)
			}
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the generated output (run go test -update and review the diff):\n%s", golden, got)
			}
			again, _ := generate("schema.json", schema)
			if err == nil && !bytes.Equal(src, again) {
				t.Errorf("generation is not deterministic")
			}
		})
	}
}

// TestRoundTrip builds every golden file into a program that unmarshals
// and marshals the valid instances of its case: the JSON must come back
// equal. One build for all cases keeps it fast.
func TestRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program with the go tool")
	}
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module roundtrip\n\ngo 1.26\n")
	var imports, entries strings.Builder
	var args []string
	type instance struct{ file, data string }
	var instances []instance
	for i, c := range cases(t) {
		src, err := os.ReadFile(filepath.Join(c, "types.go.golden"))
		if err != nil {
			continue // an error case
		}
		pkg := fmt.Sprintf("c%d", i)
		write(pkg+"/types.go", strings.Replace(string(src), "package moduli", "package "+pkg, 1))
		fmt.Fprintf(&imports, "\t%q\n", "roundtrip/"+pkg)
		fmt.Fprintf(&entries, "\t%q: func() any { return new(%s.Domanda) },\n", filepath.Base(c), pkg)
		files, _ := filepath.Glob(filepath.Join(c, "valid", "*.json"))
		if len(files) == 0 {
			t.Errorf("%s: no valid instances", c)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			abs, _ := filepath.Abs(f)
			args = append(args, filepath.Base(c)+"="+abs)
			instances = append(instances, instance{file: f, data: string(data)})
		}
	}
	write("main.go", `package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

`+imports.String()+`)

var roots = map[string]func() any{
`+entries.String()+`}

func main() {
	for _, arg := range os.Args[1:] {
		c, file, _ := strings.Cut(arg, "=")
		data, err := os.ReadFile(file)
		if err != nil {
			panic(err)
		}
		v := roots[c]()
		if err := json.Unmarshal(data, v); err != nil {
			fmt.Printf("ERROR %s: %v\n", file, err)
			continue
		}
		out, err := json.Marshal(v)
		if err != nil {
			fmt.Printf("ERROR %s: %v\n", file, err)
			continue
		}
		fmt.Printf("%s\n", out)
	}
}
`)
	cmd := exec.Command("go", append([]string{"run", "."}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(instances) {
		t.Fatalf("got %d results for %d instances:\n%s", len(lines), len(instances), out)
	}
	for i, in := range instances {
		var want, got any
		if err := json.Unmarshal([]byte(in.data), &want); err != nil {
			t.Fatalf("%s: %v", in.file, err)
		}
		if err := json.Unmarshal([]byte(lines[i]), &got); err != nil {
			t.Errorf("%s: %s", in.file, lines[i])
			continue
		}
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%s does not round-trip:\n in: %s\nout: %s", in.file, in.data, lines[i])
		}
	}
}

// TestCorpus runs the generator over every schema of the JSON Schema Test
// Suite: it never panics, and either produces code that compiles or
// reports an unsupported construct with its place.
func TestCorpus(t *testing.T) {
	dir := testenv.CorpusDir(t, "jsonschema/draft2020-12")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files in %s", dir)
	}
	generated, unsupported := 0, 0
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var groups []struct {
			Description string          `json:"description"`
			Schema      json.RawMessage `json:"schema"`
		}
		if err := json.Unmarshal(data, &groups); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for i, g := range groups {
			name := fmt.Sprintf("%s[%d] %s", filepath.Base(file), i, g.Description)
			src, err := generate(filepath.Base(file), g.Schema)
			if err != nil {
				if !errors.Is(err, gotype.ErrUnsupported) || !strings.Contains(err.Error(), "unsupported construct at ") {
					t.Errorf("%s: error is not an unsupported construct: %v", name, err)
				}
				unsupported++
				continue
			}
			if err := typeCheck(src); err != nil {
				t.Errorf("%s: generated code does not compile: %v\n%s", name, err, src)
			}
			generated++
		}
	}
	t.Logf("%d schemas generated and compiled, %d reported as unsupported", generated, unsupported)
}

func FuzzSchema(f *testing.F) {
	for _, s := range []string{`{"type":"object","properties":{"a":{"type":"string"}}}`, `true`, `{"$ref":"#"}`, `{"enum":[1,"a"]}`} {
		f.Add([]byte(s))
	}
	dir := filepath.Join(testenv.RepoRoot(), "..", "shared", "corpus", "jsonschema", "draft2020-12")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, file := range files {
		data, _ := os.ReadFile(file)
		var groups []struct {
			Schema json.RawMessage `json:"schema"`
		}
		if json.Unmarshal(data, &groups) == nil {
			for _, g := range groups {
				f.Add([]byte(g.Schema))
			}
		}
	}
	cases, _ := filepath.Glob("testdata/*/schema.json")
	for _, c := range cases {
		data, _ := os.ReadFile(c)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, schema []byte) {
		src, err := generate("fuzz.json", schema)
		if err != nil {
			return // invalid JSON or unsupported: reported, not panicked
		}
		if err := typeCheck(src); err != nil {
			t.Fatalf("generated code does not compile: %v\n%s\nschema: %s", err, src, schema)
		}
	})
}
