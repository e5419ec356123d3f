package storesqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/procedo/procedo/runtime/store"
)

// FileName is the database file inside the data folder.
const FileName = "procedo.db"

// Options tune the store; the zero value means the defaults.
type Options struct {
	// Synchronous is SQLite's synchronous pragma in WAL mode: "FULL"
	// (default: a committed step survives a power cut) or "NORMAL" (a
	// committed step survives a crash of the process but the last ones may
	// be lost on a power cut; faster on slow disks).
	Synchronous string
	// BusyTimeout is how long a statement waits for another process that
	// holds the write lock (default 5s).
	BusyTimeout time.Duration
	// Readers is the size of the read-only pool (default 4).
	Readers int
	// MaxBatch is the most write requests grouped in one transaction
	// (default 512).
	MaxBatch int
}

// Store is the SQLite store. Create it with Open.
type Store struct {
	dir    string
	writer *sql.DB   // exactly one connection: all writes go through the write loop
	wconn  *sql.Conn // that connection, held by the write loop
	reader *sql.DB   // read-only connections
	wstmts stmtCache
	rstmts stmtCache

	queue    chan *writeReq
	maxBatch int
	closing  chan struct{}
	stopped  chan struct{}
	closeErr error
	once     sync.Once

	wake chan struct{}
}

var _ store.Store = (*Store)(nil)

// writeReq is one write: fn runs inside a savepoint of the writer's
// current transaction.
type writeReq struct {
	ctx    context.Context
	fn     func(tx *sql.Conn) error
	done   chan error
	notify bool // set by fn: wake job runners after the commit
}

// Migrate applies the embedded migrations to the database in dir (created
// if needed) and returns those it applied (none when it is up to date).
func Migrate(ctx context.Context, dir string, opts *Options) ([]Migration, error) {
	db, err := openDB(dir, opts, false, 1)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return migrate(ctx, db)
}

// Open opens (creating if needed) the store in the data folder dir and
// applies the pending migrations.
func Open(ctx context.Context, dir string, opts *Options) (*Store, error) {
	if opts == nil {
		opts = &Options{}
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("storesqlite: data folder: %w", err)
	}
	writer, err := openDB(dir, opts, false, 1)
	if err != nil {
		return nil, err
	}
	if _, err := migrate(ctx, writer); err != nil {
		writer.Close()
		return nil, err
	}
	readers := opts.Readers
	if readers <= 0 {
		readers = 4
	}
	reader, err := openDB(dir, opts, true, readers)
	if err != nil {
		writer.Close()
		return nil, err
	}
	maxBatch := opts.MaxBatch
	if maxBatch <= 0 {
		maxBatch = 512
	}
	s := &Store{
		dir: dir, writer: writer, reader: reader,
		queue: make(chan *writeReq, maxBatch), maxBatch: maxBatch,
		closing: make(chan struct{}), stopped: make(chan struct{}),
		wake: make(chan struct{}, 1),
	}
	wconn, err := writer.Conn(ctx)
	if err != nil {
		writer.Close()
		reader.Close()
		return nil, fmt.Errorf("storesqlite: writer connection: %w", err)
	}
	s.wconn = wconn
	s.wstmts.conn, s.rstmts.db = wconn, reader
	go s.writeLoop()
	return s, nil
}

func openDB(dir string, opts *Options, readOnly bool, conns int) (*sql.DB, error) {
	if opts == nil {
		opts = &Options{}
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("storesqlite: data folder: %w", err)
	}
	sync := opts.Synchronous
	switch sync {
	case "":
		sync = "FULL"
	case "FULL", "NORMAL":
	default:
		return nil, fmt.Errorf("storesqlite: Options.Synchronous %q: want FULL or NORMAL", sync)
	}
	busy := opts.BusyTimeout
	if busy <= 0 {
		busy = 5 * time.Second
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous("+sync+")")
	q.Add("_pragma", "foreign_keys(1)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		// The writer takes the write lock when it begins: no upgrade
		// deadlock with another process.
		q.Set("_txlock", "immediate")
	}
	path, err := filepath.Abs(filepath.Join(dir, FileName))
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("storesqlite: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxLifetime(0)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("storesqlite: open %s: %w", path, err)
	}
	return db, nil
}

// Dir returns the data folder.
func (s *Store) Dir() string { return s.dir }

// Close stops the writer after the queued writes and closes the database.
func (s *Store) Close() error {
	s.once.Do(func() {
		close(s.closing)
		<-s.stopped
		s.wstmts.close()
		s.rstmts.close()
		s.closeErr = errors.Join(s.wconn.Close(), s.writer.Close(), s.reader.Close())
	})
	return s.closeErr
}

var errClosed = errors.New("storesqlite: store closed")

// write runs fn in the writer's next transaction and waits for its commit.
// It returns fn's error (the savepoint was rolled back) or the commit's.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Conn, r *writeReq) error) error {
	r := &writeReq{ctx: ctx, done: make(chan error, 1)}
	r.fn = func(tx *sql.Conn) error { return fn(tx, r) }
	select {
	case <-s.closing:
		return errClosed
	default:
	}
	select {
	case s.queue <- r:
	case <-s.closing:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued the request is answered while the writer runs: the
	// commit may already be under way, so the caller must learn its
	// outcome. The queue is buffered, so a request may also be queued
	// after Close stopped the writer (select picks among ready cases at
	// random): then nothing will answer it, and it never ran.
	select {
	case err := <-r.done:
		return err
	case <-s.stopped:
		select {
		case err := <-r.done:
			return err
		default:
			return errClosed
		}
	}
}

func (s *Store) writeLoop() {
	defer close(s.stopped)
	batch := make([]*writeReq, 0, s.maxBatch)
	for {
		batch = batch[:0]
		select {
		case r := <-s.queue:
			batch = append(batch, r)
		case <-s.closing:
			// Answer what is still queued, then stop.
			for {
				select {
				case r := <-s.queue:
					r.done <- errClosed
				default:
					return
				}
			}
		}
	drain:
		for len(batch) < s.maxBatch {
			select {
			case r := <-s.queue:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		s.runBatch(batch)
	}
}

func (s *Store) runBatch(batch []*writeReq) {
	// The transaction is driven by hand on the held connection (not
	// sql.Tx) so that statements prepared once on it serve every batch.
	// BEGIN IMMEDIATE takes the write lock now: no upgrade deadlock with
	// another process on the same file.
	c := s.wconn
	bg := context.Background()
	if _, err := c.ExecContext(bg, "BEGIN IMMEDIATE"); err != nil {
		for _, r := range batch {
			r.done <- fmt.Errorf("storesqlite: begin: %w", err)
		}
		return
	}
	abort := func(err error) {
		c.ExecContext(bg, "ROLLBACK") //nolint:errcheck // the batch is lost either way
		for _, r := range batch {
			r.done <- fmt.Errorf("storesqlite: batch rolled back: %w", err)
		}
	}
	results := make([]error, len(batch))
	ok := 0
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		if _, err := c.ExecContext(bg, "SAVEPOINT w"); err != nil {
			abort(err)
			return
		}
		if err := r.fn(c); err != nil {
			results[i] = err
			if _, err := c.ExecContext(bg, "ROLLBACK TO w"); err != nil {
				abort(err)
				return
			}
		} else {
			ok++
		}
		if _, err := c.ExecContext(bg, "RELEASE w"); err != nil {
			abort(err)
			return
		}
	}
	end := "COMMIT"
	if ok == 0 {
		end = "ROLLBACK" // nothing to keep
	}
	_, cerr := c.ExecContext(bg, end)
	if cerr != nil && ok > 0 {
		c.ExecContext(bg, "ROLLBACK") //nolint:errcheck // leave no transaction open
	}
	notify := false
	for i, r := range batch {
		err := results[i]
		if err == nil && cerr != nil {
			err = fmt.Errorf("storesqlite: commit: %w", cerr)
		}
		if err == nil && r.notify {
			notify = true
		}
		r.done <- err
	}
	if notify {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// Times are stored as microseconds since the epoch, UTC; NULL is zero.

func tm(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

func fromMicros(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.Int64).UTC()
}

func notFound(kind, body, id string) error {
	return &store.NotFoundError{Kind: kind, Body: body, ID: id}
}

func rowsAffected(res sql.Result) int64 {
	n, err := res.RowsAffected()
	if err != nil {
		return -1
	}
	return n
}
