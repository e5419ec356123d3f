package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/procedo/procedo/runtime/store/storepg"
	"github.com/procedo/procedo/runtime/store/storesqlite"
)

// runMigrate applies the embedded store migrations: to PostgreSQL when a
// database URL is given (--db or PROCEDO_DATABASE_URL), otherwise to the
// SQLite database in the data folder.
func runMigrate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: procedo migrate [--db URL | --data DIR] [--schema NAME]")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Applies the store migrations that the database has not seen, and prints them.")
		fmt.Fprintln(stderr, "Without --db (or PROCEDO_DATABASE_URL) it migrates the SQLite database in --data.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	db := fs.String("db", os.Getenv("PROCEDO_DATABASE_URL"), "PostgreSQL URL (default $PROCEDO_DATABASE_URL)")
	data := fs.String("data", "./procedo-data", "data folder of the embedded SQLite store")
	schema := fs.String("schema", "", "PostgreSQL schema to migrate, created if missing (default: the URL's search_path)")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "procedo migrate: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	var names []string
	var where string
	if *db != "" {
		where = "PostgreSQL"
		if *schema != "" {
			where += " schema " + *schema
		}
		applied, err := storepg.Migrate(ctx, *db, &storepg.Options{Schema: *schema, CreateSchema: *schema != ""})
		if err != nil {
			fmt.Fprintf(stderr, "procedo migrate: %v\n", err)
			return 1
		}
		for _, m := range applied {
			names = append(names, m.Name)
		}
	} else {
		where = "SQLite " + *data
		applied, err := storesqlite.Migrate(ctx, *data, nil)
		if err != nil {
			fmt.Fprintf(stderr, "procedo migrate: %v\n", err)
			return 1
		}
		for _, m := range applied {
			names = append(names, m.Name)
		}
	}
	if len(names) == 0 {
		fmt.Fprintf(stdout, "%s: up to date, nothing to apply\n", where)
		return 0
	}
	for _, n := range names {
		fmt.Fprintf(stdout, "%s: applied %s\n", where, n)
	}
	return 0
}
