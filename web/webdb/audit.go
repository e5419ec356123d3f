package webdb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Entry is one action in the audit trail of a body.
//
// The trail is a hash chain: each entry's Hash covers its fields and the
// Hash of the entry before it, so changing or deleting an entry breaks
// every hash after it, which Verify detects. The tables also refuse
// UPDATE and DELETE (triggers).
type Entry struct {
	Body     string
	Seq      int64
	At       time.Time
	Actor    string
	Action   string // e.g. "case.filed", "task.completed"
	CaseID   string // the instance, "" for actions on no case
	Detail   string // JSON
	PrevHash string
	Hash     string
}

// genesis is the PrevHash of the first entry of every body.
const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// hashOf computes the hash of e from its fields and PrevHash. Fields are
// length-prefixed so that no two different entries serialise alike.
func hashOf(e *Entry) string {
	h := sha256.New()
	for _, f := range []string{e.PrevHash, e.Body, strconv.FormatInt(e.Seq, 10), strconv.FormatInt(e.At.UTC().UnixMicro(), 10),
		e.Actor, e.Action, e.CaseID, e.Detail} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Append adds an entry at the end of the chain of e.Body, setting Seq,
// PrevHash and Hash. Concurrent appends to one body are serialised by the
// head row (row lock on PostgreSQL, the single writer on SQLite).
func (d *DB) Append(ctx context.Context, e *Entry) error {
	if e.Detail == "" {
		e.Detail = "{}"
	}
	e.At = time.UnixMicro(e.At.UTC().UnixMicro()).UTC()
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("webdb: audit: %w", err)
	}
	defer tx.Rollback()
	var insertHead string
	if d.pg {
		insertHead = `INSERT INTO web_audit_head (body, seq, hash) VALUES (?, 0, ?) ON CONFLICT DO NOTHING`
	} else {
		insertHead = `INSERT OR IGNORE INTO web_audit_head (body, seq, hash) VALUES (?, 0, ?)`
	}
	if _, err := tx.ExecContext(ctx, d.rebind(insertHead), e.Body, genesis); err != nil {
		return fmt.Errorf("webdb: audit head: %w", err)
	}
	lock := `SELECT seq, hash FROM web_audit_head WHERE body = ?`
	if d.pg {
		lock += ` FOR UPDATE`
	}
	if err := tx.QueryRowContext(ctx, d.rebind(lock), e.Body).Scan(&e.Seq, &e.PrevHash); err != nil {
		return fmt.Errorf("webdb: audit head: %w", err)
	}
	e.Seq++
	e.Hash = hashOf(e)
	if _, err := tx.ExecContext(ctx, d.rebind(`INSERT INTO web_audit (body, seq, at, actor, action, case_id, detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)`),
		e.Body, e.Seq, micros(e.At), e.Actor, e.Action, e.CaseID, e.Detail, e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("webdb: audit append: %w", err)
	}
	if _, err := tx.ExecContext(ctx, d.rebind(`UPDATE web_audit_head SET seq = ?, hash = ? WHERE body = ?`), e.Seq, e.Hash, e.Body); err != nil {
		return fmt.Errorf("webdb: audit head: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("webdb: audit commit: %w", err)
	}
	return nil
}

// Trail lists the entries of a case (caseID "" : of the whole body) in order.
func (d *DB) Trail(ctx context.Context, body, caseID string) ([]*Entry, error) {
	q := `SELECT body, seq, at, actor, action, case_id, detail, prev_hash, hash FROM web_audit WHERE body = ?`
	args := []any{body}
	if caseID != "" {
		q += ` AND case_id = ?`
		args = append(args, caseID)
	}
	rows, err := d.db.QueryContext(ctx, d.rebind(q+` ORDER BY seq`), args...)
	if err != nil {
		return nil, fmt.Errorf("webdb: audit trail: %w", err)
	}
	defer rows.Close()
	var out []*Entry
	for rows.Next() {
		var e Entry
		var at int64
		if err := rows.Scan(&e.Body, &e.Seq, &at, &e.Actor, &e.Action, &e.CaseID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return nil, err
		}
		e.At = fromMicros(at)
		out = append(out, &e)
	}
	return out, rows.Err()
}

// Bodies lists the bodies that have an audit trail.
func (d *DB) Bodies(ctx context.Context) ([]string, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT body FROM web_audit_head ORDER BY body`)
	if err != nil {
		return nil, fmt.Errorf("webdb: audit bodies: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// ChainError reports where the audit chain of a body is broken.
type ChainError struct {
	Body   string
	Seq    int64
	Reason string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("audit trail of %s broken at entry %d: %s", e.Body, e.Seq, e.Reason)
}

// ErrChain matches every *ChainError.
var ErrChain = errors.New("audit chain broken")

// Is makes errors.Is(err, ErrChain) true.
func (e *ChainError) Is(target error) bool { return target == ErrChain }

// Verify recomputes the chain of a body and returns the number of entries
// checked, or a *ChainError naming the first entry that does not fit: an
// entry changed, deleted, inserted or reordered, or a head that does not
// match the last entry (entries removed at the end).
func (d *DB) Verify(ctx context.Context, body string) (int, error) {
	entries, err := d.Trail(ctx, body, "")
	if err != nil {
		return 0, err
	}
	prev := genesis
	for i, e := range entries {
		want := int64(i + 1)
		if e.Seq != want {
			return i, &ChainError{body, want, fmt.Sprintf("entry missing (found %d)", e.Seq)}
		}
		if e.PrevHash != prev {
			return i, &ChainError{body, e.Seq, "previous hash does not match"}
		}
		if hashOf(e) != e.Hash {
			return i, &ChainError{body, e.Seq, "content does not match its hash"}
		}
		prev = e.Hash
	}
	var headSeq int64
	var headHash string
	err = d.db.QueryRowContext(ctx, d.rebind(`SELECT seq, hash FROM web_audit_head WHERE body = ?`), body).Scan(&headSeq, &headHash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if len(entries) > 0 {
			return len(entries), &ChainError{body, 0, "head missing"}
		}
	case err != nil:
		return len(entries), fmt.Errorf("webdb: audit head: %w", err)
	case headSeq != int64(len(entries)) || headHash != prev:
		return len(entries), &ChainError{body, headSeq, "entries missing at the end"}
	}
	return len(entries), nil
}
