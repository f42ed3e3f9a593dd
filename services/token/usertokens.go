package token

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wxsuite/wxsuite/internal/platform/config"
)

// userGrant is one user's web authorization as stored, encrypted, in Redis. Times are
// Unix milliseconds of the service clock.
type userGrant struct {
	OpenID           string `json:"o"`
	UnionID          string `json:"u,omitempty"`
	Scope            string `json:"s"`
	Snapshot         bool   `json:"ss,omitempty"`
	AccessToken      string `json:"at"`
	RefreshToken     string `json:"rt"`
	ExpiresAt        int64  `json:"e"`
	RefreshExpiresAt int64  `json:"re"`
}

// errNoUser is returned by userStore.get when Redis holds no authorization.
var errNoUser = errors.New("no stored authorization")

// errUndecryptable is returned by userStore.get for a value the configured key cannot
// open: the key changed, or the value was not written by wxsuite.
var errUndecryptable = errors.New("stored authorization cannot be decrypted with token.user_token_key")

// sealVersion starts every sealed value, so that the format can change later.
const sealVersion byte = 1

// userStore keeps users' web authorizations in Redis, sealed with AES-256-GCM. The Redis
// key is the additional data, so a value copied under another user's key does not open.
type userStore struct {
	rdb  redis.UniversalClient
	aead cipher.AEAD // nil while token.user_token_key is unset
}

// newUserStore returns a store sealing with key; a zero key gives a store whose every
// method returns ErrUserTokenKeyUnset.
func newUserStore(rdb redis.UniversalClient, key config.Secret) (userStore, error) {
	st := userStore{rdb: rdb}
	if key.IsZero() {
		return st, nil
	}
	raw, err := decodeUserTokenKey(key)
	if err != nil {
		return st, &config.FieldError{Key: "user_token_key", Msg: err.Error()}
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return st, fmt.Errorf("user_token_key: %w", err)
	}
	st.aead, err = cipher.NewGCM(block)
	if err != nil {
		return st, fmt.Errorf("user_token_key: %w", err)
	}
	return st, nil
}

// ready reports ErrUserTokenKeyUnset while no key is configured.
func (u userStore) ready() error {
	if u.aead == nil {
		return ErrUserTokenKeyUnset
	}
	return nil
}

// put stores g under key for ttl.
func (u userStore) put(ctx context.Context, key string, g *userGrant, ttl time.Duration) error {
	if err := u.ready(); err != nil {
		return err
	}
	plain, err := json.Marshal(g)
	if err != nil {
		return fmt.Errorf("encode user authorization: %w", err)
	}
	nonce := make([]byte, u.aead.NonceSize(), 1+u.aead.NonceSize()+len(plain)+u.aead.Overhead())
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails on supported platforms
	sealed := append([]byte{sealVersion}, nonce...)
	sealed = u.aead.Seal(sealed, nonce, plain, []byte(key))
	if err := u.rdb.Set(ctx, key, sealed, ttl).Err(); err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}

// get returns the authorization under key: errNoUser when there is none,
// errUndecryptable when the key cannot open it.
func (u userStore) get(ctx context.Context, key string) (*userGrant, error) {
	if err := u.ready(); err != nil {
		return nil, err
	}
	b, err := u.rdb.Get(ctx, key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, errNoUser
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	ns := u.aead.NonceSize()
	if len(b) < 1+ns || b[0] != sealVersion {
		return nil, errUndecryptable
	}
	plain, err := u.aead.Open(nil, b[1:1+ns], b[1+ns:], []byte(key))
	if err != nil {
		return nil, errUndecryptable
	}
	var g userGrant
	if err := json.Unmarshal(plain, &g); err != nil {
		return nil, errUndecryptable
	}
	return &g, nil
}
