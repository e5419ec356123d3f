package forms

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/procedo/procedo/internal/testenv"
)

// TestSuiteVerdicts runs the JSON-Schema-Test-Suite (draft 2020-12)
// through Compile and Validate: the verdict of every test must be the
// suite's, so nothing Procedo adds on top of the validator (messages,
// rules, schema variants) changes what is valid. Two documented
// differences: formats are asserted (the suite treats them as
// annotations), and remote references are refused at compile time.
func TestSuiteVerdicts(t *testing.T) {
	dir := testenv.CorpusDir(t, "jsonschema/draft2020-12")
	suite := loadSuite(t, dir)
	var checked, refused, formatDiffs int
	for _, file := range sortedKeys(suite) {
		for gi, g := range suite[file] {
			f, err := Compile(Source{Name: file, Data: g.Schema}, Source{}, Options{})
			if err != nil {
				if !strings.Contains(err.Error(), "remote references are not allowed") {
					t.Errorf("%s#%d %s: compile: %v", file, gi, g.Description, err)
				}
				refused++
				continue
			}
			for _, tc := range g.Tests {
				var v any
				if err := json.Unmarshal(tc.Data, &v); err != nil {
					t.Fatal(err)
				}
				errs := f.Validate(v)
				if (len(errs) == 0) == tc.Valid {
					checked++
					continue
				}
				if tc.Valid && len(errs) > 0 && allFormat(errs) {
					formatDiffs++
					continue
				}
				t.Errorf("%s", fmt.Sprintf("%s#%d %s / %s: valid=%v, Validate gave %v", file, gi, g.Description, tc.Description, tc.Valid, errs))
			}
		}
	}
	t.Logf("%d verdicts as the suite; %d valid only as annotations (formats asserted); %d schemas refused (remote references)", checked, formatDiffs, refused)
	if checked < 1000 {
		t.Fatalf("only %d verdicts checked", checked)
	}
}

func allFormat(errs []FieldError) bool {
	for _, e := range errs {
		if e.Keyword != "format" {
			return false
		}
	}
	return true
}
