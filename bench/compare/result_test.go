package main

import (
	"slices"
	"testing"
)

func TestSummarize(t *testing.T) {
	t.Parallel()
	rounds := []round{
		{Order: []string{runEcho, runToken, runTokenNoAuth}, Reports: map[string]loadReport{
			runEcho: {Rate: 20000, P99: 8000}, runToken: {Rate: 18000, P99: 9000}, runTokenNoAuth: {Rate: 19000, P99: 9000},
		}},
		{Order: []string{runTokenNoAuth, runToken, runEcho}, Reports: map[string]loadReport{
			runEcho: {Rate: 20000, P99: 8000}, runToken: {Rate: 14000, P99: 16000}, runTokenNoAuth: {Rate: 13000, P99: 16000, Errors: map[string]int{"Unavailable": 2}},
		}},
	}
	comps := []comparison{
		{Name: "token", Num: runToken, Den: runEcho, MinRate: 0.8, MaxP99: 1.5},
		{Name: "auth", Num: runToken, Den: runTokenNoAuth, MaxCost: 0.05},
	}
	s := summarize(rounds, []string{runEcho, runToken, runTokenNoAuth}, comps)
	tok, auth := s.Verdicts[0], s.Verdicts[1]
	if tok.RateRatio != 0.8 || !tok.Checks[0].Met {
		t.Errorf("token rate ratio = %v (met %v), want 0.8 met", tok.RateRatio, tok.Checks[0].Met)
	}
	if tok.P99Ratio != 1.5625 || tok.Checks[1].Met || tok.Met {
		t.Errorf("token p99 ratio = %v (met %v, verdict %v), want 1.5625 missed", tok.P99Ratio, tok.Checks[1].Met, tok.Met)
	}
	if tok.MedianRateRatio != 0.8 {
		t.Errorf("token median rate ratio = %v, want 0.8", tok.MedianRateRatio)
	}
	// 16000/16000: auth costs nothing (-0 %: the key run was faster).
	if auth.Cost != 0 || len(auth.Checks) != 1 || !auth.Met {
		t.Errorf("auth cost = %v (checks %+v), want 0 met", auth.Cost, auth.Checks)
	}
	if s.ErrorsTotal != 2 || s.Means[runTokenNoAuth].Errors != 2 {
		t.Errorf("errors = %d (token-noauth %d), want 2", s.ErrorsTotal, s.Means[runTokenNoAuth].Errors)
	}
	if s.Met() {
		t.Error("Met() = true with a missed p99 target")
	}
}

func TestAuthCostMissed(t *testing.T) {
	t.Parallel()
	rounds := []round{{Reports: map[string]loadReport{runToken: {Rate: 9400, P99: 1}, runTokenNoAuth: {Rate: 10000, P99: 1}}}}
	s := summarize(rounds, []string{runToken, runTokenNoAuth}, []comparison{{Name: "auth", Num: runToken, Den: runTokenNoAuth, MaxCost: 0.05}})
	if v := s.Verdicts[0]; v.Met || v.Cost < 0.0599 || v.Cost > 0.0601 {
		t.Errorf("auth verdict = %+v, want cost 0.06 missed", v)
	}
}

func TestSelection(t *testing.T) {
	t.Parallel()
	o := options{compare: "auth, jssdk,auth", minRate: 0.8, maxP99: 1.5, jssdkMinRate: 0.8, maxAuthCost: 0.05}
	comps, err := comparisons(o)
	if err != nil {
		t.Fatal(err)
	}
	if len(comps) != 2 || comps[0].Name != "auth" || comps[1].Name != "jssdk" {
		t.Fatalf("comparisons = %+v, want auth, jssdk", comps)
	}
	runs := neededRuns(comps)
	if want := []string{runEcho, runToken, runTokenNoAuth, runJSSDK}; !slices.Equal(runs, want) {
		t.Errorf("runs = %v, want %v", runs, want)
	}
	if got, want := roundOrder(runs, 1), []string{runJSSDK, runTokenNoAuth, runToken, runEcho}; !slices.Equal(got, want) {
		t.Errorf("second round order = %v, want %v", got, want)
	}
	if !slices.Equal(roundOrder(runs, 2), runs) {
		t.Error("third round not in forward order")
	}
	if _, err := comparisons(options{compare: "echo"}); err == nil {
		t.Error("unknown comparison accepted")
	}
	if got := neededRuns([]comparison{{Num: runToken, Den: runTokenNoAuth}}); !slices.Equal(got, []string{runToken, runTokenNoAuth}) {
		t.Errorf("auth-only runs = %v", got)
	}
}
