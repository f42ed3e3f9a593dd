package messaging_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1/messagingv1connect"
	"github.com/wxsuite/wxsuite/internal/platform"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/wxcrypto"
	"github.com/wxsuite/wxsuite/services/messaging"
)

const (
	replyManageKey = "manage-key-0123456789abcdef0123456789"
	replyReadKey   = "read-key-0123456789abcdef0123456789ab"
)

// startReplyApp starts the messaging module with API keys: "manage" holds
// messaging.manage, "read" events.read. The account has a ReplyHandler in the config.
func startReplyApp(t *testing.T) app {
	t.Helper()
	a := app{appID: "wxq" + strconv.FormatInt(time.Now().UnixNano()%1e12, 16), token: "tok" + strconv.FormatInt(time.Now().UnixNano()%1e9, 16)}
	file, err := config.FromYAML(fmt.Appendf(nil, `
server: {addr: "127.0.0.1:0", shutdown_grace: 1s}
log: {level: error}
auth:
  keys:
    - {id: manage, key: %q, app_ids: [%q], scopes: [messaging.manage]}
    - {id: read, key: %q, app_ids: [%q], scopes: [events.read]}
messaging:
  accounts:
    %s: {reply_handler: {url: "http://127.0.0.1:1", protocol: connect, deliver_late_replies: false, api_key: inline-backend-key}}
accounts:
  - {app_id: %q, app_secret: s, callback_token: %q}
`, replyManageKey, a.appID, replyReadKey, a.appID, a.appID, a.appID, a.token), nil)
	if err != nil {
		t.Fatal(err)
	}
	var srv *rpcserver.Server
	fa := fxtest.New(t, fx.Supply(file), platform.Module, messaging.Module, fx.NopLogger,
		platform.WithRedis(redistest.New(t)), fx.Populate(&srv))
	fa.RequireStart()
	t.Cleanup(fa.RequireStop)
	a.url = srv.URL()
	return a
}

func bearer(key string) connect.ClientOption {
	return connect.WithInterceptors(connect.UnaryInterceptorFunc(func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			req.Header().Set("Authorization", "Bearer "+key)
			return next(ctx, req)
		}
	}))
}

func rest(t *testing.T, method, u, key, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestReplyServiceRPC: ReplyService over REST, gRPC and Connect, with its scope;
// GetUserLocation over REST; bad input is InvalidArgument naming the field path.
func TestReplyServiceRPC(t *testing.T) {
	t.Parallel()
	a := startReplyApp(t)
	ctx := context.Background()
	base := a.url + "/v1/apps/" + a.appID

	// REST: the JSON of ReplyRules is the body.
	code, body := rest(t, http.MethodPut, base+"/reply-rules", replyManageKey,
		`{"welcome":{"text":{"content":"欢迎"}},"keyword_rules":[{"match":"KEYWORD_MATCH_REGEX","pattern":"^hi","reply":{"text":{"content":"hello"}}}]}`)
	if code != 200 || !strings.Contains(body, "欢迎") {
		t.Fatalf("PUT reply-rules = %d %s", code, body)
	}
	code, body = rest(t, http.MethodPut, base+"/reply-rules", replyManageKey,
		`{"keyword_rules":[{"match":"KEYWORD_MATCH_REGEX","pattern":"a(","reply":{"text":{"content":"x"}}}]}`)
	if code != 400 || !strings.Contains(body, "rules.keyword_rules[0].pattern") {
		t.Errorf("bad regex over REST = %d %s", code, body)
	}
	if code, body = rest(t, http.MethodGet, base+"/reply-rules", replyReadKey, ""); code != 403 {
		t.Errorf("GetReplyRules with events.read = %d %s", code, body)
	}

	// gRPC.
	conn, err := grpc.NewClient(strings.TrimPrefix(a.url, "http://"), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	g := messagingv1.NewReplyServiceClient(conn)
	gctx := metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+replyManageKey)
	got, err := g.GetReplyRules(gctx, &messagingv1.GetReplyRulesRequest{AppId: a.appID})
	if err != nil || got.GetRules().GetWelcome().GetText().GetContent() != "欢迎" || len(got.GetRules().GetKeywordRules()) != 1 {
		t.Fatalf("gRPC GetReplyRules = %v, %v", got, err)
	}
	_, err = g.SetReplyRules(gctx, &messagingv1.SetReplyRulesRequest{AppId: a.appID, Rules: &messagingv1.ReplyRules{
		DefaultReply: &messagingv1.PassiveReply{Reply: &messagingv1.PassiveReply_News{News: &messagingv1.PassiveNewsReply{
			Articles: []*messagingv1.PassiveNewsArticle{{Title: "a"}, {Title: "b"}}}}}}})
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "rules.default_reply.news.articles") {
		t.Errorf("gRPC news of 2 as default = %v", err)
	}

	// Connect: the ReplyHandler of the config, then one registered by RPC, then deleted.
	c := messagingv1connect.NewReplyServiceClient(http.DefaultClient, a.url, bearer(replyManageKey))
	h, err := c.GetReplyHandler(ctx, &messagingv1.GetReplyHandlerRequest{AppId: a.appID})
	if err != nil || h.GetSource() != messagingv1.ReplyHandlerSource_REPLY_HANDLER_SOURCE_CONFIG ||
		h.GetHandler().GetProtocol() != messagingv1.ReplyHandlerProtocol_REPLY_HANDLER_PROTOCOL_CONNECT || h.GetHandler().GetDeliverLateReplies() {
		t.Fatalf("GetReplyHandler (config) = %v, %v", h, err)
	}
	set, err := c.SetReplyHandler(ctx, &messagingv1.SetReplyHandlerRequest{AppId: a.appID, Handler: &messagingv1.ReplyHandler{Url: "http://replies.internal:8080"}})
	if err != nil || set.GetHandler().GetProtocol() != messagingv1.ReplyHandlerProtocol_REPLY_HANDLER_PROTOCOL_GRPC || !set.GetHandler().GetDeliverLateReplies() {
		t.Fatalf("SetReplyHandler = %v, %v", set, err)
	}
	if h, err = c.GetReplyHandler(ctx, &messagingv1.GetReplyHandlerRequest{AppId: a.appID}); err != nil ||
		h.GetSource() != messagingv1.ReplyHandlerSource_REPLY_HANDLER_SOURCE_API || h.GetHandler().GetUrl() != "http://replies.internal:8080" {
		t.Fatalf("GetReplyHandler (api) = %v, %v", h, err)
	}
	for _, bad := range []string{"", "ftp://x", "http://u:p@x", "http://x/?q=1", "not a url"} {
		_, err := c.SetReplyHandler(ctx, &messagingv1.SetReplyHandlerRequest{AppId: a.appID, Handler: &messagingv1.ReplyHandler{Url: bad}})
		if connect.CodeOf(err) != connect.CodeInvalidArgument || !strings.Contains(err.Error(), "handler.url") {
			t.Errorf("SetReplyHandler(%q) = %v", bad, err)
		}
	}
	if _, err := c.DeleteReplyHandler(ctx, &messagingv1.DeleteReplyHandlerRequest{AppId: a.appID}); err != nil {
		t.Fatal(err)
	}
	if h, _ = c.GetReplyHandler(ctx, &messagingv1.GetReplyHandlerRequest{AppId: a.appID}); h.GetSource() != messagingv1.ReplyHandlerSource_REPLY_HANDLER_SOURCE_CONFIG {
		t.Errorf("after delete: %v", h)
	}
	if _, err := c.GetReplyRules(ctx, &messagingv1.GetReplyRulesRequest{AppId: "wxnope"}); connect.CodeOf(err) != connect.CodePermissionDenied && connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("unknown account: %v", err)
	}

	// GetUserLocation over REST after a LOCATION push; NotFound for another user.
	a.pushXML(t, fmt.Sprintf(`<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oLoc1]]></FromUserName><CreateTime>%d</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[LOCATION]]></Event><Latitude>23.137466</Latitude><Longitude>113.352425</Longitude><Precision>119.385040</Precision></xml>`, time.Now().Unix()))
	code, body = rest(t, http.MethodGet, base+"/users/oLoc1/location", replyReadKey, "")
	if code != 200 || !strings.Contains(body, "23.137466") || !strings.Contains(body, "event_id") {
		t.Errorf("GET location = %d %s", code, body)
	}
	if code, body = rest(t, http.MethodGet, base+"/users/oOther/location", replyReadKey, ""); code != 404 {
		t.Errorf("GET unknown location = %d %s", code, body)
	}
	if code, _ = rest(t, http.MethodGet, base+"/users/oLoc1/location", replyManageKey, ""); code != 403 {
		t.Errorf("GET location with messaging.manage = %d", code)
	}
}

// pushXML posts a signed plaintext push to the app's callback endpoint.
func (a app) pushXML(t *testing.T, body string) string {
	t.Helper()
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), "n2"
	q := url.Values{"timestamp": {ts}, "nonce": {nonce}, "signature": {wxcrypto.URLSignature(a.token, ts, nonce)}}
	resp, err := http.Post(a.url+"/wechat/callback/"+a.appID+"?"+q.Encode(), "text/xml", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("push: %d %s", resp.StatusCode, b)
	}
	return string(b)
}

// TestSubscribeOverREST: EventService.Subscribe through grpc-gateway's server streaming:
// newline-delimited JSON objects, the confirmation first, then the events.
func TestSubscribeOverREST(t *testing.T) {
	t.Parallel()
	a := startReplyApp(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, a.url+"/v1/apps/"+a.appID+"/events:subscribe",
		strings.NewReader(`{"group":"rest","consumer":"c1"}`))
	req.Header.Set("Authorization", "Bearer "+replyReadKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("subscribe: %d %s", resp.StatusCode, b)
	}
	lines := make(chan string, 10)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if strings.TrimSpace(sc.Text()) != "" {
				lines <- sc.Text()
			}
		}
		close(lines)
	}()
	next := func() map[string]any {
		t.Helper()
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("stream ended")
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatalf("line %q: %v", l, err)
			}
			return m
		case <-time.After(5 * time.Second):
			t.Fatal("no line")
			return nil
		}
	}
	if first := next(); first["result"] == nil || first["result"].(map[string]any)["event"] != nil {
		t.Fatalf("confirmation = %v", first)
	}
	a.push(t, "over rest", time.Now().UnixNano()%1e12)
	m := next()
	ev, _ := m["result"].(map[string]any)["event"].(map[string]any)
	text, _ := ev["text"].(map[string]any)
	if ev["type"] != "text" || text["content"] != "over rest" || ev["id"] == "" {
		t.Errorf("event = %v", m)
	}
}
