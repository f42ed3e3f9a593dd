package analytics

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"google.golang.org/protobuf/proto"

	analyticsv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/analytics/v1"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// pathPublisherStat is the publisher (流量主) statistics endpoint.
const pathPublisherStat = "/publisher/stat"

// Publisher actions and their maximum spans in days (0: none), from the digest.
const (
	actionAdPos      = "publisher_adpos_general"
	actionCps        = "publisher_cps_general"
	actionSettlement = "publisher_settlement"
	spanAdPos        = 90
	spanCps          = 60
)

// Paging of the publisher statistics.
const (
	defaultPageSize = 10
	maxPageSize     = 200
)

// adSlots are the platform's ad_slot names by AdSlot.
var adSlots = map[analyticsv1.AdSlot]string{
	analyticsv1.AdSlot_AD_SLOT_BIZ_BOTTOM:      "SLOT_ID_BIZ_BOTTOM",
	analyticsv1.AdSlot_AD_SLOT_BIZ_MID_CONTEXT: "SLOT_ID_BIZ_MID_CONTEXT",
	analyticsv1.AdSlot_AD_SLOT_BIZ_VIDEO_END:   "SLOT_ID_BIZ_VIDEO_END",
	analyticsv1.AdSlot_AD_SLOT_BIZ_SPONSOR:     "SLOT_ID_BIZ_SPONSOR",
	analyticsv1.AdSlot_AD_SLOT_BIZ_CPS:         "SLOT_ID_BIZ_CPS",
}

// publisherRequest is the part the publisher requests share.
type publisherRequest interface {
	GetAppId() string
	GetStartDate() string
	GetEndDate() string
	GetPage() int32
	GetPageSize() int32
}

// publisherAnswer is a publisher/stat answer; errors come in base_resp.
type publisherAnswer struct {
	BaseResp struct {
		Ret    int    `json:"ret"`
		ErrMsg string `json:"err_msg"`
	} `json:"base_resp"`
	List              []json.RawMessage `json:"list"`
	Summary           json.RawMessage   `json:"summary"`
	TotalNum          int64             `json:"total_num"`
	Body              string            `json:"body"`
	RevenueAll        int64             `json:"revenue_all"`
	PenaltyAll        int64             `json:"penalty_all"`
	SettledRevenueAll int64             `json:"settled_revenue_all"`
	SettlementList    []json.RawMessage `json:"settlement_list"`
}

// publisher checks req and calls publisher/stat with action (and more query).
func (s *Service) publisher(ctx context.Context, action string, span int, req publisherRequest, more url.Values) (*publisherAnswer, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if _, err := parseRange("start_date", req.GetStartDate(), "end_date", req.GetEndDate(), span); err != nil {
		return nil, err
	}
	page, size := req.GetPage(), req.GetPageSize()
	if page < 0 {
		return nil, &ArgumentError{Field: "page", Reason: "must not be negative"}
	}
	if size < 0 || size > maxPageSize {
		return nil, &ArgumentError{Field: "page_size", Reason: fmt.Sprintf("must be 0 (default %d) to %d", defaultPageSize, maxPageSize)}
	}
	if page == 0 {
		page = 1
	}
	if size == 0 {
		size = defaultPageSize
	}
	q := url.Values{"action": {action}, "page": {strconv.Itoa(int(page))}, "page_size": {strconv.Itoa(int(size))},
		"start_date": {req.GetStartDate()}, "end_date": {req.GetEndDate()}}
	for k, v := range more {
		q[k] = v
	}
	var ans publisherAnswer
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodGet, Path: pathPublisherStat, Query: q}, &ans); err != nil {
		return nil, err
	}
	if ans.BaseResp.Ret != 0 {
		return nil, &wechat.Error{Code: ans.BaseResp.Ret, Msg: ans.BaseResp.ErrMsg, Path: pathPublisherStat, AppID: req.GetAppId()}
	}
	return &ans, nil
}

// decodeSummary decodes a summary object into m (none leaves m empty).
func decodeSummary(raw json.RawMessage, m proto.Message) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if err := rowDecoding.Unmarshal(raw, m); err != nil {
		return fmt.Errorf("%s: decode summary: %w", pathPublisherStat, err)
	}
	return nil
}

// PublisherAdPos returns one page of publisher_adpos_general.
func (s *Service) PublisherAdPos(ctx context.Context, req *analyticsv1.GetPublisherAdPosGeneralRequest) (*analyticsv1.GetPublisherAdPosGeneralResponse, error) {
	more := url.Values{}
	if slot := req.GetAdSlot(); slot != analyticsv1.AdSlot_AD_SLOT_UNSPECIFIED {
		name, ok := adSlots[slot]
		if !ok {
			return nil, &ArgumentError{Field: "ad_slot", Reason: fmt.Sprintf("unknown value %d", slot)}
		}
		more.Set("ad_slot", name)
	}
	ans, err := s.publisher(ctx, actionAdPos, spanAdPos, req, more)
	if err != nil {
		return nil, err
	}
	rows, err := decodeRows(pathPublisherStat, ans.List, func() *analyticsv1.AdPosRow { return &analyticsv1.AdPosRow{} },
		func(r *analyticsv1.AdPosRow) proto.Message {
			r.Stats = &analyticsv1.AdPosStats{}
			return r.Stats
		})
	if err != nil {
		return nil, err
	}
	out := &analyticsv1.GetPublisherAdPosGeneralResponse{Rows: rows, Summary: &analyticsv1.AdPosStats{}, TotalNum: ans.TotalNum}
	return out, decodeSummary(ans.Summary, out.Summary)
}

// PublisherCps returns one page of publisher_cps_general.
func (s *Service) PublisherCps(ctx context.Context, req *analyticsv1.GetPublisherCpsGeneralRequest) (*analyticsv1.GetPublisherCpsGeneralResponse, error) {
	ans, err := s.publisher(ctx, actionCps, spanCps, req, nil)
	if err != nil {
		return nil, err
	}
	rows, err := decodeRows(pathPublisherStat, ans.List, func() *analyticsv1.CpsRow { return &analyticsv1.CpsRow{} },
		func(r *analyticsv1.CpsRow) proto.Message {
			r.Stats = &analyticsv1.CpsStats{}
			return r.Stats
		})
	if err != nil {
		return nil, err
	}
	out := &analyticsv1.GetPublisherCpsGeneralResponse{Rows: rows, Summary: &analyticsv1.CpsStats{}, TotalNum: ans.TotalNum}
	return out, decodeSummary(ans.Summary, out.Summary)
}

// PublisherSettlement returns the settlement head and one page of settlements.
func (s *Service) PublisherSettlement(ctx context.Context, req *analyticsv1.GetPublisherSettlementRequest) (*analyticsv1.GetPublisherSettlementResponse, error) {
	ans, err := s.publisher(ctx, actionSettlement, 0, req, nil)
	if err != nil {
		return nil, err
	}
	rows, err := decodeRows(pathPublisherStat, ans.SettlementList, func() *analyticsv1.Settlement { return &analyticsv1.Settlement{} }, nil)
	if err != nil {
		return nil, err
	}
	return &analyticsv1.GetPublisherSettlementResponse{Body: ans.Body, RevenueAll: ans.RevenueAll, PenaltyAll: ans.PenaltyAll,
		SettledRevenueAll: ans.SettledRevenueAll, Settlements: rows, TotalNum: ans.TotalNum}, nil
}
