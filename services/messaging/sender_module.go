package messaging

import (
	"log/slog"

	"github.com/redis/go-redis/v9"
	"go.uber.org/fx"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1/messagingv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// senderOptions is what module.go adds for outbound messaging: the Sender (started and
// stopped with the app), its four services and their auth policies.
var senderOptions = fx.Options(
	fx.Provide(
		newSender,
		rpcserver.AsService(newCustomMessageRPCService),
		rpcserver.AsService(newTemplateMessageRPCService),
		rpcserver.AsService(newSubscribeNotificationRPCService),
		rpcserver.AsService(newMassMessageRPCService),
		auth.AsPolicies(sendPolicies),
	),
)

type senderParams struct {
	fx.In
	Lifecycle fx.Lifecycle
	Config    Config
	Accounts  config.Accounts
	Redis     redis.UniversalClient
	WeChat    *wechat.Client `optional:"true"` // nil without a TokenSource: sends fail Unavailable
	Service   *Service
	Logger    *slog.Logger
	Clock     Clock `optional:"true"`
}

func newSender(p senderParams) (*Sender, error) {
	c := p.Config
	c.SetDefaults()
	s, err := NewSender(SenderParams{Config: c.Send, KeyPrefix: c.KeyPrefix, Accounts: p.Accounts, Redis: p.Redis,
		WeChat: p.WeChat, Events: p.Service, Logger: p.Logger.With("service", "messaging", "component", "sender"), Now: p.Clock})
	if err != nil {
		return nil, err
	}
	p.Lifecycle.Append(fx.Hook{OnStart: s.Start, OnStop: s.Stop})
	return s, nil
}

func newCustomMessageRPCService(s *Sender, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := messagingv1connect.NewCustomMessageServiceHandler(NewCustomMessageHandler(s), opts.Options...)
	return rpcserver.Service{Name: messagingv1connect.CustomMessageServiceName, Path: path, Handler: h,
		RegisterGateway: messagingv1.RegisterCustomMessageServiceHandler}
}

func newTemplateMessageRPCService(s *Sender, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := messagingv1connect.NewTemplateMessageServiceHandler(NewTemplateMessageHandler(s), opts.Options...)
	return rpcserver.Service{Name: messagingv1connect.TemplateMessageServiceName, Path: path, Handler: h,
		RegisterGateway: messagingv1.RegisterTemplateMessageServiceHandler}
}

func newSubscribeNotificationRPCService(s *Sender, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := messagingv1connect.NewSubscribeNotificationServiceHandler(NewSubscribeNotificationHandler(s), opts.Options...)
	return rpcserver.Service{Name: messagingv1connect.SubscribeNotificationServiceName, Path: path, Handler: h,
		RegisterGateway: messagingv1.RegisterSubscribeNotificationServiceHandler}
}

func newMassMessageRPCService(s *Sender, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := messagingv1connect.NewMassMessageServiceHandler(NewMassMessageHandler(s), opts.Options...)
	return rpcserver.Service{Name: messagingv1connect.MassMessageServiceName, Path: path, Handler: h,
		RegisterGateway: messagingv1.RegisterMassMessageServiceHandler}
}

// sendPolicies require messages.send for every procedure of the four sending services.
func sendPolicies() []auth.Policy {
	var out []auth.Policy
	for _, proc := range []string{
		messagingv1connect.CustomMessageServiceSendCustomMessageProcedure,
		messagingv1connect.CustomMessageServiceSetTypingProcedure,
		messagingv1connect.CustomMessageServiceGetCustomMessageWindowProcedure,
		messagingv1connect.TemplateMessageServiceSetIndustryProcedure,
		messagingv1connect.TemplateMessageServiceGetIndustryProcedure,
		messagingv1connect.TemplateMessageServiceAddTemplateProcedure,
		messagingv1connect.TemplateMessageServiceListTemplatesProcedure,
		messagingv1connect.TemplateMessageServiceDeleteTemplateProcedure,
		messagingv1connect.TemplateMessageServiceSendTemplateMessageProcedure,
		messagingv1connect.TemplateMessageServiceGetTemplateMessageStatusProcedure,
		messagingv1connect.SubscribeNotificationServiceAddSubscribeTemplateProcedure,
		messagingv1connect.SubscribeNotificationServiceDeleteSubscribeTemplateProcedure,
		messagingv1connect.SubscribeNotificationServiceListSubscribeTemplatesProcedure,
		messagingv1connect.SubscribeNotificationServiceListSubscribeCategoriesProcedure,
		messagingv1connect.SubscribeNotificationServiceListPublicTemplateTitlesProcedure,
		messagingv1connect.SubscribeNotificationServiceListPublicTemplateKeywordsProcedure,
		messagingv1connect.SubscribeNotificationServiceSendSubscribeNotificationProcedure,
		messagingv1connect.SubscribeNotificationServiceGetSubscriptionsProcedure,
		messagingv1connect.SubscribeNotificationServiceBuildOneTimeSubscribeURLProcedure,
		messagingv1connect.SubscribeNotificationServiceSendOneTimeSubscribeMessageProcedure,
		messagingv1connect.MassMessageServiceUploadMassNewsProcedure,
		messagingv1connect.MassMessageServiceSendMassToAllProcedure,
		messagingv1connect.MassMessageServiceSendMassToTagProcedure,
		messagingv1connect.MassMessageServiceStartMassSendProcedure,
		messagingv1connect.MassMessageServiceGetMassSendOperationProcedure,
		messagingv1connect.MassMessageServiceCancelMassSendProcedure,
		messagingv1connect.MassMessageServicePreviewMassMessageProcedure,
		messagingv1connect.MassMessageServiceDeleteMassMessageProcedure,
		messagingv1connect.MassMessageServiceGetMassStatusProcedure,
		messagingv1connect.MassMessageServiceGetMassSpeedProcedure,
		messagingv1connect.MassMessageServiceSetMassSpeedProcedure,
	} {
		out = append(out, auth.Policy{Procedure: proc, Scope: auth.ScopeMessagesSend})
	}
	return out
}
