package sandbox

import (
	"context"
	"errors"

	"connectrpc.com/connect"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
)

// menusAdminError maps the errors of the menu, auto-reply and customer-service
// simulation methods: their own sentinels first, then adminError.
func menusAdminError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrNotInMenu), errors.Is(err, ErrKfState):
		return connect.NewError(connect.CodeFailedPrecondition, err)
	case errors.Is(err, ErrUnknownKfAccount):
		return connect.NewError(connect.CodeNotFound, err)
	}
	return adminError(err)
}

// ClickMenu makes a simulated user tap a key button of the menu they see.
func (x *admin) ClickMenu(ctx context.Context, req *sandboxv1.ClickMenuRequest) (*sandboxv1.ClickMenuResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireOpenID(req.GetOpenid()); err != nil {
		return nil, err
	}
	res, err := x.s.ClickMenu(ctx, req.GetAppId(), req.GetOpenid(), req.GetKey(), req.GetScanResult())
	if err != nil {
		return nil, menusAdminError(err)
	}
	return &sandboxv1.ClickMenuResponse{Result: toProtoPushResult(res)}, nil
}

// ViewMenu makes a simulated user open a view or miniprogram button of the menu they see.
func (x *admin) ViewMenu(ctx context.Context, req *sandboxv1.ViewMenuRequest) (*sandboxv1.ViewMenuResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireOpenID(req.GetOpenid()); err != nil {
		return nil, err
	}
	res, err := x.s.ViewMenu(ctx, req.GetAppId(), req.GetOpenid(), req.GetUrl(), req.GetPagepath())
	if err != nil {
		return nil, menusAdminError(err)
	}
	return &sandboxv1.ViewMenuResponse{Result: toProtoPushResult(res)}, nil
}

// SetMenuOptions chooses an account's undocumented menu behaviours.
func (x *admin) SetMenuOptions(_ context.Context, req *sandboxv1.SetMenuOptionsRequest) (*sandboxv1.SetMenuOptionsResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	err := x.s.SetMenuOptions(req.GetAppId(), MenuOptions{
		AllowPrivacyRules: req.GetAllowPrivacyRules(), KeepConditionalOnCreate: req.GetKeepConditionalOnCreate(),
	})
	if err != nil {
		return nil, menusAdminError(err)
	}
	return &sandboxv1.SetMenuOptionsResponse{}, nil
}

// SetConsoleMenu sets the console-made menu get_current_selfmenu_info reports.
func (x *admin) SetConsoleMenu(_ context.Context, req *sandboxv1.SetConsoleMenuRequest) (*sandboxv1.SetConsoleMenuResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := x.s.SetConsoleMenu(req.GetAppId(), []byte(req.GetSelfmenuInfoJson()), req.GetMenuOpen()); err != nil {
		return nil, menusAdminError(err)
	}
	return &sandboxv1.SetConsoleMenuResponse{}, nil
}

// SetAutoReplyInfo sets the console auto-reply configuration.
func (x *admin) SetAutoReplyInfo(_ context.Context, req *sandboxv1.SetAutoReplyInfoRequest) (*sandboxv1.SetAutoReplyInfoResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := x.s.SetAutoReplyInfo(req.GetAppId(), []byte(req.GetJson())); err != nil {
		return nil, menusAdminError(err)
	}
	return &sandboxv1.SetAutoReplyInfoResponse{}, nil
}
