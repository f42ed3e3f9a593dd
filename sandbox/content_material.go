package sandbox

// Permanent material: material/add_material, add_news, get_material, del_material,
// update_news, get_materialcount and batchget_material (behaviour.md §4.2).

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// materialKind is how material is counted and listed: thumbs are images.
type materialKind string

// Material kinds (batchget_material's type values).
const (
	materialImage materialKind = "image"
	materialVoice materialKind = "voice"
	materialVideo materialKind = "video"
	materialNews  materialKind = "news"
)

// materialLimits are the per-kind library limits (behaviour.md §4.2, current docs); over
// them 45074 (sandbox choice among the candidate codes, Q2).
var materialLimits = map[materialKind]int{materialImage: 100_000, materialNews: 100_000, materialVoice: 1_000, materialVideo: 1_000}

// Article limits. Sandbox choices where the platform states none: titles up to 64
// characters (45003) and digests up to 120 (45004), the console's limits.
const (
	maxMaterialArticles = 8
	maxArticleTitle     = 64
	maxArticleDigest    = 120
	maxArticleContent   = 20_000  // characters (45002 at or beyond)
	maxArticleBytes     = 1 << 20 // bytes (45002 at or beyond)
	defaultDigestRunes  = 64
)

// permMaterial is one permanent material item.
type permMaterial struct {
	id           string
	kind         materialKind
	uploadType   string // image, voice, video, thumb or news
	name         string
	data         []byte
	format       fileFormat
	url          string
	title        string // video
	introduction string // video
	articles     []*materialArticle
	created      time.Time
	updated      time.Time
}

// materialArticle is one article of a news material (the platform's JSON shape).
type materialArticle struct {
	Title              string `json:"title"`
	ThumbMediaID       string `json:"thumb_media_id"`
	ThumbURL           string `json:"thumb_url"`
	ShowCoverPic       int    `json:"show_cover_pic"`
	Author             string `json:"author"`
	Digest             string `json:"digest"`
	Content            string `json:"content"`
	URL                string `json:"url"`
	ContentSourceURL   string `json:"content_source_url"`
	NeedOpenComment    int    `json:"need_open_comment"`
	OnlyFansCanComment int    `json:"only_fans_can_comment"`
}

// materialArticleInput is an article as add_news and update_news take it.
type materialArticleInput struct {
	Title              string `json:"title"`
	ThumbMediaID       string `json:"thumb_media_id"`
	Author             string `json:"author"`
	Digest             string `json:"digest"`
	ShowCoverPic       int    `json:"show_cover_pic"`
	Content            string `json:"content"`
	ContentSourceURL   string `json:"content_source_url"`
	NeedOpenComment    int    `json:"need_open_comment"`
	OnlyFansCanComment int    `json:"only_fans_can_comment"`
}

// addMaterialAnswer is add_material's answer; url only for images.
type addMaterialAnswer struct {
	MediaID string `json:"media_id"`
	URL     string `json:"url,omitempty"`
}

// materialNewsAnswer is get_material's answer for news (and batchget's content of an item).
type materialNewsAnswer struct {
	NewsItem   []*materialArticle `json:"news_item"`
	CreateTime int64              `json:"create_time"`
	UpdateTime int64              `json:"update_time"`
}

// videoMaterialAnswer is get_material's answer for a video.
type videoMaterialAnswer struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	DownURL     string `json:"down_url"`
}

// materialCountAnswer is get_materialcount's answer (no errcode).
type materialCountAnswer struct {
	VoiceCount int `json:"voice_count"`
	VideoCount int `json:"video_count"`
	ImageCount int `json:"image_count"`
	NewsCount  int `json:"news_count"`
}

// materialBatchItem is one item of batchget_material's answer.
type materialBatchItem struct {
	MediaID    string              `json:"media_id"`
	Name       string              `json:"name,omitempty"`
	Content    *materialNewsAnswer `json:"content,omitempty"`
	UpdateTime int64               `json:"update_time"`
	URL        *string             `json:"url,omitempty"`
}

// materialBatchAnswer is batchget_material's answer.
type materialBatchAnswer struct {
	TotalCount int                 `json:"total_count"`
	ItemCount  int                 `json:"item_count"`
	Item       []materialBatchItem `json:"item"`
}

// add stores m in the library.
func (cs *contentState) add(m *permMaterial) {
	if cs.materials == nil {
		cs.materials = make(map[string]*permMaterial)
		cs.lists = make(map[materialKind][]*permMaterial)
	}
	cs.materials[m.id] = m
	cs.lists[m.kind] = append(cs.lists[m.kind], m)
}

// full reports whether the library holds as many items of kind as it may.
func (cs *contentState) full(kind materialKind) bool {
	return len(cs.lists[kind]) >= materialLimits[kind]
}

// serveMaterialAdd answers POST material/add_material?type=image|voice|video|thumb
// (multipart: media, and description {"title","introduction"} for videos).
func (s *Sandbox) serveMaterialAdd(c *apiCall) answer {
	typ := c.q.Get("type")
	rule, ok := materialRules[typ]
	if !ok {
		return fail(codeContentInvalidMediaType)
	}
	f, fields, code := readMediaUpload(c)
	if code != codeOK {
		return fail(code)
	}
	if code := rule.check(f); code != codeOK {
		return fail(code)
	}
	m := &permMaterial{kind: materialKind(typ), uploadType: typ, name: f.name, data: f.data, format: f.format,
		created: c.now, updated: c.now}
	if typ == "thumb" {
		m.kind = materialImage
	}
	if typ == "video" {
		var d struct {
			Title        string `json:"title"`
			Introduction string `json:"introduction"`
		}
		raw, ok := fields["description"]
		if !ok {
			return fail(codeMissingFields)
		}
		if json.Unmarshal([]byte(raw), &d) != nil {
			return fail(codeDataFormat)
		}
		if d.Title == "" {
			// Sandbox choice: the doc marks the title required.
			return fail(codeMissingFields)
		}
		m.title, m.introduction = d.Title, d.Introduction
	}
	cs := &c.a.content
	if cs.full(m.kind) {
		return fail(codeContentMaterialLimit)
	}
	m.id = s.randString(43)
	if m.kind == materialImage {
		m.url = fmt.Sprintf("http://mmbiz.qpic.cn/mmbiz_%s/%s/0?wx_fmt=%s", f.format, s.randAlnum(40), f.format)
	}
	cs.add(m)
	return succeed(addMaterialAnswer{MediaID: m.id, URL: m.url})
}

// htmlTagPattern matches HTML tags (digest defaults are taken from the text).
var htmlTagPattern = regexp.MustCompile(`<[^>]*>`)

// buildArticle validates in and returns the stored article (url left empty).
func (cs *contentState) buildArticle(in materialArticleInput, single bool) (*materialArticle, int) {
	switch {
	case in.Title == "" || in.ThumbMediaID == "":
		return nil, codeMissingFields
	case utf8.RuneCountInString(in.Title) > maxArticleTitle:
		return nil, codeContentTitleTooLong
	case utf8.RuneCountInString(in.Digest) > maxArticleDigest:
		return nil, codeContentDigestTooLong
	case in.Content == "":
		return nil, codeContentEmptyContent
	case utf8.RuneCountInString(in.Content) >= maxArticleContent || len(in.Content) >= maxArticleBytes:
		return nil, codeContentContentTooLong
	case !isZeroOrOne(in.ShowCoverPic) || !isZeroOrOne(in.NeedOpenComment) || !isZeroOrOne(in.OnlyFansCanComment):
		return nil, codeInvalidArgs
	}
	thumb, ok := cs.materials[in.ThumbMediaID]
	if !ok || thumb.kind != materialImage {
		// thumb_media_id must be permanent image material (temporary ids do not count).
		return nil, codeContentInvalidMediaID
	}
	a := &materialArticle{
		Title: in.Title, ThumbMediaID: in.ThumbMediaID, ThumbURL: thumb.url, ShowCoverPic: in.ShowCoverPic,
		Author: in.Author, Digest: in.Digest, Content: cleanArticleHTML(in.Content), ContentSourceURL: in.ContentSourceURL,
		NeedOpenComment: in.NeedOpenComment, OnlyFansCanComment: in.OnlyFansCanComment,
	}
	if a.Digest == "" && single {
		text := []rune(strings.TrimSpace(htmlTagPattern.ReplaceAllString(in.Content, "")))
		a.Digest = string(text[:min(len(text), defaultDigestRunes)])
	}
	return a, codeOK
}

// Patterns of what WeChat filters out of article bodies.
var (
	htmlScriptPattern = regexp.MustCompile(`(?is)<script\b.*?</script\s*>`)
	htmlImgPattern    = regexp.MustCompile(`(?is)<img\b[^>]*>`)
	htmlImgSrcPattern = regexp.MustCompile(`(?is)\bsrc\s*=\s*["']?(https?://[^"'\s>]+)`)
)

// cleanArticleHTML removes scripts and the images whose source is not a WeChat image
// URL (media/uploadimg or material URLs, on mmbiz.qpic.cn), as the platform does with
// article content (behaviour.md §4.2).
func cleanArticleHTML(content string) string {
	content = htmlScriptPattern.ReplaceAllString(content, "")
	return htmlImgPattern.ReplaceAllStringFunc(content, func(tag string) string {
		m := htmlImgSrcPattern.FindStringSubmatch(tag)
		if m != nil && (strings.HasPrefix(m[1], "http://mmbiz.qpic.cn/") || strings.HasPrefix(m[1], "https://mmbiz.qpic.cn/")) {
			return tag
		}
		return ""
	})
}

func isZeroOrOne(v int) bool { return v == 0 || v == 1 }

// articleURL is the permanent link of article idx (0-based) of news material m.
func (s *Sandbox) articleURL(a *account, m *permMaterial, idx int) string {
	return fmt.Sprintf("http://mp.weixin.qq.com/s?__biz=%s&mid=%d&idx=%d&sn=%s#rd",
		a.OriginalID, m.created.Unix()%1_000_000_000, idx+1, s.randFrom("0123456789abcdef", 32))
}

// serveMaterialAddNews answers POST material/add_news {"articles":[…]}.
func (s *Sandbox) serveMaterialAddNews(c *apiCall) answer {
	var body struct {
		Articles []materialArticleInput `json:"articles"`
	}
	if code := c.decode(&body); code != codeOK {
		return fail(code)
	}
	switch {
	case len(body.Articles) == 0:
		return fail(codeContentEmptyNewsData)
	case len(body.Articles) > maxMaterialArticles:
		return fail(codeContentArticleSize)
	}
	cs := &c.a.content
	m := &permMaterial{kind: materialNews, uploadType: "news", created: c.now, updated: c.now}
	for _, in := range body.Articles {
		a, code := cs.buildArticle(in, len(body.Articles) == 1)
		if code != codeOK {
			return fail(code)
		}
		m.articles = append(m.articles, a)
	}
	if cs.full(materialNews) {
		return fail(codeContentMaterialLimit)
	}
	m.id = s.randString(43)
	for i, a := range m.articles {
		a.URL = s.articleURL(c.a, m, i)
	}
	cs.add(m)
	return succeed(materialIDBody{MediaID: m.id})
}

// materialOf decodes {"media_id"} and returns the material it names (40007 if none).
func materialOf(c *apiCall) (*permMaterial, int) {
	var body materialIDBody
	if code := c.decode(&body); code != codeOK {
		return nil, code
	}
	if body.MediaID == "" {
		return nil, codeMissingFields
	}
	m, ok := c.a.content.materials[body.MediaID]
	if !ok {
		return nil, codeContentInvalidMediaID
	}
	return m, codeOK
}

// newsOf is the news answer of m.
func newsOf(m *permMaterial) *materialNewsAnswer {
	items := make([]*materialArticle, len(m.articles))
	for i, a := range m.articles {
		cp := *a
		items[i] = &cp
	}
	return &materialNewsAnswer{NewsItem: items, CreateTime: m.created.Unix(), UpdateTime: m.updated.Unix()}
}

// serveMaterialGet answers POST material/get_material {"media_id"}: JSON for news and
// video, the file's bytes for the others.
func (s *Sandbox) serveMaterialGet(c *apiCall) answer {
	m, code := materialOf(c)
	if code != codeOK {
		return fail(code)
	}
	switch m.kind {
	case materialNews:
		return succeed(newsOf(m))
	case materialVideo:
		return succeed(videoMaterialAnswer{Title: m.title, Description: m.introduction,
			DownURL: "http://mpvideo.qpic.cn/sandbox/" + m.id + ".mp4"})
	}
	return answer{raw: m.data, rawType: formatContentTypes[m.format]}
}

// serveMaterialDel answers POST material/del_material {"media_id"}. Sandbox choice:
// published articles of a deleted news stay (and keep their comments).
func (s *Sandbox) serveMaterialDel(c *apiCall) answer {
	m, code := materialOf(c)
	if code != codeOK {
		return fail(code)
	}
	cs := &c.a.content
	delete(cs.materials, m.id)
	cs.lists[m.kind] = slices.DeleteFunc(cs.lists[m.kind], func(x *permMaterial) bool { return x == m })
	return fail(codeOK)
}

// serveMaterialUpdateNews answers POST material/update_news {"media_id","index","articles":{…}}.
func (s *Sandbox) serveMaterialUpdateNews(c *apiCall) answer {
	var body struct {
		MediaID  string                `json:"media_id"`
		Index    *int                  `json:"index"`
		Articles *materialArticleInput `json:"articles"`
	}
	if code := c.decode(&body); code != codeOK {
		return fail(code)
	}
	if body.MediaID == "" || body.Index == nil || body.Articles == nil {
		return fail(codeMissingFields)
	}
	cs := &c.a.content
	m, ok := cs.materials[body.MediaID]
	if !ok || m.kind != materialNews {
		return fail(codeContentInvalidMediaID)
	}
	idx := *body.Index
	if idx < 0 || idx >= len(m.articles) {
		return fail(codeContentInvalidArticleIdx)
	}
	a, code := cs.buildArticle(*body.Articles, len(m.articles) == 1)
	if code != codeOK {
		return fail(code)
	}
	a.URL = m.articles[idx].URL
	m.articles[idx] = a
	m.updated = c.now
	return fail(codeOK)
}

// serveMaterialCount answers GET material/get_materialcount.
func (s *Sandbox) serveMaterialCount(c *apiCall) answer {
	l := c.a.content.lists
	return succeed(materialCountAnswer{VoiceCount: len(l[materialVoice]), VideoCount: len(l[materialVideo]),
		ImageCount: len(l[materialImage]), NewsCount: len(l[materialNews])})
}

// serveMaterialBatchGet answers POST material/batchget_material {"type","offset","count"}:
// newest first (sandbox choice: the console's order), count 1 to 20.
func (s *Sandbox) serveMaterialBatchGet(c *apiCall) answer {
	var body struct {
		Type   string `json:"type"`
		Offset int    `json:"offset"`
		Count  int    `json:"count"`
	}
	if code := c.decode(&body); code != codeOK {
		return fail(code)
	}
	kind := materialKind(body.Type)
	if _, ok := materialLimits[kind]; !ok {
		return fail(codeContentInvalidMediaType)
	}
	if body.Offset < 0 || body.Count < 1 || body.Count > 20 {
		return fail(codeInvalidArgs)
	}
	list := c.a.content.lists[kind]
	out := materialBatchAnswer{TotalCount: len(list), Item: []materialBatchItem{}}
	for i := len(list) - 1 - body.Offset; i >= 0 && len(out.Item) < body.Count; i-- {
		m := list[i]
		it := materialBatchItem{MediaID: m.id, UpdateTime: m.updated.Unix()}
		if kind == materialNews {
			it.Content = newsOf(m)
		} else {
			it.Name = m.name
			u := m.url
			it.URL = &u
		}
		out.Item = append(out.Item, it)
	}
	out.ItemCount = len(out.Item)
	return succeed(out)
}
