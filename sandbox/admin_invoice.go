package sandbox

// This file implements the invoice admin RPCs: users answering authorization pages,
// showing and submitting titles, reimbursers' encrypt codes, and the account's s_pappid.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"connectrpc.com/connect"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
)

// invoiceAdminError maps the errors of the invoice methods: an unknown order, invoice or
// link is NotFound, an order answered already FailedPrecondition, the rest as
// adminError does.
func invoiceAdminError(err error) error {
	switch {
	case errors.Is(err, ErrUnknownInvoice):
		return connect.NewError(connect.CodeNotFound, err)
	case errors.Is(err, ErrInvoiceOrderState):
		return connect.NewError(connect.CodeFailedPrecondition, err)
	}
	return adminError(err)
}

// invoiceEventResponse is the pushed flag and the push (nil when nothing was pushed).
func invoiceEventResponse(r InvoiceEventResult) (bool, *sandboxv1.PushResult) {
	if !r.Pushed {
		return false, nil
	}
	return true, toProtoPushResult(r.Push)
}

// fromProtoInvoiceTitle converts a request's title.
func fromProtoInvoiceTitle(t *sandboxv1.InvoiceTitle) InvoiceTitle {
	return InvoiceTitle{
		Personal: t.GetPersonal(), Title: t.GetTitle(), Phone: t.GetPhone(), Email: t.GetEmail(),
		TaxNo: t.GetTaxNo(), Addr: t.GetAddr(), BankType: t.GetBankType(), BankNo: t.GetBankNo(),
	}
}

// AuthorizeInvoice makes a simulated user answer an authorization page.
func (x *admin) AuthorizeInvoice(ctx context.Context, req *sandboxv1.AuthorizeInvoiceRequest) (*sandboxv1.AuthorizeInvoiceResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if req.GetOrderId() == "" {
		return nil, invalid("order_id", "is required")
	}
	if req.GetSPappid() == "" {
		return nil, invalid("s_pappid", "is required")
	}
	if err := requireOpenID(req.GetOpenid()); err != nil {
		return nil, err
	}
	z := InvoiceAuthorization{OpenID: req.GetOpenid(), Decline: req.GetDecline()}
	if p := req.GetPersonal(); p != nil {
		z.Personal = &InvoicePersonalTitle{Title: p.GetTitle(), Phone: p.GetPhone(), Email: p.GetEmail(), Custom: p.GetCustom()}
	}
	if b := req.GetBusiness(); b != nil {
		z.Business = &InvoiceBusinessTitle{Title: b.GetTitle(), TaxNo: b.GetTaxNo(), Addr: b.GetAddr(), Phone: b.GetPhone(),
			BankType: b.GetBankType(), BankNo: b.GetBankNo(), Custom: b.GetCustom()}
	}
	if !z.Decline && z.Personal == nil && z.Business == nil {
		return nil, invalid("title", "is required (personal or business) unless decline")
	}
	res, err := x.s.AuthorizeInvoice(ctx, req.GetAppId(), req.GetSPappid(), req.GetOrderId(), z)
	if err != nil {
		return nil, invoiceAdminError(renameArgumentField(err, func(f string) string { return strings.TrimPrefix(f, "authorization.") }))
	}
	pushed, result := invoiceEventResponse(res)
	return &sandboxv1.AuthorizeInvoiceResponse{Pushed: pushed, Result: result}, nil
}

// invoiceCardOf checks that the invoice card cardID belongs to the account appID.
func (x *admin) invoiceCardOf(appID, cardID, code string) error {
	if err := requireAppID(appID); err != nil {
		return err
	}
	if cardID == "" {
		return invalid("card_id", "is required")
	}
	if code == "" {
		return invalid("code", "is required")
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	a, ok := x.s.accounts[appID]
	if !ok {
		return adminError(unknownAccount(appID))
	}
	if owner, _ := x.s.invoiceFindCard(cardID); owner != a {
		return invoiceAdminError(fmt.Errorf("invoice card %q of %s: %w", cardID, appID, ErrUnknownInvoice))
	}
	return nil
}

// GetInvoiceEncryptCode returns a reimburser's encrypt_code of an inserted invoice.
func (x *admin) GetInvoiceEncryptCode(_ context.Context, req *sandboxv1.GetInvoiceEncryptCodeRequest) (*sandboxv1.GetInvoiceEncryptCodeResponse, error) {
	if err := x.invoiceCardOf(req.GetAppId(), req.GetCardId(), req.GetCode()); err != nil {
		return nil, err
	}
	enc, err := x.s.InvoiceEncryptCode(req.GetCardId(), req.GetCode())
	if err != nil {
		return nil, invoiceAdminError(err)
	}
	return &sandboxv1.GetInvoiceEncryptCodeResponse{EncryptCode: enc}, nil
}

// GetInvoiceStatus returns the reimburse_status of an inserted invoice.
func (x *admin) GetInvoiceStatus(_ context.Context, req *sandboxv1.GetInvoiceStatusRequest) (*sandboxv1.GetInvoiceStatusResponse, error) {
	if err := x.invoiceCardOf(req.GetAppId(), req.GetCardId(), req.GetCode()); err != nil {
		return nil, err
	}
	status, err := x.s.InvoiceStatus(req.GetCardId(), req.GetCode())
	if err != nil {
		return nil, invoiceAdminError(err)
	}
	return &sandboxv1.GetInvoiceStatusResponse{ReimburseStatus: status}, nil
}

// AddInvoiceTitleQR makes a simulated user show a title QR code.
func (x *admin) AddInvoiceTitleQR(_ context.Context, req *sandboxv1.AddInvoiceTitleQRRequest) (*sandboxv1.AddInvoiceTitleQRResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if req.GetTitle() == nil {
		return nil, invalid("title", "is required")
	}
	text, err := x.s.AddInvoiceTitleQR(req.GetAppId(), fromProtoInvoiceTitle(req.GetTitle()))
	if err != nil {
		return nil, invoiceAdminError(err)
	}
	return &sandboxv1.AddInvoiceTitleQRResponse{ScanText: text}, nil
}

// SubmitInvoiceTitle makes a simulated user submit a title through a select link.
func (x *admin) SubmitInvoiceTitle(ctx context.Context, req *sandboxv1.SubmitInvoiceTitleRequest) (*sandboxv1.SubmitInvoiceTitleResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireOpenID(req.GetOpenid()); err != nil {
		return nil, err
	}
	if req.GetSelectUrl() == "" {
		return nil, invalid("select_url", "is required")
	}
	if req.GetTitle() == nil {
		return nil, invalid("title", "is required")
	}
	res, err := x.s.SubmitInvoiceTitle(ctx, req.GetAppId(), req.GetOpenid(), req.GetSelectUrl(), fromProtoInvoiceTitle(req.GetTitle()))
	if err != nil {
		return nil, invoiceAdminError(err)
	}
	pushed, result := invoiceEventResponse(res)
	return &sandboxv1.SubmitInvoiceTitleResponse{Pushed: pushed, Result: result}, nil
}

// GetInvoicePappid returns the account's s_pappid as an invoicing platform.
func (x *admin) GetInvoicePappid(_ context.Context, req *sandboxv1.GetInvoicePappidRequest) (*sandboxv1.GetInvoicePappidResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	x.s.mu.Lock()
	_, ok := x.s.accounts[req.GetAppId()]
	x.s.mu.Unlock()
	if !ok {
		return nil, adminError(unknownAccount(req.GetAppId()))
	}
	return &sandboxv1.GetInvoicePappidResponse{SPappid: InvoicePappid(req.GetAppId())}, nil
}
