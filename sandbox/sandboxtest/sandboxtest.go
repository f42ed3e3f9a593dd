// Package sandboxtest starts a wxsandbox (package sandbox) on a loopback HTTP server for
// tests: the emulated WeChat API and its admin API on one URL, stopped when the test
// ends.
package sandboxtest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1/sandboxv1connect"
	"github.com/wxsuite/wxsuite/sandbox"
)

// DemoAppID and DemoAppSecret are the demo account [Start] creates when it is given no
// accounts.
const (
	DemoAppID     = sandbox.DemoAppID
	DemoAppSecret = sandbox.DemoAppSecret
)

// Env is a running sandbox.
type Env struct {
	// URL is the base URL to use instead of https://api.weixin.qq.com (no trailing
	// slash); the admin API is served on it too.
	URL string
	// Sandbox is the emulator itself, for in-process control (clock, faults, call log).
	Sandbox *sandbox.Sandbox
	// Admin is a Connect client of the admin API at URL.
	Admin sandboxv1connect.SandboxServiceClient
	// Client is an HTTP client for URL.
	Client *http.Client
}

// Start starts a sandbox holding accounts (the demo account when none are given) and
// stops it when the test ends.
func Start(t testing.TB, accounts ...sandbox.Account) *Env {
	t.Helper()
	if len(accounts) == 0 {
		accounts = []sandbox.Account{sandbox.DemoAccount()}
	}
	return StartOptions(t, sandbox.Options{Accounts: accounts})
}

// StartOptions starts a sandbox configured by opts (accounts included as given) and
// stops it when the test ends.
func StartOptions(t testing.TB, opts sandbox.Options) *Env {
	t.Helper()
	sb := sandbox.New(opts)
	mux := http.NewServeMux()
	mux.Handle(sandboxv1connect.NewSandboxServiceHandler(sb.Admin()))
	mux.Handle("/", sb.Handler())

	srv := httptest.NewUnstartedServer(mux)
	// Serve HTTP/1 and unencrypted HTTP/2 (h2c) like the real binary does.
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	srv.Config.Protocols = &protocols
	srv.Start()
	t.Cleanup(srv.Close)

	client := srv.Client()
	return &Env{
		URL:     srv.URL,
		Sandbox: sb,
		Admin:   sandboxv1connect.NewSandboxServiceClient(client, srv.URL),
		Client:  client,
	}
}
