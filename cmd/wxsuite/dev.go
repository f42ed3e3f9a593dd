package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/alicebob/miniredis/v2"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/fx"

	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxserver"
	"github.com/wxsuite/wxsuite/services/analytics"
	"github.com/wxsuite/wxsuite/services/guide"
	"github.com/wxsuite/wxsuite/services/invoice"
	"github.com/wxsuite/wxsuite/services/token"
)

// devFlags are the options of `wxsuite dev`.
type devFlags struct {
	addr        string
	sandboxAddr string
	logLevel    string
	apiKey      string
	noAuth      bool
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
	fs.StringVar(&f.apiKey, "api-key", envOr(environ, "WXSUITE_DEV_API_KEY", ""), "the admin API key to accept (default: a new random key, printed); env WXSUITE_DEV_API_KEY")
	fs.BoolVar(&f.noAuth, "no-auth", false, "accept calls without an API key (auth.disabled; for benchmarks that measure the cost of authentication)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if f.apiKey == "" {
		key, _, err := auth.GenerateKey()
		if err != nil {
			return fmt.Errorf("dev: %w", err)
		}
		f.apiKey = key
	}
	if len(f.apiKey) < auth.MinKeyLength {
		return fmt.Errorf("dev: --api-key must have at least %d characters", auth.MinKeyLength)
	}

	store := miniredis.NewMiniRedis()
	if err := store.StartAddr("127.0.0.1:0"); err != nil {
		return fmt.Errorf("dev: embedded store: %w", err)
	}
	defer store.Close()

	demo := sandbox.DemoAccount()
	demo.OAuthDomains = devDomains
	sb := sandbox.New(sandbox.Options{Accounts: []sandbox.Account{demo}})
	user, err := sb.AddUser(demo.AppID, sandbox.User{Nickname: "Demo User", Sex: 1, City: "Shenzhen", Province: "Guangdong", Country: "China", Language: "zh_CN"})
	if err != nil {
		return fmt.Errorf("dev: demo user: %w", err)
	}
	if err := sb.SetAuthorizingUser(demo.AppID, user.OpenID); err != nil {
		return fmt.Errorf("dev: demo user: %w", err)
	}
	var userKey [32]byte
	if _, err := rand.Read(userKey[:]); err != nil {
		return fmt.Errorf("dev: %w", err)
	}
	sbLog := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})).With("component", "sandbox")
	sbSrv, err := sandboxserver.New(sb, rpcserver.Config{Addr: f.sandboxAddr}, sbLog, prometheus.NewRegistry())
	if err != nil {
		return fmt.Errorf("dev: %w", err)
	}
	if err := sbSrv.Start(ctx); err != nil {
		return fmt.Errorf("dev: sandbox: %w", err)
	}
	defer func() { _ = sbSrv.Stop(context.Background()) }()

	file, err := config.FromYAML(devConfig(f, "redis://"+store.Addr(), sbSrv.URL(), base64.StdEncoding.EncodeToString(userKey[:])), overrides(environ))
	if err != nil {
		return fmt.Errorf("dev: %w", err)
	}
	mods, err := selectServices("all")
	if err != nil {
		return err
	}
	var srv *rpcserver.Server
	opts := append(appOptions(file, mods...),
		// The token service follows the sandbox clock, so advancing it shows refreshes;
		// analytics ("yesterday"), guide (push times) and invoice follow it too.
		fx.Supply(token.Clock(sb.Now)),
		fx.Supply(analytics.Clock(sb.Now)),
		fx.Supply(guide.Clock(sb.Now)),
		fx.Supply(invoice.Clock(sb.Now)),
		fx.Populate(&srv),
	)
	started := func() {
		// The sandbox pushes the demo account's messages and events to the callback
		// gateway of this process, as WeChat would to the console's server URL.
		demo.CallbackURL = srv.URL() + "/wechat/callback/" + demo.AppID
		demo.CallbackToken = devCallbackToken
		if err := sb.AddAccount(demo); err != nil {
			fmt.Fprintf(stderr, "wxsuite dev: sandbox callback: %v\n", err)
		}
		printBanner(stdout, srv.URL(), sbSrv.URL(), f.apiKey, user.OpenID)
	}
	return runApp(ctx, started, opts...)
}

// devCallbackToken is the demo account's callback Token (服务器配置 Token).
const devCallbackToken = "wxsuitedev"

// devDomains are the demo account's web-authorization and JS-safe domains: pages served
// from the developer's machine.
var devDomains = []string{"localhost", "127.0.0.1"}

// devConfig is the configuration `wxsuite dev` runs with.
func devConfig(f devFlags, redisURL, sandboxURL, userTokenKey string) []byte {
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
messaging:
  # The sandbox signs pushes with its own clock, which the banner invites you to move.
  replay_window: 0s
audience:
  # QR code images come from the sandbox too (production: mp.weixin.qq.com).
  qrcode_image_url: %q
token:
  oauth_authorize_url: %q
  user_token_key: %q
auth:
  disabled: %t
  keys:
    - id: dev
      key: %q
      app_ids: ["*"]
      scopes: [admin]
accounts:
  - app_id: %q
    name: demo
    app_secret: %q
    callback_token: wxsuitedev
    oauth_domains: [localhost, 127.0.0.1]
    js_domains: [localhost, 127.0.0.1]
`, f.addr, f.logLevel, redisURL, sandboxURL, sandboxURL+"/cgi-bin/showqrcode", sandboxURL+"/connect/oauth2/authorize", userTokenKey, f.noAuth, f.apiKey, sandbox.DemoAppID, sandbox.DemoAppSecret)
}

func printBanner(w io.Writer, apiURL, sandboxURL, key, openID string) {
	app := sandbox.DemoAppID
	host := apiURL[len("http://"):]
	fmt.Fprintf(w, `
wxsuite dev is running on embedded defaults (in-process Redis-compatible store and WeChat sandbox).

  wxsuite API (gRPC, Connect, gRPC-Web, REST)  %[1]s
  WeChat sandbox + its admin API               %[2]s
  demo account                                 %[3]s
  API key (admin, every account)               %[5]s

Try:
  export WXSUITE_KEY=%[5]s
  # REST
  curl -H "Authorization: Bearer $WXSUITE_KEY" %[1]s/v1/apps/%[3]s/access-token
  # Connect (JSON over HTTP)
  curl -H "Authorization: Bearer $WXSUITE_KEY" -H 'Content-Type: application/json' -d '{"app_id":"%[3]s"}' %[1]s/wxsuite.token.v1.TokenService/GetAccessToken
  # gRPC (server reflection is on)
  grpcurl -plaintext -H "authorization: Bearer $WXSUITE_KEY" -d '{"app_id":"%[3]s"}' %[4]s wxsuite.token.v1.TokenService/GetAccessToken
  buf curl --protocol grpc --http2-prior-knowledge -H "Authorization: Bearer $WXSUITE_KEY" -d '{"app_id":"%[3]s"}' %[1]s/wxsuite.token.v1.TokenService/GetAccessToken
  # sign wx.config for a page on localhost
  curl -H "Authorization: Bearer $WXSUITE_KEY" -d '{"url":"http://localhost:3000/page","js_api_list":["chooseImage"]}' %[1]s/v1/apps/%[3]s/jssdk/config:sign
  # web login: open the authorize URL (the sandbox logs in its demo user and redirects with a code)
  curl -H "Authorization: Bearer $WXSUITE_KEY" '%[1]s/v1/apps/%[3]s/oauth/authorize-url?redirect_uri=http://localhost:3000/cb&scope=AUTHORIZATION_SCOPE_SNSAPI_USERINFO'
  # a user sends a message: the sandbox pushes it to the callback gateway; read the event stream
  curl -X POST -d '{"text":"hello"}' %[2]s/v1/sandbox/accounts/%[3]s/users/%[6]s:pushMessage
  curl -H "Authorization: Bearer $WXSUITE_KEY" %[1]s/v1/apps/%[3]s/events
  # answer "hi" with a passive reply rule, then push "hi" again and read the user's inbox
  curl -X PUT -H "Authorization: Bearer $WXSUITE_KEY" -d '{"keyword_rules":[{"match":"KEYWORD_MATCH_EXACT","pattern":"hi","reply":{"text":{"content":"hello!"}}}]}' %[1]s/v1/apps/%[3]s/reply-rules
  curl -X POST -d '{"text":"hi"}' %[2]s/v1/sandbox/accounts/%[3]s/users/%[6]s:pushMessage
  curl %[2]s/v1/sandbox/accounts/%[3]s/users/%[6]s/inbox
  # followers, menus, materials (docs/audience.md, docs/menus.md, docs/content.md)
  curl -H "Authorization: Bearer $WXSUITE_KEY" %[1]s/v1/apps/%[3]s/tags
  # an existing WeChat SDK: point its base URL at the proxy and use the API key as its secret
  curl "%[1]s/wx/%[3]s/cgi-bin/token?grant_type=client_credential&appid=%[3]s&secret=$WXSUITE_KEY"
  curl -H "Authorization: Bearer $WXSUITE_KEY" %[1]s/wx/%[3]s/cgi-bin/getcallbackip
  # move the sandbox clock two hours on, then ask again: the token was refreshed
  curl -X POST -d '{"by":"7200s"}' %[2]s/v1/sandbox/clock:advance
  # what the sandbox (WeChat) saw
  curl '%[2]s/v1/sandbox/calls?path=/cgi-bin/token'

Stop with Ctrl-C.
`, apiURL, sandboxURL, app, host, key, openID)
}
