package sandbox_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/protobuf/types/known/timestamppb"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1/sandboxv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxserver"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

// adminWantCode fails unless err has code and its message names want.
func adminWantCode(t *testing.T, what string, err error, code connect.Code, want string) {
	t.Helper()
	if connect.CodeOf(err) != code || !strings.Contains(fmt.Sprint(err), want) {
		t.Errorf("%s: err = %v, want %v naming %q", what, err, code, want)
	}
}

// adminPushes is a callback server that keeps every push it receives.
type adminPushes struct {
	mu     sync.Mutex
	pushes []string
}

func (p *adminPushes) serve(w http.ResponseWriter, r *http.Request) {
	data, _ := io.ReadAll(r.Body)
	p.mu.Lock()
	p.pushes = append(p.pushes, string(data))
	p.mu.Unlock()
	_, _ = io.WriteString(w, "success")
}

// waitCount waits up to 5 s for n pushes containing substr (platform events are pushed
// asynchronously) and returns how many came.
func (p *adminPushes) waitCount(substr string, n int) int {
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := p.count(substr)
		if got >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (p *adminPushes) count(substr string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, s := range p.pushes {
		if strings.Contains(s, substr) {
			n++
		}
	}
	return n
}

// adminStartWithCallback starts a frozen sandbox whose demo account pushes to a recorder.
func adminStartWithCallback(t *testing.T) (*sandboxtest.Env, *adminPushes) {
	t.Helper()
	rec := &adminPushes{}
	cb := httptest.NewServer(http.HandlerFunc(rec.serve))
	t.Cleanup(cb.Close)
	acc := sandbox.DemoAccount()
	acc.CallbackURL, acc.CallbackToken = cb.URL, "cbtoken"
	return startFrozen(t, sandbox.Options{Accounts: []sandbox.Account{acc}}), rec
}

func TestAdminCard(t *testing.T) {
	t.Parallel()
	env, rec := adminStartWithCallback(t)
	ctx := context.Background()
	app := sandboxtest.DemoAppID
	token := fetchToken(t, env)
	r := cardCall(t, env, token, "/card/create", cardBody("GROUPON", nil, map[string]any{"deal_detail": "双人套餐"}))
	wantCode(t, r, 0)
	var cardID string
	cardField(t, r, "card_id", &cardID)

	// Not reviewed yet: nobody can receive it.
	_, err := env.Admin.GiveCard(ctx, &sandboxv1.GiveCardRequest{AppId: app, CardId: cardID, Openid: "o-alice"})
	adminWantCode(t, "GiveCard before review", err, connect.CodeFailedPrecondition, "cannot be received")

	if _, err := env.Admin.ReviewCard(ctx, &sandboxv1.ReviewCardRequest{AppId: app, CardId: cardID, Approve: true}); err != nil {
		t.Fatal(err)
	}
	r = cardCall(t, env, token, "/card/get", fmt.Sprintf(`{"card_id":%q}`, cardID))
	wantCode(t, r, 0)
	if !strings.Contains(r.Raw, `"status":"CARD_STATUS_VERIFY_OK"`) {
		t.Errorf("card/get after ReviewCard = %s", r.Raw)
	}
	if n := rec.waitCount("card_pass_check", 1); n != 1 {
		t.Errorf("card_pass_check pushed %d times", n)
	}

	given, err := env.Admin.GiveCard(ctx, &sandboxv1.GiveCardRequest{AppId: app, CardId: cardID, Openid: "o-alice", OuterStr: "qr"})
	if err != nil || given.GetCode() == "" || given.GetEncryptCode() == "" {
		t.Fatalf("GiveCard: %v %v", given, err)
	}
	r = cardCall(t, env, token, "/card/code/decrypt", fmt.Sprintf(`{"encrypt_code":%q}`, given.GetEncryptCode()))
	var code string
	cardField(t, r, "code", &code)
	if code != given.GetCode() {
		t.Errorf("decrypt = %s, want %s", code, given.GetCode())
	}
	r = cardCall(t, env, token, "/card/code/get", fmt.Sprintf(`{"code":%q}`, given.GetCode()))
	if !strings.Contains(r.Raw, `"openid":"o-alice"`) || !strings.Contains(r.Raw, `"user_card_status":"NORMAL"`) {
		t.Errorf("code/get of the given code = %s", r.Raw)
	}
	status, err := env.Admin.GetCardStatus(ctx, &sandboxv1.GetCardStatusRequest{AppId: app, CardId: cardID})
	if err != nil || status.GetStatus() != "CARD_STATUS_VERIFY_OK" || status.GetQuantity() != 1 {
		t.Errorf("GetCardStatus = %v %v, want VERIFY_OK with 1 left", status, err)
	}

	if _, err := env.Admin.DeleteUserCard(ctx, &sandboxv1.DeleteUserCardRequest{AppId: app, CardId: cardID, Code: given.GetCode()}); err != nil {
		t.Fatal(err)
	}
	r = cardCall(t, env, token, "/card/code/get", fmt.Sprintf(`{"code":%q,"check_consume":false}`, given.GetCode()))
	if !strings.Contains(r.Raw, `"user_card_status":"DELETE"`) {
		t.Errorf("code/get after DeleteUserCard = %s", r.Raw)
	}

	// A unique QR code scans once.
	r = cardCall(t, env, token, "/card/qrcode/create", fmt.Sprintf(`{"action_name":"QR_CARD","expire_seconds":60,"action_info":{"card":{"card_id":%q,"is_unique_code":true}}}`, cardID))
	wantCode(t, r, 0)
	var ticket string
	cardField(t, r, "ticket", &ticket)
	scanned, err := env.Admin.ScanCardQRCode(ctx, &sandboxv1.ScanCardQRCodeRequest{AppId: app, Ticket: ticket, Openid: "o-bob"})
	if err != nil || scanned.GetCode() == "" {
		t.Fatalf("ScanCardQRCode: %v %v", scanned, err)
	}
	_, err = env.Admin.ScanCardQRCode(ctx, &sandboxv1.ScanCardQRCodeRequest{AppId: app, Ticket: ticket, Openid: "o-carol"})
	adminWantCode(t, "second scan", err, connect.CodeFailedPrecondition, "cannot be scanned")
	// The stock is spent: 2 given.
	_, err = env.Admin.GiveCard(ctx, &sandboxv1.GiveCardRequest{AppId: app, CardId: cardID, Openid: "o-dave"})
	adminWantCode(t, "GiveCard out of stock", err, connect.CodeFailedPrecondition, "out of stock")

	_, err = env.Admin.GiveCard(ctx, &sandboxv1.GiveCardRequest{AppId: app, CardId: cardID, Openid: "o alice"})
	adminWantCode(t, "GiveCard malformed openid", err, connect.CodeInvalidArgument, "openid must be")
	_, err = env.Admin.ReviewCard(ctx, &sandboxv1.ReviewCardRequest{AppId: app, CardId: "pnope"})
	adminWantCode(t, "ReviewCard unknown card", err, connect.CodeNotFound, "pnope")
	_, err = env.Admin.FillMemberCardForm(ctx, &sandboxv1.FillMemberCardFormRequest{AppId: app, CardId: cardID, Openid: "o-alice"})
	adminWantCode(t, "FillMemberCardForm of a groupon", err, connect.CodeInvalidArgument, "card_id")
	_, err = env.Admin.ReviewCardSubMerchant(ctx, &sandboxv1.ReviewCardSubMerchantRequest{AppId: app, MerchantId: 42, Approve: true})
	adminWantCode(t, "ReviewCardSubMerchant unknown", err, connect.CodeNotFound, "42")
	_, err = env.Admin.DeleteUserCard(ctx, &sandboxv1.DeleteUserCardRequest{AppId: app, CardId: cardID, Code: "000"})
	adminWantCode(t, "DeleteUserCard unknown code", err, connect.CodeNotFound, "unknown card")
}

func TestAdminStores(t *testing.T) {
	t.Parallel()
	env, rec := adminStartWithCallback(t)
	ctx := context.Background()
	app := sandboxtest.DemoAppID
	tok := fetchToken(t, env)
	r := storesPost(t, env, tok, "/cgi-bin/poi/addpoi", storesPoiBody)
	var poiID int64
	storesField(t, r, "poi_id", &poiID)
	if r.Errcode != 0 || poiID == 0 {
		t.Fatalf("addpoi: %s", r.Raw)
	}
	rev, err := env.Admin.ReviewPoi(ctx, &sandboxv1.ReviewPoiRequest{AppId: app, PoiId: poiID, Approve: true, Msg: "ok"})
	if err != nil || !rev.GetPushed() || !rev.GetResult().GetDelivered() {
		t.Fatalf("ReviewPoi: %v %v", rev, err)
	}
	r = storesPost(t, env, tok, "/cgi-bin/poi/getpoi", fmt.Sprintf(`{"poi_id":"%d"}`, poiID))
	var state int
	storesField(t, r, "business.base_info.available_state", &state)
	if state != 3 {
		t.Errorf("available_state after ReviewPoi = %d, want 3: %s", state, r.Raw)
	}
	if n := rec.waitCount("poi_check_notify", 1); n != 1 {
		t.Errorf("poi_check_notify pushed %d times", n)
	}
	_, err = env.Admin.ReviewPoi(ctx, &sandboxv1.ReviewPoiRequest{AppId: app, PoiId: poiID, Approve: true})
	adminWantCode(t, "ReviewPoi twice", err, connect.CodeInvalidArgument, "not under review")

	// The store mini-program application.
	_, err = env.Admin.ReviewStoreMerchant(ctx, &sandboxv1.ReviewStoreMerchantRequest{AppId: app, Approve: true})
	adminWantCode(t, "ReviewStoreMerchant without application", err, connect.CodeInvalidArgument, "app_id")
	if r := storesPost(t, env, tok, "/wxa/apply_merchant", `{"first_catid":278,"second_catid":279,"headimg_mediaid":"m","nickname":"小店小店","intro":"i"}`); r.Errcode != 0 {
		t.Fatalf("apply_merchant: %s", r.Raw)
	}
	if _, err := env.Admin.ReviewStoreMerchant(ctx, &sandboxv1.ReviewStoreMerchantRequest{AppId: app, Approve: false, Reason: "资料不全"}); err != nil {
		t.Fatal(err)
	}
	r = get(t, env, "/wxa/get_merchant_audit_info", url.Values{"access_token": {tok}})
	var status int
	storesField(t, r, "data.status", &status)
	if status != 3 || !strings.Contains(r.Raw, "资料不全") {
		t.Errorf("audit info after a rejection = %s", r.Raw)
	}
	_, err = env.Admin.ReviewStore(ctx, &sandboxv1.ReviewStoreRequest{AppId: app, PoiId: 12345, Approve: true})
	adminWantCode(t, "ReviewStore unknown", err, connect.CodeInvalidArgument, "poi_id")

	// 一物一码: the key is the account's; an unknown code cannot be scanned.
	key, err := env.Admin.GetMarketCodeKey(ctx, &sandboxv1.GetMarketCodeKeyRequest{AppId: app})
	want, _ := env.Sandbox.MarketCodeKey(app)
	if err != nil || len(key.GetKey()) != 32 || !bytes.Equal(key.GetKey(), want) {
		t.Errorf("GetMarketCodeKey = %x %v, want %x", key.GetKey(), err, want)
	}
	_, err = env.Admin.ScanMarketCode(ctx, &sandboxv1.ScanMarketCodeRequest{AppId: app, Openid: "o-1", Code: "123456789"})
	adminWantCode(t, "ScanMarketCode unknown code", err, connect.CodeInvalidArgument, "code")
}

func TestAdminInvoice(t *testing.T) {
	t.Parallel()
	e := newInvoiceEnv(t)
	ctx := context.Background()
	admin := e.env.Admin

	p, err := admin.GetInvoicePappid(ctx, &sandboxv1.GetInvoicePappidRequest{AppId: e.platform})
	if err != nil || p.GetSPappid() != sandbox.InvoicePappid(e.platform) {
		t.Fatalf("GetInvoicePappid = %v %v", p, err)
	}
	pappid := p.GetSPappid()
	wantCode(t, e.call(t, e.merchant, "/card/invoice/setbizattr", url.Values{"action": {"set_contact"}},
		map[string]any{"contact": map[string]any{"phone": "88888888", "time_out": 3600}}), 0)
	order := map[string]any{"s_pappid": pappid, "order_id": "o-1", "money": 1000, "timestamp": 1474875876,
		"source": "web", "redirect_url": "https://example.com/done", "ticket": "t", "type": 1}
	wantCode(t, e.call(t, e.merchant, "/card/invoice/getauthurl", nil, order), 0)

	_, err = admin.AuthorizeInvoice(ctx, &sandboxv1.AuthorizeInvoiceRequest{AppId: e.merchant, OrderId: "o-1", SPappid: pappid, Openid: "o-u"})
	adminWantCode(t, "AuthorizeInvoice without a title", err, connect.CodeInvalidArgument, "title")
	res, err := admin.AuthorizeInvoice(ctx, &sandboxv1.AuthorizeInvoiceRequest{AppId: e.merchant, OrderId: "o-1", SPappid: pappid, Openid: "o-u",
		Title: &sandboxv1.AuthorizeInvoiceRequest_Business{Business: &sandboxv1.InvoiceBusinessTitle{Title: "腾讯", TaxNo: "9144"}}})
	if err != nil || !res.GetPushed() {
		t.Fatalf("AuthorizeInvoice: %v %v", res, err)
	}
	e.waitPush(t, "user_authorize_invoice")
	r := e.call(t, e.merchant, "/card/invoice/getauthdata", nil, map[string]any{"s_pappid": pappid, "order_id": "o-1"})
	wantCode(t, r, 0)
	if invField(t, r, "invoice_status") != "auth success" || !strings.Contains(r.Raw, "腾讯") {
		t.Errorf("getauthdata after AuthorizeInvoice = %s", r.Raw)
	}
	_, err = admin.AuthorizeInvoice(ctx, &sandboxv1.AuthorizeInvoiceRequest{AppId: e.merchant, OrderId: "o-1", SPappid: pappid, Openid: "o-u", Decline: true})
	adminWantCode(t, "AuthorizeInvoice twice", err, connect.CodeFailedPrecondition, "answered already")
	_, err = admin.AuthorizeInvoice(ctx, &sandboxv1.AuthorizeInvoiceRequest{AppId: e.merchant, OrderId: "o-2", SPappid: pappid, Openid: "o-u", Decline: true})
	adminWantCode(t, "AuthorizeInvoice unknown order", err, connect.CodeNotFound, "o-2")

	// Titles: a QR code the scanner reads, and a title submitted through a select link.
	qr, err := admin.AddInvoiceTitleQR(ctx, &sandboxv1.AddInvoiceTitleQRRequest{AppId: e.merchant, Title: &sandboxv1.InvoiceTitle{Title: "张三", Personal: true}})
	if err != nil {
		t.Fatal(err)
	}
	r = e.call(t, e.merchant, "/card/invoice/scantitle", nil, map[string]any{"scan_text": qr.GetScanText()})
	wantCode(t, r, 0)
	if invField(t, r, "title") != "张三" || invField(t, r, "title_type") != "1" {
		t.Errorf("scantitle = %s", r.Raw)
	}
	r = e.call(t, e.merchant, "/card/invoice/biz/getselecttitleurl", nil, map[string]any{"attach": "table-9"})
	sel := invField(t, r, "url")
	sub, err := admin.SubmitInvoiceTitle(ctx, &sandboxv1.SubmitInvoiceTitleRequest{AppId: e.merchant, Openid: "o-u", SelectUrl: sel,
		Title: &sandboxv1.InvoiceTitle{Title: "腾讯"}})
	if err != nil || !sub.GetPushed() {
		t.Fatalf("SubmitInvoiceTitle: %v %v", sub, err)
	}
	if p := e.waitPush(t, "submit_invoice_title"); !strings.Contains(p, "table-9") {
		t.Errorf("submit_invoice_title push = %s", p)
	}
	_, err = admin.SubmitInvoiceTitle(ctx, &sandboxv1.SubmitInvoiceTitleRequest{AppId: e.merchant, Openid: "o-u",
		SelectUrl: "https://mp.weixin.qq.com/bizmall/choseinvoicetitle?s=nope", Title: &sandboxv1.InvoiceTitle{Title: "x"}})
	adminWantCode(t, "SubmitInvoiceTitle unknown link", err, connect.CodeNotFound, "select_url")

	// An invoice card of the platform: unknown codes are NotFound, another account's card too.
	r = e.call(t, e.platform, "/card/invoice/platform/createcard", nil, map[string]any{"invoice_info": map[string]any{
		"base_info": map[string]any{"logo_url": "https://example.com/l.png", "title": "某某餐厅"}, "payee": "某某餐厅有限公司", "type": "增值税普通发票"}})
	wantCode(t, r, 0)
	cardID := invField(t, r, "card_id")
	pdf := invField(t, e.uploadPDF(t, []byte("%PDF-1.4 invoice")), "s_media_id")
	insert := map[string]any{"order_id": "o-1", "card_id": cardID, "appid": e.merchant,
		"card_ext": map[string]any{"nonce_str": "n", "user_card": map[string]any{"invoice_user_data": invoiceUserData(pdf, "044001700111", "70000001")}}}
	r = e.call(t, e.platform, "/card/invoice/insert", nil, insert) // o-1 was authorized over the admin API
	wantCode(t, r, 0)
	code := invField(t, r, "code")
	enc, err := admin.GetInvoiceEncryptCode(ctx, &sandboxv1.GetInvoiceEncryptCodeRequest{AppId: e.platform, CardId: cardID, Code: code})
	if err != nil || enc.GetEncryptCode() == "" {
		t.Fatalf("GetInvoiceEncryptCode: %v %v", enc, err)
	}
	r = e.call(t, e.reim, "/card/invoice/reimburse/getinvoiceinfo", nil, map[string]any{"card_id": cardID, "encrypt_code": enc.GetEncryptCode()})
	wantCode(t, r, 0)
	wantCode(t, e.call(t, e.reim, "/card/invoice/reimburse/updateinvoicestatus", nil,
		map[string]any{"card_id": cardID, "encrypt_code": enc.GetEncryptCode(), "reimburse_status": "INVOICE_REIMBURSE_LOCK"}), 0)
	st, err := admin.GetInvoiceStatus(ctx, &sandboxv1.GetInvoiceStatusRequest{AppId: e.platform, CardId: cardID, Code: code})
	if err != nil || st.GetReimburseStatus() != "INVOICE_REIMBURSE_LOCK" {
		t.Errorf("GetInvoiceStatus after a lock = %v %v", st, err)
	}
	_, err = admin.GetInvoiceStatus(ctx, &sandboxv1.GetInvoiceStatusRequest{AppId: e.platform, CardId: cardID, Code: "nope"})
	adminWantCode(t, "GetInvoiceStatus unknown code", err, connect.CodeNotFound, "nope")
	_, err = admin.GetInvoiceEncryptCode(ctx, &sandboxv1.GetInvoiceEncryptCodeRequest{AppId: e.merchant, CardId: cardID, Code: "nope"})
	adminWantCode(t, "GetInvoiceEncryptCode of another account's card", err, connect.CodeNotFound, cardID)
}

func TestAdminNontax(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	ctx := context.Background()
	app := sandboxtest.DemoAppID
	env.AddUser(t, app, sandbox.User{OpenID: "o-payer"})
	q := url.Values{"access_token": {fetchToken(t, env)}}
	queryfee := fmt.Sprintf(`{"appid":%q,"service_id":1,"payment_notice_no":"n9","department_code":"d9","region_code":"440000"}`, app)
	wantCode(t, do(t, env, http.MethodPost, "/nontax/queryfee", q, queryfee), 40097)

	_, err := env.Admin.AddNontaxBill(ctx, &sandboxv1.AddNontaxBillRequest{AppId: app, Bill: &sandboxv1.NontaxBill{
		RegionCode: "440000", DepartmentCode: "d9", PaymentNoticeNo: "n9", DepartmentName: "交警", UserName: "张三", Fee: 2000,
		Items: []*sandboxv1.NontaxItem{{No: 1, ItemName: "罚款", Fee: 2000}}}})
	if err != nil {
		t.Fatal(err)
	}
	r := do(t, env, http.MethodPost, "/nontax/queryfee", q, queryfee)
	wantCode(t, r, 0)
	if !strings.Contains(r.Raw, `"fee":2000`) || !strings.Contains(r.Raw, "交警") {
		t.Errorf("queryfee after AddNontaxBill = %s", r.Raw)
	}

	// An order of the bill, paid by the payer, notifies the notify URL.
	got := make(chan string, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		got <- string(data)
	}))
	t.Cleanup(srv.Close)
	if _, err := env.Admin.SetNontaxNotifyURL(ctx, &sandboxv1.SetNontaxNotifyURLRequest{AppId: app, Url: srv.URL}); err != nil {
		t.Fatal(err)
	}
	order := fmt.Sprintf(`{"appid":%q,"openid":"o-payer","desc":"fine","fee":2000,"ip":"1.2.3.4","payment_notice_no":"n9",
"department_code":"d9","department_name":"交警","region_code":"440000","items":[{"no":1,"fee":2000}],
"payment_notice_create_time":1700000000,"scene":"biz"}`, app)
	r = do(t, env, http.MethodPost, "/nontax/unifiedorder", q, order)
	wantCode(t, r, 0)
	orderID := field[string](t, r, "order_id")
	if _, err := env.Admin.PayNontaxOrder(ctx, &sandboxv1.PayNontaxOrderRequest{AppId: app, OrderId: orderID}); err != nil {
		t.Fatal(err)
	}
	select {
	case body := <-got:
		if !strings.Contains(body, orderID) {
			t.Errorf("notification = %s", body)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no payment notification")
	}
	var list *sandboxv1.ListNontaxNotificationsResponse
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if list, err = env.Admin.ListNontaxNotifications(ctx, &sandboxv1.ListNontaxNotificationsRequest{AppId: app}); err != nil || len(list.GetNotifications()) > 0 {
			break
		}
	}
	if err != nil || len(list.GetNotifications()) != 1 || list.GetNotifications()[0].GetKind() != "payment" ||
		list.GetNotifications()[0].GetUrl() != srv.URL || list.GetNotifications()[0].GetStatus() != 200 {
		t.Errorf("ListNontaxNotifications = %v %v", list, err)
	}
	_, err = env.Admin.PayNontaxOrder(ctx, &sandboxv1.PayNontaxOrderRequest{AppId: app, OrderId: orderID})
	adminWantCode(t, "PayNontaxOrder twice", err, connect.CodeInvalidArgument, "order_id")

	// Vehicle owners and real names.
	if _, err := env.Admin.SetNontaxVehicleUser(ctx, &sandboxv1.SetNontaxVehicleUserRequest{AppId: app, PlateNumber: "粤B12345", State: "PAUSED"}); err != nil {
		t.Fatal(err)
	}
	_, err = env.Admin.SetNontaxVehicleUser(ctx, &sandboxv1.SetNontaxVehicleUserRequest{AppId: app, PlateNumber: "粤B12345", State: "SLEEPING"})
	adminWantCode(t, "SetNontaxVehicleUser bad state", err, connect.CodeInvalidArgument, "state must be")
	rn, err := env.Admin.AddNontaxRealName(ctx, &sandboxv1.AddNontaxRealNameRequest{AppId: app, Openid: "o-payer", RealName: "张三", CredId: "110101199001011234"})
	if err != nil || rn.GetWxRealnameToken() == "" {
		t.Fatalf("AddNontaxRealName: %v %v", rn, err)
	}
	_, err = env.Admin.SetNontaxNotifyURL(ctx, &sandboxv1.SetNontaxNotifyURLRequest{AppId: app, Url: "ftp://x"})
	adminWantCode(t, "SetNontaxNotifyURL bad url", err, connect.CodeInvalidArgument, "url")
	_, err = env.Admin.AddNontaxBill(ctx, &sandboxv1.AddNontaxBillRequest{AppId: app, Bill: &sandboxv1.NontaxBill{RegionCode: "1", DepartmentCode: "2", PaymentNoticeNo: "3"}})
	adminWantCode(t, "AddNontaxBill without fee", err, connect.CodeInvalidArgument, "bill.fee must be positive")
}

func TestAdminAnalytics(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	ctx := context.Background()
	app := sandboxtest.DemoAppID
	token := fetchToken(t, env)
	one := `{"begin_date":"2025-03-08","end_date":"2025-03-08"}`
	if n := len(analyticsList(t, analyticsPost(t, env, token, "/datacube/getarticlesummary", one))); n != 0 {
		t.Fatalf("%d article rows before recording", n)
	}
	_, err := env.Admin.RecordArticleSummary(ctx, &sandboxv1.RecordArticleSummaryRequest{AppId: app, Rows: []*sandboxv1.ArticleSummaryStat{{
		RefDate: "2025-03-08", Msgid: "100_1", Title: "a", Stats: &sandboxv1.ArticleReadStats{IntPageReadUser: 5, IntPageReadCount: 7}}}})
	if err != nil {
		t.Fatal(err)
	}
	list := analyticsList(t, analyticsPost(t, env, token, "/datacube/getarticlesummary", one))
	if len(list) != 1 || list[0]["msgid"] != "100_1" || jsonNum(list[0]["int_page_read_count"]) != "7" {
		t.Errorf("getarticlesummary = %v", list)
	}

	at := time.Date(2025, 3, 8, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	for range 2 {
		if _, err := env.Admin.RecordUpstreamMessage(ctx, &sandboxv1.RecordUpstreamMessageRequest{AppId: app, Openid: "o-1", MsgType: "text", Time: timestamppb.New(at)}); err != nil {
			t.Fatal(err)
		}
	}
	list = analyticsList(t, analyticsPost(t, env, token, "/datacube/getupstreammsg", one))
	if len(list) != 1 || jsonNum(list[0]["msg_count"]) != "2" || jsonNum(list[0]["msg_user"]) != "1" {
		t.Errorf("getupstreammsg = %v", list)
	}

	_, err = env.Admin.RecordCardBizUinInfo(ctx, &sandboxv1.RecordCardBizUinInfoRequest{AppId: app, Rows: []*sandboxv1.CardBizUinStat{
		{RefDate: "2025-03-08", CondSource: 1, Stats: &sandboxv1.CardStats{ViewCnt: 4}}}})
	if err != nil {
		t.Fatal(err)
	}
	list = analyticsList(t, analyticsPost(t, env, token, "/datacube/getcardbizuininfo", `{"begin_date":"2025-03-08","end_date":"2025-03-08","cond_source":1}`))
	if len(list) != 1 || jsonNum(list[0]["view_cnt"]) != "4" {
		t.Errorf("getcardbizuininfo = %v", list)
	}

	// The remaining recorders accept typed rows (their answers are covered by the
	// analytics tests of the Go methods).
	calls := []struct {
		name string
		call func() error
	}{
		{"RecordArticleTotal", func() error {
			_, err := env.Admin.RecordArticleTotal(ctx, &sandboxv1.RecordArticleTotalRequest{AppId: app, Rows: []*sandboxv1.ArticleTotalStat{{
				RefDate: "2025-03-08", Msgid: "100_1", Details: []*sandboxv1.ArticleTotalDetail{{StatDate: "2025-03-08", TargetUser: 9}}}}})
			return err
		}},
		{"RecordUserRead", func() error {
			_, err := env.Admin.RecordUserRead(ctx, &sandboxv1.RecordUserReadRequest{AppId: app, Rows: []*sandboxv1.UserReadStat{{RefDate: "2025-03-08", Hourly: true, RefHour: 1500}}})
			return err
		}},
		{"RecordUserShare", func() error {
			_, err := env.Admin.RecordUserShare(ctx, &sandboxv1.RecordUserShareRequest{AppId: app, Rows: []*sandboxv1.UserShareStat{{RefDate: "2025-03-08", ShareScene: 1, ShareCount: 3}}})
			return err
		}},
		{"RecordCardCardInfo", func() error {
			_, err := env.Admin.RecordCardCardInfo(ctx, &sandboxv1.RecordCardCardInfoRequest{AppId: app, Rows: []*sandboxv1.CardCardStat{{RefDate: "2025-03-08", CardId: "pcard"}}})
			return err
		}},
		{"RecordMemberCardInfo", func() error {
			_, err := env.Admin.RecordMemberCardInfo(ctx, &sandboxv1.RecordMemberCardInfoRequest{AppId: app, Rows: []*sandboxv1.MemberCardStat{{RefDate: "2025-03-08", ActiveUser: 3}}})
			return err
		}},
		{"RecordMemberCardDetail", func() error {
			_, err := env.Admin.RecordMemberCardDetail(ctx, &sandboxv1.RecordMemberCardDetailRequest{AppId: app, Rows: []*sandboxv1.MemberCardDetailStat{{RefDate: "2025-03-08", CardId: "pmember"}}})
			return err
		}},
		{"RecordPublisherCps", func() error {
			_, err := env.Admin.RecordPublisherCps(ctx, &sandboxv1.RecordPublisherCpsRequest{AppId: app, Rows: []*sandboxv1.PublisherCpsStat{{Date: "2025-03-08", OrderCount: 2}}})
			return err
		}},
		{"SetPublisherSettlement", func() error {
			_, err := env.Admin.SetPublisherSettlement(ctx, &sandboxv1.SetPublisherSettlementRequest{AppId: app, Body: "某公司", RevenueAll: 100,
				Rows: []*sandboxv1.PublisherSettlement{{Date: "2025-03-08", SlotRevenue: []*sandboxv1.PublisherSlotRevenue{{SlotId: "s1", SlotSettledRevenue: 100}}}}})
			return err
		}},
	}
	for _, c := range calls {
		if err := c.call(); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}

	// Publisher statistics.
	_, err = env.Admin.RecordPublisherAdPos(ctx, &sandboxv1.RecordPublisherAdPosRequest{AppId: app, Rows: []*sandboxv1.PublisherAdPosStat{
		{SlotId: 1, AdSlot: "SLOT_ID_BIZ_BOTTOM", Date: "2025-03-08", ExposureCount: 11, Income: 300}}})
	if err != nil {
		t.Fatal(err)
	}
	r := get(t, env, "/publisher/stat", url.Values{"access_token": {token}, "action": {"publisher_adpos_general"}, "page": {"1"},
		"page_size": {"10"}, "start_date": {"2025-03-01"}, "end_date": {"2025-03-09"}})
	if !strings.Contains(r.Raw, `"ad_slot":"SLOT_ID_BIZ_BOTTOM"`) || !strings.Contains(r.Raw, `"exposure_count":11`) {
		t.Errorf("publisher_adpos_general = %s", r.Raw)
	}

	_, err = env.Admin.RecordPublisherAdPos(ctx, &sandboxv1.RecordPublisherAdPosRequest{AppId: app, Rows: []*sandboxv1.PublisherAdPosStat{{AdSlot: "SLOT_X", Date: "2025-03-08"}}})
	adminWantCode(t, "RecordPublisherAdPos bad slot", err, connect.CodeInvalidArgument, "rows[0].ad_slot")
	_, err = env.Admin.RecordUserRead(ctx, &sandboxv1.RecordUserReadRequest{AppId: app, Rows: []*sandboxv1.UserReadStat{{RefDate: "08/03/2025"}}})
	adminWantCode(t, "RecordUserRead bad date", err, connect.CodeInvalidArgument, "rows[0].ref_date must be")
	_, err = env.Admin.RecordMemberCardDetail(ctx, &sandboxv1.RecordMemberCardDetailRequest{AppId: app, Rows: []*sandboxv1.MemberCardDetailStat{{RefDate: "2025-03-08"}}})
	adminWantCode(t, "RecordMemberCardDetail without card", err, connect.CodeInvalidArgument, "rows[0].card_id is required")
	_, err = env.Admin.RecordPublisherCps(ctx, &sandboxv1.RecordPublisherCpsRequest{AppId: app, Rows: []*sandboxv1.PublisherCpsStat{{Date: "2025/03/08"}}})
	adminWantCode(t, "RecordPublisherCps bad date", err, connect.CodeInvalidArgument, "rows[0].date must be")
	_, err = env.Admin.RecordArticleSummary(ctx, &sandboxv1.RecordArticleSummaryRequest{AppId: app})
	adminWantCode(t, "RecordArticleSummary without rows", err, connect.CodeInvalidArgument, "rows")
	_, err = env.Admin.RecordUpstreamMessage(ctx, &sandboxv1.RecordUpstreamMessageRequest{AppId: app, Openid: "o-1", MsgType: "text"})
	adminWantCode(t, "RecordUpstreamMessage without time", err, connect.CodeInvalidArgument, "time")
	_, err = env.Admin.RecordUpstreamMessage(ctx, &sandboxv1.RecordUpstreamMessageRequest{AppId: app, Openid: "o-1", MsgType: "event", Time: timestamppb.New(at)})
	adminWantCode(t, "RecordUpstreamMessage event", err, connect.CodeInvalidArgument, "msg_type")
}

func TestAdminSmart(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	ctx := context.Background()
	app := sandboxtest.DemoAppID
	tok := fetchToken(t, env)
	zhEN := url.Values{"lfrom": {"zh_CN"}, "lto": {"en_US"}}
	if r := smartPost(t, env, tok, "/cgi-bin/media/voice/translatecontent", zhEN, "text/plain", []byte("早上好")); r.smartField("to_content") != "早上好" {
		t.Fatalf("unregistered translation = %s", r.Raw)
	}
	if _, err := env.Admin.SetSmartTranslation(ctx, &sandboxv1.SetSmartTranslationRequest{AppId: app, Lfrom: "zh_CN", Lto: "en_US", Text: "早上好", Translation: "Good morning"}); err != nil {
		t.Fatal(err)
	}
	if r := smartPost(t, env, tok, "/cgi-bin/media/voice/translatecontent", zhEN, "text/plain", []byte("早上好")); r.Errcode != 0 || r.smartField("to_content") != "Good morning" {
		t.Errorf("translate after SetSmartTranslation = %s", r.Raw)
	}

	const cardURL = "https://example.com/id.jpg"
	if _, err := env.Admin.SetSmartImageResult(ctx, &sandboxv1.SetSmartImageResultRequest{AppId: app, Kind: "idcard", ImgUrl: cardURL,
		ResultJson: `{"type":"Front","name":"李四","id":"110101199001011234"}`}); err != nil {
		t.Fatal(err)
	}
	if r := smartPost(t, env, tok, "/cv/ocr/idcard", url.Values{"img_url": {cardURL}, "type": {"photo"}}, "", nil); r.Errcode != 0 || r.smartField("name") != "李四" {
		t.Errorf("idcard after SetSmartImageResult = %s", r.Raw)
	}
	// An empty result_json removes the fixture.
	if _, err := env.Admin.SetSmartImageResult(ctx, &sandboxv1.SetSmartImageResultRequest{AppId: app, Kind: "idcard", ImgUrl: cardURL}); err != nil {
		t.Fatal(err)
	}
	if r := smartPost(t, env, tok, "/cv/ocr/idcard", url.Values{"img_url": {cardURL}, "type": {"photo"}}, "", nil); r.Errcode != 101001 {
		t.Errorf("idcard after removal = %s", r.Raw)
	}

	const q = "明天北京天气"
	if _, err := env.Admin.SetSmartSemanticAnswer(ctx, &sandboxv1.SetSmartSemanticAnswerRequest{AppId: app, Query: q,
		AnswerJson: `{"type":"weather","semantic":{"details":{"city":"北京"},"intent":"SEARCH"}}`}); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"query": q, "category": "weather", "appid": app})
	if r := smartPost(t, env, tok, "/semantic/semproxy/search", nil, "application/json", body); r.Errcode != 0 || r.smartField("type") != "weather" {
		t.Errorf("search after SetSmartSemanticAnswer = %s", r.Raw)
	}
	voice := sandboxtest.MP3(2048)
	if _, err := env.Admin.SetSmartVoiceTranscript(ctx, &sandboxv1.SetSmartVoiceTranscriptRequest{AppId: app, Voice: voice, Text: "你好"}); err != nil {
		t.Fatal(err)
	}
	ctype, form := smartForm(t, "media", "v.mp3", voice)
	if r := smartPost(t, env, tok, "/cgi-bin/media/voice/addvoicetorecofortext", url.Values{"format": {"mp3"}, "voice_id": {"v1"}}, ctype, form); r.Errcode != 0 {
		t.Fatalf("addvoicetorecofortext = %s", r.Raw)
	}
	if r := smartPost(t, env, tok, "/cgi-bin/media/voice/queryrecoresultfortext", url.Values{"voice_id": {"v1"}, "lang": {"zh_CN"}}, "", nil); r.smartField("result") != "你好" {
		t.Errorf("queryrecoresultfortext after SetSmartVoiceTranscript = %s", r.Raw)
	}

	_, err := env.Admin.SetSmartImageResult(ctx, &sandboxv1.SetSmartImageResultRequest{AppId: app, Kind: "idcard", ImgUrl: cardURL, ResultJson: "{not json"})
	adminWantCode(t, "SetSmartImageResult bad JSON", err, connect.CodeInvalidArgument, "result_json")
	_, err = env.Admin.SetSmartImageResult(ctx, &sandboxv1.SetSmartImageResultRequest{AppId: app, Kind: "idcard", ImgUrl: cardURL, Img: []byte("x"), ResultJson: "{}"})
	adminWantCode(t, "SetSmartImageResult url and bytes", err, connect.CodeInvalidArgument, "img_url")
	_, err = env.Admin.SetSmartImageResult(ctx, &sandboxv1.SetSmartImageResultRequest{AppId: app, Kind: "face", ImgUrl: cardURL, ResultJson: "{}"})
	adminWantCode(t, "SetSmartImageResult unknown kind", err, connect.CodeInvalidArgument, "kind")
	_, err = env.Admin.SetSmartSemanticAnswer(ctx, &sandboxv1.SetSmartSemanticAnswerRequest{AppId: app, Query: q, AnswerJson: "[1"})
	adminWantCode(t, "SetSmartSemanticAnswer bad JSON", err, connect.CodeInvalidArgument, "answer_json")
	_, err = env.Admin.SetSmartTranslation(ctx, &sandboxv1.SetSmartTranslationRequest{AppId: app, Lfrom: "ja_JP", Lto: "en_US", Text: "x"})
	adminWantCode(t, "SetSmartTranslation bad lfrom", err, connect.CodeInvalidArgument, "lfrom")
}

func TestAdminGuide(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	ctx := context.Background()
	app := sandboxtest.DemoAppID
	buyer := env.AddUser(t, app, sandbox.User{OpenID: "o-buyer"})
	tok := fetchToken(t, env)
	wantCode(t, postJSON(t, env, "/cgi-bin/guide/addguideacct", tok, map[string]string{"guide_account": "advisor_a"}), 0)
	rec := &sandboxv1.AddGuideChatRecordRequest{AppId: app, GuideAccount: "advisor_a", Openid: buyer.OpenID, Content: "在吗", ContentType: 1, Direction: 2}
	if _, err := env.Admin.AddGuideChatRecord(ctx, rec); err != nil {
		t.Fatal(err)
	}
	r := postJSON(t, env, "/cgi-bin/guide/getguidebuyerchatrecord", tok, map[string]any{"guide_account": "advisor_a", "num": 10})
	wantCode(t, r, 0)
	if field[int](t, r, "total_num") != 1 || !strings.Contains(r.Raw, "在吗") {
		t.Errorf("getguidebuyerchatrecord after AddGuideChatRecord = %s", r.Raw)
	}
	_, err := env.Admin.AddGuideChatRecord(ctx, &sandboxv1.AddGuideChatRecordRequest{AppId: app, GuideAccount: "advisor_b", Openid: buyer.OpenID, ContentType: 1, Direction: 1})
	adminWantCode(t, "AddGuideChatRecord unknown advisor", err, connect.CodeInvalidArgument, "guide_account")
	_, err = env.Admin.AddGuideChatRecord(ctx, &sandboxv1.AddGuideChatRecordRequest{AppId: app, Openid: buyer.OpenID, ContentType: 1, Direction: 1})
	adminWantCode(t, "AddGuideChatRecord without advisor", err, connect.CodeInvalidArgument, "guide_account")
	_, err = env.Admin.AddGuideChatRecord(ctx, &sandboxv1.AddGuideChatRecordRequest{AppId: app, GuideAccount: "advisor_a", Openid: buyer.OpenID, ContentType: 2, Direction: 1})
	adminWantCode(t, "AddGuideChatRecord bad content_type", err, connect.CodeInvalidArgument, "content_type must be")
	if e := fmt.Sprint(err); strings.Contains(e, "record.") {
		t.Errorf("error names the method's field path: %s", e)
	}
}

// TestAdminDomainArguments checks that every domain RPC refuses a missing app_id (and
// its other required fields) before anything happens and answers NotFound for an
// unknown account.
func TestAdminDomainArguments(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	ctx := context.Background()
	a := env.Admin
	const unknown = "wx9999999999999999"
	type call func(appID string) error
	rpcs := map[string]call{
		"ReviewCard": func(id string) error {
			_, err := a.ReviewCard(ctx, &sandboxv1.ReviewCardRequest{AppId: id, CardId: "p1"})
			return err
		},
		"GiveCard": func(id string) error {
			_, err := a.GiveCard(ctx, &sandboxv1.GiveCardRequest{AppId: id, CardId: "p1", Openid: "o-1"})
			return err
		},
		"DeleteUserCard": func(id string) error {
			_, err := a.DeleteUserCard(ctx, &sandboxv1.DeleteUserCardRequest{AppId: id, CardId: "p1", Code: "1"})
			return err
		},
		"FillMemberCardForm": func(id string) error {
			_, err := a.FillMemberCardForm(ctx, &sandboxv1.FillMemberCardFormRequest{AppId: id, CardId: "p1", Openid: "o-1"})
			return err
		},
		"GetCardStatus": func(id string) error {
			_, err := a.GetCardStatus(ctx, &sandboxv1.GetCardStatusRequest{AppId: id, CardId: "p1"})
			return err
		},
		"ScanCardQRCode": func(id string) error {
			_, err := a.ScanCardQRCode(ctx, &sandboxv1.ScanCardQRCodeRequest{AppId: id, Ticket: "t", Openid: "o-1"})
			return err
		},
		"ReviewCardSubMerchant": func(id string) error {
			_, err := a.ReviewCardSubMerchant(ctx, &sandboxv1.ReviewCardSubMerchantRequest{AppId: id, MerchantId: 1})
			return err
		},
		"ReviewPoi": func(id string) error {
			_, err := a.ReviewPoi(ctx, &sandboxv1.ReviewPoiRequest{AppId: id, PoiId: 1})
			return err
		},
		"ReviewStoreMerchant": func(id string) error {
			_, err := a.ReviewStoreMerchant(ctx, &sandboxv1.ReviewStoreMerchantRequest{AppId: id})
			return err
		},
		"ReviewStore": func(id string) error {
			_, err := a.ReviewStore(ctx, &sandboxv1.ReviewStoreRequest{AppId: id, PoiId: 1})
			return err
		},
		"ScanMarketCode": func(id string) error {
			_, err := a.ScanMarketCode(ctx, &sandboxv1.ScanMarketCodeRequest{AppId: id, Openid: "o-1", Code: "123456789"})
			return err
		},
		"GetMarketCodeKey": func(id string) error {
			_, err := a.GetMarketCodeKey(ctx, &sandboxv1.GetMarketCodeKeyRequest{AppId: id})
			return err
		},
		"AuthorizeInvoice": func(id string) error {
			_, err := a.AuthorizeInvoice(ctx, &sandboxv1.AuthorizeInvoiceRequest{AppId: id, OrderId: "o", SPappid: "p", Openid: "o-1", Decline: true})
			return err
		},
		"GetInvoiceEncryptCode": func(id string) error {
			_, err := a.GetInvoiceEncryptCode(ctx, &sandboxv1.GetInvoiceEncryptCodeRequest{AppId: id, CardId: "p1", Code: "1"})
			return err
		},
		"GetInvoiceStatus": func(id string) error {
			_, err := a.GetInvoiceStatus(ctx, &sandboxv1.GetInvoiceStatusRequest{AppId: id, CardId: "p1", Code: "1"})
			return err
		},
		"AddInvoiceTitleQR": func(id string) error {
			_, err := a.AddInvoiceTitleQR(ctx, &sandboxv1.AddInvoiceTitleQRRequest{AppId: id, Title: &sandboxv1.InvoiceTitle{Title: "t"}})
			return err
		},
		"SubmitInvoiceTitle": func(id string) error {
			_, err := a.SubmitInvoiceTitle(ctx, &sandboxv1.SubmitInvoiceTitleRequest{AppId: id, Openid: "o-1", SelectUrl: "https://x/?s=1", Title: &sandboxv1.InvoiceTitle{Title: "t"}})
			return err
		},
		"GetInvoicePappid": func(id string) error {
			_, err := a.GetInvoicePappid(ctx, &sandboxv1.GetInvoicePappidRequest{AppId: id})
			return err
		},
		"AddNontaxBill": func(id string) error {
			_, err := a.AddNontaxBill(ctx, &sandboxv1.AddNontaxBillRequest{AppId: id, Bill: &sandboxv1.NontaxBill{RegionCode: "1", DepartmentCode: "2", PaymentNoticeNo: "3", Fee: 1}})
			return err
		},
		"SetNontaxVehicleUser": func(id string) error {
			_, err := a.SetNontaxVehicleUser(ctx, &sandboxv1.SetNontaxVehicleUserRequest{AppId: id, PlateNumber: "粤B1"})
			return err
		},
		"AddNontaxRealName": func(id string) error {
			_, err := a.AddNontaxRealName(ctx, &sandboxv1.AddNontaxRealNameRequest{AppId: id, RealName: "n", CredId: "c"})
			return err
		},
		"SetNontaxNotifyURL": func(id string) error {
			_, err := a.SetNontaxNotifyURL(ctx, &sandboxv1.SetNontaxNotifyURLRequest{AppId: id})
			return err
		},
		"PayNontaxOrder": func(id string) error {
			_, err := a.PayNontaxOrder(ctx, &sandboxv1.PayNontaxOrderRequest{AppId: id, OrderId: "o"})
			return err
		},
		"ListNontaxNotifications": func(id string) error {
			_, err := a.ListNontaxNotifications(ctx, &sandboxv1.ListNontaxNotificationsRequest{AppId: id})
			return err
		},
		"RecordUpstreamMessage": func(id string) error {
			_, err := a.RecordUpstreamMessage(ctx, &sandboxv1.RecordUpstreamMessageRequest{AppId: id, Openid: "o-1", MsgType: "text", Time: timestamppb.New(start)})
			return err
		},
		"RecordArticleSummary": func(id string) error {
			_, err := a.RecordArticleSummary(ctx, &sandboxv1.RecordArticleSummaryRequest{AppId: id, Rows: []*sandboxv1.ArticleSummaryStat{{RefDate: "2025-03-08", Msgid: "1_1"}}})
			return err
		},
		"RecordArticleTotal": func(id string) error {
			_, err := a.RecordArticleTotal(ctx, &sandboxv1.RecordArticleTotalRequest{AppId: id, Rows: []*sandboxv1.ArticleTotalStat{{RefDate: "2025-03-08", Msgid: "1_1"}}})
			return err
		},
		"RecordUserRead": func(id string) error {
			_, err := a.RecordUserRead(ctx, &sandboxv1.RecordUserReadRequest{AppId: id, Rows: []*sandboxv1.UserReadStat{{RefDate: "2025-03-08"}}})
			return err
		},
		"RecordUserShare": func(id string) error {
			_, err := a.RecordUserShare(ctx, &sandboxv1.RecordUserShareRequest{AppId: id, Rows: []*sandboxv1.UserShareStat{{RefDate: "2025-03-08"}}})
			return err
		},
		"RecordCardBizUinInfo": func(id string) error {
			_, err := a.RecordCardBizUinInfo(ctx, &sandboxv1.RecordCardBizUinInfoRequest{AppId: id, Rows: []*sandboxv1.CardBizUinStat{{RefDate: "2025-03-08"}}})
			return err
		},
		"RecordCardCardInfo": func(id string) error {
			_, err := a.RecordCardCardInfo(ctx, &sandboxv1.RecordCardCardInfoRequest{AppId: id, Rows: []*sandboxv1.CardCardStat{{RefDate: "2025-03-08", CardId: "p"}}})
			return err
		},
		"RecordMemberCardInfo": func(id string) error {
			_, err := a.RecordMemberCardInfo(ctx, &sandboxv1.RecordMemberCardInfoRequest{AppId: id, Rows: []*sandboxv1.MemberCardStat{{RefDate: "2025-03-08"}}})
			return err
		},
		"RecordMemberCardDetail": func(id string) error {
			_, err := a.RecordMemberCardDetail(ctx, &sandboxv1.RecordMemberCardDetailRequest{AppId: id, Rows: []*sandboxv1.MemberCardDetailStat{{RefDate: "2025-03-08", CardId: "p"}}})
			return err
		},
		"RecordPublisherAdPos": func(id string) error {
			_, err := a.RecordPublisherAdPos(ctx, &sandboxv1.RecordPublisherAdPosRequest{AppId: id, Rows: []*sandboxv1.PublisherAdPosStat{{Date: "2025-03-08", AdSlot: "SLOT_ID_BIZ_BOTTOM"}}})
			return err
		},
		"RecordPublisherCps": func(id string) error {
			_, err := a.RecordPublisherCps(ctx, &sandboxv1.RecordPublisherCpsRequest{AppId: id, Rows: []*sandboxv1.PublisherCpsStat{{Date: "2025-03-08"}}})
			return err
		},
		"SetPublisherSettlement": func(id string) error {
			_, err := a.SetPublisherSettlement(ctx, &sandboxv1.SetPublisherSettlementRequest{AppId: id})
			return err
		},
		"SetSmartImageResult": func(id string) error {
			_, err := a.SetSmartImageResult(ctx, &sandboxv1.SetSmartImageResultRequest{AppId: id, Kind: "idcard", ImgUrl: "https://x/a.jpg", ResultJson: `{"type":"Front"}`})
			return err
		},
		"SetSmartVoiceTranscript": func(id string) error {
			_, err := a.SetSmartVoiceTranscript(ctx, &sandboxv1.SetSmartVoiceTranscriptRequest{AppId: id, Voice: []byte("v")})
			return err
		},
		"SetSmartTranslation": func(id string) error {
			_, err := a.SetSmartTranslation(ctx, &sandboxv1.SetSmartTranslationRequest{AppId: id, Lfrom: "zh_CN", Lto: "en_US", Text: "x"})
			return err
		},
		"SetSmartSemanticAnswer": func(id string) error {
			_, err := a.SetSmartSemanticAnswer(ctx, &sandboxv1.SetSmartSemanticAnswerRequest{AppId: id, Query: "q", AnswerJson: `{"type":"weather"}`})
			return err
		},
		"AddGuideChatRecord": func(id string) error {
			_, err := a.AddGuideChatRecord(ctx, &sandboxv1.AddGuideChatRecordRequest{AppId: id, GuideAccount: "g", Openid: "o-1", ContentType: 1, Direction: 1})
			return err
		},
	}
	if len(rpcs) != 41 {
		t.Fatalf("%d RPCs checked, want the 41 domain RPCs", len(rpcs))
	}
	for name, c := range rpcs {
		t.Run(name, func(t *testing.T) {
			adminWantCode(t, "without app_id", c(""), connect.CodeInvalidArgument, "app_id is required")
			adminWantCode(t, "unknown account", c(unknown), connect.CodeNotFound, unknown)
		})
	}

	// Other required fields are named.
	required := []struct {
		name  string
		err   error
		field string
	}{
		{"GiveCard openid", func() error {
			_, err := a.GiveCard(ctx, &sandboxv1.GiveCardRequest{AppId: sandboxtest.DemoAppID, CardId: "p1"})
			return err
		}(), "openid"},
		{"ReviewCard card_id", func() error {
			_, err := a.ReviewCard(ctx, &sandboxv1.ReviewCardRequest{AppId: sandboxtest.DemoAppID})
			return err
		}(), "card_id"},
		{"ReviewPoi poi_id", func() error {
			_, err := a.ReviewPoi(ctx, &sandboxv1.ReviewPoiRequest{AppId: sandboxtest.DemoAppID})
			return err
		}(), "poi_id"},
		{"ScanCardQRCode pick", func() error {
			_, err := a.ScanCardQRCode(ctx, &sandboxv1.ScanCardQRCodeRequest{AppId: sandboxtest.DemoAppID, Ticket: "t", Openid: "o-1", Pick: -1})
			return err
		}(), "pick"},
		{"AddNontaxBill bill", func() error {
			_, err := a.AddNontaxBill(ctx, &sandboxv1.AddNontaxBillRequest{AppId: sandboxtest.DemoAppID})
			return err
		}(), "bill"},
		{"AddInvoiceTitleQR title", func() error {
			_, err := a.AddInvoiceTitleQR(ctx, &sandboxv1.AddInvoiceTitleQRRequest{AppId: sandboxtest.DemoAppID})
			return err
		}(), "title"},
		{"SetSmartVoiceTranscript voice", func() error {
			_, err := a.SetSmartVoiceTranscript(ctx, &sandboxv1.SetSmartVoiceTranscriptRequest{AppId: sandboxtest.DemoAppID})
			return err
		}(), "voice"},
		{"AddGuideChatRecord openid", func() error {
			_, err := a.AddGuideChatRecord(ctx, &sandboxv1.AddGuideChatRecordRequest{AppId: sandboxtest.DemoAppID, GuideAccount: "g"})
			return err
		}(), "openid"},
	}
	for _, r := range required {
		adminWantCode(t, r.name, r.err, connect.CodeInvalidArgument, r.field)
	}
}

// TestAdminDomainsOverREST drives domain RPCs through the grpc-gateway of the one-port
// server that cmd/wxsandbox and `wxsuite dev` run.
func TestAdminDomainsOverREST(t *testing.T) {
	t.Parallel()
	sb := sandbox.New(sandbox.Options{Accounts: []sandbox.Account{sandbox.DemoAccount()}})
	srv, err := sandboxserver.New(sb, rpcserver.Config{Addr: "127.0.0.1:0"}, nil, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop(ctx) })
	base := srv.URL() + "/v1/sandbox/accounts/" + sandbox.DemoAppID
	rest := func(method, path, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(data)
	}
	if code, body := rest(http.MethodGet, "/invoice-pappid", ""); code != http.StatusOK || !strings.Contains(body, sandbox.InvoicePappid(sandbox.DemoAppID)) {
		t.Errorf("GET invoice-pappid: %d %s", code, body)
	}
	if code, body := rest(http.MethodPost, "/nontax-bills", `{"bill":{"region_code":"1","department_code":"2","payment_notice_no":"3","fee":"5"}}`); code != http.StatusOK {
		t.Errorf("POST nontax-bills: %d %s", code, body)
	}
	if code, body := rest(http.MethodPost, "/smart/translations:set", `{"lfrom":"zh_CN","lto":"en_US","text":"你好","translation":"Hello"}`); code != http.StatusOK {
		t.Errorf("POST smart/translations:set: %d %s", code, body)
	}
	tok, _, err := sb.IssueToken(sandbox.DemoAppID)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(srv.URL()+"/cgi-bin/media/voice/translatecontent?lfrom=zh_CN&lto=en_US&access_token="+url.QueryEscape(tok), "text/plain", strings.NewReader("你好"))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(data), `"to_content":"Hello"`) {
		t.Errorf("translatecontent after the REST SetSmartTranslation = %s", data)
	}
	if code, body := rest(http.MethodGet, "/cards/pnope/status", ""); code != http.StatusNotFound || !strings.Contains(body, "pnope") {
		t.Errorf("GET cards/pnope/status: %d %s, want 404", code, body)
	}
	if code, body := rest(http.MethodPost, "/smart/semantic-answers:set", `{"query":"q","answer_json":"{"}`); code != http.StatusBadRequest || !strings.Contains(body, "answer_json") {
		t.Errorf("bad answer_json over REST: %d %s, want 400", code, body)
	}
	if code, body := rest(http.MethodGet, "/nontax-notifications", ""); code != http.StatusOK {
		t.Errorf("GET nontax-notifications: %d %s", code, body)
	}

	// And over gRPC (h2c): what REST set is there.
	var h2c http.Protocols
	h2c.SetUnencryptedHTTP2(true)
	grpc := sandboxv1connect.NewSandboxServiceClient(&http.Client{Transport: &http.Transport{Protocols: &h2c}}, srv.URL(), connect.WithGRPC())
	p, err := grpc.GetInvoicePappid(ctx, &sandboxv1.GetInvoicePappidRequest{AppId: sandbox.DemoAppID})
	if err != nil || p.GetSPappid() != sandbox.InvoicePappid(sandbox.DemoAppID) {
		t.Errorf("gRPC GetInvoicePappid = %v %v", p, err)
	}
	_, err = grpc.GetCardStatus(ctx, &sandboxv1.GetCardStatusRequest{AppId: sandbox.DemoAppID, CardId: "pnope"})
	adminWantCode(t, "gRPC GetCardStatus unknown card", err, connect.CodeNotFound, "pnope")
}

func TestAdminCardMemberAndSubMerchant(t *testing.T) {
	t.Parallel()
	env, rec := adminStartWithCallback(t)
	ctx := context.Background()
	app := sandboxtest.DemoAppID
	token := fetchToken(t, env)
	r := cardCall(t, env, token, "/card/create", cardBody("MEMBER_CARD", map[string]any{"date_info": map[string]any{"type": "DATE_TYPE_PERMANENT"}},
		map[string]any{"prerogative": "九折", "supply_bonus": true}))
	wantCode(t, r, 0)
	var memberID string
	cardField(t, r, "card_id", &memberID)
	if _, err := env.Admin.ReviewCard(ctx, &sandboxv1.ReviewCardRequest{AppId: app, CardId: memberID, Approve: true}); err != nil {
		t.Fatal(err)
	}
	m, err := env.Admin.GiveCard(ctx, &sandboxv1.GiveCardRequest{AppId: app, CardId: memberID, Openid: "o-dan"})
	if err != nil {
		t.Fatal(err)
	}
	form, err := env.Admin.FillMemberCardForm(ctx, &sandboxv1.FillMemberCardFormRequest{AppId: app, CardId: memberID, Openid: "o-dan",
		Common: map[string]string{"USER_FORM_INFO_FLAG_SEX": "MALE"}, Custom: map[string]string{"爱好": "火锅"}})
	if err != nil || form.GetActivateTicket() == "" {
		t.Fatalf("FillMemberCardForm: %v %v", form, err)
	}
	r = cardCall(t, env, token, "/card/membercard/activatetempinfo/get", fmt.Sprintf(`{"activate_ticket":%q}`, form.GetActivateTicket()))
	if !strings.Contains(r.Raw, `"name":"USER_FORM_INFO_FLAG_SEX","value":"MALE"`) || !strings.Contains(r.Raw, "火锅") {
		t.Errorf("activatetempinfo after FillMemberCardForm = %s", r.Raw)
	}
	raw := cardRaw(t, env, token, "/card/membercard/userinfo/get", fmt.Sprintf(`{"card_id":%q,"code":%q}`, memberID, m.GetCode()))
	if !strings.Contains(raw, `"sex":"MALE"`) {
		t.Errorf("userinfo after FillMemberCardForm = %s", raw)
	}
	if n := rec.waitCount("submit_membercard_user_info", 1); n != 1 {
		t.Errorf("submit_membercard_user_info pushed %d times", n)
	}

	// A sub-merchant submitted over the API is reviewed over the admin API.
	sub := fmt.Sprintf(`{"info":{"brand_name":"某某餐厅","logo_url":"http://mmbiz.qpic.cn/l","protocol":"m1","end_time":%d,"primary_category_id":1,"secondary_category_id":101}}`,
		start.Add(365*24*time.Hour).Unix())
	r = cardCall(t, env, token, "/card/submerchant/submit", sub)
	wantCode(t, r, 0)
	var info struct {
		MerchantID uint32 `json:"merchant_id"`
		Status     string `json:"status"`
	}
	cardField(t, r, "info", &info)
	if info.Status != "CHECKING" {
		t.Fatalf("submitted sub-merchant = %s", r.Raw)
	}
	if _, err := env.Admin.ReviewCardSubMerchant(ctx, &sandboxv1.ReviewCardSubMerchantRequest{AppId: app, MerchantId: info.MerchantID, Approve: true}); err != nil {
		t.Fatal(err)
	}
	r = cardCall(t, env, token, "/card/submerchant/get", fmt.Sprintf(`{"merchant_id":%d}`, info.MerchantID))
	if !strings.Contains(r.Raw, `"status":"APPROVED"`) {
		t.Errorf("submerchant/get after ReviewCardSubMerchant = %s", r.Raw)
	}
	if n := rec.waitCount("card_merchant_check_result", 1); n != 1 {
		t.Errorf("card_merchant_check_result pushed %d times", n)
	}
}

func TestAdminStoresMarketCodeAndStores(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	ctx := context.Background()
	app := sandboxtest.DemoAppID
	tok := fetchToken(t, env)

	// 一物一码: the package decrypts with the admin API's key; a scan gives a ticket
	// tickettocode resolves.
	r := storesPost(t, env, tok, "/intp/marketcode/applycode", `{"code_count":20000,"isv_application_id":"admin-1"}`)
	var applicationID int64
	storesField(t, r, "application_id", &applicationID)
	if r.Errcode != 0 {
		t.Fatalf("applycode: %s", r.Raw)
	}
	env.Sandbox.Advance(2 * time.Minute)
	r = storesPost(t, env, tok, "/intp/marketcode/applycodedownload", fmt.Sprintf(`{"application_id":%d,"code_start":0,"code_end":4}`, applicationID))
	var buf string
	storesField(t, r, "buffer", &buf)
	pkg, err := base64.StdEncoding.DecodeString(buf)
	if err != nil {
		t.Fatalf("applycodedownload: %s", r.Raw)
	}
	key, err := env.Admin.GetMarketCodeKey(ctx, &sandboxv1.GetMarketCodeKeyRequest{AppId: app})
	if err != nil {
		t.Fatal(err)
	}
	codes, err := sandbox.DecryptMarketCodes(key.GetKey(), pkg)
	if err != nil || len(codes) != 5 {
		t.Fatalf("package with the admin key: %+v, %v", codes, err)
	}
	_, err = env.Admin.ScanMarketCode(ctx, &sandboxv1.ScanMarketCodeRequest{AppId: app, Openid: "o-user", Code: codes[1].Code})
	adminWantCode(t, "ScanMarketCode inactive", err, connect.CodeInvalidArgument, "not activated")
	act := fmt.Sprintf(`{"application_id":%d,"activity_name":"春节","product_brand":"品牌","product_title":"商品","product_code":"6901234567892","wxa_appid":"wxa1","wxa_path":"pages/index","code_start":0,"code_end":4}`, applicationID)
	if r := storesPost(t, env, tok, "/intp/marketcode/codeactive", act); r.Errcode != 0 {
		t.Fatalf("codeactive: %s", r.Raw)
	}
	scan, err := env.Admin.ScanMarketCode(ctx, &sandboxv1.ScanMarketCodeRequest{AppId: app, Openid: "o-user", Code: codes[1].CodeURL})
	if err != nil || scan.GetCodeTicket() == "" {
		t.Fatalf("ScanMarketCode: %v %v", scan, err)
	}
	r = storesPost(t, env, tok, "/intp/marketcode/tickettocode", `{"openid":"o-user","code_ticket":"`+scan.GetCodeTicket()+`"}`)
	var code string
	storesField(t, r, "code", &code)
	if code != codes[1].Code {
		t.Errorf("tickettocode after ScanMarketCode = %s", r.Raw)
	}

	// Store mini-program: approve the application, then a store.
	if r := storesPost(t, env, tok, "/wxa/apply_merchant", `{"first_catid":278,"second_catid":279,"headimg_mediaid":"m","nickname":"小店小店","intro":"i"}`); r.Errcode != 0 {
		t.Fatalf("apply_merchant: %s", r.Raw)
	}
	if _, err := env.Admin.ReviewStoreMerchant(ctx, &sandboxv1.ReviewStoreMerchantRequest{AppId: app, Approve: true}); err != nil {
		t.Fatal(err)
	}
	addStore := `{"map_poi_id":"3149421079434588470","pic_list":"{\"list\":[\"http://mmbiz.qpic.cn/mmbiz_jpg/p/0\"]}","contract_phone":"13800000000","hour":"09:00-21:00","credential":"91440101MA59"}`
	if r := storesPost(t, env, tok, "/wxa/add_store", addStore); r.Errcode != 0 {
		t.Fatalf("add_store after ReviewStoreMerchant: %s", r.Raw)
	}
	r = storesPost(t, env, tok, "/wxa/get_store_list", `{"offset":0,"limit":10}`)
	var list []map[string]any
	storesField(t, r, "business_list", &list)
	if len(list) != 1 {
		t.Fatalf("get_store_list: %s", r.Raw)
	}
	poiID := list[0]["poi_id"].(string)
	upd := `{"poi_id":"` + poiID + `","hour":"10:00-22:00","contract_phone":"1","pic_list":"{\"list\":[\"http://mmbiz.qpic.cn/x/0\"]}"}`
	if r := storesPost(t, env, tok, "/wxa/update_store", upd); r.Errcode != 65118 {
		t.Fatalf("update under review: %s", r.Raw)
	}
	var id int64
	fmt.Sscan(poiID, &id)
	if _, err := env.Admin.ReviewStore(ctx, &sandboxv1.ReviewStoreRequest{AppId: app, PoiId: id, Approve: true}); err != nil {
		t.Fatal(err)
	}
	if r := storesPost(t, env, tok, "/wxa/update_store", upd); r.Errcode != 0 {
		t.Errorf("update_store after ReviewStore: %s", r.Raw)
	}
}
