package messaging

// This file reads the console auto-reply configuration (get_current_autoreply_info,
// behaviour.md §2.6) into typed messages.

import (
	"context"
	"fmt"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// AutoReplies reads auto-reply configurations through the shared WeChat client.
type AutoReplies struct {
	wx       *wechat.Client
	accounts config.Accounts
}

// NewAutoReplies returns the auto-reply reader for the configured accounts.
func NewAutoReplies(wx *wechat.Client, accounts config.Accounts) *AutoReplies {
	return &AutoReplies{wx: wx, accounts: accounts}
}

var autoReplyTypes = map[string]messagingv1.AutoReplyType{
	"text":  messagingv1.AutoReplyType_AUTO_REPLY_TYPE_TEXT,
	"img":   messagingv1.AutoReplyType_AUTO_REPLY_TYPE_IMAGE,
	"voice": messagingv1.AutoReplyType_AUTO_REPLY_TYPE_VOICE,
	"video": messagingv1.AutoReplyType_AUTO_REPLY_TYPE_VIDEO,
	"news":  messagingv1.AutoReplyType_AUTO_REPLY_TYPE_NEWS,
}

var autoReplyMatchModes = map[string]messagingv1.AutoReplyMatchMode{
	"contain": messagingv1.AutoReplyMatchMode_AUTO_REPLY_MATCH_MODE_CONTAIN,
	"equal":   messagingv1.AutoReplyMatchMode_AUTO_REPLY_MATCH_MODE_EQUAL,
}

var autoReplyModes = map[string]messagingv1.AutoReplyMode{
	"reply_all":  messagingv1.AutoReplyMode_AUTO_REPLY_MODE_REPLY_ALL,
	"random_one": messagingv1.AutoReplyMode_AUTO_REPLY_MODE_RANDOM_ONE,
}

// wxAutoReply is a reply in the platform's JSON shape.
type wxAutoReply struct {
	Type     string `json:"type"`
	Content  string `json:"content"`
	NewsInfo struct {
		List []wxNewsArticle `json:"list"`
	} `json:"news_info"`
}

func (r *wxAutoReply) typed() *messagingv1.AutoReplyMessage {
	if r == nil || (r.Type == "" && r.Content == "") {
		return nil
	}
	m := &messagingv1.AutoReplyMessage{Type: autoReplyTypes[r.Type], RawType: r.Type, Content: r.Content}
	for _, a := range r.NewsInfo.List {
		m.News = append(m.News, &messagingv1.AutoReplyNewsArticle{
			Title: a.Title, Author: a.Author, Digest: a.Digest, ShowCover: a.ShowCover != 0,
			CoverUrl: a.CoverURL, ContentUrl: a.ContentURL, SourceUrl: a.SourceURL,
		})
	}
	return m
}

// wxAutoReplyInfo is the answer of get_current_autoreply_info.
type wxAutoReplyInfo struct {
	IsAddFriendReplyOpen        int          `json:"is_add_friend_reply_open"`
	IsAutoreplyOpen             int          `json:"is_autoreply_open"`
	AddFriendAutoreplyInfo      *wxAutoReply `json:"add_friend_autoreply_info"`
	MessageDefaultAutoreplyInfo *wxAutoReply `json:"message_default_autoreply_info"`
	KeywordAutoreplyInfo        struct {
		List []struct {
			RuleName        string `json:"rule_name"`
			CreateTime      int64  `json:"create_time"`
			ReplyMode       string `json:"reply_mode"`
			KeywordListInfo []struct {
				Type      string `json:"type"`
				MatchMode string `json:"match_mode"`
				Content   string `json:"content"`
			} `json:"keyword_list_info"`
			ReplyListInfo []wxAutoReply `json:"reply_list_info"`
		} `json:"list"`
	} `json:"keyword_autoreply_info"`
}

// typed maps the platform's nested JSON to the typed response.
func (w *wxAutoReplyInfo) typed() *messagingv1.GetAutoReplyInfoResponse {
	out := &messagingv1.GetAutoReplyInfoResponse{
		AddFriendReplyOpen: w.IsAddFriendReplyOpen != 0,
		AutoreplyOpen:      w.IsAutoreplyOpen != 0,
		AddFriendReply:     w.AddFriendAutoreplyInfo.typed(),
		DefaultReply:       w.MessageDefaultAutoreplyInfo.typed(),
	}
	for _, r := range w.KeywordAutoreplyInfo.List {
		rule := &messagingv1.AutoReplyKeywordRule{
			RuleName: r.RuleName, CreateTime: kfUnixTime(r.CreateTime), ReplyMode: autoReplyModes[r.ReplyMode],
		}
		for _, k := range r.KeywordListInfo {
			rule.Keywords = append(rule.Keywords, &messagingv1.AutoReplyKeyword{
				Type: autoReplyTypes[k.Type], MatchMode: autoReplyMatchModes[k.MatchMode], Content: k.Content,
			})
		}
		for i := range r.ReplyListInfo {
			if m := r.ReplyListInfo[i].typed(); m != nil {
				rule.Replies = append(rule.Replies, m)
			}
		}
		out.KeywordRules = append(out.KeywordRules, rule)
	}
	return out
}

// Get reads the account's console auto-reply configuration.
func (s *AutoReplies) Get(ctx context.Context, appID string) (*messagingv1.GetAutoReplyInfoResponse, error) {
	if err := checkManage(s.wx, s.accounts, appID); err != nil {
		return nil, err
	}
	var out wxAutoReplyInfo
	if err := s.wx.Do(ctx, &wechat.Request{AppID: appID, Path: "/cgi-bin/get_current_autoreply_info"}, &out); err != nil {
		return nil, fmt.Errorf("get auto-reply info: %w", err)
	}
	return out.typed(), nil
}
