package site_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/procedo/procedo/codegen"
	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
	ztlaccess "github.com/procedo/procedo/templates/ztl-access"
	"github.com/procedo/procedo/web/server"
)

// contract checks real answers of the running server against the
// OpenAPI document it serves: the status must be documented for the
// operation, and the body must validate against the documented schema.
type contract struct {
	t     *testing.T
	doc   map[string]any
	c     *jsonschema.Compiler
	cache map[string]*jsonschema.Schema
	seen  map[string]bool
}

const docURL = "https://procedo.dev/api/v1/openapi.json"

func newContract(t *testing.T) *contract {
	var doc map[string]any
	if err := json.Unmarshal(server.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi version %v", doc["openapi"])
	}
	res, err := jsonschema.UnmarshalJSON(bytes.NewReader(server.OpenAPI))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(docURL, res); err != nil {
		t.Fatal(err)
	}
	return &contract{t: t, doc: doc, c: c, cache: map[string]*jsonschema.Schema{}, seen: map[string]bool{}}
}

// operation finds the path template matching path.
func (k *contract) operation(method, path string) (string, map[string]any) {
	for tmpl, item := range k.doc["paths"].(map[string]any) {
		re := "^" + regexp.MustCompile(`\\\{[a-z]+\\\}`).ReplaceAllString(regexp.QuoteMeta(tmpl), `[^/]+`) + "$"
		if regexp.MustCompile(re).MatchString(path) {
			if op, ok := item.(map[string]any)[strings.ToLower(method)].(map[string]any); ok {
				return tmpl, op
			}
		}
	}
	return "", nil
}

func (k *contract) schema(ref string) *jsonschema.Schema {
	if s := k.cache[ref]; s != nil {
		return s
	}
	s, err := k.c.Compile(docURL + ref)
	if err != nil {
		k.t.Fatalf("compile %s: %v", ref, err)
	}
	k.cache[ref] = s
	return s
}

// check validates one answer.
func (k *contract) check(method, path string, status int, contentType string, body []byte) {
	k.t.Helper()
	tmpl, op := k.operation(method, strings.SplitN(path, "?", 2)[0])
	if op == nil {
		k.t.Errorf("%s %s: not in the OpenAPI document", method, path)
		return
	}
	resp, ok := op["responses"].(map[string]any)[strconv.Itoa(status)].(map[string]any)
	if !ok {
		k.t.Errorf("%s %s: status %d not documented: %.300s", method, tmpl, status, body)
		return
	}
	if ref, ok := resp["$ref"].(string); ok {
		resp = k.doc["components"].(map[string]any)["responses"].(map[string]any)[strings.TrimPrefix(ref, "#/components/responses/")].(map[string]any)
	}
	ct := strings.SplitN(contentType, ";", 2)[0]
	media, ok := resp["content"].(map[string]any)[ct].(map[string]any)
	if !ok {
		k.t.Errorf("%s %s %d: content type %q not documented", method, tmpl, status, ct)
		return
	}
	sch, ok := media["schema"].(map[string]any)
	if !ok {
		return // binary content
	}
	ref, _ := sch["$ref"].(string)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		k.t.Errorf("%s %s %d: not JSON: %v", method, tmpl, status, err)
		return
	}
	if err := k.schema(ref).Validate(inst); err != nil {
		k.t.Errorf("%s %s %d does not fit %s: %v\n%s", method, tmpl, status, ref, err, body)
	}
	k.seen[method+" "+tmpl+" "+strconv.Itoa(status)] = true
}

// call makes an API request as u and checks the answer against the
// contract.
func (k *contract) call(u *user, method, path, ct string, body []byte) (int, []byte) {
	k.t.Helper()
	csrf := ""
	if method != "GET" {
		csrf = u.csrf()
	}
	code, rct, rb := u.raw(method, path, ct, body, csrf)
	k.check(method, path, code, rct, []byte(rb))
	return code, []byte(rb)
}

func TestOpenAPIContract(t *testing.T) {
	e := newEnv(t, false)
	k := newContract(t)
	mario := e.login("monza.mario.rossi")
	mario.get("/portal")
	code, b := k.call(mario, "POST", "/api/v1/procedures/ztl-access/instances", "application/json",
		[]byte(`{"variables": {"richiedente": {"nome": "Mario", "cognome": "Rossi", "codice_fiscale": "RSSMRA85T10A562S", "email": "m@example.it"},
		"veicolo": {"targa": "AB123CD", "alimentazione": "benzina"}, "motivo": "residente", "veridicita": true}}`))
	if code != 201 {
		t.Fatalf("start: %d %s", code, b)
	}
	var in struct{ ID string }
	json.Unmarshal(b, &in)
	k.call(mario, "POST", "/api/v1/procedures/ztl-access/instances", "application/json", []byte(`{"variables": {"motivo": 1}}`))
	k.call(mario, "GET", "/api/v1/instances/"+in.ID, "", nil)

	laura := e.login("monza.laura.verdi")
	tk := laura.taskOf(in.ID, "Istruttoria")
	laura.get("/desk")
	k.call(laura, "GET", "/api/v1/procedures", "", nil)
	k.call(laura, "GET", "/api/v1/procedures/ztl-access/versions", "", nil)
	k.call(laura, "GET", "/api/v1/procedures/nessuna/versions", "", nil)
	k.call(laura, "GET", "/api/v1/tasks", "", nil)
	k.call(laura, "POST", "/api/v1/tasks/"+tk.ID+"/claim", "", nil)
	k.call(laura, "POST", "/api/v1/tasks/"+tk.ID+"/release", "", nil)
	k.call(laura, "POST", "/api/v1/tasks/"+tk.ID+"/complete", "application/json", []byte(`{"payload": {"esito": {"decisione": "boh"}}}`))
	k.call(laura, "POST", "/api/v1/tasks/"+tk.ID+"/complete", "application/json", []byte(`{"payload": `))
	if code, b := k.call(laura, "POST", "/api/v1/instances/"+in.ID+"/documents?name=verbale", "application/pdf", []byte(pdf)); code != 201 {
		t.Fatalf("upload: %d %s", code, b)
	}
	k.call(laura, "GET", "/api/v1/instances/"+in.ID+"/documents", "", nil)
	k.call(laura, "GET", "/api/v1/instances/"+in.ID+"/history", "", nil)
	k.call(laura, "POST", "/api/v1/tasks/"+tk.ID+"/complete", "application/json",
		[]byte(`{"payload": {"esito": {"decisione": "respinta", "motivazione": "Targa non abilitata"}, "checklist": {"identita_verificata": true, "requisiti_verificati": true, "nessun_conflitto": true}}}`))
	k.call(laura, "POST", "/api/v1/tasks/"+tk.ID+"/complete", "application/json", []byte(`{"payload": {}}`)) // 409: no longer open
	// Rejected: the notice with its reasons becomes a document of the case.
	e.waitFor("the notice of rejection", func() bool {
		var docs struct {
			Documents []struct{ Name, MediaType string }
		}
		laura.api("GET", "/api/v1/instances/"+in.ID+"/documents", nil, &docs)
		for _, d := range docs.Documents {
			if d.Name == "diniego" && d.MediaType == "application/pdf" {
				return true
			}
		}
		return false
	})
	k.call(laura, "GET", "/api/v1/instances/"+in.ID, "", nil)
	k.call(laura, "POST", "/api/v1/messages", "application/json", []byte(`{"name": "pagamento", "key": "x"}`))

	admin := e.login("monza.admin")
	admin.get("/portal")
	code, b = k.call(admin, "POST", "/api/v1/tokens", "application/json", []byte(`{"user": "monza.laura.verdi", "name": "protocollo"}`))
	if code != 201 {
		t.Fatalf("token: %d %s", code, b)
	}
	var tok struct{ Token string }
	json.Unmarshal(b, &tok)
	k.call(admin, "POST", "/api/v1/tokens", "application/json", []byte(`{"user": "messina.admin"}`))
	k.call(admin, "POST", "/api/v1/deployments", "application/zip", []byte("not a zip"))

	// A machine client with the token: no cookies, no CSRF.
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/instances/"+in.ID+"/history", nil)
	req.Header.Set("Authorization", "Bearer "+tok.Token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.ReadFrom(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("token client: %d %s", res.StatusCode, buf.Bytes())
	}
	k.check("GET", "/api/v1/instances/"+in.ID+"/history", res.StatusCode, res.Header.Get("Content-Type"), buf.Bytes())
	req, _ = http.NewRequest("GET", e.srv.URL+"/api/v1/tasks", nil)
	req.Header.Set("Authorization", "Bearer pro_wrong")
	res, _ = http.DefaultClient.Do(req)
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Errorf("wrong token: %d", res.StatusCode)
	}
	// The contract can fail: a wrong body does not fit.
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"id": "x", "status": "sleeping"}`))
	if k.schema("#/components/schemas/Instance").Validate(bad) == nil {
		t.Error("the Instance schema accepts a wrong body")
	}
	t.Logf("checked: %v", k.seen)
	if len(k.seen) < 15 {
		t.Errorf("only %d (operation, status) pairs checked: %v", len(k.seen), k.seen)
	}
}

// TestDeployBundle deploys the ZTL bundle as a zip through the API: the
// same bundle is the version already deployed (its generated code); a
// changed bundle becomes version 2, built in memory by codegen.Load.
func TestDeployBundle(t *testing.T) {
	e := newEnv(t, false)
	k := newContract(t)
	admin := e.login("monza.admin")
	admin.get("/portal")
	zipped, err := ztlaccess.BundleZip()
	if err != nil {
		t.Fatal(err)
	}
	code, b := k.call(admin, "POST", "/api/v1/deployments", "application/zip", zipped)
	if code != 201 || !strings.Contains(string(b), `"version":1`) {
		t.Fatalf("same bundle: %d %s", code, b)
	}
	changed := rezip(t, zipped, "process.bpmn", func(s string) string {
		return strings.Replace(s, `procedo:sla="P10D"`, `procedo:sla="P5D"`, 1)
	})
	code, b = k.call(admin, "POST", "/api/v1/deployments", "application/zip", changed)
	if code != 201 || !strings.Contains(string(b), `"version":2`) {
		t.Fatalf("changed bundle: %d %s", code, b)
	}
	broken := rezip(t, zipped, "process.bpmn", func(s string) string { return strings.Replace(s, `targetRef="Respinta"`, `targetRef="Nessuno"`, 1) })
	code, b = k.call(admin, "POST", "/api/v1/deployments", "application/zip", broken)
	if code != 422 || !strings.Contains(string(b), "Nessuno") {
		t.Fatalf("broken bundle: %d %s", code, b)
	}
	laura := e.login("monza.laura.verdi")
	laura.get("/desk")
	code, _ = k.call(laura, "POST", "/api/v1/deployments", "application/zip", zipped)
	if code != 403 {
		t.Errorf("an official deploys: %d", code)
	}
	var vers struct{ Versions []struct{ Version int } }
	laura.api("GET", "/api/v1/procedures/ztl-access/versions", nil, &vers)
	if len(vers.Versions) != 2 {
		t.Errorf("versions: %+v", vers)
	}
	// Version 2 runs in memory (codegen.Load) with the same typed
	// services: an application goes through the plate check to the
	// review, whose SLA is now 5 days.
	mario := e.login("monza.mario.rossi")
	_, id := mario.apply("RSSMRA85T10A562S")
	tk := laura.taskOf(id, "Istruttoria")
	var in struct {
		DefinitionHash string         `json:"definitionHash"`
		Variables      map[string]any `json:"variables"`
	}
	laura.api("GET", "/api/v1/instances/"+id, nil, &in)
	carried, _ := ztlaccess.Definition()
	if in.DefinitionHash == carried.Hash {
		t.Errorf("the instance runs the carried version, want version 2")
	}
	if v, ok := in.Variables["verifica"].(map[string]any); !ok || v["esito"] != "regolare" {
		t.Errorf("plate check on the in-memory path: %v", in.Variables["verifica"])
	}
	var tasks struct {
		Tasks []struct {
			ID        string
			DueAt     time.Time `json:"dueAt"`
			CreatedAt time.Time `json:"createdAt"`
		}
	}
	laura.api("GET", "/api/v1/tasks", nil, &tasks)
	for _, x := range tasks.Tasks {
		if x.ID == tk.ID && x.DueAt.Sub(x.CreatedAt) != 5*24*time.Hour {
			t.Errorf("SLA of version 2: %v", x.DueAt.Sub(x.CreatedAt))
		}
	}
}

// rezip returns the archive with one file changed by f.
func rezip(t *testing.T, data []byte, name string, f func(string) string) []byte {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, file := range zr.File {
		rc, _ := file.Open()
		content, _ := io.ReadAll(rc)
		rc.Close()
		if file.Name == name {
			content = []byte(f(string(content)))
		}
		w, _ := zw.Create(file.Name)
		w.Write(content)
	}
	zw.Close()
	return buf.Bytes()
}

// TestResolveFromStoredBundle: an engine that does not carry the generated
// code of a running case's version (a later binary) rebuilds it from the
// bundle stored with the deployment and carries on.
func TestResolveFromStoredBundle(t *testing.T) {
	e := newEnv(t, false)
	mario := e.login("monza.mario.rossi")
	_, id := mario.apply("RSSMRA85T10A562S")
	laura := e.login("monza.laura.verdi")
	tk := laura.taskOf(id, "Istruttoria")
	svc := &ztlaccess.Services{Registry: ztlaccess.DemoRegistry()}
	resolved := 0
	resolve := func(ctx context.Context, d *store.Deployment) (*runtime.Definition, error) {
		resolved++
		return codegen.Resolver()(ctx, d)
	}
	later, err := runtime.New(runtime.Options{Store: e.site.Store, Clock: e.clock, Handlers: svc.Handlers(), Resolver: resolve,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	err = later.CompleteTask(context.Background(), &runtime.CompleteTaskParams{Body: "monza", TaskID: tk.ID, Actor: "monza.laura.verdi",
		Payload: json.RawMessage(`{"esito": {"decisione": "respinta", "motivazione": "Targa non abilitata"},
		"checklist": {"identita_verificata": true, "requisiti_verificati": true, "nessun_conflitto": true}}`)})
	if err != nil {
		t.Fatalf("completing with a resolved definition: %v", err)
	}
	v, err := later.Inspect(context.Background(), "monza", id)
	if err != nil || len(v.Waiting) != 1 || v.Waiting[0].Element != "Diniego" {
		t.Fatalf("after completion: %+v %v", v, err)
	}
	if resolved != 1 {
		t.Errorf("the resolver ran %d times, want 1", resolved)
	}
}
