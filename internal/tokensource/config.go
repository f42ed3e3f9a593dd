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
	// TLS configures the connection to an https:// URL: the CA that signed the token
	// service's certificate and, when that service requires client certificates (its
	// server.tls.client_ca_file), the certificate this process presents.
	TLS TLSConfig `yaml:"tls"`
}

// TLSConfig is the `token_source.tls` section. The files are read once, by NewRemote.
type TLSConfig struct {
	// CAFile is a PEM bundle of the CAs trusted to sign the token service's certificate
	// (default: the system's roots).
	CAFile string `yaml:"ca_file"`
	// CertFile and KeyFile are the PEM client certificate (chain) and private key presented
	// to a token service that requires client certificates (mTLS); set both or neither.
	// Default: none.
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// ServerName is the name the token service's certificate must hold, when it is not the
	// URL's host (e.g. a URL with an IP address). Default: the URL's host.
	ServerName string `yaml:"server_name"`
}

// IsZero reports whether no TLS setting is given.
func (c TLSConfig) IsZero() bool { return c == TLSConfig{} }

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
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, &config.FieldError{Key: "url", Msg: "must be an absolute http(s) URL"})
	} else if !c.TLS.IsZero() && u.Scheme != "https" {
		errs = append(errs, &config.FieldError{Key: "tls", Msg: "is set but url is not https://: TLS settings apply to an https:// URL only"})
	}
	if (c.TLS.CertFile == "") != (c.TLS.KeyFile == "") {
		key := "tls.key_file"
		if c.TLS.CertFile == "" {
			key = "tls.cert_file"
		}
		errs = append(errs, &config.FieldError{Key: key, Msg: "required: set tls.cert_file and tls.key_file together"})
	}
	if c.Margin < 0 {
		errs = append(errs, &config.FieldError{Key: "margin", Msg: "must not be negative"})
	}
	if c.Protocol != ProtocolConnect && c.Protocol != ProtocolGRPC {
		errs = append(errs, &config.FieldError{Key: "protocol", Msg: fmt.Sprintf("must be %q or %q, got %q", ProtocolConnect, ProtocolGRPC, c.Protocol)})
	}
	return errors.Join(errs...)
}
