package nontax_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"go.uber.org/fx"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	nontaxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/nontax/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/nontax/v1/nontaxv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth/authtest"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
	"github.com/wxsuite/wxsuite/services/internal/servicetest"
	"github.com/wxsuite/wxsuite/services/nontax"
)

// env is a sandbox and one wxsuite process (token and nontax services) pointed at it,
// with Connect and gRPC clients.
type env struct {
	sb       *sandboxtest.Env
	appID    string
	url      string
	pay      nontaxv1connect.NontaxPaymentServiceClient
	vehicle  nontaxv1connect.NontaxVehicleServiceClient
	identity nontaxv1connect.NontaxIdentityServiceClient
	grpcConn *grpc.ClientConn
}

var randomHex = servicetest.RandomHex

func newEnv(t *testing.T) *env { t.Helper(); return newEnvAuth(t, "auth: {disabled: true}") }

func newEnvAuth(t *testing.T, authYAML string) *env {
	t.Helper()
	e := &env{appID: "wxn" + randomHex(6)}
	st := servicetest.Start(t, servicetest.Options{
		Accounts: []sandbox.Account{{AppID: e.appID, AppSecret: "secret" + randomHex(6)}},
		Auth:     authYAML,
		Modules:  []fx.Option{nontax.Module},
	})
	e.sb, e.url, e.grpcConn = st.Sandbox, st.URL, st.GRPC
	hc := http.DefaultClient
	e.pay = nontaxv1connect.NewNontaxPaymentServiceClient(hc, e.url)
	e.vehicle = nontaxv1connect.NewNontaxVehicleServiceClient(hc, e.url)
	e.identity = nontaxv1connect.NewNontaxIdentityServiceClient(hc, e.url)
	return e
}

// calls counts the sandbox's calls of path.
func (e *env) calls(path string) int {
	return len(e.sb.Sandbox.Calls(sandbox.CallFilter{Path: path}))
}

// wantWeChatCode fails unless err has code and a WECHAT_ERRCODE detail with errcode.
func wantWeChatCode(t *testing.T, err error, code connect.Code, errcode int) {
	t.Helper()
	if connect.CodeOf(err) != code {
		t.Fatalf("error %v, want code %v", err, code)
	}
	info, ok := wechat.ErrorInfoFrom(err)
	if !ok || info.GetReason() != wechat.ErrorInfoReason || info.GetMetadata()["errcode"] != fmt.Sprint(errcode) {
		t.Fatalf("error %v: WECHAT_ERRCODE detail %v, want errcode %d", err, info, errcode)
	}
}

// errMessage is the message of a connect error ("" for others).
func errMessage(err error) string {
	var ce *connect.Error
	if errors.As(err, &ce) {
		return ce.Message()
	}
	return ""
}

// rest sends a REST call and decodes the JSON answer into out; it returns the status.
func (e *env) rest(t *testing.T, method, path, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode == 200 {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("REST %s %s: %v in %s", method, path, err, data)
		}
	}
	return resp.StatusCode
}

const (
	region = "340000"
	dept   = "065080906"
	notice = "34000019081115065040"
)

var items = []*nontaxv1.PaymentItem{{No: 1, ItemId: "A01", ItemName: "罚款", Fee: 900, Overdue: 100}}

func (e *env) addBill(t *testing.T, noticeNo string, fee int64) {
	t.Helper()
	if err := e.sb.Sandbox.AddNontaxBill(e.appID, sandbox.NontaxBill{RegionCode: region, DepartmentCode: dept,
		DepartmentName: "交警支队", PaymentNoticeNo: noticeNo, UserName: "张三", Fee: fee, PaymentNoticeType: 2,
		Items: []sandbox.NontaxItem{{No: 1, ItemID: "A01", ItemName: "罚款", Fee: 900, Overdue: 100}}, ExpireDate: "20991231"}); err != nil {
		t.Fatal(err)
	}
}

func (e *env) orderReq(noticeNo string, fee int64) *nontaxv1.UnifiedOrderRequest {
	return &nontaxv1.UnifiedOrderRequest{AppId: e.appID, Openid: "o-payer", Desc: "交通罚款", Fee: fee,
		Ip: "203.0.113.7", PaymentNoticeNo: noticeNo, DepartmentCode: dept, DepartmentName: "交警支队",
		RegionCode: region, Items: items, PaymentNoticeCreateTime: 1700000000, Scene: "biz",
		ReturnUrl: "https://example.com/done"}
}

func TestPaymentLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	e.sb.AddUser(t, e.appID, sandbox.User{OpenID: "o-payer"})
	e.addBill(t, notice, 1000)

	// QueryFee over gRPC.
	g := nontaxv1.NewNontaxPaymentServiceClient(e.grpcConn)
	fee, err := g.QueryFee(ctx, &nontaxv1.QueryFeeRequest{AppId: e.appID, ServiceId: 1, PaymentNoticeNo: notice,
		DepartmentCode: dept, RegionCode: region})
	if err != nil {
		t.Fatal(err)
	}
	if fee.GetFee() != 1000 || fee.GetUserName() != "张三" || fee.GetPaymentNoticeType() != 2 || len(fee.GetItems()) != 1 ||
		fee.GetItems()[0].GetOverdue() != 100 || fee.GetDepartmentName() != "交警支队" || fee.GetPaymentExpireDate() != "20991231" {
		t.Errorf("QueryFee = %v", fee)
	}
	_, err = g.QueryFee(ctx, &nontaxv1.QueryFeeRequest{AppId: e.appID, ServiceId: 1, PaymentNoticeNo: "nope",
		DepartmentCode: dept, RegionCode: region})
	if status.Code(err) != codes.InvalidArgument {
		t.Errorf("unknown notice over gRPC: %v", err)
	}

	// The amount must match the receivable: the platform's errcode comes back.
	_, err = e.pay.UnifiedOrder(ctx, e.orderReq(notice, 999))
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40097)
	// An openid the account does not know.
	bad := e.orderReq(notice, 1000)
	bad.Openid = "o-stranger"
	_, err = e.pay.UnifiedOrder(ctx, bad)
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40003)

	first, err := e.pay.UnifiedOrder(ctx, e.orderReq(notice, 1000))
	if err != nil {
		t.Fatal(err)
	}
	second, err := e.pay.UnifiedOrder(ctx, e.orderReq(notice, 1000))
	if err != nil || second.GetOrderId() == first.GetOrderId() || first.GetOrderId() == "" {
		t.Fatalf("second order %v, %v (first %s)", second, err, first.GetOrderId())
	}
	list, err := e.pay.GetOrderList(ctx, &nontaxv1.GetOrderListRequest{AppId: e.appID, RegionCode: region, DepartmentCode: dept, PaymentNoticeNo: notice})
	if err != nil || !slices.Equal(list.GetOrderIdList(), []string{first.GetOrderId(), second.GetOrderId()}) || list.GetPaidOrderId() != "" {
		t.Fatalf("GetOrderList before paying = %v, %v", list, err)
	}
	// Refunding an unpaid order is refused by the platform.
	_, err = e.pay.Refund(ctx, &nontaxv1.RefundRequest{AppId: e.appID, OrderId: first.GetOrderId(), Reason: "重复缴费"})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40097)

	if err := e.sb.Sandbox.PayNontaxOrder(e.appID, second.GetOrderId()); err != nil {
		t.Fatal(err)
	}
	// REST GetOrder.
	var got struct {
		Order struct {
			OrderID string `json:"order_id"`
			Status  int    `json:"status"`
			Fee     string `json:"fee"`
			TransID string `json:"trans_id"`
			Items   []any  `json:"items"`
		} `json:"order"`
	}
	if st := e.rest(t, http.MethodGet, "/v1/apps/"+e.appID+"/nontax/orders/"+second.GetOrderId(), "", &got); st != 200 {
		t.Fatalf("REST GetOrder: HTTP %d", st)
	}
	if got.Order.OrderID != second.GetOrderId() || got.Order.Status != 3 || got.Order.Fee != "1000" || got.Order.TransID == "" || len(got.Order.Items) != 1 {
		t.Errorf("REST GetOrder = %+v", got.Order)
	}
	list, err = e.pay.GetOrderList(ctx, &nontaxv1.GetOrderListRequest{AppId: e.appID, RegionCode: region, DepartmentCode: dept, PaymentNoticeNo: notice})
	if err != nil || list.GetPaidOrderId() != second.GetOrderId() {
		t.Errorf("GetOrderList after paying = %v, %v", list, err)
	}
	// A paid notice takes no new order.
	_, err = e.pay.UnifiedOrder(ctx, e.orderReq(notice, 1000))
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40097)

	// Partial refunds up to the paid amount, then the rest.
	r1, err := e.pay.Refund(ctx, &nontaxv1.RefundRequest{AppId: e.appID, OrderId: second.GetOrderId(), Reason: "多缴", RefundFee: 300, RefundOutId: "rf-1"})
	if err != nil || r1.GetRefundOrderId() == "" {
		t.Fatalf("partial refund: %v, %v", r1, err)
	}
	again, err := e.pay.Refund(ctx, &nontaxv1.RefundRequest{AppId: e.appID, OrderId: second.GetOrderId(), Reason: "多缴", RefundFee: 300, RefundOutId: "rf-1"})
	if err != nil || again.GetRefundOrderId() != r1.GetRefundOrderId() {
		t.Errorf("repeated refund_out_id: %v, %v", again, err)
	}
	_, err = e.pay.Refund(ctx, &nontaxv1.RefundRequest{AppId: e.appID, OrderId: second.GetOrderId(), Reason: "多缴", RefundFee: 701, RefundOutId: "rf-2"})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40097)
	if _, err := e.pay.Refund(ctx, &nontaxv1.RefundRequest{AppId: e.appID, OrderId: second.GetOrderId(), Reason: "撤销"}); err != nil {
		t.Fatalf("refund of the rest: %v", err)
	}
	o, err := e.pay.GetOrder(ctx, &nontaxv1.GetOrderRequest{AppId: e.appID, OrderId: second.GetOrderId()})
	if err != nil {
		t.Fatal(err)
	}
	if o.GetOrder().GetStatus() != 5 || o.GetOrder().GetRefundReason() != "撤销" || len(o.GetOrder().GetPartialRefundInfo().GetListValue().GetValues()) != 2 {
		t.Errorf("GetOrder after refunds = %v", o.GetOrder())
	}
	_, err = e.pay.GetOrder(ctx, &nontaxv1.GetOrderRequest{AppId: e.appID, OrderId: "AQnope"})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40097)

	// The unpaid first order closes after two hours.
	e.sb.Sandbox.Advance(2*time.Hour + time.Second)
	o, err = e.pay.GetOrder(ctx, &nontaxv1.GetOrderRequest{AppId: e.appID, OrderId: first.GetOrderId()})
	if err != nil || o.GetOrder().GetStatus() != 12 {
		t.Errorf("unpaid order after 2h: %v, %v", o, err)
	}

	// The statement of the day is there the next day.
	day := e.sb.Sandbox.Now().In(time.FixedZone("CST", 8*3600)).Format("20060102")
	_, err = e.pay.DownloadBill(ctx, &nontaxv1.DownloadBillRequest{AppId: e.appID, MchId: sandbox.NontaxDefaultMchID, BillDate: day})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40097)
	e.sb.Sandbox.Advance(24 * time.Hour)
	bill, err := e.pay.DownloadBill(ctx, &nontaxv1.DownloadBillRequest{AppId: e.appID, MchId: sandbox.NontaxDefaultMchID, BillDate: day})
	if err != nil {
		t.Fatal(err)
	}
	csv := bill.GetCsv()
	if !strings.HasPrefix(csv, "交易时间,") || strings.Count(csv, "`"+second.GetOrderId()) != 3 || !strings.Contains(csv, "`10.00") ||
		!strings.Contains(csv, "`3.00") || strings.Contains(csv, first.GetOrderId()) {
		t.Errorf("ALL statement:\n%s", csv)
	}
	refunds, err := e.pay.DownloadBill(ctx, &nontaxv1.DownloadBillRequest{AppId: e.appID, MchId: sandbox.NontaxDefaultMchID, BillDate: day, BillType: "REFUND"})
	if err != nil || strings.Count(refunds.GetCsv(), "`"+second.GetOrderId()) != 2 {
		t.Errorf("REFUND statement: %v\n%s", err, refunds.GetCsv())
	}
	// REST: bill_date in the path, mch_id and bill_type as query parameters.
	var rb struct {
		CSV string `json:"csv"`
	}
	if code := e.rest(t, http.MethodGet, "/v1/apps/"+e.appID+"/nontax/bills/"+day+"?mch_id="+sandbox.NontaxDefaultMchID+"&bill_type=SUCCESS", "", &rb); code != 200 ||
		strings.Count(rb.CSV, "`"+second.GetOrderId()) != 1 {
		t.Errorf("REST SUCCESS statement: HTTP %d\n%s", code, rb.CSV)
	}
	other, err := e.pay.DownloadBill(ctx, &nontaxv1.DownloadBillRequest{AppId: e.appID, MchId: "999", BillDate: day})
	if err != nil || strings.Contains(other.GetCsv(), second.GetOrderId()) {
		t.Errorf("another merchant's statement: %v\n%s", err, other.GetCsv())
	}
}

// receiver is an HTTP server that records the bodies posted to it.
type receiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	bodies []map[string]any
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var m map[string]any
		_ = json.NewDecoder(req.Body).Decode(&m)
		r.mu.Lock()
		r.bodies = append(r.bodies, m)
		r.mu.Unlock()
		_, _ = io.WriteString(w, "success")
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// wait returns the bodies once n arrived (or fails after 5 s).
func (r *receiver) wait(t *testing.T, n int) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		got := slices.Clone(r.bodies)
		r.mu.Unlock()
		if len(got) >= n {
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("fewer than %d notifications arrived", n)
	return nil
}

func TestMicropayAndNotifications(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	rcv := newReceiver(t)
	if err := e.sb.Sandbox.SetNontaxNotifyURL(e.appID, rcv.srv.URL+"/notify"); err != nil {
		t.Fatal(err)
	}
	req := &nontaxv1.MicropayRequest{AppId: e.appID, Desc: "窗口缴费", Fee: 5000, Items: items, PaymentNoticeCreateTime: 1700000000,
		OrderNo: "counter-1", DepartmentCode: dept, DepartmentName: "出入境", RegionCode: region, AuthCode: "134567890123456789"}
	paid, err := e.pay.Micropay(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if paid.GetOrderId() == "" || paid.GetTransId() == "" || paid.GetPayFinishTime() != e.sb.Sandbox.Now().Unix() {
		t.Errorf("Micropay = %v", paid)
	}
	n := rcv.wait(t, 1)
	if n[0]["order_id"] != paid.GetOrderId() || n[0]["fee"] != float64(5000) {
		t.Errorf("payment notification = %v", n[0])
	}
	// Retrying with the order_id answers the same payment.
	req.OrderId = paid.GetOrderId()
	if again, err := e.pay.Micropay(ctx, req); err != nil || again.GetTransId() != paid.GetTransId() {
		t.Errorf("micropay retry: %v, %v", again, err)
	}
	// NotifyInconsistentOrder sends it again.
	if _, err := e.pay.NotifyInconsistentOrder(ctx, &nontaxv1.NotifyInconsistentOrderRequest{AppId: e.appID, OrderId: paid.GetOrderId()}); err != nil {
		t.Fatal(err)
	}
	rcv.wait(t, 2)
	// Version 1 mocks are sent twice each.
	if _, err := e.pay.MockNotification(ctx, &nontaxv1.MockNotificationRequest{AppId: e.appID, Url: rcv.srv.URL + "/mock"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.pay.MockQueryFee(ctx, &nontaxv1.MockQueryFeeRequest{AppId: e.appID, Url: rcv.srv.URL + "/mock", Version: 2}); err != nil {
		t.Fatal(err)
	}
	all := rcv.wait(t, 5)
	var mocks, queries int
	for _, b := range all {
		switch {
		case b["mock"] == true && b["payment_notice_no"] != nil:
			queries++
		case b["mock"] == true:
			mocks++
		}
	}
	if mocks != 2 || queries != 1 {
		t.Errorf("mock payment notifications %d (want 2), mock queries %d (want 1): %v", mocks, queries, all)
	}
	// A bad payment code is refused before sending.
	before := e.calls("/nontax/micropay")
	req.AuthCode, req.OrderId = "12345", ""
	_, err = e.pay.Micropay(ctx, req)
	if connect.CodeOf(err) != connect.CodeInvalidArgument || !strings.HasPrefix(errMessage(err), "auth_code:") || e.calls("/nontax/micropay") != before {
		t.Errorf("bad auth_code: %v", err)
	}
}

func TestValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	okOrder := func(mod func(r *nontaxv1.UnifiedOrderRequest)) func() error {
		return func() error {
			r := e.orderReq(notice, 1000)
			mod(r)
			_, err := e.pay.UnifiedOrder(ctx, r)
			return err
		}
	}
	tests := []struct {
		name  string
		call  func() error
		path  string
		field string
	}{
		{"zero fee", okOrder(func(r *nontaxv1.UnifiedOrderRequest) { r.Fee = 0 }), "/nontax/unifiedorder", "fee:"},
		{"negative item", okOrder(func(r *nontaxv1.UnifiedOrderRequest) {
			r.Items = []*nontaxv1.PaymentItem{{No: 1, Fee: -1}}
		}), "/nontax/unifiedorder", "items[0].fee:"},
		{"no items", okOrder(func(r *nontaxv1.UnifiedOrderRequest) { r.Items = nil }), "/nontax/unifiedorder", "items:"},
		{"bad ip", okOrder(func(r *nontaxv1.UnifiedOrderRequest) { r.Ip = "300.1.1.1" }), "/nontax/unifiedorder", "ip:"},
		{"bad scene", okOrder(func(r *nontaxv1.UnifiedOrderRequest) { r.Scene = "web" }), "/nontax/unifiedorder", "scene:"},
		{"no openid", okOrder(func(r *nontaxv1.UnifiedOrderRequest) { r.Openid = "" }), "/nontax/unifiedorder", "openid:"},
		{"no notice nor order", okOrder(func(r *nontaxv1.UnifiedOrderRequest) { r.PaymentNoticeNo = "" }), "/nontax/unifiedorder", "payment_notice_no:"},
		{"bad expiry", okOrder(func(r *nontaxv1.UnifiedOrderRequest) { r.PaymentExpireDate = "2024-01-01" }), "/nontax/unifiedorder", "payment_expire_date:"},
		{"bad region", okOrder(func(r *nontaxv1.UnifiedOrderRequest) { r.RegionCode = "34" }), "/nontax/unifiedorder", "region_code:"},
		{"query service id", func() error {
			_, err := e.pay.QueryFee(ctx, &nontaxv1.QueryFeeRequest{AppId: e.appID, PaymentNoticeNo: notice, DepartmentCode: dept, RegionCode: region})
			return err
		}, "/nontax/queryfee", "service_id:"},
		{"refund fee without out id", func() error {
			_, err := e.pay.Refund(ctx, &nontaxv1.RefundRequest{AppId: e.appID, OrderId: "x", Reason: "r", RefundFee: 5})
			return err
		}, "/nontax/refund", "refund_out_id:"},
		{"bill date", func() error {
			_, err := e.pay.DownloadBill(ctx, &nontaxv1.DownloadBillRequest{AppId: e.appID, MchId: "1", BillDate: "20240230"})
			return err
		}, "/nontax/downloadbill", "bill_date:"},
		{"bill type", func() error {
			_, err := e.pay.DownloadBill(ctx, &nontaxv1.DownloadBillRequest{AppId: e.appID, MchId: "1", BillDate: "20240101", BillType: "PAID"})
			return err
		}, "/nontax/downloadbill", "bill_type:"},
		{"mock url", func() error {
			_, err := e.pay.MockNotification(ctx, &nontaxv1.MockNotificationRequest{AppId: e.appID, Url: "ftp://x"})
			return err
		}, "/nontax/mocknotification", "url:"},
		{"vehicle base", func() error {
			_, err := e.vehicle.QueryVehicleState(ctx, &nontaxv1.QueryVehicleStateRequest{AppId: e.appID})
			return err
		}, "/nontax/vehicle/querystate", "base:"},
		{"vehicle scene", func() error {
			_, err := e.vehicle.QueryVehicleState(ctx, &nontaxv1.QueryVehicleStateRequest{AppId: e.appID,
				Base: &nontaxv1.VehicleRequestBase{RegionCode: region, TradeScene: "CAR", PlateNumber: "粤B888888"}})
			return err
		}, "/nontax/vehicle/querystate", "base.trade_scene:"},
		{"payapply end", func() error {
			_, err := e.vehicle.ApplyVehiclePayment(ctx, &nontaxv1.ApplyVehiclePaymentRequest{AppId: e.appID,
				Base:       &nontaxv1.VehicleRequestBase{RegionCode: region, TradeScene: "PARKING", PlateNumber: "粤B888888"},
				OutTradeNo: "p1", TotalFee: 100, Desc: "停车费", StartTime: 200, EndTime: 100})
			return err
		}, "/nontax/vehicle/payapply", "end_time:"},
		{"payapply out_trade_no", func() error {
			_, err := e.vehicle.ApplyVehiclePayment(ctx, &nontaxv1.ApplyVehiclePaymentRequest{AppId: e.appID,
				Base:       &nontaxv1.VehicleRequestBase{RegionCode: region, TradeScene: "PARKING", PlateNumber: "粤B888888"},
				OutTradeNo: "p 1", TotalFee: 100, Desc: "停车费", StartTime: 100, EndTime: 200})
			return err
		}, "/nontax/vehicle/payapply", "out_trade_no:"},
		{"realname redirect", func() error {
			_, err := e.identity.GetRealNameAuthURL(ctx, &nontaxv1.GetRealNameAuthURLRequest{AppId: e.appID, RedirectUrl: "/relative"})
			return err
		}, "/intp/realname/getauthurl", "redirect_url:"},
		{"realname token", func() error {
			_, err := e.identity.GetRealName(ctx, &nontaxv1.GetRealNameRequest{AppId: e.appID})
			return err
		}, "/nontax/getrealname", "wx_realname_token:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.calls(tt.path)
			err := tt.call()
			if connect.CodeOf(err) != connect.CodeInvalidArgument || !strings.HasPrefix(errMessage(err), tt.field) {
				t.Errorf("error %v, want InvalidArgument starting with %q", err, tt.field)
			}
			if n := e.calls(tt.path) - before; n != 0 {
				t.Errorf("%d calls reached the sandbox", n)
			}
		})
	}
	// Unknown accounts are NotFound.
	_, err := e.pay.GetOrder(ctx, &nontaxv1.GetOrderRequest{AppId: "wxunknown", OrderId: "x"})
	if connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("unknown app_id: %v", err)
	}
}

func TestVehicle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	for _, v := range []sandbox.NontaxVehicleUser{{PlateNumber: "粤B888888", OpenID: "o-driver"}, {PlateNumber: "粤B000001", State: "OVERDUE"}} {
		if err := e.sb.Sandbox.SetNontaxVehicleUser(e.appID, v); err != nil {
			t.Fatal(err)
		}
	}
	base := func(plate string) *nontaxv1.VehicleRequestBase {
		return &nontaxv1.VehicleRequestBase{RegionCode: region, TradeScene: "PARKING", PlateNumber: plate}
	}
	st, err := e.vehicle.QueryVehicleState(ctx, &nontaxv1.QueryVehicleStateRequest{AppId: e.appID,
		Base: &nontaxv1.VehicleRequestBase{RegionCode: region, TradeScene: "PARKING", Openid: "o-driver"}})
	if err != nil || st.GetUserState() != "NORMAL" || st.GetPath() != "" || !slices.Equal(st.GetPlateNumbers(), []string{"粤B888888"}) {
		t.Errorf("QueryVehicleState by openid = %v, %v", st, err)
	}
	// gRPC: an unknown plate is UNAUTHORIZED with a path.
	g := nontaxv1.NewNontaxVehicleServiceClient(e.grpcConn)
	st, err = g.QueryVehicleState(ctx, &nontaxv1.QueryVehicleStateRequest{AppId: e.appID, Base: base("粤A12345")})
	if err != nil || st.GetUserState() != "UNAUTHORIZED" || st.GetPath() == "" {
		t.Errorf("QueryVehicleState of an unknown plate = %v, %v", st, err)
	}
	// REST entrance.
	var ent struct {
		UserState  string `json:"user_state"`
		EntranceID string `json:"entrance_id"`
	}
	body := fmt.Sprintf(`{"base":{"regionCode":%q,"tradeScene":"PARKING","plateNumber":"粤B888888"},"startTime":1700000000,"parkingName":"市民中心停车场"}`, region)
	if code := e.rest(t, http.MethodPost, "/v1/apps/"+e.appID+"/nontax/vehicle:entranceNotify", body, &ent); code != 200 || ent.UserState != "NORMAL" || ent.EntranceID == "" {
		t.Errorf("REST entrance: HTTP %d %+v", code, ent)
	}
	pay := &nontaxv1.ApplyVehiclePaymentRequest{AppId: e.appID, Base: base("粤B888888"), OutTradeNo: "park-1", TotalFee: 1500,
		Desc: "停车费", StartTime: 1700000000, EndTime: 1700007200, ParkingName: "市民中心停车场"}
	a1, err := e.vehicle.ApplyVehiclePayment(ctx, pay)
	if err != nil || a1.GetOrderId() == "" {
		t.Fatalf("ApplyVehiclePayment: %v, %v", a1, err)
	}
	a2, err := e.vehicle.ApplyVehiclePayment(ctx, pay)
	if err != nil || a2.GetOrderId() != a1.GetOrderId() {
		t.Errorf("repeat ApplyVehiclePayment = %v, %v", a2, err)
	}
	pay.TotalFee = 1600
	_, err = e.vehicle.ApplyVehiclePayment(ctx, pay)
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40097)
	o, err := e.pay.GetOrder(ctx, &nontaxv1.GetOrderRequest{AppId: e.appID, OrderId: a1.GetOrderId()})
	if err != nil || o.GetOrder().GetFee() != 1500 || o.GetOrder().GetStatus() != 3 || o.GetOrder().GetOpenid() != "o-driver" {
		t.Errorf("the deduction's order = %v, %v", o, err)
	}
	// An owner in arrears cannot be charged.
	pay.Base, pay.OutTradeNo = base("粤B000001"), "park-2"
	_, err = e.vehicle.ApplyVehiclePayment(ctx, pay)
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40097)
}

func TestIdentity(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	ip, err := e.identity.GetUserClientIP(ctx, &nontaxv1.GetUserClientIPRequest{AppId: e.appID})
	if err != nil || ip.GetIp() != "127.0.0.1" {
		t.Errorf("GetUserClientIP = %v, %v", ip, err)
	}
	var authURL struct {
		AuthURL string `json:"auth_url"`
	}
	if code := e.rest(t, http.MethodPost, "/v1/apps/"+e.appID+"/nontax/realname:authUrl", `{"redirectUrl":"https://example.com/back?x=1"}`, &authURL); code != 200 ||
		!strings.Contains(authURL.AuthURL, "redirect_url=https%3A%2F%2Fexample.com%2Fback%3Fx%3D1") {
		t.Errorf("REST GetRealNameAuthURL: HTTP %d %+v", code, authURL)
	}
	tok, err := e.sb.Sandbox.AddNontaxRealName(e.appID, sandbox.NontaxRealName{OpenID: "o-payer", RealName: "张三", CredID: "110101199003071234"})
	if err != nil {
		t.Fatal(err)
	}
	g := nontaxv1.NewNontaxIdentityServiceClient(e.grpcConn)
	rn, err := g.GetRealName(ctx, &nontaxv1.GetRealNameRequest{AppId: e.appID, WxRealnameToken: tok})
	if err != nil || rn.GetRealName() != "张三" || rn.GetCredType() != 1 || rn.GetOpenid() != "o-payer" {
		t.Errorf("GetRealName = %v, %v", rn, err)
	}
	e.sb.Sandbox.Advance(11 * time.Minute)
	_, err = e.identity.GetRealName(ctx, &nontaxv1.GetRealNameRequest{AppId: e.appID, WxRealnameToken: tok})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40097)
}

const (
	readerKey = "wxsk_test_nontax_reader_0123456789abcdef"
	writerKey = "wxsk_test_nontax_writer_0123456789abcdef"
)

// TestScopes checks the policies through the real auth layer for each service.
func TestScopes(t *testing.T) {
	t.Parallel()
	e := newEnvAuth(t, fmt.Sprintf(`auth:
  keys:
    - {id: reader, key: %q, app_ids: ["*"], scopes: [nontax.read]}
    - {id: writer, key: %q, app_ids: ["*"], scopes: [nontax.write]}`, readerKey, writerKey))
	ctx := t.Context()
	hc := http.DefaultClient
	denied := func(name string, err error) {
		t.Helper()
		if connect.CodeOf(err) != connect.CodePermissionDenied {
			t.Errorf("%s: %v, want PermissionDenied", name, err)
		}
	}
	allowed := func(name string, err error) {
		t.Helper()
		if c := connect.CodeOf(err); c == connect.CodePermissionDenied || c == connect.CodeUnauthenticated {
			t.Errorf("%s: %v", name, err)
		}
	}
	rPay := nontaxv1connect.NewNontaxPaymentServiceClient(hc, e.url, authtest.Bearer(readerKey))
	wPay := nontaxv1connect.NewNontaxPaymentServiceClient(hc, e.url, authtest.Bearer(writerKey))
	_, err := rPay.GetOrder(ctx, &nontaxv1.GetOrderRequest{AppId: e.appID, OrderId: "x"})
	allowed("reader GetOrder", err)
	_, err = rPay.Refund(ctx, &nontaxv1.RefundRequest{AppId: e.appID, OrderId: "x", Reason: "r"})
	denied("reader Refund", err)
	_, err = wPay.GetOrder(ctx, &nontaxv1.GetOrderRequest{AppId: e.appID, OrderId: "x"})
	denied("writer GetOrder", err)

	rVeh := nontaxv1connect.NewNontaxVehicleServiceClient(hc, e.url, authtest.Bearer(readerKey))
	wVeh := nontaxv1connect.NewNontaxVehicleServiceClient(hc, e.url, authtest.Bearer(writerKey))
	_, err = rVeh.ApplyVehiclePayment(ctx, &nontaxv1.ApplyVehiclePaymentRequest{AppId: e.appID})
	denied("reader ApplyVehiclePayment", err)
	_, err = wVeh.QueryVehicleState(ctx, &nontaxv1.QueryVehicleStateRequest{AppId: e.appID})
	denied("writer QueryVehicleState", err)

	rID := nontaxv1connect.NewNontaxIdentityServiceClient(hc, e.url, authtest.Bearer(readerKey))
	wID := nontaxv1connect.NewNontaxIdentityServiceClient(hc, e.url, authtest.Bearer(writerKey))
	_, err = rID.GetUserClientIP(ctx, &nontaxv1.GetUserClientIPRequest{AppId: e.appID})
	allowed("reader GetUserClientIP", err)
	_, err = wID.GetRealName(ctx, &nontaxv1.GetRealNameRequest{AppId: e.appID, WxRealnameToken: "x"})
	denied("writer GetRealName", err)
	_, err = e.pay.GetOrder(ctx, &nontaxv1.GetOrderRequest{AppId: e.appID, OrderId: "x"})
	if connect.CodeOf(err) != connect.CodeUnauthenticated {
		t.Errorf("no key: %v", err)
	}
}
