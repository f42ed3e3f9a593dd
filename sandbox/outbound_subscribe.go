package sandbox

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Paths of the subscribe-notification endpoints (behaviour.md §2.8 one-time
// subscription, §2.9).
const (
	pathBizSend           = "/cgi-bin/message/subscribe/bizsend"
	pathTemplateSubscribe = "/cgi-bin/message/template/subscribe"
	pathNewTmplAdd        = "/wxaapi/newtmpl/addtemplate"
	pathNewTmplDel        = "/wxaapi/newtmpl/deltemplate"
	pathNewTmplCategory   = "/wxaapi/newtmpl/getcategory"
	pathNewTmplKeywords   = "/wxaapi/newtmpl/getpubtemplatekeywords"
	pathNewTmplTitles     = "/wxaapi/newtmpl/getpubtemplatetitles"
	pathNewTmplList       = "/wxaapi/newtmpl/gettemplate"
	maxSubscribeTemplates = 25
	maxSceneDesc          = 15
	maxTitlesLimit        = 30
	maxOneTimeScene       = 10000
	maxOneTimeTitle       = 15
	maxOneTimeContent     = 200
	subscribeTypeOneTime  = 2
	subscribeTypeLongTerm = 3
	subscribeStatusAccept = "accept"
	subscribeStatusReject = "reject"
)

// pubKeyword is a keyword of a public subscribe template.
type pubKeyword struct {
	Kid     int    `json:"kid"`
	Name    string `json:"name"`
	Example string `json:"example"`
	Rule    string `json:"rule"`
}

// pubTemplate is a public subscribe template of the library.
type pubTemplate struct {
	Tid        int    `json:"tid"`
	Title      string `json:"title"`
	Type       int    `json:"type"`
	CategoryID int    `json:"categoryId"`
	keywords   []pubKeyword
}

// category is a service category of the library.
type category struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// The public template library the sandbox serves (sandbox choice: a small, fixed one;
// ids follow the documented samples, tid 401 and category 616).
var (
	subscribeCategories = []category{{616, "公交"}, {617, "物流"}, {618, "政务"}}
	pubTemplates        = []pubTemplate{
		{Tid: 401, Title: "线路变更提醒", Type: subscribeTypeOneTime, CategoryID: 616, keywords: []pubKeyword{
			{1, "线路名称", "10路", "thing"}, {2, "变更时间", "2024年1月1日 10:00", "time"},
			{3, "变更内容", "临时改道", "thing"}, {4, "备注", "请留意", "thing"}}},
		{Tid: 402, Title: "到站提醒", Type: subscribeTypeOneTime, CategoryID: 616, keywords: []pubKeyword{
			{1, "线路", "10路", "thing"}, {2, "站点", "人民广场", "thing"}, {3, "到站时间", "10:05", "time"}}},
		{Tid: 501, Title: "订单发货提醒", Type: subscribeTypeOneTime, CategoryID: 617, keywords: []pubKeyword{
			{1, "订单号", "SO20240101", "character_string"}, {2, "商品名称", "巧克力", "thing"},
			{3, "发货时间", "2024年1月1日", "date"}, {4, "订单金额", "￥39.8", "amount"}, {5, "联系电话", "021-12345678", "phone_number"}}},
		{Tid: 601, Title: "办理进度通知", Type: subscribeTypeLongTerm, CategoryID: 618, keywords: []pubKeyword{
			{1, "事项名称", "居住证办理", "thing"}, {2, "办理状态", "已受理", "phrase"}, {3, "更新时间", "2024年1月1日 10:00", "time"}}},
	}
)

func findPubTemplate(tid int) (pubTemplate, bool) {
	for _, t := range pubTemplates {
		if t.Tid == tid {
			return t, true
		}
	}
	return pubTemplate{}, false
}

// subTemplate is a subscribe template added to an account.
type subTemplate struct {
	id, title, content, example string
	kind                        int // subscribeTypeOneTime or subscribeTypeLongTerm
}

// subscribeState is the account's subscribe-notification state. Guarded by Sandbox.mu.
type subscribeState struct {
	templates map[string]*subTemplate
	order     []string
	// grants are the sends each user allowed per template id (one per accept of a
	// one-time template; -1 for a long-term subscription).
	grants map[string]map[string]int
	// oneTime are the one-time subscription (一次性订阅消息) confirmations by
	// openid + "\x00" + template_id + "\x00" + scene.
	oneTime map[string]bool
}

func registerSubscribe(m map[string]endpoint) {
	m[pathBizSend] = endpoint{method: "POST", serve: (*Sandbox).serveBizSend}
	m[pathTemplateSubscribe] = endpoint{method: "POST", serve: (*Sandbox).serveTemplateSubscribe}
	m[pathNewTmplAdd] = endpoint{method: "POST", serve: (*Sandbox).serveNewTmplAdd}
	m[pathNewTmplDel] = endpoint{method: "POST", serve: (*Sandbox).serveNewTmplDel}
	m[pathNewTmplCategory] = endpoint{method: "GET", serve: (*Sandbox).serveNewTmplCategory}
	m[pathNewTmplKeywords] = endpoint{method: "GET", serve: (*Sandbox).serveNewTmplKeywords}
	m[pathNewTmplTitles] = endpoint{method: "GET", serve: (*Sandbox).serveNewTmplTitles}
	m[pathNewTmplList] = endpoint{method: "GET", serve: (*Sandbox).serveNewTmplList}
}

// serveNewTmplAdd answers newtmpl/addtemplate.
func (s *Sandbox) serveNewTmplAdd(c *apiCall) answer {
	var b struct {
		Tid       string `json:"tid"`
		KidList   []int  `json:"kidList"`
		SceneDesc string `json:"sceneDesc"`
	}
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	tid, err := strconv.Atoi(b.Tid)
	if err != nil {
		return fail(codeOutInvalidTid)
	}
	pub, ok := findPubTemplate(tid)
	if !ok {
		return fail(codeOutInvalidTid)
	}
	if len(b.KidList) < 2 || len(b.KidList) > 5 {
		return fail(codeOutInvalidKidList)
	}
	var content, example strings.Builder
	seen := map[int]bool{}
	for _, kid := range b.KidList {
		i := slices.IndexFunc(pub.keywords, func(k pubKeyword) bool { return k.Kid == kid })
		if i < 0 || seen[kid] {
			return fail(codeOutInvalidKidList)
		}
		seen[kid] = true
		k := pub.keywords[i]
		fmt.Fprintf(&content, "%s:{{%s%d.DATA}}\n", k.Name, k.Rule, k.Kid)
		fmt.Fprintf(&example, "%s:%s\n", k.Name, k.Example)
	}
	if runeLen(b.SceneDesc) > maxSceneDesc {
		return fail(codeOutInvalidSceneDesc)
	}
	st := &c.a.outbound.subscribe
	if len(st.order) >= maxSubscribeTemplates {
		return fail(codeOutPriTmplLimit)
	}
	t := &subTemplate{id: s.randString(43), title: pub.Title, kind: pub.Type,
		content: strings.TrimSuffix(content.String(), "\n"), example: strings.TrimSuffix(example.String(), "\n")}
	if st.templates == nil {
		st.templates = make(map[string]*subTemplate)
	}
	st.templates[t.id] = t
	st.order = append(st.order, t.id)
	return succeed(struct {
		Errcode   int    `json:"errcode"`
		Errmsg    string `json:"errmsg"`
		PriTmplID string `json:"priTmplId"`
	}{0, "ok", t.id})
}

// serveNewTmplDel answers newtmpl/deltemplate. Sandbox choice: an unknown id gets 40037.
func (s *Sandbox) serveNewTmplDel(c *apiCall) answer {
	var b struct {
		PriTmplID string `json:"priTmplId"`
	}
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	st := &c.a.outbound.subscribe
	if _, ok := st.templates[b.PriTmplID]; !ok {
		return fail(codeOutInvalidTemplateID)
	}
	delete(st.templates, b.PriTmplID)
	st.order = removeString(st.order, b.PriTmplID)
	for _, g := range st.grants {
		delete(g, b.PriTmplID)
	}
	return succeed(envelope{Errcode: codeOK, Errmsg: "ok"})
}

func (s *Sandbox) serveNewTmplCategory(*apiCall) answer {
	return succeed(struct {
		Errcode int        `json:"errcode"`
		Errmsg  string     `json:"errmsg"`
		Data    []category `json:"data"`
	}{0, "ok", subscribeCategories})
}

func (s *Sandbox) serveNewTmplKeywords(c *apiCall) answer {
	tid, err := strconv.Atoi(c.q.Get("tid"))
	if err != nil {
		return fail(codeOutInvalidTid)
	}
	pub, ok := findPubTemplate(tid)
	if !ok {
		return fail(codeOutInvalidTid)
	}
	return succeed(struct {
		Errcode int          `json:"errcode"`
		Errmsg  string       `json:"errmsg"`
		Count   int          `json:"count"`
		Data    []pubKeyword `json:"data"`
	}{0, "ok", len(pub.keywords), pub.keywords})
}

func (s *Sandbox) serveNewTmplTitles(c *apiCall) answer {
	ids := c.q.Get("ids")
	if ids == "" {
		return fail(codeOutIDsMissing)
	}
	want := map[int]bool{}
	for _, p := range strings.Split(ids, ",") {
		id, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || !slices.ContainsFunc(subscribeCategories, func(c category) bool { return c.ID == id }) {
			return fail(codeOutIDsInvalid)
		}
		want[id] = true
	}
	start, err := strconv.Atoi(c.q.Get("start"))
	if err != nil || start < 0 {
		return fail(codeOutInvalidStart)
	}
	limit, err := strconv.Atoi(c.q.Get("limit"))
	if err != nil || limit < 1 || limit > maxTitlesLimit {
		return fail(codeOutInvalidLimit)
	}
	var all []pubTemplate
	for _, t := range pubTemplates {
		if want[t.CategoryID] {
			all = append(all, t)
		}
	}
	page := all[min(start, len(all)):min(start+limit, len(all))]
	return succeed(struct {
		Errcode int           `json:"errcode"`
		Errmsg  string        `json:"errmsg"`
		Count   int           `json:"count"`
		Data    []pubTemplate `json:"data"`
	}{0, "ok", len(all), append([]pubTemplate{}, page...)})
}

func (s *Sandbox) serveNewTmplList(c *apiCall) answer {
	type item struct {
		PriTmplID string `json:"priTmplId"`
		Title     string `json:"title"`
		Content   string `json:"content"`
		Example   string `json:"example"`
		Type      int    `json:"type"`
	}
	st := &c.a.outbound.subscribe
	list := make([]item, 0, len(st.order))
	for _, id := range st.order {
		t := st.templates[id]
		list = append(list, item{t.id, t.title, t.content, t.example, t.kind})
	}
	return succeed(struct {
		Errcode int    `json:"errcode"`
		Errmsg  string `json:"errmsg"`
		Data    []item `json:"data"`
	}{0, "ok", list})
}

// checkKeywordValue checks a bizsend value against its keyword's rule (behaviour.md
// §2.9 table) and returns why it breaks it ("" when it does not).
func checkKeywordValue(key, v string) string {
	rule := strings.TrimRight(key, "0123456789")
	n := runeLen(v)
	switch rule {
	case "thing":
		if n > 20 {
			return "thing values are at most 20 characters"
		}
	case "number":
		if n > 32 || strings.Trim(v, "0123456789.") != "" {
			return "number values are at most 32 digits"
		}
	case "letter":
		if n > 32 || strings.IndexFunc(v, func(r rune) bool { return !unicode.IsLetter(r) || r > unicode.MaxASCII }) >= 0 {
			return "letter values are at most 32 letters"
		}
	case "symbol":
		if n > 5 {
			return "symbol values are at most 5 symbols"
		}
	case "character_string":
		if n > 32 || strings.IndexFunc(v, func(r rune) bool { return r > unicode.MaxASCII }) >= 0 {
			return "character_string values are at most 32 digits, letters or symbols"
		}
	case "phone_number":
		if n > 17 {
			return "phone_number values are at most 17 characters"
		}
	case "car_number":
		if n > 8 {
			return "car_number values are at most 8 characters"
		}
	case "name":
		if n > 20 {
			return "name values are at most 20 characters"
		}
	case "phrase":
		if n > 5 {
			return "phrase values are at most 5 characters"
		}
	case "amount":
		if n > 14 || strings.IndexFunc(v, unicode.IsDigit) < 0 {
			return "amount values are a currency symbol and at most 10 digits"
		}
	case "time", "date":
		if n == 0 || n > 40 || strings.IndexFunc(v, unicode.IsDigit) < 0 {
			return rule + " values must be a " + rule
		}
	}
	return ""
}

var oneTimeScene = regexp.MustCompile(`^[0-9]{1,5}$`)

// serveBizSend answers subscribe/bizsend: the template must be the account's, every
// data key one of its keywords and every value within its rule (47003 naming the field),
// and the user must have a live subscription (43101), which a one-time template's send
// consumes. The message lands in the inbox under ChannelSubscribe and
// subscribe_msg_sent_event is pushed.
func (s *Sandbox) serveBizSend(c *apiCall) answer {
	var b struct {
		ToUser      string       `json:"touser"`
		TemplateID  string       `json:"template_id"`
		Page        string       `json:"page"`
		MiniProgram *miniProgram `json:"miniprogram"`
		Data        templateData `json:"data"`
	}
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	if b.ToUser == "" || !c.a.knownRecipient(b.ToUser) {
		return fail(codeInvalidOpenID)
	}
	st := &c.a.outbound.subscribe
	t, ok := st.templates[b.TemplateID]
	if !ok {
		return fail(codeOutInvalidTemplateID)
	}
	if b.Page != "" && !strings.HasPrefix(b.Page, "http://") && !strings.HasPrefix(b.Page, "https://") {
		return fail(codeOutInvalidPage)
	}
	if code := checkMiniProgram(b.MiniProgram); code != codeOK {
		return fail(code)
	}
	keys := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(t.content, -1) {
		keys[m[1]] = true
	}
	for k, v := range b.Data {
		if !keys[k] {
			return answer{errcode: codeOutArgumentInvalid, errmsg: "argument invalid! data." + k + " is not a keyword of the template"}
		}
		if why := checkKeywordValue(k, v.Value); why != "" {
			return answer{errcode: codeOutArgumentInvalid, errmsg: "argument invalid! data." + k + ".value: " + why}
		}
	}
	g := st.grants[b.ToUser][b.TemplateID]
	if g == 0 {
		return fail(codeOutUserRefused)
	}
	if g > 0 {
		st.grants[b.ToUser][b.TemplateID] = g - 1
	}
	s.msgID++
	msgID := s.msgID
	if !c.a.outbound.templates.blocked[b.ToUser] {
		c.a.receive(b.ToUser, c.now, ChannelSubscribe, "subscribe", c.body)
	}
	s.pushPlatformEvent(c.a, b.ToUser, Event{Event: "subscribe_msg_sent_event", ExtraXML: fmt.Sprintf(
		"<SubscribeMsgSentEvent><List><TemplateId><![CDATA[%s]]></TemplateId><MsgID>%d</MsgID><ErrorCode>0</ErrorCode><ErrorStatus><![CDATA[success]]></ErrorStatus></List></SubscribeMsgSentEvent>",
		b.TemplateID, msgID)})
	return succeed(envelope{Errcode: codeOK, Errmsg: "ok"})
}

// serveTemplateSubscribe answers message/template/subscribe (一次性订阅消息): the user
// must have confirmed (template_id, scene); the send consumes the confirmation.
func (s *Sandbox) serveTemplateSubscribe(c *apiCall) answer {
	var b struct {
		ToUser      string       `json:"touser"`
		TemplateID  string       `json:"template_id"`
		URL         string       `json:"url"`
		MiniProgram *miniProgram `json:"miniprogram"`
		Scene       string       `json:"scene"`
		Title       string       `json:"title"`
		Data        templateData `json:"data"`
	}
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	if b.ToUser == "" || !c.a.knownRecipient(b.ToUser) {
		return fail(codeInvalidOpenID)
	}
	if b.TemplateID == "" {
		return fail(codeOutInvalidTemplateID)
	}
	if !oneTimeScene.MatchString(b.Scene) {
		return fail(codeInvalidArgs)
	}
	if n, _ := strconv.Atoi(b.Scene); n > maxOneTimeScene {
		return fail(codeInvalidArgs)
	}
	content, ok := b.Data["content"]
	if b.Title == "" || runeLen(b.Title) > maxOneTimeTitle || !ok || content.Value == "" || runeLen(content.Value) > maxOneTimeContent || len(b.Data) != 1 {
		return fail(codeOutArgumentInvalid)
	}
	if code := checkMiniProgram(b.MiniProgram); code != codeOK {
		return fail(code)
	}
	st := &c.a.outbound.subscribe
	key := b.ToUser + "\x00" + b.TemplateID + "\x00" + strconv.Itoa(mustAtoi(b.Scene))
	if !st.oneTime[key] {
		return fail(codeOutUserRefused)
	}
	delete(st.oneTime, key)
	if !c.a.outbound.templates.blocked[b.ToUser] {
		c.a.receive(b.ToUser, c.now, ChannelSubscribe, "template_subscribe", c.body)
	}
	return succeed(envelope{Errcode: codeOK, Errmsg: "ok"})
}

func mustAtoi(v string) int {
	n, _ := strconv.Atoi(v)
	return n
}

// SubscribeDecision is a user's answer for one template in a subscription popup.
type SubscribeDecision struct {
	// TemplateID is the account's subscribe template (priTmplId).
	TemplateID string
	// Accept is true for "accept", false for "reject".
	Accept bool
}

// SubscribeNotifications makes the user openID answer a subscription popup of the
// account appID (订阅通知): each accepted template grants one send (a long-term
// template an unlimited number), each rejected one revokes what was granted; then the
// sandbox pushes subscribe_msg_popup_event with popupScene (0 none, 1 profile, 2 article
// … as the platform numbers them) when the account has a callback URL. Errors wrap
// [ErrUnknownAccount] or [ErrUnknownUser]; an unknown template gives an
// [*ArgumentError].
func (s *Sandbox) SubscribeNotifications(ctx context.Context, appID, openID string, popupScene int, ds []SubscribeDecision) (PushResult, error) {
	return s.changeSubscriptions(ctx, appID, openID, ds, func(list string) Event {
		return Event{Event: "subscribe_msg_popup_event", ExtraXML: "<SubscribeMsgPopupEvent>" + list + "</SubscribeMsgPopupEvent>"}
	}, strconv.Itoa(popupScene))
}

// ChangeSubscriptions makes the user change their subscriptions in settings
// (subscribe_msg_change_event): a reject revokes the template's grants, an accept of a
// long-term template restores it. Errors are those of SubscribeNotifications.
func (s *Sandbox) ChangeSubscriptions(ctx context.Context, appID, openID string, ds []SubscribeDecision) (PushResult, error) {
	return s.changeSubscriptions(ctx, appID, openID, ds, func(list string) Event {
		return Event{Event: "subscribe_msg_change_event", ExtraXML: "<SubscribeMsgChangeEvent>" + list + "</SubscribeMsgChangeEvent>"}
	}, "")
}

func (s *Sandbox) changeSubscriptions(ctx context.Context, appID, openID string, ds []SubscribeDecision, event func(string) Event, scene string) (PushResult, error) {
	if len(ds) == 0 {
		return PushResult{}, &ArgumentError{Field: "decisions", Reason: "must not be empty"}
	}
	s.mu.Lock()
	a, ok := s.accounts[appID]
	if !ok {
		s.mu.Unlock()
		return PushResult{}, unknownAccount(appID)
	}
	if !a.knownRecipient(openID) {
		s.mu.Unlock()
		return PushResult{}, unknownUser(appID, openID)
	}
	st := &a.outbound.subscribe
	for i, d := range ds {
		if _, ok := st.templates[d.TemplateID]; !ok {
			s.mu.Unlock()
			return PushResult{}, &ArgumentError{Field: fmt.Sprintf("decisions[%d].template_id", i), Reason: "is not a subscribe template of the account"}
		}
	}
	if st.grants == nil {
		st.grants = make(map[string]map[string]int)
	}
	g := st.grants[openID]
	if g == nil {
		g = make(map[string]int)
		st.grants[openID] = g
	}
	var list strings.Builder
	for _, d := range ds {
		status := subscribeStatusReject
		switch {
		case !d.Accept:
			delete(g, d.TemplateID)
		case st.templates[d.TemplateID].kind == subscribeTypeLongTerm:
			g[d.TemplateID] = -1
			status = subscribeStatusAccept
		default:
			if scene != "" { // a popup grants one more send; a settings change grants none
				g[d.TemplateID]++
			}
			status = subscribeStatusAccept
		}
		list.WriteString("<List><TemplateId><![CDATA[" + d.TemplateID + "]]></TemplateId><SubscribeStatusString><![CDATA[" + status + "]]></SubscribeStatusString>")
		if scene != "" {
			list.WriteString("<PopupScene>" + scene + "</PopupScene>")
		}
		list.WriteString("</List>")
	}
	hasCallback := a.CallbackURL != ""
	s.mu.Unlock()
	if !hasCallback {
		return PushResult{}, nil
	}
	return s.PushEvent(ctx, appID, openID, event(list.String()))
}

// ConfirmOneTimeSubscription makes the user openID confirm the one-time subscription
// (一次性订阅消息) page of the account appID for templateID and scene (0 to 10000), as
// the redirect of /mp/subscribemsg with action=confirm reports: it grants exactly one
// send of message/template/subscribe; confirming again before it is used grants no more.
// Errors wrap [ErrUnknownAccount] or [ErrUnknownUser]; a bad scene or empty template id
// gives an [*ArgumentError].
func (s *Sandbox) ConfirmOneTimeSubscription(appID, openID, templateID string, scene int) error {
	if templateID == "" {
		return &ArgumentError{Field: "template_id", Reason: "is required"}
	}
	if scene < 0 || scene > maxOneTimeScene {
		return &ArgumentError{Field: "scene", Reason: "must be 0 to 10000"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return unknownAccount(appID)
	}
	if !a.knownRecipient(openID) {
		return unknownUser(appID, openID)
	}
	st := &a.outbound.subscribe
	if st.oneTime == nil {
		st.oneTime = make(map[string]bool)
	}
	st.oneTime[openID+"\x00"+templateID+"\x00"+strconv.Itoa(scene)] = true
	return nil
}
