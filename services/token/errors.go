package token

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"connectrpc.com/connect"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

// ErrEmptyAppID is returned when a request names no account.
var ErrEmptyAppID = errors.New("app_id is required")

// ErrTicketType is returned for a missing or unknown ticket type.
var ErrTicketType = errors.New("type must be TICKET_TYPE_JSAPI or TICKET_TYPE_WX_CARD")

// errUserTokenKeyFormat is the configuration error of a malformed token.user_token_key.
var errUserTokenKeyFormat = errors.New("want 32 bytes in standard base64 (e.g. the output of `openssl rand -base64 32`)")

// ErrUserTokenKeyUnset is returned by the web-authorization methods while
// token.user_token_key is not configured.
var ErrUserTokenKeyUnset = errors.New("web authorization needs token.user_token_key (32 bytes, base64) to encrypt user tokens in Redis; configure it")

// ErrClearQuotaUnconfirmed is returned by ClearQuota without confirm.
var ErrClearQuotaUnconfirmed = errors.New("ClearQuota resets every daily quota and an account has only 10 resets a month: set confirm=true")

// ArgumentError is a request field that is missing or malformed.
type ArgumentError struct {
	// Field is the request field, e.g. "redirect_uri".
	Field string
	// Reason says what is wrong, e.g. "is required".
	Reason string
}

func (e *ArgumentError) Error() string { return e.Field + " " + e.Reason }

// DomainError is a URL whose host is not among the account's configured domains.
type DomainError struct {
	AppID string
	// Field is the request field holding the URL ("redirect_uri" or "url").
	Field string
	// Host is the URL's host.
	Host string
	// Key is the account setting listing the domains ("oauth_domains" or "js_domains").
	Key string
	// Allowed are the configured domains.
	Allowed []string
}

func (e *DomainError) Error() string {
	return fmt.Sprintf("%s host %q is not in accounts[].%s of %s (%s); WeChat accepts only the exact domains configured in its console",
		e.Field, e.Host, e.Key, e.AppID, strings.Join(e.Allowed, ", "))
}

// NoDomainsError is returned when an account has none of the domains a call needs.
type NoDomainsError struct {
	AppID string
	// Key is the missing setting ("oauth_domains" or "js_domains").
	Key string
}

func (e *NoDomainsError) Error() string {
	return fmt.Sprintf("account %s has no %s: configure accounts[].%s with the domains set in the WeChat console", e.AppID, e.Key, e.Key)
}

// UnknownUserError is returned when no authorization is stored for a user.
type UnknownUserError struct {
	AppID  string
	OpenID string
}

func (e *UnknownUserError) Error() string {
	return fmt.Sprintf("no stored authorization for openid %q of %s: exchange a code first (authorizations expire 30 days after the exchange)", e.OpenID, e.AppID)
}

// BaseScopeError refuses to read the profile of a user who granted snsapi_base only.
type BaseScopeError struct {
	AppID  string
	OpenID string
}

func (e *BaseScopeError) Error() string {
	return fmt.Sprintf("user authorized snsapi_base only: reading the profile of openid %q needs an authorization with scope snsapi_userinfo", e.OpenID)
}

// ReauthorizeError means the stored authorization of a user can no longer be used: the
// user must authorize again.
type ReauthorizeError struct {
	AppID  string
	OpenID string
	// Reason says why, e.g. "the refresh token expired".
	Reason string
	// Err is WeChat's answer, when it came from WeChat.
	Err error
}

func (e *ReauthorizeError) Error() string {
	return fmt.Sprintf("%s for openid %q of %s: the user must authorize again", e.Reason, e.OpenID, e.AppID)
}

func (e *ReauthorizeError) Unwrap() error { return e.Err }

// OAuthCodeError is a failed code exchange.
type OAuthCodeError struct {
	AppID string
	// Err is the cause (a *wechat.Error when WeChat refused the code).
	Err error
}

func (e *OAuthCodeError) Error() string {
	return fmt.Sprintf("exchange code for %s: %v", e.AppID, e.Err)
}

func (e *OAuthCodeError) Unwrap() error { return e.Err }

// CallError is a failed WeChat call other than a credential fetch.
type CallError struct {
	AppID string
	// Op names the operation, e.g. "get user info".
	Op string
	// Err is the error of the wechat client.
	Err error
}

func (e *CallError) Error() string { return fmt.Sprintf("%s for %s: %v", e.Op, e.AppID, e.Err) }

func (e *CallError) Unwrap() error { return e.Err }

// QuotaResetsExhaustedError is WeChat's refusal (errcode 48006) of a quota reset: the
// account used its 10 resets this month.
type QuotaResetsExhaustedError struct {
	AppID string
	// Err is WeChat's answer.
	Err error
}

func (e *QuotaResetsExhaustedError) Error() string {
	return fmt.Sprintf("no quota resets left this month for %s (remaining 0; an account has 10 a month, console resets included)", e.AppID)
}

func (e *QuotaResetsExhaustedError) Unwrap() error { return e.Err }

// UserStoreError is a failure of Redis while reading or writing users' authorizations.
type UserStoreError struct {
	AppID string
	Err   error
}

func (e *UserStoreError) Error() string {
	return fmt.Sprintf("the user token store (Redis) is unavailable for %s", e.AppID)
}

func (e *UserStoreError) Unwrap() error { return e.Err }

// UnknownAccountError is returned for an app_id that is not configured.
type UnknownAccountError struct {
	AppID string
}

func (e *UnknownAccountError) Error() string {
	return fmt.Sprintf("account %q is not configured", e.AppID)
}

// StoreUnavailableError is returned when Redis cannot be reached and the process holds no
// valid copy of the credential.
type StoreUnavailableError struct {
	AppID string
	Kind  kind
	Err   error
}

func (e *StoreUnavailableError) Error() string {
	return fmt.Sprintf("the token store (Redis) is unavailable and no valid cached %s of %s remains", e.Kind.human(), e.AppID)
}

func (e *StoreUnavailableError) Unwrap() error { return e.Err }

// RefreshTooSoonError refuses a forced refresh that comes too soon after the last fetch.
type RefreshTooSoonError struct {
	AppID string
	Age   time.Duration
	Min   time.Duration
	// Explicit is set when the caller asked for a refresh without reporting a rejected token.
	Explicit bool
}

func (e *RefreshTooSoonError) Error() string {
	if e.Explicit {
		return fmt.Sprintf("forced refresh of the access token of %s refused: it was fetched %s ago and forced refreshes are at least %s apart",
			e.AppID, e.Age.Round(time.Second), e.Min)
	}
	return fmt.Sprintf("the access token of %s was rejected %s after it was fetched: another system is probably fetching tokens for this account (use stable_token, or stop the other fetcher); forced refreshes are at least %s apart",
		e.AppID, e.Age.Round(time.Second), e.Min)
}

// BlockedError is returned while WeChat has blocked token fetches for an account (an
// administrator refused the calling IP: errcode 89506 or 89507).
type BlockedError struct {
	AppID   string
	Until   time.Time
	Errcode int
	// Errmsg and Path are WeChat's errmsg and the endpoint of the refused fetch.
	Errmsg string
	Path   string
}

func (e *BlockedError) Error() string {
	return fmt.Sprintf("token fetches of %s are blocked until %s: WeChat errcode %d (the account administrator refused this IP)",
		e.AppID, e.Until.UTC().Format(time.RFC3339), e.Errcode)
}

// WaitTimeoutError is returned when another replica's fetch did not finish in time.
type WaitTimeoutError struct {
	AppID string
	Kind  kind
}

func (e *WaitTimeoutError) Error() string {
	return fmt.Sprintf("timed out waiting for another replica to fetch the %s of %s", e.Kind.human(), e.AppID)
}

// FetchError is a failed fetch from WeChat.
type FetchError struct {
	AppID string
	Kind  kind
	Err   error
}

func (e *FetchError) Error() string {
	return fmt.Sprintf("fetch %s of %s: %v", e.Kind.human(), e.AppID, e.Err)
}

func (e *FetchError) Unwrap() error { return e.Err }

// connectError maps the service's errors to connect errors; it is the one mapping
// function of this boundary. Errors it does not know pass through to the server's
// interceptor, which turns them into Internal without exposing their text.
func connectError(err error) error {
	if err == nil {
		return nil
	}
	var (
		unknown *UnknownAccountError
		store   *StoreUnavailableError
		soon    *RefreshTooSoonError
		blocked *BlockedError
		wait    *WaitTimeoutError
		fetch   *FetchError
		arg     *ArgumentError
		domain  *DomainError
		nodom   *NoDomainsError
		user    *UnknownUserError
		base    *BaseScopeError
		reauth  *ReauthorizeError
		code    *OAuthCodeError
		resets  *QuotaResetsExhaustedError
		call    *CallError
		ustore  *UserStoreError
	)
	switch {
	case errors.Is(err, ErrEmptyAppID), errors.Is(err, ErrTicketType):
		return connect.NewError(connect.CodeInvalidArgument, err)
	case errors.As(err, &arg):
		return connect.NewError(connect.CodeInvalidArgument, arg)
	case errors.As(err, &domain):
		return connect.NewError(connect.CodeInvalidArgument, domain)
	case errors.As(err, &nodom):
		return connect.NewError(connect.CodeFailedPrecondition, nodom)
	case errors.Is(err, ErrUserTokenKeyUnset), errors.Is(err, ErrClearQuotaUnconfirmed):
		return connect.NewError(connect.CodeFailedPrecondition, err)
	case errors.As(err, &user):
		return connect.NewError(connect.CodeNotFound, user)
	case errors.As(err, &base):
		return connect.NewError(connect.CodeFailedPrecondition, base)
	case errors.As(err, &reauth):
		return withWeChatDetail(connect.NewError(connect.CodeFailedPrecondition, errors.New(reauth.Error())), reauth.Err)
	case errors.As(err, &ustore):
		return connect.NewError(connect.CodeUnavailable, errors.New(ustore.Error()))
	case errors.As(err, &resets):
		return withWeChatDetail(connect.NewError(connect.CodeResourceExhausted, errors.New(resets.Error())), resets.Err)
	case errors.As(err, &unknown):
		return connect.NewError(connect.CodeNotFound, unknown)
	case errors.As(err, &store):
		return connect.NewError(connect.CodeUnavailable, errors.New(store.Error()))
	case errors.As(err, &soon):
		return connect.NewError(connect.CodeResourceExhausted, soon)
	case errors.As(err, &blocked):
		out := connect.NewError(connect.CodeFailedPrecondition, blocked)
		werr := &wechat.Error{Code: blocked.Errcode, Msg: blocked.Errmsg, Path: blocked.Path, AppID: blocked.AppID}
		for _, d := range werr.ConnectError().Details() {
			out.AddDetail(d)
		}
		return out
	case errors.As(err, &wait):
		return connect.NewError(connect.CodeUnavailable, wait)
	case errors.As(err, &fetch):
		var werr *wechat.Error
		if errors.As(fetch.Err, &werr) {
			ce := werr.ConnectError()
			out := connect.NewError(ce.Code(), fmt.Errorf("fetch %s of %s: %s", fetch.Kind.human(), fetch.AppID, ce.Message()))
			for _, d := range ce.Details() {
				out.AddDetail(d)
			}
			return out
		}
		// Transport failures: the wechat client's errors carry no URL query, so their
		// text is safe and tells the operator what happened.
		return connect.NewError(connect.CodeUnavailable, errors.New(fetch.Error()))
	case errors.As(err, &code):
		var werr *wechat.Error
		if errors.As(code.Err, &werr) {
			if c, msg, ok := codeExchangeStatus(werr.Code); ok {
				return withWeChatDetail(connect.NewError(c, errors.New(msg)), werr)
			}
		}
		return callStatus("exchange code", code.AppID, code.Err)
	case errors.As(err, &call):
		return callStatus(call.Op, call.AppID, call.Err)
	}
	return err
}

// codeExchangeStatus is the status of the errcodes of a code exchange that mean the code
// cannot be used.
func codeExchangeStatus(errcode int) (connect.Code, string, bool) {
	switch errcode {
	case 40029:
		return connect.CodeInvalidArgument, "invalid code", true
	case 40163:
		return connect.CodeFailedPrecondition, "code already used", true
	case 42003:
		return connect.CodeFailedPrecondition, "code expired (codes live 5 minutes)", true
	case 41008:
		return connect.CodeInvalidArgument, "code is required", true
	}
	return 0, "", false
}

// callStatus maps the error of a WeChat call: WeChat's errcode with its ErrorInfo,
// transport failures to Unavailable, and the token service's own errors (the access
// token the call needed) as connectError does.
func callStatus(op, appID string, err error) error {
	if ce, ok := wechat.ConnectErrorFrom(err); ok {
		out := connect.NewError(ce.Code(), fmt.Errorf("%s for %s: %s", op, appID, ce.Message()))
		for _, d := range ce.Details() {
			out.AddDetail(d)
		}
		return out
	}
	// Anything else (a decode failure) goes to the server's interceptor: Internal, logged.
	return err
}

// withWeChatDetail adds the WeChat ErrorInfo of cause, when it has one, to out.
func withWeChatDetail(out *connect.Error, cause error) *connect.Error {
	var werr *wechat.Error
	if errors.As(cause, &werr) {
		if d, err := connect.NewErrorDetail(werr.ErrorInfo()); err == nil {
			out.AddDetail(d)
		}
	}
	return out
}
