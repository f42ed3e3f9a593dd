// Package proxy is the transparent WeChat API proxy: existing SDK-based code points its
// API base URL at wxsuite and shares the central access token without a code change.
//
// The proxy serves the platform's Official Account API paths under a path prefix
// (/wx/{app_id}/cgi-bin/…, or /wx/cgi-bin/… with the account chosen by the caller's key)
// and, optionally, at the root of dedicated host names. It authenticates callers with
// wxsuite API keys holding the proxy scope (in a header, or in place of the AppSecret of
// a token request), answers /cgi-bin/token and /cgi-bin/stable_token from the central
// token, replaces the access_token of every other call with the central one, refreshes
// that exact token once and retries on 40001/40014/42001, streams bodies both ways and
// passes the platform's status, headers and JSON on unchanged. It counts calls per
// account and path against the platform's daily limits and can refuse with 45009 before
// a configured share is spent. Refusals come in the platform's errcode/errmsg shape.
package proxy
