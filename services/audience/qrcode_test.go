package audience

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"connectrpc.com/connect"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// TestGetQRCodeImageUpstream covers showqrcode answers the sandbox does not give.
func TestGetQRCodeImageUpstream(t *testing.T) {
	t.Parallel()
	big := bytes.Repeat([]byte{0xff}, 2048)
	tests := []struct {
		name     string
		status   int
		ctype    string
		body     []byte
		wantType string
		wantCode connect.Code
	}{
		{name: "image/jpg is image/jpeg", status: 200, ctype: "image/jpg", body: []byte{0xff, 0xd8}, wantType: "image/jpeg"},
		{name: "png passes", status: 200, ctype: "image/png", body: []byte{0x89, 'P'}, wantType: "image/png"},
		{name: "404", status: 404, wantCode: connect.CodeNotFound},
		{name: "an HTML page for a bad ticket", status: 200, ctype: "text/html", body: []byte("<html>"), wantCode: connect.CodeNotFound},
		{name: "an empty image", status: 200, ctype: "image/jpeg", wantCode: connect.CodeNotFound},
		{name: "500", status: 500, wantCode: connect.CodeUnavailable},
		{name: "too big", status: 200, ctype: "image/jpeg", body: big, wantCode: connect.CodeUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Query().Get("ticket") != "gQ+/=" || r.URL.Query().Has("access_token") {
					t.Errorf("query %q", r.URL.RawQuery)
				}
				if tt.ctype != "" {
					w.Header().Set("Content-Type", tt.ctype)
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write(tt.body)
			}))
			t.Cleanup(srv.Close)
			s := newTestService(t, srv.URL+"/cgi-bin/showqrcode", 1024)
			img, err := s.GetQRCodeImage(t.Context(), "wxapp", "gQ+/=")
			if tt.wantCode != 0 {
				if got := connect.CodeOf(connectError(err)); got != tt.wantCode {
					t.Fatalf("error %v: code %v, want %v", err, got, tt.wantCode)
				}
				return
			}
			if err != nil || img.ContentType != tt.wantType || !bytes.Equal(img.Data, tt.body) {
				t.Fatalf("image %+v, %v", img, err)
			}
		})
	}
	t.Run("unreachable", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		s := newTestService(t, url+"/cgi-bin/showqrcode", 0)
		_, err := s.GetQRCodeImage(t.Context(), "wxapp", "secret-ticket")
		var ie *ImageError
		if !errors.As(err, &ie) || connect.CodeOf(connectError(err)) != connect.CodeUnavailable {
			t.Fatalf("error %v", err)
		}
		if bytes.Contains([]byte(err.Error()), []byte("secret-ticket")) {
			t.Errorf("the error quotes the ticket: %v", err)
		}
	})
}

func newTestService(t *testing.T, imageURL string, maxBytes int64) *Service {
	t.Helper()
	wc, err := wechat.New(wechat.Config{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Params{Config: Config{QRCodeImageURL: imageURL, MaxImageBytes: maxBytes}, WeChat: wc,
		Accounts: config.Accounts{{AppID: "wxapp"}}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConfig(t *testing.T) {
	t.Parallel()
	wc, err := wechat.New(wechat.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []Config{
		{QRCodeImageURL: "ftp://x/showqrcode"},
		{QRCodeImageURL: "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=x"},
		{ImageTimeout: -1},
		{MaxImageBytes: -1},
	} {
		if _, err := New(Params{Config: bad, WeChat: wc}); err == nil {
			t.Errorf("New accepted %+v", bad)
		}
	}
	if _, err := New(Params{WeChat: nil}); err == nil {
		t.Error("New accepted no WeChat client")
	}
	s, err := New(Params{WeChat: wc})
	if err != nil || s.cfg.QRCodeImageURL != defaultQRCodeImageURL {
		t.Fatalf("defaults: %+v, %v", s.cfg, err)
	}
}
