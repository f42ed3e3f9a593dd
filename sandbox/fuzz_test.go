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
// without a panic.
func FuzzHandler(f *testing.F) {
	paths := []string{"/cgi-bin/token", "/cgi-bin/stable_token", "/cgi-bin/ticket/getticket",
		"/cgi-bin/getcallbackip", "/cgi-bin/get_api_domain_ip", "/cgi-bin/clear_quota", "/x"}
	f.Add(uint8(0), "GET", "grant_type=client_credential&appid="+sandbox.DemoAppID+"&secret="+sandbox.DemoAppSecret, "")
	f.Add(uint8(1), "POST", "", `{"grant_type":"client_credential","appid":"`+sandbox.DemoAppID+`","secret":"`+sandbox.DemoAppSecret+`","force_refresh":true}`)
	f.Add(uint8(2), "GET", "access_token=x&type=jsapi", "")
	f.Add(uint8(5), "POST", "access_token=%zz", `{"appid":[1,2,{}]}`)
	f.Add(uint8(1), "POST", "", `{"appid":"\ud800","secret":null,"force_refresh":1e999}`)
	sb := sandbox.New(sandbox.Options{Accounts: []sandbox.Account{sandbox.DemoAccount()}, MaxCalls: 100})
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
		var v map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatalf("answer %q is not a JSON object: %v", rec.Body.String(), err)
		}
		if rec.Code != http.StatusOK && rec.Code != http.StatusNotFound {
			t.Fatalf("HTTP %d", rec.Code)
		}
	})
}
