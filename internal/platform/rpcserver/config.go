package rpcserver

import (
	"time"

	"github.com/wxsuite/wxsuite/internal/platform/config"
)

// Defaults for Config.
const (
	DefaultAddr              = ":8080"
	DefaultShutdownGrace     = 20 * time.Second
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultMaxHeaderBytes    = 1 << 20
	DefaultMaxMessageBytes   = 16 << 20
	DefaultCORSMaxAge        = 2 * time.Hour
)

// Config is the `server` section. Zero values take the defaults named on each field.
//
// There is deliberately no read or write timeout on the whole request: server-streaming
// RPCs (event subscriptions) stay open for as long as the client listens.
type Config struct {
	// Addr is the listen address (default ":8080"; ":0" picks a free port, see Server.Addr).
	Addr string `yaml:"addr"`
	// ShutdownGrace bounds how long Stop waits for in-flight calls (default 20s).
	ShutdownGrace config.Duration `yaml:"shutdown_grace"`
	// ReadHeaderTimeout bounds reading request headers (default 5s).
	ReadHeaderTimeout config.Duration `yaml:"read_header_timeout"`
	// IdleTimeout closes idle keep-alive connections (default 120s).
	IdleTimeout config.Duration `yaml:"idle_timeout"`
	// MaxHeaderBytes limits request header size (default 1 MiB).
	MaxHeaderBytes int `yaml:"max_header_bytes"`
	// MaxMessageBytes limits one RPC message: connect's read limit and the gateway's gRPC
	// send/receive size (default 16 MiB).
	MaxMessageBytes int `yaml:"max_message_bytes"`
	// CORS configures browser access; with no AllowedOrigins no CORS headers are sent.
	CORS CORSConfig `yaml:"cors"`
	// TLS serves the port over TLS, optionally requiring client certificates (mTLS); with no
	// files set the port serves cleartext HTTP/1.1 and h2c (default).
	TLS TLSConfig `yaml:"tls"`
}

// TLSConfig is the `server.tls` section. The files are read once, by New.
type TLSConfig struct {
	// CertFile and KeyFile are the server's PEM certificate (chain) and private key; set both
	// to serve TLS (ALPN h2 and http/1.1, TLS 1.2 or later) instead of cleartext. Default: none.
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// ClientCAFile is a PEM bundle of the CAs that sign client certificates; when set, every
	// connection must present a client certificate they verify, or the TLS handshake fails
	// (this includes /healthz, /readyz and /metrics). Requires CertFile. Default: none.
	ClientCAFile string `yaml:"client_ca_file"`
}

// Enabled reports whether the port serves TLS.
func (c TLSConfig) Enabled() bool { return c.CertFile != "" }

// CORSConfig is the `server.cors` section.
type CORSConfig struct {
	// AllowedOrigins are the browser origins allowed to call ("https://console.example.com",
	// "*" for any); empty disables CORS (default).
	AllowedOrigins []string `yaml:"allowed_origins"`
	// MaxAge is how long browsers may cache a preflight answer (default 2h).
	MaxAge config.Duration `yaml:"max_age"`
}

// SetDefaults fills zero fields with their defaults.
func (c *Config) SetDefaults() {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.ShutdownGrace == 0 {
		c.ShutdownGrace = config.Duration(DefaultShutdownGrace)
	}
	if c.ReadHeaderTimeout == 0 {
		c.ReadHeaderTimeout = config.Duration(DefaultReadHeaderTimeout)
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = config.Duration(DefaultIdleTimeout)
	}
	if c.MaxHeaderBytes == 0 {
		c.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if c.MaxMessageBytes == 0 {
		c.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if c.CORS.MaxAge == 0 {
		c.CORS.MaxAge = config.Duration(DefaultCORSMaxAge)
	}
}

// Validate checks that sizes and durations are not negative; keys in its errors are
// relative to the section.
func (c Config) Validate() error {
	checks := []struct {
		key string
		bad bool
	}{
		{"shutdown_grace", c.ShutdownGrace < 0},
		{"read_header_timeout", c.ReadHeaderTimeout < 0},
		{"idle_timeout", c.IdleTimeout < 0},
		{"max_header_bytes", c.MaxHeaderBytes < 0},
		{"max_message_bytes", c.MaxMessageBytes < 0},
		{"cors.max_age", c.CORS.MaxAge < 0},
	}
	for _, ch := range checks {
		if ch.bad {
			return &config.FieldError{Key: ch.key, Msg: "must not be negative"}
		}
	}
	switch {
	case (c.TLS.CertFile == "") != (c.TLS.KeyFile == ""):
		key := "tls.key_file"
		if c.TLS.CertFile == "" {
			key = "tls.cert_file"
		}
		return &config.FieldError{Key: key, Msg: "required: set both cert_file and key_file, or neither"}
	case c.TLS.ClientCAFile != "" && c.TLS.CertFile == "":
		return &config.FieldError{Key: "tls.client_ca_file", Msg: "needs cert_file and key_file: client certificates are only checked over TLS"}
	}
	for i, o := range c.CORS.AllowedOrigins {
		if o == "" {
			return &config.FieldError{Key: config.JoinKey("cors.allowed_origins", i), Msg: "empty origin"}
		}
	}
	return nil
}
