package analytics

import "github.com/wxsuite/wxsuite/internal/platform/config"

// Config is the `analytics` section of the configuration. Zero values mean the
// defaults.
type Config struct {
	// MaxRangeDays bounds the days one datacube RPC may span; longer ranges than the
	// platform's per-call span are split into several calls (default 366).
	MaxRangeDays int `yaml:"max_range_days"`
}

// SetDefaults fills zero fields with their defaults.
func (c *Config) SetDefaults() {
	if c.MaxRangeDays == 0 {
		c.MaxRangeDays = 366
	}
}

// Validate checks the section; errors name the key.
func (c *Config) Validate() error {
	if c.MaxRangeDays < 1 || c.MaxRangeDays > 3660 {
		return &config.FieldError{Key: "max_range_days", Msg: "must be 1 to 3660"}
	}
	return nil
}
