package sandbox

// Semantic understanding (semantic/semproxy/search), voice recognition
// (media/voice/addvoicetorecofortext, queryrecoresultfortext) and translation
// (media/voice/translatecontent).

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"unicode/utf8"
)

// smartSemanticRequest is the body of semantic/semproxy/search.
type smartSemanticRequest struct {
	Query     string   `json:"query"`
	Category  string   `json:"category"`
	City      string   `json:"city"`
	Region    string   `json:"region"`
	Latitude  *float64 `json:"latitude"`
	Longitude *float64 `json:"longitude"`
	AppID     string   `json:"appid"`
	UID       string   `json:"uid"`
}

// smartSemanticFixture is the shape of a registered semantic answer.
type smartSemanticFixture struct {
	Type     string `json:"type"`
	Semantic *struct {
		Details map[string]any `json:"details"`
		Intent  string         `json:"intent"`
	} `json:"semantic"`
	Result map[string]any `json:"result"`
	Answer string         `json:"answer"`
	Text   string         `json:"text"`
}

// smartCategory is one category name of a semantic search.
var smartCategory = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// serveSmartSemantic answers semantic/semproxy/search: query, category and appid are
// required (7000001), appid must be the caller's (7000003), latitude and longitude go
// together and in range (7000002); the answer is the fixture registered for the query
// when its type is among the categories, else 7000000.
func (s *Sandbox) serveSmartSemantic(c *apiCall) answer {
	var req smartSemanticRequest
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.Query == "" || req.Category == "" || req.AppID == "" {
		return smartFail(codeSmartSemanticMissing)
	}
	if req.AppID != c.a.AppID {
		return smartFail(codeSmartSemanticDenied)
	}
	if (req.Latitude == nil) != (req.Longitude == nil) ||
		(req.Latitude != nil && (*req.Latitude < -90 || *req.Latitude > 90 || *req.Longitude < -180 || *req.Longitude > 180)) {
		return smartFail(codeSmartSemanticBadParam)
	}
	categories := strings.Split(req.Category, ",")
	for _, cat := range categories {
		if !smartCategory.MatchString(cat) {
			return smartFail(codeSmartSemanticBadParam)
		}
	}
	fields, ok := c.a.smart.semantic[req.Query]
	if !ok {
		return smartFail(codeSmartSemanticNone)
	}
	var typ string
	_ = json.Unmarshal(fields["type"], &typ) // checked when registered
	found := false
	for _, cat := range categories {
		found = found || cat == typ
	}
	if !found {
		return smartFail(codeSmartSemanticNone)
	}
	out := make(map[string]json.RawMessage, len(fields)+2)
	for k, v := range fields {
		out[k] = v
	}
	q, _ := json.Marshal(req.Query) // a decoded string always encodes
	out["errcode"] = json.RawMessage("0")
	out["query"] = q
	return succeed(out)
}

// smartVoiceAnswer is queryrecoresultfortext's answer.
type smartVoiceAnswer struct {
	Errcode int    `json:"errcode"`
	Errmsg  string `json:"errmsg"`
	Result  string `json:"result"`
	IsEnd   bool   `json:"is_end"`
}

// smartTranslateAnswer is translatecontent's answer.
type smartTranslateAnswer struct {
	Errcode     int    `json:"errcode"`
	Errmsg      string `json:"errmsg"`
	FromContent string `json:"from_content"`
	ToContent   string `json:"to_content"`
}

// smartLang reads the lang query parameter: empty means zh_CN; another value than
// zh_CN and en_US is 40097.
func smartLang(c *apiCall, name string) (string, int) {
	lang := c.q.Get(name)
	if lang == "" {
		return smartLangZH, codeOK
	}
	if !smartLangs[lang] {
		return "", codeInvalidArgs
	}
	return lang, codeOK
}

// smartIsMP3 reports whether data starts like an mp3: an ID3 tag or an MPEG audio frame
// sync.
func smartIsMP3(data []byte) bool {
	return bytes.HasPrefix(data, []byte("ID3")) || (len(data) >= 2 && data[0] == 0xFF && data[1]&0xE0 == 0xE0)
}

// serveSmartAddVoice answers media/voice/addvoicetorecofortext?format=&voice_id=&lang=:
// the voice (multipart field media, or the raw body) must be an mp3 of at most 1 MiB
// under a voice_id the account has not used yet.
//
// The page gives no errcodes; the sandbox answers the platform's upload codes: 41011
// without voice_id, 40005 for a format other than mp3 or data that is not an mp3, 41005
// without data, 40010 over 1 MiB, 40097 for an unknown lang or a voice_id used before.
// An empty format is taken as mp3 (the page's own example URL sends "format=").
func (s *Sandbox) serveSmartAddVoice(c *apiCall) answer {
	id := c.q.Get("voice_id")
	if id == "" {
		return smartFail(codeMissingFields)
	}
	if len(id) > smartMaxVoiceIDLen {
		return smartFailMsg(codeInvalidArgs, "invalid args: voice_id too long")
	}
	if f := c.q.Get("format"); f != "" && f != "mp3" {
		return smartFail(codeSmartInvalidFileType)
	}
	lang, code := smartLang(c, "lang")
	if code != codeOK {
		return smartFail(code)
	}
	data, code := smartReadUpload(c, "media")
	if code != codeOK {
		return smartFail(code)
	}
	switch {
	case len(data) == 0:
		return smartFail(codeSmartMediaMissing)
	case len(data) > smartMaxVoice:
		return smartFail(codeSmartInvalidVoiceSize)
	case !smartIsMP3(data):
		return smartFail(codeSmartInvalidFileType)
	}
	st := &c.a.smart
	if _, dup := st.voices[id]; dup {
		return smartFailMsg(codeInvalidArgs, "invalid args: voice_id already used")
	}
	if st.voices == nil {
		st.voices = make(map[string]smartVoice)
	}
	st.voices[id] = smartVoice{hash: smartHash(data), lang: lang}
	return succeed(envelope{Errmsg: "ok"})
}

// serveSmartQueryVoice answers media/voice/queryrecoresultfortext?voice_id=&lang=: the
// transcript registered for the voice's audio in the language it was uploaded with ("" when
// none), complete at once. A voice_id never uploaded is 40097 (the page is silent).
func (s *Sandbox) serveSmartQueryVoice(c *apiCall) answer {
	id := c.q.Get("voice_id")
	if id == "" {
		return smartFail(codeMissingFields)
	}
	if _, code := smartLang(c, "lang"); code != codeOK {
		return smartFail(code)
	}
	v, ok := c.a.smart.voices[id]
	if !ok {
		return smartFailMsg(codeInvalidArgs, "invalid args: unknown voice_id")
	}
	text := c.a.smart.transcripts[smartTranscriptKey(v.hash, v.lang)]
	return succeed(smartVoiceAnswer{Errmsg: "ok", Result: text, IsEnd: true})
}

// serveSmartTranslate answers media/voice/translatecontent?lfrom=&lto=: the body is the
// text (UTF-8, at most 600 bytes). lfrom and lto are required (41011) and zh_CN or
// en_US (40097); an empty body is 44002, a longer one 45002, one that is not UTF-8
// 40033. The translation is the registered one, else the text unchanged.
func (s *Sandbox) serveSmartTranslate(c *apiCall) answer {
	from, to := c.q.Get("lfrom"), c.q.Get("lto")
	if from == "" || to == "" {
		return smartFail(codeMissingFields)
	}
	if !smartLangs[from] || !smartLangs[to] {
		return smartFail(codeInvalidArgs)
	}
	text := c.body
	if mt := c.r.Header.Get("Content-Type"); strings.HasPrefix(mt, "multipart/") {
		// Some SDKs upload the text as a file part.
		data, code := smartReadUpload(c, "media")
		if code != codeOK {
			return smartFail(code)
		}
		text = data
	}
	switch {
	case len(text) == 0:
		return fail(codeEmptyPostData)
	case len(text) > smartMaxTranslate:
		return smartFail(codeSmartContentTooLong)
	case !utf8.Valid(text):
		return smartFail(codeSmartInvalidCharset)
	}
	src := string(text)
	out, ok := c.a.smart.translations[smartTranslationKey(from, to, src)]
	if !ok {
		out = src
	}
	return succeed(smartTranslateAnswer{Errmsg: "ok", FromContent: src, ToContent: out})
}
