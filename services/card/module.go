package card

import (
	"log/slog"

	"go.uber.org/fx"

	cardv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/card/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/card/v1/cardv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/services/card/stores"
)

// Module is the card service: CardService, CardCodeService, MemberCardService,
// SpecialTicketService, GiftCardService and SubMerchantService on the server, with the
// auth policies of every procedure (card.read for reads, card.write for changes), and the
// stores part of the domain (stores.Module: PoiService, StoreService, MarketCodeService).
var Module = fx.Module("card",
	stores.Module,
	fx.Provide(
		newService,
		rpcserver.AsService(newCardRPCService),
		rpcserver.AsService(newCardCodeRPCService),
		rpcserver.AsService(newMemberCardRPCService),
		rpcserver.AsService(newSpecialTicketRPCService),
		rpcserver.AsService(newGiftCardRPCService),
		rpcserver.AsService(newSubMerchantRPCService),
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
	return New(Params{Accounts: p.Accounts, WeChat: p.WeChat, Logger: p.Logger.With("service", "card")})
}

func newCardRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := cardv1connect.NewCardServiceHandler(NewCardHandler(s), opts.Options...)
	return rpcserver.Service{Name: cardv1connect.CardServiceName, Path: path, Handler: h,
		RegisterGateway: cardv1.RegisterCardServiceHandler}
}

func newCardCodeRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := cardv1connect.NewCardCodeServiceHandler(NewCardCodeHandler(s), opts.Options...)
	return rpcserver.Service{Name: cardv1connect.CardCodeServiceName, Path: path, Handler: h,
		RegisterGateway: cardv1.RegisterCardCodeServiceHandler}
}

func newMemberCardRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := cardv1connect.NewMemberCardServiceHandler(NewMemberCardHandler(s), opts.Options...)
	return rpcserver.Service{Name: cardv1connect.MemberCardServiceName, Path: path, Handler: h,
		RegisterGateway: cardv1.RegisterMemberCardServiceHandler}
}

func newSpecialTicketRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := cardv1connect.NewSpecialTicketServiceHandler(NewSpecialTicketHandler(s), opts.Options...)
	return rpcserver.Service{Name: cardv1connect.SpecialTicketServiceName, Path: path, Handler: h,
		RegisterGateway: cardv1.RegisterSpecialTicketServiceHandler}
}

func newGiftCardRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := cardv1connect.NewGiftCardServiceHandler(NewGiftCardHandler(s), opts.Options...)
	return rpcserver.Service{Name: cardv1connect.GiftCardServiceName, Path: path, Handler: h,
		RegisterGateway: cardv1.RegisterGiftCardServiceHandler}
}

func newSubMerchantRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := cardv1connect.NewSubMerchantServiceHandler(NewSubMerchantHandler(s), opts.Options...)
	return rpcserver.Service{Name: cardv1connect.SubMerchantServiceName, Path: path, Handler: h,
		RegisterGateway: cardv1.RegisterSubMerchantServiceHandler}
}

// policies are the auth policies of every procedure the module serves: reads need
// card.read; changes (and creating QR codes, shelf pages and deposits, consuming codes)
// card.write.
func policies() []auth.Policy {
	read, write := auth.ScopeCardRead, auth.ScopeCardWrite
	return []auth.Policy{
		{Procedure: cardv1connect.CardServiceCreateCardProcedure, Scope: write},
		{Procedure: cardv1connect.CardServiceGetCardProcedure, Scope: read},
		{Procedure: cardv1connect.CardServiceUpdateCardProcedure, Scope: write},
		{Procedure: cardv1connect.CardServiceDeleteCardProcedure, Scope: write},
		{Procedure: cardv1connect.CardServiceBatchGetCardsProcedure, Scope: read},
		{Procedure: cardv1connect.CardServiceModifyCardStockProcedure, Scope: write},
		{Procedure: cardv1connect.CardServiceGetCardApplyProtocolProcedure, Scope: read},
		{Procedure: cardv1connect.CardServiceCreateCardLandingPageProcedure, Scope: write},
		{Procedure: cardv1connect.CardServiceCreateCardQRCodeProcedure, Scope: write},
		{Procedure: cardv1connect.CardServiceGetCardMpNewsHTMLProcedure, Scope: read},
		{Procedure: cardv1connect.CardServiceSetCardTestWhitelistProcedure, Scope: write},
		{Procedure: cardv1connect.CardServiceSetCardPayCellProcedure, Scope: write},
		{Procedure: cardv1connect.CardServiceSetCardSelfConsumeCellProcedure, Scope: write},
		{Procedure: cardv1connect.CardServiceSetCardStoreWxaProcedure, Scope: write},

		{Procedure: cardv1connect.CardCodeServiceGetCardCodeProcedure, Scope: read},
		{Procedure: cardv1connect.CardCodeServiceConsumeCardCodeProcedure, Scope: write},
		{Procedure: cardv1connect.CardCodeServiceDecryptCardCodeProcedure, Scope: read},
		{Procedure: cardv1connect.CardCodeServiceCheckCardCodesProcedure, Scope: read},
		{Procedure: cardv1connect.CardCodeServiceDepositCardCodesProcedure, Scope: write},
		{Procedure: cardv1connect.CardCodeServiceGetCardDepositCountProcedure, Scope: read},
		{Procedure: cardv1connect.CardCodeServiceMarkCardCodeUnavailableProcedure, Scope: write},
		{Procedure: cardv1connect.CardCodeServiceUpdateCardCodeProcedure, Scope: write},
		{Procedure: cardv1connect.CardCodeServiceListUserCardsProcedure, Scope: read},

		{Procedure: cardv1connect.MemberCardServiceActivateMemberCardProcedure, Scope: write},
		{Procedure: cardv1connect.MemberCardServiceGetMemberCardActivateURLProcedure, Scope: read},
		{Procedure: cardv1connect.MemberCardServiceGetMemberCardActivateTempInfoProcedure, Scope: read},
		{Procedure: cardv1connect.MemberCardServiceSetMemberCardActivateUserFormProcedure, Scope: write},
		{Procedure: cardv1connect.MemberCardServiceUnactivateMemberCardProcedure, Scope: write},
		{Procedure: cardv1connect.MemberCardServiceUpdateMemberCardUserProcedure, Scope: write},
		{Procedure: cardv1connect.MemberCardServiceGetMemberCardUserInfoProcedure, Scope: read},

		{Procedure: cardv1connect.SpecialTicketServiceCheckInBoardingPassProcedure, Scope: write},
		{Procedure: cardv1connect.SpecialTicketServiceUpdateMeetingTicketUserProcedure, Scope: write},
		{Procedure: cardv1connect.SpecialTicketServiceUpdateMovieTicketUserProcedure, Scope: write},

		{Procedure: cardv1connect.GiftCardServiceAddPayGiftCardRuleProcedure, Scope: write},
		{Procedure: cardv1connect.GiftCardServiceGetPayGiftCardRuleProcedure, Scope: read},
		{Procedure: cardv1connect.GiftCardServiceBatchGetPayGiftCardRulesProcedure, Scope: read},

		{Procedure: cardv1connect.SubMerchantServiceSubmitSubMerchantProcedure, Scope: write},
		{Procedure: cardv1connect.SubMerchantServiceGetSubMerchantProcedure, Scope: read},
		{Procedure: cardv1connect.SubMerchantServiceBatchGetSubMerchantsProcedure, Scope: read},
		{Procedure: cardv1connect.SubMerchantServiceUpdateSubMerchantProcedure, Scope: write},
	}
}
