package audience

import (
	"net/url"
	"time"

	"github.com/wxsuite/wxsuite/internal/platform/config"
)

// defaultQRCodeImageURL is the platform's QR image endpoint (it takes ?ticket= and no
// access token).
const defaultQRCodeImageURL = "https://mp.weixin.qq.com/cgi-bin/showqrcode"

// Config is the `audience` section of the configuration. Zero values mean the defaults.
type Config struct {
	// QRCodeImageURL is the showqrcode endpoint CreateQRCode's image_url points to and
	// GetQRCodeImage fetches from (default https://mp.weixin.qq.com/cgi-bin/showqrcode).
	// Point it at the sandbox's /cgi-bin/showqrcode in development and tests.
	QRCodeImageURL string `yaml:"qrcode_image_url"`
	// ImageTimeout bounds one GetQRCodeImage fetch (default 10s).
	ImageTimeout config.Duration `yaml:"image_timeout"`
	// MaxImageBytes bounds the image GetQRCodeImage accepts (default 2 MiB).
	MaxImageBytes int64 `yaml:"max_image_bytes"`
}

// SetDefaults fills zero fields with their defaults.
func (c *Config) SetDefaults() {
	if c.QRCodeImageURL == "" {
		c.QRCodeImageURL = defaultQRCodeImageURL
	}
	if c.ImageTimeout == 0 {
		c.ImageTimeout = config.Duration(10 * time.Second)
	}
	if c.MaxImageBytes == 0 {
		c.MaxImageBytes = 2 << 20
	}
}

// Validate checks the section; errors name the key.
func (c *Config) Validate() error {
	if u, err := url.Parse(c.QRCodeImageURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return &config.FieldError{Key: "qrcode_image_url", Msg: "want an absolute http(s) URL without query or fragment"}
	}
	if c.ImageTimeout < 0 {
		return &config.FieldError{Key: "image_timeout", Msg: "must not be negative"}
	}
	if c.MaxImageBytes < 0 {
		return &config.FieldError{Key: "max_image_bytes", Msg: "must not be negative"}
	}
	return nil
}
