package auth_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/procedo/procedo/forms/format"
	"github.com/procedo/procedo/web/auth"
)

func TestDemoDirectory(t *testing.T) {
	d := auth.DemoDirectory()
	if len(d.Bodies()) != 2 {
		t.Fatalf("bodies: %v", d.Bodies())
	}
	for _, b := range d.Bodies() {
		need := map[string]bool{"citizen": false, "Polizia Locale": false, "Ambiente": false, "analyst": false, "admin": false}
		for _, u := range d.Users {
			if u.Body != b.ID {
				continue
			}
			switch {
			case u.Has(auth.Citizen):
				if err := format.CodiceFiscale(u.FiscalCode); err != nil {
					t.Errorf("%s: codice fiscale %s: %v", u.ID, u.FiscalCode, err)
				}
				need["citizen"] = true
			case u.InOffice("polizia locale"):
				need["Polizia Locale"] = true
			case u.InOffice("Ambiente"):
				need["Ambiente"] = true
			case u.Has(auth.Analyst):
				need["analyst"] = true
			case u.Has(auth.Admin):
				need["admin"] = true
			}
		}
		for k, ok := range need {
			if !ok {
				t.Errorf("%s has no %s", b.Name, k)
			}
		}
	}
}

func TestSessions(t *testing.T) {
	s, err := auth.NewSessions(bytes.Repeat([]byte("k"), 32), true)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	rec := httptest.NewRecorder()
	sess := s.Start(rec, "monza.mario.rossi", now)
	cookie := rec.Result().Cookies()[0]
	if !cookie.HttpOnly || !cookie.Secure || cookie.SameSite != http.SameSiteLaxMode || !strings.HasPrefix(cookie.Name, "__Host-") || cookie.Path != "/" {
		t.Errorf("cookie attributes: %+v", cookie)
	}
	read := func(value string, at time.Time) *auth.Session {
		r := httptest.NewRequest("GET", "/", nil)
		r.AddCookie(&http.Cookie{Name: cookie.Name, Value: value})
		return s.Read(r, at)
	}
	if got := read(cookie.Value, now.Add(time.Hour)); got == nil || got.UserID != "monza.mario.rossi" || got.ID != sess.ID {
		t.Fatalf("read back: %+v", got)
	}
	other, _ := auth.NewSessions(bytes.Repeat([]byte("x"), 32), true)
	orec := httptest.NewRecorder()
	other.Start(orec, "monza.admin", now)
	tests := []struct {
		name  string
		value string
		at    time.Time
	}{
		{name: "expired", value: cookie.Value, at: now.Add(9 * time.Hour)},
		{name: "user changed", value: strings.Replace(cookie.Value, ".bW9uemEubWFyaW8ucm9zc2k.", ".bW9uemEuYWRtaW4.", 1), at: now},
		{name: "signed with another key", value: orec.Result().Cookies()[0].Value, at: now},
		{name: "garbage", value: "abc", at: now},
		{name: "empty mac", value: cookie.Value[:strings.LastIndexByte(cookie.Value, '.')+1], at: now},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := read(tc.value, tc.at); got != nil {
				t.Errorf("accepted: %+v", got)
			}
		})
	}
	if _, err := auth.NewSessions([]byte("short"), true); err == nil {
		t.Error("a short key was accepted")
	}
}

// FuzzSessionRead: any cookie value is read without panicking, and only a
// value the server signed is accepted.
func FuzzSessionRead(f *testing.F) {
	s, _ := auth.NewSessions(bytes.Repeat([]byte("k"), 32), false)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	rec := httptest.NewRecorder()
	s.Start(rec, "monza.mario.rossi", now)
	valid := rec.Result().Cookies()[0].Value
	f.Add(valid)
	f.Add("")
	f.Add("...")
	f.Add(valid + "x")
	f.Add(strings.Replace(valid, ".", "..", 1))
	f.Fuzz(func(t *testing.T, value string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Cookie", s.Name+"="+value)
		got := s.Read(r, now)
		if got != nil && value != valid {
			// Another encoding of the same signed payload is fine only
			// if it names the same user and session.
			if got.UserID != "monza.mario.rossi" {
				t.Fatalf("forged value accepted: %q → %+v", value, got)
			}
		}
	})
}
