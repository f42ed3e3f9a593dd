package sandbox

import (
	"sync/atomic"
	"time"
)

// shanghai is the platform's time zone (UTC+8, no daylight saving): daily quotas reset
// at its midnight and monthly limits at the first of its months. A fixed zone avoids
// depending on the host's tzdata.
var shanghai = time.FixedZone("CST", 8*60*60)

// clock is the sandbox's notion of now: the base clock plus every Advance so far.
type clock struct {
	base   func() time.Time
	offset atomic.Int64 // nanoseconds advanced
}

func (c *clock) now() time.Time {
	return c.base().Add(time.Duration(c.offset.Load()))
}

func (c *clock) advance(d time.Duration) time.Time {
	if d > 0 {
		c.offset.Add(int64(d))
	}
	return c.now()
}

// dayKey names the simulated Asia/Shanghai calendar day of t.
func dayKey(t time.Time) string { return t.In(shanghai).Format(time.DateOnly) }

// monthKey names the simulated Asia/Shanghai calendar month of t.
func monthKey(t time.Time) string { return t.In(shanghai).Format("2006-01") }

// Now returns the simulated time: Options.Now() (by default the real time) plus the
// total of every Advance so far. Every expiry, overlap and quota period uses it.
func (s *Sandbox) Now() time.Time { return s.clock.now() }

// Advance moves the simulated time forward by d and returns the new simulated now.
// A d of zero or less changes nothing: the simulated clock never goes back.
func (s *Sandbox) Advance(d time.Duration) time.Time { return s.clock.advance(d) }
