package sandbox

// This file emulates the code endpoints: card/code/get, consume, decrypt, checkcode,
// deposit, getdepositcount, unavailable, update and card/user/getcardlist.

import (
	"slices"
	"strings"
)

// cardMaxCodes bounds the codes of one deposit or checkcode call.
const cardMaxCodes = 100

// cardCodeCardJSON is the card object of code/get and code/consume answers.
type cardCodeCardJSON struct {
	CardID           string `json:"card_id"`
	BeginTime        int64  `json:"begin_time,omitempty"`
	EndTime          int64  `json:"end_time,omitempty"`
	MembershipNumber string `json:"membership_number,omitempty"`
}

// lookupCode finds the code of a request: 41011 without code, 41011 without card_id for
// a custom-code card (facts.md §6.8: card_id is required there), 40073 for an unknown
// card_id, 40056 for an unknown code.
func (c *apiCall) cardLookupCode(cardID, code string) (*cardCode, int) {
	if code == "" {
		return nil, codeMissingFields
	}
	st := &c.a.card
	st.init()
	if cardID != "" && st.cards[cardID] == nil {
		return nil, codeCardInvalidCardID
	}
	cc := st.findCode(cardID, code)
	if cc == nil {
		return nil, codeCardInvalidCode
	}
	if cardID == "" && st.cards[cc.cardID].custom {
		return nil, codeMissingFields
	}
	return cc, codeOK
}

// usable is codeOK when cc can be consumed at now: 40099 once consumed, 40127 when
// expired, unavailable, deleted or not yet valid.
func (c *apiCall) cardUsable(cc *cardCode) int {
	switch status := cc.liveStatus(c.now); {
	case status == cardUserConsumed:
		return codeCardConsumed
	case status != cardUserNormal, cc.begin > 0 && c.now.Unix() < cc.begin:
		return codeCardInvalidUserStatus
	}
	return codeOK
}

// serveCardCodeGet answers card/code/get. check_consume defaults to true: a code that
// cannot be consumed now is then 40099 (consumed) or 40127 (other states).
func (s *Sandbox) serveCardCodeGet(c *apiCall) answer {
	var req struct {
		CardID       string `json:"card_id"`
		Code         string `json:"code"`
		CheckConsume *bool  `json:"check_consume"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	cc, code := c.cardLookupCode(req.CardID, req.Code)
	if code != codeOK {
		return cardFail(code)
	}
	usable := c.cardUsable(cc)
	if (req.CheckConsume == nil || *req.CheckConsume) && usable != codeOK {
		return cardFail(usable)
	}
	card := cardCodeCardJSON{CardID: cc.cardID, BeginTime: cc.begin, EndTime: cc.end}
	if cc.activated {
		card.MembershipNumber = cc.membershipNumber
	}
	return succeed(struct {
		envelope
		Card           cardCodeCardJSON `json:"card"`
		OpenID         string           `json:"openid"`
		CanConsume     bool             `json:"can_consume"`
		UserCardStatus string           `json:"user_card_status"`
	}{envelope{0, "ok"}, card, cc.openID, usable == codeOK, cc.liveStatus(c.now)})
}

// serveCardCodeConsume answers card/code/consume: a code is consumed once (40099 after
// that, 40127 in other unusable states); user_consume_card is pushed.
func (s *Sandbox) serveCardCodeConsume(c *apiCall) answer {
	var req struct {
		CardID string `json:"card_id"`
		Code   string `json:"code"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	cc, code := c.cardLookupCode(req.CardID, req.Code)
	if code != codeOK {
		return cardFail(code)
	}
	if code := c.cardUsable(cc); code != codeOK {
		return cardFail(code)
	}
	cc.status = cardUserConsumed
	s.pushPlatformEvent(c.a, cc.openID, Event{Event: "user_consume_card", Fields: map[string]string{
		"CardId": cc.cardID, "UserCardCode": cc.code, "ConsumeSource": "FROM_API", "LocationName": "",
		"StaffOpenId": "", "VerifyCode": "", "RemarkAmount": "", "OuterStr": cc.outerStr,
	}})
	return succeed(struct {
		envelope
		Card   cardCodeCardJSON `json:"card"`
		OpenID string           `json:"openid"`
	}{envelope{0, "ok"}, cardCodeCardJSON{CardID: cc.cardID}, cc.openID})
}

// serveCardCodeDecrypt answers card/code/decrypt: 40056 for an encrypt_code the
// account never handed out.
func (s *Sandbox) serveCardCodeDecrypt(c *apiCall) answer {
	var req struct {
		EncryptCode string `json:"encrypt_code"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.EncryptCode == "" {
		return fail(codeMissingFields)
	}
	st := &c.a.card
	st.init()
	key, ok := st.encrypted[req.EncryptCode]
	cc := st.codes[key]
	if !ok || cc == nil {
		return cardFail(codeCardInvalidCode)
	}
	return succeed(struct {
		envelope
		Code string `json:"code"`
	}{envelope{0, "ok"}, cc.code})
}

// codesBody decodes a {card_id, code: [...]} body: 41011 when either is missing, 40073
// for an unknown card, 40097 (behaviour.md §0) beyond 100 codes.
func (c *apiCall) cardCodesBody() (*cardDef, []string, int) {
	var req struct {
		CardID string   `json:"card_id"`
		Code   []string `json:"code"`
	}
	card, code := c.cardByID(&req, &req.CardID)
	if code != codeOK {
		return nil, nil, code
	}
	if len(req.Code) == 0 {
		return nil, nil, codeMissingFields
	}
	if len(req.Code) > cardMaxCodes {
		return nil, nil, codeInvalidArgs
	}
	return card, req.Code, codeOK
}

// serveCardCodeCheck answers card/code/checkcode: codes deposited (or given) for the
// card are exist_code, the others not_exist_code.
func (s *Sandbox) serveCardCodeCheck(c *apiCall) answer {
	card, codes, code := c.cardCodesBody()
	if code != codeOK {
		return cardFail(code)
	}
	exist, missing := []string{}, []string{}
	for _, v := range codes {
		if card.known[v] {
			exist = append(exist, v)
		} else {
			missing = append(missing, v)
		}
	}
	return succeed(struct {
		envelope
		ExistCode    []string `json:"exist_code"`
		NotExistCode []string `json:"not_exist_code"`
	}{envelope{0, "ok"}, exist, missing})
}

// serveCardCodeDeposit answers card/code/deposit for a custom-code card in deposit mode
// (40097 for another card, behaviour.md §0 convention): codes of 1 to 20 printable
// characters go in, others are fail_code, codes seen before are duplicate_code. The
// stock is unchanged.
func (s *Sandbox) serveCardCodeDeposit(c *apiCall) answer {
	card, codes, code := c.cardCodesBody()
	if code != codeOK {
		return cardFail(code)
	}
	if !card.deposit {
		return fail(codeInvalidArgs)
	}
	succ, dup, bad := []string{}, []string{}, []string{}
	for _, v := range codes {
		switch {
		case !cardCodeOK(v):
			bad = append(bad, v)
		case card.known[v]:
			dup = append(dup, v)
		default:
			card.known[v] = true
			card.deposited = append(card.deposited, v)
			card.depositCount++
			succ = append(succ, v)
		}
	}
	return succeed(struct {
		envelope
		SuccCode      []string `json:"succ_code"`
		DuplicateCode []string `json:"duplicate_code"`
		FailCode      []string `json:"fail_code"`
	}{envelope{0, "ok"}, succ, dup, bad})
}

// serveCardCodeDepositCount answers card/code/getdepositcount: every code deposited for
// the card, given or not.
func (s *Sandbox) serveCardCodeDepositCount(c *apiCall) answer {
	var req struct {
		CardID string `json:"card_id"`
	}
	card, code := c.cardByID(&req, &req.CardID)
	if code != codeOK {
		return cardFail(code)
	}
	return succeed(struct {
		envelope
		Count int64 `json:"count"`
	}{envelope{0, "ok"}, card.depositCount})
}

// serveCardCodeUnavailable answers card/code/unavailable: a usable code turns
// UNAVAILABLE (40099 once consumed, 40127 in other states).
func (s *Sandbox) serveCardCodeUnavailable(c *apiCall) answer {
	var req struct {
		CardID string `json:"card_id"`
		Code   string `json:"code"`
		Reason string `json:"reason"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	cc, code := c.cardLookupCode(req.CardID, req.Code)
	if code != codeOK {
		return cardFail(code)
	}
	switch cc.liveStatus(c.now) {
	case cardUserConsumed:
		return cardFail(codeCardConsumed)
	case cardUserNormal:
	default:
		return cardFail(codeCardInvalidUserStatus)
	}
	cc.status = cardUserUnavailable
	return fail(codeOK)
}

// serveCardCodeUpdate answers card/code/update: only custom-code cards' codes change
// (40097 otherwise, and for a malformed or already used new_code: behaviour.md §0), the
// code must be NORMAL (40127).
func (s *Sandbox) serveCardCodeUpdate(c *apiCall) answer {
	var req struct {
		CardID  string `json:"card_id"`
		Code    string `json:"code"`
		NewCode string `json:"new_code"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.CardID == "" || req.NewCode == "" {
		return fail(codeMissingFields)
	}
	cc, code := c.cardLookupCode(req.CardID, req.Code)
	if code != codeOK {
		return cardFail(code)
	}
	st := &c.a.card
	card := st.cards[cc.cardID]
	if !card.custom || !cardCodeOK(req.NewCode) || card.known[req.NewCode] {
		return fail(codeInvalidArgs)
	}
	if cc.liveStatus(c.now) != cardUserNormal {
		return cardFail(codeCardInvalidUserStatus)
	}
	oldKey := cardCodeKey(cc.cardID, cc.code)
	delete(st.codes, oldKey)
	cc.code = req.NewCode
	card.known[req.NewCode] = true
	newKey := cardCodeKey(cc.cardID, cc.code)
	st.codes[newKey] = cc
	for enc, k := range st.encrypted {
		if k == oldKey {
			st.encrypted[enc] = newKey
		}
	}
	return fail(codeOK)
}

// cardListItem is an entry of card/user/getcardlist.
type cardListItem struct {
	Code   string `json:"code"`
	CardID string `json:"card_id"`
}

// serveCardUserCardList answers card/user/getcardlist: the user's codes that are still
// NORMAL, optionally of one card; 41009 without openid, 40003 for a malformed one,
// 40073 for an unknown card_id.
func (s *Sandbox) serveCardUserCardList(c *apiCall) answer {
	var req struct {
		OpenID string `json:"openid"`
		CardID string `json:"card_id"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	switch {
	case req.OpenID == "":
		return fail(codeOpenIDMissing)
	case !cardOpenIDOK(req.OpenID):
		return fail(codeInvalidOpenID)
	}
	st := &c.a.card
	st.init()
	if req.CardID != "" && st.cards[req.CardID] == nil {
		return cardFail(codeCardInvalidCardID)
	}
	list := []cardListItem{}
	for _, cc := range st.codes {
		if cc.openID == req.OpenID && (req.CardID == "" || cc.cardID == req.CardID) && cc.liveStatus(c.now) == cardUserNormal {
			list = append(list, cardListItem{Code: cc.code, CardID: cc.cardID})
		}
	}
	slices.SortFunc(list, func(x, y cardListItem) int {
		if n := strings.Compare(x.CardID, y.CardID); n != 0 {
			return n
		}
		return strings.Compare(x.Code, y.Code)
	})
	return succeed(struct {
		envelope
		CardList     []cardListItem `json:"card_list"`
		HasShareCard bool           `json:"has_share_card"`
	}{envelope{0, "ok"}, list, false})
}
