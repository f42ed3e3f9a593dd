package messaging

import (
	"testing"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

// TestSandboxPushesEveryMode sends real pushes from the sandbox — an independent
// implementation of WeChat's side, with its own crypto — to the callback endpoint in each
// encryption mode, and checks that they are accepted, typed and stored once.
func TestSandboxPushesEveryMode(t *testing.T) {
	t.Parallel()
	const aesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	for _, mode := range []sandbox.EncryptMode{sandbox.EncryptPlain, sandbox.EncryptCompatible, sandbox.EncryptSafe} {
		t.Run(mode.String(), func(t *testing.T) {
			t.Parallel()
			appID := "wxs" + randomHex(6)
			e := newEnv(t, envOpt{account: config.Account{AppID: appID, EncodingAESKey: config.NewSecret(aesKey)}})
			sb := sandboxtest.Start(t, sandbox.Account{AppID: appID, AppSecret: "secret"})
			sb.SetCallback(t, appID, e.srv.URL+"/wechat/callback/"+appID, e.token, aesKey, mode)
			user := sb.AddUser(t, appID, sandbox.User{Nickname: "push"})

			text := sb.PushText(t, appID, user.OpenID, "你好 <wxsuite> & ]]>")
			sub := sb.PushEvent(t, appID, user.OpenID, sandbox.Event{Event: "subscribe", EventKey: "qrscene_42", Fields: map[string]string{"Ticket": "TICKET1"}})
			for _, r := range []sandbox.PushResult{text, sub} {
				if !r.Delivered || r.Attempts != 1 || r.InvalidReason != "" {
					t.Fatalf("push: delivered=%v attempts=%d invalid=%q", r.Delivered, r.Attempts, r.InvalidReason)
				}
			}
			evs := e.events(t)
			if len(evs) != 2 {
				t.Fatalf("stored %d events, want 2", len(evs))
			}
			if got := evs[0].GetText().GetContent(); got != "你好 <wxsuite> & ]]>" {
				t.Errorf("text content = %q", got)
			}
			if s := evs[1].GetSubscribe(); s.GetScene() != "42" || s.GetTicket() != "TICKET1" {
				t.Errorf("subscribe = %v", s)
			}
			if inbox := sb.Inbox(t, appID, user.OpenID); inbox.InvalidReplies != 0 {
				t.Errorf("the sandbox counted %d invalid answers: %s", inbox.InvalidReplies, inbox.LastInvalidReason)
			}
		})
	}
}
