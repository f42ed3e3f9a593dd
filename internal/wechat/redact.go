package wechat

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// redacted replaces the value of every secret query parameter in messages and logs.
const redacted = "REDACTED"

// isSecretParam reports whether the value of query parameter k must never leave this package
// in an error message or a log line.
func isSecretParam(k string) bool {
	switch strings.ToLower(k) {
	case "access_token", "secret", "appsecret", "component_access_token", "refresh_token", "code", "ticket":
		return true
	}
	return false
}

// TransportError is a failure to get an HTTP response from WeChat (DNS, connection, TLS,
// timeout, a broken or unreadable body). Its message names the method, the path and the
// query with secret values replaced by REDACTED; the underlying error stays reachable
// through Unwrap for errors.Is and errors.As (e.g. *net.OpError, context.DeadlineExceeded),
// but a *url.Error, whose message holds the whole URL, is never part of the chain.
type TransportError struct {
	// Method is the HTTP method.
	Method string
	// Path is the API path with its query redacted, e.g.
	// "/cgi-bin/token?appid=wx1&grant_type=client_credential&secret=REDACTED".
	Path string
	// AppID is the official account the call was made for (may be empty).
	AppID string
	// Err is the cause, with any *url.Error removed.
	Err error

	msg string
}

// newTransportError builds a TransportError for a request to u. Secret values in the cause's
// message are scrubbed too, in case a lower layer quoted the URL.
func newTransportError(method string, u *url.URL, appID string, err error) *TransportError {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	te := &TransportError{Method: method, Path: redactedPath(u), AppID: appID, Err: err}
	cause := scrubSecrets(err.Error(), u.Query())
	if appID == "" {
		te.msg = fmt.Sprintf("wechat: %s %s: %s", method, te.Path, cause)
	} else {
		te.msg = fmt.Sprintf("wechat: %s %s for %s: %s", method, te.Path, appID, cause)
	}
	return te
}

// Error returns the redacted message.
func (e *TransportError) Error() string { return e.msg }

// Unwrap returns the cause.
func (e *TransportError) Unwrap() error { return e.Err }

// redactedPath returns u's path and query with secret values replaced, keys sorted.
func redactedPath(u *url.URL) string {
	q := u.Query()
	if len(q) == 0 {
		return u.EscapedPath()
	}
	return u.EscapedPath() + "?" + redactQuery(q)
}

// redactQuery encodes q like url.Values.Encode, with secret values replaced by REDACTED.
func redactQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range q[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			if isSecretParam(k) {
				b.WriteString(redacted)
			} else {
				b.WriteString(url.QueryEscape(v))
			}
		}
	}
	return b.String()
}

// scrubSecrets replaces every secret query value of q that appears in s, raw or escaped.
func scrubSecrets(s string, q url.Values) string {
	for k, vs := range q {
		if !isSecretParam(k) {
			continue
		}
		for _, v := range vs {
			if v == "" {
				continue
			}
			s = strings.ReplaceAll(s, v, redacted)
			if esc := url.QueryEscape(v); esc != v {
				s = strings.ReplaceAll(s, esc, redacted)
			}
		}
	}
	return s
}
