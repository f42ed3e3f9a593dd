package tokensource

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestCached(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }

	c := NewCached(clock)
	if _, ok := c.Get("wx1"); ok {
		t.Fatal("empty cache hit")
	}
	c.Put("wx1", "A", clock().Add(time.Minute))
	c.Put("wx2", "B", clock().Add(2*time.Minute))
	if tok, ok := c.Get("wx1"); !ok || tok != "A" {
		t.Fatalf("Get(wx1) = %q, %v; want A", tok, ok)
	}
	if c.InvalidateIf("wx1", "OTHER") {
		t.Error("InvalidateIf dropped a token that did not match")
	}
	if tok, _ := c.Get("wx1"); tok != "A" {
		t.Errorf("Get(wx1) after mismatched InvalidateIf = %q, want A", tok)
	}
	if !c.InvalidateIf("wx1", "A") {
		t.Error("InvalidateIf kept the matching token")
	}
	if _, ok := c.Get("wx1"); ok {
		t.Error("hit after InvalidateIf")
	}
	advance(time.Minute)
	if tok, ok := c.Get("wx2"); !ok || tok != "B" {
		t.Errorf("Get(wx2) = %q, %v; want B", tok, ok)
	}
	advance(time.Minute)
	if _, ok := c.Get("wx2"); ok {
		t.Error("hit at the deadline")
	}
	c.Put("wx3", "C", clock().Add(-time.Second))
	if _, ok := c.Get("wx3"); ok {
		t.Error("hit for a token put with a past deadline")
	}
}

func TestCachedConcurrentPuts(t *testing.T) {
	t.Parallel()
	var c Cached // the zero value works
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			app := fmt.Sprintf("wx%d", i%8)
			c.Put(app, app+"-tok", time.Now().Add(time.Hour))
			if tok, ok := c.Get(app); !ok || tok != app+"-tok" {
				t.Errorf("Get(%s) = %q, %v", app, tok, ok)
			}
		})
	}
	wg.Wait()
}

func TestCachedHitAllocatesNothing(t *testing.T) {
	c := NewCached(nil)
	c.Put("wx1", "A", time.Now().Add(time.Hour))
	if n := testing.AllocsPerRun(1000, func() { _, _ = c.Get("wx1") }); n != 0 {
		t.Errorf("Get allocates %v times per call", n)
	}
}

func BenchmarkCachedHit(b *testing.B) {
	c := NewCached(nil)
	for i := range 50 {
		c.Put(fmt.Sprintf("wx%04d", i), "token", time.Now().Add(time.Hour))
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, ok := c.Get("wx0007"); !ok {
				b.Fatal("miss")
			}
		}
	})
}

// BenchmarkCachedHitFixedClock is BenchmarkCachedHit without the time.Now call, to show
// what the clock read costs.
func BenchmarkCachedHitFixedClock(b *testing.B) {
	now := time.Now()
	c := NewCached(func() time.Time { return now })
	c.Put("wx0007", "token", now.Add(time.Hour))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, ok := c.Get("wx0007"); !ok {
				b.Fatal("miss")
			}
		}
	})
}
