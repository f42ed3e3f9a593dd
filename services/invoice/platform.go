package invoice

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"

	invoicev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/invoice/v1"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// WeChat paths of the platform endpoints.
const (
	pathSetURL       = "/card/invoice/seturl"
	pathCreateCard   = "/card/invoice/platform/createcard"
	pathSetPDF       = "/card/invoice/platform/setpdf"
	pathGetPDF       = "/card/invoice/platform/getpdf"
	pathInsert       = "/card/invoice/insert"
	pathUpdateStatus = "/card/invoice/platform/updatestatus"
)

// reimburseStatuses are the platform's reimburse_status values.
var reimburseStatuses = map[invoicev1.ReimburseStatus]string{
	invoicev1.ReimburseStatus_REIMBURSE_STATUS_INIT:    "INVOICE_REIMBURSE_INIT",
	invoicev1.ReimburseStatus_REIMBURSE_STATUS_LOCK:    "INVOICE_REIMBURSE_LOCK",
	invoicev1.ReimburseStatus_REIMBURSE_STATUS_CLOSURE: "INVOICE_REIMBURSE_CLOSURE",
	invoicev1.ReimburseStatus_REIMBURSE_STATUS_CANCEL:  "INVOICE_REIMBURSE_CANCEL",
}

// reimburseStatusOf is the enum of a platform reimburse_status (UNSPECIFIED for an unknown one).
func reimburseStatusOf(v string) invoicev1.ReimburseStatus {
	for k, s := range reimburseStatuses {
		if s == v {
			return k
		}
	}
	return invoicev1.ReimburseStatus_REIMBURSE_STATUS_UNSPECIFIED
}

// GetPlatformUrl returns the platform's invoice_url and s_pappid (seturl).
func (s *Service) GetPlatformUrl(ctx context.Context, r *invoicev1.GetPlatformUrlRequest) (*invoicev1.GetPlatformUrlResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	var res struct {
		InvoiceURL string `json:"invoice_url"`
	}
	if err := s.post(ctx, r.GetAppId(), pathSetURL, nil, struct{}{}, &res, true); err != nil {
		return nil, err
	}
	u, err := url.Parse(res.InvoiceURL)
	if err != nil || u.Query().Get("s_pappid") == "" {
		return nil, fmt.Errorf("seturl answered no s_pappid: %w", ErrBadAnswer)
	}
	return &invoicev1.GetPlatformUrlResponse{InvoiceUrl: res.InvoiceURL, SPappid: u.Query().Get("s_pappid")}, nil
}

// CreateCard creates an invoice card template (platform/createcard).
func (s *Service) CreateCard(ctx context.Context, r *invoicev1.CreateCardRequest) (*invoicev1.CreateCardResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	b := r.GetBaseInfo()
	if b == nil {
		return nil, &ArgumentError{Field: "base_info", Reason: "is required"}
	}
	if err := firstError(httpURL("base_info.logo_url", b.GetLogoUrl(), true), required("base_info.title", b.GetTitle()),
		maxLen("base_info.title", b.GetTitle(), maxTextLen), httpURL("base_info.custom_url", b.GetCustomUrl(), false),
		httpURL("base_info.promotion_url", b.GetPromotionUrl(), false), required("payee", r.GetPayee()),
		maxLen("payee", r.GetPayee(), maxTextLen), required("type", r.GetType()), maxLen("type", r.GetType(), maxTextLen)); err != nil {
		return nil, err
	}
	base := map[string]string{"logo_url": b.GetLogoUrl(), "title": b.GetTitle()}
	for k, v := range map[string]string{"custom_url_name": b.GetCustomUrlName(), "custom_url": b.GetCustomUrl(),
		"custom_url_sub_title": b.GetCustomUrlSubTitle(), "promotion_url_name": b.GetPromotionUrlName(),
		"promotion_url": b.GetPromotionUrl(), "promotion_url_sub_title": b.GetPromotionUrlSubTitle()} {
		if v != "" {
			base[k] = v
		}
	}
	info := map[string]any{"base_info": base, "payee": r.GetPayee(), "type": r.GetType()}
	if r.GetDetail() != "" {
		info["detail"] = r.GetDetail()
	}
	var res struct {
		CardID string `json:"card_id"`
	}
	if err := s.post(ctx, r.GetAppId(), pathCreateCard, nil, map[string]any{"invoice_info": info}, &res, false); err != nil {
		return nil, err
	}
	return &invoicev1.CreateCardResponse{CardId: res.CardID}, nil
}

// UploadPdf uploads an invoice PDF (platform/setpdf).
func (s *Service) UploadPdf(ctx context.Context, r *invoicev1.UploadPdfRequest) (*invoicev1.UploadPdfResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	name := r.GetFilename()
	if name == "" {
		name = "invoice.pdf"
	}
	switch {
	case len(r.GetPdf()) == 0:
		return nil, &ArgumentError{Field: "pdf", Reason: "is required"}
	case int64(len(r.GetPdf())) > s.cfg.MaxPDFBytes:
		return nil, &ArgumentError{Field: "pdf", Reason: fmt.Sprintf("must be at most %d bytes, got %d", s.cfg.MaxPDFBytes, len(r.GetPdf()))}
	case !bytes.HasPrefix(r.GetPdf(), []byte("%PDF-")):
		return nil, &ArgumentError{Field: "pdf", Reason: "must be a PDF file (starting with %PDF-)"}
	case !strings.HasSuffix(strings.ToLower(name), ".pdf") || strings.ContainsAny(name, "\"\r\n/\\") || len(name) > 128:
		return nil, &ArgumentError{Field: "filename", Reason: fmt.Sprintf("must be a file name ending in .pdf, got %q", clip(name))}
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="pdf"; filename="%s"`, name))
	h.Set("Content-Type", "application/pdf")
	part, err := w.CreatePart(h)
	if err != nil {
		return nil, fmt.Errorf("build setpdf body: %w", err)
	}
	_, _ = part.Write(r.GetPdf()) // writes to a bytes.Buffer do not fail
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("build setpdf body: %w", err)
	}
	var res struct {
		SMediaID string `json:"s_media_id"`
	}
	if err := s.wc.Do(ctx, &wechat.Request{AppID: r.GetAppId(), Method: http.MethodPost, Path: pathSetPDF,
		RawBody: &body, ContentType: w.FormDataContentType()}, &res); err != nil {
		return nil, err
	}
	return &invoicev1.UploadPdfResponse{SMediaId: res.SMediaID}, nil
}

// GetPdf returns a download URL of an uploaded PDF (platform/getpdf?action=get_url).
func (s *Service) GetPdf(ctx context.Context, r *invoicev1.GetPdfRequest) (*invoicev1.GetPdfResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	if err := firstError(required("s_media_id", r.GetSMediaId()), maxLen("s_media_id", r.GetSMediaId(), 64)); err != nil {
		return nil, err
	}
	var res struct {
		PdfURL           string `json:"pdf_url"`
		PdfURLExpireTime int64  `json:"pdf_url_expire_time"`
	}
	if err := s.post(ctx, r.GetAppId(), pathGetPDF, url.Values{"action": {"get_url"}},
		map[string]string{"action": "get_url", "s_media_id": r.GetSMediaId()}, &res, true); err != nil {
		return nil, err
	}
	return &invoicev1.GetPdfResponse{PdfUrl: res.PdfURL, PdfUrlExpireTime: res.PdfURLExpireTime}, nil
}

// insertRequest is what InsertInvoice and InsertBill share.
type insertRequest struct {
	appID, cardID, orderID, merchant, nonce string
	data                                    *invoicev1.InvoiceUserData
}

// checkUserData validates an invoice's content.
func checkUserData(d *invoicev1.InvoiceUserData) error {
	if d == nil {
		return &ArgumentError{Field: "user_data", Reason: "is required"}
	}
	checks := []check{
		func() error {
			if d.GetFee() <= 0 {
				return &ArgumentError{Field: "user_data.fee", Reason: fmt.Sprintf("must be positive fen, got %d", d.GetFee())}
			}
			return nil
		},
		notNegative("user_data.fee_without_tax", d.GetFeeWithoutTax()), notNegative("user_data.tax", d.GetTax()),
		required("user_data.title", d.GetTitle()), maxLen("user_data.title", d.GetTitle(), maxTextLen),
		func() error {
			if d.GetBillingTime() <= 0 {
				return &ArgumentError{Field: "user_data.billing_time", Reason: "is required (Unix seconds)"}
			}
			return nil
		},
		required("user_data.billing_no", d.GetBillingNo()), maxLen("user_data.billing_no", d.GetBillingNo(), 20),
		required("user_data.billing_code", d.GetBillingCode()), maxLen("user_data.billing_code", d.GetBillingCode(), 20),
		required("user_data.s_pdf_media_id", d.GetSPdfMediaId()), maxLen("user_data.s_pdf_media_id", d.GetSPdfMediaId(), 64),
	}
	for i, it := range d.GetInfo() {
		f := fmt.Sprintf("user_data.info[%d]", i)
		checks = append(checks, required(f+".name", it.GetName()), notNegative(f+".num", it.GetNum()), notNegative(f+".price", it.GetPrice()))
	}
	return firstError(checks...)
}

// userDataJSON is d in the platform's invoice_user_data shape.
func userDataJSON(d *invoicev1.InvoiceUserData) map[string]any {
	info := make([]map[string]any, 0, len(d.GetInfo()))
	for _, it := range d.GetInfo() {
		info = append(info, map[string]any{"name": it.GetName(), "num": it.GetNum(), "unit": it.GetUnit(), "price": it.GetPrice()})
	}
	out := map[string]any{"fee": d.GetFee(), "title": d.GetTitle(), "billing_time": d.GetBillingTime(),
		"billing_no": d.GetBillingNo(), "billing_code": d.GetBillingCode(), "info": info,
		"fee_without_tax": d.GetFeeWithoutTax(), "tax": d.GetTax(), "s_pdf_media_id": d.GetSPdfMediaId()}
	for k, v := range map[string]string{"s_trip_pdf_media_id": d.GetSTripPdfMediaId(), "check_code": d.GetCheckCode(),
		"buyer_number": d.GetBuyerNumber(), "buyer_address_and_phone": d.GetBuyerAddressAndPhone(),
		"buyer_bank_account": d.GetBuyerBankAccount(), "seller_number": d.GetSellerNumber(),
		"seller_address_and_phone": d.GetSellerAddressAndPhone(), "seller_bank_account": d.GetSellerBankAccount(),
		"remarks": d.GetRemarks(), "cashier": d.GetCashier(), "maker": d.GetMaker()} {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

// insertResult is the answer of insert and insertbill.
type insertResult struct {
	Code    string `json:"code"`
	OpenID  string `json:"openid"`
	UnionID string `json:"unionid"`
}

// insert validates r and calls path (insert or insertbill).
func (s *Service) insert(ctx context.Context, path string, r insertRequest) (*insertResult, error) {
	if err := s.checkAccount(r.appID); err != nil {
		return nil, err
	}
	if err := firstError(required("card_id", r.cardID), maxLen("card_id", r.cardID, 64),
		required("order_id", r.orderID), maxLen("order_id", r.orderID, maxOrderIDLen),
		required("appid", r.merchant), maxLen("appid", r.merchant, 64), maxLen("nonce_str", r.nonce, 32),
		func() error { return checkUserData(r.data) }); err != nil {
		return nil, err
	}
	nonce := r.nonce
	if nonce == "" {
		b := make([]byte, 16)
		_, _ = rand.Read(b) // crypto/rand.Read does not fail
		nonce = hex.EncodeToString(b)
	}
	body := map[string]any{"order_id": r.orderID, "card_id": r.cardID, "appid": r.merchant,
		"card_ext": map[string]any{"nonce_str": nonce, "user_card": map[string]any{"invoice_user_data": userDataJSON(r.data)}}}
	var res insertResult
	// Not idempotent: a resent insert after a lost answer fails with 72018 (inserted already).
	if err := s.post(ctx, r.appID, path, nil, body, &res, false); err != nil {
		return nil, err
	}
	return &res, nil
}

// InsertInvoice puts an invoice into the user's card bag (insert).
func (s *Service) InsertInvoice(ctx context.Context, r *invoicev1.InsertInvoiceRequest) (*invoicev1.InsertInvoiceResponse, error) {
	res, err := s.insert(ctx, pathInsert, insertRequest{appID: r.GetAppId(), cardID: r.GetCardId(), orderID: r.GetOrderId(),
		merchant: r.GetAppid(), nonce: r.GetNonceStr(), data: r.GetUserData()})
	if err != nil {
		return nil, err
	}
	return &invoicev1.InsertInvoiceResponse{Code: res.Code, Openid: res.OpenID, Unionid: res.UnionID}, nil
}

// UpdateStatus changes an invoice card's status as the platform (platform/updatestatus).
func (s *Service) UpdateStatus(ctx context.Context, r *invoicev1.UpdateStatusRequest) (*invoicev1.UpdateStatusResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	status, ok := reimburseStatuses[r.GetReimburseStatus()]
	if err := firstError(required("card_id", r.GetCardId()), maxLen("card_id", r.GetCardId(), 64),
		required("code", r.GetCode()), maxLen("code", r.GetCode(), 64), func() error {
			if !ok {
				return &ArgumentError{Field: "reimburse_status", Reason: "must be INIT, LOCK, CLOSURE or CANCEL"}
			}
			return nil
		}); err != nil {
		return nil, err
	}
	body := map[string]string{"card_id": r.GetCardId(), "code": r.GetCode(), "reimburse_status": status}
	if err := s.post(ctx, r.GetAppId(), pathUpdateStatus, nil, body, nil, true); err != nil {
		return nil, err
	}
	return &invoicev1.UpdateStatusResponse{}, nil
}
