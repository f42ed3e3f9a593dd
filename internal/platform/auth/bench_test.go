package auth

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"

	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1/tokenv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/config"
)

// BenchmarkInterceptor measures what the unary interceptor does per call before running the
// handler: key from header, SHA-256 and lookup, policy, scope, account, caller in context.
// (A connect.AnyRequest cannot be built outside connect; rpcserver's BenchmarkAuth measures
// the whole call with and without the interceptor.)
func BenchmarkInterceptor(b *testing.B) {
	const key = "wxsk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	keys := []KeyConfig{{ID: "b1", Key: config.NewSecret(key), AppIDs: []string{"wx1", "wx2", "wx3"}, Scopes: []string{ScopeTokenRead}}}
	for i := range 100 { // a realistic number of other keys
		k, _, _ := GenerateKey()
		keys = append(keys, KeyConfig{ID: "k" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Key: config.NewSecret(k), AppIDs: []string{"*"}, Scopes: []string{ScopeAdmin}})
	}
	a, err := New(Params{
		Config:   Config{Keys: keys},
		Policies: []Policy{{Procedure: tokenv1connect.TokenServiceGetAccessTokenProcedure, Scope: ScopeTokenRead}},
	})
	if err != nil {
		b.Fatal(err)
	}
	procedure := tokenv1connect.TokenServiceGetAccessTokenProcedure
	req := &tokenv1.GetAccessTokenRequest{AppId: "wx2"}
	for _, tt := range []struct {
		name   string
		header http.Header
	}{
		{"bearer", http.Header{"Authorization": {"Bearer " + key}}},
		{"x-api-key", http.Header{"X-Api-Key": {key}}},
	} {
		b.Run(tt.name, func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				k, err := a.authenticate(tt.header)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := a.authorize(ctx, k, procedure); err != nil {
					b.Fatal(err)
				}
				if err := a.checkAccount(ctx, k, procedure, appIDOf(req)); err != nil {
					b.Fatal(err)
				}
				if c, _ := FromContext(WithCaller(ctx, k.caller)); c == nil {
					b.Fatal("no caller")
				}
			}
		})
	}
}

// BenchmarkAudit measures one audit line written as JSON (to io.Discard; a process adds
// the write to stderr).
func BenchmarkAudit(b *testing.B) {
	a, err := New(Params{Config: Config{Disabled: true}, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		a.audit(ctx, a.anonymous, tokenv1connect.TokenServiceGetAccessTokenProcedure, "wx1", nil)
	}
}
