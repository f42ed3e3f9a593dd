package messaging

import (
	"context"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1/messagingv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
)

// ReplyRPC implements ReplyService over Service.
type ReplyRPC struct {
	s *Service
}

var _ messagingv1connect.ReplyServiceHandler = (*ReplyRPC)(nil)

// NewReplyRPC returns the ReplyService implementation of s.
func NewReplyRPC(s *Service) *ReplyRPC { return &ReplyRPC{s: s} }

// SetReplyRules implements ReplyService.SetReplyRules.
func (h *ReplyRPC) SetReplyRules(ctx context.Context, req *messagingv1.SetReplyRulesRequest) (*messagingv1.SetReplyRulesResponse, error) {
	rules, err := h.s.SetReplyRules(ctx, req.GetAppId(), req.GetRules())
	if err != nil {
		return nil, connectError(err)
	}
	return &messagingv1.SetReplyRulesResponse{Rules: rules}, nil
}

// GetReplyRules implements ReplyService.GetReplyRules.
func (h *ReplyRPC) GetReplyRules(ctx context.Context, req *messagingv1.GetReplyRulesRequest) (*messagingv1.GetReplyRulesResponse, error) {
	rules, err := h.s.GetReplyRules(ctx, req.GetAppId())
	if err != nil {
		return nil, connectError(err)
	}
	return &messagingv1.GetReplyRulesResponse{Rules: rules}, nil
}

// SetReplyHandler implements ReplyService.SetReplyHandler.
func (h *ReplyRPC) SetReplyHandler(ctx context.Context, req *messagingv1.SetReplyHandlerRequest) (*messagingv1.SetReplyHandlerResponse, error) {
	handler, err := h.s.SetReplyHandler(ctx, req.GetAppId(), req.GetHandler())
	if err != nil {
		return nil, connectError(err)
	}
	return &messagingv1.SetReplyHandlerResponse{Handler: handler}, nil
}

// GetReplyHandler implements ReplyService.GetReplyHandler.
func (h *ReplyRPC) GetReplyHandler(ctx context.Context, req *messagingv1.GetReplyHandlerRequest) (*messagingv1.GetReplyHandlerResponse, error) {
	handler, source, err := h.s.GetReplyHandler(ctx, req.GetAppId())
	if err != nil {
		return nil, connectError(err)
	}
	return &messagingv1.GetReplyHandlerResponse{Handler: handler, Source: source}, nil
}

// DeleteReplyHandler implements ReplyService.DeleteReplyHandler.
func (h *ReplyRPC) DeleteReplyHandler(ctx context.Context, req *messagingv1.DeleteReplyHandlerRequest) (*messagingv1.DeleteReplyHandlerResponse, error) {
	if err := h.s.DeleteReplyHandler(ctx, req.GetAppId()); err != nil {
		return nil, connectError(err)
	}
	return &messagingv1.DeleteReplyHandlerResponse{}, nil
}

func newReplyRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := messagingv1connect.NewReplyServiceHandler(NewReplyRPC(s), opts.Options...)
	return rpcserver.Service{
		Name: messagingv1connect.ReplyServiceName, Path: path, Handler: h,
		RegisterGateway: messagingv1.RegisterReplyServiceHandler,
	}
}

// replyPolicies are the auth policies of ReplyService: managing replies is
// messaging.manage.
func replyPolicies() []auth.Policy {
	return []auth.Policy{
		{Procedure: messagingv1connect.ReplyServiceSetReplyRulesProcedure, Scope: auth.ScopeMessagingManage},
		{Procedure: messagingv1connect.ReplyServiceGetReplyRulesProcedure, Scope: auth.ScopeMessagingManage},
		{Procedure: messagingv1connect.ReplyServiceSetReplyHandlerProcedure, Scope: auth.ScopeMessagingManage},
		{Procedure: messagingv1connect.ReplyServiceGetReplyHandlerProcedure, Scope: auth.ScopeMessagingManage},
		{Procedure: messagingv1connect.ReplyServiceDeleteReplyHandlerProcedure, Scope: auth.ScopeMessagingManage},
	}
}
