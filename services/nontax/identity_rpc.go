package nontax

import (
	"context"

	nontaxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/nontax/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/nontax/v1/nontaxv1connect"
)

// IdentityHandler implements NontaxIdentityService over Service.
type IdentityHandler struct {
	s *Service
}

var _ nontaxv1connect.NontaxIdentityServiceHandler = (*IdentityHandler)(nil)

// NewIdentityHandler returns the NontaxIdentityService implementation of s.
func NewIdentityHandler(s *Service) *IdentityHandler { return &IdentityHandler{s: s} }

// GetUserClientIP implements NontaxIdentityService.GetUserClientIP.
func (h *IdentityHandler) GetUserClientIP(ctx context.Context, req *nontaxv1.GetUserClientIPRequest) (*nontaxv1.GetUserClientIPResponse, error) {
	res, err := h.s.GetUserClientIP(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return res, nil
}

// GetRealNameAuthURL implements NontaxIdentityService.GetRealNameAuthURL.
func (h *IdentityHandler) GetRealNameAuthURL(ctx context.Context, req *nontaxv1.GetRealNameAuthURLRequest) (*nontaxv1.GetRealNameAuthURLResponse, error) {
	res, err := h.s.GetRealNameAuthURL(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return res, nil
}

// GetRealName implements NontaxIdentityService.GetRealName.
func (h *IdentityHandler) GetRealName(ctx context.Context, req *nontaxv1.GetRealNameRequest) (*nontaxv1.GetRealNameResponse, error) {
	res, err := h.s.GetRealName(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return res, nil
}
