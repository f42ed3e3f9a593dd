package invoice

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	invoicev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/invoice/v1"
)

// WeChat paths of the merchant endpoints.
const (
	pathGetAuthURL   = "/card/invoice/getauthurl"
	pathGetAuthData  = "/card/invoice/getauthdata"
	pathRejectInsert = "/card/invoice/rejectinsert"
	pathSetBizAttr   = "/card/invoice/setbizattr"
	pathMakeOut      = "/card/invoice/makeoutinvoice"
	pathClearOut     = "/card/invoice/clearoutinvoice"
	pathQueryInfo    = "/card/invoice/queryinvoceinfo" // sic: the platform's spelling
)

// Limits wxsuite checks before sending (the platform documents none; see docs/invoice.md).
const (
	maxOrderIDLen = 64  // order_id
	maxTextLen    = 200 // free text fields such as reject reasons and titles
)

// authSources are the platform's source values of AuthSource.
var authSources = map[invoicev1.AuthSource]string{
	invoicev1.AuthSource_AUTH_SOURCE_APP: "app", invoicev1.AuthSource_AUTH_SOURCE_WEB: "web",
	invoicev1.AuthSource_AUTH_SOURCE_WAP: "wap", invoicev1.AuthSource_AUTH_SOURCE_WXA: "wxa",
}

// authOrderBody is the body of getauthurl and getbillauthurl.
type authOrderBody struct {
	SPappid     string `json:"s_pappid"`
	OrderID     string `json:"order_id"`
	Money       int64  `json:"money"`
	Timestamp   int64  `json:"timestamp"`
	Source      string `json:"source"`
	RedirectURL string `json:"redirect_url,omitempty"`
	Ticket      string `json:"ticket"`
	Type        *int   `json:"type,omitempty"`
}

// checkAuthOrder validates the fields getauthurl and getbillauthurl share; fiscal bills
// take only app and web.
func checkAuthOrder(sPappid, orderID string, money int64, source invoicev1.AuthSource, redirectURL, ticket string, bill bool) error {
	return firstError(
		required("s_pappid", sPappid), maxLen("s_pappid", sPappid, 128),
		required("order_id", orderID), maxLen("order_id", orderID, maxOrderIDLen),
		notNegative("money", money),
		func() error {
			if _, ok := authSources[source]; !ok || (bill && source != invoicev1.AuthSource_AUTH_SOURCE_APP && source != invoicev1.AuthSource_AUTH_SOURCE_WEB) {
				allowed := "APP, WEB, WAP or WXA"
				if bill {
					allowed = "APP or WEB"
				}
				return &ArgumentError{Field: "source", Reason: "must be " + allowed}
			}
			return nil
		},
		httpURL("redirect_url", redirectURL, source == invoicev1.AuthSource_AUTH_SOURCE_WEB),
		required("ticket", ticket),
	)
}

// CreateAuthUrl opens an authorization order (getauthurl).
func (s *Service) CreateAuthUrl(ctx context.Context, r *invoicev1.CreateAuthUrlRequest) (*invoicev1.CreateAuthUrlResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	if err := checkAuthOrder(r.GetSPappid(), r.GetOrderId(), r.GetMoney(), r.GetSource(), r.GetRedirectUrl(), r.GetTicket(), false); err != nil {
		return nil, err
	}
	if r.GetType() == invoicev1.AuthType_AUTH_TYPE_UNSPECIFIED {
		return nil, &ArgumentError{Field: "type", Reason: "is required"}
	}
	if _, ok := invoicev1.AuthType_name[int32(r.GetType())]; !ok {
		return nil, &ArgumentError{Field: "type", Reason: fmt.Sprintf("unknown value %d", r.GetType())}
	}
	typ := int(r.GetType()) - 1
	body := authOrderBody{SPappid: r.GetSPappid(), OrderID: r.GetOrderId(), Money: r.GetMoney(), Timestamp: r.GetTimestamp(),
		Source: authSources[r.GetSource()], RedirectURL: r.GetRedirectUrl(), Ticket: r.GetTicket(), Type: &typ}
	if body.Timestamp == 0 {
		body.Timestamp = s.now().Unix()
	}
	var res struct {
		AuthURL string `json:"auth_url"`
		AppID   string `json:"appid"`
	}
	if err := s.post(ctx, r.GetAppId(), pathGetAuthURL, nil, body, &res, false); err != nil {
		return nil, err
	}
	return &invoicev1.CreateAuthUrlResponse{AuthUrl: res.AuthURL, Appid: res.AppID}, nil
}

type kvJSON struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func toCustomFields(in []kvJSON) []*invoicev1.CustomField {
	out := make([]*invoicev1.CustomField, 0, len(in))
	for _, kv := range in {
		out = append(out, &invoicev1.CustomField{Key: kv.Key, Value: kv.Value})
	}
	return out
}

// orderRef validates s_pappid and order_id.
func orderRef(sPappid, orderID string) error {
	return firstError(required("order_id", orderID), maxLen("order_id", orderID, maxOrderIDLen),
		required("s_pappid", sPappid), maxLen("s_pappid", sPappid, 128))
}

// GetAuthData returns an order's authorization (getauthdata).
func (s *Service) GetAuthData(ctx context.Context, r *invoicev1.GetAuthDataRequest) (*invoicev1.GetAuthDataResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	if err := orderRef(r.GetSPappid(), r.GetOrderId()); err != nil {
		return nil, err
	}
	var res struct {
		InvoiceStatus string `json:"invoice_status"`
		AuthTime      int64  `json:"auth_time"`
		UserAuthInfo  struct {
			UserField *struct {
				Title       string   `json:"title"`
				Phone       string   `json:"phone"`
				Email       string   `json:"email"`
				CustomField []kvJSON `json:"custom_field"`
			} `json:"user_field"`
			BizField *struct {
				Title       string   `json:"title"`
				TaxNo       string   `json:"tax_no"`
				Addr        string   `json:"addr"`
				Phone       string   `json:"phone"`
				BankType    string   `json:"bank_type"`
				BankNo      string   `json:"bank_no"`
				CustomField []kvJSON `json:"custom_field"`
			} `json:"biz_field"`
		} `json:"user_auth_info"`
	}
	if err := s.post(ctx, r.GetAppId(), pathGetAuthData, nil, map[string]string{"s_pappid": r.GetSPappid(), "order_id": r.GetOrderId()}, &res, true); err != nil {
		return nil, err
	}
	out := &invoicev1.GetAuthDataResponse{InvoiceStatus: res.InvoiceStatus, AuthTime: res.AuthTime}
	if u := res.UserAuthInfo.UserField; u != nil {
		out.UserField = &invoicev1.AuthUserField{Title: u.Title, Phone: u.Phone, Email: u.Email, CustomField: toCustomFields(u.CustomField)}
	}
	if b := res.UserAuthInfo.BizField; b != nil {
		out.BizField = &invoicev1.AuthBizField{Title: b.Title, TaxNo: b.TaxNo, Addr: b.Addr, Phone: b.Phone,
			BankType: b.BankType, BankNo: b.BankNo, CustomField: toCustomFields(b.CustomField)}
	}
	return out, nil
}

// RejectInsert refuses to invoice an order (rejectinsert).
func (s *Service) RejectInsert(ctx context.Context, r *invoicev1.RejectInsertRequest) (*invoicev1.RejectInsertResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	if err := firstError(func() error { return orderRef(r.GetSPappid(), r.GetOrderId()) },
		required("reason", r.GetReason()), maxLen("reason", r.GetReason(), maxTextLen), httpURL("url", r.GetUrl(), false)); err != nil {
		return nil, err
	}
	body := map[string]string{"s_pappid": r.GetSPappid(), "order_id": r.GetOrderId(), "reason": r.GetReason()}
	if r.GetUrl() != "" {
		body["url"] = r.GetUrl()
	}
	if err := s.post(ctx, r.GetAppId(), pathRejectInsert, nil, body, nil, true); err != nil {
		return nil, err
	}
	return &invoicev1.RejectInsertResponse{}, nil
}

// bizAttr calls setbizattr with action.
func (s *Service) bizAttr(ctx context.Context, appID, action string, body, out any) error {
	if body == nil {
		body = struct{}{}
	}
	return s.post(ctx, appID, pathSetBizAttr, url.Values{"action": {action}}, body, out, true)
}

// customSettingJSON is a custom field setting in the platform's shape.
type customSettingJSON struct {
	Key       string `json:"key"`
	IsRequire int    `json:"is_require"`
}

type userFieldJSON struct {
	ShowTitle    int                 `json:"show_title"`
	ShowPhone    int                 `json:"show_phone"`
	ShowEmail    int                 `json:"show_email"`
	RequirePhone int                 `json:"require_phone"`
	RequireEmail int                 `json:"require_email"`
	CustomField  []customSettingJSON `json:"custom_field,omitempty"`
}

type bizFieldJSON struct {
	ShowTitle       int                 `json:"show_title"`
	ShowTaxNo       int                 `json:"show_tax_no"`
	ShowAddr        int                 `json:"show_addr"`
	ShowPhone       int                 `json:"show_phone"`
	ShowBankType    int                 `json:"show_bank_type"`
	ShowBankNo      int                 `json:"show_bank_no"`
	RequireTaxNo    int                 `json:"require_tax_no"`
	RequireAddr     int                 `json:"require_addr"`
	RequirePhone    int                 `json:"require_phone"`
	RequireBankType int                 `json:"require_bank_type"`
	RequireBankNo   int                 `json:"require_bank_no"`
	CustomField     []customSettingJSON `json:"custom_field,omitempty"`
}

func customSettingsJSON(field string, in []*invoicev1.AuthCustomFieldSetting) ([]customSettingJSON, error) {
	out := make([]customSettingJSON, 0, len(in))
	for i, c := range in {
		f := fmt.Sprintf("%s.custom_field[%d].key", field, i)
		if err := firstError(required(f, c.GetKey()), maxLen(f, c.GetKey(), 20)); err != nil {
			return nil, err
		}
		out = append(out, customSettingJSON{Key: c.GetKey(), IsRequire: b2i(c.GetIsRequire())})
	}
	return out, nil
}

func customSettingsProto(in []customSettingJSON) []*invoicev1.AuthCustomFieldSetting {
	out := make([]*invoicev1.AuthCustomFieldSetting, 0, len(in))
	for _, c := range in {
		out = append(out, &invoicev1.AuthCustomFieldSetting{Key: c.Key, IsRequire: c.IsRequire != 0})
	}
	return out
}

// SetAuthField sets the authorization page's fields (setbizattr?action=set_auth_field).
func (s *Service) SetAuthField(ctx context.Context, r *invoicev1.SetAuthFieldRequest) (*invoicev1.SetAuthFieldResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	if r.GetUserField() == nil && r.GetBizField() == nil {
		return nil, &ArgumentError{Field: "user_field", Reason: "user_field or biz_field is required"}
	}
	var af struct {
		UserField *userFieldJSON `json:"user_field,omitempty"`
		BizField  *bizFieldJSON  `json:"biz_field,omitempty"`
	}
	if u := r.GetUserField(); u != nil {
		cf, err := customSettingsJSON("user_field", u.GetCustomField())
		if err != nil {
			return nil, err
		}
		af.UserField = &userFieldJSON{ShowTitle: b2i(u.GetShowTitle()), ShowPhone: b2i(u.GetShowPhone()), ShowEmail: b2i(u.GetShowEmail()),
			RequirePhone: b2i(u.GetRequirePhone()), RequireEmail: b2i(u.GetRequireEmail()), CustomField: cf}
	}
	if b := r.GetBizField(); b != nil {
		cf, err := customSettingsJSON("biz_field", b.GetCustomField())
		if err != nil {
			return nil, err
		}
		af.BizField = &bizFieldJSON{ShowTitle: b2i(b.GetShowTitle()), ShowTaxNo: b2i(b.GetShowTaxNo()), ShowAddr: b2i(b.GetShowAddr()),
			ShowPhone: b2i(b.GetShowPhone()), ShowBankType: b2i(b.GetShowBankType()), ShowBankNo: b2i(b.GetShowBankNo()),
			RequireTaxNo: b2i(b.GetRequireTaxNo()), RequireAddr: b2i(b.GetRequireAddr()), RequirePhone: b2i(b.GetRequirePhone()),
			RequireBankType: b2i(b.GetRequireBankType()), RequireBankNo: b2i(b.GetRequireBankNo()), CustomField: cf}
	}
	if err := s.bizAttr(ctx, r.GetAppId(), "set_auth_field", map[string]any{"auth_field": af}, nil); err != nil {
		return nil, err
	}
	return &invoicev1.SetAuthFieldResponse{}, nil
}

// GetAuthField returns the page's field settings (setbizattr?action=get_auth_field).
func (s *Service) GetAuthField(ctx context.Context, r *invoicev1.GetAuthFieldRequest) (*invoicev1.GetAuthFieldResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	var res struct {
		UserField *userFieldJSON `json:"user_field"`
		BizField  *bizFieldJSON  `json:"biz_field"`
	}
	if err := s.bizAttr(ctx, r.GetAppId(), "get_auth_field", nil, &res); err != nil {
		return nil, err
	}
	out := &invoicev1.GetAuthFieldResponse{}
	if u := res.UserField; u != nil {
		out.UserField = &invoicev1.AuthUserFieldSetting{ShowTitle: u.ShowTitle != 0, ShowPhone: u.ShowPhone != 0, ShowEmail: u.ShowEmail != 0,
			RequirePhone: u.RequirePhone != 0, RequireEmail: u.RequireEmail != 0, CustomField: customSettingsProto(u.CustomField)}
	}
	if b := res.BizField; b != nil {
		out.BizField = &invoicev1.AuthBizFieldSetting{ShowTitle: b.ShowTitle != 0, ShowTaxNo: b.ShowTaxNo != 0, ShowAddr: b.ShowAddr != 0,
			ShowPhone: b.ShowPhone != 0, ShowBankType: b.ShowBankType != 0, ShowBankNo: b.ShowBankNo != 0,
			RequireTaxNo: b.RequireTaxNo != 0, RequireAddr: b.RequireAddr != 0, RequirePhone: b.RequirePhone != 0,
			RequireBankType: b.RequireBankType != 0, RequireBankNo: b.RequireBankNo != 0, CustomField: customSettingsProto(b.CustomField)}
	}
	return out, nil
}

// SetPayMch links a merchant number to a platform (setbizattr?action=set_pay_mch).
func (s *Service) SetPayMch(ctx context.Context, r *invoicev1.SetPayMchRequest) (*invoicev1.SetPayMchResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	if err := firstError(required("mchid", r.GetMchid()), func() error {
		if len(r.GetMchid()) > 20 || strings.Trim(r.GetMchid(), "0123456789") != "" {
			return &ArgumentError{Field: "mchid", Reason: fmt.Sprintf("must be 1 to 20 digits, got %q", clip(r.GetMchid()))}
		}
		return nil
	}, required("s_pappid", r.GetSPappid()), maxLen("s_pappid", r.GetSPappid(), 128)); err != nil {
		return nil, err
	}
	body := map[string]any{"paymch_info": map[string]string{"mchid": r.GetMchid(), "s_pappid": r.GetSPappid()}}
	if err := s.bizAttr(ctx, r.GetAppId(), "set_pay_mch", body, nil); err != nil {
		return nil, err
	}
	return &invoicev1.SetPayMchResponse{}, nil
}

// GetPayMch returns the merchant number link (setbizattr?action=get_pay_mch).
func (s *Service) GetPayMch(ctx context.Context, r *invoicev1.GetPayMchRequest) (*invoicev1.GetPayMchResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	var res struct {
		PayMch struct {
			MchID   string `json:"mchid"`
			SPappid string `json:"s_pappid"`
		} `json:"paymch_info"`
	}
	if err := s.bizAttr(ctx, r.GetAppId(), "get_pay_mch", nil, &res); err != nil {
		return nil, err
	}
	return &invoicev1.GetPayMchResponse{Mchid: res.PayMch.MchID, SPappid: res.PayMch.SPappid}, nil
}

// SetContact sets the merchant contact (setbizattr?action=set_contact).
func (s *Service) SetContact(ctx context.Context, r *invoicev1.SetContactRequest) (*invoicev1.SetContactResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	if err := firstError(required("phone", r.GetPhone()), maxLen("phone", r.GetPhone(), 32), func() error {
		if r.GetTimeOut() <= 0 {
			return &ArgumentError{Field: "time_out", Reason: fmt.Sprintf("must be positive seconds, got %d", r.GetTimeOut())}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	body := map[string]any{"contact": map[string]any{"phone": r.GetPhone(), "time_out": r.GetTimeOut()}}
	if err := s.bizAttr(ctx, r.GetAppId(), "set_contact", body, nil); err != nil {
		return nil, err
	}
	return &invoicev1.SetContactResponse{}, nil
}

// GetContact returns the merchant contact (setbizattr?action=get_contact).
func (s *Service) GetContact(ctx context.Context, r *invoicev1.GetContactRequest) (*invoicev1.GetContactResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	var res struct {
		Contact struct {
			Phone   string `json:"phone"`
			TimeOut int64  `json:"time_out"`
		} `json:"contact"`
	}
	if err := s.bizAttr(ctx, r.GetAppId(), "get_contact", nil, &res); err != nil {
		return nil, err
	}
	return &invoicev1.GetContactResponse{Phone: res.Contact.Phone, TimeOut: res.Contact.TimeOut}, nil
}

// amount refuses v unless it is a non-negative yuan amount with at most two decimals.
func amount(field, v string) check {
	return func() error {
		whole, frac, _ := strings.Cut(v, ".")
		if v == "" || whole == "" || strings.Trim(whole, "0123456789") != "" || len(frac) > 2 ||
			strings.Trim(frac, "0123456789") != "" || (strings.Contains(v, ".") && frac == "") {
			return &ArgumentError{Field: field, Reason: fmt.Sprintf("must be a yuan amount such as \"12.50\", got %q", clip(v))}
		}
		return nil
	}
}

// MakeOutInvoice issues a blue invoice (makeoutinvoice).
func (s *Service) MakeOutInvoice(ctx context.Context, r *invoicev1.MakeOutInvoiceRequest) (*invoicev1.MakeOutInvoiceResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	checks := []check{openID("wxopenid", r.GetWxopenid()), required("ddh", r.GetDdh()), maxLen("ddh", r.GetDdh(), maxOrderIDLen),
		required("fpqqlsh", r.GetFpqqlsh()), maxLen("fpqqlsh", r.GetFpqqlsh(), maxOrderIDLen),
		required("nsrsbh", r.GetNsrsbh()), maxLen("nsrsbh", r.GetNsrsbh(), 20), required("nsrmc", r.GetNsrmc()),
		required("nsrdz", r.GetNsrdz()), required("nsrdh", r.GetNsrdh()), required("ghfmc", r.GetGhfmc()),
		required("kpr", r.GetKpr()), amount("jshj", r.GetJshj()), amount("hjje", r.GetHjje()), amount("hjse", r.GetHjse()),
		func() error {
			if r.GetHylx() != "0" && r.GetHylx() != "1" {
				return &ArgumentError{Field: "hylx", Reason: fmt.Sprintf("must be \"0\" (commerce) or \"1\" (other), got %q", clip(r.GetHylx()))}
			}
			return nil
		},
		func() error {
			if len(r.GetInvoicedetailList()) == 0 {
				return &ArgumentError{Field: "invoicedetail_list", Reason: "must hold at least one line"}
			}
			return nil
		}}
	for i, l := range r.GetInvoicedetailList() {
		checks = append(checks, required(fmt.Sprintf("invoicedetail_list[%d].xmmc", i), l.GetXmmc()))
	}
	if err := firstError(checks...); err != nil {
		return nil, err
	}
	lines := make([]map[string]string, 0, len(r.GetInvoicedetailList()))
	for _, l := range r.GetInvoicedetailList() {
		lines = append(lines, map[string]string{"fphxz": l.GetFphxz(), "spbm": l.GetSpbm(), "xmmc": l.GetXmmc(), "dw": l.GetDw(),
			"ggxh": l.GetGgxh(), "xmsl": l.GetXmsl(), "xmdj": l.GetXmdj(), "xmje": l.GetXmje(), "sl": l.GetSl(), "se": l.GetSe()})
	}
	info := map[string]any{"wxopenid": r.GetWxopenid(), "ddh": r.GetDdh(), "fpqqlsh": r.GetFpqqlsh(), "nsrsbh": r.GetNsrsbh(),
		"nsrmc": r.GetNsrmc(), "nsrdz": r.GetNsrdz(), "nsrdh": r.GetNsrdh(), "nsrbank": r.GetNsrbank(), "nsrbankid": r.GetNsrbankid(),
		"ghfnsrsbh": r.GetGhfnsrsbh(), "ghfmc": r.GetGhfmc(), "ghfdz": r.GetGhfdz(), "ghfdh": r.GetGhfdh(), "ghfbank": r.GetGhfbank(),
		"ghfbankid": r.GetGhfbankid(), "kpr": r.GetKpr(), "skr": r.GetSkr(), "fhr": r.GetFhr(), "jshj": r.GetJshj(), "hjje": r.GetHjje(),
		"hjse": r.GetHjse(), "bz": r.GetBz(), "hylx": r.GetHylx(), "invoicedetail_list": lines}
	// Safe to resend: the platform asks for the same fpqqlsh after a timeout (73105).
	if err := s.post(ctx, r.GetAppId(), pathMakeOut, nil, map[string]any{"invoiceinfo": info}, nil, true); err != nil {
		return nil, err
	}
	return &invoicev1.MakeOutInvoiceResponse{}, nil
}

// ClearOutInvoice voids a blue invoice with a red one (clearoutinvoice).
func (s *Service) ClearOutInvoice(ctx context.Context, r *invoicev1.ClearOutInvoiceRequest) (*invoicev1.ClearOutInvoiceResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	if err := firstError(openID("wxopenid", r.GetWxopenid()), required("fpqqlsh", r.GetFpqqlsh()),
		maxLen("fpqqlsh", r.GetFpqqlsh(), maxOrderIDLen), required("nsrsbh", r.GetNsrsbh()), required("nsrmc", r.GetNsrmc()),
		required("yfpdm", r.GetYfpdm()), required("yfphm", r.GetYfphm())); err != nil {
		return nil, err
	}
	info := map[string]string{"wxopenid": r.GetWxopenid(), "fpqqlsh": r.GetFpqqlsh(), "nsrsbh": r.GetNsrsbh(),
		"nsrmc": r.GetNsrmc(), "yfpdm": r.GetYfpdm(), "yfphm": r.GetYfphm()}
	if err := s.post(ctx, r.GetAppId(), pathClearOut, nil, map[string]any{"invoiceinfo": info}, nil, true); err != nil {
		return nil, err
	}
	return &invoicev1.ClearOutInvoiceResponse{}, nil
}

// QueryInvoiceInfo returns an issued invoice (queryinvoceinfo).
func (s *Service) QueryInvoiceInfo(ctx context.Context, r *invoicev1.QueryInvoiceInfoRequest) (*invoicev1.QueryInvoiceInfoResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	if err := firstError(required("fpqqlsh", r.GetFpqqlsh()), maxLen("fpqqlsh", r.GetFpqqlsh(), maxOrderIDLen),
		required("nsrsbh", r.GetNsrsbh()), maxLen("nsrsbh", r.GetNsrsbh(), 20)); err != nil {
		return nil, err
	}
	var res struct {
		Detail struct {
			Fpqqlsh string `json:"fpqqlsh"`
			Jym     string `json:"jym"`
			Kprq    string `json:"kprq"`
			Fpdm    string `json:"fpdm"`
			Fphm    string `json:"fphm"`
			Pdfurl  string `json:"pdfurl"`
		} `json:"invoicedetail"`
	}
	if err := s.post(ctx, r.GetAppId(), pathQueryInfo, nil, map[string]string{"fpqqlsh": r.GetFpqqlsh(), "nsrsbh": r.GetNsrsbh()}, &res, true); err != nil {
		return nil, err
	}
	d := res.Detail
	return &invoicev1.QueryInvoiceInfoResponse{Fpqqlsh: d.Fpqqlsh, Jym: d.Jym, Kprq: d.Kprq, Fpdm: d.Fpdm, Fphm: d.Fphm, Pdfurl: d.Pdfurl}, nil
}
