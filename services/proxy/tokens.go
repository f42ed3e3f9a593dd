package proxy

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// maxTokenBody bounds the JSON body of a stable_token request.
const maxTokenBody = 64 << 10

// maxExpiresIn is the platform's token lifetime; no answer claims more.
const maxExpiresIn = 7200 * time.Second

// tokenRequest is a /cgi-bin/token or /cgi-bin/stable_token request.
type tokenRequest struct {
	GrantType    string `json:"grant_type"`
	AppID        string `json:"appid"`
	Secret       string `json:"secret"`
	ForceRefresh bool   `json:"force_refresh"`
}

// tokenAnswer is the platform's token answer.
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
}

// serveToken answers /cgi-bin/token and /cgi-bin/stable_token from the central token:
// the caller's key (header, or in place of the secret) is checked against the
// configuration, never sent anywhere, and nothing reaches WeChat. force_refresh is
// ignored: the central token is shared, and a refresh would invalidate it for every
// other caller.
func (p *Proxy) serveToken(w http.ResponseWriter, r *http.Request, c *call, pathApp string) *RefusalError {
	req, rerr := parseTokenRequest(r, c.path)
	if rerr != nil {
		return rerr
	}
	switch {
	case req.GrantType != "client_credential":
		return refuse(codeInvalidGrantType, "grant_type must be client_credential")
	case req.AppID == "":
		return refuse(codeAppIDMissing, "the appid parameter is required")
	}
	caller, _, rerr := p.authenticate(r.Context(), r, c, credentials{secret: req.Secret, badKeyCode: codeInvalidAppSecret, missingCode: codeSecretMissing})
	if rerr != nil {
		return rerr
	}
	c.keyID = caller.KeyID
	appID, rerr := p.chooseAccount(caller, pathApp, req.AppID)
	if rerr != nil {
		return rerr
	}
	c.appID = appID
	if rerr := p.authorize(caller, appID); rerr != nil {
		c.appID = ""
		return rerr
	}
	ctx := r.Context()
	token, expiresIn, err := p.centralToken(ctx, appID)
	if err != nil {
		p.log.LogAttrs(ctx, slog.LevelError, "proxy: central token unavailable", slog.String("app_id", appID), slog.String("error", err.Error()))
		return refuse(codeSystemError, "the central access token is unavailable; retry later")
	}
	if err := p.issued.record(ctx, appID, caller.KeyID, token, expiresIn); err != nil {
		// Callers that send the key with every call still work; those that send only the
		// token would be refused, so say so now rather than later.
		p.log.LogAttrs(ctx, slog.LevelError, "proxy: record handed-out token", slog.String("app_id", appID), slog.String("error", err.Error()))
		return refuse(codeSystemError, "the token records (Redis) are unavailable; retry later")
	}
	c.status, c.errcode, c.source = http.StatusOK, "0", sourceProxy
	c.bytesOut = int64(writeJSON(w, tokenAnswer{AccessToken: token, ExpiresIn: int64(expiresIn / time.Second)}))
	return nil
}

// parseTokenRequest reads the parameters: the query of /cgi-bin/token, the JSON body of
// /cgi-bin/stable_token (POST only, as the platform requires).
func parseTokenRequest(r *http.Request, path string) (tokenRequest, *RefusalError) {
	if path == "/cgi-bin/token" {
		var req tokenRequest
		req.GrantType, _ = queryParam(r.URL.RawQuery, "grant_type")
		req.AppID, _ = queryParam(r.URL.RawQuery, "appid")
		req.Secret, _ = queryParam(r.URL.RawQuery, "secret")
		return req, nil
	}
	if r.Method != http.MethodPost {
		return tokenRequest{}, refuse(codeRequirePOST, "stable_token takes a JSON body by POST")
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxTokenBody+1))
	if err != nil {
		return tokenRequest{}, refuse(codeDataFormat, "could not read the request body")
	}
	if len(data) > maxTokenBody {
		return tokenRequest{}, refuse(codeContentSize, "stable_token body larger than 64 KiB")
	}
	var req tokenRequest
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&req); err != nil {
		return tokenRequest{}, refuse(codeDataFormat, "the body must be a JSON object with grant_type, appid and secret")
	}
	return req, nil
}

// centralToken returns the account's current token and its remaining lifetime, or
// FallbackExpiresIn when the token source cannot tell (never more than 7200 s, never
// below 1 s).
func (p *Proxy) centralToken(ctx context.Context, appID string) (string, time.Duration, error) {
	if p.expiring != nil {
		token, exp, err := p.expiring.AccessTokenWithExpiry(ctx, appID)
		if err != nil {
			return "", 0, err
		}
		if exp.IsZero() {
			return token, time.Duration(p.cfg.FallbackExpiresIn), nil
		}
		left := exp.Sub(p.now()).Truncate(time.Second)
		return token, min(max(left, time.Second), maxExpiresIn), nil
	}
	token, err := p.tokens.AccessToken(ctx, appID)
	if err != nil {
		return "", 0, err
	}
	return token, time.Duration(p.cfg.FallbackExpiresIn), nil
}
