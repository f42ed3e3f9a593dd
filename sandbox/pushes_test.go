package sandbox_test

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
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

const (
	cbToken = "wxsuiteToken1"
	cbKey   = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	pusher  = "oPusher000000000000000000001"
)

// testSign is the test's own signature code: sha1 of the sorted, concatenated parts.
func testSign(parts ...string) string {
	s := append([]string(nil), parts...)
	sort.Strings(s)
	sum := sha1.Sum([]byte(strings.Join(s, "")))
	return hex.EncodeToString(sum[:])
}

// received is one push the test endpoint got.
type received struct {
	Query url.Values
	Body  string // as sent
	Plain string // the plaintext XML: Body, or the decrypted Encrypt
}

// endpoint plays an account's callback server: it checks every push's signatures and
// encryption like a careful developer server and answers with answer.
type endpoint struct {
	t      *testing.T
	appID  string
	mode   sandbox.EncryptMode
	srv    *httptest.Server
	mu     sync.Mutex
	got    []received
	answer func(n int, r received) (status int, body string) // n counts from 1
}

func newEndpoint(t *testing.T, appID string, mode sandbox.EncryptMode, answer func(int, received) (int, string)) *endpoint {
	t.Helper()
	e := &endpoint{t: t, appID: appID, mode: mode, answer: answer}
	e.srv = httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *endpoint) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	data, _ := io.ReadAll(r.Body)
	rec := received{Query: q, Body: string(data), Plain: string(data)}
	if r.Method != http.MethodPost || r.URL.Path != "/wx/callback" {
		e.t.Errorf("push %s %s", r.Method, r.URL.Path)
	}
	ts, nonce := q.Get("timestamp"), q.Get("nonce")
	if q.Get("signature") != testSign(cbToken, ts, nonce) || ts == "" || nonce == "" || q.Get("openid") == "" {
		e.t.Errorf("bad URL signature in %v", q)
	}
	if e.mode == sandbox.EncryptCompatible || e.mode == sandbox.EncryptSafe {
		var env struct {
			XMLName    xml.Name
			ToUserName string
			Encrypt    string
			MsgType    *string
		}
		if err := xml.Unmarshal(data, &env); err != nil || env.Encrypt == "" {
			e.t.Errorf("encrypted push %q: %v", data, err)
		}
		if q.Get("encrypt_type") != "aes" || q.Get("msg_signature") != testSign(cbToken, ts, nonce, env.Encrypt) {
			e.t.Errorf("bad msg_signature in %v", q)
		}
		plain, err := sandbox.DecryptMessage(cbKey, e.appID, env.Encrypt)
		if err != nil {
			e.t.Errorf("decrypt push: %v", err)
		}
		rec.Plain = string(plain)
		encElem := "<Encrypt><![CDATA[" + env.Encrypt + "]]></Encrypt>\n"
		switch e.mode {
		case sandbox.EncryptSafe:
			if env.MsgType != nil || !strings.HasPrefix(string(data), "<xml><ToUserName><![CDATA[gh_") || strings.Count(string(data), "<") != 8 {
				e.t.Errorf("safe-mode push carries more than ToUserName and Encrypt: %s", data)
			}
		case sandbox.EncryptCompatible:
			if strings.Replace(string(data), encElem, "", 1) != rec.Plain {
				e.t.Errorf("compatible-mode push %q is not the plaintext plus Encrypt %q", data, rec.Plain)
			}
		}
	} else if q.Has("encrypt_type") || q.Has("msg_signature") {
		e.t.Errorf("plain push with %v", q)
	}
	e.mu.Lock()
	e.got = append(e.got, rec)
	n := len(e.got)
	e.mu.Unlock()
	status, body := http.StatusOK, "success"
	if e.answer != nil {
		status, body = e.answer(n, rec)
	}
	if status < 0 { // hang until the sandbox gives up
		<-r.Context().Done()
		return
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func (e *endpoint) received() []received {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]received(nil), e.got...)
}

func (e *endpoint) url() string { return e.srv.URL + "/wx/callback" }

// startPush starts a frozen sandbox whose demo account pushes to a new endpoint in mode,
// with the user pusher.
func startPush(t *testing.T, opts sandbox.Options, mode sandbox.EncryptMode, answer func(int, received) (int, string)) (*sandboxtest.Env, *endpoint, sandbox.Account) {
	t.Helper()
	env := startFrozen(t, opts)
	env.AddUser(t, sandboxtest.DemoAppID, sandbox.User{OpenID: pusher, Nickname: "pusher"})
	ep := newEndpoint(t, sandboxtest.DemoAppID, mode, answer)
	key := cbKey
	if mode == sandbox.EncryptUnspecified || mode == sandbox.EncryptPlain {
		key = ""
	}
	acc := env.SetCallback(t, sandboxtest.DemoAppID, ep.url(), cbToken, key, mode)
	return env, ep, acc
}

// replyXML builds a passive reply of the account acc to openID.
func replyXML(acc sandbox.Account, openID, msgType, inner string) string {
	return "<xml><ToUserName><![CDATA[" + openID + "]]></ToUserName><FromUserName><![CDATA[" + acc.OriginalID +
		"]]></FromUserName><CreateTime>1741572000</CreateTime><MsgType><![CDATA[" + msgType + "]]></MsgType>" + inner + "</xml>"
}

// encryptReply wraps plain in the encrypted reply envelope of acc.
func encryptReply(t *testing.T, acc sandbox.Account, plain, token string) string {
	t.Helper()
	enc, err := sandbox.EncryptMessage(cbKey, acc.AppID, []byte("rrrrrrrrrrrrrrrr"), []byte(plain))
	if err != nil {
		t.Fatal(err)
	}
	return "<xml><Encrypt><![CDATA[" + enc + "]]></Encrypt><MsgSignature><![CDATA[" + testSign(token, "1741572000", "987654", enc) +
		"]]></MsgSignature><TimeStamp>1741572000</TimeStamp><Nonce><![CDATA[987654]]></Nonce></xml>"
}

func TestPushModes(t *testing.T) {
	t.Parallel()
	ct := strconv.FormatInt(start.Unix(), 10)
	cases := []struct {
		name string
		push func(t *testing.T, env *sandboxtest.Env) sandbox.PushResult
		want func(gh string, msgID int64) string
	}{
		{"text", func(t *testing.T, env *sandboxtest.Env) sandbox.PushResult {
			return env.PushText(t, sandboxtest.DemoAppID, pusher, "你好 <b>&]]>")
		}, func(gh string, id int64) string {
			return "<xml><ToUserName><![CDATA[" + gh + "]]></ToUserName>\n<FromUserName><![CDATA[" + pusher + "]]></FromUserName>\n<CreateTime>" + ct +
				"</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[你好 <b>&]]]]><![CDATA[>]]></Content>\n<MsgId>" + fmt.Sprint(id) + "</MsgId>\n</xml>"
		}},
		{"image", func(t *testing.T, env *sandboxtest.Env) sandbox.PushResult {
			return env.PushMessage(t, sandboxtest.DemoAppID, pusher, sandbox.Message{Type: sandbox.MsgImage, PicURL: "http://mmbiz.qpic.cn/x.jpg", MediaID: "media1"})
		}, func(gh string, id int64) string {
			return "<xml><ToUserName><![CDATA[" + gh + "]]></ToUserName>\n<FromUserName><![CDATA[" + pusher + "]]></FromUserName>\n<CreateTime>" + ct +
				"</CreateTime>\n<MsgType><![CDATA[image]]></MsgType>\n<PicUrl><![CDATA[http://mmbiz.qpic.cn/x.jpg]]></PicUrl>\n<MediaId><![CDATA[media1]]></MediaId>\n<MsgId>" + fmt.Sprint(id) + "</MsgId>\n</xml>"
		}},
		{"location", func(t *testing.T, env *sandboxtest.Env) sandbox.PushResult {
			return env.PushMessage(t, sandboxtest.DemoAppID, pusher, sandbox.Message{Type: sandbox.MsgLocation, Latitude: 23.134521, Longitude: 113.358803, Scale: 20, Label: "位置信息"})
		}, func(gh string, id int64) string {
			return "<xml><ToUserName><![CDATA[" + gh + "]]></ToUserName>\n<FromUserName><![CDATA[" + pusher + "]]></FromUserName>\n<CreateTime>" + ct +
				"</CreateTime>\n<MsgType><![CDATA[location]]></MsgType>\n<Location_X>23.134521</Location_X>\n<Location_Y>113.358803</Location_Y>\n<Scale>20</Scale>\n<Label><![CDATA[位置信息]]></Label>\n<MsgId>" + fmt.Sprint(id) + "</MsgId>\n</xml>"
		}},
		{"subscribe from QR", func(t *testing.T, env *sandboxtest.Env) sandbox.PushResult {
			return env.PushEvent(t, sandboxtest.DemoAppID, pusher, sandbox.Event{Event: "subscribe", EventKey: "qrscene_123123", Fields: map[string]string{"Ticket": "TICKET"}})
		}, func(gh string, _ int64) string {
			return "<xml><ToUserName><![CDATA[" + gh + "]]></ToUserName>\n<FromUserName><![CDATA[" + pusher + "]]></FromUserName>\n<CreateTime>" + ct +
				"</CreateTime>\n<MsgType><![CDATA[event]]></MsgType>\n<Event><![CDATA[subscribe]]></Event>\n<EventKey><![CDATA[qrscene_123123]]></EventKey>\n<Ticket><![CDATA[TICKET]]></Ticket>\n</xml>"
		}},
		{"CLICK", func(t *testing.T, env *sandboxtest.Env) sandbox.PushResult {
			return env.PushEvent(t, sandboxtest.DemoAppID, pusher, sandbox.Event{Event: "CLICK", EventKey: "EVENTKEY"})
		}, func(gh string, _ int64) string {
			return "<xml><ToUserName><![CDATA[" + gh + "]]></ToUserName>\n<FromUserName><![CDATA[" + pusher + "]]></FromUserName>\n<CreateTime>" + ct +
				"</CreateTime>\n<MsgType><![CDATA[event]]></MsgType>\n<Event><![CDATA[CLICK]]></Event>\n<EventKey><![CDATA[EVENTKEY]]></EventKey>\n</xml>"
		}},
		{"TEMPLATESENDJOBFINISH of an unknown user", func(t *testing.T, env *sandboxtest.Env) sandbox.PushResult {
			return env.PushEvent(t, sandboxtest.DemoAppID, "oStranger", sandbox.Event{Event: "TEMPLATESENDJOBFINISH",
				Fields: map[string]string{"MsgID": "200163836", "Status": "failed: system failed"}})
		}, func(gh string, _ int64) string {
			return "<xml><ToUserName><![CDATA[" + gh + "]]></ToUserName>\n<FromUserName><![CDATA[oStranger]]></FromUserName>\n<CreateTime>" + ct +
				"</CreateTime>\n<MsgType><![CDATA[event]]></MsgType>\n<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event>\n<MsgID>200163836</MsgID>\n<Status><![CDATA[failed: system failed]]></Status>\n</xml>"
		}},
	}
	for _, mode := range []sandbox.EncryptMode{sandbox.EncryptPlain, sandbox.EncryptCompatible, sandbox.EncryptSafe} {
		for _, tc := range cases {
			t.Run(mode.String()+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				env, ep, acc := startPush(t, sandbox.Options{}, mode, nil)
				res := tc.push(t, env)
				if !res.Delivered || res.Attempts != 1 || res.InvalidReason != "" || res.ReplyXML != "" {
					t.Fatalf("result %+v", res)
				}
				want := tc.want(acc.OriginalID, res.MsgID)
				got := ep.received()
				if len(got) != 1 || got[0].Plain != want || res.XML != want {
					t.Fatalf("pushed %+v\nresult XML %q\nwant %q", got, res.XML, want)
				}
				if isMsg := strings.Contains(want, "<MsgId>"); isMsg == (res.MsgID == 0) {
					t.Errorf("MsgID = %d", res.MsgID)
				}
				if wantOpenID := map[bool]string{true: "oStranger", false: pusher}[strings.Contains(tc.name, "unknown")]; got[0].Query.Get("openid") != wantOpenID {
					t.Errorf("openid = %q", got[0].Query.Get("openid"))
				}
			})
		}
	}
}

func TestPushMsgIDsIncrease(t *testing.T) {
	t.Parallel()
	env, _, _ := startPush(t, sandbox.Options{}, sandbox.EncryptPlain, nil)
	a := env.PushText(t, sandboxtest.DemoAppID, pusher, "one")
	b := env.PushText(t, sandboxtest.DemoAppID, pusher, "two")
	if a.MsgID <= 0 || b.MsgID <= a.MsgID {
		t.Fatalf("MsgIDs %d then %d", a.MsgID, b.MsgID)
	}
	calls := env.Sandbox.Calls(sandbox.CallFilter{Path: "/wx/callback"})
	if len(calls) != 2 || !calls[0].Push || calls[0].Method != http.MethodPost || calls[0].AppID != sandboxtest.DemoAppID || calls[0].HTTPStatus != 200 {
		t.Fatalf("call log %+v", calls)
	}
}

func TestPushRetries(t *testing.T) {
	t.Parallel()
	opts := sandbox.Options{PushTimeout: 150 * time.Millisecond}
	t.Run("answered on the third attempt", func(t *testing.T) {
		t.Parallel()
		for _, mode := range []sandbox.EncryptMode{sandbox.EncryptPlain, sandbox.EncryptSafe} {
			env, ep, _ := startPush(t, opts, mode, func(n int, _ received) (int, string) {
				if n < 3 {
					return -1, ""
				}
				return 200, ""
			})
			res := env.PushText(t, sandboxtest.DemoAppID, pusher, "retry me")
			if !res.Delivered || res.Attempts != 3 {
				t.Fatalf("%v: result %+v", mode, res)
			}
			got := ep.received()
			if len(got) != 3 {
				t.Fatalf("%v: %d pushes", mode, len(got))
			}
			sigs := map[string]bool{}
			for _, r := range got {
				if r.Plain != res.XML || !strings.Contains(r.Plain, "<MsgId>"+fmt.Sprint(res.MsgID)+"</MsgId>") {
					t.Errorf("%v: retry carried %q, want %q", mode, r.Plain, res.XML)
				}
				sigs[r.Query.Get("signature")+r.Query.Get("msg_signature")] = true
			}
			if len(sigs) != 3 {
				t.Errorf("%v: retries reused a signature: %v", mode, sigs)
			}
			calls := env.Sandbox.Calls(sandbox.CallFilter{Path: "/wx/callback"})
			if len(calls) != 3 || calls[0].HTTPStatus != 0 || calls[1].HTTPStatus != 0 || calls[2].HTTPStatus != 200 {
				t.Errorf("%v: call log %+v", mode, calls)
			}
		}
	})
	t.Run("never answered", func(t *testing.T) {
		t.Parallel()
		env, ep, _ := startPush(t, opts, sandbox.EncryptPlain, func(int, received) (int, string) { return -1, "" })
		res := env.PushEvent(t, sandboxtest.DemoAppID, pusher, sandbox.Event{Event: "CLICK", EventKey: "K"})
		if res.Delivered || res.Attempts != 4 || !strings.Contains(res.InvalidReason, "no answer") || len(ep.received()) != 4 {
			t.Fatalf("result %+v, %d pushes", res, len(ep.received()))
		}
		if in := env.Inbox(t, sandboxtest.DemoAppID, pusher); in.InvalidReplies != 1 || len(in.Items) != 0 {
			t.Errorf("inbox %+v", in)
		}
	})
	t.Run("no retries", func(t *testing.T) {
		t.Parallel()
		o := opts
		o.PushRetries = -1
		env, _, _ := startPush(t, o, sandbox.EncryptPlain, func(int, received) (int, string) { return -1, "" })
		if res := env.PushText(t, sandboxtest.DemoAppID, pusher, "x"); res.Attempts != 1 || res.Delivered {
			t.Fatalf("result %+v", res)
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		t.Parallel()
		env, ep, _ := startPush(t, opts, sandbox.EncryptPlain, nil)
		ep.srv.Close()
		if res := env.PushText(t, sandboxtest.DemoAppID, pusher, "x"); res.Attempts != 4 || res.Delivered {
			t.Fatalf("result %+v", res)
		}
	})
	t.Run("invalid answer is not retried", func(t *testing.T) {
		t.Parallel()
		env, ep, _ := startPush(t, opts, sandbox.EncryptPlain, func(int, received) (int, string) { return 500, "" })
		if res := env.PushText(t, sandboxtest.DemoAppID, pusher, "x"); res.Attempts != 1 || res.Delivered || len(ep.received()) != 1 {
			t.Fatalf("result %+v", res)
		}
	})
	t.Run("context canceled", func(t *testing.T) {
		t.Parallel()
		env, _, _ := startPush(t, sandbox.Options{}, sandbox.EncryptPlain, func(int, received) (int, string) { return -1, "" })
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		if _, err := env.Sandbox.PushMessage(ctx, sandboxtest.DemoAppID, pusher, sandbox.Message{Type: sandbox.MsgText, Content: "x"}); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestPushErrors(t *testing.T) {
	t.Parallel()
	env, _, _ := startPush(t, sandbox.Options{}, sandbox.EncryptPlain, nil)
	ctx := t.Context()
	sb := env.Sandbox
	if err := sb.AddAccount(sandbox.Account{AppID: "wxnocallback", AppSecret: "s"}); err != nil {
		t.Fatal(err)
	}
	env.AddUser(t, "wxnocallback", sandbox.User{OpenID: "oU"})
	text := sandbox.Message{Type: sandbox.MsgText, Content: "x"}
	tests := []struct {
		name      string
		push      func() error
		wantIs    error
		wantField string
	}{
		{"unknown account", func() error { _, err := sb.PushMessage(ctx, "wxnope", pusher, text); return err }, sandbox.ErrUnknownAccount, ""},
		{"unknown user", func() error { _, err := sb.PushMessage(ctx, sandboxtest.DemoAppID, "oStranger", text); return err }, sandbox.ErrUnknownUser, ""},
		{"no callback", func() error { _, err := sb.PushMessage(ctx, "wxnocallback", "oU", text); return err }, sandbox.ErrNoCallback, ""},
		{"event without callback", func() error {
			_, err := sb.PushEvent(ctx, "wxnocallback", "oU", sandbox.Event{Event: "CLICK"})
			return err
		}, sandbox.ErrNoCallback, ""},
		{"empty text", func() error {
			_, err := sb.PushMessage(ctx, sandboxtest.DemoAppID, pusher, sandbox.Message{Type: sandbox.MsgText})
			return err
		}, nil, "text"},
		{"unknown type", func() error {
			_, err := sb.PushMessage(ctx, sandboxtest.DemoAppID, pusher, sandbox.Message{Type: "file"})
			return err
		}, nil, "message"},
		{"control character", func() error {
			_, err := sb.PushMessage(ctx, sandboxtest.DemoAppID, pusher, sandbox.Message{Type: sandbox.MsgText, Content: "a\x00b"})
			return err
		}, nil, "text"},
		{"latitude", func() error {
			_, err := sb.PushMessage(ctx, sandboxtest.DemoAppID, pusher, sandbox.Message{Type: sandbox.MsgLocation, Latitude: 91})
			return err
		}, nil, "location"},
		{"no event", func() error { _, err := sb.PushEvent(ctx, sandboxtest.DemoAppID, pusher, sandbox.Event{}); return err }, nil, "event"},
		{"bad openid", func() error {
			_, err := sb.PushEvent(ctx, sandboxtest.DemoAppID, "o<x>", sandbox.Event{Event: "CLICK"})
			return err
		}, nil, "openid"},
		{"header field", func() error {
			_, err := sb.PushEvent(ctx, sandboxtest.DemoAppID, pusher, sandbox.Event{Event: "CLICK", Fields: map[string]string{"ToUserName": "x"}})
			return err
		}, nil, `fields["ToUserName"]`},
		{"bad field name", func() error {
			_, err := sb.PushEvent(ctx, sandboxtest.DemoAppID, pusher, sandbox.Event{Event: "CLICK", Fields: map[string]string{"a b": "x"}})
			return err
		}, nil, `fields["a b"]`},
		{"bad extra XML", func() error {
			_, err := sb.PushEvent(ctx, sandboxtest.DemoAppID, pusher, sandbox.Event{Event: "CLICK", ExtraXML: "<ScanCodeInfo>"})
			return err
		}, nil, "extra_xml"},
		{"raw XML not a document", func() error { _, err := sb.PushXML(ctx, sandboxtest.DemoAppID, pusher, `{"a":1}`); return err }, nil, "xml"},
	}
	for _, tt := range tests {
		err := tt.push()
		var argErr *sandbox.ArgumentError
		switch {
		case tt.wantIs != nil && !errors.Is(err, tt.wantIs):
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.wantIs)
		case tt.wantField != "" && (!errors.As(err, &argErr) || argErr.Field != tt.wantField):
			t.Errorf("%s: err = %v, want an ArgumentError for %s", tt.name, err, tt.wantField)
		}
	}
	if calls := sb.Calls(sandbox.CallFilter{Path: "/wx/callback"}); len(calls) != 0 {
		t.Errorf("rejected pushes were sent: %+v", calls)
	}
}

func TestPushXMLAndExtraXML(t *testing.T) {
	t.Parallel()
	env, ep, acc := startPush(t, sandbox.Options{}, sandbox.EncryptCompatible, nil)
	res := env.PushEvent(t, sandboxtest.DemoAppID, pusher, sandbox.Event{Event: "scancode_push", EventKey: "6",
		ExtraXML: "<ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[1]]></ScanResult></ScanCodeInfo>"})
	if !strings.HasSuffix(res.XML, "<EventKey><![CDATA[6]]></EventKey>\n<ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[1]]></ScanResult></ScanCodeInfo>\n</xml>") {
		t.Fatalf("XML %q", res.XML)
	}
	raw := "<xml><ToUserName><![CDATA[" + acc.OriginalID + "]]></ToUserName><FromUserName><![CDATA[" + pusher +
		"]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[x]]></Content><MsgId>42</MsgId></xml>"
	r, err := env.Sandbox.PushXML(t.Context(), sandboxtest.DemoAppID, pusher, raw)
	if err != nil || r.MsgID != 42 || !r.Delivered {
		t.Fatalf("PushXML = %+v, %v", r, err)
	}
	if got := ep.received(); len(got) != 2 || got[1].Plain != raw {
		t.Fatalf("pushed %+v", got)
	}
}

func TestAdminPush(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	ep := newEndpoint(t, "wx3333333333333333", sandbox.EncryptSafe, nil)
	ctx := context.Background()
	created, err := env.Admin.CreateAccount(ctx, &sandboxv1.CreateAccountRequest{Account: &sandboxv1.SimulatedAccount{
		AppId: "wx3333333333333333", AppSecret: "s3", CallbackUrl: ep.url(), CallbackToken: cbToken,
		EncodingAesKey: cbKey, EncryptMode: sandboxv1.EncryptMode_ENCRYPT_MODE_SAFE,
	}})
	gh := created.GetAccount().GetOriginalId()
	if err != nil || len(gh) != 15 || !strings.HasPrefix(gh, "gh_") || strings.Trim(gh[3:], "0123456789abcdef") != "" {
		t.Fatalf("CreateAccount = %v, %v", created, err)
	}
	list, err := env.Admin.ListAccounts(ctx, &sandboxv1.ListAccountsRequest{})
	if err != nil || list.GetAccounts()[0].GetCallbackUrl() != ep.url() || list.GetAccounts()[0].GetEncryptMode() != sandboxv1.EncryptMode_ENCRYPT_MODE_SAFE ||
		list.GetAccounts()[0].GetOriginalId() != gh || list.GetAccounts()[0].GetEncodingAesKey() != cbKey || list.GetAccounts()[0].GetCallbackToken() != cbToken {
		t.Fatalf("ListAccounts = %v, %v", list, err)
	}
	u := env.AddUser(t, "wx3333333333333333", sandbox.User{})
	msg, err := env.Admin.PushMessage(ctx, &sandboxv1.PushMessageRequest{AppId: "wx3333333333333333", Openid: u.OpenID,
		Message: &sandboxv1.PushMessageRequest_Voice{Voice: &sandboxv1.VoicePush{Recognition: "腾讯微信团队"}}})
	if err != nil || !msg.GetResult().GetDelivered() || msg.GetResult().GetAttempts() != 1 || msg.GetResult().GetMsgId() == 0 ||
		!strings.Contains(msg.GetResult().GetXml(), "<Format><![CDATA[amr]]></Format>\n<Recognition><![CDATA[腾讯微信团队]]></Recognition>") {
		t.Fatalf("PushMessage = %v, %v", msg, err)
	}
	ev, err := env.Admin.PushEvent(ctx, &sandboxv1.PushEventRequest{AppId: "wx3333333333333333", Openid: u.OpenID, Event: "LOCATION",
		Fields: map[string]string{"Latitude": "23.137466", "Longitude": "113.352425", "Precision": "119.385040"}})
	if err != nil || ev.GetResult().GetMsgId() != 0 || !strings.Contains(ev.GetResult().GetXml(), "<Latitude>23.137466</Latitude>\n<Longitude>113.352425</Longitude>\n<Precision>119.385040</Precision>") {
		t.Fatalf("PushEvent = %v, %v", ev, err)
	}
	if got := ep.received(); len(got) != 2 || !strings.Contains(got[0].Body, "<ToUserName><![CDATA["+gh+"]]>") {
		t.Fatalf("pushed %+v", got)
	}
	for _, tt := range []struct {
		name string
		call func() error
		want connect.Code
	}{
		{"no message", func() error {
			_, err := env.Admin.PushMessage(ctx, &sandboxv1.PushMessageRequest{AppId: "wx3333333333333333", Openid: u.OpenID})
			return err
		}, connect.CodeInvalidArgument},
		{"unknown user", func() error {
			_, err := env.Admin.PushMessage(ctx, &sandboxv1.PushMessageRequest{AppId: "wx3333333333333333", Openid: "oNobody", Message: &sandboxv1.PushMessageRequest_Text{Text: "x"}})
			return err
		}, connect.CodeNotFound},
		{"no callback", func() error {
			_, err := env.Admin.PushEvent(ctx, &sandboxv1.PushEventRequest{AppId: sandboxtest.DemoAppID, Openid: "oX", Event: "CLICK"})
			return err
		}, connect.CodeFailedPrecondition},
		{"no event", func() error {
			_, err := env.Admin.PushEvent(ctx, &sandboxv1.PushEventRequest{AppId: "wx3333333333333333", Openid: "oX"})
			return err
		}, connect.CodeInvalidArgument},
		{"safe without key", func() error {
			_, err := env.Admin.CreateAccount(ctx, &sandboxv1.CreateAccountRequest{Account: &sandboxv1.SimulatedAccount{
				AppId: "wx4", AppSecret: "s", CallbackUrl: ep.url(), CallbackToken: cbToken, EncryptMode: sandboxv1.EncryptMode_ENCRYPT_MODE_SAFE}})
			return err
		}, connect.CodeInvalidArgument},
	} {
		if err := tt.call(); connect.CodeOf(err) != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestAccountCallbackSettings(t *testing.T) {
	t.Parallel()
	sb := sandbox.New(sandbox.Options{})
	base := sandbox.Account{AppID: "wx5", AppSecret: "s", CallbackURL: "https://example.com/wx?x=1", CallbackToken: "tok123"}
	tests := []struct {
		name      string
		edit      func(a *sandbox.Account)
		wantField string
	}{
		{"ok plain", func(*sandbox.Account) {}, ""},
		{"ok safe", func(a *sandbox.Account) { a.EncodingAESKey, a.EncryptMode = cbKey, sandbox.EncryptSafe }, ""},
		{"ok no callback", func(a *sandbox.Account) { a.CallbackURL, a.CallbackToken = "", "" }, ""},
		{"relative URL", func(a *sandbox.Account) { a.CallbackURL = "/wx" }, "callback_url"},
		{"ftp URL", func(a *sandbox.Account) { a.CallbackURL = "ftp://example.com/" }, "callback_url"},
		{"URL without token", func(a *sandbox.Account) { a.CallbackToken = "" }, "callback_token"},
		{"short token", func(a *sandbox.Account) { a.CallbackToken = "ab" }, "callback_token"},
		{"token with symbols", func(a *sandbox.Account) { a.CallbackToken = "tok-123" }, "callback_token"},
		{"42-character key", func(a *sandbox.Account) { a.EncodingAESKey = cbKey[:42] }, "encoding_aes_key"},
		{"key not base64", func(a *sandbox.Account) { a.EncodingAESKey = "!" + cbKey[1:] }, "encoding_aes_key"},
		{"compatible without key", func(a *sandbox.Account) { a.EncryptMode = sandbox.EncryptCompatible }, "encoding_aes_key"},
		{"safe without token", func(a *sandbox.Account) {
			a.CallbackURL, a.CallbackToken, a.EncodingAESKey, a.EncryptMode = "", "", cbKey, sandbox.EncryptSafe
		}, "callback_token"},
		{"bad mode", func(a *sandbox.Account) { a.EncryptMode = 7 }, "encrypt_mode"},
		{"bad original id", func(a *sandbox.Account) { a.OriginalID = "gh_<x>" }, "original_id"},
	}
	for _, tt := range tests {
		a := base
		tt.edit(&a)
		err := sb.AddAccount(a)
		var argErr *sandbox.ArgumentError
		if tt.wantField == "" && err != nil || tt.wantField != "" && (!errors.As(err, &argErr) || argErr.Field != tt.wantField) {
			t.Errorf("%s: AddAccount = %v, want field %q", tt.name, err, tt.wantField)
		}
	}
	// The original id is derived from the AppID, kept on replace, and can be set.
	got, err := sb.Account("wx5")
	if err != nil || len(got.OriginalID) != 15 || !strings.HasPrefix(got.OriginalID, "gh_") {
		t.Fatalf("Account = %+v, %v", got, err)
	}
	if other := sandbox.New(sandbox.Options{Accounts: []sandbox.Account{base}}); must(other.Account("wx5")).OriginalID != got.OriginalID {
		t.Error("the derived original id depends on more than the AppID")
	}
	if err := sb.AddAccount(base); err != nil || must(sb.Account("wx5")).OriginalID != got.OriginalID {
		t.Errorf("replace changed the original id: %v", err)
	}
	base.OriginalID = "gh_7f083739789a"
	if err := sb.AddAccount(base); err != nil || must(sb.Account("wx5")).OriginalID != "gh_7f083739789a" {
		t.Errorf("set original id: %v", err)
	}
	// Encrypt modes in JSON.
	var m sandbox.EncryptMode
	if err := m.UnmarshalText([]byte("Safe")); err != nil || m != sandbox.EncryptSafe {
		t.Errorf("UnmarshalText(Safe) = %v, %v", m, err)
	}
	if err := m.UnmarshalText([]byte("aes")); err == nil {
		t.Error("UnmarshalText(aes) succeeded")
	}
	if b, err := sandbox.EncryptCompatible.MarshalText(); err != nil || string(b) != "compatible" {
		t.Errorf("MarshalText = %s, %v", b, err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
