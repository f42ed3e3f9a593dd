package sandbox

import (
	"context"
	"errors"

	"connectrpc.com/connect"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
)

// contentAdminError maps the errors of the content methods: unknown material or
// article NotFound, closed comments FailedPrecondition, the rest as adminError does.
func contentAdminError(err error) error {
	switch {
	case errors.Is(err, ErrUnknownMaterial), errors.Is(err, ErrUnknownArticle):
		return connect.NewError(connect.CodeNotFound, err)
	case errors.Is(err, ErrCommentsClosed):
		return connect.NewError(connect.CodeFailedPrecondition, err)
	}
	return adminError(err)
}

// PublishNews publishes a news material.
func (x *admin) PublishNews(_ context.Context, req *sandboxv1.PublishNewsRequest) (*sandboxv1.PublishNewsResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if req.GetMediaId() == "" {
		return nil, invalid("media_id", "is required")
	}
	p, err := x.s.PublishNews(req.GetAppId(), req.GetMediaId())
	if err != nil {
		return nil, contentAdminError(err)
	}
	return &sandboxv1.PublishNewsResponse{MsgDataId: p.MsgDataID, Articles: int32(p.Articles)}, nil
}

// AddComment makes a simulated user comment.
func (x *admin) AddComment(_ context.Context, req *sandboxv1.AddCommentRequest) (*sandboxv1.AddCommentResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if req.GetIndex() < 0 {
		return nil, invalid("index", "must not be negative")
	}
	id, err := x.s.AddComment(req.GetAppId(), req.GetMsgDataId(), int(req.GetIndex()), req.GetOpenid(), req.GetContent())
	if err != nil {
		return nil, contentAdminError(err)
	}
	return &sandboxv1.AddCommentResponse{UserCommentId: id}, nil
}

// DeleteOwnComment makes a comment's author delete it.
func (x *admin) DeleteOwnComment(_ context.Context, req *sandboxv1.DeleteOwnCommentRequest) (*sandboxv1.DeleteOwnCommentResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if req.GetIndex() < 0 {
		return nil, invalid("index", "must not be negative")
	}
	if err := x.s.DeleteOwnComment(req.GetAppId(), req.GetMsgDataId(), int(req.GetIndex()), req.GetUserCommentId()); err != nil {
		return nil, contentAdminError(err)
	}
	return &sandboxv1.DeleteOwnCommentResponse{}, nil
}
