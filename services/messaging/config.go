package messaging

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/wxsuite/wxsuite/internal/platform/config"
)

// Mode values of AccountConfig.Mode.
const (
	// ModeAuto accepts what each request says: plaintext, or AES (encrypt_type=aes) when the
	// account has an encoding_aes_key. It is the default.
	ModeAuto = "auto"
	// ModePlain accepts plaintext requests only (明文模式).
	ModePlain = "plain"
	// ModeCompatible accepts both, as WeChat's compatible mode (兼容模式) sends AES requests
	// that also carry the plaintext fields; the decrypted message is the one used.
	ModeCompatible = "compatible"
	// ModeSafe accepts AES requests only (安全模式): a plaintext request is refused even with a
	// valid signature.
	ModeSafe = "safe"
)

// minDedupTTL is the least dedup_ttl: WeChat retries a push three times, 5 s apart.
const minDedupTTL = time.Minute

// Config is the `messaging` section. Zero values mean the defaults.
type Config struct {
	// CallbackPath is the path of the callback endpoint; it must contain "{app_id}"
	// (default "/wechat/callback/{app_id}").
	CallbackPath string `yaml:"callback_path"`
	// MaxBodyBytes bounds a callback request body; larger bodies get 413 (default 1 MiB,
	// at most 16 MiB). WeChat's pushes are a few KiB.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// ReplayWindow refuses callbacks whose timestamp is further than this from the
	// server's clock, in either direction (default 5m; "0s" turns the check off).
	ReplayWindow *config.Duration `yaml:"replay_window"`
	// DedupTTL is how long a push is remembered to recognise WeChat's retries; it must
	// cover the whole retry window (default 10m, at least 1m).
	DedupTTL config.Duration `yaml:"dedup_ttl"`
	// RetryWait bounds how long a retry that arrives while the first attempt is still
	// being answered waits for that answer (default 3s; WeChat gives up after 5s).
	RetryWait config.Duration `yaml:"retry_wait"`
	// Stream bounds each account's event stream.
	Stream StreamConfig `yaml:"stream"`
	// VisibilityTimeout is how long an event delivered by Subscribe may stay
	// unacknowledged before it is delivered again (default 30s).
	VisibilityTimeout config.Duration `yaml:"visibility_timeout"`
	// KeyPrefix starts every Redis key (default "wxsuite").
	KeyPrefix string `yaml:"key_prefix"`
	// Send holds the rules of outbound messaging (see SendConfig).
	Send SendConfig `yaml:"send"`
	// ReplyDeadline is when the gateway answers a push at the latest, measured from the
	// request's arrival: a ReplyHandler that has not answered by then is replaced by the
	// reply rules (default 4.5s, 1s to 5s: WeChat waits 5s).
	ReplyDeadline config.Duration `yaml:"reply_deadline"`
	// LateReplyTimeout bounds a ReplyHandler call in all: a reply that comes after
	// reply_deadline but within it is delivered as a customer-service message, a later
	// one is dropped (default 60s, at least reply_deadline, at most 48h).
	LateReplyTimeout config.Duration `yaml:"late_reply_timeout"`
	// LocationTTL is how long a user's last LOCATION report is kept (default 720h; it
	// is deleted sooner when the user unfollows).
	LocationTTL config.Duration `yaml:"location_ttl"`
	// HandlerMaxInFlight bounds the ReplyHandler calls one process runs at once per
	// account, late ones included; a push beyond it is answered by the rules without
	// calling the handler (default 1000).
	HandlerMaxInFlight int `yaml:"handler_max_in_flight"`
	// Accounts holds per-account settings by app_id; every app_id must be in the
	// top-level accounts list.
	Accounts map[string]AccountConfig `yaml:"accounts"`
}

// StreamConfig bounds an account's event stream. Trimming is approximate (Redis "~"):
// a stream may briefly hold a little more.
type StreamConfig struct {
	// MaxLen is the most events kept per account (default 100000).
	MaxLen int64 `yaml:"max_len"`
	// MaxAge drops events received longer ago than this (default 72h).
	MaxAge config.Duration `yaml:"max_age"`
	// MinReplicaAcks, when positive, makes a push count as stored only once that many
	// replicas of the Redis primary have it (Redis WAIT after the append, on the same
	// connection); otherwise WeChat gets no answer and retries. Set it with Sentinel or
	// Cluster, where an asynchronous replica may be promoted without the latest writes.
	// Default 0: the primary's acknowledgement is enough (standalone Redis).
	MinReplicaAcks int `yaml:"min_replica_acks"`
	// ReplicaAckTimeout bounds the wait for MinReplicaAcks (default 1s, at most 2s).
	ReplicaAckTimeout config.Duration `yaml:"replica_ack_timeout"`
}

// AccountConfig is the messaging setting of one account.
type AccountConfig struct {
	// Mode is "auto" (default), "plain", "compatible" or "safe"; see the Mode constants.
	Mode string `yaml:"mode"`
	// ReplyHandler, when set, is the account's ReplyHandler unless one is registered
	// through ReplyService.SetReplyHandler (which takes precedence).
	ReplyHandler *ReplyHandlerConfig `yaml:"reply_handler"`
}

// ReplyHandlerConfig is a ReplyHandler set in the configuration.
type ReplyHandlerConfig struct {
	// URL is the base URL of the backend serving ReplyHandlerService (http or https).
	URL string `yaml:"url"`
	// Protocol is "grpc" (default), "connect" or "grpcweb".
	Protocol string `yaml:"protocol"`
	// DeliverLateReplies delivers a reply that comes after reply_deadline as a
	// customer-service message (default true).
	DeliverLateReplies *bool `yaml:"deliver_late_replies"`
	// APIKey, when set, is sent to the backend as "Authorization: Bearer <api_key>"
	// (secret; a handler registered by RPC is called without one).
	APIKey config.Secret `yaml:"api_key"`
}

// SetDefaults fills zero fields with their defaults.
func (c *Config) SetDefaults() {
	if c.CallbackPath == "" {
		c.CallbackPath = "/wechat/callback/{app_id}"
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 1 << 20
	}
	if c.ReplayWindow == nil {
		d := config.Duration(5 * time.Minute)
		c.ReplayWindow = &d
	}
	def := func(d *config.Duration, v time.Duration) {
		if *d == 0 {
			*d = config.Duration(v)
		}
	}
	def(&c.DedupTTL, 10*time.Minute)
	def(&c.RetryWait, 3*time.Second)
	def(&c.VisibilityTimeout, 30*time.Second)
	def(&c.ReplyDeadline, 4500*time.Millisecond)
	def(&c.LateReplyTimeout, time.Minute)
	def(&c.LocationTTL, 720*time.Hour)
	if c.HandlerMaxInFlight == 0 {
		c.HandlerMaxInFlight = 1000
	}
	def(&c.Stream.MaxAge, 72*time.Hour)
	def(&c.Stream.ReplicaAckTimeout, time.Second)
	if c.Stream.MaxLen == 0 {
		c.Stream.MaxLen = 100000
	}
	if c.KeyPrefix == "" {
		c.KeyPrefix = "wxsuite"
	}
	for id, a := range c.Accounts {
		if a.Mode == "" {
			a.Mode = ModeAuto
			c.Accounts[id] = a
		}
	}
}

// Validate checks the section; errors name the key.
func (c *Config) Validate() error {
	var errs []error
	if !strings.HasPrefix(c.CallbackPath, "/") || strings.Count(c.CallbackPath, "{app_id}") != 1 ||
		strings.ContainsAny(c.CallbackPath, " ?#") {
		errs = append(errs, &config.FieldError{Key: "callback_path", Msg: fmt.Sprintf("%q: want an absolute path containing {app_id} once", c.CallbackPath)})
	}
	if c.MaxBodyBytes < 1024 || c.MaxBodyBytes > 16<<20 {
		errs = append(errs, &config.FieldError{Key: "max_body_bytes", Msg: "want 1024 to 16777216 bytes"})
	}
	if c.ReplayWindow != nil && *c.ReplayWindow < 0 {
		errs = append(errs, &config.FieldError{Key: "replay_window", Msg: "must not be negative (0s turns the check off)"})
	}
	if c.DedupTTL.Std() < minDedupTTL {
		errs = append(errs, &config.FieldError{Key: "dedup_ttl", Msg: "want at least 1m: it must cover WeChat's retries"})
	}
	if c.RetryWait < 0 || c.RetryWait.Std() > 5*time.Second {
		errs = append(errs, &config.FieldError{Key: "retry_wait", Msg: "want 0s to 5s (WeChat waits 5s for an answer)"})
	}
	if c.VisibilityTimeout.Std() < time.Second {
		errs = append(errs, &config.FieldError{Key: "visibility_timeout", Msg: "want at least 1s"})
	}
	if c.ReplyDeadline.Std() < time.Second || c.ReplyDeadline.Std() > 5*time.Second {
		errs = append(errs, &config.FieldError{Key: "reply_deadline", Msg: "want 1s to 5s (WeChat waits 5s for an answer)"})
	}
	if c.LateReplyTimeout < c.ReplyDeadline || c.LateReplyTimeout.Std() > 48*time.Hour {
		errs = append(errs, &config.FieldError{Key: "late_reply_timeout", Msg: "want reply_deadline to 48h"})
	}
	if c.HandlerMaxInFlight < 1 {
		errs = append(errs, &config.FieldError{Key: "handler_max_in_flight", Msg: "must be positive"})
	}
	if c.LocationTTL.Std() < time.Minute {
		errs = append(errs, &config.FieldError{Key: "location_ttl", Msg: "want at least 1m"})
	}
	if c.Stream.MaxLen < 1 {
		errs = append(errs, &config.FieldError{Key: "stream.max_len", Msg: "must be positive"})
	}
	if c.Stream.MaxAge.Std() < time.Minute {
		errs = append(errs, &config.FieldError{Key: "stream.max_age", Msg: "want at least 1m"})
	}
	if c.Stream.MinReplicaAcks < 0 {
		errs = append(errs, &config.FieldError{Key: "stream.min_replica_acks", Msg: "must not be negative"})
	}
	if d := c.Stream.ReplicaAckTimeout.Std(); d <= 0 || d > 2*time.Second {
		errs = append(errs, &config.FieldError{Key: "stream.replica_ack_timeout", Msg: "want more than 0 and at most 2s (the push must be answered within WeChat's 5 s)"})
	}
	if strings.ContainsAny(c.KeyPrefix, "{} ") {
		errs = append(errs, &config.FieldError{Key: "key_prefix", Msg: "must not contain braces or spaces"})
	}
	ids := make([]string, 0, len(c.Accounts))
	for id := range c.Accounts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		switch m := c.Accounts[id].Mode; m {
		case ModeAuto, ModePlain, ModeCompatible, ModeSafe:
		default:
			errs = append(errs, &config.FieldError{Key: "accounts." + id + ".mode",
				Msg: fmt.Sprintf("%q: want auto, plain, compatible or safe", m)})
		}
		if h := c.Accounts[id].ReplyHandler; h != nil {
			if _, err := handlerFromConfig(h); err != nil {
				errs = append(errs, &config.FieldError{Key: "accounts." + id + ".reply_handler", Msg: err.Error()})
			}
		}
	}
	return errors.Join(errs...)
}

// checkAccounts checks the per-account settings against the top-level accounts list.
func (c *Config) checkAccounts(accounts config.Accounts) error {
	var errs []error
	ids := make([]string, 0, len(c.Accounts))
	for id := range c.Accounts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		a, ok := accounts.Find(id)
		if !ok {
			errs = append(errs, &config.FieldError{Key: "messaging.accounts." + id, Msg: "not in the top-level accounts list"})
			continue
		}
		m := c.Accounts[id].Mode
		if (m == ModeSafe || m == ModeCompatible) && a.EncodingAESKey.IsZero() {
			errs = append(errs, &config.FieldError{Key: "messaging.accounts." + id + ".mode",
				Msg: m + " needs accounts[].encoding_aes_key of " + id})
		}
	}
	return errors.Join(errs...)
}
