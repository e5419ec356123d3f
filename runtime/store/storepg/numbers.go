package storepg

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

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
	var (
		count = map[numberKey]int64{}
		live  = batch[:0]
	)
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.done <- numberRes{err: err}
			continue
		}
		count[numberKey{r.p.Body, r.p.Name, r.p.Year}]++
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	// Not cancelled with any one caller: the others wait for it.
	ctx, cancel := context.WithTimeout(context.Background(), numberTimeout)
	defer cancel()
	rows, err := s.pool.Query(ctx, sqlTakeNumbers, takeNumbersArgs(count)...)
	var last map[numberKey]int64
	if err == nil {
		last, err = scanCounters(rows)
	}
	if err == nil && len(last) != len(count) {
		err = fmt.Errorf("%d of %d counters returned", len(last), len(count))
	}
	if err != nil {
		for _, r := range live {
			r.done <- numberRes{err: fmt.Errorf("storepg: next number %s/%d: %w", r.p.Name, r.p.Year, err)}
		}
		return
	}
	// The counter now ends at last[k]: the calls get last-count+1 … last,
	// in the order they came.
	next := map[numberKey]int64{}
	for k, c := range count {
		next[k] = last[k] - c + 1
	}
	for _, r := range live {
		k := numberKey{r.p.Body, r.p.Name, r.p.Year}
		r.done <- numberRes{n: next[k]}
		next[k]++
	}
}

// numberKey names a register: a counter per body, name and year.
type numberKey struct {
	body, name string
	year       int
}

// sqlTakeNumbers moves each register's counter past the numbers taken
// from it and returns where it stopped (RETURNING body, name, year,
// value): the number loop's statement, and the first of a commit whose
// steps take numbers (store.Step.Number), where a conflict of the batch
// rolls it back with the rest.
const sqlTakeNumbers = `INSERT INTO counters (body, name, year, value)
	SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[])
	ON CONFLICT (body, name, year) DO UPDATE SET value = counters.value + excluded.value
	RETURNING body, name, year, value`

// takeNumbersArgs are the arguments of sqlTakeNumbers for count numbers
// of each register, the registers in one order (body, name, year) on
// every node, so that concurrent statements lock the counter rows
// without deadlock.
func takeNumbersArgs(count map[numberKey]int64) []any {
	keys := slices.SortedFunc(maps.Keys(count), func(a, b numberKey) int {
		return cmp.Or(cmp.Compare(a.body, b.body), cmp.Compare(a.name, b.name), cmp.Compare(a.year, b.year))
	})
	bodies, names := make([]string, len(keys)), make([]string, len(keys))
	years, counts := make([]int32, len(keys)), make([]int64, len(keys))
	for i, k := range keys {
		bodies[i], names[i], years[i], counts[i] = k.body, k.name, int32(k.year), count[k]
	}
	return []any{bodies, names, years, counts}
}

// scanCounters reads the rows sqlTakeNumbers returns: the value each
// register stopped at.
func scanCounters(rows pgx.Rows) (map[numberKey]int64, error) {
	defer rows.Close()
	last := map[numberKey]int64{}
	for rows.Next() {
		var k numberKey
		var year int32
		var v int64
		if err := rows.Scan(&k.body, &k.name, &year, &v); err != nil {
			return nil, err
		}
		k.year = int(year)
		last[k] = v
	}
	return last, rows.Err()
}
