package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/procedo/procedo/forms"
	"github.com/procedo/procedo/forms/submit"
	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/web/auth"
	"github.com/procedo/procedo/web/webdb"
)

// fieldView is one control of a task form, rendered by the server's own
// compact template (desk and "le mie pratiche" show task forms inside a
// case page, not as the citizen's multi-step flow).
type fieldView struct {
	Name, ID, Label, Widget, Help string
	Required                      bool
	Options                       []forms.Option
	Accept                        string
	Value                         string
	Checked                       bool
}

func fieldsOf(f *forms.Form, prefix string) []fieldView {
	var out []fieldView
	for _, c := range f.Controls() {
		fv := fieldView{Name: forms.FieldName(c.Pointer), ID: prefix + strings.ReplaceAll(strings.Trim(c.Pointer, "/"), "/", "-"),
			Label: c.Label, Widget: c.Widget, Help: c.Help, Required: c.Required, Options: c.Options, Accept: strings.Join(c.Accept, ",")}
		out = append(out, fv)
	}
	return out
}

const fieldsTemplate = `{{define "fields"}}{{range .}}
<div class="mb-3">
{{if eq .Widget "radio"}}<fieldset><legend class="form-label fs-6">{{.Label}}{{if .Required}} *{{end}}</legend>
 {{$f := .}}{{range $i, $o := .Options}}<div class="form-check"><input class="form-check-input" type="radio" name="{{$f.Name}}" id="{{$f.ID}}-{{$i}}" value="{{$o.Value}}"{{if $f.Required}} required{{end}}><label class="form-check-label" for="{{$f.ID}}-{{$i}}">{{$o.Label}}</label></div>{{end}}</fieldset>
{{else if eq .Widget "checkbox"}}<div class="form-check"><input class="form-check-input" type="checkbox" name="{{.Name}}" id="{{.ID}}" value="true"><label class="form-check-label" for="{{.ID}}">{{.Label}}</label></div>
{{else if eq .Widget "select"}}<label class="form-label" for="{{.ID}}">{{.Label}}</label><select class="form-select" name="{{.Name}}" id="{{.ID}}"><option value=""></option>{{range .Options}}<option value="{{.Value}}">{{.Label}}</option>{{end}}</select>
{{else if eq .Widget "file"}}<label class="form-label" for="{{.ID}}">{{.Label}}</label><input class="form-control" type="file" name="{{.Name}}" id="{{.ID}}"{{if .Accept}} accept="{{.Accept}}"{{end}}>
{{else if eq .Widget "textarea"}}<label class="form-label" for="{{.ID}}">{{.Label}}{{if .Required}} *{{end}}</label><textarea class="form-control" name="{{.Name}}" id="{{.ID}}" rows="3"{{if .Required}} required{{end}}></textarea>
{{else}}<label class="form-label" for="{{.ID}}">{{.Label}}{{if .Required}} *{{end}}</label><input class="form-control" type="text" name="{{.Name}}" id="{{.ID}}"{{if .Required}} required{{end}}>
{{end}}
{{if .Help}}<small class="form-text">{{.Help}}</small>{{end}}
</div>{{end}}{{end}}`

// docSink stores uploads of a form post as blobs of the user's body until
// the action they belong to is done.
type docSink struct{ s *Server }

func (d docSink) PutDocument(ctx context.Context, doc *submit.Document) error {
	u := auth.UserFrom(ctx)
	if u == nil {
		return errors.New("document upload without a user")
	}
	return d.s.cfg.DB.PutBlob(ctx, &webdb.Blob{Body: u.Body, SHA256: doc.SHA256, Name: doc.Name, ContentType: doc.ContentType, Content: doc.Content}, d.s.cfg.Now())
}

// fileRefs lists the file references in data with the name of their
// field ("carta_circolazione", "integrazione.allegato").
func fileRefs(data any) map[string]forms.FileRef {
	out := map[string]forms.FileRef{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if sha, ok := x["sha256"].(string); ok {
				if ct, ok := x["contentType"].(string); ok {
					name, _ := x["name"].(string)
					out[strings.TrimPrefix(path, ".")] = forms.FileRef{Name: name, ContentType: ct, SHA256: sha}
					return
				}
			}
			for k, e := range x {
				walk(path+"."+k, e)
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s.%d", path, i), e)
			}
		}
	}
	walk("", data)
	return out
}

// attach adds the uploaded files referenced by data to the case, as
// versioned documents named after their field.
func (s *Server) attach(ctx context.Context, u *auth.User, instanceID string, data any) error {
	refs := fileRefs(data)
	names := make([]string, 0, len(refs))
	for n := range refs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		ref := refs[n]
		b, err := s.cfg.DB.Blob(ctx, u.Body, ref.SHA256)
		if err != nil {
			return fmt.Errorf("document %s: %w", n, err)
		}
		if _, err := s.cfg.Engine.AddDocument(ctx, &runtime.AddDocumentParams{Body: u.Body, InstanceID: instanceID, Name: n,
			MediaType: b.ContentType, Content: b.Content, Actor: u.ID}); err != nil {
			return fmt.Errorf("document %s: %w", n, err)
		}
	}
	return nil
}

// filer files an application: a number from the runtime's counter, an
// instance started with an id derived from the idempotency key (a double
// click starts one instance), its documents, and the case row linking it to
// the applicant.
type filer struct {
	s    *Server
	proc *Procedure
}

func (f *filer) FileOnce(ctx context.Context, app *submit.Application) (*submit.Application, bool, error) {
	s := f.s
	u := auth.UserFrom(ctx)
	if u == nil {
		return nil, false, errors.New("filing without a user")
	}
	// A key filed before is found by the start itself (the instance id
	// is derived from it), which then takes no number: no lookup first.
	c, created, err := s.start(ctx, u, f.proc, app.IdempotencyKey, app.Data)
	if err != nil {
		return nil, false, err
	}
	return &submit.Application{Body: c.Body, Form: app.Form, IdempotencyKey: c.IdemKey, Number: c.Number, SubmittedAt: c.CreatedAt, Data: app.Data}, created, nil
}

func (f *filer) Lookup(ctx context.Context, body, key string) (*submit.Application, error) {
	s := f.s
	c, err := s.cfg.DB.CaseByKey(ctx, body, key)
	if errors.Is(err, webdb.ErrNotFound) {
		return nil, submit.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	// The receipt is the applicant's: another user of the body who learnt
	// the key gets nothing.
	if u := auth.UserFrom(ctx); u == nil || u.ID != c.Owner {
		return nil, submit.ErrNotFound
	}
	view, err := s.cfg.Engine.Inspect(ctx, body, c.InstanceID)
	if err != nil {
		return nil, err
	}
	var vars map[string]any
	_ = json.Unmarshal(view.Vars, &vars)
	start := map[string]any{}
	if form := f.proc.Forms[f.proc.StartForm]; form != nil {
		for _, ctl := range form.Controls() {
			top := strings.SplitN(strings.TrimPrefix(ctl.Pointer, "/"), "/", 2)[0]
			if v, ok := vars[top]; ok {
				start[top] = v
			}
		}
	}
	data, _ := json.Marshal(start)
	return &submit.Application{Body: c.Body, IdempotencyKey: c.IdemKey, Number: c.Number, SubmittedAt: c.CreatedAt, Data: data}, nil
}

// start files a new case of proc for u: idempotent by key. The number
// comes from the process's register in the transaction that creates the
// instance (runtime.StartParams.Register): data the start form refuses,
// or a key filed before, takes none, so the register keeps no gaps.
func (s *Server) start(ctx context.Context, u *auth.User, proc *Procedure, key string, data json.RawMessage) (*webdb.Case, bool, error) {
	id := proc.Key + "-" + key
	in, started, err := s.cfg.Engine.StartOnce(ctx, &runtime.StartParams{Body: u.Body, ProcessKey: proc.Key, Vars: data, Register: proc.Key, Actor: u.ID, ID: id})
	if err != nil {
		return nil, false, err
	}
	number := in.BusinessKey
	attach := started
	if !started {
		// Filed before, or started by a filing that stopped before its
		// case row (a crash): only the latter still needs its documents.
		_, err := s.cfg.DB.CaseByKey(ctx, u.Body, key)
		if err != nil && !errors.Is(err, webdb.ErrNotFound) {
			return nil, false, err
		}
		attach = err != nil
	}
	if attach {
		var parsed any
		_ = json.Unmarshal(data, &parsed)
		if err := s.attach(ctx, u, in.ID, parsed); err != nil {
			return nil, false, err
		}
	}
	// The case row and its audit entry go in one group commit of the web
	// database: no commit of their own per filing, and never one without
	// the other.
	now := s.cfg.Now()
	c, created, err := s.cfg.DB.FileCase(context.WithoutCancel(ctx), &webdb.Case{Body: u.Body, InstanceID: in.ID, IdemKey: key, Number: number, Owner: u.ID,
		ProcessKey: proc.Key, CreatedAt: now.UTC()},
		&webdb.Entry{Body: u.Body, At: now, Actor: u.ID, Action: "case.filed", CaseID: in.ID,
			Detail: fmt.Sprintf(`{"number":%q,"process":%q}`, number, proc.Key)})
	if err != nil {
		return nil, false, err
	}
	if created {
		s.hub.notify(u.Body)
	}
	return c, created, nil
}

// topKeys are the top-level properties a form declares.
func topKeys(f *forms.Form) map[string]bool {
	out := map[string]bool{}
	for _, c := range f.Controls() {
		out[strings.SplitN(strings.TrimPrefix(c.Pointer, "/"), "/", 2)[0]] = true
	}
	return out
}

// complete completes a user task. When the task has a checklist
// (procedo:checklist), the payload carries the checklist's fields too:
// the definition validates each top-level field with the form that
// declares it. The checklist's answers are also stored with the case as
// the JSON document "checklist.<element>", one version per completion,
// so that rework shows as versions (the variable keeps only the last).
func (s *Server) complete(ctx context.Context, u *auth.User, proc *Procedure, t *store.Task, payload map[string]any) (map[string]any, error) {
	var cl map[string]any
	if name := proc.Checklists[t.ElementID]; name != "" && proc.Forms[name] != nil {
		cl = map[string]any{}
		for k := range topKeys(proc.Forms[name]) {
			if v, ok := payload[k]; ok {
				cl[k] = v
			}
		}
	}
	js, _ := json.Marshal(payload)
	if err := s.cfg.Engine.CompleteTask(ctx, &runtime.CompleteTaskParams{Body: u.Body, TaskID: t.ID, Actor: u.ID, Payload: js}); err != nil {
		return nil, err
	}
	if len(cl) > 0 {
		data, _ := json.MarshalIndent(cl, "", "  ")
		if _, err := s.cfg.Engine.AddDocument(ctx, &runtime.AddDocumentParams{Body: u.Body, InstanceID: t.InstanceID, Name: "checklist." + t.ElementID,
			MediaType: "application/json", Content: data, Actor: u.ID}); err != nil && !errors.Is(err, runtime.ErrNotActive) {
			return cl, err
		}
	}
	if proc.Message != nil {
		if msg := proc.Message(t.ElementID, payload); msg != "" {
			if err := s.cfg.DB.AddNote(ctx, &webdb.Note{Body: u.Body, InstanceID: t.InstanceID, Author: u.ID, Visibility: webdb.Citizen, Text: msg, CreatedAt: s.cfg.Now()}); err != nil {
				return cl, err
			}
		}
	}
	return cl, nil
}

// openTasks lists the open tasks of an instance.
func (s *Server) openTasks(ctx context.Context, body, id string) ([]*store.Task, error) {
	return s.cfg.Engine.Store().ListTasks(ctx, &store.ListTasksParams{Body: body, InstanceID: id, Status: store.TaskOpen})
}

// phase is the citizen-facing label of where a case is.
func (s *Server) phase(view *runtime.InstanceView) string {
	proc := s.procs[view.ProcessKey]
	label := func(el string) string {
		if proc != nil && proc.Phases[el] != "" {
			return proc.Phases[el]
		}
		if proc != nil {
			if n := proc.Definition.Node(el); n != nil && n.Name != "" {
				return n.Name
			}
		}
		return el
	}
	if view.Status == store.InstanceActive {
		var parts []string
		for _, w := range view.Waiting {
			parts = append(parts, label(w.Element))
		}
		if len(parts) == 0 {
			return label("")
		}
		return strings.Join(parts, ", ")
	}
	if proc != nil {
		for _, n := range proc.Definition.Nodes() {
			if n.Kind == runtime.EndEvent && view.Visits[n.ID] > 0 {
				return label(n.ID)
			}
		}
	}
	return string(view.Status)
}

// termText describes the legal term for a person.
func termText(r *http.Request, t *runtime.TermStatus) string {
	switch {
	case t == nil:
		return T(r, "case.term.none")
	case t.Suspended:
		return T(r, "case.term.suspended", t.Remaining)
	case t.Remaining < 0:
		return T(r, "case.term.overrun", -t.Remaining, t.Due.Format("02/01/2006"))
	}
	return T(r, "case.term.left", t.Remaining, t.Due.Format("02/01/2006"))
}

// documentsOf lists every version of every document of a case.
func (s *Server) documentsOf(ctx context.Context, body, id string) ([]*store.Document, error) {
	docs, err := s.cfg.Engine.Store().ListDocuments(ctx, &store.ListDocumentsParams{Body: body, InstanceID: id})
	if err != nil {
		return nil, err
	}
	sort.Slice(docs, func(i, j int) bool {
		if docs[i].Name != docs[j].Name {
			return docs[i].Name < docs[j].Name
		}
		return docs[i].Version < docs[j].Version
	})
	return docs, nil
}

// internalDocument reports whether a document is for officials only: the
// answers of an anti-corruption checklist.
func internalDocument(name string) bool { return strings.HasPrefix(name, "checklist.") }

// citizenDocuments leaves out the internal documents.
func citizenDocuments(docs []*store.Document) []*store.Document {
	var out []*store.Document
	for _, d := range docs {
		if !internalDocument(d.Name) {
			out = append(out, d)
		}
	}
	return out
}

// serveDocument writes one version of a document of a case the user may
// see.
func (s *Server) serveDocument(w http.ResponseWriter, r *http.Request, u *auth.User, id, name string, version int) error {
	doc, err := s.cfg.Engine.Store().GetDocument(r.Context(), &store.GetDocumentParams{Body: u.Body, InstanceID: id, Name: name, Version: version})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", doc.MediaType)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", safeFileName(fmt.Sprintf("%s-v%d%s", name, doc.Version, extOf(doc.MediaType)))))
	w.Header().Set("X-Content-SHA256", doc.SHA256)
	w.Write(doc.Content)
	return nil
}

func extOf(mt string) string {
	switch mt {
	case "application/pdf":
		return ".pdf"
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	}
	return ""
}

func safeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 32 || r == '"' || r == '\\' || r == '/' {
			return '_'
		}
		return r
	}, s)
}
