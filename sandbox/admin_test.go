package sandbox_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/durationpb"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

func TestAdminAccounts(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	ctx := context.Background()
	acc := &sandboxv1.SimulatedAccount{AppId: "wx2222222222222222", AppSecret: "secret2", Name: "two"}
	created, err := env.Admin.CreateAccount(ctx, &sandboxv1.CreateAccountRequest{Account: acc})
	if err != nil || created.GetAccount().GetAppId() != acc.AppId {
		t.Fatalf("CreateAccount: %v %v", created, err)
	}
	list, err := env.Admin.ListAccounts(ctx, &sandboxv1.ListAccountsRequest{})
	if err != nil || len(list.GetAccounts()) != 2 || list.GetAccounts()[0].GetAppId() != acc.AppId {
		t.Fatalf("ListAccounts: %v %v (want two, ordered by app_id)", list, err)
	}
	r := get(t, env, "/cgi-bin/token", tokenQuery(acc.AppId, acc.AppSecret))
	wantCode(t, r, 0)
	if _, err := env.Admin.DeleteAccount(ctx, &sandboxv1.DeleteAccountRequest{AppId: acc.AppId}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, get(t, env, "/cgi-bin/getcallbackip", url.Values{"access_token": {r.AccessToken}}), 40001)
	wantCode(t, get(t, env, "/cgi-bin/token", tokenQuery(acc.AppId, acc.AppSecret)), 40013)
}

func TestAdminTokensAndClock(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	ctx := context.Background()
	mine := fetchToken(t, env)
	issued, err := env.Admin.IssueToken(ctx, &sandboxv1.IssueTokenRequest{AppId: sandboxtest.DemoAppID})
	if err != nil {
		t.Fatal(err)
	}
	if !issued.GetExpiresAt().AsTime().Equal(start.Add(2 * time.Hour)) {
		t.Errorf("expires_at = %v", issued.GetExpiresAt().AsTime())
	}
	// The outside party's fetch leaves ours valid for the overlap only.
	advanced, err := env.Admin.AdvanceClock(ctx, &sandboxv1.AdvanceClockRequest{By: durationpb.New(5 * time.Minute)})
	if err != nil || !advanced.GetNow().AsTime().Equal(start.Add(5*time.Minute)) {
		t.Fatalf("AdvanceClock: %v %v", advanced, err)
	}
	clock, err := env.Admin.GetClock(ctx, &sandboxv1.GetClockRequest{})
	if err != nil || !clock.GetNow().AsTime().Equal(start.Add(5*time.Minute)) {
		t.Fatalf("GetClock: %v %v", clock, err)
	}
	wantCode(t, get(t, env, "/cgi-bin/getcallbackip", url.Values{"access_token": {mine}}), 40001)
	wantCode(t, get(t, env, "/cgi-bin/getcallbackip", url.Values{"access_token": {issued.GetAccessToken()}}), 0)
	if _, err := env.Admin.RevokeTokens(ctx, &sandboxv1.RevokeTokensRequest{AppId: sandboxtest.DemoAppID}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, get(t, env, "/cgi-bin/getcallbackip", url.Values{"access_token": {issued.GetAccessToken()}}), 40001)
}

func TestAdminFaultsQuotasCalls(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	ctx := context.Background()
	added, err := env.Admin.AddFault(ctx, &sandboxv1.AddFaultRequest{Fault: &sandboxv1.Fault{
		Kind: sandboxv1.FaultKind_FAULT_KIND_LATENCY, Latency: durationpb.New(time.Millisecond), Paths: []string{"/cgi-bin/token"}, Count: 1,
	}})
	if err != nil || added.GetFault().GetId() == "" {
		t.Fatalf("AddFault: %v %v", added, err)
	}
	faults, err := env.Admin.ListFaults(ctx, &sandboxv1.ListFaultsRequest{})
	if err != nil || len(faults.GetFaults()) != 1 || faults.GetFaults()[0].GetLatency().AsDuration() != time.Millisecond {
		t.Fatalf("ListFaults: %v %v", faults, err)
	}
	if _, err := env.Admin.SetQuota(ctx, &sandboxv1.SetQuotaRequest{Path: "/cgi-bin/token", DailyLimit: 1}); err != nil {
		t.Fatal(err)
	}
	fetchToken(t, env)
	wantCode(t, get(t, env, "/cgi-bin/token", tokenQuery(sandboxtest.DemoAppID, sandboxtest.DemoAppSecret)), 45009)
	if _, err := env.Admin.IssueToken(ctx, &sandboxv1.IssueTokenRequest{AppId: sandboxtest.DemoAppID}); connect.CodeOf(err) != connect.CodeResourceExhausted {
		t.Errorf("IssueToken over quota: %v, want ResourceExhausted", err)
	}
	calls, err := env.Admin.ListCalls(ctx, &sandboxv1.ListCallsRequest{Path: "/cgi-bin/token"})
	if err != nil || len(calls.GetCalls()) != 2 {
		t.Fatalf("ListCalls: %v %v", calls, err)
	}
	first, second := calls.GetCalls()[0], calls.GetCalls()[1]
	if first.GetFaultId() != added.GetFault().GetId() || first.GetHttpStatus() != 200 || first.GetAppId() != sandboxtest.DemoAppID ||
		second.GetErrcode() != 45009 || second.GetSeq() != first.GetSeq()+1 || !second.GetTime().AsTime().Equal(start) {
		t.Errorf("calls: %v", calls.GetCalls())
	}
	if _, err := env.Admin.ClearFaults(ctx, &sandboxv1.ClearFaultsRequest{}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Admin.ClearCalls(ctx, &sandboxv1.ClearCallsRequest{}); err != nil {
		t.Fatal(err)
	}
	if n := len(env.Sandbox.Faults()) + len(env.Sandbox.Calls(sandbox.CallFilter{})); n != 0 {
		t.Errorf("%d faults and calls left after clearing", n)
	}
}

func TestAdminErrors(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	ctx := context.Background()
	const unknown = "wx9999999999999999"
	tests := []struct {
		name      string
		call      func() error
		wantCode  connect.Code
		wantInMsg string
	}{
		{"create without account", func() error {
			_, err := env.Admin.CreateAccount(ctx, &sandboxv1.CreateAccountRequest{})
			return err
		}, connect.CodeInvalidArgument, "account"},
		{"create without app_id", func() error {
			_, err := env.Admin.CreateAccount(ctx, &sandboxv1.CreateAccountRequest{Account: &sandboxv1.SimulatedAccount{AppSecret: "x"}})
			return err
		}, connect.CodeInvalidArgument, "account.app_id"},
		{"create without app_secret", func() error {
			_, err := env.Admin.CreateAccount(ctx, &sandboxv1.CreateAccountRequest{Account: &sandboxv1.SimulatedAccount{AppId: "wx1"}})
			return err
		}, connect.CodeInvalidArgument, "account.app_secret"},
		{"delete without app_id", func() error {
			_, err := env.Admin.DeleteAccount(ctx, &sandboxv1.DeleteAccountRequest{})
			return err
		}, connect.CodeInvalidArgument, "app_id"},
		{"delete unknown", func() error {
			_, err := env.Admin.DeleteAccount(ctx, &sandboxv1.DeleteAccountRequest{AppId: unknown})
			return err
		}, connect.CodeNotFound, unknown},
		{"revoke unknown", func() error {
			_, err := env.Admin.RevokeTokens(ctx, &sandboxv1.RevokeTokensRequest{AppId: unknown})
			return err
		}, connect.CodeNotFound, unknown},
		{"issue unknown", func() error {
			_, err := env.Admin.IssueToken(ctx, &sandboxv1.IssueTokenRequest{AppId: unknown})
			return err
		}, connect.CodeNotFound, unknown},
		{"advance without by", func() error {
			_, err := env.Admin.AdvanceClock(ctx, &sandboxv1.AdvanceClockRequest{})
			return err
		}, connect.CodeInvalidArgument, "by"},
		{"advance backwards", func() error {
			_, err := env.Admin.AdvanceClock(ctx, &sandboxv1.AdvanceClockRequest{By: durationpb.New(-time.Second)})
			return err
		}, connect.CodeInvalidArgument, "by"},
		{"fault without fault", func() error {
			_, err := env.Admin.AddFault(ctx, &sandboxv1.AddFaultRequest{})
			return err
		}, connect.CodeInvalidArgument, "fault"},
		{"fault unspecified kind", func() error {
			_, err := env.Admin.AddFault(ctx, &sandboxv1.AddFaultRequest{Fault: &sandboxv1.Fault{}})
			return err
		}, connect.CodeInvalidArgument, "fault.kind"},
		{"fault bad ratio", func() error {
			_, err := env.Admin.AddFault(ctx, &sandboxv1.AddFaultRequest{Fault: &sandboxv1.Fault{Kind: sandboxv1.FaultKind_FAULT_KIND_DROP_CONNECTION, Ratio: -0.1}})
			return err
		}, connect.CodeInvalidArgument, "fault.ratio"},
		{"quota without path", func() error {
			_, err := env.Admin.SetQuota(ctx, &sandboxv1.SetQuotaRequest{DailyLimit: 1})
			return err
		}, connect.CodeInvalidArgument, "path"},
		{"quota negative", func() error {
			_, err := env.Admin.SetQuota(ctx, &sandboxv1.SetQuotaRequest{Path: "/cgi-bin/token", DailyLimit: -1})
			return err
		}, connect.CodeInvalidArgument, "daily_limit"},
		{"calls negative cursor", func() error {
			_, err := env.Admin.ListCalls(ctx, &sandboxv1.ListCallsRequest{AfterSeq: -1})
			return err
		}, connect.CodeInvalidArgument, "after_seq"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.call()
			if connect.CodeOf(err) != tt.wantCode || !strings.Contains(err.Error(), tt.wantInMsg) {
				t.Fatalf("err = %v, want %v naming %q", err, tt.wantCode, tt.wantInMsg)
			}
		})
	}
}

func TestStartDefaultsToDemoAccount(t *testing.T) {
	t.Parallel()
	env := sandboxtest.Start(t)
	accounts := env.Sandbox.Accounts()
	if len(accounts) != 1 || accounts[0].AppID != sandboxtest.DemoAppID || accounts[0].AppSecret != sandboxtest.DemoAppSecret {
		t.Fatalf("accounts = %+v, want the demo account", accounts)
	}
	fetchToken(t, env)
}

func TestAdminUsersAndOAuth(t *testing.T) {
	t.Parallel()
	demo := sandbox.DemoAccount()
	env := startFrozen(t, sandbox.Options{Accounts: []sandbox.Account{demo}})
	ctx := context.Background()

	acc := &sandboxv1.SimulatedAccount{AppId: demo.AppID, AppSecret: demo.AppSecret, OauthDomains: []string{oauthDomain}}
	created, err := env.Admin.CreateAccount(ctx, &sandboxv1.CreateAccountRequest{Account: acc})
	if err != nil || len(created.GetAccount().GetOauthDomains()) != 1 {
		t.Fatalf("CreateAccount with oauth_domains: %v %v", created, err)
	}
	list, err := env.Admin.ListAccounts(ctx, &sandboxv1.ListAccountsRequest{})
	if err != nil || list.GetAccounts()[0].GetOauthDomains()[0] != oauthDomain {
		t.Fatalf("ListAccounts: %v %v", list, err)
	}

	pu := &sandboxv1.SimulatedUser{Unionid: "oUnion1", Nickname: "Alice", Sex: 2, Province: "Guangdong", City: "Shenzhen",
		Country: "CN", Headimgurl: "https://thirdwx.qlogo.cn/a/132", Language: "zh_CN", Privilege: []string{"chinaunicom"}}
	cu, err := env.Admin.CreateUser(ctx, &sandboxv1.CreateUserRequest{AppId: demo.AppID, User: pu})
	if err != nil || !openIDShape.MatchString(cu.GetUser().GetOpenid()) || cu.GetUser().GetNickname() != "Alice" {
		t.Fatalf("CreateUser: %v %v", cu, err)
	}
	openID := cu.GetUser().GetOpenid()
	other, err := env.Admin.CreateUser(ctx, &sandboxv1.CreateUserRequest{AppId: demo.AppID, User: &sandboxv1.SimulatedUser{Openid: "o-bob"}})
	if err != nil || other.GetUser().GetOpenid() != "o-bob" {
		t.Fatalf("CreateUser with openid: %v %v", other, err)
	}
	users, err := env.Admin.ListUsers(ctx, &sandboxv1.ListUsersRequest{AppId: demo.AppID})
	if err != nil || len(users.GetUsers()) != 2 {
		t.Fatalf("ListUsers: %v %v", users, err)
	}
	got, _ := env.Sandbox.User(demo.AppID, openID)
	if got.UnionID != "oUnion1" || got.Sex != 2 || got.HeadImgURL != pu.Headimgurl || got.Language != "zh_CN" || got.Privilege[0] != "chinaunicom" {
		t.Errorf("stored user %+v", got)
	}

	if _, err := env.Admin.SetAuthorizingUser(ctx, &sandboxv1.SetAuthorizingUserRequest{AppId: demo.AppID, Openid: openID}); err != nil {
		t.Fatal(err)
	}
	checkAuthorize(t, env, "GET", authorizeQuery(demo.AppID, "https://"+oauthDomain+"/cb", snsUserinfo, "s"), openID, 0, "s")

	code, err := env.Admin.IssueOAuthCode(ctx, &sandboxv1.IssueOAuthCodeRequest{AppId: demo.AppID, Openid: "o-bob", Scope: snsBase})
	if err != nil {
		t.Fatal(err)
	}
	r := exchange(t, env, code.GetCode())
	wantCode(t, r, 0)
	if r.OpenID != "o-bob" || r.Scope != snsBase {
		t.Errorf("IssueOAuthCode code is for %s", r.Raw)
	}

	if _, err := env.Admin.DeleteUser(ctx, &sandboxv1.DeleteUserRequest{AppId: demo.AppID, Openid: "o-bob"}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, snsAuth(t, env, r.AccessToken, "o-bob"), 40001)
	users, err = env.Admin.ListUsers(ctx, &sandboxv1.ListUsersRequest{AppId: demo.AppID})
	if err != nil || len(users.GetUsers()) != 1 {
		t.Fatalf("ListUsers after delete: %v %v", users, err)
	}
}

func TestAdminUserErrors(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	ctx := context.Background()
	const unknown = "wx9999999999999999"
	id := sandboxtest.DemoAppID
	tests := []struct {
		name      string
		call      func() error
		wantCode  connect.Code
		wantInMsg string
	}{
		{"account bad oauth domain", func() error {
			_, err := env.Admin.CreateAccount(ctx, &sandboxv1.CreateAccountRequest{Account: &sandboxv1.SimulatedAccount{AppId: "wx1", AppSecret: "s", OauthDomains: []string{"a.com/cb"}}})
			return err
		}, connect.CodeInvalidArgument, "account.oauth_domains[0]"},
		{"create user without app_id", func() error {
			_, err := env.Admin.CreateUser(ctx, &sandboxv1.CreateUserRequest{User: &sandboxv1.SimulatedUser{}})
			return err
		}, connect.CodeInvalidArgument, "app_id"},
		{"create user without user", func() error {
			_, err := env.Admin.CreateUser(ctx, &sandboxv1.CreateUserRequest{AppId: id})
			return err
		}, connect.CodeInvalidArgument, "user"},
		{"create user bad sex", func() error {
			_, err := env.Admin.CreateUser(ctx, &sandboxv1.CreateUserRequest{AppId: id, User: &sandboxv1.SimulatedUser{Sex: 7}})
			return err
		}, connect.CodeInvalidArgument, "user.sex"},
		{"create user bad openid", func() error {
			_, err := env.Admin.CreateUser(ctx, &sandboxv1.CreateUserRequest{AppId: id, User: &sandboxv1.SimulatedUser{Openid: "o/x"}})
			return err
		}, connect.CodeInvalidArgument, "user.openid"},
		{"create user unknown account", func() error {
			_, err := env.Admin.CreateUser(ctx, &sandboxv1.CreateUserRequest{AppId: unknown, User: &sandboxv1.SimulatedUser{}})
			return err
		}, connect.CodeNotFound, unknown},
		{"list users without app_id", func() error {
			_, err := env.Admin.ListUsers(ctx, &sandboxv1.ListUsersRequest{})
			return err
		}, connect.CodeInvalidArgument, "app_id"},
		{"list users unknown account", func() error {
			_, err := env.Admin.ListUsers(ctx, &sandboxv1.ListUsersRequest{AppId: unknown})
			return err
		}, connect.CodeNotFound, unknown},
		{"delete user without openid", func() error {
			_, err := env.Admin.DeleteUser(ctx, &sandboxv1.DeleteUserRequest{AppId: id})
			return err
		}, connect.CodeInvalidArgument, "openid"},
		{"delete user without app_id", func() error {
			_, err := env.Admin.DeleteUser(ctx, &sandboxv1.DeleteUserRequest{Openid: "o-x"})
			return err
		}, connect.CodeInvalidArgument, "app_id"},
		{"delete unknown user", func() error {
			_, err := env.Admin.DeleteUser(ctx, &sandboxv1.DeleteUserRequest{AppId: id, Openid: "o-nobody"})
			return err
		}, connect.CodeNotFound, "o-nobody"},
		{"delete user unknown account", func() error {
			_, err := env.Admin.DeleteUser(ctx, &sandboxv1.DeleteUserRequest{AppId: unknown, Openid: "o-nobody"})
			return err
		}, connect.CodeNotFound, unknown},
		{"authorizing without openid", func() error {
			_, err := env.Admin.SetAuthorizingUser(ctx, &sandboxv1.SetAuthorizingUserRequest{AppId: id})
			return err
		}, connect.CodeInvalidArgument, "openid"},
		{"authorizing unknown user", func() error {
			_, err := env.Admin.SetAuthorizingUser(ctx, &sandboxv1.SetAuthorizingUserRequest{AppId: id, Openid: "o-nobody"})
			return err
		}, connect.CodeNotFound, "o-nobody"},
		{"authorizing unknown account", func() error {
			_, err := env.Admin.SetAuthorizingUser(ctx, &sandboxv1.SetAuthorizingUserRequest{AppId: unknown, Openid: "o-nobody"})
			return err
		}, connect.CodeNotFound, unknown},
		{"code without scope", func() error {
			_, err := env.Admin.IssueOAuthCode(ctx, &sandboxv1.IssueOAuthCodeRequest{AppId: id, Openid: "o-nobody"})
			return err
		}, connect.CodeInvalidArgument, "scope"},
		{"code bad scope", func() error {
			_, err := env.Admin.IssueOAuthCode(ctx, &sandboxv1.IssueOAuthCodeRequest{AppId: id, Openid: "o-nobody", Scope: "snsapi_login"})
			return err
		}, connect.CodeInvalidArgument, "scope"},
		{"code without openid", func() error {
			_, err := env.Admin.IssueOAuthCode(ctx, &sandboxv1.IssueOAuthCodeRequest{AppId: id, Scope: "snsapi_base"})
			return err
		}, connect.CodeInvalidArgument, "openid"},
		{"code without app_id", func() error {
			_, err := env.Admin.IssueOAuthCode(ctx, &sandboxv1.IssueOAuthCodeRequest{Openid: "o-nobody", Scope: "snsapi_base"})
			return err
		}, connect.CodeInvalidArgument, "app_id"},
		{"code unknown user", func() error {
			_, err := env.Admin.IssueOAuthCode(ctx, &sandboxv1.IssueOAuthCodeRequest{AppId: id, Openid: "o-nobody", Scope: "snsapi_base"})
			return err
		}, connect.CodeNotFound, "o-nobody"},
		{"code unknown account", func() error {
			_, err := env.Admin.IssueOAuthCode(ctx, &sandboxv1.IssueOAuthCodeRequest{AppId: unknown, Openid: "o-nobody", Scope: "snsapi_base"})
			return err
		}, connect.CodeNotFound, unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.call()
			if connect.CodeOf(err) != tt.wantCode || !strings.Contains(err.Error(), tt.wantInMsg) {
				t.Fatalf("err = %v, want %v naming %q", err, tt.wantCode, tt.wantInMsg)
			}
		})
	}
}
