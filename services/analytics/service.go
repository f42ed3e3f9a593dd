package analytics

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Params are the inputs of New.
type Params struct {
	// Config is the `analytics` section (defaults applied by New).
	Config Config
	// Accounts are the configured accounts; other app_ids are NotFound.
	Accounts config.Accounts
	// WeChat is the shared WeChat API client. Required.
	WeChat *wechat.Client
	// Logger receives the service's logs (nil discards them).
	Logger *slog.Logger
	// Now is the clock that says which day is yesterday (default time.Now).
	Now func() time.Time
}

// Service implements the analytics RPCs on top of the WeChat client. It is safe for
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
		return nil, config.Nest(config.SectionAnalytics, err)
	}
	if p.WeChat == nil {
		return nil, fmt.Errorf("analytics: a WeChat client is required")
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
