package platform_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1/tokenv1connect"
	"github.com/wxsuite/wxsuite/internal/platform"
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

func newTokenService(opts rpcserver.HandlerOptions, accounts config.Accounts) rpcserver.Service {
	path, h := tokenv1connect.NewTokenServiceHandler(fakeTokens{accounts: accounts}, opts.Options...)
	return rpcserver.Service{
		Name: tokenv1connect.TokenServiceName, Path: path, Handler: h,
		RegisterGateway: tokenv1.RegisterTokenServiceHandler,
	}
}

const testYAML = `
server:
  addr: 127.0.0.1:0
log:
  level: warn
accounts:
  - app_id: wx1
    name: first
    app_secret: {env: WX1_SECRET}
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
		fx.Populate(&srv),
	)
	app.RequireStart()

	get := func(path string) (string, int) {
		t.Helper()
		resp, err := http.Get(srv.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b), resp.StatusCode
	}
	if body, code := get("/v1/apps/wx1/access-token"); code != http.StatusOK || !strings.Contains(body, `"access_token":"tok-first"`) {
		t.Errorf("REST: %d %s", code, body)
	}
	connectClient := tokenv1connect.NewTokenServiceClient(http.DefaultClient, srv.URL())
	if resp, err := connectClient.GetAccessToken(context.Background(), &tokenv1.GetAccessTokenRequest{AppId: "wx1"}); err != nil || resp.GetAccessToken() != "tok-first" {
		t.Errorf("connect: %v %v", resp, err)
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
	file, err := config.FromYAML([]byte("server:\n  addr: 127.0.0.1:0\nredis:\n  url: redis://127.0.0.1:6379/0\n"), nil)
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
		{"redis url missing", "server:\n  addr: 127.0.0.1:0\n", "config: redis.url: required"},
		{"bad account", "redis:\n  url: redis://127.0.0.1:6379\naccounts:\n  - app_id: wx1\n", "config: accounts[0].app_secret: required"},
		{"bad server key", "redis:\n  url: redis://127.0.0.1:6379\nserver:\n  adr: x\n", "config: server.adr: unknown key"},
		{"bad log level", "redis:\n  url: redis://127.0.0.1:6379\nlog:\n  level: loud\n", "config: log.level:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			file, err := config.FromYAML([]byte(tt.give), nil)
			if err != nil {
				t.Fatal(err)
			}
			app := fx.New(fx.NopLogger, fx.Supply(file), platform.Module,
				fx.Invoke(func(config.Accounts) {}))
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
