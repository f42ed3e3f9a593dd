package guide

import (
	"context"

	guidev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/guide/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/guide/v1/guidev1connect"
)

// WeChat paths of GuideService.
const (
	pathGuideAdd         = "/cgi-bin/guide/addguideacct"
	pathGuideGet         = "/cgi-bin/guide/getguideacct"
	pathGuideUpdate      = "/cgi-bin/guide/updateguideacct"
	pathGuideDel         = "/cgi-bin/guide/delguideacct"
	pathGuideList        = "/cgi-bin/guide/getguideacctlist"
	pathGuideQRCode      = "/cgi-bin/guide/guidecreateqrcode"
	pathGuideSetConfig   = "/cgi-bin/guide/setguideconfig"
	pathGuideGetConfig   = "/cgi-bin/guide/getguideconfig"
	pathGuideSetAcctConf = "/cgi-bin/guide/setguideacctconfig"
	pathGuideGetAcctConf = "/cgi-bin/guide/getguideacctconfig"
	pathGuideWxaPathMenu = "/cgi-bin/guide/pushshowwxapathmenu"
)

// GuideHandler implements GuideService over Service.
type GuideHandler struct {
	s *Service
}

var _ guidev1connect.GuideServiceHandler = (*GuideHandler)(nil)

// NewGuideHandler returns the GuideService implementation of s.
func NewGuideHandler(s *Service) *GuideHandler { return &GuideHandler{s: s} }

// AddGuide implements GuideService.AddGuide.
func (h *GuideHandler) AddGuide(ctx context.Context, req *guidev1.AddGuideRequest) (*guidev1.AddGuideResponse, error) {
	err := checkGuide("", req.GetGuideAccount(), req.GetGuideOpenid(), false)
	if err == nil {
		err = checkProfile(req.GetGuideNickname(), req.GetGuideHeadimgurl())
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathGuideAdd}, req, nil)
	}
	return result(&guidev1.AddGuideResponse{}, err)
}

// GetGuide implements GuideService.GetGuide.
func (h *GuideHandler) GetGuide(ctx context.Context, req *guidev1.GetGuideRequest) (*guidev1.GetGuideResponse, error) {
	g := &guidev1.Guide{}
	err := checkGuide("", req.GetGuideAccount(), req.GetGuideOpenid(), false)
	if err == nil {
		err = h.s.do(ctx, call{path: pathGuideGet, idempotent: true}, req, g)
	}
	if err != nil {
		return nil, connectError(err)
	}
	return &guidev1.GetGuideResponse{Guide: g}, nil
}

// UpdateGuide implements GuideService.UpdateGuide.
func (h *GuideHandler) UpdateGuide(ctx context.Context, req *guidev1.UpdateGuideRequest) (*guidev1.UpdateGuideResponse, error) {
	err := checkGuide("", req.GetGuideAccount(), req.GetGuideOpenid(), false)
	if err == nil && req.GetGuideNickname() == "" && req.GetGuideHeadimgurl() == "" {
		err = argf("guide_nickname", "one of guide_nickname and guide_headimgurl is required")
	}
	if err == nil {
		err = checkProfile(req.GetGuideNickname(), req.GetGuideHeadimgurl())
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathGuideUpdate, idempotent: true}, req, nil)
	}
	return result(&guidev1.UpdateGuideResponse{}, err)
}

// DeleteGuide implements GuideService.DeleteGuide.
func (h *GuideHandler) DeleteGuide(ctx context.Context, req *guidev1.DeleteGuideRequest) (*guidev1.DeleteGuideResponse, error) {
	err := checkGuide("", req.GetGuideAccount(), req.GetGuideOpenid(), false)
	if err == nil {
		err = h.s.do(ctx, call{path: pathGuideDel}, req, nil)
	}
	return result(&guidev1.DeleteGuideResponse{}, err)
}

// ListGuides implements GuideService.ListGuides.
func (h *GuideHandler) ListGuides(ctx context.Context, req *guidev1.ListGuidesRequest) (*guidev1.ListGuidesResponse, error) {
	out := &guidev1.ListGuidesResponse{}
	err := checkPaging("page", req.GetPage(), req.GetNum())
	if err == nil {
		err = h.s.do(ctx, call{path: pathGuideList, idempotent: true, keep: []string{"page"}}, req, out)
	}
	return result(out, err)
}

// CreateGuideQRCode implements GuideService.CreateGuideQRCode.
func (h *GuideHandler) CreateGuideQRCode(ctx context.Context, req *guidev1.CreateGuideQRCodeRequest) (*guidev1.CreateGuideQRCodeResponse, error) {
	out := &guidev1.CreateGuideQRCodeResponse{}
	err := checkGuide("", req.GetGuideAccount(), req.GetGuideOpenid(), false)
	if err == nil {
		err = h.s.do(ctx, call{path: pathGuideQRCode}, req, out)
	}
	return result(out, err)
}

// checkReply checks a welcome message in field.
func checkReply(field string, r *guidev1.GuideAutoReply, isDelete bool) error {
	if r == nil || isDelete {
		return nil
	}
	if err := checkText(field+".content", r.GetContent()); err != nil {
		return err
	}
	if t := r.GetMsgtype(); t < 1 || t > 3 {
		return argf(field+".msgtype", "must be 1 (text), 2 (image) or 3 (mini program card), got %d", t)
	}
	return nil
}

// SetGuideConfig implements GuideService.SetGuideConfig.
func (h *GuideHandler) SetGuideConfig(ctx context.Context, req *guidev1.SetGuideConfigRequest) (*guidev1.SetGuideConfigResponse, error) {
	err := checkGuide("", req.GetGuideAccount(), req.GetGuideOpenid(), true)
	if err == nil && len(req.GetGuideFastReplyList()) == 0 && req.GetGuideAutoReply() == nil && req.GetGuideAutoReplyPlus() == nil {
		err = argf("guide_fast_reply_list", "one of guide_fast_reply_list, guide_auto_reply and guide_auto_reply_plus is required")
	}
	if err == nil && len(req.GetGuideFastReplyList()) > maxFastReplies {
		err = argf("guide_fast_reply_list", "must hold at most %d replies, got %d", maxFastReplies, len(req.GetGuideFastReplyList()))
	}
	for i, f := range req.GetGuideFastReplyList() {
		if err == nil {
			err = checkText(fieldIndex("guide_fast_reply_list", i)+".content", f.GetContent())
		}
	}
	if err == nil {
		err = checkReply("guide_auto_reply", req.GetGuideAutoReply(), req.GetIsDelete())
	}
	if err == nil {
		err = checkReply("guide_auto_reply_plus", req.GetGuideAutoReplyPlus(), req.GetIsDelete())
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathGuideSetConfig, keep: []string{"is_delete"}}, req, nil)
	}
	return result(&guidev1.SetGuideConfigResponse{}, err)
}

// GetGuideConfig implements GuideService.GetGuideConfig.
func (h *GuideHandler) GetGuideConfig(ctx context.Context, req *guidev1.GetGuideConfigRequest) (*guidev1.GetGuideConfigResponse, error) {
	out := &guidev1.GetGuideConfigResponse{}
	err := checkGuide("", req.GetGuideAccount(), req.GetGuideOpenid(), true)
	if err == nil {
		err = h.s.do(ctx, call{path: pathGuideGetConfig, idempotent: true}, req, out)
	}
	return result(out, err)
}

// SetGuideAccountConfig implements GuideService.SetGuideAccountConfig.
func (h *GuideHandler) SetGuideAccountConfig(ctx context.Context, req *guidev1.SetGuideAccountConfigRequest) (*guidev1.SetGuideAccountConfigResponse, error) {
	var err error
	if req.GetBlackKeyword() == nil && req.GetGuideAutoReply() == nil {
		err = argf("black_keyword", "one of black_keyword and guide_auto_reply is required")
	}
	for i, w := range req.GetBlackKeyword().GetValues() {
		if err == nil {
			err = checkText(fieldIndex("black_keyword.values", i), w)
		}
	}
	if err == nil && !req.GetIsDelete() && req.GetGuideAutoReply() != nil {
		err = checkText("guide_auto_reply.content", req.GetGuideAutoReply().GetContent())
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathGuideSetAcctConf, keep: []string{"is_delete"}}, req, nil)
	}
	return result(&guidev1.SetGuideAccountConfigResponse{}, err)
}

// GetGuideAccountConfig implements GuideService.GetGuideAccountConfig.
func (h *GuideHandler) GetGuideAccountConfig(ctx context.Context, req *guidev1.GetGuideAccountConfigRequest) (*guidev1.GetGuideAccountConfigResponse, error) {
	out := &guidev1.GetGuideAccountConfigResponse{}
	return result(out, h.s.do(ctx, call{path: pathGuideGetAcctConf, idempotent: true}, req, out))
}

// PushShowWxaPathMenu implements GuideService.PushShowWxaPathMenu.
func (h *GuideHandler) PushShowWxaPathMenu(ctx context.Context, req *guidev1.PushShowWxaPathMenuRequest) (*guidev1.PushShowWxaPathMenuResponse, error) {
	err := checkAppID("wxa_appid", req.GetWxaAppid())
	if err == nil {
		err = checkWeChatID("wx_username", req.GetWxUsername())
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathGuideWxaPathMenu, idempotent: true}, req, nil)
	}
	return result(&guidev1.PushShowWxaPathMenuResponse{}, err)
}

// result returns out, or the connect error of err.
func result[T any](out *T, err error) (*T, error) {
	if err != nil {
		return nil, connectError(err)
	}
	return out, nil
}
