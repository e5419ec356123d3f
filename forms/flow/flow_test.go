package flow

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/procedo/procedo/forms"
	"github.com/procedo/procedo/forms/render"
	"github.com/procedo/procedo/forms/submit"
)

func testNow() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }

// Server is the realistic form served by the flow, with the store in
// memory. It is also used by the browser test.
func newServer(t testing.TB) (*httptest.Server, *forms.Form, map[string]any, *submit.MemoryStore) {
	t.Helper()
	read := func(n string) []byte {
		b, err := os.ReadFile("../testdata/" + n)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	f, err := forms.Compile(forms.Source{Name: "ztl.schema.json", Data: read("ztl.schema.json")},
		forms.Source{Name: "ztl.ui.json", Data: read("ztl.ui.json")}, forms.Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	r, err := render.New(f, render.Options{BodyName: "Comune di Roccasecca", AssetsURL: "/assets/forms"})
	if err != nil {
		t.Fatal(err)
	}
	key := bytes.Repeat([]byte{1}, 32)
	csrf, _ := submit.NewCSRF(key, time.Hour)
	drafts, _ := submit.NewDrafts(key, 0)
	store := submit.NewMemoryStore()
	store.Now = testNow
	h, err := New(Config{
		Renderer: r, FormID: "ztl@test", Body: "roccasecca", CSRF: csrf, Drafts: drafts, Filer: store, Documents: store, DraftStore: store,
		Session: func(r *http.Request) string {
			if c, err := r.Cookie("sid"); err == nil {
				return c.Value
			}
			return ""
		},
		Now: testNow,
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/domanda", h)
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.Handle("/assets/forms/", http.StripPrefix("/assets/forms/", http.FileServer(http.Dir("../../web/dist/forms"))))
	// A session cookie, as the portal's login would set.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := r.Cookie("sid"); err != nil && r.URL.Path == "/domanda" && r.Method == http.MethodGet {
			sid := submit.NewIdempotencyKey()
			http.SetCookie(w, &http.Cookie{Name: "sid", Value: sid, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
			r.AddCookie(&http.Cookie{Name: "sid", Value: sid})
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	var data map[string]any
	if err := json.Unmarshal(read("ztl.valid.json"), &data); err != nil {
		t.Fatal(err)
	}
	return srv, f, data, store
}

var hiddenRe = regexp.MustCompile(`<input type="hidden" name="(_[a-z]+)" value="([^"]*)">`)

type client struct {
	t    *testing.T
	c    *http.Client
	url  string
	last string
}

func (c *client) hidden() url.Values {
	v := url.Values{}
	for _, m := range hiddenRe.FindAllStringSubmatch(c.last, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	return v
}

func (c *client) do(req *http.Request) int {
	c.t.Helper()
	res, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	c.last = string(b)
	return res.StatusCode
}

func (c *client) post(fields url.Values, action string) int {
	c.t.Helper()
	v := c.hidden()
	for k, vs := range fields {
		v[k] = vs
	}
	v.Set("_action", action)
	req, _ := http.NewRequest("POST", c.url, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *client) postMultipart(fields url.Values, files map[string][2]string, action string) int {
	c.t.Helper()
	v := c.hidden()
	for k, vs := range fields {
		v[k] = vs
	}
	v.Set("_action", action)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range v {
		for _, s := range vs {
			mw.WriteField(k, s)
		}
	}
	for field, f := range files {
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{`form-data; name="` + field + `"; filename="` + f[0] + `"`}
		h["Content-Type"] = []string{"application/pdf"}
		w, _ := mw.CreatePart(h)
		w.Write([]byte(f[1]))
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.url, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

const pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

func TestFullFlowWithoutJavaScript(t *testing.T) {
	srv, f, data, _ := newServer(t)
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, c: &http.Client{Jar: jar}, url: srv.URL + "/domanda"}
	req, _ := http.NewRequest("GET", c.url, nil)
	if code := c.do(req); code != 200 || !strings.Contains(c.last, "Informativa sul trattamento dei dati personali") {
		t.Fatalf("start: %d", code)
	}
	// Privacy not accepted.
	if code := c.post(nil, "next"); code != 422 || !strings.Contains(c.last, "Per proseguire devi accettare") {
		t.Fatalf("privacy refusal: %d", code)
	}
	if code := c.post(url.Values{"_privacy": {"true"}}, "next"); code != 200 || !strings.Contains(c.last, `data-page="step-1"`) {
		t.Fatalf("privacy accepted: %d", code)
	}
	// Step 1 with a wrong codice fiscale: the same step, with the errors.
	fields := f.Encode(data, 0)
	fields.Set("$/richiedente/codice_fiscale", "RSSMRA85T10A562T")
	if code := c.post(fields, "next"); code != 422 || !strings.Contains(c.last, `<a href="#f-richiedente-codice_5ffiscale">`) {
		t.Fatalf("step 1 errors: %d\n%s", code, c.last)
	}
	if !strings.Contains(c.last, `value="Maria Grazia"`) {
		t.Fatal("the page lost what the citizen typed")
	}
	if code := c.post(f.Encode(data, 0), "next"); code != 200 || !strings.Contains(c.last, `data-page="step-2"`) {
		t.Fatalf("step 1: %d", code)
	}
	// Back keeps the data.
	if code := c.post(f.Encode(data, 1), "back"); code != 200 || !strings.Contains(c.last, `value="Maria Grazia"`) {
		t.Fatalf("back: %d", code)
	}
	c.post(f.Encode(data, 0), "next")
	// Save the draft on step 2 and resume it from the link, as if later.
	if code := c.post(f.Encode(data, 1), "save"); code != 200 || !strings.Contains(c.last, "Bozza salvata") {
		t.Fatalf("save: %d", code)
	}
	m := regexp.MustCompile(`href="\?riprendi=([a-z2-7]+)"`).FindStringSubmatch(c.last)
	if m == nil {
		t.Fatal("no resume link")
	}
	req, _ = http.NewRequest("GET", c.url+"?riprendi="+m[1], nil)
	if code := c.do(req); code != 200 || !strings.Contains(c.last, `data-page="step-2"`) || !strings.Contains(c.last, `value="AB123CD"`) {
		t.Fatalf("resume: %d", code)
	}
	c.post(f.Encode(data, 1), "next")
	if !strings.Contains(c.last, `data-page="step-3"`) || !strings.Contains(c.last, "Luogo di lavoro") {
		t.Fatalf("step 3 not reached")
	}
	c.post(f.Encode(data, 2), "next")
	// Step 4: lists with add/remove, then files.
	c.post(url.Values{}, "add:/altri_allegati")
	if !strings.Contains(c.last, `name="$/altri_allegati/0/descrizione"`) {
		t.Fatal("add did not add an item")
	}
	c.post(url.Values{"$/altri_allegati": {"1"}, "$/altri_allegati/0/descrizione": {"Dichiarazione del datore di lavoro"}}, "add:/altri_allegati")
	c.post(url.Values{"$/altri_allegati": {"2"}, "$/altri_allegati/0/descrizione": {"Dichiarazione del datore di lavoro"}, "$/altri_allegati/1/descrizione": {"da togliere"}}, "remove:/altri_allegati/1")
	if strings.Contains(c.last, "da togliere") || !strings.Contains(c.last, `name="$/altri_allegati" value="1"`) {
		t.Fatal("remove did not remove the item")
	}
	step4 := url.Values{"$/altri_allegati": {"1"}, "$/altri_allegati/0/descrizione": {"Dichiarazione del datore di lavoro"}, "$/veridicita": {"true"}, "$/bollo": {"true"}}
	if code := c.postMultipart(step4, nil, "next"); code != 422 || !strings.Contains(c.last, "Il campo «Documento di identità» è obbligatorio.") {
		t.Fatalf("missing attachments: %d", code)
	}
	files := map[string][2]string{"$/documento_identita": {"carta identità.pdf", pdf}, "$/carta_circolazione": {"libretto.pdf", pdf}}
	if code := c.postMultipart(step4, files, "next"); code != 200 || !strings.Contains(c.last, `data-page="summary"`) {
		t.Fatalf("step 4: %d\n%s", code, c.last)
	}
	for _, want := range []string{"Maria Grazia", "carta identità.pdf", "Caffè Sant&#39;Eustachio srl"} {
		if !strings.Contains(c.last, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	summaryPage := c.last
	if code := c.post(nil, "submit"); code != 200 || !strings.Contains(c.last, "2026/000001") {
		t.Fatalf("submit: %d\n%s", code, c.last)
	}
	// A double click: the same summary page posted again files nothing new.
	c.last = summaryPage
	if code := c.post(nil, "submit"); code != 200 || !strings.Contains(c.last, "2026/000001") {
		t.Fatalf("second submit: %d", code)
	}
	// The PDF receipt.
	m = regexp.MustCompile(`href="\?ricevuta=([a-z2-7]+)"`).FindStringSubmatch(c.last)
	if m == nil {
		t.Fatal("no receipt link")
	}
	res, err := c.c.Get(c.url + "?ricevuta=" + m[1])
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("receipt: %s %q", res.Header.Get("Content-Type"), b[:min(20, len(b))])
	}
}

func TestRejectedPosts(t *testing.T) {
	srv, _, _, _ := newServer(t)
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, c: &http.Client{Jar: jar}, url: srv.URL + "/domanda"}
	req, _ := http.NewRequest("GET", c.url, nil)
	c.do(req)
	good := c.hidden()
	tests := []struct {
		name   string
		change func(url.Values)
		want   int
	}{
		{name: "no csrf", change: func(v url.Values) { v.Del("_csrf") }, want: 403},
		{name: "forged draft", change: func(v url.Values) { v.Set("_draft", "AAAA"+v.Get("_draft")) }, want: 400},
		{name: "bad idempotency key", change: func(v url.Values) { v.Set("_idem", "x") }, want: 400},
		{name: "unknown page", change: func(v url.Values) { v.Set("_page", "step-99") }, want: 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := url.Values{}
			for k, vs := range good {
				v[k] = append([]string(nil), vs...)
			}
			v.Set("_privacy", "true")
			tc.change(v)
			req, _ := http.NewRequest("POST", c.url, strings.NewReader(v.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if code := c.do(req); code != tc.want {
				t.Fatalf("status %d, want %d", code, tc.want)
			}
			if !strings.Contains(c.last, "Torna all&#39;inizio del modulo") || !strings.Contains(c.last, `<html lang="it">`) {
				t.Fatalf("the problem page is not the Italian one:\n%s", c.last)
			}
		})
	}
	// A token of another session is refused.
	other := &client{t: t, c: &http.Client{}, url: c.url}
	v := good
	v.Set("_privacy", "true")
	req, _ = http.NewRequest("POST", c.url, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "sid", Value: "another-session"})
	if code := other.do(req); code != 403 {
		t.Fatalf("csrf of another session: %d", code)
	}
}

// TestEnterSubmitsNext: the first submit button of a data page (the one
// a browser uses when Enter is pressed in a text field) is "next", even on
// a page whose lists put add/remove buttons before the real one.
func TestEnterSubmitsNext(t *testing.T) {
	_, f, data, _ := newServer(t)
	r, err := render.New(f, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for step := range f.Steps() {
		var b bytes.Buffer
		if err := r.Render(&b, render.Page{Kind: render.Data, Step: step, Data: data}); err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`<button type="submit" name="_action" value="([^"]*)"`).FindStringSubmatch(b.String())
		if m == nil || m[1] != "next" {
			t.Fatalf("step %d: the first submit button is %v", step+1, m)
		}
	}
}
