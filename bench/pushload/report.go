package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"time"
)

// Server names, in the order of a forward round.
const (
	srvBare    = "bare"
	srvPeer    = "peer"
	srvWxsuite = "wxsuite"
)

var serverOrder = []string{srvBare, srvPeer, srvWxsuite}

// runReport is one run: one server, one connection count, one round.
type runReport struct {
	Round  int     `json:"round"`
	Conns  int     `json:"conns"`
	Server string  `json:"server"`
	Rate   float64 `json:"pushes_per_sec"`
	// Measured is the number of pushes in the window.
	Measured int   `json:"measured"`
	Sent     int64 `json:"sent"`
	// Latencies in microseconds, exact nearest-rank over the window.
	P50 float64 `json:"p50_us"`
	P99 float64 `json:"p99_us"`
	Max float64 `json:"max_us"`
	// CPU per push in the window, microseconds: the server's process, the Redis server (all
	// its clients), the load generator. NaN (null in JSON) when not read.
	ServerCPU maybe `json:"server_cpu_us_per_push"`
	RedisCPU  maybe `json:"redis_cpu_us_per_push"`
	GenCPU    maybe `json:"generator_cpu_us_per_push"`
	// Inline counts pushes the generator had to build during the run (the pool ran out).
	Inline     int64            `json:"inline"`
	Reconnects int64            `json:"reconnects"`
	Errors     map[string]int64 `json:"errors,omitempty"`
	FirstError string           `json:"first_error,omitempty"`
	// Verified says what the server-side check counted (e.g. "XLEN +123456").
	Verified string `json:"verified"`
}

// percentile is the nearest-rank p-th percentile of sorted.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// newRunReport summarizes a run's result.
func newRunReport(round, conns int, name string, res loadResult) runReport {
	r := runReport{
		Round: round, Conns: conns, Server: name,
		Rate: res.rate(), Measured: len(res.Latencies), Sent: res.Sent,
		P50: us(percentile(res.Latencies, 50)), P99: us(percentile(res.Latencies, 99)),
		Max:       us(percentile(res.Latencies, 100)),
		ServerCPU: maybe(math.NaN()), RedisCPU: maybe(math.NaN()), GenCPU: maybe(math.NaN()),
		Reconnects: res.Reconnects, FirstError: res.FirstError,
	}
	if res.errorCount() > 0 {
		r.Errors = res.Errors
	}
	return r
}

// maybe is a number that may be unknown (NaN), written as null in JSON.
type maybe float64

// MarshalJSON writes NaN as null.
func (m maybe) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(m)) || math.IsInf(float64(m), 0) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(m))
}

// perPush is cpu per measured push in microseconds, NaN when unknown.
func perPush(cpu time.Duration, ok bool, n int) maybe {
	if !ok || n == 0 {
		return maybe(math.NaN())
	}
	return maybe(us(cpu) / float64(n))
}

// median of xs (NaNs ignored); NaN when none.
func median(xs []float64) float64 {
	v := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// summary is the medians over the rounds for one connection count.
type summary struct {
	Conns int `json:"conns"`
	// Per server: medians of the rounds.
	Rate      map[string]float64 `json:"median_pushes_per_sec"`
	P50       map[string]float64 `json:"median_p50_us"`
	P99       map[string]float64 `json:"median_p99_us"`
	ServerCPU map[string]maybe   `json:"median_server_cpu_us_per_push"`
	RedisCPU  map[string]maybe   `json:"median_redis_cpu_us_per_push"`
	// Medians of the per-round ratios, wxsuite over the peer and each over bare.
	RateRatio     maybe `json:"median_rate_ratio_wxsuite_peer"`
	P99Ratio      maybe `json:"median_p99_ratio_wxsuite_peer"`
	WxsuiteOfBare maybe `json:"median_rate_ratio_wxsuite_bare"`
	PeerOfBare    maybe `json:"median_rate_ratio_peer_bare"`
}

// summarize computes the medians for each connection count in conns.
func summarize(runs []runReport, conns []int) []summary {
	out := make([]summary, 0, len(conns))
	for _, c := range conns {
		s := summary{Conns: c, Rate: map[string]float64{}, P50: map[string]float64{},
			P99: map[string]float64{}, ServerCPU: map[string]maybe{}, RedisCPU: map[string]maybe{}}
		byRound := map[int]map[string]runReport{}
		col := map[string]map[string][]float64{}
		for _, r := range runs {
			if r.Conns != c {
				continue
			}
			if byRound[r.Round] == nil {
				byRound[r.Round] = map[string]runReport{}
			}
			byRound[r.Round][r.Server] = r
			if col[r.Server] == nil {
				col[r.Server] = map[string][]float64{}
			}
			m := col[r.Server]
			m["rate"] = append(m["rate"], r.Rate)
			m["p50"] = append(m["p50"], r.P50)
			m["p99"] = append(m["p99"], r.P99)
			m["cpu"] = append(m["cpu"], float64(r.ServerCPU))
			m["redis"] = append(m["redis"], float64(r.RedisCPU))
		}
		for name, m := range col {
			s.Rate[name], s.P50[name], s.P99[name] = median(m["rate"]), median(m["p50"]), median(m["p99"])
			s.ServerCPU[name], s.RedisCPU[name] = maybe(median(m["cpu"])), maybe(median(m["redis"]))
		}
		var rr, pr, wb, pb []float64
		for _, rs := range byRound {
			w, wok := rs[srvWxsuite]
			p, pok := rs[srvPeer]
			b, bok := rs[srvBare]
			if wok && pok {
				rr = append(rr, ratio(w.Rate, p.Rate))
				pr = append(pr, ratio(w.P99, p.P99))
			}
			if wok && bok {
				wb = append(wb, ratio(w.Rate, b.Rate))
			}
			if pok && bok {
				pb = append(pb, ratio(p.Rate, b.Rate))
			}
		}
		s.RateRatio, s.P99Ratio = maybe(median(rr)), maybe(median(pr))
		s.WxsuiteOfBare, s.PeerOfBare = maybe(median(wb)), maybe(median(pb))
		out = append(out, s)
	}
	return out
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}

// verdict is the outcome of the targets at one connection count.
type verdict struct {
	Conns     int     `json:"conns"`
	RateRatio float64 `json:"rate_ratio"`
	MinRate   float64 `json:"min_rate_ratio"`
	P99Ratio  float64 `json:"p99_ratio"`
	MaxP99    float64 `json:"max_p99_ratio"`
	RateMet   bool    `json:"rate_met"`
	P99Met    bool    `json:"p99_met"`
}

// verdicts checks the targets on the medians of the per-round ratios.
func verdicts(sums []summary, minRate, maxP99 float64) []verdict {
	var out []verdict
	for _, s := range sums {
		rr, pr := float64(s.RateRatio), float64(s.P99Ratio)
		if math.IsNaN(rr) {
			continue
		}
		out = append(out, verdict{Conns: s.Conns, RateRatio: rr, MinRate: minRate,
			P99Ratio: pr, MaxP99: maxP99, RateMet: rr >= minRate, P99Met: pr <= maxP99})
	}
	return out
}

func ms(usec float64) string {
	if math.IsNaN(usec) {
		return "–"
	}
	return fmt.Sprintf("%.2f ms", usec/1000)
}

func cpu(usec maybe) string {
	if math.IsNaN(float64(usec)) {
		return "–"
	}
	return fmt.Sprintf("%.1f µs", usec)
}

func num(x maybe, format string) string {
	if math.IsNaN(float64(x)) {
		return "–"
	}
	return fmt.Sprintf(format, x)
}

func errorText(r runReport) string {
	if len(r.Errors) == 0 {
		return "0"
	}
	parts := make([]string, 0, len(r.Errors))
	for _, k := range slices.Sorted(maps.Keys(r.Errors)) {
		parts = append(parts, fmt.Sprintf("%s=%d", k, r.Errors[k]))
	}
	return strings.Join(parts, " ")
}

// writeRuns prints every run as a Markdown table.
func writeRuns(w io.Writer, runs []runReport) {
	fmt.Fprintln(w, "| round | conns | server | pushes/s | p50 | p99 | max | server CPU/push | Redis CPU/push | generator CPU/push | errors | checked |")
	fmt.Fprintln(w, "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
	for _, r := range runs {
		checked := r.Verified
		if r.Inline > 0 {
			checked += fmt.Sprintf("; %d built inline", r.Inline)
		}
		fmt.Fprintf(w, "| %d | %d | %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			r.Round, r.Conns, r.Server, r.Rate, ms(r.P50), ms(r.P99), ms(r.Max),
			cpu(r.ServerCPU), cpu(r.RedisCPU), cpu(r.GenCPU), errorText(r), checked)
	}
}

// writeSummary prints the medians and ratios per connection count.
func writeSummary(w io.Writer, sums []summary, servers []string) {
	fmt.Fprintln(w, "| conns | server | pushes/s | p50 | p99 | server CPU/push | Redis CPU/push | rate ÷ bare |")
	fmt.Fprintln(w, "|---:|---|---:|---:|---:|---:|---:|---:|")
	for _, s := range sums {
		for _, name := range servers {
			if _, ok := s.Rate[name]; !ok {
				continue
			}
			of := "1"
			switch name {
			case srvPeer:
				of = num(s.PeerOfBare, "%.3f")
			case srvWxsuite:
				of = num(s.WxsuiteOfBare, "%.3f")
			}
			if _, ok := s.Rate[srvBare]; !ok {
				of = "–"
			}
			fmt.Fprintf(w, "| %d | %s | %.0f | %s | %s | %s | %s | %s |\n", s.Conns, name, s.Rate[name],
				ms(s.P50[name]), ms(s.P99[name]), cpu(s.ServerCPU[name]), cpu(s.RedisCPU[name]), of)
		}
	}
}

// writeVerdicts prints the targets' outcomes.
func writeVerdicts(w io.Writer, vs []verdict) {
	for _, v := range vs {
		fmt.Fprintf(w, "conns %d: wxsuite/peer rate %.3f (target >= %.2f): %s; p99 %.3f (target <= %.2f): %s\n",
			v.Conns, v.RateRatio, v.MinRate, metText(v.RateMet), v.P99Ratio, v.MaxP99, metText(v.P99Met))
	}
}

func metText(ok bool) string {
	if ok {
		return "MET"
	}
	return "MISSED"
}
