package smart

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/types/known/structpb"

	smartv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/smart/v1"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// API paths of the language calls.
const (
	pathSemantic   = "/semantic/semproxy/search"
	pathAddVoice   = "/cgi-bin/media/voice/addvoicetorecofortext"
	pathQueryVoice = "/cgi-bin/media/voice/queryrecoresultfortext"
	pathTranslate  = "/cgi-bin/media/voice/translatecontent"
)

// Limits of the language calls.
const (
	// MaxVoiceBytes bounds an uploaded voice ("最大1M").
	MaxVoiceBytes = 1 << 20
	// MaxTranslateBytes bounds a text to translate ("utf8格式，最大600Byte").
	MaxTranslateBytes = 600
	// MaxQueryBytes bounds a semantic query (wxsuite's bound; the platform gives none).
	MaxQueryBytes = 1024
	// maxVoiceIDLen bounds a voice_id (wxsuite's bound; the platform gives none).
	maxVoiceIDLen = 128
	// maxUIDLen bounds a semantic uid (openids are 28 characters).
	maxUIDLen = 64
	// maxPlaceLen bounds city and region.
	maxPlaceLen = 64
)

// categoryPattern is one semantic category name (flight, hotel, restaurant, …).
var categoryPattern = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// langCode returns the platform's code of lang; unspecified is Chinese.
func langCode(field string, lang smartv1.Language) (string, error) {
	switch lang {
	case smartv1.Language_LANGUAGE_UNSPECIFIED, smartv1.Language_LANGUAGE_ZH_CN:
		return "zh_CN", nil
	case smartv1.Language_LANGUAGE_EN_US:
		return "en_US", nil
	}
	return "", &ArgumentError{Field: field, Reason: fmt.Sprintf("unknown language %d", lang)}
}

// semanticBody is the body of semantic/semproxy/search.
type semanticBody struct {
	Query     string   `json:"query"`
	Category  string   `json:"category"`
	City      string   `json:"city,omitempty"`
	Region    string   `json:"region,omitempty"`
	Latitude  *float64 `json:"latitude,omitempty"`
	Longitude *float64 `json:"longitude,omitempty"`
	AppID     string   `json:"appid"`
	UID       string   `json:"uid,omitempty"`
}

// semanticAnswer is the answer of semantic/semproxy/search.
type semanticAnswer struct {
	Query    string `json:"query"`
	Type     string `json:"type"`
	Semantic struct {
		Details map[string]any `json:"details"`
		Intent  string         `json:"intent"`
	} `json:"semantic"`
	Result json.RawMessage `json:"result"`
	Answer string          `json:"answer"`
	Text   string          `json:"text"`
}

// checkSemantic validates a semantic search.
func checkSemantic(req *smartv1.SemanticSearchRequest) error {
	switch q := req.GetQuery(); {
	case strings.TrimSpace(q) == "":
		return &ArgumentError{Field: "query", Reason: "is required"}
	case len(q) > MaxQueryBytes || !utf8.ValidString(q):
		return &ArgumentError{Field: "query", Reason: fmt.Sprintf("must be at most %d bytes of UTF-8, got %d", MaxQueryBytes, len(q))}
	}
	if len(req.GetCategories()) == 0 {
		return &ArgumentError{Field: "categories", Reason: "must name at least one category"}
	}
	for i, c := range req.GetCategories() {
		if !categoryPattern.MatchString(c) {
			return &ArgumentError{Field: fmt.Sprintf("categories[%d]", i), Reason: fmt.Sprintf("must be 1 to 32 characters of [a-z0-9_], got %q", clip(c))}
		}
	}
	for _, f := range []struct{ name, v string }{{"city", req.GetCity()}, {"region", req.GetRegion()}} {
		if utf8.RuneCountInString(f.v) > maxPlaceLen || !utf8.ValidString(f.v) {
			return &ArgumentError{Field: f.name, Reason: fmt.Sprintf("must be at most %d characters", maxPlaceLen)}
		}
	}
	if req.Latitude != nil || req.Longitude != nil {
		switch {
		case req.Latitude == nil:
			return &ArgumentError{Field: "latitude", Reason: "is required with longitude"}
		case req.Longitude == nil:
			return &ArgumentError{Field: "longitude", Reason: "is required with latitude"}
		case math.IsNaN(req.GetLatitude()) || req.GetLatitude() < -90 || req.GetLatitude() > 90:
			return &ArgumentError{Field: "latitude", Reason: fmt.Sprintf("must be in [-90, 90], got %v", req.GetLatitude())}
		case math.IsNaN(req.GetLongitude()) || req.GetLongitude() < -180 || req.GetLongitude() > 180:
			return &ArgumentError{Field: "longitude", Reason: fmt.Sprintf("must be in [-180, 180], got %v", req.GetLongitude())}
		}
	}
	if len(req.GetUid()) > maxUIDLen || !printableASCII(req.GetUid()) {
		return &ArgumentError{Field: "uid", Reason: fmt.Sprintf("must be at most %d printable ASCII characters", maxUIDLen)}
	}
	return nil
}

// SemanticSearch sends req to the semantic understanding service.
func (s *Service) SemanticSearch(ctx context.Context, req *smartv1.SemanticSearchRequest) (*smartv1.SemanticSearchResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := checkSemantic(req); err != nil {
		return nil, err
	}
	body := semanticBody{Query: req.GetQuery(), Category: strings.Join(req.GetCategories(), ","), City: req.GetCity(),
		Region: req.GetRegion(), Latitude: req.Latitude, Longitude: req.Longitude, AppID: req.GetAppId(), UID: req.GetUid()}
	var out semanticAnswer
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: "POST", Path: pathSemantic, Body: body, Idempotent: true}, &out); err != nil {
		return nil, err
	}
	resp := &smartv1.SemanticSearchResponse{Query: out.Query, Type: out.Type, Intent: out.Semantic.Intent, Answer: out.Answer, Text: out.Text}
	if out.Semantic.Details != nil {
		d, err := structpb.NewStruct(out.Semantic.Details)
		if err != nil {
			return nil, fmt.Errorf("semantic details: %w", err)
		}
		resp.Details = d
	}
	if len(out.Result) > 0 && out.Result[0] == '{' {
		var m map[string]any
		if err := json.Unmarshal(out.Result, &m); err == nil {
			if r, err := structpb.NewStruct(m); err == nil {
				resp.Result = r
			}
		}
	}
	return resp, nil
}

// printableASCII reports whether s holds only printable ASCII without spaces.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// checkVoiceID validates a voice_id.
func checkVoiceID(id string) error {
	switch {
	case id == "":
		return &ArgumentError{Field: "voice_id", Reason: "is required"}
	case len(id) > maxVoiceIDLen || !printableASCII(id):
		return &ArgumentError{Field: "voice_id", Reason: fmt.Sprintf("must be 1 to %d printable ASCII characters without spaces, got %q", maxVoiceIDLen, clip(id))}
	}
	return nil
}

// isMP3 reports whether data starts like an mp3: an ID3 tag or an MPEG audio frame sync.
func isMP3(data []byte) bool {
	return bytes.HasPrefix(data, []byte("ID3")) || (len(data) >= 2 && data[0] == 0xFF && data[1]&0xE0 == 0xE0)
}

// AddVoice uploads a voice for recognition.
func (s *Service) AddVoice(ctx context.Context, req *smartv1.AddVoiceRequest) (*smartv1.AddVoiceResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := checkVoiceID(req.GetVoiceId()); err != nil {
		return nil, err
	}
	if f := req.GetFormat(); f != smartv1.VoiceFormat_VOICE_FORMAT_UNSPECIFIED && f != smartv1.VoiceFormat_VOICE_FORMAT_MP3 {
		return nil, &ArgumentError{Field: "format", Reason: fmt.Sprintf("unknown format %d; mp3 is the only one", f)}
	}
	lang, err := langCode("lang", req.GetLang())
	if err != nil {
		return nil, err
	}
	switch v := req.GetVoice(); {
	case len(v) == 0:
		return nil, &ArgumentError{Field: "voice", Reason: "is required"}
	case len(v) > MaxVoiceBytes:
		return nil, &ArgumentError{Field: "voice", Reason: fmt.Sprintf("must be at most %d bytes, got %d", MaxVoiceBytes, len(v))}
	case !isMP3(v):
		return nil, &ArgumentError{Field: "voice", Reason: "must be an mp3 (an ID3 tag or an MPEG audio frame first)"}
	}
	body, ctype, err := multipartFile("media", "voice.mp3", "audio/mpeg", req.GetVoice())
	if err != nil {
		return nil, err
	}
	q := url.Values{"format": {"mp3"}, "voice_id": {req.GetVoiceId()}, "lang": {lang}}
	// Not idempotent: a retry after the platform took the voice would be refused as a
	// used voice_id.
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: "POST", Path: pathAddVoice, Query: q,
		RawBody: body, ContentType: ctype}, nil); err != nil {
		return nil, err
	}
	return &smartv1.AddVoiceResponse{VoiceId: req.GetVoiceId()}, nil
}

// GetVoiceTranscript returns the recognised text of an uploaded voice.
func (s *Service) GetVoiceTranscript(ctx context.Context, req *smartv1.GetVoiceTranscriptRequest) (*smartv1.GetVoiceTranscriptResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := checkVoiceID(req.GetVoiceId()); err != nil {
		return nil, err
	}
	lang, err := langCode("lang", req.GetLang())
	if err != nil {
		return nil, err
	}
	var out struct {
		Result string `json:"result"`
		IsEnd  *bool  `json:"is_end"`
	}
	q := url.Values{"voice_id": {req.GetVoiceId()}, "lang": {lang}}
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: "POST", Path: pathQueryVoice, Query: q, Idempotent: true}, &out); err != nil {
		return nil, err
	}
	// Answers without is_end (the documented shape) carry the whole result.
	return &smartv1.GetVoiceTranscriptResponse{Result: out.Result, IsEnd: out.IsEnd == nil || *out.IsEnd}, nil
}

// Translate translates a text.
func (s *Service) Translate(ctx context.Context, req *smartv1.TranslateRequest) (*smartv1.TranslateResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if req.GetFrom() == smartv1.Language_LANGUAGE_UNSPECIFIED {
		return nil, &ArgumentError{Field: "from", Reason: "is required (LANGUAGE_ZH_CN or LANGUAGE_EN_US)"}
	}
	if req.GetTo() == smartv1.Language_LANGUAGE_UNSPECIFIED {
		return nil, &ArgumentError{Field: "to", Reason: "is required (LANGUAGE_ZH_CN or LANGUAGE_EN_US)"}
	}
	from, err := langCode("from", req.GetFrom())
	if err != nil {
		return nil, err
	}
	to, err := langCode("to", req.GetTo())
	if err != nil {
		return nil, err
	}
	switch t := req.GetText(); {
	case t == "":
		return nil, &ArgumentError{Field: "text", Reason: "is required"}
	case len(t) > MaxTranslateBytes:
		return nil, &ArgumentError{Field: "text", Reason: fmt.Sprintf("must be at most %d bytes of UTF-8, got %d", MaxTranslateBytes, len(t))}
	case !utf8.ValidString(t):
		return nil, &ArgumentError{Field: "text", Reason: "must be UTF-8"}
	}
	var out struct {
		FromContent string `json:"from_content"`
		ToContent   string `json:"to_content"`
	}
	q := url.Values{"lfrom": {from}, "lto": {to}}
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: "POST", Path: pathTranslate, Query: q,
		RawBody: strings.NewReader(req.GetText()), ContentType: "text/plain; charset=utf-8", Idempotent: true}, &out); err != nil {
		return nil, err
	}
	return &smartv1.TranslateResponse{FromContent: out.FromContent, ToContent: out.ToContent}, nil
}

// multipartFile builds a multipart/form-data body with one file part.
func multipartFile(field, filename, contentType string, data []byte) (*bytes.Buffer, string, error) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, field, filename))
	h.Set("Content-Type", contentType)
	p, err := w.CreatePart(h)
	if err != nil {
		return nil, "", fmt.Errorf("build upload: %w", err)
	}
	if _, err := p.Write(data); err != nil {
		return nil, "", fmt.Errorf("build upload: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, "", fmt.Errorf("build upload: %w", err)
	}
	return &b, w.FormDataContentType(), nil
}
