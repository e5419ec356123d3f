package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/procedo/procedo/internal/testenv"
)

func TestMigrateSQLite(t *testing.T) {
	dir := t.TempDir() + "/data"
	var out, errb bytes.Buffer
	if code := run([]string{"migrate", "--data", dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "applied 0001_init.sql") {
		t.Fatalf("first run printed %q, want the applied migration", out.String())
	}
	out.Reset()
	if code := run([]string{"migrate", "--data", dir}, &out, &errb); code != 0 {
		t.Fatalf("second run exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "up to date") {
		t.Fatalf("second run printed %q, want up to date", out.String())
	}
}

func TestMigratePostgres(t *testing.T) {
	url := testenv.PostgresURL(t)
	schema := fmt.Sprintf("t_migrate_%d", time.Now().UnixNano())
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), url)
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
			t.Error(err)
		}
	})
	t.Setenv("PROCEDO_DATABASE_URL", url)
	var out, errb bytes.Buffer
	if code := run([]string{"migrate", "--schema", schema}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "applied 0001_init.sql") {
		t.Fatalf("first run printed %q", out.String())
	}
	out.Reset()
	if code := run([]string{"migrate", "--db", url, "--schema", schema}, &out, &errb); code != 0 {
		t.Fatalf("second run exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "up to date") {
		t.Fatalf("second run printed %q", out.String())
	}
}

func TestMigrateBadURL(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"migrate", "--db", "postgres://nobody@127.0.0.1:1/x?connect_timeout=2"}, &out, &errb); code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", code, errb.String())
	}
	if !strings.Contains(errb.String(), "procedo migrate:") {
		t.Fatalf("stderr %q does not say what failed", errb.String())
	}
}
