package sandbox

import (
	"slices"
	"strings"
)

// guideGroup is an advisor group.
type guideGroup struct {
	id               int64
	name             string
	created, updated int64
	members          []string // guideKeys in the order they were added
}

// guideGroupJSON is a group in getguidegrouplist.
type guideGroupJSON struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	CreateTime int64  `json:"create_time"`
	UpdateTime int64  `json:"update_time"`
}

// guideGroupOf resolves a group id: 40097 when unknown (no page gives a code).
func (st *guideState) guideGroupOf(id int64) (*guideGroup, int) {
	if g, ok := st.groups[id]; ok {
		return g, codeOK
	}
	return nil, codeInvalidArgs
}

// serveGuideGroupNew answers newguidegroup: at most 200 groups (40097 beyond).
func (s *Sandbox) serveGuideGroupNew(c *apiCall) answer {
	var req struct {
		Name string `json:"group_name"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if strings.TrimSpace(req.Name) == "" {
		return fail(codeMissingFields)
	}
	st := &c.a.guide
	if len(st.groupList) >= guideMaxGroups {
		return fail(codeInvalidArgs)
	}
	g := &guideGroup{id: st.nextGroupID, name: req.Name, created: c.now.Unix(), updated: c.now.Unix()}
	st.nextGroupID++
	st.groups[g.id] = g
	st.groupList = append(st.groupList, g)
	return succeed(struct {
		envelope
		GroupID int64 `json:"group_id"`
	}{envelope{Errmsg: "ok"}, g.id})
}

// serveGuideGroupList answers getguidegrouplist.
func (s *Sandbox) serveGuideGroupList(c *apiCall) answer {
	if _, code := c.object(); code != codeOK {
		return fail(code)
	}
	out := []guideGroupJSON{}
	for _, g := range c.a.guide.groupList {
		out = append(out, guideGroupJSON{g.id, g.name, g.created, g.updated})
	}
	return succeed(struct {
		envelope
		List []guideGroupJSON `json:"group_list"`
	}{envelope{Errmsg: "ok"}, out})
}

// serveGuideGroupInfo answers getgroupinfo with a page of the group's advisors.
func (s *Sandbox) serveGuideGroupInfo(c *apiCall) answer {
	var req struct {
		GroupID int64 `json:"group_id"`
		Page    int   `json:"page"`
		Num     int   `json:"num"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	st := &c.a.guide
	g, code := st.guideGroupOf(req.GroupID)
	if code != codeOK {
		return fail(code)
	}
	lo, hi, code := guidePage(req.Page, req.Num)
	if code != codeOK {
		return fail(code)
	}
	out := []guideAdvisorJSON{}
	for _, k := range guideSlice(g.members, lo, hi) {
		if a, ok := st.guides[k]; ok {
			out = append(out, a.json())
		}
	}
	return succeed(struct {
		envelope
		TotalNum int                `json:"total_num"`
		List     []guideAdvisorJSON `json:"guide_list"`
	}{envelope{Errmsg: "ok"}, len(g.members), out})
}

// serveGuideGroupMember answers addguide2guidegroup (add) and delguide2guidegroup: at
// most 200 advisors a group (40097 beyond); adding a member again or removing a
// non-member succeeds.
func (s *Sandbox) serveGuideGroupMember(c *apiCall, add bool) answer {
	var req struct {
		guideRef
		GroupID int64 `json:"group_id"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	st := &c.a.guide
	g, code := st.guideGroupOf(req.GroupID)
	if code != codeOK {
		return fail(code)
	}
	adv, code := s.guideFind(c.a, req.guideRef)
	if code != codeOK {
		return guideFail(code)
	}
	key := adv.key()
	in := slices.Contains(g.members, key)
	switch {
	case add && !in:
		if len(g.members) >= guideMaxGroupGuides {
			return fail(codeInvalidArgs)
		}
		g.members = append(g.members, key)
	case !add && in:
		g.members = slices.DeleteFunc(g.members, func(k string) bool { return k == key })
	}
	g.updated = c.now.Unix()
	return guideOK()
}

// serveGuideGroupByGuide answers getgroupbyguide.
func (s *Sandbox) serveGuideGroupByGuide(c *apiCall) answer {
	var req guideRef
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	adv, code := s.guideFind(c.a, req)
	if code != codeOK {
		return guideFail(code)
	}
	ids := []int64{}
	for _, g := range c.a.guide.groupList {
		if slices.Contains(g.members, adv.key()) {
			ids = append(ids, g.id)
		}
	}
	return succeed(struct {
		envelope
		IDs []int64 `json:"group_id_list"`
	}{envelope{Errmsg: "ok"}, ids})
}

// serveGuideGroupDel answers delguidegroup.
func (s *Sandbox) serveGuideGroupDel(c *apiCall) answer {
	var req struct {
		GroupID int64 `json:"group_id"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	st := &c.a.guide
	g, code := st.guideGroupOf(req.GroupID)
	if code != codeOK {
		return fail(code)
	}
	delete(st.groups, g.id)
	st.groupList = slices.DeleteFunc(st.groupList, func(x *guideGroup) bool { return x == g })
	return guideOK()
}
