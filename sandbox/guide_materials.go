package sandbox

import (
	"slices"
	"strings"
)

// Paths of the material endpoints.
const (
	pathGuideCardSet  = "/cgi-bin/guide/setguidecardmaterial"
	pathGuideCardGet  = "/cgi-bin/guide/getguidecardmaterial"
	pathGuideCardDel  = "/cgi-bin/guide/delguidecardmaterial"
	pathGuideImageSet = "/cgi-bin/guide/setguideimagematerial"
	pathGuideImageGet = "/cgi-bin/guide/getguideimagematerial"
	pathGuideImageDel = "/cgi-bin/guide/delguideimagematerial"
	pathGuideWordSet  = "/cgi-bin/guide/setguidewordmaterial"
	pathGuideWordGet  = "/cgi-bin/guide/getguidewordmaterial"
	pathGuideWordDel  = "/cgi-bin/guide/delguidewordmaterial"
)

// registerGuideMaterials adds the material endpoints to m.
func registerGuideMaterials(m map[string]endpoint, post func(func(*Sandbox, *apiCall) answer) endpoint) {
	m[pathGuideCardSet] = post((*Sandbox).serveGuideCardSet)
	m[pathGuideCardGet] = post((*Sandbox).serveGuideCardGet)
	m[pathGuideCardDel] = post((*Sandbox).serveGuideCardDel)
	m[pathGuideImageSet] = post((*Sandbox).serveGuideImageSet)
	m[pathGuideImageGet] = post((*Sandbox).serveGuideImageGet)
	m[pathGuideImageDel] = post((*Sandbox).serveGuideImageDel)
	m[pathGuideWordSet] = post((*Sandbox).serveGuideWordSet)
	m[pathGuideWordGet] = post((*Sandbox).serveGuideWordGet)
	m[pathGuideWordDel] = post((*Sandbox).serveGuideWordDel)
}

// guideCard is a mini program card material.
type guideCard struct {
	Title    string `json:"title"`
	AppID    string `json:"appid"`
	Path     string `json:"path"`
	PicURL   string `json:"picurl"`
	MasterID int64  `json:"master_id"`
	SlaveID  int64  `json:"slave_id"`
}

// guideImage is an image material.
type guideImage struct {
	PicURL     string `json:"picurl"`
	CreateTime int64  `json:"create_time"`
}

// guideWord is a text material.
type guideWord struct {
	Word       string `json:"word"`
	CreateTime int64  `json:"create_time"`
}

// guideMaterialType checks the type of a material call: only 0 (the account's
// materials) exists; others are 40097.
func guideMaterialType(t int) int {
	if t != 0 {
		return codeInvalidArgs
	}
	return codeOK
}

// serveGuideCardSet answers setguidecardmaterial: media_id must be a permanent image
// (9300819), appid a mini program AppID (9300821), at most 50 cards (9300817).
func (s *Sandbox) serveGuideCardSet(c *apiCall) answer {
	var req struct {
		Type    int    `json:"type"`
		MediaID string `json:"media_id"`
		Title   string `json:"title"`
		Path    string `json:"path"`
		AppID   string `json:"appid"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	st := &c.a.guide
	switch {
	case guideMaterialType(req.Type) != codeOK:
		return fail(codeInvalidArgs)
	case req.MediaID == "" || req.Title == "" || req.Path == "" || req.AppID == "":
		return fail(codeMissingFields)
	case !guideIsImage(c.a, req.MediaID):
		return guideFail(codeGuideBadMediaID)
	case !guideAppIDRe.MatchString(req.AppID):
		return guideFail(codeGuideBadCardAppID)
	case len(st.cards) >= guideMaxMaterials:
		return guideFail(codeGuideCardLimit)
	}
	st.cards = append(st.cards, &guideCard{Title: req.Title, AppID: req.AppID, Path: req.Path,
		PicURL: c.a.content.materials[req.MediaID].url, MasterID: st.nextCardID, SlaveID: st.nextCardID + 1})
	st.nextCardID += 2
	return guideOK()
}

// serveGuideCardGet answers getguidecardmaterial.
func (s *Sandbox) serveGuideCardGet(c *apiCall) answer {
	var req struct {
		Type int `json:"type"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if code := guideMaterialType(req.Type); code != codeOK {
		return fail(code)
	}
	out := []guideCard{}
	for _, cd := range c.a.guide.cards {
		out = append(out, *cd)
	}
	return succeed(struct {
		envelope
		List []guideCard `json:"card_list"`
	}{envelope{Errmsg: "ok"}, out})
}

// serveGuideCardDel answers delguidecardmaterial: the card with that title, path and
// appid; 40097 when there is none (no page gives the code).
func (s *Sandbox) serveGuideCardDel(c *apiCall) answer {
	var req struct {
		Type  int    `json:"type"`
		Title string `json:"title"`
		Path  string `json:"path"`
		AppID string `json:"appid"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if code := guideMaterialType(req.Type); code != codeOK {
		return fail(code)
	}
	st := &c.a.guide
	i := slices.IndexFunc(st.cards, func(x *guideCard) bool {
		return x.Title == req.Title && x.Path == req.Path && x.AppID == req.AppID
	})
	if i < 0 {
		return fail(codeInvalidArgs)
	}
	st.cards = slices.Delete(st.cards, i, i+1)
	return guideOK()
}

// serveGuideImageSet answers setguideimagematerial: media_id must be a permanent image
// (9300819); at most 50 images (40097 beyond: no page gives the code).
func (s *Sandbox) serveGuideImageSet(c *apiCall) answer {
	var req struct {
		Type    int    `json:"type"`
		MediaID string `json:"media_id"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	st := &c.a.guide
	switch {
	case guideMaterialType(req.Type) != codeOK:
		return fail(codeInvalidArgs)
	case req.MediaID == "":
		return fail(codeMissingFields)
	case !guideIsImage(c.a, req.MediaID):
		return guideFail(codeGuideBadMediaID)
	case len(st.images) >= guideMaxMaterials:
		return fail(codeInvalidArgs)
	}
	st.images = append(st.images, &guideImage{PicURL: c.a.content.materials[req.MediaID].url, CreateTime: c.now.Unix()})
	return guideOK()
}

// guideRange decodes start/num: 40097 for a negative start or a num that is not positive.
func guideRange(start, num int) (lo, hi int, code int) {
	if start < 0 || num <= 0 {
		return 0, 0, codeInvalidArgs
	}
	return start, start + num, codeOK
}

// serveGuideImageGet answers getguideimagematerial.
func (s *Sandbox) serveGuideImageGet(c *apiCall) answer {
	var req struct {
		Type  int `json:"type"`
		Start int `json:"start"`
		Num   int `json:"num"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if code := guideMaterialType(req.Type); code != codeOK {
		return fail(code)
	}
	lo, hi, code := guideRange(req.Start, req.Num)
	if code != codeOK {
		return fail(code)
	}
	st := &c.a.guide
	out := []guideImage{}
	for _, im := range guideSlice(st.images, lo, hi) {
		out = append(out, *im)
	}
	return succeed(struct {
		envelope
		TotalNum int          `json:"total_num"`
		List     []guideImage `json:"model_list"`
	}{envelope{Errmsg: "ok"}, len(st.images), out})
}

// serveGuideImageDel answers delguideimagematerial: 40097 for an unknown picurl.
func (s *Sandbox) serveGuideImageDel(c *apiCall) answer {
	var req struct {
		Type   int    `json:"type"`
		PicURL string `json:"picurl"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if code := guideMaterialType(req.Type); code != codeOK {
		return fail(code)
	}
	st := &c.a.guide
	i := slices.IndexFunc(st.images, func(x *guideImage) bool { return x.PicURL == req.PicURL })
	if req.PicURL == "" || i < 0 {
		return fail(codeInvalidArgs)
	}
	st.images = slices.Delete(st.images, i, i+1)
	return guideOK()
}

// serveGuideWordSet answers setguidewordmaterial: at most 50 texts (40097 beyond).
func (s *Sandbox) serveGuideWordSet(c *apiCall) answer {
	var req struct {
		Type int    `json:"type"`
		Word string `json:"word"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	st := &c.a.guide
	switch {
	case guideMaterialType(req.Type) != codeOK:
		return fail(codeInvalidArgs)
	case strings.TrimSpace(req.Word) == "":
		return fail(codeMissingFields)
	case len(st.words) >= guideMaxMaterials:
		return fail(codeInvalidArgs)
	}
	st.words = append(st.words, &guideWord{Word: req.Word, CreateTime: c.now.Unix()})
	return guideOK()
}

// serveGuideWordGet answers getguidewordmaterial.
func (s *Sandbox) serveGuideWordGet(c *apiCall) answer {
	var req struct {
		Type  int `json:"type"`
		Start int `json:"start"`
		Num   int `json:"num"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if code := guideMaterialType(req.Type); code != codeOK {
		return fail(code)
	}
	lo, hi, code := guideRange(req.Start, req.Num)
	if code != codeOK {
		return fail(code)
	}
	st := &c.a.guide
	out := []guideWord{}
	for _, w := range guideSlice(st.words, lo, hi) {
		out = append(out, *w)
	}
	return succeed(struct {
		envelope
		TotalNum int         `json:"total_num"`
		List     []guideWord `json:"word_list"`
	}{envelope{Errmsg: "ok"}, len(st.words), out})
}

// serveGuideWordDel answers delguidewordmaterial: 40097 for an unknown text.
func (s *Sandbox) serveGuideWordDel(c *apiCall) answer {
	var req struct {
		Type int    `json:"type"`
		Word string `json:"word"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if code := guideMaterialType(req.Type); code != codeOK {
		return fail(code)
	}
	st := &c.a.guide
	i := slices.IndexFunc(st.words, func(x *guideWord) bool { return x.Word == req.Word })
	if req.Word == "" || i < 0 {
		return fail(codeInvalidArgs)
	}
	st.words = slices.Delete(st.words, i, i+1)
	return guideOK()
}
