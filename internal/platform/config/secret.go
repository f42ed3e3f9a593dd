package config

// Secret holds a secret value (app secret, AES key, password). It never prints: String,
// GoString, Format, LogValue and MarshalJSON/MarshalYAML all give "[REDACTED]"; only
// Reveal returns the value. In YAML it is written inline ("abc"), as a file reference
// ({file: /run/secrets/x}) or as an environment reference ({env: WX_SECRET}).
type Secret struct {
	value string
}

// NewSecret wraps a plain value.
func NewSecret(v string) Secret { return Secret{value: v} }

// Reveal returns the secret value. Call it only where the value is sent to its consumer.
func (s Secret) Reveal() string { return s.value }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.value == "" }

// String returns "[REDACTED]" (or "" for an empty secret).
func (s Secret) String() string {
	if s.value == "" {
		return ""
	}
	return "[REDACTED]"
}
