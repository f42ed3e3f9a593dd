package main

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	t.Parallel()
	var lat []time.Duration
	for i := 1; i <= 200; i++ {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	tests := []struct {
		give float64
		want time.Duration
	}{
		{50, 100 * time.Millisecond},
		{99, 198 * time.Millisecond},
		{100, 200 * time.Millisecond},
		{0, time.Millisecond},
	}
	for _, tt := range tests {
		if got := percentile(lat, tt.give); got != tt.want {
			t.Errorf("p%v = %v, want %v", tt.give, got, tt.want)
		}
	}
	if got := percentile(nil, 99); got != 0 {
		t.Errorf("p99 of nothing = %v", got)
	}
}

func TestMedian(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give []float64
		want float64
	}{
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{math.NaN(), 5}, 5},
	}
	for _, tt := range tests {
		if got := median(tt.give); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.give, got, tt.want)
		}
	}
	if got := median([]float64{math.NaN()}); !math.IsNaN(got) {
		t.Errorf("median of NaN = %v", got)
	}
}

func TestSummarizeAndVerdicts(t *testing.T) {
	t.Parallel()
	nan := maybe(math.NaN())
	run := func(round, conns int, server string, rate, p99 float64) runReport {
		return runReport{Round: round, Conns: conns, Server: server, Rate: rate, P99: p99, ServerCPU: 10, RedisCPU: nan, GenCPU: nan}
	}
	runs := []runReport{
		run(1, 32, srvBare, 1000, 1), run(1, 32, srvPeer, 400, 10), run(1, 32, srvWxsuite, 500, 8),
		run(2, 32, srvWxsuite, 440, 12), run(2, 32, srvPeer, 400, 10), run(2, 32, srvBare, 800, 1),
		run(3, 32, srvBare, 900, 1), run(3, 32, srvPeer, 500, 10), run(3, 32, srvWxsuite, 650, 9),
		run(1, 128, srvPeer, 100, 10), run(1, 128, srvWxsuite, 100, 20),
	}
	sums := summarize(runs, []int{32, 128})
	s := sums[0]
	// Per-round wxsuite/peer ratios 1.25, 1.10, 1.30: median 1.25; p99 ratios 0.8, 1.2, 0.9.
	if s.RateRatio != 1.25 || s.P99Ratio != 0.9 || s.Rate[srvPeer] != 400 || s.Rate[srvWxsuite] != 500 {
		t.Errorf("conns 32: %+v", s)
	}
	if s.WxsuiteOfBare != 0.55 || s.PeerOfBare != 0.5 {
		t.Errorf("conns 32 over bare: wxsuite %v peer %v", s.WxsuiteOfBare, s.PeerOfBare)
	}
	if !math.IsNaN(float64(sums[1].WxsuiteOfBare)) || sums[1].RateRatio != 1 {
		t.Errorf("conns 128: %+v", sums[1])
	}
	vs := verdicts(sums, 1.2, 1.0)
	want := []verdict{
		{Conns: 32, RateRatio: 1.25, MinRate: 1.2, P99Ratio: 0.9, MaxP99: 1, RateMet: true, P99Met: true},
		{Conns: 128, RateRatio: 1, MinRate: 1.2, P99Ratio: 2, MaxP99: 1},
	}
	if len(vs) != 2 || vs[0] != want[0] || vs[1] != want[1] {
		t.Errorf("verdicts %+v, want %+v", vs, want)
	}

	var out bytes.Buffer
	writeRuns(&out, runs)
	writeSummary(&out, sums, serverOrder)
	writeVerdicts(&out, vs)
	for _, line := range []string{
		"| 1 | 32 | wxsuite | 500 | 0.00 ms | 0.01 ms |",
		"| 32 | wxsuite | 500 |",
		"conns 32: wxsuite/peer rate 1.250 (target >= 1.20): MET; p99 0.900 (target <= 1.00): MET",
		"conns 128: wxsuite/peer rate 1.000 (target >= 1.20): MISSED; p99 2.000 (target <= 1.00): MISSED",
	} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("output lacks %q:\n%s", line, out.String())
		}
	}
	// Unknown numbers are null in JSON, not an encoding error.
	b, err := json.Marshal(map[string]any{"runs": runs, "medians": sums})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"redis_cpu_us_per_push":null`) {
		t.Errorf("JSON: %s", b)
	}
}

func TestRoundOrder(t *testing.T) {
	t.Parallel()
	fwd := roundOrder([]string{srvBare, srvWxsuite}, []int{32, 128}, 0)
	back := roundOrder([]string{srvBare, srvWxsuite}, []int{32, 128}, 1)
	want := []load{{srvBare, 32}, {srvWxsuite, 32}, {srvBare, 128}, {srvWxsuite, 128}}
	for i := range want {
		if fwd[i] != want[i] || back[len(back)-1-i] != want[i] {
			t.Fatalf("forward %v, backward %v", fwd, back)
		}
	}
}

func TestParseFlags(t *testing.T) {
	t.Parallel()
	o, err := parseFlags([]string{"-conns", "128, 32,32", "-servers", "wxsuite,bare"})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.conns) != 2 || o.conns[0] != 128 || o.conns[1] != 32 || strings.Join(o.servers, ",") != "bare,wxsuite" {
		t.Errorf("conns %v servers %v", o.conns, o.servers)
	}
	for _, bad := range [][]string{
		{"-conns", "0"}, {"-servers", "nginx"}, {"-servers", ","}, {"-reply", "maybe"}, {"-rounds", "0"}, {"-keyword", "a]]>b"},
	} {
		if _, err := parseFlags(bad); err == nil {
			t.Errorf("parseFlags(%q): no error", bad)
		}
	}
}
