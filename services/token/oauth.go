package token

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// OAuthScope is a web-authorization scope.
type OAuthScope string

const (
	// ScopeBase is silent authorization: the openid only.
	ScopeBase OAuthScope = "snsapi_base"
	// ScopeUserInfo asks for the user's consent and allows reading the profile.
	ScopeUserInfo OAuthScope = "snsapi_userinfo"
)

// refreshTokenLifetime is how long a refresh token lives after the code exchange; it
// cannot be renewed.
const refreshTokenLifetime = 30 * 24 * time.Hour

// maxStateLen is the longest state WeChat carries through the authorization.
const maxStateLen = 128

// AuthorizeRequest describes an authorization to ask a user for.
type AuthorizeRequest struct {
	// AppID is the account.
	AppID string
	// RedirectURI is where WeChat sends the user back: an absolute http(s) URL whose host
	// is one of the account's OAuthDomains.
	RedirectURI string
	// Scope is ScopeBase or ScopeUserInfo.
	Scope OAuthScope
	// State is carried back in the redirect: 1 to 128 of [a-zA-Z0-9]; generated (16
	// characters) when empty.
	State string
}

// Authorization is an authorize URL and the state it carries.
type Authorization struct {
	// URL is the page to send the user to, ending in #wechat_redirect.
	URL string
	// State is the state in URL; compare it with the one the redirect brings back.
	State string
}

// UserGrant is a user's stored web authorization. Its tokens are config.Secret values, so
// printing or logging a UserGrant never shows them.
type UserGrant struct {
	// AppID is the account.
	AppID string
	// OpenID identifies the user for the account.
	OpenID string
	// UnionID is the user's unionid, when WeChat gave one.
	UnionID string
	// Scope is the granted scope.
	Scope OAuthScope
	// Snapshot is set for the virtual user of a snapshot page (is_snapshotuser).
	Snapshot bool
	// ExpiresAt is when the user access token expires (service clock).
	ExpiresAt time.Time
	// RefreshExpiresAt is when the refresh token expires: 30 days after the code exchange.
	RefreshExpiresAt time.Time
	// AccessToken is the user (sns) access token.
	AccessToken config.Secret
	// RefreshToken is the refresh token.
	RefreshToken config.Secret
}

func (g *userGrant) public(appID string) UserGrant {
	return UserGrant{
		AppID: appID, OpenID: g.OpenID, UnionID: g.UnionID, Scope: OAuthScope(g.Scope), Snapshot: g.Snapshot,
		ExpiresAt: time.UnixMilli(g.ExpiresAt), RefreshExpiresAt: time.UnixMilli(g.RefreshExpiresAt),
		AccessToken: config.NewSecret(g.AccessToken), RefreshToken: config.NewSecret(g.RefreshToken),
	}
}

// UserInfo is the profile sns/userinfo returns.
type UserInfo struct {
	OpenID     string
	Nickname   string
	Sex        int // 1 male, 2 female, 0 unknown
	Province   string
	City       string
	Country    string
	HeadImgURL string
	Privilege  []string
	UnionID    string
}

// UserTokenCheck is WeChat's verdict on a stored user access token.
type UserTokenCheck struct {
	// Valid is set when sns/auth accepted the token.
	Valid bool
	// Errcode and Errmsg are WeChat's answer when it did not.
	Errcode int
	Errmsg  string
}

// BuildAuthorizeURL returns the authorize URL for r. It checks the redirect URI against
// the account's OAuthDomains (exact host name, case- and port-insensitive: WeChat accepts
// only the domains configured in its console, not their subdomains) and calls nothing.
func (s *Service) BuildAuthorizeURL(_ context.Context, r AuthorizeRequest) (Authorization, error) {
	if err := s.users.ready(); err != nil {
		return Authorization{}, err
	}
	a, err := s.account(r.AppID)
	if err != nil {
		return Authorization{}, err
	}
	if r.Scope != ScopeBase && r.Scope != ScopeUserInfo {
		return Authorization{}, &ArgumentError{Field: "scope", Reason: "must be snsapi_base or snsapi_userinfo"}
	}
	if _, err := checkURL(a, "redirect_uri", r.RedirectURI, "oauth_domains", a.cfg.OAuthDomains); err != nil {
		return Authorization{}, err
	}
	state := r.State
	switch {
	case state == "":
		state = randomAlnum(16)
	case len(state) > maxStateLen || !isAlnum(state):
		return Authorization{}, &ArgumentError{Field: "state", Reason: "must be 1 to 128 characters of [a-zA-Z0-9]"}
	}
	return Authorization{URL: authorizeURL(s.cfg.OAuthAuthorizeURL, a.cfg.AppID, r.RedirectURI, r.Scope, state), State: state}, nil
}

// authorizeURL builds the authorize URL with the parameters in WeChat's documented order.
// An empty state is left out.
func authorizeURL(base, appID, redirectURI string, scope OAuthScope, state string) string {
	var b strings.Builder
	b.WriteString(base)
	b.WriteString("?appid=")
	b.WriteString(url.QueryEscape(appID))
	b.WriteString("&redirect_uri=")
	b.WriteString(url.QueryEscape(redirectURI))
	b.WriteString("&response_type=code&scope=")
	b.WriteString(string(scope))
	if state != "" {
		b.WriteString("&state=")
		b.WriteString(state)
	}
	b.WriteString("#wechat_redirect")
	return b.String()
}

// snsTokenResponse is the answer of sns/oauth2/access_token and sns/oauth2/refresh_token.
type snsTokenResponse struct {
	AccessToken    string  `json:"access_token"`
	ExpiresIn      int64   `json:"expires_in"`
	RefreshToken   string  `json:"refresh_token"`
	OpenID         string  `json:"openid"`
	Scope          string  `json:"scope"`
	UnionID        string  `json:"unionid"`
	IsSnapshotUser flexInt `json:"is_snapshotuser"`
}

// grantedScope reads WeChat's scope field ("snsapi_userinfo", "snsapi_base", or both
// comma-separated).
func grantedScope(s string) OAuthScope {
	if strings.Contains(s, string(ScopeUserInfo)) {
		return ScopeUserInfo
	}
	return ScopeBase
}

// ExchangeCode exchanges the code of an authorization redirect and stores the user's
// tokens, encrypted, until the refresh token expires (30 days).
func (s *Service) ExchangeCode(ctx context.Context, appID, code string) (UserGrant, error) {
	if err := s.users.ready(); err != nil {
		return UserGrant{}, err
	}
	a, err := s.account(appID)
	if err != nil {
		return UserGrant{}, err
	}
	if code == "" {
		return UserGrant{}, &ArgumentError{Field: "code", Reason: "is required"}
	}
	if len(code) > 512 || !isPrintableASCII(code) {
		return UserGrant{}, &ArgumentError{Field: "code", Reason: "is malformed"}
	}
	start := s.now()
	var r snsTokenResponse
	err = s.wx.Do(ctx, &wechat.Request{
		AppID: a.cfg.AppID, Method: http.MethodGet, Path: "/sns/oauth2/access_token", NoToken: true,
		// A code is single-use: a resent exchange whose first answer was lost would get 40163.
		Once:  true,
		Query: url.Values{"appid": {a.cfg.AppID}, "secret": {a.cfg.AppSecret.Reveal()}, "code": {code}, "grant_type": {"authorization_code"}},
	}, &r)
	if err != nil {
		return UserGrant{}, &OAuthCodeError{AppID: a.cfg.AppID, Err: err}
	}
	if r.OpenID == "" || r.AccessToken == "" || r.ExpiresIn <= 0 {
		return UserGrant{}, &OAuthCodeError{AppID: a.cfg.AppID, Err: errors.New("WeChat answered without openid, access_token or expires_in")}
	}
	g := &userGrant{
		OpenID: r.OpenID, UnionID: r.UnionID, Scope: string(grantedScope(r.Scope)), Snapshot: r.IsSnapshotUser == 1,
		AccessToken: r.AccessToken, RefreshToken: r.RefreshToken,
		ExpiresAt:        start.Add(time.Duration(r.ExpiresIn) * time.Second).UnixMilli(),
		RefreshExpiresAt: start.Add(refreshTokenLifetime).UnixMilli(),
	}
	if err := s.putUser(ctx, a, g); err != nil {
		return UserGrant{}, err
	}
	return g.public(a.cfg.AppID), nil
}

// RefreshUserToken renews the user's access token with the stored refresh token.
func (s *Service) RefreshUserToken(ctx context.Context, appID, openid string) (UserGrant, error) {
	a, g, err := s.loadUser(ctx, appID, openid)
	if err != nil {
		return UserGrant{}, err
	}
	if g, err = s.refreshUser(ctx, a, g); err != nil {
		return UserGrant{}, err
	}
	return g.public(a.cfg.AppID), nil
}

// userInfoResponse is the answer of sns/userinfo.
type userInfoResponse struct {
	OpenID     string   `json:"openid"`
	Nickname   string   `json:"nickname"`
	Sex        flexInt  `json:"sex"`
	Province   string   `json:"province"`
	City       string   `json:"city"`
	Country    string   `json:"country"`
	HeadImgURL string   `json:"headimgurl"`
	Privilege  []string `json:"privilege"`
	UnionID    string   `json:"unionid"`
}

// UserInfo reads the user's profile with the stored token, refreshing the token first
// when it has expired (and once more when WeChat rejects it). Users who granted
// snsapi_base only are refused without calling WeChat. lang is zh_CN (default), zh_TW or
// en.
func (s *Service) UserInfo(ctx context.Context, appID, openid, lang string) (UserInfo, error) {
	switch lang {
	case "":
		lang = "zh_CN"
	case "zh_CN", "zh_TW", "en":
	default:
		return UserInfo{}, &ArgumentError{Field: "lang", Reason: "must be zh_CN, zh_TW or en"}
	}
	a, g, err := s.loadUser(ctx, appID, openid)
	if err != nil {
		return UserInfo{}, err
	}
	if OAuthScope(g.Scope) != ScopeUserInfo {
		return UserInfo{}, &BaseScopeError{AppID: a.cfg.AppID, OpenID: openid}
	}
	refreshed := false
	if s.now().UnixMilli() >= g.ExpiresAt {
		if g, err = s.refreshUser(ctx, a, g); err != nil {
			return UserInfo{}, err
		}
		refreshed = true
	}
	for {
		var r userInfoResponse
		err = s.wx.Do(ctx, &wechat.Request{
			AppID: a.cfg.AppID, Method: http.MethodGet, Path: "/sns/userinfo", NoToken: true,
			Query: url.Values{"access_token": {g.AccessToken}, "openid": {openid}, "lang": {lang}},
		}, &r)
		if err == nil {
			return UserInfo{
				OpenID: r.OpenID, Nickname: r.Nickname, Sex: int(r.Sex), Province: r.Province, City: r.City,
				Country: r.Country, HeadImgURL: r.HeadImgURL, Privilege: r.Privilege, UnionID: r.UnionID,
			}, nil
		}
		// Our clock may disagree with WeChat's: a rejected token gets one refresh.
		if refreshed || !wechat.IsTokenInvalid(err) {
			return UserInfo{}, &CallError{AppID: a.cfg.AppID, Op: "get user info", Err: err}
		}
		if g, err = s.refreshUser(ctx, a, g); err != nil {
			return UserInfo{}, err
		}
		refreshed = true
	}
}

// CheckUserToken asks WeChat (sns/auth) whether the stored user access token is valid. A
// refusal is a result, not an error.
func (s *Service) CheckUserToken(ctx context.Context, appID, openid string) (UserTokenCheck, error) {
	a, g, err := s.loadUser(ctx, appID, openid)
	if err != nil {
		return UserTokenCheck{}, err
	}
	err = s.wx.Do(ctx, &wechat.Request{
		AppID: a.cfg.AppID, Method: http.MethodGet, Path: "/sns/auth", NoToken: true,
		Query: url.Values{"access_token": {g.AccessToken}, "openid": {openid}},
	}, nil)
	var werr *wechat.Error
	switch {
	case err == nil:
		return UserTokenCheck{Valid: true}, nil
	case errors.As(err, &werr) && werr.Code != -1:
		return UserTokenCheck{Errcode: werr.Code, Errmsg: werr.Msg}, nil
	}
	return UserTokenCheck{}, &CallError{AppID: a.cfg.AppID, Op: "check user token", Err: err}
}

// loadUser checks the request and returns the stored authorization of openid.
func (s *Service) loadUser(ctx context.Context, appID, openid string) (*account, *userGrant, error) {
	if err := s.users.ready(); err != nil {
		return nil, nil, err
	}
	a, err := s.account(appID)
	if err != nil {
		return nil, nil, err
	}
	if openid == "" {
		return nil, nil, &ArgumentError{Field: "openid", Reason: "is required"}
	}
	if len(openid) > 128 || !isPrintableASCII(openid) {
		return nil, nil, &ArgumentError{Field: "openid", Reason: "is malformed"}
	}
	g, err := s.users.get(ctx, a.keys.user(openid))
	switch {
	case errors.Is(err, errNoUser):
		return nil, nil, &UnknownUserError{AppID: a.cfg.AppID, OpenID: openid}
	case errors.Is(err, errUndecryptable):
		return nil, nil, &ReauthorizeError{AppID: a.cfg.AppID, OpenID: openid, Reason: "the stored authorization cannot be decrypted with token.user_token_key (was the key changed?)"}
	case err != nil:
		return nil, nil, &UserStoreError{AppID: a.cfg.AppID, Err: err}
	}
	if g.OpenID != openid {
		return nil, nil, &UnknownUserError{AppID: a.cfg.AppID, OpenID: openid}
	}
	return a, g, nil
}

// putUser stores g until its refresh token expires.
func (s *Service) putUser(ctx context.Context, a *account, g *userGrant) error {
	ttl := time.UnixMilli(g.RefreshExpiresAt).Sub(s.now())
	if ttl <= 0 {
		return nil
	}
	if err := s.users.put(ctx, a.keys.user(g.OpenID), g, ttl); err != nil {
		return &UserStoreError{AppID: a.cfg.AppID, Err: err}
	}
	return nil
}

// refreshUser renews g's access token (sns/oauth2/refresh_token) and stores the result.
// Concurrent refreshes of one user in this process share one call.
func (s *Service) refreshUser(ctx context.Context, a *account, g *userGrant) (*userGrant, error) {
	if s.now().UnixMilli() >= g.RefreshExpiresAt {
		return nil, &ReauthorizeError{AppID: a.cfg.AppID, OpenID: g.OpenID, Reason: "the refresh token expired (30 days after the authorization)"}
	}
	ch := s.userFlight.DoChan(a.cfg.AppID+"\x00"+g.OpenID, func() (any, error) {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Duration(s.cfg.WaitTimeout))
		defer cancel()
		return s.refreshUserNow(fctx, a, g)
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*userGrant), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (s *Service) refreshUserNow(ctx context.Context, a *account, g *userGrant) (*userGrant, error) {
	start := s.now()
	var r snsTokenResponse
	err := s.wx.Do(ctx, &wechat.Request{
		AppID: a.cfg.AppID, Method: http.MethodGet, Path: "/sns/oauth2/refresh_token", NoToken: true,
		Query: url.Values{"appid": {a.cfg.AppID}, "grant_type": {"refresh_token"}, "refresh_token": {g.RefreshToken}},
	}, &r)
	var werr *wechat.Error
	if errors.As(err, &werr) {
		switch werr.Code {
		case 40030:
			return nil, &ReauthorizeError{AppID: a.cfg.AppID, OpenID: g.OpenID, Reason: "WeChat rejected the refresh token (invalid)", Err: err}
		case 42002:
			return nil, &ReauthorizeError{AppID: a.cfg.AppID, OpenID: g.OpenID, Reason: "the refresh token expired", Err: err}
		case 42007:
			return nil, &ReauthorizeError{AppID: a.cfg.AppID, OpenID: g.OpenID, Reason: "WeChat voided the user's tokens (e.g. the user changed the password)", Err: err}
		}
	}
	if err != nil {
		return nil, &CallError{AppID: a.cfg.AppID, Op: "refresh user token", Err: err}
	}
	if r.AccessToken == "" || r.ExpiresIn <= 0 {
		return nil, &CallError{AppID: a.cfg.AppID, Op: "refresh user token", Err: errors.New("WeChat answered without access_token or expires_in")}
	}
	next := *g
	next.AccessToken = r.AccessToken
	next.ExpiresAt = start.Add(time.Duration(r.ExpiresIn) * time.Second).UnixMilli()
	if r.RefreshToken != "" {
		next.RefreshToken = r.RefreshToken
	}
	if r.Scope != "" {
		next.Scope = string(grantedScope(r.Scope))
	}
	if err := s.putUser(ctx, a, &next); err != nil {
		return nil, err
	}
	return &next, nil
}

// checkURL checks that raw is an absolute http(s) URL whose host is one of domains
// (compared by host name, case- and port-insensitively). key names the account setting.
func checkURL(a *account, field, raw, key string, domains []string) (*url.URL, error) {
	if raw == "" {
		return nil, &ArgumentError{Field: field, Reason: "is required"}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, &ArgumentError{Field: field, Reason: "is not a valid URL"}
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.Opaque != "" {
		return nil, &ArgumentError{Field: field, Reason: "must be an absolute http or https URL"}
	}
	if u.User != nil {
		return nil, &ArgumentError{Field: field, Reason: "must not carry user information"}
	}
	if len(domains) == 0 {
		return nil, &NoDomainsError{AppID: a.cfg.AppID, Key: key}
	}
	host := u.Hostname()
	for _, d := range domains {
		if dh := domainHost(d); dh != "" && strings.EqualFold(dh, host) {
			return u, nil
		}
	}
	return nil, &DomainError{AppID: a.cfg.AppID, Field: field, Host: host, Key: key, Allowed: domains}
}

// domainHost returns the host name of a configured domain ("example.com:8080" →
// "example.com").
func domainHost(d string) string {
	if u, err := url.Parse("http://" + d); err == nil {
		return u.Hostname()
	}
	return d
}

// flexInt decodes a JSON number or a string holding one ("sex":"1" appears in real
// answers); an empty string is 0.
type flexInt int

func (f *flexInt) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var n json.Number
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s == "" {
			*f = 0
			return nil
		}
		n = json.Number(s)
	} else {
		n = json.Number(b)
	}
	v, err := strconv.ParseInt(string(n), 10, 32)
	if err != nil {
		return fmt.Errorf("want an integer, got %q", string(b))
	}
	*f = flexInt(v)
	return nil
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomAlnum returns n random characters of [A-Za-z0-9] from crypto/rand.
func randomAlnum(n int) string {
	out := make([]byte, 0, n)
	var buf [64]byte
	for len(out) < n {
		_, _ = rand.Read(buf[:]) // crypto/rand.Read never fails on supported platforms
		for _, c := range buf {
			// 248 = 4 × 62: rejecting the rest keeps every character equally likely.
			if c < 248 && len(out) < n {
				out = append(out, alnum[c%62])
			}
		}
	}
	return string(out)
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return s != ""
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}
