package site

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"sort"
	"strings"

	"github.com/procedo/procedo/designer/workspace"
	"github.com/procedo/procedo/runtime/insight"
	ztlaccess "github.com/procedo/procedo/templates/ztl-access"
	"github.com/procedo/procedo/web/auth"
	"github.com/procedo/procedo/web/dashboard"
	designerweb "github.com/procedo/procedo/web/designer"
	"github.com/procedo/procedo/web/server"
)

// openWorkspace opens the designer's bundles and revisions next to the
// runtime store: designer.db in the data folder, or the same PostgreSQL
// database and schema.
func openWorkspace(ctx context.Context, opts Options) (*workspace.Store, error) {
	if opts.DatabaseURL == "" {
		return workspace.OpenSQLite(ctx, filepath.Join(opts.DataDir, "designer.db"))
	}
	dbURL := opts.DatabaseURL
	if opts.Schema != "" {
		u, err := url.Parse(dbURL)
		if err != nil {
			return nil, err
		}
		q := u.Query()
		q.Set("search_path", opts.Schema)
		u.RawQuery = q.Encode()
		dbURL = u.String()
	}
	return workspace.OpenPostgres(ctx, dbURL)
}

// mounts builds the handlers served beside the portal, the desk and the
// API: the designer (analysts), the dashboard (admins, who in a body also
// act as the anti-corruption officer until that role exists) and the
// Prometheus metrics (admins, or a scraper on the same host).
func (s *Site) mounts(dir auth.Directory) ([]server.Mount, error) {
	designer := designerweb.New(designerweb.Options{
		Store:  s.Workspace,
		Prefix: "/designer",
		Logger: s.log,
		Identify: func(r *http.Request) (designerweb.Identity, error) {
			u := server.User(r)
			if u == nil {
				return designerweb.Identity{}, designerweb.ErrUnauthenticated
			}
			if !u.Has(auth.Analyst) && !u.Has(auth.Developer) && !u.Has(auth.Admin) {
				return designerweb.Identity{}, designerweb.ErrForbidden
			}
			return designerweb.Identity{Tenant: u.Body, User: u.ID, Name: u.Name, Deploy: u.Has(auth.Analyst) || u.Has(auth.Admin)}, nil
		},
		Deploy: func(ctx context.Context, d *designerweb.Deployment) (*designerweb.DeployResult, error) {
			bundle, err := zipFiles(d.Files)
			if err != nil {
				return nil, err
			}
			deps, err := s.Server.DeployBundle(ctx, &auth.User{ID: d.Author, Body: d.Tenant}, bundle)
			if err != nil {
				return nil, err
			}
			if len(deps) == 0 {
				return nil, errors.New("the bundle has no executable process")
			}
			var versions []string
			for _, dep := range deps {
				versions = append(versions, dep.Hash)
			}
			return &designerweb.DeployResult{Version: strings.Join(versions, ", ")}, nil
		},
	})

	board, err := dashboard.New(dashboard.Options{
		Index:  s.Insight,
		Store:  s.Store,
		Prefix: "/dashboard",
		Logger: s.log,
		Body: func(r *http.Request) (string, error) {
			if u := server.User(r); u != nil {
				return u.Body, nil
			}
			return "", errors.New("not authenticated")
		},
		Authorize: func(r *http.Request) bool { return server.User(r).Has(auth.Admin) },
	})
	if err != nil {
		return nil, err
	}

	scrape := s.Metrics.Handler(func(r *http.Request) bool {
		if server.User(r).Has(auth.Admin) {
			return true
		}
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		ip := net.ParseIP(host)
		return err == nil && ip != nil && ip.IsLoopback()
	})

	return []server.Mount{
		{Pattern: "/designer/", Handler: loginFirst(designer)},
		{Pattern: "/dashboard/", Handler: loginFirst(board)},
		{Pattern: "GET /metrics", Handler: scrape},
	}, nil
}

// loginFirst sends an anonymous browser to the login page before a
// handler that needs a user; other requests reach the handler, which
// answers 401 itself.
func loginFirst(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if server.User(r) == nil && r.Method == http.MethodGet && strings.Contains(r.Header.Get("Accept"), "text/html") {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// zipFiles packs a designer revision as the bundle archive the runtime
// stores with a deployment, files sorted so the same revision gives the
// same bytes.
func zipFiles(files workspace.Files) ([]byte, error) {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(files[name])); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ztlInsight is what the indicators need to know of the ZTL procedure
// beyond its history: the review both instructs and decides (so the
// segregation-of-duties flag RF01 does not apply), the outcome and the
// checklist.
func ztlInsight() insight.Procedure {
	return insight.Procedure{
		Key:      ztlaccess.ProcessKey,
		Name:     "Permesso di accesso alla ZTL",
		Term:     "P30D",
		Decision: []string{"Istruttoria"},
		Outcome:  "esito.decisione",
		Approved: []string{"accolta"},
		Checklists: []insight.Checklist{{
			Element: "Istruttoria", Field: "checklist",
			Items: ztlChecklistItems(),
		}},
	}
}

// bodyIDs lists the bodies of the directory, for the metrics gauges.
func bodyIDs(dir auth.Directory) func() []string {
	return func() []string {
		var ids []string
		for _, b := range dir.Bodies() {
			ids = append(ids, b.ID)
		}
		return ids
	}
}

// ztlChecklistItems reads the items of the ZTL checklist, in the order
// of its schema (forms/checklist.schema.json, /properties/checklist), so
// the dashboard lists them as the official answers them.
func ztlChecklistItems() []string {
	data, err := ztlaccess.Bundle.ReadFile("forms/checklist.schema.json")
	if err != nil {
		return nil
	}
	return propertyOrder(data, "checklist")
}

// propertyOrder returns the property names of the object schema at
// /properties/<field>/properties of a JSON Schema, in document order.
func propertyOrder(schema []byte, field string) []string {
	var root struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if json.Unmarshal(schema, &root) != nil {
		return nil
	}
	var sub struct {
		Properties json.RawMessage `json:"properties"`
	}
	if json.Unmarshal(root.Properties[field], &sub) != nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(sub.Properties))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var names []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return names
		}
		names = append(names, t.(string))
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return names
		}
	}
	return names
}

// seedWorkspace gives every body that has no bundle yet the catalogue's
// procedures as a first revision, so an analyst opening the designer
// starts from the procedure the portal runs.
func (s *Site) seedWorkspace(ctx context.Context, dir auth.Directory) error {
	files := workspace.Files{}
	err := fs.WalkDir(ztlaccess.Bundle, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if p != "process.bpmn" && !strings.HasPrefix(p, "forms/") && !strings.HasPrefix(p, "scenarios/") {
			return nil
		}
		data, err := ztlaccess.Bundle.ReadFile(p)
		files[p] = string(data)
		return err
	})
	if err != nil {
		return err
	}
	for _, b := range dir.Bodies() {
		have, err := s.Workspace.List(ctx, b.ID)
		if err != nil {
			return err
		}
		if len(have) > 0 {
			continue
		}
		if _, err := s.Workspace.Create(ctx, &workspace.CreateParams{Tenant: b.ID, Name: "Permesso di accesso alla ZTL",
			Author: "procedo", Message: "Procedura del catalogo (templates/ztl-access)", Files: files}); err != nil {
			return fmt.Errorf("designer workspace of %s: %w", b.ID, err)
		}
	}
	return nil
}
