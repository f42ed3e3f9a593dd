package content

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
	"unicode/utf8"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Paths of the permanent material endpoints.
const (
	pathMaterialAdd      = "/cgi-bin/material/add_material"
	pathMaterialAddNews  = "/cgi-bin/material/add_news"
	pathMaterialGet      = "/cgi-bin/material/get_material"
	pathMaterialDel      = "/cgi-bin/material/del_material"
	pathMaterialUpdate   = "/cgi-bin/material/update_news"
	pathMaterialCount    = "/cgi-bin/material/get_materialcount"
	pathMaterialBatchGet = "/cgi-bin/material/batchget_material"
)

// Limits of news (behaviour.md §4.2).
const (
	// MaxArticles is the most articles one news holds.
	MaxArticles = 8
	// MaxContentChars and MaxContentBytes bound an article's HTML: it must stay below both.
	MaxContentChars = 20_000
	MaxContentBytes = 1 << 20
	// MaxListCount is the most items batchget_material returns per call.
	MaxListCount = 20
)

// MaterialKind is a kind of material as listed and counted (thumbs are images).
type MaterialKind string

// Material kinds (batchget_material's type values).
const (
	MaterialImage MaterialKind = "image"
	MaterialVoice MaterialKind = "voice"
	MaterialVideo MaterialKind = "video"
	MaterialNews  MaterialKind = "news"
)

// Video is the title and introduction of video material.
type Video struct {
	// Title is the video's title (required to add one).
	Title string
	// Introduction is its description.
	Introduction string
}

// AddedMaterial identifies new material.
type AddedMaterial struct {
	// MediaID identifies the material.
	MediaID string
	// URL is an image's URL (images only).
	URL string
}

// AddMaterial checks f against kind's limits and adds it as permanent material; video
// needs video.Title.
func (s *Service) AddMaterial(ctx context.Context, appID string, kind Kind, f File, video Video) (AddedMaterial, error) {
	if err := s.checkAccount(appID); err != nil {
		return AddedMaterial{}, err
	}
	rule, ok := materialRules[kind]
	if !ok {
		return AddedMaterial{}, &ArgumentError{Field: "type", Reason: "must be image, voice, video or thumb"}
	}
	var fields map[string]string
	if kind == KindVideo {
		if err := require("title", video.Title); err != nil {
			return AddedMaterial{}, &ArgumentError{Field: "title", Reason: "is required for video material"}
		}
		desc, err := marshalJSON(map[string]string{"title": video.Title, "introduction": video.Introduction})
		if err != nil {
			return AddedMaterial{}, err
		}
		fields = map[string]string{"description": string(desc)}
	}
	var out struct {
		MediaID string `json:"media_id"`
		URL     string `json:"url"`
	}
	err := s.upload(ctx, form{
		op: "add material", appID: appID, path: pathMaterialAdd, query: url.Values{"type": {string(kind)}},
		kind: kind, rule: rule, defaultName: "material", fields: fields,
	}, f, &out)
	return AddedMaterial{MediaID: out.MediaID, URL: out.URL}, err
}

// Article is one article of news (WeChat's JSON shape).
type Article struct {
	// Title is required.
	Title string `json:"title"`
	// ThumbMediaID is the cover: permanent image or thumb material. Required.
	ThumbMediaID string `json:"thumb_media_id"`
	// ThumbURL is the cover's URL (answers only).
	ThumbURL string `json:"thumb_url,omitempty"`
	// Author is the author's name.
	Author string `json:"author"`
	// Digest is the summary.
	Digest string `json:"digest"`
	// ShowCoverPic is 1 to show the cover in the body.
	ShowCoverPic int `json:"show_cover_pic"`
	// Content is the HTML body. Required.
	Content string `json:"content"`
	// ContentSourceURL is the "read more" link.
	ContentSourceURL string `json:"content_source_url"`
	// NeedOpenComment is 1 to open comments when published.
	NeedOpenComment int `json:"need_open_comment"`
	// OnlyFansCanComment is 1 to let only followers comment.
	OnlyFansCanComment int `json:"only_fans_can_comment"`
	// URL is the article's link (answers only).
	URL string `json:"url,omitempty"`
}

// validate checks what WeChat documents of an article; field prefixes the errors.
func (a *Article) validate(field string) error {
	switch {
	case a.Title == "":
		return &ArgumentError{Field: field + ".title", Reason: "is required"}
	case a.ThumbMediaID == "":
		return &ArgumentError{Field: field + ".thumb_media_id", Reason: "is required (the media_id of permanent image or thumb material)"}
	case a.Content == "":
		return &ArgumentError{Field: field + ".content", Reason: "is required"}
	case utf8.RuneCountInString(a.Content) >= MaxContentChars || len(a.Content) >= MaxContentBytes:
		return &ArgumentError{Field: field + ".content", Reason: fmt.Sprintf("must be below %d characters and 1 MB", MaxContentChars)}
	}
	return nil
}

// AddNews adds news of 1 to 8 articles.
func (s *Service) AddNews(ctx context.Context, appID string, articles []Article) (string, error) {
	if err := s.checkAccount(appID); err != nil {
		return "", err
	}
	switch {
	case len(articles) == 0:
		return "", &ArgumentError{Field: "articles", Reason: "must hold 1 to 8 articles"}
	case len(articles) > MaxArticles:
		return "", &ArgumentError{Field: "articles", Reason: fmt.Sprintf("holds %d articles; news holds at most %d", len(articles), MaxArticles)}
	}
	for i := range articles {
		articles[i].ThumbURL, articles[i].URL = "", ""
		if err := articles[i].validate(fmt.Sprintf("articles[%d]", i)); err != nil {
			return "", err
		}
	}
	var out struct {
		MediaID string `json:"media_id"`
	}
	err := s.call(ctx, "add news", &wechat.Request{AppID: appID, Method: http.MethodPost, Path: pathMaterialAddNews,
		Body: map[string]any{"articles": articles}}, &out)
	return out.MediaID, err
}

// News is a news material.
type News struct {
	// Articles are the articles in order.
	Articles []Article `json:"news_item"`
	// CreateTime and UpdateTime are Unix seconds.
	CreateTime int64 `json:"create_time"`
	UpdateTime int64 `json:"update_time"`
}

// Material is a material as get_material returns it: one of News, Video or the bytes.
type Material struct {
	// News is set for news.
	News *News
	// Video is set for video material, with DownURL.
	Video *Video
	// DownURL is where to download the video.
	DownURL string
	// ContentType and Data are the bytes of image, voice and thumb material.
	ContentType string
	// Data is the file.
	Data []byte
}

func materialGetRequest(appID, mediaID string) *wechat.Request {
	return &wechat.Request{AppID: appID, Method: http.MethodPost, Path: pathMaterialGet, Idempotent: true,
		Body: map[string]string{"media_id": mediaID}}
}

// GetMaterial reads a material into memory.
func (s *Service) GetMaterial(ctx context.Context, appID, mediaID string) (Material, error) {
	if err := s.checkAccount(appID); err != nil {
		return Material{}, err
	}
	if err := require("media_id", mediaID); err != nil {
		return Material{}, err
	}
	d, err := s.download(ctx, "get material", mediaID, materialGetRequest(appID, mediaID))
	if err != nil {
		return Material{}, err
	}
	if d.JSON == nil {
		return Material{ContentType: d.ContentType, Data: d.Data}, nil
	}
	var v struct {
		News
		Title       string `json:"title"`
		Description string `json:"description"`
		DownURL     string `json:"down_url"`
	}
	if err := json.Unmarshal(d.JSON, &v); err != nil {
		return Material{}, fmt.Errorf("get material %s: decode answer: %w", mediaID, err)
	}
	if v.Articles != nil {
		return Material{News: &v.News}, nil
	}
	return Material{Video: &Video{Title: v.Title, Introduction: v.Description}, DownURL: v.DownURL}, nil
}

// StreamMaterial writes a material to w as it arrives (REST downloads): the bytes of
// image, voice and thumb material, WeChat's JSON for news and video.
func (s *Service) StreamMaterial(ctx context.Context, appID, mediaID string, w ResponseWriter) (started bool, err error) {
	if err := s.checkAccount(appID); err != nil {
		return false, err
	}
	if err := require("media_id", mediaID); err != nil {
		return false, err
	}
	return s.stream(ctx, "get material", mediaID, materialGetRequest(appID, mediaID), w)
}

// DeleteMaterial deletes a material.
func (s *Service) DeleteMaterial(ctx context.Context, appID, mediaID string) error {
	if err := s.checkAccount(appID); err != nil {
		return err
	}
	if err := require("media_id", mediaID); err != nil {
		return err
	}
	return s.call(ctx, "delete material", &wechat.Request{AppID: appID, Method: http.MethodPost, Path: pathMaterialDel,
		Body: map[string]string{"media_id": mediaID}}, nil)
}

// UpdateNewsArticle replaces article index (0-based) of the news mediaID.
func (s *Service) UpdateNewsArticle(ctx context.Context, appID, mediaID string, index int, a Article) error {
	if err := s.checkAccount(appID); err != nil {
		return err
	}
	if err := require("media_id", mediaID); err != nil {
		return err
	}
	if index < 0 || index >= MaxArticles {
		return &ArgumentError{Field: "index", Reason: fmt.Sprintf("must be 0 to %d", MaxArticles-1)}
	}
	a.ThumbURL, a.URL = "", ""
	if err := a.validate("article"); err != nil {
		return err
	}
	return s.call(ctx, "update news", &wechat.Request{AppID: appID, Method: http.MethodPost, Path: pathMaterialUpdate, Idempotent: true,
		Body: map[string]any{"media_id": mediaID, "index": index, "articles": a}}, nil)
}

// MaterialCount is the library's counts.
type MaterialCount struct {
	// Voice, Video, Image (thumbs included) and News count the library's items.
	Voice int64 `json:"voice_count"`
	Video int64 `json:"video_count"`
	Image int64 `json:"image_count"`
	News  int64 `json:"news_count"`
}

// GetMaterialCount counts the library.
func (s *Service) GetMaterialCount(ctx context.Context, appID string) (MaterialCount, error) {
	var out MaterialCount
	if err := s.checkAccount(appID); err != nil {
		return out, err
	}
	err := s.call(ctx, "count material", &wechat.Request{AppID: appID, Method: http.MethodGet, Path: pathMaterialCount}, &out)
	return out, err
}

// MaterialItem is one listed material.
type MaterialItem struct {
	// MediaID identifies the item.
	MediaID string `json:"media_id"`
	// Name is the file name (not for news).
	Name string `json:"name"`
	// URL is an image's URL.
	URL string `json:"url"`
	// UpdateTime is Unix seconds.
	UpdateTime int64 `json:"update_time"`
	// News is set for news.
	News *News `json:"content"`
}

// MaterialPage is one page of a listing.
type MaterialPage struct {
	// TotalCount is how many items of the kind the library holds.
	TotalCount int `json:"total_count"`
	// ItemCount is len(Items).
	ItemCount int `json:"item_count"`
	// Items is the page.
	Items []MaterialItem `json:"item"`
}

// validKinds are the listable kinds.
var validKinds = map[MaterialKind]bool{MaterialImage: true, MaterialVoice: true, MaterialVideo: true, MaterialNews: true}

// ListMaterials lists count (1 to 20; 0 means 20) items of kind from offset, newest first.
func (s *Service) ListMaterials(ctx context.Context, appID string, kind MaterialKind, offset, count int) (MaterialPage, error) {
	if err := s.checkAccount(appID); err != nil {
		return MaterialPage{}, err
	}
	if !validKinds[kind] {
		return MaterialPage{}, &ArgumentError{Field: "type", Reason: "must be image, voice, video or news"}
	}
	if offset < 0 {
		return MaterialPage{}, &ArgumentError{Field: "offset", Reason: "must not be negative"}
	}
	if count == 0 {
		count = MaxListCount
	}
	if count < 1 || count > MaxListCount {
		return MaterialPage{}, &ArgumentError{Field: "count", Reason: fmt.Sprintf("must be 1 to %d", MaxListCount)}
	}
	return s.listPage(ctx, appID, kind, offset, count)
}

func (s *Service) listPage(ctx context.Context, appID string, kind MaterialKind, offset, count int) (MaterialPage, error) {
	var out MaterialPage
	err := s.call(ctx, "list material", &wechat.Request{AppID: appID, Method: http.MethodPost, Path: pathMaterialBatchGet, Idempotent: true,
		Body: map[string]any{"type": kind, "offset": offset, "count": count}}, &out)
	return out, err
}

// StreamMaterials pages through every material of kind, pageSize (1 to 20; 0 means 20)
// at a time, calling send with each page's new items, the total and how many items were
// delivered so far. Items already delivered are skipped when additions shift the pages.
// It stops when a page comes back short or send fails.
func (s *Service) StreamMaterials(ctx context.Context, appID string, kind MaterialKind, pageSize int, send func(items []MaterialItem, total, delivered int) error) error {
	if err := s.checkAccount(appID); err != nil {
		return err
	}
	if !validKinds[kind] {
		return &ArgumentError{Field: "type", Reason: "must be image, voice, video or news"}
	}
	if pageSize == 0 {
		pageSize = MaxListCount
	}
	if pageSize < 1 || pageSize > MaxListCount {
		return &ArgumentError{Field: "page_size", Reason: fmt.Sprintf("must be 1 to %d", MaxListCount)}
	}
	seen := make(map[string]struct{})
	delivered := 0
	for offset := 0; ; offset += pageSize {
		page, err := s.listPage(ctx, appID, kind, offset, pageSize)
		if err != nil {
			return err
		}
		fresh := page.Items[:0]
		for _, it := range page.Items {
			if _, dup := seen[it.MediaID]; dup {
				continue
			}
			seen[it.MediaID] = struct{}{}
			fresh = append(fresh, it)
		}
		delivered += len(fresh)
		if len(fresh) > 0 || offset == 0 {
			if err := send(fresh, page.TotalCount, delivered); err != nil {
				return err
			}
		}
		if len(page.Items) < pageSize || offset+pageSize >= page.TotalCount {
			return nil
		}
	}
}

// updateTime converts WeChat's Unix seconds.
func updateTime(sec int64) time.Time { return time.Unix(sec, 0) }

// marshalJSON encodes v without HTML escaping (WeChat wants raw "&", "<", ">").
func marshalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
