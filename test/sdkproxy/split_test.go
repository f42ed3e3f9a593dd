package sdkproxy

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/silenceper/wechat/v2"
	"github.com/silenceper/wechat/v2/cache"
	offconfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/util"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/wxsuite/wxsuite/internal/platform"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/tokensource"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
	"github.com/wxsuite/wxsuite/services/proxy"
	"github.com/wxsuite/wxsuite/services/token"
)

// remoteKey is the key the proxy's process uses to reach the token service.
const remoteKey = "wxsk_sdkproxy_remote_0000000000000000000000000000"

// TestSplitTopology runs the token service in one process and the proxy in another
// (`--services proxy`, reaching the token service through token_source), and points the
// SDK at the proxy: the token it gets is the token service's, with its remaining lifetime.
func TestSplitTopology(t *testing.T) {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	appID, secret := "wxt"+id, "secret"+id
	sb := sandboxtest.Start(t, sandbox.Account{AppID: appID, AppSecret: secret})
	rdb := redistest.New(t)

	start := func(yaml string, mods ...fx.Option) *rpcserver.Server {
		t.Helper()
		file, err := config.FromYAML([]byte(yaml), nil)
		if err != nil {
			t.Fatal(err)
		}
		var srv *rpcserver.Server
		opts := append([]fx.Option{fx.Supply(file), platform.Module, fx.NopLogger, platform.WithRedis(rdb), fx.Populate(&srv)}, mods...)
		app := fxtest.New(t, opts...)
		app.RequireStart()
		t.Cleanup(app.RequireStop)
		return srv
	}
	common := fmt.Sprintf(`
server: {addr: "127.0.0.1:0", shutdown_grace: 1s}
log: {level: error}
wechat: {base_url: %q}
accounts: [{app_id: %q, app_secret: %q}]
`, sb.URL, appID, secret)
	tokenSrv := start(common+fmt.Sprintf(`
token: {key_prefix: %q, warmup: false}
auth: {keys: [{id: proxy-process, hash: %q, app_ids: ["*"], scopes: [token.read]}]}
`, "sdksplit:"+id, auth.KeyHash(remoteKey)), token.Module)
	proxySrv := start(common+fmt.Sprintf(`
proxy: {key_prefix: %q}
token_source: {url: %q, api_key: %q}
auth: {keys: [{id: legacy-backend, hash: %q, app_ids: [%q], scopes: [proxy]}]}
`, "sdksplit:"+id, tokenSrv.URL(), remoteKey, auth.KeyHash(sdkKey), appID), proxy.Module, tokensource.Module)

	resp, err := http.Get(proxySrv.URL() + "/wx/" + appID + "/cgi-bin/token?grant_type=client_credential&appid=" + appID + "&secret=" + sdkKey)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil || tok.AccessToken == "" || tok.ExpiresIn < 7000 || tok.ExpiresIn > 7200 {
		t.Fatalf("token through the split proxy: %+v, %v; want the central token with about 7200 s left", tok, err)
	}
	if n := len(sb.Sandbox.Calls(sandbox.CallFilter{Path: "/cgi-bin/token"})); n != 1 {
		t.Errorf("the sandbox saw %d token fetches, want the token service's one", n)
	}

	util.SetURIModifier(func(uri string) string {
		return strings.Replace(uri, "https://api.weixin.qq.com", proxySrv.URL()+"/wx", 1)
	})
	t.Cleanup(func() { util.SetURIModifier(nil) })
	oa := wechat.NewWechat().GetOfficialAccount(&offconfig.Config{AppID: appID, AppSecret: sdkKey, Token: "t", Cache: cache.NewMemory()})
	if got, err := oa.GetAccessToken(); err != nil || got != tok.AccessToken {
		t.Errorf("SDK token %q, %v; want %q", got, err, tok.AccessToken)
	}
	if ips, err := oa.GetBasic().GetAPIDomainIP(); err != nil || len(ips) == 0 {
		t.Errorf("GetAPIDomainIP through the split proxy: %v, %v", ips, err)
	}
}
