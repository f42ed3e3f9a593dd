package proxy

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.uber.org/fx"

	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Module is the transparent WeChat API proxy: plain HTTP routes on the server's port
// (proxy.path_prefix, and one per proxy.hosts entry) that answer token requests from the
// process's wechat.TokenSource and forward every other platform call to the `wechat`
// base URL. It has no RPCs, so it adds no auth policies: callers are checked for the
// proxy scope on every call.
var Module = fx.Module("proxy",
	fx.Provide(
		fx.Private,
		loadConfig,
	),
	fx.Provide(
		newProxy,
		fx.Annotate(
			func(p *Proxy) []rpcserver.Route { return p.Routes() },
			fx.ResultTags(`group:"`+rpcserver.GroupRoutes+`,flatten"`),
		),
	),
)

// sections are the configuration sections the module reads.
type sections struct {
	fx.Out
	Proxy  Config
	WeChat wechat.Config
}

func loadConfig(f *config.File) (sections, error) {
	var out sections
	if err := f.Section(config.SectionProxy, &out.Proxy); err != nil {
		return out, err
	}
	if err := f.Section(config.SectionWeChat, &out.WeChat); err != nil {
		return out, err
	}
	return out, nil
}

type proxyParams struct {
	fx.In
	Config   Config
	WeChat   wechat.Config
	Accounts config.Accounts
	Tokens   wechat.TokenSource
	Auth     *auth.Authenticator
	Redis    redis.UniversalClient
	Logger   *slog.Logger
	Registry *prometheus.Registry
}

func newProxy(p proxyParams) (*Proxy, error) {
	return New(Params{
		Config: p.Config, WeChat: p.WeChat, Accounts: p.Accounts, Tokens: p.Tokens, Auth: p.Auth,
		Redis: p.Redis, Logger: p.Logger.With("service", "proxy"), Registerer: p.Registry,
	})
}
