package token

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// entry is one credential value as stored in Redis and in the process cache. Times are
// Unix milliseconds of the service clock.
type entry struct {
	Value     string `json:"v"`
	ExpiresAt int64  `json:"e"`
	RefreshAt int64  `json:"r"`
	FetchedAt int64  `json:"f"`
}

func (e *entry) validAt(now time.Time) bool {
	return e != nil && now.UnixMilli() < e.ExpiresAt
}

func (e *entry) freshAt(now time.Time) bool {
	return e != nil && now.UnixMilli() < e.RefreshAt
}

// status is what the service remembers of the last fetch of one credential.
type status struct {
	LastRefresh   int64  `json:"lr,omitempty"`
	LastErrorTime int64  `json:"le,omitempty"`
	LastErrcode   int    `json:"ec,omitempty"`
	LastError     string `json:"em,omitempty"`
	Errmsg        string `json:"wm,omitempty"` // WeChat's errmsg of the last failure
	Path          string `json:"wp,omitempty"` // the WeChat path of the last failure
	BlockedUntil  int64  `json:"bu,omitempty"`
}

// keys builds every Redis key of one account. The account sits in a hash tag so that all
// of them live in one Redis Cluster slot.
type keys struct {
	prefix string
	appID  string
}

func (k keys) value(kind kind) string { return fmt.Sprintf("%s:{%s}:%s", k.prefix, k.appID, kind) }
func (k keys) lock(kind kind) string  { return fmt.Sprintf("%s:{%s}:lock:%s", k.prefix, k.appID, kind) }
func (k keys) status() string         { return fmt.Sprintf("%s:{%s}:status", k.prefix, k.appID) }

// user is the key of one user's encrypted web authorization. The openid is hashed so that
// key listings and slow logs show no user identifiers.
func (k keys) user(openid string) string {
	sum := sha256.Sum256([]byte(openid))
	return fmt.Sprintf("%s:{%s}:oauth:%s", k.prefix, k.appID, hex.EncodeToString(sum[:16]))
}

// quotaClears is the key counting the quota resets made through wxsuite in month
// ("2006-01", Asia/Shanghai).
func (k keys) quotaClears(month string) string {
	return fmt.Sprintf("%s:{%s}:clear_quota:%s", k.prefix, k.appID, month)
}

// statusTTL is how long an account's status is kept after its last fetch.
const statusTTL = 7 * 24 * time.Hour

// errNoEntry is returned by store.get when Redis holds no value.
var errNoEntry = errors.New("no entry")

// store reads and writes credentials, locks and statuses in Redis.
type store struct {
	rdb redis.UniversalClient
}

// releaseScript deletes a lock only when it still holds our owner value.
var releaseScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)

func (s store) get(ctx context.Context, key string) (*entry, error) {
	b, err := s.rdb.Get(ctx, key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, errNoEntry
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	var e entry
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("decode %s: %w", key, err)
	}
	return &e, nil
}

func (s store) put(ctx context.Context, key string, e *entry, ttl time.Duration) error {
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	if err := s.rdb.Set(ctx, key, b, ttl).Err(); err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}

// lock tries to take key for ttl with owner; it reports whether it did.
func (s store) lock(ctx context.Context, key, owner string, ttl time.Duration) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, key, owner, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("lock %s: %w", key, err)
	}
	return ok, nil
}

// locked reports whether key is held by anyone.
func (s store) locked(ctx context.Context, key string) (bool, error) {
	n, err := s.rdb.Exists(ctx, key).Result()
	if err != nil {
		return false, fmt.Errorf("check lock %s: %w", key, err)
	}
	return n == 1, nil
}

func (s store) unlock(ctx context.Context, key, owner string) error {
	if err := releaseScript.Run(ctx, s.rdb, []string{key}, owner).Err(); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("unlock %s: %w", key, err)
	}
	return nil
}

func (s store) putStatus(ctx context.Context, key string, kind kind, st status) error {
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode status: %w", err)
	}
	// The status outlives every credential but not an account removed from the config.
	pipe := s.rdb.TxPipeline()
	pipe.HSet(ctx, key, string(kind), b)
	pipe.Expire(ctx, key, statusTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}

func (s store) statuses(ctx context.Context, key string) (map[kind]status, error) {
	m, err := s.rdb.HGetAll(ctx, key).Result()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	out := make(map[kind]status, len(m))
	for k, v := range m {
		var st status
		if json.Unmarshal([]byte(v), &st) == nil {
			out[kind(k)] = st
		}
	}
	return out, nil
}
