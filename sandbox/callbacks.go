package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ErrNoCallback is wrapped by the errors of pushes to an account without a CallbackURL.
var ErrNoCallback = errors.New("account has no callback URL")

// EncryptMode is the message encryption mode (消息加解密方式) of an account's callbacks.
// Its values are those of the admin API's wxsuite.sandbox.v1.EncryptMode.
type EncryptMode int

const (
	// EncryptUnspecified means plaintext, like EncryptPlain.
	EncryptUnspecified EncryptMode = iota
	// EncryptPlain (明文模式): pushes and replies are plaintext XML.
	EncryptPlain
	// EncryptCompatible (兼容模式): pushes carry the plaintext fields and an Encrypt
	// element, with encrypt_type=aes and msg_signature in the query; a plaintext or an
	// encrypted reply is accepted.
	EncryptCompatible
	// EncryptSafe (安全模式): pushes carry only ToUserName and Encrypt, with
	// encrypt_type=aes and msg_signature in the query; the reply must be encrypted.
	EncryptSafe
)

var encryptModeNames = []string{"", "plain", "compatible", "safe"}

// String returns "plain", "compatible" or "safe"; "" for EncryptUnspecified.
func (m EncryptMode) String() string {
	if m >= 0 && int(m) < len(encryptModeNames) {
		return encryptModeNames[m]
	}
	return fmt.Sprintf("EncryptMode(%d)", int(m))
}

// MarshalText writes the mode's name (see [EncryptMode.String]).
func (m EncryptMode) MarshalText() ([]byte, error) {
	if m < 0 || int(m) >= len(encryptModeNames) {
		return nil, fmt.Errorf("invalid encrypt mode %d", int(m))
	}
	return []byte(m.String()), nil
}

// UnmarshalText reads "plain", "compatible", "safe" or "" (EncryptUnspecified), in any
// letter case.
func (m *EncryptMode) UnmarshalText(b []byte) error {
	for i, name := range encryptModeNames {
		if strings.EqualFold(string(b), name) {
			*m = EncryptMode(i)
			return nil
		}
	}
	return fmt.Errorf(`encrypt mode %q: want "plain", "compatible" or "safe"`, b)
}

// encrypted reports whether pushes in mode m carry an Encrypt element.
func (m EncryptMode) encrypted() bool { return m == EncryptCompatible || m == EncryptSafe }

// originalIDFor derives an original id ("gh_" and 12 hex digits) from an AppID.
func originalIDFor(appID string) string {
	sum := sha256.Sum256([]byte("wxsandbox original id " + appID))
	return "gh_" + hex.EncodeToString(sum[:6])
}

// isAlnum reports whether s is made of ASCII letters and digits only.
func isAlnum(s string) bool { return strings.Trim(s, alnum) == "" }

// validateCallback reports the first invalid callback setting of a; field prefixes the
// names.
func (a Account) validateCallback(field string) error {
	if a.CallbackURL != "" {
		u, err := url.Parse(a.CallbackURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.Fragment != "" {
			return &ArgumentError{Field: field + "callback_url", Reason: "must be an absolute http or https URL without user info or fragment"}
		}
		if a.CallbackToken == "" {
			return &ArgumentError{Field: field + "callback_token", Reason: "is required with a callback_url"}
		}
	}
	if a.CallbackToken != "" && (len(a.CallbackToken) < 3 || len(a.CallbackToken) > 32 || !isAlnum(a.CallbackToken)) {
		return &ArgumentError{Field: field + "callback_token", Reason: "must be 3 to 32 letters or digits"}
	}
	if a.EncodingAESKey != "" {
		if _, err := AESKey(a.EncodingAESKey); err != nil {
			return &ArgumentError{Field: field + "encoding_aes_key", Reason: "must be 43 base64 characters"}
		}
	}
	switch a.EncryptMode {
	case EncryptUnspecified, EncryptPlain:
	case EncryptCompatible, EncryptSafe:
		if a.EncodingAESKey == "" {
			return &ArgumentError{Field: field + "encoding_aes_key", Reason: "is required in " + a.EncryptMode.String() + " mode"}
		}
		if a.CallbackToken == "" {
			return &ArgumentError{Field: field + "callback_token", Reason: "is required in " + a.EncryptMode.String() + " mode"}
		}
	default:
		return &ArgumentError{Field: field + "encrypt_mode", Reason: "must be unspecified, plain, compatible or safe"}
	}
	if a.OriginalID != "" && (len(a.OriginalID) > maxOpenIDLen || strings.Trim(a.OriginalID, alphabet) != "") {
		return &ArgumentError{Field: field + "original_id", Reason: "must be at most " + fmt.Sprint(maxOpenIDLen) + ` characters of [A-Za-z0-9_-] (e.g. "gh_0123456789ab")`}
	}
	return nil
}
