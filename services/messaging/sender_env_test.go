package messaging

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/genproto/googleapis/rpc/errdetails"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1/messagingv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

// outTokens is a wechat.TokenSource over the sandbox's in-process token issuing.
type outTokens struct {
	sb  *sandbox.Sandbox
	mu  sync.Mutex
	tok map[string]string
}

func (ts *outTokens) AccessToken(_ context.Context, appID string) (string, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if t, ok := ts.tok[appID]; ok {
		return t, nil
	}
	t, _, err := ts.sb.IssueToken(appID)
	if err != nil {
		return "", err
	}
	ts.tok[appID] = t
	return t, nil
}

func (ts *outTokens) RefreshAccessToken(_ context.Context, appID, stale string) (string, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if t := ts.tok[appID]; t != stale && t != "" {
		return t, nil
	}
	t, _, err := ts.sb.IssueToken(appID)
	if err != nil {
		return "", err
	}
	ts.tok[appID] = t
	return t, nil
}

// outClock is a movable clock for the Sender: the real time, or a frozen base (unix
// nanoseconds, when set), plus an offset.
type outClock struct{ offset, base atomic.Int64 }

func (c *outClock) now() time.Time {
	if b := c.base.Load(); b != 0 {
		return time.Unix(0, b).Add(time.Duration(c.offset.Load()))
	}
	return time.Now().Add(time.Duration(c.offset.Load()))
}
func (c *outClock) advance(d time.Duration) { c.offset.Add(int64(d)) }

// sendEnv is the whole outbound path: a sandbox account whose pushes reach a callback
// gateway (Service) over real HTTP, a Sender following the gateway's stream, and the
// four sending services served over Connect and gRPC.
type sendEnv struct {
	appID  string
	sb     *sandboxtest.Env
	svc    *Service
	sender *Sender
	clock  *outClock
	url    string
	user   string // a simulated user's openid

	custom   messagingv1connect.CustomMessageServiceClient
	template messagingv1connect.TemplateMessageServiceClient
	notify   messagingv1connect.SubscribeNotificationServiceClient
	mass     messagingv1connect.MassMessageServiceClient
	// gRPC clients of the same services.
	customGRPC messagingv1connect.CustomMessageServiceClient
}

type sendEnvOpt struct {
	cfg       SendConfig
	noStart   bool
	appID     string
	sandboxFn func(*sandboxtest.Env)
}

func newSendEnv(t testing.TB, o sendEnvOpt) *sendEnv {
	t.Helper()
	appID := o.appID
	if appID == "" {
		appID = "wxo" + randomHex(7)
	}
	tok := "tok" + randomHex(4)
	rdb := redistest.New(t)
	accounts := config.Accounts{{AppID: appID, AppSecret: config.NewSecret("secret"), CallbackToken: config.NewSecret(tok)}}
	svc, err := New(Params{Accounts: accounts, Redis: rdb, Config: Config{VisibilityTimeout: config.Duration(time.Second)}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(svc.cfg.CallbackPath, svc.CallbackHandler())
	cb := httptest.NewServer(mux)
	t.Cleanup(cb.Close)

	sb := sandboxtest.Start(t, sandbox.Account{AppID: appID, AppSecret: "secret"})
	sb.SetCallback(t, appID, cb.URL+"/wechat/callback/"+appID, tok, "", sandbox.EncryptPlain)
	wx, err := wechat.New(wechat.Config{BaseURL: sb.URL, FallbackURLs: []string{}}, wechat.WithTokenSource(&outTokens{sb: sb.Sandbox, tok: map[string]string{}}))
	if err != nil {
		t.Fatal(err)
	}
	clock := &outClock{}
	sender, err := NewSender(SenderParams{Config: o.cfg, KeyPrefix: svc.cfg.KeyPrefix, Accounts: accounts, Redis: rdb,
		WeChat: wx, Events: svc, Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	e := &sendEnv{appID: appID, sb: sb, svc: svc, sender: sender, clock: clock}
	if !o.noStart {
		e.start(t)
	}
	opts := rpcserver.NewHandlerOptions(nil, prometheus.NewRegistry())
	api := http.NewServeMux()
	api.Handle(messagingv1connect.NewCustomMessageServiceHandler(NewCustomMessageHandler(sender), opts.Options...))
	api.Handle(messagingv1connect.NewTemplateMessageServiceHandler(NewTemplateMessageHandler(sender), opts.Options...))
	api.Handle(messagingv1connect.NewSubscribeNotificationServiceHandler(NewSubscribeNotificationHandler(sender), opts.Options...))
	api.Handle(messagingv1connect.NewMassMessageServiceHandler(NewMassMessageHandler(sender), opts.Options...))
	srv := httptest.NewUnstartedServer(api)
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	srv.Config.Protocols = &protocols
	srv.Start()
	t.Cleanup(srv.Close)
	e.url = srv.URL
	hc := &http.Client{Transport: &http.Transport{Protocols: &protocols}}
	e.custom = messagingv1connect.NewCustomMessageServiceClient(hc, srv.URL)
	e.customGRPC = messagingv1connect.NewCustomMessageServiceClient(hc, srv.URL, connect.WithGRPC())
	e.template = messagingv1connect.NewTemplateMessageServiceClient(hc, srv.URL, connect.WithGRPC())
	e.notify = messagingv1connect.NewSubscribeNotificationServiceClient(hc, srv.URL)
	e.mass = messagingv1connect.NewMassMessageServiceClient(hc, srv.URL)
	e.user = sb.AddUser(t, appID, sandbox.User{Nickname: "alice"}).OpenID
	return e
}

// start starts the Sender and waits until it follows the stream.
func (e *sendEnv) start(t testing.TB) {
	t.Helper()
	if err := e.sender.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.sender.Stop(context.Background()) })
	select {
	case <-e.sender.Ready(e.appID):
	case <-time.After(10 * time.Second):
		t.Fatal("the sender did not start following the stream")
	}
}

// outEventually retries f until it returns nil or 10 s pass.
func outEventually(t testing.TB, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// calls counts the sandbox's calls of path for the env's account.
func (e *sendEnv) calls(path string) int {
	return len(e.sb.Sandbox.Calls(sandbox.CallFilter{Path: path, AppID: e.appID}))
}

// outWantCode fails unless err is a connect error with code.
func outWantCode(t testing.TB, err error, code connect.Code) *connect.Error {
	t.Helper()
	var ce *connect.Error
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a connect error %v", err, code)
	}
	if ce.Code() != code {
		t.Fatalf("code = %v (%s), want %v", ce.Code(), ce.Message(), code)
	}
	return ce
}

// outWeChatErrcode returns the WECHAT_ERRCODE detail's errcode of err ("" without one).
func outWeChatErrcode(err error) string {
	var ce *connect.Error
	if !errors.As(err, &ce) {
		return ""
	}
	for _, d := range ce.Details() {
		v, derr := d.Value()
		if derr != nil {
			continue
		}
		if info, ok := v.(*errdetails.ErrorInfo); ok && info.GetReason() == wechat.ErrorInfoReason {
			return info.GetMetadata()["errcode"]
		}
	}
	return ""
}

// outReq returns m (the generated clients take messages as is; it keeps call sites short).
func outReq[T any](m *T) *T { return m }

func TestSendConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give SendConfig
		want string // the key named; "" for valid
	}{
		{SendConfig{}, ""},
		{SendConfig{MassPerMinute: 61}, "send.mass_per_minute"},
		{SendConfig{MassBatchSize: 10001}, "send.mass_batch_size"},
		{SendConfig{MassBatchSize: 1}, "send.mass_batch_size"},
		{SendConfig{ToAllPeriod: "week"}, "send.to_all_period"},
		{SendConfig{Window: config.Duration(time.Second)}, "send.window"},
		{SendConfig{ConsumerGroup: "bad group"}, "send.consumer_group"},
		{SendConfig{StatusTTL: config.Duration(time.Minute)}, "send.status_ttl"},
	}
	for _, tt := range tests {
		c := tt.give
		c.SetDefaults()
		err := c.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%+v: %v", tt.give, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%+v: err %v, want it to name %s", tt.give, err, tt.want)
		}
	}
}

func TestSenderWithoutWeChatClient(t *testing.T) {
	t.Parallel()
	s, err := NewSender(SenderParams{Accounts: config.Accounts{{AppID: "wxnowechat"}}, Redis: redistest.New(t)})
	if err != nil {
		t.Fatal(err)
	}
	err = senderError(s.SendCustomMessage(t.Context(), &messagingv1.SendCustomMessageRequest{AppId: "wxnowechat", Openid: "o1",
		Message: &messagingv1.SendCustomMessageRequest_Text{Text: &messagingv1.CustomText{Content: "x"}}}))
	if connect.CodeOf(err) != connect.CodeUnavailable {
		t.Errorf("err = %v, want unavailable", err)
	}
}
