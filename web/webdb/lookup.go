package webdb

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// keyLookup is a CaseByKey call waiting for the lookup loop.
type keyLookup struct {
	body, key string
	done      chan keyFound
}

type keyFound struct {
	c   *Case
	err error
}

// sqlCasesByKey reads the cases of (body, key) pairs, each by the unique
// index on (body, idem_key): a LATERAL subquery per pair, an equality on
// the whole unique key. With body = $1 AND idem_key = ANY($2) and no
// statistics (a new table, autovacuum off) PostgreSQL chose to read all
// the body's cases through another index and filter them by the keys:
// 0.46 ms a lookup at 6,000 cases, and growing.
const sqlCasesByKey = `SELECT c.* FROM unnest($1::text[], $2::text[]) AS k(body, key)
	CROSS JOIN LATERAL (SELECT ` + caseCols + ` FROM web_cases WHERE body = k.body AND idem_key = k.key OFFSET 0) c`

// maxLookupBatch bounds the keys one lookup query reads.
const maxLookupBatch = 256

// lookupTimeout bounds one lookup query.
const lookupTimeout = 30 * time.Second

var errClosed = errors.New("webdb: closed")

// caseByKeyBatched is CaseByKey on PostgreSQL. Receipts, resubmissions
// and FileCase of a key filed before ask it, and on PostgreSQL each such
// question would be a statement and a transaction of its own. One loop
// takes every waiting question and asks them together, in one query
// (sqlCasesByKey).
func (d *DB) caseByKeyBatched(ctx context.Context, body, key string) (*Case, error) {
	d.lookupOnce.Do(d.startLookups)
	r := &keyLookup{body: body, key: key, done: make(chan keyFound, 1)}
	select {
	case d.lookupQ <- r:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-d.closed:
		return nil, errClosed
	}
	select {
	case f := <-r.done:
		return f.c, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-d.lookupsDone:
		select {
		case f := <-r.done:
			return f.c, f.err
		default:
			return nil, errClosed
		}
	}
}

func (d *DB) startLookups() {
	d.auditWG.Add(1)
	go func() {
		defer d.auditWG.Done()
		defer close(d.lookupsDone)
		for {
			var batch []*keyLookup
			select {
			case r := <-d.lookupQ:
				batch = append(batch, r)
			case <-d.closed:
				return
			}
		more:
			for len(batch) < maxLookupBatch {
				select {
				case r := <-d.lookupQ:
					batch = append(batch, r)
				default:
					break more
				}
			}
			d.lookupBatch(batch)
		}
	}()
}

// lookupBatch answers a batch of CaseByKey calls in one query.
func (d *DB) lookupBatch(batch []*keyLookup) {
	ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
	defer cancel()
	var bodies []string
	keys := map[string][]string{}
	for _, r := range batch {
		if keys[r.body] == nil {
			bodies = append(bodies, r.body)
		}
		keys[r.body] = append(keys[r.body], r.key)
	}
	type bk struct{ body, key string }
	found := map[bk]*Case{}
	var qb, qk []string
	for _, b := range bodies {
		for _, k := range keys[b] {
			qb, qk = append(qb, b), append(qk, k)
		}
	}
	var failed error
	rows, err := d.db.QueryContext(ctx, sqlCasesByKey, qb, qk)
	if err == nil {
		for rows.Next() {
			var c *Case
			if c, err = scanCase(rows); err != nil {
				break
			}
			found[bk{c.Body, c.IdemKey}] = c
		}
		rows.Close()
		if err == nil {
			err = rows.Err()
		}
	}
	if err != nil {
		failed = fmt.Errorf("webdb: case: %w", err)
	}
	for _, r := range batch {
		switch c := found[bk{r.body, r.key}]; {
		case failed != nil:
			r.done <- keyFound{err: failed}
		case c == nil:
			r.done <- keyFound{err: ErrNotFound}
		default:
			// Each caller gets its own copy: the callers may change it.
			cp := *c
			r.done <- keyFound{c: &cp}
		}
	}
}
