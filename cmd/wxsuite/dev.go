package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/alicebob/miniredis/v2"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/fx"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxserver"
	"github.com/wxsuite/wxsuite/services/token"
)

// devFlags are the options of `wxsuite dev`.
type devFlags struct {
	addr        string
	sandboxAddr string
	logLevel    string
}

// dev runs every service on embedded defaults: an in-process Redis-compatible store
// (miniredis) and an in-process WeChat sandbox on its own port holding the demo account.
func dev(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f devFlags
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "listen address of the wxsuite API")
	fs.StringVar(&f.sandboxAddr, "sandbox-addr", "127.0.0.1:8081", "listen address of the WeChat sandbox and its admin API")
	fs.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	if err := fs.Parse(args); err != nil {
		return err
	}

	store := miniredis.NewMiniRedis()
	if err := store.StartAddr("127.0.0.1:0"); err != nil {
		return fmt.Errorf("dev: embedded store: %w", err)
	}
	defer store.Close()

	sb := sandbox.New(sandbox.Options{Accounts: []sandbox.Account{sandbox.DemoAccount()}})
	sbLog := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})).With("component", "sandbox")
	sbSrv, err := sandboxserver.New(sb, rpcserver.Config{Addr: f.sandboxAddr}, sbLog, prometheus.NewRegistry())
	if err != nil {
		return fmt.Errorf("dev: %w", err)
	}
	if err := sbSrv.Start(ctx); err != nil {
		return fmt.Errorf("dev: sandbox: %w", err)
	}
	defer func() { _ = sbSrv.Stop(context.Background()) }()

	file, err := config.FromYAML(devConfig(f, "redis://"+store.Addr(), sbSrv.URL()), overrides(environ))
	if err != nil {
		return fmt.Errorf("dev: %w", err)
	}
	mods, err := selectServices("all")
	if err != nil {
		return err
	}
	var srv *rpcserver.Server
	opts := append(appOptions(file, mods...),
		// The token service follows the sandbox clock, so advancing it shows refreshes.
		fx.Supply(token.Clock(sb.Now)),
		fx.Populate(&srv),
	)
	return runApp(ctx, func() { printBanner(stdout, srv.URL(), sbSrv.URL()) }, opts...)
}

// devConfig is the configuration `wxsuite dev` runs with.
func devConfig(f devFlags, redisURL, sandboxURL string) []byte {
	return fmt.Appendf(nil, `
server:
  addr: %q
  shutdown_grace: 2s
  cors:
    allowed_origins: ["*"]
log:
  format: text
  level: %q
redis:
  url: %q
wechat:
  base_url: %q
accounts:
  - app_id: %q
    name: demo
    app_secret: %q
`, f.addr, f.logLevel, redisURL, sandboxURL, sandbox.DemoAppID, sandbox.DemoAppSecret)
}

func printBanner(w io.Writer, apiURL, sandboxURL string) {
	app := sandbox.DemoAppID
	host := apiURL[len("http://"):]
	fmt.Fprintf(w, `
wxsuite dev is running on embedded defaults (in-process Redis-compatible store and WeChat sandbox).

  wxsuite API (gRPC, Connect, gRPC-Web, REST)  %[1]s
  WeChat sandbox + its admin API               %[2]s
  demo account                                 %[3]s

Try:
  # REST
  curl %[1]s/v1/apps/%[3]s/access-token
  # Connect (JSON over HTTP)
  curl -H 'Content-Type: application/json' -d '{"app_id":"%[3]s"}' %[1]s/wxsuite.token.v1.TokenService/GetAccessToken
  # gRPC (server reflection is on)
  grpcurl -plaintext -d '{"app_id":"%[3]s"}' %[4]s wxsuite.token.v1.TokenService/GetAccessToken
  buf curl --protocol grpc --http2-prior-knowledge -d '{"app_id":"%[3]s"}' %[1]s/wxsuite.token.v1.TokenService/GetAccessToken
  # move the sandbox clock two hours on, then ask again: the token was refreshed
  curl -X POST -d '{"by":"7200s"}' %[2]s/v1/sandbox/clock:advance
  # what the sandbox (WeChat) saw
  curl '%[2]s/v1/sandbox/calls?path=/cgi-bin/token'

Stop with Ctrl-C.
`, apiURL, sandboxURL, app, host)
}
