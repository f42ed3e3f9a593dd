package messaging

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1/messagingv1connect"
)

// CustomMessageHandler implements CustomMessageService over a Sender.
type CustomMessageHandler struct {
	s *Sender
}

var _ messagingv1connect.CustomMessageServiceHandler = (*CustomMessageHandler)(nil)

// NewCustomMessageHandler returns the CustomMessageService implementation of s.
func NewCustomMessageHandler(s *Sender) *CustomMessageHandler { return &CustomMessageHandler{s: s} }

// SendCustomMessage implements CustomMessageService.SendCustomMessage.
func (h *CustomMessageHandler) SendCustomMessage(ctx context.Context, req *messagingv1.SendCustomMessageRequest) (*messagingv1.SendCustomMessageResponse, error) {
	if err := h.s.SendCustomMessage(ctx, req); err != nil {
		return nil, senderError(err)
	}
	return &messagingv1.SendCustomMessageResponse{}, nil
}

// SetTyping implements CustomMessageService.SetTyping.
func (h *CustomMessageHandler) SetTyping(ctx context.Context, req *messagingv1.SetTypingRequest) (*messagingv1.SetTypingResponse, error) {
	if err := h.s.SetTyping(ctx, req.GetAppId(), req.GetOpenid(), req.GetTyping()); err != nil {
		return nil, senderError(err)
	}
	return &messagingv1.SetTypingResponse{}, nil
}

// GetCustomMessageWindow implements CustomMessageService.GetCustomMessageWindow.
func (h *CustomMessageHandler) GetCustomMessageWindow(ctx context.Context, req *messagingv1.GetCustomMessageWindowRequest) (*messagingv1.GetCustomMessageWindowResponse, error) {
	w, err := h.s.CustomWindow(ctx, req.GetAppId(), req.GetOpenid())
	if err != nil {
		return nil, senderError(err)
	}
	out := &messagingv1.GetCustomMessageWindowResponse{Known: w.Known, Open: w.Open, LastInteractionType: w.LastType, Unsubscribed: w.Unsubscribed}
	if w.Known {
		out.LastInteractionTime = timestamppb.New(w.Last)
		out.ExpireTime = timestamppb.New(w.Expires)
	}
	return out, nil
}
