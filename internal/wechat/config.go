package wechat

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/wxsuite/wxsuite/internal/platform/config"
)

// Base URLs of the WeChat API server.
const (
	// DefaultBaseURL is the primary API domain.
	DefaultBaseURL = "https://api.weixin.qq.com"
	// DisasterRecoveryURL is the domain the platform documents for failover (api2).
	DisasterRecoveryURL = "https://api2.weixin.qq.com"
)

// Defaults applied by Config.SetDefaults.
const (
	// DefaultTimeout bounds one HTTP request to WeChat.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxRetries is the number of extra attempts after a retryable failure.
	DefaultMaxRetries = 2
	// DefaultRetryBackoff is the delay before the first retry; it doubles on each later one.
	DefaultRetryBackoff = 200 * time.Millisecond
)

// regionURL returns the regional API domain selected by Config.Region.
func regionURL(region string) (string, bool) {
	switch region {
	case "sh", "sz", "hk":
		return "https://" + region + ".api.weixin.qq.com", true
	}
	return "", false
}

// Config is the `wechat` configuration section. The zero value is valid after SetDefaults
// and points at the production API with api2 as the failover domain.
type Config struct {
	// BaseURL is the API server (default "https://api.weixin.qq.com", or the regional
	// domain when Region is set). Point it at the sandbox in development.
	BaseURL string `yaml:"base_url"`
	// FallbackURLs are tried in order when BaseURL cannot be reached (connection or DNS
	// failure). Default: ["https://api2.weixin.qq.com"] when BaseURL is the default, none
	// otherwise. An explicit empty list disables failover.
	FallbackURLs []string `yaml:"fallback_urls"`
	// Region selects a regional domain as BaseURL: "" (none, default), "sh", "sz" or "hk".
	// It cannot be combined with a different BaseURL.
	Region string `yaml:"region"`
	// Timeout bounds each HTTP request to WeChat (default 10s); an earlier context
	// deadline wins.
	Timeout config.Duration `yaml:"timeout"`
	// MaxRetries is the number of extra attempts after a retryable failure (default 2;
	// negative disables retries).
	MaxRetries int `yaml:"max_retries"`
	// RetryBackoff is the delay before the first retry (default 200ms); later retries
	// double it, with jitter, up to 5s.
	RetryBackoff config.Duration `yaml:"retry_backoff"`
}

// SetDefaults fills zero fields with their defaults.
func (c *Config) SetDefaults() {
	if c.BaseURL == "" {
		if u, ok := regionURL(c.Region); ok {
			c.BaseURL = u
		} else {
			c.BaseURL = DefaultBaseURL
		}
	}
	if c.FallbackURLs == nil && c.BaseURL == DefaultBaseURL {
		c.FallbackURLs = []string{DisasterRecoveryURL}
	}
	if c.Timeout == 0 {
		c.Timeout = config.Duration(DefaultTimeout)
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = DefaultMaxRetries
	}
	if c.RetryBackoff == 0 {
		c.RetryBackoff = config.Duration(DefaultRetryBackoff)
	}
}

// Validate checks the section after SetDefaults. Each error names the offending key
// relative to the section (e.g. "base_url: must be an absolute http(s) URL"); several are
// joined with errors.Join.
func (c *Config) Validate() error {
	var errs []error
	if err := checkBaseURL(c.BaseURL); err != nil {
		errs = append(errs, &config.FieldError{Key: "base_url", Msg: err.Error()})
	}
	for i, u := range c.FallbackURLs {
		if err := checkBaseURL(u); err != nil {
			errs = append(errs, &config.FieldError{Key: config.JoinKey("fallback_urls", i), Msg: err.Error()})
		}
	}
	if c.Region != "" {
		u, ok := regionURL(c.Region)
		switch {
		case !ok:
			errs = append(errs, &config.FieldError{Key: "region", Msg: fmt.Sprintf("must be one of sh, sz, hk or empty, got %q", c.Region)})
		case c.BaseURL != u:
			errs = append(errs, &config.FieldError{Key: "region", Msg: fmt.Sprintf("%q selects %s but base_url is %s; set only one", c.Region, u, c.BaseURL)})
		}
	}
	if c.Timeout < 0 {
		errs = append(errs, &config.FieldError{Key: "timeout", Msg: "must not be negative"})
	}
	if c.RetryBackoff < 0 {
		errs = append(errs, &config.FieldError{Key: "retry_backoff", Msg: "must not be negative"})
	}
	return errors.Join(errs...)
}

func checkBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("must be an absolute http(s) URL")
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return errors.New("must not carry a query, fragment or user info")
	}
	return nil
}
