package tokensource

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1/tokenv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/config"
)

// fakeClock is a settable clock shared by the fake service and the Remote under test.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeClock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

// fakeTokenService issues tokens "T1", "T2", … valid for two hours, and refreshes only when
// the stale token is current, as the real token service does.
type fakeTokenService struct {
	tokenv1connect.UnimplementedTokenServiceHandler
	clock *fakeClock

	gets      atomic.Int32
	refreshes atomic.Int32
	entered   chan struct{} // receives once per GetAccessToken when non-nil
	release   chan struct{} // GetAccessToken waits for it when non-nil

	mu          sync.Mutex
	current     string
	issued      int
	staleTokens []string
	authHeaders []string
}

func (f *fakeTokenService) issue() string {
	f.issued++
	f.current = "T" + strconv.Itoa(f.issued)
	return f.current
}

func (f *fakeTokenService) GetAccessToken(ctx context.Context, req *tokenv1.GetAccessTokenRequest) (*tokenv1.GetAccessTokenResponse, error) {
	f.gets.Add(1)
	if f.entered != nil {
		f.entered <- struct{}{}
	}
	if f.release != nil {
		<-f.release
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if ci, ok := connect.CallInfoForHandlerContext(ctx); ok {
		f.authHeaders = append(f.authHeaders, ci.RequestHeader().Get("Authorization"))
	}
	if req.GetAppId() != "wx1" {
		return nil, connect.NewError(connect.CodeNotFound, errors.New("no such account"))
	}
	if f.current == "" {
		f.issue()
	}
	return &tokenv1.GetAccessTokenResponse{
		AccessToken: f.current,
		ExpiresAt:   timestamppb.New(f.clock.Now().Add(2 * time.Hour)),
		ExpiresIn:   durationpb.New(2 * time.Hour),
	}, nil
}

func (f *fakeTokenService) RefreshAccessToken(_ context.Context, req *tokenv1.RefreshAccessTokenRequest) (*tokenv1.RefreshAccessTokenResponse, error) {
	f.refreshes.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.staleTokens = append(f.staleTokens, req.GetStaleToken())
	refreshed := req.GetStaleToken() == f.current || req.GetStaleToken() == ""
	if refreshed {
		f.issue()
	}
	return &tokenv1.RefreshAccessTokenResponse{
		AccessToken: f.current,
		ExpiresAt:   timestamppb.New(f.clock.Now().Add(2 * time.Hour)),
		ExpiresIn:   durationpb.New(2 * time.Hour),
		Refreshed:   refreshed,
	}, nil
}

var protocols = []string{ProtocolConnect, ProtocolGRPC}

// newRemote starts svc behind a real Connect/gRPC server (HTTP/1.1 and cleartext HTTP/2)
// and returns a Remote speaking protocol to it.
func newRemote(t *testing.T, svc *fakeTokenService, protocol string, apiKey string) *Remote {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle(tokenv1connect.NewTokenServiceHandler(svc))
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetHTTP1(true)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)
	r, err := NewRemote(RemoteConfig{URL: srv.URL, Protocol: protocol, APIKey: config.NewSecret(apiKey)}, nil, WithClock(svc.clock.Now))
	if err != nil {
		t.Fatalf("NewRemote: %v", err)
	}
	return r
}

func newFakeService() *fakeTokenService {
	return &fakeTokenService{clock: &fakeClock{now: time.Unix(1_700_000_000, 0)}}
}

func TestRemoteCachesTokens(t *testing.T) {
	t.Parallel()
	for _, protocol := range protocols {
		t.Run(protocol, func(t *testing.T) {
			t.Parallel()
			svc := newFakeService()
			r := newRemote(t, svc, protocol, "KEY")
			ctx := context.Background()

			for range 3 {
				if tok, err := r.AccessToken(ctx, "wx1"); err != nil || tok != "T1" {
					t.Fatalf("AccessToken = %q, %v; want T1", tok, err)
				}
			}
			if got := svc.gets.Load(); got != 1 {
				t.Errorf("GetAccessToken calls = %d, want 1 (cache hits make no call)", got)
			}

			svc.clock.Advance(2*time.Hour - DefaultMargin - time.Second)
			if _, err := r.AccessToken(ctx, "wx1"); err != nil || svc.gets.Load() != 1 {
				t.Errorf("calls before the margin = %d (err %v), want 1", svc.gets.Load(), err)
			}
			svc.clock.Advance(time.Second)
			if _, err := r.AccessToken(ctx, "wx1"); err != nil || svc.gets.Load() != 2 {
				t.Errorf("calls at expiry minus margin = %d (err %v), want 2", svc.gets.Load(), err)
			}
			svc.mu.Lock()
			defer svc.mu.Unlock()
			if svc.authHeaders[0] != "Bearer KEY" {
				t.Errorf("Authorization = %q, want Bearer KEY", svc.authHeaders[0])
			}
		})
	}
}

func TestRemoteCollapsesConcurrentMisses(t *testing.T) {
	t.Parallel()
	for _, protocol := range protocols {
		t.Run(protocol, func(t *testing.T) {
			t.Parallel()
			svc := newFakeService()
			svc.entered = make(chan struct{}, 200)
			svc.release = make(chan struct{})
			r := newRemote(t, svc, protocol, "")

			const callers = 100
			var (
				wg     sync.WaitGroup
				errs   = make(chan error, callers)
				tokens = make(chan string, callers)
			)
			for range callers {
				wg.Go(func() {
					tok, err := r.AccessToken(context.Background(), "wx1")
					errs <- err
					tokens <- tok
				})
			}
			<-svc.entered
			time.Sleep(50 * time.Millisecond) // let every caller join the flight
			close(svc.release)
			wg.Wait()
			close(errs)
			close(tokens)
			for err := range errs {
				if err != nil {
					t.Fatalf("AccessToken: %v", err)
				}
			}
			for tok := range tokens {
				if tok != "T1" {
					t.Fatalf("token = %q, want T1", tok)
				}
			}
			if got := svc.gets.Load(); got != 1 {
				t.Errorf("GetAccessToken calls = %d, want 1", got)
			}
		})
	}
}

func TestRemoteRefresh(t *testing.T) {
	t.Parallel()
	for _, protocol := range protocols {
		t.Run(protocol+"/stale token is cached", func(t *testing.T) {
			t.Parallel()
			svc := newFakeService()
			r := newRemote(t, svc, protocol, "")
			ctx := context.Background()
			stale, _ := r.AccessToken(ctx, "wx1")

			tok, err := r.RefreshAccessToken(ctx, "wx1", stale)
			if err != nil || tok != "T2" {
				t.Fatalf("RefreshAccessToken = %q, %v; want T2", tok, err)
			}
			svc.mu.Lock()
			got := svc.staleTokens
			svc.mu.Unlock()
			if len(got) != 1 || got[0] != stale {
				t.Errorf("service refreshes = %v, want [%s]", got, stale)
			}
			if tok, _ := r.AccessToken(ctx, "wx1"); tok != "T2" || svc.gets.Load() != 1 {
				t.Errorf("AccessToken after refresh = %q with %d gets; want T2 from the cache", tok, svc.gets.Load())
			}
		})
		t.Run(protocol+"/stale token already replaced", func(t *testing.T) {
			t.Parallel()
			svc := newFakeService()
			r := newRemote(t, svc, protocol, "")
			ctx := context.Background()
			stale, _ := r.AccessToken(ctx, "wx1")
			if _, err := r.RefreshAccessToken(ctx, "wx1", stale); err != nil {
				t.Fatal(err)
			}

			// A second caller still holding the first token reports it: the cache already
			// holds a newer one, so the service is not asked again.
			tok, err := r.RefreshAccessToken(ctx, "wx1", stale)
			if err != nil || tok != "T2" {
				t.Fatalf("RefreshAccessToken = %q, %v; want T2", tok, err)
			}
			if got := svc.refreshes.Load(); got != 1 {
				t.Errorf("service refreshes = %d, want 1", got)
			}
		})
		t.Run(protocol+"/concurrent refreshes of one token", func(t *testing.T) {
			t.Parallel()
			svc := newFakeService()
			r := newRemote(t, svc, protocol, "")
			ctx := context.Background()
			stale, _ := r.AccessToken(ctx, "wx1")
			var wg sync.WaitGroup
			for range 50 {
				wg.Go(func() {
					if tok, err := r.RefreshAccessToken(ctx, "wx1", stale); err != nil || tok != "T2" {
						t.Errorf("RefreshAccessToken = %q, %v; want T2", tok, err)
					}
				})
			}
			wg.Wait()
			// Callers arriving after the first flight see T2 in the cache; those during it share it.
			if got := svc.refreshes.Load(); got != 1 {
				t.Errorf("service refreshes = %d, want 1", got)
			}
		})
	}
}

func TestRemoteErrors(t *testing.T) {
	t.Parallel()
	svc := newFakeService()
	r := newRemote(t, svc, ProtocolConnect, "")
	_, err := r.AccessToken(context.Background(), "wx-unknown")
	if connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("AccessToken error = %v, want NotFound kept through wrapping", err)
	}

	svc.release = make(chan struct{})
	defer close(svc.release)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, err := r.AccessToken(ctx, "wx1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("AccessToken with a short deadline = %v, want DeadlineExceeded", err)
	}
}

func TestRemoteConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give RemoteConfig
		want string
	}{
		{name: "missing url", give: RemoteConfig{}, want: "url: must be an absolute http(s) URL"},
		{name: "bad protocol", give: RemoteConfig{URL: "http://x", Protocol: "rest"}, want: `protocol: must be "connect" or "grpc"`},
		{name: "negative margin", give: RemoteConfig{URL: "http://x", Margin: config.Duration(-time.Second)}, want: "margin: must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewRemote(tt.give, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewRemote error = %v, want %q", err, tt.want)
			}
		})
	}
}
