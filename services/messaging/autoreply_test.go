package messaging_test

import (
	"testing"

	"connectrpc.com/connect"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
)

// autoReplyFixture is wechatpy's captured get_current_autoreply_info answer (shortened).
const autoReplyFixture = `{"is_add_friend_reply_open":1,"is_autoreply_open":1,
"add_friend_autoreply_info":{"type":"text","content":"Thanks for your attention!"},
"message_default_autoreply_info":{"type":"text","content":"Hello, this is autoreply!"},
"keyword_autoreply_info":{"list":[
 {"rule_name":"autoreply-news","create_time":1423028166,"reply_mode":"reply_all",
  "keyword_list_info":[{"type":"text","match_mode":"contain","content":"news测试"}],
  "reply_list_info":[{"type":"news","news_info":{"list":[{"title":"it's news","author":"jim","digest":"it's digest","show_cover":1,"cover_url":"http://mmbiz.qpic.cn/x/0","content_url":"http://mp.weixin.qq.com/s?__biz=MjM5&mid=203929886&idx=1#rd","source_url":"http://www.url.com"}]}}]},
 {"rule_name":"autoreply-voice","create_time":1423027971,"reply_mode":"random_one",
  "keyword_list_info":[{"type":"text","match_mode":"equal","content":"voice测试"}],
  "reply_list_info":[{"type":"voice","content":"NESsxgHEvAcg3egJTtYj4uG1PTL6iPhratdWKDLAXYErhN6oEEfMdVyblWtBY5vp"},{"type":"img","content":"IMG_ID"},{"type":"mystery","content":"?"}]}
]}}`

func TestGetAutoReplyInfo(t *testing.T) {
	t.Parallel()
	a := startManage(t)
	ctx := t.Context()
	off, err := a.autoReply.GetAutoReplyInfo(ctx, &messagingv1.GetAutoReplyInfoRequest{AppId: a.appID})
	if err != nil || off.GetAutoreplyOpen() || off.GetAddFriendReply() != nil || len(off.GetKeywordRules()) != 0 {
		t.Fatalf("unset auto-reply = %v, %v", off, err)
	}
	a.sb.SetAutoReplyInfo(t, a.appID, autoReplyFixture)
	got, err := a.autoReply.GetAutoReplyInfo(ctx, &messagingv1.GetAutoReplyInfoRequest{AppId: a.appID})
	if err != nil {
		t.Fatal(err)
	}
	if !got.GetAddFriendReplyOpen() || !got.GetAutoreplyOpen() ||
		got.GetAddFriendReply().GetContent() != "Thanks for your attention!" || got.GetAddFriendReply().GetType() != messagingv1.AutoReplyType_AUTO_REPLY_TYPE_TEXT ||
		got.GetDefaultReply().GetContent() != "Hello, this is autoreply!" {
		t.Errorf("switches and replies = %v", got)
	}
	rules := got.GetKeywordRules()
	if len(rules) != 2 {
		t.Fatalf("rules = %v", rules)
	}
	news := rules[0]
	if news.GetRuleName() != "autoreply-news" || news.GetCreateTime().GetSeconds() != 1423028166 ||
		news.GetReplyMode() != messagingv1.AutoReplyMode_AUTO_REPLY_MODE_REPLY_ALL ||
		news.GetKeywords()[0].GetMatchMode() != messagingv1.AutoReplyMatchMode_AUTO_REPLY_MATCH_MODE_CONTAIN ||
		news.GetKeywords()[0].GetContent() != "news测试" {
		t.Errorf("news rule = %v", news)
	}
	if art := news.GetReplies()[0].GetNews(); len(art) != 1 || art[0].GetTitle() != "it's news" || !art[0].GetShowCover() ||
		art[0].GetContentUrl() != "http://mp.weixin.qq.com/s?__biz=MjM5&mid=203929886&idx=1#rd" {
		t.Errorf("news articles = %v", art)
	}
	voice := rules[1]
	if voice.GetReplyMode() != messagingv1.AutoReplyMode_AUTO_REPLY_MODE_RANDOM_ONE ||
		voice.GetKeywords()[0].GetMatchMode() != messagingv1.AutoReplyMatchMode_AUTO_REPLY_MATCH_MODE_EQUAL ||
		voice.GetReplies()[0].GetType() != messagingv1.AutoReplyType_AUTO_REPLY_TYPE_VOICE ||
		voice.GetReplies()[1].GetType() != messagingv1.AutoReplyType_AUTO_REPLY_TYPE_IMAGE {
		t.Errorf("voice rule = %v", voice)
	}
	if unknown := voice.GetReplies()[2]; unknown.GetType() != messagingv1.AutoReplyType_AUTO_REPLY_TYPE_UNSPECIFIED || unknown.GetRawType() != "mystery" {
		t.Errorf("unknown reply type = %v", unknown)
	}
	_, err = a.autoReply.GetAutoReplyInfo(ctx, &messagingv1.GetAutoReplyInfoRequest{AppId: "wxnotconfigured"})
	wantCode(t, err, connect.CodeNotFound, "")
	_, err = a.autoReply.GetAutoReplyInfo(ctx, &messagingv1.GetAutoReplyInfoRequest{})
	wantCode(t, err, connect.CodeInvalidArgument, "app_id is required")
}
