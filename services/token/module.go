package token

import (
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.uber.org/fx"

	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1/tokenv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Module is the token service: it provides *Service, the in-process wechat.TokenSource,
// and registers TokenService on the server.
var Module = fx.Module("token",
	fx.Provide(
		fx.Private,
		loadConfig,
	),
	fx.Provide(
		newService,
		func(s *Service) wechat.TokenSource { return s },
		rpcserver.AsService(newRPCService),
	),
)

// sections are the configuration sections the module reads.
type sections struct {
	fx.Out
	Token  Config
	WeChat wechat.Config
}

func loadConfig(f *config.File) (sections, error) {
	var out sections
	if err := f.Section("token", &out.Token); err != nil {
		return out, err
	}
	if err := f.Section("wechat", &out.WeChat); err != nil {
		return out, err
	}
	return out, nil
}

// Clock is an optional service clock (fx.Supply one in tests to move time with the sandbox).
type Clock func() time.Time

type serviceParams struct {
	fx.In
	Lifecycle fx.Lifecycle
	Config    Config
	WeChat    wechat.Config
	Accounts  config.Accounts
	Redis     redis.UniversalClient
	Logger    *slog.Logger
	Registry  *prometheus.Registry
	Clock     Clock `optional:"true"`
}

func newService(p serviceParams) (*Service, error) {
	s, err := New(Params{
		Config: p.Config, WeChat: p.WeChat, Accounts: p.Accounts, Redis: p.Redis,
		Logger: p.Logger.With("service", "token"), Registerer: p.Registry, Now: p.Clock,
	})
	if err != nil {
		return nil, err
	}
	p.Lifecycle.Append(fx.Hook{OnStart: s.Start, OnStop: s.Stop})
	return s, nil
}

func newRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := tokenv1connect.NewTokenServiceHandler(NewHandler(s), opts.Options...)
	return rpcserver.Service{
		Name: tokenv1connect.TokenServiceName, Path: path, Handler: h,
		RegisterGateway: tokenv1.RegisterTokenServiceHandler,
	}
}
