package audience_test

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image/jpeg"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	audiencev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/audience/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/audience/v1/audiencev1connect"
	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1/messagingv1connect"
	"github.com/wxsuite/wxsuite/internal/platform"
	"github.com/wxsuite/wxsuite/internal/platform/auth/authtest"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
	"github.com/wxsuite/wxsuite/services/audience"
	"github.com/wxsuite/wxsuite/services/messaging"
	"github.com/wxsuite/wxsuite/services/token"
)

// env is a sandbox and one wxsuite process (token, audience and messaging services)
// pointed at it, with Connect and gRPC clients.
type env struct {
	sb       *sandboxtest.Env
	appID    string
	cbToken  string
	url      string
	users    audiencev1connect.UserServiceClient
	tags     audiencev1connect.TagServiceClient
	black    audiencev1connect.BlacklistServiceClient
	qr       audiencev1connect.QRCodeServiceClient
	keys     audiencev1connect.ShortKeyServiceClient
	events   messagingv1connect.EventServiceClient
	grpcConn *grpc.ClientConn
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvAuth(t, "auth: {disabled: true}")
}

// newEnvAuth is newEnv with the given auth section.
func newEnvAuth(t *testing.T, authYAML string) *env {
	t.Helper()
	e := &env{appID: "wxa" + randomHex(6), cbToken: "cb" + randomHex(6)}
	secret := "secret" + randomHex(6)
	e.sb = sandboxtest.Start(t, sandbox.Account{AppID: e.appID, AppSecret: secret})
	file, err := config.FromYAML(fmt.Appendf(nil, `
server: {addr: "127.0.0.1:0", shutdown_grace: 1s}
log: {level: error}
wechat: {base_url: %q, timeout: 5s}
token: {check_interval: 3600s, warmup: false, key_prefix: %q}
messaging: {key_prefix: %q}
%s
audience: {qrcode_image_url: %q}
accounts:
  - {app_id: %q, app_secret: %q, callback_token: %q}
`, e.sb.URL, "wxat"+e.appID, "wxam"+e.appID, authYAML, e.sb.URL+"/cgi-bin/showqrcode", e.appID, secret, e.cbToken), nil)
	if err != nil {
		t.Fatal(err)
	}
	var srv *rpcserver.Server
	app := fxtest.New(t, fx.Supply(file), platform.Module, token.Module, audience.Module, messaging.Module,
		fx.NopLogger, platform.WithRedis(redistest.New(t)), fx.Supply(token.Clock(e.sb.Sandbox.Now)),
		fx.Supply(audience.Clock(e.sb.Sandbox.Now)), fx.Populate(&srv))
	app.RequireStart()
	t.Cleanup(app.RequireStop)
	e.url = srv.URL()
	hc := http.DefaultClient
	e.users = audiencev1connect.NewUserServiceClient(hc, e.url)
	e.tags = audiencev1connect.NewTagServiceClient(hc, e.url)
	e.black = audiencev1connect.NewBlacklistServiceClient(hc, e.url)
	e.qr = audiencev1connect.NewQRCodeServiceClient(hc, e.url)
	e.keys = audiencev1connect.NewShortKeyServiceClient(hc, e.url)
	e.events = messagingv1connect.NewEventServiceClient(hc, e.url)
	e.grpcConn, err = grpc.NewClient(strings.TrimPrefix(e.url, "http://"), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.grpcConn.Close() })
	return e
}

// calls counts the sandbox's calls of path for the env's account.
func (e *env) calls(path string) int {
	return len(e.sb.Sandbox.Calls(sandbox.CallFilter{Path: path, AppID: e.appID}))
}

// wantWeChatCode fails unless err has code and a WECHAT_ERRCODE detail with errcode.
func wantWeChatCode(t *testing.T, err error, code connect.Code, errcode int) {
	t.Helper()
	if connect.CodeOf(err) != code {
		t.Fatalf("error %v, want code %v", err, code)
	}
	info, ok := wechat.ErrorInfoFrom(err)
	if !ok || info.GetReason() != wechat.ErrorInfoReason || info.GetMetadata()["errcode"] != fmt.Sprint(errcode) {
		t.Fatalf("error %v: WECHAT_ERRCODE detail %v, want errcode %d", err, info, errcode)
	}
}

func TestUsers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	tag := e.sb.CreateTag(t, e.appID, "vip")
	alice := e.sb.AddUser(t, e.appID, sandbox.User{OpenID: "o-alice", UnionID: "u-alice", SubscribeTime: 1382694957,
		SubscribeScene: "ADD_SCENE_QR_CODE", QRScene: 98765, TagIDs: []int{tag.ID}, Language: "zh_CN"})
	gone := e.sb.AddUser(t, e.appID, sandbox.User{OpenID: "o-gone", UnionID: "u-gone", Unsubscribed: true})

	got, err := e.users.GetUser(ctx, &audiencev1.GetUserRequest{AppId: e.appID, Openid: alice.OpenID, Lang: audiencev1.Language_LANGUAGE_EN})
	if err != nil {
		t.Fatal(err)
	}
	u := got.GetUser()
	if !u.GetSubscribed() || u.GetUnionid() != "u-alice" || u.GetSubscribeTime().GetSeconds() != 1382694957 ||
		u.GetSubscribeScene() != audiencev1.SubscribeScene_SUBSCRIBE_SCENE_QR_CODE || u.GetSubscribeSceneName() != "ADD_SCENE_QR_CODE" ||
		u.GetQrScene() != 98765 || !slices.Equal(u.GetTagIds(), []int32{int32(tag.ID)}) || u.GetLanguage() != "zh_CN" {
		t.Errorf("GetUser = %v", u)
	}
	// Over gRPC too; a non-follower has only openid and unionid.
	g := audiencev1.NewUserServiceClient(e.grpcConn)
	gg, err := g.GetUser(ctx, &audiencev1.GetUserRequest{AppId: e.appID, Openid: gone.OpenID})
	if err != nil || gg.GetUser().GetSubscribed() || gg.GetUser().GetUnionid() != "u-gone" || gg.GetUser().GetSubscribeTime() != nil {
		t.Errorf("GetUser of a non-follower over gRPC = %v, %v", gg, err)
	}
	_, err = g.GetUser(ctx, &audiencev1.GetUserRequest{AppId: e.appID, Openid: "o-nobody"})
	if status.Code(err) != codes.NotFound {
		t.Errorf("unknown user over gRPC: %v", err)
	}
	_, err = e.users.GetUser(ctx, &audiencev1.GetUserRequest{AppId: e.appID, Openid: "o-nobody"})
	wantWeChatCode(t, err, connect.CodeNotFound, 40003)

	// BatchGetUsers: 250 users in calls of 100, in request order.
	var ids []string
	for i := range 248 {
		ids = append(ids, e.sb.AddUser(t, e.appID, sandbox.User{OpenID: fmt.Sprintf("o-batch-%03d", i)}).OpenID)
	}
	ids = append(ids, gone.OpenID, alice.OpenID)
	before := e.calls("/cgi-bin/user/info/batchget")
	batch, err := e.users.BatchGetUsers(ctx, &audiencev1.BatchGetUsersRequest{AppId: e.appID, Openids: ids})
	if err != nil {
		t.Fatal(err)
	}
	if batch.GetCalls() != 3 || e.calls("/cgi-bin/user/info/batchget")-before != 3 || len(batch.GetUsers()) != 250 {
		t.Fatalf("BatchGetUsers: %d calls (sandbox saw %d), %d users", batch.GetCalls(), e.calls("/cgi-bin/user/info/batchget")-before, len(batch.GetUsers()))
	}
	for i, u := range batch.GetUsers() {
		if u.GetOpenid() != ids[i] {
			t.Fatalf("users[%d] = %s, want %s", i, u.GetOpenid(), ids[i])
		}
	}
	if batch.GetUsers()[248].GetSubscribed() || !batch.GetUsers()[249].GetSubscribed() {
		t.Errorf("subscribed flags wrong")
	}
	// Exactly 100: one call.
	before = e.calls("/cgi-bin/user/info/batchget")
	if b, err := e.users.BatchGetUsers(ctx, &audiencev1.BatchGetUsersRequest{AppId: e.appID, Openids: ids[:100]}); err != nil || b.GetCalls() != 1 || e.calls("/cgi-bin/user/info/batchget")-before != 1 {
		t.Errorf("100 users: %v, %v", b.GetCalls(), err)
	}
	// A bad openid in the second call: the error says how far it got and keeps the errcode.
	bad := slices.Clone(ids[:150])
	bad[120] = "o-nobody"
	_, err = e.users.BatchGetUsers(ctx, &audiencev1.BatchGetUsersRequest{AppId: e.appID, Openids: bad})
	wantWeChatCode(t, err, connect.CodeNotFound, 40003)
	if !strings.Contains(err.Error(), "call 2 of 2 failed after 100 of 150") {
		t.Errorf("batch error message: %v", err)
	}

	// UpdateRemark.
	if _, err := e.users.UpdateRemark(ctx, &audiencev1.UpdateRemarkRequest{AppId: e.appID, Openid: alice.OpenID, Remark: "老客户"}); err != nil {
		t.Fatal(err)
	}
	if su, _ := e.sb.Sandbox.User(e.appID, alice.OpenID); su.Remark != "老客户" {
		t.Errorf("remark in the sandbox = %q", su.Remark)
	}
}

// TestBadInput checks that bad requests are refused with InvalidArgument naming the
// field, before anything is sent to WeChat.
func TestBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	long := strings.Repeat("o", 65)
	many := make([]string, 60)
	for i := range many {
		many[i] = fmt.Sprintf("o-%d", i)
	}
	many[57] = "o bad"
	tests := []struct {
		name  string
		call  func() error
		field string
	}{
		{"GetUser without openid", func() error {
			_, err := e.users.GetUser(ctx, &audiencev1.GetUserRequest{AppId: e.appID})
			return err
		}, "openid"},
		{"GetUser malformed openid", func() error {
			_, err := e.users.GetUser(ctx, &audiencev1.GetUserRequest{AppId: e.appID, Openid: "o/../x"})
			return err
		}, "openid"},
		{"GetUser unknown lang", func() error {
			_, err := e.users.GetUser(ctx, &audiencev1.GetUserRequest{AppId: e.appID, Openid: "o-x", Lang: 9})
			return err
		}, "lang"},
		{"BatchGetUsers empty", func() error {
			_, err := e.users.BatchGetUsers(ctx, &audiencev1.BatchGetUsersRequest{AppId: e.appID})
			return err
		}, "openids"},
		{"BatchGetUsers long openid", func() error {
			_, err := e.users.BatchGetUsers(ctx, &audiencev1.BatchGetUsersRequest{AppId: e.appID, Openids: []string{"o-1", long}})
			return err
		}, "openids[1]"},
		{"ListFollowers bad cursor", func() error {
			_, err := e.users.ListFollowers(ctx, &audiencev1.ListFollowersRequest{AppId: e.appID, NextOpenid: "a b"})
			return err
		}, "next_openid"},
		{"UpdateRemark 30 characters", func() error {
			_, err := e.users.UpdateRemark(ctx, &audiencev1.UpdateRemarkRequest{AppId: e.appID, Openid: "o-1", Remark: strings.Repeat("备", 30)})
			return err
		}, "remark"},
		{"CreateTag empty name", func() error {
			_, err := e.tags.CreateTag(ctx, &audiencev1.CreateTagRequest{AppId: e.appID, Name: "  "})
			return err
		}, "name"},
		{"CreateTag 31 characters", func() error {
			_, err := e.tags.CreateTag(ctx, &audiencev1.CreateTagRequest{AppId: e.appID, Name: strings.Repeat("标", 31)})
			return err
		}, "name"},
		{"UpdateTag system tag", func() error {
			_, err := e.tags.UpdateTag(ctx, &audiencev1.UpdateTagRequest{AppId: e.appID, TagId: 2, Name: "x"})
			return err
		}, "tag_id"},
		{"DeleteTag system tag", func() error {
			_, err := e.tags.DeleteTag(ctx, &audiencev1.DeleteTagRequest{AppId: e.appID, TagId: 1})
			return err
		}, "tag_id"},
		{"TagUsers empty", func() error {
			_, err := e.tags.TagUsers(ctx, &audiencev1.TagUsersRequest{AppId: e.appID, TagId: 100})
			return err
		}, "openids"},
		{"TagUsers bad openid in the second batch", func() error {
			_, err := e.tags.TagUsers(ctx, &audiencev1.TagUsersRequest{AppId: e.appID, TagId: 100, Openids: many})
			return err
		}, "openids[57]"},
		{"TagUsers negative tag", func() error {
			_, err := e.tags.TagUsers(ctx, &audiencev1.TagUsersRequest{AppId: e.appID, TagId: -1, Openids: []string{"o-1"}})
			return err
		}, "tag_id"},
		{"BlockUsers empty", func() error {
			_, err := e.black.BlockUsers(ctx, &audiencev1.BlockUsersRequest{AppId: e.appID})
			return err
		}, "openids"},
		{"UnblockUsers bad openid", func() error {
			_, err := e.black.UnblockUsers(ctx, &audiencev1.UnblockUsersRequest{AppId: e.appID, Openids: []string{""}})
			return err
		}, "openids[0]"},
		{"CreateQRCode no scene", func() error {
			_, err := e.qr.CreateQRCode(ctx, &audiencev1.CreateQRCodeRequest{AppId: e.appID})
			return err
		}, "scene_id"},
		{"CreateQRCode both scenes", func() error {
			_, err := e.qr.CreateQRCode(ctx, &audiencev1.CreateQRCodeRequest{AppId: e.appID, SceneId: 1, SceneStr: "x"})
			return err
		}, "scene_id"},
		{"CreateQRCode permanent scene 100001", func() error {
			_, err := e.qr.CreateQRCode(ctx, &audiencev1.CreateQRCodeRequest{AppId: e.appID, Permanent: true, SceneId: 100001})
			return err
		}, "scene_id"},
		{"CreateQRCode scene_str of 65", func() error {
			_, err := e.qr.CreateQRCode(ctx, &audiencev1.CreateQRCodeRequest{AppId: e.appID, SceneStr: strings.Repeat("s", 65)})
			return err
		}, "scene_str"},
		{"CreateQRCode expiry beyond 30 days", func() error {
			_, err := e.qr.CreateQRCode(ctx, &audiencev1.CreateQRCodeRequest{AppId: e.appID, SceneId: 1, ExpireSeconds: 2592001})
			return err
		}, "expire_seconds"},
		{"CreateQRCode negative expiry", func() error {
			_, err := e.qr.CreateQRCode(ctx, &audiencev1.CreateQRCodeRequest{AppId: e.appID, SceneId: 1, ExpireSeconds: -5})
			return err
		}, "expire_seconds"},
		{"CreateQRCode permanent with expiry", func() error {
			_, err := e.qr.CreateQRCode(ctx, &audiencev1.CreateQRCodeRequest{AppId: e.appID, Permanent: true, SceneId: 1, ExpireSeconds: 60})
			return err
		}, "expire_seconds"},
		{"GetQRCodeImage without ticket", func() error {
			_, err := e.qr.GetQRCodeImage(ctx, &audiencev1.GetQRCodeImageRequest{AppId: e.appID})
			return err
		}, "ticket"},
		{"GenerateShortKey empty", func() error {
			_, err := e.keys.GenerateShortKey(ctx, &audiencev1.GenerateShortKeyRequest{AppId: e.appID})
			return err
		}, "long_data"},
		{"GenerateShortKey 4097 bytes", func() error {
			_, err := e.keys.GenerateShortKey(ctx, &audiencev1.GenerateShortKeyRequest{AppId: e.appID, LongData: strings.Repeat("d", 4097)})
			return err
		}, "long_data"},
		{"GenerateShortKey expiry beyond 30 days", func() error {
			_, err := e.keys.GenerateShortKey(ctx, &audiencev1.GenerateShortKeyRequest{AppId: e.appID, LongData: "x", ExpireSeconds: 2592001})
			return err
		}, "expire_seconds"},
		{"FetchShortKey malformed", func() error {
			_, err := e.keys.FetchShortKey(ctx, &audiencev1.FetchShortKeyRequest{AppId: e.appID, ShortKey: "a/b"})
			return err
		}, "short_key"},
		{"no app_id", func() error {
			_, err := e.tags.ListTags(ctx, &audiencev1.ListTagsRequest{})
			return err
		}, "app_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(e.sb.Sandbox.Calls(sandbox.CallFilter{AppID: e.appID}))
			err := tt.call()
			if connect.CodeOf(err) != connect.CodeInvalidArgument {
				t.Fatalf("error %v, want InvalidArgument", err)
			}
			var ce *connect.Error
			if !errors.As(err, &ce) || !strings.HasPrefix(ce.Message(), tt.field+": ") {
				t.Errorf("message %q does not start with %q", ce.Message(), tt.field+": ")
			}
			if after := len(e.sb.Sandbox.Calls(sandbox.CallFilter{AppID: e.appID})); after != before {
				t.Errorf("%d calls reached the sandbox", after-before)
			}
		})
	}
	_, err := e.tags.ListTags(ctx, &audiencev1.ListTagsRequest{AppId: "wx0000000000000000"})
	if connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("unknown account: %v", err)
	}
}

func TestFollowers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	const n = 250000
	e.sb.GenerateFollowers(t, e.appID, n)

	// The stream delivers every follower once, in order, with progress.
	stream, err := e.users.StreamFollowers(ctx, &audiencev1.StreamFollowersRequest{AppId: e.appID})
	if err != nil {
		t.Fatal(err)
	}
	seen := make(map[string]bool, n)
	var order []string
	var msgs int32
	var last *audiencev1.StreamFollowersResponse
	for stream.Receive() {
		m := stream.Msg()
		msgs++
		for _, id := range m.GetOpenids() {
			if seen[id] {
				t.Fatalf("openid %s delivered twice", id)
			}
			seen[id] = true
		}
		order = append(order, m.GetOpenids()[0])
		if m.GetTotal() != n || m.GetDelivered() != int64(len(seen)) || m.GetPage() != msgs || m.GetNextOpenid() != m.GetOpenids()[len(m.GetOpenids())-1] {
			t.Fatalf("message %d: total %d delivered %d (seen %d) page %d", msgs, m.GetTotal(), m.GetDelivered(), len(seen), m.GetPage())
		}
		last = m
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	if len(seen) != n || msgs != 25 || last.GetDelivered() != n {
		t.Fatalf("streamed %d openids in %d messages", len(seen), msgs)
	}
	// 250,000 is a multiple of 10,000: the platform needs a 26th call to show the end.
	if got := e.calls("/cgi-bin/user/get"); got != 26 {
		t.Errorf("user/get calls = %d, want 26", got)
	}

	// ListFollowers pages the same order; resuming a stream continues after a cursor.
	page, err := e.users.ListFollowers(ctx, &audiencev1.ListFollowersRequest{AppId: e.appID})
	if err != nil || len(page.GetOpenids()) != 10000 || page.GetTotal() != n || page.GetOpenids()[0] != order[0] {
		t.Fatalf("ListFollowers = %d openids, total %d, %v", len(page.GetOpenids()), page.GetTotal(), err)
	}
	resumed, err := e.users.StreamFollowers(ctx, &audiencev1.StreamFollowersRequest{AppId: e.appID, StartOpenid: page.GetNextOpenid()})
	if err != nil {
		t.Fatal(err)
	}
	var rest int
	for resumed.Receive() {
		if rest == 0 && resumed.Msg().GetOpenids()[0] != order[1] {
			t.Errorf("resumed stream starts at %s, want %s", resumed.Msg().GetOpenids()[0], order[1])
		}
		rest += len(resumed.Msg().GetOpenids())
	}
	if resumed.Err() != nil || rest != n-10000 {
		t.Fatalf("resumed stream: %d openids, %v", rest, resumed.Err())
	}
	// An unknown cursor is the platform's 40003.
	bad, err := e.users.StreamFollowers(ctx, &audiencev1.StreamFollowersRequest{AppId: e.appID, StartOpenid: "o-nobody"})
	if err == nil {
		for bad.Receive() {
			t.Fatal("messages for an unknown cursor")
		}
		err = bad.Err()
	}
	wantWeChatCode(t, err, connect.CodeNotFound, 40003)
}

func TestFollowersShortAndRest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	e.sb.GenerateFollowers(t, e.appID, 12345)

	// As on the platform, the last page carries a cursor and the call after it ends the list.
	p1, err := e.users.ListFollowers(ctx, &audiencev1.ListFollowersRequest{AppId: e.appID})
	if err != nil || p1.GetNextOpenid() == "" {
		t.Fatalf("page 1: %v", err)
	}
	p2, err := e.users.ListFollowers(ctx, &audiencev1.ListFollowersRequest{AppId: e.appID, NextOpenid: p1.GetNextOpenid()})
	if err != nil || len(p2.GetOpenids()) != 2345 || p2.GetNextOpenid() != p2.GetOpenids()[2344] {
		t.Fatalf("page 2: %d openids, next %q, %v", len(p2.GetOpenids()), p2.GetNextOpenid(), err)
	}
	p3, err := e.users.ListFollowers(ctx, &audiencev1.ListFollowersRequest{AppId: e.appID, NextOpenid: p2.GetNextOpenid()})
	if err != nil || len(p3.GetOpenids()) != 0 || p3.GetNextOpenid() != "" || p3.GetTotal() != 12345 {
		t.Fatalf("page 3: %v, %v", p3, err)
	}

	// Over gRPC.
	gs, err := audiencev1.NewUserServiceClient(e.grpcConn).StreamFollowers(ctx, &audiencev1.StreamFollowersRequest{AppId: e.appID})
	if err != nil {
		t.Fatal(err)
	}
	var grpcTotal int
	for {
		m, err := gs.Recv()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			break
		}
		grpcTotal += len(m.GetOpenids())
	}
	if grpcTotal != 12345 {
		t.Errorf("gRPC stream delivered %d", grpcTotal)
	}

	// Over REST the stream is newline-delimited JSON with the same progress.
	resp, err := http.Get(e.url + "/v1/apps/" + e.appID + "/followers:stream")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 4<<20)
	var delivered []string
	for sc.Scan() {
		var line struct {
			Result struct {
				Openids   []string `json:"openids"`
				Delivered string   `json:"delivered"`
			} `json:"result"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("REST stream line: %v", err)
		}
		delivered = append(delivered, line.Result.Delivered)
	}
	if !slices.Equal(delivered, []string{"10000", "12345"}) {
		t.Errorf("REST stream progress = %v", delivered)
	}
}

func TestTagsAndBlacklist(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	var ids []string
	for i := range 120 {
		ids = append(ids, e.sb.AddUser(t, e.appID, sandbox.User{OpenID: fmt.Sprintf("o-t%03d", i)}).OpenID)
	}
	created, err := e.tags.CreateTag(ctx, &audiencev1.CreateTagRequest{AppId: e.appID, Name: "广东"})
	if err != nil {
		t.Fatal(err)
	}
	id := created.GetTag().GetId()
	_, err = e.tags.CreateTag(ctx, &audiencev1.CreateTagRequest{AppId: e.appID, Name: "广东"})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 45157)

	// 120 openids: calls of 50, 50 and 20.
	before := e.calls("/cgi-bin/tags/members/batchtagging")
	res, err := e.tags.TagUsers(ctx, &audiencev1.TagUsersRequest{AppId: e.appID, TagId: id, Openids: ids})
	if err != nil || res.GetCalls() != 3 || e.calls("/cgi-bin/tags/members/batchtagging")-before != 3 {
		t.Fatalf("TagUsers = %v, %v", res, err)
	}
	list, err := e.tags.ListTags(ctx, &audiencev1.ListTagsRequest{AppId: e.appID})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[int32]int64{}
	for _, tg := range list.GetTags() {
		counts[tg.GetId()] = tg.GetCount()
	}
	if counts[id] != 120 || len(counts) != 2 {
		t.Errorf("ListTags counts = %v", counts)
	}
	members, err := e.tags.ListTagMembers(ctx, &audiencev1.ListTagMembersRequest{AppId: e.appID, TagId: id})
	if err != nil || !slices.Equal(members.GetOpenids(), ids) || members.GetNextOpenid() != ids[119] {
		t.Errorf("ListTagMembers = %d, %q, %v", len(members.GetOpenids()), members.GetNextOpenid(), err)
	}
	end, err := e.tags.ListTagMembers(ctx, &audiencev1.ListTagMembersRequest{AppId: e.appID, TagId: id, NextOpenid: members.GetNextOpenid()})
	if err != nil || len(end.GetOpenids()) != 0 || end.GetNextOpenid() != "" {
		t.Errorf("ListTagMembers after the last page = %v, %v", end, err)
	}
	ut, err := e.tags.GetUserTags(ctx, &audiencev1.GetUserTagsRequest{AppId: e.appID, Openid: ids[7]})
	if err != nil || !slices.Equal(ut.GetTagIds(), []int32{id}) {
		t.Errorf("GetUserTags = %v, %v", ut, err)
	}
	un, err := e.tags.UntagUsers(ctx, &audiencev1.UntagUsersRequest{AppId: e.appID, TagId: id, Openids: ids[:50]})
	if err != nil || un.GetCalls() != 1 {
		t.Fatalf("UntagUsers = %v, %v", un, err)
	}
	if u, _ := e.sb.Sandbox.User(e.appID, ids[0]); len(u.TagIDs) != 0 {
		t.Errorf("untagged user carries %v", u.TagIDs)
	}
	// A failing second call: the first stays done and the error says so.
	bad := slices.Clone(ids[:60])
	bad[55] = "o-nobody"
	_, err = e.tags.TagUsers(ctx, &audiencev1.TagUsersRequest{AppId: e.appID, TagId: id, Openids: bad})
	wantWeChatCode(t, err, connect.CodeNotFound, 40003)
	if !strings.Contains(err.Error(), "tag users: call 2 of 2 failed after 50 of 60") {
		t.Errorf("error = %v", err)
	}
	_, err = e.tags.TagUsers(ctx, &audiencev1.TagUsersRequest{AppId: e.appID, TagId: 999, Openids: ids[:1]})
	wantWeChatCode(t, err, connect.CodeNotFound, 45159)

	if _, err := e.tags.UpdateTag(ctx, &audiencev1.UpdateTagRequest{AppId: e.appID, TagId: id, Name: "广东人"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.tags.DeleteTag(ctx, &audiencev1.DeleteTagRequest{AppId: e.appID, TagId: id}); err != nil {
		t.Fatal(err)
	}
	_, err = e.tags.DeleteTag(ctx, &audiencev1.DeleteTagRequest{AppId: e.appID, TagId: id})
	wantWeChatCode(t, err, connect.CodeNotFound, 45159)

	// Blacklist: 45 openids in calls of 20, 20 and 5.
	before = e.calls("/cgi-bin/tags/members/batchblacklist")
	blk, err := e.black.BlockUsers(ctx, &audiencev1.BlockUsersRequest{AppId: e.appID, Openids: ids[:45]})
	if err != nil || blk.GetCalls() != 3 || e.calls("/cgi-bin/tags/members/batchblacklist")-before != 3 {
		t.Fatalf("BlockUsers = %v, %v", blk, err)
	}
	bl, err := e.black.ListBlacklist(ctx, &audiencev1.ListBlacklistRequest{AppId: e.appID})
	if err != nil || bl.GetTotal() != 45 || !slices.Equal(bl.GetOpenids(), ids[:45]) || bl.GetNextOpenid() != ids[44] {
		t.Fatalf("ListBlacklist = %v, %v", bl, err)
	}
	if end, err := e.black.ListBlacklist(ctx, &audiencev1.ListBlacklistRequest{AppId: e.appID, BeginOpenid: bl.GetNextOpenid()}); err != nil || len(end.GetOpenids()) != 0 || end.GetNextOpenid() != "" {
		t.Fatalf("ListBlacklist after the last page = %v, %v", end, err)
	}
	if _, err := e.black.UnblockUsers(ctx, &audiencev1.UnblockUsersRequest{AppId: e.appID, Openids: ids[:21]}); err != nil {
		t.Fatal(err)
	}
	if bl, _ := e.black.ListBlacklist(ctx, &audiencev1.ListBlacklistRequest{AppId: e.appID}); bl.GetTotal() != 24 {
		t.Errorf("after unblocking 21: total %d", bl.GetTotal())
	}
}

func TestQRCodesAndShortKeys(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	e.sb.SetCallback(t, e.appID, e.url+"/wechat/callback/"+e.appID, e.cbToken, "", sandbox.EncryptPlain)

	tmp, err := e.qr.CreateQRCode(ctx, &audiencev1.CreateQRCodeRequest{AppId: e.appID, SceneStr: "campaign-7", ExpireSeconds: 600})
	if err != nil {
		t.Fatal(err)
	}
	now := e.sb.Sandbox.Now()
	if d := tmp.GetExpireTime().AsTime().Sub(now.Add(600 * time.Second)); tmp.GetExpireSeconds() != 600 || d > 0 || d < -2*time.Second {
		t.Errorf("expiry: %d s, %v (now %v)", tmp.GetExpireSeconds(), tmp.GetExpireTime().AsTime(), now)
	}
	if want := e.sb.URL + "/cgi-bin/showqrcode?ticket=" + url.QueryEscape(tmp.GetTicket()); tmp.GetImageUrl() != want {
		t.Errorf("image_url = %s, want %s", tmp.GetImageUrl(), want)
	}
	perm, err := e.qr.CreateQRCode(ctx, &audiencev1.CreateQRCodeRequest{AppId: e.appID, Permanent: true, SceneId: 100000})
	if err != nil || perm.GetExpireSeconds() != 0 || perm.GetExpireTime() != nil {
		t.Fatalf("permanent = %v, %v", perm, err)
	}
	if _, err := e.qr.CreateQRCode(ctx, &audiencev1.CreateQRCodeRequest{AppId: e.appID, SceneId: 4294967295}); err != nil {
		t.Errorf("largest temporary scene_id: %v", err)
	}

	// The image over Connect (HttpBody) and over REST (image/jpeg).
	img, err := e.qr.GetQRCodeImage(ctx, &audiencev1.GetQRCodeImageRequest{AppId: e.appID, Ticket: tmp.GetTicket()})
	if err != nil || img.GetContentType() != "image/jpeg" {
		t.Fatalf("GetQRCodeImage = %v, %v", img.GetContentType(), err)
	}
	if _, err := jpeg.Decode(bytes.NewReader(img.GetData())); err != nil {
		t.Errorf("image does not decode: %v", err)
	}
	resp, err := http.Get(e.url + "/v1/apps/" + e.appID + "/qrcodes:image?ticket=" + url.QueryEscape(perm.GetTicket()))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("REST image: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if _, err := jpeg.Decode(bytes.NewReader(body)); err != nil {
		t.Errorf("REST image does not decode: %v", err)
	}
	_, err = e.qr.GetQRCodeImage(ctx, &audiencev1.GetQRCodeImageRequest{AppId: e.appID, Ticket: "no-such-ticket"})
	if connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("unknown ticket: %v", err)
	}

	// No followers yet: the stream ends without a message.
	empty, err := e.users.StreamFollowers(ctx, &audiencev1.StreamFollowersRequest{AppId: e.appID})
	if err != nil {
		t.Fatal(err)
	}
	for empty.Receive() {
		t.Errorf("message from an empty account: %v", empty.Msg())
	}
	if empty.Err() != nil {
		t.Fatal(empty.Err())
	}

	// A scan: the sandbox pushes subscribe to wxsuite's callback; the event with its
	// scene is in the event stream and the new follower in StreamFollowers.
	scan := e.sb.ScanQRCode(t, e.appID, tmp.GetTicket(), "")
	if !scan.Pushed || !scan.Push.Delivered {
		t.Fatalf("scan push: %+v", scan)
	}
	evs, err := e.events.ListEvents(ctx, &messagingv1.ListEventsRequest{AppId: e.appID})
	if err != nil || len(evs.GetEvents()) != 1 {
		t.Fatalf("ListEvents = %v, %v", evs, err)
	}
	sub := evs.GetEvents()[0].GetSubscribe()
	if sub.GetScene() != "campaign-7" || sub.GetTicket() != tmp.GetTicket() {
		t.Errorf("subscribe event = %v", sub)
	}
	stream, err := e.users.StreamFollowers(ctx, &audiencev1.StreamFollowersRequest{AppId: e.appID})
	if err != nil {
		t.Fatal(err)
	}
	var streamed []string
	for stream.Receive() {
		streamed = append(streamed, stream.Msg().GetOpenids()...)
	}
	if stream.Err() != nil || !slices.Equal(streamed, []string{scan.OpenID}) {
		t.Errorf("stream after the scan = %v, %v", streamed, stream.Err())
	}
	u, err := e.users.GetUser(ctx, &audiencev1.GetUserRequest{AppId: e.appID, Openid: scan.OpenID})
	if err != nil || u.GetUser().GetQrSceneStr() != "campaign-7" || u.GetUser().GetSubscribeScene() != audiencev1.SubscribeScene_SUBSCRIBE_SCENE_QR_CODE {
		t.Errorf("scanner's profile = %v, %v", u, err)
	}

	// Short keys.
	gen, err := e.keys.GenerateShortKey(ctx, &audiencev1.GenerateShortKeyRequest{AppId: e.appID, LongData: "scene=long&data", ExpireSeconds: 3600})
	if err != nil {
		t.Fatal(err)
	}
	e.sb.Sandbox.Advance(10 * time.Minute)
	got, err := e.keys.FetchShortKey(ctx, &audiencev1.FetchShortKeyRequest{AppId: e.appID, ShortKey: gen.GetShortKey()})
	if err != nil || got.GetLongData() != "scene=long&data" || got.GetExpireSeconds() > 3000 || got.GetExpireSeconds() < 2990 {
		t.Fatalf("FetchShortKey = %v, %v", got, err)
	}
	_, err = e.keys.FetchShortKey(ctx, &audiencev1.FetchShortKeyRequest{AppId: e.appID, ShortKey: "nosuchkey"})
	wantWeChatCode(t, err, connect.CodeNotFound, 40097)
	// The temporary code expired meanwhile: its image is gone.
	_, err = e.qr.GetQRCodeImage(ctx, &audiencev1.GetQRCodeImageRequest{AppId: e.appID, Ticket: tmp.GetTicket()})
	if connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("expired ticket: %v", err)
	}
}

const (
	readerKey = "wxsk_test_audience_reader_0123456789abcdef"
	writerKey = "wxsk_test_audience_writer_0123456789abcdef"
)

// TestScopes checks the policies through the real auth layer: audience.read reads,
// audience.write changes, nothing without a key.
func TestScopes(t *testing.T) {
	t.Parallel()
	e := newEnvAuth(t, fmt.Sprintf(`auth:
  keys:
    - {id: reader, key: %q, app_ids: ["*"], scopes: [audience.read]}
    - {id: writer, key: %q, app_ids: ["*"], scopes: [audience.write]}`, readerKey, writerKey))
	ctx := t.Context()
	reader := audiencev1connect.NewTagServiceClient(http.DefaultClient, e.url, authtest.Bearer(readerKey))
	writer := audiencev1connect.NewTagServiceClient(http.DefaultClient, e.url, authtest.Bearer(writerKey))
	if _, err := reader.ListTags(ctx, &audiencev1.ListTagsRequest{AppId: e.appID}); err != nil {
		t.Errorf("reader ListTags: %v", err)
	}
	if _, err := reader.CreateTag(ctx, &audiencev1.CreateTagRequest{AppId: e.appID, Name: "x"}); connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Errorf("reader CreateTag: %v", err)
	}
	if _, err := writer.CreateTag(ctx, &audiencev1.CreateTagRequest{AppId: e.appID, Name: "x"}); err != nil {
		t.Errorf("writer CreateTag: %v", err)
	}
	if _, err := writer.ListTags(ctx, &audiencev1.ListTagsRequest{AppId: e.appID}); connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Errorf("writer ListTags: %v", err)
	}
	if _, err := e.tags.ListTags(ctx, &audiencev1.ListTagsRequest{AppId: e.appID}); connect.CodeOf(err) != connect.CodeUnauthenticated {
		t.Errorf("no key: %v", err)
	}
	// REST with the key: the gateway forwards it.
	req, _ := http.NewRequest(http.MethodGet, e.url+"/v1/apps/"+e.appID+"/tags", nil)
	req.Header.Set("Authorization", "Bearer "+readerKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("REST ListTags with the reader key: HTTP %d", resp.StatusCode)
	}
}
