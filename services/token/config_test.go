package token

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/wxsuite/wxsuite/internal/platform/config"
)

func TestConfigDefaultsAndValidation(t *testing.T) {
	t.Parallel()
	var c Config
	c.SetDefaults()
	if c.OAuthAuthorizeURL != "https://open.weixin.qq.com/connect/oauth2/authorize" {
		t.Errorf("default oauth_authorize_url = %q", c.OAuthAuthorizeURL)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("defaults without user_token_key: %v", err)
	}
	key := base64.StdEncoding.EncodeToString(make([]byte, 32))
	tests := []struct {
		name    string
		give    func(*Config)
		wantKey string
	}{
		{"short key", func(c *Config) {
			c.UserTokenKey = config.NewSecret(base64.StdEncoding.EncodeToString(make([]byte, 16)))
		}, "user_token_key"},
		{"key not base64", func(c *Config) { c.UserTokenKey = config.NewSecret("not base64!" + key) }, "user_token_key"},
		{"relative authorize URL", func(c *Config) { c.OAuthAuthorizeURL = "/connect/oauth2/authorize" }, "oauth_authorize_url"},
		{"authorize URL with query", func(c *Config) { c.OAuthAuthorizeURL = "https://open.weixin.qq.com/x?a=1" }, "oauth_authorize_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := Config{}
			tt.give(&c)
			c.SetDefaults()
			err := c.Validate()
			var fe *config.FieldError
			if !errors.As(err, &fe) || fe.Key != tt.wantKey {
				t.Fatalf("Validate = %v, want a FieldError for %s", err, tt.wantKey)
			}
			if strings.Contains(err.Error(), key) {
				t.Error("the error quotes the key")
			}
		})
	}
	c = Config{UserTokenKey: config.NewSecret(key), OAuthAuthorizeURL: "http://127.0.0.1:8081/connect/oauth2/authorize"}
	c.SetDefaults()
	if err := c.Validate(); err != nil {
		t.Errorf("valid key and sandbox URL: %v", err)
	}
}
