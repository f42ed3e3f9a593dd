package invoice

import "github.com/wxsuite/wxsuite/internal/platform/config"

// Config is the `invoice` section of the configuration. Zero values mean the defaults.
type Config struct {
	// MaxPDFBytes bounds the PDFs UploadPdf accepts (default 2 MiB, the size the sandbox
	// enforces; the platform documents none).
	MaxPDFBytes int64 `yaml:"max_pdf_bytes"`
}

// SetDefaults fills zero fields with their defaults.
func (c *Config) SetDefaults() {
	if c.MaxPDFBytes == 0 {
		c.MaxPDFBytes = 2 << 20
	}
}

// Validate checks the section; errors name the key.
func (c *Config) Validate() error {
	if c.MaxPDFBytes < 0 {
		return &config.FieldError{Key: "max_pdf_bytes", Msg: "must not be negative"}
	}
	return nil
}
