package redisx_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/redisx"
	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
)

func TestNewTopology(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give redisx.Config
		want string // the concrete client type
	}{
		{"standalone", redisx.Config{URL: "redis://127.0.0.1:6379/0"}, "*redis.Client"},
		{"standalone explicit", redisx.Config{URL: "redis://127.0.0.1:6379/0", Mode: "standalone", PoolSize: 3}, "*redis.Client"},
		{"sentinel from master name", redisx.Config{URL: "redis://127.0.0.1:26379/0", MasterName: "mymaster", Addrs: []string{"127.0.0.2:26379"}}, "*redis.Client"},
		{"sentinel from url", redisx.Config{URL: "redis://127.0.0.1:26379/0?master_name=m"}, "*redis.Client"},
		{"cluster from addrs", redisx.Config{URL: "redis://127.0.0.1:7000", Addrs: []string{"127.0.0.1:7001"}}, "*redis.ClusterClient"},
		{"cluster from url", redisx.Config{URL: "redis://127.0.0.1:7000?addr=127.0.0.1:7001"}, "*redis.ClusterClient"},
		{"cluster explicit one seed", redisx.Config{URL: "redis://127.0.0.1:7000", Mode: "cluster"}, "*redis.ClusterClient"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := redisx.New(tt.give)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if got := typeName(c); got != tt.want {
				t.Errorf("client type = %s, want %s", got, tt.want)
			}
		})
	}
}

func typeName(c redis.UniversalClient) string {
	switch c.(type) {
	case *redis.Client:
		return "*redis.Client" // NewFailoverClient also returns a *redis.Client
	case *redis.ClusterClient:
		return "*redis.ClusterClient"
	default:
		return "other"
	}
}

func TestConfigInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give redisx.Config
		want string
	}{
		{"missing url", redisx.Config{}, "config: url: required"},
		{"bad scheme", redisx.Config{URL: "http://user:hunter2@x"}, "config: url: want a redis://"},
		{"bad mode", redisx.Config{URL: "redis://x", Mode: "ring"}, "config: mode:"},
		{"sentinel without master", redisx.Config{URL: "redis://x", Mode: "sentinel"}, "config: master_name: required"},
		{"standalone with addrs", redisx.Config{URL: "redis://x", Mode: "standalone", Addrs: []string{"y:1"}}, "config: addrs:"},
		{"negative pool", redisx.Config{URL: "redis://x", PoolSize: -1}, "config: pool_size:"},
		{"bad protocol", redisx.Config{URL: "redis://x", Protocol: 4}, "config: protocol: 4: want 2 or 3"},
		{"unknown url option", redisx.Config{URL: "redis://:hunter2@x/0?bogus=1"}, "config: url:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := redisx.New(tt.give)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error reveals the password: %v", err)
			}
		})
	}
}

// TestProtocol: RESP2 unless the config or the URL asks for 3, in every topology.
func TestProtocol(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give redisx.Config
		want int
	}{
		{"standalone default", redisx.Config{URL: "redis://127.0.0.1:6379/0"}, 2},
		{"standalone url", redisx.Config{URL: "redis://127.0.0.1:6379/0?protocol=3"}, 3},
		{"standalone config", redisx.Config{URL: "redis://127.0.0.1:6379/0?protocol=2", Protocol: 3}, 3},
		{"sentinel default", redisx.Config{URL: "redis://127.0.0.1:26379/0", MasterName: "m"}, 2},
		{"cluster default", redisx.Config{URL: "redis://127.0.0.1:7000", Mode: "cluster"}, 2},
		{"cluster config", redisx.Config{URL: "redis://127.0.0.1:7000", Mode: "cluster", Protocol: 3}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := redisx.New(tt.give)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			var got int
			switch c := c.(type) {
			case *redis.Client:
				got = c.Options().Protocol
			case *redis.ClusterClient:
				got = c.Options().Protocol
			}
			if got != tt.want {
				t.Errorf("protocol = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestSectionDecodes(t *testing.T) {
	t.Parallel()
	f, err := config.FromYAML([]byte("redis:\n  url: redis://127.0.0.1:6379/2\n  password: {env: PW}\n  dial_timeout: 2s\n  read_timeout: 1\n"), []string{"PW=pw"})
	if err != nil {
		t.Fatal(err)
	}
	var cfg redisx.Config
	if err := f.Section("redis", &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Password.Reveal() != "pw" || cfg.DialTimeout.Std() != 2*time.Second || cfg.ReadTimeout.Std() != time.Second {
		t.Errorf("decoded %+v", cfg)
	}
}

func TestMetricsHook(t *testing.T) {
	t.Parallel()
	client := redistest.New(t)
	reg := prometheus.NewRegistry()
	hook, err := redisx.NewMetricsHook(reg)
	if err != nil {
		t.Fatal(err)
	}
	client.AddHook(hook)
	ctx := context.Background()
	key := "wxsuite:test:" + t.Name() + ":" + time.Now().Format(time.RFC3339Nano)
	t.Cleanup(func() { client.Del(context.Background(), key) })
	if err := client.Set(ctx, key, "v", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	if err := client.Get(ctx, key+":missing").Err(); err != redis.Nil {
		t.Fatalf("GET missing = %v", err)
	}
	if err := client.Do(ctx, "NOSUCHCOMMAND").Err(); err == nil {
		t.Fatal("unknown command succeeded")
	}
	if _, err := redisx.NewMetricsHook(reg); err != nil {
		t.Fatalf("second hook on the same registry: %v", err)
	}
	tests := []struct {
		name    string
		metric  string
		command string
		want    float64
	}{
		{"set counted", "wxsuite_redis_commands_total", "set", 1},
		{"get counted", "wxsuite_redis_commands_total", "get", 1},
		{"nil is not an error", "wxsuite_redis_command_errors_total", "get", 0},
		{"error counted", "wxsuite_redis_command_errors_total", "nosuchcommand", 1},
	}
	for _, tt := range tests {
		if got := counterValue(t, reg, tt.metric, tt.command); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func counterValue(t *testing.T, reg *prometheus.Registry, name, command string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "command" && l.GetValue() == command {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}
