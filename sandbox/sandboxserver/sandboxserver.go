// Package sandboxserver serves a wxsandbox on wxsuite's one-port server: the emulated
// WeChat API under its platform paths (/cgi-bin/, /sns/, …) and the admin API
// (wxsuite.sandbox.v1.SandboxService) over gRPC, Connect, gRPC-Web and REST. It is what
// cmd/wxsandbox and `wxsuite dev` run.
package sandboxserver

import (
	"fmt"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1/sandboxv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/sandbox"
)

// APIPrefixes are the first path segments of every WeChat endpoint the suite uses
// (wechat/endpoints.tsv), plus "/connect/" for the web-authorization page that the real
// platform serves on open.weixin.qq.com; the emulated API is mounted under each.
var APIPrefixes = []string{
	"/cgi-bin/", "/connect/", "/sns/", "/card/", "/customservice/", "/cv/", "/datacube/", "/intp/",
	"/nontax/", "/publisher/", "/semantic/", "/wxa/", "/wxaapi/",
}

// New returns an unstarted server for sb; call Start and Stop on it.
func New(sb *sandbox.Sandbox, cfg rpcserver.Config, logger *slog.Logger, reg *prometheus.Registry) (*rpcserver.Server, error) {
	opts := rpcserver.NewHandlerOptions(logger, reg)
	path, h := sandboxv1connect.NewSandboxServiceHandler(sb.Admin(), opts.Options...)
	api := sb.Handler()
	routes := make([]rpcserver.Route, 0, len(APIPrefixes))
	for _, p := range APIPrefixes {
		routes = append(routes, rpcserver.Route{Pattern: p, Handler: api})
	}
	srv, err := rpcserver.New(rpcserver.Params{
		Config:   cfg,
		Logger:   logger,
		Registry: reg,
		Services: []rpcserver.Service{{
			Name: sandboxv1connect.SandboxServiceName, Path: path, Handler: h,
			RegisterGateway: sandboxv1.RegisterSandboxServiceHandler,
		}},
		Routes: routes,
	})
	if err != nil {
		return nil, fmt.Errorf("sandbox server: %w", err)
	}
	return srv, nil
}
