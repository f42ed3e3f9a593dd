package tokensource

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"time"

	"connectrpc.com/connect"
	"golang.org/x/sync/singleflight"

	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1/tokenv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// fetchTimeout bounds one call to the token service made on behalf of several waiters; it
// is detached from the first waiter's context so that one caller giving up does not fail
// the others.
const fetchTimeout = 10 * time.Second

var _ wechat.TokenSource = (*Remote)(nil)

// Remote is a wechat.TokenSource backed by the token service over the network, with a
// local cache: a token is reused until its expiry minus RemoteConfig.Margin, concurrent
// misses for one account make one call, and concurrent refreshes of one stale token make
// one call. Remote is safe for concurrent use.
type Remote struct {
	http    *http.Client
	client  tokenv1connect.TokenServiceClient
	cache   *Cached
	flights singleflight.Group
	margin  time.Duration
	now     func() time.Time
}

// RemoteOption configures a Remote.
type RemoteOption func(*remoteOptions)

type remoteOptions struct {
	now        func() time.Time
	clientOpts []connect.ClientOption
}

// WithClock replaces time.Now (tests).
func WithClock(now func() time.Time) RemoteOption {
	return func(o *remoteOptions) { o.now = now }
}

// WithClientOptions adds connect client options (interceptors, compression …).
func WithClientOptions(opts ...connect.ClientOption) RemoteOption {
	return func(o *remoteOptions) { o.clientOpts = append(o.clientOpts, opts...) }
}

// NewRemote returns a Remote for the token service at cfg.URL. It applies cfg.SetDefaults
// to a copy and returns cfg.Validate's error, if any. A nil httpClient gets a default one:
// cleartext HTTP/2 to http:// URLs when cfg.Protocol is "grpc", and for https:// URLs TLS
// 1.2 or later (HTTP/2 by ALPN) with cfg.TLS's CA, client certificate and server name,
// whose files NewRemote reads (an error names the key). A non-nil httpClient is used as
// it is and cfg.TLS is ignored.
func NewRemote(cfg RemoteConfig, httpClient *http.Client, opts ...RemoteOption) (*Remote, error) {
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("tokensource: invalid config: %w", err)
	}
	o := remoteOptions{now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	if httpClient == nil {
		tc, err := loadTLS(cfg.TLS)
		if err != nil {
			return nil, fmt.Errorf("tokensource: invalid config: %w", err)
		}
		httpClient = defaultHTTPClient(cfg.Protocol, tc)
	}
	clientOpts := []connect.ClientOption{}
	if cfg.Protocol == ProtocolGRPC {
		clientOpts = append(clientOpts, connect.WithGRPC())
	}
	if !cfg.APIKey.IsZero() {
		clientOpts = append(clientOpts, connect.WithInterceptors(bearer(cfg.APIKey.Reveal())))
	}
	clientOpts = append(clientOpts, o.clientOpts...)
	return &Remote{
		http:   httpClient,
		client: tokenv1connect.NewTokenServiceClient(httpClient, cfg.URL, clientOpts...),
		cache:  NewCached(o.now),
		margin: time.Duration(cfg.Margin),
		now:    o.now,
	}, nil
}

// Close closes the idle connections to the token service, so that its server need not
// wait for them when it shuts down. The Remote stays usable.
func (r *Remote) Close() {
	r.http.CloseIdleConnections()
}

// defaultHTTPClient speaks HTTP/1.1 and HTTP/2 (over TLS by ALPN), plus cleartext HTTP/2
// for gRPC to http:// URLs; tc (nil: Go's defaults) configures TLS.
func defaultHTTPClient(protocol string, tc *tls.Config) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Protocols = new(http.Protocols)
	t.Protocols.SetHTTP1(true)
	t.Protocols.SetHTTP2(true)
	if protocol == ProtocolGRPC {
		t.Protocols.SetUnencryptedHTTP2(true)
	}
	if tc != nil {
		t.TLSClientConfig = tc
	}
	return &http.Client{Transport: t}
}

// loadTLS reads the files of cfg; nil when cfg is empty (Go's defaults: system roots, no
// client certificate).
func loadTLS(cfg TLSConfig) (*tls.Config, error) {
	if cfg.IsZero() {
		return nil, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: cfg.ServerName}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, &config.FieldError{Key: "tls.ca_file", Msg: err.Error()}
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, &config.FieldError{Key: "tls.ca_file", Msg: fmt.Sprintf("%s: no PEM certificate found", cfg.CAFile)}
		}
		tc.RootCAs = pool
	}
	if cfg.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile)
		if err != nil {
			// The error names the files, never their content.
			return nil, &config.FieldError{Key: "tls.cert_file", Msg: err.Error()}
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// bearer sends the API key on every call.
func bearer(key string) connect.UnaryInterceptorFunc {
	header := "Bearer " + key
	return func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			req.Header().Set("Authorization", header)
			return next(ctx, req)
		}
	}
}

// AccessToken returns appID's token from the local cache, or from the token service when
// the cache has none that is valid for longer than the margin.
func (r *Remote) AccessToken(ctx context.Context, appID string) (string, error) {
	if tok, ok := r.cache.Get(appID); ok {
		return tok, nil
	}
	return r.flight(ctx, "get\x00"+appID, func(ctx context.Context) (string, error) {
		if tok, ok := r.cache.Get(appID); ok {
			return tok, nil // filled by a flight that ended after our miss
		}
		sent := r.now()
		resp, err := r.client.GetAccessToken(ctx, &tokenv1.GetAccessTokenRequest{AppId: appID})
		if err != nil {
			return "", fmt.Errorf("tokensource: get access token for %s: %w", appID, err)
		}
		r.remember(appID, resp.GetAccessToken(), sent, resp.GetExpiresIn().AsDuration(), resp.GetExpiresAt().AsTime())
		return resp.GetAccessToken(), nil
	})
}

var _ wechat.ExpiringTokenSource = (*Remote)(nil)

// AccessTokenWithExpiry is AccessToken with the token's expiry
// (wechat.ExpiringTokenSource): the cached deadline plus the margin it was cut by. The
// expiry is zero (unknown) when the token service sent none.
func (r *Remote) AccessTokenWithExpiry(ctx context.Context, appID string) (string, time.Time, error) {
	tok, err := r.AccessToken(ctx, appID)
	if err != nil {
		return "", time.Time{}, err
	}
	if s := r.cache.slot(appID); s != nil {
		if e := s.cur.Load(); e != nil && e.token == tok {
			return tok, e.validUntil.Add(r.margin), nil
		}
	}
	return tok, time.Time{}, nil
}

// RefreshAccessToken reports that WeChat rejected staleToken. If the cache already holds
// another token it is returned without a call; otherwise the cached stale token is dropped
// and the token service's RefreshAccessToken decides (it refreshes only if staleToken is
// still current there).
func (r *Remote) RefreshAccessToken(ctx context.Context, appID, staleToken string) (string, error) {
	if tok, ok := r.cache.Get(appID); ok && tok != staleToken && staleToken != "" {
		return tok, nil
	}
	r.cache.InvalidateIf(appID, staleToken)
	return r.flight(ctx, "refresh\x00"+appID+"\x00"+staleToken, func(ctx context.Context) (string, error) {
		if tok, ok := r.cache.Get(appID); ok && tok != staleToken && staleToken != "" {
			return tok, nil // replaced by a flight that ended after our check
		}
		sent := r.now()
		resp, err := r.client.RefreshAccessToken(ctx, &tokenv1.RefreshAccessTokenRequest{AppId: appID, StaleToken: staleToken})
		if err != nil {
			return "", fmt.Errorf("tokensource: refresh access token for %s: %w", appID, err)
		}
		r.remember(appID, resp.GetAccessToken(), sent, resp.GetExpiresIn().AsDuration(), resp.GetExpiresAt().AsTime())
		return resp.GetAccessToken(), nil
	})
}

// remember caches a token until its expiry minus the margin. The lifetime is taken from
// expires_in, measured from when the request was sent (immune to clock skew between hosts),
// or else from expires_at; a token with neither is not cached.
func (r *Remote) remember(appID, token string, sent time.Time, expiresIn time.Duration, expiresAt time.Time) {
	var until time.Time
	switch {
	case expiresIn > 0:
		until = sent.Add(expiresIn)
	case expiresAt.After(time.Unix(0, 0)):
		until = expiresAt
	default:
		return
	}
	r.cache.Put(appID, token, until.Add(-r.margin))
}

// flight runs fn once for all concurrent callers with the same key. fn gets a context
// detached from the caller's cancellation and bounded by fetchTimeout; each caller still
// returns as soon as its own ctx is done.
func (r *Remote) flight(ctx context.Context, key string, fn func(context.Context) (string, error)) (string, error) {
	ch := r.flights.DoChan(key, func() (any, error) {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fetchTimeout)
		defer cancel()
		return fn(fctx)
	})
	select {
	case <-ctx.Done():
		return "", fmt.Errorf("tokensource: wait for token service: %w", ctx.Err())
	case res := <-ch:
		if res.Err != nil {
			return "", res.Err
		}
		return res.Val.(string), nil
	}
}
