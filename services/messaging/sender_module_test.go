package messaging_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/internal/platform"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
	"github.com/wxsuite/wxsuite/services/messaging"
)

const (
	sendKey  = "send-key-0123456789abcdef0123456789abc"
	otherKey = "other-key-0123456789abcdef0123456789ab"
)

// issuedTokens is a wechat.TokenSource over the sandbox's in-process token issuing.
type issuedTokens struct {
	sb  *sandbox.Sandbox
	mu  sync.Mutex
	tok string
}

func (s *issuedTokens) AccessToken(_ context.Context, appID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok == "" {
		t, _, err := s.sb.IssueToken(appID)
		if err != nil {
			return "", err
		}
		s.tok = t
	}
	return s.tok, nil
}

func (s *issuedTokens) RefreshAccessToken(ctx context.Context, appID, _ string) (string, error) {
	s.mu.Lock()
	s.tok = ""
	s.mu.Unlock()
	return s.AccessToken(ctx, appID)
}

// TestSendingServicesThroughTheModule starts platform + messaging with API keys against
// the sandbox and sends a customer-service message over REST and gRPC: the REST mapping,
// the messages.send scope and the window learned from a real push.
func TestSendingServicesThroughTheModule(t *testing.T) {
	t.Parallel()
	appID := fmt.Sprintf("wxs%015x", time.Now().UnixNano()%(1<<60))
	sb := sandboxtest.Start(t, sandbox.Account{AppID: appID, AppSecret: "s"})
	file, err := config.FromYAML(fmt.Appendf(nil, `
server: {addr: "127.0.0.1:0", shutdown_grace: 1s}
log: {level: error}
wechat: {base_url: %q}
auth:
  keys:
    - {id: send, key: %q, app_ids: [%q], scopes: [messages.send]}
    - {id: other, key: %q, app_ids: [%q], scopes: [events.read]}
messaging: {replay_window: 0s}
accounts:
  - {app_id: %q, app_secret: s, callback_token: cbtoken}
`, sb.URL, sendKey, appID, otherKey, appID, appID), nil)
	if err != nil {
		t.Fatal(err)
	}
	var srv *rpcserver.Server
	fa := fxtest.New(t, fx.Supply(file), platform.Module, messaging.Module, fx.NopLogger,
		fx.Supply(fx.Annotate(&issuedTokens{sb: sb.Sandbox}, fx.As(new(wechat.TokenSource)))),
		platform.WithRedis(redistest.New(t)), fx.Populate(&srv))
	fa.RequireStart()
	t.Cleanup(fa.RequireStop)
	sb.SetCallback(t, appID, srv.URL()+"/wechat/callback/"+appID, "cbtoken", "", sandbox.EncryptPlain)
	user := sb.AddUser(t, appID, sandbox.User{Nickname: "alice"}).OpenID
	sb.PushText(t, appID, user, "hi")

	conn, err := grpc.NewClient(strings.TrimPrefix(srv.URL(), "http://"), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	custom := messagingv1.NewCustomMessageServiceClient(conn)
	ctx := metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+sendKey)
	deadline := time.Now().Add(10 * time.Second)
	for {
		w, err := custom.GetCustomMessageWindow(ctx, &messagingv1.GetCustomMessageWindowRequest{AppId: appID, Openid: user})
		if err == nil && w.GetOpen() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("window never seen: %v %v", w, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := custom.SendCustomMessage(ctx, &messagingv1.SendCustomMessageRequest{AppId: appID, Openid: user,
		Message: &messagingv1.SendCustomMessageRequest_Text{Text: &messagingv1.CustomText{Content: "over gRPC"}}}); err != nil {
		t.Fatal(err)
	}
	// REST, as the docs show it.
	post := func(key, body string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL()+"/v1/apps/"+appID+"/custom-messages", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(data)
	}
	if code, body := post(sendKey, `{"openid":"`+user+`","text":{"content":"over REST"}}`); code != http.StatusOK {
		t.Fatalf("REST: %d %s", code, body)
	}
	if code, body := post(sendKey, `{"openid":"`+user+`","text":{"content":""}}`); code != http.StatusBadRequest || !strings.Contains(body, "text.content") {
		t.Errorf("REST bad input: %d %s", code, body)
	}
	if code, _ := post(otherKey, `{"openid":"`+user+`","text":{"content":"x"}}`); code != http.StatusForbidden {
		t.Errorf("REST without messages.send: %d, want 403", code)
	}
	items := sb.InboxChannel(t, appID, user, sandbox.ChannelCustom)
	if len(items) != 2 || !strings.Contains(items[1].Body, "over REST") {
		t.Fatalf("inbox = %+v", items)
	}
	_, err = messagingv1.NewMassMessageServiceClient(conn).GetMassSpeed(metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+otherKey),
		&messagingv1.GetMassSpeedRequest{AppId: appID})
	if status.Code(err) != codes.PermissionDenied {
		t.Errorf("mass without messages.send: %v", err)
	}
}
