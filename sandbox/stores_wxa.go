package sandbox

// This file emulates 门店小程序 (/wxa/*): the store mini-program application and its
// review ([Sandbox.ReviewStoreMerchant]), a small fixed Tencent Map (districts and
// places; created places are searchable at once), and the stores, which are reviewed
// too ([Sandbox.ReviewStore]).

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Review states of the store mini-program (get_merchant_audit_info) and of its stores
// (get_store_info status), and limits.
const (
	storesMerchantNotSubmitted = 0
	storesMerchantApproved     = 1
	storesMerchantReviewing    = 2
	storesMerchantRejected     = 3

	storesStoreApproved  = 1
	storesStoreReviewing = 2
	storesStoreRejected  = 3

	storesListDefault  = 20 // "如果传入的limit参数是0，那么按默认值20处理"
	storesListMax      = 50 // "limit参数最大不能超过50"
	storesMediaMax     = 5  // media ids of qualification_list and other_files
	storesNicknameMin  = 4  // width of nickname, a Chinese character counting 2
	storesNicknameMax  = 30
	storesFirstStoreID = 472671857 // the id of the first store (the platform's example id)
	storesFirstAuditID = 414448870 // the first audit id (sandbox choice)
)

var storesHour = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-4]):[0-5][0-9]$`)

// storesMerchantCategory is a node of get_merchant_category's tree.
type storesMerchantCategory struct {
	ID            int                    `json:"id"`
	Name          string                 `json:"name"`
	Level         int                    `json:"level"`
	Father        *int                   `json:"father,omitempty"`
	Children      []int                  `json:"children"`
	Qualify       *storesMerchantQualify `json:"qualify,omitempty"`
	Scene         int                    `json:"scene,omitempty"`
	SensitiveType int                    `json:"sensitive_type"`
}

type storesMerchantQualify struct {
	ExterList []struct {
		InnerList []struct {
			Name string `json:"name"`
		} `json:"inner_list"`
	} `json:"exter_list"`
}

func storesQualify(names ...string) *storesMerchantQualify {
	q := &storesMerchantQualify{}
	for _, n := range names {
		q.ExterList = append(q.ExterList, struct {
			InnerList []struct {
				Name string `json:"name"`
			} `json:"inner_list"`
		}{InnerList: []struct {
			Name string `json:"name"`
		}{{Name: n}}})
	}
	return q
}

func storesIntPtr(v int) *int { return &v }

// storesMerchantCategories is the fixed category tree (ids of the platform's example where
// it shows them: 278 购物, 280 便利店).
var storesMerchantCategories = []storesMerchantCategory{
	{ID: 0, Name: "root", Level: 0, Children: []int{269, 278}},
	{ID: 269, Name: "美食", Level: 1, Father: storesIntPtr(0), Children: []int{270, 271}},
	{ID: 270, Name: "中餐", Level: 2, Father: storesIntPtr(269), Children: []int{}, Scene: 1,
		SensitiveType: 1, Qualify: storesQualify("《食品经营许可证》或《餐饮服务许可证》")},
	{ID: 271, Name: "咖啡厅", Level: 2, Father: storesIntPtr(269), Children: []int{}, Scene: 1},
	{ID: 278, Name: "购物", Level: 1, Father: storesIntPtr(0), Children: []int{279, 280}},
	{ID: 279, Name: "服装", Level: 2, Father: storesIntPtr(278), Children: []int{}, Scene: 3},
	{ID: 280, Name: "便利店", Level: 2, Father: storesIntPtr(278), Children: []int{}, Scene: 3,
		SensitiveType: 1, Qualify: storesQualify("若涉及食品,请提供《食品经营许可证》或《卫生许可证》")},
}

func storesMerchantCategoryByID(id int) (storesMerchantCategory, bool) {
	for _, c := range storesMerchantCategories {
		if c.ID == id {
			return c, true
		}
	}
	return storesMerchantCategory{}, false
}

// storesDistrict is an element of get_district's result lists.
type storesDistrict struct {
	ID       int      `json:"id"`
	Name     string   `json:"name,omitempty"`
	Fullname string   `json:"fullname"`
	Pinyin   []string `json:"pinyin,omitempty"`
	Location struct {
		Lat float64 `json:"lat"`
		Lng float64 `json:"lng"`
	} `json:"location"`
	Cidx []int `json:"cidx,omitempty"`
}

func storesDistrictOf(id int, name, fullname string, pinyin []string, lat, lng float64, cidx ...int) storesDistrict {
	d := storesDistrict{ID: id, Name: name, Fullname: fullname, Pinyin: pinyin, Cidx: cidx}
	d.Location.Lat, d.Location.Lng = lat, lng
	return d
}

// storesDistricts is a small fixed excerpt of Tencent Map's tree: result[0] provinces,
// result[1] cities, result[2] districts; cidx is the [first, last] index range of the
// children in the next list, as Tencent Map's district API writes it.
var storesDistricts = [3][]storesDistrict{
	{
		storesDistrictOf(110000, "北京", "北京市", []string{"bei", "jing"}, 39.90469, 116.40717, 0, 0),
		storesDistrictOf(440000, "广东", "广东省", []string{"guang", "dong"}, 23.13171, 113.26627, 1, 2),
	},
	{
		storesDistrictOf(110100, "北京", "北京市", []string{"bei", "jing"}, 39.90469, 116.40717, 0, 1),
		storesDistrictOf(440100, "广州", "广州市", []string{"guang", "zhou"}, 23.12911, 113.26436, 2, 3),
		storesDistrictOf(440300, "深圳", "深圳市", []string{"shen", "zhen"}, 22.54286, 114.05956, 4, 4),
	},
	{
		storesDistrictOf(110101, "", "东城区", nil, 39.92855, 116.41637),
		storesDistrictOf(110105, "", "朝阳区", nil, 39.92148, 116.44316),
		storesDistrictOf(440105, "", "海珠区", nil, 23.08331, 113.31785),
		storesDistrictOf(440106, "", "天河区", nil, 23.12463, 113.36199),
		storesDistrictOf(440305, "", "南山区", nil, 22.53322, 113.93041),
	},
}

// storesDistrictNames returns the province, city and district names of a district id
// of the last level; ok is false for other ids.
func storesDistrictNames(id int) (province, city, dist string, ok bool) {
	for pi, p := range storesDistricts[0] {
		for ci := p.Cidx[0]; ci <= p.Cidx[1]; ci++ {
			c := storesDistricts[1][ci]
			for di := c.Cidx[0]; di <= c.Cidx[1]; di++ {
				if d := storesDistricts[2][di]; d.ID == id {
					return storesDistricts[0][pi].Fullname, c.Fullname, d.Fullname, true
				}
			}
		}
	}
	return "", "", "", false
}

// storesMapPoi is a Tencent Map place (search_map_poi item).
type storesMapPoi struct {
	BranchName    string   `json:"branch_name"`
	Address       string   `json:"address"`
	Longitude     float64  `json:"longitude"`
	Latitude      float64  `json:"latitude"`
	Telephone     string   `json:"telephone"`
	Category      string   `json:"category"`
	SosomapPoiUID string   `json:"sosomap_poi_uid"`
	DataSupply    int      `json:"data_supply"`
	PicURLs       []string `json:"pic_urls"`
	CardIDList    []string `json:"card_id_list"`

	districtID           int
	province, city, dist string
}

// storesBaseMap are the places every account's map holds.
var storesBaseMap = []storesMapPoi{
	{BranchName: "麦当劳(艺苑路店)", Address: "广州市海珠区艺苑路11号", Longitude: 113.3152, Latitude: 23.0965,
		Telephone: "020-12345678", Category: "美食:快餐", SosomapPoiUID: "3149421079434588470", DataSupply: 1,
		districtID: 440105, province: "广东省", city: "广州市", dist: "海珠区"},
	{BranchName: "星巴克(天河城店)", Address: "广州市天河区天河路208号", Longitude: 113.3245, Latitude: 23.1325,
		Telephone: "020-87654321", Category: "美食:咖啡厅", SosomapPoiUID: "8537192466340159284", DataSupply: 1,
		districtID: 440106, province: "广东省", city: "广州市", dist: "天河区"},
	{BranchName: "全家便利店(科技园店)", Address: "深圳市南山区科技园南区1号", Longitude: 113.9475, Latitude: 22.5405,
		Telephone: "0755-26000000", Category: "购物:便利店", SosomapPoiUID: "1223497730112354988", DataSupply: 1,
		districtID: 440305, province: "广东省", city: "深圳市", dist: "南山区"},
}

// storesWxaState is the account's store mini-program state.
type storesWxaState struct {
	merchantStatus int
	auditID        int64
	reason         string
	headimg, intro string
	nextAudit      int64

	created []storesMapPoi // places created with create_map_poi
	nextMap int64

	stores    map[int64]*storesStore
	order     []int64
	nextStore int64
}

// storesStore is a store of the store mini-program.
type storesStore struct {
	id            int64
	mapPoi        storesMapPoi
	pics          []string
	contractPhone string
	hour          string
	credential    string
	companyName   string
	qualification string
	cardID        string
	status        int
	pending       *storesStoreUpdate // a reviewed update waiting for ReviewStore
}

type storesStoreUpdate struct {
	pics []string
}

func (st *storesWxaState) newAuditID() int64 {
	if st.nextAudit == 0 {
		st.nextAudit = storesFirstAuditID
	}
	st.nextAudit++
	return st.nextAudit
}

// mapPoi finds a place by its sosomap_poi_uid.
func (st *storesWxaState) mapPoi(uid string) (storesMapPoi, bool) {
	for _, p := range storesBaseMap {
		if p.SosomapPoiUID == uid {
			return p, true
		}
	}
	for _, p := range st.created {
		if p.SosomapPoiUID == uid {
			return p, true
		}
	}
	return storesMapPoi{}, false
}

func (s *Sandbox) serveStoresMerchantCategory(c *apiCall) answer {
	var ans struct {
		envelope
		Data struct {
			AllCategoryInfo struct {
				Categories []storesMerchantCategory `json:"categories"`
			} `json:"all_category_info"`
		} `json:"data"`
	}
	ans.Errmsg = "ok"
	ans.Data.AllCategoryInfo.Categories = storesMerchantCategories
	return succeed(ans)
}

// storesMediaList checks a "mediaid1|mediaid2"-style list: the platform documents 0 to 5
// media ids joined by "|" (sandbox reading of "支持0~5个mediaid，例如mediaid1|mediaid2").
func storesMediaList(v string) bool {
	if v == "" {
		return true
	}
	ids := strings.Split(v, "|")
	if len(ids) > storesMediaMax {
		return false
	}
	for _, id := range ids {
		if id == "" || len(id) > 128 {
			return false
		}
	}
	return true
}

func (s *Sandbox) serveStoresApplyMerchant(c *apiCall) answer {
	var req struct {
		FirstCatID        *int   `json:"first_catid"`
		SecondCatID       *int   `json:"second_catid"`
		QualificationList string `json:"qualification_list"`
		HeadimgMediaID    string `json:"headimg_mediaid"`
		Nickname          string `json:"nickname"`
		Intro             string `json:"intro"`
		OrgCode           string `json:"org_code"`
		OtherFiles        string `json:"other_files"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	switch {
	case req.FirstCatID == nil || req.SecondCatID == nil || req.HeadimgMediaID == "" || req.Nickname == "" || req.Intro == "":
		return storesFailMsg(codeMissingFields, "first_catid, second_catid, headimg_mediaid, nickname and intro are required")
	}
	second, ok := storesMerchantCategoryByID(*req.SecondCatID)
	if _, firstOK := storesMerchantCategoryByID(*req.FirstCatID); !firstOK || !ok || second.Level != 2 || second.Father == nil || *second.Father != *req.FirstCatID {
		return storesFail(codeStoresCategoryNotFound)
	}
	// No documented codes for the following: 40097 (behaviour.md §0).
	if w := storesWidth(req.Nickname); w < storesNicknameMin || w > storesNicknameMax {
		return storesFailMsg(codeInvalidArgs, "nickname must be 4 to 30 characters")
	}
	if !storesMediaList(req.QualificationList) || !storesMediaList(req.OtherFiles) || !utf8.ValidString(req.Intro) || utf8.RuneCountInString(req.Intro) > 300 {
		return storesFailMsg(codeInvalidArgs, "qualification_list, other_files or intro")
	}
	if second.SensitiveType == 1 && req.QualificationList == "" {
		return storesFailMsg(codeInvalidArgs, "qualification_list is required by this category")
	}
	st := &c.a.stores.wxa
	if st.merchantStatus == storesMerchantApproved || st.merchantStatus == storesMerchantReviewing {
		// "如果主管理员24小时超时未确认，才能再次提交": a pending or approved application
		// cannot be made again (no documented code).
		return storesFailMsg(codeInvalidArgs, "the store mini-program is already applied for")
	}
	st.merchantStatus = storesMerchantReviewing
	st.auditID = st.newAuditID()
	st.reason = ""
	st.headimg, st.intro = req.HeadimgMediaID, req.Intro
	return succeed(envelope{Errmsg: "ok"})
}

func (s *Sandbox) serveStoresMerchantAudit(c *apiCall) answer {
	st := &c.a.stores.wxa
	var ans struct {
		envelope
		Data struct {
			AuditID int64  `json:"audit_id"`
			Status  int    `json:"status"`
			Reason  string `json:"reason"`
		} `json:"data"`
	}
	ans.Errmsg = "ok"
	ans.Data.AuditID, ans.Data.Status, ans.Data.Reason = st.auditID, st.merchantStatus, st.reason
	return succeed(ans)
}

func (s *Sandbox) serveStoresModifyMerchant(c *apiCall) answer {
	var req struct {
		HeadimgMediaID *string `json:"headimg_mediaid"`
		Intro          *string `json:"intro"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if (req.HeadimgMediaID == nil || *req.HeadimgMediaID == "") && (req.Intro == nil || *req.Intro == "") {
		return storesFailMsg(codeMissingFields, "headimg_mediaid or intro")
	}
	st := &c.a.stores.wxa
	if st.merchantStatus != storesMerchantApproved {
		return storesFail(codeStoresStatusInvalid)
	}
	if req.Intro != nil && (!utf8.ValidString(*req.Intro) || utf8.RuneCountInString(*req.Intro) > 300) {
		return storesFailMsg(codeInvalidArgs, "intro")
	}
	if req.HeadimgMediaID != nil && *req.HeadimgMediaID != "" {
		st.headimg = *req.HeadimgMediaID
	}
	if req.Intro != nil && *req.Intro != "" {
		st.intro = *req.Intro
	}
	return succeed(envelope{Errmsg: "ok"})
}

func (s *Sandbox) serveStoresDistrict(c *apiCall) answer {
	// The answer is Tencent Map's: status/message instead of errcode/errmsg.
	return succeed(struct {
		Status      int                 `json:"status"`
		Message     string              `json:"message"`
		DataVersion string              `json:"data_version"`
		Result      [3][]storesDistrict `json:"result"`
	}{0, "query ok", "20190311", storesDistricts})
}

func (s *Sandbox) serveStoresSearchMapPoi(c *apiCall) answer {
	var req struct {
		DistrictID *int   `json:"districtid"`
		Keyword    string `json:"keyword"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.DistrictID == nil || strings.TrimSpace(req.Keyword) == "" {
		return storesFailMsg(codeMissingFields, "districtid and keyword")
	}
	if _, _, _, ok := storesDistrictNames(*req.DistrictID); !ok {
		return storesFailMsg(codeInvalidArgs, "unknown districtid")
	}
	items := []storesMapPoi{}
	match := func(p storesMapPoi) {
		if p.districtID == *req.DistrictID && (strings.Contains(p.BranchName, req.Keyword) || strings.Contains(p.Address, req.Keyword)) {
			p.PicURLs, p.CardIDList = storesNonNil(p.PicURLs), storesNonNil(p.CardIDList)
			items = append(items, p)
		}
	}
	for _, p := range storesBaseMap {
		match(p)
	}
	for _, p := range c.a.stores.wxa.created {
		match(p)
	}
	var ans struct {
		envelope
		Data struct {
			Item []storesMapPoi `json:"item"`
		} `json:"data"`
	}
	ans.Errmsg, ans.Data.Item = "ok", items
	return succeed(ans)
}

func storesNonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return slices.Clone(v)
}

func (s *Sandbox) serveStoresCreateMapPoi(c *apiCall) answer {
	var req struct {
		Name       string   `json:"name"`
		Longitude  *float64 `json:"longitude"`
		Latitude   *float64 `json:"latitude"`
		Province   string   `json:"province"`
		City       string   `json:"city"`
		District   string   `json:"district"`
		Address    string   `json:"address"`
		Category   string   `json:"category"`
		Telephone  string   `json:"telephone"`
		Photo      string   `json:"photo"`
		License    string   `json:"license"`
		Introduct  string   `json:"introduct"`
		DistrictID *int     `json:"districtid"`
		PoiID      string   `json:"poi_id"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	for _, v := range []string{req.Name, req.Province, req.City, req.District, req.Address, req.Category, req.Telephone, req.Photo, req.License, req.Introduct} {
		if strings.TrimSpace(v) == "" {
			return storesFailMsg(codeMissingFields, "every field but poi_id is required")
		}
	}
	if req.Longitude == nil || req.Latitude == nil || req.DistrictID == nil {
		return storesFailMsg(codeMissingFields, "longitude, latitude and districtid")
	}
	if _, _, _, ok := storesDistrictNames(*req.DistrictID); !ok || *req.Longitude < -180 || *req.Longitude > 180 || *req.Latitude < -90 || *req.Latitude > 90 {
		return storesFailMsg(codeInvalidArgs, "districtid or coordinates")
	}
	if code := poiCheckText(req.Name, req.Address, req.Introduct, req.Category); code != codeOK {
		return storesFailMsg(code, "text too long")
	}
	st := &c.a.stores.wxa
	if st.nextMap == 0 {
		st.nextMap = 9000000000000000000
	}
	st.nextMap++
	uid := strconv.FormatInt(st.nextMap, 10)
	st.created = append(st.created, storesMapPoi{BranchName: req.Name, Address: req.Address, Longitude: *req.Longitude,
		Latitude: *req.Latitude, Telephone: req.Telephone, Category: req.Category, SosomapPoiUID: uid, DataSupply: 2,
		PicURLs: []string{req.Photo}, districtID: *req.DistrictID, province: req.Province, city: req.City, dist: req.District})
	var ans struct {
		envelope
		Data struct {
			BaseID string `json:"base_id"`
			RichID string `json:"rich_id"`
		} `json:"data"`
	}
	ans.Errmsg, ans.Data.BaseID, ans.Data.RichID = "ok", uid, "r"+uid
	return succeed(ans)
}

// storesPicList parses pic_list, a JSON text {"list":["url", …]} inside a string: nil
// when it is not one, or has no picture or one off the platform's domain.
func storesPicList(v string) ([]string, int) {
	var pl struct {
		List []string `json:"list"`
	}
	if json.Unmarshal([]byte(v), &pl) != nil {
		return nil, codeInvalidArgs
	}
	if len(pl.List) == 0 {
		return nil, codeStoresPhotoListEmpty
	}
	if len(pl.List) > poiPhotosMax {
		return nil, codeInvalidArgs
	}
	for _, u := range pl.List {
		if !storesPhotoURL(u) {
			return nil, codeStoresInvalidPhotoURL
		}
	}
	return pl.List, codeOK
}

func (s *Sandbox) serveStoresAddStore(c *apiCall) answer {
	var req struct {
		PoiID             string `json:"poi_id"`
		MapPoiID          string `json:"map_poi_id"`
		PicList           string `json:"pic_list"`
		ContractPhone     string `json:"contract_phone"`
		Hour              string `json:"hour"`
		Credential        string `json:"credential"`
		CompanyName       string `json:"company_name"`
		QualificationList string `json:"qualification_list"`
		CardID            string `json:"card_id"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.MapPoiID == "" || req.PicList == "" || req.ContractPhone == "" || req.Hour == "" || req.Credential == "" {
		return storesFailMsg(codeMissingFields, "map_poi_id, pic_list, contract_phone, hour and credential are required")
	}
	st := &c.a.stores.wxa
	if st.merchantStatus != storesMerchantApproved {
		// Stores belong to an approved store mini-program (no documented code: the
		// platform's "store status is invalid").
		return storesFail(codeStoresStatusInvalid)
	}
	mp, ok := st.mapPoi(req.MapPoiID)
	if !ok {
		return storesFailMsg(codeInvalidArgs, "unknown map_poi_id")
	}
	pics, code := storesPicList(req.PicList)
	if code != codeOK {
		return storesFail(code)
	}
	if !storesHour.MatchString(req.Hour) {
		return storesFailMsg(codeInvalidArgs, "hour must be HH:MM-HH:MM")
	}
	if !storesMediaList(req.QualificationList) || poiCheckText(req.ContractPhone, req.Credential, req.CompanyName, req.CardID) != codeOK {
		return storesFailMsg(codeInvalidArgs, "qualification_list, contract_phone, credential, company_name or card_id")
	}
	if st.stores == nil {
		st.stores = make(map[int64]*storesStore)
		st.nextStore = storesFirstStoreID
	}
	e := &storesStore{id: st.nextStore, mapPoi: mp, pics: pics, contractPhone: req.ContractPhone, hour: req.Hour,
		credential: req.Credential, companyName: req.CompanyName, qualification: req.QualificationList,
		cardID: req.CardID, status: storesStoreReviewing}
	st.nextStore++
	st.stores[e.id] = e
	st.order = append(st.order, e.id)
	var ans struct {
		envelope
		Data struct {
			AuditID int64 `json:"audit_id"`
		} `json:"data"`
	}
	ans.Errmsg, ans.Data.AuditID = "ok", st.newAuditID()
	return succeed(ans)
}

// storeIDBody decodes {"poi_id": …} of the store endpoints: 41011 missing, 65115
// unknown.
func (st *storesWxaState) storeIDBody(c *apiCall) (*storesStore, answer) {
	fields, code := c.object()
	if code != codeOK {
		return nil, fail(code)
	}
	raw, ok := fields["poi_id"]
	if !ok || !storesPresent(raw) {
		return nil, storesFailMsg(codeMissingFields, "poi_id")
	}
	id, ok := storesID(raw)
	if !ok {
		return nil, storesFail(codeStoresPoiNotExist)
	}
	e, ok := st.stores[id]
	if !ok {
		return nil, storesFail(codeStoresPoiNotExist)
	}
	return e, answer{}
}

func (s *Sandbox) serveStoresUpdateStore(c *apiCall) answer {
	var req struct {
		Hour          string  `json:"hour"`
		ContractPhone string  `json:"contract_phone"`
		PicList       string  `json:"pic_list"`
		CardID        *string `json:"card_id"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	st := &c.a.stores.wxa
	e, a := st.storeIDBody(c)
	if e == nil {
		return a
	}
	if req.Hour == "" || req.ContractPhone == "" || req.PicList == "" {
		return storesFailMsg(codeMissingFields, "hour, contract_phone and pic_list are required")
	}
	if e.status == storesStoreReviewing || e.pending != nil {
		return storesFail(codeStoresStatusInvalid)
	}
	pics, code := storesPicList(req.PicList)
	if code != codeOK {
		return storesFail(code)
	}
	if !storesHour.MatchString(req.Hour) || poiCheckText(req.ContractPhone) != codeOK {
		return storesFailMsg(codeInvalidArgs, "hour must be HH:MM-HH:MM")
	}
	e.hour, e.contractPhone = req.Hour, req.ContractPhone
	if req.CardID != nil && *req.CardID != "" {
		e.cardID = *req.CardID
	}
	var ans struct {
		envelope
		Data struct {
			HasAuditID int   `json:"has_audit_id"`
			AuditID    int64 `json:"audit_id"`
		} `json:"data"`
	}
	ans.Errmsg = "ok"
	// Sandbox choice: new pictures are reviewed (they show in the client), the other
	// fields apply at once.
	if !slices.Equal(pics, e.pics) {
		e.pending = &storesStoreUpdate{pics: pics}
		ans.Data.HasAuditID, ans.Data.AuditID = 1, st.newAuditID()
	}
	return succeed(ans)
}

// storesStoreInfo is a store as get_store_info and get_store_list answer it.
type storesStoreInfo struct {
	PoiID             string     `json:"poi_id"`
	BusinessName      string     `json:"business_name"`
	Address           string     `json:"address"`
	Telephone         string     `json:"telephone"`
	Province          string     `json:"province"`
	City              string     `json:"city"`
	District          string     `json:"district"`
	Longitude         float64    `json:"longitude"`
	Latitude          float64    `json:"latitude"`
	PhotoList         []poiPhoto `json:"photo_list"`
	ContractPhone     string     `json:"contract_phone"`
	Hour              string     `json:"hour"`
	Credential        string     `json:"credential"`
	CompanyName       string     `json:"company_name"`
	QualificationList string     `json:"qualification_list"`
	CardID            string     `json:"card_id"`
	MapPoiID          string     `json:"map_poi_id"`
	Status            int        `json:"status"`
}

func (e *storesStore) info() storesStoreInfo {
	photos := make([]poiPhoto, len(e.pics))
	for i, u := range e.pics {
		photos[i] = poiPhoto{PhotoURL: u}
	}
	return storesStoreInfo{PoiID: strconv.FormatInt(e.id, 10), BusinessName: e.mapPoi.BranchName, Address: e.mapPoi.Address,
		Telephone: e.mapPoi.Telephone, Province: e.mapPoi.province, City: e.mapPoi.city, District: e.mapPoi.dist,
		Longitude: e.mapPoi.Longitude, Latitude: e.mapPoi.Latitude, PhotoList: photos, ContractPhone: e.contractPhone,
		Hour: e.hour, Credential: e.credential, CompanyName: e.companyName, QualificationList: e.qualification,
		CardID: e.cardID, MapPoiID: e.mapPoi.SosomapPoiUID, Status: e.status}
}

func (s *Sandbox) serveStoresGetStore(c *apiCall) answer {
	e, a := c.a.stores.wxa.storeIDBody(c)
	if e == nil {
		return a
	}
	var ans struct {
		envelope
		Business struct {
			BaseInfo storesStoreInfo `json:"base_info"`
		} `json:"business"`
	}
	ans.Errmsg, ans.Business.BaseInfo = "ok", e.info()
	return succeed(ans)
}

func (s *Sandbox) serveStoresGetStoreList(c *apiCall) answer {
	var req struct {
		Offset *int `json:"offset"`
		Limit  *int `json:"limit"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.Offset == nil || req.Limit == nil {
		return storesFailMsg(codeMissingFields, "offset and limit")
	}
	st := &c.a.stores.wxa
	limit := *req.Limit
	if limit == 0 {
		limit = storesListDefault
	}
	// "假如某个门店小程序有10个门店，那么offset最大是9": an offset past the last store is
	// refused (no documented code: 40097); offset 0 of an empty list is an empty page.
	if *req.Offset < 0 || limit < 0 || limit > storesListMax || (*req.Offset > 0 && *req.Offset >= len(st.order)) {
		return storesFailMsg(codeInvalidArgs, "offset must be below the number of stores and limit 0 to 50")
	}
	list := []storesStoreInfo{}
	for i := *req.Offset; i < len(st.order) && len(list) < limit; i++ {
		list = append(list, st.stores[st.order[i]].info())
	}
	return succeed(struct {
		envelope
		BusinessList []storesStoreInfo `json:"business_list"`
		TotalCount   int               `json:"total_count"`
	}{envelope{Errmsg: "ok"}, list, len(st.order)})
}

func (s *Sandbox) serveStoresDelStore(c *apiCall) answer {
	st := &c.a.stores.wxa
	e, a := st.storeIDBody(c)
	if e == nil {
		return a
	}
	delete(st.stores, e.id)
	st.order = slices.DeleteFunc(st.order, func(x int64) bool { return x == e.id })
	return succeed(envelope{Errmsg: "ok"})
}

// ReviewStoreMerchant ends the review of the account appID's store mini-program
// application: approve sets get_merchant_audit_info's status to 1, otherwise to 3 with
// reason. Errors: [ErrUnknownAccount]; an [*ArgumentError] when no application is
// under review.
func (s *Sandbox) ReviewStoreMerchant(appID string, approve bool, reason string) error {
	if err := checkText("reason", reason); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return unknownAccount(appID)
	}
	st := &a.stores.wxa
	if st.merchantStatus != storesMerchantReviewing {
		return &ArgumentError{Field: "app_id", Reason: fmt.Sprintf("%s has no store mini-program application under review", appID)}
	}
	if approve {
		st.merchantStatus, st.reason = storesMerchantApproved, ""
	} else {
		st.merchantStatus, st.reason = storesMerchantRejected, reason
	}
	return nil
}

// ReviewStore ends the review of the store poiID of the account appID's store
// mini-program: a new store becomes status 1 (approve) or 3; a pending picture update
// is applied (approve) or dropped. Errors: [ErrUnknownAccount]; an [*ArgumentError] for
// an unknown store or one with nothing under review.
func (s *Sandbox) ReviewStore(appID string, poiID int64, approve bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return unknownAccount(appID)
	}
	e, ok := a.stores.wxa.stores[poiID]
	switch {
	case !ok:
		return &ArgumentError{Field: "poi_id", Reason: fmt.Sprintf("%d is not a store of %s", poiID, appID)}
	case e.status == storesStoreReviewing:
		e.status = storesStoreRejected
		if approve {
			e.status = storesStoreApproved
		}
	case e.pending != nil:
		if approve {
			e.pics = e.pending.pics
		}
		e.pending = nil
	default:
		return &ArgumentError{Field: "poi_id", Reason: fmt.Sprintf("store %d has nothing under review", poiID)}
	}
	return nil
}
