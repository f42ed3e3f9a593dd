package token

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/singleflight"

	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Params are the dependencies of New.
type Params struct {
	// Config is the `token` section.
	Config Config
	// WeChat is the `wechat` section: where and how to reach WeChat.
	WeChat wechat.Config
	// Accounts are the configured official accounts.
	Accounts config.Accounts
	// Redis is the shared store.
	Redis redis.UniversalClient
	// Logger receives operational events; nil discards them.
	Logger *slog.Logger
	// Registerer receives the service's metrics; nil keeps them private.
	Registerer prometheus.Registerer
	// HTTPClient is used to reach WeChat; nil means a default client.
	HTTPClient *http.Client
	// Now is the service clock; nil means time.Now. Tests move it with the sandbox clock.
	Now func() time.Time
}

// Service holds the credentials of every configured account. It is safe for concurrent
// use. It implements wechat.TokenSource for services in the same process.
type Service struct {
	cfg      Config
	accounts map[string]*account
	order    []string
	store    store
	wx       *wechat.Client
	log      *slog.Logger
	now      func() time.Time
	replica  string
	metrics  *metrics
	users    userStore
	// userFlight joins concurrent refreshes of one user's token.
	userFlight singleflight.Group
	refresher
}

// account is the process-local state of one configured account.
type account struct {
	cfg    config.Account
	keys   keys
	token  *cred
	jsapi  *cred
	wxcard *cred
}

func (a *account) creds() [3]*cred { return [3]*cred{a.token, a.jsapi, a.wxcard} }

var _ wechat.TokenSource = (*Service)(nil)

// New builds the service. It does not start the refresher; call Start.
func New(p Params) (*Service, error) {
	if p.Redis == nil {
		return nil, fmt.Errorf("token service: a Redis client is required")
	}
	cfg := p.Config
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("token service: %w", err)
	}
	s := &Service{
		cfg:      cfg,
		accounts: make(map[string]*account, len(p.Accounts)),
		store:    store{rdb: p.Redis},
		log:      p.Logger,
		now:      p.Now,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	var b [6]byte
	var err error
	if _, err = rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("token service: replica id: %w", err)
	}
	s.replica = hex.EncodeToString(b[:])
	if s.users, err = newUserStore(p.Redis, cfg.UserTokenKey); err != nil {
		return nil, fmt.Errorf("token service: %w", err)
	}
	reg := p.Registerer
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, fmt.Errorf("token service: %w", err)
	}
	s.metrics = m
	for _, ac := range p.Accounts {
		if ac.TokenEndpoint == "" {
			ac.TokenEndpoint = config.TokenEndpointToken
		}
		k := keys{prefix: cfg.KeyPrefix, appID: ac.AppID}
		newCred := func(kd kind) *cred { return &cred{kind: kd, key: k.value(kd), lockKey: k.lock(kd)} }
		s.accounts[ac.AppID] = &account{cfg: ac, keys: k, token: newCred(kindAccessToken), jsapi: newCred(kindJSAPI), wxcard: newCred(kindWXCard)}
		s.order = append(s.order, ac.AppID)
	}
	sort.Strings(s.order)
	opts := []wechat.Option{wechat.WithTokenSource(s), wechat.WithLogger(s.log), wechat.WithMetrics(reg)}
	if p.HTTPClient != nil {
		opts = append(opts, wechat.WithHTTPClient(p.HTTPClient))
	}
	wx, err := wechat.New(p.WeChat, opts...)
	if err != nil {
		return nil, fmt.Errorf("token service: %w", err)
	}
	s.wx = wx
	return s, nil
}

// account finds a configured account.
func (s *Service) account(appID string) (*account, error) {
	if appID == "" {
		return nil, ErrEmptyAppID
	}
	a, ok := s.accounts[appID]
	if !ok {
		return nil, &UnknownAccountError{AppID: appID}
	}
	return a, nil
}

// owner returns a new lock owner value: this replica plus a random part.
func (s *Service) owner() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return s.replica + ":" + hex.EncodeToString(b[:])
}

// metrics are the service's Prometheus collectors.
type metrics struct {
	fetches       *prometheus.CounterVec
	invalidations *prometheus.CounterVec
	degraded      *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wxsuite_token_fetches_total",
			Help: "Credential fetches from WeChat by account, kind (access_token, ticket:jsapi, ticket:wx_card) and result.",
		}, []string{"app_id", "kind", "result"}),
		invalidations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wxsuite_token_early_invalidations_total",
			Help: "Access tokens reported invalid sooner than min_forced_interval after they were fetched: another system is fetching tokens for the account.",
		}, []string{"app_id"}),
		degraded: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wxsuite_token_served_without_redis_total",
			Help: "Credentials served from the process cache because Redis failed.",
		}, []string{"app_id"}),
	}
	for _, c := range []prometheus.Collector{m.fetches, m.invalidations, m.degraded} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register metrics: %w", err)
		}
	}
	return m, nil
}
