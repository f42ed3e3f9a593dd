package stores

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	cardv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/card/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/card/v1/cardv1connect"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// WeChat paths of 微信门店.
const (
	pathAddPoi        = "/cgi-bin/poi/addpoi"
	pathGetPoi        = "/cgi-bin/poi/getpoi"
	pathGetPoiList    = "/cgi-bin/poi/getpoilist"
	pathUpdatePoi     = "/cgi-bin/poi/updatepoi"
	pathDelPoi        = "/cgi-bin/poi/delpoi"
	pathPoiCategories = "/cgi-bin/poi/getwxcategory"
)

// Platform limits of 微信门店.
const (
	poiListMax     = 50 // stores per getpoilist call
	poiListDefault = 20 // limit used when the request leaves it 0 (wxsuite's choice)
	businessMax    = 30 // width of business_name: 15 Chinese or 30 Latin characters
	branchMax      = 20 // characters of branch_name
	poiPhotosMax   = 20 // photos a store holds (wxsuite's bound)
	brackets       = "()（）[]【】"
)

// poiPhoto is an element of photo_list.
type poiPhoto struct {
	PhotoURL string `json:"photo_url"`
}

// poiBaseInfo is business.base_info as the platform writes it.
type poiBaseInfo struct {
	PoiID          flexInt    `json:"poi_id,omitempty"`
	Sid            string     `json:"sid,omitempty"`
	BusinessName   string     `json:"business_name,omitempty"`
	BranchName     string     `json:"branch_name,omitempty"`
	Province       string     `json:"province,omitempty"`
	City           string     `json:"city,omitempty"`
	District       string     `json:"district,omitempty"`
	Address        string     `json:"address,omitempty"`
	Telephone      string     `json:"telephone,omitempty"`
	Categories     []string   `json:"categories,omitempty"`
	OffsetType     int32      `json:"offset_type,omitempty"`
	Longitude      float64    `json:"longitude,omitempty"`
	Latitude       float64    `json:"latitude,omitempty"`
	PhotoList      []poiPhoto `json:"photo_list,omitempty"`
	Recommend      string     `json:"recommend,omitempty"`
	Special        string     `json:"special,omitempty"`
	Introduction   string     `json:"introduction,omitempty"`
	OpenTime       string     `json:"open_time,omitempty"`
	AvgPrice       int32      `json:"avg_price,omitempty"`
	AvailableState int32      `json:"available_state,omitempty"`
	UpdateStatus   int32      `json:"update_status,omitempty"`
}

type poiBusiness struct {
	BaseInfo poiBaseInfo `json:"base_info"`
}

func photos(urls []string) []poiPhoto {
	if len(urls) == 0 {
		return nil
	}
	out := make([]poiPhoto, len(urls))
	for i, u := range urls {
		out[i] = poiPhoto{PhotoURL: u}
	}
	return out
}

func (b *poiBaseInfo) proto() *cardv1.Poi {
	p := &cardv1.Poi{PoiId: b.PoiID.String(), Sid: b.Sid, BusinessName: b.BusinessName, BranchName: b.BranchName,
		Province: b.Province, City: b.City, District: b.District, Address: b.Address, Telephone: b.Telephone,
		Categories: b.Categories, OffsetType: b.OffsetType, Longitude: b.Longitude, Latitude: b.Latitude,
		Recommend: b.Recommend, Special: b.Special, Introduction: b.Introduction, OpenTime: b.OpenTime,
		AvgPrice: b.AvgPrice, AvailableState: cardv1.PoiAvailableState(b.AvailableState), UpdateStatus: b.UpdateStatus}
	for _, ph := range b.PhotoList {
		p.PhotoUrls = append(p.PhotoUrls, ph.PhotoURL)
	}
	return p
}

// checkPoi checks an AddPoi store in the order of the platform's common errors.
func checkPoi(p *cardv1.Poi) error {
	if p == nil {
		return &ArgumentError{Field: "poi", Reason: "is required"}
	}
	name := strings.TrimSpace(p.GetBusinessName())
	switch {
	case name == "":
		return &ArgumentError{Field: "poi.business_name", Reason: "is required"}
	case width(name) > businessMax:
		return &ArgumentError{Field: "poi.business_name", Reason: "must be at most 15 Chinese or 30 Latin characters"}
	case strings.ContainsAny(name, brackets):
		return &ArgumentError{Field: "poi.business_name", Reason: "must not contain brackets"}
	case utf8.RuneCountInString(p.GetBranchName()) > branchMax:
		return &ArgumentError{Field: "poi.branch_name", Reason: fmt.Sprintf("must be at most %d characters", branchMax)}
	case strings.ContainsAny(p.GetBranchName(), brackets):
		return &ArgumentError{Field: "poi.branch_name", Reason: "must not contain brackets"}
	case len(p.GetCategories()) == 0:
		return &ArgumentError{Field: "poi.categories", Reason: "must hold at least one category"}
	case p.GetOffsetType() != 0 && p.GetOffsetType() != 1:
		return &ArgumentError{Field: "poi.offset_type", Reason: "must be 1 (火星坐标, the only one the platform accepts)"}
	case p.GetLongitude() < -180 || p.GetLongitude() > 180:
		return &ArgumentError{Field: "poi.longitude", Reason: "must be in [-180, 180]"}
	case p.GetLatitude() < -90 || p.GetLatitude() > 90:
		return &ArgumentError{Field: "poi.latitude", Reason: "must be in [-90, 90]"}
	case p.GetAvgPrice() < 0:
		return &ArgumentError{Field: "poi.avg_price", Reason: "must not be negative"}
	case utf8.RuneCountInString(p.GetSid()) > 64:
		return &ArgumentError{Field: "poi.sid", Reason: "must be at most 64 characters"}
	}
	for _, f := range []fieldValue{{"poi.province", p.GetProvince()}, {"poi.city", p.GetCity()},
		{"poi.address", p.GetAddress()}, {"poi.telephone", p.GetTelephone()}} {
		if err := required(f.field, f.v); err != nil {
			return err
		}
	}
	for i, c := range p.GetCategories() {
		if err := required(fmt.Sprintf("poi.categories[%d]", i), c); err != nil {
			return err
		}
	}
	for _, f := range []fieldValue{{"poi.district", p.GetDistrict()}, {"poi.recommend", p.GetRecommend()},
		{"poi.special", p.GetSpecial()}, {"poi.introduction", p.GetIntroduction()}, {"poi.open_time", p.GetOpenTime()}} {
		if err := text(f.field, f.v); err != nil {
			return err
		}
	}
	return checkURLs("poi.photo_urls", p.GetPhotoUrls(), false, poiPhotosMax)
}

// AddPoi creates a store (poi/addpoi).
func (s *Service) AddPoi(ctx context.Context, req *cardv1.AddPoiRequest) (*cardv1.AddPoiResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	p := req.GetPoi()
	if err := checkPoi(p); err != nil {
		return nil, err
	}
	b := poiBaseInfo{Sid: p.GetSid(), BusinessName: p.GetBusinessName(), BranchName: p.GetBranchName(),
		Province: p.GetProvince(), City: p.GetCity(), District: p.GetDistrict(), Address: p.GetAddress(),
		Telephone: p.GetTelephone(), Categories: p.GetCategories(), OffsetType: 1, Longitude: p.GetLongitude(),
		Latitude: p.GetLatitude(), PhotoList: photos(p.GetPhotoUrls()), Recommend: p.GetRecommend(),
		Special: p.GetSpecial(), Introduction: p.GetIntroduction(), OpenTime: p.GetOpenTime(), AvgPrice: p.GetAvgPrice()}
	var res struct {
		PoiID flexInt `json:"poi_id"`
	}
	// Not idempotent: a resent addpoi after a lost answer creates a second store.
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodPost, Path: pathAddPoi,
		Body: map[string]any{"business": poiBusiness{BaseInfo: b}}}, &res); err != nil {
		return nil, err
	}
	return &cardv1.AddPoiResponse{PoiId: res.PoiID.String()}, nil
}

// GetPoi returns one store (poi/getpoi).
func (s *Service) GetPoi(ctx context.Context, req *cardv1.GetPoiRequest) (*cardv1.GetPoiResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := checkPoiID("poi_id", req.GetPoiId()); err != nil {
		return nil, err
	}
	var res struct {
		Business poiBusiness `json:"business"`
	}
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodPost, Path: pathGetPoi,
		Idempotent: true, Body: map[string]string{"poi_id": req.GetPoiId()}}, &res); err != nil {
		return nil, err
	}
	return &cardv1.GetPoiResponse{Poi: res.Business.BaseInfo.proto()}, nil
}

// ListPois returns one page of stores (poi/getpoilist).
func (s *Service) ListPois(ctx context.Context, req *cardv1.ListPoisRequest) (*cardv1.ListPoisResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	limit := req.GetLimit()
	switch {
	case req.GetBegin() < 0:
		return nil, &ArgumentError{Field: "begin", Reason: "must not be negative"}
	case limit < 0 || limit > poiListMax:
		return nil, &ArgumentError{Field: "limit", Reason: fmt.Sprintf("must be 0 to %d", poiListMax)}
	case limit == 0:
		limit = poiListDefault
	}
	var res struct {
		BusinessList []poiBusiness `json:"business_list"`
		TotalCount   flexInt       `json:"total_count"`
	}
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodPost, Path: pathGetPoiList,
		Idempotent: true, Body: map[string]int32{"begin": req.GetBegin(), "limit": limit}}, &res); err != nil {
		return nil, err
	}
	out := &cardv1.ListPoisResponse{TotalCount: int64(res.TotalCount), Pois: make([]*cardv1.Poi, len(res.BusinessList))}
	for i := range res.BusinessList {
		out.Pois[i] = res.BusinessList[i].BaseInfo.proto()
	}
	return out, nil
}

// UpdatePoi changes a store's service information (poi/updatepoi): only the fields set
// are sent.
func (s *Service) UpdatePoi(ctx context.Context, req *cardv1.UpdatePoiRequest) (*cardv1.UpdatePoiResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := checkPoiID("poi_id", req.GetPoiId()); err != nil {
		return nil, err
	}
	info := map[string]any{"poi_id": req.GetPoiId()}
	for _, f := range []fieldValue{{"sid", req.GetSid()}, {"telephone", req.GetTelephone()},
		{"recommend", req.GetRecommend()}, {"special", req.GetSpecial()}, {"introduction", req.GetIntroduction()},
		{"open_time", req.GetOpenTime()}} {
		if err := text(f.field, f.v); err != nil {
			return nil, err
		}
		if f.v != "" {
			info[f.field] = f.v
		}
	}
	switch {
	case req.GetAvgPrice() < 0:
		return nil, &ArgumentError{Field: "avg_price", Reason: "must not be negative"}
	case req.GetAvgPrice() > 0:
		info["avg_price"] = req.GetAvgPrice()
	}
	if err := checkURLs("photo_urls", req.GetPhotoUrls(), false, poiPhotosMax); err != nil {
		return nil, err
	}
	if len(req.GetPhotoUrls()) > 0 {
		info["photo_list"] = photos(req.GetPhotoUrls())
	}
	if len(info) == 1 {
		return nil, &ArgumentError{Field: "poi_id", Reason: "no field to change is set"}
	}
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodPost, Path: pathUpdatePoi,
		Body: map[string]any{"business": map[string]any{"base_info": info}}}, &envelope{}); err != nil {
		return nil, err
	}
	return &cardv1.UpdatePoiResponse{}, nil
}

// DeletePoi deletes a store (poi/delpoi).
func (s *Service) DeletePoi(ctx context.Context, req *cardv1.DeletePoiRequest) (*cardv1.DeletePoiResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := checkPoiID("poi_id", req.GetPoiId()); err != nil {
		return nil, err
	}
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodPost, Path: pathDelPoi,
		Body: map[string]string{"poi_id": req.GetPoiId()}}, &envelope{}); err != nil {
		return nil, err
	}
	return &cardv1.DeletePoiResponse{}, nil
}

// ListPoiCategories returns the store categories (poi/getwxcategory).
func (s *Service) ListPoiCategories(ctx context.Context, req *cardv1.ListPoiCategoriesRequest) (*cardv1.ListPoiCategoriesResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	var res struct {
		CategoryList []string `json:"category_list"`
	}
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodGet, Path: pathPoiCategories}, &res); err != nil {
		return nil, err
	}
	return &cardv1.ListPoiCategoriesResponse{Categories: res.CategoryList}, nil
}

// PoiHandler implements PoiService over Service.
type PoiHandler struct {
	s *Service
}

var _ cardv1connect.PoiServiceHandler = (*PoiHandler)(nil)

// NewPoiHandler returns the PoiService implementation of s.
func NewPoiHandler(s *Service) *PoiHandler { return &PoiHandler{s: s} }

// AddPoi implements PoiService.AddPoi.
func (h *PoiHandler) AddPoi(ctx context.Context, req *cardv1.AddPoiRequest) (*cardv1.AddPoiResponse, error) {
	res, err := h.s.AddPoi(ctx, req)
	return res, connectError(err)
}

// GetPoi implements PoiService.GetPoi.
func (h *PoiHandler) GetPoi(ctx context.Context, req *cardv1.GetPoiRequest) (*cardv1.GetPoiResponse, error) {
	res, err := h.s.GetPoi(ctx, req)
	return res, connectError(err)
}

// ListPois implements PoiService.ListPois.
func (h *PoiHandler) ListPois(ctx context.Context, req *cardv1.ListPoisRequest) (*cardv1.ListPoisResponse, error) {
	res, err := h.s.ListPois(ctx, req)
	return res, connectError(err)
}

// UpdatePoi implements PoiService.UpdatePoi.
func (h *PoiHandler) UpdatePoi(ctx context.Context, req *cardv1.UpdatePoiRequest) (*cardv1.UpdatePoiResponse, error) {
	res, err := h.s.UpdatePoi(ctx, req)
	return res, connectError(err)
}

// DeletePoi implements PoiService.DeletePoi.
func (h *PoiHandler) DeletePoi(ctx context.Context, req *cardv1.DeletePoiRequest) (*cardv1.DeletePoiResponse, error) {
	res, err := h.s.DeletePoi(ctx, req)
	return res, connectError(err)
}

// ListPoiCategories implements PoiService.ListPoiCategories.
func (h *PoiHandler) ListPoiCategories(ctx context.Context, req *cardv1.ListPoiCategoriesRequest) (*cardv1.ListPoiCategoriesResponse, error) {
	res, err := h.s.ListPoiCategories(ctx, req)
	return res, connectError(err)
}
