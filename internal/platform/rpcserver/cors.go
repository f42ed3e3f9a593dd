package rpcserver

import (
	"net/http"
	"strings"

	connectcors "connectrpc.com/cors"
	"github.com/rs/cors"
)

// withCORS wraps h with CORS for cfg.AllowedOrigins: the methods and headers the Connect,
// gRPC-Web and REST protocols need, plus Authorization and X-Api-Key. With no origins h is
// returned as is and no CORS headers are ever sent.
func withCORS(cfg CORSConfig, h http.Handler) http.Handler {
	if len(cfg.AllowedOrigins) == 0 {
		return h
	}
	c := cors.New(cors.Options{
		AllowedOrigins: cfg.AllowedOrigins,
		// Connect needs GET and POST; the REST routes also use PUT, PATCH and DELETE.
		AllowedMethods: append(connectcors.AllowedMethods(), http.MethodPut, http.MethodPatch, http.MethodDelete),
		AllowedHeaders: append(connectcors.AllowedHeaders(), "Authorization", "X-Api-Key", "X-Request-Id"),
		ExposedHeaders: connectcors.ExposedHeaders(),
		MaxAge:         int(cfg.MaxAge.Std().Seconds()),
	})
	withCORS := c.Handler(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Native gRPC never comes from a browser (browsers speak gRPC-Web or Connect), so
		// it skips the CORS work, which shows in the profile of every gRPC call.
		if ct := r.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/grpc") &&
			!strings.HasPrefix(ct, "application/grpc-web") {
			h.ServeHTTP(w, r)
			return
		}
		withCORS.ServeHTTP(w, r)
	})
}
