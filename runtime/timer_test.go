package runtime

import (
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    Duration
		wantErr string
	}{
		{in: "P30D", want: Duration{Days: 30}},
		{in: "PT1H30M", want: Duration{Clock: 90 * time.Minute}},
		{in: "P1Y2M3DT4H5M6S", want: Duration{Years: 1, Months: 2, Days: 3, Clock: 4*time.Hour + 5*time.Minute + 6*time.Second}},
		{in: "P2W", want: Duration{Weeks: 2}},
		{in: "PT0.5S", want: Duration{Clock: 500 * time.Millisecond}},
		{in: "PT0,5S", want: Duration{Clock: 500 * time.Millisecond}},
		{in: "30D", wantErr: "must start with P"},
		{in: "P", wantErr: "not an ISO 8601"},
		{in: "PT", wantErr: "nothing after T"},
		{in: "P1H", wantErr: "unknown date unit"},
		{in: "PT1D", wantErr: "unknown time unit"},
		{in: "P1.5D", wantErr: "whole number"},
		{in: "PD", wantErr: "expected a number"},
		{in: "P1", wantErr: "expected a number followed by a unit"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDuration(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseDuration(%q) error = %v, want it to mention %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseDuration(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestDurationAddsCalendarUnitsInRome(t *testing.T) {
	rome, _ := time.LoadLocation("Europe/Rome")
	// 28 March 2026 09:00 + P1D crosses the change to summer time: still
	// 09:00 the next day, 23 hours later.
	start := time.Date(2026, 3, 28, 9, 0, 0, 0, rome)
	d, _ := ParseDuration("P1D")
	if got := d.AddTo(start, rome); !got.Equal(time.Date(2026, 3, 29, 9, 0, 0, 0, rome)) {
		t.Fatalf("P1D across DST = %v", got)
	}
	m, _ := ParseDuration("P1M")
	if got := m.AddTo(time.Date(2026, 1, 15, 9, 0, 0, 0, rome), rome); !got.Equal(time.Date(2026, 2, 15, 9, 0, 0, 0, rome)) {
		t.Fatalf("P1M = %v", got)
	}
}

func TestParseCycle(t *testing.T) {
	tests := []struct {
		in      string
		repeat  int
		start   string
		wantErr string
	}{
		{in: "R3/PT1H", repeat: 3},
		{in: "R/P1D", repeat: -1},
		{in: "R2/2026-04-01T09:00:00+02:00/P1W", repeat: 2, start: "2026-04-01T07:00:00Z"},
		{in: "PT1H", wantErr: "not an ISO 8601 cycle"},
		{in: "Rx/PT1H", wantErr: "not a whole number"},
		{in: "R3/PT0S", wantErr: "interval is zero"},
		{in: "R3/ieri/PT1H", wantErr: "not an ISO 8601 date-time"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, err := ParseCycle(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want it to mention %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || c.Repeat != tt.repeat {
				t.Fatalf("ParseCycle(%q) = %+v, %v", tt.in, c, err)
			}
			if tt.start != "" && c.Start.UTC().Format(time.RFC3339) != tt.start {
				t.Fatalf("start = %v, want %s", c.Start.UTC(), tt.start)
			}
		})
	}
}

func TestTimerFirstFiring(t *testing.T) {
	rome, _ := time.LoadLocation("Europe/Rome")
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, rome)
	tests := []struct {
		spec TimerSpec
		at   time.Time
		left int
	}{
		{spec: TimerSpec{Duration: "P10D"}, at: now.AddDate(0, 0, 10)},
		{spec: TimerSpec{Date: "2026-05-01T12:00:00+02:00"}, at: time.Date(2026, 5, 1, 12, 0, 0, 0, rome)},
		{spec: TimerSpec{Cycle: "R3/PT1H"}, at: now.Add(time.Hour), left: 2},
		{spec: TimerSpec{Cycle: "R/PT1H"}, at: now.Add(time.Hour), left: -1},
		// A start in the past catches up to the next firing after now.
		{spec: TimerSpec{Cycle: "R5/2026-03-01T09:00:00+01:00/P1D"}, at: time.Date(2026, 3, 2, 9, 0, 0, 0, rome), left: 4},
	}
	for _, tt := range tests {
		at, left, err := tt.spec.first(now, rome)
		if err != nil || !at.Equal(tt.at) || left != tt.left {
			t.Errorf("%s: first = %v, left %d, err %v; want %v, left %d", &tt.spec, at, left, err, tt.at, tt.left)
		}
	}
}

// FuzzParseDuration checks that the parser never panics and that what it
// accepts starts with P.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"P30D", "PT1H30M", "P1Y2M3DT4H5M6S", "P2W", "PT0.5S", "", "P", "PT", "P1.5D", "P-1D", "P99999999999999999999D"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err == nil && (!strings.HasPrefix(s, "P") || d.Days < 0 || d.Clock < 0) {
			t.Fatalf("accepted %q as %+v", s, d)
		}
	})
}

// FuzzParseCycle checks that the cycle parser never panics.
func FuzzParseCycle(f *testing.F) {
	for _, s := range []string{"R3/PT1H", "R/P1D", "R2/2026-04-01T09:00:00+02:00/P1W", "R", "R/", "//", "R-1/PT1H"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCycle(s)
		if err == nil && (c.Interval.IsZero() || c.Repeat < -1) {
			t.Fatalf("accepted %q as %+v", s, c)
		}
	})
}
