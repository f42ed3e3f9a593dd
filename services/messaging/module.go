package messaging

import (
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.uber.org/fx"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1/messagingv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Module is the messaging service: the WeChat callback endpoint (a plain HTTP route, not
// behind API keys: its security is WeChat's signature) and EventService, with the auth
// policies of every procedure.
var Module = fx.Module("messaging",
	fx.Provide(
		fx.Private,
		loadConfig,
	),
	fx.Provide(
		newService,
		rpcserver.AsService(newEventRPCService),
		rpcserver.AsService(newReplyRPCService),
		auth.AsPolicies(replyPolicies),
		rpcserver.AsRoute(newCallbackRoute),
		newMenusFx, rpcserver.AsService(newMenuRPCService), auth.AsPolicies(menuPolicies),
		newCustomerServiceFx, rpcserver.AsService(newKfRPCService), auth.AsPolicies(kfPolicies),
		newAutoRepliesFx, rpcserver.AsService(newAutoReplyRPCService), auth.AsPolicies(autoReplyPolicies),
		auth.AsPolicies(policies),
	),
	senderOptions, // outbound messaging: custom, template, subscribe, mass (sender_module.go)
)

func loadConfig(f *config.File) (Config, error) {
	var c Config
	err := f.Section(config.SectionMessaging, &c)
	return c, err
}

// Clock is an optional service clock (fx.Supply one in tests).
type Clock func() time.Time

type serviceParams struct {
	fx.In
	Config   Config
	Accounts config.Accounts
	Redis    redis.UniversalClient
	Logger   *slog.Logger
	Registry *prometheus.Registry
	Clock    Clock `optional:"true"`
	// WeChat delivers late ReplyHandler replies (custom/send).
	WeChat    *wechat.Client `optional:"true"`
	Lifecycle fx.Lifecycle
}

func newService(p serviceParams) (*Service, error) {
	s, err := New(Params{Config: p.Config, Accounts: p.Accounts, Redis: p.Redis,
		Logger: p.Logger.With("service", "messaging"), Registerer: p.Registry, Now: p.Clock, WeChat: p.WeChat})
	if err != nil {
		return nil, err
	}
	// Registered before the server's hooks, so it stops after the server: no callback
	// starts background work once Close runs.
	p.Lifecycle.Append(fx.StopHook(s.Close))
	return s, nil
}

func newEventRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := messagingv1connect.NewEventServiceHandler(NewEventHandler(s), opts.Options...)
	return rpcserver.Service{
		Name: messagingv1connect.EventServiceName, Path: path, Handler: h,
		RegisterGateway: messagingv1.RegisterEventServiceHandler,
	}
}

func newCallbackRoute(s *Service) rpcserver.Route {
	return rpcserver.Route{Pattern: s.cfg.CallbackPath, Handler: s.CallbackHandler()}
}

// eventsScope is the scope of every EventService procedure.
const eventsScope = auth.ScopeEventsRead

// policies are the auth policies of every procedure the module serves.
func policies() []auth.Policy {
	return []auth.Policy{
		{Procedure: messagingv1connect.EventServiceSubscribeProcedure, Scope: eventsScope},
		{Procedure: messagingv1connect.EventServiceAckProcedure, Scope: eventsScope},
		{Procedure: messagingv1connect.EventServiceListEventsProcedure, Scope: eventsScope},
		{Procedure: messagingv1connect.EventServiceGetEventProcedure, Scope: eventsScope},
		{Procedure: messagingv1connect.EventServiceGetUserLocationProcedure, Scope: eventsScope},
	}
}
