package bpmn_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/procedo/procedo/designer/bpmn"
	"github.com/procedo/procedo/internal/testenv"
)

// corpusFiles lists the .bpmn files of the shared corpus outside
// moddle/error.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	dir := testenv.CorpusDir(t, "bpmn")
	var files []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "error" {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".bpmn") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// notWellFormed are corpus files that are not well-formed XML 1.0 and are
// therefore rejected, with the reason.
var notWellFormed = map[string]string{
	// xmlns:.color and .color="green": a name cannot start with '.'
	// (XML 1.0 §2.3, production NameStartChar).
	"moddle/attrs.bpmn": "invalid XML name: .color",
}

func parseAny(name string, data []byte) (bpmn.Element, error) {
	if strings.HasSuffix(name, ".part.bpmn") {
		return bpmn.ParseFragment(name, data)
	}
	return bpmn.ParseBytes(name, data)
}

// sourceIDs collects every id attribute (without namespace) of the BPMN
// and DI elements of a document with a plain token scan.
func sourceIDs(t *testing.T, data []byte) []string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = func(charset string, r io.Reader) (io.Reader, error) {
		// ISO-8859-1 bytes are the first 256 code points.
		b, err := io.ReadAll(r)
		var s []rune
		for _, c := range b {
			s = append(s, rune(c))
		}
		return strings.NewReader(string(s)), err
	}
	var ids []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return ids
		}
		if err != nil {
			t.Fatalf("token scan: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			for _, a := range se.Attr {
				if a.Name.Space == "" && a.Name.Local == "id" {
					ids = append(ids, a.Value)
				}
			}
		}
	}
}

func TestCorpusRoundTrip(t *testing.T) {
	dir := testenv.CorpusDir(t, "bpmn")
	files := corpusFiles(t)
	var roundTripped, idsChecked, modelProblems int
	for _, path := range files {
		rel, _ := filepath.Rel(dir, path)
		t.Run(rel, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			first, perr := parseAny(rel, data)
			if want, bad := notWellFormed[filepath.ToSlash(rel)]; bad {
				if perr == nil || !strings.Contains(perr.Error(), want) {
					t.Fatalf("err = %v, want it to mention %q", perr, want)
				}
				return
			}
			if perr != nil && !onlyModelProblems(perr) {
				t.Fatalf("parse: %v", perr)
			}
			if perr != nil {
				modelProblems++
				t.Logf("model problems (the file parses, the model is returned): %v", perr)
			}
			out1, err := bpmn.Marshal(first)
			if err != nil {
				t.Fatalf("write: %v", err)
			}
			second, err2 := parseAny(rel, out1)
			if len(bpmn.Errors(err2)) != len(bpmn.Errors(perr)) || (err2 != nil && !onlyModelProblems(err2)) {
				t.Fatalf("parse of written XML: %v (first parse: %v)\n%s", err2, perr, out1)
			}
			if !bpmn.Equal(first, second) {
				t.Fatalf("model changed by write+parse")
			}
			if d1, ok := first.(*bpmn.Definitions); ok {
				if d2 := second.(*bpmn.Definitions); !slices.Equal(d1.Namespaces, d2.Namespaces) {
					t.Fatalf("namespaces changed by write+parse: %v → %v", d1.Namespaces, d2.Namespaces)
				}
			}
			out2, err := bpmn.Marshal(second)
			if err != nil {
				t.Fatalf("second write: %v", err)
			}
			if !bytes.Equal(out1, out2) {
				t.Fatalf("writing is not stable:\n%s", firstDiff(out1, out2))
			}
			want := sourceIDs(t, data)
			got := map[string]int{}
			for _, id := range sourceIDs(t, out1) {
				got[id]++
			}
			for _, id := range want {
				if got[id] == 0 {
					t.Errorf("id %q lost", id)
				}
				got[id]--
			}
			roundTripped++
			idsChecked += len(want)
		})
	}
	t.Logf("round-tripped %d of %d files (%d with model problems reported), %d ids checked", roundTripped, len(files), modelProblems, idsChecked)
}

// onlyModelProblems reports whether err lists only problems of a well-formed
// model (duplicate ids, dangling references, DI without bpmnElement): the
// exports of several modelling tools in the MIWG corpus have them.
func onlyModelProblems(err error) bool {
	errs := bpmn.Errors(err)
	for _, e := range errs {
		switch e.Code {
		case bpmn.CodeDuplicateID, bpmn.CodeDanglingRef, bpmn.CodeMissing:
		default:
			return false
		}
	}
	return len(errs) > 0
}

func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "line " + strconv.Itoa(i+1) + ":\n- " + al[i] + "\n+ " + bl[i]
		}
	}
	return "lengths differ"
}
