package sandbox

// This file implements the audience admin RPCs: generated followers, QR code scans,
// subscribes and unsubscribes.

import (
	"context"
	"errors"

	"connectrpc.com/connect"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
)

// audienceAdminError maps the errors of the audience methods: unknown tickets are
// NotFound, follow-state conflicts FailedPrecondition, the rest as adminError does.
func audienceAdminError(err error) error {
	switch {
	case errors.Is(err, ErrUnknownTicket):
		return connect.NewError(connect.CodeNotFound, err)
	case errors.Is(err, ErrFollowState):
		return connect.NewError(connect.CodeFailedPrecondition, err)
	}
	return adminError(err)
}

// GenerateFollowers adds generated followers to an account.
func (x *admin) GenerateFollowers(_ context.Context, req *sandboxv1.GenerateFollowersRequest) (*sandboxv1.GenerateFollowersResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	total, err := x.s.GenerateFollowers(req.GetAppId(), int(req.GetCount()))
	if err != nil {
		return nil, audienceAdminError(err)
	}
	return &sandboxv1.GenerateFollowersResponse{Total: int64(total)}, nil
}

// ScanQRCode makes a simulated user scan a QR code.
func (x *admin) ScanQRCode(ctx context.Context, req *sandboxv1.ScanQRCodeRequest) (*sandboxv1.ScanQRCodeResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if req.GetTicket() == "" {
		return nil, invalid("ticket", "is required")
	}
	res, err := x.s.ScanQRCode(ctx, req.GetAppId(), req.GetTicket(), req.GetOpenid())
	if err != nil {
		return nil, audienceAdminError(err)
	}
	return &sandboxv1.ScanQRCodeResponse{
		Openid: res.OpenID, Event: res.Event, EventKey: res.EventKey,
		Pushed: res.Pushed, Delivered: res.Push.Delivered, InvalidReason: res.Push.InvalidReason,
	}, nil
}

// SubscribeUser makes a simulated user follow an account.
func (x *admin) SubscribeUser(ctx context.Context, req *sandboxv1.SubscribeUserRequest) (*sandboxv1.SubscribeUserResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	res, err := x.s.Subscribe(ctx, req.GetAppId(), req.GetOpenid(), req.GetSubscribeScene())
	if err != nil {
		return nil, audienceAdminError(err)
	}
	return &sandboxv1.SubscribeUserResponse{Openid: res.OpenID, Pushed: res.Pushed, Delivered: res.Push.Delivered}, nil
}

// UnsubscribeUser makes a follower unfollow an account.
func (x *admin) UnsubscribeUser(ctx context.Context, req *sandboxv1.UnsubscribeUserRequest) (*sandboxv1.UnsubscribeUserResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireOpenID(req.GetOpenid()); err != nil {
		return nil, err
	}
	res, err := x.s.Unsubscribe(ctx, req.GetAppId(), req.GetOpenid())
	if err != nil {
		return nil, audienceAdminError(err)
	}
	return &sandboxv1.UnsubscribeUserResponse{Pushed: res.Pushed, Delivered: res.Push.Delivered}, nil
}
