package messaging

import (
	"context"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1/messagingv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
)

// AutoReplyHandler implements AutoReplyService over AutoReplies.
type AutoReplyHandler struct {
	r *AutoReplies
}

var _ messagingv1connect.AutoReplyServiceHandler = (*AutoReplyHandler)(nil)

// NewAutoReplyHandler returns the AutoReplyService implementation of r.
func NewAutoReplyHandler(r *AutoReplies) *AutoReplyHandler { return &AutoReplyHandler{r: r} }

// GetAutoReplyInfo implements AutoReplyService.GetAutoReplyInfo.
func (h *AutoReplyHandler) GetAutoReplyInfo(ctx context.Context, req *messagingv1.GetAutoReplyInfoRequest) (*messagingv1.GetAutoReplyInfoResponse, error) {
	resp, err := h.r.Get(ctx, req.GetAppId())
	if err != nil {
		return nil, manageError(err)
	}
	return resp, nil
}

func newAutoReplyRPCService(r *AutoReplies, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := messagingv1connect.NewAutoReplyServiceHandler(NewAutoReplyHandler(r), opts.Options...)
	return rpcserver.Service{
		Name: messagingv1connect.AutoReplyServiceName, Path: path, Handler: h,
		RegisterGateway: messagingv1.RegisterAutoReplyServiceHandler,
	}
}

// autoReplyPolicies are the auth policies of AutoReplyService.
func autoReplyPolicies() []auth.Policy {
	return []auth.Policy{
		{Procedure: messagingv1connect.AutoReplyServiceGetAutoReplyInfoProcedure, Scope: auth.ScopeMessagingManage},
	}
}
