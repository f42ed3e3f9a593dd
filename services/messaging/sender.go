package messaging

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"connectrpc.com/connect"
	"github.com/redis/go-redis/v9"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// SendConfig is the `messaging.send` section: the rules of outbound messaging
// (customer-service, template, subscribe notifications, mass send). Zero values mean
// the defaults.
type SendConfig struct {
	// Window is the customer-service window after a user's interaction (default 48h).
	Window config.Duration `yaml:"window"`
	// DisableWindowCheck sends customer-service messages even when the user is known to
	// be outside the window (the platform then answers 45015). Default false.
	DisableWindowCheck bool `yaml:"disable_window_check"`
	// TrustUnknownSubscriptions sends subscribe notifications to users of whom no
	// subscribe-msg event was seen (the platform then answers 43101 when they have no
	// subscription). Default false: such a send is refused before it is made.
	TrustUnknownSubscriptions bool `yaml:"trust_unknown_subscriptions"`
	// MassPerMinute bounds the mass-send calls (sendall, send, preview) per account and
	// minute across all replicas (default 60, the platform's limit).
	MassPerMinute int `yaml:"mass_per_minute"`
	// MassBatchSize is the most openids per mass/send call of an operation (default and
	// maximum 10000, the platform's limit).
	MassBatchSize int `yaml:"mass_batch_size"`
	// ToAllAllowance is the account's is_to_all allowance per ToAllPeriod (default 4: a
	// verified service account's 4 a month; a subscription account has 1 a day).
	ToAllAllowance int `yaml:"to_all_allowance"`
	// ToAllPeriod is "month" (default) or "day".
	ToAllPeriod string `yaml:"to_all_period"`
	// ToAllWarnAt warns (log line and response warning) when at most this many is_to_all
	// sends are left (default 1).
	ToAllWarnAt int `yaml:"to_all_warn_at"`
	// TemplateCacheTTL is how long template lists are cached for validation (default 10m;
	// an unknown template id refreshes the cache at once).
	TemplateCacheTTL config.Duration `yaml:"template_cache_ttl"`
	// StatusTTL is how long template statuses, mass results and finished operations are
	// kept (default 168h).
	StatusTTL config.Duration `yaml:"status_ttl"`
	// ConsumerGroup is the event-stream consumer group that tracks windows, statuses and
	// subscriptions (default "wxsuite.outbound").
	ConsumerGroup string `yaml:"consumer_group"`
	// OperationLease is how long a replica holds a mass operation between progress
	// writes; a crashed replica's operation is resumed after it (default 30s).
	OperationLease config.Duration `yaml:"operation_lease"`
}

// Defaults of SendConfig.
const (
	outDefaultMassPerMinute = 60
	outMaxMassBatch         = 10000
)

// SetDefaults fills zero fields with their defaults.
func (c *SendConfig) SetDefaults() {
	def := func(d *config.Duration, v time.Duration) {
		if *d == 0 {
			*d = config.Duration(v)
		}
	}
	def(&c.Window, 48*time.Hour)
	def(&c.TemplateCacheTTL, 10*time.Minute)
	def(&c.StatusTTL, 168*time.Hour)
	def(&c.OperationLease, 30*time.Second)
	if c.MassPerMinute == 0 {
		c.MassPerMinute = outDefaultMassPerMinute
	}
	if c.MassBatchSize == 0 {
		c.MassBatchSize = outMaxMassBatch
	}
	if c.ToAllAllowance == 0 {
		c.ToAllAllowance = 4
	}
	if c.ToAllPeriod == "" {
		c.ToAllPeriod = "month"
	}
	if c.ToAllWarnAt == 0 {
		c.ToAllWarnAt = 1
	}
	if c.ConsumerGroup == "" {
		c.ConsumerGroup = "wxsuite.outbound"
	}
}

// Validate checks the section; errors name the key under messaging.send.
func (c *SendConfig) Validate() error {
	var errs []error
	add := func(key, msg string) { errs = append(errs, &config.FieldError{Key: "send." + key, Msg: msg}) }
	if c.Window.Std() < time.Minute {
		add("window", "want at least 1m")
	}
	if c.MassPerMinute < 1 || c.MassPerMinute > outDefaultMassPerMinute {
		add("mass_per_minute", "want 1 to 60 (the platform allows 60)")
	}
	if c.MassBatchSize < 2 || c.MassBatchSize > outMaxMassBatch {
		add("mass_batch_size", "want 2 to 10000 (the platform's limit per call)")
	}
	if c.ToAllAllowance < 0 {
		add("to_all_allowance", "must not be negative")
	}
	if c.ToAllPeriod != "month" && c.ToAllPeriod != "day" {
		add("to_all_period", fmt.Sprintf("%q: want month or day", c.ToAllPeriod))
	}
	if c.TemplateCacheTTL.Std() < time.Second {
		add("template_cache_ttl", "want at least 1s")
	}
	if c.StatusTTL.Std() < time.Hour {
		add("status_ttl", "want at least 1h")
	}
	if !namePattern.MatchString(c.ConsumerGroup) {
		add("consumer_group", "want 1 to 64 characters of A-Z a-z 0-9 . _ -")
	}
	if c.OperationLease.Std() < time.Second {
		add("operation_lease", "want at least 1s")
	}
	return errors.Join(errs...)
}

// SenderParams are NewSender's inputs.
type SenderParams struct {
	// Config is the `messaging.send` section (defaults applied by NewSender).
	Config SendConfig
	// KeyPrefix starts every Redis key (the messaging section's key_prefix).
	KeyPrefix string
	// Accounts are the configured accounts: only they can send.
	Accounts config.Accounts
	// Redis holds windows, statuses, subscriptions, counters and mass operations.
	Redis redis.UniversalClient
	// WeChat calls the platform; without it (no wechat.TokenSource in the process) every
	// call fails with ErrNoWeChatClient.
	WeChat *wechat.Client
	// Events is the event store whose stream the Sender follows (windows, job results,
	// subscriptions); nil disables the tracking (tests of the send path only).
	Events *Service
	// Logger receives the Sender's logs (nil discards them).
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Sender sends every kind of outbound message: customer-service messages, template
// messages, subscribe notifications and mass sends. It follows the accounts' event
// streams to know users' windows and subscriptions and the job results, and runs mass
// operations in the background. Start starts that work; Stop ends it.
type Sender struct {
	cfg      SendConfig
	prefix   string
	accounts map[string]bool
	appIDs   []string
	rdb      redis.UniversalClient
	wx       *wechat.Client
	events   *Service
	log      *slog.Logger
	now      func() time.Time
	consumer string

	mu      sync.Mutex
	ctx     context.Context // the background context (set by Start)
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	running map[string]bool // mass operations this replica runs, by app_id/op id
	ready   map[string]chan struct{}
	windows outWindowCache
}

// NewSender builds a Sender; it fails on an invalid configuration.
func NewSender(p SenderParams) (*Sender, error) {
	cfg := p.Config
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, config.Nest("messaging", err)
	}
	if p.Redis == nil {
		return nil, errors.New("messaging sender: Redis is required")
	}
	logger := p.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	now := p.Now
	if now == nil {
		now = time.Now
	}
	prefix := p.KeyPrefix
	if prefix == "" {
		prefix = "wxsuite"
	}
	s := &Sender{cfg: cfg, prefix: prefix, accounts: make(map[string]bool, len(p.Accounts)), rdb: p.Redis,
		wx: p.WeChat, events: p.Events, log: logger, now: now, consumer: "sender-" + outRandomID(6),
		running: make(map[string]bool), ready: make(map[string]chan struct{})}
	for _, a := range p.Accounts {
		s.accounts[a.AppID] = true
		s.appIDs = append(s.appIDs, a.AppID)
		s.ready[a.AppID] = make(chan struct{})
	}
	return s, nil
}

// Start starts following the accounts' event streams and resuming mass operations left
// running. It returns at once.
func (s *Sender) Start(context.Context) error {
	ctx, cancel := context.WithCancel(context.Background())
	s.mu.Lock()
	s.ctx, s.cancel = ctx, cancel
	s.mu.Unlock()
	if s.events != nil {
		for _, appID := range s.appIDs {
			s.wg.Go(func() { s.follow(ctx, appID) })
		}
	}
	s.wg.Go(func() { s.resumeLoop(ctx) })
	return nil
}

// Stop ends the background work and waits for it (mass operations stop between calls
// and are resumed by another replica or the next start).
func (s *Sender) Stop(ctx context.Context) error {
	s.mu.Lock()
	cancel := s.cancel
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Ready is closed once the Sender follows appID's event stream: every event stored from
// then on updates windows, statuses and subscriptions.
func (s *Sender) Ready(appID string) <-chan struct{} { return s.ready[appID] }

// background returns the context of background work (canceled by Stop), or a fresh
// one before Start.
func (s *Sender) background() context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctx == nil {
		return context.Background()
	}
	return s.ctx
}

// ErrNoWeChatClient is returned by sends in a process without a WeChat client (neither
// the token service nor token_source is configured).
var ErrNoWeChatClient = errors.New("messaging: no WeChat client in this process (configure the token service or token_source)")

// call makes one WeChat API call.
func (s *Sender) call(ctx context.Context, req *wechat.Request, out any) error {
	if s.wx == nil {
		return ErrNoWeChatClient
	}
	return s.wx.Do(ctx, req, out)
}

// checkAccount refuses an app_id that is not configured.
func (s *Sender) checkAccount(appID string) error {
	if appID == "" {
		return &ArgumentError{Field: "app_id", Reason: "is required"}
	}
	if !s.accounts[appID] {
		return &UnknownAccountError{AppID: appID}
	}
	return nil
}

// key builds a Redis key of the Sender for appID: prefix:{app_id}:out:parts… (the
// account in a hash tag so that one account's keys share a Cluster slot).
func (s *Sender) key(appID string, parts ...string) string {
	k := s.prefix + ":{" + appID + "}:out"
	for _, p := range parts {
		k += ":" + p
	}
	return k
}

func outRandomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand never fails
	return hex.EncodeToString(b)
}

func outItoa(v int64) string { return strconv.FormatInt(v, 10) }

// WindowClosedError refuses a customer-service message to a user known to be outside
// the 48-hour window.
type WindowClosedError struct {
	OpenID string
	// Last is the user's last interaction (zero when they unfollowed).
	Last time.Time
	// Unsubscribed is set when the user's last event was unsubscribe.
	Unsubscribed bool
}

func (e *WindowClosedError) Error() string {
	if e.Unsubscribed {
		return fmt.Sprintf("openid %s unfollowed the account: customer-service messages are not allowed", e.OpenID)
	}
	return fmt.Sprintf("openid %s last interacted at %s, outside the customer-service window", e.OpenID, e.Last.UTC().Format(time.RFC3339))
}

// NotSubscribedError refuses a subscribe notification to a user without a live
// subscription to the template.
type NotSubscribedError struct {
	OpenID, TemplateID string
	// Known is false when no subscribe-msg event of the user was seen at all.
	Known bool
}

func (e *NotSubscribedError) Error() string {
	if !e.Known {
		return fmt.Sprintf("openid %s has no known subscription to template %s (no subscribe_msg event seen)", e.OpenID, e.TemplateID)
	}
	return fmt.Sprintf("openid %s has no live subscription to template %s (used up or rejected)", e.OpenID, e.TemplateID)
}

// RateLimitedError refuses a mass call that would exceed the local per-minute guard.
type RateLimitedError struct {
	AppID string
	Limit int
}

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("account %s made %d mass-send calls this minute (messaging.send.mass_per_minute); retry next minute", e.AppID, e.Limit)
}

// DuplicateClientMsgIDError refuses a mass send whose clientmsgid was used within 24
// hours; MsgID is the earlier send's msg_id.
type DuplicateClientMsgIDError struct {
	ClientMsgID string
	MsgID       int64
}

func (e *DuplicateClientMsgIDError) Error() string {
	return fmt.Sprintf("client_msg_id %q was used within 24 h by msg_id %d", e.ClientMsgID, e.MsgID)
}

// NotFoundError is a template message, mass message or operation wxsuite does not know.
type NotFoundError struct {
	What, ID string
}

func (e *NotFoundError) Error() string { return fmt.Sprintf("%s %s not found", e.What, e.ID) }

// senderError maps the Sender's errors to connect errors (the RPC boundary of the
// sending services) and hands the others to connectError. WeChat errors pass through:
// the server's interceptor maps them with their WECHAT_ERRCODE detail.
func senderError(err error) error {
	if err == nil {
		return nil
	}
	var (
		window *WindowClosedError
		notSub *NotSubscribedError
		rate   *RateLimitedError
		dup    *DuplicateClientMsgIDError
		nf     *NotFoundError
	)
	switch {
	case errors.As(err, &window):
		return connect.NewError(connect.CodeFailedPrecondition, window)
	case errors.As(err, &notSub):
		return connect.NewError(connect.CodeFailedPrecondition, notSub)
	case errors.As(err, &rate):
		return connect.NewError(connect.CodeResourceExhausted, rate)
	case errors.As(err, &dup):
		ce := connect.NewError(connect.CodeAlreadyExists, dup)
		ce.Meta().Set("x-wxsuite-msg-id", outItoa(dup.MsgID))
		return ce
	case errors.As(err, &nf):
		return connect.NewError(connect.CodeNotFound, nf)
	case errors.Is(err, ErrNoWeChatClient):
		return connect.NewError(connect.CodeUnavailable, ErrNoWeChatClient)
	}
	return connectError(err)
}
