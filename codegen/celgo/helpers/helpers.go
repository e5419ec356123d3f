// Package helpers is the source of the CEL helpers that codegen/celgo
// copies into every generated package that holds translated expressions:
// generated code may import only the standard library, runtime and forms.
// Each helper reproduces one rule of the CEL specification (overflow,
// division by zero, absent keys, timestamp ranges) with cel-go's behaviour.
// This package exists so that the helpers are compiled, vetted and tested
// as ordinary Go; the copy is made by celgo.HelperFile.
package helpers

//lint:file-ignore U1000 a generated package uses the helpers its expressions need, not all of them.

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

var (
	errCelOverflow         = errors.New("integer overflow")
	errCelDivByZero        = errors.New("division by zero")
	errCelModByZero        = errors.New("modulus by zero")
	errCelTimeRange        = errors.New("timestamp out of range")
	errCelDurationOverflow = errors.New("duration overflow")
)

func celNoSuchKey(key string) error { return fmt.Errorf("no such key: %s", key) }

func celMapGet[V any](m map[string]V, key string) (V, error) {
	v, ok := m[key]
	if !ok {
		return v, celNoSuchKey(key)
	}
	return v, nil
}

// celNewMap builds a map literal. A key computed twice keeps the last
// value, as cel-go does at evaluation (its checker rejects duplicate
// constant keys): both paths must agree.
func celNewMap[V any](keys []string, vals []V) map[string]V {
	m := make(map[string]V, len(keys))
	for i, k := range keys {
		m[k] = vals[i]
	}
	return m
}

func celIndex[T any](l []T, i int64) (T, error) {
	if i < 0 || i >= int64(len(l)) {
		var zero T
		return zero, fmt.Errorf("index out of range: %d", i)
	}
	return l[i], nil
}

func celNegInt(x int64) (int64, error) {
	if x == math.MinInt64 {
		return 0, errCelOverflow
	}
	return -x, nil
}

func celAddInt(x, y int64) (int64, error) {
	if (y > 0 && x > math.MaxInt64-y) || (y < 0 && x < math.MinInt64-y) {
		return 0, errCelOverflow
	}
	return x + y, nil
}

func celSubInt(x, y int64) (int64, error) {
	if (y < 0 && x > math.MaxInt64+y) || (y > 0 && x < math.MinInt64+y) {
		return 0, errCelOverflow
	}
	return x - y, nil
}

func celMulInt(x, y int64) (int64, error) {
	if (x == -1 && y == math.MinInt64) || (y == -1 && x == math.MinInt64) ||
		(x != 0 && (x*y)/x != y) {
		return 0, errCelOverflow
	}
	return x * y, nil
}

func celDivInt(x, y int64) (int64, error) {
	if y == 0 {
		return 0, errCelDivByZero
	}
	if x == math.MinInt64 && y == -1 {
		return 0, errCelOverflow
	}
	return x / y, nil
}

func celModInt(x, y int64) (int64, error) {
	if y == 0 {
		return 0, errCelModByZero
	}
	if x == math.MinInt64 && y == -1 {
		return 0, errCelOverflow
	}
	return x % y, nil
}

func celNegDuration(d time.Duration) (time.Duration, error) {
	if d == math.MinInt64 {
		return 0, errCelDurationOverflow
	}
	return -d, nil
}

func celAddDuration(x, y time.Duration) (time.Duration, error) {
	s, err := celAddInt(int64(x), int64(y))
	if err != nil {
		return 0, errCelDurationOverflow
	}
	return time.Duration(s), nil
}

func celSubDuration(x, y time.Duration) (time.Duration, error) {
	s, err := celSubInt(int64(x), int64(y))
	if err != nil {
		return 0, errCelDurationOverflow
	}
	return time.Duration(s), nil
}

// CEL timestamps range over the years 1 to 9999 (CEL spec, "Timestamps").
var (
	celMinTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	celMaxTime = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
)

func celCheckTime(t time.Time) (time.Time, error) {
	if t.Before(celMinTime) || t.After(celMaxTime) {
		return time.Time{}, errCelTimeRange
	}
	return t, nil
}

func celAddTimestamp(t time.Time, d time.Duration) (time.Time, error) {
	return celCheckTime(t.Add(d))
}

func celSubTimestamp(t time.Time, d time.Duration) (time.Time, error) {
	nd, err := celNegDuration(d)
	if err != nil {
		return time.Time{}, err
	}
	return celCheckTime(t.Add(nd))
}

func celBetween(x, y time.Time) (time.Duration, error) {
	// time.Time.Sub saturates; CEL reports the overflow.
	s, err := celSubInt(x.Unix(), y.Unix())
	if err != nil || s > math.MaxInt64/int64(time.Second)-1 || s < math.MinInt64/int64(time.Second)+1 {
		return 0, errCelDurationOverflow
	}
	return time.Duration(s)*time.Second + time.Duration(x.Nanosecond()-y.Nanosecond()), nil
}

var celRegexps sync.Map

func celMatches(s, pattern string) (bool, error) {
	re, ok := celRegexps.Load(pattern)
	if !ok {
		c, err := regexp.Compile(pattern)
		if err != nil {
			return false, err
		}
		re, _ = celRegexps.LoadOrStore(pattern, c)
	}
	return re.(*regexp.Regexp).MatchString(s), nil
}

func celTimestamp(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, err
	}
	return celCheckTime(t)
}

func celDuration(s string) (time.Duration, error) {
	return time.ParseDuration(s)
}

func celDoubleToInt(f float64) (int64, error) {
	if math.IsNaN(f) || f <= -9223372036854775808.0 || f >= 9223372036854775807.0 {
		return 0, errors.New("double out of the range of int")
	}
	return int64(f), nil
}

func celStringToInt(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }

func celStringToDouble(s string) (float64, error) { return strconv.ParseFloat(s, 64) }

// celInZone reads a time zone as CEL does: an IANA name or a fixed
// offset "±HH:MM".
func celInZone(t time.Time, tz string) (time.Time, error) {
	if i := strings.IndexAny(tz, "+-"); i == 0 && strings.Contains(tz, ":") {
		h, errH := strconv.Atoi(tz[1:strings.Index(tz, ":")])
		m, errM := strconv.Atoi(tz[strings.Index(tz, ":")+1:])
		if errH != nil || errM != nil {
			return time.Time{}, fmt.Errorf("invalid time zone %q", tz)
		}
		off := h*3600 + m*60
		if tz[0] == '-' {
			off = -off
		}
		return t.In(time.FixedZone("", off)), nil
	}
	if loc, ok := celZones.Load(tz); ok {
		return t.In(loc.(*time.Location)), nil
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return time.Time{}, err
	}
	celZones.Store(tz, loc)
	return t.In(loc), nil
}

// celZones caches time zones: time.LoadLocation reads the zone database
// on every call.
var celZones sync.Map

func celGetFullYear(t time.Time) int     { return t.Year() }
func celGetMonth(t time.Time) int        { return int(t.Month()) - 1 }
func celGetDayOfMonth(t time.Time) int   { return t.Day() - 1 }
func celGetDate(t time.Time) int         { return t.Day() }
func celGetDayOfYear(t time.Time) int    { return t.YearDay() - 1 }
func celGetDayOfWeek(t time.Time) int    { return int(t.Weekday()) }
func celGetHours(t time.Time) int        { return t.Hour() }
func celGetMinutes(t time.Time) int      { return t.Minute() }
func celGetSeconds(t time.Time) int      { return t.Second() }
func celGetMilliseconds(t time.Time) int { return t.Nanosecond() / 1e6 }

func celDurationHours(d time.Duration) int64        { return int64(d / time.Hour) }
func celDurationMinutes(d time.Duration) int64      { return int64(d / time.Minute) }
func celDurationSeconds(d time.Duration) int64      { return int64(d / time.Second) }
func celDurationMilliseconds(d time.Duration) int64 { return d.Milliseconds() }
