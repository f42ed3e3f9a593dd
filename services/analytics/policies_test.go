package analytics

import (
	"testing"

	analyticsv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/analytics/v1"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
)

// TestPolicies checks that every procedure of AnalyticsService has exactly one policy,
// analytics.read.
func TestPolicies(t *testing.T) {
	t.Parallel()
	got := map[string]string{}
	for _, p := range policies() {
		if _, dup := got[p.Procedure]; dup {
			t.Errorf("two policies for %s", p.Procedure)
		}
		got[p.Procedure] = p.Scope
	}
	svc := analyticsv1.File_wxsuite_analytics_v1_analytics_proto.Services().ByName("AnalyticsService")
	methods := svc.Methods()
	for i := range methods.Len() {
		proc := "/" + string(svc.FullName()) + "/" + string(methods.Get(i).Name())
		if got[proc] != auth.ScopeAnalyticsRead {
			t.Errorf("%s: scope %q, want %q", proc, got[proc], auth.ScopeAnalyticsRead)
		}
		delete(got, proc)
	}
	for p := range got {
		t.Errorf("policy for unknown procedure %s", p)
	}
	if methods.Len() != 24 {
		t.Errorf("%d RPCs, want 24 (21 datacube paths + 3 publisher actions)", methods.Len())
	}
}

func TestChunks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give [2]string
		span int
		want []string
	}{
		{[2]string{"2025-03-01", "2025-03-01"}, 1, []string{"2025-03-01/2025-03-01"}},
		{[2]string{"2025-03-01", "2025-03-09"}, 7, []string{"2025-03-01/2025-03-07", "2025-03-08/2025-03-09"}},
		{[2]string{"2025-02-27", "2025-03-02"}, 3, []string{"2025-02-27/2025-03-01", "2025-03-02/2025-03-02"}},
		{[2]string{"2024-02-28", "2024-03-01"}, 1, []string{"2024-02-28/2024-02-28", "2024-02-29/2024-02-29", "2024-03-01/2024-03-01"}},
		{[2]string{"2025-01-01", "2025-03-04"}, 62, []string{"2025-01-01/2025-03-03", "2025-03-04/2025-03-04"}},
	}
	for _, tt := range tests {
		r, err := parseRange("b", tt.give[0], "e", tt.give[1], 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range r.chunks(tt.span) {
			got = append(got, day(c.begin)+"/"+day(c.end))
		}
		if len(got) != len(tt.want) {
			t.Errorf("chunks(%v, %d) = %v, want %v", tt.give, tt.span, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("chunks(%v, %d) = %v, want %v", tt.give, tt.span, got, tt.want)
				break
			}
		}
	}
}
