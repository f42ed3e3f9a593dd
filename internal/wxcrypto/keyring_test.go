package wxcrypto

import (
	"errors"
	"strings"
	"testing"
)

func TestKeyring(t *testing.T) {
	t.Parallel()
	// The account rotated from vaKey to otherKey; vector A1 is still under vaKey.
	k, err := NewKeyring(vaAppID, otherKey, vaKey)
	if err != nil {
		t.Fatal(err)
	}
	if k.Previous() == nil || k.Current() == k.Previous() {
		t.Fatal("keyring without a distinct previous key")
	}

	msg, used, err := k.Decrypt(va1Encrypt)
	if err != nil {
		t.Fatalf("Decrypt under the previous key: %v", err)
	}
	if string(msg) != va1Plain || used != k.Previous() {
		t.Errorf("Decrypt = %q with %v, want %q with the previous key", msg, used, va1Plain)
	}

	// The reply is encrypted with the key that worked and decrypts only with it.
	reply, err := used.Encrypt([]byte("<xml>reply</xml>"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := k.Current().Decrypt(reply); err == nil {
		t.Error("reply under the previous key decrypted with the current key")
	}
	if got, _, err := k.Previous().Decrypt(reply); err != nil || string(got) != "<xml>reply</xml>" {
		t.Errorf("reply: %q, %v", got, err)
	}

	cur, err := k.Current().Encrypt([]byte("new"), nil)
	if err != nil {
		t.Fatal(err)
	}
	msg, used, err = k.Decrypt(cur)
	if err != nil || string(msg) != "new" || used != k.Current() {
		t.Errorf("Decrypt under the current key = %q, %v, %v", msg, used, err)
	}
}

func TestKeyringNeitherKey(t *testing.T) {
	t.Parallel()
	k, err := NewKeyring(vaAppID, otherKey, vbKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, give := range []string{va1Encrypt, va2Encrypt} {
		msg, used, err := k.Decrypt(give)
		if err == nil || msg != nil || used != nil {
			t.Fatalf("Decrypt = %q, %v, %v; want an error", msg, used, err)
		}
		if !strings.Contains(err.Error(), "current key") || !strings.Contains(err.Error(), "previous key") {
			t.Errorf("error %q does not report both attempts", err)
		}
		assertClean(t, err, otherKey, vbKey, va1Plain)
	}
	// Vector A1 encrypted for another appid: both keys fail, the current one with a mismatch.
	k2, err := NewKeyring("wx_other_appid", vaKey, otherKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := k2.Decrypt(va1Encrypt); !errors.Is(err, ErrAppIDMismatch) {
		t.Errorf("Decrypt = %v, want it to wrap ErrAppIDMismatch", err)
	}
	// A Base64 error is reported once.
	if _, _, err := k.Decrypt("%%%"); !errors.Is(err, ErrBadBase64) || strings.Contains(err.Error(), "previous") {
		t.Errorf("Decrypt(%%%%%%) = %v, want ErrBadBase64 alone", err)
	}
}

func TestKeyringWithoutPrevious(t *testing.T) {
	t.Parallel()
	for _, prev := range []string{"", vaKey} {
		k, err := NewKeyring(vaAppID, vaKey, prev)
		if err != nil {
			t.Fatal(err)
		}
		if k.Previous() != nil {
			t.Errorf("previous %q: Previous() = %v, want nil", prev, k.Previous())
		}
		msg, used, err := k.Decrypt(va2Encrypt)
		if err != nil || string(msg) != va2Plain || used != k.Current() {
			t.Errorf("Decrypt = %q, %v, %v", msg, used, err)
		}
		if _, _, err := k.Decrypt(vcEncrypt); !errors.Is(err, ErrAppIDMismatch) {
			t.Errorf("Decrypt(vector C) = %v, want ErrAppIDMismatch", err)
		}
	}
}

func TestNewKeyringRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                     string
		appID, current, previous string
		want                     string
	}{
		{name: "bad current", appID: vaAppID, current: "abcde", previous: vaKey, want: "current key"},
		{name: "bad previous", appID: vaAppID, current: vaKey, previous: "abcde", want: "previous key"},
		{name: "no appid", appID: "", current: vaKey, previous: "", want: "appid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewKeyring(tt.appID, tt.current, tt.previous)
			if !errors.Is(err, ErrBadKey) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewKeyring = %v, want ErrBadKey naming %q", err, tt.want)
			}
		})
	}
}
