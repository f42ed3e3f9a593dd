package sandbox

// This file emulates the card definition endpoints: card/create, get, update, delete,
// batchget, modifystock, getapplyprotocol, landingpage/create, qrcode/create,
// mpnews/gethtml, testwhitelist/set, paycell/set, selfconsumecell/set and storewxa/set.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Limits of card definitions (facts.md §6.8; byte lengths are the platform's "N 个汉字"
// counted as UTF-8 bytes, three a character).
const (
	cardMaxBrandName   = 36
	cardMaxTitle       = 27
	cardMaxNotice      = 48
	cardMaxDescription = 3072
	cardMaxQuantity    = 100000000
	cardMaxBatch       = 50 // card/batchget count
	cardMaxWhitelist   = 10 // openids (and usernames) of testwhitelist/set
	cardMaxQRCards     = 5  // cards of a QR_MULTIPLE_CARD code
	cardMinQRExpire    = 60
	cardMaxQRExpire    = 1800
	cardDefaultLimit   = 50 // get_limit when not given
)

// cardTypes are the card types card/create takes.
var cardTypes = map[string]bool{
	"GROUPON": true, "CASH": true, "DISCOUNT": true, "GIFT": true, "GENERAL_COUPON": true,
	"MEMBER_CARD": true, "SCENIC_TICKET": true, "MOVIE_TICKET": true, "BOARDING_PASS": true,
	"MEETING_TICKET": true,
}

// cardCodeTypes are the base_info.code_type values.
var cardCodeTypes = map[string]bool{
	"CODE_TYPE_TEXT": true, "CODE_TYPE_BARCODE": true, "CODE_TYPE_QRCODE": true,
	"CODE_TYPE_ONLY_QRCODE": true, "CODE_TYPE_ONLY_BARCODE": true, "CODE_TYPE_NONE": true,
}

// cardColor matches the colour names Color010 to Color102.
var cardColor = regexp.MustCompile(`^Color(0[1-9][0-9]|10[0-2])$`)

// cardBaseJSON is the part of base_info the sandbox checks.
type cardBaseJSON struct {
	LogoURL     string        `json:"logo_url"`
	BrandName   string        `json:"brand_name"`
	CodeType    string        `json:"code_type"`
	Title       string        `json:"title"`
	Color       string        `json:"color"`
	Notice      string        `json:"notice"`
	Description string        `json:"description"`
	DateInfo    *cardDateInfo `json:"date_info"`
	Sku         *struct {
		Quantity int64 `json:"quantity"`
	} `json:"sku"`
	GetLimit          int64  `json:"get_limit"`
	UseCustomCode     bool   `json:"use_custom_code"`
	GetCustomCodeMode string `json:"get_custom_code_mode"`
	BindOpenID        bool   `json:"bind_openid"`
}

// check validates a complete base_info at now (Unix seconds): 41011 for a missing
// required field, 40150 for a bad value, 40079 for a bad validity period.
func (b *cardBaseJSON) check(now int64) int {
	switch {
	case b.LogoURL == "" || b.BrandName == "" || b.CodeType == "" || b.Title == "" || b.Color == "" ||
		b.Notice == "" || b.Description == "" || b.DateInfo == nil || b.Sku == nil:
		return codeMissingFields
	case len(b.BrandName) > cardMaxBrandName || len(b.Title) > cardMaxTitle || len(b.Notice) > cardMaxNotice ||
		len(b.Description) > cardMaxDescription || !cardCodeTypes[b.CodeType] || !cardColor.MatchString(b.Color) ||
		b.Sku.Quantity < 0 || b.Sku.Quantity > cardMaxQuantity || b.GetLimit < 0:
		return codeCardInvalidParams
	case b.GetCustomCodeMode != "" && (b.GetCustomCodeMode != "GET_CUSTOM_CODE_MODE_DEPOSIT" || !b.UseCustomCode):
		return codeCardInvalidParams
	}
	d := b.DateInfo
	switch d.Type {
	case "DATE_TYPE_FIX_TIME_RANGE":
		if d.BeginTimestamp <= 0 || d.EndTimestamp <= d.BeginTimestamp || d.EndTimestamp < now {
			return codeCardInvalidTime
		}
	case "DATE_TYPE_FIX_TERM":
		if d.FixedTerm <= 0 || d.FixedBeginTerm < 0 {
			return codeCardInvalidTime
		}
	case "DATE_TYPE_PERMANENT":
	default:
		return codeCardInvalidTime
	}
	return codeOK
}

// decodeCardObject decodes a card type object keeping numbers exact.
func decodeCardObject(raw json.RawMessage) (map[string]any, bool) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var obj map[string]any
	if err := d.Decode(&obj); err != nil || obj == nil {
		return nil, false
	}
	return obj, true
}

// cardBase decodes obj's base_info: 41011 when it is missing, 47001 when it is not an
// object of the platform's shape.
func cardBase(obj map[string]any) (*cardBaseJSON, int) {
	if obj["base_info"] == nil {
		return nil, codeMissingFields
	}
	raw, err := json.Marshal(obj["base_info"])
	if err != nil {
		return nil, codeDataFormat
	}
	var b cardBaseJSON
	if json.Unmarshal(raw, &b) != nil {
		return nil, codeDataFormat
	}
	return &b, codeOK
}

// cardNum returns obj[key] as an integer (0 when absent, ok false when not a number).
func cardNum(obj map[string]any, key string) (int64, bool) {
	v, present := obj[key]
	if !present {
		return 0, true
	}
	n, isNum := v.(json.Number)
	if !isNum {
		return 0, false
	}
	i, err := n.Int64()
	return i, err == nil
}

// cardStr returns obj[key] as a string ("" when absent or not a string).
func cardStr(obj map[string]any, key string) string {
	v, _ := obj[key].(string)
	return v
}

// checkCardSpecific checks the type-specific fields of a complete card object:
// 41011 when a required one is missing, 40150 when one is out of range.
func checkCardSpecific(cardType string, obj map[string]any) int {
	required := map[string]string{"GROUPON": "deal_detail", "GIFT": "gift", "GENERAL_COUPON": "default_detail",
		"MEMBER_CARD": "prerogative", "MEETING_TICKET": "meeting_detail"}
	if key, ok := required[cardType]; ok && cardStr(obj, key) == "" {
		return codeMissingFields
	}
	switch cardType {
	case "CASH":
		reduce, ok1 := cardNum(obj, "reduce_cost")
		least, ok2 := cardNum(obj, "least_cost")
		if !ok1 || !ok2 {
			return codeCardInvalidParams
		}
		if reduce == 0 {
			return codeMissingFields
		}
		if reduce < 0 || least < 0 || (least > 0 && least < reduce) {
			return codeCardInvalidParams
		}
	case "DISCOUNT":
		d, ok := cardNum(obj, "discount")
		if !ok || d < 1 || d > 99 {
			return codeCardInvalidParams
		}
	case "BOARDING_PASS":
		if cardStr(obj, "from") == "" || cardStr(obj, "to") == "" || cardStr(obj, "flight") == "" {
			return codeMissingFields
		}
	case "MEMBER_CARD":
		d, ok := cardNum(obj, "discount")
		if !ok || d < 0 || d > 100 {
			return codeCardInvalidParams
		}
	}
	return codeOK
}

// serveCardCreate answers card/create: 40071 for an unknown card_type, 41011 when the
// object of that type or a required field is missing, 40150 for values out of range,
// 40079 for a bad date_info. The card starts in CARD_STATUS_NOT_VERIFY.
func (s *Sandbox) serveCardCreate(c *apiCall) answer {
	var req struct {
		Card map[string]json.RawMessage `json:"card"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.Card == nil {
		return fail(codeMissingFields)
	}
	var cardType string
	if raw, ok := req.Card["card_type"]; !ok || json.Unmarshal(raw, &cardType) != nil {
		return fail(codeMissingFields)
	}
	if !cardTypes[cardType] {
		return cardFail(codeCardInvalidType)
	}
	raw, ok := req.Card[strings.ToLower(cardType)]
	if !ok {
		return fail(codeMissingFields)
	}
	obj, ok := decodeCardObject(raw)
	if !ok {
		return fail(codeDataFormat)
	}
	base, code := cardBase(obj)
	if code != codeOK {
		return fail(code)
	}
	if code := base.check(c.now.Unix()); code != codeOK {
		return cardFail(code)
	}
	if code := checkCardSpecific(cardType, obj); code != codeOK {
		return cardFail(code)
	}
	st := &c.a.card
	st.init()
	id := "p" + s.randString(27)
	for st.cards[id] != nil {
		id = "p" + s.randString(27)
	}
	limit := base.GetLimit
	if limit == 0 {
		limit = cardDefaultLimit
	}
	st.cards[id] = &cardDef{id: id, cardType: cardType, object: obj, status: cardStatusNotVerify,
		quantity: base.Sku.Quantity, total: base.Sku.Quantity, custom: base.UseCustomCode,
		deposit: base.GetCustomCodeMode == "GET_CUSTOM_CODE_MODE_DEPOSIT", getLimit: limit,
		dateInfo: *base.DateInfo, known: make(map[string]bool), created: c.now}
	st.order = append(st.order, id)
	return succeed(struct {
		envelope
		CardID string `json:"card_id"`
	}{envelope{0, "ok"}, id})
}

// cardIDBody decodes a body holding card_id; code is not codeOK when the body is bad or
// the card unknown (40073).
func (c *apiCall) cardByID(v any, cardID *string) (*cardDef, int) {
	if code := c.decode(v); code != codeOK {
		return nil, code
	}
	if *cardID == "" {
		return nil, codeMissingFields
	}
	c.a.card.init()
	card := c.a.card.card(*cardID)
	if card == nil {
		return nil, codeCardInvalidCardID
	}
	return card, codeOK
}

// view is the card object card/get returns: the stored object with base_info.id,
// status and sku (quantity, total_quantity) filled in.
func (d *cardDef) view() map[string]any {
	raw, _ := json.Marshal(d.object) // stored objects always encode
	obj, _ := decodeCardObject(raw)
	base, _ := obj["base_info"].(map[string]any)
	if base == nil {
		base = map[string]any{}
		obj["base_info"] = base
	}
	base["id"] = d.id
	base["status"] = d.status
	base["sku"] = map[string]any{"quantity": d.quantity, "total_quantity": d.total}
	return obj
}

// serveCardGet answers card/get with the card's definition.
func (s *Sandbox) serveCardGet(c *apiCall) answer {
	var req struct {
		CardID string `json:"card_id"`
	}
	card, code := c.cardByID(&req, &req.CardID)
	if code != codeOK {
		return cardFail(code)
	}
	return succeed(struct {
		envelope
		Card map[string]any `json:"card"`
	}{envelope{0, "ok"}, map[string]any{"card_type": card.cardType, strings.ToLower(card.cardType): card.view()}})
}

// cardFixedBase are base_info fields card/update cannot change (sandbox choice: the
// stock goes through modifystock, the code mode and brand are fixed at creation).
var cardFixedBase = []string{"sku", "brand_name", "use_custom_code", "get_custom_code_mode"}

// cardReviewedBase are base_info fields whose change sends a card back to review
// (sandbox choice: what users read on the card face).
var cardReviewedBase = []string{"title", "sub_title", "logo_url", "description", "notice"}

// serveCardUpdate answers card/update: the body holds card_id and the object of the
// card's type (40071 when it is another type's) with the fields to change. Changing
// the face (title, logo, …) sends the card back to review (send_check true).
func (s *Sandbox) serveCardUpdate(c *apiCall) answer {
	fields, code := c.object()
	if code != codeOK {
		return fail(code)
	}
	var cardID string
	if raw, ok := fields["card_id"]; !ok || json.Unmarshal(raw, &cardID) != nil || cardID == "" {
		return fail(codeMissingFields)
	}
	c.a.card.init()
	card := c.a.card.card(cardID)
	if card == nil {
		return cardFail(codeCardInvalidCardID)
	}
	delete(fields, "card_id")
	if len(fields) != 1 {
		return fail(codeMissingFields)
	}
	raw, ok := fields[strings.ToLower(card.cardType)]
	if !ok {
		return cardFail(codeCardInvalidType)
	}
	changes, ok := decodeCardObject(raw)
	if !ok {
		return fail(codeDataFormat)
	}
	merged := card.view()
	oldBase, _ := merged["base_info"].(map[string]any)
	sendCheck := false
	for k, v := range changes {
		if k != "base_info" {
			merged[k] = v
			continue
		}
		cb, isObj := v.(map[string]any)
		if !isObj {
			return fail(codeDataFormat)
		}
		for bk, bv := range cb {
			if cardContains(cardFixedBase, bk) {
				return cardFail(codeCardInvalidParams)
			}
			if cardContains(cardReviewedBase, bk) && fmt.Sprint(oldBase[bk]) != fmt.Sprint(bv) {
				sendCheck = true
			}
			oldBase[bk] = bv
		}
	}
	base, code := cardBase(merged)
	if code != codeOK {
		return fail(code)
	}
	base.Sku = &struct {
		Quantity int64 `json:"quantity"`
	}{card.quantity}
	if code := base.check(c.now.Unix()); code != codeOK {
		return cardFail(code)
	}
	if code := checkCardSpecific(card.cardType, merged); code != codeOK {
		return cardFail(code)
	}
	delete(oldBase, "id")
	delete(oldBase, "status")
	delete(oldBase, "sku")
	card.object = merged
	card.dateInfo = *base.DateInfo
	if base.GetLimit > 0 {
		card.getLimit = base.GetLimit
	}
	if sendCheck {
		card.status = cardStatusNotVerify
	}
	return succeed(struct {
		envelope
		SendCheck bool `json:"send_check"`
	}{envelope{0, "ok"}, sendCheck})
}

// serveCardDelete answers card/delete: the card can no longer be read or received;
// received codes stay.
func (s *Sandbox) serveCardDelete(c *apiCall) answer {
	var req struct {
		CardID string `json:"card_id"`
	}
	card, code := c.cardByID(&req, &req.CardID)
	if code != codeOK {
		return cardFail(code)
	}
	card.deleted = true
	return fail(codeOK)
}

// serveCardBatchGet answers card/batchget: count must be 1 to 50 (40097 otherwise,
// behaviour.md §0 convention), status_list filters.
func (s *Sandbox) serveCardBatchGet(c *apiCall) answer {
	var req struct {
		Offset     int64    `json:"offset"`
		Count      int64    `json:"count"`
		StatusList []string `json:"status_list"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.Count < 1 || req.Count > cardMaxBatch || req.Offset < 0 {
		return fail(codeInvalidArgs)
	}
	st := &c.a.card
	st.init()
	ids := []string{}
	for _, id := range st.order {
		card := st.cards[id]
		status := card.status
		if card.deleted {
			continue
		}
		if len(req.StatusList) > 0 && !cardContains(req.StatusList, status) {
			continue
		}
		ids = append(ids, id)
	}
	total := len(ids)
	lo := min(int(req.Offset), total)
	hi := min(lo+int(req.Count), total)
	return succeed(struct {
		envelope
		CardIDList []string `json:"card_id_list"`
		TotalNum   int      `json:"total_num"`
	}{envelope{0, "ok"}, ids[lo:hi], total})
}

// serveCardModifyStock answers card/modifystock: 41011 when neither value is set,
// 40097 (behaviour.md §0 convention) when the stock would go below 0 or above the
// platform's 100,000,000.
func (s *Sandbox) serveCardModifyStock(c *apiCall) answer {
	var req struct {
		CardID   string `json:"card_id"`
		Increase int64  `json:"increase_stock_value"`
		Reduce   int64  `json:"reduce_stock_value"`
	}
	card, code := c.cardByID(&req, &req.CardID)
	if code != codeOK {
		return cardFail(code)
	}
	if req.Increase == 0 && req.Reduce == 0 {
		return fail(codeMissingFields)
	}
	q := card.quantity + req.Increase - req.Reduce
	if req.Increase < 0 || req.Reduce < 0 || q < 0 || q > cardMaxQuantity {
		return fail(codeInvalidArgs)
	}
	card.quantity = q
	card.total += req.Increase
	return fail(codeOK)
}

// cardCategories is the sandbox's fixed answer of card/getapplyprotocol (a subset of
// the platform's categories).
var cardCategories = []map[string]any{
	{"primary_category_id": 1, "category_name": "美食", "secondary_category": []map[string]any{
		{"secondary_category_id": 101, "category_name": "粤菜", "need_qualification_stuffs": []string{"food_business_license_id", "food_health_license_id"}, "can_choose_prepaid_card": 1, "can_choose_payment_card": 1},
		{"secondary_category_id": 102, "category_name": "茶餐厅", "need_qualification_stuffs": []string{"food_business_license_id"}, "can_choose_prepaid_card": 1, "can_choose_payment_card": 1},
	}},
	{"primary_category_id": 2, "category_name": "购物", "secondary_category": []map[string]any{
		{"secondary_category_id": 201, "category_name": "百货商场", "need_qualification_stuffs": []string{}, "can_choose_prepaid_card": 1, "can_choose_payment_card": 1},
		{"secondary_category_id": 202, "category_name": "超市", "need_qualification_stuffs": []string{}, "can_choose_prepaid_card": 0, "can_choose_payment_card": 1},
	}},
	{"primary_category_id": 3, "category_name": "休闲娱乐", "secondary_category": []map[string]any{
		{"secondary_category_id": 301, "category_name": "美容美发", "need_qualification_stuffs": []string{}, "can_choose_prepaid_card": 1, "can_choose_payment_card": 0},
	}},
}

// cardCategoryOK reports whether primary and secondary name a category of the list.
func cardCategoryOK(primary, secondary int64) bool {
	for _, p := range cardCategories {
		if int64(p["primary_category_id"].(int)) != primary {
			continue
		}
		for _, sc := range p["secondary_category"].([]map[string]any) {
			if int64(sc["secondary_category_id"].(int)) == secondary {
				return true
			}
		}
	}
	return false
}

// serveCardApplyProtocol answers card/getapplyprotocol (GET).
func (s *Sandbox) serveCardApplyProtocol(c *apiCall) answer {
	return succeed(struct {
		envelope
		Category []map[string]any `json:"category"`
	}{envelope{0, "ok"}, cardCategories})
}

// cardScenes are the scene values of card/landingpage/create.
var cardScenes = map[string]int{"SCENE_NEAR_BY": 1, "SCENE_MENU": 2, "SCENE_QRCODE": 3, "SCENE_ARTICLE": 4,
	"SCENE_H5": 5, "SCENE_IVR": 6, "SCENE_CARD_CUSTOM_CELL": 7}

// serveCardLandingPage answers card/landingpage/create: 41011 without banner,
// page_title, scene or cards; 40097 (behaviour.md §0) for an unknown scene; 40073 for a
// card the account does not have.
func (s *Sandbox) serveCardLandingPage(c *apiCall) answer {
	var req struct {
		Banner    string `json:"banner"`
		PageTitle string `json:"page_title"`
		CanShare  bool   `json:"can_share"`
		Scene     string `json:"scene"`
		CardList  []struct {
			CardID   string `json:"card_id"`
			ThumbURL string `json:"thumb_url"`
		} `json:"card_list"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.Banner == "" || req.PageTitle == "" || req.Scene == "" || len(req.CardList) == 0 {
		return fail(codeMissingFields)
	}
	scene, ok := cardScenes[req.Scene]
	if !ok {
		return fail(codeInvalidArgs)
	}
	st := &c.a.card
	st.init()
	for _, item := range req.CardList {
		if st.card(item.CardID) == nil {
			return cardFail(codeCardInvalidCardID)
		}
	}
	st.pages++
	return succeed(struct {
		envelope
		URL    string `json:"url"`
		PageID int    `json:"page_id"`
	}{envelope{0, "ok"}, fmt.Sprintf("https://mp.weixin.qq.com/bizmall/cardlandingpage?biz=%s&page_id=%d&scene=%d#wechat_redirect",
		url.QueryEscape(c.a.AppID), st.pages, scene), st.pages})
}

// cardQRItem is a card of card/qrcode/create.
type cardQRItem struct {
	CardID       string `json:"card_id"`
	Code         string `json:"code"`
	OpenID       string `json:"openid"`
	IsUniqueCode bool   `json:"is_unique_code"`
	OuterStr     string `json:"outer_str"`
}

// serveCardQRCode answers card/qrcode/create: action_name QR_CARD (action_info.card) or
// QR_MULTIPLE_CARD (action_info.multiple_card.card_list, 1 to 5 cards); expire_seconds
// 0 (permanent) or 60 to 1800. 40097 (behaviour.md §0) for an unknown action or
// expiry or list size, 40073 for an unknown card, 41011 for a custom-code card
// (not in deposit mode) without a code, 40003 for a malformed openid.
func (s *Sandbox) serveCardQRCode(c *apiCall) answer {
	var req struct {
		ActionName    string `json:"action_name"`
		ExpireSeconds int64  `json:"expire_seconds"`
		ActionInfo    struct {
			Card         *cardQRItem `json:"card"`
			MultipleCard *struct {
				CardList []cardQRItem `json:"card_list"`
			} `json:"multiple_card"`
		} `json:"action_info"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.ExpireSeconds != 0 && (req.ExpireSeconds < cardMinQRExpire || req.ExpireSeconds > cardMaxQRExpire) {
		return fail(codeInvalidArgs)
	}
	var items []cardQRItem
	switch req.ActionName {
	case "QR_CARD":
		if req.ActionInfo.Card == nil {
			return fail(codeMissingFields)
		}
		items = []cardQRItem{*req.ActionInfo.Card}
	case "QR_MULTIPLE_CARD":
		if req.ActionInfo.MultipleCard == nil || len(req.ActionInfo.MultipleCard.CardList) == 0 {
			return fail(codeMissingFields)
		}
		items = req.ActionInfo.MultipleCard.CardList
		if len(items) > cardMaxQRCards {
			return fail(codeInvalidArgs)
		}
	default:
		return fail(codeInvalidArgs)
	}
	st := &c.a.card
	st.init()
	for _, it := range items {
		card := st.card(it.CardID)
		switch {
		case it.CardID == "":
			return fail(codeMissingFields)
		case card == nil:
			return cardFail(codeCardInvalidCardID)
		case card.custom && !card.deposit && it.Code == "":
			return fail(codeMissingFields)
		case it.OpenID != "" && !cardOpenIDOK(it.OpenID):
			return fail(codeInvalidOpenID)
		}
	}
	ticket := "gQ" + s.randString(94)
	q := &cardQRCode{items: items}
	if req.ExpireSeconds > 0 {
		q.expires = c.now.Add(time.Duration(req.ExpireSeconds) * time.Second)
	}
	st.qrcodes[ticket] = q
	return succeed(struct {
		envelope
		Ticket        string `json:"ticket"`
		ExpireSeconds int64  `json:"expire_seconds"`
		URL           string `json:"url"`
		ShowQRCodeURL string `json:"show_qrcode_url"`
	}{envelope{0, "ok"}, ticket, req.ExpireSeconds, "http://weixin.qq.com/q/" + s.randString(22),
		"https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=" + url.QueryEscape(ticket)})
}

// serveCardMpNewsHTML answers card/mpnews/gethtml with the iframe that embeds the card.
func (s *Sandbox) serveCardMpNewsHTML(c *apiCall) answer {
	var req struct {
		CardID string `json:"card_id"`
	}
	card, code := c.cardByID(&req, &req.CardID)
	if code != codeOK {
		return cardFail(code)
	}
	return succeed(struct {
		envelope
		Content string `json:"content"`
	}{envelope{0, "ok"}, fmt.Sprintf(`<iframe class="res_iframe card_iframe js_editor_card" data-src="http://mp.weixin.qq.com/bizmall/appmsgcard?action=show&biz=%s&cardid=%s&wechat_card_js=1#wechat_redirect"></iframe>`,
		url.QueryEscape(c.a.AppID), card.id)})
}

// serveCardTestWhitelist answers card/testwhitelist/set: it replaces the whitelist; at
// most 10 openids and 10 usernames (40097 beyond, behaviour.md §0), 40003 for a
// malformed openid.
func (s *Sandbox) serveCardTestWhitelist(c *apiCall) answer {
	var req struct {
		OpenID   []string `json:"openid"`
		Username []string `json:"username"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if len(req.OpenID) == 0 && len(req.Username) == 0 {
		return fail(codeMissingFields)
	}
	if len(req.OpenID) > cardMaxWhitelist || len(req.Username) > cardMaxWhitelist {
		return fail(codeInvalidArgs)
	}
	for _, o := range req.OpenID {
		if !cardOpenIDOK(o) {
			return fail(codeInvalidOpenID)
		}
	}
	c.a.card.init()
	c.a.card.whitelist.openids = append([]string(nil), req.OpenID...)
	c.a.card.whitelist.usernames = append([]string(nil), req.Username...)
	return fail(codeOK)
}

// setCell stores the settings of a cell endpoint for a card.
func (c *apiCall) cardSetCell(cardID, cell string, v map[string]any) {
	st := &c.a.card
	if st.cells[cardID] == nil {
		st.cells[cardID] = map[string]any{}
	}
	st.cells[cardID][cell] = v
}

// serveCardPayCell answers card/paycell/set.
func (s *Sandbox) serveCardPayCell(c *apiCall) answer {
	var req struct {
		CardID string `json:"card_id"`
		IsOpen bool   `json:"is_open"`
	}
	card, code := c.cardByID(&req, &req.CardID)
	if code != codeOK {
		return cardFail(code)
	}
	c.cardSetCell(card.id, "paycell", map[string]any{"is_open": req.IsOpen})
	return fail(codeOK)
}

// serveCardSelfConsumeCell answers card/selfconsumecell/set.
func (s *Sandbox) serveCardSelfConsumeCell(c *apiCall) answer {
	var req struct {
		CardID           string `json:"card_id"`
		IsOpen           bool   `json:"is_open"`
		NeedVerifyCod    bool   `json:"need_verify_cod"`
		NeedRemarkAmount bool   `json:"need_remark_amount"`
	}
	card, code := c.cardByID(&req, &req.CardID)
	if code != codeOK {
		return cardFail(code)
	}
	c.cardSetCell(card.id, "selfconsumecell", map[string]any{"is_open": req.IsOpen, "need_verify_cod": req.NeedVerifyCod,
		"need_remark_amount": req.NeedRemarkAmount})
	return fail(codeOK)
}

// serveCardStoreWxa answers card/storewxa/set: 41011 without poi_id.
func (s *Sandbox) serveCardStoreWxa(c *apiCall) answer {
	var req struct {
		CardID string `json:"card_id"`
		PoiID  int64  `json:"poi_id"`
	}
	card, code := c.cardByID(&req, &req.CardID)
	if code != codeOK {
		return cardFail(code)
	}
	if req.PoiID <= 0 {
		return fail(codeMissingFields)
	}
	c.cardSetCell(card.id, "storewxa", map[string]any{"poi_id": req.PoiID})
	return fail(codeOK)
}
