package content

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Params are New's inputs.
type Params struct {
	// Config is the `content` section (defaults applied by New).
	Config Config
	// Accounts are the configured accounts; calls for others are NotFound.
	Accounts config.Accounts
	// WeChat is the shared WeChat client (with its token source). Required.
	WeChat *wechat.Client
	// Logger receives the service's logs (nil discards them).
	Logger *slog.Logger
	// Now is the clock of expiry times (default time.Now).
	Now func() time.Time
}

// Service is the content domain: temporary media, permanent material and comments.
type Service struct {
	cfg      Config
	accounts config.Accounts
	wc       *wechat.Client
	log      *slog.Logger
	now      func() time.Time
}

// New validates p and returns the service.
func New(p Params) (*Service, error) {
	cfg := p.Config
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, config.Nest("content", err)
	}
	if p.WeChat == nil {
		return nil, &ArgumentError{Field: "Params.WeChat", Reason: "is required"}
	}
	log := p.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := p.Now
	if now == nil {
		now = time.Now
	}
	return &Service{cfg: cfg, accounts: p.Accounts, wc: p.WeChat, log: log, now: now}, nil
}

// checkAccount refuses an empty or unconfigured app_id.
func (s *Service) checkAccount(appID string) error {
	if strings.TrimSpace(appID) == "" {
		return &ArgumentError{Field: "app_id", Reason: "is required"}
	}
	if _, ok := s.accounts.Find(appID); !ok {
		return &UnknownAccountError{AppID: appID}
	}
	return nil
}

// call sends req for appID and wraps a failure in a *CallError named op (an
// *ArgumentError raised while the body was produced is returned as is).
func (s *Service) call(ctx context.Context, op string, req *wechat.Request, out any) error {
	if err := s.wc.Do(ctx, req, out); err != nil {
		return &CallError{AppID: req.AppID, Op: op, Err: err}
	}
	return nil
}

// require returns an *ArgumentError for an empty value of field.
func require(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return &ArgumentError{Field: field, Reason: "is required"}
	}
	return nil
}
