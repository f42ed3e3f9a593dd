package rpcserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"connectrpc.com/grpchealth"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1/tokenv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
)

// fakeTokens is a tiny TokenService: app_id picks the behaviour.
type fakeTokens struct {
	tokenv1connect.UnimplementedTokenServiceHandler
	slowStarted chan struct{} // closed when a "slow" call starts
	slowOnce    sync.Once
}

var _ tokenv1connect.TokenServiceHandler = (*fakeTokens)(nil)

func (f *fakeTokens) GetAccessToken(ctx context.Context, req *tokenv1.GetAccessTokenRequest) (*tokenv1.GetAccessTokenResponse, error) {
	switch req.GetAppId() {
	case "panic":
		panic("handler bug")
	case "missing":
		return nil, connect.NewError(connect.CodeNotFound, errors.New("no account missing"))
	case "boom":
		return nil, errors.New("redis: password=hunter2 rejected")
	case "slow":
		f.slowOnce.Do(func() { close(f.slowStarted) })
		select {
		case <-time.After(500 * time.Millisecond):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	case "echo-auth":
		info, _ := connect.CallInfoForHandlerContext(ctx)
		h := info.RequestHeader()
		return &tokenv1.GetAccessTokenResponse{AccessToken: h.Get("Authorization") + "|" + h.Get("X-Api-Key") + "|" + h.Get("X-Request-Id")}, nil
	}
	return &tokenv1.GetAccessTokenResponse{
		AccessToken: "tok-" + req.GetAppId(),
		ExpiresIn:   durationpb.New(7200 * time.Second),
	}, nil
}

type testServer struct {
	srv   *rpcserver.Server
	fake  *fakeTokens
	ready *readiness
	logs  *syncBuffer
	reg   *prometheus.Registry
}

type readiness struct {
	mu  sync.Mutex
	err error
}

func (r *readiness) check(context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

func (r *readiness) set(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.err = err
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func startServer(t *testing.T, mutate func(*rpcserver.Config)) *testServer {
	t.Helper()
	return startServerWith(t, mutate, nil)
}

// startServerWith starts the test server; handlerOpts, when set, returns extra handler
// options built with the server's logger and registry (e.g. rpcserver.WithAuth).
func startServerWith(t *testing.T, mutate func(*rpcserver.Config), handlerOpts func(*slog.Logger, *prometheus.Registry) []rpcserver.HandlerOption) *testServer {
	t.Helper()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	reg := prometheus.NewRegistry()
	var hopts []rpcserver.HandlerOption
	if handlerOpts != nil {
		hopts = handlerOpts(logger, reg)
	}
	opts := rpcserver.NewHandlerOptions(logger, reg, hopts...)
	fake := &fakeTokens{slowStarted: make(chan struct{})}
	path, handler := tokenv1connect.NewTokenServiceHandler(fake, opts.Options...)
	ready := &readiness{}
	cfg := rpcserver.Config{Addr: "127.0.0.1:0", ShutdownGrace: 0}
	if mutate != nil {
		mutate(&cfg)
	}
	srv, err := rpcserver.New(rpcserver.Params{
		Config:   cfg,
		Logger:   logger,
		Registry: reg,
		Services: []rpcserver.Service{{
			Name:            tokenv1connect.TokenServiceName,
			Path:            path,
			Handler:         handler,
			RegisterGateway: tokenv1.RegisterTokenServiceHandler,
		}},
		Routes: []rpcserver.Route{{
			Pattern: "GET /custom/{name}",
			Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, "custom "+r.PathValue("name"))
			}),
		}},
		Ready: ready.check,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop(context.Background()) })
	return &testServer{srv: srv, fake: fake, ready: ready, logs: logs, reg: reg}
}

func h2cClient() *http.Client {
	p := new(http.Protocols)
	p.SetUnencryptedHTTP2(true)
	return &http.Client{Transport: &http.Transport{Protocols: p}}
}

func grpcConn(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func TestProtocols(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	ctx := context.Background()

	t.Run("grpc-go", func(t *testing.T) {
		t.Parallel()
		client := tokenv1.NewTokenServiceClient(grpcConn(t, ts.srv.Addr()))
		resp, err := client.GetAccessToken(ctx, &tokenv1.GetAccessTokenRequest{AppId: "wx1"})
		if err != nil {
			t.Fatal(err)
		}
		if resp.GetAccessToken() != "tok-wx1" {
			t.Errorf("token = %q", resp.GetAccessToken())
		}
		_, err = client.GetAccessToken(ctx, &tokenv1.GetAccessTokenRequest{AppId: "missing"})
		if status.Code(err) != codes.NotFound {
			t.Errorf("missing: %v", err)
		}
	})
	connectClients := []struct {
		name   string
		client tokenv1connect.TokenServiceClient
	}{
		{"connect", tokenv1connect.NewTokenServiceClient(http.DefaultClient, ts.srv.URL())},
		{"connect-get", tokenv1connect.NewTokenServiceClient(http.DefaultClient, ts.srv.URL(), connect.WithHTTPGet())},
		{"grpc over h2c", tokenv1connect.NewTokenServiceClient(h2cClient(), ts.srv.URL(), connect.WithGRPC())},
		{"grpc-web", tokenv1connect.NewTokenServiceClient(http.DefaultClient, ts.srv.URL(), connect.WithGRPCWeb())},
	}
	for _, tt := range connectClients {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, err := tt.client.GetAccessToken(ctx, &tokenv1.GetAccessTokenRequest{AppId: "wx1"})
			if err != nil {
				t.Fatal(err)
			}
			if resp.GetAccessToken() != "tok-wx1" {
				t.Errorf("token = %q", resp.GetAccessToken())
			}
		})
	}
	t.Run("rest", func(t *testing.T) {
		t.Parallel()
		req, err := http.NewRequest(http.MethodGet, ts.srv.URL()+"/v1/apps/wx1/access-token", nil)
		if err != nil {
			t.Fatal(err)
		}
		body, code := do(t, req)
		if code != http.StatusOK {
			t.Fatalf("status %d: %s", code, body)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		if got["access_token"] != "tok-wx1" || got["expires_in"] != "7200s" {
			t.Errorf("body = %s", body)
		}
		if _, camel := got["accessToken"]; camel {
			t.Errorf("camelCase field in %s", body)
		}
	})
	t.Run("rest error", func(t *testing.T) {
		t.Parallel()
		req, _ := http.NewRequest(http.MethodGet, ts.srv.URL()+"/v1/apps/missing/access-token", nil)
		if body, code := do(t, req); code != http.StatusNotFound {
			t.Errorf("status %d: %s", code, body)
		}
	})
	t.Run("rest forwards headers", func(t *testing.T) {
		t.Parallel()
		req, _ := http.NewRequest(http.MethodGet, ts.srv.URL()+"/v1/apps/echo-auth/access-token", nil)
		req.Header.Set("Authorization", "Bearer abc")
		req.Header.Set("X-Api-Key", "k1")
		req.Header.Set("X-Request-Id", "r1")
		body, code := do(t, req)
		if code != http.StatusOK || !strings.Contains(body, `"Bearer abc|k1|r1"`) {
			t.Errorf("status %d: %s", code, body)
		}
	})
	t.Run("route", func(t *testing.T) {
		t.Parallel()
		req, _ := http.NewRequest(http.MethodGet, ts.srv.URL()+"/custom/x", nil)
		if body, code := do(t, req); code != http.StatusOK || body != "custom x" {
			t.Errorf("status %d: %s", code, body)
		}
	})
	t.Run("healthz and metrics", func(t *testing.T) {
		t.Parallel()
		req, _ := http.NewRequest(http.MethodGet, ts.srv.URL()+"/healthz", nil)
		if body, code := do(t, req); code != http.StatusOK || strings.TrimSpace(body) != "ok" {
			t.Errorf("healthz %d: %s", code, body)
		}
		// The RPC metrics appear once an RPC was served: make one here rather than rely on
		// the parallel subtests having made theirs already.
		if _, err := tokenv1connect.NewTokenServiceClient(http.DefaultClient, ts.srv.URL()).GetAccessToken(context.Background(),
			&tokenv1.GetAccessTokenRequest{AppId: "wx1"}); err != nil {
			t.Fatal(err)
		}
		req, _ = http.NewRequest(http.MethodGet, ts.srv.URL()+"/metrics", nil)
		if body, code := do(t, req); code != http.StatusOK || !strings.Contains(body, "wxsuite_rpc_") {
			t.Errorf("metrics %d: %.300s", code, body)
		}
	})
	t.Run("reflection", func(t *testing.T) {
		t.Parallel()
		conn := grpcConn(t, ts.srv.Addr())
		names := listServices(t, conn)
		if !strings.Contains(names, tokenv1connect.TokenServiceName) {
			t.Errorf("reflection lists %q", names)
		}
	})
}

func do(t *testing.T, req *http.Request) (string, int) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), resp.StatusCode
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	ctx := context.Background()
	health := healthpb.NewHealthClient(grpcConn(t, ts.srv.Addr()))
	connectHealth := grpchealth.NewClient(http.DefaultClient, ts.srv.URL())

	check := func(service string) healthpb.HealthCheckResponse_ServingStatus {
		t.Helper()
		resp, err := health.Check(ctx, &healthpb.HealthCheckRequest{Service: service})
		if err != nil {
			t.Fatalf("Check(%q): %v", service, err)
		}
		return resp.GetStatus()
	}
	readyz := func() (string, int) {
		req, _ := http.NewRequest(http.MethodGet, ts.srv.URL()+"/readyz", nil)
		return do(t, req)
	}

	for _, svc := range []string{"", tokenv1connect.TokenServiceName} {
		if got := check(svc); got != healthpb.HealthCheckResponse_SERVING {
			t.Errorf("Check(%q) = %v while ready", svc, got)
		}
	}
	if resp, err := connectHealth.Check(ctx, &grpchealth.CheckRequest{}); err != nil || resp.Status != grpchealth.StatusServing {
		t.Errorf("connect health = %v, %v", resp, err)
	}
	if _, err := health.Check(ctx, &healthpb.HealthCheckRequest{Service: "nope.v1.Nope"}); status.Code(err) != codes.NotFound {
		t.Errorf("unknown service: %v", err)
	}
	if body, code := readyz(); code != http.StatusOK {
		t.Errorf("readyz %d: %s", code, body)
	}

	ts.ready.set(errors.New("redis: connection refused"))
	if got := check(""); got != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Errorf("Check(\"\") = %v while not ready", got)
	}
	if body, code := readyz(); code != http.StatusServiceUnavailable || !strings.Contains(body, "redis: connection refused") {
		t.Errorf("readyz %d: %s", code, body)
	}

	ts.ready.set(nil)
	if body, code := readyz(); code != http.StatusOK {
		t.Errorf("readyz after recovery %d: %s", code, body)
	}
}

func TestCORS(t *testing.T) {
	t.Parallel()
	withCORS := startServer(t, func(c *rpcserver.Config) {
		c.CORS.AllowedOrigins = []string{"https://console.example.com"}
	})
	withoutCORS := startServer(t, nil)
	tests := []struct {
		name       string
		server     *testServer
		origin     string
		wantOrigin string
	}{
		{"allowed origin", withCORS, "https://console.example.com", "https://console.example.com"},
		{"other origin", withCORS, "https://evil.example.com", ""},
		{"cors disabled", withoutCORS, "https://console.example.com", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, _ := http.NewRequest(http.MethodOptions,
				tt.server.srv.URL()+tokenv1connect.TokenServiceGetAccessTokenProcedure, nil)
			req.Header.Set("Origin", tt.origin)
			req.Header.Set("Access-Control-Request-Method", http.MethodPost)
			req.Header.Set("Access-Control-Request-Headers", "connect-protocol-version,content-type,x-api-key") // sorted, as browsers send it
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tt.wantOrigin {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, tt.wantOrigin)
			}
			if tt.wantOrigin != "" {
				allowed := strings.ToLower(resp.Header.Get("Access-Control-Allow-Headers"))
				if !strings.Contains(allowed, "x-api-key") || resp.Header.Get("Access-Control-Max-Age") != "7200" {
					t.Errorf("preflight headers: %v", resp.Header)
				}
			}
		})
	}
}

func TestErrorsAndPanics(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	client := tokenv1connect.NewTokenServiceClient(http.DefaultClient, ts.srv.URL())
	ctx := context.Background()
	tests := []struct {
		name     string
		appID    string
		wantCode connect.Code
		wantMsg  string
	}{
		{"panic becomes internal", "panic", connect.CodeInternal, "internal error"},
		{"unknown error hidden", "boom", connect.CodeInternal, "internal error"},
		{"connect error kept", "missing", connect.CodeNotFound, "no account missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := client.GetAccessToken(ctx, &tokenv1.GetAccessTokenRequest{AppId: tt.appID})
			if connect.CodeOf(err) != tt.wantCode {
				t.Fatalf("code = %v (%v), want %v", connect.CodeOf(err), err, tt.wantCode)
			}
			var ce *connect.Error
			if !errors.As(err, &ce) || ce.Message() != tt.wantMsg {
				t.Errorf("message = %v, want %q", err, tt.wantMsg)
			}
		})
	}
	// The server survived the panic.
	if _, err := client.GetAccessToken(ctx, &tokenv1.GetAccessTokenRequest{AppId: "wx1"}); err != nil {
		t.Fatalf("after panic: %v", err)
	}
	logs := ts.logs.String()
	if !strings.Contains(logs, "rpc handler panicked") || !strings.Contains(logs, "handler bug") {
		t.Errorf("panic not logged: %s", logs)
	}
	if !strings.Contains(logs, `"code":"not_found"`) {
		t.Errorf("failed call not logged: %s", logs)
	}
	req, _ := http.NewRequest(http.MethodGet, ts.srv.URL()+"/metrics", nil)
	body, _ := do(t, req)
	for _, want := range []string{
		`wxsuite_rpc_requests_total{code="internal",procedure="/wxsuite.token.v1.TokenService/GetAccessToken"} 2`,
		`wxsuite_rpc_requests_total{code="not_found",procedure="/wxsuite.token.v1.TokenService/GetAccessToken"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *rpcserver.Config) { c.ShutdownGrace = 0 })
	client := tokenv1connect.NewTokenServiceClient(h2cClient(), ts.srv.URL(), connect.WithGRPC())
	type result struct {
		resp *tokenv1.GetAccessTokenResponse
		err  error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := client.GetAccessToken(context.Background(), &tokenv1.GetAccessTokenRequest{AppId: "slow"})
		done <- result{resp, err}
	}()
	<-ts.fake.slowStarted
	start := time.Now()
	if err := ts.srv.Stop(context.Background()); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	r := <-done
	if r.err != nil || r.resp.GetAccessToken() != "tok-slow" {
		t.Fatalf("in-flight call: %v, %v", r.resp, r.err)
	}
	if time.Since(start) < 100*time.Millisecond {
		t.Errorf("Stop returned before the in-flight call finished")
	}
	if _, err := net.DialTimeout("tcp", ts.srv.Addr(), time.Second); err == nil {
		t.Errorf("server still accepts connections after Stop")
	}
}

func TestNewRejectsConflicts(t *testing.T) {
	t.Parallel()
	h := http.NotFoundHandler()
	tests := []struct {
		name   string
		params rpcserver.Params
	}{
		{"duplicate service", rpcserver.Params{Services: []rpcserver.Service{
			{Name: "a.v1.A", Path: "/a.v1.A/", Handler: h},
			{Name: "a.v1.A", Path: "/a.v1.A/", Handler: h},
		}}},
		{"route clashes with healthz", rpcserver.Params{Routes: []rpcserver.Route{{Pattern: "GET /healthz", Handler: h}}}},
		{"service without handler", rpcserver.Params{Services: []rpcserver.Service{{Name: "a", Path: "/a/"}}}},
		{"negative grace", rpcserver.Params{Config: rpcserver.Config{ShutdownGrace: -1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := rpcserver.New(tt.params); err == nil {
				t.Error("New succeeded")
			}
		})
	}
}

func listServices(t *testing.T, conn *grpc.ClientConn) string {
	t.Helper()
	stream, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&reflectionpb.ServerReflectionRequest{
		MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{},
	}); err != nil {
		t.Fatal(err)
	}
	resp, err := stream.Recv()
	if err != nil {
		t.Fatal(err)
	}
	_ = stream.CloseSend()
	var names []string
	for _, s := range resp.GetListServicesResponse().GetService() {
		names = append(names, s.GetName())
	}
	return strings.Join(names, ",")
}
