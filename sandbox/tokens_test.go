package sandbox_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

var tokenShape = regexp.MustCompile(`^[A-Za-z0-9_-]{120,160}$`)

func TestTokenIssueAndExpiry(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	r := get(t, env, "/cgi-bin/token", tokenQuery(sandboxtest.DemoAppID, sandboxtest.DemoAppSecret))
	wantCode(t, r, 0)
	if r.ExpiresIn != 7200 {
		t.Errorf("expires_in = %d, want 7200", r.ExpiresIn)
	}
	if !tokenShape.MatchString(r.AccessToken) {
		t.Errorf("token %q does not look like a platform token", r.AccessToken)
	}
	if strings.Contains(r.Raw, "errcode") {
		t.Errorf("success answer carries errcode: %s", r.Raw)
	}
	if code := useToken(t, env, r.AccessToken); code != 0 {
		t.Fatalf("fresh token: errcode %d", code)
	}
	env.Sandbox.Advance(7199 * time.Second)
	if code := useToken(t, env, r.AccessToken); code != 0 {
		t.Fatalf("token at 7199 s: errcode %d", code)
	}
	env.Sandbox.Advance(time.Second)
	if code := useToken(t, env, r.AccessToken); code != 42001 {
		t.Fatalf("token at 7200 s: errcode %d, want 42001", code)
	}
}

func TestTokenOverlap(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	first := fetchToken(t, env)
	second := fetchToken(t, env)
	if first == second {
		t.Fatal("each fetch must issue a new token")
	}
	env.Sandbox.Advance(299 * time.Second)
	if code := useToken(t, env, first); code != 0 {
		t.Fatalf("previous token within the overlap: errcode %d", code)
	}
	env.Sandbox.Advance(time.Second)
	if code := useToken(t, env, first); code != 40001 {
		t.Fatalf("previous token after the overlap: errcode %d, want 40001", code)
	}
	if code := useToken(t, env, second); code != 0 {
		t.Fatalf("current token: errcode %d", code)
	}
}

func TestTokenOlderThanPreviousIsInvalidAtOnce(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	first := fetchToken(t, env)
	second := fetchToken(t, env)
	third := fetchToken(t, env)
	for _, tt := range []struct {
		name, token string
		want        int
	}{
		{"first", first, 40001},
		{"second", second, 0},
		{"third", third, 0},
	} {
		if got := useToken(t, env, tt.token); got != tt.want {
			t.Errorf("%s token: errcode %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestTokenErrors(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	tests := []struct {
		name   string
		method string
		give   url.Values
		want   int
		errmsg string
	}{
		{"appid missing", http.MethodGet, url.Values{"grant_type": {"client_credential"}, "secret": {sandboxtest.DemoAppSecret}}, 41002, "appid missing"},
		{"secret missing", http.MethodGet, url.Values{"grant_type": {"client_credential"}, "appid": {sandboxtest.DemoAppID}}, 41004, "appsecret missing"},
		{"grant_type wrong", http.MethodGet, url.Values{"grant_type": {"password"}, "appid": {sandboxtest.DemoAppID}, "secret": {sandboxtest.DemoAppSecret}}, 40002, "invalid grant_type"},
		{"grant_type missing", http.MethodGet, url.Values{"appid": {sandboxtest.DemoAppID}, "secret": {sandboxtest.DemoAppSecret}}, 40002, "invalid grant_type"},
		{"unknown appid", http.MethodGet, tokenQuery("wx0000000000000000", "x"), 40013, "invalid appid"},
		{"wrong secret", http.MethodGet, tokenQuery(sandboxtest.DemoAppID, "wrong"), 40125, "invalid appsecret"},
		{"POST", http.MethodPost, tokenQuery(sandboxtest.DemoAppID, sandboxtest.DemoAppSecret), 43001, "require GET method"},
	}
	rid := regexp.MustCompile(` rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := do(t, env, tt.method, "/cgi-bin/token", tt.give, "")
			wantCode(t, r, tt.want)
			if !strings.HasPrefix(r.Errmsg, tt.errmsg+" rid: ") || !rid.MatchString(r.Errmsg) {
				t.Errorf("errmsg = %q, want %q + rid", r.Errmsg, tt.errmsg)
			}
		})
	}
}

func TestNoRIDOption(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{NoRID: true})
	r := get(t, env, "/cgi-bin/token", tokenQuery("wx0000000000000000", "x"))
	wantCode(t, r, 40013)
	if r.Errmsg != "invalid appid" {
		t.Errorf("errmsg = %q, want exactly %q", r.Errmsg, "invalid appid")
	}
}

func TestTokenCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give func(t *testing.T, env *sandboxtest.Env) string // returns the token to carry
		want int
	}{
		{"valid", fetchToken, 0},
		{"missing", func(*testing.T, *sandboxtest.Env) string { return "" }, 41001},
		{"garbage", func(*testing.T, *sandboxtest.Env) string { return "not-a-token" }, 40001},
		{"expired", func(t *testing.T, env *sandboxtest.Env) string {
			tok := fetchToken(t, env)
			env.Sandbox.Advance(2 * time.Hour)
			return tok
		}, 42001},
		{"superseded beyond the overlap", func(t *testing.T, env *sandboxtest.Env) string {
			tok := fetchToken(t, env)
			fetchToken(t, env)
			env.Sandbox.Advance(5 * time.Minute)
			return tok
		}, 40001},
		{"revoked", func(t *testing.T, env *sandboxtest.Env) string {
			tok := fetchToken(t, env)
			if err := env.Sandbox.RevokeTokens(sandboxtest.DemoAppID); err != nil {
				t.Fatal(err)
			}
			return tok
		}, 40001},
		{"account deleted", func(t *testing.T, env *sandboxtest.Env) string {
			tok := fetchToken(t, env)
			if err := env.Sandbox.DeleteAccount(sandboxtest.DemoAppID); err != nil {
				t.Fatal(err)
			}
			return tok
		}, 40001},
	}
	paths := []string{"/cgi-bin/getcallbackip", "/cgi-bin/get_api_domain_ip", "/cgi-bin/ticket/getticket"}
	for _, tt := range tests {
		for _, path := range paths {
			t.Run(tt.name+path, func(t *testing.T) {
				t.Parallel()
				env := startFrozen(t, sandbox.Options{})
				q := url.Values{"type": {"jsapi"}}
				if tok := tt.give(t, env); tok != "" {
					q.Set("access_token", tok)
				}
				wantCode(t, get(t, env, path, q), tt.want)
			})
		}
	}
}

func TestIPLists(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	tok := fetchToken(t, env)
	for _, path := range []string{"/cgi-bin/getcallbackip", "/cgi-bin/get_api_domain_ip"} {
		r := get(t, env, path, url.Values{"access_token": {tok}})
		wantCode(t, r, 0)
		if len(r.IPList) == 0 || strings.Contains(r.Raw, "errcode") {
			t.Errorf("%s: answer %s, want a bare ip_list", path, r.Raw)
		}
		wantCode(t, do(t, env, http.MethodPost, path, url.Values{"access_token": {tok}}, "{}"), 43001)
	}
}

func TestUnknownPath(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	r := get(t, env, "/cgi-bin/nonexistent", nil)
	if r.Status != http.StatusNotFound || r.Errcode != -1 {
		t.Fatalf("unknown path: HTTP %d %s", r.Status, r.Raw)
	}
}

func TestConcurrentTokenFetches(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	const n = 200
	tokens := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			// Not get(): t.Fatal must not be called off the test goroutine.
			resp, err := env.Client.Get(env.URL + "/cgi-bin/token?" + tokenQuery(sandboxtest.DemoAppID, sandboxtest.DemoAppSecret).Encode())
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var r struct {
				AccessToken string `json:"access_token"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
				t.Error(err)
			}
			tokens[i] = r.AccessToken
		})
	}
	wg.Wait()
	seen := make(map[string]bool, n)
	valid := 0
	for _, tok := range tokens {
		if tok == "" || seen[tok] {
			t.Fatalf("empty or duplicate token %q", tok)
		}
		seen[tok] = true
		if useToken(t, env, tok) == 0 {
			valid++
		}
	}
	// Only the latest token and the one before it (in its overlap) may be valid.
	if valid != 2 {
		t.Errorf("%d tokens valid after %d fetches, want 2", valid, n)
	}
	if got := len(env.Sandbox.Calls(sandbox.CallFilter{Path: "/cgi-bin/token"})); got != n {
		t.Errorf("call log holds %d token calls, want %d", got, n)
	}
}
