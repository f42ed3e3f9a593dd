package rpcserver

import (
	"net/http"

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
	return c.Handler(h)
}
