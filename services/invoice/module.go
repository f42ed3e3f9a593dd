package invoice

import (
	"log/slog"
	"time"

	"go.uber.org/fx"

	invoicev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/invoice/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/invoice/v1/invoicev1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Module is the invoice service: InvoiceMerchantService, InvoicePlatformService,
// InvoiceReimburseService, InvoiceTitleService and FiscalBillService on the server, with
// the auth policies of every procedure (invoice.read for reads, invoice.write for
// changes).
var Module = fx.Module("invoice",
	fx.Provide(
		fx.Private,
		loadConfig,
	),
	fx.Provide(
		newService,
		rpcserver.AsService(newMerchantRPCService),
		rpcserver.AsService(newPlatformRPCService),
		rpcserver.AsService(newReimburseRPCService),
		rpcserver.AsService(newTitleRPCService),
		rpcserver.AsService(newFiscalRPCService),
		auth.AsPolicies(policies),
	),
)

func loadConfig(f *config.File) (Config, error) {
	var c Config
	err := f.Section(config.SectionInvoice, &c)
	return c, err
}

// Clock is an optional service clock (fx.Supply one in tests to move time with the sandbox).
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
		Logger: p.Logger.With("service", "invoice"), Now: p.Clock})
}

func newMerchantRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := invoicev1connect.NewInvoiceMerchantServiceHandler(NewMerchantHandler(s), opts.Options...)
	return rpcserver.Service{Name: invoicev1connect.InvoiceMerchantServiceName, Path: path, Handler: h,
		RegisterGateway: invoicev1.RegisterInvoiceMerchantServiceHandler}
}

func newPlatformRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := invoicev1connect.NewInvoicePlatformServiceHandler(NewPlatformHandler(s), opts.Options...)
	return rpcserver.Service{Name: invoicev1connect.InvoicePlatformServiceName, Path: path, Handler: h,
		RegisterGateway: invoicev1.RegisterInvoicePlatformServiceHandler}
}

func newReimburseRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := invoicev1connect.NewInvoiceReimburseServiceHandler(NewReimburseHandler(s), opts.Options...)
	return rpcserver.Service{Name: invoicev1connect.InvoiceReimburseServiceName, Path: path, Handler: h,
		RegisterGateway: invoicev1.RegisterInvoiceReimburseServiceHandler}
}

func newTitleRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := invoicev1connect.NewInvoiceTitleServiceHandler(NewTitleHandler(s), opts.Options...)
	return rpcserver.Service{Name: invoicev1connect.InvoiceTitleServiceName, Path: path, Handler: h,
		RegisterGateway: invoicev1.RegisterInvoiceTitleServiceHandler}
}

func newFiscalRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := invoicev1connect.NewFiscalBillServiceHandler(NewFiscalHandler(s), opts.Options...)
	return rpcserver.Service{Name: invoicev1connect.FiscalBillServiceName, Path: path, Handler: h,
		RegisterGateway: invoicev1.RegisterFiscalBillServiceHandler}
}

// policies are the auth policies of every procedure the module serves: reads (Get,
// BatchGet, Query, Scan) need invoice.read, everything else invoice.write.
func policies() []auth.Policy {
	read, write := auth.ScopeInvoiceRead, auth.ScopeInvoiceWrite
	return []auth.Policy{
		{Procedure: invoicev1connect.InvoiceMerchantServiceCreateAuthUrlProcedure, Scope: write},
		{Procedure: invoicev1connect.InvoiceMerchantServiceGetAuthDataProcedure, Scope: read},
		{Procedure: invoicev1connect.InvoiceMerchantServiceRejectInsertProcedure, Scope: write},
		{Procedure: invoicev1connect.InvoiceMerchantServiceSetAuthFieldProcedure, Scope: write},
		{Procedure: invoicev1connect.InvoiceMerchantServiceGetAuthFieldProcedure, Scope: read},
		{Procedure: invoicev1connect.InvoiceMerchantServiceSetPayMchProcedure, Scope: write},
		{Procedure: invoicev1connect.InvoiceMerchantServiceGetPayMchProcedure, Scope: read},
		{Procedure: invoicev1connect.InvoiceMerchantServiceSetContactProcedure, Scope: write},
		{Procedure: invoicev1connect.InvoiceMerchantServiceGetContactProcedure, Scope: read},
		{Procedure: invoicev1connect.InvoiceMerchantServiceMakeOutInvoiceProcedure, Scope: write},
		{Procedure: invoicev1connect.InvoiceMerchantServiceClearOutInvoiceProcedure, Scope: write},
		{Procedure: invoicev1connect.InvoiceMerchantServiceQueryInvoiceInfoProcedure, Scope: read},

		{Procedure: invoicev1connect.InvoicePlatformServiceGetPlatformUrlProcedure, Scope: read},
		{Procedure: invoicev1connect.InvoicePlatformServiceCreateCardProcedure, Scope: write},
		{Procedure: invoicev1connect.InvoicePlatformServiceUploadPdfProcedure, Scope: write},
		{Procedure: invoicev1connect.InvoicePlatformServiceGetPdfProcedure, Scope: read},
		{Procedure: invoicev1connect.InvoicePlatformServiceInsertInvoiceProcedure, Scope: write},
		{Procedure: invoicev1connect.InvoicePlatformServiceUpdateStatusProcedure, Scope: write},

		{Procedure: invoicev1connect.InvoiceReimburseServiceGetInvoiceInfoProcedure, Scope: read},
		{Procedure: invoicev1connect.InvoiceReimburseServiceBatchGetInvoiceInfoProcedure, Scope: read},
		{Procedure: invoicev1connect.InvoiceReimburseServiceUpdateInvoiceStatusProcedure, Scope: write},
		{Procedure: invoicev1connect.InvoiceReimburseServiceBatchUpdateInvoiceStatusProcedure, Scope: write},

		{Procedure: invoicev1connect.InvoiceTitleServiceGetUserTitleUrlProcedure, Scope: read},
		{Procedure: invoicev1connect.InvoiceTitleServiceGetSelectTitleUrlProcedure, Scope: read},
		{Procedure: invoicev1connect.InvoiceTitleServiceScanTitleProcedure, Scope: read},

		{Procedure: invoicev1connect.FiscalBillServiceCreateBillAuthUrlProcedure, Scope: write},
		{Procedure: invoicev1connect.FiscalBillServiceCreateBillCardProcedure, Scope: write},
		{Procedure: invoicev1connect.FiscalBillServiceInsertBillProcedure, Scope: write},
	}
}
