package logging

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/wxsuite/wxsuite/internal/platform/config"
)

// Config is the `log` section.
type Config struct {
	// Format is "json" (default) or "text".
	Format string `yaml:"format"`
	// Level is "debug", "info" (default), "warn" or "error".
	Level string `yaml:"level"`
}

// SetDefaults sets Format to "json" and Level to "info" where they are empty.
func (c *Config) SetDefaults() {
	if c.Format == "" {
		c.Format = "json"
	}
	if c.Level == "" {
		c.Level = "info"
	}
}

// Validate checks Format and Level.
func (c Config) Validate() error {
	switch c.Format {
	case "", "json", "text":
	default:
		return &config.FieldError{Key: "format", Msg: fmt.Sprintf("%q: want json or text", c.Format)}
	}
	if _, err := parseLevel(c.Level); err != nil {
		return &config.FieldError{Key: "level", Msg: err.Error()}
	}
	return nil
}

func parseLevel(s string) (slog.Level, error) {
	switch s {
	case "debug":
		return slog.LevelDebug, nil
	case "", "info":
		return slog.LevelInfo, nil
	case "warn":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	default:
		return 0, fmt.Errorf("%q: want debug, info, warn or error", s)
	}
}

// New returns a logger writing to w in cfg's format and level, through NewRedactingHandler.
// Empty fields take their defaults.
func New(cfg Config, w io.Writer) (*slog.Logger, error) {
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	level, _ := parseLevel(cfg.Level)
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	if cfg.Format == "text" {
		h = slog.NewTextHandler(w, opts)
	} else {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(NewRedactingHandler(h)), nil
}
