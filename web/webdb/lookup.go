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

// maxLookupBatch bounds the keys one lookup query reads.
const maxLookupBatch = 256

// lookupTimeout bounds one lookup query.
const lookupTimeout = 30 * time.Second

var errClosed = errors.New("webdb: closed")

// caseByKeyBatched is CaseByKey on PostgreSQL. Every filing asks whether
// its idempotency key was filed already, and on PostgreSQL each such
// question was a statement and a transaction of its own: half of the
// transactions of a submission once numbers, starts and audit entries
// were group-committed. One loop now takes every waiting question and
// asks them together, one query per body (body = $1 AND idem_key =
// ANY($2), which the unique index answers whatever plan is cached).
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

// lookupBatch answers a batch of CaseByKey calls, one query per body.
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
	failed := map[string]error{}
	for _, b := range bodies {
		rows, err := d.db.QueryContext(ctx, `SELECT `+caseCols+` FROM web_cases WHERE body = $1 AND idem_key = ANY($2)`, b, keys[b])
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
			failed[b] = fmt.Errorf("webdb: case: %w", err)
		}
	}
	for _, r := range batch {
		switch c := found[bk{r.body, r.key}]; {
		case failed[r.body] != nil:
			r.done <- keyFound{err: failed[r.body]}
		case c == nil:
			r.done <- keyFound{err: ErrNotFound}
		default:
			// Each caller gets its own copy: the callers may change it.
			cp := *c
			r.done <- keyFound{c: &cp}
		}
	}
}
