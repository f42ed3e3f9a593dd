package sandbox

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Web-authorization (OAuth2) lifetimes (facts.md §6.7).
const (
	// codeLifetime is how long an unused code can be exchanged.
	codeLifetime = 5 * time.Minute
	// snsTokenLifetime is the sns access token's lifetime (expires_in 7200).
	snsTokenLifetime = 7200 * time.Second
	// refreshLifetime is the refresh token's lifetime, counted from the code exchange; it
	// is never renewed.
	refreshLifetime = 30 * 24 * time.Hour
	// maxStateLen is the longest state /connect/oauth2/authorize accepts, in bytes.
	maxStateLen = 128
)

// The two web-authorization scopes of an official account.
const (
	scopeBase     = "snsapi_base"
	scopeUserinfo = "snsapi_userinfo"
)

// snsLangs are the lang values /sns/userinfo accepts.
var snsLangs = map[string]bool{"zh_CN": true, "zh_TW": true, "en": true}

// oauthCode is an issued web-authorization code, bound to (appID, openID, scope).
// Guarded by Sandbox.mu.
type oauthCode struct {
	appID, openID, scope string
	expires              time.Time
	used                 bool
}

// grant is one successful code exchange: its refresh token and the sns access token
// currently tied to it. Guarded by Sandbox.mu.
type grant struct {
	appID, openID, scope string
	refresh              string
	refreshExpires       time.Time
	access               *snsToken
}

// snsToken is an sns (user) access token. It lives in its own table: /cgi-bin endpoints
// do not know it and sns endpoints do not know account tokens, so either used in the
// other's place gets 40001. Guarded by Sandbox.mu.
type snsToken struct {
	value   string
	grant   *grant
	expires time.Time
}

// oauthState is the sandbox's web-authorization state. Guarded by Sandbox.mu.
type oauthState struct {
	codes  map[string]*oauthCode // by code
	grants map[string]*grant     // by refresh token
	tokens map[string]*snsToken  // by value
	issued int                   // codes and tokens issued since the last prune
}

// validScope reports whether scope is a web-authorization scope of an official account.
func validScope(scope string) bool { return scope == scopeBase || scope == scopeUserinfo }

// newTokenValue returns a platform-looking token string ("86_" and 133 characters)
// used by no account token, sns token or refresh token. Callers hold s.mu.
func (s *Sandbox) newTokenValue() string {
	for {
		v := s.randTokenString()
		_, t1 := s.tokens[v]
		_, t2 := s.oauth.tokens[v]
		_, t3 := s.oauth.grants[v]
		if !t1 && !t2 && !t3 {
			return v
		}
	}
}

// notePrune counts one issue and, every pruneEvery issues, forgets codes, sns tokens and
// grants that expired more than pruneAfter ago (they then answer 40029, 40001 and 40030
// instead of 42003, 42001 and 42002). Callers hold s.mu.
func (s *Sandbox) notePrune(now time.Time) {
	o := &s.oauth
	if o.issued++; o.issued < pruneEvery {
		return
	}
	o.issued = 0
	for v, c := range o.codes {
		if now.Sub(c.expires) > pruneAfter {
			delete(o.codes, v)
		}
	}
	for v, t := range o.tokens {
		if now.Sub(t.expires) > pruneAfter {
			delete(o.tokens, v)
		}
	}
	for v, g := range o.grants {
		if now.Sub(g.refreshExpires) > pruneAfter {
			delete(o.grants, v)
		}
	}
}

// forgetOAuth drops every code, grant and sns token of an account's user, or of all its
// users when openID is "". Callers hold s.mu.
func (s *Sandbox) forgetOAuth(appID, openID string) {
	match := func(a, o string) bool { return a == appID && (openID == "" || o == openID) }
	o := &s.oauth
	for v, c := range o.codes {
		if match(c.appID, c.openID) {
			delete(o.codes, v)
		}
	}
	for v, g := range o.grants {
		if match(g.appID, g.openID) {
			delete(o.grants, v)
		}
	}
	for v, t := range o.tokens {
		if match(t.grant.appID, t.grant.openID) {
			delete(o.tokens, v)
		}
	}
}

// issueCode issues a code for u of a with scope. Callers hold s.mu.
func (s *Sandbox) issueCode(a *account, u *User, scope string, now time.Time) string {
	// Real codes are 32 characters such as "0719Xy000pnN5O1dK21003qd9P19Xy0X".
	var value string
	for {
		value = s.randAlnum(32)
		if _, taken := s.oauth.codes[value]; !taken {
			break
		}
	}
	s.oauth.codes[value] = &oauthCode{appID: a.AppID, openID: u.OpenID, scope: scope, expires: now.Add(codeLifetime)}
	s.notePrune(now)
	return value
}

// IssueOAuthCode issues a web-authorization code for a simulated user without a browser,
// as if the user had opened the account's authorize URL with scope: single-use, valid
// five minutes of simulated time. It returns an [*ArgumentError] for a scope other than
// snsapi_base or snsapi_userinfo, and an error wrapping [ErrUnknownAccount] or
// [ErrUnknownUser].
func (s *Sandbox) IssueOAuthCode(appID, openID, scope string) (string, error) {
	if !validScope(scope) {
		return "", &ArgumentError{Field: "scope", Reason: "must be snsapi_base or snsapi_userinfo"}
	}
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.lookupUser(appID, openID)
	if err != nil {
		return "", err
	}
	return s.issueCode(s.accounts[appID], u, scope, now), nil
}

// snsAnswer is the success answer of /sns/oauth2/access_token and /sns/oauth2/refresh_token.
type snsAnswer struct {
	AccessToken  string `json:"access_token"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	OpenID       string `json:"openid"`
	Scope        string `json:"scope"`
	UnionID      string `json:"unionid,omitempty"`
}

// userinfoAnswer is the success answer of /sns/userinfo (no errcode).
type userinfoAnswer struct {
	OpenID     string   `json:"openid"`
	Nickname   string   `json:"nickname"`
	Sex        int      `json:"sex"`
	Province   string   `json:"province"`
	City       string   `json:"city"`
	Country    string   `json:"country"`
	HeadImgURL string   `json:"headimgurl"`
	Privilege  []string `json:"privilege"`
	UnionID    string   `json:"unionid,omitempty"`
}

// serveAuthorize answers GET /connect/oauth2/authorize (open.weixin.qq.com on the real
// platform). With a valid request it redirects (302) at once to redirect_uri with a code
// for the authorizing user and the state, as if the user had consented; otherwise it
// shows the platform's error page (HTTP 200, HTML, the errcode in the text) and does not
// redirect. Checks, in order, and the page's code (the platform documents the 100xx
// codes but neither their order nor codes for the other cases; the rest are sandbox
// choices):
//
//	appid missing                                     10012 appid不能为空
//	redirect_uri missing                              10011 redirect_uri不能为空
//	scope missing                                     10010 scope不能为空
//	response_type not "code"                          40097 invalid args (choice)
//	appid unknown                                     40013 invalid appid (choice)
//	scope not snsapi_base/snsapi_userinfo             10005 此公众号并没有这些scope的权限
//	redirect_uri not absolute http(s), or its host
//	not among the account's OAuthDomains (if any)     10003 redirect_uri域名与后台配置不一致
//	state longer than 128 bytes or not [a-zA-Z0-9]    40097 invalid args (choice)
//	no authorizing user (SetAuthorizingUser, or the
//	account's only user)                              50001 user unauthorized (choice)
//
// The redirect keeps redirect_uri's own query and fragment, appending code and, when a
// non-empty state was given, state. snsapi_userinfo's consent page is skipped: the
// simulated user always consents. Methods other than GET and HEAD get the error page
// with 43001. The call is not counted against any quota (it is not an API call).
func (s *Sandbox) serveAuthorize(r *http.Request, q url.Values) answer {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return page(codeRequireGET)
	}
	appID, redirect, scope, state := q.Get("appid"), q.Get("redirect_uri"), q.Get("scope"), q.Get("state")
	switch {
	case appID == "":
		return page(codeAppIDEmpty)
	case redirect == "":
		return page(codeRedirectEmpty)
	case scope == "":
		return page(codeScopeEmpty)
	case q.Get("response_type") != "code":
		return page(codeInvalidArgs)
	}
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	switch {
	case !ok:
		return page(codeInvalidAppID)
	case !validScope(scope):
		return page(codeScopeDenied)
	}
	target, err := url.Parse(redirect)
	if err != nil || (target.Scheme != "http" && target.Scheme != "https") || target.Host == "" || !a.oauthDomainOK(target) {
		return page(codeRedirectDomain)
	}
	if len(state) > maxStateLen || strings.Trim(state, alnum) != "" {
		return page(codeInvalidArgs)
	}
	u := a.authorizingUser()
	if u == nil {
		return answer{page: true, errcode: codeUserUnauthorized,
			errmsg: "wxsandbox: no authorizing user for this appid; choose one with SetAuthorizingUser"}
	}
	extra := "code=" + url.QueryEscape(s.issueCode(a, u, scope, now))
	if state != "" {
		extra += "&state=" + url.QueryEscape(state)
	}
	if target.RawQuery != "" {
		target.RawQuery += "&" + extra
	} else {
		target.RawQuery = extra
	}
	target.ForceQuery = false
	return answer{location: target.String()}
}

// oauthDomainOK reports whether target's host is among a's OAuth domains (or a has none).
// Callers hold s.mu.
func (a *account) oauthDomainOK(target *url.URL) bool {
	if len(a.OAuthDomains) == 0 {
		return true
	}
	for _, d := range a.OAuthDomains {
		if strings.EqualFold(d, target.Host) || strings.EqualFold(d, target.Hostname()) {
			return true
		}
	}
	return false
}

// serveSNSAccessToken answers GET /sns/oauth2/access_token: it exchanges a code for an
// sns access token and a refresh token. Checks, in order: 41002 appid missing, 41004
// secret missing, 40002 grant_type ≠ authorization_code, 40013 unknown appid, 40125
// wrong secret (then the call counts against the account's quota), 41008 code missing,
// 40029 unknown code or another account's, 40163 code already exchanged, 42003 code
// older than five minutes. A used code answers 40163 even after it expired.
func (s *Sandbox) serveSNSAccessToken(r *http.Request, q url.Values) answer {
	if r.Method != http.MethodGet {
		return fail(codeRequireGET)
	}
	appID, secret, grantType := q.Get("appid"), q.Get("secret"), q.Get("grant_type")
	switch {
	case appID == "":
		return fail(codeAppIDMissing)
	case secret == "":
		return fail(codeSecretMissing)
	case grantType != "authorization_code":
		return fail(codeInvalidGrantType)
	}
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	switch {
	case !ok:
		return fail(codeInvalidAppID)
	case secret != a.AppSecret:
		return fail(codeInvalidAppSecret)
	}
	if code := s.spendQuota(a, pathSNSAccessToken, now); code != codeOK {
		return fail(code)
	}
	value := q.Get("code")
	if value == "" {
		return fail(codeCodeMissing)
	}
	c, ok := s.oauth.codes[value]
	switch {
	case !ok || c.appID != appID:
		return fail(codeInvalidCode)
	case c.used:
		return fail(codeCodeUsed)
	case !now.Before(c.expires):
		return fail(codeCodeExpired)
	}
	u, ok := a.users[c.openID]
	if !ok { // deleted users take their codes along; kept for safety
		return fail(codeInvalidCode)
	}
	c.used = true
	g := &grant{appID: appID, openID: u.OpenID, scope: c.scope, refresh: s.newTokenValue(), refreshExpires: now.Add(refreshLifetime)}
	s.oauth.grants[g.refresh] = g
	t := s.newSNSToken(g, now)
	ans := snsAnswer{AccessToken: t.value, ExpiresIn: int64(snsTokenLifetime / time.Second), RefreshToken: g.refresh, OpenID: u.OpenID, Scope: g.scope}
	if g.scope == scopeUserinfo {
		ans.UnionID = u.UnionID
	}
	return succeed(ans)
}

// newSNSToken issues an sns access token for g and makes it g's current one. Callers hold
// s.mu.
func (s *Sandbox) newSNSToken(g *grant, now time.Time) *snsToken {
	t := &snsToken{value: s.newTokenValue(), grant: g, expires: now.Add(snsTokenLifetime)}
	s.oauth.tokens[t.value] = t
	g.access = t
	s.notePrune(now)
	return t
}

// serveSNSRefresh answers GET /sns/oauth2/refresh_token. Checks, in order: 41002 appid
// missing, 40002 grant_type ≠ refresh_token, 40013 unknown appid (then the call counts
// against the account's quota), 41003 refresh_token missing, 40030 unknown refresh
// token or another account's, 42002 refresh token older than 30 days.
//
// Following the official web-authorization doc, while the grant's current sns access
// token has not expired, refreshing keeps that token and renews its lifetime to 7200 s
// (so the token the client holds stays valid); once it expired, refreshing issues a new
// one (the expired one keeps answering 42001). The refresh token stays the same and its
// 30 days are never extended. The answer has the exchange's fields except unionid,
// which the documented refresh answer does not carry.
func (s *Sandbox) serveSNSRefresh(r *http.Request, q url.Values) answer {
	if r.Method != http.MethodGet {
		return fail(codeRequireGET)
	}
	appID := q.Get("appid")
	switch {
	case appID == "":
		return fail(codeAppIDMissing)
	case q.Get("grant_type") != "refresh_token":
		return fail(codeInvalidGrantType)
	}
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return fail(codeInvalidAppID)
	}
	if code := s.spendQuota(a, pathSNSRefresh, now); code != codeOK {
		return fail(code)
	}
	value := q.Get("refresh_token")
	if value == "" {
		return fail(codeRefreshTokenMissing)
	}
	g, ok := s.oauth.grants[value]
	switch {
	case !ok || g.appID != appID:
		return fail(codeInvalidRefreshToken)
	case !now.Before(g.refreshExpires):
		return fail(codeRefreshTokenExpired)
	}
	t := g.access
	if t != nil && s.oauth.tokens[t.value] == t && now.Before(t.expires) {
		t.expires = now.Add(snsTokenLifetime)
	} else {
		t = s.newSNSToken(g, now)
	}
	return succeed(snsAnswer{AccessToken: t.value, ExpiresIn: int64(snsTokenLifetime / time.Second), RefreshToken: g.refresh, OpenID: g.openID, Scope: g.scope})
}

// checkSNSToken is the one place sns token rules live: it returns the grant and user an
// sns-token-carrying call is for, or the errcode it gets: 41001 when value is empty,
// 40001 when it is unknown (an account token included) or its user or account is gone,
// 42001 when it expired. Callers hold s.mu.
func (s *Sandbox) checkSNSToken(value string, now time.Time) (*grant, *account, *User, int) {
	if value == "" {
		return nil, nil, nil, codeTokenMissing
	}
	t, ok := s.oauth.tokens[value]
	if !ok {
		return nil, nil, nil, codeInvalidCredential
	}
	if !now.Before(t.expires) {
		return nil, nil, nil, codeTokenExpired
	}
	a, ok := s.accounts[t.grant.appID]
	if !ok {
		return nil, nil, nil, codeInvalidCredential
	}
	u, ok := a.users[t.grant.openID]
	if !ok {
		return nil, nil, nil, codeInvalidCredential
	}
	return t.grant, a, u, codeOK
}

// serveUserinfo answers GET /sns/userinfo. Checks, in order: 41001/40001/42001 for the
// sns token, 41009 openid missing, 40003 openid not the token's user, 48001 token of
// snsapi_base scope, 40097 lang present but not zh_CN, zh_TW or en (a sandbox choice:
// the platform does not document it; the strict answer catches clients sending
// "zh-CN"). An absent lang means zh_CN; the profile is the same in every language. The
// call counts against the token's account's quota once the token is valid.
//
// The community-observed leniency of snsapi_base tokens whose user earlier granted
// snsapi_userinfo (behaviour.md §1.6) is not emulated: snsapi_base always gets 48001.
func (s *Sandbox) serveUserinfo(r *http.Request, q url.Values) answer {
	if r.Method != http.MethodGet {
		return fail(codeRequireGET)
	}
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	g, a, u, code := s.checkSNSToken(q.Get("access_token"), now)
	if code != codeOK {
		return fail(code)
	}
	if code := s.spendQuota(a, pathUserinfo, now); code != codeOK {
		return fail(code)
	}
	openID, lang := q.Get("openid"), q.Get("lang")
	switch {
	case openID == "":
		return fail(codeOpenIDMissing)
	case openID != g.openID:
		return fail(codeInvalidOpenID)
	case g.scope != scopeUserinfo:
		return fail(codeAPIUnauthorized)
	case lang != "" && !snsLangs[lang]:
		return fail(codeInvalidArgs)
	}
	privilege := slices.Clone(u.Privilege)
	if privilege == nil {
		privilege = []string{} // always an array, never null
	}
	return succeed(userinfoAnswer{
		OpenID: u.OpenID, Nickname: u.Nickname, Sex: u.Sex, Province: u.Province, City: u.City,
		Country: u.Country, HeadImgURL: u.HeadImgURL, Privilege: privilege, UnionID: u.UnionID,
	})
}

// serveSNSAuth answers GET /sns/auth: {"errcode":0,"errmsg":"ok"} for a valid sns token
// and its openid; 41001/40001/42001 for the token, 41009 openid missing, 40003 openid
// not the token's. It counts against the token's account's quota like userinfo.
func (s *Sandbox) serveSNSAuth(r *http.Request, q url.Values) answer {
	if r.Method != http.MethodGet {
		return fail(codeRequireGET)
	}
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	g, a, _, code := s.checkSNSToken(q.Get("access_token"), now)
	if code != codeOK {
		return fail(code)
	}
	if code := s.spendQuota(a, pathSNSAuth, now); code != codeOK {
		return fail(code)
	}
	switch openID := q.Get("openid"); {
	case openID == "":
		return fail(codeOpenIDMissing)
	case openID != g.openID:
		return fail(codeInvalidOpenID)
	}
	return fail(codeOK) // {"errcode":0,"errmsg":"ok"}
}
