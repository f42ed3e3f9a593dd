package sandbox

import (
	"context"
	"errors"
	"fmt"
)

// ErrUnknownInvoice is an invoice authorization order, invoice, PDF or title link the
// sandbox does not know.
var ErrUnknownInvoice = errors.New("sandbox: unknown invoice object")

// ErrInvoiceOrderState is an authorization order the user has answered already.
var ErrInvoiceOrderState = errors.New("sandbox: the invoice authorization order was answered already")

// InvoiceEventResult says whether a simulated user action pushed its event.
type InvoiceEventResult struct {
	// Pushed reports whether the event was pushed: false when the account has no
	// callback URL.
	Pushed bool
	// Push is the push's outcome when Pushed.
	Push PushResult
}

// InvoicePersonalTitle is what a user fills in for a personal title on an authorization
// page (user_field).
type InvoicePersonalTitle struct {
	// Title is the personal title. Required.
	Title string
	// Phone and Email are the user's contact.
	Phone, Email string
	// Custom are custom fields by key.
	Custom map[string]string
}

// InvoiceBusinessTitle is what a user fills in for a company title (biz_field).
type InvoiceBusinessTitle struct {
	// Title is the company title. Required.
	Title string
	// TaxNo, Addr, Phone, BankType and BankNo are the company's details.
	TaxNo, Addr, Phone, BankType, BankNo string
	// Custom are custom fields by key.
	Custom map[string]string
}

// InvoiceAuthorization is a simulated user's answer on an invoice (or fiscal bill)
// authorization page.
type InvoiceAuthorization struct {
	// OpenID is the user, an openid of the merchant's account. Required.
	OpenID string
	// Decline makes the user decline: the order reports "auth fail" and the event
	// carries FailOrderId.
	Decline bool
	// Personal or Business is the title the user authorizes with; exactly one unless
	// Decline.
	Personal *InvoicePersonalTitle
	// Business is a company title (see Personal).
	Business *InvoiceBusinessTitle
}

func invoiceCheckOpenID(openID string) error {
	if openID == "" || len(openID) > 64 {
		return &ArgumentError{Field: "openid", Reason: "must be 1 to 64 characters"}
	}
	return nil
}

func (z InvoiceAuthorization) validate() error {
	if err := invoiceCheckOpenID(z.OpenID); err != nil {
		return err
	}
	switch {
	case z.Decline:
		return nil
	case (z.Personal == nil) == (z.Business == nil):
		return &ArgumentError{Field: "authorization", Reason: "needs exactly one of personal and business"}
	case z.Personal != nil && invoiceBlank(z.Personal.Title):
		return &ArgumentError{Field: "authorization.personal.title", Reason: "is required"}
	case z.Business != nil && invoiceBlank(z.Business.Title):
		return &ArgumentError{Field: "authorization.business.title", Reason: "is required"}
	}
	return nil
}

func invoicePairs(m map[string]string) []invoiceKVPair {
	var out []invoiceKVPair
	for k, v := range m {
		out = append(out, invoiceKVPair{Key: k, Value: v})
	}
	return out
}

// AuthorizeInvoice simulates the user z.OpenID answering the authorization page of the
// order orderID that the account appID opened for the platform sPappid (getauthurl or
// getbillauthurl): getauthdata then reports it and the user_authorize_invoice event
// (SuccOrderId or FailOrderId, Source, AuthorizeAppId) is pushed to the account when it
// has a callback URL. The error wraps [ErrUnknownAccount], [ErrUnknownInvoice] (no such
// order) or [ErrInvoiceOrderState] (answered already), or is an [*ArgumentError].
func (s *Sandbox) AuthorizeInvoice(ctx context.Context, appID, sPappid, orderID string, z InvoiceAuthorization) (InvoiceEventResult, error) {
	if err := z.validate(); err != nil {
		return InvoiceEventResult{}, err
	}
	now := s.Now()
	s.mu.Lock()
	a, ok := s.accounts[appID]
	if !ok {
		s.mu.Unlock()
		return InvoiceEventResult{}, unknownAccount(appID)
	}
	o, ok := a.invoice.orders[invoiceOrderKey(sPappid, orderID)]
	if !ok {
		s.mu.Unlock()
		return InvoiceEventResult{}, fmt.Errorf("order %q of %q: %w", orderID, sPappid, ErrUnknownInvoice)
	}
	if o.status != invoiceAuthNever {
		s.mu.Unlock()
		return InvoiceEventResult{}, fmt.Errorf("order %q: %w", orderID, ErrInvoiceOrderState)
	}
	o.openID = z.OpenID
	fields := map[string]string{"Source": o.source, "AuthorizeAppId": appID, "SuccOrderId": "", "FailOrderId": ""}
	if z.Decline {
		o.status = invoiceAuthFail
		fields["FailOrderId"] = orderID
	} else {
		o.status, o.authTime = invoiceAuthSuccess, now.Unix()
		fields["SuccOrderId"] = orderID
		if p := z.Personal; p != nil {
			o.user = &invoiceKV{Title: p.Title, Phone: p.Phone, Email: p.Email, CustomField: invoicePairs(p.Custom)}
		}
		if b := z.Business; b != nil {
			o.biz = &invoiceKV{Title: b.Title, TaxNo: b.TaxNo, Addr: b.Addr, Phone: b.Phone, BankType: b.BankType,
				BankNo: b.BankNo, CustomField: invoicePairs(b.Custom)}
		}
	}
	callback := a.CallbackURL != ""
	s.mu.Unlock()
	var res InvoiceEventResult
	var err error
	res.Pushed, res.Push, err = s.pushIfCallback(ctx, callback, appID, z.OpenID, Event{Event: "user_authorize_invoice", Fields: fields})
	return res, err
}

// InvoiceEncryptCode simulates chooseInvoice: the encrypt_code a reimburser receives for
// the invoice card cardID with code (insert or insertbill). The error wraps
// [ErrUnknownInvoice].
func (s *Sandbox) InvoiceEncryptCode(cardID, code string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, card := s.invoiceFindCard(cardID)
	if card == nil {
		return "", fmt.Errorf("card %q: %w", cardID, ErrUnknownInvoice)
	}
	item, ok := card.invoices[code]
	if !ok {
		return "", fmt.Errorf("card %q code %q: %w", cardID, code, ErrUnknownInvoice)
	}
	return item.encryptCode, nil
}

// InvoiceStatus returns the reimburse_status of the invoice card cardID with code, e.g.
// "INVOICE_REIMBURSE_LOCK". The error wraps [ErrUnknownInvoice].
func (s *Sandbox) InvoiceStatus(cardID, code string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, card := s.invoiceFindCard(cardID)
	if card == nil || card.invoices[code] == nil {
		return "", fmt.Errorf("card %q code %q: %w", cardID, code, ErrUnknownInvoice)
	}
	return card.invoices[code].status, nil
}
