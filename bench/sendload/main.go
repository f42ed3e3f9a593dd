// Command sendload measures SendCustomMessage through wxsuite against posting the same
// messages straight to the sandbox, in one process and one run: it starts the WeChat
// sandbox and wxsuite (platform, token and messaging modules, real Redis) on loopback,
// opens the 48-hour window of a set of simulated users (each sends one message, pushed
// to wxsuite's callback gateway), then alternates two closed-loop loads with the same
// concurrency and messages:
//
//   - grpc: CustomMessageService/SendCustomMessage over gRPC (grpc-go, h2c) → wxsuite
//     (validation, window check in Redis, token injection) → sandbox;
//   - direct: POST /cgi-bin/message/custom/send?access_token=… straight to the sandbox.
//
// It prints each run and the ratio grpc/direct of the mean rates. -api-key turns API
// keys on (a key with messages.send; auth disabled otherwise); -wechat-idle-conns N
// raises http.DefaultTransport's idle connections per host, which wxsuite's WeChat client
// uses (Go's default of 2 makes 64 concurrent calls open new connections); -only and
// -cpuprofile profile one load. Needs Redis (-redis, default redis://127.0.0.1:6379/0).
//
//	go run ./bench/sendload -c 64 -d 10s -rounds 4
//	go run ./bench/sendload -c 64 -d 10s -rounds 4 -wechat-idle-conns 128
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/fx"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1/sandboxv1connect"
	"github.com/wxsuite/wxsuite/internal/platform"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/services/messaging"
	"github.com/wxsuite/wxsuite/services/token"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "sendload:", err)
		os.Exit(1)
	}
}

type flags struct {
	concurrency int
	duration    time.Duration
	warmup      time.Duration
	rounds      int
	users       int
	conns       int
	redisURL    string
	only        string
	cpuProfile  string
	idleConns   int
	apiKey      bool
}

func run() error {
	var f flags
	flag.IntVar(&f.concurrency, "c", 64, "concurrent callers per load")
	flag.DurationVar(&f.duration, "d", 10*time.Second, "duration of each measured run")
	flag.DurationVar(&f.warmup, "warmup", 2*time.Second, "unmeasured run before each measured one")
	flag.IntVar(&f.rounds, "rounds", 2, "rounds (each runs grpc and direct; even rounds reverse the order)")
	flag.IntVar(&f.users, "users", 64, "simulated users whose window is open (messages go round-robin)")
	flag.IntVar(&f.conns, "conns", 1, "gRPC connections (callers share them round-robin)")
	flag.StringVar(&f.redisURL, "redis", "redis://127.0.0.1:6379/0", "Redis URL")
	flag.StringVar(&f.only, "only", "", `run only this load ("grpc" or "direct"; profiling)`)
	flag.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile of the measured runs to this file")
	flag.IntVar(&f.idleConns, "wechat-idle-conns", 0, "if > 0, raise http.DefaultTransport's MaxIdleConnsPerHost (which wxsuite's WeChat client uses; Go's default is 2) to this")
	flag.BoolVar(&f.apiKey, "api-key", false, "run wxsuite with API keys (a random key with messages.send) instead of auth disabled")
	flag.Parse()
	if f.idleConns > 0 {
		// The platform builds its WeChat client on http.DefaultTransport; with 2 idle
		// connections per host, 64 concurrent calls keep opening new connections.
		http.DefaultTransport.(*http.Transport).MaxIdleConnsPerHost = f.idleConns
	}

	ctx := context.Background()
	sb, sbURL, stopSandbox, err := startSandbox()
	if err != nil {
		return err
	}
	defer stopSandbox()
	key := ""
	if f.apiKey {
		b := make([]byte, 24)
		_, _ = rand.Read(b)
		key = hex.EncodeToString(b)
	}
	app, apiURL, prefix, err := startWxsuite(f.redisURL, sbURL, key)
	if err != nil {
		return err
	}
	defer cleanRedis(f.redisURL, prefix)
	defer func() { _ = app.Stop(context.Background()) }()

	acc, err := sb.Account(sandbox.DemoAppID)
	if err != nil {
		return err
	}
	acc.CallbackURL, acc.CallbackToken = apiURL+"/wechat/callback/"+sandbox.DemoAppID, "sendloadtoken"
	if err := sb.AddAccount(acc); err != nil {
		return err
	}
	users := make([]string, f.users)
	for i := range users {
		u, err := sb.AddUser(sandbox.DemoAppID, sandbox.User{Nickname: fmt.Sprintf("load%d", i)})
		if err != nil {
			return err
		}
		users[i] = u.OpenID
		res, err := sb.PushMessage(ctx, sandbox.DemoAppID, u.OpenID, sandbox.Message{Type: sandbox.MsgText, Content: "hi"})
		if err != nil || !res.Delivered {
			return fmt.Errorf("open window of %s: %v %s", u.OpenID, err, res.InvalidReason)
		}
	}
	conns := make([]*grpc.ClientConn, f.conns)
	for i := range conns {
		opts := []grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}
		if key != "" {
			opts = append(opts, grpc.WithPerRPCCredentials(bearer(key)))
		}
		conns[i], err = grpc.NewClient(apiURL[len("http://"):], opts...)
		if err != nil {
			return err
		}
		defer conns[i].Close()
	}
	// Wait until wxsuite saw every window (its event consumer runs asynchronously).
	client := messagingv1.NewCustomMessageServiceClient(conns[0])
	for _, u := range users {
		for deadline := time.Now().Add(10 * time.Second); ; {
			w, err := client.GetCustomMessageWindow(ctx, &messagingv1.GetCustomMessageWindowRequest{AppId: sandbox.DemoAppID, Openid: u})
			if err == nil && w.GetOpen() {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("wxsuite did not see the window of %s: %v", u, err)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	tok, _, err := sb.IssueToken(sandbox.DemoAppID)
	if err != nil {
		return err
	}
	// The direct load reuses the token wxsuite's clients would hold; issuing one more
	// classic token keeps the previous one valid for 5 minutes on the platform, so both
	// loads stay valid for the run.
	httpClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: f.concurrency, MaxConnsPerHost: 0}}
	loads := map[string]func(ctx context.Context, i int) error{
		"grpc": func(ctx context.Context, i int) error {
			c := messagingv1.NewCustomMessageServiceClient(conns[i%len(conns)])
			_, err := c.SendCustomMessage(ctx, &messagingv1.SendCustomMessageRequest{AppId: sandbox.DemoAppID, Openid: users[i%len(users)],
				Message: &messagingv1.SendCustomMessageRequest_Text{Text: &messagingv1.CustomText{Content: "load test message"}}})
			return err
		},
		"direct": func(ctx context.Context, i int) error {
			body, _ := json.Marshal(map[string]any{"touser": users[i%len(users)], "msgtype": "text",
				"text": map[string]string{"content": "load test message"}})
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, sbURL+"/cgi-bin/message/custom/send?access_token="+tok, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			resp, err := httpClient.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			var env struct {
				Errcode int `json:"errcode"`
			}
			data, _ := io.ReadAll(resp.Body)
			if err := json.Unmarshal(data, &env); err != nil || env.Errcode != 0 {
				return fmt.Errorf("answer %s", data)
			}
			return nil
		},
	}
	fmt.Printf("sendload: -c %d -d %s -warmup %s -rounds %d -users %d -conns %d -wechat-idle-conns %d -api-key=%t; GOMAXPROCS=%d, %s/%s, %s\n",
		f.concurrency, f.duration, f.warmup, f.rounds, f.users, f.conns, f.idleConns, f.apiKey, runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Println("| round | load | calls | errors | rate (calls/s) | p50 | p99 |")
	fmt.Println("|---|---|---|---|---|---|---|")
	if f.cpuProfile != "" {
		out, err := os.Create(f.cpuProfile)
		if err != nil {
			return err
		}
		defer out.Close()
		if err := pprof.StartCPUProfile(out); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	sum := map[string]float64{}
	for r := 1; r <= f.rounds; r++ {
		order := []string{"grpc", "direct"}
		if r%2 == 0 {
			order = []string{"direct", "grpc"}
		}
		if f.only != "" {
			order = []string{f.only}
		}
		for _, name := range order {
			if f.warmup > 0 {
				load(ctx, f.concurrency, f.warmup, loads[name])
			}
			res := load(ctx, f.concurrency, f.duration, loads[name])
			rate := float64(res.calls) / res.elapsed.Seconds()
			sum[name] += rate
			fmt.Printf("| %d | %s | %d | %d | %.0f | %s | %s |\n", r, name, res.calls, res.errors, rate, res.p50, res.p99)
			if res.firstErr != nil {
				fmt.Printf("|   | first error: %v |\n", res.firstErr)
			}
		}
	}
	ratio := sum["grpc"] / sum["direct"]
	fmt.Printf("\nmean rate: grpc %.0f/s, direct %.0f/s; ratio grpc/direct = %.3f (target ≥ 0.5)\n",
		sum["grpc"]/float64(f.rounds), sum["direct"]/float64(f.rounds), ratio)
	return nil
}

type result struct {
	calls, errors int64
	elapsed       time.Duration
	p50, p99      time.Duration
	firstErr      error
}

// load runs c closed-loop callers of call for d. Calls carry no deadline (a deadline
// ending the run would make the server fail the last calls at once and the loop spin);
// a call that completes after d is not counted.
func load(ctx context.Context, c int, d time.Duration, call func(context.Context, int) error) result {
	var (
		calls, errs atomic.Int64
		mu          sync.Mutex
		lat         []time.Duration
		firstErr    error
		wg          sync.WaitGroup
	)
	start := time.Now()
	stopAt := start.Add(d)
	for w := range c {
		wg.Go(func() {
			var local []time.Duration
			for i := w; time.Now().Before(stopAt); i += c {
				t0 := time.Now()
				err := call(ctx, i)
				if time.Now().After(stopAt) {
					break
				}
				calls.Add(1)
				local = append(local, time.Since(t0))
				if err != nil {
					errs.Add(1)
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		})
	}
	wg.Wait()
	res := result{calls: calls.Load(), errors: errs.Load(), elapsed: d, firstErr: firstErr}
	if len(lat) > 0 {
		slices.Sort(lat)
		res.p50 = lat[len(lat)/2].Round(time.Microsecond)
		res.p99 = lat[len(lat)*99/100].Round(time.Microsecond)
	}
	return res
}

// startSandbox serves the sandbox (API and admin) on a loopback port.
func startSandbox() (*sandbox.Sandbox, string, func(), error) {
	sb := sandbox.New(sandbox.Options{Accounts: []sandbox.Account{sandbox.DemoAccount()}, MaxCalls: 1000})
	mux := http.NewServeMux()
	mux.Handle(sandboxv1connect.NewSandboxServiceHandler(sb.Admin()))
	mux.Handle("/", sb.Handler())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", nil, err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return sb, "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// bearer is a gRPC per-RPC credential carrying an API key.
type bearer string

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + string(b)}, nil
}

func (bearer) RequireTransportSecurity() bool { return false }

// startWxsuite starts platform, token and messaging on a loopback port; with a key, API
// keys are on and key holds messages.send.
func startWxsuite(redisURL, sandboxURL, key string) (*fx.App, string, string, error) {
	auth := "auth: {disabled: true}"
	if key != "" {
		auth = fmt.Sprintf("auth: {keys: [{id: sendload, key: %q, app_ids: [%q], scopes: [messages.send]}]}", key, sandbox.DemoAppID)
	}
	p := make([]byte, 4)
	_, _ = rand.Read(p)
	prefix := "sendload-" + hex.EncodeToString(p)
	userKey := make([]byte, 32)
	_, _ = rand.Read(userKey)
	file, err := config.FromYAML(fmt.Appendf(nil, `
server: {addr: "127.0.0.1:0", shutdown_grace: 1s}
log: {level: error}
redis: {url: %q}
wechat: {base_url: %q}
%[7]s
token: {key_prefix: %[3]q, user_token_key: %[4]q}
messaging: {key_prefix: %[3]q, replay_window: 0s}
accounts:
  - {app_id: %[5]q, app_secret: %[6]q, callback_token: sendloadtoken}
`, redisURL, sandboxURL, prefix, base64.StdEncoding.EncodeToString(userKey), sandbox.DemoAppID, sandbox.DemoAppSecret, auth), nil)
	if err != nil {
		return nil, "", "", err
	}
	var srv *rpcserver.Server
	app := fx.New(fx.Supply(file), platform.Module, token.Module, messaging.Module, fx.NopLogger, fx.Populate(&srv))
	if err := app.Err(); err != nil {
		return nil, "", "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := app.Start(ctx); err != nil {
		return nil, "", "", errors.Join(err, app.Stop(context.Background()))
	}
	return app, srv.URL(), prefix, nil
}

// cleanRedis deletes the keys this run created (all under its random prefix).
func cleanRedis(url, prefix string) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return
	}
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	ctx := context.Background()
	iter := rdb.Scan(ctx, 0, prefix+":*", 1000).Iterator()
	for iter.Next(ctx) {
		rdb.Del(ctx, iter.Val())
	}
}
