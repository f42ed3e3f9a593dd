package sandbox_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

func addFault(t *testing.T, env *sandboxtest.Env, f sandbox.Fault) sandbox.Fault {
	t.Helper()
	added, err := env.Sandbox.AddFault(f)
	if err != nil {
		t.Fatal(err)
	}
	return added
}

func TestFaultLatency(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	f := addFault(t, env, sandbox.Fault{Kind: sandbox.FaultLatency, Latency: 50 * time.Millisecond, Paths: []string{"/cgi-bin/token"}})
	began := time.Now()
	fetchToken(t, env)
	if elapsed := time.Since(began); elapsed < 50*time.Millisecond {
		t.Errorf("answer after %v, want at least 50ms", elapsed)
	}
	calls := env.Sandbox.Calls(sandbox.CallFilter{Path: "/cgi-bin/token"})
	if len(calls) != 1 || calls[0].FaultID != f.ID || calls[0].HTTPStatus != 200 || calls[0].Errcode != 0 {
		t.Errorf("call log: %+v", calls)
	}
}

func TestFaultLatencyHonoursClientCancel(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	addFault(t, env, sandbox.Fault{Kind: sandbox.FaultLatency, Latency: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, env.URL+"/cgi-bin/getcallbackip", nil)
	if _, err := env.Client.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the client's deadline", err)
	}
}

func TestFaultHTTPStatusAndErrcode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		give       sandbox.Fault
		wantStatus int
		wantBody   string
	}{
		{"502", sandbox.Fault{Kind: sandbox.FaultHTTPStatus, HTTPStatus: 502}, 502, ""},
		{"-1", sandbox.Fault{Kind: sandbox.FaultErrcode, Errcode: -1}, 200, `{"errcode":-1,"errmsg":"system error"}` + "\n"},
		{"45009", sandbox.Fault{Kind: sandbox.FaultErrcode, Errcode: 45009}, 200, `{"errcode":45009,"errmsg":"reach max api daily quota limit"}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := startFrozen(t, sandbox.Options{NoRID: true})
			addFault(t, env, tt.give)
			r := get(t, env, "/cgi-bin/token", tokenQuery(sandboxtest.DemoAppID, sandboxtest.DemoAppSecret))
			if r.Status != tt.wantStatus || r.Raw != tt.wantBody {
				t.Fatalf("got HTTP %d %q, want %d %q", r.Status, r.Raw, tt.wantStatus, tt.wantBody)
			}
		})
	}
}

func TestFaultDropConnection(t *testing.T) {
	t.Parallel()
	var h2c http.Protocols
	h2c.SetUnencryptedHTTP2(true)
	tests := []struct {
		name string
		give *http.Transport
	}{
		// No keep-alive: a Go client retries an idempotent request once when a reused
		// connection breaks, which would hide a single dropped connection.
		{"HTTP/1", &http.Transport{DisableKeepAlives: true}},
		{"h2c", &http.Transport{Protocols: &h2c}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := startFrozen(t, sandbox.Options{})
			f := addFault(t, env, sandbox.Fault{Kind: sandbox.FaultDropConnection, Count: 1})
			client := &http.Client{Transport: tt.give}
			defer tt.give.CloseIdleConnections()
			resp, err := client.Get(env.URL + "/cgi-bin/token?" + tokenQuery(sandboxtest.DemoAppID, sandboxtest.DemoAppSecret).Encode())
			if err == nil {
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				t.Fatalf("dropped connection answered HTTP %d %q", resp.StatusCode, body)
			}
			calls := env.Sandbox.Calls(sandbox.CallFilter{})
			if len(calls) != 1 || calls[0].FaultID != f.ID || calls[0].HTTPStatus != 0 {
				t.Errorf("call log: %+v", calls)
			}
			// Count 1: the rule is gone.
			fetchToken(t, env)
			if n := len(env.Sandbox.Faults()); n != 0 {
				t.Errorf("%d rules left, want 0", n)
			}
		})
	}
}

func TestFaultCountAndPaths(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	tok := fetchToken(t, env)
	addFault(t, env, sandbox.Fault{Kind: sandbox.FaultErrcode, Errcode: -1, Count: 2, Paths: []string{"/cgi-bin/getcallbackip"}})
	wantCode(t, get(t, env, "/cgi-bin/get_api_domain_ip", url.Values{"access_token": {tok}}), 0)
	for range 2 {
		wantCode(t, get(t, env, "/cgi-bin/getcallbackip", url.Values{"access_token": {tok}}), -1)
	}
	wantCode(t, get(t, env, "/cgi-bin/getcallbackip", url.Values{"access_token": {tok}}), 0)
}

func TestFaultFirstRuleWins(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	first := addFault(t, env, sandbox.Fault{Kind: sandbox.FaultErrcode, Errcode: -1})
	addFault(t, env, sandbox.Fault{Kind: sandbox.FaultHTTPStatus, HTTPStatus: 503})
	wantCode(t, get(t, env, "/cgi-bin/getcallbackip", nil), -1)
	faults := env.Sandbox.Faults()
	if len(faults) != 2 || faults[0].ID != first.ID || faults[0].Hits != 1 || faults[1].Hits != 0 {
		t.Errorf("faults after one call: %+v", faults)
	}
}

func TestFaultRatio(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{Rand: bytes.NewReader(make([]byte, 32))})
	addFault(t, env, sandbox.Fault{Kind: sandbox.FaultErrcode, Errcode: -1, Ratio: 0.5})
	const n = 200
	failed := 0
	for range n {
		if get(t, env, "/cgi-bin/getcallbackip", nil).Errcode == -1 {
			failed++
		}
	}
	if failed < n/4 || failed > 3*n/4 {
		t.Errorf("%d of %d calls failed with ratio 0.5", failed, n)
	}
}

func TestAddFaultRejects(t *testing.T) {
	t.Parallel()
	sb := sandbox.New(sandbox.Options{})
	tests := []struct {
		name      string
		give      sandbox.Fault
		wantField string
	}{
		{"no kind", sandbox.Fault{}, "fault.kind"},
		{"latency without duration", sandbox.Fault{Kind: sandbox.FaultLatency}, "fault.latency"},
		{"status out of range", sandbox.Fault{Kind: sandbox.FaultHTTPStatus, HTTPStatus: 99}, "fault.http_status"},
		{"zero errcode", sandbox.Fault{Kind: sandbox.FaultErrcode}, "fault.errcode"},
		{"ratio above 1", sandbox.Fault{Kind: sandbox.FaultDropConnection, Ratio: 1.5}, "fault.ratio"},
		{"negative count", sandbox.Fault{Kind: sandbox.FaultDropConnection, Count: -1}, "fault.count"},
		{"relative path", sandbox.Fault{Kind: sandbox.FaultDropConnection, Paths: []string{"cgi-bin/token"}}, "fault.paths[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := sb.AddFault(tt.give)
			var argErr *sandbox.ArgumentError
			if !errors.As(err, &argErr) || argErr.Field != tt.wantField {
				t.Fatalf("err = %v, want an ArgumentError on %s", err, tt.wantField)
			}
		})
	}
}
