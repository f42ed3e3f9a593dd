// Command compare measures wxsuite against a bare connect-go echo service, and
// wxsuite with API keys against wxsuite without, in one invocation on one machine. It
// builds bench/echo, bench/loadgen and cmd/wxsuite, starts the servers the selected
// comparisons need (echo; `wxsuite dev` with an API key; a second `wxsuite dev --no-auth`
// on other ports), waits for them to be ready, then for -rounds rounds runs the same
// loadgen settings against each selected load, alternating the order from round to round:
//
//	echo          bench/echo's Echo
//	token         GetAccessToken with the key, on the server with keys
//	token-noauth  GetAccessToken without a key, on the --no-auth server
//	jssdk         SignJSSDKConfig with the key, on the server with keys
//	token-noaudit GetAccessToken with the key, on a third server with keys and
//	              --log-level warn, which drops the audit line (only with -compare audit)
//
// It prints Markdown tables (every run, the per-round ratios) and the verdict of each
// comparison selected with -compare:
//
//	token  token/echo rate >= -min-rate-ratio and p99 ratio <= -max-p99-ratio
//	jssdk  jssdk/echo rate >= -jssdk-min-rate-ratio
//	auth   1 - token/token-noauth rate < -max-auth-cost
//	audit  1 - token/token-noaudit rate, no target (not selected by default)
//
// It exits 1 when a call fails or a target is missed, and it stops every server however
// it ends (on Linux even when killed).
//
// Run it from the repository: go run ./bench/compare
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
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
	callers, conns, rounds           int
	duration, warmup                 time.Duration
	compare                          string
	echoAddr, tokenAddr, sandboxAddr string
	noAuthAddr, noAuthSandboxAddr    string
	noAuditAddr, noAuditSandboxAddr  string
	apiKey, request, jssdkRequest    string
	minRate, maxP99                  float64
	jssdkMinRate, maxAuthCost        float64
	jsonOut, workDir                 string
	readyTimeout, coolDown           time.Duration
}

func parseFlags() options {
	var o options
	flag.IntVar(&o.callers, "c", 64, "concurrent callers per run")
	flag.IntVar(&o.conns, "conns", 1, "HTTP/2 connections per run")
	flag.IntVar(&o.rounds, "rounds", 2, "rounds; each runs every selected load once, in alternating order")
	flag.DurationVar(&o.duration, "d", 10*time.Second, "measurement duration per run")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "warm-up per run")
	flag.DurationVar(&o.coolDown, "cool", time.Second, "pause between runs")
	flag.StringVar(&o.compare, "compare", "token,jssdk,auth", "comma-separated comparisons: token (GetAccessToken vs echo), jssdk (SignJSSDKConfig vs echo), auth (GetAccessToken with a key vs --no-auth), audit (GetAccessToken with vs without its audit line; no target)")
	flag.StringVar(&o.echoAddr, "echo-addr", "127.0.0.1:18090", "echo server address")
	flag.StringVar(&o.tokenAddr, "addr", "127.0.0.1:18080", "--addr of wxsuite dev with API keys")
	flag.StringVar(&o.sandboxAddr, "sandbox-addr", "127.0.0.1:18081", "--sandbox-addr of wxsuite dev with API keys")
	flag.StringVar(&o.noAuthAddr, "noauth-addr", "127.0.0.1:18082", "--addr of wxsuite dev --no-auth")
	flag.StringVar(&o.noAuthSandboxAddr, "noauth-sandbox-addr", "127.0.0.1:18083", "--sandbox-addr of wxsuite dev --no-auth")
	flag.StringVar(&o.noAuditAddr, "noaudit-addr", "127.0.0.1:18084", "--addr of wxsuite dev --log-level warn (-compare audit)")
	flag.StringVar(&o.noAuditSandboxAddr, "noaudit-sandbox-addr", "127.0.0.1:18085", "--sandbox-addr of wxsuite dev --log-level warn (-compare audit)")
	flag.StringVar(&o.apiKey, "api-key", "", "API key for wxsuite dev (at least 32 characters; default: a random one)")
	flag.StringVar(&o.request, "request", "", "GetAccessToken request as protojson (default: loadgen's, the demo account)")
	flag.StringVar(&o.jssdkRequest, "jssdk-request", "", "SignJSSDKConfig request as protojson (default: loadgen's, the demo account and a localhost page)")
	flag.Float64Var(&o.minRate, "min-rate-ratio", 0.8, "target: token rate / echo rate at least this")
	flag.Float64Var(&o.maxP99, "max-p99-ratio", 1.5, "target: token p99 / echo p99 at most this")
	flag.Float64Var(&o.jssdkMinRate, "jssdk-min-rate-ratio", 0.8, "target: jssdk rate / echo rate at least this")
	flag.Float64Var(&o.maxAuthCost, "max-auth-cost", 0.05, "target: 1 - token rate / token-noauth rate below this")
	flag.StringVar(&o.jsonOut, "json-out", "", "also write every run's report and the verdicts as JSON to `file`")
	flag.StringVar(&o.workDir, "workdir", "", "directory for binaries and server logs (default: a temporary one, removed at exit)")
	flag.DurationVar(&o.readyTimeout, "ready-timeout", 60*time.Second, "how long to wait for each server's /readyz")
	flag.Parse()
	return o
}

// Run names, in the order of a forward round.
const (
	runEcho        = "echo"
	runToken       = "token"
	runTokenNoAuth = "token-noauth"
	runJSSDK       = "jssdk"
	runNoAudit     = "token-noaudit"
)

var runOrder = []string{runEcho, runToken, runTokenNoAuth, runJSSDK, runNoAudit}

// comparisons returns the comparisons selected by -compare, in the order given.
func comparisons(o options) ([]comparison, error) {
	all := map[string]comparison{
		"token": {Name: "token", Num: runToken, Den: runEcho, MinRate: o.minRate, MaxP99: o.maxP99},
		"jssdk": {Name: "jssdk", Num: runJSSDK, Den: runEcho, MinRate: o.jssdkMinRate},
		"auth":  {Name: "auth", Num: runToken, Den: runTokenNoAuth, MaxCost: o.maxAuthCost},
		"audit": {Name: "audit", Num: runToken, Den: runNoAudit},
	}
	var out []comparison
	seen := map[string]bool{}
	for name := range strings.SplitSeq(o.compare, ",") {
		name = strings.TrimSpace(name)
		c, ok := all[name]
		switch {
		case name == "" || seen[name]:
			continue
		case !ok:
			return nil, fmt.Errorf("-compare: unknown comparison %q (want token, jssdk, auth, audit)", name)
		}
		seen[name] = true
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("-compare: nothing selected")
	}
	return out, nil
}

// neededRuns returns the runs comps use, in runOrder.
func neededRuns(comps []comparison) []string {
	var runs []string
	for _, name := range runOrder {
		for _, c := range comps {
			if c.Num == name || c.Den == name {
				runs = append(runs, name)
				break
			}
		}
	}
	return runs
}

// roundOrder is runs forward in odd rounds (i = 0, 2, ...) and backward in even ones, so
// that no load always runs first or right after another.
func roundOrder(runs []string, i int) []string {
	order := slices.Clone(runs)
	if i%2 == 1 {
		slices.Reverse(order)
	}
	return order
}

// randomKey returns a random API key for wxsuite dev.
func randomKey() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return "bench-" + hex.EncodeToString(b)
}

func run() error {
	o := parseFlags()
	if o.rounds < 1 {
		return errors.New("-rounds must be at least 1")
	}
	comps, err := comparisons(o)
	if err != nil {
		return err
	}
	runs := neededRuns(comps)
	if o.apiKey == "" {
		o.apiKey = randomKey()
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

	// Every server started is stopped, all at once, however run returns.
	var servers []*server
	defer func() {
		var wg sync.WaitGroup
		for _, s := range servers {
			wg.Go(func() { s.stop(5 * time.Second) })
		}
		wg.Wait()
	}()
	start := func(name, readyAddr string, env []string, bin string, args ...string) error {
		s, err := startServer(name, dir, env, filepath.Join(dir, bin), args...)
		if err != nil {
			return err
		}
		servers = append(servers, s)
		if err := s.waitReady(ctx, "http://"+readyAddr+"/readyz", o.readyTimeout); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "compare: %s ready at %s, pid %d, log %s\n", name, readyAddr, s.cmd.Process.Pid, s.log)
		return nil
	}
	// On the command line: WXSUITE_DEV_API_KEY, which would keep it out of ps, currently
	// makes wxsuite dev fail ("config: dev_api_key: unknown key": it is also read as a
	// configuration override). The key is random and the server is on loopback.
	if slices.Contains(runs, runEcho) {
		if err := start("echo", o.echoAddr, nil, "echo", "-addr", o.echoAddr); err != nil {
			return err
		}
	}
	if slices.Contains(runs, runToken) || slices.Contains(runs, runJSSDK) {
		if err := start("wxsuite-keys", o.tokenAddr, nil, "wxsuite",
			"dev", "--api-key", o.apiKey, "--addr", o.tokenAddr, "--sandbox-addr", o.sandboxAddr); err != nil {
			return err
		}
	}
	if slices.Contains(runs, runTokenNoAuth) {
		if err := start("wxsuite-noauth", o.noAuthAddr, nil, "wxsuite",
			"dev", "--no-auth", "--addr", o.noAuthAddr, "--sandbox-addr", o.noAuthSandboxAddr); err != nil {
			return err
		}
	}

	if slices.Contains(runs, runNoAudit) {
		// The audit line is logged at info: at warn it is dropped, and so is nothing else
		// that a successful GetAccessToken logs.
		if err := start("wxsuite-noaudit", o.noAuditAddr, nil, "wxsuite",
			"dev", "--api-key", o.apiKey, "--log-level", "warn", "--addr", o.noAuditAddr, "--sandbox-addr", o.noAuditSandboxAddr); err != nil {
			return err
		}
	}

	bearer := "authorization: Bearer " + o.apiKey
	loads := map[string]loadSpec{
		runEcho:        {target: "echo", addr: o.echoAddr},
		runToken:       {target: "token", addr: o.tokenAddr, request: o.request, header: bearer},
		runTokenNoAuth: {target: "token", addr: o.noAuthAddr, request: o.request},
		runJSSDK:       {target: "jssdk", addr: o.tokenAddr, request: o.jssdkRequest, header: bearer},
		runNoAudit:     {target: "token", addr: o.noAuditAddr, request: o.request, header: bearer},
	}
	loadgen := filepath.Join(dir, "loadgen")
	rounds := make([]round, 0, o.rounds)
	for i := range o.rounds {
		r := round{Order: roundOrder(runs, i), Reports: map[string]loadReport{}}
		var line []string
		for _, name := range r.Order {
			rep, err := runLoad(ctx, loadgen, o, name, loads[name])
			if err != nil {
				return err
			}
			r.Reports[name] = rep
			line = append(line, fmt.Sprintf("%s %.0f/s p99 %s", name, rep.Rate, ms(rep.P99)))
			pause(ctx, o.coolDown)
		}
		fmt.Fprintf(os.Stderr, "compare: round %d: %s\n", i+1, strings.Join(line, ", "))
		rounds = append(rounds, r)
	}
	for _, s := range servers {
		if fi, err := os.Stat(s.log); err == nil {
			fmt.Fprintf(os.Stderr, "compare: %s wrote %.1f MB of logs to %s\n", s.name, float64(fi.Size())/1e6, s.log)
		}
	}

	s := summarize(rounds, runs, comps)
	fmt.Printf("\n%d rounds, each: loadgen -c %d -conns %d -d %s -warmup %s per run, %s pause; order %s, reversed in even rounds\n\n",
		o.rounds, o.callers, o.conns, o.duration, o.warmup, o.coolDown, strings.Join(runs, ", "))
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
	case !s.Met():
		return errors.New("targets missed")
	}
	return nil
}

// loadSpec is how loadgen is pointed at one load.
type loadSpec struct {
	target, addr, request string
	header                string // "key: value" metadata, or empty
}

// runLoad runs loadgen for one load and returns its report. A run whose calls failed
// still returns its report: the tables show the errors and run fails at the end.
func runLoad(ctx context.Context, loadgen string, o options, name string, l loadSpec) (loadReport, error) {
	args := []string{
		"-addr", l.addr, "-target", l.target, "-json",
		"-c", strconv.Itoa(o.callers), "-conns", strconv.Itoa(o.conns),
		"-d", o.duration.String(), "-warmup", o.warmup.String(),
	}
	if l.request != "" {
		args = append(args, "-request", l.request)
	}
	if l.header != "" {
		args = append(args, "-H", l.header)
	}
	var stdout bytes.Buffer
	cmd := exec.CommandContext(ctx, loadgen, args...)
	cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
	cmd.SysProcAttr = childAttr()
	runErr := cmd.Run()
	var rep loadReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		if runErr != nil {
			return rep, fmt.Errorf("loadgen %s: %w", name, runErr)
		}
		return rep, fmt.Errorf("loadgen %s: reading its report: %w", name, err)
	}
	return rep, nil
}

func pause(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
