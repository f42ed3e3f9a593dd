// Command compare measures the wxsuite token service against a bare connect-go echo
// service in one invocation on one machine: it builds bench/echo, bench/loadgen and
// cmd/wxsuite, starts the echo server and `wxsuite dev`, waits for both to be ready,
// then runs the same loadgen settings against echo and GetAccessToken alternately for
// -rounds rounds and prints a Markdown table of rates, p99s and token/echo ratios with
// the verdict against the targets (rate ratio >= -min-rate-ratio, p99 ratio <=
// -max-p99-ratio). It exits 1 when a call fails or a target is missed, and it stops
// both servers however it ends (on Linux even when killed).
//
// Run it from the repository: go run ./bench/compare
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

// options are compare's flags.
type options struct {
	callers, conns, rounds int
	duration, warmup       time.Duration
	echoAddr, tokenAddr    string
	sandboxAddr, request   string
	minRate, maxP99        float64
	jsonOut, workDir       string
	readyTimeout, coolDown time.Duration
}

func parseFlags() options {
	var o options
	flag.IntVar(&o.callers, "c", 64, "concurrent callers per run")
	flag.IntVar(&o.conns, "conns", 1, "HTTP/2 connections per run")
	flag.IntVar(&o.rounds, "rounds", 2, "rounds; each runs echo then token")
	flag.DurationVar(&o.duration, "d", 10*time.Second, "measurement duration per run")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "warm-up per run")
	flag.DurationVar(&o.coolDown, "cool", time.Second, "pause between runs")
	flag.StringVar(&o.echoAddr, "echo-addr", "127.0.0.1:18090", "echo server address")
	flag.StringVar(&o.tokenAddr, "addr", "127.0.0.1:18080", "wxsuite dev --addr")
	flag.StringVar(&o.sandboxAddr, "sandbox-addr", "127.0.0.1:18081", "wxsuite dev --sandbox-addr")
	flag.StringVar(&o.request, "request", "", "GetAccessToken request as protojson (default: loadgen's, the demo account)")
	flag.Float64Var(&o.minRate, "min-rate-ratio", 0.8, "target: token rate / echo rate at least this")
	flag.Float64Var(&o.maxP99, "max-p99-ratio", 1.5, "target: token p99 / echo p99 at most this")
	flag.StringVar(&o.jsonOut, "json-out", "", "also write every run's report and the verdict as JSON to `file`")
	flag.StringVar(&o.workDir, "workdir", "", "directory for binaries and server logs (default: a temporary one, removed at exit)")
	flag.DurationVar(&o.readyTimeout, "ready-timeout", 60*time.Second, "how long to wait for each server's /readyz")
	flag.Parse()
	return o
}

func run() error {
	o := parseFlags()
	if o.rounds < 1 {
		return errors.New("-rounds must be at least 1")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	root, err := moduleRoot(ctx)
	if err != nil {
		return err
	}
	dir := o.workDir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "wxsuite-compare-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "compare: building echo, loadgen and wxsuite into", dir)
	if err := buildAll(ctx, root, dir, map[string]string{
		"echo":    "./bench/echo",
		"loadgen": "./bench/loadgen",
		"wxsuite": "./cmd/wxsuite",
	}); err != nil {
		return err
	}

	echo, err := startServer("echo", dir, filepath.Join(dir, "echo"), "-addr", o.echoAddr)
	if err != nil {
		return err
	}
	defer echo.stop(5 * time.Second)
	token, err := startServer("wxsuite", dir, filepath.Join(dir, "wxsuite"),
		"dev", "--addr", o.tokenAddr, "--sandbox-addr", o.sandboxAddr)
	if err != nil {
		return err
	}
	defer token.stop(5 * time.Second)
	if err := echo.waitReady(ctx, "http://"+o.echoAddr+"/readyz", o.readyTimeout); err != nil {
		return err
	}
	if err := token.waitReady(ctx, "http://"+o.tokenAddr+"/readyz", o.readyTimeout); err != nil {
		return err
	}

	loadgen := filepath.Join(dir, "loadgen")
	rounds := make([]round, 0, o.rounds)
	for i := range o.rounds {
		var r round
		if r.Echo, err = runLoad(ctx, loadgen, o, "echo", o.echoAddr, ""); err != nil {
			return err
		}
		pause(ctx, o.coolDown)
		if r.Token, err = runLoad(ctx, loadgen, o, "token", o.tokenAddr, o.request); err != nil {
			return err
		}
		pause(ctx, o.coolDown)
		fmt.Fprintf(os.Stderr, "compare: round %d: echo %.0f/s p99 %s, token %.0f/s p99 %s\n",
			i+1, r.Echo.Rate, ms(r.Echo.P99), r.Token.Rate, ms(r.Token.P99))
		rounds = append(rounds, r)
	}

	s := summarize(rounds, o.minRate, o.maxP99)
	fmt.Printf("\n%d rounds, each: loadgen -c %d -conns %d -d %s -warmup %s (echo first, then token)\n\n",
		o.rounds, o.callers, o.conns, o.duration, o.warmup)
	s.writeTable(os.Stdout)
	if o.jsonOut != "" {
		b, err := json.MarshalIndent(s, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.jsonOut, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	switch {
	case s.ErrorsTotal > 0:
		return fmt.Errorf("%d calls failed", s.ErrorsTotal)
	case !s.RateMet || !s.P99Met:
		return errors.New("targets missed")
	}
	return nil
}

// runLoad runs loadgen against one target and returns its report. A run whose calls
// failed still returns its report: the table shows the errors and run fails at the end.
func runLoad(ctx context.Context, loadgen string, o options, target, addr, request string) (loadReport, error) {
	args := []string{
		"-addr", addr, "-target", target, "-json",
		"-c", strconv.Itoa(o.callers), "-conns", strconv.Itoa(o.conns),
		"-d", o.duration.String(), "-warmup", o.warmup.String(),
	}
	if request != "" {
		args = append(args, "-request", request)
	}
	var stdout bytes.Buffer
	cmd := exec.CommandContext(ctx, loadgen, args...)
	cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
	cmd.SysProcAttr = childAttr()
	runErr := cmd.Run()
	var rep loadReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		if runErr != nil {
			return rep, fmt.Errorf("loadgen %s: %w", target, runErr)
		}
		return rep, fmt.Errorf("loadgen %s: reading its report: %w", target, err)
	}
	return rep, nil
}

func pause(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
