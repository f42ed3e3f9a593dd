// Command pushload measures how many WeChat pushes per second wxsuite's callback gateway
// takes, against two references on the same machine in the same invocation:
//
//	bare     a bare net/http handler answering "success" (bench/pushload/bare): the HTTP ceiling
//	peer     the message server of github.com/silenceper/wechat/v2 (bench/pushpeer, its own
//	         module), which decrypts and parses but stores and de-duplicates nothing
//	wxsuite  `wxsuite serve --services messaging`: signature, decryption, parsing, de-dup and
//	         XADD to the account's Redis Stream (real Redis) before it answers, plus the reply
//	         rule (-reply rule)
//
// It builds the three servers, starts each in its own process (so that its CPU time can be
// read from /proc), and for -rounds rounds runs the same closed loop against each, at each
// connection count of -conns: every keep-alive HTTP/1.1 connection sends a safe-mode push
// exactly as WeChat does (signature, timestamp, nonce, openid, encrypt_type=aes,
// msg_signature; an AES envelope), waits for the answer, checks it, and sends the next one.
// Every push has its own MsgId and its own user. The order of the runs is reversed in even
// rounds.
//
// It checks that the servers really handled every push (the peer's and bare's counters, the
// growth of wxsuite's stream in Redis) and fails loudly when not, then prints Markdown
// tables (every run; the medians of the rounds) and the verdicts: wxsuite's rate at least
// -min-rate-ratio times the peer's and its p99 at most -max-p99-ratio times the peer's, on
// the medians of the per-round ratios. It exits 1 when a push failed, a check failed or a
// target was missed.
//
// Run it from the repository: go run ./bench/pushload
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wxsuite/wxsuite/bench/internal/proccpu"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "pushload:", err)
		os.Exit(1)
	}
}

// Reply modes (-reply).
const (
	replyRule    = "rule"
	replySuccess = "success"
)

// options are pushload's flags.
type options struct {
	rounds                          int
	conns                           []int
	servers                         []string
	duration, warmup, cool, timeout time.Duration
	reply, keyword, replyText       string
	redisURL, services              string
	wxsuiteAddr, bareAddr, peerAddr string
	pool, maxPool                   int
	checkEvery                      int64
	minRate, maxP99                 float64
	jsonOut, workDir, wxsuiteBin    string
	perfDir, cpuProfile             string
	perfServers                     []string
	readyTimeout                    time.Duration
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("pushload", flag.ContinueOnError)
	conns := fs.String("conns", "32,128", "comma-separated keep-alive connection counts (one push in flight per connection)")
	servers := fs.String("servers", "bare,peer,wxsuite", "comma-separated servers to measure: bare, peer, wxsuite")
	fs.IntVar(&o.rounds, "rounds", 3, "rounds; each runs every server at every connection count, the order reversed in even rounds")
	fs.DurationVar(&o.duration, "d", 10*time.Second, "measured window per run")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "warm-up per run, before the window")
	fs.DurationVar(&o.cool, "cool", time.Second, "pause between runs")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Second, "per-push deadline (WeChat waits 5 s)")
	fs.StringVar(&o.reply, "reply", replyRule, "rule: install a text keyword rule in wxsuite (ReplyService) and have the peer answer the same text; success: no rule, wxsuite answers \"success\"")
	fs.StringVar(&o.keyword, "keyword", "price", "Content of every pushed text message, and the exact keyword of the rule")
	fs.StringVar(&o.replyText, "reply-text", "Our prices are on the menu: tap Shop.", "the rule's text reply")
	fs.StringVar(&o.redisURL, "redis", "redis://127.0.0.1:6379/0", "Redis for wxsuite (real Redis); its keys get a prefix unique to the invocation and are deleted at the end")
	fs.StringVar(&o.services, "services", "messaging", "wxsuite serve --services")
	fs.StringVar(&o.wxsuiteAddr, "wxsuite-addr", "127.0.0.1:18180", "wxsuite's address")
	fs.StringVar(&o.bareAddr, "bare-addr", "127.0.0.1:18181", "the bare handler's address")
	fs.StringVar(&o.peerAddr, "peer-addr", "127.0.0.1:18182", "the peer's address")
	fs.IntVar(&o.pool, "pool", 0, "pushes built before each run (0: 1.25 x (warmup+d) x the server's fastest rate so far or a first guess, at most -max-pool)")
	fs.IntVar(&o.maxPool, "max-pool", 1000000, "upper bound of the automatic -pool")
	fs.Int64Var(&o.checkEvery, "check-every", 50, "decrypt and check every n-th encrypted answer fully (the others: status and shape)")
	fs.Float64Var(&o.minRate, "min-rate-ratio", 1.2, "target: wxsuite rate / peer rate at least this")
	fs.Float64Var(&o.maxP99, "max-p99-ratio", 1.0, "target: wxsuite p99 / peer p99 at most this")
	fs.StringVar(&o.jsonOut, "json-out", "", "also write every run, the medians and the verdicts as JSON to `file`")
	fs.StringVar(&o.wxsuiteBin, "wxsuite-bin", "", "a wxsuite binary to run instead of building ./cmd/wxsuite (e.g. one built from another commit)")
	fs.StringVar(&o.perfDir, "perf", "", "record each run's window with `perf record -F 999 -g -p PID` of the servers in -perf-servers, into DIR/<server>-<conns>-r<round>.perf.data (the profiler costs CPU: not for the tables)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write pushload's own CPU profile (pprof) of the runs to `file`")
	perfServers := fs.String("perf-servers", "wxsuite", "comma-separated servers -perf records")
	fs.StringVar(&o.workDir, "workdir", "", "directory for binaries, wxsuite's config and server logs (default: a temporary one, removed at exit)")
	fs.DurationVar(&o.readyTimeout, "ready-timeout", 60*time.Second, "how long to wait for each server's /readyz")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	for f := range strings.SplitSeq(*conns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 4096 {
			return o, fmt.Errorf("-conns: %q: want numbers from 1 to 4096", f)
		}
		if !slices.Contains(o.conns, n) {
			o.conns = append(o.conns, n)
		}
	}
	for f := range strings.SplitSeq(*servers, ",") {
		f = strings.TrimSpace(f)
		switch {
		case f == "":
		case !slices.Contains(serverOrder, f):
			return o, fmt.Errorf("-servers: unknown server %q (want bare, peer, wxsuite)", f)
		case !slices.Contains(o.servers, f):
			o.servers = append(o.servers, f)
		}
	}
	for f := range strings.SplitSeq(*perfServers, ",") {
		if f = strings.TrimSpace(f); f != "" {
			o.perfServers = append(o.perfServers, f)
		}
	}
	// Keep the canonical order whatever the flag's.
	o.servers = slices.DeleteFunc(slices.Clone(serverOrder), func(s string) bool { return !slices.Contains(o.servers, s) })
	switch {
	case len(o.servers) == 0:
		return o, errors.New("-servers: nothing selected")
	case o.rounds < 1:
		return o, errors.New("-rounds must be at least 1")
	case o.duration <= 0 || o.warmup < 0 || o.timeout <= 0:
		return o, errors.New("-d and -timeout must be positive, -warmup not negative")
	case o.reply != replyRule && o.reply != replySuccess:
		return o, fmt.Errorf("-reply: %q: want rule or success", o.reply)
	case o.keyword == "" || strings.Contains(o.keyword, "]]>") || strings.Contains(o.replyText, "]]>"):
		return o, errors.New("-keyword must be set; neither it nor -reply-text may contain ]]>")
	case o.checkEvery < 0:
		return o, errors.New("-check-every must not be negative")
	}
	return o, nil
}

// load is one run's server and connection count.
type load struct {
	server string
	conns  int
}

// roundOrder is every load, forward in odd rounds (i = 0, 2, …) and backward in even ones,
// so that no server always runs first or right after the same other one.
func roundOrder(servers []string, conns []int, i int) []load {
	var out []load
	for _, c := range conns {
		for _, s := range servers {
			out = append(out, load{server: s, conns: c})
		}
	}
	if i%2 == 1 {
		slices.Reverse(out)
	}
	return out
}

// bench holds what the runs share.
type bench struct {
	o       options
	acc     *account
	wx      *wxsuiteSetup
	rdb     redis.UniversalClient
	servers map[string]*server
	addrs   map[string]string
	// bestRate remembers each load's fastest rate, to size the next pool.
	bestRate map[load]float64
	runIndex int64
	msgBase  int64
}

func run() error {
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	root, err := moduleRoot(ctx)
	if err != nil {
		return err
	}
	dir := o.workDir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "wxsuite-pushload-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if o.perfDir != "" {
		if err := os.MkdirAll(o.perfDir, 0o755); err != nil {
			return err
		}
	}
	acc, err := newAccount()
	if err != nil {
		return err
	}
	b := &bench{o: o, acc: acc, servers: map[string]*server{}, bestRate: map[load]float64{},
		addrs: map[string]string{srvBare: o.bareAddr, srvPeer: o.peerAddr, srvWxsuite: o.wxsuiteAddr},
		// MsgIds look like WeChat's (19 digits); the run index keeps every run's apart.
		msgBase: 6_000_000_000_000_000_000 + time.Now().UnixMilli()%1_000_000*1_000_000_000_000,
	}
	defer b.stopAll()

	fmt.Fprintln(os.Stderr, "pushload: building", strings.Join(o.servers, ", "), "into", dir)
	if err := b.buildAll(ctx, root, dir); err != nil {
		return err
	}
	if slices.Contains(o.servers, srvWxsuite) {
		opt, err := redis.ParseURL(o.redisURL)
		if err != nil {
			return fmt.Errorf("-redis: %w", err)
		}
		b.rdb = redis.NewClient(opt)
		defer b.rdb.Close()
		if err := b.rdb.Ping(ctx).Err(); err != nil {
			return fmt.Errorf("redis at %s: %w", o.redisURL, err)
		}
		b.wx = newWxsuiteSetup(o.wxsuiteAddr, o.redisURL, o.services, acc)
		defer func() {
			// First stop wxsuite, whose background consumers would write again.
			b.stopAll()
			cctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			n, err := b.wx.cleanup(cctx, b.rdb)
			if err != nil {
				fmt.Fprintf(os.Stderr, "pushload: deleting the %s:* keys from Redis: %v\n", b.wx.keyPrefix, err)
				return
			}
			fmt.Fprintf(os.Stderr, "pushload: deleted %d Redis keys %s:*\n", n, b.wx.keyPrefix)
		}()
	}
	if err := b.startAll(ctx, dir); err != nil {
		return err
	}
	if o.reply == replyRule && b.wx != nil {
		if err := installRule(ctx, b.wx, o.keyword, o.replyText); err != nil {
			return fmt.Errorf("install the reply rule in wxsuite: %w (run with -reply success to measure without one)", err)
		}
		fmt.Fprintf(os.Stderr, "pushload: wxsuite has the text rule %q -> %q\n", o.keyword, o.replyText)
	}
	for _, name := range o.servers {
		if err := b.probe(ctx, name); err != nil {
			return err
		}
	}

	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	load1 := loadavg()
	started := time.Now()
	var runs []runReport
	var failed []string
	for i := range o.rounds {
		var line []string
		for _, l := range roundOrder(o.servers, o.conns, i) {
			r, err := b.measure(ctx, i+1, l)
			if err != nil {
				if len(runs) > 0 {
					writeRuns(os.Stdout, runs)
				}
				return fmt.Errorf("round %d, %s with %d connections: %w", i+1, l.server, l.conns, err)
			}
			runs = append(runs, r)
			if len(r.Errors) > 0 {
				failed = append(failed, fmt.Sprintf("round %d %s/%d: %s (%s)", r.Round, r.Server, r.Conns, errorText(r), r.FirstError))
			}
			line = append(line, fmt.Sprintf("%s/%d %.0f/s p99 %s", l.server, l.conns, r.Rate, ms(r.P99)))
			if !sleepOrDone(ctx, o.cool) {
				return ctx.Err()
			}
		}
		fmt.Fprintf(os.Stderr, "pushload: round %d: %s\n", i+1, strings.Join(line, ", "))
	}
	load2 := loadavg()

	sums := summarize(runs, o.conns)
	vs := verdicts(sums, o.minRate, o.maxP99)
	fmt.Printf("\n%d rounds on %d CPUs (load average %s at the start, %s at the end, %s); per run: -d %s -warmup %s, %s pause; reply %s; servers %s, order reversed in even rounds\n\n",
		o.rounds, runtime.NumCPU(), load1, load2, time.Since(started).Round(time.Second), o.duration, o.warmup, o.cool, o.reply, strings.Join(o.servers, ", "))
	writeRuns(os.Stdout, runs)
	fmt.Println()
	fmt.Println("Medians of the rounds:")
	fmt.Println()
	writeSummary(os.Stdout, sums, o.servers)
	fmt.Println()
	writeVerdicts(os.Stdout, vs)
	if o.jsonOut != "" {
		out, err := json.MarshalIndent(map[string]any{"runs": runs, "medians": sums, "verdicts": vs}, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.jsonOut, append(out, '\n'), 0o644); err != nil {
			return err
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("pushes failed: %s", strings.Join(failed, "; "))
	}
	for _, v := range vs {
		if !v.RateMet || !v.P99Met {
			return errors.New("targets missed")
		}
	}
	return nil
}

// buildAll builds the selected servers into dir.
func (b *bench) buildAll(ctx context.Context, root, dir string) error {
	for _, name := range b.o.servers {
		var err error
		switch name {
		case srvBare:
			err = build(ctx, root, "./bench/pushload/bare", filepath.Join(dir, "bare"))
		case srvPeer:
			// Its own module: built from its directory.
			err = build(ctx, filepath.Join(root, "bench", "pushpeer"), ".", filepath.Join(dir, "pushpeer"))
		case srvWxsuite:
			if b.o.wxsuiteBin != "" {
				continue
			}
			err = build(ctx, root, "./cmd/wxsuite", filepath.Join(dir, "wxsuite"))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// startAll starts the selected servers and waits until each is ready.
func (b *bench) startAll(ctx context.Context, dir string) error {
	for _, name := range b.o.servers {
		var (
			env  []string
			bin  string
			args []string
		)
		addr := b.addrs[name]
		switch name {
		case srvBare:
			bin, args = "bare", []string{"-addr", addr}
		case srvPeer:
			bin, args = "pushpeer", []string{"-addr", addr, "-appid", b.acc.appID}
			if b.o.reply == replyRule {
				args = append(args, "-keyword", b.o.keyword, "-reply", b.o.replyText)
			}
			env = []string{"PUSHPEER_TOKEN=" + b.acc.token, "PUSHPEER_AES_KEY=" + b.acc.aesKey}
		case srvWxsuite:
			cfg := filepath.Join(dir, "wxsuite.yaml")
			if err := b.wx.writeConfig(cfg); err != nil {
				return err
			}
			bin, args = filepath.Join(dir, "wxsuite"), []string{"serve", "--config", cfg, "--services", b.o.services}
			if b.o.wxsuiteBin != "" {
				bin = b.o.wxsuiteBin
			}
		}
		if !filepath.IsAbs(bin) {
			bin = filepath.Join(dir, bin)
		}
		s, err := startServer(name, dir, env, bin, args...)
		if err != nil {
			return err
		}
		b.servers[name] = s
		if err := s.waitReady(ctx, "http://"+addr+"/readyz", b.o.readyTimeout); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "pushload: %s ready at %s, pid %d, log %s\n", name, addr, s.pid(), s.log)
	}
	return nil
}

// stopAll stops every started server, all at once.
func (b *bench) stopAll() {
	var wg sync.WaitGroup
	for _, s := range b.servers {
		wg.Go(func() { s.stop(5 * time.Second) })
	}
	wg.Wait()
}

// expected is the answer server gives every push in this invocation.
func (b *bench) expected(name string) string {
	switch {
	case name == srvBare:
		return answerSuccess
	case b.o.reply == replyRule:
		return answerEncrypted
	case name == srvPeer:
		return answerEncryptedEmpty
	default:
		return answerSuccess
	}
}

// nextSpec returns the pushes of the next run (or probe): new MsgIds, new users.
func (b *bench) nextSpec(name string) *pushSpec {
	b.runIndex++
	return &pushSpec{acc: b.acc, host: b.addrs[name], content: b.o.keyword,
		msgBase: b.msgBase + b.runIndex<<32, userBase: b.runIndex << 32, ts: time.Now().Unix()}
}

// probe sends one push to name and checks the answer fully and the server's count, so
// that a server refusing pushes stops the invocation before any measurement.
func (b *bench) probe(ctx context.Context, name string) error {
	spec := b.nextSpec(name)
	p, err := newPool(spec, 1)
	if err != nil {
		return err
	}
	before, err := b.handled(ctx, name)
	if err != nil {
		return err
	}
	check := &replyCheck{want: b.expected(name), acc: b.acc, reply: b.o.replyText, spec: spec}
	if err := sendOne(b.addrs[name], b.o.timeout, p, check); err != nil {
		return fmt.Errorf("probe %s: the first push failed: %w; see %s", name, err, b.servers[name].log)
	}
	res := loadResult{Sent: 1}
	return b.verify(ctx, name, before, res)
}

// counts are a server's own counters of handled pushes.
type counts struct {
	handled, replied, failed int64
}

// handled reads how many pushes name has handled: the counters of bare and the peer, the
// entries ever added to wxsuite's stream.
func (b *bench) handled(ctx context.Context, name string) (counts, error) {
	if name == srvWxsuite {
		n, err := b.wx.entriesAdded(ctx, b.rdb)
		return counts{handled: n}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+b.addrs[name]+"/stats", nil)
	if err != nil {
		return counts{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return counts{}, fmt.Errorf("%s /stats: %w", name, err)
	}
	defer resp.Body.Close()
	var s map[string]int64
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&s); err != nil {
		return counts{}, fmt.Errorf("%s /stats: %w", name, err)
	}
	return counts{handled: s["handled"], replied: s["replied"], failed: s["failed"] + s["send_failed"]}, nil
}

// verify checks that name handled every push res counted as answered (and no more than
// those plus the failed ones, whose fate the client cannot know).
func (b *bench) verify(ctx context.Context, name string, before counts, res loadResult) error {
	after, err := b.handled(ctx, name)
	if err != nil {
		return err
	}
	d := counts{handled: after.handled - before.handled, replied: after.replied - before.replied, failed: after.failed - before.failed}
	what := map[string]string{srvBare: "the bare handler counted", srvPeer: "the SDK's message handler ran for", srvWxsuite: "wxsuite's stream grew by"}[name]
	switch {
	case d.handled < res.Sent || d.handled > res.Sent+res.errorCount():
		return fmt.Errorf("%s %d pushes, but %d were answered (and %d failed): the server did not handle what it acknowledged; see %s",
			what, d.handled, res.Sent, res.errorCount(), b.servers[name].log)
	case name == srvPeer && d.failed > 0:
		return fmt.Errorf("the peer refused %d pushes; see %s", d.failed, b.servers[name].log)
	case name == srvPeer && b.o.reply == replyRule && d.replied != d.handled:
		return fmt.Errorf("the peer replied to %d of %d pushes", d.replied, d.handled)
	}
	return nil
}

// poolSize is the number of pushes to build before a run of l: 1.25 times what the
// fastest run of l so far (or a first guess above what a 2-CPU machine does) sends in
// warmup + d, so that the generator does not encrypt during the window. Runs move by a
// factor of two on a busy machine: the fastest, not the last, sizes the next.
func (b *bench) poolSize(l load) int {
	if b.o.pool > 0 {
		return b.o.pool
	}
	rate := max(b.bestRate[l], map[string]float64{srvBare: 50000, srvPeer: 20000, srvWxsuite: 15000}[l.server])
	n := int(math.Ceil(1.25*rate*(b.o.warmup+b.o.duration).Seconds())) + 2000
	return min(n, b.o.maxPool)
}

// measure runs one load and checks what the server handled.
func (b *bench) measure(ctx context.Context, round int, l load) (runReport, error) {
	s := b.servers[l.server]
	if err := s.alive(); err != nil {
		return runReport{}, err
	}
	spec := b.nextSpec(l.server)
	p, err := newPool(spec, b.poolSize(l))
	if err != nil {
		return runReport{}, err
	}
	// The pool is the heap now: collect before the run, not during it.
	runtime.GC()
	before, err := b.handled(ctx, l.server)
	if err != nil {
		return runReport{}, err
	}

	type sample struct {
		server, redis, self time.Duration
		serverOK, redisOK   bool
		selfOK              bool
	}
	var open, closed sample
	var prof *profiler
	var profErr error
	profile := b.o.perfDir != "" && slices.Contains(b.o.perfServers, l.server)
	read := func() sample {
		var x sample
		var err error
		x.server, err = proccpu.Process(s.pid())
		x.serverOK = err == nil
		x.self, err = proccpu.Self()
		x.selfOK = err == nil
		if l.server == srvWxsuite {
			x.redis, err = redisCPU(ctx, b.rdb)
			x.redisOK = err == nil
		}
		return x
	}
	res, err := runLoad(ctx, &loadSpec{
		addr: b.addrs[l.server], conns: l.conns, warmup: b.o.warmup, d: b.o.duration, timeout: b.o.timeout,
		pool:  p,
		check: &replyCheck{want: b.expected(l.server), acc: b.acc, reply: b.o.replyText, spec: spec, every: b.o.checkEvery},
		onWindow: func(isOpen bool) {
			if isOpen {
				open = read()
				if profile {
					prof, profErr = startProfile(b.o.perfDir, fmt.Sprintf("%s-%d-r%d", l.server, l.conns, round), s.pid())
				}
				return
			}
			closed = read()
			if prof != nil {
				profErr = prof.stop()
			}
		},
	})
	if err != nil {
		return runReport{}, err
	}
	if profErr != nil {
		return runReport{}, profErr
	}
	if prof != nil {
		fmt.Fprintf(os.Stderr, "pushload: profile of %s in %s\n", l.server, prof.path)
	}
	r := newRunReport(round, l.conns, l.server, res)
	n := len(res.Latencies)
	r.ServerCPU = perPush(closed.server-open.server, open.serverOK && closed.serverOK, n)
	r.GenCPU = perPush(closed.self-open.self, open.selfOK && closed.selfOK, n)
	r.RedisCPU = perPush(closed.redis-open.redis, open.redisOK && closed.redisOK, n)
	r.Inline = p.inline.Load()
	b.bestRate[l] = max(b.bestRate[l], r.Rate)

	if err := b.verify(ctx, l.server, before, res); err != nil {
		return r, err
	}
	after, _ := b.handled(ctx, l.server)
	r.Verified = fmt.Sprintf("%s +%d", map[string]string{srvBare: "handled", srvPeer: "handled", srvWxsuite: "stream"}[l.server], after.handled-before.handled)
	if l.server == srvWxsuite {
		// Keep the shared Redis small. The next run counts from entries-added, which a
		// deleted stream resets to 0 (handled reads 0 for a missing stream).
		if _, err := b.wx.dropRun(ctx, b.rdb); err != nil {
			return r, fmt.Errorf("delete the run's keys from Redis: %w", err)
		}
	}
	p = nil
	runtime.GC()
	debug.FreeOSMemory()
	return r, nil
}

// loadavg is the first three fields of /proc/loadavg, or "?".
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
