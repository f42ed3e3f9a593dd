package sandbox_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

func ticket(t *testing.T, env *sandboxtest.Env, token, typ string) reply {
	t.Helper()
	return get(t, env, "/cgi-bin/ticket/getticket", url.Values{"access_token": {token}, "type": {typ}})
}

func TestTicketReuse(t *testing.T) {
	t.Parallel()
	for _, typ := range []string{"jsapi", "wx_card"} {
		t.Run(typ, func(t *testing.T) {
			t.Parallel()
			env := startFrozen(t, sandbox.Options{})
			tok := fetchToken(t, env)
			first := ticket(t, env, tok, typ)
			wantCode(t, first, 0)
			if first.Errmsg != "ok" || first.ExpiresIn != 7200 || len(first.Ticket) < 80 {
				t.Fatalf("first ticket: %s", first.Raw)
			}
			env.Sandbox.Advance(7200*time.Second - 301*time.Second)
			if r := ticket(t, env, tok, typ); r.Ticket != first.Ticket || r.ExpiresIn != 301 {
				t.Fatalf("with 301 s left: %s, want the same ticket", r.Raw)
			}
			env.Sandbox.Advance(time.Second)
			if r := ticket(t, env, tok, typ); r.Ticket == first.Ticket || r.ExpiresIn != 7200 {
				t.Fatalf("with 300 s left: %s, want a new ticket", r.Raw)
			}
		})
	}
}

func TestTicketTypesAreSeparate(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	tok := fetchToken(t, env)
	if ticket(t, env, tok, "jsapi").Ticket == ticket(t, env, tok, "wx_card").Ticket {
		t.Fatal("jsapi and wx_card share a ticket")
	}
}

func TestTicketNewEachCall(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{TicketRotation: sandbox.TicketNewEachCall})
	tok := fetchToken(t, env)
	if ticket(t, env, tok, "jsapi").Ticket == ticket(t, env, tok, "jsapi").Ticket {
		t.Fatal("TicketNewEachCall returned the same ticket twice")
	}
}

func TestTicketRevoked(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	first := ticket(t, env, fetchToken(t, env), "jsapi").Ticket
	if err := env.Sandbox.RevokeTokens(sandboxtest.DemoAppID); err != nil {
		t.Fatal(err)
	}
	if ticket(t, env, fetchToken(t, env), "jsapi").Ticket == first {
		t.Fatal("a revoked ticket was returned again")
	}
}

func TestTicketErrors(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	tok := fetchToken(t, env)
	tests := []struct {
		name string
		give url.Values
		want int
	}{
		{"bad type", url.Values{"access_token": {tok}, "type": {"card"}}, 40097},
		{"no type", url.Values{"access_token": {tok}}, 40097},
		{"no token", url.Values{"type": {"jsapi"}}, 41001},
		{"bad token", url.Values{"access_token": {"x"}, "type": {"jsapi"}}, 40001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantCode(t, get(t, env, "/cgi-bin/ticket/getticket", tt.give), tt.want)
		})
	}
}
