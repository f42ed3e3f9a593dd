package token

import (
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.uber.org/fx"

	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1/tokenv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Module is the token service: it provides *Service, the in-process wechat.TokenSource,
// registers TokenService, OAuthService, JSSDKService and PlatformService on the server,
// and contributes the auth policies of all their procedures.
var Module = fx.Module("token",
	fx.Provide(
		fx.Private,
		loadConfig,
	),
	fx.Provide(
		newService,
		func(s *Service) wechat.TokenSource { return s },
		rpcserver.AsService(newRPCService),
		rpcserver.AsService(newOAuthRPCService),
		rpcserver.AsService(newJSSDKRPCService),
		rpcserver.AsService(newPlatformRPCService),
		auth.AsPolicies(policies),
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

func newOAuthRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := tokenv1connect.NewOAuthServiceHandler(NewOAuthHandler(s), opts.Options...)
	return rpcserver.Service{
		Name: tokenv1connect.OAuthServiceName, Path: path, Handler: h,
		RegisterGateway: tokenv1.RegisterOAuthServiceHandler,
	}
}

func newJSSDKRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := tokenv1connect.NewJSSDKServiceHandler(NewJSSDKHandler(s), opts.Options...)
	return rpcserver.Service{
		Name: tokenv1connect.JSSDKServiceName, Path: path, Handler: h,
		RegisterGateway: tokenv1.RegisterJSSDKServiceHandler,
	}
}

func newPlatformRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := tokenv1connect.NewPlatformServiceHandler(NewPlatformHandler(s), opts.Options...)
	return rpcserver.Service{
		Name: tokenv1connect.PlatformServiceName, Path: path, Handler: h,
		RegisterGateway: tokenv1.RegisterPlatformServiceHandler,
	}
}

// policies are the auth policies of every procedure the module serves. Every procedure
// that can return a raw token or ticket is audited.
func policies() []auth.Policy {
	return []auth.Policy{
		{Procedure: tokenv1connect.TokenServiceListAccountsProcedure, Scope: auth.ScopeAccountsRead},
		{Procedure: tokenv1connect.TokenServiceGetAccountProcedure, Scope: auth.ScopeAccountsRead},
		{Procedure: tokenv1connect.TokenServiceGetAccessTokenProcedure, Scope: auth.ScopeTokenRead, Audit: true},
		{Procedure: tokenv1connect.TokenServiceRefreshAccessTokenProcedure, Scope: auth.ScopeTokenRead, Audit: true},
		{Procedure: tokenv1connect.TokenServiceGetTicketProcedure, Scope: auth.ScopeTokenRead, Audit: true},

		{Procedure: tokenv1connect.OAuthServiceBuildAuthorizeURLProcedure, Scope: auth.ScopeOAuth},
		// These two return the user's raw tokens to callers holding oauth.tokens.
		{Procedure: tokenv1connect.OAuthServiceExchangeCodeProcedure, Scope: auth.ScopeOAuth, Audit: true},
		{Procedure: tokenv1connect.OAuthServiceRefreshUserTokenProcedure, Scope: auth.ScopeOAuth, Audit: true},
		{Procedure: tokenv1connect.OAuthServiceGetUserInfoProcedure, Scope: auth.ScopeOAuth},
		{Procedure: tokenv1connect.OAuthServiceCheckUserTokenProcedure, Scope: auth.ScopeOAuth},

		{Procedure: tokenv1connect.JSSDKServiceSignJSSDKConfigProcedure, Scope: auth.ScopeJSSDK},
		{Procedure: tokenv1connect.JSSDKServiceSignCardExtProcedure, Scope: auth.ScopeJSSDK},
		{Procedure: tokenv1connect.JSSDKServiceSignChooseCardProcedure, Scope: auth.ScopeJSSDK},

		{Procedure: tokenv1connect.PlatformServiceGetCallbackIPsProcedure, Scope: auth.ScopePlatform},
		{Procedure: tokenv1connect.PlatformServiceGetAPIDomainIPsProcedure, Scope: auth.ScopePlatform},
		{Procedure: tokenv1connect.PlatformServiceCheckNetworkProcedure, Scope: auth.ScopePlatform},
		{Procedure: tokenv1connect.PlatformServiceClearQuotaProcedure, Scope: auth.ScopeAdmin},
	}
}
