package forms

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/message"
)

// Dates relative to today.
//
// A form often needs "not in the future" (date of birth), "at least 18
// years ago" or "within the next 30 days". JSON Schema has no keyword for
// that, and a format cannot carry a parameter, so Procedo adds two
// keywords for strings of format "date":
//
//	"dateMinimum": "today"          the date is today or later
//	"dateMaximum": "today"          the date is today or earlier (not in the future)
//	"dateMaximum": "today-P18Y"     the person is at least 18 years old
//	"dateMinimum": "today+P1D"      from tomorrow on
//	"dateMinimum": "2024-01-01"     a fixed bound
//
// The offset is an ISO 8601 duration of years, months, weeks and days.
// "Today" is the calendar day in Europe/Rome (where the municipality is)
// of the form's clock, injectable through Options.Now for tests.

const datesVocabURL = "https://procedo.dev/schema/vocab/dates"

type dateBound struct {
	expr   string
	fixed  string // YYYY-MM-DD when not relative
	sign   int
	years  int
	months int
	days   int
}

func parseDateBound(expr string) (dateBound, error) {
	b := dateBound{expr: expr}
	if !strings.HasPrefix(expr, "today") {
		if _, err := time.Parse(time.DateOnly, expr); err != nil {
			return b, fmt.Errorf("%q is neither \"today[±duration]\" nor a date YYYY-MM-DD", expr)
		}
		b.fixed = expr
		return b, nil
	}
	rest := expr[len("today"):]
	if rest == "" {
		return b, nil
	}
	switch rest[0] {
	case '+':
		b.sign = 1
	case '-':
		b.sign = -1
	default:
		return b, fmt.Errorf("%q: expected + or - after today", expr)
	}
	d := rest[1:]
	if !strings.HasPrefix(d, "P") || len(d) < 3 {
		return b, fmt.Errorf("%q: the offset must be an ISO 8601 duration like P18Y or P30D", expr)
	}
	num := 0
	digits := false
	for _, c := range d[1:] {
		switch {
		case c >= '0' && c <= '9':
			num = num*10 + int(c-'0')
			digits = true
			if num > 10000 {
				return b, fmt.Errorf("%q: offset too large", expr)
			}
			continue
		case !digits:
			return b, fmt.Errorf("%q: a number must precede %c", expr, c)
		case c == 'Y':
			b.years += num
		case c == 'M':
			b.months += num
		case c == 'W':
			b.days += 7 * num
		case c == 'D':
			b.days += num
		default:
			return b, fmt.Errorf("%q: unknown duration unit %c (use Y, M, W, D)", expr, c)
		}
		num, digits = 0, false
	}
	if digits {
		return b, fmt.Errorf("%q: the duration ends without a unit", expr)
	}
	return b, nil
}

var rome = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}()

// resolve returns the bound as YYYY-MM-DD for the day of now.
func (b dateBound) resolve(now time.Time) string {
	if b.fixed != "" {
		return b.fixed
	}
	t := now.In(rome)
	day := time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, time.UTC)
	day = day.AddDate(b.sign*b.years, b.sign*b.months, b.sign*b.days)
	return day.Format(time.DateOnly)
}

type dateBounds struct {
	min, max *dateBound
	now      func() time.Time
	// limits caches the bounds resolved for one day: they change at
	// midnight in Rome, not at every validation.
	limits atomic.Pointer[dayLimits]
}

type dayLimits struct {
	year     int
	yday     int
	min, max string
}

// limitsFor returns the bounds resolved for the day of now.
func (d *dateBounds) limitsFor(now time.Time) *dayLimits {
	t := now.In(rome)
	y, yd := t.Year(), t.YearDay()
	if l := d.limits.Load(); l != nil && l.year == y && l.yday == yd {
		return l
	}
	l := &dayLimits{year: y, yday: yd}
	if d.min != nil {
		l.min = d.min.resolve(now)
	}
	if d.max != nil {
		l.max = d.max.resolve(now)
	}
	d.limits.Store(l)
	return l
}

func (d *dateBounds) Validate(ctx *jsonschema.ValidatorContext, v any) {
	s, ok := v.(string)
	if !ok {
		return
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return // the format keyword reports it
	}
	lims := d.limitsFor(d.now())
	if d.min != nil {
		if lim := lims.min; s < lim {
			ctx.AddError(&dateBoundKind{keyword: "dateMinimum", bound: *d.min, limit: lim, got: s})
		}
	}
	if d.max != nil {
		if lim := lims.max; s > lim {
			ctx.AddError(&dateBoundKind{keyword: "dateMaximum", bound: *d.max, limit: lim, got: s})
		}
	}
}

// dateBoundKind is the validation error of dateMinimum / dateMaximum.
type dateBoundKind struct {
	keyword string
	bound   dateBound
	limit   string
	got     string
}

func (k *dateBoundKind) KeywordPath() []string { return []string{k.keyword} }

func (k *dateBoundKind) LocalizedString(p *message.Printer) string {
	rel := "before"
	if k.keyword == "dateMaximum" {
		rel = "after"
	}
	return p.Sprintf("%s is %s %s (%s)", k.got, rel, k.limit, k.bound.expr)
}

func datesVocabulary(now func() time.Time) (*jsonschema.Vocabulary, error) {
	c := jsonschema.NewCompiler()
	meta := map[string]any{
		"properties": map[string]any{
			"dateMinimum": map[string]any{"type": "string"},
			"dateMaximum": map[string]any{"type": "string"},
		},
	}
	if err := c.AddResource(datesVocabURL, meta); err != nil {
		return nil, err
	}
	sch, err := c.Compile(datesVocabURL)
	if err != nil {
		return nil, err
	}
	return &jsonschema.Vocabulary{
		URL:    datesVocabURL,
		Schema: sch,
		Compile: func(_ *jsonschema.CompilerContext, obj map[string]any) (jsonschema.SchemaExt, error) {
			d := &dateBounds{}
			for _, k := range []string{"dateMinimum", "dateMaximum"} {
				s, ok := obj[k].(string)
				if !ok {
					continue
				}
				b, err := parseDateBound(s)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", k, err)
				}
				if k == "dateMinimum" {
					d.min = &b
				} else {
					d.max = &b
				}
			}
			if d.min == nil && d.max == nil {
				return nil, nil
			}
			d.now = now
			return d, nil
		},
	}, nil
}

// ResolveDate turns a dateMinimum/dateMaximum expression ("today-P18Y",
// "2024-01-01") into the date it means on the form's today, YYYY-MM-DD.
func (f *Form) ResolveDate(expr string) (string, error) {
	b, err := parseDateBound(expr)
	if err != nil {
		return "", err
	}
	return b.resolve(f.now()), nil
}

// ItalianDate writes a YYYY-MM-DD date as DD/MM/YYYY.
func ItalianDate(s string) string { return italianDate(s) }
