package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"go.uber.org/fx"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1/sandboxv1connect"
	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1/tokenv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/sandbox"
)

func TestServeGraphIsValid(t *testing.T) {
	t.Parallel()
	file, err := config.FromYAML([]byte(`
server: {addr: "127.0.0.1:0"}
redis: {url: "redis://127.0.0.1:6379/0"}
auth: {keys: [{id: k, key: "wxsk_test_key_0123456789abcdefghijklmnop", app_ids: ["*"], scopes: [admin]}]}
accounts: [{app_id: wx1, app_secret: s}]
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	mods, err := selectServices("all")
	if err != nil {
		t.Fatal(err)
	}
	if err := fx.ValidateApp(appOptions(file, mods...)...); err != nil {
		t.Fatalf("fx graph: %v", err)
	}
}

func TestSelectServices(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give    string
		wantN   int
		wantErr string
	}{
		{give: "all", wantN: len(modules)},
		{give: "", wantN: len(modules)},
		{give: "token", wantN: 1},
		{give: "token,token", wantN: 1},
		{give: "tokn", wantErr: `unknown service "tokn"`},
		{give: ",", wantErr: "no service selected"},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			t.Parallel()
			got, err := selectServices(tt.give)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(got) != tt.wantN {
				t.Fatalf("got %d modules, err %v; want %d", len(got), err, tt.wantN)
			}
		})
	}
}

func TestBadConfigExitsNamingTheKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"unknown key", "server: {adr: x}\nredis: {url: redis://127.0.0.1:6379}\n", "server.adr"},
		{"missing secret", "redis: {url: redis://127.0.0.1:6379}\naccounts: [{app_id: wx1}]\n", "accounts[0].app_secret"},
		{"bad duration", "redis: {url: redis://127.0.0.1:6379}\ntoken: {refresh_margin: soon}\n", "token.refresh_margin"},
		{"margin too large", "redis: {url: redis://127.0.0.1:6379}\ntoken: {refresh_margin: 10m}\n", "token.refresh_margin"},
		{"bad wechat url", "redis: {url: redis://127.0.0.1:6379}\nwechat: {base_url: 'ftp:/x'}\n", "wechat.base_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "wxsuite.yaml")
			body := "auth: {disabled: true}\n" + tt.yaml
			if !strings.Contains(tt.yaml, "accounts:") {
				body += "accounts: [{app_id: wx9, app_secret: s3cr3tvalue}]\n"
			}
			if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			code := run(context.Background(), []string{"serve", "--config", path}, nil, io.Discard, &stderr)
			if code == 0 {
				t.Fatal("serve exited 0 with a bad config")
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr %q does not name %q", stderr.String(), tt.want)
			}
			if strings.Contains(stderr.String(), "s3cr3tvalue") {
				t.Error("a secret appears in the error")
			}
		})
	}
}

func TestDevAnswersOverEveryProtocol(t *testing.T) {
	t.Parallel()
	addr, sbAddr := freeAddr(t), freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var stdout syncWriter
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"dev", "--addr", addr, "--sandbox-addr", sbAddr, "--log-level", "warn", "--api-key", devTestKey}, nil, &stdout, io.Discard)
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("dev exited %d", code)
		}
	})
	base := "http://" + addr
	waitReady(t, base+"/readyz")
	if !strings.Contains(stdout.String(), base+"/v1/apps/"+sandbox.DemoAppID+"/access-token") || !strings.Contains(stdout.String(), devTestKey) {
		t.Errorf("banner lacks the REST line or the key:\n%s", stdout.String())
	}

	// Without a key: refused.
	resp, err := http.Get(base + "/v1/apps/" + sandbox.DemoAppID + "/access-token")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("REST without a key: %d, want 401", resp.StatusCode)
	}
	// REST over plain HTTP/1.1.
	req, _ := http.NewRequest("GET", base+"/v1/apps/"+sandbox.DemoAppID+"/access-token", nil)
	req.Header.Set("Authorization", "Bearer "+devTestKey)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"access_token"`) {
		t.Fatalf("REST: %d %s", resp.StatusCode, body)
	}
	// Connect.
	cc := tokenv1connect.NewTokenServiceClient(http.DefaultClient, base, connect.WithInterceptors(bearer(devTestKey)))
	cres, err := cc.GetAccessToken(ctx, &tokenv1.GetAccessTokenRequest{AppId: sandbox.DemoAppID})
	if err != nil || cres.GetAccessToken() == "" {
		t.Fatalf("Connect: %v", err)
	}
	_, err = cc.GetAccessToken(ctx, &tokenv1.GetAccessTokenRequest{AppId: "wxunknown"})
	if connect.CodeOf(err) != connect.CodeNotFound || !strings.Contains(err.Error(), "wxunknown") {
		t.Errorf("Connect unknown account: %v", err)
	}
	// gRPC with grpc-go.
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	gctx := metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+devTestKey)
	gres, err := tokenv1.NewTokenServiceClient(conn).GetAccessToken(gctx, &tokenv1.GetAccessTokenRequest{AppId: sandbox.DemoAppID})
	if err != nil || gres.GetAccessToken() != cres.GetAccessToken() {
		t.Fatalf("gRPC: %v (same token: %v)", err, gres.GetAccessToken() == cres.GetAccessToken())
	}

	// A simulated user's message reaches the event stream through the callback gateway.
	sbAdmin := sandboxv1connect.NewSandboxServiceClient(http.DefaultClient, "http://"+sbAddr)
	users, err := sbAdmin.ListUsers(ctx, &sandboxv1.ListUsersRequest{AppId: sandbox.DemoAppID})
	if err != nil || len(users.GetUsers()) == 0 {
		t.Fatalf("sandbox users: %v", err)
	}
	push, err := sbAdmin.PushMessage(ctx, &sandboxv1.PushMessageRequest{AppId: sandbox.DemoAppID,
		Openid: users.GetUsers()[0].GetOpenid(), Message: &sandboxv1.PushMessageRequest_Text{Text: "hello dev"}})
	if err != nil || !push.GetResult().GetDelivered() {
		t.Fatalf("push: %v %v", err, push.GetResult())
	}
	req, _ = http.NewRequest("GET", base+"/v1/apps/"+sandbox.DemoAppID+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+devTestKey)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"content":"hello dev"`) {
		t.Errorf("events: %d %s", resp.StatusCode, body)
	}
}

// devTestKey is the API key the dev test runs with.
const devTestKey = "wxsk_devtest_0123456789abcdefghijklmnopqrstuvw"

// bearer is a connect client interceptor sending key.
func bearer(key string) connect.UnaryInterceptorFunc {
	return func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			req.Header().Set("Authorization", "Bearer "+key)
			return next(ctx, req)
		}
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitReady(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s never became ready", url)
}

type syncWriter struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func TestFlagVariablesAreNotOverrides(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "wxsuite.yaml")
	if err := os.WriteFile(path, []byte("auth: {disabled: true}\nredis: {url: \"redis://127.0.0.1:6379\"}\naccounts: [{app_id: wx1}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"serve"}, []string{"WXSUITE_CONFIG=" + path, "WXSUITE_SERVICES=token"}, io.Discard, &stderr)
	// The file is read (its error is reported), and neither variable is taken for a key.
	if code != 1 || !strings.Contains(stderr.String(), "accounts[0].app_secret") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

func TestKeygen(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"keygen", "--id", "backend-1", "--scopes", "token.read,oauth"}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "wxsk_") || !strings.Contains(out.String(), `hash: "sha256:`) {
		t.Errorf("output lacks the key or its hash:\n%s", out.String())
	}
	errOut.Reset()
	if code := run(context.Background(), []string{"keygen", "--id", "x", "--scopes", "tokn.read"}, nil, io.Discard, &errOut); code != 1 || !strings.Contains(errOut.String(), `unknown scope "tokn.read"`) {
		t.Errorf("bad scope: exit %d, %q", code, errOut.String())
	}
}
