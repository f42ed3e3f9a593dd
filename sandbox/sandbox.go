package sandbox

import (
	crand "crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// TicketRotation says what /cgi-bin/ticket/getticket answers to a repeat call while the
// account's current ticket is still valid. The platform does not document it
// (behaviour.md §5, Q7).
type TicketRotation int

const (
	// TicketReuse returns the same ticket until 300 s before it expires, then a new one
	// (like stable_token's normal mode). It is the default.
	TicketReuse TicketRotation = iota
	// TicketNewEachCall issues a new ticket on every call.
	TicketNewEachCall
)

// Defaults of [Options] fields left zero.
const (
	// DefaultTokenDailyLimit is the documented daily limit of /cgi-bin/token per account.
	DefaultTokenDailyLimit = 2000
	// DefaultStableForceRefreshDailyLimit is the documented daily limit of
	// force_refresh=true stable_token calls per account.
	DefaultStableForceRefreshDailyLimit = 20
	// DefaultClearQuotaMonthlyLimit is the documented number of clear_quota resets per
	// account per calendar month.
	DefaultClearQuotaMonthlyLimit = 10
	// DefaultMaxCalls is how many calls the call log keeps before dropping the oldest.
	DefaultMaxCalls = 10000
)

// Options configures a [Sandbox]. The zero value is ready to use: no accounts, the real
// clock, crypto/rand randomness and the documented limits.
type Options struct {
	// Now is the base clock; the sandbox's simulated now is Now() plus every Advance so
	// far. Default time.Now, which makes the simulated now the real start time plus the
	// real time elapsed plus the advanced offset. Tests that want a frozen clock pass a
	// function returning a constant; it must be safe for concurrent use.
	Now func() time.Time
	// Accounts are the simulated official accounts present from the start.
	Accounts []Account
	// Rand seeds every random choice (token and ticket strings, rids, fault ratios). It
	// is read once, in New. Default crypto/rand; pass a fixed reader for reproducible
	// runs.
	Rand io.Reader
	// TokenDailyLimit is the daily quota of /cgi-bin/token per account. Default
	// DefaultTokenDailyLimit (2000); negative means unlimited. An entry for
	// "/cgi-bin/token" in Quotas takes precedence.
	TokenDailyLimit int64
	// Quotas sets the daily quota per account of API paths, on top of the defaults
	// (see [DefaultQuotas]); 0 means unlimited.
	Quotas map[string]int64
	// StableForceRefreshDailyLimit is how many effective force_refresh=true stable_token
	// refreshes an account gets per day. Default 20.
	StableForceRefreshDailyLimit int
	// ClearQuotaMonthlyLimit is how many effective clear_quota resets an account gets per
	// month. Default 10.
	ClearQuotaMonthlyLimit int
	// TicketRotation chooses the getticket repeat-call behaviour. Default TicketReuse.
	TicketRotation TicketRotation
	// NoRID turns off the " rid: xxxxxxxx-xxxxxxxx-xxxxxxxx" suffix the platform appends
	// to the errmsg of error answers. The suffix is on by default so that clients that
	// compare errmsg instead of errcode fail here before they fail in production.
	NoRID bool
	// MaxCalls is how many calls the call log keeps; older ones are dropped. Default
	// DefaultMaxCalls.
	MaxCalls int
	// PushTimeout is how long a push attempt waits for the account's answer (connection,
	// headers and body) before it counts as unanswered. Default DefaultPushTimeout (5 s,
	// the platform's); tests shorten it.
	PushTimeout time.Duration
	// PushRetries is how many times an unanswered push is sent again. Default
	// DefaultPushRetries (3, so up to 4 attempts); negative means no retry.
	PushRetries int
	// PushClient sends pushes. Default a client of http.DefaultTransport that does not
	// follow redirects. PushTimeout applies to each attempt whatever the client's own
	// Timeout.
	PushClient *http.Client
}

// Sandbox is an emulated WeChat platform: accounts, users, tokens, tickets, web
// authorization, message and event pushes to the accounts' servers, the users' inboxes,
// quotas, faults, a call log and a controllable clock. Create one with [New]; it is safe for concurrent
// use.
type Sandbox struct {
	clock          clock
	ticketRotation TicketRotation
	rid            bool
	maxCalls       int
	forceLimit     int
	clearLimit     int
	pushTimeout    time.Duration
	pushRetries    int
	pushClient     *http.Client

	mu       sync.Mutex
	rng      *rand.Rand // guarded by mu
	accounts map[string]*account
	tokens   map[string]*token
	issued   int // tokens issued since the last prune
	quotas   map[string]int64
	faults   []*Fault
	faultSeq int
	calls    []Call
	callSeq  int64
	msgID    int64 // the last MsgId pushed
	oauth    oauthState
}

// New returns a sandbox configured by opts. Accounts in opts that lack an AppID or an
// AppSecret are skipped; use [Sandbox.AddAccount] to get the error instead.
func New(opts Options) *Sandbox {
	s := &Sandbox{
		ticketRotation: opts.TicketRotation,
		rid:            !opts.NoRID,
		maxCalls:       orDefault(opts.MaxCalls, DefaultMaxCalls),
		forceLimit:     orDefault(opts.StableForceRefreshDailyLimit, DefaultStableForceRefreshDailyLimit),
		clearLimit:     orDefault(opts.ClearQuotaMonthlyLimit, DefaultClearQuotaMonthlyLimit),
		rng:            rand.New(rand.NewChaCha8(seed(opts.Rand))),
		pushTimeout:    opts.PushTimeout,
		pushRetries:    opts.PushRetries,
		pushClient:     opts.PushClient,
		accounts:       make(map[string]*account),
		tokens:         make(map[string]*token),
		quotas:         DefaultQuotas(),
		oauth: oauthState{
			codes:  make(map[string]*oauthCode),
			grants: make(map[string]*grant),
			tokens: make(map[string]*snsToken),
		},
	}
	if s.pushTimeout <= 0 {
		s.pushTimeout = DefaultPushTimeout
	}
	switch {
	case s.pushRetries == 0:
		s.pushRetries = DefaultPushRetries
	case s.pushRetries < 0:
		s.pushRetries = 0
	}
	if s.pushClient == nil {
		s.pushClient = newPushClient()
	}
	// MsgIds look like the platform's (17 digits) and increase from a random start.
	s.msgID = 24_000_000_000_000_000 + s.rng.Int64N(1_000_000_000_000_000)
	s.clock.base = opts.Now
	if s.clock.base == nil {
		s.clock.base = time.Now
	}
	switch {
	case opts.TokenDailyLimit < 0:
		s.quotas[pathToken] = 0
	case opts.TokenDailyLimit > 0:
		s.quotas[pathToken] = opts.TokenDailyLimit
	}
	for path, limit := range opts.Quotas {
		s.quotas[path] = max(limit, 0)
	}
	for _, a := range opts.Accounts {
		_ = s.AddAccount(a) // documented: invalid accounts are skipped
	}
	return s
}

func orDefault(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// seed reads a ChaCha8 seed from r (crypto/rand when nil). If r fails, the seed comes
// from crypto/rand instead: a sandbox must start even with a short reader.
func seed(r io.Reader) [32]byte {
	var b [32]byte
	if r != nil {
		if _, err := io.ReadFull(r, b[:]); err == nil {
			return b
		}
	}
	_, _ = crand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return b
}

const (
	alphabet = alnum + "_-"
	alnum    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// randString returns n random characters of [A-Za-z0-9_-]. Callers hold s.mu.
func (s *Sandbox) randString(n int) string { return s.randFrom(alphabet, n) }

// randAlnum returns n random characters of [A-Za-z0-9]. Callers hold s.mu.
func (s *Sandbox) randAlnum(n int) string { return s.randFrom(alnum, n) }

func (s *Sandbox) randFrom(chars string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = chars[s.rng.IntN(len(chars))]
	}
	return string(b)
}

// randTokenString returns a string shaped like the platform's access and refresh tokens:
// two digits, "_" and 133 characters of [A-Za-z0-9_-] (~136 in all, like "86_…").
// Callers hold s.mu.
func (s *Sandbox) randTokenString() string {
	return fmt.Sprintf("%02d_%s", 60+s.rng.IntN(40), s.randString(133))
}

// randRID returns a platform-like request id, "xxxxxxxx-xxxxxxxx-xxxxxxxx" in hex.
func (s *Sandbox) randRID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b [12]byte
	binary.LittleEndian.PutUint64(b[:8], s.rng.Uint64())
	binary.LittleEndian.PutUint32(b[8:], s.rng.Uint32())
	const hexdigits = "0123456789abcdef"
	out := make([]byte, 0, 26)
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			out = append(out, '-')
		}
		out = append(out, hexdigits[c>>4], hexdigits[c&0xf])
	}
	return string(out)
}
