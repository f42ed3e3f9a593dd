package audience

import (
	"context"

	audiencev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/audience/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/audience/v1/audiencev1connect"
)

// TagHandler implements TagService over Service.
type TagHandler struct {
	s *Service
}

var _ audiencev1connect.TagServiceHandler = (*TagHandler)(nil)

// NewTagHandler returns the TagService implementation of s.
func NewTagHandler(s *Service) *TagHandler { return &TagHandler{s: s} }

func toProtoTag(t Tag) *audiencev1.Tag {
	return &audiencev1.Tag{Id: int32(t.ID), Name: t.Name, Count: t.Count}
}

// CreateTag implements TagService.CreateTag.
func (h *TagHandler) CreateTag(ctx context.Context, req *audiencev1.CreateTagRequest) (*audiencev1.CreateTagResponse, error) {
	t, err := h.s.CreateTag(ctx, req.GetAppId(), req.GetName())
	if err != nil {
		return nil, connectError(err)
	}
	return &audiencev1.CreateTagResponse{Tag: toProtoTag(*t)}, nil
}

// ListTags implements TagService.ListTags.
func (h *TagHandler) ListTags(ctx context.Context, req *audiencev1.ListTagsRequest) (*audiencev1.ListTagsResponse, error) {
	tags, err := h.s.ListTags(ctx, req.GetAppId())
	if err != nil {
		return nil, connectError(err)
	}
	out := &audiencev1.ListTagsResponse{Tags: make([]*audiencev1.Tag, len(tags))}
	for i, t := range tags {
		out.Tags[i] = toProtoTag(t)
	}
	return out, nil
}

// UpdateTag implements TagService.UpdateTag.
func (h *TagHandler) UpdateTag(ctx context.Context, req *audiencev1.UpdateTagRequest) (*audiencev1.UpdateTagResponse, error) {
	if err := h.s.UpdateTag(ctx, req.GetAppId(), int(req.GetTagId()), req.GetName()); err != nil {
		return nil, connectError(err)
	}
	return &audiencev1.UpdateTagResponse{}, nil
}

// DeleteTag implements TagService.DeleteTag.
func (h *TagHandler) DeleteTag(ctx context.Context, req *audiencev1.DeleteTagRequest) (*audiencev1.DeleteTagResponse, error) {
	if err := h.s.DeleteTag(ctx, req.GetAppId(), int(req.GetTagId())); err != nil {
		return nil, connectError(err)
	}
	return &audiencev1.DeleteTagResponse{}, nil
}

// ListTagMembers implements TagService.ListTagMembers.
func (h *TagHandler) ListTagMembers(ctx context.Context, req *audiencev1.ListTagMembersRequest) (*audiencev1.ListTagMembersResponse, error) {
	p, err := h.s.ListTagMembers(ctx, req.GetAppId(), int(req.GetTagId()), req.GetNextOpenid())
	if err != nil {
		return nil, connectError(err)
	}
	return &audiencev1.ListTagMembersResponse{Openids: p.OpenIDs, NextOpenid: p.NextOpenID}, nil
}

// TagUsers implements TagService.TagUsers.
func (h *TagHandler) TagUsers(ctx context.Context, req *audiencev1.TagUsersRequest) (*audiencev1.TagUsersResponse, error) {
	calls, err := h.s.TagUsers(ctx, req.GetAppId(), int(req.GetTagId()), req.GetOpenids(), true)
	if err != nil {
		return nil, connectError(err)
	}
	return &audiencev1.TagUsersResponse{Calls: int32(calls)}, nil
}

// UntagUsers implements TagService.UntagUsers.
func (h *TagHandler) UntagUsers(ctx context.Context, req *audiencev1.UntagUsersRequest) (*audiencev1.UntagUsersResponse, error) {
	calls, err := h.s.TagUsers(ctx, req.GetAppId(), int(req.GetTagId()), req.GetOpenids(), false)
	if err != nil {
		return nil, connectError(err)
	}
	return &audiencev1.UntagUsersResponse{Calls: int32(calls)}, nil
}

// GetUserTags implements TagService.GetUserTags.
func (h *TagHandler) GetUserTags(ctx context.Context, req *audiencev1.GetUserTagsRequest) (*audiencev1.GetUserTagsResponse, error) {
	ids, err := h.s.GetUserTags(ctx, req.GetAppId(), req.GetOpenid())
	if err != nil {
		return nil, connectError(err)
	}
	out := &audiencev1.GetUserTagsResponse{TagIds: make([]int32, len(ids))}
	for i, id := range ids {
		out.TagIds[i] = int32(id)
	}
	return out, nil
}

// BlacklistHandler implements BlacklistService over Service.
type BlacklistHandler struct {
	s *Service
}

var _ audiencev1connect.BlacklistServiceHandler = (*BlacklistHandler)(nil)

// NewBlacklistHandler returns the BlacklistService implementation of s.
func NewBlacklistHandler(s *Service) *BlacklistHandler { return &BlacklistHandler{s: s} }

// ListBlacklist implements BlacklistService.ListBlacklist.
func (h *BlacklistHandler) ListBlacklist(ctx context.Context, req *audiencev1.ListBlacklistRequest) (*audiencev1.ListBlacklistResponse, error) {
	p, err := h.s.ListBlacklist(ctx, req.GetAppId(), req.GetBeginOpenid())
	if err != nil {
		return nil, connectError(err)
	}
	return &audiencev1.ListBlacklistResponse{Total: p.Total, Openids: p.OpenIDs, NextOpenid: p.NextOpenID}, nil
}

// BlockUsers implements BlacklistService.BlockUsers.
func (h *BlacklistHandler) BlockUsers(ctx context.Context, req *audiencev1.BlockUsersRequest) (*audiencev1.BlockUsersResponse, error) {
	calls, err := h.s.BlockUsers(ctx, req.GetAppId(), req.GetOpenids(), true)
	if err != nil {
		return nil, connectError(err)
	}
	return &audiencev1.BlockUsersResponse{Calls: int32(calls)}, nil
}

// UnblockUsers implements BlacklistService.UnblockUsers.
func (h *BlacklistHandler) UnblockUsers(ctx context.Context, req *audiencev1.UnblockUsersRequest) (*audiencev1.UnblockUsersResponse, error) {
	calls, err := h.s.BlockUsers(ctx, req.GetAppId(), req.GetOpenids(), false)
	if err != nil {
		return nil, connectError(err)
	}
	return &audiencev1.UnblockUsersResponse{Calls: int32(calls)}, nil
}
