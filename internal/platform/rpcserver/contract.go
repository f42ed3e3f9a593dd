package rpcserver

// This file holds the types services build against; the server itself lives beside it.

import (
	"context"
	"net/http"

	"connectrpc.com/connect"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
)

// Service is what a domain module contributes to the one-port server, through the fx
// value group "rpc.services" (see AsService).
type Service struct {
	// Name is the fully-qualified proto service name, e.g. "wxsuite.token.v1.TokenService";
	// it is registered with gRPC health and server reflection.
	Name string
	// Path and Handler are what the generated New<Service>Handler returned.
	Path    string
	Handler http.Handler
	// RegisterGateway registers the grpc-gateway REST routes, typically the generated
	// Register<Service>Handler; conn is a gRPC client connection to this same server.
	RegisterGateway func(ctx context.Context, mux *runtime.ServeMux, conn *grpc.ClientConn) error
}

// Route is a plain HTTP route mounted on the same port (e.g. the WeChat callback endpoint),
// contributed through the fx value group "rpc.routes" (see AsRoute).
type Route struct {
	// Pattern is an http.ServeMux pattern, e.g. "/wechat/callback/{app_id}".
	Pattern string
	// Handler serves the route.
	Handler http.Handler
}

// HandlerOptions are the connect handler options (interceptors in their documented order,
// read limits, codecs) every service passes to its generated New<Service>Handler.
type HandlerOptions struct {
	// Options to pass, in order.
	Options []connect.HandlerOption
}
