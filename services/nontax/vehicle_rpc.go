package nontax

import (
	"context"

	nontaxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/nontax/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/nontax/v1/nontaxv1connect"
)

// VehicleHandler implements NontaxVehicleService over Service.
type VehicleHandler struct {
	s *Service
}

var _ nontaxv1connect.NontaxVehicleServiceHandler = (*VehicleHandler)(nil)

// NewVehicleHandler returns the NontaxVehicleService implementation of s.
func NewVehicleHandler(s *Service) *VehicleHandler { return &VehicleHandler{s: s} }

// QueryVehicleState implements NontaxVehicleService.QueryVehicleState.
func (h *VehicleHandler) QueryVehicleState(ctx context.Context, req *nontaxv1.QueryVehicleStateRequest) (*nontaxv1.QueryVehicleStateResponse, error) {
	res, err := h.s.QueryVehicleState(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return res, nil
}

// NotifyVehicleEntrance implements NontaxVehicleService.NotifyVehicleEntrance.
func (h *VehicleHandler) NotifyVehicleEntrance(ctx context.Context, req *nontaxv1.NotifyVehicleEntranceRequest) (*nontaxv1.NotifyVehicleEntranceResponse, error) {
	res, err := h.s.NotifyVehicleEntrance(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return res, nil
}

// ApplyVehiclePayment implements NontaxVehicleService.ApplyVehiclePayment.
func (h *VehicleHandler) ApplyVehiclePayment(ctx context.Context, req *nontaxv1.ApplyVehiclePaymentRequest) (*nontaxv1.ApplyVehiclePaymentResponse, error) {
	res, err := h.s.ApplyVehiclePayment(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return res, nil
}
