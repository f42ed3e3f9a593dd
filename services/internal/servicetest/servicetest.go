// Package servicetest starts what a domain service's end-to-end tests need: the WeChat
// sandbox over real HTTP, and one wxsuite process (platform and token modules plus the
// modules under test) pointed at it, with real Redis (or the embedded store) and a gRPC
// connection to the server.
package servicetest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/wxsuite/wxsuite/internal/platform"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
	"github.com/wxsuite/wxsuite/services/token"
)

// Options say what to start.
type Options struct {
	// Accounts are added to the sandbox and configured in wxsuite (app_id, app_secret and
	// callback_token: CallbackToken, else the account's own). At least one; the first
	// one's app_id keys the Redis prefixes.
	Accounts []sandbox.Account
	// CallbackToken is every account's callback_token in wxsuite (the callback gateway's),
	// for tests that point the sandbox's pushes at wxsuite later.
	CallbackToken string
	// Auth is the auth section (default "auth: {disabled: true}").
	Auth string
	// YAML is added to the configuration as is (further sections; a messaging section
	// with a key prefix unique to the test is there already).
	YAML string
	// WeChat is added inside the wechat section, e.g. "max_retries: 0".
	WeChat string
	// Sandbox, when set, are the sandbox's options (its Accounts are replaced by
	// Accounts): a simulated clock, push retries…
	Sandbox *sandbox.Options
	// Modules are the fx options of the services under test (modules, clocks…); the
	// platform and token modules, Redis and the token clock (the sandbox's) are added.
	Modules []fx.Option
}

// Env is a running sandbox and wxsuite server.
type Env struct {
	// Sandbox is the sandbox and its URL.
	Sandbox *sandboxtest.Env
	// URL is the wxsuite server's base URL (http://127.0.0.1:port).
	URL string
	// GRPC is a plaintext (h2c) gRPC connection to the server.
	GRPC *grpc.ClientConn
}

// RandomHex returns n random bytes in hex: unique app ids and secrets per test.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Start starts the sandbox and the server; both stop when the test ends.
func Start(t testing.TB, o Options) *Env {
	t.Helper()
	if len(o.Accounts) == 0 {
		t.Fatal("servicetest: no account")
	}
	if o.Auth == "" {
		o.Auth = "auth: {disabled: true}"
	}
	e := &Env{}
	if o.Sandbox != nil {
		so := *o.Sandbox
		so.Accounts = o.Accounts
		e.Sandbox = sandboxtest.StartOptions(t, so)
	} else {
		e.Sandbox = sandboxtest.Start(t, o.Accounts...)
	}
	wechatExtra := ""
	if o.WeChat != "" {
		wechatExtra = ", " + o.WeChat
	}
	var accounts strings.Builder
	for _, a := range o.Accounts {
		fmt.Fprintf(&accounts, "  - {app_id: %q, app_secret: %q", a.AppID, a.AppSecret)
		cb := o.CallbackToken
		if cb == "" {
			cb = a.CallbackToken
		}
		if cb != "" {
			fmt.Fprintf(&accounts, ", callback_token: %q", cb)
		}
		accounts.WriteString("}\n")
	}
	file, err := config.FromYAML(fmt.Appendf(nil, `
server: {addr: "127.0.0.1:0", shutdown_grace: 1s}
log: {level: error}
wechat: {base_url: %q, timeout: 5s%s}
token: {check_interval: 3600s, warmup: false, key_prefix: %q}
messaging: {key_prefix: %q}
%s
%s
accounts:
%s`, e.Sandbox.URL, wechatExtra, "svct-"+o.Accounts[0].AppID, "svcm-"+o.Accounts[0].AppID, o.Auth, o.YAML, accounts.String()), nil)
	if err != nil {
		t.Fatal(err)
	}
	var srv *rpcserver.Server
	opts := append([]fx.Option{fx.Supply(file), platform.Module, token.Module, fx.NopLogger,
		platform.WithRedis(redistest.New(t)), fx.Supply(token.Clock(e.Sandbox.Sandbox.Now)), fx.Populate(&srv)},
		o.Modules...)
	app := fxtest.New(t, opts...)
	app.RequireStart()
	t.Cleanup(app.RequireStop)
	e.URL = srv.URL()
	e.GRPC, err = grpc.NewClient(strings.TrimPrefix(e.URL, "http://"), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.GRPC.Close() })
	return e
}
