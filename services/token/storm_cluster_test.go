package token

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
)

// The forced-refresh storm (every caller reports the same rejected token at once) on the
// multi-node topologies of issue 8 §5; topology_test.go has the expiry storm and the
// failover. The harnesses start redis-server on loopback ports and skip without it
// (WXSUITE_TEST_REDIS=require, as in CI, makes that a failure).

// forcedStorm: three replicas on rdb, 300 callers each report the revoked token; WeChat
// must see one fetch, everybody the same new token, and a late report no fetch.
func forcedStorm(t *testing.T, rdb redis.UniversalClient) {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	onRDB := func(p *Params) { p.Redis = rdb }
	replicas := []*Service{e.service(onRDB), e.service(onRDB), e.service(onRDB)}
	stale, err := replicas[0].GetAccessToken(ctx, e.appID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range replicas[1:] {
		if got, err := r.GetAccessToken(ctx, e.appID); err != nil || got.Value != stale.Value {
			t.Fatalf("replica sees another token: %v", err)
		}
	}
	// Another party takes the token over, past min_forced_interval.
	e.sb.Sandbox.Advance(time.Minute)
	if err := e.sb.Sandbox.RevokeTokens(e.appID); err != nil {
		t.Fatal(err)
	}
	before := e.calls(tokenPath)
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[string]int{}
	for _, r := range replicas {
		for range 300 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := r.Refresh(ctx, e.appID, stale.Value)
				if err != nil {
					t.Errorf("Refresh: %v", err)
					return
				}
				mu.Lock()
				seen[c.Value]++
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	if n := e.calls(tokenPath) - before; n != 1 {
		t.Errorf("upstream token calls in the storm = %d, want 1", n)
	}
	if len(seen) != 1 || seen[stale.Value] > 0 {
		t.Fatalf("the storm answered %d tokens (the stale one %d times), want one new token", len(seen), seen[stale.Value])
	}
	for tok := range seen {
		if ok, body := e.accepted(tok); !ok {
			t.Errorf("refreshed token rejected: %s", body)
		}
		for i, r := range replicas {
			if got, err := r.GetAccessToken(ctx, e.appID); err != nil || got.Value != tok {
				t.Errorf("replica %d after the storm: %v (same %v)", i, err, got.Value == tok)
			}
		}
	}
	if _, err := replicas[2].Refresh(ctx, e.appID, stale.Value); err != nil {
		t.Errorf("late report: %v", err)
	}
	if n := e.calls(tokenPath) - before; n != 1 {
		t.Errorf("upstream token calls after a late report = %d, want 1", n)
	}
}

func TestForcedRefreshStormOnRedisCluster(t *testing.T) {
	t.Parallel()
	forcedStorm(t, redistest.Cluster(t))
}

func TestForcedRefreshStormOnSentinel(t *testing.T) {
	t.Parallel()
	forcedStorm(t, redistest.Sentinel(t).Client)
}
