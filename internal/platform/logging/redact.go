package logging

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
)

// Redacted replaces redacted values in log output.
const Redacted = "[REDACTED]"

// sensitiveKeyParts are the key fragments whose values are always redacted.
var sensitiveKeyParts = [...]string{"secret", "password", "token", "ticket", "aes", "key"}

// credentialInText finds credentials carried in strings, such as URLs with an
// access_token query parameter (Go's *url.Error prints the whole URL).
var credentialInText = regexp.MustCompile(`(?i)(access_token|secret)=[^&\s"]+`)

// SensitiveKey reports whether values logged under key are redacted: the key contains
// (case-insensitively) secret, password, token, ticket, aes or key, and is not app_id,
// appid or path.
func SensitiveKey(key string) bool {
	k := strings.ToLower(key)
	switch k {
	case "app_id", "appid", "path",
		// Identifiers of secrets, not secrets: the API key's id names the caller in audit lines.
		"key_id", "keyid":
		return false
	}
	for _, p := range sensitiveKeyParts {
		if strings.Contains(k, p) {
			return true
		}
	}
	return false
}

// RedactString replaces the values of access_token=… and secret=… in s with [REDACTED].
func RedactString(s string) string {
	// Every credential the pattern finds is followed by "="; most logged strings (ids,
	// procedures, messages) have none, and skip the regular expression entirely.
	if strings.IndexByte(s, '=') < 0 || !credentialInText.MatchString(s) {
		return s
	}
	return credentialInText.ReplaceAllString(s, "${1}="+Redacted)
}

// redactingHandler wraps a handler and redacts attributes before they reach it.
type redactingHandler struct {
	next slog.Handler
}

// NewRedactingHandler wraps next so that (1) the values of attributes with a SensitiveKey,
// also inside groups, become "[REDACTED]", and (2) credentials in string values, errors,
// Stringers and the message are replaced by RedactString. LogValuer values are resolved
// first, so a config.Secret logs as "[REDACTED]" under any key.
func NewRedactingHandler(next slog.Handler) slog.Handler {
	return &redactingHandler{next: next}
}

// Enabled reports whether the wrapped handler is enabled at level.
func (h *redactingHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

// Handle redacts r's message and attributes and passes it on.
func (h *redactingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, RedactString(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

// WithAttrs redacts attrs and passes them on.
func (h *redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		red[i] = redactAttr(a)
	}
	return &redactingHandler{next: h.next.WithAttrs(red)}
}

// WithGroup passes the group on; attributes added later are still redacted.
func (h *redactingHandler) WithGroup(name string) slog.Handler {
	return &redactingHandler{next: h.next.WithGroup(name)}
}

func redactAttr(a slog.Attr) slog.Attr {
	if SensitiveKey(a.Key) {
		return slog.String(a.Key, Redacted)
	}
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, RedactString(v.String()))
	case slog.KindGroup:
		group := v.Group()
		red := make([]slog.Attr, len(group))
		for i, ga := range group {
			red[i] = redactAttr(ga)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(red...)}
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			if s := x.Error(); credentialInText.MatchString(s) {
				return slog.String(a.Key, RedactString(s))
			}
		case fmt.Stringer:
			if s := x.String(); credentialInText.MatchString(s) {
				return slog.String(a.Key, RedactString(s))
			}
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
