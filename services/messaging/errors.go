package messaging

import (
	"context"
	"errors"
	"fmt"

	"connectrpc.com/connect"
)

// ErrBadXML is a pushed message that is not the XML WeChat sends (it does not parse, its
// root is not <xml>, or it has no MsgType).
var ErrBadXML = errors.New("malformed message XML")

// ArgumentError is a request field that is missing or malformed.
type ArgumentError struct {
	// Field is the request field, e.g. "group".
	Field string
	// Reason says what is wrong, e.g. "is required".
	Reason string
}

func (e *ArgumentError) Error() string { return e.Field + " " + e.Reason }

// UnknownAccountError is returned for an app_id that is not configured.
type UnknownAccountError struct {
	AppID string
}

func (e *UnknownAccountError) Error() string {
	return fmt.Sprintf("account %q is not configured", e.AppID)
}

// EventNotFoundError is returned by GetEvent for an id the stream does not hold (never
// stored, or trimmed by stream.max_len / stream.max_age).
type EventNotFoundError struct {
	AppID string
	ID    string
}

func (e *EventNotFoundError) Error() string {
	return fmt.Sprintf("event %s of %s not found (never stored, or trimmed by messaging.stream limits)", e.ID, e.AppID)
}

// StoreError is a failure of Redis while storing or reading events.
type StoreError struct {
	AppID string
	// Op names the operation, e.g. "append event".
	Op  string
	Err error
}

func (e *StoreError) Error() string {
	return fmt.Sprintf("%s for %s: the event store (Redis) is unavailable", e.Op, e.AppID)
}

func (e *StoreError) Unwrap() error { return e.Err }

// connectError maps the service's errors to connect errors; it is the one mapping
// function of the RPC boundary. Errors it does not know pass through to the server's
// interceptor, which turns them into Internal without exposing their text.
func connectError(err error) error {
	if err == nil {
		return nil
	}
	var (
		arg      *ArgumentError
		unknown  *UnknownAccountError
		notFound *EventNotFoundError
		noLoc    *UserLocationNotFoundError
		store    *StoreError
	)
	switch {
	case errors.As(err, &noLoc):
		return connect.NewError(connect.CodeNotFound, noLoc)
	case errors.As(err, &arg):
		return connect.NewError(connect.CodeInvalidArgument, arg)
	case errors.As(err, &unknown):
		return connect.NewError(connect.CodeNotFound, unknown)
	case errors.As(err, &notFound):
		return connect.NewError(connect.CodeNotFound, notFound)
	case errors.Is(err, context.Canceled):
		return connect.NewError(connect.CodeCanceled, err)
	case errors.Is(err, context.DeadlineExceeded):
		return connect.NewError(connect.CodeDeadlineExceeded, err)
	case errors.As(err, &store):
		// The cause (a go-redis error) may name addresses; it is not shown.
		return connect.NewError(connect.CodeUnavailable, errors.New(store.Error()))
	}
	return err
}
