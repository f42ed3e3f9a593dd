package audience

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

// WeChat paths of the QR code and short key endpoints.
const (
	pathQRCreate     = "/cgi-bin/qrcode/create"
	pathShortenGen   = "/cgi-bin/shorten/gen"
	pathShortenFetch = "/cgi-bin/shorten/fetch"
)

// Platform limits of QR codes and short keys.
const (
	maxQRExpire       = 2592000 // seconds a temporary code may live (30 days)
	maxPermanentScene = 100000  // permanent scene_id range 1..100000
	maxSceneStrLen    = 64      // characters of scene_str
	maxShortKeyData   = 4096    // bytes of long_data
	maxShortKeyExpire = 2592000 // seconds a short key may live (30 days)
	maxTicketLen      = 1024    // bytes of a ticket (real ones are about 100)
)

// QRCodeSpec describes a QR code to create. Exactly one of SceneID and SceneStr is set.
type QRCodeSpec struct {
	// Permanent makes a QR_LIMIT_* code.
	Permanent bool
	// SceneID is 1 to 4,294,967,295 (temporary) or 1 to 100,000 (permanent).
	SceneID uint32
	// SceneStr is 1 to 64 characters.
	SceneStr string
	// ExpireSeconds is 0 (the platform's default) to 2,592,000; 0 for permanent codes.
	ExpireSeconds int64
}

// QRCode is a created code.
type QRCode struct {
	// Ticket identifies the code and fetches its image.
	Ticket string
	// URL is what the code encodes.
	URL string
	// ExpireSeconds is the lifetime of a temporary code; 0 for permanent codes.
	ExpireSeconds int64
	// ExpireTime is when a temporary code expires; zero for permanent codes.
	ExpireTime time.Time
	// ImageURL is showqrcode with the ticket URL-encoded.
	ImageURL string
}

// check refuses a spec the platform would refuse.
func (q QRCodeSpec) check() error {
	switch {
	case q.SceneID != 0 && q.SceneStr != "":
		return &ArgumentError{Field: "scene_id", Reason: "set scene_id or scene_str, not both"}
	case q.SceneID == 0 && q.SceneStr == "":
		return &ArgumentError{Field: "scene_id", Reason: "one of scene_id (non-zero) or scene_str (1 to 64 characters) is required"}
	case q.Permanent && q.SceneID > maxPermanentScene:
		return &ArgumentError{Field: "scene_id", Reason: fmt.Sprintf("permanent codes take 1 to %d, got %d", maxPermanentScene, q.SceneID)}
	case !utf8.ValidString(q.SceneStr):
		return &ArgumentError{Field: "scene_str", Reason: "must be UTF-8"}
	case utf8.RuneCountInString(q.SceneStr) > maxSceneStrLen:
		return &ArgumentError{Field: "scene_str", Reason: fmt.Sprintf("must be at most %d characters, got %d", maxSceneStrLen, utf8.RuneCountInString(q.SceneStr))}
	case q.Permanent && q.ExpireSeconds != 0:
		return &ArgumentError{Field: "expire_seconds", Reason: "must be 0 for permanent codes (they never expire)"}
	case q.ExpireSeconds < 0 || q.ExpireSeconds > maxQRExpire:
		return &ArgumentError{Field: "expire_seconds", Reason: fmt.Sprintf("must be 0 (the default, 60) to %d (30 days), got %d", maxQRExpire, q.ExpireSeconds)}
	}
	return nil
}

// CreateQRCode creates a QR code (qrcode/create).
func (s *Service) CreateQRCode(ctx context.Context, appID string, spec QRCodeSpec) (*QRCode, error) {
	if err := s.checkAccount(appID); err != nil {
		return nil, err
	}
	if err := spec.check(); err != nil {
		return nil, err
	}
	action := "QR_SCENE"
	scene := map[string]any{"scene_id": spec.SceneID}
	if spec.SceneStr != "" {
		action, scene = "QR_STR_SCENE", map[string]any{"scene_str": spec.SceneStr}
	}
	if spec.Permanent {
		action = strings.Replace(action, "QR_", "QR_LIMIT_", 1)
	}
	body := map[string]any{"action_name": action, "action_info": map[string]any{"scene": scene}}
	if spec.ExpireSeconds > 0 {
		body["expire_seconds"] = spec.ExpireSeconds
	}
	var res struct {
		Ticket        string `json:"ticket"`
		ExpireSeconds int64  `json:"expire_seconds"`
		URL           string `json:"url"`
	}
	created := s.now()
	// Permanent codes of one scene are the same code; temporary ones are cheap: both
	// may be resent.
	if err := s.wc.Do(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: pathQRCreate, Idempotent: true, Body: body}, &res); err != nil {
		return nil, err
	}
	if res.Ticket == "" {
		return nil, fmt.Errorf("qrcode/create for %s: answer without a ticket", appID)
	}
	q := &QRCode{Ticket: res.Ticket, URL: res.URL, ImageURL: s.imageURL(res.Ticket)}
	if !spec.Permanent {
		q.ExpireSeconds = res.ExpireSeconds
		q.ExpireTime = created.Add(time.Duration(res.ExpireSeconds) * time.Second)
	}
	return q, nil
}

// imageURL is the showqrcode URL of ticket (URL-encoded, as the platform requires).
func (s *Service) imageURL(ticket string) string {
	return s.cfg.QRCodeImageURL + "?ticket=" + url.QueryEscape(ticket)
}

// Image is a QR code image.
type Image struct {
	// ContentType is the image's media type, e.g. "image/jpeg".
	ContentType string
	// Data is the image.
	Data []byte
}

// GetQRCodeImage fetches a code's image from showqrcode (no access token is involved).
// An unknown or expired ticket is ErrImageNotFound; "image/jpg", as the platform labels
// it, is reported as "image/jpeg".
func (s *Service) GetQRCodeImage(ctx context.Context, appID, ticket string) (*Image, error) {
	if err := s.checkAccount(appID); err != nil {
		return nil, err
	}
	switch {
	case ticket == "":
		return nil, &ArgumentError{Field: "ticket", Reason: "is required"}
	case len(ticket) > maxTicketLen:
		return nil, &ArgumentError{Field: "ticket", Reason: fmt.Sprintf("must be at most %d bytes", maxTicketLen)}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.imageURL(ticket), nil)
	if err != nil {
		return nil, &ArgumentError{Field: "ticket", Reason: "cannot be put in a URL"}
	}
	resp, err := s.http.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL holds the ticket; keep errors short
		}
		return nil, &ImageError{Reason: "showqrcode unreachable: " + err.Error()}
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, ErrImageNotFound
	case resp.StatusCode != http.StatusOK:
		return nil, &ImageError{Reason: fmt.Sprintf("showqrcode answered HTTP %d", resp.StatusCode)}
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if !strings.HasPrefix(mt, "image/") {
		// The platform answers some bad tickets with a page or a JSON error.
		return nil, ErrImageNotFound
	}
	if mt == "image/jpg" {
		mt = "image/jpeg"
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, s.cfg.MaxImageBytes+1))
	if err != nil {
		return nil, &ImageError{Reason: "read showqrcode answer: " + err.Error()}
	}
	if int64(len(data)) > s.cfg.MaxImageBytes {
		return nil, &ImageError{Reason: fmt.Sprintf("image larger than audience.max_image_bytes (%d)", s.cfg.MaxImageBytes)}
	}
	if len(data) == 0 {
		return nil, ErrImageNotFound
	}
	return &Image{ContentType: mt, Data: data}, nil
}

// GenerateShortKey stores longData for expireSeconds (0: the platform's default, 30
// days) and returns its short key (shorten/gen).
func (s *Service) GenerateShortKey(ctx context.Context, appID, longData string, expireSeconds int64) (string, error) {
	if err := s.checkAccount(appID); err != nil {
		return "", err
	}
	switch {
	case longData == "":
		return "", &ArgumentError{Field: "long_data", Reason: "is required"}
	case len(longData) > maxShortKeyData:
		return "", &ArgumentError{Field: "long_data", Reason: fmt.Sprintf("must be at most %d bytes, got %d", maxShortKeyData, len(longData))}
	case expireSeconds < 0 || expireSeconds > maxShortKeyExpire:
		return "", &ArgumentError{Field: "expire_seconds", Reason: fmt.Sprintf("must be 0 (the default, 30 days) to %d, got %d", maxShortKeyExpire, expireSeconds)}
	}
	body := map[string]any{"long_data": longData}
	if expireSeconds > 0 {
		body["expire_seconds"] = expireSeconds
	}
	var res struct {
		ShortKey string `json:"short_key"`
	}
	// A resent gen makes a second key for the same data: harmless.
	if err := s.wc.Do(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: pathShortenGen, Idempotent: true, Body: body}, &res); err != nil {
		return "", err
	}
	if res.ShortKey == "" {
		return "", fmt.Errorf("shorten/gen for %s: answer without a short_key", appID)
	}
	return res.ShortKey, nil
}

// ShortKeyData is what shorten/fetch returns.
type ShortKeyData struct {
	// LongData is the stored data.
	LongData string `json:"long_data"`
	// CreateTime is the Unix time the key was generated.
	CreateTime int64 `json:"create_time"`
	// ExpireSeconds is the key's remaining lifetime.
	ExpireSeconds int64 `json:"expire_seconds"`
}

// FetchShortKey returns the data behind a short key (shorten/fetch); an unknown or
// expired key is NotFound (the platform's errcode stays in the error's detail).
func (s *Service) FetchShortKey(ctx context.Context, appID, shortKey string) (*ShortKeyData, error) {
	if err := s.checkAccount(appID); err != nil {
		return nil, err
	}
	switch {
	case shortKey == "":
		return nil, &ArgumentError{Field: "short_key", Reason: "is required"}
	case len(shortKey) > 64 || strings.Trim(shortKey, openIDChars) != "":
		return nil, &ArgumentError{Field: "short_key", Reason: "must be 1 to 64 characters of [A-Za-z0-9_-]"}
	}
	var res ShortKeyData
	if err := s.wc.Do(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: pathShortenFetch, Idempotent: true,
		Body: map[string]string{"short_key": shortKey}}, &res); err != nil {
		return nil, err
	}
	return &res, nil
}
