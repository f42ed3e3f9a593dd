package content

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

type issuedTokens struct{ sb *sandbox.Sandbox }

func (s issuedTokens) AccessToken(_ context.Context, appID string) (string, error) {
	v, _, err := s.sb.IssueToken(appID)
	return v, err
}

func (s issuedTokens) RefreshAccessToken(ctx context.Context, appID, _ string) (string, error) {
	return s.AccessToken(ctx, appID)
}

// newTestService returns a Service for the sandbox's demo account.
func newTestService(t *testing.T) (*Service, *sandboxtest.Env) {
	t.Helper()
	sb := sandboxtest.Start(t)
	wc, err := wechat.New(wechat.Config{BaseURL: sb.URL, MaxRetries: -1}, wechat.WithTokenSource(issuedTokens{sb.Sandbox}))
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Params{WeChat: wc, Accounts: config.Accounts{{AppID: sandboxtest.DemoAppID, AppSecret: config.NewSecret(sandboxtest.DemoAppSecret)}}})
	if err != nil {
		t.Fatal(err)
	}
	return s, sb
}

// TestStreamMaterialsSkipsShiftedItems adds material while a stream runs: the newest-first
// pages shift, and the item pushed onto the next page is not delivered twice.
func TestStreamMaterialsSkipsShiftedItems(t *testing.T) {
	t.Parallel()
	s, _ := newTestService(t)
	ctx := context.Background()
	app := sandboxtest.DemoAppID
	add := func(i int) string {
		m, err := s.AddMaterial(ctx, app, KindImage, File{Body: bytesReader(sandboxtest.PNG(100 + i)), Size: -1, Field: "data", NameField: "filename"}, Video{})
		if err != nil {
			t.Fatal(err)
		}
		return m.MediaID
	}
	want := map[string]bool{}
	for i := range 5 {
		want[add(i)] = true
	}
	seen := map[string]int{}
	pages := 0
	err := s.StreamMaterials(ctx, app, MaterialImage, 2, func(items []MaterialItem, total, delivered int) error {
		pages++
		for _, it := range items {
			seen[it.MediaID]++
		}
		if pages == 1 {
			add(99) // the newest item: every later page shifts by one
		}
		if delivered != len(seen) {
			t.Errorf("delivered %d, seen %d", delivered, len(seen))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s delivered %d times", id, n)
		}
	}
	for id := range want {
		if seen[id] != 1 {
			t.Errorf("%s not delivered", id)
		}
	}
}

func TestStreamMaterialsEmpty(t *testing.T) {
	t.Parallel()
	s, _ := newTestService(t)
	calls := 0
	err := s.StreamMaterials(context.Background(), sandboxtest.DemoAppID, MaterialVideo, 0, func(items []MaterialItem, total, delivered int) error {
		calls++
		if len(items) != 0 || total != 0 || delivered != 0 {
			t.Errorf("page %v %d %d", items, total, delivered)
		}
		return nil
	})
	if err != nil || calls != 1 {
		t.Fatalf("%d pages, %v", calls, err)
	}
}

// TestStreamDownload checks the REST download writer: type from the first bytes even
// when they arrive one at a time, JSON passed through for videos.
func TestStreamDownload(t *testing.T) {
	t.Parallel()
	s, _ := newTestService(t)
	ctx := context.Background()
	app := sandboxtest.DemoAppID
	up, err := s.UploadMedia(ctx, app, KindVoice, File{Name: "v.mp3", Body: bytesReader(sandboxtest.MP3(5000)), Size: 5000})
	if err != nil {
		t.Fatal(err)
	}
	w := &recorder{header: http.Header{}}
	started, err := s.StreamMedia(ctx, app, up.MediaID, w)
	if err != nil || !started || w.status != 200 || w.header.Get("Content-Type") != "audio/mpeg" || w.body.Len() != 5000 {
		t.Fatalf("stream: %v %v %d %v %d", started, err, w.status, w.header, w.body.Len())
	}
	// A tiny file (shorter than the sniffing window) is still written.
	sw := &streamWriter{w: &recorder{header: http.Header{}}, name: "x"}
	_, _ = sw.Write([]byte{0xFF, 0xD8, 0xFF})
	if err := sw.commit(); err != nil || sw.w.(*recorder).body.Len() != 3 || sw.w.Header().Get("Content-Type") != "image/jpeg" {
		t.Fatalf("tiny: %v %v", err, sw.w.Header())
	}
	// Unknown media: nothing written, WeChat's error returned.
	w = &recorder{header: http.Header{}}
	started, err = s.StreamMedia(ctx, app, "nope", w)
	if started || err == nil || w.status != 0 {
		t.Fatalf("unknown: %v %v %d", started, err, w.status)
	}
	if code, _ := wechat.Code(err); code != 40007 {
		t.Fatalf("errcode %d", code)
	}
}

type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(p []byte) (int, error) { return r.body.Write(p) }
func (r *recorder) WriteHeader(code int)        { r.status = code }

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

func TestSmallMessageLimitWarns(t *testing.T) {
	t.Parallel()
	wc, err := wechat.New(wechat.Config{BaseURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		limit int
		warn  bool
	}{{16 << 20, false}, {MinMessageBytes, false}, {4 << 20, true}} {
		var logs bytes.Buffer
		_, err := newService(serviceParams{MaxMessageBytes: tt.limit, WeChat: wc, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(logs.String(), "server.max_message_bytes"); got != tt.warn {
			t.Errorf("limit %d: warned %v: %s", tt.limit, got, logs.String())
		}
	}
}
