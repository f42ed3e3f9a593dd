package analytics

import (
	"log/slog"
	"time"

	"go.uber.org/fx"

	analyticsv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/analytics/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/analytics/v1/analyticsv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Module is the analytics service: AnalyticsService on the server, with the auth
// policies of every procedure (all reads: analytics.read).
var Module = fx.Module("analytics",
	fx.Provide(
		fx.Private,
		loadConfig,
	),
	fx.Provide(
		newService,
		rpcserver.AsService(newRPCService),
		auth.AsPolicies(policies),
	),
)

func loadConfig(f *config.File) (Config, error) {
	var c Config
	err := f.Section(config.SectionAnalytics, &c)
	return c, err
}

// Clock is an optional service clock (fx.Supply one in tests to move time with the
// sandbox): it decides which day is yesterday.
type Clock func() time.Time

type serviceParams struct {
	fx.In
	Config   Config
	Accounts config.Accounts
	WeChat   *wechat.Client
	Logger   *slog.Logger
	Clock    Clock `optional:"true"`
}

func newService(p serviceParams) (*Service, error) {
	return New(Params{Config: p.Config, Accounts: p.Accounts, WeChat: p.WeChat,
		Logger: p.Logger.With("service", "analytics"), Now: p.Clock})
}

func newRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := analyticsv1connect.NewAnalyticsServiceHandler(NewHandler(s), opts.Options...)
	return rpcserver.Service{Name: analyticsv1connect.AnalyticsServiceName, Path: path, Handler: h,
		RegisterGateway: analyticsv1.RegisterAnalyticsServiceHandler}
}

// policies are the auth policies of every procedure the module serves: every one is a
// read and needs analytics.read.
func policies() []auth.Policy {
	read := auth.ScopeAnalyticsRead
	return []auth.Policy{
		{Procedure: analyticsv1connect.AnalyticsServiceGetUserSummaryProcedure, Scope: read},
		{Procedure: analyticsv1connect.AnalyticsServiceGetUserCumulateProcedure, Scope: read},
		{Procedure: analyticsv1connect.AnalyticsServiceGetArticleSummaryProcedure, Scope: read},
		{Procedure: analyticsv1connect.AnalyticsServiceGetArticleTotalProcedure, Scope: read},
		{Procedure: analyticsv1connect.AnalyticsServiceGetUserReadProcedure, Scope: read},
		{Procedure: analyticsv1connect.AnalyticsServiceGetUserReadHourProcedure, Scope: read},
		{Procedure: analyticsv1connect.AnalyticsServiceGetUserShareProcedure, Scope: read},
		{Procedure: analyticsv1connect.AnalyticsServiceGetUserShareHourProcedure, Scope: read},
		{Procedure: analyticsv1connect.AnalyticsServiceGetUpstreamMsgProcedure, Scope: read},
		{Procedure: analyticsv1connect.AnalyticsServiceGetUpstreamMsgHourProcedure, Scope: read},
		{Procedure: analyticsv1connect.AnalyticsServiceGetUpstreamMsgWeekProcedure, Scope: read},
		{Procedure: analyticsv1connect.AnalyticsServiceGetUpstreamMsgMonthProcedure, Scope: read},
		{Procedure: analyticsv1connect.AnalyticsServiceGetUpstreamMsgDistProcedure, Scope: read},
		{Procedure: analyticsv1connect.AnalyticsServiceGetUpstreamMsgDistWeekProcedure, Scope: read},
		{Procedure: analyticsv1connect.AnalyticsServiceGetUpstreamMsgDistMonthProcedure, Scope: read},
		{Procedure: analyticsv1connect.AnalyticsServiceGetInterfaceSummaryProcedure, Scope: read},
		{Procedure: analyticsv1connect.AnalyticsServiceGetInterfaceSummaryHourProcedure, Scope: read},
		{Procedure: analyticsv1connect.AnalyticsServiceGetCardBizUinInfoProcedure, Scope: read},
		{Procedure: analyticsv1connect.AnalyticsServiceGetCardCardInfoProcedure, Scope: read},
		{Procedure: analyticsv1connect.AnalyticsServiceGetCardMemberCardInfoProcedure, Scope: read},
		{Procedure: analyticsv1connect.AnalyticsServiceGetCardMemberCardDetailProcedure, Scope: read},
		{Procedure: analyticsv1connect.AnalyticsServiceGetPublisherAdPosGeneralProcedure, Scope: read},
		{Procedure: analyticsv1connect.AnalyticsServiceGetPublisherCpsGeneralProcedure, Scope: read},
		{Procedure: analyticsv1connect.AnalyticsServiceGetPublisherSettlementProcedure, Scope: read},
	}
}
