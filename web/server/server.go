package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/procedo/procedo/forms"
	"github.com/procedo/procedo/forms/render"
	"github.com/procedo/procedo/forms/submit"
	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/web/auth"
	"github.com/procedo/procedo/web/i18n"
	"github.com/procedo/procedo/web/webdb"
)

// Procedure is a procedure the server offers: its definition, its forms
// and what the portal says about it (art. 35 d.lgs. 33/2013).
type Procedure struct {
	Key        string // BPMN process id
	Definition *runtime.Definition
	Bundle     []byte // stored with the deployment
	StartForm  string
	Forms      map[string]*forms.Form
	Checklists map[string]string // user task id → checklist form
	Phases     map[string]string // element id → citizen-facing phase
	Info       ServiceInfo
	// Message, when set, returns the message the applicant reads after an
	// official completes a task (e.g. the request for integration), or "".
	Message func(element string, payload map[string]any) string
}

// ServiceInfo are the fields a service page must publish (art. 35 c. 1
// d.lgs. 33/2013): what the procedure is, who may apply, the documents
// needed, the term, the responsible office, the costs.
type ServiceInfo struct {
	Title     string
	What      string
	Who       string
	Documents []string
	TermDays  int
	Office    string
	Costs     string
}

// Config is what the server needs. Engine, DB, Directory and Key are
// required.
type Config struct {
	Engine     *runtime.Engine
	DB         *webdb.DB
	Directory  auth.Directory
	Procedures []*Procedure
	// Key signs sessions, CSRF tokens and drafts (at least 32 bytes; the
	// same on every node).
	Key []byte
	// DevLogin enables the development login page with demo users.
	DevLogin bool
	// SecureCookies sets Secure on cookies (off only for plain-HTTP
	// development on localhost).
	SecureCookies bool
	Logger        *slog.Logger
	// Limits of form posts (uploads included).
	Limits submit.Limits
	// MaxJSON bounds an API request body (default 1 MiB).
	MaxJSON int64
	// MaxUpload bounds an uploaded document (default 10 MiB).
	MaxUpload int64
	Now       func() time.Time
	// Load builds the in-memory definitions of a bundle archive (zip),
	// for POST /api/v1/deployments; nil disables deployment of bundles
	// this binary does not carry.
	Load func(bundle []byte) ([]*runtime.Definition, error)
	// Mounts are further handlers (designer, dashboard, metrics) served
	// behind the same middleware: request id, identity (see User), logs.
	// Each authorises its requests itself.
	Mounts []Mount
}

// Mount is a handler served at a pattern of http.ServeMux.
type Mount struct {
	Pattern string
	Handler http.Handler
}

// Server serves the portal, the desk, the API and the websocket feed.
type Server struct {
	cfg      Config
	log      *slog.Logger
	sessions *auth.Sessions
	csrf     *submit.CSRF
	drafts   *submit.Drafts
	procs    map[string]*Procedure
	order    []*Procedure
	mux      *http.ServeMux
	hub      *hub

	flowMu sync.Mutex
	flows  map[[2]string]http.Handler // (body, process) → form flow
	rends  map[[2]string]*render.Renderer
}

// New checks cfg and builds the server.
func New(cfg Config) (*Server, error) {
	if cfg.Engine == nil || cfg.DB == nil || cfg.Directory == nil {
		return nil, errors.New("server: Engine, DB and Directory are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxJSON <= 0 {
		cfg.MaxJSON = 1 << 20
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = 10 << 20
	}
	sessions, err := auth.NewSessions(cfg.Key, cfg.SecureCookies)
	if err != nil {
		return nil, err
	}
	csrf, err := submit.NewCSRF(derive(cfg.Key, "csrf"), 8*time.Hour)
	if err != nil {
		return nil, err
	}
	drafts, err := submit.NewDrafts(derive(cfg.Key, "drafts"), 0)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Logger, sessions: sessions, csrf: csrf, drafts: drafts, procs: map[string]*Procedure{},
		flows: map[[2]string]http.Handler{}, rends: map[[2]string]*render.Renderer{}}
	for _, p := range cfg.Procedures {
		if p.Definition == nil || p.Forms[p.StartForm] == nil {
			return nil, fmt.Errorf("server: procedure %s: definition and start form %q are required", p.Key, p.StartForm)
		}
		s.procs[p.Key] = p
		s.order = append(s.order, p)
	}
	s.hub = newHub(s)
	s.routes()
	return s, nil
}

// Deploy deploys every procedure of the server in every body of the
// directory (a no-op for a version already deployed).
func (s *Server) Deploy(ctx context.Context) error {
	for _, b := range s.cfg.Directory.Bodies() {
		for _, p := range s.order {
			dep, err := s.cfg.Engine.Deploy(ctx, &runtime.DeployParams{Body: b.ID, Definition: p.Definition, Bundle: p.Bundle, Actor: "system"})
			if err != nil {
				return fmt.Errorf("deploying %s in %s: %w", p.Key, b.ID, err)
			}
			s.log.Info("procedure deployed", "body", b.ID, "process", p.Key, "version", dep.Version, "hash", dep.Hash[:12])
		}
	}
	return nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Close stops the websocket feed.
func (s *Server) Close() { s.hub.close() }

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// lang of a request: Italian unless the browser prefers English first.
func lang(r *http.Request) i18n.Lang {
	if al := r.Header.Get("Accept-Language"); len(al) >= 2 && al[:2] == "en" {
		return i18n.EN
	}
	return i18n.IT
}
