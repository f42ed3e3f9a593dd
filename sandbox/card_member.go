package sandbox

// This file emulates the member card endpoints (card/membercard/activate,
// activate/geturl, activatetempinfo/get, activateuserform/set, unactivate, updateuser,
// userinfo/get) and the special tickets' per-user updates (card/boardingpass/checkin,
// card/meetingticket/updateuser, card/movieticket/updateuser).

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
)

// cardFormFlags are the common fields of a member card's activation form.
var cardFormFlags = map[string]bool{
	"USER_FORM_INFO_FLAG_MOBILE": true, "USER_FORM_INFO_FLAG_SEX": true, "USER_FORM_INFO_FLAG_NAME": true,
	"USER_FORM_INFO_FLAG_BIRTHDAY": true, "USER_FORM_INFO_FLAG_IDCARD": true, "USER_FORM_INFO_FLAG_EMAIL": true,
	"USER_FORM_INFO_FLAG_LOCATION": true, "USER_FORM_INFO_FLAG_EDUCATION_BACKGRO": true,
	"USER_FORM_INFO_FLAG_INDUSTRY": true, "USER_FORM_INFO_FLAG_INCOME": true, "USER_FORM_INFO_FLAG_HABIT": true,
}

// cardRichFieldTypes are the choice field types of the activation form.
var cardRichFieldTypes = map[string]bool{"FORM_FIELD_RADIO": true, "FORM_FIELD_SELECT": true, "FORM_FIELD_CHECK_BOX": true}

// typedCode finds the code of a request and checks its card's type: 40071 when the
// card is not of cardType.
func (c *apiCall) cardTypedCode(cardID, code, cardType string) (*cardCode, int) {
	cc, res := c.cardLookupCode(cardID, code)
	if res != codeOK {
		return nil, res
	}
	if c.a.card.cards[cc.cardID].cardType != cardType {
		return nil, codeCardInvalidType
	}
	return cc, codeOK
}

// serveCardMemberActivate answers card/membercard/activate: 41011 without
// membership_number, 40071 for a card that is not a member card, 40127 for a code that
// is already active or not usable (sandbox choice where the digest is silent), 40097
// (behaviour.md §0) for a negative initial bonus or balance.
func (s *Sandbox) serveCardMemberActivate(c *apiCall) answer {
	var req struct {
		CardID            string `json:"card_id"`
		Code              string `json:"code"`
		MembershipNumber  string `json:"membership_number"`
		BackgroundPicURL  string `json:"background_pic_url"`
		ActivateBeginTime int64  `json:"activate_begin_time"`
		ActivateEndTime   int64  `json:"activate_end_time"`
		InitBonus         int64  `json:"init_bonus"`
		InitBonusRecord   string `json:"init_bonus_record"`
		InitBalance       int64  `json:"init_balance"`
		Init1             string `json:"init_custom_field_value1"`
		Init2             string `json:"init_custom_field_value2"`
		Init3             string `json:"init_custom_field_value3"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.MembershipNumber == "" {
		return fail(codeMissingFields)
	}
	cc, code := c.cardTypedCode(req.CardID, req.Code, "MEMBER_CARD")
	if code != codeOK {
		return cardFail(code)
	}
	if code := c.cardUsable(cc); code != codeOK {
		return cardFail(code)
	}
	switch {
	case cc.activated:
		return cardFail(codeCardInvalidUserStatus)
	case req.InitBonus < 0 || req.InitBalance < 0:
		return fail(codeInvalidArgs)
	case req.ActivateEndTime != 0 && req.ActivateEndTime < req.ActivateBeginTime:
		return cardFail(codeCardInvalidTime)
	}
	cc.activated = true
	cc.membershipNumber = req.MembershipNumber
	cc.bonus, cc.balance = req.InitBonus, req.InitBalance
	cc.customValues = [3]string{req.Init1, req.Init2, req.Init3}
	if req.ActivateEndTime != 0 {
		cc.begin, cc.end = req.ActivateBeginTime, req.ActivateEndTime
	}
	return fail(codeOK)
}

// memberCard finds the member card of a card_id body: 40073 unknown, 40071 not a
// member card.
func (c *apiCall) cardMember(v any, cardID *string) (*cardDef, int) {
	card, code := c.cardByID(v, cardID)
	if code != codeOK {
		return nil, code
	}
	if card.cardType != "MEMBER_CARD" {
		return nil, codeCardInvalidType
	}
	return card, codeOK
}

// serveCardMemberActivateURL answers card/membercard/activate/geturl with the
// activation component's URL.
func (s *Sandbox) serveCardMemberActivateURL(c *apiCall) answer {
	var req struct {
		CardID   string `json:"card_id"`
		OuterStr string `json:"outer_str"`
	}
	card, code := c.cardMember(&req, &req.CardID)
	if code != codeOK {
		return cardFail(code)
	}
	u := "https://mp.weixin.qq.com/bizmall/activatemembercard?action=preshow&&encrypt_card_id=" +
		url.QueryEscape(card.id) + "&outer_str=" + url.QueryEscape(req.OuterStr) + "&biz=" + url.QueryEscape(c.a.AppID) + "#wechat_redirect"
	return succeed(struct {
		envelope
		URL string `json:"url"`
	}{envelope{0, "ok"}, u})
}

// cardFieldJSON is a filled form field.
type cardFieldJSON struct {
	Name      string   `json:"name"`
	Value     string   `json:"value"`
	ValueList []string `json:"value_list,omitempty"`
}

// cardUserInfoJSON is the filled form of activatetempinfo/get and userinfo/get.
type cardUserInfoJSON struct {
	CommonFieldList []cardFieldJSON `json:"common_field_list"`
	CustomFieldList []cardFieldJSON `json:"custom_field_list"`
}

// fields lists m sorted by name.
func cardFields(m map[string]string) []cardFieldJSON {
	out := []cardFieldJSON{}
	for k, v := range m {
		out = append(out, cardFieldJSON{Name: k, Value: v})
	}
	slices.SortFunc(out, func(a, b cardFieldJSON) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return out
}

// json is the answer shape of t (empty lists when t is nil).
func (t *cardTempInfo) json() cardUserInfoJSON {
	if t == nil {
		return cardUserInfoJSON{CommonFieldList: []cardFieldJSON{}, CustomFieldList: []cardFieldJSON{}}
	}
	return cardUserInfoJSON{CommonFieldList: cardFields(t.common), CustomFieldList: cardFields(t.custom)}
}

// serveCardMemberTempInfo answers card/membercard/activatetempinfo/get: 40097
// (behaviour.md §0) for an activate_ticket the sandbox never issued.
func (s *Sandbox) serveCardMemberTempInfo(c *apiCall) answer {
	var req struct {
		ActivateTicket string `json:"activate_ticket"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.ActivateTicket == "" {
		return fail(codeMissingFields)
	}
	c.a.card.init()
	info := c.a.card.tempInfos[req.ActivateTicket]
	if info == nil {
		return fail(codeInvalidArgs)
	}
	return succeed(struct {
		envelope
		Info cardUserInfoJSON `json:"info"`
	}{envelope{0, "ok"}, info.json()})
}

// cardFormJSON is a part of the activation form.
type cardFormJSON struct {
	CanModify         bool     `json:"can_modify"`
	CommonFieldIDList []string `json:"common_field_id_list"`
	CustomFieldList   []string `json:"custom_field_list"`
	RichFieldList     []struct {
		Type   string   `json:"type"`
		Name   string   `json:"name"`
		Values []string `json:"values"`
	} `json:"rich_field_list"`
}

// check is codeOK for a form of known fields (40097 otherwise, behaviour.md §0).
func (f *cardFormJSON) check() int {
	if f == nil {
		return codeOK
	}
	for _, id := range f.CommonFieldIDList {
		if !cardFormFlags[id] {
			return codeInvalidArgs
		}
	}
	for _, r := range f.RichFieldList {
		if !cardRichFieldTypes[r.Type] || r.Name == "" || len(r.Values) == 0 {
			return codeInvalidArgs
		}
	}
	return codeOK
}

// serveCardMemberUserForm answers card/membercard/activateuserform/set: 41011 without
// any form part, 40097 for an unknown common field or a bad choice field.
func (s *Sandbox) serveCardMemberUserForm(c *apiCall) answer {
	var req struct {
		CardID           string          `json:"card_id"`
		ServiceStatement json.RawMessage `json:"service_statement"`
		BindOldCard      json.RawMessage `json:"bind_old_card"`
		RequiredForm     *cardFormJSON   `json:"required_form"`
		OptionalForm     *cardFormJSON   `json:"optional_form"`
	}
	card, code := c.cardMember(&req, &req.CardID)
	if code != codeOK {
		return cardFail(code)
	}
	if req.RequiredForm == nil && req.OptionalForm == nil {
		return fail(codeMissingFields)
	}
	if code := req.RequiredForm.check(); code != codeOK {
		return fail(code)
	}
	if code := req.OptionalForm.check(); code != codeOK {
		return fail(code)
	}
	c.a.card.forms[card.id] = map[string]any{"required_form": req.RequiredForm, "optional_form": req.OptionalForm}
	return fail(codeOK)
}

// serveCardMemberUnactivate answers card/membercard/unactivate: 41011 without card_id
// or code, 40127 for a card that is not active.
func (s *Sandbox) serveCardMemberUnactivate(c *apiCall) answer {
	var req struct {
		CardID string `json:"card_id"`
		Code   string `json:"code"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.CardID == "" {
		return fail(codeMissingFields)
	}
	cc, code := c.cardTypedCode(req.CardID, req.Code, "MEMBER_CARD")
	if code != codeOK {
		return cardFail(code)
	}
	if !cc.activated {
		return cardFail(codeCardInvalidUserStatus)
	}
	cc.activated = false
	return fail(codeOK)
}

// serveCardMemberUpdateUser answers card/membercard/updateuser: bonus and balance set
// absolute values, add_bonus and add_balance change them; 41011 without card_id or
// code, 40127 for a card that is not active, 40097 (behaviour.md §0) when bonus or
// balance would go below 0. update_member_card is pushed with the changes.
func (s *Sandbox) serveCardMemberUpdateUser(c *apiCall) answer {
	var req struct {
		CardID        string `json:"card_id"`
		Code          string `json:"code"`
		Bonus         *int64 `json:"bonus"`
		AddBonus      int64  `json:"add_bonus"`
		RecordBonus   string `json:"record_bonus"`
		Balance       *int64 `json:"balance"`
		AddBalance    int64  `json:"add_balance"`
		RecordBalance string `json:"record_balance"`
		Custom1       string `json:"custom_field_value1"`
		Custom2       string `json:"custom_field_value2"`
		Custom3       string `json:"custom_field_value3"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.CardID == "" {
		return fail(codeMissingFields)
	}
	cc, code := c.cardTypedCode(req.CardID, req.Code, "MEMBER_CARD")
	if code != codeOK {
		return cardFail(code)
	}
	if !cc.activated || cc.liveStatus(c.now) != cardUserNormal {
		return cardFail(codeCardInvalidUserStatus)
	}
	bonus, balance := cc.bonus+req.AddBonus, cc.balance+req.AddBalance
	if req.Bonus != nil {
		bonus = *req.Bonus
	}
	if req.Balance != nil {
		balance = *req.Balance
	}
	if bonus < 0 || balance < 0 {
		return fail(codeInvalidArgs)
	}
	dBonus, dBalance := bonus-cc.bonus, balance-cc.balance
	cc.bonus, cc.balance = bonus, balance
	for i, v := range []string{req.Custom1, req.Custom2, req.Custom3} {
		if v != "" {
			cc.customValues[i] = v
		}
	}
	s.pushPlatformEvent(c.a, cc.openID, Event{Event: "update_member_card", Fields: map[string]string{
		"CardId": cc.cardID, "UserCardCode": cc.code, "ModifyBonus": strconv.FormatInt(dBonus, 10),
		"ModifyBalance": strconv.FormatInt(dBalance, 10)}})
	return succeed(struct {
		envelope
		ResultBonus   int64  `json:"result_bonus"`
		ResultBalance int64  `json:"result_balance"`
		OpenID        string `json:"openid"`
	}{envelope{0, "ok"}, bonus, balance, cc.openID})
}

// serveCardMemberUserInfo answers card/membercard/userinfo/get: the member's data,
// nickname from the simulated user when the sandbox knows them, the form values of
// FillMemberCardForm.
func (s *Sandbox) serveCardMemberUserInfo(c *apiCall) answer {
	var req struct {
		CardID string `json:"card_id"`
		Code   string `json:"code"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.CardID == "" {
		return fail(codeMissingFields)
	}
	cc, code := c.cardTypedCode(req.CardID, req.Code, "MEMBER_CARD")
	if code != codeOK {
		return cardFail(code)
	}
	nickname := ""
	if u := c.a.users[cc.openID]; u != nil {
		nickname = u.Nickname
	}
	sex := ""
	if cc.userInfo != nil {
		sex = cc.userInfo.common["USER_FORM_INFO_FLAG_SEX"]
	}
	return succeed(struct {
		envelope
		OpenID           string           `json:"openid"`
		Nickname         string           `json:"nickname"`
		MembershipNumber string           `json:"membership_number"`
		Bonus            int64            `json:"bonus"`
		Balance          int64            `json:"balance"`
		Sex              string           `json:"sex"`
		UserInfo         cardUserInfoJSON `json:"user_info"`
		UserCardStatus   string           `json:"user_card_status"`
		HasActive        bool             `json:"has_active"`
	}{envelope{0, "ok"}, cc.openID, nickname, cc.membershipNumber, cc.bonus, cc.balance, sex, cc.userInfo.json(),
		cc.liveStatus(c.now), cc.activated})
}

// serveCardBoardingPassCheckin answers card/boardingpass/checkin: 40071 for a card
// that is not a boarding pass, 41011 without passenger_name, class or etkt_bnr.
func (s *Sandbox) serveCardBoardingPassCheckin(c *apiCall) answer {
	var req struct {
		CardID        string `json:"card_id"`
		Code          string `json:"code"`
		PassengerName string `json:"passenger_name"`
		Class         string `json:"class"`
		Seat          string `json:"seat"`
		EtktBnr       string `json:"etkt_bnr"`
		QRCodeData    string `json:"qrcode_data"`
		IsCancel      bool   `json:"is_cancel"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.PassengerName == "" || req.Class == "" || req.EtktBnr == "" {
		return fail(codeMissingFields)
	}
	cc, code := c.cardTypedCode(req.CardID, req.Code, "BOARDING_PASS")
	if code != codeOK {
		return cardFail(code)
	}
	if code := c.cardUsable(cc); code != codeOK {
		return cardFail(code)
	}
	cc.ticket = map[string]any{"passenger_name": req.PassengerName, "class": req.Class, "seat": req.Seat,
		"etkt_bnr": req.EtktBnr, "qrcode_data": req.QRCodeData, "is_cancel": req.IsCancel}
	return fail(codeOK)
}

// serveCardMeetingTicketUpdate answers card/meetingticket/updateuser: 40071 for a
// card that is not a meeting ticket, 40079 when end_time is before begin_time.
func (s *Sandbox) serveCardMeetingTicketUpdate(c *apiCall) answer {
	var req struct {
		CardID     string `json:"card_id"`
		Code       string `json:"code"`
		Zone       string `json:"zone"`
		Entrance   string `json:"entrance"`
		SeatNumber string `json:"seat_number"`
		BeginTime  int64  `json:"begin_time"`
		EndTime    int64  `json:"end_time"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	cc, code := c.cardTypedCode(req.CardID, req.Code, "MEETING_TICKET")
	if code != codeOK {
		return cardFail(code)
	}
	if req.EndTime != 0 && req.EndTime < req.BeginTime {
		return cardFail(codeCardInvalidTime)
	}
	if code := c.cardUsable(cc); code != codeOK {
		return cardFail(code)
	}
	cc.ticket = map[string]any{"zone": req.Zone, "entrance": req.Entrance, "seat_number": req.SeatNumber,
		"begin_time": req.BeginTime, "end_time": req.EndTime}
	return fail(codeOK)
}

// serveCardMovieTicketUpdate answers card/movieticket/updateuser: 40071 for a card that
// is not a movie ticket, 41011 without ticket_class, show_time or duration.
func (s *Sandbox) serveCardMovieTicketUpdate(c *apiCall) answer {
	var req struct {
		CardID        string   `json:"card_id"`
		Code          string   `json:"code"`
		TicketClass   string   `json:"ticket_class"`
		ShowTime      int64    `json:"show_time"`
		Duration      int64    `json:"duration"`
		ScreeningRoom string   `json:"screening_room"`
		SeatNumber    []string `json:"seat_number"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.TicketClass == "" || req.ShowTime <= 0 || req.Duration <= 0 {
		return fail(codeMissingFields)
	}
	cc, code := c.cardTypedCode(req.CardID, req.Code, "MOVIE_TICKET")
	if code != codeOK {
		return cardFail(code)
	}
	if code := c.cardUsable(cc); code != codeOK {
		return cardFail(code)
	}
	cc.ticket = map[string]any{"ticket_class": req.TicketClass, "show_time": req.ShowTime, "duration": req.Duration,
		"screening_room": req.ScreeningRoom, "seat_number": req.SeatNumber}
	return fail(codeOK)
}
