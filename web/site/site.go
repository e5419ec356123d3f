// Package site assembles a running Procedo installation from its parts:
// the runtime store (SQLite in a data folder, or PostgreSQL), the web
// database, the engine with the service implementations of the carried
// procedures, the identity directory and the web server. procedo serve and
// the end-to-end tests use it, so that what is tested is what runs.
package site

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/procedo/procedo/codegen"
	"github.com/procedo/procedo/designer/workspace"
	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/insight"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/runtime/store/storepg"
	"github.com/procedo/procedo/runtime/store/storesqlite"
	ztlaccess "github.com/procedo/procedo/templates/ztl-access"
	"github.com/procedo/procedo/web/auth"
	"github.com/procedo/procedo/web/i18n"
	"github.com/procedo/procedo/web/metrics"
	"github.com/procedo/procedo/web/server"
	"github.com/procedo/procedo/web/webdb"
)

// Options configure a site. The zero value is a development site on
// ./procedo-data.
type Options struct {
	DataDir     string // SQLite store, web.db and the secret key; default ./procedo-data
	DatabaseURL string // PostgreSQL; empty: SQLite in DataDir
	Schema      string // PostgreSQL schema (created); empty: the URL's search_path
	// Key signs sessions and CSRF tokens; empty: read from (or created in)
	// DataDir/secret.key. Nodes sharing a PostgreSQL database must share it.
	Key           []byte
	DevLogin      bool
	SecureCookies bool
	Logger        *slog.Logger
	Clock         runtime.Clock
	// Workers is how many RunJobs loops the site starts (default 1); each
	// keeps runtime.Options.Runners batches in flight.
	Workers int
	// Committers is storepg.Options.Committers: default 1 here (the
	// portal's many small commits on few cores), 4 in storepg.
	Committers int
	// Registry is the simulated vehicle registry; default DemoRegistry.
	Registry *ztlaccess.Registry
}

// Site is a running installation.
type Site struct {
	Engine *runtime.Engine
	Store  store.Store
	DB     *webdb.DB
	Server *server.Server
	// Workspace keeps the designer's bundles and revisions.
	Workspace *workspace.Store
	// Insight is the index of the dashboard's indicators.
	Insight *insight.Index
	// Metrics observes the engine and serves /metrics.
	Metrics *metrics.Metrics
	log     *slog.Logger
	opts    Options

	wg     sync.WaitGroup
	cancel context.CancelFunc
}

// Open opens the stores, applies the migrations, builds the engine and the
// server, and deploys the carried procedures in every body.
func Open(ctx context.Context, opts Options) (*Site, error) {
	if opts.DataDir == "" {
		opts.DataDir = "./procedo-data"
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Clock == nil {
		opts.Clock = runtime.SystemClock
	}
	if opts.Workers <= 0 {
		opts.Workers = 1
	}
	if opts.Committers <= 0 {
		opts.Committers = 1
	}
	if opts.Registry == nil {
		opts.Registry = ztlaccess.DemoRegistry()
	}
	key := opts.Key
	if len(key) == 0 {
		var err error
		if key, err = loadKey(opts.DataDir); err != nil {
			return nil, err
		}
	}
	s := &Site{log: opts.Logger, opts: opts}
	var err error
	if opts.DatabaseURL != "" {
		s.Store, err = storepg.Open(ctx, opts.DatabaseURL, &storepg.Options{Schema: opts.Schema, CreateSchema: opts.Schema != "", Committers: opts.Committers})
		if err == nil {
			s.DB, err = webdb.OpenPostgres(ctx, opts.DatabaseURL, opts.Schema)
		}
	} else {
		s.Store, err = storesqlite.Open(ctx, opts.DataDir, nil)
		if err == nil {
			s.DB, err = webdb.OpenSQLite(ctx, opts.DataDir)
		}
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	if s.Workspace, err = openWorkspace(ctx, opts); err != nil {
		s.Close()
		return nil, err
	}
	dir := auth.DemoDirectory()
	s.Metrics = metrics.New(s.Store, metrics.Options{Bodies: bodyIDs(dir), Logger: opts.Logger})
	s.Insight = insight.New(s.Store, insight.Options{Procedures: []insight.Procedure{ztlInsight()}, Now: opts.Clock.Now})
	svc := &ztlaccess.Services{Registry: opts.Registry, Now: opts.Clock.Now, BodyName: func(b string) string { return auth.BodyName(dir, b) }}
	s.Engine, err = runtime.New(runtime.Options{Store: s.Store, Clock: opts.Clock, Logger: opts.Logger, Handlers: svc.Handlers(), Resolver: codegen.Resolver(), Observer: s.Metrics})
	if err != nil {
		s.Close()
		return nil, err
	}
	svc.AddDoc = func(ctx context.Context, body, id, name, mt string, content []byte) error {
		// A retried job must not add a second permit.
		if _, err := s.Store.GetDocument(ctx, &store.GetDocumentParams{Body: body, InstanceID: id, Name: name}); err == nil {
			return nil
		}
		_, err := s.Engine.AddDocument(ctx, &runtime.AddDocumentParams{Body: body, InstanceID: id, Name: name, MediaType: mt, Content: content, Actor: "system"})
		return err
	}
	ztl, err := ZTL()
	if err != nil {
		s.Close()
		return nil, err
	}
	if err := s.seedWorkspace(ctx, dir); err != nil {
		s.Close()
		return nil, err
	}
	mounts, err := s.mounts(dir)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.Server, err = server.New(server.Config{Engine: s.Engine, DB: s.DB, Directory: dir, Procedures: []*server.Procedure{ztl}, Key: key,
		DevLogin: opts.DevLogin, SecureCookies: opts.SecureCookies, Logger: opts.Logger, Now: opts.Clock.Now, Load: codegen.LoadZip,
		Mounts: mounts})
	if err != nil {
		s.Close()
		return nil, err
	}
	if err := s.Server.Deploy(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// ZTL is the "Permesso di accesso alla ZTL" procedure of the templates
// catalogue, as the server offers it: its generated definition and forms.
func ZTL() (*server.Procedure, error) {
	def, err := ztlaccess.Definition()
	if err != nil {
		return nil, err
	}
	fs, err := ztlaccess.Forms()
	if err != nil {
		return nil, err
	}
	bundle, err := ztlaccess.BundleZip()
	if err != nil {
		return nil, err
	}
	return &server.Procedure{
		Key: ztlaccess.ProcessKey, Definition: def, Bundle: bundle, StartForm: "domanda", Forms: fs, Checklists: ztlaccess.Checklists, Phases: ztlaccess.Phases,
		Info: server.ServiceInfo{
			Title: "Permesso di accesso alla ZTL",
			What:  "Il permesso consente al veicolo indicato di entrare nella Zona a Traffico Limitato per un anno, nelle fasce orarie previste.",
			Who:   "Residenti e dimoranti nella ZTL, lavoratori con sede nella ZTL, chi assiste persone con disabilità.",
			Documents: []string{"Carta di circolazione del veicolo (PDF, JPEG o PNG)",
				"Documentazione del titolo (contratto di lavoro, contrassegno disabili) se l'ufficio la richiede"},
			TermDays: 30,
			Office:   "Polizia Locale — Ufficio permessi",
			Costs:    "Imposta di bollo di 16,00 euro; nessun diritto di istruttoria.",
		},
		Message: func(element string, payload map[string]any) string {
			if element != "Istruttoria" {
				return ""
			}
			esito, _ := payload["esito"].(map[string]any)
			dec, _ := esito["decisione"].(string)
			mot, _ := esito["motivazione"].(string)
			switch dec {
			case "integrazione":
				return i18n.T(i18n.IT, "message.integration", mot)
			case "accolta", "respinta":
				return i18n.T(i18n.IT, "message.outcome", dec+" — "+mot)
			}
			return ""
		},
	}, nil
}

// Handler is the HTTP handler of the site.
func (s *Site) Handler() http.Handler { return s.Server }

// Start starts the engine's job runners.
func (s *Site) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	for range s.opts.Workers {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := s.Engine.RunJobs(ctx); err != nil {
				s.log.Error("job runner stopped", "err", err)
			}
		}()
	}
}

// Close stops the job runners (a handler in flight finishes and its step
// is committed; jobs leased but not started are released at once for
// another node, see runtime.Engine.RunJobs) and closes the stores.
func (s *Site) Close() error {
	if s.cancel != nil {
		s.cancel()
		s.wg.Wait()
	}
	if s.Server != nil {
		s.Server.Close()
	}
	var errs []error
	if s.DB != nil {
		errs = append(errs, s.DB.Close())
	}
	if s.Workspace != nil {
		errs = append(errs, s.Workspace.Close())
	}
	if s.Store != nil {
		errs = append(errs, s.Store.Close())
	}
	return errors.Join(errs...)
}

// loadKey reads the secret key of the data folder, creating it on first
// use (0600). PROCEDO_SECRET_KEY (hex) wins when set.
func loadKey(dir string) ([]byte, error) {
	if hx := strings.TrimSpace(os.Getenv("PROCEDO_SECRET_KEY")); hx != "" {
		k, err := hex.DecodeString(hx)
		if err != nil || len(k) < 32 {
			return nil, errors.New("PROCEDO_SECRET_KEY must be at least 64 hex digits")
		}
		return k, nil
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	p := filepath.Join(dir, "secret.key")
	if data, err := os.ReadFile(p); err == nil {
		k, err := hex.DecodeString(strings.TrimSpace(string(data)))
		if err != nil || len(k) < 32 {
			return nil, fmt.Errorf("%s: not a 32-byte hex key", p)
		}
		return k, nil
	}
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	if err := os.WriteFile(p, []byte(hex.EncodeToString(k)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	return k, nil
}
