package main

import (
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	t.Parallel()
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	tests := []struct {
		name  string
		give  []time.Duration
		giveP float64
		want  time.Duration
	}{
		{name: "empty", give: nil, giveP: 0.99, want: 0},
		{name: "one", give: []time.Duration{7}, giveP: 0.5, want: 7},
		{name: "p50 of 100", give: hundred, giveP: 0.50, want: 50 * time.Millisecond},
		{name: "p99 of 100", give: hundred, giveP: 0.99, want: 99 * time.Millisecond},
		{name: "max of 100", give: hundred, giveP: 1, want: 100 * time.Millisecond},
		{name: "p90 of 3", give: []time.Duration{1, 2, 3}, giveP: 0.90, want: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := percentile(tt.give, tt.giveP); got != tt.want {
				t.Errorf("percentile(%v) = %v, want %v", tt.giveP, got, tt.want)
			}
		})
	}
}
