package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/procedo/procedo/web/webdb"
)

// runAudit checks the tamper-evident audit trail: every entry's hash and
// its link to the previous one, per body.
func runAudit(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: procedo audit verify [--data DIR | --db URL] [--schema NAME] [--body ID]")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Recomputes the hash chain of the audit trail; exits 1 naming the first broken entry.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	data := fs.String("data", envOr("PROCEDO_DATA", "./procedo-data"), "data folder (SQLite)")
	db := fs.String("db", os.Getenv("PROCEDO_DATABASE_URL"), "PostgreSQL URL (env PROCEDO_DATABASE_URL)")
	schema := fs.String("schema", "", "PostgreSQL schema")
	body := fs.String("body", "", "verify only this body (default: every body)")
	if len(args) == 0 || args[0] != "verify" {
		fs.Usage()
		return 2
	}
	if err := fs.Parse(args[1:]); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var d *webdb.DB
	var err error
	if *db != "" {
		d, err = webdb.OpenPostgres(ctx, *db, *schema)
	} else {
		d, err = webdb.OpenSQLite(ctx, *data)
	}
	if err != nil {
		fmt.Fprintf(stderr, "procedo audit: %v\n", err)
		return 1
	}
	defer d.Close()
	bodies := []string{*body}
	if *body == "" {
		if bodies, err = d.Bodies(ctx); err != nil {
			fmt.Fprintf(stderr, "procedo audit: %v\n", err)
			return 1
		}
	}
	bad := 0
	for _, b := range bodies {
		n, err := d.Verify(ctx, b)
		switch {
		case errors.Is(err, webdb.ErrChain):
			fmt.Fprintf(stdout, "%s: BROKEN after %d good entries: %v\n", b, n, err)
			bad++
		case err != nil:
			fmt.Fprintf(stderr, "procedo audit: %v\n", err)
			return 1
		default:
			fmt.Fprintf(stdout, "%s: %d entries, chain intact\n", b, n)
		}
	}
	if bad > 0 {
		return 1
	}
	return 0
}
