package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/procedo/procedo/codegen"
)

// runGen implements `procedo gen -o DIR [--check] BUNDLE...`. Exit codes:
// 0 written (or up to date), 1 a model has errors or (with --check) the
// files on disk are stale, 2 a file cannot be read or the command line is
// wrong.
func runGen(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "output folder: one package folder per process is written in it (required)")
	check := fs.Bool("check", false, "write nothing: exit 1 and print a unified diff when the files in the output folder are stale")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: procedo gen -o DIR [--check] BUNDLE...")
		fmt.Fprintln(stderr, "\nGenerates typed Go code from procedure bundles (process.bpmn + forms/) or .bpmn files:")
		fmt.Fprintln(stderr, "DIR/<process>/{variables,services,process,forms,cel}.go for every executable process.")
		fmt.Fprintln(stderr, "Generated files no longer produced are deleted.")
		fmt.Fprintln(stderr, "Exit status: 0 done, 1 model errors or stale files (--check), 2 unreadable input or usage.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if *out == "" || fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	var bundles []*codegen.Bundle
	code := 0
	for _, path := range fs.Args() {
		b, err := codegen.Open(path)
		var de *codegen.DiagnosticsError
		switch {
		case errors.As(err, &de):
			for _, d := range de.Diagnostics {
				fmt.Fprintln(stderr, d.String())
			}
			code = 1
			continue
		case err != nil:
			fmt.Fprintf(stderr, "procedo gen: %v\n", err)
			return 2
		}
		for _, d := range b.Warnings {
			fmt.Fprintln(stderr, d.String())
		}
		bundles = append(bundles, b)
	}
	if code != 0 {
		fmt.Fprintln(stderr, "procedo gen: nothing written: fix the errors above")
		return code
	}
	files, err := codegen.Generate(bundles...)
	if err != nil {
		var de *codegen.DiagnosticsError
		if errors.As(err, &de) {
			for _, d := range de.Diagnostics {
				fmt.Fprintln(stderr, d.String())
			}
			return 1
		}
		fmt.Fprintf(stderr, "procedo gen: %v\n", err)
		return 2
	}
	if *check {
		diff, err := codegen.Diff(*out, files)
		if err != nil {
			fmt.Fprintf(stderr, "procedo gen: %v\n", err)
			return 2
		}
		if diff != "" {
			fmt.Fprint(stdout, diff)
			fmt.Fprintf(stderr, "procedo gen: the generated code in %s is stale: run procedo gen -o %s again\n", *out, *out)
			return 1
		}
		return 0
	}
	changed, removed, err := codegen.Write(*out, files)
	if err != nil {
		fmt.Fprintf(stderr, "procedo gen: %v\n", err)
		return 2
	}
	for _, f := range changed {
		fmt.Fprintf(stdout, "wrote %s\n", f)
	}
	for _, f := range removed {
		fmt.Fprintf(stdout, "removed %s\n", f)
	}
	return 0
}
