package sandbox

import (
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
)

// ErrUnknownUser is wrapped by the errors of methods given an openid the account does not
// know; the error text names the AppID and the openid.
var ErrUnknownUser = errors.New("unknown user")

// maxOpenIDLen bounds openids given to AddUser. Real openids are 28 characters; the
// bound leaves room for readable test ids such as "o-alice".
const maxOpenIDLen = 64

// User is a simulated WeChat user as one account sees them (an openid is per account).
// The same type serves web authorization now and followers and message senders later.
type User struct {
	// OpenID is the user's id for the account, e.g. "oLVPpjqs9BhvzwPj5A-vTYAX3GLc".
	// AddUser generates a realistic one (28 characters starting with "o") when empty.
	OpenID string `json:"openid"`
	// UnionID is the user's id across the accounts bound to one open-platform account;
	// empty when the account has no binding.
	UnionID string `json:"unionid,omitempty"`
	// Nickname is the display name.
	Nickname string `json:"nickname"`
	// Sex is 1 for male, 2 for female, 0 for unknown.
	Sex int `json:"sex"`
	// Province is the user's province.
	Province string `json:"province"`
	// City is the user's city.
	City string `json:"city"`
	// Country is the user's country.
	Country string `json:"country"`
	// HeadImgURL is the avatar URL.
	HeadImgURL string `json:"headimgurl"`
	// Language is the user's language, e.g. "zh_CN".
	Language string `json:"language"`
	// Privilege lists the privileges /sns/userinfo reports (e.g. "chinaunicom").
	Privilege []string `json:"privilege"`
}

// clone returns a copy of u that shares no slice with it.
func (u User) clone() User {
	u.Privilege = slices.Clone(u.Privilege)
	return u
}

// validate reports the first invalid field of u; field prefixes the names.
func (u User) validate(field string) error {
	if u.OpenID != "" {
		if len(u.OpenID) > maxOpenIDLen || strings.Trim(u.OpenID, alphabet) != "" {
			return &ArgumentError{Field: field + "openid", Reason: "must be at most " + strconv.Itoa(maxOpenIDLen) + " characters of [A-Za-z0-9_-]"}
		}
	}
	if u.UnionID != "" && (len(u.UnionID) > maxOpenIDLen || strings.Trim(u.UnionID, alphabet) != "") {
		return &ArgumentError{Field: field + "unionid", Reason: "must be at most " + strconv.Itoa(maxOpenIDLen) + " characters of [A-Za-z0-9_-]"}
	}
	if u.Sex < 0 || u.Sex > 2 {
		return &ArgumentError{Field: field + "sex", Reason: "must be 0 (unknown), 1 (male) or 2 (female)"}
	}
	return nil
}

func unknownUser(appID, openID string) error {
	return fmt.Errorf("app_id %q openid %q: %w", appID, openID, ErrUnknownUser)
}

// openIDPrefix is the account-specific start of the openids the sandbox generates: real
// openids of one account share their first six characters ("o" and five more).
func openIDPrefix(appID string) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(appID)) // hash writes never fail
	sum := h.Sum64()
	b := []byte{'o', 0, 0, 0, 0, 0}
	for i := 1; i < len(b); i++ {
		b[i] = alphabet[sum%uint64(len(alphabet))]
		sum /= uint64(len(alphabet))
	}
	return string(b)
}

// newOpenID returns an unused 28-character openid for a. Callers hold s.mu.
func (s *Sandbox) newOpenID(a *account) string {
	prefix := openIDPrefix(a.AppID)
	for {
		id := prefix + s.randString(28-len(prefix))
		if _, taken := a.users[id]; !taken {
			return id
		}
	}
}

// AddUser adds a simulated user to an account, or replaces the profile of the user with
// the same OpenID (the user's codes and sns tokens are kept). An empty OpenID gets a
// generated one. It returns the stored user; an [*ArgumentError] naming the field
// ("user.openid", "user.unionid", "user.sex") for invalid fields, and an error wrapping
// [ErrUnknownAccount] when no account has appID.
func (s *Sandbox) AddUser(appID string, u User) (User, error) {
	if err := u.validate("user."); err != nil {
		return User{}, err
	}
	u = u.clone()
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return User{}, unknownAccount(appID)
	}
	if u.OpenID == "" {
		u.OpenID = s.newOpenID(a)
	}
	stored := u.clone()
	a.users[u.OpenID] = &stored
	return u, nil
}

// Users returns an account's simulated users ordered by OpenID, or an error wrapping
// [ErrUnknownAccount] when no account has appID.
func (s *Sandbox) Users(appID string) ([]User, error) {
	s.mu.Lock()
	a, ok := s.accounts[appID]
	if !ok {
		s.mu.Unlock()
		return nil, unknownAccount(appID)
	}
	out := make([]User, 0, len(a.users))
	for _, u := range a.users {
		out = append(out, u.clone())
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b User) int { return strings.Compare(a.OpenID, b.OpenID) })
	return out, nil
}

// User returns one simulated user of an account. The error wraps [ErrUnknownAccount] or
// [ErrUnknownUser].
func (s *Sandbox) User(appID, openID string) (User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.lookupUser(appID, openID)
	if err != nil {
		return User{}, err
	}
	return u.clone(), nil
}

// lookupUser finds a user. Callers hold s.mu.
func (s *Sandbox) lookupUser(appID, openID string) (*User, error) {
	a, ok := s.accounts[appID]
	if !ok {
		return nil, unknownAccount(appID)
	}
	u, ok := a.users[openID]
	if !ok {
		return nil, unknownUser(appID, openID)
	}
	return u, nil
}

// DeleteUser removes a simulated user with their inbox and every web-authorization
// code, sns access token and refresh token issued for them (calls carrying them get 40001, 40029 or
// 40030 afterwards); when the user was the authorizing user, none is chosen any more.
// The error wraps [ErrUnknownAccount] or [ErrUnknownUser].
func (s *Sandbox) DeleteUser(appID, openID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return unknownAccount(appID)
	}
	if _, ok := a.users[openID]; !ok {
		return unknownUser(appID, openID)
	}
	delete(a.users, openID)
	delete(a.inboxes, openID)
	if a.authorizing == openID {
		a.authorizing = ""
	}
	s.forgetOAuth(appID, openID)
	return nil
}

// SetAuthorizingUser chooses the simulated user who "logs in" when a browser opens the
// account's /connect/oauth2/authorize URL; an empty openID clears the choice (then the
// account's only user, if it has exactly one, authorizes). The error wraps
// [ErrUnknownAccount] or [ErrUnknownUser].
func (s *Sandbox) SetAuthorizingUser(appID, openID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return unknownAccount(appID)
	}
	if openID != "" {
		if _, ok := a.users[openID]; !ok {
			return unknownUser(appID, openID)
		}
	}
	a.authorizing = openID
	return nil
}

// authorizingUser returns the user /connect/oauth2/authorize logs in for a: the chosen
// one, else the only user, else nil. Callers hold s.mu.
func (a *account) authorizingUser() *User {
	if a.authorizing != "" {
		return a.users[a.authorizing]
	}
	if len(a.users) == 1 {
		for _, u := range a.users {
			return u
		}
	}
	return nil
}
