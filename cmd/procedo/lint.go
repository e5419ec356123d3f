package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/procedo/procedo/designer/lint"
)

// runLint implements `procedo lint [--format text|json] PATH...`. Exit
// codes: 0 no error (warnings allowed), 1 a model has errors, 2 a file
// cannot be read or parsed, or the command line is wrong.
func runLint(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text or json")
	listRules := fs.Bool("rules", false, "list the rules (id, severity, family, what they check) and exit")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: procedo lint [--format text|json] PATH...")
		fmt.Fprintln(stderr, "       procedo lint --rules")
		fmt.Fprintln(stderr, "\nLints BPMN models: each PATH is a .bpmn file or a bundle folder (process.bpmn + forms/).")
		fmt.Fprintln(stderr, "Exit status: 0 no errors (warnings allowed), 1 errors, 2 a file cannot be read or parsed.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "procedo lint: unknown format %q: want text or json\n", *format)
		return 2
	}
	if *listRules {
		for _, r := range lint.Rules() {
			family := "structural"
			if r.Execution {
				family = "execution"
			}
			fmt.Fprintf(stdout, "%-36s %-7s %-10s %s\n", r.ID, r.Severity, family, r.Summary)
		}
		return 0
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	var results []*lint.Result
	for _, path := range fs.Args() {
		results = append(results, lint.Path(path))
	}
	if err := lint.Write(stdout, *format, results); err != nil {
		fmt.Fprintf(stderr, "procedo lint: %v\n", err)
		return 2
	}
	code := 0
	for _, r := range results {
		switch {
		case r.Unreadable:
			code = 2
		case r.Errors() > 0 && code == 0:
			code = 1
		}
	}
	return code
}
