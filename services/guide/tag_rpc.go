package guide

import (
	"context"

	guidev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/guide/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/guide/v1/guidev1connect"
)

// WeChat paths of GuideTagService.
const (
	pathTagNew        = "/cgi-bin/guide/newguidetagoption"
	pathTagDel        = "/cgi-bin/guide/delguidetagoption"
	pathTagAddValues  = "/cgi-bin/guide/addguidetagoption"
	pathTagGet        = "/cgi-bin/guide/getguidetagoption"
	pathBuyerTagAdd   = "/cgi-bin/guide/addguidebuyertag"
	pathBuyerTagGet   = "/cgi-bin/guide/getguidebuyertag"
	pathBuyerTagQuery = "/cgi-bin/guide/queryguidebuyerbytag"
	pathBuyerTagDel   = "/cgi-bin/guide/delguidebuyertag"
	pathDisplayTagAdd = "/cgi-bin/guide/addguidebuyerdisplaytag"
	pathDisplayTagGet = "/cgi-bin/guide/getguidebuyerdisplaytag"
)

// TagHandler implements GuideTagService over Service.
type TagHandler struct {
	s *Service
}

var _ guidev1connect.GuideTagServiceHandler = (*TagHandler)(nil)

// NewTagHandler returns the GuideTagService implementation of s.
func NewTagHandler(s *Service) *TagHandler { return &TagHandler{s: s} }

// checkTagValues checks 1 to 50 distinct, non-blank values.
func checkTagValues(values []string) error {
	switch {
	case len(values) == 0:
		return argf("tag_values", "must hold at least one value")
	case len(values) > maxTagOptions:
		return argf("tag_values", "must hold at most %d values, got %d", maxTagOptions, len(values))
	}
	seen := make(map[string]bool, len(values))
	for i, v := range values {
		if err := checkText(fieldIndex("tag_values", i), v); err != nil {
			return err
		}
		if seen[v] {
			return argf(fieldIndex("tag_values", i), "repeats %q", clip(v))
		}
		seen[v] = true
	}
	return nil
}

// CreateTagOption implements GuideTagService.CreateTagOption.
func (h *TagHandler) CreateTagOption(ctx context.Context, req *guidev1.CreateTagOptionRequest) (*guidev1.CreateTagOptionResponse, error) {
	err := checkText("tag_name", req.GetTagName())
	if err == nil {
		err = checkTagValues(req.GetTagValues())
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathTagNew}, req, nil)
	}
	return result(&guidev1.CreateTagOptionResponse{}, err)
}

// DeleteTagOption implements GuideTagService.DeleteTagOption.
func (h *TagHandler) DeleteTagOption(ctx context.Context, req *guidev1.DeleteTagOptionRequest) (*guidev1.DeleteTagOptionResponse, error) {
	err := checkText("tag_name", req.GetTagName())
	if err == nil {
		err = h.s.do(ctx, call{path: pathTagDel}, req, nil)
	}
	return result(&guidev1.DeleteTagOptionResponse{}, err)
}

// AddTagValues implements GuideTagService.AddTagValues.
func (h *TagHandler) AddTagValues(ctx context.Context, req *guidev1.AddTagValuesRequest) (*guidev1.AddTagValuesResponse, error) {
	err := checkText("tag_name", req.GetTagName())
	if err == nil {
		err = checkTagValues(req.GetTagValues())
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathTagAddValues}, req, nil)
	}
	return result(&guidev1.AddTagValuesResponse{}, err)
}

// ListTagOptions implements GuideTagService.ListTagOptions.
func (h *TagHandler) ListTagOptions(ctx context.Context, req *guidev1.ListTagOptionsRequest) (*guidev1.ListTagOptionsResponse, error) {
	out := &guidev1.ListTagOptionsResponse{}
	return result(out, h.s.do(ctx, call{path: pathTagGet, idempotent: true}, req, out))
}

// TagBuyers implements GuideTagService.TagBuyers.
func (h *TagHandler) TagBuyers(ctx context.Context, req *guidev1.TagBuyersRequest) (*guidev1.TagBuyersResponse, error) {
	out := &guidev1.TagBuyersResponse{}
	err := checkGuide("", req.GetGuideAccount(), req.GetGuideOpenid(), false)
	if err == nil {
		err = checkText("tag_value", req.GetTagValue())
	}
	if err == nil {
		err = checkTargets(req.GetOpenid(), req.GetOpenidList(), "openid_list")
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathBuyerTagAdd, idempotent: true}, req, out)
	}
	return result(out, err)
}

// GetBuyerTags implements GuideTagService.GetBuyerTags.
func (h *TagHandler) GetBuyerTags(ctx context.Context, req *guidev1.GetBuyerTagsRequest) (*guidev1.GetBuyerTagsResponse, error) {
	out := &guidev1.GetBuyerTagsResponse{}
	err := checkGuide("", req.GetGuideAccount(), req.GetGuideOpenid(), false)
	if err == nil {
		err = checkOpenID("openid", req.GetOpenid())
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathBuyerTagGet, idempotent: true}, req, out)
	}
	return result(out, err)
}

// QueryBuyersByTag implements GuideTagService.QueryBuyersByTag.
func (h *TagHandler) QueryBuyersByTag(ctx context.Context, req *guidev1.QueryBuyersByTagRequest) (*guidev1.QueryBuyersByTagResponse, error) {
	out := &guidev1.QueryBuyersByTagResponse{}
	err := checkGuide("", req.GetGuideAccount(), req.GetGuideOpenid(), false)
	if err == nil && req.GetPushCount() < 0 {
		err = argf("push_count", "must not be negative")
	}
	for i, v := range req.GetTagValues() {
		if err == nil {
			err = checkText(fieldIndex("tag_values", i), v)
		}
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathBuyerTagQuery, idempotent: true}, req, out)
	}
	return result(out, err)
}

// UntagBuyers implements GuideTagService.UntagBuyers.
func (h *TagHandler) UntagBuyers(ctx context.Context, req *guidev1.UntagBuyersRequest) (*guidev1.UntagBuyersResponse, error) {
	out := &guidev1.UntagBuyersResponse{}
	err := checkGuide("", req.GetGuideAccount(), req.GetGuideOpenid(), false)
	if err == nil {
		err = checkText("tag_value", req.GetTagValue())
	}
	if err == nil {
		err = checkTargets(req.GetOpenid(), req.GetOpenidList(), "openid_list")
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathBuyerTagDel, idempotent: true}, req, out)
	}
	return result(out, err)
}

// SetBuyerDisplayTags implements GuideTagService.SetBuyerDisplayTags.
func (h *TagHandler) SetBuyerDisplayTags(ctx context.Context, req *guidev1.SetBuyerDisplayTagsRequest) (*guidev1.SetBuyerDisplayTagsResponse, error) {
	err := checkGuide("", req.GetGuideAccount(), req.GetGuideOpenid(), false)
	if err == nil {
		err = checkOpenID("openid", req.GetOpenid())
	}
	for i, t := range req.GetDisplayTagList() {
		if err == nil {
			err = checkText(fieldIndex("display_tag_list", i), t)
		}
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathDisplayTagAdd, idempotent: true, keep: []string{"display_tag_list"}}, req, nil)
	}
	return result(&guidev1.SetBuyerDisplayTagsResponse{}, err)
}

// GetBuyerDisplayTags implements GuideTagService.GetBuyerDisplayTags.
func (h *TagHandler) GetBuyerDisplayTags(ctx context.Context, req *guidev1.GetBuyerDisplayTagsRequest) (*guidev1.GetBuyerDisplayTagsResponse, error) {
	out := &guidev1.GetBuyerDisplayTagsResponse{}
	err := checkGuide("", req.GetGuideAccount(), req.GetGuideOpenid(), false)
	if err == nil {
		err = checkOpenID("openid", req.GetOpenid())
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathDisplayTagGet, idempotent: true}, req, out)
	}
	return result(out, err)
}
