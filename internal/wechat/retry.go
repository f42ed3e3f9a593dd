package wechat

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// maxBackoff caps the delay between two attempts.
const maxBackoff = 5 * time.Second

// backoff returns the delay before retry number n (1-based): base·2^(n-1), capped at
// maxBackoff, with "equal jitter" (half fixed, half random) so that replicas retrying the
// same failure spread out.
func backoff(base time.Duration, n int) time.Duration {
	if base <= 0 {
		return 0
	}
	d := base
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	d = min(d, maxBackoff)
	half := d / 2
	return half + rand.N(d-half+1)
}

// sleep waits for d or until ctx is done, returning ctx's error in that case.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryable reports whether a failed attempt may be sent again. Requests that never
// reached WeChat always may; system-busy errcodes (-1), 5xx responses and other transport
// failures only for idempotent requests.
func retryable(err error, idempotent, connectFailure bool) bool {
	if connectFailure {
		return true
	}
	if !idempotent {
		return false
	}
	var (
		we *Error
		se *StatusError
		te *TransportError
	)
	switch {
	case errors.As(err, &we):
		return we.Code == -1
	case errors.As(err, &se):
		return se.StatusCode >= 500 || se.StatusCode == 429
	case errors.As(err, &te):
		return !errors.Is(err, context.Canceled)
	}
	return false
}
