// Package auth authenticates the callers of wxsuite's RPCs with API keys and authorizes
// each call against the procedure's access Policy.
//
// Keys come from the `auth` section (Config): each has an id, its SHA-256 (or the key
// itself, hashed at load), the accounts it may use and its scopes. A request carries its
// key as "Authorization: Bearer <key>" or "X-Api-Key: <key>" (KeyFromHeader); the
// Authenticator looks the key up by its SHA-256 (keys from GenerateKey carry 256 random
// bits, so no slow hash is needed), finds the procedure's Policy (services contribute them
// through the "auth.policies" fx value group, see AsPolicies), checks the scope and, when
// the request names an account (GetAppId), that the key may use it. A procedure without a
// Policy is refused: access fails closed.
//
// Authenticator.Interceptor is the connect interceptor rpcserver.NewHandlerOptions installs
// (rpcserver.WithAuth); since the grpc-gateway calls the same handlers, gRPC, gRPC-Web,
// Connect and REST are checked identically. Health, reflection, /healthz, /readyz and
// /metrics are not behind it.
//
// With no keys configured the Authenticator refuses to be built unless `disabled: true` is
// set; then every call is allowed, as AnonymousKeyID with every scope and account, and a
// warning is logged at start.
package auth
