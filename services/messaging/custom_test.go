package messaging

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/sandbox"
)

// waitWindow waits until the Sender saw an interaction of openID.
func (e *sendEnv) waitWindow(t *testing.T, openID string) *messagingv1.GetCustomMessageWindowResponse {
	t.Helper()
	var w *messagingv1.GetCustomMessageWindowResponse
	outEventually(t, "window known", func() error {
		res, err := e.custom.GetCustomMessageWindow(t.Context(), outReq(&messagingv1.GetCustomMessageWindowRequest{AppId: e.appID, Openid: openID}))
		if err != nil {
			return err
		}
		if !res.GetKnown() {
			return fmt.Errorf("not known yet")
		}
		w = res
		return nil
	})
	return w
}

func TestSendCustomMessageEveryType(t *testing.T) {
	t.Parallel()
	e := newSendEnv(t, sendEnvOpt{})
	e.sb.PushText(t, e.appID, e.user, "hello")
	w := e.waitWindow(t, e.user)
	if !w.GetOpen() || w.GetLastInteractionType() != "text" || w.GetExpireTime().AsTime().Sub(w.GetLastInteractionTime().AsTime()) != 48*time.Hour {
		t.Fatalf("window = %v", w)
	}
	msgs := []struct {
		give *messagingv1.SendCustomMessageRequest
		want string // msgtype in the inbox
	}{
		{&messagingv1.SendCustomMessageRequest{Message: &messagingv1.SendCustomMessageRequest_Text{Text: &messagingv1.CustomText{Content: "你好 <b>&</b>"}}}, "text"},
		{&messagingv1.SendCustomMessageRequest{Message: &messagingv1.SendCustomMessageRequest_Image{Image: &messagingv1.CustomMedia{MediaId: "IMG"}}}, "image"},
		{&messagingv1.SendCustomMessageRequest{Message: &messagingv1.SendCustomMessageRequest_Voice{Voice: &messagingv1.CustomMedia{MediaId: "VOICE"}}}, "voice"},
		{&messagingv1.SendCustomMessageRequest{Message: &messagingv1.SendCustomMessageRequest_Video{Video: &messagingv1.CustomVideo{MediaId: "V", ThumbMediaId: "T", Title: "t"}}}, "video"},
		{&messagingv1.SendCustomMessageRequest{Message: &messagingv1.SendCustomMessageRequest_Music{Music: &messagingv1.CustomMusic{MusicUrl: "http://m/1.mp3", ThumbMediaId: "T"}}}, "music"},
		{&messagingv1.SendCustomMessageRequest{Message: &messagingv1.SendCustomMessageRequest_News{News: &messagingv1.CustomNewsArticle{Title: "Happy Day", Url: "https://example.com/a?x=1&y=2"}}}, "news"},
		{&messagingv1.SendCustomMessageRequest{Message: &messagingv1.SendCustomMessageRequest_Mpnews{Mpnews: &messagingv1.CustomMedia{MediaId: "NEWS"}}}, "mpnews"},
		{&messagingv1.SendCustomMessageRequest{Message: &messagingv1.SendCustomMessageRequest_Mpnewsarticle{Mpnewsarticle: &messagingv1.CustomMpNewsArticle{ArticleId: "ART"}}}, "mpnewsarticle"},
		{&messagingv1.SendCustomMessageRequest{Message: &messagingv1.SendCustomMessageRequest_Msgmenu{Msgmenu: &messagingv1.CustomMsgMenu{HeadContent: "满意吗", Items: []*messagingv1.CustomMsgMenuItem{{Id: "101", Content: "满意"}, {Id: "102", Content: "不满意"}}}}}, "msgmenu"},
		{&messagingv1.SendCustomMessageRequest{Message: &messagingv1.SendCustomMessageRequest_Wxcard{Wxcard: &messagingv1.CustomWxCard{CardId: "CARD"}}}, "wxcard"},
		{&messagingv1.SendCustomMessageRequest{Message: &messagingv1.SendCustomMessageRequest_Miniprogrampage{Miniprogrampage: &messagingv1.CustomMiniProgramPage{Title: "t", Appid: "wx0123456789abcdef", Pagepath: "pages/index", ThumbMediaId: "T"}}}, "miniprogrampage"},
		{&messagingv1.SendCustomMessageRequest{KfAccount: "test1@kftest", Message: &messagingv1.SendCustomMessageRequest_Text{Text: &messagingv1.CustomText{Content: "kf"}}}, "text"},
	}
	for i, m := range msgs {
		m.give.AppId, m.give.Openid = e.appID, e.user
		client := e.custom
		if i%2 == 1 {
			client = e.customGRPC // every other one over gRPC
		}
		if _, err := client.SendCustomMessage(t.Context(), outReq(m.give)); err != nil {
			t.Fatalf("send %s: %v", m.want, err)
		}
	}
	items := e.sb.InboxChannel(t, e.appID, e.user, sandbox.ChannelCustom)
	if len(items) != len(msgs) {
		t.Fatalf("inbox holds %d custom messages, want %d", len(items), len(msgs))
	}
	for i, it := range items {
		if it.MsgType != msgs[i].want {
			t.Errorf("item %d: msgtype %s, want %s", i, it.MsgType, msgs[i].want)
		}
	}
	if !strings.Contains(items[0].Body, "你好 <b>&</b>") || !strings.Contains(items[5].Body, "x=1&y=2") {
		t.Errorf("bodies were escaped: %s / %s", items[0].Body, items[5].Body)
	}
	if !strings.Contains(items[11].Body, `"kf_account":"test1@kftest"`) {
		t.Errorf("kf_account missing: %s", items[11].Body)
	}
	// Typing.
	if _, err := e.custom.SetTyping(t.Context(), outReq(&messagingv1.SetTypingRequest{AppId: e.appID, Openid: e.user, Typing: true})); err != nil {
		t.Fatal(err)
	}
	if on, _ := e.sb.Sandbox.Typing(e.appID, e.user); !on {
		t.Error("the user does not see typing")
	}
	_, err := e.custom.SetTyping(t.Context(), outReq(&messagingv1.SetTypingRequest{AppId: e.appID, Openid: e.user, Typing: true}))
	if outWantCode(t, err, connect.CodeFailedPrecondition); outWeChatErrcode(err) != "45081" {
		t.Errorf("second Typing: errcode %q, want 45081", outWeChatErrcode(err))
	}
	if _, err := e.custom.SetTyping(t.Context(), outReq(&messagingv1.SetTypingRequest{AppId: e.appID, Openid: e.user})); err != nil {
		t.Fatal(err)
	}
}

func TestSendCustomMessageWindow(t *testing.T) {
	t.Parallel()
	e := newSendEnv(t, sendEnvOpt{})
	text := func(openID string) *messagingv1.SendCustomMessageRequest {
		return &messagingv1.SendCustomMessageRequest{AppId: e.appID, Openid: openID,
			Message: &messagingv1.SendCustomMessageRequest_Text{Text: &messagingv1.CustomText{Content: "hi"}}}
	}
	// Unknown window: the platform decides, and its 45015 maps with its detail.
	_, err := e.custom.SendCustomMessage(t.Context(), outReq(text(e.user)))
	outWantCode(t, err, connect.CodeFailedPrecondition)
	if got := outWeChatErrcode(err); got != "45015" {
		t.Fatalf("errcode detail = %q, want 45015", got)
	}
	// Known and open.
	e.sb.PushEvent(t, e.appID, e.user, sandbox.Event{Event: "CLICK", EventKey: "menu"})
	e.waitWindow(t, e.user)
	if _, err := e.custom.SendCustomMessage(t.Context(), outReq(text(e.user))); err != nil {
		t.Fatal(err)
	}
	// Known and expired: refused before the call.
	e.clock.advance(48*time.Hour + time.Second)
	before := e.calls("/cgi-bin/message/custom/send")
	_, err = e.custom.SendCustomMessage(t.Context(), outReq(text(e.user)))
	ce := outWantCode(t, err, connect.CodeFailedPrecondition)
	if !strings.Contains(ce.Message(), "outside the customer-service window") || outWeChatErrcode(err) != "" {
		t.Errorf("refusal = %v", ce)
	}
	if n := e.calls("/cgi-bin/message/custom/send"); n != before {
		t.Errorf("a refused message reached the platform (%d calls, want %d)", n, before)
	}
	// Unfollowed: refused.
	e.clock.advance(-48*time.Hour - time.Second)
	e.sb.PushEvent(t, e.appID, e.user, sandbox.Event{Event: "unsubscribe"})
	outEventually(t, "unsubscribe seen", func() error {
		_, err := e.custom.SendCustomMessage(t.Context(), outReq(text(e.user)))
		if err == nil || !strings.Contains(err.Error(), "unfollowed") {
			return fmt.Errorf("err = %v", err)
		}
		return nil
	})
}

func TestSendCustomMessageBadInput(t *testing.T) {
	t.Parallel()
	e := newSendEnv(t, sendEnvOpt{})
	e.sb.PushText(t, e.appID, e.user, "hello")
	e.waitWindow(t, e.user)
	tests := []struct {
		name      string
		give      *messagingv1.SendCustomMessageRequest
		wantField string
	}{
		{"no message", &messagingv1.SendCustomMessageRequest{}, "message"},
		{"empty text", &messagingv1.SendCustomMessageRequest{Message: &messagingv1.SendCustomMessageRequest_Text{Text: &messagingv1.CustomText{Content: " "}}}, "text.content"},
		{"long text", &messagingv1.SendCustomMessageRequest{Message: &messagingv1.SendCustomMessageRequest_Text{Text: &messagingv1.CustomText{Content: strings.Repeat("长", 683)}}}, "text.content"},
		{"no media", &messagingv1.SendCustomMessageRequest{Message: &messagingv1.SendCustomMessageRequest_Image{Image: &messagingv1.CustomMedia{}}}, "image.media_id"},
		{"news url", &messagingv1.SendCustomMessageRequest{Message: &messagingv1.SendCustomMessageRequest_News{News: &messagingv1.CustomNewsArticle{Title: "t", Url: "ftp://x"}}}, "news.url"},
		{"menu item", &messagingv1.SendCustomMessageRequest{Message: &messagingv1.SendCustomMessageRequest_Msgmenu{Msgmenu: &messagingv1.CustomMsgMenu{Items: []*messagingv1.CustomMsgMenuItem{{Id: "1", Content: "a"}, {Id: "", Content: "b"}}}}}, "msgmenu.items[1].id"},
		{"weapp appid", &messagingv1.SendCustomMessageRequest{Message: &messagingv1.SendCustomMessageRequest_Miniprogrampage{Miniprogrampage: &messagingv1.CustomMiniProgramPage{Title: "t", Appid: "nope", Pagepath: "p", ThumbMediaId: "T"}}}, "miniprogrampage.appid"},
		{"kf account", &messagingv1.SendCustomMessageRequest{KfAccount: "nobody", Message: &messagingv1.SendCustomMessageRequest_Text{Text: &messagingv1.CustomText{Content: "x"}}}, "kf_account"},
		{"bad openid", &messagingv1.SendCustomMessageRequest{Openid: "o pen", Message: &messagingv1.SendCustomMessageRequest_Text{Text: &messagingv1.CustomText{Content: "x"}}}, "openid"},
	}
	before := e.calls("/cgi-bin/message/custom/send")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.give.AppId = e.appID
			if tt.give.Openid == "" {
				tt.give.Openid = e.user
			}
			_, err := e.custom.SendCustomMessage(t.Context(), outReq(tt.give))
			ce := outWantCode(t, err, connect.CodeInvalidArgument)
			if !strings.HasPrefix(ce.Message(), tt.wantField+" ") {
				t.Errorf("message %q does not start with the field %s", ce.Message(), tt.wantField)
			}
		})
	}
	if n := e.calls("/cgi-bin/message/custom/send"); n != before {
		t.Errorf("bad input reached the platform: %d calls, want %d", n, before)
	}
	_, err := e.custom.SendCustomMessage(t.Context(), outReq(&messagingv1.SendCustomMessageRequest{AppId: "wxnotconfigured", Openid: e.user,
		Message: &messagingv1.SendCustomMessageRequest_Text{Text: &messagingv1.CustomText{Content: "x"}}}))
	outWantCode(t, err, connect.CodeNotFound)
}

func TestSendCustomMessageResponseCount(t *testing.T) {
	t.Parallel()
	e := newSendEnv(t, sendEnvOpt{})
	e.sb.SetOutboundSettings(t, e.appID, sandbox.OutboundSettings{EnforceResponseCounts: true})
	e.sb.PushText(t, e.appID, e.user, "hello")
	e.waitWindow(t, e.user)
	msg := &messagingv1.SendCustomMessageRequest{AppId: e.appID, Openid: e.user,
		Message: &messagingv1.SendCustomMessageRequest_Text{Text: &messagingv1.CustomText{Content: "reply"}}}
	for range 5 {
		if _, err := e.custom.SendCustomMessage(t.Context(), msg); err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.custom.SendCustomMessage(t.Context(), msg)
	outWantCode(t, err, connect.CodeResourceExhausted)
	if outWeChatErrcode(err) != "45047" {
		t.Errorf("6th message: %v", err)
	}
}
