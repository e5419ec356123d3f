// Command benchtable reads the output of `go test -bench` on standard input
// and prints it as an aligned table: one row per benchmark, one column per
// metric (ns/op, MB/s, B/op, allocs/op and every custom metric reported
// with b.ReportMetric).
//
// Lines that are not benchmark results (package headers, PASS, ok) are
// passed through unchanged to standard error so a failure stays visible.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	rows, units, err := parse(os.Stdin, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	if len(rows) == 0 {
		fmt.Fprintln(os.Stderr, "benchtable: no benchmark results on standard input")
		os.Exit(1)
	}
	print(os.Stdout, rows, units)
}

type row struct {
	pkg     string
	name    string
	iters   string
	metrics map[string]string
}

// parse reads go test -bench output. It returns the result rows and the
// metric units in order of first appearance.
func parse(r io.Reader, passthrough io.Writer) ([]row, []string, error) {
	var (
		rows  []row
		units []string
		seen  = map[string]bool{}
		pkg   string
	)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = p
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") || len(fields)%2 != 0 {
			fmt.Fprintln(passthrough, line)
			continue
		}
		rw := row{pkg: pkg, name: fields[0], iters: fields[1], metrics: map[string]string{}}
		for i := 2; i+1 < len(fields); i += 2 {
			unit := fields[i+1]
			rw.metrics[unit] = fields[i]
			if !seen[unit] {
				seen[unit] = true
				units = append(units, unit)
			}
		}
		rows = append(rows, rw)
	}
	return rows, units, sc.Err()
}

func print(w io.Writer, rows []row, units []string) {
	header := append([]string{"package", "benchmark", "iterations"}, units...)
	table := [][]string{header}
	for _, r := range rows {
		line := []string{strings.TrimPrefix(r.pkg, "github.com/procedo/procedo/"), r.name, r.iters}
		for _, u := range units {
			v := r.metrics[u]
			if v == "" {
				v = "-"
			}
			line = append(line, v)
		}
		table = append(table, line)
	}
	widths := make([]int, len(header))
	for _, line := range table {
		for i, cell := range line {
			widths[i] = max(widths[i], len(cell))
		}
	}
	for n, line := range table {
		var b strings.Builder
		for i, cell := range line {
			if i > 0 {
				b.WriteString("  ")
			}
			if i < 2 {
				b.WriteString(cell + strings.Repeat(" ", widths[i]-len(cell)))
			} else {
				b.WriteString(strings.Repeat(" ", widths[i]-len(cell)) + cell)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
		if n == 0 {
			var sep strings.Builder
			for i, wd := range widths {
				if i > 0 {
					sep.WriteString("  ")
				}
				sep.WriteString(strings.Repeat("-", wd))
			}
			fmt.Fprintln(w, sep.String())
		}
	}
}
