package stores

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	cardv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/card/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/card/v1/cardv1connect"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// WeChat paths of 门店小程序.
const (
	pathMerchantCategory = "/wxa/get_merchant_category"
	pathApplyMerchant    = "/wxa/apply_merchant"
	pathMerchantAudit    = "/wxa/get_merchant_audit_info"
	pathModifyMerchant   = "/wxa/modify_merchant"
	pathDistrict         = "/wxa/get_district"
	pathSearchMapPoi     = "/wxa/search_map_poi"
	pathCreateMapPoi     = "/wxa/create_map_poi"
	pathAddStore         = "/wxa/add_store"
	pathUpdateStore      = "/wxa/update_store"
	pathGetStore         = "/wxa/get_store_info"
	pathGetStoreList     = "/wxa/get_store_list"
	pathDelStore         = "/wxa/del_store"
)

// Platform limits of 门店小程序.
const (
	storeListMax = 50 // "limit参数最大不能超过50"
	mediaListMax = 5  // media ids of qualification_list and other_files ("支持0~5个mediaid")
	nicknameMin  = 4  // width of nickname, a Chinese character counting 2
	nicknameMax  = 30
	keywordMax   = 100 // characters of a search keyword (wxsuite's bound)
)

// hourPattern is the platform's opening-hours format "11:11-12:12".
var hourPattern = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-4]):[0-5][0-9]$`)

// checkMediaIDs refuses more than mediaListMax ids, or an empty one or one holding the
// "|" that joins them.
func checkMediaIDs(field string, ids []string) error {
	if len(ids) > mediaListMax {
		return &ArgumentError{Field: field, Reason: fmt.Sprintf("must hold at most %d media ids", mediaListMax)}
	}
	for i, id := range ids {
		if strings.TrimSpace(id) == "" || strings.Contains(id, "|") || len(id) > 128 {
			return &ArgumentError{Field: fmt.Sprintf("%s[%d]", field, i), Reason: "must be a media id (1 to 128 characters, no \"|\")"}
		}
	}
	return nil
}

// checkHour refuses opening hours that are not "HH:MM-HH:MM".
func checkHour(field, v string) error {
	if !hourPattern.MatchString(v) {
		return &ArgumentError{Field: field, Reason: fmt.Sprintf("must be HH:MM-HH:MM, got %q", clip(v))}
	}
	return nil
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	return s[:40] + "…"
}

// picList is the platform's pic_list: a JSON text {"list":[…]} inside a string.
func picList(urls []string) string {
	data, _ := json.Marshal(map[string][]string{"list": urls}) // strings always encode
	return string(data)
}

// merchantCategory is a node of get_merchant_category's tree.
type merchantCategory struct {
	ID       int32   `json:"id"`
	Name     string  `json:"name"`
	Level    int32   `json:"level"`
	Father   int32   `json:"father"`
	Children []int32 `json:"children"`
	Qualify  *struct {
		ExterList []struct {
			InnerList []struct {
				Name string `json:"name"`
			} `json:"inner_list"`
		} `json:"exter_list"`
	} `json:"qualify"`
	Scene         int32 `json:"scene"`
	SensitiveType int32 `json:"sensitive_type"`
}

// ListStoreMerchantCategories returns the store mini-program categories.
func (s *Service) ListStoreMerchantCategories(ctx context.Context, req *cardv1.ListStoreMerchantCategoriesRequest) (*cardv1.ListStoreMerchantCategoriesResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	var res struct {
		Data struct {
			AllCategoryInfo struct {
				Categories []merchantCategory `json:"categories"`
			} `json:"all_category_info"`
		} `json:"data"`
	}
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodGet, Path: pathMerchantCategory}, &res); err != nil {
		return nil, err
	}
	out := &cardv1.ListStoreMerchantCategoriesResponse{}
	for _, c := range res.Data.AllCategoryInfo.Categories {
		pc := &cardv1.StoreMerchantCategory{Id: c.ID, Name: c.Name, Level: c.Level, Father: c.Father,
			Children: c.Children, SensitiveType: c.SensitiveType, Scene: c.Scene}
		if c.Qualify != nil {
			for _, e := range c.Qualify.ExterList {
				for _, in := range e.InnerList {
					pc.Qualifications = append(pc.Qualifications, in.Name)
				}
			}
		}
		out.Categories = append(out.Categories, pc)
	}
	return out, nil
}

// ApplyStoreMerchant creates the store mini-program (wxa/apply_merchant).
func (s *Service) ApplyStoreMerchant(ctx context.Context, req *cardv1.ApplyStoreMerchantRequest) (*cardv1.ApplyStoreMerchantResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	switch w := width(req.GetNickname()); {
	case req.GetFirstCatid() <= 0:
		return nil, &ArgumentError{Field: "first_catid", Reason: "must be a first-level category id"}
	case req.GetSecondCatid() <= 0:
		return nil, &ArgumentError{Field: "second_catid", Reason: "must be a second-level category id"}
	case req.GetNickname() == "":
		return nil, &ArgumentError{Field: "nickname", Reason: "is required"}
	case w < nicknameMin || w > nicknameMax:
		return nil, &ArgumentError{Field: "nickname", Reason: "must be 4 to 30 characters (a Chinese character counts 2)"}
	}
	if err := required("headimg_mediaid", req.GetHeadimgMediaid()); err != nil {
		return nil, err
	}
	if err := required("intro", req.GetIntro()); err != nil {
		return nil, err
	}
	if err := checkMediaIDs("qualification_media_ids", req.GetQualificationMediaIds()); err != nil {
		return nil, err
	}
	if err := checkMediaIDs("other_file_media_ids", req.GetOtherFileMediaIds()); err != nil {
		return nil, err
	}
	body := map[string]any{"first_catid": req.GetFirstCatid(), "second_catid": req.GetSecondCatid(),
		"headimg_mediaid": req.GetHeadimgMediaid(), "nickname": req.GetNickname(), "intro": req.GetIntro()}
	if ids := req.GetQualificationMediaIds(); len(ids) > 0 {
		body["qualification_list"] = strings.Join(ids, "|")
	}
	if req.GetOrgCode() != "" {
		body["org_code"] = req.GetOrgCode()
	}
	if ids := req.GetOtherFileMediaIds(); len(ids) > 0 {
		body["other_files"] = strings.Join(ids, "|")
	}
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodPost, Path: pathApplyMerchant,
		Body: body}, &envelope{}); err != nil {
		return nil, err
	}
	return &cardv1.ApplyStoreMerchantResponse{}, nil
}

// GetStoreMerchantAuditInfo returns the review state of the store mini-program.
func (s *Service) GetStoreMerchantAuditInfo(ctx context.Context, req *cardv1.GetStoreMerchantAuditInfoRequest) (*cardv1.GetStoreMerchantAuditInfoResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	var res struct {
		Data struct {
			AuditID flexInt `json:"audit_id"`
			Status  int32   `json:"status"`
			Reason  string  `json:"reason"`
		} `json:"data"`
	}
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodGet, Path: pathMerchantAudit}, &res); err != nil {
		return nil, err
	}
	return &cardv1.GetStoreMerchantAuditInfoResponse{AuditId: int64(res.Data.AuditID),
		Status: cardv1.StoreMerchantAuditStatus(res.Data.Status), Reason: res.Data.Reason}, nil
}

// ModifyStoreMerchant changes the store mini-program's avatar or introduction.
func (s *Service) ModifyStoreMerchant(ctx context.Context, req *cardv1.ModifyStoreMerchantRequest) (*cardv1.ModifyStoreMerchantResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if req.GetHeadimgMediaid() == "" && req.GetIntro() == "" {
		return nil, &ArgumentError{Field: "headimg_mediaid", Reason: "or intro must be set"}
	}
	if err := text("intro", req.GetIntro()); err != nil {
		return nil, err
	}
	// The platform reads an empty value as "keep it".
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodPost, Path: pathModifyMerchant,
		Idempotent: true, Body: map[string]string{"headimg_mediaid": req.GetHeadimgMediaid(), "intro": req.GetIntro()}}, &envelope{}); err != nil {
		return nil, err
	}
	return &cardv1.ModifyStoreMerchantResponse{}, nil
}

// district is an element of get_district's result lists.
type district struct {
	ID       int32    `json:"id"`
	Name     string   `json:"name"`
	Fullname string   `json:"fullname"`
	Pinyin   []string `json:"pinyin"`
	Location struct {
		Lat float64 `json:"lat"`
		Lng float64 `json:"lng"`
	} `json:"location"`
	Cidx []int32 `json:"cidx"`
}

func districtsProto(in []district) []*cardv1.StoreDistrict {
	out := make([]*cardv1.StoreDistrict, len(in))
	for i, d := range in {
		out[i] = &cardv1.StoreDistrict{Id: d.ID, Name: d.Name, Fullname: d.Fullname, Pinyin: d.Pinyin,
			Latitude: d.Location.Lat, Longitude: d.Location.Lng, ChildIndex: d.Cidx}
	}
	return out
}

// ListStoreDistricts returns Tencent Map's provinces, cities and districts.
func (s *Service) ListStoreDistricts(ctx context.Context, req *cardv1.ListStoreDistrictsRequest) (*cardv1.ListStoreDistrictsResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	var res struct {
		Status      int          `json:"status"`
		Message     string       `json:"message"`
		DataVersion string       `json:"data_version"`
		Result      [][]district `json:"result"`
	}
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodGet, Path: pathDistrict}, &res); err != nil {
		return nil, err
	}
	if res.Status != 0 {
		return nil, &UpstreamError{Path: pathDistrict, Reason: fmt.Sprintf("Tencent Map status %d (%s)", res.Status, clip(res.Message))}
	}
	out := &cardv1.ListStoreDistrictsResponse{DataVersion: res.DataVersion}
	for i, level := range res.Result {
		switch i {
		case 0:
			out.Provinces = districtsProto(level)
		case 1:
			out.Cities = districtsProto(level)
		case 2:
			out.Districts = districtsProto(level)
		}
	}
	return out, nil
}

// mapPoi is a search_map_poi item.
type mapPoi struct {
	BranchName    string   `json:"branch_name"`
	Address       string   `json:"address"`
	Longitude     float64  `json:"longitude"`
	Latitude      float64  `json:"latitude"`
	Telephone     string   `json:"telephone"`
	Category      string   `json:"category"`
	SosomapPoiUID string   `json:"sosomap_poi_uid"`
	DataSupply    int32    `json:"data_supply"`
	PicURLs       []string `json:"pic_urls"`
	CardIDList    []string `json:"card_id_list"`
}

// SearchStoreMapPois searches Tencent Map's places of a district.
func (s *Service) SearchStoreMapPois(ctx context.Context, req *cardv1.SearchStoreMapPoisRequest) (*cardv1.SearchStoreMapPoisResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if req.GetDistrictid() <= 0 {
		return nil, &ArgumentError{Field: "districtid", Reason: "must be a district id from ListStoreDistricts"}
	}
	if err := required("keyword", req.GetKeyword()); err != nil {
		return nil, err
	}
	if len([]rune(req.GetKeyword())) > keywordMax {
		return nil, &ArgumentError{Field: "keyword", Reason: fmt.Sprintf("must be at most %d characters", keywordMax)}
	}
	var res struct {
		Data struct {
			Item []mapPoi `json:"item"`
		} `json:"data"`
	}
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodPost, Path: pathSearchMapPoi,
		Idempotent: true, Body: map[string]any{"districtid": req.GetDistrictid(), "keyword": req.GetKeyword()}}, &res); err != nil {
		return nil, err
	}
	out := &cardv1.SearchStoreMapPoisResponse{Items: make([]*cardv1.StoreMapPoi, len(res.Data.Item))}
	for i, p := range res.Data.Item {
		out.Items[i] = &cardv1.StoreMapPoi{BranchName: p.BranchName, Address: p.Address, Longitude: p.Longitude,
			Latitude: p.Latitude, Telephone: p.Telephone, Category: p.Category, SosomapPoiUid: p.SosomapPoiUID,
			DataSupply: p.DataSupply, PicUrls: p.PicURLs, CardIdList: p.CardIDList}
	}
	return out, nil
}

// CreateStoreMapPoi creates a place in Tencent Map.
func (s *Service) CreateStoreMapPoi(ctx context.Context, req *cardv1.CreateStoreMapPoiRequest) (*cardv1.CreateStoreMapPoiResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	for _, f := range []fieldValue{{"name", req.GetName()}, {"province", req.GetProvince()}, {"city", req.GetCity()},
		{"district", req.GetDistrict()}, {"address", req.GetAddress()}, {"category", req.GetCategory()},
		{"telephone", req.GetTelephone()}, {"introduct", req.GetIntroduct()}} {
		if err := required(f.field, f.v); err != nil {
			return nil, err
		}
	}
	switch {
	case req.GetLongitude() < -180 || req.GetLongitude() > 180:
		return nil, &ArgumentError{Field: "longitude", Reason: "must be in [-180, 180]"}
	case req.GetLatitude() < -90 || req.GetLatitude() > 90:
		return nil, &ArgumentError{Field: "latitude", Reason: "must be in [-90, 90]"}
	case req.GetDistrictid() <= 0:
		return nil, &ArgumentError{Field: "districtid", Reason: "must be a district id from ListStoreDistricts"}
	}
	if err := checkURL("photo", req.GetPhoto()); err != nil {
		return nil, err
	}
	if err := checkURL("license", req.GetLicense()); err != nil {
		return nil, err
	}
	if req.GetPoiId() != "" {
		if err := checkPoiID("poi_id", req.GetPoiId()); err != nil {
			return nil, err
		}
	}
	body := map[string]any{"name": req.GetName(), "longitude": req.GetLongitude(), "latitude": req.GetLatitude(),
		"province": req.GetProvince(), "city": req.GetCity(), "district": req.GetDistrict(), "address": req.GetAddress(),
		"category": req.GetCategory(), "telephone": req.GetTelephone(), "photo": req.GetPhoto(),
		"license": req.GetLicense(), "introduct": req.GetIntroduct(), "districtid": req.GetDistrictid()}
	if req.GetPoiId() != "" {
		body["poi_id"] = req.GetPoiId()
	}
	var res struct {
		Data struct {
			BaseID flexInt `json:"base_id"`
			RichID string  `json:"rich_id"`
		} `json:"data"`
	}
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodPost, Path: pathCreateMapPoi,
		Body: body}, &res); err != nil {
		return nil, err
	}
	return &cardv1.CreateStoreMapPoiResponse{BaseId: res.Data.BaseID.String(), RichId: res.Data.RichID}, nil
}

// AddStore adds a store to the store mini-program.
func (s *Service) AddStore(ctx context.Context, req *cardv1.AddStoreRequest) (*cardv1.AddStoreResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := required("map_poi_id", req.GetMapPoiId()); err != nil {
		return nil, err
	}
	if err := checkURLs("pic_urls", req.GetPicUrls(), true, poiPhotosMax); err != nil {
		return nil, err
	}
	if err := required("contract_phone", req.GetContractPhone()); err != nil {
		return nil, err
	}
	if err := checkHour("hour", req.GetHour()); err != nil {
		return nil, err
	}
	if err := required("credential", req.GetCredential()); err != nil {
		return nil, err
	}
	if err := text("company_name", req.GetCompanyName()); err != nil {
		return nil, err
	}
	if err := checkMediaIDs("qualification_media_ids", req.GetQualificationMediaIds()); err != nil {
		return nil, err
	}
	if req.GetPoiId() != "" {
		if err := checkPoiID("poi_id", req.GetPoiId()); err != nil {
			return nil, err
		}
	}
	body := map[string]any{"map_poi_id": req.GetMapPoiId(), "pic_list": picList(req.GetPicUrls()),
		"contract_phone": req.GetContractPhone(), "hour": req.GetHour(), "credential": req.GetCredential(),
		"company_name": req.GetCompanyName(), "qualification_list": strings.Join(req.GetQualificationMediaIds(), "|"),
		"card_id": req.GetCardId()}
	if req.GetPoiId() != "" {
		body["poi_id"] = req.GetPoiId()
	}
	var res struct {
		Data struct {
			AuditID flexInt `json:"audit_id"`
		} `json:"data"`
	}
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodPost, Path: pathAddStore,
		Body: body}, &res); err != nil {
		return nil, err
	}
	return &cardv1.AddStoreResponse{AuditId: int64(res.Data.AuditID)}, nil
}

// UpdateStore changes a store's hours, phone, pictures or card.
func (s *Service) UpdateStore(ctx context.Context, req *cardv1.UpdateStoreRequest) (*cardv1.UpdateStoreResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := checkPoiID("poi_id", req.GetPoiId()); err != nil {
		return nil, err
	}
	if err := checkHour("hour", req.GetHour()); err != nil {
		return nil, err
	}
	if err := required("contract_phone", req.GetContractPhone()); err != nil {
		return nil, err
	}
	if err := checkURLs("pic_urls", req.GetPicUrls(), true, poiPhotosMax); err != nil {
		return nil, err
	}
	var res struct {
		Data struct {
			HasAuditID int     `json:"has_audit_id"`
			AuditID    flexInt `json:"audit_id"`
		} `json:"data"`
	}
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodPost, Path: pathUpdateStore,
		Body: map[string]string{"poi_id": req.GetPoiId(), "hour": req.GetHour(), "contract_phone": req.GetContractPhone(),
			"pic_list": picList(req.GetPicUrls()), "card_id": req.GetCardId()}}, &res); err != nil {
		return nil, err
	}
	return &cardv1.UpdateStoreResponse{HasAuditId: res.Data.HasAuditID == 1, AuditId: int64(res.Data.AuditID)}, nil
}

// storeInfo is a store as get_store_info and get_store_list write it.
type storeInfo struct {
	PoiID         flexInt    `json:"poi_id"`
	BusinessName  string     `json:"business_name"`
	Address       string     `json:"address"`
	Telephone     string     `json:"telephone"`
	Province      string     `json:"province"`
	City          string     `json:"city"`
	District      string     `json:"district"`
	Longitude     flexFloat  `json:"longitude"`
	Latitude      flexFloat  `json:"latitude"`
	PhotoList     []poiPhoto `json:"photo_list"`
	ContractPhone string     `json:"contract_phone"`
	Hour          string     `json:"hour"`
	Credential    string     `json:"credential"`
	CompanyName   string     `json:"company_name"`
	CardID        string     `json:"card_id"`
	MapPoiID      string     `json:"map_poi_id"`
	Status        int32      `json:"status"`
}

func (b *storeInfo) proto() *cardv1.Store {
	st := &cardv1.Store{PoiId: b.PoiID.String(), BusinessName: b.BusinessName, Address: b.Address,
		Telephone: b.Telephone, Province: b.Province, City: b.City, District: b.District,
		Longitude: float64(b.Longitude), Latitude: float64(b.Latitude), ContractPhone: b.ContractPhone, Hour: b.Hour,
		Credential: b.Credential, CompanyName: b.CompanyName, CardId: b.CardID, MapPoiId: b.MapPoiID, Status: b.Status}
	for _, p := range b.PhotoList {
		st.PicUrls = append(st.PicUrls, p.PhotoURL)
	}
	return st
}

// GetStore returns one store.
func (s *Service) GetStore(ctx context.Context, req *cardv1.GetStoreRequest) (*cardv1.GetStoreResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := checkPoiID("poi_id", req.GetPoiId()); err != nil {
		return nil, err
	}
	var res struct {
		Business struct {
			BaseInfo storeInfo `json:"base_info"`
		} `json:"business"`
	}
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodPost, Path: pathGetStore,
		Idempotent: true, Body: map[string]string{"poi_id": req.GetPoiId()}}, &res); err != nil {
		return nil, err
	}
	return &cardv1.GetStoreResponse{Store: res.Business.BaseInfo.proto()}, nil
}

// ListStores returns one page of stores.
func (s *Service) ListStores(ctx context.Context, req *cardv1.ListStoresRequest) (*cardv1.ListStoresResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	switch {
	case req.GetOffset() < 0:
		return nil, &ArgumentError{Field: "offset", Reason: "must not be negative"}
	case req.GetLimit() < 0 || req.GetLimit() > storeListMax:
		return nil, &ArgumentError{Field: "limit", Reason: fmt.Sprintf("must be 0 to %d", storeListMax)}
	}
	var res struct {
		BusinessList []storeInfo `json:"business_list"`
		TotalCount   flexInt     `json:"total_count"`
	}
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodPost, Path: pathGetStoreList,
		Idempotent: true, Body: map[string]int32{"offset": req.GetOffset(), "limit": req.GetLimit()}}, &res); err != nil {
		return nil, err
	}
	out := &cardv1.ListStoresResponse{TotalCount: int64(res.TotalCount), Stores: make([]*cardv1.Store, len(res.BusinessList))}
	for i := range res.BusinessList {
		out.Stores[i] = res.BusinessList[i].proto()
	}
	return out, nil
}

// DeleteStore deletes a store.
func (s *Service) DeleteStore(ctx context.Context, req *cardv1.DeleteStoreRequest) (*cardv1.DeleteStoreResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := checkPoiID("poi_id", req.GetPoiId()); err != nil {
		return nil, err
	}
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodPost, Path: pathDelStore,
		Body: map[string]string{"poi_id": req.GetPoiId()}}, &envelope{}); err != nil {
		return nil, err
	}
	return &cardv1.DeleteStoreResponse{}, nil
}

// StoreHandler implements StoreService over Service.
type StoreHandler struct {
	s *Service
}

var _ cardv1connect.StoreServiceHandler = (*StoreHandler)(nil)

// NewStoreHandler returns the StoreService implementation of s.
func NewStoreHandler(s *Service) *StoreHandler { return &StoreHandler{s: s} }

// ListStoreMerchantCategories implements StoreService.ListStoreMerchantCategories.
func (h *StoreHandler) ListStoreMerchantCategories(ctx context.Context, req *cardv1.ListStoreMerchantCategoriesRequest) (*cardv1.ListStoreMerchantCategoriesResponse, error) {
	res, err := h.s.ListStoreMerchantCategories(ctx, req)
	return res, connectError(err)
}

// ApplyStoreMerchant implements StoreService.ApplyStoreMerchant.
func (h *StoreHandler) ApplyStoreMerchant(ctx context.Context, req *cardv1.ApplyStoreMerchantRequest) (*cardv1.ApplyStoreMerchantResponse, error) {
	res, err := h.s.ApplyStoreMerchant(ctx, req)
	return res, connectError(err)
}

// GetStoreMerchantAuditInfo implements StoreService.GetStoreMerchantAuditInfo.
func (h *StoreHandler) GetStoreMerchantAuditInfo(ctx context.Context, req *cardv1.GetStoreMerchantAuditInfoRequest) (*cardv1.GetStoreMerchantAuditInfoResponse, error) {
	res, err := h.s.GetStoreMerchantAuditInfo(ctx, req)
	return res, connectError(err)
}

// ModifyStoreMerchant implements StoreService.ModifyStoreMerchant.
func (h *StoreHandler) ModifyStoreMerchant(ctx context.Context, req *cardv1.ModifyStoreMerchantRequest) (*cardv1.ModifyStoreMerchantResponse, error) {
	res, err := h.s.ModifyStoreMerchant(ctx, req)
	return res, connectError(err)
}

// ListStoreDistricts implements StoreService.ListStoreDistricts.
func (h *StoreHandler) ListStoreDistricts(ctx context.Context, req *cardv1.ListStoreDistrictsRequest) (*cardv1.ListStoreDistrictsResponse, error) {
	res, err := h.s.ListStoreDistricts(ctx, req)
	return res, connectError(err)
}

// SearchStoreMapPois implements StoreService.SearchStoreMapPois.
func (h *StoreHandler) SearchStoreMapPois(ctx context.Context, req *cardv1.SearchStoreMapPoisRequest) (*cardv1.SearchStoreMapPoisResponse, error) {
	res, err := h.s.SearchStoreMapPois(ctx, req)
	return res, connectError(err)
}

// CreateStoreMapPoi implements StoreService.CreateStoreMapPoi.
func (h *StoreHandler) CreateStoreMapPoi(ctx context.Context, req *cardv1.CreateStoreMapPoiRequest) (*cardv1.CreateStoreMapPoiResponse, error) {
	res, err := h.s.CreateStoreMapPoi(ctx, req)
	return res, connectError(err)
}

// AddStore implements StoreService.AddStore.
func (h *StoreHandler) AddStore(ctx context.Context, req *cardv1.AddStoreRequest) (*cardv1.AddStoreResponse, error) {
	res, err := h.s.AddStore(ctx, req)
	return res, connectError(err)
}

// UpdateStore implements StoreService.UpdateStore.
func (h *StoreHandler) UpdateStore(ctx context.Context, req *cardv1.UpdateStoreRequest) (*cardv1.UpdateStoreResponse, error) {
	res, err := h.s.UpdateStore(ctx, req)
	return res, connectError(err)
}

// GetStore implements StoreService.GetStore.
func (h *StoreHandler) GetStore(ctx context.Context, req *cardv1.GetStoreRequest) (*cardv1.GetStoreResponse, error) {
	res, err := h.s.GetStore(ctx, req)
	return res, connectError(err)
}

// ListStores implements StoreService.ListStores.
func (h *StoreHandler) ListStores(ctx context.Context, req *cardv1.ListStoresRequest) (*cardv1.ListStoresResponse, error) {
	res, err := h.s.ListStores(ctx, req)
	return res, connectError(err)
}

// DeleteStore implements StoreService.DeleteStore.
func (h *StoreHandler) DeleteStore(ctx context.Context, req *cardv1.DeleteStoreRequest) (*cardv1.DeleteStoreResponse, error) {
	res, err := h.s.DeleteStore(ctx, req)
	return res, connectError(err)
}
