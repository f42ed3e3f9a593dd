package token

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// kind names one credential of an account; it is also the Redis key suffix.
type kind string

const (
	kindAccessToken kind = "access_token"
	kindJSAPI       kind = "ticket:jsapi"
	kindWXCard      kind = "ticket:wx_card"
)

func (k kind) human() string {
	switch k {
	case kindJSAPI:
		return "jsapi ticket"
	case kindWXCard:
		return "wx_card ticket"
	}
	return "access token"
}

// cred is the process-local state of one credential of one account.
type cred struct {
	kind    kind
	key     string
	lockKey string

	cur       atomic.Pointer[entry]
	requested atomic.Bool // kept fresh by the refresher once set
	flight    singleflight.Group

	mu        sync.Mutex // guards the fields below
	st        status
	failUntil time.Time
	failErr   error
	lastLog   string // the last refresher error logged, to log each distinct one once
}

// adopt makes e the process-local value unless the local one is newer.
func (c *cred) adopt(e *entry) {
	for {
		old := c.cur.Load()
		if old != nil && old.FetchedAt > e.FetchedAt {
			return
		}
		if c.cur.CompareAndSwap(old, e) {
			return
		}
	}
}

// recentFailure returns the last fetch error while it is still remembered.
func (c *cred) recentFailure(now time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now.Before(c.failUntil) {
		return c.failErr
	}
	return nil
}

func (c *cred) status() status {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.st
}

// result is what one flight of sync returns to every caller that joined it.
type result struct {
	e         *entry
	refreshed bool
}

// get returns a credential that is valid now, refreshing it when it is past its refresh
// point. Concurrent callers in one process share one flight.
func (s *Service) get(ctx context.Context, a *account, c *cred) (*entry, error) {
	c.requested.Store(true)
	if e := c.cur.Load(); e.freshAt(s.now()) {
		return e, nil
	}
	r, err := s.fly(ctx, a, c, "")
	if err != nil {
		return nil, err
	}
	return r.e, nil
}

// refresh is the passive refresh: it returns a credential other than stale, fetching one
// when stale is still current.
func (s *Service) refresh(ctx context.Context, a *account, c *cred, stale string) (result, error) {
	c.requested.Store(true)
	if e := c.cur.Load(); e.validAt(s.now()) && e.Value != stale && stale != "" {
		return result{e: e}, nil
	}
	return s.fly(ctx, a, c, stale)
}

// fly runs sync once per process for all concurrent callers with the same intent; each
// caller still honours its own context.
func (s *Service) fly(ctx context.Context, a *account, c *cred, stale string) (result, error) {
	key := "get"
	if stale != "" {
		key = "stale:" + stale
	}
	ch := c.flight.DoChan(key, func() (any, error) {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Duration(s.cfg.WaitTimeout+s.cfg.LockTTL))
		defer cancel()
		return s.sync(fctx, a, c, stale)
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return result{}, r.Err
		}
		return r.Val.(result), nil
	case <-ctx.Done():
		return result{}, ctx.Err()
	}
}

// satisfied reports whether e answers the request: fresh for a plain get, valid and not
// the stale value for a passive refresh.
func satisfied(e *entry, now time.Time, stale string) bool {
	if stale == "" {
		return e.freshAt(now)
	}
	return e.validAt(now) && e.Value != stale
}

// sync brings the credential up to date through Redis, fetching from WeChat under the
// account's lock when no replica has a usable value.
func (s *Service) sync(ctx context.Context, a *account, c *cred, stale string) (result, error) {
	passive := stale != ""
	for attempt := 0; ; attempt++ {
		now := s.now()
		e, err := s.store.get(ctx, c.key)
		if err != nil && !errors.Is(err, errNoEntry) {
			return s.degraded(a, c, stale, err)
		}
		if e != nil {
			c.adopt(e)
		}
		if satisfied(e, now, stale) {
			return result{e: e}, nil
		}
		// The stored value does not answer the request: someone must fetch.
		current := e
		if !current.validAt(now) {
			current = nil
		}
		s.adoptSharedBlock(ctx, a, c, now)
		if err := s.fetchAllowed(a, c, current, stale, now); err != nil {
			if current != nil && !passive {
				return result{e: current}, nil
			}
			return result{}, err
		}
		owner := s.owner()
		ok, err := s.store.lock(ctx, c.lockKey, owner, time.Duration(s.cfg.LockTTL))
		if err != nil {
			return s.degraded(a, c, stale, err)
		}
		if ok {
			return s.fetchLocked(ctx, a, c, current, stale, owner)
		}
		// Another replica is fetching. Serve the current value while it lives.
		if current != nil && !passive {
			return result{e: current}, nil
		}
		got, err := s.wait(ctx, a, c, e)
		if err != nil || got != nil {
			return result{e: got}, err
		}
		// The lock went away without a new value: the other fetch failed.
		if err := s.sharedFailure(ctx, a, c); err != nil {
			return result{}, err
		}
		if attempt >= 2 {
			return result{}, &WaitTimeoutError{AppID: a.cfg.AppID, Kind: c.kind}
		}
	}
}

// fetchLocked runs while this replica holds the account's lock for c.
func (s *Service) fetchLocked(ctx context.Context, a *account, c *cred, current *entry, stale, owner string) (result, error) {
	defer func() {
		// Unlock even when the caller's context is done; a lock left behind only delays
		// the others until its TTL.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		if err := s.store.unlock(uctx, c.lockKey, owner); err != nil {
			s.log.Warn("release token lock", "app_id", a.cfg.AppID, "kind", string(c.kind), "err", err)
		}
	}()
	// Double-check: a replica may have finished between our read and our lock.
	now := s.now()
	e, err := s.store.get(ctx, c.key)
	if err != nil && !errors.Is(err, errNoEntry) {
		return s.degraded(a, c, stale, err)
	}
	if satisfied(e, now, stale) {
		c.adopt(e)
		return result{e: e}, nil
	}
	force := stale != "" && current != nil && current.Value == stale
	// The fetch (with the WeChat client's retries) must end while we still hold the lock,
	// or a second replica could fetch at the same time.
	fctx, cancel := context.WithTimeout(ctx, time.Duration(s.cfg.LockTTL)*9/10)
	defer cancel()
	fresh, err := s.fetch(fctx, a, c, force)
	if err != nil {
		s.recordFailure(ctx, a, c, err)
		if current != nil && stale == "" {
			return result{e: current}, nil
		}
		return result{}, err
	}
	ttl := time.UnixMilli(fresh.ExpiresAt).Sub(s.now())
	if err := s.store.put(ctx, c.key, fresh, ttl); err != nil {
		// The value is good; other replicas will fetch their own after the lock TTL.
		s.log.Warn("share credential through Redis", "app_id", a.cfg.AppID, "kind", string(c.kind), "err", err)
	}
	s.recordSuccess(ctx, a, c, fresh)
	c.adopt(fresh)
	return result{e: fresh, refreshed: true}, nil
}

// degraded answers when Redis fails: the process-local value while it is valid, else
// Unavailable.
func (s *Service) degraded(a *account, c *cred, stale string, cause error) (result, error) {
	if e := c.cur.Load(); e.validAt(s.now()) && e.Value != stale {
		s.metrics.degraded.WithLabelValues(a.cfg.AppID).Inc()
		return result{e: e}, nil
	}
	return result{}, &StoreUnavailableError{AppID: a.cfg.AppID, Kind: c.kind, Err: cause}
}

// fetchAllowed refuses a fetch while a recent failure is remembered, while WeChat blocks
// the account, and for a forced refresh too soon after the last fetch.
func (s *Service) fetchAllowed(a *account, c *cred, current *entry, stale string, now time.Time) error {
	if err := c.recentFailure(now); err != nil {
		return err
	}
	if st := c.status(); st.BlockedUntil > now.UnixMilli() {
		return &BlockedError{AppID: a.cfg.AppID, Until: time.UnixMilli(st.BlockedUntil), Errcode: st.LastErrcode, Errmsg: st.Errmsg, Path: st.Path}
	}
	if stale != "" && current != nil && current.Value == stale {
		age := now.Sub(time.UnixMilli(current.FetchedAt))
		if min := time.Duration(s.cfg.MinForcedInterval); age < min {
			s.metrics.invalidations.WithLabelValues(a.cfg.AppID).Inc()
			s.log.Warn("access token rejected soon after it was fetched; another system is probably fetching tokens for this account",
				"app_id", a.cfg.AppID, "age", age.Round(time.Millisecond).String())
			return &RefreshTooSoonError{AppID: a.cfg.AppID, Age: age, Min: min}
		}
	}
	return nil
}

// adoptSharedBlock takes over a block that another replica recorded in Redis, so that no
// replica asks WeChat again while the account is blocked. Fetches are rare, so the extra
// read is cheap; a Redis failure leaves the local view as it is.
func (s *Service) adoptSharedBlock(ctx context.Context, a *account, c *cred, now time.Time) {
	if c.status().BlockedUntil > now.UnixMilli() {
		return
	}
	sts, err := s.store.statuses(ctx, a.keys.status())
	if err != nil {
		return
	}
	if st, ok := sts[c.kind]; ok && st.BlockedUntil > now.UnixMilli() {
		c.mu.Lock()
		c.st = st
		c.mu.Unlock()
	}
}

// wait polls Redis until another replica stores a value different from old, or releases
// its lock; it returns nil, nil in the latter case.
func (s *Service) wait(ctx context.Context, a *account, c *cred, old *entry) (*entry, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(s.cfg.WaitTimeout))
	defer cancel()
	delay := 5 * time.Millisecond
	t := time.NewTimer(delay)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, &WaitTimeoutError{AppID: a.cfg.AppID, Kind: c.kind}
		case <-t.C:
		}
		e, err := s.store.get(ctx, c.key)
		if err != nil && !errors.Is(err, errNoEntry) {
			r, err := s.degraded(a, c, "", err)
			return r.e, err
		}
		if e != nil && (old == nil || e.Value != old.Value) && e.validAt(s.now()) {
			c.adopt(e)
			return e, nil
		}
		held, err := s.store.locked(ctx, c.lockKey)
		if err != nil {
			r, err := s.degraded(a, c, "", err)
			return r.e, err
		}
		if !held {
			return nil, nil
		}
		delay = min(delay*2, 100*time.Millisecond)
		t.Reset(delay)
	}
}
