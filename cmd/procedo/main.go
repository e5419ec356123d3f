// Command procedo is the single binary of Procedo: it lints and formats
// BPMN models, generates Go code, renders and validates forms, and serves
// the designer, the portal, the desk and the dashboard.
//
// main only parses the command line and calls into the packages; each
// command lives in a file of its own in this folder.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// command is one subcommand of procedo. run receives the arguments after
// the command name and returns the process exit code.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

// commands lists every subcommand. Keep it sorted by name: help prints it
// in this order.
var commands = []command{
	{name: "bpmn", summary: "work on BPMN 2.0 files: fmt prints the canonical XML", run: runBPMN},
	{name: "lint", summary: "check BPMN models and bundles for errors and risky constructs", run: runLint},
	{name: "forms", summary: "validate data against a form, render a form page", run: runForms},
	{name: "migrate", summary: "apply the store migrations (SQLite data folder or PostgreSQL)", run: runMigrate},
	{name: "version", summary: "print the version of procedo", run: runVersion},
}

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "procedo: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "procedo — low-code platform for the administrative procedures of Italian municipalities")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: procedo <command> [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	sorted := append([]command(nil), commands...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	width := 0
	for _, c := range sorted {
		width = max(width, len(c.name))
	}
	for _, c := range sorted {
		fmt.Fprintf(w, "  %s%s  %s\n", c.name, strings.Repeat(" ", width-len(c.name)), c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'procedo <command> -h' for the arguments of a command.")
}

func runVersion(_ []string, stdout, _ io.Writer) int {
	fmt.Fprintf(stdout, "procedo %s\n", version)
	return 0
}
