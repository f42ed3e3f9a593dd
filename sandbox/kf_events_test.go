package sandbox_test

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

// kfPush is one push the callback received, decoded (plain mode).
type kfPush struct {
	MsgType       string `xml:"MsgType"`
	Event         string `xml:"Event"`
	FromUserName  string `xml:"FromUserName"`
	ToUserName    string `xml:"ToUserName"`
	Content       string `xml:"Content"`
	KfAccount     string `xml:"KfAccount"`
	FromKfAccount string `xml:"FromKfAccount"`
	ToKfAccount   string `xml:"ToKfAccount"`
}

// kfCallback records the pushes of a plain-mode callback and acknowledges them.
type kfCallback struct {
	mu     sync.Mutex
	pushes []kfPush
}

func (c *kfCallback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var p kfPush
	_ = xml.Unmarshal(b, &p)
	c.mu.Lock()
	c.pushes = append(c.pushes, p)
	c.mu.Unlock()
	_, _ = w.Write([]byte("success"))
}

func (c *kfCallback) snapshot() []kfPush {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]kfPush(nil), c.pushes...)
}

// waitFor waits (session events are pushed in the background) until the callback has
// received n pushes, and returns them.
func (c *kfCallback) waitFor(t *testing.T, n int) []kfPush {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := c.snapshot()
		if len(got) >= n || time.Now().After(deadline) {
			if len(got) != n {
				t.Fatalf("callback got %d pushes, want %d: %+v", len(got), n, got)
			}
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// settle checks that no further push arrives (a push that should not happen would show
// up within this time: background pushes to a local server take milliseconds).
func (c *kfCallback) settle(t *testing.T, n int) []kfPush {
	t.Helper()
	time.Sleep(100 * time.Millisecond)
	return c.waitFor(t, n)
}

func kfStartWithCallback(t *testing.T) (*sandboxtest.Env, *kfCallback, string) {
	t.Helper()
	env := startFrozen(t, sandbox.Options{NoRID: true})
	cb := &kfCallback{}
	srv := httptest.NewServer(cb)
	t.Cleanup(srv.Close)
	env.SetCallback(t, sandbox.DemoAppID, srv.URL, "tok123", "", sandbox.EncryptPlain)
	token := kfSetup(t, env)
	if err := env.Sandbox.SetKfOnline(sandbox.DemoAppID, "alice@gh_wxsuite", true, 2); err != nil {
		t.Fatal(err)
	}
	return env, cb, token
}

func wantKfEvent(t *testing.T, got kfPush, event, openID string, fields map[string]string) {
	t.Helper()
	if got.MsgType != "event" || got.Event != event || got.FromUserName != openID {
		t.Errorf("push = %+v, want %s from %s", got, event, openID)
	}
	have := map[string]string{"KfAccount": got.KfAccount, "FromKfAccount": got.FromKfAccount, "ToKfAccount": got.ToKfAccount}
	for k, v := range have {
		if fields[k] != v {
			t.Errorf("%s %s = %q, want %q", event, k, v, fields[k])
		}
	}
}

// kfRecords returns the message records of the last 10 minutes of the simulated clock.
func kfRecords(t *testing.T, env *sandboxtest.Env, token string) []map[string]any {
	t.Helper()
	now := env.Sandbox.Now().Unix()
	r := kfPost(t, env, token, "/customservice/msgrecord/getmsglist", map[string]int64{"starttime": now - 600, "endtime": now, "msgid": 1, "number": 100})
	var out struct {
		RecordList []map[string]any `json:"recordlist"`
	}
	if err := json.Unmarshal([]byte(r.Raw), &out); err != nil {
		t.Fatalf("getmsglist: %s", r.Raw)
	}
	return out.RecordList
}

func TestKfSessionEventsAndRouting(t *testing.T) {
	t.Parallel()
	env, cb, token := kfStartWithCallback(t)
	// bob is a second bound, online agent, for switching.
	wantCode(t, kfPost(t, env, token, "/customservice/kfaccount/add", map[string]string{"kf_account": "bob@gh_wxsuite", "nickname": "bob"}), 0)
	wantCode(t, kfPost(t, env, token, "/customservice/kfaccount/inviteworker", map[string]string{"kf_account": "bob@gh_wxsuite", "invite_wx": "bob_wx"}), 0)
	if err := env.Sandbox.AnswerKfInvitation(sandbox.DemoAppID, "bob@gh_wxsuite", true); err != nil {
		t.Fatal(err)
	}
	if err := env.Sandbox.SetKfOnline(sandbox.DemoAppID, "bob@gh_wxsuite", true, 2); err != nil {
		t.Fatal(err)
	}
	u := env.AddUser(t, sandbox.DemoAppID, sandbox.User{})
	session := func(path, account string) reply {
		return kfPost(t, env, token, path, map[string]string{"kf_account": account, "openid": u.OpenID})
	}

	// Before any session, a text reaches the callback.
	if res := env.PushText(t, sandbox.DemoAppID, u.OpenID, "before"); res.RoutedToKf || !res.Delivered {
		t.Fatalf("text before the session: %+v", res)
	}
	cb.waitFor(t, 1)

	wantCode(t, session("/customservice/kfsession/create", "alice@gh_wxsuite"), 0)
	got := cb.waitFor(t, 2)
	wantKfEvent(t, got[1], "kf_create_session", u.OpenID, map[string]string{"KfAccount": "alice@gh_wxsuite"})
	// The same session again changes nothing and pushes nothing.
	wantCode(t, session("/customservice/kfsession/create", "alice@gh_wxsuite"), 0)

	// In the session the user's text goes to the agent, not to the callback.
	env.Sandbox.Advance(time.Minute)
	res := env.PushText(t, sandbox.DemoAppID, u.OpenID, "我要退货")
	if !res.RoutedToKf || res.KfAccount != "alice@gh_wxsuite" || res.Attempts != 0 || res.Delivered || res.MsgID == 0 ||
		!strings.Contains(res.XML, "<Content><![CDATA[我要退货]]></Content>") || !strings.Contains(res.XML, "<MsgId>"+strconv.FormatInt(res.MsgID, 10)+"</MsgId>") {
		t.Errorf("text in a session: %+v", res)
	}
	img := env.PushMessage(t, sandbox.DemoAppID, u.OpenID, sandbox.Message{Type: sandbox.MsgImage, PicURL: "http://mmbiz.qpic.cn/x"})
	if !img.RoutedToKf || img.MsgID <= res.MsgID {
		t.Errorf("image in a session: %+v", img)
	}
	// Events still reach the developer URL.
	if ev := env.PushEvent(t, sandbox.DemoAppID, u.OpenID, sandbox.Event{Event: "CLICK", EventKey: "K"}); ev.RoutedToKf || !ev.Delivered {
		t.Errorf("event in a session: %+v", ev)
	}
	got = cb.settle(t, 3)
	if got[2].Event != "CLICK" {
		t.Errorf("third push = %+v, want the CLICK", got[2])
	}
	recs := kfRecords(t, env, token)
	if len(recs) != 2 || recs[0]["opercode"] != float64(2003) || recs[0]["text"] != "我要退货" || recs[0]["worker"] != "alice@gh_wxsuite" ||
		recs[0]["openid"] != u.OpenID || recs[1]["text"] != "[image]" || recs[1]["opercode"] != float64(2003) {
		t.Errorf("records = %v", recs)
	}

	// Switching to bob, over the admin API; a user in no session cannot be switched.
	if _, err := env.Admin.SwitchKfSession(t.Context(), &sandboxv1.SwitchKfSessionRequest{AppId: sandbox.DemoAppID,
		Openid: env.AddUser(t, sandbox.DemoAppID, sandbox.User{}).OpenID, KfAccount: "bob@gh_wxsuite"}); connect.CodeOf(err) != connect.CodeFailedPrecondition {
		t.Errorf("SwitchKfSession of a user in no session: %v", err)
	}
	if _, err := env.Admin.SwitchKfSession(t.Context(), &sandboxv1.SwitchKfSessionRequest{AppId: sandbox.DemoAppID, Openid: u.OpenID}); connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("SwitchKfSession without kf_account: %v", err)
	}
	if _, err := env.Admin.SwitchKfSession(t.Context(), &sandboxv1.SwitchKfSessionRequest{AppId: sandbox.DemoAppID, Openid: u.OpenID, KfAccount: "bob@gh_wxsuite"}); err != nil {
		t.Fatal(err)
	}
	got = cb.waitFor(t, 4)
	wantKfEvent(t, got[3], "kf_switch_session", u.OpenID, map[string]string{"FromKfAccount": "alice@gh_wxsuite", "ToKfAccount": "bob@gh_wxsuite"})
	if g := kfGet(t, env, token, "/customservice/kfsession/getsession", map[string][]string{"openid": {u.OpenID}}); !strings.Contains(g.Raw, `"kf_account":"bob@gh_wxsuite"`) ||
		!strings.Contains(g.Raw, `"createtime":`+strconv.FormatInt(start.Unix(), 10)) {
		t.Errorf("getsession after the switch = %s", g.Raw)
	}
	// Over the admin API (what wxsuite dev users call), the result says where it went.
	routed, err := env.Admin.PushMessage(t.Context(), &sandboxv1.PushMessageRequest{AppId: sandbox.DemoAppID, Openid: u.OpenID,
		Message: &sandboxv1.PushMessageRequest_Text{Text: "still here"}})
	if err != nil || !routed.GetResult().GetRoutedToKf() || routed.GetResult().GetKfAccount() != "bob@gh_wxsuite" {
		t.Errorf("admin PushMessage after the switch: %v, %v", routed, err)
	}

	// Closing: kf_close_session, and the next text reaches the callback again.
	wantCode(t, session("/customservice/kfsession/close", "bob@gh_wxsuite"), 0)
	got = cb.waitFor(t, 5)
	wantKfEvent(t, got[4], "kf_close_session", u.OpenID, map[string]string{"KfAccount": "bob@gh_wxsuite"})
	if res := env.PushText(t, sandbox.DemoAppID, u.OpenID, "after close"); res.RoutedToKf || !res.Delivered {
		t.Errorf("text after close: %+v", res)
	}
	got = cb.settle(t, 6)
	if got[5].MsgType != "text" || got[5].Content != "after close" {
		t.Errorf("push after close = %+v", got[5])
	}
	if n := len(kfRecords(t, env, token)); n != 3 {
		t.Errorf("%d records, want 3 (the text after close is not one)", n)
	}
}

func TestKfSessionIdleEnd(t *testing.T) {
	t.Parallel()
	env, cb, token := kfStartWithCallback(t)
	u := env.AddUser(t, sandbox.DemoAppID, sandbox.User{})
	if w, err := env.Sandbox.TransferToKf(sandbox.DemoAppID, u.OpenID, ""); err != nil || w != "alice@gh_wxsuite" {
		t.Fatalf("transfer: %q %v", w, err)
	}
	wantKfEvent(t, cb.waitFor(t, 1)[0], "kf_create_session", u.OpenID, map[string]string{"KfAccount": "alice@gh_wxsuite"})
	// The 30 minutes run from the last message: a routed text at +20 keeps the session
	// open at +49.
	env.Sandbox.Advance(20 * time.Minute)
	if res := env.PushText(t, sandbox.DemoAppID, u.OpenID, "one"); !res.RoutedToKf {
		t.Fatalf("text at +20 min: %+v", res)
	}
	env.Sandbox.Advance(29 * time.Minute)
	if res := env.PushText(t, sandbox.DemoAppID, u.OpenID, "two"); !res.RoutedToKf {
		t.Fatalf("text 29 min after the last: %+v", res)
	}
	cb.settle(t, 1)
	// 30 minutes without a message end it: the next text reaches the callback, and the
	// close is pushed.
	env.Sandbox.Advance(30 * time.Minute)
	if res := env.PushText(t, sandbox.DemoAppID, u.OpenID, "three"); res.RoutedToKf || !res.Delivered {
		t.Errorf("text 30 min after the last: %+v", res)
	}
	got := cb.settle(t, 3)
	var closes, texts int
	for _, p := range got[1:] {
		switch {
		case p.Event == "kf_close_session":
			closes++
			wantKfEvent(t, p, "kf_close_session", u.OpenID, map[string]string{"KfAccount": "alice@gh_wxsuite"})
		case p.MsgType == "text" && p.Content == "three":
			texts++
		}
	}
	if closes != 1 || texts != 1 {
		t.Errorf("pushes after the idle end = %+v", got[1:])
	}
	if g := kfGet(t, env, token, "/customservice/kfsession/getsession", map[string][]string{"openid": {u.OpenID}}); !strings.Contains(g.Raw, `"kf_account":""`) {
		t.Errorf("getsession after the idle end = %s", g.Raw)
	}
}

func TestKfWaitingUserReachesCallback(t *testing.T) {
	t.Parallel()
	env, cb, token := kfStartWithCallback(t)
	if err := env.Sandbox.SetKfOnline(sandbox.DemoAppID, "alice@gh_wxsuite", false, 0); err != nil {
		t.Fatal(err)
	}
	u := env.AddUser(t, sandbox.DemoAppID, sandbox.User{})
	if w, err := env.Sandbox.TransferToKf(sandbox.DemoAppID, u.OpenID, ""); err != nil || w != "" {
		t.Fatalf("transfer with nobody online: %q %v", w, err)
	}
	if res := env.PushText(t, sandbox.DemoAppID, u.OpenID, "anyone?"); res.RoutedToKf || !res.Delivered {
		t.Errorf("text while waiting: %+v", res)
	}
	got := cb.settle(t, 1) // no session event for joining the queue
	if got[0].MsgType != "text" {
		t.Errorf("push = %+v", got[0])
	}
	// kfsession/create takes the waiting user: kf_create_session.
	if err := env.Sandbox.SetKfOnline(sandbox.DemoAppID, "alice@gh_wxsuite", true, 0); err != nil {
		t.Fatal(err)
	}
	wantCode(t, kfPost(t, env, token, "/customservice/kfsession/create", map[string]string{"kf_account": "alice@gh_wxsuite", "openid": u.OpenID}), 0)
	wantKfEvent(t, cb.waitFor(t, 2)[1], "kf_create_session", u.OpenID, map[string]string{"KfAccount": "alice@gh_wxsuite"})
	// Deleting the agent ends the session: kf_close_session.
	wantCode(t, kfGet(t, env, token, "/customservice/kfaccount/del", map[string][]string{"kf_account": {"alice@gh_wxsuite"}}), 0)
	wantKfEvent(t, cb.waitFor(t, 3)[2], "kf_close_session", u.OpenID, map[string]string{"KfAccount": "alice@gh_wxsuite"})
}

// TestKfEventsWithoutCallback checks that sessions work, and routing too, when the
// account has no callback URL or its callback does not answer.
func TestKfEventsWithoutCallback(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{NoRID: true})
	token := kfSetup(t, env)
	if err := env.Sandbox.SetKfOnline(sandbox.DemoAppID, "alice@gh_wxsuite", true, 0); err != nil {
		t.Fatal(err)
	}
	u := env.AddUser(t, sandbox.DemoAppID, sandbox.User{})
	wantCode(t, kfPost(t, env, token, "/customservice/kfsession/create", map[string]string{"kf_account": "alice@gh_wxsuite", "openid": u.OpenID}), 0)
	// No callback URL: a user in a session still talks to the agent.
	res, err := env.Sandbox.PushMessage(t.Context(), sandbox.DemoAppID, u.OpenID, sandbox.Message{Type: sandbox.MsgText, Content: "hi"})
	if err != nil || !res.RoutedToKf {
		t.Errorf("routed text without a callback: %+v %v", res, err)
	}
	wantCode(t, kfPost(t, env, token, "/customservice/kfsession/close", map[string]string{"kf_account": "alice@gh_wxsuite", "openid": u.OpenID}), 0)

	// A callback that never answers does not hold the API call up.
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	env.SetCallback(t, sandbox.DemoAppID, srv.URL, "tok123", "", sandbox.EncryptPlain)
	begin := time.Now()
	wantCode(t, kfPost(t, env, token, "/customservice/kfsession/create", map[string]string{"kf_account": "alice@gh_wxsuite", "openid": u.OpenID}), 0)
	if d := time.Since(begin); d > 2*time.Second {
		t.Errorf("create took %v with an unanswering callback", d)
	}
}

// TestKfRoutedMessageOpensWindow checks that a message routed to the agent opens the
// user's customer-service window (the agent answers through message/custom/send) and
// that the session events do not.
func TestKfRoutedMessageOpensWindow(t *testing.T) {
	t.Parallel()
	env, cb, token := kfStartWithCallback(t)
	u := env.AddUser(t, sandbox.DemoAppID, sandbox.User{})
	custom := func() reply {
		return kfPost(t, env, token, "/cgi-bin/message/custom/send", map[string]any{"touser": u.OpenID, "msgtype": "text", "text": map[string]string{"content": "您好"}})
	}
	wantCode(t, kfPost(t, env, token, "/customservice/kfsession/create", map[string]string{"kf_account": "alice@gh_wxsuite", "openid": u.OpenID}), 0)
	cb.waitFor(t, 1)
	wantCode(t, custom(), 45015) // kf_create_session is not the user's doing
	if res := env.PushText(t, sandbox.DemoAppID, u.OpenID, "hello"); !res.RoutedToKf {
		t.Fatalf("text in a session: %+v", res)
	}
	wantCode(t, custom(), 0)
}

// TestKfTransferByPassiveReply: a transfer_customer_service reply puts the user in a
// session with the agent it names (kf_create_session pushed, the next message routed to
// the agent); a reply naming no agent picks an online one; one naming an unknown agent
// transfers nothing.
func TestKfTransferByPassiveReply(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{NoRID: true})
	cb := &kfCallback{}
	var kfFor sync.Map // text content → KfAccount to name ("" for none)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var p kfPush
		_ = xml.Unmarshal(b, &p)
		cb.mu.Lock()
		cb.pushes = append(cb.pushes, p)
		cb.mu.Unlock()
		kf, ok := kfFor.Load(p.Content)
		if p.MsgType != "text" || !ok {
			_, _ = w.Write([]byte("success"))
			return
		}
		trans := ""
		if kf.(string) != "" {
			trans = "<TransInfo><KfAccount><![CDATA[" + kf.(string) + "]]></KfAccount></TransInfo>"
		}
		_, _ = io.WriteString(w, "<xml><ToUserName><![CDATA["+p.FromUserName+"]]></ToUserName><FromUserName><![CDATA["+p.ToUserName+"]]></FromUserName>"+
			"<CreateTime>1700000000</CreateTime><MsgType><![CDATA[transfer_customer_service]]></MsgType>"+trans+"</xml>")
	}))
	t.Cleanup(srv.Close)
	env.SetCallback(t, sandbox.DemoAppID, srv.URL, "tok123", "", sandbox.EncryptPlain)
	token := kfSetup(t, env)
	if err := env.Sandbox.SetKfOnline(sandbox.DemoAppID, "alice@gh_wxsuite", true, 2); err != nil {
		t.Fatal(err)
	}
	kfFor.Store("人工 alice", "alice@gh_wxsuite")
	kfFor.Store("人工", "")
	kfFor.Store("人工 nobody", "nobody@gh_wxsuite")

	u := env.AddUser(t, sandbox.DemoAppID, sandbox.User{})
	if res := env.PushText(t, sandbox.DemoAppID, u.OpenID, "人工 alice"); !res.Delivered || res.ReplyMsgType != "transfer_customer_service" {
		t.Fatalf("transfer reply: %+v", res)
	}
	got := cb.waitFor(t, 2)
	wantKfEvent(t, got[1], "kf_create_session", u.OpenID, map[string]string{"KfAccount": "alice@gh_wxsuite"})
	if res := env.PushText(t, sandbox.DemoAppID, u.OpenID, "my order"); !res.RoutedToKf || res.KfAccount != "alice@gh_wxsuite" {
		t.Errorf("text after the transfer: %+v", res)
	}

	// No agent named: an online one with room takes the user.
	v := env.AddUser(t, sandbox.DemoAppID, sandbox.User{})
	env.PushText(t, sandbox.DemoAppID, v.OpenID, "人工")
	got = cb.waitFor(t, 4)
	wantKfEvent(t, got[3], "kf_create_session", v.OpenID, map[string]string{"KfAccount": "alice@gh_wxsuite"})

	// An agent the account does not have: no session, the user stays with the server.
	w := env.AddUser(t, sandbox.DemoAppID, sandbox.User{})
	env.PushText(t, sandbox.DemoAppID, w.OpenID, "人工 nobody")
	if res := env.PushText(t, sandbox.DemoAppID, w.OpenID, "still there?"); res.RoutedToKf || !res.Delivered {
		t.Errorf("text after a transfer to an unknown agent: %+v", res)
	}
	cb.settle(t, 6)
	if g := kfGet(t, env, token, "/customservice/kfsession/getsession", map[string][]string{"openid": {w.OpenID}}); strings.Contains(g.Raw, "nobody") {
		t.Errorf("getsession of the user sent to an unknown agent = %s", g.Raw)
	}
}
