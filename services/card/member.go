package card

import (
	"context"
	"fmt"

	cardv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/card/v1"
)

// WeChat paths of the member card and special ticket endpoints.
const (
	pathMemberActivate    = "/card/membercard/activate"
	pathMemberActivateURL = "/card/membercard/activate/geturl"
	pathMemberTempInfo    = "/card/membercard/activatetempinfo/get"
	pathMemberUserForm    = "/card/membercard/activateuserform/set"
	pathMemberUnactivate  = "/card/membercard/unactivate"
	pathMemberUpdateUser  = "/card/membercard/updateuser"
	pathMemberUserInfo    = "/card/membercard/userinfo/get"
	pathBoardingCheckin   = "/card/boardingpass/checkin"
	pathMeetingUpdate     = "/card/meetingticket/updateuser"
	pathMovieUpdate       = "/card/movieticket/updateuser"
)

// Value lists of the member card endpoints.
var (
	formFlags = []string{"USER_FORM_INFO_FLAG_MOBILE", "USER_FORM_INFO_FLAG_SEX", "USER_FORM_INFO_FLAG_NAME",
		"USER_FORM_INFO_FLAG_BIRTHDAY", "USER_FORM_INFO_FLAG_IDCARD", "USER_FORM_INFO_FLAG_EMAIL",
		"USER_FORM_INFO_FLAG_LOCATION", "USER_FORM_INFO_FLAG_EDUCATION_BACKGRO", "USER_FORM_INFO_FLAG_INDUSTRY",
		"USER_FORM_INFO_FLAG_INCOME", "USER_FORM_INFO_FLAG_HABIT"}
	richFieldTypes = []string{"FORM_FIELD_RADIO", "FORM_FIELD_SELECT", "FORM_FIELD_CHECK_BOX"}
)

// maxMembershipNumber bounds membership numbers (the platform shows them on the card).
const maxMembershipNumber = 64

// ActivateMemberCard activates a member card (card/membercard/activate). Not resent:
// the platform refuses a second activation.
func (s *Service) ActivateMemberCard(ctx context.Context, req *cardv1.ActivateMemberCardRequest) (*cardv1.ActivateMemberCardResponse, error) {
	if _, err := s.codeBody(req.GetAppId(), req.GetCardId(), req.GetCode(), false); err != nil {
		return nil, err
	}
	if err := checkText("membership_number", req.GetMembershipNumber(), maxMembershipNumber, true); err != nil {
		return nil, err
	}
	switch {
	case req.GetInitBonus() < 0:
		return nil, &ArgumentError{Field: "init_bonus", Reason: "must not be negative"}
	case req.GetInitBalance() < 0:
		return nil, &ArgumentError{Field: "init_balance", Reason: "must not be negative"}
	case req.GetActivateEndTime() != 0 && req.GetActivateEndTime() < req.GetActivateBeginTime():
		return nil, &ArgumentError{Field: "activate_end_time", Reason: "must not be before activate_begin_time"}
	}
	body, err := wire(req, "app_id")
	if err != nil {
		return nil, err
	}
	return &cardv1.ActivateMemberCardResponse{}, s.call(ctx, req.GetAppId(), pathMemberActivate, false, body, nil)
}

// GetMemberCardActivateURL returns the activation component URL
// (card/membercard/activate/geturl).
func (s *Service) GetMemberCardActivateURL(ctx context.Context, req *cardv1.GetMemberCardActivateURLRequest) (*cardv1.GetMemberCardActivateURLResponse, error) {
	body, err := s.cardIDBody(req.GetAppId(), req.GetCardId())
	if err != nil {
		return nil, err
	}
	if err := checkText("outer_str", req.GetOuterStr(), 128, false); err != nil {
		return nil, err
	}
	if req.GetOuterStr() != "" {
		body.set("outer_str", req.GetOuterStr())
	}
	out := &cardv1.GetMemberCardActivateURLResponse{}
	return out, s.call(ctx, req.GetAppId(), pathMemberActivateURL, true, body, out)
}

// GetMemberCardActivateTempInfo returns a filled activation form
// (card/membercard/activatetempinfo/get).
func (s *Service) GetMemberCardActivateTempInfo(ctx context.Context, req *cardv1.GetMemberCardActivateTempInfoRequest) (*cardv1.GetMemberCardActivateTempInfoResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := checkText("activate_ticket", req.GetActivateTicket(), maxEncryptedCode, true); err != nil {
		return nil, err
	}
	out := &cardv1.GetMemberCardActivateTempInfoResponse{}
	return out, s.call(ctx, req.GetAppId(), pathMemberTempInfo, true, object{}.set("activate_ticket", req.GetActivateTicket()), out)
}

// checkForm checks a part of the activation form.
func checkForm(field string, f *cardv1.MemberCardForm) error {
	if f == nil {
		return nil
	}
	for i, id := range f.GetCommonFieldIdList() {
		if err := checkOneOf(fmt.Sprintf("%s.common_field_id_list[%d]", field, i), id, false, formFlags...); err != nil {
			return err
		}
	}
	for i, c := range f.GetCustomFieldList() {
		if err := checkText(fmt.Sprintf("%s.custom_field_list[%d]", field, i), c, 0, true); err != nil {
			return err
		}
	}
	for i, r := range f.GetRichFieldList() {
		p := fmt.Sprintf("%s.rich_field_list[%d]", field, i)
		if err := firstErr(checkOneOf(p+".type", r.GetType(), false, richFieldTypes...), checkText(p+".name", r.GetName(), 0, true)); err != nil {
			return err
		}
		if len(r.GetValues()) == 0 {
			return &ArgumentError{Field: p + ".values", Reason: "must hold at least one choice"}
		}
	}
	return nil
}

// SetMemberCardActivateUserForm sets the activation form
// (card/membercard/activateuserform/set).
func (s *Service) SetMemberCardActivateUserForm(ctx context.Context, req *cardv1.SetMemberCardActivateUserFormRequest) (*cardv1.SetMemberCardActivateUserFormResponse, error) {
	if _, err := s.cardIDBody(req.GetAppId(), req.GetCardId()); err != nil {
		return nil, err
	}
	if req.GetRequiredForm() == nil && req.GetOptionalForm() == nil {
		return nil, &ArgumentError{Field: "required_form", Reason: "one of required_form and optional_form is required"}
	}
	if err := firstErr(checkForm("required_form", req.GetRequiredForm()), checkForm("optional_form", req.GetOptionalForm())); err != nil {
		return nil, err
	}
	body, err := wire(req, "app_id")
	if err != nil {
		return nil, err
	}
	return &cardv1.SetMemberCardActivateUserFormResponse{}, s.call(ctx, req.GetAppId(), pathMemberUserForm, true, body, nil)
}

// UnactivateMemberCard unbinds a member card (card/membercard/unactivate).
func (s *Service) UnactivateMemberCard(ctx context.Context, req *cardv1.UnactivateMemberCardRequest) (*cardv1.UnactivateMemberCardResponse, error) {
	body, err := s.codeBody(req.GetAppId(), req.GetCardId(), req.GetCode(), true)
	if err != nil {
		return nil, err
	}
	return &cardv1.UnactivateMemberCardResponse{}, s.call(ctx, req.GetAppId(), pathMemberUnactivate, false, body, nil)
}

// UpdateMemberCardUser changes a member's data (card/membercard/updateuser). Deltas are
// never resent.
func (s *Service) UpdateMemberCardUser(ctx context.Context, req *cardv1.UpdateMemberCardUserRequest) (*cardv1.UpdateMemberCardUserResponse, error) {
	if _, err := s.codeBody(req.GetAppId(), req.GetCardId(), req.GetCode(), true); err != nil {
		return nil, err
	}
	switch {
	case req.GetSetBonus() && req.GetAddBonus() != 0:
		return nil, &ArgumentError{Field: "add_bonus", Reason: "set bonus (absolute) or add_bonus (delta), not both"}
	case req.GetSetBalance() && req.GetAddBalance() != 0:
		return nil, &ArgumentError{Field: "add_balance", Reason: "set balance (absolute) or add_balance (delta), not both"}
	case req.GetSetBonus() && req.GetBonus() < 0:
		return nil, &ArgumentError{Field: "bonus", Reason: "must not be negative"}
	case req.GetSetBalance() && req.GetBalance() < 0:
		return nil, &ArgumentError{Field: "balance", Reason: "must not be negative"}
	case !req.GetSetBonus() && req.GetBonus() != 0:
		return nil, &ArgumentError{Field: "bonus", Reason: "is only sent with set_bonus true"}
	case !req.GetSetBalance() && req.GetBalance() != 0:
		return nil, &ArgumentError{Field: "balance", Reason: "is only sent with set_balance true"}
	}
	body, err := wire(req, "app_id", "set_bonus", "set_balance", "bonus", "balance")
	if err != nil {
		return nil, err
	}
	if req.GetSetBonus() {
		body.set("bonus", req.GetBonus())
	}
	if req.GetSetBalance() {
		body.set("balance", req.GetBalance())
	}
	out := &cardv1.UpdateMemberCardUserResponse{}
	return out, s.call(ctx, req.GetAppId(), pathMemberUpdateUser, false, body, out)
}

// GetMemberCardUserInfo returns a member's data (card/membercard/userinfo/get).
func (s *Service) GetMemberCardUserInfo(ctx context.Context, req *cardv1.GetMemberCardUserInfoRequest) (*cardv1.GetMemberCardUserInfoResponse, error) {
	body, err := s.codeBody(req.GetAppId(), req.GetCardId(), req.GetCode(), true)
	if err != nil {
		return nil, err
	}
	out := &cardv1.GetMemberCardUserInfoResponse{}
	return out, s.call(ctx, req.GetAppId(), pathMemberUserInfo, true, body, out)
}

// CheckInBoardingPass sends a check-in (card/boardingpass/checkin).
func (s *Service) CheckInBoardingPass(ctx context.Context, req *cardv1.CheckInBoardingPassRequest) (*cardv1.CheckInBoardingPassResponse, error) {
	if _, err := s.codeBody(req.GetAppId(), req.GetCardId(), req.GetCode(), false); err != nil {
		return nil, err
	}
	if err := firstErr(checkText("passenger_name", req.GetPassengerName(), 0, true), checkText("class", req.GetClass(), 0, true),
		checkText("etkt_bnr", req.GetEtktBnr(), 0, true), checkText("seat", req.GetSeat(), 0, false),
		checkText("qrcode_data", req.GetQrcodeData(), 0, false)); err != nil {
		return nil, err
	}
	body, err := wire(req, "app_id")
	if err != nil {
		return nil, err
	}
	return &cardv1.CheckInBoardingPassResponse{}, s.call(ctx, req.GetAppId(), pathBoardingCheckin, true, body, nil)
}

// UpdateMeetingTicketUser sends a participant's place (card/meetingticket/updateuser).
func (s *Service) UpdateMeetingTicketUser(ctx context.Context, req *cardv1.UpdateMeetingTicketUserRequest) (*cardv1.UpdateMeetingTicketUserResponse, error) {
	if _, err := s.codeBody(req.GetAppId(), req.GetCardId(), req.GetCode(), false); err != nil {
		return nil, err
	}
	if req.GetEndTime() != 0 && req.GetEndTime() < req.GetBeginTime() {
		return nil, &ArgumentError{Field: "end_time", Reason: "must not be before begin_time"}
	}
	if err := firstErr(checkText("zone", req.GetZone(), 0, false), checkText("entrance", req.GetEntrance(), 0, false),
		checkText("seat_number", req.GetSeatNumber(), 0, false)); err != nil {
		return nil, err
	}
	body, err := wire(req, "app_id")
	if err != nil {
		return nil, err
	}
	return &cardv1.UpdateMeetingTicketUserResponse{}, s.call(ctx, req.GetAppId(), pathMeetingUpdate, true, body, nil)
}

// UpdateMovieTicketUser sends a viewer's show and seats (card/movieticket/updateuser).
func (s *Service) UpdateMovieTicketUser(ctx context.Context, req *cardv1.UpdateMovieTicketUserRequest) (*cardv1.UpdateMovieTicketUserResponse, error) {
	if _, err := s.codeBody(req.GetAppId(), req.GetCardId(), req.GetCode(), false); err != nil {
		return nil, err
	}
	switch {
	case req.GetShowTime() == 0:
		return nil, &ArgumentError{Field: "show_time", Reason: "is required"}
	case req.GetDuration() == 0:
		return nil, &ArgumentError{Field: "duration", Reason: "is required"}
	}
	if err := firstErr(checkText("ticket_class", req.GetTicketClass(), 0, true), checkText("screening_room", req.GetScreeningRoom(), 0, false)); err != nil {
		return nil, err
	}
	for i, seat := range req.GetSeatNumber() {
		if err := checkText(fmt.Sprintf("seat_number[%d]", i), seat, 0, true); err != nil {
			return nil, err
		}
	}
	body, err := wire(req, "app_id")
	if err != nil {
		return nil, err
	}
	return &cardv1.UpdateMovieTicketUserResponse{}, s.call(ctx, req.GetAppId(), pathMovieUpdate, true, body, nil)
}
