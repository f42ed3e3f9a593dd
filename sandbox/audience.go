package sandbox

// This file emulates the audience endpoints: followers (user/get, user/info,
// user/info/batchget, user/info/updateremark), tags (tags/*, user/tag/get), the blacklist
// (tags/members/getblacklist, batchblacklist, batchunblacklist). QR codes and short keys
// are in audience_qr.go. Limits and codes: behaviour.md §3, facts.md §6.5–§6.6.

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Errcodes of the audience endpoints; their errmsg texts are in errmsgs (errcodes.go).
const (
	codeAudOpenIDListSize   = 40032 // invalid openid list size
	codeAudInvalidAction    = 40052 // invalid action name
	codeAudInvalidInfo      = 40053 // invalid action info, please check document
	codeAudQRLimit          = 45029 // qrcode count out of limit
	codeAudTooManyTags      = 45056 // too many tag now, no need to add new
	codeAudTagTooManyFans   = 45057 // can't delete the tag that has too many fans
	codeAudSysTag           = 45058 // can't modify sys tag
	codeAudUserTooManyTags  = 45059 // can not tagging one user too much
	codeAudInvalidTagName   = 45157 // invalid tag name
	codeAudTagNameTooLong   = 45158 // tag name too long
	codeAudInvalidTagID     = 45159 // invalid tag id
	codeAudOpenIDOtherAppID = 49003 // not match openid with appid
)

// Limits of the audience endpoints.
const (
	followersPage     = 10000  // openids per user/get and user/tag/get page
	blacklistPage     = 1000   // openids per getblacklist page (current doc; older copies say 10000)
	maxBatchGet       = 100    // users per user/info/batchget
	maxTagBatch       = 50     // openids per batchtagging / batchuntagging
	maxBlacklistBatch = 20     // openids per batchblacklist / batchunblacklist
	maxTags           = 100    // tags an account creates (the system tag not counted: sandbox choice)
	maxTagNameLen     = 30     // characters of a tag name
	maxTagDeleteFans  = 100000 // a tag with more followers cannot be deleted (45057)
	starTagID         = 2      // the system tag 星标组
	firstTagID        = 100    // ids of created tags start here (sandbox choice; the docs show 100 and 134)
	sceneOthers       = "ADD_SCENE_OTHERS"
	sceneQRCode       = "ADD_SCENE_QR_CODE"
)

// audienceState is the account's state in this domain. Guarded by Sandbox.mu. The zero
// value is an account without followers, tags, codes or keys.
type audienceState struct {
	// order holds followers' openids in subscription order (user/get order). An entry i
	// is live when pos[order[i]] == i; entries of users who unfollowed or followed again
	// later are stale and skipped, and compacted away when they dominate.
	order     []string
	pos       map[string]int // openid → index in order, for followers only
	followers int            // live entries of order

	black []string // blacklisted openids in the order they were blocked

	tags      map[int]*tag // created tags by id
	nextTagID int          // the id the next created tag gets (0: firstTagID)
	starCount int          // followers carrying the system tag 2

	qr qrState // QR codes and short keys (audience_qr.go)
}

// tag is one of the account's tags.
type tag struct {
	id    int
	name  string
	count int // followers carrying it
}

// tagExists reports whether id names a tag users can carry: the system tag 2 or a
// created tag.
func (st *audienceState) tagExists(id int) bool {
	if id == starTagID {
		return true
	}
	_, ok := st.tags[id]
	return ok
}

// isFollower reports whether u is a follower (nil is not).
func isFollower(u *User) bool { return u != nil && !u.Unsubscribed }

// noteUser updates the follower list, tag counts and blacklist when the stored user
// changes from old to u (either may be nil: added or deleted). Callers hold s.mu and
// store u themselves.
func (st *audienceState) noteUser(old, u *User) {
	if isFollower(old) {
		st.countTags(old.TagIDs, -1)
	}
	if isFollower(u) {
		st.countTags(u.TagIDs, +1)
	}
	switch {
	case !isFollower(old) && isFollower(u):
		if st.pos == nil {
			st.pos = make(map[string]int)
		}
		st.pos[u.OpenID] = len(st.order)
		st.order = append(st.order, u.OpenID)
		st.followers++
	case isFollower(old) && !isFollower(u):
		delete(st.pos, old.OpenID)
		st.followers--
		st.compact()
	}
	st.noteBlock(old, u)
}

// countTags adds delta to the counts of the tags ids.
func (st *audienceState) countTags(ids []int, delta int) {
	for _, id := range ids {
		if id == starTagID {
			st.starCount += delta
		} else if t, ok := st.tags[id]; ok {
			t.count += delta
		}
	}
}

// compact drops stale entries of order when they outnumber the live ones.
func (st *audienceState) compact() {
	if len(st.order) < 1024 || len(st.order) < 2*st.followers {
		return
	}
	live := make([]string, 0, st.followers)
	for i, id := range st.order {
		if p, ok := st.pos[id]; ok && p == i {
			st.pos[id] = len(live)
			live = append(live, id)
		}
	}
	st.order = live
}

// page returns up to limit followers after the follower after (from the start when ""),
// in subscription order, that keep returns true for. ok is false when after is not a
// follower.
func (st *audienceState) page(after string, limit int, keep func(id string) bool) (ids []string, ok bool) {
	start := 0
	if after != "" {
		p, found := st.pos[after]
		if !found {
			return nil, false
		}
		start = p + 1
	}
	ids = make([]string, 0, min(limit, st.followers))
	for i := start; i < len(st.order) && len(ids) < limit; i++ {
		id := st.order[i]
		if p, live := st.pos[id]; live && p == i && (keep == nil || keep(id)) {
			ids = append(ids, id)
		}
	}
	return ids, true
}

// openidList is the data member of the list answers.
type openidList struct {
	OpenID []string `json:"openid"`
}

// followerPage is the answer of user/get and getblacklist (total included) and
// user/tag/get (without total).
type followerPage struct {
	Total      *int        `json:"total,omitempty"`
	Count      int         `json:"count"`
	Data       *openidList `json:"data,omitempty"`
	NextOpenID string      `json:"next_openid"`
}

// newFollowerPage builds a page answer. Like the platform's example, the last page's
// next_openid is its last openid; a call after it gets count 0, no data and next_openid
// "" (behaviour.md §3.2: the final-call shape is a sandbox choice).
func newFollowerPage(total *int, ids []string) followerPage {
	p := followerPage{Total: total, Count: len(ids)}
	if len(ids) > 0 {
		p.Data = &openidList{OpenID: ids}
		p.NextOpenID = ids[len(ids)-1]
	}
	return p
}

// registerAudience adds the Audience endpoints to m.
func registerAudience(m map[string]endpoint) {
	m["/cgi-bin/user/get"] = endpoint{method: http.MethodGet, serve: (*Sandbox).serveUserGet}
	m["/cgi-bin/user/info"] = endpoint{method: http.MethodGet, serve: (*Sandbox).serveUserInfo}
	m["/cgi-bin/user/info/batchget"] = endpoint{method: http.MethodPost, serve: (*Sandbox).serveUserBatchGet}
	m["/cgi-bin/user/info/updateremark"] = endpoint{method: http.MethodPost, serve: (*Sandbox).serveUpdateRemark}
	m["/cgi-bin/tags/create"] = endpoint{method: http.MethodPost, serve: (*Sandbox).serveTagCreate}
	m["/cgi-bin/tags/get"] = endpoint{method: http.MethodGet, serve: (*Sandbox).serveTagGet}
	m["/cgi-bin/tags/update"] = endpoint{method: http.MethodPost, serve: (*Sandbox).serveTagUpdate}
	m["/cgi-bin/tags/delete"] = endpoint{method: http.MethodPost, serve: (*Sandbox).serveTagDelete}
	m["/cgi-bin/user/tag/get"] = endpoint{method: http.MethodPost, serve: (*Sandbox).serveTagMembers}
	m["/cgi-bin/tags/members/batchtagging"] = endpoint{method: http.MethodPost, serve: func(s *Sandbox, c *apiCall) answer { return s.serveTagging(c, true) }}
	m["/cgi-bin/tags/members/batchuntagging"] = endpoint{method: http.MethodPost, serve: func(s *Sandbox, c *apiCall) answer { return s.serveTagging(c, false) }}
	m["/cgi-bin/tags/getidlist"] = endpoint{method: http.MethodPost, serve: (*Sandbox).serveTagIDList}
	m["/cgi-bin/tags/members/getblacklist"] = endpoint{method: http.MethodPost, serve: (*Sandbox).serveGetBlacklist}
	m["/cgi-bin/tags/members/batchblacklist"] = endpoint{method: http.MethodPost, serve: func(s *Sandbox, c *apiCall) answer { return s.serveBlacklist(c, true) }}
	m["/cgi-bin/tags/members/batchunblacklist"] = endpoint{method: http.MethodPost, serve: func(s *Sandbox, c *apiCall) answer { return s.serveBlacklist(c, false) }}
	registerAudienceQR(m)
}

// userOf resolves an openid named in a call: 40003 when it is malformed or unknown,
// 49003 when it is a user of another account.
func (s *Sandbox) userOf(a *account, openID string) (*User, int) {
	if u, ok := a.users[openID]; ok {
		return u, codeOK
	}
	if openID != "" && len(openID) <= maxOpenIDLen && strings.Trim(openID, alphabet) == "" {
		for _, other := range s.accounts {
			if other != a {
				if _, ok := other.users[openID]; ok {
					return nil, codeAudOpenIDOtherAppID
				}
			}
		}
	}
	return nil, codeInvalidOpenID
}

// serveUserGet answers user/get?next_openid=: 10000 followers a page.
func (s *Sandbox) serveUserGet(c *apiCall) answer {
	st := &c.a.audience
	ids, ok := st.page(c.q.Get("next_openid"), followersPage, nil)
	if !ok {
		return fail(codeInvalidOpenID)
	}
	total := st.followers
	return succeed(newFollowerPage(&total, ids))
}

// userInfo is a user/info answer (facts.md §6.6). Nickname and avatar are not returned
// since 2021-12-27; a non-follower gets subscribe 0, openid and unionid only.
type userInfo struct {
	Subscribe      int     `json:"subscribe"`
	OpenID         string  `json:"openid"`
	Language       string  `json:"language,omitempty"`
	SubscribeTime  int64   `json:"subscribe_time,omitempty"`
	UnionID        string  `json:"unionid,omitempty"`
	Remark         *string `json:"remark,omitempty"`
	GroupID        *int    `json:"groupid,omitempty"`
	TagIDList      *[]int  `json:"tagid_list,omitempty"` // present ([]) for every follower
	SubscribeScene string  `json:"subscribe_scene,omitempty"`
	QRScene        *int64  `json:"qr_scene,omitempty"`
	QRSceneStr     *string `json:"qr_scene_str,omitempty"`
}

// infoOf renders u as user/info does.
func infoOf(u *User) userInfo {
	if u.Unsubscribed {
		return userInfo{OpenID: u.OpenID, UnionID: u.UnionID}
	}
	lang := cmp.Or(u.Language, "zh_CN")
	remark, group, qr, qrStr := u.Remark, 0, u.QRScene, u.QRSceneStr
	tags := slices.Clone(u.TagIDs)
	if tags == nil {
		tags = []int{}
	}
	return userInfo{Subscribe: 1, OpenID: u.OpenID, Language: lang, SubscribeTime: u.SubscribeTime,
		UnionID: u.UnionID, Remark: &remark, GroupID: &group, TagIDList: &tags,
		SubscribeScene: u.SubscribeScene, QRScene: &qr, QRSceneStr: &qrStr}
}

// validLang reports whether lang is a language user/info takes ("" means zh_CN).
func validLang(lang string) bool {
	switch lang {
	case "", "zh_CN", "zh_TW", "en":
		return true
	}
	return false
}

// serveUserInfo answers user/info?openid=&lang=.
func (s *Sandbox) serveUserInfo(c *apiCall) answer {
	openID := c.q.Get("openid")
	if openID == "" {
		return fail(codeOpenIDMissing)
	}
	if !validLang(c.q.Get("lang")) {
		return fail(codeInvalidArgs) // sandbox choice: the code for a bad lang is not documented
	}
	u, code := s.userOf(c.a, openID)
	if code != codeOK {
		return fail(code)
	}
	return succeed(infoOf(u))
}

// serveUserBatchGet answers user/info/batchget: 1 to 100 users in request order.
func (s *Sandbox) serveUserBatchGet(c *apiCall) answer {
	var req struct {
		UserList []struct {
			OpenID string `json:"openid"`
			Lang   string `json:"lang"`
		} `json:"user_list"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if len(req.UserList) == 0 || len(req.UserList) > maxBatchGet {
		return fail(codeAudOpenIDListSize) // sandbox choice for the code (behaviour.md §3.2)
	}
	out := make([]userInfo, 0, len(req.UserList))
	for _, item := range req.UserList {
		if !validLang(item.Lang) {
			return fail(codeInvalidArgs)
		}
		u, code := s.userOf(c.a, item.OpenID)
		if code != codeOK {
			return fail(code)
		}
		out = append(out, infoOf(u))
	}
	return succeed(struct {
		UserInfoList []userInfo `json:"user_info_list"`
	}{out})
}

// serveUpdateRemark answers user/info/updateremark: a remark shorter than 30 characters.
func (s *Sandbox) serveUpdateRemark(c *apiCall) answer {
	var req struct {
		OpenID string `json:"openid"`
		Remark string `json:"remark"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.OpenID == "" {
		return fail(codeOpenIDMissing)
	}
	if utf8.RuneCountInString(req.Remark) >= maxRemarkLen {
		return fail(codeInvalidArgs) // sandbox choice: the code is not documented
	}
	u, code := s.userOf(c.a, req.OpenID)
	if code != codeOK {
		return fail(code)
	}
	u.Remark = req.Remark
	return succeed(envelope{Errmsg: "ok"})
}

// tagJSON is a tag in the tags answers.
type tagJSON struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	Count *int   `json:"count,omitempty"`
}

// checkTagName returns the code for an invalid tag name: 45157 when empty, blank or
// taken by another tag, 45158 when longer than 30 characters.
func (st *audienceState) checkTagName(name string, self int) int {
	if strings.TrimSpace(name) == "" {
		return codeAudInvalidTagName
	}
	if utf8.RuneCountInString(name) > maxTagNameLen {
		return codeAudTagNameTooLong
	}
	if name == "星标组" && self != starTagID {
		return codeAudInvalidTagName
	}
	for _, t := range st.tags {
		if t.name == name && t.id != self {
			return codeAudInvalidTagName
		}
	}
	return codeOK
}

// serveTagCreate answers tags/create.
func (s *Sandbox) serveTagCreate(c *apiCall) answer {
	var req struct {
		Tag struct {
			Name string `json:"name"`
		} `json:"tag"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	t, code := c.a.audience.createTag(req.Tag.Name)
	if code != codeOK {
		return fail(code)
	}
	return succeed(struct {
		Tag tagJSON `json:"tag"`
	}{tagJSON{ID: t.id, Name: t.name}})
}

// serveTagGet answers tags/get: the system tag 2 (星标组) and the created tags by id.
func (s *Sandbox) serveTagGet(c *apiCall) answer {
	st := &c.a.audience
	star := st.starCount
	out := []tagJSON{{ID: starTagID, Name: "星标组", Count: &star}}
	for _, t := range st.tags {
		n := t.count
		out = append(out, tagJSON{ID: t.id, Name: t.name, Count: &n})
	}
	slices.SortFunc(out, func(x, y tagJSON) int { return cmp.Compare(x.ID, y.ID) })
	return succeed(struct {
		Tags []tagJSON `json:"tags"`
	}{out})
}

// isSysTag reports whether id is one of the reserved system tags 0, 1 and 2.
func isSysTag(id int) bool { return id >= 0 && id <= starTagID }

// serveTagUpdate answers tags/update.
func (s *Sandbox) serveTagUpdate(c *apiCall) answer {
	var req struct {
		Tag struct {
			ID   int    `json:"id"`
			Name string `json:"name"`
		} `json:"tag"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	st := &c.a.audience
	if isSysTag(req.Tag.ID) {
		return fail(codeAudSysTag)
	}
	t, ok := st.tags[req.Tag.ID]
	if !ok {
		return fail(codeAudInvalidTagID)
	}
	if code := st.checkTagName(req.Tag.Name, t.id); code != codeOK {
		return fail(code)
	}
	t.name = req.Tag.Name
	return succeed(envelope{Errmsg: "ok"})
}

// serveTagDelete answers tags/delete: the tag leaves every user's tagid_list.
func (s *Sandbox) serveTagDelete(c *apiCall) answer {
	var req struct {
		Tag struct {
			ID int `json:"id"`
		} `json:"tag"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	st := &c.a.audience
	if isSysTag(req.Tag.ID) {
		return fail(codeAudSysTag)
	}
	t, ok := st.tags[req.Tag.ID]
	if !ok {
		return fail(codeAudInvalidTagID)
	}
	if t.count > maxTagDeleteFans {
		return fail(codeAudTagTooManyFans)
	}
	delete(st.tags, t.id)
	for _, u := range c.a.users {
		if i := slices.Index(u.TagIDs, t.id); i >= 0 {
			u.TagIDs = slices.Delete(u.TagIDs, i, i+1)
		}
	}
	return succeed(envelope{Errmsg: "ok"})
}

// serveTagMembers answers user/tag/get: followers carrying a tag, 10000 a page.
func (s *Sandbox) serveTagMembers(c *apiCall) answer {
	var req struct {
		TagID      int    `json:"tagid"`
		NextOpenID string `json:"next_openid"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	st := &c.a.audience
	if !st.tagExists(req.TagID) {
		return fail(codeAudInvalidTagID)
	}
	users := c.a.users
	ids, ok := st.page(req.NextOpenID, followersPage, func(id string) bool {
		return slices.Contains(users[id].TagIDs, req.TagID)
	})
	if !ok {
		return fail(codeInvalidOpenID)
	}
	return succeed(newFollowerPage(nil, ids))
}

// resolveList resolves 1 to limit openids (40032 otherwise), every one a user of the
// account (40003 / 49003), in order and without repeats.
func (s *Sandbox) resolveList(a *account, ids []string, limit int) ([]*User, int) {
	if len(ids) == 0 || len(ids) > limit {
		return nil, codeAudOpenIDListSize
	}
	out := make([]*User, 0, len(ids))
	for _, id := range ids {
		u, code := s.userOf(a, id)
		if code != codeOK {
			return nil, code
		}
		if !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	return out, codeOK
}

// serveTagging answers batchtagging (tag) and batchuntagging: 1 to 50 openids; nothing
// changes unless every openid is valid and no user would carry more than 20 tags.
// Tagging a tagged user, or untagging an untagged one, is not an error.
func (s *Sandbox) serveTagging(c *apiCall, tagging bool) answer {
	var req struct {
		OpenIDList []string `json:"openid_list"`
		TagID      int      `json:"tagid"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	st := &c.a.audience
	if !st.tagExists(req.TagID) {
		return fail(codeAudInvalidTagID)
	}
	users, code := s.resolveList(c.a, req.OpenIDList, maxTagBatch)
	if code != codeOK {
		return fail(code)
	}
	if tagging {
		for _, u := range users {
			if !slices.Contains(u.TagIDs, req.TagID) && len(u.TagIDs) >= maxUserTags {
				return fail(codeAudUserTooManyTags)
			}
		}
	}
	for _, u := range users {
		has := slices.Contains(u.TagIDs, req.TagID)
		switch {
		case tagging && !has:
			u.TagIDs = append(u.TagIDs, req.TagID)
			if isFollower(u) {
				st.countTags([]int{req.TagID}, +1)
			}
		case !tagging && has:
			i := slices.Index(u.TagIDs, req.TagID)
			u.TagIDs = slices.Delete(u.TagIDs, i, i+1)
			if isFollower(u) {
				st.countTags([]int{req.TagID}, -1)
			}
		}
	}
	return succeed(envelope{Errmsg: "ok"})
}

// serveTagIDList answers tags/getidlist.
func (s *Sandbox) serveTagIDList(c *apiCall) answer {
	var req struct {
		OpenID string `json:"openid"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	u, code := s.userOf(c.a, req.OpenID)
	if code != codeOK {
		return fail(code)
	}
	ids := slices.Clone(u.TagIDs)
	if ids == nil {
		ids = []int{}
	}
	return succeed(struct {
		TagIDList []int `json:"tagid_list"`
	}{ids})
}

// serveGetBlacklist answers getblacklist: blocked users in the order they were blocked,
// 1000 a page after begin_openid.
func (s *Sandbox) serveGetBlacklist(c *apiCall) answer {
	var req struct {
		BeginOpenID string `json:"begin_openid"`
	}
	if len(strings.TrimSpace(string(c.body))) > 0 { // an empty body means from the start
		if code := c.decode(&req); code != codeOK {
			return fail(code)
		}
	}
	black := c.a.audience.black
	start := 0
	if req.BeginOpenID != "" {
		i := slices.Index(black, req.BeginOpenID)
		if i < 0 {
			if _, code := s.userOf(c.a, req.BeginOpenID); code != codeOK {
				return fail(code)
			}
			return fail(codeInvalidOpenID) // a user who is not blocked (sandbox choice)
		}
		start = i + 1
	}
	end := min(start+blacklistPage, len(black))
	total := len(black)
	return succeed(newFollowerPage(&total, slices.Clone(black[start:end])))
}

// serveBlacklist answers batchblacklist (block) and batchunblacklist: 1 to 20 openids
// (over 20: 40032, a sandbox choice of code), all or nothing.
func (s *Sandbox) serveBlacklist(c *apiCall, block bool) answer {
	var req struct {
		OpenIDList []string `json:"openid_list"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	users, code := s.resolveList(c.a, req.OpenIDList, maxBlacklistBatch)
	if code != codeOK {
		return fail(code)
	}
	for _, u := range users {
		if u.Blocked == block {
			continue
		}
		old := *u
		u.Blocked = block
		c.a.audience.noteBlock(&old, u)
	}
	return succeed(envelope{Errmsg: "ok"})
}

// noteBlock updates the blacklist order when the stored user changes from old to u
// (either may be nil).
func (st *audienceState) noteBlock(old, u *User) {
	wasBlocked, blocked := old != nil && old.Blocked, u != nil && u.Blocked
	switch {
	case !wasBlocked && blocked:
		st.black = append(st.black, u.OpenID)
	case wasBlocked && !blocked:
		if i := slices.Index(st.black, old.OpenID); i >= 0 {
			st.black = slices.Delete(st.black, i, i+1)
		}
	}
}

// maxGenerate bounds one GenerateFollowers call.
const maxGenerate = 2_000_000

// generateChunk is how many followers GenerateFollowers adds per hold of the lock, so
// that API calls are served meanwhile.
const generateChunk = 10000

// GenerateFollowers adds n new followers with generated openids to the account appID
// (language zh_CN, subscribed now, scene ADD_SCENE_OTHERS) at the end of its follower
// list, and returns the account's follower count. It is how benchmarks get a million
// followers: n may be up to 2,000,000 a call. The error is an [*ArgumentError] for n out
// of range, or wraps [ErrUnknownAccount].
func (s *Sandbox) GenerateFollowers(appID string, n int) (int, error) {
	if n < 1 || n > maxGenerate {
		return 0, &ArgumentError{Field: "count", Reason: "must be 1 to " + strconv.Itoa(maxGenerate)}
	}
	now := s.Now().Unix()
	total := 0
	for done := 0; done < n; {
		s.mu.Lock()
		a, ok := s.accounts[appID]
		if !ok {
			s.mu.Unlock()
			return 0, unknownAccount(appID)
		}
		for end := min(done+generateChunk, n); done < end; done++ {
			u := &User{OpenID: s.newOpenID(a), Language: "zh_CN", SubscribeTime: now, SubscribeScene: sceneOthers}
			a.audience.noteUser(nil, u)
			a.users[u.OpenID] = u
		}
		total = a.audience.followers
		s.mu.Unlock()
	}
	return total, nil
}

// FollowerCount returns the number of followers of the account appID (user/get total),
// or an error wrapping [ErrUnknownAccount].
func (s *Sandbox) FollowerCount(appID string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return 0, unknownAccount(appID)
	}
	return a.audience.followers, nil
}

// Tag is one of an account's user tags as tags/get lists it.
type Tag struct {
	// ID is the tag id (2 is the system tag 星标组).
	ID int
	// Name is the tag's name.
	Name string
	// Count is the number of followers carrying it.
	Count int
}

// Tags returns an account's tags ordered by id, the system tag 2 first, or an error
// wrapping [ErrUnknownAccount].
func (s *Sandbox) Tags(appID string) ([]Tag, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return nil, unknownAccount(appID)
	}
	out := []Tag{{ID: starTagID, Name: "星标组", Count: a.audience.starCount}}
	for _, t := range a.audience.tags {
		out = append(out, Tag{ID: t.id, Name: t.name, Count: t.count})
	}
	slices.SortFunc(out, func(x, y Tag) int { return cmp.Compare(x.ID, y.ID) })
	return out, nil
}

// CreateTag creates a tag as tags/create does and returns it; the error is an
// [*ArgumentError] ("name") for a name tags/create refuses or when the account has 100
// tags already, or wraps [ErrUnknownAccount].
func (s *Sandbox) CreateTag(appID, name string) (Tag, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return Tag{}, unknownAccount(appID)
	}
	t, code := a.audience.createTag(name)
	if code != codeOK {
		return Tag{}, &ArgumentError{Field: "name", Reason: fmt.Sprintf("is refused by tags/create: %d %s", code, errmsgFor(code))}
	}
	return Tag{ID: t.id, Name: t.name}, nil
}

// createTag creates a tag as tags/create does, or returns its errcode.
func (st *audienceState) createTag(name string) (*tag, int) {
	if code := st.checkTagName(name, -1); code != codeOK {
		return nil, code
	}
	if len(st.tags) >= maxTags {
		return nil, codeAudTooManyTags
	}
	if st.tags == nil {
		st.tags = make(map[int]*tag)
	}
	if st.nextTagID == 0 {
		st.nextTagID = firstTagID
	}
	t := &tag{id: st.nextTagID, name: name}
	st.nextTagID++
	st.tags[t.id] = t
	return t, codeOK
}
