package guide

import (
	"context"

	guidev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/guide/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/guide/v1/guidev1connect"
)

// WeChat paths of GuideGroupService.
const (
	pathGroupNew     = "/cgi-bin/guide/newguidegroup"
	pathGroupList    = "/cgi-bin/guide/getguidegrouplist"
	pathGroupInfo    = "/cgi-bin/guide/getgroupinfo"
	pathGroupAdd     = "/cgi-bin/guide/addguide2guidegroup"
	pathGroupRemove  = "/cgi-bin/guide/delguide2guidegroup"
	pathGroupByGuide = "/cgi-bin/guide/getgroupbyguide"
	pathGroupDel     = "/cgi-bin/guide/delguidegroup"
)

// GroupHandler implements GuideGroupService over Service.
type GroupHandler struct {
	s *Service
}

var _ guidev1connect.GuideGroupServiceHandler = (*GroupHandler)(nil)

// NewGroupHandler returns the GuideGroupService implementation of s.
func NewGroupHandler(s *Service) *GroupHandler { return &GroupHandler{s: s} }

// checkGroupID refuses a group id that is not positive.
func checkGroupID(id int64) error {
	if id <= 0 {
		return argf("group_id", "must be positive")
	}
	return nil
}

// CreateGroup implements GuideGroupService.CreateGroup.
func (h *GroupHandler) CreateGroup(ctx context.Context, req *guidev1.CreateGroupRequest) (*guidev1.CreateGroupResponse, error) {
	out := &guidev1.CreateGroupResponse{}
	err := checkText("group_name", req.GetGroupName())
	if err == nil {
		err = h.s.do(ctx, call{path: pathGroupNew}, req, out)
	}
	return result(out, err)
}

// ListGroups implements GuideGroupService.ListGroups.
func (h *GroupHandler) ListGroups(ctx context.Context, req *guidev1.ListGroupsRequest) (*guidev1.ListGroupsResponse, error) {
	out := &guidev1.ListGroupsResponse{}
	return result(out, h.s.do(ctx, call{path: pathGroupList, idempotent: true}, req, out))
}

// GetGroup implements GuideGroupService.GetGroup.
func (h *GroupHandler) GetGroup(ctx context.Context, req *guidev1.GetGroupRequest) (*guidev1.GetGroupResponse, error) {
	out := &guidev1.GetGroupResponse{}
	err := checkGroupID(req.GetGroupId())
	if err == nil {
		err = checkPaging("page", req.GetPage(), req.GetNum())
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathGroupInfo, idempotent: true, keep: []string{"page"}}, req, out)
	}
	return result(out, err)
}

// AddGuideToGroup implements GuideGroupService.AddGuideToGroup.
func (h *GroupHandler) AddGuideToGroup(ctx context.Context, req *guidev1.AddGuideToGroupRequest) (*guidev1.AddGuideToGroupResponse, error) {
	err := checkGroupID(req.GetGroupId())
	if err == nil {
		err = checkGuide("", req.GetGuideAccount(), req.GetGuideOpenid(), false)
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathGroupAdd, idempotent: true}, req, nil)
	}
	return result(&guidev1.AddGuideToGroupResponse{}, err)
}

// RemoveGuideFromGroup implements GuideGroupService.RemoveGuideFromGroup.
func (h *GroupHandler) RemoveGuideFromGroup(ctx context.Context, req *guidev1.RemoveGuideFromGroupRequest) (*guidev1.RemoveGuideFromGroupResponse, error) {
	err := checkGroupID(req.GetGroupId())
	if err == nil {
		err = checkGuide("", req.GetGuideAccount(), req.GetGuideOpenid(), false)
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathGroupRemove, idempotent: true}, req, nil)
	}
	return result(&guidev1.RemoveGuideFromGroupResponse{}, err)
}

// ListGroupsOfGuide implements GuideGroupService.ListGroupsOfGuide.
func (h *GroupHandler) ListGroupsOfGuide(ctx context.Context, req *guidev1.ListGroupsOfGuideRequest) (*guidev1.ListGroupsOfGuideResponse, error) {
	out := &guidev1.ListGroupsOfGuideResponse{}
	err := checkGuide("", req.GetGuideAccount(), req.GetGuideOpenid(), false)
	if err == nil {
		err = h.s.do(ctx, call{path: pathGroupByGuide, idempotent: true}, req, out)
	}
	return result(out, err)
}

// DeleteGroup implements GuideGroupService.DeleteGroup.
func (h *GroupHandler) DeleteGroup(ctx context.Context, req *guidev1.DeleteGroupRequest) (*guidev1.DeleteGroupResponse, error) {
	err := checkGroupID(req.GetGroupId())
	if err == nil {
		err = h.s.do(ctx, call{path: pathGroupDel}, req, nil)
	}
	return result(&guidev1.DeleteGroupResponse{}, err)
}
