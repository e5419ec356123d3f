package workspace_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/procedo/procedo/designer/workspace"
)

const model = `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:procedo="https://procedo.dev/bpmn/1.0" id="D" targetNamespace="t">
  <bpmn:process id="P" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:userTask id="Istruttoria" procedo:offices="Polizia Locale" />
  </bpmn:process>
</bpmn:definitions>`

// Two analysts edit revision 1; the second save is refused and names the
// revision saved meanwhile.
func ExampleStore_Save() {
	dir, _ := os.MkdirTemp("", "workspace")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	s, err := workspace.OpenSQLite(ctx, filepath.Join(dir, "designer.db"))
	if err != nil {
		panic(err)
	}
	defer s.Close()
	r1, _ := s.Create(ctx, &workspace.CreateParams{Tenant: "comune-x", Name: "Permesso ZTL", Author: "anna", Files: workspace.Files{"process.bpmn": model}})
	_, err = s.Save(ctx, &workspace.SaveParams{Tenant: "comune-x", Bundle: r1.Bundle, Base: 1, Author: "anna", Message: "uffici", Files: r1.Files})
	fmt.Println("anna:", err)
	_, err = s.Save(ctx, &workspace.SaveParams{Tenant: "comune-x", Bundle: r1.Bundle, Base: 1, Author: "bruno", Files: r1.Files})
	var ce *workspace.ConflictError
	if errors.As(err, &ce) {
		fmt.Println("bruno: conflict with revision", ce.Head.Rev, "by", ce.Head.Author)
	}
	// Output:
	// anna: <nil>
	// bruno: conflict with revision 2 by anna
}

func ExampleCompare() {
	a := workspace.Files{"process.bpmn": model}
	b := workspace.Files{
		"process.bpmn":              strings.Replace(model, `"Polizia Locale"`, `"Polizia Locale, Ambiente"`, 1),
		"forms/domanda.schema.json": `{"type":"object"}`,
	}
	d := workspace.Compare(a, b)
	for _, e := range d.Elements {
		fmt.Println(e.Kind, e.ID, e.Change)
	}
	for _, f := range d.Files {
		fmt.Println(f.Path, f.Change)
	}
	// Output:
	// userTask Istruttoria changed
	// forms/domanda.schema.json added
	// process.bpmn changed
}
