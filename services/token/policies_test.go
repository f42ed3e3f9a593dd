package token

import (
	"context"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
)

func TestPoliciesCoverEveryProcedure(t *testing.T) {
	t.Parallel()
	got := map[string]auth.Policy{}
	for _, p := range policies() {
		if _, dup := got[p.Procedure]; dup {
			t.Errorf("two policies for %s", p.Procedure)
		}
		got[p.Procedure] = p
	}
	var procedures []string
	for _, fd := range []protoreflect.FileDescriptor{
		tokenv1.File_wxsuite_token_v1_token_proto, tokenv1.File_wxsuite_token_v1_oauth_proto,
		tokenv1.File_wxsuite_token_v1_jssdk_proto, tokenv1.File_wxsuite_token_v1_platform_proto,
	} {
		for i := range fd.Services().Len() {
			sd := fd.Services().Get(i)
			for j := range sd.Methods().Len() {
				procedures = append(procedures, "/"+string(sd.FullName())+"/"+string(sd.Methods().Get(j).Name()))
			}
		}
	}
	if len(procedures) != len(got) {
		t.Errorf("%d procedures, %d policies", len(procedures), len(got))
	}
	wantScope := map[string]string{
		"TokenService/ListAccounts": auth.ScopeAccountsRead, "TokenService/GetAccount": auth.ScopeAccountsRead,
		"TokenService/GetAccessToken": auth.ScopeTokenRead, "TokenService/RefreshAccessToken": auth.ScopeTokenRead,
		"TokenService/GetTicket": auth.ScopeTokenRead, "PlatformService/ClearQuota": auth.ScopeAdmin,
		"PlatformService/GetCallbackIPs": auth.ScopePlatform, "PlatformService/GetAPIDomainIPs": auth.ScopePlatform,
		"PlatformService/CheckNetwork": auth.ScopePlatform,
	}
	audited := []string{
		"TokenService/GetAccessToken", "TokenService/RefreshAccessToken", "TokenService/GetTicket",
		"OAuthService/ExchangeCode", "OAuthService/RefreshUserToken",
	}
	for _, proc := range procedures {
		p, ok := got[proc]
		if !ok {
			t.Errorf("no policy for %s", proc)
			continue
		}
		short := proc[len("/wxsuite.token.v1."):]
		want := wantScope[short]
		switch {
		case want != "":
		case strings.HasPrefix(short, "OAuthService/"):
			want = auth.ScopeOAuth
		case strings.HasPrefix(short, "JSSDKService/"):
			want = auth.ScopeJSSDK
		}
		if p.Scope != want {
			t.Errorf("%s: scope %q, want %q", proc, p.Scope, want)
		}
		if p.Audit != slices.Contains(audited, short) {
			t.Errorf("%s: audit %v", proc, p.Audit)
		}
	}
}

func TestListAccountsShowsTheCallersAccounts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	other := e.account()
	other.AppID = "wxother" + e.appID[3:]
	h := NewHandler(e.service(func(p *Params) { p.Accounts = append(p.Accounts, other) }))
	tests := []struct {
		name string
		ctx  context.Context
		want []string
	}{
		{"no caller", context.Background(), []string{e.appID, other.AppID}},
		{"every account", auth.WithCaller(context.Background(), &auth.Caller{KeyID: "k", Scopes: []string{auth.ScopeAccountsRead}, AppIDs: []string{auth.AllAccounts}}), []string{e.appID, other.AppID}},
		{"one account", auth.WithCaller(context.Background(), &auth.Caller{KeyID: "k", Scopes: []string{auth.ScopeAccountsRead}, AppIDs: []string{other.AppID}}), []string{other.AppID}},
		{"no account", auth.WithCaller(context.Background(), &auth.Caller{KeyID: "k", Scopes: []string{auth.ScopeAccountsRead}, AppIDs: []string{"wxelse"}}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := h.ListAccounts(tt.ctx, &tokenv1.ListAccountsRequest{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range res.GetAccounts() {
				got = append(got, a.GetAppId())
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(got, want) {
				t.Errorf("ListAccounts = %v, want %v", got, want)
			}
		})
	}
}
