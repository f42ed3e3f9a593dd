package platform

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/fx"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// WeChatClientParams are the inputs of NewWeChatClient.
type WeChatClientParams struct {
	fx.In
	File     *config.File
	Tokens   wechat.TokenSource
	Logger   *slog.Logger
	Registry *prometheus.Registry
}

// NewWeChatClient builds the WeChat API client the domain services share: the `wechat`
// section (base URL, failover, retries), access tokens from the process's
// wechat.TokenSource (the token service in-process, or token_source over the network)
// and the shared wxsuite_wechat_* metrics. fx builds it only when a service asks for it.
func NewWeChatClient(p WeChatClientParams) (*wechat.Client, error) {
	var cfg wechat.Config
	if err := p.File.Section(config.SectionWeChat, &cfg); err != nil {
		return nil, err
	}
	return wechat.New(cfg, wechat.WithTokenSource(p.Tokens),
		wechat.WithLogger(p.Logger.With("component", "wechat")), wechat.WithMetrics(p.Registry))
}
