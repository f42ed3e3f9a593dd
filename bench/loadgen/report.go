package main

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"time"
)

// Report is the outcome of one run. Its JSON form is what bench/compare reads.
type Report struct {
	Addr     string `json:"addr"`
	Method   string `json:"method"`
	Callers  int    `json:"callers"`
	Conns    int    `json:"conns"`
	Duration string `json:"duration"`
	Warmup   string `json:"warmup"`
	// Calls is the number of successful calls timed inside the measurement window.
	Calls int `json:"calls"`
	// Rate is Calls per second of the measurement window.
	Rate float64 `json:"calls_per_sec"`
	// Errors counts failed calls after the warm-up by gRPC code name.
	Errors map[string]int `json:"errors"`
	// WarmupErrors counts failed calls that started during the warm-up.
	WarmupErrors int `json:"warmup_errors"`
	// FirstError is the text of one failure, if any, to say why.
	FirstError string `json:"first_error,omitempty"`
	// Latency percentiles of the timed calls, in microseconds.
	P50 float64 `json:"p50_us"`
	P90 float64 `json:"p90_us"`
	P99 float64 `json:"p99_us"`
	Max float64 `json:"max_us"`
}

func newReport(cfg Config, workers []*worker) *Report {
	r := &Report{
		Addr:     cfg.Addr,
		Method:   cfg.Method,
		Callers:  cfg.Callers,
		Conns:    cfg.Conns,
		Duration: cfg.Duration.String(),
		Warmup:   cfg.Warmup.String(),
		Errors:   map[string]int{},
	}
	n := 0
	for _, w := range workers {
		n += len(w.latencies)
	}
	all := make([]time.Duration, 0, n)
	for _, w := range workers {
		all = append(all, w.latencies...)
		for c, k := range w.errors {
			r.Errors[c.String()] += k
		}
		r.WarmupErrors += w.warmupErrors
		if w.firstErr != nil && r.FirstError == "" {
			r.FirstError = w.firstErr.Error()
		}
	}
	slices.Sort(all)
	r.Calls = len(all)
	r.Rate = float64(len(all)) / cfg.Duration.Seconds()
	r.P50 = micros(percentile(all, 0.50))
	r.P90 = micros(percentile(all, 0.90))
	r.P99 = micros(percentile(all, 0.99))
	r.Max = micros(percentile(all, 1))
	return r
}

// percentile returns the nearest-rank p-quantile (0 < p <= 1) of sorted, 0 when empty.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	// Smallest value with at least p of the values at or below it.
	rank := int(math.Ceil(float64(len(sorted))*p)) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// TotalErrors is the number of failed calls, warm-up included.
func (r *Report) TotalErrors() int {
	n := r.WarmupErrors
	for _, k := range r.Errors {
		n += k
	}
	return n
}

// WriteText prints r for a human.
func (r *Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "target   %s %s\n", r.Addr, r.Method)
	fmt.Fprintf(w, "load     %d callers on %d connection(s), %s after %s warm-up\n", r.Callers, r.Conns, r.Duration, r.Warmup)
	fmt.Fprintf(w, "calls    %d ok, %.0f calls/s\n", r.Calls, r.Rate)
	fmt.Fprintf(w, "latency  p50 %s  p90 %s  p99 %s  max %s\n", us(r.P50), us(r.P90), us(r.P99), us(r.Max))
	fmt.Fprintf(w, "errors   %d", r.TotalErrors())
	for _, c := range slices.Sorted(maps.Keys(r.Errors)) {
		fmt.Fprintf(w, "  %s=%d", c, r.Errors[c])
	}
	if r.WarmupErrors > 0 {
		fmt.Fprintf(w, "  (warm-up %d)", r.WarmupErrors)
	}
	fmt.Fprintln(w)
	if r.FirstError != "" {
		fmt.Fprintf(w, "first    %s\n", r.FirstError)
	}
}

func us(v float64) string {
	return time.Duration(v * float64(time.Microsecond)).Round(time.Microsecond).String()
}
