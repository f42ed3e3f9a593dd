package platform_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1/tokenv1connect"
	"github.com/wxsuite/wxsuite/internal/platform"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
)

type fakeTokens struct {
	tokenv1connect.UnimplementedTokenServiceHandler
	accounts config.Accounts
}

func (f fakeTokens) GetAccessToken(_ context.Context, req *tokenv1.GetAccessTokenRequest) (*tokenv1.GetAccessTokenResponse, error) {
	a, _ := f.accounts.Find(req.GetAppId())
	return &tokenv1.GetAccessTokenResponse{AccessToken: "tok-" + a.Name}, nil
}

// tokenPolicies covers GetAccessToken only: the other TokenService procedures are refused.
func tokenPolicies() []auth.Policy {
	return []auth.Policy{{Procedure: tokenv1connect.TokenServiceGetAccessTokenProcedure, Scope: auth.ScopeTokenRead, Audit: true}}
}

func newTokenService(opts rpcserver.HandlerOptions, accounts config.Accounts) rpcserver.Service {
	path, h := tokenv1connect.NewTokenServiceHandler(fakeTokens{accounts: accounts}, opts.Options...)
	return rpcserver.Service{
		Name: tokenv1connect.TokenServiceName, Path: path, Handler: h,
		RegisterGateway: tokenv1.RegisterTokenServiceHandler,
	}
}

// testKey is the API key of testYAML's only key (given there by its hash).
const testKey = "wxsk_Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1rZXktMTIzNDU2"

var testYAML = `
server:
  addr: 127.0.0.1:0
log:
  level: warn
accounts:
  - app_id: wx1
    name: first
    app_secret: {env: WX1_SECRET}
auth:
  keys:
    - id: backend-1
      hash: ` + auth.KeyHash(testKey) + `
      app_ids: [wx1]
      scopes: [token.read]
`

func TestModuleStartStop(t *testing.T) {
	t.Parallel()
	file, err := config.FromYAML([]byte(testYAML), []string{"WX1_SECRET=s"})
	if err != nil {
		t.Fatal(err)
	}
	m, client := redistest.Embedded(t)
	var srv *rpcserver.Server
	app := fxtest.New(t,
		fx.Supply(file),
		platform.FxLogger,
		platform.Module,
		platform.WithRedis(client),
		fx.Provide(rpcserver.AsService(newTokenService)),
		fx.Provide(auth.AsPolicies(tokenPolicies)),
		fx.Populate(&srv),
	)
	app.RequireStart()

	getWith := func(path, key string) (string, int) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL()+path, nil)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b), resp.StatusCode
	}
	get := func(path string) (string, int) { return getWith(path, "") }
	if body, code := getWith("/v1/apps/wx1/access-token", testKey); code != http.StatusOK || !strings.Contains(body, `"access_token":"tok-first"`) {
		t.Errorf("REST: %d %s", code, body)
	}
	if body, code := get("/v1/apps/wx1/access-token"); code != http.StatusUnauthorized || !strings.Contains(body, "missing API key") {
		t.Errorf("REST without key: %d %s", code, body)
	}
	if body, code := getWith("/v1/apps/wx1", testKey); code != http.StatusForbidden || !strings.Contains(body, "no access policy for /wxsuite.token.v1.TokenService/GetAccount") {
		t.Errorf("REST without policy: %d %s", code, body)
	}
	connectClient := tokenv1connect.NewTokenServiceClient(http.DefaultClient, srv.URL())
	ctx, info := connect.NewClientContext(context.Background())
	info.RequestHeader().Set("X-Api-Key", testKey)
	if resp, err := connectClient.GetAccessToken(ctx, &tokenv1.GetAccessTokenRequest{AppId: "wx1"}); err != nil || resp.GetAccessToken() != "tok-first" {
		t.Errorf("connect: %v %v", resp, err)
	}
	if _, err := connectClient.GetAccessToken(context.Background(), &tokenv1.GetAccessTokenRequest{AppId: "wx1"}); connect.CodeOf(err) != connect.CodeUnauthenticated {
		t.Errorf("connect without key: %v", err)
	}
	if body, code := get("/readyz"); code != http.StatusOK {
		t.Errorf("readyz with Redis up: %d %s", code, body)
	}
	m.Close() // Redis goes down: not ready, still alive.
	if body, code := get("/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "redis") {
		t.Errorf("readyz with Redis down: %d %s", code, body)
	}
	if _, code := get("/healthz"); code != http.StatusOK {
		t.Errorf("healthz with Redis down: %d", code)
	}
	app.RequireStop()
}

func TestModuleRedisFromConfig(t *testing.T) {
	t.Parallel()
	file, err := config.FromYAML([]byte("server:\n  addr: 127.0.0.1:0\nredis:\n  url: redis://127.0.0.1:6379/0\nauth:\n  disabled: true\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	app := fxtest.New(t, fx.Supply(file), platform.Module)
	app.RequireStart().RequireStop()
}

func TestModuleConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give string
		want string
	}{
		{"redis url missing", "auth: {disabled: true}\nserver:\n  addr: 127.0.0.1:0\n", "config: redis.url: required"},
		{"bad account", "auth: {disabled: true}\nredis:\n  url: redis://127.0.0.1:6379\naccounts:\n  - app_id: wx1\n", "config: accounts[0].app_secret: required"},
		{"bad server key", "auth: {disabled: true}\nredis:\n  url: redis://127.0.0.1:6379\nserver:\n  adr: x\n", "config: server.adr: unknown key"},
		{"bad log level", "auth: {disabled: true}\nredis:\n  url: redis://127.0.0.1:6379\nlog:\n  level: loud\n", "config: log.level:"},
		{"no auth section", "redis:\n  url: redis://127.0.0.1:6379\n", "config: auth.keys: no API keys configured"},
		{"bad scope", "redis:\n  url: redis://127.0.0.1:6379\nauth:\n  keys:\n    - {id: a, hash: " + auth.KeyHash(testKey) + ", app_ids: ['*'], scopes: [admin]}\n    - {id: b, key: " + testKey + "x, app_ids: ['*'], scopes: [tokn.read]}\n",
			`config: auth.keys[1].scopes[0]: unknown scope "tokn.read"`},
		{"bad server tls", "auth: {disabled: true}\nredis:\n  url: redis://127.0.0.1:6379\nserver:\n  tls: {cert_file: /nope.pem}\n", "config: server.tls.key_file: required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			file, err := config.FromYAML([]byte(tt.give), nil)
			if err != nil {
				t.Fatal(err)
			}
			app := fx.New(fx.NopLogger, fx.Supply(file), platform.Module,
				fx.Invoke(func(config.Accounts, rpcserver.HandlerOptions) {}))
			if err := app.Err(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestModuleValidates(t *testing.T) {
	t.Parallel()
	if err := fx.ValidateApp(fx.Supply(&config.File{}), platform.Module); err != nil {
		t.Fatal(err)
	}
}

// TestModuleAuthDisabled: with auth.disabled (here beside keys, which are then ignored)
// every call passes without a key; auth's TestDisabled checks the warning.
func TestModuleAuthDisabled(t *testing.T) {
	t.Parallel()
	file, err := config.FromYAML([]byte(strings.Replace(testYAML, "auth:\n", "auth:\n  disabled: true\n", 1)), []string{"WX1_SECRET=s"})
	if err != nil {
		t.Fatal(err)
	}
	_, client := redistest.Embedded(t)
	var (
		srv   *rpcserver.Server
		authn *auth.Authenticator
	)
	app := fxtest.New(t,
		fx.Supply(file),
		platform.Module,
		platform.WithRedis(client),
		fx.Provide(rpcserver.AsService(newTokenService)),
		fx.Populate(&srv, &authn),
	)
	app.RequireStart()
	defer app.RequireStop()
	if !authn.Disabled() {
		t.Error("authenticator not disabled")
	}
	connectClient := tokenv1connect.NewTokenServiceClient(http.DefaultClient, srv.URL())
	if resp, err := connectClient.GetAccessToken(context.Background(), &tokenv1.GetAccessTokenRequest{AppId: "wx1"}); err != nil || resp.GetAccessToken() != "tok-first" {
		t.Errorf("connect without key: %v %v", resp, err)
	}
}
