package submit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/procedo/procedo/forms"
)

var key = bytes.Repeat([]byte{7}, 32)

func TestCSRF(t *testing.T) {
	c, err := NewCSRF(key, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	tok := c.Issue("session-a", now)
	other, _ := NewCSRF(bytes.Repeat([]byte{8}, 32), time.Hour)
	tampered := []byte(tok)
	tampered[5] ^= 1
	tests := []struct {
		name    string
		c       *CSRF
		token   string
		session string
		at      time.Time
		ok      bool
	}{
		{name: "valid", c: c, token: tok, session: "session-a", at: now.Add(59 * time.Minute), ok: true},
		{name: "expired", c: c, token: tok, session: "session-a", at: now.Add(61 * time.Minute)},
		{name: "other session", c: c, token: tok, session: "session-b", at: now},
		{name: "other key", c: other, token: tok, session: "session-a", at: now},
		{name: "tampered", c: c, token: string(tampered), session: "session-a", at: now},
		{name: "empty", c: c, token: "", session: "session-a", at: now},
		{name: "garbage", c: c, token: strings.Repeat("!", 75), session: "session-a", at: now},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.c.Verify(tc.token, tc.session, tc.at)
			if tc.ok != (err == nil) {
				t.Fatalf("Verify = %v, want ok=%v", err, tc.ok)
			}
			if err != nil && !errors.Is(err, ErrCSRF) {
				t.Fatalf("error is not ErrCSRF: %v", err)
			}
		})
	}
	if _, err := NewCSRF([]byte("short"), 0); err == nil {
		t.Fatal("a short key was accepted")
	}
	if a, b := c.Issue("s", now), c.Issue("s", now); a == b {
		t.Fatal("two tokens are equal: no nonce")
	}
}

func TestApplicationNumber(t *testing.T) {
	tests := []struct {
		year int
		n    int64
		want string
		err  bool
	}{
		{year: 2026, n: 123, want: "2026/000123"},
		{year: 2026, n: 1, want: "2026/000001"},
		{year: 2026, n: 999999, want: "2026/999999"},
		{year: 2026, n: 0, err: true},
		{year: 2026, n: 1000000, err: true},
		{year: 26, n: 1, err: true},
	}
	for _, tc := range tests {
		got, err := FormatNumber(tc.year, tc.n)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("FormatNumber(%d, %d) = %q, %v", tc.year, tc.n, got, err)
		}
		if err == nil {
			y, n, err := ParseNumber(got)
			if err != nil || y != tc.year || n != tc.n {
				t.Errorf("ParseNumber(%q) = %d, %d, %v", got, y, n, err)
			}
		}
	}
	for _, bad := range []string{"", "2026-000123", "2026/00012", "2026/0001234", "2O26/000123", "2026/000000"} {
		if _, _, err := ParseNumber(bad); err == nil {
			t.Errorf("ParseNumber(%q) accepted", bad)
		}
	}
}

// counter is a NumberSource for tests, like the runtime store's counter.
type counter struct {
	mu sync.Mutex
	n  map[string]int64
}

func (c *counter) NextNumber(_ context.Context, body string, year int) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int64{}
	}
	k := body + "/" + string(rune('0'+year%10))
	c.n[k]++
	return c.n[k], nil
}

func TestNextNumberUsesTheYearInRome(t *testing.T) {
	src := &counter{}
	// 23:30 UTC of 31 December is already 1 January in Rome.
	got, err := NextNumber(context.Background(), src, "roccasecca", time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC))
	if err != nil || got != "2027/000001" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestIdempotencyKey(t *testing.T) {
	k := NewIdempotencyKey()
	if !ValidIdempotencyKey(k) || k == NewIdempotencyKey() {
		t.Fatalf("bad key %q", k)
	}
	for _, bad := range []string{"", "short", strings.Repeat("A", 26), strings.Repeat("a", 25) + "!"} {
		if ValidIdempotencyKey(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestDrafts(t *testing.T) {
	d, err := NewDrafts(key, 1000)
	if err != nil {
		t.Fatal(err)
	}
	data := map[string]any{"nome": "Niccolò", "n": 3.5, "l": []any{"a", true}}
	enc, err := d.Encode("ztl@v1", data)
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.Decode("ztl@v1", enc)
	if err != nil {
		t.Fatal(err)
	}
	if g := got.(map[string]any); g["nome"] != "Niccolò" || g["n"] != 3.5 {
		t.Fatalf("got %v", got)
	}
	if _, err := d.Decode("other@v1", enc); !errors.Is(err, ErrDraft) {
		t.Fatalf("a draft of another form was accepted: %v", err)
	}
	b := []byte(enc)
	b[len(b)-2] ^= 1
	if _, err := d.Decode("ztl@v1", string(b)); !errors.Is(err, ErrDraft) {
		t.Fatalf("a tampered draft was accepted: %v", err)
	}
	if _, err := d.Encode("ztl@v1", map[string]any{"x": strings.Repeat("x", 2000)}); !errors.Is(err, ErrDraft) {
		t.Fatalf("an oversized draft was encoded: %v", err)
	}
	if v, err := d.Decode("ztl@v1", ""); v != nil || err != nil {
		t.Fatalf("empty draft: %v, %v", v, err)
	}
}

// sink keeps documents in memory, as the runtime store keeps them in its
// documents table.
type sink struct{ docs []*Document }

func (s *sink) PutDocument(_ context.Context, d *Document) error {
	s.docs = append(s.docs, d)
	return nil
}

func ztl(t *testing.T) *forms.Form {
	read := func(n string) []byte {
		b, err := os.ReadFile("../testdata/" + n)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	f, err := forms.Compile(forms.Source{Data: read("ztl.schema.json")}, forms.Source{Data: read("ztl.ui.json")}, forms.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

var pdfBytes = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

type part struct {
	field, file, ctype string
	content            []byte
}

func multipartRequest(t *testing.T, parts []part) *http.Request {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		if p.file != "" {
			h.Set("Content-Disposition", `form-data; name="`+p.field+`"; filename="`+p.file+`"`)
			h.Set("Content-Type", p.ctype)
		} else {
			h.Set("Content-Disposition", `form-data; name="`+p.field+`"`)
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.content)
	}
	mw.Close()
	r := httptest.NewRequest("POST", "/", &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	return r
}

func TestParseMultipart(t *testing.T) {
	f := ztl(t)
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...)
	tests := []struct {
		name      string
		parts     []part
		lim       Limits
		wantFiles map[string]string // field → content type
		wantErrs  []string
		wantErr   error
	}{
		{
			name:      "pdf accepted and hashed",
			parts:     []part{{field: "$/documento_identita", file: "carta identità.pdf", ctype: "application/pdf", content: pdfBytes}, {field: "_page", content: []byte("step-4")}},
			wantFiles: map[string]string{"$/documento_identita": "application/pdf"},
		},
		{
			name:     "declared pdf but a png",
			parts:    []part{{field: "$/documento_identita", file: "doc.pdf", ctype: "application/pdf", content: png}},
			wantErrs: []string{"/documento_identita: Il contenuto del file «doc.pdf» del campo «Documento di identità» non corrisponde al tipo dichiarato."},
		},
		{
			name:     "executable refused",
			parts:    []part{{field: "$/carta_circolazione", file: "virus.exe", ctype: "application/octet-stream", content: []byte("MZ\x90\x00\x03")}},
			wantErrs: []string{"/carta_circolazione: Il file «virus.exe» del campo «Carta di circolazione» non è di un tipo ammesso (application/pdf, image/jpeg, image/png)."},
		},
		{
			name:     "png named .pdf",
			parts:    []part{{field: "$/carta_circolazione", file: "foto.pdf", ctype: "image/png", content: png}},
			wantErrs: []string{"/carta_circolazione: Il contenuto del file «foto.pdf» del campo «Carta di circolazione» non corrisponde al tipo dichiarato."},
		},
		{
			name:     "file too large",
			parts:    []part{{field: "$/carta_circolazione", file: "big.pdf", ctype: "application/pdf", content: append(append([]byte(nil), pdfBytes...), make([]byte, 2000)...)}},
			lim:      Limits{MaxFileSize: 1024},
			wantErrs: []string{"/carta_circolazione: Il file «big.pdf» del campo «Carta di circolazione» supera la dimensione massima di 1 kB."},
		},
		{
			name:     "field too long",
			parts:    []part{{field: "$/richiedente/nome", content: bytes.Repeat([]byte("a"), 200)}},
			lim:      Limits{MaxFieldBytes: 100},
			wantErrs: []string{"/richiedente/nome: Il campo «Nome» è troppo lungo."},
		},
		{
			name:    "body too large",
			parts:   []part{{field: "$/richiedente/nome", content: bytes.Repeat([]byte("a"), 5000)}},
			lim:     Limits{MaxBody: 1000},
			wantErr: ErrTooLarge,
		},
		{
			name:      "file for a field that is not a file control is ignored",
			parts:     []part{{field: "$/richiedente/nome", file: "x.pdf", ctype: "application/pdf", content: pdfBytes}},
			wantFiles: map[string]string{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &sink{}
			p, err := Parse(context.Background(), multipartRequest(t, tc.parts), f, tc.lim, s)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var errs []string
			for _, e := range p.Errors {
				errs = append(errs, e.Pointer+": "+e.Message)
			}
			if strings.Join(errs, "\n") != strings.Join(tc.wantErrs, "\n") {
				t.Fatalf("errors %q\nwant %q", errs, tc.wantErrs)
			}
			if tc.wantFiles != nil && len(p.Files) != len(tc.wantFiles) {
				t.Fatalf("files %v, want %v", p.Files, tc.wantFiles)
			}
			for field, ct := range tc.wantFiles {
				ref := p.Files[field]
				if ref.ContentType != ct {
					t.Fatalf("%s: type %q", field, ref.ContentType)
				}
				sum := sha256.Sum256(pdfBytes)
				if ref.SHA256 != hex.EncodeToString(sum[:]) || ref.Name != "carta identità.pdf" || ref.Size != int64(len(pdfBytes)) {
					t.Fatalf("bad ref %+v", ref)
				}
				if len(s.docs) != 1 || s.docs[0].SHA256 != ref.SHA256 {
					t.Fatalf("the sink did not get the document")
				}
			}
			if len(p.Errors) > 0 && len(s.docs) > 0 {
				t.Fatal("a refused file reached the sink")
			}
		})
	}
}

func TestParseURLEncoded(t *testing.T) {
	f := ztl(t)
	r := httptest.NewRequest("POST", "/", strings.NewReader("%24%2Frichiedente%2Fnome=Ada&_page=step-1"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	p, err := Parse(context.Background(), r, f, Limits{}, &sink{})
	if err != nil || p.Values.Get("$/richiedente/nome") != "Ada" || p.Values.Get("_page") != "step-1" {
		t.Fatalf("%v %v", p, err)
	}
	r = httptest.NewRequest("POST", "/", strings.NewReader("x=1"))
	r.Header.Set("Content-Type", "text/plain")
	if _, err := Parse(context.Background(), r, f, Limits{}, &sink{}); !errors.Is(err, ErrMalformed) {
		t.Fatalf("text/plain accepted: %v", err)
	}
}
