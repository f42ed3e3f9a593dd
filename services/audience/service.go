package audience

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Params are the inputs of New.
type Params struct {
	// Config is the `audience` section (defaults applied by New).
	Config Config
	// Accounts are the configured accounts; other app_ids are NotFound.
	Accounts config.Accounts
	// WeChat is the shared WeChat API client. Required.
	WeChat *wechat.Client
	// HTTPClient fetches QR code images from Config.QRCodeImageURL (default: a client
	// with Config.ImageTimeout).
	HTTPClient *http.Client
	// Logger receives the service's logs (nil discards them).
	Logger *slog.Logger
	// Now is the clock of QR code expiry times (default time.Now).
	Now func() time.Time
}

// Service implements the audience RPCs on top of the WeChat client. It is safe for
// concurrent use.
type Service struct {
	cfg      Config
	accounts map[string]bool
	wc       *wechat.Client
	http     *http.Client
	log      *slog.Logger
	now      func() time.Time
}

// New returns a Service; the error names the configuration key at fault.
func New(p Params) (*Service, error) {
	cfg := p.Config
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, config.Nest(config.SectionAudience, err)
	}
	if p.WeChat == nil {
		return nil, fmt.Errorf("audience: a WeChat client is required")
	}
	s := &Service{cfg: cfg, accounts: make(map[string]bool, len(p.Accounts)), wc: p.WeChat,
		http: p.HTTPClient, log: p.Logger, now: p.Now}
	for _, a := range p.Accounts {
		s.accounts[a.AppID] = true
	}
	if s.http == nil {
		s.http = &http.Client{Timeout: time.Duration(cfg.ImageTimeout)}
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

// maxOpenIDLen bounds openids: real ones are 28 characters; the bound leaves room for
// other shapes without letting arbitrary text through.
const maxOpenIDLen = 64

// openIDChars are the characters of openids.
const openIDChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

// checkOpenID refuses a missing or malformed openid in field.
func checkOpenID(field, openID string) error {
	switch {
	case openID == "":
		return &ArgumentError{Field: field, Reason: "is required"}
	case len(openID) > maxOpenIDLen || strings.Trim(openID, openIDChars) != "":
		return &ArgumentError{Field: field, Reason: fmt.Sprintf("must be 1 to %d characters of [A-Za-z0-9_-], got %q", maxOpenIDLen, clip(openID))}
	}
	return nil
}

// checkCursor refuses a malformed paging cursor (empty is the first page).
func checkCursor(field, openID string) error {
	if openID == "" {
		return nil
	}
	return checkOpenID(field, openID)
}

// checkOpenIDs refuses an empty list or a malformed openid in it.
func checkOpenIDs(field string, openIDs []string) error {
	if len(openIDs) == 0 {
		return &ArgumentError{Field: field, Reason: "must hold at least one openid"}
	}
	for i, id := range openIDs {
		if err := checkOpenID(fmt.Sprintf("%s[%d]", field, i), id); err != nil {
			return err
		}
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

// inBatches calls do for consecutive slices of items of at most size, in order, and
// stops at the first failure with a *BatchError saying how far it got. It returns the
// number of calls made.
func inBatches[T any](ctx context.Context, op string, items []T, size int, do func(ctx context.Context, batch []T) error) (int, error) {
	calls := (len(items) + size - 1) / size
	for i := 0; i < calls; i++ {
		lo, hi := i*size, min((i+1)*size, len(items))
		if err := do(ctx, items[lo:hi]); err != nil {
			return i, &BatchError{Op: op, Call: i + 1, Calls: calls, Done: lo, Total: len(items), Err: err}
		}
	}
	return calls, nil
}

// envelope is the errcode answer of the calls that return nothing else (the client has
// already turned a non-zero errcode into an error).
type envelope struct {
	Errcode int    `json:"errcode"`
	Errmsg  string `json:"errmsg"`
}

// timeUnix is the time of a Unix timestamp in seconds.
func timeUnix(sec int64) time.Time { return time.Unix(sec, 0) }
