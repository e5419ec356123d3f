// Package auth is the identity seam of the web server: who a request is
// (a User of a body, with roles and offices), how a browser session is
// kept (a signed cookie), and a development directory of demo users.
//
// A Directory resolves user ids; the development login page lists the
// users of DemoDirectory. An OpenID Connect provider (SPID/CIE through an
// AgID-accredited gateway) plugs in later as another way of turning a
// login into a user id: sessions, roles and route checks stay the same.
package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Role is what a user may do.
type Role string

// The roles of ARCHITECTURE.md.
const (
	Citizen   Role = "citizen"
	Official  Role = "official"
	Analyst   Role = "analyst"
	Developer Role = "developer"
	Admin     Role = "admin"
)

// User is a person (or a machine client) of one body.
type User struct {
	ID      string   // unique across bodies
	Body    string   // the body (ente) the user belongs to
	Name    string   // display name
	Roles   []Role   // at least one
	Offices []string // offices of an official, e.g. "Polizia Locale"
	// FiscalCode of a citizen (codice fiscale), as SPID/CIE would assert it.
	FiscalCode string
}

// Has reports whether u has role r.
func (u *User) Has(r Role) bool { return u != nil && slices.Contains(u.Roles, r) }

// InOffice reports whether u works in office.
func (u *User) InOffice(office string) bool {
	return u != nil && slices.ContainsFunc(u.Offices, func(o string) bool { return strings.EqualFold(o, office) })
}

// Body is a public body (tenant) served by the deployment.
type Body struct {
	ID   string // e.g. "monza"
	Name string // e.g. "Comune di Monza"
}

// Directory resolves the users and bodies known to the server.
type Directory interface {
	User(ctx context.Context, id string) (*User, error)
	Bodies() []Body
}

// ErrUnknownUser is returned by a Directory for an id it does not know.
var ErrUnknownUser = errors.New("auth: unknown user")

// Static is a Directory held in memory.
type Static struct {
	BodyList []Body
	Users    []*User
}

// User returns the user with id.
func (s *Static) User(_ context.Context, id string) (*User, error) {
	for _, u := range s.Users {
		if u.ID == id {
			return u, nil
		}
	}
	return nil, ErrUnknownUser
}

// Bodies lists the bodies.
func (s *Static) Bodies() []Body { return s.BodyList }

// BodyName returns the name of body id, or id itself.
func BodyName(d Directory, id string) string {
	for _, b := range d.Bodies() {
		if b.ID == id {
			return b.Name
		}
	}
	return id
}

// DemoDirectory is the development directory: two bodies, each with a
// citizen (with a valid codice fiscale), officials of "Polizia Locale" and
// "Ambiente", an analyst and an admin. Only for development mode.
func DemoDirectory() *Static {
	s := &Static{BodyList: []Body{{ID: "monza", Name: "Comune di Monza"}, {ID: "messina", Name: "Comune di Messina"}}}
	add := func(body string, users ...*User) {
		for _, u := range users {
			u.Body = body
			u.ID = body + "." + u.ID
			s.Users = append(s.Users, u)
		}
	}
	add("monza",
		&User{ID: "mario.rossi", Name: "Mario Rossi", Roles: []Role{Citizen}, FiscalCode: "RSSMRA85T10A562S"},
		&User{ID: "giulia.bianchi", Name: "Giulia Bianchi", Roles: []Role{Citizen}, FiscalCode: "BNCGLI90A41F704P"},
		&User{ID: "laura.verdi", Name: "Laura Verdi (Polizia Locale)", Roles: []Role{Official}, Offices: []string{"Polizia Locale"}},
		&User{ID: "paolo.neri", Name: "Paolo Neri (Polizia Locale)", Roles: []Role{Official}, Offices: []string{"Polizia Locale"}},
		&User{ID: "anna.galli", Name: "Anna Galli (Ambiente)", Roles: []Role{Official}, Offices: []string{"Ambiente"}},
		&User{ID: "sara.conti", Name: "Sara Conti (analista)", Roles: []Role{Analyst, Developer}},
		&User{ID: "admin", Name: "Amministratore Monza", Roles: []Role{Admin}},
	)
	add("messina",
		&User{ID: "giuseppe.russo", Name: "Giuseppe Russo", Roles: []Role{Citizen}, FiscalCode: "RSSGPP80A01F158H"},
		&User{ID: "carmela.greco", Name: "Carmela Greco (Polizia Locale)", Roles: []Role{Official}, Offices: []string{"Polizia Locale"}},
		&User{ID: "salvatore.costa", Name: "Salvatore Costa (Ambiente)", Roles: []Role{Official}, Offices: []string{"Ambiente"}},
		&User{ID: "rosa.marino", Name: "Rosa Marino (analista)", Roles: []Role{Analyst, Developer}},
		&User{ID: "admin", Name: "Amministratore Messina", Roles: []Role{Admin}},
	)
	return s
}

// Session is a logged-in browser. Its ID binds CSRF tokens.
type Session struct {
	ID      string
	UserID  string
	Expires time.Time
}

// Sessions issues and reads session cookies: "id.user.expiry.mac", signed
// with HMAC-SHA256 so that the server keeps no session state (any node of
// a cluster reads them).
type Sessions struct {
	key    []byte
	Name   string        // cookie name
	MaxAge time.Duration // lifetime
	Secure bool          // Secure attribute (false only on plain-HTTP localhost development)
}

// NewSessions returns a session codec with a key of at least 32 bytes.
func NewSessions(key []byte, secure bool) (*Sessions, error) {
	if len(key) < 32 {
		return nil, errors.New("auth: session key shorter than 32 bytes")
	}
	name := "procedo_session"
	if secure {
		// The __Host- prefix makes browsers refuse the cookie unless it
		// is Secure, host-only and for path /.
		name = "__Host-procedo_session"
	}
	return &Sessions{key: key, Name: name, MaxAge: 8 * time.Hour, Secure: secure}, nil
}

func (s *Sessions) mac(payload string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("session\x00" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Start sets a new session cookie for userID.
func (s *Sessions) Start(w http.ResponseWriter, userID string, now time.Time) *Session {
	var b [16]byte
	_, _ = rand.Read(b[:])
	sess := &Session{ID: hex.EncodeToString(b[:]), UserID: userID, Expires: now.Add(s.MaxAge)}
	payload := sess.ID + "." + base64.RawURLEncoding.EncodeToString([]byte(userID)) + "." + strconv.FormatInt(sess.Expires.Unix(), 10)
	http.SetCookie(w, &http.Cookie{Name: s.Name, Value: payload + "." + s.mac(payload), Path: "/", HttpOnly: true, Secure: s.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(s.MaxAge / time.Second)})
	return sess
}

// End clears the session cookie.
func (s *Sessions) End(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.Name, Value: "", Path: "/", HttpOnly: true, Secure: s.Secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// Read returns the session of r, or nil when there is none or it is
// forged or expired.
func (s *Sessions) Read(r *http.Request, now time.Time) *Session {
	c, err := r.Cookie(s.Name)
	if err != nil {
		return nil
	}
	i := strings.LastIndexByte(c.Value, '.')
	if i < 0 {
		return nil
	}
	payload, mac := c.Value[:i], c.Value[i+1:]
	if !hmac.Equal([]byte(mac), []byte(s.mac(payload))) {
		return nil
	}
	parts := strings.Split(payload, ".")
	if len(parts) != 3 {
		return nil
	}
	user, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || now.Unix() >= exp {
		return nil
	}
	return &Session{ID: parts[0], UserID: string(user), Expires: time.Unix(exp, 0)}
}

type ctxKey struct{}

// WithUser returns ctx carrying u.
func WithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, ctxKey{}, u)
}

// UserFrom returns the user of ctx, or nil.
func UserFrom(ctx context.Context) *User {
	u, _ := ctx.Value(ctxKey{}).(*User)
	return u
}

// HasRole is Has for templates, which pass role names as strings.
func (u *User) HasRole(name string) bool { return u.Has(Role(name)) }
