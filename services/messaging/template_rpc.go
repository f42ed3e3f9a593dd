package messaging

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1/messagingv1connect"
)

// TemplateMessageHandler implements TemplateMessageService over a Sender.
type TemplateMessageHandler struct {
	s *Sender
}

var _ messagingv1connect.TemplateMessageServiceHandler = (*TemplateMessageHandler)(nil)

// NewTemplateMessageHandler returns the TemplateMessageService implementation of s.
func NewTemplateMessageHandler(s *Sender) *TemplateMessageHandler {
	return &TemplateMessageHandler{s: s}
}

// SetIndustry implements TemplateMessageService.SetIndustry.
func (h *TemplateMessageHandler) SetIndustry(ctx context.Context, req *messagingv1.SetIndustryRequest) (*messagingv1.SetIndustryResponse, error) {
	if err := h.s.SetIndustry(ctx, req.GetAppId(), req.GetPrimaryIndustryId(), req.GetSecondaryIndustryId()); err != nil {
		return nil, senderError(err)
	}
	return &messagingv1.SetIndustryResponse{}, nil
}

// GetIndustry implements TemplateMessageService.GetIndustry.
func (h *TemplateMessageHandler) GetIndustry(ctx context.Context, req *messagingv1.GetIndustryRequest) (*messagingv1.GetIndustryResponse, error) {
	p, sec, err := h.s.GetIndustry(ctx, req.GetAppId())
	if err != nil {
		return nil, senderError(err)
	}
	return &messagingv1.GetIndustryResponse{
		Primary:   &messagingv1.TemplateIndustry{FirstClass: p.FirstClass, SecondClass: p.SecondClass},
		Secondary: &messagingv1.TemplateIndustry{FirstClass: sec.FirstClass, SecondClass: sec.SecondClass},
	}, nil
}

// AddTemplate implements TemplateMessageService.AddTemplate.
func (h *TemplateMessageHandler) AddTemplate(ctx context.Context, req *messagingv1.AddTemplateRequest) (*messagingv1.AddTemplateResponse, error) {
	id, err := h.s.AddTemplate(ctx, req.GetAppId(), req.GetTemplateIdShort(), req.GetKeywordNames())
	if err != nil {
		return nil, senderError(err)
	}
	return &messagingv1.AddTemplateResponse{TemplateId: id}, nil
}

// ListTemplates implements TemplateMessageService.ListTemplates.
func (h *TemplateMessageHandler) ListTemplates(ctx context.Context, req *messagingv1.ListTemplatesRequest) (*messagingv1.ListTemplatesResponse, error) {
	list, err := h.s.ListTemplates(ctx, req.GetAppId())
	if err != nil {
		return nil, senderError(err)
	}
	out := &messagingv1.ListTemplatesResponse{Templates: make([]*messagingv1.MessageTemplate, len(list))}
	for i, t := range list {
		out.Templates[i] = &messagingv1.MessageTemplate{TemplateId: t.TemplateID, Title: t.Title, PrimaryIndustry: t.PrimaryIndustry,
			DeputyIndustry: t.DeputyIndustry, Content: t.Content, Example: t.Example, Keys: outPlaceholderKeys(t.Content)}
	}
	return out, nil
}

// DeleteTemplate implements TemplateMessageService.DeleteTemplate.
func (h *TemplateMessageHandler) DeleteTemplate(ctx context.Context, req *messagingv1.DeleteTemplateRequest) (*messagingv1.DeleteTemplateResponse, error) {
	if err := h.s.DeleteTemplate(ctx, req.GetAppId(), req.GetTemplateId()); err != nil {
		return nil, senderError(err)
	}
	return &messagingv1.DeleteTemplateResponse{}, nil
}

// SendTemplateMessage implements TemplateMessageService.SendTemplateMessage.
func (h *TemplateMessageHandler) SendTemplateMessage(ctx context.Context, req *messagingv1.SendTemplateMessageRequest) (*messagingv1.SendTemplateMessageResponse, error) {
	id, err := h.s.SendTemplateMessage(ctx, req)
	if err != nil {
		return nil, senderError(err)
	}
	return &messagingv1.SendTemplateMessageResponse{MsgId: id}, nil
}

// GetTemplateMessageStatus implements TemplateMessageService.GetTemplateMessageStatus.
func (h *TemplateMessageHandler) GetTemplateMessageStatus(ctx context.Context, req *messagingv1.GetTemplateMessageStatusRequest) (*messagingv1.GetTemplateMessageStatusResponse, error) {
	st, err := h.s.TemplateMessageStatus(ctx, req.GetAppId(), req.GetMsgId())
	if err != nil {
		return nil, senderError(err)
	}
	out := &messagingv1.GetTemplateMessageStatusResponse{Status: st.Status, RawStatus: st.Raw, Openid: st.OpenID, TemplateId: st.TemplateID}
	if !st.Sent.IsZero() {
		out.SendTime = timestamppb.New(st.Sent)
	}
	if !st.Finished.IsZero() {
		out.FinishTime = timestamppb.New(st.Finished)
	}
	return out, nil
}
