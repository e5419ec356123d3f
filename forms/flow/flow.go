// Package flow serves one form as the Designers Italia flow over HTTP:
// privacy notice → data steps → summary → submit → receipt, and the PDF of
// the receipt. It ties together the Form (validation, form posts), the
// renderer, and the submission building blocks (CSRF, limits, uploads,
// drafts, idempotent filing).
//
// The flow keeps no server state between pages: the data so far travels
// in the signed draft field of each page, so it works with JavaScript off,
// on any node of a cluster, and survives a browser's back button.
package flow

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/procedo/procedo/forms"
	"github.com/procedo/procedo/forms/receipt"
	"github.com/procedo/procedo/forms/render"
	"github.com/procedo/procedo/forms/submit"
)

// Config is what a Handler needs.
type Config struct {
	Renderer  *render.Renderer
	FormID    string // identifies form and version, e.g. "ztl@sha256:…"; binds drafts
	Body      string // the body (tenant) filing the applications
	CSRF      *submit.CSRF
	Drafts    *submit.Drafts
	Filer     submit.Filer
	Documents submit.DocumentSink
	// DraftStore, when set, keeps the drafts saved with "Salva bozza"
	// and resumes them at ?riprendi=KEY.
	DraftStore submit.DraftStore
	Limits     submit.Limits
	// Session returns the session id of a request (the CSRF token is
	// bound to it). Required, and it must be non-empty for every request:
	// the portal sets a session cookie before the first page (see the
	// preview handler of procedo forms serve); with an empty id every
	// anonymous visitor would share one CSRF binding.
	Session func(*http.Request) string
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger; default slog.Default().
	Logger *slog.Logger
}

// Handler serves the flow at one URL (GET starts, POST advances; GET
// ?ricevuta=KEY downloads the PDF receipt of the application KEY).
type Handler struct {
	cfg  Config
	form *forms.Form
}

// New checks cfg and returns the handler.
func New(cfg Config) (*Handler, error) {
	if cfg.Renderer == nil || cfg.CSRF == nil || cfg.Drafts == nil || cfg.Filer == nil || cfg.Documents == nil || cfg.Session == nil {
		return nil, errors.New("flow: Renderer, CSRF, Drafts, Filer, Documents and Session are required")
	}
	if cfg.FormID == "" {
		return nil, errors.New("flow: FormID is required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Handler{cfg: cfg, form: cfg.Renderer.Form()}, nil
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", render.CSP)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "same-origin")
	w.Header().Set("Cache-Control", "no-store")
	switch r.Method {
	case http.MethodGet:
		if key := r.URL.Query().Get("ricevuta"); key != "" {
			h.receiptPDF(w, r, key)
			return
		}
		if key := r.URL.Query().Get("riprendi"); key != "" && h.cfg.DraftStore != nil {
			h.resume(w, r, key)
			return
		}
		h.page(w, r, http.StatusOK, render.Page{Kind: render.Privacy, IdempotencyKey: submit.NewIdempotencyKey()}, nil)
	case http.MethodPost:
		h.post(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		h.fail(w, r, http.StatusMethodNotAllowed, "method", errors.New(r.Method))
	}
}

// page renders p with a fresh CSRF token and the draft of data.
func (h *Handler) page(w http.ResponseWriter, r *http.Request, status int, p render.Page, data any) {
	p.CSRF = h.cfg.CSRF.Issue(h.cfg.Session(r), h.cfg.Now())
	p.Data = data
	if p.Kind != render.Receipt {
		draft, err := h.cfg.Drafts.Encode(h.cfg.FormID, data)
		if err != nil {
			h.fail(w, r, http.StatusRequestEntityTooLarge, "draft", err)
			return
		}
		p.Draft = draft
	}
	var buf bytes.Buffer
	if err := h.cfg.Renderer.Render(&buf, p); err != nil {
		h.fail(w, r, http.StatusInternalServerError, "render", err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// fail logs what went wrong (in English, for operators) and shows the
// citizen a page in the form's language with a link to start again.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, status int, what string, err error) {
	h.cfg.Logger.Warn("form flow", "form", h.cfg.FormID, "body", h.cfg.Body, "step", what, "status", status, "err", err, "path", r.URL.Path)
	var buf bytes.Buffer
	if rerr := h.cfg.Renderer.RenderProblem(&buf, status, r.URL.Path); rerr != nil {
		http.Error(w, http.StatusText(status), status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (h *Handler) post(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	parsed, err := submit.Parse(ctx, r, h.form, h.cfg.Limits, h.cfg.Documents)
	switch {
	case errors.Is(err, submit.ErrTooLarge):
		h.fail(w, r, http.StatusRequestEntityTooLarge, "parse", err)
		return
	case err != nil:
		h.fail(w, r, http.StatusBadRequest, "parse", err)
		return
	}
	vals := parsed.Values
	if err := h.cfg.CSRF.Verify(vals.Get("_csrf"), h.cfg.Session(r), h.cfg.Now()); err != nil {
		h.fail(w, r, http.StatusForbidden, "csrf", err)
		return
	}
	idem := vals.Get("_idem")
	if !submit.ValidIdempotencyKey(idem) {
		h.fail(w, r, http.StatusBadRequest, "idempotency", submit.ErrIdempotencyKey)
		return
	}
	data, err := h.cfg.Drafts.Decode(h.cfg.FormID, vals.Get("_draft"))
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, "draft", err)
		return
	}
	kind, step, ok := h.cfg.Renderer.ParsePageID(vals.Get("_page"))
	if !ok {
		h.fail(w, r, http.StatusBadRequest, "page", errors.New("unknown _page"))
		return
	}
	action := vals.Get("_action")
	if action == "" {
		action = "next" // Enter in a text field of a browser without a default button
	}
	p := render.Page{IdempotencyKey: idem}
	steps := len(h.form.Steps())
	switch kind {
	case render.Privacy:
		if vals.Get("_privacy") != "true" {
			p.Kind = render.Privacy
			p.Errors = []forms.FieldError{{Pointer: "", Message: forms.Text(h.form.Lang(), "privacy.required"), Keyword: "privacy"}}
			h.page(w, r, http.StatusUnprocessableEntity, p, data)
			return
		}
		p.Kind, p.Step = render.Data, 0
		h.page(w, r, http.StatusOK, p, data)
	case render.Data:
		dec := h.form.Decode(data, vals, parsed.Files, step)
		data = dec.Data
		errs := append(parsed.Errors, dec.Errors...)
		p.Raw = dec.Raw
		switch {
		case action == "back":
			if step == 0 {
				p.Kind = render.Privacy
			} else {
				p.Kind, p.Step = render.Data, step-1
			}
		case strings.HasPrefix(action, "add:"):
			data = h.form.AddItem(data, strings.TrimPrefix(action, "add:"))
			p.Kind, p.Step = render.Data, step
		case strings.HasPrefix(action, "remove:"):
			data = h.form.RemoveItem(data, strings.TrimPrefix(action, "remove:"))
			p.Kind, p.Step = render.Data, step
		case action == "save":
			p.Kind, p.Step = render.Data, step
			if h.cfg.DraftStore != nil {
				if err := h.saveDraft(r, idem, render.PageID(render.Data, step), data); err != nil {
					h.fail(w, r, http.StatusInternalServerError, "save draft", err)
					return
				}
				lang := h.form.Lang()
				p.Notice, p.NoticeURL, p.NoticeLink = forms.Text(lang, "draft.saved"), "?riprendi="+idem, forms.Text(lang, "draft.resume")
			}
		default: // next
			errs = append(errs, stepErrors(h.form, step, h.form.Validate(data), errs)...)
			if len(errs) > 0 {
				p.Kind, p.Step, p.Errors = render.Data, step, errs
				h.page(w, r, http.StatusUnprocessableEntity, p, data)
				return
			}
			if step+1 < steps {
				p.Kind, p.Step = render.Data, step+1
			} else {
				p.Kind = render.Summary
			}
		}
		if len(errs) > 0 && p.Kind == render.Data && p.Step == step {
			p.Errors = errs
		}
		h.page(w, r, http.StatusOK, p, data)
	case render.Summary:
		switch {
		case action == "back":
			p.Kind, p.Step = render.Data, steps-1
			h.page(w, r, http.StatusOK, p, data)
		case strings.HasPrefix(action, "goto:"):
			k, s, ok := h.cfg.Renderer.ParsePageID(strings.TrimPrefix(action, "goto:"))
			if !ok || k != render.Data {
				h.fail(w, r, http.StatusBadRequest, "goto", errors.New("bad step"))
				return
			}
			p.Kind, p.Step = render.Data, s
			h.page(w, r, http.StatusOK, p, data)
		default:
			h.submit(w, r, p, data)
		}
	default:
		h.fail(w, r, http.StatusBadRequest, "page", errors.New("nothing to post on the receipt"))
	}
}

// stepErrors keeps the validation errors about the fields of one step
// (a required object missing altogether counts for the step of its
// fields), without repeating the ones already found.
func stepErrors(f *forms.Form, step int, all, already []forms.FieldError) []forms.FieldError {
	seen := map[string]bool{}
	for _, e := range already {
		seen[e.Pointer] = true
	}
	ptrs := stepPointers(f, step)
	var out []forms.FieldError
	for _, e := range all {
		if seen[e.Pointer] {
			continue
		}
		for _, p := range ptrs {
			if e.Pointer == p || strings.HasPrefix(e.Pointer, p+"/") || strings.HasPrefix(p, e.Pointer+"/") {
				out = append(out, e)
				seen[e.Pointer] = true
				break
			}
		}
	}
	return out
}

func stepPointers(f *forms.Form, step int) []string {
	var out []string
	var walk func(e *forms.Element)
	walk = func(e *forms.Element) {
		if e.Type == forms.TypeControl {
			out = append(out, e.Pointer)
			return
		}
		for _, c := range e.Elements {
			walk(c)
		}
	}
	walk(f.Steps()[step])
	return out
}

func (h *Handler) submit(w http.ResponseWriter, r *http.Request, p render.Page, data any) {
	ctx := r.Context()
	data = h.form.Prune(data)
	if errs := h.form.Validate(data); len(errs) > 0 {
		// Send the citizen to the first step with an error.
		for s := range h.form.Steps() {
			if se := stepErrors(h.form, s, errs, nil); len(se) > 0 {
				p.Kind, p.Step, p.Errors = render.Data, s, se
				h.page(w, r, http.StatusUnprocessableEntity, p, data)
				return
			}
		}
		p.Kind, p.Errors = render.Summary, errs
		h.page(w, r, http.StatusUnprocessableEntity, p, data)
		return
	}
	js, err := json.Marshal(data)
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, "submit", err)
		return
	}
	app, created, err := h.cfg.Filer.FileOnce(ctx, &submit.Application{
		Body: h.cfg.Body, Form: h.cfg.FormID, IdempotencyKey: p.IdempotencyKey, Data: js, Documents: documents(data),
	})
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, "file", err)
		return
	}
	h.cfg.Logger.Info("application filed", "form", h.cfg.FormID, "body", h.cfg.Body, "number", app.Number, "created", created)
	p.Kind = render.Receipt
	p.Receipt = render.ReceiptInfo{Number: app.Number, SubmittedAt: app.SubmittedAt, PDFURL: "?ricevuta=" + p.IdempotencyKey}
	h.page(w, r, http.StatusOK, p, data)
}

// documents lists the SHA-256 of every file reference in data.
func documents(v any) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if sha, ok := x["sha256"].(string); ok {
				if _, ok := x["contentType"]; ok {
					out = append(out, sha)
					return
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

func (h *Handler) receiptPDF(w http.ResponseWriter, r *http.Request, key string) {
	if !submit.ValidIdempotencyKey(key) {
		h.fail(w, r, http.StatusNotFound, "receipt", submit.ErrIdempotencyKey)
		return
	}
	app, err := h.cfg.Filer.Lookup(r.Context(), h.cfg.Body, key)
	if errors.Is(err, submit.ErrNotFound) {
		h.fail(w, r, http.StatusNotFound, "receipt", err)
		return
	}
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, "receipt", err)
		return
	}
	var data any
	if err := json.Unmarshal(app.Data, &data); err != nil {
		h.fail(w, r, http.StatusInternalServerError, "receipt", err)
		return
	}
	rc := &receipt.Receipt{Lang: h.form.Lang(), BodyName: h.cfg.Renderer.Options().BodyName, Title: h.cfg.Renderer.Options().Title,
		Number: app.Number, SubmittedAt: app.SubmittedAt}
	for _, s := range h.cfg.Renderer.Summary(data) {
		sec := receipt.Section{Title: s.Title}
		for _, row := range s.Rows {
			sec.Rows = append(sec.Rows, receipt.Row{Label: row.Label, Value: row.Value})
		}
		rc.Sections = append(rc.Sections, sec)
	}
	var buf bytes.Buffer
	if err := receipt.Write(&buf, rc); err != nil {
		h.fail(w, r, http.StatusInternalServerError, "receipt", err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="ricevuta-`+strings.ReplaceAll(app.Number, "/", "-")+`.pdf"`)
	w.Write(buf.Bytes())
}

func (h *Handler) saveDraft(r *http.Request, key, page string, data any) error {
	draft, err := h.cfg.Drafts.Encode(h.cfg.FormID, data)
	if err != nil {
		return err
	}
	return h.cfg.DraftStore.SaveDraft(r.Context(), h.cfg.Body, key, page, draft)
}

// resume shows the page a saved draft was saved on, with its data.
func (h *Handler) resume(w http.ResponseWriter, r *http.Request, key string) {
	if !submit.ValidIdempotencyKey(key) {
		h.fail(w, r, http.StatusNotFound, "resume", submit.ErrIdempotencyKey)
		return
	}
	pageID, draft, err := h.cfg.DraftStore.LoadDraft(r.Context(), h.cfg.Body, key)
	if errors.Is(err, submit.ErrNotFound) {
		h.fail(w, r, http.StatusNotFound, "resume", err)
		return
	}
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, "resume", err)
		return
	}
	data, err := h.cfg.Drafts.Decode(h.cfg.FormID, draft)
	if err != nil {
		// A draft of an older version of the form: start again.
		h.fail(w, r, http.StatusConflict, "resume", err)
		return
	}
	kind, step, ok := h.cfg.Renderer.ParsePageID(pageID)
	if !ok || kind != render.Data {
		kind, step = render.Data, 0
	}
	h.page(w, r, http.StatusOK, render.Page{Kind: kind, Step: step, IdempotencyKey: key}, data)
}
