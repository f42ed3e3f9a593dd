package redistest_test

import (
	"context"
	"testing"
	"time"

	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
)

func TestNew(t *testing.T) {
	t.Parallel()
	c := redistest.New(t)
	ctx := context.Background()
	key := "wxsuite:redistest:" + t.Name() + ":" + time.Now().Format(time.RFC3339Nano)
	t.Cleanup(func() { c.Del(context.Background(), key) })
	if err := c.Set(ctx, key, "v", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	if got := c.Get(ctx, key).Val(); got != "v" {
		t.Errorf("GET = %q", got)
	}
}

func TestEmbeddedCanBeStopped(t *testing.T) {
	t.Parallel()
	m, c := redistest.Embedded(t)
	ctx := context.Background()
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	m.Close()
	if err := c.Ping(ctx).Err(); err == nil {
		t.Error("PING succeeded after the store was closed")
	}
}
