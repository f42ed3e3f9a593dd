package guide_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"go.uber.org/fx"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	guidev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/guide/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/guide/v1/guidev1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth/authtest"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
	"github.com/wxsuite/wxsuite/services/guide"
	"github.com/wxsuite/wxsuite/services/internal/servicetest"
)

// env is a sandbox and one wxsuite process (token and guide services) pointed at it,
// with Connect clients of every guide service and a gRPC connection.
type env struct {
	sb        *sandboxtest.Env
	appID     string
	url       string
	guides    guidev1connect.GuideServiceClient
	groups    guidev1connect.GuideGroupServiceClient
	buyers    guidev1connect.GuideBuyerServiceClient
	tags      guidev1connect.GuideTagServiceClient
	materials guidev1connect.GuideMaterialServiceClient
	jobs      guidev1connect.GuideMassJobServiceClient
	grpcConn  *grpc.ClientConn
}

var randomHex = servicetest.RandomHex

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvAuth(t, "auth: {disabled: true}")
}

// newEnvAuth is newEnv with the given auth section.
func newEnvAuth(t *testing.T, authYAML string) *env {
	t.Helper()
	e := &env{appID: "wxg" + randomHex(6)}
	var sb *sandbox.Sandbox
	st := servicetest.Start(t, servicetest.Options{
		Accounts: []sandbox.Account{{AppID: e.appID, AppSecret: "secret" + randomHex(6)}},
		Auth:     authYAML,
		Modules:  []fx.Option{guide.Module, fx.Supply(guide.Clock(func() time.Time { return sb.Now() }))},
	})
	sb = st.Sandbox.Sandbox
	e.sb, e.url, e.grpcConn = st.Sandbox, st.URL, st.GRPC
	hc := http.DefaultClient
	e.guides = guidev1connect.NewGuideServiceClient(hc, e.url)
	e.groups = guidev1connect.NewGuideGroupServiceClient(hc, e.url)
	e.buyers = guidev1connect.NewGuideBuyerServiceClient(hc, e.url)
	e.tags = guidev1connect.NewGuideTagServiceClient(hc, e.url)
	e.materials = guidev1connect.NewGuideMaterialServiceClient(hc, e.url)
	e.jobs = guidev1connect.NewGuideMassJobServiceClient(hc, e.url)
	return e
}

// calls counts the sandbox's calls of path for the env's account.
func (e *env) calls(path string) int {
	return len(e.sb.Sandbox.Calls(sandbox.CallFilter{Path: path, AppID: e.appID}))
}

// guideCalls counts the sandbox's calls of every guide path for the env's account.
func (e *env) guideCalls() int {
	n := 0
	for _, c := range e.sb.Sandbox.Calls(sandbox.CallFilter{AppID: e.appID}) {
		if strings.HasPrefix(c.Path, "/cgi-bin/guide/") {
			n++
		}
	}
	return n
}

// followers adds n followers and returns their openids.
func (e *env) followers(t *testing.T, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = e.sb.AddUser(t, e.appID, sandbox.User{Nickname: fmt.Sprintf("buyer %d", i)}).OpenID
	}
	return ids
}

// imageMaterial uploads a permanent image material over the sandbox's API and returns
// its media_id.
func (e *env) imageMaterial(t *testing.T) string {
	t.Helper()
	tok, _, err := e.sb.Sandbox.IssueToken(e.appID)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	fw, _ := w.CreateFormFile("media", "cover.jpg")
	_, _ = fw.Write(sandboxtest.JPEG(2048))
	_ = w.Close()
	resp, err := http.Post(e.sb.URL+"/cgi-bin/material/add_material?type=image&access_token="+tok, w.FormDataContentType(), &b)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		MediaID string `json:"media_id"`
		Errcode int    `json:"errcode"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.MediaID == "" {
		t.Fatalf("add_material: %+v, %v", out, err)
	}
	return out.MediaID
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

// wantArg fails unless err is InvalidArgument with a message starting with field.
func wantArg(t *testing.T, err error, field string) {
	t.Helper()
	var ce *connect.Error
	if !errors.As(err, &ce) || ce.Code() != connect.CodeInvalidArgument || !strings.HasPrefix(ce.Message(), field+":") {
		t.Fatalf("error %v, want InvalidArgument starting with %q", err, field+":")
	}
}

func TestGuides(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	fan := e.followers(t, 1)[0]
	gone := e.sb.AddUser(t, e.appID, sandbox.User{Unsubscribed: true}).OpenID

	if _, err := e.guides.AddGuide(ctx, &guidev1.AddGuideRequest{AppId: e.appID, GuideAccount: "advisor_one", GuideNickname: "小王",
		GuideHeadimgurl: "https://mmbiz.qpic.cn/mmbiz_jpg/abc/0"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.guides.AddGuide(ctx, &guidev1.AddGuideRequest{AppId: e.appID, GuideOpenid: fan}); err != nil {
		t.Fatal(err)
	}
	_, err := e.guides.AddGuide(ctx, &guidev1.AddGuideRequest{AppId: e.appID, GuideAccount: "advisor_one"})
	wantWeChatCode(t, err, connect.CodeAlreadyExists, 9300803)
	_, err = e.guides.AddGuide(ctx, &guidev1.AddGuideRequest{AppId: e.appID, GuideOpenid: gone})
	wantWeChatCode(t, err, connect.CodeFailedPrecondition, 43004)

	got, err := e.guides.GetGuide(ctx, &guidev1.GetGuideRequest{AppId: e.appID, GuideAccount: "advisor_one"})
	if err != nil || got.GetGuide().GetGuideNickname() != "小王" || got.GetGuide().GetCreateTime() == 0 {
		t.Fatalf("GetGuide = %v, %v", got, err)
	}
	if _, err := e.guides.UpdateGuide(ctx, &guidev1.UpdateGuideRequest{AppId: e.appID, GuideAccount: "advisor_one", GuideNickname: "王顾问"}); err != nil {
		t.Fatal(err)
	}
	// Over gRPC: the update is visible.
	g := guidev1.NewGuideServiceClient(e.grpcConn)
	gg, err := g.GetGuide(ctx, &guidev1.GetGuideRequest{AppId: e.appID, GuideAccount: "advisor_one"})
	if err != nil || gg.GetGuide().GetGuideNickname() != "王顾问" || gg.GetGuide().GetGuideHeadimgurl() != "https://mmbiz.qpic.cn/mmbiz_jpg/abc/0" {
		t.Fatalf("GetGuide over gRPC = %v, %v", gg, err)
	}
	_, err = g.GetGuide(ctx, &guidev1.GetGuideRequest{AppId: e.appID, GuideAccount: "nobody_here"})
	if status.Code(err) != codes.NotFound {
		t.Errorf("unknown advisor over gRPC: %v", err)
	}

	list, err := e.guides.ListGuides(ctx, &guidev1.ListGuidesRequest{AppId: e.appID, Page: 0, Num: 1})
	if err != nil || list.GetTotalNum() != 2 || len(list.GetAccountList()) != 1 || list.GetAccountList()[0].GetGuideAccount() != "advisor_one" {
		t.Fatalf("ListGuides page 0 = %v, %v", list, err)
	}
	list, err = e.guides.ListGuides(ctx, &guidev1.ListGuidesRequest{AppId: e.appID, Page: 1, Num: 1})
	if err != nil || len(list.GetAccountList()) != 1 || list.GetAccountList()[0].GetGuideOpenid() != fan {
		t.Fatalf("ListGuides page 1 = %v, %v", list, err)
	}

	qr, err := e.guides.CreateGuideQRCode(ctx, &guidev1.CreateGuideQRCodeRequest{AppId: e.appID, GuideOpenid: fan, QrcodeInfo: "store-12"})
	if err != nil || !strings.HasPrefix(qr.GetQrcodeUrl(), "https://") {
		t.Fatalf("CreateGuideQRCode = %v, %v", qr, err)
	}

	// Fast replies and welcome messages: one advisor, then the account default.
	if _, err := e.guides.SetGuideConfig(ctx, &guidev1.SetGuideConfigRequest{AppId: e.appID, GuideAccount: "advisor_one",
		GuideFastReplyList: []*guidev1.GuideFastReply{{Content: "稍等"}, {Content: "好的"}},
		GuideAutoReply:     &guidev1.GuideAutoReply{Content: "你好", Msgtype: 1}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.guides.SetGuideConfig(ctx, &guidev1.SetGuideConfigRequest{AppId: e.appID, IsDelete: true,
		GuideAccount: "advisor_one", GuideFastReplyList: []*guidev1.GuideFastReply{{Content: "稍等"}}}); err != nil {
		t.Fatal(err)
	}
	cfg, err := e.guides.GetGuideConfig(ctx, &guidev1.GetGuideConfigRequest{AppId: e.appID, GuideAccount: "advisor_one"})
	if err != nil || len(cfg.GetGuideFastReplyList()) != 1 || cfg.GetGuideFastReplyList()[0].GetContent() != "好的" ||
		cfg.GetGuideAutoReply().GetContent() != "你好" || cfg.GetGuideAutoReplyPlus() != nil {
		t.Fatalf("GetGuideConfig = %v, %v", cfg, err)
	}
	def, err := e.guides.GetGuideConfig(ctx, &guidev1.GetGuideConfigRequest{AppId: e.appID})
	if err != nil || len(def.GetGuideFastReplyList()) != 0 || def.GetGuideAutoReply() != nil {
		t.Fatalf("default GetGuideConfig = %v, %v", def, err)
	}
	// An image welcome message needs a permanent image.
	_, err = e.guides.SetGuideConfig(ctx, &guidev1.SetGuideConfigRequest{AppId: e.appID,
		GuideAutoReply: &guidev1.GuideAutoReply{Content: "no-such-media", Msgtype: 2}})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 9300819)

	if _, err := e.guides.SetGuideAccountConfig(ctx, &guidev1.SetGuideAccountConfigRequest{AppId: e.appID,
		BlackKeyword: &guidev1.GuideBlackKeyword{Values: []string{"竞品", "返现"}}, GuideAutoReply: &guidev1.GuideAutoReply{Content: "不在线"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.guides.SetGuideAccountConfig(ctx, &guidev1.SetGuideAccountConfigRequest{AppId: e.appID, IsDelete: true,
		BlackKeyword: &guidev1.GuideBlackKeyword{Values: []string{"返现"}}}); err != nil {
		t.Fatal(err)
	}
	acct, err := e.guides.GetGuideAccountConfig(ctx, &guidev1.GetGuideAccountConfigRequest{AppId: e.appID})
	if err != nil || !slices.Equal(acct.GetBlackKeyword().GetValues(), []string{"竞品"}) || acct.GetGuideAutoReply().GetContent() != "不在线" {
		t.Fatalf("GetGuideAccountConfig = %v, %v", acct, err)
	}

	if _, err := e.guides.PushShowWxaPathMenu(ctx, &guidev1.PushShowWxaPathMenuRequest{AppId: e.appID,
		WxaAppid: "wx0123456789abcdef", WxUsername: "advisor_one"}); err != nil {
		t.Fatal(err)
	}

	// REST: one advisor by query parameter, then the list through the gateway.
	resp, err := http.Get(e.url + "/v1/apps/" + e.appID + "/guides:lookup?guide_openid=" + fan)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), fan) {
		t.Fatalf("REST GetGuide: %d %s", resp.StatusCode, body)
	}
	resp, err = http.Get(e.url + "/v1/apps/" + e.appID + "/guides?num=10")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "advisor_one") {
		t.Fatalf("REST ListGuides: %d %s", resp.StatusCode, body)
	}

	if _, err := e.guides.DeleteGuide(ctx, &guidev1.DeleteGuideRequest{AppId: e.appID, GuideAccount: "advisor_one"}); err != nil {
		t.Fatal(err)
	}
	_, err = e.guides.GetGuide(ctx, &guidev1.GetGuideRequest{AppId: e.appID, GuideAccount: "advisor_one"})
	wantWeChatCode(t, err, connect.CodeNotFound, 9300804)
}

func TestGroups(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	if _, err := e.guides.AddGuide(ctx, &guidev1.AddGuideRequest{AppId: e.appID, GuideAccount: "advisor_a"}); err != nil {
		t.Fatal(err)
	}
	created, err := e.groups.CreateGroup(ctx, &guidev1.CreateGroupRequest{AppId: e.appID, GroupName: "华东"})
	if err != nil || created.GetGroupId() <= 0 {
		t.Fatalf("CreateGroup = %v, %v", created, err)
	}
	id := created.GetGroupId()
	if _, err := e.groups.AddGuideToGroup(ctx, &guidev1.AddGuideToGroupRequest{AppId: e.appID, GroupId: id, GuideAccount: "advisor_a"}); err != nil {
		t.Fatal(err)
	}
	list, err := e.groups.ListGroups(ctx, &guidev1.ListGroupsRequest{AppId: e.appID})
	if err != nil || len(list.GetGroupList()) != 1 || list.GetGroupList()[0].GetName() != "华东" || list.GetGroupList()[0].GetId() != id {
		t.Fatalf("ListGroups = %v, %v", list, err)
	}
	info, err := e.groups.GetGroup(ctx, &guidev1.GetGroupRequest{AppId: e.appID, GroupId: id, Num: 10})
	if err != nil || info.GetTotalNum() != 1 || info.GetGuideList()[0].GetGuideAccount() != "advisor_a" {
		t.Fatalf("GetGroup = %v, %v", info, err)
	}
	of, err := e.groups.ListGroupsOfGuide(ctx, &guidev1.ListGroupsOfGuideRequest{AppId: e.appID, GuideAccount: "advisor_a"})
	if err != nil || !slices.Equal(of.GetGroupIdList(), []int64{id}) {
		t.Fatalf("ListGroupsOfGuide = %v, %v", of, err)
	}
	if _, err := e.groups.RemoveGuideFromGroup(ctx, &guidev1.RemoveGuideFromGroupRequest{AppId: e.appID, GroupId: id, GuideAccount: "advisor_a"}); err != nil {
		t.Fatal(err)
	}
	of, err = e.groups.ListGroupsOfGuide(ctx, &guidev1.ListGroupsOfGuideRequest{AppId: e.appID, GuideAccount: "advisor_a"})
	if err != nil || len(of.GetGroupIdList()) != 0 {
		t.Fatalf("ListGroupsOfGuide after removal = %v, %v", of, err)
	}
	// REST delete, then the group is gone (40097: the sandbox's code for an unknown id).
	req, _ := http.NewRequest(http.MethodDelete, fmt.Sprintf("%s/v1/apps/%s/guide-groups/%d", e.url, e.appID, id), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("REST DeleteGroup: HTTP %d", resp.StatusCode)
	}
	_, err = e.groups.GetGroup(ctx, &guidev1.GetGroupRequest{AppId: e.appID, GroupId: id, Num: 10})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40097)
	// gRPC once.
	gl, err := guidev1.NewGuideGroupServiceClient(e.grpcConn).ListGroups(ctx, &guidev1.ListGroupsRequest{AppId: e.appID})
	if err != nil || len(gl.GetGroupList()) != 0 {
		t.Fatalf("ListGroups over gRPC = %v, %v", gl, err)
	}
}

func TestBuyers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	ids := e.followers(t, 4)
	gone := e.sb.AddUser(t, e.appID, sandbox.User{Unsubscribed: true}).OpenID
	for _, a := range []string{"advisor_a", "advisor_b"} {
		if _, err := e.guides.AddGuide(ctx, &guidev1.AddGuideRequest{AppId: e.appID, GuideAccount: a}); err != nil {
			t.Fatal(err)
		}
	}
	// One buyer, then a batch with per-buyer results.
	if _, err := e.buyers.AddBuyers(ctx, &guidev1.AddBuyersRequest{AppId: e.appID, GuideAccount: "advisor_a", Openid: ids[0], BuyerNickname: "老张"}); err != nil {
		t.Fatal(err)
	}
	batch, err := e.buyers.AddBuyers(ctx, &guidev1.AddBuyersRequest{AppId: e.appID, GuideAccount: "advisor_a", BuyerList: []*guidev1.BuyerInput{
		{Openid: ids[1]}, {Openid: gone}, {Openid: "o-nobody"}, {Openid: ids[2], BuyerNickname: "小李"}}})
	if err != nil {
		t.Fatal(err)
	}
	var codesGot []int32
	for _, r := range batch.GetBuyerResp() {
		codesGot = append(codesGot, r.GetErrcode())
	}
	if !slices.Equal(codesGot, []int32{0, 43004, 40003, 0}) || batch.GetBuyerResp()[2].GetOpenid() != "o-nobody" {
		t.Fatalf("AddBuyers batch = %v", batch)
	}
	// A single bad buyer is an error with its errcode.
	_, err = e.buyers.AddBuyers(ctx, &guidev1.AddBuyersRequest{AppId: e.appID, GuideAccount: "advisor_a", Openid: gone})
	wantWeChatCode(t, err, connect.CodeFailedPrecondition, 43004)

	list, err := e.buyers.ListBuyers(ctx, &guidev1.ListBuyersRequest{AppId: e.appID, GuideAccount: "advisor_a", Num: 10})
	if err != nil || list.GetTotalNum() != 3 || len(list.GetList()) != 3 {
		t.Fatalf("ListBuyers = %v, %v", list, err)
	}
	if _, err := e.buyers.UpdateBuyer(ctx, &guidev1.UpdateBuyerRequest{AppId: e.appID, GuideAccount: "advisor_a", Openid: ids[1], BuyerNickname: "阿强"}); err != nil {
		t.Fatal(err)
	}
	one, err := e.buyers.GetBuyer(ctx, &guidev1.GetBuyerRequest{AppId: e.appID, GuideAccount: "advisor_a", Openid: ids[1]})
	if err != nil || one.GetBuyer().GetBuyerNickname() != "阿强" || one.GetBuyer().GetOpenid() != ids[1] {
		t.Fatalf("GetBuyer = %v, %v", one, err)
	}
	_, err = e.buyers.GetBuyer(ctx, &guidev1.GetBuyerRequest{AppId: e.appID, GuideAccount: "advisor_b", Openid: ids[1]})
	wantWeChatCode(t, err, connect.CodeNotFound, 9300806)

	// Rebind two buyers to advisor_b; one of them is not advisor_a's.
	rb, err := e.buyers.RebindBuyers(ctx, &guidev1.RebindBuyersRequest{AppId: e.appID, OldGuideAccount: "advisor_a",
		NewGuideAccount: "advisor_b", OpenidList: []string{ids[0], ids[3]}})
	if err != nil || len(rb.GetBuyerResp()) != 2 || rb.GetBuyerResp()[0].GetErrcode() != 0 || rb.GetBuyerResp()[1].GetErrcode() != 9300806 {
		t.Fatalf("RebindBuyers = %v, %v", rb, err)
	}
	by, err := e.buyers.GetBuyerGuide(ctx, &guidev1.GetBuyerGuideRequest{AppId: e.appID, Openid: ids[0]})
	if err != nil || by.GetGuideAccount() != "advisor_b" || by.GetBuyerNickname() != "老张" {
		t.Fatalf("GetBuyerGuide = %v, %v", by, err)
	}
	_, err = e.buyers.GetBuyerGuide(ctx, &guidev1.GetBuyerGuideRequest{AppId: e.appID, Openid: ids[3]})
	wantWeChatCode(t, err, connect.CodeNotFound, 9300806)

	// Remove: a batch reports -2 for a buyer that is not bound.
	rm, err := e.buyers.RemoveBuyers(ctx, &guidev1.RemoveBuyersRequest{AppId: e.appID, GuideAccount: "advisor_a", OpenidList: []string{ids[1], ids[0]}})
	if err != nil || rm.GetBuyerResp()[0].GetErrcode() != 0 || rm.GetBuyerResp()[1].GetErrcode() != -2 {
		t.Fatalf("RemoveBuyers = %v, %v", rm, err)
	}

	// Chat records seeded in the sandbox, filtered by buyer and range.
	now := e.sb.Sandbox.Now()
	for i, r := range []sandbox.GuideChatRecord{
		{GuideAccount: "advisor_b", OpenID: ids[0], Content: "你好", ContentType: 1, Direction: 2, CreateTime: now.Add(-time.Hour).Unix()},
		{GuideAccount: "advisor_b", OpenID: ids[0], Content: "在的", ContentType: 1, Direction: 1, CreateTime: now.Add(-50 * time.Minute).Unix()},
		{GuideAccount: "advisor_b", OpenID: ids[2], Content: "hi", ContentType: 1, Direction: 2, CreateTime: now.Add(-40 * 24 * time.Hour).Unix()},
	} {
		if err := e.sb.Sandbox.AddGuideChatRecord(e.appID, r); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	recs, err := e.buyers.ListChatRecords(ctx, &guidev1.ListChatRecordsRequest{AppId: e.appID, GuideAccount: "advisor_b", Num: 10})
	if err != nil || recs.GetTotalNum() != 2 || recs.GetMsgList()[1].GetContent() != "在的" || recs.GetMsgList()[1].GetDirection() != 1 {
		t.Fatalf("ListChatRecords = %v, %v", recs, err)
	}
	recs, err = e.buyers.ListChatRecords(ctx, &guidev1.ListChatRecordsRequest{AppId: e.appID, GuideAccount: "advisor_b", Num: 10,
		BeginTime: now.Add(-55 * time.Minute).Unix(), EndTime: now.Unix()})
	if err != nil || recs.GetTotalNum() != 1 {
		t.Fatalf("ListChatRecords in range = %v, %v", recs, err)
	}
	// gRPC once, REST once.
	gl, err := guidev1.NewGuideBuyerServiceClient(e.grpcConn).ListBuyers(ctx, &guidev1.ListBuyersRequest{AppId: e.appID, GuideAccount: "advisor_b", Num: 10})
	if err != nil || gl.GetTotalNum() != 1 {
		t.Fatalf("ListBuyers over gRPC = %v, %v", gl, err)
	}
	resp, err := http.Get(e.url + "/v1/apps/" + e.appID + "/guide-buyers/" + ids[0] + "/guide")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "advisor_b") {
		t.Fatalf("REST GetBuyerGuide: %d %s", resp.StatusCode, body)
	}
}

func TestTags(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	ids := e.followers(t, 3)
	if _, err := e.guides.AddGuide(ctx, &guidev1.AddGuideRequest{AppId: e.appID, GuideAccount: "advisor_a"}); err != nil {
		t.Fatal(err)
	}
	batch := make([]*guidev1.BuyerInput, len(ids))
	for i, id := range ids {
		batch[i] = &guidev1.BuyerInput{Openid: id}
	}
	if _, err := e.buyers.AddBuyers(ctx, &guidev1.AddBuyersRequest{AppId: e.appID, GuideAccount: "advisor_a", BuyerList: batch}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.tags.CreateTagOption(ctx, &guidev1.CreateTagOptionRequest{AppId: e.appID, TagName: "等级", TagValues: []string{"金卡", "银卡"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.tags.AddTagValues(ctx, &guidev1.AddTagValuesRequest{AppId: e.appID, TagName: "等级", TagValues: []string{"铜卡"}}); err != nil {
		t.Fatal(err)
	}
	// Values are unique across the account.
	_, err := e.tags.CreateTagOption(ctx, &guidev1.CreateTagOptionRequest{AppId: e.appID, TagName: "会员", TagValues: []string{"金卡"}})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40097)
	opts, err := e.tags.ListTagOptions(ctx, &guidev1.ListTagOptionsRequest{AppId: e.appID})
	if err != nil || len(opts.GetOptions()) != 1 || !slices.Equal(opts.GetOptions()[0].GetTagValues(), []string{"金卡", "银卡", "铜卡"}) {
		t.Fatalf("ListTagOptions = %v, %v", opts, err)
	}
	tb, err := e.tags.TagBuyers(ctx, &guidev1.TagBuyersRequest{AppId: e.appID, GuideAccount: "advisor_a", TagValue: "金卡", OpenidList: ids[:2]})
	if err != nil || len(tb.GetBuyerResp()) != 2 || tb.GetBuyerResp()[1].GetErrcode() != 0 {
		t.Fatalf("TagBuyers = %v, %v", tb, err)
	}
	_, err = e.tags.TagBuyers(ctx, &guidev1.TagBuyersRequest{AppId: e.appID, GuideAccount: "advisor_a", TagValue: "钻石", Openid: ids[0]})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 9300807)
	bt, err := e.tags.GetBuyerTags(ctx, &guidev1.GetBuyerTagsRequest{AppId: e.appID, GuideAccount: "advisor_a", Openid: ids[0]})
	if err != nil || !slices.Equal(bt.GetTagValues(), []string{"金卡"}) {
		t.Fatalf("GetBuyerTags = %v, %v", bt, err)
	}
	if _, err := e.tags.UntagBuyers(ctx, &guidev1.UntagBuyersRequest{AppId: e.appID, GuideAccount: "advisor_a", TagValue: "金卡", Openid: ids[1]}); err != nil {
		t.Fatal(err)
	}
	q, err := e.tags.QueryBuyersByTag(ctx, &guidev1.QueryBuyersByTagRequest{AppId: e.appID, GuideAccount: "advisor_a", TagValues: []string{"金卡"}})
	if err != nil || !slices.Equal(q.GetOpenidList(), []string{ids[0]}) {
		t.Fatalf("QueryBuyersByTag = %v, %v", q, err)
	}
	// Deleting the tag takes its values off buyers.
	if _, err := e.tags.DeleteTagOption(ctx, &guidev1.DeleteTagOptionRequest{AppId: e.appID, TagName: "等级"}); err != nil {
		t.Fatal(err)
	}
	bt, err = e.tags.GetBuyerTags(ctx, &guidev1.GetBuyerTagsRequest{AppId: e.appID, GuideAccount: "advisor_a", Openid: ids[0]})
	if err != nil || len(bt.GetTagValues()) != 0 {
		t.Fatalf("GetBuyerTags after delete = %v, %v", bt, err)
	}
	// At most 4 tag names.
	for i := range 4 {
		if _, err := e.tags.CreateTagOption(ctx, &guidev1.CreateTagOptionRequest{AppId: e.appID, TagName: fmt.Sprint("t", i), TagValues: []string{fmt.Sprint("v", i)}}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = e.tags.CreateTagOption(ctx, &guidev1.CreateTagOptionRequest{AppId: e.appID, TagName: "t5", TagValues: []string{"v5"}})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40097)

	// Display tags.
	_, err = e.tags.GetBuyerDisplayTags(ctx, &guidev1.GetBuyerDisplayTagsRequest{AppId: e.appID, GuideAccount: "advisor_a", Openid: ids[2]})
	wantWeChatCode(t, err, connect.CodeNotFound, 9300809)
	if _, err := e.tags.SetBuyerDisplayTags(ctx, &guidev1.SetBuyerDisplayTagsRequest{AppId: e.appID, GuideAccount: "advisor_a", Openid: ids[2], DisplayTagList: []string{"喜欢蓝色", "周末到店"}}); err != nil {
		t.Fatal(err)
	}
	dt, err := e.tags.GetBuyerDisplayTags(ctx, &guidev1.GetBuyerDisplayTagsRequest{AppId: e.appID, GuideAccount: "advisor_a", Openid: ids[2]})
	if err != nil || !slices.Equal(dt.GetDisplayTagList(), []string{"喜欢蓝色", "周末到店"}) {
		t.Fatalf("GetBuyerDisplayTags = %v, %v", dt, err)
	}
	// gRPC once, REST once.
	gl, err := guidev1.NewGuideTagServiceClient(e.grpcConn).ListTagOptions(ctx, &guidev1.ListTagOptionsRequest{AppId: e.appID})
	if err != nil || len(gl.GetOptions()) != 4 {
		t.Fatalf("ListTagOptions over gRPC = %v, %v", gl, err)
	}
	resp, err := http.Post(e.url+"/v1/apps/"+e.appID+"/guide-tag-options", "application/json", strings.NewReader(`{"tag_name":"x","tag_values":["y"]}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("REST CreateTagOption beyond 4 tags: HTTP %d, want the 40097 refusal", resp.StatusCode)
	}
}

func TestMaterials(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	media := e.imageMaterial(t)
	if _, err := e.materials.AddCardMaterial(ctx, &guidev1.AddCardMaterialRequest{AppId: e.appID, MediaId: media, Title: "新品",
		Path: "pages/index", Appid: "wx0123456789abcdef"}); err != nil {
		t.Fatal(err)
	}
	_, err := e.materials.AddCardMaterial(ctx, &guidev1.AddCardMaterialRequest{AppId: e.appID, MediaId: "bogus", Title: "x",
		Path: "p", Appid: "wx0123456789abcdef"})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 9300819)
	cards, err := e.materials.ListCardMaterials(ctx, &guidev1.ListCardMaterialsRequest{AppId: e.appID})
	if err != nil || len(cards.GetCardList()) != 1 || cards.GetCardList()[0].GetPicurl() == "" || cards.GetCardList()[0].GetAppid() != "wx0123456789abcdef" {
		t.Fatalf("ListCardMaterials = %v, %v", cards, err)
	}
	if _, err := e.materials.DeleteCardMaterial(ctx, &guidev1.DeleteCardMaterialRequest{AppId: e.appID, Title: "新品", Path: "pages/index", Appid: "wx0123456789abcdef"}); err != nil {
		t.Fatal(err)
	}

	if _, err := e.materials.AddImageMaterial(ctx, &guidev1.AddImageMaterialRequest{AppId: e.appID, MediaId: media}); err != nil {
		t.Fatal(err)
	}
	imgs, err := e.materials.ListImageMaterials(ctx, &guidev1.ListImageMaterialsRequest{AppId: e.appID, Num: 10})
	if err != nil || imgs.GetTotalNum() != 1 || imgs.GetModelList()[0].GetPicurl() == "" {
		t.Fatalf("ListImageMaterials = %v, %v", imgs, err)
	}
	if _, err := e.materials.DeleteImageMaterial(ctx, &guidev1.DeleteImageMaterialRequest{AppId: e.appID, Picurl: imgs.GetModelList()[0].GetPicurl()}); err != nil {
		t.Fatal(err)
	}

	for i := range 50 {
		if _, err := e.materials.AddWordMaterial(ctx, &guidev1.AddWordMaterialRequest{AppId: e.appID, Word: fmt.Sprint("话术 ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = e.materials.AddWordMaterial(ctx, &guidev1.AddWordMaterialRequest{AppId: e.appID, Word: "one too many"})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40097)
	words, err := e.materials.ListWordMaterials(ctx, &guidev1.ListWordMaterialsRequest{AppId: e.appID, Start: 48, Num: 10})
	if err != nil || words.GetTotalNum() != 50 || len(words.GetWordList()) != 2 || words.GetWordList()[1].GetWord() != "话术 49" {
		t.Fatalf("ListWordMaterials = %v, %v", words, err)
	}
	if _, err := e.materials.DeleteWordMaterial(ctx, &guidev1.DeleteWordMaterialRequest{AppId: e.appID, Word: "话术 0"}); err != nil {
		t.Fatal(err)
	}
	_, err = e.materials.DeleteWordMaterial(ctx, &guidev1.DeleteWordMaterialRequest{AppId: e.appID, Word: "话术 0"})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40097)
	// gRPC once, REST once.
	gw, err := guidev1.NewGuideMaterialServiceClient(e.grpcConn).ListWordMaterials(ctx, &guidev1.ListWordMaterialsRequest{AppId: e.appID, Num: 1})
	if err != nil || gw.GetTotalNum() != 49 {
		t.Fatalf("ListWordMaterials over gRPC = %v, %v", gw, err)
	}
	resp, err := http.Get(e.url + "/v1/apps/" + e.appID + "/guide-materials/cards")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("REST ListCardMaterials: HTTP %d", resp.StatusCode)
	}
}

func TestMassJobs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	ids := e.followers(t, 2)
	if _, err := e.guides.AddGuide(ctx, &guidev1.AddGuideRequest{AppId: e.appID, GuideOpenid: ids[0]}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.buyers.AddBuyers(ctx, &guidev1.AddBuyersRequest{AppId: e.appID, GuideOpenid: ids[0], Openid: ids[1]}); err != nil {
		t.Fatal(err)
	}
	media := e.imageMaterial(t)
	push := e.sb.Sandbox.Now().Add(time.Hour).Unix()
	created, err := e.jobs.CreateMassJob(ctx, &guidev1.CreateMassJobRequest{AppId: e.appID, GuideOpenid: ids[0], TaskName: "周末活动",
		TaskRemark: "全部客户", PushTime: push, Openid: []string{ids[1]}, Material: []*guidev1.MassMaterial{
			{Type: 1, Word: "周末八折"}, {Type: 3, MediaId: media}}})
	if err != nil || len(created.GetTaskResult()) != 1 || !slices.Equal(created.GetTaskResult()[0].GetOpenid(), []string{ids[1]}) {
		t.Fatalf("CreateMassJob = %v, %v", created, err)
	}
	id := created.GetTaskResult()[0].GetTaskId()
	// A buyer of no advisor is refused with 9300806.
	_, err = e.jobs.CreateMassJob(ctx, &guidev1.CreateMassJobRequest{AppId: e.appID, GuideOpenid: ids[0], TaskName: "x",
		PushTime: push, Openid: []string{ids[0]}, Material: []*guidev1.MassMaterial{{Type: 1, Word: "hi"}}})
	wantWeChatCode(t, err, connect.CodeNotFound, 9300806)

	if _, err := e.jobs.UpdateMassJob(ctx, &guidev1.UpdateMassJobRequest{AppId: e.appID, TaskId: id, TaskName: "周末大促"}); err != nil {
		t.Fatal(err)
	}
	job, err := e.jobs.GetMassJob(ctx, &guidev1.GetMassJobRequest{AppId: e.appID, TaskId: id})
	if err != nil || job.GetJob().GetTaskName() != "周末大促" || job.GetJob().GetTaskStatus() != 1 || len(job.GetJob().GetMaterial()) != 2 ||
		job.GetJob().GetMaterial()[1].GetPicUrl() == "" || job.GetJob().GetGuideOpenid() != ids[0] {
		t.Fatalf("GetMassJob = %v, %v", job, err)
	}
	// A second job, cancelled; then the first one runs when its time comes.
	second, err := e.jobs.CreateMassJob(ctx, &guidev1.CreateMassJobRequest{AppId: e.appID, GuideOpenid: ids[0], TaskName: "取消",
		PushTime: push, Openid: []string{ids[1]}, Material: []*guidev1.MassMaterial{{Type: 1, Word: "hi"}}})
	if err != nil {
		t.Fatal(err)
	}
	id2 := second.GetTaskResult()[0].GetTaskId()
	if _, err := e.jobs.CancelMassJob(ctx, &guidev1.CancelMassJobRequest{AppId: e.appID, TaskId: id2}); err != nil {
		t.Fatal(err)
	}
	_, err = e.jobs.CancelMassJob(ctx, &guidev1.CancelMassJobRequest{AppId: e.appID, TaskId: id2})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40097)
	e.sb.Sandbox.Advance(2 * time.Hour)
	done, err := e.jobs.ListMassJobs(ctx, &guidev1.ListMassJobsRequest{AppId: e.appID, GuideOpenid: ids[0], TaskStatus: []int32{3}})
	if err != nil || done.GetTotalCount() != 1 || done.GetList()[0].GetTaskId() != id || done.GetList()[0].GetBuyerInfo()[0].GetSendStatus() != 2 {
		t.Fatalf("ListMassJobs(done) = %v, %v", done, err)
	}
	all, err := guidev1.NewGuideMassJobServiceClient(e.grpcConn).ListMassJobs(ctx, &guidev1.ListMassJobsRequest{AppId: e.appID, GuideOpenid: ids[0]})
	if err != nil || all.GetTotalCount() != 2 {
		t.Fatalf("ListMassJobs over gRPC = %v, %v", all, err)
	}
	// A job that ran cannot change.
	_, err = e.jobs.UpdateMassJob(ctx, &guidev1.UpdateMassJobRequest{AppId: e.appID, TaskId: id, TaskName: "late"})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40097)
	// REST: repeated query parameters reach the platform as a list.
	resp, err := http.Get(fmt.Sprintf("%s/v1/apps/%s/guide-mass-jobs?guide_openid=%s&task_status=3&task_status=4", e.url, e.appID, ids[0]))
	if err != nil {
		t.Fatal(err)
	}
	var listed struct {
		TotalCount string `json:"total_count"`
	}
	err = json.NewDecoder(resp.Body).Decode(&listed)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || listed.TotalCount != "2" {
		t.Fatalf("REST ListMassJobs: %d %+v %v", resp.StatusCode, listed, err)
	}
	resp, err = http.Get(fmt.Sprintf("%s/v1/apps/%s/guide-mass-jobs/%d", e.url, e.appID, id))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "周末大促") {
		t.Fatalf("REST GetMassJob: %d %s", resp.StatusCode, body)
	}
}

// TestBadInput checks that malformed requests are refused with InvalidArgument naming
// the field, and that nothing reaches the sandbox.
func TestBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	now := e.sb.Sandbox.Now()
	long := strings.Repeat("话", 17)
	tooMany := make([]string, 201)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("o%03d", i)
	}
	tests := []struct {
		name  string
		call  func() error
		field string
	}{
		{"no app", func() error {
			_, err := e.guides.ListGuides(ctx, &guidev1.ListGuidesRequest{Num: 1})
			return err
		}, "app_id"},
		{"no advisor", func() error {
			_, err := e.guides.GetGuide(ctx, &guidev1.GetGuideRequest{AppId: e.appID})
			return err
		}, "guide_account"},
		{"two advisors", func() error {
			_, err := e.guides.GetGuide(ctx, &guidev1.GetGuideRequest{AppId: e.appID, GuideAccount: "advisor_a", GuideOpenid: "o1"})
			return err
		}, "guide_account"},
		{"bad wechat id", func() error {
			_, err := e.guides.AddGuide(ctx, &guidev1.AddGuideRequest{AppId: e.appID, GuideAccount: "1abc"})
			return err
		}, "guide_account"},
		{"long nickname", func() error {
			_, err := e.guides.AddGuide(ctx, &guidev1.AddGuideRequest{AppId: e.appID, GuideAccount: "advisor_a", GuideNickname: long})
			return err
		}, "guide_nickname"},
		{"foreign avatar", func() error {
			_, err := e.guides.AddGuide(ctx, &guidev1.AddGuideRequest{AppId: e.appID, GuideAccount: "advisor_a", GuideHeadimgurl: "https://example.com/a.jpg"})
			return err
		}, "guide_headimgurl"},
		{"no page size", func() error {
			_, err := e.guides.ListGuides(ctx, &guidev1.ListGuidesRequest{AppId: e.appID})
			return err
		}, "num"},
		{"bad msgtype", func() error {
			_, err := e.guides.SetGuideConfig(ctx, &guidev1.SetGuideConfigRequest{AppId: e.appID, GuideAutoReply: &guidev1.GuideAutoReply{Content: "x", Msgtype: 9}})
			return err
		}, "guide_auto_reply.msgtype"},
		{"11 fast replies", func() error {
			fr := make([]*guidev1.GuideFastReply, 11)
			for i := range fr {
				fr[i] = &guidev1.GuideFastReply{Content: "r"}
			}
			_, err := e.guides.SetGuideConfig(ctx, &guidev1.SetGuideConfigRequest{AppId: e.appID, GuideFastReplyList: fr})
			return err
		}, "guide_fast_reply_list"},
		{"bad wxa appid", func() error {
			_, err := e.guides.PushShowWxaPathMenu(ctx, &guidev1.PushShowWxaPathMenuRequest{AppId: e.appID, WxaAppid: "x", WxUsername: "advisor_a"})
			return err
		}, "wxa_appid"},
		{"group id", func() error {
			_, err := e.groups.DeleteGroup(ctx, &guidev1.DeleteGroupRequest{AppId: e.appID})
			return err
		}, "group_id"},
		{"201 buyers", func() error {
			_, err := e.buyers.RemoveBuyers(ctx, &guidev1.RemoveBuyersRequest{AppId: e.appID, GuideAccount: "advisor_a", OpenidList: tooMany})
			return err
		}, "openid_list"},
		{"bad buyer in list", func() error {
			_, err := e.buyers.AddBuyers(ctx, &guidev1.AddBuyersRequest{AppId: e.appID, GuideAccount: "advisor_a", BuyerList: []*guidev1.BuyerInput{{Openid: "ok"}, {Openid: "bad id"}}})
			return err
		}, "buyer_list[1].openid"},
		{"old chat range", func() error {
			_, err := e.buyers.ListChatRecords(ctx, &guidev1.ListChatRecordsRequest{AppId: e.appID, GuideAccount: "advisor_a", Num: 1,
				BeginTime: now.Add(-31 * 24 * time.Hour).Unix(), EndTime: now.Unix()})
			return err
		}, "begin_time"},
		{"repeated value", func() error {
			_, err := e.tags.CreateTagOption(ctx, &guidev1.CreateTagOptionRequest{AppId: e.appID, TagName: "t", TagValues: []string{"a", "a"}})
			return err
		}, "tag_values[1]"},
		{"material type", func() error {
			_, err := e.materials.ListCardMaterials(ctx, &guidev1.ListCardMaterialsRequest{AppId: e.appID, Type: 1})
			return err
		}, "type"},
		{"card appid", func() error {
			_, err := e.materials.AddCardMaterial(ctx, &guidev1.AddCardMaterialRequest{AppId: e.appID, MediaId: "m", Title: "t", Path: "p", Appid: "wxAB"})
			return err
		}, "appid"},
		{"task name", func() error {
			_, err := e.jobs.CreateMassJob(ctx, &guidev1.CreateMassJobRequest{AppId: e.appID, GuideAccount: "advisor_a", TaskName: long,
				PushTime: now.Add(time.Hour).Unix(), Openid: []string{"o1"}, Material: []*guidev1.MassMaterial{{Type: 1, Word: "w"}}})
			return err
		}, "task_name"},
		{"push time past", func() error {
			_, err := e.jobs.CreateMassJob(ctx, &guidev1.CreateMassJobRequest{AppId: e.appID, GuideAccount: "advisor_a", TaskName: "n",
				PushTime: now.Add(-time.Hour).Unix(), Openid: []string{"o1"}, Material: []*guidev1.MassMaterial{{Type: 1, Word: "w"}}})
			return err
		}, "push_time"},
		{"push time far", func() error {
			_, err := e.jobs.CreateMassJob(ctx, &guidev1.CreateMassJobRequest{AppId: e.appID, GuideAccount: "advisor_a", TaskName: "n",
				PushTime: now.Add(31 * 24 * time.Hour).Unix(), Openid: []string{"o1"}, Material: []*guidev1.MassMaterial{{Type: 1, Word: "w"}}})
			return err
		}, "push_time"},
		{"four materials", func() error {
			m := &guidev1.MassMaterial{Type: 1, Word: "w"}
			_, err := e.jobs.CreateMassJob(ctx, &guidev1.CreateMassJobRequest{AppId: e.appID, GuideAccount: "advisor_a", TaskName: "n",
				PushTime: now.Add(time.Hour).Unix(), Openid: []string{"o1"}, Material: []*guidev1.MassMaterial{m, m, m, m}})
			return err
		}, "material"},
		{"card without title", func() error {
			_, err := e.jobs.CreateMassJob(ctx, &guidev1.CreateMassJobRequest{AppId: e.appID, GuideAccount: "advisor_a", TaskName: "n",
				PushTime: now.Add(time.Hour).Unix(), Openid: []string{"o1"}, Material: []*guidev1.MassMaterial{{Type: 49, Path: "p", Appid: "wx0123456789abcdef", MediaId: "m"}}})
			return err
		}, "material[0].title"},
		{"empty update", func() error {
			_, err := e.jobs.UpdateMassJob(ctx, &guidev1.UpdateMassJobRequest{AppId: e.appID, TaskId: 1})
			return err
		}, "task_name"},
	}
	before := e.guideCalls()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantArg(t, tt.call(), tt.field)
		})
	}
	if n := e.guideCalls() - before; n != 0 {
		t.Errorf("%d calls reached the sandbox", n)
	}
	// An unknown account is NotFound, also without a call.
	_, err := e.guides.ListGuides(ctx, &guidev1.ListGuidesRequest{AppId: "wxunknown", Num: 1})
	if connect.CodeOf(err) != connect.CodeNotFound || e.guideCalls() != before {
		t.Errorf("unknown app_id: %v", err)
	}
}

const (
	readerKey = "wxsk_test_guide_reader_0123456789abcdef"
	writerKey = "wxsk_test_guide_writer_0123456789abcdef"
)

// TestScopes checks the policies through the real auth layer for every service:
// guide.read reads, guide.write changes, nothing without a key.
func TestScopes(t *testing.T) {
	t.Parallel()
	e := newEnvAuth(t, fmt.Sprintf(`auth:
  keys:
    - {id: reader, key: %q, app_ids: ["*"], scopes: [guide.read]}
    - {id: writer, key: %q, app_ids: ["*"], scopes: [guide.write]}`, readerKey, writerKey))
	ctx := t.Context()
	hc := http.DefaultClient
	type pair struct {
		name        string
		read, write func(opt connect.Option) error
	}
	pairs := []pair{
		{"GuideService", func(o connect.Option) error {
			_, err := guidev1connect.NewGuideServiceClient(hc, e.url, o).ListGuides(ctx, &guidev1.ListGuidesRequest{AppId: e.appID, Num: 1})
			return err
		}, func(o connect.Option) error {
			_, err := guidev1connect.NewGuideServiceClient(hc, e.url, o).AddGuide(ctx, &guidev1.AddGuideRequest{AppId: e.appID, GuideAccount: "advisor_a"})
			return err
		}},
		{"GuideGroupService", func(o connect.Option) error {
			_, err := guidev1connect.NewGuideGroupServiceClient(hc, e.url, o).ListGroups(ctx, &guidev1.ListGroupsRequest{AppId: e.appID})
			return err
		}, func(o connect.Option) error {
			_, err := guidev1connect.NewGuideGroupServiceClient(hc, e.url, o).CreateGroup(ctx, &guidev1.CreateGroupRequest{AppId: e.appID, GroupName: "g"})
			return err
		}},
		{"GuideBuyerService", func(o connect.Option) error {
			_, err := guidev1connect.NewGuideBuyerServiceClient(hc, e.url, o).ListBuyers(ctx, &guidev1.ListBuyersRequest{AppId: e.appID, GuideAccount: "advisor_a", Num: 1})
			return err
		}, func(o connect.Option) error {
			_, err := guidev1connect.NewGuideBuyerServiceClient(hc, e.url, o).UpdateBuyer(ctx, &guidev1.UpdateBuyerRequest{AppId: e.appID, GuideAccount: "advisor_a", Openid: "o1", BuyerNickname: "n"})
			return err
		}},
		{"GuideTagService", func(o connect.Option) error {
			_, err := guidev1connect.NewGuideTagServiceClient(hc, e.url, o).ListTagOptions(ctx, &guidev1.ListTagOptionsRequest{AppId: e.appID})
			return err
		}, func(o connect.Option) error {
			_, err := guidev1connect.NewGuideTagServiceClient(hc, e.url, o).CreateTagOption(ctx, &guidev1.CreateTagOptionRequest{AppId: e.appID, TagName: "t", TagValues: []string{"v"}})
			return err
		}},
		{"GuideMaterialService", func(o connect.Option) error {
			_, err := guidev1connect.NewGuideMaterialServiceClient(hc, e.url, o).ListCardMaterials(ctx, &guidev1.ListCardMaterialsRequest{AppId: e.appID})
			return err
		}, func(o connect.Option) error {
			_, err := guidev1connect.NewGuideMaterialServiceClient(hc, e.url, o).AddWordMaterial(ctx, &guidev1.AddWordMaterialRequest{AppId: e.appID, Word: "w"})
			return err
		}},
		{"GuideMassJobService", func(o connect.Option) error {
			_, err := guidev1connect.NewGuideMassJobServiceClient(hc, e.url, o).ListMassJobs(ctx, &guidev1.ListMassJobsRequest{AppId: e.appID, GuideAccount: "advisor_a"})
			return err
		}, func(o connect.Option) error {
			_, err := guidev1connect.NewGuideMassJobServiceClient(hc, e.url, o).CancelMassJob(ctx, &guidev1.CancelMassJobRequest{AppId: e.appID, TaskId: 1})
			return err
		}},
	}
	for _, p := range pairs {
		if err := p.read(authtest.Bearer(writerKey)); connect.CodeOf(err) != connect.CodePermissionDenied {
			t.Errorf("%s: writer read: %v", p.name, err)
		}
		if err := p.write(authtest.Bearer(readerKey)); connect.CodeOf(err) != connect.CodePermissionDenied {
			t.Errorf("%s: reader write: %v", p.name, err)
		}
		if err := p.read(authtest.Bearer(readerKey)); connect.CodeOf(err) == connect.CodePermissionDenied || connect.CodeOf(err) == connect.CodeUnauthenticated {
			t.Errorf("%s: reader read refused: %v", p.name, err)
		}
		if err := p.write(authtest.Bearer(writerKey)); connect.CodeOf(err) == connect.CodePermissionDenied || connect.CodeOf(err) == connect.CodeUnauthenticated {
			t.Errorf("%s: writer write refused: %v", p.name, err)
		}
		if err := p.read(connect.WithReadMaxBytes(1 << 20)); connect.CodeOf(err) != connect.CodeUnauthenticated {
			t.Errorf("%s: no key: %v", p.name, err)
		}
	}
}
