package sandbox

// The payment endpoints of 非税缴费: queryfee, unifiedorder, micropay, getorder,
// getorderlist, refund, downloadbill, notifyinconsistentorder, mocknotification and
// mockqueryfee. See nontax.go for the errcode conventions.

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// nontaxScenes are unifiedorder's scene values ("ctiyservice" is the platform's spelling).
var nontaxScenes = map[string]bool{"biz": true, "ctiyservice": true, "miniprogram": true,
	"offline": true, "pc": true, "app": true, "other": true}

// nontaxAuthCode is micropay's payment code: 18 digits starting with 10 to 15.
var nontaxAuthCode = regexp.MustCompile(`^1[0-5][0-9]{16}$`)

// nontaxOrderFields are the order fields unifiedorder and micropay share.
type nontaxOrderFields struct {
	AppID                   string       `json:"appid"`
	ServiceID               int64        `json:"service_id"`
	BankID                  string       `json:"bank_id"`
	BankAccount             string       `json:"bank_account"`
	MchID                   string       `json:"mch_id"`
	Desc                    string       `json:"desc"`
	Fee                     int64        `json:"fee"`
	UserName                string       `json:"user_name"`
	Items                   []NontaxItem `json:"items"`
	PaymentNoticeCreateTime int64        `json:"payment_notice_create_time"`
	PaymentExpireDate       string       `json:"payment_expire_date"`
	PaymentNoticeNo         string       `json:"payment_notice_no"`
	OrderNo                 string       `json:"order_no"`
	DepartmentCode          string       `json:"department_code"`
	DepartmentName          string       `json:"department_name"`
	PaymentNoticeType       int          `json:"payment_notice_type"`
	RegionCode              string       `json:"region_code"`
}

// check validates the shared fields and, for a payment notice, the amount against the
// registered receivable. It returns the answer to give when they are wrong.
func (f *nontaxOrderFields) check(c *apiCall, now time.Time) (answer, bool) {
	if code := nontaxCheckAppID(c, f.AppID); code != codeOK {
		return fail(code), false
	}
	switch {
	case f.Desc == "" || f.DepartmentCode == "" || f.DepartmentName == "" || f.RegionCode == "" ||
		len(f.Items) == 0 || f.PaymentNoticeCreateTime == 0:
		return fail(codeMissingFields), false
	case f.PaymentNoticeNo == "" && f.OrderNo == "":
		return fail(codeMissingFields), false
	case f.Fee <= 0:
		return nontaxInvalid("fee must be a positive number of fen"), false
	case f.PaymentNoticeCreateTime < 0:
		return nontaxInvalid("payment_notice_create_time must be positive"), false
	case f.PaymentNoticeType != 0 && f.PaymentNoticeType != 1 && f.PaymentNoticeType != 2:
		return nontaxInvalid("payment_notice_type must be 1 or 2"), false
	case f.PaymentExpireDate != "" && !nontaxValidDate(f.PaymentExpireDate):
		return nontaxInvalid("payment_expire_date must be YYYYMMDD"), false
	case f.PaymentExpireDate != "" && f.PaymentExpireDate < now.In(nontaxCST).Format("20060102"):
		return nontaxInvalid("the payment notice expired"), false
	}
	for _, it := range f.Items {
		if it.Fee < 0 || it.Overdue < 0 || it.Penalty < 0 {
			return nontaxInvalid("item amounts must not be negative"), false
		}
	}
	if f.PaymentNoticeNo != "" {
		st := &c.a.nontax
		b, ok := st.bills[nontaxNoticeKey(f.RegionCode, f.DepartmentCode, f.PaymentNoticeNo)]
		if !ok {
			return nontaxInvalid("payment notice not found"), false
		}
		if f.Fee != b.Fee {
			return nontaxInvalid(fmt.Sprintf("fee %d does not match the receivable %d", f.Fee, b.Fee)), false
		}
		if id := st.paidOrderOf(f.RegionCode, f.DepartmentCode, f.PaymentNoticeNo, now); id != "" {
			return nontaxInvalid("the payment notice is already paid"), false
		}
	}
	return answer{}, true
}

// paidOrderOf returns the id of the paid (or refunded) order of a notice, "" for none.
func (st *nontaxState) paidOrderOf(region, dept, notice string, now time.Time) string {
	for _, id := range st.orderIDs {
		o := st.orders[id]
		if o.noticeNo == notice && o.deptCode == dept && o.regionCode == region && o.statusAt(now) != nontaxStatusUnpaid && o.status != nontaxStatusClosed {
			return id
		}
	}
	return ""
}

// newOrder returns an unpaid order of f.
func (s *Sandbox) nontaxNewOrder(f *nontaxOrderFields, now time.Time) *nontaxOrder {
	mch := f.MchID
	if mch == "" {
		mch = NontaxDefaultMchID
	}
	typ := f.PaymentNoticeType
	if typ == 0 {
		typ = 1
	}
	return &nontaxOrder{id: "AQ" + s.randString(26), desc: f.Desc, bankID: f.BankID, bankAccount: f.BankAccount,
		mchID: mch, noticeNo: f.PaymentNoticeNo, orderNo: f.OrderNo, deptCode: f.DepartmentCode,
		deptName: f.DepartmentName, regionCode: f.RegionCode, userName: f.UserName, noticeType: typ,
		fee: f.Fee, items: f.Items, status: nontaxStatusUnpaid, created: now}
}

// serveNontaxQueryFee answers nontax/queryfee from the receivables registered with
// AddNontaxBill: 40097 for an unknown notice.
func (s *Sandbox) serveNontaxQueryFee(c *apiCall) answer {
	var req struct {
		AppID             string `json:"appid"`
		ServiceID         int64  `json:"service_id"`
		BankID            string `json:"bank_id"`
		PaymentNoticeNo   string `json:"payment_notice_no"`
		DepartmentCode    string `json:"department_code"`
		PaymentNoticeType int    `json:"payment_notice_type"`
		RegionCode        string `json:"region_code"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if code := nontaxCheckAppID(c, req.AppID); code != codeOK {
		return fail(code)
	}
	switch {
	case req.ServiceID == 0 || req.PaymentNoticeNo == "" || req.DepartmentCode == "" || req.RegionCode == "":
		return fail(codeMissingFields)
	case req.ServiceID < 0:
		return nontaxInvalid("service_id must be positive")
	case req.PaymentNoticeType != 0 && req.PaymentNoticeType != 1 && req.PaymentNoticeType != 2:
		return nontaxInvalid("payment_notice_type must be 1 or 2")
	}
	c.a.nontax.init()
	b, ok := c.a.nontax.bills[nontaxNoticeKey(req.RegionCode, req.DepartmentCode, req.PaymentNoticeNo)]
	if !ok || (req.PaymentNoticeType != 0 && req.PaymentNoticeType != b.PaymentNoticeType) {
		return nontaxInvalid("payment notice not found")
	}
	items := b.Items
	if items == nil {
		items = []NontaxItem{}
	}
	return succeed(map[string]any{"errcode": 0, "errmsg": "ok", "user_name": b.UserName, "fee": b.Fee,
		"items": items, "payment_notice_no": b.PaymentNoticeNo, "department_code": b.DepartmentCode,
		"department_name": b.DepartmentName, "payment_notice_type": b.PaymentNoticeType,
		"region_code": b.RegionCode, "payment_notice_create_time": b.CreateTime,
		"payment_expire_date": b.ExpireDate})
}

// serveNontaxUnifiedOrder answers nontax/unifiedorder: a new unpaid order. A repeated
// order_no of an unpaid order with the same fee returns that order again (sandbox
// choice: the platform does not document repeats); any other reuse is 40097.
func (s *Sandbox) serveNontaxUnifiedOrder(c *apiCall) answer {
	var req struct {
		nontaxOrderFields
		OpenID    string `json:"openid"`
		ReturnURL string `json:"return_url"`
		IP        string `json:"ip"`
		Scene     string `json:"scene"`
		TradeType string `json:"trade_type"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	c.a.nontax.init()
	if a, ok := req.check(c, c.now); !ok {
		return a
	}
	switch {
	case req.IP == "" || req.Scene == "":
		return fail(codeMissingFields)
	case !nontaxScenes[req.Scene]:
		return nontaxInvalid("unknown scene " + strconv.Quote(req.Scene))
	case req.TradeType != "MWEB" && req.OpenID == "":
		return fail(codeOpenIDMissing)
	case req.OpenID != "" && c.a.users[req.OpenID] == nil:
		return fail(codeInvalidOpenID)
	case req.ReturnURL != "" && !nontaxValidURL(req.ReturnURL):
		return nontaxInvalid("return_url must be an absolute http(s) URL")
	}
	st := &c.a.nontax
	if req.OrderNo != "" {
		if id, ok := st.orderNos[req.OrderNo]; ok {
			o := st.orders[id]
			if o.statusAt(c.now) == nontaxStatusUnpaid && o.fee == req.Fee && o.openid == req.OpenID {
				return succeed(map[string]any{"errcode": 0, "errmsg": "ok", "order_id": o.id})
			}
			return nontaxInvalid("order_no already used")
		}
	}
	o := s.nontaxNewOrder(&req.nontaxOrderFields, c.now)
	o.openid, o.scene = req.OpenID, req.Scene
	st.addOrder(o)
	if req.OrderNo != "" {
		st.orderNos[req.OrderNo] = o.id
	}
	return succeed(map[string]any{"errcode": 0, "errmsg": "ok", "order_id": o.id})
}

// serveNontaxMicropay answers nontax/micropay: the payment succeeds at once (sandbox
// choice). A malformed auth_code is 40097; an order_id of an earlier attempt answers
// that order again when it is paid.
func (s *Sandbox) serveNontaxMicropay(c *apiCall) answer {
	var req struct {
		nontaxOrderFields
		AuthCode string `json:"auth_code"`
		OrderID  string `json:"order_id"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	st := &c.a.nontax
	st.init()
	if req.AuthCode == "" {
		return fail(codeMissingFields)
	}
	if req.OrderID != "" {
		o, ok := st.orders[req.OrderID]
		if !ok {
			return nontaxInvalid("order not found")
		}
		if nontaxPaid(o.statusAt(c.now)) && o.fee == req.Fee {
			return succeed(nontaxMicropayAnswer(o))
		}
		return nontaxInvalid("order_id is not a paid micropay order of this fee")
	}
	if a, ok := req.check(c, c.now); !ok {
		return a
	}
	if !nontaxAuthCode.MatchString(req.AuthCode) {
		return nontaxInvalid("auth_code must be 18 digits starting with 10 to 15")
	}
	if req.OrderNo != "" {
		if _, ok := st.orderNos[req.OrderNo]; ok {
			return nontaxInvalid("order_no already used")
		}
	}
	o := s.nontaxNewOrder(&req.nontaxOrderFields, c.now)
	o.openid, o.scene = "oNtx"+req.AuthCode[len(req.AuthCode)-12:], "offline"
	st.addOrder(o)
	if req.OrderNo != "" {
		st.orderNos[req.OrderNo] = o.id
	}
	s.nontaxMarkPaid(c.a, o, c.now)
	return succeed(nontaxMicropayAnswer(o))
}

func nontaxMicropayAnswer(o *nontaxOrder) map[string]any {
	return map[string]any{"errcode": 0, "errmsg": "ok", "order_id": o.id, "openid": o.openid,
		"trans_id": o.transID, "pay_finish_time": o.paid.Unix()}
}

// nontaxOrderID decodes the {appid, order_id} bodies (getorder, notifyinconsistentorder).
func nontaxOrderID(c *apiCall) (*nontaxOrder, answer, bool) {
	var req struct {
		AppID     string `json:"appid"`
		ServiceID int64  `json:"service_id"`
		OrderID   string `json:"order_id"`
	}
	if code := c.decode(&req); code != codeOK {
		return nil, fail(code), false
	}
	if code := nontaxCheckAppID(c, req.AppID); code != codeOK {
		return nil, fail(code), false
	}
	if req.OrderID == "" {
		return nil, fail(codeMissingFields), false
	}
	c.a.nontax.init()
	o, ok := c.a.nontax.orders[req.OrderID]
	if !ok {
		return nil, nontaxInvalid("order not found"), false
	}
	o.statusAt(c.now)
	return o, answer{}, true
}

func nontaxUnix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// serveNontaxGetOrder answers nontax/getorder.
func (s *Sandbox) serveNontaxGetOrder(c *apiCall) answer {
	o, a, ok := nontaxOrderID(c)
	if !ok {
		return a
	}
	res := map[string]any{"errcode": 0, "errmsg": "ok", "appid": c.a.AppID, "openid": o.openid,
		"order_id": o.id, "create_time": o.created.Unix(), "pay_finish_time": nontaxUnix(o.paid),
		"desc": o.desc, "fee": o.fee, "fee_type": 1, "trans_id": o.transID, "status": o.status,
		"bank_id": o.bankID, "bank_name": "", "bank_account": o.bankAccount,
		"payment_notice_no": o.noticeNo, "order_no": o.orderNo, "department_code": o.deptCode,
		"department_name": o.deptName, "payment_notice_type": o.noticeType, "region_code": o.regionCode,
		"items": o.items, "bill_type_code": "", "bill_no": "", "payment_info_source": 2, "scene": o.scene}
	if o.bankID != "" {
		res["bank_name"] = "沙箱银行"
	}
	if n := len(o.refunds); n > 0 {
		last := o.refunds[n-1]
		res["refund_finish_time"] = last.time.Unix()
		res["refund_reason"] = last.reason
		res["refund_order_id"] = last.orderID
		res["refund_out_id"] = last.outID
		var parts []map[string]any
		for _, r := range o.refunds {
			parts = append(parts, map[string]any{"refund_order_id": r.orderID, "refund_out_id": r.outID,
				"refund_fee": r.fee, "refund_reason": r.reason, "refund_finish_time": r.time.Unix()})
		}
		res["partial_refund_info"] = parts
	}
	if len(o.notified) > 0 {
		res["notify_history"] = o.notified
	}
	return succeed(res)
}

// serveNontaxGetOrderList answers nontax/getorderlist: every order of a payment notice,
// oldest first, and the paid one. An unknown notice has an empty list.
func (s *Sandbox) serveNontaxGetOrderList(c *apiCall) answer {
	var req struct {
		AppID           string `json:"appid"`
		RegionCode      string `json:"region_code"`
		DepartmentCode  string `json:"department_code"`
		PaymentNoticeNo string `json:"payment_notice_no"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if code := nontaxCheckAppID(c, req.AppID); code != codeOK {
		return fail(code)
	}
	if req.RegionCode == "" || req.DepartmentCode == "" || req.PaymentNoticeNo == "" {
		return fail(codeMissingFields)
	}
	st := &c.a.nontax
	st.init()
	ids := []string{}
	for _, id := range st.orderIDs {
		o := st.orders[id]
		if o.noticeNo == req.PaymentNoticeNo && o.deptCode == req.DepartmentCode && o.regionCode == req.RegionCode {
			ids = append(ids, id)
		}
	}
	return succeed(map[string]any{"errcode": 0, "errmsg": "ok", "order_id_list": ids,
		"paid_order_id": st.paidOrderOf(req.RegionCode, req.DepartmentCode, req.PaymentNoticeNo, c.now)})
}

// serveNontaxRefund answers nontax/refund: only paid orders, at most the amount not yet
// refunded; refunds complete at once (sandbox choice). A repeated refund_out_id with the
// same amount answers the same refund again.
func (s *Sandbox) serveNontaxRefund(c *apiCall) answer {
	var req struct {
		AppID       string `json:"appid"`
		OrderID     string `json:"order_id"`
		Reason      string `json:"reason"`
		RefundFee   int64  `json:"refund_fee"`
		RefundOutID string `json:"refund_out_id"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if code := nontaxCheckAppID(c, req.AppID); code != codeOK {
		return fail(code)
	}
	switch {
	case req.OrderID == "" || req.Reason == "":
		return fail(codeMissingFields)
	case req.RefundFee < 0:
		return nontaxInvalid("refund_fee must be positive")
	case req.RefundFee > 0 && req.RefundOutID == "":
		return fail(codeMissingFields)
	}
	st := &c.a.nontax
	st.init()
	o, ok := st.orders[req.OrderID]
	if !ok {
		return nontaxInvalid("order not found")
	}
	if req.RefundOutID != "" {
		for _, r := range o.refunds {
			if r.outID == req.RefundOutID {
				if r.fee == req.RefundFee {
					return succeed(map[string]any{"errcode": 0, "errmsg": "ok", "refund_order_id": r.orderID})
				}
				return nontaxInvalid("refund_out_id already used with another refund_fee")
			}
		}
	}
	if !nontaxPaid(o.statusAt(c.now)) {
		return nontaxInvalid(fmt.Sprintf("order is not paid (status %d)", o.status))
	}
	left := o.fee - o.refunded
	fee := req.RefundFee
	if fee == 0 {
		fee = left
	}
	if fee > left {
		return nontaxInvalid(fmt.Sprintf("refund_fee %d exceeds the %d fen not yet refunded", fee, left))
	}
	r := nontaxRefund{orderID: "RF" + s.randString(26), outID: req.RefundOutID, reason: req.Reason, fee: fee, time: c.now}
	o.refunds = append(o.refunds, r)
	o.refunded += fee
	o.refundTime = c.now
	if o.refunded == o.fee {
		o.status = nontaxStatusRefunded
	}
	return succeed(map[string]any{"errcode": 0, "errmsg": "ok", "refund_order_id": r.orderID})
}

// nontaxYuan formats fen as yuan with two decimals.
func nontaxYuan(fen int64) string { return fmt.Sprintf("%d.%02d", fen/100, fen%100) }

// serveNontaxDownloadBill answers nontax/downloadbill with the day's statement as CSV
// (text/csv), in WeChat Pay's statement layout: a header, one line per order with each
// value prefixed by "`", then a totals header and line. Statements exist for days
// before the current one (CST); today and later days are 40097 (sandbox choice: the
// platform publishes after 06:00 the next day). A day without orders is a statement
// with no order lines.
func (s *Sandbox) serveNontaxDownloadBill(c *apiCall) answer {
	var req struct {
		AppID    string `json:"appid"`
		MchID    string `json:"mch_id"`
		BillDate string `json:"bill_date"`
		BillType string `json:"bill_type"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if code := nontaxCheckAppID(c, req.AppID); code != codeOK {
		return fail(code)
	}
	if req.BillType == "" {
		req.BillType = "ALL"
	}
	switch {
	case req.MchID == "" || req.BillDate == "":
		return fail(codeMissingFields)
	case !nontaxValidDate(req.BillDate):
		return nontaxInvalid("bill_date must be YYYYMMDD")
	case req.BillType != "ALL" && req.BillType != "SUCCESS" && req.BillType != "REFUND":
		return nontaxInvalid("bill_type must be ALL, SUCCESS or REFUND")
	case req.BillDate >= c.now.In(nontaxCST).Format("20060102"):
		return nontaxInvalid("the statement of " + req.BillDate + " is not ready")
	}
	st := &c.a.nontax
	st.init()
	day := func(t time.Time) bool { return !t.IsZero() && t.In(nontaxCST).Format("20060102") == req.BillDate }
	var b strings.Builder
	header := "交易时间,公众账号ID,商户号,子商户号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,总金额,企业红包金额"
	switch req.BillType {
	case "ALL":
		header += ",微信退款单号,商户退款单号,退款金额,企业红包退款金额,退款类型,退款状态"
	case "REFUND":
		header += ",退款申请时间,退款成功时间,微信退款单号,商户退款单号,退款金额,企业红包退款金额,退款类型,退款状态"
	}
	b.WriteString(header + ",商品名称,商户数据包,手续费,费率\r\n")
	var count, total, refundTotal int64
	row := func(vals ...string) {
		for i, v := range vals {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("`" + strings.NewReplacer(",", " ", "\r", " ", "\n", " ").Replace(v))
		}
		b.WriteString("\r\n")
	}
	for _, id := range st.orderIDs {
		o := st.orders[id]
		if o.mchID != req.MchID {
			continue
		}
		base := func(t time.Time, state string) []string {
			return []string{t.In(nontaxCST).Format("2006-01-02 15:04:05"), c.a.AppID, o.mchID, "", o.transID,
				o.id, o.openid, "JSAPI", state, "OTHERS", "CNY", nontaxYuan(o.fee), "0.00"}
		}
		if req.BillType != "REFUND" && day(o.paid) {
			vals := base(o.paid, "SUCCESS")
			if req.BillType == "ALL" {
				vals = append(vals, "0", "", "0.00", "0.00", "", "")
			}
			row(append(vals, o.desc, "", "0.00", "0.00%")...)
			count++
			total += o.fee
		}
		if req.BillType == "SUCCESS" {
			continue
		}
		for _, r := range o.refunds {
			if !day(r.time) {
				continue
			}
			vals := base(r.time, "REFUND")
			if req.BillType == "REFUND" {
				ts := r.time.In(nontaxCST).Format("2006-01-02 15:04:05")
				vals = append(vals, ts, ts)
			}
			vals = append(vals, r.orderID, r.outID, nontaxYuan(r.fee), "0.00", "ORIGINAL", "SUCCESS")
			row(append(vals, o.desc, "", "0.00", "0.00%")...)
			count++
			refundTotal += r.fee
		}
	}
	b.WriteString("总交易单数,总交易额,总退款金额,总企业红包退款金额,手续费总金额\r\n")
	row(strconv.FormatInt(count, 10), nontaxYuan(total), nontaxYuan(refundTotal), "0.00", "0.00")
	return answer{raw: []byte(b.String()), rawType: "text/csv; charset=utf-8"}
}

// serveNontaxNotifyInconsistent answers nontax/notifyinconsistentorder: a paid order's
// notification is sent again to the account's notify URL. An unpaid order is 40097, and
// so is an account without a notify URL (sandbox choice).
func (s *Sandbox) serveNontaxNotifyInconsistent(c *apiCall) answer {
	o, a, ok := nontaxOrderID(c)
	if !ok {
		return a
	}
	st := &c.a.nontax
	switch {
	case o.status == nontaxStatusUnpaid || o.status == nontaxStatusClosed:
		return nontaxInvalid("order is not paid")
	case st.notifyURL == "":
		return nontaxInvalid("no payment notification URL is configured")
	}
	body := nontaxOrderNotification(c.a.AppID, o)
	o.notified = append(o.notified, map[string]any{"time": c.now.Unix(), "reason": "notifyinconsistentorder"})
	s.nontaxNotify(c.a.AppID, "payment", st.notifyURL, body, 1, c.now)
	return fail(codeOK)
}

// nontaxMock decodes {appid, url, version} and sends the test body to url, twice for
// version 1 (as the platform documents).
func (s *Sandbox) nontaxMock(c *apiCall, kind string, body map[string]any) answer {
	var req struct {
		AppID   string `json:"appid"`
		URL     string `json:"url"`
		Version *int   `json:"version"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if code := nontaxCheckAppID(c, req.AppID); code != codeOK {
		return fail(code)
	}
	switch {
	case req.URL == "" || req.Version == nil:
		return fail(codeMissingFields)
	case !nontaxValidURL(req.URL):
		return nontaxInvalid("url must be an absolute http(s) URL")
	case *req.Version < 1:
		return nontaxInvalid("version must be positive")
	}
	times := 1
	if *req.Version == 1 {
		times = 2
	}
	body["appid"] = c.a.AppID
	body["version"] = *req.Version
	c.a.nontax.init()
	s.nontaxNotify(c.a.AppID, kind, req.URL, body, times, c.now)
	return fail(codeOK)
}

// serveNontaxMockNotification answers nontax/mocknotification with a test payment
// notification sent to url.
func (s *Sandbox) serveNontaxMockNotification(c *apiCall) answer {
	return s.nontaxMock(c, "mock_payment", map[string]any{"order_id": "MOCK" + s.randString(24), "fee": 1,
		"status": nontaxStatusPaid, "trans_id": "4200" + s.randDigits(24), "pay_finish_time": c.now.Unix(), "mock": true})
}

// serveNontaxMockQueryFee answers nontax/mockqueryfee with a test receivable query sent
// to url.
func (s *Sandbox) serveNontaxMockQueryFee(c *apiCall) answer {
	return s.nontaxMock(c, "mock_queryfee", map[string]any{"service_id": 1, "payment_notice_no": "MOCK" + s.randDigits(16),
		"department_code": "000000000", "region_code": "000000", "mock": true})
}
