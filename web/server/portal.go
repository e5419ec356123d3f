package server

import (
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"strconv"

	"github.com/procedo/procedo/forms"
	"github.com/procedo/procedo/forms/flow"
	"github.com/procedo/procedo/forms/render"
	"github.com/procedo/procedo/forms/submit"
	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/web/auth"
	"github.com/procedo/procedo/web/webdb"
)

func init() {
	definePage("catalogue", `<h1 class="h2">{{t "portal.title"}}</h1>
<p class="lead">{{t "portal.intro" .Data.BodyName}}</p>
{{if not .User}}<nav aria-label="{{t "portal.choose.body"}}" class="mb-3">{{t "portal.choose.body"}}: {{range .Data.Bodies}}<a class="me-2" href="/portal?ente={{.ID}}">{{.Name}}</a>{{end}}</nav>{{end}}
<div class="row">{{range .Data.Procs}}
<div class="col-md-6 mb-3"><div class="card card-bg"><div class="card-body">
<h2 class="h4 card-title"><a href="/portal/servizi/{{.Key}}?ente={{$.Data.Body}}">{{.Info.Title}}</a></h2>
<p class="card-text">{{.Info.What}}</p></div></div></div>{{end}}</div>`)
	definePage("service", `{{with .Data}}<h1 class="h2">{{.Proc.Info.Title}}</h1>
<p class="text-muted">{{.BodyName}}</p>
<dl>
<dt>{{t "service.what"}}</dt><dd>{{.Proc.Info.What}}</dd>
<dt>{{t "service.who"}}</dt><dd>{{.Proc.Info.Who}}</dd>
<dt>{{t "service.documents"}}</dt><dd><ul>{{range .Proc.Info.Documents}}<li>{{.}}</li>{{end}}</ul></dd>
<dt>{{t "service.term"}}</dt><dd>{{t "service.term.days" .Proc.Info.TermDays}}</dd>
<dt>{{t "service.office"}}</dt><dd>{{.Proc.Info.Office}}</dd>
<dt>{{t "service.costs"}}</dt><dd>{{.Proc.Info.Costs}}</dd>
</dl>
{{if .Deployed}}<a class="btn btn-primary" href="/portal/servizi/{{.Proc.Key}}/domanda">{{t "service.apply"}}</a>{{else}}<p class="alert alert-info">{{t "service.notdeployed"}}</p>{{end}}{{end}}`)
	definePage("cases", `<h1 class="h2">{{t "cases.title"}}</h1>
{{if not .Data}}<p>{{t "cases.none"}}</p>{{else}}
<table class="table"><thead><tr><th scope="col">{{t "case.number"}}</th><th scope="col">Servizio</th><th scope="col">{{t "case.status"}}</th><th scope="col">{{t "case.phase"}}</th><th scope="col">{{t "case.term"}}</th></tr></thead><tbody>
{{range .Data}}<tr data-case="{{.ID}}"><td><a href="/portal/pratiche/{{.ID}}">{{.Number}}</a></td><td>{{.Title}}</td><td data-status="{{.StatusCode}}">{{.Status}}</td><td data-phase>{{.Phase}}</td><td data-term>{{.Term}}</td></tr>{{end}}
</tbody></table>{{end}}`)
	template.Must(template.Must(definePageT("case", `{{with .Data}}<h1 class="h2">{{.Title}} <small class="text-muted">n. <span data-number>{{.Case.Number}}</span></small></h1>
<p>{{t "case.filed" (datetime .Case.CreatedAt)}}</p>
<dl class="row">
<dt class="col-sm-3">{{t "case.status"}}</dt><dd class="col-sm-9" data-status="{{.StatusCode}}">{{.Status}}</dd>
<dt class="col-sm-3">{{t "case.phase"}}</dt><dd class="col-sm-9" data-phase>{{.Phase}}</dd>
<dt class="col-sm-3">{{t "case.term"}}</dt><dd class="col-sm-9" data-term>{{.Term}}</dd>
</dl>
{{if .Task}}<section class="card card-bg mb-4" aria-labelledby="integrazione"><div class="card-body">
<h2 class="h4" id="integrazione">{{t "case.integration"}}</h2>
{{range .Requests}}<p class="lead">{{.}}</p>{{end}}
{{if .Errors}}<div class="alert alert-danger" role="alert"><ul class="mb-0">{{range .Errors}}<li>{{.Message}}</li>{{end}}</ul></div>{{end}}
<form method="post" action="/portal/pratiche/{{.Case.InstanceID}}/integrazione" enctype="multipart/form-data">
<input type="hidden" name="_csrf" value="{{$.CSRF}}"><input type="hidden" name="_task" value="{{.Task.ID}}">
{{template "fields" .Fields}}
<button class="btn btn-primary" type="submit">{{t "case.integration.send"}}</button></form></div></section>{{end}}
<h2 class="h4">{{t "case.messages"}}</h2>
{{if .Messages}}<ul class="list-group mb-4" data-messages>{{range .Messages}}<li class="list-group-item"><small class="text-muted">{{datetime .CreatedAt}}</small><br>{{.Text}}</li>{{end}}</ul>{{else}}<p>{{t "case.messages.none"}}</p>{{end}}
<h2 class="h4">{{t "case.documents"}}</h2>
{{if .Documents}}<ul data-documents>{{range .Documents}}<li><a href="/portal/pratiche/{{$.Data.Case.InstanceID}}/documenti/{{.Name}}/{{.Version}}" data-document="{{.Name}}">{{.Name}}</a> ({{t "case.version" .Version}}, {{datetime .CreatedAt}})</li>{{end}}</ul>{{else}}<p>{{t "case.documents.none"}}</p>{{end}}
{{if .ReceiptURL}}<p><a href="{{.ReceiptURL}}">{{t "case.receipt"}}</a></p>{{end}}
{{end}}`)).Parse(fieldsTemplate))
}

// definePageT is definePage returning the template, to add shared
// sub-templates.
func definePageT(name, content string) (*template.Template, error) {
	definePage(name, content)
	return pageTemplates[name], nil
}

// bodyOf is the body a page is about: the user's, or ?ente= for a visitor.
func (s *Server) bodyOf(r *http.Request) string {
	if u := info(r).user; u != nil {
		return u.Body
	}
	want := r.URL.Query().Get("ente")
	bodies := s.cfg.Directory.Bodies()
	for _, b := range bodies {
		if b.ID == want {
			return b.ID
		}
	}
	if len(bodies) > 0 {
		return bodies[0].ID
	}
	return ""
}

func (s *Server) catalogue(w http.ResponseWriter, r *http.Request) {
	body := s.bodyOf(r)
	s.render(w, r, http.StatusOK, "catalogue", T(r, "portal.title"), map[string]any{
		"Body": body, "BodyName": auth.BodyName(s.cfg.Directory, body), "Bodies": s.cfg.Directory.Bodies(), "Procs": s.order})
}

func (s *Server) servicePage(w http.ResponseWriter, r *http.Request) {
	proc := s.procs[r.PathValue("key")]
	if proc == nil {
		s.pageError(w, r, http.StatusNotFound, "")
		return
	}
	body := s.bodyOf(r)
	_, err := s.cfg.Engine.Store().GetDeployment(r.Context(), &store.GetDeploymentParams{Body: body, ProcessKey: proc.Key})
	s.render(w, r, http.StatusOK, "service", proc.Info.Title, map[string]any{"Proc": proc, "BodyName": auth.BodyName(s.cfg.Directory, body), "Deployed": err == nil})
}

// applyFlow serves the Designers Italia form flow of a procedure for the
// user's body (forms/flow), filing through the runtime.
func (s *Server) applyFlow(w http.ResponseWriter, r *http.Request) {
	proc := s.procs[r.PathValue("key")]
	if proc == nil {
		s.pageError(w, r, http.StatusNotFound, "")
		return
	}
	u := info(r).user
	h, err := s.flowFor(u.Body, proc)
	if err != nil {
		info(r).log.Error("form flow", "process", proc.Key, "err", err)
		s.pageError(w, r, http.StatusInternalServerError, "")
		return
	}
	h.ServeHTTP(w, r)
}

func (s *Server) flowFor(body string, proc *Procedure) (http.Handler, error) {
	k := [2]string{body, proc.Key}
	s.flowMu.Lock()
	defer s.flowMu.Unlock()
	if h := s.flows[k]; h != nil {
		return h, nil
	}
	rd, err := render.New(proc.Forms[proc.StartForm], render.Options{BodyName: auth.BodyName(s.cfg.Directory, body), Title: proc.Info.Title})
	if err != nil {
		return nil, err
	}
	h, err := flow.New(flow.Config{Renderer: rd, FormID: proc.Key + "@" + proc.Definition.Hash[:12], Body: body, CSRF: s.csrf, Drafts: s.drafts, DraftStore: draftStore{s},
		Filer: &filer{s: s, proc: proc}, Documents: docSink{s}, Limits: s.cfg.Limits, Session: s.sessionID, Now: s.cfg.Now, Logger: s.log})
	if err != nil {
		return nil, err
	}
	s.flows[k] = h
	s.rends[k] = rd
	return h, nil
}

type caseRow struct {
	ID, Number, Title, Status, StatusCode, Phase, Term string
}

func (s *Server) myCases(w http.ResponseWriter, r *http.Request) {
	u := info(r).user
	cases, err := s.cfg.DB.CasesOf(r.Context(), u.Body, u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var rows []caseRow
	for _, c := range cases {
		view, err := s.cfg.Engine.Inspect(r.Context(), u.Body, c.InstanceID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		rows = append(rows, caseRow{ID: c.InstanceID, Number: c.Number, Title: s.title(c.ProcessKey), Status: T(r, "status."+string(view.Status)),
			StatusCode: string(view.Status), Phase: s.phase(view), Term: termText(r, view.Term)})
	}
	s.render(w, r, http.StatusOK, "cases", T(r, "cases.title"), rows)
}

func (s *Server) title(key string) string {
	if p := s.procs[key]; p != nil {
		return p.Info.Title
	}
	return key
}

// fail answers a page request with the status the error maps to.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	st := statusOf(err)
	if st >= 500 {
		info(r).log.Error("request failed", "path", r.URL.Path, "err", err)
	} else {
		info(r).log.Warn("request refused", "path", r.URL.Path, "status", st, "err", err)
	}
	s.pageError(w, r, st, "")
}

// citizenTask is the open task of a case that waits for its applicant (a
// task with no candidate office, assigned by procedo:assignee).
func (s *Server) citizenTask(ctx context.Context, body, id string) (*store.Task, error) {
	tasks, err := s.openTasks(ctx, body, id)
	if err != nil {
		return nil, err
	}
	for _, t := range tasks {
		if len(t.CandidateOffices) == 0 {
			return t, nil
		}
	}
	return nil, nil
}

func (s *Server) myCase(w http.ResponseWriter, r *http.Request) {
	s.showMyCase(w, r, http.StatusOK, nil)
}

func (s *Server) showMyCase(w http.ResponseWriter, r *http.Request, status int, errs []forms.FieldError) {
	u := info(r).user
	ctx := r.Context()
	c, view, err := s.caseOf(ctx, u, r.PathValue("id"))
	if err == nil && c.Owner != u.ID {
		err = errForbidden
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msgs, err := s.cfg.DB.Notes(ctx, u.Body, c.InstanceID, webdb.Citizen)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	docs, err := s.documentsOf(ctx, u.Body, c.InstanceID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	docs = citizenDocuments(docs)
	data := map[string]any{"Case": c, "Title": s.title(c.ProcessKey), "Status": T(r, "status."+string(view.Status)), "StatusCode": string(view.Status),
		"Phase": s.phase(view), "Term": termText(r, view.Term), "Messages": msgs, "Documents": docs, "Errors": errs}
	if proc := s.procs[c.ProcessKey]; proc != nil {
		data["ReceiptURL"] = "/portal/servizi/" + proc.Key + "/domanda?ricevuta=" + c.IdemKey
		task, err := s.citizenTask(ctx, u.Body, c.InstanceID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if task != nil && proc.Forms[task.Form] != nil {
			data["Task"] = task
			data["Fields"] = fieldsOf(proc.Forms[task.Form], "int-")
			var reqs []string
			for _, m := range msgs {
				reqs = append(reqs, m.Text)
			}
			if len(reqs) > 0 {
				data["Requests"] = reqs[len(reqs)-1:]
			}
		}
	}
	s.render(w, r, status, "case", c.Number, data)
}

// answerIntegration completes the citizen's task with the integration
// form and its attachments.
func (s *Server) answerIntegration(w http.ResponseWriter, r *http.Request) {
	u := info(r).user
	ctx := r.Context()
	c, _, err := s.caseOf(ctx, u, r.PathValue("id"))
	if err == nil && c.Owner != u.ID {
		err = errForbidden
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	proc := s.procs[c.ProcessKey]
	task, err := s.citizenTask(ctx, u.Body, c.InstanceID)
	if err == nil && (task == nil || proc == nil || proc.Forms[task.Form] == nil) {
		err = runtime.ErrTaskNotOpen
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	form := proc.Forms[task.Form]
	parsed, err := submit.Parse(ctx, r, form, s.cfg.Limits, docSink{s})
	switch {
	case errors.Is(err, submit.ErrTooLarge):
		s.pageError(w, r, http.StatusRequestEntityTooLarge, "")
		return
	case err != nil:
		s.pageError(w, r, http.StatusBadRequest, "")
		return
	}
	if !s.checkCSRF(r, parsed.Values.Get("_csrf")) {
		s.pageError(w, r, http.StatusForbidden, "err.csrf")
		return
	}
	if parsed.Values.Get("_task") != task.ID {
		s.pageError(w, r, http.StatusConflict, "")
		return
	}
	dec := form.Decode(nil, parsed.Values, parsed.Files, forms.AllSteps)
	errs := append(parsed.Errors, dec.Errors...)
	errs = append(errs, form.Validate(dec.Data)...)
	if len(errs) > 0 {
		s.showMyCase(w, r, http.StatusUnprocessableEntity, errs)
		return
	}
	payload, _ := json.Marshal(dec.Data)
	// The task is assigned to the applicant's fiscal code
	// (procedo:assignee); the applicant owns the case, checked above.
	if err := s.cfg.Engine.CompleteTask(ctx, &runtime.CompleteTaskParams{Body: u.Body, TaskID: task.ID, Actor: task.Assignee, Payload: payload}); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.attach(ctx, u, c.InstanceID, dec.Data); err != nil {
		s.fail(w, r, err)
		return
	}
	answer := ""
	if m, ok := dec.Data.(map[string]any); ok {
		if in, ok := m["integrazione"].(map[string]any); ok {
			answer, _ = in["risposta"].(string)
		}
	}
	_ = s.cfg.DB.AddNote(ctx, &webdb.Note{Body: u.Body, InstanceID: c.InstanceID, Author: u.ID, Visibility: webdb.Citizen,
		Text: T(r, "message.integration.ok", answer), CreatedAt: s.cfg.Now()})
	s.audit(r, "task.completed", c.InstanceID, map[string]any{"task": task.ID, "element": task.ElementID, "documents": len(fileRefs(dec.Data))})
	s.hub.notify(u.Body)
	http.Redirect(w, r, "/portal/pratiche/"+c.InstanceID+"?ok=case.integration.sent", http.StatusSeeOther)
}

func (s *Server) citizenDocument(w http.ResponseWriter, r *http.Request) {
	u := info(r).user
	c, _, err := s.caseOf(r.Context(), u, r.PathValue("id"))
	if err == nil && c.Owner != u.ID {
		err = errForbidden
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || v < 1 || internalDocument(r.PathValue("name")) {
		s.pageError(w, r, http.StatusNotFound, "")
		return
	}
	if err := s.serveDocument(w, r, u, c.InstanceID, r.PathValue("name"), v); err != nil {
		s.fail(w, r, err)
	}
}
