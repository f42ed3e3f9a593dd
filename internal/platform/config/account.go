package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// SetDefaults sets TokenEndpoint to "token" and Name to the AppID where they are empty.
func (a *Account) SetDefaults() {
	if a.TokenEndpoint == "" {
		a.TokenEndpoint = TokenEndpointToken
	}
	if a.Name == "" {
		a.Name = a.AppID
	}
}

// Validate checks one account; keys in its errors are relative to the account
// ("app_secret").
func (a Account) Validate() error {
	var errs []error
	if a.AppID == "" {
		errs = append(errs, &FieldError{Key: "app_id", Msg: "required"})
	}
	if a.AppSecret.IsZero() {
		errs = append(errs, &FieldError{Key: "app_secret", Msg: "required"})
	}
	switch a.TokenEndpoint {
	case "", TokenEndpointToken, TokenEndpointStable:
	default:
		errs = append(errs, &FieldError{Key: "token_endpoint",
			Msg: fmt.Sprintf("%q: want %q or %q", a.TokenEndpoint, TokenEndpointToken, TokenEndpointStable)})
	}
	if k := a.EncodingAESKey; !k.IsZero() && !validAESKey(k.Reveal()) {
		errs = append(errs, &FieldError{Key: "encoding_aes_key", Msg: "want exactly 43 base64 characters"})
	}
	if k := a.PreviousEncodingAESKey; !k.IsZero() && !validAESKey(k.Reveal()) {
		errs = append(errs, &FieldError{Key: "previous_encoding_aes_key", Msg: "want exactly 43 base64 characters"})
	}
	for _, list := range []struct {
		key   string
		hosts []string
	}{{"oauth_domains", a.OAuthDomains}, {"js_domains", a.JSDomains}} {
		for i, h := range list.hosts {
			if !validDomain(h) {
				errs = append(errs, &FieldError{Key: JoinKey(list.key, i),
					Msg: fmt.Sprintf("%q: want a host name, optionally with a port (no scheme or path)", h)})
			}
		}
	}
	return errors.Join(errs...)
}

// validDomain reports whether d is a host name or IP, optionally with a port, and nothing else.
func validDomain(d string) bool {
	if d == "" || strings.ContainsAny(d, "/?#@ \t") {
		return false
	}
	u, err := url.Parse("http://" + d)
	return err == nil && u.Host == d && u.Hostname() != ""
}

// validAESKey reports whether k is an EncodingAESKey: 43 characters of unpadded standard
// base64 (32 bytes once decoded).
func validAESKey(k string) bool {
	if len(k) != 43 {
		return false
	}
	_, err := base64.RawStdEncoding.DecodeString(k)
	return err == nil
}

// SetDefaults applies Account.SetDefaults to every account.
func (as *Accounts) SetDefaults() {
	for i := range *as {
		(*as)[i].SetDefaults()
	}
}

// Validate checks every account and that AppIDs are unique. Keys in its errors are relative
// to the list ("[1].app_secret"); File.Section reports them as "accounts[1].app_secret".
func (as Accounts) Validate() error {
	var errs []error
	first := make(map[string]int, len(as))
	for i, a := range as {
		if err := a.Validate(); err != nil {
			errs = append(errs, Nest(JoinKey("", fmt.Sprintf("[%d]", i)), err))
		}
		if a.AppID == "" {
			continue
		}
		if j, dup := first[a.AppID]; dup {
			errs = append(errs, &FieldError{Key: fmt.Sprintf("[%d].app_id", i),
				Msg: fmt.Sprintf("duplicate: account %d has the same app_id", j)})
			continue
		}
		first[a.AppID] = i
	}
	return errors.Join(errs...)
}

// Find returns the account with the given AppID.
func (as Accounts) Find(appID string) (Account, bool) {
	for _, a := range as {
		if a.AppID == appID {
			return a, true
		}
	}
	return Account{}, false
}
