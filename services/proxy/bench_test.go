package proxy_test

import (
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/wxsuite/wxsuite/services/proxy"
)

// benchCall runs parallel GETs of u (with header) and fails on any non-200 answer.
func benchCall(b *testing.B, u string, header http.Header) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, DisableCompression: true}}
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, u, nil)
			for k, v := range header {
				req.Header[k] = v
			}
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}

// BenchmarkGetCallbackIP compares a small JSON call made straight at the sandbox with
// the same call through the proxy (key in a header, and the handed-out token alone).
func BenchmarkGetCallbackIP(b *testing.B) {
	e := newEnv(b, proxy.Config{})
	tok, err := e.tokens.AccessToken(b.Context(), e.A)
	if err != nil {
		b.Fatal(err)
	}
	handed := e.do(b, http.MethodGet, "/wx/"+e.A+"/cgi-bin/token?"+tokenQuery(e.A, keyA), "")
	q := "?access_token=" + url.QueryEscape(tok)
	b.Run("direct", func(b *testing.B) { benchCall(b, e.sb.URL+"/cgi-bin/getcallbackip"+q, nil) })
	b.Run("proxy-header-key", func(b *testing.B) {
		benchCall(b, e.url+"/wx/"+e.A+"/cgi-bin/getcallbackip"+q, http.Header{"X-Api-Key": {keyA}})
	})
	b.Run("proxy-token-only", func(b *testing.B) {
		benchCall(b, e.url+"/wx/"+e.A+"/cgi-bin/getcallbackip?access_token="+url.QueryEscape(handed.AccessToken), nil)
	})
}
