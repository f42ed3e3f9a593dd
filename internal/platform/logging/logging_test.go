package logging_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/logging"
)

const (
	secretValue = "app-secret-value-123"
	tokenValue  = "ACCESS_TOKEN_VALUE_456"
)

func TestNewRedacts(t *testing.T) {
	t.Parallel()
	tokenURL := "https://api.weixin.qq.com/cgi-bin/user/info?access_token=" + tokenValue + "&openid=o1"
	urlErr := &url.Error{Op: "Get", URL: tokenURL, Err: errors.New("connection refused")}
	parsed, err := url.Parse(tokenURL)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		log  func(l *slog.Logger)
	}{
		{"secret type under a neutral key", func(l *slog.Logger) { l.Info("m", "value", config.NewSecret(secretValue)) }},
		{"sensitive key", func(l *slog.Logger) { l.Info("m", "app_secret", secretValue) }},
		{"sensitive key upper case", func(l *slog.Logger) { l.Info("m", "X-Api-Key", secretValue) }},
		{"inside group", func(l *slog.Logger) { l.Info("m", slog.Group("account", "AppSecret", secretValue)) }},
		{"with attrs", func(l *slog.Logger) { l.With("password", secretValue).Info("m") }},
		{"with group then attrs", func(l *slog.Logger) { l.WithGroup("g").Info("m", "token", tokenValue) }},
		{"url in string", func(l *slog.Logger) { l.Info("m", "url", tokenURL) }},
		{"url error", func(l *slog.Logger) { l.Error("m", "err", urlErr) }},
		{"wrapped url error", func(l *slog.Logger) { l.Error("m", "err", fmt.Errorf("fetch: %w", urlErr)) }},
		{"url stringer", func(l *slog.Logger) { l.Info("m", "u", parsed) }},
		{"in message", func(l *slog.Logger) { l.Info("calling " + tokenURL) }},
		{"secret query", func(l *slog.Logger) { l.Info("m", "q", "appid=wx1&secret="+secretValue) }},
	}
	for _, format := range []string{"json", "text"} {
		for _, tt := range tests {
			t.Run(format+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				var buf bytes.Buffer
				l, err := logging.New(logging.Config{Format: format}, &buf)
				if err != nil {
					t.Fatal(err)
				}
				tt.log(l)
				out := buf.String()
				if strings.Contains(out, secretValue) || strings.Contains(out, tokenValue) {
					t.Errorf("log output reveals a secret: %s", out)
				}
				if !strings.Contains(out, logging.Redacted) {
					t.Errorf("log output has no redaction marker: %s", out)
				}
			})
		}
	}
}

func TestNewKeepsOrdinaryValues(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l, err := logging.New(logging.Config{}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	l.Info("hello", "app_id", "wx1", "path", "/v1/apps", "code", "internal", "n", 3)
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v: %s", err, buf.String())
	}
	want := map[string]any{"msg": "hello", "app_id": "wx1", "path": "/v1/apps", "code": "internal", "n": float64(3)}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}

func TestLevels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		level     string
		wantDebug bool
		wantInfo  bool
		wantWarn  bool
	}{
		{"debug", true, true, true},
		{"", false, true, true},
		{"info", false, true, true},
		{"warn", false, false, true},
		{"error", false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.level, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			l, err := logging.New(logging.Config{Level: tt.level}, &buf)
			if err != nil {
				t.Fatal(err)
			}
			l.Debug("d")
			l.Info("i")
			l.Warn("w")
			out := buf.String()
			for msg, want := range map[string]bool{`"d"`: tt.wantDebug, `"i"`: tt.wantInfo, `"w"`: tt.wantWarn} {
				if strings.Contains(out, msg) != want {
					t.Errorf("level %q: message %s logged = %v, want %v", tt.level, msg, !want, want)
				}
			}
		})
	}
}

func TestConfigInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give logging.Config
		want string
	}{
		{"format", logging.Config{Format: "xml"}, "config: format:"},
		{"level", logging.Config{Level: "loud"}, "config: level:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := logging.New(tt.give, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestSensitiveKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give string
		want bool
	}{
		{"app_secret", true}, {"Password", true}, {"access_token", true}, {"jsapi_ticket", true},
		{"encoding_aes_key", true}, {"api_key", true}, {"app_id", false}, {"AppID", false}, {"key_id", false},
		{"path", false}, {"procedure", false}, {"code", false},
	}
	for _, tt := range tests {
		if got := logging.SensitiveKey(tt.give); got != tt.want {
			t.Errorf("SensitiveKey(%q) = %v, want %v", tt.give, got, tt.want)
		}
	}
}

// BenchmarkAuditLine measures one audit-style line through the redacting JSON handler: the
// cost every raw-token read pays.
func BenchmarkAuditLine(b *testing.B) {
	l, err := logging.New(logging.Config{Format: "json"}, io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		l.Info("audit: token read", "key_id", "backend-1", "app_id", "wx0123456789abcdef", "procedure", "/wxsuite.token.v1.TokenService/GetAccessToken", "ok", true)
	}
}
