package main

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"
)

const (
	testAppID  = "wx0123456789abcdef"
	testToken  = "pushpeertoken"
	testAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
)

// push builds a safe-mode text push the way WeChat sends it, with the SDK's own crypto.
func push(t *testing.T, srvURL, content, token string) *http.Request {
	t.Helper()
	plain := "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[oUser1]]></FromUserName>" +
		"<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[" + content +
		"]]></Content><MsgId>1234567890123456</MsgId></xml>"
	enc, err := util.EncryptMsg([]byte("0123456789abcdef"), []byte(plain), testAppID, testAESKey)
	if err != nil {
		t.Fatal(err)
	}
	ts, nonce := "1700000000", "42"
	q := url.Values{
		"signature": {util.Signature(token, ts, nonce)}, "timestamp": {ts}, "nonce": {nonce},
		"openid": {"oUser1"}, "encrypt_type": {"aes"},
		"msg_signature": {util.Signature(token, ts, nonce, string(enc))},
	}
	body := "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt><![CDATA[" + string(enc) + "]]></Encrypt></xml>"
	req, err := http.NewRequest(http.MethodPost, srvURL+"/wechat/callback/"+testAppID+"?"+q.Encode(), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/xml")
	return req
}

func stats(t *testing.T, srvURL string) Stats {
	t.Helper()
	resp, err := http.Get(srvURL + "/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s Stats
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPeerDecryptsRepliesAndCounts(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(newPeer(testAppID, testToken, testAESKey, "hello", "hi there").routes())
	defer srv.Close()

	tests := []struct {
		name      string
		give      string // Content of the push
		token     string // token that signs it
		wantCode  int
		wantReply string // decrypted reply Content; "" for the SDK's encrypted empty answer
	}{
		{name: "keyword gets the text reply", give: "hello", token: testToken, wantCode: 200, wantReply: "hi there"},
		{name: "other text gets the encrypted empty answer", give: "something else", token: testToken, wantCode: 200},
		{name: "wrong token is refused", give: "hello", token: "other", wantCode: 400},
	}
	for _, tt := range tests {
		resp, err := http.DefaultClient.Do(push(t, srv.URL, tt.give, tt.token))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.wantCode {
			t.Fatalf("%s: status %d, want %d (%s)", tt.name, resp.StatusCode, tt.wantCode, body)
		}
		if tt.wantCode != 200 {
			continue
		}
		var env message.ResponseEncryptedXMLMsg
		if err := xml.Unmarshal(body, &env); err != nil {
			t.Fatalf("%s: reply %q: %v", tt.name, body, err)
		}
		_, plain, err := util.DecryptMsg(testAppID, env.EncryptedMsg, testAESKey)
		if err != nil {
			t.Fatalf("%s: decrypt reply: %v", tt.name, err)
		}
		if tt.wantReply == "" {
			if len(plain) != 0 {
				t.Errorf("%s: decrypted reply %q, want empty", tt.name, plain)
			}
			continue
		}
		var text struct {
			ToUserName string
			Content    string
		}
		if err := xml.Unmarshal(plain, &text); err != nil {
			t.Fatal(err)
		}
		if text.Content != tt.wantReply || text.ToUserName != "oUser1" {
			t.Errorf("%s: reply %+v, want Content %q to oUser1", tt.name, text, tt.wantReply)
		}
	}
	if got, want := stats(t, srv.URL), (Stats{Handled: 2, Replied: 1, Failed: 1}); got != want {
		t.Errorf("stats %+v, want %+v", got, want)
	}
}
