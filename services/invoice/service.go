package invoice

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Params are the inputs of New.
type Params struct {
	// Config is the `invoice` section (defaults applied by New).
	Config Config
	// Accounts are the configured accounts; other app_ids are NotFound.
	Accounts config.Accounts
	// WeChat is the shared WeChat API client. Required.
	WeChat *wechat.Client
	// Logger receives the service's logs (nil discards them).
	Logger *slog.Logger
	// Now is the clock of default timestamps (default time.Now).
	Now func() time.Time
}

// Service implements the invoice RPCs on top of the WeChat client. It is safe for
// concurrent use.
type Service struct {
	cfg      Config
	accounts map[string]bool
	wc       *wechat.Client
	log      *slog.Logger
	now      func() time.Time
}

// New returns a Service; the error names the configuration key at fault.
func New(p Params) (*Service, error) {
	cfg := p.Config
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, config.Nest(config.SectionInvoice, err)
	}
	if p.WeChat == nil {
		return nil, fmt.Errorf("invoice: a WeChat client is required")
	}
	s := &Service{cfg: cfg, accounts: make(map[string]bool, len(p.Accounts)), wc: p.WeChat, log: p.Logger, now: p.Now}
	for _, a := range p.Accounts {
		s.accounts[a.AppID] = true
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s, nil
}

// checkAccount refuses an empty or unconfigured app_id.
func (s *Service) checkAccount(appID string) error {
	if appID == "" {
		return &ArgumentError{Field: "app_id", Reason: "is required"}
	}
	if !s.accounts[appID] {
		return &UnknownAccountError{AppID: appID}
	}
	return nil
}

// post calls path with body as JSON and decodes the answer into out (may be nil).
func (s *Service) post(ctx context.Context, appID, path string, query url.Values, body, out any, idempotent bool) error {
	if out == nil {
		out = &struct{}{}
	}
	return s.wc.Do(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: path, Query: query, Body: body,
		Idempotent: idempotent}, out)
}

// check is one validation rule; the first failing rule of a request is reported.
type check func() error

// firstError runs the checks in order and returns the first failure.
func firstError(checks ...check) error {
	for _, c := range checks {
		if err := c(); err != nil {
			return err
		}
	}
	return nil
}

// required refuses an empty or blank v.
func required(field, v string) check {
	return func() error {
		if strings.TrimSpace(v) == "" {
			return &ArgumentError{Field: field, Reason: "is required"}
		}
		return nil
	}
}

// maxLen refuses v longer than n characters (or not UTF-8).
func maxLen(field, v string, n int) check {
	return func() error {
		if !utf8.ValidString(v) {
			return &ArgumentError{Field: field, Reason: "must be UTF-8"}
		}
		if c := utf8.RuneCountInString(v); c > n {
			return &ArgumentError{Field: field, Reason: fmt.Sprintf("must be at most %d characters, got %d", n, c)}
		}
		return nil
	}
}

// httpURL refuses a v that is set but not an absolute http(s) URL; required makes it
// mandatory.
func httpURL(field, v string, isRequired bool) check {
	return func() error {
		if v == "" {
			if isRequired {
				return &ArgumentError{Field: field, Reason: "is required"}
			}
			return nil
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &ArgumentError{Field: field, Reason: fmt.Sprintf("must be an absolute http(s) URL, got %q", clip(v))}
		}
		return nil
	}
}

// notNegative refuses v < 0.
func notNegative(field string, v int64) check {
	return func() error {
		if v < 0 {
			return &ArgumentError{Field: field, Reason: fmt.Sprintf("must not be negative, got %d", v)}
		}
		return nil
	}
}

// maxOpenIDLen bounds openids: real ones are 28 characters.
const maxOpenIDLen = 64

// openIDChars are the characters of openids.
const openIDChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

// openID refuses a missing or malformed openid.
func openID(field, v string) check {
	return func() error {
		switch {
		case v == "":
			return &ArgumentError{Field: field, Reason: "is required"}
		case len(v) > maxOpenIDLen || strings.Trim(v, openIDChars) != "":
			return &ArgumentError{Field: field, Reason: fmt.Sprintf("must be 1 to %d characters of [A-Za-z0-9_-], got %q", maxOpenIDLen, clip(v))}
		}
		return nil
	}
}

// clip shortens v for an error message.
func clip(v string) string {
	const n = 70
	if len(v) <= n {
		return v
	}
	return v[:n] + "…"
}

// b2i is the platform's 0/1 for a bool.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
