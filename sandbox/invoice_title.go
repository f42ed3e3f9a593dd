package sandbox

import (
	"context"
	"fmt"
	"net/url"
)

// serveInvoiceUserTitleURL answers POST /card/invoice/biz/getusertitleurl: user_fill must
// be 0 or 1 (72031) and a merchant-set title (user_fill 0) needs a title (72017).
func serveInvoiceUserTitleURL(s *Sandbox, c *apiCall) answer {
	var b struct {
		UserFill   int    `json:"user_fill"`
		Title      string `json:"title"`
		Phone      string `json:"phone"`
		TaxNo      string `json:"tax_no"`
		Addr       string `json:"addr"`
		BankType   string `json:"bank_type"`
		BankNo     string `json:"bank_no"`
		OutTitleID string `json:"out_title_id"`
	}
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	switch {
	case b.UserFill != 0 && b.UserFill != 1:
		return invoiceFail(codeInvoiceInvalidParams)
	case b.UserFill == 0 && invoiceBlank(b.Title):
		return invoiceFail(codeInvoiceInvalidTitle)
	}
	return succeed(map[string]any{"errcode": 0, "errmsg": "ok",
		"url": "https://mp.weixin.qq.com/bizmall/addinvoicetitle?" + url.Values{"appid": {c.a.AppID}, "s": {s.randAlnum(24)}}.Encode()})
}

// serveInvoiceSelectTitleURL answers POST /card/invoice/biz/getselecttitleurl.
func serveInvoiceSelectTitleURL(s *Sandbox, c *apiCall) answer {
	var b struct {
		Attach  string `json:"attach"`
		BizName string `json:"biz_name"`
	}
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	st := &c.a.invoice
	st.init()
	key := s.randAlnum(24)
	st.selects[key] = &invoiceSelect{attach: b.Attach, bizName: b.BizName}
	return succeed(map[string]any{"errcode": 0, "errmsg": "ok",
		"url": "https://mp.weixin.qq.com/bizmall/choseinvoicetitle?" + url.Values{"appid": {c.a.AppID}, "s": {key}}.Encode()})
}

// serveInvoiceScanTitle answers POST /card/invoice/scantitle: 72044 for a scan_text no
// user title QR code of the account carries (see [Sandbox.AddInvoiceTitleQR]).
func serveInvoiceScanTitle(s *Sandbox, c *apiCall) answer {
	var b struct {
		ScanText string `json:"scan_text"`
	}
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	if b.ScanText == "" {
		return fail(codeMissingFields)
	}
	t, ok := c.a.invoice.titles[b.ScanText]
	if !ok {
		return invoiceFail(codeInvoiceScanTextTimeout)
	}
	typ := 0
	if t.Personal {
		typ = 1
	}
	return succeed(map[string]any{"errcode": 0, "errmsg": "ok", "title_type": typ, "title": t.Title, "phone": t.Phone,
		"email": t.Email, "tax_no": t.TaxNo, "addr": t.Addr, "bank_type": t.BankType, "bank_no": t.BankNo})
}

// InvoiceTitle is an invoice title (抬头) a simulated user keeps in WeChat.
type InvoiceTitle struct {
	// Personal is a personal title (title_type 1); false is a company title (0).
	Personal bool
	// Title is the title. Required.
	Title string
	// Phone, Email, TaxNo, Addr, BankType and BankNo are the title's other fields.
	Phone, Email, TaxNo, Addr, BankType, BankNo string
}

func (t InvoiceTitle) validate() error {
	if invoiceBlank(t.Title) {
		return &ArgumentError{Field: "title.title", Reason: "is required"}
	}
	if len(t.Title) > 200 {
		return &ArgumentError{Field: "title.title", Reason: "must be at most 200 bytes"}
	}
	return nil
}

// AddInvoiceTitleQR simulates a user showing the title QR code of t (我的发票抬头) to
// the account appID's scanner and returns the text the scanner reads; scantitle with it
// answers t. The error wraps [ErrUnknownAccount] or is an [*ArgumentError].
func (s *Sandbox) AddInvoiceTitleQR(appID string, t InvoiceTitle) (string, error) {
	if err := t.validate(); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return "", unknownAccount(appID)
	}
	a.invoice.init()
	text := "https://mp.weixin.qq.com/bizmall/invoicetitle?k=" + s.randAlnum(32)
	a.invoice.titles[text] = t
	return text, nil
}

// SubmitInvoiceTitle simulates the user openID submitting t through the account's
// getselecttitleurl link selectURL: the submit_invoice_title event, carrying the link's
// attach, is pushed to the account (when it has a callback URL). The error wraps
// [ErrUnknownAccount] or [ErrUnknownInvoice] (a link the account never got), or is an
// [*ArgumentError].
func (s *Sandbox) SubmitInvoiceTitle(ctx context.Context, appID, openID, selectURL string, t InvoiceTitle) (InvoiceEventResult, error) {
	if err := t.validate(); err != nil {
		return InvoiceEventResult{}, err
	}
	if err := invoiceCheckOpenID(openID); err != nil {
		return InvoiceEventResult{}, err
	}
	u, err := url.Parse(selectURL)
	if err != nil {
		return InvoiceEventResult{}, &ArgumentError{Field: "select_url", Reason: "is not a URL"}
	}
	s.mu.Lock()
	a, ok := s.accounts[appID]
	if !ok {
		s.mu.Unlock()
		return InvoiceEventResult{}, unknownAccount(appID)
	}
	sel, ok := a.invoice.selects[u.Query().Get("s")]
	if !ok {
		s.mu.Unlock()
		return InvoiceEventResult{}, fmt.Errorf("select_url %q: %w", selectURL, ErrUnknownInvoice)
	}
	callback := a.CallbackURL != ""
	s.mu.Unlock()
	typ := "InvoiceUserTitleBusinessType"
	if t.Personal {
		typ = "InvoiceUserTitlePersonType"
	}
	var res InvoiceEventResult
	res.Pushed, res.Push, err = s.pushIfCallback(ctx, callback, appID, openID, Event{Event: "submit_invoice_title",
		Fields: map[string]string{"title": t.Title, "tax_no": t.TaxNo, "addr": t.Addr, "phone": t.Phone,
			"bank_type": t.BankType, "bank_no": t.BankNo, "attach": sel.attach, "title_type": typ}})
	return res, err
}
