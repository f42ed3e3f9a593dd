package sandbox

// This file emulates 微信门店 (/cgi-bin/poi/*): stores created with addpoi are under
// review (available_state 2) until [Sandbox.ReviewPoi] approves (3) or rejects (4)
// them and pushes poi_check_notify to the account's callback, as the platform does.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Review states of a store (available_state) and limits of the POI endpoints.
const (
	poiStateReviewing = 2
	poiStateApproved  = 3
	poiStateRejected  = 4

	poiFirstID       = 271262077 // the id of the first store (the platform's example id)
	poiListMax       = 50        // stores per getpoilist call
	poiBranchNameMax = 20        // characters of branch_name
	poiBusinessMax   = 30        // width of business_name (a Chinese character counts 2)
	poiTextMax       = 300       // characters of recommend, special, introduction (sandbox bound)
	poiSIDMax        = 64        // characters of sid (sandbox bound)
	poiPhotosMax     = 20        // photos of a store (sandbox bound)
	// poiReviewer is the FromUserName of poi_check_notify: the platform's example shows
	// a system sender, not a follower (sandbox choice of the value).
	poiReviewer = "wx_poi_review"
)

// poiCategories is the category list getwxcategory returns and addpoi checks against
// (a fixed excerpt of the platform's table).
var poiCategories = []string{
	"美食,江浙菜,上海菜", "美食,江浙菜,淮扬菜", "美食,川菜", "美食,粤菜", "美食,快餐小吃",
	"美食,西餐", "美食,咖啡厅", "购物,超市", "购物,便利店", "购物,服装",
	"休闲娱乐,KTV", "休闲娱乐,电影院", "生活服务,美容美发", "生活服务,洗衣", "酒店宾馆,经济型酒店",
	"运动健身,健身中心",
}

// poiAllowedUpdate are the base_info fields updatepoi may carry: poi_id and the seven
// service fields plus sid ("名称、坐标、地址等不可修改").
var poiAllowedUpdate = map[string]bool{
	"poi_id": true, "sid": true, "telephone": true, "photo_list": true, "recommend": true,
	"special": true, "introduction": true, "open_time": true, "avg_price": true,
}

// storesPoiState is the account's 微信门店 stores.
type storesPoiState struct {
	pois    map[int64]*storesPoi
	order   []int64        // ids in creation order (deleted ones removed)
	deleted map[int64]bool // ids of deleted stores (65116)
	nextID  int64
}

// storesPoi is one store.
type storesPoi struct {
	id           int64
	info         poiBaseInfo
	state        int
	updateStatus int
}

// poiPhoto is an element of photo_list.
type poiPhoto struct {
	PhotoURL string `json:"photo_url"`
}

// poiBaseInfo is business.base_info of addpoi and getpoi.
type poiBaseInfo struct {
	Sid          string     `json:"sid"`
	BusinessName string     `json:"business_name"`
	BranchName   string     `json:"branch_name"`
	Province     string     `json:"province"`
	City         string     `json:"city"`
	District     string     `json:"district"`
	Address      string     `json:"address"`
	Telephone    string     `json:"telephone"`
	Categories   []string   `json:"categories"`
	OffsetType   int        `json:"offset_type"`
	Longitude    float64    `json:"longitude"`
	Latitude     float64    `json:"latitude"`
	PhotoList    []poiPhoto `json:"photo_list"`
	Recommend    string     `json:"recommend"`
	Special      string     `json:"special"`
	Introduction string     `json:"introduction"`
	OpenTime     string     `json:"open_time"`
	AvgPrice     int        `json:"avg_price"`
}

// poiAnswerInfo is base_info as getpoi and getpoilist answer it.
type poiAnswerInfo struct {
	poiBaseInfo
	PoiID          string `json:"poi_id"`
	AvailableState int    `json:"available_state"`
	UpdateStatus   int    `json:"update_status"`
}

type poiBusiness struct {
	BaseInfo poiAnswerInfo `json:"base_info"`
}

func (p *storesPoi) answer() poiBusiness {
	info := p.info
	info.Categories = slices.Clone(info.Categories)
	info.PhotoList = slices.Clone(info.PhotoList)
	if info.Categories == nil {
		info.Categories = []string{}
	}
	if info.PhotoList == nil {
		info.PhotoList = []poiPhoto{}
	}
	return poiBusiness{BaseInfo: poiAnswerInfo{poiBaseInfo: info, PoiID: strconv.FormatInt(p.id, 10),
		AvailableState: p.state, UpdateStatus: p.updateStatus}}
}

// lookup returns the store id or the errcode: 65115 unknown, 65116 deleted.
func (st *storesPoiState) lookup(id int64) (*storesPoi, int) {
	if p, ok := st.pois[id]; ok {
		return p, codeOK
	}
	if st.deleted[id] {
		return nil, codeStoresPoiDeleted
	}
	return nil, codeStoresPoiNotExist
}

// checkPhotos checks photo_list entries: 65105 for a URL off the platform's domain.
func poiCheckPhotos(photos []poiPhoto) int {
	if len(photos) > poiPhotosMax {
		return codeInvalidArgs
	}
	for _, p := range photos {
		if !storesPhotoURL(p.PhotoURL) {
			return codeStoresInvalidPhotoURL
		}
	}
	return codeOK
}

// poiCheckText checks the free-text fields: 40097 when over the sandbox's bound or not
// UTF-8 (the platform gives no code; behaviour.md §0 convention).
func poiCheckText(values ...string) int {
	for _, v := range values {
		if !utf8.ValidString(v) || utf8.RuneCountInString(v) > poiTextMax {
			return codeInvalidArgs
		}
	}
	return codeOK
}

// checkAdd checks an addpoi base_info in the order the platform's common errors list
// them; the codes are the platform's 651xx.
func poiCheckAdd(b *poiBaseInfo) int {
	name := strings.TrimSpace(b.BusinessName)
	switch {
	case name == "" || storesWidth(name) > poiBusinessMax || strings.ContainsAny(name, "()（）[]【】"):
		return codeStoresInvalidName
	case utf8.RuneCountInString(b.BranchName) > poiBranchNameMax || strings.ContainsAny(b.BranchName, "()（）[]【】"):
		// The platform gives no code for a bad branch name; 65109 is its name check.
		return codeStoresInvalidName
	case strings.TrimSpace(b.Province) == "":
		return codeStoresInvalidProvince
	case strings.TrimSpace(b.City) == "":
		return codeStoresInvalidCity
	case strings.TrimSpace(b.Address) == "":
		return codeStoresInvalidAddress
	case strings.TrimSpace(b.Telephone) == "" || len(b.Telephone) > 64:
		return codeStoresInvalidTelephone
	case len(b.Categories) == 0:
		return codeStoresInvalidCategories
	}
	for _, c := range b.Categories {
		if !slices.Contains(poiCategories, c) {
			return codeStoresInvalidCategories
		}
	}
	// "坐标类型：1 为火星坐标（目前只能选1）"; coordinates out of range: no documented code.
	if b.OffsetType != 1 || b.Longitude < -180 || b.Longitude > 180 || b.Latitude < -90 || b.Latitude > 90 {
		return codeInvalidArgs
	}
	if b.AvgPrice < 0 || utf8.RuneCountInString(b.Sid) > poiSIDMax {
		return codeInvalidArgs
	}
	if code := poiCheckPhotos(b.PhotoList); code != codeOK {
		return code
	}
	return poiCheckText(b.Recommend, b.Special, b.Introduction, b.OpenTime, b.District)
}

func (s *Sandbox) serveStoresAddPoi(c *apiCall) answer {
	var req struct {
		Business *struct {
			BaseInfo *poiBaseInfo `json:"base_info"`
		} `json:"business"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.Business == nil || req.Business.BaseInfo == nil {
		return storesFailMsg(codeMissingFields, "business.base_info")
	}
	b := *req.Business.BaseInfo
	if code := poiCheckAdd(&b); code != codeOK {
		return storesFail(code)
	}
	st := &c.a.stores.poi
	if st.pois == nil {
		st.pois = make(map[int64]*storesPoi)
		st.nextID = poiFirstID
	}
	p := &storesPoi{id: st.nextID, info: b, state: poiStateReviewing}
	st.nextID++
	st.pois[p.id] = p
	st.order = append(st.order, p.id)
	return succeed(struct {
		envelope
		PoiID int64 `json:"poi_id"`
	}{envelope{Errmsg: "ok"}, p.id})
}

// poiIDBody decodes {"poi_id": …}: 41011 when missing, 65115 when not an id.
func poiIDBody(c *apiCall) (int64, answer, bool) {
	fields, code := c.object()
	if code != codeOK {
		return 0, fail(code), false
	}
	raw, ok := fields["poi_id"]
	if !ok || !storesPresent(raw) {
		return 0, storesFailMsg(codeMissingFields, "poi_id"), false
	}
	id, ok := storesID(raw)
	if !ok {
		return 0, storesFail(codeStoresPoiNotExist), false
	}
	return id, answer{}, true
}

func (s *Sandbox) serveStoresGetPoi(c *apiCall) answer {
	id, a, ok := poiIDBody(c)
	if !ok {
		return a
	}
	p, code := c.a.stores.poi.lookup(id)
	if code != codeOK {
		return storesFail(code)
	}
	return succeed(struct {
		envelope
		Business poiBusiness `json:"business"`
	}{envelope{Errmsg: "ok"}, p.answer()})
}

func (s *Sandbox) serveStoresGetPoiList(c *apiCall) answer {
	var req struct {
		Begin *int `json:"begin"`
		Limit *int `json:"limit"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.Begin == nil || req.Limit == nil {
		return storesFailMsg(codeMissingFields, "begin and limit")
	}
	// The platform documents "limit 最大50"; no code for a violation: 40097.
	if *req.Begin < 0 || *req.Limit < 1 || *req.Limit > poiListMax {
		return storesFailMsg(codeInvalidArgs, "begin must be >= 0 and limit 1 to 50")
	}
	st := &c.a.stores.poi
	list := []poiBusiness{}
	for i := *req.Begin; i < len(st.order) && len(list) < *req.Limit; i++ {
		list = append(list, st.pois[st.order[i]].answer())
	}
	// The platform's example writes total_count as a string.
	return succeed(struct {
		envelope
		BusinessList []poiBusiness `json:"business_list"`
		TotalCount   string        `json:"total_count"`
	}{envelope{Errmsg: "ok"}, list, strconv.Itoa(len(st.order))})
}

func (s *Sandbox) serveStoresUpdatePoi(c *apiCall) answer {
	var req struct {
		Business *struct {
			BaseInfo map[string]json.RawMessage `json:"base_info"`
		} `json:"business"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.Business == nil || req.Business.BaseInfo == nil {
		return storesFailMsg(codeMissingFields, "business.base_info")
	}
	fields := req.Business.BaseInfo
	raw, ok := fields["poi_id"]
	if !ok || !storesPresent(raw) {
		return storesFailMsg(codeMissingFields, "poi_id")
	}
	id, ok := storesID(raw)
	if !ok {
		return storesFail(codeStoresPoiNotExist)
	}
	for k := range fields {
		if !poiAllowedUpdate[k] {
			// Name, address, coordinates and categories cannot change; the platform
			// gives no code for trying: 40097.
			return storesFailMsg(codeInvalidArgs, k+" cannot be modified")
		}
	}
	var upd struct {
		Sid          *string    `json:"sid"`
		Telephone    *string    `json:"telephone"`
		PhotoList    []poiPhoto `json:"photo_list"`
		Recommend    *string    `json:"recommend"`
		Special      *string    `json:"special"`
		Introduction *string    `json:"introduction"`
		OpenTime     *string    `json:"open_time"`
		AvgPrice     *int       `json:"avg_price"`
	}
	data, _ := json.Marshal(fields)
	if json.Unmarshal(data, &upd) != nil {
		return fail(codeDataFormat)
	}
	p, code := c.a.stores.poi.lookup(id)
	if code != codeOK {
		return storesFail(code)
	}
	switch {
	case p.state != poiStateApproved:
		return storesFail(codeStoresPoiNotApproved)
	case p.updateStatus == 1:
		return storesFail(codeStoresPoiNoModify)
	}
	next := p.info
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&next.Sid, upd.Sid)
	set(&next.Telephone, upd.Telephone)
	set(&next.Recommend, upd.Recommend)
	set(&next.Special, upd.Special)
	set(&next.Introduction, upd.Introduction)
	set(&next.OpenTime, upd.OpenTime)
	if upd.PhotoList != nil {
		next.PhotoList = upd.PhotoList
	}
	if upd.AvgPrice != nil {
		next.AvgPrice = *upd.AvgPrice
	}
	switch {
	case strings.TrimSpace(next.Telephone) == "" || len(next.Telephone) > 64:
		return storesFail(codeStoresInvalidTelephone)
	case next.AvgPrice < 0 || utf8.RuneCountInString(next.Sid) > poiSIDMax:
		return fail(codeInvalidArgs)
	}
	if code := poiCheckPhotos(next.PhotoList); code != codeOK {
		return storesFail(code)
	}
	if code := poiCheckText(next.Recommend, next.Special, next.Introduction, next.OpenTime); code != codeOK {
		return fail(code)
	}
	p.info = next
	p.updateStatus = 1 // "修改后需要人工审核"
	return succeed(envelope{Errmsg: "ok"})
}

func (s *Sandbox) serveStoresDelPoi(c *apiCall) answer {
	id, a, ok := poiIDBody(c)
	if !ok {
		return a
	}
	st := &c.a.stores.poi
	if _, code := st.lookup(id); code != codeOK {
		return storesFail(code)
	}
	delete(st.pois, id)
	st.order = slices.DeleteFunc(st.order, func(x int64) bool { return x == id })
	if st.deleted == nil {
		st.deleted = make(map[int64]bool)
	}
	st.deleted[id] = true
	return succeed(envelope{Errmsg: "ok"})
}

func (s *Sandbox) serveStoresPoiCategories(c *apiCall) answer {
	return succeed(struct {
		CategoryList []string `json:"category_list"`
	}{slices.Clone(poiCategories)})
}

// PoiReview is the outcome of [Sandbox.ReviewPoi].
type PoiReview struct {
	// PoiID is the reviewed store.
	PoiID int64
	// Pushed is true when poi_check_notify was pushed (the account has a callback URL).
	Pushed bool
	// Push is what happened to the push when Pushed.
	Push PushResult
}

// ReviewPoi ends the platform's review of the store poiID of the account appID, as the
// platform's reviewers do: approve sets available_state 3 (or accepts a pending update),
// otherwise 4 (a pending update is dropped and the store keeps its state); either way
// update_status goes back to 0. It then pushes the poi_check_notify event (UniqId the
// store's sid, PoiId, Result "succ" or "fail", Msg msg) to the account's callback URL
// when it has one. Errors: [ErrUnknownAccount]; an [*ArgumentError] for an unknown
// store or one not under review; the push's errors other than [ErrNoCallback].
func (s *Sandbox) ReviewPoi(ctx context.Context, appID string, poiID int64, approve bool, msg string) (PoiReview, error) {
	if err := checkText("msg", msg); err != nil {
		return PoiReview{}, err
	}
	s.mu.Lock()
	a, ok := s.accounts[appID]
	if !ok {
		s.mu.Unlock()
		return PoiReview{}, unknownAccount(appID)
	}
	p, code := a.stores.poi.lookup(poiID)
	if code != codeOK {
		s.mu.Unlock()
		return PoiReview{}, &ArgumentError{Field: "poi_id", Reason: fmt.Sprintf("%d is not a store of %s", poiID, appID)}
	}
	if p.state != poiStateReviewing && p.updateStatus != 1 {
		s.mu.Unlock()
		return PoiReview{}, &ArgumentError{Field: "poi_id", Reason: fmt.Sprintf("store %d is not under review", poiID)}
	}
	switch {
	case p.state == poiStateReviewing && approve:
		p.state = poiStateApproved
	case p.state == poiStateReviewing:
		p.state = poiStateRejected
	}
	p.updateStatus = 0
	sid := p.info.Sid
	s.mu.Unlock()

	result := "fail"
	if approve {
		result = "succ"
	}
	res, err := s.PushEvent(ctx, appID, poiReviewer, Event{Event: "poi_check_notify", Fields: map[string]string{
		"UniqId": sid, "PoiId": strconv.FormatInt(poiID, 10), "Result": result, "Msg": msg,
	}})
	switch {
	case errors.Is(err, ErrNoCallback):
		return PoiReview{PoiID: poiID}, nil
	case err != nil:
		return PoiReview{PoiID: poiID}, err
	}
	return PoiReview{PoiID: poiID, Pushed: true, Push: res}, nil
}
