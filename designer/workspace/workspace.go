package workspace

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/procedo/procedo/designer/model"
)

// Sentinel errors; the typed errors below match them with errors.Is.
var (
	// ErrNotFound: no such bundle or revision in this tenant.
	ErrNotFound = errors.New("workspace: not found")
	// ErrConflict: the save did not build on the head revision.
	ErrConflict = errors.New("workspace: conflict")
	// ErrInvalid: a parameter or a file of the bundle is not acceptable.
	ErrInvalid = errors.New("workspace: invalid")
)

// Limits of what a bundle may hold.
const (
	MaxBundleBytes = 8 << 20
	MaxFiles       = 200
	MaxNameLen     = 200
	MaxMessageLen  = 2000
)

// Files are the files of a bundle by path ("process.bpmn",
// "forms/domanda.schema.json", "forms/domanda.ui.json").
type Files map[string]string

// Paths returns the paths sorted.
func (f Files) Paths() []string {
	out := make([]string, 0, len(f))
	for p := range f {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Bundle is a procedure being designed.
type Bundle struct {
	Tenant  string    `json:"tenant"`
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Head    int       `json:"head"` // number of the latest revision
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	// HeadAuthor is the author of the head revision (List and Bundle fill it).
	HeadAuthor string `json:"headAuthor"`
}

// RevisionInfo describes a revision without its files.
type RevisionInfo struct {
	Bundle  string    `json:"bundle"`
	Rev     int       `json:"rev"`
	Author  string    `json:"author"`
	Message string    `json:"message"`
	Time    time.Time `json:"time"`
}

// Revision is one saved state of a bundle.
type Revision struct {
	RevisionInfo
	Files Files `json:"files"`
}

// ConflictError is returned by Save (and Restore) when the bundle's head
// is no longer the revision the save builds on: someone saved meanwhile.
type ConflictError struct {
	Bundle string
	Base   int          // the revision the caller built on
	Head   RevisionInfo // the revision saved meanwhile
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("workspace: bundle %s: save based on revision %d, but revision %d was saved by %s at %s",
		e.Bundle, e.Base, e.Head.Rev, e.Head.Author, e.Head.Time.Format(time.RFC3339))
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// InvalidError says which parameter or file is not acceptable and why.
type InvalidError struct {
	Field string // "name", "files", or the path of a file
	Msg   string
}

func (e *InvalidError) Error() string { return "workspace: " + e.Field + ": " + e.Msg }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

//go:embed migrations/*.sql
var migrations embed.FS

// dialect is what differs between SQLite and PostgreSQL.
type dialect struct {
	name string
	// rebind turns ? placeholders into the dialect's.
	rebind func(string) string
}

var sqliteDialect = dialect{name: "sqlite", rebind: func(q string) string { return q }}

var postgresDialect = dialect{name: "postgres", rebind: func(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}}

// Store keeps bundles and revisions in a SQL database. It is safe for
// concurrent use.
type Store struct {
	db  *sql.DB
	d   dialect
	now func() time.Time
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// SetClock replaces the clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

func newStore(ctx context.Context, db *sql.DB, d dialect) (*Store, error) {
	s := &Store{db: db, d: d, now: time.Now}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// migrate applies the embedded migrations that are not yet applied, each
// in its own transaction with its version row.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS designer_migrations (version BIGINT PRIMARY KEY)`); err != nil {
		return fmt.Errorf("workspace: migrate: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("workspace: migration %s: bad name", name)
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		if err := s.tx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, s.d.rebind(`SELECT COUNT(*) FROM designer_migrations WHERE version = ?`), v).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			for _, stmt := range strings.Split(stripComments(string(body)), ";") {
				if strings.TrimSpace(stmt) == "" {
					continue
				}
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO designer_migrations (version) VALUES (?)`), v)
			return err
		}); err != nil {
			return fmt.Errorf("workspace: migration %s: %w", base, err)
		}
	}
	return nil
}

func stripComments(stmt string) string {
	var b strings.Builder
	for _, line := range strings.Split(stmt, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

var (
	formPath = regexp.MustCompile(`^forms/[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.(schema|ui)\.json$`)
	scenario = regexp.MustCompile(`^scenarios/[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.json$`)
)

// ValidPath reports whether p may be a file of a bundle.
func ValidPath(p string) bool {
	return p == model.BundleFile || formPath.MatchString(p) || scenario.MatchString(p)
}

func checkFiles(files Files) error {
	if len(files) > MaxFiles {
		return &InvalidError{Field: "files", Msg: fmt.Sprintf("%d files, at most %d", len(files), MaxFiles)}
	}
	total := 0
	for _, p := range files.Paths() {
		if !ValidPath(p) {
			return &InvalidError{Field: p, Msg: "not a file of a bundle (process.bpmn, forms/<name>.schema.json, forms/<name>.ui.json, scenarios/<name>.json)"}
		}
		if !utf8.ValidString(files[p]) {
			return &InvalidError{Field: p, Msg: "not UTF-8 text"}
		}
		total += len(files[p])
	}
	if total > MaxBundleBytes {
		return &InvalidError{Field: "files", Msg: fmt.Sprintf("%d bytes, at most %d", total, MaxBundleBytes)}
	}
	return nil
}

func checkName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", &InvalidError{Field: "name", Msg: "empty"}
	}
	if utf8.RuneCountInString(name) > MaxNameLen || !utf8.ValidString(name) {
		return "", &InvalidError{Field: "name", Msg: fmt.Sprintf("longer than %d characters", MaxNameLen)}
	}
	return name, nil
}

func checkCommon(tenant, author, message string) error {
	if tenant == "" {
		return &InvalidError{Field: "tenant", Msg: "empty"}
	}
	if author == "" {
		return &InvalidError{Field: "author", Msg: "empty"}
	}
	if len(message) > MaxMessageLen {
		return &InvalidError{Field: "message", Msg: fmt.Sprintf("longer than %d bytes", MaxMessageLen)}
	}
	return nil
}

func newID() string {
	var b [8]byte
	rand.Read(b[:])
	return "b" + hex.EncodeToString(b[:])
}

// CreateParams create a bundle with its first revision.
type CreateParams struct {
	Tenant  string
	Name    string
	Author  string
	Message string
	Files   Files
}

// Create stores a new bundle and its revision 1.
func (s *Store) Create(ctx context.Context, p *CreateParams) (*Revision, error) {
	name, err := checkName(p.Name)
	if err != nil {
		return nil, err
	}
	if err := checkCommon(p.Tenant, p.Author, p.Message); err != nil {
		return nil, err
	}
	if err := checkFiles(p.Files); err != nil {
		return nil, err
	}
	data, err := json.Marshal(p.Files)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	id := newID()
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO designer_bundles (tenant, id, name, head, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)`),
			p.Tenant, id, name, now.UnixNano(), now.UnixNano()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO designer_revisions (tenant, bundle, rev, author, message, created_at, files) VALUES (?, ?, 1, ?, ?, ?, ?)`),
			p.Tenant, id, p.Author, p.Message, now.UnixNano(), string(data))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("workspace: create: %w", err)
	}
	return &Revision{RevisionInfo: RevisionInfo{Bundle: id, Rev: 1, Author: p.Author, Message: p.Message, Time: now}, Files: cloneFiles(p.Files)}, nil
}

func cloneFiles(f Files) Files {
	out := make(Files, len(f))
	for k, v := range f {
		out[k] = v
	}
	return out
}

const bundleColumns = `b.tenant, b.id, b.name, b.head, b.created_at, b.updated_at, r.author`

func scanBundle(row interface{ Scan(...any) error }) (*Bundle, error) {
	var b Bundle
	var created, updated int64
	if err := row.Scan(&b.Tenant, &b.ID, &b.Name, &b.Head, &created, &updated, &b.HeadAuthor); err != nil {
		return nil, err
	}
	b.Created, b.Updated = time.Unix(0, created).UTC(), time.Unix(0, updated).UTC()
	return &b, nil
}

// List returns the bundles of a tenant, the most recently updated first.
func (s *Store) List(ctx context.Context, tenant string) ([]*Bundle, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT `+bundleColumns+` FROM designer_bundles b
		JOIN designer_revisions r ON r.tenant = b.tenant AND r.bundle = b.id AND r.rev = b.head
		WHERE b.tenant = ? ORDER BY b.updated_at DESC, b.id`), tenant)
	if err != nil {
		return nil, fmt.Errorf("workspace: list: %w", err)
	}
	defer rows.Close()
	out := []*Bundle{}
	for rows.Next() {
		b, err := scanBundle(rows)
		if err != nil {
			return nil, fmt.Errorf("workspace: list: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// Bundle returns one bundle.
func (s *Store) Bundle(ctx context.Context, tenant, id string) (*Bundle, error) {
	b, err := scanBundle(s.db.QueryRowContext(ctx, s.d.rebind(`SELECT `+bundleColumns+` FROM designer_bundles b
		JOIN designer_revisions r ON r.tenant = b.tenant AND r.bundle = b.id AND r.rev = b.head
		WHERE b.tenant = ? AND b.id = ?`), tenant, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("bundle %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("workspace: bundle %s: %w", id, err)
	}
	return b, nil
}

// Revision returns a revision with its files; rev 0 means the head.
func (s *Store) Revision(ctx context.Context, tenant, bundle string, rev int) (*Revision, error) {
	q := `SELECT r.rev, r.author, r.message, r.created_at, r.files FROM designer_revisions r WHERE r.tenant = ? AND r.bundle = ? AND r.rev = ?`
	args := []any{tenant, bundle, rev}
	if rev == 0 {
		q = `SELECT r.rev, r.author, r.message, r.created_at, r.files FROM designer_revisions r
			JOIN designer_bundles b ON r.tenant = b.tenant AND r.bundle = b.id AND r.rev = b.head
			WHERE r.tenant = ? AND r.bundle = ?`
		args = args[:2]
	}
	var r Revision
	var created int64
	var files string
	err := s.db.QueryRowContext(ctx, s.d.rebind(q), args...).Scan(&r.Rev, &r.Author, &r.Message, &created, &files)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("bundle %q revision %d: %w", bundle, rev, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("workspace: revision %s/%d: %w", bundle, rev, err)
	}
	r.Bundle, r.Time = bundle, time.Unix(0, created).UTC()
	if err := json.Unmarshal([]byte(files), &r.Files); err != nil {
		return nil, fmt.Errorf("workspace: revision %s/%d: stored files: %w", bundle, r.Rev, err)
	}
	return &r, nil
}

// Revisions lists the revisions of a bundle, the newest first.
func (s *Store) Revisions(ctx context.Context, tenant, bundle string) ([]RevisionInfo, error) {
	if _, err := s.Bundle(ctx, tenant, bundle); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT rev, author, message, created_at FROM designer_revisions
		WHERE tenant = ? AND bundle = ? ORDER BY rev DESC`), tenant, bundle)
	if err != nil {
		return nil, fmt.Errorf("workspace: revisions: %w", err)
	}
	defer rows.Close()
	out := []RevisionInfo{}
	for rows.Next() {
		ri := RevisionInfo{Bundle: bundle}
		var created int64
		if err := rows.Scan(&ri.Rev, &ri.Author, &ri.Message, &created); err != nil {
			return nil, fmt.Errorf("workspace: revisions: %w", err)
		}
		ri.Time = time.Unix(0, created).UTC()
		out = append(out, ri)
	}
	return out, rows.Err()
}

// SaveParams save a new revision on top of Base.
type SaveParams struct {
	Tenant  string
	Bundle  string
	Base    int // the revision the edit started from; must be the head
	Author  string
	Message string
	Files   Files
}

// Save stores a new revision Base+1. When the head is no longer Base it
// stores nothing and returns a *ConflictError naming the head.
func (s *Store) Save(ctx context.Context, p *SaveParams) (*Revision, error) {
	if err := checkCommon(p.Tenant, p.Author, p.Message); err != nil {
		return nil, err
	}
	if err := checkFiles(p.Files); err != nil {
		return nil, err
	}
	data, err := json.Marshal(p.Files)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	next := p.Base + 1
	var conflict bool
	err = s.tx(ctx, func(tx *sql.Tx) error {
		// The conditional update is the lock: of two concurrent saves on
		// the same base, one updates the row and the other sees head moved.
		res, err := tx.ExecContext(ctx, s.d.rebind(`UPDATE designer_bundles SET head = ?, updated_at = ? WHERE tenant = ? AND id = ? AND head = ?`),
			next, now.UnixNano(), p.Tenant, p.Bundle, p.Base)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			conflict = true
			return nil
		}
		_, err = tx.ExecContext(ctx, s.d.rebind(`INSERT INTO designer_revisions (tenant, bundle, rev, author, message, created_at, files) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			p.Tenant, p.Bundle, next, p.Author, p.Message, now.UnixNano(), string(data))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("workspace: save %s: %w", p.Bundle, err)
	}
	if conflict {
		head, err := s.Revision(ctx, p.Tenant, p.Bundle, 0)
		if err != nil {
			return nil, err // ErrNotFound when the bundle does not exist
		}
		return nil, &ConflictError{Bundle: p.Bundle, Base: p.Base, Head: head.RevisionInfo}
	}
	return &Revision{RevisionInfo: RevisionInfo{Bundle: p.Bundle, Rev: next, Author: p.Author, Message: p.Message, Time: now}, Files: cloneFiles(p.Files)}, nil
}

// RestoreParams restore an old revision as a new head.
type RestoreParams struct {
	Tenant  string
	Bundle  string
	Rev     int // the revision to restore
	Base    int // the head the analyst sees; see Save
	Author  string
	Message string
}

// Restore saves the files of revision Rev as a new revision on top of
// Base: history is never rewritten.
func (s *Store) Restore(ctx context.Context, p *RestoreParams) (*Revision, error) {
	old, err := s.Revision(ctx, p.Tenant, p.Bundle, p.Rev)
	if err != nil {
		return nil, err
	}
	return s.Save(ctx, &SaveParams{Tenant: p.Tenant, Bundle: p.Bundle, Base: p.Base, Author: p.Author, Message: p.Message, Files: old.Files})
}

// Rename changes the name of a bundle (not a revision: the name is not
// part of the bundle's files).
func (s *Store) Rename(ctx context.Context, tenant, bundle, name string) error {
	name, err := checkName(name)
	if err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, s.d.rebind(`UPDATE designer_bundles SET name = ? WHERE tenant = ? AND id = ?`), name, tenant, bundle)
	if err != nil {
		return fmt.Errorf("workspace: rename %s: %w", bundle, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("bundle %q: %w", bundle, ErrNotFound)
	}
	return nil
}

// Duplicate creates a new bundle from the head of another.
func (s *Store) Duplicate(ctx context.Context, tenant, bundle, name, author, message string) (*Revision, error) {
	head, err := s.Revision(ctx, tenant, bundle, 0)
	if err != nil {
		return nil, err
	}
	return s.Create(ctx, &CreateParams{Tenant: tenant, Name: name, Author: author, Message: message, Files: head.Files})
}
