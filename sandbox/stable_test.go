package sandbox_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

func TestStableTokenNormalMode(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	first := stable(t, env, false)
	wantCode(t, first, 0)
	if first.ExpiresIn != 7200 || !tokenShape.MatchString(first.AccessToken) {
		t.Fatalf("first stable token: %s", first.Raw)
	}
	env.Sandbox.Advance(time.Hour)
	again := stable(t, env, false)
	if again.AccessToken != first.AccessToken || again.ExpiresIn != 3600 {
		t.Fatalf("repeat call: token changed or expires_in %d, want same token and 3600", again.ExpiresIn)
	}
	// 301 s left: still the same token.
	env.Sandbox.Advance(3600*time.Second - 301*time.Second)
	if r := stable(t, env, false); r.AccessToken != first.AccessToken || r.ExpiresIn != 301 {
		t.Fatalf("with 301 s left: %s", r.Raw)
	}
	// 300 s left: the last five minutes issue a new token; the old one lives until its expiry.
	env.Sandbox.Advance(time.Second)
	renewed := stable(t, env, false)
	if renewed.AccessToken == first.AccessToken || renewed.ExpiresIn != 7200 {
		t.Fatalf("in the last 5 minutes: %s, want a new token", renewed.Raw)
	}
	env.Sandbox.Advance(299 * time.Second)
	if code := useToken(t, env, first.AccessToken); code != 0 {
		t.Fatalf("old stable token before its expiry: errcode %d", code)
	}
	env.Sandbox.Advance(time.Second)
	if code := useToken(t, env, first.AccessToken); code != 42001 {
		t.Fatalf("old stable token at its expiry: errcode %d, want 42001", code)
	}
	if code := useToken(t, env, renewed.AccessToken); code != 0 {
		t.Fatalf("renewed stable token: errcode %d", code)
	}
}

func TestStableTokenForceRefresh(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	first := stable(t, env, false)
	forced := stable(t, env, true)
	wantCode(t, forced, 0)
	if forced.AccessToken == first.AccessToken || forced.ExpiresIn != 7200 {
		t.Fatalf("force refresh: %s, want a new token", forced.Raw)
	}
	// Within 30 s of the last force refresh: the current token, no refresh.
	env.Sandbox.Advance(29 * time.Second)
	if r := stable(t, env, true); r.AccessToken != forced.AccessToken {
		t.Fatalf("force refresh 29 s after the last one issued a new token")
	}
	if code := useToken(t, env, first.AccessToken); code != 0 {
		t.Fatalf("previous stable token within the overlap: errcode %d", code)
	}
	env.Sandbox.Advance(271 * time.Second)
	if code := useToken(t, env, first.AccessToken); code != 40001 {
		t.Fatalf("previous stable token after the overlap: errcode %d, want 40001", code)
	}
	again := stable(t, env, true)
	if again.AccessToken == forced.AccessToken {
		t.Fatal("force refresh 300 s after the last one did not refresh")
	}
}

func TestStableTokenForceDailyLimit(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	for range 20 {
		wantCode(t, stable(t, env, true), 0)
		env.Sandbox.Advance(30 * time.Second)
	}
	wantCode(t, stable(t, env, true), 45009)
	// Normal mode is not affected.
	wantCode(t, stable(t, env, false), 0)
	// The limit resets at the next Shanghai midnight (start is 10:00 there).
	env.Sandbox.Advance(14 * time.Hour)
	wantCode(t, stable(t, env, true), 0)
}

func TestStableTokenIsolation(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	st := stable(t, env, false).AccessToken
	c1 := fetchToken(t, env)
	fetchToken(t, env)
	fetchToken(t, env)
	if code := useToken(t, env, st); code != 0 {
		t.Fatalf("stable token after classic fetches: errcode %d", code)
	}
	stable(t, env, true)
	stable(t, env, true) // within 30 s: no refresh
	env.Sandbox.Advance(time.Minute)
	stable(t, env, true)
	if r := stable(t, env, false); r.AccessToken == st {
		t.Fatal("force refreshes did not change the stable token")
	}
	if code := useToken(t, env, c1); code != 40001 {
		t.Fatalf("first classic token: errcode %d, want 40001 (superseded by classic fetches only)", code)
	}
	latest := fetchToken(t, env)
	stable(t, env, true)
	if code := useToken(t, env, latest); code != 0 {
		t.Fatalf("classic token after a stable force refresh: errcode %d", code)
	}
}

func TestStableTokenErrors(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	const (
		id  = sandboxtest.DemoAppID
		sec = sandboxtest.DemoAppSecret
	)
	tests := []struct {
		name   string
		method string
		give   string
		want   int
	}{
		{"GET", http.MethodGet, "", 43002},
		{"empty body", http.MethodPost, "", 44002},
		{"blank body", http.MethodPost, " \n", 44002},
		{"not JSON", http.MethodPost, "grant_type=client_credential", 47001},
		{"JSON array", http.MethodPost, `[1]`, 47001},
		{"truncated JSON", http.MethodPost, `{"appid":"` + id, 47001},
		{"force_refresh as string", http.MethodPost, `{"grant_type":"client_credential","appid":"` + id + `","secret":"` + sec + `","force_refresh":"true"}`, 47001},
		{"appid missing", http.MethodPost, `{"grant_type":"client_credential","secret":"` + sec + `"}`, 41002},
		{"keys are case-sensitive", http.MethodPost, `{"grant_type":"client_credential","AppID":"` + id + `","secret":"` + sec + `"}`, 41002},
		{"secret missing", http.MethodPost, `{"grant_type":"client_credential","appid":"` + id + `"}`, 41004},
		{"grant_type wrong", http.MethodPost, `{"grant_type":"x","appid":"` + id + `","secret":"` + sec + `"}`, 40002},
		{"unknown appid", http.MethodPost, `{"grant_type":"client_credential","appid":"wx00","secret":"x"}`, 40013},
		{"wrong secret", http.MethodPost, `{"grant_type":"client_credential","appid":"` + id + `","secret":"x"}`, 40125},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantCode(t, do(t, env, tt.method, "/cgi-bin/stable_token", nil, tt.give), tt.want)
		})
	}
}
