package sandbox_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

func clearQuota(t *testing.T, env *sandboxtest.Env, token, body string) reply {
	t.Helper()
	return do(t, env, http.MethodPost, "/cgi-bin/clear_quota", url.Values{"access_token": {token}}, body)
}

const demoClearBody = `{"appid":"` + sandboxtest.DemoAppID + `"}`

func TestTokenDailyQuota(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	if _, err := env.Admin.SetQuota(context.Background(), &sandboxv1.SetQuotaRequest{Path: "/cgi-bin/token", DailyLimit: 3}); err != nil {
		t.Fatal(err)
	}
	q := tokenQuery(sandboxtest.DemoAppID, sandboxtest.DemoAppSecret)
	var last string
	for range 3 {
		last = fetchToken(t, env)
	}
	r := get(t, env, "/cgi-bin/token", q)
	wantCode(t, r, 45009)
	if code := useToken(t, env, last); code != 0 {
		t.Fatalf("the current token must keep working after 45009: errcode %d", code)
	}
	// Wrong credentials do not reach the quota.
	wantCode(t, get(t, env, "/cgi-bin/token", tokenQuery(sandboxtest.DemoAppID, "wrong")), 40125)
	// 23:59:59 in Shanghai: still the same day.
	env.Sandbox.Advance(14*time.Hour - time.Second)
	wantCode(t, get(t, env, "/cgi-bin/token", q), 45009)
	// Midnight in Shanghai: a new day.
	env.Sandbox.Advance(time.Second)
	wantCode(t, get(t, env, "/cgi-bin/token", q), 0)
}

func TestTokenDailyLimitOption(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{TokenDailyLimit: 1})
	fetchToken(t, env)
	wantCode(t, get(t, env, "/cgi-bin/token", tokenQuery(sandboxtest.DemoAppID, sandboxtest.DemoAppSecret)), 45009)
}

func TestQuotaPerPathAndAccount(t *testing.T) {
	t.Parallel()
	other := sandbox.Account{AppID: "wx1111111111111111", AppSecret: "s1"}
	env := startFrozen(t, sandbox.Options{
		Accounts: []sandbox.Account{sandbox.DemoAccount(), other},
		Quotas:   map[string]int64{"/cgi-bin/getcallbackip": 1},
	})
	tok := fetchToken(t, env)
	wantCode(t, get(t, env, "/cgi-bin/getcallbackip", url.Values{"access_token": {tok}}), 0)
	wantCode(t, get(t, env, "/cgi-bin/getcallbackip", url.Values{"access_token": {tok}}), 45009)
	wantCode(t, get(t, env, "/cgi-bin/get_api_domain_ip", url.Values{"access_token": {tok}}), 0)
	otherTok := get(t, env, "/cgi-bin/token", tokenQuery(other.AppID, other.AppSecret)).AccessToken
	wantCode(t, get(t, env, "/cgi-bin/getcallbackip", url.Values{"access_token": {otherTok}}), 0)
}

func TestClearQuota(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{TokenDailyLimit: 2})
	q := tokenQuery(sandboxtest.DemoAppID, sandboxtest.DemoAppSecret)
	fetchToken(t, env)
	tok := fetchToken(t, env)
	wantCode(t, get(t, env, "/cgi-bin/token", q), 45009)
	r := clearQuota(t, env, tok, demoClearBody)
	wantCode(t, r, 0)
	if r.Errmsg != "ok" {
		t.Errorf("errmsg = %q, want ok", r.Errmsg)
	}
	tok = get(t, env, "/cgi-bin/token", q).AccessToken
	if tok == "" {
		t.Fatal("no token after clear_quota")
	}
	for range 9 {
		wantCode(t, clearQuota(t, env, tok, demoClearBody), 0)
	}
	wantCode(t, clearQuota(t, env, tok, demoClearBody), 48006)
	// A new month (April 1st, Shanghai) gives ten more resets.
	env.Sandbox.Advance(22*24*time.Hour + 14*time.Hour)
	tok = fetchToken(t, env)
	wantCode(t, clearQuota(t, env, tok, demoClearBody), 0)
}

func TestClearQuotaErrors(t *testing.T) {
	t.Parallel()
	other := sandbox.Account{AppID: "wx1111111111111111", AppSecret: "s1"}
	env := startFrozen(t, sandbox.Options{Accounts: []sandbox.Account{sandbox.DemoAccount(), other}})
	tok := fetchToken(t, env)
	tests := []struct {
		name   string
		method string
		token  string
		body   string
		want   int
	}{
		{"other account's appid", http.MethodPost, tok, `{"appid":"` + other.AppID + `"}`, 40013},
		{"appid missing", http.MethodPost, tok, `{}`, 41002},
		{"empty body", http.MethodPost, tok, ``, 44002},
		{"not JSON", http.MethodPost, tok, `appid=x`, 47001},
		{"GET", http.MethodGet, tok, ``, 43002},
		{"no token", http.MethodPost, "", demoClearBody, 41001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := url.Values{}
			if tt.token != "" {
				q.Set("access_token", tt.token)
			}
			wantCode(t, do(t, env, tt.method, "/cgi-bin/clear_quota", q, tt.body), tt.want)
		})
	}
}
