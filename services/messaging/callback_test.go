package messaging

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/internal/wxcrypto"
)

const (
	testKey     = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG" // facts §0
	testPrevKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C" // facts §0
)

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// env is a Service on Redis behind an httptest server, with one account.
type env struct {
	s     *Service
	srv   *httptest.Server
	appID string
	token string
	reg   *prometheus.Registry
	now   time.Time // zero: the real clock
}

type envOpt struct {
	rdb     redis.UniversalClient
	account config.Account
	cfg     Config
	now     func() time.Time
	wechat  *wechat.Client
}

func newEnv(t testing.TB, o envOpt) *env {
	t.Helper()
	if o.account.AppID == "" {
		o.account.AppID = "wxt" + randomHex(6)
	}
	if o.account.CallbackToken.IsZero() {
		o.account.CallbackToken = config.NewSecret("tok" + randomHex(4))
	}
	o.account.AppSecret = config.NewSecret("secret")
	if o.rdb == nil {
		o.rdb = redistest.New(t)
	}
	reg := prometheus.NewRegistry()
	s, err := New(Params{Config: o.cfg, Accounts: config.Accounts{o.account}, Redis: o.rdb, Registerer: reg, Now: o.now, WeChat: o.wechat})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	mux := http.NewServeMux()
	mux.Handle(s.cfg.CallbackPath, s.CallbackHandler())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{s: s, srv: srv, appID: o.account.AppID, token: o.account.CallbackToken.Reveal(), reg: reg}
}

// query signs a plaintext request at ts.
func (e *env) query(ts int64) url.Values {
	q := url.Values{}
	tss, nonce := strconv.FormatInt(ts, 10), randomHex(4)
	q.Set("timestamp", tss)
	q.Set("nonce", nonce)
	q.Set("signature", wxcrypto.URLSignature(e.token, tss, nonce))
	q.Set("openid", fxFrom)
	return q
}

func (e *env) do(t *testing.T, method string, q url.Values, body []byte) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+"/wechat/callback/"+e.appID+"?"+q.Encode(), bytes.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (e *env) postPlain(t *testing.T, xml string) (int, string) {
	t.Helper()
	return e.do(t, http.MethodPost, e.query(time.Now().Unix()), []byte(xml))
}

// encrypted builds a safe-mode request of msg with key (the test's own requests come
// from internal/wxcrypto; the sandbox will push independently encrypted ones).
func (e *env) encrypted(t *testing.T, key, appID, msg string) (url.Values, []byte) {
	t.Helper()
	c, err := wxcrypto.NewCipher(key, appID)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := c.Encrypt([]byte(msg), nil)
	if err != nil {
		t.Fatal(err)
	}
	q := e.query(time.Now().Unix())
	q.Set("encrypt_type", "aes")
	q.Set("msg_signature", wxcrypto.MsgSignature(e.token, q.Get("timestamp"), q.Get("nonce"), enc))
	return q, []byte("<xml><ToUserName><![CDATA[" + fxTo + "]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>")
}

func (e *env) events(t *testing.T) []*messagingv1.Event {
	t.Helper()
	evs, _, err := e.s.ListEvents(context.Background(), e.appID, ListQuery{PageSize: maxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func (e *env) count(appType, outcome string) float64 {
	return testutil.ToFloat64(e.s.metrics.requests.WithLabelValues(e.appID, appType, outcome))
}

func TestVerifyURL(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpt{})
	now := time.Now().Unix()
	ok := e.query(now)
	ok.Set("echostr", "4375120948345356249")
	badSig := e.query(now)
	badSig.Set("echostr", "1")
	badSig.Set("signature", strings.Repeat("0", 40))
	stale := e.query(now - 3600)
	stale.Set("echostr", "1")
	missing := e.query(now)
	tests := []struct {
		name       string
		give       url.Values
		wantStatus int
		wantBody   string
	}{
		{"ok", ok, 200, "4375120948345356249"},
		{"bad signature", badSig, 401, "unauthorized"},
		{"stale", stale, 401, "timestamp outside the replay window"},
		{"no echostr", missing, 400, "missing query parameters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.do(t, http.MethodGet, tt.give, nil)
			if status != tt.wantStatus || body != tt.wantBody {
				t.Errorf("GET = %d %q, want %d %q", status, body, tt.wantStatus, tt.wantBody)
			}
		})
	}
	if got := e.count("", outcomeVerified); got != 1 {
		t.Errorf("verified metric = %v", got)
	}
}

// TestVerifyURLOfficialVector is facts §1a row 3 (official message-push doc).
func TestVerifyURLOfficialVector(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpt{account: config.Account{CallbackToken: config.NewSecret("AAAAA")},
		now: func() time.Time { return time.Unix(1714036504, 0) }})
	q := url.Values{"signature": {"f464b24fc39322e44b38aa78f5edd27bd1441696"}, "timestamp": {"1714036504"},
		"nonce": {"1514711492"}, "echostr": {"4375120948345356249"}}
	if status, body := e.do(t, http.MethodGet, q, nil); status != 200 || body != "4375120948345356249" {
		t.Fatalf("GET = %d %q", status, body)
	}
}

func TestUnknownAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpt{})
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/wechat/callback/wxnope?timestamp=1&nonce=1&signature=x", strings.NewReader("<xml/>"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("status = %d", resp.StatusCode)
	}
}

func TestPlainEveryType(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpt{})
	fs := fixtures(int(time.Now().UnixNano() % 1e12))
	for _, f := range fs {
		if status, body := e.postPlain(t, f.xml); status != 200 || body != "success" {
			t.Fatalf("%s: POST = %d %q", f.name, status, body)
		}
	}
	evs := e.events(t)
	if len(evs) != len(fs) {
		t.Fatalf("stored %d events, want %d", len(evs), len(fs))
	}
	for i, f := range fs {
		t.Run(f.name, func(t *testing.T) {
			ev := evs[i]
			eq(t, "type", ev.GetType(), f.wantType)
			eq(t, "app_id", ev.GetAppId(), e.appID)
			eq(t, "mode", ev.GetMode(), messagingv1.CallbackMode_CALLBACK_MODE_PLAIN)
			eq(t, "raw", string(ev.GetRawXml()), f.xml)
			if ev.GetPayload() == nil {
				t.Fatal("no payload")
			}
			if ev.GetReceiveTime() == nil || ev.GetId() == "" {
				t.Error("no receive_time or id")
			}
			f.check(t, ev)
		})
	}
	if got := e.count("text", outcomeAccepted); got != 1 {
		t.Errorf("accepted text metric = %v", got)
	}
}

func TestUnknownTypeKeptRaw(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpt{})
	msgID := time.Now().UnixNano()
	tests := []struct {
		name, give, wantType string
	}{
		{"message", msgXML("hologram", `<Beam>1</Beam>`, int(msgID%1e12)), "hologram"},
		{"event", eventXML("some_future_event", `<Whatever><![CDATA[x]]></Whatever>`), "some_future_event"},
	}
	for _, tt := range tests {
		if status, _ := e.postPlain(t, tt.give); status != 200 {
			t.Fatalf("%s: status %d", tt.name, status)
		}
	}
	evs := e.events(t)
	if len(evs) != len(tests) {
		t.Fatalf("stored %d", len(evs))
	}
	for i, tt := range tests {
		eq(t, tt.name+" type", evs[i].GetType(), tt.wantType)
		eq(t, tt.name+" raw", string(evs[i].GetRawXml()), tt.give)
		if evs[i].GetPayload() != nil {
			t.Errorf("%s: payload %v", tt.name, evs[i].GetPayload())
		}
	}
	if got := e.count("other", outcomeAccepted); got != 2 {
		t.Errorf("accepted other = %v", got)
	}
}

// TestOfficialVectorC posts the official Python sample's compatible-mode request (facts
// §1b vector C) as WeChat would, with its msg_signature, and checks the decrypted message.
func TestOfficialVectorC(t *testing.T) {
	t.Parallel()
	const body = `<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId><Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=]]></Encrypt></xml>`
	const want = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>"
	// The vector's appid is fixed, so its stream is shared by every run: use a fresh prefix.
	e := newEnv(t, envOpt{
		account: config.Account{AppID: "wx2c2769f8efd9abc2", CallbackToken: config.NewSecret("spamtest"), EncodingAESKey: config.NewSecret(testKey)},
		cfg:     Config{KeyPrefix: "wxsuite-test-" + randomHex(6), Accounts: map[string]AccountConfig{"wx2c2769f8efd9abc2": {Mode: ModeSafe}}},
		now:     func() time.Time { return time.Unix(1409735669, 0) },
	})
	q := url.Values{"timestamp": {"1409735669"}, "nonce": {"1320562132"}, "encrypt_type": {"aes"},
		"msg_signature": {"5d197aaffba7e9b25a30732f161a50dee96bd5fa"}}
	if status, got := e.do(t, http.MethodPost, q, []byte(body)); status != 200 || got != "success" {
		t.Fatalf("POST = %d %q", status, got)
	}
	evs := e.events(t)
	if len(evs) != 1 {
		t.Fatalf("stored %d", len(evs))
	}
	ev := evs[0]
	eq(t, "raw", string(ev.GetRawXml()), want)
	eq(t, "content", ev.GetText().GetContent(), "abcdteT")
	eq(t, "msg_id", ev.GetMsgId(), int64(6054768590064713728))
	eq(t, "mode", ev.GetMode(), messagingv1.CallbackMode_CALLBACK_MODE_ENCRYPTED)

	// The same request with a wrong msg_signature, and for another appid.
	q.Set("msg_signature", "5d197aaffba7e9b25a30732f161a50dee96bd5fb")
	if status, got := e.do(t, http.MethodPost, q, []byte(body)); status != 401 || got != "unauthorized" {
		t.Errorf("bad msg_signature: %d %q", status, got)
	}
}

// TestOfficialVectorA2 posts the official Java test's ciphertext (facts §1b A2, video).
func TestOfficialVectorA2(t *testing.T) {
	t.Parallel()
	const enc = "jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb"
	e := newEnv(t, envOpt{
		account: config.Account{AppID: "wxb11529c136998cb6", CallbackToken: config.NewSecret("pamtest"), EncodingAESKey: config.NewSecret(testKey)},
		cfg:     Config{KeyPrefix: "wxsuite-test-" + randomHex(6), ReplayWindow: new(config.Duration)}, // the vector is from 2014
	})
	q := url.Values{"timestamp": {"1409304348"}, "nonce": {"xxxxxx"}, "encrypt_type": {"aes"},
		"msg_signature": {"ea88b765074e41eb8c7a75b449db34fa2fd560d5"}}
	body := "<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>"
	if status, got := e.do(t, http.MethodPost, q, []byte(body)); status != 200 || got != "success" {
		t.Fatalf("POST = %d %q", status, got)
	}
	evs := e.events(t)
	if len(evs) != 1 {
		t.Fatalf("stored %d", len(evs))
	}
	// A2's plaintext is a reply-shaped video (<Video><MediaId>…</Video>), so the inbound
	// video fields stay empty; the header and raw XML are what this vector checks.
	eq(t, "to", evs[0].GetToUserName(), "oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw")
	eq(t, "type", evs[0].GetType(), "video")
}

func TestSafeModeAndKeyRotation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpt{
		account: config.Account{EncodingAESKey: config.NewSecret(testKey), PreviousEncodingAESKey: config.NewSecret(testPrevKey)},
		cfg:     Config{},
	})
	e.s.accounts[e.appID].mode = ModeSafe
	base := int(time.Now().UnixNano() % 1e12)
	for i, key := range []string{testKey, testPrevKey} {
		q, body := e.encrypted(t, key, e.appID, msgXML("text", `<Content><![CDATA[k`+strconv.Itoa(i)+`]]></Content>`, base+i))
		if status, got := e.do(t, http.MethodPost, q, body); status != 200 || got != "success" {
			t.Fatalf("key %d: %d %q", i, status, got)
		}
	}
	evs := e.events(t)
	if len(evs) != 2 || evs[0].GetText().GetContent() != "k0" || evs[1].GetText().GetContent() != "k1" {
		t.Fatalf("events = %v", evs)
	}
	if got := testutil.ToFloat64(e.s.metrics.previousKey.WithLabelValues(e.appID)); got != 1 {
		t.Errorf("previous key metric = %v", got)
	}
	// Safe mode refuses plaintext, even signed.
	if status, _ := e.postPlain(t, msgXML("text", `<Content>x</Content>`, base+9)); status != 400 {
		t.Errorf("plaintext in safe mode: %d", status)
	}
}

func TestDuplicates(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpt{})
	base := int(time.Now().UnixNano() % 1e12)
	text := msgXML("text", `<Content>once</Content>`, base)
	click := eventXML("CLICK", `<EventKey><![CDATA[K1]]></EventKey>`)
	click2 := eventXML("CLICK", `<EventKey><![CDATA[K2]]></EventKey>`)
	for _, give := range []string{text, text, click, click, click2, text} {
		if status, body := e.postPlain(t, give); status != 200 || body != "success" {
			t.Fatalf("POST = %d %q", status, body)
		}
	}
	if evs := e.events(t); len(evs) != 3 {
		t.Fatalf("stored %d events, want 3 (text, CLICK K1, CLICK K2)", len(evs))
	}
	if got := e.count("text", outcomeDuplicate); got != 2 {
		t.Errorf("duplicate text metric = %v", got)
	}
	// Safe mode: a retry is a new encryption of the same message.
	e2 := newEnv(t, envOpt{account: config.Account{EncodingAESKey: config.NewSecret(testKey)}})
	for range 2 {
		q, body := e2.encrypted(t, testKey, e2.appID, text)
		if status, _ := e2.do(t, http.MethodPost, q, body); status != 200 {
			t.Fatal(status)
		}
	}
	if evs := e2.events(t); len(evs) != 1 {
		t.Fatalf("safe mode retry stored %d", len(evs))
	}
	// Two cards received by one user within one second are two events; the retry of one
	// is a duplicate. So are two status changes of one invoice.
	e3 := newEnv(t, envOpt{})
	card1 := eventXML("user_get_card", `<CardId><![CDATA[pCard1]]></CardId><UserCardCode><![CDATA[111]]></UserCardCode>`)
	card2 := eventXML("user_get_card", `<CardId><![CDATA[pCard2]]></CardId><UserCardCode><![CDATA[222]]></UserCardCode>`)
	lock := eventXML("update_invoice_status", `<Status><![CDATA[INVOICE_REIMBURSE_LOCK]]></Status><CardId><![CDATA[pInv]]></CardId><Code><![CDATA[333]]></Code>`)
	closure := eventXML("update_invoice_status", `<Status><![CDATA[INVOICE_REIMBURSE_CLOSURE]]></Status><CardId><![CDATA[pInv]]></CardId><Code><![CDATA[333]]></Code>`)
	for _, give := range []string{card1, card2, card1, lock, closure, closure} {
		if status, _ := e3.postPlain(t, give); status != 200 {
			t.Fatal(status)
		}
	}
	if evs := e3.events(t); len(evs) != 4 {
		t.Fatalf("stored %d events, want 4 (two cards, two invoice statuses)", len(evs))
	}
}

// TestConcurrentDuplicate: a retry arriving while the first attempt is still being
// answered gets the first attempt's answer; one event is stored. Without a ReplyHandler
// the answer is recorded together with the event, so the retry gets it at once; with a
// ReplyHandler still deciding, the retry waits for its answer.
func TestConcurrentDuplicate(t *testing.T) {
	t.Parallel()
	t.Run("rules", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envOpt{})
		stored := make(chan struct{})
		release := make(chan struct{})
		var once sync.Once
		e.s.beforeAnswer = func() {
			once.Do(func() {
				close(stored)
				<-release
			})
		}
		msg := msgXML("text", `<Content>slow</Content>`, int(time.Now().UnixNano()%1e12))
		var first string
		firstDone := make(chan struct{})
		go func() {
			defer close(firstDone)
			_, first = e.postPlain(t, msg)
		}()
		<-stored
		_, retry := e.postPlain(t, msg) // must not wait for the blocked first attempt
		close(release)
		<-firstDone
		if first != "success" || retry != "success" {
			t.Errorf("answers %q, %q", first, retry)
		}
		if evs := e.events(t); len(evs) != 1 {
			t.Errorf("stored %d", len(evs))
		}
	})
	t.Run("handler", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envOpt{})
		called := make(chan struct{})
		release := make(chan struct{})
		var once sync.Once
		url := startHandler(t, func(ctx context.Context, req *messagingv1.HandleEventRequest) (*messagingv1.HandleEventResponse, error) {
			once.Do(func() { close(called) })
			select {
			case <-release:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			return &messagingv1.HandleEventResponse{Reply: textReply("decided")}, nil
		})
		if _, err := e.s.SetReplyHandler(context.Background(), e.appID, &messagingv1.ReplyHandler{Url: url}); err != nil {
			t.Fatal(err)
		}
		msg := msgXML("text", `<Content>slow</Content>`, int(time.Now().UnixNano()%1e12))
		var wg sync.WaitGroup
		var first, retry string
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, first = e.postPlain(t, msg)
		}()
		<-called
		wg.Add(1)
		retryDone := make(chan struct{})
		go func() {
			defer wg.Done()
			defer close(retryDone)
			_, retry = e.postPlain(t, msg)
		}()
		select {
		case <-retryDone:
			t.Error("the retry did not wait for the first attempt's answer")
		case <-time.After(300 * time.Millisecond):
		}
		close(release)
		wg.Wait()
		if !strings.Contains(first, "decided") || retry != first {
			t.Errorf("answers %q, %q", first, retry)
		}
		if evs := e.events(t); len(evs) != 1 {
			t.Errorf("stored %d", len(evs))
		}
	})
}

// TestRedisDown: while Redis is down the push gets no answer at all (the connection is
// closed, which is what makes WeChat retry) and nothing is stored; the retry after Redis
// is back is stored once.
func TestRedisDown(t *testing.T) {
	t.Parallel()
	m, rdb := redistest.Embedded(t)
	e := newEnv(t, envOpt{rdb: rdb})
	msg := msgXML("text", `<Content>later</Content>`, 42)
	m.Close()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/wechat/callback/"+e.appID+"?"+e.query(time.Now().Unix()).Encode(), strings.NewReader(msg))
	if resp, err := http.DefaultClient.Do(req); err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Fatalf("Redis down: answered %d %q; want the connection closed without an answer", resp.StatusCode, b)
	}
	if err := m.Restart(); err != nil {
		t.Fatal(err)
	}
	if n := len(m.Keys()); n != 0 {
		t.Fatalf("keys after the failed attempt: %v", m.Keys())
	}
	for range 2 {
		if status, body := e.postPlain(t, msg); status != 200 || body != "success" {
			t.Fatalf("retry: %d %q", status, body)
		}
	}
	if evs := e.events(t); len(evs) != 1 {
		t.Fatalf("stored %d", len(evs))
	}
	if got := e.count("text", outcomeStoreFailed); got != 1 {
		t.Errorf("store_failed metric = %v", got)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpt{account: config.Account{EncodingAESKey: config.NewSecret(testKey)},
		cfg: Config{MaxBodyBytes: 4096}})
	now := time.Now().Unix()
	okMsg := msgXML("text", `<Content>x</Content>`, 7)

	signedAES := func(enc string) (url.Values, []byte) {
		q := e.query(now)
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", wxcrypto.MsgSignature(e.token, q.Get("timestamp"), q.Get("nonce"), enc))
		return q, []byte("<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>")
	}
	badSig := e.query(now)
	badSig.Set("signature", wxcrypto.URLSignature("wrong", badSig.Get("timestamp"), badSig.Get("nonce")))
	qBase64, bBase64 := signedAES("not base64 !!!")
	// 32 bytes of ciphertext under another key: the padding does not check.
	other, _ := wxcrypto.NewCipher(testPrevKey, e.appID)
	wrongKeyEnc, _ := other.Encrypt([]byte(okMsg), nil)
	qPad, bPad := signedAES(wrongKeyEnc)
	wrongApp, _ := wxcrypto.NewCipher(testKey, "wx_other_appid")
	wrongAppEnc, _ := wrongApp.Encrypt([]byte(okMsg), nil)
	qApp, bApp := signedAES(wrongAppEnc)
	qShort, bShort := signedAES("YWJj")
	qNoXML, bNoXML := e.encrypted(t, testKey, e.appID, "not xml at all")

	tests := []struct {
		name        string
		query       url.Values
		body        []byte
		wantStatus  int
		wantBody    string
		wantOutcome string
	}{
		{"bad signature", badSig, []byte(okMsg), 401, "unauthorized", outcomeBadSignature},
		{"no signature", url.Values{"timestamp": {strconv.FormatInt(now, 10)}, "nonce": {"1"}}, []byte(okMsg), 401, "unauthorized", outcomeBadSignature},
		{"stale", e.query(now - 600), []byte(okMsg), 401, "timestamp outside the replay window", outcomeStale},
		{"future", e.query(now + 600), []byte(okMsg), 401, "timestamp outside the replay window", outcomeStale},
		{"malformed xml", e.query(now), []byte("<xml><MsgType>text</xml"), 400, "malformed message", outcomeBadXML},
		{"not xml", e.query(now), []byte("{\"json\":1}"), 400, "malformed message", outcomeBadXML},
		{"no MsgType", e.query(now), []byte("<xml><Content>x</Content></xml>"), 400, "malformed message", outcomeBadXML},
		{"bad base64", qBase64, bBase64, 400, "malformed message", outcomeDecryptFailed},
		{"wrong padding (wrong key)", qPad, bPad, 400, "malformed message", outcomeDecryptFailed},
		{"not a block multiple", qShort, bShort, 400, "malformed message", outcomeDecryptFailed},
		{"wrong appid", qApp, bApp, 400, "malformed message", outcomeDecryptFailed},
		{"decrypted not xml", qNoXML, bNoXML, 400, "malformed message", outcomeBadXML},
		{"bad envelope", func() url.Values { q, _ := signedAES("x"); return q }(), []byte("<xml><ToUserName>gh</ToUserName></xml>"), 400, "malformed message", outcomeBadXML},
		{"too large", e.query(now), []byte(msgXML("text", "<Content>"+strings.Repeat("a", 5000)+"</Content>", 8)), 413, "request body too large", outcomeTooLarge},
		{"unknown encrypt_type", func() url.Values { q := e.query(now); q.Set("encrypt_type", "rsa"); return q }(), []byte(okMsg), 400, "encryption mode not accepted for this account", outcomeModeRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.count("", tt.wantOutcome)
			status, body := e.do(t, http.MethodPost, tt.query, tt.body)
			if status != tt.wantStatus || body != tt.wantBody {
				t.Errorf("POST = %d %q, want %d %q", status, body, tt.wantStatus, tt.wantBody)
			}
			if got := e.count("", tt.wantOutcome); got != before+1 {
				t.Errorf("metric %s: %v → %v", tt.wantOutcome, before, got)
			}
		})
	}
	if evs := e.events(t); len(evs) != 0 {
		t.Errorf("bad input stored %d events", len(evs))
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	neg := config.Duration(-1)
	tests := []struct {
		name    string
		give    Config
		wantKey string
	}{
		{"path without app_id", Config{CallbackPath: "/wechat/callback"}, "callback_path"},
		{"tiny body", Config{MaxBodyBytes: 10}, "max_body_bytes"},
		{"negative window", Config{ReplayWindow: &neg}, "replay_window"},
		{"short dedup", Config{DedupTTL: config.Duration(time.Second)}, "dedup_ttl"},
		{"long retry wait", Config{RetryWait: config.Duration(time.Minute)}, "retry_wait"},
		{"bad mode", Config{Accounts: map[string]AccountConfig{"wx1": {Mode: "secret"}}}, "accounts.wx1.mode"},
		{"long reply deadline", Config{ReplyDeadline: config.Duration(6 * time.Second)}, "reply_deadline"},
		{"short reply deadline", Config{ReplyDeadline: config.Duration(time.Millisecond)}, "reply_deadline"},
		{"late timeout before the deadline", Config{LateReplyTimeout: config.Duration(2 * time.Second)}, "late_reply_timeout"},
		{"negative in-flight", Config{HandlerMaxInFlight: -1}, "handler_max_in_flight"},
		{"short location ttl", Config{LocationTTL: config.Duration(time.Second)}, "location_ttl"},
		{"handler url", Config{Accounts: map[string]AccountConfig{"wx1": {ReplyHandler: &ReplyHandlerConfig{URL: "ftp://x"}}}}, "accounts.wx1.reply_handler"},
		{"handler protocol", Config{Accounts: map[string]AccountConfig{"wx1": {ReplyHandler: &ReplyHandlerConfig{URL: "http://x", Protocol: "soap"}}}}, "accounts.wx1.reply_handler"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.give.SetDefaults()
			err := tt.give.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.wantKey) {
				t.Errorf("Validate() = %v, want an error naming %s", err, tt.wantKey)
			}
		})
	}
	var ok Config
	ok.SetDefaults()
	if err := ok.Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
	safe := Config{Accounts: map[string]AccountConfig{"wxA": {Mode: ModeSafe}, "wxB": {}}}
	safe.SetDefaults()
	err := safe.checkAccounts(config.Accounts{{AppID: "wxA"}})
	if err == nil || !strings.Contains(err.Error(), "messaging.accounts.wxA.mode") || !strings.Contains(err.Error(), "messaging.accounts.wxB") {
		t.Errorf("checkAccounts = %v", err)
	}
}

// FuzzCallback feeds arbitrary bodies, signed, to the handler in plaintext and in AES
// mode: it must answer (never panic) and store only what it acknowledged.
func FuzzCallback(f *testing.F) {
	for _, fx := range fixtures(1) {
		f.Add([]byte(fx.xml), false)
	}
	f.Add([]byte("<xml><Encrypt><![CDATA[YWJj]]></Encrypt></xml>"), true)
	f.Add([]byte("<xml><Encrypt>"+strings.Repeat("A", 64)+"</Encrypt></xml>"), true)
	f.Add([]byte("<!DOCTYPE x [<!ENTITY a \"aaaa\">]><xml>&a;</xml>"), false)
	f.Fuzz(func(t *testing.T, body []byte, aes bool) {
		_, rdb := redistest.Embedded(t)
		e := newEnv(t, envOpt{rdb: rdb, account: config.Account{EncodingAESKey: config.NewSecret(testKey)}})
		q := e.query(time.Now().Unix())
		if aes {
			q.Set("encrypt_type", "aes")
			if env, err := wxcrypto.ParseEnvelope(body); err == nil {
				q.Set("msg_signature", wxcrypto.MsgSignature(e.token, q.Get("timestamp"), q.Get("nonce"), env.Encrypt))
			}
		}
		req := httptest.NewRequest(http.MethodPost, "/wechat/callback/"+e.appID+"?"+q.Encode(), bytes.NewReader(body))
		req.SetPathValue("app_id", e.appID)
		w := httptest.NewRecorder()
		e.s.CallbackHandler().ServeHTTP(w, req)
		if w.Code == 200 && w.Body.String() != "success" {
			t.Fatalf("200 with %q", w.Body.String())
		}
		n, _ := rdb.XLen(context.Background(), e.s.accounts[e.appID].keys.stream()).Result()
		if (w.Code == 200) != (n == 1) {
			t.Fatalf("status %d with %d stored events", w.Code, n)
		}
		if w.Code != 200 && w.Code != 400 && w.Code != 413 {
			t.Fatalf("status %d", w.Code)
		}
	})
}

// TestWindowRecordedOnAccept: the accept script records a user's interaction in the
// customer-service window hash the Sender reads (out:win:<openid>) and marks the stream
// entry; platform events leave the window alone.
func TestWindowRecordedOnAccept(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpt{})
	ctx := context.Background()
	rdb := e.s.rdb
	acc := e.s.accounts[e.appID]
	key := acc.keys.window(fxFrom)
	// The Sender's own key for the same user must be the one the script writes.
	if want := "wxsuite:{" + e.appID + "}:out:win:" + fxFrom; key != want {
		t.Fatalf("window key %q, want the Sender's %q", key, want)
	}
	if status, _ := e.postPlain(t, msgXML("text", `<Content>hi</Content>`, int(time.Now().UnixNano()%1e12))); status != 200 {
		t.Fatal(status)
	}
	w, err := rdb.HGetAll(ctx, key).Result()
	if err != nil || w["last"] == "" || w["type"] != "text" || w["unsub"] != "0" {
		t.Fatalf("window after a message = %v, %v", w, err)
	}
	if ttl := rdb.PTTL(ctx, key).Val(); ttl < 48*time.Hour || ttl > 72*time.Hour+time.Minute {
		t.Errorf("window TTL %s, want the window (48h) and a day", ttl)
	}
	entries, err := rdb.XRange(ctx, acc.keys.stream(), "-", "+").Result()
	if err != nil || len(entries) != 1 || entries[0].Values[fieldWindow] != "1" {
		t.Fatalf("stream entries %v, %v: want one marked w=1", entries, err)
	}
	// A later unsubscribe closes it; a job-finish event (from the platform) changes nothing.
	later := strings.Replace(eventXML("unsubscribe", ""), "<CreateTime>123456789</CreateTime>", "<CreateTime>1348831900</CreateTime>", 1)
	if status, _ := e.postPlain(t, later); status != 200 {
		t.Fatal(status)
	}
	if got := rdb.HGet(ctx, key, "unsub").Val(); got != "1" {
		t.Errorf("unsub after unsubscribe = %q", got)
	}
	before := rdb.HGet(ctx, key, "type").Val()
	if status, _ := e.postPlain(t, eventXML("TEMPLATESENDJOBFINISH", `<MsgID>4242</MsgID><Status><![CDATA[success]]></Status>`)); status != 200 {
		t.Fatal(status)
	}
	if got := rdb.HGet(ctx, key, "type").Val(); got != before {
		t.Errorf("a job-finish event changed the window type to %q", got)
	}
}
