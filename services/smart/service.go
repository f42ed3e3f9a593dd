package smart

import (
	"fmt"
	"log/slog"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Params are the inputs of New.
type Params struct {
	// Accounts are the configured accounts; other app_ids are NotFound.
	Accounts config.Accounts
	// WeChat is the shared WeChat API client. Required.
	WeChat *wechat.Client
	// Logger receives the service's logs (nil discards them).
	Logger *slog.Logger
}

// Service implements the smart RPCs on top of the WeChat client. It is safe for
// concurrent use.
type Service struct {
	accounts map[string]bool
	wc       *wechat.Client
	log      *slog.Logger
}

// New returns a Service.
func New(p Params) (*Service, error) {
	if p.WeChat == nil {
		return nil, fmt.Errorf("smart: a WeChat client is required")
	}
	s := &Service{accounts: make(map[string]bool, len(p.Accounts)), wc: p.WeChat, log: p.Logger}
	for _, a := range p.Accounts {
		s.accounts[a.AppID] = true
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
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

// clip shortens s for an error message.
func clip(s string) string {
	const n = 70
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
