package redistest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// serverBinary finds redis-server; without it the test is skipped with a clear message,
// or fails when WXSUITE_TEST_REDIS=require (CI installs redis-server).
func serverBinary(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv(EnvMode) == "require" {
			t.Fatalf("redistest: redis-server is required (%s=require) but not on PATH", EnvMode)
		}
		t.Skip("redistest: redis-server is not installed; skipping the multi-node Redis test")
	}
	return bin
}

// freePort returns a loopback port that is free, and whose cluster bus port (+10000) is
// free too.
func freePort(t testing.TB) int {
	t.Helper()
	for range 100 {
		p := 20000 + rand.IntN(30000)
		if portFree(p) && portFree(p+10000) {
			return p
		}
	}
	t.Fatal("redistest: no free port pair found")
	return 0
}

func portFree(p int) bool {
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}

// node is one redis-server process of a test.
type node struct {
	port int
	cmd  *exec.Cmd
}

func (n *node) addr() string { return "127.0.0.1:" + strconv.Itoa(n.port) }

// startNode runs redis-server with args on a free port until the test ends, and waits for PING.
func startNode(t testing.TB, bin, dir string, args ...string) *node {
	t.Helper()
	port := freePort(t)
	all := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", dir, "--daemonize", "no"}, args...)
	if len(args) > 0 && strings.HasSuffix(args[0], ".conf") {
		// A configuration file must come first.
		all = append([]string{args[0], "--port", strconv.Itoa(port)}, args[1:]...)
	}
	cmd := exec.Command(bin, all...)
	cmd.Dir = dir
	logf, err := os.Create(filepath.Join(dir, fmt.Sprintf("redis-%d.log", port)))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("redistest: start redis-server: %v", err)
	}
	n := &node{port: port, cmd: cmd}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		_ = logf.Close()
	})
	waitPing(t, n.addr())
	return n
}

func waitPing(t testing.TB, addr string) {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, DialTimeout: 200 * time.Millisecond})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("redistest: %s never answered PING: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Cluster starts a three-master Redis Cluster (no replicas) from redis-server on loopback
// ports and returns a cluster client to it; everything stops when the test ends.
func Cluster(t testing.TB) *redis.ClusterClient {
	t.Helper()
	bin := serverBinary(t)
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Skip("redistest: redis-cli is not installed; skipping the Redis Cluster test")
	}
	dir := t.TempDir()
	var addrs []string
	for range 3 {
		n := startNode(t, bin, dir, "--cluster-enabled", "yes",
			"--cluster-config-file", fmt.Sprintf("nodes-%d.conf", rand.Int()), "--cluster-node-timeout", "2000")
		addrs = append(addrs, n.addr())
	}
	create := exec.Command(cli, append(append([]string{"--cluster", "create"}, addrs...), "--cluster-replicas", "0", "--cluster-yes")...)
	if out, err := create.CombinedOutput(); err != nil {
		t.Fatalf("redistest: redis-cli --cluster create: %v\n%s", err, out)
	}
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	t.Cleanup(func() { _ = c.Close() })
	deadline := time.Now().Add(20 * time.Second)
	for {
		info, err := c.ClusterInfo(context.Background()).Result()
		if err == nil && strings.Contains(info, "cluster_state:ok") {
			// Every master must agree before keys are routed reliably.
			ok := true
			for _, a := range addrs {
				nc := redis.NewClient(&redis.Options{Addr: a})
				i, err := nc.ClusterInfo(context.Background()).Result()
				_ = nc.Close()
				ok = ok && err == nil && strings.Contains(i, "cluster_state:ok")
			}
			if ok {
				return c
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("redistest: cluster never reached cluster_state:ok: %v %s", err, info)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// SentinelEnv is a Sentinel-managed primary/replica pair.
type SentinelEnv struct {
	// Client follows the current primary through the sentinel.
	Client *redis.Client
	// MasterName is the name the sentinel monitors.
	MasterName string
	sentinel   *redis.SentinelClient
}

// Primary returns the address the sentinel currently reports as primary.
func (e *SentinelEnv) Primary(ctx context.Context) (string, error) {
	addr, err := e.sentinel.GetMasterAddrByName(ctx, e.MasterName).Result()
	if err != nil {
		return "", err
	}
	return net.JoinHostPort(addr[0], addr[1]), nil
}

// Failover asks the sentinel to promote the replica and waits until it reports the new
// primary, the new primary accepts writes and the old primary has been turned into a
// replica (until then the old primary still accepts writes from clients that have not
// switched, and those writes vanish when it resynchronises).
func (e *SentinelEnv) Failover(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	before, err := e.Primary(ctx)
	if err != nil {
		t.Fatalf("redistest: primary before failover: %v", err)
	}
	if err := e.sentinel.Failover(ctx, e.MasterName).Err(); err != nil {
		t.Fatalf("redistest: SENTINEL FAILOVER: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		after, err := e.Primary(ctx)
		if err == nil && after != before {
			nc := redis.NewClient(&redis.Options{Addr: after})
			role, rerr := nc.Do(ctx, "ROLE").Slice()
			_ = nc.Close()
			if rerr == nil && len(role) > 0 && role[0] == "master" && roleOf(ctx, before) == "slave" {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("redistest: failover did not complete (primary %s → %s, %v)", before, after, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// roleOf returns the first element of ROLE at addr ("master", "slave", …; "" on error).
func roleOf(ctx context.Context, addr string) string {
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	role, err := c.Do(ctx, "ROLE").Slice()
	if err != nil || len(role) == 0 {
		return ""
	}
	r, _ := role[0].(string)
	return r
}

// Sentinel starts a primary, a replica and one sentinel monitoring them from redis-server
// on loopback ports; everything stops when the test ends.
func Sentinel(t testing.TB) *SentinelEnv {
	t.Helper()
	bin := serverBinary(t)
	dir := t.TempDir()
	primary := startNode(t, bin, dir)
	replica := startNode(t, bin, dir, "--replicaof", "127.0.0.1", strconv.Itoa(primary.port))
	const master = "wxsuite-test"
	conf := filepath.Join(dir, "sentinel.conf")
	body := fmt.Sprintf("bind 127.0.0.1\nsentinel monitor %s 127.0.0.1 %d 1\nsentinel down-after-milliseconds %s 1000\nsentinel failover-timeout %s 5000\n",
		master, primary.port, master, master)
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	sport := freePort(t)
	cmd := exec.Command(bin, conf, "--sentinel", "--port", strconv.Itoa(sport))
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		t.Fatalf("redistest: start sentinel: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	saddr := "127.0.0.1:" + strconv.Itoa(sport)
	waitPing(t, saddr)
	// Wait until the replica is in sync and the sentinel knows it.
	sc := redis.NewSentinelClient(&redis.Options{Addr: saddr})
	t.Cleanup(func() { _ = sc.Close() })
	deadline := time.Now().Add(20 * time.Second)
	for {
		reps, err := sc.Replicas(context.Background(), master).Result()
		if err == nil && len(reps) == 1 && strings.Contains(fmt.Sprint(reps[0]), strconv.Itoa(replica.port)) &&
			!strings.Contains(fmt.Sprint(reps[0]), "s_down") && strings.Contains(fmt.Sprint(reps[0]), "master-link-status:ok") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("redistest: sentinel never saw the replica in sync: %v %v", err, reps)
		}
		time.Sleep(100 * time.Millisecond)
	}
	c := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: master, SentinelAddrs: []string{saddr}})
	t.Cleanup(func() { _ = c.Close() })
	return &SentinelEnv{Client: c, MasterName: master, sentinel: sc}
}
