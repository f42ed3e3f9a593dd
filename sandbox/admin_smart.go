package sandbox

// This file implements the smart-interface admin RPCs: recognition, transcription,
// translation and semantic fixtures.

import (
	"context"
	"encoding/json"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
)

// smartAdminJSON returns the bytes of an optional JSON field: nil when empty (the
// methods then remove the fixture), an InvalidArgument naming field when not JSON.
func smartAdminJSON(field, v string) ([]byte, error) {
	if v == "" {
		return nil, nil
	}
	if !json.Valid([]byte(v)) {
		return nil, invalid(field, "must be valid JSON")
	}
	return []byte(v), nil
}

// SetSmartImageResult registers what a recogniser finds in an image.
func (x *admin) SetSmartImageResult(_ context.Context, req *sandboxv1.SetSmartImageResultRequest) (*sandboxv1.SetSmartImageResultResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if req.GetKind() == "" {
		return nil, invalid("kind", "is required")
	}
	if (req.GetImgUrl() == "") == (len(req.GetImg()) == 0) {
		return nil, invalid("img_url", "exactly one of img_url and img is required")
	}
	result, err := smartAdminJSON("result_json", req.GetResultJson())
	if err != nil {
		return nil, err
	}
	if err := x.s.SetSmartImageResult(req.GetAppId(), req.GetKind(), req.GetImgUrl(), req.GetImg(), result); err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.SetSmartImageResultResponse{}, nil
}

// SetSmartVoiceTranscript registers the text recognised in a voice.
func (x *admin) SetSmartVoiceTranscript(_ context.Context, req *sandboxv1.SetSmartVoiceTranscriptRequest) (*sandboxv1.SetSmartVoiceTranscriptResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if len(req.GetVoice()) == 0 {
		return nil, invalid("voice", "is required")
	}
	if err := x.s.SetSmartVoiceTranscript(req.GetAppId(), req.GetVoice(), req.GetLang(), req.GetText()); err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.SetSmartVoiceTranscriptResponse{}, nil
}

// SetSmartTranslation registers a translation.
func (x *admin) SetSmartTranslation(_ context.Context, req *sandboxv1.SetSmartTranslationRequest) (*sandboxv1.SetSmartTranslationResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if req.GetText() == "" {
		return nil, invalid("text", "is required")
	}
	if err := x.s.SetSmartTranslation(req.GetAppId(), req.GetLfrom(), req.GetLto(), req.GetText(), req.GetTranslation()); err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.SetSmartTranslationResponse{}, nil
}

// SetSmartSemanticAnswer registers the semantic service's answer to a query.
func (x *admin) SetSmartSemanticAnswer(_ context.Context, req *sandboxv1.SetSmartSemanticAnswerRequest) (*sandboxv1.SetSmartSemanticAnswerResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if req.GetQuery() == "" {
		return nil, invalid("query", "is required")
	}
	answer, err := smartAdminJSON("answer_json", req.GetAnswerJson())
	if err != nil {
		return nil, err
	}
	if err := x.s.SetSmartSemanticAnswer(req.GetAppId(), req.GetQuery(), answer); err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.SetSmartSemanticAnswerResponse{}, nil
}
