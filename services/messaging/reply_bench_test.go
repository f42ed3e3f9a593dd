package messaging

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wxcrypto"
)

// BenchmarkCallbackRuleReply measures the callback hot path in process (no network):
// signature checks, AES decryption (safe), parsing, the accept script (dedup + XADD on
// real Redis: one round trip), the keyword rule reply, its encryption (safe) and the
// recorded answer (a second round trip). Every push has a new MsgId and sender; the
// requests are built before the timer starts. "none" has no rules: "success".
func BenchmarkCallbackRuleReply(b *testing.B) {
	for _, bc := range []struct {
		name  string
		safe  bool
		rules bool
	}{{"safe_rule", true, true}, {"safe_none", true, false}, {"plain_rule", false, true}} {
		b.Run(bc.name, func(b *testing.B) {
			acc := config.Account{}
			if bc.safe {
				acc.EncodingAESKey = config.NewSecret(testKey)
			}
			e := newEnv(b, envOpt{account: acc})
			if bc.rules {
				if _, err := e.s.SetReplyRules(context.Background(), e.appID, &messagingv1.ReplyRules{
					KeywordRules: []*messagingv1.KeywordRule{kw(contains, "hello", false, "你好，this is wxsuite")}}); err != nil {
					b.Fatal(err)
				}
			}
			c, _ := wxcrypto.NewCipher(testKey, e.appID)
			base := time.Now().UnixNano() % 1e15
			type push struct{ query, body string }
			pushes := make([]push, b.N)
			for i := range pushes {
				msg := fmt.Sprintf(`<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[oBench%d]]></FromUserName><CreateTime>%d</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello %d]]></Content><MsgId>%d</MsgId></xml>`,
					i, time.Now().Unix(), i, base+int64(i))
				ts, nonce := fmt.Sprint(time.Now().Unix()), fmt.Sprint(i)
				p := push{query: "timestamp=" + ts + "&nonce=" + nonce + "&signature=" + wxcrypto.URLSignature(e.token, ts, nonce), body: msg}
				if bc.safe {
					enc, _ := c.Encrypt([]byte(msg), nil)
					p.query += "&encrypt_type=aes&msg_signature=" + wxcrypto.MsgSignature(e.token, ts, nonce, enc)
					p.body = "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>"
				}
				pushes[i] = p
			}
			handler := e.s.CallbackHandler()
			var next atomic.Int64
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					p := pushes[next.Add(1)-1]
					req := httptest.NewRequest(http.MethodPost, "/wechat/callback/"+e.appID+"?"+p.query, strings.NewReader(p.body))
					req.SetPathValue("app_id", e.appID)
					w := httptest.NewRecorder()
					handler.ServeHTTP(w, req)
					if w.Code != 200 || (bc.rules != strings.HasPrefix(w.Body.String(), "<xml>")) {
						b.Fatalf("answer %d %q", w.Code, w.Body.String())
					}
				}
			})
		})
	}
}

// BenchmarkRuleReplyCPU measures what a rule reply adds to a push, without Redis: rule
// matching, rendering the reply XML and sealing it for safe mode.
func BenchmarkRuleReplyCPU(b *testing.B) {
	rules, err := compileRules(&messagingv1.ReplyRules{
		KeywordRules: []*messagingv1.KeywordRule{kw(exact, "menu", false, "x"), kw(regex, `^order\s+\d+$`, true, "y"),
			kw(contains, "hello", false, "你好，this is wxsuite")},
		DefaultReply: textReply("default")})
	if err != nil {
		b.Fatal(err)
	}
	e := newEnv(b, envOpt{account: config.Account{EncodingAESKey: config.NewSecret(testKey)}})
	acc := e.s.accounts[e.appID]
	ev := &messagingv1.Event{MsgType: "text", FromUserName: "oBenchUser0000000000000000", ToUserName: "gh_bench",
		Payload: &messagingv1.Event_Text{Text: &messagingv1.TextMessage{Content: "well hello there"}}}
	for _, sealed := range []bool{false, true} {
		b.Run(fmt.Sprintf("sealed=%v", sealed), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				t, _ := rules.match(ev)
				out := e.s.renderReply(ev, t.body)
				if sealed {
					out = e.s.sealAnswer(acc, acc.keyring.Current(), out)
				}
				if len(out) == 0 {
					b.Fatal("no reply")
				}
			}
		})
	}
}
