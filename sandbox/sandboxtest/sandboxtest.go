// Package sandboxtest starts a wxsandbox (package sandbox) on a loopback HTTP server for
// tests: the emulated WeChat API and its admin API on one URL, stopped when the test
// ends.
package sandboxtest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
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

// AddUser adds a simulated user to the account appID (see [sandbox.Sandbox.AddUser]) and
// returns it with its openid; it fails the test on error.
func (e *Env) AddUser(t testing.TB, appID string, u sandbox.User) sandbox.User {
	t.Helper()
	added, err := e.Sandbox.AddUser(appID, u)
	if err != nil {
		t.Fatalf("sandboxtest: add user to %s: %v", appID, err)
	}
	return added
}

// OAuthCode issues a web-authorization code for a simulated user as if they had
// authorized with scope (see [sandbox.Sandbox.IssueOAuthCode]); it fails the test on
// error.
func (e *Env) OAuthCode(t testing.TB, appID, openID, scope string) string {
	t.Helper()
	code, err := e.Sandbox.IssueOAuthCode(appID, openID, scope)
	if err != nil {
		t.Fatalf("sandboxtest: issue OAuth code: %v", err)
	}
	return code
}

// Authorize opens the account's /connect/oauth2/authorize URL as the browser of the
// authorizing user would and returns where the sandbox redirects it (redirectURI with
// code and state added). It fails the test when the sandbox does not redirect, for
// example when it shows an error page. An empty state is left out of the URL.
func (e *Env) Authorize(t testing.TB, appID, redirectURI, scope, state string) *url.URL {
	t.Helper()
	q := url.Values{"appid": {appID}, "redirect_uri": {redirectURI}, "response_type": {"code"}, "scope": {scope}}
	if state != "" {
		q.Set("state", state)
	}
	client := *e.Client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Get(e.URL + "/connect/oauth2/authorize?" + q.Encode())
	if err != nil {
		t.Fatalf("sandboxtest: authorize: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("sandboxtest: authorize: HTTP %d, want 302; page: %s", resp.StatusCode, body)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatalf("sandboxtest: authorize: bad Location: %v", err)
	}
	return loc
}

// SetCallback sets the callback settings of the account appID (the console's 服务器配置):
// where pushes go, the Token, the EncodingAESKey (may be empty in plain mode) and the
// encryption mode. It returns the stored account, whose OriginalID pushes use as
// ToUserName; it fails the test on error.
func (e *Env) SetCallback(t testing.TB, appID, callbackURL, token, aesKey string, mode sandbox.EncryptMode) sandbox.Account {
	t.Helper()
	a, err := e.Sandbox.Account(appID)
	if err != nil {
		t.Fatalf("sandboxtest: set callback: %v", err)
	}
	a.CallbackURL, a.CallbackToken, a.EncodingAESKey, a.EncryptMode = callbackURL, token, aesKey, mode
	if err := e.Sandbox.AddAccount(a); err != nil {
		t.Fatalf("sandboxtest: set callback of %s: %v", appID, err)
	}
	if a, err = e.Sandbox.Account(appID); err != nil {
		t.Fatalf("sandboxtest: set callback: %v", err)
	}
	return a
}

// PushMessage makes the simulated user openID send m to the account appID (see
// [sandbox.Sandbox.PushMessage]) and returns what happened; it fails the test on error
// (not when the account's server answers badly: that is in the result).
func (e *Env) PushMessage(t testing.TB, appID, openID string, m sandbox.Message) sandbox.PushResult {
	t.Helper()
	res, err := e.Sandbox.PushMessage(t.Context(), appID, openID, m)
	if err != nil {
		t.Fatalf("sandboxtest: push message: %v", err)
	}
	return res
}

// PushText makes the simulated user openID send the text message content to the account
// appID; see [Env.PushMessage].
func (e *Env) PushText(t testing.TB, appID, openID, content string) sandbox.PushResult {
	t.Helper()
	return e.PushMessage(t, appID, openID, sandbox.Message{Type: sandbox.MsgText, Content: content})
}

// PushEvent pushes ev of openID to the account appID (see [sandbox.Sandbox.PushEvent]);
// it fails the test on error.
func (e *Env) PushEvent(t testing.TB, appID, openID string, ev sandbox.Event) sandbox.PushResult {
	t.Helper()
	res, err := e.Sandbox.PushEvent(t.Context(), appID, openID, ev)
	if err != nil {
		t.Fatalf("sandboxtest: push event: %v", err)
	}
	return res
}

// Inbox returns what the user openID received from the account appID (see
// [sandbox.Sandbox.Inbox]); it fails the test on error.
func (e *Env) Inbox(t testing.TB, appID, openID string) sandbox.Inbox {
	t.Helper()
	in, err := e.Sandbox.Inbox(appID, openID)
	if err != nil {
		t.Fatalf("sandboxtest: inbox: %v", err)
	}
	return in
}
