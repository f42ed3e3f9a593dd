package sandbox

import (
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
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

	// Unsubscribed reports that the user does not follow the account (a user known only
	// through web authorization, or one who unfollowed). The zero value is a follower, so
	// AddUser adds followers unless told otherwise.
	Unsubscribed bool `json:"unsubscribed,omitempty"`
	// SubscribeTime is the Unix time of the latest subscription (user/info
	// subscribe_time); AddUser sets the sandbox clock's time when a follower has none.
	SubscribeTime int64 `json:"subscribe_time,omitempty"`
	// SubscribeScene is how the user followed (user/info subscribe_scene), one of
	// SubscribeScenes; AddUser sets "ADD_SCENE_OTHERS" when a follower has none.
	SubscribeScene string `json:"subscribe_scene,omitempty"`
	// QRScene is the integer scene of the QR code the user followed through (qr_scene).
	QRScene int64 `json:"qr_scene,omitempty"`
	// QRSceneStr is the string scene of the QR code the user followed through
	// (qr_scene_str), at most 64 characters.
	QRSceneStr string `json:"qr_scene_str,omitempty"`
	// Remark is the account's note on the user (user/info remark), under 30 characters.
	Remark string `json:"remark,omitempty"`
	// TagIDs are the ids of the account's tags the user carries (user/info tagid_list),
	// at most 20; every id must name an existing tag of the account.
	TagIDs []int `json:"tagid_list,omitempty"`
	// Blocked reports that the account blacklisted the user: they stay a follower but
	// messages to them fail with 43019.
	Blocked bool `json:"blocked,omitempty"`
	// ClientPlatformType is the user's WeChat client as conditional menus match it:
	// 1 iOS, 2 Android, 3 others; 0 for unknown (matches no platform rule).
	ClientPlatformType int `json:"client_platform_type,omitempty"`
}

// SubscribeScenes are the subscribe_scene values user/info reports.
var SubscribeScenes = []string{
	"ADD_SCENE_SEARCH", "ADD_SCENE_ACCOUNT_MIGRATION", "ADD_SCENE_PROFILE_CARD",
	"ADD_SCENE_QR_CODE", "ADD_SCENE_PROFILE_LINK", "ADD_SCENE_PROFILE_ITEM", "ADD_SCENE_PAID",
	"ADD_SCENE_WECHAT_ADVERTISEMENT", "ADD_SCENE_REPRINT", "ADD_SCENE_LIVESTREAM",
	"ADD_SCENE_CHANNELS", "ADD_SCENE_OTHERS",
}

// Limits of a user's audience fields.
const (
	maxUserTags    = 20 // tags per user (45059)
	maxRemarkLen   = 30 // remark characters (user/info/updateremark)
	maxSceneStrLen = 64 // qr_scene_str characters
)

// clone returns a copy of u that shares no slice with it.
func (u User) clone() User {
	u.Privilege = slices.Clone(u.Privilege)
	u.TagIDs = slices.Clone(u.TagIDs)
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
	if u.SubscribeScene != "" && !slices.Contains(SubscribeScenes, u.SubscribeScene) {
		return &ArgumentError{Field: field + "subscribe_scene", Reason: "must be one of " + strings.Join(SubscribeScenes, ", ")}
	}
	if u.SubscribeTime < 0 {
		return &ArgumentError{Field: field + "subscribe_time", Reason: "must not be negative"}
	}
	if utf8.RuneCountInString(u.QRSceneStr) > maxSceneStrLen {
		return &ArgumentError{Field: field + "qr_scene_str", Reason: "must be at most " + strconv.Itoa(maxSceneStrLen) + " characters"}
	}
	if utf8.RuneCountInString(u.Remark) >= maxRemarkLen {
		return &ArgumentError{Field: field + "remark", Reason: "must be shorter than " + strconv.Itoa(maxRemarkLen) + " characters"}
	}
	if len(u.TagIDs) > maxUserTags {
		return &ArgumentError{Field: field + "tagid_list", Reason: "must hold at most " + strconv.Itoa(maxUserTags) + " tags"}
	}
	for i, id := range u.TagIDs {
		if id < 0 || slices.Contains(u.TagIDs[:i], id) {
			return &ArgumentError{Field: fmt.Sprintf("%stagid_list[%d]", field, i), Reason: "must be a tag id (not negative) listed once"}
		}
	}
	if u.ClientPlatformType < 0 || u.ClientPlatformType > 3 {
		return &ArgumentError{Field: field + "client_platform_type", Reason: "must be 0 (unknown), 1 (iOS), 2 (Android) or 3 (others)"}
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
//
// A user who is not Unsubscribed is a follower: a new follower (or one who was not
// following before) goes to the end of the account's follower list (user/get order).
// A follower without SubscribeTime gets the sandbox clock's now, and without
// SubscribeScene "ADD_SCENE_OTHERS". TagIDs must name existing tags of the account
// ("user.tagid_list[i]" otherwise); tag 2 (星标组) always exists.
func (s *Sandbox) AddUser(appID string, u User) (User, error) {
	if err := u.validate("user."); err != nil {
		return User{}, err
	}
	u = u.clone()
	if !u.Unsubscribed {
		if u.SubscribeTime == 0 {
			u.SubscribeTime = s.Now().Unix()
		}
		if u.SubscribeScene == "" {
			u.SubscribeScene = sceneOthers
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return User{}, unknownAccount(appID)
	}
	for i, id := range u.TagIDs {
		if !a.audience.tagExists(id) {
			return User{}, &ArgumentError{Field: fmt.Sprintf("user.tagid_list[%d]", i), Reason: fmt.Sprintf("tag %d does not exist in the account", id)}
		}
	}
	if u.OpenID == "" {
		u.OpenID = s.newOpenID(a)
	}
	stored := u.clone()
	a.audience.noteUser(a.users[u.OpenID], &stored)
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
	old, ok := a.users[openID]
	if !ok {
		return unknownUser(appID, openID)
	}
	a.audience.noteUser(old, nil)
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
