package proxy

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/redis/go-redis/v9"
)

// platformDay is the time zone of the platform's daily quotas (Beijing time, UTC+8,
// without daylight saving).
var platformDay = time.FixedZone("UTC+8", 8*60*60)

// quotaKeyTTL keeps a day's counters a little past the day.
const quotaKeyTTL = 48 * time.Hour

// dailyCounts counts, in Redis, the calls the proxy forwarded per account, path and
// platform day, for the paths with a daily limit, and decides local 45009 refusals.
type dailyCounts struct {
	redis    redis.UniversalClient
	prefix   string
	limits   map[string]int64
	refuseAt float64
	now      func() time.Time
}

// key is the hash of one account's counters for the day of now, fields by path.
func (q *dailyCounts) key(appID string, now time.Time) string {
	return fmt.Sprintf("%s:proxy:{%s}:calls:%s", q.prefix, appID, now.In(platformDay).Format("20060102"))
}

// threshold is the count from which calls of path are refused locally; 0 when they never
// are.
func (q *dailyCounts) threshold(path string) int64 {
	limit := q.limits[path]
	if limit <= 0 || q.refuseAt <= 0 {
		return 0
	}
	return max(1, int64(math.Floor(float64(limit)*q.refuseAt)))
}

// spend counts one call of path for appID and returns today's count. With a threshold
// set, a call that would go past it is not counted and refused is true. Paths without a
// limit are not counted (count 0).
func (q *dailyCounts) spend(ctx context.Context, appID, path string) (count int64, refused bool, err error) {
	if q.limits[path] <= 0 {
		return 0, false, nil
	}
	k := q.key(appID, q.now())
	pipe := q.redis.TxPipeline()
	incr := pipe.HIncrBy(ctx, k, path, 1)
	pipe.Expire(ctx, k, quotaKeyTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, false, fmt.Errorf("count call of %s for %s: %w", path, appID, err)
	}
	count = incr.Val()
	if t := q.threshold(path); t > 0 && count > t {
		// Refused calls never reach the platform, so they spend nothing.
		if err := q.redis.HIncrBy(ctx, k, path, -1).Err(); err != nil {
			return count, true, fmt.Errorf("uncount refused call of %s for %s: %w", path, appID, err)
		}
		return count - 1, true, nil
	}
	return count, false, nil
}

// reset forgets today's counts of appID (after a successful clear_quota).
func (q *dailyCounts) reset(ctx context.Context, appID string) error {
	if err := q.redis.Del(ctx, q.key(appID, q.now())).Err(); err != nil {
		return fmt.Errorf("reset call counts of %s: %w", appID, err)
	}
	return nil
}
