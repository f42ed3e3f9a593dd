package wechat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/wxsuite/wxsuite/internal/platform/config"
)

// fakeTokens is a TokenSource whose refresh hands out a preset next token.
type fakeTokens struct {
	mu        sync.Mutex
	current   string
	next      string
	refreshes []string // stale tokens passed to RefreshAccessToken
}

func (f *fakeTokens) AccessToken(context.Context, string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.current, nil
}

func (f *fakeTokens) RefreshAccessToken(_ context.Context, _, stale string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refreshes = append(f.refreshes, stale)
	f.current = f.next
	return f.next, nil
}

func (f *fakeTokens) refreshed() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.refreshes...)
}

// wechatServer plays WeChat: handle answers each request; hits counts them.
type wechatServer struct {
	*httptest.Server
	hits atomic.Int32
}

func newWechatServer(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, hit int32)) *wechatServer {
	t.Helper()
	s := &wechatServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handle(w, r, s.hits.Add(1))
	}))
	t.Cleanup(s.Close)
	return s
}

func writeJSON(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "application/json; encoding=utf-8")
	_, _ = io.WriteString(w, body)
}

// closedURL returns the URL of a loopback port that refuses connections.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr
}

func newTestClient(t *testing.T, cfg Config, opts ...Option) *Client {
	t.Helper()
	if cfg.FallbackURLs == nil {
		cfg.FallbackURLs = []string{}
	}
	if cfg.RetryBackoff == 0 {
		cfg.RetryBackoff = config.Duration(time.Millisecond)
	}
	c, err := New(cfg, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func TestDoDecodesSuccess(t *testing.T) {
	t.Parallel()
	type userList struct {
		Total int `json:"total"`
		Data  struct {
			OpenID []string `json:"openid"`
		} `json:"data"`
	}
	tests := []struct {
		name string
		give string
		want userList
	}{
		{name: "no errcode", give: `{"total":2,"data":{"openid":["o1","o2"]}}`, want: userList{Total: 2, Data: struct {
			OpenID []string `json:"openid"`
		}{OpenID: []string{"o1", "o2"}}}},
		{name: "errcode zero", give: `{"errcode":0,"errmsg":"ok","total":1}`, want: userList{Total: 1}},
		{name: "text/plain json", give: `{"total":3}`, want: userList{Total: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var gotQuery url.Values
			srv := newWechatServer(t, func(w http.ResponseWriter, r *http.Request, _ int32) {
				gotQuery = r.URL.Query()
				w.Header().Set("Content-Type", "text/plain")
				_, _ = io.WriteString(w, tt.give)
			})
			c := newTestClient(t, Config{BaseURL: srv.URL}, WithTokenSource(&fakeTokens{current: "TOK"}))
			var got userList
			err := c.Do(context.Background(), &Request{AppID: "wx1", Path: "/cgi-bin/user/get", Query: url.Values{"next_openid": {"o0"}}}, &got)
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("decoded %+v, want %+v", got, tt.want)
			}
			if gotQuery.Get("access_token") != "TOK" || gotQuery.Get("next_openid") != "o0" {
				t.Errorf("query = %v, want access_token=TOK and next_openid=o0", gotQuery)
			}
		})
	}
}

func TestDoReturnsErrcodeAsError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		give     string
		wantCode connect.Code
		wantMsg  string // substring of the connect message
	}{
		{name: "invalid appid", give: `{"errcode":40013,"errmsg":"invalid appid"}`, wantCode: connect.CodeInvalidArgument, wantMsg: "errcode 40013 (invalid appid)"},
		{name: "daily quota", give: `{"errcode":45009,"errmsg":"reach max api daily quota limit"}`, wantCode: connect.CodeResourceExhausted, wantMsg: "45009"},
		{name: "ip whitelist", give: `{"errcode":40164,"errmsg":"invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist rid: 6600"}`, wantCode: connect.CodePermissionDenied, wantMsg: "caller IP 1.2.3.4 is not in the API IP whitelist of account wx1"},
		{name: "risky ip", give: `{"errcode":89503,"errmsg":"risky"}`, wantCode: connect.CodeFailedPrecondition, wantMsg: "administrator"},
		{name: "api unauthorized", give: `{"errcode":48001,"errmsg":"api unauthorized"}`, wantCode: connect.CodePermissionDenied, wantMsg: "48001"},
		{name: "not found family", give: `{"errcode":46003,"errmsg":"menu no exist"}`, wantCode: connect.CodeNotFound, wantMsg: "46003"},
		{name: "unknown", give: `{"errcode":77777,"errmsg":"strange"}`, wantCode: connect.CodeUnknown, wantMsg: "77777"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newWechatServer(t, func(w http.ResponseWriter, _ *http.Request, _ int32) { writeJSON(w, tt.give) })
			c := newTestClient(t, Config{BaseURL: srv.URL}, WithTokenSource(&fakeTokens{current: "TOK"}))
			err := c.Do(context.Background(), &Request{AppID: "wx1", Method: "POST", Path: "/cgi-bin/menu/create", Body: map[string]any{}}, nil)
			var we *Error
			if !errors.As(err, &we) {
				t.Fatalf("Do error = %v, want *Error", err)
			}
			if we.Path != "/cgi-bin/menu/create" || we.AppID != "wx1" {
				t.Errorf("Error = %+v, want path and app id set", we)
			}
			ce, ok := ConnectErrorFrom(err)
			if !ok {
				t.Fatal("ConnectErrorFrom reported false")
			}
			if ce.Code() != tt.wantCode {
				t.Errorf("code = %v, want %v", ce.Code(), tt.wantCode)
			}
			if !strings.Contains(ce.Message(), tt.wantMsg) {
				t.Errorf("message %q lacks %q", ce.Message(), tt.wantMsg)
			}
			info, ok := ErrorInfoFrom(ce)
			if !ok {
				t.Fatal("ErrorInfoFrom(connect error) found no ErrorInfo")
			}
			if info.GetReason() != "WECHAT_ERRCODE" || info.GetDomain() != "api.weixin.qq.com" ||
				info.GetMetadata()["errcode"] != fmt.Sprint(we.Code) || info.GetMetadata()["errmsg"] != we.Msg ||
				info.GetMetadata()["path"] != "/cgi-bin/menu/create" || info.GetMetadata()["app_id"] != "wx1" {
				t.Errorf("ErrorInfo = %v", info)
			}
			if code, ok := Code(ce); !ok || code != we.Code {
				t.Errorf("Code(connect error) = %d, %v; want %d", code, ok, we.Code)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	t.Parallel()
	err := &Error{Code: 40013, Msg: "invalid appid", Path: "/cgi-bin/menu/create", AppID: "wx123"}
	if got, want := err.Error(), "wechat: /cgi-bin/menu/create for wx123: errcode 40013 (invalid appid)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestDoRefreshesRejectedTokenOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		giveCode   int
		acceptNew  bool
		wantHits   int32
		wantErr    bool
		wantStales []string
	}{
		{name: "40001 then ok", giveCode: 40001, acceptNew: true, wantHits: 2, wantStales: []string{"OLD"}},
		{name: "42001 then ok", giveCode: 42001, acceptNew: true, wantHits: 2, wantStales: []string{"OLD"}},
		{name: "40014 twice", giveCode: 40014, acceptNew: false, wantHits: 2, wantErr: true, wantStales: []string{"OLD"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newWechatServer(t, func(w http.ResponseWriter, r *http.Request, _ int32) {
				if tt.acceptNew && r.URL.Query().Get("access_token") == "NEW" {
					writeJSON(w, `{"errcode":0,"errmsg":"ok"}`)
					return
				}
				writeJSON(w, fmt.Sprintf(`{"errcode":%d,"errmsg":"invalid credential"}`, tt.giveCode))
			})
			ts := &fakeTokens{current: "OLD", next: "NEW"}
			c := newTestClient(t, Config{BaseURL: srv.URL}, WithTokenSource(ts))
			err := c.Do(context.Background(), &Request{AppID: "wx1", Method: "POST", Path: "/cgi-bin/message/custom/send", Body: map[string]string{"touser": "o1"}}, nil)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Do error = %v, want error %v", err, tt.wantErr)
			}
			if tt.wantErr && !IsTokenInvalid(err) {
				t.Errorf("IsTokenInvalid(%v) = false", err)
			}
			if got := srv.hits.Load(); got != tt.wantHits {
				t.Errorf("requests = %d, want %d", got, tt.wantHits)
			}
			if got := ts.refreshed(); fmt.Sprint(got) != fmt.Sprint(tt.wantStales) {
				t.Errorf("refreshes = %v, want %v", got, tt.wantStales)
			}
		})
	}
}

func TestDoDoesNotRefreshNoTokenCalls(t *testing.T) {
	t.Parallel()
	srv := newWechatServer(t, func(w http.ResponseWriter, _ *http.Request, _ int32) {
		writeJSON(w, `{"errcode":40001,"errmsg":"invalid credential"}`)
	})
	ts := &fakeTokens{current: "OLD", next: "NEW"}
	c := newTestClient(t, Config{BaseURL: srv.URL}, WithTokenSource(ts))
	err := c.Do(context.Background(), &Request{AppID: "wx1", Path: "/cgi-bin/token", NoToken: true}, nil)
	if !IsTokenInvalid(err) {
		t.Fatalf("Do error = %v, want 40001", err)
	}
	if srv.hits.Load() != 1 || len(ts.refreshed()) != 0 {
		t.Errorf("hits = %d, refreshes = %v; want 1 and none", srv.hits.Load(), ts.refreshed())
	}
}

func TestDoRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		method     string
		idempotent bool
		once       bool
		give       func(w http.ResponseWriter, hit int32)
		wantHits   int32
		wantOK     bool
	}{
		{name: "busy GET exhausts retries", method: "GET", give: busy, wantHits: 3},
		{name: "busy GET recovers", method: "GET", give: busyUntil(2), wantHits: 2, wantOK: true},
		{name: "busy POST not retried", method: "POST", give: busy, wantHits: 1},
		{name: "busy idempotent POST retried", method: "POST", idempotent: true, give: busy, wantHits: 3},
		{name: "502 GET retried", method: "GET", give: status(http.StatusBadGateway), wantHits: 3},
		{name: "503 POST not retried", method: "POST", give: status(http.StatusServiceUnavailable), wantHits: 1},
		{name: "500 idempotent POST retried", method: "POST", idempotent: true, give: status(http.StatusInternalServerError), wantHits: 3},
		{name: "400 GET not retried", method: "GET", give: status(http.StatusBadRequest), wantHits: 1},
		{name: "busy GET marked Once not retried", method: "GET", once: true, give: busy, wantHits: 1},
		{name: "502 GET marked Once not retried", method: "GET", once: true, give: status(http.StatusBadGateway), wantHits: 1},
		{name: "input error not retried", method: "GET", give: func(w http.ResponseWriter, _ int32) {
			writeJSON(w, `{"errcode":40003,"errmsg":"invalid openid"}`)
		}, wantHits: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newWechatServer(t, func(w http.ResponseWriter, _ *http.Request, hit int32) { tt.give(w, hit) })
			c := newTestClient(t, Config{BaseURL: srv.URL, MaxRetries: 2}, WithTokenSource(&fakeTokens{current: "TOK"}))
			req := &Request{AppID: "wx1", Method: tt.method, Path: "/cgi-bin/user/info", Idempotent: tt.idempotent, Once: tt.once}
			if tt.method == "POST" {
				req.Body = map[string]string{"openid": "o1"}
			}
			err := c.Do(context.Background(), req, nil)
			if (err == nil) != tt.wantOK {
				t.Fatalf("Do error = %v, want ok %v", err, tt.wantOK)
			}
			if got := srv.hits.Load(); got != tt.wantHits {
				t.Errorf("requests = %d, want %d", got, tt.wantHits)
			}
		})
	}
}

func busy(w http.ResponseWriter, _ int32) { writeJSON(w, `{"errcode":-1,"errmsg":"system error"}`) }

func busyUntil(okHit int32) func(http.ResponseWriter, int32) {
	return func(w http.ResponseWriter, hit int32) {
		if hit >= okHit {
			writeJSON(w, `{"errcode":0,"errmsg":"ok"}`)
			return
		}
		busy(w, hit)
	}
}

func status(code int) func(http.ResponseWriter, int32) {
	return func(w http.ResponseWriter, _ int32) { http.Error(w, "oops", code) }
}

func TestDoStatusErrorMapsToUnavailable(t *testing.T) {
	t.Parallel()
	srv := newWechatServer(t, func(w http.ResponseWriter, _ *http.Request, _ int32) { http.Error(w, "down", http.StatusBadGateway) })
	c := newTestClient(t, Config{BaseURL: srv.URL, MaxRetries: -1}, WithTokenSource(&fakeTokens{current: "TOK"}))
	err := c.Do(context.Background(), &Request{AppID: "wx1", Path: "/cgi-bin/user/get"}, nil)
	var se *StatusError
	if !errors.As(err, &se) || se.StatusCode != http.StatusBadGateway {
		t.Fatalf("Do error = %v, want *StatusError 502", err)
	}
	if ce, ok := ConnectErrorFrom(err); !ok || ce.Code() != connect.CodeUnavailable {
		t.Errorf("ConnectErrorFrom = %v, %v; want Unavailable", ce, ok)
	}
}

func TestDoFailsOver(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		method string
	}{
		{name: "GET", method: "GET"},
		{name: "non-idempotent POST", method: "POST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fallback := newWechatServer(t, func(w http.ResponseWriter, _ *http.Request, _ int32) {
				writeJSON(w, `{"errcode":0,"errmsg":"ok","ticket":"T"}`)
			})
			var (
				mu  sync.Mutex
				now = time.Unix(1_700_000_000, 0)
			)
			clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c := newTestClient(t, Config{BaseURL: closedURL(t), FallbackURLs: []string{fallback.URL}},
				WithTokenSource(&fakeTokens{current: "TOK"}), WithLogger(logger), withClock(clock))
			do := func() {
				t.Helper()
				var out struct {
					Ticket string `json:"ticket"`
				}
				req := &Request{AppID: "wx1", Method: tt.method, Path: "/cgi-bin/qrcode/create"}
				if tt.method == "POST" {
					req.Body = map[string]int{"expire_seconds": 60}
				}
				if err := c.Do(context.Background(), req, &out); err != nil || out.Ticket != "T" {
					t.Fatalf("Do = %v, ticket %q; want success through the fallback", err, out.Ticket)
				}
			}
			failovers := func() int { return strings.Count(logs.String(), "failing over") }

			do()
			if fallback.hits.Load() != 1 || failovers() != 1 {
				t.Fatalf("fallback hits = %d, failovers = %d; want 1 and 1", fallback.hits.Load(), failovers())
			}
			do() // the fallback stays preferred: the primary is not tried
			if fallback.hits.Load() != 2 || failovers() != 1 {
				t.Fatalf("fallback hits = %d, failovers = %d; want 2 and 1", fallback.hits.Load(), failovers())
			}
			mu.Lock()
			now = now.Add(failoverHold)
			mu.Unlock()
			do() // hold expired: the primary is tried again, and fails over again
			if fallback.hits.Load() != 3 || failovers() != 2 {
				t.Fatalf("fallback hits = %d, failovers = %d; want 3 and 2", fallback.hits.Load(), failovers())
			}
		})
	}
}

// lockedWriter serialises writes to a buffer shared with the test.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestDoHonoursDeadlines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		ctxTimeout time.Duration
		cfgTimeout time.Duration
		method     string
		wantHits   int32
	}{
		{name: "context deadline", ctxTimeout: 50 * time.Millisecond, cfgTimeout: time.Minute, method: "GET", wantHits: 1},
		{name: "config timeout on POST, not retried", cfgTimeout: 50 * time.Millisecond, method: "POST", wantHits: 1},
		{name: "config timeout on GET, retried", cfgTimeout: 50 * time.Millisecond, method: "GET", wantHits: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newWechatServer(t, func(w http.ResponseWriter, r *http.Request, _ int32) {
				_, _ = io.Copy(io.Discard, r.Body) // the server notices a gone client only once the body is read
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
			})
			c := newTestClient(t, Config{BaseURL: srv.URL, Timeout: config.Duration(tt.cfgTimeout), MaxRetries: 2},
				WithTokenSource(&fakeTokens{current: "TOK"}))
			ctx := context.Background()
			if tt.ctxTimeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.ctxTimeout)
				defer cancel()
			}
			start := time.Now()
			err := c.Do(ctx, &Request{AppID: "wx1", Method: tt.method, Path: "/cgi-bin/user/info", Body: bodyFor(tt.method)}, nil)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Do error = %v, want DeadlineExceeded", err)
			}
			if elapsed := time.Since(start); elapsed > 2*time.Second {
				t.Errorf("Do took %v", elapsed)
			}
			if got := srv.hits.Load(); got != tt.wantHits {
				t.Errorf("requests = %d, want %d", got, tt.wantHits)
			}
			if ce, ok := ConnectErrorFrom(err); !ok || ce.Code() != connect.CodeDeadlineExceeded {
				t.Errorf("ConnectErrorFrom = %v, %v; want DeadlineExceeded", ce, ok)
			}
		})
	}
}

func bodyFor(method string) any {
	if method == "POST" {
		return map[string]string{"k": "v"}
	}
	return nil
}

func TestDoSendsJSONWithoutHTMLEscaping(t *testing.T) {
	t.Parallel()
	var (
		gotBody []byte
		gotType string
	)
	srv := newWechatServer(t, func(w http.ResponseWriter, r *http.Request, _ int32) {
		gotBody, _ = io.ReadAll(r.Body)
		gotType = r.Header.Get("Content-Type")
		writeJSON(w, `{"errcode":0,"errmsg":"ok"}`)
	})
	c := newTestClient(t, Config{BaseURL: srv.URL}, WithTokenSource(&fakeTokens{current: "TOK"}))
	body := map[string]string{"url": "https://example.com/a?b=1&c=2", "text": "<b>你好</b> & >"}
	if err := c.Do(context.Background(), &Request{AppID: "wx1", Method: "POST", Path: "/cgi-bin/menu/create", Body: body}, nil); err != nil {
		t.Fatalf("Do: %v", err)
	}
	want := `{"text":"<b>你好</b> & >","url":"https://example.com/a?b=1&c=2"}`
	if string(gotBody) != want {
		t.Errorf("body = %s, want %s", gotBody, want)
	}
	if !strings.HasPrefix(gotType, "application/json") {
		t.Errorf("Content-Type = %q", gotType)
	}
}

func TestDoRawBodyAndRawAnswer(t *testing.T) {
	t.Parallel()
	srv := newWechatServer(t, func(w http.ResponseWriter, r *http.Request, _ int32) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "image/jpeg")
		_, _ = fmt.Fprintf(w, "%s|%s", r.Header.Get("Content-Type"), b)
	})
	c := newTestClient(t, Config{BaseURL: srv.URL}, WithTokenSource(&fakeTokens{current: "TOK"}))
	var out bytes.Buffer
	req := &Request{AppID: "wx1", Method: "POST", Path: "/cgi-bin/media/upload", RawBody: strings.NewReader("PAYLOAD"), ContentType: "multipart/form-data; boundary=x"}
	if err := c.Do(context.Background(), req, &out); err != nil {
		t.Fatalf("Do: %v", err)
	}
	if got, want := out.String(), "multipart/form-data; boundary=x|PAYLOAD"; got != want {
		t.Errorf("answer = %q, want %q", got, want)
	}
}

// TestDoRawTextAnswer: a raw answer WeChat labels text/plain (a CSV statement) reaches an
// io.Writer as is, and a JSON errcode envelope in text/plain is still an error.
func TestDoRawTextAnswer(t *testing.T) {
	t.Parallel()
	srv := newWechatServer(t, func(w http.ResponseWriter, r *http.Request, _ int32) {
		w.Header().Set("Content-Type", "text/plain")
		if r.URL.Query().Get("fail") != "" {
			_, _ = io.WriteString(w, `{"errcode":40097,"errmsg":"invalid args"}`)
			return
		}
		_, _ = io.WriteString(w, "交易时间,订单号\n`2026-11-24 10:00:00,`42\n")
	})
	c := newTestClient(t, Config{BaseURL: srv.URL}, WithTokenSource(&fakeTokens{current: "TOK"}))
	var out bytes.Buffer
	if err := c.Do(context.Background(), &Request{AppID: "wx1", Method: "POST", Path: "/nontax/downloadbill", Body: map[string]string{}}, &out); err != nil {
		t.Fatalf("Do: %v", err)
	}
	if !strings.HasPrefix(out.String(), "交易时间,订单号") {
		t.Errorf("answer = %q", out.String())
	}
	out.Reset()
	err := c.Do(context.Background(), &Request{AppID: "wx1", Method: "POST", Path: "/nontax/downloadbill", Query: url.Values{"fail": {"1"}}, Body: map[string]string{}}, &out)
	var we *Error
	if !errors.As(err, &we) || we.Code != 40097 || out.Len() != 0 {
		t.Errorf("Do = %v (wrote %q), want errcode 40097 and nothing written", err, out.String())
	}
}

func TestDoNeverLeaksSecrets(t *testing.T) {
	t.Parallel()
	const (
		secret = "SEKRET-app-secret"
		token  = "TOKEN-SEKRET/+="
	)
	hanging := newWechatServer(t, func(_ http.ResponseWriter, r *http.Request, _ int32) {
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	})
	tests := []struct {
		name    string
		baseURL string
		timeout time.Duration
		req     *Request
	}{
		{name: "token endpoint refused", baseURL: closedURL(t), req: &Request{AppID: "wx1", Path: "/cgi-bin/token", NoToken: true,
			Query: url.Values{"grant_type": {"client_credential"}, "appid": {"wx1"}, "secret": {secret}}}},
		{name: "token call refused", baseURL: closedURL(t), req: &Request{AppID: "wx1", Method: "POST", Path: "/cgi-bin/menu/create", Body: map[string]string{}}},
		{name: "token endpoint timeout", baseURL: hanging.URL, timeout: 30 * time.Millisecond, req: &Request{AppID: "wx1", Path: "/cgi-bin/token", NoToken: true,
			Query: url.Values{"grant_type": {"client_credential"}, "appid": {"wx1"}, "secret": {secret}}}},
		{name: "token call timeout", baseURL: hanging.URL, timeout: 30 * time.Millisecond, req: &Request{AppID: "wx1", Path: "/cgi-bin/user/get"}},
		{name: "bad host", baseURL: "http://wxsuite-test.invalid", req: &Request{AppID: "wx1", Path: "/cgi-bin/user/get"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c := newTestClient(t, Config{BaseURL: tt.baseURL, FallbackURLs: []string{closedURL(t)}, MaxRetries: 1, Timeout: config.Duration(tt.timeout)},
				WithTokenSource(&fakeTokens{current: token}), WithLogger(logger))
			err := c.Do(context.Background(), tt.req, nil)
			var te *TransportError
			if !errors.As(err, &te) {
				t.Fatalf("Do error = %v, want *TransportError", err)
			}
			var ue *url.Error
			if errors.As(err, &ue) {
				t.Errorf("error chain holds a *url.Error: %v", ue)
			}
			ce, _ := ConnectErrorFrom(err)
			for what, s := range map[string]string{
				"err.Error()":   err.Error(),
				"fmt %+v":       fmt.Sprintf("%+v", err),
				"connect error": ce.Error(),
				"logs":          logs.String(),
			} {
				for _, leak := range []string{secret, token, url.QueryEscape(token)} {
					if strings.Contains(s, leak) {
						t.Errorf("%s contains %q: %s", what, leak, s)
					}
				}
			}
			if !strings.Contains(err.Error(), "REDACTED") {
				t.Errorf("err.Error() = %q, want the redacted query", err.Error())
			}
			if !strings.Contains(logs.String(), "wechat call") {
				t.Errorf("no debug line logged: %s", logs.String())
			}
		})
	}
}

func TestTransportErrorKeepsNetErrors(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, Config{BaseURL: closedURL(t), MaxRetries: -1}, WithTokenSource(&fakeTokens{current: "TOK"}))
	err := c.Do(context.Background(), &Request{AppID: "wx1", Path: "/cgi-bin/user/get"}, nil)
	var opErr *net.OpError
	if !errors.As(err, &opErr) || opErr.Op != "dial" {
		t.Fatalf("Do error = %v, want a *net.OpError dial in the chain", err)
	}
	if want := "wechat: GET /cgi-bin/user/get?access_token=REDACTED for wx1: dial tcp"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err.Error() = %q, want prefix %q", err.Error(), want)
	}
}

func TestDoRecordsMetrics(t *testing.T) {
	t.Parallel()
	srv := newWechatServer(t, func(w http.ResponseWriter, _ *http.Request, hit int32) { busyUntil(2)(w, hit) })
	reg := prometheus.NewPedanticRegistry()
	c := newTestClient(t, Config{BaseURL: srv.URL}, WithTokenSource(&fakeTokens{current: "TOK"}), WithMetrics(reg))
	if _, err := New(Config{BaseURL: srv.URL}, WithMetrics(reg)); err != nil {
		t.Fatalf("second client on the same registry: %v", err)
	}
	if err := c.Do(context.Background(), &Request{AppID: "wx1", Path: "/cgi-bin/user/get"}, nil); err != nil {
		t.Fatalf("Do: %v", err)
	}
	m, _ := newMetrics(reg)
	for code, want := range map[string]float64{"-1": 1, "0": 1} {
		if got := testutil.ToFloat64(m.calls.WithLabelValues("/cgi-bin/user/get", code)); got != want {
			t.Errorf("calls{errcode=%s} = %v, want %v", code, got, want)
		}
	}
	if n := testutil.CollectAndCount(m.duration); n != 1 {
		t.Errorf("duration series = %d, want 1", n)
	}
}

func TestDoWithoutTokenSource(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, Config{BaseURL: "http://127.0.0.1:1"})
	if err := c.Do(context.Background(), &Request{AppID: "wx1", Path: "/cgi-bin/user/get"}, nil); !errors.Is(err, ErrNoTokenSource) {
		t.Errorf("Do error = %v, want ErrNoTokenSource", err)
	}
}

func TestDoRejectsBadRequests(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, Config{BaseURL: "http://127.0.0.1:1"}, WithTokenSource(&fakeTokens{current: "TOK"}))
	tests := []struct {
		name string
		give *Request
	}{
		{name: "relative path", give: &Request{Path: "cgi-bin/user/get"}},
		{name: "query in path", give: &Request{Path: "/cgi-bin/user/get?x=1"}},
		{name: "two bodies", give: &Request{Path: "/a", Body: 1, RawBody: strings.NewReader("x")}},
		{name: "unencodable body", give: &Request{Path: "/a", Body: func() {}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := c.Do(context.Background(), tt.give, nil); err == nil {
				t.Error("Do succeeded")
			}
		})
	}
}

func TestDecodeErrorIsReported(t *testing.T) {
	t.Parallel()
	srv := newWechatServer(t, func(w http.ResponseWriter, _ *http.Request, _ int32) { writeJSON(w, `{"total":"many"}`) })
	c := newTestClient(t, Config{BaseURL: srv.URL}, WithTokenSource(&fakeTokens{current: "TOK"}))
	var out struct {
		Total int `json:"total"`
	}
	err := c.Do(context.Background(), &Request{AppID: "wx1", Path: "/cgi-bin/user/get"}, &out)
	var ute *json.UnmarshalTypeError
	if !errors.As(err, &ute) {
		t.Errorf("Do error = %v, want *json.UnmarshalTypeError", err)
	}
}
