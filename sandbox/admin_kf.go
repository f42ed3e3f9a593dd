package sandbox

import (
	"context"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
)

func requireKfAccount(name string) error {
	if name == "" {
		return invalid("kf_account", "is required")
	}
	return nil
}

// AnswerKfInvitation makes an invited WeChat user accept or reject a binding.
func (x *admin) AnswerKfInvitation(_ context.Context, req *sandboxv1.AnswerKfInvitationRequest) (*sandboxv1.AnswerKfInvitationResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireKfAccount(req.GetKfAccount()); err != nil {
		return nil, err
	}
	if err := x.s.AnswerKfInvitation(req.GetAppId(), req.GetKfAccount(), req.GetAccept()); err != nil {
		return nil, menusAdminError(err)
	}
	return &sandboxv1.AnswerKfInvitationResponse{}, nil
}

// SetKfOnline signs an agent in or out.
func (x *admin) SetKfOnline(_ context.Context, req *sandboxv1.SetKfOnlineRequest) (*sandboxv1.SetKfOnlineResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireKfAccount(req.GetKfAccount()); err != nil {
		return nil, err
	}
	if err := x.s.SetKfOnline(req.GetAppId(), req.GetKfAccount(), req.GetOnline(), int(req.GetAutoAccept())); err != nil {
		return nil, menusAdminError(err)
	}
	return &sandboxv1.SetKfOnlineResponse{}, nil
}

// TransferToKf routes a user to customer service as transfer_customer_service does.
func (x *admin) TransferToKf(_ context.Context, req *sandboxv1.TransferToKfRequest) (*sandboxv1.TransferToKfResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireOpenID(req.GetOpenid()); err != nil {
		return nil, err
	}
	worker, err := x.s.TransferToKf(req.GetAppId(), req.GetOpenid(), req.GetKfAccount())
	if err != nil {
		return nil, menusAdminError(err)
	}
	return &sandboxv1.TransferToKfResponse{KfAccount: worker, Waiting: worker == ""}, nil
}

// SwitchKfSession hands a user's session over to another agent.
func (x *admin) SwitchKfSession(_ context.Context, req *sandboxv1.SwitchKfSessionRequest) (*sandboxv1.SwitchKfSessionResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireOpenID(req.GetOpenid()); err != nil {
		return nil, err
	}
	if err := requireKfAccount(req.GetKfAccount()); err != nil {
		return nil, err
	}
	if err := x.s.SwitchKfSession(req.GetAppId(), req.GetOpenid(), req.GetKfAccount()); err != nil {
		return nil, menusAdminError(err)
	}
	return &sandboxv1.SwitchKfSessionResponse{}, nil
}

// AddKfMessage records a message of a user's session.
func (x *admin) AddKfMessage(_ context.Context, req *sandboxv1.AddKfMessageRequest) (*sandboxv1.AddKfMessageResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireOpenID(req.GetOpenid()); err != nil {
		return nil, err
	}
	var dir KfDirection
	switch req.GetDirection() {
	case sandboxv1.KfMessageDirection_KF_MESSAGE_DIRECTION_FROM_USER:
		dir = KfFromUser
	case sandboxv1.KfMessageDirection_KF_MESSAGE_DIRECTION_FROM_AGENT:
		dir = KfFromAgent
	default:
		return nil, invalid("direction", "is required (KF_MESSAGE_DIRECTION_FROM_USER or KF_MESSAGE_DIRECTION_FROM_AGENT)")
	}
	if err := x.s.AddKfMessage(req.GetAppId(), req.GetOpenid(), dir, req.GetText()); err != nil {
		return nil, menusAdminError(err)
	}
	return &sandboxv1.AddKfMessageResponse{}, nil
}
