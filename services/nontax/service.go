package nontax

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

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

// Service implements the nontax RPCs on top of the WeChat client. It is safe for
// concurrent use.
type Service struct {
	accounts map[string]bool
	wc       *wechat.Client
	log      *slog.Logger
}

// New returns a Service.
func New(p Params) (*Service, error) {
	if p.WeChat == nil {
		return nil, fmt.Errorf("nontax: a WeChat client is required")
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

// post sends body to path for appID and decodes the answer into out.
func (s *Service) post(ctx context.Context, appID, path string, idempotent bool, body, out any) error {
	return s.wc.Do(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: path, Body: body,
		Idempotent: idempotent}, out)
}

// Bounds of free-text and identifier fields (the platform documents none; these keep
// arbitrary text out without refusing real values).
const (
	maxIDLen   = 64  // codes, numbers and ids
	maxTextLen = 128 // names and descriptions, in characters
	maxURLLen  = 1024
)

// checker collects the first problem of a request.
type checker struct{ err error }

func (c *checker) fail(field, reason string) {
	if c.err == nil {
		c.err = &ArgumentError{Field: field, Reason: reason}
	}
}

// required checks a required identifier: non-empty, at most maxIDLen bytes, no spaces
// or control characters.
func (c *checker) required(field, v string) {
	if v == "" {
		c.fail(field, "is required")
		return
	}
	c.optional(field, v)
}

// optional checks an optional identifier.
func (c *checker) optional(field, v string) {
	switch {
	case len(v) > maxIDLen:
		c.fail(field, fmt.Sprintf("must be at most %d bytes, got %d", maxIDLen, len(v)))
	case strings.ContainsFunc(v, func(r rune) bool { return r <= ' ' || r == 0x7f }) || !utf8.ValidString(v):
		c.fail(field, fmt.Sprintf("must be UTF-8 without spaces or control characters, got %q", clip(v)))
	}
}

// text checks a free text of at most maxTextLen characters; required refuses "".
func (c *checker) text(field, v string, required bool) {
	switch n := utf8.RuneCountInString(v); {
	case required && strings.TrimSpace(v) == "":
		c.fail(field, "is required")
	case !utf8.ValidString(v):
		c.fail(field, "must be UTF-8")
	case n > maxTextLen:
		c.fail(field, fmt.Sprintf("must be at most %d characters, got %d", maxTextLen, n))
	}
}

// fen checks a positive amount of money in fen.
func (c *checker) fen(field string, v int64) {
	if v <= 0 {
		c.fail(field, fmt.Sprintf("must be a positive number of fen, got %d", v))
	}
}

var regionCode = regexp.MustCompile(`^[0-9]{6,12}$`)

// region checks an administrative region code: 6 to 12 digits.
func (c *checker) region(field, v string) {
	switch {
	case v == "":
		c.fail(field, "is required")
	case !regionCode.MatchString(v):
		c.fail(field, fmt.Sprintf("must be 6 to 12 digits (行政区划代码), got %q", clip(v)))
	}
}

// date checks a YYYYMMDD day; required refuses "".
func (c *checker) date(field, v string, required bool) {
	if v == "" {
		if required {
			c.fail(field, "is required")
		}
		return
	}
	if _, err := time.Parse("20060102", v); err != nil || len(v) != 8 {
		c.fail(field, fmt.Sprintf("must be a day as YYYYMMDD, got %q", clip(v)))
	}
}

// url checks an absolute http(s) URL; required refuses "".
func (c *checker) url(field, v string, required bool) {
	if v == "" {
		if required {
			c.fail(field, "is required")
		}
		return
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(v) > maxURLLen {
		c.fail(field, fmt.Sprintf("must be an absolute http(s) URL of at most %d bytes", maxURLLen))
	}
}

// noticeType checks a payment notice type: 0 (left out), 1 or 2.
func (c *checker) noticeType(field string, v int32) {
	if v != 0 && v != 1 && v != 2 {
		c.fail(field, fmt.Sprintf("must be 1 (ordinary) or 2 (penalty), got %d", v))
	}
}

// ip checks an IPv4 or IPv6 address.
func (c *checker) ip(field, v string) {
	switch {
	case v == "":
		c.fail(field, "is required")
	case net.ParseIP(v) == nil:
		c.fail(field, fmt.Sprintf("must be an IPv4 or IPv6 address, got %q", clip(v)))
	}
}

// openIDChars are the characters of openids.
const openIDChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

// openID checks an openid; required refuses "".
func (c *checker) openID(field, v string, required bool) {
	switch {
	case v == "":
		if required {
			c.fail(field, "is required")
		}
	case len(v) > maxIDLen || strings.Trim(v, openIDChars) != "":
		c.fail(field, fmt.Sprintf("must be 1 to %d characters of [A-Za-z0-9_-], got %q", maxIDLen, clip(v)))
	}
}

// clip shortens s for an error message.
func clip(s string) string {
	const n = 70
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
