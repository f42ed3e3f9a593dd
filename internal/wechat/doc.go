// Package wechat is the low-level HTTP client every wxsuite service uses to reach the
// WeChat Official Account API (api.weixin.qq.com).
//
// A Client built with New sends a Request and decodes the JSON answer:
//
//   - The access_token query parameter comes from a TokenSource (WithTokenSource) unless
//     Request.NoToken is set. When WeChat rejects it (errcode 40001, 40014 or 42001) the
//     client calls TokenSource.RefreshAccessToken with that exact token and sends the request
//     once more with the token it gets back; it never refreshes twice for one call.
//   - A non-zero errcode becomes an *Error; an answer without errcode is a success (many read
//     endpoints omit it). A non-2xx status becomes a *StatusError, a failure to get an answer
//     a *TransportError.
//   - Idempotent requests (GET, or Request.Idempotent) are retried up to Config.MaxRetries
//     times, with exponential backoff and jitter, on errcode -1 (system busy), 5xx answers and
//     transport failures. A request that never reached the server (DNS failure, failed dial,
//     refused connection) is sent again whatever its method, first to the next of
//     Config.FallbackURLs (api2.weixin.qq.com, the platform's disaster-recovery domain, by
//     default). A fallback that answered stays preferred for 30 s before the primary is
//     tried again.
//   - Each HTTP attempt is bounded by Config.Timeout unless the context ends sooner.
//   - Bodies are JSON without HTML escaping: WeChat wants raw "&", "<" and ">".
//
// # Secrets
//
// Tokens and app secrets never appear in an error message or a log line. Go's *url.Error
// prints the whole URL, access_token and secret included, so transport failures are
// returned as *TransportError, whose message holds the path with access_token, secret,
// code, ticket and refresh_token values replaced by REDACTED, and whose chain keeps the
// network error (for errors.Is and errors.As) but not the *url.Error. The debug line logged
// for every attempt holds app_id, path, host, errcode, attempt and latency only.
//
// # Error codes
//
// Error.ConnectError (and ConnectErrorFrom for any error of Do) maps errcodes to connect
// codes and attaches a google.rpc.ErrorInfo detail {Reason: "WECHAT_ERRCODE", Domain:
// "api.weixin.qq.com", Metadata: errcode, errmsg, path, app_id}. Clients of a wxsuite
// service read it back with ErrorInfoFrom, Code and IsTokenInvalid. CodeFor applies this
// table, explicit codes first, then the errcode's family (errcode/1000):
//
//	errcode                                              connect code        meaning
//	-1                                                   Unavailable         system busy; retried when idempotent
//	40001 40014 42001 41001 42007                        Unauthenticated     access token invalid, not latest, expired, missing
//	40164                                                PermissionDenied    caller IP not whitelisted; the message names the IP
//	                                                                         and where to whitelist it
//	48001 48002 48004 50001 50002 50004 50007 61024      PermissionDenied    API or user not authorised, account restricted/frozen
//	89501 89503 89506 89507                              FailedPrecondition  risky IP awaiting or refused by the administrator
//	45009 45011 45047 45026 45028 45029 45056 45066      ResourceExhausted   daily/minute quotas, push and count limits
//	45074 48006 65305 65405
//	43004 43019 43101 45015 45057 45058 45080 45081      FailedPrecondition  state forbids it: not following, blacklisted,
//	48003 48005 65400 65402 65413 65414 65415                                48 h window over, tag in use, kf not ready …
//	45065 65406                                          AlreadyExists       duplicate clientmsgid, kf account exists
//	43001 43002                                          Internal            wrong HTTP method: a bug on our side
//	49003 61500 61501                                    InvalidArgument     openid of another app, bad date or date range
//	other 40xxx 41xxx 42xxx 44xxx 45xxx 47xxx            InvalidArgument     invalid or missing input (40003 openid, 40013
//	                                                                         appid, 40125 secret, 41002/41004 missing appid/
//	                                                                         secret, 40033 charset, 41011 missing fields,
//	                                                                         44002 empty body, 47001 bad JSON, sizes …)
//	other 46xxx                                          NotFound            no such media, menu or user
//	other 48xxx                                          PermissionDenied    forbidden
//	anything else                                        Unknown
//
// *StatusError maps to Unavailable for 5xx and 429 and to Unknown otherwise;
// *TransportError to Unavailable, or DeadlineExceeded/Canceled when the context ended.
//
// # Metrics
//
// WithMetrics registers wxsuite_wechat_calls_total{endpoint,errcode} (errcode "0" for
// success, the WeChat errcode, "http_<status>", "transport" or "invalid_json") and
// wxsuite_wechat_call_duration_seconds{endpoint}; both count HTTP attempts. The endpoint
// label is Request.Path, so callers forwarding arbitrary paths (the proxy) must restrict
// them to known endpoints.
package wechat
