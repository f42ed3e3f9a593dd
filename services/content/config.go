package content

import (
	"github.com/wxsuite/wxsuite/internal/platform/config"
)

// Defaults of Config.
const (
	// DefaultMaxDownloadBytes bounds a download held in memory: the largest media (10 MB)
	// with room to spare.
	DefaultMaxDownloadBytes = 12 << 20
	// DefaultMaxFormBytes bounds a multipart upload request: the largest file (10 MB)
	// plus the form's other fields and framing.
	DefaultMaxFormBytes = 11 << 20
	// MinMessageBytes is the server.max_message_bytes gRPC and Connect uploads and
	// downloads of 10 MB files need (10 MB plus the message's other fields).
	MinMessageBytes = 10<<20 + 64<<10
)

// Config is the `content` section of the configuration. Zero values mean the defaults.
type Config struct {
	// MaxDownloadBytes bounds a media or material download held in memory by GetMedia and
	// GetMaterial (default 12 MiB); REST downloads stream and are not bounded by it.
	MaxDownloadBytes int64 `yaml:"max_download_bytes"`
	// MaxFormBytes bounds the body of a multipart/form-data upload over REST (default
	// 11 MiB). The file itself is also held to its type's limit.
	MaxFormBytes int64 `yaml:"max_form_bytes"`
}

// SetDefaults fills zero fields with their defaults.
func (c *Config) SetDefaults() {
	if c.MaxDownloadBytes == 0 {
		c.MaxDownloadBytes = DefaultMaxDownloadBytes
	}
	if c.MaxFormBytes == 0 {
		c.MaxFormBytes = DefaultMaxFormBytes
	}
}

// Validate checks the section; errors name the key.
func (c *Config) Validate() error {
	if c.MaxDownloadBytes < 0 {
		return &config.FieldError{Key: "max_download_bytes", Msg: "must not be negative"}
	}
	if c.MaxFormBytes < 0 {
		return &config.FieldError{Key: "max_form_bytes", Msg: "must not be negative"}
	}
	return nil
}
