package platform

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"

	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/logging"
	"github.com/wxsuite/wxsuite/internal/platform/metrics"
	"github.com/wxsuite/wxsuite/internal/platform/redisx"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
)

// Module provides, from the caller's *config.File: config.Accounts (the `accounts`
// section), *slog.Logger (to stderr, per the `log` section), redis.UniversalClient (the
// `redis` section, closed on stop; see WithRedis), *prometheus.Registry,
// *auth.Authenticator (the `auth` section, with every auth.Policy in the "auth.policies"
// value group), rpcserver.HandlerOptions (whose interceptors include the authenticator's)
// *wechat.Client for the domain services (NewWeChatClient; it needs a wechat.TokenSource)
// and the started *rpcserver.Server (the `server` section), which serves every
// rpcserver.Service and rpcserver.Route in the "rpc.services" and "rpc.routes" value
// groups and is ready while Redis answers PING within 1s.
//
// The app fails to build when the `auth` section has no keys and does not say
// `disabled: true`.
var Module = fx.Module("platform",
	fx.Provide(
		fx.Private,
		sectionProvider[rpcserver.Config](config.SectionServer),
		sectionProvider[logging.Config](config.SectionLog),
		sectionProvider[redisx.Config](config.SectionRedis),
		sectionProvider[auth.Config](config.SectionAuth),
	),
	fx.Provide(
		sectionProvider[config.Accounts](config.SectionAccounts),
		NewLogger,
		metrics.New,
		NewRedis,
		NewAuthenticator,
		NewHandlerOptions,
		NewServer,
		NewWeChatClient,
	),
	// The server has no consumer inside the graph; this makes fx build it (and thereby
	// register its lifecycle hooks).
	fx.Invoke(func(*rpcserver.Server) {}),
)

// FxLogger routes fx's own events through the platform logger at debug level (errors stay
// errors). Use it in cmd next to Module.
var FxLogger = fx.WithLogger(func(log *slog.Logger) fxevent.Logger {
	l := &fxevent.SlogLogger{Logger: log}
	l.UseLogLevel(slog.LevelDebug)
	return l
})

// WithRedis makes the module use client instead of building one from the `redis`
// section. The caller owns client and closes it.
func WithRedis(client redis.UniversalClient) fx.Option {
	return fx.Replace(fx.Annotate(client, fx.As(new(redis.UniversalClient))))
}

// sectionProvider returns a constructor decoding section key into T (see config.File.Section).
func sectionProvider[T any](key string) func(*config.File) (T, error) {
	return func(f *config.File) (T, error) {
		var v T
		err := f.Section(key, &v)
		return v, err
	}
}

// NewLogger builds the process logger writing to stderr.
func NewLogger(cfg logging.Config) (*slog.Logger, error) {
	return logging.New(cfg, os.Stderr)
}

// RedisParams are NewRedis's inputs.
type RedisParams struct {
	fx.In

	Config    redisx.Config
	Registry  *prometheus.Registry
	Lifecycle fx.Lifecycle
}

// NewRedis builds the Redis client with its metrics hook and closes it when the app stops.
func NewRedis(p RedisParams) (redis.UniversalClient, error) {
	client, err := redisx.New(p.Config)
	if err != nil {
		return nil, fmt.Errorf("redis: %w", err)
	}
	hook, err := redisx.NewMetricsHook(p.Registry)
	if err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("redis metrics: %w", err)
	}
	client.AddHook(hook)
	p.Lifecycle.Append(fx.StopHook(client.Close))
	return client, nil
}

// AuthenticatorParams are NewAuthenticator's inputs.
type AuthenticatorParams struct {
	fx.In

	Config   auth.Config
	Policies []auth.Policy `group:"auth.policies"`
	Logger   *slog.Logger
	Registry *prometheus.Registry
}

// NewAuthenticator builds the caller authenticator from the `auth` section and the
// policies services contribute (auth.AsPolicies).
func NewAuthenticator(p AuthenticatorParams) (*auth.Authenticator, error) {
	return auth.New(auth.Params{
		Config:     p.Config,
		Policies:   p.Policies,
		Logger:     p.Logger.With("component", "auth"),
		Registerer: p.Registry,
	})
}

// HandlerOptionsParams are NewHandlerOptions's inputs.
type HandlerOptionsParams struct {
	fx.In

	Config        rpcserver.Config
	Logger        *slog.Logger
	Registry      *prometheus.Registry
	Authenticator *auth.Authenticator
}

// NewHandlerOptions builds the connect handler options services pass to their handlers,
// with the authenticator's interceptor in its slot (see rpcserver.NewHandlerOptions).
func NewHandlerOptions(p HandlerOptionsParams) rpcserver.HandlerOptions {
	cfg := p.Config
	cfg.SetDefaults()
	return rpcserver.NewHandlerOptions(p.Logger, p.Registry,
		rpcserver.WithMaxMessageBytes(cfg.MaxMessageBytes),
		rpcserver.WithAuth(p.Authenticator.Interceptor()))
}

// ServerParams are NewServer's inputs.
type ServerParams struct {
	fx.In

	Config        rpcserver.Config
	Logger        *slog.Logger
	Registry      *prometheus.Registry
	Redis         redis.UniversalClient
	Authenticator *auth.Authenticator
	Services      []rpcserver.Service `group:"rpc.services"`
	Routes        []rpcserver.Route   `group:"rpc.routes"`
	Lifecycle     fx.Lifecycle
}

// readinessTimeout bounds the Redis PING of one readiness check.
const readinessTimeout = time.Second

// NewServer builds the RPC server, ready while Redis answers PING, started and stopped
// with the app. It warns about every procedure of the services that has no access policy
// (calls to it are refused).
func NewServer(p ServerParams) (*rpcserver.Server, error) {
	srv, err := rpcserver.New(rpcserver.Params{
		Config:   p.Config,
		Logger:   p.Logger,
		Registry: p.Registry,
		Services: p.Services,
		Routes:   p.Routes,
		Ready: func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(ctx, readinessTimeout)
			defer cancel()
			if err := p.Redis.Ping(ctx).Err(); err != nil {
				return fmt.Errorf("redis: %w", err)
			}
			return nil
		},
	})
	if err != nil {
		return nil, err
	}
	if !p.Authenticator.Disabled() {
		names := make([]string, 0, len(p.Services))
		for _, svc := range p.Services {
			names = append(names, svc.Name)
		}
		for _, proc := range p.Authenticator.Uncovered(names...) {
			p.Logger.Warn("procedure has no access policy: every call to it is refused", "procedure", proc)
		}
	}
	p.Lifecycle.Append(fx.Hook{OnStart: srv.Start, OnStop: srv.Stop})
	return srv, nil
}
