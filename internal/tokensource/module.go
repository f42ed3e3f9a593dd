package tokensource

import (
	"errors"

	"go.uber.org/fx"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Module provides a remote wechat.TokenSource configured by the `token_source` section,
// for processes that run domain services without the token service (one Deployment per
// service). Where the token service runs in the same process, its own module provides the
// in-process TokenSource instead; never include both.
var Module = fx.Module("tokensource",
	fx.Provide(
		fx.Private,
		func(f *config.File) (RemoteConfig, error) {
			var cfg RemoteConfig
			err := f.Section(config.SectionTokenSource, &cfg)
			return cfg, err
		},
	),
	fx.Provide(func(lc fx.Lifecycle, cfg RemoteConfig) (wechat.TokenSource, error) {
		r, err := NewRemote(cfg, nil)
		if err != nil {
			// The section is valid (Section checked it); what is left are the TLS files,
			// named by their full key.
			var fe *config.FieldError
			if errors.As(err, &fe) {
				return nil, config.Nest(config.SectionTokenSource, fe)
			}
			return nil, err
		}
		lc.Append(fx.StopHook(r.Close))
		return r, nil
	}),
)
