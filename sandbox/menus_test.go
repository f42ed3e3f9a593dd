package sandbox_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"connectrpc.com/connect"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

// menuCall posts body to a menu endpoint of the demo account with a fresh token.
func menuCall(t *testing.T, env *sandboxtest.Env, token, method, path, body string) reply {
	t.Helper()
	return do(t, env, method, path, url.Values{"access_token": {token}}, body)
}

const validMenu = `{"button":[{"type":"click","name":"今日歌曲","key":"V1001_TODAY_MUSIC"},{"name":"菜单","sub_button":[{"type":"view","name":"搜索","url":"http://www.soso.com/"},{"type":"miniprogram","name":"wxa","url":"http://mp.weixin.qq.com","appid":"wx286b93c14bbf93aa","pagepath":"pages/lunar/index"},{"type":"click","name":"赞一下我们","key":"V1001_GOOD"}]}]}`

func TestMenuCreateValidation(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("a", n) }
	leaf := func(fields string) string { return `{"button":[{` + fields + `}]}` }
	sub := func(fields string) string { return `{"button":[{"name":"p","sub_button":[{` + fields + `}]}]}` }
	tests := []struct {
		name string
		give string
		want int
	}{
		{"official example", validMenu, 0},
		{"every type", `{"button":[{"name":"a","sub_button":[{"type":"click","name":"1","key":"k"},{"type":"scancode_push","name":"2","key":"k"},{"type":"scancode_waitmsg","name":"3","key":"k"},{"type":"pic_sysphoto","name":"4","key":"k"},{"type":"pic_photo_or_album","name":"5","key":"k"}]},{"name":"b","sub_button":[{"type":"pic_weixin","name":"1","key":"k"},{"type":"location_select","name":"2","key":"k"},{"type":"media_id","name":"3","media_id":"m"},{"type":"view_limited","name":"4","media_id":"m"},{"type":"article_id","name":"5","article_id":"a"}]},{"type":"article_view_limited","name":"c","article_id":"a"}]}`, 0},
		{"no buttons", `{"button":[]}`, 40016},
		{"four buttons", `{"button":[{"type":"click","name":"1","key":"k"},{"type":"click","name":"2","key":"k"},{"type":"click","name":"3","key":"k"},{"type":"click","name":"4","key":"k"}]}`, 40016},
		{"unknown type", leaf(`"type":"text","name":"a","key":"k"`), 40017},
		{"empty name", leaf(`"type":"click","name":"","key":"k"`), 40018},
		{"name 17 bytes", leaf(`"type":"click","name":"` + long(17) + `","key":"k"`), 40018},
		{"name 16 bytes", leaf(`"type":"click","name":"` + long(16) + `","key":"k"`), 0},
		{"name 6 Chinese characters", leaf(`"type":"click","name":"一二三四五六","key":"k"`), 40018},
		{"key 129 bytes", leaf(`"type":"click","name":"a","key":"` + long(129) + `"`), 40019},
		{"key 128 bytes", leaf(`"type":"click","name":"a","key":"` + long(128) + `"`), 0},
		{"missing key", leaf(`"type":"click","name":"a"`), 40019},
		{"url 1025 bytes", leaf(`"type":"view","name":"a","url":"http://a.com/` + long(1025-13) + `"`), 40020},
		{"url not http", leaf(`"type":"view","name":"a","url":"ftp://a.com/"`), 40055},
		{"six sub-buttons", `{"button":[{"name":"p","sub_button":[{"type":"click","name":"1","key":"k"},{"type":"click","name":"2","key":"k"},{"type":"click","name":"3","key":"k"},{"type":"click","name":"4","key":"k"},{"type":"click","name":"5","key":"k"},{"type":"click","name":"6","key":"k"}]}]}`, 40023},
		{"sub unknown type", sub(`"type":"bogus","name":"a","key":"k"`), 40024},
		{"sub name 61 bytes", sub(`"type":"click","name":"` + long(61) + `","key":"k"`), 40025},
		{"sub name 60 bytes", sub(`"type":"click","name":"` + long(60) + `","key":"k"`), 0},
		{"sub key 129 bytes", sub(`"type":"click","name":"a","key":"` + long(129) + `"`), 40026},
		{"sub url 1025 bytes", sub(`"type":"view","name":"a","url":"http://a.com/` + long(1025-13) + `"`), 40027},
		{"sub url not http", sub(`"type":"view","name":"a","url":"a.com"`), 40054},
		{"media_id missing", leaf(`"type":"media_id","name":"a"`), 40117},
		{"sub media_id missing", sub(`"type":"view_limited","name":"a"`), 40118},
		{"miniprogram bad appid", sub(`"type":"miniprogram","name":"a","url":"http://a.com","appid":"x","pagepath":"p"`), 40166},
		{"miniprogram no pagepath", sub(`"type":"miniprogram","name":"a","url":"http://a.com","appid":"wx286b93c14bbf93aa"`), 40165},
		{"parent without type or sub_button", leaf(`"name":"a"`), 41007},
		{"not JSON", `{"button":`, 47001},
		{"empty body", ``, 44002},
	}
	env := startFrozen(t, sandbox.Options{NoRID: true})
	token := fetchToken(t, env)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/create", tt.give), tt.want)
		})
	}
}

func TestMenuGetDeleteShapes(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{NoRID: true})
	token := fetchToken(t, env)
	wantCode(t, menuCall(t, env, token, http.MethodGet, "/cgi-bin/menu/get", ""), 46003)
	wantCode(t, menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/create", validMenu), 0)
	r := menuCall(t, env, token, http.MethodGet, "/cgi-bin/menu/get", "")
	var got struct {
		Menu struct {
			Button []map[string]json.RawMessage `json:"button"`
		} `json:"menu"`
	}
	if err := json.Unmarshal([]byte(r.Raw), &got); err != nil || len(got.Menu.Button) != 2 {
		t.Fatalf("menu/get = %s", r.Raw)
	}
	for i, b := range got.Menu.Button {
		if string(b["sub_button"]) == "" {
			t.Errorf("button[%d] has no sub_button: %s", i, r.Raw)
		}
	}
	if _, ok := r.Fields["conditionalmenu"]; ok {
		t.Errorf("conditionalmenu without conditional menus: %s", r.Raw)
	}
	self := menuCall(t, env, token, http.MethodGet, "/cgi-bin/get_current_selfmenu_info", "")
	if !strings.Contains(self.Raw, `"is_menu_open":1`) || !strings.Contains(self.Raw, `"sub_button":{"list":[`) {
		t.Errorf("selfmenu = %s", self.Raw)
	}
	wantCode(t, menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/addconditional", `{"button":[{"type":"click","name":"a","key":"k"}],"matchrule":{"tag_id":"2"}}`), 0)
	r = menuCall(t, env, token, http.MethodGet, "/cgi-bin/menu/get", "")
	if _, ok := r.Fields["conditionalmenu"]; !ok || !strings.Contains(r.Raw, `"menuid"`) {
		t.Errorf("menu/get with a conditional menu = %s", r.Raw)
	}
	wantCode(t, menuCall(t, env, token, http.MethodGet, "/cgi-bin/menu/delete", ""), 0)
	wantCode(t, menuCall(t, env, token, http.MethodGet, "/cgi-bin/menu/get", ""), 46003)
	wantCode(t, menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/addconditional", `{"button":[{"type":"click","name":"a","key":"k"}],"matchrule":{"tag_id":"2"}}`), 65303)
	wantCode(t, menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/get", ""), 43001)
}

func TestMenuAddConditionalRules(t *testing.T) {
	t.Parallel()
	button := `[{"type":"click","name":"a","key":"k"}]`
	view := func(host string) string { return `[{"type":"view","name":"v","url":"https://` + host + `/x"}]` }
	tests := []struct {
		name    string
		privacy bool
		give    string
		want    int
	}{
		{"tag", false, `{"button":` + button + `,"matchrule":{"tag_id":"2"}}`, 0},
		{"platform as a number", false, `{"button":` + button + `,"matchrule":{"client_platform_type":2}}`, 0},
		{"empty rule", false, `{"button":` + button + `,"matchrule":{}}`, 65304},
		{"no rule", false, `{"button":` + button + `}`, 65304},
		{"sex refused", false, `{"button":` + button + `,"matchrule":{"sex":"1"}}`, 65320},
		{"language refused", false, `{"button":` + button + `,"matchrule":{"language":"zh_CN"}}`, 65320},
		{"sex allowed", true, `{"button":` + button + `,"matchrule":{"sex":"1"}}`, 0},
		{"province without country", true, `{"button":` + button + `,"matchrule":{"province":"广东"}}`, 65310},
		{"city without province", true, `{"button":` + button + `,"matchrule":{"country":"中国","city":"广州"}}`, 65311},
		{"bad sex", true, `{"button":` + button + `,"matchrule":{"sex":"3"}}`, 40097},
		{"bad buttons", false, `{"button":[],"matchrule":{"tag_id":"2"}}`, 40016},
		{"fourth domain", false, `{"button":` + view("d.example") + `,"matchrule":{"tag_id":"2"}}`, 65316},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := startFrozen(t, sandbox.Options{NoRID: true})
			token := fetchToken(t, env)
			if err := env.Sandbox.SetMenuOptions(sandbox.DemoAppID, sandbox.MenuOptions{AllowPrivacyRules: tt.privacy}); err != nil {
				t.Fatal(err)
			}
			wantCode(t, menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/create", validMenu), 0)
			if strings.Contains(tt.name, "domain") {
				for _, host := range []string{"a.example", "b.example", "c.example"} {
					wantCode(t, menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/addconditional", `{"button":`+view(host)+`,"matchrule":{"tag_id":"2"}}`), 0)
				}
			}
			wantCode(t, menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/addconditional", tt.give), tt.want)
		})
	}
}

func TestMenuConditionalCountAndDelete(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{NoRID: true})
	token := fetchToken(t, env)
	wantCode(t, menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/create", validMenu), 0)
	var first string
	for i := range 20 {
		r := menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/addconditional", `{"button":[{"type":"click","name":"a","key":"k"}],"matchrule":{"tag_id":"2"}}`)
		var out struct {
			MenuID string `json:"menuid"`
		}
		if err := json.Unmarshal([]byte(r.Raw), &out); err != nil || out.MenuID == "" {
			t.Fatalf("addconditional %d = %s", i, r.Raw)
		}
		if i == 0 {
			first = out.MenuID
		}
	}
	wantCode(t, menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/addconditional", `{"button":[{"type":"click","name":"a","key":"k"}],"matchrule":{"tag_id":"2"}}`), 65305)
	wantCode(t, menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/delconditional", `{"menuid":"`+first+`"}`), 0)
	wantCode(t, menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/delconditional", `{"menuid":"`+first+`"}`), 65301)
	// menu/create deletes the conditional menus by default (sandbox choice, Q4) …
	wantCode(t, menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/create", validMenu), 0)
	if r := menuCall(t, env, token, http.MethodGet, "/cgi-bin/menu/get", ""); strings.Contains(r.Raw, "conditionalmenu") {
		t.Errorf("conditional menus survived menu/create: %s", r.Raw)
	}
	// … unless the account keeps them.
	if err := env.Sandbox.SetMenuOptions(sandbox.DemoAppID, sandbox.MenuOptions{KeepConditionalOnCreate: true}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/addconditional", `{"button":[{"type":"click","name":"a","key":"k"}],"matchrule":{"tag_id":"2"}}`), 0)
	wantCode(t, menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/create", validMenu), 0)
	if r := menuCall(t, env, token, http.MethodGet, "/cgi-bin/menu/get", ""); !strings.Contains(r.Raw, "conditionalmenu") {
		t.Errorf("conditional menus deleted although kept: %s", r.Raw)
	}
}

// TestMenuTryMatch checks conditional matching by tag, sex, region, platform and
// language: newest matching menu first, the most recent tag only, default otherwise.
func TestMenuTryMatch(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{NoRID: true})
	token := fetchToken(t, env)
	if err := env.Sandbox.SetMenuOptions(sandbox.DemoAppID, sandbox.MenuOptions{AllowPrivacyRules: true}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/create", `{"button":[{"type":"click","name":"default","key":"DEFAULT"}]}`), 0)
	vip, err := env.Sandbox.CreateTag(sandbox.DemoAppID, "vip")
	if err != nil {
		t.Fatal(err)
	}
	other, err := env.Sandbox.CreateTag(sandbox.DemoAppID, "other")
	if err != nil {
		t.Fatal(err)
	}
	rules := []struct{ key, rule string }{
		{"TAG100", `{"tag_id":"` + strconv.Itoa(vip.ID) + `"}`},
		{"MALE", `{"sex":"1"}`},
		{"GUANGZHOU", `{"country":"中国","province":"广东","city":"广州"}`},
		{"ANDROID_EN", `{"client_platform_type":"2","language":"en"}`},
		{"IOS", `{"client_platform_type":"1"}`},
	}
	for _, r := range rules {
		wantCode(t, menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/addconditional",
			`{"button":[{"type":"click","name":"c","key":"`+r.key+`"}],"matchrule":`+r.rule+`}`), 0)
	}
	tests := []struct {
		name string
		user sandbox.User
		want string
	}{
		{"nobody special", sandbox.User{Sex: 2, Language: "zh_CN"}, "DEFAULT"},
		{"tag vip", sandbox.User{TagIDs: []int{vip.ID}}, "TAG100"},
		{"tag vip not the latest", sandbox.User{TagIDs: []int{vip.ID, other.ID}}, "DEFAULT"},
		{"tag vip the latest", sandbox.User{TagIDs: []int{other.ID, vip.ID}}, "TAG100"},
		{"male", sandbox.User{Sex: 1}, "MALE"},
		{"male with tag vip: MALE is newer", sandbox.User{Sex: 1, TagIDs: []int{vip.ID}}, "MALE"},
		{"guangzhou", sandbox.User{Country: "中国", Province: "广东", City: "广州"}, "GUANGZHOU"},
		{"shenzhen", sandbox.User{Country: "中国", Province: "广东", City: "深圳"}, "DEFAULT"},
		{"android english", sandbox.User{ClientPlatformType: 2, Language: "en"}, "ANDROID_EN"},
		{"android chinese", sandbox.User{ClientPlatformType: 2, Language: "zh_CN"}, "DEFAULT"},
		{"ios", sandbox.User{ClientPlatformType: 1, Sex: 1}, "IOS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := env.AddUser(t, sandbox.DemoAppID, tt.user)
			r := menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/trymatch", `{"user_id":"`+u.OpenID+`"}`)
			var out struct {
				Button []struct {
					Key string `json:"key"`
				} `json:"button"`
			}
			if err := json.Unmarshal([]byte(r.Raw), &out); err != nil || len(out.Button) != 1 {
				t.Fatalf("trymatch = %s", r.Raw)
			}
			if out.Button[0].Key != tt.want {
				t.Errorf("trymatch key = %s, want %s", out.Button[0].Key, tt.want)
			}
		})
	}
	wantCode(t, menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/trymatch", `{"user_id":"nobody"}`), 65302)
	// Without the privacy option, rules on sex, region and language match nobody.
	if err := env.Sandbox.SetMenuOptions(sandbox.DemoAppID, sandbox.MenuOptions{}); err != nil {
		t.Fatal(err)
	}
	u := env.AddUser(t, sandbox.DemoAppID, sandbox.User{Sex: 1})
	if r := menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/trymatch", `{"user_id":"`+u.OpenID+`"}`); !strings.Contains(r.Raw, "DEFAULT") {
		t.Errorf("privacy rule still matches: %s", r.Raw)
	}
}

// pushRecorder is a callback endpoint recording pushed bodies.
type pushRecorder struct {
	mu     sync.Mutex
	bodies []string
}

func (p *pushRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	p.mu.Lock()
	p.bodies = append(p.bodies, string(b))
	p.mu.Unlock()
	_, _ = w.Write([]byte("success"))
}

func TestMenuClickAndViewEvents(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{NoRID: true})
	rec := &pushRecorder{}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	env.SetCallback(t, sandbox.DemoAppID, srv.URL, "tok123", "", sandbox.EncryptPlain)
	token := fetchToken(t, env)
	wantCode(t, menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/create", validMenu), 0)
	wantCode(t, menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/addconditional",
		`{"button":[{"type":"scancode_push","name":"scan","key":"SCAN_IOS"},{"type":"view","name":"v","url":"https://ios.example/x"}],"matchrule":{"client_platform_type":"1"}}`), 0)
	android := env.AddUser(t, sandbox.DemoAppID, sandbox.User{ClientPlatformType: 2})
	ios := env.AddUser(t, sandbox.DemoAppID, sandbox.User{ClientPlatformType: 1})
	ctx := t.Context()

	res, err := env.Sandbox.ClickMenu(ctx, sandbox.DemoAppID, android.OpenID, "V1001_GOOD", "")
	if err != nil || !res.Delivered {
		t.Fatalf("click: %v %+v", err, res)
	}
	if !strings.Contains(res.XML, "<Event><![CDATA[CLICK]]></Event>") || !strings.Contains(res.XML, "<EventKey><![CDATA[V1001_GOOD]]></EventKey>") {
		t.Errorf("CLICK push = %s", res.XML)
	}
	// The iOS user sees the conditional menu: the default menu's keys are not there.
	if _, err := env.Sandbox.ClickMenu(ctx, sandbox.DemoAppID, ios.OpenID, "V1001_GOOD", ""); !errors.Is(err, sandbox.ErrNotInMenu) {
		t.Errorf("click on a key outside the user's menu: %v, want ErrNotInMenu", err)
	}
	if _, err := env.Sandbox.ClickMenu(ctx, sandbox.DemoAppID, android.OpenID, "NO_SUCH_KEY", ""); !errors.Is(err, sandbox.ErrNotInMenu) {
		t.Errorf("click on an unknown key: %v", err)
	}
	res, err = env.Sandbox.ClickMenu(ctx, sandbox.DemoAppID, ios.OpenID, "SCAN_IOS", "hello")
	if err != nil || !strings.Contains(res.XML, "<Event><![CDATA[scancode_push]]></Event>") || !strings.Contains(res.XML, "<ScanResult><![CDATA[hello]]></ScanResult>") {
		t.Errorf("scancode_push: %v %s", err, res.XML)
	}
	res, err = env.Sandbox.ViewMenu(ctx, sandbox.DemoAppID, android.OpenID, "http://www.soso.com/", "")
	if err != nil || !strings.Contains(res.XML, "<Event><![CDATA[VIEW]]></Event>") || !strings.Contains(res.XML, "<MenuId>") {
		t.Errorf("VIEW: %v %s", err, res.XML)
	}
	res, err = env.Sandbox.ViewMenu(ctx, sandbox.DemoAppID, android.OpenID, "", "pages/lunar/index")
	if err != nil || !strings.Contains(res.XML, "<Event><![CDATA[view_miniprogram]]></Event>") {
		t.Errorf("view_miniprogram: %v %s", err, res.XML)
	}
	if _, err := env.Sandbox.ViewMenu(ctx, sandbox.DemoAppID, ios.OpenID, "http://www.soso.com/", ""); !errors.Is(err, sandbox.ErrNotInMenu) {
		t.Errorf("view outside the user's menu: %v", err)
	}
	rec.mu.Lock()
	n := len(rec.bodies)
	rec.mu.Unlock()
	if n != 4 {
		t.Errorf("callback got %d pushes, want 4", n)
	}
}

func TestMenuAdminRPCs(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{NoRID: true})
	rec := &pushRecorder{}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	env.SetCallback(t, sandbox.DemoAppID, srv.URL, "tok123", "", sandbox.EncryptPlain)
	token := fetchToken(t, env)
	ctx := t.Context()
	u := env.AddUser(t, sandbox.DemoAppID, sandbox.User{})

	// SetConsoleMenu is what get_current_selfmenu_info reports without an API menu.
	if _, err := env.Admin.SetConsoleMenu(ctx, &sandboxv1.SetConsoleMenuRequest{
		AppId: sandbox.DemoAppID, SelfmenuInfoJson: `{"button":[{"type":"text","name":"hi","value":"hello"}]}`, MenuOpen: true,
	}); err != nil {
		t.Fatal(err)
	}
	if r := menuCall(t, env, token, http.MethodGet, "/cgi-bin/get_current_selfmenu_info", ""); !strings.Contains(r.Raw, `"value":"hello"`) || !strings.Contains(r.Raw, `"is_menu_open":1`) {
		t.Errorf("console menu = %s", r.Raw)
	}
	_, err := env.Admin.SetConsoleMenu(ctx, &sandboxv1.SetConsoleMenuRequest{AppId: sandbox.DemoAppID, SelfmenuInfoJson: "[1]"})
	wantConnectCode(t, err, connect.CodeInvalidArgument)

	// SetMenuOptions lets sex rules in.
	_, err = env.Admin.SetMenuOptions(ctx, &sandboxv1.SetMenuOptionsRequest{AppId: sandbox.DemoAppID, AllowPrivacyRules: true})
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/create", validMenu), 0)
	wantCode(t, menuCall(t, env, token, http.MethodPost, "/cgi-bin/menu/addconditional", `{"button":[{"type":"click","name":"a","key":"k"}],"matchrule":{"sex":"2"}}`), 0)
	_, err = env.Admin.SetMenuOptions(ctx, &sandboxv1.SetMenuOptionsRequest{AppId: "wxnope"})
	wantConnectCode(t, err, connect.CodeNotFound)

	// ClickMenu and ViewMenu push; keys outside the menu are FailedPrecondition.
	click, err := env.Admin.ClickMenu(ctx, &sandboxv1.ClickMenuRequest{AppId: sandbox.DemoAppID, Openid: u.OpenID, Key: "V1001_TODAY_MUSIC"})
	if err != nil || !click.GetResult().GetDelivered() {
		t.Fatalf("ClickMenu: %v", err)
	}
	_, err = env.Admin.ClickMenu(ctx, &sandboxv1.ClickMenuRequest{AppId: sandbox.DemoAppID, Openid: u.OpenID, Key: "k"})
	wantConnectCode(t, err, connect.CodeFailedPrecondition)
	_, err = env.Admin.ClickMenu(ctx, &sandboxv1.ClickMenuRequest{AppId: sandbox.DemoAppID, Openid: "o-nobody", Key: "k"})
	wantConnectCode(t, err, connect.CodeNotFound)
	view, err := env.Admin.ViewMenu(ctx, &sandboxv1.ViewMenuRequest{AppId: sandbox.DemoAppID, Openid: u.OpenID, Url: "http://www.soso.com/"})
	if err != nil || !strings.Contains(view.GetResult().GetXml(), "VIEW") {
		t.Fatalf("ViewMenu: %v", err)
	}
	_, err = env.Admin.ViewMenu(ctx, &sandboxv1.ViewMenuRequest{AppId: sandbox.DemoAppID, Openid: u.OpenID})
	wantConnectCode(t, err, connect.CodeInvalidArgument)

	// SetAutoReplyInfo is what get_current_autoreply_info answers.
	if r := menuCall(t, env, token, http.MethodGet, "/cgi-bin/get_current_autoreply_info", ""); !strings.Contains(r.Raw, `"is_autoreply_open":0`) {
		t.Errorf("default auto-reply = %s", r.Raw)
	}
	if _, err := env.Admin.SetAutoReplyInfo(ctx, &sandboxv1.SetAutoReplyInfoRequest{
		AppId: sandbox.DemoAppID, Json: `{"is_add_friend_reply_open":1,"is_autoreply_open":1}`,
	}); err != nil {
		t.Fatal(err)
	}
	if r := menuCall(t, env, token, http.MethodGet, "/cgi-bin/get_current_autoreply_info", ""); !strings.Contains(r.Raw, `"is_autoreply_open":1`) {
		t.Errorf("auto-reply = %s", r.Raw)
	}
	_, err = env.Admin.SetAutoReplyInfo(ctx, &sandboxv1.SetAutoReplyInfoRequest{AppId: sandbox.DemoAppID, Json: "nope"})
	wantConnectCode(t, err, connect.CodeInvalidArgument)
}

func wantConnectCode(t *testing.T, err error, want connect.Code) {
	t.Helper()
	if got := connect.CodeOf(err); err == nil || got != want {
		t.Errorf("error = %v (code %v), want code %v", err, got, want)
	}
}
