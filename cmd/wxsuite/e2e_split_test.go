package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/redis/go-redis/v9"
	"gopkg.in/yaml.v3"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1/messagingv1connect"
	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1/sandboxv1connect"
	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1/tokenv1connect"
)

// The split-topology end-to-end test (issue 8 §4): real binaries as separate processes on
// loopback, configured from the Helm chart's split rendering.
//
// Processes: a private redis-server (with a password, as the chart's redis.existingSecret
// implies), wxsandbox, `wxsuite serve --services token`, two replicas of
// `--services messaging` (the split values ask for two) and, when the binary has one, a
// second domain service. Each wxsuite process gets the chart's ConfigMap file and the
// Deployment's args and env from deploy/helm/chart-test/testdata/split.golden.yaml; see
// e2eChart.config for the few values a loopback run must change.

// e2eGolden is the chart's rendering of its split scenario (deploy/helm/wxsuite/ci/split-values.yaml).
const e2eGolden = "../../deploy/helm/chart-test/testdata/split.golden.yaml"

// e2eBackendScopes are the scopes of the test's own API key (a backend calling the suite).
var e2eBackendScopes = []string{"admin"}

func TestE2ESplitTopology(t *testing.T) {
	if testing.Short() {
		t.Skip("e2e: builds the binaries and starts six processes; skipped under -short")
	}
	redisBin := e2eLookRedis(t)
	dir := t.TempDir()
	bins := e2eBuild(t, dir)
	chart := e2eLoadChart(t, e2eGolden)

	appID := chart.appID()
	secrets := newE2ESecrets()
	appSecret := secrets.random("app")
	callbackToken := secrets.random("cb")[:32] // the console takes 3 to 32 letters or digits
	backendKey := "wxsk_e2e_" + secrets.random("key")

	rdbAddr, redisPass := e2eFreeAddr(t), secrets.random("redis")
	e2eStartRedis(t, redisBin, dir, rdbAddr, redisPass)

	sbAddr, tokenAddr := e2eFreeAddr(t), e2eFreeAddr(t)
	msgAddrs := []string{e2eFreeAddr(t), e2eFreeAddr(t)}
	callbackURL := "http://" + msgAddrs[0] + strings.Replace(chart.callbackPath(), "{app_id}", appID, 1)

	// The sandbox: the chart's account, its callback pointing at messaging replica 0.
	fixture := filepath.Join(dir, "accounts.json")
	e2eWriteJSON(t, fixture, map[string]any{"accounts": []map[string]any{{
		"app_id": appID, "app_secret": appSecret, "name": "e2e split",
		"callback_url": callbackURL, "callback_token": callbackToken,
	}}})
	e2eStart(t, dir, "wxsandbox", bins.sandbox, []string{"--addr", sbAddr, "--fixture", fixture, "--no-demo"}, nil, e2ePlain(sbAddr))
	admin := sandboxv1connect.NewSandboxServiceClient(e2eHTTP, "http://"+sbAddr)

	cfgPath := filepath.Join(dir, "wxsuite.yaml")
	cfg := chart.config(t, e2eOverrides{
		redisURL:  "redis://" + rdbAddr + "/0",
		sandbox:   "http://" + sbAddr,
		tokenHost: tokenAddr,
		backendID: "e2e-backend",
	})
	if err := os.WriteFile(cfgPath, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	// Values of the Secrets the Deployments reference, by Secret name and key; one value
	// per distinct reference (the API key the services present is the one the token
	// service knows, because both come from the same Secret key).
	secrets.set("wx-shop/app-secret", appSecret)
	secrets.set("redis-auth/redis-password", redisPass)
	secrets.set("chart/callback-token", callbackToken)
	secrets.set("chart/backend-key", backendKey)
	extraEnv := map[string]string{ // the chart's env for the two values e2eChart.config adds
		"WX_ACCOUNT_0_CALLBACK_TOKEN": "chart/callback-token",
		"WX_AUTH_KEY_1":               "chart/backend-key",
	}

	start := func(component, services, addr string) *e2eProc {
		t.Helper()
		args, env := chart.workload(t, component, services, cfgPath, secrets, extraEnv)
		env = append(env, "WXSUITE_SERVER__ADDR="+addr) // the pod's port, on loopback
		return e2eStart(t, dir, component, bins.wxsuite, args, env, e2ePlain(addr))
	}
	tokenProc := start("token", "token", tokenAddr)
	domains := []*e2eDomain{
		{name: "messaging-0", service: "messaging", proc: start("messaging", "messaging", msgAddrs[0]), backend: backendKey},
		{name: "messaging-1", service: "messaging", proc: start("messaging", "messaging", msgAddrs[1]), backend: backendKey},
	}
	if other := e2eSecondService(); other != "" {
		addr := e2eFreeAddr(t)
		domains = append(domains, &e2eDomain{name: other, service: other, proc: start(other, other, addr), backend: backendKey})
	} else {
		t.Log("e2e: the binary has no domain service besides messaging yet; the second domain process is messaging-1")
	}

	ctx := t.Context()
	tokens := tokenv1connect.NewTokenServiceClient(e2eHTTP, "http://"+tokenAddr, connect.WithInterceptors(e2eBearer(backendKey)))
	calls := &e2eCallLog{t: t, admin: admin, appID: appID}
	currentToken := func() string {
		t.Helper()
		resp, err := tokens.GetAccessToken(ctx, &tokenv1.GetAccessTokenRequest{AppId: appID})
		if err != nil {
			t.Fatalf("token service GetAccessToken: %v", err)
		}
		return resp.GetAccessToken()
	}

	// 1. The token service warmed up: one fetch, shared through Redis.
	tok0 := currentToken()
	if n := calls.tokenFetches(); n != 1 {
		t.Fatalf("token fetches after start-up = %d, want 1 (warm-up)", n)
	}

	// 2. A domain call that needs a token, in every domain process: each gets the token
	// from the token service (no fetch of its own).
	for _, d := range domains {
		d.chooseCall(t, calls, tok0)
	}
	withCalls := 0
	for _, d := range domains {
		if d.call != nil {
			withCalls++
		}
	}
	if withCalls == 0 {
		t.Fatal("e2e: no domain process answered a read-only RPC that calls WeChat with the token")
	}
	if n := calls.tokenFetches(); n != 1 {
		t.Errorf("token fetches after the domain calls = %d, want still 1", n)
	}

	// 3. A callback push to messaging-0, consumed through EventService on messaging-1.
	user, err := admin.CreateUser(ctx, &sandboxv1.CreateUserRequest{AppId: appID, User: &sandboxv1.SimulatedUser{Nickname: "e2e"}})
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	openID := user.GetUser().GetOpenid()
	events := messagingv1connect.NewEventServiceClient(http.DefaultClient, "http://"+msgAddrs[1], connect.WithInterceptors(e2eBearer(backendKey)))
	push := func(text string) {
		t.Helper()
		res, err := admin.PushMessage(ctx, &sandboxv1.PushMessageRequest{AppId: appID, Openid: openID, Message: &sandboxv1.PushMessageRequest_Text{Text: text}})
		if err != nil {
			t.Fatalf("PushMessage: %v", err)
		}
		if r := res.GetResult(); !r.GetDelivered() || r.GetAttempts() != 1 {
			t.Fatalf("push %q: delivered=%v attempts=%d (%s)", text, r.GetDelivered(), r.GetAttempts(), r.GetInvalidReason())
		}
	}
	first := "hello split " + secrets.random("m")
	push(first)
	e2eExpectSubscribed(t, events, appID, "e2e", first)

	// 4. A token refresh seen by all: WeChat invalidates the token (another party took it
	// over); every domain process hits 40001, reports it, and the token service fetches
	// once; all of them then use the same new token.
	e2eWaitForcedInterval()
	if _, err := admin.RevokeTokens(ctx, &sandboxv1.RevokeTokensRequest{AppId: appID}); err != nil {
		t.Fatalf("RevokeTokens: %v", err)
	}
	seq := calls.last()
	for _, d := range domains {
		d.callOK(t, "after the revocation")
	}
	tok1 := currentToken()
	calls.expectTokens(seq, tok0, tok1, "after the revocation")
	if tok1 == tok0 {
		t.Fatal("the token service still answers the revoked token")
	}
	if n := calls.tokenFetches(); n != 2 {
		t.Errorf("token fetches after the refresh = %d, want 2 (one refresh for all processes)", n)
	}

	// 5. The token service dies. Calls that can use a cached token keep working, and so
	// does the callback path (it needs no token).
	tokenProc.kill(t)
	seq = calls.last()
	for _, d := range domains {
		d.callOK(t, "while the token service is down")
	}
	calls.expectTokens(seq, tok1, tok1, "while the token service is down")
	second := "while token is down " + secrets.random("m")
	push(second)
	e2eExpectSubscribed(t, events, appID, "e2e", second)
	// A replica started now has no cached token: it becomes ready (readiness follows
	// Redis, not the token service), and its calls fail as unavailable, without a WeChat
	// call, until the token service is back.
	late := &e2eDomain{name: "messaging-late", service: "messaging", backend: backendKey,
		proc: start("messaging", "messaging", e2eFreeAddr(t)), call: domains[0].call}
	if late.call != nil {
		seq = calls.last()
		status, body := e2eConnectJSON(t, late.proc, late.call.procedure, late.call.body, backendKey)
		if status != http.StatusServiceUnavailable || !strings.Contains(body, "unavailable") {
			t.Errorf("a call without any token while the token service is down: %d %s, want 503 unavailable", status, e2eShort(body))
		}
		if n := len(calls.tokenCalls(seq)); n != 0 {
			t.Errorf("the late replica called WeChat %d times without a token", n)
		}
	}

	// 6. It comes back on the same address: it finds the token in Redis (no fetch), and
	// the next refresh goes through it to every process.
	start("token", "token", tokenAddr) // the cleanup stops it
	if got := currentToken(); got != tok1 {
		t.Errorf("restarted token service answers another token (fetched again: %v)", calls.tokenFetches() != 2)
	}
	if n := calls.tokenFetches(); n != 2 {
		t.Errorf("token fetches after the restart = %d, want 2", n)
	}
	e2eWaitForcedInterval()
	if _, err := admin.RevokeTokens(ctx, &sandboxv1.RevokeTokensRequest{AppId: appID}); err != nil {
		t.Fatalf("RevokeTokens: %v", err)
	}
	seq = calls.last()
	for _, d := range domains {
		d.callOK(t, "after the restart")
	}
	tok2 := currentToken()
	if tok2 == tok1 {
		t.Fatal("no refresh after the restart")
	}
	calls.expectTokens(seq, tok1, tok2, "after the restart")
	if n := calls.tokenFetches(); n != 3 {
		t.Errorf("token fetches after the second refresh = %d, want 3", n)
	}
}

// e2eWaitForcedInterval waits out token.min_forced_interval (1s in e2eChart.config) since the
// last fetch, so that the next 40001 may force a refresh.
func e2eWaitForcedInterval() { time.Sleep(1100 * time.Millisecond) }

// --- chart rendering ---------------------------------------------------------------------

// e2eChart is the split golden: its ConfigMap file and its Deployments.
type e2eChart struct {
	configYAML  string
	deployments map[string]map[string]any // by app.kubernetes.io/component
}

func e2eLoadChart(t *testing.T, path string) *e2eChart {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("e2e: the chart's split golden: %v", err)
	}
	defer f.Close()
	c := &e2eChart{deployments: map[string]map[string]any{}}
	dec := yaml.NewDecoder(f)
	for {
		var doc map[string]any
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("e2e: parse %s: %v", path, err)
		}
		switch doc["kind"] {
		case "ConfigMap":
			if data, ok := e2eDig(doc, "data", "wxsuite.yaml").(string); ok {
				c.configYAML = data
			}
		case "Deployment":
			comp, _ := e2eDig(doc, "metadata", "labels", "app.kubernetes.io/component").(string)
			c.deployments[comp] = doc
		}
	}
	if c.configYAML == "" || c.deployments["token"] == nil || c.deployments["messaging"] == nil {
		t.Fatalf("e2e: %s lacks the ConfigMap or the token and messaging Deployments", path)
	}
	return c
}

func (c *e2eChart) parsedConfig() map[string]any {
	var m map[string]any
	_ = yaml.Unmarshal([]byte(c.configYAML), &m)
	return m
}

func (c *e2eChart) appID() string {
	id, _ := e2eDig(c.parsedConfig(), "accounts", 0, "app_id").(string)
	return id
}

func (c *e2eChart) callbackPath() string {
	if p, ok := e2eDig(c.parsedConfig(), "messaging", "callback_path").(string); ok {
		return p
	}
	return "/wechat/callback/{app_id}"
}

// e2eOverrides are what a loopback run changes in the chart's values.
type e2eOverrides struct {
	redisURL  string // values redis.url
	sandbox   string // values config.wechat.base_url
	tokenHost string // the token Service's DNS name and port → its loopback address
	backendID string // values auth.keys[1].id
}

// config returns the chart's ConfigMap file with the values a loopback run needs, each
// written exactly as the chart renders it from values:
//   - redis.url (values redis.url) → the private redis-server;
//   - wechat.base_url (values config.wechat.base_url) → wxsandbox;
//   - token.min_forced_interval: 1s (values config.token), so the test need not wait 30 s
//     between two forced refreshes;
//   - token_source.url: the host of the token Service (cluster DNS) → its loopback address;
//   - accounts[0].callback_token: {env: WX_ACCOUNT_0_CALLBACK_TOKEN} (values
//     accounts[0].secretKeys.callbackToken) so that messaging verifies pushes;
//   - auth.keys[1] (values auth.keys[1]): the backend's key, reading events and tokens.
//
// Everything else (accounts, auth.keys[0], redis.password, token_source protocol, margin
// and api_key, messaging.callback_path, log) is the chart's, unchanged; e2eConfigKeepsChart
// checks that.
func (c *e2eChart) config(t *testing.T, o e2eOverrides) []byte {
	t.Helper()
	m := c.parsedConfig()
	e2eSection(m, "redis")["url"] = o.redisURL
	e2eSection(m, "wechat")["base_url"] = o.sandbox
	e2eSection(m, "token")["min_forced_interval"] = "1s"
	ts := e2eSection(m, "token_source")
	u, _ := ts["url"].(string)
	scheme, _, ok := strings.Cut(u, "://")
	if !ok {
		t.Fatalf("e2e: chart token_source.url %q", u)
	}
	ts["url"] = scheme + "://" + o.tokenHost
	accounts, _ := m["accounts"].([]any)
	acc, _ := accounts[0].(map[string]any)
	acc["callback_token"] = map[string]any{"env": "WX_ACCOUNT_0_CALLBACK_TOKEN"}
	auth := e2eSection(m, "auth")
	keys, _ := auth["keys"].([]any)
	auth["keys"] = append(keys, map[string]any{
		"id": o.backendID, "key": map[string]any{"env": "WX_AUTH_KEY_1"},
		"app_ids": []any{"*"}, "scopes": e2eBackendScopes,
	})
	out, err := yaml.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	e2eConfigKeepsChart(t, c.parsedConfig(), out)
	return out
}

// e2eConfigKeepsChart fails unless every leaf of the chart's file is in out with the same
// value, apart from the three addresses that differ on loopback.
func e2eConfigKeepsChart(t *testing.T, chart map[string]any, out []byte) {
	t.Helper()
	var got map[string]any
	if err := yaml.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	changed := map[string]bool{"redis.url": true, "token_source.url": true}
	var walk func(path string, want any)
	walk = func(path string, want any) {
		switch w := want.(type) {
		case map[string]any:
			for k, v := range w {
				walk(strings.TrimPrefix(path+"."+k, "."), v)
			}
		case []any:
			for i, v := range w {
				walk(fmt.Sprintf("%s.%d", path, i), v)
			}
		default:
			if changed[path] {
				return
			}
			if g := e2eDigPath(got, path); fmt.Sprint(g) != fmt.Sprint(w) {
				t.Errorf("e2e config: %s = %v, the chart renders %v", path, g, w)
			}
		}
	}
	walk("", chart)
}

// workload returns the args and env of the chart's Deployment for component, with the
// config path of this run, services (a disabled service runs as the chart would render
// it: the messaging Deployment with another --services), and the Secret values.
func (c *e2eChart) workload(t *testing.T, component, services, cfgPath string, s *e2eSecrets, extra map[string]string) ([]string, []string) {
	t.Helper()
	dep := c.deployments[component]
	if dep == nil {
		dep = c.deployments["messaging"]
	}
	ctr, _ := e2eDig(dep, "spec", "template", "spec", "containers", 0).(map[string]any)
	var args []string
	rawArgs, _ := ctr["args"].([]any)
	for i := 0; i < len(rawArgs); i++ {
		a := fmt.Sprint(rawArgs[i])
		args = append(args, a)
		if (a == "--config" || a == "--services") && i+1 < len(rawArgs) {
			i++
			if a == "--config" {
				args = append(args, cfgPath)
			} else {
				args = append(args, services)
			}
		}
	}
	if len(args) == 0 || args[0] != "serve" {
		t.Fatalf("e2e: %s Deployment args %v", component, rawArgs)
	}
	var env []string
	rawEnv, _ := ctr["env"].([]any)
	for _, e := range rawEnv {
		m, _ := e.(map[string]any)
		name := fmt.Sprint(m["name"])
		if v, ok := m["value"]; ok {
			env = append(env, name+"="+fmt.Sprint(v))
			continue
		}
		ref, _ := e2eDig(m, "valueFrom", "secretKeyRef").(map[string]any)
		if ref == nil {
			t.Fatalf("e2e: env %s of the %s Deployment is neither a value nor a secretKeyRef", name, component)
		}
		env = append(env, name+"="+s.get(t, fmt.Sprintf("%v/%v", ref["name"], ref["key"])))
	}
	for name, ref := range extra {
		env = append(env, name+"="+s.get(t, ref))
	}
	return args, env
}

func e2eSection(m map[string]any, key string) map[string]any {
	s, ok := m[key].(map[string]any)
	if !ok {
		s = map[string]any{}
		m[key] = s
	}
	return s
}

// e2eDig walks maps (string keys) and lists (int keys); nil when absent.
func e2eDig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func e2eDigPath(v any, dotted string) any {
	var path []any
	for _, p := range strings.Split(dotted, ".") {
		var i int
		if _, err := fmt.Sscanf(p, "%d", &i); err == nil && fmt.Sprint(i) == p {
			path = append(path, i)
		} else {
			path = append(path, p)
		}
	}
	return e2eDig(v, path...)
}

// e2eSecrets holds the values of the Secrets the chart references, by "name/key".
type e2eSecrets struct{ values map[string]string }

func newE2ESecrets() *e2eSecrets { return &e2eSecrets{values: map[string]string{}} }

func (s *e2eSecrets) random(prefix string) string {
	var b [20]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

func (s *e2eSecrets) set(ref, v string) { s.values[ref] = v }

// get returns the value of ref; a reference nobody set gets a fresh random value (like the
// one API key the split values use for auth.keys[0] and token_source.api_key).
func (s *e2eSecrets) get(t *testing.T, ref string) string {
	t.Helper()
	v, ok := s.values[ref]
	if !ok {
		v = "wxsk_" + s.random("")
		s.values[ref] = v
	}
	return v
}

// e2eSecondService is a domain service besides messaging that the binary has, if any
// (the first in name order), so the run grows with the suite.
func e2eSecondService() string {
	var names []string
	for n := range modules {
		if n != "token" && n != "messaging" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return ""
	}
	return names[0]
}

// --- processes ---------------------------------------------------------------------------

type e2eBinaries struct{ wxsuite, sandbox string }

// e2eBuild builds cmd/wxsuite and cmd/wxsandbox into dir, with -race when this test
// binary has it: then every package is already compiled in the build cache (the test
// binary links the same ones) and the build is two links, not a cold compile.
func e2eBuild(t *testing.T, dir string) e2eBinaries {
	t.Helper()
	b := e2eBinaries{wxsuite: filepath.Join(dir, "wxsuite"), sandbox: filepath.Join(dir, "wxsandbox")}
	args := []string{"build", "-o", dir + string(filepath.Separator)}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "-race" && s.Value == "true" {
				args = append(args, "-race")
			}
		}
	}
	cmd := exec.Command("go", append(args, ".", "../wxsandbox")...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("e2e: go build: %v\n%s", err, out)
	}
	return b
}

// e2eLookRedis finds redis-server: the test runs its own, with a password.
func e2eLookRedis(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("WXSUITE_TEST_REDIS") == "require" {
			t.Fatal("e2e: redis-server is required (WXSUITE_TEST_REDIS=require) but not on PATH")
		}
		t.Skip("e2e: redis-server is not installed; skipping the split-topology test")
	}
	return bin
}

func e2eStartRedis(t *testing.T, bin, dir, addr, password string) {
	t.Helper()
	host, port, _ := strings.Cut(addr, ":")
	cmd := exec.Command(bin, "--bind", host, "--port", port, "--save", "", "--appendonly", "no",
		"--dir", dir, "--requirepass", password)
	logf, err := os.Create(filepath.Join(dir, "redis.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("e2e: start redis-server: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait(); _ = logf.Close() })
	c := redis.NewClient(&redis.Options{Addr: addr, Password: password, DialTimeout: 200 * time.Millisecond})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if err := c.Ping(context.Background()).Err(); err == nil {
			return
		} else if time.Now().After(deadline) {
			t.Fatalf("e2e: redis-server on %s never answered: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// e2eEndpoint is how the test reaches a process: its base URL and an HTTP client (with
// the client certificate when the process requires one).
type e2eEndpoint struct {
	base   string
	client *http.Client
}

// e2eHTTP is the test's cleartext HTTP client; its timeout turns a hung process into a
// failure instead of a test that never ends.
var e2eHTTP = &http.Client{Timeout: 30 * time.Second}

// e2ePlain is a cleartext endpoint.
func e2ePlain(addr string) e2eEndpoint {
	return e2eEndpoint{base: "http://" + addr, client: e2eHTTP}
}

// e2eProc is one running process; its output goes to a log file shown when the test fails.
type e2eProc struct {
	name   string
	ep     e2eEndpoint
	cmd    *exec.Cmd
	log    string
	exited chan struct{}
}

// e2eStart runs bin and waits until GET http://addr/readyz answers 200. The environment
// is the test's without WXSUITE_* variables (they would be read as config overrides),
// plus env.
func e2eStart(t *testing.T, dir, name, bin string, args, env []string, ep e2eEndpoint) *e2eProc {
	t.Helper()
	logPath := filepath.Join(dir, fmt.Sprintf("%s-%d.log", name, time.Now().UnixNano()))
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WXSUITE_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("e2e: start %s: %v", name, err)
	}
	p := &e2eProc{name: name, ep: ep, cmd: cmd, log: logPath, exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); _ = logf.Close(); close(p.exited) }()
	t.Cleanup(func() {
		p.signal(syscall.SIGKILL)
		if t.Failed() {
			p.dump(t)
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-p.exited: // the cleanup shows its output
			t.Fatalf("e2e: %s exited before it was ready", name)
		default:
		}
		resp, err := ep.client.Get(ep.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("e2e: %s never became ready on %s", name, ep.base)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func (p *e2eProc) signal(sig syscall.Signal) {
	select {
	case <-p.exited:
	default:
		_ = p.cmd.Process.Signal(sig)
		<-p.exited
	}
}

// kill ends the process at once (SIGKILL), as a crashed or evicted pod.
func (p *e2eProc) kill(t *testing.T) {
	t.Helper()
	p.signal(syscall.SIGKILL)
}

// dump logs the tail of the process's output.
func (p *e2eProc) dump(t *testing.T) {
	b, _ := os.ReadFile(p.log)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	t.Logf("--- %s (%s), last lines:\n%s", p.name, p.log, strings.Join(lines, "\n"))
}

// e2eFreeAddr is a loopback address that was free a moment ago.
func e2eFreeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func e2eWriteJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// e2eBearer sends key on unary and streaming calls.
func e2eBearer(key string) connect.Interceptor { return e2eAuth("Bearer " + key) }

type e2eAuth string

func (a e2eAuth) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		req.Header().Set("Authorization", string(a))
		return next(ctx, req)
	}
}

func (a e2eAuth) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return func(ctx context.Context, spec connect.Spec) connect.StreamingClientConn {
		conn := next(ctx, spec)
		conn.RequestHeader().Set("Authorization", string(a))
		return conn
	}
}

func (a e2eAuth) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return next
}

// --- scenario helpers --------------------------------------------------------------------

// e2eExpectSubscribed subscribes to the account's events in group and expects one whose
// text is want; it acknowledges what it reads.
func e2eExpectSubscribed(t *testing.T, c messagingv1connect.EventServiceClient, appID, group, want string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	defer cancel()
	stream, err := c.Subscribe(ctx, &messagingv1.SubscribeRequest{AppId: appID, Group: group, Consumer: "e2e-1",
		Start: messagingv1.StartPosition_START_POSITION_EARLIEST})
	if err != nil {
		t.Fatalf("Subscribe: %v", err)
	}
	defer stream.Close()
	for stream.Receive() {
		ev := stream.Msg().GetEvent()
		if ev == nil {
			continue // the first response confirms the subscription
		}
		if _, err := c.Ack(ctx, &messagingv1.AckRequest{AppId: appID, Group: group, Ids: []string{ev.GetId()}}); err != nil {
			t.Fatalf("Ack: %v", err)
		}
		if ev.GetText().GetContent() == want {
			return
		}
	}
	t.Fatalf("event %q never arrived through EventService.Subscribe: %v", want, stream.Err())
}

// e2eCallLog reads the sandbox's call log.
type e2eCallLog struct {
	t     *testing.T
	admin sandboxv1connect.SandboxServiceClient
	appID string
}

func (l *e2eCallLog) list(path string, after int64) []*sandboxv1.Call {
	l.t.Helper()
	resp, err := l.admin.ListCalls(l.t.Context(), &sandboxv1.ListCallsRequest{Path: path, AppId: l.appID, AfterSeq: after})
	if err != nil {
		l.t.Fatalf("ListCalls: %v", err)
	}
	return resp.GetCalls()
}

// tokenFetches counts successful /cgi-bin/token calls.
func (l *e2eCallLog) tokenFetches() int {
	n := 0
	for _, c := range l.list("/cgi-bin/token", 0) {
		if c.GetErrcode() == 0 && c.GetHttpStatus() == http.StatusOK {
			n++
		}
	}
	return n
}

func (l *e2eCallLog) last() int64 {
	calls := l.list("", 0)
	if len(calls) == 0 {
		return 0
	}
	return calls[len(calls)-1].GetSeq()
}

// tokenCalls are the calls after seq that carried an access token.
func (l *e2eCallLog) tokenCalls(after int64) []*sandboxv1.Call {
	var out []*sandboxv1.Call
	for _, c := range l.list("", after) {
		if c.GetAccessToken() != "" {
			out = append(out, c)
		}
	}
	return out
}

// expectTokens checks the calls after seq: rejected ones (40001) carried stale, accepted
// ones current, and at least one was accepted.
func (l *e2eCallLog) expectTokens(after int64, stale, current, when string) {
	l.t.Helper()
	accepted := 0
	for _, c := range l.tokenCalls(after) {
		switch {
		case c.GetErrcode() == 0:
			accepted++
			if c.GetAccessToken() != current {
				l.t.Errorf("%s: %s was called with another token than the current one", when, c.GetPath())
			}
		case c.GetErrcode() == 40001:
			if c.GetAccessToken() != stale {
				l.t.Errorf("%s: %s got 40001 with a token that was not the revoked one", when, c.GetPath())
			}
		default:
			l.t.Errorf("%s: %s answered errcode %d", when, c.GetPath(), c.GetErrcode())
		}
	}
	if accepted == 0 {
		l.t.Errorf("%s: no accepted WeChat call", when)
	}
}

// e2eDomain is one domain-service process and the token-needing call it answers.
type e2eDomain struct {
	name    string
	service string
	proc    *e2eProc
	call    *e2eRPC
	backend string // the backend's API key
}

// e2eRPC is a read-only call that takes only app_id and calls WeChat with the token: a
// unary Connect call with a JSON body, or (body empty) a GET.
type e2eRPC struct {
	procedure string // "/pkg.Service/Method", or a path for a GET
	body      string
}

// chooseCall finds, among the service's read-only RPCs (from its protos), one that
// answers OK and made a WeChat call with tok; the run then uses it throughout. Services
// are being added while this test lives, so it discovers them instead of naming them.
func (d *e2eDomain) chooseCall(t *testing.T, calls *e2eCallLog, tok string) {
	t.Helper()
	var tried []string
	for _, rpc := range e2eReadOnlyRPCs(t, d.service, calls.appID) {
		seq := calls.last()
		status, body := e2eConnectJSON(t, d.proc, rpc.procedure, rpc.body, d.backend)
		if !e2eSucceeded(status, body) {
			tried = append(tried, fmt.Sprintf("%s → %d %s", rpc.procedure, status, e2eShort(body)))
			continue
		}
		used := calls.tokenCalls(seq)
		if len(used) == 0 {
			tried = append(tried, rpc.procedure+" → OK without a WeChat call")
			continue
		}
		for _, c := range used {
			if c.GetAccessToken() != tok {
				t.Errorf("%s: %s called WeChat with another token than the token service's", d.name, rpc.procedure)
			}
		}
		r := rpc
		d.call = &r
		t.Logf("e2e: %s uses %s (calls %s)", d.name, rpc.procedure, used[0].GetPath())
		return
	}
	t.Logf("e2e: %s: no read-only RPC calling WeChat answered (%d tried: %s)", d.name, len(tried), strings.Join(tried, "; "))
}

// callOK makes the process's chosen call, if any, and requires success.
func (d *e2eDomain) callOK(t *testing.T, when string) {
	t.Helper()
	if d.call == nil {
		return
	}
	status, body := e2eConnectJSON(t, d.proc, d.call.procedure, d.call.body, d.backend)
	if !e2eSucceeded(status, body) {
		t.Errorf("%s: %s on %s: %d %s", when, d.call.procedure, d.name, status, e2eShort(body))
	}
}

// e2eSucceeded reports whether a call succeeded: HTTP 200 and, for the proxy (which
// answers the platform's errors in its JSON shape with 200), no non-zero errcode.
func e2eSucceeded(status int, body string) bool {
	if status != http.StatusOK {
		return false
	}
	var wx struct {
		Errcode *int `json:"errcode"`
	}
	return json.Unmarshal([]byte(body), &wx) != nil || wx.Errcode == nil || *wx.Errcode == 0
}

func e2eShort(s string) string {
	if len(s) > 160 {
		return s[:160] + "…"
	}
	return s
}

// e2eConnectJSON makes a unary Connect call with a JSON body, or a GET when body is empty.
func e2eConnectJSON(t *testing.T, p *e2eProc, procedure, body, key string) (int, string) {
	t.Helper()
	method := http.MethodPost
	if body == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(t.Context(), method, p.ep.base+procedure, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := p.ep.client.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", procedure, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var (
	e2eRPCDecl  = regexp.MustCompile(`rpc\s+((?:Get|List)\w*)\s*\(\s*(\w+)\s*\)\s*returns\s*\(\s*(stream\s+)?\w+\s*\)\s*\{([^}]*)\}`)
	e2eService  = regexp.MustCompile(`(?s)service\s+(\w+)\s*\{(.*?)\n\}`)
	e2ePackage  = regexp.MustCompile(`package\s+([\w.]+)\s*;`)
	e2eComments = regexp.MustCompile(`//[^\n]*`)
)

// e2eReadOnlyRPCs lists the Get*/List* RPCs of proto/wxsuite/<service>/v1 that are mapped
// to an HTTP GET, do not stream, and whose request has app_id and no other required field;
// for the transparent proxy, a platform GET through it (services/proxy: /wx/{app_id}/…).
func e2eReadOnlyRPCs(t *testing.T, service, appID string) []e2eRPC {
	t.Helper()
	var out []e2eRPC
	if service == "proxy" {
		out = append(out, e2eRPC{procedure: "/wx/" + appID + "/cgi-bin/getcallbackip"})
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "proto", "wxsuite", service, "v1", "*.proto"))
	sort.Strings(files)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src := e2eComments.ReplaceAllString(string(raw), "")
		pkg := e2ePackage.FindStringSubmatch(src)
		if pkg == nil {
			continue
		}
		for _, svc := range e2eService.FindAllStringSubmatch(src, -1) {
			for _, m := range e2eRPCDecl.FindAllStringSubmatch(svc[2], -1) {
				if m[3] != "" || !strings.Contains(m[4], "get:") {
					continue
				}
				body, ok := e2eRequestBody(src, m[2], appID)
				if !ok {
					continue
				}
				out = append(out, e2eRPC{procedure: "/" + pkg[1] + "." + svc[1] + "/" + m[1], body: body})
			}
		}
	}
	return out
}

// e2eRequestBody returns the JSON request of message name when it has an app_id field and
// no other required one but a date range (begin_date/end_date, given as yesterday in
// China, the last day the platform's statistics have).
func e2eRequestBody(src, name, appID string) (string, bool) {
	re := regexp.MustCompile(`message\s+` + regexp.QuoteMeta(name) + `\s*\{([^{}]*)\}`)
	m := re.FindStringSubmatch(src)
	if m == nil || !strings.Contains(m[1], "string app_id = 1") {
		return "", false
	}
	fields := fmt.Sprintf(`"app_id":%q`, appID)
	yesterday := time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, -1).Format(time.DateOnly)
	for _, line := range strings.Split(m[1], ";") {
		if !strings.Contains(line, "REQUIRED") || strings.Contains(line, " app_id ") {
			continue
		}
		switch {
		case strings.Contains(line, "string begin_date "):
			fields += fmt.Sprintf(`,"begin_date":%q`, yesterday)
		case strings.Contains(line, "string end_date "):
			fields += fmt.Sprintf(`,"end_date":%q`, yesterday)
		default:
			return "", false
		}
	}
	return "{" + fields + "}", true
}
