package sandbox

// This file emulates the pay-gift rules (card/paygiftcard/add, getbyid, batchget) and
// the sub-merchants (card/submerchant/submit, get, batchget, update) of the cards
// domain. The digest names these endpoints without their errcodes: unknown rule and
// merchant ids and out-of-range values are 40097 (behaviour.md §0 convention).

import (
	"fmt"
	"slices"
	"strconv"
)

// Limits of the pay-gift and sub-merchant lists.
const (
	cardMaxRuleBatch     = 100
	cardMaxMerchantBatch = 100
	cardFirstMerchantID  = 1000 // the sandbox's first merchant_id (its choice)
	cardPayMemberRule    = "RULE_TYPE_PAY_MEMBER_CARD"
	cardMerchantChecking = "CHECKING"
	cardMerchantApproved = "APPROVED"
	cardMerchantRejected = "REJECTED"
)

// cardPayGiftRule is a pay-gift rule.
type cardPayGiftRule struct {
	ID         uint32                `json:"rule_id"`
	Type       string                `json:"type"`
	BaseInfo   cardPayGiftBase       `json:"base_info"`
	MemberRule cardPayGiftMemberJSON `json:"member_rule"`
}

// cardPayGiftBase is the base_info of a pay-gift rule.
type cardPayGiftBase struct {
	MchIDList  []string `json:"mchid_list"`
	BeginTime  int64    `json:"begin_time"`
	EndTime    int64    `json:"end_time"`
	Status     string   `json:"status,omitempty"`
	CreateTime int64    `json:"create_time,omitempty"`
	UpdateTime int64    `json:"update_time,omitempty"`
}

// cardPayGiftMemberJSON is the member_rule of a pay-gift rule.
type cardPayGiftMemberJSON struct {
	CardID       string `json:"card_id"`
	LeastCost    int64  `json:"least_cost"`
	MaxCost      int64  `json:"max_cost"`
	JumpURL      string `json:"jump_url,omitempty"`
	AppBrandID   string `json:"app_brand_id,omitempty"`
	AppBrandPass string `json:"app_brand_pass,omitempty"`
}

// view is r as getbyid and batchget return it at now.
func (r *cardPayGiftRule) view(now int64) cardPayGiftRule {
	v := *r
	v.BaseInfo.MchIDList = slices.Clone(r.BaseInfo.MchIDList)
	v.BaseInfo.Status = "RULE_STATUS_OK"
	if now > r.BaseInfo.EndTime {
		v.BaseInfo.Status = "RULE_STATUS_EXPIRE"
	}
	return v
}

// cardMchFail is an entry of fail_mchid_list.
type cardMchFail struct {
	MchID        string `json:"mchid"`
	Errcode      int    `json:"errcode"`
	Errmsg       string `json:"errmsg"`
	OccupyRuleID uint32 `json:"occupy_rule_id,omitempty"`
	OccupyAppID  string `json:"occupy_appid,omitempty"`
}

// serveCardPayGiftAdd answers card/paygiftcard/add: 41011 without rule_info or
// mchid_list, 40097 for another type or max_cost below least_cost, 40079 for a bad
// period, 40073/40071 for a member_rule.card_id that is unknown or not a member card.
// A merchant number that is not digits, or is in another of the account's rules whose
// period overlaps, goes to fail_mchid_list; the rule is created when at least one
// merchant number succeeds (rule_id is absent otherwise).
func (s *Sandbox) serveCardPayGiftAdd(c *apiCall) answer {
	var req struct {
		RuleInfo *cardPayGiftRule `json:"rule_info"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	r := req.RuleInfo
	if r == nil || len(r.BaseInfo.MchIDList) == 0 || r.MemberRule.CardID == "" {
		return fail(codeMissingFields)
	}
	switch {
	case r.Type != cardPayMemberRule:
		return fail(codeInvalidArgs)
	case r.BaseInfo.BeginTime <= 0 || r.BaseInfo.EndTime <= r.BaseInfo.BeginTime:
		return cardFail(codeCardInvalidTime)
	case r.MemberRule.LeastCost < 0 || r.MemberRule.MaxCost < 0 || (r.MemberRule.MaxCost > 0 && r.MemberRule.MaxCost < r.MemberRule.LeastCost):
		return fail(codeInvalidArgs)
	}
	st := &c.a.card
	st.init()
	card := st.card(r.MemberRule.CardID)
	switch {
	case card == nil:
		return cardFail(codeCardInvalidCardID)
	case card.cardType != "MEMBER_CARD":
		return cardFail(codeCardInvalidType)
	}
	succ, failed := []string{}, []cardMchFail{}
	for _, m := range r.BaseInfo.MchIDList {
		if _, err := strconv.ParseUint(m, 10, 64); err != nil || slices.Contains(succ, m) {
			failed = append(failed, cardMchFail{MchID: m, Errcode: codeInvalidArgs, Errmsg: "invalid mchid"})
			continue
		}
		var occupied *cardPayGiftRule
		for _, other := range st.rules {
			if slices.Contains(other.BaseInfo.MchIDList, m) && other.BaseInfo.BeginTime < r.BaseInfo.EndTime &&
				r.BaseInfo.BeginTime < other.BaseInfo.EndTime && other.BaseInfo.EndTime >= c.now.Unix() {
				occupied = other
				break
			}
		}
		if occupied != nil {
			failed = append(failed, cardMchFail{MchID: m, Errcode: codeInvalidArgs, Errmsg: "mchid is occupied by another rule",
				OccupyRuleID: occupied.ID, OccupyAppID: c.a.AppID})
			continue
		}
		succ = append(succ, m)
	}
	var id uint32
	if len(succ) > 0 {
		st.nextRule++
		id = st.nextRule
		rule := *r
		rule.ID = id
		rule.BaseInfo = cardPayGiftBase{MchIDList: succ, BeginTime: r.BaseInfo.BeginTime, EndTime: r.BaseInfo.EndTime,
			CreateTime: c.now.Unix(), UpdateTime: c.now.Unix()}
		st.rules[id] = &rule
	}
	return succeed(struct {
		envelope
		RuleID        uint32        `json:"rule_id,omitempty"`
		SuccMchIDList []string      `json:"succ_mchid_list"`
		FailMchIDList []cardMchFail `json:"fail_mchid_list"`
	}{envelope{0, "ok"}, id, succ, failed})
}

// serveCardPayGiftGet answers card/paygiftcard/getbyid: 41011 without rule_id, 40097
// for an unknown one.
func (s *Sandbox) serveCardPayGiftGet(c *apiCall) answer {
	var req struct {
		RuleID uint32 `json:"rule_id"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.RuleID == 0 {
		return fail(codeMissingFields)
	}
	c.a.card.init()
	r := c.a.card.rules[req.RuleID]
	if r == nil {
		return fail(codeInvalidArgs)
	}
	return succeed(struct {
		envelope
		RuleInfo cardPayGiftRule `json:"rule_info"`
	}{envelope{0, "ok"}, r.view(c.now.Unix())})
}

// serveCardPayGiftBatchGet answers card/paygiftcard/batchget: count 1 to 100, type
// RULE_TYPE_PAY_MEMBER_CARD (or empty), effective keeps the rules in effect now.
func (s *Sandbox) serveCardPayGiftBatchGet(c *apiCall) answer {
	var req struct {
		Type      string `json:"type"`
		Effective bool   `json:"effective"`
		Offset    int64  `json:"offset"`
		Count     int64  `json:"count"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if (req.Type != "" && req.Type != cardPayMemberRule) || req.Count < 1 || req.Count > cardMaxRuleBatch || req.Offset < 0 {
		return fail(codeInvalidArgs)
	}
	st := &c.a.card
	st.init()
	now := c.now.Unix()
	var ids []uint32
	for id, r := range st.rules {
		if !req.Effective || (r.BaseInfo.BeginTime <= now && now <= r.BaseInfo.EndTime) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	total := len(ids)
	lo := min(int(req.Offset), total)
	hi := min(lo+int(req.Count), total)
	list := []cardPayGiftRule{}
	for _, id := range ids[lo:hi] {
		list = append(list, st.rules[id].view(now))
	}
	return succeed(struct {
		envelope
		RuleList   []cardPayGiftRule `json:"rule_list"`
		TotalCount int               `json:"total_count"`
	}{envelope{0, "ok"}, list, total})
}

// cardSubMerchant is a sub-merchant, in the platform's info shape.
type cardSubMerchant struct {
	MerchantID          uint32 `json:"merchant_id"`
	AppID               string `json:"app_id,omitempty"`
	BrandName           string `json:"brand_name"`
	LogoURL             string `json:"logo_url"`
	Protocol            string `json:"protocol"`
	AgreementMediaID    string `json:"agreement_media_id,omitempty"`
	OperatorMediaID     string `json:"operator_media_id,omitempty"`
	EndTime             int64  `json:"end_time"`
	PrimaryCategoryID   int64  `json:"primary_category_id"`
	SecondaryCategoryID int64  `json:"secondary_category_id"`
	Status              string `json:"status"`
	CreateTime          int64  `json:"create_time"`
	UpdateTime          int64  `json:"update_time"`
	BeginTime           int64  `json:"begin_time"`
}

// check validates a submitted info at now: 41011 for a missing field, 40097 for a
// brand_name over 36 bytes or an unknown category, 40079 for an end_time in the past.
func (m *cardSubMerchant) check(now int64) int {
	switch {
	case m.BrandName == "" || m.LogoURL == "" || m.Protocol == "" || m.EndTime == 0 || m.PrimaryCategoryID == 0 || m.SecondaryCategoryID == 0:
		return codeMissingFields
	case len(m.BrandName) > cardMaxBrandName || !cardCategoryOK(m.PrimaryCategoryID, m.SecondaryCategoryID):
		return codeInvalidArgs
	case m.EndTime < now:
		return codeCardInvalidTime
	}
	return codeOK
}

// infoAnswer is the {errcode, errmsg, info} answer of the sub-merchant endpoints.
func cardInfoAnswer(m cardSubMerchant) answer {
	return succeed(struct {
		envelope
		Info cardSubMerchant `json:"info"`
	}{envelope{0, "ok"}, m})
}

// serveCardSubMerchantSubmit answers card/submerchant/submit: the sub-merchant gets
// the next merchant_id and status CHECKING until [Sandbox.ReviewCardSubMerchant].
func (s *Sandbox) serveCardSubMerchantSubmit(c *apiCall) answer {
	var req struct {
		Info *cardSubMerchant `json:"info"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.Info == nil {
		return fail(codeMissingFields)
	}
	m := *req.Info
	now := c.now.Unix()
	if code := m.check(now); code != codeOK {
		return cardFail(code)
	}
	st := &c.a.card
	st.init()
	if st.nextMerchant == 0 {
		st.nextMerchant = cardFirstMerchantID - 1
	}
	st.nextMerchant++
	m.MerchantID = st.nextMerchant
	m.Status, m.CreateTime, m.UpdateTime, m.BeginTime = cardMerchantChecking, now, now, now
	st.merchants[m.MerchantID] = &m
	return cardInfoAnswer(m)
}

// serveCardSubMerchantGet answers card/submerchant/get: 41011 without merchant_id,
// 40097 for an unknown one.
func (s *Sandbox) serveCardSubMerchantGet(c *apiCall) answer {
	var req struct {
		MerchantID uint32 `json:"merchant_id"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.MerchantID == 0 {
		return fail(codeMissingFields)
	}
	c.a.card.init()
	m := c.a.card.merchants[req.MerchantID]
	if m == nil {
		return fail(codeInvalidArgs)
	}
	return cardInfoAnswer(*m)
}

// serveCardSubMerchantBatchGet answers card/submerchant/batchget: limit 1 to 100,
// merchants from begin_id by id, optionally in one status; next_begin_id is the id
// after the page when more remain, 0 at the end.
func (s *Sandbox) serveCardSubMerchantBatchGet(c *apiCall) answer {
	var req struct {
		BeginID uint32 `json:"begin_id"`
		Limit   int64  `json:"limit"`
		Status  string `json:"status"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.Limit < 1 || req.Limit > cardMaxMerchantBatch {
		return fail(codeInvalidArgs)
	}
	st := &c.a.card
	st.init()
	var ids []uint32
	for id, m := range st.merchants {
		if id >= req.BeginID && (req.Status == "" || m.Status == req.Status) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	list := []cardSubMerchant{}
	var next uint32
	for i, id := range ids {
		if int64(i) == req.Limit {
			next = id
			break
		}
		list = append(list, *st.merchants[id])
	}
	return succeed(struct {
		envelope
		InfoList    []cardSubMerchant `json:"info_list"`
		NextBeginID uint32            `json:"next_begin_id"`
	}{envelope{0, "ok"}, list, next})
}

// serveCardSubMerchantUpdate answers card/submerchant/update: info.merchant_id names
// the sub-merchant (40097 when unknown); the new data is checked as at submission and
// the sub-merchant goes back to CHECKING.
func (s *Sandbox) serveCardSubMerchantUpdate(c *apiCall) answer {
	var req struct {
		Info *cardSubMerchant `json:"info"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.Info == nil || req.Info.MerchantID == 0 {
		return fail(codeMissingFields)
	}
	st := &c.a.card
	st.init()
	old := st.merchants[req.Info.MerchantID]
	if old == nil {
		return fail(codeInvalidArgs)
	}
	m := *req.Info
	now := c.now.Unix()
	if code := m.check(now); code != codeOK {
		return cardFail(code)
	}
	m.Status, m.CreateTime, m.UpdateTime, m.BeginTime = cardMerchantChecking, old.CreateTime, now, old.BeginTime
	*old = m
	return cardInfoAnswer(m)
}

// ReviewCardSubMerchant is the platform's review of a sub-merchant: APPROVED or REJECTED,
// pushed as card_merchant_check_result (MerchantId, IsPass, Reason). Errors wrap
// ErrUnknownAccount or ErrUnknownCard.
func (s *Sandbox) ReviewCardSubMerchant(appID string, merchantID uint32, approve bool, reason string) error {
	if err := checkText("reason", reason); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.cardAccount(appID)
	if err != nil {
		return err
	}
	m := a.card.merchants[merchantID]
	if m == nil {
		return fmt.Errorf("sub-merchant %d: %w", merchantID, ErrUnknownCard)
	}
	m.Status = cardMerchantRejected
	pass := "0"
	if approve {
		m.Status, pass = cardMerchantApproved, "1"
	}
	m.UpdateTime = s.Now().Unix()
	s.pushPlatformEvent(a, cardReviewer, Event{Event: "card_merchant_check_result", Fields: map[string]string{
		"MerchantId": strconv.FormatUint(uint64(merchantID), 10), "IsPass": pass, "Reason": reason}})
	return nil
}
