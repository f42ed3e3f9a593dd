package sandbox

// The smart endpoints (智能接口): semantic understanding, voice recognition, translation
// (smart_language.go), OCR and image processing (smart_vision.go). The platform's
// recognisers cannot be emulated, so their answers come from fixtures a test (or a
// developer trying the sandbox) registers with the exported SetSmart* methods below.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"unicode/utf8"
)

// Errcodes of the smart endpoints. The 1010xx codes are the OCR and image pages' own
// table; the 70000xx codes the semantic page's; the others are the platform's generic
// codes for the same situations (behaviour.md §0 and §4), chosen where the smart pages
// are silent.
const (
	codeSmartInvalidImageURL  = 101000  // image URL invalid or not fetchable
	codeSmartNotFound         = 101001  // nothing recognisable (certificate/code not found)
	codeSmartImageData        = 101002  // image data invalid or too large
	codeSmartQuota            = 101003  // recognition quota used up (faults only)
	codeSmartSemanticNone     = 7000000 // request fine, no semantic result
	codeSmartSemanticMissing  = 7000001 // a required parameter is missing
	codeSmartSemanticBadParam = 7000002 // a parameter is invalid
	codeSmartSemanticDenied   = 7000003 // no access (appid is not the caller's)
	codeSmartInvalidFileType  = 40005   // voice not an mp3 / unknown format
	codeSmartInvalidVoiceSize = 40010   // voice larger than 1 MiB
	codeSmartMediaMissing     = 41005   // no voice data in the upload
	codeSmartContentTooLong   = 45002   // translation text over 600 bytes
	codeSmartInvalidCharset   = 40033   // translation text not UTF-8
)

// smartErrmsgs are the errmsg texts of the smart errcodes.
var smartErrmsgs = map[int]string{
	codeSmartInvalidImageURL:  "invalid image url",
	codeSmartNotFound:         "certificate not found",
	codeSmartImageData:        "decode image failed",
	codeSmartQuota:            "not enough market quota",
	codeSmartSemanticNone:     "请求正常，无语义结果",
	codeSmartSemanticMissing:  "缺失参数",
	codeSmartSemanticBadParam: "参数错误",
	codeSmartSemanticDenied:   "没有访问权限",
	codeSmartInvalidFileType:  "invalid file type",
	codeSmartInvalidVoiceSize: "invalid voice size",
	codeSmartMediaMissing:     "media data missing",
	codeSmartContentTooLong:   "content size out of limit",
	codeSmartInvalidCharset:   "invalid charset. please check your request, if include \\uxxxx will create fail!",
	codeInvalidArgs:           "invalid args",
	codeMissingFields:         "missing required fields! please check document and request json!",
}

// smartFail is the errcode answer of a smart endpoint, with its documented errmsg.
func smartFail(code int) answer {
	return answer{errcode: code, errmsg: smartErrmsgs[code]}
}

// smartFailMsg is smartFail with a more specific errmsg.
func smartFailMsg(code int, msg string) answer { return answer{errcode: code, errmsg: msg} }

// Limits of the smart endpoints.
const (
	smartMaxImage      = 2 << 20 // img uploads: "小于2M"
	smartMaxImageURL   = 2048    // sandbox bound on img_url
	smartMaxVoice      = 1 << 20 // voice uploads: "最大1M"
	smartMaxTranslate  = 600     // translatecontent: "utf8格式，最大600Byte"
	smartMaxFixture    = 64 << 10
	smartMaxVoiceIDLen = 128 // sandbox bound; the platform documents none
)

// smartState is an account's semantic, voice, translation, OCR and image calls state:
// the registered recognition fixtures and the uploaded voices.
type smartState struct {
	// images maps kind → image key (smartImageKey) → the answer's fields.
	images map[string]map[string]map[string]json.RawMessage
	// voices maps voice_id → the uploaded voice.
	voices map[string]smartVoice
	// transcripts maps smartTranscriptKey(audio hash, lang) → text.
	transcripts map[string]string
	// translations maps smartTranslationKey(lfrom, lto, text) → translation.
	translations map[string]string
	// semantic maps a query → the answer's fields (type, semantic, result, answer, text).
	semantic map[string]map[string]json.RawMessage
}

// smartVoice is one uploaded voice.
type smartVoice struct {
	hash string // sha256 of the audio, hex
	lang string
}

// registerSmart adds the semantic, voice, translation, OCR and image calls endpoints to m.
// Every one is a POST (the platform's pages say so, and the SDKs post even the calls
// with an img_url and no body).
func registerSmart(m map[string]endpoint) {
	post := func(serve func(*Sandbox, *apiCall) answer, maxBody int64) endpoint {
		return endpoint{method: http.MethodPost, maxBody: maxBody, serve: serve}
	}
	m["/semantic/semproxy/search"] = post((*Sandbox).serveSmartSemantic, 0)
	m["/cgi-bin/media/voice/addvoicetorecofortext"] = post((*Sandbox).serveSmartAddVoice, smartMaxVoice+64<<10)
	m["/cgi-bin/media/voice/queryrecoresultfortext"] = post((*Sandbox).serveSmartQueryVoice, 0)
	m["/cgi-bin/media/voice/translatecontent"] = post((*Sandbox).serveSmartTranslate, 0)
	for kind := range smartImageKinds {
		m[smartImagePaths[kind]] = post(smartImageServer(kind), smartMaxImage+64<<10)
	}
	m[smartImagePaths[smartKindSuperResolution]] = post((*Sandbox).serveSmartSuperResolution, smartMaxImage+64<<10)
}

// smartAccount returns appID's account; s.mu must be held.
func (s *Sandbox) smartAccount(appID string) (*account, error) {
	a, ok := s.accounts[appID]
	if !ok {
		return nil, unknownAccount(appID)
	}
	return a, nil
}

// SetSmartImageResult registers what the recogniser kind finds in an image, for the
// account appID: kind is one of idcard, bankcard, drivinglicense, bizlicense, comm,
// platenum, menu (the cv/ocr paths), qrcode or aicrop (the cv/img paths). The image is
// named either by imgURL (calls with that img_url) or by its bytes img (uploads of the
// same bytes); exactly one is set. result is a JSON object with the fields of the
// endpoint's answer without errcode and errmsg, e.g. {"type":"Front","name":"张三",
// "id":"..."} for idcard; unknown fields are refused. A nil result removes the fixture.
// Calls about an image without a fixture get errcode 101001. Errors are
// *[ArgumentError]s or wrap [ErrUnknownAccount].
func (s *Sandbox) SetSmartImageResult(appID, kind, imgURL string, img, result []byte) error {
	if _, ok := smartImageKinds[kind]; !ok {
		return &ArgumentError{Field: "kind", Reason: fmt.Sprintf("must be one of %s, got %q", smartImageKindList(), kind)}
	}
	key, err := smartFixtureImageKey(imgURL, img)
	if err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if result != nil {
		if fields, err = smartDecodeFixture(result, smartImageKinds[kind]); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.smartAccount(appID)
	if err != nil {
		return err
	}
	st := &a.smart
	if fields == nil {
		delete(st.images[kind], key)
		return nil
	}
	if st.images == nil {
		st.images = make(map[string]map[string]map[string]json.RawMessage)
	}
	if st.images[kind] == nil {
		st.images[kind] = make(map[string]map[string]json.RawMessage)
	}
	st.images[kind][key] = fields
	return nil
}

// SetSmartVoiceTranscript registers the text the platform recognises in the audio voice
// (an mp3 as uploaded) spoken in lang (zh_CN, en_US; empty means zh_CN), for the
// account appID. queryrecoresultfortext of a voice uploaded with the same bytes and
// lang answers text; a voice nothing is registered for is recognised as "" (silence).
func (s *Sandbox) SetSmartVoiceTranscript(appID string, voice []byte, lang, text string) error {
	if len(voice) == 0 || len(voice) > smartMaxVoice {
		return &ArgumentError{Field: "voice", Reason: fmt.Sprintf("must be 1 to %d bytes, got %d", smartMaxVoice, len(voice))}
	}
	if lang == "" {
		lang = smartLangZH
	}
	if !smartLangs[lang] {
		return &ArgumentError{Field: "lang", Reason: fmt.Sprintf("must be zh_CN or en_US, got %q", lang)}
	}
	if !utf8.ValidString(text) || len(text) > smartMaxFixture {
		return &ArgumentError{Field: "text", Reason: fmt.Sprintf("must be UTF-8 of at most %d bytes", smartMaxFixture)}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.smartAccount(appID)
	if err != nil {
		return err
	}
	if a.smart.transcripts == nil {
		a.smart.transcripts = make(map[string]string)
	}
	a.smart.transcripts[smartTranscriptKey(smartHash(voice), lang)] = text
	return nil
}

// SetSmartTranslation registers the translation of text from lfrom into lto (zh_CN or
// en_US) for the account appID. translatecontent of a text nothing is registered for
// answers the text unchanged.
func (s *Sandbox) SetSmartTranslation(appID, lfrom, lto, text, translation string) error {
	switch {
	case !smartLangs[lfrom]:
		return &ArgumentError{Field: "lfrom", Reason: fmt.Sprintf("must be zh_CN or en_US, got %q", lfrom)}
	case !smartLangs[lto]:
		return &ArgumentError{Field: "lto", Reason: fmt.Sprintf("must be zh_CN or en_US, got %q", lto)}
	case text == "" || len(text) > smartMaxTranslate || !utf8.ValidString(text):
		return &ArgumentError{Field: "text", Reason: fmt.Sprintf("must be 1 to %d bytes of UTF-8", smartMaxTranslate)}
	case !utf8.ValidString(translation) || len(translation) > smartMaxFixture:
		return &ArgumentError{Field: "translation", Reason: fmt.Sprintf("must be UTF-8 of at most %d bytes", smartMaxFixture)}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.smartAccount(appID)
	if err != nil {
		return err
	}
	if a.smart.translations == nil {
		a.smart.translations = make(map[string]string)
	}
	a.smart.translations[smartTranslationKey(lfrom, lto, text)] = translation
	return nil
}

// SetSmartSemanticAnswer registers the semantic service's answer to query for the
// account appID. answer is a JSON object with the answer's fields besides errcode and
// query: type (the category, required), semantic ({"details":{...},"intent":"..."}),
// result, answer and text. A search whose categories do not include the answer's type,
// or of a query nothing is registered for, gets errcode 7000000 (no semantic result).
// A nil answer removes the fixture.
func (s *Sandbox) SetSmartSemanticAnswer(appID, query string, answer []byte) error {
	if query == "" || len(query) > smartMaxFixture {
		return &ArgumentError{Field: "query", Reason: "must be 1 to 65536 bytes"}
	}
	var fields map[string]json.RawMessage
	if answer != nil {
		var err error
		if fields, err = smartDecodeFixture(answer, &smartSemanticFixture{}); err != nil {
			return err
		}
		var typ string
		if json.Unmarshal(fields["type"], &typ) != nil || typ == "" {
			return &ArgumentError{Field: "answer.type", Reason: "is required (the matched category)"}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.smartAccount(appID)
	if err != nil {
		return err
	}
	if fields == nil {
		delete(a.smart.semantic, query)
		return nil
	}
	if a.smart.semantic == nil {
		a.smart.semantic = make(map[string]map[string]json.RawMessage)
	}
	a.smart.semantic[query] = fields
	return nil
}

// smartDecodeFixture checks that data is a JSON object of shape (unknown fields and
// errcode/errmsg refused) and returns its members.
func smartDecodeFixture(data []byte, shape any) (map[string]json.RawMessage, error) {
	if len(data) > smartMaxFixture {
		return nil, &ArgumentError{Field: "result", Reason: fmt.Sprintf("must be at most %d bytes", smartMaxFixture)}
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil || fields == nil {
		return nil, &ArgumentError{Field: "result", Reason: "must be a JSON object"}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(shape); err != nil {
		return nil, &ArgumentError{Field: "result", Reason: "does not fit the endpoint's answer: " + err.Error()}
	}
	return fields, nil
}

// smartHash is the hex sha256 of data.
func smartHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func smartTranscriptKey(hash, lang string) string { return lang + "\x00" + hash }

func smartTranslationKey(lfrom, lto, text string) string { return lfrom + "\x00" + lto + "\x00" + text }

// Languages of the voice and translation calls.
const (
	smartLangZH = "zh_CN"
	smartLangEN = "en_US"
)

var smartLangs = map[string]bool{smartLangZH: true, smartLangEN: true}
