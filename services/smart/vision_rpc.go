package smart

import (
	"context"

	smartv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/smart/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/smart/v1/smartv1connect"
)

// VisionHandler implements VisionService over Service.
type VisionHandler struct {
	s *Service
}

var _ smartv1connect.VisionServiceHandler = (*VisionHandler)(nil)

// NewVisionHandler returns the VisionService implementation of s.
func NewVisionHandler(s *Service) *VisionHandler { return &VisionHandler{s: s} }

// RecognizeIDCard implements VisionService.RecognizeIDCard.
func (h *VisionHandler) RecognizeIDCard(ctx context.Context, req *smartv1.RecognizeIDCardRequest) (*smartv1.RecognizeIDCardResponse, error) {
	out, err := h.s.RecognizeIDCard(ctx, req)
	return out, connectError(err)
}

// RecognizeBankCard implements VisionService.RecognizeBankCard.
func (h *VisionHandler) RecognizeBankCard(ctx context.Context, req *smartv1.RecognizeBankCardRequest) (*smartv1.RecognizeBankCardResponse, error) {
	out, err := h.s.RecognizeBankCard(ctx, req)
	return out, connectError(err)
}

// RecognizeDrivingLicense implements VisionService.RecognizeDrivingLicense.
func (h *VisionHandler) RecognizeDrivingLicense(ctx context.Context, req *smartv1.RecognizeDrivingLicenseRequest) (*smartv1.RecognizeDrivingLicenseResponse, error) {
	out, err := h.s.RecognizeDrivingLicense(ctx, req)
	return out, connectError(err)
}

// RecognizeBizLicense implements VisionService.RecognizeBizLicense.
func (h *VisionHandler) RecognizeBizLicense(ctx context.Context, req *smartv1.RecognizeBizLicenseRequest) (*smartv1.RecognizeBizLicenseResponse, error) {
	out, err := h.s.RecognizeBizLicense(ctx, req)
	return out, connectError(err)
}

// RecognizePrintedText implements VisionService.RecognizePrintedText.
func (h *VisionHandler) RecognizePrintedText(ctx context.Context, req *smartv1.RecognizePrintedTextRequest) (*smartv1.RecognizePrintedTextResponse, error) {
	out, err := h.s.RecognizePrintedText(ctx, req)
	return out, connectError(err)
}

// RecognizePlateNumber implements VisionService.RecognizePlateNumber.
func (h *VisionHandler) RecognizePlateNumber(ctx context.Context, req *smartv1.RecognizePlateNumberRequest) (*smartv1.RecognizePlateNumberResponse, error) {
	out, err := h.s.RecognizePlateNumber(ctx, req)
	return out, connectError(err)
}

// RecognizeMenu implements VisionService.RecognizeMenu.
func (h *VisionHandler) RecognizeMenu(ctx context.Context, req *smartv1.RecognizeMenuRequest) (*smartv1.RecognizeMenuResponse, error) {
	out, err := h.s.RecognizeMenu(ctx, req)
	return out, connectError(err)
}

// ScanCodes implements VisionService.ScanCodes.
func (h *VisionHandler) ScanCodes(ctx context.Context, req *smartv1.ScanCodesRequest) (*smartv1.ScanCodesResponse, error) {
	out, err := h.s.ScanCodes(ctx, req)
	return out, connectError(err)
}

// CropImage implements VisionService.CropImage.
func (h *VisionHandler) CropImage(ctx context.Context, req *smartv1.CropImageRequest) (*smartv1.CropImageResponse, error) {
	out, err := h.s.CropImage(ctx, req)
	return out, connectError(err)
}

// SuperResolve implements VisionService.SuperResolve.
func (h *VisionHandler) SuperResolve(ctx context.Context, req *smartv1.SuperResolveRequest) (*smartv1.SuperResolveResponse, error) {
	out, err := h.s.SuperResolve(ctx, req)
	return out, connectError(err)
}
