package sandbox_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

// nontaxEnv starts a frozen sandbox with the demo account, a follower "o-payer", a
// receivable of 1000 fen and a token.
func nontaxEnv(t testing.TB) (*sandboxtest.Env, url.Values) {
	t.Helper()
	env := sandboxtest.StartOptions(t, sandbox.Options{Now: func() time.Time { return start },
		Accounts: []sandbox.Account{sandbox.DemoAccount()}})
	env.AddUser(t, sandboxtest.DemoAppID, sandbox.User{OpenID: "o-payer"})
	if err := env.Sandbox.AddNontaxBill(sandboxtest.DemoAppID, sandbox.NontaxBill{RegionCode: "340000", DepartmentCode: "d1",
		DepartmentName: "dept", PaymentNoticeNo: "n1", Fee: 1000}); err != nil {
		t.Fatal(err)
	}
	if err := env.Sandbox.SetNontaxVehicleUser(sandboxtest.DemoAppID, sandbox.NontaxVehicleUser{PlateNumber: "粤B1", OpenID: "o-car"}); err != nil {
		t.Fatal(err)
	}
	tok, _, err := env.Sandbox.IssueToken(sandboxtest.DemoAppID)
	if err != nil {
		t.Fatal(err)
	}
	return env, url.Values{"access_token": {tok}}
}

// nontaxOrderBody is a unifiedorder body with fee and extra members appended.
func nontaxOrderBody(fee int, extra string) string {
	return fmt.Sprintf(`{"appid":%q,"openid":"o-payer","desc":"fine","fee":%d,"ip":"1.2.3.4","payment_notice_no":"n1",
"department_code":"d1","department_name":"dept","region_code":"340000","items":[{"no":1,"fee":%d}],
"payment_notice_create_time":1700000000,"scene":"biz"%s}`, sandboxtest.DemoAppID, fee, fee, extra)
}

func TestNontaxErrcodes(t *testing.T) {
	t.Parallel()
	env, q := nontaxEnv(t)
	app := sandboxtest.DemoAppID
	tests := []struct {
		name string
		path string
		body string
		want int
	}{
		{"queryfee ok", "/nontax/queryfee", fmt.Sprintf(`{"appid":%q,"service_id":1,"payment_notice_no":"n1","department_code":"d1","region_code":"340000"}`, app), 0},
		{"queryfee unknown notice", "/nontax/queryfee", fmt.Sprintf(`{"appid":%q,"service_id":1,"payment_notice_no":"n2","department_code":"d1","region_code":"340000"}`, app), 40097},
		{"queryfee no appid", "/nontax/queryfee", `{"service_id":1,"payment_notice_no":"n1","department_code":"d1","region_code":"340000"}`, 41002},
		{"queryfee other appid", "/nontax/queryfee", `{"appid":"wxother","service_id":1,"payment_notice_no":"n1","department_code":"d1","region_code":"340000"}`, 40013},
		{"queryfee missing", "/nontax/queryfee", fmt.Sprintf(`{"appid":%q,"service_id":1}`, app), 41011},
		{"queryfee empty", "/nontax/queryfee", ``, 44002},
		{"queryfee not json", "/nontax/queryfee", `[1]`, 47001},
		{"queryfee wrong type", "/nontax/queryfee", `{"service_id":"1"}`, 47001},
		{"unifiedorder ok", "/nontax/unifiedorder", nontaxOrderBody(1000, ""), 0},
		{"unifiedorder fee mismatch", "/nontax/unifiedorder", nontaxOrderBody(999, ""), 40097},
		{"unifiedorder zero fee", "/nontax/unifiedorder", nontaxOrderBody(0, ""), 40097},
		{"unifiedorder bad scene", "/nontax/unifiedorder", strings.Replace(nontaxOrderBody(1000, ""), `"biz"`, `"web"`, 1), 40097},
		{"unifiedorder unknown openid", "/nontax/unifiedorder", strings.Replace(nontaxOrderBody(1000, ""), `o-payer`, `o-x`, 1), 40003},
		{"unifiedorder no openid", "/nontax/unifiedorder", strings.Replace(nontaxOrderBody(1000, ""), `"openid":"o-payer",`, ``, 1), 41009},
		{"unifiedorder mweb", "/nontax/unifiedorder", strings.Replace(nontaxOrderBody(1000, `,"trade_type":"MWEB"`), `"openid":"o-payer",`, ``, 1), 0},
		{"unifiedorder expired", "/nontax/unifiedorder", nontaxOrderBody(1000, `,"payment_expire_date":"20250309"`), 40097},
		{"micropay bad code", "/nontax/micropay", nontaxOrderBody(1000, `,"auth_code":"1234"`), 40097},
		{"micropay no code", "/nontax/micropay", nontaxOrderBody(1000, ``), 41011},
		{"getorder unknown", "/nontax/getorder", fmt.Sprintf(`{"appid":%q,"order_id":"x"}`, app), 40097},
		{"getorderlist empty", "/nontax/getorderlist", fmt.Sprintf(`{"appid":%q,"region_code":"1","department_code":"2","payment_notice_no":"3"}`, app), 0},
		{"refund unknown", "/nontax/refund", fmt.Sprintf(`{"appid":%q,"order_id":"x","reason":"r"}`, app), 40097},
		{"refund partial without out id", "/nontax/refund", fmt.Sprintf(`{"appid":%q,"order_id":"x","reason":"r","refund_fee":1}`, app), 41011},
		{"downloadbill today", "/nontax/downloadbill", fmt.Sprintf(`{"appid":%q,"mch_id":"1","bill_date":"20250310"}`, app), 40097},
		{"downloadbill bad type", "/nontax/downloadbill", fmt.Sprintf(`{"appid":%q,"mch_id":"1","bill_date":"20250301","bill_type":"X"}`, app), 40097},
		{"mocknotification no version", "/nontax/mocknotification", fmt.Sprintf(`{"appid":%q,"url":"http://127.0.0.1:1/"}`, app), 41011},
		{"mocknotification bad url", "/nontax/mocknotification", fmt.Sprintf(`{"appid":%q,"url":"x","version":1}`, app), 40097},
		{"mockqueryfee bad version", "/nontax/mockqueryfee", fmt.Sprintf(`{"appid":%q,"url":"http://127.0.0.1:1/","version":0}`, app), 40097},
		{"notifyinconsistent unknown", "/nontax/notifyinconsistentorder", fmt.Sprintf(`{"appid":%q,"order_id":"x"}`, app), 40097},
		{"querystate ok", "/nontax/vehicle/querystate", fmt.Sprintf(`{"appid":%q,"region_code":"1","trade_scene":"PARKING","openid":"o-car"}`, app), 0},
		{"querystate no owner", "/nontax/vehicle/querystate", fmt.Sprintf(`{"appid":%q,"region_code":"1","trade_scene":"PARKING"}`, app), 41011},
		{"querystate bad scene", "/nontax/vehicle/querystate", fmt.Sprintf(`{"appid":%q,"region_code":"1","trade_scene":"CAR","openid":"o"}`, app), 40097},
		{"entrance no plate", "/nontax/vehicle/entrancenotify", fmt.Sprintf(`{"appid":%q,"region_code":"1","trade_scene":"PARKING","openid":"o","start_time":1,"parking_name":"p"}`, app), 41011},
		{"payapply unauthorized", "/nontax/vehicle/payapply", fmt.Sprintf(`{"appid":%q,"region_code":"1","trade_scene":"PARKING","plate_number":"粤X9","out_trade_no":"a","total_fee":1,"desc":"d","start_time":1,"end_time":2}`, app), 40097},
		{"payapply ok", "/nontax/vehicle/payapply", fmt.Sprintf(`{"appid":%q,"region_code":"1","trade_scene":"PARKING","plate_number":"粤B1","out_trade_no":"a","total_fee":1,"desc":"d","start_time":1,"end_time":2}`, app), 0},
		{"payapply reused", "/nontax/vehicle/payapply", fmt.Sprintf(`{"appid":%q,"region_code":"1","trade_scene":"PARKING","plate_number":"粤B1","out_trade_no":"a","total_fee":2,"desc":"d","start_time":1,"end_time":2}`, app), 40097},
		{"getauthurl relative", "/intp/realname/getauthurl", `{"redirect_url":"/x"}`, 40097},
		{"getrealname unknown", "/nontax/getrealname", `{"wx_realname_token":"x"}`, 40097},
		{"getrealname missing", "/nontax/getrealname", `{}`, 41011},
	}
	// Sequential: the cases build on each other (payapply ok, then reused).
	for _, tt := range tests {
		r := do(t, env, http.MethodPost, tt.path, q, tt.body)
		if r.Errcode != tt.want {
			t.Errorf("%s: errcode %d (%s), want %d", tt.name, r.Errcode, r.Errmsg, tt.want)
		}
	}
	if r := do(t, env, http.MethodGet, "/nontax/getorder", q, ""); r.Errcode != 43002 {
		t.Errorf("GET getorder: errcode %d, want 43002", r.Errcode)
	}
}

func TestNontaxOrderRepeatsAndStatement(t *testing.T) {
	t.Parallel()
	env, q := nontaxEnv(t)
	// A repeated order_no of an unpaid order with the same fee is the same order.
	body := nontaxOrderBody(1000, `,"order_no":"ord-1"`)
	a := do(t, env, http.MethodPost, "/nontax/unifiedorder", q, body)
	b := do(t, env, http.MethodPost, "/nontax/unifiedorder", q, body)
	id := string(a.Fields["order_id"])
	if a.Errcode != 0 || id == "" || string(b.Fields["order_id"]) != id {
		t.Fatalf("repeat order_no: %s / %s", a.Raw, b.Raw)
	}
	orderID := strings.Trim(id, `"`)
	if err := env.Sandbox.PayNontaxOrder(sandboxtest.DemoAppID, orderID); err != nil {
		t.Fatal(err)
	}
	if err := env.Sandbox.PayNontaxOrder(sandboxtest.DemoAppID, orderID); err == nil {
		t.Error("paying a paid order twice succeeded")
	}
	if r := do(t, env, http.MethodPost, "/nontax/unifiedorder", q, body); r.Errcode != 40097 {
		t.Errorf("order_no of a paid order: %s", r.Raw)
	}
	// The statement of 2025-03-10 (CST) the next day, as CSV.
	env.Sandbox.Advance(24 * time.Hour)
	tok, _, err := env.Sandbox.IssueToken(sandboxtest.DemoAppID)
	if err != nil {
		t.Fatal(err)
	}
	q = url.Values{"access_token": {tok}}
	resp, err := env.Client.Post(env.URL+"/nontax/downloadbill?"+q.Encode(), "application/json",
		strings.NewReader(fmt.Sprintf(`{"appid":%q,"mch_id":%q,"bill_date":"20250310","bill_type":"SUCCESS"}`, sandboxtest.DemoAppID, sandbox.NontaxDefaultMchID)))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	lines := strings.Split(strings.TrimSpace(string(data)), "\r\n")
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || len(lines) != 4 ||
		!strings.Contains(lines[1], "`"+orderID) || !strings.HasPrefix(lines[2], "总交易单数") || lines[3] != "`1,`10.00,`0.00,`0.00,`0.00" {
		t.Errorf("statement (%s):\n%s", ct, data)
	}
}

func TestNontaxSeedArguments(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	app := sandboxtest.DemoAppID
	var ae *sandbox.ArgumentError
	for name, err := range map[string]error{
		"bill fee":      env.Sandbox.AddNontaxBill(app, sandbox.NontaxBill{RegionCode: "1", DepartmentCode: "2", PaymentNoticeNo: "3"}),
		"bill region":   env.Sandbox.AddNontaxBill(app, sandbox.NontaxBill{DepartmentCode: "2", PaymentNoticeNo: "3", Fee: 1}),
		"bill expiry":   env.Sandbox.AddNontaxBill(app, sandbox.NontaxBill{RegionCode: "1", DepartmentCode: "2", PaymentNoticeNo: "3", Fee: 1, ExpireDate: "2025"}),
		"vehicle plate": env.Sandbox.SetNontaxVehicleUser(app, sandbox.NontaxVehicleUser{}),
		"vehicle state": env.Sandbox.SetNontaxVehicleUser(app, sandbox.NontaxVehicleUser{PlateNumber: "x", State: "HAPPY"}),
		"notify url":    env.Sandbox.SetNontaxNotifyURL(app, "ftp://x"),
		"pay unknown":   env.Sandbox.PayNontaxOrder(app, "nope"),
	} {
		if !errors.As(err, &ae) {
			t.Errorf("%s: %v, want *ArgumentError", name, err)
		}
	}
	if _, err := env.Sandbox.AddNontaxRealName(app, sandbox.NontaxRealName{RealName: "x"}); !errors.As(err, &ae) {
		t.Errorf("realname without CredID: %v", err)
	}
	if err := env.Sandbox.AddNontaxBill("wxnobody", sandbox.NontaxBill{RegionCode: "1", DepartmentCode: "2", PaymentNoticeNo: "3", Fee: 1}); !errors.Is(err, sandbox.ErrUnknownAccount) {
		t.Errorf("unknown account: %v", err)
	}
}

// FuzzNontaxBodies posts arbitrary bodies to every nontax endpoint: the sandbox answers
// each with HTTP 200 and JSON (or the CSV statement) and never panics.
func FuzzNontaxBodies(f *testing.F) {
	paths := []string{"/nontax/queryfee", "/nontax/unifiedorder", "/nontax/micropay", "/nontax/getorder",
		"/nontax/getorderlist", "/nontax/refund", "/nontax/downloadbill", "/nontax/notifyinconsistentorder",
		"/nontax/mocknotification", "/nontax/mockqueryfee", "/nontax/vehicle/querystate",
		"/nontax/vehicle/entrancenotify", "/nontax/vehicle/payapply", "/intp/getuserclientip",
		"/intp/realname/getauthurl", "/nontax/getrealname"}
	f.Add(uint8(1), nontaxOrderBody(1000, ""))
	f.Add(uint8(2), nontaxOrderBody(1000, `,"auth_code":"134567890123456789"`))
	f.Add(uint8(5), fmt.Sprintf(`{"appid":%q,"order_id":"x","reason":"r","refund_fee":-5,"refund_out_id":"a"}`, sandboxtest.DemoAppID))
	f.Add(uint8(6), fmt.Sprintf(`{"appid":%q,"mch_id":"1","bill_date":"20250301"}`, sandboxtest.DemoAppID))
	f.Add(uint8(12), fmt.Sprintf(`{"appid":%q,"region_code":"1","trade_scene":"PARKING","plate_number":"粤B1","out_trade_no":"a","total_fee":1,"desc":"d","start_time":1,"end_time":2}`, sandboxtest.DemoAppID))
	f.Add(uint8(0), `{"appid":null,"items":[null],"fee":1e400}`)
	f.Add(uint8(15), `{"wx_realname_token":{}}`)
	f.Add(uint8(3), `[]`)
	env, q := nontaxEnv(f)
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		path := paths[int(which)%len(paths)]
		resp, err := env.Client.Post(env.URL+path+"?"+q.Encode(), "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		ct := resp.Header.Get("Content-Type")
		if resp.StatusCode != http.StatusOK || !(strings.HasPrefix(ct, "application/json") || strings.HasPrefix(ct, "text/csv")) {
			t.Fatalf("%s %q: HTTP %d %s %s", path, body, resp.StatusCode, ct, data)
		}
	})
}
