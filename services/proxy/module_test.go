package proxy_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/wxsuite/wxsuite/internal/platform"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
	"github.com/wxsuite/wxsuite/services/proxy"
)

// TestModule runs the proxy in the one-port server built by platform.Module: the path
// prefix route and a host route are mounted beside the fixed ones.
func TestModule(t *testing.T) {
	t.Parallel()
	id := randomHex(6)
	appID, secret := "wxm"+id, randomHex(16)
	sb := sandboxtest.Start(t, sandbox.Account{AppID: appID, AppSecret: secret})
	file, err := config.FromYAML(fmt.Appendf(nil, `
server: {addr: "127.0.0.1:0", shutdown_grace: 1s}
log: {level: error}
wechat: {base_url: %q}
auth:
  keys:
    - {id: sdk, hash: %q, app_ids: [%q], scopes: [proxy]}
proxy: {key_prefix: %q, hosts: [wxapi.test]}
accounts:
  - {app_id: %q, app_secret: %q}
`, sb.URL, auth.KeyHash(keyA), appID, "proxytest:"+id, appID, secret), nil)
	if err != nil {
		t.Fatal(err)
	}
	tokens := &sandboxTokens{base: sb.URL, secrets: map[string]string{appID: secret}, http: sb.Client, now: time.Now,
		current: map[string]string{}, expiry: map[string]time.Time{}}
	var srv *rpcserver.Server
	app := fxtest.New(t, fx.Supply(file), platform.Module, proxy.Module, fx.NopLogger,
		fx.Supply(fx.Annotate(tokens, fx.As(new(wechat.TokenSource)))),
		platform.WithRedis(redistest.New(t)), fx.Populate(&srv))
	app.RequireStart()
	t.Cleanup(app.RequireStop)

	get := func(host, path string) string {
		req, _ := http.NewRequest(http.MethodGet, srv.URL()+path, nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	tok := get("", "/wx/"+appID+"/cgi-bin/token?"+tokenQuery(appID, keyA))
	if !strings.Contains(tok, tokens.Current(appID)) || tokens.Current(appID) == "" {
		t.Errorf("token through the server: %s", tok)
	}
	if ips := get("wxapi.test", "/cgi-bin/getcallbackip?access_token=x&appid="+appID+"&secret="+keyA); !strings.Contains(ips, `"errcode":40001`) {
		t.Errorf("host-style call with a token the proxy never handed out: %s; want 40001", ips)
	}
	if ips := get("wxapi.test", "/cgi-bin/getcallbackip?access_token="+tokens.Current(appID)); !strings.Contains(ips, "ip_list") {
		t.Errorf("host-style call with the handed-out token: %s", ips)
	}
	if h := get("", "/healthz"); strings.Contains(h, "errcode") {
		t.Errorf("/healthz is served by the proxy: %s", h)
	}
}
