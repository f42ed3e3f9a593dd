package smart

import (
	"context"

	smartv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/smart/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/smart/v1/smartv1connect"
)

// LanguageHandler implements LanguageService over Service.
type LanguageHandler struct {
	s *Service
}

var _ smartv1connect.LanguageServiceHandler = (*LanguageHandler)(nil)

// NewLanguageHandler returns the LanguageService implementation of s.
func NewLanguageHandler(s *Service) *LanguageHandler { return &LanguageHandler{s: s} }

// SemanticSearch implements LanguageService.SemanticSearch.
func (h *LanguageHandler) SemanticSearch(ctx context.Context, req *smartv1.SemanticSearchRequest) (*smartv1.SemanticSearchResponse, error) {
	out, err := h.s.SemanticSearch(ctx, req)
	return out, connectError(err)
}

// AddVoice implements LanguageService.AddVoice.
func (h *LanguageHandler) AddVoice(ctx context.Context, req *smartv1.AddVoiceRequest) (*smartv1.AddVoiceResponse, error) {
	out, err := h.s.AddVoice(ctx, req)
	return out, connectError(err)
}

// GetVoiceTranscript implements LanguageService.GetVoiceTranscript.
func (h *LanguageHandler) GetVoiceTranscript(ctx context.Context, req *smartv1.GetVoiceTranscriptRequest) (*smartv1.GetVoiceTranscriptResponse, error) {
	out, err := h.s.GetVoiceTranscript(ctx, req)
	return out, connectError(err)
}

// Translate implements LanguageService.Translate.
func (h *LanguageHandler) Translate(ctx context.Context, req *smartv1.TranslateRequest) (*smartv1.TranslateResponse, error) {
	out, err := h.s.Translate(ctx, req)
	return out, connectError(err)
}
