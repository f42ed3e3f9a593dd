package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// loadReport is the part of bench/loadgen's -json output that compare uses.
type loadReport struct {
	Calls        int            `json:"calls"`
	Rate         float64        `json:"calls_per_sec"`
	Errors       map[string]int `json:"errors"`
	WarmupErrors int            `json:"warmup_errors"`
	FirstError   string         `json:"first_error"`
	P50          float64        `json:"p50_us"`
	P90          float64        `json:"p90_us"`
	P99          float64        `json:"p99_us"`
	Max          float64        `json:"max_us"`
}

func (r loadReport) errorCount() int {
	n := r.WarmupErrors
	for _, k := range r.Errors {
		n += k
	}
	return n
}

func (r loadReport) errorText() string {
	if r.errorCount() == 0 {
		return "0"
	}
	parts := make([]string, 0, len(r.Errors)+1)
	for _, c := range slices.Sorted(maps.Keys(r.Errors)) {
		parts = append(parts, fmt.Sprintf("%s=%d", c, r.Errors[c]))
	}
	if r.WarmupErrors > 0 {
		parts = append(parts, fmt.Sprintf("warmup=%d", r.WarmupErrors))
	}
	return strings.Join(parts, " ")
}

// round is one echo run followed by one token run.
type round struct {
	Echo  loadReport `json:"echo"`
	Token loadReport `json:"token"`
}

func (r round) rateRatio() float64 { return r.Token.Rate / r.Echo.Rate }
func (r round) p99Ratio() float64  { return r.Token.P99 / r.Echo.P99 }

// summary is the verdict over all rounds: the ratio of the mean token rate to the mean
// echo rate, and of the mean token p99 to the mean echo p99.
type summary struct {
	Rounds    []round `json:"rounds"`
	EchoRate  float64 `json:"echo_calls_per_sec"`
	TokenRate float64 `json:"token_calls_per_sec"`
	EchoP99   float64 `json:"echo_p99_us"`
	TokenP99  float64 `json:"token_p99_us"`
	RateRatio float64 `json:"rate_ratio"`
	P99Ratio  float64 `json:"p99_ratio"`
	MinRate   float64 `json:"target_min_rate_ratio"`
	MaxP99    float64 `json:"target_max_p99_ratio"`
	// MedianRateRatio and MedianP99Ratio are the medians of the per-round ratios: less
	// swayed by one disturbed run than the ratios of means, which decide the verdict.
	MedianRateRatio float64 `json:"median_round_rate_ratio"`
	MedianP99Ratio  float64 `json:"median_round_p99_ratio"`
	RateMet         bool    `json:"rate_target_met"`
	P99Met          bool    `json:"p99_target_met"`
	ErrorsTotal     int     `json:"errors"`
}

func summarize(rounds []round, minRate, maxP99 float64) summary {
	s := summary{Rounds: rounds, MinRate: minRate, MaxP99: maxP99}
	for _, r := range rounds {
		s.EchoRate += r.Echo.Rate / float64(len(rounds))
		s.TokenRate += r.Token.Rate / float64(len(rounds))
		s.EchoP99 += r.Echo.P99 / float64(len(rounds))
		s.TokenP99 += r.Token.P99 / float64(len(rounds))
		s.ErrorsTotal += r.Echo.errorCount() + r.Token.errorCount()
	}
	rateRatios := make([]float64, 0, len(rounds))
	p99Ratios := make([]float64, 0, len(rounds))
	for _, r := range rounds {
		rateRatios = append(rateRatios, r.rateRatio())
		p99Ratios = append(p99Ratios, r.p99Ratio())
	}
	s.MedianRateRatio = median(rateRatios)
	s.MedianP99Ratio = median(p99Ratios)
	s.RateRatio = s.TokenRate / s.EchoRate
	s.P99Ratio = s.TokenP99 / s.EchoP99
	s.RateMet = s.RateRatio >= minRate
	s.P99Met = s.P99Ratio <= maxP99
	return s
}

// writeTable prints the rounds and the verdict as a Markdown table, ready for
// docs/benchmarks.md.
func (s summary) writeTable(w io.Writer) {
	fmt.Fprintln(w, "| round | echo calls/s | echo p50 | echo p99 | token calls/s | token p50 | token p99 | rate ratio | p99 ratio | errors (echo / token) |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
	for i, r := range s.Rounds {
		fmt.Fprintf(w, "| %d | %.0f | %s | %s | %.0f | %s | %s | %.3f | %.3f | %s / %s |\n",
			i+1, r.Echo.Rate, ms(r.Echo.P50), ms(r.Echo.P99),
			r.Token.Rate, ms(r.Token.P50), ms(r.Token.P99),
			r.rateRatio(), r.p99Ratio(), r.Echo.errorText(), r.Token.errorText())
	}
	fmt.Fprintf(w, "| mean | %.0f | | %s | %.0f | | %s | **%.3f** | **%.3f** | %d |\n",
		s.EchoRate, ms(s.EchoP99), s.TokenRate, ms(s.TokenP99), s.RateRatio, s.P99Ratio, s.ErrorsTotal)
	fmt.Fprintf(w, "| median of rounds | | | | | | | %.3f | %.3f | |\n", s.MedianRateRatio, s.MedianP99Ratio)
	fmt.Fprintln(w)
	fmt.Fprintf(w, "rate ratio (token/echo, of means) %.3f, target >= %.2f: %s\n", s.RateRatio, s.MinRate, verdict(s.RateMet))
	fmt.Fprintf(w, "p99 ratio  (token/echo, of means) %.3f, target <= %.2f: %s\n", s.P99Ratio, s.MaxP99, verdict(s.P99Met))
}

// median returns the median of v (the mean of the middle two when len(v) is even); it
// sorts v.
func median(v []float64) float64 {
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

func ms(us float64) string { return fmt.Sprintf("%.2f ms", us/1000) }

func verdict(ok bool) string {
	if ok {
		return "MET"
	}
	return "MISSED"
}
