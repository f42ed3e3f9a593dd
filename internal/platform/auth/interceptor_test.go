package auth_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"connectrpc.com/connect"

	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
)

// Streaming procedures of a test service (no wxsuite proto streams yet), with token
// messages so that requests carry app_id.
const (
	watchProcedure  = "/wxsuite.test.v1.StreamService/Watch"  // server stream
	uploadProcedure = "/wxsuite.test.v1.StreamService/Upload" // client stream
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startStreams(t *testing.T) (url string, logs *lockedBuffer) {
	t.Helper()
	logs = &lockedBuffer{}
	a, err := auth.New(auth.Params{
		Config: auth.Config{Keys: []auth.KeyConfig{
			{ID: "backend-1", Key: config.NewSecret(testKey), AppIDs: []string{"wx1", "wx2"}, Scopes: []string{auth.ScopeTokenRead}},
		}},
		Policies: []auth.Policy{
			{Procedure: watchProcedure, Scope: auth.ScopeTokenRead, Audit: true},
			{Procedure: uploadProcedure, Scope: auth.ScopeTokenRead},
		},
		Logger: slog.New(slog.NewTextHandler(logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	opt := connect.WithInterceptors(a.Interceptor())
	mux := http.NewServeMux()
	mux.Handle(watchProcedure, connect.NewServerStreamHandler(watchProcedure,
		func(ctx context.Context, req *connect.Request[tokenv1.GetAccessTokenRequest], s *connect.ServerStream[tokenv1.GetAccessTokenResponse]) error {
			c, _ := auth.FromContext(ctx)
			for range 2 {
				if err := s.Send(&tokenv1.GetAccessTokenResponse{AccessToken: c.KeyID + ":" + req.Msg.GetAppId()}); err != nil {
					return err
				}
			}
			return nil
		}, opt))
	mux.Handle(uploadProcedure, connect.NewClientStreamHandler(uploadProcedure,
		func(_ context.Context, s *connect.ClientStream[tokenv1.GetAccessTokenRequest]) (*connect.Response[tokenv1.GetAccessTokenResponse], error) {
			var ids []string
			for s.Receive() {
				ids = append(ids, s.Msg().GetAppId())
			}
			if err := s.Err(); err != nil {
				return nil, err
			}
			return connect.NewResponse(&tokenv1.GetAccessTokenResponse{AccessToken: strings.Join(ids, ",")}), nil
		}, opt))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL, logs
}

func TestStreams(t *testing.T) {
	t.Parallel()
	url, logs := startStreams(t)
	watch := connect.NewClient[tokenv1.GetAccessTokenRequest, tokenv1.GetAccessTokenResponse](http.DefaultClient, url+watchProcedure)
	upload := connect.NewClient[tokenv1.GetAccessTokenRequest, tokenv1.GetAccessTokenResponse](http.DefaultClient, url+uploadProcedure)
	ctx := context.Background()

	watchCall := func(key, appID string) (string, error) {
		req := connect.NewRequest(&tokenv1.GetAccessTokenRequest{AppId: appID})
		if key != "" {
			req.Header().Set("X-Api-Key", key)
		}
		stream, err := watch.CallServerStream(ctx, req)
		if err != nil {
			return "", err
		}
		defer stream.Close()
		var got []string
		for stream.Receive() {
			got = append(got, stream.Msg().GetAccessToken())
		}
		return strings.Join(got, ","), stream.Err()
	}
	uploadCall := func(appIDs ...string) (string, error) {
		stream := upload.CallClientStream(ctx)
		stream.RequestHeader().Set("Authorization", "Bearer "+testKey)
		for _, id := range appIDs {
			if err := stream.Send(&tokenv1.GetAccessTokenRequest{AppId: id}); err != nil {
				break // the server answered early; CloseAndReceive has its error
			}
		}
		resp, err := stream.CloseAndReceive()
		if err != nil {
			return "", err
		}
		return resp.Msg.GetAccessToken(), nil
	}

	tests := []struct {
		name     string
		call     func() (string, error)
		want     string
		wantCode connect.Code
		wantMsg  string
	}{
		{"server stream", func() (string, error) { return watchCall(testKey, "wx2") }, "backend-1:wx2,backend-1:wx2", 0, ""},
		{"server stream without key", func() (string, error) { return watchCall("", "wx2") }, "", connect.CodeUnauthenticated, "missing API key"},
		{"server stream, other account", func() (string, error) { return watchCall(testKey, "wx3") }, "", connect.CodePermissionDenied, `key "backend-1" may not use account "wx3"`},
		{"client stream", func() (string, error) { return uploadCall("wx1", "", "wx2") }, "wx1,,wx2", 0, ""},
		{"client stream, later message names another account", func() (string, error) { return uploadCall("wx1", "wx3", "wx2") }, "", connect.CodePermissionDenied, `key "backend-1" may not use account "wx3"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.call()
			if connect.CodeOf(err) != tt.wantCode && !(tt.wantCode == 0 && err == nil) {
				t.Fatalf("error = %v, want code %v", err, tt.wantCode)
			}
			if err != nil && !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error = %v, want %q", err, tt.wantMsg)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	t.Cleanup(func() {
		// One audit line for the one watch that passed the checks, none for upload (no Audit).
		l := logs.String()
		if n := strings.Count(l, `msg="audit: token read"`); n != 1 {
			t.Errorf("%d audit lines, want 1:\n%s", n, l)
		}
		if !strings.Contains(l, `msg="audit: token read" key_id=backend-1 app_id=wx2 procedure=`+watchProcedure+" ok=true") {
			t.Errorf("audit lines:\n%s", l)
		}
		if strings.Contains(l, testKey) {
			t.Error("logs contain the key")
		}
	})
}
