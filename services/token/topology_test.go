package token

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
)

// storm runs 3 replicas × 200 callers at expiry against rdb and checks that WeChat saw
// exactly one fetch and everybody the same token.
func storm(t *testing.T, e *env, rdb redis.UniversalClient) {
	t.Helper()
	ctx := context.Background()
	slow := func(p *Params) {
		p.Redis = rdb
		p.Config.CheckInterval = config.Duration(time.Hour)
	}
	replicas := []*Service{e.service(slow), e.service(slow), e.service(slow)}
	for _, r := range replicas {
		if _, err := r.GetAccessToken(ctx, e.appID); err != nil {
			t.Fatal(err)
		}
	}
	e.sb.Sandbox.Advance(7201 * time.Second)
	before := e.calls(tokenPath)
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[string]bool{}
	for _, r := range replicas {
		for range 200 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := r.GetAccessToken(ctx, e.appID)
				if err != nil {
					t.Errorf("GetAccessToken: %v", err)
					return
				}
				mu.Lock()
				seen[c.Value] = true
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	if n := e.calls(tokenPath) - before; n != 1 {
		t.Errorf("upstream token calls at expiry = %d, want exactly 1", n)
	}
	if len(seen) != 1 {
		t.Errorf("callers got %d tokens, want 1", len(seen))
	}
}

func TestStormOnRedisCluster(t *testing.T) {
	t.Parallel()
	storm(t, newEnv(t), redistest.Cluster(t))
}

func TestStormOnSentinel(t *testing.T) {
	t.Parallel()
	storm(t, newEnv(t), redistest.Sentinel(t).Client)
}

func TestTokenServiceSurvivesPrimaryFailover(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := redistest.Sentinel(t)
	ctx := context.Background()
	a := e.service(func(p *Params) { p.Redis = s.Client })
	first, err := a.GetAccessToken(ctx, e.appID)
	if err != nil {
		t.Fatal(err)
	}
	s.Failover(t)
	// The replica had the entry (replication), so a second process finds the token there.
	b := e.service(func(p *Params) { p.Redis = s.Client })
	var got Credential
	for range 50 { // the client follows the sentinel to the new primary
		if got, err = b.GetAccessToken(ctx, e.appID); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil || got.Value != first.Value {
		t.Fatalf("after failover: %v (same token %v)", err, got.Value == first.Value)
	}
	// A refresh after the failover goes through the new primary and is shared.
	e.sb.Sandbox.Advance(7201 * time.Second)
	fresh, err := a.GetAccessToken(ctx, e.appID)
	if err != nil || fresh.Value == first.Value {
		t.Fatalf("refresh after failover: %v", err)
	}
	again, err := b.GetAccessToken(ctx, e.appID)
	if err != nil || again.Value != fresh.Value {
		t.Fatalf("second replica after the refresh: %v (same %v)", err, again.Value == fresh.Value)
	}
	if n := e.calls(tokenPath); n != 2 {
		t.Errorf("upstream token calls = %d, want 2", n)
	}
}
