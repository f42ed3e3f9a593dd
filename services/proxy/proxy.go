package proxy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"connectrpc.com/connect"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Params are New's inputs.
type Params struct {
	// Config is the `proxy` section; New applies SetDefaults and Validate to a copy.
	Config Config
	// WeChat is the `wechat` section: the base URL and fallback URLs calls go to.
	WeChat wechat.Config
	// Accounts are the configured official accounts; no other account is served.
	Accounts config.Accounts
	// Tokens supplies the central access tokens; when it also implements
	// wechat.ExpiringTokenSource, token answers carry the remaining lifetime.
	Tokens wechat.TokenSource
	// Auth authenticates callers (required).
	Auth *auth.Authenticator
	// Redis holds the records of handed-out tokens and the daily call counts (required).
	Redis redis.UniversalClient
	// Logger receives one line per call (nil discards them).
	Logger *slog.Logger
	// Registerer receives the wxsuite_proxy_* metrics (nil records none).
	Registerer prometheus.Registerer
	// HTTPClient sends the forwarded calls (nil: wechat.NewForwarder's default).
	HTTPClient *http.Client
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// Proxy is the transparent WeChat API proxy: an http.Handler family that serves the
// platform's API paths, authenticates callers with wxsuite API keys, answers token
// requests from the central token and forwards everything else to WeChat with the
// caller's access_token replaced. A Proxy is safe for concurrent use.
type Proxy struct {
	cfg      Config
	kinds    map[string]kind
	accounts map[string]config.Account
	tokens   wechat.TokenSource
	expiring wechat.ExpiringTokenSource
	fwd      *wechat.Forwarder
	auth     *auth.Authenticator
	issued   *issuedTokens
	daily    *dailyCounts
	metrics  *metrics
	log      *slog.Logger
	now      func() time.Time
}

// New validates p and builds the proxy.
func New(p Params) (*Proxy, error) {
	cfg := p.Config
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("proxy: invalid config: %w", config.Nest(config.SectionProxy, err))
	}
	switch {
	case p.Tokens == nil:
		return nil, errors.New("proxy: a token source is required")
	case p.Auth == nil:
		return nil, errors.New("proxy: an authenticator is required")
	case p.Redis == nil:
		return nil, errors.New("proxy: a Redis client is required")
	}
	log := p.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := p.Now
	if now == nil {
		now = time.Now
	}
	opts := []wechat.Option{wechat.WithLogger(log)}
	if p.HTTPClient != nil {
		opts = append(opts, wechat.WithHTTPClient(p.HTTPClient))
	}
	fwd, err := wechat.NewForwarder(p.WeChat, opts...)
	if err != nil {
		return nil, fmt.Errorf("proxy: %w", err)
	}
	m, err := newMetrics(p.Registerer)
	if err != nil {
		return nil, err
	}
	limits := cfg.limits()
	if err := registerLimits(p.Registerer, limits); err != nil {
		return nil, err
	}
	px := &Proxy{
		cfg:      cfg,
		kinds:    pathKinds(cfg.ExtraPaths),
		accounts: make(map[string]config.Account, len(p.Accounts)),
		tokens:   p.Tokens,
		fwd:      fwd,
		auth:     p.Auth,
		issued:   newIssuedTokens(p.Redis, cfg.KeyPrefix, now),
		daily:    &dailyCounts{redis: p.Redis, prefix: cfg.KeyPrefix, limits: limits, refuseAt: cfg.RefuseAt, now: now},
		metrics:  m,
		log:      log,
		now:      now,
	}
	px.expiring, _ = p.Tokens.(wechat.ExpiringTokenSource)
	for _, a := range p.Accounts {
		px.accounts[a.AppID] = a
	}
	return px, nil
}

// Routes returns the routes to mount on the server: the path prefix, and one route per
// configured host.
func (p *Proxy) Routes() []rpcserver.Route {
	routes := []rpcserver.Route{{Pattern: p.cfg.PathPrefix + "/", Handler: http.HandlerFunc(p.servePrefixed)}}
	for _, h := range p.cfg.Hosts {
		routes = append(routes, rpcserver.Route{Pattern: h + "/", Handler: http.HandlerFunc(p.serveHost)})
	}
	return routes
}

// PrefixHandler serves PathPrefix/{app_id}/<platform path> and PathPrefix/<platform path>;
// mount it at PathPrefix + "/".
func (p *Proxy) PrefixHandler() http.Handler { return http.HandlerFunc(p.servePrefixed) }

// HostHandler serves the platform's paths at the root (host-style mode: the account is
// chosen by the caller's key or the token request's appid).
func (p *Proxy) HostHandler() http.Handler { return http.HandlerFunc(p.serveHost) }

func (p *Proxy) servePrefixed(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, p.cfg.PathPrefix)
	if !ok || !strings.HasPrefix(rest, "/") {
		p.serve(w, r, "", rest)
		return
	}
	if platformRoot(rest) {
		p.serve(w, r, "", rest)
		return
	}
	seg, apiPath, _ := strings.Cut(rest[1:], "/")
	p.serve(w, r, seg, "/"+apiPath)
}

func (p *Proxy) serveHost(w http.ResponseWriter, r *http.Request) {
	p.serve(w, r, "", r.URL.Path)
}

// call is what the proxy learns about one call, for its log line and metrics.
type call struct {
	start    time.Time
	method   string
	path     string
	endpoint string // metric label: path, or otherEndpoint
	kind     kind
	appID    string
	keyID    string
	via      string // how the caller authenticated: header, secret, token
	status   int
	errcode  string
	source   string
	retried  bool
	bytesOut int64
}

// serve handles one call: pathApp is the account named in the URL ("" for none) and
// apiPath the platform path.
func (p *Proxy) serve(w http.ResponseWriter, r *http.Request, pathApp, apiPath string) {
	c := &call{start: p.now(), method: r.Method, path: apiPath, endpoint: otherEndpoint}
	defer p.finish(r.Context(), c)
	if rerr := p.handle(w, r, c, pathApp); rerr != nil {
		c.status, c.errcode, c.source = http.StatusOK, strconv.Itoa(rerr.Code), sourceProxy
		c.bytesOut = int64(writeJSON(w, envelope{Errcode: rerr.Code, Errmsg: rerr.Error()}))
	}
}

// handle answers the call itself or returns the refusal to answer.
func (p *Proxy) handle(w http.ResponseWriter, r *http.Request, c *call, pathApp string) *RefusalError {
	k, ok := p.kinds[c.path]
	if !ok {
		return refuse(codeInvalidURL, fmt.Sprintf("%q is not a WeChat Official Account API path this proxy serves (see proxy.extra_paths)", truncate(c.path, 128)))
	}
	c.kind, c.endpoint = k, c.path
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		if r.Method == http.MethodHead {
			return refuse(codeRequireGET, "method HEAD is not allowed; the WeChat API takes GET and POST")
		}
		return refuse(codeRequirePOST, fmt.Sprintf("method %s is not allowed; the WeChat API takes GET and POST", truncate(r.Method, 16)))
	}
	if pathApp != "" {
		if _, ok := p.accounts[pathApp]; !ok {
			return refuse(codeInvalidAppID, fmt.Sprintf("account %q is not configured in wxsuite", truncate(pathApp, 64)))
		}
	}
	if r.ContentLength > p.cfg.MaxBodyBytes {
		return p.tooLarge(r)
	}
	if k == kindTokenLocal {
		return p.serveToken(w, r, c, pathApp)
	}
	return p.serveForward(w, r, c, pathApp)
}

// tooLarge is the refusal of a body over MaxBodyBytes.
func (p *Proxy) tooLarge(r *http.Request) *RefusalError {
	code := codeContentSize
	if strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "multipart/") {
		code = codeMediaSize
	}
	return refuse(code, fmt.Sprintf("request body larger than proxy.max_body_bytes (%d bytes)", p.cfg.MaxBodyBytes))
}

// finish writes the call's log line and metrics.
func (p *Proxy) finish(ctx context.Context, c *call) {
	elapsed := p.now().Sub(c.start)
	if c.errcode == "" {
		c.errcode = "unknown"
	}
	p.metrics.observe(c.appID, c.endpoint, c.errcode, c.source, elapsed)
	p.log.LogAttrs(ctx, slog.LevelInfo, "proxy call",
		slog.String("app_id", c.appID), slog.String("key_id", c.keyID), slog.String("auth", c.via),
		slog.String("method", c.method), slog.String("path", truncate(c.path, 128)),
		slog.Int("status", c.status), slog.String("errcode", c.errcode), slog.String("source", c.source),
		slog.Bool("retried", c.retried), slog.Int64("bytes_out", c.bytesOut), slog.Duration("latency", elapsed))
}

// hasKeyHeader reports whether the request carries an API key header.
func hasKeyHeader(h http.Header) bool {
	return len(h["Authorization"]) > 0 || len(h["X-Api-Key"]) > 0
}

// credentials is what a request presents to authenticate.
type credentials struct {
	secret string // the secret of a token request or code exchange (an API key)
	token  string // the access_token of the request
	// badKeyCode is the errcode of a key that is not accepted: 40125 for token requests
	// and code exchanges, else 40001.
	badKeyCode int
	// missingCode is the errcode when nothing is presented: 41004 for token requests and
	// code exchanges, else 41001.
	missingCode int
}

// authenticate returns the caller, and the account the presented token was handed out
// for ("" unless authenticated by token).
func (p *Proxy) authenticate(ctx context.Context, r *http.Request, c *call, cr credentials) (*auth.Caller, string, *RefusalError) {
	switch {
	case hasKeyHeader(r.Header) || p.auth.Disabled():
		caller, err := p.auth.Authenticate(r.Header)
		if err != nil {
			return nil, "", refuse(cr.badKeyCode, "API key header: "+connectMessage(err))
		}
		c.via = "header"
		return caller, "", nil
	case cr.secret != "":
		caller, err := p.auth.AuthenticateKey(cr.secret)
		if err != nil {
			return nil, "", refuse(cr.badKeyCode, "the secret is not a wxsuite API key; send a key with the proxy scope as the secret, or in Authorization: Bearer")
		}
		c.via = "secret"
		return caller, "", nil
	case cr.token != "":
		rec, ok, err := p.issued.lookup(ctx, cr.token)
		if err != nil {
			p.log.LogAttrs(ctx, slog.LevelError, "proxy: look up handed-out token", slog.String("error", err.Error()))
			return nil, "", refuse(codeSystemError, "the token records (Redis) are unavailable; retry later")
		}
		if !ok {
			return nil, "", refuse(codeInvalidCredential, "this access_token was not handed out by the proxy, or long expired; fetch one from the proxy's /cgi-bin/token with an API key as the secret, or send the key in Authorization: Bearer")
		}
		for _, id := range rec.keyIDs {
			if caller, ok := p.auth.CallerByID(id); ok && caller.HasScope(auth.ScopeProxy) && caller.MayUse(rec.appID) {
				c.via = "token"
				return caller, rec.appID, nil
			}
		}
		return nil, "", refuse(codeInvalidCredential, "the API key this access_token was handed to no longer allows it; fetch a new token")
	}
	return nil, "", refuse(cr.missingCode, "no credentials: send a wxsuite API key in Authorization: Bearer or X-Api-Key, or as the appsecret of /cgi-bin/token")
}

// authorize checks the caller's scope and its right to the account appID, which must be
// configured.
func (p *Proxy) authorize(caller *auth.Caller, appID string) *RefusalError {
	if !caller.HasScope(auth.ScopeProxy) {
		return refuse(codeAPIUnauthorized, fmt.Sprintf("API key %q lacks the %q scope", caller.KeyID, auth.ScopeProxy))
	}
	if _, ok := p.accounts[appID]; !ok {
		return refuse(codeInvalidAppID, fmt.Sprintf("account %q is not configured in wxsuite", truncate(appID, 64)))
	}
	if !caller.MayUse(appID) {
		return refuse(codeAPIUnauthorized, fmt.Sprintf("API key %q may not use account %s", caller.KeyID, appID))
	}
	return nil
}

// soleAccount returns the one account the caller may use, when there is exactly one.
func soleAccount(caller *auth.Caller) (string, bool) {
	if len(caller.AppIDs) != 1 || caller.AppIDs[0] == auth.AllAccounts {
		return "", false
	}
	return caller.AppIDs[0], true
}

// chooseAccount picks the call's account: the one the URL names, else the one the request
// names (appid), else the key's only account.
func (p *Proxy) chooseAccount(caller *auth.Caller, pathApp, requestApp string) (string, *RefusalError) {
	switch {
	case pathApp != "" && requestApp != "" && pathApp != requestApp:
		return "", refuse(codeInvalidAppID, fmt.Sprintf("the request is for %q but the URL names %s", truncate(requestApp, 64), pathApp))
	case pathApp != "":
		return pathApp, nil
	case requestApp != "":
		return requestApp, nil
	}
	if id, ok := soleAccount(caller); ok {
		return id, nil
	}
	return "", refuse(codeInvalidAppID, fmt.Sprintf("name the account: %s/{app_id}/… (the API key may use several accounts)", p.cfg.PathPrefix))
}

// connectMessage is the message of an authentication error (never the key).
func connectMessage(err error) string {
	var ce *connect.Error
	if errors.As(err, &ce) {
		return ce.Message()
	}
	return "invalid"
}

// truncate bounds caller-supplied text in messages and logs.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
