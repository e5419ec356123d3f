package helpers

import (
	"math"
	"testing"
	"time"
)

func TestIntArithmetic(t *testing.T) {
	tests := []struct {
		name    string
		op      func(x, y int64) (int64, error)
		x, y    int64
		want    int64
		wantErr bool
	}{
		{name: "add", op: celAddInt, x: 2, y: 3, want: 5},
		{name: "add overflow", op: celAddInt, x: math.MaxInt64, y: 1, wantErr: true},
		{name: "add underflow", op: celAddInt, x: math.MinInt64, y: -1, wantErr: true},
		{name: "add at the limit", op: celAddInt, x: math.MaxInt64 - 1, y: 1, want: math.MaxInt64},
		{name: "sub", op: celSubInt, x: 2, y: 3, want: -1},
		{name: "sub overflow", op: celSubInt, x: math.MinInt64, y: 1, wantErr: true},
		{name: "sub overflow from zero", op: celSubInt, x: 0, y: math.MinInt64, wantErr: true},
		{name: "mul", op: celMulInt, x: -4, y: 5, want: -20},
		{name: "mul overflow", op: celMulInt, x: math.MaxInt64/2 + 1, y: 2, wantErr: true},
		{name: "mul min by -1", op: celMulInt, x: math.MinInt64, y: -1, wantErr: true},
		{name: "mul -1 by min", op: celMulInt, x: -1, y: math.MinInt64, wantErr: true},
		{name: "div", op: celDivInt, x: -7, y: 2, want: -3},
		{name: "div by zero", op: celDivInt, x: 1, y: 0, wantErr: true},
		{name: "div overflow", op: celDivInt, x: math.MinInt64, y: -1, wantErr: true},
		{name: "mod", op: celModInt, x: -7, y: 2, want: -1},
		{name: "mod by zero", op: celModInt, x: 1, y: 0, wantErr: true},
		{name: "mod overflow", op: celModInt, x: math.MinInt64, y: -1, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.op(tt.x, tt.y)
			if (err != nil) != tt.wantErr || (err == nil && got != tt.want) {
				t.Errorf("(%d, %d) = %d, %v; want %d, error %v", tt.x, tt.y, got, err, tt.want, tt.wantErr)
			}
		})
	}
	if _, err := celNegInt(math.MinInt64); err == nil {
		t.Errorf("celNegInt(MinInt64) did not overflow")
	}
}

func TestTimestamps(t *testing.T) {
	ts := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if _, err := celTimestamp("0000-12-31T23:59:59Z"); err == nil {
		t.Errorf("year 0 accepted: CEL timestamps start at year 1")
	}
	if _, err := celAddTimestamp(ts("9999-12-31T23:00:00Z"), 2*time.Hour); err == nil {
		t.Errorf("adding past year 9999 did not fail")
	}
	if _, err := celBetween(ts("9999-01-01T00:00:00Z"), ts("0001-01-01T00:00:00Z")); err == nil {
		t.Errorf("a difference of 9998 years does not fit a duration, but no error")
	}
	d, err := celBetween(ts("2026-01-02T00:00:00.5Z"), ts("2026-01-01T00:00:00.75Z"))
	if err != nil || d != 24*time.Hour-250*time.Millisecond {
		t.Errorf("celBetween = %v, %v", d, err)
	}
	for _, tt := range []struct {
		tz   string
		hour int
		ok   bool
	}{
		{tz: "Europe/Rome", hour: 1, ok: true},
		{tz: "+02:30", hour: 2, ok: true},
		{tz: "-01:00", hour: 23, ok: true},
		{tz: "Mars/Olympus", ok: false},
		{tz: "+xx:00", ok: false},
	} {
		got, err := celInZone(ts("2026-01-01T00:00:00Z"), tt.tz)
		if (err == nil) != tt.ok || (err == nil && got.Hour() != tt.hour) {
			t.Errorf("celInZone(%q) = %v, %v; want hour %d, ok %v", tt.tz, got, err, tt.hour, tt.ok)
		}
	}
	sunday := ts("2026-03-01T10:20:30.456Z")
	got := []int{celGetFullYear(sunday), celGetMonth(sunday), celGetDayOfMonth(sunday), celGetDate(sunday),
		celGetDayOfYear(sunday), celGetDayOfWeek(sunday), celGetMilliseconds(sunday)}
	want := []int{2026, 2, 0, 1, 59, 0, 456}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("getters of %v = %v, want %v (CEL counts months and days of month from 0)", sunday, got, want)
			break
		}
	}
}

func TestLookups(t *testing.T) {
	if _, err := celMapGet(map[string]int{"a": 1}, "b"); err == nil || err.Error() != "no such key: b" {
		t.Errorf("celMapGet on an absent key = %v", err)
	}
	if _, err := celIndex([]int{1}, 1); err == nil {
		t.Errorf("celIndex past the end did not fail")
	}
	if _, err := celIndex([]int{1}, -1); err == nil {
		t.Errorf("celIndex(-1) did not fail")
	}
	if m := celNewMap([]string{"a", "a"}, []int{1, 2}); m["a"] != 2 {
		t.Errorf("celNewMap keeps %d for a repeated key, want the last value as cel-go", m["a"])
	}
	if _, err := celMatches("x", "("); err == nil {
		t.Errorf("an invalid pattern did not fail")
	}
	if ok, err := celMatches("abc", "b"); !ok || err != nil {
		t.Errorf("matches is a search, not a full match: got %v, %v", ok, err)
	}
	if _, err := celDoubleToInt(math.NaN()); err == nil {
		t.Errorf("int(NaN) did not fail")
	}
	if _, err := celDoubleToInt(9.3e18); err == nil {
		t.Errorf("int(9.3e18) did not fail")
	}
}
