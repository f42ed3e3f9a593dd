package nontax

import (
	"log/slog"

	"go.uber.org/fx"

	nontaxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/nontax/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/nontax/v1/nontaxv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Module is the nontax service: NontaxPaymentService, NontaxVehicleService and
// NontaxIdentityService on the server, with the auth policies of every procedure
// (nontax.read for queries and downloads, nontax.write for orders, payments, refunds,
// notifications and mocks).
var Module = fx.Module("nontax",
	fx.Provide(
		newService,
		rpcserver.AsService(newPaymentRPCService),
		rpcserver.AsService(newVehicleRPCService),
		rpcserver.AsService(newIdentityRPCService),
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
	return New(Params{Accounts: p.Accounts, WeChat: p.WeChat, Logger: p.Logger.With("service", "nontax")})
}

func newPaymentRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := nontaxv1connect.NewNontaxPaymentServiceHandler(NewPaymentHandler(s), opts.Options...)
	return rpcserver.Service{Name: nontaxv1connect.NontaxPaymentServiceName, Path: path, Handler: h,
		RegisterGateway: nontaxv1.RegisterNontaxPaymentServiceHandler}
}

func newVehicleRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := nontaxv1connect.NewNontaxVehicleServiceHandler(NewVehicleHandler(s), opts.Options...)
	return rpcserver.Service{Name: nontaxv1connect.NontaxVehicleServiceName, Path: path, Handler: h,
		RegisterGateway: nontaxv1.RegisterNontaxVehicleServiceHandler}
}

func newIdentityRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := nontaxv1connect.NewNontaxIdentityServiceHandler(NewIdentityHandler(s), opts.Options...)
	return rpcserver.Service{Name: nontaxv1connect.NontaxIdentityServiceName, Path: path, Handler: h,
		RegisterGateway: nontaxv1.RegisterNontaxIdentityServiceHandler}
}

// policies are the auth policies of every procedure the module serves: queries and
// downloads need nontax.read; orders, payments, refunds, notifications, mocks and
// vehicle entrances and deductions need nontax.write.
func policies() []auth.Policy {
	read, write := auth.ScopeNontaxRead, auth.ScopeNontaxWrite
	return []auth.Policy{
		{Procedure: nontaxv1connect.NontaxPaymentServiceQueryFeeProcedure, Scope: read},
		{Procedure: nontaxv1connect.NontaxPaymentServiceUnifiedOrderProcedure, Scope: write},
		{Procedure: nontaxv1connect.NontaxPaymentServiceMicropayProcedure, Scope: write},
		{Procedure: nontaxv1connect.NontaxPaymentServiceGetOrderProcedure, Scope: read},
		{Procedure: nontaxv1connect.NontaxPaymentServiceGetOrderListProcedure, Scope: read},
		{Procedure: nontaxv1connect.NontaxPaymentServiceRefundProcedure, Scope: write},
		{Procedure: nontaxv1connect.NontaxPaymentServiceDownloadBillProcedure, Scope: read},
		{Procedure: nontaxv1connect.NontaxPaymentServiceNotifyInconsistentOrderProcedure, Scope: write},
		{Procedure: nontaxv1connect.NontaxPaymentServiceMockNotificationProcedure, Scope: write},
		{Procedure: nontaxv1connect.NontaxPaymentServiceMockQueryFeeProcedure, Scope: write},

		{Procedure: nontaxv1connect.NontaxVehicleServiceQueryVehicleStateProcedure, Scope: read},
		{Procedure: nontaxv1connect.NontaxVehicleServiceNotifyVehicleEntranceProcedure, Scope: write},
		{Procedure: nontaxv1connect.NontaxVehicleServiceApplyVehiclePaymentProcedure, Scope: write},

		{Procedure: nontaxv1connect.NontaxIdentityServiceGetUserClientIPProcedure, Scope: read},
		{Procedure: nontaxv1connect.NontaxIdentityServiceGetRealNameAuthURLProcedure, Scope: read},
		{Procedure: nontaxv1connect.NontaxIdentityServiceGetRealNameProcedure, Scope: read},
	}
}
