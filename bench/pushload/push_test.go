package main

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"net/http"
	"strconv"
	"testing"

	"github.com/wxsuite/wxsuite/internal/wxcrypto"
)

func testAccount(t *testing.T) *account {
	t.Helper()
	acc, err := newAccount()
	if err != nil {
		t.Fatal(err)
	}
	return acc
}

// pushedText is the decrypted message of a push.
type pushedText struct {
	ToUserName, FromUserName, MsgType, Content string
	CreateTime                                 int64
	MsgID                                      int64 `xml:"MsgId"`
}

// openPush checks a built request as the callback gateway does (URL signature,
// msg_signature over the Encrypt element, decryption with the account's key and appid) and
// returns the message and the request.
func openPush(t *testing.T, acc *account, raw []byte) (pushedText, *http.Request) {
	t.Helper()
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		t.Fatalf("not an HTTP request: %v", err)
	}
	var body bytes.Buffer
	if _, err := body.ReadFrom(req.Body); err != nil {
		t.Fatal(err)
	}
	if req.ContentLength != int64(body.Len()) {
		t.Fatalf("Content-Length %d, body %d bytes", req.ContentLength, body.Len())
	}
	q := req.URL.Query()
	ts, nonce := q.Get("timestamp"), q.Get("nonce")
	if !wxcrypto.VerifyURLSignature(acc.token, ts, nonce, q.Get("signature")) {
		t.Fatal("signature does not verify")
	}
	if q.Get("encrypt_type") != "aes" {
		t.Fatalf("encrypt_type %q", q.Get("encrypt_type"))
	}
	env, err := wxcrypto.ParseEnvelope(body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if env.ToUserName != acc.ghID {
		t.Fatalf("envelope ToUserName %q", env.ToUserName)
	}
	if !wxcrypto.VerifyMsgSignature(acc.token, ts, nonce, env.Encrypt, q.Get("msg_signature")) {
		t.Fatal("msg_signature does not verify")
	}
	plain, _, err := acc.cipher.Decrypt(env.Encrypt)
	if err != nil {
		t.Fatalf("decrypt: %v", err)
	}
	var m pushedText
	if err := xml.Unmarshal(plain, &m); err != nil {
		t.Fatalf("message: %v", err)
	}
	if q.Get("openid") != m.FromUserName {
		t.Fatalf("openid %q, FromUserName %q", q.Get("openid"), m.FromUserName)
	}
	return m, req
}

func TestPushIsWhatWeChatSends(t *testing.T) {
	t.Parallel()
	acc := testAccount(t)
	spec := &pushSpec{acc: acc, host: "127.0.0.1:1234", content: "price", msgBase: 6_000_000_000_000_000_000, userBase: 7 << 32, ts: 1_800_000_000}
	raw, err := spec.request(3, nil, newRand())
	if err != nil {
		t.Fatal(err)
	}
	m, req := openPush(t, acc, raw)
	want := pushedText{ToUserName: acc.ghID, FromUserName: openID(7<<32 + 3), MsgType: "text", Content: "price",
		CreateTime: 1_800_000_000, MsgID: 6_000_000_000_000_000_003}
	if m != want {
		t.Errorf("message %+v, want %+v", m, want)
	}
	if req.Method != http.MethodPost || req.URL.Path != "/wechat/callback/"+acc.appID || req.Host != "127.0.0.1:1234" {
		t.Errorf("request %s %s Host %s", req.Method, req.URL.Path, req.Host)
	}
	if got := req.URL.Query().Get("timestamp"); got != strconv.Itoa(1_800_000_000) {
		t.Errorf("timestamp %q", got)
	}
	if len(m.FromUserName) != 28 {
		t.Errorf("openid %q: want 28 characters like WeChat's", m.FromUserName)
	}
}

func TestPoolPushesAreDistinct(t *testing.T) {
	t.Parallel()
	acc := testAccount(t)
	msgIDs, users, nonces := map[int64]bool{}, map[string]bool{}, map[string]int{}
	for run := int64(1); run <= 2; run++ {
		spec := &pushSpec{acc: acc, host: "h", content: "x", msgBase: 6_000_000_000_000_000_000 + run<<32, userBase: run << 32, ts: 1_800_000_000}
		p, err := newPool(spec, 40)
		if err != nil {
			t.Fatal(err)
		}
		rng := newRand()
		for i := range 50 { // 10 past the pool: built inline
			seq, raw, err := p.take(rng)
			if err != nil {
				t.Fatal(err)
			}
			if seq != int64(i) {
				t.Fatalf("seq %d, want %d", seq, i)
			}
			m, req := openPush(t, acc, raw)
			if msgIDs[m.MsgID] || users[m.FromUserName] {
				t.Fatalf("run %d seq %d repeats MsgId %d or user %s", run, seq, m.MsgID, m.FromUserName)
			}
			msgIDs[m.MsgID], users[m.FromUserName] = true, true
			nonces[req.URL.Query().Get("nonce")]++
		}
		if got := p.inline.Load(); got != 10 {
			t.Errorf("run %d: %d built inline, want 10", run, got)
		}
	}
	if len(nonces) < 95 {
		t.Errorf("%d distinct nonces in 100 pushes", len(nonces))
	}
}

func TestOpenID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give int64
		want string
	}{
		{0, "oPushLoad0000000000000000000"},
		{42, "oPushLoad0000000000000000042"},
		{1<<62 + 5, "oPushLoad4611686018427387909"},
	}
	for _, tt := range tests {
		if got := openID(tt.give); got != tt.want {
			t.Errorf("openID(%d) = %q, want %q", tt.give, got, tt.want)
		}
	}
}
