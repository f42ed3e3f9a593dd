package tokensource

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/wxsuite/wxsuite/internal/platform/config"
)

// Protocols accepted in RemoteConfig.Protocol.
const (
	// ProtocolConnect is the Connect protocol over HTTP/1.1 or HTTP/2 (the default).
	ProtocolConnect = "connect"
	// ProtocolGRPC is gRPC over HTTP/2 (cleartext HTTP/2 for http:// URLs).
	ProtocolGRPC = "grpc"
)

// DefaultMargin is how long before its expiry a token is dropped from the local cache.
const DefaultMargin = 60 * time.Second

// RemoteConfig configures Remote, the client of a token service in another process.
type RemoteConfig struct {
	// URL is the token service's base URL, e.g. "http://wxsuite-token:8080" (required).
	URL string `yaml:"url"`
	// Margin is how long before expires_at a cached token is fetched again (default 60s).
	Margin config.Duration `yaml:"margin"`
	// APIKey, when set, is sent as "Authorization: Bearer <key>" (needs the token scope).
	APIKey config.Secret `yaml:"api_key"`
	// Protocol is "connect" (default) or "grpc".
	Protocol string `yaml:"protocol"`
}

// SetDefaults fills zero fields with their defaults.
func (c *RemoteConfig) SetDefaults() {
	if c.Margin == 0 {
		c.Margin = config.Duration(DefaultMargin)
	}
	if c.Protocol == "" {
		c.Protocol = ProtocolConnect
	}
}

// Validate checks the config after SetDefaults; errors name the offending key.
func (c *RemoteConfig) Validate() error {
	var errs []error
	if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, &config.FieldError{Key: "url", Msg: "must be an absolute http(s) URL"})
	}
	if c.Margin < 0 {
		errs = append(errs, &config.FieldError{Key: "margin", Msg: "must not be negative"})
	}
	if c.Protocol != ProtocolConnect && c.Protocol != ProtocolGRPC {
		errs = append(errs, &config.FieldError{Key: "protocol", Msg: fmt.Sprintf("must be %q or %q, got %q", ProtocolConnect, ProtocolGRPC, c.Protocol)})
	}
	return errors.Join(errs...)
}
