package sandbox

import (
	"context"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
)

// SetOutboundSettings sets an account's outbound rules.
func (x *admin) SetOutboundSettings(_ context.Context, req *sandboxv1.SetOutboundSettingsRequest) (*sandboxv1.SetOutboundSettingsResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	err := x.s.SetOutboundSettings(req.GetAppId(), OutboundSettings{
		AccountType: req.GetAccountType(), EnforceResponseCounts: req.GetEnforceResponseCounts()})
	if err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.SetOutboundSettingsResponse{}, nil
}

func fromProtoDecisions(ds []*sandboxv1.SubscribeDecision) []SubscribeDecision {
	out := make([]SubscribeDecision, len(ds))
	for i, d := range ds {
		out[i] = SubscribeDecision{TemplateID: d.GetTemplateId(), Accept: d.GetAccept()}
	}
	return out
}

// pushResultOrNil is the proto of r, or nil when nothing was pushed.
func pushResultOrNil(r PushResult) *sandboxv1.PushResult {
	if r.Attempts == 0 {
		return nil
	}
	return toProtoPushResult(r)
}

// AnswerSubscribePopup makes a user answer a subscription popup.
func (x *admin) AnswerSubscribePopup(ctx context.Context, req *sandboxv1.AnswerSubscribePopupRequest) (*sandboxv1.AnswerSubscribePopupResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireOpenID(req.GetOpenid()); err != nil {
		return nil, err
	}
	res, err := x.s.SubscribeNotifications(ctx, req.GetAppId(), req.GetOpenid(), int(req.GetPopupScene()), fromProtoDecisions(req.GetDecisions()))
	if err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.AnswerSubscribePopupResponse{Result: pushResultOrNil(res)}, nil
}

// ChangeSubscriptions makes a user change subscriptions in settings.
func (x *admin) ChangeSubscriptions(ctx context.Context, req *sandboxv1.ChangeSubscriptionsRequest) (*sandboxv1.ChangeSubscriptionsResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireOpenID(req.GetOpenid()); err != nil {
		return nil, err
	}
	res, err := x.s.ChangeSubscriptions(ctx, req.GetAppId(), req.GetOpenid(), fromProtoDecisions(req.GetDecisions()))
	if err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.ChangeSubscriptionsResponse{Result: pushResultOrNil(res)}, nil
}

// ConfirmOneTimeSubscription makes a user confirm a one-time subscription page.
func (x *admin) ConfirmOneTimeSubscription(_ context.Context, req *sandboxv1.ConfirmOneTimeSubscriptionRequest) (*sandboxv1.ConfirmOneTimeSubscriptionResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireOpenID(req.GetOpenid()); err != nil {
		return nil, err
	}
	if err := x.s.ConfirmOneTimeSubscription(req.GetAppId(), req.GetOpenid(), req.GetTemplateId(), int(req.GetScene())); err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.ConfirmOneTimeSubscriptionResponse{}, nil
}

// SetReceiveBlocked switches a user's receiving of the account's messages.
func (x *admin) SetReceiveBlocked(_ context.Context, req *sandboxv1.SetReceiveBlockedRequest) (*sandboxv1.SetReceiveBlockedResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireOpenID(req.GetOpenid()); err != nil {
		return nil, err
	}
	if err := x.s.SetReceiveBlocked(req.GetAppId(), req.GetOpenid(), req.GetBlocked()); err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.SetReceiveBlockedResponse{}, nil
}
