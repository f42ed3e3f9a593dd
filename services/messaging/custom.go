package messaging

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Limits of customer-service messages that wxsuite checks before sending.
const (
	// maxCustomTextBytes bounds a text message. The platform's limit is not documented
	// (45002 exists); 2048 bytes is the limit SDKs and the sandbox use.
	maxCustomTextBytes = 2048
	outMaxTitle        = 64  // wxsuite choice: titles of video, music, news, mini-program cards
	outMaxDesc         = 512 // wxsuite choice: descriptions
	outMaxMsgMenuItems = 10
	outMaxIDLen        = 128 // media ids, card ids, article ids
	outMaxOpenIDLen    = 64
	outMaxURLLen       = 2048
)

const outOpenIDChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

// isOpenID reports whether v has an openid's shape: 1 to 64 of A-Z a-z 0-9 _ -.
func isOpenID(v string) bool {
	return v != "" && len(v) <= outMaxOpenIDLen && strings.Trim(v, outOpenIDChars) == ""
}

// outCheckOpenID refuses a missing or malformed openid (1 to 64 of A-Z a-z 0-9 _ -).
func outCheckOpenID(field, v string) error {
	switch {
	case v == "":
		return &ArgumentError{Field: field, Reason: "is required"}
	case !isOpenID(v):
		return &ArgumentError{Field: field, Reason: "is not an openid (1 to 64 characters of A-Z a-z 0-9 _ -)"}
	}
	return nil
}

// outNeed refuses an empty required field or one longer than max characters.
func outNeed(field, v string, max int) error {
	switch {
	case strings.TrimSpace(v) == "":
		return &ArgumentError{Field: field, Reason: "is required"}
	case utf8.RuneCountInString(v) > max:
		return &ArgumentError{Field: field, Reason: fmt.Sprintf("is longer than %d characters", max)}
	}
	return nil
}

// outMaxLen refuses an optional field longer than max characters.
func outMaxLen(field, v string, max int) error {
	if utf8.RuneCountInString(v) > max {
		return &ArgumentError{Field: field, Reason: fmt.Sprintf("is longer than %d characters", max)}
	}
	return nil
}

// outCheckURL refuses a url that is not http(s); empty is fine unless required.
func outCheckURL(field, v string, required bool) error {
	if v == "" {
		if required {
			return &ArgumentError{Field: field, Reason: "is required"}
		}
		return nil
	}
	if len(v) > outMaxURLLen || !(strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://")) || strings.ContainsAny(v, " \t\r\n") {
		return &ArgumentError{Field: field, Reason: "must be an http or https URL of at most 2048 bytes"}
	}
	return nil
}

// outFirstErr returns the first non-nil error.
func outFirstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// outCustomBody builds the platform's custom/send body of req after validating it; errors
// name the request field.
func outCustomBody(req *messagingv1.SendCustomMessageRequest) (map[string]any, error) {
	if err := outCheckOpenID("openid", req.GetOpenid()); err != nil {
		return nil, err
	}
	body := map[string]any{"touser": req.GetOpenid()}
	var err error
	set := func(msgType string, v any) {
		body["msgtype"] = msgType
		body[msgType] = v
	}
	switch m := req.GetMessage().(type) {
	case *messagingv1.SendCustomMessageRequest_Text:
		c := m.Text.GetContent()
		switch {
		case strings.TrimSpace(c) == "":
			err = &ArgumentError{Field: "text.content", Reason: "must not be empty"}
		case len(c) > maxCustomTextBytes:
			err = &ArgumentError{Field: "text.content", Reason: fmt.Sprintf("is %d bytes, more than %d", len(c), maxCustomTextBytes)}
		}
		set("text", map[string]string{"content": c})
	case *messagingv1.SendCustomMessageRequest_Image:
		err = outNeed("image.media_id", m.Image.GetMediaId(), outMaxIDLen)
		set("image", map[string]string{"media_id": m.Image.GetMediaId()})
	case *messagingv1.SendCustomMessageRequest_Voice:
		err = outNeed("voice.media_id", m.Voice.GetMediaId(), outMaxIDLen)
		set("voice", map[string]string{"media_id": m.Voice.GetMediaId()})
	case *messagingv1.SendCustomMessageRequest_Mpnews:
		err = outNeed("mpnews.media_id", m.Mpnews.GetMediaId(), outMaxIDLen)
		set("mpnews", map[string]string{"media_id": m.Mpnews.GetMediaId()})
	case *messagingv1.SendCustomMessageRequest_Video:
		v := m.Video
		err = outFirstErr(outNeed("video.media_id", v.GetMediaId(), outMaxIDLen), outMaxLen("video.thumb_media_id", v.GetThumbMediaId(), outMaxIDLen),
			outMaxLen("video.title", v.GetTitle(), outMaxTitle), outMaxLen("video.description", v.GetDescription(), outMaxDesc))
		set("video", map[string]string{"media_id": v.GetMediaId(), "thumb_media_id": v.GetThumbMediaId(),
			"title": v.GetTitle(), "description": v.GetDescription()})
	case *messagingv1.SendCustomMessageRequest_Music:
		v := m.Music
		err = outFirstErr(outCheckURL("music.music_url", v.GetMusicUrl(), true), outCheckURL("music.hq_music_url", v.GetHqMusicUrl(), false),
			outNeed("music.thumb_media_id", v.GetThumbMediaId(), outMaxIDLen), outMaxLen("music.title", v.GetTitle(), outMaxTitle),
			outMaxLen("music.description", v.GetDescription(), outMaxDesc))
		set("music", map[string]string{"title": v.GetTitle(), "description": v.GetDescription(), "musicurl": v.GetMusicUrl(),
			"hqmusicurl": v.GetHqMusicUrl(), "thumb_media_id": v.GetThumbMediaId()})
	case *messagingv1.SendCustomMessageRequest_News:
		v := m.News
		err = outFirstErr(outNeed("news.title", v.GetTitle(), outMaxTitle), outCheckURL("news.url", v.GetUrl(), true),
			outCheckURL("news.pic_url", v.GetPicUrl(), false), outMaxLen("news.description", v.GetDescription(), outMaxDesc))
		set("news", map[string]any{"articles": []map[string]string{{"title": v.GetTitle(), "description": v.GetDescription(),
			"url": v.GetUrl(), "picurl": v.GetPicUrl()}}})
	case *messagingv1.SendCustomMessageRequest_Mpnewsarticle:
		err = outNeed("mpnewsarticle.article_id", m.Mpnewsarticle.GetArticleId(), outMaxIDLen)
		set("mpnewsarticle", map[string]string{"article_id": m.Mpnewsarticle.GetArticleId()})
	case *messagingv1.SendCustomMessageRequest_Msgmenu:
		v := m.Msgmenu
		items := v.GetItems()
		switch {
		case len(items) == 0:
			err = &ArgumentError{Field: "msgmenu.items", Reason: "must not be empty"}
		case len(items) > outMaxMsgMenuItems:
			err = &ArgumentError{Field: "msgmenu.items", Reason: fmt.Sprintf("has %d items, more than %d", len(items), outMaxMsgMenuItems)}
		}
		list := make([]map[string]string, len(items))
		for i, it := range items {
			if err == nil {
				err = outFirstErr(outNeed(fmt.Sprintf("msgmenu.items[%d].id", i), it.GetId(), outMaxIDLen),
					outNeed(fmt.Sprintf("msgmenu.items[%d].content", i), it.GetContent(), outMaxTitle))
			}
			list[i] = map[string]string{"id": it.GetId(), "content": it.GetContent()}
		}
		if err == nil {
			err = outFirstErr(outMaxLen("msgmenu.head_content", v.GetHeadContent(), outMaxDesc), outMaxLen("msgmenu.tail_content", v.GetTailContent(), outMaxDesc))
		}
		set("msgmenu", map[string]any{"head_content": v.GetHeadContent(), "list": list, "tail_content": v.GetTailContent()})
	case *messagingv1.SendCustomMessageRequest_Wxcard:
		err = outNeed("wxcard.card_id", m.Wxcard.GetCardId(), outMaxIDLen)
		set("wxcard", map[string]string{"card_id": m.Wxcard.GetCardId()})
	case *messagingv1.SendCustomMessageRequest_Miniprogrampage:
		v := m.Miniprogrampage
		err = outFirstErr(outNeed("miniprogrampage.title", v.GetTitle(), outMaxTitle), outCheckWeappAppID("miniprogrampage.appid", v.GetAppid()),
			outNeed("miniprogrampage.pagepath", v.GetPagepath(), outMaxURLLen), outNeed("miniprogrampage.thumb_media_id", v.GetThumbMediaId(), outMaxIDLen))
		set("miniprogrampage", map[string]string{"title": v.GetTitle(), "appid": v.GetAppid(), "pagepath": v.GetPagepath(),
			"thumb_media_id": v.GetThumbMediaId()})
	default:
		err = &ArgumentError{Field: "message", Reason: "is required: one of text, image, voice, video, music, news, mpnews, mpnewsarticle, msgmenu, wxcard, miniprogrampage"}
	}
	if err != nil {
		return nil, err
	}
	if kf := req.GetKfAccount(); kf != "" {
		if i := strings.IndexByte(kf, '@'); i <= 0 || i == len(kf)-1 || len(kf) > 128 {
			return nil, &ArgumentError{Field: "kf_account", Reason: `must be "name@wxid"`}
		}
		body["customservice"] = map[string]string{"kf_account": kf}
	}
	return body, nil
}

// outCheckWeappAppID refuses a mini-program appid that is not "wx" and 16 characters.
func outCheckWeappAppID(field, v string) error {
	if v == "" {
		return &ArgumentError{Field: field, Reason: "is required"}
	}
	if len(v) != 18 || !strings.HasPrefix(v, "wx") || strings.Trim(v, outOpenIDChars) != "" {
		return &ArgumentError{Field: field, Reason: `is not a mini-program appid ("wx" and 16 characters)`}
	}
	return nil
}

// checkWindow refuses a user known to be outside the customer-service window.
func (s *Sender) checkWindow(ctx context.Context, appID, openID string) error {
	if s.cfg.DisableWindowCheck {
		return nil
	}
	w, err := s.CustomWindow(ctx, appID, openID)
	if err != nil {
		return err
	}
	if w.Known && !w.Open {
		return &WindowClosedError{OpenID: openID, Last: w.Last, Unsubscribed: w.Unsubscribed}
	}
	return nil
}

// SendCustomMessage validates req, checks the user's window and sends the message.
func (s *Sender) SendCustomMessage(ctx context.Context, req *messagingv1.SendCustomMessageRequest) error {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return err
	}
	body, err := outCustomBody(req)
	if err != nil {
		return err
	}
	if err := s.checkWindow(ctx, req.GetAppId(), req.GetOpenid()); err != nil {
		return err
	}
	return s.call(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodPost,
		Path: "/cgi-bin/message/custom/send", Body: body}, nil)
}

// SetTyping shows (typing) or cancels the typing state in the user's chat.
func (s *Sender) SetTyping(ctx context.Context, appID, openID string, typing bool) error {
	if err := s.checkAccount(appID); err != nil {
		return err
	}
	if err := outCheckOpenID("openid", openID); err != nil {
		return err
	}
	command := "CancelTyping"
	if typing {
		command = "Typing"
		if err := s.checkWindow(ctx, appID, openID); err != nil {
			return err
		}
	}
	return s.call(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: "/cgi-bin/message/custom/typing",
		Body: map[string]string{"touser": openID, "command": command}, Idempotent: !typing}, nil)
}
