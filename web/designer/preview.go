package designerweb

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/procedo/procedo/forms"
	"github.com/procedo/procedo/forms/render"
)

// previewRequest is a form being designed: its schema and UI schema as
// text (exactly what the raw editors hold) and the step to show.
type previewRequest struct {
	Name   string          `json:"name"`
	Schema string          `json:"schema"`
	UI     string          `json:"ui"`
	Step   int             `json:"step"`
	Data   json.RawMessage `json:"data,omitempty"`
}

// previewProblem says where a schema or UI schema is wrong, for the raw
// JSON editors to mark as the analyst types.
type previewProblem struct {
	Source  string `json:"source"` // "schema" or "ui"
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
	Pointer string `json:"pointer,omitempty"`
	Message string `json:"message"`
}

type previewAnswer struct {
	HTML    string          `json:"html,omitempty"`
	Steps   int             `json:"steps"`
	Problem *previewProblem `json:"problem,omitempty"`
}

// preview compiles the form and renders the data page of one step with
// the renderer the citizen portal uses. A broken schema is not an HTTP
// error: the answer carries the problem with its position.
func (h *Handler) preview(_ http.ResponseWriter, r *http.Request, _ Identity) (any, error) {
	var in previewRequest
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	if in.Name == "" {
		in.Name = "modulo"
	}
	schemaName, uiName := "forms/"+in.Name+".schema.json", "forms/"+in.Name+".ui.json"
	ui := forms.Source{Name: uiName, Data: []byte(in.UI)}
	if len(bytes.TrimSpace(ui.Data)) == 0 {
		ui = forms.Source{}
	}
	f, err := forms.Compile(forms.Source{Name: schemaName, Data: []byte(in.Schema)}, ui, forms.Options{})
	if err != nil {
		return &previewAnswer{Problem: problemOf(r, err, schemaName, uiName)}, nil
	}
	rd, err := render.New(f, render.Options{AssetsURL: h.opts.Prefix + "/forms-assets", BodyName: h.opts.BodyName, Action: "#"})
	if err != nil {
		return &previewAnswer{Problem: problemOf(r, err, schemaName, uiName)}, nil
	}
	steps := len(f.Steps())
	step := min(max(in.Step, 0), max(steps-1, 0))
	var data any = map[string]any{}
	if len(in.Data) > 0 {
		if err := json.Unmarshal(in.Data, &data); err != nil {
			return nil, badRequest(r, "data: %v", err)
		}
	}
	var buf bytes.Buffer
	if err := rd.Render(&buf, render.Page{Kind: render.Data, Step: step, Data: data}); err != nil {
		return &previewAnswer{Steps: steps, Problem: problemOf(r, err, schemaName, uiName)}, nil
	}
	return &previewAnswer{HTML: buf.String(), Steps: steps}, nil
}

func problemOf(r *http.Request, err error, schemaName, uiName string) *previewProblem {
	var se *forms.SchemaError
	if errors.As(err, &se) {
		p := &previewProblem{Source: "schema", Line: se.Line, Col: se.Column, Pointer: se.Pointer, Message: se.Message}
		if se.Source == uiName {
			p.Source = "ui"
		}
		return p
	}
	var ue *forms.UnsupportedError
	if errors.As(err, &ue) {
		return &previewProblem{Source: "schema", Pointer: ue.Pointer, Message: msg(r, "preview-unsupported", ue.Error())}
	}
	return &previewProblem{Source: "schema", Message: err.Error()}
}
