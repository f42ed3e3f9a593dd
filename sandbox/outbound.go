package sandbox

// This file emulates the outbound messaging endpoints an account uses to send to users:
// customer-service messages and typing (here), template messages (outbound_template.go),
// subscribe notifications (outbound_subscribe.go) and mass sends (outbound_mass.go). What
// a user received lands in their inbox under the channels "custom", "template",
// "subscribe" and "mass"; the job-finish events the platform pushes back are pushed to
// the account's callback URL.

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"
)

// Paths of the customer-service endpoints.
const (
	pathCustomSend   = "/cgi-bin/message/custom/send"
	pathCustomTyping = "/cgi-bin/message/custom/typing"
)

// Rules of the customer-service window (behaviour.md §2.1, §2.2).
const (
	// customWindow is how long after a user's message the account may send to them.
	customWindow = 48 * time.Hour
	// customShortWindow is the window a menu tap, follow or QR scan opens when the
	// per-window counts are enforced.
	customShortWindow = time.Minute
	// customMessageSends and customEventSends are the sends a message and an event grant
	// when the per-window counts are enforced.
	customMessageSends = 5
	customEventSends   = 3
	// typingExchange is how recent a message exchange must be for Typing.
	typingExchange = 30 * time.Second
	// typingLasts is how long a Typing state lasts.
	typingLasts = 15 * time.Second
	// maxCustomText bounds a text message. Sandbox choice: the platform's limit is not
	// documented (behaviour.md Q8); 2048 bytes is the common SDK limit.
	maxCustomText = 2048
)

// Account types of [OutboundSettings].
const (
	// AccountTypeService is a verified service account (认证服务号): 4 is_to_all mass
	// sends a month, 100 mass API calls a day. It is the default.
	AccountTypeService = "service"
	// AccountTypeSubscription is a verified subscription account (认证订阅号): one
	// successful mass send a day.
	AccountTypeSubscription = "subscription"
)

// OutboundSettings are the per-account outbound rules that depend on the account's
// type and on how strictly tests want the platform's quotas applied.
type OutboundSettings struct {
	// AccountType is AccountTypeService ("service", the default when empty) or
	// AccountTypeSubscription ("subscription"); it selects the mass-send allowances.
	AccountType string
	// EnforceResponseCounts applies the platform's per-window send counts to
	// customer-service messages: 5 sends within 48 h of a user's message, 3 within 1 min
	// of a menu tap (click, scancode_push, scancode_waitmsg), follow or QR scan; over them
	// 45047. Sandbox choice: off by default, where any push opens a 48-hour window
	// without a count (a user who keeps talking can always be answered).
	EnforceResponseCounts bool
}

// customWindowState is what the platform knows about one user's customer-service
// window. Guarded by Sandbox.mu.
type customWindowState struct {
	opened    time.Time // when the latest interaction happened
	expires   time.Time // when the window closes
	remaining int       // sends left when counts are enforced; -1 means unlimited
	closed    bool      // the user unfollowed
	exchange  time.Time // latest message from or to the user (typing rule)
	typingTo  time.Time // end of the current Typing state
}

// outboundState is the account's state in this domain. Guarded by Sandbox.mu.
type outboundState struct {
	settings  OutboundSettings
	windows   map[string]*customWindowState // by openid
	templates templateState
	subscribe subscribeState
	mass      massState
}

// window returns the window state of openID, creating it.
func (o *outboundState) window(openID string) *customWindowState {
	if o.windows == nil {
		o.windows = make(map[string]*customWindowState)
	}
	w, ok := o.windows[openID]
	if !ok {
		w = &customWindowState{}
		o.windows[openID] = w
	}
	return w
}

// registerOutbound adds the Outbound endpoints to m.
func registerOutbound(m map[string]endpoint) {
	m[pathCustomSend] = endpoint{method: "POST", serve: (*Sandbox).serveCustomSend}
	m[pathCustomTyping] = endpoint{method: "POST", serve: (*Sandbox).serveCustomTyping}
	registerTemplates(m)
	registerSubscribe(m)
	registerMass(m)
}

// Job-finish events: the platform pushes them itself; they are not user interactions.
var platformEvents = map[string]bool{
	"TEMPLATESENDJOBFINISH":    true,
	"MASSSENDJOBFINISH":        true,
	"subscribe_msg_sent_event": true,
}

// shortWindowEvents open the 1-minute, 3-send window when counts are enforced.
var shortWindowEvents = map[string]bool{
	"click": true, "scancode_push": true, "scancode_waitmsg": true, "subscribe": true, "scan": true,
}

// noteInteraction records that the user openID did something the platform pushes to the
// account (a message or an event): it opens their customer-service window. It is called
// for every push before it is sent, whatever the account's server answers.
func (s *Sandbox) noteInteraction(appID, openID string, head pushHead) {
	if head.MsgType == "event" && platformEvents[head.Event] {
		return
	}
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return
	}
	w := a.outbound.window(openID)
	event := strings.ToLower(head.Event)
	switch {
	case head.MsgType == "event" && event == "unsubscribe":
		w.closed = true
		return
	case head.MsgType != "event":
		w.exchange = now
	}
	w.closed = false
	w.opened = now
	w.expires = now.Add(customWindow)
	w.remaining = -1
	if a.outbound.settings.EnforceResponseCounts {
		switch {
		case head.MsgType != "event":
			w.remaining = customMessageSends
		case shortWindowEvents[event]:
			w.expires = now.Add(customShortWindow)
			w.remaining = customEventSends
		default:
			// Sandbox choice: other events (LOCATION, VIEW, …) grant nothing when the
			// counts are enforced, as the platform's window table lists none of them.
			w.expires = time.Time{}
			w.remaining = 0
		}
	}
}

// knownRecipient reports whether openID may receive messages from a: a simulated user,
// or an openid a push named.
func (a *account) knownRecipient(openID string) bool {
	if _, ok := a.users[openID]; ok {
		return true
	}
	_, ok := a.inboxes[openID]
	return ok
}

// recipient says what the account knows of openID as a recipient: follower is false for
// a simulated user who unfollowed, blacklisted true for one the account blacklisted (an
// openid only named by pushes is a follower, not blacklisted).
func (a *account) recipient(openID string) (follower, blacklisted bool) {
	u, ok := a.users[openID]
	if !ok {
		return true, false
	}
	return !u.Unsubscribed, u.Blocked
}

// failRequireRemoveBlacklist is 43019 with its documented errmsg.
func failRequireRemoveBlacklist() answer {
	return answer{errcode: codeOutRequireRemoveBlacklist, errmsg: "require remove blacklist"}
}

// receive adds a message to the user's inbox.
func (a *account) receive(openID string, now time.Time, channel, msgType string, body []byte) {
	in := a.inboxFor(openID)
	in.items = append(in.items, InboxItem{Time: now, Channel: channel, MsgType: msgType, Body: compactJSON(body)})
}

// compactJSON returns data compacted, or as is when it is not JSON.
func compactJSON(data []byte) string {
	var b bytes.Buffer
	if json.Compact(&b, data) != nil {
		return string(data)
	}
	return b.String()
}

// customBody is the body of custom/send (facts.md §6.3).
type customBody struct {
	ToUser  string                    `json:"touser"`
	MsgType string                    `json:"msgtype"`
	Text    *struct{ Content string } `json:"text"`
	Image   *jsonMediaRef             `json:"image"`
	Voice   *jsonMediaRef             `json:"voice"`
	MPNews  *jsonMediaRef             `json:"mpnews"`
	Video   *struct {
		MediaID      string `json:"media_id"`
		ThumbMediaID string `json:"thumb_media_id"`
		Title        string `json:"title"`
		Description  string `json:"description"`
	} `json:"video"`
	Music *struct {
		Title        string `json:"title"`
		Description  string `json:"description"`
		MusicURL     string `json:"musicurl"`
		HQMusicURL   string `json:"hqmusicurl"`
		ThumbMediaID string `json:"thumb_media_id"`
	} `json:"music"`
	News *struct {
		Articles []struct {
			Title       string `json:"title"`
			Description string `json:"description"`
			URL         string `json:"url"`
			PicURL      string `json:"picurl"`
		} `json:"articles"`
	} `json:"news"`
	MPNewsArticle *struct {
		ArticleID string `json:"article_id"`
	} `json:"mpnewsarticle"`
	MsgMenu *struct {
		HeadContent string `json:"head_content"`
		List        []struct {
			ID      string `json:"id"`
			Content string `json:"content"`
		} `json:"list"`
		TailContent string `json:"tail_content"`
	} `json:"msgmenu"`
	WXCard *struct {
		CardID string `json:"card_id"`
	} `json:"wxcard"`
	MiniProgramPage *struct {
		Title        string `json:"title"`
		AppID        string `json:"appid"`
		PagePath     string `json:"pagepath"`
		ThumbMediaID string `json:"thumb_media_id"`
	} `json:"miniprogrampage"`
	CustomService *struct {
		KfAccount string `json:"kf_account"`
	} `json:"customservice"`
}

// jsonMediaRef is {"media_id":…}.
type jsonMediaRef struct {
	MediaID string `json:"media_id"`
}

// checkCustomMessage returns the errcode of the message part of b (0 when valid).
// Sandbox choice: media ids, card ids and article ids are checked for presence only (the
// content and card domains own their stores).
func checkCustomMessage(b *customBody) int {
	switch b.MsgType {
	case "text":
		switch {
		case b.Text == nil || b.Text.Content == "":
			return codeOutEmptyContent
		case len(b.Text.Content) > maxCustomText:
			return codeOutContentTooLong
		}
	case "image", "voice", "mpnews":
		ref := map[string]*jsonMediaRef{"image": b.Image, "voice": b.Voice, "mpnews": b.MPNews}[b.MsgType]
		if ref == nil || ref.MediaID == "" {
			return codeOutInvalidMediaID
		}
	case "video":
		if b.Video == nil || b.Video.MediaID == "" {
			return codeOutInvalidMediaID
		}
	case "music":
		if b.Music == nil || b.Music.MusicURL == "" || b.Music.ThumbMediaID == "" {
			return codeMissingFields
		}
	case "news":
		switch {
		case b.News == nil || len(b.News.Articles) == 0:
			return codeMissingFields
		case len(b.News.Articles) > 1:
			return codeOutArticleSize
		}
	case "mpnewsarticle":
		if b.MPNewsArticle == nil || b.MPNewsArticle.ArticleID == "" {
			return codeMissingFields
		}
	case "msgmenu":
		if b.MsgMenu == nil || len(b.MsgMenu.List) == 0 {
			return codeMissingFields
		}
		for _, it := range b.MsgMenu.List {
			if it.ID == "" || it.Content == "" {
				return codeMissingFields
			}
		}
	case "wxcard":
		if b.WXCard == nil || b.WXCard.CardID == "" {
			return codeMissingFields
		}
	case "miniprogrampage":
		p := b.MiniProgramPage
		if p == nil || p.Title == "" || p.AppID == "" || p.PagePath == "" || p.ThumbMediaID == "" {
			return codeMissingFields
		}
	default:
		return codeOutInvalidMessageType
	}
	return codeOK
}

// serveCustomSend answers POST /cgi-bin/message/custom/send: the message is checked,
// the user's window and (when enforced) its send count are spent, and the message lands
// in the user's inbox under ChannelCustom with the request JSON as Body.
func (s *Sandbox) serveCustomSend(c *apiCall) answer {
	var b customBody
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	if b.ToUser == "" || !c.a.knownRecipient(b.ToUser) {
		return fail(codeInvalidOpenID)
	}
	if code := checkCustomMessage(&b); code != codeOK {
		return fail(code)
	}
	if b.CustomService != nil && b.CustomService.KfAccount != "" && !strings.Contains(b.CustomService.KfAccount, "@") {
		// Sandbox choice: a kf_account must have the platform's "name@wxid" form.
		return fail(codeOutInvalidKfAccount)
	}
	if c.a.outbound.templates.blocked[b.ToUser] {
		return fail(codeOutUserBlock)
	}
	follower, blacklisted := c.a.recipient(b.ToUser)
	switch {
	case blacklisted:
		return failRequireRemoveBlacklist() // sandbox choice (behaviour.md §2.1 [I])
	case !follower:
		return fail(codeOutResponseOutOfTime)
	}
	w := c.a.outbound.window(b.ToUser)
	if w.closed || w.expires.IsZero() || !c.now.Before(w.expires) {
		return fail(codeOutResponseOutOfTime)
	}
	if w.remaining == 0 {
		return fail(codeOutResponseCount)
	}
	if w.remaining > 0 {
		w.remaining--
	}
	w.exchange = c.now
	w.typingTo = time.Time{}
	c.a.receive(b.ToUser, c.now, ChannelCustom, b.MsgType, c.body)
	return succeed(envelope{Errcode: codeOK, Errmsg: "ok"})
}

// serveCustomTyping answers POST /cgi-bin/message/custom/typing.
func (s *Sandbox) serveCustomTyping(c *apiCall) answer {
	var b struct {
		ToUser  string `json:"touser"`
		Command string `json:"command"`
	}
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	if b.ToUser == "" || !c.a.knownRecipient(b.ToUser) {
		return fail(codeInvalidOpenID)
	}
	w := c.a.outbound.window(b.ToUser)
	switch b.Command {
	case "Typing":
		if w.closed || !c.now.Before(w.expires) {
			return fail(codeOutResponseOutOfTime)
		}
		if w.exchange.IsZero() || c.now.Sub(w.exchange) > typingExchange {
			return fail(codeOutTypingNoExchange)
		}
		if c.now.Before(w.typingTo) {
			return fail(codeOutAlreadyTyping)
		}
		w.typingTo = c.now.Add(typingLasts)
	case "CancelTyping":
		w.typingTo = time.Time{}
	default:
		return fail(codeOutInvalidCommand)
	}
	return succeed(envelope{Errcode: codeOK, Errmsg: "ok"})
}

// Typing reports whether the account appID shows "typing" to the user openID now.
func (s *Sandbox) Typing(appID, openID string) (bool, error) {
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return false, unknownAccount(appID)
	}
	w, ok := a.outbound.windows[openID]
	return ok && now.Before(w.typingTo), nil
}

// SetOutboundSettings sets the outbound rules of the account appID (see
// [OutboundSettings]). It returns an [*ArgumentError] for an unknown account type and an
// error wrapping [ErrUnknownAccount] for an unknown account.
func (s *Sandbox) SetOutboundSettings(appID string, o OutboundSettings) error {
	switch o.AccountType {
	case "":
		o.AccountType = AccountTypeService
	case AccountTypeService, AccountTypeSubscription:
	default:
		return &ArgumentError{Field: "account_type", Reason: `must be "service" or "subscription"`}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return unknownAccount(appID)
	}
	a.outbound.settings = o
	return nil
}

// OutboundSettingsOf returns the outbound rules of the account appID.
func (s *Sandbox) OutboundSettingsOf(appID string) (OutboundSettings, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return OutboundSettings{}, unknownAccount(appID)
	}
	o := a.outbound.settings
	if o.AccountType == "" {
		o.AccountType = AccountTypeService
	}
	return o, nil
}

// pushPlatformEvent pushes a job-finish event in the background, as the platform does a
// moment after the call that caused it. It is a no-op for an account without a callback
// URL. Callers hold s.mu (the push itself runs after they release it).
func (s *Sandbox) pushPlatformEvent(a *account, openID string, e Event) {
	if a.CallbackURL == "" {
		return
	}
	appID := a.AppID
	go func() {
		// The outcome is in the call log and the inbox; nobody waits for it here.
		_, _ = s.PushEvent(context.Background(), appID, openID, e)
	}()
}

// runeLen is the length of v in characters.
func runeLen(v string) int { return utf8.RuneCountInString(v) }
