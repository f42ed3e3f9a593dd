package token

import (
	"encoding/base64"
	"net/url"
	"time"

	"github.com/wxsuite/wxsuite/internal/platform/config"
)

// overlap is how long WeChat keeps the previous access token valid after issuing a new one.
const overlap = 5 * time.Minute

// Config is the `token` section of the configuration. Zero values mean the defaults.
type Config struct {
	// RefreshMargin is how long before expiry a credential is refreshed (default 3m).
	// RefreshMargin + RefreshJitter must stay below WeChat's five-minute overlap.
	RefreshMargin config.Duration `yaml:"refresh_margin"`
	// RefreshJitter is the largest random extra advance of the refresh point, spreading
	// the refreshes of many accounts (default 60s).
	RefreshJitter config.Duration `yaml:"refresh_jitter"`
	// LockTTL bounds how long one replica may hold an account's fetch lock (default 15s).
	// It must exceed the WeChat client's timeout.
	LockTTL config.Duration `yaml:"lock_ttl"`
	// WaitTimeout bounds how long a caller waits for another replica's fetch (default 15s).
	WaitTimeout config.Duration `yaml:"wait_timeout"`
	// MinForcedInterval is the least time between two forced refreshes of one account
	// (default 30s).
	MinForcedInterval config.Duration `yaml:"min_forced_interval"`
	// FailureBackoff is how long a failed fetch is remembered and answered without calling
	// WeChat again (default 5s).
	FailureBackoff config.Duration `yaml:"failure_backoff"`
	// CheckInterval is how often the refresher looks for credentials past their refresh
	// point (default 1s).
	CheckInterval config.Duration `yaml:"check_interval"`
	// KeyPrefix starts every Redis key (default "wxsuite").
	KeyPrefix string `yaml:"key_prefix"`
	// Warmup fetches every account's access token at start-up (default true).
	Warmup *bool `yaml:"warmup"`
	// OAuthAuthorizeURL is the web-authorization page BuildAuthorizeURL sends users to
	// (default https://open.weixin.qq.com/connect/oauth2/authorize). Point it at the
	// sandbox's /connect/oauth2/authorize in development and tests.
	OAuthAuthorizeURL string `yaml:"oauth_authorize_url"`
	// UserTokenKey is the AES-256-GCM key (32 bytes, standard base64) that encrypts the
	// users' OAuth access and refresh tokens in Redis (no default). The OAuthService RPCs
	// need it and fail with FailedPrecondition while it is unset; everything else works
	// without it. Changing it makes every stored user authorization unreadable: the users
	// must authorize again.
	UserTokenKey config.Secret `yaml:"user_token_key"`
}

// defaultAuthorizeURL is WeChat's web-authorization page.
const defaultAuthorizeURL = "https://open.weixin.qq.com/connect/oauth2/authorize"

// SetDefaults fills zero fields with their defaults.
func (c *Config) SetDefaults() {
	def := func(d *config.Duration, v time.Duration) {
		if *d == 0 {
			*d = config.Duration(v)
		}
	}
	def(&c.RefreshMargin, 3*time.Minute)
	def(&c.RefreshJitter, time.Minute)
	def(&c.LockTTL, 15*time.Second)
	def(&c.WaitTimeout, 15*time.Second)
	def(&c.MinForcedInterval, 30*time.Second)
	def(&c.FailureBackoff, 5*time.Second)
	def(&c.CheckInterval, time.Second)
	if c.KeyPrefix == "" {
		c.KeyPrefix = "wxsuite"
	}
	if c.Warmup == nil {
		t := true
		c.Warmup = &t
	}
	if c.OAuthAuthorizeURL == "" {
		c.OAuthAuthorizeURL = defaultAuthorizeURL
	}
}

// Validate checks the section; errors name the key.
func (c *Config) Validate() error {
	for _, d := range []struct {
		key string
		v   config.Duration
	}{
		{"refresh_margin", c.RefreshMargin}, {"refresh_jitter", c.RefreshJitter}, {"lock_ttl", c.LockTTL},
		{"wait_timeout", c.WaitTimeout}, {"min_forced_interval", c.MinForcedInterval},
		{"failure_backoff", c.FailureBackoff}, {"check_interval", c.CheckInterval},
	} {
		if d.v < 0 {
			return &config.FieldError{Key: d.key, Msg: "must not be negative"}
		}
	}
	if time.Duration(c.RefreshMargin+c.RefreshJitter) >= overlap {
		return &config.FieldError{Key: "refresh_margin", Msg: "refresh_margin + refresh_jitter must be below 5m, the time WeChat keeps the previous token valid"}
	}
	if u, err := url.Parse(c.OAuthAuthorizeURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return &config.FieldError{Key: "oauth_authorize_url", Msg: "want an absolute http(s) URL without query or fragment"}
	}
	if !c.UserTokenKey.IsZero() {
		if _, err := decodeUserTokenKey(c.UserTokenKey); err != nil {
			return &config.FieldError{Key: "user_token_key", Msg: err.Error()}
		}
	}
	return nil
}

// decodeUserTokenKey returns the 32 key bytes of user_token_key. Its errors never quote
// the key.
func decodeUserTokenKey(k config.Secret) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(k.Reveal())
	if err != nil {
		return nil, errUserTokenKeyFormat
	}
	if len(b) != 32 {
		return nil, errUserTokenKeyFormat
	}
	return b, nil
}
