package messaging

import (
	"context"

	"connectrpc.com/connect"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1/messagingv1connect"
)

// EventHandler implements EventService over Service.
type EventHandler struct {
	s *Service
}

var _ messagingv1connect.EventServiceHandler = (*EventHandler)(nil)

// NewEventHandler returns the EventService implementation of s.
func NewEventHandler(s *Service) *EventHandler { return &EventHandler{s: s} }

// Subscribe implements EventService.Subscribe.
func (h *EventHandler) Subscribe(ctx context.Context, req *messagingv1.SubscribeRequest, stream *connect.ServerStream[messagingv1.SubscribeResponse]) error {
	err := h.s.Subscribe(ctx, req.GetAppId(), Subscription{
		Group: req.GetGroup(), Consumer: req.GetConsumer(), Filter: req.GetFilter(), Start: req.GetStart(),
	}, func(d Delivery) error {
		return stream.Send(&messagingv1.SubscribeResponse{Event: d.Event, Redeliveries: d.Redeliveries})
	})
	return connectError(err)
}

// Ack implements EventService.Ack.
func (h *EventHandler) Ack(ctx context.Context, req *messagingv1.AckRequest) (*messagingv1.AckResponse, error) {
	n, err := h.s.Ack(ctx, req.GetAppId(), req.GetGroup(), req.GetIds())
	if err != nil {
		return nil, connectError(err)
	}
	return &messagingv1.AckResponse{Acknowledged: n}, nil
}

// ListEvents implements EventService.ListEvents.
func (h *EventHandler) ListEvents(ctx context.Context, req *messagingv1.ListEventsRequest) (*messagingv1.ListEventsResponse, error) {
	q := ListQuery{Filter: req.GetFilter(), PageSize: int(req.GetPageSize()), PageToken: req.GetPageToken()}
	if req.GetStartTime() != nil {
		q.Start = req.GetStartTime().AsTime()
	}
	if req.GetEndTime() != nil {
		q.End = req.GetEndTime().AsTime()
	}
	evs, next, err := h.s.ListEvents(ctx, req.GetAppId(), q)
	if err != nil {
		return nil, connectError(err)
	}
	return &messagingv1.ListEventsResponse{Events: evs, NextPageToken: next}, nil
}

// GetEvent implements EventService.GetEvent.
func (h *EventHandler) GetEvent(ctx context.Context, req *messagingv1.GetEventRequest) (*messagingv1.GetEventResponse, error) {
	ev, err := h.s.GetEvent(ctx, req.GetAppId(), req.GetId())
	if err != nil {
		return nil, connectError(err)
	}
	return &messagingv1.GetEventResponse{Event: ev}, nil
}

// GetUserLocation implements EventService.GetUserLocation.
func (h *EventHandler) GetUserLocation(ctx context.Context, req *messagingv1.GetUserLocationRequest) (*messagingv1.GetUserLocationResponse, error) {
	loc, err := h.s.GetUserLocation(ctx, req.GetAppId(), req.GetOpenid())
	if err != nil {
		return nil, connectError(err)
	}
	return loc, nil
}
