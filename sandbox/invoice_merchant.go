package sandbox

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// invoiceAuthURLBody is the body of getauthurl and getbillauthurl.
type invoiceAuthURLBody struct {
	SPappid     string `json:"s_pappid"`
	OrderID     string `json:"order_id"`
	Money       int64  `json:"money"`
	Timestamp   int64  `json:"timestamp"`
	Source      string `json:"source"`
	RedirectURL string `json:"redirect_url"`
	Ticket      string `json:"ticket"`
	Type        *int   `json:"type"`
}

// maxInvoiceOrderID bounds order_id (sandbox choice: the platform documents none).
const maxInvoiceOrderID = 64

// openInvoiceOrder checks b and opens (or reopens, while unauthorized) the order.
// Missing fields give 41011 (behaviour §0); values the platform cannot use 72031.
func (s *Sandbox) openInvoiceOrder(c *apiCall, b *invoiceAuthURLBody, bill bool) (*invoiceOrder, int) {
	switch {
	case b.SPappid == "" || b.OrderID == "" || b.Source == "" || b.Ticket == "" || b.Timestamp == 0:
		return nil, codeMissingFields
	case !bill && b.Type == nil:
		return nil, codeMissingFields
	case len(b.OrderID) > maxInvoiceOrderID || b.Money < 0:
		return nil, codeInvoiceInvalidParams
	case s.invoicePlatform(b.SPappid) == nil:
		return nil, codeInvoiceInvalidParams
	}
	sources := map[string]bool{"app": true, "web": true, "wap": !bill, "wxa": !bill}
	if !sources[b.Source] || (b.Source == "web" && !invoiceHTTPURL(b.RedirectURL)) {
		return nil, codeInvoiceInvalidParams
	}
	if b.RedirectURL != "" && !invoiceHTTPURL(b.RedirectURL) {
		return nil, codeInvoiceInvalidParams
	}
	st := &c.a.invoice
	st.init()
	timeOut := int64(invoiceBillURLExpire)
	if !bill {
		if *b.Type < 0 || *b.Type > 2 {
			return nil, codeInvoiceInvalidParams
		}
		if st.contact == nil {
			return nil, codeInvoiceContactEmpty
		}
		timeOut = st.contact.TimeOut
	}
	key := invoiceOrderKey(b.SPappid, b.OrderID)
	if old, ok := st.orders[key]; ok && (old.status != invoiceAuthNever || old.bill != bill || old.rejected) {
		// Sandbox choice: an order the user answered or the merchant refused cannot be
		// reopened.
		return nil, codeInvoiceOrderRepeated
	}
	o := &invoiceOrder{sPappid: b.SPappid, orderID: b.OrderID, bill: bill, money: b.Money, timestamp: b.Timestamp,
		source: b.Source, timeOut: timeOut, status: invoiceAuthNever}
	if b.Type != nil {
		o.authType = *b.Type
	}
	st.orders[key] = o
	return o, codeOK
}

// invoiceAuthPage is the auth_url of o for the account appID.
func (s *Sandbox) invoiceAuthPage(appID string, o *invoiceOrder) string {
	q := url.Values{"action": {"list"}, "s_pappid": {o.sPappid}, "appid": {appID}, "num": {"1"},
		"o1": {o.orderID}, "m1": {strconv.FormatInt(o.money, 10)}, "t1": {strconv.FormatInt(o.timestamp, 10)},
		"source": {o.source}, "type": {strconv.Itoa(o.authType)}, "signature": {s.randAlnum(32)}}
	if o.bill {
		q.Set("type", "bill")
	}
	return "https://mp.weixin.qq.com/bizmall/authinvoice?" + q.Encode()
}

// serveInvoiceGetAuthURL answers POST /card/invoice/getauthurl.
func serveInvoiceGetAuthURL(s *Sandbox, c *apiCall) answer {
	var b invoiceAuthURLBody
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	o, code := s.openInvoiceOrder(c, &b, false)
	if code != codeOK {
		return invoiceFail(code)
	}
	out := map[string]any{"errcode": 0, "errmsg": "ok", "auth_url": s.invoiceAuthPage(c.a.AppID, o)}
	if o.source == "wxa" {
		out["appid"] = invoiceWxaAppID
	}
	return succeed(out)
}

// serveInvoiceGetBillAuthURL answers POST /nontax/getbillauthurl.
func serveInvoiceGetBillAuthURL(s *Sandbox, c *apiCall) answer {
	var b invoiceAuthURLBody
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	o, code := s.openInvoiceOrder(c, &b, true)
	if code != codeOK {
		return invoiceFail(code)
	}
	return succeed(map[string]any{"errcode": 0, "errmsg": "ok", "auth_url": s.invoiceAuthPage(c.a.AppID, o),
		"expire_time": invoiceBillURLExpire})
}

// invoiceOrderBody is the body of getauthdata and rejectinsert.
type invoiceOrderBody struct {
	SPappid string `json:"s_pappid"`
	OrderID string `json:"order_id"`
	Reason  string `json:"reason"`
	URL     string `json:"url"`
}

// serveInvoiceGetAuthData answers POST /card/invoice/getauthdata: 72038 for an order
// never opened (sandbox choice; an opened order the user has not answered reports
// "never auth").
func serveInvoiceGetAuthData(s *Sandbox, c *apiCall) answer {
	var b invoiceOrderBody
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	if b.SPappid == "" || b.OrderID == "" {
		return fail(codeMissingFields)
	}
	o, ok := c.a.invoice.orders[invoiceOrderKey(b.SPappid, b.OrderID)]
	if !ok {
		return invoiceFail(codeInvoiceNeverAuth)
	}
	out := map[string]any{"errcode": 0, "errmsg": "ok", "invoice_status": o.status}
	if o.status == invoiceAuthSuccess {
		out["auth_time"] = o.authTime
		info := map[string]any{}
		if o.user != nil {
			info["user_field"] = o.user
		}
		if o.biz != nil {
			info["biz_field"] = o.biz
		}
		out["user_auth_info"] = info
	}
	return succeed(out)
}

// serveInvoiceRejectInsert answers POST /card/invoice/rejectinsert.
func serveInvoiceRejectInsert(s *Sandbox, c *apiCall) answer {
	var b invoiceOrderBody
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	if b.SPappid == "" || b.OrderID == "" || invoiceBlank(b.Reason) {
		return fail(codeMissingFields)
	}
	if b.URL != "" && !invoiceHTTPURL(b.URL) {
		return invoiceFail(codeInvoiceInvalidParams)
	}
	o, ok := c.a.invoice.orders[invoiceOrderKey(b.SPappid, b.OrderID)]
	switch {
	case !ok:
		return invoiceFail(codeInvoiceNeverAuth)
	case o.inserted:
		return invoiceFail(codeInvoiceOrderInserted)
	}
	o.rejected = true
	return fail(codeOK)
}

// setbizattr bodies.
type invoiceBizAttrBody struct {
	Contact   *invoiceContact   `json:"contact"`
	AuthField *invoiceAuthField `json:"auth_field"`
	PayMch    *invoicePayMch    `json:"paymch_info"`
}

// serveInvoiceSetBizAttr answers POST /card/invoice/setbizattr?action=…: 72027 for an
// unknown action; the get actions answer 72063, 72029 or 72028 before the matching set.
func serveInvoiceSetBizAttr(s *Sandbox, c *apiCall) answer {
	var b invoiceBizAttrBody
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	st := &c.a.invoice
	st.init()
	switch c.q.Get("action") {
	case "set_contact":
		switch {
		case b.Contact == nil || invoiceBlank(b.Contact.Phone):
			return fail(codeMissingFields)
		case b.Contact.TimeOut <= 0 || len(b.Contact.Phone) > 32:
			return invoiceFail(codeInvoiceInvalidParams)
		}
		cc := *b.Contact
		st.contact = &cc
		return fail(codeOK)
	case "get_contact":
		if st.contact == nil {
			return invoiceFail(codeInvoiceContactEmpty)
		}
		return succeed(map[string]any{"errcode": 0, "errmsg": "ok", "contact": st.contact})
	case "set_auth_field":
		if b.AuthField == nil || (b.AuthField.UserField == nil && b.AuthField.BizField == nil) {
			return fail(codeMissingFields)
		}
		for _, f := range invoiceCustomSettings(b.AuthField) {
			if invoiceBlank(f.Key) {
				return invoiceFail(codeInvoiceInvalidParams)
			}
		}
		af := *b.AuthField
		st.authField = &af
		return fail(codeOK)
	case "get_auth_field":
		if st.authField == nil {
			return invoiceFail(codeInvoiceNoAuthField)
		}
		out := map[string]any{"errcode": 0, "errmsg": "ok"}
		if st.authField.UserField != nil {
			out["user_field"] = st.authField.UserField
		}
		if st.authField.BizField != nil {
			out["biz_field"] = st.authField.BizField
		}
		return succeed(out)
	case "set_pay_mch":
		switch {
		case b.PayMch == nil || b.PayMch.MchID == "" || b.PayMch.SPappid == "":
			return fail(codeMissingFields)
		case strings.Trim(b.PayMch.MchID, "0123456789") != "" || len(b.PayMch.MchID) > 20:
			return invoiceFail(codeInvoiceInvalidMchID)
		case s.invoicePlatform(b.PayMch.SPappid) == nil:
			return invoiceFail(codeInvoiceInvalidParams)
		}
		pm := *b.PayMch
		st.payMch = &pm
		return fail(codeOK)
	case "get_pay_mch":
		if st.payMch == nil {
			return invoiceFail(codeInvoiceNoPayMch)
		}
		return succeed(map[string]any{"errcode": 0, "errmsg": "ok", "paymch_info": st.payMch})
	}
	return invoiceFail(codeInvoiceActionError)
}

func invoiceCustomSettings(af *invoiceAuthField) []invoiceCustomSetting {
	var out []invoiceCustomSetting
	if af.UserField != nil {
		out = append(out, af.UserField.CustomField...)
	}
	if af.BizField != nil {
		out = append(out, af.BizField.CustomField...)
	}
	return out
}

// invoiceInfoBody is the invoiceinfo of makeoutinvoice and clearoutinvoice.
type invoiceInfoBody struct {
	Invoiceinfo *struct {
		Wxopenid string           `json:"wxopenid"`
		Ddh      string           `json:"ddh"`
		Fpqqlsh  string           `json:"fpqqlsh"`
		Nsrsbh   string           `json:"nsrsbh"`
		Nsrmc    string           `json:"nsrmc"`
		Nsrdz    string           `json:"nsrdz"`
		Nsrdh    string           `json:"nsrdh"`
		Ghfmc    string           `json:"ghfmc"`
		Kpr      string           `json:"kpr"`
		Jshj     string           `json:"jshj"`
		Hjje     string           `json:"hjje"`
		Hjse     string           `json:"hjse"`
		Hylx     string           `json:"hylx"`
		Yfpdm    string           `json:"yfpdm"`
		Yfphm    string           `json:"yfphm"`
		Details  []map[string]any `json:"invoicedetail_list"`
	} `json:"invoiceinfo"`
}

// serveInvoiceMakeOut answers POST /card/invoice/makeoutinvoice: the platform's 7300x
// code for the first empty required field, 73106/73108 for serial-number conflicts.
// Issuing is immediate in the sandbox (the platform answers asynchronously).
func serveInvoiceMakeOut(s *Sandbox, c *apiCall) answer {
	var b invoiceInfoBody
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	in := b.Invoiceinfo
	if in == nil {
		return fail(codeMissingFields)
	}
	for _, f := range []struct {
		v    string
		code int
	}{{in.Wxopenid, codeInvoiceWxOpenIDEmpty}, {in.Ddh, codeInvoiceDdhEmpty}, {in.Fpqqlsh, codeInvoiceFpqqlshEmpty},
		{in.Nsrsbh, codeInvoiceNsrsbhEmpty}, {in.Nsrmc, codeInvoiceNsrmcEmpty}, {in.Nsrdz, codeInvoiceNsrdzEmpty},
		{in.Nsrdh, codeInvoiceNsrdhEmpty}, {in.Ghfmc, codeInvoiceGhfmcEmpty}, {in.Kpr, codeInvoiceKprEmpty},
		{in.Jshj, codeInvoiceJshjEmpty}, {in.Hjje, codeInvoiceHjjeEmpty}, {in.Hjse, codeInvoiceHjseEmpty},
		{in.Hylx, codeInvoiceHylxEmpty}} {
		if invoiceBlank(f.v) {
			return invoiceFail(f.code)
		}
	}
	if len(in.Details) == 0 {
		return invoiceFail(codeInvoiceInvalidParams)
	}
	st := &c.a.invoice
	st.init()
	if old, ok := st.issued[in.Fpqqlsh]; ok {
		if old.ddh != in.Ddh || old.red {
			return invoiceFail(codeInvoiceFpqqlshOtherDdh)
		}
		return fail(codeOK) // the same request again
	}
	for _, old := range st.issued {
		if old.ddh == in.Ddh && !old.red {
			return invoiceFail(codeInvoiceDdhOtherFpqqlsh)
		}
	}
	st.issued[in.Fpqqlsh] = s.newInvoiceIssued(in.Fpqqlsh, in.Ddh, in.Nsrsbh, in.Wxopenid, c.now, false)
	return fail(codeOK)
}

func (s *Sandbox) newInvoiceIssued(fpqqlsh, ddh, nsrsbh, openID string, now time.Time, red bool) *invoiceIssued {
	return &invoiceIssued{fpqqlsh: fpqqlsh, ddh: ddh, nsrsbh: nsrsbh, openID: openID, red: red,
		fpdm: s.randDigits(12), fphm: s.randDigits(8), jym: s.randDigits(20),
		kprq: now.In(shanghai).Format("20060102150405")}
}

// serveInvoiceClearOut answers POST /card/invoice/clearoutinvoice: 72041 when yfpdm and
// yfphm name no blue invoice of the account, 73101 for another seller, 72024 when the
// blue invoice was voided already.
func serveInvoiceClearOut(s *Sandbox, c *apiCall) answer {
	var b invoiceInfoBody
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	in := b.Invoiceinfo
	if in == nil {
		return fail(codeMissingFields)
	}
	for _, f := range []struct {
		v    string
		code int
	}{{in.Wxopenid, codeInvoiceWxOpenIDEmpty}, {in.Fpqqlsh, codeInvoiceFpqqlshEmpty},
		{in.Nsrsbh, codeInvoiceNsrsbhEmpty}, {in.Nsrmc, codeInvoiceNsrmcEmpty},
		{in.Yfpdm, codeMissingFields}, {in.Yfphm, codeMissingFields}} {
		if invoiceBlank(f.v) {
			return invoiceFail(f.code)
		}
	}
	st := &c.a.invoice
	st.init()
	var blue *invoiceIssued
	for _, v := range st.issued {
		if !v.red && v.fpdm == in.Yfpdm && v.fphm == in.Yfphm {
			blue = v
		}
	}
	switch {
	case blue == nil:
		return invoiceFail(codeInvoiceBillingInvalid)
	case blue.nsrsbh != in.Nsrsbh:
		return invoiceFail(codeInvoiceNsrsbhMismatch)
	case blue.clearedBy == in.Fpqqlsh:
		return fail(codeOK) // the same request again
	case blue.clearedBy != "":
		return invoiceFail(codeInvoiceStatusError)
	}
	if _, taken := st.issued[in.Fpqqlsh]; taken {
		return invoiceFail(codeInvoiceFpqqlshOtherDdh)
	}
	st.issued[in.Fpqqlsh] = s.newInvoiceIssued(in.Fpqqlsh, blue.ddh, in.Nsrsbh, in.Wxopenid, c.now, true)
	blue.clearedBy = in.Fpqqlsh
	return fail(codeOK)
}

// serveInvoiceQueryInfo answers POST /card/invoice/queryinvoceinfo (sic).
func serveInvoiceQueryInfo(s *Sandbox, c *apiCall) answer {
	var b struct {
		Fpqqlsh string `json:"fpqqlsh"`
		Nsrsbh  string `json:"nsrsbh"`
	}
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	switch {
	case b.Fpqqlsh == "":
		return invoiceFail(codeInvoiceFpqqlshEmpty)
	case b.Nsrsbh == "":
		return invoiceFail(codeInvoiceNsrsbhEmpty)
	}
	v, ok := c.a.invoice.issued[b.Fpqqlsh]
	switch {
	case !ok:
		return invoiceFail(codeInvoiceFpqqlshUnknown)
	case v.nsrsbh != b.Nsrsbh:
		return invoiceFail(codeInvoiceNsrsbhMismatch)
	}
	return succeed(map[string]any{"errcode": 0, "errmsg": "ok", "invoicedetail": map[string]string{
		"fpqqlsh": v.fpqqlsh, "jym": v.jym, "kprq": v.kprq, "fpdm": v.fpdm, "fphm": v.fphm,
		"pdfurl": fmt.Sprintf("https://mp.weixin.qq.com/bizmall/invoicepdf?fpdm=%s&fphm=%s", v.fpdm, v.fphm)}})
}
