package rpcserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"connectrpc.com/grpchealth"
	"github.com/prometheus/client_golang/prometheus"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1/tokenv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
)

// ListAccounts answers with one account named after the authenticated caller.
func (f *fakeTokens) ListAccounts(ctx context.Context, _ *tokenv1.ListAccountsRequest) (*tokenv1.ListAccountsResponse, error) {
	name := "nobody"
	if c, ok := auth.FromContext(ctx); ok {
		name = c.KeyID
	}
	return &tokenv1.ListAccountsResponse{Accounts: []*tokenv1.Account{{AppId: "wx1", Name: name}}}, nil
}

// testPolicies: GetAccessToken needs token.read (audited), ListAccounts accounts.read;
// GetAccount has no policy.
var testPolicies = []auth.Policy{
	{Procedure: tokenv1connect.TokenServiceGetAccessTokenProcedure, Scope: auth.ScopeTokenRead, Audit: true},
	{Procedure: tokenv1connect.TokenServiceListAccountsProcedure, Scope: auth.ScopeAccountsRead},
}

// testKeys are the keys of the auth tests.
type testKeys struct {
	backend, admin, reader, unknown string
}

func newTestKeys(t *testing.T) testKeys {
	t.Helper()
	var k testKeys
	for _, p := range []*string{&k.backend, &k.admin, &k.reader, &k.unknown} {
		key, _, err := auth.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		*p = key
	}
	return k
}

func (k testKeys) config() auth.Config {
	return auth.Config{Keys: []auth.KeyConfig{
		{ID: "backend-1", Hash: auth.KeyHash(k.backend), AppIDs: []string{"wx1"}, Scopes: []string{auth.ScopeTokenRead}},
		{ID: "admin", Key: config.NewSecret(k.admin), AppIDs: []string{auth.AllAccounts}, Scopes: []string{auth.ScopeAdmin}},
		{ID: "reader", Hash: auth.KeyHash(k.reader), AppIDs: []string{auth.AllAccounts}, Scopes: []string{auth.ScopeAccountsRead}},
	}}
}

// withAuth returns startServerWith's handler options for an authenticator of cfg.
func withAuth(t *testing.T, cfg auth.Config) func(*slog.Logger, *prometheus.Registry) []rpcserver.HandlerOption {
	return func(log *slog.Logger, reg *prometheus.Registry) []rpcserver.HandlerOption {
		a, err := auth.New(auth.Params{Config: cfg, Policies: testPolicies, Logger: log, Registerer: reg})
		if err != nil {
			t.Fatal(err)
		}
		return []rpcserver.HandlerOption{rpcserver.WithAuth(a.Interceptor())}
	}
}

// rpc names the RPC a test case calls.
type rpc int

const (
	rpcToken   rpc = iota // GetAccessToken: answers "tok-<app_id>"
	rpcList               // ListAccounts: answers the caller's key id
	rpcAccount            // GetAccount: has no policy
)

// outcome is what a caller saw, in connect's terms on every protocol.
type outcome struct {
	code   connect.Code // 0 for success
	msg    string       // the error message
	answer string       // the token or the caller's key id
}

// protocol calls one RPC with the given headers.
type protocol struct {
	name string
	call func(t *testing.T, ts *testServer, r rpc, appID string, h http.Header) outcome
}

var protocols = []protocol{
	{"grpc-go", callGRPC},
	{"connect", callConnect},
	{"rest", callREST},
}

func callGRPC(t *testing.T, ts *testServer, r rpc, appID string, h http.Header) outcome {
	ctx := context.Background()
	for k, vs := range h {
		for _, v := range vs {
			ctx = metadata.AppendToOutgoingContext(ctx, strings.ToLower(k), v)
		}
	}
	client := tokenv1.NewTokenServiceClient(grpcConn(t, ts.srv.Addr()))
	var (
		answer string
		err    error
	)
	switch r {
	case rpcToken:
		var resp *tokenv1.GetAccessTokenResponse
		resp, err = client.GetAccessToken(ctx, &tokenv1.GetAccessTokenRequest{AppId: appID})
		answer = resp.GetAccessToken()
	case rpcList:
		var resp *tokenv1.ListAccountsResponse
		resp, err = client.ListAccounts(ctx, &tokenv1.ListAccountsRequest{})
		if err == nil {
			answer = resp.GetAccounts()[0].GetName()
		}
	case rpcAccount:
		_, err = client.GetAccount(ctx, &tokenv1.GetAccountRequest{AppId: appID})
	}
	if err != nil {
		st := status.Convert(err)
		return outcome{code: connect.Code(st.Code()), msg: st.Message()}
	}
	return outcome{answer: answer}
}

func callConnect(_ *testing.T, ts *testServer, r rpc, appID string, h http.Header) outcome {
	ctx, info := connect.NewClientContext(context.Background())
	for k, vs := range h {
		for _, v := range vs {
			info.RequestHeader().Add(k, v)
		}
	}
	client := tokenv1connect.NewTokenServiceClient(http.DefaultClient, ts.srv.URL())
	var (
		answer string
		err    error
	)
	switch r {
	case rpcToken:
		var resp *tokenv1.GetAccessTokenResponse
		resp, err = client.GetAccessToken(ctx, &tokenv1.GetAccessTokenRequest{AppId: appID})
		answer = resp.GetAccessToken()
	case rpcList:
		var resp *tokenv1.ListAccountsResponse
		resp, err = client.ListAccounts(ctx, &tokenv1.ListAccountsRequest{})
		if err == nil {
			answer = resp.GetAccounts()[0].GetName()
		}
	case rpcAccount:
		_, err = client.GetAccount(ctx, &tokenv1.GetAccountRequest{AppId: appID})
	}
	var ce *connect.Error
	if errors.As(err, &ce) {
		return outcome{code: ce.Code(), msg: ce.Message()}
	}
	if err != nil {
		return outcome{code: connect.CodeUnknown, msg: err.Error()}
	}
	return outcome{answer: answer}
}

func callREST(t *testing.T, ts *testServer, r rpc, appID string, h http.Header) outcome {
	path := map[rpc]string{
		rpcToken:   "/v1/apps/" + appID + "/access-token",
		rpcList:    "/v1/apps",
		rpcAccount: "/v1/apps/" + appID,
	}[r]
	req, err := http.NewRequest(http.MethodGet, ts.srv.URL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	body, code := do(t, req)
	var got struct {
		Code        int    `json:"code"`
		Message     string `json:"message"`
		AccessToken string `json:"access_token"`
		Accounts    []struct {
			Name string `json:"name"`
		} `json:"accounts"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("REST %d: %v: %s", code, err, body)
	}
	if code != http.StatusOK {
		wantHTTP := map[connect.Code]int{
			connect.CodeUnauthenticated:  http.StatusUnauthorized,
			connect.CodePermissionDenied: http.StatusForbidden,
			connect.CodeUnimplemented:    http.StatusNotImplemented,
		}[connect.Code(got.Code)]
		if code != wantHTTP {
			t.Errorf("REST status %d for code %v", code, connect.Code(got.Code))
		}
		return outcome{code: connect.Code(got.Code), msg: got.Message}
	}
	if r == rpcList {
		return outcome{answer: got.Accounts[0].Name}
	}
	return outcome{answer: got.AccessToken}
}

func bearer(key string) http.Header { return http.Header{"Authorization": {"Bearer " + key}} }

func TestAuth(t *testing.T) {
	t.Parallel()
	keys := newTestKeys(t)
	ts := startServerWith(t, nil, withAuth(t, keys.config()))
	tests := []struct {
		name  string
		rpc   rpc
		appID string
		give  http.Header
		want  outcome
	}{
		{"no key", rpcToken, "wx1", nil,
			outcome{code: connect.CodeUnauthenticated, msg: "missing API key: send Authorization: Bearer <key> or X-Api-Key"}},
		{"malformed header", rpcToken, "wx1", http.Header{"Authorization": {"Basic Zm9vOmJhcg=="}},
			outcome{code: connect.CodeUnauthenticated, msg: "malformed Authorization header: want Bearer <key>"}},
		{"unknown key", rpcToken, "wx1", bearer(keys.unknown),
			outcome{code: connect.CodeUnauthenticated, msg: "unknown API key"}},
		{"wrong account", rpcToken, "wx2", bearer(keys.backend),
			outcome{code: connect.CodePermissionDenied, msg: `key "backend-1" may not use account "wx2"`}},
		{"wrong scope", rpcToken, "wx1", bearer(keys.reader),
			outcome{code: connect.CodePermissionDenied, msg: `key "reader" lacks scope "token.read"`}},
		{"admin scope", rpcToken, "wx2", bearer(keys.admin), outcome{answer: "tok-wx2"}},
		{"good key", rpcToken, "wx1", bearer(keys.backend), outcome{answer: "tok-wx1"}},
		{"key via X-Api-Key", rpcToken, "wx1", http.Header{"X-Api-Key": {keys.backend}}, outcome{answer: "tok-wx1"}},
		{"caller in context", rpcList, "", bearer(keys.reader), outcome{answer: "reader"}},
		{"admin holds every scope", rpcList, "", http.Header{"X-Api-Key": {keys.admin}}, outcome{answer: "admin"}},
		{"fail closed without policy", rpcAccount, "wx1", bearer(keys.admin),
			outcome{code: connect.CodePermissionDenied, msg: "no access policy for /wxsuite.token.v1.TokenService/GetAccount"}},
	}
	t.Run("calls", func(t *testing.T) {
		for _, p := range protocols {
			for _, tt := range tests {
				t.Run(p.name+"/"+tt.name, func(t *testing.T) {
					t.Parallel()
					got := p.call(t, ts, tt.rpc, tt.appID, tt.give)
					if got != tt.want {
						t.Errorf("got %+v, want %+v", got, tt.want)
					}
				})
			}
		}
	})

	// Every successful GetAccessToken (3 cases on 3 protocols) left one audit line, with no
	// token; no log line holds a key.
	logs := ts.logs.String()
	for _, secret := range []string{keys.backend, keys.admin, keys.reader, keys.unknown, "tok-wx1", "tok-wx2"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
	audits := 0
	for line := range strings.Lines(logs) {
		var l map[string]any
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		if l["msg"] != "audit: token read" {
			continue
		}
		audits++
		if l["level"] != "INFO" || l["procedure"] != tokenv1connect.TokenServiceGetAccessTokenProcedure || l["ok"] != true ||
			!(l["key_id"] == "backend-1" && l["app_id"] == "wx1" || l["key_id"] == "admin" && l["app_id"] == "wx2") {
			t.Errorf("audit line %s", line)
		}
	}
	if audits != 9 {
		t.Errorf("%d audit lines, want 9:\n%s", audits, logs)
	}

	req, _ := http.NewRequest(http.MethodGet, ts.srv.URL()+"/metrics", nil)
	metrics, _ := do(t, req)
	for _, want := range []string{
		`wxsuite_auth_denied_total{procedure="/wxsuite.token.v1.TokenService/GetAccessToken",reason="unauthenticated"} 9`,
		`wxsuite_auth_denied_total{procedure="/wxsuite.token.v1.TokenService/GetAccessToken",reason="account"} 3`,
		`wxsuite_auth_denied_total{procedure="/wxsuite.token.v1.TokenService/GetAccessToken",reason="scope"} 3`,
		`wxsuite_auth_denied_total{procedure="/wxsuite.token.v1.TokenService/GetAccount",reason="no_policy"} 3`,
		`wxsuite_rpc_requests_total{code="ok",procedure="/wxsuite.token.v1.TokenService/GetAccessToken"} 9`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(metrics, `wxsuite_rpc_requests_total{code="unauthenticated"`) {
		t.Error("refused calls reached the RPC metrics")
	}
}

func TestAuthDisabled(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, nil, withAuth(t, auth.Config{Disabled: true}))
	tests := []struct {
		name string
		rpc  rpc
		give http.Header
		want outcome
	}{
		{"no key", rpcToken, nil, outcome{answer: "tok-wx9"}},
		{"any key", rpcToken, bearer("whatever"), outcome{answer: "tok-wx9"}},
		{"anonymous caller", rpcList, nil, outcome{answer: auth.AnonymousKeyID}},
		// No policy is needed either: the call reaches the handler (which does not implement it).
		{"procedure without policy", rpcAccount, nil, outcome{code: connect.CodeUnimplemented, msg: "wxsuite.token.v1.TokenService.GetAccount is not implemented"}},
	}
	for _, p := range protocols {
		for _, tt := range tests {
			t.Run(p.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				if got := p.call(t, ts, tt.rpc, "wx9", tt.give); got != tt.want {
					t.Errorf("got %+v, want %+v", got, tt.want)
				}
			})
		}
	}
}

// TestAuthLeavesProbesOpen: health, reflection, /healthz, /readyz and /metrics answer
// without a key while every RPC needs one.
func TestAuthLeavesProbesOpen(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, nil, withAuth(t, newTestKeys(t).config()))
	ctx := context.Background()
	conn := grpcConn(t, ts.srv.Addr())
	if resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{}); err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Errorf("grpc health: %v, %v", resp, err)
	}
	if resp, err := grpchealth.NewClient(http.DefaultClient, ts.srv.URL()).Check(ctx, &grpchealth.CheckRequest{Service: tokenv1connect.TokenServiceName}); err != nil || resp.Status != grpchealth.StatusServing {
		t.Errorf("connect health: %v, %v", resp, err)
	}
	if names := listServices(t, conn); !strings.Contains(names, tokenv1connect.TokenServiceName) {
		t.Errorf("reflection lists %q", names)
	}
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		req, _ := http.NewRequest(http.MethodGet, ts.srv.URL()+path, nil)
		if body, code := do(t, req); code != http.StatusOK {
			t.Errorf("%s: %d %.200s", path, code, body)
		}
	}
	if got := callConnect(t, ts, rpcToken, "wx1", nil); got.code != connect.CodeUnauthenticated {
		t.Errorf("RPC without key: %+v", got)
	}
}
