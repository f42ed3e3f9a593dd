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
	if r.FirstError != "" {
		parts = append(parts, fmt.Sprintf("(%s)", r.FirstError))
	}
	return strings.Join(parts, " ")
}

// round is one run of each selected load, in Order.
type round struct {
	Order   []string              `json:"order"`
	Reports map[string]loadReport `json:"reports"`
}

// comparison is one target: the rate (and p99) of run Num relative to run Den.
type comparison struct {
	// Name is what -compare selects: token, jssdk, auth or audit.
	Name     string
	Num, Den string
	// MinRate, when positive, requires mean Num rate / mean Den rate >= MinRate.
	MinRate float64
	// MaxP99, when positive, requires mean Num p99 / mean Den p99 <= MaxP99.
	MaxP99 float64
	// MaxCost, when positive, requires 1 - rate ratio < MaxCost (the share of Den's rate
	// lost in Num).
	MaxCost float64
}

// check is one target of a verdict.
type check struct {
	What   string  `json:"what"`
	Value  float64 `json:"value"`
	Op     string  `json:"op"`
	Target float64 `json:"target"`
	Met    bool    `json:"met"`
}

func (c check) String() string {
	return fmt.Sprintf("%s %.3f, target %s %.2f: %s", c.What, c.Value, c.Op, c.Target, verdictWord(c.Met))
}

// verdict is one comparison over all rounds. The checks use the ratio of the means; the
// medians of the per-round ratios are there to show how much one round swayed it.
type verdict struct {
	Name            string  `json:"comparison"`
	Num             string  `json:"numerator"`
	Den             string  `json:"denominator"`
	RateRatio       float64 `json:"rate_ratio"`
	P99Ratio        float64 `json:"p99_ratio"`
	Cost            float64 `json:"cost"` // 1 - RateRatio
	MedianRateRatio float64 `json:"median_round_rate_ratio"`
	MedianP99Ratio  float64 `json:"median_round_p99_ratio"`
	Checks          []check `json:"checks"`
	Met             bool    `json:"met"`
}

// runMean is the mean over the rounds of one run's rate and p99.
type runMean struct {
	Rate   float64 `json:"calls_per_sec"`
	P99    float64 `json:"p99_us"`
	Errors int     `json:"errors"`
}

// summary is every round, the mean of each run and the verdict of each comparison.
type summary struct {
	Rounds      []round            `json:"rounds"`
	Runs        []string           `json:"runs"`
	Means       map[string]runMean `json:"means"`
	Verdicts    []verdict          `json:"verdicts"`
	ErrorsTotal int                `json:"errors"`
}

// Met reports whether every comparison met its targets.
func (s summary) Met() bool {
	for _, v := range s.Verdicts {
		if !v.Met {
			return false
		}
	}
	return true
}

// summarize computes the means of runs (in table order) and the verdict of each comparison.
func summarize(rounds []round, runs []string, comps []comparison) summary {
	s := summary{Rounds: rounds, Runs: runs, Means: map[string]runMean{}}
	n := float64(len(rounds))
	for _, name := range runs {
		var m runMean
		for _, r := range rounds {
			rep := r.Reports[name]
			m.Rate += rep.Rate / n
			m.P99 += rep.P99 / n
			m.Errors += rep.errorCount()
		}
		s.Means[name] = m
		s.ErrorsTotal += m.Errors
	}
	for _, c := range comps {
		num, den := s.Means[c.Num], s.Means[c.Den]
		v := verdict{Name: c.Name, Num: c.Num, Den: c.Den, RateRatio: num.Rate / den.Rate, P99Ratio: num.P99 / den.P99}
		v.Cost = 1 - v.RateRatio
		rr := make([]float64, 0, len(rounds))
		pr := make([]float64, 0, len(rounds))
		for _, r := range rounds {
			rr = append(rr, r.Reports[c.Num].Rate/r.Reports[c.Den].Rate)
			pr = append(pr, r.Reports[c.Num].P99/r.Reports[c.Den].P99)
		}
		v.MedianRateRatio, v.MedianP99Ratio = median(rr), median(pr)
		label := c.Num + "/" + c.Den
		if c.MinRate > 0 {
			v.Checks = append(v.Checks, check{What: "rate ratio (" + label + ")", Value: v.RateRatio, Op: ">=", Target: c.MinRate, Met: v.RateRatio >= c.MinRate})
		}
		if c.MaxP99 > 0 {
			v.Checks = append(v.Checks, check{What: "p99 ratio (" + label + ")", Value: v.P99Ratio, Op: "<=", Target: c.MaxP99, Met: v.P99Ratio <= c.MaxP99})
		}
		if c.MaxCost > 0 {
			v.Checks = append(v.Checks, check{What: "cost (1 - " + label + " rate)", Value: v.Cost, Op: "<", Target: c.MaxCost, Met: v.Cost < c.MaxCost})
		}
		v.Met = true
		for _, ch := range v.Checks {
			v.Met = v.Met && ch.Met
		}
		s.Verdicts = append(s.Verdicts, v)
	}
	return s
}

// writeTable prints every run, the per-round ratios and the verdicts as Markdown, ready
// for docs/benchmarks.md.
func (s summary) writeTable(w io.Writer) {
	fmt.Fprintln(w, "| round | run | calls/s | p50 | p99 | max | errors |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---|")
	for i, r := range s.Rounds {
		for _, name := range r.Order {
			rep := r.Reports[name]
			fmt.Fprintf(w, "| %d | %s | %.0f | %s | %s | %s | %s |\n",
				i+1, name, rep.Rate, ms(rep.P50), ms(rep.P99), ms(rep.Max), rep.errorText())
		}
	}
	for _, name := range s.Runs {
		m := s.Means[name]
		fmt.Fprintf(w, "| mean | %s | %.0f | | %s | | %d |\n", name, m.Rate, ms(m.P99), m.Errors)
	}
	fmt.Fprintln(w)

	fmt.Fprint(w, "| round |")
	sep := "|---|"
	for _, v := range s.Verdicts {
		label := v.Num + "/" + v.Den
		if isCost(v.Name) {
			fmt.Fprintf(w, " %s cost (1 - %s rate) | %s p99 |", v.Name, label, label)
		} else {
			fmt.Fprintf(w, " %s rate | %s p99 |", label, label)
		}
		sep += "---:|---:|"
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, sep)
	for i, r := range s.Rounds {
		fmt.Fprintf(w, "| %d |", i+1)
		for _, v := range s.Verdicts {
			num, den := r.Reports[v.Num], r.Reports[v.Den]
			rr := num.Rate / den.Rate
			if isCost(v.Name) {
				rr = 1 - rr
			}
			fmt.Fprintf(w, " %.3f | %.3f |", rr, num.P99/den.P99)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprint(w, "| of means |")
	for _, v := range s.Verdicts {
		rr := v.RateRatio
		if isCost(v.Name) {
			rr = v.Cost
		}
		fmt.Fprintf(w, " **%.3f** | **%.3f** |", rr, v.P99Ratio)
	}
	fmt.Fprintln(w)
	fmt.Fprint(w, "| median of rounds |")
	for _, v := range s.Verdicts {
		rr := v.MedianRateRatio
		if isCost(v.Name) {
			rr = 1 - rr
		}
		fmt.Fprintf(w, " %.3f | %.3f |", rr, v.MedianP99Ratio)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w)
	for _, v := range s.Verdicts {
		for _, c := range v.Checks {
			fmt.Fprintf(w, "%-5s %s\n", v.Name, c)
		}
		if len(v.Checks) == 0 {
			fmt.Fprintf(w, "%-5s cost (1 - %s/%s rate) %.3f, p99 ratio %.3f (no target)\n", v.Name, v.Num, v.Den, v.Cost, v.P99Ratio)
		}
	}
	fmt.Fprintf(w, "errors: %d\n", s.ErrorsTotal)
}

// isCost reports whether comparison name is shown as a cost, 1 - rate ratio: the share
// of the rate lost to what the numerator run does and the denominator's does not.
func isCost(name string) bool { return name == "auth" || name == "audit" }

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

func verdictWord(ok bool) string {
	if ok {
		return "MET"
	}
	return "MISSED"
}
