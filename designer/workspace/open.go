package workspace

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "modernc.org/sqlite"             // database/sql driver "sqlite"
)

// OpenSQLite opens (creating it when absent) the SQLite database at path
// and applies the migrations. WAL and a busy timeout let the designer's
// concurrent requests share it; transactions take the write lock at BEGIN
// (_txlock=immediate) so that two saves serialise instead of failing.
func OpenSQLite(ctx context.Context, path string) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+abs+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("workspace: open %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("workspace: open %s: %w", path, err)
	}
	return newStore(ctx, db, sqliteDialect)
}

// OpenPostgres connects to the PostgreSQL database of the URL (pgx syntax;
// a search_path parameter selects the schema) and applies the migrations.
func OpenPostgres(ctx context.Context, databaseURL string) (*Store, error) {
	db, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return nil, fmt.Errorf("workspace: open postgres: %w", err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("workspace: open postgres: %w", err)
	}
	return newStore(ctx, db, postgresDialect)
}
