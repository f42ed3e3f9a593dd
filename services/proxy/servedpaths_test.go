package proxy_test

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/services/proxy"
)

// TestServedPathsReachSandboxUnchanged walks every path the sandbox serves today (the
// list grows as domains are added) that is a platform API path, sends it through the
// proxy by GET and by POST, and checks that the sandbox received the same method, path,
// query (but for the substituted credential), body and headers, and that the caller got
// the sandbox's status and bytes.
func TestServedPathsReachSandboxUnchanged(t *testing.T) {
	t.Parallel()
	e := newEnv(t, proxy.Config{})
	central, err := e.tokens.AccessToken(t.Context(), e.A)
	if err != nil {
		t.Fatal(err)
	}
	platform := proxy.Paths()
	walked := 0
	for _, path := range sandbox.ServedPaths() {
		if !slices.Contains(platform, path) {
			t.Logf("skipped %s: not a platform API path (browser-facing)", path)
			continue
		}
		if path == "/cgi-bin/token" || path == "/cgi-bin/stable_token" {
			continue // answered by the proxy itself (TestTokenAnsweredFromCentralToken)
		}
		walked++
		query, want := "access_token=STALE_TOKEN&lang=zh_CN&next_openid=&x=a%20b&x=2", "access_token="+url.QueryEscape(central)+"&lang=zh_CN&next_openid=&x=a%20b&x=2"
		switch path {
		case "/sns/oauth2/access_token":
			query = "appid=" + e.A + "&secret=" + keyA + "&code=NOCODE&grant_type=authorization_code"
			want = "appid=" + e.A + "&secret=" + e.secrets[e.A] + "&code=NOCODE&grant_type=authorization_code"
		case "/sns/oauth2/refresh_token", "/sns/userinfo", "/sns/auth":
			query = "access_token=USER_TOKEN&openid=o1&appid=" + e.A + "&refresh_token=R&grant_type=refresh_token"
			want = query
		}
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			body := ""
			if method == http.MethodPost {
				body = `{"a":"<&>","n":1}`
			}
			req, _ := http.NewRequest(method, e.url+"/wx/"+e.A+path+"?"+query, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Test", "kept")
			req.Header.Set("Authorization", "Bearer "+keyA)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			_, _ = got.ReadFrom(resp.Body)
			resp.Body.Close()
			calls := e.rec.take()
			if len(calls) != 1 {
				t.Errorf("%s %s: %d requests reached the sandbox, want 1 (answer %s)", method, path, len(calls), got.Bytes())
				continue
			}
			c := calls[0]
			if c.Method != method || c.Path != path || c.RawQuery != want || string(c.Body) != body ||
				c.ContentType != "application/json" || c.TestHeader != "kept" || c.Authorization != "" || c.APIKey != "" {
				t.Errorf("%s %s: the sandbox received %s %s?%s body %q type %q X-Test %q auth %q",
					method, path, c.Method, c.Path, c.RawQuery, c.Body, c.ContentType, c.TestHeader, c.Authorization)
			}
			if resp.StatusCode != c.Status || !bytes.Equal(got.Bytes(), c.Answer) {
				t.Errorf("%s %s: caller got %d %q, the sandbox answered %d %q", method, path, resp.StatusCode, got.Bytes(), c.Status, c.Answer)
			}
			if path == "/sns/oauth2/access_token" && bytes.Contains(c.Answer, []byte("40125")) {
				t.Errorf("code exchange: the sandbox refused the substituted secret: %s", c.Answer)
			}
		}
		if len(e.sandboxCalls(path)) == 0 {
			t.Errorf("%s: not in the sandbox's call log", path)
		}
	}
	if walked < 10 {
		t.Errorf("walked %d served paths, want at least the token service's", walked)
	}
	t.Logf("walked %d of the sandbox's %d served paths", walked, len(sandbox.ServedPaths()))
}
