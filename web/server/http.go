package server

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/procedo/procedo/forms/render"
	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/web/auth"
	formsdist "github.com/procedo/procedo/web/dist/forms"
	"github.com/procedo/procedo/web/i18n"
	"github.com/procedo/procedo/web/webdb"
)

// derive returns a subkey of key for one purpose, so that a token of one
// kind can never pass for another.
func derive(key []byte, purpose string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("procedo/" + purpose))
	return m.Sum(nil)
}

type reqKey struct{}

// reqInfo is what the middleware learns about a request.
type reqInfo struct {
	id      string
	session *auth.Session
	user    *auth.User
	log     *slog.Logger
	status  int
}

// User returns the user the request was authenticated as (session or API
// token), nil when anonymous. Handlers mounted with Config.Mounts use it
// to authorise requests.
func User(r *http.Request) *auth.User { return info(r).user }

func info(r *http.Request) *reqInfo {
	ri, _ := r.Context().Value(reqKey{}).(*reqInfo)
	if ri == nil {
		ri = &reqInfo{log: slog.Default()}
	}
	return ri
}

type statusWriter struct {
	http.ResponseWriter
	ri *reqInfo
}

func (w *statusWriter) WriteHeader(code int) {
	if w.ri.status == 0 {
		w.ri.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.ri.status == 0 {
		w.ri.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Hijack hands the connection to the websocket upgrader.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("the connection cannot be hijacked")
	}
	if w.ri.status == 0 {
		w.ri.status = http.StatusSwitchingProtocols
	}
	return h.Hijack()
}

// Unwrap lets http.ResponseController and the websocket upgrader reach
// the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// middleware: request id, structured log, security headers, identity.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &reqInfo{id: newRequestID()}
		h := w.Header()
		h.Set("Content-Security-Policy", render.CSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Request-Id", ri.id)
		// Identity: a bearer token (API clients) or the session cookie.
		if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			if t, err := s.cfg.DB.TokenBySecret(r.Context(), tok); err == nil {
				if u, err := s.cfg.Directory.User(r.Context(), t.UserID); err == nil {
					ri.user = u
				}
			}
		} else if sess := s.sessions.Read(r, s.cfg.Now()); sess != nil {
			ri.session = sess
			if sess.UserID != "" {
				if u, err := s.cfg.Directory.User(r.Context(), sess.UserID); err == nil {
					ri.user = u
				}
			}
		}
		attrs := []any{"request", ri.id}
		if ri.user != nil {
			attrs = append(attrs, "body", ri.user.Body, "user", ri.user.ID)
		}
		ri.log = s.log.With(attrs...)
		ctx := context.WithValue(r.Context(), reqKey{}, ri)
		if ri.user != nil {
			ctx = auth.WithUser(ctx, ri.user)
		}
		sw := &statusWriter{ResponseWriter: w, ri: ri}
		next.ServeHTTP(sw, r.WithContext(ctx))
		attrs = []any{"method", r.Method, "path", r.URL.Path, "status", ri.status, "ms", float64(time.Since(start).Microseconds()) / 1000}
		if m := caseInPath.FindStringSubmatch(r.URL.Path); m != nil {
			attrs = append(attrs, "case", m[1])
		}
		ri.log.Info("http", attrs...)
	})
}

// caseInPath finds the case (instance) id in the URL of a request, for
// the log line.
var caseInPath = regexp.MustCompile(`/(?:casi|pratiche|instances)/([A-Za-z0-9_.-]+)`)

// ensureSession gives an anonymous visitor a session, so that CSRF tokens
// (bound to the session id) exist before login.
func (s *Server) ensureSession(w http.ResponseWriter, r *http.Request) *auth.Session {
	ri := info(r)
	if ri.session == nil {
		ri.session = s.sessions.Start(w, "", s.cfg.Now())
	}
	return ri.session
}

func (s *Server) sessionID(r *http.Request) string {
	if ri := info(r); ri.session != nil {
		return ri.session.ID
	}
	return ""
}

// checkCSRF verifies the _csrf field of a parsed form post.
func (s *Server) checkCSRF(r *http.Request, token string) bool {
	id := s.sessionID(r)
	return id != "" && s.csrf.Verify(token, id, s.cfg.Now()) == nil
}

func (s *Server) csrfToken(r *http.Request) string {
	return s.csrf.Issue(s.sessionID(r), s.cfg.Now())
}

// guard wraps a page handler: the user must be logged in with one of the
// roles (none listed: any logged-in user).
func (s *Server) guard(h http.HandlerFunc, roles ...auth.Role) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := info(r).user
		if u == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+urlEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.pageError(w, r, http.StatusUnauthorized, "")
			return
		}
		if !hasAny(u, roles) {
			s.pageError(w, r, http.StatusForbidden, "")
			return
		}
		h(w, r)
	}
}

// apiGuard is guard for the API: problem details, no redirects.
func (s *Server) apiGuard(h http.HandlerFunc, roles ...auth.Role) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := info(r).user
		if u == nil {
			s.problem(w, r, http.StatusUnauthorized, "unauthorized", "A bearer token or a session is required.", nil)
			return
		}
		if !hasAny(u, roles) {
			s.problem(w, r, http.StatusForbidden, "forbidden", "Your role may not do this.", nil)
			return
		}
		// A browser session using the API must prove same origin for
		// unsafe methods (tokens are not sent automatically, cookies are).
		if info(r).session != nil && r.Method != http.MethodGet && r.Method != http.MethodHead {
			if r.Header.Get("Sec-Fetch-Site") == "cross-site" || r.Header.Get("X-CSRF-Token") == "" || !s.checkCSRF(r, r.Header.Get("X-CSRF-Token")) {
				s.problem(w, r, http.StatusForbidden, "csrf", "Missing or invalid X-CSRF-Token header.", nil)
				return
			}
		}
		h(w, r)
	}
}

func hasAny(u *auth.User, roles []auth.Role) bool {
	if len(roles) == 0 {
		return true
	}
	for _, r := range roles {
		if u.Has(r) {
			return true
		}
	}
	return false
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.Handle("GET /assets/forms/", http.StripPrefix("/assets/forms/", http.FileServerFS(formsdist.FS)))
	m.Handle("GET /assets/web/", http.StripPrefix("/assets/web/", http.FileServerFS(staticFS)))
	m.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/portal", http.StatusSeeOther) })
	m.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })

	m.HandleFunc("GET /login", s.loginPage)
	m.HandleFunc("POST /login", s.login)
	m.HandleFunc("POST /logout", s.logout)

	// Portal.
	m.HandleFunc("GET /portal", s.catalogue)
	m.HandleFunc("GET /portal/servizi/{key}", s.servicePage)
	m.HandleFunc("/portal/servizi/{key}/domanda", s.guard(s.applyFlow, auth.Citizen))
	m.HandleFunc("GET /portal/pratiche", s.guard(s.myCases, auth.Citizen))
	m.HandleFunc("GET /portal/pratiche/{id}", s.guard(s.myCase, auth.Citizen))
	m.HandleFunc("POST /portal/pratiche/{id}/integrazione", s.guard(s.answerIntegration, auth.Citizen))
	m.HandleFunc("GET /portal/pratiche/{id}/documenti/{name}/{version}", s.guard(s.citizenDocument, auth.Citizen))

	// Desk.
	m.HandleFunc("GET /desk", s.guard(s.taskList, auth.Official))
	m.HandleFunc("POST /desk/attivita/{task}/{action}", s.guard(s.taskAction, auth.Official))
	m.HandleFunc("GET /desk/casi/{id}", s.guard(s.casePage, auth.Official, auth.Admin))
	m.HandleFunc("POST /desk/casi/{id}/completa", s.guard(s.completeTask, auth.Official))
	m.HandleFunc("POST /desk/casi/{id}/note", s.guard(s.addNote, auth.Official))
	m.HandleFunc("GET /desk/casi/{id}/documenti/{name}/{version}", s.guard(s.officialDocument, auth.Official, auth.Admin))
	m.HandleFunc("GET /ws", s.guard(s.hub.serve, auth.Official))

	s.apiRoutes(m)
	for _, mt := range s.cfg.Mounts {
		m.Handle(mt.Pattern, mt.Handler)
	}
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { s.pageError(w, r, http.StatusNotFound, "") })
	s.mux = http.NewServeMux()
	s.mux.Handle("/", s.middleware(m))
}

// caseOf loads the case of instance id in the user's body and checks that
// the user may see it: its applicant, an official of the body, an admin
// or analyst of the body. A case of another body is not found: ids do not
// leak across bodies.
func (s *Server) caseOf(ctx context.Context, u *auth.User, id string) (*webdb.Case, *runtime.InstanceView, error) {
	view, err := s.cfg.Engine.Inspect(ctx, u.Body, id)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.cfg.DB.Case(ctx, u.Body, id)
	if errors.Is(err, webdb.ErrNotFound) {
		c = &webdb.Case{Body: u.Body, InstanceID: id, Number: view.BusinessKey, ProcessKey: view.ProcessKey, CreatedAt: view.StartedAt}
	} else if err != nil {
		return nil, nil, err
	}
	switch {
	case u.Has(auth.Official), u.Has(auth.Admin), u.Has(auth.Analyst):
	case u.Has(auth.Citizen) && c.Owner == u.ID:
	default:
		return nil, nil, errForbidden
	}
	return c, view, nil
}

var errForbidden = errors.New("forbidden")

// statusOf maps an error of the engine, the store or the server to an
// HTTP status.
func statusOf(err error) int {
	var ve *runtime.ValidationError
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, errForbidden):
		return http.StatusForbidden
	case errors.Is(err, store.ErrNotFound), errors.Is(err, webdb.ErrNotFound), errors.Is(err, runtime.ErrNoSuchElement):
		return http.StatusNotFound
	case errors.As(err, &ve):
		return http.StatusUnprocessableEntity
	case errors.Is(err, runtime.ErrTaskAssigned), errors.Is(err, runtime.ErrTaskNotOpen), errors.Is(err, runtime.ErrNotActive), errors.Is(err, store.ErrConflict):
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

// audit appends an action to the trail; a failure is logged loudly (the
// action already happened and must not be reported as failed).
func (s *Server) audit(r *http.Request, action, caseID string, detail any) {
	ri := info(r)
	u := ri.user
	if u == nil {
		return
	}
	js, _ := json.Marshal(detail)
	if detail == nil {
		js = []byte("{}")
	}
	e := &webdb.Entry{Body: u.Body, At: s.cfg.Now(), Actor: u.ID, Action: action, CaseID: caseID, Detail: string(js)}
	if err := s.cfg.DB.Append(context.WithoutCancel(r.Context()), e); err != nil {
		ri.log.Error("audit append failed", "action", action, "case", caseID, "err", err)
	}
}

func urlEscape(s string) string {
	r := strings.NewReplacer("%", "%25", "&", "%26", "?", "%3F", "#", "%23", " ", "%20", "+", "%2B")
	return r.Replace(s)
}

// T is the catalogue text in the request's language.
func T(r *http.Request, key string, args ...any) string { return i18n.T(lang(r), key, args...) }
