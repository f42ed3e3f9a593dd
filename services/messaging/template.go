package messaging

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Limits of template messages checked before sending.
const (
	outMaxTemplateValue = 1000 // wxsuite choice: the platform documents no limit
	outMaxClientMsgID   = 64
)

var (
	// outPlaceholder matches a template placeholder: {{key.DATA}}.
	outPlaceholder = regexp.MustCompile(`\{\{([A-Za-z0-9_]+)\.DATA\}\}`)
	outColor       = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)
	outIndustryID  = regexp.MustCompile(`^[1-9][0-9]?$`)
	outShortID     = regexp.MustCompile(`^(TM[0-9]{5}|OPENTM[0-9]{9}|[0-9]{1,10})$`)
	// outOptionalKeys are placeholders of classic templates that may be left out.
	outOptionalKeys = map[string]bool{"first": true, "remark": true, "Remark": true}
)

// outPlaceholderKeys returns the keys of content's placeholders in order, once each.
func outPlaceholderKeys(content string) []string {
	var keys []string
	for _, m := range outPlaceholder.FindAllStringSubmatch(content, -1) {
		if !slices.Contains(keys, m[1]) {
			keys = append(keys, m[1])
		}
	}
	return keys
}

// MessageTemplate is one of an account's template-message templates.
type MessageTemplate struct {
	TemplateID      string `json:"template_id"`
	Title           string `json:"title"`
	PrimaryIndustry string `json:"primary_industry"`
	DeputyIndustry  string `json:"deputy_industry"`
	Content         string `json:"content"`
	Example         string `json:"example"`
}

// SetIndustry sets the account's industries.
func (s *Sender) SetIndustry(ctx context.Context, appID, primary, secondary string) error {
	if err := s.checkAccount(appID); err != nil {
		return err
	}
	for field, v := range map[string]string{"primary_industry_id": primary, "secondary_industry_id": secondary} {
		if !outIndustryID.MatchString(v) {
			return &ArgumentError{Field: field, Reason: `must be an industry code ("1" to "41")`}
		}
	}
	return s.call(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: "/cgi-bin/template/api_set_industry",
		Body: map[string]string{"industry_id1": primary, "industry_id2": secondary}, Idempotent: true}, nil)
}

// TemplateIndustry is an industry's classes.
type TemplateIndustry struct {
	FirstClass  string `json:"first_class"`
	SecondClass string `json:"second_class"`
}

// GetIndustry returns the account's industries.
func (s *Sender) GetIndustry(ctx context.Context, appID string) (primary, secondary TemplateIndustry, err error) {
	if err := s.checkAccount(appID); err != nil {
		return TemplateIndustry{}, TemplateIndustry{}, err
	}
	var out struct {
		Primary   TemplateIndustry `json:"primary_industry"`
		Secondary TemplateIndustry `json:"secondary_industry"`
	}
	if err := s.call(ctx, &wechat.Request{AppID: appID, Path: "/cgi-bin/template/get_industry"}, &out); err != nil {
		return TemplateIndustry{}, TemplateIndustry{}, err
	}
	return out.Primary, out.Secondary, nil
}

// AddTemplate adds a library template and returns its template_id.
func (s *Sender) AddTemplate(ctx context.Context, appID, shortID string, keywords []string) (string, error) {
	if err := s.checkAccount(appID); err != nil {
		return "", err
	}
	if !outShortID.MatchString(shortID) {
		return "", &ArgumentError{Field: "template_id_short", Reason: `must be a library short id ("TM00015", "OPENTM…" or a numeric category template id)`}
	}
	if len(keywords) > 0 && (len(keywords) < 2 || len(keywords) > 5) {
		return "", &ArgumentError{Field: "keyword_names", Reason: "must hold 2 to 5 names"}
	}
	for i, k := range keywords {
		if err := outNeed(fmt.Sprintf("keyword_names[%d]", i), k, 20); err != nil {
			return "", err
		}
	}
	body := map[string]any{"template_id_short": shortID}
	if len(keywords) > 0 {
		body["keyword_name_list"] = keywords
	}
	var out struct {
		TemplateID string `json:"template_id"`
	}
	if err := s.call(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: "/cgi-bin/template/api_add_template", Body: body}, &out); err != nil {
		return "", err
	}
	s.rdb.Del(ctx, s.key(appID, "templates")) // the cache no longer holds every template
	return out.TemplateID, nil
}

// ListTemplates returns the account's templates from the platform and refreshes the
// cache.
func (s *Sender) ListTemplates(ctx context.Context, appID string) ([]MessageTemplate, error) {
	if err := s.checkAccount(appID); err != nil {
		return nil, err
	}
	var out struct {
		List []MessageTemplate `json:"template_list"`
	}
	if err := s.call(ctx, &wechat.Request{AppID: appID, Path: "/cgi-bin/template/get_all_private_template"}, &out); err != nil {
		return nil, err
	}
	if data, err := json.Marshal(out.List); err == nil {
		s.rdb.Set(ctx, s.key(appID, "templates"), data, s.cfg.TemplateCacheTTL.Std())
	}
	return out.List, nil
}

// DeleteTemplate deletes one of the account's templates.
func (s *Sender) DeleteTemplate(ctx context.Context, appID, templateID string) error {
	if err := s.checkAccount(appID); err != nil {
		return err
	}
	if err := outNeed("template_id", templateID, outMaxIDLen); err != nil {
		return err
	}
	err := s.call(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: "/cgi-bin/template/del_private_template",
		Body: map[string]string{"template_id": templateID}, Idempotent: true}, nil)
	s.rdb.Del(ctx, s.key(appID, "templates"))
	return err
}

// template returns one template from the cache, refreshing it once when the id is not
// there; a template the platform does not list is a NotFoundError.
func (s *Sender) template(ctx context.Context, appID, templateID string) (MessageTemplate, error) {
	if data, err := s.rdb.Get(ctx, s.key(appID, "templates")).Bytes(); err == nil {
		var list []MessageTemplate
		if json.Unmarshal(data, &list) == nil {
			if i := slices.IndexFunc(list, func(t MessageTemplate) bool { return t.TemplateID == templateID }); i >= 0 {
				return list[i], nil
			}
		}
	} else if !errors.Is(err, redis.Nil) {
		return MessageTemplate{}, &StoreError{AppID: appID, Op: "read template cache", Err: err}
	}
	list, err := s.ListTemplates(ctx, appID)
	if err != nil {
		return MessageTemplate{}, err
	}
	if i := slices.IndexFunc(list, func(t MessageTemplate) bool { return t.TemplateID == templateID }); i >= 0 {
		return list[i], nil
	}
	return MessageTemplate{}, &NotFoundError{What: "template", ID: templateID}
}

// outCheckTemplateData checks data against the template's placeholders: every key must be
// one of them and every placeholder but first/remark must be given.
func outCheckTemplateData(t MessageTemplate, data map[string]*messagingv1.TemplateDataValue) error {
	keys := outPlaceholderKeys(t.Content)
	for k, v := range data {
		if !slices.Contains(keys, k) {
			return &ArgumentError{Field: "data." + k, Reason: fmt.Sprintf("is not a placeholder of template %s (its keys: %s)", t.TemplateID, strings.Join(keys, ", "))}
		}
		if err := outMaxLen("data."+k+".value", v.GetValue(), outMaxTemplateValue); err != nil {
			return err
		}
		if c := v.GetColor(); c != "" && !outColor.MatchString(c) {
			return &ArgumentError{Field: "data." + k + ".color", Reason: `must be "#" and 6 hex digits`}
		}
	}
	for _, k := range keys {
		if _, ok := data[k]; !ok && !outOptionalKeys[k] {
			return &ArgumentError{Field: "data." + k, Reason: "is required by the template"}
		}
	}
	return nil
}

// SendTemplateMessage validates req against its template and sends it; it returns the
// msgid and records it for GetTemplateMessageStatus.
func (s *Sender) SendTemplateMessage(ctx context.Context, req *messagingv1.SendTemplateMessageRequest) (int64, error) {
	appID := req.GetAppId()
	if err := s.checkAccount(appID); err != nil {
		return 0, err
	}
	if err := outFirstErr(outCheckOpenID("openid", req.GetOpenid()), outNeed("template_id", req.GetTemplateId(), outMaxIDLen),
		outCheckURL("url", req.GetUrl(), false), outMaxLen("client_msg_id", req.GetClientMsgId(), outMaxClientMsgID)); err != nil {
		return 0, err
	}
	if mp := req.GetMiniprogram(); mp != nil {
		if err := outFirstErr(outCheckWeappAppID("miniprogram.appid", mp.GetAppid()), outMaxLen("miniprogram.pagepath", mp.GetPagepath(), outMaxURLLen)); err != nil {
			return 0, err
		}
	}
	t, err := s.template(ctx, appID, req.GetTemplateId())
	var nf *NotFoundError
	if errors.As(err, &nf) {
		return 0, &ArgumentError{Field: "template_id", Reason: "is not a template of the account"}
	}
	if err != nil {
		return 0, err
	}
	if err := outCheckTemplateData(t, req.GetData()); err != nil {
		return 0, err
	}
	data := make(map[string]map[string]string, len(req.GetData()))
	for k, v := range req.GetData() {
		item := map[string]string{"value": v.GetValue()}
		if v.GetColor() != "" {
			item["color"] = v.GetColor()
		}
		data[k] = item
	}
	body := map[string]any{"touser": req.GetOpenid(), "template_id": req.GetTemplateId(), "data": data}
	if req.GetUrl() != "" {
		body["url"] = req.GetUrl()
	}
	if mp := req.GetMiniprogram(); mp != nil {
		body["miniprogram"] = map[string]string{"appid": mp.GetAppid(), "pagepath": mp.GetPagepath()}
	}
	if req.GetClientMsgId() != "" {
		body["client_msg_id"] = req.GetClientMsgId()
	}
	var out struct {
		MsgID int64 `json:"msgid"`
	}
	// With a client_msg_id the platform sends a repeat once, so the call may be retried.
	if err := s.call(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: "/cgi-bin/message/template/send",
		Body: body, Idempotent: req.GetClientMsgId() != ""}, &out); err != nil {
		return 0, err
	}
	k := s.key(appID, "tmsg", outItoa(out.MsgID))
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, k, "openid", req.GetOpenid(), "template_id", req.GetTemplateId(), "sent", outItoa(s.now().UnixMilli()))
		p.Expire(ctx, k, s.cfg.StatusTTL.Std())
		return nil
	})
	if err != nil {
		// The message is sent; only its status record is missing.
		s.log.Warn("record template message", "app_id", appID, "msg_id", out.MsgID, "err", err)
	}
	return out.MsgID, nil
}

// TemplateStatus is what wxsuite knows of a template message's delivery.
type TemplateStatus struct {
	Status     messagingv1.TemplateDeliveryStatus
	Raw        string
	OpenID     string
	TemplateID string
	Sent       time.Time
	Finished   time.Time
}

// TemplateMessageStatus returns the delivery status of msgID.
func (s *Sender) TemplateMessageStatus(ctx context.Context, appID string, msgID int64) (TemplateStatus, error) {
	if err := s.checkAccount(appID); err != nil {
		return TemplateStatus{}, err
	}
	if msgID <= 0 {
		return TemplateStatus{}, &ArgumentError{Field: "msg_id", Reason: "is required"}
	}
	v, err := s.rdb.HGetAll(ctx, s.key(appID, "tmsg", outItoa(msgID))).Result()
	if err != nil {
		return TemplateStatus{}, &StoreError{AppID: appID, Op: "read template status", Err: err}
	}
	if len(v) == 0 {
		return TemplateStatus{}, &NotFoundError{What: "template message", ID: outItoa(msgID)}
	}
	st := TemplateStatus{Raw: v["status"], OpenID: v["openid"], TemplateID: v["template_id"],
		Sent: outUnixMilli(v["sent"]), Finished: outUnixMilli(v["finished"])}
	switch raw := strings.TrimSpace(st.Raw); {
	case raw == "":
		st.Status = messagingv1.TemplateDeliveryStatus_TEMPLATE_DELIVERY_STATUS_PENDING
	case raw == "success":
		st.Status = messagingv1.TemplateDeliveryStatus_TEMPLATE_DELIVERY_STATUS_SUCCESS
	case strings.ReplaceAll(raw, " ", "") == "failed:userblock":
		st.Status = messagingv1.TemplateDeliveryStatus_TEMPLATE_DELIVERY_STATUS_USER_BLOCK
	case strings.ReplaceAll(raw, " ", "") == "failed:systemfailed":
		st.Status = messagingv1.TemplateDeliveryStatus_TEMPLATE_DELIVERY_STATUS_SYSTEM_FAILED
	default:
		st.Status = messagingv1.TemplateDeliveryStatus_TEMPLATE_DELIVERY_STATUS_OTHER_FAILED
	}
	return st, nil
}

// outUnixMilli parses a stored Unix millisecond time ("" is the zero time).
func outUnixMilli(v string) time.Time {
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil || ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}
