//go:build linux

// Command followers measures StreamFollowers against paging the sandbox's user/get
// directly, in one invocation on one machine. It builds cmd/wxsandbox and cmd/wxsuite,
// starts the sandbox (its own process) and gives the demo account -n generated followers
// through the admin API (GenerateFollowers), starts `wxsuite serve --services
// token,audience` (its own process, real Redis at -redis) pointed at the sandbox, and
// then, for -rounds rounds in alternating order:
//
//	direct  a plain net/http client pages GET /cgi-bin/user/get?next_openid= on the
//	        sandbox with the account's access token (from wxsuite's TokenService, so
//	        both share one token), decoding each page's JSON
//	stream  a grpc-go client reads StreamFollowers over every follower
//
// -warmup unmeasured rounds come first. Both loads count the openids they receive and
// must see all -n. While the stream runs, the
// wxsuite process's resident set (VmRSS from /proc) is sampled every 20 ms; the growth
// is the largest sample minus the sample taken just before the stream started.
//
// It prints a Markdown table and the verdict: the median round's stream/direct rate >=
// -min-ratio (0.5), and RSS growth < -max-rss-mb (50) in every round. It exits 1 when a
// target is missed or a call fails, and it stops both servers however it ends.
//
// Run it from the repository: go run ./bench/followers (Linux: it reads /proc and
// uses Pdeathsig).
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
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

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	audiencev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/audience/v1"
	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1/sandboxv1connect"
	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/sandbox"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "followers:", err)
		os.Exit(1)
	}
}

// options are the flags.
type options struct {
	n, rounds, warmup  int
	minRatio, maxRSSMB float64
	redis, workDir     string
	readyTimeout       time.Duration
}

func parseFlags() options {
	var o options
	flag.IntVar(&o.n, "n", 1000000, "followers to generate and stream")
	flag.IntVar(&o.rounds, "rounds", 3, "rounds; each runs direct and stream once, in alternating order")
	flag.IntVar(&o.warmup, "warmup", 1, "unmeasured warm-up rounds before the measured ones")
	flag.Float64Var(&o.minRatio, "min-ratio", 0.5, "least stream/direct openid rate")
	flag.Float64Var(&o.maxRSSMB, "max-rss-mb", 50, "largest RSS growth of the wxsuite process during a stream, MB")
	flag.StringVar(&o.redis, "redis", "redis://127.0.0.1:6379/0", "Redis URL for wxsuite")
	flag.StringVar(&o.workDir, "work", "", "directory for binaries and config (default: a new temporary one)")
	flag.DurationVar(&o.readyTimeout, "ready-timeout", 2*time.Minute, "how long to wait for the servers")
	flag.Parse()
	return o
}

// result is one measured run.
type result struct {
	round     int
	load      string
	openids   int
	elapsed   time.Duration
	rssBefore int64 // bytes; stream only
	rssMax    int64
}

func (r result) rate() float64 { return float64(r.openids) / r.elapsed.Seconds() }

func run() error {
	o := parseFlags()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	work := o.workDir
	if work == "" {
		dir, err := os.MkdirTemp("", "wxsuite-followers-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		work = dir
	}
	for _, cmd := range []string{"wxsandbox", "wxsuite"} {
		build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(work, cmd), "./cmd/"+cmd)
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build %s: %w", cmd, err)
		}
	}
	sbAddr, err := freeAddr()
	if err != nil {
		return err
	}
	apiAddr, err := freeAddr()
	if err != nil {
		return err
	}
	var procs procSet
	defer procs.stopAll()

	sb, err := procs.start(ctx, work, "wxsandbox", "--addr", sbAddr)
	if err != nil {
		return err
	}
	sbURL := "http://" + sbAddr
	if err := waitReady(ctx, sbURL+"/readyz", o.readyTimeout); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	admin := sandboxv1connect.NewSandboxServiceClient(http.DefaultClient, sbURL)
	genStart := time.Now()
	for left := o.n; left > 0; {
		chunk := min(left, 1000000)
		if _, err := admin.GenerateFollowers(ctx, &sandboxv1.GenerateFollowersRequest{AppId: sandbox.DemoAppID, Count: int32(chunk)}); err != nil {
			return fmt.Errorf("generate followers: %w", err)
		}
		left -= chunk
	}
	sbRSS, _ := rss(sb.Process.Pid)
	fmt.Fprintf(os.Stderr, "generated %d followers in %v; sandbox RSS %.0f MB\n", o.n, time.Since(genStart).Round(time.Millisecond), mb(sbRSS))

	prefix := "bench-followers-" + randomHex(4)
	cfg := fmt.Sprintf(`server: {addr: %q, shutdown_grace: 1s}
log: {level: warn}
redis: {url: %q}
wechat: {base_url: %q, timeout: 30s}
token: {key_prefix: %q}
auth: {disabled: true}
accounts:
  - {app_id: %q, app_secret: %q}
`, apiAddr, o.redis, sbURL, prefix, sandbox.DemoAppID, sandbox.DemoAppSecret)
	cfgPath := filepath.Join(work, "wxsuite.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		return err
	}
	wx, err := procs.start(ctx, work, "wxsuite", "serve", "--config", cfgPath, "--services", "token,audience")
	if err != nil {
		return err
	}
	if err := waitReady(ctx, "http://"+apiAddr+"/readyz", o.readyTimeout); err != nil {
		return fmt.Errorf("wxsuite: %w", err)
	}
	conn, err := grpc.NewClient(apiAddr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(16<<20)))
	if err != nil {
		return err
	}
	defer conn.Close()
	tok, err := tokenv1.NewTokenServiceClient(conn).GetAccessToken(ctx, &tokenv1.GetAccessTokenRequest{AppId: sandbox.DemoAppID})
	if err != nil {
		return fmt.Errorf("GetAccessToken: %w", err)
	}
	users := audiencev1.NewUserServiceClient(conn)
	direct := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}

	for i := 0; i < o.warmup; i++ {
		if _, err := runDirect(ctx, direct, sbURL, tok.GetAccessToken()); err != nil {
			return fmt.Errorf("warm-up direct: %w", err)
		}
		if _, err := runStream(ctx, users, wx.Process.Pid); err != nil {
			return fmt.Errorf("warm-up stream: %w", err)
		}
	}
	var results []result
	for round := 1; round <= o.rounds; round++ {
		order := []string{"direct", "stream"}
		if round%2 == 0 {
			order = []string{"stream", "direct"}
		}
		for _, load := range order {
			var r result
			switch load {
			case "direct":
				r, err = runDirect(ctx, direct, sbURL, tok.GetAccessToken())
			case "stream":
				r, err = runStream(ctx, users, wx.Process.Pid)
			}
			if err != nil {
				return fmt.Errorf("round %d %s: %w", round, load, err)
			}
			if r.openids != o.n {
				return fmt.Errorf("round %d %s: received %d openids, want %d", round, load, r.openids, o.n)
			}
			r.round, r.load = round, load
			results = append(results, r)
			fmt.Fprintf(os.Stderr, "round %d %-6s %d openids in %v (%.0f/s)\n", round, load, r.openids, r.elapsed.Round(time.Millisecond), r.rate())
		}
	}
	return report(o, results)
}

// runDirect pages user/get on the sandbox as a plain HTTP client would.
func runDirect(ctx context.Context, c *http.Client, base, token string) (result, error) {
	start := time.Now()
	n, next := 0, ""
	for {
		q := url.Values{"access_token": {token}}
		if next != "" {
			q.Set("next_openid", next)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/cgi-bin/user/get?"+q.Encode(), nil)
		if err != nil {
			return result{}, err
		}
		resp, err := c.Do(req)
		if err != nil {
			return result{}, err
		}
		var page struct {
			Errcode int `json:"errcode"`
			Count   int `json:"count"`
			Data    struct {
				OpenID []string `json:"openid"`
			} `json:"data"`
			NextOpenID string `json:"next_openid"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			return result{}, err
		}
		if page.Errcode != 0 {
			return result{}, fmt.Errorf("user/get errcode %d", page.Errcode)
		}
		n += len(page.Data.OpenID)
		if len(page.Data.OpenID) == 0 || page.NextOpenID == "" { // the platform's end, as StreamFollowers sees it
			break
		}
		next = page.NextOpenID
	}
	return result{openids: n, elapsed: time.Since(start)}, nil
}

// runStream reads StreamFollowers to the end while sampling the server's RSS.
func runStream(ctx context.Context, users audiencev1.UserServiceClient, pid int) (result, error) {
	before, err := rss(pid)
	if err != nil {
		return result{}, err
	}
	var (
		mu     sync.Mutex
		maxRSS = before
	)
	sampleCtx, stopSampling := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-sampleCtx.Done():
				return
			case <-t.C:
				if v, err := rss(pid); err == nil {
					mu.Lock()
					maxRSS = max(maxRSS, v)
					mu.Unlock()
				}
			}
		}
	}()
	start := time.Now()
	stream, err := users.StreamFollowers(ctx, &audiencev1.StreamFollowersRequest{AppId: sandbox.DemoAppID})
	n := 0
	if err == nil {
		for {
			m, rerr := stream.Recv()
			if rerr != nil {
				if !errors.Is(rerr, io.EOF) {
					err = rerr
				}
				break
			}
			n += len(m.GetOpenids())
		}
	}
	elapsed := time.Since(start)
	stopSampling()
	wg.Wait()
	if err != nil {
		return result{}, err
	}
	if v, err := rss(pid); err == nil {
		maxRSS = max(maxRSS, v)
	}
	return result{openids: n, elapsed: elapsed, rssBefore: before, rssMax: maxRSS}, nil
}

// report prints the table and the verdict.
func report(o options, results []result) error {
	fmt.Printf("\n## StreamFollowers vs direct user/get paging, %d followers\n\n", o.n)
	fmt.Println("| round | load | openids | seconds | openids/s | RSS before (MB) | RSS max (MB) | growth (MB) |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for _, r := range results {
		rssCols := "| | |"
		if r.load == "stream" {
			rssCols = fmt.Sprintf("%.1f | %.1f | %.1f |", mb(r.rssBefore), mb(r.rssMax), mb(r.rssMax-r.rssBefore))
		}
		fmt.Printf("| %d | %s | %d | %.3f | %.0f | %s\n", r.round, r.load, r.openids, r.elapsed.Seconds(), r.rate(), rssCols)
	}
	fmt.Println()
	failed := false
	rates := map[int]map[string]float64{}
	for _, r := range results {
		if rates[r.round] == nil {
			rates[r.round] = map[string]float64{}
		}
		rates[r.round][r.load] = r.rate()
		if r.load == "stream" && mb(r.rssMax-r.rssBefore) >= o.maxRSSMB {
			fmt.Printf("- round %d: RSS grew %.1f MB (limit %.0f): FAIL\n", r.round, mb(r.rssMax-r.rssBefore), o.maxRSSMB)
			failed = true
		}
	}
	ratios := make([]float64, 0, o.rounds)
	for round := 1; round <= o.rounds; round++ {
		ratio := rates[round]["stream"] / rates[round]["direct"]
		ratios = append(ratios, ratio)
		fmt.Printf("- round %d: stream/direct rate %.3f\n", round, ratio)
	}
	// The verdict is on the median round: on a shared machine one round can be hit by
	// another process, and the table shows every round.
	slices.Sort(ratios)
	median := ratios[len(ratios)/2]
	if len(ratios)%2 == 0 {
		median = (ratios[len(ratios)/2-1] + ratios[len(ratios)/2]) / 2
	}
	verdict := "ok"
	if median < o.minRatio {
		verdict, failed = "FAIL", true
	}
	fmt.Printf("- median stream/direct rate %.3f (target >= %.2f): %s\n", median, o.minRatio, verdict)
	if failed {
		return errors.New("a target was missed")
	}
	fmt.Println("- every target met")
	return nil
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }

// rss returns the resident set size of pid from /proc (Linux only).
func rss(pid int) (int64, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, fmt.Errorf("read RSS (Linux /proc needed): %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0, err
			}
			return kb << 10, nil
		}
	}
	return 0, errors.New("no VmRSS in /proc status")
}

// procSet holds the started servers and stops them.
type procSet struct {
	cmds []*exec.Cmd
}

func (p *procSet) start(ctx context.Context, dir, name string, args ...string) (*exec.Cmd, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(dir, name), args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // stopped even when we are killed
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p.cmds = append(p.cmds, cmd)
	return cmd, nil
}

func (p *procSet) stopAll() {
	for _, c := range p.cmds {
		_ = c.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = c.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = c.Process.Kill()
		}
	}
}

// waitReady polls url until it answers 200.
func waitReady(ctx context.Context, url string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
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
	return fmt.Errorf("%s not ready after %v", url, timeout)
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
