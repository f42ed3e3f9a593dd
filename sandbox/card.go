package sandbox

// This file holds the state of the cards domain (卡券: card definitions, codes, member
// cards, special tickets, pay-gift rules and sub-merchants), its endpoint table, its
// errcodes and the exported methods that simulate the platform's review and users'
// actions. The endpoints are in card_defs.go (definitions, distribution, cells),
// card_codes.go (codes), card_member.go (member cards and special tickets) and
// card_merchant.go (pay-gift rules and sub-merchants). Shapes: facts.md §6.8 and the
// digest's 微信卡券 chapter; codes the digest does not give follow behaviour.md §0
// (40097 invalid args, 41011 missing fields) and say so where they are used.

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Errcodes of the card endpoints (WeChat's global return-code list: 40056 invalid
// serial code, 40071 invalid card type, 40073 invalid card id, 40078 invalid card
// status, 40079 invalid time, 40099 code already consumed, 40127 invalid user-card
// status; 40150 invalid card parameters as facts.md §6.8 gives it for card/create).
const (
	codeCardInvalidCode       = 40056
	codeCardInvalidType       = 40071
	codeCardInvalidCardID     = 40073
	codeCardInvalidStatus     = 40078
	codeCardInvalidTime       = 40079
	codeCardConsumed          = 40099
	codeCardInvalidUserStatus = 40127
	codeCardInvalidParams     = 40150
)

// cardErrmsgs are the errmsg texts of the card errcodes.
var cardErrmsgs = map[int]string{
	codeCardInvalidCode:       "invalid serial code",
	codeCardInvalidType:       "invalid card type",
	codeCardInvalidCardID:     "invalid card id",
	codeCardInvalidStatus:     "invalid card status",
	codeCardInvalidTime:       "invalid time",
	codeCardConsumed:          "invalid code, this code has consumed.",
	codeCardInvalidUserStatus: "invalid user-card status! Hint: the card was given to user, but may be deleted or expired or set unavailable !",
	codeCardInvalidParams:     "invalid card parameters",
}

// cardFail is the errcode answer of a card errcode with its text.
func cardFail(code int) answer {
	if msg, ok := cardErrmsgs[code]; ok {
		return answer{errcode: code, errmsg: msg}
	}
	return fail(code)
}

// Card statuses (card/get base_info.status, card/batchget status_list).
const (
	cardStatusNotVerify  = "CARD_STATUS_NOT_VERIFY"
	cardStatusVerifyFail = "CARD_STATUS_VERIFY_FAIL"
	cardStatusVerifyOK   = "CARD_STATUS_VERIFY_OK"
	cardStatusDelete     = "CARD_STATUS_DELETE"
	cardStatusDispatch   = "CARD_STATUS_DISPATCH"
)

// User-card statuses (card/code/get user_card_status).
const (
	cardUserNormal      = "NORMAL"
	cardUserConsumed    = "CONSUMED"
	cardUserExpire      = "EXPIRE"
	cardUserDelete      = "DELETE"
	cardUserUnavailable = "UNAVAILABLE"
)

// cardState is an account's cards, codes, member cards, special tickets, pay-gift rules
// and sub-merchants. Guarded by Sandbox.mu.
type cardState struct {
	cards     map[string]*cardDef // by card_id
	order     []string            // card ids in creation order
	codes     map[string]*cardCode
	encrypted map[string]string // encrypt_code → code key
	whitelist struct {
		openids, usernames []string
	}
	pages        int                         // landing pages created
	qrcodes      map[string]*cardQRCode      // card QR codes by ticket
	tempInfos    map[string]*cardTempInfo    // by activate_ticket
	rules        map[uint32]*cardPayGiftRule // by rule_id
	nextRule     uint32                      // last rule_id issued
	merchants    map[uint32]*cardSubMerchant // by merchant_id
	nextMerchant uint32                      // last merchant_id issued
	forms        map[string]map[string]any   // activateuserform by card_id
	cells        map[string]map[string]any   // paycell/selfconsumecell/storewxa settings by card_id
}

// cardDef is a created card.
type cardDef struct {
	id           string
	cardType     string         // e.g. "GROUPON"
	object       map[string]any // the type object as given (base_info, advanced_info, specific fields)
	status       string
	deleted      bool
	quantity     int64
	total        int64
	custom       bool // use_custom_code
	deposit      bool // get_custom_code_mode GET_CUSTOM_CODE_MODE_DEPOSIT
	getLimit     int64
	dateInfo     cardDateInfo
	deposited    []string        // deposited codes not yet given, in order
	depositCount int64           // codes ever deposited
	known        map[string]bool // every code deposited or given for the card
	created      time.Time
}

// cardDateInfo is a card's validity period.
type cardDateInfo struct {
	Type           string `json:"type"`
	BeginTimestamp int64  `json:"begin_timestamp"`
	EndTimestamp   int64  `json:"end_timestamp"`
	FixedTerm      int64  `json:"fixed_term"`
	FixedBeginTerm int64  `json:"fixed_begin_term"`
}

// cardCode is a code a user received.
type cardCode struct {
	cardID, code, openID string
	status               string
	begin, end           int64 // validity, Unix seconds (0: none)
	outerStr             string
	// Member cards.
	activated        bool
	membershipNumber string
	bonus, balance   int64
	customValues     [3]string
	userInfo         *cardTempInfo
	// Special tickets: the last updateuser/checkin fields.
	ticket map[string]any
}

// cardTempInfo is what a user filled in a member card's activation component.
type cardTempInfo struct {
	cardID, openID string
	common, custom map[string]string
}

// codeKey is the key of a code in cardState.codes.
func cardCodeKey(cardID, code string) string { return cardID + "\x00" + code }

// init makes the maps of st.
func (st *cardState) init() {
	if st.cards == nil {
		st.cards = make(map[string]*cardDef)
		st.codes = make(map[string]*cardCode)
		st.encrypted = make(map[string]string)
		st.tempInfos = make(map[string]*cardTempInfo)
		st.rules = make(map[uint32]*cardPayGiftRule)
		st.merchants = make(map[uint32]*cardSubMerchant)
		st.forms = make(map[string]map[string]any)
		st.cells = make(map[string]map[string]any)
		st.qrcodes = make(map[string]*cardQRCode)
	}
}

// card returns the live (not deleted) card id, or nil.
func (st *cardState) card(id string) *cardDef {
	c := st.cards[id]
	if c == nil || c.deleted {
		return nil
	}
	return c
}

// findCode finds a code: by card and code, or by code alone when cardID is empty
// (the platform's non-custom codes are unique in the account). It returns nil when
// there is no such code.
func (st *cardState) findCode(cardID, code string) *cardCode {
	if cardID != "" {
		return st.codes[cardCodeKey(cardID, code)]
	}
	var found *cardCode
	for _, c := range st.codes {
		if c.code == code {
			if found != nil {
				return nil // ambiguous without card_id
			}
			found = c
		}
	}
	return found
}

// liveStatus is c's user-card status at now: NORMAL turns EXPIRE past its end.
func (c *cardCode) liveStatus(now time.Time) string {
	if c.status == cardUserNormal && c.end > 0 && now.Unix() > c.end {
		return cardUserExpire
	}
	return c.status
}

// registerCard adds the cards, codes, member cards, special tickets and gift cards endpoints to m.
func registerCard(m map[string]endpoint) {
	post := func(serve func(*Sandbox, *apiCall) answer) endpoint {
		return endpoint{method: http.MethodPost, serve: serve}
	}
	m["/card/create"] = post((*Sandbox).serveCardCreate)
	m["/card/get"] = post((*Sandbox).serveCardGet)
	m["/card/update"] = post((*Sandbox).serveCardUpdate)
	m["/card/delete"] = post((*Sandbox).serveCardDelete)
	m["/card/batchget"] = post((*Sandbox).serveCardBatchGet)
	m["/card/modifystock"] = post((*Sandbox).serveCardModifyStock)
	m["/card/getapplyprotocol"] = endpoint{method: http.MethodGet, serve: (*Sandbox).serveCardApplyProtocol}
	m["/card/landingpage/create"] = post((*Sandbox).serveCardLandingPage)
	m["/card/qrcode/create"] = post((*Sandbox).serveCardQRCode)
	m["/card/mpnews/gethtml"] = post((*Sandbox).serveCardMpNewsHTML)
	m["/card/testwhitelist/set"] = post((*Sandbox).serveCardTestWhitelist)
	m["/card/paycell/set"] = post((*Sandbox).serveCardPayCell)
	m["/card/selfconsumecell/set"] = post((*Sandbox).serveCardSelfConsumeCell)
	m["/card/storewxa/set"] = post((*Sandbox).serveCardStoreWxa)

	m["/card/code/get"] = post((*Sandbox).serveCardCodeGet)
	m["/card/code/consume"] = post((*Sandbox).serveCardCodeConsume)
	m["/card/code/decrypt"] = post((*Sandbox).serveCardCodeDecrypt)
	m["/card/code/checkcode"] = post((*Sandbox).serveCardCodeCheck)
	m["/card/code/deposit"] = post((*Sandbox).serveCardCodeDeposit)
	m["/card/code/getdepositcount"] = post((*Sandbox).serveCardCodeDepositCount)
	m["/card/code/unavailable"] = post((*Sandbox).serveCardCodeUnavailable)
	m["/card/code/update"] = post((*Sandbox).serveCardCodeUpdate)
	m["/card/user/getcardlist"] = post((*Sandbox).serveCardUserCardList)

	m["/card/membercard/activate"] = post((*Sandbox).serveCardMemberActivate)
	m["/card/membercard/activate/geturl"] = post((*Sandbox).serveCardMemberActivateURL)
	m["/card/membercard/activatetempinfo/get"] = post((*Sandbox).serveCardMemberTempInfo)
	m["/card/membercard/activateuserform/set"] = post((*Sandbox).serveCardMemberUserForm)
	m["/card/membercard/unactivate"] = post((*Sandbox).serveCardMemberUnactivate)
	m["/card/membercard/updateuser"] = post((*Sandbox).serveCardMemberUpdateUser)
	m["/card/membercard/userinfo/get"] = post((*Sandbox).serveCardMemberUserInfo)
	m["/card/boardingpass/checkin"] = post((*Sandbox).serveCardBoardingPassCheckin)
	m["/card/meetingticket/updateuser"] = post((*Sandbox).serveCardMeetingTicketUpdate)
	m["/card/movieticket/updateuser"] = post((*Sandbox).serveCardMovieTicketUpdate)

	m["/card/paygiftcard/add"] = post((*Sandbox).serveCardPayGiftAdd)
	m["/card/paygiftcard/getbyid"] = post((*Sandbox).serveCardPayGiftGet)
	m["/card/paygiftcard/batchget"] = post((*Sandbox).serveCardPayGiftBatchGet)
	m["/card/submerchant/submit"] = post((*Sandbox).serveCardSubMerchantSubmit)
	m["/card/submerchant/get"] = post((*Sandbox).serveCardSubMerchantGet)
	m["/card/submerchant/batchget"] = post((*Sandbox).serveCardSubMerchantBatchGet)
	m["/card/submerchant/update"] = post((*Sandbox).serveCardSubMerchantUpdate)
}

// ErrCardNotReceivable is wrapped by [Sandbox.GiveCard] when the card cannot be given:
// deleted, not approved and the user not on the test whitelist, out of stock, over the
// user's get_limit, or a deposit-mode card without deposited codes left.
var ErrCardNotReceivable = errors.New("card cannot be received")

// ErrUnknownCard is wrapped by the card methods given a card_id, code, rule or
// sub-merchant the account does not have.
var ErrUnknownCard = errors.New("unknown card")

// cardAccount returns the account appID with its card state ready. Callers hold s.mu.
func (s *Sandbox) cardAccount(appID string) (*account, error) {
	a, ok := s.accounts[appID]
	if !ok {
		return nil, unknownAccount(appID)
	}
	a.card.init()
	return a, nil
}

// cardReviewer is the FromUserName of the review events (the platform's own system
// user; the sandbox's choice of name).
const cardReviewer = "wxsandbox_card_review"

// ReviewCard is the platform's review of a card: approve moves it to
// CARD_STATUS_VERIFY_OK and pushes card_pass_check; otherwise CARD_STATUS_VERIFY_FAIL
// and card_not_pass_check with refuseReason. Errors wrap ErrUnknownAccount or
// ErrUnknownCard.
func (s *Sandbox) ReviewCard(appID, cardID string, approve bool, refuseReason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.cardAccount(appID)
	if err != nil {
		return err
	}
	c := a.card.card(cardID)
	if c == nil {
		return fmt.Errorf("card %q: %w", cardID, ErrUnknownCard)
	}
	if err := checkText("refuse_reason", refuseReason); err != nil {
		return err
	}
	e := Event{Event: "card_pass_check", Fields: map[string]string{"CardId": cardID}}
	c.status = cardStatusVerifyOK
	if !approve {
		c.status = cardStatusVerifyFail
		e.Event = "card_not_pass_check"
		e.Fields["RefuseReason"] = refuseReason
	}
	s.pushPlatformEvent(a, cardReviewer, e)
	return nil
}

// CardGift is a simulated user receiving a card (for [Sandbox.GiveCard]).
type CardGift struct {
	// OpenID is the user: 1 to 64 characters of [A-Za-z0-9_-]. Required.
	OpenID string
	// CardID is the card. Required.
	CardID string
	// Code is the code to give for a custom-code card that is not in deposit mode
	// (required there, 1 to 20 characters, not used before); empty otherwise.
	Code string
	// OuterStr is the scene value of the QR code or page the user came from.
	OuterStr string
}

// CardGiven is a received card.
type CardGiven struct {
	// Code is the user's code.
	Code string
	// EncryptCode is the encrypt_code a card page hands over (card/code/decrypt turns it
	// back into Code).
	EncryptCode string
}

// GiveCard makes a simulated user receive a card, as scanning its QR code or opening
// its shelf page does: the card must be approved (or the user on the test whitelist),
// in stock and under the user's get_limit. It spends one from the stock, issues the
// code (the next deposited code, the given custom code, or 12 random digits), activates
// auto_activate member cards and pushes user_get_card (and card_sku_remind when the
// stock reaches 0). Errors wrap ErrUnknownAccount, ErrUnknownCard or
// ErrCardNotReceivable; bad fields are an [*ArgumentError].
func (s *Sandbox) GiveCard(appID string, g CardGift) (CardGiven, error) {
	if !cardOpenIDOK(g.OpenID) {
		return CardGiven{}, &ArgumentError{Field: "open_id", Reason: "must be 1 to 64 characters of [A-Za-z0-9_-]"}
	}
	if err := checkText("outer_str", g.OuterStr); err != nil {
		return CardGiven{}, err
	}
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.cardAccount(appID)
	if err != nil {
		return CardGiven{}, err
	}
	return s.giveCard(a, g, now)
}

// giveCard gives a card as GiveCard describes. Callers hold s.mu and checked g's text.
func (s *Sandbox) giveCard(a *account, g CardGift, now time.Time) (CardGiven, error) {
	st := &a.card
	c := st.card(g.CardID)
	if c == nil {
		return CardGiven{}, fmt.Errorf("card %q: %w", g.CardID, ErrUnknownCard)
	}
	switch {
	case c.status != cardStatusVerifyOK && c.status != cardStatusDispatch && !cardContains(st.whitelist.openids, g.OpenID):
		return CardGiven{}, fmt.Errorf("card %q is %s and %s is not on the test whitelist: %w", c.id, c.status, g.OpenID, ErrCardNotReceivable)
	case c.quantity <= 0:
		return CardGiven{}, fmt.Errorf("card %q is out of stock: %w", c.id, ErrCardNotReceivable)
	}
	held := 0
	for _, cc := range st.codes {
		if cc.cardID == c.id && cc.openID == g.OpenID {
			held++
		}
	}
	if c.getLimit > 0 && int64(held) >= c.getLimit {
		return CardGiven{}, fmt.Errorf("user %s holds get_limit (%d) codes of card %q: %w", g.OpenID, c.getLimit, c.id, ErrCardNotReceivable)
	}
	var code string
	switch {
	case c.deposit:
		if g.Code != "" {
			return CardGiven{}, &ArgumentError{Field: "code", Reason: "must be empty for a deposit-mode card (the platform picks a deposited code)"}
		}
		if len(c.deposited) == 0 {
			return CardGiven{}, fmt.Errorf("card %q has no deposited codes left: %w", c.id, ErrCardNotReceivable)
		}
		code, c.deposited = c.deposited[0], c.deposited[1:]
	case c.custom:
		if !cardCodeOK(g.Code) {
			return CardGiven{}, &ArgumentError{Field: "code", Reason: "must be 1 to 20 characters for a custom-code card"}
		}
		if c.known[g.Code] {
			return CardGiven{}, &ArgumentError{Field: "code", Reason: "was given before"}
		}
		code = g.Code
	default:
		if g.Code != "" {
			return CardGiven{}, &ArgumentError{Field: "code", Reason: "must be empty for a card whose codes the platform issues"}
		}
		for code == "" || st.findCode("", code) != nil {
			code = s.randFrom("0123456789", 12)
		}
	}
	c.known[code] = true
	c.quantity--
	cc := &cardCode{cardID: c.id, code: code, openID: g.OpenID, status: cardUserNormal, outerStr: g.OuterStr}
	cc.begin, cc.end = c.dateInfo.validity(now)
	if c.cardType == "MEMBER_CARD" {
		if auto, _ := c.object["auto_activate"].(bool); auto {
			cc.activated = true
		}
	}
	st.codes[cardCodeKey(c.id, code)] = cc
	enc := s.randString(40)
	st.encrypted[enc] = cardCodeKey(c.id, code)
	s.pushPlatformEvent(a, g.OpenID, Event{Event: "user_get_card", Fields: map[string]string{
		"CardId": c.id, "IsGiveByFriend": "0", "UserCardCode": code, "FriendUserName": "", "OuterId": "0",
		"OldUserCardCode": "", "OuterStr": g.OuterStr, "IsRestoreMemberCard": "0", "IsRecommendByFriend": "0",
	}})
	if c.quantity == 0 {
		s.pushPlatformEvent(a, cardReviewer, Event{Event: "card_sku_remind", Fields: map[string]string{
			"CardId": c.id, "Detail": "the card's quantity is equal to 0"}})
	}
	return CardGiven{Code: code, EncryptCode: enc}, nil
}

// DeleteUserCard is a user deleting a received card from their card bag: the code turns
// DELETE and user_del_card is pushed. Errors wrap ErrUnknownAccount or ErrUnknownCard.
func (s *Sandbox) DeleteUserCard(appID, cardID, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.cardAccount(appID)
	if err != nil {
		return err
	}
	cc := a.card.codes[cardCodeKey(cardID, code)]
	if cc == nil {
		return fmt.Errorf("code of card %q: %w", cardID, ErrUnknownCard)
	}
	cc.status = cardUserDelete
	s.pushPlatformEvent(a, cc.openID, Event{Event: "user_del_card", Fields: map[string]string{"CardId": cardID, "UserCardCode": code}})
	return nil
}

// MemberCardFormValues are what a user fills in a member card's activation component:
// common fields by USER_FORM_INFO_FLAG_* name and custom fields by title.
type MemberCardFormValues struct {
	// Common are the platform's fields, e.g. "USER_FORM_INFO_FLAG_MOBILE": "13800000000".
	Common map[string]string
	// Custom are the merchant's fields by title.
	Custom map[string]string
}

// FillMemberCardForm is a user submitting the activation component of a member card:
// it returns the activate_ticket the jump to the merchant's page carries
// (card/membercard/activatetempinfo/get reads it), attaches the values to the user's
// codes of the card (card/membercard/userinfo/get shows them) and pushes
// submit_membercard_user_info. Errors wrap ErrUnknownAccount or ErrUnknownCard; a card
// that is not a member card or a bad value is an [*ArgumentError].
func (s *Sandbox) FillMemberCardForm(appID, cardID, openID string, v MemberCardFormValues) (string, error) {
	if !cardOpenIDOK(openID) {
		return "", &ArgumentError{Field: "open_id", Reason: "must be 1 to 64 characters of [A-Za-z0-9_-]"}
	}
	for _, m := range []map[string]string{v.Common, v.Custom} {
		for k, val := range m {
			if k == "" || checkText("name", k) != nil || checkText("value", val) != nil {
				return "", &ArgumentError{Field: "values", Reason: "names must be non-empty and names and values valid UTF-8 text"}
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.cardAccount(appID)
	if err != nil {
		return "", err
	}
	c := a.card.card(cardID)
	if c == nil {
		return "", fmt.Errorf("card %q: %w", cardID, ErrUnknownCard)
	}
	if c.cardType != "MEMBER_CARD" {
		return "", &ArgumentError{Field: "card_id", Reason: "must name a MEMBER_CARD card"}
	}
	info := &cardTempInfo{cardID: cardID, openID: openID, common: cardCloneMap(v.Common), custom: cardCloneMap(v.Custom)}
	ticket := s.randString(64)
	a.card.tempInfos[ticket] = info
	for _, cc := range a.card.codes {
		if cc.cardID == cardID && cc.openID == openID {
			cc.userInfo = info
			s.pushPlatformEvent(a, openID, Event{Event: "submit_membercard_user_info", Fields: map[string]string{"CardId": cardID, "UserCardCode": cc.code}})
		}
	}
	return ticket, nil
}

// CardStatus returns the review status and stock left of a card. Errors wrap
// ErrUnknownAccount or ErrUnknownCard.
func (s *Sandbox) CardStatus(appID, cardID string) (status string, quantity int64, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.cardAccount(appID)
	if err != nil {
		return "", 0, err
	}
	c := a.card.cards[cardID]
	if c == nil {
		return "", 0, fmt.Errorf("card %q: %w", cardID, ErrUnknownCard)
	}
	if c.deleted {
		return cardStatusDelete, c.quantity, nil
	}
	return c.status, c.quantity, nil
}

// validity is the begin and end (Unix seconds) of a code received at now.
func (d cardDateInfo) validity(now time.Time) (int64, int64) {
	switch d.Type {
	case "DATE_TYPE_FIX_TIME_RANGE":
		return d.BeginTimestamp, d.EndTimestamp
	case "DATE_TYPE_FIX_TERM":
		day := time.Date(now.In(shanghai).Year(), now.In(shanghai).Month(), now.In(shanghai).Day(), 0, 0, 0, 0, shanghai)
		begin := day.AddDate(0, 0, int(d.FixedBeginTerm))
		end := begin.AddDate(0, 0, int(d.FixedTerm)).Add(-time.Second)
		if d.EndTimestamp > 0 && end.Unix() > d.EndTimestamp {
			return begin.Unix(), d.EndTimestamp
		}
		return begin.Unix(), end.Unix()
	}
	return 0, 0
}

// cardOpenIDOK reports whether v is shaped like an openid.
func cardOpenIDOK(v string) bool {
	if v == "" || len(v) > 64 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if !cardIDChar(v[i]) {
			return false
		}
	}
	return true
}

// isAlphabet reports whether b is in [A-Za-z0-9_-].
func cardIDChar(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_' || b == '-'
}

// cardCodeOK reports whether v can be a card code: 1 to 20 printable ASCII
// characters without spaces (the platform's custom code limit).
func cardCodeOK(v string) bool {
	if v == "" || len(v) > 20 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] <= ' ' || v[i] > '~' {
			return false
		}
	}
	return true
}

// containsString reports whether list holds v.
func cardContains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// cloneStringMap copies m (nil stays nil).
func cardCloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// cardQRCode is a created card QR code.
type cardQRCode struct {
	items   []cardQRItem
	expires time.Time // zero for a permanent code
	used    bool      // a unique code was scanned
}

// ErrCardQRCode is wrapped by [Sandbox.ScanCardQRCode] for a ticket that is unknown,
// expired, already scanned (is_unique_code) or bound to another openid, or a pick
// outside its card list.
var ErrCardQRCode = errors.New("card QR code cannot be scanned")

// ScanCardQRCode is a user scanning a card QR code (card/qrcode/create): the card at
// index pick of the code's list (0 for a QR_CARD code) is given as [Sandbox.GiveCard]
// does, with the code's code and outer_str. A code with is_unique_code can be scanned
// once; one with an openid only by that user. Errors wrap ErrUnknownAccount,
// ErrCardQRCode, ErrUnknownCard or ErrCardNotReceivable.
func (s *Sandbox) ScanCardQRCode(appID, ticket, openID string, pick int) (CardGiven, error) {
	if !cardOpenIDOK(openID) {
		return CardGiven{}, &ArgumentError{Field: "open_id", Reason: "must be 1 to 64 characters of [A-Za-z0-9_-]"}
	}
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.cardAccount(appID)
	if err != nil {
		return CardGiven{}, err
	}
	q := a.card.qrcodes[ticket]
	switch {
	case q == nil:
		return CardGiven{}, fmt.Errorf("ticket: %w", ErrCardQRCode)
	case !q.expires.IsZero() && !now.Before(q.expires):
		return CardGiven{}, fmt.Errorf("ticket expired: %w", ErrCardQRCode)
	case pick < 0 || pick >= len(q.items):
		return CardGiven{}, fmt.Errorf("pick %d of %d cards: %w", pick, len(q.items), ErrCardQRCode)
	case q.used:
		return CardGiven{}, fmt.Errorf("unique code scanned before: %w", ErrCardQRCode)
	}
	it := q.items[pick]
	if it.OpenID != "" && it.OpenID != openID {
		return CardGiven{}, fmt.Errorf("code bound to another user: %w", ErrCardQRCode)
	}
	code := it.Code
	if card := a.card.card(it.CardID); card != nil && card.deposit {
		code = ""
	}
	given, err := s.giveCard(a, CardGift{OpenID: openID, CardID: it.CardID, Code: code, OuterStr: it.OuterStr}, now)
	if err == nil && it.IsUniqueCode {
		q.used = true
	}
	return given, err
}
