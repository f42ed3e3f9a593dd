// Package rpcserver is the one-port server every wxsuite process runs: connect-go handlers
// serving gRPC, gRPC-Web and Connect over HTTP/1.1 and HTTP/2 (h2c, or TLS with optional
// client certificates); gRPC health and server reflection; REST through grpc-gateway,
// which calls the same handlers over gRPC through an in-memory h2c listener (so REST works
// the same with or without TLS); /healthz, /readyz and /metrics; extra HTTP routes; and
// CORS for browser clients.
//
// Services reach it through the fx value groups "rpc.services" and "rpc.routes" (AsService,
// AsRoute), and build their connect handlers with the shared HandlerOptions
// (NewHandlerOptions), whose interceptors recover panics, map errors to codes
// (ToConnectError), authenticate callers (WithAuth), record metrics and log failed calls.
// Health, reflection and the plain routes are not connect handlers built with those
// options, so they stay open without an API key.
package rpcserver
