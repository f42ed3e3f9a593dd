package wechat

import (
	"context"
	"time"
)

// TokenSource supplies access tokens to the WeChat client. The token service provides the
// in-process implementation when co-located; internal/tokensource provides a remote one.
type TokenSource interface {
	// AccessToken returns the account's current access token.
	AccessToken(ctx context.Context, appID string) (string, error)
	// RefreshAccessToken reports that WeChat rejected staleToken (40001/40014/42001) and
	// returns the token to retry with: a newer one if staleToken is no longer current,
	// otherwise a freshly fetched one.
	RefreshAccessToken(ctx context.Context, appID, staleToken string) (string, error)
}

// ExpiringTokenSource is optionally implemented by a TokenSource that knows when the token
// it hands out expires (the token service in-process, and the remote client). The
// transparent proxy uses it to answer /cgi-bin/token with the remaining lifetime.
type ExpiringTokenSource interface {
	TokenSource
	// AccessTokenWithExpiry returns the account's current access token and when WeChat
	// stops accepting it; a zero time means the expiry is not known.
	AccessTokenWithExpiry(ctx context.Context, appID string) (string, time.Time, error)
}
