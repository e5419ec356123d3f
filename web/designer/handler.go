package designerweb

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/procedo/procedo/designer/bpmn"
	"github.com/procedo/procedo/designer/lint"
	"github.com/procedo/procedo/designer/model"
	"github.com/procedo/procedo/designer/workspace"
	designerdist "github.com/procedo/procedo/web/dist/designer"
	formsdist "github.com/procedo/procedo/web/dist/forms"
)

// Identity is who is asking: a user of a body (tenant).
type Identity struct {
	Tenant string
	User   string // stored as the author of revisions
	// Name is shown in the designer's header; default User.
	Name string
	// Deploy is whether this user may deploy revisions to the runtime.
	Deploy bool
}

// ErrUnauthenticated and ErrForbidden are what Identify returns for a
// request without a valid session (401) and for a user who is not an
// analyst (403). Any other error is a 500.
var (
	ErrUnauthenticated = errors.New("designerweb: not authenticated")
	ErrForbidden       = errors.New("designerweb: forbidden")
)

// Deployment is a revision handed to the runtime.
type Deployment struct {
	Tenant string
	Bundle string
	Name   string // the bundle's name
	Rev    int
	Author string // who deploys
	Files  workspace.Files
}

// DeployResult is what the runtime says about a deployment.
type DeployResult struct {
	// Version identifies the deployed version (the runtime's content hash).
	Version string `json:"version"`
	// Message is shown to the analyst, when not empty.
	Message string `json:"message,omitempty"`
}

// Deployer hands a revision that lints without errors to the runtime.
type Deployer func(ctx context.Context, d *Deployment) (*DeployResult, error)

// Options are the dependencies of the designer.
type Options struct {
	// Store keeps the bundles and their revisions. Required.
	Store *workspace.Store
	// Identify authorises a request; see ErrUnauthenticated, ErrForbidden.
	// Required.
	Identify func(r *http.Request) (Identity, error)
	// Deploy is nil when this server cannot deploy: the designer then
	// says so instead of offering the button.
	Deploy Deployer
	// Prefix is where the handler is mounted; default "/designer".
	Prefix string
	// BodyName is the name of the body shown in form previews.
	BodyName string
	// Logger; default slog.Default().
	Logger *slog.Logger
}

// Limits of requests.
const (
	maxBody    = workspace.MaxBundleBytes + 1<<20
	maxWSFrame = workspace.MaxBundleBytes + 1<<20
)

// Handler serves the designer. Create it with New.
type Handler struct {
	opts Options
	mux  *http.ServeMux
	log  *slog.Logger
	up   websocket.Upgrader

	mu    sync.Mutex
	conns map[*websocket.Conn]bool
	sims  simulations
}

// New builds the designer's handler. It panics when a required option is
// missing: that is a wiring mistake, found at start.
func New(opts Options) *Handler {
	if opts.Store == nil || opts.Identify == nil {
		panic("designerweb.New: Options.Store and Options.Identify are required")
	}
	if opts.Prefix == "" {
		opts.Prefix = "/designer"
	}
	opts.Prefix = strings.TrimSuffix(opts.Prefix, "/")
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	h := &Handler{opts: opts, mux: http.NewServeMux(), log: opts.Logger, conns: map[*websocket.Conn]bool{}, sims: simulations{m: map[string]*simulation{}}}
	h.up = websocket.Upgrader{ReadBufferSize: 64 << 10, WriteBufferSize: 64 << 10, CheckOrigin: sameOrigin, EnableCompression: true}
	p := opts.Prefix
	h.mux.HandleFunc("GET "+p+"/{$}", h.page)
	h.mux.Handle("GET "+p+"/assets/", http.StripPrefix(p+"/assets/", assets(designerdist.FS)))
	h.mux.Handle("GET "+p+"/forms-assets/", http.StripPrefix(p+"/forms-assets/", assets(formsdist.FS)))
	h.mux.HandleFunc("GET "+p+"/ws", h.websocket)
	h.mux.HandleFunc("GET "+p+"/api/me", h.api(h.me))
	h.mux.HandleFunc("GET "+p+"/api/bundles", h.api(h.list))
	h.mux.HandleFunc("POST "+p+"/api/bundles", h.api(h.create))
	h.mux.HandleFunc("POST "+p+"/api/import", h.api(h.importFile))
	h.mux.HandleFunc("POST "+p+"/api/preview", h.api(h.preview))
	h.mux.HandleFunc("POST "+p+"/api/generate", h.api(h.generate))
	h.mux.HandleFunc("POST "+p+"/api/simulate", h.api(h.simulateStart))
	h.mux.HandleFunc("GET "+p+"/api/simulate/{sid}", h.api(h.simulateGet))
	h.mux.HandleFunc("POST "+p+"/api/simulate/{sid}/complete", h.api(h.simulateComplete))
	h.mux.HandleFunc("POST "+p+"/api/simulate/{sid}/services", h.api(h.simulateServices))
	h.mux.HandleFunc("POST "+p+"/api/simulate/{sid}/advance", h.api(h.simulateAdvance))
	h.mux.HandleFunc("GET "+p+"/api/bundles/{id}", h.api(h.get))
	h.mux.HandleFunc("GET "+p+"/api/bundles/{id}/revisions", h.api(h.revisions))
	h.mux.HandleFunc("GET "+p+"/api/bundles/{id}/revisions/{rev}", h.api(h.revision))
	h.mux.HandleFunc("GET "+p+"/api/bundles/{id}/compare", h.api(h.compare))
	h.mux.HandleFunc("GET "+p+"/api/bundles/{id}/export", h.export)
	h.mux.HandleFunc("POST "+p+"/api/bundles/{id}/save", h.api(h.save))
	h.mux.HandleFunc("POST "+p+"/api/bundles/{id}/rename", h.api(h.rename))
	h.mux.HandleFunc("POST "+p+"/api/bundles/{id}/duplicate", h.api(h.duplicate))
	h.mux.HandleFunc("POST "+p+"/api/bundles/{id}/restore", h.api(h.restore))
	h.mux.HandleFunc("POST "+p+"/api/bundles/{id}/deploy", h.api(h.deploy))
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "same-origin")
	h.mux.ServeHTTP(w, r)
}

// csp allows scripts only from this origin. Styles allow 'unsafe-inline'
// because diagram-js positions its overlays and the canvas with style
// attributes; frames only from this origin (the form preview).
const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'self'; base-uri 'none'; object-src 'none'"

func assets(fsys fs.FS) http.Handler {
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}

func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true // not a browser
	}
	i := strings.Index(origin, "://")
	return i >= 0 && strings.EqualFold(origin[i+3:], r.Host)
}

// apiError is the body of every error answer.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	// Detail carries structured data: the head revision of a conflict,
	// the diagnostics that block a deploy, the position of a parse error.
	Detail any `json:"detail,omitempty"`
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

type apiFunc func(w http.ResponseWriter, r *http.Request, id Identity) (any, error)

// api wraps a JSON endpoint: identify, CSRF guard, body limit, encoding,
// and one mapping from errors to statuses and catalogue messages.
func (h *Handler) api(fn apiFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := h.identify(w, r)
		if !ok {
			return
		}
		if r.Method != http.MethodGet && (r.Header.Get("X-Procedo-Designer") == "" || !sameOrigin(r)) {
			writeJSON(w, http.StatusForbidden, &apiError{Code: "csrf", Message: msg(r, "csrf")})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		out, err := fn(w, r, id)
		if err != nil {
			ae := h.toAPIError(r, err)
			writeJSON(w, ae.Status, ae)
			return
		}
		writeJSON(w, http.StatusOK, out)
	}
}

func (h *Handler) identify(w http.ResponseWriter, r *http.Request) (Identity, bool) {
	id, err := h.opts.Identify(r)
	switch {
	case err == nil && id.Tenant != "" && id.User != "":
		if id.Name == "" {
			id.Name = id.User
		}
		return id, true
	case err == nil, errors.Is(err, ErrUnauthenticated):
		writeJSON(w, http.StatusUnauthorized, &apiError{Code: "unauthorized", Message: msg(r, "unauthorized")})
	case errors.Is(err, ErrForbidden):
		writeJSON(w, http.StatusForbidden, &apiError{Code: "forbidden", Message: msg(r, "forbidden")})
	default:
		h.log.Error("designer: identify", "err", err, "path", r.URL.Path)
		writeJSON(w, http.StatusInternalServerError, &apiError{Code: "internal", Message: msg(r, "internal")})
	}
	return Identity{}, false
}

func (h *Handler) toAPIError(r *http.Request, err error) *apiError {
	var ae *apiError
	var ce *workspace.ConflictError
	var ie *workspace.InvalidError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &ce):
		return &apiError{Status: http.StatusConflict, Code: "conflict",
			Message: msg(r, "conflict", ce.Head.Author, ce.Head.Time.In(rome).Format("15:04 del 02/01/2006"), ce.Head.Rev), Detail: ce.Head}
	case errors.As(err, &ie):
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: msg(r, "invalid", ie.Field, ie.Msg), Detail: map[string]string{"field": ie.Field}}
	case errors.Is(err, workspace.ErrNotFound):
		return &apiError{Status: http.StatusNotFound, Code: "not-found", Message: msg(r, "not-found")}
	case errors.As(err, &mbe):
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "bad-request", Message: msg(r, "bad-request", fmt.Sprintf("more than %d bytes", mbe.Limit))}
	}
	h.log.Error("designer: request failed", "err", err, "path", r.URL.Path)
	return &apiError{Status: http.StatusInternalServerError, Code: "internal", Message: msg(r, "internal")}
}

var rome = func() *time.Location {
	l, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return time.UTC
	}
	return l
}()

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func badRequest(r *http.Request, format string, args ...any) error {
	return &apiError{Status: http.StatusBadRequest, Code: "bad-request", Message: msg(r, "bad-request", fmt.Sprintf(format, args...))}
}

func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return badRequest(r, "JSON: %v", err)
	}
	return nil
}

func (h *Handler) page(w http.ResponseWriter, r *http.Request) {
	id, ok := h.identify(w, r)
	if !ok {
		return
	}
	data, err := fs.ReadFile(designerdist.FS, "index.html")
	if err != nil {
		http.Error(w, msg(r, "internal"), http.StatusInternalServerError)
		return
	}
	// The page is static; the prefix and the user are read by the script
	// from data attributes, so no inline script is needed.
	page := strings.NewReplacer("{{prefix}}", htmlEscape(h.opts.Prefix), "{{user}}", htmlEscape(id.Name),
		"{{deploy}}", strconv.FormatBool(h.opts.Deploy != nil && id.Deploy)).Replace(string(data))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", csp)
	w.Header().Set("Cache-Control", "no-store")
	io.WriteString(w, page)
}

func htmlEscape(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (h *Handler) me(_ http.ResponseWriter, _ *http.Request, id Identity) (any, error) {
	return map[string]any{"user": id.User, "name": id.Name, "tenant": id.Tenant, "deploy": h.opts.Deploy != nil && id.Deploy}, nil
}

func (h *Handler) list(_ http.ResponseWriter, r *http.Request, id Identity) (any, error) {
	return h.opts.Store.List(r.Context(), id.Tenant)
}

// bundleView is a bundle with one of its revisions.
type bundleView struct {
	Bundle   *workspace.Bundle   `json:"bundle"`
	Revision *workspace.Revision `json:"revision"`
}

func (h *Handler) view(ctx context.Context, id Identity, bundle string, rev int) (*bundleView, error) {
	b, err := h.opts.Store.Bundle(ctx, id.Tenant, bundle)
	if err != nil {
		return nil, err
	}
	rv, err := h.opts.Store.Revision(ctx, id.Tenant, bundle, rev)
	if err != nil {
		return nil, err
	}
	return &bundleView{Bundle: b, Revision: rv}, nil
}

func (h *Handler) create(_ http.ResponseWriter, r *http.Request, id Identity) (any, error) {
	var in struct {
		Name    string          `json:"name"`
		Message string          `json:"message"`
		Files   workspace.Files `json:"files"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	if in.Files == nil {
		in.Files = workspace.Files{model.BundleFile: StarterBPMN}
	}
	if in.Message == "" {
		in.Message = msg(r, "create-message")
	}
	rev, err := h.opts.Store.Create(r.Context(), &workspace.CreateParams{Tenant: id.Tenant, Name: in.Name, Author: id.User, Message: in.Message, Files: in.Files})
	if err != nil {
		return nil, err
	}
	return h.view(r.Context(), id, rev.Bundle, rev.Rev)
}

func (h *Handler) get(_ http.ResponseWriter, r *http.Request, id Identity) (any, error) {
	return h.view(r.Context(), id, r.PathValue("id"), 0)
}

func (h *Handler) revisions(_ http.ResponseWriter, r *http.Request, id Identity) (any, error) {
	return h.opts.Store.Revisions(r.Context(), id.Tenant, r.PathValue("id"))
}

func revParam(r *http.Request, s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, badRequest(r, "revision %q", s)
	}
	return n, nil
}

func (h *Handler) revision(_ http.ResponseWriter, r *http.Request, id Identity) (any, error) {
	rev, err := revParam(r, r.PathValue("rev"))
	if err != nil {
		return nil, err
	}
	return h.opts.Store.Revision(r.Context(), id.Tenant, r.PathValue("id"), rev)
}

func (h *Handler) compare(_ http.ResponseWriter, r *http.Request, id Identity) (any, error) {
	a, err := revParam(r, r.URL.Query().Get("a"))
	if err != nil {
		return nil, err
	}
	b, err := revParam(r, r.URL.Query().Get("b"))
	if err != nil {
		return nil, err
	}
	ra, err := h.opts.Store.Revision(r.Context(), id.Tenant, r.PathValue("id"), a)
	if err != nil {
		return nil, err
	}
	rb, err := h.opts.Store.Revision(r.Context(), id.Tenant, r.PathValue("id"), b)
	if err != nil {
		return nil, err
	}
	return workspace.Compare(ra.Files, rb.Files), nil
}

func (h *Handler) save(_ http.ResponseWriter, r *http.Request, id Identity) (any, error) {
	var in struct {
		Base    int             `json:"base"`
		Message string          `json:"message"`
		Files   workspace.Files `json:"files"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	rev, err := h.opts.Store.Save(r.Context(), &workspace.SaveParams{Tenant: id.Tenant, Bundle: r.PathValue("id"), Base: in.Base,
		Author: id.User, Message: in.Message, Files: in.Files})
	if err != nil {
		return nil, err
	}
	h.log.Info("designer: saved", "tenant", id.Tenant, "bundle", rev.Bundle, "rev", rev.Rev, "user", id.User)
	return h.view(r.Context(), id, rev.Bundle, rev.Rev)
}

func (h *Handler) rename(_ http.ResponseWriter, r *http.Request, id Identity) (any, error) {
	var in struct {
		Name string `json:"name"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	if err := h.opts.Store.Rename(r.Context(), id.Tenant, r.PathValue("id"), in.Name); err != nil {
		return nil, err
	}
	return h.opts.Store.Bundle(r.Context(), id.Tenant, r.PathValue("id"))
}

func (h *Handler) duplicate(_ http.ResponseWriter, r *http.Request, id Identity) (any, error) {
	var in struct {
		Name string `json:"name"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	src, err := h.opts.Store.Bundle(r.Context(), id.Tenant, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	rev, err := h.opts.Store.Duplicate(r.Context(), id.Tenant, src.ID, in.Name, id.User, msg(r, "duplicate-message", src.Name, src.Head))
	if err != nil {
		return nil, err
	}
	return h.view(r.Context(), id, rev.Bundle, rev.Rev)
}

func (h *Handler) restore(_ http.ResponseWriter, r *http.Request, id Identity) (any, error) {
	var in struct {
		Rev  int `json:"rev"`
		Base int `json:"base"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	rev, err := h.opts.Store.Restore(r.Context(), &workspace.RestoreParams{Tenant: id.Tenant, Bundle: r.PathValue("id"), Rev: in.Rev, Base: in.Base,
		Author: id.User, Message: msg(r, "restore-message", in.Rev)})
	if err != nil {
		return nil, err
	}
	return h.view(r.Context(), id, rev.Bundle, rev.Rev)
}

func (h *Handler) deploy(_ http.ResponseWriter, r *http.Request, id Identity) (any, error) {
	if h.opts.Deploy == nil || !id.Deploy {
		return nil, &apiError{Status: http.StatusForbidden, Code: "deploy-unavailable", Message: msg(r, "deploy-unavailable")}
	}
	var in struct {
		Rev int `json:"rev"`
	}
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	v, err := h.view(r.Context(), id, r.PathValue("id"), in.Rev)
	if err != nil {
		return nil, err
	}
	res := LintFiles(v.Revision.Files)
	if n := res.Errors(); n > 0 {
		return nil, &apiError{Status: http.StatusUnprocessableEntity, Code: "deploy-lint", Message: msg(r, "deploy-lint", v.Revision.Rev, n), Detail: res.Diagnostics}
	}
	out, err := h.opts.Deploy(r.Context(), &Deployment{Tenant: id.Tenant, Bundle: v.Bundle.ID, Name: v.Bundle.Name, Rev: v.Revision.Rev, Author: id.User, Files: v.Revision.Files})
	if err != nil {
		h.log.Warn("designer: deploy failed", "tenant", id.Tenant, "bundle", v.Bundle.ID, "rev", v.Revision.Rev, "err", err)
		return nil, &apiError{Status: http.StatusBadGateway, Code: "deploy-failed", Message: msg(r, "deploy-failed", err.Error())}
	}
	h.log.Info("designer: deployed", "tenant", id.Tenant, "bundle", v.Bundle.ID, "rev", v.Revision.Rev, "version", out.Version, "user", id.User)
	return out, nil
}

// export answers a zip of one revision (the head by default): the bundle
// folder as `procedo lint` and `procedo gen` read it.
func (h *Handler) export(w http.ResponseWriter, r *http.Request) {
	id, ok := h.identify(w, r)
	if !ok {
		return
	}
	rev := 0
	if s := r.URL.Query().Get("rev"); s != "" {
		n, err := revParam(r, s)
		if err != nil {
			ae := h.toAPIError(r, err)
			writeJSON(w, ae.Status, ae)
			return
		}
		rev = n
	}
	v, err := h.view(r.Context(), id, r.PathValue("id"), rev)
	if err != nil {
		ae := h.toAPIError(r, err)
		writeJSON(w, ae.Status, ae)
		return
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range v.Revision.Files.Paths() {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: p, Method: zip.Deflate, Modified: v.Revision.Time})
		if err == nil {
			_, err = io.WriteString(f, v.Revision.Files[p])
		}
		if err != nil {
			ae := h.toAPIError(r, err)
			writeJSON(w, ae.Status, ae)
			return
		}
	}
	zw.Close()
	name := fmt.Sprintf("%s-r%d.zip", slug(v.Bundle.Name), v.Revision.Rev)
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Write(buf.Bytes())
}

func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), "-")
	if out == "" {
		return "procedura"
	}
	return out
}

// importFile reads a .bpmn file or a bundle .zip (the body; the file name
// in the query) and answers its files, parsed by the Go BPMN parser. A file
// that does not parse is a 422 whose detail carries the parser's
// diagnostics with their lines: the designer shows them and keeps the
// diagram it has.
func (h *Handler) importFile(_ http.ResponseWriter, r *http.Request, _ Identity) (any, error) {
	name := path.Base(r.URL.Query().Get("filename"))
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &apiError{Status: http.StatusUnprocessableEntity, Code: "import-empty", Message: msg(r, "import-empty")}
	}
	var files workspace.Files
	switch strings.ToLower(path.Ext(name)) {
	case ".bpmn", ".xml":
		files = workspace.Files{model.BundleFile: string(data)}
	case ".zip":
		files, err = unzipBundle(data)
		if err != nil {
			return nil, &apiError{Status: http.StatusUnprocessableEntity, Code: "import-unreadable", Message: msg(r, "import-unreadable", name, err.Error())}
		}
		if _, ok := files[model.BundleFile]; !ok {
			return nil, &apiError{Status: http.StatusUnprocessableEntity, Code: "import-no-bpmn", Message: msg(r, "import-no-bpmn")}
		}
	default:
		return nil, &apiError{Status: http.StatusUnprocessableEntity, Code: "import-kind", Message: msg(r, "import-kind")}
	}
	// Only a document the parser cannot build stops the import; recoverable
	// problems (duplicate ids, dangling references) are lint's to report.
	if defs, err := bpmn.ParseBytes(name, []byte(files[model.BundleFile])); defs == nil {
		ds := parseDiagnostics(err)
		for i := range ds {
			ds[i].File = name
		}
		return nil, &apiError{Status: http.StatusUnprocessableEntity, Code: "import-unreadable",
			Message: msg(r, "import-unreadable", name, ds[0].String()), Detail: ds}
	}
	if err := checkImported(files); err != nil {
		return nil, err
	}
	return map[string]any{"files": files}, nil
}

func checkImported(files workspace.Files) error {
	for _, p := range files.Paths() {
		if !workspace.ValidPath(p) {
			return &workspace.InvalidError{Field: p, Msg: "not a file of a bundle"}
		}
	}
	return nil
}

func unzipBundle(data []byte) (workspace.Files, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	if len(zr.File) > workspace.MaxFiles {
		return nil, fmt.Errorf("%d files, at most %d", len(zr.File), workspace.MaxFiles)
	}
	// A bundle zipped with its folder has every path under one directory.
	prefix := ""
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/"+model.BundleFile) && strings.Count(f.Name, "/") == 1 {
			prefix = strings.TrimSuffix(f.Name, model.BundleFile)
		}
	}
	files := workspace.Files{}
	total := int64(0)
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		p := strings.TrimPrefix(f.Name, prefix)
		if !workspace.ValidPath(p) {
			continue // other files of a folder (README, .git) are not part of the bundle
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, workspace.MaxBundleBytes-total+1))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		total += int64(len(b))
		if total > workspace.MaxBundleBytes {
			return nil, fmt.Errorf("more than %d bytes uncompressed", workspace.MaxBundleBytes)
		}
		files[p] = string(b)
	}
	return files, nil
}

// lintReport is the JSON of a lint answer.
type lintReport struct {
	Type        string            `json:"type"`
	Seq         int64             `json:"seq"`
	Diagnostics []lint.Diagnostic `json:"diagnostics"`
	Unreadable  bool              `json:"unreadable"`
	Errors      int               `json:"errors"`
	Warnings    int               `json:"warnings"`
	Micros      int64             `json:"micros"`
}
