package audience

import (
	"log/slog"
	"time"

	"go.uber.org/fx"

	audiencev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/audience/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/audience/v1/audiencev1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Module is the audience service: UserService, TagService, BlacklistService,
// QRCodeService and ShortKeyService on the server, with the auth policies of every
// procedure (audience.read for reads, audience.write for changes).
var Module = fx.Module("audience",
	fx.Provide(
		fx.Private,
		loadConfig,
	),
	fx.Provide(
		newService,
		rpcserver.AsService(newUserRPCService),
		rpcserver.AsService(newTagRPCService),
		rpcserver.AsService(newBlacklistRPCService),
		rpcserver.AsService(newQRCodeRPCService),
		rpcserver.AsService(newShortKeyRPCService),
		auth.AsPolicies(policies),
	),
)

func loadConfig(f *config.File) (Config, error) {
	var c Config
	err := f.Section(config.SectionAudience, &c)
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
		Logger: p.Logger.With("service", "audience"), Now: p.Clock})
}

func newUserRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := audiencev1connect.NewUserServiceHandler(NewUserHandler(s), opts.Options...)
	return rpcserver.Service{Name: audiencev1connect.UserServiceName, Path: path, Handler: h,
		RegisterGateway: audiencev1.RegisterUserServiceHandler}
}

func newTagRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := audiencev1connect.NewTagServiceHandler(NewTagHandler(s), opts.Options...)
	return rpcserver.Service{Name: audiencev1connect.TagServiceName, Path: path, Handler: h,
		RegisterGateway: audiencev1.RegisterTagServiceHandler}
}

func newBlacklistRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := audiencev1connect.NewBlacklistServiceHandler(NewBlacklistHandler(s), opts.Options...)
	return rpcserver.Service{Name: audiencev1connect.BlacklistServiceName, Path: path, Handler: h,
		RegisterGateway: audiencev1.RegisterBlacklistServiceHandler}
}

func newQRCodeRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := audiencev1connect.NewQRCodeServiceHandler(NewQRCodeHandler(s), opts.Options...)
	return rpcserver.Service{Name: audiencev1connect.QRCodeServiceName, Path: path, Handler: h,
		RegisterGateway: audiencev1.RegisterQRCodeServiceHandler}
}

func newShortKeyRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := audiencev1connect.NewShortKeyServiceHandler(NewShortKeyHandler(s), opts.Options...)
	return rpcserver.Service{Name: audiencev1connect.ShortKeyServiceName, Path: path, Handler: h,
		RegisterGateway: audiencev1.RegisterShortKeyServiceHandler}
}

// policies are the auth policies of every procedure the module serves: reads need
// audience.read, changes (and creating QR codes and short keys) audience.write.
func policies() []auth.Policy {
	read, write := auth.ScopeAudienceRead, auth.ScopeAudienceWrite
	return []auth.Policy{
		{Procedure: audiencev1connect.UserServiceGetUserProcedure, Scope: read},
		{Procedure: audiencev1connect.UserServiceBatchGetUsersProcedure, Scope: read},
		{Procedure: audiencev1connect.UserServiceListFollowersProcedure, Scope: read},
		{Procedure: audiencev1connect.UserServiceStreamFollowersProcedure, Scope: read},
		{Procedure: audiencev1connect.UserServiceUpdateRemarkProcedure, Scope: write},

		{Procedure: audiencev1connect.TagServiceCreateTagProcedure, Scope: write},
		{Procedure: audiencev1connect.TagServiceListTagsProcedure, Scope: read},
		{Procedure: audiencev1connect.TagServiceUpdateTagProcedure, Scope: write},
		{Procedure: audiencev1connect.TagServiceDeleteTagProcedure, Scope: write},
		{Procedure: audiencev1connect.TagServiceListTagMembersProcedure, Scope: read},
		{Procedure: audiencev1connect.TagServiceTagUsersProcedure, Scope: write},
		{Procedure: audiencev1connect.TagServiceUntagUsersProcedure, Scope: write},
		{Procedure: audiencev1connect.TagServiceGetUserTagsProcedure, Scope: read},

		{Procedure: audiencev1connect.BlacklistServiceListBlacklistProcedure, Scope: read},
		{Procedure: audiencev1connect.BlacklistServiceBlockUsersProcedure, Scope: write},
		{Procedure: audiencev1connect.BlacklistServiceUnblockUsersProcedure, Scope: write},

		{Procedure: audiencev1connect.QRCodeServiceCreateQRCodeProcedure, Scope: write},
		{Procedure: audiencev1connect.QRCodeServiceGetQRCodeImageProcedure, Scope: read},

		{Procedure: audiencev1connect.ShortKeyServiceGenerateShortKeyProcedure, Scope: write},
		{Procedure: audiencev1connect.ShortKeyServiceFetchShortKeyProcedure, Scope: read},
	}
}
