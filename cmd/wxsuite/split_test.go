package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/wxsuite/wxsuite/internal/platform"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/tokensource"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
	"github.com/wxsuite/wxsuite/services/token"
)

// splitKey is the key the remote TokenSource authenticates with.
const splitKey = "wxsk_split_0123456789abcdefghijklmnopqrstuvwxyz"

// TestSplitTopologyRemoteTokenSource runs the token service in one fx app and, in another,
// the remote TokenSource that domain services get when the token service runs elsewhere.
func TestSplitTopologyRemoteTokenSource(t *testing.T) {
	t.Parallel()
	sb := sandboxtest.Start(t)
	rdb := redistest.New(t)
	tokenFile, err := config.FromYAML(fmt.Appendf(nil, `
server: {addr: "127.0.0.1:0", shutdown_grace: 5s}
log: {level: error}
wechat: {base_url: %q}
token: {warmup: false, key_prefix: split-test-%d}
auth: {keys: [{id: domain-service, key: %q, app_ids: ["*"], scopes: [token.read]}]}
accounts: [{app_id: %q, app_secret: %q}]
`, sb.URL, time.Now().UnixNano(), splitKey, sandbox.DemoAppID, sandbox.DemoAppSecret), nil)
	if err != nil {
		t.Fatal(err)
	}
	var srv *rpcserver.Server
	tokenApp := fxtest.New(t, append(appOptions(tokenFile, token.Module),
		platform.WithRedis(rdb), fx.Supply(token.Clock(sb.Sandbox.Now)), fx.Populate(&srv))...)
	tokenApp.RequireStart()
	t.Cleanup(tokenApp.RequireStop)

	remoteFile, err := config.FromYAML(fmt.Appendf(nil, `
token_source: {url: %q, protocol: grpc, api_key: %q}
`, srv.URL(), splitKey), nil)
	if err != nil {
		t.Fatal(err)
	}
	var ts wechat.TokenSource
	remoteApp := fxtest.New(t, fx.Supply(remoteFile), tokensource.Module, fx.NopLogger, fx.Populate(&ts))
	remoteApp.RequireStart()
	t.Cleanup(remoteApp.RequireStop)

	ctx := context.Background()
	tok, err := ts.AccessToken(ctx, sandbox.DemoAppID)
	if err != nil || tok == "" {
		t.Fatalf("remote AccessToken: %v", err)
	}
	again, err := ts.AccessToken(ctx, sandbox.DemoAppID)
	if err != nil || again != tok {
		t.Fatalf("second AccessToken: %v (same %v)", err, again == tok)
	}
	// A reported stale token is refreshed by the token service (past its 30 s rule).
	sb.Sandbox.Advance(time.Minute)
	fresh, err := ts.RefreshAccessToken(ctx, sandbox.DemoAppID, tok)
	if err != nil || fresh == tok {
		t.Fatalf("remote RefreshAccessToken: %v (changed %v)", err, fresh != tok)
	}
	if n := len(sb.Sandbox.Calls(sandbox.CallFilter{Path: "/cgi-bin/token"})); n != 2 {
		t.Errorf("token calls = %d, want 2", n)
	}
}
