package auth_test

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1/tokenv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
)

func TestKeyFromHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give http.Header
		want string
	}{
		{"bearer", http.Header{"Authorization": {"Bearer " + testKey}}, testKey},
		{"bearer any case, spaces", http.Header{"Authorization": {"  bearer   " + testKey + " "}}, testKey},
		{"x-api-key", http.Header{"X-Api-Key": {testKey}}, testKey},
		{"both, same key", http.Header{"Authorization": {"Bearer " + testKey}, "X-Api-Key": {testKey}}, testKey},
		{"basic authorization beside x-api-key", http.Header{"Authorization": {"Basic dXNlcjpwdw=="}, "X-Api-Key": {testKey}}, testKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := auth.KeyFromHeader(tt.give)
			if err != nil || got != tt.want {
				t.Errorf("KeyFromHeader = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestKeyFromHeaderRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give http.Header
		want string
	}{
		{"none", http.Header{}, "missing API key: send Authorization: Bearer <key> or X-Api-Key"},
		{"basic", http.Header{"Authorization": {"Basic dXNlcjpwdw=="}}, "malformed Authorization header: want Bearer <key>"},
		{"bare key in authorization", http.Header{"Authorization": {testKey}}, "malformed Authorization header: want Bearer <key>"},
		{"empty bearer", http.Header{"Authorization": {"Bearer "}}, "malformed Authorization header: empty Bearer key"},
		{"empty x-api-key", http.Header{"X-Api-Key": {" "}}, "malformed X-Api-Key header: empty"},
		{"two authorization", http.Header{"Authorization": {"Bearer a", "Bearer b"}}, "more than one Authorization header"},
		{"two x-api-key", http.Header{"X-Api-Key": {"a", "a"}}, "more than one X-Api-Key header"},
		{"different keys", http.Header{"Authorization": {"Bearer " + testKey}, "X-Api-Key": {testKey + "x"}}, "Authorization and X-Api-Key carry different keys: send one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := auth.KeyFromHeader(tt.give)
			var ce *connect.Error
			if !errors.As(err, &ce) || ce.Code() != connect.CodeUnauthenticated || ce.Message() != tt.want {
				t.Fatalf("error = %v, want unauthenticated %q", err, tt.want)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("error shows the key: %v", err)
			}
		})
	}
}

func TestNewRefusesPolicies(t *testing.T) {
	t.Parallel()
	cfg := auth.Config{Keys: []auth.KeyConfig{{ID: "a", Key: config.NewSecret(testKey), AppIDs: []string{"*"}, Scopes: []string{auth.ScopeAdmin}}}}
	proc := tokenv1connect.TokenServiceGetAccessTokenProcedure
	tests := []struct {
		name string
		give []auth.Policy
		want string
	}{
		{"unknown scope", []auth.Policy{{Procedure: proc, Scope: "tokn.read"}}, `auth: policy for ` + proc + `: unknown scope "tokn.read"`},
		{"no scope", []auth.Policy{{Procedure: proc}}, `unknown scope ""`},
		{"twice", []auth.Policy{{Procedure: proc, Scope: auth.ScopeTokenRead}, {Procedure: proc, Scope: auth.ScopeAdmin}}, "auth: policy for " + proc + " given twice"},
		{"bad procedure", []auth.Policy{{Procedure: "GetAccessToken", Scope: auth.ScopeTokenRead}}, `auth: policy procedure "GetAccessToken": want "/package.Service/Method"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := auth.New(auth.Params{Config: cfg, Policies: tt.give})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := auth.New(auth.Params{}); err == nil || !strings.Contains(err.Error(), "auth: config: keys: no API keys configured") {
		t.Errorf("New without keys: %v", err)
	}
}

func TestDisabled(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	a, err := auth.New(auth.Params{
		Config: auth.Config{Disabled: true},
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Disabled() || !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "AUTHENTICATION IS DISABLED") {
		t.Errorf("Disabled() = %v, logs %s", a.Disabled(), logs.String())
	}
	c, err := a.Authenticate(http.Header{})
	if err != nil || c.KeyID != auth.AnonymousKeyID || !c.HasScope(auth.ScopeTokenRead) || !c.MayUse("wx1") {
		t.Errorf("Authenticate while disabled = %+v, %v", c, err)
	}
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	a, err := auth.New(auth.Params{Config: auth.Config{Keys: []auth.KeyConfig{
		{ID: "b1", Hash: auth.KeyHash(testKey), AppIDs: []string{"wx1"}, Scopes: []string{auth.ScopeTokenRead}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := a.Authenticate(http.Header{"X-Api-Key": {testKey}})
	if err != nil || c.KeyID != "b1" || !c.MayUse("wx1") || c.MayUse("wx2") || !c.HasScope(auth.ScopeTokenRead) || c.HasScope(auth.ScopeOAuth) {
		t.Errorf("Authenticate = %+v, %v", c, err)
	}
	if _, err := a.Authenticate(http.Header{"X-Api-Key": {testKey + "x"}}); connect.CodeOf(err) != connect.CodeUnauthenticated || strings.Contains(err.Error(), testKey) {
		t.Errorf("unknown key: %v", err)
	}
}

func TestUncovered(t *testing.T) {
	t.Parallel()
	a, err := auth.New(auth.Params{
		Config: auth.Config{Disabled: true},
		Policies: []auth.Policy{
			{Procedure: tokenv1connect.TokenServiceGetAccessTokenProcedure, Scope: auth.ScopeTokenRead},
			{Procedure: tokenv1connect.TokenServiceListAccountsProcedure, Scope: auth.ScopeAccountsRead},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := a.Uncovered(tokenv1connect.TokenServiceName, "no.such.v1.Service")
	want := []string{
		tokenv1connect.TokenServiceGetAccountProcedure,
		tokenv1connect.TokenServiceGetTicketProcedure,
		tokenv1connect.TokenServiceRefreshAccessTokenProcedure,
	}
	if !slices.Equal(got, want) {
		t.Errorf("Uncovered = %v, want %v", got, want)
	}
}

func TestDeniedMetric(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	for range 2 { // a second Authenticator on the same registry shares the counter
		if _, err := auth.New(auth.Params{Config: auth.Config{Disabled: true}, Registerer: reg}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := testutil.GatherAndCount(reg, "wxsuite_auth_denied_total"); err != nil || n != 0 {
		t.Errorf("count = %d, %v", n, err)
	}
}
