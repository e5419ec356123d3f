package site_test

import (
	"encoding/json"
	"testing"
)

func TestStartNumbersWithoutGapsSQLite(t *testing.T)   { startNumbers(t, false) }
func TestStartNumbersWithoutGapsPostgres(t *testing.T) { startNumbers(t, true) }

// startNumbers starts ZTL applications through the API: an application
// gets the register's next number; the same idempotency key again gets
// the same application and number (200, not 201); data the start form
// refuses takes no number. The register has no gaps.
func startNumbers(t *testing.T, pg bool) {
	e := newEnv(t, pg)
	mario := e.login("monza.mario.rossi")
	mario.get("/portal")
	csrf := mario.csrf()
	const valid = `"variables": {"richiedente": {"nome": "Mario", "cognome": "Rossi", "codice_fiscale": "RSSMRA85T10A562S", "email": "m@example.it"},
		"veicolo": {"targa": "AB123CD", "alimentazione": "benzina"}, "motivo": "residente", "veridicita": true}`
	start := func(body string, want int) (id, number string) {
		t.Helper()
		code, _, b := mario.raw("POST", "/api/v1/procedures/ztl-access/instances", "application/json", []byte(body), csrf)
		if code != want {
			t.Fatalf("start %s: %d, want %d\n%s", body, code, want, b)
		}
		var in struct{ ID, Number string }
		json.Unmarshal([]byte(b), &in)
		return in.ID, in.Number
	}
	id1, n1 := start(`{"idempotencyKey": "aaaaaaaaaaaaaaaaaaaaaaaaaa", `+valid+`}`, 201)
	if n1 != "2026/000001" {
		t.Fatalf("first application: number %q, want 2026/000001", n1)
	}
	id, n := start(`{"idempotencyKey": "aaaaaaaaaaaaaaaaaaaaaaaaaa", `+valid+`}`, 200)
	if id != id1 || n != n1 {
		t.Fatalf("the same key again: %s %s, want %s %s", id, n, id1, n1)
	}
	start(`{"idempotencyKey": "bbbbbbbbbbbbbbbbbbbbbbbbbb", "variables": {"motivo": 1}}`, 422)
	if _, n := start(`{"idempotencyKey": "cccccccccccccccccccccccccc", `+valid+`}`, 201); n != "2026/000002" {
		t.Fatalf("after a refused start: number %q, want 2026/000002", n)
	}
}
