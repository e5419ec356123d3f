package site_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/procedo/procedo/internal/testenv"
	"github.com/procedo/procedo/runtime/processtest"
	"github.com/procedo/procedo/web/site"
)

// env is a running site behind an httptest server.
type env struct {
	t     *testing.T
	site  *site.Site
	srv   *httptest.Server
	clock *processtest.Clock
}

var schemaSeq = time.Now().UnixNano()

func newEnv(t *testing.T, pg bool) *env {
	t.Helper()
	clock := processtest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)) // a Monday
	opts := site.Options{DataDir: t.TempDir(), DevLogin: true, Clock: clock, Key: bytes.Repeat([]byte("k"), 32),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if pg {
		opts.DatabaseURL = testenv.PostgresURL(t)
		schemaSeq++
		opts.Schema = fmt.Sprintf("serve_test_%d", schemaSeq)
	}
	s, err := site.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		srv.Close()
		s.Close()
		if pg {
			dropSchema(t, opts.DatabaseURL, opts.Schema)
		}
	})
	return &env{t: t, site: s, srv: srv, clock: clock}
}

// user is a browser of one person.
type user struct {
	e    *env
	c    *http.Client
	last string
	code int
	id   string
}

var hiddenRe = regexp.MustCompile(`<input type="hidden" name="(_[a-z]+)" value="([^"]*)">`)

func (e *env) login(id string) *user {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	u := &user{e: e, c: &http.Client{Jar: jar}, id: id}
	u.get("/login")
	if u.code != 200 {
		e.t.Fatalf("login page: %d", u.code)
	}
	u.postForm("/login", url.Values{"_csrf": {u.csrf()}, "user": {id}})
	if u.code != 200 || !strings.Contains(u.last, `data-user="`+id+`"`) {
		e.t.Fatalf("login as %s: %d", id, u.code)
	}
	return u
}

func (u *user) csrf() string {
	m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(u.last)
	if m == nil {
		u.e.t.Fatalf("no CSRF token on the page:\n%s", u.last)
	}
	return html.UnescapeString(m[1])
}

func (u *user) hidden() url.Values {
	v := url.Values{}
	for _, m := range hiddenRe.FindAllStringSubmatch(u.last, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	return v
}

func (u *user) do(req *http.Request) {
	u.e.t.Helper()
	res, err := u.c.Do(req)
	if err != nil {
		u.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	u.last, u.code = string(b), res.StatusCode
}

func (u *user) get(path string) {
	u.e.t.Helper()
	req, _ := http.NewRequest("GET", u.e.srv.URL+path, nil)
	u.do(req)
}

func (u *user) postForm(path string, v url.Values) {
	u.e.t.Helper()
	req, _ := http.NewRequest("POST", u.e.srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	u.do(req)
}

func (u *user) postMultipart(path string, v url.Values, files map[string][2]string) {
	u.e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range v {
		for _, s := range vs {
			mw.WriteField(k, s)
		}
	}
	for field, f := range files {
		h := map[string][]string{"Content-Disposition": {`form-data; name="` + field + `"; filename="` + f[0] + `"`}, "Content-Type": {"application/pdf"}}
		w, _ := mw.CreatePart(h)
		w.Write([]byte(f[1]))
	}
	mw.Close()
	req, _ := http.NewRequest("POST", u.e.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	u.do(req)
}

// flow posts the current page of the form flow with fields and action.
func (u *user) flow(path string, fields url.Values, action string, files map[string][2]string) {
	u.e.t.Helper()
	v := u.hidden()
	for k, vs := range fields {
		v[k] = vs
	}
	v.Set("_action", action)
	u.postMultipart(path, v, files)
}

// api calls the JSON API with the user's session (unsafe methods carry the
// CSRF token of the last page, as the desk's scripts would).
func (u *user) api(method, path string, body any, out any) int {
	u.e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, u.e.srv.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if method != "GET" {
		req.Header.Set("X-CSRF-Token", u.csrf())
	}
	res, err := u.c.Do(req)
	if err != nil {
		u.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			u.e.t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, b)
		}
	}
	return res.StatusCode
}

// waitFor polls cond (each poll is a real request or query) until it holds
// or 10 s pass: the engine's job runners work asynchronously.
func (e *env) waitFor(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

const pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

// apply files a ZTL application as u through the form flow and returns
// the application number and the instance id.
func (u *user) apply(cf string) (number, id string) {
	t := u.e.t
	t.Helper()
	path := "/portal/servizi/ztl-access/domanda"
	u.get(path)
	if u.code != 200 {
		t.Fatalf("flow start: %d", u.code)
	}
	u.flow(path, url.Values{"_privacy": {"true"}}, "next", nil)
	u.flow(path, url.Values{"$/richiedente/nome": {"Mario"}, "$/richiedente/cognome": {"Rossi"}, "$/richiedente/codice_fiscale": {cf},
		"$/richiedente/email": {"mario.rossi@example.it"}, "$/motivo": {`"residente"`}}, "next", nil)
	if !strings.Contains(u.last, `data-page="step-2"`) {
		t.Fatalf("step 1: %d\n%s", u.code, u.last)
	}
	u.flow(path, url.Values{"$/veicolo/targa": {"AB123CD"}, "$/veicolo/alimentazione": {`"benzina"`}, "$/veridicita": {"true"}}, "next",
		map[string][2]string{"$/carta_circolazione": {"libretto.pdf", pdf}})
	if !strings.Contains(u.last, `data-page="summary"`) {
		t.Fatalf("step 2: %d\n%s", u.code, u.last)
	}
	summary := u.last
	u.flow(path, nil, "submit", nil)
	m := regexp.MustCompile(`\b(20[0-9]{2}/[0-9]{6})\b`).FindStringSubmatch(u.last)
	if u.code != 200 || m == nil {
		t.Fatalf("submit: %d\n%s", u.code, u.last)
	}
	// A double click: the summary posted again files nothing new.
	u.last = summary
	u.flow(path, nil, "submit", nil)
	if u.code != 200 || !strings.Contains(u.last, m[1]) {
		t.Fatalf("second submit: %d, want the number %s again", u.code, m[1])
	}
	u.get("/portal/pratiche")
	if n := strings.Count(u.last, "<tr data-case="); n != 1 {
		t.Fatalf("%d cases after a double submission, want 1", n)
	}
	row := regexp.MustCompile(`<tr data-case="([^"]+)"><td><a href="/portal/pratiche/[^"]+">` + regexp.QuoteMeta(m[1])).FindStringSubmatch(u.last)
	if row == nil {
		t.Fatalf("le mie pratiche lacks %s:\n%s", m[1], u.last)
	}
	return m[1], row[1]
}

type task struct {
	ID       string `json:"id"`
	Element  string `json:"element"`
	Assignee string `json:"assignee"`
	Instance string `json:"instanceId"`
}

// taskOf waits for the open task of an instance at element, as seen by
// the official u.
func (u *user) taskOf(id, element string) task {
	var found task
	u.e.waitFor("task "+element, func() bool {
		var out struct{ Tasks []task }
		u.api("GET", "/api/v1/tasks", nil, &out)
		for _, t := range out.Tasks {
			if t.Instance == id && t.Element == element {
				found = t
				return true
			}
		}
		return false
	})
	return found
}

type instance struct {
	Status  string `json:"status"`
	Phase   string `json:"phase"`
	Number  string `json:"number"`
	Version int64  `json:"version"`
	Term    *struct {
		Days      int  `json:"days"`
		Remaining int  `json:"remaining"`
		Suspended bool `json:"suspended"`
	} `json:"term"`
	Waiting []struct {
		Element string `json:"element"`
	} `json:"waiting"`
}

func TestStorySQLite(t *testing.T) { story(t, newEnv(t, false)) }

func TestStoryPostgres(t *testing.T) { story(t, newEnv(t, true)) }

// story: a citizen applies, an official asks for integration, the citizen
// answers with an attachment after 10 days, the official approves, the
// citizen sees the case concluded with the permit; the history and the
// legal term (suspended days not counted) are checked through the API.
func story(t *testing.T, e *env) {
	mario := e.login("monza.mario.rossi")
	number, id := mario.apply("RSSMRA85T10A562S")

	laura := e.login("monza.laura.verdi")
	tk := laura.taskOf(id, "Istruttoria")
	laura.get("/desk")
	if !strings.Contains(laura.last, `data-task="`+tk.ID+`"`) || !strings.Contains(laura.last, number) {
		t.Fatalf("desk lacks the task:\n%s", laura.last)
	}
	laura.postForm("/desk/attivita/"+tk.ID+"/claim", url.Values{"_csrf": {laura.csrf()}})
	if laura.code != 200 {
		t.Fatalf("claim: %d", laura.code)
	}
	laura.get("/desk/casi/" + id)
	if !strings.Contains(laura.last, "data-complete") || !strings.Contains(laura.last, `data-element="Istruttoria"`) {
		t.Fatalf("case page has no completion form:\n%s", laura.last)
	}
	laura.postForm("/desk/casi/"+id+"/completa", url.Values{"_csrf": {laura.csrf()}, "_task": {tk.ID},
		"$/esito/decisione": {`"integrazione"`}, "$/esito/motivazione": {"Allegare il contratto di locazione"},
		"$/checklist/identita_verificata": {"true"}, "$/checklist/nessun_conflitto": {"true"}})
	if laura.code != 200 {
		t.Fatalf("ask integration: %d\n%s", laura.code, laura.last)
	}

	var in instance
	laura.api("GET", "/api/v1/instances/"+id, nil, &in)
	if in.Term == nil || !in.Term.Suspended || len(in.Waiting) != 1 || in.Waiting[0].Element != "Integrazione" {
		t.Fatalf("after the request for integration: %+v", in)
	}
	before := in.Term.Remaining

	// Ten days pass before the citizen answers (sessions expire: log in again).
	e.clock.Advance(10 * 24 * time.Hour)
	mario = e.login("monza.mario.rossi")
	mario.get("/portal/pratiche/" + id)
	if !strings.Contains(mario.last, "Allegare il contratto di locazione") || !strings.Contains(mario.last, `name="$/integrazione/risposta"`) {
		t.Fatalf("the citizen does not see the request:\n%s", mario.last)
	}
	if !strings.Contains(mario.last, "Sospeso") {
		t.Errorf("term not shown as suspended:\n%s", mario.last)
	}
	mario.postMultipart("/portal/pratiche/"+id+"/integrazione", url.Values{"_csrf": {mario.csrf()}, "_task": {mario.hidden().Get("_task")},
		"$/integrazione/risposta": {"Allego il contratto"}}, map[string][2]string{"$/integrazione/allegato": {"contratto.pdf", pdf}})
	if mario.code != 200 || !strings.Contains(mario.last, "Integrazione inviata") {
		t.Fatalf("answer: %d\n%s", mario.code, mario.last)
	}

	laura = e.login("monza.laura.verdi")
	tk = laura.taskOf(id, "Istruttoria")
	laura.api("POST", "/api/v1/tasks/"+tk.ID+"/claim", nil, nil)
	laura.get("/desk/casi/" + id)
	laura.postForm("/desk/casi/"+id+"/completa", url.Values{"_csrf": {laura.csrf()}, "_task": {tk.ID},
		"$/esito/decisione": {`"accolta"`}, "$/esito/motivazione": {"Requisiti verificati"},
		"$/checklist/identita_verificata": {"true"}, "$/checklist/requisiti_verificati": {"true"}, "$/checklist/nessun_conflitto": {"true"}})
	if laura.code != 200 {
		t.Fatalf("approve: %d\n%s", laura.code, laura.last)
	}
	e.waitFor("the case to conclude", func() bool {
		laura.api("GET", "/api/v1/instances/"+id, nil, &in)
		return in.Status == "completed"
	})
	if in.Phase != "Conclusa: permesso rilasciato" || in.Number != number {
		t.Errorf("concluded: %+v", in)
	}
	// Only the days outside the suspension count: the term is as long as
	// on the day the integration was asked.
	if in.Term == nil || in.Term.Suspended || in.Term.Remaining != before {
		t.Errorf("term at the end: %+v, want %d days left", in.Term, before)
	}

	var hist struct {
		Events []struct{ Type, Element, Actor string }
	}
	laura.api("GET", "/api/v1/instances/"+id+"/history", nil, &hist)
	var types []string
	for _, ev := range hist.Events {
		types = append(types, ev.Type)
	}
	all := strings.Join(types, " ")
	for _, want := range []string{"started", "suspension-started", "suspension-ended", "task-completed", "document-added", "completed"} {
		if !strings.Contains(all, want) {
			t.Errorf("history lacks %s: %s", want, all)
		}
	}

	mario = e.login("monza.mario.rossi")
	mario.get("/portal/pratiche")
	if !strings.Contains(mario.last, "Conclusa: permesso rilasciato") {
		t.Errorf("le mie pratiche:\n%s", mario.last)
	}
	mario.get("/portal/pratiche/" + id)
	for _, doc := range []string{"carta_circolazione", "integrazione.allegato", "permesso"} {
		if !strings.Contains(mario.last, `data-document="`+doc+`"`) {
			t.Errorf("the citizen does not see document %s", doc)
		}
	}
	if strings.Contains(mario.last, "checklist.") {
		t.Error("the citizen sees the officials' checklist")
	}
	mario.get("/portal/pratiche/" + id + "/documenti/checklist.Istruttoria/1")
	if mario.code != 404 {
		t.Errorf("the citizen downloads the checklist: %d", mario.code)
	}
	laura.get("/desk/casi/" + id)
	if !strings.Contains(laura.last, "checklist.Istruttoria") {
		t.Error("the official does not see the checklist document")
	}
	mario.get("/portal/pratiche/" + id + "/documenti/permesso/1")
	if mario.code != 200 || !strings.HasPrefix(mario.last, "%PDF-") {
		t.Errorf("permit download: %d %.20q", mario.code, mario.last)
	}

	n, err := e.site.DB.Verify(context.Background(), "monza")
	if err != nil || n < 6 {
		t.Errorf("audit trail: %d entries, %v", n, err)
	}
}

func dropSchema(t *testing.T, url, schema string) {
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Logf("drop schema %s: %v", schema, err)
		return
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
		t.Logf("drop schema %s: %v", schema, err)
	}
}
