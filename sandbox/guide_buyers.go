package sandbox

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Paths of the buyer endpoints.
const (
	pathGuideBuyerAdd      = "/cgi-bin/guide/addguidebuyerrelation"
	pathGuideBuyerDel      = "/cgi-bin/guide/delguidebuyerrelation"
	pathGuideBuyerList     = "/cgi-bin/guide/getguidebuyerrelationlist"
	pathGuideBuyerRebind   = "/cgi-bin/guide/rebindguideacctforbuyer"
	pathGuideBuyerUpdate   = "/cgi-bin/guide/updateguidebuyerrelation"
	pathGuideBuyerByBuyer  = "/cgi-bin/guide/getguidebuyerrelationbybuyer"
	pathGuideBuyerRelation = "/cgi-bin/guide/getguidebuyerrelation"
)

// registerGuideBuyers adds the buyer endpoints to m.
func registerGuideBuyers(m map[string]endpoint, post func(func(*Sandbox, *apiCall) answer) endpoint) {
	m[pathGuideBuyerAdd] = post((*Sandbox).serveGuideBuyerAdd)
	m[pathGuideBuyerDel] = post((*Sandbox).serveGuideBuyerDel)
	m[pathGuideBuyerList] = post((*Sandbox).serveGuideBuyerList)
	m[pathGuideBuyerRebind] = post((*Sandbox).serveGuideBuyerRebind)
	m[pathGuideBuyerUpdate] = post((*Sandbox).serveGuideBuyerUpdate)
	m[pathGuideBuyerByBuyer] = post((*Sandbox).serveGuideBuyerByBuyer)
	m[pathGuideBuyerRelation] = post((*Sandbox).serveGuideBuyerRelation)
}

// guideRelation binds a buyer to an advisor.
type guideRelation struct {
	guide    string // guideKey
	nickname string
	created  int64
}

// guideKey is the advisor key of r; "" for nil.
func (r *guideRelation) guideKey() string {
	if r == nil {
		return ""
	}
	return r.guide
}

// guideBuyerResult is one buyer's result in a batch answer.
type guideBuyerResult struct {
	Errcode int    `json:"errcode"`
	Errmsg  string `json:"errmsg"`
	OpenID  string `json:"openid"`
}

// guideResult is the result of code for openID.
func guideResult(openID string, code int) guideBuyerResult {
	return guideBuyerResult{Errcode: code, Errmsg: guideErrmsg(code), OpenID: openID}
}

// guideBatchAnswer is the answer of a batch call.
func guideBatchAnswer(results []guideBuyerResult) answer {
	return succeed(struct {
		envelope
		Resp []guideBuyerResult `json:"buyer_resp"`
	}{envelope{Errmsg: "ok"}, results})
}

// guideTargets returns the buyers of a call that takes openid or openid_list: batch
// reports openid_list; 41011 when neither is given, 40097 when both are and 40032 when
// the list holds more than 200 openids.
func guideTargets(openID string, list []string) (ids []string, batch bool, code int) {
	switch {
	case openID != "" && len(list) > 0:
		return nil, false, codeInvalidArgs
	case openID != "":
		return []string{openID}, false, codeOK
	case len(list) == 0:
		return nil, false, codeMissingFields
	case len(list) > guideMaxBatch:
		return nil, false, codeGuideListSize
	}
	return list, true, codeOK
}

// guideCount is the number of buyers bound to the advisor key.
func (st *guideState) guideCount(key string) int {
	n := 0
	for _, r := range st.buyers {
		if r.guide == key {
			n++
		}
	}
	return n
}

// guideBind binds openID to the advisor key: 40003/43004 for a bad buyer, 40097 when it
// is bound to another advisor (rebind moves buyers) or the advisor has 15,000 buyers
// (the platform's codes for these are not documented). Binding again to the same
// advisor updates the nickname.
func (s *Sandbox) guideBind(a *account, key, openID, nickname string, now int64) int {
	if code := s.guideBuyerUser(a, openID); code != codeOK {
		return code
	}
	st := &a.guide
	if r, ok := st.buyers[openID]; ok {
		if r.guide != key {
			return codeInvalidArgs
		}
		if nickname != "" {
			r.nickname = nickname
		}
		return codeOK
	}
	if st.guideCount(key) >= guideMaxBuyers {
		return codeInvalidArgs
	}
	st.buyers[openID] = &guideRelation{guide: key, nickname: nickname, created: now}
	return codeOK
}

// serveGuideBuyerAdd answers addguidebuyerrelation: one buyer (openid, buyer_nickname)
// or up to 200 (buyer_list) with a result per buyer.
func (s *Sandbox) serveGuideBuyerAdd(c *apiCall) answer {
	var req struct {
		guideRef
		OpenID   string `json:"openid"`
		Nickname string `json:"buyer_nickname"`
		List     []struct {
			OpenID   string `json:"openid"`
			Nickname string `json:"buyer_nickname"`
		} `json:"buyer_list"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	g, code := s.guideFind(c.a, req.guideRef)
	if code != codeOK {
		return guideFail(code)
	}
	ids := make([]string, len(req.List))
	for i, b := range req.List {
		ids[i] = b.OpenID
	}
	if _, _, code := guideTargets(req.OpenID, ids); code != codeOK {
		return guideFail(code)
	}
	now := c.now.Unix()
	if req.OpenID != "" {
		return guideFail(s.guideBind(c.a, g.key(), req.OpenID, req.Nickname, now))
	}
	results := make([]guideBuyerResult, len(req.List))
	for i, b := range req.List {
		results[i] = guideResult(b.OpenID, s.guideBind(c.a, g.key(), b.OpenID, b.Nickname, now))
	}
	return guideBatchAnswer(results)
}

// serveGuideBuyerDel answers delguidebuyerrelation: -2 for a buyer not bound to the
// advisor (the page's code).
func (s *Sandbox) serveGuideBuyerDel(c *apiCall) answer {
	var req struct {
		guideRef
		OpenID string   `json:"openid"`
		List   []string `json:"openid_list"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	g, code := s.guideFind(c.a, req.guideRef)
	if code != codeOK {
		return guideFail(code)
	}
	ids, batch, code := guideTargets(req.OpenID, req.List)
	if code != codeOK {
		return guideFail(code)
	}
	st := &c.a.guide
	unbind := func(openID string) int {
		if _, code := s.userOf(c.a, openID); code != codeOK {
			return codeInvalidOpenID
		}
		r, ok := st.buyers[openID]
		if !ok || r.guide != g.key() {
			return codeGuideNoBinding
		}
		delete(st.buyers, openID)
		return codeOK
	}
	if !batch {
		return guideFail(unbind(ids[0]))
	}
	results := make([]guideBuyerResult, len(ids))
	for i, id := range ids {
		results[i] = guideResult(id, unbind(id))
	}
	return guideBatchAnswer(results)
}

// guideBuyerJSON is a buyer in answers.
type guideBuyerJSON struct {
	OpenID     string `json:"openid"`
	Nickname   string `json:"buyer_nickname"`
	CreateTime int64  `json:"create_time"`
}

// guideBuyersOf returns the advisor's buyers ordered by binding time, then openid.
func (st *guideState) guideBuyersOf(key string) []guideBuyerJSON {
	var out []guideBuyerJSON
	for id, r := range st.buyers {
		if r.guide == key {
			out = append(out, guideBuyerJSON{id, r.nickname, r.created})
		}
	}
	slices.SortFunc(out, func(a, b guideBuyerJSON) int {
		if a.CreateTime != b.CreateTime {
			return int(a.CreateTime - b.CreateTime)
		}
		return strings.Compare(a.OpenID, b.OpenID)
	})
	return out
}

// serveGuideBuyerList answers getguidebuyerrelationlist.
func (s *Sandbox) serveGuideBuyerList(c *apiCall) answer {
	var req struct {
		guideRef
		Page int `json:"page"`
		Num  int `json:"num"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	g, code := s.guideFind(c.a, req.guideRef)
	if code != codeOK {
		return guideFail(code)
	}
	lo, hi, code := guidePage(req.Page, req.Num)
	if code != codeOK {
		return fail(code)
	}
	all := c.a.guide.guideBuyersOf(g.key())
	return succeed(struct {
		envelope
		TotalNum int              `json:"total_num"`
		List     []guideBuyerJSON `json:"list"`
	}{envelope{Errmsg: "ok"}, len(all), guideSlice(all, lo, hi)})
}

// serveGuideBuyerRebind answers rebindguideacctforbuyer: the buyers must be bound to
// the old advisor (9300806); their tags stay with them.
func (s *Sandbox) serveGuideBuyerRebind(c *apiCall) answer {
	var req struct {
		OldAccount string   `json:"old_guide_account"`
		OldOpenID  string   `json:"old_guide_openid"`
		NewAccount string   `json:"new_guide_account"`
		NewOpenID  string   `json:"new_guide_openid"`
		OpenID     string   `json:"openid"`
		List       []string `json:"openid_list"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	oldG, code := s.guideFind(c.a, guideRef{req.OldAccount, req.OldOpenID})
	if code != codeOK {
		return guideFail(code)
	}
	newG, code := s.guideFind(c.a, guideRef{req.NewAccount, req.NewOpenID})
	if code != codeOK {
		return guideFail(code)
	}
	ids, batch, code := guideTargets(req.OpenID, req.List)
	if code != codeOK {
		return guideFail(code)
	}
	st := &c.a.guide
	moved := st.guideCount(newG.key())
	rebind := func(openID string) int {
		if code := s.guideBuyerUser(c.a, openID); code != codeOK {
			return code
		}
		r, ok := st.buyers[openID]
		if !ok || r.guide != oldG.key() {
			return codeGuideNoRelation
		}
		if oldG == newG {
			return codeOK
		}
		if moved >= guideMaxBuyers {
			return codeInvalidArgs
		}
		moved++
		r.guide = newG.key()
		r.created = c.now.Unix()
		return codeOK
	}
	if !batch {
		return guideFail(rebind(ids[0]))
	}
	results := make([]guideBuyerResult, len(ids))
	for i, id := range ids {
		results[i] = guideResult(id, rebind(id))
	}
	return guideBatchAnswer(results)
}

// guideRelationOf resolves the relation of the advisor r names and a buyer: 40003 for
// an unknown openid, 9300806 when the buyer is not bound to the advisor.
func (s *Sandbox) guideRelationOf(a *account, r guideRef, openID string) (*guideAdvisor, *guideRelation, int) {
	g, code := s.guideFind(a, r)
	if code != codeOK {
		return nil, nil, code
	}
	if openID == "" {
		return nil, nil, codeMissingFields
	}
	if _, code := s.userOf(a, openID); code != codeOK {
		return nil, nil, codeInvalidOpenID
	}
	rel, ok := a.guide.buyers[openID]
	if !ok || rel.guide != g.key() {
		return nil, nil, codeGuideNoRelation
	}
	return g, rel, codeOK
}

// serveGuideBuyerUpdate answers updateguidebuyerrelation.
func (s *Sandbox) serveGuideBuyerUpdate(c *apiCall) answer {
	var req struct {
		guideRef
		OpenID   string `json:"openid"`
		Nickname string `json:"buyer_nickname"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	_, rel, code := s.guideRelationOf(c.a, req.guideRef, req.OpenID)
	if code != codeOK {
		return guideFail(code)
	}
	if strings.TrimSpace(req.Nickname) == "" {
		return fail(codeMissingFields)
	}
	rel.nickname = req.Nickname
	return guideOK()
}

// serveGuideBuyerByBuyer answers getguidebuyerrelationbybuyer.
func (s *Sandbox) serveGuideBuyerByBuyer(c *apiCall) answer {
	var req struct {
		OpenID string `json:"openid"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.OpenID == "" {
		return fail(codeMissingFields)
	}
	if _, code := s.userOf(c.a, req.OpenID); code != codeOK {
		return fail(codeInvalidOpenID)
	}
	st := &c.a.guide
	rel, ok := st.buyers[req.OpenID]
	g := st.guides[rel.guideKey()]
	if !ok || g == nil {
		return guideFail(codeGuideNoRelation)
	}
	return succeed(struct {
		envelope
		OpenID     string `json:"openid"`
		Account    string `json:"guide_account,omitempty"`
		GuideOpen  string `json:"guide_openid,omitempty"`
		Nickname   string `json:"buyer_nickname"`
		CreateTime int64  `json:"create_time"`
	}{envelope{Errmsg: "ok"}, req.OpenID, g.account, g.openID, rel.nickname, rel.created})
}

// serveGuideBuyerRelation answers getguidebuyerrelation.
func (s *Sandbox) serveGuideBuyerRelation(c *apiCall) answer {
	var req struct {
		guideRef
		OpenID string `json:"openid"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	_, rel, code := s.guideRelationOf(c.a, req.guideRef, req.OpenID)
	if code != codeOK {
		return guideFail(code)
	}
	return succeed(struct {
		envelope
		guideBuyerJSON
	}{envelope{Errmsg: "ok"}, guideBuyerJSON{req.OpenID, rel.nickname, rel.created}})
}

// GuideChatRecord is a message between an advisor and a buyer, as
// getguidebuyerchatrecord reports it. Seed records with [Sandbox.AddGuideChatRecord].
type GuideChatRecord struct {
	// GuideAccount is the advisor's WeChat ID (exactly one of GuideAccount and
	// GuideOpenID names the advisor).
	GuideAccount string `json:"guide_account"`
	// GuideOpenID is the advisor's openid, for advisors added by openid.
	GuideOpenID string `json:"-"`
	// OpenID is the buyer.
	OpenID string `json:"openid"`
	// CreateTime is when the message was sent, in Unix seconds; 0 means the sandbox
	// clock's now.
	CreateTime int64 `json:"create_time"`
	// Content is the message (text, image URL or card JSON).
	Content string `json:"content"`
	// ContentType is 1 (text), 3 (image) or 49 (mini program card).
	ContentType int `json:"content_type"`
	// Direction is 1 (advisor to buyer) or 2 (buyer to advisor).
	Direction int `json:"direction"`
}

// AddGuideChatRecord records a chat message between an advisor of the account and one
// of its buyers, for getguidebuyerchatrecord. It returns an [*ArgumentError] when the
// advisor is not an advisor of the account, the buyer is not a user of the account, or
// a field is out of range, and an error wrapping [ErrUnknownAccount] for an unknown
// AppID.
func (s *Sandbox) AddGuideChatRecord(appID string, r GuideChatRecord) error {
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return unknownAccount(appID)
	}
	a.guide.init()
	if (r.GuideAccount == "") == (r.GuideOpenID == "") {
		return &ArgumentError{Field: "record.guide_account", Reason: "exactly one of GuideAccount and GuideOpenID must be set"}
	}
	if _, code := s.guideFind(a, guideRef{r.GuideAccount, r.GuideOpenID}); code != codeOK {
		return &ArgumentError{Field: "record.guide_account", Reason: fmt.Sprintf("does not name an advisor of the account (errcode %d)", code)}
	}
	if _, ok := a.users[r.OpenID]; !ok {
		return &ArgumentError{Field: "record.openid", Reason: "is not a user of the account"}
	}
	if r.ContentType != 1 && r.ContentType != 3 && r.ContentType != 49 {
		return &ArgumentError{Field: "record.content_type", Reason: "must be 1, 3 or 49"}
	}
	if r.Direction != 1 && r.Direction != 2 {
		return &ArgumentError{Field: "record.direction", Reason: "must be 1 or 2"}
	}
	if r.CreateTime == 0 {
		r.CreateTime = now.Unix()
	}
	a.guide.chats = append(a.guide.chats, r)
	return nil
}

// serveGuideChatRecord answers getguidebuyerchatrecord: begin_time and end_time apply
// only when both are non-zero (else the last 30 days); a range reaching back more than
// 30 days or ending before it begins is 40097 (no page gives the code).
func (s *Sandbox) serveGuideChatRecord(c *apiCall) answer {
	var req struct {
		guideRef
		OpenID string `json:"openid"`
		Begin  int64  `json:"begin_time"`
		End    int64  `json:"end_time"`
		Page   int    `json:"page"`
		Num    int    `json:"num"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	g, code := s.guideFind(c.a, req.guideRef)
	if code != codeOK {
		return guideFail(code)
	}
	lo, hi, code := guidePage(req.Page, req.Num)
	if code != codeOK {
		return fail(code)
	}
	oldest := c.now.Add(-guideChatDays * 24 * time.Hour).Unix()
	begin, end := oldest, c.now.Unix()
	if req.Begin != 0 && req.End != 0 {
		if req.Begin < oldest || req.End < req.Begin {
			return fail(codeInvalidArgs)
		}
		begin, end = req.Begin, req.End
	}
	if req.OpenID != "" {
		if _, code := s.userOf(c.a, req.OpenID); code != codeOK {
			return fail(codeInvalidOpenID)
		}
	}
	out := []GuideChatRecord{}
	for _, r := range c.a.guide.chats {
		key := "a:" + r.GuideAccount
		if r.GuideOpenID != "" {
			key = "o:" + r.GuideOpenID
		}
		if key != g.key() || r.CreateTime < begin || r.CreateTime > end || (req.OpenID != "" && r.OpenID != req.OpenID) {
			continue
		}
		out = append(out, r)
	}
	return succeed(struct {
		envelope
		TotalNum int               `json:"total_num"`
		List     []GuideChatRecord `json:"msg_list"`
	}{envelope{Errmsg: "ok"}, len(out), guideSlice(out, lo, hi)})
}
