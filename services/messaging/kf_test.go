package messaging_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/sandbox"
)

const kfAlice = "alice@gh_wxsuite"

// kfBound creates the bound agent alice (online when online is set).
func kfBound(t *testing.T, a *manageApp, online bool, autoAccept int) {
	t.Helper()
	ctx := t.Context()
	if _, err := a.kf.CreateKfAccount(ctx, &messagingv1.CreateKfAccountRequest{AppId: a.appID, KfAccount: kfAlice, Nickname: "小艾"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.kf.InviteKfWorker(ctx, &messagingv1.InviteKfWorkerRequest{AppId: a.appID, KfAccount: kfAlice, InviteWx: "alice_wx"}); err != nil {
		t.Fatal(err)
	}
	a.sb.AcceptKfInvitation(t, a.appID, kfAlice)
	if online {
		a.sb.SetKfOnline(t, a.appID, kfAlice, true, autoAccept)
	}
}

func TestKfAccounts(t *testing.T) {
	t.Parallel()
	a := startManage(t)
	ctx := t.Context()
	// Invalid input is refused before anything is sent.
	for _, tt := range []struct {
		name, account, nick, want string
	}{
		{"no account", "", "n", "kf_account is required"},
		{"no suffix", "alice", "n", "kf_account must be \"prefix@wechat_id\""},
		{"prefix 11", "abcdefghijk@gh_wxsuite", "n", "kf_account must be"},
		{"over 30", "abcdefghij@gh_wxsuite_abcdefghi", "n", "kf_account is 31 characters"},
		{"nickname 17", kfAlice, strings.Repeat("客", 17), "nickname is 17 characters"},
		{"blank nickname", kfAlice, " ", "nickname is required"},
	} {
		_, err := a.kf.CreateKfAccount(ctx, &messagingv1.CreateKfAccountRequest{AppId: a.appID, KfAccount: tt.account, Nickname: tt.nick})
		wantCode(t, err, connect.CodeInvalidArgument, tt.want)
	}
	if n := a.upstreamCalls("/customservice/kfaccount/add"); n != 0 {
		t.Errorf("kfaccount/add sent %d times for invalid input", n)
	}
	kfBound(t, a, false, 0)
	_, err := a.kf.CreateKfAccount(ctx, &messagingv1.CreateKfAccountRequest{AppId: a.appID, KfAccount: kfAlice, Nickname: "again"})
	wantCode(t, err, connect.CodeAlreadyExists, "")
	if wechatErrcode(err) != 65406 {
		t.Errorf("errcode = %d", wechatErrcode(err))
	}
	_, err = a.kf.UpdateKfAccount(ctx, &messagingv1.UpdateKfAccountRequest{AppId: a.appID, KfAccount: "bob@gh_wxsuite", Nickname: "bob"})
	wantCode(t, err, connect.CodeNotFound, "")
	if _, err := a.kf.UpdateKfAccount(ctx, &messagingv1.UpdateKfAccountRequest{AppId: a.appID, KfAccount: kfAlice, Nickname: "艾丽丝"}); err != nil {
		t.Fatal(err)
	}
	jpeg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, make([]byte, 100)...)
	if _, err := a.kf.UploadKfAvatar(ctx, &messagingv1.UploadKfAvatarRequest{AppId: a.appID, KfAccount: kfAlice, Image: jpeg}); err != nil {
		t.Fatalf("UploadKfAvatar: %v", err)
	}
	_, err = a.kf.UploadKfAvatar(ctx, &messagingv1.UploadKfAvatarRequest{AppId: a.appID, KfAccount: kfAlice, Image: []byte("GIF89a....")})
	wantCode(t, err, connect.CodeInvalidArgument, "image must be a JPEG or PNG")
	_, err = a.kf.UploadKfAvatar(ctx, &messagingv1.UploadKfAvatarRequest{AppId: a.appID, KfAccount: kfAlice, Image: make([]byte, 5<<20+1)})
	wantCode(t, err, connect.CodeInvalidArgument, "image is 5242881 bytes")
	_, err = a.kf.UploadKfAvatar(ctx, &messagingv1.UploadKfAvatarRequest{AppId: a.appID, KfAccount: "bob@gh_wxsuite", Image: jpeg})
	wantCode(t, err, connect.CodeNotFound, "")

	list, err := a.kf.ListKfAccounts(ctx, &messagingv1.ListKfAccountsRequest{AppId: a.appID})
	if err != nil || len(list.GetKfAccounts()) != 1 {
		t.Fatalf("ListKfAccounts = %v, %v", list, err)
	}
	k := list.GetKfAccounts()[0]
	if k.GetKfWx() != "alice_wx" || k.GetNickname() != "艾丽丝" || !strings.HasPrefix(k.GetHeadimgurl(), "http") || k.GetKfId() == "" ||
		k.GetInviteStatus() != messagingv1.KfInviteStatus_KF_INVITE_STATUS_UNSPECIFIED {
		t.Errorf("account = %v", k)
	}
	// A second account with a waiting invitation, then a re-invite while it waits.
	if _, err := a.kf.CreateKfAccount(ctx, &messagingv1.CreateKfAccountRequest{AppId: a.appID, KfAccount: "bob@gh_wxsuite", Nickname: "bob"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.kf.InviteKfWorker(ctx, &messagingv1.InviteKfWorkerRequest{AppId: a.appID, KfAccount: "bob@gh_wxsuite", InviteWx: "bob_wx"}); err != nil {
		t.Fatal(err)
	}
	_, err = a.kf.InviteKfWorker(ctx, &messagingv1.InviteKfWorkerRequest{AppId: a.appID, KfAccount: "bob@gh_wxsuite", InviteWx: "bob_wx2"})
	wantCode(t, err, connect.CodeFailedPrecondition, "")
	_, err = a.kf.InviteKfWorker(ctx, &messagingv1.InviteKfWorkerRequest{AppId: a.appID, KfAccount: "bob@gh_wxsuite", InviteWx: "bad wx"})
	wantCode(t, err, connect.CodeInvalidArgument, "invite_wx must be a WeChat ID")
	list, _ = a.kf.ListKfAccounts(ctx, &messagingv1.ListKfAccountsRequest{AppId: a.appID})
	if b := list.GetKfAccounts()[1]; b.GetInviteStatus() != messagingv1.KfInviteStatus_KF_INVITE_STATUS_WAITING || b.GetInviteWx() != "bob_wx" || b.GetInviteExpireTime() == nil {
		t.Errorf("invited account = %v", b)
	}
	// The REST routes with "@" in the path and custom verbs.
	if status, body := a.rest(t, http.MethodPatch, "/v1/apps/"+a.appID+"/kf-accounts/bob@gh_wxsuite", []byte(`{"nickname":"鲍勃"}`)); status != http.StatusOK {
		t.Errorf("PATCH kf-accounts/bob: %d %s", status, body)
	}
	if status, body := a.rest(t, http.MethodPost, "/v1/apps/"+a.appID+"/kf-accounts/bob@gh_wxsuite:invite", []byte(`{"invite_wx":"bob_wx3"}`)); status != http.StatusBadRequest || !strings.Contains(string(body), "65411") {
		t.Errorf("POST kf-accounts/bob:invite while waiting: %d %s", status, body)
	}
	if status, body := a.rest(t, http.MethodGet, "/v1/apps/"+a.appID+"/kf-accounts:online", nil); status != http.StatusOK || string(body) != "{}" {
		t.Errorf("GET kf-accounts:online: %d %s", status, body)
	}
	if status, body := a.rest(t, http.MethodGet, "/v1/apps/"+a.appID+"/kf-accounts", nil); status != http.StatusOK || !strings.Contains(string(body), `"nickname":"鲍勃"`) {
		t.Errorf("GET kf-accounts: %d %s", status, body)
	}
	if _, err := a.kf.DeleteKfAccount(ctx, &messagingv1.DeleteKfAccountRequest{AppId: a.appID, KfAccount: "bob@gh_wxsuite"}); err != nil {
		t.Fatal(err)
	}
	_, err = a.kf.DeleteKfAccount(ctx, &messagingv1.DeleteKfAccountRequest{AppId: a.appID, KfAccount: "bob@gh_wxsuite"})
	wantCode(t, err, connect.CodeNotFound, "")
}

// TestKfSessionLifeCycle follows a session from the waiting queue to its idle close.
func TestKfSessionLifeCycle(t *testing.T) {
	t.Parallel()
	a := startManage(t)
	ctx := t.Context()
	kfBound(t, a, false, 0)
	u1 := a.sb.AddUser(t, a.appID, sandbox.User{})
	u2 := a.sb.AddUser(t, a.appID, sandbox.User{})
	_, err := a.kf.CreateKfSession(ctx, &messagingv1.CreateKfSessionRequest{AppId: a.appID, KfAccount: kfAlice, Openid: u1.OpenID})
	wantCode(t, err, connect.CodeFailedPrecondition, "") // 65415: not online
	a.sb.SetKfOnline(t, a.appID, kfAlice, true, 1)
	if _, err := a.kf.CreateKfSession(ctx, &messagingv1.CreateKfSessionRequest{AppId: a.appID, KfAccount: kfAlice, Openid: u1.OpenID}); err != nil {
		t.Fatal(err)
	}
	if w := a.sb.TransferToKf(t, a.appID, u2.OpenID, ""); w != "" {
		t.Fatalf("u2 got agent %q over auto_accept 1", w)
	}
	wait, err := a.kf.ListKfWaitingCases(ctx, &messagingv1.ListKfWaitingCasesRequest{AppId: a.appID})
	if err != nil || wait.GetCount() != 1 || wait.GetWaitingCases()[0].GetOpenid() != u2.OpenID || wait.GetWaitingCases()[0].GetLatestTime() == nil {
		t.Fatalf("waiting = %v, %v", wait, err)
	}
	online, err := a.kf.ListOnlineKfAccounts(ctx, &messagingv1.ListOnlineKfAccountsRequest{AppId: a.appID})
	if err != nil || len(online.GetKfAccounts()) != 1 || online.GetKfAccounts()[0].GetAcceptedCase() != 1 || online.GetKfAccounts()[0].GetAutoAccept() != 1 {
		t.Errorf("online = %v, %v", online, err)
	}
	got, err := a.kf.GetKfSession(ctx, &messagingv1.GetKfSessionRequest{AppId: a.appID, Openid: u1.OpenID})
	if err != nil || got.GetKfAccount() != kfAlice || got.GetCreateTime() == nil {
		t.Errorf("GetKfSession = %v, %v", got, err)
	}
	sessions, err := a.kf.ListKfSessions(ctx, &messagingv1.ListKfSessionsRequest{AppId: a.appID, KfAccount: kfAlice})
	if err != nil || len(sessions.GetSessions()) != 1 || sessions.GetSessions()[0].GetOpenid() != u1.OpenID {
		t.Errorf("ListKfSessions = %v, %v", sessions, err)
	}
	_, err = a.kf.ListKfSessions(ctx, &messagingv1.ListKfSessionsRequest{AppId: a.appID, KfAccount: "bob@gh_wxsuite"})
	wantCode(t, err, connect.CodeNotFound, "")
	// Closing frees the agent; the waiting user is then taken through CreateKfSession.
	if _, err := a.kf.CloseKfSession(ctx, &messagingv1.CloseKfSessionRequest{AppId: a.appID, KfAccount: kfAlice, Openid: u1.OpenID}); err != nil {
		t.Fatal(err)
	}
	_, err = a.kf.CloseKfSession(ctx, &messagingv1.CloseKfSessionRequest{AppId: a.appID, KfAccount: kfAlice, Openid: u1.OpenID})
	wantCode(t, err, connect.CodeFailedPrecondition, "") // 65413
	if _, err := a.kf.CreateKfSession(ctx, &messagingv1.CreateKfSessionRequest{AppId: a.appID, KfAccount: kfAlice, Openid: u2.OpenID}); err != nil {
		t.Fatal(err)
	}
	if wait, _ := a.kf.ListKfWaitingCases(ctx, &messagingv1.ListKfWaitingCasesRequest{AppId: a.appID}); wait.GetCount() != 0 {
		t.Errorf("waiting after create = %v", wait)
	}
	// 30 idle minutes end the session on the sandbox clock.
	a.sb.Sandbox.Advance(30 * time.Minute)
	got, err = a.kf.GetKfSession(ctx, &messagingv1.GetKfSessionRequest{AppId: a.appID, Openid: u2.OpenID})
	if err != nil || got.GetKfAccount() != "" || got.GetCreateTime() != nil {
		t.Errorf("GetKfSession after 30 idle minutes = %v, %v", got, err)
	}
	_, err = a.kf.GetKfSession(ctx, &messagingv1.GetKfSessionRequest{AppId: a.appID, Openid: "bad openid"})
	wantCode(t, err, connect.CodeInvalidArgument, "openid must be an openid")
}

// TestKfMessageRecordsAcrossWindows streams records that span two 24-hour windows in
// small pages.
func TestKfMessageRecordsAcrossWindows(t *testing.T) {
	t.Parallel()
	a := startManage(t)
	ctx := t.Context()
	kfBound(t, a, true, 0)
	u := a.sb.AddUser(t, a.appID, sandbox.User{})
	from := a.sb.Sandbox.Now().Add(-time.Minute)
	var want []string
	say := func(text string, dir sandbox.KfDirection) {
		a.sb.AddKfMessage(t, a.appID, u.OpenID, dir, text)
		want = append(want, text)
		a.sb.Sandbox.Advance(time.Minute)
	}
	a.sb.TransferToKf(t, a.appID, u.OpenID, "")
	say("你好", sandbox.KfFromUser)
	say("您好，请问有什么可以帮您", sandbox.KfFromAgent)
	say("[image]", sandbox.KfFromUser)
	a.sb.Sandbox.Advance(25 * time.Hour) // the session closes; a new one starts tomorrow
	a.sb.TransferToKf(t, a.appID, u.OpenID, "")
	say("still there?", sandbox.KfFromUser)
	say("yes", sandbox.KfFromAgent)
	to := a.sb.Sandbox.Now()

	stream, err := a.kf.StreamKfMessageRecords(ctx, &messagingv1.StreamKfMessageRecordsRequest{
		AppId: a.appID, StartTime: timestamppb.New(from), EndTime: timestamppb.New(to), PageSize: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var pages int
	for stream.Receive() {
		p := stream.Msg()
		pages++
		if span := p.GetWindowEndTime().AsTime().Sub(p.GetWindowStartTime().AsTime()); span >= 24*time.Hour {
			t.Errorf("window spans %v", span)
		}
		if len(p.GetRecords()) == 0 || len(p.GetRecords()) > 2 {
			t.Errorf("page of %d records", len(p.GetRecords()))
		}
		for _, r := range p.GetRecords() {
			got = append(got, r.GetText())
			if r.GetWorker() != kfAlice || r.GetOpenid() != u.OpenID {
				t.Errorf("record = %v", r)
			}
		}
		if pages == 1 && (p.GetRecords()[0].GetOperation() != messagingv1.KfOperation_KF_OPERATION_AGENT_RECEIVED ||
			p.GetRecords()[1].GetOperation() != messagingv1.KfOperation_KF_OPERATION_AGENT_SENT || p.GetRecords()[1].GetOpercode() != 2002) {
			t.Errorf("operations = %v", p.GetRecords())
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("records = %q, want %q", got, want)
	}
	if pages != 3 {
		t.Errorf("%d pages, want 3 (2+1 in the first window, 2 in the second)", pages)
	}
	calls := a.sb.Sandbox.Calls(sandbox.CallFilter{Path: "/customservice/msgrecord/getmsglist", AppID: a.appID})
	for _, c := range calls {
		if c.Errcode == 65416 || c.Errcode == 65417 {
			t.Errorf("getmsglist answered %d: the windows break the platform's limits", c.Errcode)
		}
	}

	// Bad ranges are refused before anything is sent.
	n := len(calls)
	for _, tt := range []struct {
		name       string
		start, end *timestamppb.Timestamp
		size       int32
		want       string
	}{
		{"no start", nil, timestamppb.New(to), 0, "start_time is required"},
		{"end before start", timestamppb.New(to), timestamppb.New(from), 0, "end_time must not be before start_time"},
		{"32 days", timestamppb.New(from), timestamppb.New(from.Add(32 * 24 * time.Hour)), 0, "end_time is 768h0m0s after start_time"},
		{"page size 10001", timestamppb.New(from), timestamppb.New(to), 10001, "page_size must be 1 to 10000"},
	} {
		s, err := a.kf.StreamKfMessageRecords(ctx, &messagingv1.StreamKfMessageRecordsRequest{AppId: a.appID, StartTime: tt.start, EndTime: tt.end, PageSize: tt.size})
		if err == nil {
			for s.Receive() {
			}
			err = s.Err()
		}
		wantCode(t, err, connect.CodeInvalidArgument, tt.want)
	}
	if got := len(a.sb.Sandbox.Calls(sandbox.CallFilter{Path: "/customservice/msgrecord/getmsglist", AppID: a.appID})); got != n {
		t.Errorf("getmsglist sent for bad ranges")
	}

	// The same stream over REST (grpc-gateway, newline-delimited JSON).
	q := url.Values{"start_time": {from.UTC().Format(time.RFC3339)}, "end_time": {to.UTC().Format(time.RFC3339)}, "page_size": {"10"}}
	req, _ := http.NewRequest(http.MethodGet, a.url+"/v1/apps/"+a.appID+"/kf-message-records?"+q.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+a.key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var restTexts []string
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var line struct {
			Result struct {
				Records []struct {
					Text string `json:"text"`
				} `json:"records"`
			} `json:"result"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("REST line %q: %v", sc.Text(), err)
		}
		for _, r := range line.Result.Records {
			restTexts = append(restTexts, r.Text)
		}
	}
	if resp.StatusCode != http.StatusOK || strings.Join(restTexts, "|") != strings.Join(want, "|") {
		t.Errorf("REST stream: %d %q", resp.StatusCode, restTexts)
	}
}
