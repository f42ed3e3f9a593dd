package audience

import (
	"context"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

	audiencev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/audience/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/audience/v1/audiencev1connect"
)

// UserHandler implements UserService over Service.
type UserHandler struct {
	s *Service
}

var _ audiencev1connect.UserServiceHandler = (*UserHandler)(nil)

// NewUserHandler returns the UserService implementation of s.
func NewUserHandler(s *Service) *UserHandler { return &UserHandler{s: s} }

// langs maps the Language enum to the platform's lang values.
var langs = map[audiencev1.Language]string{
	audiencev1.Language_LANGUAGE_UNSPECIFIED: "",
	audiencev1.Language_LANGUAGE_ZH_CN:       "zh_CN",
	audiencev1.Language_LANGUAGE_ZH_TW:       "zh_TW",
	audiencev1.Language_LANGUAGE_EN:          "en",
}

// langOf returns the platform's lang for l, or an ArgumentError for an unknown value.
func langOf(l audiencev1.Language) (string, error) {
	lang, ok := langs[l]
	if !ok {
		return "", &ArgumentError{Field: "lang", Reason: "is not a known Language"}
	}
	return lang, nil
}

// scenes maps subscribe_scene values to the SubscribeScene enum.
var scenes = map[string]audiencev1.SubscribeScene{
	"ADD_SCENE_SEARCH":               audiencev1.SubscribeScene_SUBSCRIBE_SCENE_SEARCH,
	"ADD_SCENE_ACCOUNT_MIGRATION":    audiencev1.SubscribeScene_SUBSCRIBE_SCENE_ACCOUNT_MIGRATION,
	"ADD_SCENE_PROFILE_CARD":         audiencev1.SubscribeScene_SUBSCRIBE_SCENE_PROFILE_CARD,
	"ADD_SCENE_QR_CODE":              audiencev1.SubscribeScene_SUBSCRIBE_SCENE_QR_CODE,
	"ADD_SCENE_PROFILE_LINK":         audiencev1.SubscribeScene_SUBSCRIBE_SCENE_PROFILE_LINK,
	"ADD_SCENE_PROFILE_ITEM":         audiencev1.SubscribeScene_SUBSCRIBE_SCENE_PROFILE_ITEM,
	"ADD_SCENE_PAID":                 audiencev1.SubscribeScene_SUBSCRIBE_SCENE_PAID,
	"ADD_SCENE_WECHAT_ADVERTISEMENT": audiencev1.SubscribeScene_SUBSCRIBE_SCENE_WECHAT_ADVERTISEMENT,
	"ADD_SCENE_REPRINT":              audiencev1.SubscribeScene_SUBSCRIBE_SCENE_REPRINT,
	"ADD_SCENE_LIVESTREAM":           audiencev1.SubscribeScene_SUBSCRIBE_SCENE_LIVESTREAM,
	"ADD_SCENE_CHANNELS":             audiencev1.SubscribeScene_SUBSCRIBE_SCENE_CHANNELS,
	"ADD_SCENE_OTHERS":               audiencev1.SubscribeScene_SUBSCRIBE_SCENE_OTHERS,
}

// toProtoUser converts a user/info profile.
func toProtoUser(u *UserInfo) *audiencev1.User {
	out := &audiencev1.User{Openid: u.OpenID, Subscribed: u.Subscribe == 1, Unionid: u.UnionID}
	if !out.Subscribed {
		return out
	}
	out.Language, out.Remark = u.Language, u.Remark
	if u.SubscribeTime > 0 {
		out.SubscribeTime = timestamppb.New(timeUnix(u.SubscribeTime))
	}
	out.TagIds = make([]int32, len(u.TagIDs))
	for i, id := range u.TagIDs {
		out.TagIds[i] = int32(id)
	}
	out.SubscribeScene, out.SubscribeSceneName = scenes[u.SubscribeScene], u.SubscribeScene
	out.QrScene, out.QrSceneStr = u.QRScene, u.QRSceneStr
	return out
}

// GetUser implements UserService.GetUser.
func (h *UserHandler) GetUser(ctx context.Context, req *audiencev1.GetUserRequest) (*audiencev1.GetUserResponse, error) {
	lang, err := langOf(req.GetLang())
	if err != nil {
		return nil, connectError(err)
	}
	u, err := h.s.GetUser(ctx, req.GetAppId(), req.GetOpenid(), lang)
	if err != nil {
		return nil, connectError(err)
	}
	return &audiencev1.GetUserResponse{User: toProtoUser(u)}, nil
}

// BatchGetUsers implements UserService.BatchGetUsers.
func (h *UserHandler) BatchGetUsers(ctx context.Context, req *audiencev1.BatchGetUsersRequest) (*audiencev1.BatchGetUsersResponse, error) {
	lang, err := langOf(req.GetLang())
	if err != nil {
		return nil, connectError(err)
	}
	users, calls, err := h.s.BatchGetUsers(ctx, req.GetAppId(), req.GetOpenids(), lang)
	if err != nil {
		return nil, connectError(err)
	}
	out := &audiencev1.BatchGetUsersResponse{Users: make([]*audiencev1.User, len(users)), Calls: int32(calls)}
	for i := range users {
		out.Users[i] = toProtoUser(&users[i])
	}
	return out, nil
}

// ListFollowers implements UserService.ListFollowers.
func (h *UserHandler) ListFollowers(ctx context.Context, req *audiencev1.ListFollowersRequest) (*audiencev1.ListFollowersResponse, error) {
	p, err := h.s.ListFollowers(ctx, req.GetAppId(), req.GetNextOpenid())
	if err != nil {
		return nil, connectError(err)
	}
	return &audiencev1.ListFollowersResponse{Total: p.Total, Openids: p.OpenIDs, NextOpenid: p.NextOpenID}, nil
}

// StreamFollowers implements UserService.StreamFollowers.
func (h *UserHandler) StreamFollowers(ctx context.Context, req *audiencev1.StreamFollowersRequest, stream *connect.ServerStream[audiencev1.StreamFollowersResponse]) error {
	var delivered int64
	var page int32
	err := h.s.StreamFollowers(ctx, req.GetAppId(), req.GetStartOpenid(), func(p *FollowerPage) error {
		delivered += int64(len(p.OpenIDs))
		page++
		return stream.Send(&audiencev1.StreamFollowersResponse{
			Openids: p.OpenIDs, Total: p.Total, Delivered: delivered,
			NextOpenid: p.OpenIDs[len(p.OpenIDs)-1], Page: page,
		})
	})
	return connectError(err)
}

// UpdateRemark implements UserService.UpdateRemark.
func (h *UserHandler) UpdateRemark(ctx context.Context, req *audiencev1.UpdateRemarkRequest) (*audiencev1.UpdateRemarkResponse, error) {
	if err := h.s.UpdateRemark(ctx, req.GetAppId(), req.GetOpenid(), req.GetRemark()); err != nil {
		return nil, connectError(err)
	}
	return &audiencev1.UpdateRemarkResponse{}, nil
}
