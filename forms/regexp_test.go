package forms

import (
	"regexp"
	"testing"
)

var regexpSeeds = []struct {
	pattern string
	fast    bool
}{
	{pattern: "^[A-Z]{2}$", fast: true},
	{pattern: "^[0-9a-f]{64}$", fast: true},
	{pattern: "^[0-9]{3,5}$", fast: true},
	{pattern: "^[a-z]{2,}$", fast: true},
	{pattern: "^[a-z_]+$", fast: true},
	{pattern: "^[0-9]*$", fast: true},
	{pattern: "^[xy]?$", fast: true},
	{pattern: "^(?i)[a-c]{2}$", fast: true},
	{pattern: "^\\d{5}$", fast: true},
	{pattern: "^[^0-9]{2}$"}, // negated: includes non-ASCII runes
	{pattern: "^[à-ù]{2}$"},
	{pattern: "[A-Z]{2}"},
	{pattern: "^[A-Z]{2}"},
	{pattern: "^[0-9]+( ?[A-Za-z]|/[0-9A-Za-z]+)?$"},
	{pattern: "^.{3}$"},
	{pattern: "(?m)^[a-z]+$"},
}

var regexpInputs = []string{"", "RM", "rm", "R", "RMX", "ab", "abc", "a_b", "12345", "1234", "123", "x", "xy",
	"AB\n", "\nAB", "àè", "A\x80", "\xff\xfe", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "ÀB"}

// TestClassRepeatSameAsRegexp checks the fast matcher against Go's regexp
// on every seed pattern and input, and which patterns it takes.
func TestClassRepeatSameAsRegexp(t *testing.T) {
	for _, tc := range regexpSeeds {
		t.Run(tc.pattern, func(t *testing.T) {
			m, err := compileRegexp(tc.pattern)
			if err != nil {
				t.Fatal(err)
			}
			if _, fast := m.(*classRepeat); fast != tc.fast {
				t.Fatalf("fast = %v, want %v", fast, tc.fast)
			}
			if m.String() != tc.pattern {
				t.Errorf("String() = %q", m.String())
			}
			re := regexp.MustCompile(tc.pattern)
			for _, s := range regexpInputs {
				if got, want := m.MatchString(s), re.MatchString(s); got != want {
					t.Errorf("MatchString(%q) = %v, regexp says %v", s, got, want)
				}
			}
		})
	}
	if _, err := compileRegexp("^[a-z"); err == nil {
		t.Error("a broken pattern compiled")
	}
}

// FuzzClassRepeat compares the fast matcher with Go's regexp.
func FuzzClassRepeat(f *testing.F) {
	for i, tc := range regexpSeeds {
		f.Add(tc.pattern, regexpInputs[i%len(regexpInputs)])
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		m, err := compileRegexp(pattern)
		if err != nil {
			return
		}
		re := regexp.MustCompile(pattern)
		if got, want := m.MatchString(s), re.MatchString(s); got != want {
			t.Errorf("%q.MatchString(%q) = %v, regexp says %v", pattern, s, got, want)
		}
	})
}
