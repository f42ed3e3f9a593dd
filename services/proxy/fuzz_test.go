package proxy_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/wxsuite/wxsuite/services/proxy"
)

// FuzzProxyRequest sends arbitrary paths, queries, bodies and key headers to the proxy's
// handler (in memory; the upstream answers every forwarded call with a fixed JSON
// envelope). Every answer must be a JSON object with an errcode or the upstream's answer,
// and no key or token may appear in it.
func FuzzProxyRequest(f *testing.F) {
	upstream := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	})
	e := newEnvUpstream(f, proxy.Config{MaxBodyBytes: 1 << 16, ReplayBodyBytes: 1 << 10}, upstream)
	for _, s := range []struct{ path, query, key string }{
		{e.A + "/cgi-bin/getcallbackip", "access_token=x", keyA},
		{"cgi-bin/token", "grant_type=client_credential&appid=" + e.A + "&secret=" + keyA, ""},
		{e.A + "/cgi-bin/stable_token", "", keyA},
		{e.A + "/sns/oauth2/access_token", "appid=" + e.A + "&secret=%zz", ""},
		{"../cgi-bin/token", "%", "x"},
		{e.B + "/cgi-bin/menu/create", "access_token=" + strings.Repeat("a", 600), keyAB},
	} {
		f.Add(s.path, s.query, []byte(`{"grant_type":"client_credential","appid":"`+e.A+`"}`), s.key, "POST")
	}
	f.Fuzz(func(t *testing.T, path, query string, body []byte, key, method string) {
		req := &http.Request{
			Method: method, URL: &url.URL{Path: "/wx/" + path, RawQuery: query},
			Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(body)),
			ContentLength: int64(len(body)), Host: "proxy.test", RequestURI: "/",
		}
		if key != "" {
			req.Header.Set("X-Api-Key", key)
		}
		w := httptest.NewRecorder()
		e.proxy.PrefixHandler().ServeHTTP(w, req.WithContext(t.Context()))
		var env map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil {
			t.Fatalf("%s /wx/%s?%s: answer %d %q is not JSON", method, path, query, w.Code, w.Body.Bytes())
		}
		if _, ok := env["errcode"]; !ok {
			if _, ok := env["access_token"]; !ok {
				t.Fatalf("answer without errcode or token: %s", w.Body.Bytes())
			}
		}
		for _, secret := range []string{keyA, keyAB, e.secrets[e.A], e.secrets[e.B]} {
			if strings.Contains(w.Body.String(), secret) {
				t.Fatalf("answer holds a key or secret: %s", w.Body.Bytes())
			}
		}
	})
}
