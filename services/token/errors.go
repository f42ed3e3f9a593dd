package token

import (
	"errors"
	"fmt"
	"time"

	"connectrpc.com/connect"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

// ErrEmptyAppID is returned when a request names no account.
var ErrEmptyAppID = errors.New("app_id is required")

// ErrTicketType is returned for a missing or unknown ticket type.
var ErrTicketType = errors.New("type must be TICKET_TYPE_JSAPI or TICKET_TYPE_WX_CARD")

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
	)
	switch {
	case errors.Is(err, ErrEmptyAppID), errors.Is(err, ErrTicketType):
		return connect.NewError(connect.CodeInvalidArgument, err)
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
	}
	return err
}
