package messaging_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
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

type app struct {
	url, appID, token string
}

func startApp(t *testing.T) app {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	a := app{appID: "wxm" + hex.EncodeToString(b), token: "tok" + hex.EncodeToString(b)}
	file, err := config.FromYAML(fmt.Appendf(nil, `
server: {addr: "127.0.0.1:0", shutdown_grace: 1s}
log: {level: error}
auth: {disabled: true}
messaging: {visibility_timeout: 1s}
accounts:
  - {app_id: %q, app_secret: s, callback_token: %q}
`, a.appID, a.token), nil)
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

// push posts a signed plaintext text message to the app's callback endpoint.
func (a app) push(t *testing.T, content string, msgID int64) {
	t.Helper()
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), "n1"
	q := url.Values{"timestamp": {ts}, "nonce": {nonce}, "signature": {wxcrypto.URLSignature(a.token, ts, nonce)}}
	body := fmt.Sprintf(`<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o%s]]></FromUserName><CreateTime>%d</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content><MsgId>%d</MsgId></xml>`,
		content, time.Now().Unix(), content, msgID)
	resp, err := http.Post(a.url+"/wechat/callback/"+a.appID+"?"+q.Encode(), "text/xml", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("push: %d", resp.StatusCode)
	}
}

// subscriber is one Subscribe stream over Connect, read into a channel.
type subscriber struct {
	ch     chan *messagingv1.SubscribeResponse
	cancel context.CancelFunc
}

func subscribe(t *testing.T, c messagingv1connect.EventServiceClient, req *messagingv1.SubscribeRequest) *subscriber {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	st, err := c.Subscribe(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	s := &subscriber{ch: make(chan *messagingv1.SubscribeResponse, 100), cancel: cancel}
	if !st.Receive() || st.Msg().GetEvent() != nil {
		t.Fatalf("first response should confirm the subscription: %v", st.Err())
	}
	go func() {
		defer st.Close()
		for st.Receive() {
			s.ch <- st.Msg()
		}
	}()
	t.Cleanup(cancel)
	return s
}

func (s *subscriber) next(t *testing.T, within time.Duration) *messagingv1.SubscribeResponse {
	t.Helper()
	select {
	case m := <-s.ch:
		return m
	case <-time.After(within):
		t.Fatal("no event delivered")
		return nil
	}
}

func (s *subscriber) none(t *testing.T, within time.Duration) {
	t.Helper()
	select {
	case m := <-s.ch:
		t.Fatalf("unexpected delivery %v", m.GetEvent().GetText().GetContent())
	case <-time.After(within):
	}
}

func TestEventService(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	ctx := context.Background()
	c := messagingv1connect.NewEventServiceClient(http.DefaultClient, a.url)
	base := time.Now().UnixNano() % 1e12

	// Consumer A subscribes (creating the group at "$"), then events arrive.
	subA := subscribe(t, c, &messagingv1.SubscribeRequest{AppId: a.appID, Group: "g1", Consumer: "a",
		Filter: &messagingv1.EventFilter{Types: []string{"text"}}})
	a.push(t, "one", base+1)
	a.push(t, "two", base+2)
	first := subA.next(t, 3*time.Second)
	second := subA.next(t, 3*time.Second)
	if first.GetEvent().GetText().GetContent() != "one" || second.GetEvent().GetText().GetContent() != "two" {
		t.Fatalf("delivered %v, %v", first, second)
	}
	if first.GetRedeliveries() != 0 {
		t.Errorf("redeliveries = %d", first.GetRedeliveries())
	}
	ack, err := c.Ack(ctx, &messagingv1.AckRequest{AppId: a.appID, Group: "g1", Ids: []string{first.GetEvent().GetId()}})
	if err != nil || ack.GetAcknowledged() != 1 {
		t.Fatalf("Ack = %v, %v", ack, err)
	}

	// A dies before acknowledging "two"; B (same group) gets it after the visibility
	// timeout; "one" (acknowledged) is never delivered again.
	subA.cancel()
	subB := subscribe(t, c, &messagingv1.SubscribeRequest{AppId: a.appID, Group: "g1", Consumer: "b"})
	re := subB.next(t, 5*time.Second)
	if re.GetEvent().GetId() != second.GetEvent().GetId() || re.GetRedeliveries() < 1 {
		t.Fatalf("redelivered %v (redeliveries %d), want %s", re.GetEvent().GetId(), re.GetRedeliveries(), second.GetEvent().GetId())
	}
	if _, err := c.Ack(ctx, &messagingv1.AckRequest{AppId: a.appID, Group: "g1", Ids: []string{re.GetEvent().GetId()}}); err != nil {
		t.Fatal(err)
	}
	subB.none(t, 2500*time.Millisecond)

	// History over gRPC.
	conn, err := grpc.NewClient(strings.TrimPrefix(a.url, "http://"), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	g := messagingv1.NewEventServiceClient(conn)
	list, err := g.ListEvents(ctx, &messagingv1.ListEventsRequest{AppId: a.appID, PageSize: 1})
	if err != nil || len(list.GetEvents()) != 1 || list.GetNextPageToken() == "" {
		t.Fatalf("ListEvents page 1 = %v, %v", list, err)
	}
	list2, err := g.ListEvents(ctx, &messagingv1.ListEventsRequest{AppId: a.appID, PageSize: 10, PageToken: list.GetNextPageToken()})
	if err != nil || len(list2.GetEvents()) != 1 || list2.GetEvents()[0].GetText().GetContent() != "two" || list2.GetNextPageToken() != "" {
		t.Fatalf("ListEvents page 2 = %v, %v", list2, err)
	}
	filtered, err := g.ListEvents(ctx, &messagingv1.ListEventsRequest{AppId: a.appID, Filter: &messagingv1.EventFilter{Openids: []string{"otwo"}}})
	if err != nil || len(filtered.GetEvents()) != 1 {
		t.Fatalf("ListEvents by openid = %v, %v", filtered, err)
	}
	got, err := g.GetEvent(ctx, &messagingv1.GetEventRequest{AppId: a.appID, Id: first.GetEvent().GetId()})
	if err != nil || got.GetEvent().GetText().GetContent() != "one" {
		t.Fatalf("GetEvent = %v, %v", got, err)
	}
	if _, err := g.GetEvent(ctx, &messagingv1.GetEventRequest{AppId: a.appID, Id: "1-0"}); status.Code(err) != codes.NotFound {
		t.Errorf("GetEvent missing: %v", err)
	}
	if _, err := g.GetEvent(ctx, &messagingv1.GetEventRequest{AppId: a.appID, Id: "nope"}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("GetEvent bad id: %v", err)
	}
	if _, err := c.ListEvents(ctx, &messagingv1.ListEventsRequest{AppId: "wxnope"}); connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("unknown account: %v", err)
	}

	// Subscribe over gRPC: a new group starting at the earliest event sees both.
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	gs, err := g.Subscribe(sctx, &messagingv1.SubscribeRequest{AppId: a.appID, Group: "g2", Consumer: "x",
		Start: messagingv1.StartPosition_START_POSITION_EARLIEST})
	if err != nil {
		t.Fatal(err)
	}
	if m, err := gs.Recv(); err != nil || m.GetEvent() != nil {
		t.Fatalf("gRPC Subscribe confirmation: %v, %v", m, err)
	}
	for _, want := range []string{"one", "two"} {
		m, err := gs.Recv()
		if err != nil || m.GetEvent().GetText().GetContent() != want {
			t.Fatalf("gRPC Subscribe: %v, %v (want %s)", m, err, want)
		}
	}
	bad, err := c.Subscribe(ctx, &messagingv1.SubscribeRequest{AppId: a.appID, Group: "bad group!", Consumer: "x"})
	if err == nil {
		for bad.Receive() {
		}
		err = bad.Err()
	}
	if connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("bad group: %v", err)
	}
}
