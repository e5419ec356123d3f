package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/procedo/procedo/runtime/insight"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/runtime/store/storepg"
	"github.com/procedo/procedo/runtime/store/storesqlite"
)

// runExport writes the event log of a procedure as XES (IEEE 1849) for
// process-mining tools, or its indicators as CSV.
func runExport(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "xes" && args[0] != "csv") {
		fmt.Fprintln(stderr, "Usage: procedo export xes|csv --procedure P [--from DATE] [--to DATE] [--body B] [--procedures FILE] [--db URL | --data DIR] [-o FILE]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return 0
		}
		return 2
	}
	format := args[0]
	fs := flag.NewFlagSet("export "+format, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: procedo export %s --procedure P [--from DATE] [--to DATE] [--body B] [--db URL | --data DIR] [-o FILE]\n\n", format)
		if format == "xes" {
			fmt.Fprintln(stderr, "Writes the event log of the cases of a procedure as XES (IEEE 1849-2016).")
		} else {
			fmt.Fprintln(stderr, "Writes the indicators of a procedure as CSV (section, subject, metric, value).")
		}
		fmt.Fprintln(stderr, "Cases are selected by the day they started: --from and --to are dates (YYYY-MM-DD, Europe/Rome), --to included.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	procedure := fs.String("procedure", "", "process key (BPMN process id); required")
	from := fs.String("from", "", "first day (YYYY-MM-DD)")
	to := fs.String("to", "", "last day (YYYY-MM-DD), included")
	version := fs.Int("version", 0, "version of the procedure (0: all)")
	body := fs.String("body", envOr("PROCEDO_BODY", "default"), "body (ente) whose cases to export")
	db := fs.String("db", os.Getenv("PROCEDO_DATABASE_URL"), "PostgreSQL URL (default $PROCEDO_DATABASE_URL)")
	data := fs.String("data", "./procedo-data", "data folder of the embedded SQLite store")
	schema := fs.String("schema", "", "PostgreSQL schema (default: the URL's search_path)")
	out := fs.String("o", "", "output file (default: standard output)")
	procs := fs.String("procedures", "", "JSON file with the procedures' roles, outcome, checklists and term ([]insight.Procedure; see docs/indicators.md)")
	if err := fs.Parse(args[1:]); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "procedo export: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *procedure == "" {
		fmt.Fprintln(stderr, "procedo export: --procedure is required")
		return 2
	}
	f := insight.Filter{Body: *body, Procedure: *procedure, Version: *version}
	var err error
	if f.From, err = parseDay(*from, false); err != nil {
		fmt.Fprintf(stderr, "procedo export: --from: %v\n", err)
		return 2
	}
	if f.To, err = parseDay(*to, true); err != nil {
		fmt.Fprintf(stderr, "procedo export: --to: %v\n", err)
		return 2
	}
	var procedures []insight.Procedure
	if *procs != "" {
		b, err := os.ReadFile(*procs)
		if err == nil {
			err = json.Unmarshal(b, &procedures)
		}
		if err != nil {
			fmt.Fprintf(stderr, "procedo export: --procedures %s: %v\n", *procs, err)
			return 2
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var st store.Store
	if *db != "" {
		st, err = storepg.Open(ctx, *db, &storepg.Options{Schema: *schema})
	} else {
		if _, serr := os.Stat(*data); serr != nil {
			fmt.Fprintf(stderr, "procedo export: data folder %s: %v\n", *data, serr)
			return 1
		}
		st, err = storesqlite.Open(ctx, *data, nil)
	}
	if err != nil {
		fmt.Fprintf(stderr, "procedo export: opening the store: %v\n", err)
		return 1
	}
	defer st.Close()
	w := stdout
	if *out != "" {
		file, err := os.Create(*out)
		if err != nil {
			fmt.Fprintf(stderr, "procedo export: %v\n", err)
			return 1
		}
		defer file.Close()
		w = file
	}
	x := insight.New(st, insight.Options{Procedures: procedures})
	if format == "xes" {
		err = x.WriteXES(ctx, w, f)
	} else {
		var r *insight.Report
		if r, err = x.Report(ctx, f); err == nil {
			err = r.WriteCSV(w)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "procedo export: %v\n", err)
		return 1
	}
	return 0
}

var romeLoc = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// parseDay parses YYYY-MM-DD in Europe/Rome; end gives the start of the
// next day, so that the day is included.
func parseDay(s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, s, romeLoc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	if end {
		d = d.AddDate(0, 0, 1)
	}
	return d, nil
}
