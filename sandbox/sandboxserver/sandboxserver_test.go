package sandboxserver

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1/sandboxv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/sandbox"
)

func TestServesAPIAndAdminOnOnePort(t *testing.T) {
	t.Parallel()
	sb := sandbox.New(sandbox.Options{Accounts: []sandbox.Account{sandbox.DemoAccount()}})
	srv, err := New(sb, rpcserver.Config{Addr: "127.0.0.1:0"}, nil, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop(ctx) })

	// The emulated WeChat API.
	resp, err := http.Get(srv.URL() + "/cgi-bin/token?grant_type=client_credential&appid=" + sandbox.DemoAppID + "&secret=" + sandbox.DemoAppSecret)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" || tok.ExpiresIn != 7200 {
		t.Fatalf("token: %v %+v", err, tok)
	}
	resp.Body.Close()

	// The admin API over REST (through the gateway) and Connect.
	resp, err = http.Post(srv.URL()+"/v1/sandbox/clock:advance", "application/json", strings.NewReader(`{"by":"3600s"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "now") {
		t.Fatalf("REST advance: %d %s", resp.StatusCode, body)
	}
	// Users over REST, and the web-authorization page under /connect/.
	resp, err = http.Post(srv.URL()+"/v1/sandbox/accounts/"+sandbox.DemoAppID+"/users", "application/json", strings.NewReader(`{"user":{"nickname":"Alice"}}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"openid":"o`) {
		t.Fatalf("REST CreateUser: %d %s", resp.StatusCode, body)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = noRedirect.Get(srv.URL() + "/connect/oauth2/authorize?appid=" + sandbox.DemoAppID +
		"&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&response_type=code&scope=snsapi_base&state=s")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || !strings.Contains(loc, "code=") {
		t.Fatalf("authorize: %d %q", resp.StatusCode, loc)
	}

	admin := sandboxv1connect.NewSandboxServiceClient(http.DefaultClient, srv.URL())
	calls, err := admin.ListCalls(ctx, &sandboxv1.ListCallsRequest{Path: "/cgi-bin/token"})
	if err != nil || len(calls.GetCalls()) != 1 {
		t.Fatalf("ListCalls: %v %v", err, calls)
	}
}
