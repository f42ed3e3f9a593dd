package proxy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

// peekLimit is how much of a JSON answer the proxy reads before passing it on, to find a
// token errcode; error envelopes are far smaller, and larger answers stream untouched.
const peekLimit = 64 << 10

// hopHeaders are the hop-by-hop headers (RFC 9110 §7.6.1) never passed on.
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// serveForward authenticates a call of a platform path, substitutes its credentials and
// forwards it.
func (p *Proxy) serveForward(w http.ResponseWriter, r *http.Request, c *call, pathApp string) *RefusalError {
	ctx := r.Context()
	raw := r.URL.RawQuery
	token, _ := queryParam(raw, "access_token")
	requestApp, _ := queryParam(raw, "appid")
	cr := credentials{badKeyCode: codeInvalidCredential, missingCode: codeTokenMissing}
	switch c.kind {
	case kindAccountToken:
		cr.token = token
		requestApp = "" // the appid of e.g. clear_quota's body or a query is the platform's business
	case kindSNSExchange:
		cr.secret, _ = queryParam(raw, "secret")
		cr.badKeyCode, cr.missingCode = codeInvalidAppSecret, codeSecretMissing
	case kindSNSUser:
		// The user's tokens the proxy passed on from a code exchange identify the key
		// that made it (for SDKs that hold only appid and the key as the secret).
		if c.path == "/sns/oauth2/refresh_token" {
			cr.token, _ = queryParam(raw, "refresh_token")
		} else {
			cr.token = token
		}
	}
	caller, tokenApp, rerr := p.authenticate(ctx, r, c, cr)
	if rerr != nil {
		return rerr
	}
	c.keyID = caller.KeyID
	if tokenApp != "" {
		if pathApp != "" && pathApp != tokenApp {
			return refuse(codeInvalidCredential, fmt.Sprintf("this token was handed out for another account than %s", pathApp))
		}
		if requestApp != "" && requestApp != tokenApp {
			return refuse(codeInvalidAppID, fmt.Sprintf("this token was handed out for another account than %s", truncate(requestApp, 64)))
		}
		requestApp = tokenApp
	}
	appID, rerr := p.chooseAccount(caller, pathApp, requestApp)
	if rerr != nil {
		return rerr
	}
	if rerr := p.authorize(caller, appID); rerr != nil {
		return rerr
	}
	c.appID = appID

	count, refused, err := p.daily.spend(ctx, appID, c.path)
	if err != nil {
		// Counting is best effort: a Redis outage must not stop the API.
		p.log.LogAttrs(ctx, slog.LevelWarn, "proxy: daily call count unavailable", slog.String("app_id", appID), slog.String("error", err.Error()))
	} else if count > 0 || refused {
		p.metrics.setDaily(appID, c.path, count)
	}
	if refused {
		return refuse(codeDailyQuota, fmt.Sprintf("%d of the daily limit of %d calls of %s spent today; proxy.refuse_at is %v",
			count, p.daily.limits[c.path], c.path, p.cfg.RefuseAt))
	}

	switch c.kind {
	case kindAccountToken:
		token, err = p.tokens.AccessToken(ctx, appID)
		if err != nil {
			p.log.LogAttrs(ctx, slog.LevelError, "proxy: central token unavailable", slog.String("app_id", appID), slog.String("error", err.Error()))
			return refuse(codeSystemError, "the central access token is unavailable; retry later")
		}
		raw = setQueryParam(raw, "access_token", token)
	case kindSNSExchange:
		raw = setQueryParam(raw, "secret", p.accounts[appID].AppSecret.Reveal())
	}
	return p.forward(ctx, w, r, c, raw, token)
}

// forward sends the call (query raw, with token substituted when not "") and passes the
// answer on. A JSON answer with 40001/40014/42001 makes the token source refresh that
// exact token, and the call is sent once more with the new one when its body could be
// kept.
func (p *Proxy) forward(ctx context.Context, w http.ResponseWriter, r *http.Request, c *call, raw, token string) *RefusalError {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout.Std())
	defer cancel()
	body, rerr := p.readBody(r)
	if rerr != nil {
		return rerr
	}
	header := outboundHeader(r.Header)
	for attempt := 1; ; attempt++ {
		resp, err := p.fwd.Forward(ctx, &wechat.ForwardRequest{
			AppID: c.appID, Method: r.Method, Path: c.path, RawQuery: raw, Header: header,
			Body: body.reader(), ContentLength: body.length,
		})
		if err != nil {
			if body.limit != nil && body.limit.over {
				return p.tooLarge(r)
			}
			p.log.LogAttrs(ctx, slog.LevelWarn, "proxy: WeChat API unreachable", slog.String("app_id", c.appID),
				slog.String("path", c.path), slog.String("error", err.Error()))
			return refuse(codeSystemError, "the WeChat API could not be reached; retry later")
		}
		peek, errcode, parsed := peekErrcode(resp)
		if c.kind == kindAccountToken && parsed && isTokenInvalid(errcode) && attempt == 1 {
			// One passive refresh of that exact token per call, whatever the retry says.
			fresh, rerr := p.tokens.RefreshAccessToken(ctx, c.appID, token)
			switch {
			case rerr != nil:
				p.log.LogAttrs(ctx, slog.LevelWarn, "proxy: passive token refresh failed", slog.String("app_id", c.appID), slog.String("error", rerr.Error()))
			case body.replayable():
				p.metrics.refreshed(c.appID, "retried")
				_ = resp.Body.Close()
				token, c.retried = fresh, true
				raw = setQueryParam(raw, "access_token", fresh)
				continue
			default:
				p.metrics.refreshed(c.appID, "answered")
			}
		}
		if parsed && errcode == 0 && resp.StatusCode == http.StatusOK &&
			(c.kind == kindSNSExchange || c.path == "/sns/oauth2/refresh_token") {
			p.recordUserTokens(ctx, c, peek)
		}
		p.pass(ctx, w, c, resp, peek, errcode, parsed)
		if parsed && errcode == 0 && c.path == "/cgi-bin/clear_quota" && resp.StatusCode == http.StatusOK {
			if err := p.daily.reset(ctx, c.appID); err != nil {
				p.log.LogAttrs(ctx, slog.LevelWarn, "proxy: reset daily call counts", slog.String("app_id", c.appID), slog.String("error", err.Error()))
			}
		}
		return nil
	}
}

// pass writes the platform's answer: status and headers as received (hop-by-hop ones
// excepted), then the peeked bytes and the rest of the body, streamed.
func (p *Proxy) pass(ctx context.Context, w http.ResponseWriter, c *call, resp *http.Response, peek []byte, errcode int, parsed bool) {
	defer resp.Body.Close()
	h := w.Header()
	for k, vs := range resp.Header {
		h[k] = vs
	}
	removeHop(h)
	c.status, c.source = resp.StatusCode, sourceWeChat
	switch {
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		c.errcode = "http_" + strconv.Itoa(resp.StatusCode)
	case parsed:
		c.errcode = strconv.Itoa(errcode)
	default:
		c.errcode = "0"
	}
	w.WriteHeader(resp.StatusCode)
	n, _ := w.Write(peek)
	m, err := io.Copy(w, resp.Body)
	c.bytesOut = int64(n) + m
	if err != nil && ctx.Err() == nil {
		// The status is out already: the caller sees a cut body, and the log says why.
		p.log.LogAttrs(ctx, slog.LevelWarn, "proxy: answer cut short", slog.String("app_id", c.appID),
			slog.String("path", c.path), slog.String("error", err.Error()))
	}
}

func isTokenInvalid(code int) bool { return code == 40001 || code == 40014 || code == 42001 }

// peekErrcode reads a JSON answer of at most peekLimit bytes whole and returns its
// errcode (0 when it has none); parsed is false for other answers, whose first bytes may
// still have been read into peek.
func peekErrcode(resp *http.Response) (peek []byte, errcode int, parsed bool) {
	if !isJSONish(resp.Header.Get("Content-Type")) || resp.ContentLength > peekLimit {
		return nil, 0, false
	}
	var err error
	if resp.ContentLength >= 0 {
		// The common case: a declared length, read in one go.
		peek = make([]byte, resp.ContentLength)
		var n int
		n, err = io.ReadFull(resp.Body, peek)
		peek = peek[:n]
	} else {
		peek, err = io.ReadAll(io.LimitReader(resp.Body, peekLimit+1))
	}
	if err != nil || len(peek) > peekLimit {
		return peek, 0, false
	}
	if !bytes.Contains(peek, []byte(`"errcode"`)) {
		// A payload answer without errcode (ip_list, user lists …) is a success; only
		// check that it is JSON at all, cheaply.
		return peek, 0, json.Valid(peek)
	}
	var env struct {
		Errcode *int `json:"errcode"`
	}
	if json.Unmarshal(peek, &env) != nil {
		return peek, 0, false
	}
	if env.Errcode != nil {
		return peek, *env.Errcode, true
	}
	return peek, 0, true
}

// isJSONish reports whether an answer may be a JSON envelope: WeChat sends JSON as
// application/json, text/plain or without a type.
func isJSONish(ct string) bool {
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || mt == "text/plain" || mt == "text/json"
}

// outboundHeader is the caller's header without the API key, Host and hop-by-hop headers.
func outboundHeader(in http.Header) http.Header {
	h := make(http.Header, len(in))
	for k, vs := range in {
		switch k {
		case "Authorization", "X-Api-Key", "Content-Length", "Host":
			continue
		}
		h[k] = vs // read-only for the rest of the call
	}
	removeHop(h)
	return h
}

// removeHop deletes the hop-by-hop headers, including those named by Connection.
func removeHop(h http.Header) {
	for _, v := range h["Connection"] {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				h.Del(name)
			}
		}
	}
	for _, k := range hopHeaders {
		delete(h, k) // hopHeaders are canonical already
	}
}

// requestBody is a call's body: kept in memory (replayable) when small, else streamed.
type requestBody struct {
	kept   []byte       // the whole body, when it was small enough to keep
	stream io.Reader    // the body to stream, when it was not
	limit  *limitedBody // the stream's size guard, for bodies of unknown length
	length int64        // the length sent (-1 unknown)
	used   bool
}

func (b *requestBody) replayable() bool { return b.stream == nil }

// reader returns the body to send for one attempt.
func (b *requestBody) reader() io.Reader {
	if b.stream != nil {
		if b.used {
			return nil
		}
		b.used = true
		return b.stream
	}
	if b.length == 0 {
		return nil
	}
	return bytes.NewReader(b.kept)
}

// readBody keeps bodies of at most ReplayBodyBytes in memory and prepares larger ones
// for streaming, bounded by MaxBodyBytes.
func (p *Proxy) readBody(r *http.Request) (*requestBody, *RefusalError) {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return &requestBody{}, nil
	}
	if r.ContentLength > p.cfg.ReplayBodyBytes {
		// Declared and within MaxBodyBytes (checked before); the server bounds the read.
		return &requestBody{stream: r.Body, length: r.ContentLength}, nil
	}
	keep := p.cfg.ReplayBodyBytes
	if r.ContentLength > 0 {
		keep = r.ContentLength
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, keep+1))
	if err != nil {
		return nil, refuse(codeDataFormat, "could not read the request body")
	}
	if r.ContentLength > 0 && int64(len(data)) != r.ContentLength {
		return nil, refuse(codeDataFormat, "the request body is shorter than its Content-Length")
	}
	if int64(len(data)) <= keep {
		return &requestBody{kept: data, length: int64(len(data))}, nil
	}
	// Unknown length and larger than we keep: stream what was read and the rest, bounded.
	lb := &limitedBody{r: io.MultiReader(bytes.NewReader(data), r.Body), left: p.cfg.MaxBodyBytes}
	return &requestBody{stream: lb, limit: lb, length: -1}, nil
}

// errBodyTooLarge ends a streamed body of unknown length past MaxBodyBytes.
var errBodyTooLarge = errors.New("request body too large")

// limitedBody fails once more than left bytes were read, and remembers it.
type limitedBody struct {
	r    io.Reader
	left int64
	over bool
}

func (l *limitedBody) Read(p []byte) (int, error) {
	if l.left < 0 {
		l.over = true
		return 0, errBodyTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		l.over = true
		return 0, errBodyTooLarge
	}
	return n, err
}

// userTokenAnswer is the answer of the code exchange and of the user-token refresh.
type userTokenAnswer struct {
	AccessToken  string `json:"access_token"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
}

// refreshTokenLifetime is how long a user's refresh_token lives (30 days, facts §6.7).
const refreshTokenLifetime = 30 * 24 * time.Hour

// recordUserTokens notes which key obtained the user's tokens of a code exchange or
// refresh answer, so that later /sns/ calls carrying only them are recognised. A failure
// is logged: the caller still gets its answer, and calls with a key header still work.
func (p *Proxy) recordUserTokens(ctx context.Context, c *call, answer []byte) {
	var a userTokenAnswer
	if json.Unmarshal(answer, &a) != nil {
		return
	}
	ttl := time.Duration(a.ExpiresIn) * time.Second
	if ttl <= 0 || ttl > maxExpiresIn {
		ttl = maxExpiresIn
	}
	for _, t := range []struct {
		value string
		ttl   time.Duration
	}{{a.AccessToken, ttl}, {a.RefreshToken, refreshTokenLifetime}} {
		if t.value == "" {
			continue
		}
		if err := p.issued.record(ctx, c.appID, c.keyID, t.value, t.ttl); err != nil {
			p.log.LogAttrs(ctx, slog.LevelWarn, "proxy: record user tokens", slog.String("app_id", c.appID), slog.String("error", err.Error()))
			return
		}
	}
}
