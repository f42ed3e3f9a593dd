package token

import (
	"context"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/sandbox"
)

// TestSecretsNeverReachLogsOrStatuses runs every new RPC, successes and transport
// failures of the calls that carry secrets in their query, and searches the service's
// debug log and every status message for the app secret, the account access token, the
// tickets, the sns tokens, the refresh token and the code.
func TestSecretsNeverReachLogsOrStatuses(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.service()
	ctx := auth.WithCaller(context.Background(), withTokens)
	oauth, js, pl := NewOAuthHandler(s), NewJSSDKHandler(s), NewPlatformHandler(s)
	sb := e.sb.Sandbox
	var statuses []string
	note := func(err error) {
		if err != nil {
			statuses = append(statuses, err.Error())
		}
	}

	u, err := sb.AddUser(e.appID, sandbox.User{Nickname: "Frank"})
	if err != nil {
		t.Fatal(err)
	}
	code, err := sb.IssueOAuthCode(e.appID, u.OpenID, "snsapi_userinfo")
	if err != nil {
		t.Fatal(err)
	}
	ex, err := oauth.ExchangeCode(ctx, &tokenv1.ExchangeCodeRequest{AppId: e.appID, Code: code})
	if err != nil {
		t.Fatal(err)
	}
	secrets := map[string]string{
		"app secret": e.secret, "code": code,
		"sns token": ex.GetTokens().GetAccessToken(), "refresh token": ex.GetTokens().GetRefreshToken(),
	}
	_, err = oauth.GetUserInfo(ctx, &tokenv1.GetUserInfoRequest{AppId: e.appID, Openid: u.OpenID})
	note(err)
	_, err = oauth.CheckUserToken(ctx, &tokenv1.CheckUserTokenRequest{AppId: e.appID, Openid: u.OpenID})
	note(err)
	_, err = js.SignJSSDKConfig(ctx, &tokenv1.SignJSSDKConfigRequest{AppId: e.appID, Url: "https://www.example.com/"})
	note(err)
	_, err = js.SignCardExt(ctx, &tokenv1.SignCardExtRequest{AppId: e.appID, CardId: "p1"})
	note(err)
	_, err = pl.GetCallbackIPs(ctx, &tokenv1.GetCallbackIPsRequest{AppId: e.appID})
	note(err)
	_, err = pl.CheckNetwork(ctx, &tokenv1.CheckNetworkRequest{AppId: e.appID, Action: tokenv1.CheckAction_CHECK_ACTION_ALL, Operator: tokenv1.CheckOperator_CHECK_OPERATOR_DEFAULT})
	note(err)
	at, err := s.GetAccessToken(ctx, e.appID)
	if err != nil {
		t.Fatal(err)
	}
	secrets["access token"] = at.Value
	for name, k := range map[string]TicketKind{"jsapi ticket": TicketJSAPI, "wx_card ticket": TicketWXCard} {
		tk, err := s.Ticket(ctx, e.appID, k)
		if err != nil {
			t.Fatal(err)
		}
		secrets[name] = tk.Value
	}

	// Transport failures of calls whose query carries a secret.
	if _, err := sb.AddFault(sandbox.Fault{Kind: sandbox.FaultDropConnection, Paths: []string{
		"/sns/oauth2/access_token", "/sns/oauth2/refresh_token", "/sns/userinfo", "/sns/auth", "/cgi-bin/get_api_domain_ip",
	}}); err != nil {
		t.Fatal(err)
	}
	code2, err := sb.IssueOAuthCode(e.appID, u.OpenID, "snsapi_userinfo")
	if err != nil {
		t.Fatal(err)
	}
	secrets["second code"] = code2
	_, err = oauth.ExchangeCode(ctx, &tokenv1.ExchangeCodeRequest{AppId: e.appID, Code: code2})
	if connect.CodeOf(err) != connect.CodeUnavailable {
		t.Errorf("dropped code exchange: %v, want Unavailable", err)
	}
	note(err)
	_, err = oauth.RefreshUserToken(ctx, &tokenv1.RefreshUserTokenRequest{AppId: e.appID, Openid: u.OpenID})
	if connect.CodeOf(err) != connect.CodeUnavailable {
		t.Errorf("dropped refresh: %v, want Unavailable", err)
	}
	note(err)
	_, err = oauth.CheckUserToken(ctx, &tokenv1.CheckUserTokenRequest{AppId: e.appID, Openid: u.OpenID})
	note(err)
	sb.Advance(7201 * time.Second)
	_, err = oauth.GetUserInfo(ctx, &tokenv1.GetUserInfoRequest{AppId: e.appID, Openid: u.OpenID})
	note(err)
	_, err = pl.GetAPIDomainIPs(ctx, &tokenv1.GetAPIDomainIPsRequest{AppId: e.appID})
	note(err)
	if len(statuses) < 5 {
		t.Fatalf("only %d failures observed: %q", len(statuses), statuses)
	}

	logs := e.logs.String()
	if !strings.Contains(logs, "/sns/userinfo") {
		t.Fatal("the log holds no WeChat calls: is debug logging captured?")
	}
	for what, secret := range secrets {
		if secret == "" {
			t.Fatalf("no %s to look for", what)
		}
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds the %s", what)
		}
		for _, st := range statuses {
			if strings.Contains(st, secret) {
				t.Errorf("a status holds the %s: %s", what, st)
			}
		}
	}
	// The configured key never shows either.
	if strings.Contains(logs, e.userKey.Reveal()) || strings.Contains(config.NewSecret("x").String(), "x") {
		t.Error("the user token key reached the log")
	}
}
