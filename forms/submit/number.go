package submit

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Application numbers.
//
// A municipality numbers the applications it receives progressively per
// year ("numero di pratica"; DPR 445/2000 art. 57 asks the same of the
// protocol register): "2026/000123". Each body has its own sequence.

// NumberSource hands out the next progressive number of a body in a year,
// starting from 1, without gaps or repeats under concurrency. The runtime
// store implements it with its counter table, in the transaction that
// files the application.
type NumberSource interface {
	NextNumber(ctx context.Context, body string, year int) (int64, error)
}

// MaxNumber is the largest progressive number the format holds.
const MaxNumber = 999999

// ErrNumberFormat is returned by ParseNumber for a malformed number.
var ErrNumberFormat = errors.New("application number: want YYYY/NNNNNN")

// FormatNumber writes the application number of year and progressive n.
func FormatNumber(year int, n int64) (string, error) {
	if year < 1000 || year > 9999 {
		return "", fmt.Errorf("application number: year %d out of range", year)
	}
	if n < 1 || n > MaxNumber {
		return "", fmt.Errorf("application number: progressive %d out of range 1–%d", n, MaxNumber)
	}
	return fmt.Sprintf("%04d/%06d", year, n), nil
}

// ParseNumber reads an application number.
func ParseNumber(s string) (year int, n int64, err error) {
	if len(s) != 11 || s[4] != '/' {
		return 0, 0, ErrNumberFormat
	}
	for i, c := range []byte(s) {
		if i != 4 && (c < '0' || c > '9') {
			return 0, 0, ErrNumberFormat
		}
	}
	year, _ = strconv.Atoi(s[:4])
	n, _ = strconv.ParseInt(s[5:], 10, 64)
	if year < 1000 || n < 1 {
		return 0, 0, ErrNumberFormat
	}
	return year, n, nil
}

// rome is the time zone of the year of an application: an application
// sent at 00:30 of 1 January in Italy belongs to the new year.
var rome = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}()

// NextNumber asks src for the next number of body at time now and formats
// it.
func NextNumber(ctx context.Context, src NumberSource, body string, now time.Time) (string, error) {
	year := now.In(rome).Year()
	n, err := src.NextNumber(ctx, body, year)
	if err != nil {
		return "", fmt.Errorf("application number of %s/%d: %w", body, year, err)
	}
	return FormatNumber(year, n)
}
