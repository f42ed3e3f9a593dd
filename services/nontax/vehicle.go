package nontax

import (
	"context"
	"fmt"
	"regexp"
	"unicode/utf8"

	nontaxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/nontax/v1"
)

// WeChat paths of the vehicle-owner service.
const (
	pathVehicleQueryState = "/nontax/vehicle/querystate"
	pathVehicleEntrance   = "/nontax/vehicle/entrancenotify"
	pathVehiclePayApply   = "/nontax/vehicle/payapply"
)

// tradeScenes are the deduction scenes of the vehicle-owner service.
var tradeScenes = map[string]bool{"PARKING": true, "PARKING SPACE": true, "HIGHWAY": true, "BRIDGE": true, "GAS": true}

// outTradeNo is payapply's out_trade_no: at most 32 of [A-Za-z0-9_*-].
var outTradeNo = regexp.MustCompile(`^[A-Za-z0-9_*\-]{1,32}$`)

// maxPlateLen bounds a plate number in characters (a province character and up to 7 or
// 8 letters and digits).
const maxPlateLen = 10

// vehicleBase is the fields every vehicle call carries, in the platform's spelling.
type vehicleBase struct {
	AppID       string `json:"appid"`
	BankID      string `json:"bank_id,omitempty"`
	BankAccount string `json:"bank_account,omitempty"`
	MchID       string `json:"mch_id,omitempty"`
	RegionCode  string `json:"region_code"`
	TradeScene  string `json:"trade_scene"`
	OpenID      string `json:"openid,omitempty"`
	PlateNumber string `json:"plate_number,omitempty"`
}

// checkBase checks the common fields; needPlate requires plate_number.
func checkBase(c *checker, appID string, b *nontaxv1.VehicleRequestBase, needPlate bool) vehicleBase {
	if b == nil {
		c.fail("base", "is required")
		return vehicleBase{}
	}
	c.optional("base.bank_id", b.GetBankId())
	c.optional("base.bank_account", b.GetBankAccount())
	c.optional("base.mch_id", b.GetMchId())
	c.region("base.region_code", b.GetRegionCode())
	switch {
	case b.GetTradeScene() == "":
		c.fail("base.trade_scene", "is required")
	case !tradeScenes[b.GetTradeScene()]:
		c.fail("base.trade_scene", fmt.Sprintf("must be PARKING, PARKING SPACE, HIGHWAY, BRIDGE or GAS, got %q", clip(b.GetTradeScene())))
	}
	c.openID("base.openid", b.GetOpenid(), false)
	switch p := b.GetPlateNumber(); {
	case p == "" && needPlate:
		c.fail("base.plate_number", "is required")
	case p == "" && b.GetOpenid() == "":
		c.fail("base.openid", "or base.plate_number is required")
	case p != "" && (utf8.RuneCountInString(p) > maxPlateLen || !utf8.ValidString(p)):
		c.fail("base.plate_number", fmt.Sprintf("must be at most %d characters (province and number, no separators)", maxPlateLen))
	case p != "":
		c.optional("base.plate_number", p)
	}
	return vehicleBase{AppID: appID, BankID: b.GetBankId(), BankAccount: b.GetBankAccount(), MchID: b.GetMchId(),
		RegionCode: b.GetRegionCode(), TradeScene: b.GetTradeScene(), OpenID: b.GetOpenid(), PlateNumber: b.GetPlateNumber()}
}

// QueryVehicleState returns an owner's state (nontax/vehicle/querystate).
func (s *Service) QueryVehicleState(ctx context.Context, r *nontaxv1.QueryVehicleStateRequest) (*nontaxv1.QueryVehicleStateResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	var c checker
	base := checkBase(&c, r.GetAppId(), r.GetBase(), false)
	switch r.GetJumpScene() {
	case "", "APP", "H5":
	default:
		c.fail("jump_scene", fmt.Sprintf("must be empty (mini program), APP or H5, got %q", clip(r.GetJumpScene())))
	}
	if c.err != nil {
		return nil, c.err
	}
	body := struct {
		vehicleBase
		JumpScene string `json:"jump_scene,omitempty"`
	}{base, r.GetJumpScene()}
	var res struct {
		UserState       string   `json:"user_state"`
		Path            string   `json:"path"`
		PlateNumberInfo []string `json:"plate_number_info"`
	}
	if err := s.post(ctx, r.GetAppId(), pathVehicleQueryState, true, body, &res); err != nil {
		return nil, err
	}
	return &nontaxv1.QueryVehicleStateResponse{UserState: res.UserState, Path: res.Path, PlateNumbers: res.PlateNumberInfo}, nil
}

// NotifyVehicleEntrance reports an entrance (nontax/vehicle/entrancenotify).
func (s *Service) NotifyVehicleEntrance(ctx context.Context, r *nontaxv1.NotifyVehicleEntranceRequest) (*nontaxv1.NotifyVehicleEntranceResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	var c checker
	base := checkBase(&c, r.GetAppId(), r.GetBase(), true)
	if r.GetStartTime() <= 0 {
		c.fail("start_time", "must be a positive Unix time in seconds")
	}
	c.text("parking_name", r.GetParkingName(), true)
	if r.GetFreeTime() < 0 {
		c.fail("free_time", "must not be negative")
	}
	if c.err != nil {
		return nil, c.err
	}
	body := struct {
		vehicleBase
		StartTime   int64  `json:"start_time"`
		ParkingName string `json:"parking_name"`
		FreeTime    int64  `json:"free_time,omitempty"`
	}{base, r.GetStartTime(), r.GetParkingName(), r.GetFreeTime()}
	var res struct {
		UserState  string `json:"user_state"`
		EntranceID string `json:"entrance_id"`
	}
	if err := s.post(ctx, r.GetAppId(), pathVehicleEntrance, true, body, &res); err != nil {
		return nil, err
	}
	return &nontaxv1.NotifyVehicleEntranceResponse{UserState: res.UserState, EntranceId: res.EntranceID}, nil
}

// ApplyVehiclePayment asks for a deduction (nontax/vehicle/payapply).
func (s *Service) ApplyVehiclePayment(ctx context.Context, r *nontaxv1.ApplyVehiclePaymentRequest) (*nontaxv1.ApplyVehiclePaymentResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	var c checker
	base := checkBase(&c, r.GetAppId(), r.GetBase(), true)
	switch {
	case r.GetOutTradeNo() == "":
		c.fail("out_trade_no", "is required")
	case !outTradeNo.MatchString(r.GetOutTradeNo()):
		c.fail("out_trade_no", "must be 1 to 32 characters of [A-Za-z0-9_*-]")
	}
	c.fen("total_fee", r.GetTotalFee())
	c.text("desc", r.GetDesc(), true)
	if r.GetStartTime() <= 0 {
		c.fail("start_time", "must be a positive Unix time in seconds")
	}
	if r.GetEndTime() < r.GetStartTime() {
		c.fail("end_time", "must not be before start_time")
	}
	c.text("parking_name", r.GetParkingName(), false)
	if r.GetChargingDuration() < 0 {
		c.fail("charging_duration", "must not be negative")
	}
	if c.err != nil {
		return nil, c.err
	}
	body := struct {
		vehicleBase
		OutTradeNo       string `json:"out_trade_no"`
		TotalFee         int64  `json:"total_fee"`
		Desc             string `json:"desc"`
		StartTime        int64  `json:"start_time"`
		EndTime          int64  `json:"end_time"`
		ParkingName      string `json:"parking_name,omitempty"`
		ChargingDuration int64  `json:"charging_duration,omitempty"`
	}{base, r.GetOutTradeNo(), r.GetTotalFee(), r.GetDesc(), r.GetStartTime(), r.GetEndTime(), r.GetParkingName(), r.GetChargingDuration()}
	var res struct {
		OrderID string `json:"order_id"`
	}
	// Idempotent: the platform says to retry with the original parameters; one
	// out_trade_no is one payment.
	if err := s.post(ctx, r.GetAppId(), pathVehiclePayApply, true, body, &res); err != nil {
		return nil, err
	}
	return &nontaxv1.ApplyVehiclePaymentResponse{OrderId: res.OrderID}, nil
}
