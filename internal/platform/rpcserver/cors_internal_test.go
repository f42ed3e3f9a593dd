package rpcserver

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestCORSSkipsNativeGRPC(t *testing.T) {
	t.Parallel()
	h := withCORS(CORSConfig{AllowedOrigins: []string{"*"}}, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	tests := []struct {
		contentType string
		wantCORS    bool
	}{
		{"application/grpc", false},
		{"application/grpc+proto", false},
		{"application/grpc-web+proto", true},
		{"application/grpc-web-text", true},
		{"application/json", true},
		{"application/connect+proto", true},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodPost, "/wxsuite.token.v1.TokenService/GetAccessToken", nil)
		r.Header.Set("Origin", "https://console.example.com")
		r.Header.Set("Content-Type", tt.contentType)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if got := w.Header().Get("Access-Control-Allow-Origin") != ""; got != tt.wantCORS {
			t.Errorf("%s: CORS headers %v, want %v", tt.contentType, got, tt.wantCORS)
		}
	}
}
