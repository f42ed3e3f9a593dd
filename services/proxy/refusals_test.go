package proxy_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/services/proxy"
)

func TestBadInputRefusedBeforeForwarding(t *testing.T) {
	t.Parallel()
	e := newEnv(t, proxy.Config{MaxBodyBytes: 2 << 20, ReplayBodyBytes: 1 << 10})
	big := strings.Repeat("x", 3<<20)
	tests := []struct {
		name, method, path, body string
		header                   []string
		want                     int
	}{
		{name: "path outside the API", method: "GET", path: "/wx/" + e.A + "/cgi-bin/nope", header: []string{"X-Api-Key", keyA}, want: 40066},
		{name: "path outside the API, host-style", method: "GET", path: "/wx/admin/metrics", header: []string{"X-Api-Key", keyA}, want: 40066},
		{name: "browser page", method: "GET", path: "/wx/" + e.A + "/connect/oauth2/authorize", header: []string{"X-Api-Key", keyA}, want: 40066},
		{name: "unknown account", method: "GET", path: "/wx/wxnope/cgi-bin/getcallbackip", header: []string{"X-Api-Key", keyAB}, want: 40013},
		{name: "key not for the account", method: "GET", path: "/wx/" + e.B + "/cgi-bin/getcallbackip", header: []string{"X-Api-Key", keyA}, want: 48001},
		{name: "key without proxy scope", method: "GET", path: "/wx/" + e.A + "/cgi-bin/getcallbackip", header: []string{"X-Api-Key", keyNoScope}, want: 48001},
		{name: "unknown key", method: "GET", path: "/wx/" + e.A + "/cgi-bin/getcallbackip", header: []string{"Authorization", "Bearer " + keyRevoked}, want: 40001},
		{name: "malformed Authorization", method: "GET", path: "/wx/" + e.A + "/cgi-bin/getcallbackip", header: []string{"Authorization", "Basic eA=="}, want: 40001},
		{name: "no credentials", method: "GET", path: "/wx/" + e.A + "/cgi-bin/getcallbackip", want: 41001},
		{name: "account not chosen", method: "GET", path: "/wx/cgi-bin/getcallbackip", header: []string{"X-Api-Key", keyAB}, want: 40013},
		{name: "method", method: "PUT", path: "/wx/" + e.A + "/cgi-bin/menu/create", header: []string{"X-Api-Key", keyA}, want: 43002},
		{name: "oversized body", method: "POST", path: "/wx/" + e.A + "/cgi-bin/menu/create", body: big, header: []string{"X-Api-Key", keyA}, want: 45002},
		{name: "oversized upload", method: "POST", path: "/wx/" + e.A + "/cgi-bin/media/upload?type=image", body: big, header: []string{"X-Api-Key", keyA, "Content-Type", "multipart/form-data; boundary=x"}, want: 45001},
	}
	for _, tt := range tests {
		a := e.do(t, tt.method, tt.path, tt.body, tt.header...)
		if a.Status != 200 || a.Errcode != tt.want || !strings.Contains(a.Errmsg, "hint: [wxsuite proxy: ") {
			t.Errorf("%s: %d %s; want errcode %d in the platform's shape", tt.name, a.Status, a.Raw, tt.want)
		}
		if ct := a.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s: Content-Type %q", tt.name, ct)
		}
		var env map[string]any
		if json.Unmarshal(a.Raw, &env) != nil || len(env) != 2 {
			t.Errorf("%s: answer %s is not the {errcode, errmsg} envelope", tt.name, a.Raw)
		}
	}
	if got := len(e.sb.Sandbox.Calls(sandbox.CallFilter{})); got != 0 {
		t.Errorf("%d refused calls reached the sandbox", got)
	}
}

// TestOversizedChunkedBodyCut streams a body of undeclared length past max_body_bytes:
// the proxy stops forwarding at the limit and answers 45002.
func TestOversizedChunkedBodyCut(t *testing.T) {
	t.Parallel()
	e := newEnv(t, proxy.Config{MaxBodyBytes: 2 << 20, ReplayBodyBytes: 1 << 10})
	req, _ := http.NewRequest(http.MethodPost, e.url+"/wx/"+e.A+"/cgi-bin/menu/create", struct{ *strings.Reader }{strings.NewReader(strings.Repeat("x", 3<<20))})
	req.ContentLength = -1
	req.Header.Set("X-Api-Key", keyA)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	_ = json.NewDecoder(resp.Body).Decode(&a)
	if a.Errcode != 45002 {
		t.Errorf("errcode %d, want 45002", a.Errcode)
	}
	for _, c := range e.rec.take() {
		if len(c.Body) > 2<<20 {
			t.Errorf("the sandbox received %d bytes, more than max_body_bytes", len(c.Body))
		}
	}
}

func TestDailyLimitRefusal(t *testing.T) {
	t.Parallel()
	e := newEnv(t, proxy.Config{RefuseAt: 0.5, DailyLimits: map[string]int64{"/cgi-bin/getcallbackip": 4}})
	call := func() answer {
		return e.do(t, http.MethodGet, "/wx/"+e.A+"/cgi-bin/getcallbackip", "", "X-Api-Key", keyA)
	}
	for i := range 2 {
		if a := call(); a.Errcode != 0 {
			t.Fatalf("call %d: %s", i+1, a.Raw)
		}
	}
	a := call()
	if a.Errcode != 45009 || !strings.HasPrefix(a.Errmsg, "reach max api daily quota limit hint: [wxsuite proxy: 2 of the daily limit of 4") {
		t.Errorf("third call: %s; want the local 45009", a.Raw)
	}
	if got := len(e.rec.take()); got != 2 {
		t.Errorf("%d calls forwarded, want 2", got)
	}
	// Another account has its own count.
	if a := e.do(t, http.MethodGet, "/wx/"+e.B+"/cgi-bin/getcallbackip", "", "X-Api-Key", keyAB); a.Errcode != 0 {
		t.Errorf("account B: %s", a.Raw)
	}
	if got := metricSum(t, e, "wxsuite_proxy_daily_calls", map[string]string{"app_id": e.A, "endpoint": "/cgi-bin/getcallbackip"}); got != 2 {
		t.Errorf("wxsuite_proxy_daily_calls = %v, want 2", got)
	}
	if got := metricSum(t, e, "wxsuite_proxy_calls_total", map[string]string{"app_id": e.A, "errcode": "45009", "source": "proxy"}); got != 1 {
		t.Errorf("local 45009 counted %v times, want 1", got)
	}
	// clear_quota through the proxy resets the counts.
	if a := e.do(t, http.MethodPost, "/wx/"+e.A+"/cgi-bin/clear_quota", `{"appid":"`+e.A+`"}`, "X-Api-Key", keyA); a.Errcode != 0 {
		t.Fatalf("clear_quota: %s", a.Raw)
	}
	if a := call(); a.Errcode != 0 {
		t.Errorf("after clear_quota: %s", a.Raw)
	}
	// The next platform day starts from zero.
	e.sb.Sandbox.Advance(24 * 3600e9)
	for i := range 2 {
		if a := call(); a.Errcode != 0 {
			t.Errorf("next day, call %d: %s", i+1, a.Raw)
		}
	}
}

func TestOneLogLinePerCallWithoutSecrets(t *testing.T) {
	t.Parallel()
	e := newEnv(t, proxy.Config{})
	tok := e.do(t, http.MethodGet, "/wx/"+e.A+"/cgi-bin/token?"+tokenQuery(e.A, keyA), "")
	e.do(t, http.MethodGet, "/wx/"+e.A+"/cgi-bin/getcallbackip?access_token="+tok.AccessToken, "")
	e.do(t, http.MethodGet, "/wx/"+e.A+"/sns/oauth2/access_token?appid="+e.A+"&secret="+keyA+"&code=C&grant_type=authorization_code", "")
	e.do(t, http.MethodGet, "/wx/"+e.A+"/cgi-bin/nope", "", "X-Api-Key", keyA)
	logs := e.logs.String()
	lines := strings.Split(strings.TrimSpace(logs), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d log lines for 4 calls:\n%s", len(lines), logs)
	}
	for _, secret := range []string{keyA, tok.AccessToken, e.tokens.Current(e.A), e.secrets[e.A]} {
		if secret != "" && strings.Contains(logs, secret) {
			t.Errorf("a log line holds a key, token or secret:\n%s", logs)
		}
	}
	var first map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &first); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"app_id", "key_id", "path", "errcode", "latency", "status"} {
		if _, ok := first[k]; !ok {
			t.Errorf("log line lacks %s: %s", k, lines[1])
		}
	}
	if first["app_id"] != e.A || first["key_id"] != "key-a" || first["auth"] != "token" || first["errcode"] != "0" {
		t.Errorf("log line %s", lines[1])
	}
}
