// Package webdb keeps what the web layer adds to the runtime store: the
// cases of each applicant (who filed which instance, with which number),
// notes and messages on a case, documents uploaded before the case exists,
// API tokens, and the tamper-evident audit trail.
//
// It runs on the same database as the runtime store: a second SQLite file
// (web.db) in the data folder, or tables prefixed web_ in the PostgreSQL
// schema of the store. Every row carries its body (tenant) and every query
// is scoped by it.
package webdb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // the embedded database driver
)

// DB is the web database.
type DB struct {
	db *sql.DB
	pg bool

	auditOnce sync.Once
	auditQ    chan *appendReq
	heads     map[string]auditHead // the last committed head of each body's chain, as this writer knows it; the writer's alone
	// Batches appendBatchOnce wrote, and those it tried and left to
	// the transaction (a moved head, a case filed before): for tests.
	onceWritten, onceRefused atomic.Int64
	rebound                  sync.Map // query with ? → query with $n
	auditWG                  sync.WaitGroup
	closed                   chan struct{}

	// CaseByKey on PostgreSQL: calls wait in lookupQ for one loop
	// (lookup.go), which closes lookupsDone when it stops.
	lookupOnce  sync.Once
	lookupQ     chan *keyLookup
	lookupsDone chan struct{}
	closeOnce   sync.Once
}

func newDB(db *sql.DB, pg bool) *DB {
	return &DB{db: db, pg: pg, auditQ: make(chan *appendReq, 1024), heads: map[string]auditHead{}, closed: make(chan struct{}),
		lookupQ: make(chan *keyLookup, maxLookupBatch), lookupsDone: make(chan struct{})}
}

// ErrNotFound is returned when a row does not exist in the body.
var ErrNotFound = errors.New("webdb: not found")

// OpenSQLite opens (creating) web.db in the data folder dir and migrates it.
func OpenSQLite(ctx context.Context, dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("webdb: data folder: %w", err)
	}
	dsn := "file:" + filepath.Join(dir, "web.db") + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("webdb: %w", err)
	}
	// One connection serialises writers, which the audit chain needs
	// anyway; SQLite allows one writer at a time.
	db.SetMaxOpenConns(1)
	d := newDB(db, false)
	if err := d.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return d, nil
}

// OpenPostgres opens url with schema (when not empty) as the only schema on
// the search path, and migrates.
func OpenPostgres(ctx context.Context, url, schema string) (*DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("webdb: database URL: %w", err)
	}
	if schema != "" {
		cfg.RuntimeParams["search_path"] = schema
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	d := newDB(db, true)
	if err := d.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return d, nil
}

// Close stops the audit writer (after the batch in flight) and closes the
// database.
func (d *DB) Close() error {
	d.closeOnce.Do(func() { close(d.closed) })
	d.auditWG.Wait()
	return d.db.Close()
}

// rebind turns ? placeholders into $1, $2… for PostgreSQL. The queries
// are a bounded set (constants, and the audit batches' multi-row inserts
// of at most maxAuditBatch rows), so each is rewritten once.
func (d *DB) rebind(q string) string {
	if !d.pg {
		return q
	}
	if r, ok := d.rebound.Load(q); ok {
		return r.(string)
	}
	r := rebindPG(q)
	d.rebound.Store(q, r)
	return r
}

func rebindPG(q string) string {
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

func (d *DB) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return d.db.ExecContext(ctx, d.rebind(q), args...)
}

var migrations = []struct{ sqlite, pg string }{
	{
		sqlite: `CREATE TABLE IF NOT EXISTS web_cases (body TEXT NOT NULL, instance_id TEXT NOT NULL, idem_key TEXT NOT NULL,
			number TEXT NOT NULL, owner TEXT NOT NULL, process_key TEXT NOT NULL, created_at INTEGER NOT NULL,
			PRIMARY KEY (body, instance_id), UNIQUE (body, idem_key));
		CREATE INDEX IF NOT EXISTS web_cases_owner ON web_cases (body, owner, created_at);
		CREATE TABLE IF NOT EXISTS web_notes (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL, instance_id TEXT NOT NULL,
			author TEXT NOT NULL, visibility TEXT NOT NULL, text TEXT NOT NULL, created_at INTEGER NOT NULL);
		CREATE INDEX IF NOT EXISTS web_notes_case ON web_notes (body, instance_id, id);
		CREATE TABLE IF NOT EXISTS web_blobs (body TEXT NOT NULL, sha256 TEXT NOT NULL, name TEXT NOT NULL, content_type TEXT NOT NULL,
			content BLOB NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (body, sha256));
		CREATE TABLE IF NOT EXISTS web_tokens (hash TEXT PRIMARY KEY, body TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT NOT NULL, created_at INTEGER NOT NULL);
		CREATE TABLE IF NOT EXISTS web_audit_head (body TEXT PRIMARY KEY, seq INTEGER NOT NULL, hash TEXT NOT NULL);
		CREATE TABLE IF NOT EXISTS web_audit (body TEXT NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL, actor TEXT NOT NULL,
			action TEXT NOT NULL, case_id TEXT NOT NULL, detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL,
			PRIMARY KEY (body, seq));
		CREATE INDEX IF NOT EXISTS web_audit_case ON web_audit (body, case_id, seq);
		CREATE TRIGGER IF NOT EXISTS web_audit_no_update BEFORE UPDATE ON web_audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
		CREATE TRIGGER IF NOT EXISTS web_audit_no_delete BEFORE DELETE ON web_audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;`,
		pg: `CREATE TABLE IF NOT EXISTS web_cases (body TEXT NOT NULL, instance_id TEXT NOT NULL, idem_key TEXT NOT NULL,
			number TEXT NOT NULL, owner TEXT NOT NULL, process_key TEXT NOT NULL, created_at BIGINT NOT NULL,
			PRIMARY KEY (body, instance_id), UNIQUE (body, idem_key));
		CREATE INDEX IF NOT EXISTS web_cases_owner ON web_cases (body, owner, created_at);
		CREATE TABLE IF NOT EXISTS web_notes (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL, instance_id TEXT NOT NULL,
			author TEXT NOT NULL, visibility TEXT NOT NULL, text TEXT NOT NULL, created_at BIGINT NOT NULL);
		CREATE INDEX IF NOT EXISTS web_notes_case ON web_notes (body, instance_id, id);
		CREATE TABLE IF NOT EXISTS web_blobs (body TEXT NOT NULL, sha256 TEXT NOT NULL, name TEXT NOT NULL, content_type TEXT NOT NULL,
			content BYTEA NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (body, sha256));
		CREATE TABLE IF NOT EXISTS web_tokens (hash TEXT PRIMARY KEY, body TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT NOT NULL, created_at BIGINT NOT NULL);
		CREATE TABLE IF NOT EXISTS web_audit_head (body TEXT PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL);
		CREATE TABLE IF NOT EXISTS web_audit (body TEXT NOT NULL, seq BIGINT NOT NULL, at BIGINT NOT NULL, actor TEXT NOT NULL,
			action TEXT NOT NULL, case_id TEXT NOT NULL, detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL,
			PRIMARY KEY (body, seq));
		CREATE INDEX IF NOT EXISTS web_audit_case ON web_audit (body, case_id, seq);
		CREATE OR REPLACE FUNCTION web_audit_append_only() RETURNS trigger AS $$
		BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$ LANGUAGE plpgsql;
		DROP TRIGGER IF EXISTS web_audit_no_change ON web_audit;
		CREATE TRIGGER web_audit_no_change BEFORE UPDATE OR DELETE ON web_audit FOR EACH ROW EXECUTE FUNCTION web_audit_append_only();`,
	},
	{
		// Drafts a citizen saved with "Salva bozza", by owner: a resume
		// link opened by someone else finds nothing.
		sqlite: `CREATE TABLE IF NOT EXISTS web_drafts (body TEXT NOT NULL, owner TEXT NOT NULL, draft_key TEXT NOT NULL,
			page TEXT NOT NULL, draft TEXT NOT NULL, saved_at INTEGER NOT NULL, PRIMARY KEY (body, owner, draft_key));`,
		pg: `CREATE TABLE IF NOT EXISTS web_drafts (body TEXT NOT NULL, owner TEXT NOT NULL, draft_key TEXT NOT NULL,
			page TEXT NOT NULL, draft TEXT NOT NULL, saved_at BIGINT NOT NULL, PRIMARY KEY (body, owner, draft_key));`,
	},
	{
		// The audit writer's one-statement batch (audit.go) fails, and
		// so writes nothing, when its view of a chain's head was stale.
		pg: `CREATE OR REPLACE FUNCTION web_audit_check(ok boolean) RETURNS boolean AS $$
		BEGIN
			IF NOT ok THEN RAISE EXCEPTION 'audit head moved' USING ERRCODE = '` + staleHead + `'; END IF;
			RETURN true;
		END $$ LANGUAGE plpgsql;`,
	},
}

func (d *DB) migrate(ctx context.Context) error {
	for i, m := range migrations {
		q := m.sqlite
		if d.pg {
			q = m.pg
		}
		if q == "" {
			continue
		}
		if d.pg {
			// Serialise concurrent nodes migrating the same schema.
			if _, err := d.db.ExecContext(ctx, "SELECT pg_advisory_lock(7011)"); err != nil {
				return fmt.Errorf("webdb: migration %d: %w", i+1, err)
			}
		}
		_, err := d.db.ExecContext(ctx, q)
		if d.pg {
			_, _ = d.db.ExecContext(ctx, "SELECT pg_advisory_unlock(7011)")
		}
		if err != nil {
			return fmt.Errorf("webdb: migration %d: %w", i+1, err)
		}
	}
	return nil
}

func micros(t time.Time) int64     { return t.UTC().UnixMicro() }
func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

// Case links an instance of the runtime to the person who filed it.
type Case struct {
	Body       string
	InstanceID string
	IdemKey    string
	Number     string
	Owner      string // user id of the applicant
	ProcessKey string
	CreatedAt  time.Time
}

// PutCase records c unless a case with the same idempotency key exists;
// it returns the stored case and whether it was created now.
func (d *DB) PutCase(ctx context.Context, c *Case) (*Case, bool, error) {
	var q string
	if d.pg {
		q = `INSERT INTO web_cases (body, instance_id, idem_key, number, owner, process_key, created_at) VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING`
	} else {
		q = `INSERT OR IGNORE INTO web_cases (body, instance_id, idem_key, number, owner, process_key, created_at) VALUES (?,?,?,?,?,?,?)`
	}
	res, err := d.exec(ctx, q, c.Body, c.InstanceID, c.IdemKey, c.Number, c.Owner, c.ProcessKey, micros(c.CreatedAt))
	if err != nil {
		return nil, false, fmt.Errorf("webdb: put case: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return c, true, nil
	}
	got, err := d.CaseByKey(ctx, c.Body, c.IdemKey)
	return got, false, err
}

const caseCols = `body, instance_id, idem_key, number, owner, process_key, created_at`

func scanCase(row interface{ Scan(...any) error }) (*Case, error) {
	var c Case
	var at int64
	if err := row.Scan(&c.Body, &c.InstanceID, &c.IdemKey, &c.Number, &c.Owner, &c.ProcessKey, &at); err != nil {
		return nil, err
	}
	c.CreatedAt = fromMicros(at)
	return &c, nil
}

func (d *DB) oneCase(ctx context.Context, q string, args ...any) (*Case, error) {
	c, err := scanCase(d.db.QueryRowContext(ctx, d.rebind(q), args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("webdb: case: %w", err)
	}
	return c, nil
}

// CaseByKey returns the case filed with an idempotency key.
func (d *DB) CaseByKey(ctx context.Context, body, key string) (*Case, error) {
	if d.pg {
		return d.caseByKeyBatched(ctx, body, key)
	}
	return d.oneCase(ctx, `SELECT `+caseCols+` FROM web_cases WHERE body = ? AND idem_key = ?`, body, key)
}

// Case returns the case of an instance.
func (d *DB) Case(ctx context.Context, body, instanceID string) (*Case, error) {
	return d.oneCase(ctx, `SELECT `+caseCols+` FROM web_cases WHERE body = ? AND instance_id = ?`, body, instanceID)
}

// CasesOf lists the cases filed by owner, newest first.
func (d *DB) CasesOf(ctx context.Context, body, owner string) ([]*Case, error) {
	rows, err := d.db.QueryContext(ctx, d.rebind(`SELECT `+caseCols+` FROM web_cases WHERE body = ? AND owner = ? ORDER BY created_at DESC`), body, owner)
	if err != nil {
		return nil, fmt.Errorf("webdb: cases: %w", err)
	}
	defer rows.Close()
	var out []*Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Visibility of a note.
const (
	Internal = "internal" // officials only
	Citizen  = "citizen"  // a message the applicant reads
)

// Note is an internal note or a message on a case.
type Note struct {
	ID         int64
	Body       string
	InstanceID string
	Author     string
	Visibility string
	Text       string
	CreatedAt  time.Time
}

// AddNote appends a note.
func (d *DB) AddNote(ctx context.Context, n *Note) error {
	_, err := d.exec(ctx, `INSERT INTO web_notes (body, instance_id, author, visibility, text, created_at) VALUES (?,?,?,?,?,?)`,
		n.Body, n.InstanceID, n.Author, n.Visibility, n.Text, micros(n.CreatedAt))
	if err != nil {
		return fmt.Errorf("webdb: add note: %w", err)
	}
	return nil
}

// Notes lists the notes of a case in order; visibility "" lists all.
func (d *DB) Notes(ctx context.Context, body, instanceID, visibility string) ([]*Note, error) {
	q := `SELECT id, body, instance_id, author, visibility, text, created_at FROM web_notes WHERE body = ? AND instance_id = ?`
	args := []any{body, instanceID}
	if visibility != "" {
		q += ` AND visibility = ?`
		args = append(args, visibility)
	}
	rows, err := d.db.QueryContext(ctx, d.rebind(q+` ORDER BY id`), args...)
	if err != nil {
		return nil, fmt.Errorf("webdb: notes: %w", err)
	}
	defer rows.Close()
	var out []*Note
	for rows.Next() {
		var n Note
		var at int64
		if err := rows.Scan(&n.ID, &n.Body, &n.InstanceID, &n.Author, &n.Visibility, &n.Text, &at); err != nil {
			return nil, err
		}
		n.CreatedAt = fromMicros(at)
		out = append(out, &n)
	}
	return out, rows.Err()
}

// Blob is a document uploaded before its case exists (a form being
// filled), content-addressed.
type Blob struct {
	Body        string
	SHA256      string
	Name        string
	ContentType string
	Content     []byte
}

// PutBlob stores b (a repeated upload of the same content is a no-op).
func (d *DB) PutBlob(ctx context.Context, b *Blob, now time.Time) error {
	var q string
	if d.pg {
		q = `INSERT INTO web_blobs (body, sha256, name, content_type, content, created_at) VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING`
	} else {
		q = `INSERT OR IGNORE INTO web_blobs (body, sha256, name, content_type, content, created_at) VALUES (?,?,?,?,?,?)`
	}
	if _, err := d.exec(ctx, q, b.Body, b.SHA256, b.Name, b.ContentType, b.Content, micros(now)); err != nil {
		return fmt.Errorf("webdb: put blob: %w", err)
	}
	return nil
}

// Blob returns an uploaded document by its digest.
func (d *DB) Blob(ctx context.Context, body, sha string) (*Blob, error) {
	var b Blob
	err := d.db.QueryRowContext(ctx, d.rebind(`SELECT body, sha256, name, content_type, content FROM web_blobs WHERE body = ? AND sha256 = ?`), body, sha).
		Scan(&b.Body, &b.SHA256, &b.Name, &b.ContentType, &b.Content)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("webdb: blob: %w", err)
	}
	return &b, nil
}

// Token is an API token of a machine client, acting as a user.
type Token struct {
	Body   string
	UserID string
	Name   string
}

// TokenHash is the stored form of a token: only its SHA-256 is kept, so a
// leaked database does not leak usable tokens.
func TokenHash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// PutToken stores the hash of secret for a user.
func (d *DB) PutToken(ctx context.Context, secret string, t *Token, now time.Time) error {
	_, err := d.exec(ctx, `INSERT INTO web_tokens (hash, body, user_id, name, created_at) VALUES (?,?,?,?,?)`,
		TokenHash(secret), t.Body, t.UserID, t.Name, micros(now))
	if err != nil {
		return fmt.Errorf("webdb: put token: %w", err)
	}
	return nil
}

// TokenBySecret returns the token whose secret is given.
func (d *DB) TokenBySecret(ctx context.Context, secret string) (*Token, error) {
	var t Token
	err := d.db.QueryRowContext(ctx, d.rebind(`SELECT body, user_id, name FROM web_tokens WHERE hash = ?`), TokenHash(secret)).Scan(&t.Body, &t.UserID, &t.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("webdb: token: %w", err)
	}
	return &t, nil
}

// SaveDraft keeps (or replaces) the draft owner saved under key: the page
// it was saved on and the signed draft (forms/submit.Drafts).
func (d *DB) SaveDraft(ctx context.Context, body, owner, key, page, draft string, at time.Time) error {
	_, err := d.exec(ctx, `INSERT INTO web_drafts (body, owner, draft_key, page, draft, saved_at) VALUES (?,?,?,?,?,?)
		ON CONFLICT (body, owner, draft_key) DO UPDATE SET page = excluded.page, draft = excluded.draft, saved_at = excluded.saved_at`,
		body, owner, key, page, draft, micros(at))
	if err != nil {
		return fmt.Errorf("webdb: save draft: %w", err)
	}
	return nil
}

// LoadDraft returns the draft owner saved under key, or ErrNotFound.
func (d *DB) LoadDraft(ctx context.Context, body, owner, key string) (page, draft string, err error) {
	err = d.db.QueryRowContext(ctx, d.rebind(`SELECT page, draft FROM web_drafts WHERE body = ? AND owner = ? AND draft_key = ?`),
		body, owner, key).Scan(&page, &draft)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", ErrNotFound
	}
	if err != nil {
		return "", "", fmt.Errorf("webdb: load draft: %w", err)
	}
	return page, draft, nil
}
