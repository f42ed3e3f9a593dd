package auth_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
)

// testKey is a well-formed key used across the tests.
const testKey = "wxsk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

func loadAuth(t *testing.T, yaml string, environ ...string) (auth.Config, error) {
	t.Helper()
	file, err := config.FromYAML([]byte(yaml), environ)
	if err != nil {
		t.Fatal(err)
	}
	var cfg auth.Config
	err = file.Section(config.SectionAuth, &cfg)
	return cfg, err
}

func TestConfigValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give string
	}{
		{"hash", "auth:\n  keys:\n    - {id: b1, hash: " + auth.KeyHash(testKey) + ", app_ids: [wx1], scopes: [token.read]}\n"},
		{"upper-case hash", "auth:\n  keys:\n    - {id: b1, hash: sha256:" + strings.ToUpper(auth.KeyHash(testKey)[7:]) + ", app_ids: [wx1], scopes: [token.read]}\n"},
		{"inline key", "auth:\n  keys:\n    - {id: b1, key: " + testKey + ", app_ids: ['*'], scopes: [admin]}\n"},
		{"env key", "auth:\n  keys:\n    - {id: b1, key: {env: K}, app_ids: [wx1, wx2], scopes: [token.read, accounts.read]}\n"},
		{"disabled without keys", "auth:\n  disabled: true\n"},
		{"every scope", "auth:\n  keys:\n    - {id: b1, key: " + testKey + ", app_ids: ['*'], scopes: [" + strings.Join(auth.Scopes(), ", ") + "]}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := loadAuth(t, tt.give, "K="+testKey); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestConfigInvalid(t *testing.T) {
	t.Parallel()
	good := auth.KeyHash(testKey)
	other := auth.KeyHash(testKey + "x")
	tests := []struct {
		name string
		give string
		want string
	}{
		{"no section", "", "config: auth.keys: no API keys configured: add keys (see `wxsuite keygen`), or set disabled: true"},
		{"empty keys", "auth:\n  keys: []\n", "config: auth.keys: no API keys configured"},
		{"unknown scope", "auth:\n  keys:\n    - {id: a, hash: " + good + ", app_ids: [wx1], scopes: [token.read]}\n    - {id: b, hash: " + other + ", app_ids: [wx1], scopes: [tokn.read]}\n",
			`config: auth.keys[1].scopes[0]: unknown scope "tokn.read" (known: accounts.read, token.read,`},
		{"missing id", "auth:\n  keys:\n    - {hash: " + good + ", app_ids: [wx1], scopes: [admin]}\n", "config: auth.keys[0].id: required"},
		{"duplicate id", "auth:\n  keys:\n    - {id: a, hash: " + good + ", app_ids: [wx1], scopes: [admin]}\n    - {id: a, hash: " + other + ", app_ids: [wx1], scopes: [admin]}\n",
			`config: auth.keys[1].id: duplicate: keys[0] has the id "a"`},
		{"same key twice", "auth:\n  keys:\n    - {id: a, hash: " + good + ", app_ids: [wx1], scopes: [admin]}\n    - {id: b, key: " + testKey + ", app_ids: [wx1], scopes: [admin]}\n",
			"config: auth.keys[1].key: duplicate: keys[0] is the same key"},
		{"hash and key", "auth:\n  keys:\n    - {id: a, hash: " + good + ", key: " + testKey + ", app_ids: [wx1], scopes: [admin]}\n", "config: auth.keys[0].key: set either hash or key, not both"},
		{"neither hash nor key", "auth:\n  keys:\n    - {id: a, app_ids: [wx1], scopes: [admin]}\n", "config: auth.keys[0].hash: required"},
		{"hash without prefix", "auth:\n  keys:\n    - {id: a, hash: " + good[7:] + ", app_ids: [wx1], scopes: [admin]}\n", `config: auth.keys[0].hash: want "sha256:" followed by 64 hex digits`},
		{"short hash", "auth:\n  keys:\n    - {id: a, hash: sha256:abcd, app_ids: [wx1], scopes: [admin]}\n", "config: auth.keys[0].hash: want 64 hex digits after \"sha256:\", got 4 characters"},
		{"hash not hex", "auth:\n  keys:\n    - {id: a, hash: sha256:" + strings.Repeat("g", 64) + ", app_ids: [wx1], scopes: [admin]}\n", "config: auth.keys[0].hash: want 64 hex digits after \"sha256:\": not hexadecimal"},
		{"short key", "auth:\n  keys:\n    - {id: a, key: hunter2, app_ids: [wx1], scopes: [admin]}\n", "config: auth.keys[0].key: too short (7 characters, want at least 32)"},
		{"no app_ids", "auth:\n  keys:\n    - {id: a, hash: " + good + ", scopes: [admin]}\n", "config: auth.keys[0].app_ids: required"},
		{"empty app_id", "auth:\n  keys:\n    - {id: a, hash: " + good + ", app_ids: [wx1, ''], scopes: [admin]}\n", "config: auth.keys[0].app_ids[1]: empty app_id"},
		{"no scopes", "auth:\n  keys:\n    - {id: a, hash: " + good + ", app_ids: [wx1]}\n", "config: auth.keys[0].scopes: required"},
		{"unknown field", "auth:\n  keys:\n    - {id: a, hash: " + good + ", app_ids: [wx1], scopes: [admin], scope: admin}\n", "config: auth.keys[0].scope: unknown key"},
		{"env not set", "auth:\n  keys:\n    - {id: a, key: {env: NOPE}, app_ids: [wx1], scopes: [admin]}\n", "config: auth.keys[0].key: environment variable NOPE is not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := loadAuth(t, tt.give)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("error shows the key: %v", err)
			}
		})
	}
}

func TestGenerateKey(t *testing.T) {
	t.Parallel()
	key, hash, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	raw, ok := strings.CutPrefix(key, auth.KeyPrefix)
	if !ok || len(key) != 48 {
		t.Fatalf("key %q: want %q and 43 base64url characters", key, auth.KeyPrefix)
	}
	if b, err := base64.RawURLEncoding.DecodeString(raw); err != nil || len(b) != 32 {
		t.Errorf("key body %q: %d bytes, %v", raw, len(b), err)
	}
	if hash != auth.KeyHash(key) {
		t.Errorf("hash %q, want KeyHash(key) %q", hash, auth.KeyHash(key))
	}
	if _, err := auth.ParseKeyHash(hash); err != nil {
		t.Errorf("ParseKeyHash(%q): %v", hash, err)
	}
	again, _, _ := auth.GenerateKey()
	if again == key {
		t.Error("two keys are equal")
	}
}

func TestKeyHash(t *testing.T) {
	t.Parallel()
	// sha256("abc")
	if got, want := auth.KeyHash("abc"), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; got != want {
		t.Errorf("KeyHash(abc) = %s, want %s", got, want)
	}
}
