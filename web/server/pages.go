package server

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/procedo/procedo/web/auth"
	"github.com/procedo/procedo/web/i18n"
)

//go:embed static
var staticRoot embed.FS

// staticFS holds the server's own assets (desk.js, app.css).
var staticFS, _ = fs.Sub(staticRoot, "static")

var rome = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return time.UTC
	}
	return loc
}()

var funcs = template.FuncMap{
	"t": func(key string, args ...any) string { return i18n.T(i18n.IT, key, args...) },
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.In(rome).Format("02/01/2006")
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.In(rome).Format("02/01/2006 15:04")
	},
	"join": strings.Join,
	"role": func(r auth.Role) string { return i18n.T(i18n.IT, "role."+string(r)) },
}

const layout = `{{define "layout"}}<!doctype html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · {{if .BodyName}}{{.BodyName}}{{else}}{{t "app.name"}}{{end}}</title>
<link rel="stylesheet" href="/assets/forms/forms.css">
<link rel="stylesheet" href="/assets/web/app.css">
</head>
<body>
<a class="visually-hidden-focusable" href="#main">Vai al contenuto</a>
{{if .Dev}}<div class="alert alert-warning rounded-0 mb-0 py-2 text-center" role="note" data-dev-mode>{{t "dev.banner"}}</div>{{end}}
<header class="it-header-wrapper">
 <div class="it-header-center-wrapper"><div class="container"><div class="it-header-center-content-wrapper d-flex justify-content-between align-items-center py-3">
  <div class="it-brand-wrapper"><a href="/portal"><div class="it-brand-text"><div class="it-brand-title">{{if .BodyName}}{{.BodyName}}{{else}}{{t "app.name"}}{{end}}</div></div></a></div>
  <nav aria-label="Menu principale"><ul class="nav">
   <li class="nav-item"><a class="nav-link text-white" href="/portal">{{t "nav.portal"}}</a></li>
   {{with .User}}
    {{if .HasRole "citizen"}}<li class="nav-item"><a class="nav-link text-white" href="/portal/pratiche">{{t "nav.mycases"}}</a></li>{{end}}
    {{if .HasRole "official"}}<li class="nav-item"><a class="nav-link text-white" href="/desk">{{t "nav.desk"}}</a></li>{{end}}
    <li class="nav-item"><span class="nav-link text-white" data-user="{{.ID}}">{{.Name}}</span></li>
    <li class="nav-item"><form method="post" action="/logout"><input type="hidden" name="_csrf" value="{{$.CSRF}}"><button class="btn btn-sm btn-outline-light mt-1" type="submit">{{t "logout"}}</button></form></li>
   {{else}}
    <li class="nav-item"><a class="nav-link text-white" href="/login">Accedi</a></li>
   {{end}}
  </ul></nav>
 </div></div></div>
</header>
<main id="main" class="container my-4">
{{if .Flash}}<div class="alert alert-success" role="status">{{.Flash}}</div>{{end}}
{{template "content" .}}
</main>
{{if .Script}}<script src="/assets/web/{{.Script}}" defer></script>{{end}}
</body>
</html>{{end}}`

// page is what every page template receives.
type page struct {
	Title    string
	User     *auth.User
	BodyName string
	Dev      bool
	CSRF     string
	Script   string
	Flash    string
	Data     any
}

var pageTemplates = map[string]*template.Template{}

func definePage(name, content string) {
	t := template.Must(template.New(name).Funcs(funcs).Parse(layout))
	template.Must(t.Parse(`{{define "content"}}` + content + `{{end}}`))
	pageTemplates[name] = t
}

// render writes a page with the layout.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	ri := info(r)
	p := &page{Title: title, User: ri.user, Dev: s.cfg.DevLogin, Data: data, Script: scripts[name]}
	if ri.user != nil {
		p.BodyName = auth.BodyName(s.cfg.Directory, ri.user.Body)
	}
	if ri.session != nil {
		p.CSRF = s.csrfToken(r)
	}
	if f := r.URL.Query().Get("ok"); f != "" && i18n.Has(f) {
		p.Flash = T(r, f)
	}
	var buf bytes.Buffer
	if err := pageTemplates[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		ri.log.Error("render", "page", name, "err", err)
		http.Error(w, T(r, "err.500"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

var scripts = map[string]string{"tasks": "desk.js"}

// pageError shows an error page with the catalogue text of status (or
// key, when given).
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, status int, key string) {
	if key == "" {
		key = "err." + strconv.Itoa(status)
	}
	s.render(w, r, status, "error", T(r, "err.title"), map[string]any{"Status": status, "Message": T(r, key)})
}

func init() {
	definePage("error", `<h1 class="h3">{{t "err.title"}}</h1><p class="lead" data-status="{{.Data.Status}}">{{.Data.Message}}</p><p><a href="/portal">{{t "nav.portal"}}</a></p>`)
	definePage("login", `<h1 class="h3">{{t "login.title"}}</h1>
<p>{{t "login.intro"}}</p>
{{range .Data.Bodies}}
<section class="mb-4" aria-labelledby="body-{{.ID}}"><h2 class="h4" id="body-{{.ID}}">{{.Name}}</h2>
<ul class="list-group">
{{range .Users}}<li class="list-group-item d-flex justify-content-between align-items-center">
 <span>{{.Name}} <small class="text-muted">— {{range $i, $r := .Roles}}{{if $i}}, {{end}}{{role $r}}{{end}}{{if .Offices}} · {{join .Offices ", "}}{{end}}{{if .FiscalCode}} · {{.FiscalCode}}{{end}}</small></span>
 <form method="post" action="/login"><input type="hidden" name="_csrf" value="{{$.CSRF}}"><input type="hidden" name="user" value="{{.ID}}"><input type="hidden" name="next" value="{{$.Data.Next}}">
 <button class="btn btn-primary btn-sm" type="submit" data-login="{{.ID}}">{{t "login.button"}} {{.Name}}</button></form>
</li>{{end}}
</ul></section>
{{end}}`)
}

type loginBody struct {
	ID, Name string
	Users    []*auth.User
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if !s.cfg.DevLogin {
		s.pageError(w, r, http.StatusNotFound, "")
		return
	}
	s.ensureSession(w, r)
	st, ok := s.cfg.Directory.(*auth.Static)
	if !ok {
		s.pageError(w, r, http.StatusNotFound, "")
		return
	}
	var bodies []loginBody
	for _, b := range st.Bodies() {
		lb := loginBody{ID: b.ID, Name: b.Name}
		for _, u := range st.Users {
			if u.Body == b.ID {
				lb.Users = append(lb.Users, u)
			}
		}
		bodies = append(bodies, lb)
	}
	s.render(w, r, http.StatusOK, "login", T(r, "login.title"), map[string]any{"Bodies": bodies, "Next": safeNext(r.URL.Query().Get("next"))})
}

// safeNext keeps a redirect target on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return ""
	}
	return next
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if !s.cfg.DevLogin {
		s.pageError(w, r, http.StatusNotFound, "")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.pageError(w, r, http.StatusBadRequest, "")
		return
	}
	if !s.checkCSRF(r, r.PostForm.Get("_csrf")) {
		s.pageError(w, r, http.StatusForbidden, "err.csrf")
		return
	}
	u, err := s.cfg.Directory.User(r.Context(), r.PostForm.Get("user"))
	if err != nil {
		s.pageError(w, r, http.StatusBadRequest, "")
		return
	}
	// A new session id at login prevents session fixation.
	s.sessions.Start(w, u.ID, s.cfg.Now())
	info(r).log.Info("login", "login_user", u.ID, "login_body", u.Body, "mode", "development")
	next := safeNext(r.PostForm.Get("next"))
	if next == "" {
		switch {
		case u.Has(auth.Official):
			next = "/desk"
		case u.Has(auth.Citizen):
			next = "/portal/pratiche"
		default:
			next = "/portal"
		}
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil || !s.checkCSRF(r, r.PostForm.Get("_csrf")) {
		s.pageError(w, r, http.StatusForbidden, "err.csrf")
		return
	}
	s.sessions.End(w)
	http.Redirect(w, r, "/portal", http.StatusSeeOther)
}
