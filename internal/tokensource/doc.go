// Package tokensource provides wechat.TokenSource implementations for domain services.
//
// Remote reaches the token service (wxsuite.token.v1.TokenService) over Connect or gRPC
// when it runs in another process, and keeps its own per-process cache: a token is reused
// until its expiry minus a margin (60 s by default), concurrent misses for one account are
// collapsed into one call, and RefreshAccessToken forwards a rejected token to the service
// only when the local cache does not already hold a newer one. The service itself refreshes
// only if the stale token is still current, so a burst of 40001s costs one WeChat fetch.
// An https:// URL is reached over TLS 1.2+ with RemoteConfig.TLS: the CA that signed the
// token service's certificate and, when that service requires client certificates
// (server.tls.client_ca_file), the certificate to present (mTLS).
//
// Cached is the lock-free cache Remote uses; a hit costs a few tens of nanoseconds and
// allocates nothing (see BenchmarkCachedHit).
//
// The in-process implementation, used when the token service runs in the same process, is
// supplied by the token service's own module.
package tokensource
