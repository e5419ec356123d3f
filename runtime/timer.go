package runtime

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is an ISO 8601 duration (PnYnMnWnDTnHnMnS). Years, months and
// days are calendar units, added in the engine's location so that "P1D"
// across a daylight-saving change is still the same time of the next day.
type Duration struct {
	Years, Months, Weeks, Days int
	Clock                      time.Duration // the T part
}

// ParseDuration parses an ISO 8601 duration such as "P30D", "PT1H30M",
// "P1Y2M", "P2W", "PT0.5S".
func ParseDuration(s string) (Duration, error) {
	var d Duration
	if len(s) < 2 || s[0] != 'P' {
		return d, fmt.Errorf("%q is not an ISO 8601 duration (it must start with P, e.g. P30D or PT1H)", s)
	}
	rest := s[1:]
	inTime, any := false, false
	for len(rest) > 0 {
		if rest[0] == 'T' {
			if inTime {
				return d, fmt.Errorf("duration %q: T twice", s)
			}
			inTime = true
			rest = rest[1:]
			if rest == "" {
				return d, fmt.Errorf("duration %q: nothing after T", s)
			}
			continue
		}
		i := 0
		for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.' || rest[i] == ',') {
			i++
		}
		if i == 0 || i == len(rest) {
			return d, fmt.Errorf("duration %q: expected a number followed by a unit at %q", s, rest)
		}
		num, unit := strings.Replace(rest[:i], ",", ".", 1), rest[i]
		rest = rest[i+1:]
		any = true
		if !inTime {
			n, err := strconv.Atoi(num)
			if err != nil || n < 0 {
				return d, fmt.Errorf("duration %q: %q is not a whole number of %c", s, num, unit)
			}
			switch unit {
			case 'Y':
				d.Years += n
			case 'M':
				d.Months += n
			case 'W':
				d.Weeks += n
			case 'D':
				d.Days += n
			default:
				return d, fmt.Errorf("duration %q: unknown date unit %q", s, unit)
			}
			continue
		}
		f, err := strconv.ParseFloat(num, 64)
		if err != nil || f < 0 {
			return d, fmt.Errorf("duration %q: %q is not a number", s, num)
		}
		switch unit {
		case 'H':
			d.Clock += time.Duration(f * float64(time.Hour))
		case 'M':
			d.Clock += time.Duration(f * float64(time.Minute))
		case 'S':
			d.Clock += time.Duration(f * float64(time.Second))
		default:
			return d, fmt.Errorf("duration %q: unknown time unit %q", s, unit)
		}
	}
	if !any {
		return d, fmt.Errorf("duration %q is empty", s)
	}
	return d, nil
}

// IsZero reports whether the duration is zero.
func (d Duration) IsZero() bool { return d == Duration{} }

// AddTo returns t plus d, with calendar units in loc.
func (d Duration) AddTo(t time.Time, loc *time.Location) time.Time {
	if d.Years != 0 || d.Months != 0 || d.Weeks != 0 || d.Days != 0 {
		t = t.In(loc).AddDate(d.Years, d.Months, 7*d.Weeks+d.Days)
	}
	return t.Add(d.Clock)
}

// Cycle is an ISO 8601 repeating interval: R[n]/[start/]duration. Repeat
// -1 means unbounded.
type Cycle struct {
	Repeat   int
	Start    time.Time // zero: from when the timer is armed
	Interval Duration
}

// ParseCycle parses "R3/PT1H", "R/P1D", "R2/2026-04-01T09:00:00Z/P1W".
func ParseCycle(s string) (Cycle, error) {
	c := Cycle{Repeat: -1}
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 || !strings.HasPrefix(parts[0], "R") {
		return c, fmt.Errorf("%q is not an ISO 8601 cycle (R[n]/[start/]duration, e.g. R3/PT1H)", s)
	}
	if n := parts[0][1:]; n != "" {
		v, err := strconv.Atoi(n)
		if err != nil || v < 0 {
			return c, fmt.Errorf("cycle %q: repetitions %q are not a whole number", s, n)
		}
		c.Repeat = v
	}
	durPart := parts[len(parts)-1]
	if len(parts) == 3 {
		t, err := ParseDate(parts[1])
		if err != nil {
			return c, fmt.Errorf("cycle %q: %w", s, err)
		}
		c.Start = t
	}
	d, err := ParseDuration(durPart)
	if err != nil {
		return c, fmt.Errorf("cycle %q: %w", s, err)
	}
	if d.IsZero() {
		return c, fmt.Errorf("cycle %q: the interval is zero", s)
	}
	c.Interval = d
	return c, nil
}

// ParseDate parses an ISO 8601 date-time with zone (RFC 3339).
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return t, fmt.Errorf("%q is not an ISO 8601 date-time with zone (e.g. 2026-04-01T09:00:00+02:00)", s)
	}
	return t, nil
}

func (t *TimerSpec) check() error {
	set := 0
	for _, s := range []string{t.Duration, t.Date, t.Cycle} {
		if s != "" {
			set++
		}
	}
	if set != 1 {
		return errors.New("needs exactly one of duration, date or cycle")
	}
	var err error
	switch {
	case t.Duration != "":
		_, err = ParseDuration(t.Duration)
	case t.Date != "":
		_, err = ParseDate(t.Date)
	default:
		_, err = ParseCycle(t.Cycle)
	}
	return err
}

// first returns when the timer armed at now fires first, and how many
// more times a cycle fires after that (-1 unbounded).
func (t *TimerSpec) first(now time.Time, loc *time.Location) (time.Time, int, error) {
	switch {
	case t.Duration != "":
		d, err := ParseDuration(t.Duration)
		return d.AddTo(now, loc), 0, err
	case t.Date != "":
		at, err := ParseDate(t.Date)
		return at, 0, err
	default:
		c, err := ParseCycle(t.Cycle)
		if err != nil {
			return time.Time{}, 0, err
		}
		at := c.Interval.AddTo(now, loc)
		if !c.Start.IsZero() {
			at = c.Start
			for at.Before(now) {
				at = c.Interval.AddTo(at, loc)
			}
		}
		left := -1
		if c.Repeat >= 0 {
			left = c.Repeat - 1
		}
		if c.Repeat == 0 {
			return time.Time{}, 0, fmt.Errorf("cycle %q repeats zero times", t.Cycle)
		}
		return at, left, nil
	}
}

// next returns the following firing of a cycle after at.
func (t *TimerSpec) next(at time.Time, loc *time.Location) (time.Time, error) {
	c, err := ParseCycle(t.Cycle)
	if err != nil {
		return time.Time{}, err
	}
	return c.Interval.AddTo(at, loc), nil
}
