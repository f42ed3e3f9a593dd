package sandbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/prometheus/client_golang/prometheus"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxserver"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

func kfPost(t *testing.T, env *sandboxtest.Env, token, path string, body any) reply {
	t.Helper()
	data, _ := json.Marshal(body)
	return do(t, env, http.MethodPost, path, url.Values{"access_token": {token}}, string(data))
}

func kfGet(t *testing.T, env *sandboxtest.Env, token, path string, q url.Values) reply {
	t.Helper()
	if q == nil {
		q = url.Values{}
	}
	q.Set("access_token", token)
	return get(t, env, path, q)
}

func TestKfAccountLifeCycle(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{NoRID: true})
	token := fetchToken(t, env)
	add := func(account, nick string) reply {
		return kfPost(t, env, token, "/customservice/kfaccount/add", map[string]string{"kf_account": account, "nickname": nick})
	}
	for _, tt := range []struct {
		name, account, nick string
		want                int
	}{
		{"valid", "alice@gh_wxsuite", "客服小艾", 0},
		{"duplicate", "alice@gh_wxsuite", "again", 65406},
		{"prefix 11 characters", "abcdefghijk@gh_wxsuite", "n", 65404},
		{"no suffix", "bob", "n", 65404},
		{"bad prefix", "b-b@gh_wxsuite", "n", 65404},
		{"over 30 characters", "bob@wx_abcdefghijklmnopqrst", "n", 65404},
		{"nickname 17 characters", "bob@gh_wxsuite", strings.Repeat("客", 17), 65403},
		{"nickname 16 characters", "bob@gh_wxsuite", strings.Repeat("客", 16), 0},
		{"missing nickname", "carol@gh_wxsuite", "", 41011},
	} {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, add(tt.account, tt.nick), tt.want) })
	}
	wantCode(t, kfPost(t, env, token, "/customservice/kfaccount/update", map[string]string{"kf_account": "alice@gh_wxsuite", "nickname": "艾"}), 0)
	wantCode(t, kfPost(t, env, token, "/customservice/kfaccount/update", map[string]string{"kf_account": "nobody@gh_wxsuite", "nickname": "x"}), 65401)

	// Invitations: waiting → another invite refused → accepted → bound.
	invite := func(account, wx string) reply {
		return kfPost(t, env, token, "/customservice/kfaccount/inviteworker", map[string]string{"kf_account": account, "invite_wx": wx})
	}
	wantCode(t, invite("alice@gh_wxsuite", "alice_wx"), 0)
	wantCode(t, invite("alice@gh_wxsuite", "alice_wx2"), 65411)
	wantCode(t, invite("bob@gh_wxsuite", "alice_wx"), 65408)
	wantCode(t, invite("bob@gh_wxsuite", "1bad"), 65409)
	wantCode(t, invite("nobody@gh_wxsuite", "alice_wx"), 65401)
	list := kfGet(t, env, token, "/cgi-bin/customservice/getkflist", nil)
	if !strings.Contains(list.Raw, `"invite_status":"waiting"`) || !strings.Contains(list.Raw, `"invite_wx":"alice_wx"`) {
		t.Errorf("getkflist while waiting = %s", list.Raw)
	}
	if err := env.Sandbox.AnswerKfInvitation(sandbox.DemoAppID, "alice@gh_wxsuite", true); err != nil {
		t.Fatal(err)
	}
	if err := env.Sandbox.AnswerKfInvitation(sandbox.DemoAppID, "alice@gh_wxsuite", true); !errors.Is(err, sandbox.ErrKfState) {
		t.Errorf("second answer: %v", err)
	}
	wantCode(t, invite("alice@gh_wxsuite", "alice_wx3"), 65412)
	wantCode(t, invite("bob@gh_wxsuite", "alice_wx"), 65407)
	list = kfGet(t, env, token, "/cgi-bin/customservice/getkflist", nil)
	if !strings.Contains(list.Raw, `"kf_wx":"alice_wx"`) || strings.Contains(list.Raw, `"invite_status"`) {
		t.Errorf("getkflist after binding = %s", list.Raw)
	}
	// An invitation lapses after 7 days; a new one is then allowed.
	wantCode(t, invite("bob@gh_wxsuite", "bob_wx"), 0)
	env.Sandbox.Advance(7*24*time.Hour + time.Second)
	token = fetchToken(t, env)
	if list := kfGet(t, env, token, "/cgi-bin/customservice/getkflist", nil); !strings.Contains(list.Raw, `"invite_status":"expired"`) {
		t.Errorf("getkflist after 7 days = %s", list.Raw)
	}
	wantCode(t, invite("bob@gh_wxsuite", "bob_wx"), 0)

	// Avatar upload: multipart "media", JPEG or PNG.
	upload := func(account string, content []byte) reply {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("media", "a.jpg")
		_, _ = fw.Write(content)
		_ = mw.Close()
		u := env.URL + "/customservice/kfaccount/uploadheadimg?" + url.Values{"access_token": {token}, "kf_account": {account}}.Encode()
		resp, err := env.Client.Post(u, mw.FormDataContentType(), &buf)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r reply
		_ = json.NewDecoder(resp.Body).Decode(&r)
		return r
	}
	jpeg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, make([]byte, 64)...)
	if r := upload("alice@gh_wxsuite", jpeg); r.Errcode != 0 {
		t.Errorf("upload jpeg: %d %s", r.Errcode, r.Errmsg)
	}
	if r := upload("alice@gh_wxsuite", []byte("not an image")); r.Errcode != 40005 {
		t.Errorf("upload text: %d, want 40005", r.Errcode)
	}
	if r := upload("nobody@gh_wxsuite", jpeg); r.Errcode != 65401 {
		t.Errorf("upload for unknown account: %d, want 65401", r.Errcode)
	}
	if list := kfGet(t, env, token, "/cgi-bin/customservice/getkflist", nil); !strings.Contains(list.Raw, `"kf_headimgurl":"http`) {
		t.Errorf("no avatar URL after upload: %s", list.Raw)
	}

	wantCode(t, kfGet(t, env, token, "/customservice/kfaccount/del", url.Values{"kf_account": {"bob@gh_wxsuite"}}), 0)
	wantCode(t, kfGet(t, env, token, "/customservice/kfaccount/del", url.Values{"kf_account": {"bob@gh_wxsuite"}}), 65401)
}

// kfSetup adds the bound, online agent alice and returns a token.
func kfSetup(t *testing.T, env *sandboxtest.Env) string {
	t.Helper()
	token := fetchToken(t, env)
	wantCode(t, kfPost(t, env, token, "/customservice/kfaccount/add", map[string]string{"kf_account": "alice@gh_wxsuite", "nickname": "alice"}), 0)
	wantCode(t, kfPost(t, env, token, "/customservice/kfaccount/inviteworker", map[string]string{"kf_account": "alice@gh_wxsuite", "invite_wx": "alice_wx"}), 0)
	if err := env.Sandbox.AnswerKfInvitation(sandbox.DemoAppID, "alice@gh_wxsuite", true); err != nil {
		t.Fatal(err)
	}
	return token
}

func TestKfSessionLifeCycle(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{NoRID: true})
	token := kfSetup(t, env)
	wantCode(t, kfPost(t, env, token, "/customservice/kfaccount/add", map[string]string{"kf_account": "bob@gh_wxsuite", "nickname": "bob"}), 0)
	u := env.AddUser(t, sandbox.DemoAppID, sandbox.User{})
	session := func(path, account string) reply {
		return kfPost(t, env, token, path, map[string]string{"kf_account": account, "openid": u.OpenID})
	}
	wantCode(t, session("/customservice/kfsession/create", "bob@gh_wxsuite"), 65402)
	wantCode(t, session("/customservice/kfsession/create", "alice@gh_wxsuite"), 65415)
	if err := env.Sandbox.SetKfOnline(sandbox.DemoAppID, "alice@gh_wxsuite", true, 2); err != nil {
		t.Fatal(err)
	}
	wantCode(t, session("/customservice/kfsession/create", "nobody@gh_wxsuite"), 65401)
	wantCode(t, kfPost(t, env, token, "/customservice/kfsession/create", map[string]string{"kf_account": "alice@gh_wxsuite", "openid": "o-nobody"}), 40003)
	wantCode(t, session("/customservice/kfsession/create", "alice@gh_wxsuite"), 0)
	wantCode(t, session("/customservice/kfsession/create", "alice@gh_wxsuite"), 0) // same session again: unchanged

	got := kfGet(t, env, token, "/customservice/kfsession/getsession", url.Values{"openid": {u.OpenID}})
	if !strings.Contains(got.Raw, `"kf_account":"alice@gh_wxsuite"`) || !strings.Contains(got.Raw, `"createtime":`+strconv.FormatInt(start.Unix(), 10)) {
		t.Errorf("getsession = %s", got.Raw)
	}
	if l := kfGet(t, env, token, "/customservice/kfsession/getsessionlist", url.Values{"kf_account": {"alice@gh_wxsuite"}}); !strings.Contains(l.Raw, u.OpenID) {
		t.Errorf("getsessionlist = %s", l.Raw)
	}
	if l := kfGet(t, env, token, "/cgi-bin/customservice/getonlinekflist", nil); !strings.Contains(l.Raw, `"accepted_case":1`) || !strings.Contains(l.Raw, `"auto_accept":2`) {
		t.Errorf("getonlinekflist = %s", l.Raw)
	}
	// A message keeps the session open; 30 idle minutes close it.
	env.Sandbox.Advance(20 * time.Minute)
	if err := env.Sandbox.AddKfMessage(sandbox.DemoAppID, u.OpenID, sandbox.KfFromUser, "hi"); err != nil {
		t.Fatal(err)
	}
	env.Sandbox.Advance(29 * time.Minute)
	if got := kfGet(t, env, token, "/customservice/kfsession/getsession", url.Values{"openid": {u.OpenID}}); !strings.Contains(got.Raw, "alice@gh_wxsuite") {
		t.Errorf("session closed after 29 idle minutes: %s", got.Raw)
	}
	env.Sandbox.Advance(time.Minute)
	if got := kfGet(t, env, token, "/customservice/kfsession/getsession", url.Values{"openid": {u.OpenID}}); !strings.Contains(got.Raw, `"kf_account":""`) {
		t.Errorf("session open after 30 idle minutes: %s", got.Raw)
	}
	if err := env.Sandbox.AddKfMessage(sandbox.DemoAppID, u.OpenID, sandbox.KfFromAgent, "late"); !errors.Is(err, sandbox.ErrKfState) {
		t.Errorf("message without a session: %v", err)
	}
	wantCode(t, session("/customservice/kfsession/close", "alice@gh_wxsuite"), 65413)
	wantCode(t, session("/customservice/kfsession/create", "alice@gh_wxsuite"), 0)
	wantCode(t, session("/customservice/kfsession/close", "bob@gh_wxsuite"), 65413)
	wantCode(t, session("/customservice/kfsession/close", "alice@gh_wxsuite"), 0)
}

func TestKfWaitingQueue(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{NoRID: true})
	token := kfSetup(t, env)
	users := make([]sandbox.User, 4)
	for i := range users {
		users[i] = env.AddUser(t, sandbox.DemoAppID, sandbox.User{})
	}
	// Nobody online: everyone waits, in arrival order.
	for i, u := range users[:3] {
		worker, err := env.Sandbox.TransferToKf(sandbox.DemoAppID, u.OpenID, "")
		if err != nil || worker != "" {
			t.Fatalf("transfer %d: %q %v", i, worker, err)
		}
		env.Sandbox.Advance(time.Second)
	}
	var wait struct {
		Count        int `json:"count"`
		WaitCaseList []struct {
			OpenID string `json:"openid"`
		} `json:"waitcaselist"`
	}
	r := kfGet(t, env, token, "/customservice/kfsession/getwaitcase", nil)
	if err := json.Unmarshal([]byte(r.Raw), &wait); err != nil || wait.Count != 3 || wait.WaitCaseList[0].OpenID != users[0].OpenID {
		t.Fatalf("getwaitcase = %s", r.Raw)
	}
	// A named bound agent takes the user even offline; online agents take from capacity.
	if worker, err := env.Sandbox.TransferToKf(sandbox.DemoAppID, users[3].OpenID, "alice@gh_wxsuite"); err != nil || worker != "alice@gh_wxsuite" {
		t.Fatalf("transfer to named agent: %q %v", worker, err)
	}
	if err := env.Sandbox.SetKfOnline(sandbox.DemoAppID, "alice@gh_wxsuite", true, 2); err != nil {
		t.Fatal(err)
	}
	if worker, _ := env.Sandbox.TransferToKf(sandbox.DemoAppID, users[0].OpenID, ""); worker != "alice@gh_wxsuite" {
		t.Errorf("transfer with capacity: %q", worker)
	}
	if worker, _ := env.Sandbox.TransferToKf(sandbox.DemoAppID, users[1].OpenID, ""); worker != "" {
		t.Errorf("transfer over auto_accept 2: %q, want waiting", worker)
	}
	r = kfGet(t, env, token, "/customservice/kfsession/getwaitcase", nil)
	if err := json.Unmarshal([]byte(r.Raw), &wait); err != nil || wait.Count != 2 || wait.WaitCaseList[0].OpenID != users[1].OpenID {
		t.Errorf("getwaitcase after assignment = %s", r.Raw)
	}
	// kfsession/create takes a user out of the queue.
	wantCode(t, kfPost(t, env, token, "/customservice/kfsession/create", map[string]string{"kf_account": "alice@gh_wxsuite", "openid": users[2].OpenID}), 0)
	r = kfGet(t, env, token, "/customservice/kfsession/getwaitcase", nil)
	if err := json.Unmarshal([]byte(r.Raw), &wait); err != nil || wait.Count != 1 {
		t.Errorf("getwaitcase after create = %s", r.Raw)
	}
	if _, err := env.Sandbox.TransferToKf(sandbox.DemoAppID, users[1].OpenID, "nobody@gh_wxsuite"); !errors.Is(err, sandbox.ErrUnknownKfAccount) {
		t.Errorf("transfer to unknown agent: %v", err)
	}
}

// TestKfMsgListPaging reads records across pages and checks the window limits.
func TestKfMsgListPaging(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{NoRID: true})
	token := kfSetup(t, env)
	if err := env.Sandbox.SetKfOnline(sandbox.DemoAppID, "alice@gh_wxsuite", true, 0); err != nil {
		t.Fatal(err)
	}
	u := env.AddUser(t, sandbox.DemoAppID, sandbox.User{})
	if _, err := env.Sandbox.TransferToKf(sandbox.DemoAppID, u.OpenID, ""); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		dir := sandbox.KfFromUser
		if i%2 == 1 {
			dir = sandbox.KfFromAgent
		}
		if err := env.Sandbox.AddKfMessage(sandbox.DemoAppID, u.OpenID, dir, "m"+strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
		env.Sandbox.Advance(time.Minute)
	}
	type page struct {
		RecordList []struct {
			Opercode int    `json:"opercode"`
			Text     string `json:"text"`
			Worker   string `json:"worker"`
		} `json:"recordlist"`
		Number int   `json:"number"`
		MsgID  int64 `json:"msgid"`
	}
	list := func(startTime, endTime, msgID, number int64) (page, reply) {
		r := kfPost(t, env, token, "/customservice/msgrecord/getmsglist", map[string]int64{"starttime": startTime, "endtime": endTime, "msgid": msgID, "number": number})
		var p page
		_ = json.Unmarshal([]byte(r.Raw), &p)
		return p, r
	}
	s0 := start.Unix()
	var texts []string
	for msgID := int64(1); ; {
		p, r := list(s0, s0+3600, msgID, 2)
		if r.Errcode != 0 {
			t.Fatalf("getmsglist: %s", r.Raw)
		}
		for _, rec := range p.RecordList {
			texts = append(texts, rec.Text)
		}
		if p.Number < 2 {
			break
		}
		msgID = p.MsgID
	}
	if strings.Join(texts, ",") != "m0,m1,m2,m3,m4" {
		t.Errorf("paged records = %v", texts)
	}
	if p, _ := list(s0, s0+3600, 1, 10); p.RecordList[0].Opercode != 2003 || p.RecordList[1].Opercode != 2002 || p.RecordList[0].Worker != "alice@gh_wxsuite" {
		t.Errorf("records = %+v", p.RecordList)
	}
	if p, _ := list(s0+60, s0+120, 1, 10); p.Number != 2 {
		t.Errorf("records in [+60s, +120s] = %d, want 2 (both ends inclusive)", p.Number)
	}
	for _, tt := range []struct {
		name                   string
		start, end, id, number int64
		want                   int
	}{
		{"24 hours", s0, s0 + 86400, 1, 10, 0},
		{"over 24 hours", s0, s0 + 86401, 1, 10, 65417},
		{"end before start", s0, s0 - 1, 1, 10, 65416},
		{"msgid 0", s0, s0 + 10, 0, 10, 65416},
		{"number 10001", s0, s0 + 10, 1, 10001, 65416},
		{"number 10000", s0, s0 + 10, 1, 10000, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, r := list(tt.start, tt.end, tt.id, tt.number)
			wantCode(t, r, tt.want)
		})
	}
	wantCode(t, kfPost(t, env, token, "/customservice/msgrecord/getmsglist", map[string]int64{"starttime": s0}), 65416)
}

func TestKfAdminRPCs(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{NoRID: true})
	token := fetchToken(t, env)
	ctx := t.Context()
	wantCode(t, kfPost(t, env, token, "/customservice/kfaccount/add", map[string]string{"kf_account": "alice@gh_wxsuite", "nickname": "alice"}), 0)
	u := env.AddUser(t, sandbox.DemoAppID, sandbox.User{})

	_, err := env.Admin.AnswerKfInvitation(ctx, &sandboxv1.AnswerKfInvitationRequest{AppId: sandbox.DemoAppID, KfAccount: "alice@gh_wxsuite", Accept: true})
	wantConnectCode(t, err, connect.CodeFailedPrecondition)
	_, err = env.Admin.SetKfOnline(ctx, &sandboxv1.SetKfOnlineRequest{AppId: sandbox.DemoAppID, KfAccount: "alice@gh_wxsuite", Online: true})
	wantConnectCode(t, err, connect.CodeFailedPrecondition)
	wantCode(t, kfPost(t, env, token, "/customservice/kfaccount/inviteworker", map[string]string{"kf_account": "alice@gh_wxsuite", "invite_wx": "alice_wx"}), 0)
	if _, err := env.Admin.AnswerKfInvitation(ctx, &sandboxv1.AnswerKfInvitationRequest{AppId: sandbox.DemoAppID, KfAccount: "alice@gh_wxsuite", Accept: true}); err != nil {
		t.Fatal(err)
	}
	_, err = env.Admin.AnswerKfInvitation(ctx, &sandboxv1.AnswerKfInvitationRequest{AppId: sandbox.DemoAppID, KfAccount: "nobody@gh_wxsuite"})
	wantConnectCode(t, err, connect.CodeNotFound)
	_, err = env.Admin.AnswerKfInvitation(ctx, &sandboxv1.AnswerKfInvitationRequest{AppId: sandbox.DemoAppID})
	wantConnectCode(t, err, connect.CodeInvalidArgument)
	if _, err := env.Admin.SetKfOnline(ctx, &sandboxv1.SetKfOnlineRequest{AppId: sandbox.DemoAppID, KfAccount: "alice@gh_wxsuite", Online: true, AutoAccept: 1}); err != nil {
		t.Fatal(err)
	}
	_, err = env.Admin.AddKfMessage(ctx, &sandboxv1.AddKfMessageRequest{AppId: sandbox.DemoAppID, Openid: u.OpenID, Direction: sandboxv1.KfMessageDirection_KF_MESSAGE_DIRECTION_FROM_USER, Text: "hi"})
	wantConnectCode(t, err, connect.CodeFailedPrecondition)
	tr, err := env.Admin.TransferToKf(ctx, &sandboxv1.TransferToKfRequest{AppId: sandbox.DemoAppID, Openid: u.OpenID})
	if err != nil || tr.GetKfAccount() != "alice@gh_wxsuite" || tr.GetWaiting() {
		t.Fatalf("TransferToKf = %v, %v", tr, err)
	}
	u2 := env.AddUser(t, sandbox.DemoAppID, sandbox.User{})
	tr, err = env.Admin.TransferToKf(ctx, &sandboxv1.TransferToKfRequest{AppId: sandbox.DemoAppID, Openid: u2.OpenID})
	if err != nil || !tr.GetWaiting() {
		t.Errorf("TransferToKf over capacity = %v, %v", tr, err)
	}
	if _, err := env.Admin.AddKfMessage(ctx, &sandboxv1.AddKfMessageRequest{AppId: sandbox.DemoAppID, Openid: u.OpenID, Direction: sandboxv1.KfMessageDirection_KF_MESSAGE_DIRECTION_FROM_AGENT, Text: "hello"}); err != nil {
		t.Fatal(err)
	}
	_, err = env.Admin.AddKfMessage(ctx, &sandboxv1.AddKfMessageRequest{AppId: sandbox.DemoAppID, Openid: u.OpenID, Text: "x"})
	wantConnectCode(t, err, connect.CodeInvalidArgument)
	r := kfPost(t, env, token, "/customservice/msgrecord/getmsglist", map[string]int64{"starttime": start.Unix(), "endtime": start.Unix() + 10, "msgid": 1, "number": 10})
	if !strings.Contains(r.Raw, `"text":"hello"`) || !strings.Contains(r.Raw, `"opercode":2002`) {
		t.Errorf("getmsglist = %s", r.Raw)
	}
}

// TestKfAndMenuAdminOverREST drives the admin RPCs through the sandbox server's REST
// gateway, with "@" in kf_account paths, as the docs show.
func TestKfAndMenuAdminOverREST(t *testing.T) {
	t.Parallel()
	sb := sandbox.New(sandbox.Options{Accounts: []sandbox.Account{sandbox.DemoAccount()}, NoRID: true})
	srv, err := sandboxserver.New(sb, rpcserver.Config{Addr: "127.0.0.1:0"}, nil, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop(ctx) })
	token, _, err := sb.IssueToken(sandbox.DemoAppID)
	if err != nil {
		t.Fatal(err)
	}
	post := func(path, body string) (int, string) {
		resp, err := http.Post(srv.URL()+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	api := func(path, body string) string {
		_, b := post(path+"?access_token="+url.QueryEscape(token), body)
		return b
	}
	if got := api("/customservice/kfaccount/add", `{"kf_account":"alice@gh_wxsuite","nickname":"alice"}`); !strings.Contains(got, `"errcode":0`) {
		t.Fatalf("kfaccount/add: %s", got)
	}
	_ = api("/customservice/kfaccount/inviteworker", `{"kf_account":"alice@gh_wxsuite","invite_wx":"alice_wx"}`)
	base := "/v1/sandbox/accounts/" + sandbox.DemoAppID
	for _, step := range []struct{ path, body string }{
		{base + "/kf-accounts/alice@gh_wxsuite:answerInvitation", `{"accept":true}`},
		{base + "/kf-accounts/alice@gh_wxsuite:setOnline", `{"online":true}`},
		{base + "/users", `{"user":{"openid":"o-rest-user"}}`},
		{base + "/users/o-rest-user:transferToKf", `{}`},
		{base + "/users/o-rest-user:addKfMessage", `{"direction":"KF_MESSAGE_DIRECTION_FROM_USER","text":"你好"}`},
		{base + "/menu:setOptions", `{"allow_privacy_rules":true}`},
		{base + "/menu:setConsole", `{"selfmenu_info_json":"{\"button\":[]}","menu_open":true}`},
		{base + "/autoreply:set", `{"json":"{\"is_autoreply_open\":1}"}`},
	} {
		if status, body := post(step.path, step.body); status != http.StatusOK {
			t.Fatalf("POST %s: %d %s", step.path, status, body)
		}
	}
	if got := api("/customservice/msgrecord/getmsglist", `{"starttime":1,"endtime":86401,"msgid":1,"number":10}`); strings.Contains(got, "你好") {
		t.Errorf("a record outside the window: %s", got)
	}
	now := sb.Now().Unix()
	if got := api("/customservice/msgrecord/getmsglist", fmt.Sprintf(`{"starttime":%d,"endtime":%d,"msgid":1,"number":10}`, now-60, now)); !strings.Contains(got, "你好") {
		t.Errorf("getmsglist: %s", got)
	}
	if status, body := post(base+"/users/o-rest-user:clickMenu", `{"key":"nothing"}`); status != http.StatusBadRequest {
		t.Errorf("clickMenu without a menu: %d %s", status, body)
	}
}
