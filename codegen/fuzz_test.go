package codegen_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/procedo/procedo/codegen"
)

// fuzzBundle writes a bundle whose names, documentation, offices, titles
// and form property come from the fuzzer.
func fuzzBundle(t *testing.T, name, doc, prop string) string {
	dir := t.TempDir()
	esc := func(s string) string {
		var b bytes.Buffer
		_ = xml.EscapeText(&b, []byte(s))
		return strings.ReplaceAll(b.String(), `"`, "&quot;")
	}
	bpmn := fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:procedo="https://procedo.dev/bpmn/1.0" id="D" targetNamespace="https://procedo.dev/fuzz">
  <bpmn:process id="fuzz" name="%[1]s" isExecutable="true" procedo:legalTerm="P30D">
    <bpmn:startEvent id="Start" name="%[1]s" procedo:form="domanda" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Servizio" />
    <bpmn:serviceTask id="Servizio" name="%[1]s" procedo:type="fuzz.servizio"><bpmn:documentation>%[2]s</bpmn:documentation></bpmn:serviceTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Servizio" targetRef="Compito" />
    <bpmn:userTask id="Compito" name="%[2]s" procedo:offices="%[1]s" procedo:form="domanda" />
    <bpmn:sequenceFlow id="F3" sourceRef="Compito" targetRef="Fine" />
    <bpmn:endEvent id="Fine" name="%[1]s" />
  </bpmn:process>
</bpmn:definitions>
`, esc(name), esc(doc))
	schema, err := json.Marshal(map[string]any{
		"type":  "object",
		"title": name,
		"properties": map[string]any{
			prop:   map[string]any{"type": "string", "title": doc, "description": name},
			"nota": map[string]any{"enum": []string{name, doc}},
		},
	})
	if err != nil {
		t.Skip()
	}
	if err := os.MkdirAll(filepath.Join(dir, "forms"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "process.bpmn"), []byte(bpmn), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "forms", "domanda.schema.json"), schema, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// typeCheck type-checks the generated package with go/types, importing
// runtime, forms and celrt from source (once per test binary).
func typeCheck(t *testing.T, files map[string][]byte) {
	t.Helper()
	checkOnce.Do(func() {
		checkFset = token.NewFileSet()
		checkImporter = importer.ForCompiler(checkFset, "source", nil)
	})
	checkMu.Lock()
	defer checkMu.Unlock()
	pkgs := map[string][]*ast.File{}
	for name, src := range files {
		f, err := parser.ParseFile(checkFset, name, src, parser.ParseComments)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		dir := filepath.Dir(name)
		pkgs[dir] = append(pkgs[dir], f)
	}
	for dir, fs := range pkgs {
		conf := types.Config{Importer: checkImporter}
		if _, err := conf.Check(dir, checkFset, fs, nil); err != nil {
			t.Errorf("package %s does not type-check: %v", dir, err)
		}
	}
}

var (
	checkOnce     sync.Once
	checkMu       sync.Mutex
	checkFset     *token.FileSet
	checkImporter types.Importer
)

// decls returns the top-level declarations of the generated files, by
// file, as "func name" / "type name" / "var" / "const": model text must
// never add one.
func decls(t *testing.T, files map[string][]byte) map[string][]string {
	out := map[string][]string{}
	for name, src := range files {
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ParseComments)
		if err != nil {
			t.Fatalf("%s does not parse: %v\n%s", name, err, src)
		}
		base := filepath.Base(name)
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				out[base] = append(out[base], "func")
			case *ast.GenDecl:
				out[base] = append(out[base], d.Tok.String())
			}
		}
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if strings.HasPrefix(c.Text, "//go:") || strings.HasPrefix(c.Text, "/*") {
					t.Errorf("%s: directive or block comment from model text: %q", name, c.Text)
				}
			}
		}
		sort.Strings(out[base])
	}
	return out
}

// FuzzGenerate generates a bundle from random names, documentation and
// property names: generation either reports diagnostics or writes files
// that type-check (go/types, the imports from source), carry no directive,
// and declare exactly what a bundle with plain names declares (nothing
// injected). The names golden case is built with the go tool as well
// (TestGeneratedCode).
func FuzzGenerate(f *testing.F) {
	for _, s := range [][3]string{
		{"Verifica identità", "Documentazione", "codiceFiscale"},
		{`Pratica "città" */ x`, "*/ func init() { panic(1) } /*\n//go:generate rm -rf /", "città di nascita"},
		{"`backtick`", "line\r\nbreak\u2028sep\u202e", "type"},
		{"日本", "\x00\x01", "a b"},
		{"", "", "Variables"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	var baseline map[string][]string
	f.Fuzz(func(t *testing.T, name, doc, prop string) {
		gen := func(name, doc, prop string) (map[string][]byte, bool) {
			b, err := codegen.Open(fuzzBundle(t, name, doc, prop))
			if err == nil {
				var files map[string][]byte
				files, err = codegen.Generate(b)
				if err == nil {
					return files, true
				}
			}
			if !errors.Is(err, codegen.ErrDiagnostics) && !errors.Is(err, os.ErrNotExist) {
				// Unreadable input (XML the fuzzer broke) is reported
				// as an error too: only a panic is a failure.
				t.Logf("error: %v", err)
			}
			return nil, false
		}
		if baseline == nil {
			files, ok := gen("Nome", "Documentazione", "campo")
			if !ok {
				t.Fatal("the baseline bundle does not generate")
			}
			baseline = decls(t, files)
		}
		files, ok := gen(name, doc, prop)
		if !ok {
			return
		}
		t.Logf("generated %d files", len(files))
		typeCheck(t, files)
		got := decls(t, files)
		for file, want := range baseline {
			// Form types: an enum of two equal values or a property named
			// like a type may add or merge types; only the files a model
			// cannot shape must match exactly.
			if file == "variables.go" {
				continue
			}
			if strings.Join(got[file], ",") != strings.Join(want, ",") {
				t.Errorf("%s declares %v, want %v (name %q, doc %q, prop %q)", file, got[file], want, name, doc, prop)
			}
		}
	})
}
