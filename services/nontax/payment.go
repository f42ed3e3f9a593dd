package nontax

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"

	"google.golang.org/protobuf/types/known/structpb"

	nontaxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/nontax/v1"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// WeChat paths of the payment endpoints.
const (
	pathQueryFee        = "/nontax/queryfee"
	pathUnifiedOrder    = "/nontax/unifiedorder"
	pathMicropay        = "/nontax/micropay"
	pathGetOrder        = "/nontax/getorder"
	pathGetOrderList    = "/nontax/getorderlist"
	pathRefund          = "/nontax/refund"
	pathDownloadBill    = "/nontax/downloadbill"
	pathNotifyInconsist = "/nontax/notifyinconsistentorder"
	pathMockNotify      = "/nontax/mocknotification"
	pathMockQueryFee    = "/nontax/mockqueryfee"
)

// scenes are unifiedorder's scene values ("ctiyservice" is the platform's spelling).
var scenes = map[string]bool{"biz": true, "ctiyservice": true, "miniprogram": true, "offline": true,
	"pc": true, "app": true, "other": true}

// authCode is micropay's payment code: 18 digits starting with 10 to 15.
var authCode = regexp.MustCompile(`^1[0-5][0-9]{16}$`)

// tradeType is a trade type such as JSAPI or MWEB.
var tradeType = regexp.MustCompile(`^[A-Z]{1,16}$`)

// maxItems bounds the items of one notice (the platform documents none).
const maxItems = 100

// item is a payment item as the platform spells it.
type item struct {
	No       int32  `json:"no"`
	ItemID   string `json:"item_id,omitempty"`
	ItemName string `json:"item_name,omitempty"`
	Overdue  int64  `json:"overdue"`
	Penalty  int64  `json:"penalty"`
	Fee      int64  `json:"fee"`
}

func toItems(in []*nontaxv1.PaymentItem) []item {
	out := make([]item, len(in))
	for i, it := range in {
		out[i] = item{No: it.GetNo(), ItemID: it.GetItemId(), ItemName: it.GetItemName(),
			Overdue: it.GetOverdue(), Penalty: it.GetPenalty(), Fee: it.GetFee()}
	}
	return out
}

func fromItems(in []item) []*nontaxv1.PaymentItem {
	out := make([]*nontaxv1.PaymentItem, len(in))
	for i, it := range in {
		out[i] = &nontaxv1.PaymentItem{No: it.No, ItemId: it.ItemID, ItemName: it.ItemName,
			Overdue: it.Overdue, Penalty: it.Penalty, Fee: it.Fee}
	}
	return out
}

// checkItems checks a notice's items: at least one, amounts not negative.
func (c *checker) items(items []*nontaxv1.PaymentItem) {
	switch {
	case len(items) == 0:
		c.fail("items", "must hold at least one item")
	case len(items) > maxItems:
		c.fail("items", fmt.Sprintf("must hold at most %d items, got %d", maxItems, len(items)))
	}
	for i, it := range items {
		f := fmt.Sprintf("items[%d]", i)
		c.optional(f+".item_id", it.GetItemId())
		c.text(f+".item_name", it.GetItemName(), false)
		if it.GetNo() < 0 {
			c.fail(f+".no", "must not be negative")
		}
		for _, a := range []struct {
			name string
			v    int64
		}{{"fee", it.GetFee()}, {"overdue", it.GetOverdue()}, {"penalty", it.GetPenalty()}} {
			if a.v < 0 {
				c.fail(f+"."+a.name, fmt.Sprintf("must not be negative, got %d", a.v))
			}
		}
	}
}

// orderFields are the fields unifiedorder and micropay share, in the platform's spelling.
type orderFields struct {
	AppID                   string `json:"appid"`
	BankID                  string `json:"bank_id,omitempty"`
	BankAccount             string `json:"bank_account,omitempty"`
	MchID                   string `json:"mch_id,omitempty"`
	Desc                    string `json:"desc"`
	Fee                     int64  `json:"fee"`
	UserName                string `json:"user_name,omitempty"`
	Items                   []item `json:"items"`
	PaymentNoticeCreateTime int64  `json:"payment_notice_create_time"`
	PaymentExpireDate       string `json:"payment_expire_date,omitempty"`
	PaymentNoticeNo         string `json:"payment_notice_no,omitempty"`
	OrderNo                 string `json:"order_no,omitempty"`
	DepartmentCode          string `json:"department_code"`
	DepartmentName          string `json:"department_name"`
	PaymentNoticeType       int32  `json:"payment_notice_type,omitempty"`
	RegionCode              string `json:"region_code"`
}

// orderRequest is what UnifiedOrderRequest and MicropayRequest have in common.
type orderRequest interface {
	GetBankId() string
	GetBankAccount() string
	GetMchId() string
	GetDesc() string
	GetFee() int64
	GetUserName() string
	GetItems() []*nontaxv1.PaymentItem
	GetPaymentNoticeCreateTime() int64
	GetPaymentExpireDate() string
	GetPaymentNoticeNo() string
	GetOrderNo() string
	GetDepartmentCode() string
	GetDepartmentName() string
	GetPaymentNoticeType() int32
	GetRegionCode() string
}

// checkOrder checks the shared order fields and returns them in the platform's shape.
func checkOrder(c *checker, appID string, r orderRequest) orderFields {
	c.optional("bank_id", r.GetBankId())
	c.optional("bank_account", r.GetBankAccount())
	c.optional("mch_id", r.GetMchId())
	c.text("desc", r.GetDesc(), true)
	c.fen("fee", r.GetFee())
	c.text("user_name", r.GetUserName(), false)
	c.items(r.GetItems())
	if r.GetPaymentNoticeCreateTime() <= 0 {
		c.fail("payment_notice_create_time", "must be a positive Unix time in seconds")
	}
	c.date("payment_expire_date", r.GetPaymentExpireDate(), false)
	if r.GetPaymentNoticeNo() == "" && r.GetOrderNo() == "" {
		c.fail("payment_notice_no", "or order_no is required")
	}
	c.optional("payment_notice_no", r.GetPaymentNoticeNo())
	c.optional("order_no", r.GetOrderNo())
	c.required("department_code", r.GetDepartmentCode())
	c.text("department_name", r.GetDepartmentName(), true)
	c.noticeType("payment_notice_type", r.GetPaymentNoticeType())
	c.region("region_code", r.GetRegionCode())
	return orderFields{AppID: appID, BankID: r.GetBankId(), BankAccount: r.GetBankAccount(), MchID: r.GetMchId(),
		Desc: r.GetDesc(), Fee: r.GetFee(), UserName: r.GetUserName(), Items: toItems(r.GetItems()),
		PaymentNoticeCreateTime: r.GetPaymentNoticeCreateTime(), PaymentExpireDate: r.GetPaymentExpireDate(),
		PaymentNoticeNo: r.GetPaymentNoticeNo(), OrderNo: r.GetOrderNo(), DepartmentCode: r.GetDepartmentCode(),
		DepartmentName: r.GetDepartmentName(), PaymentNoticeType: r.GetPaymentNoticeType(), RegionCode: r.GetRegionCode()}
}

// QueryFee asks for the receivable of a payment notice (nontax/queryfee).
func (s *Service) QueryFee(ctx context.Context, r *nontaxv1.QueryFeeRequest) (*nontaxv1.QueryFeeResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	var c checker
	if r.GetServiceId() <= 0 {
		c.fail("service_id", fmt.Sprintf("must be positive, got %d", r.GetServiceId()))
	}
	c.optional("bank_id", r.GetBankId())
	c.required("payment_notice_no", r.GetPaymentNoticeNo())
	c.required("department_code", r.GetDepartmentCode())
	c.noticeType("payment_notice_type", r.GetPaymentNoticeType())
	c.region("region_code", r.GetRegionCode())
	if c.err != nil {
		return nil, c.err
	}
	body := struct {
		AppID             string `json:"appid"`
		ServiceID         int64  `json:"service_id"`
		BankID            string `json:"bank_id,omitempty"`
		PaymentNoticeNo   string `json:"payment_notice_no"`
		DepartmentCode    string `json:"department_code"`
		PaymentNoticeType int32  `json:"payment_notice_type,omitempty"`
		RegionCode        string `json:"region_code"`
	}{r.GetAppId(), r.GetServiceId(), r.GetBankId(), r.GetPaymentNoticeNo(), r.GetDepartmentCode(),
		r.GetPaymentNoticeType(), r.GetRegionCode()}
	var res struct {
		UserName                string `json:"user_name"`
		Fee                     int64  `json:"fee"`
		Items                   []item `json:"items"`
		PaymentNoticeNo         string `json:"payment_notice_no"`
		DepartmentCode          string `json:"department_code"`
		DepartmentName          string `json:"department_name"`
		PaymentNoticeType       int32  `json:"payment_notice_type"`
		RegionCode              string `json:"region_code"`
		PaymentNoticeCreateTime int64  `json:"payment_notice_create_time"`
		PaymentExpireDate       string `json:"payment_expire_date"`
	}
	if err := s.post(ctx, r.GetAppId(), pathQueryFee, true, body, &res); err != nil {
		return nil, err
	}
	return &nontaxv1.QueryFeeResponse{UserName: res.UserName, Fee: res.Fee, Items: fromItems(res.Items),
		PaymentNoticeNo: res.PaymentNoticeNo, DepartmentCode: res.DepartmentCode, DepartmentName: res.DepartmentName,
		PaymentNoticeType: res.PaymentNoticeType, RegionCode: res.RegionCode,
		PaymentNoticeCreateTime: res.PaymentNoticeCreateTime, PaymentExpireDate: res.PaymentExpireDate}, nil
}

// UnifiedOrder places a payment order (nontax/unifiedorder).
func (s *Service) UnifiedOrder(ctx context.Context, r *nontaxv1.UnifiedOrderRequest) (*nontaxv1.UnifiedOrderResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	var c checker
	if r.GetServiceId() < 0 {
		c.fail("service_id", "must not be negative")
	}
	f := checkOrder(&c, r.GetAppId(), r)
	if t := r.GetTradeType(); t != "" && !tradeType.MatchString(t) {
		c.fail("trade_type", fmt.Sprintf("must be a trade type such as JSAPI or MWEB, got %q", clip(t)))
	}
	c.openID("openid", r.GetOpenid(), r.GetTradeType() != "MWEB")
	c.url("return_url", r.GetReturnUrl(), false)
	c.ip("ip", r.GetIp())
	switch {
	case r.GetScene() == "":
		c.fail("scene", "is required")
	case !scenes[r.GetScene()]:
		c.fail("scene", fmt.Sprintf("must be biz, ctiyservice, miniprogram, offline, pc, app or other, got %q", clip(r.GetScene())))
	}
	if c.err != nil {
		return nil, c.err
	}
	body := struct {
		orderFields
		ServiceID int64  `json:"service_id,omitempty"`
		OpenID    string `json:"openid,omitempty"`
		ReturnURL string `json:"return_url,omitempty"`
		IP        string `json:"ip"`
		Scene     string `json:"scene"`
		TradeType string `json:"trade_type,omitempty"`
	}{f, r.GetServiceId(), r.GetOpenid(), r.GetReturnUrl(), r.GetIp(), r.GetScene(), r.GetTradeType()}
	var res struct {
		OrderID string `json:"order_id"`
	}
	// Not idempotent: a resend after a lost answer could place a second order.
	if err := s.post(ctx, r.GetAppId(), pathUnifiedOrder, false, body, &res); err != nil {
		return nil, err
	}
	return &nontaxv1.UnifiedOrderResponse{OrderId: res.OrderID}, nil
}

// Micropay charges a payer's payment code (nontax/micropay).
func (s *Service) Micropay(ctx context.Context, r *nontaxv1.MicropayRequest) (*nontaxv1.MicropayResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	var c checker
	f := checkOrder(&c, r.GetAppId(), r)
	switch {
	case r.GetAuthCode() == "":
		c.fail("auth_code", "is required")
	case !authCode.MatchString(r.GetAuthCode()):
		c.fail("auth_code", "must be 18 digits starting with 10 to 15")
	}
	c.optional("order_id", r.GetOrderId())
	if c.err != nil {
		return nil, c.err
	}
	body := struct {
		orderFields
		AuthCode string `json:"auth_code"`
		OrderID  string `json:"order_id,omitempty"`
	}{f, r.GetAuthCode(), r.GetOrderId()}
	var res struct {
		OrderID       string `json:"order_id"`
		OpenID        string `json:"openid"`
		TransID       string `json:"trans_id"`
		PayFinishTime int64  `json:"pay_finish_time"`
	}
	// Not retried automatically: a payment must not be sent twice without the caller
	// deciding (the platform's retry passes the earlier order_id).
	if err := s.post(ctx, r.GetAppId(), pathMicropay, false, body, &res); err != nil {
		return nil, err
	}
	return &nontaxv1.MicropayResponse{OrderId: res.OrderID, Openid: res.OpenID, TransId: res.TransID,
		PayFinishTime: res.PayFinishTime}, nil
}

// order is nontax/getorder's answer.
type order struct {
	AppID             string          `json:"appid"`
	OpenID            string          `json:"openid"`
	OrderID           string          `json:"order_id"`
	CreateTime        int64           `json:"create_time"`
	PayFinishTime     int64           `json:"pay_finish_time"`
	Desc              string          `json:"desc"`
	Fee               int64           `json:"fee"`
	FeeType           int32           `json:"fee_type"`
	TransID           string          `json:"trans_id"`
	Status            int32           `json:"status"`
	BankID            string          `json:"bank_id"`
	BankName          string          `json:"bank_name"`
	BankAccount       string          `json:"bank_account"`
	RefundFinishTime  int64           `json:"refund_finish_time"`
	RefundReason      string          `json:"refund_reason"`
	RefundOrderID     string          `json:"refund_order_id"`
	RefundOutID       string          `json:"refund_out_id"`
	PaymentNoticeNo   string          `json:"payment_notice_no"`
	OrderNo           string          `json:"order_no"`
	DepartmentCode    string          `json:"department_code"`
	DepartmentName    string          `json:"department_name"`
	PaymentNoticeType int32           `json:"payment_notice_type"`
	RegionCode        string          `json:"region_code"`
	Items             []item          `json:"items"`
	BillTypeCode      string          `json:"bill_type_code"`
	BillNo            string          `json:"bill_no"`
	PaymentInfoSource int32           `json:"payment_info_source"`
	PartialRefundInfo json.RawMessage `json:"partial_refund_info"`
	NotifyHistory     json.RawMessage `json:"notify_history"`
	Scene             string          `json:"scene"`
}

// jsonValue converts free-form JSON to a protobuf Value (nil when absent or null).
func jsonValue(raw json.RawMessage) *structpb.Value {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return nil
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	out, err := structpb.NewValue(v)
	if err != nil {
		return nil
	}
	return out
}

// GetOrder returns one order (nontax/getorder).
func (s *Service) GetOrder(ctx context.Context, r *nontaxv1.GetOrderRequest) (*nontaxv1.GetOrderResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	var c checker
	c.required("order_id", r.GetOrderId())
	if r.GetServiceId() < 0 {
		c.fail("service_id", "must not be negative")
	}
	if c.err != nil {
		return nil, c.err
	}
	body := struct {
		AppID     string `json:"appid"`
		ServiceID int64  `json:"service_id,omitempty"`
		OrderID   string `json:"order_id"`
	}{r.GetAppId(), r.GetServiceId(), r.GetOrderId()}
	var o order
	if err := s.post(ctx, r.GetAppId(), pathGetOrder, true, body, &o); err != nil {
		return nil, err
	}
	return &nontaxv1.GetOrderResponse{Order: &nontaxv1.Order{Appid: o.AppID, Openid: o.OpenID, OrderId: o.OrderID,
		CreateTime: o.CreateTime, PayFinishTime: o.PayFinishTime, Desc: o.Desc, Fee: o.Fee, FeeType: o.FeeType,
		TransId: o.TransID, Status: o.Status, BankId: o.BankID, BankName: o.BankName, BankAccount: o.BankAccount,
		RefundFinishTime: o.RefundFinishTime, RefundReason: o.RefundReason, RefundOrderId: o.RefundOrderID,
		RefundOutId: o.RefundOutID, PaymentNoticeNo: o.PaymentNoticeNo, OrderNo: o.OrderNo,
		DepartmentCode: o.DepartmentCode, DepartmentName: o.DepartmentName, PaymentNoticeType: o.PaymentNoticeType,
		RegionCode: o.RegionCode, Items: fromItems(o.Items), BillTypeCode: o.BillTypeCode, BillNo: o.BillNo,
		PaymentInfoSource: o.PaymentInfoSource, PartialRefundInfo: jsonValue(o.PartialRefundInfo),
		NotifyHistory: jsonValue(o.NotifyHistory), Scene: o.Scene}}, nil
}

// GetOrderList lists a payment notice's orders (nontax/getorderlist).
func (s *Service) GetOrderList(ctx context.Context, r *nontaxv1.GetOrderListRequest) (*nontaxv1.GetOrderListResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	var c checker
	c.region("region_code", r.GetRegionCode())
	c.required("department_code", r.GetDepartmentCode())
	c.required("payment_notice_no", r.GetPaymentNoticeNo())
	if c.err != nil {
		return nil, c.err
	}
	body := struct {
		AppID           string `json:"appid"`
		RegionCode      string `json:"region_code"`
		DepartmentCode  string `json:"department_code"`
		PaymentNoticeNo string `json:"payment_notice_no"`
	}{r.GetAppId(), r.GetRegionCode(), r.GetDepartmentCode(), r.GetPaymentNoticeNo()}
	var res struct {
		OrderIDList []string `json:"order_id_list"`
		PaidOrderID string   `json:"paid_order_id"`
	}
	if err := s.post(ctx, r.GetAppId(), pathGetOrderList, true, body, &res); err != nil {
		return nil, err
	}
	return &nontaxv1.GetOrderListResponse{OrderIdList: res.OrderIDList, PaidOrderId: res.PaidOrderID}, nil
}

// Refund refunds a paid order in full or in part (nontax/refund).
func (s *Service) Refund(ctx context.Context, r *nontaxv1.RefundRequest) (*nontaxv1.RefundResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	var c checker
	c.required("order_id", r.GetOrderId())
	c.text("reason", r.GetReason(), true)
	switch {
	case r.GetRefundFee() < 0:
		c.fail("refund_fee", fmt.Sprintf("must be a positive number of fen (or 0 for the whole order), got %d", r.GetRefundFee()))
	case r.GetRefundFee() > 0 && r.GetRefundOutId() == "":
		c.fail("refund_out_id", "is required with refund_fee (a partial refund)")
	}
	c.optional("refund_out_id", r.GetRefundOutId())
	if c.err != nil {
		return nil, c.err
	}
	body := struct {
		AppID       string `json:"appid"`
		OrderID     string `json:"order_id"`
		Reason      string `json:"reason"`
		RefundFee   int64  `json:"refund_fee,omitempty"`
		RefundOutID string `json:"refund_out_id,omitempty"`
	}{r.GetAppId(), r.GetOrderId(), r.GetReason(), r.GetRefundFee(), r.GetRefundOutId()}
	var res struct {
		RefundOrderID string `json:"refund_order_id"`
	}
	// Not idempotent: a full refund sent twice would be refused the second time and a
	// partial one without refund_out_id could refund twice.
	if err := s.post(ctx, r.GetAppId(), pathRefund, false, body, &res); err != nil {
		return nil, err
	}
	return &nontaxv1.RefundResponse{RefundOrderId: res.RefundOrderID}, nil
}

// DownloadBill downloads a day's statement (nontax/downloadbill) as CSV text.
func (s *Service) DownloadBill(ctx context.Context, r *nontaxv1.DownloadBillRequest) (*nontaxv1.DownloadBillResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	var c checker
	c.required("mch_id", r.GetMchId())
	c.date("bill_date", r.GetBillDate(), true)
	switch r.GetBillType() {
	case "", "ALL", "SUCCESS", "REFUND":
	default:
		c.fail("bill_type", fmt.Sprintf("must be ALL, SUCCESS or REFUND, got %q", clip(r.GetBillType())))
	}
	if c.err != nil {
		return nil, c.err
	}
	body := struct {
		AppID    string `json:"appid"`
		MchID    string `json:"mch_id"`
		BillDate string `json:"bill_date"`
		BillType string `json:"bill_type,omitempty"`
	}{r.GetAppId(), r.GetMchId(), r.GetBillDate(), r.GetBillType()}
	// The statement comes back as CSV text; errors as the JSON envelope.
	var buf bytes.Buffer
	if err := s.wc.Do(ctx, &wechat.Request{AppID: r.GetAppId(), Method: http.MethodPost, Path: pathDownloadBill,
		Body: body, Idempotent: true}, &buf); err != nil {
		return nil, err
	}
	return &nontaxv1.DownloadBillResponse{Csv: buf.String()}, nil
}

// NotifyInconsistentOrder asks the platform to notify an order again
// (nontax/notifyinconsistentorder).
func (s *Service) NotifyInconsistentOrder(ctx context.Context, r *nontaxv1.NotifyInconsistentOrderRequest) (*nontaxv1.NotifyInconsistentOrderResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	var c checker
	c.required("order_id", r.GetOrderId())
	if c.err != nil {
		return nil, c.err
	}
	body := map[string]string{"appid": r.GetAppId(), "order_id": r.GetOrderId()}
	// Idempotent: another notification of the same order is harmless.
	if err := s.post(ctx, r.GetAppId(), pathNotifyInconsist, true, body, nil); err != nil {
		return nil, err
	}
	return &nontaxv1.NotifyInconsistentOrderResponse{}, nil
}

// mock sends a mocknotification or mockqueryfee request.
func (s *Service) mock(ctx context.Context, path, appID, target string, version int32) error {
	if err := s.checkAccount(appID); err != nil {
		return err
	}
	var c checker
	c.url("url", target, true)
	if version < 0 {
		c.fail("version", fmt.Sprintf("must be positive (0 means 1), got %d", version))
	}
	if c.err != nil {
		return c.err
	}
	if version == 0 {
		version = 1
	}
	body := struct {
		AppID   string `json:"appid"`
		URL     string `json:"url"`
		Version int32  `json:"version"`
	}{appID, target, version}
	return s.post(ctx, appID, path, true, body, nil)
}

// MockNotification makes the platform send a test payment notification
// (nontax/mocknotification).
func (s *Service) MockNotification(ctx context.Context, r *nontaxv1.MockNotificationRequest) (*nontaxv1.MockNotificationResponse, error) {
	if err := s.mock(ctx, pathMockNotify, r.GetAppId(), r.GetUrl(), r.GetVersion()); err != nil {
		return nil, err
	}
	return &nontaxv1.MockNotificationResponse{}, nil
}

// MockQueryFee makes the platform send a test receivable query (nontax/mockqueryfee).
func (s *Service) MockQueryFee(ctx context.Context, r *nontaxv1.MockQueryFeeRequest) (*nontaxv1.MockQueryFeeResponse, error) {
	if err := s.mock(ctx, pathMockQueryFee, r.GetAppId(), r.GetUrl(), r.GetVersion()); err != nil {
		return nil, err
	}
	return &nontaxv1.MockQueryFeeResponse{}, nil
}
