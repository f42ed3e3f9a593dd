package invoice

import (
	"context"

	invoicev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/invoice/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/invoice/v1/invoicev1connect"
)

// call runs f and maps its error at the RPC boundary.
func call[Req, Resp any](ctx context.Context, req *Req, f func(context.Context, *Req) (*Resp, error)) (*Resp, error) {
	resp, err := f(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return resp, nil
}

// MerchantHandler implements InvoiceMerchantService over Service.
type MerchantHandler struct {
	s *Service
}

var _ invoicev1connect.InvoiceMerchantServiceHandler = (*MerchantHandler)(nil)

// NewMerchantHandler returns the InvoiceMerchantService implementation of s.
func NewMerchantHandler(s *Service) *MerchantHandler { return &MerchantHandler{s: s} }

// CreateAuthUrl implements InvoiceMerchantService.CreateAuthUrl.
func (h *MerchantHandler) CreateAuthUrl(ctx context.Context, req *invoicev1.CreateAuthUrlRequest) (*invoicev1.CreateAuthUrlResponse, error) {
	return call(ctx, req, h.s.CreateAuthUrl)
}

// GetAuthData implements InvoiceMerchantService.GetAuthData.
func (h *MerchantHandler) GetAuthData(ctx context.Context, req *invoicev1.GetAuthDataRequest) (*invoicev1.GetAuthDataResponse, error) {
	return call(ctx, req, h.s.GetAuthData)
}

// RejectInsert implements InvoiceMerchantService.RejectInsert.
func (h *MerchantHandler) RejectInsert(ctx context.Context, req *invoicev1.RejectInsertRequest) (*invoicev1.RejectInsertResponse, error) {
	return call(ctx, req, h.s.RejectInsert)
}

// SetAuthField implements InvoiceMerchantService.SetAuthField.
func (h *MerchantHandler) SetAuthField(ctx context.Context, req *invoicev1.SetAuthFieldRequest) (*invoicev1.SetAuthFieldResponse, error) {
	return call(ctx, req, h.s.SetAuthField)
}

// GetAuthField implements InvoiceMerchantService.GetAuthField.
func (h *MerchantHandler) GetAuthField(ctx context.Context, req *invoicev1.GetAuthFieldRequest) (*invoicev1.GetAuthFieldResponse, error) {
	return call(ctx, req, h.s.GetAuthField)
}

// SetPayMch implements InvoiceMerchantService.SetPayMch.
func (h *MerchantHandler) SetPayMch(ctx context.Context, req *invoicev1.SetPayMchRequest) (*invoicev1.SetPayMchResponse, error) {
	return call(ctx, req, h.s.SetPayMch)
}

// GetPayMch implements InvoiceMerchantService.GetPayMch.
func (h *MerchantHandler) GetPayMch(ctx context.Context, req *invoicev1.GetPayMchRequest) (*invoicev1.GetPayMchResponse, error) {
	return call(ctx, req, h.s.GetPayMch)
}

// SetContact implements InvoiceMerchantService.SetContact.
func (h *MerchantHandler) SetContact(ctx context.Context, req *invoicev1.SetContactRequest) (*invoicev1.SetContactResponse, error) {
	return call(ctx, req, h.s.SetContact)
}

// GetContact implements InvoiceMerchantService.GetContact.
func (h *MerchantHandler) GetContact(ctx context.Context, req *invoicev1.GetContactRequest) (*invoicev1.GetContactResponse, error) {
	return call(ctx, req, h.s.GetContact)
}

// MakeOutInvoice implements InvoiceMerchantService.MakeOutInvoice.
func (h *MerchantHandler) MakeOutInvoice(ctx context.Context, req *invoicev1.MakeOutInvoiceRequest) (*invoicev1.MakeOutInvoiceResponse, error) {
	return call(ctx, req, h.s.MakeOutInvoice)
}

// ClearOutInvoice implements InvoiceMerchantService.ClearOutInvoice.
func (h *MerchantHandler) ClearOutInvoice(ctx context.Context, req *invoicev1.ClearOutInvoiceRequest) (*invoicev1.ClearOutInvoiceResponse, error) {
	return call(ctx, req, h.s.ClearOutInvoice)
}

// QueryInvoiceInfo implements InvoiceMerchantService.QueryInvoiceInfo.
func (h *MerchantHandler) QueryInvoiceInfo(ctx context.Context, req *invoicev1.QueryInvoiceInfoRequest) (*invoicev1.QueryInvoiceInfoResponse, error) {
	return call(ctx, req, h.s.QueryInvoiceInfo)
}

// PlatformHandler implements InvoicePlatformService over Service.
type PlatformHandler struct {
	s *Service
}

var _ invoicev1connect.InvoicePlatformServiceHandler = (*PlatformHandler)(nil)

// NewPlatformHandler returns the InvoicePlatformService implementation of s.
func NewPlatformHandler(s *Service) *PlatformHandler { return &PlatformHandler{s: s} }

// GetPlatformUrl implements InvoicePlatformService.GetPlatformUrl.
func (h *PlatformHandler) GetPlatformUrl(ctx context.Context, req *invoicev1.GetPlatformUrlRequest) (*invoicev1.GetPlatformUrlResponse, error) {
	return call(ctx, req, h.s.GetPlatformUrl)
}

// CreateCard implements InvoicePlatformService.CreateCard.
func (h *PlatformHandler) CreateCard(ctx context.Context, req *invoicev1.CreateCardRequest) (*invoicev1.CreateCardResponse, error) {
	return call(ctx, req, h.s.CreateCard)
}

// UploadPdf implements InvoicePlatformService.UploadPdf.
func (h *PlatformHandler) UploadPdf(ctx context.Context, req *invoicev1.UploadPdfRequest) (*invoicev1.UploadPdfResponse, error) {
	return call(ctx, req, h.s.UploadPdf)
}

// GetPdf implements InvoicePlatformService.GetPdf.
func (h *PlatformHandler) GetPdf(ctx context.Context, req *invoicev1.GetPdfRequest) (*invoicev1.GetPdfResponse, error) {
	return call(ctx, req, h.s.GetPdf)
}

// InsertInvoice implements InvoicePlatformService.InsertInvoice.
func (h *PlatformHandler) InsertInvoice(ctx context.Context, req *invoicev1.InsertInvoiceRequest) (*invoicev1.InsertInvoiceResponse, error) {
	return call(ctx, req, h.s.InsertInvoice)
}

// UpdateStatus implements InvoicePlatformService.UpdateStatus.
func (h *PlatformHandler) UpdateStatus(ctx context.Context, req *invoicev1.UpdateStatusRequest) (*invoicev1.UpdateStatusResponse, error) {
	return call(ctx, req, h.s.UpdateStatus)
}

// ReimburseHandler implements InvoiceReimburseService over Service.
type ReimburseHandler struct {
	s *Service
}

var _ invoicev1connect.InvoiceReimburseServiceHandler = (*ReimburseHandler)(nil)

// NewReimburseHandler returns the InvoiceReimburseService implementation of s.
func NewReimburseHandler(s *Service) *ReimburseHandler { return &ReimburseHandler{s: s} }

// GetInvoiceInfo implements InvoiceReimburseService.GetInvoiceInfo.
func (h *ReimburseHandler) GetInvoiceInfo(ctx context.Context, req *invoicev1.GetInvoiceInfoRequest) (*invoicev1.GetInvoiceInfoResponse, error) {
	return call(ctx, req, h.s.GetInvoiceInfo)
}

// BatchGetInvoiceInfo implements InvoiceReimburseService.BatchGetInvoiceInfo.
func (h *ReimburseHandler) BatchGetInvoiceInfo(ctx context.Context, req *invoicev1.BatchGetInvoiceInfoRequest) (*invoicev1.BatchGetInvoiceInfoResponse, error) {
	return call(ctx, req, h.s.BatchGetInvoiceInfo)
}

// UpdateInvoiceStatus implements InvoiceReimburseService.UpdateInvoiceStatus.
func (h *ReimburseHandler) UpdateInvoiceStatus(ctx context.Context, req *invoicev1.UpdateInvoiceStatusRequest) (*invoicev1.UpdateInvoiceStatusResponse, error) {
	return call(ctx, req, h.s.UpdateInvoiceStatus)
}

// BatchUpdateInvoiceStatus implements InvoiceReimburseService.BatchUpdateInvoiceStatus.
func (h *ReimburseHandler) BatchUpdateInvoiceStatus(ctx context.Context, req *invoicev1.BatchUpdateInvoiceStatusRequest) (*invoicev1.BatchUpdateInvoiceStatusResponse, error) {
	return call(ctx, req, h.s.BatchUpdateInvoiceStatus)
}

// TitleHandler implements InvoiceTitleService over Service.
type TitleHandler struct {
	s *Service
}

var _ invoicev1connect.InvoiceTitleServiceHandler = (*TitleHandler)(nil)

// NewTitleHandler returns the InvoiceTitleService implementation of s.
func NewTitleHandler(s *Service) *TitleHandler { return &TitleHandler{s: s} }

// GetUserTitleUrl implements InvoiceTitleService.GetUserTitleUrl.
func (h *TitleHandler) GetUserTitleUrl(ctx context.Context, req *invoicev1.GetUserTitleUrlRequest) (*invoicev1.GetUserTitleUrlResponse, error) {
	return call(ctx, req, h.s.GetUserTitleUrl)
}

// GetSelectTitleUrl implements InvoiceTitleService.GetSelectTitleUrl.
func (h *TitleHandler) GetSelectTitleUrl(ctx context.Context, req *invoicev1.GetSelectTitleUrlRequest) (*invoicev1.GetSelectTitleUrlResponse, error) {
	return call(ctx, req, h.s.GetSelectTitleUrl)
}

// ScanTitle implements InvoiceTitleService.ScanTitle.
func (h *TitleHandler) ScanTitle(ctx context.Context, req *invoicev1.ScanTitleRequest) (*invoicev1.ScanTitleResponse, error) {
	return call(ctx, req, h.s.ScanTitle)
}

// FiscalHandler implements FiscalBillService over Service.
type FiscalHandler struct {
	s *Service
}

var _ invoicev1connect.FiscalBillServiceHandler = (*FiscalHandler)(nil)

// NewFiscalHandler returns the FiscalBillService implementation of s.
func NewFiscalHandler(s *Service) *FiscalHandler { return &FiscalHandler{s: s} }

// CreateBillAuthUrl implements FiscalBillService.CreateBillAuthUrl.
func (h *FiscalHandler) CreateBillAuthUrl(ctx context.Context, req *invoicev1.CreateBillAuthUrlRequest) (*invoicev1.CreateBillAuthUrlResponse, error) {
	return call(ctx, req, h.s.CreateBillAuthUrl)
}

// CreateBillCard implements FiscalBillService.CreateBillCard.
func (h *FiscalHandler) CreateBillCard(ctx context.Context, req *invoicev1.CreateBillCardRequest) (*invoicev1.CreateBillCardResponse, error) {
	return call(ctx, req, h.s.CreateBillCard)
}

// InsertBill implements FiscalBillService.InsertBill.
func (h *FiscalHandler) InsertBill(ctx context.Context, req *invoicev1.InsertBillRequest) (*invoicev1.InsertBillResponse, error) {
	return call(ctx, req, h.s.InsertBill)
}
