package sandbox

// This file emulates the content endpoints (behaviour.md §4): temporary media
// (content_media.go), permanent material (content_material.go) and the comments on
// published articles (content_comment.go). This file holds the account's content state,
// the endpoint table and the file checks the upload endpoints share.

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"path"
	"strings"
	"time"
)

// Paths of the content endpoints.
const (
	pathMediaUpload      = "/cgi-bin/media/upload"
	pathMediaGet         = "/cgi-bin/media/get"
	pathMediaUploadImg   = "/cgi-bin/media/uploadimg"
	pathMaterialAdd      = "/cgi-bin/material/add_material"
	pathMaterialAddNews  = "/cgi-bin/material/add_news"
	pathMaterialGet      = "/cgi-bin/material/get_material"
	pathMaterialDel      = "/cgi-bin/material/del_material"
	pathMaterialUpdate   = "/cgi-bin/material/update_news"
	pathMaterialCount    = "/cgi-bin/material/get_materialcount"
	pathMaterialBatchGet = "/cgi-bin/material/batchget_material"
	pathCommentOpen      = "/cgi-bin/comment/open"
	pathCommentClose     = "/cgi-bin/comment/close"
	pathCommentList      = "/cgi-bin/comment/list"
	pathCommentMarkElect = "/cgi-bin/comment/markelect"
	pathCommentUnmark    = "/cgi-bin/comment/unmarkelect"
	pathCommentDelete    = "/cgi-bin/comment/delete"
	pathCommentReplyAdd  = "/cgi-bin/comment/reply/add"
	pathCommentReplyDel  = "/cgi-bin/comment/reply/delete"
)

// maxUploadBody bounds the body of an upload: the largest file (10 MB) plus room for the
// multipart framing and the video description. Larger bodies get 47001 before the file
// is looked at. Sandbox choice: the platform's transport limit is not documented.
const maxUploadBody = 12 << 20

// contentState is the account's state in this domain. Guarded by Sandbox.mu.
type contentState struct {
	media      map[string]*tempMedia // temporary media by media_id
	mediaOrder []*tempMedia          // in upload order (= expiry order): the purge queue

	materials map[string]*permMaterial         // permanent material by media_id
	lists     map[materialKind][]*permMaterial // by kind, in creation order

	published map[uint32]*publishedNews // published news by msg_data_id
	nextMsgID uint32                    // the next msg_data_id; 0 until the first publish

	imageURLs int // images uploaded with media/uploadimg (they count toward nothing)
}

// registerContent adds the content endpoints to m.
func registerContent(m map[string]endpoint) {
	post := func(serve func(*Sandbox, *apiCall) answer) endpoint {
		return endpoint{method: "POST", serve: serve}
	}
	upload := func(serve func(*Sandbox, *apiCall) answer) endpoint {
		return endpoint{method: "POST", maxBody: maxUploadBody, serve: serve}
	}
	m[pathMediaUpload] = upload((*Sandbox).serveMediaUpload)
	m[pathMediaGet] = endpoint{method: "GET", serve: (*Sandbox).serveMediaGet}
	m[pathMediaUploadImg] = upload((*Sandbox).serveMediaUploadImg)
	m[pathMaterialAdd] = upload((*Sandbox).serveMaterialAdd)
	m[pathMaterialAddNews] = post((*Sandbox).serveMaterialAddNews)
	m[pathMaterialGet] = post((*Sandbox).serveMaterialGet)
	m[pathMaterialDel] = post((*Sandbox).serveMaterialDel)
	m[pathMaterialUpdate] = post((*Sandbox).serveMaterialUpdateNews)
	m[pathMaterialCount] = endpoint{method: "GET", serve: (*Sandbox).serveMaterialCount}
	m[pathMaterialBatchGet] = post((*Sandbox).serveMaterialBatchGet)
	m[pathCommentOpen] = post((*Sandbox).serveCommentOpen)
	m[pathCommentClose] = post((*Sandbox).serveCommentClose)
	m[pathCommentList] = post((*Sandbox).serveCommentList)
	m[pathCommentMarkElect] = post((*Sandbox).serveCommentMarkElect)
	m[pathCommentUnmark] = post((*Sandbox).serveCommentUnmarkElect)
	m[pathCommentDelete] = post((*Sandbox).serveCommentDelete)
	m[pathCommentReplyAdd] = post((*Sandbox).serveCommentReplyAdd)
	m[pathCommentReplyDel] = post((*Sandbox).serveCommentReplyDelete)
}

// Errors of the content methods of Sandbox (admin API and sandboxtest).
var (
	// ErrUnknownMaterial is wrapped when a media_id names no permanent news material.
	ErrUnknownMaterial = errors.New("unknown news material")
	// ErrUnknownArticle is wrapped when a msg_data_id and index name no published article.
	ErrUnknownArticle = errors.New("unknown published article")
	// ErrCommentsClosed is wrapped when a simulated user comments on an article whose
	// comments are closed, or which only followers may comment on.
	ErrCommentsClosed = errors.New("comments are not open to this user")
)

// fileFormat is a file format the upload endpoints recognise by its first bytes.
type fileFormat string

// The formats media and material uploads accept somewhere.
const (
	formatJPEG fileFormat = "jpeg"
	formatPNG  fileFormat = "png"
	formatGIF  fileFormat = "gif"
	formatBMP  fileFormat = "bmp"
	formatAMR  fileFormat = "amr"
	formatMP3  fileFormat = "mp3"
	formatWAV  fileFormat = "wav"
	formatWMA  fileFormat = "wma"
	formatMP4  fileFormat = "mp4"
)

// formatContentTypes are the Content-Types of the formats (media/get and get_material answers).
var formatContentTypes = map[fileFormat]string{
	formatJPEG: "image/jpeg", formatPNG: "image/png", formatGIF: "image/gif", formatBMP: "image/bmp",
	formatAMR: "audio/amr", formatMP3: "audio/mpeg", formatWAV: "audio/wav", formatWMA: "audio/x-ms-wma",
	formatMP4: "video/mp4",
}

// asfHeader starts WMA (ASF) files.
var asfHeader = []byte{0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C}

// sniffFileFormat names the format of data by its magic bytes; "" when none matches.
func sniffFileFormat(data []byte) fileFormat {
	switch {
	case len(data) >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF:
		return formatJPEG
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return formatPNG
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return formatGIF
	case bytes.HasPrefix(data, []byte("BM")) && len(data) >= 14:
		return formatBMP
	case bytes.HasPrefix(data, []byte("#!AMR")):
		return formatAMR
	case bytes.HasPrefix(data, []byte("ID3")), len(data) >= 2 && data[0] == 0xFF && data[1]&0xE0 == 0xE0:
		return formatMP3
	case len(data) >= 12 && bytes.Equal(data[:4], []byte("RIFF")) && bytes.Equal(data[8:12], []byte("WAVE")):
		return formatWAV
	case bytes.HasPrefix(data, asfHeader):
		return formatWMA
	case len(data) >= 8 && bytes.Equal(data[4:8], []byte("ftyp")):
		return formatMP4
	}
	return ""
}

// uploadRule is what one kind of upload accepts.
type uploadRule struct {
	formats  []fileFormat
	exts     []string // file name extensions, lower case, with the dot
	maxSize  int      // bytes; larger files are refused with sizeCode
	sizeCode int
}

// Upload rules (behaviour.md §4.1, §4.2, Q1). Sandbox choices: 1 MB = 1 MiB; images are
// 10 MB for temporary media (the seed's console limits) and for permanent material too
// (its doc says the limits equal the console's; an older copy says 2 MB); the size codes
// are the type-specific 40009–40012.
var (
	tempRules = map[string]uploadRule{
		"image": {formats: []fileFormat{formatPNG, formatJPEG, formatGIF}, exts: []string{".png", ".jpeg", ".jpg", ".gif"}, maxSize: 10 << 20, sizeCode: codeContentInvalidImageSize},
		"voice": {formats: []fileFormat{formatAMR, formatMP3}, exts: []string{".amr", ".mp3"}, maxSize: 2 << 20, sizeCode: codeContentInvalidVoiceSize},
		"video": {formats: []fileFormat{formatMP4}, exts: []string{".mp4"}, maxSize: 10 << 20, sizeCode: codeContentInvalidVideoSize},
		"thumb": {formats: []fileFormat{formatJPEG}, exts: []string{".jpg", ".jpeg"}, maxSize: 64 << 10, sizeCode: codeContentInvalidThumbSize},
	}
	materialRules = map[string]uploadRule{
		"image": {formats: []fileFormat{formatBMP, formatPNG, formatJPEG, formatGIF}, exts: []string{".bmp", ".png", ".jpeg", ".jpg", ".gif"}, maxSize: 10 << 20, sizeCode: codeContentInvalidImageSize},
		"voice": {formats: []fileFormat{formatMP3, formatWMA, formatWAV, formatAMR}, exts: []string{".mp3", ".wma", ".wav", ".amr"}, maxSize: 2 << 20, sizeCode: codeContentInvalidVoiceSize},
		"video": {formats: []fileFormat{formatMP4}, exts: []string{".mp4"}, maxSize: 10 << 20, sizeCode: codeContentInvalidVideoSize},
		"thumb": {formats: []fileFormat{formatJPEG}, exts: []string{".jpg", ".jpeg"}, maxSize: 64 << 10, sizeCode: codeContentInvalidThumbSize},
	}
	// uploadImgRule is media/uploadimg: jpg or png below 1 MB.
	uploadImgRule = uploadRule{formats: []fileFormat{formatJPEG, formatPNG}, exts: []string{".jpg", ".jpeg", ".png"}, maxSize: 1<<20 - 1, sizeCode: codeContentInvalidImageSize}
)

// maxVoiceSeconds is the longest voice file (45007 beyond it).
const maxVoiceSeconds = 60

// uploadedMedia is the `media` part of an upload.
type uploadedMedia struct {
	name   string
	data   []byte
	format fileFormat
}

// readMediaUpload reads the multipart body of c: the file in the form field `media` and the
// other form fields (small values only). code is 41005 when the body is not multipart or
// has no media part, 44001 for an empty file.
func readMediaUpload(c *apiCall) (f uploadedMedia, fields map[string]string, code int) {
	mt, params, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return f, nil, codeContentMediaDataMissing
	}
	mr := multipart.NewReader(bytes.NewReader(c.body), params["boundary"])
	fields = make(map[string]string)
	found := false
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return f, nil, codeContentMediaDataMissing
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return f, nil, codeContentMediaDataMissing
		}
		switch name := p.FormName(); {
		case name == "media" && !found:
			found = true
			f = uploadedMedia{name: p.FileName(), data: data}
		case name != "" && len(data) <= 64<<10:
			fields[name] = string(data)
		}
	}
	if !found {
		return f, nil, codeContentMediaDataMissing
	}
	if len(f.data) == 0 {
		return f, nil, codeContentEmptyMediaData
	}
	f.format = sniffFileFormat(f.data)
	return f, fields, codeOK
}

// check applies r to f: 40005 when the content is not one of the rule's formats, 40113
// when the file name's extension is not one of its extensions (sandbox choice: the
// platform is known to refuse uploads whose file name has no extension), the rule's size
// code when f is too big, and 45007 for AMR or MP3 voice over 60 s.
func (r uploadRule) check(f uploadedMedia) int {
	okFormat := false
	for _, ff := range r.formats {
		okFormat = okFormat || ff == f.format
	}
	if !okFormat {
		return codeContentInvalidFileType
	}
	ext := strings.ToLower(path.Ext(f.name))
	okExt := false
	for _, e := range r.exts {
		okExt = okExt || e == ext
	}
	if !okExt {
		return codeContentUnsupportedFile
	}
	if len(f.data) > r.maxSize {
		return r.sizeCode
	}
	var d time.Duration
	switch f.format {
	case formatAMR:
		d, _ = amrDuration(f.data)
	case formatMP3:
		d = mp3Duration(f.data)
	}
	if d > maxVoiceSeconds*time.Second {
		return codeContentPlaytimeLimit
	}
	return codeOK
}

// MPEG audio bitrates (kbit/s) by [MPEG-1][layer 1..3][index], and sample rates by
// version bits (0 MPEG-2.5, 2 MPEG-2, 3 MPEG-1).
var (
	mp3Bitrates = [2][3][16]int{
		{{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256, 0},
			{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0},
			{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0}},
		{{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448, 0},
			{0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 0},
			{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0}},
	}
	mp3Rates = [4][3]int{{11025, 12000, 8000}, {}, {22050, 24000, 16000}, {44100, 48000, 32000}}
)

// mp3Duration adds up the frames of an MP3 file after its ID3v2 tag until the frame
// sync is lost (a lower bound for damaged files).
func mp3Duration(data []byte) time.Duration {
	i := 0
	if len(data) >= 10 && bytes.HasPrefix(data, []byte("ID3")) {
		i = 10 + (int(data[6]&0x7F)<<21 | int(data[7]&0x7F)<<14 | int(data[8]&0x7F)<<7 | int(data[9]&0x7F))
		if data[5]&0x10 != 0 {
			i += 10
		}
	}
	var total time.Duration
	for i+4 <= len(data) {
		h := data[i : i+4]
		if h[0] != 0xFF || h[1]&0xE0 != 0xE0 {
			break
		}
		ver, lbits := int(h[1]>>3)&3, int(h[1]>>1)&3
		bi, si, pad := int(h[2]>>4), int(h[2]>>2)&3, int(h[2]>>1)&1
		if ver == 1 || lbits == 0 || bi == 0 || bi == 15 || si == 3 {
			break
		}
		layer, v1 := 4-lbits, 0
		if ver == 3 {
			v1 = 1
		}
		rate := mp3Rates[ver][si]
		bitrate := mp3Bitrates[v1][layer-1][bi] * 1000
		size, samples := 144*bitrate/rate+pad, 1152
		switch {
		case layer == 1:
			size, samples = (12*bitrate/rate+pad)*4, 384
		case layer == 3 && v1 == 0:
			size, samples = 72*bitrate/rate+pad, 576
		}
		if size < 4 {
			break
		}
		total += time.Duration(samples) * time.Second / time.Duration(rate)
		i += size
	}
	return total
}

// amrFrameBytes are the frame sizes (header byte included) of AMR-NB frame types 0–15.
var amrFrameBytes = [16]int{13, 14, 16, 18, 20, 21, 27, 32, 6, 0, 0, 0, 0, 0, 0, 1}

// amrDuration is the playing time of an AMR-NB file (20 ms a frame); ok is false for
// AMR-WB and damaged files, whose length the sandbox does not check.
func amrDuration(data []byte) (time.Duration, bool) {
	const magic = "#!AMR\n"
	if !bytes.HasPrefix(data, []byte(magic)) {
		return 0, false
	}
	frames := 0
	for i := len(magic); i < len(data); {
		size := amrFrameBytes[(data[i]>>3)&0x0F]
		if size == 0 {
			return 0, false
		}
		i += size
		frames++
	}
	return time.Duration(frames) * 20 * time.Millisecond, true
}

// materialIDBody is the {"media_id"} body of get_material and del_material.
type materialIDBody struct {
	MediaID string `json:"media_id"`
}
