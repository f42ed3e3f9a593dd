package sandbox

// invoiceRefBody is one {card_id, encrypt_code} of the reimburse endpoints.
type invoiceRefBody struct {
	CardID      string `json:"card_id"`
	EncryptCode string `json:"encrypt_code"`
}

// invoiceLookup finds the invoice ref names: 41011 when a field is missing, 73200 when
// no card of any account holds it. Callers hold s.mu.
func (s *Sandbox) invoiceLookup(ref invoiceRefBody) (*account, *invoiceCard, *invoiceItem, int) {
	if ref.CardID == "" || ref.EncryptCode == "" {
		return nil, nil, nil, codeMissingFields
	}
	owner, card := s.invoiceFindCard(ref.CardID)
	if card == nil {
		return nil, nil, nil, codeInvoiceCardDetailFail
	}
	for _, item := range card.invoices {
		if item.encryptCode == ref.EncryptCode {
			return owner, card, item, codeOK
		}
	}
	return nil, nil, nil, codeInvoiceCardDetailFail
}

// invoiceInfo is the getinvoiceinfo answer of item (without the envelope).
func invoiceInfo(c *apiCall, owner *account, card *invoiceCard, item *invoiceItem) map[string]any {
	d := item.data
	info := d.Info
	if info == nil {
		info = []invoiceLine{}
	}
	user := map[string]any{"fee": d.Fee, "title": d.Title, "billing_time": d.BillingTime, "billing_no": d.BillingNo,
		"billing_code": d.BillingCode, "info": info, "fee_without_tax": d.FeeWithoutTax, "tax": d.Tax,
		"detail": card.detail, "pdf_url": invoicePDFURL(c.r, owner.AppID, d.SPdfMediaID),
		"reimburse_status": item.status, "check_code": d.CheckCode, "buyer_number": d.BuyerNumber,
		"buyer_address_and_phone": d.BuyerAddressAndPhone, "buyer_bank_account": d.BuyerBankAccount,
		"seller_number": d.SellerNumber, "seller_address_and_phone": d.SellerAddressAndPhone,
		"seller_bank_account": d.SellerBankAccount, "remarks": d.Remarks, "cashier": d.Cashier, "maker": d.Maker}
	if d.STripPdfMediaID != "" {
		user["trip_pdf_url"] = invoicePDFURL(c.r, owner.AppID, d.STripPdfMediaID)
	}
	return map[string]any{"card_id": card.id, "begin_time": item.begin, "end_time": item.end, "openid": item.openID,
		"type": card.typ, "payee": card.payee, "detail": card.detail, "user_info": user}
}

// serveInvoiceReimburseGet answers POST /card/invoice/reimburse/getinvoiceinfo.
func serveInvoiceReimburseGet(s *Sandbox, c *apiCall) answer {
	var b invoiceRefBody
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	owner, card, item, code := s.invoiceLookup(b)
	if code != codeOK {
		return invoiceFail(code)
	}
	out := invoiceInfo(c, owner, card, item)
	out["errcode"], out["errmsg"] = 0, "ok"
	return succeed(out)
}

// serveInvoiceReimburseBatchGet answers POST /card/invoice/reimburse/getinvoicebatch:
// the whole call fails on the first unknown invoice.
func serveInvoiceReimburseBatchGet(s *Sandbox, c *apiCall) answer {
	var b struct {
		ItemList []invoiceRefBody `json:"item_list"`
	}
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	if len(b.ItemList) == 0 {
		return fail(codeMissingFields)
	}
	list := make([]map[string]any, 0, len(b.ItemList))
	for _, ref := range b.ItemList {
		owner, card, item, code := s.invoiceLookup(ref)
		if code != codeOK {
			return invoiceFail(code)
		}
		list = append(list, invoiceInfo(c, owner, card, item))
	}
	return succeed(map[string]any{"errcode": 0, "errmsg": "ok", "item_list": list})
}

// invoiceReimburseStatuses are the statuses a reimburser may set.
var invoiceReimburseStatuses = map[string]bool{invoiceStatusInit: true, invoiceStatusLock: true, invoiceStatusClosure: true}

// invoiceTransition checks the reimburser appID moving item to status: 72024 for a status
// a reimburser may not set, 72060/72061 out of CANCEL/CLOSURE, 72023 for an invoice
// another reimburser locked, 72039 for INIT → CLOSURE.
func invoiceTransition(item *invoiceItem, appID, status string) int {
	switch {
	case !invoiceReimburseStatuses[status]:
		return codeInvoiceStatusError
	case item.status == invoiceStatusCancel:
		return codeInvoiceCancelled
	case item.status == invoiceStatusClosure:
		return codeInvoiceClosed
	case item.status == invoiceStatusLock && item.lockedBy != "" && item.lockedBy != appID:
		return codeInvoiceLockedByOthers
	case item.status == invoiceStatusInit && status == invoiceStatusClosure:
		return codeInvoiceLockFirst
	}
	return codeOK
}

// applyInvoiceStatus moves item to status for the reimburser appID and pushes
// update_invoice_status to the platform that owns the card when the status changed.
// Callers hold s.mu.
func (s *Sandbox) applyInvoiceStatus(owner *account, card *invoiceCard, item *invoiceItem, appID, status string) {
	if item.status == status {
		return
	}
	item.status = status
	item.lockedBy = ""
	if status == invoiceStatusLock {
		item.lockedBy = appID
	}
	s.pushPlatformEvent(owner, item.openID, Event{Event: "update_invoice_status",
		Fields: map[string]string{"Status": status, "CardId": card.id, "Code": item.code}})
}

// serveInvoiceReimburseUpdate answers POST /card/invoice/reimburse/updateinvoicestatus.
func serveInvoiceReimburseUpdate(s *Sandbox, c *apiCall) answer {
	var b struct {
		invoiceRefBody
		ReimburseStatus string `json:"reimburse_status"`
	}
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	if b.ReimburseStatus == "" {
		return fail(codeMissingFields)
	}
	owner, card, item, code := s.invoiceLookup(b.invoiceRefBody)
	if code != codeOK {
		return invoiceFail(code)
	}
	if code := invoiceTransition(item, c.a.AppID, b.ReimburseStatus); code != codeOK {
		return invoiceFail(code)
	}
	s.applyInvoiceStatus(owner, card, item, c.a.AppID, b.ReimburseStatus)
	return fail(codeOK)
}

// serveInvoiceReimburseUpdateBatch answers POST /card/invoice/reimburse/updatestatusbatch:
// every invoice is checked (72037 for one of another user) before any changes.
func serveInvoiceReimburseUpdateBatch(s *Sandbox, c *apiCall) answer {
	var b struct {
		OpenID          string           `json:"openid"`
		ReimburseStatus string           `json:"reimburse_status"`
		InvoiceList     []invoiceRefBody `json:"invoice_list"`
	}
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	if b.OpenID == "" || b.ReimburseStatus == "" || len(b.InvoiceList) == 0 {
		return fail(codeMissingFields)
	}
	type found struct {
		owner *account
		card  *invoiceCard
		item  *invoiceItem
	}
	all := make([]found, 0, len(b.InvoiceList))
	for _, ref := range b.InvoiceList {
		owner, card, item, code := s.invoiceLookup(ref)
		if code != codeOK {
			return invoiceFail(code)
		}
		if item.openID != b.OpenID {
			return invoiceFail(codeInvoiceOwnerError)
		}
		if code := invoiceTransition(item, c.a.AppID, b.ReimburseStatus); code != codeOK {
			return invoiceFail(code)
		}
		all = append(all, found{owner, card, item})
	}
	for _, f := range all {
		s.applyInvoiceStatus(f.owner, f.card, f.item, c.a.AppID, b.ReimburseStatus)
	}
	return fail(codeOK)
}
