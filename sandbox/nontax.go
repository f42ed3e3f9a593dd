package sandbox

// This file emulates 非税缴费 (non-tax payments): receivables registered by tests, the
// order state machine (unifiedorder, micropay, payment, refunds, the timeout close),
// statements, the platform's test notifications, the vehicle-owner service and the
// real-name identity calls. Sources: the digest's "## 非税缴费" chapter and facts.md §6.9;
// where the platform documents no errcode, the sandbox follows behaviour.md §0: 41002
// for a missing appid, 40013 for an appid other than the token's account, 41011 for a
// missing required field, 41009 for a missing openid, 40003 for an openid the account
// does not know, 40097 for any other invalid argument or state (with an errmsg saying
// which), 44002 for an empty body and 47001 for a body that is not JSON of the
// documented shape. The platform does not sign these requests (access_token only), so
// the sandbox checks no signature.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// NontaxDefaultMchID is the merchant id orders settle to when the request names none;
// downloadbill filters by merchant id.
const NontaxDefaultMchID = "1230000109"

// Order states of nontax/getorder.
const (
	nontaxStatusUnpaid    = 1
	nontaxStatusPaid      = 3
	nontaxStatusRefunded  = 5
	nontaxStatusRefunding = 6
	nontaxStatusClosed    = 12
)

// Sandbox choices where the platform is silent.
const (
	// nontaxOrderTTL is how long an unpaid order stays open before it closes (status 12).
	nontaxOrderTTL = 2 * time.Hour
	// nontaxRealNameTTL is how long a wx_realname_token can be exchanged.
	nontaxRealNameTTL = 10 * time.Minute
	// nontaxMaxOrders bounds the orders an account keeps (oldest dropped first).
	nontaxMaxOrders = 10000
	// nontaxMaxNotifications bounds the notification log of an account.
	nontaxMaxNotifications = 1000
)

// nontaxCST is the platform's time zone: statement days are China Standard Time days.
var nontaxCST = time.FixedZone("CST", 8*3600)

// nontaxState is an account's 非税缴费 (non-tax payments) state. Guarded by Sandbox.mu.
type nontaxState struct {
	bills         map[string]*NontaxBill        // by nontaxNoticeKey
	orders        map[string]*nontaxOrder       // by order_id
	orderIDs      []string                      // creation order
	orderNos      map[string]string             // order_no → order_id
	vehicles      map[string]*NontaxVehicleUser // by plate number
	applies       map[string]*nontaxApply       // payapply by out_trade_no
	entrances     map[string]string             // plate → entrance id
	realNames     map[string]nontaxRealName     // by wx_realname_token
	notifyURL     string                        // payment notifications of real orders
	notifications []NontaxNotification
}

// NontaxItem is one item of a payment notice (amounts in fen).
type NontaxItem struct {
	No       int    `json:"no"`
	ItemID   string `json:"item_id"`
	ItemName string `json:"item_name"`
	Overdue  int64  `json:"overdue"`
	Penalty  int64  `json:"penalty"`
	Fee      int64  `json:"fee"`
}

// NontaxBill is a receivable (应收信息) that queryfee answers and unifiedorder and
// micropay check the amount against. Register one with [Sandbox.AddNontaxBill].
type NontaxBill struct {
	// RegionCode, DepartmentCode and PaymentNoticeNo identify the notice (required).
	RegionCode, DepartmentCode, PaymentNoticeNo string
	// DepartmentName is the collecting department's name.
	DepartmentName string
	// PaymentNoticeType is 1 (ordinary, the default when 0) or 2 (penalty).
	PaymentNoticeType int
	// UserName is the payer's name.
	UserName string
	// Fee is the total in fen (positive).
	Fee int64
	// Items are the notice's items.
	Items []NontaxItem
	// CreateTime is when the notice was created (Unix seconds; default the sandbox now).
	CreateTime int64
	// ExpireDate is the last day to pay, YYYYMMDD ("" for none).
	ExpireDate string
}

// NontaxVehicleUser is a vehicle owner of the vehicle-owner service (车主服务).
type NontaxVehicleUser struct {
	// PlateNumber is the plate (required), e.g. 粤B888888.
	PlateNumber string
	// OpenID is the owner's openid under the account ("" for none).
	OpenID string
	// State is NORMAL, PAUSED, OVERDUE, UNAUTHORIZED or BLACKLISTED (default NORMAL).
	State string
}

// NontaxRealName is a payer's real-name identity that getrealname returns.
type NontaxRealName struct {
	// OpenID is the payer's openid.
	OpenID string
	// RealName is the payer's name (required).
	RealName string
	// CredID is the identity document number (required).
	CredID string
	// CredType is the document type (default 1, the resident identity card).
	CredType int
}

type nontaxRealName struct {
	NontaxRealName
	expires time.Time
}

// NontaxNotification is a notification the sandbox sent (or tried to send) for an
// account: a payment notification of a paid order, or a test one of mocknotification or
// mockqueryfee.
type NontaxNotification struct {
	// Kind is "payment", "mock_payment" or "mock_queryfee".
	Kind string
	// URL is where it was sent.
	URL string
	// Body is the JSON sent.
	Body string
	// Status is the HTTP status of the answer (0 when none came).
	Status int
	// Err says why no answer came ("" when one did).
	Err string
	// Time is when it was sent (sandbox clock).
	Time time.Time
}

// nontaxOrder is an order of unifiedorder, micropay or vehicle/payapply.
type nontaxOrder struct {
	id, openid, desc, transID, bankID, bankAccount, mchID string
	noticeNo, orderNo, deptCode, deptName, regionCode     string
	scene, userName                                       string
	noticeType                                            int
	fee, refunded                                         int64
	items                                                 []NontaxItem
	status                                                int
	created, paid, refundTime                             time.Time
	refunds                                               []nontaxRefund
	notified                                              []map[string]any
}

type nontaxRefund struct {
	orderID, outID, reason string
	fee                    int64
	time                   time.Time
}

// nontaxApply is a vehicle/payapply request, kept to answer repeats.
type nontaxApply struct {
	fingerprint string
	orderID     string
}

func nontaxNoticeKey(region, dept, notice string) string {
	return region + "\x00" + dept + "\x00" + notice
}

func (st *nontaxState) init() {
	if st.orders == nil {
		st.bills = make(map[string]*NontaxBill)
		st.orders = make(map[string]*nontaxOrder)
		st.orderNos = make(map[string]string)
		st.vehicles = make(map[string]*NontaxVehicleUser)
		st.applies = make(map[string]*nontaxApply)
		st.entrances = make(map[string]string)
		st.realNames = make(map[string]nontaxRealName)
	}
}

// statusAt returns the order's status at now: an unpaid order closes nontaxOrderTTL
// after it was created.
func (o *nontaxOrder) statusAt(now time.Time) int {
	if o.status == nontaxStatusUnpaid && !now.Before(o.created.Add(nontaxOrderTTL)) {
		o.status = nontaxStatusClosed
	}
	return o.status
}

func nontaxPaid(status int) bool { return status == 3 || status == 4 }

// addOrder stores o, dropping the oldest order past nontaxMaxOrders.
func (st *nontaxState) addOrder(o *nontaxOrder) {
	st.orders[o.id] = o
	st.orderIDs = append(st.orderIDs, o.id)
	if len(st.orderIDs) > nontaxMaxOrders {
		old := st.orderIDs[0]
		st.orderIDs = st.orderIDs[1:]
		if od := st.orders[old]; od != nil && st.orderNos[od.orderNo] == old {
			delete(st.orderNos, od.orderNo)
		}
		delete(st.orders, old)
	}
}

// nontaxAccount returns the account of appID with its nontax state ready. Callers hold s.mu.
func (s *Sandbox) nontaxAccount(appID string) (*account, error) {
	a, ok := s.accounts[appID]
	if !ok {
		return nil, unknownAccount(appID)
	}
	a.nontax.init()
	return a, nil
}

// AddNontaxBill registers a receivable for queryfee, unifiedorder and micropay,
// replacing one with the same region, department and notice number.
func (s *Sandbox) AddNontaxBill(appID string, b NontaxBill) error {
	switch {
	case b.RegionCode == "":
		return &ArgumentError{Field: "bill.RegionCode", Reason: "is required"}
	case b.DepartmentCode == "":
		return &ArgumentError{Field: "bill.DepartmentCode", Reason: "is required"}
	case b.PaymentNoticeNo == "":
		return &ArgumentError{Field: "bill.PaymentNoticeNo", Reason: "is required"}
	case b.Fee <= 0:
		return &ArgumentError{Field: "bill.Fee", Reason: "must be positive (fen)"}
	case b.PaymentNoticeType != 0 && b.PaymentNoticeType != 1 && b.PaymentNoticeType != 2:
		return &ArgumentError{Field: "bill.PaymentNoticeType", Reason: "must be 1 or 2"}
	case b.ExpireDate != "" && !nontaxValidDate(b.ExpireDate):
		return &ArgumentError{Field: "bill.ExpireDate", Reason: "must be YYYYMMDD"}
	}
	for i, it := range b.Items {
		if it.Fee < 0 || it.Overdue < 0 || it.Penalty < 0 {
			return &ArgumentError{Field: fmt.Sprintf("bill.Items[%d]", i), Reason: "amounts must not be negative"}
		}
	}
	if b.PaymentNoticeType == 0 {
		b.PaymentNoticeType = 1
	}
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.nontaxAccount(appID)
	if err != nil {
		return err
	}
	if b.CreateTime == 0 {
		b.CreateTime = now.Unix()
	}
	b.Items = slices.Clone(b.Items)
	a.nontax.bills[nontaxNoticeKey(b.RegionCode, b.DepartmentCode, b.PaymentNoticeNo)] = &b
	return nil
}

// SetNontaxVehicleUser adds or replaces a vehicle owner of the vehicle-owner service.
func (s *Sandbox) SetNontaxVehicleUser(appID string, v NontaxVehicleUser) error {
	if v.PlateNumber == "" {
		return &ArgumentError{Field: "user.PlateNumber", Reason: "is required"}
	}
	if v.State == "" {
		v.State = "NORMAL"
	}
	if !nontaxUserStates[v.State] {
		return &ArgumentError{Field: "user.State", Reason: "must be NORMAL, PAUSED, OVERDUE, UNAUTHORIZED or BLACKLISTED"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.nontaxAccount(appID)
	if err != nil {
		return err
	}
	a.nontax.vehicles[v.PlateNumber] = &v
	return nil
}

// AddNontaxRealName records that a payer authorized the account to read their real
// name and returns the wx_realname_token the payer brings back (valid 10 minutes).
func (s *Sandbox) AddNontaxRealName(appID string, r NontaxRealName) (string, error) {
	switch {
	case r.RealName == "":
		return "", &ArgumentError{Field: "realname.RealName", Reason: "is required"}
	case r.CredID == "":
		return "", &ArgumentError{Field: "realname.CredID", Reason: "is required"}
	case r.CredType < 0:
		return "", &ArgumentError{Field: "realname.CredType", Reason: "must not be negative"}
	}
	if r.CredType == 0 {
		r.CredType = 1
	}
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.nontaxAccount(appID)
	if err != nil {
		return "", err
	}
	tok := s.randAlnum(32)
	a.nontax.realNames[tok] = nontaxRealName{NontaxRealName: r, expires: now.Add(nontaxRealNameTTL)}
	return tok, nil
}

// SetNontaxNotifyURL sets where payment notifications of the account's orders go (the
// 支付结果通知接口 configured with the non-tax platform); "" turns them off.
func (s *Sandbox) SetNontaxNotifyURL(appID, rawURL string) error {
	if rawURL != "" && !nontaxValidURL(rawURL) {
		return &ArgumentError{Field: "url", Reason: "must be an absolute http(s) URL"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.nontaxAccount(appID)
	if err != nil {
		return err
	}
	a.nontax.notifyURL = rawURL
	return nil
}

// PayNontaxOrder simulates the payer paying an unpaid order in WeChat: the order
// becomes paid and, when a notify URL is set, a payment notification is sent.
func (s *Sandbox) PayNontaxOrder(appID, orderID string) error {
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.nontaxAccount(appID)
	if err != nil {
		return err
	}
	o, ok := a.nontax.orders[orderID]
	if !ok {
		return &ArgumentError{Field: "order_id", Reason: "is not an order of the account"}
	}
	if st := o.statusAt(now); st != nontaxStatusUnpaid {
		return &ArgumentError{Field: "order_id", Reason: fmt.Sprintf("order is in status %d, not unpaid", st)}
	}
	s.nontaxMarkPaid(a, o, now)
	return nil
}

// NontaxNotifications returns the notifications sent for the account so far, oldest
// first (delivery is asynchronous: an entry appears when its answer came or failed).
func (s *Sandbox) NontaxNotifications(appID string) ([]NontaxNotification, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.nontaxAccount(appID)
	if err != nil {
		return nil, err
	}
	return slices.Clone(a.nontax.notifications), nil
}

// nontaxMarkPaid marks o paid at now and sends its notification. Callers hold s.mu.
func (s *Sandbox) nontaxMarkPaid(a *account, o *nontaxOrder, now time.Time) {
	o.status = nontaxStatusPaid
	o.paid = now
	o.transID = "4200" + s.randDigits(24)
	if a.nontax.notifyURL != "" {
		s.nontaxNotify(a.AppID, "payment", a.nontax.notifyURL, nontaxOrderNotification(a.AppID, o), 1, now)
	}
}

// nontaxOrderNotification is the payment notification of o (sandbox choice: the
// platform encrypts it; the sandbox sends the plaintext JSON).
func nontaxOrderNotification(appID string, o *nontaxOrder) map[string]any {
	return map[string]any{"appid": appID, "order_id": o.id, "openid": o.openid, "fee": o.fee,
		"status": o.status, "trans_id": o.transID, "pay_finish_time": o.paid.Unix(),
		"payment_notice_no": o.noticeNo, "order_no": o.orderNo}
}

// nontaxNotify sends body to target times times, each in its own goroutine, and logs
// the outcome. Callers hold s.mu; delivery happens without it.
func (s *Sandbox) nontaxNotify(appID, kind, target string, body map[string]any, times int, now time.Time) {
	data, _ := json.Marshal(body) // maps of strings and numbers always encode
	for range times {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), s.pushTimeout)
			defer cancel()
			n := NontaxNotification{Kind: kind, URL: target, Body: string(data), Time: now}
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(string(data)))
			if err == nil {
				req.Header.Set("Content-Type", "application/json")
				var status int
				status, _, err = s.send(ctx, req)
				n.Status = status
			}
			if err != nil {
				n.Err = err.Error()
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			if a, ok := s.accounts[appID]; ok {
				a.nontax.notifications = append(a.nontax.notifications, n)
				if len(a.nontax.notifications) > nontaxMaxNotifications {
					a.nontax.notifications = a.nontax.notifications[1:]
				}
			}
		}()
	}
}

// nontaxCheckAppID checks the body's appid against the token's account: 41002 when it
// is missing, 40013 when it names another account.
func nontaxCheckAppID(c *apiCall, appID string) int {
	switch {
	case appID == "":
		return codeAppIDMissing
	case appID != c.a.AppID:
		return codeInvalidAppID
	}
	return codeOK
}

// nontaxValidDate reports whether d is a real YYYYMMDD day.
func nontaxValidDate(d string) bool {
	if len(d) != 8 {
		return false
	}
	_, err := time.Parse("20060102", d)
	return err == nil
}

// nontaxValidURL reports whether raw is an absolute http(s) URL.
func nontaxValidURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// nontaxInvalid is a 40097 answer whose errmsg says what is wrong (the platform
// documents no specific code for these cases).
func nontaxInvalid(why string) answer {
	return answer{errcode: codeInvalidArgs, errmsg: "invalid args: " + why}
}

// registerNontax adds the 非税缴费 (non-tax payments) endpoints to m.
func registerNontax(m map[string]endpoint) {
	post := func(f func(*Sandbox, *apiCall) answer) endpoint {
		return endpoint{method: http.MethodPost, serve: f}
	}
	m["/nontax/queryfee"] = post((*Sandbox).serveNontaxQueryFee)
	m["/nontax/unifiedorder"] = post((*Sandbox).serveNontaxUnifiedOrder)
	m["/nontax/micropay"] = post((*Sandbox).serveNontaxMicropay)
	m["/nontax/getorder"] = post((*Sandbox).serveNontaxGetOrder)
	m["/nontax/getorderlist"] = post((*Sandbox).serveNontaxGetOrderList)
	m["/nontax/refund"] = post((*Sandbox).serveNontaxRefund)
	m["/nontax/downloadbill"] = post((*Sandbox).serveNontaxDownloadBill)
	m["/nontax/notifyinconsistentorder"] = post((*Sandbox).serveNontaxNotifyInconsistent)
	m["/nontax/mocknotification"] = post((*Sandbox).serveNontaxMockNotification)
	m["/nontax/mockqueryfee"] = post((*Sandbox).serveNontaxMockQueryFee)
	m["/nontax/vehicle/querystate"] = post((*Sandbox).serveNontaxVehicleQueryState)
	m["/nontax/vehicle/entrancenotify"] = post((*Sandbox).serveNontaxVehicleEntrance)
	m["/nontax/vehicle/payapply"] = post((*Sandbox).serveNontaxVehiclePayApply)
	// Served on mp.weixin.qq.com by the platform; the sandbox serves it on its one host.
	// Its method is not documented: both GET and POST are accepted.
	m["/intp/getuserclientip"] = endpoint{serve: (*Sandbox).serveNontaxClientIP}
	m["/intp/realname/getauthurl"] = post((*Sandbox).serveNontaxRealNameAuthURL)
	m["/nontax/getrealname"] = post((*Sandbox).serveNontaxGetRealName)
}
