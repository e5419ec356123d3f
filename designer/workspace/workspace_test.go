package workspace

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/procedo/procedo/internal/testenv"
)

const bpmnV1 = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:procedo="https://procedo.dev/bpmn/1.0" id="Defs" targetNamespace="http://procedo.dev/test">
  <bpmn:process id="P" name="Permesso" isExecutable="true" procedo:legalTerm="P30D">
    <bpmn:startEvent id="Start" name="Domanda" procedo:form="domanda" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Istruttoria" />
    <bpmn:userTask id="Istruttoria" name="Istruttoria" procedo:offices="Polizia Locale" />
    <bpmn:sequenceFlow id="F2" sourceRef="Istruttoria" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="D">
    <bpmndi:BPMNPlane id="Pl" bpmnElement="P">
      <bpmndi:BPMNShape id="Start_di" bpmnElement="Start"><dc:Bounds x="100" y="100" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Istruttoria_di" bpmnElement="Istruttoria"><dc:Bounds x="200" y="80" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="End_di" bpmnElement="End"><dc:Bounds x="400" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`

// bpmnV2: Istruttoria gets another office, End moves, F2 goes to a new
// task Rilascio, Start is unchanged.
var bpmnV2 = strings.NewReplacer(
	`procedo:offices="Polizia Locale"`, `procedo:offices="Polizia Locale, Ambiente"`,
	`<dc:Bounds x="400" y="100"`, `<dc:Bounds x="600" y="100"`,
	`<bpmn:sequenceFlow id="F2" sourceRef="Istruttoria" targetRef="End" />`,
	`<bpmn:sequenceFlow id="F2" sourceRef="Istruttoria" targetRef="Rilascio" /><bpmn:task id="Rilascio" name="Rilascio" /><bpmn:sequenceFlow id="F3" sourceRef="Rilascio" targetRef="End" />`,
).Replace(bpmnV1)

func files(bpmnSrc string) Files {
	return Files{
		"process.bpmn":              bpmnSrc,
		"forms/domanda.schema.json": `{"type":"object","properties":{"targa":{"type":"string"}}}`,
	}
}

// stores returns a fresh store of every kind this machine can run.
func stores(t *testing.T) map[string]*Store {
	t.Helper()
	ctx := context.Background()
	out := map[string]*Store{}
	s, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "designer.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	out["sqlite"] = s
	out["postgres"] = openPostgres(t)
	return out
}

// openPostgres opens a store in a schema of its own, dropped at the end.
func openPostgres(t *testing.T) *Store {
	t.Helper()
	base := testenv.PostgresURL(t)
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	schema := fmt.Sprintf("designer_test_%d", time.Now().UnixNano())
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err == nil {
			db.Exec("DROP SCHEMA " + schema + " CASCADE")
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	s, err := OpenPostgres(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStore(t *testing.T) {
	for kind, s := range stores(t) {
		t.Run(kind, func(t *testing.T) { testStore(t, s) })
	}
}

func testStore(t *testing.T, s *Store) {
	ctx := context.Background()
	clock := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { clock = clock.Add(time.Minute); return clock })

	r1, err := s.Create(ctx, &CreateParams{Tenant: "comune-a", Name: " Permesso ZTL ", Author: "anna", Message: "prima stesura", Files: files(bpmnV1)})
	if err != nil {
		t.Fatal(err)
	}
	if r1.Rev != 1 || r1.Author != "anna" {
		t.Fatalf("Create = %+v", r1.RevisionInfo)
	}
	id := r1.Bundle

	// Another tenant sees nothing of comune-a.
	if l, err := s.List(ctx, "comune-b"); err != nil || len(l) != 0 {
		t.Fatalf("List(comune-b) = %v, %v; want empty", l, err)
	}
	if _, err := s.Revision(ctx, "comune-b", id, 0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Revision from another tenant: err = %v, want ErrNotFound", err)
	}
	if _, err := s.Save(ctx, &SaveParams{Tenant: "comune-b", Bundle: id, Base: 1, Author: "x", Files: files(bpmnV2)}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Save from another tenant: err = %v, want ErrNotFound", err)
	}

	// Two analysts start from revision 1; the second save conflicts.
	r2, err := s.Save(ctx, &SaveParams{Tenant: "comune-a", Bundle: id, Base: 1, Author: "anna", Message: "nuovo ufficio", Files: files(bpmnV2)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Save(ctx, &SaveParams{Tenant: "comune-a", Bundle: id, Base: 1, Author: "bruno", Message: "mia modifica", Files: files(bpmnV1 + " ")})
	var ce *ConflictError
	if !errors.As(err, &ce) || !errors.Is(err, ErrConflict) {
		t.Fatalf("second save on base 1: err = %v, want *ConflictError", err)
	}
	if ce.Head.Rev != 2 || ce.Head.Author != "anna" || ce.Base != 1 {
		t.Fatalf("conflict = %+v", ce)
	}
	// ... and nothing of the first is lost; bruno saves on top of 2.
	head, err := s.Revision(ctx, "comune-a", id, 0)
	if err != nil || head.Rev != 2 || head.Files["process.bpmn"] != bpmnV2 {
		t.Fatalf("head after conflict = %+v, %v", head, err)
	}
	r3, err := s.Save(ctx, &SaveParams{Tenant: "comune-a", Bundle: id, Base: r2.Rev, Author: "bruno", Message: "mia modifica", Files: files(bpmnV2 + " ")})
	if err != nil || r3.Rev != 3 {
		t.Fatalf("save on head: %+v, %v", r3, err)
	}

	revs, err := s.Revisions(ctx, "comune-a", id)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range revs {
		got = append(got, fmt.Sprintf("%d %s %s %s", r.Rev, r.Author, r.Message, r.Time.Format("15:04")))
	}
	want := "3 bruno mia modifica 09:05|2 anna nuovo ufficio 09:03|1 anna prima stesura 09:01" // the refused save read the clock too
	if strings.Join(got, "|") != want {
		t.Fatalf("Revisions =\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}

	// Restore 1 makes revision 4 with the files of 1.
	r4, err := s.Restore(ctx, &RestoreParams{Tenant: "comune-a", Bundle: id, Rev: 1, Base: 3, Author: "anna", Message: "ripristino della 1"})
	if err != nil || r4.Rev != 4 || r4.Files["process.bpmn"] != bpmnV1 {
		t.Fatalf("Restore = %+v, %v", r4, err)
	}
	if _, err := s.Restore(ctx, &RestoreParams{Tenant: "comune-a", Bundle: id, Rev: 2, Base: 3, Author: "anna"}); !errors.Is(err, ErrConflict) {
		t.Fatalf("Restore on an old base: err = %v, want conflict", err)
	}

	if err := s.Rename(ctx, "comune-a", id, "Permesso ZTL residenti"); err != nil {
		t.Fatal(err)
	}
	if err := s.Rename(ctx, "comune-b", id, "x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Rename from another tenant: %v", err)
	}
	dup, err := s.Duplicate(ctx, "comune-a", id, "Copia", "anna", "copia")
	if err != nil || dup.Rev != 1 || dup.Files["process.bpmn"] != bpmnV1 {
		t.Fatalf("Duplicate = %+v, %v", dup, err)
	}
	list, err := s.List(ctx, "comune-a")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Name != "Copia" || list[1].Name != "Permesso ZTL residenti" || list[1].Head != 4 || list[1].HeadAuthor != "anna" {
		t.Fatalf("List = %+v %+v", list[0], list[1])
	}

	// Bad input is refused with the field named, and stores nothing.
	bad := []struct {
		name  string
		p     *SaveParams
		field string
	}{
		{name: "path outside the bundle", p: &SaveParams{Files: Files{"../etc/passwd": "x"}}, field: "../etc/passwd"},
		{name: "form name with a slash", p: &SaveParams{Files: Files{"forms/a/b.schema.json": "{}"}}, field: "forms/a/b.schema.json"},
		{name: "not UTF-8", p: &SaveParams{Files: Files{"process.bpmn": "\xff"}}, field: "process.bpmn"},
		{name: "too big", p: &SaveParams{Files: Files{"process.bpmn": strings.Repeat("x", MaxBundleBytes+1)}}, field: "files"},
		{name: "no author", p: &SaveParams{Author: "-", Files: files(bpmnV1)}, field: "author"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			p := *tc.p
			p.Tenant, p.Bundle, p.Base, p.Author = "comune-a", id, 4, "anna"
			if tc.p.Author == "-" {
				p.Author = ""
			}
			_, err := s.Save(ctx, &p)
			var ie *InvalidError
			if !errors.As(err, &ie) || ie.Field != tc.field {
				t.Fatalf("err = %v, want InvalidError on %q", err, tc.field)
			}
		})
	}
	if head, _ := s.Bundle(ctx, "comune-a", id); head.Head != 4 {
		t.Fatalf("head after refused saves = %d, want 4", head.Head)
	}
}

// TestConcurrentSaves: many analysts save on the same base at once;
// exactly one wins and every other gets a conflict, on both databases.
func TestConcurrentSaves(t *testing.T) {
	for kind, s := range stores(t) {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			r, err := s.Create(ctx, &CreateParams{Tenant: "t", Name: "n", Author: "a", Files: files(bpmnV1)})
			if err != nil {
				t.Fatal(err)
			}
			const n = 8
			var wg sync.WaitGroup
			errs := make([]error, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = s.Save(ctx, &SaveParams{Tenant: "t", Bundle: r.Bundle, Base: 1, Author: fmt.Sprint("analyst", i), Files: files(bpmnV2)})
				}()
			}
			wg.Wait()
			ok, conflicts := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case errors.Is(err, ErrConflict):
					conflicts++
				default:
					t.Errorf("unexpected error: %v", err)
				}
			}
			if ok != 1 || conflicts != n-1 {
				t.Fatalf("%d saved, %d conflicts; want 1 and %d", ok, conflicts, n-1)
			}
			revs, _ := s.Revisions(ctx, "t", r.Bundle)
			if len(revs) != 2 {
				t.Fatalf("%d revisions, want 2", len(revs))
			}
		})
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name         string
		a, b         Files
		wantElements string
		wantFiles    string
	}{
		{
			name:         "element changes",
			a:            files(bpmnV1),
			b:            files(bpmnV2),
			wantElements: "End moved|F2 changed|F3 added|Istruttoria changed|Rilascio added",
			wantFiles:    "process.bpmn changed",
		},
		{
			name:         "reverse",
			a:            files(bpmnV2),
			b:            files(bpmnV1),
			wantElements: "End moved|F2 changed|F3 removed|Istruttoria changed|Rilascio removed",
			wantFiles:    "process.bpmn changed",
		},
		{
			name:         "identical",
			a:            files(bpmnV1),
			b:            files(bpmnV1),
			wantElements: "",
			wantFiles:    "",
		},
		{
			name:         "only white space and a form",
			a:            files(bpmnV1),
			b:            Files{"process.bpmn": strings.ReplaceAll(bpmnV1, "\n", "\n  "), "forms/esito.schema.json": "{}"},
			wantElements: "",
			wantFiles:    "forms/domanda.schema.json removed|forms/esito.schema.json added|process.bpmn changed",
		},
		{
			name:         "process attribute",
			a:            files(bpmnV1),
			b:            files(strings.Replace(bpmnV1, "P30D", "P60D", 1)),
			wantElements: "P changed",
			wantFiles:    "process.bpmn changed",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := Compare(tc.a, tc.b)
			var els, fs []string
			for _, e := range d.Elements {
				els = append(els, e.ID+" "+string(e.Change))
			}
			for _, f := range d.Files {
				fs = append(fs, f.Path+" "+string(f.Change))
			}
			if got := strings.Join(els, "|"); got != tc.wantElements {
				t.Errorf("elements = %q, want %q", got, tc.wantElements)
			}
			if got := strings.Join(fs, "|"); got != tc.wantFiles {
				t.Errorf("files = %q, want %q", got, tc.wantFiles)
			}
		})
	}
	d := Compare(files(bpmnV1), files("<not xml"))
	if len(d.Unreadable) != 1 || d.Unreadable[0] != "b" {
		t.Fatalf("broken b: Unreadable = %v", d.Unreadable)
	}
}

func TestMigrateTwice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.db")
	for range 2 {
		s, err := OpenSQLite(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
}
