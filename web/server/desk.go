package server

import (
	"context"
	"encoding/json"
	"html/template"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/procedo/procedo/forms"
	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/web/auth"
	"github.com/procedo/procedo/web/webdb"
)

func init() {
	definePage("tasks", `<h1 class="h2">{{t "desk.title"}}</h1>
<p>{{t "desk.offices" (join .User.Offices ", ")}} <span class="visually-hidden" id="live" aria-live="polite"></span></p>
<p class="small text-muted" data-live-note>{{t "desk.live"}}</p>
<form method="get" action="/desk" class="row g-2 mb-3" role="search">
 <div class="col-md-4"><label class="form-label" for="q">{{t "desk.filter.text"}}</label><input class="form-control" id="q" name="q" value="{{.Data.Q}}"></div>
 <div class="col-md-3"><label class="form-label" for="vista">{{t "desk.view"}}</label><select class="form-select" id="vista" name="vista">
  <option value=""{{if eq .Data.View ""}} selected{{end}}>{{t "desk.view.all"}}</option>
  <option value="mie"{{if eq .Data.View "mie"}} selected{{end}}>{{t "desk.view.mine"}}</option>
  <option value="libere"{{if eq .Data.View "libere"}} selected{{end}}>{{t "desk.view.free"}}</option></select></div>
 <div class="col-md-3"><label class="form-label" for="sort">{{t "desk.sort"}}</label><select class="form-select" id="sort" name="sort">
  <option value="due"{{if eq .Data.Sort "due"}} selected{{end}}>{{t "desk.sort.due"}}</option>
  <option value="arrival"{{if eq .Data.Sort "arrival"}} selected{{end}}>{{t "desk.sort.arrival"}}</option></select></div>
 <div class="col-md-2 align-self-end"><button class="btn btn-outline-primary" type="submit">{{t "desk.filter"}}</button></div>
</form>
<div id="tasks" data-tasks>
{{if not .Data.Tasks}}<p>{{t "desk.none"}}</p>{{else}}
<table class="table"><thead><tr><th scope="col">{{t "case.number"}}</th><th scope="col">Attività</th><th scope="col">{{t "desk.sort.arrival"}}</th><th scope="col">{{t "desk.sort.due"}}</th><th scope="col">Stato</th><th scope="col"><span class="visually-hidden">Azioni</span></th></tr></thead><tbody>
{{range .Data.Tasks}}<tr data-task="{{.Task.ID}}" data-case="{{.Task.InstanceID}}">
<td><a href="/desk/casi/{{.Task.InstanceID}}">{{.Number}}</a></td><td>{{.Task.Name}}</td><td>{{datetime .Task.CreatedAt}}</td><td>{{date .Task.DueAt}}</td>
<td>{{if .Task.Assignee}}{{t "desk.assigned" .Task.Assignee}}{{else}}{{t "desk.unassigned"}}{{end}}</td>
<td><form method="post" action="/desk/attivita/{{.Task.ID}}/{{if .Mine}}release{{else}}claim{{end}}" class="d-inline"><input type="hidden" name="_csrf" value="{{$.CSRF}}">
{{if .Mine}}<button class="btn btn-sm btn-outline-secondary" type="submit">{{t "desk.release"}}</button>{{else if not .Task.Assignee}}<button class="btn btn-sm btn-primary" type="submit" data-claim>{{t "desk.claim"}}</button>{{end}}</form></td>
</tr>{{end}}</tbody></table>{{end}}
</div>`)
	must(definePageT("deskcase", `{{with .Data}}<h1 class="h2">{{.Title}} <small class="text-muted">n. {{.Case.Number}}</small></h1>
<dl class="row">
<dt class="col-sm-3">{{t "case.status"}}</dt><dd class="col-sm-9" data-status="{{.View.Status}}">{{.Status}}</dd>
<dt class="col-sm-3">{{t "case.phase"}}</dt><dd class="col-sm-9">{{.Phase}}</dd>
<dt class="col-sm-3">{{t "case.term"}}</dt><dd class="col-sm-9" data-term>{{.Term}}</dd>
</dl>
<h2 class="h4">{{t "case.diagram"}}</h2>
{{if .Diagram}}<figure class="diagram-figure" data-diagram-svg>{{.Diagram}}</figure>{{end}}
<ol class="diagram-steps" data-diagram>{{range .Steps}}<li class="{{.Class}}" data-element="{{.ID}}">{{.Name}}{{if .Visits}} ×{{.Visits}}{{end}}</li>{{end}}</ol>
{{range .Tasks}}<section class="card card-bg mb-4" aria-labelledby="task-{{.Task.ID}}"><div class="card-body">
<h2 class="h4" id="task-{{.Task.ID}}">{{t "case.complete"}}: {{.Task.Name}}</h2>
<p>{{if .Task.Assignee}}{{t "desk.assigned" .Task.Assignee}}{{else}}{{t "desk.unassigned"}}{{end}}{{if not .Task.DueAt.IsZero}} · {{t "desk.due" (date .Task.DueAt)}}{{end}}</p>
{{if .Errors}}<div class="alert alert-danger" role="alert"><ul class="mb-0">{{range .Errors}}<li>{{.Message}}</li>{{end}}</ul></div>{{end}}
{{if .CanComplete}}<form method="post" action="/desk/casi/{{$.Data.Case.InstanceID}}/completa">
<input type="hidden" name="_csrf" value="{{$.CSRF}}"><input type="hidden" name="_task" value="{{.Task.ID}}">
{{template "fields" .Fields}}
{{if .Checklist}}<fieldset class="mb-3"><legend class="h5">{{t "case.checklist"}}</legend>{{template "fields" .Checklist}}</fieldset>{{end}}
<button class="btn btn-primary" type="submit" data-complete>{{t "case.complete.button"}}</button></form>
{{else if .Task.Assignee}}<p>{{t "case.task.notyours"}}</p>{{else}}<p>{{t "case.task.claimfirst"}}</p>
<form method="post" action="/desk/attivita/{{.Task.ID}}/claim"><input type="hidden" name="_csrf" value="{{$.CSRF}}"><input type="hidden" name="next" value="case"><button class="btn btn-primary" type="submit">{{t "desk.claim"}}</button></form>{{end}}
<details class="mt-3"><summary>{{t "case.reassign"}}</summary>
<form method="post" action="/desk/attivita/{{.Task.ID}}/reassign" class="mt-2"><input type="hidden" name="_csrf" value="{{$.CSRF}}">
<label class="form-label" for="to-{{.Task.ID}}">{{t "case.reassign.to"}}</label><select class="form-select mb-2" id="to-{{.Task.ID}}" name="to"><option value="">{{t "desk.unassigned"}}</option>{{range $.Data.Colleagues}}<option value="{{.ID}}">{{.Name}}</option>{{end}}</select>
<label class="form-label" for="office-{{.Task.ID}}">{{t "case.reassign.offices"}}</label><select class="form-select mb-2" id="office-{{.Task.ID}}" name="office"><option value=""></option>{{range $.Data.Offices}}<option>{{.}}</option>{{end}}</select>
<label class="form-label" for="reason-{{.Task.ID}}">{{t "case.reassign.reason"}} *</label><textarea class="form-control mb-2" id="reason-{{.Task.ID}}" name="reason" required></textarea>
<button class="btn btn-outline-primary" type="submit">{{t "case.reassign"}}</button></form></details>
</div></section>{{end}}
<h2 class="h4">{{t "case.data"}}</h2>
<pre class="bg-light p-3" data-vars>{{.Vars}}</pre>
<h2 class="h4">{{t "case.documents"}}</h2>
{{if .Documents}}<ul>{{range .Documents}}<li><a href="/desk/casi/{{$.Data.Case.InstanceID}}/documenti/{{.Name}}/{{.Version}}">{{.Name}}</a> ({{t "case.version" .Version}}, {{.MediaType}}, {{datetime .CreatedAt}}, {{.CreatedBy}})</li>{{end}}</ul>{{else}}<p>{{t "case.documents.none"}}</p>{{end}}
<h2 class="h4">{{t "case.notes"}}</h2>
{{if .Notes}}<ul class="list-group mb-2">{{range .Notes}}<li class="list-group-item"><small class="text-muted">{{datetime .CreatedAt}} · {{.Author}}{{if eq .Visibility "citizen"}} · al cittadino{{end}}</small><br>{{.Text}}</li>{{end}}</ul>{{else}}<p>{{t "case.notes.none"}}</p>{{end}}
<form method="post" action="/desk/casi/{{.Case.InstanceID}}/note" class="mb-4"><input type="hidden" name="_csrf" value="{{$.CSRF}}">
<label class="form-label" for="nota">{{t "case.notes.add"}}</label><textarea class="form-control mb-2" id="nota" name="text" required maxlength="4000"></textarea>
<button class="btn btn-outline-primary" type="submit">{{t "save"}}</button></form>
<h2 class="h4">{{t "case.history"}}</h2>
<ol class="timeline" data-history>{{range .History}}<li><small class="text-muted">{{datetime .Time}} · {{.Actor}}</small><br>{{.Text}}</li>{{end}}</ol>
{{end}}`))
}

func must(t *template.Template, err error) {
	if err != nil {
		panic(err)
	}
	template.Must(t.Parse(fieldsTemplate))
}

type taskRow struct {
	Task   *store.Task
	Number string
	Mine   bool
}

// officeTasks lists the open tasks of the user's offices and those
// assigned to the user.
func (s *Server) officeTasks(ctx context.Context, u *auth.User) ([]*store.Task, error) {
	seen := map[string]bool{}
	var out []*store.Task
	add := func(ts []*store.Task) {
		for _, t := range ts {
			if !seen[t.ID] {
				seen[t.ID] = true
				out = append(out, t)
			}
		}
	}
	st := s.cfg.Engine.Store()
	for _, o := range u.Offices {
		ts, err := st.ListTasks(ctx, &store.ListTasksParams{Body: u.Body, Office: o, Status: store.TaskOpen})
		if err != nil {
			return nil, err
		}
		add(ts)
	}
	ts, err := st.ListTasks(ctx, &store.ListTasksParams{Body: u.Body, Assignee: u.ID, Status: store.TaskOpen})
	if err != nil {
		return nil, err
	}
	add(ts)
	return out, nil
}

func (s *Server) taskList(w http.ResponseWriter, r *http.Request) {
	u := info(r).user
	ctx := r.Context()
	tasks, err := s.officeTasks(ctx, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("q")))
	view := r.URL.Query().Get("vista")
	if view != "mie" && view != "libere" {
		view = ""
	}
	sortBy := r.URL.Query().Get("sort")
	if sortBy != "arrival" {
		sortBy = "due"
	}
	var rows []taskRow
	for _, t := range tasks {
		number := t.InstanceID
		if c, err := s.cfg.DB.Case(ctx, u.Body, t.InstanceID); err == nil {
			number = c.Number
		}
		if q != "" && !strings.Contains(strings.ToLower(number+" "+t.Name+" "+t.ProcessKey), q) {
			continue
		}
		if view == "mie" && t.Assignee != u.ID || view == "libere" && t.Assignee != "" {
			continue
		}
		rows = append(rows, taskRow{Task: t, Number: number, Mine: t.Assignee == u.ID})
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i].Task, rows[j].Task
		if sortBy == "due" && !a.DueAt.Equal(b.DueAt) {
			switch {
			case a.DueAt.IsZero():
				return false
			case b.DueAt.IsZero():
				return true
			}
			return a.DueAt.Before(b.DueAt)
		}
		return a.CreatedAt.Before(b.CreatedAt)
	})
	s.render(w, r, http.StatusOK, "tasks", T(r, "desk.title"), map[string]any{"Tasks": rows, "Q": r.URL.Query().Get("q"), "Sort": sortBy, "View": view})
}

// mayWork reports whether an official may act on a task: it is theirs, or
// one of their offices is a candidate office.
func mayWork(u *auth.User, t *store.Task) bool {
	if t.Assignee == u.ID {
		return true
	}
	for _, o := range t.CandidateOffices {
		if u.InOffice(o) {
			return true
		}
	}
	return false
}

// mayView reports whether an official may see a case: some task of it,
// open or past, was for one of their offices or assigned to them.
func (s *Server) mayView(ctx context.Context, u *auth.User, id string) (bool, error) {
	if u.Has(auth.Admin) {
		return true, nil
	}
	ts, err := s.cfg.Engine.Store().ListTasks(ctx, &store.ListTasksParams{Body: u.Body, InstanceID: id})
	if err != nil {
		return false, err
	}
	for _, t := range ts {
		if mayWork(u, t) || t.CompletedBy == u.ID {
			return true, nil
		}
	}
	return false, nil
}

func (s *Server) loadTask(ctx context.Context, u *auth.User, id string) (*store.Task, error) {
	t, err := s.cfg.Engine.Store().GetTask(ctx, &store.GetTaskParams{Body: u.Body, ID: id})
	if err != nil {
		return nil, err
	}
	if !mayWork(u, t) {
		return nil, errForbidden
	}
	return t, nil
}

func (s *Server) taskAction(w http.ResponseWriter, r *http.Request) {
	u := info(r).user
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.pageError(w, r, http.StatusBadRequest, "")
		return
	}
	if !s.checkCSRF(r, r.PostForm.Get("_csrf")) {
		s.pageError(w, r, http.StatusForbidden, "err.csrf")
		return
	}
	t, err := s.loadTask(ctx, u, r.PathValue("task"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	action := r.PathValue("action")
	var detail map[string]any
	switch action {
	case "claim":
		err = s.cfg.Engine.ClaimTask(ctx, u.Body, t.ID, u.ID)
	case "release":
		err = s.cfg.Engine.ReleaseTask(ctx, u.Body, t.ID, u.ID)
	case "reassign":
		reason := strings.TrimSpace(r.PostForm.Get("reason"))
		if reason == "" {
			s.pageError(w, r, http.StatusUnprocessableEntity, "err.reason.required")
			return
		}
		to := r.PostForm.Get("to")
		if to != "" {
			if cu, uerr := s.cfg.Directory.User(ctx, to); uerr != nil || cu.Body != u.Body || !cu.Has(auth.Official) {
				s.pageError(w, r, http.StatusUnprocessableEntity, "")
				return
			}
		}
		var offices []string
		if o := r.PostForm.Get("office"); o != "" {
			if !slices.Contains(s.bodyOffices(u.Body), o) {
				s.pageError(w, r, http.StatusUnprocessableEntity, "")
				return
			}
			offices = []string{o}
		}
		err = s.cfg.Engine.ReassignTask(ctx, &runtime.ReassignTaskParams{Body: u.Body, TaskID: t.ID, Actor: u.ID, To: to, Offices: offices, Reason: reason})
		detail = map[string]any{"to": to, "offices": offices, "reason": reason}
	default:
		s.pageError(w, r, http.StatusNotFound, "")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if detail == nil {
		detail = map[string]any{}
	}
	detail["task"] = t.ID
	s.audit(r, "task."+action, t.InstanceID, detail)
	s.hub.notify(u.Body)
	if r.PostForm.Get("next") == "case" || action == "reassign" {
		http.Redirect(w, r, "/desk/casi/"+t.InstanceID, http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/desk", http.StatusSeeOther)
}

// bodyOffices lists the offices of a body's officials.
func (s *Server) bodyOffices(body string) []string {
	var out []string
	for _, u := range s.colleagues(body) {
		for _, o := range u.Offices {
			if !slices.Contains(out, o) {
				out = append(out, o)
			}
		}
	}
	sort.Strings(out)
	return out
}

func (s *Server) colleagues(body string) []*auth.User {
	st, ok := s.cfg.Directory.(*auth.Static)
	if !ok {
		return nil
	}
	var out []*auth.User
	for _, u := range st.Users {
		if u.Body == body && u.Has(auth.Official) {
			out = append(out, u)
		}
	}
	return out
}

type taskPanel struct {
	Task        *store.Task
	CanComplete bool
	Fields      []fieldView
	Checklist   []fieldView
	Errors      []forms.FieldError
}

type step struct {
	ID, Name, Class string
	Visits          int
}

type historyItem struct {
	Time  time.Time
	Actor string
	Text  string
}

func (s *Server) casePage(w http.ResponseWriter, r *http.Request) {
	s.showCase(w, r, http.StatusOK, "", nil)
}

func (s *Server) showCase(w http.ResponseWriter, r *http.Request, status int, errTask string, errs []forms.FieldError) {
	u := info(r).user
	ctx := r.Context()
	id := r.PathValue("id")
	c, view, err := s.caseOf(ctx, u, id)
	if err == nil {
		var ok bool
		if ok, err = s.mayView(ctx, u, id); err == nil && !ok {
			err = errForbidden
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	proc := s.procs[c.ProcessKey]
	tasks, err := s.openTasks(ctx, u.Body, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var panels []taskPanel
	for _, t := range tasks {
		if len(t.CandidateOffices) == 0 && t.Assignee != u.ID {
			continue // waits for the citizen
		}
		p := taskPanel{Task: t, CanComplete: t.Assignee == u.ID && mayWork(u, t)}
		if proc != nil && proc.Forms[t.Form] != nil {
			p.Fields = fieldsOf(proc.Forms[t.Form], "f-")
			if cl := proc.Checklists[t.ElementID]; cl != "" && proc.Forms[cl] != nil {
				p.Checklist = fieldsOf(proc.Forms[cl], "c-")
			}
		}
		if t.ID == errTask {
			p.Errors = errs
		}
		panels = append(panels, p)
	}
	var steps []step
	if proc != nil {
		waiting := map[string]bool{}
		for _, wt := range view.Waiting {
			waiting[wt.Element] = true
		}
		for _, n := range proc.Definition.Nodes() {
			if n.Kind == runtime.ExclusiveGateway || n.Kind == runtime.ParallelGateway || n.Kind == runtime.InclusiveGateway {
				continue
			}
			st := step{ID: n.ID, Name: n.Name, Visits: view.Visits[n.ID]}
			switch {
			case waiting[n.ID]:
				st.Class = "current"
			case st.Visits > 0:
				st.Class = "visited"
			}
			steps = append(steps, st)
		}
	}
	var svg template.HTML
	if d, err := s.diagramOf(ctx, u.Body, view.DefinitionHash); err != nil {
		info(r).log.Warn("diagram", "case", id, "err", err) // the page works without it
	} else if d != nil {
		current, visited := map[string]bool{}, map[string]bool{}
		for _, wt := range view.Waiting {
			current[wt.Element] = true
		}
		for el, n := range view.Visits {
			visited[el] = n > 0
		}
		svg = d.svg(s.title(c.ProcessKey)+" — "+s.phase(view), current, visited)
	}
	docs, err := s.documentsOf(ctx, u.Body, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	notes, err := s.cfg.DB.Notes(ctx, u.Body, id, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	events, err := s.cfg.Engine.Store().ListEvents(ctx, &store.ListEventsParams{Body: u.Body, InstanceID: id})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var history []historyItem
	for _, e := range events {
		if txt := s.eventText(r, proc, e); txt != "" {
			history = append(history, historyItem{Time: e.Time, Actor: e.Actor, Text: txt})
		}
	}
	var pretty []byte
	var vars any
	if json.Unmarshal(view.Vars, &vars) == nil {
		pretty, _ = json.MarshalIndent(vars, "", "  ")
	}
	s.render(w, r, status, "deskcase", c.Number, map[string]any{"Case": c, "View": view, "Title": s.title(c.ProcessKey),
		"Status": T(r, "status."+string(view.Status)), "Phase": s.phase(view), "Term": termText(r, view.Term), "Steps": steps,
		"Tasks": panels, "Documents": docs, "Notes": notes, "History": history, "Vars": string(pretty),
		"Colleagues": s.colleagues(u.Body), "Offices": s.bodyOffices(u.Body), "Diagram": svg})
}

// eventText is the timeline line of a history event ("" to leave it out).
func (s *Server) eventText(r *http.Request, proc *Procedure, e *store.Event) string {
	name := func() string {
		if proc != nil {
			if n := proc.Definition.Node(e.ElementID); n != nil && n.Name != "" {
				return n.Name
			}
		}
		return e.ElementID
	}
	switch e.Type {
	case runtime.EventStarted:
		return T(r, "event.started")
	case runtime.EventCompleted:
		return T(r, "event.completed")
	case runtime.EventTerminated:
		return T(r, "event.terminated")
	case runtime.EventElementEntered:
		if proc != nil {
			if n := proc.Definition.Node(e.ElementID); n != nil && (n.Kind == runtime.ExclusiveGateway || n.Kind == runtime.ParallelGateway) {
				return ""
			}
		}
		return T(r, "event.element.entered", name())
	case runtime.EventTaskClaimed:
		return T(r, "event.task.claimed") + ": " + name()
	case runtime.EventTaskReleased:
		return T(r, "event.task.released") + ": " + name()
	case runtime.EventTaskCompleted:
		return T(r, "event.task.completed") + ": " + name()
	case runtime.EventTaskReassigned:
		var tc runtime.TaskChanged
		_ = json.Unmarshal(e.Data, &tc)
		return T(r, "event.task.reassigned") + ": " + name() + " — " + tc.Reason
	case runtime.EventDocumentAdded:
		var d runtime.DocumentAdded
		_ = json.Unmarshal(e.Data, &d)
		return T(r, "event.document.added") + ": " + d.Name + " v" + strconv.Itoa(d.Version)
	case runtime.EventSuspended:
		return T(r, "event.term.suspended")
	case runtime.EventResumed:
		return T(r, "event.term.resumed")
	}
	return ""
}

func (s *Server) completeTask(w http.ResponseWriter, r *http.Request) {
	u := info(r).user
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	if err := r.ParseForm(); err != nil {
		s.pageError(w, r, http.StatusBadRequest, "")
		return
	}
	if !s.checkCSRF(r, r.PostForm.Get("_csrf")) {
		s.pageError(w, r, http.StatusForbidden, "err.csrf")
		return
	}
	t, err := s.loadTask(ctx, u, r.PostForm.Get("_task"))
	if err == nil && t.InstanceID != r.PathValue("id") {
		err = store.ErrNotFound
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, _, err := s.caseOf(ctx, u, t.InstanceID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	proc := s.procs[c.ProcessKey]
	if proc == nil || proc.Forms[t.Form] == nil {
		s.pageError(w, r, http.StatusConflict, "")
		return
	}
	payload := map[string]any{}
	var errs []forms.FieldError
	fs := []*forms.Form{proc.Forms[t.Form]}
	if cl := proc.Checklists[t.ElementID]; cl != "" && proc.Forms[cl] != nil {
		fs = append(fs, proc.Forms[cl])
	}
	for _, f := range fs {
		dec := f.Decode(nil, r.PostForm, nil, forms.AllSteps)
		errs = append(errs, dec.Errors...)
		errs = append(errs, f.Validate(dec.Data)...)
		if m, ok := dec.Data.(map[string]any); ok {
			for k, v := range m {
				payload[k] = v
			}
		}
	}
	if len(errs) > 0 {
		s.showCase(w, r, http.StatusUnprocessableEntity, t.ID, errs)
		return
	}
	if _, err := s.complete(ctx, u, proc, t, payload); err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, "task.completed", t.InstanceID, map[string]any{"task": t.ID, "element": t.ElementID, "payload": payload})
	s.hub.notify(u.Body)
	http.Redirect(w, r, "/desk/casi/"+t.InstanceID, http.StatusSeeOther)
}

func (s *Server) addNote(w http.ResponseWriter, r *http.Request) {
	u := info(r).user
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.pageError(w, r, http.StatusBadRequest, "")
		return
	}
	if !s.checkCSRF(r, r.PostForm.Get("_csrf")) {
		s.pageError(w, r, http.StatusForbidden, "err.csrf")
		return
	}
	id := r.PathValue("id")
	_, _, err := s.caseOf(ctx, u, id)
	if err == nil {
		var ok bool
		if ok, err = s.mayView(ctx, u, id); err == nil && !ok {
			err = errForbidden
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	text := strings.TrimSpace(r.PostForm.Get("text"))
	if text == "" || len(text) > 4000 {
		s.pageError(w, r, http.StatusUnprocessableEntity, "")
		return
	}
	if err := s.cfg.DB.AddNote(ctx, &webdb.Note{Body: u.Body, InstanceID: id, Author: u.ID, Visibility: webdb.Internal, Text: text, CreatedAt: s.cfg.Now()}); err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, "note.added", id, map[string]any{"length": len(text)})
	http.Redirect(w, r, "/desk/casi/"+id, http.StatusSeeOther)
}

func (s *Server) officialDocument(w http.ResponseWriter, r *http.Request) {
	u := info(r).user
	id := r.PathValue("id")
	ok, err := s.mayView(r.Context(), u, id)
	if err == nil && !ok {
		err = errForbidden
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || v < 1 {
		s.pageError(w, r, http.StatusNotFound, "")
		return
	}
	if err := s.serveDocument(w, r, u, id, r.PathValue("name"), v); err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, "document.read", id, map[string]any{"name": r.PathValue("name"), "version": v})
}
