package sandbox_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

// FuzzSmartRequests posts arbitrary queries, content types and bodies to every smart
// endpoint (outside input): the sandbox answers each with HTTP 200 and a JSON object
// carrying an errcode, and never panics.
func FuzzSmartRequests(f *testing.F) {
	paths := []string{"/semantic/semproxy/search", "/cgi-bin/media/voice/addvoicetorecofortext",
		"/cgi-bin/media/voice/queryrecoresultfortext", "/cgi-bin/media/voice/translatecontent",
		"/cv/img/aicrop", "/cv/img/qrcode", "/cv/img/superresolution", "/cv/ocr/bankcard", "/cv/ocr/bizlicense",
		"/cv/ocr/comm", "/cv/ocr/drivinglicense", "/cv/ocr/idcard", "/cv/ocr/menu", "/cv/ocr/platenum"}
	f.Add(uint8(0), "", "application/json", []byte(`{"query":"q","category":"flight","appid":"`+sandboxtest.DemoAppID+`","latitude":1e308}`))
	f.Add(uint8(1), "format=mp3&voice_id=v&lang=zh_CN", "multipart/form-data; boundary=x",
		[]byte("--x\r\nContent-Disposition: form-data; name=\"media\"; filename=\"a.mp3\"\r\n\r\nID3\x04\r\n--x--\r\n"))
	f.Add(uint8(2), "voice_id=v", "", []byte{})
	f.Add(uint8(3), "lfrom=zh_CN&lto=en_US", "text/plain", []byte("你好"))
	f.Add(uint8(4), "ratios=1,2,3&img_url=http://e.com/a", "", []byte{})
	f.Add(uint8(11), "type=scan", "multipart/form-data; boundary=\"\"", []byte("--\r\n"))
	f.Add(uint8(6), "", "image/png", sandboxtest.PNG(32))
	f.Add(uint8(9), "img_url=%zz", "multipart/form-data", []byte("--x--"))
	env := sandboxtest.Start(f)
	tok, _, err := env.Sandbox.IssueToken(sandboxtest.DemoAppID)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, which uint8, query, contentType string, body []byte) {
		path := paths[int(which)%len(paths)]
		if strings.IndexFunc(query, func(r rune) bool { return r <= ' ' || r >= 0x7f || r == '#' }) >= 0 {
			return // not a query a client can send unescaped (the HTTP server refuses it first)
		}
		req, err := http.NewRequest(http.MethodPost, env.URL+path+"?access_token="+tok+"&"+query, bytes.NewReader(body))
		if err != nil {
			return
		}
		if strings.IndexFunc(contentType, func(r rune) bool { return r < ' ' || r == 0x7f }) >= 0 {
			return // not a header value a client can send
		}
		req.Header.Set("Content-Type", contentType)
		resp, err := env.Client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		var answer map[string]json.RawMessage
		if resp.StatusCode != http.StatusOK || json.Unmarshal(data, &answer) != nil || answer["errcode"] == nil {
			t.Fatalf("%s?%s (%q, %q): HTTP %d %q", path, query, contentType, body, resp.StatusCode, data)
		}
	})
}
