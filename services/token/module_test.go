package token_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1/tokenv1connect"
	"github.com/wxsuite/wxsuite/internal/platform"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
	"github.com/wxsuite/wxsuite/services/token"
)

// world is a sandbox, a shared Redis and a configuration for token-service apps.
type world struct {
	sb     *sandboxtest.Env
	appID  string
	secret string
	file   *config.File
	opts   []fx.Option
}

func newWorld(t *testing.T) *world {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	w := &world{appID: "wxm" + hex.EncodeToString(b[:]), secret: "modsecret" + hex.EncodeToString(b[:])}
	w.sb = sandboxtest.Start(t, sandbox.Account{AppID: w.appID, AppSecret: w.secret})
	file, err := config.FromYAML(fmt.Appendf(nil, `
server: {addr: "127.0.0.1:0", shutdown_grace: 1s}
log: {level: error}
wechat: {base_url: %q, timeout: 2s}
token: {check_interval: 3600s, warmup: false}
auth: {disabled: true}
accounts:
  - {app_id: %q, app_secret: %q}
`, w.sb.URL, w.appID, w.secret), nil)
	if err != nil {
		t.Fatal(err)
	}
	w.file = file
	w.opts = []fx.Option{platform.WithRedis(redistest.New(t)), fx.Supply(token.Clock(w.sb.Sandbox.Now))}
	return w
}

// app starts one wxsuite process running the token service and returns its URL.
func (w *world) app(t *testing.T) string {
	t.Helper()
	var srv *rpcserver.Server
	app := fxtest.New(t, append([]fx.Option{
		fx.Supply(w.file), platform.Module, token.Module, fx.NopLogger, fx.Populate(&srv),
	}, w.opts...)...)
	app.RequireStart()
	t.Cleanup(app.RequireStop)
	return srv.URL()
}

func (w *world) tokenCalls() int {
	return len(w.sb.Sandbox.Calls(sandbox.CallFilter{Path: "/cgi-bin/token", AppID: w.appID}))
}

func TestModuleServesEveryProtocol(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	base := w.app(t)
	ctx := context.Background()

	// gRPC (grpc-go).
	conn, err := grpc.NewClient(strings.TrimPrefix(base, "http://"), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	g := tokenv1.NewTokenServiceClient(conn)
	gres, err := g.GetAccessToken(ctx, &tokenv1.GetAccessTokenRequest{AppId: w.appID})
	if err != nil {
		t.Fatalf("gRPC GetAccessToken: %v", err)
	}
	if _, err := g.GetAccessToken(ctx, &tokenv1.GetAccessTokenRequest{}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("gRPC empty app_id: %v, want InvalidArgument", err)
	}

	// Connect.
	c := tokenv1connect.NewTokenServiceClient(http.DefaultClient, base)
	cres, err := c.GetAccessToken(ctx, &tokenv1.GetAccessTokenRequest{AppId: w.appID})
	if err != nil || cres.GetAccessToken() != gres.GetAccessToken() {
		t.Fatalf("Connect GetAccessToken: %v", err)
	}
	tres, err := c.GetTicket(ctx, &tokenv1.GetTicketRequest{AppId: w.appID, Type: tokenv1.TicketType_TICKET_TYPE_JSAPI})
	if err != nil || tres.GetTicket() == "" {
		t.Fatalf("Connect GetTicket: %v", err)
	}
	if _, err := c.GetTicket(ctx, &tokenv1.GetTicketRequest{AppId: w.appID}); connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("GetTicket without type: %v", err)
	}
	acc, err := c.GetAccount(ctx, &tokenv1.GetAccountRequest{AppId: w.appID})
	if err != nil || acc.GetAccount().GetAccessToken().GetExpiresAt() == nil || acc.GetAccount().GetJsapiTicket().GetLastRefreshTime() == nil {
		t.Fatalf("GetAccount: %v %v", err, acc)
	}
	if strings.Contains(acc.String(), w.secret) || strings.Contains(acc.String(), gres.GetAccessToken()) {
		t.Error("GetAccount reveals a secret or the token")
	}

	// REST over plain HTTP/1.1.
	for _, tt := range []struct {
		method, path, body string
		wantStatus         int
		want               string
	}{
		{"GET", "/v1/apps/" + w.appID + "/access-token", "", 200, `"access_token":"` + gres.GetAccessToken()},
		{"GET", "/v1/apps", "", 200, `"app_id":"` + w.appID},
		{"GET", "/v1/apps/" + w.appID + "/tickets/TICKET_TYPE_WX_CARD", "", 200, `"ticket":`},
		{"GET", "/v1/apps/wxnope/access-token", "", 404, `wxnope`},
		{"POST", "/v1/apps/" + w.appID + "/access-token:refresh", `{"stale_token":"not-current"}`, 200, `"access_token":"` + gres.GetAccessToken()}, // not current: no refresh
	} {
		req, _ := http.NewRequest(tt.method, base+tt.path, strings.NewReader(tt.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got := strings.ReplaceAll(string(b), " ", "")
		if resp.StatusCode != tt.wantStatus || !strings.Contains(got, strings.ReplaceAll(tt.want, " ", "")) {
			t.Errorf("%s %s = %d %s; want %d containing %s", tt.method, tt.path, resp.StatusCode, b, tt.wantStatus, tt.want)
		}
	}
}

func TestThreeAppsTwoHundredCallersEachAtExpiry(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	var clients []tokenv1.TokenServiceClient
	for range 3 {
		conn, err := grpc.NewClient(strings.TrimPrefix(w.app(t), "http://"), grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		cl := tokenv1.NewTokenServiceClient(conn)
		if _, err := cl.GetAccessToken(ctx, &tokenv1.GetAccessTokenRequest{AppId: w.appID}); err != nil {
			t.Fatal(err)
		}
		clients = append(clients, cl)
	}
	if n := w.tokenCalls(); n != 1 {
		t.Fatalf("token calls after warm-up of 3 apps = %d, want 1", n)
	}
	w.sb.Sandbox.Advance(7200*time.Second + time.Second)

	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[string]int{}
	for _, cl := range clients {
		for range 200 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := cl.GetAccessToken(ctx, &tokenv1.GetAccessTokenRequest{AppId: w.appID})
				if err != nil {
					t.Errorf("GetAccessToken: %v", err)
					return
				}
				mu.Lock()
				seen[res.GetAccessToken()]++
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	if n := w.tokenCalls(); n != 2 {
		t.Errorf("token calls = %d, want 2 (exactly one at expiry)", n)
	}
	if len(seen) != 1 {
		t.Errorf("600 callers saw %d tokens, want 1", len(seen))
	}
}
