package wechat

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wxsuite/wxsuite/internal/platform/config"
)

func TestConfigSetDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give Config
		want Config
	}{
		{
			name: "zero",
			want: Config{BaseURL: DefaultBaseURL, FallbackURLs: []string{DisasterRecoveryURL},
				Timeout: config.Duration(10 * time.Second), MaxRetries: 2, RetryBackoff: config.Duration(200 * time.Millisecond)},
		},
		{
			name: "region",
			give: Config{Region: "sh"},
			want: Config{BaseURL: "https://sh.api.weixin.qq.com", Region: "sh",
				Timeout: config.Duration(10 * time.Second), MaxRetries: 2, RetryBackoff: config.Duration(200 * time.Millisecond)},
		},
		{
			name: "custom base without fallback",
			give: Config{BaseURL: "http://127.0.0.1:9000", MaxRetries: -1},
			want: Config{BaseURL: "http://127.0.0.1:9000",
				Timeout: config.Duration(10 * time.Second), MaxRetries: -1, RetryBackoff: config.Duration(200 * time.Millisecond)},
		},
		{
			name: "failover disabled",
			give: Config{FallbackURLs: []string{}},
			want: Config{BaseURL: DefaultBaseURL, FallbackURLs: []string{},
				Timeout: config.Duration(10 * time.Second), MaxRetries: 2, RetryBackoff: config.Duration(200 * time.Millisecond)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.give
			got.SetDefaults()
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("SetDefaults() = %+v, want %+v", got, tt.want)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("Validate() = %v", err)
			}
		})
	}
}

func TestConfigValidateRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give Config
		want string
	}{
		{name: "relative base", give: Config{BaseURL: "api.weixin.qq.com"}, want: "base_url: must be an absolute http(s) URL"},
		{name: "ftp base", give: Config{BaseURL: "ftp://api.weixin.qq.com"}, want: "base_url: must be an absolute http(s) URL"},
		{name: "base with query", give: Config{BaseURL: "https://x?access_token=1"}, want: "base_url: must not carry a query"},
		{name: "bad fallback", give: Config{FallbackURLs: []string{"https://ok", "nope"}}, want: "fallback_urls[1]: must be an absolute http(s) URL"},
		{name: "unknown region", give: Config{Region: "bj"}, want: "region: must be one of sh, sz, hk or empty"},
		{name: "region and base", give: Config{Region: "hk", BaseURL: "https://api.weixin.qq.com"}, want: "region: \"hk\" selects"},
		{name: "negative timeout", give: Config{Timeout: config.Duration(-time.Second)}, want: "timeout: must not be negative"},
		{name: "negative backoff", give: Config{RetryBackoff: config.Duration(-time.Second)}, want: "retry_backoff: must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := tt.give
			cfg.SetDefaults()
			err := cfg.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %v, want %q", err, tt.want)
			}
			if _, err := New(tt.give); err == nil {
				t.Error("New accepted the config")
			}
		})
	}
}
