package webdb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
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
// PrevHash and Hash, and returns when it is committed.
//
// Appends are group-committed: one writer goroutine takes every entry
// waiting and writes them in one transaction, so that the chain's head
// row — locked FOR UPDATE on PostgreSQL, which keeps nodes sharing the
// database in one chain — is held once per batch rather than once per
// entry. A failed batch fails every entry in it; none is half-written.
// On PostgreSQL the writer that wrote a body's last batch writes the next
// in one statement (appendBatchOnce).
func (d *DB) Append(ctx context.Context, e *Entry) error {
	if e.Detail == "" {
		e.Detail = "{}"
	}
	e.At = time.UnixMicro(e.At.UTC().UnixMicro()).UTC()
	d.auditOnce.Do(d.startAuditWriter)
	req := &appendReq{e: e, done: make(chan error, 1)}
	select {
	case d.auditQ <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-d.closed:
		return errors.New("webdb: closed")
	}
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		// The entry may still be written: the caller only stops waiting.
		return ctx.Err()
	}
}

// FileCase records the case c unless a case with the same idempotency key
// exists, and — only when c is new — appends e (its "filed" entry) to the
// audit trail, in the same group-committed transaction as other appends:
// a filing costs no commit of its own, and a case is never recorded
// without its audit entry nor the other way round. It returns the case
// as stored (the earlier one when the key was used already) and whether
// this call created it.
func (d *DB) FileCase(ctx context.Context, c *Case, e *Entry) (*Case, bool, error) {
	if e.Detail == "" {
		e.Detail = "{}"
	}
	e.At = time.UnixMicro(e.At.UTC().UnixMicro()).UTC()
	d.auditOnce.Do(d.startAuditWriter)
	req := &appendReq{e: e, c: c, done: make(chan error, 1)}
	select {
	case d.auditQ <- req:
	case <-ctx.Done():
		return nil, false, ctx.Err()
	case <-d.closed:
		return nil, false, errors.New("webdb: closed")
	}
	select {
	case err := <-req.done:
		if err != nil {
			return nil, false, err
		}
	case <-ctx.Done():
		// The case may still be recorded: a retry with the same key finds it.
		return nil, false, ctx.Err()
	}
	if req.created {
		return c, true, nil
	}
	got, err := d.CaseByKey(ctx, c.Body, c.IdemKey)
	return got, false, err
}

type appendReq struct {
	e    *Entry
	c    *Case // with FileCase: the case to record first; e is appended only when c is new
	done chan error

	created bool // set by the writer for a FileCase request
}

// maxAuditBatch bounds one group commit.
const maxAuditBatch = 512

func (d *DB) startAuditWriter() {
	d.auditWG.Add(1)
	go func() {
		defer d.auditWG.Done()
		for {
			var first *appendReq
			select {
			case first = <-d.auditQ:
			case <-d.closed:
				return
			}
			batch := []*appendReq{first}
		more:
			for len(batch) < maxAuditBatch {
				select {
				case r := <-d.auditQ:
					batch = append(batch, r)
				default:
					break more
				}
			}
			err := d.appendBatch(context.Background(), batch)
			for _, r := range batch {
				if err != nil {
					r.e.Seq, r.e.PrevHash, r.e.Hash = 0, "", ""
				}
				r.done <- err
			}
		}
	}()
}

// auditHead is the last entry of a body's chain: its Seq and Hash.
type auditHead struct {
	seq  int64
	hash string
}

// staleHead is the SQLSTATE web_audit_check raises.
const staleHead = "PW409"

func (d *DB) appendBatch(ctx context.Context, batch []*appendReq) error {
	if d.pg {
		done, err := d.appendBatchOnce(ctx, batch)
		if done || err != nil {
			return err
		}
	}
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("webdb: audit: %w", err)
	}
	defer tx.Rollback()
	if err := d.insertCases(ctx, tx, batch); err != nil {
		return err
	}
	byBody := map[string][]*Entry{}
	var bodies []string
	for _, r := range batch {
		if r.c != nil && !r.created {
			continue // the case was filed before: its entry exists
		}
		if byBody[r.e.Body] == nil {
			bodies = append(bodies, r.e.Body)
		}
		byBody[r.e.Body] = append(byBody[r.e.Body], r.e)
	}
	sort.Strings(bodies) // one lock order on every node: no deadlock
	heads := map[string]auditHead{}
	var insertHead string
	if d.pg {
		insertHead = `INSERT INTO web_audit_head (body, seq, hash) VALUES (?, 0, ?) ON CONFLICT DO NOTHING`
	} else {
		insertHead = `INSERT OR IGNORE INTO web_audit_head (body, seq, hash) VALUES (?, 0, ?)`
	}
	lock := `SELECT seq, hash FROM web_audit_head WHERE body = ?`
	if d.pg {
		lock += ` FOR UPDATE`
	}
	for _, body := range bodies {
		// A head row, once committed, stays (the chain only grows): the
		// writer inserts it at most once per body and process.
		if _, ok := d.heads[body]; !ok {
			if _, err := tx.ExecContext(ctx, d.rebind(insertHead), body, genesis); err != nil {
				return fmt.Errorf("webdb: audit head: %w", err)
			}
		}
		var seq int64
		var prev string
		if err := tx.QueryRowContext(ctx, d.rebind(lock), body).Scan(&seq, &prev); err != nil {
			return fmt.Errorf("webdb: audit head: %w", err)
		}
		entries := byBody[body]
		var q strings.Builder
		q.WriteString(`INSERT INTO web_audit (body, seq, at, actor, action, case_id, detail, prev_hash, hash) VALUES `)
		args := make([]any, 0, 9*len(entries))
		for i, e := range entries {
			seq++
			e.Seq, e.PrevHash = seq, prev
			e.Hash = hashOf(e)
			prev = e.Hash
			if i > 0 {
				q.WriteString(",")
			}
			q.WriteString("(?,?,?,?,?,?,?,?,?)")
			args = append(args, e.Body, e.Seq, micros(e.At), e.Actor, e.Action, e.CaseID, e.Detail, e.PrevHash, e.Hash)
		}
		if _, err := tx.ExecContext(ctx, d.rebind(q.String()), args...); err != nil {
			return fmt.Errorf("webdb: audit append: %w", err)
		}
		if _, err := tx.ExecContext(ctx, d.rebind(`UPDATE web_audit_head SET seq = ?, hash = ? WHERE body = ?`), seq, prev, body); err != nil {
			return fmt.Errorf("webdb: audit head: %w", err)
		}
		heads[body] = auditHead{seq, prev}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("webdb: audit commit: %w", err)
	}
	for body, h := range heads {
		d.heads[body] = h
	}
	return nil
}

// sqlAppendOnce records the cases of a batch, moves the heads of its
// chains and appends its entries in one statement; web_audit_check fails
// it (and with it the whole statement) unless every case was new and
// every head was where the writer last left it.
const sqlAppendOnce = `WITH c AS (
		INSERT INTO web_cases (` + caseCols + `)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[])
		ON CONFLICT DO NOTHING RETURNING 1
	), h AS (
		UPDATE web_audit_head SET seq = u.seq, hash = u.hash
		FROM unnest($8::text[], $9::bigint[], $10::text[], $11::bigint[], $12::text[]) AS u(body, seq, hash, old_seq, old_hash)
		WHERE web_audit_head.body = u.body AND web_audit_head.seq = u.old_seq AND web_audit_head.hash = u.old_hash
		RETURNING 1
	), a AS (
		INSERT INTO web_audit (body, seq, at, actor, action, case_id, detail, prev_hash, hash)
		SELECT * FROM unnest($13::text[], $14::bigint[], $15::bigint[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[], $21::text[])
	)
	SELECT web_audit_check((SELECT count(*) FROM c) = $22 AND (SELECT count(*) FROM h) = $23)`

// appendBatchOnce writes a batch on PostgreSQL in one statement, one
// round trip, when the writer knows the head of every chain the batch
// appends to (it committed the last batch of that body): the usual case
// of a single node, whose batches otherwise spend a round trip on each of
// BEGIN, the cases, and per body the head's lock, the entries and the
// head's update, and COMMIT. It reports false, having written nothing,
// when it cannot: a chain it does not know yet, another node's entries
// since (the head moved), a case filed before (its entry must not be
// written again); the transaction of appendBatch then does the batch.
func (d *DB) appendBatchOnce(ctx context.Context, batch []*appendReq) (bool, error) {
	heads := map[string]auditHead{}
	var (
		cBody, cInst, cKey, cNum, cOwner, cProc []string
		cAt                                     []int64
		aBody, aActor, aAction, aCase           []string
		aDetail, aPrev, aHash                   []string
		aSeq, aAt                               []int64
	)
	for _, r := range batch {
		h, ok := heads[r.e.Body]
		if !ok {
			if h, ok = d.heads[r.e.Body]; !ok {
				return false, nil
			}
		}
		if c := r.c; c != nil {
			cBody, cInst, cKey, cNum = append(cBody, c.Body), append(cInst, c.InstanceID), append(cKey, c.IdemKey), append(cNum, c.Number)
			cOwner, cProc, cAt = append(cOwner, c.Owner), append(cProc, c.ProcessKey), append(cAt, micros(c.CreatedAt))
		}
		e := r.e
		e.Seq, e.PrevHash = h.seq+1, h.hash
		e.Hash = hashOf(e)
		heads[e.Body] = auditHead{e.Seq, e.Hash}
		aBody, aSeq, aAt, aActor, aAction = append(aBody, e.Body), append(aSeq, e.Seq), append(aAt, micros(e.At)), append(aActor, e.Actor), append(aAction, e.Action)
		aCase, aDetail, aPrev, aHash = append(aCase, e.CaseID), append(aDetail, e.Detail), append(aPrev, e.PrevHash), append(aHash, e.Hash)
	}
	var hBody, hHash, hOldHash []string
	var hSeq, hOldSeq []int64
	// Heads listed in body order, the order the transaction locks them
	// in; should two nodes' statements still deadlock, the one PostgreSQL
	// cancels goes to the transaction (40P01 below).
	for _, body := range slices.Sorted(maps.Keys(heads)) {
		h, old := heads[body], d.heads[body]
		hBody, hSeq, hHash, hOldSeq, hOldHash = append(hBody, body), append(hSeq, h.seq), append(hHash, h.hash), append(hOldSeq, old.seq), append(hOldHash, old.hash)
	}
	var ok bool
	err := d.db.QueryRowContext(ctx, sqlAppendOnce, cBody, cInst, cKey, cNum, cOwner, cProc, cAt,
		hBody, hSeq, hHash, hOldSeq, hOldHash,
		aBody, aSeq, aAt, aActor, aAction, aCase, aDetail, aPrev, aHash, len(cBody), len(hBody)).Scan(&ok)
	if err != nil {
		for _, r := range batch {
			r.e.Seq, r.e.PrevHash, r.e.Hash = 0, "", ""
		}
		var pe *pgconn.PgError
		if errors.As(err, &pe) && (pe.Code == staleHead || pe.Code == "23505" || pe.Code == "40P01") {
			d.onceRefused.Add(1)
			return false, nil
		}
		return false, fmt.Errorf("webdb: audit append: %w", err)
	}
	for _, r := range batch {
		r.created = r.c != nil
	}
	for body, h := range heads {
		d.heads[body] = h
	}
	d.onceWritten.Add(1)
	return true, nil
}

// insertCases records the cases of the FileCase requests of a batch in
// one statement and marks the requests whose case is new. Two requests
// of one batch with the same key (a double click) record one case: the
// first one creates it.
func (d *DB) insertCases(ctx context.Context, tx *sql.Tx, batch []*appendReq) error {
	var q strings.Builder
	var args []any
	for _, r := range batch {
		r.created = false
		if r.c == nil {
			continue
		}
		if len(args) == 0 {
			if d.pg {
				q.WriteString(`INSERT INTO web_cases (` + caseCols + `) VALUES `)
			} else {
				q.WriteString(`INSERT OR IGNORE INTO web_cases (` + caseCols + `) VALUES `)
			}
		} else {
			q.WriteString(",")
		}
		q.WriteString("(?,?,?,?,?,?,?)")
		c := r.c
		args = append(args, c.Body, c.InstanceID, c.IdemKey, c.Number, c.Owner, c.ProcessKey, micros(c.CreatedAt))
	}
	if len(args) == 0 {
		return nil
	}
	if d.pg {
		q.WriteString(` ON CONFLICT DO NOTHING`)
	}
	q.WriteString(` RETURNING body, idem_key`)
	rows, err := tx.QueryContext(ctx, d.rebind(q.String()), args...)
	if err != nil {
		return fmt.Errorf("webdb: put case: %w", err)
	}
	defer rows.Close()
	type key struct{ body, idem string }
	inserted := map[key]bool{}
	for rows.Next() {
		var k key
		if err := rows.Scan(&k.body, &k.idem); err != nil {
			return fmt.Errorf("webdb: put case: %w", err)
		}
		inserted[k] = true
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("webdb: put case: %w", err)
	}
	for _, r := range batch {
		if r.c == nil {
			continue
		}
		k := key{r.c.Body, r.c.IdemKey}
		if inserted[k] {
			r.created = true
			delete(inserted, k)
		}
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
