package content

import (
	"context"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	contentv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/content/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/content/v1/contentv1connect"
)

// CommentHandler serves wxsuite.content.v1.CommentService on top of a Service.
type CommentHandler struct {
	svc *Service
}

var _ contentv1connect.CommentServiceHandler = (*CommentHandler)(nil)

// NewCommentHandler returns the CommentService handler of svc.
func NewCommentHandler(svc *Service) *CommentHandler { return &CommentHandler{svc: svc} }

// articleRequest is what every CommentService request has.
type articleRequest interface {
	GetAppId() string
	GetMsgDataId() uint32
	GetIndex() uint32
}

func refOf(r articleRequest) ArticleRef {
	return ArticleRef{AppID: r.GetAppId(), MsgDataID: r.GetMsgDataId(), Index: r.GetIndex()}
}

// filters maps the proto filter to WeChat's type.
var filters = map[contentv1.CommentFilter]CommentFilter{
	contentv1.CommentFilter_COMMENT_FILTER_UNSPECIFIED: 0,
	contentv1.CommentFilter_COMMENT_FILTER_ALL:         0,
	contentv1.CommentFilter_COMMENT_FILTER_NORMAL:      1,
	contentv1.CommentFilter_COMMENT_FILTER_ELECTED:     2,
}

// OpenComments opens comments.
func (h *CommentHandler) OpenComments(ctx context.Context, req *contentv1.OpenCommentsRequest) (*contentv1.OpenCommentsResponse, error) {
	if err := h.svc.SetCommentsOpen(ctx, refOf(req), true); err != nil {
		return nil, connectError(err)
	}
	return &contentv1.OpenCommentsResponse{}, nil
}

// CloseComments closes comments.
func (h *CommentHandler) CloseComments(ctx context.Context, req *contentv1.CloseCommentsRequest) (*contentv1.CloseCommentsResponse, error) {
	if err := h.svc.SetCommentsOpen(ctx, refOf(req), false); err != nil {
		return nil, connectError(err)
	}
	return &contentv1.CloseCommentsResponse{}, nil
}

// ListComments lists comments.
func (h *CommentHandler) ListComments(ctx context.Context, req *contentv1.ListCommentsRequest) (*contentv1.ListCommentsResponse, error) {
	f, ok := filters[req.GetFilter()]
	if !ok {
		f = -1 // refused by the service, after the account check
	}
	p, err := h.svc.ListComments(ctx, refOf(req), int(min(req.GetBegin(), 1<<31-1)), int(min(req.GetCount(), 1<<31-1)), f)
	if err != nil {
		return nil, connectError(err)
	}
	out := &contentv1.ListCommentsResponse{Total: uint32(max(p.Total, 0))}
	for _, c := range p.Comments {
		pc := &contentv1.Comment{UserCommentId: c.UserCommentID, Openid: c.OpenID, CreateTime: timestamppb.New(time.Unix(c.CreateTime, 0)),
			Content: c.Content, Elected: c.CommentType == 1}
		if c.Reply != nil {
			pc.Reply = &contentv1.CommentReply{Content: c.Reply.Content, CreateTime: timestamppb.New(time.Unix(c.Reply.CreateTime, 0))}
		}
		out.Comments = append(out.Comments, pc)
	}
	return out, nil
}

// MarkElected features a comment.
func (h *CommentHandler) MarkElected(ctx context.Context, req *contentv1.MarkElectedRequest) (*contentv1.MarkElectedResponse, error) {
	if err := h.svc.SetElected(ctx, refOf(req), req.GetUserCommentId(), true); err != nil {
		return nil, connectError(err)
	}
	return &contentv1.MarkElectedResponse{}, nil
}

// UnmarkElected stops featuring a comment.
func (h *CommentHandler) UnmarkElected(ctx context.Context, req *contentv1.UnmarkElectedRequest) (*contentv1.UnmarkElectedResponse, error) {
	if err := h.svc.SetElected(ctx, refOf(req), req.GetUserCommentId(), false); err != nil {
		return nil, connectError(err)
	}
	return &contentv1.UnmarkElectedResponse{}, nil
}

// DeleteComment deletes a comment.
func (h *CommentHandler) DeleteComment(ctx context.Context, req *contentv1.DeleteCommentRequest) (*contentv1.DeleteCommentResponse, error) {
	if err := h.svc.DeleteComment(ctx, refOf(req), req.GetUserCommentId()); err != nil {
		return nil, connectError(err)
	}
	return &contentv1.DeleteCommentResponse{}, nil
}

// AddReply replies to a comment.
func (h *CommentHandler) AddReply(ctx context.Context, req *contentv1.AddReplyRequest) (*contentv1.AddReplyResponse, error) {
	if err := h.svc.AddReply(ctx, refOf(req), req.GetUserCommentId(), req.GetContent()); err != nil {
		return nil, connectError(err)
	}
	return &contentv1.AddReplyResponse{}, nil
}

// DeleteReply deletes a reply.
func (h *CommentHandler) DeleteReply(ctx context.Context, req *contentv1.DeleteReplyRequest) (*contentv1.DeleteReplyResponse, error) {
	if err := h.svc.DeleteReply(ctx, refOf(req), req.GetUserCommentId()); err != nil {
		return nil, connectError(err)
	}
	return &contentv1.DeleteReplyResponse{}, nil
}
