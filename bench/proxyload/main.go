// Command proxyload measures the transparent proxy's overhead: it starts `wxsuite dev`
// (every service, the proxy included, and the in-process WeChat sandbox), then runs the
// same closed-loop HTTP load (-c callers over as many keep-alive connections, small JSON
// calls: GET /cgi-bin/getcallbackip) alternately straight at the sandbox and through the
// proxy, and prints the rates, latency percentiles and the proxy/direct rate ratio
// (target ≥ -min-ratio, 0.7 by default). It exits 1 when a call failed or the target was
// missed.
//
//	go run ./bench/proxyload                 # 2 rounds of 10s each way, -c 64
//	go run ./bench/proxyload -rounds 4 -d 20s
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// demoAppID is the account `wxsuite dev` creates.
const demoAppID = "wxd000000000000de0"

// benchKey is the admin key `wxsuite dev` is started with (admin holds the proxy scope).
const benchKey = "wxsk_proxyload_bench_key_0000000000000000000000000"

type options struct {
	callers     int
	duration    time.Duration
	warmup      time.Duration
	rounds      int
	addr        string
	sandboxAddr string
	path        string
	auth        string
	logLevel    string
	minRatio    float64
	workdir     string
	jsonOut     string
	baseline    bool
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "proxyload:", err)
		os.Exit(1)
	}
}

func run() error {
	var o options
	flag.IntVar(&o.callers, "c", 64, "concurrent callers, each on its own keep-alive connection")
	flag.DurationVar(&o.duration, "d", 10*time.Second, "measurement duration of each run")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "warm-up before each run (calls not counted)")
	flag.IntVar(&o.rounds, "rounds", 2, "rounds; each runs direct and proxy once, in alternating order")
	flag.StringVar(&o.addr, "addr", "127.0.0.1:18280", "listen address of wxsuite dev")
	flag.StringVar(&o.sandboxAddr, "sandbox-addr", "127.0.0.1:18281", "listen address of its sandbox")
	flag.StringVar(&o.path, "path", "/cgi-bin/getcallbackip", "platform path called (GET, small JSON answer)")
	flag.StringVar(&o.auth, "auth", "header", "how proxied calls authenticate: header (X-Api-Key) or token (only the access_token handed out by the proxy)")
	flag.StringVar(&o.logLevel, "log-level", "info", "wxsuite dev log level (info keeps the proxy's line per call)")
	flag.Float64Var(&o.minRatio, "min-ratio", 0.7, "target: proxy rate / direct rate")
	flag.StringVar(&o.workdir, "workdir", "", "directory for the binary and the server log (default: a temporary one, removed)")
	flag.StringVar(&o.jsonOut, "json-out", "", "also write the results as JSON to `file`")
	flag.BoolVar(&o.baseline, "baseline", true, "also run the load through a bare net/http/httputil.ReverseProxy (in this process, no logic) to the sandbox: the cost of any HTTP proxy hop on this machine, no target")
	flag.Parse()
	if o.auth != "header" && o.auth != "token" {
		return fmt.Errorf("-auth %q: want header or token", o.auth)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dir := o.workdir
	if dir == "" {
		d, err := os.MkdirTemp("", "proxyload-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	bin := filepath.Join(dir, "wxsuite")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/wxsuite")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("go build ./cmd/wxsuite (run from the repository root): %w", err)
	}
	srv, err := startServer(ctx, dir, bin, "dev", "--api-key", benchKey, "--addr", o.addr,
		"--sandbox-addr", o.sandboxAddr, "--log-level", o.logLevel)
	if err != nil {
		return err
	}
	defer srv.stop()
	if err := waitReady(ctx, "http://"+o.addr+"/readyz", 60*time.Second); err != nil {
		return fmt.Errorf("%w (server log: %s)", err, srv.logPath)
	}

	token, err := fetchToken(ctx, o.addr)
	if err != nil {
		return err
	}
	q := "?access_token=" + url.QueryEscape(token)
	loads := map[string]load{
		"direct": {url: "http://" + o.sandboxAddr + o.path + q},
		"proxy":  {url: "http://" + o.addr + "/wx/" + demoAppID + o.path + q},
	}
	if o.auth == "header" {
		l := loads["proxy"]
		l.header = http.Header{"X-Api-Key": {benchKey}}
		loads["proxy"] = l
	}
	names := []string{"direct", "proxy"}
	if o.baseline {
		bare, err := startBareProxy("http://" + o.sandboxAddr)
		if err != nil {
			return err
		}
		defer bare.Close()
		loads["bare-proxy"] = load{url: "http://" + bare.Addr + o.path + q}
		names = append(names, "bare-proxy")
	}
	fmt.Printf("proxyload: -c %d -d %s -warmup %s -rounds %d, GET %s (auth %s), %d CPUs, server log %s\n\n",
		o.callers, o.duration, o.warmup, o.rounds, o.path, o.auth, numCPU(), srv.logPath)

	var results []result
	for r := 1; r <= o.rounds; r++ {
		order := slices.Clone(names)
		if r%2 == 0 {
			slices.Reverse(order)
		}
		for _, name := range order {
			res, err := loads[name].run(ctx, name, r, o, srv.cmd.Process.Pid)
			if err != nil {
				return err
			}
			results = append(results, res)
		}
	}
	return report(results, o)
}

// fetchToken asks the proxy for the central token, with the key in place of the secret,
// as an SDK does.
func fetchToken(ctx context.Context, addr string) (string, error) {
	u := "http://" + addr + "/wx/" + demoAppID + "/cgi-bin/token?grant_type=client_credential&appid=" + demoAppID + "&secret=" + benchKey
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("token through the proxy: %w", err)
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
		Errcode     int    `json:"errcode"`
		Errmsg      string `json:"errmsg"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.AccessToken == "" {
		return "", fmt.Errorf("token through the proxy: %v %d %s", err, out.Errcode, out.Errmsg)
	}
	return out.AccessToken, nil
}

// server is the started wxsuite dev process.
type server struct {
	cmd     *exec.Cmd
	logPath string
	done    chan struct{}
}

func startServer(ctx context.Context, dir, bin string, args ...string) (*server, error) {
	logPath := filepath.Join(dir, "wxsuite.log")
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	s := &server{cmd: cmd, logPath: logPath, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.done) }()
	go func() {
		<-ctx.Done()
		s.stop()
	}()
	return s, nil
}

// stop ends the server: SIGTERM, then SIGKILL after 5 s.
func (s *server) stop() {
	select {
	case <-s.done:
		return
	default:
	}
	terminate(s.cmd)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		kill(s.cmd)
		<-s.done
	}
}

func waitReady(ctx context.Context, u string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s not ready within %s", u, within)
}

// load is one kind of call.
type load struct {
	url    string
	header http.Header
}

// result is one measured run.
type result struct {
	Name     string  `json:"name"`
	Round    int     `json:"round"`
	Calls    int     `json:"calls"`
	Errors   int     `json:"errors"`
	Rate     float64 `json:"rate"`
	P50Milli float64 `json:"p50_ms"`
	P99Milli float64 `json:"p99_ms"`
	// CPUMicros is the CPU time (this process: callers and the bare proxy; plus the
	// wxsuite process: sandbox and proxy) per measured call, in microseconds; 0 where it
	// cannot be read. Unlike the rate, it hardly depends on what else the machine runs.
	CPUMicros float64 `json:"cpu_us_per_call"`
	Sample    string  `json:"first_error,omitempty"`
}

// run drives -c callers, each on its own connection, for warmup then duration, and
// records the latency of each call finished inside the measurement window.
func (l load) run(ctx context.Context, name string, round int, o options, serverPID int) (result, error) {
	transport := &http.Transport{MaxConnsPerHost: o.callers, MaxIdleConnsPerHost: o.callers, DisableCompression: true}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second}
	start := time.Now()
	measureFrom, measureTo := start.Add(o.warmup), start.Add(o.warmup+o.duration)
	// CPU is sampled at the window's edges by a goroutine of its own.
	type cpuSample struct {
		self, server time.Duration
		ok           bool
	}
	cpuAt := make(chan cpuSample, 2)
	go func() {
		for _, at := range []time.Time{measureFrom, measureTo} {
			time.Sleep(time.Until(at))
			self, server, ok := cpuTime(serverPID)
			cpuAt <- cpuSample{self, server, ok}
		}
	}()
	var (
		mu        sync.Mutex
		latencies []time.Duration
		errs      int
		sample    string
		wg        sync.WaitGroup
	)
	for range o.callers {
		wg.Go(func() {
			var mine []time.Duration
			myErrs, mySample := 0, ""
			for ctx.Err() == nil {
				t0 := time.Now()
				if t0.After(measureTo) {
					break
				}
				err := l.call(ctx, client)
				t1 := time.Now()
				if err != nil {
					myErrs++
					if mySample == "" {
						mySample = err.Error()
					}
					continue
				}
				if t0.After(measureFrom) && t1.Before(measureTo) {
					mine = append(mine, t1.Sub(t0))
				}
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			errs += myErrs
			if sample == "" {
				sample = mySample
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		return result{}, ctx.Err()
	}
	slices.Sort(latencies)
	res := result{Name: name, Round: round, Calls: len(latencies), Errors: errs, Sample: sample,
		Rate: float64(len(latencies)) / o.duration.Seconds()}
	c0, c1 := <-cpuAt, <-cpuAt
	if c0.ok && c1.ok && len(latencies) > 0 {
		used := (c1.self - c0.self) + (c1.server - c0.server)
		res.CPUMicros = float64(used.Microseconds()) / float64(len(latencies))
	}
	if n := len(latencies); n > 0 {
		res.P50Milli = float64(latencies[n/2]) / 1e6
		res.P99Milli = float64(latencies[min(n-1, n*99/100)]) / 1e6
	}
	return res, nil
}

// call makes one call and checks that it succeeded (HTTP 200, a JSON answer without a
// non-zero errcode).
func (l load) call(ctx context.Context, client *http.Client) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, l.url, nil)
	for k, v := range l.header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, body)
	}
	var env struct {
		Errcode int    `json:"errcode"`
		Errmsg  string `json:"errmsg"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return fmt.Errorf("answer is not JSON: %.200s", body)
	}
	if env.Errcode != 0 {
		return fmt.Errorf("errcode %d: %s", env.Errcode, env.Errmsg)
	}
	return nil
}

func report(results []result, o options) error {
	fmt.Println("| round | load | calls/s | p50 ms | p99 ms | CPU µs/call | errors |")
	fmt.Println("|---|---|---|---|---|---|---|")
	var sum, cpu = map[string]float64{}, map[string]float64{}
	var failed []string
	for _, r := range results {
		fmt.Printf("| %d | %s | %.0f | %.2f | %.2f | %.1f | %d |\n", r.Round, r.Name, r.Rate, r.P50Milli, r.P99Milli, r.CPUMicros, r.Errors)
		sum[r.Name] += r.Rate
		cpu[r.Name] += r.CPUMicros
		if r.Errors > 0 {
			failed = append(failed, fmt.Sprintf("%s round %d: %d errors, first: %s", r.Name, r.Round, r.Errors, r.Sample))
		}
	}
	ratio := 0.0
	if sum["direct"] > 0 {
		ratio = sum["proxy"] / sum["direct"]
	}
	fmt.Printf("\nproxy/direct rate (ratio of the means): %.3f (target ≥ %.2f)\n", ratio, o.minRatio)
	if cpu["direct"] > 0 && cpu["proxy"] > 0 {
		fmt.Printf("CPU per call, direct/proxy (the rate ratio when CPU-bound, insensitive to other load): %.3f\n", cpu["direct"]/cpu["proxy"])
	}
	if sum["bare-proxy"] > 0 && sum["direct"] > 0 {
		fmt.Printf("bare-proxy/direct rate (a no-logic httputil.ReverseProxy, for reference): %.3f\n", sum["bare-proxy"]/sum["direct"])
		fmt.Printf("proxy/bare-proxy rate: %.3f\n", sum["proxy"]/sum["bare-proxy"])
		if cpu["bare-proxy"] > 0 && cpu["direct"] > 0 {
			fmt.Printf("CPU per call, direct/bare-proxy: %.3f\n", cpu["direct"]/cpu["bare-proxy"])
		}
	}
	if o.jsonOut != "" {
		data, _ := json.MarshalIndent(map[string]any{"results": results, "ratio": ratio, "min_ratio": o.minRatio}, "", "  ")
		if err := os.WriteFile(o.jsonOut, data, 0o644); err != nil {
			return err
		}
	}
	if len(failed) > 0 {
		return errors.New("failed calls:\n  " + strings.Join(failed, "\n  "))
	}
	if ratio < o.minRatio {
		return fmt.Errorf("target missed: proxy/direct %.3f < %.2f", ratio, o.minRatio)
	}
	return nil
}

// bareProxy is a reverse proxy without any logic, for reference.
type bareProxy struct {
	Addr string
	srv  *http.Server
}

func (b *bareProxy) Close() { _ = b.srv.Close() }

// startBareProxy serves httputil.ReverseProxy to target on a loopback port, with the same
// idle-connection pool size as the real proxy's forwarder.
func startBareProxy(target string) (*bareProxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.Transport = &http.Transport{MaxIdleConnsPerHost: 256, DisableCompression: true}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: rp, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return &bareProxy{Addr: ln.Addr().String(), srv: srv}, nil
}
