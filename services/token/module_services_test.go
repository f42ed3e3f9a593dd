package token_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1/tokenv1connect"
	"github.com/wxsuite/wxsuite/internal/platform"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
	"github.com/wxsuite/wxsuite/services/token"
)

// Inline API keys of the auth-enabled app (at least 32 characters each).
const (
	fullKey   = "wxsk_test_full_0123456789abcdef0123456789"
	narrowKey = "wxsk_test_narrow_0123456789abcdef012345678"
)

// startNewServicesApp starts a token-service process whose account has OAuth and JS
// domains, with auth disabled or with two keys, and returns its URL.
func startNewServicesApp(t *testing.T, sb *sandboxtest.Env, appID, secret string, authEnabled bool) string {
	t.Helper()
	var k [32]byte
	_, _ = rand.Read(k[:])
	authYAML := "auth: {disabled: true}"
	if authEnabled {
		authYAML = fmt.Sprintf(`auth:
  keys:
    - {id: full, key: %q, app_ids: ["*"], scopes: [admin]}
    - {id: narrow, key: %q, app_ids: [%q], scopes: [oauth, jssdk, platform, accounts.read]}`, fullKey, narrowKey, appID)
	}
	file, err := config.FromYAML(fmt.Appendf(nil, `
server: {addr: "127.0.0.1:0", shutdown_grace: 1s}
log: {level: error}
wechat: {base_url: %q, timeout: 2s}
token:
  check_interval: 3600s
  warmup: false
  oauth_authorize_url: %q
  user_token_key: %q
%s
accounts:
  - {app_id: %q, app_secret: %q, oauth_domains: [app.example.com], js_domains: [www.example.com]}
  - {app_id: wxunusedaccount01, app_secret: unusedsecret}
`, sb.URL, sb.URL+"/connect/oauth2/authorize", base64.StdEncoding.EncodeToString(k[:]), authYAML, appID, secret), nil)
	if err != nil {
		t.Fatal(err)
	}
	var srv *rpcserver.Server
	app := fxtest.New(t, fx.Supply(file), platform.Module, token.Module, fx.NopLogger, fx.Populate(&srv),
		platform.WithRedis(redistest.New(t)), fx.Supply(token.Clock(sb.Sandbox.Now)))
	app.RequireStart()
	t.Cleanup(app.RequireStop)
	return srv.URL()
}

func newSandboxAccount(t *testing.T) (*sandboxtest.Env, string, string) {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	appID, secret := fmt.Sprintf("wxn%x", b), fmt.Sprintf("newsecret%x", b)
	return sandboxtest.Start(t, sandbox.Account{AppID: appID, AppSecret: secret}), appID, secret
}

func TestModuleServesOAuthJSSDKAndPlatform(t *testing.T) {
	t.Parallel()
	sb, appID, secret := newSandboxAccount(t)
	base := startNewServicesApp(t, sb, appID, secret, false)
	ctx := context.Background()

	// Connect.
	js := tokenv1connect.NewJSSDKServiceClient(http.DefaultClient, base)
	cfg, err := js.SignJSSDKConfig(ctx, &tokenv1.SignJSSDKConfigRequest{AppId: appID, Url: "https://www.example.com/p#x"})
	if err != nil || len(cfg.GetSignature()) != 40 {
		t.Fatalf("Connect SignJSSDKConfig = %v, %v", cfg, err)
	}
	if _, err := js.SignJSSDKConfig(ctx, &tokenv1.SignJSSDKConfigRequest{AppId: appID, Url: "https://evil.example.net/"}); connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("Connect foreign domain: %v", err)
	}

	// gRPC.
	conn, err := grpc.NewClient(strings.TrimPrefix(base, "http://"), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ips, err := tokenv1.NewPlatformServiceClient(conn).GetCallbackIPs(ctx, &tokenv1.GetCallbackIPsRequest{AppId: appID})
	if err != nil || len(ips.GetIpList()) == 0 {
		t.Fatalf("gRPC GetCallbackIPs = %v, %v", ips, err)
	}
	_, err = tokenv1.NewPlatformServiceClient(conn).ClearQuota(ctx, &tokenv1.ClearQuotaRequest{AppId: appID})
	if status.Code(err) != codes.FailedPrecondition {
		t.Errorf("gRPC ClearQuota without confirm: %v", err)
	}
	oauth := tokenv1.NewOAuthServiceClient(conn)
	u, err := sb.Sandbox.AddUser(appID, sandbox.User{Nickname: "Dora"})
	if err != nil {
		t.Fatal(err)
	}
	code, err := sb.Sandbox.IssueOAuthCode(appID, u.OpenID, "snsapi_userinfo")
	if err != nil {
		t.Fatal(err)
	}
	// Auth disabled: the anonymous caller holds every scope, oauth.tokens included.
	ex, err := oauth.ExchangeCode(ctx, &tokenv1.ExchangeCodeRequest{AppId: appID, Code: code})
	if err != nil || ex.GetOpenid() != u.OpenID || ex.GetTokens().GetAccessToken() == "" {
		t.Fatalf("gRPC ExchangeCode = %v, %v", ex, err)
	}

	// REST.
	q := url.Values{"redirect_uri": {"https://app.example.com/cb"}, "scope": {"AUTHORIZATION_SCOPE_SNSAPI_BASE"}, "state": {"abc"}}
	resp, err := http.Get(base + "/v1/apps/" + appID + "/oauth/authorize-url?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := sb.URL + "/connect/oauth2/authorize?appid=" + appID + "&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&response_type=code&scope=snsapi_base&state=abc#wechat_redirect"
	if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
		t.Errorf("REST authorize-url = %d %s, want %s", resp.StatusCode, body, want)
	}
	resp, err = http.Get(base + "/v1/apps/" + appID + "/oauth/users/" + u.OpenID + "/info")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"nickname":"Dora"`) {
		t.Errorf("REST user info = %d %s", resp.StatusCode, body)
	}
}

func TestModuleAuthorizesTheNewServices(t *testing.T) {
	t.Parallel()
	sb, appID, secret := newSandboxAccount(t)
	base := startNewServicesApp(t, sb, appID, secret, true)
	ctx := context.Background()
	client := func(key string) *http.Client {
		return &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
			r = r.Clone(r.Context())
			r.Header.Set("Authorization", "Bearer "+key)
			return http.DefaultTransport.RoundTrip(r)
		})}
	}
	narrow, full := client(narrowKey), client(fullKey)

	// ClearQuota needs admin.
	_, err := tokenv1connect.NewPlatformServiceClient(narrow, base).ClearQuota(ctx, &tokenv1.ClearQuotaRequest{AppId: appID, Confirm: true})
	if connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Errorf("narrow ClearQuota: %v, want PermissionDenied", err)
	}
	if _, err := tokenv1connect.NewPlatformServiceClient(full, base).ClearQuota(ctx, &tokenv1.ClearQuotaRequest{AppId: appID, Confirm: true}); err != nil {
		t.Errorf("admin ClearQuota: %v", err)
	}
	// Raw user tokens need oauth.tokens (admin has it).
	u, err := sb.Sandbox.AddUser(appID, sandbox.User{Nickname: "Eve"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name       string
		c          *http.Client
		wantTokens bool
	}{{"narrow", narrow, false}, {"admin", full, true}} {
		code, err := sb.Sandbox.IssueOAuthCode(appID, u.OpenID, "snsapi_base")
		if err != nil {
			t.Fatal(err)
		}
		ex, err := tokenv1connect.NewOAuthServiceClient(tt.c, base).ExchangeCode(ctx, &tokenv1.ExchangeCodeRequest{AppId: appID, Code: code})
		if err != nil {
			t.Fatalf("%s ExchangeCode: %v", tt.name, err)
		}
		if (ex.GetTokens() != nil) != tt.wantTokens {
			t.Errorf("%s ExchangeCode tokens = %v, want present %v", tt.name, ex.GetTokens(), tt.wantTokens)
		}
	}
	// ListAccounts shows the narrow key its one account only.
	list, err := tokenv1connect.NewTokenServiceClient(narrow, base).ListAccounts(ctx, &tokenv1.ListAccountsRequest{})
	if err != nil || len(list.GetAccounts()) != 1 || list.GetAccounts()[0].GetAppId() != appID {
		t.Errorf("narrow ListAccounts = %v, %v", list, err)
	}
	list, err = tokenv1connect.NewTokenServiceClient(full, base).ListAccounts(ctx, &tokenv1.ListAccountsRequest{})
	if err != nil || len(list.GetAccounts()) != 2 {
		t.Errorf("admin ListAccounts = %v, %v", list, err)
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
