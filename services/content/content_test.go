package content_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	contentv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/content/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/content/v1/contentv1connect"
	"github.com/wxsuite/wxsuite/internal/platform"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
	"github.com/wxsuite/wxsuite/services/content"
)

// API keys of the test app (at least 32 characters each).
const (
	writerKey = "wxsk_test_content_writer_0123456789abcdef"
	readerKey = "wxsk_test_content_reader_0123456789abcdef"
	otherKey  = "wxsk_test_content_other_0123456789abcdef0"
	adminKey  = "wxsk_test_content_admin_0123456789abcdef0"
)

// sandboxTokens is the test's wechat.TokenSource: tokens issued by the sandbox itself
// (the token service is another service; the content service only needs the interface).
type sandboxTokens struct{ sb *sandbox.Sandbox }

func (s sandboxTokens) AccessToken(_ context.Context, appID string) (string, error) {
	v, _, err := s.sb.IssueToken(appID)
	return v, err
}

func (s sandboxTokens) RefreshAccessToken(ctx context.Context, appID, _ string) (string, error) {
	return s.AccessToken(ctx, appID)
}

// app is a running content service in front of a sandbox.
type app struct {
	url, appID string
	sb         *sandboxtest.Env
	ctx        context.Context
	media      contentv1connect.MediaServiceClient
	material   contentv1connect.MaterialServiceClient
	comments   contentv1connect.CommentServiceClient
}

// startApp starts a sandbox with a fresh account and a wxsuite process with the content
// service whose keys are writerKey (content.read + content.write), readerKey
// (content.read) and otherKey (content.write on another account).
func startApp(t testing.TB) *app {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	appID := "wxc" + hex.EncodeToString(b)
	sb := sandboxtest.Start(t, sandbox.Account{AppID: appID, AppSecret: "secret" + hex.EncodeToString(b)})
	file, err := config.FromYAML(fmt.Appendf(nil, `
server: {addr: "127.0.0.1:0", shutdown_grace: 1s}
log: {level: error}
wechat: {base_url: %q, timeout: 5s, max_retries: 0}
auth:
  keys:
    - {id: writer, key: %q, app_ids: [%q], scopes: [content.read, content.write]}
    - {id: reader, key: %q, app_ids: [%q], scopes: [content.read]}
    - {id: other, key: %q, app_ids: [wxsomeoneelse0001], scopes: [content.read, content.write]}
    - {id: admin, key: %q, app_ids: ["*"], scopes: [admin]}
accounts:
  - {app_id: %q, app_secret: s}
`, sb.URL, writerKey, appID, readerKey, appID, otherKey, adminKey, appID), nil)
	if err != nil {
		t.Fatal(err)
	}
	var srv *rpcserver.Server
	fa := fxtest.New(t, fx.Supply(file), platform.Module, content.Module, fx.NopLogger,
		fx.Supply(fx.Annotate(sandboxTokens{sb.Sandbox}, fx.As(new(wechat.TokenSource)))),
		fx.Supply(content.Clock(sb.Sandbox.Now)),
		platform.WithRedis(redistest.New(t)), fx.Populate(&srv))
	fa.RequireStart()
	t.Cleanup(fa.RequireStop)
	a := &app{url: srv.URL(), appID: appID, sb: sb, ctx: context.Background()}
	client := &http.Client{Transport: keyTransport{writerKey}}
	a.media = contentv1connect.NewMediaServiceClient(client, a.url)
	a.material = contentv1connect.NewMaterialServiceClient(client, a.url)
	a.comments = contentv1connect.NewCommentServiceClient(client, a.url)
	return a
}

// keyTransport adds an API key to every request.
type keyTransport struct{ key string }

func (k keyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+k.key)
	return http.DefaultTransport.RoundTrip(r)
}

// calls counts the sandbox calls of path.
func (a *app) calls(path string) int {
	return len(a.sb.Sandbox.Calls(sandbox.CallFilter{Path: path, AppID: a.appID}))
}

// wantWeChatCode fails unless err is code with WeChat errcode errcode in its details.
func wantWeChatCode(t *testing.T, err error, code connect.Code, errcode int) {
	t.Helper()
	if connect.CodeOf(err) != code {
		t.Fatalf("code = %v (%v), want %v", connect.CodeOf(err), err, code)
	}
	got, ok := wechat.Code(err)
	if !ok || got != errcode {
		t.Fatalf("WeChat errcode = %d (%v), want %d: %v", got, ok, errcode, err)
	}
}

func TestUploadAndGetMedia(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	for _, tt := range []struct {
		typ  contentv1.MediaType
		name string
		data []byte
		ct   string
	}{
		{contentv1.MediaType_MEDIA_TYPE_IMAGE, "photo.png", sandboxtest.PNG(3000), "image/png"},
		{contentv1.MediaType_MEDIA_TYPE_IMAGE, "", sandboxtest.GIF(10 << 20), "image/gif"}, // exactly 10 MB, no name
		{contentv1.MediaType_MEDIA_TYPE_VOICE, "hello", sandboxtest.AMR(60), "audio/amr"},
		{contentv1.MediaType_MEDIA_TYPE_VOICE, "x.mp3", sandboxtest.MP3(2 << 20), "audio/mpeg"},
		{contentv1.MediaType_MEDIA_TYPE_VOICE, "y.mp3", sandboxtest.MP3Seconds(60), "audio/mpeg"},
		{contentv1.MediaType_MEDIA_TYPE_THUMB, "t.jpeg", sandboxtest.JPEG(64 << 10), "image/jpeg"},
	} {
		t.Run(tt.typ.String()+tt.name, func(t *testing.T) {
			up, err := a.media.UploadMedia(a.ctx, &contentv1.UploadMediaRequest{AppId: a.appID, Type: tt.typ, Data: tt.data, Filename: tt.name})
			if err != nil {
				t.Fatal(err)
			}
			if up.GetMediaId() == "" || up.GetType() != tt.typ || up.GetExpireTime().AsTime().Sub(up.GetCreatedAt().AsTime()) != 72*time.Hour {
				t.Fatalf("upload = %v", up)
			}
			got, err := a.media.GetMedia(a.ctx, &contentv1.GetMediaRequest{AppId: a.appID, MediaId: up.GetMediaId()})
			if err != nil {
				t.Fatal(err)
			}
			if got.GetContentType() != tt.ct || !bytes.Equal(got.GetData(), tt.data) {
				t.Fatalf("get = %q, %d bytes", got.GetContentType(), len(got.GetData()))
			}
		})
	}

	// Video: the platform answers a URL.
	v, err := a.media.UploadMedia(a.ctx, &contentv1.UploadMediaRequest{AppId: a.appID, Type: contentv1.MediaType_MEDIA_TYPE_VIDEO, Data: sandboxtest.MP4(1000), Filename: "clip.mp4"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.media.GetMedia(a.ctx, &contentv1.GetMediaRequest{AppId: a.appID, MediaId: v.GetMediaId()})
	if err != nil || !strings.HasPrefix(got.GetVideoUrl(), "http") || len(got.GetData()) != 0 {
		t.Fatalf("get video = %v, %v", got, err)
	}

	// After three days on the sandbox clock the media_id is gone: NotFound with 40007.
	a.sb.Sandbox.Advance(72 * time.Hour)
	_, err = a.media.GetMedia(a.ctx, &contentv1.GetMediaRequest{AppId: a.appID, MediaId: v.GetMediaId()})
	wantWeChatCode(t, err, connect.CodeNotFound, 40007)
}

func TestUploadOverGRPC(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	conn, err := grpc.NewClient(strings.TrimPrefix(a.url, "http://"), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(16<<20)))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx := metadataKey(a.ctx, writerKey)
	img := sandboxtest.JPEG(10 << 20)
	up, err := contentv1.NewMediaServiceClient(conn).UploadMedia(ctx, &contentv1.UploadMediaRequest{AppId: a.appID, Type: contentv1.MediaType_MEDIA_TYPE_IMAGE, Data: img})
	if err != nil {
		t.Fatal(err)
	}
	got, err := contentv1.NewMediaServiceClient(conn).GetMedia(ctx, &contentv1.GetMediaRequest{AppId: a.appID, MediaId: up.GetMediaId()})
	if err != nil || !bytes.Equal(got.GetData(), img) {
		t.Fatalf("gRPC get: %d bytes, %v", len(got.GetData()), err)
	}
	_, err = contentv1.NewMediaServiceClient(conn).UploadMedia(ctx, &contentv1.UploadMediaRequest{AppId: a.appID, Type: contentv1.MediaType_MEDIA_TYPE_IMAGE, Data: sandboxtest.JPEG(10<<20 + 1)})
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(status.Convert(err).Message(), "data:") {
		t.Fatalf("gRPC oversized: %v", err)
	}
}

func TestUploadRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	img := contentv1.MediaType_MEDIA_TYPE_IMAGE
	for _, tt := range []struct {
		name  string
		req   *contentv1.UploadMediaRequest
		code  connect.Code
		field string
	}{
		{"mp4 as image", &contentv1.UploadMediaRequest{Type: img, Data: sandboxtest.MP4(100)}, connect.CodeInvalidArgument, "data: is an MP4 file; an image accepts PNG, JPEG or GIF"},
		{"bmp temporary image", &contentv1.UploadMediaRequest{Type: img, Data: sandboxtest.BMP(100)}, connect.CodeInvalidArgument, "data: is a BMP file"},
		{"garbage", &contentv1.UploadMediaRequest{Type: img, Data: []byte("hello world, not an image")}, connect.CodeInvalidArgument, "data: is not a recognised file"},
		{"image over 10 MB", &contentv1.UploadMediaRequest{Type: img, Data: sandboxtest.PNG(10<<20 + 1)}, connect.CodeInvalidArgument, "data: is 10485761 bytes; an image must be at most 10 MB"},
		{"voice over 2 MB", &contentv1.UploadMediaRequest{Type: contentv1.MediaType_MEDIA_TYPE_VOICE, Data: sandboxtest.MP3(2<<20 + 1)}, connect.CodeInvalidArgument, "data: is 2097153 bytes"},
		{"voice over 60 s", &contentv1.UploadMediaRequest{Type: contentv1.MediaType_MEDIA_TYPE_VOICE, Data: sandboxtest.AMR(61)}, connect.CodeInvalidArgument, "data: plays longer than 1m0s"},
		{"mp3 over 60 s", &contentv1.UploadMediaRequest{Type: contentv1.MediaType_MEDIA_TYPE_VOICE, Data: sandboxtest.MP3Seconds(61)}, connect.CodeInvalidArgument, "data: plays longer than 1m0s"},
		{"video not mp4", &contentv1.UploadMediaRequest{Type: contentv1.MediaType_MEDIA_TYPE_VIDEO, Data: sandboxtest.GIF(100)}, connect.CodeInvalidArgument, "data: is a GIF file; a video accepts MP4"},
		{"video over 10 MB", &contentv1.UploadMediaRequest{Type: contentv1.MediaType_MEDIA_TYPE_VIDEO, Data: sandboxtest.MP4(10<<20 + 1)}, connect.CodeInvalidArgument, "data: is 10485761 bytes"},
		{"thumb png", &contentv1.UploadMediaRequest{Type: contentv1.MediaType_MEDIA_TYPE_THUMB, Data: sandboxtest.PNG(100)}, connect.CodeInvalidArgument, "a thumb accepts JPEG"},
		{"thumb over 64 KB", &contentv1.UploadMediaRequest{Type: contentv1.MediaType_MEDIA_TYPE_THUMB, Data: sandboxtest.JPEG(64<<10 + 1)}, connect.CodeInvalidArgument, "must be at most 64 KB"},
		{"empty", &contentv1.UploadMediaRequest{Type: img}, connect.CodeInvalidArgument, "data: is empty"},
		{"no type", &contentv1.UploadMediaRequest{Data: sandboxtest.PNG(100)}, connect.CodeInvalidArgument, "type: must be"},
		{"wrong extension", &contentv1.UploadMediaRequest{Type: img, Data: sandboxtest.PNG(100), Filename: "a.jpg"}, connect.CodeInvalidArgument, "filename: has extension .jpg but the content is PNG"},
		{"path in name", &contentv1.UploadMediaRequest{Type: img, Data: sandboxtest.PNG(100), Filename: "../a.png"}, connect.CodeInvalidArgument, "filename: must be a plain file name"},
		{"account the key may not use", &contentv1.UploadMediaRequest{AppId: "wxnotconfigured01", Type: img, Data: sandboxtest.PNG(100)}, connect.CodePermissionDenied, "may not use account"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.req.AppId == "" {
				tt.req.AppId = a.appID
			}
			_, err := a.media.UploadMedia(a.ctx, tt.req)
			if connect.CodeOf(err) != tt.code || !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("err = %v, want %v containing %q", err, tt.code, tt.field)
			}
		})
	}
	// Article images: JPEG or PNG below 1 MB.
	_, err := a.media.UploadArticleImage(a.ctx, &contentv1.UploadArticleImageRequest{AppId: a.appID, Data: sandboxtest.JPEG(1 << 20)})
	if connect.CodeOf(err) != connect.CodeInvalidArgument || !strings.Contains(err.Error(), "below 1 MB") {
		t.Errorf("1 MB article image: %v", err)
	}
	_, err = a.media.UploadArticleImage(a.ctx, &contentv1.UploadArticleImageRequest{AppId: a.appID, Data: sandboxtest.GIF(100)})
	if connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("gif article image: %v", err)
	}
	// An account that is not configured is NotFound (for a key that may use any account).
	admin := contentv1connect.NewMediaServiceClient(&http.Client{Transport: keyTransport{adminKey}}, a.url)
	_, err = admin.UploadMedia(a.ctx, &contentv1.UploadMediaRequest{AppId: "wxnotconfigured01", Type: img, Data: sandboxtest.PNG(100)})
	if connect.CodeOf(err) != connect.CodeNotFound || !strings.Contains(err.Error(), `account "wxnotconfigured01" is not configured`) {
		t.Errorf("unknown account: %v", err)
	}
	if n := a.calls("/cgi-bin/media/upload") + a.calls("/cgi-bin/media/uploadimg"); n != 0 {
		t.Fatalf("%d uploads reached WeChat", n)
	}
	u, err := a.media.UploadArticleImage(a.ctx, &contentv1.UploadArticleImageRequest{AppId: a.appID, Data: sandboxtest.PNG(1<<20 - 1)})
	if err != nil || !strings.HasPrefix(u.GetUrl(), "http://mmbiz.qpic.cn/") {
		t.Fatalf("article image: %v, %v", u, err)
	}
}

// multipartBody builds a form: fields in order, then the file as media.
func multipartBody(fields [][2]string, filename string, data []byte) (io.Reader, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, f := range fields {
		_ = w.WriteField(f[0], f[1])
	}
	if data != nil {
		fw, _ := w.CreateFormFile("media", filename)
		_, _ = fw.Write(data)
	}
	_ = w.Close()
	return &b, w.FormDataContentType()
}

func rest(t *testing.T, method, url, key, contentType string, body io.Reader) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, data
}

func TestRESTMultipartUploadAndDownload(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	base := a.url + "/v1/apps/" + a.appID
	img := sandboxtest.PNG(200_000)

	body, ct := multipartBody([][2]string{{"type", "image"}}, "photo.png", img)
	code, _, data := rest(t, http.MethodPost, base+"/media:upload", writerKey, ct, body)
	var up struct {
		MediaID    string `json:"media_id"`
		Type       string `json:"type"`
		ExpireTime string `json:"expire_time"`
	}
	if code != http.StatusOK || json.Unmarshal(data, &up) != nil || up.MediaID == "" || up.Type != "MEDIA_TYPE_IMAGE" || up.ExpireTime == "" {
		t.Fatalf("upload: %d %s", code, data)
	}
	code, h, data := rest(t, http.MethodGet, base+"/media/"+up.MediaID+"/content", readerKey, "", nil)
	if code != http.StatusOK || h.Get("Content-Type") != "image/png" || !bytes.Equal(data, img) || !strings.Contains(h.Get("Content-Disposition"), up.MediaID+".png") {
		t.Fatalf("download: %d %v %d bytes", code, h, len(data))
	}

	// The type may come as a query parameter too; the JSON gateway route takes base64.
	body, ct = multipartBody(nil, "t.jpg", sandboxtest.JPEG(1000))
	if code, _, data := rest(t, http.MethodPost, base+"/media:upload?type=thumb", writerKey, ct, body); code != http.StatusOK {
		t.Fatalf("thumb upload: %d %s", code, data)
	}
	js := fmt.Sprintf(`{"type":"MEDIA_TYPE_IMAGE","data":%q,"filename":"g.gif"}`, base64.StdEncoding.EncodeToString(sandboxtest.GIF(500)))
	if code, _, data := rest(t, http.MethodPost, base+"/media", writerKey, "application/json", strings.NewReader(js)); code != http.StatusOK || !strings.Contains(string(data), `"media_id"`) {
		t.Fatalf("gateway JSON upload: %d %s", code, data)
	}

	// Refusals: bad file, missing type, auth.
	before := a.calls("/cgi-bin/media/upload")
	for _, tt := range []struct {
		name   string
		key    string
		fields [][2]string
		data   []byte
		status int
		want   string
	}{
		{"oversized", writerKey, [][2]string{{"type", "image"}}, sandboxtest.PNG(10<<20 + 1), 400, `media: is 10485761 bytes`},
		{"wrong magic", writerKey, [][2]string{{"type", "thumb"}}, sandboxtest.PNG(100), 400, `media: is a PNG file; a thumb accepts JPEG`},
		{"no type", writerKey, nil, sandboxtest.PNG(100), 400, `type: is required`},
		{"no media", writerKey, [][2]string{{"type", "image"}}, nil, 400, `media: is required`},
		{"no key", "", [][2]string{{"type", "image"}}, sandboxtest.PNG(100), 401, `missing API key`},
		{"read-only key", readerKey, [][2]string{{"type", "image"}}, sandboxtest.PNG(100), 403, `lacks scope \"content.write\"`},
		{"other account", otherKey, [][2]string{{"type", "image"}}, sandboxtest.PNG(100), 403, `may not use account`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body, ct := multipartBody(tt.fields, "f.png", tt.data)
			code, _, data := rest(t, http.MethodPost, base+"/media:upload", tt.key, ct, body)
			if code != tt.status || !strings.Contains(string(data), tt.want) {
				t.Fatalf("%d %s, want %d containing %s", code, data, tt.status, tt.want)
			}
		})
	}
	if code, _, data := rest(t, http.MethodPost, base+"/media:upload", writerKey, "application/json", strings.NewReader(`{}`)); code != 400 || !strings.Contains(string(data), "multipart/form-data") {
		t.Errorf("not multipart: %d %s", code, data)
	}
	if n := a.calls("/cgi-bin/media/upload"); n != before {
		t.Errorf("%d refused uploads reached WeChat", n-before)
	}
	// Downloads: unknown media is 404 with the WeChat detail; a writer-only key... reads
	// need content.read (otherKey has it, but not for this account).
	code, _, data = rest(t, http.MethodGet, base+"/media/nope/content", readerKey, "", nil)
	if code != http.StatusNotFound || !strings.Contains(string(data), `"errcode":"40007"`) {
		t.Errorf("unknown media: %d %s", code, data)
	}
	if code, _, _ := rest(t, http.MethodGet, base+"/media/"+up.MediaID+"/content", otherKey, "", nil); code != http.StatusForbidden {
		t.Errorf("other account download: %d", code)
	}

	// Article images over REST.
	body, ct = multipartBody(nil, "in.jpg", sandboxtest.JPEG(5000))
	if code, _, data := rest(t, http.MethodPost, base+"/article-images:upload", writerKey, ct, body); code != 200 || !strings.Contains(string(data), "mmbiz.qpic.cn") {
		t.Errorf("article image: %d %s", code, data)
	}
}

// article is a valid article with cover thumb.
func article(thumb, title string) *contentv1.Article {
	return &contentv1.Article{Title: title, ThumbMediaId: thumb, Author: "wxsuite", Content: "<p>Hello & <b>welcome</b></p>",
		ContentSourceUrl: "https://example.com/?a=1&b=2", ShowCoverPic: true, NeedOpenComment: true}
}

func TestMaterials(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	m := a.material
	thumb, err := m.AddMaterial(a.ctx, &contentv1.AddMaterialRequest{AppId: a.appID, Type: contentv1.MediaType_MEDIA_TYPE_THUMB, Data: sandboxtest.JPEG(2000), Filename: "cover.jpg"})
	if err != nil {
		t.Fatal(err)
	}
	bmp := sandboxtest.BMP(4000)
	img, err := m.AddMaterial(a.ctx, &contentv1.AddMaterialRequest{AppId: a.appID, Type: contentv1.MediaType_MEDIA_TYPE_IMAGE, Data: bmp})
	if err != nil || !strings.HasPrefix(img.GetUrl(), "http://mmbiz.qpic.cn/") {
		t.Fatalf("image: %v, %v", img, err)
	}
	_, err = m.AddMaterial(a.ctx, &contentv1.AddMaterialRequest{AppId: a.appID, Type: contentv1.MediaType_MEDIA_TYPE_VIDEO, Data: sandboxtest.MP4(500)})
	if connect.CodeOf(err) != connect.CodeInvalidArgument || !strings.Contains(err.Error(), "title:") {
		t.Fatalf("video without title: %v", err)
	}
	video, err := m.AddMaterial(a.ctx, &contentv1.AddMaterialRequest{AppId: a.appID, Type: contentv1.MediaType_MEDIA_TYPE_VIDEO, Data: sandboxtest.MP4(500), Title: "Clip <1>", Introduction: "A & B"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.AddMaterial(a.ctx, &contentv1.AddMaterialRequest{AppId: a.appID, Type: contentv1.MediaType_MEDIA_TYPE_VOICE, Data: []byte("RIFF\x00\x00\x00\x00WAVEfmt "), Filename: "v.wav"}); err != nil {
		t.Fatalf("wav voice: %v", err)
	}

	// News: validation with field paths, then the real thing.
	nine := make([]*contentv1.Article, 9)
	for i := range nine {
		nine[i] = article(thumb.GetMediaId(), "t")
	}
	noTitle := article(thumb.GetMediaId(), "")
	longContent := article(thumb.GetMediaId(), "x")
	longContent.Content = strings.Repeat("字", 20_000)
	for _, tt := range []struct {
		articles []*contentv1.Article
		want     string
	}{
		{nil, "articles: must hold 1 to 8 articles"},
		{nine, "articles: holds 9 articles"},
		{[]*contentv1.Article{article(thumb.GetMediaId(), "a"), noTitle}, "articles[1].title: is required"},
		{[]*contentv1.Article{longContent}, "articles[0].content: must be below 20000 characters"},
		{[]*contentv1.Article{article("", "a")}, "articles[0].thumb_media_id: is required"},
	} {
		_, err := m.AddNews(a.ctx, &contentv1.AddNewsRequest{AppId: a.appID, Articles: tt.articles})
		if connect.CodeOf(err) != connect.CodeInvalidArgument || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("AddNews: %v, want %q", err, tt.want)
		}
	}
	if n := a.calls("/cgi-bin/material/add_news"); n != 0 {
		t.Fatalf("%d refused news reached WeChat", n)
	}
	// A temporary thumb is refused by WeChat (40007) with the errcode kept.
	tmp, err := a.media.UploadMedia(a.ctx, &contentv1.UploadMediaRequest{AppId: a.appID, Type: contentv1.MediaType_MEDIA_TYPE_THUMB, Data: sandboxtest.JPEG(100)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.AddNews(a.ctx, &contentv1.AddNewsRequest{AppId: a.appID, Articles: []*contentv1.Article{article(tmp.GetMediaId(), "a")}})
	wantWeChatCode(t, err, connect.CodeNotFound, 40007)

	news, err := m.AddNews(a.ctx, &contentv1.AddNewsRequest{AppId: a.appID, Articles: []*contentv1.Article{article(thumb.GetMediaId(), "One"), article(thumb.GetMediaId(), "Two")}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.GetMaterial(a.ctx, &contentv1.GetMaterialRequest{AppId: a.appID, MediaId: news.GetMediaId()})
	if err != nil {
		t.Fatal(err)
	}
	arts := got.GetNews().GetArticles()
	if len(arts) != 2 || arts[1].GetTitle() != "Two" || arts[0].GetContent() != "<p>Hello & <b>welcome</b></p>" || arts[0].GetUrl() == "" || !arts[0].GetNeedOpenComment() {
		t.Fatalf("news = %v", got)
	}
	if _, err := m.UpdateNewsArticle(a.ctx, &contentv1.UpdateNewsArticleRequest{AppId: a.appID, MediaId: news.GetMediaId(), Index: 1, Article: article(thumb.GetMediaId(), "Two v2")}); err != nil {
		t.Fatal(err)
	}
	_, err = m.UpdateNewsArticle(a.ctx, &contentv1.UpdateNewsArticleRequest{AppId: a.appID, MediaId: news.GetMediaId(), Index: 5, Article: article(thumb.GetMediaId(), "x")})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40060)
	_, err = m.UpdateNewsArticle(a.ctx, &contentv1.UpdateNewsArticleRequest{AppId: a.appID, MediaId: news.GetMediaId(), Index: 0, Article: article(thumb.GetMediaId(), "")})
	if connect.CodeOf(err) != connect.CodeInvalidArgument || !strings.Contains(err.Error(), "article.title") {
		t.Errorf("update without title: %v", err)
	}
	got, _ = m.GetMaterial(a.ctx, &contentv1.GetMaterialRequest{AppId: a.appID, MediaId: news.GetMediaId()})
	if got.GetNews().GetArticles()[1].GetTitle() != "Two v2" {
		t.Errorf("after update: %v", got)
	}

	gv, err := m.GetMaterial(a.ctx, &contentv1.GetMaterialRequest{AppId: a.appID, MediaId: video.GetMediaId()})
	if err != nil || gv.GetVideo().GetTitle() != "Clip <1>" || gv.GetVideo().GetDescription() != "A & B" || gv.GetVideo().GetDownUrl() == "" {
		t.Fatalf("video = %v, %v", gv, err)
	}
	gi, err := m.GetMaterial(a.ctx, &contentv1.GetMaterialRequest{AppId: a.appID, MediaId: img.GetMediaId()})
	if err != nil || gi.GetFile().GetContentType() != "image/bmp" || !bytes.Equal(gi.GetFile().GetData(), bmp) {
		t.Fatalf("image = %v", err)
	}

	count, err := m.GetMaterialCount(a.ctx, &contentv1.GetMaterialCountRequest{AppId: a.appID})
	if err != nil || count.GetImageCount() != 2 || count.GetVideoCount() != 1 || count.GetVoiceCount() != 1 || count.GetNewsCount() != 1 {
		t.Fatalf("count = %v, %v", count, err)
	}
	page, err := m.ListMaterials(a.ctx, &contentv1.ListMaterialsRequest{AppId: a.appID, Type: contentv1.MaterialType_MATERIAL_TYPE_IMAGE, Count: 1})
	if err != nil || page.GetTotalCount() != 2 || len(page.GetItems()) != 1 || page.GetItems()[0].GetMediaId() != img.GetMediaId() {
		t.Fatalf("list = %v, %v", page, err)
	}
	page, err = m.ListMaterials(a.ctx, &contentv1.ListMaterialsRequest{AppId: a.appID, Type: contentv1.MaterialType_MATERIAL_TYPE_NEWS})
	if err != nil || len(page.GetItems()) != 1 || len(page.GetItems()[0].GetNews().GetArticles()) != 2 {
		t.Fatalf("list news = %v, %v", page, err)
	}
	for _, bad := range []*contentv1.ListMaterialsRequest{
		{AppId: a.appID, Type: contentv1.MaterialType_MATERIAL_TYPE_IMAGE, Count: 21},
		{AppId: a.appID, Type: contentv1.MaterialType_MATERIAL_TYPE_IMAGE, Offset: -1},
		{AppId: a.appID},
	} {
		if _, err := m.ListMaterials(a.ctx, bad); connect.CodeOf(err) != connect.CodeInvalidArgument {
			t.Errorf("ListMaterials(%v): %v", bad, err)
		}
	}

	// REST: multipart material upload with a video's title, raw download of a material.
	base := a.url + "/v1/apps/" + a.appID
	body, ct := multipartBody([][2]string{{"type", "video"}, {"title", "REST clip"}, {"introduction", "via curl"}}, "c.mp4", sandboxtest.MP4(300))
	code, _, data := rest(t, http.MethodPost, base+"/materials:upload", writerKey, ct, body)
	if code != 200 || !strings.Contains(string(data), "media_id") {
		t.Fatalf("REST video material: %d %s", code, data)
	}
	code, h, data := rest(t, http.MethodGet, base+"/materials/"+img.GetMediaId()+"/content", readerKey, "", nil)
	if code != 200 || h.Get("Content-Type") != "image/bmp" || !bytes.Equal(data, bmp) {
		t.Fatalf("REST material content: %d %v", code, h)
	}
	code, h, data = rest(t, http.MethodGet, base+"/materials/"+news.GetMediaId()+"/content", readerKey, "", nil)
	if code != 200 || h.Get("Content-Type") != "application/json" || !strings.Contains(string(data), `"news_item"`) {
		t.Fatalf("REST news content: %d %v %s", code, h, data)
	}

	if _, err := m.DeleteMaterial(a.ctx, &contentv1.DeleteMaterialRequest{AppId: a.appID, MediaId: img.GetMediaId()}); err != nil {
		t.Fatal(err)
	}
	_, err = m.GetMaterial(a.ctx, &contentv1.GetMaterialRequest{AppId: a.appID, MediaId: img.GetMediaId()})
	wantWeChatCode(t, err, connect.CodeNotFound, 40007)
}

func TestStreamMaterials(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	const n = 45
	want := map[string]bool{}
	for i := range n {
		r, err := a.material.AddMaterial(a.ctx, &contentv1.AddMaterialRequest{AppId: a.appID, Type: contentv1.MediaType_MEDIA_TYPE_IMAGE, Data: sandboxtest.PNG(100 + i)})
		if err != nil {
			t.Fatal(err)
		}
		want[r.GetMediaId()] = true
	}
	st, err := a.material.StreamMaterials(a.ctx, &contentv1.StreamMaterialsRequest{AppId: a.appID, Type: contentv1.MaterialType_MATERIAL_TYPE_IMAGE})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	msgs, last := 0, int32(0)
	for st.Receive() {
		msgs++
		for _, it := range st.Msg().GetItems() {
			if seen[it.GetMediaId()] {
				t.Fatalf("%s delivered twice", it.GetMediaId())
			}
			seen[it.GetMediaId()] = true
		}
		if st.Msg().GetTotalCount() != n || st.Msg().GetDelivered() != int32(len(seen)) || st.Msg().GetDelivered() <= last {
			t.Fatalf("progress %v after %d items", st.Msg(), len(seen))
		}
		last = st.Msg().GetDelivered()
	}
	if err := st.Err(); err != nil {
		t.Fatal(err)
	}
	if msgs != 3 || len(seen) != n {
		t.Fatalf("%d messages, %d items", msgs, len(seen))
	}
	for id := range want {
		if !seen[id] {
			t.Fatalf("%s missing", id)
		}
	}
	if got := a.calls("/cgi-bin/material/batchget_material"); got != 3 {
		t.Errorf("%d batchget calls, want 3", got)
	}
	// A bad page size is refused before any call.
	st, _ = a.material.StreamMaterials(a.ctx, &contentv1.StreamMaterialsRequest{AppId: a.appID, Type: contentv1.MaterialType_MATERIAL_TYPE_IMAGE, PageSize: 21})
	for st.Receive() {
	}
	if connect.CodeOf(st.Err()) != connect.CodeInvalidArgument {
		t.Errorf("page_size 21: %v", st.Err())
	}
}

func TestComments(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	fan := a.sb.AddUser(t, a.appID, sandbox.User{Nickname: "fan"})
	thumb, err := a.material.AddMaterial(a.ctx, &contentv1.AddMaterialRequest{AppId: a.appID, Type: contentv1.MediaType_MEDIA_TYPE_THUMB, Data: sandboxtest.JPEG(100)})
	if err != nil {
		t.Fatal(err)
	}
	news, err := a.material.AddNews(a.ctx, &contentv1.AddNewsRequest{AppId: a.appID, Articles: []*contentv1.Article{article(thumb.GetMediaId(), "One")}})
	if err != nil {
		t.Fatal(err)
	}
	pub := a.sb.PublishNews(t, a.appID, news.GetMediaId())
	ids := make([]int64, 3)
	for i := range ids {
		ids[i] = a.sb.AddComment(t, a.appID, pub.MsgDataID, 0, fan.OpenID, fmt.Sprint("comment ", i))
	}
	c := a.comments

	list, err := c.ListComments(a.ctx, &contentv1.ListCommentsRequest{AppId: a.appID, MsgDataId: pub.MsgDataID})
	if err != nil || list.GetTotal() != 3 || len(list.GetComments()) != 3 || list.GetComments()[0].GetOpenid() != fan.OpenID || list.GetComments()[2].GetContent() != "comment 2" {
		t.Fatalf("list = %v, %v", list, err)
	}
	if _, err := c.MarkElected(a.ctx, &contentv1.MarkElectedRequest{AppId: a.appID, MsgDataId: pub.MsgDataID, UserCommentId: ids[1]}); err != nil {
		t.Fatal(err)
	}
	list, _ = c.ListComments(a.ctx, &contentv1.ListCommentsRequest{AppId: a.appID, MsgDataId: pub.MsgDataID, Filter: contentv1.CommentFilter_COMMENT_FILTER_ELECTED})
	if list.GetTotal() != 1 || !list.GetComments()[0].GetElected() || list.GetComments()[0].GetUserCommentId() != ids[1] {
		t.Fatalf("elected = %v", list)
	}
	if _, err := c.UnmarkElected(a.ctx, &contentv1.UnmarkElectedRequest{AppId: a.appID, MsgDataId: pub.MsgDataID, UserCommentId: ids[1]}); err != nil {
		t.Fatal(err)
	}
	list, _ = c.ListComments(a.ctx, &contentv1.ListCommentsRequest{AppId: a.appID, MsgDataId: pub.MsgDataID, Filter: contentv1.CommentFilter_COMMENT_FILTER_NORMAL})
	if list.GetTotal() != 3 {
		t.Fatalf("normal after unmark = %v", list)
	}

	if _, err := c.AddReply(a.ctx, &contentv1.AddReplyRequest{AppId: a.appID, MsgDataId: pub.MsgDataID, UserCommentId: ids[0], Content: "Thanks & welcome"}); err != nil {
		t.Fatal(err)
	}
	_, err = c.AddReply(a.ctx, &contentv1.AddReplyRequest{AppId: a.appID, MsgDataId: pub.MsgDataID, UserCommentId: ids[0], Content: "again"})
	wantWeChatCode(t, err, connect.CodeAlreadyExists, 88005)
	list, _ = c.ListComments(a.ctx, &contentv1.ListCommentsRequest{AppId: a.appID, MsgDataId: pub.MsgDataID, Count: 1})
	if list.GetComments()[0].GetReply().GetContent() != "Thanks & welcome" || len(list.GetComments()) != 1 {
		t.Fatalf("reply = %v", list)
	}
	if _, err := c.DeleteReply(a.ctx, &contentv1.DeleteReplyRequest{AppId: a.appID, MsgDataId: pub.MsgDataID, UserCommentId: ids[0]}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteReply(a.ctx, &contentv1.DeleteReplyRequest{AppId: a.appID, MsgDataId: pub.MsgDataID, UserCommentId: ids[0]})
	wantWeChatCode(t, err, connect.CodeNotFound, 88009)

	if _, err := c.DeleteComment(a.ctx, &contentv1.DeleteCommentRequest{AppId: a.appID, MsgDataId: pub.MsgDataID, UserCommentId: ids[2]}); err != nil {
		t.Fatal(err)
	}
	_, err = c.MarkElected(a.ctx, &contentv1.MarkElectedRequest{AppId: a.appID, MsgDataId: pub.MsgDataID, UserCommentId: ids[2]})
	wantWeChatCode(t, err, connect.CodeNotFound, 88008)
	_, err = c.ListComments(a.ctx, &contentv1.ListCommentsRequest{AppId: a.appID, MsgDataId: pub.MsgDataID + 1000})
	wantWeChatCode(t, err, connect.CodeNotFound, 88001)

	if _, err := c.CloseComments(a.ctx, &contentv1.CloseCommentsRequest{AppId: a.appID, MsgDataId: pub.MsgDataID}); err != nil {
		t.Fatal(err)
	}
	_, err = c.MarkElected(a.ctx, &contentv1.MarkElectedRequest{AppId: a.appID, MsgDataId: pub.MsgDataID, UserCommentId: ids[0]})
	wantWeChatCode(t, err, connect.CodeFailedPrecondition, 88000)
	if _, err := c.OpenComments(a.ctx, &contentv1.OpenCommentsRequest{AppId: a.appID, MsgDataId: pub.MsgDataID}); err != nil {
		t.Fatal(err)
	}
	a.sb.AddComment(t, a.appID, pub.MsgDataID, 0, "", "anonymous")

	// Bad input: nothing sent.
	before := a.calls("/cgi-bin/comment/list") + a.calls("/cgi-bin/comment/reply/add") + a.calls("/cgi-bin/comment/delete")
	for _, tt := range []struct {
		call func() error
		want string
	}{
		{func() error {
			_, err := c.ListComments(a.ctx, &contentv1.ListCommentsRequest{AppId: a.appID, MsgDataId: pub.MsgDataID, Count: 51})
			return err
		}, "count: must be 1 to 50"},
		{func() error {
			_, err := c.ListComments(a.ctx, &contentv1.ListCommentsRequest{AppId: a.appID})
			return err
		}, "msg_data_id: is required"},
		{func() error {
			_, err := c.AddReply(a.ctx, &contentv1.AddReplyRequest{AppId: a.appID, MsgDataId: pub.MsgDataID, UserCommentId: ids[0], Content: "  "})
			return err
		}, "content: is required"},
		{func() error {
			_, err := c.DeleteComment(a.ctx, &contentv1.DeleteCommentRequest{AppId: a.appID, MsgDataId: pub.MsgDataID})
			return err
		}, "user_comment_id: is required"},
		{func() error {
			_, err := c.DeleteComment(a.ctx, &contentv1.DeleteCommentRequest{AppId: a.appID, MsgDataId: pub.MsgDataID, Index: 8, UserCommentId: 1})
			return err
		}, "index: must be 0 to 7"},
	} {
		if err := tt.call(); connect.CodeOf(err) != connect.CodeInvalidArgument || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("err = %v, want InvalidArgument %q", err, tt.want)
		}
	}
	if after := a.calls("/cgi-bin/comment/list") + a.calls("/cgi-bin/comment/reply/add") + a.calls("/cgi-bin/comment/delete"); after != before {
		t.Errorf("%d refused calls reached WeChat", after-before)
	}

	// REST through the gateway.
	code, _, data := rest(t, http.MethodGet, fmt.Sprintf("%s/v1/apps/%s/articles/%d/comments?count=10", a.url, a.appID, pub.MsgDataID), readerKey, "", nil)
	if code != 200 || !strings.Contains(string(data), `"content":"anonymous"`) {
		t.Errorf("REST list: %d %s", code, data)
	}
	code, _, data = rest(t, http.MethodPost, fmt.Sprintf("%s/v1/apps/%s/articles/%d/comments/%d:markElected", a.url, a.appID, pub.MsgDataID, ids[0]), readerKey, "application/json", strings.NewReader(`{}`))
	if code != http.StatusForbidden {
		t.Errorf("REST markElected with a read-only key: %d %s", code, data)
	}
}

// metadataKey returns ctx carrying the API key as gRPC metadata.
func metadataKey(ctx context.Context, key string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+key)
}

// BenchmarkUpload10MB uploads a 10 MB image through the service to the sandbox over
// Connect (bytes in the message) and over REST (multipart, streamed). The sandbox runs in
// the same process, so B/op includes its own copies of the file.
func BenchmarkUpload10MB(b *testing.B) {
	a := startApp(b)
	img := sandboxtest.JPEG(10 << 20)
	b.Run("connect", func(b *testing.B) {
		b.SetBytes(int64(len(img)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := a.media.UploadMedia(a.ctx, &contentv1.UploadMediaRequest{AppId: a.appID, Type: contentv1.MediaType_MEDIA_TYPE_IMAGE, Data: img}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rest-multipart", func(b *testing.B) {
		b.SetBytes(int64(len(img)))
		b.ReportAllocs()
		for b.Loop() {
			body, ct := multipartBody([][2]string{{"type", "image"}}, "p.jpg", img)
			req, _ := http.NewRequest(http.MethodPost, a.url+"/v1/apps/"+a.appID+"/media:upload", body)
			req.Header.Set("Content-Type", ct)
			req.Header.Set("Authorization", "Bearer "+writerKey)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatalf("HTTP %d", resp.StatusCode)
			}
		}
	})
}
