package analytics

import (
	"fmt"
	"time"
)

// shanghai is the platform's time zone (UTC+8, no daylight saving): its days are the
// datacube's days. A fixed zone avoids depending on the host's tzdata.
var shanghai = time.FixedZone("CST", 8*60*60)

// firstDay is the first day the datacube has data for.
const firstDay = "2014-12-01"

// dayRange is a checked, inclusive range of days.
type dayRange struct {
	begin, end time.Time // midnight in shanghai
}

// days is the number of days in r.
func (r dayRange) days() int { return int(r.end.Sub(r.begin).Hours()/24) + 1 }

// chunks splits r into consecutive ranges of at most span days, in order.
func (r dayRange) chunks(span int) []dayRange {
	var out []dayRange
	for b := r.begin; !b.After(r.end); b = b.AddDate(0, 0, span) {
		e := b.AddDate(0, 0, span-1)
		if e.After(r.end) {
			e = r.end
		}
		out = append(out, dayRange{begin: b, end: e})
	}
	return out
}

// day formats t as the platform's "YYYY-MM-DD".
func day(t time.Time) string { return t.Format(time.DateOnly) }

// parseDay parses field's value as a strict "YYYY-MM-DD" day.
func parseDay(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, &ArgumentError{Field: field, Reason: "is required (YYYY-MM-DD)"}
	}
	t, err := time.ParseInLocation(time.DateOnly, v, shanghai)
	if err != nil || len(v) != len(time.DateOnly) {
		return time.Time{}, &ArgumentError{Field: field, Reason: fmt.Sprintf("must be a YYYY-MM-DD day, got %q", clip(v))}
	}
	return t, nil
}

// parseRange checks begin and end (named by the two fields): both days, begin ≤ end,
// and span days at most (0: no bound).
func parseRange(beginField, begin, endField, end string, span int) (dayRange, error) {
	b, err := parseDay(beginField, begin)
	if err != nil {
		return dayRange{}, err
	}
	e, err := parseDay(endField, end)
	if err != nil {
		return dayRange{}, err
	}
	if e.Before(b) {
		return dayRange{}, &ArgumentError{Field: endField, Reason: fmt.Sprintf("must not be before %s (%s)", beginField, begin)}
	}
	r := dayRange{begin: b, end: e}
	if span > 0 && r.days() > span {
		return dayRange{}, &ArgumentError{Field: endField, Reason: fmt.Sprintf("the range may span at most %d days, got %d", span, r.days())}
	}
	return r, nil
}

// datacubeRange checks a datacube range: parseRange with the span bound, begin not
// before 2014-12-01 and end at most yesterday by the service's clock.
func (s *Service) datacubeRange(begin, end string, span int) (dayRange, error) {
	r, err := parseRange("begin_date", begin, "end_date", end, span)
	if err != nil {
		return r, err
	}
	if day(r.begin) < firstDay {
		return dayRange{}, &ArgumentError{Field: "begin_date", Reason: "must be " + firstDay + " or later: the platform has no earlier data"}
	}
	yesterday := day(s.now().In(shanghai).AddDate(0, 0, -1))
	if day(r.end) > yesterday {
		return dayRange{}, &ArgumentError{Field: "end_date", Reason: fmt.Sprintf("must be yesterday (%s) or earlier: the platform has no data of today yet", yesterday)}
	}
	return r, nil
}

// clip shortens v for an error message.
func clip(v string) string {
	const n = 40
	if len(v) <= n {
		return v
	}
	return v[:n] + "…"
}
