package sandbox

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"time"
)

// serveInvoiceSetURL answers POST /card/invoice/seturl: the platform's invoice_url
// carrying its s_pappid.
func serveInvoiceSetURL(s *Sandbox, c *apiCall) answer {
	if _, code := c.object(); code != codeOK {
		return fail(code)
	}
	u := "https://mp.weixin.qq.com/bizmall/authinvoice?action=list&s_pappid=" + url.QueryEscape(InvoicePappid(c.a.AppID))
	return succeed(map[string]any{"errcode": 0, "errmsg": "ok", "invoice_url": u})
}

// invoiceCardBody is the body of platform/createcard and nontax/createbillcard.
type invoiceCardBody struct {
	InvoiceInfo *struct {
		BaseInfo *invoiceBaseInfo `json:"base_info"`
		Payee    string           `json:"payee"`
		Type     string           `json:"type"`
		Detail   string           `json:"detail"`
	} `json:"invoice_info"`
}

// createInvoiceCard checks b and creates the template: 41011 for a missing required
// field, 40097 for a logo_url or link that is not an http(s) URL (behaviour §0).
func (s *Sandbox) createInvoiceCard(c *apiCall, bill bool) answer {
	var b invoiceCardBody
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	in := b.InvoiceInfo
	if in == nil || in.BaseInfo == nil || in.BaseInfo.LogoURL == "" || invoiceBlank(in.Payee) {
		return fail(codeMissingFields)
	}
	if !bill && (invoiceBlank(in.BaseInfo.Title) || invoiceBlank(in.Type)) {
		return fail(codeMissingFields)
	}
	for _, u := range []string{in.BaseInfo.LogoURL, in.BaseInfo.CustomURL, in.BaseInfo.PromotionURL} {
		if u != "" && !invoiceHTTPURL(u) {
			return fail(codeInvalidArgs)
		}
	}
	st := &c.a.invoice
	st.init()
	card := &invoiceCard{id: "p" + s.randString(27), bill: bill, base: *in.BaseInfo, payee: in.Payee, typ: in.Type,
		detail: in.Detail, invoices: make(map[string]*invoiceItem)}
	if bill && card.typ == "" {
		card.typ = "财政电子票据"
	}
	st.cards[card.id] = card
	return succeed(map[string]any{"errcode": 0, "errmsg": "ok", "card_id": card.id})
}

// serveInvoiceCreateCard answers POST /card/invoice/platform/createcard.
func serveInvoiceCreateCard(s *Sandbox, c *apiCall) answer { return s.createInvoiceCard(c, false) }

// serveInvoiceCreateBillCard answers POST /nontax/createbillcard.
func serveInvoiceCreateBillCard(s *Sandbox, c *apiCall) answer { return s.createInvoiceCard(c, true) }

// readInvoicePDF reads the multipart part "pdf" of c: 41005 when there is none, 72040
// when it is empty, larger than 2 MiB or not a PDF (sandbox choices; the platform
// documents only the field name).
func readInvoicePDF(c *apiCall) ([]byte, int) {
	mt, params, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, codeInvoiceMediaMissing
	}
	mr := multipart.NewReader(bytes.NewReader(c.body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, codeInvoiceMediaMissing
		}
		if err != nil {
			return nil, codeInvoiceMediaMissing
		}
		if p.FormName() != "pdf" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(p, invoicePDFMaxBytes+1))
		if err != nil {
			return nil, codeInvoiceMediaMissing
		}
		if len(data) == 0 || len(data) > invoicePDFMaxBytes || !bytes.HasPrefix(data, []byte("%PDF-")) {
			return nil, codeInvoicePDFError
		}
		return data, codeOK
	}
}

// serveInvoiceSetPDF answers POST /card/invoice/platform/setpdf (multipart field "pdf").
func serveInvoiceSetPDF(s *Sandbox, c *apiCall) answer {
	data, code := readInvoicePDF(c)
	if code != codeOK {
		return invoiceFail(code)
	}
	st := &c.a.invoice
	st.init()
	id := s.randDigits(19) // "a 64-bit integer" [S: wechatpy upload_pdf]
	st.pdfs[id] = &invoicePDF{data: data, created: c.now}
	return succeed(map[string]any{"errcode": 0, "errmsg": "ok", "s_media_id": id})
}

// invoicePDFOf returns the live PDF id of the account a, or nil. Callers hold s.mu.
func invoicePDFOf(a *account, id string, now time.Time) *invoicePDF {
	p, ok := a.invoice.pdfs[id]
	if !ok || now.Sub(p.created) > invoicePDFLifetime {
		return nil
	}
	return p
}

// serveInvoiceGetPDF answers POST /card/invoice/platform/getpdf?action=get_url: 72027
// for another action, 40007 for an unknown or expired s_media_id.
func serveInvoiceGetPDF(s *Sandbox, c *apiCall) answer {
	var b struct {
		Action   string `json:"action"`
		SMediaID string `json:"s_media_id"`
	}
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	action := c.q.Get("action")
	if action == "" {
		action = b.Action
	}
	switch {
	case action != "get_url":
		return invoiceFail(codeInvoiceActionError)
	case b.SMediaID == "":
		return fail(codeMissingFields)
	case invoicePDFOf(c.a, b.SMediaID, c.now) == nil:
		return invoiceFail(codeInvoiceInvalidMediaID)
	}
	return succeed(map[string]any{"errcode": 0, "errmsg": "ok", "pdf_url": invoicePDFURL(c.r, c.a.AppID, b.SMediaID),
		"pdf_url_expire_time": invoicePDFURLExpire})
}

// invoicePDFURL is the sandbox URL of a PDF, on the host the request came to.
func invoicePDFURL(r *http.Request, appID, id string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + InvoicePDFPath + "?" + url.Values{"appid": {appID}, "s_media_id": {id}}.Encode()
}

// InvoicePDF returns the PDF the account appID uploaded as sMediaID (setpdf), or an
// error wrapping [ErrUnknownAccount] or [ErrUnknownInvoice].
func (s *Sandbox) InvoicePDF(appID, sMediaID string) ([]byte, error) {
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return nil, unknownAccount(appID)
	}
	p := invoicePDFOf(a, sMediaID, now)
	if p == nil {
		return nil, ErrUnknownInvoice
	}
	return bytes.Clone(p.data), nil
}

// InvoicePDFHandler serves the pdf_url links getpdf and getinvoiceinfo answer, at
// [InvoicePDFPath]?appid=…&s_media_id=…: the PDF, or 404. Calls are logged like API calls.
func (s *Sandbox) InvoicePDFHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := Call{Time: s.Now(), Method: r.Method, Path: r.URL.Path, AppID: r.URL.Query().Get("appid")}
		s.reply(w, &c, s.serveInvoicePDF(r, r.URL.Query()))
	})
}

// invoiceInsertBody is the body of insert and insertbill.
type invoiceInsertBody struct {
	OrderID string `json:"order_id"`
	CardID  string `json:"card_id"`
	AppID   string `json:"appid"`
	CardExt *struct {
		NonceStr string `json:"nonce_str"`
		UserCard *struct {
			InvoiceUserData *invoiceUserData `json:"invoice_user_data"`
		} `json:"user_card"`
	} `json:"card_ext"`
}

// insertInvoice puts an invoice (bill) into the card bag of the user who authorized the
// merchant's order: 73204 for a template the account does not own, 40013 for an unknown
// merchant appid, 72038 for an order never authorized, 72035 after rejectinsert, 72018
// for an order already inserted, 72050 after the contact's time_out, 72017/72043/72073
// for a bad title/number/fee, 72040 for an unknown PDF and 72042 for a repeated
// billing_no and billing_code.
func (s *Sandbox) insertInvoice(c *apiCall, bill bool) answer {
	var b invoiceInsertBody
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	if b.OrderID == "" || b.CardID == "" || b.AppID == "" || b.CardExt == nil || b.CardExt.NonceStr == "" ||
		b.CardExt.UserCard == nil || b.CardExt.UserCard.InvoiceUserData == nil {
		return fail(codeMissingFields)
	}
	st := &c.a.invoice
	st.init()
	card, ok := st.cards[b.CardID]
	if !ok || card.bill != bill {
		return invoiceFail(codeInvoiceCardNotExist)
	}
	merchant, ok := s.accounts[b.AppID]
	if !ok {
		return fail(codeInvalidAppID)
	}
	o, ok := merchant.invoice.orders[invoiceOrderKey(InvoicePappid(c.a.AppID), b.OrderID)]
	switch {
	case !ok || o.bill != bill:
		return invoiceFail(codeInvoiceNeverAuth)
	case o.rejected:
		return invoiceFail(codeInvoiceBizReject)
	case o.inserted:
		return invoiceFail(codeInvoiceOrderInserted)
	case o.status != invoiceAuthSuccess:
		return invoiceFail(codeInvoiceNeverAuth)
	case c.now.Unix() > o.authTime+o.timeOut:
		return invoiceFail(codeInvoiceAuthExpired)
	}
	d := *b.CardExt.UserCard.InvoiceUserData
	switch {
	case invoiceBlank(d.Title):
		return invoiceFail(codeInvoiceInvalidTitle)
	case d.Fee <= 0 || d.FeeWithoutTax < 0 || d.Tax < 0:
		return invoiceFail(codeInvoiceFeeError)
	case d.BillingNo == "" || d.BillingCode == "" || len(d.BillingNo) > 20 || len(d.BillingCode) > 20:
		return invoiceFail(codeInvoiceBillingSize)
	case d.BillingTime <= 0:
		return fail(codeMissingFields)
	case invoicePDFOf(c.a, d.SPdfMediaID, c.now) == nil:
		return invoiceFail(codeInvoicePDFError)
	case d.STripPdfMediaID != "" && invoicePDFOf(c.a, d.STripPdfMediaID, c.now) == nil:
		return invoiceFail(codeInvoicePDFError)
	}
	billing := d.BillingNo + "/" + d.BillingCode
	if st.billings[billing] {
		return invoiceFail(codeInvoiceBillingRepeated)
	}
	code := s.randDigits(12)
	for card.invoices[code] != nil {
		code = s.randDigits(12)
	}
	item := &invoiceItem{code: code, encryptCode: s.randString(43) + "=", openID: o.openID, merchant: b.AppID,
		data: d, status: invoiceStatusInit, begin: c.now.Unix(), end: c.now.Add(invoiceCardValidity).Unix()}
	if u, ok := merchant.users[o.openID]; ok {
		item.unionID = u.UnionID
	}
	card.invoices[code] = item
	st.billings[billing] = true
	o.inserted = true
	out := map[string]any{"errcode": 0, "errmsg": "ok", "code": code, "openid": item.openID}
	if item.unionID != "" {
		out["unionid"] = item.unionID
	}
	return succeed(out)
}

// serveInvoiceInsert answers POST /card/invoice/insert.
func serveInvoiceInsert(s *Sandbox, c *apiCall) answer { return s.insertInvoice(c, false) }

// serveInvoiceInsertBill answers POST /nontax/insertbill.
func serveInvoiceInsertBill(s *Sandbox, c *apiCall) answer { return s.insertInvoice(c, true) }

// invoiceStatuses are the reimburse_status values.
var invoiceStatuses = map[string]bool{invoiceStatusInit: true, invoiceStatusLock: true,
	invoiceStatusClosure: true, invoiceStatusCancel: true}

// serveInvoicePlatformUpdateStatus answers POST /card/invoice/platform/updatestatus: the
// platform may set any status (sandbox choice) except out of CANCEL (72060) and out of
// CLOSURE other than to CANCEL (72061); 72024 for an unknown status value.
func serveInvoicePlatformUpdateStatus(s *Sandbox, c *apiCall) answer {
	var b struct {
		CardID          string `json:"card_id"`
		Code            string `json:"code"`
		ReimburseStatus string `json:"reimburse_status"`
	}
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	if b.CardID == "" || b.Code == "" || b.ReimburseStatus == "" {
		return fail(codeMissingFields)
	}
	card, ok := c.a.invoice.cards[b.CardID]
	if !ok {
		return invoiceFail(codeInvoiceCardNotExist)
	}
	item, ok := card.invoices[b.Code]
	switch {
	case !ok:
		return invoiceFail(codeInvoiceCardDetailFail)
	case !invoiceStatuses[b.ReimburseStatus]:
		return invoiceFail(codeInvoiceStatusError)
	case item.status == invoiceStatusCancel && b.ReimburseStatus != invoiceStatusCancel:
		return invoiceFail(codeInvoiceCancelled)
	case item.status == invoiceStatusClosure && b.ReimburseStatus != invoiceStatusClosure && b.ReimburseStatus != invoiceStatusCancel:
		return invoiceFail(codeInvoiceClosed)
	}
	item.status = b.ReimburseStatus
	if item.status != invoiceStatusLock {
		item.lockedBy = ""
	}
	return fail(codeOK)
}

// serveInvoicePDF answers GET InvoicePDFPath?appid=…&s_media_id=… (the pdf_url links)
// with the PDF, or 404 with an errcode envelope. It needs no access token, as the
// platform's download links need none. Wiring: a `case InvoicePDFPath:` in route.
func (s *Sandbox) serveInvoicePDF(r *http.Request, q url.Values) answer {
	if r.Method != http.MethodGet {
		return fail(codeRequireGET)
	}
	data, err := s.InvoicePDF(q.Get("appid"), q.Get("s_media_id"))
	if err != nil {
		return answer{status: http.StatusNotFound, errcode: codeInvoiceInvalidMediaID, errmsg: invoiceErrmsgs[codeInvoiceInvalidMediaID]}
	}
	return answer{raw: data, rawType: "application/pdf"}
}
