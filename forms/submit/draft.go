package submit

import (
	"bytes"
	"compress/flate"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"sync"
)

// Drafts.
//
// Between the pages of a form the data entered so far travels in a hidden
// field of the page (so the flow needs no server session and works with
// JavaScript off), and "Salva bozza" stores the same text for resuming
// later. The draft is compressed JSON, bound to one form (its id and
// version) and signed with HMAC-SHA256, so a citizen cannot forge the
// references of documents uploaded by someone else, nor replay a draft of
// another form:
//
//	draft = base64url( mac[32] | deflate(JSON) )
//	mac   = HMAC-SHA256(key, "procedo-draft\x00" | form | "\x00" | deflate(JSON))
//
// A draft is not encrypted: it holds what the citizen typed and is shown
// to the same citizen.

// DraftStore keeps the drafts a citizen saves ("Salva bozza"), by body
// and idempotency key, with the page to resume from. The runtime store
// implements it; the key is the capability to resume.
type DraftStore interface {
	SaveDraft(ctx context.Context, body, key, page, draft string) error
	LoadDraft(ctx context.Context, body, key string) (page, draft string, err error)
}

// ErrDraft is the error of a draft that is forged, of another form, or
// too large.
var ErrDraft = errors.New("draft: invalid")

// Drafts encodes and decodes drafts with one key.
type Drafts struct {
	key []byte
	max int
}

// NewDrafts returns a codec with key (at least 32 random bytes) accepting
// drafts up to maxJSON bytes of JSON (default 1 MiB).
func NewDrafts(key []byte, maxJSON int) (*Drafts, error) {
	if len(key) < 32 {
		return nil, errors.New("draft: the key must have at least 32 bytes")
	}
	if maxJSON <= 0 {
		maxJSON = 1 << 20
	}
	return &Drafts{key: append([]byte(nil), key...), max: maxJSON}, nil
}

func (d *Drafts) mac(form string, payload []byte) []byte {
	m := hmac.New(sha256.New, d.key)
	m.Write([]byte("procedo-draft\x00"))
	m.Write([]byte(form))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)
}

// Encode writes the draft of data for form.
func (d *Drafts) Encode(form string, data any) (string, error) {
	js, err := json.Marshal(data)
	if err != nil {
		return "", err
	}
	if len(js) > d.max {
		return "", ErrDraft
	}
	var buf bytes.Buffer
	zw := flateWriters.Get().(*flate.Writer)
	defer flateWriters.Put(zw)
	zw.Reset(&buf)
	zw.Write(js)
	if err := zw.Close(); err != nil {
		return "", err
	}
	out := append(d.mac(form, buf.Bytes()), buf.Bytes()...)
	return base64.RawURLEncoding.EncodeToString(out), nil
}

// A flate writer holds about 1 MB of tables and a reader a 32 KB window:
// made afresh for every page of every form flow they were the largest
// allocation of a submission, so they are reused.
var (
	flateWriters = sync.Pool{New: func() any {
		zw, err := flate.NewWriter(nil, flate.BestSpeed)
		if err != nil {
			panic(err) // only for a bad level, and BestSpeed is valid
		}
		return zw
	}}
	flateReaders = sync.Pool{New: func() any { return flate.NewReader(nil) }}
)

// Decode reads a draft of form. An empty draft is no data (nil, nil).
func (d *Drafts) Decode(form, draft string) (any, error) {
	if draft == "" {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(draft)
	if err != nil || len(raw) < 32 {
		return nil, ErrDraft
	}
	mac, payload := raw[:32], raw[32:]
	if !hmac.Equal(mac, d.mac(form, payload)) {
		return nil, ErrDraft
	}
	zr := flateReaders.Get().(io.ReadCloser)
	defer flateReaders.Put(zr)
	if err := zr.(flate.Resetter).Reset(bytes.NewReader(payload), nil); err != nil {
		return nil, ErrDraft
	}
	js, err := io.ReadAll(io.LimitReader(zr, int64(d.max)+1))
	if err != nil || len(js) > d.max {
		return nil, ErrDraft
	}
	var v any
	if err := json.Unmarshal(js, &v); err != nil {
		return nil, ErrDraft
	}
	return v, nil
}
