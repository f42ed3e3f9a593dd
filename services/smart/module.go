package smart

import (
	"log/slog"

	"go.uber.org/fx"

	smartv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/smart/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/smart/v1/smartv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Module is the smart service: LanguageService and VisionService on the server, with
// the auth policies of every procedure (all need the smart scope).
var Module = fx.Module("smart",
	fx.Provide(
		newService,
		rpcserver.AsService(newLanguageRPCService),
		rpcserver.AsService(newVisionRPCService),
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
	return New(Params{Accounts: p.Accounts, WeChat: p.WeChat, Logger: p.Logger.With("service", "smart")})
}

func newLanguageRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := smartv1connect.NewLanguageServiceHandler(NewLanguageHandler(s), opts.Options...)
	return rpcserver.Service{Name: smartv1connect.LanguageServiceName, Path: path, Handler: h,
		RegisterGateway: smartv1.RegisterLanguageServiceHandler}
}

func newVisionRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := smartv1connect.NewVisionServiceHandler(NewVisionHandler(s), opts.Options...)
	return rpcserver.Service{Name: smartv1connect.VisionServiceName, Path: path, Handler: h,
		RegisterGateway: smartv1.RegisterVisionServiceHandler}
}

// policies are the auth policies of every procedure the module serves: the platform
// has one permission for all of them, so every procedure needs the smart scope.
func policies() []auth.Policy {
	procs := []string{
		smartv1connect.LanguageServiceSemanticSearchProcedure,
		smartv1connect.LanguageServiceAddVoiceProcedure,
		smartv1connect.LanguageServiceGetVoiceTranscriptProcedure,
		smartv1connect.LanguageServiceTranslateProcedure,
		smartv1connect.VisionServiceRecognizeIDCardProcedure,
		smartv1connect.VisionServiceRecognizeBankCardProcedure,
		smartv1connect.VisionServiceRecognizeDrivingLicenseProcedure,
		smartv1connect.VisionServiceRecognizeBizLicenseProcedure,
		smartv1connect.VisionServiceRecognizePrintedTextProcedure,
		smartv1connect.VisionServiceRecognizePlateNumberProcedure,
		smartv1connect.VisionServiceRecognizeMenuProcedure,
		smartv1connect.VisionServiceScanCodesProcedure,
		smartv1connect.VisionServiceCropImageProcedure,
		smartv1connect.VisionServiceSuperResolveProcedure,
	}
	out := make([]auth.Policy, len(procs))
	for i, p := range procs {
		out[i] = auth.Policy{Procedure: p, Scope: auth.ScopeSmart}
	}
	return out
}
