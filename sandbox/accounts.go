package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// DemoAppID and DemoAppSecret are the credentials of the demo account that
// [DemoAccount] returns (an AppID in the platform's "wx" + 16 hex digits form).
const (
	DemoAppID     = "wxd000000000000de0"
	DemoAppSecret = "de0de0de0de0de0de0de0de0de0de0de"
	demoName      = "wxsandbox demo"
)

// Account is a simulated official account.
type Account struct {
	// AppID identifies the account, e.g. "wx0123456789abcdef". Required.
	AppID string `json:"app_id"`
	// AppSecret is the secret /cgi-bin/token and stable_token require. Required.
	AppSecret string `json:"app_secret"`
	// Name is a display name.
	Name string `json:"name"`
	// OAuthDomains are the web-authorization domains (网页授权域名): the redirect_uri hosts
	// /connect/oauth2/authorize accepts. A domain without a port matches the host on any
	// port, one with a port ("127.0.0.1:8080") only that port; subdomains do not match.
	// Empty accepts any host.
	OAuthDomains []string `json:"oauth_domains,omitempty"`
	// CallbackURL is where the sandbox pushes the account's messages and events (the
	// server URL, 服务器地址, of the console's 服务器配置): an absolute http or https URL.
	// Empty disables pushes.
	CallbackURL string `json:"callback_url,omitempty"`
	// CallbackToken is the console's Token (3 to 32 letters or digits) that signs pushes.
	// Required when CallbackURL is set: the console does not save a configuration without
	// one.
	CallbackToken string `json:"callback_token,omitempty"`
	// EncodingAESKey is the console's EncodingAESKey: 43 base64 characters that decode
	// (with "=" appended) to the 32-byte AES key. Required in EncryptCompatible and
	// EncryptSafe modes.
	EncodingAESKey string `json:"encoding_aes_key,omitempty"`
	// EncryptMode is how pushes are sent; the zero value is plaintext. In fixture JSON it
	// is a string: "plain", "compatible" or "safe" ("" or absent for the zero value).
	EncryptMode EncryptMode `json:"encrypt_mode,omitempty"`
	// OriginalID is the account's original id (原始ID, "gh_" and 12 hex digits), the
	// ToUserName of pushes and the FromUserName replies must carry. AddAccount derives
	// one from the AppID when it is empty (so a fixture account keeps the same one across
	// restarts) and keeps the current one when an account is replaced without one.
	OriginalID string `json:"original_id,omitempty"`
}

// clone returns a copy of a that shares no slice with it.
func (a Account) clone() Account {
	a.OAuthDomains = slices.Clone(a.OAuthDomains)
	return a
}

// DemoAccount returns the demo account (DemoAppID, DemoAppSecret) that development
// setups and tests use when they need just one account.
func DemoAccount() Account {
	return Account{AppID: DemoAppID, AppSecret: DemoAppSecret, Name: demoName}
}

// account is an Account with everything the sandbox issued for it and its counters.
// Guarded by Sandbox.mu.
type account struct {
	Account

	classic, classicPrev *token // latest /cgi-bin/token token and the one before
	stable, stablePrev   *token // latest stable_token token and the one before
	lastForce            time.Time
	tickets              map[string]*ticket // by type: jsapi, wx_card
	users                map[string]*User   // by openid
	inboxes              map[string]*inbox  // by openid; any openid a push named
	authorizing          string             // openid chosen by SetAuthorizingUser; "" for none

	day            string           // dayKey the daily counters belong to
	counts         map[string]int64 // calls per API path today
	forceRefreshes int              // effective stable_token force refreshes today
	month          string           // monthKey clears belongs to
	clears         int              // effective clear_quota resets this month

	// Domain state, one field per domain file.
	audience  audienceState
	content   contentState
	menus     menusState
	kf        kfState
	outbound  outboundState
	analytics analyticsState
	smart     smartState
	nontax    nontaxState
	invoice   invoiceState
	card      cardState
	stores    storesState
	guide     guideState
}

// validate reports the first missing required field of a.
func (a Account) validate(field string) error {
	switch {
	case strings.TrimSpace(a.AppID) == "":
		return &ArgumentError{Field: field + "app_id", Reason: "is required"}
	case strings.TrimSpace(a.AppSecret) == "":
		return &ArgumentError{Field: field + "app_secret", Reason: "is required"}
	}
	for i, d := range a.OAuthDomains {
		if d == "" || strings.ContainsAny(d, "/?#@ \t\r\n") {
			return &ArgumentError{Field: fmt.Sprintf("%soauth_domains[%d]", field, i), Reason: `must be a host name with an optional port, without scheme or path (e.g. "www.example.com")`}
		}
	}
	return a.validateCallback(field)
}

// AddAccount adds a simulated account, or replaces the secret, name, OAuth domains and
// callback settings of the account with the same AppID (its tokens, tickets, users,
// inboxes and counters are kept, as when a secret is reset on the platform). An empty
// OriginalID keeps the account's current one, or gets one derived from the AppID. It
// returns an [*ArgumentError] when AppID or AppSecret is empty, an OAuth domain is not a
// bare host or a callback setting is invalid (see [Account]).
func (s *Sandbox) AddAccount(a Account) error {
	_, err := s.addAccount(a)
	return err
}

// addAccount is AddAccount returning the stored account.
func (s *Sandbox) addAccount(a Account) (Account, error) {
	if err := a.validate(""); err != nil {
		return Account{}, err
	}
	a = a.clone()
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur, ok := s.accounts[a.AppID]; ok {
		if a.OriginalID == "" {
			a.OriginalID = cur.OriginalID
		}
		cur.Account = a
		return a.clone(), nil
	}
	if a.OriginalID == "" {
		a.OriginalID = originalIDFor(a.AppID)
	}
	s.accounts[a.AppID] = &account{
		Account: a,
		tickets: make(map[string]*ticket),
		counts:  make(map[string]int64),
		users:   make(map[string]*User),
		inboxes: make(map[string]*inbox),
	}
	return a.clone(), nil
}

// Account returns one simulated account, or an error wrapping [ErrUnknownAccount].
func (s *Sandbox) Account(appID string) (Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return Account{}, unknownAccount(appID)
	}
	return a.clone(), nil
}

// Accounts returns the simulated accounts ordered by AppID.
func (s *Sandbox) Accounts() []Account {
	s.mu.Lock()
	out := make([]Account, 0, len(s.accounts))
	for _, a := range s.accounts {
		out = append(out, a.clone())
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b Account) int { return strings.Compare(a.AppID, b.AppID) })
	return out
}

// DeleteAccount removes an account with its users and every token, ticket, code and
// sns token it was issued; calls carrying those tokens get 40001 afterwards. It returns
// an error wrapping [ErrUnknownAccount] when no account has appID.
func (s *Sandbox) DeleteAccount(appID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.accounts[appID]; !ok {
		return unknownAccount(appID)
	}
	delete(s.accounts, appID)
	for v, t := range s.tokens {
		if t.appID == appID {
			delete(s.tokens, v)
		}
	}
	s.forgetOAuth(appID, "")
	return nil
}

// RevokeTokens invalidates every access token (classic and stable) and ticket of an
// account at once, as a reset in the console would: calls carrying any of them get
// 40001, and the next token or ticket request issues a new one. It returns an error
// wrapping [ErrUnknownAccount] when no account has appID.
func (s *Sandbox) RevokeTokens(appID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return unknownAccount(appID)
	}
	for _, t := range s.tokens {
		if t.appID == appID {
			t.revoked = true
		}
	}
	a.classic, a.classicPrev, a.stable, a.stablePrev = nil, nil, nil, nil
	a.lastForce = time.Time{}
	clear(a.tickets)
	return nil
}

// fixture is the JSON layout LoadFixture reads.
type fixture struct {
	Accounts []Account `json:"accounts"`
}

// LoadFixture reads simulated accounts from a JSON file shaped
// {"accounts":[{"app_id":"…","app_secret":"…","name":"…","oauth_domains":["…"],
// "callback_url":"…","callback_token":"…","encoding_aes_key":"…","encrypt_mode":"safe",
// "original_id":"gh_…"}]}. Unknown keys are ignored (so fixtures can grow); an account
// without app_id or app_secret, with invalid callback settings, or an app_id listed twice
// is an error. OriginalID stays empty when absent: AddAccount derives it.
func LoadFixture(path string) ([]Account, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read fixture: %w", err)
	}
	var f fixture
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("parse fixture %s: %w", path, err)
	}
	seen := make(map[string]bool, len(f.Accounts))
	for i, a := range f.Accounts {
		if err := a.validate(fmt.Sprintf("accounts[%d].", i)); err != nil {
			return nil, fmt.Errorf("fixture %s: %w", path, err)
		}
		if seen[a.AppID] {
			return nil, fmt.Errorf("fixture %s: accounts[%d].app_id %q listed twice", path, i, a.AppID)
		}
		seen[a.AppID] = true
	}
	return f.Accounts, nil
}
