package main

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/platform/redisx/redistest"
)

func TestWxsuiteConfigLoads(t *testing.T) {
	t.Parallel()
	acc := testAccount(t)
	for _, services := range []string{"messaging", "all", "token,messaging"} {
		w := newWxsuiteSetup("127.0.0.1:18180", "redis://127.0.0.1:6379/0", services, acc)
		path := filepath.Join(t.TempDir(), "wxsuite.yaml")
		if err := w.writeConfig(path); err != nil {
			t.Fatal(err)
		}
		f, err := config.Load(path, nil)
		if err != nil {
			t.Fatalf("%s: %v", services, err)
		}
		var accounts config.Accounts
		if err := f.Section(config.SectionAccounts, &accounts); err != nil {
			t.Fatalf("%s: accounts: %v", services, err)
		}
		a, ok := accounts.Find(acc.appID)
		if !ok || a.CallbackToken.Reveal() != acc.token || a.EncodingAESKey.Reveal() != acc.aesKey {
			t.Errorf("%s: account %+v", services, a)
		}
		var ms struct {
			KeyPrefix string `yaml:"key_prefix"`
			Accounts  map[string]struct {
				Mode string `yaml:"mode"`
			} `yaml:"accounts"`
		}
		if err := f.Section(config.SectionMessaging, &ms); err != nil {
			t.Fatal(err)
		}
		if ms.KeyPrefix != w.keyPrefix || ms.Accounts[acc.appID].Mode != "safe" {
			t.Errorf("%s: messaging %+v", services, ms)
		}
		if got := f.Has("token_source"); got != (services == "messaging") {
			t.Errorf("%s: token_source present %t", services, got)
		}
		if !strings.HasPrefix(w.streamKey(), w.keyPrefix+":{"+acc.appID+"}") {
			t.Errorf("stream key %q", w.streamKey())
		}
	}
}

func TestParseRedisCPU(t *testing.T) {
	t.Parallel()
	info := "# CPU\r\nused_cpu_sys:1.500000\r\nused_cpu_user:2.250000\r\nused_cpu_sys_children:9.000000\r\n"
	got, err := parseRedisCPU(info)
	if err != nil || got != 3750*time.Millisecond {
		t.Errorf("parseRedisCPU: %v, %v", got, err)
	}
	if _, err := parseRedisCPU("# CPU\r\nused_cpu_sys:1\r\n"); err == nil {
		t.Error("no error without used_cpu_user")
	}
}

func TestStreamCountAndCleanup(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	rdb := redistest.New(t)
	w := newWxsuiteSetup("127.0.0.1:1", "", "messaging", testAccount(t))
	if n, err := w.entriesAdded(ctx, rdb); err != nil || n != 0 {
		t.Fatalf("no stream yet: %d, %v", n, err)
	}
	for range 5 {
		if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: w.streamKey(), MaxLen: 2, Approx: false, Values: []string{"e", "x"}}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		rdb.Set(ctx, w.keyPrefix+":{"+w.acc.appID+"}:dedup:m:"+strconv.Itoa(i), "a:success", time.Minute)
	}
	rules := w.keyPrefix + ":{" + w.acc.appID + "}:reply"
	rdb.Set(ctx, rules, "rules", time.Minute)
	other := "pushload-other-" + w.keyPrefix
	rdb.Set(ctx, other, "kept", time.Minute)
	defer rdb.Del(ctx, other)
	// Trimmed to 2 entries, but 5 were added: the count is of what was stored.
	if n, err := w.entriesAdded(ctx, rdb); err != nil || n != 5 {
		t.Fatalf("entries added %d, %v; want 5", n, err)
	}
	n, err := w.dropRun(ctx, rdb)
	if err != nil || n != 4 {
		t.Fatalf("dropRun deleted %d, %v; want 4", n, err)
	}
	if left, _ := rdb.Keys(ctx, w.keyPrefix+":*").Result(); len(left) != 1 || left[0] != rules {
		t.Errorf("after dropRun: %v, want the rules only", left)
	}
	if n, err := w.entriesAdded(ctx, rdb); err != nil || n != 0 {
		t.Fatalf("entries added after dropRun %d, %v; want 0", n, err)
	}
	n, err = w.cleanup(ctx, rdb)
	if err != nil || n != 1 {
		t.Fatalf("cleanup deleted %d, %v; want 1", n, err)
	}
	if left, _ := rdb.Keys(ctx, w.keyPrefix+":*").Result(); len(left) != 0 {
		t.Errorf("left %v", left)
	}
	if v, _ := rdb.Get(ctx, other).Result(); v != "kept" {
		t.Errorf("cleanup deleted another key")
	}
}

func TestRedisCPUFromRealRedis(t *testing.T) {
	t.Parallel()
	if _, err := redisCPU(t.Context(), redistest.New(t)); err != nil {
		t.Fatal(err)
	}
}
