package sandbox_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/wxsuite/wxsuite/sandbox"
)

// FuzzHandler feeds arbitrary methods, paths, queries and bodies to the emulated API and
// requires a JSON answer (or the empty body of a fault, of which there are none here)
// without a panic; /connect/oauth2/authorize must redirect or show its HTML error page.
func FuzzHandler(f *testing.F) {
	paths := []string{"/cgi-bin/token", "/cgi-bin/stable_token", "/cgi-bin/ticket/getticket",
		"/cgi-bin/getcallbackip", "/cgi-bin/get_api_domain_ip", "/cgi-bin/clear_quota", "/x",
		"/cgi-bin/callback/check", "/connect/oauth2/authorize", "/sns/oauth2/access_token",
		"/sns/oauth2/refresh_token", "/sns/userinfo", "/sns/auth"}
	const authorizeIdx = 8
	f.Add(uint8(0), "GET", "grant_type=client_credential&appid="+sandbox.DemoAppID+"&secret="+sandbox.DemoAppSecret, "")
	f.Add(uint8(1), "POST", "", `{"grant_type":"client_credential","appid":"`+sandbox.DemoAppID+`","secret":"`+sandbox.DemoAppSecret+`","force_refresh":true}`)
	f.Add(uint8(2), "GET", "access_token=x&type=jsapi", "")
	f.Add(uint8(5), "POST", "access_token=%zz", `{"appid":[1,2,{}]}`)
	f.Add(uint8(1), "POST", "", `{"appid":"\ud800","secret":null,"force_refresh":1e999}`)
	f.Add(uint8(7), "POST", "access_token=x", `{"action":"all","check_operator":"DEFAULT"}`)
	f.Add(uint8(7), "POST", "access_token=x", `{"action":{},"check_operator":[]}`)
	f.Add(uint8(authorizeIdx), "GET", "appid="+sandbox.DemoAppID+"&redirect_uri=https%3A%2F%2Fa.example.com%2Fcb%3Fx%3D1%23f&response_type=code&scope=snsapi_userinfo&state=abc", "")
	f.Add(uint8(authorizeIdx), "GET", "appid="+sandbox.DemoAppID+"&redirect_uri=%00http:%2F%2F%5B::1&response_type=code&scope=snsapi_base&state=%3C%2Fp%3E", "")
	f.Add(uint8(9), "GET", "appid="+sandbox.DemoAppID+"&secret="+sandbox.DemoAppSecret+"&code=x&grant_type=authorization_code", "")
	f.Add(uint8(10), "GET", "appid="+sandbox.DemoAppID+"&grant_type=refresh_token&refresh_token=x", "")
	f.Add(uint8(11), "GET", "access_token=x&openid=o&lang=en", "")
	f.Add(uint8(12), "GET", "access_token=&openid=", "")
	sb := sandbox.New(sandbox.Options{Accounts: []sandbox.Account{sandbox.DemoAccount()}, MaxCalls: 100})
	if _, err := sb.AddUser(sandbox.DemoAppID, sandbox.User{Nickname: "fuzz"}); err != nil {
		f.Fatal(err)
	}
	h := sb.Handler()
	f.Fuzz(func(t *testing.T, pathIdx uint8, method, rawQuery, body string) {
		if method == "" || strings.ContainsAny(method, " \t\r\n") {
			method = http.MethodGet
		}
		req := &http.Request{
			Method: method,
			URL:    &url.URL{Path: paths[int(pathIdx)%len(paths)], RawQuery: rawQuery},
			Header: http.Header{},
			Body:   io.NopCloser(strings.NewReader(body)),
			Host:   "api.weixin.qq.com",
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if int(pathIdx)%len(paths) == authorizeIdx {
			switch {
			case rec.Code == http.StatusFound:
				if _, err := url.Parse(rec.Header().Get("Location")); err != nil || rec.Header().Get("Location") == "" {
					t.Fatalf("redirect to %q: %v", rec.Header().Get("Location"), err)
				}
			case rec.Code == http.StatusOK && strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html"):
				if !strings.Contains(rec.Body.String(), "errcode: ") || strings.Contains(rec.Body.String(), "<script") {
					t.Fatalf("error page %q", rec.Body.String())
				}
			default:
				t.Fatalf("authorize answered HTTP %d %q", rec.Code, rec.Header().Get("Content-Type"))
			}
			return
		}
		var v map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatalf("answer %q is not a JSON object: %v", rec.Body.String(), err)
		}
		if rec.Code != http.StatusOK && rec.Code != http.StatusNotFound {
			t.Fatalf("HTTP %d", rec.Code)
		}
	})
}
