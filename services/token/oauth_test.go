package token

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/sandbox"
)

const (
	scopeUserInfoPB = tokenv1.AuthorizationScope_AUTHORIZATION_SCOPE_SNSAPI_USERINFO
	scopeBasePB     = tokenv1.AuthorizationScope_AUTHORIZATION_SCOPE_SNSAPI_BASE
)

// Callers as the auth interceptor would put them in the context.
var (
	withTokens = &auth.Caller{KeyID: "with-tokens", Scopes: []string{auth.ScopeOAuth, auth.ScopeOAuthTokens}, AppIDs: []string{auth.AllAccounts}}
	noTokens   = &auth.Caller{KeyID: "no-tokens", Scopes: []string{auth.ScopeOAuth}, AppIDs: []string{auth.AllAccounts}}
)

// wantStatus fails unless err is a connect error with code whose message contains text.
func wantStatus(t *testing.T, what string, err error, code connect.Code, text string) {
	t.Helper()
	if connect.CodeOf(err) != code || err == nil || !strings.Contains(err.Error(), text) {
		t.Errorf("%s: error = %v, want %v containing %q", what, err, code, text)
	}
}

// wantErrcode fails unless err carries WeChat errcode want in an ErrorInfo detail.
func wantErrcode(t *testing.T, what string, err error, want int) {
	t.Helper()
	var ce *connect.Error
	if !errors.As(err, &ce) {
		t.Errorf("%s: %v is not a connect error", what, err)
		return
	}
	if got, ok := wechat.Code(ce); !ok || got != want {
		t.Errorf("%s: errcode detail = %d (%v), want %d", what, got, ok, want)
	}
}

func TestAuthorizeURLIsExact(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                         string
		base, appID, redirect, state string
		scope                        OAuthScope
		want                         string
	}{
		{
			// wechatpy tests/test_oauth.py (facts §6.7).
			name: "wechatpy", base: defaultAuthorizeURL, appID: "123456", redirect: "http://localhost", scope: ScopeBase,
			want: "https://open.weixin.qq.com/connect/oauth2/authorize?appid=123456&redirect_uri=http%3A%2F%2Flocalhost&response_type=code&scope=snsapi_base#wechat_redirect",
		},
		{
			name: "path query and state", base: defaultAuthorizeURL, appID: "wx0123456789abcdef",
			redirect: "https://app.example.com/oauth/cb?next=/a&x=1", scope: ScopeUserInfo, state: "abc123",
			want: "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx0123456789abcdef&redirect_uri=https%3A%2F%2Fapp.example.com%2Foauth%2Fcb%3Fnext%3D%2Fa%26x%3D1&response_type=code&scope=snsapi_userinfo&state=abc123#wechat_redirect",
		},
		{
			name: "sandbox base", base: "http://127.0.0.1:9999/connect/oauth2/authorize", appID: "wx1",
			redirect: "http://app.example.com:8080/", scope: ScopeBase, state: "S",
			want: "http://127.0.0.1:9999/connect/oauth2/authorize?appid=wx1&redirect_uri=http%3A%2F%2Fapp.example.com%3A8080%2F&response_type=code&scope=snsapi_base&state=S#wechat_redirect",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := authorizeURL(tt.base, tt.appID, tt.redirect, tt.scope, tt.state); got != tt.want {
				t.Errorf("authorizeURL =\n  %s\nwant\n  %s", got, tt.want)
			}
		})
	}
}

func TestBuildAuthorizeURL(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	h := NewOAuthHandler(e.service())
	ctx := context.Background()

	res, err := h.BuildAuthorizeURL(ctx, &tokenv1.BuildAuthorizeURLRequest{
		AppId: e.appID, RedirectUri: "https://APP.example.com/cb", Scope: scopeUserInfoPB, State: "xyz",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := e.sb.URL + "/connect/oauth2/authorize?appid=" + e.appID + "&redirect_uri=https%3A%2F%2FAPP.example.com%2Fcb&response_type=code&scope=snsapi_userinfo&state=xyz#wechat_redirect"
	if res.GetUrl() != want || res.GetState() != "xyz" {
		t.Errorf("BuildAuthorizeURL = %q state %q, want %q", res.GetUrl(), res.GetState(), want)
	}

	// A generated state is 16 alphanumerics, different each time.
	states := map[string]bool{}
	for range 3 {
		res, err := h.BuildAuthorizeURL(ctx, &tokenv1.BuildAuthorizeURLRequest{AppId: e.appID, RedirectUri: "http://127.0.0.1/cb", Scope: scopeBasePB})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.GetState()) != 16 || !isAlnum(res.GetState()) || !strings.Contains(res.GetUrl(), "&state="+res.GetState()+"#wechat_redirect") {
			t.Errorf("generated state %q in %q", res.GetState(), res.GetUrl())
		}
		states[res.GetState()] = true
	}
	if len(states) != 3 {
		t.Errorf("generated states repeat: %v", states)
	}
}

func TestOAuthBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.service()
	noDomains := e.service(func(p *Params) { p.Accounts[0].OAuthDomains = nil })
	noKey := e.service(func(p *Params) { p.Config.UserTokenKey = config.Secret{} })
	h := NewOAuthHandler(s)
	ctx := context.Background()
	long := strings.Repeat("a", 129)

	authorize := []struct {
		name     string
		h        *OAuthHandler
		give     *tokenv1.BuildAuthorizeURLRequest
		wantCode connect.Code
		wantText string
	}{
		{"empty app_id", h, &tokenv1.BuildAuthorizeURLRequest{RedirectUri: "https://app.example.com/", Scope: scopeBasePB}, connect.CodeInvalidArgument, "app_id is required"},
		{"unknown app_id", h, &tokenv1.BuildAuthorizeURLRequest{AppId: "wxnope", RedirectUri: "https://app.example.com/", Scope: scopeBasePB}, connect.CodeNotFound, "wxnope"},
		{"unspecified scope", h, &tokenv1.BuildAuthorizeURLRequest{AppId: e.appID, RedirectUri: "https://app.example.com/"}, connect.CodeInvalidArgument, "scope"},
		{"unknown scope", h, &tokenv1.BuildAuthorizeURLRequest{AppId: e.appID, RedirectUri: "https://app.example.com/", Scope: 7}, connect.CodeInvalidArgument, "scope"},
		{"empty redirect", h, &tokenv1.BuildAuthorizeURLRequest{AppId: e.appID, Scope: scopeBasePB}, connect.CodeInvalidArgument, "redirect_uri is required"},
		{"relative redirect", h, &tokenv1.BuildAuthorizeURLRequest{AppId: e.appID, RedirectUri: "/cb", Scope: scopeBasePB}, connect.CodeInvalidArgument, "absolute http or https"},
		{"ftp redirect", h, &tokenv1.BuildAuthorizeURLRequest{AppId: e.appID, RedirectUri: "ftp://app.example.com/cb", Scope: scopeBasePB}, connect.CodeInvalidArgument, "absolute http or https"},
		{"malformed redirect", h, &tokenv1.BuildAuthorizeURLRequest{AppId: e.appID, RedirectUri: "https://app.example.com/%zz", Scope: scopeBasePB}, connect.CodeInvalidArgument, "not a valid URL"},
		{"user info in redirect", h, &tokenv1.BuildAuthorizeURLRequest{AppId: e.appID, RedirectUri: "https://evil@app.example.com/", Scope: scopeBasePB}, connect.CodeInvalidArgument, "user information"},
		{"foreign domain", h, &tokenv1.BuildAuthorizeURLRequest{AppId: e.appID, RedirectUri: "https://evil.example.net/cb", Scope: scopeBasePB}, connect.CodeInvalidArgument, `"evil.example.net"`},
		{"subdomain is not the domain", h, &tokenv1.BuildAuthorizeURLRequest{AppId: e.appID, RedirectUri: "https://a.app.example.com/cb", Scope: scopeBasePB}, connect.CodeInvalidArgument, "app.example.com, 127.0.0.1:8443"},
		{"bad state", h, &tokenv1.BuildAuthorizeURLRequest{AppId: e.appID, RedirectUri: "https://app.example.com/", Scope: scopeBasePB, State: "a-b"}, connect.CodeInvalidArgument, "state"},
		{"long state", h, &tokenv1.BuildAuthorizeURLRequest{AppId: e.appID, RedirectUri: "https://app.example.com/", Scope: scopeBasePB, State: long}, connect.CodeInvalidArgument, "state"},
		{"no oauth domains", NewOAuthHandler(noDomains), &tokenv1.BuildAuthorizeURLRequest{AppId: e.appID, RedirectUri: "https://app.example.com/", Scope: scopeBasePB}, connect.CodeFailedPrecondition, "accounts[].oauth_domains"},
		{"no user token key", NewOAuthHandler(noKey), &tokenv1.BuildAuthorizeURLRequest{AppId: e.appID, RedirectUri: "https://app.example.com/", Scope: scopeBasePB}, connect.CodeFailedPrecondition, "token.user_token_key"},
	}
	for _, tt := range authorize {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.h.BuildAuthorizeURL(ctx, tt.give)
			wantStatus(t, tt.name, err, tt.wantCode, tt.wantText)
		})
	}

	users := []struct {
		name     string
		call     func() error
		wantCode connect.Code
		wantText string
	}{
		{"exchange empty code", func() error {
			_, err := h.ExchangeCode(ctx, &tokenv1.ExchangeCodeRequest{AppId: e.appID})
			return err
		}, connect.CodeInvalidArgument, "code is required"},
		{"exchange code with spaces", func() error {
			_, err := h.ExchangeCode(ctx, &tokenv1.ExchangeCodeRequest{AppId: e.appID, Code: "a b"})
			return err
		}, connect.CodeInvalidArgument, "code is malformed"},
		{"exchange without key", func() error {
			_, err := NewOAuthHandler(noKey).ExchangeCode(ctx, &tokenv1.ExchangeCodeRequest{AppId: e.appID, Code: "abc"})
			return err
		}, connect.CodeFailedPrecondition, "token.user_token_key"},
		{"user info of unknown openid", func() error {
			_, err := h.GetUserInfo(ctx, &tokenv1.GetUserInfoRequest{AppId: e.appID, Openid: "oUnknownUser"})
			return err
		}, connect.CodeNotFound, `"oUnknownUser"`},
		{"user info empty openid", func() error {
			_, err := h.GetUserInfo(ctx, &tokenv1.GetUserInfoRequest{AppId: e.appID})
			return err
		}, connect.CodeInvalidArgument, "openid is required"},
		{"user info bad lang", func() error {
			_, err := h.GetUserInfo(ctx, &tokenv1.GetUserInfoRequest{AppId: e.appID, Openid: "oX", Lang: "fr"})
			return err
		}, connect.CodeInvalidArgument, "lang"},
		{"refresh unknown openid", func() error {
			_, err := h.RefreshUserToken(ctx, &tokenv1.RefreshUserTokenRequest{AppId: e.appID, Openid: "oUnknownUser"})
			return err
		}, connect.CodeNotFound, `"oUnknownUser"`},
		{"check unknown openid", func() error {
			_, err := h.CheckUserToken(ctx, &tokenv1.CheckUserTokenRequest{AppId: e.appID, Openid: "oUnknownUser"})
			return err
		}, connect.CodeNotFound, `"oUnknownUser"`},
		{"check empty app_id", func() error {
			_, err := h.CheckUserToken(ctx, &tokenv1.CheckUserTokenRequest{Openid: "oX"})
			return err
		}, connect.CodeInvalidArgument, "app_id is required"},
		{"check without key", func() error {
			_, err := NewOAuthHandler(noKey).CheckUserToken(ctx, &tokenv1.CheckUserTokenRequest{AppId: e.appID, Openid: "oX"})
			return err
		}, connect.CodeFailedPrecondition, "token.user_token_key"},
	}
	for _, tt := range users {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, tt.name, tt.call(), tt.wantCode, tt.wantText)
		})
	}
	if n := e.allCalls(); n != 0 {
		t.Errorf("bad input sent %d calls to WeChat", n)
	}
}

func TestOAuthRoundTripThroughTheSandbox(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.service()
	h := NewOAuthHandler(s)
	sb := e.sb.Sandbox
	ctx := auth.WithCaller(context.Background(), withTokens)
	plain := auth.WithCaller(context.Background(), noTokens)

	alice, err := sb.AddUser(e.appID, sandbox.User{Nickname: "Alice", Sex: 2, City: "Shenzhen", UnionID: "uAlice"})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.SetAuthorizingUser(e.appID, alice.OpenID); err != nil {
		t.Fatal(err)
	}

	// The browser leg: the authorize URL redirects to redirect_uri with code and state.
	au, err := h.BuildAuthorizeURL(plain, &tokenv1.BuildAuthorizeURLRequest{
		AppId: e.appID, RedirectUri: "https://app.example.com/oauth/cb?x=1", Scope: scopeUserInfoPB,
	})
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(au.GetUrl())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || loc.Host != oauthDomain || loc.Path != "/oauth/cb" {
		t.Fatalf("authorize: %d Location %q (%v)", resp.StatusCode, resp.Header.Get("Location"), err)
	}
	code := loc.Query().Get("code")
	if code == "" || loc.Query().Get("state") != au.GetState() || loc.Query().Get("x") != "1" {
		t.Fatalf("redirect %q: want code, state %q and x=1", loc, au.GetState())
	}

	// Exchange: tokens only for the oauth.tokens scope.
	ex, err := h.ExchangeCode(ctx, &tokenv1.ExchangeCodeRequest{AppId: e.appID, Code: code})
	if err != nil {
		t.Fatalf("ExchangeCode: %v", err)
	}
	if ex.GetOpenid() != alice.OpenID || ex.GetUnionid() != "uAlice" || ex.GetScope() != scopeUserInfoPB {
		t.Errorf("ExchangeCode = %v", ex)
	}
	now := sb.Now()
	if d := ex.GetExpiresAt().AsTime().Sub(now); d < 7190*time.Second || d > 7200*time.Second {
		t.Errorf("user token expires in %s, want 7200s", d)
	}
	if d := ex.GetRefreshExpiresAt().AsTime().Sub(now); d < refreshTokenLifetime-time.Minute || d > refreshTokenLifetime {
		t.Errorf("refresh token expires in %s, want 30 days", d)
	}
	snsTokens := []string{ex.GetTokens().GetAccessToken()}
	refreshToken := ex.GetTokens().GetRefreshToken()
	if snsTokens[0] == "" || refreshToken == "" {
		t.Fatal("ExchangeCode with oauth.tokens returned no tokens")
	}

	// The tokens are encrypted at rest: Redis holds neither of them.
	raw, err := e.rdb.Get(context.Background(), s.accounts[e.appID].keys.user(alice.OpenID)).Bytes()
	if err != nil {
		t.Fatalf("stored authorization: %v", err)
	}
	for _, secret := range []string{snsTokens[0], refreshToken, alice.OpenID} {
		if strings.Contains(string(raw), secret) {
			t.Error("Redis holds a user token or the openid in clear")
		}
	}
	if ttl := e.rdb.TTL(context.Background(), s.accounts[e.appID].keys.user(alice.OpenID)).Val(); ttl < refreshTokenLifetime-time.Hour {
		t.Errorf("stored authorization TTL = %s, want about 30 days", ttl)
	}

	info, err := h.GetUserInfo(plain, &tokenv1.GetUserInfoRequest{AppId: e.appID, Openid: alice.OpenID})
	if err != nil {
		t.Fatalf("GetUserInfo: %v", err)
	}
	if u := info.GetUser(); u.GetNickname() != "Alice" || u.GetSex() != 2 || u.GetCity() != "Shenzhen" || u.GetOpenid() != alice.OpenID {
		t.Errorf("GetUserInfo = %v", u)
	}

	// Past the user token's expiry, GetUserInfo refreshes it first.
	sb.Advance(7201 * time.Second)
	if _, err := h.GetUserInfo(plain, &tokenv1.GetUserInfoRequest{AppId: e.appID, Openid: alice.OpenID, Lang: "en"}); err != nil {
		t.Fatalf("GetUserInfo after expiry: %v", err)
	}
	if n := e.calls("/sns/oauth2/refresh_token"); n != 1 {
		t.Errorf("refresh_token calls = %d, want 1", n)
	}
	chk, err := h.CheckUserToken(plain, &tokenv1.CheckUserTokenRequest{AppId: e.appID, Openid: alice.OpenID})
	if err != nil || !chk.GetValid() {
		t.Errorf("CheckUserToken after refresh = %v, %v; want valid", chk, err)
	}

	// Without oauth.tokens (or any caller) a refresh returns no tokens.
	for _, c := range []context.Context{plain, context.Background()} {
		r, err := h.RefreshUserToken(c, &tokenv1.RefreshUserTokenRequest{AppId: e.appID, Openid: alice.OpenID})
		if err != nil {
			t.Fatalf("RefreshUserToken: %v", err)
		}
		if r.GetTokens() != nil || r.GetScope() != scopeUserInfoPB {
			t.Errorf("RefreshUserToken without oauth.tokens = %v", r)
		}
	}
	r, err := h.RefreshUserToken(ctx, &tokenv1.RefreshUserTokenRequest{AppId: e.appID, Openid: alice.OpenID})
	if err != nil || r.GetTokens().GetAccessToken() == "" || r.GetTokens().GetRefreshToken() != refreshToken {
		t.Fatalf("RefreshUserToken with oauth.tokens = %v, %v", r, err)
	}
	snsTokens = append(snsTokens, r.GetTokens().GetAccessToken())

	// An expired user token is reported, not raised.
	sb.Advance(7201 * time.Second)
	chk, err = h.CheckUserToken(plain, &tokenv1.CheckUserTokenRequest{AppId: e.appID, Openid: alice.OpenID})
	if err != nil || chk.GetValid() || chk.GetErrcode() == 0 || chk.GetErrmsg() == "" {
		t.Errorf("CheckUserToken of an expired token = %v, %v; want invalid with errcode", chk, err)
	}

	// Codes are single-use, live five minutes and must exist.
	_, err = h.ExchangeCode(ctx, &tokenv1.ExchangeCodeRequest{AppId: e.appID, Code: code})
	wantStatus(t, "code reuse", err, connect.CodeFailedPrecondition, "code already used")
	wantErrcode(t, "code reuse", err, 40163)
	late, err := sb.IssueOAuthCode(e.appID, alice.OpenID, "snsapi_userinfo")
	if err != nil {
		t.Fatal(err)
	}
	sb.Advance(5*time.Minute + time.Second)
	_, err = h.ExchangeCode(ctx, &tokenv1.ExchangeCodeRequest{AppId: e.appID, Code: late})
	wantStatus(t, "expired code", err, connect.CodeFailedPrecondition, "code expired (codes live 5 minutes)")
	wantErrcode(t, "expired code", err, 42003)
	_, err = h.ExchangeCode(ctx, &tokenv1.ExchangeCodeRequest{AppId: e.appID, Code: "0" + code})
	wantStatus(t, "invalid code", err, connect.CodeInvalidArgument, "invalid code")
	wantErrcode(t, "invalid code", err, 40029)

	// A snsapi_base user: the profile is refused here, without asking WeChat.
	bob, err := sb.AddUser(e.appID, sandbox.User{Nickname: "Bob"})
	if err != nil {
		t.Fatal(err)
	}
	baseCode, err := sb.IssueOAuthCode(e.appID, bob.OpenID, "snsapi_base")
	if err != nil {
		t.Fatal(err)
	}
	bex, err := h.ExchangeCode(plain, &tokenv1.ExchangeCodeRequest{AppId: e.appID, Code: baseCode})
	if err != nil || bex.GetScope() != scopeBasePB || bex.GetTokens() != nil {
		t.Fatalf("ExchangeCode (snsapi_base, no oauth.tokens) = %v, %v", bex, err)
	}
	before := e.allCalls()
	_, err = h.GetUserInfo(plain, &tokenv1.GetUserInfoRequest{AppId: e.appID, Openid: bob.OpenID})
	wantStatus(t, "snsapi_base profile", err, connect.CodeFailedPrecondition, "user authorized snsapi_base only")
	if n := e.allCalls() - before; n != 0 {
		t.Errorf("a snsapi_base profile request sent %d calls to WeChat", n)
	}

	// A refresh token WeChat no longer knows: the user must authorize again.
	if err := sb.DeleteUser(e.appID, alice.OpenID); err != nil {
		t.Fatal(err)
	}
	_, err = h.RefreshUserToken(plain, &tokenv1.RefreshUserTokenRequest{AppId: e.appID, Openid: alice.OpenID})
	wantStatus(t, "forgotten refresh token", err, connect.CodeFailedPrecondition, "must authorize again")
	wantErrcode(t, "forgotten refresh token", err, 40030)

	// Thirty days after the exchange the refresh token is dead: refused without a call.
	sb.Advance(refreshTokenLifetime)
	before = e.allCalls()
	_, err = h.RefreshUserToken(plain, &tokenv1.RefreshUserTokenRequest{AppId: e.appID, Openid: bob.OpenID})
	wantStatus(t, "expired refresh token", err, connect.CodeFailedPrecondition, "must authorize again")
	if n := e.allCalls() - before; n != 0 {
		t.Errorf("an expired refresh token sent %d calls to WeChat", n)
	}

	// Nothing secret reached the service's log.
	logs := e.logs.String()
	if !strings.Contains(logs, "/sns/oauth2/access_token") {
		t.Fatal("the log holds no WeChat calls: is debug logging captured?")
	}
	for what, secret := range map[string]string{"app secret": e.secret, "refresh token": refreshToken, "code": code} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds the %s", what)
		}
	}
	for _, tok := range snsTokens {
		if strings.Contains(logs, tok) {
			t.Error("the log holds an sns access token")
		}
	}
}

func TestUserTokensNeedTheirKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.service()
	ctx := context.Background()
	u, err := e.sb.Sandbox.AddUser(e.appID, sandbox.User{Nickname: "Carol"})
	if err != nil {
		t.Fatal(err)
	}
	code, err := e.sb.Sandbox.IssueOAuthCode(e.appID, u.OpenID, "snsapi_userinfo")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ExchangeCode(ctx, e.appID, code); err != nil {
		t.Fatal(err)
	}
	// Another replica with the same key reads the authorization.
	if _, err := e.service().UserInfo(ctx, e.appID, u.OpenID, ""); err != nil {
		t.Errorf("replica with the same key: %v", err)
	}
	// One with another key cannot, and says what to do.
	other := e.service(func(p *Params) { p.Config.UserTokenKey = userTokenKey() })
	_, err = other.UserInfo(ctx, e.appID, u.OpenID, "")
	wantStatus(t, "other key", connectError(err), connect.CodeFailedPrecondition, "user_token_key")
}

func TestUserGrantNeverPrintsItsTokens(t *testing.T) {
	t.Parallel()
	g := (&userGrant{OpenID: "o1", AccessToken: "ACCESS-TOKEN-VALUE", RefreshToken: "REFRESH-TOKEN-VALUE"}).public("wx1")
	for _, s := range []string{
		strings.Join([]string{g.AccessToken.String(), g.RefreshToken.String()}, " "),
		fmt.Sprintf("%v %+v %#v", g, g, g),
	} {
		if strings.Contains(s, "TOKEN-VALUE") {
			t.Errorf("UserGrant printed a token: %s", s)
		}
	}
}

func TestFlexIntDecodesStringsAndNumbers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give string
		want int
	}{
		{`{"sex":1}`, 1}, {`{"sex":"2"}`, 2}, {`{"sex":""}`, 0}, {`{"sex":null}`, 0}, {`{}`, 0},
	}
	for _, tt := range tests {
		var r userInfoResponse
		if err := json.Unmarshal([]byte(tt.give), &r); err != nil || int(r.Sex) != tt.want {
			t.Errorf("%s: sex = %d, %v; want %d", tt.give, r.Sex, err, tt.want)
		}
	}
	var r userInfoResponse
	if err := json.Unmarshal([]byte(`{"sex":"male"}`), &r); err == nil {
		t.Error(`"male" decoded without error`)
	}
}
