package site_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestSaveAndResumeDraft: a citizen saves the application half filled
// ("Salva bozza") and resumes it from the link; another citizen opening
// the same link finds nothing.
func TestSaveAndResumeDraft(t *testing.T) {
	for _, pg := range []bool{false, true} {
		name := map[bool]string{false: "sqlite", true: "postgres"}[pg]
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, pg)
			mario := e.login("monza.mario.rossi")
			path := "/portal/servizi/ztl-access/domanda"
			mario.get(path)
			mario.flow(path, url.Values{"_privacy": {"true"}}, "next", nil)
			mario.flow(path, url.Values{"$/richiedente/nome": {"Mariolino"}, "$/richiedente/cognome": {"Rossi"}}, "save", nil)
			m := regexp.MustCompile(`\?riprendi=([A-Za-z0-9_-]+)`).FindStringSubmatch(mario.last)
			if mario.code != http.StatusOK || m == nil {
				t.Fatalf("save draft: %d, no resume link:\n%s", mario.code, mario.last)
			}
			link := path + "?riprendi=" + m[1]

			mario.get(link)
			if mario.code != http.StatusOK || !strings.Contains(mario.last, `value="Mariolino"`) {
				t.Fatalf("resume as the owner: %d\n%s", mario.code, mario.last)
			}
			giulia := e.login("monza.giulia.bianchi")
			giulia.get(link)
			if giulia.code != http.StatusNotFound || strings.Contains(giulia.last, "Mariolino") {
				t.Fatalf("resume as another citizen: %d, want 404 without the data", giulia.code)
			}
		})
	}
}
