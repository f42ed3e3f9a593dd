package rpcserver_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"google.golang.org/protobuf/proto"

	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1/tokenv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
)

// BenchmarkAuth measures one Connect GetAccessToken call through the handler, in memory
// (no network, so the interceptor's share is as large as it gets), without the auth
// interceptor, with it and a key (audit line discarded, then written as JSON), and with
// auth disabled.
func BenchmarkAuth(b *testing.B) {
	const key = "wxsk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	a, err := auth.New(auth.Params{
		Config: auth.Config{Keys: []auth.KeyConfig{
			{ID: "backend-1", Key: config.NewSecret(key), AppIDs: []string{"wx1"}, Scopes: []string{auth.ScopeTokenRead}},
		}},
		Policies: testPolicies, // GetAccessToken is audited
		Logger:   slog.New(slog.DiscardHandler),
	})
	if err != nil {
		b.Fatal(err)
	}
	// The same, writing its audit lines as JSON (to io.Discard), as a process does to stderr.
	logged, err := auth.New(auth.Params{
		Config:   auth.Config{Keys: []auth.KeyConfig{{ID: "backend-1", Key: config.NewSecret(key), AppIDs: []string{"wx1"}, Scopes: []string{auth.ScopeTokenRead}}}},
		Policies: testPolicies,
		Logger:   slog.New(slog.NewJSONHandler(io.Discard, nil)),
	})
	if err != nil {
		b.Fatal(err)
	}
	disabled, err := auth.New(auth.Params{Config: auth.Config{Disabled: true}})
	if err != nil {
		b.Fatal(err)
	}
	body, err := proto.Marshal(&tokenv1.GetAccessTokenRequest{AppId: "wx1"})
	if err != nil {
		b.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		opts []rpcserver.HandlerOption
	}{
		{"none", nil},
		{"key", []rpcserver.HandlerOption{rpcserver.WithAuth(a.Interceptor())}},
		{"key, audit line as JSON", []rpcserver.HandlerOption{rpcserver.WithAuth(logged.Interceptor())}},
		{"disabled", []rpcserver.HandlerOption{rpcserver.WithAuth(disabled.Interceptor())}},
	} {
		b.Run(tt.name, func(b *testing.B) {
			opts := rpcserver.NewHandlerOptions(nil, nil, tt.opts...)
			_, h := tokenv1connect.NewTokenServiceHandler(&fakeTokens{}, opts.Options...)
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, tokenv1connect.TokenServiceGetAccessTokenProcedure, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/proto")
				req.Header.Set("Authorization", "Bearer "+key)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}
