package messaging

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/internal/wxcrypto"
)

// Params are New's inputs.
type Params struct {
	// Config is the `messaging` section (defaults applied by New).
	Config Config
	// Accounts are the configured accounts; those with a callback_token receive callbacks.
	Accounts config.Accounts
	// Redis holds the streams and dedup keys.
	Redis redis.UniversalClient
	// Logger receives the service's logs (nil discards them).
	Logger *slog.Logger
	// Registerer receives the callback metrics (nil leaves them unregistered).
	Registerer prometheus.Registerer
	// Now is the clock of the replay window and stream trimming (default time.Now).
	Now func() time.Time
	// WeChat delivers late ReplyHandler replies as customer-service messages
	// (custom/send); without it they are dropped (and logged).
	WeChat *wechat.Client
}

// Service is the callback gateway and the event store behind EventService.
type Service struct {
	cfg      Config
	accounts map[string]*account
	rdb      redis.UniversalClient
	log      *slog.Logger
	now      func() time.Time
	metrics  *callbackMetrics
	wechat   *wechat.Client

	// handlerHTTP and handlerH2C call ReplyHandlers (see newHandlerHTTPClients).
	handlerHTTP, handlerH2C *http.Client
	// bg parents the work that outlives a callback request (ReplyHandler calls whose
	// reply may come late, late deliveries); Close cancels it and waits for background.
	bg         context.Context
	stopBG     context.CancelFunc
	background sync.WaitGroup

	// windowTTL is the TTL of the customer-service window hashes the accept script
	// writes: messaging.send.window and a day, as the Sender's.
	windowTTL time.Duration

	// acceptQ feeds the accept flushers (accept_batch.go), started on first use.
	acceptQ     chan *acceptReq
	acceptStart sync.Once

	// beforeAnswer, when set (tests), runs after a push is stored and before its answer is
	// recorded for retries.
	beforeAnswer func()
	// afterStoreFailure, when set (tests), runs after a push could not be stored and
	// before its connection is closed without an answer.
	afterStoreFailure func()
}

// account is what the service needs of one configured account.
type account struct {
	appID   string
	token   string            // callback_token; empty: callbacks refused
	keyring *wxcrypto.Keyring // nil without encoding_aes_key
	mode    string
	keys    keys

	// configHandler is messaging.accounts.<app_id>.reply_handler (nil when unset) and
	// configHandlerKey its api_key.
	configHandler    *messagingv1.ReplyHandler
	configHandlerKey string
	// reply is the cached reply state; replyMu serialises its reloads.
	reply   atomic.Pointer[replyState]
	replyMu sync.Mutex
	// handlerCalls counts the account's ReplyHandler calls in flight.
	handlerCalls atomic.Int64
	// lastAgeTrim is when (unix seconds) a push last trimmed the stream by age: the
	// accept script trims by max_age at most once a second per account and process.
	lastAgeTrim atomic.Int64
}

// New builds the service. It fails when the messaging section names an account that is
// not configured, or asks for encryption of an account without an encoding_aes_key.
func New(p Params) (*Service, error) {
	cfg := p.Config
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, config.Nest("messaging", err)
	}
	if err := cfg.checkAccounts(p.Accounts); err != nil {
		return nil, err
	}
	logger := p.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	now := p.Now
	if now == nil {
		now = time.Now
	}
	m, err := newCallbackMetrics(p.Registerer)
	if err != nil {
		return nil, fmt.Errorf("messaging metrics: %w", err)
	}
	s := &Service{cfg: cfg, accounts: make(map[string]*account, len(p.Accounts)), rdb: p.Redis,
		log: logger, now: now, metrics: m, wechat: p.WeChat}
	send := cfg.Send
	send.SetDefaults()
	s.windowTTL = windowTTL(send.Window.Std())
	s.handlerHTTP, s.handlerH2C = newHandlerHTTPClients()
	s.bg, s.stopBG = context.WithCancel(context.Background())
	for _, a := range p.Accounts {
		acc := &account{appID: a.AppID, token: a.CallbackToken.Reveal(), mode: ModeAuto,
			keys: newKeys(cfg.KeyPrefix, a.AppID)}
		if ac, ok := cfg.Accounts[a.AppID]; ok {
			acc.mode = ac.Mode
			if ac.ReplyHandler != nil {
				h, err := handlerFromConfig(ac.ReplyHandler) // validated with the section
				if err != nil {
					return nil, &config.FieldError{Key: "messaging.accounts." + a.AppID + ".reply_handler", Msg: err.Error()}
				}
				acc.configHandler, acc.configHandlerKey = h, ac.ReplyHandler.APIKey.Reveal()
			}
		}
		acc.reply.Store(s.initialReplyState(acc))
		if !a.EncodingAESKey.IsZero() {
			kr, err := wxcrypto.NewKeyring(a.AppID, a.EncodingAESKey.Reveal(), a.PreviousEncodingAESKey.Reveal())
			if err != nil {
				return nil, &config.FieldError{Key: "accounts[" + a.AppID + "].encoding_aes_key", Msg: "unusable EncodingAESKey"}
			}
			acc.keyring = kr
		}
		s.accounts[a.AppID] = acc
	}
	return s, nil
}

// Close stops the background work (ReplyHandler calls still running, late deliveries)
// and waits for it until ctx ends.
func (s *Service) Close(ctx context.Context) error {
	s.stopBG()
	done := make(chan struct{})
	go func() {
		s.background.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("messaging: background work still running: %w", ctx.Err())
	}
}

// account returns the configured account appID.
func (s *Service) account(appID string) (*account, error) {
	if appID == "" {
		return nil, &ArgumentError{Field: "app_id", Reason: "is required"}
	}
	acc, ok := s.accounts[appID]
	if !ok {
		return nil, &UnknownAccountError{AppID: appID}
	}
	return acc, nil
}
