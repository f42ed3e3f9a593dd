package wechat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// maxJSONResponse bounds a JSON answer read into memory.
const maxJSONResponse = 32 << 20

// Request is one call to the WeChat API.
type Request struct {
	// AppID is the official account the call is made for; it selects the access token and
	// appears in errors and logs.
	AppID string
	// Method is "GET" (the default when empty) or "POST".
	Method string
	// Path is the API path, e.g. "/cgi-bin/menu/create", without query.
	Path string
	// Query holds query parameters other than access_token (which Do adds).
	Query url.Values
	// Body, when non-nil, is sent JSON-encoded without HTML escaping (WeChat wants raw
	// "&", "<" and ">" in URLs and text).
	Body any
	// RawBody, when non-nil, is sent as is with ContentType (multipart uploads). It is read
	// into memory before the first attempt so that it can be sent again.
	RawBody io.Reader
	// ContentType is the Content-Type of RawBody.
	ContentType string
	// NoToken leaves out access_token (for /cgi-bin/token, /cgi-bin/stable_token and the
	// sns code exchanges); such calls are never refreshed and retried on 40001.
	NoToken bool
	// Idempotent marks a POST as safe to send again after a 5xx, an errcode -1 or a transport
	// failure. GET requests are always idempotent.
	Idempotent bool
	// Once marks a call that consumes something even as a GET (an OAuth code exchange):
	// it is never retried after it may have reached WeChat. Connection failures before
	// anything was sent still fail over.
	Once bool
}

// Client calls the WeChat API: it injects access tokens, refreshes them once when WeChat
// rejects them, retries idempotent calls with backoff, fails over to fallback domains when
// the primary cannot be reached, and turns errcodes into *Error. A Client is safe for
// concurrent use.
type Client struct {
	http    *http.Client
	tokens  TokenSource
	log     *slog.Logger
	metrics *metrics
	bases   *baseURLs

	timeout    time.Duration
	maxRetries int
	backoff    time.Duration
}

// Option configures a Client.
type Option func(*options)

type options struct {
	http   *http.Client
	tokens TokenSource
	log    *slog.Logger
	reg    prometheus.Registerer
	now    func() time.Time
}

// WithHTTPClient sets the HTTP client (default: a client with http.DefaultTransport and no
// overall timeout; Config.Timeout bounds each request).
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.http = c } }

// WithTokenSource sets where access tokens come from. Without it, calls that need a token
// fail with ErrNoTokenSource.
func WithTokenSource(ts TokenSource) Option { return func(o *options) { o.tokens = ts } }

// WithLogger sets the logger (default: discard). The client logs one debug line per HTTP
// attempt and a warning on failover; no line contains a token or a secret.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithMetrics registers wxsuite_wechat_calls_total{endpoint,errcode} and
// wxsuite_wechat_call_duration_seconds{endpoint} with reg (collectors already registered by
// another Client are shared).
func WithMetrics(reg prometheus.Registerer) Option { return func(o *options) { o.reg = reg } }

// withClock replaces time.Now for the failover hold (tests).
func withClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// New returns a Client for cfg. It applies cfg.SetDefaults to a copy and returns
// cfg.Validate's error, if any.
func New(cfg Config, opts ...Option) (*Client, error) {
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("wechat: invalid config: %w", err)
	}
	o := options{http: &http.Client{Transport: defaultTransport()}, log: slog.New(slog.DiscardHandler), now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	c := &Client{
		http:       o.http,
		tokens:     o.tokens,
		log:        o.log,
		timeout:    time.Duration(cfg.Timeout),
		maxRetries: max(cfg.MaxRetries, 0),
		backoff:    time.Duration(cfg.RetryBackoff),
	}
	urls := []string{strings.TrimRight(cfg.BaseURL, "/")}
	for _, u := range cfg.FallbackURLs {
		urls = append(urls, strings.TrimRight(u, "/"))
	}
	c.bases = &baseURLs{urls: urls, now: o.now}
	if o.reg != nil {
		m, err := newMetrics(o.reg)
		if err != nil {
			return nil, err
		}
		c.metrics = m
	}
	return c, nil
}

// DefaultIdleConnsPerHost is how many idle keep-alive connections the default HTTP
// client keeps per WeChat host. net/http's default of 2 makes a busy service open (and
// TLS-handshake) a new connection for most calls once more than two run at a time.
const DefaultIdleConnsPerHost = 128

// defaultTransport is http.DefaultTransport with DefaultIdleConnsPerHost idle
// connections per host (and no global bound besides it).
func defaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 0
	t.MaxIdleConnsPerHost = DefaultIdleConnsPerHost
	return t
}

// call is a Request prepared for sending.
type call struct {
	*Request
	method      string
	body        []byte
	contentType string
	idempotent  bool
}

// Do sends req and decodes the answer into out (a pointer for json.Unmarshal, an io.Writer
// that receives the raw body, or nil).
//
// An answer with a non-zero errcode is returned as *Error; an answer without errcode is a
// success. A non-2xx status is a *StatusError and a failure to get an answer a
// *TransportError, whose message never holds a token or a secret. On errcode 40001, 40014
// or 42001 Do asks the TokenSource to refresh that exact token and sends once more.
// Idempotent requests are retried up to Config.MaxRetries times on errcode -1, 5xx and
// transport failures; any request is sent again, to the next fallback base URL, when the
// connection could not be made.
func (c *Client) Do(ctx context.Context, req *Request, out any) error {
	cl, err := prepare(req)
	if err != nil {
		return err
	}
	token := ""
	if !req.NoToken {
		if c.tokens == nil {
			return fmt.Errorf("wechat: %s for %s: %w", req.Path, req.AppID, ErrNoTokenSource)
		}
		if token, err = c.tokens.AccessToken(ctx, req.AppID); err != nil {
			return fmt.Errorf("wechat: %s for %s: get access token: %w", req.Path, req.AppID, err)
		}
	}
	refreshed := false
	retries := 0
	for attempt := 1; ; attempt++ {
		connectFailure, err := c.send(ctx, cl, token, attempt, out)
		if err == nil {
			return nil
		}
		if !req.NoToken && !refreshed && isTokenInvalidError(err) {
			refreshed = true
			fresh, rerr := c.tokens.RefreshAccessToken(ctx, req.AppID, token)
			if rerr != nil {
				return fmt.Errorf("%w; refresh access token: %w", err, rerr)
			}
			token = fresh
			continue
		}
		if retries >= c.maxRetries || ctx.Err() != nil || !retryable(err, cl.idempotent, connectFailure) {
			return err
		}
		retries++
		if serr := sleep(ctx, backoff(c.backoff, retries)); serr != nil {
			return fmt.Errorf("%w; retry abandoned: %w", err, serr)
		}
	}
}

func isTokenInvalidError(err error) bool {
	var we *Error
	return errors.As(err, &we) && isTokenInvalidCode(we.Code)
}

// prepare checks req and encodes its body once for every attempt.
func prepare(req *Request) (*call, error) {
	if req == nil {
		return nil, errors.New("wechat: nil request")
	}
	if !strings.HasPrefix(req.Path, "/") || strings.ContainsAny(req.Path, "?#") {
		return nil, fmt.Errorf("wechat: request path %q must start with / and hold no query", req.Path)
	}
	cl := &call{Request: req, method: strings.ToUpper(req.Method)}
	if cl.method == "" {
		cl.method = http.MethodGet
	}
	cl.idempotent = !req.Once && (req.Idempotent || cl.method == http.MethodGet || cl.method == http.MethodHead)
	switch {
	case req.Body != nil && req.RawBody != nil:
		return nil, fmt.Errorf("wechat: %s: set Body or RawBody, not both", req.Path)
	case req.Body != nil:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(req.Body); err != nil {
			return nil, fmt.Errorf("wechat: %s: encode body: %w", req.Path, err)
		}
		cl.body = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		cl.contentType = "application/json; charset=utf-8"
	case req.RawBody != nil:
		b, err := io.ReadAll(req.RawBody)
		if err != nil {
			return nil, fmt.Errorf("wechat: %s: read body: %w", req.Path, err)
		}
		cl.body = b
		cl.contentType = req.ContentType
	}
	return cl, nil
}

// send makes one attempt, trying the base URLs in failover order while the connection
// cannot be made. connectFailure reports that no base URL could be reached.
func (c *Client) send(ctx context.Context, cl *call, token string, attempt int, out any) (connectFailure bool, err error) {
	order := c.bases.order()
	for n, i := range order {
		var answered bool
		answered, err = c.sendTo(ctx, c.bases.urls[i], cl, token, attempt, out)
		if answered {
			c.bases.healthy(i)
			return false, err
		}
		if err == nil || !isConnectFailure(ctx, err) {
			return false, err
		}
		if n+1 < len(order) {
			c.log.LogAttrs(ctx, slog.LevelWarn, "wechat: base URL unreachable, failing over",
				slog.String("app_id", cl.AppID), slog.String("path", cl.Path),
				slog.String("from", hostOf(c.bases.urls[i])), slog.String("to", hostOf(c.bases.urls[order[n+1]])),
				slog.String("error", err.Error()))
		}
	}
	return true, err
}

// sendTo sends one HTTP request to base. answered reports that an HTTP response came back.
func (c *Client) sendTo(ctx context.Context, base string, cl *call, token string, attempt int, out any) (answered bool, err error) {
	u, err := url.Parse(base + cl.Path)
	if err != nil {
		return false, fmt.Errorf("wechat: %s: build URL: %w", cl.Path, err)
	}
	q := maps.Clone(cl.Query)
	if token != "" {
		if q == nil {
			q = url.Values{}
		}
		q.Set("access_token", token)
	}
	u.RawQuery = q.Encode()

	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var body io.Reader
	if cl.body != nil {
		body = bytes.NewReader(cl.body)
	}
	hreq, err := http.NewRequestWithContext(actx, cl.method, u.String(), body)
	if err != nil {
		return false, newTransportError(cl.method, u, cl.AppID, err)
	}
	if cl.body != nil && cl.contentType != "" {
		hreq.Header.Set("Content-Type", cl.contentType)
	}

	start := time.Now()
	label := errcodeLabelTransport
	defer func() {
		elapsed := time.Since(start)
		c.metrics.observe(cl.Path, label, elapsed)
		c.log.LogAttrs(ctx, slog.LevelDebug, "wechat call",
			slog.String("app_id", cl.AppID), slog.String("path", cl.Path), slog.String("host", u.Host),
			slog.String("errcode", label), slog.Int("attempt", attempt), slog.Duration("latency", elapsed))
	}()

	resp, err := c.http.Do(hreq)
	if err != nil {
		return false, newTransportError(cl.method, u, cl.AppID, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		label = errcodeLabelHTTPPrefix + strconv.Itoa(resp.StatusCode)
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return true, &StatusError{StatusCode: resp.StatusCode, Path: cl.Path, AppID: cl.AppID}
	}

	if w, ok := out.(io.Writer); ok && !isJSONContentType(resp.Header.Get("Content-Type")) {
		label = "0"
		if _, err := io.Copy(w, resp.Body); err != nil {
			return true, newTransportError(cl.method, u, cl.AppID, fmt.Errorf("read body: %w", err))
		}
		return true, nil
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxJSONResponse+1))
	if err != nil {
		return true, newTransportError(cl.method, u, cl.AppID, fmt.Errorf("read body: %w", err))
	}
	if len(data) > maxJSONResponse {
		return true, fmt.Errorf("wechat: %s for %s: response larger than %d bytes", cl.Path, cl.AppID, maxJSONResponse)
	}
	werr, derr := decode(data, cl, out)
	switch {
	case werr != nil:
		label = strconv.Itoa(werr.Code)
		return true, werr
	case derr != nil:
		label = "invalid_json"
		return true, derr
	}
	label = "0"
	return true, nil
}

// decode returns the answer's errcode as *Error or decodes it into out.
func decode(data []byte, cl *call, out any) (*Error, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, nil
	}
	if w, ok := out.(io.Writer); ok && trimmed[0] != '{' {
		// A raw answer sent as text/plain (a CSV statement, say): only a JSON object can
		// be the errcode envelope.
		if _, err := w.Write(data); err != nil {
			return nil, fmt.Errorf("wechat: %s for %s: write response: %w", cl.Path, cl.AppID, err)
		}
		return nil, nil
	}
	var env struct {
		ErrCode *int   `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, fmt.Errorf("wechat: %s for %s: decode response: %w", cl.Path, cl.AppID, err)
	}
	if env.ErrCode != nil && *env.ErrCode != 0 {
		return &Error{Code: *env.ErrCode, Msg: env.ErrMsg, Path: cl.Path, AppID: cl.AppID}, nil
	}
	switch o := out.(type) {
	case nil:
	case io.Writer:
		if _, err := o.Write(data); err != nil {
			return nil, fmt.Errorf("wechat: %s for %s: write response: %w", cl.Path, cl.AppID, err)
		}
	default:
		if err := json.Unmarshal(data, out); err != nil {
			return nil, fmt.Errorf("wechat: %s for %s: decode response: %w", cl.Path, cl.AppID, err)
		}
	}
	return nil, nil
}

// isJSONContentType reports whether an answer may be a JSON envelope. WeChat often sends
// JSON as text/plain.
func isJSONContentType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return ct == ""
	}
	return mt == "application/json" || mt == "text/plain" || mt == "text/json"
}

func hostOf(base string) string {
	if u, err := url.Parse(base); err == nil {
		return u.Host
	}
	return base
}
