package sandbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxserver"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

// upload posts a multipart body with the file data as field media (named filename) and
// the extra fields to path.
func upload(t *testing.T, env *sandboxtest.Env, path string, q url.Values, filename string, data []byte, fields map[string]string) reply {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	if data != nil {
		fw, err := w.CreateFormFile("media", filename)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(data)
	}
	_ = w.Close()
	req, err := http.NewRequest(http.MethodPost, env.URL+path+"?"+q.Encode(), &b)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	return send(t, env, req)
}

func send(t *testing.T, env *sandboxtest.Env, req *http.Request) reply {
	t.Helper()
	resp, err := env.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	r := reply{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Raw: string(data)}
	if strings.HasPrefix(r.ContentType, "application/json") {
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatalf("answer %.200q: %v", data, err)
		}
		_ = json.Unmarshal(data, &r.Fields)
	}
	return r
}

// postJSON posts body as JSON; the answer may be JSON or bytes.
func postJSON(t *testing.T, env *sandboxtest.Env, path, token string, body any) reply {
	t.Helper()
	data, _ := json.Marshal(body)
	req, err := http.NewRequest(http.MethodPost, env.URL+path+"?access_token="+url.QueryEscape(token), bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return send(t, env, req)
}

// getAny is a GET whose answer may be JSON or bytes.
func getAny(t *testing.T, env *sandboxtest.Env, path string, q url.Values) reply {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, env.URL+path+"?"+q.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return send(t, env, req)
}

func field[T any](t *testing.T, r reply, key string) T {
	t.Helper()
	var v T
	raw, ok := r.Fields[key]
	if !ok {
		t.Fatalf("answer has no %q: %s", key, r.Raw)
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	return v
}

func TestMediaUploadChecks(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	token := fetchToken(t, env)
	q := func(typ string) url.Values { return url.Values{"access_token": {token}, "type": {typ}} }
	tests := []struct {
		name, typ, file string
		data            []byte
		want            int
	}{
		{"image png", "image", "a.png", sandboxtest.PNG(1000), 0},
		{"image jpeg", "image", "a.JPG", sandboxtest.JPEG(1000), 0},
		{"image gif at 10 MB", "image", "a.gif", sandboxtest.GIF(10 << 20), 0},
		{"image over 10 MB", "image", "a.gif", sandboxtest.GIF(10<<20 + 1), 40009},
		{"image bmp refused", "image", "a.bmp", sandboxtest.BMP(100), 40005},
		{"image no extension", "image", "photo", sandboxtest.PNG(100), 40113},
		{"image mp4 content", "image", "a.png", sandboxtest.MP4(100), 40005},
		{"voice amr", "voice", "v.amr", sandboxtest.AMR(60), 0},
		{"voice amr 61 s", "voice", "v.amr", sandboxtest.AMR(61), 45007},
		{"voice mp3", "voice", "v.mp3", sandboxtest.MP3(2 << 20), 0},
		{"voice mp3 60 s", "voice", "v.mp3", sandboxtest.MP3Seconds(60), 0},
		{"voice mp3 61 s", "voice", "v.mp3", sandboxtest.MP3Seconds(61), 45007},
		{"voice over 2 MB", "voice", "v.mp3", sandboxtest.MP3(2<<20 + 1), 40010},
		{"video mp4", "video", "v.mp4", sandboxtest.MP4(10 << 20), 0},
		{"video over 10 MB", "video", "v.mp4", sandboxtest.MP4(10<<20 + 1), 40011},
		{"thumb jpeg", "thumb", "t.jpg", sandboxtest.JPEG(64 << 10), 0},
		{"thumb over 64 KB", "thumb", "t.jpg", sandboxtest.JPEG(64<<10 + 1), 40012},
		{"thumb png", "thumb", "t.png", sandboxtest.PNG(100), 40005},
		{"bad type", "news", "a.png", sandboxtest.PNG(100), 40004},
		{"empty file", "image", "a.png", []byte{}, 44001},
		{"no media part", "image", "", nil, 41005},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := upload(t, env, "/cgi-bin/media/upload", q(tt.typ), tt.file, tt.data, nil)
			if tt.want != 0 {
				wantCode(t, r, tt.want)
				return
			}
			if r.Errcode != 0 || field[string](t, r, "type") != tt.typ {
				t.Fatalf("answer %s", r.Raw)
			}
			key := "media_id"
			if tt.typ == "thumb" {
				key = "thumb_media_id"
			}
			if id := field[string](t, r, key); len(id) != 64 {
				t.Errorf("%s = %q", key, id)
			}
		})
	}
	// A body that is not multipart names no media.
	r := do(t, env, http.MethodPost, "/cgi-bin/media/upload", q("image"), `{"media":"x"}`)
	wantCode(t, r, 41005)
}

func TestMediaGetAndExpiry(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	token := fetchToken(t, env)
	img := sandboxtest.PNG(5000)
	r := upload(t, env, "/cgi-bin/media/upload", url.Values{"access_token": {token}, "type": {"image"}}, "a.png", img, nil)
	id := field[string](t, r, "media_id")
	if got := field[int64](t, r, "created_at"); got != start.Unix() {
		t.Errorf("created_at = %d", got)
	}
	vid := field[string](t, upload(t, env, "/cgi-bin/media/upload", url.Values{"access_token": {token}, "type": {"video"}}, "v.mp4", sandboxtest.MP4(100), nil), "media_id")

	getMedia := func(id string) reply {
		return getAny(t, env, "/cgi-bin/media/get", url.Values{"access_token": {token}, "media_id": {id}})
	}
	got := getMedia(id)
	if got.ContentType != "image/png" || got.Raw != string(img) {
		t.Fatalf("media/get: %q, %d bytes: %.200q", got.ContentType, len(got.Raw), got.Raw)
	}
	if v := getMedia(vid); !strings.HasPrefix(field[string](t, v, "video_url"), "http") {
		t.Errorf("video: %s", v.Raw)
	}
	wantCode(t, getMedia("nope"), 40007)
	if r := do(t, env, http.MethodPost, "/cgi-bin/media/get", url.Values{"access_token": {token}, "media_id": {id}}, ""); r.Errcode != 43001 {
		t.Errorf("POST media/get: %s", r.Raw)
	}

	env.Sandbox.Advance(72*time.Hour - time.Second)
	token = fetchToken(t, env)
	if got := getMedia(id); got.Raw != string(img) {
		t.Fatalf("just before 3 days: %.200s", got.Raw)
	}
	env.Sandbox.Advance(time.Second)
	token = fetchToken(t, env)
	wantCode(t, getMedia(id), 40007)
	// A later upload purges the expired file; the id stays invalid.
	upload(t, env, "/cgi-bin/media/upload", url.Values{"access_token": {token}, "type": {"thumb"}}, "t.jpg", sandboxtest.JPEG(10), nil)
	wantCode(t, getMedia(id), 40007)
}

func TestUploadImg(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	token := fetchToken(t, env)
	q := url.Values{"access_token": {token}}
	r := upload(t, env, "/cgi-bin/media/uploadimg", q, "a.jpg", sandboxtest.JPEG(1<<20-1), nil)
	if u := field[string](t, r, "url"); !strings.HasPrefix(u, "http://mmbiz.qpic.cn/") {
		t.Errorf("url = %q", u)
	}
	wantCode(t, upload(t, env, "/cgi-bin/media/uploadimg", q, "a.jpg", sandboxtest.JPEG(1<<20), nil), 40009)
	wantCode(t, upload(t, env, "/cgi-bin/media/uploadimg", q, "a.gif", sandboxtest.GIF(100), nil), 40005)
	// It counts toward no material.
	c := get(t, env, "/cgi-bin/material/get_materialcount", q)
	if field[int](t, c, "image_count") != 0 {
		t.Errorf("count: %s", c.Raw)
	}
}

func TestMaterialLifecycle(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	token := fetchToken(t, env)
	q := func(typ string) url.Values { return url.Values{"access_token": {token}, "type": {typ}} }

	img := sandboxtest.BMP(300)
	r := upload(t, env, "/cgi-bin/material/add_material", q("image"), "cover.bmp", img, nil)
	imgID := field[string](t, r, "media_id")
	if !strings.HasPrefix(field[string](t, r, "url"), "http://mmbiz.qpic.cn/") {
		t.Errorf("image url: %s", r.Raw)
	}
	thumb := upload(t, env, "/cgi-bin/material/add_material", q("thumb"), "t.jpg", sandboxtest.JPEG(100), nil)
	if _, ok := thumb.Fields["url"]; !ok {
		t.Errorf("thumb material has no url: %s", thumb.Raw)
	}
	voice := upload(t, env, "/cgi-bin/material/add_material", q("voice"), "v.wav", []byte("RIFF\x00\x00\x00\x00WAVEfmt "), nil)
	if voice.Errcode != 0 {
		t.Fatalf("wav voice: %s", voice.Raw)
	}
	if _, ok := voice.Fields["url"]; ok {
		t.Errorf("voice has a url: %s", voice.Raw)
	}
	wantCode(t, upload(t, env, "/cgi-bin/material/add_material", q("video"), "v.mp4", sandboxtest.MP4(100), nil), 41011)
	wantCode(t, upload(t, env, "/cgi-bin/material/add_material", q("video"), "v.mp4", sandboxtest.MP4(100), map[string]string{"description": "{"}), 47001)
	v := upload(t, env, "/cgi-bin/material/add_material", q("video"), "v.mp4", sandboxtest.MP4(100),
		map[string]string{"description": `{"title":"Clip","introduction":"Intro"}`})
	videoID := field[string](t, v, "media_id")
	wantCode(t, upload(t, env, "/cgi-bin/material/add_material", q("file"), "v.mp4", sandboxtest.MP4(100), nil), 40004)

	count := func() map[string]int {
		c := get(t, env, "/cgi-bin/material/get_materialcount", url.Values{"access_token": {token}})
		var m map[string]int
		_ = json.Unmarshal([]byte(c.Raw), &m)
		return m
	}
	if c := count(); c["image_count"] != 2 || c["voice_count"] != 1 || c["video_count"] != 1 || c["news_count"] != 0 {
		t.Fatalf("counts %v", c)
	}

	g := postJSON(t, env, "/cgi-bin/material/get_material", token, map[string]string{"media_id": imgID})
	if g.ContentType != "image/bmp" || g.Raw != string(img) {
		t.Errorf("get image: %q %.200q", g.ContentType, g.Raw)
	}
	gv := postJSON(t, env, "/cgi-bin/material/get_material", token, map[string]string{"media_id": videoID})
	if field[string](t, gv, "title") != "Clip" || field[string](t, gv, "description") != "Intro" || field[string](t, gv, "down_url") == "" {
		t.Errorf("get video: %s", gv.Raw)
	}
	wantCode(t, postJSON(t, env, "/cgi-bin/material/get_material", token, map[string]string{"media_id": "x"}), 40007)

	// Listing: newest first, pages of 1..20.
	list := func(typ string, offset, count int) reply {
		return postJSON(t, env, "/cgi-bin/material/batchget_material", token, map[string]any{"type": typ, "offset": offset, "count": count})
	}
	l := list("image", 0, 20)
	items := field[[]map[string]any](t, l, "item")
	if field[int](t, l, "total_count") != 2 || len(items) != 2 || items[1]["media_id"] != imgID || items[1]["name"] != "cover.bmp" {
		t.Errorf("list images: %s", l.Raw)
	}
	if l := list("image", 1, 1); field[int](t, l, "item_count") != 1 || field[[]map[string]any](t, l, "item")[0]["media_id"] != imgID {
		t.Errorf("page 2: %s", l.Raw)
	}
	if l := list("image", 5, 1); field[int](t, l, "item_count") != 0 {
		t.Errorf("past the end: %s", l.Raw)
	}
	wantCode(t, list("image", 0, 21), 40097)
	wantCode(t, list("image", 0, 0), 40097)
	wantCode(t, list("thumb", 0, 5), 40004)

	wantCode(t, postJSON(t, env, "/cgi-bin/material/del_material", token, map[string]string{"media_id": imgID}), 0)
	wantCode(t, postJSON(t, env, "/cgi-bin/material/del_material", token, map[string]string{"media_id": imgID}), 40007)
	if c := count(); c["image_count"] != 1 {
		t.Errorf("after delete %v", c)
	}
}

func TestMaterialLimit(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{Quotas: map[string]int64{"/cgi-bin/material/add_material": 5000}})
	token := fetchToken(t, env)
	q := url.Values{"access_token": {token}, "type": {"voice"}}
	for i := range 1000 {
		if r := upload(t, env, "/cgi-bin/material/add_material", q, "v.amr", sandboxtest.AMR(1), nil); r.Errcode != 0 {
			t.Fatalf("upload %d: %s", i, r.Raw)
		}
	}
	wantCode(t, upload(t, env, "/cgi-bin/material/add_material", q, "v.amr", sandboxtest.AMR(1), nil), 45074)
}

// article returns a valid article body using thumb.
func article(thumb, title string) map[string]any {
	return map[string]any{"title": title, "thumb_media_id": thumb, "author": "A", "content": "<p>Hello <b>world</b></p>",
		"content_source_url": "https://example.com", "show_cover_pic": 1, "need_open_comment": 1}
}

// addThumb adds a thumb material and returns its media_id.
func addThumb(t *testing.T, env *sandboxtest.Env, token string) string {
	t.Helper()
	r := upload(t, env, "/cgi-bin/material/add_material", url.Values{"access_token": {token}, "type": {"thumb"}}, "t.jpg", sandboxtest.JPEG(100), nil)
	return field[string](t, r, "media_id")
}

func TestNews(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	token := fetchToken(t, env)
	thumb := addThumb(t, env, token)
	temp := field[string](t, upload(t, env, "/cgi-bin/media/upload", url.Values{"access_token": {token}, "type": {"thumb"}}, "t.jpg", sandboxtest.JPEG(100), nil), "thumb_media_id")

	nine := make([]any, 9)
	for i := range nine {
		nine[i] = article(thumb, fmt.Sprint("t", i))
	}
	long := article(thumb, strings.Repeat("标", 65))
	noContent := article(thumb, "x")
	noContent["content"] = ""
	badFlag := article(thumb, "x")
	badFlag["need_open_comment"] = 2
	for _, tt := range []struct {
		name     string
		articles []any
		want     int
	}{
		{"empty", []any{}, 44003},
		{"nine", nine, 45008},
		{"temporary thumb", []any{article(temp, "x")}, 40007},
		{"title 65", []any{long}, 45003},
		{"no content", []any{noContent}, 44004},
		{"flag 2", []any{badFlag}, 40097},
		{"no title", []any{article(thumb, "")}, 41011},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, postJSON(t, env, "/cgi-bin/material/add_news", token, map[string]any{"articles": tt.articles}), tt.want)
		})
	}

	r := postJSON(t, env, "/cgi-bin/material/add_news", token, map[string]any{"articles": []any{article(thumb, "One")}})
	one := field[string](t, r, "media_id")
	g := postJSON(t, env, "/cgi-bin/material/get_material", token, map[string]string{"media_id": one})
	items := field[[]map[string]any](t, g, "news_item")
	if len(items) != 1 || items[0]["digest"] != "Hello world" || items[0]["thumb_url"] == "" || !strings.HasPrefix(items[0]["url"].(string), "http://mp.weixin.qq.com/s?") {
		t.Fatalf("news: %s", g.Raw)
	}
	// Scripts and images from outside WeChat are filtered out of the body.
	dirty := article(thumb, "Dirty")
	dirty["content"] = `<p>a<script>alert(1)</script><img src="https://evil.example.com/x.png"><img class="c" src="http://mmbiz.qpic.cn/mmbiz_png/abc/0"></p>`
	d := field[string](t, postJSON(t, env, "/cgi-bin/material/add_news", token, map[string]any{"articles": []any{dirty}}), "media_id")
	g = postJSON(t, env, "/cgi-bin/material/get_material", token, map[string]string{"media_id": d})
	if got := field[[]map[string]any](t, g, "news_item")[0]["content"]; got != `<p>a<img class="c" src="http://mmbiz.qpic.cn/mmbiz_png/abc/0"></p>` {
		t.Errorf("filtered content = %q", got)
	}

	two := field[string](t, postJSON(t, env, "/cgi-bin/material/add_news", token, map[string]any{"articles": []any{article(thumb, "A"), article(thumb, "B")}}), "media_id")

	upd := func(id string, index int, a map[string]any) reply {
		return postJSON(t, env, "/cgi-bin/material/update_news", token, map[string]any{"media_id": id, "index": index, "articles": a})
	}
	env.Sandbox.Advance(time.Minute)
	wantCode(t, upd(two, 1, article(thumb, "B2")), 0)
	wantCode(t, upd(two, 2, article(thumb, "C")), 40060)
	wantCode(t, upd(thumb, 0, article(thumb, "C")), 40007)
	wantCode(t, upd(two, 0, article(thumb, "")), 41011)
	g = postJSON(t, env, "/cgi-bin/material/get_material", token, map[string]string{"media_id": two})
	items = field[[]map[string]any](t, g, "news_item")
	if items[0]["title"] != "A" || items[1]["title"] != "B2" || items[1]["digest"] != "" || field[int64](t, g, "update_time") != start.Add(time.Minute).Unix() {
		t.Errorf("after update: %s", g.Raw)
	}
	l := postJSON(t, env, "/cgi-bin/material/batchget_material", token, map[string]any{"type": "news", "offset": 0, "count": 10})
	var page struct {
		Item []struct {
			MediaID string `json:"media_id"`
			Content struct {
				NewsItem []map[string]any `json:"news_item"`
			} `json:"content"`
		} `json:"item"`
	}
	_ = json.Unmarshal([]byte(l.Raw), &page)
	if len(page.Item) != 3 || page.Item[0].MediaID != two || len(page.Item[0].Content.NewsItem) != 2 {
		t.Errorf("list news: %s", l.Raw)
	}
}

func TestComments(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	token := fetchToken(t, env)
	app := sandboxtest.DemoAppID
	fan := env.AddUser(t, app, sandbox.User{Nickname: "fan"})
	gone := env.AddUser(t, app, sandbox.User{Nickname: "gone", Unsubscribed: true})
	thumb := addThumb(t, env, token)
	closed := article(thumb, "Closed")
	closed["need_open_comment"] = 0
	fans := article(thumb, "Fans")
	fans["only_fans_can_comment"] = 1
	news := field[string](t, postJSON(t, env, "/cgi-bin/material/add_news", token, map[string]any{"articles": []any{article(thumb, "Open"), closed, fans}}), "media_id")
	ctx := context.Background()

	// Admin: publishing and commenting.
	if _, err := env.Admin.PublishNews(ctx, &sandboxv1.PublishNewsRequest{AppId: app, MediaId: thumb}); connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("publish a thumb: %v", err)
	}
	pub, err := env.Admin.PublishNews(ctx, &sandboxv1.PublishNewsRequest{AppId: app, MediaId: news})
	if err != nil || pub.GetArticles() != 3 || pub.GetMsgDataId() == 0 {
		t.Fatalf("publish: %v, %v", pub, err)
	}
	msg := pub.GetMsgDataId()
	addComment := func(index int32, openid, content string) (int64, error) {
		r, err := env.Admin.AddComment(ctx, &sandboxv1.AddCommentRequest{AppId: app, MsgDataId: msg, Index: index, Openid: openid, Content: content})
		return r.GetUserCommentId(), err
	}
	if _, err := addComment(1, fan.OpenID, "hi"); connect.CodeOf(err) != connect.CodeFailedPrecondition {
		t.Errorf("comment on closed: %v", err)
	}
	if _, err := addComment(2, gone.OpenID, "hi"); connect.CodeOf(err) != connect.CodeFailedPrecondition {
		t.Errorf("non-follower on fans-only: %v", err)
	}
	if _, err := addComment(2, fan.OpenID, "hi"); err != nil {
		t.Errorf("follower on fans-only: %v", err)
	}
	if _, err := addComment(3, fan.OpenID, "hi"); connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("index 3: %v", err)
	}
	if _, err := addComment(0, fan.OpenID, ""); connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("empty comment: %v", err)
	}
	ids := make([]int64, 4)
	for i := range ids {
		openid := fan.OpenID
		if i == 3 {
			openid = "" // without a WeChat identity
		}
		if ids[i], err = addComment(0, openid, fmt.Sprint("c", i)); err != nil {
			t.Fatal(err)
		}
	}

	call := func(path string, body map[string]any) reply {
		body["msg_data_id"] = msg
		return postJSON(t, env, path, token, body)
	}
	list := func(index, begin, count, typ int) reply {
		return call("/cgi-bin/comment/list", map[string]any{"index": index, "begin": begin, "count": count, "type": typ})
	}
	l := list(0, 0, 50, 0)
	var page struct {
		Total   int `json:"total"`
		Comment []struct {
			ID      int64  `json:"user_comment_id"`
			OpenID  string `json:"openid"`
			Content string `json:"content"`
			Type    int    `json:"comment_type"`
			Reply   *struct {
				Content string `json:"content"`
			} `json:"reply"`
		} `json:"comment"`
	}
	_ = json.Unmarshal([]byte(l.Raw), &page)
	if page.Total != 4 || len(page.Comment) != 4 || page.Comment[0].Content != "c0" || page.Comment[3].OpenID != "" || page.Comment[0].OpenID != fan.OpenID {
		t.Fatalf("list: %s", l.Raw)
	}
	if !strings.Contains(l.Raw, `"errcode":0`) {
		t.Errorf("list has no errcode 0: %s", l.Raw)
	}
	wantCode(t, list(0, 0, 0, 0), 88010)
	wantCode(t, list(0, 0, 51, 0), 88010)
	wantCode(t, list(0, 0, 10, 3), 40097)
	wantCode(t, call("/cgi-bin/comment/list", map[string]any{"index": 9, "begin": 0, "count": 10, "type": 0}), 88001)
	wantCode(t, postJSON(t, env, "/cgi-bin/comment/list", token, map[string]any{"msg_data_id": 1, "index": 0, "begin": 0, "count": 10}), 88001)
	if l := list(0, 2, 1, 0); !strings.Contains(l.Raw, `"content":"c2"`) || !strings.Contains(l.Raw, `"total":4`) {
		t.Errorf("page: %s", l.Raw)
	}

	target := func(id int64, extra ...any) map[string]any {
		m := map[string]any{"index": 0, "user_comment_id": id}
		for i := 0; i+1 < len(extra); i += 2 {
			m[extra[i].(string)] = extra[i+1]
		}
		return m
	}
	wantCode(t, call("/cgi-bin/comment/markelect", target(ids[1])), 0)
	if l := list(0, 0, 50, 2); !strings.Contains(l.Raw, `"total":1`) || !strings.Contains(l.Raw, `"comment_type":1`) {
		t.Errorf("elected: %s", l.Raw)
	}
	if l := list(0, 0, 50, 1); !strings.Contains(l.Raw, `"total":3`) {
		t.Errorf("normal: %s", l.Raw)
	}
	wantCode(t, call("/cgi-bin/comment/unmarkelect", target(ids[1])), 0)
	if l := list(0, 0, 50, 2); !strings.Contains(l.Raw, `"total":0`) {
		t.Errorf("after unmark: %s", l.Raw)
	}

	wantCode(t, call("/cgi-bin/comment/reply/add", target(ids[0], "content", "")), 88007)
	wantCode(t, call("/cgi-bin/comment/reply/add", target(ids[0], "content", strings.Repeat("字", 1001))), 88007)
	wantCode(t, call("/cgi-bin/comment/reply/add", target(ids[0], "content", "thanks")), 0)
	wantCode(t, call("/cgi-bin/comment/reply/add", target(ids[0], "content", "again")), 88005)
	if l := list(0, 0, 1, 0); !strings.Contains(l.Raw, `"reply":{"content":"thanks"`) {
		t.Errorf("reply: %s", l.Raw)
	}
	wantCode(t, call("/cgi-bin/comment/reply/delete", target(ids[0])), 0)
	wantCode(t, call("/cgi-bin/comment/reply/delete", target(ids[0])), 88009)

	wantCode(t, call("/cgi-bin/comment/delete", target(ids[2])), 0)
	wantCode(t, call("/cgi-bin/comment/delete", target(ids[2])), 88008)
	wantCode(t, call("/cgi-bin/comment/markelect", target(99)), 88008)
	if l := list(0, 0, 50, 0); !strings.Contains(l.Raw, `"total":3`) {
		t.Errorf("after delete: %s", l.Raw)
	}
	if _, err := env.Admin.DeleteOwnComment(ctx, &sandboxv1.DeleteOwnCommentRequest{AppId: app, MsgDataId: msg, UserCommentId: ids[3]}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, call("/cgi-bin/comment/reply/add", target(ids[3], "content", "x")), 88004)

	// Closing: the account's operations get 88000, listing still works; opening again.
	wantCode(t, call("/cgi-bin/comment/close", map[string]any{"index": 0}), 0)
	wantCode(t, call("/cgi-bin/comment/markelect", target(ids[0])), 88000)
	if _, err := addComment(0, fan.OpenID, "late"); connect.CodeOf(err) != connect.CodeFailedPrecondition {
		t.Errorf("comment after close: %v", err)
	}
	wantCode(t, list(0, 0, 50, 0), 0)
	wantCode(t, call("/cgi-bin/comment/open", map[string]any{"index": 1}), 0)
	if _, err := addComment(1, fan.OpenID, "now open"); err != nil {
		t.Errorf("comment after open: %v", err)
	}
	wantCode(t, call("/cgi-bin/comment/open", map[string]any{"index": 3}), 88001)
	wantCode(t, postJSON(t, env, "/cgi-bin/comment/open", token, map[string]any{"index": 0}), 41011)
}

// TestContentAdminREST drives the content admin RPCs through the REST gateway of the
// sandbox server, as docs/content.md shows with curl.
func TestContentAdminREST(t *testing.T) {
	t.Parallel()
	sb := sandbox.New(sandbox.Options{Accounts: []sandbox.Account{sandbox.DemoAccount()}})
	srv, err := sandboxserver.New(sb, rpcserver.Config{Addr: "127.0.0.1:0", ShutdownGrace: config.Duration(time.Second)}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop(context.Background()) })
	env := &sandboxtest.Env{URL: srv.URL(), Sandbox: sb, Client: http.DefaultClient}
	token, _, err := sb.IssueToken(sandbox.DemoAppID)
	if err != nil {
		t.Fatal(err)
	}
	thumb := addThumb(t, env, token)
	news := field[string](t, postJSON(t, env, "/cgi-bin/material/add_news", token, map[string]any{"articles": []any{article(thumb, "A")}}), "media_id")

	admin := func(path, body string) map[string]any {
		t.Helper()
		resp, err := http.Post(srv.URL()+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		data, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || json.Unmarshal(data, &out) != nil {
			t.Fatalf("POST %s: %d %s", path, resp.StatusCode, data)
		}
		return out
	}
	pub := admin("/v1/sandbox/accounts/"+sandbox.DemoAppID+"/materials/"+news+":publish", "{}")
	msg, ok := pub["msg_data_id"].(float64)
	if !ok || pub["articles"] != float64(1) {
		t.Fatalf("publish: %v", pub)
	}
	c := admin(fmt.Sprintf("/v1/sandbox/accounts/%s/articles/%d/comments", sandbox.DemoAppID, int64(msg)), `{"index":0,"content":"Great read"}`)
	if c["user_comment_id"] != "1" {
		t.Fatalf("comment: %v", c)
	}
	l := postJSON(t, env, "/cgi-bin/comment/list", token, map[string]any{"msg_data_id": int64(msg), "index": 0, "begin": 0, "count": 10, "type": 0})
	if !strings.Contains(l.Raw, `"content":"Great read"`) {
		t.Fatalf("list: %s", l.Raw)
	}
}
