package sandbox_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

func TestPushAnswerValidation(t *testing.T) {
	t.Parallel()
	text := func(acc sandbox.Account) string {
		return replyXML(acc, pusher, "text", "<Content><![CDATA[hi]]></Content>")
	}
	tests := []struct {
		name       string
		mode       sandbox.EncryptMode
		status     int
		body       func(t *testing.T, acc sandbox.Account) string
		wantReply  bool   // a passive reply reached the inbox
		wantReason string // "" means valid
	}{
		{"success", sandbox.EncryptPlain, 200, func(*testing.T, sandbox.Account) string { return "success" }, false, ""},
		{"empty", sandbox.EncryptSafe, 200, func(*testing.T, sandbox.Account) string { return "" }, false, ""},
		{"success with newline", sandbox.EncryptPlain, 200, func(*testing.T, sandbox.Account) string { return "success\n" }, false, "not XML"},
		{"text reply", sandbox.EncryptPlain, 200, func(_ *testing.T, a sandbox.Account) string { return text(a) }, true, ""},
		{"text reply, compatible", sandbox.EncryptCompatible, 200, func(_ *testing.T, a sandbox.Account) string { return text(a) }, true, ""},
		{"encrypted reply, compatible", sandbox.EncryptCompatible, 200, func(t *testing.T, a sandbox.Account) string { return encryptReply(t, a, text(a), cbToken) }, true, ""},
		{"encrypted reply, safe", sandbox.EncryptSafe, 200, func(t *testing.T, a sandbox.Account) string { return encryptReply(t, a, text(a), cbToken) }, true, ""},
		{"plaintext reply, safe", sandbox.EncryptSafe, 200, func(_ *testing.T, a sandbox.Account) string { return text(a) }, false, "not the encrypted envelope"},
		{"bad MsgSignature, safe", sandbox.EncryptSafe, 200, func(t *testing.T, a sandbox.Account) string { return encryptReply(t, a, text(a), "otherToken") }, false, "bad MsgSignature"},
		{"encrypted reply, plain", sandbox.EncryptPlain, 200, func(t *testing.T, a sandbox.Account) string { return encryptReply(t, a, text(a), cbToken) }, false, "ToUserName"},
		{"wrong ToUserName", sandbox.EncryptPlain, 200, func(_ *testing.T, a sandbox.Account) string {
			return replyXML(a, "oSomeoneElse", "text", "<Content>hi</Content>")
		}, false, "ToUserName"},
		{"wrong FromUserName", sandbox.EncryptPlain, 200, func(_ *testing.T, a sandbox.Account) string {
			a.OriginalID = "gh_000000000000"
			return replyXML(a, pusher, "text", "<Content>hi</Content>")
		}, false, "FromUserName"},
		{"JSON", sandbox.EncryptPlain, 200, func(*testing.T, sandbox.Account) string { return `{"errcode":0}` }, false, "not XML"},
		{"HTTP 500", sandbox.EncryptPlain, 500, func(*testing.T, sandbox.Account) string { return "success" }, false, "HTTP status 500"},
		{"unknown MsgType", sandbox.EncryptPlain, 200, func(_ *testing.T, a sandbox.Account) string { return replyXML(a, pusher, "location", "") }, false, "MsgType"},
		{"text without Content", sandbox.EncryptPlain, 200, func(_ *testing.T, a sandbox.Account) string { return replyXML(a, pusher, "text", "") }, false, "Content"},
		{"image reply", sandbox.EncryptPlain, 200, func(_ *testing.T, a sandbox.Account) string {
			return replyXML(a, pusher, "image", "<Image><MediaId><![CDATA[m1]]></MediaId></Image>")
		}, true, ""},
		{"image without MediaId", sandbox.EncryptPlain, 200, func(_ *testing.T, a sandbox.Account) string { return replyXML(a, pusher, "image", "<Image/>") }, false, "Image/MediaId"},
		{"news reply", sandbox.EncryptPlain, 200, func(_ *testing.T, a sandbox.Account) string {
			return replyXML(a, pusher, "news", "<ArticleCount>1</ArticleCount><Articles><item><Title><![CDATA[t]]></Title><Url><![CDATA[https://e.example/]]></Url></item></Articles>")
		}, true, ""},
		{"news with 9 articles", sandbox.EncryptPlain, 200, func(_ *testing.T, a sandbox.Account) string {
			return replyXML(a, pusher, "news", "<ArticleCount>9</ArticleCount><Articles>"+strings.Repeat("<item><Title>t</Title></item>", 9)+"</Articles>")
		}, false, "ArticleCount"},
		{"news count mismatch", sandbox.EncryptPlain, 200, func(_ *testing.T, a sandbox.Account) string {
			return replyXML(a, pusher, "news", "<ArticleCount>2</ArticleCount><Articles><item><Title>t</Title></item></Articles>")
		}, false, "ArticleCount"},
		{"transfer_customer_service", sandbox.EncryptPlain, 200, func(_ *testing.T, a sandbox.Account) string {
			return replyXML(a, pusher, "transfer_customer_service", "")
		}, true, ""},
		{"music without ThumbMediaId", sandbox.EncryptPlain, 200, func(_ *testing.T, a sandbox.Account) string {
			return replyXML(a, pusher, "music", "<Music><Title>t</Title></Music>")
		}, false, "ThumbMediaId"},
		{"two documents", sandbox.EncryptPlain, 200, func(_ *testing.T, a sandbox.Account) string { return text(a) + text(a) }, false, "not XML"},
		{"wrong root", sandbox.EncryptPlain, 200, func(*testing.T, sandbox.Account) string { return "<reply><MsgType>text</MsgType></reply>" }, false, "root"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var acc sandbox.Account
			ready := make(chan struct{})
			env, _, a := startPush(t, sandbox.Options{}, tt.mode, func(int, received) (int, string) {
				<-ready
				return tt.status, tt.body(t, acc)
			})
			acc = a
			close(ready)
			res := env.PushText(t, sandboxtest.DemoAppID, pusher, "hello")
			in := env.Inbox(t, sandboxtest.DemoAppID, pusher)
			if res.Attempts != 1 {
				t.Errorf("attempts = %d", res.Attempts)
			}
			if tt.wantReason == "" {
				if !res.Delivered || res.InvalidReason != "" || in.InvalidReplies != 0 {
					t.Fatalf("result %+v, inbox %+v; want valid", res, in)
				}
			} else if res.Delivered || !strings.Contains(res.InvalidReason, tt.wantReason) || in.InvalidReplies != 1 || in.LastInvalidReason != res.InvalidReason {
				t.Fatalf("result %+v, inbox %+v; want invalid with %q", res, in, tt.wantReason)
			}
			if !tt.wantReply {
				if res.ReplyXML != "" || len(in.Items) != 0 {
					t.Errorf("reply %q, inbox %+v; want none", res.ReplyXML, in.Items)
				}
				return
			}
			if len(in.Items) != 1 || in.Items[0].Body != res.ReplyXML || in.Items[0].Channel != sandbox.ChannelPassiveReply ||
				!in.Items[0].Time.Equal(start) || !strings.HasPrefix(res.ReplyXML, "<xml><ToUserName><![CDATA["+pusher) || in.Items[0].MsgType != res.ReplyMsgType || res.ReplyMsgType == "" {
				t.Fatalf("result %+v, inbox %+v", res, in)
			}
		})
	}
}

func TestInbox(t *testing.T) {
	t.Parallel()
	var acc sandbox.Account
	ready := make(chan struct{})
	env, _, a := startPush(t, sandbox.Options{}, sandbox.EncryptSafe, func(n int, r received) (int, string) {
		<-ready
		if n == 2 {
			return 200, "<html>oops</html>"
		}
		to := pusher
		if strings.Contains(r.Plain, "oNewFollower") {
			to = "oNewFollower"
		}
		return 200, encryptReply(t, acc, replyXML(acc, to, "text", "<Content><![CDATA[reply]]></Content>"), cbToken)
	})
	acc = a
	close(ready)
	env.PushText(t, sandboxtest.DemoAppID, pusher, "one")
	env.PushText(t, sandboxtest.DemoAppID, pusher, "two")
	env.Sandbox.Advance(time.Minute)
	env.PushEvent(t, sandboxtest.DemoAppID, pusher, sandbox.Event{Event: "CLICK", EventKey: "K"})
	in := env.Inbox(t, sandboxtest.DemoAppID, pusher)
	if len(in.Items) != 2 || in.InvalidReplies != 1 || !in.Items[1].Time.Equal(start.Add(time.Minute)) || !strings.Contains(in.LastInvalidReason, "root element <html>") {
		t.Fatalf("inbox %+v", in)
	}

	// Over the admin API.
	ctx := context.Background()
	list, err := env.Admin.ListInbox(ctx, &sandboxv1.ListInboxRequest{AppId: sandboxtest.DemoAppID, Openid: pusher})
	if err != nil || len(list.GetItems()) != 2 || list.GetInvalidReplies() != 1 || list.GetItems()[0].GetChannel() != "passive_reply" ||
		list.GetItems()[0].GetMsgType() != "text" || list.GetItems()[0].GetBody() != in.Items[0].Body || !list.GetItems()[0].GetTime().AsTime().Equal(start) {
		t.Fatalf("ListInbox = %v, %v", list, err)
	}

	// An event of an openid the sandbox does not know gets an inbox.
	if _, err := env.Sandbox.Inbox(sandboxtest.DemoAppID, "oNewFollower"); !errors.Is(err, sandbox.ErrUnknownUser) {
		t.Fatalf("Inbox of a stranger: %v", err)
	}
	env.PushEvent(t, sandboxtest.DemoAppID, "oNewFollower", sandbox.Event{Event: "subscribe"})
	if in := env.Inbox(t, sandboxtest.DemoAppID, "oNewFollower"); len(in.Items) != 1 {
		t.Fatalf("new follower's inbox %+v", in)
	}

	// A known user with nothing yet has an empty inbox; deleting the user drops theirs.
	env.AddUser(t, sandboxtest.DemoAppID, sandbox.User{OpenID: "oBob"})
	if in := env.Inbox(t, sandboxtest.DemoAppID, "oBob"); len(in.Items) != 0 || in.InvalidReplies != 0 {
		t.Fatalf("empty inbox %+v", in)
	}
	if err := env.Sandbox.DeleteUser(sandboxtest.DemoAppID, pusher); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Admin.ListInbox(ctx, &sandboxv1.ListInboxRequest{AppId: sandboxtest.DemoAppID, Openid: pusher}); connect.CodeOf(err) != connect.CodeNotFound {
		t.Fatalf("ListInbox of a deleted user: %v", err)
	}
	if _, err := env.Admin.ListInbox(ctx, &sandboxv1.ListInboxRequest{AppId: "wxnope"}); connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Fatalf("ListInbox without openid: %v", err)
	}
}
