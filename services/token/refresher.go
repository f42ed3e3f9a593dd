package token

import (
	"context"
	"sync"
	"time"
)

// refresher is the background loop that refreshes credentials before they expire, so that
// callers are answered from cache.
type refresher struct {
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

// Start launches the proactive refresher. With warmup on, it fetches every account's
// access token at once. Start returns immediately; errors are logged, once per distinct
// error and credential.
func (s *Service) Start(context.Context) error {
	if *s.cfg.Warmup {
		for _, a := range s.accounts {
			a.token.requested.Store(true)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.refresher.cancel = cancel
	s.refresher.done = make(chan struct{})
	go s.refreshLoop(ctx)
	return nil
}

// Stop ends the refresher and waits for it, bounded by ctx.
func (s *Service) Stop(ctx context.Context) error {
	if s.refresher.cancel == nil {
		return nil
	}
	s.refresher.once.Do(s.refresher.cancel)
	select {
	case <-s.refresher.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Service) refreshLoop(ctx context.Context) {
	defer close(s.refresher.done)
	t := time.NewTicker(time.Duration(s.cfg.CheckInterval))
	defer t.Stop()
	for {
		s.refreshDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// refreshDue refreshes every requested credential that is past its refresh point. Each
// runs in its own goroutine so that one slow account does not hold up the others; the
// process-wide flight keeps it to one fetch per credential.
func (s *Service) refreshDue(ctx context.Context) {
	var wg sync.WaitGroup
	now := s.now()
	for _, id := range s.order {
		a := s.accounts[id]
		for _, c := range a.creds() {
			if !c.requested.Load() || c.cur.Load().freshAt(now) {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.fly(ctx, a, c, "")
				s.logRefresh(a, c, err)
			}()
		}
	}
	wg.Wait()
}

// logRefresh logs a background refresh failure once per distinct error, and the recovery.
func (s *Service) logRefresh(a *account, c *cred, err error) {
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	c.mu.Lock()
	changed := msg != c.lastLog
	c.lastLog = msg
	c.mu.Unlock()
	switch {
	case !changed:
	case err != nil:
		s.log.Warn("background credential refresh failed", "app_id", a.cfg.AppID, "kind", string(c.kind), "err", err)
	default:
		s.log.Info("background credential refresh recovered", "app_id", a.cfg.AppID, "kind", string(c.kind))
	}
}
