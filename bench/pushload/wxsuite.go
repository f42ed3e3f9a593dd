package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// wxsuiteSetup is what pushload gives `wxsuite serve` and then checks in Redis.
type wxsuiteSetup struct {
	addr      string
	redisURL  string
	services  string // --services
	keyPrefix string // messaging.key_prefix: unique per invocation
	apiKey    string // an API key with messaging.manage, to install the reply rule
	acc       *account
}

func newWxsuiteSetup(addr, redisURL, services string, acc *account) *wxsuiteSetup {
	b := make([]byte, 24+4)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return &wxsuiteSetup{
		addr: addr, redisURL: redisURL, services: services, acc: acc,
		apiKey:    "pushload-" + hex.EncodeToString(b[:24]),
		keyPrefix: "pushload-" + hex.EncodeToString(b[24:]),
	}
}

// config is the YAML configuration of the wxsuite under test: the account in safe mode,
// real Redis, an API key that may manage messaging, and the messaging section's defaults
// (replay window, dedup TTL, stream bounds) except for the key prefix.
func (w *wxsuiteSetup) config() []byte {
	var tokenSource string
	if !strings.Contains(","+w.services+",", ",token,") && w.services != "all" {
		// Without the token service in the process, domain services need a remote one.
		// Nothing in the callback path asks for an access token; nothing listens there.
		tokenSource = "token_source:\n  url: http://127.0.0.1:9\n"
	}
	return fmt.Appendf(nil, `server:
  addr: %q
  shutdown_grace: 2s
log:
  format: json
  level: info
redis:
  url: %q
token:
  warmup: false
wechat:
  base_url: http://127.0.0.1:9
%sauth:
  keys:
    - id: pushload
      key: %q
      app_ids: [%q]
      scopes: [messaging.manage]
accounts:
  - app_id: %q
    name: pushload
    app_secret: %q
    callback_token: %q
    encoding_aes_key: %q
messaging:
  key_prefix: %q
  accounts:
    %s:
      mode: safe
`, w.addr, w.redisURL, tokenSource, w.apiKey, w.acc.appID, w.acc.appID,
		"pushload-unused-secret-"+w.acc.token, w.acc.token, w.acc.aesKey, w.keyPrefix, w.acc.appID)
}

// writeConfig writes the configuration to path, readable by its owner only (it holds the
// account's secrets).
func (w *wxsuiteSetup) writeConfig(path string) error {
	return os.WriteFile(path, w.config(), 0o600)
}

// streamKey is the account's event stream (services/messaging's key layout).
func (w *wxsuiteSetup) streamKey() string {
	return w.keyPrefix + ":{" + w.acc.appID + "}:events"
}

// entriesAdded is how many entries were ever appended to the account's stream (XINFO
// STREAM's entries-added, which trimming does not lower); 0 before the first.
func (w *wxsuiteSetup) entriesAdded(ctx context.Context, rdb redis.UniversalClient) (int64, error) {
	info, err := rdb.XInfoStream(ctx, w.streamKey()).Result()
	if err != nil {
		if err.Error() == "ERR no such key" {
			return 0, nil
		}
		return 0, fmt.Errorf("XINFO STREAM %s: %w", w.streamKey(), err)
	}
	return info.EntriesAdded, nil
}

// cleanup deletes every key of the invocation (the stream, the dedup keys, the rules).
func (w *wxsuiteSetup) cleanup(ctx context.Context, rdb redis.UniversalClient) (int, error) {
	return unlinkMatching(ctx, rdb, w.keyPrefix+":*")
}

// dropRun deletes what a run left in Redis (the stream and the dedup keys, which remember
// each push, and its answer, for dedup_ttl) and keeps the rest (the reply rules).
func (w *wxsuiteSetup) dropRun(ctx context.Context, rdb redis.UniversalClient) (int, error) {
	if err := rdb.Unlink(ctx, w.streamKey()).Err(); err != nil {
		return 0, err
	}
	n, err := unlinkMatching(ctx, rdb, w.keyPrefix+":{"+w.acc.appID+"}:dedup:*")
	return n + 1, err
}

// unlinkMatching deletes the keys matching pattern (SCAN, then UNLINK in batches).
func unlinkMatching(ctx context.Context, rdb redis.UniversalClient, pattern string) (int, error) {
	n := 0
	iter := rdb.Scan(ctx, 0, pattern, 1000).Iterator()
	batch := make([]string, 0, 500)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := rdb.Unlink(ctx, batch...).Err()
		n += len(batch)
		batch = batch[:0]
		return err
	}
	for iter.Next(ctx) {
		batch = append(batch, iter.Val())
		if len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := iter.Err(); err != nil {
		return n, err
	}
	return n, flush()
}

// redisCPU is the CPU time the Redis server has used (INFO cpu: used_cpu_user +
// used_cpu_sys), which serves every client of that Redis, not only wxsuite.
func redisCPU(ctx context.Context, rdb redis.UniversalClient) (time.Duration, error) {
	s, err := rdb.Info(ctx, "cpu").Result()
	if err != nil {
		return 0, err
	}
	return parseRedisCPU(s)
}

// parseRedisCPU sums used_cpu_user and used_cpu_sys (seconds) of an INFO cpu answer.
func parseRedisCPU(info string) (time.Duration, error) {
	var total float64
	found := 0
	for line := range strings.Lines(info) {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok || (k != "used_cpu_user" && k != "used_cpu_sys") {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, fmt.Errorf("INFO cpu: %s: %w", k, err)
		}
		total += f
		found++
	}
	if found != 2 {
		return 0, errors.New("INFO cpu: used_cpu_user or used_cpu_sys missing")
	}
	return time.Duration(total * float64(time.Second)), nil
}
