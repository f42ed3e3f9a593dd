package proxy_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
	"github.com/wxsuite/wxsuite/services/proxy"
)

// Test API keys (48 characters, like GenerateKey's) and what they may do.
const (
	keyA       = "wxsk_proxytest_a_00000000000000000000000000000000" // proxy, account A
	keyAB      = "wxsk_proxytest_ab_0000000000000000000000000000000" // proxy, accounts A and B
	keyNoScope = "wxsk_proxytest_noscope_00000000000000000000000000" // token.read, account A
	keyRevoked = "wxsk_proxytest_revoked_00000000000000000000000000" // not configured
)

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// sandboxTokens is a wechat.ExpiringTokenSource over the sandbox's /cgi-bin/token, as the
// token service would be: one current token per account, refreshed only when the stale
// token reported is the current one. It counts its fetches and refreshes.
type sandboxTokens struct {
	base    string
	secrets map[string]string
	http    *http.Client
	now     func() time.Time

	fetches   atomic.Int32
	refreshes atomic.Int32

	mu      sync.Mutex
	current map[string]string
	expiry  map[string]time.Time
	stale   []string
}

func (s *sandboxTokens) fetch(ctx context.Context, appID string) (string, error) {
	s.fetches.Add(1)
	q := url.Values{"grant_type": {"client_credential"}, "appid": {appID}, "secret": {s.secrets[appID]}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/cgi-bin/token?"+q.Encode(), nil)
	resp, err := s.http.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
		Errcode     int    `json:"errcode"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return "", err
	}
	if out.AccessToken == "" {
		return "", fmt.Errorf("token fetch for %s: errcode %d", appID, out.Errcode)
	}
	s.current[appID] = out.AccessToken
	s.expiry[appID] = s.now().Add(time.Duration(out.ExpiresIn) * time.Second)
	return out.AccessToken, nil
}

func (s *sandboxTokens) AccessToken(ctx context.Context, appID string) (string, error) {
	tok, _, err := s.AccessTokenWithExpiry(ctx, appID)
	return tok, err
}

func (s *sandboxTokens) AccessTokenWithExpiry(ctx context.Context, appID string) (string, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.secrets[appID]; !ok {
		return "", time.Time{}, fmt.Errorf("unknown account %s", appID)
	}
	if tok, ok := s.current[appID]; ok {
		return tok, s.expiry[appID], nil
	}
	tok, err := s.fetch(ctx, appID)
	return tok, s.expiry[appID], err
}

func (s *sandboxTokens) RefreshAccessToken(ctx context.Context, appID, stale string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refreshes.Add(1)
	s.stale = append(s.stale, stale)
	if tok, ok := s.current[appID]; ok && tok != stale {
		return tok, nil
	}
	return s.fetch(ctx, appID)
}

func (s *sandboxTokens) Current(appID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current[appID]
}

// recorded is one request as the sandbox received it, and what it answered.
type recorded struct {
	Method, Path, RawQuery, ContentType, TestHeader, Authorization, APIKey string
	Body                                                                   []byte
	Status                                                                 int
	Answer                                                                 []byte
}

// recorder wraps the sandbox's API handler and keeps every request and answer.
type recorder struct {
	next http.Handler
	mu   sync.Mutex
	reqs []recorded
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	cw := &captureWriter{ResponseWriter: w}
	rc.next.ServeHTTP(cw, r)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.reqs = append(rc.reqs, recorded{
		Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, ContentType: r.Header.Get("Content-Type"),
		TestHeader: r.Header.Get("X-Test"), Authorization: r.Header.Get("Authorization"), APIKey: r.Header.Get("X-Api-Key"),
		Body: body, Status: cw.status, Answer: cw.buf.Bytes(),
	})
}

func (rc *recorder) take() []recorded {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := rc.reqs
	rc.reqs = nil
	return out
}

type captureWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (c *captureWriter) WriteHeader(s int) { c.status = s; c.ResponseWriter.WriteHeader(s) }
func (c *captureWriter) Write(p []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	c.buf.Write(p)
	return c.ResponseWriter.Write(p)
}

// env is a proxy in front of a sandbox holding accounts A and B.
type env struct {
	A, B    string
	sb      *sandboxtest.Env
	rec     *recorder
	tokens  *sandboxTokens
	proxy   *proxy.Proxy
	url     string // the proxy server's URL
	reg     *prometheus.Registry
	logs    *syncBuffer
	prefix  string
	secrets map[string]string
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}
func (b *syncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.buf.String() }

// newEnv starts the sandbox, the proxy (configured by cfg, base URL the recording
// sandbox) and a server with the proxy's routes.
func newEnv(t testing.TB, cfg proxy.Config) *env {
	t.Helper()
	return newEnvUpstream(t, cfg, nil)
}

// newEnvUpstream is newEnv with the proxy's WeChat base URL served by upstream instead of
// the recording sandbox (when not nil); tokens still come from the sandbox.
func newEnvUpstream(t testing.TB, cfg proxy.Config, upstreamHandler http.Handler) *env {
	t.Helper()
	return newEnvWith(t, cfg, upstreamHandler, nil, nil)
}

// plainTokens hides the expiry of a token source (a TokenSource that cannot tell it).
type plainTokens struct{ wechat.TokenSource }

// newEnvWith is newEnvUpstream with the proxy's token source wrapped by wrap and its Redis
// client replaced by rdb (each when not nil).
func newEnvWith(t testing.TB, cfg proxy.Config, upstreamHandler http.Handler, wrap func(wechat.TokenSource) wechat.TokenSource, rdb redis.UniversalClient) *env {
	t.Helper()
	id := randomHex(6)
	e := &env{A: "wxa" + id, B: "wxb" + id, prefix: "proxytest:" + id}
	e.secrets = map[string]string{e.A: randomHex(16), e.B: randomHex(16)}
	e.sb = sandboxtest.Start(t, sandbox.Account{AppID: e.A, AppSecret: e.secrets[e.A]}, sandbox.Account{AppID: e.B, AppSecret: e.secrets[e.B]})
	e.rec = &recorder{next: e.sb.Sandbox.Handler()}
	if upstreamHandler == nil {
		upstreamHandler = e.rec
	}
	upstream := httptest.NewServer(upstreamHandler)
	t.Cleanup(upstream.Close)
	e.tokens = &sandboxTokens{base: e.sb.URL, secrets: e.secrets, http: e.sb.Client, now: e.sb.Sandbox.Now,
		current: map[string]string{}, expiry: map[string]time.Time{}}

	authn, err := auth.New(auth.Params{Config: auth.Config{Keys: []auth.KeyConfig{
		{ID: "key-a", Hash: auth.KeyHash(keyA), AppIDs: []string{e.A}, Scopes: []string{auth.ScopeProxy}},
		{ID: "key-ab", Hash: auth.KeyHash(keyAB), AppIDs: []string{e.A, e.B}, Scopes: []string{auth.ScopeProxy}},
		{ID: "key-noscope", Hash: auth.KeyHash(keyNoScope), AppIDs: []string{e.A}, Scopes: []string{auth.ScopeTokenRead}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	cfg.KeyPrefix = e.prefix
	e.reg = prometheus.NewRegistry()
	if rdb == nil {
		rdb = redistest.New(t)
	}
	var tokens wechat.TokenSource = e.tokens
	if wrap != nil {
		tokens = wrap(tokens)
	}
	e.logs = &syncBuffer{}
	e.proxy, err = proxy.New(proxy.Params{
		Config: cfg, WeChat: wechat.Config{BaseURL: upstream.URL},
		Accounts: config.Accounts{{AppID: e.A, AppSecret: config.NewSecret(e.secrets[e.A])}, {AppID: e.B, AppSecret: config.NewSecret(e.secrets[e.B])}},
		Tokens:   tokens, Auth: authn, Redis: rdb,
		Logger:     slog.New(slog.NewJSONHandler(e.logs, nil)),
		Registerer: e.reg, Now: e.sb.Sandbox.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	for _, r := range e.proxy.Routes() {
		mux.Handle(r.Pattern, r.Handler)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	e.url = srv.URL
	return e
}

// answer is a decoded JSON answer.
type answer struct {
	Status      int
	Header      http.Header
	Raw         []byte
	Errcode     int    `json:"errcode"`
	Errmsg      string `json:"errmsg"`
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
}

// do sends a request to the proxy; header pairs are name, value.
func (e *env) do(t testing.TB, method, path, body string, header ...string) answer {
	t.Helper()
	var rb io.Reader
	if body != "" {
		rb = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.url+path, rb)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	a := answer{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	_ = json.Unmarshal(raw, &a)
	return a
}

// sandboxCalls returns the sandbox's call log for path.
func (e *env) sandboxCalls(path string) []sandbox.Call {
	return e.sb.Sandbox.Calls(sandbox.CallFilter{Path: path})
}
