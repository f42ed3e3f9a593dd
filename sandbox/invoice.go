package sandbox

import (
	"encoding/base64"
	"net/url"
	"strings"
	"time"
)

// This file holds the state and shared parts of the electronic invoice, reimbursement
// and fiscal bill endpoints (/card/invoice/*, /nontax/{getbillauthurl,createbillcard,
// insertbill}); invoice_*.go hold the endpoints by role.

// Errcodes of the invoice endpoints, with the platform's errmsg texts [S: WxJava
// WxOpenErrorMsgEnum, a copy of the official return-code list].
const (
	codeInvoiceInvalidTitle    = 72017 // invalid invoice title
	codeInvoiceOrderInserted   = 72018 // duplicate order id, invoice had inserted to user
	codeInvoiceLockedByOthers  = 72023 // invoice has been lock by others
	codeInvoiceStatusError     = 72024 // invoice status error
	codeInvoiceActionError     = 72027 // invoice action error
	codeInvoiceNoPayMch        = 72028 // invoice never set pay mch info
	codeInvoiceNoAuthField     = 72029 // invoice never set auth field
	codeInvoiceInvalidMchID    = 72030 // invalid mchid
	codeInvoiceInvalidParams   = 72031 // invalid params
	codeInvoiceBizReject       = 72035 // biz reject insert
	codeInvoiceOwnerError      = 72037 // invoice owner error
	codeInvoiceNeverAuth       = 72038 // invoice order never auth
	codeInvoiceLockFirst       = 72039 // invoice must be lock first
	codeInvoicePDFError        = 72040 // invoice pdf error
	codeInvoiceBillingInvalid  = 72041 // billing_code and billing_no invalid
	codeInvoiceBillingRepeated = 72042 // billing_code and billing_no repeated
	codeInvoiceBillingSize     = 72043 // billing_code or billing_no size error
	codeInvoiceScanTextTimeout = 72044 // scan text out of time
	codeInvoiceAuthExpired     = 72050 // auth expired, need auth again
	codeInvoiceOrderRepeated   = 72056 // order_id repeated, please check order_id
	codeInvoiceCancelled       = 72060 // this invoice has been cancelled
	codeInvoiceClosed          = 72061 // this invoice has been closed
	codeInvoiceContactEmpty    = 72063 // biz contact is empty, set contact first please
	codeInvoiceFeeError        = 72073 // Fee_Error
	codeInvoiceDdhEmpty        = 73002
	codeInvoiceWxOpenIDEmpty   = 73003
	codeInvoiceFpqqlshEmpty    = 73004
	codeInvoiceNsrmcEmpty      = 73007
	codeInvoiceNsrdzEmpty      = 73008
	codeInvoiceNsrdhEmpty      = 73009
	codeInvoiceGhfmcEmpty      = 73010
	codeInvoiceKprEmpty        = 73011
	codeInvoiceJshjEmpty       = 73012
	codeInvoiceHjjeEmpty       = 73013
	codeInvoiceHjseEmpty       = 73014
	codeInvoiceHylxEmpty       = 73015
	codeInvoiceNsrsbhEmpty     = 73016
	codeInvoiceNsrsbhMismatch  = 73101 // nsrsbh not cmp
	codeInvoiceFpqqlshOtherDdh = 73106 // Fpqqlsh exist with different ddh
	codeInvoiceDdhOtherFpqqlsh = 73108 // This ddh with other fpqqlsh already exist
	codeInvoiceFpqqlshUnknown  = 73109 // This Fpqqlsh not exist in kpplat
	codeInvoiceCardDetailFail  = 73200 // get card detail by card id and code fail
	codeInvoiceCardNotExist    = 73204 // request card not exist
	codeInvoiceMediaMissing    = 41005 // media data missing (setpdf without a pdf part)
	codeInvoiceInvalidMediaID  = 40007 // invalid media_id (unknown or expired s_media_id)
)

// invoiceErrmsgs are the platform's errmsg texts of the invoice errcodes.
var invoiceErrmsgs = map[int]string{
	codeInvoiceInvalidTitle:    "invalid invoice title",
	codeInvoiceOrderInserted:   "duplicate order id, invoice had inserted to user",
	codeInvoiceLockedByOthers:  "invoice has been lock by others",
	codeInvoiceStatusError:     "invoice status error",
	codeInvoiceActionError:     "invoice action error",
	codeInvoiceNoPayMch:        "invoice never set pay mch info",
	codeInvoiceNoAuthField:     "invoice never set auth field",
	codeInvoiceInvalidMchID:    "invalid mchid",
	codeInvoiceInvalidParams:   "invalid params",
	codeInvoiceBizReject:       "biz reject insert",
	codeInvoiceOwnerError:      "invoice owner error",
	codeInvoiceNeverAuth:       "invoice order never auth",
	codeInvoiceLockFirst:       "invoice must be lock first",
	codeInvoicePDFError:        "invoice pdf error",
	codeInvoiceBillingInvalid:  "billing_code and billing_no invalid",
	codeInvoiceBillingRepeated: "billing_code and billing_no repeated",
	codeInvoiceBillingSize:     "billing_code or billing_no size error",
	codeInvoiceScanTextTimeout: "scan text out of time",
	codeInvoiceAuthExpired:     "auth expired, need auth again",
	codeInvoiceOrderRepeated:   "order_id repeated, please check order_id",
	codeInvoiceCancelled:       "this invoice has been cancelled,  check the reimburse_status please",
	codeInvoiceClosed:          "this invoice has been closed, check  the reimburse_status please",
	codeInvoiceContactEmpty:    "biz contact is empty, set contact first please",
	codeInvoiceFeeError:        "Fee_Error",
	codeInvoiceDdhEmpty:        "ddh orderid empty",
	codeInvoiceWxOpenIDEmpty:   "wxopenid empty",
	codeInvoiceFpqqlshEmpty:    "fpqqlsh empty",
	codeInvoiceNsrmcEmpty:      "nsrmc empty",
	codeInvoiceNsrdzEmpty:      "nsrdz empty",
	codeInvoiceNsrdhEmpty:      "nsrdh empty",
	codeInvoiceGhfmcEmpty:      "ghfmc empty",
	codeInvoiceKprEmpty:        "kpr empty",
	codeInvoiceJshjEmpty:       "jshj empty",
	codeInvoiceHjjeEmpty:       "hjje empty",
	codeInvoiceHjseEmpty:       "hjse empty",
	codeInvoiceHylxEmpty:       "hylx empty",
	codeInvoiceNsrsbhEmpty:     "nsrsbh empty",
	codeInvoiceNsrsbhMismatch:  "nsrsbh not cmp",
	codeInvoiceFpqqlshOtherDdh: "Fpqqlsh exist with different ddh",
	codeInvoiceDdhOtherFpqqlsh: "This ddh with other fpqqlsh already exist",
	codeInvoiceFpqqlshUnknown:  "This Fpqqlsh not exist in kpplat",
	codeInvoiceCardDetailFail:  "get card detail by card id and code fail",
	codeInvoiceCardNotExist:    "request card not exist",
	codeInvoiceMediaMissing:    "media data missing",
	codeInvoiceInvalidMediaID:  "invalid media_id",
}

// invoiceFail is the errcode answer of the invoice endpoints, with the invoice errmsg.
func invoiceFail(code int) answer { return answer{errcode: code, errmsg: invoiceErrmsgs[code]} }

// Reimbursement statuses (reimburse_status).
const (
	invoiceStatusInit    = "INVOICE_REIMBURSE_INIT"
	invoiceStatusLock    = "INVOICE_REIMBURSE_LOCK"
	invoiceStatusClosure = "INVOICE_REIMBURSE_CLOSURE"
	invoiceStatusCancel  = "INVOICE_REIMBURSE_CANCEL"
)

// Authorization order statuses (getauthdata invoice_status). "never auth" and "auth
// success" are documented; "auth fail" for a user who declined is a sandbox choice.
const (
	invoiceAuthNever   = "never auth"
	invoiceAuthSuccess = "auth success"
	invoiceAuthFail    = "auth fail"
)

// Sandbox choices where the platform documents no value.
const (
	invoicePDFMaxBytes   = 2 << 20                  // largest PDF setpdf takes
	invoicePDFLifetime   = 72 * time.Hour           // s_media_id validity (wechatpy: 3 days)
	invoicePDFURLExpire  = 7200                     // pdf_url_expire_time, seconds
	invoiceBillURLExpire = 7200                     // getbillauthurl expire_time, seconds
	invoiceCardValidity  = 5 * 365 * 24 * time.Hour // end_time - begin_time of an invoice card
	invoiceWxaAppID      = "wx9db2c16d0633c2e7"     // invoicing mini program appid answered for source wxa
	// InvoicePDFPath is the sandbox path pdf_url points to (see [Sandbox.InvoicePDFHandler]).
	InvoicePDFPath = "/wxsandbox/invoice/pdf"
)

// invoiceState is an account's electronic invoices, reimbursement and fiscal bills
// state: as a merchant (contact, page settings, authorization orders, unified-interface
// invoices), as an invoicing platform (card templates, PDFs and the invoices it put into
// card bags) and the title QR codes its users can show.
type invoiceState struct {
	contact   *invoiceContact
	authField *invoiceAuthField
	payMch    *invoicePayMch
	orders    map[string]*invoiceOrder  // by invoiceOrderKey(s_pappid, order_id)
	cards     map[string]*invoiceCard   // templates this account created, by card_id
	pdfs      map[string]*invoicePDF    // by s_media_id
	issued    map[string]*invoiceIssued // unified interface, by fpqqlsh
	titles    map[string]InvoiceTitle   // title QR codes, by scan_text
	selects   map[string]*invoiceSelect // getselecttitleurl links, by their s parameter
	billings  map[string]bool           // billing_no + "/" + billing_code inserted
}

func (st *invoiceState) init() {
	if st.orders == nil {
		st.orders = make(map[string]*invoiceOrder)
		st.cards = make(map[string]*invoiceCard)
		st.pdfs = make(map[string]*invoicePDF)
		st.issued = make(map[string]*invoiceIssued)
		st.titles = make(map[string]InvoiceTitle)
		st.selects = make(map[string]*invoiceSelect)
		st.billings = make(map[string]bool)
	}
}

type invoiceContact struct {
	Phone   string `json:"phone"`
	TimeOut int64  `json:"time_out"`
}

type invoicePayMch struct {
	MchID   string `json:"mchid"`
	SPappid string `json:"s_pappid"`
}

type invoiceCustomSetting struct {
	Key       string `json:"key"`
	IsRequire int    `json:"is_require"`
}

type invoiceUserFieldSetting struct {
	ShowTitle    int                    `json:"show_title"`
	ShowPhone    int                    `json:"show_phone"`
	ShowEmail    int                    `json:"show_email"`
	RequirePhone int                    `json:"require_phone"`
	RequireEmail int                    `json:"require_email"`
	CustomField  []invoiceCustomSetting `json:"custom_field,omitempty"`
}

type invoiceBizFieldSetting struct {
	ShowTitle       int                    `json:"show_title"`
	ShowTaxNo       int                    `json:"show_tax_no"`
	ShowAddr        int                    `json:"show_addr"`
	ShowPhone       int                    `json:"show_phone"`
	ShowBankType    int                    `json:"show_bank_type"`
	ShowBankNo      int                    `json:"show_bank_no"`
	RequireTaxNo    int                    `json:"require_tax_no"`
	RequireAddr     int                    `json:"require_addr"`
	RequirePhone    int                    `json:"require_phone"`
	RequireBankType int                    `json:"require_bank_type"`
	RequireBankNo   int                    `json:"require_bank_no"`
	CustomField     []invoiceCustomSetting `json:"custom_field,omitempty"`
}

type invoiceAuthField struct {
	UserField *invoiceUserFieldSetting `json:"user_field,omitempty"`
	BizField  *invoiceBizFieldSetting  `json:"biz_field,omitempty"`
}

// invoiceOrder is an authorization order (getauthurl / getbillauthurl) of a merchant
// (or collecting unit) for an invoicing platform (or finance bureau).
type invoiceOrder struct {
	sPappid, orderID string
	bill             bool
	money, timestamp int64
	source           string
	authType         int
	timeOut          int64 // seconds the authorization stays usable (contact time_out)
	status           string
	authTime         int64
	openID           string
	user             *invoiceKV
	biz              *invoiceKV
	personal         bool
	rejected         bool
	inserted         bool
}

// invoiceKV is what a user filled in on the authorization page, in the platform's
// user_field / biz_field shapes.
type invoiceKV struct {
	Title       string          `json:"title"`
	Phone       string          `json:"phone,omitempty"`
	Email       string          `json:"email,omitempty"`
	TaxNo       string          `json:"tax_no,omitempty"`
	Addr        string          `json:"addr,omitempty"`
	BankType    string          `json:"bank_type,omitempty"`
	BankNo      string          `json:"bank_no,omitempty"`
	CustomField []invoiceKVPair `json:"custom_field,omitempty"`
}

type invoiceKVPair struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// invoiceBaseInfo is a card template's base_info.
type invoiceBaseInfo struct {
	LogoURL              string `json:"logo_url"`
	Title                string `json:"title"`
	CustomURLName        string `json:"custom_url_name,omitempty"`
	CustomURL            string `json:"custom_url,omitempty"`
	CustomURLSubTitle    string `json:"custom_url_sub_title,omitempty"`
	PromotionURLName     string `json:"promotion_url_name,omitempty"`
	PromotionURL         string `json:"promotion_url,omitempty"`
	PromotionURLSubTitle string `json:"promotion_url_sub_title,omitempty"`
}

// invoiceCard is an invoice (or fiscal bill) card template and the invoices inserted
// with it.
type invoiceCard struct {
	id       string
	bill     bool
	base     invoiceBaseInfo
	payee    string
	typ      string
	detail   string
	invoices map[string]*invoiceItem // by code
}

// invoiceLine is one line of invoice_user_data.info.
type invoiceLine struct {
	Name  string `json:"name"`
	Num   int64  `json:"num"`
	Unit  string `json:"unit"`
	Price int64  `json:"price"`
}

// invoiceUserData is card_ext.user_card.invoice_user_data.
type invoiceUserData struct {
	Fee                   int64         `json:"fee"`
	Title                 string        `json:"title"`
	BillingTime           int64         `json:"billing_time"`
	BillingNo             string        `json:"billing_no"`
	BillingCode           string        `json:"billing_code"`
	Info                  []invoiceLine `json:"info"`
	FeeWithoutTax         int64         `json:"fee_without_tax"`
	Tax                   int64         `json:"tax"`
	SPdfMediaID           string        `json:"s_pdf_media_id"`
	STripPdfMediaID       string        `json:"s_trip_pdf_media_id"`
	CheckCode             string        `json:"check_code"`
	BuyerNumber           string        `json:"buyer_number"`
	BuyerAddressAndPhone  string        `json:"buyer_address_and_phone"`
	BuyerBankAccount      string        `json:"buyer_bank_account"`
	SellerNumber          string        `json:"seller_number"`
	SellerAddressAndPhone string        `json:"seller_address_and_phone"`
	SellerBankAccount     string        `json:"seller_bank_account"`
	Remarks               string        `json:"remarks"`
	Cashier               string        `json:"cashier"`
	Maker                 string        `json:"maker"`
}

// invoiceItem is an invoice (or bill) in a user's card bag.
type invoiceItem struct {
	code        string
	encryptCode string
	openID      string
	unionID     string
	merchant    string // appid of the merchant whose order it was inserted for
	data        invoiceUserData
	status      string
	lockedBy    string // appid of the reimburser holding the lock
	begin, end  int64
}

// invoicePDF is an uploaded PDF (setpdf).
type invoicePDF struct {
	data    []byte
	created time.Time
}

// invoiceIssued is an invoice issued through the unified interface (makeoutinvoice or
// clearoutinvoice).
type invoiceIssued struct {
	fpqqlsh, ddh, nsrsbh, openID string
	fpdm, fphm, jym, kprq        string
	red                          bool   // a red invoice (clearoutinvoice)
	clearedBy                    string // fpqqlsh of the red invoice that voided it
}

// invoiceSelect is a getselecttitleurl link.
type invoiceSelect struct{ attach, bizName string }

// registerInvoice adds the electronic invoices, reimbursement and fiscal bills endpoints to m.
func registerInvoice(m map[string]endpoint) {
	post := func(serve func(s *Sandbox, c *apiCall) answer) endpoint {
		return endpoint{method: "POST", serve: serve}
	}
	// Merchant (开票方).
	m["/card/invoice/getauthurl"] = post(serveInvoiceGetAuthURL)
	m["/card/invoice/getauthdata"] = post(serveInvoiceGetAuthData)
	m["/card/invoice/rejectinsert"] = post(serveInvoiceRejectInsert)
	m["/card/invoice/setbizattr"] = post(serveInvoiceSetBizAttr)
	m["/card/invoice/makeoutinvoice"] = post(serveInvoiceMakeOut)
	m["/card/invoice/clearoutinvoice"] = post(serveInvoiceClearOut)
	m["/card/invoice/queryinvoceinfo"] = post(serveInvoiceQueryInfo)
	// Invoicing platform (开票平台).
	m["/card/invoice/seturl"] = post(serveInvoiceSetURL)
	m["/card/invoice/platform/createcard"] = post(serveInvoiceCreateCard)
	m["/card/invoice/platform/setpdf"] = endpoint{method: "POST", maxBody: invoicePDFMaxBytes + 64<<10, serve: serveInvoiceSetPDF}
	m["/card/invoice/platform/getpdf"] = post(serveInvoiceGetPDF)
	m["/card/invoice/insert"] = post(serveInvoiceInsert)
	m["/card/invoice/platform/updatestatus"] = post(serveInvoicePlatformUpdateStatus)
	// Reimburser (报销方).
	m["/card/invoice/reimburse/getinvoiceinfo"] = post(serveInvoiceReimburseGet)
	m["/card/invoice/reimburse/getinvoicebatch"] = post(serveInvoiceReimburseBatchGet)
	m["/card/invoice/reimburse/updateinvoicestatus"] = post(serveInvoiceReimburseUpdate)
	m["/card/invoice/reimburse/updatestatusbatch"] = post(serveInvoiceReimburseUpdateBatch)
	// Quick invoicing titles (极速开发票).
	m["/card/invoice/biz/getusertitleurl"] = post(serveInvoiceUserTitleURL)
	m["/card/invoice/biz/getselecttitleurl"] = post(serveInvoiceSelectTitleURL)
	m["/card/invoice/scantitle"] = post(serveInvoiceScanTitle)
	// Fiscal bills (非税票据).
	m["/nontax/getbillauthurl"] = post(serveInvoiceGetBillAuthURL)
	m["/nontax/createbillcard"] = post(serveInvoiceCreateBillCard)
	m["/nontax/insertbill"] = post(serveInvoiceInsertBill)
}

// InvoicePappid returns the s_pappid the sandbox gives the account appID as an invoicing
// platform (seturl): the same value on every call, as the platform's is.
func InvoicePappid(appID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(appID + "_invoice_platform"))
}

// invoicePlatform returns the account whose s_pappid is p. Callers hold s.mu.
func (s *Sandbox) invoicePlatform(p string) *account {
	if p == "" {
		return nil
	}
	for id, a := range s.accounts {
		if InvoicePappid(id) == p {
			return a
		}
	}
	return nil
}

func invoiceOrderKey(sPappid, orderID string) string { return sPappid + "\x00" + orderID }

// invoiceFindCard finds the template cardID in any account (reimbursers read invoices
// of every platform). Callers hold s.mu.
func (s *Sandbox) invoiceFindCard(cardID string) (*account, *invoiceCard) {
	if cardID == "" {
		return nil, nil
	}
	for _, a := range s.accounts {
		if card, ok := a.invoice.cards[cardID]; ok {
			return a, card
		}
	}
	return nil, nil
}

// invoiceHTTPURL reports whether v is an absolute http(s) URL.
func invoiceHTTPURL(v string) bool {
	u, err := url.Parse(v)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// invoiceBlank reports whether v is empty or only spaces.
func invoiceBlank(v string) bool { return strings.TrimSpace(v) == "" }
