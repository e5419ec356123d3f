package server

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/procedo/procedo/forms/submit"
	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/web/auth"
	"github.com/procedo/procedo/web/webdb"
)

// OpenAPI is the OpenAPI 3.1 document of /api/v1.
//
//go:embed openapi.json
var OpenAPI []byte

// Problem is an RFC 9457 problem detail.
type Problem struct {
	Type     string       `json:"type"`
	Title    string       `json:"title"`
	Status   int          `json:"status"`
	Detail   string       `json:"detail,omitempty"`
	Instance string       `json:"instance,omitempty"`
	Errors   []FieldIssue `json:"errors,omitempty"`
}

// FieldIssue is one invalid field of a request, by JSON pointer.
type FieldIssue struct {
	Pointer string `json:"pointer"`
	Message string `json:"message"`
}

// problemBase is the URI prefix of the problem types (documented in
// docs/api.md).
const problemBase = "https://procedo.dev/problems/"

func (s *Server) problem(w http.ResponseWriter, r *http.Request, status int, typ, detail string, errs []FieldIssue) {
	p := Problem{Type: problemBase + typ, Title: http.StatusText(status), Status: status, Detail: detail, Instance: r.URL.Path, Errors: errs}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

// apiFail answers err as a problem.
func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	st := statusOf(err)
	var ve *runtime.ValidationError
	switch {
	case errors.As(err, &ve):
		var issues []FieldIssue
		for _, f := range ve.Fields {
			issues = append(issues, FieldIssue{Pointer: f.Pointer, Message: f.Message})
		}
		s.problem(w, r, st, "validation", fmt.Sprintf("form %s of element %s: %d invalid fields", ve.Form, ve.Element, len(ve.Fields)), issues)
	case st == http.StatusNotFound:
		s.problem(w, r, st, "not-found", "No such resource in your body.", nil)
	case st == http.StatusForbidden:
		s.problem(w, r, st, "forbidden", "You may not act on this resource.", nil)
	case st == http.StatusConflict:
		s.problem(w, r, st, "conflict", err.Error(), nil)
	default:
		info(r).log.Error("api", "path", r.URL.Path, "err", err)
		s.problem(w, r, st, "internal", "Internal error; see the server log with the request id.", nil)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// readJSON decodes a JSON request body into v within the size limit,
// refusing unknown fields and trailing data.
func (s *Server) readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		s.problem(w, r, http.StatusUnsupportedMediaType, "media-type", "Send application/json.", nil)
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, s.cfg.MaxJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.problem(w, r, http.StatusRequestEntityTooLarge, "too-large", fmt.Sprintf("The body exceeds %d bytes.", s.cfg.MaxJSON), nil)
			return false
		}
		detail := err.Error()
		var se *json.SyntaxError
		if errors.As(err, &se) {
			detail = fmt.Sprintf("malformed JSON at byte %d: %v", se.Offset, se)
		}
		s.problem(w, r, http.StatusBadRequest, "malformed-json", detail, nil)
		return false
	}
	if dec.More() {
		s.problem(w, r, http.StatusBadRequest, "malformed-json", "trailing data after the JSON value", nil)
		return false
	}
	return true
}

func (s *Server) apiRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /api/v1/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(OpenAPI)
	})
	staff := []auth.Role{auth.Official, auth.Admin, auth.Analyst, auth.Developer}
	m.HandleFunc("GET /api/v1/procedures", s.apiGuard(s.apiProcedures))
	m.HandleFunc("GET /api/v1/procedures/{key}/versions", s.apiGuard(s.apiVersions))
	m.HandleFunc("POST /api/v1/deployments", s.apiGuard(s.apiDeploy, auth.Admin, auth.Developer))
	m.HandleFunc("POST /api/v1/procedures/{key}/instances", s.apiGuard(s.apiStart, auth.Citizen, auth.Official, auth.Admin))
	m.HandleFunc("GET /api/v1/instances/{id}", s.apiGuard(s.apiInstance))
	m.HandleFunc("GET /api/v1/instances/{id}/history", s.apiGuard(s.apiHistory))
	m.HandleFunc("GET /api/v1/instances/{id}/documents", s.apiGuard(s.apiDocuments))
	m.HandleFunc("POST /api/v1/instances/{id}/documents", s.apiGuard(s.apiUpload, staff...))
	m.HandleFunc("GET /api/v1/instances/{id}/documents/{name}/{version}", s.apiGuard(s.apiDownload))
	m.HandleFunc("GET /api/v1/tasks", s.apiGuard(s.apiTasks, auth.Official))
	m.HandleFunc("POST /api/v1/tasks/{id}/claim", s.apiGuard(s.apiTaskAction, auth.Official))
	m.HandleFunc("POST /api/v1/tasks/{id}/release", s.apiGuard(s.apiTaskAction, auth.Official))
	m.HandleFunc("POST /api/v1/tasks/{id}/complete", s.apiGuard(s.apiTaskAction, auth.Official))
	m.HandleFunc("POST /api/v1/messages", s.apiGuard(s.apiCorrelate, auth.Official, auth.Admin, auth.Developer))
	m.HandleFunc("POST /api/v1/tokens", s.apiGuard(s.apiToken, auth.Admin))
	m.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.problem(w, r, http.StatusNotFound, "not-found", "No such endpoint.", nil)
	})
}

// ProcedureJSON is a procedure in API answers.
type ProcedureJSON struct {
	Key      string `json:"key"`
	Title    string `json:"title"`
	Latest   int    `json:"latestVersion"`
	Hash     string `json:"hash"`
	TermDays int    `json:"termDays"`
}

func (s *Server) apiProcedures(w http.ResponseWriter, r *http.Request) {
	u := info(r).user
	deps, err := s.cfg.Engine.Store().ListDeployments(r.Context(), &store.ListDeploymentsParams{Body: u.Body})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	latest := map[string]*store.Deployment{}
	for _, d := range deps {
		if l := latest[d.ProcessKey]; l == nil || d.Version > l.Version {
			latest[d.ProcessKey] = d
		}
	}
	out := []ProcedureJSON{}
	for k, d := range latest {
		p := ProcedureJSON{Key: k, Title: k, Latest: d.Version, Hash: d.Hash}
		if proc := s.procs[k]; proc != nil {
			p.Title, p.TermDays = proc.Info.Title, proc.Info.TermDays
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	writeJSON(w, http.StatusOK, map[string]any{"procedures": out})
}

// VersionJSON is a deployed version.
type VersionJSON struct {
	Version    int       `json:"version"`
	Hash       string    `json:"hash"`
	DeployedAt time.Time `json:"deployedAt"`
	DeployedBy string    `json:"deployedBy"`
}

func (s *Server) apiVersions(w http.ResponseWriter, r *http.Request) {
	u := info(r).user
	deps, err := s.cfg.Engine.Store().ListDeployments(r.Context(), &store.ListDeploymentsParams{Body: u.Body, ProcessKey: r.PathValue("key")})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if len(deps) == 0 {
		s.problem(w, r, http.StatusNotFound, "not-found", "No such procedure in your body.", nil)
		return
	}
	out := []VersionJSON{}
	for _, d := range deps {
		out = append(out, VersionJSON{Version: d.Version, Hash: d.Hash, DeployedAt: d.DeployedAt, DeployedBy: d.DeployedBy})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	writeJSON(w, http.StatusOK, map[string]any{"key": r.PathValue("key"), "versions": out})
}

// apiDeploy deploys a bundle (a zip of the model folder) in the caller's
// body: every executable process of it becomes a new version (or the
// existing one, for the same hash). A process whose generated code this
// binary carries runs that code; any other runs in memory (codegen.Load).
func (s *Server) apiDeploy(w http.ResponseWriter, r *http.Request) {
	u := info(r).user
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/zip" {
		s.problem(w, r, http.StatusUnsupportedMediaType, "media-type", "Send the bundle as application/zip.", nil)
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 32<<20))
	if err != nil {
		s.problem(w, r, http.StatusRequestEntityTooLarge, "too-large", "The bundle exceeds 32 MiB.", nil)
		return
	}
	if _, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err != nil {
		s.problem(w, r, http.StatusBadRequest, "bad-bundle", "Not a zip archive: "+err.Error(), nil)
		return
	}
	deps, err := s.DeployBundle(r.Context(), u, data)
	if err != nil {
		var de *DeployError
		if errors.As(err, &de) {
			s.problem(w, r, http.StatusUnprocessableEntity, de.Kind, de.Err.Error(), nil)
			return
		}
		s.problem(w, r, http.StatusInternalServerError, "internal", "The bundle could not be deployed.", nil)
		return
	}
	out := []map[string]any{}
	for _, dep := range deps {
		s.audit(r, "procedure.deployed", "", map[string]any{"process": dep.ProcessKey, "version": dep.Version, "hash": dep.Hash})
		out = append(out, map[string]any{"key": dep.ProcessKey, "version": VersionJSON{Version: dep.Version, Hash: dep.Hash, DeployedAt: dep.DeployedAt, DeployedBy: dep.DeployedBy}})
	}
	writeJSON(w, http.StatusCreated, map[string]any{"deployed": out})
}

// StartRequest starts an instance.
type StartRequest struct {
	// IdempotencyKey makes a retried start return the same instance.
	IdempotencyKey string          `json:"idempotencyKey"`
	Variables      json.RawMessage `json:"variables"`
}

func (s *Server) apiStart(w http.ResponseWriter, r *http.Request) {
	u := info(r).user
	proc := s.procs[r.PathValue("key")]
	if proc == nil {
		s.problem(w, r, http.StatusNotFound, "not-found", "No such procedure.", nil)
		return
	}
	var req StartRequest
	if !s.readJSON(w, r, &req) {
		return
	}
	if req.IdempotencyKey == "" {
		req.IdempotencyKey = submit.NewIdempotencyKey()
	}
	if !submit.ValidIdempotencyKey(req.IdempotencyKey) {
		s.problem(w, r, http.StatusBadRequest, "validation", "idempotencyKey must be 26 characters of lower-case base32 (a-z, 2-7).", []FieldIssue{{Pointer: "/idempotencyKey", Message: "malformed"}})
		return
	}
	if len(req.Variables) == 0 {
		req.Variables = json.RawMessage(`{}`)
	}
	c, created, err := s.start(r.Context(), u, proc, req.IdempotencyKey, req.Variables)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	view, err := s.cfg.Engine.Inspect(r.Context(), u.Body, c.InstanceID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	writeJSON(w, status, s.instanceJSON(c, view))
}

// InstanceJSON is an instance in API answers.
type InstanceJSON struct {
	ID          string          `json:"id"`
	Number      string          `json:"number"`
	ProcessKey  string          `json:"processKey"`
	Hash        string          `json:"definitionHash"`
	Status      string          `json:"status"`
	Phase       string          `json:"phase"`
	StartedAt   time.Time       `json:"startedAt"`
	EndedAt     *time.Time      `json:"endedAt,omitempty"`
	Waiting     []WaitingJSON   `json:"waiting"`
	Term        *TermJSON       `json:"term,omitempty"`
	Variables   json.RawMessage `json:"variables"`
	Visits      map[string]int  `json:"visits"`
	VersionLock int64           `json:"version"`
}

// WaitingJSON is where an instance waits.
type WaitingJSON struct {
	Element string `json:"element"`
	Kind    string `json:"kind"`
	TaskID  string `json:"taskId,omitempty"`
}

// TermJSON is the legal term of an instance.
type TermJSON struct {
	Days      int    `json:"days"`
	Due       string `json:"due"`
	Remaining int    `json:"remaining"`
	Suspended bool   `json:"suspended"`
	Breached  bool   `json:"breached"`
}

func (s *Server) instanceJSON(c *webdb.Case, v *runtime.InstanceView) InstanceJSON {
	out := InstanceJSON{ID: v.ID, Number: c.Number, ProcessKey: v.ProcessKey, Hash: v.DefinitionHash, Status: string(v.Status), Phase: s.phase(v),
		StartedAt: v.StartedAt, Waiting: []WaitingJSON{}, Variables: v.Vars, Visits: v.Visits, VersionLock: v.Version}
	if out.Visits == nil {
		out.Visits = map[string]int{}
	}
	if !v.EndedAt.IsZero() {
		t := v.EndedAt
		out.EndedAt = &t
	}
	for _, wt := range v.Waiting {
		out.Waiting = append(out.Waiting, WaitingJSON{Element: wt.Element, Kind: wt.Kind, TaskID: wt.TaskID})
	}
	if v.Term != nil {
		out.Term = &TermJSON{Days: v.Term.Days, Due: v.Term.Due.Format("2006-01-02"), Remaining: v.Term.Remaining, Suspended: v.Term.Suspended, Breached: v.Term.Breached}
	}
	return out
}

// apiCase loads a case the caller may read: its applicant, or staff of
// the body (an official only for cases of their offices).
func (s *Server) apiCase(w http.ResponseWriter, r *http.Request) (*webdb.Case, *runtime.InstanceView, bool) {
	u := info(r).user
	c, v, err := s.caseOf(r.Context(), u, r.PathValue("id"))
	if err == nil && u.Has(auth.Citizen) && !u.Has(auth.Official) && c.Owner != u.ID {
		err = errForbidden
	}
	if err == nil && u.Has(auth.Official) && !u.Has(auth.Admin) {
		var ok bool
		if ok, err = s.mayView(r.Context(), u, c.InstanceID); err == nil && !ok {
			err = errForbidden
		}
	}
	if err != nil {
		s.apiFail(w, r, err)
		return nil, nil, false
	}
	return c, v, true
}

// applicantOnly reports whether u reads cases only as their applicant.
func applicantOnly(u *auth.User) bool {
	return u.Has(auth.Citizen) && !u.Has(auth.Official) && !u.Has(auth.Admin) && !u.Has(auth.Analyst)
}

func (s *Server) apiInstance(w http.ResponseWriter, r *http.Request) {
	c, v, ok := s.apiCase(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, s.instanceJSON(c, v))
}

// EventJSON is a history event.
type EventJSON struct {
	Seq     int64           `json:"seq"`
	Type    string          `json:"type"`
	Element string          `json:"element,omitempty"`
	Actor   string          `json:"actor"`
	Time    time.Time       `json:"time"`
	Data    json.RawMessage `json:"data,omitempty"`
}

func (s *Server) apiHistory(w http.ResponseWriter, r *http.Request) {
	c, _, ok := s.apiCase(w, r)
	if !ok {
		return
	}
	evs, err := s.cfg.Engine.Store().ListEvents(r.Context(), &store.ListEventsParams{Body: c.Body, InstanceID: c.InstanceID})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := []EventJSON{}
	for _, e := range evs {
		out = append(out, EventJSON{Seq: e.Seq, Type: string(e.Type), Element: e.ElementID, Actor: e.Actor, Time: e.Time, Data: e.Data})
	}
	writeJSON(w, http.StatusOK, map[string]any{"instance": c.InstanceID, "events": out})
}

// DocumentJSON is one version of a document.
type DocumentJSON struct {
	Name      string    `json:"name"`
	Version   int       `json:"version"`
	MediaType string    `json:"mediaType"`
	SHA256    string    `json:"sha256"`
	Size      int64     `json:"size"`
	CreatedAt time.Time `json:"createdAt"`
	CreatedBy string    `json:"createdBy"`
	URL       string    `json:"url"`
}

func docJSON(d *store.Document) DocumentJSON {
	return DocumentJSON{Name: d.Name, Version: d.Version, MediaType: d.MediaType, SHA256: d.SHA256, Size: d.Size, CreatedAt: d.CreatedAt, CreatedBy: d.CreatedBy,
		URL: fmt.Sprintf("/api/v1/instances/%s/documents/%s/%d", d.InstanceID, d.Name, d.Version)}
}

func (s *Server) apiDocuments(w http.ResponseWriter, r *http.Request) {
	c, _, ok := s.apiCase(w, r)
	if !ok {
		return
	}
	docs, err := s.documentsOf(r.Context(), c.Body, c.InstanceID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if applicantOnly(info(r).user) {
		docs = citizenDocuments(docs)
	}
	out := []DocumentJSON{}
	for _, d := range docs {
		out = append(out, docJSON(d))
	}
	writeJSON(w, http.StatusOK, map[string]any{"documents": out})
}

var docName = func(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

// apiUpload adds a version of a document: the body is the content, its
// Content-Type the media type (PDF, JPEG or PNG, sniffed to agree), the
// ?name= query its name.
func (s *Server) apiUpload(w http.ResponseWriter, r *http.Request) {
	c, _, ok := s.apiCase(w, r)
	if !ok {
		return
	}
	name := r.URL.Query().Get("name")
	if !docName(name) {
		s.problem(w, r, http.StatusBadRequest, "validation", "name must be 1-100 letters, digits, '_', '-' or '.'.", []FieldIssue{{Pointer: "/name", Message: "invalid"}})
		return
	}
	if r.ContentLength > s.cfg.MaxUpload {
		s.problem(w, r, http.StatusRequestEntityTooLarge, "too-large", fmt.Sprintf("A document may not exceed %d bytes.", s.cfg.MaxUpload), nil)
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload))
	if err != nil {
		s.problem(w, r, http.StatusRequestEntityTooLarge, "too-large", fmt.Sprintf("A document may not exceed %d bytes.", s.cfg.MaxUpload), nil)
		return
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(data))
	if len(data) == 0 || mt != sniffed || !(mt == "application/pdf" || mt == "image/jpeg" || mt == "image/png") {
		s.problem(w, r, http.StatusUnsupportedMediaType, "media-type", "Send a PDF, JPEG or PNG whose content matches its Content-Type.", nil)
		return
	}
	u := info(r).user
	doc, err := s.cfg.Engine.AddDocument(r.Context(), &runtime.AddDocumentParams{Body: c.Body, InstanceID: c.InstanceID, Name: name, MediaType: mt, Content: data, Actor: u.ID})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.audit(r, "document.added", c.InstanceID, map[string]any{"name": name, "version": doc.Version, "sha256": doc.SHA256})
	writeJSON(w, http.StatusCreated, docJSON(doc))
}

func (s *Server) apiDownload(w http.ResponseWriter, r *http.Request) {
	c, _, ok := s.apiCase(w, r)
	if !ok {
		return
	}
	v, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || v < 1 || applicantOnly(info(r).user) && internalDocument(r.PathValue("name")) {
		s.problem(w, r, http.StatusNotFound, "not-found", "No such version.", nil)
		return
	}
	if err := s.serveDocument(w, r, info(r).user, c.InstanceID, r.PathValue("name"), v); err != nil {
		s.apiFail(w, r, err)
	}
}

// TaskJSON is a user task.
type TaskJSON struct {
	ID         string     `json:"id"`
	InstanceID string     `json:"instanceId"`
	ProcessKey string     `json:"processKey"`
	Element    string     `json:"element"`
	Name       string     `json:"name"`
	Form       string     `json:"form,omitempty"`
	Offices    []string   `json:"offices"`
	Assignee   string     `json:"assignee,omitempty"`
	Status     string     `json:"status"`
	CreatedAt  time.Time  `json:"createdAt"`
	DueAt      *time.Time `json:"dueAt,omitempty"`
}

func taskJSON(t *store.Task) TaskJSON {
	out := TaskJSON{ID: t.ID, InstanceID: t.InstanceID, ProcessKey: t.ProcessKey, Element: t.ElementID, Name: t.Name, Form: t.Form,
		Offices: t.CandidateOffices, Assignee: t.Assignee, Status: string(t.Status), CreatedAt: t.CreatedAt}
	if out.Offices == nil {
		out.Offices = []string{}
	}
	if !t.DueAt.IsZero() {
		d := t.DueAt
		out.DueAt = &d
	}
	return out
}

func (s *Server) apiTasks(w http.ResponseWriter, r *http.Request) {
	u := info(r).user
	tasks, err := s.officeTasks(r.Context(), u)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	sort.Slice(tasks, func(i, j int) bool { return tasks[i].CreatedAt.Before(tasks[j].CreatedAt) })
	out := []TaskJSON{}
	for _, t := range tasks {
		out = append(out, taskJSON(t))
	}
	writeJSON(w, http.StatusOK, map[string]any{"tasks": out})
}

// CompleteRequest completes a task.
type CompleteRequest struct {
	Payload json.RawMessage `json:"payload"`
}

func (s *Server) apiTaskAction(w http.ResponseWriter, r *http.Request) {
	u := info(r).user
	ctx := r.Context()
	t, err := s.loadTask(ctx, u, r.PathValue("id"))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	action := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	var detail map[string]any
	switch action {
	case "claim":
		err = s.cfg.Engine.ClaimTask(ctx, u.Body, t.ID, u.ID)
	case "release":
		err = s.cfg.Engine.ReleaseTask(ctx, u.Body, t.ID, u.ID)
	case "complete":
		var req CompleteRequest
		if !s.readJSON(w, r, &req) {
			return
		}
		if len(req.Payload) == 0 {
			req.Payload = json.RawMessage(`{}`)
		}
		var payload map[string]any
		if err := json.Unmarshal(req.Payload, &payload); err != nil || payload == nil {
			s.problem(w, r, http.StatusBadRequest, "malformed-json", "payload must be a JSON object", nil)
			return
		}
		proc := s.procs[t.ProcessKey]
		if proc == nil {
			s.problem(w, r, http.StatusConflict, "conflict", "The procedure of this task is not served by this node.", nil)
			return
		}
		_, err = s.complete(ctx, u, proc, t, payload)
		detail = map[string]any{"payload": payload}
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if detail == nil {
		detail = map[string]any{}
	}
	detail["task"] = t.ID
	s.audit(r, "task."+action, t.InstanceID, detail)
	s.hub.notify(u.Body)
	nt, err := s.cfg.Engine.Store().GetTask(ctx, &store.GetTaskParams{Body: u.Body, ID: t.ID})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, taskJSON(nt))
}

// CorrelateRequest delivers a message.
type CorrelateRequest struct {
	Name    string          `json:"name"`
	Key     string          `json:"key"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

func (s *Server) apiCorrelate(w http.ResponseWriter, r *http.Request) {
	u := info(r).user
	var req CorrelateRequest
	if !s.readJSON(w, r, &req) {
		return
	}
	if req.Name == "" {
		s.problem(w, r, http.StatusBadRequest, "validation", "name is required.", []FieldIssue{{Pointer: "/name", Message: "required"}})
		return
	}
	res, err := s.cfg.Engine.Correlate(r.Context(), &runtime.CorrelateParams{Body: u.Body, Name: req.Name, Key: req.Key, Payload: req.Payload, Actor: u.ID})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.audit(r, "message.correlated", res.InstanceID, map[string]any{"name": req.Name, "key": req.Key})
	writeJSON(w, http.StatusOK, map[string]any{"instanceId": res.InstanceID, "buffered": res.Buffered, "started": res.Started})
}

// TokenRequest creates an API token for a user of the admin's body.
type TokenRequest struct {
	User string `json:"user"`
	Name string `json:"name"`
}

func (s *Server) apiToken(w http.ResponseWriter, r *http.Request) {
	u := info(r).user
	var req TokenRequest
	if !s.readJSON(w, r, &req) {
		return
	}
	target, err := s.cfg.Directory.User(r.Context(), req.User)
	if err != nil || target.Body != u.Body {
		s.problem(w, r, http.StatusUnprocessableEntity, "validation", "No such user in your body.", []FieldIssue{{Pointer: "/user", Message: "unknown"}})
		return
	}
	var b [24]byte
	_, _ = rand.Read(b[:])
	secret := "pro_" + hex.EncodeToString(b[:])
	if err := s.cfg.DB.PutToken(r.Context(), secret, &webdb.Token{Body: u.Body, UserID: target.ID, Name: req.Name}, s.cfg.Now()); err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.audit(r, "token.created", "", map[string]any{"user": target.ID, "name": req.Name})
	writeJSON(w, http.StatusCreated, map[string]any{"token": secret, "user": target.ID})
}

// DeployError is a bundle the runtime refuses: Kind is the problem type
// ("unsupported": this server deploys no bundles; "bad-bundle": it cannot
// be loaded; "not-executable": the engine refuses a process).
type DeployError struct {
	Kind string
	Err  error
}

func (e *DeployError) Error() string { return e.Kind + ": " + e.Err.Error() }
func (e *DeployError) Unwrap() error { return e.Err }

// DeployBundle deploys every process of a bundle archive (zip) in the
// body of u, as u. A process whose content hash is that of a procedure
// this binary carries runs on its generated code; any other on the
// in-memory definition built by Config.Load. The API and the designer
// deploy through it.
func (s *Server) DeployBundle(ctx context.Context, u *auth.User, data []byte) ([]*store.Deployment, error) {
	if s.cfg.Load == nil {
		return nil, &DeployError{Kind: "unsupported", Err: errors.New("this server does not deploy bundles")}
	}
	defs, err := s.cfg.Load(data)
	if err != nil {
		return nil, &DeployError{Kind: "bad-bundle", Err: err}
	}
	var deps []*store.Deployment
	for _, def := range defs {
		for _, p := range s.order {
			if p.Definition.Hash == def.Hash {
				def = p.Definition // the generated code of the same version
			}
		}
		dep, err := s.cfg.Engine.Deploy(ctx, &runtime.DeployParams{Body: u.Body, Definition: def, Bundle: data, Actor: u.ID})
		if err != nil {
			return deps, &DeployError{Kind: "not-executable", Err: err}
		}
		deps = append(deps, dep)
	}
	return deps, nil
}
