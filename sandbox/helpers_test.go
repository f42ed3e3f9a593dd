package sandbox_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

// start is a fixed simulated start: 2025-03-10 10:00 in Asia/Shanghai.
var start = time.Date(2025, 3, 10, 2, 0, 0, 0, time.UTC)

// startFrozen starts a sandbox whose clock only moves by Advance, holding the demo account.
func startFrozen(t *testing.T, opts sandbox.Options) *sandboxtest.Env {
	t.Helper()
	opts.Now = func() time.Time { return start }
	if opts.Accounts == nil {
		opts.Accounts = []sandbox.Account{sandbox.DemoAccount()}
	}
	return sandboxtest.StartOptions(t, opts)
}

// reply is a decoded answer of the emulated API.
type reply struct {
	Status      int
	ContentType string
	Raw         string
	Errcode     int    `json:"errcode"`
	Errmsg      string `json:"errmsg"`
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
	Ticket      string `json:"ticket"`
	IPList      []string
	// Web-authorization answers.
	RefreshToken string   `json:"refresh_token"`
	OpenID       string   `json:"openid"`
	Scope        string   `json:"scope"`
	UnionID      string   `json:"unionid"`
	Nickname     string   `json:"nickname"`
	Sex          int      `json:"sex"`
	Privilege    []string `json:"privilege"`
	// Fields holds every top-level member of a JSON object answer, to check which keys
	// are present.
	Fields map[string]json.RawMessage
}

func do(t *testing.T, env *sandboxtest.Env, method, path string, query url.Values, body string) reply {
	t.Helper()
	u := env.URL + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := env.Client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := reply{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Raw: string(data)}
	if len(bytes.TrimSpace(data)) > 0 {
		var aux struct {
			IPList []string `json:"ip_list"`
		}
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatalf("%s %s: answer %q is not JSON: %v", method, path, data, err)
		}
		_ = json.Unmarshal(data, &aux)
		r.IPList = aux.IPList
		_ = json.Unmarshal(data, &r.Fields)
	}
	return r
}

func get(t *testing.T, env *sandboxtest.Env, path string, query url.Values) reply {
	t.Helper()
	return do(t, env, http.MethodGet, path, query, "")
}

func tokenQuery(appID, secret string) url.Values {
	return url.Values{"grant_type": {"client_credential"}, "appid": {appID}, "secret": {secret}}
}

// fetchToken gets a /cgi-bin/token token for the demo account.
func fetchToken(t *testing.T, env *sandboxtest.Env) string {
	t.Helper()
	r := get(t, env, "/cgi-bin/token", tokenQuery(sandboxtest.DemoAppID, sandboxtest.DemoAppSecret))
	if r.Errcode != 0 || r.AccessToken == "" {
		t.Fatalf("fetch token: %s", r.Raw)
	}
	return r.AccessToken
}

// stable calls /cgi-bin/stable_token for the demo account.
func stable(t *testing.T, env *sandboxtest.Env, force bool) reply {
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"grant_type": "client_credential", "appid": sandboxtest.DemoAppID,
		"secret": sandboxtest.DemoAppSecret, "force_refresh": force,
	})
	return do(t, env, http.MethodPost, "/cgi-bin/stable_token", nil, string(body))
}

// useToken calls a token-carrying endpoint and returns its errcode.
func useToken(t *testing.T, env *sandboxtest.Env, token string) int {
	t.Helper()
	return get(t, env, "/cgi-bin/getcallbackip", url.Values{"access_token": {token}}).Errcode
}

// wantCode fails unless r is an errcode envelope with want, HTTP 200 and the JSON content type.
func wantCode(t *testing.T, r reply, want int) {
	t.Helper()
	if r.Errcode != want {
		t.Fatalf("errcode = %d, want %d (answer %s)", r.Errcode, want, r.Raw)
	}
	if r.Status != http.StatusOK {
		t.Errorf("HTTP status = %d, want 200", r.Status)
	}
	if r.ContentType != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q", r.ContentType)
	}
}
