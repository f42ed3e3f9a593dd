package content

import (
	"bytes"
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	contentv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/content/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/content/v1/contentv1connect"
)

// MediaHandler serves wxsuite.content.v1.MediaService on top of a Service.
type MediaHandler struct {
	svc *Service
}

var _ contentv1connect.MediaServiceHandler = (*MediaHandler)(nil)

// NewMediaHandler returns the MediaService handler of svc.
func NewMediaHandler(svc *Service) *MediaHandler { return &MediaHandler{svc: svc} }

// kinds maps the proto media types to upload kinds.
var kinds = map[contentv1.MediaType]Kind{
	contentv1.MediaType_MEDIA_TYPE_IMAGE: KindImage,
	contentv1.MediaType_MEDIA_TYPE_VOICE: KindVoice,
	contentv1.MediaType_MEDIA_TYPE_VIDEO: KindVideo,
	contentv1.MediaType_MEDIA_TYPE_THUMB: KindThumb,
}

// protoKinds is kinds reversed.
var protoKinds = map[Kind]contentv1.MediaType{
	KindImage: contentv1.MediaType_MEDIA_TYPE_IMAGE,
	KindVoice: contentv1.MediaType_MEDIA_TYPE_VOICE,
	KindVideo: contentv1.MediaType_MEDIA_TYPE_VIDEO,
	KindThumb: contentv1.MediaType_MEDIA_TYPE_THUMB,
}

// bytesFile is the File of a request's bytes field.
func bytesFile(data []byte, name string) File {
	return File{Name: name, Body: bytes.NewReader(data), Size: int64(len(data)), Field: "data", NameField: "filename"}
}

// UploadMedia uploads temporary media.
func (h *MediaHandler) UploadMedia(ctx context.Context, req *contentv1.UploadMediaRequest) (*contentv1.UploadMediaResponse, error) {
	kind, ok := kinds[req.GetType()]
	if !ok {
		if err := h.svc.checkAccount(req.GetAppId()); err != nil {
			return nil, connectError(err)
		}
		return nil, connectError(&ArgumentError{Field: "type", Reason: "must be MEDIA_TYPE_IMAGE, _VOICE, _VIDEO or _THUMB"})
	}
	m, err := h.svc.UploadMedia(ctx, req.GetAppId(), kind, bytesFile(req.GetData(), req.GetFilename()))
	if err != nil {
		return nil, connectError(err)
	}
	return &contentv1.UploadMediaResponse{MediaId: m.MediaID, Type: protoKinds[m.Kind],
		CreatedAt: timestamppb.New(m.CreatedAt), ExpireTime: timestamppb.New(m.ExpireTime())}, nil
}

// GetMedia downloads temporary media.
func (h *MediaHandler) GetMedia(ctx context.Context, req *contentv1.GetMediaRequest) (*contentv1.GetMediaResponse, error) {
	m, err := h.svc.GetMedia(ctx, req.GetAppId(), req.GetMediaId())
	if err != nil {
		return nil, connectError(err)
	}
	return &contentv1.GetMediaResponse{ContentType: m.ContentType, Data: m.Data, VideoUrl: m.VideoURL}, nil
}

// UploadArticleImage uploads an article image.
func (h *MediaHandler) UploadArticleImage(ctx context.Context, req *contentv1.UploadArticleImageRequest) (*contentv1.UploadArticleImageResponse, error) {
	u, err := h.svc.UploadArticleImage(ctx, req.GetAppId(), bytesFile(req.GetData(), req.GetFilename()))
	if err != nil {
		return nil, connectError(err)
	}
	return &contentv1.UploadArticleImageResponse{Url: u}, nil
}
