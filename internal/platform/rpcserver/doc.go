// Package rpcserver is the one-port server every wxsuite process runs: connect-go handlers
// serving gRPC, gRPC-Web and Connect over HTTP/1.1 and h2c; gRPC health and server
// reflection; REST through grpc-gateway dialing this same port over gRPC; /healthz,
// /readyz and /metrics; extra HTTP routes; and CORS for browser clients.
//
// Services reach it through the fx value groups "rpc.services" and "rpc.routes" (AsService,
// AsRoute), and build their connect handlers with the shared HandlerOptions
// (NewHandlerOptions), whose interceptors recover panics, map errors to codes
// (ToConnectError), record metrics and log failed calls.
package rpcserver
