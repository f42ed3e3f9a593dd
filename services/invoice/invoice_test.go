package invoice_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"go.uber.org/fx"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	invoicev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/invoice/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/invoice/v1/invoicev1connect"
	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1/messagingv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth/authtest"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
	"github.com/wxsuite/wxsuite/services/internal/servicetest"
	"github.com/wxsuite/wxsuite/services/invoice"
	"github.com/wxsuite/wxsuite/services/messaging"
)

// env is a sandbox and one wxsuite process (token and invoice services) pointed at it,
// with two accounts: a merchant (also the reimburser) and an invoicing platform.
type env struct {
	sb        *sandboxtest.Env
	merchant  string
	platform  string
	url       string
	merchants invoicev1connect.InvoiceMerchantServiceClient
	platforms invoicev1connect.InvoicePlatformServiceClient
	reimburse invoicev1connect.InvoiceReimburseServiceClient
	titles    invoicev1connect.InvoiceTitleServiceClient
	fiscal    invoicev1connect.FiscalBillServiceClient
	events    messagingv1connect.EventServiceClient
	grpcConn  *grpc.ClientConn
}

var randomHex = servicetest.RandomHex

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvAuth(t, "auth: {disabled: true}")
}

// newEnvAuth is newEnv with the given auth section.
func newEnvAuth(t *testing.T, authYAML string) *env {
	t.Helper()
	e := &env{merchant: "wxm" + randomHex(6), platform: "wxp" + randomHex(6)}
	cb := "cb" + randomHex(6)
	var sb *sandbox.Sandbox
	st := servicetest.Start(t, servicetest.Options{
		Accounts: []sandbox.Account{
			{AppID: e.merchant, AppSecret: "secret" + randomHex(6)},
			{AppID: e.platform, AppSecret: "secret" + randomHex(6)},
		},
		CallbackToken: cb,
		Auth:          authYAML,
		Modules:       []fx.Option{invoice.Module, messaging.Module, fx.Supply(invoice.Clock(func() time.Time { return sb.Now() }))},
	})
	sb = st.Sandbox.Sandbox
	e.sb, e.url, e.grpcConn = st.Sandbox, st.URL, st.GRPC
	hc := http.DefaultClient
	e.merchants = invoicev1connect.NewInvoiceMerchantServiceClient(hc, e.url)
	e.platforms = invoicev1connect.NewInvoicePlatformServiceClient(hc, e.url)
	e.reimburse = invoicev1connect.NewInvoiceReimburseServiceClient(hc, e.url)
	e.titles = invoicev1connect.NewInvoiceTitleServiceClient(hc, e.url)
	e.fiscal = invoicev1connect.NewFiscalBillServiceClient(hc, e.url)
	e.events = messagingv1connect.NewEventServiceClient(hc, e.url)
	// WeChat's pushes (user_authorize_invoice, update_invoice_status) go to wxsuite's
	// callback gateway.
	for _, id := range []string{e.merchant, e.platform} {
		e.sb.SetCallback(t, id, e.url+"/wechat/callback/"+id, cb, "", sandbox.EncryptPlain)
	}
	return e
}

// invoiceCalls counts the sandbox's calls of invoice paths for both accounts.
func (e *env) invoiceCalls() int {
	n := 0
	for _, id := range []string{e.merchant, e.platform} {
		for _, c := range e.sb.Sandbox.Calls(sandbox.CallFilter{AppID: id}) {
			if strings.HasPrefix(c.Path, "/card/invoice/") || strings.HasPrefix(c.Path, "/nontax/") {
				n++
			}
		}
	}
	return n
}

// rest sends a REST request and decodes the JSON answer into out (may be nil); it
// returns the HTTP status.
func (e *env) rest(t *testing.T, method, path string, body any, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.url+path, rd)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("REST %s %s: %v (%s)", method, path, err, data)
		}
	}
	return resp.StatusCode
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

func userData(pdf, no, code string) *invoicev1.InvoiceUserData {
	return &invoicev1.InvoiceUserData{Fee: 1060, Title: "腾讯科技", BillingTime: 1480342498, BillingNo: no, BillingCode: code,
		Info: []*invoicev1.InvoiceItem{{Name: "咖啡", Num: 2, Unit: "杯", Price: 530}}, FeeWithoutTax: 1000, Tax: 60,
		SPdfMediaId: pdf, CheckCode: "12345", Remarks: "备注", Maker: "王五"}
}

// authorizedOrder opens order orderID at the merchant for the platform and has the
// sandbox user authorize it; it returns the platform's s_pappid.
func (e *env) authorizedOrder(t *testing.T, orderID string) string {
	t.Helper()
	ctx := t.Context()
	if _, err := e.merchants.SetContact(ctx, &invoicev1.SetContactRequest{AppId: e.merchant, Phone: "0755-8888", TimeOut: 3600}); err != nil {
		t.Fatal(err)
	}
	pu, err := e.platforms.GetPlatformUrl(ctx, &invoicev1.GetPlatformUrlRequest{AppId: e.platform})
	if err != nil {
		t.Fatal(err)
	}
	if pu.GetSPappid() != sandbox.InvoicePappid(e.platform) || !strings.Contains(pu.GetInvoiceUrl(), "s_pappid=") {
		t.Fatalf("GetPlatformUrl = %v", pu)
	}
	au, err := e.merchants.CreateAuthUrl(ctx, &invoicev1.CreateAuthUrlRequest{AppId: e.merchant, SPappid: pu.GetSPappid(), OrderId: orderID,
		Money: 1060, Source: invoicev1.AuthSource_AUTH_SOURCE_WEB, RedirectUrl: "https://shop.example.com/done", Ticket: "wx-card-ticket",
		Type: invoicev1.AuthType_AUTH_TYPE_FILL_TITLE})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(au.GetAuthUrl(), "https://") || au.GetAppid() != "" {
		t.Errorf("CreateAuthUrl = %v", au)
	}
	if _, err := e.sb.Sandbox.AuthorizeInvoice(ctx, e.merchant, pu.GetSPappid(), orderID, sandbox.InvoiceAuthorization{OpenID: "o-buyer",
		Business: &sandbox.InvoiceBusinessTitle{Title: "腾讯科技", TaxNo: "91440300708461136T", Custom: map[string]string{"工号": "42"}}}); err != nil {
		t.Fatal(err)
	}
	return pu.GetSPappid()
}

func TestIssueAndReimburse(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	pappid := e.authorizedOrder(t, "order-1")

	ad, err := e.merchants.GetAuthData(ctx, &invoicev1.GetAuthDataRequest{AppId: e.merchant, SPappid: pappid, OrderId: "order-1"})
	if err != nil {
		t.Fatal(err)
	}
	if ad.GetInvoiceStatus() != "auth success" || ad.GetAuthTime() == 0 || ad.GetBizField().GetTaxNo() != "91440300708461136T" ||
		len(ad.GetBizField().GetCustomField()) != 1 || ad.GetUserField() != nil {
		t.Errorf("GetAuthData = %v", ad)
	}
	_, err = e.merchants.GetAuthData(ctx, &invoicev1.GetAuthDataRequest{AppId: e.merchant, SPappid: pappid, OrderId: "never-opened"})
	wantWeChatCode(t, err, connect.CodeNotFound, 72038)

	card, err := e.platforms.CreateCard(ctx, &invoicev1.CreateCardRequest{AppId: e.platform, BaseInfo: &invoicev1.CardBaseInfo{
		LogoUrl: "https://img.example.com/logo.png", Title: "某某餐厅"}, Payee: "某某餐厅有限公司", Type: "增值税普通发票", Detail: "谢谢惠顾"})
	if err != nil || !strings.HasPrefix(card.GetCardId(), "p") {
		t.Fatalf("CreateCard = %v, %v", card, err)
	}
	up, err := e.platforms.UploadPdf(ctx, &invoicev1.UploadPdfRequest{AppId: e.platform, Pdf: []byte("%PDF-1.4 the invoice")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.sb.Sandbox.InvoicePDF(e.platform, up.GetSMediaId())
	if err != nil || string(got) != "%PDF-1.4 the invoice" {
		t.Errorf("sandbox holds %q, %v", got, err)
	}
	pdf, err := e.platforms.GetPdf(ctx, &invoicev1.GetPdfRequest{AppId: e.platform, SMediaId: up.GetSMediaId()})
	if err != nil || !strings.Contains(pdf.GetPdfUrl(), up.GetSMediaId()) || pdf.GetPdfUrlExpireTime() <= 0 {
		t.Errorf("GetPdf = %v, %v", pdf, err)
	}
	_, err = e.platforms.GetPdf(ctx, &invoicev1.GetPdfRequest{AppId: e.platform, SMediaId: "123"})
	wantWeChatCode(t, err, connect.CodeNotFound, 40007)

	ins := &invoicev1.InsertInvoiceRequest{AppId: e.platform, CardId: card.GetCardId(), OrderId: "order-1", Appid: e.merchant,
		UserData: userData(up.GetSMediaId(), "044001700111", "70000001")}
	inserted, err := e.platforms.InsertInvoice(ctx, ins)
	if err != nil {
		t.Fatal(err)
	}
	if inserted.GetOpenid() != "o-buyer" || len(inserted.GetCode()) != 12 {
		t.Errorf("InsertInvoice = %v", inserted)
	}
	before := e.invoiceCalls()
	_, err = e.platforms.InsertInvoice(ctx, ins)
	wantWeChatCode(t, err, connect.CodeAlreadyExists, 72018)
	if e.invoiceCalls()-before != 1 {
		t.Errorf("a non-idempotent insert was retried: %d calls", e.invoiceCalls()-before)
	}

	// The reimburser (the merchant account here) reads and locks the invoice.
	enc, err := e.sb.Sandbox.InvoiceEncryptCode(card.GetCardId(), inserted.GetCode())
	if err != nil {
		t.Fatal(err)
	}
	ref := &invoicev1.InvoiceRef{CardId: card.GetCardId(), EncryptCode: enc}
	info, err := e.reimburse.GetInvoiceInfo(ctx, &invoicev1.GetInvoiceInfoRequest{AppId: e.merchant, CardId: ref.CardId, EncryptCode: enc})
	if err != nil {
		t.Fatal(err)
	}
	inv := info.GetInvoice()
	if inv.GetPayee() != "某某餐厅有限公司" || inv.GetOpenid() != "o-buyer" || inv.GetUserInfo().GetFee() != 1060 ||
		inv.GetUserInfo().GetReimburseStatus() != invoicev1.ReimburseStatus_REIMBURSE_STATUS_INIT ||
		len(inv.GetUserInfo().GetInfo()) != 1 || inv.GetUserInfo().GetMaker() != "王五" || inv.GetUserInfo().GetPdfUrl() == "" {
		t.Errorf("GetInvoiceInfo = %v", inv)
	}
	_, err = e.reimburse.UpdateInvoiceStatus(ctx, &invoicev1.UpdateInvoiceStatusRequest{AppId: e.merchant, CardId: ref.CardId, EncryptCode: enc,
		ReimburseStatus: invoicev1.ReimburseStatus_REIMBURSE_STATUS_CLOSURE})
	wantWeChatCode(t, err, connect.CodeFailedPrecondition, 72039)
	if _, err := e.reimburse.UpdateInvoiceStatus(ctx, &invoicev1.UpdateInvoiceStatusRequest{AppId: e.merchant, CardId: ref.CardId, EncryptCode: enc,
		ReimburseStatus: invoicev1.ReimburseStatus_REIMBURSE_STATUS_LOCK}); err != nil {
		t.Fatal(err)
	}
	batch, err := e.reimburse.BatchGetInvoiceInfo(ctx, &invoicev1.BatchGetInvoiceInfoRequest{AppId: e.merchant, Items: []*invoicev1.InvoiceRef{ref, ref}})
	if err != nil || len(batch.GetInvoices()) != 2 || batch.GetInvoices()[1].GetUserInfo().GetReimburseStatus() != invoicev1.ReimburseStatus_REIMBURSE_STATUS_LOCK {
		t.Errorf("BatchGetInvoiceInfo = %v, %v", batch, err)
	}
	_, err = e.reimburse.BatchUpdateInvoiceStatus(ctx, &invoicev1.BatchUpdateInvoiceStatusRequest{AppId: e.merchant, Openid: "o-someone-else",
		ReimburseStatus: invoicev1.ReimburseStatus_REIMBURSE_STATUS_CLOSURE, Items: []*invoicev1.InvoiceRef{ref}})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 72037)
	// A second apart: receivers de-duplicate events by FromUserName + CreateTime (+ Event),
	// so two status pushes of one user within a second look like one.
	e.sb.Sandbox.Advance(2 * time.Second)
	if _, err := e.reimburse.BatchUpdateInvoiceStatus(ctx, &invoicev1.BatchUpdateInvoiceStatusRequest{AppId: e.merchant, Openid: "o-buyer",
		ReimburseStatus: invoicev1.ReimburseStatus_REIMBURSE_STATUS_CLOSURE, Items: []*invoicev1.InvoiceRef{ref}}); err != nil {
		t.Fatal(err)
	}
	if st, _ := e.sb.Sandbox.InvoiceStatus(card.GetCardId(), inserted.GetCode()); st != "INVOICE_REIMBURSE_CLOSURE" {
		t.Errorf("sandbox status = %s", st)
	}
	_, err = e.reimburse.UpdateInvoiceStatus(ctx, &invoicev1.UpdateInvoiceStatusRequest{AppId: e.merchant, CardId: ref.CardId, EncryptCode: enc,
		ReimburseStatus: invoicev1.ReimburseStatus_REIMBURSE_STATUS_INIT})
	wantWeChatCode(t, err, connect.CodeFailedPrecondition, 72061)

	// The platform cancels it.
	if _, err := e.platforms.UpdateStatus(ctx, &invoicev1.UpdateStatusRequest{AppId: e.platform, CardId: card.GetCardId(), Code: inserted.GetCode(),
		ReimburseStatus: invoicev1.ReimburseStatus_REIMBURSE_STATUS_CANCEL}); err != nil {
		t.Fatal(err)
	}
	_, err = e.platforms.UpdateStatus(ctx, &invoicev1.UpdateStatusRequest{AppId: e.platform, CardId: card.GetCardId(), Code: "000000000000",
		ReimburseStatus: invoicev1.ReimburseStatus_REIMBURSE_STATUS_LOCK})
	wantWeChatCode(t, err, connect.CodeNotFound, 73200)

	// WeChat told the merchant about the authorization and the platform about the status
	// changes; both are typed events in wxsuite's event stream.
	evs, err := e.events.ListEvents(ctx, &messagingv1.ListEventsRequest{AppId: e.merchant})
	if err != nil || len(evs.GetEvents()) != 1 || evs.GetEvents()[0].GetUserAuthorizeInvoice().GetSuccOrderId() != "order-1" ||
		evs.GetEvents()[0].GetUserAuthorizeInvoice().GetSource() != "web" {
		t.Errorf("merchant events = %v, %v", evs, err)
	}
	var statuses []string
	for deadline := time.Now().Add(5 * time.Second); len(statuses) < 2 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		evs, err := e.events.ListEvents(ctx, &messagingv1.ListEventsRequest{AppId: e.platform})
		if err != nil {
			t.Fatal(err)
		}
		statuses = statuses[:0]
		for _, ev := range evs.GetEvents() {
			if st := ev.GetUpdateInvoiceStatus(); st.GetCode() == inserted.GetCode() {
				statuses = append(statuses, st.GetStatus())
			}
		}
	}
	if !slices.Contains(statuses, "INVOICE_REIMBURSE_LOCK") || !slices.Contains(statuses, "INVOICE_REIMBURSE_CLOSURE") {
		t.Errorf("platform update_invoice_status events: %v", statuses)
	}

	// gRPC and REST reach the platform and reimburser services too.
	gp := invoicev1.NewInvoicePlatformServiceClient(e.grpcConn)
	if r, err := gp.GetPlatformUrl(ctx, &invoicev1.GetPlatformUrlRequest{AppId: e.platform}); err != nil || r.GetSPappid() != pappid {
		t.Errorf("gRPC GetPlatformUrl = %v, %v", r, err)
	}
	if _, err := gp.GetPdf(ctx, &invoicev1.GetPdfRequest{AppId: e.platform, SMediaId: "1"}); status.Code(err) != codes.NotFound {
		t.Errorf("gRPC GetPdf of an unknown PDF: %v", err)
	}
	var restPDF struct {
		PdfURL string `json:"pdf_url"`
	}
	if code := e.rest(t, http.MethodGet, "/v1/apps/"+e.platform+"/invoice/pdfs/"+up.GetSMediaId(), nil, &restPDF); code != 200 || restPDF.PdfURL == "" {
		t.Errorf("REST GetPdf: HTTP %d %v", code, restPDF)
	}
	gr := invoicev1.NewInvoiceReimburseServiceClient(e.grpcConn)
	if r, err := gr.GetInvoiceInfo(ctx, &invoicev1.GetInvoiceInfoRequest{AppId: e.merchant, CardId: ref.CardId, EncryptCode: enc}); err != nil ||
		r.GetInvoice().GetUserInfo().GetReimburseStatus() != invoicev1.ReimburseStatus_REIMBURSE_STATUS_CANCEL {
		t.Errorf("gRPC GetInvoiceInfo = %v, %v", r, err)
	}
	var restInfo struct {
		Invoice struct {
			UserInfo struct {
				ReimburseStatus string `json:"reimburse_status"`
			} `json:"user_info"`
		} `json:"invoice"`
	}
	if code := e.rest(t, http.MethodPost, "/v1/apps/"+e.merchant+"/invoice/reimburse:get", map[string]string{"cardId": ref.CardId, "encryptCode": enc}, &restInfo); code != 200 ||
		restInfo.Invoice.UserInfo.ReimburseStatus != "REIMBURSE_STATUS_CANCEL" {
		t.Errorf("REST GetInvoiceInfo: HTTP %d %+v", code, restInfo)
	}
}

func TestMerchantSettingsAndUnifiedInvoicing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()

	_, err := e.merchants.GetContact(ctx, &invoicev1.GetContactRequest{AppId: e.merchant})
	wantWeChatCode(t, err, connect.CodeFailedPrecondition, 72063)
	_, err = e.merchants.GetPayMch(ctx, &invoicev1.GetPayMchRequest{AppId: e.merchant})
	wantWeChatCode(t, err, connect.CodeNotFound, 72028)
	_, err = e.merchants.GetAuthField(ctx, &invoicev1.GetAuthFieldRequest{AppId: e.merchant})
	wantWeChatCode(t, err, connect.CodeNotFound, 72029)

	pappid := sandbox.InvoicePappid(e.platform)
	if _, err := e.merchants.SetPayMch(ctx, &invoicev1.SetPayMchRequest{AppId: e.merchant, Mchid: "1900000109", SPappid: pappid}); err != nil {
		t.Fatal(err)
	}
	pm, err := e.merchants.GetPayMch(ctx, &invoicev1.GetPayMchRequest{AppId: e.merchant})
	if err != nil || pm.GetMchid() != "1900000109" || pm.GetSPappid() != pappid {
		t.Errorf("GetPayMch = %v, %v", pm, err)
	}
	_, err = e.merchants.SetPayMch(ctx, &invoicev1.SetPayMchRequest{AppId: e.merchant, Mchid: "1900000109", SPappid: "unknown-platform"})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 72031)

	set := &invoicev1.SetAuthFieldRequest{AppId: e.merchant,
		UserField: &invoicev1.AuthUserFieldSetting{ShowTitle: true, ShowEmail: true, RequireEmail: true},
		BizField: &invoicev1.AuthBizFieldSetting{ShowTitle: true, ShowTaxNo: true, RequireTaxNo: true,
			CustomField: []*invoicev1.AuthCustomFieldSetting{{Key: "部门", IsRequire: true}}}}
	if _, err := e.merchants.SetAuthField(ctx, set); err != nil {
		t.Fatal(err)
	}
	af, err := e.merchants.GetAuthField(ctx, &invoicev1.GetAuthFieldRequest{AppId: e.merchant})
	if err != nil || !af.GetUserField().GetRequireEmail() || af.GetUserField().GetShowPhone() || !af.GetBizField().GetRequireTaxNo() ||
		af.GetBizField().GetCustomField()[0].GetKey() != "部门" || !af.GetBizField().GetCustomField()[0].GetIsRequire() {
		t.Errorf("GetAuthField = %v, %v", af, err)
	}

	// An order the merchant refuses cannot be inserted.
	e.authorizedOrder(t, "order-refused")
	ct, err := e.merchants.GetContact(ctx, &invoicev1.GetContactRequest{AppId: e.merchant})
	if err != nil || ct.GetTimeOut() != 3600 || ct.GetPhone() != "0755-8888" {
		t.Errorf("GetContact = %v, %v", ct, err)
	}
	if _, err := e.merchants.RejectInsert(ctx, &invoicev1.RejectInsertRequest{AppId: e.merchant, SPappid: pappid, OrderId: "order-refused",
		Reason: "发票信息有误", Url: "https://shop.example.com/help"}); err != nil {
		t.Fatal(err)
	}
	card, err := e.platforms.CreateCard(ctx, &invoicev1.CreateCardRequest{AppId: e.platform, BaseInfo: &invoicev1.CardBaseInfo{
		LogoUrl: "https://img.example.com/logo.png", Title: "店"}, Payee: "店", Type: "普票"})
	if err != nil {
		t.Fatal(err)
	}
	up, err := e.platforms.UploadPdf(ctx, &invoicev1.UploadPdfRequest{AppId: e.platform, Pdf: []byte("%PDF-1.4"), Filename: "a.pdf"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.platforms.InsertInvoice(ctx, &invoicev1.InsertInvoiceRequest{AppId: e.platform, CardId: card.GetCardId(), OrderId: "order-refused",
		Appid: e.merchant, UserData: userData(up.GetSMediaId(), "1", "2")})
	wantWeChatCode(t, err, connect.CodeFailedPrecondition, 72035)

	// The unified interface: issue, query, red-flush.
	blue := &invoicev1.MakeOutInvoiceRequest{AppId: e.merchant, Wxopenid: "o-buyer", Ddh: "ddh-1", Fpqqlsh: "fp-1", Nsrsbh: "110109500321655",
		Nsrmc: "某某公司", Nsrdz: "深圳", Nsrdh: "0755", Ghfmc: "腾讯", Kpr: "张三", Jshj: "1.06", Hjje: "1.00", Hjse: "0.06", Hylx: "0",
		InvoicedetailList: []*invoicev1.BlueInvoiceLine{{Fphxz: "0", Xmmc: "咖啡", Xmsl: "1", Xmdj: "1.00", Xmje: "1.00", Sl: "0.06", Se: "0.06"}}}
	if _, err := e.merchants.MakeOutInvoice(ctx, blue); err != nil {
		t.Fatal(err)
	}
	other := proto.CloneOf(blue)
	other.Fpqqlsh = "fp-2"
	_, err = e.merchants.MakeOutInvoice(ctx, other)
	wantWeChatCode(t, err, connect.CodeAlreadyExists, 73108)
	q, err := e.merchants.QueryInvoiceInfo(ctx, &invoicev1.QueryInvoiceInfoRequest{AppId: e.merchant, Fpqqlsh: "fp-1", Nsrsbh: "110109500321655"})
	if err != nil || len(q.GetFpdm()) != 12 || len(q.GetFphm()) != 8 || q.GetFpqqlsh() != "fp-1" || q.GetPdfurl() == "" {
		t.Fatalf("QueryInvoiceInfo = %v, %v", q, err)
	}
	_, err = e.merchants.QueryInvoiceInfo(ctx, &invoicev1.QueryInvoiceInfoRequest{AppId: e.merchant, Fpqqlsh: "fp-404", Nsrsbh: "110109500321655"})
	wantWeChatCode(t, err, connect.CodeNotFound, 73109)
	red := &invoicev1.ClearOutInvoiceRequest{AppId: e.merchant, Wxopenid: "o-buyer", Fpqqlsh: "fp-red-1", Nsrsbh: "110109500321655",
		Nsrmc: "某某公司", Yfpdm: q.GetFpdm(), Yfphm: q.GetFphm()}
	if _, err := e.merchants.ClearOutInvoice(ctx, red); err != nil {
		t.Fatal(err)
	}
	red.Fpqqlsh = "fp-red-2"
	_, err = e.merchants.ClearOutInvoice(ctx, red)
	wantWeChatCode(t, err, connect.CodeFailedPrecondition, 72024)

	// gRPC and REST reach the merchant service.
	gm := invoicev1.NewInvoiceMerchantServiceClient(e.grpcConn)
	if r, err := gm.GetContact(ctx, &invoicev1.GetContactRequest{AppId: e.merchant}); err != nil || r.GetTimeOut() != 3600 {
		t.Errorf("gRPC GetContact = %v, %v", r, err)
	}
	var restContact struct {
		Phone   string `json:"phone"`
		TimeOut string `json:"time_out"`
	}
	if code := e.rest(t, http.MethodGet, "/v1/apps/"+e.merchant+"/invoice/contact", nil, &restContact); code != 200 || restContact.TimeOut != "3600" {
		t.Errorf("REST GetContact: HTTP %d %+v", code, restContact)
	}
	if code := e.rest(t, http.MethodGet, "/v1/apps/"+e.merchant+"/invoice/issued-invoices/fp-404?nsrsbh=110109500321655", nil, nil); code != http.StatusNotFound {
		t.Errorf("REST QueryInvoiceInfo of an unknown serial: HTTP %d", code)
	}
}

func TestTitlesAndFiscalBills(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()

	ut, err := e.titles.GetUserTitleUrl(ctx, &invoicev1.GetUserTitleUrlRequest{AppId: e.merchant, Title: "腾讯科技", TaxNo: "9144"})
	if err != nil || !strings.HasPrefix(ut.GetUrl(), "https://") {
		t.Errorf("GetUserTitleUrl = %v, %v", ut, err)
	}
	st, err := e.titles.GetSelectTitleUrl(ctx, &invoicev1.GetSelectTitleUrlRequest{AppId: e.merchant, Attach: "table-7", BizName: "某某餐厅"})
	if err != nil || st.GetUrl() == "" {
		t.Fatalf("GetSelectTitleUrl = %v, %v", st, err)
	}
	text, err := e.sb.Sandbox.AddInvoiceTitleQR(e.merchant, sandbox.InvoiceTitle{Personal: true, Title: "张三", Phone: "138", Email: "z@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := e.titles.ScanTitle(ctx, &invoicev1.ScanTitleRequest{AppId: e.merchant, ScanText: text})
	if err != nil || sc.GetTitleType() != invoicev1.TitleType_TITLE_TYPE_PERSONAL || sc.GetTitle() != "张三" || sc.GetEmail() != "z@example.com" {
		t.Errorf("ScanTitle = %v, %v", sc, err)
	}
	_, err = e.titles.ScanTitle(ctx, &invoicev1.ScanTitleRequest{AppId: e.merchant, ScanText: "stale"})
	wantWeChatCode(t, err, connect.CodeNotFound, 72044)
	gt := invoicev1.NewInvoiceTitleServiceClient(e.grpcConn)
	if r, err := gt.ScanTitle(ctx, &invoicev1.ScanTitleRequest{AppId: e.merchant, ScanText: text}); err != nil || r.GetTitle() != "张三" {
		t.Errorf("gRPC ScanTitle = %v, %v", r, err)
	}
	var restURL struct {
		URL string `json:"url"`
	}
	if code := e.rest(t, http.MethodPost, "/v1/apps/"+e.merchant+"/invoice/titles:userTitleUrl", map[string]any{"userFill": true}, &restURL); code != 200 || restURL.URL == "" {
		t.Errorf("REST GetUserTitleUrl: HTTP %d %+v", code, restURL)
	}

	// Fiscal bills: the merchant is the collecting unit, the platform the finance bureau.
	pappid := sandbox.InvoicePappid(e.platform)
	ba, err := e.fiscal.CreateBillAuthUrl(ctx, &invoicev1.CreateBillAuthUrlRequest{AppId: e.merchant, SPappid: pappid, OrderId: "bill-1",
		Money: 5000, Source: invoicev1.AuthSource_AUTH_SOURCE_APP, Ticket: "wx-card-ticket"})
	if err != nil || ba.GetAuthUrl() == "" || ba.GetExpireTime() <= 0 {
		t.Fatalf("CreateBillAuthUrl = %v, %v", ba, err)
	}
	bc, err := e.fiscal.CreateBillCard(ctx, &invoicev1.CreateBillCardRequest{AppId: e.platform, LogoUrl: "https://img.example.com/bureau.png", Payee: "某某市公安局"})
	if err != nil {
		t.Fatal(err)
	}
	up, err := e.platforms.UploadPdf(ctx, &invoicev1.UploadPdfRequest{AppId: e.platform, Pdf: []byte("%PDF-1.7 bill")})
	if err != nil {
		t.Fatal(err)
	}
	bill := &invoicev1.InsertBillRequest{AppId: e.platform, CardId: bc.GetCardId(), OrderId: "bill-1", Appid: e.merchant,
		UserData: userData(up.GetSMediaId(), "3400", "0001")}
	_, err = e.fiscal.InsertBill(ctx, bill)
	wantWeChatCode(t, err, connect.CodeFailedPrecondition, 72038) // not authorized yet
	if _, err := e.sb.Sandbox.AuthorizeInvoice(ctx, e.merchant, pappid, "bill-1", sandbox.InvoiceAuthorization{OpenID: "o-citizen",
		Personal: &sandbox.InvoicePersonalTitle{Title: "李四"}}); err != nil {
		t.Fatal(err)
	}
	ib, err := e.fiscal.InsertBill(ctx, bill)
	if err != nil || ib.GetOpenid() != "o-citizen" || ib.GetCode() == "" {
		t.Errorf("InsertBill = %v, %v", ib, err)
	}
	gf := invoicev1.NewFiscalBillServiceClient(e.grpcConn)
	if r, err := gf.CreateBillCard(ctx, &invoicev1.CreateBillCardRequest{AppId: e.platform, LogoUrl: "https://img.example.com/b.png", Payee: "局"}); err != nil || r.GetCardId() == "" {
		t.Errorf("gRPC CreateBillCard = %v, %v", r, err)
	}
	var restCard struct {
		CardID string `json:"card_id"`
	}
	if code := e.rest(t, http.MethodPost, "/v1/apps/"+e.platform+"/fiscal-bills/cards", map[string]any{"logoUrl": "https://img.example.com/c.png", "payee": "局"}, &restCard); code != 200 || restCard.CardID == "" {
		t.Errorf("REST CreateBillCard: HTTP %d %+v", code, restCard)
	}
}

// TestBadInput checks that malformed requests are refused with InvalidArgument naming
// the field, before anything reaches WeChat.
func TestBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	m, p, r, ti, f := e.merchants, e.platforms, e.reimburse, e.titles, e.fiscal
	okOrder := func() *invoicev1.CreateAuthUrlRequest {
		return &invoicev1.CreateAuthUrlRequest{AppId: e.merchant, SPappid: "p", OrderId: "o", Source: invoicev1.AuthSource_AUTH_SOURCE_APP,
			Ticket: "t", Type: invoicev1.AuthType_AUTH_TYPE_APPLY}
	}
	with := func(mod func(*invoicev1.CreateAuthUrlRequest)) *invoicev1.CreateAuthUrlRequest {
		o := okOrder()
		mod(o)
		return o
	}
	ref := []*invoicev1.InvoiceRef{{CardId: "c", EncryptCode: "e"}}
	tests := []struct {
		name      string
		call      func(context.Context) error
		wantField string
	}{
		{"no app_id", func(ctx context.Context) error {
			_, err := m.GetContact(ctx, &invoicev1.GetContactRequest{})
			return err
		}, "app_id"},
		{"auth url without order", func(ctx context.Context) error {
			_, err := m.CreateAuthUrl(ctx, with(func(o *invoicev1.CreateAuthUrlRequest) { o.OrderId = "" }))
			return err
		}, "order_id"},
		{"auth url long order", func(ctx context.Context) error {
			_, err := m.CreateAuthUrl(ctx, with(func(o *invoicev1.CreateAuthUrlRequest) { o.OrderId = strings.Repeat("x", 65) }))
			return err
		}, "order_id"},
		{"auth url negative money", func(ctx context.Context) error {
			_, err := m.CreateAuthUrl(ctx, with(func(o *invoicev1.CreateAuthUrlRequest) { o.Money = -1 }))
			return err
		}, "money"},
		{"auth url web without redirect", func(ctx context.Context) error {
			_, err := m.CreateAuthUrl(ctx, with(func(o *invoicev1.CreateAuthUrlRequest) { o.Source = invoicev1.AuthSource_AUTH_SOURCE_WEB }))
			return err
		}, "redirect_url"},
		{"auth url no source", func(ctx context.Context) error {
			_, err := m.CreateAuthUrl(ctx, with(func(o *invoicev1.CreateAuthUrlRequest) { o.Source = 0 }))
			return err
		}, "source"},
		{"auth url no type", func(ctx context.Context) error {
			_, err := m.CreateAuthUrl(ctx, with(func(o *invoicev1.CreateAuthUrlRequest) { o.Type = 0 }))
			return err
		}, "type"},
		{"auth url no ticket", func(ctx context.Context) error {
			_, err := m.CreateAuthUrl(ctx, with(func(o *invoicev1.CreateAuthUrlRequest) { o.Ticket = "" }))
			return err
		}, "ticket"},
		{"auth data no s_pappid", func(ctx context.Context) error {
			_, err := m.GetAuthData(ctx, &invoicev1.GetAuthDataRequest{AppId: e.merchant, OrderId: "o"})
			return err
		}, "s_pappid"},
		{"reject without reason", func(ctx context.Context) error {
			_, err := m.RejectInsert(ctx, &invoicev1.RejectInsertRequest{AppId: e.merchant, OrderId: "o", SPappid: "p"})
			return err
		}, "reason"},
		{"reject bad url", func(ctx context.Context) error {
			_, err := m.RejectInsert(ctx, &invoicev1.RejectInsertRequest{AppId: e.merchant, OrderId: "o", SPappid: "p", Reason: "r", Url: "ftp://x"})
			return err
		}, "url"},
		{"auth field empty", func(ctx context.Context) error {
			_, err := m.SetAuthField(ctx, &invoicev1.SetAuthFieldRequest{AppId: e.merchant})
			return err
		}, "user_field"},
		{"auth field blank custom key", func(ctx context.Context) error {
			_, err := m.SetAuthField(ctx, &invoicev1.SetAuthFieldRequest{AppId: e.merchant, BizField: &invoicev1.AuthBizFieldSetting{
				CustomField: []*invoicev1.AuthCustomFieldSetting{{Key: "a"}, {Key: " "}}}})
			return err
		}, "biz_field.custom_field[1].key"},
		{"pay mch letters", func(ctx context.Context) error {
			_, err := m.SetPayMch(ctx, &invoicev1.SetPayMchRequest{AppId: e.merchant, Mchid: "19x", SPappid: "p"})
			return err
		}, "mchid"},
		{"contact zero time_out", func(ctx context.Context) error {
			_, err := m.SetContact(ctx, &invoicev1.SetContactRequest{AppId: e.merchant, Phone: "1"})
			return err
		}, "time_out"},
		{"make out bad openid", func(ctx context.Context) error {
			_, err := m.MakeOutInvoice(ctx, &invoicev1.MakeOutInvoiceRequest{AppId: e.merchant, Wxopenid: "o b"})
			return err
		}, "wxopenid"},
		{"make out bad amount", func(ctx context.Context) error {
			_, err := m.MakeOutInvoice(ctx, &invoicev1.MakeOutInvoiceRequest{AppId: e.merchant, Wxopenid: "o", Ddh: "d", Fpqqlsh: "f",
				Nsrsbh: "1", Nsrmc: "n", Nsrdz: "a", Nsrdh: "p", Ghfmc: "g", Kpr: "k", Jshj: "1.234", Hjje: "1", Hjse: "0", Hylx: "0"})
			return err
		}, "jshj"},
		{"make out no lines", func(ctx context.Context) error {
			_, err := m.MakeOutInvoice(ctx, &invoicev1.MakeOutInvoiceRequest{AppId: e.merchant, Wxopenid: "o", Ddh: "d", Fpqqlsh: "f",
				Nsrsbh: "1", Nsrmc: "n", Nsrdz: "a", Nsrdh: "p", Ghfmc: "g", Kpr: "k", Jshj: "1.06", Hjje: "1", Hjse: "0.06", Hylx: "0"})
			return err
		}, "invoicedetail_list"},
		{"clear out no yfphm", func(ctx context.Context) error {
			_, err := m.ClearOutInvoice(ctx, &invoicev1.ClearOutInvoiceRequest{AppId: e.merchant, Wxopenid: "o", Fpqqlsh: "f", Nsrsbh: "1", Nsrmc: "n", Yfpdm: "1"})
			return err
		}, "yfphm"},
		{"query no nsrsbh", func(ctx context.Context) error {
			_, err := m.QueryInvoiceInfo(ctx, &invoicev1.QueryInvoiceInfoRequest{AppId: e.merchant, Fpqqlsh: "f"})
			return err
		}, "nsrsbh"},
		{"card without base_info", func(ctx context.Context) error {
			_, err := p.CreateCard(ctx, &invoicev1.CreateCardRequest{AppId: e.platform, Payee: "x", Type: "t"})
			return err
		}, "base_info"},
		{"card bad logo", func(ctx context.Context) error {
			_, err := p.CreateCard(ctx, &invoicev1.CreateCardRequest{AppId: e.platform, BaseInfo: &invoicev1.CardBaseInfo{LogoUrl: "logo.png", Title: "t"}, Payee: "x", Type: "t"})
			return err
		}, "base_info.logo_url"},
		{"pdf not a pdf", func(ctx context.Context) error {
			_, err := p.UploadPdf(ctx, &invoicev1.UploadPdfRequest{AppId: e.platform, Pdf: []byte("GIF89a")})
			return err
		}, "pdf"},
		{"pdf too big", func(ctx context.Context) error {
			_, err := p.UploadPdf(ctx, &invoicev1.UploadPdfRequest{AppId: e.platform, Pdf: append([]byte("%PDF-"), make([]byte, 2<<20)...)})
			return err
		}, "pdf"},
		{"pdf bad name", func(ctx context.Context) error {
			_, err := p.UploadPdf(ctx, &invoicev1.UploadPdfRequest{AppId: e.platform, Pdf: []byte("%PDF-"), Filename: "a.exe"})
			return err
		}, "filename"},
		{"insert zero fee", func(ctx context.Context) error {
			d := userData("1", "1", "2")
			d.Fee = 0
			_, err := p.InsertInvoice(ctx, &invoicev1.InsertInvoiceRequest{AppId: e.platform, CardId: "c", OrderId: "o", Appid: e.merchant, UserData: d})
			return err
		}, "user_data.fee"},
		{"insert line without name", func(ctx context.Context) error {
			d := userData("1", "1", "2")
			d.Info = append(d.Info, &invoicev1.InvoiceItem{Num: 1})
			_, err := p.InsertInvoice(ctx, &invoicev1.InsertInvoiceRequest{AppId: e.platform, CardId: "c", OrderId: "o", Appid: e.merchant, UserData: d})
			return err
		}, "user_data.info[1].name"},
		{"insert without merchant appid", func(ctx context.Context) error {
			_, err := p.InsertInvoice(ctx, &invoicev1.InsertInvoiceRequest{AppId: e.platform, CardId: "c", OrderId: "o", UserData: userData("1", "1", "2")})
			return err
		}, "appid"},
		{"status unspecified", func(ctx context.Context) error {
			_, err := p.UpdateStatus(ctx, &invoicev1.UpdateStatusRequest{AppId: e.platform, CardId: "c", Code: "1"})
			return err
		}, "reimburse_status"},
		{"reimburser cannot cancel", func(ctx context.Context) error {
			_, err := r.UpdateInvoiceStatus(ctx, &invoicev1.UpdateInvoiceStatusRequest{AppId: e.merchant, CardId: "c", EncryptCode: "e",
				ReimburseStatus: invoicev1.ReimburseStatus_REIMBURSE_STATUS_CANCEL})
			return err
		}, "reimburse_status"},
		{"batch get empty", func(ctx context.Context) error {
			_, err := r.BatchGetInvoiceInfo(ctx, &invoicev1.BatchGetInvoiceInfoRequest{AppId: e.merchant})
			return err
		}, "items"},
		{"batch get 101", func(ctx context.Context) error {
			items := make([]*invoicev1.InvoiceRef, 101)
			for i := range items {
				items[i] = ref[0]
			}
			_, err := r.BatchGetInvoiceInfo(ctx, &invoicev1.BatchGetInvoiceInfoRequest{AppId: e.merchant, Items: items})
			return err
		}, "items"},
		{"batch get no encrypt_code", func(ctx context.Context) error {
			_, err := r.BatchGetInvoiceInfo(ctx, &invoicev1.BatchGetInvoiceInfoRequest{AppId: e.merchant, Items: []*invoicev1.InvoiceRef{ref[0], {CardId: "c"}}})
			return err
		}, "items[1].encrypt_code"},
		{"batch update no openid", func(ctx context.Context) error {
			_, err := r.BatchUpdateInvoiceStatus(ctx, &invoicev1.BatchUpdateInvoiceStatusRequest{AppId: e.merchant, Items: ref,
				ReimburseStatus: invoicev1.ReimburseStatus_REIMBURSE_STATUS_LOCK})
			return err
		}, "openid"},
		{"get info no card", func(ctx context.Context) error {
			_, err := r.GetInvoiceInfo(ctx, &invoicev1.GetInvoiceInfoRequest{AppId: e.merchant, EncryptCode: "e"})
			return err
		}, "card_id"},
		{"user title without title", func(ctx context.Context) error {
			_, err := ti.GetUserTitleUrl(ctx, &invoicev1.GetUserTitleUrlRequest{AppId: e.merchant})
			return err
		}, "title"},
		{"select title long attach", func(ctx context.Context) error {
			_, err := ti.GetSelectTitleUrl(ctx, &invoicev1.GetSelectTitleUrlRequest{AppId: e.merchant, Attach: strings.Repeat("a", 201)})
			return err
		}, "attach"},
		{"scan without text", func(ctx context.Context) error {
			_, err := ti.ScanTitle(ctx, &invoicev1.ScanTitleRequest{AppId: e.merchant})
			return err
		}, "scan_text"},
		{"bill from a mini program", func(ctx context.Context) error {
			_, err := f.CreateBillAuthUrl(ctx, &invoicev1.CreateBillAuthUrlRequest{AppId: e.merchant, SPappid: "p", OrderId: "o",
				Source: invoicev1.AuthSource_AUTH_SOURCE_WXA, Ticket: "t"})
			return err
		}, "source"},
		{"bill card without payee", func(ctx context.Context) error {
			_, err := f.CreateBillCard(ctx, &invoicev1.CreateBillCardRequest{AppId: e.platform, LogoUrl: "https://e.com/l.png"})
			return err
		}, "payee"},
		{"bill without data", func(ctx context.Context) error {
			_, err := f.InsertBill(ctx, &invoicev1.InsertBillRequest{AppId: e.platform, CardId: "c", OrderId: "o", Appid: e.merchant})
			return err
		}, "user_data"},
	}
	before := e.invoiceCalls()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(t.Context())
			if connect.CodeOf(err) != connect.CodeInvalidArgument {
				t.Fatalf("error %v, want InvalidArgument", err)
			}
			var ce *connect.Error
			if !errors.As(err, &ce) || !strings.HasPrefix(ce.Message(), tt.wantField+": ") {
				t.Errorf("message %q does not start with %q", ce.Message(), tt.wantField+": ")
			}
		})
	}
	if n := e.invoiceCalls() - before; n != 0 {
		t.Errorf("%d calls reached the sandbox", n)
	}
	// An unknown account is NotFound, also before sending.
	_, err := m.GetContact(t.Context(), &invoicev1.GetContactRequest{AppId: "wxunknown"})
	if connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("unknown app_id: %v", err)
	}
}

const (
	readerKey = "wxsk_test_invoice_reader_0123456789abcdef"
	writerKey = "wxsk_test_invoice_writer_0123456789abcdef"
)

// TestScopes checks the policies of every service family through the real auth layer:
// invoice.read reads, invoice.write changes.
func TestScopes(t *testing.T) {
	t.Parallel()
	e := newEnvAuth(t, fmt.Sprintf(`auth:
  keys:
    - {id: reader, key: %q, app_ids: ["*"], scopes: [invoice.read]}
    - {id: writer, key: %q, app_ids: ["*"], scopes: [invoice.write]}`, readerKey, writerKey))
	hc := http.DefaultClient
	type pair struct {
		name        string
		read, write func(ctx context.Context, o connect.Option) error
	}
	pairs := []pair{
		{"merchant", func(ctx context.Context, o connect.Option) error {
			_, err := invoicev1connect.NewInvoiceMerchantServiceClient(hc, e.url, o).GetContact(ctx, &invoicev1.GetContactRequest{AppId: e.merchant})
			return err
		}, func(ctx context.Context, o connect.Option) error {
			_, err := invoicev1connect.NewInvoiceMerchantServiceClient(hc, e.url, o).SetContact(ctx, &invoicev1.SetContactRequest{AppId: e.merchant, Phone: "1", TimeOut: 60})
			return err
		}},
		{"platform", func(ctx context.Context, o connect.Option) error {
			_, err := invoicev1connect.NewInvoicePlatformServiceClient(hc, e.url, o).GetPlatformUrl(ctx, &invoicev1.GetPlatformUrlRequest{AppId: e.platform})
			return err
		}, func(ctx context.Context, o connect.Option) error {
			_, err := invoicev1connect.NewInvoicePlatformServiceClient(hc, e.url, o).UploadPdf(ctx, &invoicev1.UploadPdfRequest{AppId: e.platform, Pdf: []byte("%PDF-1")})
			return err
		}},
		{"reimburse", func(ctx context.Context, o connect.Option) error {
			_, err := invoicev1connect.NewInvoiceReimburseServiceClient(hc, e.url, o).GetInvoiceInfo(ctx, &invoicev1.GetInvoiceInfoRequest{AppId: e.merchant, CardId: "c", EncryptCode: "e"})
			return err
		}, func(ctx context.Context, o connect.Option) error {
			_, err := invoicev1connect.NewInvoiceReimburseServiceClient(hc, e.url, o).UpdateInvoiceStatus(ctx, &invoicev1.UpdateInvoiceStatusRequest{AppId: e.merchant,
				CardId: "c", EncryptCode: "e", ReimburseStatus: invoicev1.ReimburseStatus_REIMBURSE_STATUS_LOCK})
			return err
		}},
		{"title", func(ctx context.Context, o connect.Option) error {
			_, err := invoicev1connect.NewInvoiceTitleServiceClient(hc, e.url, o).GetSelectTitleUrl(ctx, &invoicev1.GetSelectTitleUrlRequest{AppId: e.merchant})
			return err
		}, nil},
		{"fiscal", nil, func(ctx context.Context, o connect.Option) error {
			_, err := invoicev1connect.NewFiscalBillServiceClient(hc, e.url, o).CreateBillCard(ctx, &invoicev1.CreateBillCardRequest{AppId: e.platform, LogoUrl: "https://e.com/l.png", Payee: "p"})
			return err
		}},
	}
	ctx := t.Context()
	denied := func(err error) bool { return connect.CodeOf(err) == connect.CodePermissionDenied }
	for _, p := range pairs {
		if p.read != nil {
			if err := p.read(ctx, authtest.Bearer(readerKey)); denied(err) || connect.CodeOf(err) == connect.CodeUnauthenticated {
				t.Errorf("%s: reader refused a read: %v", p.name, err)
			}
			if err := p.read(ctx, authtest.Bearer(writerKey)); !denied(err) {
				t.Errorf("%s: writer read: %v", p.name, err)
			}
		}
		if p.write != nil {
			if err := p.write(ctx, authtest.Bearer(writerKey)); denied(err) || connect.CodeOf(err) == connect.CodeUnauthenticated {
				t.Errorf("%s: writer refused a change: %v", p.name, err)
			}
			if err := p.write(ctx, authtest.Bearer(readerKey)); !denied(err) {
				t.Errorf("%s: reader changed: %v", p.name, err)
			}
		}
	}
	if _, err := e.merchants.GetContact(ctx, &invoicev1.GetContactRequest{AppId: e.merchant}); connect.CodeOf(err) != connect.CodeUnauthenticated {
		t.Errorf("no key: %v", err)
	}
}
