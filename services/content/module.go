package content

import (
	"log/slog"
	"time"

	"go.uber.org/fx"

	contentv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/content/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/content/v1/contentv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Module is the content service: MediaService, MaterialService and CommentService, the
// REST upload and download routes, and the auth policies of every procedure.
var Module = fx.Module("content",
	fx.Provide(
		fx.Private,
		loadConfig,
	),
	fx.Provide(
		newService,
		rpcserver.AsService(newMediaRPCService),
		rpcserver.AsService(newMaterialRPCService),
		rpcserver.AsService(newCommentRPCService),
		// The REST upload and download routes, all at once into the routes group.
		fx.Annotate((*Service).Routes, fx.ResultTags(`group:"`+rpcserver.GroupRoutes+`,flatten"`)),
		auth.AsPolicies(policies),
	),
)

// sections are the configuration the module reads: its own section and the server's
// message limit, which gRPC and Connect uploads need to be large enough.
type sections struct {
	fx.Out
	Content         Config
	MaxMessageBytes int `name:"content.max_message_bytes"`
}

func loadConfig(f *config.File) (sections, error) {
	var out sections
	if err := f.Section(config.SectionContent, &out.Content); err != nil {
		return out, err
	}
	var server rpcserver.Config
	if err := f.Section(config.SectionServer, &server); err != nil {
		return out, err
	}
	server.SetDefaults()
	out.MaxMessageBytes = server.MaxMessageBytes
	return out, nil
}

// Clock is an optional service clock (fx.Supply one in tests to move time with the sandbox).
type Clock func() time.Time

type serviceParams struct {
	fx.In
	Config          Config
	MaxMessageBytes int `name:"content.max_message_bytes"`
	Accounts        config.Accounts
	WeChat          *wechat.Client
	Logger          *slog.Logger
	Clock           Clock `optional:"true"`
}

func newService(p serviceParams) (*Service, error) {
	log := p.Logger.With("service", "content")
	if p.MaxMessageBytes < MinMessageBytes {
		log.Warn("server.max_message_bytes is below what 10 MB media need over gRPC and Connect; such uploads and downloads will fail (REST multipart uploads and raw downloads are not affected)",
			"max_message_bytes", p.MaxMessageBytes, "needed", MinMessageBytes)
	}
	return New(Params{Config: p.Config, Accounts: p.Accounts, WeChat: p.WeChat, Logger: log, Now: p.Clock})
}

func newMediaRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := contentv1connect.NewMediaServiceHandler(NewMediaHandler(s), opts.Options...)
	return rpcserver.Service{Name: contentv1connect.MediaServiceName, Path: path, Handler: h,
		RegisterGateway: contentv1.RegisterMediaServiceHandler}
}

func newMaterialRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := contentv1connect.NewMaterialServiceHandler(NewMaterialHandler(s), opts.Options...)
	return rpcserver.Service{Name: contentv1connect.MaterialServiceName, Path: path, Handler: h,
		RegisterGateway: contentv1.RegisterMaterialServiceHandler}
}

func newCommentRPCService(s *Service, opts rpcserver.HandlerOptions) rpcserver.Service {
	path, h := contentv1connect.NewCommentServiceHandler(NewCommentHandler(s), opts.Options...)
	return rpcserver.Service{Name: contentv1connect.CommentServiceName, Path: path, Handler: h,
		RegisterGateway: contentv1.RegisterCommentServiceHandler}
}

// policies are the auth policies of every procedure the module serves: content.read for
// reads, content.write for changes.
func policies() []auth.Policy {
	r, w := auth.ScopeContentRead, auth.ScopeContentWrite
	return []auth.Policy{
		{Procedure: contentv1connect.MediaServiceUploadMediaProcedure, Scope: w},
		{Procedure: contentv1connect.MediaServiceGetMediaProcedure, Scope: r},
		{Procedure: contentv1connect.MediaServiceUploadArticleImageProcedure, Scope: w},

		{Procedure: contentv1connect.MaterialServiceAddMaterialProcedure, Scope: w},
		{Procedure: contentv1connect.MaterialServiceAddNewsProcedure, Scope: w},
		{Procedure: contentv1connect.MaterialServiceGetMaterialProcedure, Scope: r},
		{Procedure: contentv1connect.MaterialServiceDeleteMaterialProcedure, Scope: w},
		{Procedure: contentv1connect.MaterialServiceUpdateNewsArticleProcedure, Scope: w},
		{Procedure: contentv1connect.MaterialServiceGetMaterialCountProcedure, Scope: r},
		{Procedure: contentv1connect.MaterialServiceListMaterialsProcedure, Scope: r},
		{Procedure: contentv1connect.MaterialServiceStreamMaterialsProcedure, Scope: r},

		{Procedure: contentv1connect.CommentServiceOpenCommentsProcedure, Scope: w},
		{Procedure: contentv1connect.CommentServiceCloseCommentsProcedure, Scope: w},
		{Procedure: contentv1connect.CommentServiceListCommentsProcedure, Scope: r},
		{Procedure: contentv1connect.CommentServiceMarkElectedProcedure, Scope: w},
		{Procedure: contentv1connect.CommentServiceUnmarkElectedProcedure, Scope: w},
		{Procedure: contentv1connect.CommentServiceDeleteCommentProcedure, Scope: w},
		{Procedure: contentv1connect.CommentServiceAddReplyProcedure, Scope: w},
		{Procedure: contentv1connect.CommentServiceDeleteReplyProcedure, Scope: w},
	}
}
