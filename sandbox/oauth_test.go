package sandbox_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

const (
	snsBase     = "snsapi_base"
	snsUserinfo = "snsapi_userinfo"
	// oauthDomain is the web-authorization domain of the accounts of startOAuth.
	oauthDomain = "app.example.com"
)

// otherApp is a second account for cross-account cases.
var otherApp = sandbox.Account{AppID: "wx1111111111111111", AppSecret: "s1"}

// alice is a simulated user with a full profile and a unionid.
var alice = sandbox.User{
	UnionID: "oUnionAlice0000000000000000", Nickname: "Alice", Sex: 2, Province: "Guangdong", City: "Shenzhen",
	Country: "CN", HeadImgURL: "https://thirdwx.qlogo.cn/mmopen/alice/132", Language: "zh_CN", Privilege: []string{"chinaunicom"},
}

// startOAuth starts a frozen sandbox holding the demo account (web-authorization domain
// oauthDomain) and otherApp, with alice as the demo account's only user.
func startOAuth(t *testing.T) (*sandboxtest.Env, sandbox.User) {
	t.Helper()
	demo := sandbox.DemoAccount()
	demo.OAuthDomains = []string{oauthDomain}
	env := startFrozen(t, sandbox.Options{Accounts: []sandbox.Account{demo, otherApp}})
	return env, env.AddUser(t, sandboxtest.DemoAppID, alice)
}

// page is an answer of /connect/oauth2/authorize.
type page struct {
	Status      int
	ContentType string
	Location    string
	Body        string
}

// authorize opens /connect/oauth2/authorize with q without following the redirect.
func authorize(t *testing.T, env *sandboxtest.Env, method string, q url.Values) page {
	t.Helper()
	client := *env.Client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, err := http.NewRequest(method, env.URL+"/connect/oauth2/authorize?"+q.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return page{resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Location"), string(body)}
}

func authorizeQuery(appID, redirect, scope, state string) url.Values {
	q := url.Values{"appid": {appID}, "redirect_uri": {redirect}, "response_type": {"code"}, "scope": {scope}}
	if state != "" {
		q.Set("state", state)
	}
	return q
}

func exchangeQuery(appID, secret, code string) url.Values {
	return url.Values{"appid": {appID}, "secret": {secret}, "code": {code}, "grant_type": {"authorization_code"}}
}

// exchange trades a code of the demo account for an sns token.
func exchange(t *testing.T, env *sandboxtest.Env, code string) reply {
	t.Helper()
	return get(t, env, "/sns/oauth2/access_token", exchangeQuery(sandboxtest.DemoAppID, sandboxtest.DemoAppSecret, code))
}

func refreshQuery(appID, refreshToken string) url.Values {
	return url.Values{"appid": {appID}, "grant_type": {"refresh_token"}, "refresh_token": {refreshToken}}
}

func userinfo(t *testing.T, env *sandboxtest.Env, token, openID string) reply {
	t.Helper()
	return get(t, env, "/sns/userinfo", url.Values{"access_token": {token}, "openid": {openID}, "lang": {"zh_CN"}})
}

func snsAuth(t *testing.T, env *sandboxtest.Env, token, openID string) reply {
	t.Helper()
	return get(t, env, "/sns/auth", url.Values{"access_token": {token}, "openid": {openID}})
}

// grantFor runs a code exchange for user of the demo account with scope and returns the
// answer.
func grantFor(t *testing.T, env *sandboxtest.Env, openID, scope string) reply {
	t.Helper()
	r := exchange(t, env, env.OAuthCode(t, sandboxtest.DemoAppID, openID, scope))
	wantCode(t, r, 0)
	return r
}

var codeShape = regexp.MustCompile(`^[A-Za-z0-9]{32}$`)

func TestOAuthRoundTrip(t *testing.T) {
	t.Parallel()
	env, u := startOAuth(t)

	// authorize → 302 to redirect_uri with its own query, code and state.
	p := authorize(t, env, http.MethodGet, authorizeQuery(sandboxtest.DemoAppID, "https://"+oauthDomain+"/cb?from=menu&x=a%2Fb", snsUserinfo, "st4te"))
	if p.Status != http.StatusFound {
		t.Fatalf("authorize: HTTP %d, want 302; body %s", p.Status, p.Body)
	}
	loc, err := url.Parse(p.Location)
	if err != nil {
		t.Fatal(err)
	}
	q := loc.Query()
	if loc.Scheme != "https" || loc.Host != oauthDomain || loc.Path != "/cb" || q.Get("from") != "menu" || q.Get("x") != "a/b" || q.Get("state") != "st4te" {
		t.Fatalf("redirect to %s", p.Location)
	}
	if !strings.HasPrefix(loc.RawQuery, "from=menu&x=a%2Fb&code=") {
		t.Errorf("redirect_uri's own query must come first, unchanged: %s", loc.RawQuery)
	}
	code := q.Get("code")
	if !codeShape.MatchString(code) {
		t.Errorf("code %q does not look like a platform code", code)
	}
	calls := env.Sandbox.Calls(sandbox.CallFilter{Path: "/connect/oauth2/authorize"})
	if len(calls) != 1 || calls[0].HTTPStatus != http.StatusFound || calls[0].AppID != sandboxtest.DemoAppID {
		t.Errorf("authorize call log: %+v", calls)
	}

	// exchange
	ex := exchange(t, env, code)
	wantCode(t, ex, 0)
	if ex.ExpiresIn != 7200 || ex.OpenID != u.OpenID || ex.Scope != snsUserinfo || ex.UnionID != alice.UnionID ||
		!tokenShape.MatchString(ex.AccessToken) || !tokenShape.MatchString(ex.RefreshToken) || ex.AccessToken == ex.RefreshToken {
		t.Fatalf("exchange: %s", ex.Raw)
	}
	if _, ok := ex.Fields["errcode"]; ok {
		t.Errorf("exchange success carries errcode: %s", ex.Raw)
	}

	// userinfo and sns/auth
	info := userinfo(t, env, ex.AccessToken, u.OpenID)
	wantCode(t, info, 0)
	if info.OpenID != u.OpenID || info.Nickname != alice.Nickname || info.Sex != alice.Sex || info.UnionID != alice.UnionID ||
		!slices.Equal(info.Privilege, alice.Privilege) {
		t.Fatalf("userinfo: %s", info.Raw)
	}
	for _, key := range []string{"openid", "nickname", "sex", "province", "city", "country", "headimgurl", "privilege", "unionid"} {
		if _, ok := info.Fields[key]; !ok {
			t.Errorf("userinfo lacks %q: %s", key, info.Raw)
		}
	}
	wantCode(t, snsAuth(t, env, ex.AccessToken, u.OpenID), 0)

	// the sns token expires after 7200 s
	env.Sandbox.Advance(7200 * time.Second)
	wantCode(t, userinfo(t, env, ex.AccessToken, u.OpenID), 42001)
	wantCode(t, snsAuth(t, env, ex.AccessToken, u.OpenID), 42001)

	// refresh issues a new token; the refresh token stays
	rf := get(t, env, "/sns/oauth2/refresh_token", refreshQuery(sandboxtest.DemoAppID, ex.RefreshToken))
	wantCode(t, rf, 0)
	if rf.AccessToken == ex.AccessToken || rf.RefreshToken != ex.RefreshToken || rf.ExpiresIn != 7200 || rf.OpenID != u.OpenID || rf.Scope != snsUserinfo {
		t.Fatalf("refresh: %s", rf.Raw)
	}
	wantCode(t, userinfo(t, env, rf.AccessToken, u.OpenID), 0)
	wantCode(t, userinfo(t, env, ex.AccessToken, u.OpenID), 42001)

	// the refresh token lasts 30 days from the exchange
	env.Sandbox.Advance(30*24*time.Hour - 7200*time.Second - time.Second)
	wantCode(t, get(t, env, "/sns/oauth2/refresh_token", refreshQuery(sandboxtest.DemoAppID, ex.RefreshToken)), 0)
	env.Sandbox.Advance(time.Second)
	wantCode(t, get(t, env, "/sns/oauth2/refresh_token", refreshQuery(sandboxtest.DemoAppID, ex.RefreshToken)), 42002)
}

func TestOAuthRefreshRenewsLiveToken(t *testing.T) {
	t.Parallel()
	env, u := startOAuth(t)
	ex := grantFor(t, env, u.OpenID, snsBase)
	env.Sandbox.Advance(time.Hour)
	rf := get(t, env, "/sns/oauth2/refresh_token", refreshQuery(sandboxtest.DemoAppID, ex.RefreshToken))
	wantCode(t, rf, 0)
	if rf.AccessToken != ex.AccessToken || rf.ExpiresIn != 7200 {
		t.Fatalf("refreshing a live token must keep it and renew it: %s", rf.Raw)
	}
	if _, ok := rf.Fields["unionid"]; ok {
		t.Errorf("refresh answer carries unionid: %s", rf.Raw)
	}
	// Past the original expiry the renewed token still works, until 7200 s after the refresh.
	env.Sandbox.Advance(7200*time.Second - time.Hour)
	wantCode(t, snsAuth(t, env, ex.AccessToken, u.OpenID), 0)
	env.Sandbox.Advance(time.Hour)
	wantCode(t, snsAuth(t, env, ex.AccessToken, u.OpenID), 42001)
}

func TestOAuthExchangeAnswerShape(t *testing.T) {
	t.Parallel()
	env, u := startOAuth(t)
	bob := env.AddUser(t, sandboxtest.DemoAppID, sandbox.User{Nickname: "Bob"})
	tests := []struct {
		name        string
		openID      string
		scope       string
		wantUnionID bool
	}{
		{"userinfo scope with unionid", u.OpenID, snsUserinfo, true},
		{"base scope omits unionid", u.OpenID, snsBase, false},
		{"user without unionid", bob.OpenID, snsUserinfo, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := grantFor(t, env, tt.openID, tt.scope)
			if _, has := r.Fields["unionid"]; has != tt.wantUnionID || r.Scope != tt.scope || r.OpenID != tt.openID {
				t.Fatalf("answer %s", r.Raw)
			}
			if tt.scope != snsUserinfo {
				return
			}
			info := userinfo(t, env, r.AccessToken, tt.openID)
			wantCode(t, info, 0)
			if _, has := info.Fields["unionid"]; has != tt.wantUnionID {
				t.Errorf("userinfo unionid presence %v, want %v: %s", has, tt.wantUnionID, info.Raw)
			}
			if string(info.Fields["privilege"]) == "null" {
				t.Errorf("privilege must be an array: %s", info.Raw)
			}
		})
	}
}

func TestOAuthExchangeErrors(t *testing.T) {
	t.Parallel()
	const (
		id  = sandboxtest.DemoAppID
		sec = sandboxtest.DemoAppSecret
	)
	tests := []struct {
		name string
		// prepare returns the query for a fresh sandbox holding alice.
		prepare func(t *testing.T, env *sandboxtest.Env, u sandbox.User) url.Values
		method  string
		want    int
	}{
		{"code reused", func(t *testing.T, env *sandboxtest.Env, u sandbox.User) url.Values {
			code := env.OAuthCode(t, id, u.OpenID, snsBase)
			wantCode(t, exchange(t, env, code), 0)
			return exchangeQuery(id, sec, code)
		}, http.MethodGet, 40163},
		{"code used, then expired", func(t *testing.T, env *sandboxtest.Env, u sandbox.User) url.Values {
			code := env.OAuthCode(t, id, u.OpenID, snsBase)
			wantCode(t, exchange(t, env, code), 0)
			env.Sandbox.Advance(time.Hour)
			return exchangeQuery(id, sec, code)
		}, http.MethodGet, 40163},
		{"code at 4m59s", func(t *testing.T, env *sandboxtest.Env, u sandbox.User) url.Values {
			code := env.OAuthCode(t, id, u.OpenID, snsBase)
			env.Sandbox.Advance(5*time.Minute - time.Second)
			return exchangeQuery(id, sec, code)
		}, http.MethodGet, 0},
		{"code expired at 5 min", func(t *testing.T, env *sandboxtest.Env, u sandbox.User) url.Values {
			code := env.OAuthCode(t, id, u.OpenID, snsBase)
			env.Sandbox.Advance(5 * time.Minute)
			return exchangeQuery(id, sec, code)
		}, http.MethodGet, 42003},
		{"code of another account", func(t *testing.T, env *sandboxtest.Env, u sandbox.User) url.Values {
			bob := env.AddUser(t, otherApp.AppID, sandbox.User{})
			return exchangeQuery(id, sec, env.OAuthCode(t, otherApp.AppID, bob.OpenID, snsBase))
		}, http.MethodGet, 40029},
		{"code used with another account's credentials", func(t *testing.T, env *sandboxtest.Env, u sandbox.User) url.Values {
			return exchangeQuery(otherApp.AppID, otherApp.AppSecret, env.OAuthCode(t, id, u.OpenID, snsBase))
		}, http.MethodGet, 40029},
		{"unknown code", func(*testing.T, *sandboxtest.Env, sandbox.User) url.Values {
			return exchangeQuery(id, sec, "0719Xy000pnN5O1dK21003qd9P19Xy0X")
		}, http.MethodGet, 40029},
		{"code missing", func(*testing.T, *sandboxtest.Env, sandbox.User) url.Values {
			return exchangeQuery(id, sec, "")
		}, http.MethodGet, 41008},
		{"appid missing", func(*testing.T, *sandboxtest.Env, sandbox.User) url.Values {
			return exchangeQuery("", sec, "x")
		}, http.MethodGet, 41002},
		{"secret missing", func(*testing.T, *sandboxtest.Env, sandbox.User) url.Values {
			return exchangeQuery(id, "", "x")
		}, http.MethodGet, 41004},
		{"grant_type wrong", func(*testing.T, *sandboxtest.Env, sandbox.User) url.Values {
			q := exchangeQuery(id, sec, "x")
			q.Set("grant_type", "client_credential")
			return q
		}, http.MethodGet, 40002},
		{"unknown appid", func(*testing.T, *sandboxtest.Env, sandbox.User) url.Values {
			return exchangeQuery("wx9999999999999999", sec, "x")
		}, http.MethodGet, 40013},
		{"wrong secret", func(*testing.T, *sandboxtest.Env, sandbox.User) url.Values {
			return exchangeQuery(id, "wrong", "x")
		}, http.MethodGet, 40125},
		{"POST", func(t *testing.T, env *sandboxtest.Env, u sandbox.User) url.Values {
			return exchangeQuery(id, sec, env.OAuthCode(t, id, u.OpenID, snsBase))
		}, http.MethodPost, 43001},
		{"deleted user's code", func(t *testing.T, env *sandboxtest.Env, u sandbox.User) url.Values {
			code := env.OAuthCode(t, id, u.OpenID, snsBase)
			if err := env.Sandbox.DeleteUser(id, u.OpenID); err != nil {
				t.Fatal(err)
			}
			return exchangeQuery(id, sec, code)
		}, http.MethodGet, 40029},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env, u := startOAuth(t)
			q := tt.prepare(t, env, u)
			wantCode(t, do(t, env, tt.method, "/sns/oauth2/access_token", q, ""), tt.want)
		})
	}
}

func TestOAuthRefreshErrors(t *testing.T) {
	t.Parallel()
	const id = sandboxtest.DemoAppID
	tests := []struct {
		name    string
		prepare func(t *testing.T, env *sandboxtest.Env, refresh string) url.Values
		want    int
	}{
		{"ok", func(_ *testing.T, _ *sandboxtest.Env, refresh string) url.Values { return refreshQuery(id, refresh) }, 0},
		{"appid missing", func(_ *testing.T, _ *sandboxtest.Env, refresh string) url.Values { return refreshQuery("", refresh) }, 41002},
		{"grant_type wrong", func(_ *testing.T, _ *sandboxtest.Env, refresh string) url.Values {
			q := refreshQuery(id, refresh)
			q.Set("grant_type", "authorization_code")
			return q
		}, 40002},
		{"unknown appid", func(_ *testing.T, _ *sandboxtest.Env, refresh string) url.Values {
			return refreshQuery("wx9999999999999999", refresh)
		}, 40013},
		{"refresh_token missing", func(*testing.T, *sandboxtest.Env, string) url.Values { return refreshQuery(id, "") }, 41003},
		{"unknown refresh_token", func(*testing.T, *sandboxtest.Env, string) url.Values { return refreshQuery(id, "bogus") }, 40030},
		{"another account's refresh_token", func(_ *testing.T, _ *sandboxtest.Env, refresh string) url.Values {
			return refreshQuery(otherApp.AppID, refresh)
		}, 40030},
		{"an access token as refresh_token", func(t *testing.T, env *sandboxtest.Env, _ string) url.Values {
			return refreshQuery(id, fetchToken(t, env))
		}, 40030},
		{"expired after 30 days", func(_ *testing.T, env *sandboxtest.Env, refresh string) url.Values {
			env.Sandbox.Advance(30 * 24 * time.Hour)
			return refreshQuery(id, refresh)
		}, 42002},
		{"deleted user", func(t *testing.T, env *sandboxtest.Env, refresh string) url.Values {
			for _, u := range mustUsers(t, env, id) {
				if err := env.Sandbox.DeleteUser(id, u.OpenID); err != nil {
					t.Fatal(err)
				}
			}
			return refreshQuery(id, refresh)
		}, 40030},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env, u := startOAuth(t)
			refresh := grantFor(t, env, u.OpenID, snsUserinfo).RefreshToken
			wantCode(t, get(t, env, "/sns/oauth2/refresh_token", tt.prepare(t, env, refresh)), tt.want)
		})
	}
}

func mustUsers(t *testing.T, env *sandboxtest.Env, appID string) []sandbox.User {
	t.Helper()
	users, err := env.Sandbox.Users(appID)
	if err != nil {
		t.Fatal(err)
	}
	return users
}

func TestSNSTokenChecks(t *testing.T) {
	t.Parallel()
	env, u := startOAuth(t)
	bob := env.AddUser(t, sandboxtest.DemoAppID, sandbox.User{Nickname: "Bob"})
	full := grantFor(t, env, u.OpenID, snsUserinfo).AccessToken
	base := grantFor(t, env, u.OpenID, snsBase).AccessToken
	account := fetchToken(t, env)
	tests := []struct {
		name  string
		path  string
		query url.Values
		want  int
	}{
		{"userinfo ok", "/sns/userinfo", url.Values{"access_token": {full}, "openid": {u.OpenID}}, 0},
		{"userinfo lang en", "/sns/userinfo", url.Values{"access_token": {full}, "openid": {u.OpenID}, "lang": {"en"}}, 0},
		{"userinfo lang zh_TW", "/sns/userinfo", url.Values{"access_token": {full}, "openid": {u.OpenID}, "lang": {"zh_TW"}}, 0},
		{"userinfo bad lang", "/sns/userinfo", url.Values{"access_token": {full}, "openid": {u.OpenID}, "lang": {"zh-CN"}}, 40097},
		{"userinfo snsapi_base", "/sns/userinfo", url.Values{"access_token": {base}, "openid": {u.OpenID}}, 48001},
		{"userinfo openid mismatch", "/sns/userinfo", url.Values{"access_token": {full}, "openid": {bob.OpenID}}, 40003},
		{"userinfo openid missing", "/sns/userinfo", url.Values{"access_token": {full}}, 41009},
		{"userinfo token missing", "/sns/userinfo", url.Values{"openid": {u.OpenID}}, 41001},
		{"userinfo garbage token", "/sns/userinfo", url.Values{"access_token": {"bogus"}, "openid": {u.OpenID}}, 40001},
		{"userinfo account token", "/sns/userinfo", url.Values{"access_token": {account}, "openid": {u.OpenID}}, 40001},
		{"auth ok", "/sns/auth", url.Values{"access_token": {full}, "openid": {u.OpenID}}, 0},
		{"auth snsapi_base ok", "/sns/auth", url.Values{"access_token": {base}, "openid": {u.OpenID}}, 0},
		{"auth openid mismatch", "/sns/auth", url.Values{"access_token": {full}, "openid": {bob.OpenID}}, 40003},
		{"auth openid missing", "/sns/auth", url.Values{"access_token": {full}}, 41009},
		{"auth token missing", "/sns/auth", url.Values{"openid": {u.OpenID}}, 41001},
		{"auth garbage token", "/sns/auth", url.Values{"access_token": {"bogus"}, "openid": {u.OpenID}}, 40001},
		{"auth account token", "/sns/auth", url.Values{"access_token": {account}, "openid": {u.OpenID}}, 40001},
		{"sns token on /cgi-bin", "/cgi-bin/getcallbackip", url.Values{"access_token": {full}}, 40001},
		{"sns token on getticket", "/cgi-bin/ticket/getticket", url.Values{"access_token": {full}, "type": {"jsapi"}}, 40001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantCode(t, get(t, env, tt.path, tt.query), tt.want)
		})
	}
	// The sns/auth success answer is the plain envelope.
	if r := snsAuth(t, env, full, u.OpenID); r.Errmsg != "ok" || len(r.Fields) != 2 {
		t.Errorf("sns/auth answer %s", r.Raw)
	}
}

func TestSNSTokensDieWithUserAndAccount(t *testing.T) {
	t.Parallel()
	env, u := startOAuth(t)
	tok := grantFor(t, env, u.OpenID, snsUserinfo).AccessToken
	wantCode(t, snsAuth(t, env, tok, u.OpenID), 0)
	if err := env.Sandbox.DeleteUser(sandboxtest.DemoAppID, u.OpenID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, snsAuth(t, env, tok, u.OpenID), 40001)

	bob := env.AddUser(t, otherApp.AppID, sandbox.User{})
	code := env.OAuthCode(t, otherApp.AppID, bob.OpenID, snsUserinfo)
	r := get(t, env, "/sns/oauth2/access_token", exchangeQuery(otherApp.AppID, otherApp.AppSecret, code))
	wantCode(t, r, 0)
	if calls := env.Sandbox.Calls(sandbox.CallFilter{Path: "/sns/auth", AppID: sandboxtest.DemoAppID}); len(calls) != 1 {
		t.Errorf("sns/auth calls are logged with the token's account: %+v", calls)
	}
	if err := env.Sandbox.DeleteAccount(otherApp.AppID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, snsAuth(t, env, r.AccessToken, bob.OpenID), 40001)
	if err := env.Sandbox.AddAccount(otherApp); err != nil {
		t.Fatal(err)
	}
	if users := mustUsers(t, env, otherApp.AppID); len(users) != 0 {
		t.Errorf("a re-created account has the deleted one's users: %+v", users)
	}
	wantCode(t, get(t, env, "/sns/oauth2/refresh_token", refreshQuery(otherApp.AppID, r.RefreshToken)), 40030)
}

func TestSNSQuota(t *testing.T) {
	t.Parallel()
	env, u := startOAuth(t)
	if err := env.Sandbox.SetQuota("/sns/oauth2/access_token", 1); err != nil {
		t.Fatal(err)
	}
	grantFor(t, env, u.OpenID, snsBase)
	wantCode(t, exchange(t, env, env.OAuthCode(t, sandboxtest.DemoAppID, u.OpenID, snsBase)), 45009)
	// Bad credentials do not reach the quota; a bad code after good credentials does.
	if err := env.Sandbox.SetQuota("/sns/oauth2/access_token", 0); err != nil {
		t.Fatal(err)
	}
	wantCode(t, exchange(t, env, "bogus"), 40029)
	if err := env.Sandbox.SetQuota("/sns/oauth2/access_token", 2); err != nil {
		t.Fatal(err)
	}
	wantCode(t, exchange(t, env, env.OAuthCode(t, sandboxtest.DemoAppID, u.OpenID, snsBase)), 45009)
}

func TestAuthorize(t *testing.T) {
	t.Parallel()
	demo := sandbox.DemoAccount()
	demo.OAuthDomains = []string{oauthDomain, "127.0.0.1:8080", "Shop.Example.com"}
	env := startFrozen(t, sandbox.Options{Accounts: []sandbox.Account{demo, otherApp, {AppID: "wx2222222222222222", AppSecret: "s2"}}})
	env.AddUser(t, demo.AppID, sandbox.User{Nickname: "Alice"}) // two users: the choice decides
	bob := env.AddUser(t, demo.AppID, sandbox.User{Nickname: "Bob"})
	if err := env.Sandbox.SetAuthorizingUser(demo.AppID, bob.OpenID); err != nil {
		t.Fatal(err)
	}
	only := env.AddUser(t, otherApp.AppID, sandbox.User{Nickname: "Only"})
	env.AddUser(t, "wx2222222222222222", sandbox.User{})
	env.AddUser(t, "wx2222222222222222", sandbox.User{})
	cb := "https://" + oauthDomain + "/cb"
	longState := strings.Repeat("a", 128)

	type want struct {
		openID  string // "" when the page must show an error
		errcode int
		state   string
	}
	tests := []struct {
		name   string
		method string
		query  url.Values
		want   want
	}{
		{"chosen user", http.MethodGet, authorizeQuery(demo.AppID, cb, snsBase, "abc"), want{openID: bob.OpenID, state: "abc"}},
		{"only user", http.MethodGet, authorizeQuery(otherApp.AppID, "https://any.example.org/x", snsUserinfo, "S1"), want{openID: only.OpenID, state: "S1"}},
		{"no state", http.MethodGet, authorizeQuery(demo.AppID, cb, snsBase, ""), want{openID: bob.OpenID}},
		{"128-byte state", http.MethodGet, authorizeQuery(demo.AppID, cb, snsBase, longState), want{openID: bob.OpenID, state: longState}},
		{"domain with port", http.MethodGet, authorizeQuery(demo.AppID, "http://127.0.0.1:8080/cb", snsBase, "s"), want{openID: bob.OpenID, state: "s"}},
		{"domain any port, any case", http.MethodGet, authorizeQuery(demo.AppID, "http://shop.example.com:9000/cb", snsBase, "s"), want{openID: bob.OpenID, state: "s"}},
		{"HEAD", http.MethodHead, authorizeQuery(demo.AppID, cb, snsBase, ""), want{openID: bob.OpenID}},
		{"appid missing", http.MethodGet, authorizeQuery("", cb, snsBase, "s"), want{errcode: 10012}},
		{"redirect_uri missing", http.MethodGet, authorizeQuery(demo.AppID, "", snsBase, "s"), want{errcode: 10011}},
		{"scope missing", http.MethodGet, authorizeQuery(demo.AppID, cb, "", "s"), want{errcode: 10010}},
		{"response_type wrong", http.MethodGet, func() url.Values {
			q := authorizeQuery(demo.AppID, cb, snsBase, "s")
			q.Set("response_type", "token")
			return q
		}(), want{errcode: 40097}},
		{"unknown appid", http.MethodGet, authorizeQuery("wx9999999999999999", cb, snsBase, "s"), want{errcode: 40013}},
		{"open-platform scope", http.MethodGet, authorizeQuery(demo.AppID, cb, "snsapi_login", "s"), want{errcode: 10005}},
		{"domain not configured", http.MethodGet, authorizeQuery(demo.AppID, "https://evil.example.net/cb", snsBase, "s"), want{errcode: 10003}},
		{"subdomain of a configured domain", http.MethodGet, authorizeQuery(demo.AppID, "https://x."+oauthDomain+"/cb", snsBase, "s"), want{errcode: 10003}},
		{"port other than the configured one", http.MethodGet, authorizeQuery(demo.AppID, "http://127.0.0.1:8081/cb", snsBase, "s"), want{errcode: 10003}},
		{"relative redirect_uri", http.MethodGet, authorizeQuery(demo.AppID, "/cb", snsBase, "s"), want{errcode: 10003}},
		{"non-http redirect_uri", http.MethodGet, authorizeQuery(demo.AppID, "javascript://"+oauthDomain+"/x", snsBase, "s"), want{errcode: 10003}},
		{"state too long", http.MethodGet, authorizeQuery(demo.AppID, cb, snsBase, longState+"a"), want{errcode: 40097}},
		{"state not alphanumeric", http.MethodGet, authorizeQuery(demo.AppID, cb, snsBase, "a-b"), want{errcode: 40097}},
		{"no authorizing user", http.MethodGet, authorizeQuery("wx2222222222222222", cb, snsBase, "s"), want{errcode: 50001}},
		{"POST", http.MethodPost, authorizeQuery(demo.AppID, cb, snsBase, "s"), want{errcode: 43001}},
	}
	t.Run("cases", func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				checkAuthorize(t, env, tt.method, tt.query, tt.want.openID, tt.want.errcode, tt.want.state)
			})
		}
	})
	// The error page carries the platform's text too.
	if p := authorize(t, env, http.MethodGet, authorizeQuery(demo.AppID, "https://evil.example.net/cb", snsBase, "s")); !strings.Contains(p.Body, "redirect_uri域名与后台配置不一致") {
		t.Errorf("10003 page lacks its text: %s", p.Body)
	}
	// The error pages are logged with their errcode.
	calls := env.Sandbox.Calls(sandbox.CallFilter{Path: "/connect/oauth2/authorize", AppID: "wx2222222222222222"})
	if len(calls) != 1 || calls[0].Errcode != 50001 || calls[0].HTTPStatus != 200 {
		t.Errorf("calls: %+v", calls)
	}
}

// checkAuthorize opens the authorize URL and checks that it shows an error page with
// errcode (when openID is "") or redirects with a code for openID (exchanged to check)
// and state.
func checkAuthorize(t *testing.T, env *sandboxtest.Env, method string, query url.Values, openID string, errcode int, state string) {
	t.Helper()
	p := authorize(t, env, method, query)
	if openID == "" {
		if p.Status != http.StatusOK || p.Location != "" || !strings.HasPrefix(p.ContentType, "text/html") ||
			!strings.Contains(p.Body, "errcode: "+strconv.Itoa(errcode)) {
			t.Fatalf("want an error page with %d, got HTTP %d %q Location %q: %s", errcode, p.Status, p.ContentType, p.Location, p.Body)
		}
		return
	}
	if p.Status != http.StatusFound {
		t.Fatalf("HTTP %d, want 302: %s", p.Status, p.Body)
	}
	loc, err := url.Parse(p.Location)
	if err != nil {
		t.Fatal(err)
	}
	q := loc.Query()
	if _, has := q["state"]; has != (state != "") || q.Get("state") != state {
		t.Errorf("redirect %s: state %q, want %q", p.Location, q.Get("state"), state)
	}
	appID := query.Get("appid")
	secret := sandboxtest.DemoAppSecret
	if appID == otherApp.AppID {
		secret = otherApp.AppSecret
	}
	r := get(t, env, "/sns/oauth2/access_token", exchangeQuery(appID, secret, q.Get("code")))
	wantCode(t, r, 0)
	if r.OpenID != openID || r.Scope != query.Get("scope") {
		t.Errorf("code is for %s/%s, want %s/%s", r.OpenID, r.Scope, openID, query.Get("scope"))
	}
}

func TestAuthorizeHelperAndRedirectPreservesFragment(t *testing.T) {
	t.Parallel()
	env, u := startOAuth(t)
	loc := env.Authorize(t, sandboxtest.DemoAppID, "https://"+oauthDomain+"/spa/?a=1#/route", snsUserinfo, "")
	if loc.Fragment != "/route" || loc.Query().Get("a") != "1" || loc.Query().Has("state") {
		t.Fatalf("redirect %s", loc)
	}
	r := exchange(t, env, loc.Query().Get("code"))
	wantCode(t, r, 0)
	if r.OpenID != u.OpenID {
		t.Errorf("openid %s, want %s", r.OpenID, u.OpenID)
	}
}
