package invoice

import (
	"context"

	invoicev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/invoice/v1"
)

// WeChat paths of the quick-invoicing title endpoints.
const (
	pathUserTitleURL   = "/card/invoice/biz/getusertitleurl"
	pathSelectTitleURL = "/card/invoice/biz/getselecttitleurl"
	pathScanTitle      = "/card/invoice/scantitle"
)

// GetUserTitleUrl returns a link that saves a title into the user's WeChat
// (biz/getusertitleurl).
func (s *Service) GetUserTitleUrl(ctx context.Context, r *invoicev1.GetUserTitleUrlRequest) (*invoicev1.GetUserTitleUrlResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	checks := []check{maxLen("title", r.GetTitle(), maxTextLen), maxLen("phone", r.GetPhone(), 32),
		maxLen("tax_no", r.GetTaxNo(), 20), maxLen("addr", r.GetAddr(), maxTextLen), maxLen("bank_type", r.GetBankType(), maxTextLen),
		maxLen("bank_no", r.GetBankNo(), 64), maxLen("out_title_id", r.GetOutTitleId(), 64)}
	if !r.GetUserFill() {
		checks = append([]check{required("title", r.GetTitle())}, checks...)
	}
	if err := firstError(checks...); err != nil {
		return nil, err
	}
	body := map[string]any{"user_fill": b2i(r.GetUserFill())}
	for k, v := range map[string]string{"title": r.GetTitle(), "phone": r.GetPhone(), "tax_no": r.GetTaxNo(), "addr": r.GetAddr(),
		"bank_type": r.GetBankType(), "bank_no": r.GetBankNo(), "out_title_id": r.GetOutTitleId()} {
		if v != "" {
			body[k] = v
		}
	}
	var res struct {
		URL string `json:"url"`
	}
	if err := s.post(ctx, r.GetAppId(), pathUserTitleURL, nil, body, &res, true); err != nil {
		return nil, err
	}
	return &invoicev1.GetUserTitleUrlResponse{Url: res.URL}, nil
}

// GetSelectTitleUrl returns the merchant's title link (biz/getselecttitleurl).
func (s *Service) GetSelectTitleUrl(ctx context.Context, r *invoicev1.GetSelectTitleUrlRequest) (*invoicev1.GetSelectTitleUrlResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	if err := firstError(maxLen("attach", r.GetAttach(), maxTextLen), maxLen("biz_name", r.GetBizName(), maxTextLen)); err != nil {
		return nil, err
	}
	body := map[string]string{}
	if r.GetAttach() != "" {
		body["attach"] = r.GetAttach()
	}
	if r.GetBizName() != "" {
		body["biz_name"] = r.GetBizName()
	}
	var res struct {
		URL string `json:"url"`
	}
	if err := s.post(ctx, r.GetAppId(), pathSelectTitleURL, nil, body, &res, true); err != nil {
		return nil, err
	}
	return &invoicev1.GetSelectTitleUrlResponse{Url: res.URL}, nil
}

// ScanTitle returns the title of a user's title QR code (scantitle).
func (s *Service) ScanTitle(ctx context.Context, r *invoicev1.ScanTitleRequest) (*invoicev1.ScanTitleResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	if err := firstError(required("scan_text", r.GetScanText()), maxLen("scan_text", r.GetScanText(), 1024)); err != nil {
		return nil, err
	}
	var res struct {
		TitleType int    `json:"title_type"`
		Title     string `json:"title"`
		Phone     string `json:"phone"`
		Email     string `json:"email"`
		TaxNo     string `json:"tax_no"`
		Addr      string `json:"addr"`
		BankType  string `json:"bank_type"`
		BankNo    string `json:"bank_no"`
	}
	if err := s.post(ctx, r.GetAppId(), pathScanTitle, nil, map[string]string{"scan_text": r.GetScanText()}, &res, true); err != nil {
		return nil, err
	}
	typ := invoicev1.TitleType_TITLE_TYPE_BUSINESS
	if res.TitleType == 1 {
		typ = invoicev1.TitleType_TITLE_TYPE_PERSONAL
	}
	return &invoicev1.ScanTitleResponse{TitleType: typ, Title: res.Title, Phone: res.Phone, Email: res.Email,
		TaxNo: res.TaxNo, Addr: res.Addr, BankType: res.BankType, BankNo: res.BankNo}, nil
}
