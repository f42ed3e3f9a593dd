package proxy

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/wxsuite/wxsuite/internal/platform/config"
)

// Defaults applied by Config.SetDefaults.
const (
	// DefaultPathPrefix is where the proxy serves the platform's paths:
	// /wx/{app_id}/cgi-bin/… and /wx/cgi-bin/… (account chosen by the caller's key).
	DefaultPathPrefix = "/wx"
	// DefaultMaxBodyBytes bounds a request body (WeChat's largest uploads, permanent video
	// material, are 20 MB).
	DefaultMaxBodyBytes = 32 << 20
	// DefaultReplayBodyBytes is the largest request body kept in memory so that the call can
	// be sent again after WeChat rejected the token (40001/40014/42001).
	DefaultReplayBodyBytes = 1 << 20
	// DefaultTimeout bounds one proxied call, the upload and the download included.
	DefaultTimeout = 2 * time.Minute
	// DefaultFallbackExpiresIn is the expires_in answered for a token whose expiry the
	// TokenSource cannot tell: short, so that SDKs come back for a fresh one early (the
	// answer costs nothing: it never reaches WeChat).
	DefaultFallbackExpiresIn = 5 * time.Minute
)

// Config is the `proxy` section. The zero value is valid after SetDefaults.
type Config struct {
	// PathPrefix is the URL path under which the platform's API paths are served (default
	// "/wx"): PathPrefix/{app_id}/<platform path> for a named account, and
	// PathPrefix/<platform path> where the account is chosen by the caller's key (or the
	// appid of a token request).
	PathPrefix string `yaml:"path_prefix"`
	// Hosts are host names (without port) whose requests are all proxied with the
	// platform's paths at the root, the account chosen by the caller's key, for SDKs that
	// can change only the API host (default: none).
	Hosts []string `yaml:"hosts"`
	// MaxBodyBytes bounds a request body (default 32 MiB); larger bodies are refused with
	// 45001/45002 before anything is forwarded when their length is declared.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// ReplayBodyBytes is the largest request body kept in memory to resend the call after
	// a token refresh (default 1 MiB). Larger bodies are streamed; a call with one that
	// WeChat refuses for its token triggers the refresh but is not sent again.
	ReplayBodyBytes int64 `yaml:"replay_body_bytes"`
	// Timeout bounds one proxied call, upload and download included (default 2m).
	Timeout config.Duration `yaml:"timeout"`
	// DailyLimits are the platform's daily call limits per account by API path, added to
	// (or, with 0, removing) the documented ones the proxy knows (see DefaultDailyLimits).
	DailyLimits map[string]int64 `yaml:"daily_limits"`
	// RefuseAt, when above 0, makes the proxy answer 45009 itself once the calls it
	// forwarded today for an account and path reach this share of the path's daily limit
	// (e.g. 0.9). Default 0: calls are counted, never refused locally.
	RefuseAt float64 `yaml:"refuse_at"`
	// ExtraPaths are API paths served besides the platform's known ones (e.g. an API the
	// platform added after this release), each starting with "/".
	ExtraPaths []string `yaml:"extra_paths"`
	// KeyPrefix starts every Redis key of the proxy (default "wxsuite").
	KeyPrefix string `yaml:"key_prefix"`
	// FallbackExpiresIn is the expires_in of a token answer when the TokenSource cannot tell
	// the token's expiry (default 5m).
	FallbackExpiresIn config.Duration `yaml:"fallback_expires_in"`
}

// DefaultDailyLimits returns the daily per-account limits the platform documents, by API
// path (the platform digest: conditional menus 2000 adds, 2000 deletes, 20000 try-matches;
// template messages 100000; mass sends and previews 100). The token endpoints are left out:
// the proxy answers them itself. The map is new on every call.
func DefaultDailyLimits() map[string]int64 {
	return map[string]int64{
		"/cgi-bin/menu/addconditional":   2000,
		"/cgi-bin/menu/delconditional":   2000,
		"/cgi-bin/menu/trymatch":         20000,
		"/cgi-bin/message/template/send": 100000,
		"/cgi-bin/message/mass/sendall":  100,
		"/cgi-bin/message/mass/send":     100,
		"/cgi-bin/message/mass/preview":  100,
	}
}

// SetDefaults fills zero fields with their defaults.
func (c *Config) SetDefaults() {
	if c.PathPrefix == "" {
		c.PathPrefix = DefaultPathPrefix
	}
	c.PathPrefix = strings.TrimRight(c.PathPrefix, "/")
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.ReplayBodyBytes == 0 {
		c.ReplayBodyBytes = DefaultReplayBodyBytes
	}
	if c.Timeout == 0 {
		c.Timeout = config.Duration(DefaultTimeout)
	}
	if c.KeyPrefix == "" {
		c.KeyPrefix = "wxsuite"
	}
	if c.FallbackExpiresIn == 0 {
		c.FallbackExpiresIn = config.Duration(DefaultFallbackExpiresIn)
	}
}

// Validate checks the section after SetDefaults; errors name the key relative to the
// section.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &config.FieldError{Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	if !strings.HasPrefix(c.PathPrefix, "/") || strings.ContainsAny(c.PathPrefix, "{}?# ") || strings.Contains(c.PathPrefix, "//") {
		bad("path_prefix", "must be a URL path such as /wx (starting with /, without {}?#, spaces or //), got %q", c.PathPrefix)
	}
	if c.PathPrefix != "" && platformRoot(c.PathPrefix) {
		bad("path_prefix", "%q would hide the platform path it starts with; choose another prefix", c.PathPrefix)
	}
	for i, h := range c.Hosts {
		if h == "" || strings.ContainsAny(h, "/:{}[] ") {
			bad(config.JoinKey("hosts", i), "must be a host name without port or path, got %q", h)
		}
	}
	if c.MaxBodyBytes < 0 {
		bad("max_body_bytes", "must not be negative")
	}
	if c.ReplayBodyBytes < 0 {
		bad("replay_body_bytes", "must not be negative")
	}
	if c.ReplayBodyBytes > c.MaxBodyBytes {
		bad("replay_body_bytes", "must not exceed max_body_bytes (%d)", c.MaxBodyBytes)
	}
	if c.Timeout < 0 {
		bad("timeout", "must not be negative")
	}
	if c.FallbackExpiresIn < 0 || time.Duration(c.FallbackExpiresIn) > 2*time.Hour {
		bad("fallback_expires_in", "must be between 0 and 2h")
	}
	if c.RefuseAt < 0 || c.RefuseAt > 1 || math.IsNaN(c.RefuseAt) {
		bad("refuse_at", "must be a share between 0 (off) and 1, got %v", c.RefuseAt)
	}
	for p, n := range c.DailyLimits {
		key := config.JoinKey("daily_limits", p)
		if !strings.HasPrefix(p, "/") {
			bad(key, "must be an API path starting with /")
		}
		if n < 0 {
			bad(key, "must not be negative (0 removes the limit)")
		}
	}
	for i, p := range c.ExtraPaths {
		if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "?# ") || strings.Contains(p, "..") || strings.Contains(p, "//") {
			bad(config.JoinKey("extra_paths", i), "must be an API path such as /cgi-bin/new/api, got %q", p)
		}
	}
	return errors.Join(errs...)
}

// limits returns the effective daily limits: the documented ones with DailyLimits applied.
func (c *Config) limits() map[string]int64 {
	m := DefaultDailyLimits()
	for p, n := range c.DailyLimits {
		if n == 0 {
			delete(m, p)
			continue
		}
		m[p] = n
	}
	return m
}
