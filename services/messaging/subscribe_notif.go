package messaging

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Limits of subscribe notifications (behaviour.md §2.8, §2.9).
const (
	outMaxSceneDesc       = 15
	outMaxTitlesLimit     = 30
	outMaxOneTimeScene    = 10000
	outMaxOneTimeTitle    = 15
	outMaxOneTimeContent  = 200
	outMaxReserved        = 128
	outSubTypeOneTime     = 2
	outSubTypeLongTerm    = 3
	outSubscribeStatusYes = "accept"
	outSubscribeStatusNo  = "reject"
	outSubscribeMsgURL    = "https://mp.weixin.qq.com/mp/subscribemsg"
)

var (
	outAmount   = regexp.MustCompile(`^[¥￥$€£]?[0-9]{1,10}(\.[0-9]{1,2})?元?$`)
	outReserved = regexp.MustCompile(`^[A-Za-z0-9]*$`)
)

// SubscribeTemplate is one of an account's subscribe-notification templates.
type SubscribeTemplate struct {
	TemplateID string `json:"priTmplId"`
	Title      string `json:"title"`
	Content    string `json:"content"`
	Example    string `json:"example"`
	Type       int    `json:"type"`
}

// outKind maps the platform's type to the proto kind.
func outKind(t int) messagingv1.SubscribeTemplateKind {
	switch t {
	case outSubTypeOneTime:
		return messagingv1.SubscribeTemplateKind_SUBSCRIBE_TEMPLATE_KIND_ONE_TIME
	case outSubTypeLongTerm:
		return messagingv1.SubscribeTemplateKind_SUBSCRIBE_TEMPLATE_KIND_LONG_TERM
	}
	return messagingv1.SubscribeTemplateKind_SUBSCRIBE_TEMPLATE_KIND_UNSPECIFIED
}

// AddSubscribeTemplate adds a public template's keywords to the account and returns the
// new template id.
func (s *Sender) AddSubscribeTemplate(ctx context.Context, appID, tid string, kids []int32, sceneDesc string) (string, error) {
	if err := s.checkAccount(appID); err != nil {
		return "", err
	}
	if n, err := strconv.Atoi(tid); err != nil || n <= 0 {
		return "", &ArgumentError{Field: "tid", Reason: "must be a public template id (a positive number)"}
	}
	if len(kids) < 2 || len(kids) > 5 {
		return "", &ArgumentError{Field: "kid_list", Reason: "must hold 2 to 5 keyword ids"}
	}
	for i, k := range kids {
		if k <= 0 || slices.Index(kids, k) != i {
			return "", &ArgumentError{Field: fmt.Sprintf("kid_list[%d]", i), Reason: "must be a positive keyword id, listed once"}
		}
	}
	if err := outMaxLen("scene_desc", sceneDesc, outMaxSceneDesc); err != nil {
		return "", err
	}
	var out struct {
		ID string `json:"priTmplId"`
	}
	err := s.call(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: "/wxaapi/newtmpl/addtemplate",
		Body: map[string]any{"tid": tid, "kidList": kids, "sceneDesc": sceneDesc}}, &out)
	if err != nil {
		return "", err
	}
	s.rdb.Del(ctx, s.key(appID, "subtemplates"))
	return out.ID, nil
}

// DeleteSubscribeTemplate deletes one of the account's subscribe templates.
func (s *Sender) DeleteSubscribeTemplate(ctx context.Context, appID, templateID string) error {
	if err := s.checkAccount(appID); err != nil {
		return err
	}
	if err := outNeed("template_id", templateID, outMaxIDLen); err != nil {
		return err
	}
	err := s.call(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: "/wxaapi/newtmpl/deltemplate",
		Body: map[string]string{"priTmplId": templateID}, Idempotent: true}, nil)
	s.rdb.Del(ctx, s.key(appID, "subtemplates"))
	return err
}

// ListSubscribeTemplates returns the account's subscribe templates and refreshes the cache.
func (s *Sender) ListSubscribeTemplates(ctx context.Context, appID string) ([]SubscribeTemplate, error) {
	if err := s.checkAccount(appID); err != nil {
		return nil, err
	}
	var out struct {
		Data []SubscribeTemplate `json:"data"`
	}
	if err := s.call(ctx, &wechat.Request{AppID: appID, Path: "/wxaapi/newtmpl/gettemplate"}, &out); err != nil {
		return nil, err
	}
	if data, err := json.Marshal(out.Data); err == nil {
		s.rdb.Set(ctx, s.key(appID, "subtemplates"), data, s.cfg.TemplateCacheTTL.Std())
	}
	return out.Data, nil
}

// subscribeTemplate returns one template from the cache, refreshing it once on a miss.
func (s *Sender) subscribeTemplate(ctx context.Context, appID, templateID string) (SubscribeTemplate, error) {
	find := func(list []SubscribeTemplate) (SubscribeTemplate, bool) {
		i := slices.IndexFunc(list, func(t SubscribeTemplate) bool { return t.TemplateID == templateID })
		if i < 0 {
			return SubscribeTemplate{}, false
		}
		return list[i], true
	}
	if data, err := s.rdb.Get(ctx, s.key(appID, "subtemplates")).Bytes(); err == nil {
		var list []SubscribeTemplate
		if json.Unmarshal(data, &list) == nil {
			if t, ok := find(list); ok {
				return t, nil
			}
		}
	} else if !errors.Is(err, redis.Nil) {
		return SubscribeTemplate{}, &StoreError{AppID: appID, Op: "read template cache", Err: err}
	}
	list, err := s.ListSubscribeTemplates(ctx, appID)
	if err != nil {
		return SubscribeTemplate{}, err
	}
	if t, ok := find(list); ok {
		return t, nil
	}
	return SubscribeTemplate{}, &NotFoundError{What: "subscribe template", ID: templateID}
}

// SubscribeCategory is a service category.
type SubscribeCategory struct {
	ID   int32  `json:"id"`
	Name string `json:"name"`
}

// ListSubscribeCategories returns the account's categories.
func (s *Sender) ListSubscribeCategories(ctx context.Context, appID string) ([]SubscribeCategory, error) {
	if err := s.checkAccount(appID); err != nil {
		return nil, err
	}
	var out struct {
		Data []SubscribeCategory `json:"data"`
	}
	err := s.call(ctx, &wechat.Request{AppID: appID, Path: "/wxaapi/newtmpl/getcategory"}, &out)
	return out.Data, err
}

// PublicTemplate is a public subscribe template.
type PublicTemplate struct {
	Tid        int32  `json:"tid"`
	Title      string `json:"title"`
	Type       int    `json:"type"`
	CategoryID int32  `json:"categoryId"`
}

// ListPublicTemplateTitles returns a page of the public templates of categories and
// the count of all of them.
func (s *Sender) ListPublicTemplateTitles(ctx context.Context, appID string, ids []int32, start, limit int32) ([]PublicTemplate, int32, error) {
	if err := s.checkAccount(appID); err != nil {
		return nil, 0, err
	}
	if len(ids) == 0 {
		return nil, 0, &ArgumentError{Field: "category_ids", Reason: "must name at least one category"}
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		if id <= 0 {
			return nil, 0, &ArgumentError{Field: fmt.Sprintf("category_ids[%d]", i), Reason: "must be positive"}
		}
		parts[i] = strconv.Itoa(int(id))
	}
	if start < 0 {
		return nil, 0, &ArgumentError{Field: "start", Reason: "must not be negative"}
	}
	if limit == 0 {
		limit = outMaxTitlesLimit
	}
	if limit < 1 || limit > outMaxTitlesLimit {
		return nil, 0, &ArgumentError{Field: "limit", Reason: "must be 1 to 30"}
	}
	var out struct {
		Count int32            `json:"count"`
		Data  []PublicTemplate `json:"data"`
	}
	q := url.Values{"ids": {strings.Join(parts, ",")}, "start": {strconv.Itoa(int(start))}, "limit": {strconv.Itoa(int(limit))}}
	err := s.call(ctx, &wechat.Request{AppID: appID, Path: "/wxaapi/newtmpl/getpubtemplatetitles", Query: q}, &out)
	return out.Data, out.Count, err
}

// PublicKeyword is a keyword of a public template.
type PublicKeyword struct {
	Kid     int32  `json:"kid"`
	Name    string `json:"name"`
	Example string `json:"example"`
	Rule    string `json:"rule"`
}

// ListPublicTemplateKeywords returns the keywords of a public template.
func (s *Sender) ListPublicTemplateKeywords(ctx context.Context, appID string, tid int32) ([]PublicKeyword, error) {
	if err := s.checkAccount(appID); err != nil {
		return nil, err
	}
	if tid <= 0 {
		return nil, &ArgumentError{Field: "tid", Reason: "must be positive"}
	}
	var out struct {
		Data []PublicKeyword `json:"data"`
	}
	err := s.call(ctx, &wechat.Request{AppID: appID, Path: "/wxaapi/newtmpl/getpubtemplatekeywords",
		Query: url.Values{"tid": {strconv.Itoa(int(tid))}}}, &out)
	return out.Data, err
}

// outKeywordRule checks a value against its keyword's rule (the key's prefix: thing,
// number, …) and says why it breaks it ("" when it does not).
func outKeywordRule(key, v string) string {
	n := utf8.RuneCountInString(v)
	if n == 0 {
		return "must not be empty"
	}
	isASCII := func() bool { return strings.IndexFunc(v, func(r rune) bool { return r > unicode.MaxASCII }) < 0 }
	switch rule := strings.TrimRight(key, "0123456789"); rule {
	case "thing":
		if n > 20 {
			return "thing values are at most 20 characters"
		}
	case "number":
		if n > 32 || strings.Trim(v, "0123456789.") != "" {
			return "number values are at most 32 digits (a decimal point allowed)"
		}
	case "letter":
		if n > 32 || strings.IndexFunc(v, func(r rune) bool { return r > unicode.MaxASCII || !unicode.IsLetter(r) }) >= 0 {
			return "letter values are at most 32 letters"
		}
	case "symbol":
		if n > 5 {
			return "symbol values are at most 5 symbols"
		}
	case "character_string":
		if n > 32 || !isASCII() {
			return "character_string values are at most 32 digits, letters or symbols"
		}
	case "phone_number":
		if n > 17 || !isASCII() {
			return "phone_number values are at most 17 digits and symbols"
		}
	case "car_number":
		if n > 8 {
			return "car_number values are at most 8 characters"
		}
	case "name":
		if n > 20 || (!isASCII() && n > 10) {
			return "name values are at most 10 Chinese or 20 Latin characters"
		}
	case "phrase":
		if n > 5 {
			return "phrase values are at most 5 characters"
		}
	case "amount":
		if !outAmount.MatchString(v) {
			return "amount values are an optional currency symbol, at most 10 digits and an optional 元"
		}
	case "time", "date":
		if n > 40 || strings.IndexFunc(v, unicode.IsDigit) < 0 {
			return rule + " values must be a " + rule
		}
	default:
		if n > 20 {
			return "values are at most 20 characters"
		}
	}
	return ""
}

// outSubscription is a user's stored state for one template: sends left from one-time
// accepts, the last status and when it changed.
type outSubscription struct {
	remaining int
	status    string
	at        time.Time
}

func parseOutSubscription(v string) (outSubscription, bool) {
	parts := strings.Split(v, "|")
	if len(parts) != 3 {
		return outSubscription{}, false
	}
	n, _ := strconv.Atoi(parts[0])
	return outSubscription{remaining: n, status: parts[1], at: outUnixMilli(parts[2])}, true
}

// outSubscriptionScript updates one template's state: ARGV status, popup ("1" adds a
// one-time grant on accept), time. A reject clears the grants.
var outSubscriptionScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local n = 0
if cur then n = tonumber(string.match(cur, '^(-?%d+)|')) or 0 end
if ARGV[2] == 'reject' then n = 0 elseif ARGV[3] == '1' then n = n + 1 end
redis.call('HSET', KEYS[1], ARGV[1], n .. '|' .. ARGV[2] .. '|' .. ARGV[4])
return n
`)

// outConsumeScript spends one one-time grant if one is left; it returns the grants left
// before, or -1 when the template has no state.
var outConsumeScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur then return -1 end
local n, rest = string.match(cur, '^(-?%d+)(|.*)$')
n = tonumber(n)
if n > 0 then redis.call('HSET', KEYS[1], ARGV[1], (n - 1) .. rest) end
return n
`)

// noteSubscription applies one subscribe-msg event item.
func (s *Sender) noteSubscription(ctx context.Context, appID, openID, templateID, status string, popup bool) error {
	if openID == "" || templateID == "" || (status != outSubscribeStatusYes && status != outSubscribeStatusNo) {
		return nil
	}
	p := "0"
	if popup {
		p = "1"
	}
	err := outSubscriptionScript.Run(ctx, s.rdb, []string{s.key(appID, "sub", openID)}, templateID, status, p, outItoa(s.now().UnixMilli())).Err()
	return s.storeErr(appID, "store subscription", err)
}

// NotificationSubscription is a user's subscription to one template as wxsuite knows it.
type NotificationSubscription struct {
	TemplateID string
	Live       bool
	// Remaining are the sends left from one-time accepts; -1 for a live long-term one.
	Remaining  int
	LastStatus string
	Updated    time.Time
	// The last delivery reported by subscribe_msg_sent_event (zero when none was).
	Delivery SubscribeDelivery
}

// SubscribeDelivery is one subscribe_msg_sent_event item.
type SubscribeDelivery struct {
	Status  string
	Errcode int32
	MsgID   int64
	At      time.Time
}

// parseOutDelivery decodes a stored delivery ("status|errcode|msgid|unix ms").
func parseOutDelivery(v string) SubscribeDelivery {
	parts := strings.Split(v, "|")
	if len(parts) != 4 {
		return SubscribeDelivery{}
	}
	code, _ := strconv.ParseInt(parts[1], 10, 32)
	id, _ := strconv.ParseInt(parts[2], 10, 64)
	return SubscribeDelivery{Status: parts[0], Errcode: int32(code), MsgID: id, At: outUnixMilli(parts[3])}
}

// Subscriptions returns the user's subscriptions. The kind of each template (one-time or
// long-term) comes from the account's template list; a template the account no longer
// has is reported with its one-time grants.
func (s *Sender) Subscriptions(ctx context.Context, appID, openID string) ([]NotificationSubscription, error) {
	if err := s.checkAccount(appID); err != nil {
		return nil, err
	}
	if err := outCheckOpenID("openid", openID); err != nil {
		return nil, err
	}
	all, err := s.rdb.HGetAll(ctx, s.key(appID, "sub", openID)).Result()
	if err != nil {
		return nil, &StoreError{AppID: appID, Op: "read subscriptions", Err: err}
	}
	sent, err := s.rdb.HGetAll(ctx, s.key(appID, "subsent", openID)).Result()
	if err != nil {
		return nil, &StoreError{AppID: appID, Op: "read subscribe deliveries", Err: err}
	}
	out := make([]NotificationSubscription, 0, len(all))
	for id, v := range all {
		st, ok := parseOutSubscription(v)
		if !ok {
			continue
		}
		sub := NotificationSubscription{TemplateID: id, Remaining: st.remaining, LastStatus: st.status, Updated: st.at, Live: st.remaining > 0,
			Delivery: parseOutDelivery(sent[id])}
		if t, err := s.subscribeTemplate(ctx, appID, id); err == nil && t.Type == outSubTypeLongTerm {
			sub.Live = st.status == outSubscribeStatusYes
			if sub.Live {
				sub.Remaining = -1
			}
		}
		out = append(out, sub)
	}
	slices.SortFunc(out, func(a, b NotificationSubscription) int { return strings.Compare(a.TemplateID, b.TemplateID) })
	return out, nil
}

// SendSubscribeNotification validates req against the template's keywords, checks the
// user's subscription and sends it (bizsend); a one-time grant is spent on success.
func (s *Sender) SendSubscribeNotification(ctx context.Context, req *messagingv1.SendSubscribeNotificationRequest) error {
	appID, openID := req.GetAppId(), req.GetOpenid()
	if err := s.checkAccount(appID); err != nil {
		return err
	}
	if err := outFirstErr(outCheckOpenID("openid", openID), outNeed("template_id", req.GetTemplateId(), outMaxIDLen),
		outCheckURL("page", req.GetPage(), false)); err != nil {
		return err
	}
	if mp := req.GetMiniprogram(); mp != nil {
		if err := outFirstErr(outCheckWeappAppID("miniprogram.appid", mp.GetAppid()), outMaxLen("miniprogram.pagepath", mp.GetPagepath(), outMaxURLLen)); err != nil {
			return err
		}
	}
	t, err := s.subscribeTemplate(ctx, appID, req.GetTemplateId())
	var nf *NotFoundError
	if errors.As(err, &nf) {
		return &ArgumentError{Field: "template_id", Reason: "is not a subscribe template of the account"}
	}
	if err != nil {
		return err
	}
	keys := outPlaceholderKeys(t.Content)
	data := make(map[string]map[string]string, len(req.GetData()))
	for k, v := range req.GetData() {
		if !slices.Contains(keys, k) {
			return &ArgumentError{Field: "data." + k, Reason: fmt.Sprintf("is not a keyword of template %s (its keys: %s)", t.TemplateID, strings.Join(keys, ", "))}
		}
		if why := outKeywordRule(k, v); why != "" {
			return &ArgumentError{Field: "data." + k, Reason: why}
		}
		data[k] = map[string]string{"value": v}
	}
	for _, k := range keys {
		if _, ok := req.GetData()[k]; !ok {
			return &ArgumentError{Field: "data." + k, Reason: "is required by the template"}
		}
	}
	subKey := s.key(appID, "sub", openID)
	oneTime := t.Type != outSubTypeLongTerm
	cur, err := s.rdb.HGet(ctx, subKey, t.TemplateID).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return &StoreError{AppID: appID, Op: "read subscription", Err: err}
	}
	st, known := parseOutSubscription(cur)
	switch {
	case !known && !s.cfg.TrustUnknownSubscriptions:
		return &NotSubscribedError{OpenID: openID, TemplateID: t.TemplateID}
	case known && oneTime && st.remaining <= 0, known && !oneTime && st.status != outSubscribeStatusYes:
		return &NotSubscribedError{OpenID: openID, TemplateID: t.TemplateID, Known: true}
	}
	body := map[string]any{"touser": openID, "template_id": t.TemplateID, "data": data}
	if req.GetPage() != "" {
		body["page"] = req.GetPage()
	}
	if mp := req.GetMiniprogram(); mp != nil {
		body["miniprogram"] = map[string]string{"appid": mp.GetAppid(), "pagepath": mp.GetPagepath()}
	}
	if err := s.call(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: "/cgi-bin/message/subscribe/bizsend", Body: body}, nil); err != nil {
		return err
	}
	if known && oneTime {
		if err := outConsumeScript.Run(ctx, s.rdb, []string{subKey}, t.TemplateID).Err(); err != nil {
			s.log.Warn("spend subscription grant", "app_id", appID, "err", err)
		}
	}
	return nil
}

// BuildOneTimeSubscribeURL returns the one-time subscription authorization URL.
func (s *Sender) BuildOneTimeSubscribeURL(appID, templateID string, scene int32, redirectURL, reserved string) (string, error) {
	if err := s.checkAccount(appID); err != nil {
		return "", err
	}
	if err := outFirstErr(outNeed("template_id", templateID, outMaxIDLen), outCheckURL("redirect_url", redirectURL, true)); err != nil {
		return "", err
	}
	if scene < 0 || scene > outMaxOneTimeScene {
		return "", &ArgumentError{Field: "scene", Reason: "must be 0 to 10000"}
	}
	if len(reserved) > outMaxReserved || !outReserved.MatchString(reserved) {
		return "", &ArgumentError{Field: "reserved", Reason: "must be at most 128 characters of A-Z a-z 0-9"}
	}
	// The parameter order follows the platform's documented example.
	return outSubscribeMsgURL + "?action=get_confirm&appid=" + url.QueryEscape(appID) + "&scene=" + strconv.Itoa(int(scene)) +
		"&template_id=" + url.QueryEscape(templateID) + "&redirect_url=" + url.QueryEscape(redirectURL) +
		"&reserved=" + url.QueryEscape(reserved) + "#wechat_redirect", nil
}

// SendOneTimeSubscribeMessage sends the message a one-time confirmation allows.
func (s *Sender) SendOneTimeSubscribeMessage(ctx context.Context, req *messagingv1.SendOneTimeSubscribeMessageRequest) error {
	appID := req.GetAppId()
	if err := s.checkAccount(appID); err != nil {
		return err
	}
	if err := outFirstErr(outCheckOpenID("openid", req.GetOpenid()), outNeed("template_id", req.GetTemplateId(), outMaxIDLen),
		outNeed("title", req.GetTitle(), outMaxOneTimeTitle), outNeed("content", req.GetContent(), outMaxOneTimeContent),
		outCheckURL("url", req.GetUrl(), false)); err != nil {
		return err
	}
	if req.GetScene() < 0 || req.GetScene() > outMaxOneTimeScene {
		return &ArgumentError{Field: "scene", Reason: "must be 0 to 10000"}
	}
	if c := req.GetColor(); c != "" && !outColor.MatchString(c) {
		return &ArgumentError{Field: "color", Reason: `must be "#" and 6 hex digits`}
	}
	content := map[string]string{"value": req.GetContent()}
	if req.GetColor() != "" {
		content["color"] = req.GetColor()
	}
	body := map[string]any{"touser": req.GetOpenid(), "template_id": req.GetTemplateId(), "scene": strconv.Itoa(int(req.GetScene())),
		"title": req.GetTitle(), "data": map[string]any{"content": content}}
	if req.GetUrl() != "" {
		body["url"] = req.GetUrl()
	}
	if mp := req.GetMiniprogram(); mp != nil {
		if err := outCheckWeappAppID("miniprogram.appid", mp.GetAppid()); err != nil {
			return err
		}
		body["miniprogram"] = map[string]string{"appid": mp.GetAppid(), "pagepath": mp.GetPagepath()}
	}
	return s.call(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: "/cgi-bin/message/template/subscribe", Body: body}, nil)
}
