package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/procedo/procedo/runtime/insight"
	"github.com/procedo/procedo/runtime/insight/synth"
	"github.com/procedo/procedo/runtime/store"
	"github.com/procedo/procedo/runtime/store/storesqlite"
)

func TestExport(t *testing.T) {
	dir := t.TempDir()
	st, err := storesqlite.Open(t.Context(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := synth.Options{Body: "default", Cases: 20, Seed: 3, SamePerson: 0.4, Start: time.Date(2026, 2, 2, 8, 0, 0, 0, time.UTC), Days: 20}
	tr, err := synth.Generate(t.Context(), st, o)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	procs, _ := json.Marshal([]insight.Procedure{synth.Procedure()})
	procsFile := filepath.Join(t.TempDir(), "procedures.json")
	if err := os.WriteFile(procsFile, procs, 0o644); err != nil {
		t.Fatal(err)
	}
	badFile := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(badFile, []byte(`{"key":`), 0o644); err != nil {
		t.Fatal(err)
	}
	idx := insight.New(storeOf(t, dir), insight.Options{Procedures: []insight.Procedure{synth.Procedure()}})
	rep, err := idx.Report(t.Context(), insight.Filter{Body: "default", Procedure: "contributo"})
	if err != nil {
		t.Fatal(err)
	}
	rf01 := 0
	for _, f := range rep.Flags {
		if f.Rule == insight.RuleSamePerson {
			rf01++
		}
	}
	if rf01 == 0 {
		t.Fatal("the seeded history has no RF01 case: the --procedures row would not tell anything")
	}
	inFirstWeek := 0
	for _, c := range tr.Cases {
		if c.Arrived.Before(time.Date(2026, 2, 8, 23, 0, 0, 0, time.UTC)) { // up to Sunday 8 February, Rome
			inFirstWeek++
		}
	}

	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantTraces int    // xes: traces in the output
		wantStderr string // a fragment
		wantCSV    string // csv: a row
	}{
		{name: "xes", args: []string{"xes", "--procedure", "contributo", "--data", dir}, wantTraces: len(tr.Cases)},
		{name: "xes period", args: []string{"xes", "--procedure", "contributo", "--data", dir, "--from", "2026-02-01", "--to", "2026-02-08"}, wantTraces: inFirstWeek},
		{name: "xes other procedure", args: []string{"xes", "--procedure", "scia", "--data", dir}, wantTraces: 0},
		{name: "csv", args: []string{"csv", "--procedure", "contributo", "--data", dir}, wantCSV: "cases,,total," + itoa(len(tr.Cases))},
		{name: "csv with procedures", args: []string{"csv", "--procedure", "contributo", "--data", dir, "--procedures", procsFile}, wantCSV: "flag,RF01,cases," + itoa(rf01)},
		{name: "bad procedures file", args: []string{"csv", "--procedure", "contributo", "--data", dir, "--procedures", badFile}, wantCode: 2, wantStderr: "--procedures"},
		{name: "no procedure", args: []string{"xes", "--data", dir}, wantCode: 2, wantStderr: "--procedure is required"},
		{name: "bad date", args: []string{"xes", "--procedure", "contributo", "--data", dir, "--from", "1/2/2026"}, wantCode: 2, wantStderr: `--from: "1/2/2026" is not a date`},
		{name: "missing folder", args: []string{"xes", "--procedure", "contributo", "--data", filepath.Join(dir, "nope")}, wantCode: 1, wantStderr: "data folder"},
		{name: "unknown format", args: []string{"pdf"}, wantCode: 2, wantStderr: "Usage: procedo export"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(append([]string{"export"}, tt.args...), &out, &errb)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.wantCode, errb.String())
			}
			if tt.wantStderr != "" && !strings.Contains(errb.String(), tt.wantStderr) {
				t.Errorf("stderr %q does not contain %q", errb.String(), tt.wantStderr)
			}
			if tt.wantCode != 0 {
				return
			}
			switch tt.args[0] {
			case "xes":
				var log struct {
					Traces []struct{} `xml:"trace"`
				}
				if err := xml.Unmarshal(out.Bytes(), &log); err != nil {
					t.Fatal(err)
				}
				if len(log.Traces) != tt.wantTraces {
					t.Errorf("%d traces, want %d", len(log.Traces), tt.wantTraces)
				}
			case "csv":
				rows, err := csv.NewReader(&out).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				found := false
				for _, r := range rows {
					found = found || strings.Join(r, ",") == tt.wantCSV
				}
				if !found {
					t.Errorf("no row %q in %d rows", tt.wantCSV, len(rows))
				}
			}
		})
	}
}

// storeOf opens the SQLite store of dir for the test's own computation.
func storeOf(t *testing.T, dir string) store.Store {
	st, err := storesqlite.Open(t.Context(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func itoa(n int) string { return strconv.Itoa(n) }
