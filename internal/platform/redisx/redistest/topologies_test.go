package redistest_test

import (
	"context"
	"testing"

	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
)

func TestClusterServesHashTaggedScripts(t *testing.T) {
	t.Parallel()
	c := redistest.Cluster(t)
	ctx := context.Background()
	// Keys sharing a hash tag may be used together, in a script and a transaction.
	if err := c.Set(ctx, "t:{acct}:a", "1", 0).Err(); err != nil {
		t.Fatal(err)
	}
	n, err := c.Eval(ctx, `return redis.call("EXISTS", KEYS[1], KEYS[2])`, []string{"t:{acct}:a", "t:{acct}:b"}).Int()
	if err != nil || n != 1 {
		t.Fatalf("script over one slot: %d %v", n, err)
	}
}

func TestSentinelFailover(t *testing.T) {
	t.Parallel()
	s := redistest.Sentinel(t)
	ctx := context.Background()
	if err := s.Client.Set(ctx, "t:failover", "before", 0).Err(); err != nil {
		t.Fatal(err)
	}
	s.Failover(t)
	var err error
	for range 50 { // the client reconnects to the new primary
		if err = s.Client.Set(ctx, "t:failover", "after", 0).Err(); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("write after failover: %v", err)
	}
	if v, err := s.Client.Get(ctx, "t:failover").Result(); err != nil || v != "after" {
		t.Fatalf("read after failover: %q %v", v, err)
	}
}
