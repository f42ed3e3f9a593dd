package main

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxsuite/wxsuite/internal/wxcrypto"
)

// fakeGateway answers pushes the way a safe-mode callback server does: it checks the
// signatures, decrypts, counts distinct MsgIds, and answers with answer(message).
type fakeGateway struct {
	acc    *account
	answer func(w http.ResponseWriter, m pushedText, q map[string]string)

	mu      sync.Mutex
	msgIDs  map[int64]bool
	refused int
}

func (g *fakeGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	body, _ := io.ReadAll(r.Body)
	env, err := wxcrypto.ParseEnvelope(body)
	ok := err == nil && wxcrypto.VerifyURLSignature(g.acc.token, q.Get("timestamp"), q.Get("nonce"), q.Get("signature")) &&
		wxcrypto.VerifyMsgSignature(g.acc.token, q.Get("timestamp"), q.Get("nonce"), env.Encrypt, q.Get("msg_signature"))
	var m pushedText
	if ok {
		plain, _, err := g.acc.cipher.Decrypt(env.Encrypt)
		ok = err == nil && xml.Unmarshal(plain, &m) == nil
	}
	g.mu.Lock()
	if !ok || g.msgIDs[m.MsgID] {
		g.refused++
		g.mu.Unlock()
		http.Error(w, "refused", http.StatusBadRequest)
		return
	}
	g.msgIDs[m.MsgID] = true
	g.mu.Unlock()
	g.answer(w, m, map[string]string{"timestamp": q.Get("timestamp"), "nonce": q.Get("nonce")})
}

func (g *fakeGateway) counts() (int, int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.msgIDs), g.refused
}

// textReply encrypts the passive text reply content to m's sender, as a gateway does.
func encryptedText(t *testing.T, acc *account, m pushedText, content string) []byte {
	reply := "<xml><ToUserName>" + wxcrypto.CDATA(m.FromUserName) + "</ToUserName><FromUserName>" + wxcrypto.CDATA(m.ToUserName) +
		"</FromUserName><CreateTime>" + strconv.FormatInt(m.CreateTime, 10) + "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>" +
		wxcrypto.CDATA(content) + "</Content></xml>"
	out, err := acc.cipher.EncryptReply(acc.token, []byte(reply), 1_800_000_000, "123", nil)
	if err != nil {
		t.Error(err)
	}
	return out
}

func TestRunLoadCountsWhatTheServerHandled(t *testing.T) {
	t.Parallel()
	acc := testAccount(t)
	tests := []struct {
		name       string
		want       string // what the check expects
		answer     func(t *testing.T, w http.ResponseWriter, m pushedText)
		wantErrors string // the error kind every push gets; "" for none
	}{
		{name: "success", want: answerSuccess,
			answer: func(_ *testing.T, w http.ResponseWriter, _ pushedText) { _, _ = io.WriteString(w, "success") }},
		{name: "encrypted text reply", want: answerEncrypted,
			answer: func(t *testing.T, w http.ResponseWriter, m pushedText) {
				_, _ = w.Write(encryptedText(t, acc, m, "the reply"))
			}},
		{name: "empty instead of success", want: answerSuccess, wantErrors: "bad reply",
			answer: func(_ *testing.T, _ http.ResponseWriter, _ pushedText) {}},
		{name: "wrong reply text", want: answerEncrypted, wantErrors: "bad reply",
			answer: func(t *testing.T, w http.ResponseWriter, m pushedText) {
				_, _ = w.Write(encryptedText(t, acc, m, "other"))
			}},
		{name: "HTTP 503", want: answerSuccess, wantErrors: "HTTP 503",
			answer: func(_ *testing.T, w http.ResponseWriter, _ pushedText) { http.Error(w, "busy", 503) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := &fakeGateway{acc: acc, msgIDs: map[int64]bool{},
				answer: func(w http.ResponseWriter, m pushedText, _ map[string]string) { tt.answer(t, w, m) }}
			srv := httptest.NewServer(g)
			defer srv.Close()
			addr := strings.TrimPrefix(srv.URL, "http://")
			spec := &pushSpec{acc: acc, host: addr, content: "price", msgBase: 6e18, userBase: 1 << 32, ts: time.Now().Unix()}
			p, err := newPool(spec, 200) // fewer than the run sends: the rest are built inline
			if err != nil {
				t.Fatal(err)
			}
			var windows []bool
			res, err := runLoad(context.Background(), &loadSpec{
				addr: addr, conns: 4, warmup: 20 * time.Millisecond, d: 200 * time.Millisecond, timeout: 5 * time.Second,
				pool: p, check: &replyCheck{want: tt.want, acc: acc, reply: "the reply", spec: spec, every: 1},
				onWindow: func(open bool) { windows = append(windows, open) },
			})
			if err != nil {
				t.Fatal(err)
			}
			handled, refused := g.counts()
			if refused != 0 {
				t.Fatalf("the gateway refused %d pushes", refused)
			}
			if int64(handled) != p.taken() {
				t.Errorf("gateway handled %d pushes, pool handed out %d", handled, p.taken())
			}
			if len(windows) != 2 || !windows[0] || windows[1] {
				t.Errorf("onWindow calls %v, want [true false]", windows)
			}
			if tt.wantErrors == "" {
				if res.errorCount() != 0 || res.Sent != int64(handled) {
					t.Fatalf("errors %v (%s), sent %d, handled %d", res.Errors, res.FirstError, res.Sent, handled)
				}
				if len(res.Latencies) == 0 || int64(len(res.Latencies)) > res.Sent {
					t.Errorf("%d latencies for %d pushes", len(res.Latencies), res.Sent)
				}
				return
			}
			if res.Sent != 0 || res.Errors[tt.wantErrors] != int64(handled) || len(res.Latencies) != 0 {
				t.Errorf("sent %d, errors %v (want %d %q), %d latencies", res.Sent, res.Errors, handled, tt.wantErrors, len(res.Latencies))
			}
			if res.FirstError == "" {
				t.Error("no first error quoted")
			}
		})
	}
}

func TestRunLoadReconnectsWhenTheServerCloses(t *testing.T) {
	t.Parallel()
	acc := testAccount(t)
	g := &fakeGateway{acc: acc, msgIDs: map[int64]bool{}, answer: func(w http.ResponseWriter, _ pushedText, _ map[string]string) {
		w.Header().Set("Connection", "close")
		_, _ = io.WriteString(w, "success")
	}}
	srv := httptest.NewServer(g)
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	spec := &pushSpec{acc: acc, host: addr, content: "price", msgBase: 6e18, ts: time.Now().Unix()}
	p, err := newPool(spec, 10)
	if err != nil {
		t.Fatal(err)
	}
	res, err := runLoad(context.Background(), &loadSpec{addr: addr, conns: 2, d: 100 * time.Millisecond, timeout: 5 * time.Second,
		pool: p, check: &replyCheck{want: answerSuccess, acc: acc, spec: spec}})
	if err != nil {
		t.Fatal(err)
	}
	handled, _ := g.counts()
	if res.errorCount() != 0 || res.Sent != int64(handled) || res.Sent < 2 {
		t.Fatalf("errors %v (%s), sent %d, handled %d", res.Errors, res.FirstError, res.Sent, handled)
	}
	if res.Reconnects < res.Sent-2 {
		t.Errorf("%d reconnects for %d pushes on 2 connections closed after each", res.Reconnects, res.Sent)
	}
}

func TestRunLoadFailsFastWithoutServer(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := strings.TrimPrefix(srv.URL, "http://")
	srv.Close()
	acc := testAccount(t)
	spec := &pushSpec{acc: acc, host: addr, content: "x"}
	p, err := newPool(spec, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runLoad(context.Background(), &loadSpec{addr: addr, conns: 2, d: time.Second, timeout: time.Second,
		pool: p, check: &replyCheck{want: answerSuccess, acc: acc, spec: spec}}); err == nil {
		t.Fatal("runLoad against a closed port: no error")
	}
}
