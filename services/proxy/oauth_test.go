package proxy_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/services/proxy"
)

// TestWebAuthorizationWithKeyAsSecret runs the web-authorization flow of an SDK that
// holds only the appid and the key as its secret: the code exchange substitutes the
// AppSecret, and the user's tokens it returns then authenticate the /sns/ calls.
func TestWebAuthorizationWithKeyAsSecret(t *testing.T) {
	t.Parallel()
	e := newEnv(t, proxy.Config{})
	user := e.sb.AddUser(t, e.A, sandbox.User{Nickname: "web user"})
	code := e.sb.OAuthCode(t, e.A, user.OpenID, "snsapi_userinfo")

	var tok struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		OpenID       string `json:"openid"`
	}
	a := e.do(t, http.MethodGet, "/wx/sns/oauth2/access_token?appid="+e.A+"&secret="+keyA+"&code="+url.QueryEscape(code)+"&grant_type=authorization_code", "")
	if err := json.Unmarshal(a.Raw, &tok); err != nil || tok.AccessToken == "" || tok.OpenID != user.OpenID {
		t.Fatalf("code exchange: %s", a.Raw)
	}
	userinfo := func(accessToken string) answer {
		return e.do(t, http.MethodGet, "/wx/sns/userinfo?access_token="+url.QueryEscape(accessToken)+"&openid="+user.OpenID+"&lang=zh_CN", "")
	}
	if a := userinfo(tok.AccessToken); a.Errcode != 0 || !strings.Contains(string(a.Raw), user.OpenID) {
		t.Errorf("userinfo with the user's token alone: %s", a.Raw)
	}
	if a := e.do(t, http.MethodGet, "/wx/sns/auth?access_token="+url.QueryEscape(tok.AccessToken)+"&openid="+user.OpenID, ""); a.Errcode != 0 {
		t.Errorf("sns/auth: %s", a.Raw)
	}
	var refreshed struct {
		AccessToken string `json:"access_token"`
	}
	a = e.do(t, http.MethodGet, "/wx/sns/oauth2/refresh_token?appid="+e.A+"&grant_type=refresh_token&refresh_token="+url.QueryEscape(tok.RefreshToken), "")
	if err := json.Unmarshal(a.Raw, &refreshed); err != nil || refreshed.AccessToken == "" {
		t.Fatalf("refresh: %s", a.Raw)
	}
	if a := userinfo(refreshed.AccessToken); a.Errcode != 0 {
		t.Errorf("userinfo with the refreshed token: %s", a.Raw)
	}
	before := len(e.rec.take())
	if a := userinfo("forged"); a.Errcode != 40001 {
		t.Errorf("forged user token: %s, want 40001", a.Raw)
	}
	if a := e.do(t, http.MethodGet, "/wx/sns/oauth2/refresh_token?appid="+e.B+"&grant_type=refresh_token&refresh_token="+url.QueryEscape(tok.RefreshToken), ""); a.Errcode != 40013 {
		t.Errorf("A's refresh token for B: %s, want 40013", a.Raw)
	}
	if got := len(e.rec.take()); before == 0 || got != 0 {
		t.Errorf("%d refused calls forwarded (%d before)", got, before)
	}
}
