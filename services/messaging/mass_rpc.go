package messaging

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1/messagingv1connect"
)

// MassMessageHandler implements MassMessageService over a Sender.
type MassMessageHandler struct {
	s *Sender
}

var _ messagingv1connect.MassMessageServiceHandler = (*MassMessageHandler)(nil)

// NewMassMessageHandler returns the MassMessageService implementation of s.
func NewMassMessageHandler(s *Sender) *MassMessageHandler { return &MassMessageHandler{s: s} }

// UploadMassNews implements MassMessageService.UploadMassNews.
func (h *MassMessageHandler) UploadMassNews(ctx context.Context, req *messagingv1.UploadMassNewsRequest) (*messagingv1.UploadMassNewsResponse, error) {
	id, at, err := h.s.UploadMassNews(ctx, req.GetAppId(), req.GetArticles())
	if err != nil {
		return nil, senderError(err)
	}
	return &messagingv1.UploadMassNewsResponse{MediaId: id, CreateTime: timestamppb.New(at)}, nil
}

// SendMassToAll implements MassMessageService.SendMassToAll.
func (h *MassMessageHandler) SendMassToAll(ctx context.Context, req *messagingv1.SendMassToAllRequest) (*messagingv1.SendMassToAllResponse, error) {
	res, err := h.s.SendMassToAll(ctx, req)
	if err != nil {
		return nil, senderError(err)
	}
	return &messagingv1.SendMassToAllResponse{MsgId: res.MsgID, MsgDataId: res.MsgDataID,
		ToAllRemaining: int32(res.ToAllRemaining), Warning: res.Warning}, nil
}

// SendMassToTag implements MassMessageService.SendMassToTag.
func (h *MassMessageHandler) SendMassToTag(ctx context.Context, req *messagingv1.SendMassToTagRequest) (*messagingv1.SendMassToTagResponse, error) {
	res, err := h.s.SendMassToTag(ctx, req)
	if err != nil {
		return nil, senderError(err)
	}
	return &messagingv1.SendMassToTagResponse{MsgId: res.MsgID, MsgDataId: res.MsgDataID}, nil
}

// StartMassSend implements MassMessageService.StartMassSend.
func (h *MassMessageHandler) StartMassSend(ctx context.Context, req *messagingv1.StartMassSendRequest) (*messagingv1.StartMassSendResponse, error) {
	op, err := h.s.StartMassSend(ctx, req)
	if err != nil {
		return nil, senderError(err)
	}
	return &messagingv1.StartMassSendResponse{Operation: op}, nil
}

// GetMassSendOperation implements MassMessageService.GetMassSendOperation.
func (h *MassMessageHandler) GetMassSendOperation(ctx context.Context, req *messagingv1.GetMassSendOperationRequest) (*messagingv1.GetMassSendOperationResponse, error) {
	op, err := h.s.MassOperation(ctx, req.GetAppId(), req.GetOperationId())
	if err != nil {
		return nil, senderError(err)
	}
	return &messagingv1.GetMassSendOperationResponse{Operation: op}, nil
}

// CancelMassSend implements MassMessageService.CancelMassSend.
func (h *MassMessageHandler) CancelMassSend(ctx context.Context, req *messagingv1.CancelMassSendRequest) (*messagingv1.CancelMassSendResponse, error) {
	op, err := h.s.CancelMassSend(ctx, req.GetAppId(), req.GetOperationId())
	if err != nil {
		return nil, senderError(err)
	}
	return &messagingv1.CancelMassSendResponse{Operation: op}, nil
}

// PreviewMassMessage implements MassMessageService.PreviewMassMessage.
func (h *MassMessageHandler) PreviewMassMessage(ctx context.Context, req *messagingv1.PreviewMassMessageRequest) (*messagingv1.PreviewMassMessageResponse, error) {
	id, err := h.s.PreviewMassMessage(ctx, req)
	if err != nil {
		return nil, senderError(err)
	}
	return &messagingv1.PreviewMassMessageResponse{MsgId: id}, nil
}

// DeleteMassMessage implements MassMessageService.DeleteMassMessage.
func (h *MassMessageHandler) DeleteMassMessage(ctx context.Context, req *messagingv1.DeleteMassMessageRequest) (*messagingv1.DeleteMassMessageResponse, error) {
	if err := h.s.DeleteMassMessage(ctx, req.GetAppId(), req.GetMsgId(), req.GetArticleIdx()); err != nil {
		return nil, senderError(err)
	}
	return &messagingv1.DeleteMassMessageResponse{}, nil
}

// GetMassStatus implements MassMessageService.GetMassStatus.
func (h *MassMessageHandler) GetMassStatus(ctx context.Context, req *messagingv1.GetMassStatusRequest) (*messagingv1.GetMassStatusResponse, error) {
	status, job, err := h.s.MassStatus(ctx, req.GetAppId(), req.GetMsgId())
	if err != nil {
		return nil, senderError(err)
	}
	return &messagingv1.GetMassStatusResponse{MsgStatus: status, JobFinished: job.Finished, JobStatus: job.Status,
		TotalCount: job.Total, FilterCount: job.Filter, SentCount: job.Sent, ErrorCount: job.ErrorCount}, nil
}

// GetMassSpeed implements MassMessageService.GetMassSpeed.
func (h *MassMessageHandler) GetMassSpeed(ctx context.Context, req *messagingv1.GetMassSpeedRequest) (*messagingv1.GetMassSpeedResponse, error) {
	speed, real, err := h.s.MassSpeed(ctx, req.GetAppId())
	if err != nil {
		return nil, senderError(err)
	}
	return &messagingv1.GetMassSpeedResponse{Speed: speed, RealSpeed: real}, nil
}

// SetMassSpeed implements MassMessageService.SetMassSpeed.
func (h *MassMessageHandler) SetMassSpeed(ctx context.Context, req *messagingv1.SetMassSpeedRequest) (*messagingv1.SetMassSpeedResponse, error) {
	if err := h.s.SetMassSpeed(ctx, req.GetAppId(), req.GetSpeed()); err != nil {
		return nil, senderError(err)
	}
	return &messagingv1.SetMassSpeedResponse{}, nil
}
