package storepg

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/procedo/procedo/runtime/store"
)

// Channel is the LISTEN/NOTIFY channel on which commits that create jobs
// due now wake the job runners of every node. The payload is the schema
// and the sending store's node id ("schema node"), so that stores in
// different schemas of one database do not wake each other and a store
// does not wake its own runners twice (it signals them at commit). A
// payload of the schema alone (an older node) wakes every store of the
// schema.
const Channel = "procedo_jobs"

// Options tune the store; the zero value means the defaults.
type Options struct {
	// Schema, when set, is the only schema on the search_path of every
	// connection: the store's tables live there. It must exist (Open
	// creates it when CreateSchema is set). Empty: the URL's own
	// search_path (by default "public").
	Schema       string
	CreateSchema bool
	// MaxConns is the size of the connection pool (default 16).
	MaxConns int32
	// Committers is how many commits may be in flight at once (default
	// 4). Concurrent Commit calls beyond that are merged into one
	// transaction. Overlapping commits suit callers that each wait for
	// their commit with a large batch (the engine's job runners: the
	// reference process runs about 15% faster with 4 than with 1). Every
	// transaction costs PostgreSQL about the same CPU whatever it holds,
	// so where many small calls share few cores (the portal: procedo
	// serve), one committer, which merges everything that queued during
	// the previous commit, does the most work per CPU-second.
	Committers int
	// MaxBatch is the most Commit calls merged into one transaction
	// (default 256).
	MaxBatch int
}

// Store is the PostgreSQL store. Create it with Open.
type Store struct {
	pool   *pgxpool.Pool
	schema string
	notice string // the NOTIFY payload: schema and node id

	queue    chan *commitReq
	maxBatch int
	numbers  chan *numberReq // NextNumber calls for numberLoop
	closing  chan struct{}
	stopped  chan struct{} // closed when every committer has stopped
	workers  sync.WaitGroup
	once     sync.Once

	wake       chan struct{}
	stopListen context.CancelFunc
	listenDone chan struct{}
}

var _ store.Store = (*Store)(nil)

// Migration is one numbered SQL file of the embedded schema.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the embedded migrations in order.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []Migration
	seen := map[int]string{}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("storepg: migration %s: the name must start with a positive number and an underscore", name)
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("storepg: migrations %s and %s share number %d", prev, name, v)
		}
		seen[v] = name
		body, err := fs.ReadFile(migrationFiles, "migrations/"+name)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: name, SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

func poolConfig(url string, opts *Options) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("storepg: database URL: %w", err)
	}
	if opts.Schema != "" {
		cfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{opts.Schema}.Sanitize()
	}
	cfg.MaxConns = 16
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	return cfg, nil
}

// Migrate applies the embedded migrations that the database (in the
// schema of opts, if any) has not seen and returns those it applied. It is
// idempotent; concurrent migrators serialise on an advisory lock.
func Migrate(ctx context.Context, url string, opts *Options) ([]Migration, error) {
	if opts == nil {
		opts = &Options{}
	}
	cfg, err := poolConfig(url, opts)
	if err != nil {
		return nil, err
	}
	conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig)
	if err != nil {
		return nil, fmt.Errorf("storepg: connect: %w", err)
	}
	defer conn.Close(context.Background())
	if opts.Schema != "" && opts.CreateSchema {
		if _, err := conn.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{opts.Schema}.Sanitize()); err != nil {
			return nil, fmt.Errorf("storepg: create schema %s: %w", opts.Schema, err)
		}
	}
	return migrate(ctx, conn)
}

func migrate(ctx context.Context, conn *pgx.Conn) ([]Migration, error) {
	all, err := Migrations()
	if err != nil {
		return nil, err
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(context.Background()) //nolint:errcheck // no-op after Commit
	var schema string
	if err := tx.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return nil, fmt.Errorf("storepg: no current schema (does the search_path name an existing schema?): %w", err)
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('procedo migrate ' || current_schema()))`); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer     PRIMARY KEY,
		name       text        NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return nil, fmt.Errorf("storepg: create schema_migrations in %s: %w", schema, err)
	}
	done := map[int]bool{}
	rows, err := tx.Query(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		done[v] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var applied []Migration
	for _, m := range all {
		if done[m.Version] {
			continue
		}
		// No arguments: pgx uses the simple protocol, which runs every
		// statement of the file.
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return nil, fmt.Errorf("storepg: migration %s: %w", m.Name, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name); err != nil {
			return nil, err
		}
		applied = append(applied, m)
	}
	return applied, tx.Commit(ctx)
}

// Open connects to the database at url, applies the pending migrations,
// starts listening for job notifications and returns the store.
func Open(ctx context.Context, url string, opts *Options) (*Store, error) {
	if opts == nil {
		opts = &Options{}
	}
	if _, err := Migrate(ctx, url, opts); err != nil {
		return nil, err
	}
	cfg, err := poolConfig(url, opts)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("storepg: connect: %w", err)
	}
	var schema string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("storepg: current schema: %w", err)
	}
	committers := opts.Committers
	if committers <= 0 {
		committers = 4
	}
	maxBatch := opts.MaxBatch
	if maxBatch <= 0 {
		maxBatch = 256
	}
	s := &Store{
		pool: pool, schema: schema, notice: schema + " " + nodeID(),
		queue: make(chan *commitReq, maxBatch), maxBatch: maxBatch, numbers: make(chan *numberReq, maxNumberBatch), closing: make(chan struct{}), stopped: make(chan struct{}),
		wake: make(chan struct{}, 1), listenDone: make(chan struct{}),
	}
	lctx, cancel := context.WithCancel(context.Background())
	s.stopListen = cancel
	ready := make(chan error, 1)
	go s.listen(lctx, cfg.ConnConfig.Copy(), ready)
	if err := <-ready; err != nil {
		cancel()
		pool.Close()
		return nil, err
	}
	for range committers {
		s.workers.Add(1)
		go s.commitLoop()
	}
	s.workers.Add(1)
	go s.numberLoop()
	return s, nil
}

// Pool returns the connection pool (for tools and tests).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Schema returns the schema the store's tables live in.
func (s *Store) Schema() string { return s.schema }

// Close stops the committers and the listener and closes the pool.
func (s *Store) Close() error {
	s.once.Do(func() {
		close(s.closing)
		s.workers.Wait()
		close(s.stopped)
		s.stopListen()
		<-s.listenDone
		s.pool.Close()
	})
	return nil
}

func (s *Store) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// WakeUp implements store.Store.
func (s *Store) WakeUp() <-chan struct{} { return s.wake }

// listen keeps a dedicated connection LISTENing on Channel, reconnecting
// with backoff, until ctx ends. ready receives the first connect's
// outcome.
func (s *Store) listen(ctx context.Context, cfg *pgx.ConnConfig, ready chan<- error) {
	defer close(s.listenDone)
	backoff := 100 * time.Millisecond
	first := true
	for ctx.Err() == nil {
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err == nil {
			_, err = conn.Exec(ctx, "LISTEN "+Channel)
		}
		if first {
			ready <- err
			first = false
			if err != nil {
				if conn != nil {
					conn.Close(context.Background())
				}
				return
			}
		}
		if err == nil {
			// Jobs may have been created while we were not listening.
			s.signal()
			backoff = 100 * time.Millisecond
			for {
				n, werr := conn.WaitForNotification(ctx)
				if werr != nil {
					break
				}
				if n.Payload == s.notice {
					continue // this store's own commit: signalled then
				}
				if n.Payload == s.schema || strings.HasPrefix(n.Payload, s.schema+" ") {
					s.signal()
				}
			}
		}
		if conn != nil {
			conn.Close(context.Background())
		}
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

func notFound(kind, body, id string) error {
	return &store.NotFoundError{Kind: kind, Body: body, ID: id}
}

// conflictCode is the SQLSTATE raised by procedo_conflict.
const conflictCode = "PD409"

// asConflict turns a conflict raised in SQL, a unique violation, a
// serialization failure or a deadlock into a *store.ConflictError; all
// names every instance of the batch when the error does not say which.
func asConflict(err error, all []string) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case conflictCode:
		kind := strings.TrimPrefix(pe.Message, "procedo conflict on ")
		ids := strings.Split(pe.Detail, "\n")
		sort.Strings(ids)
		return &store.ConflictError{Kind: kind, IDs: compact(ids), Err: err}
	case "23505", "40001", "40P01":
		return &store.ConflictError{Kind: "instance", IDs: all, Err: err}
	}
	return err
}

func compact(ids []string) []string {
	out := ids[:0]
	for i, id := range ids {
		if i == 0 || id != ids[i-1] {
			out = append(out, id)
		}
	}
	return out
}

// nodeID is a random id naming this store in its notifications.
func nodeID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
