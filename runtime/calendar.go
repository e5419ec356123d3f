package runtime

import (
	"math"
	"sync"
	"time"
)

// Legal terms (termini del procedimento) are counted in calendar days in
// the Europe/Rome calendar (law 241/1990 art. 2): the day of the event
// that starts the term is not counted (art. 2963 c.c., "dies a quo non
// computatur"), and a term that ends on a Sunday or a public holiday moves
// to the next working day (art. 2963 c.c. c. 3, art. 155 c.p.c.).

// Calendar tells working days from public holidays.
type Calendar struct {
	Location *time.Location
	// Extra holidays, e.g. the patron saint of the municipality, as
	// month/day pairs (every year).
	Extra []MonthDay
}

// MonthDay is a day of the year.
type MonthDay struct {
	Month time.Month
	Day   int
}

// loadRome reads the zone once per process: a Location is immutable, and
// reading it from disk for every engine cost more than starting a batch
// of instances.
var loadRome = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		// No tzdata on the host: the time/tzdata fallback is embedded by
		// the engine package (see tzdata.go).
		return time.UTC
	}
	return loc
})

// Italian national holidays (law 260/1949 and amendments).
var fixedHolidays = []MonthDay{
	{time.January, 1}, {time.January, 6}, {time.April, 25}, {time.May, 1}, {time.June, 2},
	{time.August, 15}, {time.November, 1}, {time.December, 8}, {time.December, 25}, {time.December, 26},
}

// IsHoliday reports whether the date (in c.Location) is a Sunday or a
// public holiday.
func (c *Calendar) IsHoliday(t time.Time) bool {
	t = t.In(c.Location)
	if t.Weekday() == time.Sunday {
		return true
	}
	md := MonthDay{t.Month(), t.Day()}
	for _, h := range fixedHolidays {
		if h == md {
			return true
		}
	}
	// St Francis of Assisi, national holiday again from 2026 (law
	// 151/2025).
	if md == (MonthDay{time.October, 4}) && t.Year() >= 2026 {
		return true
	}
	for _, h := range c.Extra {
		if h == md {
			return true
		}
	}
	em := easter(t.Year()).AddDate(0, 0, 1) // Easter Monday
	return t.Month() == em.Month() && t.Day() == em.Day()
}

// easter returns Easter Sunday of year (Gregorian, anonymous algorithm).
func easter(year int) time.Time {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

// date returns midnight of t's day in the calendar's location.
func (c *Calendar) date(t time.Time) time.Time {
	t = t.In(c.Location)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, c.Location)
}

// Deadline returns the last day of a term of days calendar days counted
// from the day after from, moved to the next working day when it falls on
// a Sunday or a holiday. The result is midnight (start) of that day.
func (c *Calendar) Deadline(from time.Time, days int) time.Time {
	d := c.date(from).AddDate(0, 0, days)
	for c.IsHoliday(d) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// DaysBetween counts calendar days from the day of a to the day of b.
func (c *Calendar) DaysBetween(a, b time.Time) int {
	da, db := c.date(a), c.date(b)
	// Dates at midnight in one location: round to absorb DST hours.
	return int(math.Round(db.Sub(da).Hours() / 24))
}
