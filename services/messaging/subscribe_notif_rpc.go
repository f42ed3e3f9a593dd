package messaging

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1/messagingv1connect"
)

// SubscribeNotificationHandler implements SubscribeNotificationService over a Sender.
type SubscribeNotificationHandler struct {
	s *Sender
}

var _ messagingv1connect.SubscribeNotificationServiceHandler = (*SubscribeNotificationHandler)(nil)

// NewSubscribeNotificationHandler returns the SubscribeNotificationService
// implementation of s.
func NewSubscribeNotificationHandler(s *Sender) *SubscribeNotificationHandler {
	return &SubscribeNotificationHandler{s: s}
}

// AddSubscribeTemplate implements SubscribeNotificationService.AddSubscribeTemplate.
func (h *SubscribeNotificationHandler) AddSubscribeTemplate(ctx context.Context, req *messagingv1.AddSubscribeTemplateRequest) (*messagingv1.AddSubscribeTemplateResponse, error) {
	id, err := h.s.AddSubscribeTemplate(ctx, req.GetAppId(), req.GetTid(), req.GetKidList(), req.GetSceneDesc())
	if err != nil {
		return nil, senderError(err)
	}
	return &messagingv1.AddSubscribeTemplateResponse{TemplateId: id}, nil
}

// DeleteSubscribeTemplate implements SubscribeNotificationService.DeleteSubscribeTemplate.
func (h *SubscribeNotificationHandler) DeleteSubscribeTemplate(ctx context.Context, req *messagingv1.DeleteSubscribeTemplateRequest) (*messagingv1.DeleteSubscribeTemplateResponse, error) {
	if err := h.s.DeleteSubscribeTemplate(ctx, req.GetAppId(), req.GetTemplateId()); err != nil {
		return nil, senderError(err)
	}
	return &messagingv1.DeleteSubscribeTemplateResponse{}, nil
}

// ListSubscribeTemplates implements SubscribeNotificationService.ListSubscribeTemplates.
func (h *SubscribeNotificationHandler) ListSubscribeTemplates(ctx context.Context, req *messagingv1.ListSubscribeTemplatesRequest) (*messagingv1.ListSubscribeTemplatesResponse, error) {
	list, err := h.s.ListSubscribeTemplates(ctx, req.GetAppId())
	if err != nil {
		return nil, senderError(err)
	}
	out := &messagingv1.ListSubscribeTemplatesResponse{Templates: make([]*messagingv1.SubscribeTemplate, len(list))}
	for i, t := range list {
		out.Templates[i] = &messagingv1.SubscribeTemplate{TemplateId: t.TemplateID, Title: t.Title, Content: t.Content,
			Example: t.Example, Kind: outKind(t.Type), Keys: outPlaceholderKeys(t.Content)}
	}
	return out, nil
}

// ListSubscribeCategories implements SubscribeNotificationService.ListSubscribeCategories.
func (h *SubscribeNotificationHandler) ListSubscribeCategories(ctx context.Context, req *messagingv1.ListSubscribeCategoriesRequest) (*messagingv1.ListSubscribeCategoriesResponse, error) {
	list, err := h.s.ListSubscribeCategories(ctx, req.GetAppId())
	if err != nil {
		return nil, senderError(err)
	}
	out := &messagingv1.ListSubscribeCategoriesResponse{Categories: make([]*messagingv1.SubscribeCategory, len(list))}
	for i, c := range list {
		out.Categories[i] = &messagingv1.SubscribeCategory{Id: c.ID, Name: c.Name}
	}
	return out, nil
}

// ListPublicTemplateTitles implements SubscribeNotificationService.ListPublicTemplateTitles.
func (h *SubscribeNotificationHandler) ListPublicTemplateTitles(ctx context.Context, req *messagingv1.ListPublicTemplateTitlesRequest) (*messagingv1.ListPublicTemplateTitlesResponse, error) {
	list, count, err := h.s.ListPublicTemplateTitles(ctx, req.GetAppId(), req.GetCategoryIds(), req.GetStart(), req.GetLimit())
	if err != nil {
		return nil, senderError(err)
	}
	out := &messagingv1.ListPublicTemplateTitlesResponse{Count: count, Templates: make([]*messagingv1.PublicSubscribeTemplate, len(list))}
	for i, t := range list {
		out.Templates[i] = &messagingv1.PublicSubscribeTemplate{Tid: t.Tid, Title: t.Title, Kind: outKind(t.Type), CategoryId: t.CategoryID}
	}
	return out, nil
}

// ListPublicTemplateKeywords implements SubscribeNotificationService.ListPublicTemplateKeywords.
func (h *SubscribeNotificationHandler) ListPublicTemplateKeywords(ctx context.Context, req *messagingv1.ListPublicTemplateKeywordsRequest) (*messagingv1.ListPublicTemplateKeywordsResponse, error) {
	list, err := h.s.ListPublicTemplateKeywords(ctx, req.GetAppId(), req.GetTid())
	if err != nil {
		return nil, senderError(err)
	}
	out := &messagingv1.ListPublicTemplateKeywordsResponse{Keywords: make([]*messagingv1.PublicTemplateKeyword, len(list))}
	for i, k := range list {
		out.Keywords[i] = &messagingv1.PublicTemplateKeyword{Kid: k.Kid, Name: k.Name, Example: k.Example, Rule: k.Rule}
	}
	return out, nil
}

// SendSubscribeNotification implements SubscribeNotificationService.SendSubscribeNotification.
func (h *SubscribeNotificationHandler) SendSubscribeNotification(ctx context.Context, req *messagingv1.SendSubscribeNotificationRequest) (*messagingv1.SendSubscribeNotificationResponse, error) {
	if err := h.s.SendSubscribeNotification(ctx, req); err != nil {
		return nil, senderError(err)
	}
	return &messagingv1.SendSubscribeNotificationResponse{}, nil
}

// GetSubscriptions implements SubscribeNotificationService.GetSubscriptions.
func (h *SubscribeNotificationHandler) GetSubscriptions(ctx context.Context, req *messagingv1.GetSubscriptionsRequest) (*messagingv1.GetSubscriptionsResponse, error) {
	subs, err := h.s.Subscriptions(ctx, req.GetAppId(), req.GetOpenid())
	if err != nil {
		return nil, senderError(err)
	}
	out := &messagingv1.GetSubscriptionsResponse{Subscriptions: make([]*messagingv1.NotificationSubscription, len(subs))}
	for i, sub := range subs {
		ns := &messagingv1.NotificationSubscription{TemplateId: sub.TemplateID, Live: sub.Live,
			Remaining: int32(sub.Remaining), LastStatus: sub.LastStatus, UpdateTime: timestamppb.New(sub.Updated),
			LastDeliveryStatus: sub.Delivery.Status, LastDeliveryErrcode: sub.Delivery.Errcode, LastDeliveryMsgId: sub.Delivery.MsgID}
		if !sub.Delivery.At.IsZero() {
			ns.LastDeliveryTime = timestamppb.New(sub.Delivery.At)
		}
		out.Subscriptions[i] = ns
	}
	return out, nil
}

// BuildOneTimeSubscribeURL implements SubscribeNotificationService.BuildOneTimeSubscribeURL.
func (h *SubscribeNotificationHandler) BuildOneTimeSubscribeURL(_ context.Context, req *messagingv1.BuildOneTimeSubscribeURLRequest) (*messagingv1.BuildOneTimeSubscribeURLResponse, error) {
	u, err := h.s.BuildOneTimeSubscribeURL(req.GetAppId(), req.GetTemplateId(), req.GetScene(), req.GetRedirectUrl(), req.GetReserved())
	if err != nil {
		return nil, senderError(err)
	}
	return &messagingv1.BuildOneTimeSubscribeURLResponse{Url: u}, nil
}

// SendOneTimeSubscribeMessage implements SubscribeNotificationService.SendOneTimeSubscribeMessage.
func (h *SubscribeNotificationHandler) SendOneTimeSubscribeMessage(ctx context.Context, req *messagingv1.SendOneTimeSubscribeMessageRequest) (*messagingv1.SendOneTimeSubscribeMessageResponse, error) {
	if err := h.s.SendOneTimeSubscribeMessage(ctx, req); err != nil {
		return nil, senderError(err)
	}
	return &messagingv1.SendOneTimeSubscribeMessageResponse{}, nil
}
