package sandbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

// invoiceEnv is a sandbox with a merchant, an invoicing platform and a reimburser
// account, their tokens and the pushes each account's callback received.
type invoiceEnv struct {
	env                      *sandboxtest.Env
	merchant, platform, reim string
	tok                      map[string]string
	pushes                   chan string
}

func newInvoiceEnv(t *testing.T) *invoiceEnv {
	t.Helper()
	e := &invoiceEnv{merchant: "wxinvmerchant0001", platform: "wxinvplatform0001", reim: "wxinvreimburse001",
		tok: map[string]string{}, pushes: make(chan string, 32)}
	e.env = sandboxtest.Start(t, sandbox.Account{AppID: e.merchant, AppSecret: "secret-m"},
		sandbox.Account{AppID: e.platform, AppSecret: "secret-p"}, sandbox.Account{AppID: e.reim, AppSecret: "secret-r"})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		e.pushes <- string(body)
		_, _ = w.Write([]byte("success"))
	}))
	t.Cleanup(srv.Close)
	for _, id := range []string{e.merchant, e.platform, e.reim} {
		e.env.SetCallback(t, id, srv.URL+"/"+id, "invoicetest", "", sandbox.EncryptPlain)
		tok, _, err := e.env.Sandbox.IssueToken(id)
		if err != nil {
			t.Fatal(err)
		}
		e.tok[id] = tok
	}
	return e
}

// call posts body (a JSON string or a value to encode) to path as appID.
func (e *invoiceEnv) call(t *testing.T, appID, path string, query url.Values, body any) reply {
	t.Helper()
	q := url.Values{"access_token": {e.tok[appID]}}
	for k, v := range query {
		q[k] = v
	}
	s, ok := body.(string)
	if !ok {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		s = string(b)
	}
	return do(t, e.env, http.MethodPost, path, q, s)
}

// waitPush returns the next push that contains want, failing after 5 s.
func (e *invoiceEnv) waitPush(t *testing.T, want string) string {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case p := <-e.pushes:
			if strings.Contains(p, want) {
				return p
			}
		case <-deadline:
			t.Fatalf("no push containing %q", want)
		}
	}
}

func invField(t *testing.T, r reply, name string) string {
	t.Helper()
	raw, ok := r.Fields[name]
	if !ok {
		t.Fatalf("answer has no %s: %s", name, r.Raw)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return string(raw)
	}
	return s
}

func (e *invoiceEnv) uploadPDF(t *testing.T, data []byte) reply {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	fw, _ := w.CreateFormFile("pdf", "a.pdf")
	_, _ = fw.Write(data)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, e.env.URL+"/card/invoice/platform/setpdf?access_token="+e.tok[e.platform], &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := e.env.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ = io.ReadAll(resp.Body)
	r := reply{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Raw: string(data)}
	_ = json.Unmarshal(data, &r)
	_ = json.Unmarshal(data, &r.Fields)
	return r
}

func invoiceUserData(pdf, no, code string) map[string]any {
	return map[string]any{"fee": 1000, "title": "腾讯", "billing_time": 1480342498, "billing_no": no, "billing_code": code,
		"info": []map[string]any{{"name": "饮料", "num": 2, "unit": "杯", "price": 500}}, "fee_without_tax": 943, "tax": 57,
		"s_pdf_media_id": pdf, "check_code": "123"}
}

func TestInvoiceAuthorizeInsertReimburse(t *testing.T) {
	t.Parallel()
	e := newInvoiceEnv(t)
	ctx := context.Background()

	// The platform's s_pappid.
	r := e.call(t, e.platform, "/card/invoice/seturl", nil, "{}")
	wantCode(t, r, 0)
	pappid := sandbox.InvoicePappid(e.platform)
	if u := invField(t, r, "invoice_url"); !strings.Contains(u, "s_pappid="+url.QueryEscape(pappid)) {
		t.Fatalf("invoice_url %s lacks s_pappid %s", u, pappid)
	}

	order := map[string]any{"s_pappid": pappid, "order_id": "o-1", "money": 1000, "timestamp": 1474875876,
		"source": "web", "redirect_url": "https://example.com/done", "ticket": "t", "type": 1}
	wantCode(t, e.call(t, e.merchant, "/card/invoice/getauthurl", nil, order), 72063) // no contact yet
	wantCode(t, e.call(t, e.merchant, "/card/invoice/setbizattr", url.Values{"action": {"set_contact"}},
		map[string]any{"contact": map[string]any{"phone": "88888888", "time_out": 3600}}), 0)
	r = e.call(t, e.merchant, "/card/invoice/setbizattr", url.Values{"action": {"get_contact"}}, "{}")
	wantCode(t, r, 0)
	if c := invField(t, r, "contact"); !strings.Contains(c, `"time_out":3600`) {
		t.Errorf("contact = %s", c)
	}
	r = e.call(t, e.merchant, "/card/invoice/getauthurl", nil, order)
	wantCode(t, r, 0)
	if !strings.HasPrefix(invField(t, r, "auth_url"), "https://") {
		t.Errorf("auth_url: %s", r.Raw)
	}
	ref := map[string]any{"s_pappid": pappid, "order_id": "o-1"}
	r = e.call(t, e.merchant, "/card/invoice/getauthdata", nil, ref)
	wantCode(t, r, 0)
	if invField(t, r, "invoice_status") != "never auth" {
		t.Errorf("status before authorization: %s", r.Raw)
	}

	// The platform: template, PDF.
	card := map[string]any{"invoice_info": map[string]any{"base_info": map[string]any{"logo_url": "https://example.com/l.png",
		"title": "某某餐厅"}, "payee": "某某餐厅有限公司", "type": "增值税普通发票"}}
	r = e.call(t, e.platform, "/card/invoice/platform/createcard", nil, card)
	wantCode(t, r, 0)
	cardID := invField(t, r, "card_id")
	wantCode(t, e.uploadPDF(t, []byte("not a pdf")), 72040)
	r = e.uploadPDF(t, []byte("%PDF-1.4 invoice"))
	wantCode(t, r, 0)
	pdf := invField(t, r, "s_media_id")
	r = e.call(t, e.platform, "/card/invoice/platform/getpdf", url.Values{"action": {"get_url"}}, map[string]any{"s_media_id": pdf})
	wantCode(t, r, 0)
	pdfURL, _ := url.Parse(invField(t, r, "pdf_url"))
	rec := httptest.NewRecorder()
	e.env.Sandbox.InvoicePDFHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, pdfURL.RequestURI(), nil))
	if rec.Code != http.StatusOK || rec.Body.String() != "%PDF-1.4 invoice" {
		t.Errorf("pdf_url serves %d %q", rec.Code, rec.Body.String())
	}

	insert := map[string]any{"order_id": "o-1", "card_id": cardID, "appid": e.merchant,
		"card_ext": map[string]any{"nonce_str": "n", "user_card": map[string]any{"invoice_user_data": invoiceUserData(pdf, "044001700111", "70000001")}}}
	wantCode(t, e.call(t, e.platform, "/card/invoice/insert", nil, insert), 72038) // not authorized yet

	// The user authorizes; the merchant is told.
	res, err := e.env.Sandbox.AuthorizeInvoice(ctx, e.merchant, pappid, "o-1", sandbox.InvoiceAuthorization{OpenID: "o-user",
		Business: &sandbox.InvoiceBusinessTitle{Title: "腾讯科技", TaxNo: "9144"}})
	if err != nil || !res.Pushed {
		t.Fatalf("AuthorizeInvoice: %+v, %v", res, err)
	}
	p := e.waitPush(t, "user_authorize_invoice")
	if !strings.Contains(p, "<SuccOrderId><![CDATA[o-1]]></SuccOrderId>") || !strings.Contains(p, "<Source><![CDATA[web]]></Source>") {
		t.Errorf("push: %s", p)
	}
	if _, err := e.env.Sandbox.AuthorizeInvoice(ctx, e.merchant, pappid, "o-1", sandbox.InvoiceAuthorization{OpenID: "o-user", Decline: true}); err == nil {
		t.Error("a second answer was accepted")
	}
	r = e.call(t, e.merchant, "/card/invoice/getauthdata", nil, ref)
	if invField(t, r, "invoice_status") != "auth success" || !strings.Contains(invField(t, r, "user_auth_info"), "腾讯科技") {
		t.Errorf("getauthdata after authorization: %s", r.Raw)
	}

	r = e.call(t, e.platform, "/card/invoice/insert", nil, insert)
	wantCode(t, r, 0)
	code := invField(t, r, "code")
	if invField(t, r, "openid") != "o-user" || len(code) != 12 {
		t.Errorf("insert: %s", r.Raw)
	}
	wantCode(t, e.call(t, e.platform, "/card/invoice/insert", nil, insert), 72018)
	wantCode(t, e.call(t, e.merchant, "/card/invoice/rejectinsert", nil, map[string]any{"s_pappid": pappid, "order_id": "o-1", "reason": "x"}), 72018)

	// Reimbursement.
	enc, err := e.env.Sandbox.InvoiceEncryptCode(cardID, code)
	if err != nil {
		t.Fatal(err)
	}
	inv := map[string]any{"card_id": cardID, "encrypt_code": enc}
	r = e.call(t, e.reim, "/card/invoice/reimburse/getinvoiceinfo", nil, inv)
	wantCode(t, r, 0)
	if !strings.Contains(invField(t, r, "user_info"), `"reimburse_status":"INVOICE_REIMBURSE_INIT"`) || invField(t, r, "payee") != "某某餐厅有限公司" {
		t.Errorf("getinvoiceinfo: %s", r.Raw)
	}
	wantCode(t, e.call(t, e.reim, "/card/invoice/reimburse/getinvoiceinfo", nil, map[string]any{"card_id": cardID, "encrypt_code": "nope"}), 73200)
	status := func(st string) map[string]any {
		return map[string]any{"card_id": cardID, "encrypt_code": enc, "reimburse_status": st}
	}
	tests := []struct {
		name   string
		appID  string
		status string
		want   int
	}{
		{"close before lock", e.reim, "INVOICE_REIMBURSE_CLOSURE", 72039},
		{"cancel is the platform's", e.reim, "INVOICE_REIMBURSE_CANCEL", 72024},
		{"lock", e.reim, "INVOICE_REIMBURSE_LOCK", 0},
		{"locked by another", e.merchant, "INVOICE_REIMBURSE_LOCK", 72023},
		{"unlock by another", e.merchant, "INVOICE_REIMBURSE_INIT", 72023},
		{"close", e.reim, "INVOICE_REIMBURSE_CLOSURE", 0},
		{"closed is final", e.reim, "INVOICE_REIMBURSE_INIT", 72061},
	}
	for _, tt := range tests {
		r := e.call(t, tt.appID, "/card/invoice/reimburse/updateinvoicestatus", nil, status(tt.status))
		if r.Errcode != tt.want {
			t.Fatalf("%s: errcode %d, want %d (%s)", tt.name, r.Errcode, tt.want, r.Raw)
		}
	}
	p = e.waitPush(t, "update_invoice_status")
	if !strings.Contains(p, "INVOICE_REIMBURSE_LOCK") || !strings.Contains(p, code) {
		t.Errorf("status push: %s", p)
	}
	if st, _ := e.env.Sandbox.InvoiceStatus(cardID, code); st != "INVOICE_REIMBURSE_CLOSURE" {
		t.Errorf("status = %s", st)
	}
	// The platform cancels the closed invoice; nothing moves it afterwards.
	wantCode(t, e.call(t, e.platform, "/card/invoice/platform/updatestatus", nil, map[string]any{"card_id": cardID, "code": "999", "reimburse_status": "INVOICE_REIMBURSE_CANCEL"}), 73200)
	wantCode(t, e.call(t, e.platform, "/card/invoice/platform/updatestatus", nil, map[string]any{"card_id": cardID, "code": code, "reimburse_status": "INVOICE_REIMBURSE_CANCEL"}), 0)
	wantCode(t, e.call(t, e.platform, "/card/invoice/platform/updatestatus", nil, map[string]any{"card_id": cardID, "code": code, "reimburse_status": "INVOICE_REIMBURSE_INIT"}), 72060)
}

func TestInvoiceSetBizAttr(t *testing.T) {
	t.Parallel()
	e := newInvoiceEnv(t)
	pappid := sandbox.InvoicePappid(e.platform)
	tests := []struct {
		name   string
		action string
		body   any
		want   int
	}{
		{"unknown action", "set_everything", "{}", 72027},
		{"get contact before set", "get_contact", "{}", 72063},
		{"get auth field before set", "get_auth_field", "{}", 72029},
		{"get pay mch before set", "get_pay_mch", "{}", 72028},
		{"contact without phone", "set_contact", map[string]any{"contact": map[string]any{"time_out": 10}}, 41011},
		{"contact zero time_out", "set_contact", map[string]any{"contact": map[string]any{"phone": "1", "time_out": 0}}, 72031},
		{"pay mch bad mchid", "set_pay_mch", map[string]any{"paymch_info": map[string]any{"mchid": "12a", "s_pappid": pappid}}, 72030},
		{"pay mch unknown platform", "set_pay_mch", map[string]any{"paymch_info": map[string]any{"mchid": "123", "s_pappid": "nope"}}, 72031},
		{"pay mch", "set_pay_mch", map[string]any{"paymch_info": map[string]any{"mchid": "1234567", "s_pappid": pappid}}, 0},
		{"auth field empty", "set_auth_field", map[string]any{"auth_field": map[string]any{}}, 41011},
		{"auth field", "set_auth_field", map[string]any{"auth_field": map[string]any{"user_field": map[string]any{"show_title": 1,
			"custom_field": []map[string]any{{"key": "工号", "is_require": 1}}}}}, 0},
		{"not JSON", "set_contact", "contact", 47001},
		{"empty", "set_contact", "", 44002},
	}
	for _, tt := range tests {
		r := e.call(t, e.merchant, "/card/invoice/setbizattr", url.Values{"action": {tt.action}}, tt.body)
		if r.Errcode != tt.want {
			t.Errorf("%s: errcode %d, want %d (%s)", tt.name, r.Errcode, tt.want, r.Raw)
		}
	}
	r := e.call(t, e.merchant, "/card/invoice/setbizattr", url.Values{"action": {"get_pay_mch"}}, "{}")
	if !strings.Contains(invField(t, r, "paymch_info"), `"mchid":"1234567"`) {
		t.Errorf("get_pay_mch: %s", r.Raw)
	}
	r = e.call(t, e.merchant, "/card/invoice/setbizattr", url.Values{"action": {"get_auth_field"}}, "{}")
	if !strings.Contains(invField(t, r, "user_field"), "工号") {
		t.Errorf("get_auth_field: %s", r.Raw)
	}
}

func TestInvoiceUnifiedInterface(t *testing.T) {
	t.Parallel()
	e := newInvoiceEnv(t)
	blue := func(fpqqlsh, ddh string) map[string]any {
		return map[string]any{"invoiceinfo": map[string]any{"wxopenid": "o", "ddh": ddh, "fpqqlsh": fpqqlsh, "nsrsbh": "110",
			"nsrmc": "A", "nsrdz": "addr", "nsrdh": "1", "ghfmc": "B", "kpr": "k", "jshj": "1.06", "hjje": "1.00", "hjse": "0.06",
			"hylx": "0", "invoicedetail_list": []map[string]any{{"xmmc": "x"}}}}
	}
	noKpr := blue("f0", "d0")
	delete(noKpr["invoiceinfo"].(map[string]any), "kpr")
	wantCode(t, e.call(t, e.merchant, "/card/invoice/makeoutinvoice", nil, noKpr), 73011)
	wantCode(t, e.call(t, e.merchant, "/card/invoice/makeoutinvoice", nil, blue("f1", "d1")), 0)
	wantCode(t, e.call(t, e.merchant, "/card/invoice/makeoutinvoice", nil, blue("f1", "d1")), 0) // the same again
	wantCode(t, e.call(t, e.merchant, "/card/invoice/makeoutinvoice", nil, blue("f1", "d2")), 73106)
	wantCode(t, e.call(t, e.merchant, "/card/invoice/makeoutinvoice", nil, blue("f2", "d1")), 73108)
	r := e.call(t, e.merchant, "/card/invoice/queryinvoceinfo", nil, map[string]any{"fpqqlsh": "f1", "nsrsbh": "110"})
	wantCode(t, r, 0)
	var detail struct {
		Fpdm string `json:"fpdm"`
		Fphm string `json:"fphm"`
	}
	_ = json.Unmarshal(r.Fields["invoicedetail"], &detail)
	wantCode(t, e.call(t, e.merchant, "/card/invoice/queryinvoceinfo", nil, map[string]any{"fpqqlsh": "f1", "nsrsbh": "999"}), 73101)
	wantCode(t, e.call(t, e.merchant, "/card/invoice/queryinvoceinfo", nil, map[string]any{"fpqqlsh": "nope", "nsrsbh": "110"}), 73109)
	red := func(yfphm string) map[string]any {
		return map[string]any{"invoiceinfo": map[string]any{"wxopenid": "o", "fpqqlsh": "r1", "nsrsbh": "110", "nsrmc": "A",
			"yfpdm": detail.Fpdm, "yfphm": yfphm}}
	}
	wantCode(t, e.call(t, e.merchant, "/card/invoice/clearoutinvoice", nil, red("00000000x")), 72041)
	wantCode(t, e.call(t, e.merchant, "/card/invoice/clearoutinvoice", nil, red(detail.Fphm)), 0)
	wantCode(t, e.call(t, e.merchant, "/card/invoice/queryinvoceinfo", nil, map[string]any{"fpqqlsh": "r1", "nsrsbh": "110"}), 0)
}

func TestInvoiceTitlesAndBills(t *testing.T) {
	t.Parallel()
	e := newInvoiceEnv(t)
	ctx := context.Background()
	wantCode(t, e.call(t, e.merchant, "/card/invoice/biz/getusertitleurl", nil, map[string]any{"user_fill": 0}), 72017)
	wantCode(t, e.call(t, e.merchant, "/card/invoice/biz/getusertitleurl", nil, map[string]any{"user_fill": 2, "title": "x"}), 72031)
	wantCode(t, e.call(t, e.merchant, "/card/invoice/biz/getusertitleurl", nil, map[string]any{"user_fill": 1}), 0)
	r := e.call(t, e.merchant, "/card/invoice/biz/getselecttitleurl", nil, map[string]any{"attach": "table-7"})
	wantCode(t, r, 0)
	sel := invField(t, r, "url")
	if _, err := e.env.Sandbox.SubmitInvoiceTitle(ctx, e.merchant, "o-u", sel, sandbox.InvoiceTitle{Title: "张三", Personal: true}); err != nil {
		t.Fatal(err)
	}
	if p := e.waitPush(t, "submit_invoice_title"); !strings.Contains(p, "table-7") || !strings.Contains(p, "InvoiceUserTitlePersonType") {
		t.Errorf("submit push: %s", p)
	}
	text, err := e.env.Sandbox.AddInvoiceTitleQR(e.merchant, sandbox.InvoiceTitle{Title: "腾讯", TaxNo: "9144"})
	if err != nil {
		t.Fatal(err)
	}
	r = e.call(t, e.merchant, "/card/invoice/scantitle", nil, map[string]any{"scan_text": text})
	wantCode(t, r, 0)
	if invField(t, r, "title") != "腾讯" || invField(t, r, "title_type") != "0" {
		t.Errorf("scantitle: %s", r.Raw)
	}
	wantCode(t, e.call(t, e.reim, "/card/invoice/scantitle", nil, map[string]any{"scan_text": text}), 72044)

	// Fiscal bill: the collecting unit (merchant) and the finance bureau (platform).
	pappid := sandbox.InvoicePappid(e.platform)
	bill := map[string]any{"s_pappid": pappid, "order_id": "b-1", "money": 100, "timestamp": 1, "source": "wxa", "ticket": "t"}
	wantCode(t, e.call(t, e.merchant, "/nontax/getbillauthurl", nil, bill), 72031) // bills take app and web only
	bill["source"] = "app"
	r = e.call(t, e.merchant, "/nontax/getbillauthurl", nil, bill)
	wantCode(t, r, 0)
	if invField(t, r, "expire_time") == "" {
		t.Errorf("getbillauthurl: %s", r.Raw)
	}
	r = e.call(t, e.platform, "/nontax/createbillcard", nil, map[string]any{"invoice_info": map[string]any{"base_info": map[string]any{"logo_url": "https://e.com/l.png"}, "payee": "某某局"}})
	wantCode(t, r, 0)
	billCard := invField(t, r, "card_id")
	pdf := invField(t, e.uploadPDF(t, []byte("%PDF-1.7")), "s_media_id")
	if _, err := e.env.Sandbox.AuthorizeInvoice(ctx, e.merchant, pappid, "b-1", sandbox.InvoiceAuthorization{OpenID: "o-b",
		Personal: &sandbox.InvoicePersonalTitle{Title: "李四"}}); err != nil {
		t.Fatal(err)
	}
	ins := map[string]any{"order_id": "b-1", "card_id": billCard, "appid": e.merchant,
		"card_ext": map[string]any{"nonce_str": "n", "user_card": map[string]any{"invoice_user_data": invoiceUserData(pdf, "1", "2")}}}
	wantCode(t, e.call(t, e.platform, "/card/invoice/insert", nil, ins), 73204) // a bill card is not an invoice card
	r = e.call(t, e.platform, "/nontax/insertbill", nil, ins)
	wantCode(t, r, 0)
	if invField(t, r, "openid") != "o-b" {
		t.Errorf("insertbill: %s", r.Raw)
	}
}

func TestInvoiceAuthorizeInvoiceArguments(t *testing.T) {
	t.Parallel()
	e := newInvoiceEnv(t)
	ctx := context.Background()
	tests := []struct {
		name string
		z    sandbox.InvoiceAuthorization
	}{
		{"no openid", sandbox.InvoiceAuthorization{Personal: &sandbox.InvoicePersonalTitle{Title: "a"}}},
		{"no title", sandbox.InvoiceAuthorization{OpenID: "o"}},
		{"both titles", sandbox.InvoiceAuthorization{OpenID: "o", Personal: &sandbox.InvoicePersonalTitle{Title: "a"}, Business: &sandbox.InvoiceBusinessTitle{Title: "b"}}},
		{"blank title", sandbox.InvoiceAuthorization{OpenID: "o", Personal: &sandbox.InvoicePersonalTitle{Title: " "}}},
	}
	for _, tt := range tests {
		var ae *sandbox.ArgumentError
		if _, err := e.env.Sandbox.AuthorizeInvoice(ctx, e.merchant, "p", "o", tt.z); !errors.As(err, &ae) {
			t.Errorf("%s: %v, want an ArgumentError", tt.name, err)
		}
	}
	if _, err := e.env.Sandbox.AuthorizeInvoice(ctx, e.merchant, "p", "nope", sandbox.InvoiceAuthorization{OpenID: "o", Decline: true}); !errors.Is(err, sandbox.ErrUnknownInvoice) {
		t.Errorf("unknown order: %v", err)
	}
}

// FuzzInvoiceBodies posts arbitrary bodies to every invoice endpoint: the sandbox answers
// each with a JSON errcode envelope or payload and never panics.
func FuzzInvoiceBodies(f *testing.F) {
	paths := []string{"/card/invoice/getauthurl", "/card/invoice/getauthdata", "/card/invoice/rejectinsert",
		"/card/invoice/setbizattr", "/card/invoice/makeoutinvoice", "/card/invoice/clearoutinvoice",
		"/card/invoice/queryinvoceinfo", "/card/invoice/seturl", "/card/invoice/platform/createcard",
		"/card/invoice/platform/setpdf", "/card/invoice/platform/getpdf", "/card/invoice/insert",
		"/card/invoice/platform/updatestatus", "/card/invoice/reimburse/getinvoiceinfo",
		"/card/invoice/reimburse/getinvoicebatch", "/card/invoice/reimburse/updateinvoicestatus",
		"/card/invoice/reimburse/updatestatusbatch", "/card/invoice/biz/getusertitleurl",
		"/card/invoice/biz/getselecttitleurl", "/card/invoice/scantitle", "/nontax/getbillauthurl",
		"/nontax/createbillcard", "/nontax/insertbill"}
	f.Add(uint8(0), "", `{"s_pappid":"x","order_id":"1","type":-1,"source":"web","ticket":"t","timestamp":1}`)
	f.Add(uint8(3), "set_contact", `{"contact":{"phone":"1","time_out":1e30}}`)
	f.Add(uint8(3), "set_auth_field", `{"auth_field":{"user_field":{"custom_field":[{"key":""}]}}}`)
	f.Add(uint8(4), "", `{"invoiceinfo":{"invoicedetail_list":[1,2]}}`)
	f.Add(uint8(11), "", `{"card_ext":{"user_card":{"invoice_user_data":{"info":[{"num":"x"}]}}}}`)
	f.Add(uint8(14), "", `{"item_list":[{},null]}`)
	f.Add(uint8(16), "", `{"openid":"o","reimburse_status":"INVOICE_REIMBURSE_LOCK","invoice_list":[{"card_id":"p","encrypt_code":"e"}]}`)
	f.Add(uint8(9), "", "--x\r\nContent-Disposition: form-data; name=\"pdf\"\r\n\r\n%PDF-\r\n--x--\r\n")
	f.Add(uint8(10), "get_url", `[]`)
	env := sandboxtest.Start(f)
	tok, _, err := env.Sandbox.IssueToken(sandboxtest.DemoAppID)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, which uint8, action, body string) {
		path := paths[int(which)%len(paths)]
		r := do(t, env, http.MethodPost, path, url.Values{"access_token": {tok}, "action": {action}}, body)
		if r.Status != http.StatusOK || !strings.HasPrefix(r.ContentType, "application/json") {
			t.Fatalf("%s %q: HTTP %d %s", path, body, r.Status, r.ContentType)
		}
	})
}

func TestInvoicePDFLifetimeAndAuthExpiry(t *testing.T) {
	t.Parallel()
	e := newInvoiceEnv(t)
	ctx := context.Background()
	pappid := sandbox.InvoicePappid(e.platform)
	wantCode(t, e.call(t, e.merchant, "/card/invoice/setbizattr", url.Values{"action": {"set_contact"}},
		map[string]any{"contact": map[string]any{"phone": "1", "time_out": 60}}), 0)
	wantCode(t, e.call(t, e.merchant, "/card/invoice/getauthurl", nil, map[string]any{"s_pappid": pappid, "order_id": "late",
		"money": 1, "timestamp": 1, "source": "app", "ticket": "t", "type": 0}), 0)
	if _, err := e.env.Sandbox.AuthorizeInvoice(ctx, e.merchant, pappid, "late", sandbox.InvoiceAuthorization{OpenID: "o",
		Personal: &sandbox.InvoicePersonalTitle{Title: "a"}}); err != nil {
		t.Fatal(err)
	}
	card := invField(t, e.call(t, e.platform, "/card/invoice/platform/createcard", nil, map[string]any{"invoice_info": map[string]any{
		"base_info": map[string]any{"logo_url": "https://e.com/l.png", "title": "t"}, "payee": "p", "type": "t"}}), "card_id")
	pdf := invField(t, e.uploadPDF(t, []byte("%PDF-1")), "s_media_id")
	insert := map[string]any{"order_id": "late", "card_id": card, "appid": e.merchant,
		"card_ext": map[string]any{"nonce_str": "n", "user_card": map[string]any{"invoice_user_data": invoiceUserData(pdf, "1", "2")}}}

	e.env.Sandbox.Advance(61 * time.Second) // past the contact's time_out
	wantCode(t, e.call(t, e.platform, "/card/invoice/insert", nil, insert), 72050)

	e.env.Sandbox.Advance(72 * time.Hour) // past the PDF's 3 days
	tok, _, err := e.env.Sandbox.IssueToken(e.platform)
	if err != nil {
		t.Fatal(err)
	}
	e.tok[e.platform] = tok
	wantCode(t, e.call(t, e.platform, "/card/invoice/platform/getpdf", url.Values{"action": {"get_url"}}, map[string]any{"s_media_id": pdf}), 40007)
	rec := httptest.NewRecorder()
	e.env.Sandbox.InvoicePDFHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet,
		sandbox.InvoicePDFPath+"?appid="+e.platform+"&s_media_id="+pdf, nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("expired PDF served with HTTP %d", rec.Code)
	}
	wantCode(t, e.call(t, e.platform, "/card/invoice/platform/getpdf", url.Values{"action": {"get_bytes"}}, map[string]any{"s_media_id": pdf}), 72027)
}
