package config

// This file holds the types other packages build against. The loader (Load, FromYAML,
// File.Section, environment overrides) lives beside it.

import "time"

// Validator is implemented by section structs that check themselves after decoding.
// Errors should be *FieldError (or wrap them) so the message names the bad key.
type Validator interface {
	Validate() error
}

// Defaulter is implemented by section structs that fill zero fields with defaults
// after decoding and before Validate.
type Defaulter interface {
	SetDefaults()
}

// TokenEndpoint values for Account.TokenEndpoint.
const (
	// TokenEndpointToken is GET /cgi-bin/token (the default).
	TokenEndpointToken = "token"
	// TokenEndpointStable is POST /cgi-bin/stable_token.
	TokenEndpointStable = "stable_token"
)

// Account is one official account from the top-level `accounts` list.
type Account struct {
	// AppID is the account's AppID (required, unique).
	AppID string `yaml:"app_id"`
	// Name is a display name (default: the AppID).
	Name string `yaml:"name"`
	// AppSecret is the AppSecret (required).
	AppSecret Secret `yaml:"app_secret"`
	// TokenEndpoint is "token" (default) or "stable_token".
	TokenEndpoint string `yaml:"token_endpoint"`
	// CallbackToken is the Token configured in the WeChat console for callbacks (optional).
	CallbackToken Secret `yaml:"callback_token"`
	// EncodingAESKey is the 43-character EncodingAESKey for safe-mode callbacks (optional).
	EncodingAESKey Secret `yaml:"encoding_aes_key"`
	// PreviousEncodingAESKey is the key before the last rotation, tried when the current one fails (optional).
	PreviousEncodingAESKey Secret `yaml:"previous_encoding_aes_key"`
	// OAuthDomains are the web-authorization domains (网页授权域名) set in the WeChat console:
	// the hosts an OAuth redirect_uri may point to (host names, optionally with a port).
	OAuthDomains []string `yaml:"oauth_domains"`
	// JSDomains are the JS-safe domains (JS接口安全域名) set in the WeChat console: the hosts
	// of pages whose wx.config wxsuite signs.
	JSDomains []string `yaml:"js_domains"`
}

// Accounts is the top-level `accounts` list.
type Accounts []Account

// Duration is a time.Duration written in YAML as a Go duration string ("90s", "5m").
type Duration time.Duration
