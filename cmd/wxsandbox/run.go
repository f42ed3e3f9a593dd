package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxserver"
)

// run is the whole program; it returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("wxsandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", ":8081", "listen address")
	fixture := fs.String("fixture", "", `JSON file of accounts: {"accounts":[{"app_id":…,"app_secret":…,"name":…}]}`)
	noDemo := fs.Bool("no-demo", false, "do not create the demo account")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := serve(ctx, *addr, *fixture, !*noDemo, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "wxsandbox: %v\n", err)
		return 1
	}
	return 0
}

func serve(ctx context.Context, addr, fixture string, demo bool, stdout, stderr io.Writer) error {
	var accounts []sandbox.Account
	if fixture != "" {
		a, err := sandbox.LoadFixture(fixture)
		if err != nil {
			return err
		}
		accounts = a
	}
	if demo {
		accounts = append(accounts, sandbox.DemoAccount())
	}
	sb := sandbox.New(sandbox.Options{Accounts: accounts})
	log := slog.New(slog.NewTextHandler(stderr, nil))
	srv, err := sandboxserver.New(sb, rpcserver.Config{Addr: addr, ShutdownGrace: 0}, log, prometheus.NewRegistry())
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := srv.Start(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wxsandbox listening on %s (%d accounts); set wechat.base_url to it.\n", srv.URL(), len(accounts))
	<-ctx.Done()
	stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Stop(stopCtx)
}
