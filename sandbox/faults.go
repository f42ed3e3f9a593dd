package sandbox

import (
	"context"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FaultKind is what a fault rule does to a matching call. Its values equal those of the
// admin API's wxsuite.sandbox.v1.FaultKind.
type FaultKind int

const (
	// FaultLatency delays the answer by Fault.Latency (real time), then answers normally.
	FaultLatency FaultKind = 1
	// FaultHTTPStatus answers Fault.HTTPStatus with an empty body.
	FaultHTTPStatus FaultKind = 2
	// FaultErrcode answers HTTP 200 with {"errcode":Fault.Errcode,"errmsg":…}; errmsg is
	// the documented text of the code ("system error" for -1) or a generic one.
	FaultErrcode FaultKind = 3
	// FaultDropConnection closes the connection without answering.
	FaultDropConnection FaultKind = 4
)

// String returns the kind's name, e.g. "LATENCY".
func (k FaultKind) String() string {
	switch k {
	case FaultLatency:
		return "LATENCY"
	case FaultHTTPStatus:
		return "HTTP_STATUS"
	case FaultErrcode:
		return "ERRCODE"
	case FaultDropConnection:
		return "DROP_CONNECTION"
	}
	return "FaultKind(" + strconv.Itoa(int(k)) + ")"
}

// Fault is a fault-injection rule for the emulated WeChat API. Rules are tried in the
// order they were added before normal handling; the first whose Paths match and whose
// Ratio draw succeeds affects the call.
type Fault struct {
	// ID is assigned by AddFault ("f1", "f2", …).
	ID string
	// Kind is what the rule does. Required.
	Kind FaultKind
	// Paths are the exact URL paths the rule applies to; empty means every path.
	Paths []string
	// Ratio is the share of matching calls affected, in (0, 1]; 0 means 1. Draws use the
	// sandbox's seeded random source.
	Ratio float64
	// Count is how many calls the rule affects before it is removed; 0 means unlimited.
	Count int
	// Latency is FaultLatency's delay; must be positive for that kind.
	Latency time.Duration
	// HTTPStatus is FaultHTTPStatus's status, 200 to 599.
	HTTPStatus int
	// Errcode is FaultErrcode's errcode, non-zero (e.g. -1).
	Errcode int
	// Hits is how many calls the rule affected so far.
	Hits int
}

// validate checks f as AddFault receives it; errors name fields as the admin API does.
func (f *Fault) validate() error {
	field := func(name string) string { return "fault." + name }
	switch f.Kind {
	case FaultLatency:
		if f.Latency <= 0 {
			return &ArgumentError{Field: field("latency"), Reason: "must be positive for a LATENCY fault"}
		}
	case FaultHTTPStatus:
		if f.HTTPStatus < 200 || f.HTTPStatus > 599 {
			return &ArgumentError{Field: field("http_status"), Reason: "must be in [200, 599] for an HTTP_STATUS fault"}
		}
	case FaultErrcode:
		if f.Errcode == 0 {
			return &ArgumentError{Field: field("errcode"), Reason: "must be non-zero for an ERRCODE fault"}
		}
	case FaultDropConnection:
	default:
		return &ArgumentError{Field: field("kind"), Reason: "must be LATENCY, HTTP_STATUS, ERRCODE or DROP_CONNECTION"}
	}
	if math.IsNaN(f.Ratio) || f.Ratio < 0 || f.Ratio > 1 {
		return &ArgumentError{Field: field("ratio"), Reason: "must be in [0, 1]"}
	}
	if f.Count < 0 {
		return &ArgumentError{Field: field("count"), Reason: "must not be negative"}
	}
	for i, p := range f.Paths {
		if !strings.HasPrefix(p, "/") {
			return &ArgumentError{Field: field("paths[" + strconv.Itoa(i) + "]"), Reason: `must start with "/"`}
		}
	}
	return nil
}

// AddFault installs a fault rule after the existing ones and returns it with its ID. It
// returns an [*ArgumentError] naming the field when the rule is invalid. ID and Hits of
// f are ignored.
func (s *Sandbox) AddFault(f Fault) (Fault, error) {
	if err := f.validate(); err != nil {
		return Fault{}, err
	}
	f.Paths = slices.Clone(f.Paths)
	f.Hits = 0
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faultSeq++
	f.ID = "f" + strconv.Itoa(s.faultSeq)
	s.faults = append(s.faults, &f)
	return copyFault(&f), nil
}

// Faults returns the installed fault rules in installation order (exhausted Count rules
// are gone).
func (s *Sandbox) Faults() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Fault, len(s.faults))
	for i, f := range s.faults {
		out[i] = copyFault(f)
	}
	return out
}

// ClearFaults removes every fault rule.
func (s *Sandbox) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

func copyFault(f *Fault) Fault {
	c := *f
	c.Paths = slices.Clone(f.Paths)
	return c
}

// matchFault returns the rule that affects a call of path, counting the hit and
// removing a rule whose Count is reached.
func (s *Sandbox) matchFault(path string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if len(f.Paths) > 0 && !slices.Contains(f.Paths, path) {
			continue
		}
		if f.Ratio > 0 && f.Ratio < 1 && s.rng.Float64() >= f.Ratio {
			continue
		}
		f.Hits++
		hit := copyFault(f)
		if f.Count > 0 && f.Hits >= f.Count {
			s.faults = slices.Delete(s.faults, i, i+1)
		}
		return hit, true
	}
	return Fault{}, false
}

// sleepContext waits d of real time; it returns false when ctx ends first.
func sleepContext(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// dropConnection closes the client connection without an answer. Over HTTP/1 it hijacks
// and closes the connection; where hijacking is not possible (HTTP/2) it aborts the
// handler, which resets the stream.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close() // nothing to do about a failed close of a connection we drop
}
