package storepg

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/procedo/procedo/runtime/store"
)

// numberReq is a NextNumber call waiting for the numbering loop.
type numberReq struct {
	ctx  context.Context
	p    *store.NextNumberParams
	done chan numberRes
}

type numberRes struct {
	n   int64
	err error
}

// maxNumberBatch bounds the calls one counter transaction serves.
const maxNumberBatch = 512

// numberTimeout bounds a counter transaction.
const numberTimeout = 30 * time.Second

// NextNumber implements store.Store. Every application takes a number
// from the same row of its register, and a row lock is held until its
// transaction is durable: one transaction per number serialises the
// filings of a body on one fsync each. Concurrent calls are therefore
// served together: one loop takes every waiting call, adds to each
// counter the count of its calls in one statement and hands out the
// numbers in the order the calls came. Numbers stay gapless: a call whose
// context ends before its batch is written takes none.
func (s *Store) NextNumber(ctx context.Context, p *store.NextNumberParams) (int64, error) {
	if err := store.CheckBody("NextNumber", p.Body); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	r := &numberReq{ctx: ctx, p: p, done: make(chan numberRes, 1)}
	select {
	case s.numbers <- r:
	case <-s.closing:
		return 0, errClosed
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	// A queued call is answered by the loop, even when it stops; one
	// queued after the loop stopped is never taken.
	select {
	case res := <-r.done:
		return res.n, res.err
	case <-s.stopped:
		select {
		case res := <-r.done:
			return res.n, res.err
		default:
			return 0, errClosed
		}
	}
}

// numberLoop serves NextNumber calls in batches until the store closes.
func (s *Store) numberLoop() {
	defer s.workers.Done()
	for {
		var batch []*numberReq
		select {
		case r := <-s.numbers:
			batch = append(batch, r)
		case <-s.closing:
			for {
				select {
				case r := <-s.numbers:
					r.done <- numberRes{err: errClosed}
				default:
					return
				}
			}
		}
	drain:
		for len(batch) < maxNumberBatch {
			select {
			case r := <-s.numbers:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		s.numberBatch(batch)
	}
}

// numberBatch takes the numbers of a batch of calls in one statement.
func (s *Store) numberBatch(batch []*numberReq) {
	type key struct {
		body, name string
		year       int
	}
	var (
		keys  []key
		count = map[key]int64{}
		live  = batch[:0]
	)
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.done <- numberRes{err: err}
			continue
		}
		k := key{r.p.Body, r.p.Name, r.p.Year}
		if count[k] == 0 {
			keys = append(keys, k)
		}
		count[k]++
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	// In one order on every node, as commits taking numbers do: counter
	// rows are locked without deadlock.
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.body, b.body), cmp.Compare(a.name, b.name), cmp.Compare(a.year, b.year))
	})
	bodies, names := make([]string, len(keys)), make([]string, len(keys))
	years, counts := make([]int32, len(keys)), make([]int64, len(keys))
	for i, k := range keys {
		bodies[i], names[i], years[i], counts[i] = k.body, k.name, int32(k.year), count[k]
	}
	// Not cancelled with any one caller: the others wait for it.
	ctx, cancel := context.WithTimeout(context.Background(), numberTimeout)
	defer cancel()
	rows, err := s.pool.Query(ctx, `INSERT INTO counters (body, name, year, value)
		SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[])
		ON CONFLICT (body, name, year) DO UPDATE SET value = counters.value + excluded.value
		RETURNING body, name, year, value`, bodies, names, years, counts)
	last := map[key]int64{}
	if err == nil {
		for rows.Next() {
			var k key
			var year int32
			var v int64
			if err = rows.Scan(&k.body, &k.name, &year, &v); err != nil {
				break
			}
			k.year = int(year)
			last[k] = v
		}
		rows.Close()
		if err == nil {
			err = rows.Err()
		}
	}
	if err == nil && len(last) != len(keys) {
		err = fmt.Errorf("%d of %d counters returned", len(last), len(keys))
	}
	if err != nil {
		for _, r := range live {
			r.done <- numberRes{err: fmt.Errorf("storepg: next number %s/%d: %w", r.p.Name, r.p.Year, err)}
		}
		return
	}
	// The counter now ends at last[k]: the calls get last-count+1 … last,
	// in the order they came.
	next := map[key]int64{}
	for _, k := range keys {
		next[k] = last[k] - count[k] + 1
	}
	for _, r := range live {
		k := key{r.p.Body, r.p.Name, r.p.Year}
		r.done <- numberRes{n: next[k]}
		next[k]++
	}
}
