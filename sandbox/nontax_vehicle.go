package sandbox

// The vehicle-owner service (车主服务: vehicle/querystate, entrancenotify, payapply) and
// the identity calls (intp/getuserclientip, intp/realname/getauthurl,
// nontax/getrealname) of 非税缴费. See nontax.go for the errcode conventions.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
)

// nontaxUserStates are the owner states of vehicle/querystate.
var nontaxUserStates = map[string]bool{"NORMAL": true, "PAUSED": true, "OVERDUE": true,
	"UNAUTHORIZED": true, "BLACKLISTED": true}

// nontaxTradeScenes are the deduction scenes of the vehicle-owner service.
var nontaxTradeScenes = map[string]bool{"PARKING": true, "PARKING SPACE": true, "HIGHWAY": true,
	"BRIDGE": true, "GAS": true}

// nontaxOutTradeNo is payapply's out_trade_no: at most 32 of [A-Za-z0-9_*-].
var nontaxOutTradeNo = regexp.MustCompile(`^[A-Za-z0-9_*\-]{1,32}$`)

// nontaxVehicleBase are the fields every vehicle call carries.
type nontaxVehicleBase struct {
	AppID       string `json:"appid"`
	BankID      string `json:"bank_id"`
	BankAccount string `json:"bank_account"`
	MchID       string `json:"mch_id"`
	RegionCode  string `json:"region_code"`
	TradeScene  string `json:"trade_scene"`
	OpenID      string `json:"openid"`
	PlateNumber string `json:"plate_number"`
}

// check validates the base fields; needPlate requires plate_number.
func (b *nontaxVehicleBase) check(c *apiCall, needPlate bool) (answer, bool) {
	if code := nontaxCheckAppID(c, b.AppID); code != codeOK {
		return fail(code), false
	}
	switch {
	case b.RegionCode == "" || b.TradeScene == "":
		return fail(codeMissingFields), false
	case needPlate && b.PlateNumber == "":
		return fail(codeMissingFields), false
	case b.OpenID == "" && b.PlateNumber == "":
		return fail(codeMissingFields), false
	case !nontaxTradeScenes[b.TradeScene]:
		return nontaxInvalid("unknown trade_scene " + strconv.Quote(b.TradeScene)), false
	}
	return answer{}, true
}

// owner returns the owner of the request's plate or openid, nil for none.
func (st *nontaxState) owner(b *nontaxVehicleBase) *NontaxVehicleUser {
	if b.PlateNumber != "" {
		v := st.vehicles[b.PlateNumber]
		if v != nil && b.OpenID != "" && v.OpenID != b.OpenID {
			return nil
		}
		return v
	}
	for _, v := range st.vehicles {
		if v.OpenID == b.OpenID {
			return v
		}
	}
	return nil
}

// nontaxStateOf returns the owner's state and the path to fix it ("" when NORMAL). An
// unknown owner is UNAUTHORIZED.
func nontaxStateOf(c *apiCall, v *NontaxVehicleUser, b *nontaxVehicleBase) (string, string) {
	state := "UNAUTHORIZED"
	if v != nil {
		state = v.State
	}
	if state == "NORMAL" {
		return state, ""
	}
	q := url.Values{"appid": {c.a.AppID}, "trade_scene": {b.TradeScene}, "state": {state}}
	if b.PlateNumber != "" {
		q.Set("plate_number", b.PlateNumber)
	}
	return state, "pages/route/index?" + q.Encode()
}

// serveNontaxVehicleQueryState answers nontax/vehicle/querystate.
func (s *Sandbox) serveNontaxVehicleQueryState(c *apiCall) answer {
	var req struct {
		nontaxVehicleBase
		JumpScene string `json:"jump_scene"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if a, ok := req.check(c, false); !ok {
		return a
	}
	if req.JumpScene != "" && req.JumpScene != "APP" && req.JumpScene != "H5" {
		return nontaxInvalid("jump_scene must be APP or H5")
	}
	st := &c.a.nontax
	st.init()
	v := st.owner(&req.nontaxVehicleBase)
	state, path := nontaxStateOf(c, v, &req.nontaxVehicleBase)
	plates := []string{}
	if v != nil {
		for p, o := range st.vehicles {
			if o == v || (v.OpenID != "" && o.OpenID == v.OpenID) {
				plates = append(plates, p)
			}
		}
	}
	res := map[string]any{"errcode": 0, "errmsg": "ok", "user_state": state, "plate_number_info": plates}
	if path != "" {
		res["path"] = path
	}
	return succeed(res)
}

// serveNontaxVehicleEntrance answers nontax/vehicle/entrancenotify: the entrance is
// recorded and the owner's state returned.
func (s *Sandbox) serveNontaxVehicleEntrance(c *apiCall) answer {
	var req struct {
		nontaxVehicleBase
		StartTime   int64  `json:"start_time"`
		ParkingName string `json:"parking_name"`
		FreeTime    int64  `json:"free_time"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if a, ok := req.check(c, true); !ok {
		return a
	}
	switch {
	case req.StartTime == 0 || req.ParkingName == "":
		return fail(codeMissingFields)
	case req.StartTime < 0 || req.FreeTime < 0:
		return nontaxInvalid("start_time and free_time must not be negative")
	}
	st := &c.a.nontax
	st.init()
	state, _ := nontaxStateOf(c, st.owner(&req.nontaxVehicleBase), &req.nontaxVehicleBase)
	id := "EN" + s.randAlnum(24)
	st.entrances[req.PlateNumber] = id
	return succeed(map[string]any{"errcode": 0, "errmsg": "ok", "user_state": state, "entrance_id": id})
}

// serveNontaxVehiclePayApply answers nontax/vehicle/payapply: the owner must be NORMAL
// (40097 otherwise); the deduction is accepted and completes at once (sandbox choice).
// A repeated out_trade_no with the same parameters answers the same order; with other
// parameters it is 40097.
func (s *Sandbox) serveNontaxVehiclePayApply(c *apiCall) answer {
	var req struct {
		nontaxVehicleBase
		OutTradeNo       string `json:"out_trade_no"`
		TotalFee         int64  `json:"total_fee"`
		Desc             string `json:"desc"`
		StartTime        int64  `json:"start_time"`
		EndTime          int64  `json:"end_time"`
		ParkingName      string `json:"parking_name"`
		ChargingDuration int64  `json:"charging_duration"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if a, ok := req.check(c, true); !ok {
		return a
	}
	switch {
	case req.OutTradeNo == "" || req.TotalFee == 0 || req.Desc == "" || req.StartTime == 0 || req.EndTime == 0:
		return fail(codeMissingFields)
	case !nontaxOutTradeNo.MatchString(req.OutTradeNo):
		return nontaxInvalid("out_trade_no must be 1 to 32 characters of [A-Za-z0-9_*-]")
	case req.TotalFee < 0:
		return nontaxInvalid("total_fee must be a positive number of fen")
	case req.StartTime < 0 || req.EndTime < req.StartTime:
		return nontaxInvalid("end_time must not be before start_time")
	}
	st := &c.a.nontax
	st.init()
	sum := sha256.Sum256(fmt.Appendf(nil, "%q|%q|%d|%q|%d|%d|%q", req.PlateNumber, req.OpenID, req.TotalFee,
		req.Desc, req.StartTime, req.EndTime, req.TradeScene))
	fp := hex.EncodeToString(sum[:])
	if prev, ok := st.applies[req.OutTradeNo]; ok {
		if prev.fingerprint == fp {
			return succeed(map[string]any{"errcode": 0, "errmsg": "ok", "order_id": prev.orderID})
		}
		return nontaxInvalid("out_trade_no already used with other parameters")
	}
	v := st.owner(&req.nontaxVehicleBase)
	if state, _ := nontaxStateOf(c, v, &req.nontaxVehicleBase); state != "NORMAL" {
		return nontaxInvalid("user_state is " + state)
	}
	mch := req.MchID
	if mch == "" {
		mch = NontaxDefaultMchID
	}
	o := &nontaxOrder{id: "AQ" + s.randString(26), openid: v.OpenID, desc: req.Desc, bankID: req.BankID,
		bankAccount: req.BankAccount, mchID: mch, orderNo: req.OutTradeNo, regionCode: req.RegionCode,
		scene: "other", noticeType: 1, fee: req.TotalFee, items: []NontaxItem{}, status: nontaxStatusUnpaid, created: c.now}
	st.addOrder(o)
	s.nontaxMarkPaid(c.a, o, c.now)
	st.applies[req.OutTradeNo] = &nontaxApply{fingerprint: fp, orderID: o.id}
	return succeed(map[string]any{"errcode": 0, "errmsg": "ok", "order_id": o.id})
}

// serveNontaxClientIP answers intp/getuserclientip with the address the request came
// from.
func (s *Sandbox) serveNontaxClientIP(c *apiCall) answer {
	host, _, err := net.SplitHostPort(c.r.RemoteAddr)
	if err != nil {
		host = c.r.RemoteAddr
	}
	return succeed(map[string]any{"errcode": 0, "errmsg": "ok", "ip": host})
}

// serveNontaxRealNameAuthURL answers intp/realname/getauthurl {redirect_url} with the
// authorization page (sandbox choice of URL; tests stand in for the payer with
// AddNontaxRealName).
func (s *Sandbox) serveNontaxRealNameAuthURL(c *apiCall) answer {
	var req struct {
		RedirectURL string `json:"redirect_url"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	switch {
	case req.RedirectURL == "":
		return fail(codeMissingFields)
	case !nontaxValidURL(req.RedirectURL):
		return nontaxInvalid("redirect_url must be an absolute http(s) URL")
	}
	q := url.Values{"appid": {c.a.AppID}, "redirect_url": {req.RedirectURL}}
	return succeed(map[string]any{"errcode": 0, "errmsg": "ok",
		"auth_url": "https://mp.weixin.qq.com/intp/realname/authorize?" + q.Encode()})
}

// serveNontaxGetRealName answers nontax/getrealname {wx_realname_token}: an unknown or
// expired token is 40097.
func (s *Sandbox) serveNontaxGetRealName(c *apiCall) answer {
	var req struct {
		Token string `json:"wx_realname_token"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.Token == "" {
		return fail(codeMissingFields)
	}
	st := &c.a.nontax
	st.init()
	r, ok := st.realNames[req.Token]
	if !ok || !c.now.Before(r.expires) {
		delete(st.realNames, req.Token)
		return nontaxInvalid("wx_realname_token is unknown or expired")
	}
	return succeed(map[string]any{"errcode": 0, "errmsg": "ok", "openid": r.OpenID, "real_name": r.RealName,
		"cred_id": r.CredID, "cred_type": r.CredType})
}
