package sandbox

import (
	"slices"
	"strings"
)

// Paths of the tag endpoints.
const (
	pathGuideTagNew        = "/cgi-bin/guide/newguidetagoption"
	pathGuideTagDel        = "/cgi-bin/guide/delguidetagoption"
	pathGuideTagAddValues  = "/cgi-bin/guide/addguidetagoption"
	pathGuideTagGet        = "/cgi-bin/guide/getguidetagoption"
	pathGuideBuyerTagAdd   = "/cgi-bin/guide/addguidebuyertag"
	pathGuideBuyerTagGet   = "/cgi-bin/guide/getguidebuyertag"
	pathGuideBuyerTagQuery = "/cgi-bin/guide/queryguidebuyerbytag"
	pathGuideBuyerTagDel   = "/cgi-bin/guide/delguidebuyertag"
	pathGuideDisplayTagAdd = "/cgi-bin/guide/addguidebuyerdisplaytag"
	pathGuideDisplayTagGet = "/cgi-bin/guide/getguidebuyerdisplaytag"
)

// registerGuideTags adds the tag endpoints to m.
func registerGuideTags(m map[string]endpoint, post func(func(*Sandbox, *apiCall) answer) endpoint) {
	m[pathGuideTagNew] = post((*Sandbox).serveGuideTagNew)
	m[pathGuideTagDel] = post((*Sandbox).serveGuideTagDel)
	m[pathGuideTagAddValues] = post((*Sandbox).serveGuideTagAddValues)
	m[pathGuideTagGet] = post((*Sandbox).serveGuideTagGet)
	m[pathGuideBuyerTagAdd] = post(func(s *Sandbox, c *apiCall) answer { return s.serveGuideBuyerTag(c, true) })
	m[pathGuideBuyerTagDel] = post(func(s *Sandbox, c *apiCall) answer { return s.serveGuideBuyerTag(c, false) })
	m[pathGuideBuyerTagGet] = post((*Sandbox).serveGuideBuyerTagGet)
	m[pathGuideBuyerTagQuery] = post((*Sandbox).serveGuideBuyerTagQuery)
	m[pathGuideDisplayTagAdd] = post((*Sandbox).serveGuideDisplayTagAdd)
	m[pathGuideDisplayTagGet] = post((*Sandbox).serveGuideDisplayTagGet)
}

// guideTagOption is a tag name with its values.
type guideTagOption struct {
	Name   string   `json:"tag_name"`
	Values []string `json:"tag_values"`
}

// guideTagOf returns the option named name, or nil.
func (st *guideState) guideTagOf(name string) *guideTagOption {
	for _, o := range st.tagOptions {
		if o.Name == name {
			return o
		}
	}
	return nil
}

// guideIsTagValue reports whether v is a value of one of the account's tags.
func (st *guideState) guideIsTagValue(v string) bool {
	for _, o := range st.tagOptions {
		if slices.Contains(o.Values, v) {
			return true
		}
	}
	return false
}

// guideCheckNewValues checks values to add to o (nil for a new tag): 41011 for none,
// 40097 for a blank or repeated value, a value another tag already has (values are
// unique across the account), or more than 50 values in all.
func (st *guideState) guideCheckNewValues(o *guideTagOption, values []string) int {
	if len(values) == 0 {
		return codeMissingFields
	}
	have := 0
	if o != nil {
		have = len(o.Values)
	}
	if have+len(values) > guideMaxTagValues {
		return codeInvalidArgs
	}
	seen := map[string]bool{}
	for _, v := range values {
		if strings.TrimSpace(v) == "" || seen[v] || st.guideIsTagValue(v) {
			return codeInvalidArgs
		}
		seen[v] = true
	}
	return codeOK
}

// serveGuideTagNew answers newguidetagoption: at most 4 tag names (40097 beyond; no page
// gives the code), names unique.
func (s *Sandbox) serveGuideTagNew(c *apiCall) answer {
	var req guideTagOption
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	st := &c.a.guide
	switch {
	case strings.TrimSpace(req.Name) == "":
		return fail(codeMissingFields)
	case st.guideTagOf(req.Name) != nil || len(st.tagOptions) >= guideMaxTagOptions:
		return fail(codeInvalidArgs)
	}
	if code := st.guideCheckNewValues(nil, req.Values); code != codeOK {
		return fail(code)
	}
	st.tagOptions = append(st.tagOptions, &guideTagOption{Name: req.Name, Values: slices.Clone(req.Values)})
	return guideOK()
}

// serveGuideTagDel answers delguidetagoption: the tag's values leave every buyer too.
func (s *Sandbox) serveGuideTagDel(c *apiCall) answer {
	var req struct {
		Name string `json:"tag_name"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	st := &c.a.guide
	if req.Name == "" {
		return fail(codeMissingFields)
	}
	o := st.guideTagOf(req.Name)
	if o == nil {
		return fail(codeInvalidArgs)
	}
	st.tagOptions = slices.DeleteFunc(st.tagOptions, func(x *guideTagOption) bool { return x == o })
	for id, vs := range st.buyerTags {
		st.buyerTags[id] = slices.DeleteFunc(vs, func(v string) bool { return slices.Contains(o.Values, v) })
	}
	return guideOK()
}

// serveGuideTagAddValues answers addguidetagoption.
func (s *Sandbox) serveGuideTagAddValues(c *apiCall) answer {
	var req guideTagOption
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	st := &c.a.guide
	if req.Name == "" {
		return fail(codeMissingFields)
	}
	o := st.guideTagOf(req.Name)
	if o == nil {
		return fail(codeInvalidArgs)
	}
	if code := st.guideCheckNewValues(o, req.Values); code != codeOK {
		return fail(code)
	}
	o.Values = append(o.Values, req.Values...)
	return guideOK()
}

// serveGuideTagGet answers getguidetagoption.
func (s *Sandbox) serveGuideTagGet(c *apiCall) answer {
	if _, code := c.object(); code != codeOK {
		return fail(code)
	}
	out := []guideTagOption{}
	for _, o := range c.a.guide.tagOptions {
		out = append(out, guideTagOption{o.Name, slices.Clone(o.Values)})
	}
	return succeed(struct {
		envelope
		Options []guideTagOption `json:"options"`
	}{envelope{Errmsg: "ok"}, out})
}

// serveGuideBuyerTag answers addguidebuyertag (add) and delguidebuyertag: the value must
// be one of the account's tag values (9300807) and every buyer bound to the advisor
// (9300806).
func (s *Sandbox) serveGuideBuyerTag(c *apiCall, add bool) answer {
	var req struct {
		guideRef
		Value  string   `json:"tag_value"`
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
	st := &c.a.guide
	if req.Value == "" {
		return fail(codeMissingFields)
	}
	if !st.guideIsTagValue(req.Value) {
		return guideFail(codeGuideBadTagValue)
	}
	ids, batch, code := guideTargets(req.OpenID, req.List)
	if code != codeOK {
		return guideFail(code)
	}
	apply := func(openID string) int {
		if code := s.guideBuyerUser(c.a, openID); code != codeOK {
			return code
		}
		if r, ok := st.buyers[openID]; !ok || r.guide != g.key() {
			return codeGuideNoRelation
		}
		vs := st.buyerTags[openID]
		switch {
		case add && !slices.Contains(vs, req.Value):
			st.buyerTags[openID] = append(vs, req.Value)
		case !add:
			st.buyerTags[openID] = slices.DeleteFunc(vs, func(v string) bool { return v == req.Value })
		}
		return codeOK
	}
	if !batch {
		return guideFail(apply(ids[0]))
	}
	results := make([]guideBuyerResult, len(ids))
	for i, id := range ids {
		results[i] = guideResult(id, apply(id))
	}
	return guideBatchAnswer(results)
}

// serveGuideBuyerTagGet answers getguidebuyertag. Deleting a tag takes its values off
// buyers at once, so is_exclude changes nothing in the sandbox.
func (s *Sandbox) serveGuideBuyerTagGet(c *apiCall) answer {
	var req struct {
		guideRef
		OpenID    string `json:"openid"`
		IsExclude bool   `json:"is_exclude"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if _, _, code := s.guideRelationOf(c.a, req.guideRef, req.OpenID); code != codeOK {
		return guideFail(code)
	}
	return succeed(struct {
		envelope
		Values []string `json:"tag_values"`
	}{envelope{Errmsg: "ok"}, append([]string{}, c.a.guide.buyerTags[req.OpenID]...)})
}

// serveGuideBuyerTagQuery answers queryguidebuyerbytag: the advisor's buyers carrying
// every value. The sandbox keeps no monthly push counts, so push_count filters nothing.
func (s *Sandbox) serveGuideBuyerTagQuery(c *apiCall) answer {
	var req struct {
		guideRef
		PushCount int      `json:"push_count"`
		Values    []string `json:"tag_values"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	g, code := s.guideFind(c.a, req.guideRef)
	if code != codeOK {
		return guideFail(code)
	}
	st := &c.a.guide
	for _, v := range req.Values {
		if !st.guideIsTagValue(v) {
			return guideFail(codeGuideBadTagValue)
		}
	}
	ids := []string{}
	for _, b := range st.guideBuyersOf(g.key()) {
		vs := st.buyerTags[b.OpenID]
		if !slices.ContainsFunc(req.Values, func(v string) bool { return !slices.Contains(vs, v) }) {
			ids = append(ids, b.OpenID)
		}
	}
	return succeed(struct {
		envelope
		IDs []string `json:"openid_list"`
	}{envelope{Errmsg: "ok"}, ids})
}

// serveGuideDisplayTagAdd answers addguidebuyerdisplaytag: the list replaces the
// buyer's display tags.
func (s *Sandbox) serveGuideDisplayTagAdd(c *apiCall) answer {
	var req struct {
		guideRef
		OpenID string   `json:"openid"`
		Tags   []string `json:"display_tag_list"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if _, _, code := s.guideRelationOf(c.a, req.guideRef, req.OpenID); code != codeOK {
		return guideFail(code)
	}
	for _, t := range req.Tags {
		if strings.TrimSpace(t) == "" {
			return fail(codeInvalidArgs)
		}
	}
	st := &c.a.guide
	if len(req.Tags) == 0 {
		delete(st.displayTags, req.OpenID)
	} else {
		st.displayTags[req.OpenID] = slices.Clone(req.Tags)
	}
	return guideOK()
}

// serveGuideDisplayTagGet answers getguidebuyerdisplaytag: 9300809 when the buyer has
// none.
func (s *Sandbox) serveGuideDisplayTagGet(c *apiCall) answer {
	var req struct {
		guideRef
		OpenID string `json:"openid"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if _, _, code := s.guideRelationOf(c.a, req.guideRef, req.OpenID); code != codeOK {
		return guideFail(code)
	}
	tags, ok := c.a.guide.displayTags[req.OpenID]
	if !ok {
		return guideFail(codeGuideNoDisplayTag)
	}
	return succeed(struct {
		envelope
		Tags []string `json:"display_tag_list"`
	}{envelope{Errmsg: "ok"}, slices.Clone(tags)})
}
