package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"go.uber.org/dig"
	"go.uber.org/fx"

	"github.com/wxsuite/wxsuite/internal/platform"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
)

// serve runs the selected services from a configuration file until ctx ends (SIGTERM).
func serve(ctx context.Context, args, environ []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", envOr(environ, "WXSUITE_CONFIG", ""), "configuration file (YAML); env WXSUITE_CONFIG")
	list := fs.String("services", envOr(environ, "WXSUITE_SERVICES", "all"), "comma-separated services to run, or all; env WXSUITE_SERVICES")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *path == "" {
		return fmt.Errorf("serve: --config is required")
	}
	file, err := config.Load(*path, overrides(environ))
	if err != nil {
		return err
	}
	mods, err := selectServices(*list)
	if err != nil {
		return err
	}
	return runApp(ctx, nil, appOptions(file, mods...)...)
}

// appOptions is the fx graph of a wxsuite process.
func appOptions(file *config.File, mods ...fx.Option) []fx.Option {
	return append([]fx.Option{
		fx.Supply(file),
		platform.Module,
		// fx's own event log stays quiet: start-up errors are returned once, as their
		// root cause, and printed by main.
		fx.NopLogger,
		routeRedisLogs,
		fx.StopTimeout(stopTimeout(file)),
	}, mods...)
}

// stopTimeout gives fx enough time for the server's drain plus the other stop hooks.
func stopTimeout(file *config.File) time.Duration {
	var cfg rpcserver.Config
	if err := file.Section(config.SectionServer, &cfg); err != nil {
		return 30 * time.Second // the app reports the error itself when it starts
	}
	return time.Duration(cfg.ShutdownGrace) + 10*time.Second
}

// runApp starts the app, calls started (if any), waits for ctx to end, and stops it.
func runApp(ctx context.Context, started func(), opts ...fx.Option) error {
	app := fx.New(opts...)
	if err := app.Err(); err != nil {
		return dig.RootCause(err)
	}
	startCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := app.Start(startCtx); err != nil {
		return dig.RootCause(err)
	}
	if started != nil {
		started()
	}
	<-ctx.Done()
	stopCtx, cancel := context.WithTimeout(context.Background(), app.StopTimeout())
	defer cancel()
	return app.Stop(stopCtx)
}

// flagEnv are the variables that stand for flags, not configuration overrides.
var flagEnv = []string{"WXSUITE_CONFIG", "WXSUITE_SERVICES", "WXSUITE_DEV_API_KEY"}

// overrides returns environ without the variables that stand for flags.
func overrides(environ []string) []string {
	out := make([]string, 0, len(environ))
next:
	for _, kv := range environ {
		for _, k := range flagEnv {
			if strings.HasPrefix(kv, k+"=") {
				continue next
			}
		}
		out = append(out, kv)
	}
	return out
}

// envOr returns the value of key in environ, or def.
func envOr(environ []string, key, def string) string {
	for _, kv := range environ {
		if len(kv) > len(key) && kv[:len(key)] == key && kv[len(key)] == '=' {
			return kv[len(key)+1:]
		}
	}
	return def
}
