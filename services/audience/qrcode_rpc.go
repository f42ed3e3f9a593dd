package audience

import (
	"context"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/protobuf/types/known/timestamppb"

	audiencev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/audience/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/audience/v1/audiencev1connect"
)

// QRCodeHandler implements QRCodeService over Service.
type QRCodeHandler struct {
	s *Service
}

var _ audiencev1connect.QRCodeServiceHandler = (*QRCodeHandler)(nil)

// NewQRCodeHandler returns the QRCodeService implementation of s.
func NewQRCodeHandler(s *Service) *QRCodeHandler { return &QRCodeHandler{s: s} }

// CreateQRCode implements QRCodeService.CreateQRCode.
func (h *QRCodeHandler) CreateQRCode(ctx context.Context, req *audiencev1.CreateQRCodeRequest) (*audiencev1.CreateQRCodeResponse, error) {
	q, err := h.s.CreateQRCode(ctx, req.GetAppId(), QRCodeSpec{Permanent: req.GetPermanent(), SceneID: req.GetSceneId(),
		SceneStr: req.GetSceneStr(), ExpireSeconds: req.GetExpireSeconds()})
	if err != nil {
		return nil, connectError(err)
	}
	out := &audiencev1.CreateQRCodeResponse{Ticket: q.Ticket, Url: q.URL, ExpireSeconds: q.ExpireSeconds, ImageUrl: q.ImageURL}
	if !q.ExpireTime.IsZero() {
		out.ExpireTime = timestamppb.New(q.ExpireTime)
	}
	return out, nil
}

// GetQRCodeImage implements QRCodeService.GetQRCodeImage.
func (h *QRCodeHandler) GetQRCodeImage(ctx context.Context, req *audiencev1.GetQRCodeImageRequest) (*httpbody.HttpBody, error) {
	img, err := h.s.GetQRCodeImage(ctx, req.GetAppId(), req.GetTicket())
	if err != nil {
		return nil, connectError(err)
	}
	return &httpbody.HttpBody{ContentType: img.ContentType, Data: img.Data}, nil
}

// ShortKeyHandler implements ShortKeyService over Service.
type ShortKeyHandler struct {
	s *Service
}

var _ audiencev1connect.ShortKeyServiceHandler = (*ShortKeyHandler)(nil)

// NewShortKeyHandler returns the ShortKeyService implementation of s.
func NewShortKeyHandler(s *Service) *ShortKeyHandler { return &ShortKeyHandler{s: s} }

// GenerateShortKey implements ShortKeyService.GenerateShortKey.
func (h *ShortKeyHandler) GenerateShortKey(ctx context.Context, req *audiencev1.GenerateShortKeyRequest) (*audiencev1.GenerateShortKeyResponse, error) {
	key, err := h.s.GenerateShortKey(ctx, req.GetAppId(), req.GetLongData(), req.GetExpireSeconds())
	if err != nil {
		return nil, connectError(err)
	}
	return &audiencev1.GenerateShortKeyResponse{ShortKey: key}, nil
}

// FetchShortKey implements ShortKeyService.FetchShortKey.
func (h *ShortKeyHandler) FetchShortKey(ctx context.Context, req *audiencev1.FetchShortKeyRequest) (*audiencev1.FetchShortKeyResponse, error) {
	d, err := h.s.FetchShortKey(ctx, req.GetAppId(), req.GetShortKey())
	if err != nil {
		return nil, connectError(err)
	}
	return &audiencev1.FetchShortKeyResponse{LongData: d.LongData, CreateTime: timestamppb.New(timeUnix(d.CreateTime)),
		ExpireSeconds: d.ExpireSeconds}, nil
}
