package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/wxsuite/wxsuite/internal/platform/config"
)

// KeyPrefix starts every key GenerateKey makes.
const KeyPrefix = "wxsk_"

// HashPrefix starts every key hash in the configuration ("sha256:<64 hex digits>").
const HashPrefix = "sha256:"

// MinKeyLength is the shortest inline key (KeyConfig.Key) the configuration accepts. Keys are
// looked up by an unsalted SHA-256, which is only safe for high-entropy keys; GenerateKey's
// are 48 characters.
const MinKeyLength = 32

// keyRandomBytes is how much randomness GenerateKey puts in a key.
const keyRandomBytes = 32

// Config is the `auth` section: the API keys callers present. With no keys the process
// refuses to start unless Disabled is set explicitly.
type Config struct {
	// Disabled turns caller authentication off (default false): every call is allowed, as
	// an anonymous caller with every scope and account, and a warning is logged at start.
	// It is required when Keys is empty, so that "no keys" never silently means "open".
	// For tests and trials only.
	Disabled bool `yaml:"disabled"`
	// Keys are the API keys (required unless Disabled).
	Keys []KeyConfig `yaml:"keys"`
}

// KeyConfig is one API key in `auth.keys`. Exactly one of Hash and Key is set.
type KeyConfig struct {
	// ID names the key in logs, audit lines and errors (required, unique); never the key.
	ID string `yaml:"id"`
	// Hash is the key's SHA-256, "sha256:<64 hex digits>", as `wxsuite keygen` and KeyHash
	// print it. Preferred: the configuration then holds no key at all.
	Hash string `yaml:"hash"`
	// Key is the key itself (inline, {file: PATH} or {env: NAME}), hashed at load; at least
	// MinKeyLength characters.
	Key config.Secret `yaml:"key"`
	// AppIDs are the accounts the key may act on; "*" (AllAccounts) means every account
	// (required, at least one).
	AppIDs []string `yaml:"app_ids"`
	// Scopes the key holds, from the Scope constants (required, at least one).
	Scopes []string `yaml:"scopes"`
}

// Scopes returns every scope name a key may hold, in documentation order. The slice is new
// on every call.
func Scopes() []string {
	return []string{ScopeAccountsRead, ScopeTokenRead, ScopeOAuth, ScopeOAuthTokens,
		ScopeJSSDK, ScopePlatform, ScopeEventsRead, ScopeMessagesSend, ScopeMessagingManage,
		ScopeAudienceRead, ScopeAudienceWrite, ScopeContentRead, ScopeContentWrite,
		ScopeCardRead, ScopeCardWrite, ScopeInvoiceRead, ScopeInvoiceWrite, ScopeNontaxRead,
		ScopeNontaxWrite, ScopeAnalyticsRead, ScopeSmart, ScopeGuideRead, ScopeGuideWrite,
		ScopeProxy, ScopeAdmin}
}

// scopeBit is the bit of scope in a key's scope mask; ok is false for an unknown scope.
func scopeBit(scope string) (bit uint32, ok bool) {
	for i, s := range Scopes() {
		if s == scope {
			return 1 << i, true
		}
	}
	return 0, false
}

// SetDefaults does nothing: every field's zero value is its default. It exists so the
// section follows the Defaulter convention.
func (c *Config) SetDefaults() {}

// Validate checks the section; keys in its errors are relative to it ("keys[1].scopes[0]").
// It refuses an empty key list unless Disabled, missing or duplicate ids, a key given both
// or neither as Hash and Key, malformed hashes, short keys, two entries for the same key,
// empty app_ids and unknown scopes.
func (c Config) Validate() error {
	if len(c.Keys) == 0 && !c.Disabled {
		return &config.FieldError{Key: "keys",
			Msg: "no API keys configured: add keys (see `wxsuite keygen`), or set disabled: true to let every caller in without a key"}
	}
	var errs []error
	ids := make(map[string]int, len(c.Keys))
	hashes := make(map[[sha256.Size]byte]int, len(c.Keys))
	for i, k := range c.Keys {
		at := func(field string) string { return config.JoinKey(config.JoinKey("keys", i), field) }
		switch {
		case k.ID == "":
			errs = append(errs, &config.FieldError{Key: at("id"), Msg: "required"})
		default:
			if j, dup := ids[k.ID]; dup {
				errs = append(errs, &config.FieldError{Key: at("id"),
					Msg: fmt.Sprintf("duplicate: keys[%d] has the id %q", j, k.ID)})
			} else {
				ids[k.ID] = i
			}
		}
		sum, field, err := k.sum()
		if err != nil {
			errs = append(errs, &config.FieldError{Key: at(field), Msg: err.Error()})
		} else if j, dup := hashes[sum]; dup {
			errs = append(errs, &config.FieldError{Key: at(field),
				Msg: fmt.Sprintf("duplicate: keys[%d] is the same key", j)})
		} else {
			hashes[sum] = i
		}
		if len(k.AppIDs) == 0 {
			errs = append(errs, &config.FieldError{Key: at("app_ids"),
				Msg: `required: list the accounts the key may use, or "*" for all`})
		}
		for j, a := range k.AppIDs {
			if strings.TrimSpace(a) == "" {
				errs = append(errs, &config.FieldError{Key: config.JoinKey(at("app_ids"), j), Msg: "empty app_id"})
			}
		}
		if len(k.Scopes) == 0 {
			errs = append(errs, &config.FieldError{Key: at("scopes"),
				Msg: "required: one or more of " + strings.Join(Scopes(), ", ")})
		}
		for j, s := range k.Scopes {
			if _, ok := scopeBit(s); !ok {
				errs = append(errs, &config.FieldError{Key: config.JoinKey(at("scopes"), j),
					Msg: fmt.Sprintf("unknown scope %q (known: %s)", s, strings.Join(Scopes(), ", "))})
			}
		}
	}
	return errors.Join(errs...)
}

// sum returns the key's SHA-256 from Hash or Key; on error, field names the bad field.
func (k KeyConfig) sum() (sum [sha256.Size]byte, field string, err error) {
	switch {
	case k.Hash != "" && !k.Key.IsZero():
		return sum, "key", errors.New("set either hash or key, not both")
	case k.Hash != "":
		sum, err := ParseKeyHash(k.Hash)
		return sum, "hash", err
	case !k.Key.IsZero():
		if n := len(k.Key.Reveal()); n < MinKeyLength {
			return sum, "key", fmt.Errorf("too short (%d characters, want at least %d): generate one with `wxsuite keygen`", n, MinKeyLength)
		}
		return sha256.Sum256([]byte(k.Key.Reveal())), "key", nil
	default:
		return sum, "hash", errors.New(`required: set hash ("sha256:<hex>") or key`)
	}
}

// KeyHash returns the configuration form of key's hash, "sha256:<64 lower-case hex digits>".
func KeyHash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return HashPrefix + hex.EncodeToString(sum[:])
}

// ParseKeyHash parses a hash written as KeyHash writes it (hex digits in either case).
func ParseKeyHash(h string) ([sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	digits, ok := strings.CutPrefix(h, HashPrefix)
	if !ok {
		return sum, fmt.Errorf("want %q followed by 64 hex digits", HashPrefix)
	}
	if len(digits) != 2*sha256.Size {
		return sum, fmt.Errorf("want 64 hex digits after %q, got %d characters", HashPrefix, len(digits))
	}
	if _, err := hex.Decode(sum[:], []byte(digits)); err != nil {
		return sum, fmt.Errorf("want 64 hex digits after %q: not hexadecimal", HashPrefix)
	}
	return sum, nil
}

// GenerateKey returns a new API key, KeyPrefix followed by 32 random bytes in unpadded
// base64url (48 characters in all), and its hash as KeyHash gives it. Put the hash in the
// configuration and hand the key to the caller; the key cannot be recovered from the hash.
func GenerateKey() (key, hash string, err error) {
	b := make([]byte, keyRandomBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("auth: generate key: %w", err)
	}
	key = KeyPrefix + base64.RawURLEncoding.EncodeToString(b)
	return key, KeyHash(key), nil
}
