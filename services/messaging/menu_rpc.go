package messaging

import (
	"context"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1/messagingv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
)

// MenuHandler implements MenuService over Menus.
type MenuHandler struct {
	m *Menus
}

var _ messagingv1connect.MenuServiceHandler = (*MenuHandler)(nil)

// NewMenuHandler returns the MenuService implementation of m.
func NewMenuHandler(m *Menus) *MenuHandler { return &MenuHandler{m: m} }

// CreateMenu implements MenuService.CreateMenu.
func (h *MenuHandler) CreateMenu(ctx context.Context, req *messagingv1.CreateMenuRequest) (*messagingv1.CreateMenuResponse, error) {
	ids, err := h.m.Create(ctx, req.GetAppId(), req.GetMenu())
	if err != nil {
		return nil, manageError(err)
	}
	return &messagingv1.CreateMenuResponse{ConditionalMenuIds: ids}, nil
}

// GetMenu implements MenuService.GetMenu.
func (h *MenuHandler) GetMenu(ctx context.Context, req *messagingv1.GetMenuRequest) (*messagingv1.GetMenuResponse, error) {
	m, err := h.m.Get(ctx, req.GetAppId(), req.GetSource())
	if err != nil {
		return nil, manageError(err)
	}
	return &messagingv1.GetMenuResponse{Menu: m}, nil
}

// DeleteMenu implements MenuService.DeleteMenu.
func (h *MenuHandler) DeleteMenu(ctx context.Context, req *messagingv1.DeleteMenuRequest) (*messagingv1.DeleteMenuResponse, error) {
	if err := h.m.Delete(ctx, req.GetAppId()); err != nil {
		return nil, manageError(err)
	}
	return &messagingv1.DeleteMenuResponse{}, nil
}

// AddConditionalMenu implements MenuService.AddConditionalMenu.
func (h *MenuHandler) AddConditionalMenu(ctx context.Context, req *messagingv1.AddConditionalMenuRequest) (*messagingv1.AddConditionalMenuResponse, error) {
	id, err := h.m.AddConditional(ctx, req.GetAppId(), req.GetButtons(), req.GetMatchRule())
	if err != nil {
		return nil, manageError(err)
	}
	return &messagingv1.AddConditionalMenuResponse{MenuId: id}, nil
}

// DeleteConditionalMenu implements MenuService.DeleteConditionalMenu.
func (h *MenuHandler) DeleteConditionalMenu(ctx context.Context, req *messagingv1.DeleteConditionalMenuRequest) (*messagingv1.DeleteConditionalMenuResponse, error) {
	if err := h.m.DeleteConditional(ctx, req.GetAppId(), req.GetMenuId()); err != nil {
		return nil, manageError(err)
	}
	return &messagingv1.DeleteConditionalMenuResponse{}, nil
}

// TryMatchMenu implements MenuService.TryMatchMenu.
func (h *MenuHandler) TryMatchMenu(ctx context.Context, req *messagingv1.TryMatchMenuRequest) (*messagingv1.TryMatchMenuResponse, error) {
	buttons, err := h.m.TryMatch(ctx, req.GetAppId(), req.GetUserId())
	if err != nil {
		return nil, manageError(err)
	}
	return &messagingv1.TryMatchMenuResponse{Buttons: buttons}, nil
}

func newMenuRPCService(m *Menus, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := messagingv1connect.NewMenuServiceHandler(NewMenuHandler(m), opts.Options...)
	return rpcserver.Service{
		Name: messagingv1connect.MenuServiceName, Path: path, Handler: h,
		RegisterGateway: messagingv1.RegisterMenuServiceHandler,
	}
}

// menuPolicies are the auth policies of MenuService: messaging.manage for every
// procedure, reads included (one scope per procedure).
func menuPolicies() []auth.Policy {
	return []auth.Policy{
		{Procedure: messagingv1connect.MenuServiceCreateMenuProcedure, Scope: auth.ScopeMessagingManage},
		{Procedure: messagingv1connect.MenuServiceGetMenuProcedure, Scope: auth.ScopeMessagingManage},
		{Procedure: messagingv1connect.MenuServiceDeleteMenuProcedure, Scope: auth.ScopeMessagingManage},
		{Procedure: messagingv1connect.MenuServiceAddConditionalMenuProcedure, Scope: auth.ScopeMessagingManage},
		{Procedure: messagingv1connect.MenuServiceDeleteConditionalMenuProcedure, Scope: auth.ScopeMessagingManage},
		{Procedure: messagingv1connect.MenuServiceTryMatchMenuProcedure, Scope: auth.ScopeMessagingManage},
	}
}
