// Package redistest gives tests a Redis client: the real Redis at $WXSUITE_TEST_REDIS_URL
// (default redis://127.0.0.1:6379/0) when it answers, an in-process miniredis otherwise.
//
// Tests share the real database, so they must use unique key names (for example prefixed
// with t.Name()); nothing here flushes it.
package redistest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

const (
	// EnvURL names the variable holding the real Redis URL for tests.
	EnvURL = "WXSUITE_TEST_REDIS_URL"
	// EnvMode names the variable that, set to "require", makes New fail the test instead of
	// falling back to miniredis.
	EnvMode = "WXSUITE_TEST_REDIS"
	// DefaultURL is used when EnvURL is unset.
	DefaultURL = "redis://127.0.0.1:6379/0"
	// probeTimeout bounds the PING that decides between real Redis and miniredis.
	probeTimeout = 300 * time.Millisecond
	// requireTimeout bounds that PING under WXSUITE_TEST_REDIS=require.
	requireTimeout = 5 * time.Second
)

// New returns a client to the real Redis when it answers PING within 300ms, otherwise to a
// miniredis started for this test (unless WXSUITE_TEST_REDIS=require, which waits up to
// 5s for the PING and then fails the test). The client (and miniredis) are closed when the test ends.
func New(t testing.TB) redis.UniversalClient {
	t.Helper()
	raw := os.Getenv(EnvURL)
	if raw == "" {
		raw = DefaultURL
	}
	opts, err := redis.ParseURL(raw)
	if err != nil {
		t.Fatalf("redistest: %s: %v", EnvURL, err)
	}
	// Where real Redis is required there is no fallback to decide on quickly: a loaded
	// machine (CI runs every package's tests at once) gets a generous PING instead.
	timeout := probeTimeout
	if os.Getenv(EnvMode) == "require" {
		timeout = requireTimeout
	}
	opts.DialTimeout = timeout
	c := redis.NewClient(opts)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	pingErr := c.Ping(ctx).Err()
	if pingErr == nil {
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	_ = c.Close()
	if os.Getenv(EnvMode) == "require" {
		t.Fatalf("redistest: real Redis required (%s=require) but PING failed: %v", EnvMode, pingErr)
	}
	_, client := Embedded(t)
	return client
}

// Embedded starts a miniredis for this test and returns it with a client to it, for tests
// that need to control the store (m.Close() simulates Redis being down, m.FastForward
// expires keys). Both are closed when the test ends.
func Embedded(t testing.TB) (*miniredis.Miniredis, redis.UniversalClient) {
	t.Helper()
	m := miniredis.RunT(t)
	c := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { _ = c.Close() })
	return m, c
}
