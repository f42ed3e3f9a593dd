package content

import (
	"context"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

	contentv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/content/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/content/v1/contentv1connect"
)

// MaterialHandler serves wxsuite.content.v1.MaterialService on top of a Service.
type MaterialHandler struct {
	svc *Service
}

var _ contentv1connect.MaterialServiceHandler = (*MaterialHandler)(nil)

// NewMaterialHandler returns the MaterialService handler of svc.
func NewMaterialHandler(svc *Service) *MaterialHandler { return &MaterialHandler{svc: svc} }

// materialKinds maps the proto material types.
var materialKinds = map[contentv1.MaterialType]MaterialKind{
	contentv1.MaterialType_MATERIAL_TYPE_IMAGE: MaterialImage,
	contentv1.MaterialType_MATERIAL_TYPE_VOICE: MaterialVoice,
	contentv1.MaterialType_MATERIAL_TYPE_VIDEO: MaterialVideo,
	contentv1.MaterialType_MATERIAL_TYPE_NEWS:  MaterialNews,
}

func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

func fromProtoArticle(a *contentv1.Article) Article {
	return Article{
		Title: a.GetTitle(), ThumbMediaID: a.GetThumbMediaId(), Author: a.GetAuthor(), Digest: a.GetDigest(),
		ShowCoverPic: flag(a.GetShowCoverPic()), Content: a.GetContent(), ContentSourceURL: a.GetContentSourceUrl(),
		NeedOpenComment: flag(a.GetNeedOpenComment()), OnlyFansCanComment: flag(a.GetOnlyFansCanComment()),
	}
}

func toProtoNews(n *News) *contentv1.News {
	if n == nil {
		return nil
	}
	out := &contentv1.News{CreateTime: timestamppb.New(updateTime(n.CreateTime)), UpdateTime: timestamppb.New(updateTime(n.UpdateTime))}
	for _, a := range n.Articles {
		out.Articles = append(out.Articles, &contentv1.Article{
			Title: a.Title, ThumbMediaId: a.ThumbMediaID, Author: a.Author, Digest: a.Digest, ShowCoverPic: a.ShowCoverPic == 1,
			Content: a.Content, ContentSourceUrl: a.ContentSourceURL, NeedOpenComment: a.NeedOpenComment == 1,
			OnlyFansCanComment: a.OnlyFansCanComment == 1, Url: a.URL, ThumbUrl: a.ThumbURL,
		})
	}
	return out
}

func toProtoItems(items []MaterialItem) []*contentv1.MaterialItem {
	out := make([]*contentv1.MaterialItem, len(items))
	for i, it := range items {
		out[i] = &contentv1.MaterialItem{MediaId: it.MediaID, Name: it.Name, Url: it.URL,
			UpdateTime: timestamppb.New(updateTime(it.UpdateTime)), News: toProtoNews(it.News)}
	}
	return out
}

// AddMaterial adds permanent material.
func (h *MaterialHandler) AddMaterial(ctx context.Context, req *contentv1.AddMaterialRequest) (*contentv1.AddMaterialResponse, error) {
	kind, ok := kinds[req.GetType()]
	if !ok {
		if err := h.svc.checkAccount(req.GetAppId()); err != nil {
			return nil, connectError(err)
		}
		return nil, connectError(&ArgumentError{Field: "type", Reason: "must be MEDIA_TYPE_IMAGE, _VOICE, _VIDEO or _THUMB"})
	}
	m, err := h.svc.AddMaterial(ctx, req.GetAppId(), kind, bytesFile(req.GetData(), req.GetFilename()),
		Video{Title: req.GetTitle(), Introduction: req.GetIntroduction()})
	if err != nil {
		return nil, connectError(err)
	}
	return &contentv1.AddMaterialResponse{MediaId: m.MediaID, Url: m.URL}, nil
}

// AddNews adds news.
func (h *MaterialHandler) AddNews(ctx context.Context, req *contentv1.AddNewsRequest) (*contentv1.AddNewsResponse, error) {
	articles := make([]Article, len(req.GetArticles()))
	for i, a := range req.GetArticles() {
		articles[i] = fromProtoArticle(a)
	}
	id, err := h.svc.AddNews(ctx, req.GetAppId(), articles)
	if err != nil {
		return nil, connectError(err)
	}
	return &contentv1.AddNewsResponse{MediaId: id}, nil
}

// GetMaterial reads a material.
func (h *MaterialHandler) GetMaterial(ctx context.Context, req *contentv1.GetMaterialRequest) (*contentv1.GetMaterialResponse, error) {
	m, err := h.svc.GetMaterial(ctx, req.GetAppId(), req.GetMediaId())
	if err != nil {
		return nil, connectError(err)
	}
	switch {
	case m.News != nil:
		return &contentv1.GetMaterialResponse{Material: &contentv1.GetMaterialResponse_News{News: toProtoNews(m.News)}}, nil
	case m.Video != nil:
		return &contentv1.GetMaterialResponse{Material: &contentv1.GetMaterialResponse_Video{Video: &contentv1.VideoMaterial{
			Title: m.Video.Title, Description: m.Video.Introduction, DownUrl: m.DownURL}}}, nil
	}
	return &contentv1.GetMaterialResponse{Material: &contentv1.GetMaterialResponse_File{File: &contentv1.MaterialFile{
		ContentType: m.ContentType, Data: m.Data}}}, nil
}

// DeleteMaterial deletes a material.
func (h *MaterialHandler) DeleteMaterial(ctx context.Context, req *contentv1.DeleteMaterialRequest) (*contentv1.DeleteMaterialResponse, error) {
	if err := h.svc.DeleteMaterial(ctx, req.GetAppId(), req.GetMediaId()); err != nil {
		return nil, connectError(err)
	}
	return &contentv1.DeleteMaterialResponse{}, nil
}

// UpdateNewsArticle replaces one article.
func (h *MaterialHandler) UpdateNewsArticle(ctx context.Context, req *contentv1.UpdateNewsArticleRequest) (*contentv1.UpdateNewsArticleResponse, error) {
	if req.GetArticle() == nil {
		if err := h.svc.checkAccount(req.GetAppId()); err != nil {
			return nil, connectError(err)
		}
		return nil, connectError(&ArgumentError{Field: "article", Reason: "is required"})
	}
	if err := h.svc.UpdateNewsArticle(ctx, req.GetAppId(), req.GetMediaId(), int(min(req.GetIndex(), MaxArticles)), fromProtoArticle(req.GetArticle())); err != nil {
		return nil, connectError(err)
	}
	return &contentv1.UpdateNewsArticleResponse{}, nil
}

// GetMaterialCount counts the library.
func (h *MaterialHandler) GetMaterialCount(ctx context.Context, req *contentv1.GetMaterialCountRequest) (*contentv1.GetMaterialCountResponse, error) {
	c, err := h.svc.GetMaterialCount(ctx, req.GetAppId())
	if err != nil {
		return nil, connectError(err)
	}
	return &contentv1.GetMaterialCountResponse{VoiceCount: c.Voice, VideoCount: c.Video, ImageCount: c.Image, NewsCount: c.News}, nil
}

// ListMaterials lists one page.
func (h *MaterialHandler) ListMaterials(ctx context.Context, req *contentv1.ListMaterialsRequest) (*contentv1.ListMaterialsResponse, error) {
	p, err := h.svc.ListMaterials(ctx, req.GetAppId(), materialKinds[req.GetType()], int(req.GetOffset()), int(req.GetCount()))
	if err != nil {
		return nil, connectError(err)
	}
	return &contentv1.ListMaterialsResponse{TotalCount: int32(p.TotalCount), Items: toProtoItems(p.Items)}, nil
}

// StreamMaterials streams every material of one type.
func (h *MaterialHandler) StreamMaterials(ctx context.Context, req *contentv1.StreamMaterialsRequest, stream *connect.ServerStream[contentv1.StreamMaterialsResponse]) error {
	err := h.svc.StreamMaterials(ctx, req.GetAppId(), materialKinds[req.GetType()], int(req.GetPageSize()),
		func(items []MaterialItem, total, delivered int) error {
			return stream.Send(&contentv1.StreamMaterialsResponse{Items: toProtoItems(items), TotalCount: int32(total), Delivered: int32(delivered)})
		})
	return connectError(err)
}
