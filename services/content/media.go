package content

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Paths of the temporary media endpoints.
const (
	pathMediaUpload    = "/cgi-bin/media/upload"
	pathMediaGet       = "/cgi-bin/media/get"
	pathMediaUploadImg = "/cgi-bin/media/uploadimg"
)

// MediaLifetime is how long WeChat keeps temporary media.
const MediaLifetime = 72 * time.Hour

// UploadedMedia is a stored temporary media file.
type UploadedMedia struct {
	// MediaID identifies it (WeChat's thumb_media_id for thumbs).
	MediaID string
	// Kind is its type.
	Kind Kind
	// CreatedAt is when WeChat stored it; it expires MediaLifetime later.
	CreatedAt time.Time
}

// ExpireTime is when the media_id stops working.
func (m UploadedMedia) ExpireTime() time.Time { return m.CreatedAt.Add(MediaLifetime) }

// UploadMedia checks f against kind's limits and uploads it as temporary media.
func (s *Service) UploadMedia(ctx context.Context, appID string, kind Kind, f File) (UploadedMedia, error) {
	if err := s.checkAccount(appID); err != nil {
		return UploadedMedia{}, err
	}
	rule, ok := mediaRules[kind]
	if !ok {
		return UploadedMedia{}, &ArgumentError{Field: "type", Reason: "must be image, voice, video or thumb"}
	}
	var out struct {
		Type         string `json:"type"`
		MediaID      string `json:"media_id"`
		ThumbMediaID string `json:"thumb_media_id"`
		CreatedAt    int64  `json:"created_at"`
	}
	err := s.upload(ctx, form{
		op: "upload media", appID: appID, path: pathMediaUpload, query: url.Values{"type": {string(kind)}},
		kind: kind, rule: rule, defaultName: "media",
	}, f, &out)
	if err != nil {
		return UploadedMedia{}, err
	}
	m := UploadedMedia{MediaID: out.MediaID, Kind: kind, CreatedAt: time.Unix(out.CreatedAt, 0)}
	if m.MediaID == "" {
		m.MediaID = out.ThumbMediaID
	}
	if out.CreatedAt == 0 {
		m.CreatedAt = s.now()
	}
	return m, nil
}

// Media is a downloaded temporary media file: bytes, or for videos a URL.
type Media struct {
	// ContentType is the type of Data.
	ContentType string
	// Data is the file (empty for videos).
	Data []byte
	// VideoURL is where to download a video from.
	VideoURL string
}

// mediaGetRequest is the media/get call of mediaID.
func mediaGetRequest(appID, mediaID string) *wechat.Request {
	return &wechat.Request{AppID: appID, Method: http.MethodGet, Path: pathMediaGet, Query: url.Values{"media_id": {mediaID}}}
}

// GetMedia downloads a temporary media file into memory.
func (s *Service) GetMedia(ctx context.Context, appID, mediaID string) (Media, error) {
	if err := s.checkAccount(appID); err != nil {
		return Media{}, err
	}
	if err := require("media_id", mediaID); err != nil {
		return Media{}, err
	}
	d, err := s.download(ctx, "get media", mediaID, mediaGetRequest(appID, mediaID))
	if err != nil {
		return Media{}, err
	}
	if d.JSON != nil {
		var v struct {
			VideoURL string `json:"video_url"`
		}
		if err := json.Unmarshal(d.JSON, &v); err != nil {
			return Media{}, fmt.Errorf("get media %s: decode answer: %w", mediaID, err)
		}
		return Media{VideoURL: v.VideoURL}, nil
	}
	return Media{ContentType: d.ContentType, Data: d.Data}, nil
}

// StreamMedia writes a temporary media file to w as it arrives (REST downloads):
// the bytes with their Content-Type, or WeChat's {"video_url"} JSON for videos. started
// reports whether w was written to.
func (s *Service) StreamMedia(ctx context.Context, appID, mediaID string, w ResponseWriter) (started bool, err error) {
	if err := s.checkAccount(appID); err != nil {
		return false, err
	}
	if err := require("media_id", mediaID); err != nil {
		return false, err
	}
	return s.stream(ctx, "get media", mediaID, mediaGetRequest(appID, mediaID), w)
}

// UploadArticleImage uploads an image for article bodies (JPEG or PNG below 1 MB) and
// returns its URL.
func (s *Service) UploadArticleImage(ctx context.Context, appID string, f File) (string, error) {
	if err := s.checkAccount(appID); err != nil {
		return "", err
	}
	var out struct {
		URL string `json:"url"`
	}
	err := s.upload(ctx, form{
		op: "upload article image", appID: appID, path: pathMediaUploadImg,
		kind: KindArticleImage, rule: articleImageRule, defaultName: "image",
	}, f, &out)
	return out.URL, err
}
