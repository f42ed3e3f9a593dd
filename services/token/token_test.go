package token

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/sandbox"
)

const tokenPath = "/cgi-bin/token"

func TestColdStartFetchesOnceAndCaches(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.service()
	ctx := context.Background()

	first, err := s.GetAccessToken(ctx, e.appID)
	if err != nil {
		t.Fatalf("GetAccessToken: %v", err)
	}
	if ok, body := e.accepted(first.Value); !ok {
		t.Fatalf("sandbox rejects the fetched token: %s", body)
	}
	if left := time.Until(first.ExpiresAt); left < 7100*time.Second || left > 7200*time.Second {
		t.Errorf("expires in %s, want about 7200s", left)
	}
	for range 50 {
		again, err := s.GetAccessToken(ctx, e.appID)
		if err != nil || again.Value != first.Value {
			t.Fatalf("second call: %v, same=%v", err, again.Value == first.Value)
		}
	}
	if n := e.calls(tokenPath); n != 1 {
		t.Errorf("upstream token calls = %d, want 1", n)
	}
	// A second replica finds the token in Redis and does not call WeChat.
	other := e.service()
	got, err := other.GetAccessToken(ctx, e.appID)
	if err != nil || got.Value != first.Value {
		t.Fatalf("second replica: %v, same=%v", err, got.Value == first.Value)
	}
	if n := e.calls(tokenPath); n != 1 {
		t.Errorf("upstream token calls after a second replica = %d, want 1", n)
	}
}

func TestWarmupFetchesAtStart(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	warm := true
	e.service(func(p *Params) { p.Config.Warmup = &warm })
	waitFor(t, "warm-up fetch", func() bool { return e.calls(tokenPath) == 1 })
}

func TestProactiveRefreshAcrossExpiry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.service()
	ctx := context.Background()
	old, err := s.GetAccessToken(ctx, e.appID)
	if err != nil {
		t.Fatal(err)
	}
	// Past the refresh point (margin 3m + jitter ≤ 1m before expiry) but before expiry.
	e.sb.Sandbox.Advance(7200*time.Second - 2*time.Minute)
	waitFor(t, "background refresh", func() bool { return e.calls(tokenPath) == 2 })
	cur, err := s.GetAccessToken(ctx, e.appID)
	if err != nil {
		t.Fatal(err)
	}
	if cur.Value == old.Value {
		t.Fatal("token not refreshed after its refresh point")
	}
	// The previous token is still valid inside WeChat's overlap (and until its own expiry).
	if ok, body := e.accepted(old.Value); !ok {
		t.Errorf("previous token rejected inside the overlap: %s", body)
	}
	if ok, body := e.accepted(cur.Value); !ok {
		t.Errorf("new token rejected: %s", body)
	}
	// Well after: the new token lives on, the old one is gone.
	e.sb.Sandbox.Advance(6 * time.Minute)
	if ok, _ := e.accepted(old.Value); ok {
		t.Error("previous token still accepted after expiry")
	}
	if n := e.calls(tokenPath); n != 2 {
		t.Errorf("upstream token calls = %d, want 2", n)
	}
}

func TestThreeReplicasManyCallersAtExpiryFetchOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	slow := func(p *Params) { p.Config.CheckInterval = config.Duration(time.Hour) } // callers, not the refresher, hit expiry
	replicas := []*Service{e.service(slow), e.service(slow), e.service(slow)}
	if _, err := replicas[0].GetAccessToken(ctx, e.appID); err != nil {
		t.Fatal(err)
	}
	for _, r := range replicas[1:] {
		if _, err := r.GetAccessToken(ctx, e.appID); err != nil {
			t.Fatal(err)
		}
	}
	e.sb.Sandbox.Advance(7201 * time.Second)
	before := e.calls(tokenPath)

	var wg sync.WaitGroup
	tokens := make(chan string, 600)
	errs := make(chan error, 600)
	for _, r := range replicas {
		for range 200 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := r.GetAccessToken(ctx, e.appID)
				if err != nil {
					errs <- err
					return
				}
				tokens <- c.Value
			}()
		}
	}
	wg.Wait()
	close(tokens)
	close(errs)
	for err := range errs {
		t.Fatalf("caller failed: %v", err)
	}
	seen := map[string]bool{}
	for tok := range tokens {
		seen[tok] = true
	}
	if len(seen) != 1 {
		t.Errorf("callers got %d different tokens, want 1", len(seen))
	}
	if n := e.calls(tokenPath) - before; n != 1 {
		t.Errorf("upstream token calls at expiry = %d, want exactly 1", n)
	}
}

func TestPassiveRefreshStormFetchesOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	a, b := e.service(), e.service()
	stale, err := a.GetAccessToken(ctx, e.appID)
	if err != nil {
		t.Fatal(err)
	}
	// Another party takes the token over (it dies after the overlap), long enough after
	// our fetch for a forced refresh to be allowed.
	e.sb.Sandbox.Advance(time.Minute)
	if err := e.sb.Sandbox.RevokeTokens(e.appID); err != nil {
		t.Fatal(err)
	}
	before := e.calls(tokenPath)
	var wg sync.WaitGroup
	results := make(chan Credential, 1000)
	for i := range 1000 {
		s := a
		if i%2 == 1 {
			s = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := s.Refresh(ctx, e.appID, stale.Value)
			if err != nil {
				t.Errorf("Refresh: %v", err)
				return
			}
			results <- c
		}()
	}
	wg.Wait()
	close(results)
	refreshed, seen := 0, map[string]bool{}
	for c := range results {
		seen[c.Value] = true
		if c.Refreshed {
			refreshed++
		}
	}
	if n := e.calls(tokenPath) - before; n != 1 {
		t.Errorf("upstream token calls in the storm = %d, want 1", n)
	}
	if len(seen) != 1 || seen[stale.Value] {
		t.Errorf("storm answered %d tokens (stale among them: %v), want one new token", len(seen), seen[stale.Value])
	}
	if refreshed == 0 {
		t.Error("no caller reports the refresh")
	}
	for tok := range seen {
		if ok, body := e.accepted(tok); !ok {
			t.Errorf("refreshed token rejected: %s", body)
		}
	}
	// A late report of the same stale token gets the current token without a call.
	c, err := b.Refresh(ctx, e.appID, stale.Value)
	if err != nil || c.Refreshed || !seen[c.Value] {
		t.Errorf("late report: %v refreshed=%v", err, c.Refreshed)
	}
	if n := e.calls(tokenPath) - before; n != 1 {
		t.Errorf("upstream token calls after a late report = %d, want 1", n)
	}
}

func TestForcedRefreshTooSoonIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.service()
	ctx := context.Background()
	tok, err := s.GetAccessToken(ctx, e.appID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Refresh(ctx, e.appID, tok.Value)
	var soon *RefreshTooSoonError
	if !errors.As(err, &soon) {
		t.Fatalf("Refresh right after a fetch: %v, want RefreshTooSoonError", err)
	}
	if code := connect.CodeOf(connectError(err)); code != connect.CodeResourceExhausted {
		t.Errorf("code = %v, want ResourceExhausted", code)
	}
	if !strings.Contains(e.logs.String(), "another system") {
		t.Error("the early invalidation is not logged")
	}
	if n := e.calls(tokenPath); n != 1 {
		t.Errorf("upstream token calls = %d, want 1", n)
	}
	e.sb.Sandbox.Advance(31 * time.Second)
	c, err := s.Refresh(ctx, e.appID, tok.Value)
	if err != nil || !c.Refreshed || c.Value == tok.Value {
		t.Fatalf("Refresh after the interval: %v refreshed=%v", err, c.Refreshed)
	}
}

func TestRedisUnavailableServesCachedTokenUntilExpiry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mr, rdb := redistest.Embedded(t)
	s := e.service(func(p *Params) { p.Redis = rdb })
	ctx := context.Background()
	tok, err := s.GetAccessToken(ctx, e.appID)
	if err != nil {
		t.Fatal(err)
	}
	mr.Close()
	// Past the refresh point: the process still serves its valid copy.
	e.sb.Sandbox.Advance(7200*time.Second - 30*time.Second)
	got, err := s.GetAccessToken(ctx, e.appID)
	if err != nil || got.Value != tok.Value {
		t.Fatalf("with Redis down before expiry: %v", err)
	}
	e.sb.Sandbox.Advance(time.Minute)
	_, err = s.GetAccessToken(ctx, e.appID)
	var su *StoreUnavailableError
	if !errors.As(err, &su) {
		t.Fatalf("after expiry with Redis down: %v, want StoreUnavailableError", err)
	}
	ce := connectError(err)
	if connect.CodeOf(ce) != connect.CodeUnavailable || !strings.Contains(ce.Error(), e.appID) {
		t.Errorf("error = %v, want Unavailable naming the account", ce)
	}
	if n := e.calls(tokenPath); n != 1 {
		t.Errorf("upstream token calls = %d, want 1 (never fetch without the shared store)", n)
	}
}

func TestSandboxFaultsAreRetriedThenReported(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		fault     sandbox.Fault
		wantCode  connect.Code
		wantCalls int
		maxCalls  int
	}{
		{"system busy", sandbox.Fault{Kind: sandbox.FaultErrcode, Errcode: -1}, connect.CodeUnavailable, 3, 3},
		{"bad gateway", sandbox.Fault{Kind: sandbox.FaultHTTPStatus, HTTPStatus: 502}, connect.CodeUnavailable, 3, 3},
		// Go's transport itself resends a GET once when a kept-alive connection breaks, so
		// each of our 3 attempts may reach the sandbox twice.
		{"dropped connection", sandbox.Fault{Kind: sandbox.FaultDropConnection}, connect.CodeUnavailable, 3, 6},
		{"timeout", sandbox.Fault{Kind: sandbox.FaultLatency, Latency: 3 * time.Second}, connect.CodeUnavailable, 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			s := e.service(func(p *Params) {
				p.WeChat.Timeout = config.Duration(200 * time.Millisecond)
				p.WeChat.MaxRetries = 2
			})
			f := tt.fault
			f.Paths = []string{tokenPath}
			if _, err := e.sb.Sandbox.AddFault(f); err != nil {
				t.Fatal(err)
			}
			_, err := s.GetAccessToken(context.Background(), e.appID)
			if err == nil {
				t.Fatal("GetAccessToken succeeded through a permanent fault")
			}
			ce := connectError(err)
			if got := connect.CodeOf(ce); got != tt.wantCode {
				t.Errorf("code = %v (%v), want %v", got, ce, tt.wantCode)
			}
			if !strings.Contains(ce.Error(), e.appID) {
				t.Errorf("error %q does not name the account", ce)
			}
			if strings.Contains(ce.Error(), e.secret) || strings.Contains(e.logs.String(), e.secret) {
				t.Error("the secret leaked into the error or the logs")
			}
			waitFor(t, "all attempts logged", func() bool { return e.calls(tokenPath) >= tt.wantCalls })
			if n := e.calls(tokenPath); n < tt.wantCalls || n > tt.maxCalls {
				t.Errorf("attempts = %d, want %d..%d (1 + MaxRetries)", n, tt.wantCalls, tt.maxCalls)
			}
			// After the fault clears, the next call succeeds.
			e.sb.Sandbox.ClearFaults()
			time.Sleep(2 * time.Millisecond) // past FailureBackoff (1ms)
			if _, err := s.GetAccessToken(context.Background(), e.appID); err != nil {
				t.Errorf("after clearing the fault: %v", err)
			}
		})
	}
}

func TestWrongSecretNamesAccountAndHidesSecret(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const wrong = "this-is-the-wrong-secret-0123456"
	s := e.service(func(p *Params) { p.Accounts[0].AppSecret = config.NewSecret(wrong) })
	_, err := s.GetAccessToken(context.Background(), e.appID)
	if err == nil {
		t.Fatal("wrong secret accepted")
	}
	ce := connectError(err)
	var cerr *connect.Error
	if !errors.As(ce, &cerr) {
		t.Fatalf("not a connect error: %v", ce)
	}
	if cerr.Code() != connect.CodeInvalidArgument {
		t.Errorf("code = %v, want InvalidArgument", cerr.Code())
	}
	msg := cerr.Error()
	if !strings.Contains(msg, e.appID) || !strings.Contains(msg, "40125") {
		t.Errorf("message %q should name the account and errcode", msg)
	}
	info, ok := wechat.ErrorInfoFrom(cerr)
	if !ok || info.GetMetadata()["errcode"] != "40125" {
		t.Errorf("ErrorInfo detail = %v, want errcode 40125", info)
	}
	for where, text := range map[string]string{"error": msg, "logs": e.logs.String()} {
		if strings.Contains(text, wrong) || strings.Contains(text, e.secret) {
			t.Errorf("a secret appears in the %s", where)
		}
	}
	// The failure is remembered: GetAccount reports it without the secret.
	st := s.accountStatus(context.Background(), s.accounts[e.appID])
	if st.GetAccessToken().GetLastErrcode() != 40125 || strings.Contains(st.String(), wrong) {
		t.Errorf("status = %v", st.GetAccessToken())
	}
}

func TestTicketsAreFetchedAndCached(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.service()
	ctx := context.Background()
	for _, k := range []TicketKind{TicketJSAPI, TicketWXCard} {
		first, err := s.Ticket(ctx, e.appID, k)
		if err != nil {
			t.Fatalf("Ticket(%d): %v", k, err)
		}
		again, err := s.Ticket(ctx, e.appID, k)
		if err != nil || again.Value != first.Value {
			t.Fatalf("Ticket(%d) again: %v", k, err)
		}
	}
	if n := e.calls("/cgi-bin/ticket/getticket"); n != 2 {
		t.Errorf("getticket calls = %d, want 2 (one per type)", n)
	}
	if n := e.calls(tokenPath); n != 1 {
		t.Errorf("token calls = %d, want 1", n)
	}
	if _, err := s.Ticket(ctx, e.appID, 0); !errors.Is(err, ErrTicketType) {
		t.Errorf("bad ticket type: %v", err)
	}
}

func TestTicketFetchRecoversFromRevokedToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.service()
	ctx := context.Background()
	if _, err := s.GetAccessToken(ctx, e.appID); err != nil {
		t.Fatal(err)
	}
	e.sb.Sandbox.Advance(time.Minute)
	if err := e.sb.Sandbox.RevokeTokens(e.appID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Ticket(ctx, e.appID, TicketJSAPI); err != nil {
		t.Fatalf("Ticket after the token was revoked: %v", err)
	}
	if n := e.calls(tokenPath); n != 2 {
		t.Errorf("token calls = %d, want 2 (one passive refresh)", n)
	}
}

func TestStableTokenEndpoint(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.service(func(p *Params) { p.Accounts[0].TokenEndpoint = config.TokenEndpointStable })
	ctx := context.Background()
	tok, err := s.GetAccessToken(ctx, e.appID)
	if err != nil {
		t.Fatal(err)
	}
	if n := e.calls("/cgi-bin/stable_token"); n != 1 {
		t.Fatalf("stable_token calls = %d, want 1", n)
	}
	if e.calls(tokenPath) != 0 {
		t.Error("classic token endpoint used for a stable_token account")
	}
	e.sb.Sandbox.Advance(time.Minute)
	c, err := s.Refresh(ctx, e.appID, tok.Value)
	if err != nil || !c.Refreshed || c.Value == tok.Value {
		t.Fatalf("forced stable refresh: %v refreshed=%v", err, c.Refreshed)
	}
	if ok, body := e.accepted(c.Value); !ok {
		t.Errorf("new stable token rejected: %s", body)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.service()
	ctx := context.Background()
	tests := []struct {
		name     string
		appID    string
		wantCode connect.Code
		wantText string
	}{
		{"empty app_id", "", connect.CodeInvalidArgument, "app_id is required"},
		{"unknown app_id", "wxnotconfigured", connect.CodeNotFound, "wxnotconfigured"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.GetAccessToken(ctx, tt.appID)
			ce := connectError(err)
			if connect.CodeOf(ce) != tt.wantCode || !strings.Contains(ce.Error(), tt.wantText) {
				t.Errorf("error = %v, want %v containing %q", ce, tt.wantCode, tt.wantText)
			}
		})
	}
	if e.calls(tokenPath) != 0 {
		t.Error("bad input reached WeChat")
	}
}

// waitFor polls cond for up to 10 s; it is for background work, not for timing.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestExplicitForcedRefreshTooSoonSaysSo(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.service()
	ctx := context.Background()
	if _, err := s.GetAccessToken(ctx, e.appID); err != nil {
		t.Fatal(err)
	}
	_, err := s.Refresh(ctx, e.appID, "")
	var soon *RefreshTooSoonError
	if !errors.As(err, &soon) || !soon.Explicit || strings.Contains(err.Error(), "another system") {
		t.Fatalf("explicit refresh right after a fetch: %v", err)
	}
	if strings.Contains(e.logs.String(), "another system") {
		t.Error("an explicit refresh was reported as an early invalidation")
	}
	e.sb.Sandbox.Advance(31 * time.Second)
	c, err := s.Refresh(ctx, e.appID, "")
	if err != nil || !c.Refreshed {
		t.Fatalf("explicit refresh after the interval: %v", err)
	}
}

func TestAdministratorBlockIsSharedAndKeepsTheErrcode(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.sb.Sandbox.AddFault(sandbox.Fault{Kind: sandbox.FaultErrcode, Errcode: 89507, Paths: []string{tokenPath}}); err != nil {
		t.Fatal(err)
	}
	a := e.service()
	_, err := a.GetAccessToken(ctx, e.appID)
	if code, ok := wechat.Code(connectError(err)); !ok || code != 89507 {
		t.Fatalf("first fetch: %v, want errcode 89507", err)
	}
	e.sb.Sandbox.ClearFaults()
	time.Sleep(2 * time.Millisecond) // past FailureBackoff (1ms): only the block remains
	calls := e.calls(tokenPath)

	// A replica that never saw the errcode learns the block from Redis.
	b := e.service()
	for _, s := range []*Service{a, b} {
		_, err := s.GetAccessToken(ctx, e.appID)
		var blocked *BlockedError
		if !errors.As(err, &blocked) {
			t.Fatalf("while blocked: %v, want BlockedError", err)
		}
		ce := connectError(err)
		if connect.CodeOf(ce) != connect.CodeFailedPrecondition {
			t.Errorf("code = %v, want FailedPrecondition", connect.CodeOf(ce))
		}
		if code, ok := wechat.Code(ce); !ok || code != 89507 {
			t.Errorf("blocked error carries errcode %d (%v), want 89507", code, ok)
		}
	}
	if n := e.calls(tokenPath); n != calls {
		t.Errorf("WeChat called %d more times while blocked", n-calls)
	}
	// After the hour the block lifts.
	e.sb.Sandbox.Advance(time.Hour + time.Second)
	if _, err := b.GetAccessToken(ctx, e.appID); err != nil {
		t.Errorf("after the block: %v", err)
	}
}
