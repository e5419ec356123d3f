package site_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// raw sends a request with the user's cookies and returns the status and
// the content type.
func (u *user) raw(method, path, contentType string, body []byte, csrfHeader string) (int, string, string) {
	u.e.t.Helper()
	req, _ := http.NewRequest(method, u.e.srv.URL+path, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if csrfHeader != "" {
		req.Header.Set("X-CSRF-Token", csrfHeader)
	}
	res, err := u.c.Do(req)
	if err != nil {
		u.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), string(b)
}

// TestBadInput: forged CSRF, another citizen's case, a case of another
// body, an official of the wrong office, an oversized upload, malformed
// JSON: each gets the right 4xx and nothing changes.
func TestBadInput(t *testing.T) {
	e := newEnv(t, false)
	mario := e.login("monza.mario.rossi")
	_, id := mario.apply("RSSMRA85T10A562S")
	laura := e.login("monza.laura.verdi")
	tk := laura.taskOf(id, "Istruttoria")
	var before instance
	laura.api("GET", "/api/v1/instances/"+id, nil, &before)

	giulia := e.login("monza.giulia.bianchi")
	anna := e.login("monza.anna.galli")         // Ambiente, not Polizia Locale
	carmela := e.login("messina.carmela.greco") // Polizia Locale of Messina
	anon := &user{e: e, c: &http.Client{}}
	laura.get("/desk")
	lauraCSRF := laura.csrf()
	anna.get("/desk")
	annaCSRF := anna.csrf()
	carmela.get("/desk")
	carmelaCSRF := carmela.csrf()
	giulia.get("/portal/pratiche")
	giuliaCSRF := giulia.csrf()
	mario.get("/portal/pratiche")
	marioCSRF := mario.csrf()

	form := func(v url.Values) []byte { return []byte(v.Encode()) }
	const formCT = "application/x-www-form-urlencoded"
	tests := []struct {
		name        string
		who         *user
		method      string
		path        string
		contentType string
		body        []byte
		csrfHeader  string
		want        int
		wantProblem bool
	}{
		{name: "forged CSRF on claim", who: laura, method: "POST", path: "/desk/attivita/" + tk.ID + "/claim", contentType: formCT,
			body: form(url.Values{"_csrf": {"forged"}}), want: 403},
		{name: "CSRF of another session", who: laura, method: "POST", path: "/desk/attivita/" + tk.ID + "/claim", contentType: formCT,
			body: form(url.Values{"_csrf": {annaCSRF}}), want: 403},
		{name: "API POST without CSRF header in a browser session", who: laura, method: "POST", path: "/api/v1/tasks/" + tk.ID + "/claim", want: 403, wantProblem: true},
		{name: "another citizen's case page", who: giulia, method: "GET", path: "/portal/pratiche/" + id, want: 403},
		{name: "another citizen's case via API", who: giulia, method: "GET", path: "/api/v1/instances/" + id, want: 403, wantProblem: true},
		{name: "another citizen answers the integration", who: giulia, method: "POST", path: "/portal/pratiche/" + id + "/integrazione", contentType: formCT,
			body: form(url.Values{"_csrf": {giuliaCSRF}, "$/integrazione/risposta": {"x"}}), want: 403},
		{name: "another citizen's document", who: giulia, method: "GET", path: "/portal/pratiche/" + id + "/documenti/carta_circolazione/1", want: 403},
		{name: "a case of another body (desk)", who: carmela, method: "GET", path: "/desk/casi/" + id, want: 404},
		{name: "a case of another body (API)", who: carmela, method: "GET", path: "/api/v1/instances/" + id, want: 404, wantProblem: true},
		{name: "a task of another body", who: carmela, method: "POST", path: "/desk/attivita/" + tk.ID + "/claim", contentType: formCT,
			body: form(url.Values{"_csrf": {carmelaCSRF}}), want: 404},
		{name: "wrong office claims", who: anna, method: "POST", path: "/desk/attivita/" + tk.ID + "/claim", contentType: formCT,
			body: form(url.Values{"_csrf": {annaCSRF}}), want: 403},
		{name: "wrong office opens the case", who: anna, method: "GET", path: "/desk/casi/" + id, want: 403},
		{name: "wrong office completes via API", who: anna, method: "POST", path: "/api/v1/tasks/" + tk.ID + "/complete", contentType: "application/json",
			body: []byte(`{"payload":{}}`), csrfHeader: annaCSRF, want: 403, wantProblem: true},
		{name: "citizen on the desk", who: mario, method: "GET", path: "/desk", want: 403},
		{name: "anonymous API", who: anon, method: "GET", path: "/api/v1/tasks", want: 401, wantProblem: true},
		{name: "oversized upload", who: laura, method: "POST", path: "/api/v1/instances/" + id + "/documents?name=grande", contentType: "application/pdf",
			body: append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 11<<20)...), csrfHeader: lauraCSRF, want: 413, wantProblem: true},
		{name: "upload whose content is not its type", who: laura, method: "POST", path: "/api/v1/instances/" + id + "/documents?name=finto", contentType: "application/pdf",
			body: []byte("MZ\x90\x00 not a pdf"), csrfHeader: lauraCSRF, want: 415, wantProblem: true},
		{name: "malformed JSON", who: laura, method: "POST", path: "/api/v1/tasks/" + tk.ID + "/complete", contentType: "application/json",
			body: []byte(`{"payload": {"esito": `), csrfHeader: lauraCSRF, want: 400, wantProblem: true},
		{name: "unknown JSON field", who: laura, method: "POST", path: "/api/v1/tasks/" + tk.ID + "/complete", contentType: "application/json",
			body: []byte(`{"payload": {}, "extra": 1}`), csrfHeader: lauraCSRF, want: 400, wantProblem: true},
		{name: "JSON that is not the form", who: laura, method: "POST", path: "/api/v1/tasks/" + tk.ID + "/complete", contentType: "application/json",
			body: []byte(`{"payload": {"esito": {"decisione": "forse"}}}`), csrfHeader: lauraCSRF, want: 422, wantProblem: true},
		{name: "start with malformed JSON", who: mario, method: "POST", path: "/api/v1/procedures/ztl-access/instances", contentType: "application/json",
			body: []byte(`{"variables": [}`), csrfHeader: marioCSRF, want: 400, wantProblem: true},
		{name: "start without CSRF header", who: mario, method: "POST", path: "/api/v1/procedures/ztl-access/instances", contentType: "application/json",
			body: []byte(`{"variables": {}}`), want: 403, wantProblem: true},
		{name: "start with an invalid form", who: mario, method: "POST", path: "/api/v1/procedures/ztl-access/instances", contentType: "application/json",
			body: []byte(`{"variables": {"motivo": "altro"}}`), csrfHeader: marioCSRF, want: 422, wantProblem: true},
		{name: "unknown API endpoint", who: laura, method: "GET", path: "/api/v1/nothing", want: 404, wantProblem: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, ct, body := tc.who.raw(tc.method, tc.path, tc.contentType, tc.body, tc.csrfHeader)
			if code != tc.want {
				t.Fatalf("status %d, want %d: %.300s", code, tc.want, body)
			}
			if tc.wantProblem && (ct != "application/problem+json" || !strings.Contains(body, `"status":`)) {
				t.Errorf("not a problem detail: %s %.200s", ct, body)
			}
		})
	}
	var after instance
	laura.api("GET", "/api/v1/instances/"+id, nil, &after)
	if after.Version != before.Version || after.Status != "active" {
		t.Errorf("the instance changed: version %d → %d", before.Version, after.Version)
	}
	var docs struct{ Documents []struct{ Name string } }
	laura.api("GET", "/api/v1/instances/"+id+"/documents", nil, &docs)
	if len(docs.Documents) != 1 {
		t.Errorf("documents changed: %+v", docs)
	}
	var tasks struct{ Tasks []task }
	laura.api("GET", "/api/v1/tasks", nil, &tasks)
	if len(tasks.Tasks) != 1 || tasks.Tasks[0].Assignee != "" {
		t.Errorf("tasks changed: %+v", tasks)
	}
}

// TestReassignAndNotes: a reassignment needs a reason and shows in the
// history; an internal note stays internal.
func TestReassignAndNotes(t *testing.T) {
	e := newEnv(t, false)
	mario := e.login("monza.mario.rossi")
	_, id := mario.apply("RSSMRA85T10A562S")
	laura := e.login("monza.laura.verdi")
	tk := laura.taskOf(id, "Istruttoria")
	laura.get("/desk/casi/" + id)
	laura.postForm("/desk/attivita/"+tk.ID+"/reassign", url.Values{"_csrf": {laura.csrf()}, "to": {"monza.paolo.neri"}, "reason": {"  "}})
	if laura.code != 422 {
		t.Fatalf("reassign without a reason: %d", laura.code)
	}
	laura.get("/desk/casi/" + id)
	laura.postForm("/desk/attivita/"+tk.ID+"/reassign", url.Values{"_csrf": {laura.csrf()}, "to": {"messina.carmela.greco"}, "reason": {"x"}})
	if laura.code != 422 {
		t.Fatalf("reassign to another body's official: %d", laura.code)
	}
	laura.get("/desk/casi/" + id)
	laura.postForm("/desk/attivita/"+tk.ID+"/reassign", url.Values{"_csrf": {laura.csrf()}, "to": {"monza.paolo.neri"}, "reason": {"Ferie della collega"}})
	if laura.code != 200 || !strings.Contains(laura.last, "Ferie della collega") {
		t.Fatalf("reassign: %d\n%s", laura.code, laura.last)
	}
	paolo := e.login("monza.paolo.neri")
	if got := paolo.taskOf(id, "Istruttoria"); got.Assignee != "monza.paolo.neri" {
		t.Errorf("assignee after reassignment: %q", got.Assignee)
	}
	paolo.get("/desk?vista=mie")
	if !strings.Contains(paolo.last, `data-task="`+tk.ID+`"`) {
		t.Error("the reassigned task is not among paolo's")
	}
	laura.get("/desk?vista=mie")
	if strings.Contains(laura.last, `data-task="`+tk.ID+`"`) {
		t.Error("the reassigned task is still among laura's")
	}
	laura.get("/desk?vista=libere")
	if strings.Contains(laura.last, `data-task="`+tk.ID+`"`) {
		t.Error("an assigned task is listed as free")
	}
	paolo.get("/desk/casi/" + id)
	paolo.postForm("/desk/casi/"+id+"/note", url.Values{"_csrf": {paolo.csrf()}, "text": {"Verificare la residenza all'anagrafe"}})
	if paolo.code != 200 || !strings.Contains(paolo.last, "Verificare la residenza") {
		t.Fatalf("note: %d", paolo.code)
	}
	mario.get("/portal/pratiche/" + id)
	if strings.Contains(mario.last, "Verificare la residenza") {
		t.Error("the citizen reads an internal note")
	}
	trail, err := e.site.DB.Trail(context.Background(), "monza", id)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, en := range trail {
		actions = append(actions, en.Action)
	}
	if got := strings.Join(actions, " "); got != "case.filed task.reassign note.added" {
		t.Errorf("audit trail of the case: %s", got)
	}
}
