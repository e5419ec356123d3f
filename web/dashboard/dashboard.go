// Package dashboard serves the indicators dashboard (/dashboard/) for
// managers and the anti-corruption officer: filters, cards, charts, the
// BPMN diagram with a heatmap overlay drawn by the bpmn-js viewer,
// drill-down to the cases behind every figure, CSV and XES exports, and
// live refresh over a websocket. The figures come from runtime/insight.
//
// The page is rendered on the server with every figure in it (it works
// without JavaScript); web/dist/dashboard's script adds the charts, the
// diagram, the drill-down and the live refresh.
//
//	h, err := dashboard.New(dashboard.Options{Index: idx, Store: st, Body: bodyOf, Authorize: canReadIndicators})
//	mux.Handle("/dashboard/", h)
package dashboard

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/procedo/procedo/runtime/insight"
	"github.com/procedo/procedo/runtime/store"
	dashboarddist "github.com/procedo/procedo/web/dist/dashboard"
)

// Options configure the dashboard. Index and Store are required; the zero
// value of every other field means a default.
type Options struct {
	Index *insight.Index
	Store store.Store // deployments and their diagrams
	// Prefix is the path the handler is mounted at (default "/dashboard").
	Prefix string
	// Body returns the body (ente) whose figures the request may see
	// (default: "default").
	Body func(*http.Request) (string, error)
	// Authorize decides whether the request may read the dashboard
	// (managers, the anti-corruption officer); nil allows every request
	// that reached the handler.
	Authorize func(*http.Request) bool
	// Diagram returns the BPMN XML of a deployment (default: the bundle
	// itself when it is BPMN XML, or the first .bpmn file of a zip bundle).
	Diagram func(ctx context.Context, d *store.Deployment) ([]byte, error)
	// Live is how often a websocket client's figures are recomputed and
	// pushed when they changed (default 2 s).
	Live time.Duration
	// PageMaxAge: the page is served from the last report of its filter
	// when younger than this (default 5 min), recomputed in the background
	// (insight.Index.Latest); the live refresh brings the page up to date.
	// A page over a million events then never waits for the aggregation.
	PageMaxAge time.Duration
	Logger     *slog.Logger
	// Lang of the page (default "it").
	Lang string
}

// Handler serves the dashboard.
type Handler struct {
	opts   Options
	mux    *http.ServeMux
	page   *template.Template
	assets http.Handler
	up     websocket.Upgrader
}

// New returns the dashboard handler.
func New(opts Options) (*Handler, error) {
	if opts.Index == nil || opts.Store == nil {
		return nil, errors.New("dashboard: Index and Store are required")
	}
	if opts.Prefix == "" {
		opts.Prefix = "/dashboard"
	}
	opts.Prefix = strings.TrimSuffix(opts.Prefix, "/")
	if opts.Body == nil {
		opts.Body = func(*http.Request) (string, error) { return "default", nil }
	}
	if opts.Diagram == nil {
		opts.Diagram = bundleDiagram
	}
	if opts.Live <= 0 {
		opts.Live = 2 * time.Second
	}
	if opts.PageMaxAge <= 0 {
		opts.PageMaxAge = 5 * time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Lang == "" {
		opts.Lang = "it"
	}
	h := &Handler{opts: opts, mux: http.NewServeMux()}
	var err error
	h.page, err = template.New("page").Funcs(h.funcs()).Parse(pageTemplate)
	if err != nil {
		return nil, err
	}
	h.assets = http.StripPrefix(opts.Prefix+"/assets/", http.FileServerFS(dashboarddist.FS))
	p := opts.Prefix
	h.mux.HandleFunc("GET "+p+"/{$}", h.servePage)
	h.mux.HandleFunc("GET "+p+"/api/report", h.serveReport)
	h.mux.HandleFunc("GET "+p+"/api/cases", h.serveCases)
	h.mux.HandleFunc("GET "+p+"/api/diagram", h.serveDiagram)
	h.mux.HandleFunc("GET "+p+"/export.csv", h.serveCSV)
	h.mux.HandleFunc("GET "+p+"/export.xes", h.serveXES)
	h.mux.HandleFunc("GET "+p+"/ws", h.serveWS)
	h.mux.Handle("GET "+p+"/assets/", h.assets)
	return h, nil
}

// ServeHTTP implements http.Handler: every request is authorised first.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.opts.Authorize != nil && !h.opts.Authorize(r) {
		http.Error(w, text(h.opts.Lang, "forbidden"), http.StatusForbidden)
		return
	}
	// bpmn-js and Chart.js set style attributes from script: style-src
	// needs 'unsafe-inline'; the bpmn-js styles carry a font as a data:
	// URL. Scripts stay strictly same-origin.
	w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "same-origin")
	h.mux.ServeHTTP(w, r)
}

// filterError is a bad filter parameter, named.
type filterError struct{ param, value, why string }

func (e *filterError) Error() string {
	return fmt.Sprintf("parameter %s=%q: %s", e.param, e.value, e.why)
}

var rome = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// filter reads the filter of a request: procedure, version, from, to
// (dates YYYY-MM-DD in Europe/Rome, to included), office.
func (h *Handler) filter(r *http.Request) (insight.Filter, error) {
	body, err := h.opts.Body(r)
	if err != nil {
		return insight.Filter{}, err
	}
	q := r.URL.Query()
	f := insight.Filter{Body: body, Procedure: q.Get("procedure"), Office: q.Get("office")}
	if v := q.Get("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return f, &filterError{"version", v, "not a version number"}
		}
		f.Version = n
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
		next bool
	}{{"from", &f.From, false}, {"to", &f.To, true}} {
		v := q.Get(p.name)
		if v == "" {
			continue
		}
		d, err := time.ParseInLocation(time.DateOnly, v, rome)
		if err != nil {
			return f, &filterError{p.name, v, "not a date (YYYY-MM-DD)"}
		}
		if p.next {
			d = d.AddDate(0, 0, 1)
		}
		*p.dst = d
	}
	return f, nil
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var fe *filterError
	if errors.As(err, &fe) {
		http.Error(w, text(h.opts.Lang, "error.filter")+": "+fe.Error(), http.StatusBadRequest)
		return
	}
	if errors.Is(err, store.ErrNotFound) {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	h.opts.Logger.ErrorContext(r.Context(), "dashboard", "path", r.URL.Path, "err", err)
	http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
}

// payload is the JSON of /api/report and of the websocket.
type payload struct {
	*insight.Report
	Heatmap []insight.ElementFigures `json:"heatmap"`
	Rules   []insight.Rule           `json:"rules"`
}

func (h *Handler) report(ctx context.Context, f insight.Filter) (*payload, error) {
	rep, err := h.opts.Index.Report(ctx, f)
	if err != nil {
		return nil, err
	}
	return &payload{Report: rep, Heatmap: rep.Heatmap(), Rules: insight.Rules(h.opts.Lang)}, nil
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(v)
}

func (h *Handler) serveReport(w http.ResponseWriter, r *http.Request) {
	f, err := h.filter(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.report(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, p)
}

// maxDrill bounds a drill-down list.
const maxDrill = 500

func (h *Handler) serveCases(w http.ResponseWriter, r *http.Request) {
	f, err := h.filter(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	key := r.URL.Query().Get("key")
	if key == "" {
		h.fail(w, r, &filterError{"key", key, "a drill key is required"})
		return
	}
	rep, err := h.opts.Index.Report(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ids := rep.Drill[key]
	total := len(ids)
	if len(ids) > maxDrill {
		ids = ids[:maxDrill]
	}
	var flags []insight.Flag
	if rule, ok := strings.CutPrefix(key, "flag:"); ok {
		for _, fl := range rep.Flags {
			if fl.Rule == rule {
				flags = append(flags, fl)
			}
		}
	}
	writeJSON(w, map[string]any{"key": key, "total": total, "cases": h.opts.Index.Summaries(f.Body, ids), "flags": flags})
}

func (h *Handler) serveDiagram(w http.ResponseWriter, r *http.Request) {
	f, err := h.filter(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if f.Procedure == "" {
		h.fail(w, r, &filterError{"procedure", "", "the diagram is of one procedure"})
		return
	}
	d, err := h.opts.Store.GetDeployment(r.Context(), &store.GetDeploymentParams{Body: f.Body, ProcessKey: f.Procedure, Version: f.Version})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	xml, err := h.opts.Diagram(r.Context(), d)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, _ = w.Write(xml)
}

// bundleDiagram finds the BPMN XML of a deployment in its bundle.
func bundleDiagram(_ context.Context, d *store.Deployment) ([]byte, error) {
	b := bytes.TrimSpace(d.Bundle)
	if bytes.HasPrefix(b, []byte("<")) {
		return d.Bundle, nil
	}
	zr, err := zip.NewReader(bytes.NewReader(d.Bundle), int64(len(d.Bundle)))
	if err != nil {
		return nil, fmt.Errorf("deployment %s v%d: the bundle is neither BPMN XML nor a zip: %w", d.ProcessKey, d.Version, err)
	}
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, ".bpmn") {
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			defer rc.Close()
			return io.ReadAll(io.LimitReader(rc, 16<<20))
		}
	}
	return nil, fmt.Errorf("deployment %s v%d: no .bpmn file in the bundle: %w", d.ProcessKey, d.Version, store.ErrNotFound)
}

func (h *Handler) serveCSV(w http.ResponseWriter, r *http.Request) {
	f, err := h.filter(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rep, err := h.opts.Index.Report(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+exportName(f)+`.csv"`)
	_ = rep.WriteCSV(w)
}

func (h *Handler) serveXES(w http.ResponseWriter, r *http.Request) {
	f, err := h.filter(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+exportName(f)+`.xes"`)
	if err := h.opts.Index.WriteXES(r.Context(), w, f); err != nil {
		h.opts.Logger.ErrorContext(r.Context(), "dashboard: XES export", "err", err)
	}
}

// exportName is a file name for an export: procedure and period, only
// safe characters.
func exportName(f insight.Filter) string {
	name := "indicatori"
	if f.Procedure != "" {
		name = f.Procedure
	}
	if !f.From.IsZero() {
		name += "-" + f.From.In(rome).Format("20060102")
	}
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, name)
}

// serveWS pushes the report of the request's filter whenever it changes.
func (h *Handler) serveWS(w http.ResponseWriter, r *http.Request) {
	f, err := h.filter(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	conn, err := h.up.Upgrade(w, r, nil) // same-origin check by default
	if err != nil {
		return
	}
	defer conn.Close()
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	go func() { // the client sends nothing; a read error means it left
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				cancel()
				return
			}
		}
	}()
	var last []byte
	tick := time.NewTicker(h.opts.Live)
	defer tick.Stop()
	for {
		p, err := h.report(ctx, f)
		if err != nil {
			if ctx.Err() == nil {
				h.opts.Logger.WarnContext(ctx, "dashboard: live report", "err", err)
			}
			return
		}
		cp := *p.Report      // shared with the index's cache: change a copy
		cp.Now = time.Time{} // the time of computation alone is no change
		p.Report = &cp
		b, err := json.Marshal(p)
		if err != nil {
			return
		}
		if !bytes.Equal(b, last) {
			if err := conn.WriteMessage(websocket.TextMessage, b); err != nil {
				return
			}
			last = b
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
