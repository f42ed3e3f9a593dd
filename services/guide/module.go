package guide

import (
	"log/slog"
	"time"

	"go.uber.org/fx"

	guidev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/guide/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/guide/v1/guidev1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Module is the guide service: GuideService, GuideGroupService, GuideBuyerService,
// GuideTagService, GuideMaterialService and GuideMassJobService on the server, with the
// auth policies of every procedure (guide.read for reads, guide.write for changes).
var Module = fx.Module("guide",
	fx.Provide(
		newService,
		rpcserver.AsService(newGuideRPCService),
		rpcserver.AsService(newGroupRPCService),
		rpcserver.AsService(newBuyerRPCService),
		rpcserver.AsService(newTagRPCService),
		rpcserver.AsService(newMaterialRPCService),
		rpcserver.AsService(newMassJobRPCService),
		auth.AsPolicies(policies),
	),
)

// Clock is an optional service clock (fx.Supply one in tests to move time with the sandbox).
type Clock func() time.Time

type serviceParams struct {
	fx.In
	Accounts config.Accounts
	WeChat   *wechat.Client
	Logger   *slog.Logger
	Clock    Clock `optional:"true"`
}

func newService(p serviceParams) (*Service, error) {
	return New(Params{Accounts: p.Accounts, WeChat: p.WeChat, Logger: p.Logger.With("service", "guide"), Now: p.Clock})
}

func newGuideRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := guidev1connect.NewGuideServiceHandler(NewGuideHandler(s), opts.Options...)
	return rpcserver.Service{Name: guidev1connect.GuideServiceName, Path: path, Handler: h,
		RegisterGateway: guidev1.RegisterGuideServiceHandler}
}

func newGroupRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := guidev1connect.NewGuideGroupServiceHandler(NewGroupHandler(s), opts.Options...)
	return rpcserver.Service{Name: guidev1connect.GuideGroupServiceName, Path: path, Handler: h,
		RegisterGateway: guidev1.RegisterGuideGroupServiceHandler}
}

func newBuyerRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := guidev1connect.NewGuideBuyerServiceHandler(NewBuyerHandler(s), opts.Options...)
	return rpcserver.Service{Name: guidev1connect.GuideBuyerServiceName, Path: path, Handler: h,
		RegisterGateway: guidev1.RegisterGuideBuyerServiceHandler}
}

func newTagRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := guidev1connect.NewGuideTagServiceHandler(NewTagHandler(s), opts.Options...)
	return rpcserver.Service{Name: guidev1connect.GuideTagServiceName, Path: path, Handler: h,
		RegisterGateway: guidev1.RegisterGuideTagServiceHandler}
}

func newMaterialRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := guidev1connect.NewGuideMaterialServiceHandler(NewMaterialHandler(s), opts.Options...)
	return rpcserver.Service{Name: guidev1connect.GuideMaterialServiceName, Path: path, Handler: h,
		RegisterGateway: guidev1.RegisterGuideMaterialServiceHandler}
}

func newMassJobRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := guidev1connect.NewGuideMassJobServiceHandler(NewMassJobHandler(s), opts.Options...)
	return rpcserver.Service{Name: guidev1connect.GuideMassJobServiceName, Path: path, Handler: h,
		RegisterGateway: guidev1.RegisterGuideMassJobServiceHandler}
}

// policies are the auth policies of every procedure the module serves: reads (Get,
// List and Query methods) need guide.read, everything else guide.write.
func policies() []auth.Policy {
	read, write := auth.ScopeGuideRead, auth.ScopeGuideWrite
	return []auth.Policy{
		{Procedure: guidev1connect.GuideBuyerServiceAddBuyersProcedure, Scope: write},
		{Procedure: guidev1connect.GuideBuyerServiceRemoveBuyersProcedure, Scope: write},
		{Procedure: guidev1connect.GuideBuyerServiceListBuyersProcedure, Scope: read},
		{Procedure: guidev1connect.GuideBuyerServiceRebindBuyersProcedure, Scope: write},
		{Procedure: guidev1connect.GuideBuyerServiceUpdateBuyerProcedure, Scope: write},
		{Procedure: guidev1connect.GuideBuyerServiceGetBuyerGuideProcedure, Scope: read},
		{Procedure: guidev1connect.GuideBuyerServiceGetBuyerProcedure, Scope: read},
		{Procedure: guidev1connect.GuideBuyerServiceListChatRecordsProcedure, Scope: read},

		{Procedure: guidev1connect.GuideGroupServiceCreateGroupProcedure, Scope: write},
		{Procedure: guidev1connect.GuideGroupServiceListGroupsProcedure, Scope: read},
		{Procedure: guidev1connect.GuideGroupServiceGetGroupProcedure, Scope: read},
		{Procedure: guidev1connect.GuideGroupServiceAddGuideToGroupProcedure, Scope: write},
		{Procedure: guidev1connect.GuideGroupServiceRemoveGuideFromGroupProcedure, Scope: write},
		{Procedure: guidev1connect.GuideGroupServiceListGroupsOfGuideProcedure, Scope: read},
		{Procedure: guidev1connect.GuideGroupServiceDeleteGroupProcedure, Scope: write},

		{Procedure: guidev1connect.GuideServiceAddGuideProcedure, Scope: write},
		{Procedure: guidev1connect.GuideServiceGetGuideProcedure, Scope: read},
		{Procedure: guidev1connect.GuideServiceUpdateGuideProcedure, Scope: write},
		{Procedure: guidev1connect.GuideServiceDeleteGuideProcedure, Scope: write},
		{Procedure: guidev1connect.GuideServiceListGuidesProcedure, Scope: read},
		{Procedure: guidev1connect.GuideServiceCreateGuideQRCodeProcedure, Scope: write},
		{Procedure: guidev1connect.GuideServiceSetGuideConfigProcedure, Scope: write},
		{Procedure: guidev1connect.GuideServiceGetGuideConfigProcedure, Scope: read},
		{Procedure: guidev1connect.GuideServiceSetGuideAccountConfigProcedure, Scope: write},
		{Procedure: guidev1connect.GuideServiceGetGuideAccountConfigProcedure, Scope: read},
		{Procedure: guidev1connect.GuideServicePushShowWxaPathMenuProcedure, Scope: write},

		{Procedure: guidev1connect.GuideMassJobServiceCreateMassJobProcedure, Scope: write},
		{Procedure: guidev1connect.GuideMassJobServiceListMassJobsProcedure, Scope: read},
		{Procedure: guidev1connect.GuideMassJobServiceGetMassJobProcedure, Scope: read},
		{Procedure: guidev1connect.GuideMassJobServiceUpdateMassJobProcedure, Scope: write},
		{Procedure: guidev1connect.GuideMassJobServiceCancelMassJobProcedure, Scope: write},

		{Procedure: guidev1connect.GuideMaterialServiceAddCardMaterialProcedure, Scope: write},
		{Procedure: guidev1connect.GuideMaterialServiceListCardMaterialsProcedure, Scope: read},
		{Procedure: guidev1connect.GuideMaterialServiceDeleteCardMaterialProcedure, Scope: write},
		{Procedure: guidev1connect.GuideMaterialServiceAddImageMaterialProcedure, Scope: write},
		{Procedure: guidev1connect.GuideMaterialServiceListImageMaterialsProcedure, Scope: read},
		{Procedure: guidev1connect.GuideMaterialServiceDeleteImageMaterialProcedure, Scope: write},
		{Procedure: guidev1connect.GuideMaterialServiceAddWordMaterialProcedure, Scope: write},
		{Procedure: guidev1connect.GuideMaterialServiceListWordMaterialsProcedure, Scope: read},
		{Procedure: guidev1connect.GuideMaterialServiceDeleteWordMaterialProcedure, Scope: write},

		{Procedure: guidev1connect.GuideTagServiceCreateTagOptionProcedure, Scope: write},
		{Procedure: guidev1connect.GuideTagServiceDeleteTagOptionProcedure, Scope: write},
		{Procedure: guidev1connect.GuideTagServiceAddTagValuesProcedure, Scope: write},
		{Procedure: guidev1connect.GuideTagServiceListTagOptionsProcedure, Scope: read},
		{Procedure: guidev1connect.GuideTagServiceTagBuyersProcedure, Scope: write},
		{Procedure: guidev1connect.GuideTagServiceGetBuyerTagsProcedure, Scope: read},
		{Procedure: guidev1connect.GuideTagServiceQueryBuyersByTagProcedure, Scope: read},
		{Procedure: guidev1connect.GuideTagServiceUntagBuyersProcedure, Scope: write},
		{Procedure: guidev1connect.GuideTagServiceSetBuyerDisplayTagsProcedure, Scope: write},
		{Procedure: guidev1connect.GuideTagServiceGetBuyerDisplayTagsProcedure, Scope: read},
	}
}
