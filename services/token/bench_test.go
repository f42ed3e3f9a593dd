package token

import (
	"context"
	"testing"
)

// BenchmarkAccessTokenCacheHit measures the in-process TokenSource on a cache hit: what
// every co-located service pays per WeChat call. Target: well under 1 µs.
func BenchmarkAccessTokenCacheHit(b *testing.B) {
	e := newEnv(b)
	s := e.service()
	ctx := context.Background()
	if _, err := s.AccessToken(ctx, e.appID); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.AccessToken(ctx, e.appID); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
