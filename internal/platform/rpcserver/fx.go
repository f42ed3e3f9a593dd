package rpcserver

import "go.uber.org/fx"

// Value group names the server collects its services and routes from.
const (
	GroupServices = "rpc.services"
	GroupRoutes   = "rpc.routes"
)

// AsService annotates constructor f, which returns a Service, so that fx puts its result in
// the "rpc.services" value group: fx.Provide(rpcserver.AsService(NewTokenService)).
func AsService(f any) any {
	return fx.Annotate(f, fx.ResultTags(`group:"`+GroupServices+`"`))
}

// AsRoute annotates constructor f, which returns a Route, so that fx puts its result in the
// "rpc.routes" value group.
func AsRoute(f any) any {
	return fx.Annotate(f, fx.ResultTags(`group:"`+GroupRoutes+`"`))
}
