package invoice

import (
	"context"
	"fmt"

	invoicev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/invoice/v1"
)

// WeChat paths of the reimburser endpoints.
const (
	pathReimburseGet         = "/card/invoice/reimburse/getinvoiceinfo"
	pathReimburseBatchGet    = "/card/invoice/reimburse/getinvoicebatch"
	pathReimburseUpdate      = "/card/invoice/reimburse/updateinvoicestatus"
	pathReimburseUpdateBatch = "/card/invoice/reimburse/updatestatusbatch"
)

// maxBatchItems bounds the invoices of one batch call (wxsuite's bound; the platform
// documents none).
const maxBatchItems = 100

// invoiceJSON is a getinvoiceinfo answer (one item_list entry).
type invoiceJSON struct {
	CardID    string `json:"card_id"`
	BeginTime int64  `json:"begin_time"`
	EndTime   int64  `json:"end_time"`
	OpenID    string `json:"openid"`
	Type      string `json:"type"`
	Payee     string `json:"payee"`
	Detail    string `json:"detail"`
	UserInfo  struct {
		Fee         int64  `json:"fee"`
		Title       string `json:"title"`
		BillingTime int64  `json:"billing_time"`
		BillingNo   string `json:"billing_no"`
		BillingCode string `json:"billing_code"`
		Info        []struct {
			Name  string `json:"name"`
			Num   int64  `json:"num"`
			Unit  string `json:"unit"`
			Price int64  `json:"price"`
		} `json:"info"`
		FeeWithoutTax         int64  `json:"fee_without_tax"`
		Tax                   int64  `json:"tax"`
		Detail                string `json:"detail"`
		PdfURL                string `json:"pdf_url"`
		TripPdfURL            string `json:"trip_pdf_url"`
		ReimburseStatus       string `json:"reimburse_status"`
		CheckCode             string `json:"check_code"`
		BuyerNumber           string `json:"buyer_number"`
		BuyerAddressAndPhone  string `json:"buyer_address_and_phone"`
		BuyerBankAccount      string `json:"buyer_bank_account"`
		SellerNumber          string `json:"seller_number"`
		SellerAddressAndPhone string `json:"seller_address_and_phone"`
		SellerBankAccount     string `json:"seller_bank_account"`
		Remarks               string `json:"remarks"`
		Cashier               string `json:"cashier"`
		Maker                 string `json:"maker"`
	} `json:"user_info"`
}

func (j *invoiceJSON) proto() *invoicev1.ReimburseInvoice {
	u := j.UserInfo
	items := make([]*invoicev1.InvoiceItem, 0, len(u.Info))
	for _, it := range u.Info {
		items = append(items, &invoicev1.InvoiceItem{Name: it.Name, Num: it.Num, Unit: it.Unit, Price: it.Price})
	}
	return &invoicev1.ReimburseInvoice{CardId: j.CardID, BeginTime: j.BeginTime, EndTime: j.EndTime, Openid: j.OpenID,
		Type: j.Type, Payee: j.Payee, Detail: j.Detail, UserInfo: &invoicev1.ReimburseUserInfo{
			Fee: u.Fee, Title: u.Title, BillingTime: u.BillingTime, BillingNo: u.BillingNo, BillingCode: u.BillingCode,
			Info: items, FeeWithoutTax: u.FeeWithoutTax, Tax: u.Tax, Detail: u.Detail, PdfUrl: u.PdfURL, TripPdfUrl: u.TripPdfURL,
			ReimburseStatus: reimburseStatusOf(u.ReimburseStatus), CheckCode: u.CheckCode, BuyerNumber: u.BuyerNumber,
			BuyerAddressAndPhone: u.BuyerAddressAndPhone, BuyerBankAccount: u.BuyerBankAccount, SellerNumber: u.SellerNumber,
			SellerAddressAndPhone: u.SellerAddressAndPhone, SellerBankAccount: u.SellerBankAccount, Remarks: u.Remarks,
			Cashier: u.Cashier, Maker: u.Maker}}
}

// invoiceRef validates one card_id / encrypt_code pair.
func invoiceRef(field, cardID, encryptCode string) error {
	return firstError(required(field+"card_id", cardID), maxLen(field+"card_id", cardID, 64),
		required(field+"encrypt_code", encryptCode), maxLen(field+"encrypt_code", encryptCode, 256))
}

// invoiceRefs validates a batch and returns it in the platform's shape.
func invoiceRefs(items []*invoicev1.InvoiceRef) ([]map[string]string, error) {
	if len(items) == 0 || len(items) > maxBatchItems {
		return nil, &ArgumentError{Field: "items", Reason: fmt.Sprintf("must hold 1 to %d invoices, got %d", maxBatchItems, len(items))}
	}
	out := make([]map[string]string, 0, len(items))
	for i, it := range items {
		if err := invoiceRef(fmt.Sprintf("items[%d].", i), it.GetCardId(), it.GetEncryptCode()); err != nil {
			return nil, err
		}
		out = append(out, map[string]string{"card_id": it.GetCardId(), "encrypt_code": it.GetEncryptCode()})
	}
	return out, nil
}

// reimburserStatus is the platform value of a status a reimburser may set.
func reimburserStatus(st invoicev1.ReimburseStatus) (string, error) {
	switch st {
	case invoicev1.ReimburseStatus_REIMBURSE_STATUS_INIT, invoicev1.ReimburseStatus_REIMBURSE_STATUS_LOCK,
		invoicev1.ReimburseStatus_REIMBURSE_STATUS_CLOSURE:
		return reimburseStatuses[st], nil
	}
	return "", &ArgumentError{Field: "reimburse_status", Reason: "must be INIT, LOCK or CLOSURE"}
}

// GetInvoiceInfo returns one invoice (reimburse/getinvoiceinfo).
func (s *Service) GetInvoiceInfo(ctx context.Context, r *invoicev1.GetInvoiceInfoRequest) (*invoicev1.GetInvoiceInfoResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	if err := invoiceRef("", r.GetCardId(), r.GetEncryptCode()); err != nil {
		return nil, err
	}
	var res invoiceJSON
	if err := s.post(ctx, r.GetAppId(), pathReimburseGet, nil, map[string]string{"card_id": r.GetCardId(), "encrypt_code": r.GetEncryptCode()}, &res, true); err != nil {
		return nil, err
	}
	return &invoicev1.GetInvoiceInfoResponse{Invoice: res.proto()}, nil
}

// BatchGetInvoiceInfo returns several invoices (reimburse/getinvoicebatch).
func (s *Service) BatchGetInvoiceInfo(ctx context.Context, r *invoicev1.BatchGetInvoiceInfoRequest) (*invoicev1.BatchGetInvoiceInfoResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	refs, err := invoiceRefs(r.GetItems())
	if err != nil {
		return nil, err
	}
	var res struct {
		ItemList []invoiceJSON `json:"item_list"`
	}
	if err := s.post(ctx, r.GetAppId(), pathReimburseBatchGet, nil, map[string]any{"item_list": refs}, &res, true); err != nil {
		return nil, err
	}
	out := &invoicev1.BatchGetInvoiceInfoResponse{Invoices: make([]*invoicev1.ReimburseInvoice, 0, len(res.ItemList))}
	for i := range res.ItemList {
		out.Invoices = append(out.Invoices, res.ItemList[i].proto())
	}
	return out, nil
}

// UpdateInvoiceStatus changes one invoice's status (reimburse/updateinvoicestatus).
func (s *Service) UpdateInvoiceStatus(ctx context.Context, r *invoicev1.UpdateInvoiceStatusRequest) (*invoicev1.UpdateInvoiceStatusResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	if err := invoiceRef("", r.GetCardId(), r.GetEncryptCode()); err != nil {
		return nil, err
	}
	status, err := reimburserStatus(r.GetReimburseStatus())
	if err != nil {
		return nil, err
	}
	body := map[string]string{"card_id": r.GetCardId(), "encrypt_code": r.GetEncryptCode(), "reimburse_status": status}
	if err := s.post(ctx, r.GetAppId(), pathReimburseUpdate, nil, body, nil, false); err != nil {
		return nil, err
	}
	return &invoicev1.UpdateInvoiceStatusResponse{}, nil
}

// BatchUpdateInvoiceStatus changes several invoices of one user (reimburse/updatestatusbatch).
func (s *Service) BatchUpdateInvoiceStatus(ctx context.Context, r *invoicev1.BatchUpdateInvoiceStatusRequest) (*invoicev1.BatchUpdateInvoiceStatusResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	if err := openID("openid", r.GetOpenid())(); err != nil {
		return nil, err
	}
	status, err := reimburserStatus(r.GetReimburseStatus())
	if err != nil {
		return nil, err
	}
	refs, err := invoiceRefs(r.GetItems())
	if err != nil {
		return nil, err
	}
	body := map[string]any{"openid": r.GetOpenid(), "reimburse_status": status, "invoice_list": refs}
	if err := s.post(ctx, r.GetAppId(), pathReimburseUpdateBatch, nil, body, nil, false); err != nil {
		return nil, err
	}
	return &invoicev1.BatchUpdateInvoiceStatusResponse{}, nil
}
