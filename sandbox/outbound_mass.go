package sandbox

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Paths of the mass-send endpoints (behaviour.md §2.7, facts.md §6.4).
const (
	pathUploadNews   = "/cgi-bin/media/uploadnews"
	pathMassSendAll  = "/cgi-bin/message/mass/sendall"
	pathMassSend     = "/cgi-bin/message/mass/send"
	pathMassPreview  = "/cgi-bin/message/mass/preview"
	pathMassDelete   = "/cgi-bin/message/mass/delete"
	pathMassGet      = "/cgi-bin/message/mass/get"
	pathMassSpeedGet = "/cgi-bin/message/mass/speed/get"
	pathMassSpeedSet = "/cgi-bin/message/mass/speed/set"
)

// Mass-send limits (behaviour.md §2.7).
const (
	maxUploadNewsArticles  = 8
	minMassOpenIDs         = 2
	maxMassOpenIDs         = 10000
	massPerMinute          = 60
	massServiceDailyCalls  = 100
	massServiceToAllMonth  = 4
	massSubscriptionToAll  = 1
	massPerUserMonth       = 4
	maxClientMsgID         = 64
	clientMsgIDWindow      = 24 * time.Hour
	clientMsgIDRetryWindow = time.Minute
	previewDailyLimit      = 100
	massFinishFrom         = "mphelper" // FromUserName of MASSSENDJOBFINISH (公众号群发助手)
	msgDataIDBase          = 2000000000
)

// Mass statuses of mass/get.
const (
	MassSendSuccess = "SEND_SUCCESS"
	MassDeleted     = "DELETE"
)

// realSpeeds maps speed 0–4 to the documented real speed in 万 users a minute
// (behaviour.md Q11: the table, not the doc's sample).
var realSpeeds = []int{80, 60, 45, 30, 10}

// massMessage is one accepted mass send.
type massMessage struct {
	msgType  string
	status   string
	articles int // articles of an mpnews (0 when unknown)
}

// clientMsg remembers a mass send by clientmsgid.
type clientMsg struct {
	msgID int64
	at    time.Time
}

// massState is the account's mass-send state. Guarded by Sandbox.mu.
type massState struct {
	news         map[string]int // uploadnews media_id → article count
	messages     map[int64]*massMessage
	clientMsgIDs map[string]clientMsg
	minute       int64 // Unix minute of minuteCalls
	minuteCalls  int
	day          string // dayKey of dayCalls, toAllDay and previews
	dayCalls     int
	toAllDay     int
	previews     int
	month        string // monthKey of toAllMonth and perUser
	toAllMonth   int
	perUser      map[string]int // mass messages each user received this month
	speed        int
}

// roll resets the counters of past periods.
func (m *massState) roll(now time.Time) {
	if d := dayKey(now); d != m.day {
		m.day, m.dayCalls, m.toAllDay, m.previews = d, 0, 0, 0
	}
	if mo := monthKey(now); mo != m.month {
		m.month, m.toAllMonth = mo, 0
		m.perUser = nil
	}
	if min := now.Unix() / 60; min != m.minute {
		m.minute, m.minuteCalls = min, 0
	}
}

func registerMass(m map[string]endpoint) {
	m[pathUploadNews] = endpoint{method: "POST", serve: (*Sandbox).serveUploadNews}
	m[pathMassSendAll] = endpoint{method: "POST", maxBody: 4 << 20, serve: (*Sandbox).serveMassSendAll}
	m[pathMassSend] = endpoint{method: "POST", maxBody: 4 << 20, serve: (*Sandbox).serveMassSend}
	m[pathMassPreview] = endpoint{method: "POST", serve: (*Sandbox).serveMassPreview}
	m[pathMassDelete] = endpoint{method: "POST", serve: (*Sandbox).serveMassDelete}
	m[pathMassGet] = endpoint{method: "POST", serve: (*Sandbox).serveMassGet}
	m[pathMassSpeedGet] = endpoint{method: "POST", serve: (*Sandbox).serveMassSpeedGet}
	m[pathMassSpeedSet] = endpoint{method: "POST", serve: (*Sandbox).serveMassSpeedSet}
}

// serveUploadNews answers media/uploadnews: 1 to 8 articles with title, thumb_media_id
// and content.
func (s *Sandbox) serveUploadNews(c *apiCall) answer {
	var b struct {
		Articles []struct {
			Title        string `json:"title"`
			ThumbMediaID string `json:"thumb_media_id"`
			Content      string `json:"content"`
		} `json:"articles"`
	}
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	switch {
	case len(b.Articles) == 0:
		return fail(codeMissingFields)
	case len(b.Articles) > maxUploadNewsArticles:
		return fail(codeOutArticleSize)
	}
	for _, a := range b.Articles {
		if a.Title == "" || a.ThumbMediaID == "" || a.Content == "" {
			return fail(codeMissingFields)
		}
	}
	m := &c.a.outbound.mass
	if m.news == nil {
		m.news = make(map[string]int)
	}
	id := s.randString(64)
	m.news[id] = len(b.Articles)
	return succeed(struct {
		Type      string `json:"type"`
		MediaID   string `json:"media_id"`
		CreatedAt int64  `json:"created_at"`
	}{"news", id, c.now.Unix()})
}

// massBody is the message part of sendall, send and preview.
type massBody struct {
	MsgType           string                    `json:"msgtype"`
	ClientMsgID       string                    `json:"clientmsgid"`
	SendIgnoreReprint int                       `json:"send_ignore_reprint"`
	Text              *struct{ Content string } `json:"text"`
	MPNews            *jsonMediaRef             `json:"mpnews"`
	Voice             *jsonMediaRef             `json:"voice"`
	Image             *jsonMediaRef             `json:"image"`
	MPVideo           *jsonMediaRef             `json:"mpvideo"`
	Images            *struct {
		MediaIDs []string `json:"media_ids"`
	} `json:"images"`
	WXCard *struct {
		CardID string `json:"card_id"`
	} `json:"wxcard"`
}

// check returns the errcode of the message (0 when valid); preview takes "image" with a
// media_id, the sends "images" (or the older "image").
func (b *massBody) check(preview bool) int {
	switch b.MsgType {
	case "text":
		if b.Text == nil || b.Text.Content == "" {
			return codeOutEmptyContent
		}
	case "mpnews", "voice", "mpvideo":
		ref := map[string]*jsonMediaRef{"mpnews": b.MPNews, "voice": b.Voice, "mpvideo": b.MPVideo}[b.MsgType]
		if ref == nil || ref.MediaID == "" {
			return codeOutInvalidMediaID
		}
	case "image":
		if b.Image == nil || b.Image.MediaID == "" {
			return codeOutInvalidMediaID
		}
	case "images":
		if preview {
			return codeOutMassInvalidType
		}
		if b.Images == nil || len(b.Images.MediaIDs) == 0 {
			return codeOutInvalidMediaID
		}
		for _, id := range b.Images.MediaIDs {
			if id == "" {
				return codeOutInvalidMediaID
			}
		}
	case "wxcard":
		if b.WXCard == nil || b.WXCard.CardID == "" {
			return codeMissingFields
		}
	default:
		return codeOutMassInvalidType
	}
	return codeOK
}

// inboxBody is what a recipient's inbox shows: {"msgtype":…,"<msgtype>":…} without the
// recipients (one string shared by every recipient).
func (b *massBody) inboxBody(raw map[string]json.RawMessage) []byte {
	out, _ := json.Marshal(map[string]json.RawMessage{"msgtype": raw["msgtype"], b.MsgType: raw[b.MsgType]})
	return out
}

// massSubmitted is the answer of an accepted (or, with 45065, an earlier) mass send.
type massSubmitted struct {
	Errcode   int    `json:"errcode"`
	Errmsg    string `json:"errmsg"`
	MsgID     int64  `json:"msg_id"`
	MsgDataID int64  `json:"msg_data_id,omitempty"`
}

// admitMass applies the checks every sendall and send shares, in the platform's order:
// clientmsgid, the 60-a-minute limit, the daily call limit of service accounts and the
// is_to_all allowances. It returns the failure answer, or ok.
func (s *Sandbox) admitMass(c *apiCall, b *massBody, toAll bool) (answer, bool) {
	m := &c.a.outbound.mass
	m.roll(c.now)
	if b.ClientMsgID != "" {
		if len(b.ClientMsgID) > maxClientMsgID {
			return fail(codeOutClientMsgIDTooLong), false
		}
		if prev, ok := m.clientMsgIDs[b.ClientMsgID]; ok {
			switch age := c.now.Sub(prev.at); {
			case age < clientMsgIDRetryWindow:
				return fail(codeOutClientMsgIDTooFast), false
			case age < clientMsgIDWindow:
				return answer{errcode: codeOutClientMsgIDExists, body: massSubmitted{Errcode: codeOutClientMsgIDExists,
					Errmsg: errmsgFor(codeOutClientMsgIDExists), MsgID: prev.msgID}}, false
			}
		}
	}
	if m.minuteCalls >= massPerMinute {
		return fail(45011), false
	}
	service := c.a.outbound.settings.AccountType != AccountTypeSubscription
	if service && m.dayCalls >= massServiceDailyCalls {
		return fail(codeDailyQuota), false
	}
	if toAll {
		if service && m.toAllMonth >= massServiceToAllMonth || !service && m.toAllDay >= massSubscriptionToAll {
			return fail(codeOutNoMassQuota), false
		}
	}
	return answer{}, true
}

// dispatchMass delivers an admitted mass send to recipients, records it and pushes
// MASSSENDJOBFINISH. total is the number of addressees the caller named.
func (s *Sandbox) dispatchMass(c *apiCall, b *massBody, raw map[string]json.RawMessage, toAll bool, total int, recipients func(yield func(string) bool)) answer {
	m := &c.a.outbound.mass
	m.minuteCalls++
	m.dayCalls++
	if toAll {
		m.toAllMonth++
		m.toAllDay++
	}
	s.msgID++
	msgID := s.msgID
	msg := &massMessage{msgType: b.MsgType, status: MassSendSuccess}
	if b.MsgType == "mpnews" {
		msg.articles = m.news[b.MPNews.MediaID]
	}
	if m.messages == nil {
		m.messages = make(map[int64]*massMessage)
	}
	m.messages[msgID] = msg
	if b.ClientMsgID != "" {
		if m.clientMsgIDs == nil {
			m.clientMsgIDs = make(map[string]clientMsg)
		}
		m.clientMsgIDs[b.ClientMsgID] = clientMsg{msgID: msgID, at: c.now}
	}
	if m.perUser == nil {
		m.perUser = make(map[string]int)
	}
	body := b.inboxBody(raw)
	service := c.a.outbound.settings.AccountType != AccountTypeSubscription
	var filtered, sent int
	for openID := range recipients {
		if !c.a.knownRecipient(openID) || c.a.outbound.templates.blocked[openID] {
			continue
		}
		if follower, blacklisted := c.a.recipient(openID); !follower || blacklisted {
			continue // the platform filters unfollowed and blacklisted users out
		}
		if service && m.perUser[openID] >= massPerUserMonth {
			continue // the platform drops the 5th of the month for that user
		}
		filtered++
		m.perUser[openID]++
		c.a.receive(openID, c.now, ChannelMass, b.MsgType, body)
		sent++
	}
	s.pushPlatformEvent(c.a, massFinishFrom, Event{Event: "MASSSENDJOBFINISH", Fields: map[string]string{
		"MsgID": strconv.FormatInt(msgID, 10), "Status": "send success",
		"TotalCount": strconv.Itoa(total), "FilterCount": strconv.Itoa(filtered),
		"SentCount": strconv.Itoa(sent), "ErrorCount": strconv.Itoa(filtered - sent),
	}})
	ans := massSubmitted{Errcode: 0, Errmsg: "send job submission success", MsgID: msgID}
	if b.MsgType == "mpnews" {
		ans.MsgDataID = msgDataIDBase + msgID
	}
	return succeed(ans)
}

// decodeMass decodes a mass body into b (a struct embedding massBody) and returns the
// raw fields too.
func decodeMass(c *apiCall, b any) (map[string]json.RawMessage, int) {
	raw, code := c.object()
	if code != codeOK {
		return nil, code
	}
	if code := c.decode(b); code != codeOK {
		return nil, code
	}
	return raw, codeOK
}

// serveMassSendAll answers mass/sendall: to every follower (is_to_all) or the followers
// carrying a tag (an unknown tag gets 45159).
func (s *Sandbox) serveMassSendAll(c *apiCall) answer {
	var b struct {
		massBody
		Filter *struct {
			IsToAll bool  `json:"is_to_all"`
			TagID   int64 `json:"tag_id"`
		} `json:"filter"`
	}
	raw, code := decodeMass(c, &b)
	if code != codeOK {
		return fail(code)
	}
	if b.Filter == nil {
		return fail(codeMissingFields)
	}
	if code := b.check(false); code != codeOK {
		return fail(code)
	}
	toAll := b.Filter.IsToAll
	if !toAll && b.Filter.TagID <= 0 {
		return fail(codeMissingFields)
	}
	if !toAll && !c.a.audience.tagExists(int(b.Filter.TagID)) {
		return fail(codeAudInvalidTagID)
	}
	if ans, ok := s.admitMass(c, &b.massBody, toAll); !ok {
		return ans
	}
	var to []string
	for id, u := range c.a.users {
		if toAll || slices.Contains(u.TagIDs, int(b.Filter.TagID)) {
			to = append(to, id)
		}
	}
	slices.Sort(to) // a stable order of delivery
	return s.dispatchMass(c, &b.massBody, raw, toAll, len(to), slices.Values(to))
}

// serveMassSend answers mass/send: 2 to 10000 openids (40130 / 40032), each a valid
// openid (40003).
func (s *Sandbox) serveMassSend(c *apiCall) answer {
	var b struct {
		massBody
		ToUser []string `json:"touser"`
	}
	raw, code := decodeMass(c, &b)
	if code != codeOK {
		return fail(code)
	}
	switch {
	case len(b.ToUser) < minMassOpenIDs:
		return fail(codeOutOpenIDListTooShort)
	case len(b.ToUser) > maxMassOpenIDs:
		return fail(codeOutInvalidOpenIDList)
	}
	for _, id := range b.ToUser {
		if id == "" || len(id) > maxOpenIDLen || strings.Trim(id, alphabet) != "" {
			return fail(codeInvalidOpenID)
		}
	}
	if code := b.check(false); code != codeOK {
		return fail(code)
	}
	if ans, ok := s.admitMass(c, &b.massBody, false); !ok {
		return ans
	}
	return s.dispatchMass(c, &b.massBody, raw, false, len(b.ToUser), func(yield func(string) bool) {
		seen := make(map[string]bool, len(b.ToUser))
		for _, id := range b.ToUser {
			if seen[id] {
				continue
			}
			seen[id] = true
			if !yield(id) {
				return
			}
		}
	})
}

// serveMassPreview answers mass/preview: to an openid (touser) or a WeChat ID
// (towxname, which wins); 100 a day (45009 after). Sandbox choice: towxname matches a
// simulated user's nickname or openid; no match gets 40003.
func (s *Sandbox) serveMassPreview(c *apiCall) answer {
	var b struct {
		massBody
		ToUser   string `json:"touser"`
		ToWxName string `json:"towxname"`
	}
	raw, code := decodeMass(c, &b)
	if code != codeOK {
		return fail(code)
	}
	to := b.ToUser
	if b.ToWxName != "" {
		to = ""
		for id, u := range c.a.users {
			if u.Nickname == b.ToWxName || id == b.ToWxName {
				to = id
				break
			}
		}
	}
	if to == "" || !c.a.knownRecipient(to) {
		return fail(codeInvalidOpenID)
	}
	if code := b.check(true); code != codeOK {
		return fail(code)
	}
	m := &c.a.outbound.mass
	m.roll(c.now)
	if m.previews >= previewDailyLimit {
		return fail(codeDailyQuota)
	}
	m.previews++
	s.msgID++
	c.a.receive(to, c.now, ChannelMass, b.MsgType, b.inboxBody(raw))
	return succeed(massSubmitted{Errcode: 0, Errmsg: "preview success", MsgID: s.msgID})
}

// serveMassDelete answers mass/delete: only a sent mpnews or mpvideo; article_idx is
// 1-based and 0 deletes the whole message. Sandbox choice: an unknown msg_id or another
// type gets 40097.
func (s *Sandbox) serveMassDelete(c *apiCall) answer {
	var b struct {
		MsgID      int64 `json:"msg_id"`
		ArticleIdx int   `json:"article_idx"`
	}
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	msg, ok := c.a.outbound.mass.messages[b.MsgID]
	if !ok || msg.status != MassSendSuccess || (msg.msgType != "mpnews" && msg.msgType != "mpvideo") {
		return fail(codeInvalidArgs)
	}
	if b.ArticleIdx < 0 || (msg.articles > 0 && b.ArticleIdx > msg.articles) || (msg.msgType == "mpvideo" && b.ArticleIdx > 1) {
		return fail(codeOutInvalidArticleIdx)
	}
	if b.ArticleIdx == 0 || msg.articles <= 1 {
		msg.status = MassDeleted
	}
	return succeed(envelope{Errcode: codeOK, Errmsg: "ok"})
}

// serveMassGet answers mass/get. Sandbox choice: an unknown msg_id gets 40097.
func (s *Sandbox) serveMassGet(c *apiCall) answer {
	var b struct {
		MsgID int64 `json:"msg_id"`
	}
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	msg, ok := c.a.outbound.mass.messages[b.MsgID]
	if !ok {
		return fail(codeInvalidArgs)
	}
	return succeed(struct {
		MsgID     int64  `json:"msg_id"`
		MsgStatus string `json:"msg_status"`
	}{b.MsgID, msg.status})
}

func (s *Sandbox) serveMassSpeedGet(c *apiCall) answer {
	sp := c.a.outbound.mass.speed
	return succeed(struct {
		Speed     int `json:"speed"`
		RealSpeed int `json:"realspeed"`
	}{sp, realSpeeds[sp]})
}

func (s *Sandbox) serveMassSpeedSet(c *apiCall) answer {
	var b struct {
		Speed *int `json:"speed"`
	}
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	if b.Speed == nil || *b.Speed < 0 || *b.Speed >= len(realSpeeds) {
		return fail(codeOutSpeedOutOfRange)
	}
	c.a.outbound.mass.speed = *b.Speed
	return succeed(envelope{Errcode: codeOK, Errmsg: ""})
}
