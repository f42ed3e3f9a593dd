package proxy

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// Errcodes the proxy answers itself, in the platform's {"errcode","errmsg"} shape with
// HTTP 200 as the platform does, so that SDKs surface them as they surface WeChat's own.
const (
	codeSystemError       = -1    // upstream unreachable, token source failed
	codeInvalidCredential = 40001 // access_token not handed out by the proxy, unknown API key
	codeInvalidGrantType  = 40002
	codeInvalidAppID      = 40013 // unknown account, or one the request does not name
	codeInvalidURL        = 40066 // a path outside the platform's API (proxy choice)
	codeInvalidAppSecret  = 40125 // the secret of a token request is no API key
	codeTokenMissing      = 41001
	codeAppIDMissing      = 41002
	codeSecretMissing     = 41004
	codeRequireGET        = 43001
	codeRequirePOST       = 43002
	codeMediaSize         = 45001
	codeContentSize       = 45002
	codeDailyQuota        = 45009
	codeDataFormat        = 47001
	codeAPIUnauthorized   = 48001 // no proxy scope, or an account the key may not use
)

// errmsgs are the platform's errmsg texts of the codes above (facts.md §3, behaviour.md §0).
var errmsgs = map[int]string{
	codeSystemError:       "system error",
	codeInvalidCredential: "invalid credential, access_token is invalid or not latest",
	codeInvalidGrantType:  "invalid grant_type",
	codeInvalidAppID:      "invalid appid",
	codeInvalidURL:        "invalid url",
	codeInvalidAppSecret:  "invalid appsecret",
	codeTokenMissing:      "access_token missing",
	codeAppIDMissing:      "appid missing",
	codeSecretMissing:     "appsecret missing",
	codeRequireGET:        "require GET method",
	codeRequirePOST:       "require POST method",
	codeMediaSize:         "media size out of limit",
	codeContentSize:       "content size out of limit",
	codeDailyQuota:        "reach max api daily quota limit",
	codeDataFormat:        "data format error",
	codeAPIUnauthorized:   "api unauthorized",
}

// RefusalError is a call the proxy answers itself without forwarding it: Code and the
// platform's errmsg, with Hint (what wxsuite found wrong, never a key, token or secret)
// appended as the platform appends its own hints: "invalid appid hint: [wxsuite proxy: …]".
type RefusalError struct {
	// Code is the platform errcode answered.
	Code int
	// Hint says what is wrong and how to fix it.
	Hint string
}

// Error returns the errmsg the caller receives.
func (e *RefusalError) Error() string {
	msg := errmsgs[e.Code]
	if e.Hint == "" {
		return msg
	}
	return msg + " hint: [wxsuite proxy: " + e.Hint + "]"
}

func refuse(code int, hint string) *RefusalError { return &RefusalError{Code: code, Hint: hint} }

// envelope is the platform's error answer.
type envelope struct {
	Errcode int    `json:"errcode"`
	Errmsg  string `json:"errmsg"`
}

// writeJSON answers v as the platform does: HTTP 200, JSON without HTML escaping.
func writeJSON(w http.ResponseWriter, v any) int {
	data, err := marshal(v)
	if err != nil { // the answer types always encode
		data = []byte(`{"errcode":-1,"errmsg":"system error"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; encoding=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	n, _ := w.Write(data) // a caller that went away is not an error of ours
	return n
}

// marshal encodes v without HTML escaping (the platform writes &, < and > raw).
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
