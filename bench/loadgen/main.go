// Command loadgen is a closed-loop gRPC unary load generator: -c callers, spread over
// -conns HTTP/2 connections, each send one call, wait for its answer and send the next.
// It records the latency of every call completed inside the measurement window (no
// sampling), then reports calls/s, errors by code and latency percentiles. Any failed call,
// in the warm-up or the measurement window, makes it exit with status 1.
//
// It calls methods with grpc.ClientConn.Invoke on proto messages, so a target needs no
// generated client, only a preset naming its request and response types (see -target).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// headerFlags collects repeated -H "key: value" flags.
type headerFlags []string

func (h *headerFlags) String() string { return strings.Join(*h, ", ") }

func (h *headerFlags) Set(v string) error {
	k, _, ok := strings.Cut(v, ":")
	if !ok || strings.TrimSpace(k) == "" {
		return fmt.Errorf("header %q: want \"key: value\"", v)
	}
	*h = append(*h, v)
	return nil
}

func run() error {
	var (
		cfg        Config
		targetName string
		headers    headerFlags
		asJSON     bool
		cpuProfile string
	)
	flag.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "server `host:port` (plaintext HTTP/2)")
	flag.StringVar(&targetName, "target", "token", "request/response preset: "+strings.Join(targetNames(), ", "))
	flag.StringVar(&cfg.Method, "method", "", "full method `/pkg.Service/Method` (default: the target's method)")
	flag.StringVar(&cfg.RequestJSON, "request", "", "request message as protojson (default: the target's request)")
	flag.IntVar(&cfg.Callers, "c", 64, "concurrent callers")
	flag.IntVar(&cfg.Conns, "conns", 1, "HTTP/2 connections; callers are spread over them round-robin")
	flag.DurationVar(&cfg.Duration, "d", 10*time.Second, "measurement duration")
	flag.DurationVar(&cfg.Warmup, "warmup", 2*time.Second, "warm-up before measuring (calls not recorded)")
	flag.DurationVar(&cfg.Timeout, "timeout", 5*time.Second, "per-call deadline")
	flag.Var(&headers, "H", "metadata `key: value` sent with every call (repeatable)")
	flag.BoolVar(&asJSON, "json", false, "print the report as JSON")
	flag.StringVar(&cpuProfile, "cpuprofile", "", "write the load generator's own CPU profile to `file`")
	flag.Parse()
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", flag.Args())
	}

	t, ok := targets()[targetName]
	if !ok {
		return fmt.Errorf("unknown -target %q (want one of %s)", targetName, strings.Join(targetNames(), ", "))
	}
	cfg.Target = t
	cfg.Headers = headers
	if err := cfg.normalize(); err != nil {
		return err
	}

	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := Run(ctx, cfg)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		rep.WriteText(os.Stdout)
	}
	if n := rep.TotalErrors(); n > 0 {
		return fmt.Errorf("%d calls failed", n)
	}
	return nil
}
