package proxy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// issuedGrace keeps the record of a handed-out token a while past the expires_in the
// caller was told, for clocks that disagree and SDKs that cut it close.
const issuedGrace = 10 * time.Minute

// issuedCacheTTL bounds how long a replica trusts its local copy of a record (a key
// removed from the configuration takes effect at once anyway: the key is looked up by id
// on every call).
const issuedCacheTTL = time.Minute

// issuedCacheMax bounds the local copies; the cache is emptied when it is full.
const issuedCacheMax = 10000

// issuedTokens records, in Redis, which API keys were handed which access token by the
// token endpoints, so that SDKs that authenticate with a key in place of the AppSecret
// and then present only the token are recognised on every replica. Tokens are stored as
// SHA-256 digests, never in clear. A record lives as long as the token's expires_in
// plus issuedGrace.
type issuedTokens struct {
	redis  redis.UniversalClient
	prefix string
	now    func() time.Time

	mu    sync.RWMutex
	cache map[[sha256.Size]byte]issuedRecord
}

// issuedRecord is what the proxy knows of one handed-out token.
type issuedRecord struct {
	appID  string
	keyIDs []string
	until  time.Time // local cache deadline
}

func newIssuedTokens(rdb redis.UniversalClient, prefix string, now func() time.Time) *issuedTokens {
	return &issuedTokens{redis: rdb, prefix: prefix, now: now, cache: make(map[[sha256.Size]byte]issuedRecord)}
}

// key is the Redis set of the key ids a token was handed to; its app_id is a member
// prefixed with "app:" ("key:" prefixes key ids).
func (t *issuedTokens) key(sum [sha256.Size]byte) string {
	return fmt.Sprintf("%s:proxy:issued:%s", t.prefix, hex.EncodeToString(sum[:]))
}

// record notes that keyID was handed token for appID, valid for ttl.
func (t *issuedTokens) record(ctx context.Context, appID, keyID, token string, ttl time.Duration) error {
	sum := sha256.Sum256([]byte(token))
	k := t.key(sum)
	pipe := t.redis.TxPipeline()
	pipe.SAdd(ctx, k, "app:"+appID, "key:"+keyID)
	pipe.Expire(ctx, k, ttl+issuedGrace)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("record handed-out token for %s: %w", appID, err)
	}
	t.mu.Lock()
	delete(t.cache, sum) // the next lookup sees the new key id
	t.mu.Unlock()
	return nil
}

// lookup returns the record of token; ok is false when the proxy never handed it out (or
// the record expired).
func (t *issuedTokens) lookup(ctx context.Context, token string) (rec issuedRecord, ok bool, err error) {
	sum := sha256.Sum256([]byte(token))
	now := t.now()
	t.mu.RLock()
	rec, ok = t.cache[sum]
	t.mu.RUnlock()
	if ok && now.Before(rec.until) {
		return rec, true, nil
	}
	members, err := t.redis.SMembers(ctx, t.key(sum)).Result()
	if err != nil {
		return issuedRecord{}, false, fmt.Errorf("look up handed-out token: %w", err)
	}
	rec = issuedRecord{until: now.Add(issuedCacheTTL)}
	for _, m := range members {
		switch {
		case len(m) > 4 && m[:4] == "app:":
			rec.appID = m[4:]
		case len(m) > 4 && m[:4] == "key:":
			rec.keyIDs = append(rec.keyIDs, m[4:])
		}
	}
	if rec.appID == "" || len(rec.keyIDs) == 0 {
		return issuedRecord{}, false, nil
	}
	t.mu.Lock()
	if len(t.cache) >= issuedCacheMax {
		clear(t.cache)
	}
	t.cache[sum] = rec
	t.mu.Unlock()
	return rec, true, nil
}
