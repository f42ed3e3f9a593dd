package tokensource

import (
	"context"
	"testing"
	"time"
)

func TestRemoteAccessTokenWithExpiry(t *testing.T) {
	t.Parallel()
	svc := newFakeService()
	r := newRemote(t, svc, ProtocolConnect, "KEY")
	ctx := context.Background()

	tok, exp, err := r.AccessTokenWithExpiry(ctx, "wx1")
	if err != nil || tok != "T1" {
		t.Fatalf("AccessTokenWithExpiry = %q, %v; want T1", tok, err)
	}
	if want := svc.clock.Now().Add(2 * time.Hour); !exp.Equal(want) {
		t.Errorf("expiry = %v, want %v (the token service's expires_in, not the cache deadline)", exp, want)
	}
	svc.clock.Advance(time.Hour)
	if tok, exp2, err := r.AccessTokenWithExpiry(ctx, "wx1"); err != nil || tok != "T1" || !exp2.Equal(exp) {
		t.Errorf("cached: %q %v %v; want T1 with the same expiry %v", tok, exp2, err, exp)
	}
	if _, _, err := r.AccessTokenWithExpiry(ctx, "wx-unknown"); err == nil {
		t.Error("unknown account: want an error")
	}
}
