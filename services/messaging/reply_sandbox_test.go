package messaging

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"google.golang.org/protobuf/proto"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1/messagingv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

// replyEnv is a Service whose account receives real pushes from a sandbox account.
type replyEnv struct {
	*env
	sb   *sandboxtest.Env
	user string // the simulated user's openid
}

type replyEnvOpt struct {
	envOpt
	mode       sandbox.EncryptMode
	sandboxKey string        // the EncodingAESKey the sandbox encrypts with (default testKey)
	pushWait   time.Duration // sandbox push timeout (default the platform's 5 s)
}

// sandboxTokens gives the WeChat client access tokens the sandbox issued.
type sandboxTokens struct {
	sb   *sandbox.Sandbox
	once sync.Once
	tok  string
	err  error
}

func (s *sandboxTokens) AccessToken(_ context.Context, appID string) (string, error) {
	s.once.Do(func() { s.tok, _, s.err = s.sb.IssueToken(appID) })
	return s.tok, s.err
}

func (s *sandboxTokens) RefreshAccessToken(_ context.Context, appID, _ string) (string, error) {
	tok, _, err := s.sb.IssueToken(appID)
	return tok, err
}

func newReplyEnv(t *testing.T, o replyEnvOpt) *replyEnv {
	t.Helper()
	appID := "wxr" + randomHex(6)
	token := "tok" + randomHex(4)
	if o.sandboxKey == "" {
		o.sandboxKey = testKey
	}
	sb := sandboxtest.StartOptions(t, sandbox.Options{Accounts: []sandbox.Account{{AppID: appID, AppSecret: "secret"}}, PushTimeout: o.pushWait})
	wc, err := wechat.New(wechat.Config{BaseURL: sb.URL}, wechat.WithTokenSource(&sandboxTokens{sb: sb.Sandbox}))
	if err != nil {
		t.Fatal(err)
	}
	o.account.AppID = appID
	o.account.CallbackToken = config.NewSecret(token)
	if o.account.EncodingAESKey.IsZero() {
		o.account.EncodingAESKey = config.NewSecret(testKey)
	}
	o.wechat = wc
	e := newEnv(t, o.envOpt)
	key := o.sandboxKey
	if o.mode == sandbox.EncryptPlain {
		key = ""
	}
	sb.SetCallback(t, appID, e.srv.URL+"/wechat/callback/"+appID, token, key, o.mode)
	u := sb.AddUser(t, appID, sandbox.User{Nickname: "reply"})
	return &replyEnv{env: e, sb: sb, user: u.OpenID}
}

func (r *replyEnv) setRules(t *testing.T, rules *messagingv1.ReplyRules) {
	t.Helper()
	if _, err := r.s.SetReplyRules(context.Background(), r.appID, rules); err != nil {
		t.Fatal(err)
	}
}

func (r *replyEnv) inbox(t *testing.T) sandbox.Inbox { return r.sb.Inbox(t, r.appID, r.user) }

// replied checks that the push was answered with a valid passive reply of msgType and
// returns the reply's text: Content, or the first article's title, or the media id.
func replied(t *testing.T, res sandbox.PushResult, msgType string) string {
	t.Helper()
	if !res.Delivered || res.InvalidReason != "" {
		t.Fatalf("push not delivered: %q (attempts %d)", res.InvalidReason, res.Attempts)
	}
	if res.ReplyMsgType != msgType {
		t.Fatalf("reply MsgType %q, want %q (%s)", res.ReplyMsgType, msgType, res.ReplyXML)
	}
	var x struct {
		Content  string
		MediaID  string   `xml:"Image>MediaId"`
		Titles   []string `xml:"Articles>item>Title"`
		Kf       string   `xml:"TransInfo>KfAccount"`
		MusicURL string   `xml:"Music>MusicUrl"`
	}
	if err := xml.Unmarshal([]byte(res.ReplyXML), &x); err != nil {
		t.Fatal(err)
	}
	switch {
	case x.Content != "":
		return x.Content
	case len(x.Titles) > 0:
		return strings.Join(x.Titles, ",")
	case x.MediaID != "":
		return x.MediaID
	case x.Kf != "":
		return x.Kf
	}
	return x.MusicURL
}

// TestReplyEveryTypeEveryMode: rule replies of every passive type, in plain, compatible
// and safe mode (and safe mode with a push encrypted with the previous EncodingAESKey),
// are accepted by the sandbox (its own XML checks and crypto), land in the user's inbox,
// and no answer is invalid.
func TestReplyEveryTypeEveryMode(t *testing.T) {
	t.Parallel()
	tricky := "回复 ]]> <b>&amp;"
	modes := []struct {
		name string
		opt  replyEnvOpt
	}{
		{"plain", replyEnvOpt{mode: sandbox.EncryptPlain}},
		{"compatible", replyEnvOpt{mode: sandbox.EncryptCompatible}},
		{"safe", replyEnvOpt{mode: sandbox.EncryptSafe}},
		{"safe_previous_key", replyEnvOpt{mode: sandbox.EncryptSafe, sandboxKey: testPrevKey,
			envOpt: envOpt{account: config.Account{EncodingAESKey: config.NewSecret(testKey), PreviousEncodingAESKey: config.NewSecret(testPrevKey)}}}},
	}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			r := newReplyEnv(t, m.opt)
			types := allReplyTypes(tricky)
			rules := &messagingv1.ReplyRules{Welcome: newsReply(8),
				ClickRules: []*messagingv1.ClickRule{{EventKey: "MUSIC", Reply: types["music"]}}}
			for name, reply := range types {
				if name == "news" {
					reply = newsReply(1)
				}
				rules.KeywordRules = append(rules.KeywordRules, &messagingv1.KeywordRule{Match: exact, Pattern: "t-" + name, Reply: reply})
			}
			r.setRules(t, rules)
			for name := range types {
				res := r.sb.PushText(t, r.appID, r.user, "t-"+name)
				got := replied(t, res, name)
				if name == "text" && got != tricky {
					t.Errorf("text reply %q, want %q", got, tricky)
				}
			}
			if got := replied(t, r.sb.PushEvent(t, r.appID, r.user, sandbox.Event{Event: "subscribe"}), "news"); got != "t,t,t,t,t,t,t,t" {
				t.Errorf("welcome titles %q", got)
			}
			replied(t, r.sb.PushEvent(t, r.appID, r.user, sandbox.Event{Event: "CLICK", EventKey: "MUSIC"}), "music")
			// No rule for this one: "success", no inbox item.
			if res := r.sb.PushEvent(t, r.appID, r.user, sandbox.Event{Event: "VIEW", EventKey: "https://example.com"}); !res.Delivered || res.ReplyXML != "" {
				t.Errorf("VIEW: delivered %v, reply %q", res.Delivered, res.ReplyXML)
			}
			in := r.inbox(t)
			if in.InvalidReplies != 0 {
				t.Fatalf("%d invalid replies: %s", in.InvalidReplies, in.LastInvalidReason)
			}
			if n := len(in.Items); n != len(types)+2 {
				t.Errorf("inbox holds %d items, want %d", n, len(types)+2)
			}
			for _, it := range in.Items {
				if it.Channel != sandbox.ChannelPassiveReply {
					t.Errorf("channel %q", it.Channel)
				}
			}
			if len(r.events(t)) != len(types)+3 {
				t.Errorf("stored %d events", len(r.events(t)))
			}
		})
	}
}

// handlerServer is a ReplyHandlerService backend for tests.
type handlerServer struct {
	messagingv1connect.UnimplementedReplyHandlerServiceHandler
	handle func(ctx context.Context, req *messagingv1.HandleEventRequest) (*messagingv1.HandleEventResponse, error)
}

func (h *handlerServer) HandleEvent(ctx context.Context, req *messagingv1.HandleEventRequest) (*messagingv1.HandleEventResponse, error) {
	return h.handle(ctx, req)
}

// startHandler serves handle over HTTP/1.1 and h2c (gRPC, Connect and gRPC-Web).
func startHandler(t *testing.T, handle func(context.Context, *messagingv1.HandleEventRequest) (*messagingv1.HandleEventResponse, error)) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle(messagingv1connect.NewReplyHandlerServiceHandler(&handlerServer{handle: handle}))
	srv := httptest.NewUnstartedServer(mux)
	var p http.Protocols
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	srv.Config.Protocols = &p
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL
}

func (r *replyEnv) setHandler(t *testing.T, h *messagingv1.ReplyHandler) {
	t.Helper()
	if _, err := r.s.SetReplyHandler(context.Background(), r.appID, h); err != nil {
		t.Fatal(err)
	}
}

// TestReplyHandler: the handler's reply is the passive reply (over gRPC, Connect and
// gRPC-Web); acknowledge_only answers "success"; no reply, an error or an invalid reply
// fall back to the rules.
func TestReplyHandler(t *testing.T) {
	t.Parallel()
	protocols := []messagingv1.ReplyHandlerProtocol{
		messagingv1.ReplyHandlerProtocol_REPLY_HANDLER_PROTOCOL_UNSPECIFIED, // gRPC
		messagingv1.ReplyHandlerProtocol_REPLY_HANDLER_PROTOCOL_CONNECT,
		messagingv1.ReplyHandlerProtocol_REPLY_HANDLER_PROTOCOL_GRPC_WEB,
	}
	for _, protocol := range protocols {
		t.Run(protocol.String(), func(t *testing.T) {
			t.Parallel()
			r := newReplyEnv(t, replyEnvOpt{mode: sandbox.EncryptSafe})
			r.setRules(t, &messagingv1.ReplyRules{DefaultReply: textReply("rule")})
			var mu sync.Mutex
			var seen []*messagingv1.HandleEventRequest
			url := startHandler(t, func(_ context.Context, req *messagingv1.HandleEventRequest) (*messagingv1.HandleEventResponse, error) {
				mu.Lock()
				seen = append(seen, req)
				mu.Unlock()
				switch c := req.GetEvent().GetText().GetContent(); c {
				case "ack":
					return &messagingv1.HandleEventResponse{AcknowledgeOnly: true}, nil
				case "none":
					return &messagingv1.HandleEventResponse{}, nil
				case "fail":
					return nil, errors.New("backend broke")
				case "invalid":
					return &messagingv1.HandleEventResponse{Reply: newsReply(2)}, nil // 1 article answers a message
				default:
					return &messagingv1.HandleEventResponse{Reply: textReply("handler: " + c)}, nil
				}
			})
			r.setHandler(t, &messagingv1.ReplyHandler{Url: url, Protocol: protocol})
			if got := replied(t, r.sb.PushText(t, r.appID, r.user, "hi"), "text"); got != "handler: hi" {
				t.Errorf("reply %q", got)
			}
			if res := r.sb.PushText(t, r.appID, r.user, "ack"); !res.Delivered || res.ReplyXML != "" {
				t.Errorf("ack: delivered %v reply %q", res.Delivered, res.ReplyXML)
			}
			for _, c := range []string{"none", "fail", "invalid"} {
				if got := replied(t, r.sb.PushText(t, r.appID, r.user, c), "text"); got != "rule" {
					t.Errorf("%s: reply %q, want the rule's", c, got)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if len(seen) != 5 {
				t.Fatalf("handler called %d times", len(seen))
			}
			first := seen[0]
			if first.GetEvent().GetId() == "" || first.GetEvent().GetAppId() != r.appID || first.GetEvent().GetFromUserName() != r.user ||
				first.GetReplyDeadline() == nil {
				t.Errorf("request = %v", first)
			}
			if in := r.inbox(t); in.InvalidReplies != 0 {
				t.Errorf("invalid replies: %s", in.LastInvalidReason)
			}
			for _, reason := range []string{fallbackNoReply, fallbackError, fallbackInvalid} {
				if got := testutil.ToFloat64(r.s.metrics.handlerFallbacks.WithLabelValues(r.appID, reason)); got != 1 {
					t.Errorf("fallback %s = %v", reason, got)
				}
			}
		})
	}
}

// waitFor polls cond until it holds or 10 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSlowReplyHandler: a handler slower than reply_deadline is replaced in time by the
// rules; its reply, when it comes, reaches the user as a customer-service message
// (custom/send, inbox channel "custom"), unless the registration turned that off.
func TestSlowReplyHandler(t *testing.T) {
	t.Parallel()
	r := newReplyEnv(t, replyEnvOpt{mode: sandbox.EncryptSafe, envOpt: envOpt{cfg: Config{ReplyDeadline: config.Duration(time.Second)}}})
	r.setRules(t, &messagingv1.ReplyRules{DefaultReply: textReply("rule, in time")})
	release := make(chan struct{})
	url := startHandler(t, func(ctx context.Context, req *messagingv1.HandleEventRequest) (*messagingv1.HandleEventResponse, error) {
		select {
		case <-release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return &messagingv1.HandleEventResponse{Reply: textReply("late: " + req.GetEvent().GetText().GetContent())}, nil
	})
	r.setHandler(t, &messagingv1.ReplyHandler{Url: url})

	res := r.sb.PushText(t, r.appID, r.user, "slow question")
	if got := replied(t, res, "text"); got != "rule, in time" {
		t.Fatalf("passive reply %q", got)
	}
	if res.Attempts != 1 {
		t.Errorf("attempts = %d: the rules did not answer within the platform's timeout", res.Attempts)
	}
	close(release)
	var late sandbox.InboxItem
	waitFor(t, "the late reply", func() bool {
		for _, it := range r.inbox(t).Items {
			if it.Channel == sandbox.ChannelCustom {
				late = it
				return true
			}
		}
		return false
	})
	var body struct {
		ToUser string `json:"touser"`
		Text   struct {
			Content string `json:"content"`
		} `json:"text"`
	}
	if err := json.Unmarshal([]byte(late.Body), &body); err != nil {
		t.Fatal(err)
	}
	if late.MsgType != "text" || body.Text.Content != "late: slow question" || body.ToUser != r.user {
		t.Errorf("late reply = %+v", late)
	}
	// The metric counts once custom/send has answered, a moment after the inbox has it.
	waitFor(t, "the delivered metric", func() bool {
		return testutil.ToFloat64(r.s.metrics.lateReplies.WithLabelValues(r.appID, lateDelivered)) == 1
	})

	// Switched off: the late reply is dropped.
	release2 := make(chan struct{})
	url2 := startHandler(t, func(context.Context, *messagingv1.HandleEventRequest) (*messagingv1.HandleEventResponse, error) {
		<-release2
		return &messagingv1.HandleEventResponse{Reply: textReply("dropped")}, nil
	})
	r.setHandler(t, &messagingv1.ReplyHandler{Url: url2, DeliverLateReplies: proto.Bool(false)})
	replied(t, r.sb.PushText(t, r.appID, r.user, "again"), "text")
	close(release2)
	waitFor(t, "the dropped late reply", func() bool {
		return testutil.ToFloat64(r.s.metrics.lateReplies.WithLabelValues(r.appID, lateDisabled)) == 1
	})
	customs := 0
	for _, it := range r.inbox(t).Items {
		if it.Channel == sandbox.ChannelCustom {
			customs++
		}
	}
	if customs != 1 {
		t.Errorf("%d customer-service messages, want 1", customs)
	}
	if in := r.inbox(t); in.InvalidReplies != 0 {
		t.Errorf("invalid replies: %s", in.LastInvalidReason)
	}
}

// TestRetryInFlightGetsSameReply: the sandbox gives up on the first attempt (1 s push
// timeout) while the gateway is still answering it; the retry waits for that answer and
// gets the same reply; the user receives it once and the event is stored once.
func TestRetryInFlightGetsSameReply(t *testing.T) {
	t.Parallel()
	r := newReplyEnv(t, replyEnvOpt{mode: sandbox.EncryptSafe, pushWait: time.Second})
	r.setRules(t, &messagingv1.ReplyRules{DefaultReply: textReply("the one reply")})
	var once sync.Once
	r.s.beforeAnswer = func() { once.Do(func() { time.Sleep(1500 * time.Millisecond) }) }
	res := r.sb.PushText(t, r.appID, r.user, "question")
	if res.Attempts != 2 {
		t.Errorf("attempts = %d, want 2 (the first one timed out)", res.Attempts)
	}
	if got := replied(t, res, "text"); got != "the one reply" {
		t.Errorf("reply %q", got)
	}
	if n := len(r.events(t)); n != 1 {
		t.Errorf("stored %d events", n)
	}
	in := r.inbox(t)
	if len(in.Items) != 1 || in.InvalidReplies != 0 {
		t.Errorf("inbox: %d items, %d invalid (%s)", len(in.Items), in.InvalidReplies, in.LastInvalidReason)
	}
	if got := r.count("text", outcomeDuplicate); got != 1 {
		t.Errorf("duplicates = %v", got)
	}
}

// TestConcurrentRetrySameReplyBytes: two attempts of one safe-mode push in flight
// together get replies that decrypt to the same XML (each sealed for its request).
func TestConcurrentRetrySameReplyBytes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpt{account: config.Account{EncodingAESKey: config.NewSecret(testKey)}})
	if _, err := e.s.SetReplyRules(context.Background(), e.appID, &messagingv1.ReplyRules{DefaultReply: textReply("same")}); err != nil {
		t.Fatal(err)
	}
	stored, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	e.s.beforeAnswer = func() {
		once.Do(func() {
			close(stored)
			<-release
		})
	}
	msg := msgXML("text", `<Content>q</Content>`, int(time.Now().UnixNano()%1e12))
	answers := make([]string, 2)
	var wg sync.WaitGroup
	post := func(i int) {
		defer wg.Done()
		q, body := e.encrypted(t, testKey, e.appID, msg)
		status, a := e.do(t, http.MethodPost, q, body)
		if status != 200 {
			t.Errorf("attempt %d: %d", i, status)
		}
		answers[i] = a
	}
	wg.Add(1)
	go post(0)
	<-stored
	wg.Add(1)
	go post(1)
	time.Sleep(200 * time.Millisecond) // the retry is waiting for the first answer
	close(release)
	wg.Wait()
	plain := make([]string, 2)
	for i, a := range answers {
		env := struct {
			Encrypt string
		}{}
		if err := xml.Unmarshal([]byte(a), &env); err != nil || env.Encrypt == "" {
			t.Fatalf("answer %d is not an encrypted reply: %q", i, a)
		}
		c, _, _ := e.s.accounts[e.appID].keyring.Current().Decrypt(env.Encrypt)
		plain[i] = string(c)
	}
	if plain[0] != plain[1] || !strings.Contains(plain[0], "<Content><![CDATA[same]]></Content>") {
		t.Errorf("replies differ or are wrong:\n%s\n%s", plain[0], plain[1])
	}
	if n := len(e.events(t)); n != 1 {
		t.Errorf("stored %d", n)
	}
}

// TestRedisDownDuringPush: a push that arrives while Redis is down gets no answer (the
// connection is closed), so the sandbox, like WeChat, sends it again; Redis is back by
// then and the retry is stored and answered with the rule reply. One event, one valid
// reply in the user's inbox, no invalid answer.
func TestRedisDownDuringPush(t *testing.T) {
	t.Parallel()
	m, rdb := redistest.Embedded(t)
	r := newReplyEnv(t, replyEnvOpt{mode: sandbox.EncryptSafe, envOpt: envOpt{rdb: rdb}})
	r.setRules(t, &messagingv1.ReplyRules{DefaultReply: textReply("stored and answered")})
	var once sync.Once
	restarted := make(chan error, 1)
	r.s.afterStoreFailure = func() {
		once.Do(func() { restarted <- m.Restart() })
	}
	m.Close()
	res := r.sb.PushText(t, r.appID, r.user, "while Redis is down")
	if err := <-restarted; err != nil {
		t.Fatal(err)
	}
	if res.Attempts < 2 {
		t.Fatalf("attempts = %d: the first attempt was answered", res.Attempts)
	}
	if got := replied(t, res, "text"); got != "stored and answered" {
		t.Errorf("reply %q", got)
	}
	dup, err := r.sb.Sandbox.PushXML(context.Background(), r.appID, r.user, res.XML)
	if err != nil {
		t.Fatal(err)
	}
	if got := replied(t, dup, "text"); got != "stored and answered" {
		t.Errorf("duplicate: reply %q", got)
	}
	if in := r.sb.Inbox(t, r.appID, r.user); in.InvalidReplies != 0 {
		t.Errorf("invalid replies: %d (%s)", in.InvalidReplies, in.LastInvalidReason)
	}
	evs := r.events(t)
	if len(evs) != 1 || evs[0].GetText().GetContent() != "while Redis is down" {
		t.Fatalf("events = %v", evs)
	}
	if got := r.count("text", outcomeStoreFailed); got != 1 {
		t.Errorf("store_failed = %v", got)
	}
}

// TestUserLocation: LOCATION reports are kept (the last one wins) and GetUserLocation
// returns the last; an unsubscribe deletes it.
func TestUserLocation(t *testing.T) {
	t.Parallel()
	r := newReplyEnv(t, replyEnvOpt{mode: sandbox.EncryptPlain})
	ctx := context.Background()
	report := func(lat, lng string) {
		res := r.sb.PushEvent(t, r.appID, r.user, sandbox.Event{Event: "LOCATION",
			Fields: map[string]string{"Latitude": lat, "Longitude": lng, "Precision": "119.385040"}})
		if !res.Delivered {
			t.Fatal(res.InvalidReason)
		}
	}
	if _, err := r.s.GetUserLocation(ctx, r.appID, r.user); !errors.As(err, new(*UserLocationNotFoundError)) {
		t.Fatalf("before any report: %v", err)
	}
	report("23.137466", "113.352425")
	r.sb.Sandbox.Advance(time.Second) // a distinct CreateTime: not a duplicate
	report("39.9", "116.4")
	loc, err := r.s.GetUserLocation(ctx, r.appID, r.user)
	if err != nil {
		t.Fatal(err)
	}
	if loc.GetLocation().GetLatitude() != 39.9 || loc.GetLocation().GetLongitude() != 116.4 || loc.GetLocation().GetPrecision() != 119.38504 ||
		loc.GetReportTime() == nil || loc.GetEventId() == "" {
		t.Errorf("location = %v", loc)
	}
	if ev, err := r.s.GetEvent(ctx, r.appID, loc.GetEventId()); err != nil || ev.GetLocationReport().GetLatitude() != 39.9 {
		t.Errorf("event of the location: %v, %v", ev, err)
	}
	key := r.s.accounts[r.appID].keys.location(r.user)
	if ttl := r.s.rdb.PTTL(ctx, key).Val(); ttl <= 0 || ttl > 720*time.Hour {
		t.Errorf("location TTL = %v", ttl)
	}
	r.sb.PushEvent(t, r.appID, r.user, sandbox.Event{Event: "unsubscribe"})
	if _, err := r.s.GetUserLocation(ctx, r.appID, r.user); !errors.As(err, new(*UserLocationNotFoundError)) {
		t.Errorf("after unsubscribe: %v", err)
	}
	if n := r.s.rdb.Exists(ctx, key).Val(); n != 0 {
		t.Errorf("the location key survived the unsubscribe")
	}
	if _, err := r.s.GetUserLocation(ctx, r.appID, ""); !errors.As(err, new(*ArgumentError)) {
		t.Errorf("empty openid: %v", err)
	}
	if _, err := r.s.GetUserLocation(ctx, "wxnope", r.user); !errors.As(err, new(*UnknownAccountError)) {
		t.Errorf("unknown account: %v", err)
	}
}
