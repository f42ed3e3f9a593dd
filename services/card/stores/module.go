package stores

import (
	"log/slog"

	"go.uber.org/fx"

	cardv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/card/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/card/v1/cardv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Module is the stores part of the card service: PoiService, StoreService and
// MarketCodeService on the server, with the auth policies of every procedure
// (card.read for reads, card.write for changes).
var Module = fx.Module("card.stores",
	fx.Provide(
		fx.Private,
		newService,
	),
	fx.Provide(
		rpcserver.AsService(newPoiRPCService),
		rpcserver.AsService(newStoreRPCService),
		rpcserver.AsService(newMarketCodeRPCService),
		auth.AsPolicies(policies),
	),
)

type serviceParams struct {
	fx.In
	Accounts config.Accounts
	WeChat   *wechat.Client
	Logger   *slog.Logger
}

func newService(p serviceParams) (*Service, error) {
	return New(Params{Accounts: p.Accounts, WeChat: p.WeChat, Logger: p.Logger.With("service", "card.stores")})
}

func newPoiRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := cardv1connect.NewPoiServiceHandler(NewPoiHandler(s), opts.Options...)
	return rpcserver.Service{Name: cardv1connect.PoiServiceName, Path: path, Handler: h,
		RegisterGateway: cardv1.RegisterPoiServiceHandler}
}

func newStoreRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := cardv1connect.NewStoreServiceHandler(NewStoreHandler(s), opts.Options...)
	return rpcserver.Service{Name: cardv1connect.StoreServiceName, Path: path, Handler: h,
		RegisterGateway: cardv1.RegisterStoreServiceHandler}
}

func newMarketCodeRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := cardv1connect.NewMarketCodeServiceHandler(NewMarketCodeHandler(s), opts.Options...)
	return rpcserver.Service{Name: cardv1connect.MarketCodeServiceName, Path: path, Handler: h,
		RegisterGateway: cardv1.RegisterMarketCodeServiceHandler}
}

// policies are the auth policies of every procedure the module serves: reads need
// card.read, changes (and code applications, activations and ticket exchanges)
// card.write.
func policies() []auth.Policy {
	read, write := auth.ScopeCardRead, auth.ScopeCardWrite
	return []auth.Policy{
		{Procedure: cardv1connect.PoiServiceAddPoiProcedure, Scope: write},
		{Procedure: cardv1connect.PoiServiceGetPoiProcedure, Scope: read},
		{Procedure: cardv1connect.PoiServiceListPoisProcedure, Scope: read},
		{Procedure: cardv1connect.PoiServiceUpdatePoiProcedure, Scope: write},
		{Procedure: cardv1connect.PoiServiceDeletePoiProcedure, Scope: write},
		{Procedure: cardv1connect.PoiServiceListPoiCategoriesProcedure, Scope: read},

		{Procedure: cardv1connect.StoreServiceListStoreMerchantCategoriesProcedure, Scope: read},
		{Procedure: cardv1connect.StoreServiceApplyStoreMerchantProcedure, Scope: write},
		{Procedure: cardv1connect.StoreServiceGetStoreMerchantAuditInfoProcedure, Scope: read},
		{Procedure: cardv1connect.StoreServiceModifyStoreMerchantProcedure, Scope: write},
		{Procedure: cardv1connect.StoreServiceListStoreDistrictsProcedure, Scope: read},
		{Procedure: cardv1connect.StoreServiceSearchStoreMapPoisProcedure, Scope: read},
		{Procedure: cardv1connect.StoreServiceCreateStoreMapPoiProcedure, Scope: write},
		{Procedure: cardv1connect.StoreServiceAddStoreProcedure, Scope: write},
		{Procedure: cardv1connect.StoreServiceUpdateStoreProcedure, Scope: write},
		{Procedure: cardv1connect.StoreServiceGetStoreProcedure, Scope: read},
		{Procedure: cardv1connect.StoreServiceListStoresProcedure, Scope: read},
		{Procedure: cardv1connect.StoreServiceDeleteStoreProcedure, Scope: write},

		{Procedure: cardv1connect.MarketCodeServiceApplyMarketCodeProcedure, Scope: write},
		{Procedure: cardv1connect.MarketCodeServiceGetMarketCodeApplicationProcedure, Scope: read},
		{Procedure: cardv1connect.MarketCodeServiceDownloadMarketCodesProcedure, Scope: read},
		{Procedure: cardv1connect.MarketCodeServiceActivateMarketCodesProcedure, Scope: write},
		{Procedure: cardv1connect.MarketCodeServiceGetMarketCodeActivationProcedure, Scope: read},
		{Procedure: cardv1connect.MarketCodeServiceConvertMarketCodeTicketProcedure, Scope: write},
	}
}
