package proxy_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/services/proxy"
)

func tokenQuery(appID, secret string) string {
	return "grant_type=client_credential&appid=" + url.QueryEscape(appID) + "&secret=" + url.QueryEscape(secret)
}

func TestTokenAnsweredFromCentralToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, proxy.Config{})
	stableBody := func(appID, secret string) string {
		return fmt.Sprintf(`{"grant_type":"client_credential","appid":%q,"secret":%q,"force_refresh":true}`, appID, secret)
	}
	tests := []struct {
		name, method, path, body string
		header                   []string
	}{
		{name: "key as secret", method: http.MethodGet, path: "/wx/" + e.A + "/cgi-bin/token?" + tokenQuery(e.A, keyA)},
		{name: "key in header", method: http.MethodGet, path: "/wx/" + e.A + "/cgi-bin/token?grant_type=client_credential&appid=" + e.A, header: []string{"Authorization", "Bearer " + keyA}},
		{name: "account from appid", method: http.MethodGet, path: "/wx/cgi-bin/token?" + tokenQuery(e.A, keyAB)},
		{name: "stable_token", method: http.MethodPost, path: "/wx/" + e.A + "/cgi-bin/stable_token", body: stableBody(e.A, keyA)},
		{name: "stable_token X-Api-Key", method: http.MethodPost, path: "/wx/cgi-bin/stable_token", body: stableBody(e.A, ""), header: []string{"X-Api-Key", keyA}},
	}
	for _, tt := range tests {
		a := e.do(t, tt.method, tt.path, tt.body, tt.header...)
		central := e.tokens.Current(e.A)
		if a.Status != 200 || a.Errcode != 0 || central == "" || a.AccessToken != central {
			t.Errorf("%s: %d %s; want the central token %q", tt.name, a.Status, a.Raw, central)
		}
		if a.ExpiresIn < 7100 || a.ExpiresIn > 7200 {
			t.Errorf("%s: expires_in = %d, want the remaining lifetime (about 7200)", tt.name, a.ExpiresIn)
		}
	}
	if got := e.tokens.fetches.Load(); got != 1 {
		t.Errorf("token source fetched %d times, want 1 (never a fresh fetch per request)", got)
	}
	if got := len(e.rec.take()); got != 0 {
		t.Errorf("%d token requests reached WeChat, want 0", got)
	}
	// The remaining lifetime shrinks with time.
	e.sb.Sandbox.Advance(3600e9)
	a := e.do(t, http.MethodGet, "/wx/"+e.A+"/cgi-bin/token?"+tokenQuery(e.A, keyA), "")
	if a.ExpiresIn < 3500 || a.ExpiresIn > 3600 {
		t.Errorf("an hour later expires_in = %d, want about 3600", a.ExpiresIn)
	}
}

func TestTokenRequestRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, proxy.Config{})
	tests := []struct {
		name, method, path, body string
		header                   []string
		want                     int
	}{
		{name: "no secret", method: "GET", path: "/wx/" + e.A + "/cgi-bin/token?grant_type=client_credential&appid=" + e.A, want: 41004},
		{name: "appsecret instead of key", method: "GET", path: "/wx/" + e.A + "/cgi-bin/token?" + tokenQuery(e.A, e.secrets[e.A]), want: 40125},
		{name: "unknown key", method: "GET", path: "/wx/" + e.A + "/cgi-bin/token?" + tokenQuery(e.A, keyRevoked), want: 40125},
		{name: "bad header key", method: "GET", path: "/wx/" + e.A + "/cgi-bin/token?" + tokenQuery(e.A, ""), header: []string{"Authorization", "Bearer " + keyRevoked}, want: 40125},
		{name: "grant_type", method: "GET", path: "/wx/" + e.A + "/cgi-bin/token?grant_type=x&appid=" + e.A + "&secret=" + keyA, want: 40002},
		{name: "no appid", method: "GET", path: "/wx/" + e.A + "/cgi-bin/token?grant_type=client_credential&secret=" + keyA, want: 41002},
		{name: "appid not in URL account", method: "GET", path: "/wx/" + e.A + "/cgi-bin/token?" + tokenQuery(e.B, keyAB), want: 40013},
		{name: "unknown account", method: "GET", path: "/wx/cgi-bin/token?" + tokenQuery("wxunknown", keyAB), want: 40013},
		{name: "unknown account in URL", method: "GET", path: "/wx/wxunknown/cgi-bin/token?" + tokenQuery("wxunknown", keyAB), want: 40013},
		{name: "key not for account", method: "GET", path: "/wx/" + e.B + "/cgi-bin/token?" + tokenQuery(e.B, keyA), want: 48001},
		{name: "key without proxy scope", method: "GET", path: "/wx/" + e.A + "/cgi-bin/token?" + tokenQuery(e.A, keyNoScope), want: 48001},
		{name: "stable_token by GET", method: "GET", path: "/wx/" + e.A + "/cgi-bin/stable_token", want: 43002},
		{name: "stable_token not JSON", method: "POST", path: "/wx/" + e.A + "/cgi-bin/stable_token", body: "appid=x", want: 47001},
	}
	for _, tt := range tests {
		a := e.do(t, tt.method, tt.path, tt.body, tt.header...)
		if a.Status != 200 || a.Errcode != tt.want || a.AccessToken != "" || !strings.Contains(a.Errmsg, "wxsuite proxy") {
			t.Errorf("%s: %d %s; want errcode %d with a wxsuite hint", tt.name, a.Status, a.Raw, tt.want)
		}
		for _, secret := range []string{keyA, keyAB, keyNoScope, keyRevoked, e.secrets[e.A]} {
			if strings.Contains(string(a.Raw), secret) {
				t.Errorf("%s: the answer holds a key or secret: %s", tt.name, a.Raw)
			}
		}
	}
	if got := len(e.sb.Sandbox.Calls(sandbox.CallFilter{})); got != 0 {
		t.Errorf("%d calls reached the sandbox, want 0", got)
	}
}

func TestStaleTokenReplaced(t *testing.T) {
	t.Parallel()
	e := newEnv(t, proxy.Config{})
	tests := []struct {
		name, path string
		header     []string
	}{
		{name: "header key, stale token", path: "/wx/" + e.A + "/cgi-bin/getcallbackip?access_token=STALE&x=1", header: []string{"Authorization", "Bearer " + keyA}},
		{name: "header key, no token", path: "/wx/" + e.A + "/cgi-bin/getcallbackip", header: []string{"X-Api-Key", keyA}},
		{name: "host-style, key's only account", path: "/wx/cgi-bin/getcallbackip?access_token=old", header: []string{"X-Api-Key", keyA}},
	}
	for _, tt := range tests {
		a := e.do(t, http.MethodGet, tt.path, "", tt.header...)
		calls := e.rec.take()
		if a.Status != 200 || a.Errcode != 0 || len(calls) != 1 {
			t.Fatalf("%s: %d %s, %d forwarded; want the platform's answer", tt.name, a.Status, a.Raw, len(calls))
		}
		if tok, _ := url.ParseQuery(calls[0].RawQuery); tok.Get("access_token") != e.tokens.Current(e.A) || len(tok["access_token"]) != 1 {
			t.Errorf("%s: forwarded query %q, want the central token", tt.name, calls[0].RawQuery)
		}
		if calls[0].Authorization != "" || calls[0].APIKey != "" {
			t.Errorf("%s: the API key was forwarded", tt.name)
		}
	}
}

func TestKeyAsSecretThenTokenOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t, proxy.Config{})
	// An SDK configured with appid and the key as its secret: it fetches a token, then
	// sends only that token.
	tok := e.do(t, http.MethodGet, "/wx/cgi-bin/token?"+tokenQuery(e.A, keyA), "")
	if tok.AccessToken == "" {
		t.Fatalf("token: %s", tok.Raw)
	}
	a := e.do(t, http.MethodGet, "/wx/cgi-bin/getcallbackip?access_token="+url.QueryEscape(tok.AccessToken), "")
	if a.Errcode != 0 || len(e.rec.take()) != 1 {
		t.Fatalf("call with the handed-out token: %s", a.Raw)
	}
	// The account in the URL must be the token's.
	if a := e.do(t, http.MethodGet, "/wx/"+e.B+"/cgi-bin/getcallbackip?access_token="+url.QueryEscape(tok.AccessToken), ""); a.Errcode != 40001 {
		t.Errorf("token of A used for B: %s, want 40001", a.Raw)
	}
	// A token the proxy never handed out, and no key.
	if _, err := e.tokens.AccessToken(t.Context(), e.B); err != nil {
		t.Fatal(err)
	}
	for _, give := range []string{"access_token=" + url.QueryEscape(e.tokens.Current(e.B)), "access_token=forged", ""} {
		a := e.do(t, http.MethodGet, "/wx/"+e.A+"/cgi-bin/getcallbackip?"+give, "")
		want := 40001
		if give == "" {
			want = 41001
		}
		if a.Errcode != want {
			t.Errorf("%q without key: %s, want %d", give, a.Raw, want)
		}
	}
	if got := len(e.rec.take()); got != 0 {
		t.Errorf("%d refused calls were forwarded", got)
	}
	// Once the central token changes, the SDK's old token is still replaced.
	if err := e.sb.Sandbox.RevokeTokens(e.A); err != nil {
		t.Fatal(err)
	}
	a = e.do(t, http.MethodGet, "/wx/cgi-bin/getcallbackip?access_token="+url.QueryEscape(tok.AccessToken), "")
	if a.Errcode != 0 {
		t.Errorf("after the central token changed: %s", a.Raw)
	}
}

func TestRefreshAndRetryOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, proxy.Config{})
	old, err := e.tokens.AccessToken(t.Context(), e.A)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sb.Sandbox.RevokeTokens(e.A); err != nil {
		t.Fatal(err)
	}
	a := e.do(t, http.MethodPost, "/wx/"+e.A+"/cgi-bin/callback/check", `{"action":"all","check_operator":"DEFAULT"}`, "X-Api-Key", keyA)
	calls := e.rec.take()
	if a.Errcode != 0 || len(calls) != 2 {
		t.Fatalf("answer %s after %d calls; want success after one retry", a.Raw, len(calls))
	}
	fresh := e.tokens.Current(e.A)
	q0, _ := url.ParseQuery(calls[0].RawQuery)
	q1, _ := url.ParseQuery(calls[1].RawQuery)
	if q0.Get("access_token") != old || q1.Get("access_token") != fresh || fresh == old {
		t.Errorf("tokens sent %q then %q; want the old then the refreshed one", q0.Get("access_token"), q1.Get("access_token"))
	}
	if string(calls[0].Body) != string(calls[1].Body) || string(calls[1].Body) != `{"action":"all","check_operator":"DEFAULT"}` {
		t.Errorf("bodies %q, %q: want the caller's body both times", calls[0].Body, calls[1].Body)
	}
	if e.tokens.refreshes.Load() != 1 || e.tokens.stale[0] != old {
		t.Errorf("refreshes %d of %v; want one of the old token", e.tokens.refreshes.Load(), e.tokens.stale)
	}

	// WeChat keeps refusing: one refresh, one retry, then the platform's answer.
	if _, err := e.sb.Sandbox.AddFault(sandbox.Fault{Kind: sandbox.FaultErrcode, Errcode: 42001, Paths: []string{"/cgi-bin/getcallbackip"}, Count: 5}); err != nil {
		t.Fatal(err)
	}
	a = e.do(t, http.MethodGet, "/wx/"+e.A+"/cgi-bin/getcallbackip", "", "X-Api-Key", keyA)
	if a.Errcode != 42001 || len(e.rec.take()) != 2 || e.tokens.refreshes.Load() != 2 {
		t.Errorf("persistent 42001: %s, refreshes %d; want the platform's 42001 after one retry", a.Raw, e.tokens.refreshes.Load())
	}
	if got := metricSum(t, e, "wxsuite_proxy_token_refreshes_total", nil); got != 2 {
		t.Errorf("wxsuite_proxy_token_refreshes_total = %v, want 2", got)
	}
}

// metricSum sums the values of a metric family over the series whose labels include
// every pair of labels.
func metricSum(t *testing.T, e *env, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := e.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			for k, v := range labels {
				found := false
				for _, lp := range m.GetLabel() {
					if lp.GetName() == k && lp.GetValue() == v {
						found = true
					}
				}
				if !found {
					continue next
				}
			}
			sum += m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
	}
	return sum
}

func TestTokenFallbackExpiresIn(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, proxy.Config{FallbackExpiresIn: config.Duration(90 * time.Second)}, nil,
		func(ts wechat.TokenSource) wechat.TokenSource { return plainTokens{ts} }, nil)
	a := e.do(t, http.MethodGet, "/wx/"+e.A+"/cgi-bin/token?"+tokenQuery(e.A, keyA), "")
	if a.AccessToken != e.tokens.Current(e.A) || a.ExpiresIn != 90 {
		t.Errorf("%s; want the central token with the fallback expires_in 90", a.Raw)
	}
}

func TestUpstreamFailureAnsweredInPlatformShape(t *testing.T) {
	t.Parallel()
	drop := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	})
	e := newEnvUpstream(t, proxy.Config{}, drop)
	a := e.do(t, http.MethodGet, "/wx/"+e.A+"/cgi-bin/getcallbackip?access_token=x", "", "X-Api-Key", keyA)
	if a.Status != 200 || a.Errcode != -1 || strings.Contains(a.Errmsg, e.tokens.Current(e.A)) {
		t.Errorf("%d %s; want -1 without the token", a.Status, a.Raw)
	}
	if strings.Contains(e.logs.String(), e.tokens.Current(e.A)) {
		t.Errorf("the log holds the token:\n%s", e.logs.String())
	}
}

// TestRedisDown: without Redis, calls with a key header still pass (daily counting is best
// effort), while token answers, which must be recorded, and token-only calls get -1.
func TestRedisDown(t *testing.T) {
	t.Parallel()
	down := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
	t.Cleanup(func() { _ = down.Close() })
	e := newEnvWith(t, proxy.Config{RefuseAt: 0.9, DailyLimits: map[string]int64{"/cgi-bin/getcallbackip": 10}}, nil, nil, down)
	if a := e.do(t, http.MethodGet, "/wx/"+e.A+"/cgi-bin/getcallbackip", "", "X-Api-Key", keyA); a.Errcode != 0 {
		t.Errorf("header call without Redis: %s", a.Raw)
	}
	if a := e.do(t, http.MethodGet, "/wx/"+e.A+"/cgi-bin/token?"+tokenQuery(e.A, keyA), ""); a.Errcode != -1 || a.AccessToken != "" {
		t.Errorf("token request without Redis: %s, want -1", a.Raw)
	}
	if a := e.do(t, http.MethodGet, "/wx/"+e.A+"/cgi-bin/getcallbackip?access_token=x", ""); a.Errcode != -1 {
		t.Errorf("token-only call without Redis: %s, want -1", a.Raw)
	}
}
