package messaging

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	neturl "net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"google.golang.org/protobuf/proto"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
)

// TestRulesReachEveryReplica: two gateway replicas share Redis; rules set through one
// answer the next push on the other, and so do later changes (the accept script reports
// the rules' version, so the cache is reloaded without polling).
func TestRulesReachEveryReplica(t *testing.T) {
	t.Parallel()
	rdb := redistest.New(t)
	acc := config.Account{AppID: "wxc" + randomHex(6), CallbackToken: config.NewSecret("tok" + randomHex(4))}
	a := newEnv(t, envOpt{rdb: rdb, account: acc})
	b := newEnv(t, envOpt{rdb: rdb, account: acc})
	base := int(time.Now().UnixNano() % 1e12)
	ask := func(e *env, n int) string {
		t.Helper()
		status, body := e.postPlain(t, msgXML("text", `<Content>hi</Content>`, base+n))
		if status != 200 {
			t.Fatalf("status %d", status)
		}
		return body
	}
	if got := ask(b, 1); got != "success" {
		t.Fatalf("before any rule: %q", got)
	}
	for i, want := range []string{"first", "second"} {
		if _, err := a.s.SetReplyRules(context.Background(), acc.AppID, &messagingv1.ReplyRules{DefaultReply: textReply(want)}); err != nil {
			t.Fatal(err)
		}
		if got := ask(b, 10+i); !strings.Contains(got, "<Content><![CDATA["+want+"]]></Content>") {
			t.Errorf("replica b answered %q, want %q", got, want)
		}
	}
	if _, err := a.s.SetReplyRules(context.Background(), acc.AppID, nil); err != nil {
		t.Fatal(err)
	}
	if got := ask(b, 20); got != "success" {
		t.Errorf("after removing the rules: %q", got)
	}
}

// TestHandlerMaxInFlight: once handler_max_in_flight calls are pending, further pushes
// are answered by the rules without calling the handler.
func TestHandlerMaxInFlight(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpt{cfg: Config{ReplyDeadline: config.Duration(time.Second), HandlerMaxInFlight: 1}})
	release := make(chan struct{})
	calls := make(chan struct{}, 10)
	url := startHandler(t, func(ctx context.Context, _ *messagingv1.HandleEventRequest) (*messagingv1.HandleEventResponse, error) {
		calls <- struct{}{}
		select {
		case <-release:
		case <-ctx.Done():
		}
		return &messagingv1.HandleEventResponse{}, nil
	})
	ctx := context.Background()
	if _, err := e.s.SetReplyHandler(ctx, e.appID, &messagingv1.ReplyHandler{Url: url}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.SetReplyRules(ctx, e.appID, &messagingv1.ReplyRules{DefaultReply: textReply("rule")}); err != nil {
		t.Fatal(err)
	}
	base := int(time.Now().UnixNano() % 1e12)
	for i := range 2 {
		if _, body := e.postPlain(t, msgXML("text", `<Content>x</Content>`, base+i)); !strings.Contains(body, "rule") {
			t.Fatalf("push %d: %q", i, body)
		}
	}
	close(release)
	if n := len(calls); n != 1 {
		t.Errorf("handler called %d times, want 1", n)
	}
	for reason, want := range map[string]float64{fallbackTimeout: 1, fallbackBusy: 1} {
		if got := testutil.ToFloat64(e.s.metrics.handlerFallbacks.WithLabelValues(e.appID, reason)); got != want {
			t.Errorf("fallback %s = %v, want %v", reason, got, want)
		}
	}
}

// TestConfigReplyHandler: a ReplyHandler from the configuration is called with its
// api_key as a bearer token; one registered by RPC takes precedence.
func TestConfigReplyHandler(t *testing.T) {
	t.Parallel()
	var gotAuth atomic.Value
	url := startHandler(t, func(ctx context.Context, req *messagingv1.HandleEventRequest) (*messagingv1.HandleEventResponse, error) {
		return &messagingv1.HandleEventResponse{Reply: textReply("from config")}, nil
	})
	// startHandler has no access to headers: wrap it.
	check := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth.Store(r.Header.Get("Authorization"))
		proxy := httputil.NewSingleHostReverseProxy(mustParse(t, url))
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(check.Close)
	appID := "wxh" + randomHex(6)
	e := newEnv(t, envOpt{account: config.Account{AppID: appID}, cfg: Config{Accounts: map[string]AccountConfig{appID: {
		ReplyHandler: &ReplyHandlerConfig{URL: check.URL, Protocol: "connect", APIKey: config.NewSecret("backend-key")}}}}})
	_, body := e.postPlain(t, msgXML("text", `<Content>x</Content>`, int(time.Now().UnixNano()%1e12)))
	if !strings.Contains(body, "from config") {
		t.Fatalf("answer %q", body)
	}
	if got, _ := gotAuth.Load().(string); got != "Bearer backend-key" {
		t.Errorf("Authorization = %q", got)
	}
	h, src, err := e.s.GetReplyHandler(context.Background(), appID)
	if err != nil || src != messagingv1.ReplyHandlerSource_REPLY_HANDLER_SOURCE_CONFIG || h.GetUrl() != check.URL {
		t.Errorf("GetReplyHandler = %v %v %v", h, src, err)
	}
}

func mustParse(t *testing.T, raw string) *neturl.URL {
	t.Helper()
	u, err := neturl.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestReplyErrorsMapToCodes: the ReplyService errors reach callers with their codes.
func TestReplyErrorsMapToCodes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpt{})
	ctx := context.Background()
	_, err := e.s.SetReplyRules(ctx, "wxunknown", &messagingv1.ReplyRules{})
	if got := connect.CodeOf(connectError(err)); got != connect.CodeNotFound {
		t.Errorf("unknown account: %v (%v)", got, err)
	}
	_, err = e.s.SetReplyRules(ctx, "", nil)
	if got := connect.CodeOf(connectError(err)); got != connect.CodeInvalidArgument || !strings.Contains(err.Error(), "app_id") {
		t.Errorf("no app_id: %v (%v)", got, err)
	}
	_, err = e.s.SetReplyHandler(ctx, e.appID, nil)
	if got := connect.CodeOf(connectError(err)); got != connect.CodeInvalidArgument || !strings.Contains(err.Error(), "handler") {
		t.Errorf("no handler: %v (%v)", got, err)
	}
	_, err = e.s.GetUserLocation(ctx, e.appID, "oNobody")
	if got := connect.CodeOf(connectError(err)); got != connect.CodeNotFound {
		t.Errorf("no location: %v (%v)", got, err)
	}
	if err := e.s.DeleteReplyHandler(ctx, e.appID); err != nil {
		t.Errorf("delete without a handler: %v", err)
	}
	if h, src, err := e.s.GetReplyHandler(ctx, e.appID); err != nil || h != nil || src != messagingv1.ReplyHandlerSource_REPLY_HANDLER_SOURCE_UNSPECIFIED {
		t.Errorf("no handler: %v %v %v", h, src, err)
	}
	if rules, err := e.s.GetReplyRules(ctx, e.appID); err != nil || proto.Size(rules) != 0 {
		t.Errorf("no rules: %v %v", rules, err)
	}
}
