package config

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"

	"gopkg.in/yaml.v3"
)

const redacted = "[REDACTED]"

// GoString returns a redacted Go representation, so %#v never shows the value.
func (s Secret) GoString() string {
	if s.value == "" {
		return `config.Secret("")`
	}
	return `config.Secret("` + redacted + `")`
}

// Format implements fmt.Formatter: every verb (%s, %v, %+v, %#v, %q, %x, %d…) prints the
// redacted form.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = f.Write([]byte(s.GoString()))
		return
	}
	_, _ = f.Write([]byte(s.String()))
}

// LogValue implements slog.LogValuer with the redacted form.
func (s Secret) LogValue() slog.Value {
	return slog.StringValue(s.String())
}

// MarshalJSON writes the redacted form as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) {
	return json.Marshal(s.String())
}

// MarshalYAML writes the redacted form.
func (s Secret) MarshalYAML() (any, error) {
	return s.String(), nil
}

// UnmarshalYAML reads a Secret written inline ("abc"), as {file: PATH} (the trailing
// newline is trimmed) or as {env: NAME} (looked up in the process environment; File.Section
// looks it up in the environment given to Load/FromYAML instead).
func (s *Secret) UnmarshalYAML(node *yaml.Node) error {
	v, err := decodeSecret(node, os.LookupEnv)
	if err != nil {
		return err
	}
	*s = v
	return nil
}
