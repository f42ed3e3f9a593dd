package wechat

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestForwarderSendsAsGivenAndFailsOver(t *testing.T) {
	t.Parallel()
	var gotQuery, gotBody, gotHeader, gotMethod string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotMethod, gotQuery, gotHeader = r.Method, r.URL.RawQuery, r.Header.Get("X-Test")
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
		w.Header().Set("Location", "/elsewhere")
		w.WriteHeader(http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	f, err := NewForwarder(Config{BaseURL: closedURL(t), FallbackURLs: []string{srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	body := "chunked body"
	resp, err := f.Forward(context.Background(), &ForwardRequest{
		AppID: "wx1", Method: http.MethodPost, Path: "/cgi-bin/menu/create", RawQuery: "b=2&a=%20&access_token=T",
		Header: http.Header{"X-Test": {"v"}}, Body: strings.NewReader(body), ContentLength: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || gotMethod != http.MethodPost || gotQuery != "b=2&a=%20&access_token=T" || gotBody != body || gotHeader != "v" {
		t.Errorf("got %d %s ?%s %q X-Test %q; want the request as given, the redirect not followed", resp.StatusCode, gotMethod, gotQuery, gotBody, gotHeader)
	}
}

func TestForwarderErrorsAreRedacted(t *testing.T) {
	t.Parallel()
	f, err := NewForwarder(Config{BaseURL: closedURL(t)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Forward(context.Background(), &ForwardRequest{AppID: "wx1", Path: "/cgi-bin/user/get", RawQuery: "access_token=SECRET_TOKEN&secret=APPSECRET"})
	var te *TransportError
	if !errors.As(err, &te) || strings.Contains(err.Error(), "SECRET_TOKEN") || strings.Contains(err.Error(), "APPSECRET") {
		t.Errorf("error %v: want a *TransportError without the token or secret", err)
	}
	if _, err := f.Forward(context.Background(), &ForwardRequest{Path: "cgi-bin?x"}); err == nil {
		t.Error("a malformed path was forwarded")
	}
}

func TestForwarderNoFailoverAfterBodyRead(t *testing.T) {
	t.Parallel()
	// A body that was partly read cannot be sent again elsewhere.
	body := &trackedBody{r: strings.NewReader("x"), n: 1}
	if _, err := body.Read(make([]byte, 1)); err != nil || body.n != 2 || body.Close() != nil {
		t.Errorf("trackedBody: n=%d err=%v", body.n, err)
	}
}
