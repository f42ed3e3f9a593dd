package sdkproxy

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
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
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
	"github.com/wxsuite/wxsuite/services/proxy"
	"github.com/wxsuite/wxsuite/services/token"
)

// sdkKey is the API key the SDK is configured with as its AppSecret.
const sdkKey = "wxsk_sdkproxy_test_000000000000000000000000000000"

// TestSilenceperThroughProxy runs wxsuite (token service and proxy, on one port, in
// front of the sandbox) and points silenceper/wechat at it, once with the classic token
// endpoint and once with stable_token.
func TestSilenceperThroughProxy(t *testing.T) {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	appID, secret := "wxs"+id, "secret"+id
	sb := sandboxtest.Start(t, sandbox.Account{AppID: appID, AppSecret: secret})
	user := sb.AddUser(t, appID, sandbox.User{Nickname: "SDK user"})

	file, err := config.FromYAML(fmt.Appendf(nil, `
server: {addr: "127.0.0.1:0", shutdown_grace: 1s}
log: {level: error}
wechat: {base_url: %q}
token: {key_prefix: %q, warmup: false}
proxy: {key_prefix: %q}
auth:
  keys:
    - {id: legacy-backend, hash: %q, app_ids: [%q], scopes: [proxy]}
accounts:
  - {app_id: %q, app_secret: %q}
`, sb.URL, "sdkproxy:"+id, "sdkproxy:"+id, auth.KeyHash(sdkKey), appID, appID, secret), nil)
	if err != nil {
		t.Fatal(err)
	}
	var srv *rpcserver.Server
	app := fxtest.New(t, fx.Supply(file), platform.Module, token.Module, proxy.Module, fx.NopLogger,
		platform.WithRedis(redistest.New(t)), fx.Populate(&srv))
	app.RequireStart()
	t.Cleanup(app.RequireStop)

	// The SDK's URL rewrite hook: every platform URL goes to the proxy instead.
	util.SetURIModifier(func(uri string) string {
		return strings.Replace(uri, "https://api.weixin.qq.com", srv.URL()+"/wx", 1)
	})
	t.Cleanup(func() { util.SetURIModifier(nil) })

	// The in-process token service tells the proxy the token's expiry.
	resp, err := http.Get(srv.URL() + "/wx/" + appID + "/cgi-bin/token?grant_type=client_credential&appid=" + appID + "&secret=" + sdkKey)
	if err != nil {
		t.Fatal(err)
	}
	var answer struct {
		ExpiresIn int64 `json:"expires_in"`
	}
	err = json.NewDecoder(resp.Body).Decode(&answer)
	resp.Body.Close()
	if err != nil || answer.ExpiresIn < 7000 || answer.ExpiresIn > 7200 {
		t.Errorf("expires_in %d, %v; want the central token's remaining lifetime", answer.ExpiresIn, err)
	}

	for _, stable := range []bool{false, true} {
		t.Run(fmt.Sprintf("stable_token=%v", stable), func(t *testing.T) {
			oa := wechat.NewWechat().GetOfficialAccount(&offconfig.Config{
				AppID: appID, AppSecret: sdkKey, Token: "t", Cache: cache.NewMemory(), UseStableAK: stable,
			})
			tok, err := oa.GetAccessToken()
			if err != nil || tok == "" {
				t.Fatalf("GetAccessToken: %q, %v", tok, err)
			}
			// The token is the central one: the only token fetch the sandbox saw is the
			// token service's, with the real secret; the SDK's key never reached it.
			fetches := sb.Sandbox.Calls(sandbox.CallFilter{Path: "/cgi-bin/token"})
			stableFetches := sb.Sandbox.Calls(sandbox.CallFilter{Path: "/cgi-bin/stable_token"})
			if len(fetches) != 1 || len(stableFetches) != 0 {
				t.Errorf("the sandbox saw %d token and %d stable_token fetches, want only the token service's one", len(fetches), len(stableFetches))
			}

			ips, err := oa.GetBasic().GetCallbackIP()
			if err != nil || len(ips) == 0 {
				t.Errorf("GetCallbackIP: %v, %v", ips, err)
			}
			list, err := oa.GetUser().ListUserOpenIDs()
			if err != nil || !slices.Contains(list.Data.OpenIDs, user.OpenID) {
				t.Errorf("ListUserOpenIDs: %+v, %v; want %s", list, err, user.OpenID)
			}
			info, err := oa.GetUser().GetUserInfo(user.OpenID)
			if err != nil || info.OpenID != user.OpenID || info.Subscribe != 1 {
				t.Errorf("GetUserInfo: openid %q subscribe %d, %v; want %s", info.OpenID, info.Subscribe, err, user.OpenID)
			}
			for _, c := range sb.Sandbox.Calls(sandbox.CallFilter{Path: "/cgi-bin/user/info"}) {
				if c.AccessToken != tok {
					t.Errorf("user/info reached the sandbox with another token than the central one")
				}
			}
		})
	}

	// Web authorization (网页授权) through the proxy, with the key as the secret: the code
	// exchange gets the real AppSecret, and the user's tokens then authenticate the calls.
	oauth := wechat.NewWechat().GetOfficialAccount(&offconfig.Config{AppID: appID, AppSecret: sdkKey, Token: "t", Cache: cache.NewMemory()}).GetOauth()
	ut, err := oauth.GetUserAccessToken(sb.OAuthCode(t, appID, user.OpenID, "snsapi_userinfo"))
	if err != nil || ut.OpenID != user.OpenID {
		t.Fatalf("GetUserAccessToken: %+v, %v", ut, err)
	}
	if ok, err := oauth.CheckAccessToken(ut.AccessToken, user.OpenID); err != nil || !ok {
		t.Errorf("CheckAccessToken: %v, %v", ok, err)
	}
	if ui, err := oauth.GetUserInfo(ut.AccessToken, user.OpenID, "zh_CN"); err != nil || ui.OpenID != user.OpenID {
		t.Errorf("oauth GetUserInfo: %+v, %v", ui, err)
	}
	if rt, err := oauth.RefreshAccessToken(ut.RefreshToken); err != nil || rt.AccessToken == "" {
		t.Errorf("RefreshAccessToken: %+v, %v", rt, err)
	}

	// A key that is not configured gets the platform's error through the SDK.
	oa := wechat.NewWechat().GetOfficialAccount(&offconfig.Config{AppID: appID, AppSecret: "wrong", Token: "t", Cache: cache.NewMemory()})
	if _, err := oa.GetAccessToken(); err == nil || !strings.Contains(err.Error(), "40125") {
		t.Errorf("wrong key: %v, want the 40125 errcode surfaced by the SDK", err)
	}
}
