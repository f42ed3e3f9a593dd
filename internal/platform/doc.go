// Package platform is the fx module every wxsuite process starts with: configuration
// sections, the logger, Redis, the Prometheus registry, caller authentication, the shared
// connect handler options and the one-port RPC server.
//
// The caller supplies the loaded *config.File:
//
//	fx.New(
//		fx.Supply(file),       // *config.File from config.Load
//		platform.FxLogger,     // fx's own events through the platform logger
//		platform.Module,
//		token.Module, ...      // services contribute rpcserver.Service via rpcserver.AsService
//	)                          // and their []auth.Policy via auth.AsPolicies
//
// Every RPC needs an API key from the `auth` section that holds the procedure's scope and
// may use the request's account; a procedure no service gave a policy is refused (and
// logged as a warning at start). A configuration without keys must say
// `auth: {disabled: true}` or the app fails to build.
//
// Redis comes from the `redis` section. To use an existing client instead (the embedded
// store of `wxsuite dev`, or a test's client), add platform.WithRedis(client); the
// `redis` section is then neither read nor required, and the caller keeps ownership of
// the client (the module does not close it).
package platform
