package sandbox

// Temporary media: media/upload, media/get and media/uploadimg (behaviour.md §4.1).

import (
	"time"
)

// mediaLifetime is how long a temporary media_id stays valid.
const mediaLifetime = 72 * time.Hour

// tempMedia is one uploaded temporary media file.
type tempMedia struct {
	id      string
	kind    string // image, voice, video or thumb
	name    string // the uploaded file name
	data    []byte
	format  fileFormat
	created time.Time
	expires time.Time
}

// mediaUploadAnswer is media/upload's success answer; thumb uploads carry
// thumb_media_id instead of media_id.
type mediaUploadAnswer struct {
	Type         string `json:"type"`
	MediaID      string `json:"media_id,omitempty"`
	ThumbMediaID string `json:"thumb_media_id,omitempty"`
	CreatedAt    int64  `json:"created_at"`
}

// mediaVideoURLAnswer is media/get's answer for a video.
type mediaVideoURLAnswer struct {
	VideoURL string `json:"video_url"`
}

// uploadImgAnswer is media/uploadimg's answer.
type uploadImgAnswer struct {
	URL string `json:"url"`
}

// purgeMedia forgets the temporary media that expired by now (upload order is expiry
// order: the clock never goes back).
func (cs *contentState) purgeMedia(now time.Time) {
	n := 0
	for n < len(cs.mediaOrder) && !now.Before(cs.mediaOrder[n].expires) {
		delete(cs.media, cs.mediaOrder[n].id)
		n++
	}
	if n > 0 {
		cs.mediaOrder = append(cs.mediaOrder[:0:0], cs.mediaOrder[n:]...)
	}
}

// liveMedia returns the temporary media id if it exists and has not expired.
func (cs *contentState) liveMedia(id string, now time.Time) (*tempMedia, bool) {
	m, ok := cs.media[id]
	if !ok || !now.Before(m.expires) {
		return nil, false
	}
	return m, true
}

// serveMediaUpload answers POST media/upload?type=image|voice|video|thumb (multipart,
// field media).
func (s *Sandbox) serveMediaUpload(c *apiCall) answer {
	kind := c.q.Get("type")
	rule, ok := tempRules[kind]
	if !ok {
		return fail(codeContentInvalidMediaType)
	}
	f, _, code := readMediaUpload(c)
	if code != codeOK {
		return fail(code)
	}
	if code := rule.check(f); code != codeOK {
		return fail(code)
	}
	cs := &c.a.content
	cs.purgeMedia(c.now)
	if cs.media == nil {
		cs.media = make(map[string]*tempMedia)
	}
	m := &tempMedia{id: s.randString(64), kind: kind, name: f.name, data: f.data, format: f.format,
		created: c.now, expires: c.now.Add(mediaLifetime)}
	cs.media[m.id] = m
	cs.mediaOrder = append(cs.mediaOrder, m)
	out := mediaUploadAnswer{Type: kind, CreatedAt: c.now.Unix()}
	if kind == "thumb" {
		out.ThumbMediaID = m.id
	} else {
		out.MediaID = m.id
	}
	return succeed(out)
}

// serveMediaGet answers GET media/get?media_id=: the file's bytes, or {"video_url"} for a
// video. Unknown or expired ids get 40007.
func (s *Sandbox) serveMediaGet(c *apiCall) answer {
	m, ok := c.a.content.liveMedia(c.q.Get("media_id"), c.now)
	if !ok {
		return fail(codeContentInvalidMediaID)
	}
	if m.kind == "video" {
		// Sandbox choice: a URL shaped like the platform's video CDN; the sandbox does not
		// serve it.
		return succeed(mediaVideoURLAnswer{VideoURL: "http://mpvideo.qpic.cn/sandbox/" + m.id + ".mp4"})
	}
	return answer{raw: m.data, rawType: formatContentTypes[m.format]}
}

// serveMediaUploadImg answers POST media/uploadimg (multipart, field media): a jpg or png
// below 1 MB, answered with a URL. It counts toward no material limit.
func (s *Sandbox) serveMediaUploadImg(c *apiCall) answer {
	f, _, code := readMediaUpload(c)
	if code != codeOK {
		return fail(code)
	}
	if code := uploadImgRule.check(f); code != codeOK {
		return fail(code)
	}
	c.a.content.imageURLs++
	return succeed(uploadImgAnswer{URL: "http://mmbiz.qpic.cn/mmbiz_" + string(f.format) + "/" + s.randAlnum(40) + "/0"})
}
