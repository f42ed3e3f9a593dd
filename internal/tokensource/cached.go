package tokensource

import (
	"sync"
	"sync/atomic"
	"time"
)

// Cached is a per-process cache of access tokens keyed by app_id, each valid until a
// deadline. A hit takes no lock, allocates nothing and costs one clock read: the app_id
// table is copied on write (accounts are few and rarely added) and each entry is an atomic
// pointer. The zero value is ready to use with time.Now as its clock; Cached is safe for
// concurrent use.
type Cached struct {
	// Now is the clock (default time.Now). Set it before first use.
	Now func() time.Time

	mu   sync.Mutex                       // serialises adding app_ids to apps
	apps atomic.Pointer[map[string]*slot] // copy-on-write
}

// slot holds the current token of one app_id; nil means none.
type slot struct {
	cur atomic.Pointer[cachedToken]
}

type cachedToken struct {
	token      string
	validUntil time.Time
}

// NewCached returns an empty cache reading time from now (time.Now when nil).
func NewCached(now func() time.Time) *Cached {
	return &Cached{Now: now}
}

func (c *Cached) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Cached) slot(appID string) *slot {
	if m := c.apps.Load(); m != nil {
		return (*m)[appID]
	}
	return nil
}

// Get returns appID's token if one is cached and its deadline has not passed.
func (c *Cached) Get(appID string) (string, bool) {
	s := c.slot(appID)
	if s == nil {
		return "", false
	}
	e := s.cur.Load()
	if e == nil || !c.now().Before(e.validUntil) {
		return "", false
	}
	return e.token, true
}

// Put caches token for appID until validUntil, replacing any cached token. A deadline that
// has already passed clears the entry instead.
func (c *Cached) Put(appID, token string, validUntil time.Time) {
	s := c.slot(appID)
	if s == nil {
		s = c.addSlot(appID)
	}
	if token == "" || !c.now().Before(validUntil) {
		s.cur.Store(nil)
		return
	}
	s.cur.Store(&cachedToken{token: token, validUntil: validUntil})
}

func (c *Cached) addSlot(appID string) *slot {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.apps.Load()
	if old != nil {
		if s, ok := (*old)[appID]; ok {
			return s
		}
	}
	next := make(map[string]*slot, 1+lenOf(old))
	if old != nil {
		for k, v := range *old {
			next[k] = v
		}
	}
	s := &slot{}
	next[appID] = s
	c.apps.Store(&next)
	return s
}

func lenOf(m *map[string]*slot) int {
	if m == nil {
		return 0
	}
	return len(*m)
}

// InvalidateIf drops appID's cached token only if it is token (expired or not), and reports
// whether it did. A newer token put by another caller is kept.
func (c *Cached) InvalidateIf(appID, token string) bool {
	s := c.slot(appID)
	if s == nil {
		return false
	}
	for {
		e := s.cur.Load()
		if e == nil || e.token != token {
			return false
		}
		if s.cur.CompareAndSwap(e, nil) {
			return true
		}
	}
}
