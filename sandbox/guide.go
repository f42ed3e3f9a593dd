package sandbox

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// This file holds the 服务号对话 (advisor) state of an account, the endpoint table, the
// helpers the guide files share and the advisor and configuration endpoints. Groups,
// buyers, tags, materials and mass jobs are in guide_*.go.
//
// Sources: the seed digest (服务号对话 section: 20,000 advisors, 200 groups of 200
// advisors, 15,000 buyers per advisor, 4 tag names of 50 values, 50 materials of each
// kind, 10 fast replies, 30 days of chat records, 15,000 buyers per mass send) and the
// official shopping-guide.* pages (field names, the 200-buyer batch bound, the push_time
// window, 16/100-character task names and remarks, 3 materials, the errcodes).

// Errcodes of the guide endpoints. The 93008xx codes are the ones the official pages
// list; limits whose code no page gives answer 40097 (behaviour.md §0 "invalid args").
const (
	codeGuideInvalidWeChatID = 9300801 // 无效的微信号
	codeGuideAlreadyGuide    = 9300803 // 该微信号已经绑定为顾问
	codeGuideNotGuide        = 9300804 // 顾问不存在 / 该微信号不是顾问
	codeGuideNoRelation      = 9300806 // 客户和顾问不存在绑定关系
	codeGuideBadTagValue     = 9300807 // 标签值无效，不是可选标签值
	codeGuideNoDisplayTag    = 9300809 // 展示标签不存在
	codeGuideNicknameLong    = 9300810 // 顾问昵称大于16个字
	codeGuideLimit           = 9300812 // 顾问人数到达上限
	codeGuideCardLimit       = 9300817 // 小程序卡片素材个数超过上限
	codeGuideBadMediaID      = 9300819 // media_id有误
	codeGuideBadCardAppID    = 9300821 // 小程序卡片内appid不符合要求
	codeGuideNotFollower     = 43004   // 没有关注该服务号
	codeGuideListSize        = 40032   // 客户列表大小不合法
	codeGuideNoBinding       = -2      // 不存在绑定关系 (delguidebuyerrelation)
)

// guideErrmsgs are the errmsg texts of the guide codes (sandbox texts after the
// pages' Chinese meanings; errcodes.go has the shared ones).
var guideErrmsgs = map[int]string{
	codeGuideInvalidWeChatID: "invalid wechat account",
	codeGuideAlreadyGuide:    "the wechat account is already a guide",
	codeGuideNotGuide:        "guide not exist",
	codeGuideNoRelation:      "buyer and guide have no relation",
	codeGuideBadTagValue:     "invalid tag value",
	codeGuideNoDisplayTag:    "display tag not exist",
	codeGuideNicknameLong:    "guide nickname longer than 16 characters",
	codeGuideLimit:           "guide count reach limit",
	codeGuideCardLimit:       "card material count reach limit",
	codeGuideBadMediaID:      "invalid media_id",
	codeGuideBadCardAppID:    "invalid appid in card material",
	codeGuideNotFollower:     "user not subscribe",
	codeGuideListSize:        "invalid buyer list size",
	codeGuideNoBinding:       "relation not exist",
}

// guideFail is the error answer of code with its guide errmsg when it has one.
func guideFail(code int) answer {
	if msg, ok := guideErrmsgs[code]; ok {
		return answer{errcode: code, errmsg: msg}
	}
	return fail(code)
}

// guideErrmsg is the errmsg of code for a per-buyer result.
func guideErrmsg(code int) string {
	if msg, ok := guideErrmsgs[code]; ok {
		return msg
	}
	return errmsgFor(code)
}

// Limits of the guide endpoints.
const (
	guideMaxGuides       = 20000 // advisors per account (seed)
	guideMaxNickname     = 16    // characters of an advisor nickname (9300810)
	guideMaxGroups       = 200   // groups per account (seed)
	guideMaxGroupGuides  = 200   // advisors per group (seed)
	guideMaxBuyers       = 15000 // buyers per advisor (seed)
	guideMaxBatch        = 200   // buyers per batch call (pages)
	guideMaxTagOptions   = 4     // tag names per account (seed)
	guideMaxTagValues    = 50    // values per tag name (seed)
	guideMaxMaterials    = 50    // materials of each kind (seed)
	guideMaxFastReplies  = 10    // fast replies per advisor (seed)
	guideChatDays        = 30    // chat records are kept 30 days (seed)
	guideMaxTaskName     = 16    // characters of a mass job name (pages)
	guideMaxTaskRemark   = 100   // characters of a mass job remark (pages)
	guideMaxJobMaterials = 3     // materials per mass job (pages)
	guideMaxJobBuyers    = 15000 // buyers per mass send (seed)
	guideMaxWordBytes    = 10240 // bytes of a mass job text (pages)
	guideJobWindow       = 30 * 24 * time.Hour
)

// guideWeChatIDRe is the shape of a WeChat ID: 6 to 20 letters, digits, "_" or "-",
// starting with a letter. The sandbox cannot know which IDs exist; it refuses only
// malformed ones (9300801).
var guideWeChatIDRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{5,19}$`)

// guideAppIDRe is the shape of a mini program AppID.
var guideAppIDRe = regexp.MustCompile(`^wx[0-9a-f]{16}$`)

// guideState is an account's 服务号对话 advisors, groups, buyers, tags, materials and mass jobs state.
type guideState struct {
	guides    map[string]*guideAdvisor // by guideKey
	guideList []*guideAdvisor          // in creation order

	groups      map[int64]*guideGroup
	groupList   []*guideGroup
	nextGroupID int64

	buyers      map[string]*guideRelation // by buyer openid
	buyerTags   map[string][]string       // tag values by buyer openid
	displayTags map[string][]string       // display tags by buyer openid
	chats       []GuideChatRecord

	tagOptions []*guideTagOption

	configs    map[string]*guideConfig // by guideKey; "" is the account default
	blackWords []string
	blackTime  int64
	offline    *guideReply
	wxaMenus   map[string]string // wx_username → wxa_appid

	cards      []*guideCard
	nextCardID int64
	images     []*guideImage
	words      []*guideWord

	jobs      map[int64]*guideJob
	jobList   []*guideJob
	nextJobID int64

	qrcodes int
}

// guideAdvisor is an advisor; exactly one of account and openID is set.
type guideAdvisor struct {
	account, openID      string
	headImgURL, nickname string
	created              int64
}

// key is the advisor's guideKey.
func (g *guideAdvisor) key() string {
	if g.account != "" {
		return "a:" + g.account
	}
	return "o:" + g.openID
}

// guideReply is a welcome or offline message.
type guideReply struct {
	Content    string `json:"content"`
	MsgType    int    `json:"msgtype,omitempty"`
	UpdateTime int64  `json:"updatetime,omitempty"`
}

// guideFastReply is a fast reply.
type guideFastReply struct {
	Content    string `json:"content"`
	UpdateTime int64  `json:"updatetime,omitempty"`
}

// guideConfig is an advisor's (or the default) replies.
type guideConfig struct {
	fast      []guideFastReply
	reply     *guideReply
	replyPlus *guideReply
}

// init makes the maps of an account's first guide call.
func (st *guideState) init() {
	if st.guides == nil {
		st.guides = make(map[string]*guideAdvisor)
		st.groups = make(map[int64]*guideGroup)
		st.buyers = make(map[string]*guideRelation)
		st.buyerTags = make(map[string][]string)
		st.displayTags = make(map[string][]string)
		st.configs = make(map[string]*guideConfig)
		st.wxaMenus = make(map[string]string)
		st.jobs = make(map[int64]*guideJob)
		st.nextGroupID = 1001
		st.nextJobID = 5001
		st.nextCardID = 1
	}
}

// Paths of the guide endpoints.
const (
	pathGuideAdd          = "/cgi-bin/guide/addguideacct"
	pathGuideGet          = "/cgi-bin/guide/getguideacct"
	pathGuideUpdate       = "/cgi-bin/guide/updateguideacct"
	pathGuideDel          = "/cgi-bin/guide/delguideacct"
	pathGuideList         = "/cgi-bin/guide/getguideacctlist"
	pathGuideQRCode       = "/cgi-bin/guide/guidecreateqrcode"
	pathGuideSetConfig    = "/cgi-bin/guide/setguideconfig"
	pathGuideGetConfig    = "/cgi-bin/guide/getguideconfig"
	pathGuideSetAcctConf  = "/cgi-bin/guide/setguideacctconfig"
	pathGuideGetAcctConf  = "/cgi-bin/guide/getguideacctconfig"
	pathGuideWxaPathMenu  = "/cgi-bin/guide/pushshowwxapathmenu"
	pathGuideChatRecord   = "/cgi-bin/guide/getguidebuyerchatrecord"
	pathGuideGroupNew     = "/cgi-bin/guide/newguidegroup"
	pathGuideGroupList    = "/cgi-bin/guide/getguidegrouplist"
	pathGuideGroupInfo    = "/cgi-bin/guide/getgroupinfo"
	pathGuideGroupAdd     = "/cgi-bin/guide/addguide2guidegroup"
	pathGuideGroupRemove  = "/cgi-bin/guide/delguide2guidegroup"
	pathGuideGroupByGuide = "/cgi-bin/guide/getgroupbyguide"
	pathGuideGroupDel     = "/cgi-bin/guide/delguidegroup"
)

// registerGuide adds the 服务号对话 advisors, groups, buyers, tags, materials and mass jobs endpoints to m.
func registerGuide(m map[string]endpoint) {
	post := func(serve func(*Sandbox, *apiCall) answer) endpoint {
		return endpoint{method: http.MethodPost, serve: func(s *Sandbox, c *apiCall) answer {
			c.a.guide.init()
			return serve(s, c)
		}}
	}
	m[pathGuideAdd] = post((*Sandbox).serveGuideAdd)
	m[pathGuideGet] = post((*Sandbox).serveGuideGet)
	m[pathGuideUpdate] = post((*Sandbox).serveGuideUpdate)
	m[pathGuideDel] = post((*Sandbox).serveGuideDel)
	m[pathGuideList] = post((*Sandbox).serveGuideList)
	m[pathGuideQRCode] = post((*Sandbox).serveGuideQRCode)
	m[pathGuideSetConfig] = post((*Sandbox).serveGuideSetConfig)
	m[pathGuideGetConfig] = post((*Sandbox).serveGuideGetConfig)
	m[pathGuideSetAcctConf] = post((*Sandbox).serveGuideSetAcctConfig)
	m[pathGuideGetAcctConf] = post((*Sandbox).serveGuideGetAcctConfig)
	m[pathGuideWxaPathMenu] = post((*Sandbox).serveGuideWxaPathMenu)
	m[pathGuideChatRecord] = post((*Sandbox).serveGuideChatRecord)
	m[pathGuideGroupNew] = post((*Sandbox).serveGuideGroupNew)
	m[pathGuideGroupList] = post((*Sandbox).serveGuideGroupList)
	m[pathGuideGroupInfo] = post((*Sandbox).serveGuideGroupInfo)
	m[pathGuideGroupAdd] = post(func(s *Sandbox, c *apiCall) answer { return s.serveGuideGroupMember(c, true) })
	m[pathGuideGroupRemove] = post(func(s *Sandbox, c *apiCall) answer { return s.serveGuideGroupMember(c, false) })
	m[pathGuideGroupByGuide] = post((*Sandbox).serveGuideGroupByGuide)
	m[pathGuideGroupDel] = post((*Sandbox).serveGuideGroupDel)
	registerGuideBuyers(m, post)
	registerGuideTags(m, post)
	registerGuideMaterials(m, post)
	registerGuideJobs(m, post)
}

// guideRef names an advisor in a request body.
type guideRef struct {
	Account string `json:"guide_account"`
	OpenID  string `json:"guide_openid"`
}

// guideFind resolves the advisor r names: 41011 when neither field is set, 40097 when both
// are, 9300801 for a malformed WeChat ID, 40003 for an openid the account does not know
// and 9300804 when the user is not an advisor.
func (s *Sandbox) guideFind(a *account, r guideRef) (*guideAdvisor, int) {
	switch {
	case r.Account == "" && r.OpenID == "":
		return nil, codeMissingFields
	case r.Account != "" && r.OpenID != "":
		return nil, codeInvalidArgs
	case r.Account != "":
		if !guideWeChatIDRe.MatchString(r.Account) {
			return nil, codeGuideInvalidWeChatID
		}
		if g, ok := a.guide.guides["a:"+r.Account]; ok {
			return g, codeOK
		}
		return nil, codeGuideNotGuide
	}
	if g, ok := a.guide.guides["o:"+r.OpenID]; ok {
		return g, codeOK
	}
	if _, code := s.userOf(a, r.OpenID); code != codeOK {
		return nil, codeInvalidOpenID
	}
	return nil, codeGuideNotGuide
}

// guideBuyerUser resolves a buyer openid: 40003 when unknown, 43004 when the user does
// not follow the account.
func (s *Sandbox) guideBuyerUser(a *account, openID string) int {
	u, code := s.userOf(a, openID)
	if code != codeOK {
		return codeInvalidOpenID
	}
	if u.Unsubscribed {
		return codeGuideNotFollower
	}
	return codeOK
}

// guideAdvisorJSON is an advisor in answers.
type guideAdvisorJSON struct {
	Account    string `json:"guide_account,omitempty"`
	OpenID     string `json:"guide_openid,omitempty"`
	HeadImgURL string `json:"guide_headimgurl"`
	Nickname   string `json:"guide_nickname"`
	Status     int    `json:"status"`
	CreateTime int64  `json:"create_time"`
}

// json is g in answers. The sandbox reports status 1 for every advisor (the pages do
// not define the values).
func (g *guideAdvisor) json() guideAdvisorJSON {
	return guideAdvisorJSON{Account: g.account, OpenID: g.openID, HeadImgURL: g.headImgURL,
		Nickname: g.nickname, Status: 1, CreateTime: g.created}
}

// guideOK is the plain success answer.
func guideOK() answer { return fail(codeOK) }

// guideCheckProfile checks a nickname and avatar URL: 9300810 for a nickname longer
// than 16 characters, 40097 for an avatar that is not an http(s) URL of mmbiz.qpic.cn
// (the pages require images uploaded to the platform; the code is a sandbox choice).
func guideCheckProfile(nickname, headImgURL string) int {
	if utf8.RuneCountInString(nickname) > guideMaxNickname {
		return codeGuideNicknameLong
	}
	if headImgURL != "" {
		u, err := url.Parse(headImgURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() != "mmbiz.qpic.cn" {
			return codeInvalidArgs
		}
	}
	return codeOK
}

// serveGuideAdd answers addguideacct.
func (s *Sandbox) serveGuideAdd(c *apiCall) answer {
	var req struct {
		guideRef
		HeadImgURL string `json:"guide_headimgurl"`
		Nickname   string `json:"guide_nickname"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	st := &c.a.guide
	switch {
	case req.Account == "" && req.OpenID == "":
		return fail(codeMissingFields)
	case req.Account != "" && req.OpenID != "":
		return fail(codeInvalidArgs)
	case req.Account != "" && !guideWeChatIDRe.MatchString(req.Account):
		return guideFail(codeGuideInvalidWeChatID)
	case req.OpenID != "":
		// An advisor named by openid must follow the account (the digest: 顾问个人微信号
		// 需要先关注对应的公众号).
		if code := s.guideBuyerUser(c.a, req.OpenID); code != codeOK {
			return guideFail(code)
		}
	}
	if code := guideCheckProfile(req.Nickname, req.HeadImgURL); code != codeOK {
		return guideFail(code)
	}
	g := &guideAdvisor{account: req.Account, openID: req.OpenID, headImgURL: req.HeadImgURL,
		nickname: req.Nickname, created: c.now.Unix()}
	if _, dup := st.guides[g.key()]; dup {
		return guideFail(codeGuideAlreadyGuide)
	}
	if len(st.guideList) >= guideMaxGuides {
		return guideFail(codeGuideLimit)
	}
	st.guides[g.key()] = g
	st.guideList = append(st.guideList, g)
	return guideOK()
}

// serveGuideGet answers getguideacct.
func (s *Sandbox) serveGuideGet(c *apiCall) answer {
	var req guideRef
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	g, code := s.guideFind(c.a, req)
	if code != codeOK {
		return guideFail(code)
	}
	return succeed(struct {
		envelope
		guideAdvisorJSON
	}{envelope{Errmsg: "ok"}, g.json()})
}

// serveGuideUpdate answers updateguideacct: empty fields are left as they are.
func (s *Sandbox) serveGuideUpdate(c *apiCall) answer {
	var req struct {
		guideRef
		HeadImgURL string `json:"guide_headimgurl"`
		Nickname   string `json:"guide_nickname"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	g, code := s.guideFind(c.a, req.guideRef)
	if code != codeOK {
		return guideFail(code)
	}
	if code := guideCheckProfile(req.Nickname, req.HeadImgURL); code != codeOK {
		return guideFail(code)
	}
	if req.Nickname != "" {
		g.nickname = req.Nickname
	}
	if req.HeadImgURL != "" {
		g.headImgURL = req.HeadImgURL
	}
	return guideOK()
}

// serveGuideDel answers delguideacct: the advisor's buyers become unassigned, and the
// advisor leaves its groups; its mass jobs that have not run are cancelled.
func (s *Sandbox) serveGuideDel(c *apiCall) answer {
	var req guideRef
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	g, code := s.guideFind(c.a, req)
	if code != codeOK {
		return guideFail(code)
	}
	st := &c.a.guide
	key := g.key()
	delete(st.guides, key)
	st.guideList = slices.DeleteFunc(st.guideList, func(x *guideAdvisor) bool { return x == g })
	for openID, r := range st.buyers {
		if r.guide == key {
			delete(st.buyers, openID)
		}
	}
	for _, gr := range st.groupList {
		gr.members = slices.DeleteFunc(gr.members, func(k string) bool { return k == key })
	}
	delete(st.configs, key)
	for _, j := range st.jobList {
		if j.guide == key && j.status == guideJobPending {
			j.status = guideJobCancelled
			j.updated = c.now.Unix()
		}
	}
	return guideOK()
}

// guidePage decodes page/num paging: 40097 for a negative page or a num that is not
// positive.
func guidePage(page, num int) (lo, hi int, code int) {
	if page < 0 || num <= 0 {
		return 0, 0, codeInvalidArgs
	}
	return page * num, page*num + num, codeOK
}

// guideSlice returns items[lo:hi] clipped to the slice.
func guideSlice[T any](items []T, lo, hi int) []T {
	if lo < 0 || lo >= len(items) || hi <= lo {
		return []T{}
	}
	return items[lo:min(hi, len(items))]
}

// serveGuideList answers getguideacctlist.
func (s *Sandbox) serveGuideList(c *apiCall) answer {
	var req struct {
		Page int `json:"page"`
		Num  int `json:"num"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	lo, hi, code := guidePage(req.Page, req.Num)
	if code != codeOK {
		return fail(code)
	}
	st := &c.a.guide
	out := []guideAdvisorJSON{}
	for _, g := range guideSlice(st.guideList, lo, hi) {
		out = append(out, g.json())
	}
	return succeed(struct {
		envelope
		TotalNum int                `json:"total_num"`
		List     []guideAdvisorJSON `json:"account_list"`
	}{envelope{Errmsg: "ok"}, len(st.guideList), out})
}

// serveGuideQRCode answers guidecreateqrcode with a URL naming the advisor's code (the
// sandbox serves no image behind it).
func (s *Sandbox) serveGuideQRCode(c *apiCall) answer {
	var req struct {
		guideRef
		QRCodeInfo string `json:"qrcode_info"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if _, code := s.guideFind(c.a, req.guideRef); code != codeOK {
		return guideFail(code)
	}
	st := &c.a.guide
	st.qrcodes++
	return succeed(struct {
		envelope
		URL string `json:"qrcode_url"`
	}{envelope{Errmsg: "ok"}, fmt.Sprintf("https://mp.weixin.qq.com/guide/qrcode?appid=%s&id=%d", url.QueryEscape(c.a.AppID), st.qrcodes)})
}

// guideConfigKey resolves the optional advisor of the config endpoints: "" for the
// account's defaults.
func (s *Sandbox) guideConfigKey(a *account, r guideRef) (string, int) {
	if r.Account == "" && r.OpenID == "" {
		return "", codeOK
	}
	g, code := s.guideFind(a, r)
	if code != codeOK {
		return "", code
	}
	return g.key(), codeOK
}

// guideCheckReply checks a welcome message: msgtype 1 (text), 2 (an image: the media_id
// of a permanent image, else 9300819) or 3 (a mini program card as JSON); content is
// required.
func guideCheckReply(a *account, r *guideReply) int {
	if r == nil {
		return codeOK
	}
	switch {
	case strings.TrimSpace(r.Content) == "":
		return codeMissingFields
	case r.MsgType != 0 && (r.MsgType < 1 || r.MsgType > 3):
		return codeInvalidArgs
	case r.MsgType == 2 && !guideIsImage(a, r.Content):
		return codeGuideBadMediaID
	}
	return codeOK
}

// guideIsImage reports whether mediaID is a permanent image material of the account.
func guideIsImage(a *account, mediaID string) bool {
	m, ok := a.content.materials[mediaID]
	return ok && m.kind == materialImage
}

// serveGuideSetConfig answers setguideconfig: is_delete false adds fast replies (at
// most 10) and sets the given welcome messages; true deletes the given fast replies (by
// content) and the given welcome messages.
func (s *Sandbox) serveGuideSetConfig(c *apiCall) answer {
	var req struct {
		guideRef
		IsDelete  bool             `json:"is_delete"`
		Fast      []guideFastReply `json:"guide_fast_reply_list"`
		Reply     *guideReply      `json:"guide_auto_reply"`
		ReplyPlus *guideReply      `json:"guide_auto_reply_plus"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	key, code := s.guideConfigKey(c.a, req.guideRef)
	if code != codeOK {
		return guideFail(code)
	}
	st := &c.a.guide
	cfg := st.configs[key]
	if cfg == nil {
		cfg = &guideConfig{}
	}
	now := c.now.Unix()
	if req.IsDelete {
		for _, f := range req.Fast {
			cfg.fast = slices.DeleteFunc(cfg.fast, func(x guideFastReply) bool { return x.Content == f.Content })
		}
		if req.Reply != nil {
			cfg.reply = nil
		}
		if req.ReplyPlus != nil {
			cfg.replyPlus = nil
		}
		st.configs[key] = cfg
		return guideOK()
	}
	for _, f := range req.Fast {
		if strings.TrimSpace(f.Content) == "" {
			return fail(codeMissingFields)
		}
	}
	for _, r := range []*guideReply{req.Reply, req.ReplyPlus} {
		if code := guideCheckReply(c.a, r); code != codeOK {
			return guideFail(code)
		}
	}
	if len(cfg.fast)+len(req.Fast) > guideMaxFastReplies {
		return fail(codeInvalidArgs)
	}
	for _, f := range req.Fast {
		cfg.fast = append(cfg.fast, guideFastReply{Content: f.Content, UpdateTime: now})
	}
	if req.Reply != nil {
		cfg.reply = &guideReply{Content: req.Reply.Content, MsgType: max(req.Reply.MsgType, 1), UpdateTime: now}
	}
	if req.ReplyPlus != nil {
		cfg.replyPlus = &guideReply{Content: req.ReplyPlus.Content, MsgType: max(req.ReplyPlus.MsgType, 1), UpdateTime: now}
	}
	st.configs[key] = cfg
	return guideOK()
}

// serveGuideGetConfig answers getguideconfig.
func (s *Sandbox) serveGuideGetConfig(c *apiCall) answer {
	var req guideRef
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	key, code := s.guideConfigKey(c.a, req)
	if code != codeOK {
		return guideFail(code)
	}
	cfg := c.a.guide.configs[key]
	if cfg == nil {
		cfg = &guideConfig{}
	}
	return succeed(struct {
		envelope
		Fast      []guideFastReply `json:"guide_fast_reply_list"`
		Reply     *guideReply      `json:"guide_auto_reply,omitempty"`
		ReplyPlus *guideReply      `json:"guide_auto_reply_plus,omitempty"`
	}{envelope{Errmsg: "ok"}, append([]guideFastReply{}, cfg.fast...), cfg.reply, cfg.replyPlus})
}

// serveGuideSetAcctConfig answers setguideacctconfig: is_delete false adds sensitive
// words and sets the offline reply, true deletes the words and the reply given.
func (s *Sandbox) serveGuideSetAcctConfig(c *apiCall) answer {
	var req struct {
		IsDelete bool `json:"is_delete"`
		Black    *struct {
			Values []string `json:"values"`
		} `json:"black_keyword"`
		Reply *guideReply `json:"guide_auto_reply"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	st := &c.a.guide
	now := c.now.Unix()
	if req.Black != nil {
		for _, w := range req.Black.Values {
			if strings.TrimSpace(w) == "" {
				return fail(codeInvalidArgs)
			}
		}
	}
	if !req.IsDelete && req.Reply != nil && strings.TrimSpace(req.Reply.Content) == "" {
		return fail(codeMissingFields)
	}
	if req.Black != nil {
		for _, w := range req.Black.Values {
			i := slices.Index(st.blackWords, w)
			switch {
			case req.IsDelete && i >= 0:
				st.blackWords = slices.Delete(st.blackWords, i, i+1)
			case !req.IsDelete && i < 0:
				st.blackWords = append(st.blackWords, w)
			}
		}
		st.blackTime = now
	}
	if req.Reply != nil {
		if req.IsDelete {
			st.offline = nil
		} else {
			st.offline = &guideReply{Content: req.Reply.Content, UpdateTime: now}
		}
	}
	return guideOK()
}

// serveGuideGetAcctConfig answers getguideacctconfig.
func (s *Sandbox) serveGuideGetAcctConfig(c *apiCall) answer {
	if _, code := c.object(); code != codeOK {
		return fail(code)
	}
	st := &c.a.guide
	type black struct {
		Values     []string `json:"values"`
		UpdateTime int64    `json:"updatetime"`
	}
	return succeed(struct {
		envelope
		Black black       `json:"black_keyword"`
		Reply *guideReply `json:"guide_auto_reply,omitempty"`
	}{envelope{Errmsg: "ok"}, black{append([]string{}, st.blackWords...), st.blackTime}, st.offline})
}

// serveGuideWxaPathMenu answers pushshowwxapathmenu: wxa_appid must look like a mini
// program AppID (9300821, as for card materials) and wx_username like a WeChat ID
// (9300801).
func (s *Sandbox) serveGuideWxaPathMenu(c *apiCall) answer {
	var req struct {
		AppID    string `json:"wxa_appid"`
		Username string `json:"wx_username"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	switch {
	case req.AppID == "" || req.Username == "":
		return fail(codeMissingFields)
	case !guideAppIDRe.MatchString(req.AppID):
		return guideFail(codeGuideBadCardAppID)
	case !guideWeChatIDRe.MatchString(req.Username):
		return guideFail(codeGuideInvalidWeChatID)
	}
	c.a.guide.wxaMenus[req.Username] = req.AppID
	return guideOK()
}
