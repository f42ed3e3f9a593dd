package proxy

import (
	"net/url"
	"strings"
)

// queryParam returns the first value of name in the raw query, unescaped; ok is false
// when the parameter is absent. Pairs that do not unescape are skipped.
func queryParam(raw, name string) (value string, ok bool) {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		k, v, _ := strings.Cut(pair, "=")
		if key, err := url.QueryUnescape(k); err != nil || key != name {
			continue
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			continue
		}
		return val, true
	}
	return "", false
}

// setQueryParam returns raw with the parameter name set to value: the first pair of that
// name is replaced in place, later ones are dropped, and the parameter is appended when
// absent. Every other pair is kept byte for byte, in order (the platform sees the
// caller's query unchanged but for the substituted value).
func setQueryParam(raw, name, value string) string {
	enc := url.QueryEscape(name) + "=" + url.QueryEscape(value)
	var b strings.Builder
	b.Grow(len(raw) + len(enc) + 1)
	done, first := false, true
	for rest, more := raw, raw != ""; more; {
		var pair string
		pair, rest, more = strings.Cut(rest, "&")
		k, _, _ := strings.Cut(pair, "=")
		if key, err := url.QueryUnescape(k); err == nil && key == name {
			if done {
				continue
			}
			pair, done = enc, true
		}
		if !first {
			b.WriteByte('&')
		}
		b.WriteString(pair)
		first = false
	}
	if !done {
		if !first {
			b.WriteByte('&')
		}
		b.WriteString(enc)
	}
	return b.String()
}
