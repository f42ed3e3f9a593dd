package auth

import (
	"crypto/sha256"
	"errors"
	"strings"

	"connectrpc.com/connect"
)

// AuthenticateKey returns the caller of a key presented outside the usual headers: the
// transparent proxy accepts a key in place of an AppSecret, for SDKs that can set only an
// appid and a secret. Surrounding spaces are ignored. While the Authenticator is disabled
// it returns the anonymous caller. An empty or unknown key gives an Unauthenticated
// *connect.Error that never contains the key. The returned Caller is shared: do not
// modify it.
func (a *Authenticator) AuthenticateKey(key string) (*Caller, error) {
	if a.disabled {
		return a.anonymous.caller, nil
	}
	key = strings.TrimSpace(key)
	if key == "" {
		return nil, connect.NewError(connect.CodeUnauthenticated, errors.New(msgMissingKey))
	}
	k, ok := a.keys[sha256.Sum256([]byte(key))]
	if !ok {
		return nil, connect.NewError(connect.CodeUnauthenticated, errors.New(msgUnknownKey))
	}
	return k.caller, nil
}

// CallerByID returns the caller of the configured key named id (KeyConfig.ID), so that a
// credential recorded by key id (the proxy's record of the tokens it handed to a key)
// follows later changes of that key's scopes and accounts, and dies with the key. While
// the Authenticator is disabled, AnonymousKeyID names the anonymous caller. The returned
// Caller is shared: do not modify it.
func (a *Authenticator) CallerByID(id string) (*Caller, bool) {
	if a.disabled && id == AnonymousKeyID {
		return a.anonymous.caller, true
	}
	for _, k := range a.keys {
		if k.caller.KeyID == id {
			return k.caller, true
		}
	}
	return nil, false
}
