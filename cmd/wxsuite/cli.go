package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"runtime/debug"
	"syscall"
)

const usage = `wxsuite — the WeChat Official Account platform behind one typed, multi-account API.

Usage:
  wxsuite serve --config FILE [--services LIST]   run services from a configuration file
  wxsuite dev [--addr ADDR] [--sandbox-addr ADDR] [--api-key KEY] [--no-auth]
                                                  run every service on embedded defaults:
                                                  an in-process Redis-compatible store and
                                                  WeChat sandbox with a demo account; prints
                                                  an admin API key
  wxsuite keygen --id NAME [--app-ids LIST] [--scopes LIST]
                                                  print a new API key and its auth.keys entry
  wxsuite version                                 print the version

Services: %s (or "all").
`

// run is the whole program; it returns the process exit code.
func run(ctx context.Context, args, environ []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintf(stderr, usage, knownServices())
		return 2
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], environ, stderr)
	case "dev":
		err = dev(ctx, args[1:], environ, stdout, stderr)
	case "keygen":
		err = keygen(args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, version())
		return 0
	case "help", "-h", "--help":
		fmt.Fprintf(stdout, usage, knownServices())
		return 0
	default:
		fmt.Fprintf(stderr, "wxsuite: unknown command %q\n\n", args[0])
		fmt.Fprintf(stderr, usage, knownServices())
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "wxsuite: %v\n", err)
		return 1
	}
	return 0
}

// version reports the module version the binary was built from.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return "wxsuite " + bi.Main.Version
	}
	return "wxsuite (devel)"
}
