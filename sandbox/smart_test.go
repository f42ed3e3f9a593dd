package sandbox_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

// smartPost posts body with contentType to path with query (plus the access token) and
// decodes the answer.
func smartPost(t *testing.T, env *sandboxtest.Env, token, path string, query url.Values, contentType string, body []byte) reply {
	t.Helper()
	q := url.Values{"access_token": {token}}
	for k, v := range query {
		q[k] = v
	}
	req, err := http.NewRequest(http.MethodPost, env.URL+path+"?"+q.Encode(), bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := env.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := reply{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Raw: string(data)}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("%s: answer %q is not JSON: %v", path, data, err)
	}
	_ = json.Unmarshal(data, &r.Fields)
	return r
}

// smartForm is a multipart body with one file part named field.
func smartForm(t *testing.T, field, filename string, data []byte) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	fw, err := w.CreateFormFile(field, filename)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = w.Close()
	return w.FormDataContentType(), b.Bytes()
}

// smartField returns the string member name of r's answer ("" when absent or not a string).
func (r reply) smartField(name string) string {
	var s string
	_ = json.Unmarshal(r.Fields[name], &s)
	return s
}

func TestSmartImages(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	tok := fetchToken(t, env)
	app := sandboxtest.DemoAppID
	card := sandboxtest.JPEG(4096)
	const cardURL = "https://example.com/idcard.jpg"
	if err := env.Sandbox.SetSmartImageResult(app, "idcard", cardURL, nil, []byte(`{"type":"Front","name":"张三","id":"110101199001011234"}`)); err != nil {
		t.Fatal(err)
	}
	if err := env.Sandbox.SetSmartImageResult(app, "idcard", "", card, []byte(`{"type":"Back","valid_date":"20070105-20270105"}`)); err != nil {
		t.Fatal(err)
	}
	if err := env.Sandbox.SetSmartImageResult(app, "aicrop", "", card, []byte(`{"results":[{"crop_left":1,"crop_top":2,"crop_right":3,"crop_bottom":4}],"img_size":{"w":10,"h":20}}`)); err != nil {
		t.Fatal(err)
	}
	form, formBody := smartForm(t, "img", "card.jpg", card)

	r := smartPost(t, env, tok, "/cv/ocr/idcard", url.Values{"img_url": {cardURL}, "type": {"photo"}}, "", nil)
	if r.Errcode != 0 || r.smartField("type") != "Front" || r.smartField("name") != "张三" || r.smartField("id") != "110101199001011234" || r.Errmsg != "ok" {
		t.Errorf("idcard by url = %s", r.Raw)
	}
	r = smartPost(t, env, tok, "/cv/ocr/idcard", nil, form, formBody)
	if r.Errcode != 0 || r.smartField("type") != "Back" || r.smartField("valid_date") != "20070105-20270105" {
		t.Errorf("idcard by upload = %s", r.Raw)
	}
	// The raw body works too; img_url wins over a body.
	if r = smartPost(t, env, tok, "/cv/ocr/idcard", nil, "image/jpeg", card); r.smartField("type") != "Back" {
		t.Errorf("idcard by raw body = %s", r.Raw)
	}
	if r = smartPost(t, env, tok, "/cv/ocr/idcard", url.Values{"img_url": {cardURL}}, form, formBody); r.smartField("type") != "Front" {
		t.Errorf("idcard by url and upload = %s", r.Raw)
	}
	if r = smartPost(t, env, tok, "/cv/img/aicrop", url.Values{"ratios": {"1,0.5"}}, form, formBody); r.Errcode != 0 || !strings.Contains(r.Raw, `"crop_bottom":4`) {
		t.Errorf("aicrop = %s", r.Raw)
	}
	r = smartPost(t, env, tok, "/cv/img/superresolution", nil, form, formBody)
	if r.Errcode != 0 || len(r.smartField("media_id")) != 64 {
		t.Errorf("superresolution = %s", r.Raw)
	}

	tests := []struct {
		name  string
		path  string
		query url.Values
		ctype string
		body  []byte
		want  int
	}{
		{name: "no fixture for the kind", path: "/cv/ocr/bankcard", query: url.Values{"img_url": {cardURL}}, want: 101001},
		{name: "no fixture for the url", path: "/cv/ocr/idcard", query: url.Values{"img_url": {"https://example.com/other.jpg"}}, want: 101001},
		{name: "no fixture for the bytes", path: "/cv/ocr/comm", ctype: "image/png", body: sandboxtest.PNG(100), want: 101001},
		{name: "relative url", path: "/cv/ocr/platenum", query: url.Values{"img_url": {"/a.jpg"}}, want: 101000},
		{name: "ftp url", path: "/cv/ocr/menu", query: url.Values{"img_url": {"ftp://example.com/a.jpg"}}, want: 101000},
		{name: "long url", path: "/cv/img/qrcode", query: url.Values{"img_url": {"https://e.com/" + strings.Repeat("a", 2048)}}, want: 101000},
		{name: "not an image", path: "/cv/ocr/bizlicense", ctype: "text/plain", body: []byte("hello"), want: 101002},
		{name: "image over 2 MiB", path: "/cv/ocr/drivinglicense", ctype: "image/jpeg", body: sandboxtest.JPEG(2<<20 + 1), want: 101002},
		{name: "no image", path: "/cv/ocr/idcard", want: 41011},
		{name: "superresolution without image", path: "/cv/img/superresolution", want: 41011},
		{name: "superresolution of text", path: "/cv/img/superresolution", ctype: "text/plain", body: []byte("x"), want: 101002},
		{name: "bad type", path: "/cv/ocr/idcard", query: url.Values{"img_url": {cardURL}, "type": {"fax"}}, want: 40097},
		{name: "six ratios", path: "/cv/img/aicrop", query: url.Values{"img_url": {cardURL}, "ratios": {"1,1,1,1,1,1"}}, want: 40097},
		{name: "negative ratio", path: "/cv/img/aicrop", query: url.Values{"img_url": {cardURL}, "ratios": {"-1"}}, want: 40097},
		{name: "broken multipart", path: "/cv/ocr/idcard", ctype: "multipart/form-data; boundary=x", body: []byte("--x\r\nbroken"), want: 47001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := smartPost(t, env, tok, tt.path, tt.query, tt.ctype, tt.body)
			if r.Errcode != tt.want || r.Errmsg == "" {
				t.Errorf("errcode %d (%s), want %d", r.Errcode, r.Raw, tt.want)
			}
		})
	}
	// The endpoints are POST only.
	if r := get(t, env, "/cv/ocr/idcard", url.Values{"access_token": {tok}, "img_url": {cardURL}}); r.Errcode != 43002 {
		t.Errorf("GET idcard = %s", r.Raw)
	}
	// Removing a fixture.
	if err := env.Sandbox.SetSmartImageResult(app, "idcard", cardURL, nil, nil); err != nil {
		t.Fatal(err)
	}
	if r := smartPost(t, env, tok, "/cv/ocr/idcard", url.Values{"img_url": {cardURL}}, "", nil); r.Errcode != 101001 {
		t.Errorf("after removal = %s", r.Raw)
	}
}

func TestSmartFixtureValidation(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	app := sandboxtest.DemoAppID
	img := sandboxtest.PNG(64)
	tests := []struct {
		name      string
		set       func() error
		wantField string
	}{
		{name: "unknown kind", set: func() error {
			return env.Sandbox.SetSmartImageResult(app, "face", "https://e.com/a", nil, []byte(`{}`))
		}, wantField: "kind"},
		{name: "superresolution is not a fixture kind", set: func() error {
			return env.Sandbox.SetSmartImageResult(app, "superresolution", "https://e.com/a", nil, []byte(`{}`))
		}, wantField: "kind"},
		{name: "url and img", set: func() error {
			return env.Sandbox.SetSmartImageResult(app, "comm", "https://e.com/a", img, []byte(`{}`))
		}, wantField: "img_url"},
		{name: "neither", set: func() error { return env.Sandbox.SetSmartImageResult(app, "comm", "", nil, []byte(`{}`)) }, wantField: "img_url"},
		{name: "bad url", set: func() error { return env.Sandbox.SetSmartImageResult(app, "comm", "e.com/a", nil, []byte(`{}`)) }, wantField: "img_url"},
		{name: "not an image", set: func() error { return env.Sandbox.SetSmartImageResult(app, "comm", "", []byte("text"), []byte(`{}`)) }, wantField: "img"},
		{name: "unknown field", set: func() error {
			return env.Sandbox.SetSmartImageResult(app, "platenum", "https://e.com/a", nil, []byte(`{"plate":"x"}`))
		}, wantField: "result"},
		{name: "wrong type", set: func() error {
			return env.Sandbox.SetSmartImageResult(app, "menu", "https://e.com/a", nil, []byte(`{"content":{"menu_items":[{"price":"x"}]}}`))
		}, wantField: "result"},
		{name: "array", set: func() error {
			return env.Sandbox.SetSmartImageResult(app, "comm", "https://e.com/a", nil, []byte(`[]`))
		}, wantField: "result"},
		{name: "voice empty", set: func() error { return env.Sandbox.SetSmartVoiceTranscript(app, nil, "", "x") }, wantField: "voice"},
		{name: "voice lang", set: func() error { return env.Sandbox.SetSmartVoiceTranscript(app, sandboxtest.MP3(10), "fr_FR", "x") }, wantField: "lang"},
		{name: "translation lfrom", set: func() error { return env.Sandbox.SetSmartTranslation(app, "zh", "en_US", "a", "b") }, wantField: "lfrom"},
		{name: "translation text", set: func() error {
			return env.Sandbox.SetSmartTranslation(app, "zh_CN", "en_US", strings.Repeat("a", 601), "b")
		}, wantField: "text"},
		{name: "semantic no type", set: func() error { return env.Sandbox.SetSmartSemanticAnswer(app, "q", []byte(`{"answer":"x"}`)) }, wantField: "answer.type"},
		{name: "semantic unknown field", set: func() error { return env.Sandbox.SetSmartSemanticAnswer(app, "q", []byte(`{"type":"x","foo":1}`)) }, wantField: "result"},
		{name: "semantic empty query", set: func() error { return env.Sandbox.SetSmartSemanticAnswer(app, "", []byte(`{"type":"x"}`)) }, wantField: "query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ae *sandbox.ArgumentError
			if err := tt.set(); !errors.As(err, &ae) || ae.Field != tt.wantField {
				t.Errorf("error %v, want an ArgumentError on %s", err, tt.wantField)
			}
		})
	}
	if err := env.Sandbox.SetSmartTranslation("wxnobody", "zh_CN", "en_US", "a", "b"); !errors.Is(err, sandbox.ErrUnknownAccount) {
		t.Errorf("unknown account: %v", err)
	}
}

func TestSmartVoice(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	tok := fetchToken(t, env)
	app := sandboxtest.DemoAppID
	hello := sandboxtest.MP3(2048)
	if err := env.Sandbox.SetSmartVoiceTranscript(app, hello, "", "你好"); err != nil {
		t.Fatal(err)
	}
	if err := env.Sandbox.SetSmartVoiceTranscript(app, hello, "en_US", "hello"); err != nil {
		t.Fatal(err)
	}
	add := func(id, lang string, data []byte) reply {
		ctype, body := smartForm(t, "media", "v.mp3", data)
		q := url.Values{"format": {"mp3"}, "voice_id": {id}}
		if lang != "" {
			q.Set("lang", lang)
		}
		return smartPost(t, env, tok, "/cgi-bin/media/voice/addvoicetorecofortext", q, ctype, body)
	}
	query := func(id string) reply {
		return smartPost(t, env, tok, "/cgi-bin/media/voice/queryrecoresultfortext", url.Values{"voice_id": {id}, "lang": {"zh_CN"}}, "", nil)
	}
	// Query before add: unknown voice.
	if r := query("v1"); r.Errcode != 40097 {
		t.Errorf("query before add = %s", r.Raw)
	}
	if r := add("v1", "", hello); r.Errcode != 0 {
		t.Fatalf("add = %s", r.Raw)
	}
	if r := query("v1"); r.Errcode != 0 || r.smartField("result") != "你好" || !strings.Contains(r.Raw, `"is_end":true`) {
		t.Errorf("query = %s", r.Raw)
	}
	if r := add("v1", "", hello); r.Errcode != 40097 {
		t.Errorf("repeated voice_id = %s", r.Raw)
	}
	if r := add("v2", "en_US", hello); r.Errcode != 0 {
		t.Fatalf("add en = %s", r.Raw)
	}
	if r := query("v2"); r.smartField("result") != "hello" {
		t.Errorf("query en = %s", r.Raw)
	}
	// Audio nothing was registered for is silence. A raw body works too; "format=" means mp3.
	r := smartPost(t, env, tok, "/cgi-bin/media/voice/addvoicetorecofortext", url.Values{"format": {""}, "voice_id": {"v3"}}, "audio/mpeg", sandboxtest.MP3(99))
	if r.Errcode != 0 {
		t.Fatalf("raw add = %s", r.Raw)
	}
	if r := query("v3"); r.Errcode != 0 || r.smartField("result") != "" {
		t.Errorf("query of unregistered audio = %s", r.Raw)
	}
	tests := []struct {
		name string
		id   string
		lang string
		data []byte
		fmt  string
		want int
	}{
		{name: "no voice_id", data: hello, want: 41011},
		{name: "long voice_id", id: strings.Repeat("v", 129), data: hello, want: 40097},
		{name: "bad lang", id: "x1", lang: "fr_FR", data: hello, want: 40097},
		{name: "wav format", id: "x2", fmt: "wav", data: hello, want: 40005},
		{name: "not an mp3", id: "x3", data: []byte("RIFF....WAVE"), want: 40005},
		{name: "empty", id: "x4", data: []byte{}, want: 41005},
		{name: "over 1 MiB", id: "x5", data: sandboxtest.MP3(1<<20 + 1), want: 40010},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := url.Values{"format": {"mp3"}, "voice_id": {tt.id}}
			if tt.fmt != "" {
				q.Set("format", tt.fmt)
			}
			if tt.lang != "" {
				q.Set("lang", tt.lang)
			}
			r := smartPost(t, env, tok, "/cgi-bin/media/voice/addvoicetorecofortext", q, "audio/mpeg", tt.data)
			if r.Errcode != tt.want {
				t.Errorf("errcode %d (%s), want %d", r.Errcode, r.Raw, tt.want)
			}
		})
	}
	if r := smartPost(t, env, tok, "/cgi-bin/media/voice/queryrecoresultfortext", nil, "", nil); r.Errcode != 41011 {
		t.Errorf("query without voice_id = %s", r.Raw)
	}
}

func TestSmartTranslate(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	tok := fetchToken(t, env)
	if err := env.Sandbox.SetSmartTranslation(sandboxtest.DemoAppID, "zh_CN", "en_US", "你好", "Hello"); err != nil {
		t.Fatal(err)
	}
	zhEN := url.Values{"lfrom": {"zh_CN"}, "lto": {"en_US"}}
	r := smartPost(t, env, tok, "/cgi-bin/media/voice/translatecontent", zhEN, "text/plain", []byte("你好"))
	if r.Errcode != 0 || r.smartField("from_content") != "你好" || r.smartField("to_content") != "Hello" {
		t.Errorf("translate = %s", r.Raw)
	}
	r = smartPost(t, env, tok, "/cgi-bin/media/voice/translatecontent", url.Values{"lfrom": {"en_US"}, "lto": {"zh_CN"}}, "text/plain", []byte("你好"))
	if r.Errcode != 0 || r.smartField("to_content") != "你好" {
		t.Errorf("unregistered translation = %s", r.Raw)
	}
	tests := []struct {
		name  string
		query url.Values
		body  []byte
		want  int
	}{
		{name: "no lto", query: url.Values{"lfrom": {"zh_CN"}}, body: []byte("a"), want: 41011},
		{name: "bad lfrom", query: url.Values{"lfrom": {"ja_JP"}, "lto": {"zh_CN"}}, body: []byte("a"), want: 40097},
		{name: "empty", query: zhEN, want: 44002},
		{name: "601 bytes", query: zhEN, body: bytes.Repeat([]byte("a"), 601), want: 45002},
		{name: "not utf-8", query: zhEN, body: []byte{0xff, 0xfe}, want: 40033},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := smartPost(t, env, tok, "/cgi-bin/media/voice/translatecontent", tt.query, "text/plain", tt.body); r.Errcode != tt.want {
				t.Errorf("errcode %d (%s), want %d", r.Errcode, r.Raw, tt.want)
			}
		})
	}
	if r := smartPost(t, env, tok, "/cgi-bin/media/voice/translatecontent", zhEN, "text/plain", bytes.Repeat([]byte("a"), 600)); r.Errcode != 0 {
		t.Errorf("600 bytes = %s", r.Raw)
	}
}

func TestSmartSemantic(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	tok := fetchToken(t, env)
	app := sandboxtest.DemoAppID
	const q = "查一下明天从北京到上海的南航机票"
	if err := env.Sandbox.SetSmartSemanticAnswer(app, q, []byte(`{"type":"flight","semantic":{"details":{"airline":"南方航空"},"intent":"SEARCH"}}`)); err != nil {
		t.Fatal(err)
	}
	body := func(m map[string]any) []byte { b, _ := json.Marshal(m); return b }
	r := smartPost(t, env, tok, "/semantic/semproxy/search", nil, "application/json", body(map[string]any{"query": q, "category": "flight,hotel", "city": "北京", "appid": app, "uid": "o1"}))
	if r.Errcode != 0 || r.smartField("type") != "flight" || r.smartField("query") != q || !strings.Contains(r.Raw, `"intent":"SEARCH"`) {
		t.Errorf("search = %s", r.Raw)
	}
	tests := []struct {
		name string
		body []byte
		want int
	}{
		{name: "other category", body: body(map[string]any{"query": q, "category": "hotel", "appid": app}), want: 7000000},
		{name: "unknown query", body: body(map[string]any{"query": "x", "category": "flight", "appid": app}), want: 7000000},
		{name: "no category", body: body(map[string]any{"query": q, "appid": app}), want: 7000001},
		{name: "no appid", body: body(map[string]any{"query": q, "category": "flight"}), want: 7000001},
		{name: "other appid", body: body(map[string]any{"query": q, "category": "flight", "appid": "wx0000000000000001"}), want: 7000003},
		{name: "latitude alone", body: body(map[string]any{"query": q, "category": "flight", "appid": app, "latitude": 39.9}), want: 7000002},
		{name: "latitude out of range", body: body(map[string]any{"query": q, "category": "flight", "appid": app, "latitude": 91, "longitude": 1}), want: 7000002},
		{name: "bad category", body: body(map[string]any{"query": q, "category": "flight,,hotel", "appid": app}), want: 7000002},
		{name: "not json", body: []byte("query=x"), want: 47001},
		{name: "empty", body: nil, want: 44002},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := smartPost(t, env, tok, "/semantic/semproxy/search", nil, "application/json", tt.body); r.Errcode != tt.want {
				t.Errorf("errcode %d (%s), want %d", r.Errcode, r.Raw, tt.want)
			}
		})
	}
}
