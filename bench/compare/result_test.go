package main

import "testing"

func TestSummarize(t *testing.T) {
	t.Parallel()
	rounds := []round{
		{Echo: loadReport{Rate: 20000, P99: 8000}, Token: loadReport{Rate: 18000, P99: 9000}},
		{Echo: loadReport{Rate: 20000, P99: 8000}, Token: loadReport{Rate: 14000, P99: 16000}},
	}
	s := summarize(rounds, 0.8, 1.5)
	if s.RateRatio != 0.8 || !s.RateMet {
		t.Errorf("rate ratio = %v (met %v), want 0.8 met", s.RateRatio, s.RateMet)
	}
	if s.P99Ratio != 1.5625 || s.P99Met {
		t.Errorf("p99 ratio = %v (met %v), want 1.5625 missed", s.P99Ratio, s.P99Met)
	}
	if s.MedianRateRatio != 0.8 {
		t.Errorf("median rate ratio = %v, want 0.8", s.MedianRateRatio)
	}
}
