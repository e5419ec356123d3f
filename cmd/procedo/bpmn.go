package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/procedo/procedo/designer/bpmn"
)

// runBPMN dispatches the subcommands of "procedo bpmn".
func runBPMN(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stderr, "Usage: procedo bpmn fmt [-w] FILE")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "  fmt  print the canonical XML of a BPMN 2.0 file")
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	switch args[0] {
	case "fmt":
		return runBPMNFmt(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "procedo bpmn: unknown subcommand %q (want fmt)\n", args[0])
	return 2
}

// runBPMNFmt prints the canonical XML of a file (bpmn.Marshal), or
// rewrites the file with -w. A file that cannot be parsed exits 2 with
// the error on stderr; problems of a well-formed model (dangling
// references, duplicate ids) are printed on stderr as warnings, since
// formatting does not depend on them.
func runBPMNFmt(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("procedo bpmn fmt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	write := fs.Bool("w", false, "write the result to the file instead of stdout")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: procedo bpmn fmt [-w] FILE")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	path := fs.Arg(0)
	defs, err := bpmn.ParseFile(path)
	if defs == nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	for _, e := range bpmn.Errors(err) {
		fmt.Fprintf(stderr, "%s (warning)\n", e)
	}
	out, err := bpmn.Marshal(defs)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if !*write {
		if _, err := stdout.Write(out); err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		return 0
	}
	old, err := os.ReadFile(path)
	if err == nil && bytes.Equal(old, out) {
		return 0
	}
	info, err := os.Stat(path)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if err := os.WriteFile(path, out, info.Mode().Perm()); err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	return 0
}
