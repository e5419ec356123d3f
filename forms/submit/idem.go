package submit

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"strings"
	"time"
)

// Idempotency.
//
// The first page of a form carries a fresh key in a hidden field; every
// later post of the same application carries it back. Filing an
// application is "once per (body, key)": a double click, a retried request
// or a reloaded page returns the application filed the first time, with
// its number, instead of filing another.

// NewIdempotencyKey returns a random key: 26 characters of base32 (128
// bits), safe in a URL, a form field and a database column.
func NewIdempotencyKey() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("idempotency: no randomness: " + err.Error())
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// ValidIdempotencyKey tells whether s has the shape of a key from
// NewIdempotencyKey (posted fields are untrusted).
func ValidIdempotencyKey(s string) bool {
	if len(s) != 26 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// Application is a filed application.
type Application struct {
	Body           string    // the body (ente) receiving it
	Form           string    // the form (procedure) identifier and version
	IdempotencyKey string    // from the form
	Number         string    // YYYY/NNNNNN, set when filed
	SubmittedAt    time.Time // UTC, set when filed
	Data           []byte    // the JSON instance
	Documents      []string  // SHA-256 of the attached documents
}

// Filer files an application once per (Body, IdempotencyKey): the first
// call assigns the number (from the body's NumberSource, in the same
// transaction) and stores it; later calls with the same key return the
// stored application and created=false. The runtime store implements it.
type Filer interface {
	FileOnce(ctx context.Context, app *Application) (stored *Application, created bool, err error)
	// Lookup returns the application filed with key, or ErrNotFound. The
	// key is a 128-bit secret known to the applicant: it is the capability
	// to download the receipt again.
	Lookup(ctx context.Context, body, key string) (*Application, error)
}

// ErrNotFound is returned by Lookup for an unknown key.
var ErrNotFound = errors.New("submit: application not found")

// ErrIdempotencyKey is returned for a missing or malformed key.
var ErrIdempotencyKey = errors.New("submit: missing or malformed idempotency key")
