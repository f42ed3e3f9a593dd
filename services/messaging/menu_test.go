package messaging_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"connectrpc.com/connect"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1/messagingv1connect"
	"github.com/wxsuite/wxsuite/internal/platform"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
	"github.com/wxsuite/wxsuite/services/messaging"
)

// manageTokens is a wechat.TokenSource that takes tokens from the sandbox directly (the
// token service is another package's concern).
type manageTokens struct {
	sb  *sandbox.Sandbox
	mu  sync.Mutex
	cur map[string]string
}

func (m *manageTokens) AccessToken(_ context.Context, appID string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if tok, ok := m.cur[appID]; ok {
		return tok, nil
	}
	tok, _, err := m.sb.IssueToken(appID)
	if err != nil {
		return "", err
	}
	m.cur[appID] = tok
	return tok, nil
}

func (m *manageTokens) RefreshAccessToken(_ context.Context, appID, stale string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if tok := m.cur[appID]; tok != stale && tok != "" {
		return tok, nil
	}
	tok, _, err := m.sb.IssueToken(appID)
	if err != nil {
		return "", err
	}
	m.cur[appID] = tok
	return tok, nil
}

// manageApp is a wxsuite process with the messaging module, backed by a sandbox.
type manageApp struct {
	appID, key string
	readKey    string // holds events.read only
	url        string
	sb         *sandboxtest.Env
	menus      messagingv1connect.MenuServiceClient
	kf         messagingv1connect.CustomerServiceServiceClient
	autoReply  messagingv1connect.AutoReplyServiceClient
}

const (
	manageKeyLen        = 24
	manageCallbackToken = "h3callbacktoken"
)

func startManage(t *testing.T) *manageApp {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	a := &manageApp{appID: "wxh3" + hex.EncodeToString(b), key: "mgr-" + hex.EncodeToString(b) + strings.Repeat("k", manageKeyLen)}
	readKey := "rdr-" + hex.EncodeToString(b) + strings.Repeat("r", manageKeyLen)
	a.readKey = readKey
	a.sb = sandboxtest.Start(t, sandbox.Account{AppID: a.appID, AppSecret: "secret-" + a.appID})
	file, err := config.FromYAML(fmt.Appendf(nil, `
server: {addr: "127.0.0.1:0", shutdown_grace: 1s}
log: {level: error}
wechat: {base_url: %q, max_retries: -1}
auth:
  keys:
    - {id: manager, hash: %q, app_ids: ["*"], scopes: [messaging.manage]}
    - {id: reader, hash: %q, app_ids: [%q], scopes: [events.read]}
messaging: {key_prefix: %q}
accounts:
  - {app_id: %q, app_secret: %q, callback_token: %q}
`, a.sb.URL, auth.KeyHash(a.key), auth.KeyHash(readKey), a.appID, "h3test:"+a.appID, a.appID, "secret-"+a.appID, manageCallbackToken), nil)
	if err != nil {
		t.Fatal(err)
	}
	tokens := &manageTokens{sb: a.sb.Sandbox, cur: map[string]string{}}
	var srv *rpcserver.Server
	app := fxtest.New(t, fx.Supply(file), platform.Module, messaging.Module, fx.NopLogger,
		fx.Supply(fx.Annotate(tokens, fx.As(new(wechat.TokenSource)))),
		platform.WithRedis(redistest.New(t)), fx.Populate(&srv))
	app.RequireStart()
	t.Cleanup(app.RequireStop)
	a.url = srv.URL()
	opt := connect.WithInterceptors(manageBearer(a.key))
	a.menus = messagingv1connect.NewMenuServiceClient(http.DefaultClient, a.url, opt)
	a.kf = messagingv1connect.NewCustomerServiceServiceClient(http.DefaultClient, a.url, opt)
	a.autoReply = messagingv1connect.NewAutoReplyServiceClient(http.DefaultClient, a.url, opt)
	return a
}

// manageBearer adds the API key to every call, unary and streaming.
func manageBearer(key string) connect.Interceptor { return bearerInterceptor(key) }

type bearerInterceptor string

func (b bearerInterceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		req.Header().Set("Authorization", "Bearer "+string(b))
		return next(ctx, req)
	}
}

func (b bearerInterceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return func(ctx context.Context, spec connect.Spec) connect.StreamingClientConn {
		conn := next(ctx, spec)
		conn.RequestHeader().Set("Authorization", "Bearer "+string(b))
		return conn
	}
}

func (b bearerInterceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return next
}

// rest calls the REST gateway and returns the status and body.
func (a *manageApp) rest(t *testing.T, method, path string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, a.url+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+a.key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// upstreamCalls counts the sandbox's logged calls of path for the app.
func (a *manageApp) upstreamCalls(path string) int {
	return len(a.sb.Sandbox.Calls(sandbox.CallFilter{Path: path, AppID: a.appID}))
}

func wantCode(t *testing.T, err error, want connect.Code, contains string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %v", want)
	}
	if got := connect.CodeOf(err); got != want {
		t.Fatalf("code = %v, want %v (%v)", got, want, err)
	}
	if contains != "" && !strings.Contains(err.Error(), contains) {
		t.Errorf("error %q does not contain %q", err, contains)
	}
}

// wechatErrcode returns the WECHAT_ERRCODE detail's errcode of err.
func wechatErrcode(err error) int {
	c, _ := wechat.Code(err)
	return c
}

func clickButton(name, key string) *messagingv1.MenuButton {
	return &messagingv1.MenuButton{Name: name, Type: messagingv1.MenuButtonType_MENU_BUTTON_TYPE_CLICK, Key: key}
}

func viewButton(name, url string) *messagingv1.MenuButton {
	return &messagingv1.MenuButton{Name: name, Type: messagingv1.MenuButtonType_MENU_BUTTON_TYPE_VIEW, Url: url}
}

// fullMenu uses every creatable button type.
func fullMenu() *messagingv1.CustomMenu {
	bt := func(t messagingv1.MenuButtonType) messagingv1.MenuButtonType { return t }
	return &messagingv1.CustomMenu{Buttons: []*messagingv1.MenuButton{
		{Name: "扫码", SubButtons: []*messagingv1.MenuButton{
			clickButton("今日歌曲", "V1001_TODAY_MUSIC"),
			{Name: "扫码推事件", Type: bt(messagingv1.MenuButtonType_MENU_BUTTON_TYPE_SCANCODE_PUSH), Key: "rselfmenu_0_1"},
			{Name: "扫码带提示", Type: bt(messagingv1.MenuButtonType_MENU_BUTTON_TYPE_SCANCODE_WAITMSG), Key: "rselfmenu_0_0"},
			{Name: "系统拍照发图", Type: bt(messagingv1.MenuButtonType_MENU_BUTTON_TYPE_PIC_SYSPHOTO), Key: "rselfmenu_1_0"},
			{Name: "拍照或者相册发图", Type: bt(messagingv1.MenuButtonType_MENU_BUTTON_TYPE_PIC_PHOTO_OR_ALBUM), Key: "rselfmenu_1_1"},
		}},
		{Name: "发图", SubButtons: []*messagingv1.MenuButton{
			{Name: "微信相册发图", Type: bt(messagingv1.MenuButtonType_MENU_BUTTON_TYPE_PIC_WEIXIN), Key: "rselfmenu_1_2"},
			{Name: "发送位置", Type: bt(messagingv1.MenuButtonType_MENU_BUTTON_TYPE_LOCATION_SELECT), Key: "rselfmenu_2_0"},
			{Name: "图片", Type: bt(messagingv1.MenuButtonType_MENU_BUTTON_TYPE_MEDIA_ID), MediaId: "MEDIA_ID1"},
			{Name: "图文消息", Type: bt(messagingv1.MenuButtonType_MENU_BUTTON_TYPE_VIEW_LIMITED), MediaId: "MEDIA_ID2"},
			{Name: "文章", Type: bt(messagingv1.MenuButtonType_MENU_BUTTON_TYPE_ARTICLE_ID), ArticleId: "ARTICLE_ID1"},
		}},
		{Name: "更多", SubButtons: []*messagingv1.MenuButton{
			{Name: "文章链接", Type: bt(messagingv1.MenuButtonType_MENU_BUTTON_TYPE_ARTICLE_VIEW_LIMITED), ArticleId: "ARTICLE_ID2"},
			viewButton("搜索", "http://www.soso.com/?q=a&b=<c>"),
			{Name: "wxa", Type: bt(messagingv1.MenuButtonType_MENU_BUTTON_TYPE_MINIPROGRAM), Url: "http://mp.weixin.qq.com", Appid: "wx286b93c14bbf93aa", Pagepath: "pages/lunar/index"},
		}},
	}, ConditionalMenus: []*messagingv1.ConditionalMenu{{
		Buttons:   []*messagingv1.MenuButton{clickButton("iOS", "IOS_ONLY"), viewButton("官网", "https://ios.example.com/")},
		MatchRule: &messagingv1.MenuMatchRule{ClientPlatform: messagingv1.MenuClientPlatform_MENU_CLIENT_PLATFORM_IOS},
	}}}
}

// TestMenuRoundTripREST publishes a menu, reads it back over REST, publishes that JSON
// unchanged and reads the same menu again: a menu can live in a file.
func TestMenuRoundTripREST(t *testing.T) {
	t.Parallel()
	a := startManage(t)
	ctx := t.Context()
	created, err := a.menus.CreateMenu(ctx, &messagingv1.CreateMenuRequest{AppId: a.appID, Menu: fullMenu()})
	if err != nil {
		t.Fatal(err)
	}
	if len(created.GetConditionalMenuIds()) != 1 || created.GetConditionalMenuIds()[0] == 0 {
		t.Fatalf("conditional ids = %v", created.GetConditionalMenuIds())
	}
	status, first := a.rest(t, http.MethodGet, "/v1/apps/"+a.appID+"/menu", nil)
	if status != http.StatusOK {
		t.Fatalf("GET menu: %d %s", status, first)
	}
	if !strings.Contains(string(first), `"sub_buttons"`) || !strings.Contains(string(first), `"conditional_menus"`) {
		t.Fatalf("GET menu JSON = %s", first)
	}
	status, body := a.rest(t, http.MethodPut, "/v1/apps/"+a.appID+"/menu", first)
	if status != http.StatusOK {
		t.Fatalf("PUT the GET answer unchanged: %d %s", status, body)
	}
	status, second := a.rest(t, http.MethodGet, "/v1/apps/"+a.appID+"/menu", nil)
	if status != http.StatusOK {
		t.Fatalf("GET menu again: %d %s", status, second)
	}
	var m1, m2 messagingv1.CustomMenu
	if err := protojson.Unmarshal(first, &m1); err != nil {
		t.Fatal(err)
	}
	if err := protojson.Unmarshal(second, &m2); err != nil {
		t.Fatal(err)
	}
	// The ids are new; everything else must be identical, and equal to what was sent.
	for _, m := range []*messagingv1.CustomMenu{&m1, &m2} {
		m.MenuId = 0
		for _, cm := range m.GetConditionalMenus() {
			cm.MenuId = 0
		}
	}
	if !proto.Equal(&m1, &m2) {
		t.Errorf("round trip changed the menu:\nfirst  %v\nsecond %v", &m1, &m2)
	}
	if want := fullMenu(); !proto.Equal(&m1, want) {
		t.Errorf("GetMenu = %v\nwant     %v", &m1, want)
	}
	// The round trip left exactly one conditional menu: the old one was replaced.
	got, err := a.menus.GetMenu(ctx, &messagingv1.GetMenuRequest{AppId: a.appID})
	if err != nil || len(got.GetMenu().GetConditionalMenus()) != 1 {
		t.Errorf("conditional menus after the round trip: %v %v", got, err)
	}
}

func TestMenuLifeCycle(t *testing.T) {
	t.Parallel()
	a := startManage(t)
	ctx := t.Context()
	_, err := a.menus.GetMenu(ctx, &messagingv1.GetMenuRequest{AppId: a.appID})
	wantCode(t, err, connect.CodeNotFound, "")
	if wechatErrcode(err) != 46003 {
		t.Errorf("errcode detail = %d, want 46003", wechatErrcode(err))
	}
	// A conditional menu needs a default menu: refused before addconditional is sent.
	rule := &messagingv1.MenuMatchRule{ClientPlatform: messagingv1.MenuClientPlatform_MENU_CLIENT_PLATFORM_ANDROID}
	_, err = a.menus.AddConditionalMenu(ctx, &messagingv1.AddConditionalMenuRequest{AppId: a.appID, Buttons: []*messagingv1.MenuButton{clickButton("a", "A")}, MatchRule: rule})
	wantCode(t, err, connect.CodeFailedPrecondition, "default menu")
	if n := a.upstreamCalls("/cgi-bin/menu/addconditional"); n != 0 {
		t.Errorf("addconditional sent %d times", n)
	}
	if _, err := a.menus.CreateMenu(ctx, &messagingv1.CreateMenuRequest{AppId: a.appID, Menu: &messagingv1.CustomMenu{Buttons: []*messagingv1.MenuButton{clickButton("默认", "DEFAULT")}}}); err != nil {
		t.Fatal(err)
	}
	add := func(rule *messagingv1.MenuMatchRule, buttons ...*messagingv1.MenuButton) (int64, error) {
		r, err := a.menus.AddConditionalMenu(ctx, &messagingv1.AddConditionalMenuRequest{AppId: a.appID, Buttons: buttons, MatchRule: rule})
		return r.GetMenuId(), err
	}
	android, err := add(rule, clickButton("安卓", "ANDROID"), viewButton("a", "https://a.example/"))
	if err != nil || android == 0 {
		t.Fatalf("add android menu: %d %v", android, err)
	}
	vip, err := a.sb.Sandbox.CreateTag(a.appID, "vip")
	if err != nil {
		t.Fatal(err)
	}
	tagID := int64(vip.ID)
	if _, err := add(&messagingv1.MenuMatchRule{TagId: &tagID}, clickButton("VIP", "VIP"), viewButton("b", "https://b.example/"), viewButton("c", "https://c.example/")); err != nil {
		t.Fatal(err)
	}
	// A fourth domain is refused locally, naming the button.
	calls := a.upstreamCalls("/cgi-bin/menu/addconditional")
	_, err = add(rule, viewButton("d", "https://d.example/x"))
	wantCode(t, err, connect.CodeInvalidArgument, "buttons[0].url")
	if n := a.upstreamCalls("/cgi-bin/menu/addconditional"); n != calls {
		t.Errorf("addconditional sent for a 4th domain")
	}
	// The platform's privacy rule: sex is refused with 65320 (InvalidArgument + detail).
	_, err = add(&messagingv1.MenuMatchRule{Sex: messagingv1.MenuSex_MENU_SEX_MALE}, clickButton("m", "M"))
	wantCode(t, err, connect.CodeInvalidArgument, "")
	if wechatErrcode(err) != 65320 {
		t.Errorf("errcode = %d, want 65320", wechatErrcode(err))
	}

	// TryMatch agrees with the sandbox's users.
	tests := []struct {
		name string
		user sandbox.User
		want string
	}{
		{"android", sandbox.User{ClientPlatformType: 2}, "ANDROID"},
		{"vip on android: the newer menu wins", sandbox.User{ClientPlatformType: 2, TagIDs: []int{vip.ID}}, "VIP"},
		{"ios", sandbox.User{ClientPlatformType: 1}, "DEFAULT"},
	}
	for _, tt := range tests {
		u := a.sb.AddUser(t, a.appID, tt.user)
		got, err := a.menus.TryMatchMenu(ctx, &messagingv1.TryMatchMenuRequest{AppId: a.appID, UserId: u.OpenID})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if k := got.GetButtons()[0].GetKey(); k != tt.want {
			t.Errorf("%s: first key %q, want %q", tt.name, k, tt.want)
		}
	}
	_, err = a.menus.TryMatchMenu(ctx, &messagingv1.TryMatchMenuRequest{AppId: a.appID, UserId: "o-nobody"})
	wantCode(t, err, connect.CodeNotFound, "")

	if _, err := a.menus.DeleteConditionalMenu(ctx, &messagingv1.DeleteConditionalMenuRequest{AppId: a.appID, MenuId: android}); err != nil {
		t.Fatal(err)
	}
	_, err = a.menus.DeleteConditionalMenu(ctx, &messagingv1.DeleteConditionalMenuRequest{AppId: a.appID, MenuId: android})
	wantCode(t, err, connect.CodeNotFound, "")

	// The current view reports what is shown, with is_menu_open.
	cur, err := a.menus.GetMenu(ctx, &messagingv1.GetMenuRequest{AppId: a.appID, Source: messagingv1.MenuSource_MENU_SOURCE_CURRENT})
	if err != nil || !cur.GetMenu().GetIsMenuOpen() || cur.GetMenu().GetButtons()[0].GetKey() != "DEFAULT" {
		t.Errorf("current menu = %v, %v", cur, err)
	}
	if _, err := a.menus.DeleteMenu(ctx, &messagingv1.DeleteMenuRequest{AppId: a.appID}); err != nil {
		t.Fatal(err)
	}
	_, err = a.menus.GetMenu(ctx, &messagingv1.GetMenuRequest{AppId: a.appID})
	wantCode(t, err, connect.CodeNotFound, "")
}

// TestMenuConsoleMenu maps get_current_selfmenu_info's console types.
func TestMenuConsoleMenu(t *testing.T) {
	t.Parallel()
	a := startManage(t)
	a.sb.SetConsoleMenu(t, a.appID, `{"button":[{"name":"button","sub_button":{"list":[{"type":"view","name":"view_url","url":"http://www.qq.com"},{"type":"news","name":"news","news_info":{"list":[{"title":"MULTI_NEWS","author":"JIMZHENG","digest":"text","show_cover":1,"cover_url":"http://c","content_url":"http://u","source_url":""}]}}]}},{"type":"text","name":"text","value":"This is text!"},{"type":"img","name":"photo","value":"ax5Whs5dsoomJLEppAvftBUuH7CgXCZGFbFJifmbUjnQk_ierMHY99Y5d2Cv14RD"}]}`, true)
	got, err := a.menus.GetMenu(t.Context(), &messagingv1.GetMenuRequest{AppId: a.appID, Source: messagingv1.MenuSource_MENU_SOURCE_CURRENT})
	if err != nil {
		t.Fatal(err)
	}
	b := got.GetMenu().GetButtons()
	if len(b) != 3 || b[1].GetType() != messagingv1.MenuButtonType_MENU_BUTTON_TYPE_TEXT || b[1].GetValue() != "This is text!" ||
		b[2].GetType() != messagingv1.MenuButtonType_MENU_BUTTON_TYPE_IMG ||
		b[0].GetSubButtons()[1].GetNews()[0].GetTitle() != "MULTI_NEWS" || !b[0].GetSubButtons()[1].GetNews()[0].GetShowCover() {
		t.Errorf("console menu = %v", got.GetMenu())
	}
	// Console-made types cannot be created: the error names the field.
	_, err = a.menus.CreateMenu(t.Context(), &messagingv1.CreateMenuRequest{AppId: a.appID, Menu: got.GetMenu()})
	wantCode(t, err, connect.CodeInvalidArgument, "menu.buttons[0].sub_buttons[1].type")
}

// TestMenuInvalidRefusedLocally checks that invalid menus never reach WeChat and that the
// error names the field path.
func TestMenuInvalidRefusedLocally(t *testing.T) {
	t.Parallel()
	a := startManage(t)
	bad := fullMenu()
	bad.Buttons[1].SubButtons[3].Url = "https://x.example/"
	_, err := a.menus.CreateMenu(t.Context(), &messagingv1.CreateMenuRequest{AppId: a.appID, Menu: bad})
	wantCode(t, err, connect.CodeInvalidArgument, "menu.buttons[1].sub_buttons[3].url")
	_, err = a.menus.CreateMenu(t.Context(), &messagingv1.CreateMenuRequest{AppId: "wxunknown", Menu: fullMenu()})
	wantCode(t, err, connect.CodeNotFound, "")
	if n := a.upstreamCalls("/cgi-bin/menu/create"); n != 0 {
		t.Errorf("menu/create sent %d times", n)
	}
}

// TestManageOverGRPCAndScopes calls over gRPC (through the same port) and checks that a
// key without messaging.manage is refused.
func TestManageOverGRPCAndScopes(t *testing.T) {
	t.Parallel()
	a := startManage(t)
	conn, err := grpc.NewClient(strings.TrimPrefix(a.url, "http://"), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	client := messagingv1.NewMenuServiceClient(conn)
	ctx := metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+a.key)
	if _, err := client.CreateMenu(ctx, &messagingv1.CreateMenuRequest{AppId: a.appID, Menu: fullMenu()}); err != nil {
		t.Fatalf("gRPC CreateMenu: %v", err)
	}
	_, err = client.TryMatchMenu(ctx, &messagingv1.TryMatchMenuRequest{AppId: a.appID, UserId: "o-nobody"})
	if status.Code(err) != codes.NotFound {
		t.Errorf("gRPC TryMatchMenu unknown user: %v", err)
	}
	readKey := a.readKey
	reader := messagingv1connect.NewMenuServiceClient(http.DefaultClient, a.url, connect.WithInterceptors(manageBearer(readKey)))
	_, err = reader.GetMenu(t.Context(), &messagingv1.GetMenuRequest{AppId: a.appID})
	wantCode(t, err, connect.CodePermissionDenied, "")
	kfReader := messagingv1connect.NewCustomerServiceServiceClient(http.DefaultClient, a.url, connect.WithInterceptors(manageBearer(readKey)))
	_, err = kfReader.ListKfAccounts(t.Context(), &messagingv1.ListKfAccountsRequest{AppId: a.appID})
	wantCode(t, err, connect.CodePermissionDenied, "")
}

// TestMenuEventsReachTheGateway taps the menu as simulated users and reads the typed
// events the callback gateway stored: the sandbox pushes the event of the menu each user
// sees, as TryMatchMenu reports it.
func TestMenuEventsReachTheGateway(t *testing.T) {
	t.Parallel()
	a := startManage(t)
	ctx := t.Context()
	a.sb.SetCallback(t, a.appID, a.url+"/wechat/callback/"+a.appID, manageCallbackToken, "", sandbox.EncryptPlain)
	if _, err := a.menus.CreateMenu(ctx, &messagingv1.CreateMenuRequest{AppId: a.appID, Menu: fullMenu()}); err != nil {
		t.Fatal(err)
	}
	ios := a.sb.AddUser(t, a.appID, sandbox.User{ClientPlatformType: 1})
	android := a.sb.AddUser(t, a.appID, sandbox.User{ClientPlatformType: 2})
	seen, err := a.menus.TryMatchMenu(ctx, &messagingv1.TryMatchMenuRequest{AppId: a.appID, UserId: ios.OpenID})
	if err != nil || seen.GetButtons()[0].GetKey() != "IOS_ONLY" {
		t.Fatalf("TryMatchMenu(ios) = %v, %v", seen, err)
	}
	for _, r := range []sandbox.PushResult{
		a.sb.ClickMenu(t, a.appID, ios.OpenID, "IOS_ONLY"),
		a.sb.ClickMenu(t, a.appID, android.OpenID, "V1001_TODAY_MUSIC"),
		a.sb.ViewMenu(t, a.appID, android.OpenID, "http://www.soso.com/?q=a&b=<c>"),
	} {
		if !r.Delivered {
			t.Fatalf("push not delivered: %s", r.InvalidReason)
		}
	}
	if _, err := a.sb.Sandbox.ClickMenu(ctx, a.appID, ios.OpenID, "V1001_TODAY_MUSIC", ""); err == nil {
		t.Error("an iOS user tapped a key of the default menu they do not see")
	}
	events := messagingv1connect.NewEventServiceClient(http.DefaultClient, a.url, connect.WithInterceptors(manageBearer(a.readKey)))
	list, err := events.ListEvents(ctx, &messagingv1.ListEventsRequest{AppId: a.appID})
	if err != nil {
		t.Fatal(err)
	}
	evs := list.GetEvents()
	if len(evs) != 3 {
		t.Fatalf("%d events stored, want 3", len(evs))
	}
	if evs[0].GetClick().GetEventKey() != "IOS_ONLY" || evs[0].GetFromUserName() != ios.OpenID {
		t.Errorf("first event = %v", evs[0])
	}
	if evs[1].GetClick().GetEventKey() != "V1001_TODAY_MUSIC" {
		t.Errorf("second event = %v", evs[1])
	}
	if v := evs[2].GetView(); v.GetEventKey() != "http://www.soso.com/?q=a&b=<c>" || v.GetMenuId() == "" {
		t.Errorf("third event = %v", evs[2])
	}
}
