package guide

import (
	"context"

	guidev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/guide/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/guide/v1/guidev1connect"
)

// WeChat paths of GuideMaterialService.
const (
	pathCardSet  = "/cgi-bin/guide/setguidecardmaterial"
	pathCardGet  = "/cgi-bin/guide/getguidecardmaterial"
	pathCardDel  = "/cgi-bin/guide/delguidecardmaterial"
	pathImageSet = "/cgi-bin/guide/setguideimagematerial"
	pathImageGet = "/cgi-bin/guide/getguideimagematerial"
	pathImageDel = "/cgi-bin/guide/delguideimagematerial"
	pathWordSet  = "/cgi-bin/guide/setguidewordmaterial"
	pathWordGet  = "/cgi-bin/guide/getguidewordmaterial"
	pathWordDel  = "/cgi-bin/guide/delguidewordmaterial"
)

// MaterialHandler implements GuideMaterialService over Service.
type MaterialHandler struct {
	s *Service
}

var _ guidev1connect.GuideMaterialServiceHandler = (*MaterialHandler)(nil)

// NewMaterialHandler returns the GuideMaterialService implementation of s.
func NewMaterialHandler(s *Service) *MaterialHandler { return &MaterialHandler{s: s} }

// typeCall is a material call: type is always sent (the platform requires 0).
func typeCall(path string, idempotent bool, keep ...string) call {
	return call{path: path, idempotent: idempotent, keep: append([]string{"type"}, keep...)}
}

// checkCard checks the title, path and appid of a card.
func checkCard(title, path, appID string) error {
	if err := checkText("title", title); err != nil {
		return err
	}
	if err := checkText("path", path); err != nil {
		return err
	}
	return checkAppID("appid", appID)
}

// AddCardMaterial implements GuideMaterialService.AddCardMaterial.
func (h *MaterialHandler) AddCardMaterial(ctx context.Context, req *guidev1.AddCardMaterialRequest) (*guidev1.AddCardMaterialResponse, error) {
	err := checkMaterialType(req.GetType())
	if err == nil {
		err = checkText("media_id", req.GetMediaId())
	}
	if err == nil {
		err = checkCard(req.GetTitle(), req.GetPath(), req.GetAppid())
	}
	if err == nil {
		err = h.s.do(ctx, typeCall(pathCardSet, false), req, nil)
	}
	return result(&guidev1.AddCardMaterialResponse{}, err)
}

// ListCardMaterials implements GuideMaterialService.ListCardMaterials.
func (h *MaterialHandler) ListCardMaterials(ctx context.Context, req *guidev1.ListCardMaterialsRequest) (*guidev1.ListCardMaterialsResponse, error) {
	out := &guidev1.ListCardMaterialsResponse{}
	err := checkMaterialType(req.GetType())
	if err == nil {
		err = h.s.do(ctx, typeCall(pathCardGet, true), req, out)
	}
	return result(out, err)
}

// DeleteCardMaterial implements GuideMaterialService.DeleteCardMaterial.
func (h *MaterialHandler) DeleteCardMaterial(ctx context.Context, req *guidev1.DeleteCardMaterialRequest) (*guidev1.DeleteCardMaterialResponse, error) {
	err := checkMaterialType(req.GetType())
	if err == nil {
		err = checkCard(req.GetTitle(), req.GetPath(), req.GetAppid())
	}
	if err == nil {
		err = h.s.do(ctx, typeCall(pathCardDel, false), req, nil)
	}
	return result(&guidev1.DeleteCardMaterialResponse{}, err)
}

// AddImageMaterial implements GuideMaterialService.AddImageMaterial.
func (h *MaterialHandler) AddImageMaterial(ctx context.Context, req *guidev1.AddImageMaterialRequest) (*guidev1.AddImageMaterialResponse, error) {
	err := checkMaterialType(req.GetType())
	if err == nil {
		err = checkText("media_id", req.GetMediaId())
	}
	if err == nil {
		err = h.s.do(ctx, typeCall(pathImageSet, false), req, nil)
	}
	return result(&guidev1.AddImageMaterialResponse{}, err)
}

// ListImageMaterials implements GuideMaterialService.ListImageMaterials.
func (h *MaterialHandler) ListImageMaterials(ctx context.Context, req *guidev1.ListImageMaterialsRequest) (*guidev1.ListImageMaterialsResponse, error) {
	out := &guidev1.ListImageMaterialsResponse{}
	err := checkMaterialType(req.GetType())
	if err == nil {
		err = checkPaging("start", req.GetStart(), req.GetNum())
	}
	if err == nil {
		err = h.s.do(ctx, typeCall(pathImageGet, true, "start"), req, out)
	}
	return result(out, err)
}

// DeleteImageMaterial implements GuideMaterialService.DeleteImageMaterial.
func (h *MaterialHandler) DeleteImageMaterial(ctx context.Context, req *guidev1.DeleteImageMaterialRequest) (*guidev1.DeleteImageMaterialResponse, error) {
	err := checkMaterialType(req.GetType())
	if err == nil {
		err = checkText("picurl", req.GetPicurl())
	}
	if err == nil {
		err = h.s.do(ctx, typeCall(pathImageDel, false), req, nil)
	}
	return result(&guidev1.DeleteImageMaterialResponse{}, err)
}

// AddWordMaterial implements GuideMaterialService.AddWordMaterial.
func (h *MaterialHandler) AddWordMaterial(ctx context.Context, req *guidev1.AddWordMaterialRequest) (*guidev1.AddWordMaterialResponse, error) {
	err := checkMaterialType(req.GetType())
	if err == nil {
		err = checkText("word", req.GetWord())
	}
	if err == nil {
		err = h.s.do(ctx, typeCall(pathWordSet, false), req, nil)
	}
	return result(&guidev1.AddWordMaterialResponse{}, err)
}

// ListWordMaterials implements GuideMaterialService.ListWordMaterials.
func (h *MaterialHandler) ListWordMaterials(ctx context.Context, req *guidev1.ListWordMaterialsRequest) (*guidev1.ListWordMaterialsResponse, error) {
	out := &guidev1.ListWordMaterialsResponse{}
	err := checkMaterialType(req.GetType())
	if err == nil {
		err = checkPaging("start", req.GetStart(), req.GetNum())
	}
	if err == nil {
		err = h.s.do(ctx, typeCall(pathWordGet, true, "start"), req, out)
	}
	return result(out, err)
}

// DeleteWordMaterial implements GuideMaterialService.DeleteWordMaterial.
func (h *MaterialHandler) DeleteWordMaterial(ctx context.Context, req *guidev1.DeleteWordMaterialRequest) (*guidev1.DeleteWordMaterialResponse, error) {
	err := checkMaterialType(req.GetType())
	if err == nil {
		err = checkText("word", req.GetWord())
	}
	if err == nil {
		err = h.s.do(ctx, typeCall(pathWordDel, false), req, nil)
	}
	return result(&guidev1.DeleteWordMaterialResponse{}, err)
}
