package wechat

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultForwardIdleConns is the number of idle connections per WeChat host the
// Forwarder's default HTTP client keeps (Go's default of 2 would make every concurrent
// call beyond the second open a new connection).
const DefaultForwardIdleConns = 256

// ForwardRequest is one raw HTTP request to the WeChat API, sent by Forwarder.Forward as
// given: no token is added, no body is encoded and the answer is not decoded.
type ForwardRequest struct {
	// AppID is the official account the call is made for; it only appears in errors and
	// logs.
	AppID string
	// Method is the HTTP method ("GET" when empty).
	Method string
	// Path is the escaped API path, e.g. "/cgi-bin/menu/create".
	Path string
	// RawQuery is the encoded query without "?", sent byte for byte.
	RawQuery string
	// Header holds the headers to send (Host and the hop-by-hop headers are the HTTP
	// client's business; leave them out).
	Header http.Header
	// Body is the request body, streamed as it is read; nil sends none.
	Body io.Reader
	// ContentLength is the length of Body, or -1 when unknown (sent chunked).
	ContentLength int64
}

// Forwarder sends raw HTTP requests to the WeChat API with the base URL and the failover
// of Client: the configured base URL first, the fallback URLs in turn when it cannot be
// reached, and the fallback that answered preferred for a while. It is what the
// transparent proxy uses to pass SDK calls through unchanged. Unlike Client it never
// retries a request that reached a server, never reads the body into memory and adds no
// timeout of its own (the caller's context bounds the call). A Forwarder is safe for
// concurrent use.
type Forwarder struct {
	http   *http.Client
	bases  *baseURLs
	parsed []*url.URL // bases.urls, parsed once
	log    *slog.Logger
}

// NewForwarder returns a Forwarder for cfg's base URL and fallback URLs. It applies
// cfg.SetDefaults to a copy and returns cfg.Validate's error, if any. Of the options,
// WithHTTPClient and WithLogger apply; without WithHTTPClient the Forwarder uses a client
// that keeps DefaultForwardIdleConns idle connections per host and leaves compression to
// the caller (so that encoded answers pass through unchanged).
func NewForwarder(cfg Config, opts ...Option) (*Forwarder, error) {
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("wechat: invalid config: %w", err)
	}
	o := options{log: slog.New(slog.DiscardHandler), now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	if o.http == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConns = 0 // no global bound; the per-host bound below applies
		t.MaxIdleConnsPerHost = DefaultForwardIdleConns
		t.DisableCompression = true
		o.http = &http.Client{Transport: t}
	}
	urls := []string{strings.TrimRight(cfg.BaseURL, "/")}
	for _, u := range cfg.FallbackURLs {
		urls = append(urls, strings.TrimRight(u, "/"))
	}
	parsed := make([]*url.URL, len(urls))
	for i, u := range urls {
		p, err := url.Parse(u)
		if err != nil { // Validate has already refused this
			return nil, fmt.Errorf("wechat: base URL: %w", err)
		}
		parsed[i] = p
	}
	client := *o.http
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Forwarder{http: &client, bases: &baseURLs{urls: urls, now: o.now}, parsed: parsed, log: o.log}, nil
}

// Forward sends req and returns the answer, whatever its status; the caller closes its
// body. When a base URL cannot be reached (DNS failure, refused connection) and nothing
// of req.Body has been read yet, the next base URL is tried. A failure to get an answer
// is a *TransportError whose message holds no token or secret. Redirects are not
// followed.
func (f *Forwarder) Forward(ctx context.Context, req *ForwardRequest) (*http.Response, error) {
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	if !strings.HasPrefix(req.Path, "/") || strings.ContainsAny(req.Path, "?#") {
		return nil, fmt.Errorf("wechat: forward path %q must start with / and hold no query", req.Path)
	}
	var body *trackedBody
	if req.Body != nil {
		body = &trackedBody{r: req.Body}
	}
	order := f.bases.order()
	var err error
	for n, i := range order {
		var resp *http.Response
		resp, err = f.send(ctx, f.parsed[i], method, req, body)
		if err == nil {
			f.bases.healthy(i)
			return resp, nil
		}
		if !isConnectFailure(ctx, err) || (body != nil && body.n > 0) {
			return nil, err
		}
		if n+1 < len(order) {
			f.log.LogAttrs(ctx, slog.LevelWarn, "wechat: base URL unreachable, failing over",
				slog.String("app_id", req.AppID), slog.String("path", req.Path),
				slog.String("from", hostOf(f.bases.urls[i])), slog.String("to", hostOf(f.bases.urls[order[n+1]])),
				slog.String("error", err.Error()))
		}
	}
	return nil, err
}

func (f *Forwarder) send(ctx context.Context, b *url.URL, method string, req *ForwardRequest, body *trackedBody) (*http.Response, error) {
	path, err := url.PathUnescape(req.Path)
	if err != nil {
		return nil, fmt.Errorf("wechat: forward path %q: %w", req.Path, err)
	}
	u := &url.URL{Scheme: b.Scheme, Host: b.Host, Path: b.Path + path, RawPath: b.EscapedPath() + req.Path, RawQuery: req.RawQuery}
	var rb io.Reader
	if body != nil {
		rb = body
	}
	hreq, err := http.NewRequestWithContext(ctx, method, b.Scheme+"://"+b.Host, rb)
	if err != nil {
		return nil, newTransportError(method, u, req.AppID, err)
	}
	hreq.URL = u
	if body != nil {
		hreq.ContentLength = req.ContentLength
		if req.ContentLength == 0 {
			hreq.Body = http.NoBody
		}
	}
	for k, vs := range req.Header {
		hreq.Header[k] = vs
	}
	resp, err := f.http.Do(hreq)
	if err != nil {
		return nil, newTransportError(method, u, req.AppID, err)
	}
	return resp, nil
}

// trackedBody counts what was read of a request body and ignores Close, so that a body
// the HTTP client never touched (the connection could not be made) can be sent to the
// next base URL.
type trackedBody struct {
	r io.Reader
	n int64
}

func (b *trackedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	return n, err
}

func (b *trackedBody) Close() error { return nil }
