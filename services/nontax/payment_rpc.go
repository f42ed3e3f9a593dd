package nontax

import (
	"context"

	nontaxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/nontax/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/nontax/v1/nontaxv1connect"
)

// PaymentHandler implements NontaxPaymentService over Service.
type PaymentHandler struct {
	s *Service
}

var _ nontaxv1connect.NontaxPaymentServiceHandler = (*PaymentHandler)(nil)

// NewPaymentHandler returns the NontaxPaymentService implementation of s.
func NewPaymentHandler(s *Service) *PaymentHandler { return &PaymentHandler{s: s} }

// QueryFee implements NontaxPaymentService.QueryFee.
func (h *PaymentHandler) QueryFee(ctx context.Context, req *nontaxv1.QueryFeeRequest) (*nontaxv1.QueryFeeResponse, error) {
	res, err := h.s.QueryFee(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return res, nil
}

// UnifiedOrder implements NontaxPaymentService.UnifiedOrder.
func (h *PaymentHandler) UnifiedOrder(ctx context.Context, req *nontaxv1.UnifiedOrderRequest) (*nontaxv1.UnifiedOrderResponse, error) {
	res, err := h.s.UnifiedOrder(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return res, nil
}

// Micropay implements NontaxPaymentService.Micropay.
func (h *PaymentHandler) Micropay(ctx context.Context, req *nontaxv1.MicropayRequest) (*nontaxv1.MicropayResponse, error) {
	res, err := h.s.Micropay(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return res, nil
}

// GetOrder implements NontaxPaymentService.GetOrder.
func (h *PaymentHandler) GetOrder(ctx context.Context, req *nontaxv1.GetOrderRequest) (*nontaxv1.GetOrderResponse, error) {
	res, err := h.s.GetOrder(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return res, nil
}

// GetOrderList implements NontaxPaymentService.GetOrderList.
func (h *PaymentHandler) GetOrderList(ctx context.Context, req *nontaxv1.GetOrderListRequest) (*nontaxv1.GetOrderListResponse, error) {
	res, err := h.s.GetOrderList(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return res, nil
}

// Refund implements NontaxPaymentService.Refund.
func (h *PaymentHandler) Refund(ctx context.Context, req *nontaxv1.RefundRequest) (*nontaxv1.RefundResponse, error) {
	res, err := h.s.Refund(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return res, nil
}

// DownloadBill implements NontaxPaymentService.DownloadBill.
func (h *PaymentHandler) DownloadBill(ctx context.Context, req *nontaxv1.DownloadBillRequest) (*nontaxv1.DownloadBillResponse, error) {
	res, err := h.s.DownloadBill(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return res, nil
}

// NotifyInconsistentOrder implements NontaxPaymentService.NotifyInconsistentOrder.
func (h *PaymentHandler) NotifyInconsistentOrder(ctx context.Context, req *nontaxv1.NotifyInconsistentOrderRequest) (*nontaxv1.NotifyInconsistentOrderResponse, error) {
	res, err := h.s.NotifyInconsistentOrder(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return res, nil
}

// MockNotification implements NontaxPaymentService.MockNotification.
func (h *PaymentHandler) MockNotification(ctx context.Context, req *nontaxv1.MockNotificationRequest) (*nontaxv1.MockNotificationResponse, error) {
	res, err := h.s.MockNotification(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return res, nil
}

// MockQueryFee implements NontaxPaymentService.MockQueryFee.
func (h *PaymentHandler) MockQueryFee(ctx context.Context, req *nontaxv1.MockQueryFeeRequest) (*nontaxv1.MockQueryFeeResponse, error) {
	res, err := h.s.MockQueryFee(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return res, nil
}
