package model

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is an ISO 8601 duration (ISO 8601-1:2019 §5.5.2), kept in its
// calendar components: "P1M" is one month, not 30 days, because a legal
// term counted in months ends on the same day of the next month.
type Duration struct {
	Years, Months, Weeks, Days int
	Hours, Minutes             int
	Seconds                    float64
}

// ParseDuration reads an ISO 8601 duration such as "P30D", "PT48H",
// "P1Y2M10DT2H30M" or "P2W". Only the last component may have a fraction
// and only seconds may be fractional here. A negative duration is
// refused: terms and timers run forward.
func ParseDuration(s string) (Duration, error) {
	var d Duration
	if s == "" {
		return d, fmt.Errorf("empty duration: write an ISO 8601 duration such as P30D or PT48H")
	}
	if s[0] != 'P' {
		return d, fmt.Errorf("duration %q does not start with P: write an ISO 8601 duration such as P30D or PT48H", s)
	}
	rest := s[1:]
	if rest == "" || rest == "T" {
		return d, fmt.Errorf("duration %q has no components: write e.g. P30D or PT48H", s)
	}
	inTime := false
	seen := ""
	for rest != "" {
		if rest[0] == 'T' {
			if inTime {
				return d, fmt.Errorf("duration %q has T twice", s)
			}
			inTime = true
			rest = rest[1:]
			if rest == "" {
				return d, fmt.Errorf("duration %q ends with T: add the hours, minutes or seconds after it", s)
			}
			continue
		}
		i := 0
		for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.' || rest[i] == ',') {
			i++
		}
		if i == 0 || i == len(rest) {
			return d, fmt.Errorf("duration %q: expected a number followed by one of Y, M, W, D, H, S at %q", s, rest)
		}
		num, unit := strings.ReplaceAll(rest[:i], ",", "."), rest[i]
		rest = rest[i+1:]
		key := string(unit)
		if inTime {
			key = "T" + key
		}
		if strings.Contains(seen, key+" ") {
			return d, fmt.Errorf("duration %q repeats the component %c", s, unit)
		}
		seen += key + " "
		if strings.Contains(num, ".") {
			if key != "TS" {
				return d, fmt.Errorf("duration %q: only seconds may have a fraction", s)
			}
			f, err := strconv.ParseFloat(num, 64)
			if err != nil {
				return d, fmt.Errorf("duration %q: bad number %q", s, num)
			}
			d.Seconds = f
			continue
		}
		n, err := strconv.Atoi(num)
		if err != nil {
			return d, fmt.Errorf("duration %q: number %q out of range", s, num)
		}
		switch key {
		case "Y":
			d.Years = n
		case "M":
			d.Months = n
		case "W":
			d.Weeks = n
		case "D":
			d.Days = n
		case "TH":
			d.Hours = n
		case "TM":
			d.Minutes = n
		case "TS":
			d.Seconds = float64(n)
		default:
			where := "date"
			if inTime {
				where = "time"
			}
			return d, fmt.Errorf("duration %q: %c is not a %s component (Y M W D before T, H M S after)", s, unit, where)
		}
	}
	if order := durationOrder(seen); order != "" {
		return d, fmt.Errorf("duration %q: components out of order, %s", s, order)
	}
	return d, nil
}

// durationOrder checks the order Y M W D T H M S of the components seen.
func durationOrder(seen string) string {
	rank := map[string]int{"Y": 0, "M": 1, "W": 2, "D": 3, "TH": 4, "TM": 5, "TS": 6}
	last := -1
	for _, k := range strings.Fields(seen) {
		if rank[k] < last {
			return "write them as PnYnMnWnDTnHnMnS"
		}
		last = rank[k]
	}
	return ""
}

// HasTime reports whether d has an hour, minute or second component.
func (d Duration) HasTime() bool { return d.Hours != 0 || d.Minutes != 0 || d.Seconds != 0 }

// IsZero reports whether every component is zero.
func (d Duration) IsZero() bool { return d == Duration{} }

// AddTo returns t plus d: calendar components first (years, months, days in
// t's location, as time.AddDate does), then the clock components.
func (d Duration) AddTo(t time.Time) time.Time {
	t = t.AddDate(d.Years, d.Months, 7*d.Weeks+d.Days)
	return t.Add(time.Duration(d.Hours)*time.Hour + time.Duration(d.Minutes)*time.Minute +
		time.Duration(d.Seconds*float64(time.Second)))
}

// String returns the canonical ISO 8601 text of d ("P0D" when zero).
func (d Duration) String() string {
	var b strings.Builder
	b.WriteByte('P')
	put := func(n int, u byte) {
		if n != 0 {
			b.WriteString(strconv.Itoa(n))
			b.WriteByte(u)
		}
	}
	put(d.Years, 'Y')
	put(d.Months, 'M')
	put(d.Weeks, 'W')
	put(d.Days, 'D')
	if d.HasTime() {
		b.WriteByte('T')
		put(d.Hours, 'H')
		put(d.Minutes, 'M')
		if d.Seconds != 0 {
			b.WriteString(strconv.FormatFloat(d.Seconds, 'f', -1, 64))
			b.WriteByte('S')
		}
	}
	if b.Len() == 1 {
		return "P0D"
	}
	return b.String()
}

// Cycle is an ISO 8601 repeating interval (ISO 8601-1:2019 §5.6):
// "R3/PT10H", "R/P1D", "R5/2026-01-01T09:00:00Z/P1W".
type Cycle struct {
	Repeat   int       // -1 for unbounded ("R/...")
	Start    time.Time // zero when the cycle starts when the timer is armed
	Interval Duration
}

// ParseCycle reads a repeating interval Rn/duration or Rn/start/duration.
func ParseCycle(s string) (Cycle, error) {
	c := Cycle{Repeat: -1}
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 || !strings.HasPrefix(parts[0], "R") {
		return c, fmt.Errorf("cycle %q: write an ISO 8601 repeating interval such as R3/PT10H or R/2026-01-01T09:00:00Z/P1D", s)
	}
	if n := parts[0][1:]; n != "" {
		r, err := strconv.Atoi(n)
		if err != nil || r < 0 {
			return c, fmt.Errorf("cycle %q: repetitions %q are not a number ≥ 0", s, n)
		}
		c.Repeat = r
	}
	if len(parts) == 3 {
		t, err := ParseDate(parts[1])
		if err != nil {
			return c, fmt.Errorf("cycle %q: start: %v", s, err)
		}
		c.Start = t
	}
	d, err := ParseDuration(parts[len(parts)-1])
	if err != nil {
		return c, fmt.Errorf("cycle %q: interval: %v", s, err)
	}
	if d.IsZero() {
		return c, fmt.Errorf("cycle %q: the interval is zero", s)
	}
	c.Interval = d
	return c, nil
}

// ParseDate reads an ISO 8601 date-time with a UTC offset
// ("2026-03-01T09:00:00Z", "2026-03-01T09:00:00+01:00") or a calendar date
// ("2026-03-01", taken as midnight in Europe/Rome, the time of the
// administrative calendar).
func ParseDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		loc, lerr := time.LoadLocation("Europe/Rome")
		if lerr != nil {
			loc = time.UTC
		}
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc), nil
	}
	return time.Time{}, fmt.Errorf("date %q: write an ISO 8601 date-time with offset, such as 2026-03-01T09:00:00+01:00, or a date such as 2026-03-01", s)
}
