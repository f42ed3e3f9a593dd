package sandbox_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

func TestCallLog(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	tok := fetchToken(t, env)
	env.Sandbox.Advance(time.Minute)
	get(t, env, "/cgi-bin/getcallbackip", url.Values{"access_token": {tok}})
	get(t, env, "/cgi-bin/getcallbackip", url.Values{"access_token": {"bogus"}})
	stable(t, env, false)
	get(t, env, "/nowhere", nil)

	want := []sandbox.Call{
		{Seq: 1, Time: start, Method: http.MethodGet, Path: "/cgi-bin/token", AppID: sandboxtest.DemoAppID, HTTPStatus: 200},
		{Seq: 2, Time: start.Add(time.Minute), Method: http.MethodGet, Path: "/cgi-bin/getcallbackip", AppID: sandboxtest.DemoAppID, AccessToken: tok, HTTPStatus: 200},
		{Seq: 3, Time: start.Add(time.Minute), Method: http.MethodGet, Path: "/cgi-bin/getcallbackip", AccessToken: "bogus", Errcode: 40001, HTTPStatus: 200},
		{Seq: 4, Time: start.Add(time.Minute), Method: http.MethodPost, Path: "/cgi-bin/stable_token", AppID: sandboxtest.DemoAppID, HTTPStatus: 200},
		{Seq: 5, Time: start.Add(time.Minute), Method: http.MethodGet, Path: "/nowhere", Errcode: -1, HTTPStatus: 404},
	}
	got := env.Sandbox.Calls(sandbox.CallFilter{})
	if len(got) != len(want) {
		t.Fatalf("%d calls logged, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if !got[i].Time.Equal(want[i].Time) {
			t.Errorf("call %d time %v, want %v", i+1, got[i].Time, want[i].Time)
		}
		got[i].Time = want[i].Time
		if got[i] != want[i] {
			t.Errorf("call %d:\n got %+v\nwant %+v", i+1, got[i], want[i])
		}
	}

	filters := []struct {
		give sandbox.CallFilter
		want int
	}{
		{sandbox.CallFilter{Path: "/cgi-bin/getcallbackip"}, 2},
		{sandbox.CallFilter{AppID: sandboxtest.DemoAppID}, 3},
		{sandbox.CallFilter{AfterSeq: 3}, 2},
	}
	for _, tt := range filters {
		if n := len(env.Sandbox.Calls(tt.give)); n != tt.want {
			t.Errorf("Calls(%+v) = %d calls, want %d", tt.give, n, tt.want)
		}
	}

	env.Sandbox.ClearCalls()
	get(t, env, "/nowhere", nil)
	if got := env.Sandbox.Calls(sandbox.CallFilter{}); len(got) != 1 || got[0].Seq != 6 {
		t.Errorf("after ClearCalls: %+v, want one call with seq 6", got)
	}
}

func TestCallLogBounded(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{MaxCalls: 10})
	for range 40 {
		get(t, env, "/nowhere", nil)
	}
	got := env.Sandbox.Calls(sandbox.CallFilter{})
	if len(got) < 10 || len(got) > 13 || got[len(got)-1].Seq != 40 {
		t.Errorf("log holds %d calls ending at seq %d, want the last 10 to 12", len(got), got[len(got)-1].Seq)
	}
}

func TestClockAdvance(t *testing.T) {
	t.Parallel()
	sb := sandbox.New(sandbox.Options{Now: func() time.Time { return start }})
	if !sb.Now().Equal(start) {
		t.Fatalf("Now = %v, want %v", sb.Now(), start)
	}
	if got := sb.Advance(90 * time.Minute); !got.Equal(start.Add(90 * time.Minute)) {
		t.Fatalf("Advance = %v", got)
	}
	if got := sb.Advance(-time.Hour); !got.Equal(start.Add(90 * time.Minute)) {
		t.Fatalf("a negative Advance moved the clock to %v", got)
	}
	live := sandbox.New(sandbox.Options{})
	before := time.Now()
	if got := live.Advance(time.Hour); got.Sub(before) < time.Hour || got.Sub(before) > time.Hour+time.Minute {
		t.Fatalf("real clock + 1h = %v, real now %v", got, before)
	}
}
