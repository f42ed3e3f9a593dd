// Package token is the central access-token control (中控服务器) of wxsuite.
//
// For every configured official account it fetches the access token and the jsapi and
// wx_card tickets from WeChat, shares them with every replica through Redis, refreshes
// them before they expire and on demand when a caller reports a rejected token, and makes
// sure that only one replica talks to WeChat at a time.
//
// # How a credential is served
//
// Each credential (an account's access token, jsapi ticket or wx_card ticket) lives in
// three places: a per-process cache (an atomic pointer; a hit costs a map lookup and a
// clock read), a Redis entry shared by every replica, and WeChat. A call is answered from
// the process cache until the entry's refresh point, a time computed once by the replica
// that fetched it (expiry − refresh_margin − a random share of refresh_jitter) and shared
// through Redis so that every replica agrees on it. After the refresh point the process
// reads Redis (one reader per process and credential, however many callers wait); if Redis
// holds nothing newer, the replica that wins a Redis lock (SET NX PX with an owner value,
// released by a compare-and-delete script) fetches from WeChat while the others keep
// serving the still-valid current value or, when there is none, wait for the winner's
// result by polling the entry with backoff.
//
// The refresh margin must stay below the five minutes during which WeChat keeps the
// previous token valid after issuing a new one: then a token that any process or remote
// cache still holds is accepted until its own expiry.
//
// # Passive refresh
//
// RefreshAccessToken(app, stale) refreshes only when stale is still the current token;
// otherwise it returns the newer one. Forced refreshes of one account are at least
// min_forced_interval apart: a token rejected right after it was fetched means another
// system fetches tokens for the account, and refreshing in a loop would only burn the
// daily quota. That is reported (a metric and one log line) and refused with
// ResourceExhausted.
//
// # Web authorization, JS-SDK signing and platform operations
//
// The same process serves three more services on top of the credentials:
//
//   - OAuthService (oauth.go, usertokens.go): builds the web-authorization URL (the
//     redirect_uri's host must be one of accounts[].oauth_domains, compared by exact host
//     name, case- and port-insensitively, because WeChat accepts only the domains set in
//     its console), exchanges the code and keeps each user's access and refresh tokens in
//     Redis, sealed with AES-256-GCM under token.user_token_key, until the refresh token
//     expires 30 days after the exchange. Without that key the OAuth methods fail with
//     FailedPrecondition and the rest of the service works. Raw user tokens are returned
//     only to callers holding the oauth.tokens scope.
//   - JSSDKService (jssdk.go): wx.config, cardExt and cardSign signatures
//     (internal/wxcrypto) with the cached jsapi and wx_card tickets; page URLs must be on
//     accounts[].js_domains.
//   - PlatformService (platformops.go): WeChat's IP lists, the callback network probe, and
//     clear_quota, which needs confirm=true and is counted per account and month.
//
// # Redis keys
//
// Every key of an account carries the account in a hash tag, {app_id}, so that the lock,
// the credentials, the status, the users' authorizations ({app_id}:oauth:<hash of the
// openid>) and the quota-reset counts ({app_id}:clear_quota:<month>) of one account share
// a Redis Cluster slot.
package token
