package messaging

import (
	"context"
	"time"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// lateSendTimeout bounds the custom/send call of one late reply.
const lateSendTimeout = 15 * time.Second

// lateReplySendPath is the customer-service message endpoint (facts §6.3).
const lateReplySendPath = "/cgi-bin/message/custom/send"

// Outcomes of a late reply (the outcome label of wxsuite_callback_late_replies_total).
const (
	lateDelivered     = "delivered"
	lateFailed        = "failed"
	lateDisabled      = "disabled"
	lateNoReply       = "no_reply"
	lateHandlerError  = "handler_error"
	lateInvalid       = "invalid"
	lateUndeliverable = "undeliverable"
	lateNoClient      = "no_client"
)

// lateReplyMessage is the custom/send body of a late reply (facts §6.3: lowercase keys,
// one object named after msgtype).
type lateReplyMessage struct {
	ToUser  string            `json:"touser"`
	MsgType string            `json:"msgtype"`
	Text    *lateReplyText    `json:"text,omitempty"`
	Image   *lateReplyMedia   `json:"image,omitempty"`
	Voice   *lateReplyMedia   `json:"voice,omitempty"`
	Video   *lateReplyVideo   `json:"video,omitempty"`
	Music   *lateReplyMusic   `json:"music,omitempty"`
	News    *lateReplyNewsBox `json:"news,omitempty"`
}

type lateReplyText struct {
	Content string `json:"content"`
}

type lateReplyMedia struct {
	MediaID string `json:"media_id"`
}

type lateReplyVideo struct {
	MediaID      string `json:"media_id"`
	ThumbMediaID string `json:"thumb_media_id"`
	Title        string `json:"title,omitempty"`
	Description  string `json:"description,omitempty"`
}

type lateReplyMusic struct {
	Title        string `json:"title,omitempty"`
	Description  string `json:"description,omitempty"`
	MusicURL     string `json:"musicurl"`
	HQMusicURL   string `json:"hqmusicurl"`
	ThumbMediaID string `json:"thumb_media_id"`
}

type lateReplyNewsBox struct {
	Articles []lateReplyArticle `json:"articles"`
}

type lateReplyArticle struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	URL         string `json:"url,omitempty"`
	PicURL      string `json:"picurl,omitempty"`
}

// lateReplyBody turns a passive reply into the custom/send body to toUser. ok is false
// for transfer_customer_service, which has no customer-service message equivalent. A
// news reply keeps its first article: custom/send allows one (45008 otherwise).
func lateReplyBody(toUser string, r *messagingv1.PassiveReply) (m lateReplyMessage, ok bool) {
	m.ToUser = toUser
	switch x := r.GetReply().(type) {
	case *messagingv1.PassiveReply_Text:
		m.MsgType, m.Text = "text", &lateReplyText{Content: x.Text.GetContent()}
	case *messagingv1.PassiveReply_Image:
		m.MsgType, m.Image = "image", &lateReplyMedia{MediaID: x.Image.GetMediaId()}
	case *messagingv1.PassiveReply_Voice:
		m.MsgType, m.Voice = "voice", &lateReplyMedia{MediaID: x.Voice.GetMediaId()}
	case *messagingv1.PassiveReply_Video:
		v := x.Video
		m.MsgType, m.Video = "video", &lateReplyVideo{MediaID: v.GetMediaId(), ThumbMediaID: v.GetThumbMediaId(),
			Title: v.GetTitle(), Description: v.GetDescription()}
	case *messagingv1.PassiveReply_Music:
		mu := x.Music
		m.MsgType, m.Music = "music", &lateReplyMusic{Title: mu.GetTitle(), Description: mu.GetDescription(),
			MusicURL: mu.GetMusicUrl(), HQMusicURL: mu.GetHqMusicUrl(), ThumbMediaID: mu.GetThumbMediaId()}
	case *messagingv1.PassiveReply_News:
		a := x.News.GetArticles()[0]
		m.MsgType, m.News = "news", &lateReplyNewsBox{Articles: []lateReplyArticle{{Title: a.GetTitle(),
			Description: a.GetDescription(), URL: a.GetUrl(), PicURL: a.GetPicUrl()}}}
	default:
		return m, false
	}
	return m, true
}

// deliverLate sends a ReplyHandler's reply that came after the deadline as a
// customer-service message to the user, when the handler's registration allows it.
func (s *Service) deliverLate(acc *account, ev *messagingv1.Event, h *handlerTarget, out handlerOutcome) {
	outcome := func(o string) { s.metrics.lateReplies.WithLabelValues(acc.appID, o).Inc() }
	switch {
	case out.err != nil:
		s.log.Warn("callback: the ReplyHandler failed after the reply deadline", "app_id", acc.appID, "type", ev.GetType(), "error", out.err)
		outcome(lateHandlerError)
		return
	case out.resp.GetAcknowledgeOnly() || out.resp.GetReply() == nil:
		outcome(lateNoReply)
		return
	case !h.late:
		outcome(lateDisabled)
		return
	}
	r := out.resp.GetReply()
	if err := checkPassiveReply("reply", r, maxArticlesEvent); err != nil {
		s.log.Warn("callback: a late ReplyHandler reply is invalid; dropped", "app_id", acc.appID, "error", err)
		outcome(lateInvalid)
		return
	}
	body, ok := lateReplyBody(ev.GetFromUserName(), r)
	if !ok {
		outcome(lateUndeliverable)
		return
	}
	if s.wechat == nil {
		s.log.Warn("callback: a late ReplyHandler reply cannot be delivered: no WeChat client", "app_id", acc.appID)
		outcome(lateNoClient)
		return
	}
	ctx, cancel := context.WithTimeout(s.bg, lateSendTimeout)
	defer cancel()
	// Not idempotent: a retried custom/send could reach the user twice.
	err := s.wechat.Do(ctx, &wechat.Request{AppID: acc.appID, Method: "POST", Path: lateReplySendPath, Body: body}, nil)
	if err != nil {
		s.log.Warn("callback: cannot deliver a late ReplyHandler reply as a customer-service message", "app_id", acc.appID, "error", err)
		outcome(lateFailed)
		return
	}
	outcome(lateDelivered)
}
