package designerweb

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/procedo/procedo/designer/lint"
	"github.com/procedo/procedo/designer/workspace"
	"github.com/procedo/procedo/internal/testenv"
)

// client calls the JSON API as the designer's page does.
type client struct {
	t   *testing.T
	url string
}

func (c client) do(method, path string, body any, header map[string]string) (int, map[string]any) {
	c.t.Helper()
	var rd io.Reader
	if b, ok := body.([]byte); ok {
		rd = bytes.NewReader(b)
	} else if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, c.url+"/designer/api"+path, rd)
	req.Header.Set("X-Procedo-Designer", "1")
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	data, _ := io.ReadAll(res.Body)
	if len(data) > 0 && data[0] == '{' {
		if err := json.Unmarshal(data, &out); err != nil {
			c.t.Fatalf("%s %s: %v\n%s", method, path, err, data)
		}
	}
	return res.StatusCode, out
}

func TestAPI(t *testing.T) {
	srv, _, _ := newTestServer(t, (&recorder{}).deploy)
	c := client{t: t, url: srv.URL}

	status, v := c.do("POST", "/bundles", map[string]any{"name": "Permesso ZTL"}, nil)
	if status != 200 {
		t.Fatalf("create: %d %v", status, v)
	}
	id := v["bundle"].(map[string]any)["id"].(string)
	files := v["revision"].(map[string]any)["files"].(map[string]any)
	if files["process.bpmn"] != StarterBPMN {
		t.Fatal("a new bundle starts from the starter model")
	}
	if res := LintFiles(workspace.Files{"process.bpmn": StarterBPMN}); res.Errors() != 0 {
		t.Fatalf("the starter model lints with errors: %v", res.Diagnostics)
	}

	tests := []struct {
		name       string
		method     string
		path       string
		body       any
		header     map[string]string
		wantStatus int
		wantCode   string
		wantIn     string // a substring of the message
	}{
		{name: "save without the CSRF header", method: "POST", path: "/bundles/" + id + "/save", body: map[string]any{"base": 1, "files": files},
			header: map[string]string{"X-Procedo-Designer": ""}, wantStatus: 403, wantCode: "csrf"},
		{name: "save from another origin", method: "POST", path: "/bundles/" + id + "/save", body: map[string]any{"base": 1, "files": files},
			header: map[string]string{"Origin": "https://evil.example"}, wantStatus: 403, wantCode: "csrf"},
		{name: "save", method: "POST", path: "/bundles/" + id + "/save", body: map[string]any{"base": 1, "message": "prima", "files": files}, wantStatus: 200},
		{name: "second save on the same base", method: "POST", path: "/bundles/" + id + "/save", body: map[string]any{"base": 1, "message": "seconda", "files": files},
			wantStatus: 409, wantCode: "conflict", wantIn: "revisione 2"},
		{name: "conflict in English", method: "POST", path: "/bundles/" + id + "/save", body: map[string]any{"base": 1, "files": files},
			header: map[string]string{"Accept-Language": "en-GB,en"}, wantStatus: 409, wantCode: "conflict", wantIn: "revision 2"},
		{name: "file outside the bundle", method: "POST", path: "/bundles/" + id + "/save", body: map[string]any{"base": 2, "files": map[string]string{"../x": ""}},
			wantStatus: 422, wantCode: "invalid", wantIn: "../x"},
		{name: "unknown field", method: "POST", path: "/bundles/" + id + "/save", body: map[string]any{"base": 2, "filez": 1},
			wantStatus: 400, wantCode: "bad-request", wantIn: "filez"},
		{name: "unknown bundle", method: "GET", path: "/bundles/nope", wantStatus: 404, wantCode: "not-found"},
		{name: "bad revision", method: "GET", path: "/bundles/" + id + "/revisions/x", wantStatus: 400, wantCode: "bad-request"},
		{name: "import a broken file", method: "POST", path: "/import?filename=broken.bpmn", body: mustRead(t, "testdata/broken.bpmn"),
			wantStatus: 422, wantCode: "import-unreadable", wantIn: "broken.bpmn:5:3"},
		{name: "import an empty file", method: "POST", path: "/import?filename=a.bpmn", body: []byte(" \n"), wantStatus: 422, wantCode: "import-empty"},
		{name: "import a picture", method: "POST", path: "/import?filename=a.png", body: []byte("x"), wantStatus: 422, wantCode: "import-kind"},
		{name: "import a zip without a model", method: "POST", path: "/import?filename=a.zip", body: zipOf(t, map[string]string{"forms/a.schema.json": "{}"}),
			wantStatus: 422, wantCode: "import-no-bpmn"},
		{name: "import a bundle zip", method: "POST", path: "/import?filename=ztl.zip",
			body: zipOf(t, map[string]string{"ztl/process.bpmn": StarterBPMN, "ztl/forms/domanda.schema.json": `{"type":"object"}`, "ztl/README.md": "x"}), wantStatus: 200},
		{name: "deploy a clean revision", method: "POST", path: "/bundles/" + id + "/deploy", body: map[string]any{"rev": 1},
			wantStatus: 200},
		{name: "generate from a broken model", method: "POST", path: "/generate", body: map[string]any{"files": map[string]string{"process.bpmn": "<x"}},
			wantStatus: 422},
		{name: "simulation that does not exist", method: "GET", path: "/simulate/nope", wantStatus: 404, wantCode: "simulate-gone"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, out := c.do(tc.method, tc.path, tc.body, tc.header)
			if status != tc.wantStatus {
				t.Fatalf("status %d, want %d: %v", status, tc.wantStatus, out)
			}
			if tc.wantCode != "" && out["code"] != tc.wantCode {
				t.Fatalf("code %v, want %s: %v", out["code"], tc.wantCode, out)
			}
			if tc.wantIn != "" && !strings.Contains(out["message"].(string), tc.wantIn) {
				t.Fatalf("message %q does not contain %q", out["message"], tc.wantIn)
			}
		})
	}

	// A model that does not lint is not deployed.
	broken := map[string]string{"process.bpmn": strings.Replace(StarterBPMN, `<bpmn:sequenceFlow id="Flusso_1" sourceRef="Avvio" targetRef="Fine" />`, "", 1)}
	status, v = c.do("POST", "/bundles/"+id+"/save", map[string]any{"base": 2, "files": broken}, nil)
	if status != 200 {
		t.Fatalf("save: %d %v", status, v)
	}
	status, v = c.do("POST", "/bundles/"+id+"/deploy", map[string]any{"rev": 3}, nil)
	if status != 422 || v["code"] != "deploy-lint" || len(v["detail"].([]any)) == 0 {
		t.Fatalf("deploy with errors: %d %v", status, v)
	}

	// Rename, duplicate, restore, revisions.
	if status, v = c.do("POST", "/bundles/"+id+"/rename", map[string]any{"name": "  "}, nil); status != 422 || v["code"] != "invalid" {
		t.Fatalf("rename to blank: %d %v", status, v)
	}
	if status, v = c.do("POST", "/bundles/"+id+"/rename", map[string]any{"name": "Permesso ZTL residenti"}, nil); status != 200 || v["name"] != "Permesso ZTL residenti" {
		t.Fatalf("rename: %d %v", status, v)
	}
	status, v = c.do("POST", "/bundles/"+id+"/duplicate", map[string]any{"name": "Copia"}, nil)
	if status != 200 || v["revision"].(map[string]any)["message"] != "Copia di «Permesso ZTL residenti» (revisione 3)" {
		t.Fatalf("duplicate: %d %v", status, v)
	}
	status, v = c.do("POST", "/bundles/"+id+"/restore", map[string]any{"rev": 1, "base": 3}, nil)
	rev := v["revision"].(map[string]any)
	if status != 200 || rev["rev"] != 4.0 || rev["message"] != "Ripristino della revisione 1" || rev["files"].(map[string]any)["process.bpmn"] != StarterBPMN {
		t.Fatalf("restore: %d %v", status, v)
	}
	status, list := c.do("GET", "/bundles", nil, nil)
	if status != 200 || list != nil {
		// the list is a JSON array, which client.do does not decode
		t.Fatalf("list: %d %v", status, list)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/designer/api/bundles/"+id+"/revisions", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var revs []workspace.RevisionInfo
	json.NewDecoder(res.Body).Decode(&revs)
	res.Body.Close()
	if len(revs) != 4 || revs[0].Rev != 4 || revs[0].Author != "anna" {
		t.Fatalf("revisions: %+v", revs)
	}

	// Compare and export.
	status, v = c.do("GET", "/bundles/"+id+"/compare?a=2&b=3", nil, nil)
	if status != 200 || !strings.Contains(mustJSON(v["elements"]), `"id":"Flusso_1"`) {
		t.Fatalf("compare: %d %v", status, v)
	}
	res, err = http.Get(srv.URL + "/designer/api/bundles/" + id + "/export?rev=2")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(res.Body)
	res.Body.Close()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil || len(zr.File) != 1 || zr.File[0].Name != "process.bpmn" || !strings.Contains(res.Header.Get("Content-Disposition"), "permesso-ztl-residenti-r2.zip") {
		t.Fatalf("export: %v %v %s", err, zr, res.Header.Get("Content-Disposition"))
	}

	// The page has a strict policy and no inline script.
	res, err = http.Get(srv.URL + "/designer/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(res.Header.Get("Content-Security-Policy"), "script-src 'self'") || strings.Contains(string(page), "<script>") ||
		!strings.Contains(string(page), "Anna Rossi") {
		t.Fatalf("page: CSP %q\n%s", res.Header.Get("Content-Security-Policy"), page)
	}
}

func TestIdentify(t *testing.T) {
	store, err := workspace.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	tests := []struct {
		name string
		err  error
		want int
	}{
		{name: "no session", err: ErrUnauthenticated, want: 401},
		{name: "not an analyst", err: ErrForbidden, want: 403},
		{name: "broken identity provider", err: errors.New("ldap down"), want: 500},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := New(Options{Store: store, Identify: func(*http.Request) (Identity, error) { return Identity{}, tc.err }})
			for _, path := range []string{"/designer/", "/designer/api/bundles", "/designer/ws", "/designer/api/bundles/x/export"} {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
				if rec.Code != tc.want {
					t.Errorf("%s: status %d, want %d", path, rec.Code, tc.want)
				}
			}
		})
	}
}

// TestTenants: a bundle of one body is invisible to another.
func TestTenants(t *testing.T) {
	store, err := workspace.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	tenant := "a"
	h := New(Options{Store: store, Identify: func(*http.Request) (Identity, error) { return Identity{Tenant: tenant, User: "u"}, nil }})
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := client{t: t, url: srv.URL}
	_, v := c.do("POST", "/bundles", map[string]any{"name": "di A"}, nil)
	id := v["bundle"].(map[string]any)["id"].(string)
	tenant = "b"
	if status, _ := c.do("GET", "/bundles/"+id, nil, nil); status != 404 {
		t.Fatalf("another tenant reads the bundle: %d", status)
	}
	if status, _ := c.do("POST", "/bundles/"+id+"/save", map[string]any{"base": 1, "files": map[string]string{}}, nil); status != 404 {
		t.Fatalf("another tenant saves the bundle: %d", status)
	}
}

// TestLintFilesAgreesWithPath: the designer's in-memory lint and
// `procedo lint` on the same bundle folder give the same diagnostics.
func TestLintFilesAgreesWithPath(t *testing.T) {
	var dirs []string
	filepath.WalkDir(filepath.Join(testenv.RepoRoot(), "designer", "lint", "testdata"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() == "process.bpmn" {
			dirs = append(dirs, filepath.Dir(p))
		}
		return nil
	})
	checked := 0
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "process.bpmn")); err != nil {
			continue
		}
		files := workspace.Files{}
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			rel, _ := filepath.Rel(dir, p)
			rel = filepath.ToSlash(rel)
			if err == nil && !d.IsDir() && workspace.ValidPath(rel) {
				data, _ := os.ReadFile(p)
				files[rel] = string(data)
			}
			return nil
		})
		name, _ := filepath.Rel(filepath.Join(testenv.RepoRoot(), "designer", "lint", "testdata"), dir)
		t.Run(name, func(t *testing.T) {
			want := lint.Path(dir)
			got := LintFiles(files)
			if renderDiags(got.Diagnostics, "") != renderDiags(want.Diagnostics, dir+string(filepath.Separator)) {
				t.Errorf("in memory:\n%s\non disk:\n%s", renderDiags(got.Diagnostics, ""), renderDiags(want.Diagnostics, dir+string(filepath.Separator)))
			}
		})
		checked++
	}
	if checked < 10 {
		t.Fatalf("compared %d bundles", checked)
	}
}

func renderDiags(ds []lint.Diagnostic, trim string) string {
	var b strings.Builder
	for _, d := range ds {
		d.File = filepath.ToSlash(strings.TrimPrefix(d.File, trim))
		if d.Rule == "form-invalid" && strings.HasSuffix(d.File, ".ui.json") {
			continue // the designer's own UI schema check
		}
		b.WriteString(d.String() + "\n")
	}
	return b.String()
}

func TestWebsocketLint(t *testing.T) {
	srv, h, _ := newTestServer(t, nil)
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/designer/ws"
	if _, res, err := websocket.DefaultDialer.Dial(url, http.Header{"Origin": {"https://evil.example"}}); err == nil || res.StatusCode != 403 {
		t.Fatalf("cross-origin websocket accepted: %v", err)
	}
	conn, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	send := func(seq int64, files workspace.Files) lintReport {
		t.Helper()
		if err := conn.WriteJSON(lintRequest{Type: "lint", Seq: seq, Files: files}); err != nil {
			t.Fatal(err)
		}
		var rep lintReport
		conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		if err := conn.ReadJSON(&rep); err != nil {
			t.Fatal(err)
		}
		return rep
	}
	if rep := send(1, workspace.Files{"process.bpmn": StarterBPMN}); rep.Seq != 1 || rep.Errors != 0 || rep.Unreadable {
		t.Fatalf("starter: %+v", rep)
	}
	rep := send(2, workspace.Files{"process.bpmn": string(mustRead(t, "testdata/broken.bpmn"))})
	if !rep.Unreadable || len(rep.Diagnostics) == 0 || rep.Diagnostics[0].Line != 5 || rep.Diagnostics[0].Rule != "bpmn-parse" {
		t.Fatalf("broken: %+v", rep)
	}
	if n := h.dropSockets(); n != 1 {
		t.Fatalf("dropped %d sockets, want 1", n)
	}
	if _, _, err := conn.ReadMessage(); err == nil {
		t.Fatal("the dropped socket still reads")
	}
}

func TestCatalogue(t *testing.T) {
	for key, texts := range catalogue {
		if texts[0] == "" || texts[1] == "" || strings.Count(texts[0], "%") != strings.Count(texts[1], "%") {
			t.Errorf("%s: %q / %q", key, texts[0], texts[1])
		}
	}
}

// BenchmarkLintRoundTrip measures one lint request of C.8.0 (the largest
// model of the corpus, ~240 KB) over the websocket: encode, send, lint,
// answer, decode.
func BenchmarkLintRoundTrip(b *testing.B) {
	path := filepath.Join(testenv.CorpusDir(b, "bpmn"), "miwg", "Reference", "C.8.0.bpmn")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	store, err := workspace.OpenSQLite(context.Background(), filepath.Join(b.TempDir(), "d.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	h := New(Options{Store: store, Identify: func(*http.Request) (Identity, error) { return Identity{Tenant: "t", User: "u"}, nil }})
	srv := httptest.NewServer(h)
	defer srv.Close()
	conn, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http")+"/designer/ws", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	files := workspace.Files{"process.bpmn": string(data)}
	b.SetBytes(int64(len(data)))
	for i := 0; b.Loop(); i++ {
		if err := conn.WriteJSON(lintRequest{Type: "lint", Seq: int64(i), Files: files}); err != nil {
			b.Fatal(err)
		}
		var rep lintReport
		if err := conn.ReadJSON(&rep); err != nil {
			b.Fatal(err)
		}
		if rep.Seq != int64(i) {
			b.Fatalf("seq %d, want %d", rep.Seq, i)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/roundtrip")
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustJSON(v any) string {
	data, _ := json.Marshal(v)
	return string(data)
}

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		f, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(f, content)
	}
	zw.Close()
	return buf.Bytes()
}
