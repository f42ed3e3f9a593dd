package sandbox

// This file implements the stores admin RPCs: the platform's reviews of stores (poi),
// of the store mini-program application and its stores, and 一物一码 scans.

import (
	"context"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
)

// requirePoiID refuses a missing or non-positive poi_id.
func requirePoiID(poiID int64) error {
	if poiID <= 0 {
		return invalid("poi_id", "is required (a positive poi_id)")
	}
	return nil
}

// ReviewPoi ends the platform's review of a store.
func (x *admin) ReviewPoi(ctx context.Context, req *sandboxv1.ReviewPoiRequest) (*sandboxv1.ReviewPoiResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requirePoiID(req.GetPoiId()); err != nil {
		return nil, err
	}
	res, err := x.s.ReviewPoi(ctx, req.GetAppId(), req.GetPoiId(), req.GetApprove(), req.GetMsg())
	if err != nil {
		return nil, adminError(err)
	}
	out := &sandboxv1.ReviewPoiResponse{Pushed: res.Pushed}
	if res.Pushed {
		out.Result = toProtoPushResult(res.Push)
	}
	return out, nil
}

// ReviewStoreMerchant ends the review of the store mini-program application.
func (x *admin) ReviewStoreMerchant(_ context.Context, req *sandboxv1.ReviewStoreMerchantRequest) (*sandboxv1.ReviewStoreMerchantResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := x.s.ReviewStoreMerchant(req.GetAppId(), req.GetApprove(), req.GetReason()); err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.ReviewStoreMerchantResponse{}, nil
}

// ReviewStore ends the review of a store of the store mini-program.
func (x *admin) ReviewStore(_ context.Context, req *sandboxv1.ReviewStoreRequest) (*sandboxv1.ReviewStoreResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requirePoiID(req.GetPoiId()); err != nil {
		return nil, err
	}
	if err := x.s.ReviewStore(req.GetAppId(), req.GetPoiId(), req.GetApprove()); err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.ReviewStoreResponse{}, nil
}

// ScanMarketCode makes a simulated user scan an activated 一物一码 code.
func (x *admin) ScanMarketCode(_ context.Context, req *sandboxv1.ScanMarketCodeRequest) (*sandboxv1.ScanMarketCodeResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireOpenID(req.GetOpenid()); err != nil {
		return nil, err
	}
	if req.GetCode() == "" {
		return nil, invalid("code", "is required")
	}
	ticket, err := x.s.ScanMarketCode(req.GetAppId(), req.GetOpenid(), req.GetCode())
	if err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.ScanMarketCodeResponse{CodeTicket: ticket}, nil
}

// GetMarketCodeKey returns the account's 一物一码 package key.
func (x *admin) GetMarketCodeKey(_ context.Context, req *sandboxv1.GetMarketCodeKeyRequest) (*sandboxv1.GetMarketCodeKeyResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	key, err := x.s.MarketCodeKey(req.GetAppId())
	if err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.GetMarketCodeKeyResponse{Key: key}, nil
}
