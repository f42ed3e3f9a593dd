package messaging

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Limits of mass sends (behaviour.md §2.7, facts.md §6.4).
const (
	outMaxMassArticles = 8
	outMaxMassImages   = 8 // wxsuite choice: the platform documents no number
	outMinMassOpenIDs  = 2
	outClientMsgIDTTL  = 24 * time.Hour
	outMaxArticleBody  = 20000 // characters of an article's content
)

// outShanghai is the platform's calendar (allowance periods).
var outShanghai = time.FixedZone("Asia/Shanghai", 8*3600)

// outMassMsg is a MassContent as the platform's msgtype and object.
type outMassMsg struct {
	msgType string
	object  any
}

// outMassMessage validates c and returns its platform form; preview takes images as a
// single "image".
func outMassMessage(field string, c *messagingv1.MassContent, preview bool) (outMassMsg, error) {
	switch v := c.GetContent().(type) {
	case *messagingv1.MassContent_MpnewsMediaId:
		return outMassMsg{"mpnews", map[string]string{"media_id": v.MpnewsMediaId}}, outNeed(field+".mpnews_media_id", v.MpnewsMediaId, outMaxIDLen)
	case *messagingv1.MassContent_Text:
		if v.Text == "" || len(v.Text) > maxCustomTextBytes {
			return outMassMsg{}, &ArgumentError{Field: field + ".text", Reason: fmt.Sprintf("must be 1 to %d bytes", maxCustomTextBytes)}
		}
		return outMassMsg{"text", map[string]string{"content": v.Text}}, nil
	case *messagingv1.MassContent_VoiceMediaId:
		return outMassMsg{"voice", map[string]string{"media_id": v.VoiceMediaId}}, outNeed(field+".voice_media_id", v.VoiceMediaId, outMaxIDLen)
	case *messagingv1.MassContent_MpvideoMediaId:
		return outMassMsg{"mpvideo", map[string]string{"media_id": v.MpvideoMediaId}}, outNeed(field+".mpvideo_media_id", v.MpvideoMediaId, outMaxIDLen)
	case *messagingv1.MassContent_WxcardCardId:
		return outMassMsg{"wxcard", map[string]string{"card_id": v.WxcardCardId}}, outNeed(field+".wxcard_card_id", v.WxcardCardId, outMaxIDLen)
	case *messagingv1.MassContent_Images:
		ids := v.Images.GetMediaIds()
		switch {
		case len(ids) == 0:
			return outMassMsg{}, &ArgumentError{Field: field + ".images.media_ids", Reason: "must not be empty"}
		case preview && len(ids) != 1:
			return outMassMsg{}, &ArgumentError{Field: field + ".images.media_ids", Reason: "a preview takes exactly one image"}
		case len(ids) > outMaxMassImages:
			return outMassMsg{}, &ArgumentError{Field: field + ".images.media_ids", Reason: fmt.Sprintf("has %d images, more than %d", len(ids), outMaxMassImages)}
		}
		for i, id := range ids {
			if err := outNeed(fmt.Sprintf("%s.images.media_ids[%d]", field, i), id, outMaxIDLen); err != nil {
				return outMassMsg{}, err
			}
		}
		if preview {
			return outMassMsg{"image", map[string]string{"media_id": ids[0]}}, nil
		}
		return outMassMsg{"images", map[string]any{"media_ids": ids, "recommend": v.Images.GetRecommend(),
			"need_open_comment": outBit(v.Images.GetNeedOpenComment()), "only_fans_can_comment": outBit(v.Images.GetOnlyFansCanComment())}}, nil
	}
	return outMassMsg{}, &ArgumentError{Field: field, Reason: "is required: one of mpnews_media_id, text, voice_media_id, images, mpvideo_media_id, wxcard_card_id"}
}

func outBit(b bool) int {
	if b {
		return 1
	}
	return 0
}

// UploadMassNews uploads mpnews articles and returns the media id and its time.
func (s *Sender) UploadMassNews(ctx context.Context, appID string, articles []*messagingv1.MassArticle) (string, time.Time, error) {
	if err := s.checkAccount(appID); err != nil {
		return "", time.Time{}, err
	}
	if len(articles) == 0 || len(articles) > outMaxMassArticles {
		return "", time.Time{}, &ArgumentError{Field: "articles", Reason: "must hold 1 to 8 articles"}
	}
	list := make([]map[string]any, len(articles))
	for i, a := range articles {
		f := fmt.Sprintf("articles[%d].", i)
		if err := outFirstErr(outNeed(f+"title", a.GetTitle(), outMaxTitle), outNeed(f+"thumb_media_id", a.GetThumbMediaId(), outMaxIDLen),
			outNeed(f+"content", a.GetContent(), outMaxArticleBody), outMaxLen(f+"author", a.GetAuthor(), outMaxTitle),
			outMaxLen(f+"digest", a.GetDigest(), outMaxDesc), outCheckURL(f+"content_source_url", a.GetContentSourceUrl(), false)); err != nil {
			return "", time.Time{}, err
		}
		list[i] = map[string]any{"title": a.GetTitle(), "thumb_media_id": a.GetThumbMediaId(), "content": a.GetContent(),
			"author": a.GetAuthor(), "content_source_url": a.GetContentSourceUrl(), "digest": a.GetDigest(),
			"show_cover_pic": outBit(a.GetShowCoverPic()), "need_open_comment": outBit(a.GetNeedOpenComment()),
			"only_fans_can_comment": outBit(a.GetOnlyFansCanComment())}
	}
	var out struct {
		MediaID   string `json:"media_id"`
		CreatedAt int64  `json:"created_at"`
	}
	if err := s.call(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: "/cgi-bin/media/uploadnews",
		Body: map[string]any{"articles": list}}, &out); err != nil {
		return "", time.Time{}, err
	}
	return out.MediaID, time.Unix(out.CreatedAt, 0), nil
}

// outRateScript counts one mass call in the minute's key and refuses it over ARGV[1].
var outRateScript = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], 120000) end
if n > tonumber(ARGV[1]) then redis.call('DECR', KEYS[1]) return -1 end
return n
`)

// takeMassSlot spends one of the minute's mass calls; ok is false when none is left, and
// wait says how long until the next minute.
func (s *Sender) takeMassSlot(ctx context.Context, appID string) (ok bool, wait time.Duration, err error) {
	now := s.now()
	minute := now.Unix() / 60
	n, err := outRateScript.Run(ctx, s.rdb, []string{s.key(appID, "massrate", strconv.FormatInt(minute, 10))}, s.cfg.MassPerMinute).Int64()
	if err != nil {
		return false, 0, &StoreError{AppID: appID, Op: "count mass calls", Err: err}
	}
	if n < 0 {
		return false, time.Unix((minute+1)*60, 0).Sub(now), nil
	}
	return true, 0, nil
}

// checkClientMsgID refuses a clientmsgid too long or used within 24 h.
func (s *Sender) checkClientMsgID(ctx context.Context, appID, id string) error {
	if id == "" {
		return nil
	}
	if len(id) > outMaxClientMsgID {
		return &ArgumentError{Field: "client_msg_id", Reason: "is longer than 64 bytes"}
	}
	v, err := s.rdb.Get(ctx, s.key(appID, "cmid", id)).Int64()
	switch {
	case err == nil:
		return &DuplicateClientMsgIDError{ClientMsgID: id, MsgID: v}
	case errors.Is(err, redis.Nil):
		return nil
	}
	return &StoreError{AppID: appID, Op: "read client_msg_id", Err: err}
}

// outMassSent is the platform's answer to sendall and send.
type outMassSent struct {
	MsgID     int64 `json:"msg_id"`
	MsgDataID int64 `json:"msg_data_id"`
}

// sendMass makes one sendall or send call (after the rate guard) and records the
// clientmsgid.
func (s *Sender) sendMass(ctx context.Context, appID, path string, body map[string]any, clientMsgID string) (outMassSent, error) {
	ok, _, err := s.takeMassSlot(ctx, appID)
	if err != nil {
		return outMassSent{}, err
	}
	if !ok {
		return outMassSent{}, &RateLimitedError{AppID: appID, Limit: s.cfg.MassPerMinute}
	}
	var out outMassSent
	// A clientmsgid makes the call safe to repeat: the platform refuses the second one.
	if err := s.call(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: path, Body: body,
		Idempotent: clientMsgID != ""}, &out); err != nil {
		return outMassSent{}, err
	}
	if clientMsgID != "" {
		if err := s.rdb.Set(ctx, s.key(appID, "cmid", clientMsgID), out.MsgID, outClientMsgIDTTL).Err(); err != nil {
			s.log.Warn("record client_msg_id", "app_id", appID, "err", err)
		}
	}
	return out, nil
}

// outMassBody builds a sendall/send body.
func outMassBody(m outMassMsg, ignoreReprint bool, clientMsgID string) map[string]any {
	body := map[string]any{"msgtype": m.msgType, m.msgType: m.object, "send_ignore_reprint": outBit(ignoreReprint)}
	if clientMsgID != "" {
		body["clientmsgid"] = clientMsgID
	}
	return body
}

// MassSent is the result of SendMassToAll and SendMassToTag.
type MassSent struct {
	MsgID, MsgDataID int64
	// ToAllRemaining and Warning are set for is_to_all sends.
	ToAllRemaining int
	Warning        string
}

// SendMassToAll sends to every follower and counts the send against the allowance.
func (s *Sender) SendMassToAll(ctx context.Context, req *messagingv1.SendMassToAllRequest) (MassSent, error) {
	appID := req.GetAppId()
	if err := s.checkAccount(appID); err != nil {
		return MassSent{}, err
	}
	m, err := outMassMessage("content", req.GetContent(), false)
	if err != nil {
		return MassSent{}, err
	}
	if err := s.checkClientMsgID(ctx, appID, req.GetClientMsgId()); err != nil {
		return MassSent{}, err
	}
	body := outMassBody(m, req.GetSendIgnoreReprint(), req.GetClientMsgId())
	body["filter"] = map[string]any{"is_to_all": true}
	out, err := s.sendMass(ctx, appID, "/cgi-bin/message/mass/sendall", body, req.GetClientMsgId())
	if err != nil {
		return MassSent{}, err
	}
	res := MassSent{MsgID: out.MsgID, MsgDataID: out.MsgDataID}
	period := s.now().In(outShanghai).Format("2006-01")
	ttl := 32 * 24 * time.Hour
	if s.cfg.ToAllPeriod == "day" {
		period, ttl = s.now().In(outShanghai).Format(time.DateOnly), 48*time.Hour
	}
	k := s.key(appID, "toall", period)
	used, err := s.rdb.Incr(ctx, k).Result()
	if err == nil {
		s.rdb.Expire(ctx, k, ttl)
	}
	res.ToAllRemaining = max(s.cfg.ToAllAllowance-int(used), 0)
	if res.ToAllRemaining <= s.cfg.ToAllWarnAt {
		res.Warning = fmt.Sprintf("%d of %d is_to_all sends left this %s (messaging.send.to_all_allowance); the platform refuses more with 45028",
			res.ToAllRemaining, s.cfg.ToAllAllowance, s.cfg.ToAllPeriod)
		s.log.Warn("is_to_all allowance nearly spent", "app_id", appID, "remaining", res.ToAllRemaining, "period", s.cfg.ToAllPeriod)
	}
	return res, nil
}

// SendMassToTag sends to the followers with a tag.
func (s *Sender) SendMassToTag(ctx context.Context, req *messagingv1.SendMassToTagRequest) (MassSent, error) {
	appID := req.GetAppId()
	if err := s.checkAccount(appID); err != nil {
		return MassSent{}, err
	}
	if req.GetTagId() <= 0 {
		return MassSent{}, &ArgumentError{Field: "tag_id", Reason: "must be a tag id (positive)"}
	}
	m, err := outMassMessage("content", req.GetContent(), false)
	if err != nil {
		return MassSent{}, err
	}
	if err := s.checkClientMsgID(ctx, appID, req.GetClientMsgId()); err != nil {
		return MassSent{}, err
	}
	body := outMassBody(m, req.GetSendIgnoreReprint(), req.GetClientMsgId())
	body["filter"] = map[string]any{"is_to_all": false, "tag_id": req.GetTagId()}
	out, err := s.sendMass(ctx, appID, "/cgi-bin/message/mass/sendall", body, req.GetClientMsgId())
	if err != nil {
		return MassSent{}, err
	}
	return MassSent{MsgID: out.MsgID, MsgDataID: out.MsgDataID}, nil
}

// PreviewMassMessage previews content to an openid or a WeChat ID.
func (s *Sender) PreviewMassMessage(ctx context.Context, req *messagingv1.PreviewMassMessageRequest) (int64, error) {
	appID := req.GetAppId()
	if err := s.checkAccount(appID); err != nil {
		return 0, err
	}
	m, err := outMassMessage("content", req.GetContent(), true)
	if err != nil {
		return 0, err
	}
	body := map[string]any{"msgtype": m.msgType, m.msgType: m.object}
	switch to := req.GetTo().(type) {
	case *messagingv1.PreviewMassMessageRequest_Openid:
		if err := outCheckOpenID("openid", to.Openid); err != nil {
			return 0, err
		}
		body["touser"] = to.Openid
	case *messagingv1.PreviewMassMessageRequest_Wxname:
		if err := outNeed("wxname", to.Wxname, 64); err != nil {
			return 0, err
		}
		body["towxname"] = to.Wxname
	default:
		return 0, &ArgumentError{Field: "to", Reason: "is required: openid or wxname"}
	}
	ok, _, err := s.takeMassSlot(ctx, appID)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, &RateLimitedError{AppID: appID, Limit: s.cfg.MassPerMinute}
	}
	var out outMassSent
	err = s.call(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: "/cgi-bin/message/mass/preview", Body: body}, &out)
	return out.MsgID, err
}

// DeleteMassMessage deletes a sent mass message or one of its articles.
func (s *Sender) DeleteMassMessage(ctx context.Context, appID string, msgID int64, articleIdx int32) error {
	if err := s.checkAccount(appID); err != nil {
		return err
	}
	if msgID <= 0 {
		return &ArgumentError{Field: "msg_id", Reason: "is required"}
	}
	if articleIdx < 0 || articleIdx > outMaxMassArticles {
		return &ArgumentError{Field: "article_idx", Reason: "must be 0 (the whole message) or 1 to 8"}
	}
	return s.call(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: "/cgi-bin/message/mass/delete",
		Body: map[string]any{"msg_id": msgID, "article_idx": articleIdx}, Idempotent: true}, nil)
}

// MassJobResult is a MASSSENDJOBFINISH result.
type MassJobResult struct {
	Finished                        bool
	Status                          string
	Total, Filter, Sent, ErrorCount int64
}

// massJob reads the stored job result of msgID.
func (s *Sender) massJob(ctx context.Context, appID string, msgID int64) (MassJobResult, error) {
	v, err := s.rdb.HGetAll(ctx, s.key(appID, "mass", outItoa(msgID))).Result()
	if err != nil {
		return MassJobResult{}, &StoreError{AppID: appID, Op: "read mass result", Err: err}
	}
	return outMassJob(v), nil
}

// outMassJob decodes a stored job result (empty: not finished yet).
func outMassJob(v map[string]string) MassJobResult {
	if len(v) == 0 {
		return MassJobResult{}
	}
	n := func(k string) int64 { x, _ := strconv.ParseInt(v[k], 10, 64); return x }
	return MassJobResult{Finished: true, Status: v["status"], Total: n("total"), Filter: n("filter"), Sent: n("sent"), ErrorCount: n("error")}
}

// MassStatus returns the platform's msg_status and the job result of msgID.
func (s *Sender) MassStatus(ctx context.Context, appID string, msgID int64) (string, MassJobResult, error) {
	if err := s.checkAccount(appID); err != nil {
		return "", MassJobResult{}, err
	}
	if msgID <= 0 {
		return "", MassJobResult{}, &ArgumentError{Field: "msg_id", Reason: "is required"}
	}
	var out struct {
		MsgStatus string `json:"msg_status"`
	}
	if err := s.call(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: "/cgi-bin/message/mass/get",
		Body: map[string]int64{"msg_id": msgID}, Idempotent: true}, &out); err != nil {
		return "", MassJobResult{}, err
	}
	job, err := s.massJob(ctx, appID, msgID)
	return out.MsgStatus, job, err
}

// MassSpeed returns the account's speed and real speed.
func (s *Sender) MassSpeed(ctx context.Context, appID string) (int32, int32, error) {
	if err := s.checkAccount(appID); err != nil {
		return 0, 0, err
	}
	var out struct {
		Speed     int32 `json:"speed"`
		RealSpeed int32 `json:"realspeed"`
	}
	err := s.call(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: "/cgi-bin/message/mass/speed/get",
		Body: map[string]any{}, Idempotent: true}, &out)
	return out.Speed, out.RealSpeed, err
}

// SetMassSpeed sets the account's speed (0 to 4).
func (s *Sender) SetMassSpeed(ctx context.Context, appID string, speed int32) error {
	if err := s.checkAccount(appID); err != nil {
		return err
	}
	if speed < 0 || speed > 4 {
		return &ArgumentError{Field: "speed", Reason: "must be 0 (fastest) to 4"}
	}
	return s.call(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: "/cgi-bin/message/mass/speed/set",
		Body: map[string]int32{"speed": speed}, Idempotent: true}, nil)
}
