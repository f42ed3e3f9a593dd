package wechat

import (
	"context"
	"errors"
	"net"
	"sync"
	"syscall"
	"time"
)

// failoverHold is how long a fallback base URL that answered stays preferred before the
// primary is tried again.
const failoverHold = 30 * time.Second

// baseURLs holds the primary and fallback base URLs and remembers which one last answered
// after the primary could not be reached.
type baseURLs struct {
	urls []string // urls[0] is the primary
	now  func() time.Time

	mu        sync.Mutex
	preferred int       // index into urls of the base to try first
	until     time.Time // when preferred reverts to the primary
}

// order returns the indexes of urls in the order to try them: the preferred one first
// (the primary unless a fallback answered within failoverHold), then the others in turn.
func (b *baseURLs) order() []int {
	b.mu.Lock()
	start := b.preferred
	if start != 0 && !b.now().Before(b.until) {
		b.preferred, start = 0, 0
	}
	b.mu.Unlock()
	idx := make([]int, len(b.urls))
	for i := range idx {
		idx[i] = (start + i) % len(b.urls)
	}
	return idx
}

// healthy records that urls[i] answered. A fallback stays preferred for failoverHold; an
// answer from the primary makes it preferred again at once.
func (b *baseURLs) healthy(i int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if i == 0 {
		b.preferred = 0
		return
	}
	if b.preferred != i {
		b.preferred = i
		b.until = b.now().Add(failoverHold)
	}
}

// isConnectFailure reports whether err shows the request never reached the server: a DNS
// failure, a failed dial or a refused connection. Such a request is safe to send again,
// elsewhere, whatever its method. A timeout after the connection was made is not one.
func isConnectFailure(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	return errors.Is(err, syscall.ECONNREFUSED)
}
