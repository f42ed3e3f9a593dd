package guide

import (
	"context"
	"time"

	guidev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/guide/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/guide/v1/guidev1connect"
)

// WeChat paths of GuideBuyerService.
const (
	pathBuyerAdd      = "/cgi-bin/guide/addguidebuyerrelation"
	pathBuyerDel      = "/cgi-bin/guide/delguidebuyerrelation"
	pathBuyerList     = "/cgi-bin/guide/getguidebuyerrelationlist"
	pathBuyerRebind   = "/cgi-bin/guide/rebindguideacctforbuyer"
	pathBuyerUpdate   = "/cgi-bin/guide/updateguidebuyerrelation"
	pathBuyerByBuyer  = "/cgi-bin/guide/getguidebuyerrelationbybuyer"
	pathBuyerRelation = "/cgi-bin/guide/getguidebuyerrelation"
	pathChatRecord    = "/cgi-bin/guide/getguidebuyerchatrecord"
)

// BuyerHandler implements GuideBuyerService over Service.
type BuyerHandler struct {
	s *Service
}

var _ guidev1connect.GuideBuyerServiceHandler = (*BuyerHandler)(nil)

// NewBuyerHandler returns the GuideBuyerService implementation of s.
func NewBuyerHandler(s *Service) *BuyerHandler { return &BuyerHandler{s: s} }

// AddBuyers implements GuideBuyerService.AddBuyers.
func (h *BuyerHandler) AddBuyers(ctx context.Context, req *guidev1.AddBuyersRequest) (*guidev1.AddBuyersResponse, error) {
	out := &guidev1.AddBuyersResponse{}
	err := checkGuide("", req.GetGuideAccount(), req.GetGuideOpenid(), false)
	list := req.GetBuyerList()
	switch {
	case err != nil:
	case req.GetOpenid() != "" && len(list) > 0:
		err = argf("openid", "give only one of openid and buyer_list")
	case req.GetOpenid() != "":
		err = checkOpenID("openid", req.GetOpenid())
	case len(list) == 0:
		err = argf("openid", "one of openid and buyer_list is required")
	case len(list) > maxBatch:
		err = argf("buyer_list", "must hold at most %d buyers, got %d", maxBatch, len(list))
	}
	for i, b := range list {
		if err == nil {
			err = checkOpenID(fieldIndex("buyer_list", i)+".openid", b.GetOpenid())
		}
	}
	if err == nil && req.GetOpenid() == "" && req.GetBuyerNickname() != "" {
		err = argf("buyer_nickname", "goes with openid; give the nicknames of buyer_list in its items")
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathBuyerAdd, idempotent: true}, req, out)
	}
	return result(out, err)
}

// RemoveBuyers implements GuideBuyerService.RemoveBuyers.
func (h *BuyerHandler) RemoveBuyers(ctx context.Context, req *guidev1.RemoveBuyersRequest) (*guidev1.RemoveBuyersResponse, error) {
	out := &guidev1.RemoveBuyersResponse{}
	err := checkGuide("", req.GetGuideAccount(), req.GetGuideOpenid(), false)
	if err == nil {
		err = checkTargets(req.GetOpenid(), req.GetOpenidList(), "openid_list")
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathBuyerDel}, req, out)
	}
	return result(out, err)
}

// ListBuyers implements GuideBuyerService.ListBuyers.
func (h *BuyerHandler) ListBuyers(ctx context.Context, req *guidev1.ListBuyersRequest) (*guidev1.ListBuyersResponse, error) {
	out := &guidev1.ListBuyersResponse{}
	err := checkGuide("", req.GetGuideAccount(), req.GetGuideOpenid(), false)
	if err == nil {
		err = checkPaging("page", req.GetPage(), req.GetNum())
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathBuyerList, idempotent: true, keep: []string{"page"}}, req, out)
	}
	return result(out, err)
}

// RebindBuyers implements GuideBuyerService.RebindBuyers.
func (h *BuyerHandler) RebindBuyers(ctx context.Context, req *guidev1.RebindBuyersRequest) (*guidev1.RebindBuyersResponse, error) {
	out := &guidev1.RebindBuyersResponse{}
	err := checkGuide("old_", req.GetOldGuideAccount(), req.GetOldGuideOpenid(), false)
	if err == nil {
		err = checkGuide("new_", req.GetNewGuideAccount(), req.GetNewGuideOpenid(), false)
	}
	if err == nil {
		err = checkTargets(req.GetOpenid(), req.GetOpenidList(), "openid_list")
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathBuyerRebind}, req, out)
	}
	return result(out, err)
}

// UpdateBuyer implements GuideBuyerService.UpdateBuyer.
func (h *BuyerHandler) UpdateBuyer(ctx context.Context, req *guidev1.UpdateBuyerRequest) (*guidev1.UpdateBuyerResponse, error) {
	err := checkGuide("", req.GetGuideAccount(), req.GetGuideOpenid(), false)
	if err == nil {
		err = checkOpenID("openid", req.GetOpenid())
	}
	if err == nil {
		err = checkText("buyer_nickname", req.GetBuyerNickname())
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathBuyerUpdate, idempotent: true}, req, nil)
	}
	return result(&guidev1.UpdateBuyerResponse{}, err)
}

// GetBuyerGuide implements GuideBuyerService.GetBuyerGuide.
func (h *BuyerHandler) GetBuyerGuide(ctx context.Context, req *guidev1.GetBuyerGuideRequest) (*guidev1.GetBuyerGuideResponse, error) {
	out := &guidev1.GetBuyerGuideResponse{}
	err := checkOpenID("openid", req.GetOpenid())
	if err == nil {
		err = h.s.do(ctx, call{path: pathBuyerByBuyer, idempotent: true}, req, out)
	}
	return result(out, err)
}

// GetBuyer implements GuideBuyerService.GetBuyer.
func (h *BuyerHandler) GetBuyer(ctx context.Context, req *guidev1.GetBuyerRequest) (*guidev1.GetBuyerResponse, error) {
	b := &guidev1.GuideBuyer{}
	err := checkGuide("", req.GetGuideAccount(), req.GetGuideOpenid(), false)
	if err == nil {
		err = checkOpenID("openid", req.GetOpenid())
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathBuyerRelation, idempotent: true}, req, b)
	}
	return result(&guidev1.GetBuyerResponse{Buyer: b}, err)
}

// ListChatRecords implements GuideBuyerService.ListChatRecords.
func (h *BuyerHandler) ListChatRecords(ctx context.Context, req *guidev1.ListChatRecordsRequest) (*guidev1.ListChatRecordsResponse, error) {
	out := &guidev1.ListChatRecordsResponse{}
	err := checkGuide("", req.GetGuideAccount(), req.GetGuideOpenid(), false)
	if err == nil && req.GetOpenid() != "" {
		err = checkOpenID("openid", req.GetOpenid())
	}
	if err == nil {
		err = checkRange(req.GetBeginTime(), req.GetEndTime(), h.s.now())
	}
	if err == nil {
		err = checkPaging("page", req.GetPage(), req.GetNum())
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathChatRecord, idempotent: true, keep: []string{"page"}}, req, out)
	}
	return result(out, err)
}

// checkRange checks a chat record range: both ends or neither, begin not after end,
// begin within the last 30 days.
func checkRange(begin, end int64, now time.Time) error {
	switch {
	case begin == 0 && end == 0:
		return nil
	case begin <= 0 || end <= 0:
		return argf("begin_time", "give both begin_time and end_time (Unix seconds), or neither")
	case end < begin:
		return argf("end_time", "must not be before begin_time")
	case begin < now.Add(-maxChatDays*24*time.Hour).Unix():
		return argf("begin_time", "must be within the last %d days", maxChatDays)
	}
	return nil
}
