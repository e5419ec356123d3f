package submit

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"time"
)

// CSRF tokens.
//
// A token is bound to the session it was issued for and expires. It is
// the "HMAC-based token" of the OWASP CSRF Prevention Cheat Sheet (signed
// double submit): no server state, any node of a cluster verifies it with
// the shared key.
//
//	token = base64url( nonce[16] | expiry[8, big-endian Unix seconds] | mac[32] )
//	mac   = HMAC-SHA256(key, "procedo-csrf\x00" | session | "\x00" | nonce | expiry)
//
// The session id is the one of the citizen's login session (or of the
// anonymous session cookie); a token stolen from another session, forged,
// or older than its lifetime fails. Compare in constant time: hmac.Equal.

// ErrCSRF is the error of every rejected token.
var ErrCSRF = errors.New("csrf: invalid or expired token")

// CSRF issues and verifies tokens with one key.
type CSRF struct {
	key      []byte
	lifetime time.Duration
}

// NewCSRF returns a CSRF with key (at least 32 random bytes, shared by the
// nodes) and the lifetime of a token (default 2 hours: long enough to fill
// a long form).
func NewCSRF(key []byte, lifetime time.Duration) (*CSRF, error) {
	if len(key) < 32 {
		return nil, errors.New("csrf: the key must have at least 32 bytes")
	}
	if lifetime <= 0 {
		lifetime = 2 * time.Hour
	}
	return &CSRF{key: append([]byte(nil), key...), lifetime: lifetime}, nil
}

const csrfLen = 16 + 8 + 32

func (c *CSRF) mac(session string, nonce, expiry []byte) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte("procedo-csrf\x00"))
	m.Write([]byte(session))
	m.Write([]byte{0})
	m.Write(nonce)
	m.Write(expiry)
	return m.Sum(nil)
}

// Issue returns a new token for session, valid from now for the lifetime.
func (c *CSRF) Issue(session string, now time.Time) string {
	buf := make([]byte, csrfLen)
	if _, err := rand.Read(buf[:16]); err != nil {
		panic("csrf: no randomness: " + err.Error()) // crypto/rand never fails on supported systems
	}
	binary.BigEndian.PutUint64(buf[16:24], uint64(now.Add(c.lifetime).Unix()))
	copy(buf[24:], c.mac(session, buf[:16], buf[16:24]))
	return base64.RawURLEncoding.EncodeToString(buf)
}

// Verify checks that token was issued for session and has not expired.
func (c *CSRF) Verify(token, session string, now time.Time) error {
	if len(token) != base64.RawURLEncoding.EncodedLen(csrfLen) {
		return ErrCSRF
	}
	buf, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(buf) != csrfLen {
		return ErrCSRF
	}
	if !hmac.Equal(buf[24:], c.mac(session, buf[:16], buf[16:24])) {
		return ErrCSRF
	}
	if now.Unix() > int64(binary.BigEndian.Uint64(buf[16:24])) {
		return ErrCSRF
	}
	return nil
}
