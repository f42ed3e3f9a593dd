package token

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"time"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Errcodes with a special meaning for token fetches.
const (
	errcodeQuota      = 45009 // out of token fetches for the day
	errcodeRefusedDay = 89506 // administrator refused the IP twice in 24 h: blocked 24 h
	errcodeRefusedHr  = 89507 // administrator refused the IP once in 1 h: blocked 1 h
)

// tokenResponse is the answer of /cgi-bin/token and /cgi-bin/stable_token.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
}

// ticketResponse is the answer of /cgi-bin/ticket/getticket.
type ticketResponse struct {
	Ticket    string `json:"ticket"`
	ExpiresIn int64  `json:"expires_in"`
}

// stableTokenRequest is the body of /cgi-bin/stable_token.
type stableTokenRequest struct {
	GrantType    string `json:"grant_type"`
	AppID        string `json:"appid"`
	Secret       string `json:"secret"`
	ForceRefresh bool   `json:"force_refresh"`
}

// fetch asks WeChat for a new value of c. force is set for a passive refresh of the
// current token (stable_token's force_refresh).
func (s *Service) fetch(ctx context.Context, a *account, c *cred, force bool) (*entry, error) {
	start := s.now()
	var (
		value     string
		expiresIn int64
		err       error
	)
	switch c.kind {
	case kindAccessToken:
		var r tokenResponse
		if a.cfg.TokenEndpoint == config.TokenEndpointStable {
			err = s.wx.Do(ctx, &wechat.Request{
				AppID: a.cfg.AppID, Method: http.MethodPost, Path: "/cgi-bin/stable_token", NoToken: true,
				Body: stableTokenRequest{GrantType: "client_credential", AppID: a.cfg.AppID, Secret: a.cfg.AppSecret.Reveal(), ForceRefresh: force},
				// Asking again is harmless without force_refresh.
				Idempotent: !force,
			}, &r)
		} else {
			err = s.wx.Do(ctx, &wechat.Request{
				AppID: a.cfg.AppID, Method: http.MethodGet, Path: "/cgi-bin/token", NoToken: true,
				Query: url.Values{"grant_type": {"client_credential"}, "appid": {a.cfg.AppID}, "secret": {a.cfg.AppSecret.Reveal()}},
			}, &r)
		}
		value, expiresIn = r.AccessToken, r.ExpiresIn
	default:
		typ := "jsapi"
		if c.kind == kindWXCard {
			typ = "wx_card"
		}
		var r ticketResponse
		err = s.wx.Do(ctx, &wechat.Request{
			AppID: a.cfg.AppID, Method: http.MethodGet, Path: "/cgi-bin/ticket/getticket",
			Query: url.Values{"type": {typ}},
		}, &r)
		value, expiresIn = r.Ticket, r.ExpiresIn
	}
	result := "ok"
	defer func() { s.metrics.fetches.WithLabelValues(a.cfg.AppID, string(c.kind), result).Inc() }()
	if err != nil {
		result = "error"
		return nil, &FetchError{AppID: a.cfg.AppID, Kind: c.kind, Err: err}
	}
	if value == "" || expiresIn <= 0 {
		result = "error"
		return nil, &FetchError{AppID: a.cfg.AppID, Kind: c.kind, Err: errors.New("WeChat answered without a value or expires_in")}
	}
	// Count the lifetime from before the request: the value may be a little older than
	// its expires_in says by the time it arrives.
	life := time.Duration(expiresIn) * time.Second
	exp := start.Add(life)
	refreshAt := exp.Add(-time.Duration(s.cfg.RefreshMargin))
	if j := int64(s.cfg.RefreshJitter); j > 0 {
		refreshAt = refreshAt.Add(-time.Duration(rand.Int64N(j)))
	}
	// A short-lived value (e.g. a stable token near its end) is still used for half its life.
	if half := start.Add(life / 2); refreshAt.Before(half) {
		refreshAt = half
	}
	return &entry{Value: value, ExpiresAt: exp.UnixMilli(), RefreshAt: refreshAt.UnixMilli(), FetchedAt: start.UnixMilli()}, nil
}

// recordSuccess updates the local and shared status after a successful fetch.
func (s *Service) recordSuccess(ctx context.Context, a *account, c *cred, e *entry) {
	c.mu.Lock()
	c.st.LastRefresh = e.FetchedAt
	c.st.BlockedUntil = 0
	c.failUntil, c.failErr = time.Time{}, nil
	st := c.st
	c.mu.Unlock()
	if err := s.store.putStatus(ctx, a.keys.status(), c.kind, st); err != nil {
		s.log.Debug("write token status", "app_id", a.cfg.AppID, "err", err)
	}
}

// recordFailure remembers a failed fetch locally and in Redis, and applies the blocks
// WeChat imposes.
func (s *Service) recordFailure(ctx context.Context, a *account, c *cred, err error) {
	now := s.now()
	code, _ := wechat.Code(err)
	c.mu.Lock()
	c.st.LastErrorTime = now.UnixMilli()
	c.st.LastErrcode = code
	c.st.LastError = err.Error()
	c.st.Errmsg, c.st.Path = "", ""
	if werr := (*wechat.Error)(nil); errors.As(err, &werr) {
		c.st.Errmsg, c.st.Path = werr.Msg, werr.Path
	}
	switch code {
	case errcodeRefusedDay:
		c.st.BlockedUntil = now.Add(24 * time.Hour).UnixMilli()
	case errcodeRefusedHr:
		c.st.BlockedUntil = now.Add(time.Hour).UnixMilli()
	}
	c.failUntil, c.failErr = now.Add(time.Duration(s.cfg.FailureBackoff)), err
	st := c.st
	c.mu.Unlock()
	if code == errcodeQuota {
		s.log.Error("WeChat refused the token fetch: the account is out of token fetches for today; the current token is served while it lives",
			"app_id", a.cfg.AppID, "kind", string(c.kind))
	}
	if err := s.store.putStatus(ctx, a.keys.status(), c.kind, st); err != nil {
		s.log.Debug("write token status", "app_id", a.cfg.AppID, "err", err)
	}
}

// sharedFailure returns the failure another replica recorded for c within the failure
// backoff, so that a failing fetch is not repeated by every replica.
func (s *Service) sharedFailure(ctx context.Context, a *account, c *cred) error {
	sts, err := s.store.statuses(ctx, a.keys.status())
	if err != nil {
		return nil
	}
	st, ok := sts[c.kind]
	now := s.now()
	if !ok || st.LastErrorTime == 0 || now.Sub(time.UnixMilli(st.LastErrorTime)) > time.Duration(s.cfg.FailureBackoff) {
		return nil
	}
	var cause error
	if st.LastErrcode != 0 {
		cause = &wechat.Error{Code: st.LastErrcode, Msg: st.Errmsg, Path: st.Path, AppID: a.cfg.AppID}
	} else {
		cause = fmt.Errorf("another replica's fetch failed: %s", st.LastError)
	}
	c.mu.Lock()
	c.st = st
	c.failUntil, c.failErr = time.UnixMilli(st.LastErrorTime).Add(time.Duration(s.cfg.FailureBackoff)), &FetchError{AppID: a.cfg.AppID, Kind: c.kind, Err: cause}
	err = c.failErr
	c.mu.Unlock()
	return err
}
