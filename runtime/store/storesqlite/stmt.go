package storesqlite

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps one prepared statement per query text: SQLite spends
// more time parsing a statement than running a small one.
type stmtCache struct {
	db   *sql.DB   // for the read pool: prepared on each connection as needed
	conn *sql.Conn // for the writer: prepared on its one connection
	mu   sync.Mutex
	m    map[string]*sql.Stmt
}

func (c *stmtCache) get(ctx context.Context, q string) (*sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[q]; ok {
		return st, nil
	}
	var st *sql.Stmt
	var err error
	if c.conn != nil {
		st, err = c.conn.PrepareContext(ctx, q)
	} else {
		st, err = c.db.PrepareContext(ctx, q)
	}
	if err != nil {
		return nil, err
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[q] = st
	return st, nil
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}

// exec, queryRow and query run a cached statement on the writer's
// connection, inside the transaction the writer began on it.
func (s *Store) exec(_ *sql.Conn, q string, args ...any) (sql.Result, error) {
	st, err := s.wstmts.get(context.Background(), q)
	if err != nil {
		return nil, err
	}
	return st.Exec(args...)
}

func (s *Store) queryRow(tx *sql.Conn, q string, args ...any) *sql.Row {
	st, err := s.wstmts.get(context.Background(), q)
	if err != nil {
		// Let the error surface from Scan.
		return tx.QueryRowContext(context.Background(), q, args...)
	}
	return st.QueryRow(args...)
}

func (s *Store) query(_ *sql.Conn, q string, args ...any) (*sql.Rows, error) {
	st, err := s.wstmts.get(context.Background(), q)
	if err != nil {
		return nil, err
	}
	return st.Query(args...)
}

// read and readRow run a cached statement on the read-only pool.
func (s *Store) read(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := s.rstmts.get(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (s *Store) readRow(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := s.rstmts.get(ctx, q)
	if err != nil {
		return s.reader.QueryRowContext(ctx, q, args...)
	}
	return st.QueryRowContext(ctx, args...)
}
