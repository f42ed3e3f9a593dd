package token

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

// env is one test's world: a sandbox over real HTTP holding one account, a Redis, and a
// helper to build token services (replicas) sharing them.
type env struct {
	t      testing.TB
	sb     *sandboxtest.Env
	rdb    redis.UniversalClient
	appID  string
	secret string
	logs   *syncBuffer
	// userKey is the user_token_key of every replica of the env.
	userKey config.Secret
}

// newEnv creates an account with a unique app_id so that tests sharing one real Redis
// never see each other's keys.
func newEnv(t testing.TB) *env {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	appID := "wxt" + hex.EncodeToString(b[:])
	secret := "s3cr3t" + hex.EncodeToString(b[:]) + "f00d"
	sb := sandboxtest.Start(t, sandbox.Account{AppID: appID, AppSecret: secret, Name: t.Name()})
	return &env{t: t, sb: sb, rdb: redistest.New(t), appID: appID, secret: secret, logs: &syncBuffer{}, userKey: userTokenKey()}
}

// Domains of the test account (accounts[].oauth_domains and js_domains).
const (
	oauthDomain = "app.example.com"
	jsDomain    = "www.example.com"
)

// account returns the configured account matching the sandbox's.
func (e *env) account() config.Account {
	return config.Account{
		AppID: e.appID, Name: "test", AppSecret: config.NewSecret(e.secret), TokenEndpoint: config.TokenEndpointToken,
		OAuthDomains: []string{oauthDomain, "127.0.0.1:8443"}, JSDomains: []string{jsDomain},
	}
}

// userTokenKey returns a fresh token.user_token_key.
func userTokenKey() config.Secret {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return config.NewSecret(base64.StdEncoding.EncodeToString(b[:]))
}

// service builds and starts one replica; mutate adjusts its parameters.
func (e *env) service(mutate ...func(*Params)) *Service {
	e.t.Helper()
	warm := false
	p := Params{
		Config: Config{
			CheckInterval:  config.Duration(10 * time.Millisecond),
			FailureBackoff: config.Duration(time.Millisecond),
			Warmup:         &warm,
			// The sandbox's authorize page, so that tests can follow the URL.
			OAuthAuthorizeURL: e.sb.URL + "/connect/oauth2/authorize",
			UserTokenKey:      e.userKey,
		},
		WeChat: wechat.Config{
			BaseURL:      e.sb.URL,
			Timeout:      config.Duration(2 * time.Second),
			RetryBackoff: config.Duration(time.Millisecond),
		},
		Accounts: config.Accounts{e.account()},
		Redis:    e.rdb,
		Logger:   slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:      e.sb.Sandbox.Now,
	}
	for _, m := range mutate {
		m(&p)
	}
	s, err := New(p)
	if err != nil {
		e.t.Fatalf("New: %v", err)
	}
	if err := s.Start(context.Background()); err != nil {
		e.t.Fatalf("Start: %v", err)
	}
	e.t.Cleanup(func() { _ = s.Stop(context.Background()) })
	return s
}

// calls counts the sandbox calls of one path for the env's account.
func (e *env) calls(path string) int {
	return len(e.sb.Sandbox.Calls(sandbox.CallFilter{Path: path, AppID: e.appID}))
}

// allCalls counts every call the env's sandbox received, whatever its path or account.
func (e *env) allCalls() int {
	return len(e.sb.Sandbox.Calls(sandbox.CallFilter{}))
}

// accepted reports whether the sandbox accepts token for a token-carrying call.
func (e *env) accepted(token string) (bool, string) {
	e.t.Helper()
	resp, err := http.Get(e.sb.URL + "/cgi-bin/getcallbackip?access_token=" + token)
	if err != nil {
		e.t.Fatalf("getcallbackip: %v", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	body := string(raw)
	return strings.Contains(body, "ip_list"), body
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
